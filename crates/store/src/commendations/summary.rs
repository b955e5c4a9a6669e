//! Commendations counted by area, form and level over a span of years, in
//! either view of the 2025 reform, and the two figures the commendations
//! register offers to statistics (collectives and individuals commended).
//!
//! Only approved commendations count, at their unit, in their year. Rows
//! as in the training summary (`forces::summary::mapping`); the
//! commendations of an area's own unit (a province commended as a whole
//! under a province's rows of communes) are their own line,
//! `by_area_itself`, so that the totals hold every one.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::Scope;
use crate::error::Result;
use crate::forces::summary::{mapping, row_list};
use crate::org_units::areas::{areas_on, Area, View};
use crate::{fetch_all_dyn, Arg, Db, Params};

#[derive(Debug, Clone)]
pub struct CommendationSummaryQuery {
    pub org_unit: Option<i64>,
    pub from_year: i32,
    pub to_year: i32,
    pub view: View,
    pub today: NaiveDate,
}

/// One area's counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CommendationCell {
    // (`zero` names every form and level; `Default` is for its own use.)
    pub total: i64,
    pub collective: i64,
    pub individual: i64,
    /// By form code (`bang_khen` …).
    pub forms: BTreeMap<String, i64>,
    /// By level code (`bo` …).
    pub levels: BTreeMap<String, i64>,
}

impl CommendationCell {
    /// Nothing counted, every form and level named (pages read them all).
    fn zero() -> Self {
        use domain::commendations::{Form, Level};
        CommendationCell {
            forms: Form::ALL
                .iter()
                .map(|f| (f.as_str().to_owned(), 0))
                .collect(),
            levels: Level::ALL
                .iter()
                .map(|l| (l.as_str().to_owned(), 0))
                .collect(),
            ..Default::default()
        }
    }

    fn add_group(&mut self, g: &Group) {
        self.total += g.n;
        if g.recipient_kind == "person" {
            self.individual += g.n;
        } else {
            self.collective += g.n;
        }
        *self.forms.entry(g.form.clone()).or_default() += g.n;
        *self.levels.entry(g.level.clone()).or_default() += g.n;
    }

    fn add(&mut self, o: &CommendationCell) {
        self.total += o.total;
        self.collective += o.collective;
        self.individual += o.individual;
        for (k, v) in &o.forms {
            *self.forms.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.levels {
            *self.levels.entry(k.clone()).or_default() += v;
        }
    }

    fn minus(&self, o: &CommendationCell) -> CommendationCell {
        let less = |a: &BTreeMap<String, i64>, b: &BTreeMap<String, i64>| {
            a.iter()
                .map(|(k, v)| (k.clone(), v - b.get(k).copied().unwrap_or(0)))
                .collect()
        };
        CommendationCell {
            total: self.total - o.total,
            collective: self.collective - o.collective,
            individual: self.individual - o.individual,
            forms: less(&self.forms, &o.forms),
            levels: less(&self.levels, &o.levels),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommendationAreaRow {
    pub org_unit_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub cell: CommendationCell,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommendationSummary {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub from_year: i32,
    pub to_year: i32,
    #[schema(value_type = String)]
    pub view: View,
    pub rows: Vec<CommendationAreaRow>,
    /// Commendations of the area's own unit (not of any row's).
    pub by_area_itself: CommendationCell,
    pub totals: CommendationCell,
}

#[derive(sqlx::FromRow)]
struct Group {
    row_id: Option<i64>,
    shared_unit: Option<i64>,
    form: String,
    level: String,
    recipient_kind: String,
    n: i64,
}

/// The approved commendations of the years, as a subquery on alias `c`;
/// within `area` (`area_sql`) when the summary has one, so that a
/// province's counts read its own rows, not the country's.
fn approved_sql(q: &CommendationSummaryQuery, area: Option<&str>, p: &mut Params) -> String {
    let from = p.push(Arg::I64(Some(i64::from(q.from_year))));
    let to = p.push(Arg::I64(Some(i64::from(q.to_year))));
    let (source, within) = match area {
        Some(a) if a.starts_with("SELECT") => (
            format!("({a}) t CROSS JOIN commendations k"),
            " AND k.org_unit_id = t.unit_id".to_owned(),
        ),
        Some(a) => ("commendations k".to_owned(), format!(" AND {a}")),
        None => ("commendations k".to_owned(), String::new()),
    };
    format!(
        "(SELECT k.org_unit_id, k.province_id, k.form, k.level,
                 CASE WHEN k.recipient_kind = 'person' THEN 'person' ELSE 'collective' END
                   AS recipient_kind
            FROM {source}
           WHERE k.state = 'approved' AND k.year >= {from} AND k.year <= {to}{within}) c"
    )
}

/// The commendations of the summary's area: a province as it is now by
/// its 2025 province (a condition on `k`); otherwise the area's units as
/// a `SELECT unit_id …`, which `approved_sql` reads first (a `CROSS
/// JOIN`, which SQLite keeps in that order: left to choose, it read the
/// whole span's commendations and probed the units for each, 70–110 ms at
/// 100,000 commendations against 10–15). `province_now`: the area is a
/// 2025 province.
fn area_sql(
    q: &CommendationSummaryQuery,
    (me, province_now): (Option<&Area>, bool),
    rows: &[Area],
    p: &mut Params,
) -> String {
    match me {
        Some(area) if q.view == View::Now && province_now => {
            let a = p.push(Arg::I64(Some(area.id)));
            format!("k.province_id = {a}")
        }
        Some(area) => {
            let a = p.push(Arg::I64(Some(area.id)));
            let table = match q.view {
                View::Now => "org_unit_reach",
                View::Was => "org_unit_tree",
            };
            format!("SELECT unit_id FROM {table} WHERE ancestor_id = {a}")
        }
        None => {
            let r = row_list(rows, p);
            format!("SELECT DISTINCT unit_id FROM org_unit_reach WHERE ancestor_id IN ({r})")
        }
    }
}

const GROUPED: &str = "c.form, c.level, c.recipient_kind, COUNT(*) AS n";

/// The summary of `q.org_unit`'s parts (the caller checked it is in the
/// scope).
pub async fn summary(
    db: &Db,
    scope: Scope,
    q: &CommendationSummaryQuery,
) -> Result<CommendationSummary> {
    let date = match q.view {
        View::Now => q.today,
        View::Was => NaiveDate::from_ymd_opt(q.to_year, 12, 31).unwrap_or(q.today),
    };
    let (me, rows, rows_date) = areas_on(db, scope, q.org_unit, date, q.view).await?;
    let national = q.org_unit.is_none() && scope.user_id().is_none();
    let mut tx = db.begin_read().await?;
    let province_now = match &me {
        Some(area) => {
            let current: Option<i32> = fetch!(
                tx,
                fetch_optional,
                scalar i32,
                "SELECT 1 FROM org_units WHERE id = $1 AND level = 'province' AND valid_to IS NULL",
                area.id
            )?;
            current.is_some()
        }
        None => false,
    };
    let groups: Vec<Group> = {
        let mut p = Params::default();
        let area = (!national).then(|| area_sql(q, (me.as_ref(), province_now), &rows, &mut p));
        let approved = approved_sql(q, area.as_deref(), &mut p);
        let (join, row, shared) = if national && q.view == View::Now {
            (
                String::new(),
                "c.province_id".to_string(),
                "NULL".to_string(),
            )
        } else {
            let r = row_list(&rows, &mut p);
            let m = mapping(q.view, national, "c.org_unit_id", &r);
            (m.join(), m.row, m.shared)
        };
        // By position: PostgreSQL takes no constant (a NULL `shared`) in GROUP BY.
        let sql = format!(
            "SELECT {row} AS row_id, {shared} AS shared_unit, {GROUPED}
               FROM {approved} {join} GROUP BY 1, 2, 3, 4, 5"
        );
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    };
    let whole: CommendationCell = match &me {
        None if national => groups.iter().fold(CommendationCell::zero(), |mut t, g| {
            t.add_group(g);
            t
        }),
        _ => {
            let mut p = Params::default();
            let area = area_sql(q, (me.as_ref(), province_now), &rows, &mut p);
            let approved = approved_sql(q, Some(&area), &mut p);
            let sql = format!(
                "SELECT NULL AS row_id, NULL AS shared_unit, {GROUPED} FROM {approved}
                  GROUP BY 3, 4, 5"
            );
            let found: Vec<Group> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
            found.iter().fold(CommendationCell::zero(), |mut t, g| {
                t.add_group(g);
                t
            })
        }
    };
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut cells = vec![CommendationCell::zero(); rows.len()];
    for g in &groups {
        let i = match g.shared_unit {
            Some(u) => crate::models::query::default_row(&mut tx, u, rows_date, &row_of).await?,
            None => g.row_id.and_then(|r| row_of.get(&r).copied()),
        };
        if let Some(cell) = i.and_then(|i| cells.get_mut(i)) {
            cell.add_group(g);
        }
    }
    tx.rollback().await?;
    let mut in_rows = CommendationCell::zero();
    cells.iter().for_each(|c| in_rows.add(c));
    Ok(CommendationSummary {
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        from_year: q.from_year,
        to_year: q.to_year,
        view: q.view,
        rows: rows
            .into_iter()
            .zip(cells)
            .map(|(a, cell): (Area, CommendationCell)| CommendationAreaRow {
                org_unit_id: a.id,
                name: a.name,
                cell,
            })
            .collect(),
        by_area_itself: whole.minus(&in_rows),
        totals: whole,
    })
}

/// The figures the commendations register offers to statistics for one
/// entering unit over the days `first..=last`: collectives and
/// individuals commended by a decision dated in them, counted at the
/// commended unit's *home* (the unit of the entering unit's level at or
/// above it, mapped across the reform on the day of the decision), as the
/// training register counts a class.
pub(crate) async fn figures(
    tx: &mut crate::Tx,
    unit: &domain::org_units::OrgUnit,
    (first, last): (NaiveDate, NaiveDate),
    wanted: &[domain::statistics::computed::Computed],
) -> Result<HashMap<domain::statistics::computed::Computed, f64>> {
    use domain::statistics::computed::Computed;
    let (from, to) = (
        unit.valid_from.map_or(first, |f| f.max(first)),
        unit.valid_to.map_or(last, |t| t.min(last)),
    );
    if from > to {
        return Ok(HashMap::new());
    }
    #[derive(sqlx::FromRow)]
    struct Counted {
        home: i64,
        decided_on: NaiveDate,
        person: bool,
    }
    let rows: Vec<Counted> = fetch!(
        tx,
        fetch_all,
        Counted,
        "SELECT a.id AS home, k.decided_on, k.recipient_kind = 'person' AS person
           FROM org_unit_reach h
           JOIN org_units a ON a.id = h.unit_id AND a.level = $4
           JOIN org_unit_tree t ON t.ancestor_id = a.id
           JOIN commendations k ON k.org_unit_id = t.unit_id
          WHERE h.ancestor_id = $1 AND k.state = 'approved'
            AND k.decided_on >= $2 AND k.decided_on <= $3",
        unit.id,
        from,
        to,
        unit.level.as_str()
    )?;
    let mut homes = crate::org_units::Homes::default();
    let (mut collective, mut individual) = (0.0, 0.0);
    for r in &rows {
        if homes.on(tx, r.home, r.decided_on).await? == Some(unit.id) {
            if r.person {
                individual += 1.0;
            } else {
                collective += 1.0;
            }
        }
    }
    Ok(wanted
        .iter()
        .filter_map(|c| match c {
            Computed::CommendationsCollective => Some((*c, collective)),
            Computed::CommendationsIndividual => Some((*c, individual)),
            _ => None,
        })
        .collect())
}

/// The years before the last a summary spans by default (five in all).
pub const DEFAULT_SPAN: i32 = 4;
