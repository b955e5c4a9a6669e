//! Periodic statistics in the database: the definitions (indicators, data
//! sets, validation rules) and the default catalogue in `data/statistics/`;
//! `values` holds entry and approval, `rollups` the cells that keep pivots
//! fast, `pivot` the analytics query.

mod computed;
pub mod inbox;
pub mod pivot;
pub mod rollups;
pub mod shares;
pub mod values;

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use domain::catalogue::{Catalogue as Listing, Owner};
use domain::models::Target;
use domain::org_units::OrgUnitId;
use domain::statistics::{
    Aggregation, Calendar, Chain, Computed, DataSet, DataSetId, DataSetInput, Indicator,
    IndicatorId, IndicatorInput, NewDataSet, NewIndicator, NewRule, PeriodType, Rule, RuleId,
    RuleInput, Severity, ValueUnit,
};
use domain::Reason;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Author, Change};
use crate::catalogue::Hidden;
use crate::error::{Result, StoreError};
use crate::{execute_dyn, fetch_all_dyn, Arg, Db, Params, Tx};

pub use pivot::{Pivot, PivotQuery, PivotRow, View};
pub use values::{ApprovalView, FormValue, ValueWrite};

/// The default catalogue, embedded in the binary.
pub const DEFAULT_DATA_SETS: &str = include_str!("../../../../data/statistics/data-sets.csv");
pub const DEFAULT_INDICATORS: &str = include_str!("../../../../data/statistics/indicators.csv");
pub const DEFAULT_RULES: &str = include_str!("../../../../data/statistics/validation-rules.csv");

const INDICATOR_SELECT: &str =
    "SELECT id, code, name, unit, aggregation, allow_negative, min_value,
        max_value, description, data_set_id, active, computed, owner_id FROM indicators";

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    id: i64,
    code: String,
    name: String,
    unit: String,
    aggregation: String,
    allow_negative: bool,
    min_value: Option<f64>,
    max_value: Option<f64>,
    description: String,
    data_set_id: Option<i64>,
    active: bool,
    computed: Option<String>,
    owner_id: Option<i64>,
}

fn bad_row(table: &str, id: i64, what: &str) -> StoreError {
    StoreError::Data(format!("{table} {id}: {what} không hợp lệ"))
}

impl TryFrom<IndicatorRow> for Indicator {
    type Error = StoreError;
    fn try_from(r: IndicatorRow) -> Result<Self> {
        Ok(Indicator {
            unit: ValueUnit::parse("unit", &r.unit)
                .map_err(|_| bad_row("indicators", r.id, "unit"))?,
            aggregation: Aggregation::parse("aggregation", &r.aggregation)
                .map_err(|_| bad_row("indicators", r.id, "aggregation"))?,
            computed: Computed::parse_optional("computed", r.computed.as_deref())
                .map_err(|_| bad_row("indicators", r.id, "computed"))?,
            id: r.id,
            code: r.code,
            name: r.name,
            allow_negative: r.allow_negative,
            min_value: r.min_value,
            max_value: r.max_value,
            description: r.description,
            data_set_id: r.data_set_id,
            active: r.active,
            owner: Owner::from_column(r.owner_id),
        })
    }
}

/// Every indicator, in form order within each data set, then by code.
/// The indicators someone working in `provinces` sees (`None`: everywhere):
/// the national ones and their provinces' own.
pub async fn indicators(db: &Db, provinces: Option<&[OrgUnitId]>) -> Result<Vec<Indicator>> {
    let sql = format!("{INDICATOR_SELECT} ORDER BY data_set_id, position, code");
    let rows: Vec<IndicatorRow> = fetch!(db, fetch_all, IndicatorRow, &sql)?;
    let all: Vec<Indicator> = rows
        .into_iter()
        .map(Indicator::try_from)
        .collect::<Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|i| domain::catalogue::listed(i.owner, provinces))
        .collect())
}

/// The code of the first indicator (in id order) that has figures: what a
/// first look at the analytics shows.
pub async fn indicator_with_figures(db: &Db) -> Result<Option<String>> {
    Ok(fetch!(
        db,
        fetch_optional,
        scalar String,
        "SELECT code FROM indicators WHERE has_values ORDER BY id LIMIT 1"
    )?)
}

pub async fn indicator(db: &Db, id: IndicatorId) -> Result<Option<Indicator>> {
    let sql = format!("{INDICATOR_SELECT} WHERE id = $1");
    let row: Option<IndicatorRow> = fetch!(db, fetch_optional, IndicatorRow, &sql, id)?;
    row.map(Indicator::try_from).transpose()
}

pub(crate) async fn indicators_of_set(tx: &mut Tx, set: DataSetId) -> Result<Vec<Indicator>> {
    let sql = format!("{INDICATOR_SELECT} WHERE data_set_id = $1 ORDER BY position, code");
    let rows: Vec<IndicatorRow> = fetch!(tx, fetch_all, IndicatorRow, &sql, set)?;
    rows.into_iter().map(Indicator::try_from).collect()
}

/// The indicators of a set on the form of a unit in `provinces`: the
/// national ones its province did not hide, and its province's own.
pub(crate) async fn indicators_at(
    tx: &mut Tx,
    set: DataSetId,
    provinces: &[OrgUnitId],
) -> Result<Vec<Indicator>> {
    let hidden = Hidden::load(tx, Listing::Indicator).await?;
    let mut all = indicators_of_set(tx, set).await?;
    all.retain(|i| hidden.applies(i.owner, i.id, provinces));
    Ok(all)
}

/// Indicators by code, in one query per few hundred codes; unknown codes
/// are absent from the answer.
pub(crate) async fn indicators_by_code<'a>(
    tx: &mut Tx,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, Indicator>> {
    let codes: Vec<&str> = codes
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(tx.rows_per_statement(1)) {
        let mut p = crate::Params::default();
        let list: Vec<String> = chunk
            .iter()
            .map(|c| p.push(Arg::Text(Some((*c).to_string()))))
            .collect();
        let sql = format!("{INDICATOR_SELECT} WHERE code IN ({})", list.join(", "));
        let rows: Vec<IndicatorRow> = fetch_all_dyn(tx, &sql, p.args).await?;
        for r in rows {
            let i = Indicator::try_from(r)?;
            out.insert(i.code.clone(), i);
        }
    }
    Ok(out)
}

async fn load_indicator(tx: &mut Tx, id: IndicatorId) -> Result<Indicator> {
    let sql = format!("{INDICATOR_SELECT} WHERE id = $1");
    let row: Option<IndicatorRow> = fetch!(tx, fetch_optional, IndicatorRow, &sql, id)?;
    row.map(Indicator::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

async fn insert_indicator(tx: &mut Tx, owner: Owner, i: &NewIndicator) -> Result<IndicatorId> {
    let now = Utc::now();
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO indicators (code, name, unit, aggregation, allow_negative, min_value, max_value,
                description, data_set_id, position, active, computed, owner_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, 0, $9, $10, $11, $12, $12) RETURNING id",
        &i.code,
        &i.name,
        i.unit.as_str(),
        i.aggregation.as_str(),
        i.allow_negative,
        i.min_value,
        i.max_value,
        &i.description,
        i.active,
        i.computed.map(Computed::as_str),
        owner.column(),
        now
    )?)
}

/// Whether the indicator has figures: its unit and aggregation are then
/// fixed (the rollups were built with them). `indicators.has_values`
/// says whether it ever had any (set by every write of figures): when not,
/// no figure is looked for, which a new indicator's edit would otherwise
/// pay with a scan of every figure (they are keyed by unit and period).
async fn has_values(tx: &mut Tx, id: IndicatorId) -> Result<bool> {
    let had: Option<bool> = fetch!(
        tx,
        fetch_optional,
        scalar bool,
        "SELECT has_values FROM indicators WHERE id = $1",
        id
    )?;
    if had != Some(true) {
        return Ok(false);
    }
    // It had figures; they may all have been deleted since.
    let n: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT indicator_id FROM data_values WHERE indicator_id = $1 LIMIT 1",
        id
    )?;
    Ok(n.is_some())
}

/// Marks the indicators as having had figures (nothing is written for
/// those already marked); called by every write of figures.
pub(crate) async fn mark_has_values(tx: &mut Tx, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let mut p = Params::default();
        let list = p.list(chunk.iter().map(|i| Arg::I64(Some(*i))));
        let sql = format!(
            "UPDATE indicators SET has_values = TRUE WHERE NOT has_values AND id IN ({list})"
        );
        execute_dyn(tx, &sql, p.args).await?;
    }
    Ok(())
}

/// Adds an indicator to `owner`'s catalogue; with `join`, at the end of
/// that data set's form (a national set, or one of the same owner: a
/// province adds its own indicators to a national form this way).
pub async fn create_indicator(
    db: &Db,
    author: Author,
    owner: Owner,
    i: &NewIndicator,
    join: Option<&str>,
) -> Result<Indicator> {
    let mut tx = db.begin().await?;
    crate::catalogue::require_owner(&mut tx, owner).await?;
    let exists: Option<i64> = fetch!(tx, fetch_optional, scalar i64, "SELECT id FROM indicators WHERE code = $1", &i.code)?;
    if exists.is_some() {
        return Err(StoreError::Conflict(Reason::IndicatorCodeTaken {
            code: i.code.clone(),
        }));
    }
    let id = insert_indicator(&mut tx, owner, i).await?;
    if let Some(code) = join {
        let set = fetch!(
            tx,
            fetch_optional,
            SetRow,
            &format!("{SET_SELECT} WHERE code = $1"),
            code
        )?
        .map(DataSet::try_from)
        .transpose()?
        .ok_or_else(|| {
            domain::DomainError::new("data_set", Reason::DataSetUnknown { code: code.into() })
        })?;
        if set.owner != Owner::National && set.owner != owner {
            return Err(domain::DomainError::new("data_set", Reason::OtherOwnersEntry).into());
        }
        execute!(
            tx,
            "UPDATE indicators SET data_set_id = $1,
                    position = (SELECT COALESCE(MAX(position), -1) + 1 FROM indicators WHERE data_set_id = $1)
             WHERE id = $2",
            set.id,
            id
        )?;
    }
    let after = load_indicator(&mut tx, id).await?;
    record(
        &mut tx,
        author,
        "create",
        "indicator",
        id,
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Makes the national indicators that `register` computes typed (`None`),
/// or gives them back their sources, audited as `author`: what a province
/// does to import the figures it typed before it used a register (a
/// computed indicator refuses typed figures; those typed before it became
/// computed are kept). Returns the indicators changed and their sources.
pub async fn set_register_sources(
    db: &Db,
    author: Author,
    sources: Option<&[(IndicatorId, Computed)]>,
    register: domain::statistics::computed::Register,
) -> Result<Vec<(IndicatorId, Computed)>> {
    let mut changed = Vec::new();
    for i in indicators(db, None).await? {
        let to = match sources {
            None if i.computed.is_some_and(|c| c.register() == register) => None,
            None => continue,
            Some(s) => match s.iter().find(|(id, _)| *id == i.id) {
                Some((_, c)) => Some(*c),
                None => continue,
            },
        };
        if let Some(c) = i.computed {
            changed.push((i.id, c));
        }
        let n = NewIndicator {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit,
            aggregation: i.aggregation,
            allow_negative: i.allow_negative,
            min_value: i.min_value,
            max_value: i.max_value,
            description: i.description.clone(),
            active: i.active,
            computed: to,
        };
        update_indicator(db, author, i.id, &n).await?;
    }
    Ok(changed)
}

/// Rewrites an indicator; its code is its name in rules and files and does
/// not change. Aggregation cannot change once figures exist.
pub async fn update_indicator(
    db: &Db,
    author: Author,
    id: IndicatorId,
    i: &NewIndicator,
) -> Result<Indicator> {
    let target = audit::Target {
        author,
        entity: "indicator",
        table: "indicators",
        id,
    };
    let read = async |tx: &mut Tx, id| load_indicator(tx, id).await;
    audit::update(db, target, read, async |tx: &mut Tx, before: &Indicator| {
        if before.code != i.code {
            return Err(domain::DomainError::new("code", Reason::IndicatorCodeFixed).into());
        }
        if before.aggregation != i.aggregation && has_values(tx, id).await? {
            return Err(domain::DomainError::new("aggregation", Reason::AggregationFixed).into());
        }
        rewrite_indicator(tx, id, i).await?;
        Ok(())
    })
    .await
}

/// Writes an indicator's definition over the stored one (its code and
/// owner stay).
async fn rewrite_indicator(tx: &mut Tx, id: IndicatorId, i: &NewIndicator) -> Result<()> {
    execute!(
        tx,
        "UPDATE indicators SET name = $1, unit = $2, aggregation = $3, allow_negative = $4,
                min_value = $5, max_value = $6, description = $7, active = $8, computed = $9,
                updated_at = $10
         WHERE id = $11",
        &i.name,
        i.unit.as_str(),
        i.aggregation.as_str(),
        i.allow_negative,
        i.min_value,
        i.max_value,
        &i.description,
        i.active,
        i.computed.map(Computed::as_str),
        Utc::now(),
        id
    )?;
    Ok(())
}

const SET_SELECT: &str = "SELECT id, code, name, period_type, calendar, entry, deadline_days,
        approval_levels, description, active, owner_id FROM data_sets";

#[derive(sqlx::FromRow)]
struct SetRow {
    id: i64,
    code: String,
    name: String,
    period_type: String,
    calendar: String,
    entry: String,
    deadline_days: i64,
    approval_levels: String,
    description: String,
    active: bool,
    owner_id: Option<i64>,
}

impl TryFrom<SetRow> for DataSet {
    type Error = StoreError;
    fn try_from(r: SetRow) -> Result<Self> {
        let bad = |what: &str| bad_row("data_sets", r.id, what);
        let entry = Target::parse("entry", &r.entry).map_err(|_| bad("entry"))?;
        Ok(DataSet {
            period_type: PeriodType::parse("period_type", &r.period_type)
                .map_err(|_| bad("period_type"))?,
            calendar: Calendar::parse("calendar", &r.calendar).map_err(|_| bad("calendar"))?,
            chain: Chain::from_stored(&r.approval_levels, entry)
                .map_err(|_| bad("approval_levels"))?,
            deadline_days: u32::try_from(r.deadline_days).map_err(|_| bad("deadline_days"))?,
            entry,
            id: r.id,
            code: r.code,
            name: r.name,
            description: r.description,
            active: r.active,
            owner: Owner::from_column(r.owner_id),
        })
    }
}

/// A data set with its indicators in form order and its rules.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DataSetView {
    #[serde(flatten)]
    pub set: DataSet,
    pub indicators: Vec<Indicator>,
    pub rules: Vec<RuleView>,
}

/// The data sets someone working in `provinces` sees (`None`: everywhere).
pub async fn data_sets(db: &Db, provinces: Option<&[OrgUnitId]>) -> Result<Vec<DataSet>> {
    // In the order they were defined: the catalogue's main monthly report first.
    let sql = format!("{SET_SELECT} ORDER BY id");
    let rows: Vec<SetRow> = fetch!(db, fetch_all, SetRow, &sql)?;
    let all: Vec<DataSet> = rows
        .into_iter()
        .map(DataSet::try_from)
        .collect::<Result<_>>()?;
    Ok(all
        .into_iter()
        .filter(|s| domain::catalogue::listed(s.owner, provinces))
        .collect())
}

pub(crate) async fn data_set_tx(tx: &mut Tx, id: DataSetId) -> Result<Option<DataSet>> {
    let sql = format!("{SET_SELECT} WHERE id = $1");
    let row: Option<SetRow> = fetch!(tx, fetch_optional, SetRow, &sql, id)?;
    row.map(DataSet::try_from).transpose()
}

pub async fn data_set(db: &Db, id: DataSetId) -> Result<Option<DataSetView>> {
    let mut tx = db.begin_read().await?;
    let Some(set) = data_set_tx(&mut tx, id).await? else {
        return Ok(None);
    };
    let indicators = indicators_of_set(&mut tx, id).await?;
    let rules = rules_of_set(&mut tx, id).await?;
    tx.rollback().await?;
    Ok(Some(DataSetView {
        set,
        indicators,
        rules,
    }))
}

/// The data set with this code.
pub async fn data_set_by_code(db: &Db, code: &str) -> Result<Option<DataSet>> {
    let sql = format!("{SET_SELECT} WHERE code = $1");
    let row: Option<SetRow> = fetch!(db, fetch_optional, SetRow, &sql, code)?;
    row.map(DataSet::try_from).transpose()
}

/// Writes a data set: a new one of `owner` (`id` None), or the data set
/// `id`, which keeps its owner.
async fn write_set(
    tx: &mut Tx,
    id: Option<DataSetId>,
    owner: Owner,
    s: &NewDataSet,
) -> Result<DataSetId> {
    // A set entered by sites of a kind the owner's catalogue holds.
    if let Target::Site(k) = s.entry {
        use domain::vocabulary::Vocabulary;
        let kinds = crate::vocabulary::usable_by(tx, Vocabulary::PlaceKind, owner).await?;
        crate::vocabulary::require(Vocabulary::PlaceKind, "entry", &kinds, k.as_str())?;
    }
    let now = Utc::now();
    let id = match id {
        None => fetch!(
            tx,
            fetch_one,
            scalar i64,
            "INSERT INTO data_sets (code, name, period_type, calendar, entry, deadline_days,
                    approval_levels, description, active, owner_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            &s.code,
            &s.name,
            s.period_type.as_str(),
            s.calendar.as_str(),
            s.entry.as_str(),
            i64::from(s.deadline_days),
            s.chain.to_stored(),
            &s.description,
            s.active,
            owner.column(),
            now
        )?,
        Some(id) => {
            execute!(
                tx,
                "UPDATE data_sets SET name = $1, period_type = $2, calendar = $3, entry = $4,
                        deadline_days = $5, approval_levels = $6, description = $7, active = $8,
                        updated_at = $9 WHERE id = $10",
                &s.name,
                s.period_type.as_str(),
                s.calendar.as_str(),
                s.entry.as_str(),
                i64::from(s.deadline_days),
                s.chain.to_stored(),
                &s.description,
                s.active,
                now,
                id
            )?;
            id
        }
    };
    attach_indicators(tx, id, owner, &s.indicators).await?;
    Ok(id)
}

/// Makes `codes` the data set's indicators of its own catalogue, in that
/// order (the indicators provinces added to a national set stay, after
/// them). An indicator belongs to one data set; one with figures cannot
/// leave its set (its figures are of that set's periods and approvals).
async fn attach_indicators(
    tx: &mut Tx,
    set: DataSetId,
    owner: Owner,
    codes: &[String],
) -> Result<()> {
    let mut ids = Vec::new();
    for code in codes {
        let row: Option<(i64, Option<i64>, Option<i64>)> = fetch!(
            tx,
            fetch_optional,
            (i64, Option<i64>, Option<i64>),
            "SELECT id, data_set_id, owner_id FROM indicators WHERE code = $1",
            code
        )?;
        if let Some((_, _, of)) = row {
            if Owner::from_column(of) != owner {
                return Err(
                    domain::DomainError::new("indicators", Reason::OtherOwnersEntry).into(),
                );
            }
        }
        let row = row.map(|(id, set, _)| (id, set));
        match row {
            None => {
                return Err(domain::DomainError::new(
                    "indicators",
                    Reason::IndicatorCodeUnknown { code: code.clone() },
                )
                .into())
            }
            Some((_, Some(other))) if other != set => {
                return Err(domain::DomainError::new(
                    "indicators",
                    Reason::IndicatorInOtherSet {
                        indicator: code.clone(),
                    },
                )
                .into())
            }
            Some((id, _)) => ids.push(id),
        }
    }
    let current: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM indicators WHERE data_set_id = $1 AND COALESCE(owner_id, 0) = $2",
        set,
        owner.column().unwrap_or(0)
    )?;
    for gone in current.iter().filter(|id| !ids.contains(id)) {
        if has_values(tx, *gone).await? {
            return Err(
                domain::DomainError::new("indicators", Reason::IndicatorWithFiguresKept).into(),
            );
        }
        execute!(
            tx,
            "UPDATE indicators SET data_set_id = NULL, position = 0 WHERE id = $1",
            gone
        )?;
    }
    for (pos, id) in ids.iter().enumerate() {
        execute!(
            tx,
            "UPDATE indicators SET data_set_id = $1, position = $2 WHERE id = $3",
            set,
            pos as i64,
            id
        )?;
    }
    Ok(())
}

async fn load_set_view(tx: &mut Tx, id: DataSetId) -> Result<DataSetView> {
    let set = data_set_tx(tx, id).await?.ok_or(StoreError::NotFound)?;
    Ok(DataSetView {
        indicators: indicators_of_set(tx, id).await?,
        rules: rules_of_set(tx, id).await?,
        set,
    })
}

/// Adds a data set to `owner`'s catalogue (a province's is entered by its
/// units only).
pub async fn create_data_set(
    db: &Db,
    author: Author,
    owner: Owner,
    s: &NewDataSet,
) -> Result<DataSetView> {
    let mut tx = db.begin().await?;
    crate::catalogue::require_owner(&mut tx, owner).await?;
    let exists: Option<i64> = fetch!(tx, fetch_optional, scalar i64, "SELECT id FROM data_sets WHERE code = $1", &s.code)?;
    if exists.is_some() {
        return Err(StoreError::Conflict(Reason::DataSetCodeTaken {
            code: s.code.clone(),
        }));
    }
    let id = write_set(&mut tx, None, owner, s).await?;
    let after = load_set_view(&mut tx, id).await?;
    record(
        &mut tx,
        author,
        "create",
        "data_set",
        id,
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Rewrites a data set. Its period type and calendar are fixed once
/// figures exist (they say which days the figures cover).
pub async fn update_data_set(
    db: &Db,
    author: Author,
    id: DataSetId,
    s: &NewDataSet,
) -> Result<DataSetView> {
    let target = audit::Target {
        author,
        entity: "data_set",
        table: "data_sets",
        id,
    };
    let read = async |tx: &mut Tx, id| load_set_view(tx, id).await;
    audit::update(db, target, read, async |tx: &mut Tx, before: &DataSetView| {
        if before.set.code != s.code {
            return Err(domain::DomainError::new("code", Reason::DataSetCodeFixed).into());
        }
        let changes_periods = before.set.period_type != s.period_type
            || before.set.calendar != s.calendar
            || before.set.entry != s.entry;
        if changes_periods {
            let mut any = false;
            for i in &before.indicators {
                any |= has_values(tx, i.id).await?;
            }
            if any {
                return Err(
                    domain::DomainError::new("period_type", Reason::DataSetPeriodsFixed).into(),
                );
            }
        }
        if before.set.chain != s.chain {
            let open: Option<i64> = fetch!(
                tx,
                fetch_optional,
                scalar i64,
                "SELECT data_set_id FROM data_approvals WHERE data_set_id = $1 AND state = 'approved' LIMIT 1",
                id
            )?;
            if open.is_some() {
                return Err(
                    domain::DomainError::new("approval_levels", Reason::ApprovalChainFixed).into(),
                );
            }
        }
        write_set(tx, Some(id), before.set.owner, s).await?;
        Ok(())
    })
    .await
}

/// A stored validation rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    pub id: RuleId,
    pub data_set_id: DataSetId,
    pub expression: String,
    pub severity: String,
    pub message: String,
    pub active: bool,
    /// The national catalogue's, or a province's own (checked on its
    /// units' forms only).
    pub owner: Owner,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: RuleId,
    data_set_id: DataSetId,
    expression: String,
    severity: String,
    message: String,
    active: bool,
    owner_id: Option<i64>,
}

impl From<RuleRow> for RuleView {
    fn from(r: RuleRow) -> Self {
        RuleView {
            id: r.id,
            data_set_id: r.data_set_id,
            expression: r.expression,
            severity: r.severity,
            message: r.message,
            active: r.active,
            owner: Owner::from_column(r.owner_id),
        }
    }
}

impl RuleView {
    /// The parsed rule; a stored rule that no longer parses is a data error.
    pub fn parsed(&self) -> Result<(Rule, Severity)> {
        let bad = |_| bad_row("validation_rules", self.id, "expression");
        Ok((
            Rule::parse("expression", &self.expression).map_err(bad)?,
            Severity::parse("severity", &self.severity).map_err(bad)?,
        ))
    }
}

const RULE_SELECT: &str =
    "SELECT id, data_set_id, expression, severity, message, active, owner_id FROM validation_rules";

pub(crate) async fn rules_of_set(tx: &mut Tx, set: DataSetId) -> Result<Vec<RuleView>> {
    let sql = format!("{RULE_SELECT} WHERE data_set_id = $1 ORDER BY id");
    let rows: Vec<RuleRow> = fetch!(tx, fetch_all, RuleRow, &sql, set)?;
    Ok(rows.into_iter().map(RuleView::from).collect())
}

/// The rules a form of a unit in `provinces` is checked against: the
/// national ones its province did not hide, and its province's own.
pub(crate) async fn rules_at(
    tx: &mut Tx,
    set: DataSetId,
    provinces: &[OrgUnitId],
) -> Result<Vec<RuleView>> {
    let hidden = Hidden::load(tx, Listing::ValidationRule).await?;
    let mut all = rules_of_set(tx, set).await?;
    all.retain(|r| hidden.applies(r.owner, r.id, provinces));
    Ok(all)
}

/// The rules someone working in `provinces` sees (`None`: everywhere).
pub async fn rules(db: &Db, provinces: Option<&[OrgUnitId]>) -> Result<Vec<RuleView>> {
    let sql = format!("{RULE_SELECT} ORDER BY data_set_id, id");
    let rows: Vec<RuleRow> = fetch!(db, fetch_all, RuleRow, &sql)?;
    Ok(rows
        .into_iter()
        .map(RuleView::from)
        .filter(|r| domain::catalogue::listed(r.owner, provinces))
        .collect())
}

pub async fn rule(db: &Db, id: RuleId) -> Result<Option<RuleView>> {
    let sql = format!("{RULE_SELECT} WHERE id = $1");
    let row: Option<RuleRow> = fetch!(db, fetch_optional, RuleRow, &sql, id)?;
    Ok(row.map(RuleView::from))
}

async fn load_rule(tx: &mut Tx, id: RuleId) -> Result<RuleView> {
    let sql = format!("{RULE_SELECT} WHERE id = $1");
    let row: Option<RuleRow> = fetch!(tx, fetch_optional, RuleRow, &sql, id)?;
    row.map(RuleView::from).ok_or(StoreError::NotFound)
}

/// The data set a rule of `owner` belongs to (a national set, or one of
/// the same owner), with every code it reads among the indicators that
/// owner's forms show (a national rule reads national indicators only).
async fn rule_set(tx: &mut Tx, owner: Owner, r: &NewRule) -> Result<DataSetId> {
    let set: Option<i64> = fetch!(tx, fetch_optional, scalar i64, "SELECT id FROM data_sets WHERE code = $1", &r.data_set)?;
    let set = set.ok_or_else(|| {
        domain::DomainError::new(
            "data_set",
            Reason::DataSetUnknown {
                code: r.data_set.clone(),
            },
        )
    })?;
    let set_owner: Option<i64> = fetch!(tx, fetch_one, scalar Option<i64>, "SELECT owner_id FROM data_sets WHERE id = $1", set)?;
    let set_owner = Owner::from_column(set_owner);
    if set_owner != Owner::National && set_owner != owner {
        return Err(domain::DomainError::new("data_set", Reason::OtherOwnersEntry).into());
    }
    let codes: Vec<String> = indicators_of_set(tx, set)
        .await?
        .into_iter()
        .filter(|i| i.owner == Owner::National || i.owner == owner)
        .map(|i| i.code)
        .collect();
    if let Some(missing) = r
        .rule
        .codes()
        .into_iter()
        .find(|c| !codes.iter().any(|x| x == c))
    {
        return Err(domain::DomainError::new(
            "expression",
            Reason::RuleIndicatorOutsideSet {
                indicator: missing.to_string(),
                data_set: r.data_set.clone(),
            },
        )
        .into());
    }
    Ok(set)
}

/// Adds a rule to `owner`'s catalogue.
pub async fn create_rule(db: &Db, author: Author, owner: Owner, r: &NewRule) -> Result<RuleView> {
    let mut tx = db.begin().await?;
    crate::catalogue::require_owner(&mut tx, owner).await?;
    let set = rule_set(&mut tx, owner, r).await?;
    let id = insert_rule(&mut tx, set, owner, r).await?;
    let after = load_rule(&mut tx, id).await?;
    record(
        &mut tx,
        author,
        "create",
        "validation_rule",
        id,
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn insert_rule(tx: &mut Tx, set: DataSetId, owner: Owner, r: &NewRule) -> Result<RuleId> {
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO validation_rules (data_set_id, expression, severity, message, active, owner_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $6, $6) RETURNING id",
        set,
        &r.expression,
        r.severity.as_str(),
        &r.message,
        owner.column(),
        Utc::now()
    )?)
}

/// Rewrites a rule, or retires it (`active` false).
pub async fn update_rule(
    db: &Db,
    author: Author,
    id: RuleId,
    r: &NewRule,
    active: bool,
) -> Result<RuleView> {
    let target = audit::Target {
        author,
        entity: "validation_rule",
        table: "validation_rules",
        id,
    };
    let read = async |tx: &mut Tx, id| load_rule(tx, id).await;
    audit::update(db, target, read, async |tx: &mut Tx, before: &RuleView| {
        let set = rule_set(tx, before.owner, r).await?;
        execute!(
            tx,
            "UPDATE validation_rules SET data_set_id = $1, expression = $2, severity = $3, message = $4,
                    active = $5, updated_at = $6 WHERE id = $7",
            set,
            &r.expression,
            r.severity.as_str(),
            &r.message,
            active,
            Utc::now(),
            id
        )?;
        Ok(())
    })
    .await
}

async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    author: Author,
    action: &str,
    entity: &str,
    id: i64,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity,
            entity_id: id.to_string(),
            before,
            after,
        },
    )
    .await
}

/// The parsed default catalogue.
pub struct Catalogue {
    pub indicators: Vec<NewIndicator>,
    /// Data sets with their indicators (from each indicator's `data_set`).
    pub data_sets: Vec<NewDataSet>,
    pub rules: Vec<NewRule>,
}

#[derive(serde::Deserialize)]
struct IndicatorLine {
    code: String,
    name: String,
    unit: String,
    aggregation: String,
    allow_negative: bool,
    min_value: Option<f64>,
    max_value: Option<f64>,
    data_set: String,
    description: Option<String>,
    /// `false` for an indicator the catalogue retired (blank: in use).
    #[serde(default)]
    active: Option<bool>,
    /// The register figure that computes it (blank: typed).
    #[serde(default)]
    computed: Option<String>,
}

#[derive(serde::Deserialize)]
struct SetLine {
    code: String,
    name: String,
    period_type: String,
    calendar: String,
    entry: String,
    deadline_days: u32,
    approval_levels: String,
    description: Option<String>,
}

fn read_csv<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<Vec<(usize, T)>> {
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    rd.deserialize::<T>()
        .enumerate()
        .map(|(i, l)| {
            l.map(|l| (i + 2, l))
                .map_err(|e| StoreError::Data(format!("{name} dòng {}: {e}", i + 2)))
        })
        .collect()
}

/// Parses the three catalogue files; any bad line stops with its line number.
pub fn parse_catalogue(sets: &str, indicators: &str, rules: &str) -> Result<Catalogue> {
    let at = |name: &str, line: usize, e: domain::DomainError| {
        StoreError::Data(format!("{name} dòng {line}: {e}"))
    };
    let ind_lines: Vec<(usize, IndicatorLine)> = read_csv("indicators.csv", indicators)?;
    let mut out_ind = Vec::new();
    for (line, l) in &ind_lines {
        let input = IndicatorInput {
            code: l.code.clone(),
            name: l.name.clone(),
            unit: l.unit.clone(),
            aggregation: l.aggregation.clone(),
            allow_negative: l.allow_negative,
            min_value: l.min_value,
            max_value: l.max_value,
            description: l.description.clone().unwrap_or_default(),
            active: l.active,
            computed: l.computed.clone(),
            owner_id: None,
            data_set: None,
        };
        out_ind.push(NewIndicator::parse(&input).map_err(|e| at("indicators.csv", *line, e))?);
    }
    let mut out_sets = Vec::new();
    for (line, l) in read_csv::<SetLine>("data-sets.csv", sets)? {
        let input = DataSetInput {
            indicators: ind_lines
                .iter()
                .filter(|(_, i)| i.data_set == l.code)
                .map(|(_, i)| i.code.clone())
                .collect(),
            code: l.code,
            name: l.name,
            period_type: l.period_type,
            calendar: l.calendar,
            entry: l.entry,
            deadline_days: Some(l.deadline_days),
            approval_levels: l.approval_levels.split(',').map(str::to_owned).collect(),
            description: l.description.unwrap_or_default(),
            active: None,
            owner_id: None,
        };
        out_sets.push(NewDataSet::parse(&input).map_err(|e| at("data-sets.csv", line, e))?);
    }
    let mut out_rules = Vec::new();
    for (line, l) in read_csv::<RuleInput>("validation-rules.csv", rules)? {
        out_rules.push(NewRule::parse(&l).map_err(|e| at("validation-rules.csv", line, e))?);
    }
    Ok(Catalogue {
        indicators: out_ind,
        data_sets: out_sets,
        rules: out_rules,
    })
}

const CATALOGUE_NAME: &str = "statistics";

pub use crate::reference_data::Applied;

/// Loads the default indicators, data sets and rules on a database that
/// never had them; afterwards only [`apply_catalogue`] changes them.
pub async fn load_catalogue(db: &Db) -> Result<usize> {
    let mut tx = db.begin_read().await?;
    let loaded = crate::reference_data::digest(&mut tx, CATALOGUE_NAME).await?;
    tx.rollback().await?;
    if loaded.is_some() {
        return Ok(0);
    }
    Ok(apply_catalogue(db).await?.added)
}

/// Brings the national statistics catalogue to what the binary ships, in
/// one transaction: new indicators, data sets and rules are added; shipped
/// ones are rewritten unless a person changed them here; a shipped rule the
/// catalogue no longer has is retired. Applying it twice changes nothing.
pub async fn apply_catalogue(db: &Db) -> Result<Applied> {
    let c = parse_catalogue(DEFAULT_DATA_SETS, DEFAULT_INDICATORS, DEFAULT_RULES)?;
    let mut tx = db.begin().await?;
    let mut done = Applied::default();
    for i in &c.indicators {
        apply_indicator(&mut tx, i, &mut done).await?;
    }
    for s in &c.data_sets {
        apply_set(&mut tx, s, &mut done).await?;
    }
    apply_rules(&mut tx, &c.rules, &mut done).await?;
    let digest = hex::encode(Sha256::digest(
        [DEFAULT_DATA_SETS, DEFAULT_INDICATORS, DEFAULT_RULES]
            .concat()
            .as_bytes(),
    ));
    let changed = done.added + done.updated + done.retired > 0;
    let seen = crate::reference_data::digest(&mut tx, CATALOGUE_NAME).await?;
    if seen.as_deref() != Some(digest.as_str()) || changed {
        let what = serde_json::json!({"applied": &done, "digest": digest});
        let id = CATALOGUE_NAME.to_string();
        crate::reference_data::mark_loaded(&mut tx, CATALOGUE_NAME, &digest, "load", id, &what)
            .await?;
    }
    tx.commit().await?;
    Ok(done)
}

fn same_indicator(new: &NewIndicator, old: &Indicator) -> bool {
    new.name == old.name
        && new.unit == old.unit
        && new.aggregation == old.aggregation
        && new.allow_negative == old.allow_negative
        && new.min_value == old.min_value
        && new.max_value == old.max_value
        && new.description == old.description
        && new.computed == old.computed
        && new.active == old.active
}

async fn apply_indicator(tx: &mut Tx, i: &NewIndicator, done: &mut Applied) -> Result<()> {
    let id: Option<i64> = fetch!(tx, fetch_optional, scalar i64, "SELECT id FROM indicators WHERE code = $1", &i.code)?;
    let Some(id) = id else {
        let id = insert_indicator(tx, Owner::National, i).await?;
        let after = load_indicator(tx, id).await?;
        record(
            tx,
            Author::System,
            "create",
            "indicator",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        done.added += 1;
        return Ok(());
    };
    let before = load_indicator(tx, id).await?;
    if same_indicator(i, &before) {
        done.unchanged += 1;
        return Ok(());
    }
    let stranded = before.aggregation != i.aggregation && has_values(tx, id).await?;
    if stranded || crate::reference_data::changed_by_people(tx, "indicator", id).await? {
        done.kept.push(format!("indicator:{}", i.code));
        return Ok(());
    }
    rewrite_indicator(tx, id, i).await?;
    let after = load_indicator(tx, id).await?;
    record(
        tx,
        Author::System,
        "update",
        "indicator",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    done.updated += 1;
    Ok(())
}

async fn apply_set(tx: &mut Tx, s: &NewDataSet, done: &mut Applied) -> Result<()> {
    let id: Option<i64> = fetch!(tx, fetch_optional, scalar i64, "SELECT id FROM data_sets WHERE code = $1", &s.code)?;
    let Some(id) = id else {
        let id = write_set(tx, None, Owner::National, s).await?;
        let after = load_set_view(tx, id).await?;
        record(
            tx,
            Author::System,
            "create",
            "data_set",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        done.added += 1;
        return Ok(());
    };
    let before = load_set_view(tx, id).await?;
    let b = &before.set;
    let codes: Vec<String> = before
        .indicators
        .iter()
        .filter(|i| i.owner == Owner::National)
        .map(|i| i.code.clone())
        .collect();
    let same = s.name == b.name
        && s.period_type == b.period_type
        && s.calendar == b.calendar
        && s.entry == b.entry
        && s.deadline_days == b.deadline_days
        && s.chain == b.chain
        && s.description == b.description
        && s.active == b.active
        && s.indicators == codes;
    if same {
        done.unchanged += 1;
        return Ok(());
    }
    // A set with figures keeps its periods; people's changes stay.
    let stranded = (s.period_type != b.period_type || s.calendar != b.calendar)
        && set_has_values(tx, id).await?;
    if stranded || crate::reference_data::changed_by_people(tx, "data_set", id).await? {
        done.kept.push(format!("data_set:{}", s.code));
        return Ok(());
    }
    // Indicators people added to the shipped set stay on it, after the shipped ones.
    let mut wanted = s.clone();
    wanted
        .indicators
        .extend(codes.into_iter().filter(|c| !s.indicators.contains(c)));
    write_set(tx, Some(id), Owner::National, &wanted).await?;
    let after = load_set_view(tx, id).await?;
    record(
        tx,
        Author::System,
        "update",
        "data_set",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    done.updated += 1;
    Ok(())
}

async fn set_has_values(tx: &mut Tx, set: DataSetId) -> Result<bool> {
    let had: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM indicators WHERE data_set_id = $1 AND has_values ORDER BY id",
        set
    )?;
    for id in had {
        if has_values(tx, id).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Rules are known by their data set and expression: a shipped rule whose
/// message changed is rewritten, one the catalogue dropped is retired.
async fn apply_rules(tx: &mut Tx, rules: &[NewRule], done: &mut Applied) -> Result<()> {
    let ids: Vec<(i64, String)> = fetch!(
        tx,
        fetch_all,
        (i64, String),
        "SELECT r.id, s.code FROM validation_rules r JOIN data_sets s ON s.id = r.data_set_id
         WHERE r.owner_id IS NULL ORDER BY r.id"
    )?;
    let mut existing = Vec::with_capacity(ids.len());
    for (id, set) in ids {
        existing.push((load_rule(tx, id).await?, set));
    }
    let name = |set: &str, expression: &str| format!("rule:{set}:{expression}");
    for r in rules {
        let found = existing
            .iter()
            .find(|(e, set)| *set == r.data_set && e.expression == r.expression);
        let Some((before, _)) = found else {
            let set = rule_set(tx, Owner::National, r).await?;
            let id = insert_rule(tx, set, Owner::National, r).await?;
            let after = load_rule(tx, id).await?;
            record(
                tx,
                Author::System,
                "create",
                "validation_rule",
                id,
                None::<&()>,
                Some(&after),
            )
            .await?;
            done.added += 1;
            continue;
        };
        if before.message == r.message && before.severity == r.severity.as_str() && before.active {
            done.unchanged += 1;
        } else if crate::reference_data::changed_by_people(tx, "validation_rule", before.id).await?
        {
            done.kept.push(name(&r.data_set, &r.expression));
        } else {
            write_rule(tx, before, r.severity.as_str(), &r.message, true).await?;
            done.updated += 1;
        }
    }
    // Shipped before (written by no person), gone from the catalogue now.
    for (before, set) in &existing {
        let shipped = rules
            .iter()
            .any(|r| r.data_set == *set && r.expression == before.expression);
        if shipped || !before.active {
            continue;
        }
        if crate::reference_data::changed_by_people(tx, "validation_rule", before.id).await? {
            continue;
        }
        write_rule(tx, before, &before.severity, &before.message, false).await?;
        done.retired += 1;
    }
    Ok(())
}

/// The catalogue's rewrite of a rule's severity, message and state.
async fn write_rule(
    tx: &mut Tx,
    before: &RuleView,
    severity: &str,
    message: &str,
    active: bool,
) -> Result<()> {
    execute!(
        tx,
        "UPDATE validation_rules SET severity = $1, message = $2, active = $3, updated_at = $4
         WHERE id = $5",
        severity,
        message,
        active,
        Utc::now(),
        before.id
    )?;
    let after = load_rule(tx, before.id).await?;
    record(
        tx,
        Author::System,
        "update",
        "validation_rule",
        before.id,
        Some(before),
        Some(&after),
    )
    .await
}
