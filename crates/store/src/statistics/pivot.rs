//! The analytics query: any indicators × a set of units × any periods, in
//! either view of history, read from the rollup cells (what the units under
//! each one add up to) and the units' own figures — never by aggregating
//! other units' values at query time.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use analytics::Agg;
use domain::error::codes;
use domain::org_units::Level;
use domain::statistics::{Aggregation, Indicator, Period, PeriodType};
use domain::{DomainError, Reason};
use serde::Serialize;

use crate::accounts::Scope;
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// Which hierarchy figures are shown under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// The hierarchy valid in each period: 2022 figures of legacy Nam Định
    /// communes under legacy Nam Định.
    #[default]
    AsWas,
    /// Legacy units' figures under their 2025 successors.
    AsNow,
}

impl View {
    pub fn parse(field: &'static str, s: &str) -> std::result::Result<Self, DomainError> {
        match s.trim() {
            "as_was" => Ok(View::AsWas),
            "as_now" => Ok(View::AsNow),
            _ => Err(DomainError::new(
                field,
                Reason::ViewUnknown {
                    allowed: vec![codes::AS_WAS, codes::AS_NOW],
                },
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::AsWas => "as_was",
            View::AsNow => "as_now",
        }
    }

    /// The rollup part besides "both" that this view reads.
    fn part(self) -> &'static str {
        match self {
            View::AsWas => "w",
            View::AsNow => "n",
        }
    }
}

pub const MAX_INDICATORS: usize = 200;
pub const MAX_PERIODS: usize = 120;
/// Units of one breakdown: every commune of the country fits.
pub const MAX_UNITS: usize = 20_000;

#[derive(Debug, Clone)]
pub struct PivotQuery {
    /// Indicator codes, in the order rows should come.
    pub indicators: Vec<String>,
    /// `None`: the whole country (unscoped accounts only).
    pub org_unit: Option<i64>,
    /// Break down to the units of this level under `org_unit`; `None`: the unit itself.
    pub level: Option<Level>,
    pub periods: Vec<Period>,
    pub view: View,
    pub approved_only: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PivotRow {
    pub indicator: String,
    /// `None` for the whole country.
    pub org_unit_id: Option<i64>,
    pub period: Period,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PivotUnit {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pivot {
    pub rows: Vec<PivotRow>,
    pub indicators: Vec<Indicator>,
    /// The units of the breakdown, in Vietnamese order (empty for the country).
    pub units: Vec<PivotUnit>,
    pub periods: Vec<Period>,
    pub view: View,
    pub approved_only: bool,
}

/// The units of the breakdown, in scope, in Vietnamese order.
async fn units(tx: &mut Tx, scope: Scope, q: &PivotQuery) -> Result<Vec<PivotUnit>> {
    let mut params = Params::default();
    let mut cond = Vec::new();
    match (q.org_unit, q.level) {
        (Some(a), None) => cond.push(format!("u.id = {}", params.list([Arg::I64(Some(a))]))),
        (Some(a), Some(l)) => {
            let a = params.list([Arg::I64(Some(a))]);
            let l = params.list([Arg::Text(Some(l.as_str().into()))]);
            cond.push(format!("u.id IN (SELECT unit_id FROM org_unit_tree WHERE ancestor_id = {a}) AND u.level = {l}"));
        }
        (None, l) => {
            let l = params.list([Arg::Text(Some(
                l.unwrap_or(Level::Province).as_str().into(),
            ))]);
            cond.push(format!("u.level = {l}"));
        }
    }
    if q.view == View::AsNow && q.level.is_some() {
        cond.push("u.valid_to IS NULL".into());
    }
    if let Some(user) = scope.user_id() {
        let n = params.list([Arg::I64(Some(user))]);
        cond.push(crate::scope::unit_in_scope("u.id", &n));
    }
    let sql = format!(
        "SELECT u.id, u.name, u.short_name, u.lat, u.lon FROM org_units u WHERE {} ORDER BY u.sort_key, u.id LIMIT {}",
        cond.join(" AND "),
        MAX_UNITS + 1
    );
    let rows: Vec<PivotUnit> = fetch_all_dyn(tx, &sql, params.args).await?;
    if rows.len() > MAX_UNITS {
        return Err(DomainError::new("level", Reason::PivotTooManyUnits { max: MAX_UNITS }).into());
    }
    Ok(rows)
}

/// Rows cross the database driver one by one, which costs more than the
/// query itself for a pivot of 20,000 figures (on SQLite each row is a
/// hand-off between the driver's thread and the request's): each group
/// comes back as one text of `a:b:c` items joined by `sep` (the parts
/// must hold no `:`, `@`, `,` or `;`), and the groups are coarse, a unit
/// or an indicator each, so that a pivot is tens of rows, not thousands.
///
/// On SQLite each item is one `printf` rather than a chain of `||`, which
/// makes a new string at every step: the national rollup's 21,000 cells
/// took 20 ms to pack that way and 14 ms with `printf` (the scan alone
/// is 5 ms).
pub(super) fn packed(pg: bool, parts: &[String], sep: char) -> String {
    if pg {
        let joined: Vec<String> = parts.iter().map(|p| format!("({p})::text")).collect();
        format!("string_agg({}, '{sep}')", joined.join(" || ':' || "))
    } else {
        let format = vec!["%s"; parts.len()].join(":");
        format!(
            "group_concat(printf('{format}', {}), '{sep}')",
            parts.join(", ")
        )
    }
}

/// A float column as text that reads back to the same number, NULL kept.
/// PostgreSQL prints the shortest exact form. SQLite needs 17 digits, and
/// its `printf` prints at most 16 unless given the `!` flag (0.1 + 0.2
/// came back as 0.3) and prints NULL as 0. Whole numbers, most figures,
/// are printed as integers: `printf` was a third of the commune
/// breakdown's query.
pub(super) fn exact(pg: bool, col: &str) -> String {
    if pg {
        format!("{col}::text")
    } else {
        format!(
            "CASE WHEN {col} IS NULL THEN NULL WHEN {col} = CAST({col} AS INTEGER) THEN CAST(CAST({col} AS INTEGER) AS TEXT) ELSE printf('%!.17g', {col}) END"
        )
    }
}

fn bad_packed(item: &str) -> StoreError {
    StoreError::Data(format!("pivot: giá trị «{item}» không đọc được"))
}

/// Where a pivot's time went (the statistics bench prints it): the
/// database (every query, the driver included), unpacking the packed
/// texts into figures, and putting the answer in order.
#[derive(Debug, Clone, Copy, Default)]
pub struct Phases {
    pub database: Duration,
    pub unpack: Duration,
    pub assemble: Duration,
}

/// Answers a pivot. Scoped accounts must name a unit in their scope; no
/// indicator or no period asked is an empty answer.
pub async fn query(db: &Db, scope: Scope, q: &PivotQuery) -> Result<Pivot> {
    Ok(query_timed(db, scope, q).await?.0)
}

/// [`query`], and where its time went.
pub async fn query_timed(db: &Db, scope: Scope, q: &PivotQuery) -> Result<(Pivot, Phases)> {
    if q.indicators.len() > MAX_INDICATORS {
        return Err(DomainError::new(
            "indicators",
            Reason::PivotTooManyIndicators {
                max: MAX_INDICATORS,
            },
        )
        .into());
    }
    if q.periods.len() > MAX_PERIODS {
        return Err(
            DomainError::new("periods", Reason::PivotTooManyPeriods { max: MAX_PERIODS }).into(),
        );
    }
    // The whole country is outside every scope but the administrators'.
    if q.org_unit.is_none() && scope.user_id().is_some() {
        return Err(StoreError::NotFound);
    }
    let started = Instant::now();
    let mut phases = Phases::default();
    let mut tx = db.begin_read().await?;
    let result = query_tx(&mut tx, scope, q, &mut phases).await;
    tx.rollback().await?;
    phases.database = started
        .elapsed()
        .saturating_sub(phases.unpack + phases.assemble);
    Ok((result?, phases))
}

/// [`query`] inside a transaction already open (a programme's progress
/// reads its indicator targets with the rest of its page).
pub(crate) async fn query_in(tx: &mut Tx, scope: Scope, q: &PivotQuery) -> Result<Pivot> {
    query_tx(tx, scope, q, &mut Phases::default()).await
}

async fn query_tx(tx: &mut Tx, scope: Scope, q: &PivotQuery, phases: &mut Phases) -> Result<Pivot> {
    // The unit asked about must be in scope itself, not only its parts:
    // out of scope is "not found", with or without a breakdown.
    if let (Some(unit), Some(user)) = (q.org_unit, scope.user_id()) {
        if !crate::scope::reaches(tx, user, unit).await? {
            return Err(StoreError::NotFound);
        }
    }
    let found = super::indicators_by_code(tx, q.indicators.iter().map(String::as_str)).await?;
    let mut indicators: Vec<Indicator> = Vec::with_capacity(q.indicators.len());
    for code in &q.indicators {
        // An unknown code is "not found", as an unknown id would be.
        let i = found.get(code).ok_or(StoreError::NotFound)?;
        // A code asked twice is answered once.
        if !indicators.iter().any(|seen| seen.id == i.id) {
            indicators.push(i.clone());
        }
    }
    let units = units(tx, scope, q).await?;
    if indicators.is_empty() || q.periods.is_empty() {
        // Nothing asked: nothing to read (and no empty `IN ()`, which
        // PostgreSQL refuses).
        let country = q.org_unit.is_none() && q.level.is_none();
        return Ok(Pivot {
            rows: Vec::new(),
            indicators,
            units: if country { Vec::new() } else { units },
            periods: q.periods.clone(),
            view: q.view,
            approved_only: q.approved_only,
        });
    }
    if q.org_unit.is_some() && units.is_empty() && q.level.is_none() {
        return Err(StoreError::NotFound);
    }
    let country = q.org_unit.is_none() && q.level.is_none();
    let places = Places::new(&indicators, &units, &q.periods, country);
    let mut items = Vec::new();
    for chunk in units.chunks(500) {
        read_cells(tx, q, &indicators, chunk, &places, &mut items, phases).await?;
        read_figures(tx, q, &indicators, chunk, &places, &mut items, phases).await?;
    }
    let assembling = Instant::now();
    let rows = assemble(&indicators, &units, &places, items);
    phases.assemble = assembling.elapsed();
    Ok(Pivot {
        rows,
        indicators,
        units: if country { Vec::new() } else { units },
        periods: q.periods.clone(),
        view: q.view,
        approved_only: q.approved_only,
    })
}

/// Where a figure goes in the answer: the place of its indicator (in the
/// order asked), of its unit (in the units' order; one place for the
/// whole country) and of its period (in time order). Sorting the figures
/// by place puts the answer in order and brings together what adds up.
struct Places {
    indicator: HashMap<i64, u32>,
    unit: HashMap<i64, u32>,
    period: HashMap<String, u32>,
    /// The periods asked, in time order, once each.
    periods: Vec<Period>,
    country: bool,
}

impl Places {
    fn new(indicators: &[Indicator], units: &[PivotUnit], asked: &[Period], country: bool) -> Self {
        let mut periods = asked.to_vec();
        periods.sort();
        periods.dedup();
        let at = |k: usize| u32::try_from(k).unwrap_or(u32::MAX);
        Places {
            indicator: indicators
                .iter()
                .enumerate()
                .map(|(k, i)| (i.id, at(k)))
                .collect(),
            unit: units
                .iter()
                .enumerate()
                .map(|(k, u)| (u.id, at(k)))
                .collect(),
            period: periods
                .iter()
                .enumerate()
                .map(|(k, p)| (p.to_string(), at(k)))
                .collect(),
            periods,
            country,
        }
    }

    fn unit(&self, id: i64) -> Result<u32> {
        if self.country {
            return Ok(0);
        }
        self.unit
            .get(&id)
            .copied()
            .ok_or_else(|| bad_packed(&id.to_string()))
    }

    fn indicator(&self, id: i64) -> Result<u32> {
        self.indicator
            .get(&id)
            .copied()
            .ok_or_else(|| bad_packed(&id.to_string()))
    }

    /// The database holds periods as `Period` writes them, and answers
    /// only those asked.
    fn period(&self, text: &str) -> Result<u32> {
        self.period
            .get(text)
            .copied()
            .ok_or_else(|| bad_packed(text))
    }
}

/// One cell or figure read, at its place.
#[derive(Clone, Copy)]
struct Item {
    indicator: u32,
    unit: u32,
    period: u32,
    agg: Agg,
}

/// The `IN` lists of units, periods and indicators the cells are read by:
/// parameters on SQLite, literals on PostgreSQL (see [`period_literal`]).
fn key_lists(
    params: &mut Params,
    pg: bool,
    indicators: &[Indicator],
    units: &[PivotUnit],
    places: &Places,
) -> Result<(String, String, String)> {
    if pg {
        return Ok((
            id_list(units.iter().map(|u| u.id)),
            period_list(places)?,
            id_list(indicators.iter().map(|i| i.id)),
        ));
    }
    let u = params.list(units.iter().map(|u| Arg::I64(Some(u.id))));
    let p = params.list(
        places
            .periods
            .iter()
            .map(|p| Arg::Text(Some(p.to_string()))),
    );
    let i = params.list(indicators.iter().map(|i| Arg::I64(Some(i.id))));
    Ok((u, p, i))
}

/// Ids as an SQL list of literals, for PostgreSQL (see [`period_literal`]).
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    ids.map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}

/// The asked periods as an SQL list of literals, for PostgreSQL.
fn period_list(places: &Places) -> Result<String> {
    Ok(places
        .periods
        .iter()
        .map(|p| period_literal(&p.to_string()))
        .collect::<Result<Vec<_>>>()?
        .join(", "))
}

/// A period's text as an SQL literal, for PostgreSQL: its pivots are
/// written with literals, not parameters, because a statement run a sixth
/// time on a connection may get PostgreSQL's generic plan, which does not
/// see the lists (the commune breakdown's figures: 126 ms instead of 29;
/// the national rollup's cells: 125 ms instead of 21). The ids are the
/// database's own integers; a period is `Period`'s own text (digits, `-`,
/// `Q`, `H`), checked.
fn period_literal(p: &str) -> Result<String> {
    if p.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'Q' | b'H'))
    {
        Ok(format!("'{p}'"))
    } else {
        Err(StoreError::Data(format!("pivot: kỳ «{p}» không hợp lệ")))
    }
}

/// The rollup cells of some units: what their parts add up to.
async fn read_cells(
    tx: &mut Tx,
    q: &PivotQuery,
    indicators: &[Indicator],
    units: &[PivotUnit],
    places: &Places,
    items: &mut Vec<Item>,
    phases: &mut Phases,
) -> Result<()> {
    let pg = tx.is_postgres();
    if pg && indicators.len() >= ROWS_FROM {
        return read_rows(tx, q, units, places, items, phases).await;
    }
    let mut params = Params::default();
    let (u, p, i) = key_lists(&mut params, pg, indicators, units, places)?;
    // The view's part is one of two fixed letters.
    let part = format!("'{}'", q.view.part());
    let (n, total, top) = if q.approved_only {
        ("ok_n", "ok_total", "ok_top")
    } else {
        ("n", "total", "top")
    };
    let cell = packed(
        pg,
        &[
            "period".into(),
            "indicator_id".into(),
            n.into(),
            exact(pg, total),
            format!("COALESCE({}, '')", exact(pg, top)),
        ],
        ';',
    );
    // With many indicators, reading every cell of each (unit, period)
    // and keeping the asked ones beats descending the key once per
    // unit × period × indicator × part (national rollup on PostgreSQL:
    // 118 → 20 ms); `+ 0` and `|| ''` keep those columns out of the key.
    let (ind_col, part_col) = if indicators.len() > 8 {
        ("indicator_id + 0", "part || ''")
    } else {
        ("indicator_id", "part")
    };
    // The deltas not yet folded into the cells come in the same statement,
    // so that the one snapshot sees each change once: in its cell or in
    // its delta, never both or neither (a fold moves it from one to the
    // other in a transaction). A unit may then come twice; its items merge
    // in `assemble`.
    let delta = packed(
        pg,
        &[
            "period".into(),
            "indicator_id".into(),
            n.into(),
            exact(pg, total),
            "''".into(),
        ],
        ';',
    );
    let sql = format!(
        "SELECT unit_id, {cell} AS packed FROM rollups
         WHERE unit_id IN ({u}) AND period IN ({p}) AND {ind_col} IN ({i}) AND {part_col} IN ('b', {part}) AND {n} > 0
         GROUP BY unit_id
         UNION ALL
         SELECT unit_id, {delta} FROM (
             SELECT unit_id, period, indicator_id, SUM({n}) AS {n}, SUM({total}) AS {total} FROM rollup_deltas
             WHERE unit_id IN ({u}) AND period IN ({p}) AND indicator_id IN ({i}) AND part IN ('b', {part})
             GROUP BY unit_id, period, indicator_id
         ) d GROUP BY unit_id"
    );
    let groups: Vec<(i64, String)> = fetch_all_dyn(tx, &sql, params.args).await?;
    let unpacking = Instant::now();
    for (unit, packed) in groups {
        let unit = places.unit(unit)?;
        for item in packed.split(';') {
            let mut f = item.split(':');
            let (Some(period), Some(i), Some(n), Some(total), Some(top)) =
                (f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad_packed(item));
            };
            let period = places.period(period)?;
            let agg = Agg {
                n: n.parse().map_err(|_| bad_packed(item))?,
                total: total.parse().map_err(|_| bad_packed(item))?,
                top: if top.is_empty() {
                    None
                } else {
                    Some(top.parse().map_err(|_| bad_packed(item))?)
                },
            };
            let indicator = places.indicator(i.parse().map_err(|_| bad_packed(item))?)?;
            items.push(Item {
                indicator,
                unit,
                period,
                agg,
            });
        }
    }
    phases.unpack += unpacking.elapsed();
    Ok(())
}

/// From this many indicators asked, PostgreSQL reads whole rows of cells
/// (`rollup_rows`: every indicator of a home, period and part) rather than
/// the cells one by one: the national rollup of 100 indicators read its
/// 21,000 cells in 21 ms, the same figures in 270 rows in 3. A pivot of
/// a few indicators would read rows mostly of others.
const ROWS_FROM: usize = 32;

/// One row of cells, of deltas summed, or of cells whose row waits to be
/// packed again, as [`read_rows`] reads it (PostgreSQL; arrays come back
/// as binary, nothing to print or parse).
#[derive(sqlx::FromRow)]
struct CellRow {
    unit_id: i64,
    period: String,
    indicator_ids: Vec<i64>,
    n: Vec<i64>,
    total: Vec<f64>,
    top: Vec<Option<f64>>,
    /// Deltas: counts may be zero or below, and add to a cell.
    deltas: bool,
}

/// [`read_cells`] from `rollup_rows` (PostgreSQL, many indicators): the
/// rows of keys with no delta waiting, and for the others the cells
/// themselves; the deltas, as there. One statement, so one snapshot: the
/// folder packs a key's row in the transaction that takes its deltas out.
async fn read_rows(
    tx: &mut Tx,
    q: &PivotQuery,
    units: &[PivotUnit],
    places: &Places,
    items: &mut Vec<Item>,
    phases: &mut Phases,
) -> Result<()> {
    let u = id_list(units.iter().map(|u| u.id));
    let p = period_list(places)?;
    let part = format!("'{}'", q.view.part());
    let (n, total, top) = if q.approved_only {
        ("ok_n", "ok_total", "ok_top")
    } else {
        ("n", "total", "top")
    };
    let keys = format!("unit_id IN ({u}) AND period IN ({p}) AND part IN ('b', {part})");
    let sql = format!(
        "WITH waiting AS (SELECT DISTINCT unit_id, period, part FROM rollup_deltas WHERE {keys})
         SELECT unit_id, period, indicator_ids, {n} AS n, {total} AS total, {top} AS top, FALSE AS deltas
         FROM rollup_rows r WHERE {keys}
           AND NOT EXISTS (SELECT 1 FROM waiting w WHERE w.unit_id = r.unit_id AND w.period = r.period AND w.part = r.part)
         UNION ALL
         SELECT unit_id, period, array_agg(indicator_id), array_agg({n}), array_agg({total}), array_agg({top}), FALSE
         FROM rollups c WHERE {keys} AND {n} > 0
           AND EXISTS (SELECT 1 FROM waiting w WHERE w.unit_id = c.unit_id AND w.period = c.period AND w.part = c.part)
         GROUP BY unit_id, period, part
         UNION ALL
         SELECT unit_id, period, array_agg(indicator_id), array_agg({n}), array_agg({total}), array_agg(NULL::float8), TRUE
         FROM (SELECT unit_id, period, part, indicator_id, SUM({n})::bigint AS {n}, SUM({total}) AS {total}
               FROM rollup_deltas WHERE {keys} GROUP BY unit_id, period, part, indicator_id) d
         GROUP BY unit_id, period, part"
    );
    let rows: Vec<CellRow> = match tx.backend() {
        crate::Backend::Postgres(c) => sqlx::query_as(&sql).fetch_all(c).await?,
        crate::Backend::Sqlite(_) => {
            return Err(StoreError::Data(
                "pivot: rollup_rows is PostgreSQL's".into(),
            ))
        }
    };
    let unpacking = Instant::now();
    for r in rows {
        let unit = places.unit(r.unit_id)?;
        let period = places.period(&r.period)?;
        let cells = r.indicator_ids.iter().zip(&r.n).zip(&r.total).zip(&r.top);
        for (((id, &n), &total), &top) in cells {
            // A row holds every indicator; only those asked count, and a
            // cell without figures (approved ones, say) is no figure.
            let Some(&indicator) = places.indicator.get(id) else {
                continue;
            };
            if n <= 0 && !r.deltas {
                continue;
            }
            items.push(Item {
                indicator,
                unit,
                period,
                agg: Agg { n, total, top },
            });
        }
    }
    phases.unpack += unpacking.elapsed();
    Ok(())
}

/// The periods a unit's own figures can be entered in inside each asked
/// one (the asked period itself and its months, quarters and halves), as
/// the database holds them, each with the places of the asked periods it
/// counts in: a month counts in the month, the quarter and the year asked.
fn own_periods(places: &Places) -> HashMap<String, Vec<u32>> {
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (k, asked) in places.periods.iter().enumerate() {
        let at = u32::try_from(k).unwrap_or(u32::MAX);
        for kind in PeriodType::ALL {
            for part in asked.parts(kind) {
                out.entry(part.to_string()).or_default().push(at);
            }
        }
    }
    out
}

/// Those of `units` with figures of their own between two periods (as
/// texts), one probe of the unit's figures each. Provinces and the country
/// seldom have any: their figures' query, asked every month of six years
/// for 97 provinces and 100 indicators, cost the national rollup 8 ms on
/// PostgreSQL to find nothing (and a sequential scan of 21 million values
/// when the planner guessed the months would match most of them).
async fn holding_figures(
    tx: &mut Tx,
    units: &[PivotUnit],
    (first, last): (&str, &str),
) -> Result<Vec<i64>> {
    let mut params = Params::default();
    let list = params.list(units.iter().map(|u| Arg::I64(Some(u.id))));
    let first = params.list([Arg::Text(Some(first.to_owned()))]);
    let last = params.list([Arg::Text(Some(last.to_owned()))]);
    let sql = format!(
        "SELECT u.id FROM org_units u WHERE u.id IN ({list}) AND EXISTS (
           SELECT 1 FROM data_values d WHERE d.org_unit_id = u.id AND d.period >= {first} AND d.period <= {last})"
    );
    let rows: Vec<(i64,)> = fetch_all_dyn(tx, &sql, params.args).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The units' own figures inside the periods asked: a figure of exactly
/// the period asked as it is, and for a coarser period asked the unit's
/// own contribution from its figures inside it (sums and counts of its
/// months, their largest, or its latest for a "last value"), which the
/// cells leave out (see `analytics`).
async fn read_figures(
    tx: &mut Tx,
    q: &PivotQuery,
    indicators: &[Indicator],
    units: &[PivotUnit],
    places: &Places,
    items: &mut Vec<Item>,
    phases: &mut Phases,
) -> Result<()> {
    let inside = own_periods(places);
    let (Some(first), Some(last)) = (inside.keys().min().cloned(), inside.keys().max().cloned())
    else {
        return Ok(());
    };
    let units = holding_figures(tx, units, (&first, &last)).await?;
    if units.is_empty() {
        return Ok(());
    }
    let asked: Vec<String> = inside.keys().cloned().collect();
    let approved = if q.approved_only { "AND approved" } else { "" };
    let pg = tx.is_postgres();
    // Grouped twice: a unit's months as `period:value` items once under
    // its id (`unit@p:v,p:v`), its indicator's units joined by `;`. Naming
    // the unit once per run rather than once per figure took a third off
    // the commune breakdown's query (17.6 → 12.5 ms on SQLite).
    let months = packed(pg, &["period".into(), exact(pg, "value")], ',');
    let units_of = packed(pg, &["g".into()], ';');
    // An (indicator, unit)'s figures lie side by side in PostgreSQL's key
    // (SQLite's is unit-first: a unit's months together), in period order (`period` is byte-ordered on both databases: COLLATE
    // "C" on PostgreSQL), so a range reads only the run asked, where `IN`
    // alone read every period the pair holds (SQLite) or descended the
    // key once per indicator × unit × period (PostgreSQL: 80,000 buffer
    // reads for a province's 20,160 figures). The `IN` keeps the asked
    // periods among other kinds that sort inside the range.
    let mut params = Params::default();
    let sql = if pg {
        // PostgreSQL's planner reads `IN` lists with a range as a bitmap
        // over every indicator of the units; pairs from two arrays, each
        // read by its own range of the key, took the commune breakdown's
        // query from 57 to 29 ms. Literals, not parameters
        // ([`period_literal`]).
        let ind = id_list(indicators.iter().map(|i| i.id));
        let uni = id_list(units.iter().copied());
        let range = format!(
            "period >= {} AND period <= {}",
            period_literal(&first)?,
            period_literal(&last)?
        );
        let p = asked
            .iter()
            .map(|p| period_literal(p))
            .collect::<Result<Vec<_>>>()?
            .join(", ");
        format!(
            "SELECT indicator_id, {units_of} AS packed FROM (
               SELECT i.id AS indicator_id, u.id::text || '@' || {months} AS g
               FROM unnest('{{{ind}}}'::bigint[]) i (id)
               CROSS JOIN unnest('{{{uni}}}'::bigint[]) u (id)
               JOIN data_values d ON d.indicator_id = i.id AND d.org_unit_id = u.id
               WHERE {range} AND period IN ({p}) {approved}
               GROUP BY i.id, u.id
             ) per_unit
             GROUP BY indicator_id"
        )
    } else {
        let u = params.list(units.iter().map(|u| Arg::I64(Some(*u))));
        let p = params.list(asked.iter().map(|p| Arg::Text(Some(p.clone()))));
        let i = params.list(indicators.iter().map(|i| Arg::I64(Some(i.id))));
        let from = params.list([Arg::Text(Some(first))]);
        let to = params.list([Arg::Text(Some(last))]);
        let range = format!("period >= {from} AND period <= {to}");
        format!(
            "SELECT indicator_id, {units_of} AS packed FROM (
               SELECT indicator_id, org_unit_id || '@' || {months} AS g FROM data_values
               WHERE org_unit_id IN ({u}) AND indicator_id IN ({i}) AND {range} AND period IN ({p}) {approved}
               GROUP BY indicator_id, org_unit_id
             ) per_unit
             GROUP BY indicator_id"
        )
    };
    let groups: Vec<(i64, String)> = fetch_all_dyn(tx, &sql, params.args).await?;
    let unpacking = Instant::now();
    for (indicator, packed) in groups {
        let indicator = places.indicator(indicator)?;
        let agg = indicators
            .get(indicator as usize)
            .map_or(Aggregation::Sum, |i| i.aggregation);
        for run in packed.split(';') {
            let (unit, figures) = run.split_once('@').ok_or_else(|| bad_packed(run))?;
            let unit = places.unit(unit.parse().map_err(|_| bad_packed(run))?)?;
            // A "last value" keeps, per period asked, the unit's latest
            // figure inside it (one indicator's periods are of one kind, so
            // their texts sort in time order); the others add up in
            // `assemble`.
            let mut latest: HashMap<u32, (&str, f64)> = HashMap::new();
            for item in figures.split(',') {
                let (period, value) = item.split_once(':').ok_or_else(|| bad_packed(item))?;
                let value: f64 = value.parse().map_err(|_| bad_packed(item))?;
                let counts_in = inside.get(period).ok_or_else(|| bad_packed(item))?;
                for &at in counts_in {
                    if agg == Aggregation::Last {
                        let kept = latest.entry(at).or_insert((period, value));
                        if period > kept.0 {
                            *kept = (period, value);
                        }
                    } else {
                        items.push(Item {
                            indicator,
                            unit,
                            period: at,
                            agg: Agg::one(value, agg),
                        });
                    }
                }
            }
            items.extend(latest.into_iter().map(|(at, (_, value))| Item {
                indicator,
                unit,
                period: at,
                agg: Agg::one(value, agg),
            }));
        }
    }
    phases.unpack += unpacking.elapsed();
    Ok(())
}

/// The answer's rows in order (indicator asked, unit, period): the items
/// at one place merged, each read with its indicator's aggregation.
fn assemble(
    indicators: &[Indicator],
    units: &[PivotUnit],
    places: &Places,
    mut items: Vec<Item>,
) -> Vec<PivotRow> {
    let place = |it: &Item| (it.indicator, it.unit, it.period);
    items.sort_unstable_by_key(place);
    let mut rows = Vec::with_capacity(items.len());
    for run in items.chunk_by(|a, b| place(a) == place(b)) {
        let Some(first) = run.first() else { continue };
        let (Some(ind), Some(&period)) = (
            indicators.get(first.indicator as usize),
            places.periods.get(first.period as usize),
        ) else {
            continue;
        };
        let merged = run.iter().fold(Agg::default(), |a, it| a.merge(it.agg));
        let Some(value) = merged.value(ind.aggregation) else {
            continue;
        };
        let org_unit_id = if places.country {
            None
        } else {
            units.get(first.unit as usize).map(|u| u.id)
        };
        rows.push(PivotRow {
            indicator: ind.code.clone(),
            org_unit_id,
            period,
            value,
        });
    }
    rows
}

/// A pivot someone saved by name.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SavedPivot {
    pub id: i64,
    pub name: String,
    pub owner_id: i64,
    pub owner_name: Option<String>,
    pub org_unit_id: Option<i64>,
    /// The query string of the analytics page that shows it.
    pub query: String,
    pub shared: bool,
}

pub const MAX_SAVED_NAME_CHARS: usize = 120;
pub const MAX_SAVED_QUERY_CHARS: usize = 4000;

/// The pivots a user sees: their own, and shared ones whose unit their
/// scope reaches (all shared ones for the unscoped).
pub async fn saved(db: &Db, user: i64, scope: Scope) -> Result<Vec<SavedPivot>> {
    let scope_sql = match scope.user_id() {
        None => "p.shared".to_owned(),
        Some(_) => format!(
            "(p.shared AND {})",
            crate::scope::unit_in_scope("p.org_unit_id", "$1")
        ),
    };
    let sql = format!(
        "SELECT p.id, p.name, p.owner_id, u.display_name AS owner_name, p.org_unit_id, p.query, p.shared
         FROM saved_pivots p LEFT JOIN users u ON u.id = p.owner_id
         WHERE p.owner_id = $1 OR {scope_sql} ORDER BY p.name, p.id"
    );
    Ok(fetch!(db, fetch_all, SavedPivot, &sql, user)?)
}

/// Saves a pivot under a name. Scoped users save only pivots of a unit in
/// their scope (checked by the caller running the query first).
pub async fn save(
    db: &Db,
    author: crate::audit::Author,
    owner: i64,
    name: &str,
    q: &PivotQuery,
    query_string: &str,
    shared: bool,
) -> Result<SavedPivot> {
    let name = domain::text::normalize(name.trim());
    if name.is_empty() || name.chars().count() > MAX_SAVED_NAME_CHARS {
        return Err(DomainError::new(
            "name",
            Reason::SavedPivotName {
                max: MAX_SAVED_NAME_CHARS,
            },
        )
        .into());
    }
    if query_string.chars().count() > MAX_SAVED_QUERY_CHARS {
        return Err(DomainError::new("query", Reason::QueryTooLong).into());
    }
    let mut tx = db.begin().await?;
    let now = chrono::Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO saved_pivots (name, owner_id, org_unit_id, query, shared, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        &name,
        owner,
        q.org_unit,
        query_string,
        shared,
        now
    )?;
    let saved = SavedPivot {
        id,
        name,
        owner_id: owner,
        owner_name: None,
        org_unit_id: q.org_unit,
        query: query_string.to_owned(),
        shared,
    };
    crate::audit::record(
        &mut tx,
        crate::audit::Change::<(), _> {
            author,
            action: "create",
            entity: "saved_pivot",
            entity_id: id.to_string(),
            before: None,
            after: Some(&saved),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes a saved pivot; only its owner (or an admin, `owner` None) may.
pub async fn delete_saved(
    db: &Db,
    author: crate::audit::Author,
    id: i64,
    owner: Option<i64>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let row: Option<SavedPivot> = fetch!(
        tx,
        fetch_optional,
        SavedPivot,
        "SELECT p.id, p.name, p.owner_id, NULL AS owner_name, p.org_unit_id, p.query, p.shared
         FROM saved_pivots p WHERE p.id = $1",
        id
    )?;
    let row = row.ok_or(StoreError::NotFound)?;
    if owner.is_some_and(|o| o != row.owner_id) {
        return Err(StoreError::Forbidden);
    }
    execute!(tx, "DELETE FROM saved_pivots WHERE id = $1", id)?;
    crate::audit::record(
        &mut tx,
        crate::audit::Change::<_, ()> {
            author,
            action: "delete",
            entity: "saved_pivot",
            entity_id: id.to_string(),
            before: Some(&row),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
