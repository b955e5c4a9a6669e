//! Reading many models at once: the filtered list (and its export), and
//! the matrix of active models by area and field on any day, which the
//! map draws too.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use domain::models::{ModelTypeId, Rating, Sector, Status};
use domain::page::Page;
use domain::text::fold;
use domain::vocabulary::Vocabulary;
use serde::Serialize;

use super::{select_rows, user_scope_clause, ModelRow};
use crate::accounts::Scope;
use crate::error::{Result, StoreError};
use crate::org_units;
use crate::{Arg, Db, Params};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Newest first (the default: the index answers it without sorting).
    #[default]
    Newest,
    Name,
    Founded,
    FoundedDesc,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "newest" => Sort::Newest,
            "name" => Sort::Name,
            "founded_on" => Sort::Founded,
            "-founded_on" => Sort::FoundedDesc,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Name => "name",
            Sort::Founded => "founded_on",
            Sort::FoundedDesc => "-founded_on",
        }
    }

    fn order(self) -> &'static str {
        match self {
            Sort::Newest => "m.id DESC",
            Sort::Name => "m.sort_key, m.id",
            Sort::Founded => "m.founded_on, m.id",
            Sort::FoundedDesc => "m.founded_on DESC, m.id DESC",
        }
    }

    /// The columns `order` reads besides the id.
    fn keys(self) -> &'static str {
        match self {
            Sort::Newest => "",
            Sort::Name => ", m.sort_key",
            Sort::Founded | Sort::FoundedDesc => ", m.founded_on",
        }
    }
}

/// Filters of the model list. All combine; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ModelQuery {
    pub type_id: Option<ModelTypeId>,
    pub sector: Option<Sector>,
    /// Models at this unit or anything it covers, across the 2025 mapping.
    pub org_unit: Option<i64>,
    /// Models as they stood on this day: founded by then, with the status
    /// and the rating of that day.
    pub as_of: Option<NaiveDate>,
    pub status: Option<Status>,
    pub rating: Option<Rating>,
    pub exemplar: Option<bool>,
    pub founded_from: Option<NaiveDate>,
    pub founded_to: Option<NaiveDate>,
    /// Models with no rating for this year (the home page's "to rate").
    pub unrated_in: Option<i32>,
    /// Words of the name, matched without case or diacritics.
    pub q: Option<String>,
    pub sort: Sort,
    pub page: Page,
}

/// The status change of model `m` in force on day `{n}`: one row, found
/// by its interval.
fn in_force(n: &str) -> String {
    format!("c.model_id = m.id AND c.on_date <= {n} AND (c.ends_on IS NULL OR c.ends_on > {n})")
}

/// SQL for "the status of model `m` on day `{n}`" (for the page's rows).
fn status_on(n: &str) -> String {
    format!(
        "(SELECT c.status FROM model_status_changes c WHERE {})",
        in_force(n)
    )
}

fn since_on(n: &str) -> String {
    format!(
        "(SELECT c.on_date FROM model_status_changes c WHERE {})",
        in_force(n)
    )
}

/// SQL for "model `m` had status `{v}` on day `{n}`" (for filters): its
/// change in force that day, found and tested inside
/// `model_status_changes_in_force`. (An index led by the status, to read a
/// rare status's models once as a set, was tried: a province's paused
/// models 35 to 24 ms, but the import paid for it, and SQLite without
/// statistics used it for "active" model by model: 40 s for a matrix.)
fn had_status(n: &str, v: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM model_status_changes c WHERE {} AND c.status = {v})",
        in_force(n)
    )
}

/// SQL for "model `m` was rated so in year `{y}`": the year's ratings
/// (23,000 at national size) are read once into a set, rather than looked
/// up model by model (a province's 15,000 models: 30 ms to 13 ms on SQLite;
/// its exemplars, from an index of them alone: 28 ms to 4 ms).
fn rated(y: &str, test: &str) -> String {
    format!("m.id IN (SELECT r.model_id FROM model_ratings r WHERE r.year = {y} AND {test})")
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Whether a place or a user's scope bounds the list.
fn placed(q: &ModelQuery, scope: Scope) -> bool {
    q.org_unit.is_some() || scope.user_id().is_some()
}

/// What the list's search reads first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Models,
    /// SQLite, a text searched across the country: the narrow `model_names`
    /// newest first, each match's model then read by id (a rare text in
    /// 300,000 names: 48 ms to 27 ms; a common one stops at the cap).
    Names,
}

impl Source {
    fn of(q: &ModelQuery, scope: Scope, pg: bool) -> Self {
        let text = q.q.as_deref().is_some_and(|t| !fold(t).is_empty());
        if text && !pg && !placed(q, scope) {
            Source::Names
        } else {
            Source::Models
        }
    }

    /// The FROM of the search. `CROSS JOIN` keeps SQLite's join order: the
    /// names drive.
    fn from(self) -> &'static str {
        match self {
            Source::Models => "models m",
            Source::Names => "model_names n CROSS JOIN models m ON m.id = n.id",
        }
    }

    /// The folded name the text is matched against.
    fn name_column(self) -> &'static str {
        match self {
            Source::Models => "m.name_folded",
            Source::Names => "n.name_folded",
        }
    }

    /// The search's order: newest first by the names' own ids, so that
    /// SQLite walks them in order and stops at the cap.
    fn order(self, sort: Sort) -> &'static str {
        match (self, sort) {
            (Source::Names, Sort::Newest) => "n.id DESC",
            _ => sort.order(),
        }
    }
}

/// The list's conditions. On SQLite, when a place or a user's scope bounds
/// the list, the other columns are written `+m.status` (the same test, but
/// no index on it), so that the place drives: `models_place` holds every
/// filtered column of a place's models. With a `LIMIT`, SQLite otherwise
/// walks a national status, field or date index in list order hoping to
/// meet the place's models early, and a province holds 5% of them (370 ms
/// instead of 70 ms for a province's active models, before `models_place`).
/// PostgreSQL's planner weighs the place itself.
fn filter(q: &ModelQuery, scope: Scope, source: Source, pg: bool, p: &mut Params) -> String {
    let steer = if placed(q, scope) && !pg { "+" } else { "" };
    let mut c: Vec<String> = Vec::new();
    if let Some(t) = q.type_id {
        c.push(format!("{steer}m.type_id = {}", p.push(Arg::I64(Some(t)))));
    }
    if let Some(s) = q.sector {
        c.push(format!(
            "{steer}m.sector = {}",
            p.push(Arg::Text(Some(s.as_str().into())))
        ));
    }
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "m.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    let day = q.as_of.map(|d| (p.push(Arg::Date(Some(d))), d.year()));
    if let Some((n, _)) = &day {
        c.push(format!("{steer}m.founded_on <= {n}"));
    }
    if let Some(s) = q.status {
        let v = p.push(Arg::Text(Some(s.as_str().into())));
        match &day {
            Some((n, _)) => c.push(had_status(n, &v)),
            None => c.push(format!("{steer}m.status = {v}")),
        }
    }
    let year = day.as_ref().map(|(_, y)| i64::from(*y));
    if let Some(r) = q.rating {
        let v = p.push(Arg::Text(Some(r.as_str().into())));
        match year {
            Some(y) => c.push(rated(
                &p.push(Arg::I64(Some(y))),
                &format!("r.rating = {v}"),
            )),
            None => c.push(format!("{steer}m.last_rating = {v}")),
        }
    }
    if let Some(e) = q.exemplar {
        let cond = match year {
            Some(y) => rated(&p.push(Arg::I64(Some(y))), "r.exemplar"),
            None => "m.last_exemplar".into(),
        };
        c.push(if e { cond } else { format!("NOT ({cond})") });
    }
    if let Some(d) = q.founded_from {
        c.push(format!(
            "{steer}m.founded_on >= {}",
            p.push(Arg::Date(Some(d)))
        ));
    }
    if let Some(d) = q.founded_to {
        c.push(format!(
            "{steer}m.founded_on <= {}",
            p.push(Arg::Date(Some(d)))
        ));
    }
    if let Some(y) = q.unrated_in {
        let n = p.push(Arg::I64(Some(i64::from(y))));
        c.push(format!("COALESCE(m.last_rating_year, 0) <> {n}"));
    }
    if let Some(text) = q.q.as_deref().map(fold).filter(|t| !t.is_empty()) {
        let v = p.push(Arg::Text(Some(format!("%{}%", like_escape(&text)))));
        c.push(format!("{} LIKE {v} ESCAPE '\\'", source.name_column()));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(user_scope_clause(&n));
    }
    if c.is_empty() {
        "1 = 1".into()
    } else {
        c.join(" AND ")
    }
}

/// The status columns of a list: as of its day, or today's.
fn status_columns(q: &ModelQuery, p: &mut Params) -> (String, String) {
    match q.as_of {
        Some(d) => {
            let n = p.push(Arg::Date(Some(d)));
            (status_on(&n), since_on(&n))
        }
        None => ("m.status".into(), "m.status_since".into()),
    }
}

/// The most a list counts; a total above it means "more than this".
pub const COUNT_CAP: i64 = 1_000;

/// A page of models and the number that match, up to `COUNT_CAP + 1`.
///
/// One pass finds the matches: their ids in list order, up to the cap (or
/// to the end of the page asked for, if further), which gives the page and
/// the count together. Counting in a second query read every candidate of
/// a selective filter twice (a province's 15,000 models for a few hundred
/// paused ones). (A window `COUNT(*) OVER ()` returning only the page was
/// tried and measured: PostgreSQL sorted the capped matches twice, its
/// list p95 rose from 68 to 246 ms; see docs/benchmarks.md.)
pub async fn list(db: &Db, scope: Scope, q: &ModelQuery) -> Result<(Vec<ModelRow>, i64)> {
    let mut p = Params::default();
    let pg = db.is_postgres();
    let source = Source::of(q, scope, pg);
    let where_ = filter(q, scope, source, pg, &mut p);
    let order = q.sort.order();
    let (offset, limit) = (q.page.offset(), q.page.limit());
    let upto = COUNT_CAP.max(offset + limit) + 1;
    let ids = matching_ids(db, source, &where_, q.sort, upto, p.to_vec()).await?;
    let total = ids.len() as i64;
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(ids.len());
    let end = usize::try_from(offset + limit)
        .unwrap_or(usize::MAX)
        .min(ids.len());
    let page = ids.get(start..end).unwrap_or_default();
    if page.is_empty() {
        return Ok((Vec::new(), total));
    }
    let mut p = Params::default();
    let (status, since) = status_columns(q, &mut p);
    let reader = p.push(Arg::I64(scope.user_id()));
    let list: Vec<String> = page.iter().map(|id| p.push(Arg::I64(Some(*id)))).collect();
    let sql = format!(
        "{} WHERE m.id IN ({}) ORDER BY {order}",
        select_rows(&status, &since, &reader),
        list.join(", ")
    );
    let rows: Vec<ModelRow> = fetch_dyn!(db, fetch_all, ModelRow, &sql, p.args)?;
    Ok((rows, total))
}

/// The ids of the first `upto` matches in list order, read as one text:
/// rows cross the database driver one by one, and thousands of ids cost
/// the SQLite list more than finding them (as the pivot's packed reads).
async fn matching_ids(
    db: &Db,
    source: Source,
    where_: &str,
    sort: Sort,
    upto: i64,
    args: Vec<Arg>,
) -> Result<Vec<i64>> {
    let (order, keys) = (source.order(sort), sort.keys());
    let outer = sort.order().replace("m.", "s.");
    let from = source.from();
    let ids = if db.is_postgres() {
        format!("string_agg(CAST(s.id AS TEXT), ',' ORDER BY {outer})")
    } else {
        format!("group_concat(s.id, ',' ORDER BY {outer})")
    };
    let sql = format!(
        "SELECT {ids} FROM (SELECT m.id{keys} FROM {from} WHERE {where_} ORDER BY {order} LIMIT {upto}) s"
    );
    let packed: Option<String> = fetch_dyn!(db, fetch_one, scalar Option<String>, &sql, args)?;
    packed
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|id| !id.is_empty())
        .map(|id| {
            id.parse()
                .map_err(|_| StoreError::Data(format!("models: mã «{id}» không đọc được")))
        })
        .collect()
}

/// The most rows a file export holds.
pub const MAX_EXPORT: i64 = 500_000;

/// Every model that matches (up to [`MAX_EXPORT`]), for a file.
pub async fn export(db: &Db, scope: Scope, q: &ModelQuery) -> Result<Vec<ModelRow>> {
    let mut p = Params::default();
    let where_ = filter(q, scope, Source::Models, db.is_postgres(), &mut p);
    let (status, since) = status_columns(q, &mut p);
    let reader = p.push(Arg::I64(scope.user_id()));
    let limit = p.push(Arg::I64(Some(MAX_EXPORT)));
    let sql = format!(
        "{} WHERE {where_} ORDER BY {} LIMIT {limit}",
        select_rows(&status, &since, &reader),
        q.sort.order()
    );
    Ok(fetch_dyn!(db, fetch_all, ModelRow, &sql, p.args)?)
}

// ---- matrix ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MatrixColumns {
    #[default]
    Sector,
    Type,
}

#[derive(Debug, Clone)]
pub struct MatrixQuery {
    /// The area whose parts are the rows; `None`: the provinces (or the
    /// scope's units, for a scoped user).
    pub org_unit: Option<i64>,
    pub date: NaiveDate,
    pub columns: MatrixColumns,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatrixColumn {
    /// The sector code or the type id, as the list's filter takes it.
    pub key: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatrixRow {
    pub org_unit_id: i64,
    pub name: String,
    /// The row for models at the chosen unit itself, not in any part.
    pub direct: bool,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub cells: Vec<i64>,
    pub total: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Matrix {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub date: NaiveDate,
    /// The day whose hierarchy gives the rows (the chosen day, or the
    /// nearest day the chosen unit existed).
    pub rows_date: NaiveDate,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    pub totals: Vec<i64>,
    pub total: i64,
}

#[derive(sqlx::FromRow)]
struct Area {
    id: i64,
    name: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

const VALID_ON: &str =
    "(u.valid_from IS NULL OR u.valid_from <= $1) AND (u.valid_to IS NULL OR u.valid_to >= $1)";

/// The rows of a matrix and the day of the hierarchy they come from.
async fn areas(
    db: &Db,
    scope: Scope,
    q: &MatrixQuery,
) -> Result<(Option<Area>, Vec<Area>, NaiveDate)> {
    let Some(id) = q.org_unit else {
        let rows: Vec<Area> = match scope.user_id() {
            None => fetch!(
                db,
                fetch_all,
                Area,
                &format!("SELECT u.id, u.name, u.lat, u.lon FROM org_units u
                          WHERE u.level = 'province' AND {VALID_ON} ORDER BY u.sort_key"),
                q.date
            )?,
            Some(user) => fetch!(
                db,
                fetch_all,
                Area,
                "SELECT u.id, u.name, u.lat, u.lon FROM user_scopes s JOIN org_units u ON u.id = s.org_unit_id
                 WHERE s.user_id = $1 ORDER BY u.sort_key",
                user
            )?,
        };
        return Ok((None, rows, q.date));
    };
    let unit = org_units::get(db, scope, id)
        .await?
        .ok_or(StoreError::NotFound)?
        .unit;
    let rows_date = match (unit.valid_from, unit.valid_to) {
        (Some(f), _) if q.date < f => f,
        (_, Some(t)) if q.date > t => t,
        _ => q.date,
    };
    let rows: Vec<Area> = fetch!(
        db,
        fetch_all,
        Area,
        &format!(
            "SELECT u.id, u.name, u.lat, u.lon FROM org_units u WHERE u.parent_id = $2 AND {VALID_ON}
             ORDER BY u.sort_key, u.id"
        ),
        rows_date,
        id
    )?;
    let me = Area {
        id: unit.id,
        name: unit.name,
        lat: unit.lat,
        lon: unit.lon,
    };
    Ok((Some(me), rows, rows_date))
}

#[derive(sqlx::FromRow)]
struct Count {
    unit_id: i64,
    sector: String,
    type_id: i64,
    n: i64,
}

/// Active models on `q.date` by area and column. Each model is counted
/// once: a legacy commune split in 2025 counts under its default successor.
pub async fn matrix(db: &Db, scope: Scope, q: &MatrixQuery) -> Result<Matrix> {
    let q = &default_unit(db, scope, q).await?;
    let (me, rows, rows_date) = areas(db, scope, q).await?;
    let counts = active_counts(db, scope, q, me.as_ref().map(|m| m.id), &rows).await?;
    let home = homes(db, &rows, &counts, rows_date).await?;
    let columns = columns(db, q.columns, q.org_unit, &counts).await?;
    let col_of: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    let width = columns.len();
    let mut grid: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
    let direct_row = rows.len();
    for c in &counts {
        let key = match q.columns {
            MatrixColumns::Sector => c.sector.clone(),
            MatrixColumns::Type => c.type_id.to_string(),
        };
        let (Some(&col), Some(&row)) = (
            col_of.get(key.as_str()),
            Some(home.get(&c.unit_id).unwrap_or(&direct_row)),
        ) else {
            continue;
        };
        if let Some(cell) = grid
            .entry(row)
            .or_insert_with(|| vec![0; width])
            .get_mut(col)
        {
            *cell += c.n;
        }
    }
    let coords = centroids(db, &rows).await?;
    let mut out_rows = Vec::with_capacity(rows.len() + 1);
    for (i, a) in rows.iter().enumerate() {
        let cells = grid.remove(&i).unwrap_or_else(|| vec![0; width]);
        let (lat, lon) = match (a.lat, a.lon) {
            (Some(la), Some(lo)) => (Some(la), Some(lo)),
            _ => coords
                .get(&a.id)
                .map_or((None, None), |c| (Some(c.0), Some(c.1))),
        };
        out_rows.push(MatrixRow {
            org_unit_id: a.id,
            name: a.name.clone(),
            direct: false,
            lat,
            lon,
            total: cells.iter().sum(),
            cells,
        });
    }
    if let (Some(cells), Some(me)) = (grid.remove(&direct_row), me.as_ref()) {
        out_rows.push(MatrixRow {
            org_unit_id: me.id,
            name: me.name.clone(),
            direct: true,
            lat: me.lat,
            lon: me.lon,
            total: cells.iter().sum(),
            cells,
        });
    }
    let totals: Vec<i64> = (0..width)
        .map(|i| out_rows.iter().filter_map(|r| r.cells.get(i)).sum())
        .collect();
    Ok(Matrix {
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        date: q.date,
        rows_date,
        total: totals.iter().sum(),
        columns,
        rows: out_rows,
        totals,
    })
}

/// A user whose scope is one unit sees that unit's parts by default.
async fn default_unit(db: &Db, scope: Scope, q: &MatrixQuery) -> Result<MatrixQuery> {
    let mut q = q.clone();
    if let (None, Some(user)) = (q.org_unit, scope.user_id()) {
        let units: Vec<i64> = fetch!(
            db,
            fetch_all,
            scalar i64,
            "SELECT org_unit_id FROM user_scopes WHERE user_id = $1",
            user
        )?;
        if let [only] = units.as_slice() {
            q.org_unit = Some(*only);
        }
    }
    Ok(q)
}

/// Active models on the day by unit, sector and type, under the chosen
/// unit (or the rows, when none was chosen), within the scope.
async fn active_counts(
    db: &Db,
    scope: Scope,
    q: &MatrixQuery,
    unit: Option<i64>,
    rows: &[Area],
) -> Result<Vec<Count>> {
    let mut p = Params::default();
    let day = p.push(Arg::Date(Some(q.date)));
    let mut c = vec![format!("m.founded_on <= {day}")];
    // Today the stored status is the status of the day: no subquery.
    if q.date >= domain::time::today() {
        c.push("m.status = 'active'".into());
    } else {
        c.push(had_status(&day, "'active'"));
    }
    match unit {
        Some(u) => {
            let n = p.push(Arg::I64(Some(u)));
            c.push(format!(
                "m.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
            ));
        }
        None => {
            let ids: Vec<String> = rows.iter().map(|a| p.push(Arg::I64(Some(a.id)))).collect();
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            c.push(format!(
                "m.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id IN ({}))",
                ids.join(", ")
            ));
        }
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(user_scope_clause(&n));
    }
    let sql = format!(
        "SELECT m.org_unit_id AS unit_id, m.sector, m.type_id, COUNT(*) AS n FROM models m
         WHERE {} GROUP BY m.org_unit_id, m.sector, m.type_id",
        c.join(" AND ")
    );
    Ok(fetch_dyn!(db, fetch_all, Count, &sql, p.args)?)
}

/// The row each counted unit belongs to. A unit reached by two rows (a
/// legacy commune split between two 2025 communes) goes to the row of its
/// default successor.
async fn homes(
    db: &Db,
    rows: &[Area],
    counts: &[Count],
    rows_date: NaiveDate,
) -> Result<HashMap<i64, usize>> {
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut units: Vec<i64> = counts.iter().map(|c| c.unit_id).collect();
    units.sort_unstable();
    units.dedup();
    let mut reached: HashMap<i64, Vec<usize>> = HashMap::new();
    #[derive(sqlx::FromRow)]
    struct Pair {
        ancestor_id: i64,
        unit_id: i64,
    }
    for chunk in units.chunks(1000) {
        if rows.is_empty() {
            break;
        }
        let mut p = Params::default();
        let us: Vec<String> = chunk.iter().map(|u| p.push(Arg::I64(Some(*u)))).collect();
        let rs: Vec<String> = rows.iter().map(|a| p.push(Arg::I64(Some(a.id)))).collect();
        let sql = format!(
            "SELECT ancestor_id, unit_id FROM org_unit_reach WHERE unit_id IN ({}) AND ancestor_id IN ({})",
            us.join(", "),
            rs.join(", ")
        );
        let pairs: Vec<Pair> = fetch_dyn!(db, fetch_all, Pair, &sql, p.args)?;
        for pr in pairs {
            if let Some(&r) = row_of.get(&pr.ancestor_id) {
                reached.entry(pr.unit_id).or_default().push(r);
            }
        }
    }
    let mut out = HashMap::with_capacity(reached.len());
    // One read transaction for every unit two rows reach: a split
    // province has many, each a few small queries.
    let mut tx = db.begin_read().await?;
    for (unit, mut rs) in reached {
        rs.sort_unstable();
        let first = rs.first().copied();
        let chosen = if rs.len() > 1 {
            default_row(&mut tx, unit, rows_date, &row_of)
                .await?
                .or(first)
        } else {
            first
        };
        if let Some(r) = chosen {
            out.insert(unit, r);
        }
    }
    tx.rollback().await?;
    Ok(out)
}

/// The row that holds the unit `unit` maps to on `date`, walking up from it.
pub(crate) async fn default_row(
    tx: &mut crate::Tx,
    unit: i64,
    date: NaiveDate,
    row_of: &HashMap<i64, usize>,
) -> Result<Option<usize>> {
    let Some(target) = org_units::mapped_to_tx(tx, unit, date).await? else {
        return Ok(None);
    };
    let ancestors: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT ancestor_id FROM org_unit_tree WHERE unit_id = $1 ORDER BY depth",
        target.id
    )?;
    Ok(ancestors.iter().find_map(|a| row_of.get(a).copied()))
}

/// The columns: the fields in use there in catalogue order, or the types in use
/// there (national ones, and those of the area's province) and any type
/// that counts (a retired one, another province's).
async fn columns(
    db: &Db,
    kind: MatrixColumns,
    area: Option<i64>,
    counts: &[Count],
) -> Result<Vec<MatrixColumn>> {
    let provinces = match area {
        Some(unit) => {
            let mut tx = db.begin_read().await?;
            let found = crate::catalogue::provinces_of_units(&mut tx, &[unit]).await;
            tx.rollback().await?;
            found?.remove(&unit).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let in_use_here = |t: &domain::models::ModelType| match t.owner {
        domain::catalogue::Owner::National => t.is_active(),
        domain::catalogue::Owner::Province(p) => t.is_active() && provinces.contains(&p),
    };
    Ok(match kind {
        MatrixColumns::Sector => {
            // The fields in use there (national, the area's province's
            // own) and any field that counts (another province's).
            let all = crate::vocabulary::list(db, Vocabulary::Field, None).await?;
            let listed = crate::vocabulary::list(db, Vocabulary::Field, Some(&provinces)).await?;
            all.entries()
                .iter()
                .filter(|e| {
                    listed.contains(e.code.as_str())
                        || counts.iter().any(|c| c.sector == e.code.as_str())
                })
                .map(|e| MatrixColumn {
                    key: e.code.as_str().into(),
                    label: e.name.clone(),
                })
                .collect()
        }
        MatrixColumns::Type => super::types::list(db, true)
            .await?
            .into_iter()
            .filter(|t| in_use_here(t) || counts.iter().any(|c| c.type_id == t.id))
            .map(|t| MatrixColumn {
                key: t.id.to_string(),
                label: t.short_name,
            })
            .collect(),
    })
}

/// Where to draw areas that have no coordinates of their own (legacy
/// districts): the mean of the units under them that have some.
async fn centroids(db: &Db, rows: &[Area]) -> Result<HashMap<i64, (f64, f64)>> {
    let missing: Vec<i64> = rows
        .iter()
        .filter(|a| a.lat.is_none() || a.lon.is_none())
        .map(|a| a.id)
        .collect();
    let mut out = HashMap::new();
    for chunk in missing.chunks(500) {
        let mut p = Params::default();
        let ids: Vec<String> = chunk.iter().map(|i| p.push(Arg::I64(Some(*i)))).collect();
        #[derive(sqlx::FromRow)]
        struct C {
            id: i64,
            lat: Option<f64>,
            lon: Option<f64>,
        }
        let sql = format!(
            "SELECT t.ancestor_id AS id, AVG(u.lat) AS lat, AVG(u.lon) AS lon
             FROM org_unit_tree t JOIN org_units u ON u.id = t.unit_id
             WHERE t.ancestor_id IN ({}) AND u.lat IS NOT NULL AND u.lon IS NOT NULL
             GROUP BY t.ancestor_id",
            ids.join(", ")
        );
        let cs: Vec<C> = fetch_dyn!(db, fetch_all, C, &sql, p.args)?;
        for c in cs {
            if let (Some(la), Some(lo)) = (c.lat, c.lon) {
                out.insert(c.id, (la, lo));
            }
        }
    }
    Ok(out)
}
