//! Entering figures and approving them: all-or-nothing batches of values
//! (the form, the API, imports), the approval state of each data set ×
//! unit × period, validation before submission, and the completeness view.
//! Every write updates the rollups and the audit log in its transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use analytics::Entry;
use chrono::{NaiveDate, Utc};
use domain::accounts::Role;
use domain::file::Mode as FileMode;
use domain::file::{
    level_label, CellError, Done, Effect, Imported, Preview, ReadRows, UnitRef, Written,
};
use domain::org_units::{Level, OrgUnit};
use domain::statistics::approval::{parse_reason, Capacity};
use domain::statistics::file::{self, ValueRow};
use domain::statistics::{
    outlier, Approval, ApprovalAction, Calendar, Computed, DataSet, DataSetId, Indicator, Origin,
    Outcome, Period, Severity,
};
use domain::{DomainError, Reason};
use serde::Serialize;

use super::rollups::{self, EntryRow, UnitChanges};
use super::{data_set_tx, indicators_of_set};
use crate::accounts::Scope;
use crate::audit::{self, Author};
use crate::catalogue::Hidden;
use crate::error::{Result, StoreError};
use crate::org_units::UnitsByRef;
use crate::{execute_dyn, fetch_all_dyn, Arg, Db, Params, Tx};
use domain::catalogue::Catalogue as Listing;
use domain::statistics::entry::check_value;
pub use domain::statistics::entry::{Part, ValueWrite};

/// Who is writing: the audit author, and the role and scope that decide
/// what they may enter and approve.
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub author: Author,
    pub role: Role,
    pub scope: Scope,
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WriteReport {
    pub written: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

fn refuse(n: usize, problem: Reason) -> StoreError {
    DomainError::new(
        "values",
        Reason::ValueAt {
            n: n + 1,
            problem: Box::new(problem),
        },
    )
    .into()
}

/// Units (with their validity) by id, limited to the scope.
async fn units_in_scope(tx: &mut Tx, scope: Scope, ids: &[i64]) -> Result<HashMap<i64, OrgUnit>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut args = Vec::new();
        let list: Vec<String> = chunk
            .iter()
            .map(|id| {
                args.push(Arg::I64(Some(*id)));
                format!("${}", args.len())
            })
            .collect();
        let scope_sql = match scope.user_id() {
            None => String::new(),
            Some(user) => {
                args.push(Arg::I64(Some(user)));
                format!(
                    "AND {}",
                    crate::scope::unit_in_scope("u.id", &format!("${}", args.len()))
                )
            }
        };
        let cond = format!("u.id IN ({}) {scope_sql}", list.join(", "));
        for v in crate::org_units::select_where_tx(tx, &cond, args).await? {
            out.insert(v.unit.id, v.unit);
        }
    }
    Ok(out)
}

/// The homes of the written units that have none yet, stored before the
/// write (see `rollups::store_homes_ahead`); units that do not exist or
/// are not the writer's are left to the write to refuse.
async fn homes_ahead(db: &Db, scope: Scope, units: impl Iterator<Item = i64>) -> Result<()> {
    if !db.is_postgres() {
        return Ok(());
    }
    let ids: Vec<i64> = units.collect::<BTreeSet<_>>().into_iter().collect();
    // Most writes are to units with figures already: one read says so.
    let missing = rollups::without_homes(db, &ids).await?;
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin_read().await?;
    let known: Vec<i64> = units_in_scope(&mut tx, scope, &missing)
        .await?
        .into_keys()
        .collect();
    tx.rollback().await?;
    rollups::store_homes_ahead(db, &known).await
}

/// The stored approval of a data set for a unit and period (draft if none).
async fn approval_of(tx: &mut Tx, set: DataSetId, unit: i64, period: Period) -> Result<Approval> {
    let row: Option<(String, i64)> = fetch!(
        tx,
        fetch_optional,
        (String, i64),
        "SELECT state, levels FROM data_approvals WHERE data_set_id = $1 AND org_unit_id = $2 AND period = $3",
        set,
        unit,
        period.to_string()
    )?;
    match row {
        None => Ok(Approval::Draft),
        Some((state, levels)) => Approval::from_stored(&state, levels).ok_or_else(|| {
            StoreError::Data(format!("data_approvals: trạng thái «{state}» không hợp lệ"))
        }),
    }
}

/// A unit's stored figures that the rollups need to see a write to
/// `periods`: for indicators whose changes depend on the rest of the year
/// (`analytics::needs_whole_year`) every figure of those years, for the
/// others the written periods only.
async fn entries(
    tx: &mut Tx,
    unit: i64,
    indicators: &[i64],
    periods: &[Period],
    kinds: &rollups::Kinds,
) -> Result<Vec<EntryRow>> {
    let (whole_year, exact): (Vec<i64>, Vec<i64>) = indicators.iter().partition(|i| {
        kinds
            .get(i)
            .is_none_or(|(agg, _)| analytics::needs_whole_year(*agg))
    });
    let mut out = Vec::new();
    for (ids, whole) in [(whole_year, true), (exact, false)] {
        if ids.is_empty() || periods.is_empty() {
            continue;
        }
        let mut p = Params::default();
        let u = p.push(Arg::I64(Some(unit)));
        let when = if whole {
            let years = || periods.iter().map(|p| p.year());
            let (lo, hi) = (years().min(), years().max());
            let lo = p.push(Arg::Text(lo.map(|y| y.to_string())));
            let hi = p.push(Arg::Text(hi.map(|y| (y + 1).to_string())));
            format!("period >= {lo} AND period < {hi}")
        } else {
            let list: BTreeSet<String> = periods.iter().map(Period::to_string).collect();
            format!(
                "period IN ({})",
                p.list(list.into_iter().map(|x| Arg::Text(Some(x))))
            )
        };
        let sql = format!(
            "SELECT indicator_id, period, value, approved FROM data_values
             WHERE org_unit_id = {u} AND {when} AND indicator_id IN ({})",
            p.list(ids.into_iter().map(|i| Arg::I64(Some(i))))
        );
        out.extend(fetch_all_dyn::<EntryRow>(tx, &sql, p.args).await?);
    }
    Ok(out)
}

/// The rollup changes of one unit: its entries before and after, per indicator.
fn unit_changes(
    unit: i64,
    kinds: &HashMap<
        i64,
        (
            domain::statistics::Aggregation,
            domain::statistics::PeriodType,
        ),
    >,
    before: &[EntryRow],
    after_of: impl Fn(i64, &[Entry]) -> Vec<Entry>,
    written: &BTreeMap<i64, Vec<Period>>,
) -> Result<Vec<UnitChanges>> {
    let mut out = Vec::new();
    for (indicator, periods) in written {
        let Some(&(agg, entered)) = kinds.get(indicator) else {
            continue;
        };
        let old: Vec<Entry> = before
            .iter()
            .filter(|r| r.indicator_id == *indicator)
            .map(EntryRow::entry)
            .collect::<Result<_>>()?;
        let new = after_of(*indicator, &old);
        let changes = analytics::changes(agg, &old, &new, periods);
        if !changes.is_empty() {
            out.push(UnitChanges {
                unit,
                indicator: *indicator,
                agg,
                entered,
                changes,
            });
        }
    }
    Ok(out)
}

struct Resolved<'a> {
    write: &'a ValueWrite,
    indicator: Indicator,
    set: DataSetId,
    value: Option<f64>,
    comment: Option<String>,
    /// Computed by its register at submission (not typed).
    computed: bool,
}

/// Why one value of a batch cannot be written; `index` counts from 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub index: usize,
    pub part: Part,
    pub reason: Reason,
}

fn allowed(who: Who) -> Result<()> {
    if domain::policy::allows(who.role, domain::policy::Action::EnterFigures) {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// The data sets of some indicators, by id.
async fn sets_of<'a>(
    tx: &mut Tx,
    indicators: impl Iterator<Item = &'a Indicator>,
) -> Result<HashMap<DataSetId, DataSet>> {
    let ids: BTreeSet<DataSetId> = indicators.filter_map(|i| i.data_set_id).collect();
    let mut out = HashMap::new();
    for id in ids {
        if let Some(s) = data_set_tx(tx, id).await? {
            out.insert(id, s);
        }
    }
    Ok(out)
}

/// Writes a batch of values: every one is checked first, and if any fails
/// nothing is written. Values of a data set that is submitted or approved
/// for that unit and period are locked.
pub async fn write(
    db: &Db,
    who: Who,
    writes: &[ValueWrite],
    today: NaiveDate,
) -> Result<WriteReport> {
    allowed(who)?;
    homes_ahead(db, who.scope, writes.iter().map(|w| w.org_unit)).await?;
    let mut tx = db.begin().await?;
    let indicators =
        super::indicators_by_code(&mut tx, writes.iter().map(|w| w.indicator.as_str())).await?;
    let sets = sets_of(&mut tx, indicators.values()).await?;
    let resolved = match resolve(&mut tx, who, writes, today, &indicators, &sets).await? {
        Ok(r) => r,
        Err(refusals) => {
            let first = refusals.into_iter().next();
            let (n, m) = first.map_or((0, Reason::ValueInvalid), |r| (r.index, r.reason));
            return Err(refuse(n, m));
        }
    };
    let report = apply_writes(&mut tx, who.author, &resolved).await?;
    tx.commit().await?;
    Ok(report)
}

/// Whether an import writes when every row passes (a file with unreadable
/// rows is only checked, so that one report holds every problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    CheckOnly,
}

/// An import at least this large refreshes the planner's statistics.
const BULK_VALUES: usize = 10_000;

/// Checks the values of a figures file (`files::read_table`) and, unless
/// `mode` asks for a preview only, writes them, all or none: a value for
/// a unit, period and indicator that has none is new, one that differs
/// from the stored value (or comment) a change, an equal one left alone
/// (no audit record). The values that could be read are checked too, so
/// one report holds the problems of reading and of checking, in row order.
pub async fn import_file(
    db: &Db,
    who: Who,
    read: ReadRows<ValueRow>,
    (today, mode): (NaiveDate, &FileMode),
) -> Result<Imported<Done<Written>>> {
    let (rows, mut errors) = match read {
        Ok(r) => r,
        Err(errors) => return Ok(Imported::Refused(errors)),
    };
    let check_only = !errors.is_empty();
    Ok(
        match import_planned(db, who, &rows, today, (mode, check_only)).await? {
            Ok(done) if errors.is_empty() => Imported::All(done),
            Ok(_) => Imported::Refused(errors),
            Err(mut more) => {
                errors.append(&mut more);
                errors.sort_by_key(|e| e.row);
                Imported::Refused(errors)
            }
        },
    )
}

/// Writes the values of a file: all of them, or none and every problem
/// with its row and column. Units are named by id or by code, the code
/// meaning the unit that carried it during the period (legacy communes
/// before July 2025 keep their figures).
pub async fn import(
    db: &Db,
    who: Who,
    rows: &[ValueRow],
    today: NaiveDate,
    mode: Mode,
) -> Result<std::result::Result<WriteReport, Vec<CellError>>> {
    let how = (&FileMode::Apply, mode == Mode::CheckOnly);
    Ok(import_planned(db, who, rows, today, how)
        .await?
        .map(|done| match done {
            Done::Written(w) => WriteReport {
                written: w.new + w.changed,
                deleted: 0,
                unchanged: w.unchanged,
            },
            Done::Previewed { .. } => WriteReport::default(),
        }))
}

/// [`import`], with the preview and confirmation of `domain::file::Mode`
/// (`check_only`: a file with unreadable rows is only checked).
async fn import_planned(
    db: &Db,
    who: Who,
    rows: &[ValueRow],
    today: NaiveDate,
    (mode, check_only): (&FileMode, bool),
) -> Result<std::result::Result<Done<Written>, Vec<CellError>>> {
    allowed(who)?;
    let units = UnitsByRef::load(db, who.scope, rows.iter().map(|r| &r.unit)).await?;
    // Every unit the file may name (scoped already), legacy ones included.
    if !check_only {
        rollups::store_homes_ahead(db, &units.ids()).await?;
    }
    let mut tx = db.begin().await?;
    let indicators =
        super::indicators_by_code(&mut tx, rows.iter().map(|r| r.indicator.as_str())).await?;
    let sets = sets_of(&mut tx, indicators.values()).await?;
    let mut errors = Vec::new();
    let mut writes = Vec::with_capacity(rows.len());
    let mut row_of = Vec::with_capacity(rows.len());
    for r in rows {
        // The data set's calendar decides which days the period covers.
        let calendar = indicators
            .get(&r.indicator)
            .and_then(|i| i.data_set_id)
            .and_then(|s| sets.get(&s))
            .map_or(Calendar::Months, |s| s.calendar);
        let (first, last) = (r.period.first_day(calendar), r.period.last_day(calendar));
        let Some(unit) = units.find_during(&r.unit, first, last) else {
            let (col, what) = match &r.unit {
                UnitRef::Id(id) => (file::Col::UnitId, format!("không có đơn vị ID {id}")),
                UnitRef::Code { level, code } => (
                    file::Col::UnitCode,
                    format!(
                        "không có {} mã {code} trong kỳ {}",
                        level_label(*level).to_lowercase(),
                        r.period
                    ),
                ),
            };
            errors.push(CellError::new(
                r.row,
                file::header(col),
                format!("{what} trong phạm vi của bạn"),
            ));
            continue;
        };
        writes.push(ValueWrite {
            indicator: r.indicator.clone(),
            org_unit: unit.id,
            period: r.period,
            value: Some(r.value),
            comment: r.comment.clone(),
        });
        row_of.push(r);
    }
    match resolve(&mut tx, who, &writes, today, &indicators, &sets).await? {
        Ok(_) if errors.is_empty() && check_only => {
            return Ok(Ok(Done::Written(Written::default())));
        }
        Ok(resolved) if errors.is_empty() => {
            let effects = effects(&mut tx, &resolved, &row_of).await?;
            let preview = Preview::of(effects.iter().map(|(row, rec, e)| (*row, rec.clone(), e)));
            let preview = match mode.gate(preview) {
                Ok(preview) => preview,
                Err(answer) => {
                    tx.rollback().await?;
                    return Ok(Ok(answer));
                }
            };
            // Equal values are left alone: no write, no audit record.
            let changed: Vec<Resolved> = resolved
                .into_iter()
                .zip(&effects)
                .filter(|(_, (_, _, e))| *e != Effect::Unchanged)
                .map(|(r, _)| r)
                .collect();
            apply_writes(&mut tx, who.author, &changed).await?;
            tx.commit().await?;
            if changed.len() >= BULK_VALUES {
                db.refresh_statistics(&["data_values", "rollups"]).await;
            }
            return Ok(Ok(Done::Written(Written::from(&preview))));
        }
        Ok(_) => {}
        Err(refusals) => {
            for f in refusals {
                let Some(r) = row_of.get(f.index) else {
                    continue;
                };
                let col = match (f.part, &r.unit) {
                    (Part::Indicator, _) => file::Col::IndicatorCode,
                    (Part::Unit, UnitRef::Id(_)) => file::Col::UnitId,
                    (Part::Unit, UnitRef::Code { .. }) => file::Col::UnitCode,
                    (Part::Period, _) => file::Col::Period,
                    (Part::Value, _) => file::Col::Value,
                    (Part::Comment, _) => file::Col::Comment,
                };
                errors.push(CellError::new(
                    r.row,
                    file::header(col),
                    f.reason.to_string(),
                ));
            }
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(Err(errors))
}

/// What each checked value of a file does against what is stored: new,
/// a change of its value or comment, or nothing. `rows` are the file's
/// rows of `resolved`, in the same order.
async fn effects(
    tx: &mut Tx,
    resolved: &[Resolved<'_>],
    rows: &[&ValueRow],
) -> Result<Vec<(usize, String, Effect)>> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        indicator_id: i64,
        period: String,
        value: f64,
        comment: Option<String>,
    }
    let mut by_unit: BTreeMap<i64, Vec<&Resolved>> = BTreeMap::new();
    for r in resolved {
        by_unit.entry(r.write.org_unit).or_default().push(r);
    }
    let mut stored: HashMap<(i64, i64, String), (f64, Option<String>)> = HashMap::new();
    for (unit, rs) in &by_unit {
        for chunk in rs.chunks(400) {
            let mut p = Params::default();
            let u = p.push(Arg::I64(Some(*unit)));
            let ids: BTreeSet<i64> = chunk.iter().map(|r| r.indicator.id).collect();
            let periods: BTreeSet<String> =
                chunk.iter().map(|r| r.write.period.to_string()).collect();
            let sql = format!(
                "SELECT indicator_id, period, value, comment FROM data_values
                 WHERE org_unit_id = {u} AND indicator_id IN ({}) AND period IN ({})",
                p.list(ids.into_iter().map(|i| Arg::I64(Some(i)))),
                p.list(periods.into_iter().map(|x| Arg::Text(Some(x))))
            );
            for s in fetch_all_dyn::<Stored>(tx, &sql, p.args).await? {
                stored.insert((*unit, s.indicator_id, s.period), (s.value, s.comment));
            }
        }
    }
    let shown = domain::file::number_text;
    let mut out = Vec::with_capacity(resolved.len());
    for (r, row) in resolved.iter().zip(rows) {
        let key = (r.write.org_unit, r.indicator.id, r.write.period.to_string());
        let unit = match &row.unit {
            UnitRef::Id(id) => format!("ID {id}"),
            UnitRef::Code { code, .. } => code.clone(),
        };
        let record = format!("{unit} · {} · {}", r.write.period, r.indicator.code);
        let after_value = r.value.map(shown).unwrap_or_default();
        let after_comment = r.comment.clone().unwrap_or_default();
        let effect = match stored.get(&key) {
            None if r.value.is_none() => Effect::Unchanged,
            None => Effect::New,
            Some((v, c)) => {
                let changes = domain::file::changes([
                    (file::header(file::Col::Value), shown(*v), after_value),
                    (
                        file::header(file::Col::Comment),
                        c.clone().unwrap_or_default(),
                        after_comment,
                    ),
                ]);
                if changes.is_empty() {
                    Effect::Unchanged
                } else {
                    Effect::Changed(changes)
                }
            }
        };
        out.push((row.row, record, effect));
    }
    Ok(out)
}

/// Checks every value of a batch; the values ready to write, or every
/// refusal (never both).
async fn resolve<'a>(
    tx: &mut Tx,
    who: Who,
    writes: &'a [ValueWrite],
    today: NaiveDate,
    indicators: &HashMap<String, Indicator>,
    sets: &HashMap<DataSetId, DataSet>,
) -> Result<std::result::Result<Vec<Resolved<'a>>, Vec<Refusal>>> {
    let unit_ids: Vec<i64> = writes
        .iter()
        .map(|w| w.org_unit)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let units = units_in_scope(tx, who.scope, &unit_ids).await?;
    // A province's indicators and data sets are entered by its units only;
    // a national one its province hid is not entered there.
    let provinces = crate::catalogue::provinces_of_units(tx, &unit_ids).await?;
    let hidden_indicators = Hidden::load(tx, Listing::Indicator).await?;
    let hidden_sets = Hidden::load(tx, Listing::DataSet).await?;
    let mut states: HashMap<(DataSetId, i64, Period), Approval> = HashMap::new();
    let mut seen: BTreeSet<(i64, i64, Period)> = BTreeSet::new();
    let mut resolved = Vec::with_capacity(writes.len());
    let mut refusals = Vec::new();
    for (index, w) in writes.iter().enumerate() {
        let mut no = |part: Part, reason: Reason| {
            refusals.push(Refusal {
                index,
                part,
                reason,
            })
        };
        let (ind, set, unit) = match check_value(w, indicators, sets, &units, today) {
            Ok(found) => found,
            Err((part, message)) => {
                no(part, message);
                continue;
            }
        };
        let at = provinces.get(&unit.id).map_or(&[][..], Vec::as_slice);
        if !hidden_indicators.applies(ind.owner, ind.id, at)
            || !hidden_sets.applies(set.owner, set.id, at)
        {
            no(
                Part::Indicator,
                Reason::IndicatorNotUsedHere {
                    indicator: ind.code.clone(),
                },
            );
            continue;
        }
        if !seen.insert((ind.id, unit.id, w.period)) {
            no(
                Part::Indicator,
                Reason::ValueTwice {
                    indicator: ind.code.clone(),
                    unit: unit.name.clone(),
                    period: w.period.to_string(),
                },
            );
            continue;
        }
        let key = (set.id, unit.id, w.period);
        let state = match states.get(&key) {
            Some(s) => *s,
            None => {
                let s = approval_of(tx, set.id, unit.id, w.period).await?;
                states.insert(key, s);
                s
            }
        };
        if !state.is_open() {
            no(
                Part::Period,
                Reason::FormClosed {
                    period: w.period.to_string(),
                    unit: unit.name.clone(),
                },
            );
            continue;
        }
        let value = match w.value.map(|v| ind.parse_value("value", v)).transpose() {
            Ok(v) => v,
            Err(e) => {
                no(Part::Value, *e.reason);
                continue;
            }
        };
        let comment = match domain::statistics::parse_comment(w.comment.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                no(Part::Comment, *e.reason);
                continue;
            }
        };
        resolved.push(Resolved {
            write: w,
            indicator: ind.clone(),
            set: set.id,
            value,
            comment,
            computed: false,
        });
    }
    Ok(if refusals.is_empty() {
        Ok(resolved)
    } else {
        Err(refusals)
    })
}

async fn apply_writes(
    tx: &mut Tx,
    author: Author,
    resolved: &[Resolved<'_>],
) -> Result<WriteReport> {
    let kinds = rollups::kinds(tx).await?;
    let mut by_unit: BTreeMap<i64, Vec<&Resolved>> = BTreeMap::new();
    for r in resolved {
        by_unit.entry(r.write.org_unit).or_default().push(r);
    }
    let mut report = WriteReport::default();
    let mut batch = Vec::new();
    let mut upserts: Vec<&Resolved> = Vec::new();
    let mut deletes: Vec<&Resolved> = Vec::new();
    // One audit record per form (data set, unit, period): its values before and after.
    type Values = serde_json::Map<String, serde_json::Value>;
    let mut audit_items: BTreeMap<String, (Values, Values)> = BTreeMap::new();
    for (unit, rs) in &by_unit {
        let ids: Vec<i64> = rs
            .iter()
            .map(|r| r.indicator.id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let periods: Vec<Period> = rs.iter().map(|r| r.write.period).collect();
        let before = entries(tx, *unit, &ids, &periods, &kinds).await?;
        let stored: HashMap<(i64, Period), f64> = before
            .iter()
            .map(|e| Ok(((e.indicator_id, e.entry()?.period), e.value)))
            .collect::<Result<_>>()?;
        let mut written: BTreeMap<i64, Vec<Period>> = BTreeMap::new();
        let mut new_values: HashMap<(i64, Period), Option<f64>> = HashMap::new();
        for r in rs {
            let old = stored.get(&(r.indicator.id, r.write.period)).copied();
            let item = audit_items
                .entry(format!("{}:{}:{}", r.set, unit, r.write.period))
                .or_default();
            item.0.insert(
                r.indicator.code.clone(),
                old.map_or(serde_json::Value::Null, serde_json::Value::from),
            );
            item.1.insert(
                r.indicator.code.clone(),
                r.value
                    .map_or(serde_json::Value::Null, serde_json::Value::from),
            );
            match (old, r.value) {
                (None, None) => report.unchanged += 1,
                (Some(_), None) => {
                    report.deleted += 1;
                    deletes.push(r);
                }
                (_, Some(_)) => {
                    report.written += 1;
                    upserts.push(r);
                }
            }
            written
                .entry(r.indicator.id)
                .or_default()
                .push(r.write.period);
            new_values.insert((r.indicator.id, r.write.period), r.value);
        }
        let after_of = |indicator: i64, old: &[Entry]| -> Vec<Entry> {
            let mut out: Vec<Entry> = old
                .iter()
                .filter(|e| !new_values.contains_key(&(indicator, e.period)))
                .copied()
                .collect();
            for ((i, period), v) in &new_values {
                if let (true, Some(value)) = (*i == indicator, v) {
                    out.push(Entry {
                        period: *period,
                        value: *value,
                        approved: false,
                    });
                }
            }
            out
        };
        batch.extend(unit_changes(*unit, &kinds, &before, after_of, &written)?);
    }
    store_values(tx, author, &upserts, &deletes).await?;
    rollups::apply(tx, &batch).await?;
    let items: Vec<audit::Item> = audit_items
        .into_iter()
        .map(|(id, (before, after))| {
            (
                id,
                None,
                serde_json::json!({"before": before, "after": after}),
            )
        })
        .collect();
    audit::record_many(tx, author, "write", "data_values", &items).await?;
    Ok(report)
}

/// What an upsert of figures changes of a figure already stored (both
/// databases' statements in `store_values`).
const VALUES_UPSERTED: &str = "ON CONFLICT (org_unit_id, period, indicator_id) DO UPDATE SET
    value = excluded.value, comment = excluded.comment,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by,
    computed = excluded.computed";

async fn store_values(
    tx: &mut Tx,
    author: Author,
    upserts: &[&Resolved<'_>],
    deletes: &[&Resolved<'_>],
) -> Result<()> {
    let now = Utc::now();
    let user = author.user_id();
    // SQLite has no arrays: its values go as rows of placeholders.
    let by_rows = match tx.backend() {
        crate::Backend::Postgres(c) => {
            upsert_values_pg(c, now, user, upserts).await?;
            &[][..]
        }
        crate::Backend::Sqlite(_) => upserts,
    };
    for chunk in by_rows.chunks(tx.rows_per_statement(8)) {
        let mut args = Vec::with_capacity(chunk.len() * 8);
        for r in chunk {
            args.extend([
                Arg::I64(Some(r.indicator.id)),
                Arg::I64(Some(r.write.org_unit)),
                Arg::Text(Some(r.write.period.to_string())),
                Arg::F64(r.value),
                Arg::Text(r.comment.clone()),
                Arg::Ts(now),
                Arg::I64(user),
                Arg::Bool(r.computed),
            ]);
        }
        let rows: Vec<String> = (0..chunk.len())
            .map(|k| {
                let b = k * 8;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, FALSE, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO data_values (indicator_id, org_unit_id, period, value, comment, approved, updated_at, updated_by, computed)
             VALUES {} {VALUES_UPSERTED}",
            rows.join(", ")
        );
        execute_dyn(tx, &sql, args).await?;
    }
    let written: BTreeSet<i64> = upserts.iter().map(|r| r.indicator.id).collect();
    if !written.is_empty() {
        super::mark_has_values(tx, &written.into_iter().collect::<Vec<_>>()).await?;
    }
    for r in deletes {
        execute!(
            tx,
            "DELETE FROM data_values WHERE indicator_id = $1 AND org_unit_id = $2 AND period = $3",
            r.indicator.id,
            r.write.org_unit,
            r.write.period.to_string()
        )?;
    }
    Ok(())
}

/// The upsert of `store_values` on PostgreSQL, as arrays: one statement
/// prepared once whatever the number of values (a list of rows was
/// parsed and planned anew for each count), eight parameters in all.
async fn upsert_values_pg(
    c: &mut sqlx::PgConnection,
    now: chrono::DateTime<Utc>,
    user: Option<i64>,
    upserts: &[&Resolved<'_>],
) -> Result<()> {
    if upserts.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = upserts.iter().map(|r| r.indicator.id).collect();
    let units: Vec<i64> = upserts.iter().map(|r| r.write.org_unit).collect();
    let periods: Vec<String> = upserts.iter().map(|r| r.write.period.to_string()).collect();
    let values: Vec<Option<f64>> = upserts.iter().map(|r| r.value).collect();
    let comments: Vec<Option<String>> = upserts.iter().map(|r| r.comment.clone()).collect();
    let computed: Vec<bool> = upserts.iter().map(|r| r.computed).collect();
    let sql = format!(
        "INSERT INTO data_values (indicator_id, org_unit_id, period, value, comment, approved, updated_at, updated_by, computed)
         SELECT i, u, p, v, c, FALSE, $7, $8, k
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::float8[], $5::text[], $6::bool[]) AS t (i, u, p, v, c, k)
         {VALUES_UPSERTED}"
    );
    sqlx::query(&sql)
        .bind(ids)
        .bind(units)
        .bind(periods)
        .bind(values)
        .bind(comments)
        .bind(computed)
        .bind(now)
        .bind(user)
        .execute(c)
        .await?;
    Ok(())
}

/// A value on the entry form.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FormValue {
    pub indicator_id: i64,
    pub code: String,
    pub value: Option<f64>,
    pub comment: Option<String>,
    /// Typed by a person, or counted by a register (stored at submission,
    /// or current while the form is open).
    pub origin: Origin,
    /// The register figure that computes the indicator, if it is computed.
    pub computed: Option<Computed>,
}

/// Where a data set stands for a unit and period, as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApprovalView {
    pub state: &'static str,
    pub label: &'static str,
    pub levels_approved: usize,
    pub levels: Vec<&'static str>,
    pub is_final: bool,
    pub is_open: bool,
    /// What this account may do now.
    pub actions: Vec<&'static str>,
    pub deadline: NaiveDate,
    pub overdue: bool,
}

/// A rule or bound a form breaks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub severity: &'static str,
    pub message: String,
    pub codes: Vec<String>,
    /// For warnings: one of the values it reads carries a comment.
    pub explained: bool,
}

/// The entry form of a data set for a unit and period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Form {
    pub set: DataSet,
    pub indicators: Vec<Indicator>,
    pub unit: OrgUnit,
    pub period: Period,
    pub values: Vec<FormValue>,
    pub approval: ApprovalView,
    pub problems: Vec<Problem>,
}

/// What the account can do on one unit's data set, from its role and the
/// levels its scope reaches.
async fn capacity(tx: &mut Tx, who: Who, set: &DataSet, unit: i64) -> Result<Capacity> {
    let covers_unit = match who.scope.user_id() {
        None => true,
        Some(user) => crate::scope::reaches(tx, user, unit).await?,
    };
    let mut reached = Vec::new();
    for level in set.chain.levels() {
        let ok = match who.scope.user_id() {
            None => true,
            Some(user) => match ancestor_at(tx, unit, *level).await? {
                Some(a) => crate::scope::reaches(tx, user, a).await?,
                None => false,
            },
        };
        if ok {
            reached.push(*level);
        }
    }
    Ok(Capacity::of(who.role, &set.chain, covers_unit, |l| {
        reached.contains(&l)
    }))
}

async fn ancestor_at(tx: &mut Tx, unit: i64, level: Level) -> Result<Option<i64>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT t.ancestor_id FROM org_unit_tree t JOIN org_units u ON u.id = t.ancestor_id
         WHERE t.unit_id = $1 AND u.level = $2",
        unit,
        level.as_str()
    )?)
}

fn approval_view(
    state: Approval,
    set: &DataSet,
    period: Period,
    cap: &Capacity,
    today: NaiveDate,
) -> ApprovalView {
    let actions = ApprovalAction::ALL
        .into_iter()
        .filter(|a| state.next(&set.chain, *a, cap).is_ok())
        .map(ApprovalAction::as_str)
        .collect();
    let deadline = period.deadline(set.calendar, set.deadline_days);
    ApprovalView {
        state: state.as_str(),
        label: state.label(),
        levels_approved: state.levels_approved(),
        levels: set.chain.levels().iter().map(|l| l.as_str()).collect(),
        is_final: state.is_final(&set.chain),
        is_open: state.is_open(),
        actions,
        deadline,
        overdue: state.is_open() && today > deadline,
    }
}

/// One form: a data set for a unit and period, the thing that is entered,
/// submitted and approved as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormKey {
    pub set: DataSetId,
    pub unit: i64,
    pub period: Period,
}

impl FormKey {
    /// Its name in the audit log.
    pub fn entity_id(&self) -> String {
        format!("{}:{}:{}", self.set, self.unit, self.period)
    }
}

/// The form, if the unit is in scope and enters that data set.
pub async fn form(db: &Db, who: Who, key: FormKey, today: NaiveDate) -> Result<Form> {
    let mut tx = db.begin_read().await?;
    let result = form_tx(&mut tx, who, key, today).await;
    tx.rollback().await?;
    result
}

async fn form_tx(tx: &mut Tx, who: Who, key: FormKey, today: NaiveDate) -> Result<Form> {
    let FormKey {
        set: set_id,
        unit: unit_id,
        period,
    } = key;
    let set = data_set_tx(tx, set_id).await?.ok_or(StoreError::NotFound)?;
    let unit = units_in_scope(tx, who.scope, &[unit_id])
        .await?
        .remove(&unit_id)
        .ok_or(StoreError::NotFound)?;
    let provinces = crate::catalogue::provinces_of_units(tx, &[unit_id])
        .await?
        .remove(&unit_id)
        .unwrap_or_default();
    let hidden_sets = Hidden::load(tx, Listing::DataSet).await?;
    if !set.entered_by(&unit)
        || !set.accepts(period)
        || !hidden_sets.applies(set.owner, set.id, &provinces)
    {
        return Err(StoreError::NotFound);
    }
    let mut indicators = super::indicators_at(tx, set_id, &provinces).await?;
    let stored = stored_values(tx, &indicators, unit_id, period).await?;
    // A retired indicator stays on the forms that have its figure.
    indicators.retain(|i| i.active || stored.contains_key(&i.id));
    let state = approval_of(tx, set_id, unit_id, period).await?;
    // While the form is open the registers' figures are current; once it
    // is submitted they are what was stored then.
    let live = if state.is_open() {
        super::computed::figures(tx, &unit, &set, period, &indicators).await?
    } else {
        HashMap::new()
    };
    let values = indicators
        .iter()
        .map(|i| {
            let s = stored.get(&i.id);
            let (value, origin) = match (i.computed, s) {
                (None, _)
                | (
                    Some(_),
                    Some(Stored {
                        computed: false, ..
                    }),
                ) => (s.map(|s| s.value), Origin::Typed),
                (Some(_), _) if state.is_open() => (live.get(&i.id).copied(), Origin::Register),
                (Some(_), _) => (s.map(|s| s.value), Origin::Computed),
            };
            FormValue {
                indicator_id: i.id,
                code: i.code.clone(),
                value,
                comment: s.and_then(|s| s.comment.clone()),
                origin,
                computed: i.computed,
            }
        })
        .collect::<Vec<_>>();
    let rules = super::rules_at(tx, set_id, &provinces).await?;
    let problems = validate(tx, &rules, &indicators, &values, unit_id, period).await?;
    let cap = capacity(tx, who, &set, unit_id).await?;
    let approval = approval_view(state, &set, period, &cap, today);
    Ok(Form {
        set,
        indicators,
        unit,
        period,
        values,
        approval,
        problems,
    })
}

/// A figure as stored.
struct Stored {
    value: f64,
    comment: Option<String>,
    computed: bool,
}

async fn stored_values(
    tx: &mut Tx,
    indicators: &[Indicator],
    unit: i64,
    period: Period,
) -> Result<HashMap<i64, Stored>> {
    let rows: Vec<(i64, f64, Option<String>, bool)> = fetch!(
        tx,
        fetch_all,
        (i64, f64, Option<String>, bool),
        "SELECT indicator_id, value, comment, computed FROM data_values
         WHERE org_unit_id = $1 AND period = $2",
        unit,
        period.to_string()
    )?;
    let ids: BTreeSet<i64> = indicators.iter().map(|i| i.id).collect();
    Ok(rows
        .into_iter()
        .filter(|r| ids.contains(&r.0))
        .map(|(i, value, comment, computed)| {
            (
                i,
                Stored {
                    value,
                    comment,
                    computed,
                },
            )
        })
        .collect())
}

/// Periods of history an outlier is judged against.
const OUTLIER_HISTORY: usize = 12;

/// Rules, bounds and outliers for one form's values.
async fn validate(
    tx: &mut Tx,
    rules: &[super::RuleView],
    indicators: &[Indicator],
    values: &[FormValue],
    unit: i64,
    period: Period,
) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let by_code: HashMap<String, f64> = values
        .iter()
        .filter_map(|v| v.value.map(|x| (v.code.clone(), x)))
        .collect();
    let commented = |codes: &[String]| {
        values
            .iter()
            .any(|v| codes.contains(&v.code) && v.comment.is_some())
    };
    for r in rules.iter().filter(|r| r.active) {
        let (rule, severity) = r.parsed()?;
        if rule.check(&by_code) == Outcome::Broken {
            let codes: Vec<String> = rule.codes().into_iter().map(str::to_owned).collect();
            problems.push(Problem {
                severity: severity.as_str(),
                explained: severity == Severity::Warning && commented(&codes),
                message: format!(
                    "{} ({})",
                    r.message,
                    domain::statistics::rule::readable(&r.expression, |c| {
                        indicators
                            .iter()
                            .find(|i| i.code == c)
                            .map(|i| i.name.as_str())
                    })
                ),
                codes,
            });
        }
    }
    for (i, v) in indicators.iter().zip(values) {
        let Some(x) = v.value else { continue };
        if let Some(m) = i.bound_problem(x) {
            problems.push(Problem {
                severity: "error",
                message: m,
                codes: vec![i.code.clone()],
                explained: false,
            });
        }
    }
    // Outliers: a value far from the unit's own recent history.
    let mut history_periods = Vec::new();
    let mut p = period;
    for _ in 0..OUTLIER_HISTORY {
        let Some(prev) = p.previous() else { break };
        history_periods.push(prev.to_string());
        p = prev;
    }
    if !history_periods.is_empty() {
        let mut args = vec![Arg::I64(Some(unit))];
        let list: Vec<String> = history_periods
            .iter()
            .map(|s| {
                args.push(Arg::Text(Some(s.clone())));
                format!("${}", args.len())
            })
            .collect();
        let sql = format!(
            "SELECT indicator_id, value FROM data_values WHERE org_unit_id = $1 AND period IN ({})",
            list.join(", ")
        );
        let rows: Vec<(i64, f64)> = fetch_all_dyn(tx, &sql, args).await?;
        let mut history: HashMap<i64, Vec<f64>> = HashMap::new();
        for (i, v) in rows {
            history.entry(i).or_default().push(v);
        }
        for (i, v) in indicators.iter().zip(values) {
            // A register's count is what it is: nobody could explain it.
            if i.computed.is_some() {
                continue;
            }
            let (Some(x), Some(h)) = (v.value, history.get(&i.id)) else {
                continue;
            };
            if outlier(h, x) {
                let codes = vec![i.code.clone()];
                problems.push(Problem {
                    severity: "warning",
                    message: format!("{}: {} khác xa các kỳ trước, kiểm tra lại", i.name, x),
                    explained: commented(&codes),
                    codes,
                });
            }
        }
    }
    Ok(problems)
}

/// Submits, approves, returns, withdraws or un-approves a data set for a
/// unit and period. Submission is refused while an error rule is broken or
/// a warning has no comment. A change of final approval updates the
/// values' approved flag and the approved rollups.
pub async fn act(
    db: &Db,
    who: Who,
    key: FormKey,
    action: ApprovalAction,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<ApprovalView> {
    let FormKey {
        set: set_id,
        unit: unit_id,
        period,
    } = key;
    let reason = parse_reason(action, reason)?;
    let mut tx = db.begin().await?;
    let set = data_set_tx(&mut tx, set_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let unit = units_in_scope(&mut tx, who.scope, &[unit_id])
        .await?
        .remove(&unit_id)
        .ok_or(StoreError::NotFound)?;
    if !set.entered_by(&unit) || !set.accepts(period) {
        return Err(StoreError::NotFound);
    }
    // Take the row's lock before reading it: two approvers queue.
    execute!(
        tx,
        "INSERT INTO data_approvals (data_set_id, org_unit_id, period, state, levels, updated_at, updated_by)
         VALUES ($1, $2, $3, 'draft', 0, $4, NULL) ON CONFLICT (data_set_id, period, org_unit_id) DO UPDATE SET levels = data_approvals.levels",
        set_id,
        unit_id,
        period.to_string(),
        Utc::now()
    )?;
    let state = approval_of(&mut tx, set_id, unit_id, period).await?;
    let cap = capacity(&mut tx, who, &set, unit_id).await?;
    if cap == Capacity::default() {
        return Err(StoreError::Forbidden);
    }
    let next = state.next(&set.chain, action, &cap)?;
    if action == ApprovalAction::Submit {
        let form = form_tx(&mut tx, who, key, today).await?;
        if form.values.iter().all(|v| v.value.is_none()) {
            return Err(DomainError::new("action", Reason::NothingToSubmit).into());
        }
        if let Some(p) = form
            .problems
            .iter()
            .find(|p| p.severity == "error" || !p.explained)
        {
            let problem = p.message.clone();
            let reason = if p.severity == "error" {
                Reason::SubmitBlocked { problem }
            } else {
                Reason::SubmitNeedsComment { problem }
            };
            return Err(DomainError::new("action", reason).into());
        }
        store_computed(&mut tx, who.author, &form).await?;
    }
    let user = who.author.user_id();
    execute!(
        tx,
        "UPDATE data_approvals SET state = $1, levels = $2, updated_at = $3, updated_by = $4
         WHERE data_set_id = $5 AND org_unit_id = $6 AND period = $7",
        next.as_str(),
        next.levels_approved() as i64,
        Utc::now(),
        user,
        set_id,
        unit_id,
        period.to_string()
    )?;
    let (was_final, is_final) = (state.is_final(&set.chain), next.is_final(&set.chain));
    if was_final != is_final {
        set_approved(&mut tx, &set, unit_id, period, is_final).await?;
    }
    audit::record(
        &mut tx,
        audit::Change {
            author: who.author,
            action: action.as_str(),
            entity: "data_approval",
            entity_id: key.entity_id(),
            before: Some(&serde_json::json!({"state": state.as_str(), "levels": state.levels_approved()})),
            after: Some(&serde_json::json!({"state": next.as_str(), "levels": next.levels_approved(), "reason": reason})),
        },
    )
    .await?;
    let view = approval_view(next, &set, period, &cap, today);
    tx.commit().await?;
    Ok(view)
}

/// Stores the registers' current figures of a form being submitted, so
/// that approval judges and keeps them like any other figure.
async fn store_computed(tx: &mut Tx, author: Author, form: &Form) -> Result<()> {
    let fresh: Vec<(ValueWrite, &Indicator)> = form
        .indicators
        .iter()
        .zip(&form.values)
        .filter(|(_, v)| v.origin == Origin::Register)
        .map(|(i, v)| {
            let w = ValueWrite {
                indicator: i.code.clone(),
                org_unit: form.unit.id,
                period: form.period,
                value: v.value,
                comment: None,
            };
            (w, i)
        })
        .collect();
    let resolved: Vec<Resolved> = fresh
        .iter()
        .map(|(w, i)| Resolved {
            write: w,
            indicator: (*i).clone(),
            set: form.set.id,
            value: w.value,
            comment: None,
            computed: true,
        })
        .collect();
    if !resolved.is_empty() {
        apply_writes(tx, author, &resolved).await?;
    }
    Ok(())
}

/// Marks the figures of a data set for a unit and period approved (or not)
/// and moves them into (or out of) the approved rollups.
async fn set_approved(
    tx: &mut Tx,
    set: &DataSet,
    unit: i64,
    period: Period,
    approved: bool,
) -> Result<()> {
    let ids: Vec<i64> = indicators_of_set(tx, set.id)
        .await?
        .iter()
        .map(|i| i.id)
        .collect();
    let kinds = rollups::kinds(tx).await?;
    let before = entries(tx, unit, &ids, &[period], &kinds).await?;
    let mut written: BTreeMap<i64, Vec<Period>> = BTreeMap::new();
    for r in &before {
        if r.entry()?.period == period {
            written.entry(r.indicator_id).or_default().push(period);
        }
    }
    let flip = |_: i64, old: &[Entry]| -> Vec<Entry> {
        old.iter()
            .map(|e| Entry {
                approved: if e.period == period {
                    approved
                } else {
                    e.approved
                },
                ..*e
            })
            .collect()
    };
    let batch = unit_changes(unit, &kinds, &before, flip, &written)?;
    let mut args = vec![
        Arg::Bool(approved),
        Arg::I64(Some(unit)),
        Arg::Text(Some(period.to_string())),
    ];
    let list: Vec<String> = ids
        .iter()
        .map(|i| {
            args.push(Arg::I64(Some(*i)));
            format!("${}", args.len())
        })
        .collect();
    if !list.is_empty() {
        let sql = format!(
            "UPDATE data_values SET approved = $1 WHERE org_unit_id = $2 AND period = $3 AND indicator_id IN ({})",
            list.join(", ")
        );
        execute_dyn(tx, &sql, args).await?;
    }
    rollups::apply(tx, &batch).await?;
    Ok(())
}

/// The history of a form's approval, newest first.
pub async fn approval_history(db: &Db, key: FormKey) -> Result<Vec<audit::Entry>> {
    audit::history(db, "data_approval", &key.entity_id()).await
}

/// One unit's line in the completeness view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CompletenessRow {
    pub org_unit_id: i64,
    pub name: String,
    pub code: Option<String>,
    pub entered: i64,
    pub state: Option<String>,
    pub levels: Option<i64>,
}

/// Which entering units under `under` (in scope, existing during the
/// period) have entered, submitted and been approved for `period`.
pub async fn completeness(
    db: &Db,
    scope: Scope,
    set_id: DataSetId,
    under: i64,
    period: Period,
) -> Result<(DataSet, Vec<CompletenessRow>)> {
    let mut tx = db.begin_read().await?;
    let set = data_set_tx(&mut tx, set_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if units_in_scope(&mut tx, scope, &[under]).await?.is_empty() {
        return Err(StoreError::NotFound);
    }
    let (level, kind) = match set.entry {
        domain::models::Target::Commune => ("commune", None),
        domain::models::Target::Village => ("village", None),
        domain::models::Target::Site(k) => ("site", Some(k.as_str().to_owned())),
    };
    let (first, last) = (
        period.first_day(set.calendar),
        period.last_day(set.calendar),
    );
    let mut args = vec![
        Arg::I64(Some(under)),
        Arg::Text(Some(level.into())),
        Arg::Text(kind),
        Arg::Date(Some(first)),
        Arg::Date(Some(last)),
        Arg::I64(Some(set_id)),
        Arg::Text(Some(period.to_string())),
    ];
    let scope_sql = match scope.user_id() {
        None => String::new(),
        Some(user) => {
            args.push(Arg::I64(Some(user)));
            format!(
                "AND {}",
                crate::scope::unit_in_scope("u.id", &format!("${}", args.len()))
            )
        }
    };
    // A province's own data set is entered by its units only.
    let owner_sql = match set.owner.column() {
        None => String::new(),
        Some(province) => {
            args.push(Arg::I64(Some(province)));
            format!("AND {}", crate::org_units::in_reach("u.id", args.len()))
        }
    };
    let sql = format!(
        "SELECT u.id AS org_unit_id, u.name, u.code,
                (SELECT COUNT(*) FROM data_values v JOIN indicators i ON i.id = v.indicator_id
                  WHERE i.data_set_id = $6 AND v.org_unit_id = u.id AND v.period = $7) AS entered,
                a.state, a.levels
         FROM org_unit_reach t JOIN org_units u ON u.id = t.unit_id
         LEFT JOIN data_approvals a ON a.data_set_id = $6 AND a.org_unit_id = u.id AND a.period = $7
         WHERE t.ancestor_id = $1 AND u.level = $2 AND ($3 IS NULL OR u.kind = $3)
           AND (u.valid_from IS NULL OR u.valid_from <= $5) AND (u.valid_to IS NULL OR u.valid_to >= $4)
           {scope_sql} {owner_sql}
         ORDER BY u.sort_key, u.id"
    );
    let rows: Vec<CompletenessRow> = fetch_all_dyn(&mut tx, &sql, args).await?;
    tx.rollback().await?;
    Ok((set, rows))
}

/// A data set's figures for one period over the entering units under a
/// unit: what the import template and the period's export hold.
#[derive(Debug, Clone)]
pub struct PeriodSheet {
    pub set: DataSet,
    pub indicators: Vec<Indicator>,
    pub units: Vec<CompletenessRow>,
    /// (unit, indicator) → value and comment.
    pub values: HashMap<(i64, i64), (f64, Option<String>)>,
}

pub async fn period_sheet(
    db: &Db,
    scope: Scope,
    set_id: DataSetId,
    under: i64,
    period: Period,
) -> Result<PeriodSheet> {
    let (set, units) = completeness(db, scope, set_id, under, period).await?;
    let mut tx = db.begin_read().await?;
    let indicators = indicators_of_set(&mut tx, set_id).await?;
    let rows: Vec<(i64, i64, f64, Option<String>)> = fetch!(
        tx,
        fetch_all,
        (i64, i64, f64, Option<String>),
        "SELECT v.org_unit_id, v.indicator_id, v.value, v.comment
         FROM data_values v JOIN indicators i ON i.id = v.indicator_id
         JOIN org_unit_reach t ON t.unit_id = v.org_unit_id
         WHERE i.data_set_id = $1 AND v.period = $2 AND t.ancestor_id = $3",
        set_id,
        period.to_string(),
        under
    )?;
    tx.rollback().await?;
    // Units outside the scope are not in `units`; their figures stay out.
    let shown: BTreeSet<i64> = units.iter().map(|u| u.org_unit_id).collect();
    let values = rows
        .into_iter()
        .filter(|(u, ..)| shown.contains(u))
        .map(|(u, i, v, c)| ((u, i), (v, c)))
        .collect();
    Ok(PeriodSheet {
        set,
        indicators,
        units,
        values,
    })
}
