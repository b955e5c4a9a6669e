//! What waits for a person in statistics: the reports their units must
//! still enter or fix, and the reports waiting for their approval. The
//! home page and the approvals inbox read it; what may be done with each
//! report stays `values::act`'s to decide.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use domain::org_units::Level;
use domain::statistics::approval::Capacity;
use domain::statistics::{Approval, DataSet, DataSetId, Period};
use serde::Serialize;

use super::values::{self, Who};
use super::{data_set_tx, data_sets};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Tx};

/// How far ahead a deadline counts as "due this week".
pub const DUE_SOON_DAYS: i64 = 7;

/// The most reports the inbox lists at once; more are counted.
pub const INBOX_LIMIT: usize = 500;

/// One report (a data set for a unit and period) that waits for someone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Waiting {
    pub data_set: DataSetId,
    pub data_set_name: String,
    pub org_unit: i64,
    pub unit_name: String,
    /// The unit's parent, to tell apart units with one name.
    pub parent_name: Option<String>,
    /// `2026-11`.
    pub period: String,
    /// `Tháng 11/2026`.
    pub period_label: String,
    /// `draft` (nothing sent yet), `returned`, `submitted` or `approved`.
    pub state: &'static str,
    pub levels_approved: usize,
    pub levels: usize,
    pub deadline: NaiveDate,
    /// Days from today to the deadline; negative once it has passed.
    pub days_left: i64,
    /// When the report last changed state (none before the first step).
    pub since: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Pending {
    data_set_id: i64,
    org_unit_id: i64,
    period: String,
    state: String,
    levels: i64,
    updated_at: DateTime<Utc>,
    unit_name: String,
    parent_name: Option<String>,
}

/// The reports whose next approval step is `who`'s to take, earliest
/// deadline first, at most [`INBOX_LIMIT`]; and how many there are.
pub async fn waiting(db: &Db, who: Who, today: NaiveDate) -> Result<(Vec<Waiting>, usize)> {
    let mut tx = db.begin_read().await?;
    let mut args: Vec<Arg> = Vec::new();
    let scope_sql = match who.scope.user_id() {
        None => String::new(),
        Some(user) => {
            args.push(Arg::I64(Some(user)));
            format!("AND {}", crate::scope::unit_in_scope("a.org_unit_id", "$1"))
        }
    };
    // A report waits while fewer levels have approved than its chain has:
    // the chain's length is its commas plus one.
    let sql = format!(
        "SELECT a.data_set_id, a.org_unit_id, a.period, a.state, a.levels, a.updated_at,
                u.name AS unit_name, p.name AS parent_name
         FROM data_approvals a
         JOIN data_sets s ON s.id = a.data_set_id
         JOIN org_units u ON u.id = a.org_unit_id
         LEFT JOIN org_units p ON p.id = u.parent_id
         WHERE a.state IN ('submitted', 'approved')
           AND a.levels < LENGTH(s.approval_levels) - LENGTH(REPLACE(s.approval_levels, ',', '')) + 1
           {scope_sql}"
    );
    let rows: Vec<Pending> = fetch_all_dyn(&mut tx, &sql, args).await?;
    let levels = match who.scope.user_id() {
        None => None,
        Some(user) => {
            let units: Vec<i64> = rows.iter().map(|r| r.org_unit_id).collect();
            Some(levels_reached(&mut tx, user, &units).await?)
        }
    };
    let mut sets: HashMap<i64, DataSet> = HashMap::new();
    let mut out = Vec::new();
    for r in rows {
        let set = match sets.entry(r.data_set_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                data_set_tx(&mut tx, r.data_set_id)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
        };
        let (Some(state), Ok(period)) = (
            Approval::from_stored(&r.state, r.levels),
            Period::parse("period", &r.period),
        ) else {
            continue;
        };
        let reached = |l: Level| match &levels {
            None => true,
            Some(map) => map
                .get(&r.org_unit_id)
                .is_some_and(|ls| ls.contains(l.as_str())),
        };
        // Every row is in scope (the query says so): the unit is covered.
        let cap = Capacity::of(who.role, &set.chain, true, reached);
        if !cap.approver_at.contains(&state.levels_approved()) {
            continue;
        }
        out.push(report(
            set,
            r.org_unit_id,
            r.unit_name,
            r.parent_name,
            period,
            state,
            Some(r.updated_at),
            today,
        ));
    }
    tx.rollback().await?;
    out.sort_by(|a, b| (a.deadline, &a.unit_name).cmp(&(b.deadline, &b.unit_name)));
    let total = out.len();
    out.truncate(INBOX_LIMIT);
    Ok((out, total))
}

/// For each unit, the levels of its ancestors that `user`'s scope
/// reaches: what `Capacity::of` asks, read for a whole list at once
/// (`values::capacity` asks it unit by unit, three queries each).
async fn levels_reached(
    tx: &mut Tx,
    user: i64,
    units: &[i64],
) -> Result<HashMap<i64, HashSet<String>>> {
    let mut out: HashMap<i64, HashSet<String>> = HashMap::new();
    for chunk in units.chunks(500) {
        let mut args = vec![Arg::I64(Some(user))];
        args.extend(chunk.iter().map(|u| Arg::I64(Some(*u))));
        let list: Vec<String> = (2..=chunk.len() + 1).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT t.unit_id, u.level FROM org_unit_tree t JOIN org_units u ON u.id = t.ancestor_id
             WHERE t.unit_id IN ({}) AND {}",
            list.join(", "),
            crate::scope::unit_in_scope("t.ancestor_id", "$1")
        );
        let rows: Vec<(i64, String)> = fetch_all_dyn(tx, &sql, args).await?;
        for (unit, level) in rows {
            out.entry(unit).or_default().insert(level);
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn report(
    set: &DataSet,
    unit: i64,
    unit_name: String,
    parent_name: Option<String>,
    period: Period,
    state: Approval,
    since: Option<DateTime<Utc>>,
    today: NaiveDate,
) -> Waiting {
    let deadline = period.deadline(set.calendar, set.deadline_days);
    Waiting {
        data_set: set.id,
        data_set_name: set.name.clone(),
        org_unit: unit,
        unit_name,
        parent_name,
        period: period.to_string(),
        period_label: period.label_in(set.calendar),
        state: state.as_str(),
        levels_approved: state.levels_approved(),
        levels: set.chain.len(),
        deadline,
        days_left: (deadline - today).num_days(),
        since,
    }
}

/// The period a data set is reported for on `today`: the last one that
/// has ended (figures are entered after the period closes).
pub fn reported_period(set: &DataSet, today: NaiveDate) -> Option<Period> {
    Period::containing(today, set.period_type, set.calendar).and_then(Period::previous)
}

/// The reports `units` (a person's scope units) must still enter, submit
/// or fix: each active data set's reported period, where it is not sent
/// and its deadline is past or within [`DUE_SOON_DAYS`]; and every report
/// sent back to them, whatever its period. Overdue first.
pub async fn due(
    db: &Db,
    who: Who,
    units: &[i64],
    provinces: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Vec<Waiting>> {
    let mut out = Vec::new();
    for set in data_sets(db, provinces).await?.iter().filter(|s| s.active) {
        let Some(period) = reported_period(set, today) else {
            continue;
        };
        let deadline = period.deadline(set.calendar, set.deadline_days);
        let soon = (deadline - today).num_days() <= DUE_SOON_DAYS;
        for &under in units {
            let rows = match values::completeness(db, who.scope, set.id, under, period).await {
                Ok((_, rows)) => rows,
                Err(StoreError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            for r in rows {
                let state = match r.state.as_deref() {
                    None => Approval::Draft,
                    Some(s) => {
                        Approval::from_stored(s, r.levels.unwrap_or(0)).unwrap_or(Approval::Draft)
                    }
                };
                let open = state.is_open();
                if open && (soon || state == Approval::Returned) {
                    out.push(report(
                        set,
                        r.org_unit_id,
                        r.name,
                        None,
                        period,
                        state,
                        None,
                        today,
                    ));
                }
            }
        }
    }
    for w in returned(db, who, units, today).await? {
        let known = out
            .iter()
            .any(|o| (o.data_set, o.org_unit, &o.period) == (w.data_set, w.org_unit, &w.period));
        if !known {
            out.push(w);
        }
    }
    out.sort_by(|a, b| (a.deadline, &a.unit_name).cmp(&(b.deadline, &b.unit_name)));
    Ok(out)
}

/// Reports sent back for fixing under `units`, in any period.
async fn returned(db: &Db, who: Who, units: &[i64], today: NaiveDate) -> Result<Vec<Waiting>> {
    if units.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin_read().await?;
    let mut args: Vec<Arg> = units.iter().map(|u| Arg::I64(Some(*u))).collect();
    let list: Vec<String> = (1..=units.len()).map(|i| format!("${i}")).collect();
    let scope_sql = match who.scope.user_id() {
        None => String::new(),
        Some(user) => {
            args.push(Arg::I64(Some(user)));
            let n = format!("${}", args.len());
            format!("AND {}", crate::scope::unit_in_scope("a.org_unit_id", &n))
        }
    };
    let sql = format!(
        "SELECT a.data_set_id, a.org_unit_id, a.period, a.state, a.levels, a.updated_at,
                u.name AS unit_name, p.name AS parent_name
         FROM data_approvals a
         JOIN org_units u ON u.id = a.org_unit_id
         LEFT JOIN org_units p ON p.id = u.parent_id
         WHERE a.state = 'returned'
           AND a.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id IN ({}))
           {scope_sql}",
        list.join(", ")
    );
    let rows: Vec<Pending> = fetch_all_dyn(&mut tx, &sql, args).await?;
    let mut out = Vec::new();
    for r in rows {
        let (Some(set), Ok(period)) = (
            data_set_tx(&mut tx, r.data_set_id).await?,
            Period::parse("period", &r.period),
        ) else {
            continue;
        };
        if !set.active {
            continue;
        }
        out.push(report(
            &set,
            r.org_unit_id,
            r.unit_name,
            r.parent_name,
            period,
            Approval::Returned,
            Some(r.updated_at),
            today,
        ));
    }
    tx.rollback().await?;
    Ok(out)
}

/// How far the units under one unit have come with a data set's reported
/// period: the province's view of its communes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub data_set: DataSetId,
    pub data_set_name: String,
    pub org_unit: i64,
    pub period: String,
    pub period_label: String,
    pub deadline: NaiveDate,
    pub units: usize,
    pub submitted: usize,
    pub approved: usize,
    /// Not sent though the deadline has passed.
    pub late: usize,
}

/// [`Progress`] of each active data set under `under`.
pub async fn progress(
    db: &Db,
    who: Who,
    under: i64,
    provinces: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Vec<Progress>> {
    let mut out = Vec::new();
    for set in data_sets(db, provinces).await?.iter().filter(|s| s.active) {
        let Some(period) = reported_period(set, today) else {
            continue;
        };
        let rows = match values::completeness(db, who.scope, set.id, under, period).await {
            Ok((_, rows)) => rows,
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        if rows.is_empty() {
            continue;
        }
        let deadline = period.deadline(set.calendar, set.deadline_days);
        let is = |s: &str| {
            rows.iter()
                .filter(|r| r.state.as_deref() == Some(s))
                .count()
        };
        let sent = |r: &&values::CompletenessRow| {
            matches!(r.state.as_deref(), Some("submitted" | "approved"))
        };
        out.push(Progress {
            data_set: set.id,
            data_set_name: set.name.clone(),
            org_unit: under,
            period: period.to_string(),
            period_label: period.label_in(set.calendar),
            deadline,
            units: rows.len(),
            submitted: is("submitted"),
            approved: is("approved"),
            late: if today > deadline {
                rows.iter().filter(|r| !sent(r)).count()
            } else {
                0
            },
        });
    }
    Ok(out)
}

/// The province whose units last moved a report of `set` (entered,
/// submitted, approved): where someone who sees the whole country looks
/// first, rather than the first province in alphabetical order.
pub async fn latest_province(db: &Db, set: DataSetId) -> Result<Option<i64>> {
    Ok(fetch!(
        db,
        fetch_optional,
        scalar i64,
        "SELECT p.id FROM data_approvals a
         JOIN org_unit_tree t ON t.unit_id = a.org_unit_id
         JOIN org_units p ON p.id = t.ancestor_id AND p.level = 'province'
         WHERE a.data_set_id = $1
         ORDER BY a.updated_at DESC LIMIT 1",
        set
    )?)
}
