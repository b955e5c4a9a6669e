//! The all-people festival for national security (19 August): one record
//! per commune and year with the villages and sites holding it, its
//! participants, budget and activities, a model or collective commended
//! at it; the coverage dashboard (communes and sites holding it, year by
//! year, by area in either view of the 2025 reform); and the figure the
//! monthly report computes from it (`diem_ngay_hoi`: sites holding it).
//!
//! Who sees a festival: the scopes reaching its commune. Who records one:
//! the scope of its commune.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use domain::events::NewFestival;
use domain::Reason;
use serde::Serialize;

use super::{invalid, record};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::forces::summary::{mapping, row_list};
use crate::org_units::areas::{areas_on, Area, View};
use crate::scope::{may_write_at, unit_in_scope};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// A festival as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct FestivalRow {
    pub id: i64,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub year: i32,
    pub held_on: NaiveDate,
    /// Villages and sites holding it.
    pub sites: i64,
    pub participants: Option<i64>,
    /// In đồng.
    pub budget: Option<i64>,
    pub activities: Option<String>,
    pub commended_model_id: Option<i64>,
    pub commended_model_name: Option<String>,
    pub commended: Option<String>,
    /// The sites' names, joined.
    #[sqlx(skip)]
    pub site_names: Vec<String>,
}

const SELECT_FESTIVAL: &str = "SELECT f.id, f.org_unit_id, u.name AS org_unit_name, f.year,
        f.held_on, f.sites, f.participants, f.budget, f.activities, f.commended_model_id,
        m.name AS commended_model_name, f.commended
   FROM festivals f
   JOIN org_units u ON u.id = f.org_unit_id
   LEFT JOIN models m ON m.id = f.commended_model_id";

fn scope_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            unit_in_scope("f.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

async fn with_sites(tx: &mut Tx, mut rows: Vec<FestivalRow>) -> Result<Vec<FestivalRow>> {
    if rows.is_empty() {
        return Ok(rows);
    }
    #[derive(sqlx::FromRow)]
    struct Site {
        festival_id: i64,
        name: String,
    }
    let mut p = Params::default();
    let list = p.list(rows.iter().map(|r| Arg::I64(Some(r.id))));
    let sql = format!(
        "SELECT s.festival_id, u.name FROM festival_sites s JOIN org_units u ON u.id = s.org_unit_id
          WHERE s.festival_id IN ({list}) ORDER BY u.sort_key"
    );
    let sites: Vec<Site> = fetch_all_dyn(tx, &sql, p.args).await?;
    for r in &mut rows {
        r.site_names = sites
            .iter()
            .filter(|s| s.festival_id == r.id)
            .map(|s| s.name.clone())
            .collect();
    }
    Ok(rows)
}

/// A festival the scope sees.
pub async fn read(db: &Db, scope: Scope, id: i64) -> Result<FestivalRow> {
    let mut tx = db.begin_read().await?;
    let r = read_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    r
}

async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<FestivalRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_FESTIVAL} WHERE f.id = {n} AND {}",
        scope_cond(scope, &mut p)
    );
    let rows: Vec<FestivalRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    with_sites(tx, rows)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// The commune (of the scope, existing on the day), its sites (below it,
/// existing on the day), the model commended (in its area).
async fn check(tx: &mut Tx, scope: Scope, f: &NewFestival) -> Result<i64> {
    use domain::org_units::Level;
    may_write_at(tx, scope, Some(f.org_unit_id)).await?;
    let u = crate::scope::unit(tx, scope, f.org_unit_id).await?;
    if u.level != Level::Commune || !u.validity().contains(f.held_on) {
        return Err(invalid("org_unit_id", Reason::FestivalUnitInvalid));
    }
    let mut p = Params::default();
    let commune = p.push(Arg::I64(Some(f.org_unit_id)));
    let day = p.push(Arg::Date(Some(f.held_on)));
    let list = p.list(f.sites.iter().map(|s| Arg::I64(Some(*s))));
    let sql = format!(
        "SELECT COUNT(*) FROM org_unit_tree t JOIN org_units u ON u.id = t.unit_id
          WHERE t.ancestor_id = {commune} AND t.unit_id <> {commune} AND t.unit_id IN ({list})
            AND (u.valid_from IS NULL OR u.valid_from <= {day})
            AND (u.valid_to IS NULL OR u.valid_to >= {day})"
    );
    let found = fetch_dyn!(tx, fetch_one, scalar i64, &sql, p.args)?;
    if usize::try_from(found).ok() != Some(f.sites.len()) {
        return Err(invalid("sites", Reason::FestivalSitesOutside));
    }
    if let Some(m) = f.commended_model_id {
        let inside: Option<i32> = fetch!(
            tx,
            fetch_optional,
            scalar i32,
            "SELECT 1 FROM models m JOIN org_unit_reach r ON r.unit_id = m.org_unit_id
              WHERE m.id = $1 AND r.ancestor_id = $2",
            m,
            f.org_unit_id
        )?;
        if inside.is_none() {
            return Err(invalid(
                "commended_model_id",
                Reason::ModelOutsideProgramArea,
            ));
        }
    }
    crate::forces::province_of(tx, f.org_unit_id)
        .await?
        .ok_or_else(|| invalid("org_unit_id", Reason::FestivalUnitInvalid))
}

/// Records a commune's festival of a year (one a year: 409 for a second);
/// audited.
pub async fn create(db: &Db, author: Author, scope: Scope, f: &NewFestival) -> Result<FestivalRow> {
    let mut tx = db.begin().await?;
    let province = check(&mut tx, scope, f).await?;
    let taken: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM festivals WHERE org_unit_id = $1 AND year = $2",
        f.org_unit_id,
        f.year
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::FestivalTaken { year: f.year }));
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO festivals (org_unit_id, province_id, year, held_on, sites, participants,
            budget, activities, commended_model_id, commended, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        f.org_unit_id,
        province,
        f.year,
        f.held_on,
        i64::try_from(f.sites.len()).unwrap_or(i64::MAX),
        f.participants,
        f.budget,
        f.activities.as_deref(),
        f.commended_model_id,
        f.commended.as_deref(),
        author.user_id(),
        now
    )?;
    for s in &f.sites {
        execute!(
            tx,
            "INSERT INTO festival_sites (festival_id, org_unit_id) VALUES ($1, $2)",
            id,
            *s
        )?;
    }
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "create", "festival", id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// The festivals of a year (or every year) under a unit, by commune; and
/// how many.
pub async fn list(
    db: &Db,
    scope: Scope,
    org_unit: Option<i64>,
    year: Option<i32>,
    page: domain::page::Page,
) -> Result<(Vec<FestivalRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let cond = |p: &mut Params| {
        let mut c = vec![scope_cond(scope, p)];
        if let Some(u) = org_unit {
            let n = p.push(Arg::I64(Some(u)));
            c.push(format!(
                "f.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
            ));
        }
        if let Some(y) = year {
            let n = p.push(Arg::I64(Some(i64::from(y))));
            c.push(format!("f.year = {n}"));
        }
        c.join(" AND ")
    };
    let mut p = Params::default();
    let where_ = cond(&mut p);
    let lim = p.push(Arg::I64(Some(page.limit())));
    let off = p.push(Arg::I64(Some(page.offset())));
    let sql = format!(
        "{SELECT_FESTIVAL} WHERE {where_} ORDER BY f.year DESC, u.sort_key LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<FestivalRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let rows = with_sites(&mut tx, rows).await?;
    let mut c = Params::default();
    let sql = format!("SELECT COUNT(*) FROM festivals f WHERE {}", cond(&mut c));
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// One area's festival in one year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageCell {
    pub year: i32,
    /// Communes holding it.
    pub communes: i64,
    /// Villages and sites holding it.
    pub sites: i64,
    pub participants: i64,
}

/// An area's row: its communes and villages today (or on the last year's
/// festival day, as it was), and its festivals year by year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub org_unit_id: i64,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub communes_total: i64,
    pub villages_total: i64,
    pub years: Vec<CoverageCell>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub from_year: i32,
    pub to_year: i32,
    #[schema(value_type = String)]
    pub view: View,
    pub rows: Vec<CoverageRow>,
    pub totals: CoverageRow,
}

#[derive(sqlx::FromRow)]
struct Group {
    row_id: Option<i64>,
    shared_unit: Option<i64>,
    year: i32,
    communes: i64,
    sites: i64,
    participants: i64,
}

#[derive(sqlx::FromRow)]
struct Count {
    row_id: Option<i64>,
    shared_unit: Option<i64>,
    level: String,
    n: i64,
}

/// The coverage of `org_unit`'s parts (the provinces, or the scope's
/// units, when none) from `from_year` to `to_year` (the caller checked
/// the unit is in the scope). Denominators are the communes and villages
/// of each area on the day the rows stand for (today, as it is now; the
/// last year's festival day, as it was).
pub async fn coverage(
    db: &Db,
    scope: Scope,
    org_unit: Option<i64>,
    (from_year, to_year): (i32, i32),
    view: View,
    today: NaiveDate,
) -> Result<Coverage> {
    let date = match view {
        View::Now => today,
        View::Was => domain::events::festival_day(to_year).unwrap_or(today),
    };
    let (me, rows, rows_date) = areas_on(db, scope, org_unit, date, view).await?;
    let national = org_unit.is_none() && scope.user_id().is_none();
    let mut tx = db.begin_read().await?;
    let groups: Vec<Group> = {
        let mut p = Params::default();
        let from = p.push(Arg::I64(Some(i64::from(from_year))));
        let to = p.push(Arg::I64(Some(i64::from(to_year))));
        let (join, row, shared) = if national && view == View::Now {
            (
                String::new(),
                "f.province_id".to_string(),
                "NULL".to_string(),
            )
        } else {
            let r = row_list(&rows, &mut p);
            let m = mapping(view, national, "f.org_unit_id", &r);
            (m.join(), m.row, m.shared)
        };
        let sql = format!(
            "SELECT {row} AS row_id, {shared} AS shared_unit, f.year, COUNT(*) AS communes,
                    CAST(SUM(f.sites) AS BIGINT) AS sites,
                    CAST(COALESCE(SUM(f.participants), 0) AS BIGINT) AS participants
               FROM festivals f {join}
              WHERE f.year >= {from} AND f.year <= {to}
              GROUP BY 1, 2, 3"
        );
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    };
    let counts: Vec<Count> = {
        let mut p = Params::default();
        let d = p.push(Arg::Date(Some(rows_date)));
        let (join, row, shared) = if national && view == View::Now {
            (
                "JOIN org_unit_tree a ON a.unit_id = u.id
                 JOIN org_units pr ON pr.id = a.ancestor_id AND pr.level = 'province'"
                    .to_string(),
                "a.ancestor_id".to_string(),
                "NULL".to_string(),
            )
        } else {
            let r = row_list(&rows, &mut p);
            let m = mapping(view, national, "u.id", &r);
            (m.join(), m.row, m.shared)
        };
        let sql = format!(
            "SELECT {row} AS row_id, {shared} AS shared_unit, u.level, COUNT(*) AS n
               FROM org_units u {join}
              WHERE u.level IN ('commune', 'village')
                AND (u.valid_from IS NULL OR u.valid_from <= {d})
                AND (u.valid_to IS NULL OR u.valid_to >= {d})
              GROUP BY 1, 2, 3"
        );
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    };
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let years: Vec<i32> = (from_year..=to_year).collect();
    let blank = |a: &Area| CoverageRow {
        org_unit_id: a.id,
        name: a.name.clone(),
        lat: a.lat,
        lon: a.lon,
        communes_total: 0,
        villages_total: 0,
        years: years
            .iter()
            .map(|y| CoverageCell {
                year: *y,
                ..Default::default()
            })
            .collect(),
    };
    let mut out: Vec<CoverageRow> = rows.iter().map(blank).collect();
    for g in &groups {
        let i = match g.shared_unit {
            Some(u) => crate::models::query::default_row(&mut tx, u, rows_date, &row_of).await?,
            None => g.row_id.and_then(|r| row_of.get(&r).copied()),
        };
        let cell = i
            .and_then(|i| out.get_mut(i))
            .and_then(|r| r.years.iter_mut().find(|c| c.year == g.year));
        if let Some(c) = cell {
            c.communes += g.communes;
            c.sites += g.sites;
            c.participants += g.participants;
        }
    }
    for c in &counts {
        let i = match c.shared_unit {
            Some(u) => crate::models::query::default_row(&mut tx, u, rows_date, &row_of).await?,
            None => c.row_id.and_then(|r| row_of.get(&r).copied()),
        };
        if let Some(r) = i.and_then(|i| out.get_mut(i)) {
            match c.level.as_str() {
                "commune" => r.communes_total += c.n,
                _ => r.villages_total += c.n,
            }
        }
    }
    tx.rollback().await?;
    let mut totals = CoverageRow {
        org_unit_id: me.as_ref().map_or(0, |m| m.id),
        name: me.as_ref().map(|m| m.name.clone()).unwrap_or_default(),
        lat: None,
        lon: None,
        communes_total: 0,
        villages_total: 0,
        years: years
            .iter()
            .map(|y| CoverageCell {
                year: *y,
                ..Default::default()
            })
            .collect(),
    };
    for r in &out {
        totals.communes_total += r.communes_total;
        totals.villages_total += r.villages_total;
        for (t, c) in totals.years.iter_mut().zip(&r.years) {
            t.communes += c.communes;
            t.sites += c.sites;
            t.participants += c.participants;
        }
    }
    Ok(Coverage {
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        from_year,
        to_year,
        view,
        rows: out,
        totals,
    })
}

/// The figure the festival register offers to statistics for one
/// entering unit over the days `first..=last`: villages and sites holding
/// a festival on a day of them, counted at the commune's *home*, as the
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
    struct Held {
        home: i64,
        held_on: NaiveDate,
        sites: i64,
    }
    let rows: Vec<Held> = fetch!(
        tx,
        fetch_all,
        Held,
        "SELECT a.id AS home, f.held_on, f.sites
           FROM org_unit_reach h
           JOIN org_units a ON a.id = h.unit_id AND a.level = $4
           JOIN org_unit_tree t ON t.ancestor_id = a.id
           JOIN festivals f ON f.org_unit_id = t.unit_id
          WHERE h.ancestor_id = $1 AND f.held_on >= $2 AND f.held_on <= $3",
        unit.id,
        from,
        to,
        unit.level.as_str()
    )?;
    let mut homes = crate::org_units::Homes::default();
    let mut sites = 0.0;
    for r in &rows {
        if homes.on(tx, r.home, r.held_on).await? == Some(unit.id) {
            sites += r.sites as f64;
        }
    }
    Ok(wanted
        .iter()
        .filter(|c| **c == Computed::FestivalSites)
        .map(|c| (*c, sites))
        .collect())
}
