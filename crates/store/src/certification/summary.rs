//! The dashboard figures: for one year, by area of a unit and by kind,
//! the eligible units, the registered, certified (by classification), not
//! certified and revoked, in either view of the 2025 reform:
//!
//! - `was`: the areas are the unit's parts as they were at the year's end
//!   (a legacy province's districts in 2024, the predecessors' parts when
//!   the unit did not exist yet);
//! - `now`: the areas are today's parts, legacy units counted under their
//!   successors.
//!
//! Each unit counts once, in the area that reaches it (`org_unit_reach`);
//! a legacy commune split in 2025 counts under its default successor.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::certification::{Kind, KindRules};
use domain::org_units::Level;
use serde::Serialize;

use crate::accounts::Scope;
use crate::error::Result;
pub use crate::org_units::areas::View;
use crate::org_units::areas::{areas_on, Area};
use crate::{fetch_all_dyn, Arg, Db, Params};

#[derive(Debug, Clone)]
pub struct SummaryQuery {
    pub org_unit: Option<i64>,
    pub year: i32,
    pub view: View,
    pub today: NaiveDate,
}

/// The figures of one kind in one area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// Units of the kind that existed during the year and are not exempt.
    pub eligible: i64,
    pub registered: i64,
    /// Registered and not decided yet.
    pub in_progress: i64,
    pub certified: i64,
    pub xuat_sac: i64,
    pub kha: i64,
    pub trung_binh: i64,
    pub not_certified: i64,
    pub revoked: i64,
}

impl Cell {
    fn add(&mut self, o: &Cell) {
        self.eligible += o.eligible;
        self.registered += o.registered;
        self.in_progress += o.in_progress;
        self.certified += o.certified;
        self.xuat_sac += o.xuat_sac;
        self.kha += o.kha;
        self.trung_binh += o.trung_binh;
        self.not_certified += o.not_certified;
        self.revoked += o.revoked;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SummaryRow {
    pub org_unit_id: i64,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// One cell per kind, in the order of `kinds`.
    pub cells: Vec<Cell>,
}

/// One kind's cases of one year under the unit (the trend line of the
/// dashboard): registered, certified.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct YearCount {
    pub year: i32,
    #[schema(value_type = domain::certification::Kind)]
    pub kind: Kind,
    pub registered: i64,
    pub certified: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub year: i32,
    pub view: View,
    /// The day whose hierarchy the areas come from.
    pub rows_date: NaiveDate,
    pub kinds: Vec<Kind>,
    pub rows: Vec<SummaryRow>,
    /// One cell per kind over every area.
    pub totals: Vec<Cell>,
    /// The cases under the unit (or the scope) in this year and the four
    /// before it, by kind: year over year.
    pub trend: Vec<YearCount>,
}

/// The areas of the summary and the day their hierarchy is read on.
async fn areas(
    db: &Db,
    scope: Scope,
    q: &SummaryQuery,
) -> Result<(Option<Area>, Vec<Area>, NaiveDate)> {
    let year_end = NaiveDate::from_ymd_opt(q.year, 12, 31).unwrap_or(q.today);
    let date = match q.view {
        View::Now => q.today,
        View::Was => year_end.min(q.today),
    };
    areas_on(db, scope, q.org_unit, date, q.view).await
}

/// The predicate of a kind's units on alias `u`.
fn kind_predicate(kind: Kind) -> String {
    match kind.unit_filter() {
        (level, None) => format!("u.level = '{}'", level.as_str()),
        (level, Some(place)) => format!("u.level = '{}' AND u.kind = '{place}'", level.as_str()),
    }
}

/// SQL that is 1 when the unit on alias `u` existed during its kind's
/// assessment year, else 0 (each kind's span bound in `p`).
pub(super) fn existed_sql(kinds: &[KindRules], year: i32, p: &mut Params) -> String {
    let mut arms = String::new();
    for k in kinds {
        let (first, last) = k.span(year);
        let f = p.push(Arg::Date(Some(first)));
        let l = p.push(Arg::Date(Some(last)));
        arms.push_str(&format!(
            " WHEN {} THEN CASE WHEN (u.valid_from IS NULL OR u.valid_from <= {l})
                AND (u.valid_to IS NULL OR u.valid_to >= {f}) THEN 1 ELSE 0 END",
            kind_predicate(k.kind)
        ));
    }
    format!("CAST(CASE{arms} ELSE 0 END AS INTEGER)")
}

#[derive(sqlx::FromRow)]
struct Group {
    row_id: i64,
    /// Set only for a unit that two areas reach.
    unit_id: Option<i64>,
    #[sqlx(flatten)]
    units: Units,
}

/// Units alike for the figures: their kind, case outcome, whether they
/// existed during the year and whether they are outside the scheme.
#[derive(sqlx::FromRow)]
pub(super) struct Units {
    level: String,
    unit_kind: String,
    /// The kind the unit's case was registered as (a case keeps it).
    case_kind: Option<String>,
    state: Option<String>,
    classification: Option<String>,
    existed: i32,
    exempt: i32,
    n: i64,
}

impl Units {
    pub(super) fn kind(&self) -> Option<Kind> {
        match &self.case_kind {
            Some(k) => Kind::parse("kind", k).ok(),
            None => Kind::of_codes(&self.level, &self.unit_kind),
        }
    }

    /// Adds these units to their kind's cell: eligible unless exempt (a unit
    /// that did not exist in the year only through its case), then its case.
    pub(super) fn add_to(&self, cell: &mut Cell) {
        if self.existed == 0 && self.state.is_none() {
            return;
        }
        if self.exempt == 0 {
            cell.eligible += self.n;
        }
        count_case(
            cell,
            self.state.as_deref(),
            self.classification.as_deref(),
            self.n,
        );
    }
}

/// The query of [`Units`] grouped by `key` (its column names, first in
/// the result): `inner` selects `key`'s columns and `from` joins `u`
/// (org_units), `c` (the year's case) and `e` (an exemption); the grouping
/// happens outside, over the derived table (PostgreSQL planned the flat
/// form slower).
pub(super) fn grouped_units(key: &str, inner: &str, existed: &str, from: &str) -> String {
    format!(
        "SELECT {key}, level, unit_kind, case_kind, state, classification, existed, exempt,
                COUNT(*) AS n
           FROM (SELECT {inner}, u.level, u.kind AS unit_kind, c.kind AS case_kind, c.state,
                        c.classification, {existed} AS existed,
                        CASE WHEN e.org_unit_id IS NULL THEN 0 ELSE 1 END AS exempt
                   {from}) t
          GROUP BY {key}, level, unit_kind, case_kind, state, classification, existed, exempt"
    )
}

/// The dashboard for a year in one view. The units one area alone reaches
/// are counted by the database (one row per area, kind and outcome); the
/// few that two areas reach (a split legacy commune's) are read one by one
/// and given to the area of their default successor.
pub async fn summary(db: &Db, scope: Scope, q: &SummaryQuery) -> Result<Summary> {
    summary_with(db, scope, q, Counting::TALLIED).await
}

/// The summary without its trend line (left empty): what a review reads
/// for each year of its period. Without the five years before it, a
/// year's national figures come from the tallies alone, early years of a
/// twenty-year review included.
pub async fn summary_of_year(db: &Db, scope: Scope, q: &SummaryQuery) -> Result<Summary> {
    summary_with(
        db,
        scope,
        q,
        Counting {
            trend: false,
            ..Counting::TALLIED
        },
    )
    .await
}

/// The summary counted unit by unit even where tallies would serve: what
/// tests and the benchmark compare the tallies with.
#[cfg(feature = "testing")]
pub async fn summary_unit_by_unit(db: &Db, scope: Scope, q: &SummaryQuery) -> Result<Summary> {
    summary_with(
        db,
        scope,
        q,
        Counting {
            tallies: false,
            ..Counting::TALLIED
        },
    )
    .await
}

/// How a summary is counted: from the tallies where they serve, and with
/// or without the trend line.
#[derive(Clone, Copy)]
struct Counting {
    tallies: bool,
    trend: bool,
}

impl Counting {
    const TALLIED: Counting = Counting {
        tallies: true,
        trend: true,
    };
}

async fn summary_with(db: &Db, scope: Scope, q: &SummaryQuery, how: Counting) -> Result<Summary> {
    let kinds = super::criteria::kinds(db).await?;
    let (me, rows, rows_date) = areas(db, scope, q).await?;
    let order: Vec<Kind> = kinds.iter().map(|k| k.kind).collect();
    // The whole country, unscoped: its provinces hold whole communes, whose
    // tallies add up to the same figures as the units one by one.
    let national = how.tallies
        && q.org_unit.is_none()
        && scope.user_id().is_none()
        && (!how.trend || super::tallies::kept(q.year - TREND_YEARS + 1, q.today))
        && super::tallies::kept(q.year, q.today);
    let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
    let tallied = if national {
        super::tallies::by_rows(db, q.year, &ids).await?
    } else {
        None
    };
    let grid = match tallied {
        Some(t) => ids
            .iter()
            .map(|r| {
                order
                    .iter()
                    .map(|k| t.get(&(*r, *k)).copied().unwrap_or_default())
                    .collect()
            })
            .collect(),
        None => by_units(db, scope, q, &kinds, &ids, rows_date).await?,
    };
    let mut totals = vec![Cell::default(); order.len()];
    let out_rows: Vec<SummaryRow> = rows
        .into_iter()
        .zip(grid)
        .map(|(a, cells)| {
            for (t, c) in totals.iter_mut().zip(&cells) {
                t.add(c);
            }
            SummaryRow {
                org_unit_id: a.id,
                name: a.name,
                lat: a.lat,
                lon: a.lon,
                cells,
            }
        })
        .collect();
    let trend = if !how.trend {
        Vec::new()
    } else if national {
        super::tallies::trend(db, q.year - TREND_YEARS + 1..=q.year).await?
    } else {
        trend(db, scope, me.as_ref().map(|m| m.id), q.year).await?
    };
    Ok(Summary {
        trend,
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        year: q.year,
        view: q.view,
        rows_date,
        kinds: order,
        rows: out_rows,
        totals,
    })
}

/// The grid of the summary (a row per area, a cell per kind) counted unit
/// by unit: every area and scope, at the cost of visiting each unit.
async fn by_units(
    db: &Db,
    scope: Scope,
    q: &SummaryQuery,
    kinds: &[KindRules],
    rows: &[i64],
    rows_date: NaiveDate,
) -> Result<Vec<Vec<Cell>>> {
    let first = NaiveDate::from_ymd_opt(q.year - 1, 1, 1).unwrap_or(q.today);
    let last = NaiveDate::from_ymd_opt(q.year, 12, 31).unwrap_or(q.today);
    let mut p = Params::default();
    let y = p.push(Arg::I64(Some(i64::from(q.year))));
    let f = p.push(Arg::Date(Some(first)));
    let l = p.push(Arg::Date(Some(last)));
    let rs = p.list(rows.iter().map(|a| Arg::I64(Some(*a))));
    let existed = existed_sql(kinds, q.year, &mut p);
    let scope_sql = match scope.user_id() {
        None => String::new(),
        Some(u) => {
            let n = p.push(Arg::I64(Some(u)));
            format!("AND {}", crate::scope::unit_in_scope("u.id", &n))
        }
    };
    // One pass: `reached` counts the areas that reach a unit; units one
    // area reaches are grouped away, the others keep their id.
    let from = format!(
        "FROM r
           JOIN org_units u ON u.id = r.unit_id
           LEFT JOIN certification_cases c ON c.org_unit_id = u.id AND c.year = {y}
           LEFT JOIN certification_exemptions e
                  ON e.org_unit_id = u.id AND e.from_year <= {y}
          WHERE u.level IN ('village', 'commune', 'site')
            AND (u.valid_from IS NULL OR u.valid_from <= {l})
            AND (u.valid_to IS NULL OR u.valid_to >= {f})
            {scope_sql}"
    );
    let grouped = grouped_units(
        "row_id, unit_id",
        "r.row_id, CASE WHEN r.reached > 1 THEN u.id END AS unit_id",
        &existed,
        &from,
    );
    let sql = format!(
        "WITH r AS (SELECT ancestor_id AS row_id, unit_id,
                           COUNT(*) OVER (PARTITION BY unit_id) AS reached
                      FROM org_unit_reach WHERE ancestor_id IN ({rs}))
         {grouped}"
    );
    let mut tx = db.begin_read().await?;
    let groups: Vec<Group> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (*a, i)).collect();
    let homes = homes(db, &groups, &row_of, rows_date).await?;
    let order: Vec<Kind> = kinds.iter().map(|k| k.kind).collect();
    let mut grid = vec![vec![Cell::default(); order.len()]; rows.len()];
    for g in &groups {
        let (Some(kind), Some(row)) = (g.units.kind(), row_of.get(&g.row_id)) else {
            continue;
        };
        // A unit two areas reach counts in its home area only.
        if g.unit_id.is_some_and(|u| homes.get(&u) != Some(row)) {
            continue;
        }
        let Some(cell) = order
            .iter()
            .position(|o| *o == kind)
            .and_then(|k| grid.get_mut(*row).and_then(|r| r.get_mut(k)))
        else {
            continue;
        };
        g.units.add_to(cell);
    }
    Ok(grid)
}

/// How many years the trend covers, this one included.
pub const TREND_YEARS: i32 = 5;

/// The cases of the last five years under `under` (everything the scope
/// reaches when none), by year and kind: one GROUP BY over the cases.
async fn trend(db: &Db, scope: Scope, under: Option<i64>, year: i32) -> Result<Vec<YearCount>> {
    let mut p = Params::default();
    let from = p.push(Arg::I64(Some(i64::from(year - TREND_YEARS + 1))));
    let to = p.push(Arg::I64(Some(i64::from(year))));
    let mut w = vec![format!("c.year BETWEEN {from} AND {to}")];
    if let Some(u) = under {
        let n = p.push(Arg::I64(Some(u)));
        w.push(format!(
            "c.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(u) = scope.user_id() {
        let n = p.push(Arg::I64(Some(u)));
        w.push(crate::scope::unit_in_scope("c.org_unit_id", &n));
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        year: i32,
        kind: String,
        registered: i64,
        certified: i64,
    }
    let sql = format!(
        "SELECT c.year, c.kind, COUNT(*) AS registered,
                COALESCE(SUM(CASE WHEN c.state = 'certified' THEN 1 ELSE 0 END), 0) AS certified
           FROM certification_cases c
          WHERE {}
          GROUP BY c.year, c.kind
          ORDER BY c.year, c.kind",
        w.join(" AND ")
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<Row> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(YearCount {
                year: r.year,
                kind: Kind::parse("kind", &r.kind).ok()?,
                registered: r.registered,
                certified: r.certified,
            })
        })
        .collect())
}

fn count_case(cell: &mut Cell, state: Option<&str>, classification: Option<&str>, n: i64) {
    let Some(state) = state else { return };
    cell.registered += n;
    match state {
        "certified" => {
            cell.certified += n;
            match classification {
                Some("xuat_sac") => cell.xuat_sac += n,
                Some("kha") => cell.kha += n,
                Some("trung_binh") => cell.trung_binh += n,
                _ => {}
            }
        }
        "not_certified" => cell.not_certified += n,
        "revoked" => cell.revoked += n,
        _ => cell.in_progress += n,
    }
}

/// The row each unit that two rows reach (a split legacy commune's)
/// belongs to: the row of the unit it maps to on `date`.
async fn homes(
    db: &Db,
    groups: &[Group],
    row_of: &HashMap<i64, usize>,
    date: NaiveDate,
) -> Result<HashMap<i64, usize>> {
    let mut reached: HashMap<i64, Vec<usize>> = HashMap::new();
    for g in groups {
        let Some(unit) = g.unit_id else { continue };
        if let Some(r) = row_of.get(&g.row_id) {
            let v = reached.entry(unit).or_default();
            if !v.contains(r) {
                v.push(*r);
            }
        }
    }
    let mut out = HashMap::with_capacity(reached.len());
    // One read transaction for all of them (a split province's are many).
    let mut tx = db.begin_read().await?;
    for (unit, mut rs) in reached {
        rs.sort_unstable();
        let chosen = match rs.as_slice() {
            [one] => Some(*one),
            _ => crate::models::query::default_row(&mut tx, unit, date, row_of)
                .await?
                .or(rs.first().copied()),
        };
        if let Some(r) = chosen {
            out.insert(unit, r);
        }
    }
    tx.rollback().await?;
    Ok(out)
}

/// The figures the statistics register asks for (`certification.*`): for a
/// commune (or any unit) and the assessment year a period ends in, the
/// eligible and certified units of a kind under it, and for a commune
/// itself whether it was certified (1 or 0).
pub(crate) async fn figures(
    tx: &mut crate::Tx,
    unit: &domain::org_units::OrgUnit,
    last: NaiveDate,
    wanted: &[domain::statistics::computed::Computed],
) -> Result<HashMap<domain::statistics::computed::Computed, f64>> {
    use domain::statistics::computed::{Computed, Tally};
    let year = last.year();
    let kinds = super::criteria::kinds_tx(tx).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        level: String,
        unit_kind: String,
        valid_from: Option<NaiveDate>,
        valid_to: Option<NaiveDate>,
        state: Option<String>,
        classification: Option<String>,
        exempt: bool,
    }
    let rows: Vec<Row> = fetch!(
        tx,
        fetch_all,
        Row,
        "SELECT u.level, u.kind AS unit_kind, u.valid_from, u.valid_to, c.state, c.classification,
                EXISTS (SELECT 1 FROM certification_exemptions e
                         WHERE e.org_unit_id = u.id AND e.from_year <= $2) AS exempt
           FROM org_unit_tree t
           JOIN org_units u ON u.id = t.unit_id
           LEFT JOIN certification_cases c ON c.org_unit_id = u.id AND c.year = $2
          WHERE t.ancestor_id = $1 AND u.level IN ('village', 'commune', 'site')",
        unit.id,
        year
    )?;
    let mut out: HashMap<Computed, f64> = wanted.iter().map(|c| (*c, 0.0)).collect();
    for r in &rows {
        let Some(kind) = Kind::of_codes(&r.level, &r.unit_kind) else {
            continue;
        };
        let Some(rules) = kinds.iter().find(|k| k.kind == kind) else {
            continue;
        };
        let validity = domain::org_units::Validity {
            from: r.valid_from,
            to: r.valid_to,
        };
        let eligible = !r.exempt && rules.existed(year, validity);
        let certified = r.state.as_deref() == Some("certified");
        for c in wanted {
            let Some((k, tally)) = c.certification() else {
                continue;
            };
            if k != kind {
                continue;
            }
            let hit = match tally {
                Tally::Eligible => eligible,
                Tally::Certified => certified,
                Tally::Classified(x) => {
                    certified && r.classification.as_deref() == Some(x.as_str())
                }
            };
            if hit {
                *out.entry(*c).or_default() += 1.0;
            }
        }
    }
    if unit.level != Level::Commune {
        out.retain(|c, _| c.certification().is_none_or(|(k, _)| k != Kind::Commune));
    }
    Ok(out)
}
