//! Helpers of the benchmarks: the baseline of the load benchmark (rows
//! into a bare table) and the national-size data set of the models one.

use crate::{execute_dyn, placeholders, Arg, Db, StoreError};

/// Inserts `rows` into a fresh table with no index, in one transaction and
/// in the same chunks the real loader uses.
pub async fn plain_insert(db: &Db, rows: &[String]) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    execute!(tx, "CREATE TABLE bench_plain (id BIGINT, line TEXT)")?;
    for (n, chunk) in rows.chunks(400).enumerate() {
        let mut args = Vec::with_capacity(chunk.len() * 2);
        for (i, r) in chunk.iter().enumerate() {
            args.push(Arg::I64(Some((n * 400 + i) as i64)));
            args.push(Arg::Text(Some(r.clone())));
        }
        let sql = format!(
            "INSERT INTO bench_plain (id, line) VALUES {}",
            placeholders(chunk.len(), 2)
        );
        execute_dyn(&mut tx, &sql, args).await?;
    }
    execute!(tx, "DROP TABLE bench_plain")?;
    tx.commit().await?;
    Ok(())
}

// ---- models (crates/web/benches/models.rs) --------------------------------

use chrono::{Datelike, Duration, NaiveDate, Utc};
use domain::org_units::{short_name, Kind};
use domain::text::{fold, sort_key};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What [`generate_models`] wrote.
#[derive(Debug, Clone, Default)]
pub struct ModelData {
    pub villages: usize,
    pub models: usize,
    pub status_changes: usize,
    pub ratings: usize,
    pub exemplars: usize,
}

/// Inserts `rows` (each `cols` values) with `head` (`INSERT … VALUES `).
async fn insert_rows(
    tx: &mut crate::Tx,
    head: &str,
    cols: usize,
    rows: Vec<Vec<Arg>>,
) -> Result<(), StoreError> {
    let per = tx.rows_per_statement(cols);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = it.by_ref().take(per).collect();
        let sql = format!("{head}{}", placeholders(chunk.len(), cols));
        execute_dyn(tx, &sql, chunk.into_iter().flatten().collect()).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct TypeRow {
    id: i64,
    code: String,
    short_name: String,
    sector: String,
    targets: String,
}

async fn active_types(db: &Db) -> Result<Vec<TypeRow>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        TypeRow,
        "SELECT id, code, short_name, sector, targets FROM model_types WHERE retired_on IS NULL ORDER BY id"
    )?)
}

/// The types that fit a village and those that fit a commune (by index).
fn fitting(types: &[TypeRow]) -> (Vec<usize>, Vec<usize>) {
    let has = |t: &TypeRow, w: &str| t.targets.split(',').any(|x| x.trim() == w);
    let pick = |w: &str| -> Vec<usize> {
        let v: Vec<usize> = types
            .iter()
            .enumerate()
            .filter(|(_, t)| has(t, w))
            .map(|(i, _)| i)
            .collect();
        if v.is_empty() {
            (0..types.len()).collect()
        } else {
            v
        }
    };
    (pick("village"), pick("commune"))
}

fn day_between(rng: &mut StdRng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.gen_range(0..=span))
}

fn any<'a, T>(rng: &mut StdRng, v: &'a [T]) -> Result<&'a T, StoreError> {
    v.get(rng.gen_range(0..v.len().max(1)))
        .ok_or_else(|| StoreError::Data("bench: empty list".into()))
}

/// A national-size data set for the models benchmark, in one transaction
/// of multi-row inserts (not the audited API): `villages` villages spread
/// over the current communes, then `models` models — a third at legacy
/// communes founded before the 2025 reform, a sixth at current communes
/// since it, the rest at villages over ten years — each with its founding
/// status, ~30% with a later pause or dissolution, ~50% with 1–3 yearly
/// ratings (~3% exemplars). The reference units and the type catalogue
/// must be loaded. Statistics are refreshed at the end, as after any load.
pub async fn generate_models(
    db: &Db,
    villages: usize,
    models: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<ModelData, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let reform = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(today);
    let ten_years_ago = today - Duration::days(3652);
    let types = active_types(db).await?;
    let (for_village, for_commune) = fitting(&types);
    let mut tx = db.begin().await?;
    let current: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'commune' AND valid_to IS NULL ORDER BY id"
    )?;
    let legacy: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'commune' AND valid_to IS NOT NULL ORDER BY id"
    )?;
    let now = Utc::now();

    // Villages: "Thôn 1", "Thôn 2", … in each commune.
    let mut per_commune = vec![0usize; current.len()];
    let mut rows = Vec::with_capacity(villages);
    for i in 0..villages {
        let c = if i < current.len() {
            i
        } else {
            rng.gen_range(0..current.len().max(1))
        };
        let (Some(parent), Some(n)) = (current.get(c), per_commune.get_mut(c)) else {
            break;
        };
        *n += 1;
        let name = format!("Thôn {n}");
        let short = short_name(&name, Kind::Thon);
        rows.push(vec![
            Arg::Text(Some("village".into())),
            Arg::Text(Some("thon".into())),
            Arg::Text(Some(name.clone())),
            Arg::Text(Some(short.clone())),
            Arg::Text(Some(fold(&name))),
            Arg::Text(Some(fold(&short))),
            Arg::Text(Some(sort_key(&short))),
            Arg::I64(Some(*parent)),
            Arg::Ts(now),
            Arg::Ts(now),
        ]);
    }
    let n_villages = rows.len();
    insert_rows(
        &mut tx,
        "INSERT INTO org_units (level, kind, name, short_name, name_folded, short_folded,
            sort_key, parent_id, created_at, updated_at) VALUES ",
        10,
        rows,
    )
    .await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    let village_ids: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'village' ORDER BY id"
    )?;

    // Models, their status changes and ratings.
    let first_id: i64 =
        fetch!(tx, fetch_one, scalar i64, "SELECT COALESCE(MAX(id), 0) + 1 FROM models")?;
    let mut out = ModelData {
        villages: n_villages,
        models,
        ..Default::default()
    };
    let mut mrows = Vec::with_capacity(models);
    let mut crows = Vec::with_capacity(models * 13 / 10);
    let mut rrows = Vec::with_capacity(models);
    let ratings = ["good", "fair", "average", "weak"];
    for i in 0..models {
        let id = first_id + i as i64;
        let r: f64 = rng.gen();
        let (unit, founded, types_here) = if r < 1.0 / 3.0 || village_ids.is_empty() && r < 0.5 {
            let day_before = reform - Duration::days(1);
            (
                *any(&mut rng, &legacy)?,
                day_between(&mut rng, ten_years_ago, day_before),
                &for_commune,
            )
        } else if r < 0.5 || village_ids.is_empty() {
            (
                *any(&mut rng, &current)?,
                day_between(&mut rng, reform, today),
                &for_commune,
            )
        } else {
            (
                *any(&mut rng, &village_ids)?,
                day_between(&mut rng, ten_years_ago, today),
                &for_village,
            )
        };
        let t = types
            .get(*any(&mut rng, types_here)?)
            .ok_or_else(|| StoreError::Data("bench: no type".into()))?;
        let name = format!("{} {}", t.short_name, i + 1);
        let founding = crows.len();
        crows.push(vec![
            Arg::I64(Some(id)),
            Arg::Date(Some(founded)),
            Arg::Text(Some("active".into())),
            Arg::Text(Some("Thành lập".into())),
            Arg::Ts(now),
            Arg::Date(None),
        ]);
        let (mut status, mut since) = ("active", founded);
        if rng.gen_bool(0.3) && founded + Duration::days(30) < today {
            let on = day_between(&mut rng, founded + Duration::days(30), today);
            status = if rng.gen_bool(0.5) {
                "paused"
            } else {
                "dissolved"
            };
            since = on;
            if let Some(end) = crows.get_mut(founding).and_then(|r| r.last_mut()) {
                *end = Arg::Date(Some(on));
            }
            crows.push(vec![
                Arg::I64(Some(id)),
                Arg::Date(Some(on)),
                Arg::Text(Some(status.into())),
                Arg::Text(Some("Đánh giá lại".into())),
                Arg::Ts(now),
                Arg::Date(None),
            ]);
        }
        let mut last: Option<(&str, i32, bool)> = None;
        let mut ever = false;
        if rng.gen_bool(0.5) {
            // Years whose rating (15 December) is past, after the founding.
            let mut years: Vec<i32> = (founded.year()..=today.year())
                .filter(|y| {
                    NaiveDate::from_ymd_opt(*y, 12, 15).is_some_and(|d| d > founded && d <= today)
                })
                .collect();
            let keep = rng.gen_range(1..=3usize).min(years.len());
            let from = years.len() - keep;
            years.drain(..from);
            for y in years {
                let exemplar = rng.gen_bool(0.03);
                let rating = if exemplar {
                    "good"
                } else {
                    *any(&mut rng, &ratings)?
                };
                ever |= exemplar;
                last = Some((rating, y, exemplar));
                rrows.push(vec![
                    Arg::I64(Some(id)),
                    Arg::I64(Some(i64::from(y))),
                    Arg::Text(Some(rating.into())),
                    Arg::Date(NaiveDate::from_ymd_opt(y, 12, 15)),
                    Arg::Text(Some("Công an tỉnh".into())),
                    Arg::Bool(exemplar),
                    Arg::Ts(now),
                ]);
            }
        }
        out.exemplars += usize::from(ever);
        mrows.push(vec![
            Arg::I64(Some(id)),
            Arg::I64(Some(t.id)),
            Arg::Text(Some(t.sector.clone())),
            Arg::I64(Some(unit)),
            Arg::Text(Some(name.clone())),
            Arg::Text(Some(fold(&name))),
            Arg::Text(Some(sort_key(&name))),
            Arg::Date(Some(founded)),
            Arg::Text(Some(status.into())),
            Arg::Date(Some(since)),
            Arg::Text(Some(String::new())),
            Arg::Text(last.map(|l| l.0.to_string())),
            Arg::I64(last.map(|l| i64::from(l.1))),
            Arg::Bool(last.is_some_and(|l| l.2)),
            Arg::Bool(ever),
            Arg::Ts(now),
            Arg::Ts(now),
        ]);
    }
    out.status_changes = crows.len();
    out.ratings = rrows.len();
    insert_rows(
        &mut tx,
        "INSERT INTO models (id, type_id, sector, org_unit_id, name, name_folded, sort_key,
            founded_on, status, status_since, tags, last_rating, last_rating_year,
            last_exemplar, is_exemplar, created_at, updated_at) VALUES ",
        17,
        mrows,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO model_status_changes (model_id, on_date, status, reason, created_at, ends_on) VALUES ",
        6,
        crows,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO model_ratings (model_id, year, rating, rated_on, rater, exemplar, created_at) VALUES ",
        7,
        rrows,
    )
    .await?;
    if tx.is_postgres() {
        execute!(
            tx,
            "SELECT setval(pg_get_serial_sequence('models', 'id'), (SELECT MAX(id) FROM models))"
        )?;
    }
    tx.commit().await?;
    analyze(db).await?;
    Ok(out)
}

/// Fresh planner statistics for the model tables (autovacuum would get
/// there after a bulk load; a benchmark cannot wait for it).
pub async fn analyze(db: &Db) -> Result<(), StoreError> {
    db.optimize().await?;
    if db.is_postgres() {
        execute!(
            db,
            "VACUUM (ANALYZE) models, model_status_changes, model_ratings"
        )?;
    }
    Ok(())
}

/// The 2025 province whose subtree (across the 2025 mapping) holds the
/// most models: `(id, name, models)`.
pub async fn busiest_province(db: &Db) -> Result<(i64, String, i64), StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        (i64, String, i64),
        "SELECT p.id, p.name, COUNT(*) AS n FROM org_units p
         JOIN org_unit_reach r ON r.ancestor_id = p.id
         JOIN models m ON m.org_unit_id = r.unit_id
         WHERE p.level = 'province' AND p.valid_to IS NULL
         GROUP BY p.id, p.name ORDER BY n DESC, p.id LIMIT 1"
    )?)
}

/// The founding day from which on about `n` models were founded.
pub async fn founded_since(db: &Db, n: i64) -> Result<NaiveDate, StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar NaiveDate,
        "SELECT founded_on FROM models ORDER BY founded_on DESC LIMIT 1 OFFSET $1",
        (n - 1).max(0)
    )?)
}

/// The naive matrix: models founded by `date` counted by unit and sector
/// over the whole table, one GROUP BY with no hierarchy, no status of the
/// day and no scope. Returns the number of groups.
pub async fn plain_group_by(db: &Db, date: NaiveDate) -> Result<usize, StoreError> {
    let rows: Vec<(i64, String, i64)> = fetch!(
        db,
        fetch_all,
        (i64, String, i64),
        "SELECT org_unit_id, sector, COUNT(*) FROM models WHERE founded_on <= $1
         GROUP BY org_unit_id, sector",
        date
    )?;
    Ok(rows.len())
}

/// `n` new models for an import file, at current communes and villages
/// with a type that fits each: `(name, type code, unit id, founded on)`.
/// Names carry `batch`, so that two batches never collide.
pub async fn import_rows(
    db: &Db,
    batch: &str,
    n: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<Vec<(String, String, i64, NaiveDate)>, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let reform = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(today);
    let types = active_types(db).await?;
    let (for_village, for_commune) = fitting(&types);
    let places: Vec<(i64, String)> = fetch!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, level FROM org_units WHERE level IN ('commune', 'village') AND valid_to IS NULL
         ORDER BY id"
    )?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (unit, level) = any(&mut rng, &places)?;
        let fits = if level == "village" {
            &for_village
        } else {
            &for_commune
        };
        let t = types
            .get(*any(&mut rng, fits)?)
            .ok_or_else(|| StoreError::Data("bench: no type".into()))?;
        out.push((
            format!("{} {batch} {}", t.short_name, i + 1),
            t.code.clone(),
            *unit,
            day_between(&mut rng, reform, today),
        ));
    }
    Ok(out)
}

// ---- statistics (crates/web/benches/statistics.rs) ---------------------------

/// Writes approved figures straight into `data_values`, bypassing checks
/// and rollups (the bench then times `rollups::rebuild`): one value per
/// indicator × unit × period, random but stable for a seed.
pub async fn generate_values(
    db: &Db,
    indicators: &[i64],
    units: &[i64],
    periods: &[String],
    seed: u64,
) -> Result<u64, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let rows_per = tx.rows_per_statement(5);
    let mut batch: Vec<Arg> = Vec::with_capacity(rows_per * 5);
    let mut n = 0u64;
    let mut pending = 0usize;
    // In primary-key order (indicator, unit, period): appending to the
    // B-tree instead of inserting all over it.
    for ind in indicators {
        for unit in units {
            for p in periods {
                batch.extend([
                    Arg::I64(Some(*ind)),
                    Arg::I64(Some(*unit)),
                    Arg::Text(Some(p.clone())),
                    Arg::F64(Some(f64::from(rng.gen_range(0u32..50)))),
                    Arg::Ts(now),
                ]);
                pending += 1;
                n += 1;
                if pending == rows_per {
                    insert_values(&mut tx, std::mem::take(&mut batch), pending).await?;
                    pending = 0;
                }
            }
        }
    }
    if pending > 0 {
        insert_values(&mut tx, batch, pending).await?;
    }
    tx.commit().await?;
    Ok(n)
}

async fn insert_values(tx: &mut crate::Tx, args: Vec<Arg>, rows: usize) -> Result<(), StoreError> {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let b = r * 5;
            format!(
                "(${}, ${}, ${}, ${}, NULL, TRUE, ${}, NULL)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO data_values (indicator_id, org_unit_id, period, value, comment, approved, updated_at, updated_by) VALUES {}",
        values.join(", ")
    );
    execute_dyn(tx, &sql, args).await?;
    Ok(())
}

/// The naive baseline of the national rollup: one `GROUP BY` over the
/// values, joined to the hierarchy, province × indicator × year.
pub async fn plain_rollup(db: &Db) -> Result<usize, StoreError> {
    let rows: Vec<(i64, i64, String, f64)> = fetch!(
        db,
        fetch_all,
        (i64, i64, String, f64),
        "SELECT p.id, v.indicator_id, SUBSTR(v.period, 1, 4) AS y, SUM(v.value)
         FROM data_values v JOIN org_unit_tree t ON t.unit_id = v.org_unit_id
         JOIN org_units p ON p.id = t.ancestor_id AND p.level = 'province'
         WHERE v.approved GROUP BY p.id, v.indicator_id, SUBSTR(v.period, 1, 4)"
    )?;
    Ok(rows.len())
}

/// The current communes, or the legacy ones valid on `day`, by id.
pub async fn communes_on(db: &Db, day: NaiveDate) -> Result<Vec<i64>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'commune'
           AND (valid_from IS NULL OR valid_from <= $1) AND (valid_to IS NULL OR valid_to >= $1) ORDER BY id",
        day
    )?)
}

/// Fresh planner statistics after the bulk load of figures.
pub async fn analyze_statistics(db: &Db) -> Result<(), StoreError> {
    if db.is_postgres() {
        execute!(db, "VACUUM (ANALYZE) data_values")?;
        execute!(db, "VACUUM (ANALYZE) rollups")?;
    } else {
        execute!(db, "ANALYZE")?;
    }
    Ok(())
}

/// The 2025 province with the most communes: `(id, name)`.
pub async fn province_with_most_communes(db: &Db) -> Result<(i64, String), StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        (i64, String),
        "SELECT p.id, p.name FROM org_units p JOIN org_units c ON c.parent_id = p.id
         WHERE p.level = 'province' AND p.valid_to IS NULL AND c.level = 'commune' AND c.valid_to IS NULL
         GROUP BY p.id, p.name ORDER BY COUNT(*) DESC, p.id LIMIT 1"
    )?)
}

/// Indicators whose code matches a LIKE pattern, by code: `(id, code)`.
pub async fn indicators_like(db: &Db, pattern: &str) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, code FROM indicators WHERE code LIKE $1 ORDER BY code",
        pattern
    )?)
}

/// The units with figures for a period.
pub async fn units_with_values(
    db: &Db,
    period: &str,
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let ids: Vec<i64> = fetch!(
        db,
        fetch_all,
        scalar i64,
        "SELECT DISTINCT org_unit_id FROM data_values WHERE period = $1",
        period
    )?;
    Ok(ids.into_iter().collect())
}

// ---- the fair baseline of the pivots -----------------------------------------

/// Which hierarchy a baseline places figures under (mirrors
/// `statistics::pivot::View`, written again here so that the baseline
/// does not borrow the rollups' own placement).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseView {
    AsWas,
    AsNow,
}

/// Each unit's home at `level` in one view, computed from `org_units` and
/// `org_unit_successors` alone (not from `rollup_homes`): as it was, the
/// unit of that level above it; as it is now, the one above the current
/// unit that stands for it (its default successor followed to the
/// present, or for a unit without one, its parent's). `(unit, home)`.
pub async fn homes_at(db: &Db, level: &str, view: BaseView) -> Result<Vec<(i64, i64)>, StoreError> {
    let units: Vec<(i64, String, Option<i64>, bool)> = fetch!(
        db,
        fetch_all,
        (i64, String, Option<i64>, bool),
        "SELECT id, level, parent_id, valid_to IS NULL FROM org_units"
    )?;
    let next: Vec<(i64, i64)> = fetch!(
        db,
        fetch_all,
        (i64, i64),
        "SELECT from_id, to_id FROM org_unit_successors ORDER BY from_id, is_default DESC, to_id"
    )?;
    let mut successor = std::collections::HashMap::new();
    for (from, to) in next {
        successor.entry(from).or_insert(to);
    }
    let by_id: std::collections::HashMap<i64, (&str, Option<i64>, bool)> = units
        .iter()
        .map(|(id, l, p, current)| (*id, (l.as_str(), *p, *current)))
        .collect();
    let above = |mut u: i64| {
        for _ in 0..16 {
            let (l, parent, _) = by_id.get(&u)?;
            if *l == level {
                return Some(u);
            }
            u = (*parent)?;
        }
        None
    };
    let standing_for = |mut u: i64| {
        for _ in 0..32 {
            let (_, parent, current) = by_id.get(&u)?;
            if *current {
                return Some(u);
            }
            u = successor.get(&u).copied().or(*parent)?;
        }
        None
    };
    Ok(units
        .iter()
        .filter_map(|(id, ..)| {
            let base = match view {
                BaseView::AsWas => Some(*id),
                BaseView::AsNow => standing_for(*id),
            };
            Some((*id, above(base?)?))
        })
        .collect())
}

/// Stores `homes` as the table `bench_homes` (replacing it), for
/// [`fair_pivot`].
pub async fn load_homes(db: &Db, homes: &[(i64, i64)]) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    execute!(tx, "DROP TABLE IF EXISTS bench_homes")?;
    execute!(
        tx,
        "CREATE TABLE bench_homes (unit_id BIGINT PRIMARY KEY, home_id BIGINT NOT NULL)"
    )?;
    let rows = homes
        .iter()
        .map(|(u, h)| vec![Arg::I64(Some(*u)), Arg::I64(Some(*h))])
        .collect();
    insert_rows(
        &mut tx,
        "INSERT INTO bench_homes (unit_id, home_id) VALUES ",
        2,
        rows,
    )
    .await?;
    tx.commit().await?;
    execute!(db, "ANALYZE bench_homes")?;
    Ok(())
}

/// What the pivot answers, asked of the values the plain way: each value
/// joined once to its home (`bench_homes`), grouped by home, indicator
/// and year (`by_year`) or period, with the aggregation each indicator
/// declares — sum, average, maximum, and for "last" each unit's latest
/// figure of the group added across units. Approved figures only (the
/// generated ones all are). `(home, indicator, year or period, value)`.
pub async fn fair_pivot(
    db: &Db,
    indicators: &[i64],
    periods: Option<&[String]>,
    by_year: bool,
) -> Result<Vec<(i64, i64, String, f64)>, StoreError> {
    let mut params = crate::Params::default();
    let i = params.list(indicators.iter().map(|i| Arg::I64(Some(*i))));
    let within = match periods {
        Some(p) => format!(
            "AND d.period IN ({})",
            params.list(p.iter().map(|p| Arg::Text(Some(p.clone()))))
        ),
        None => String::new(),
    };
    let bucket = if by_year {
        "SUBSTR(d.period, 1, 4)"
    } else {
        "d.period"
    };
    let from = format!(
        "FROM data_values d JOIN bench_homes h ON h.unit_id = d.org_unit_id
         JOIN indicators x ON x.id = d.indicator_id
         WHERE d.approved AND d.indicator_id IN ({i}) {within}"
    );
    let sql = format!(
        "SELECT h.home_id, d.indicator_id, {bucket} AS b,
           CASE x.aggregation WHEN 'average' THEN AVG(d.value) WHEN 'max' THEN MAX(d.value) ELSE SUM(d.value) END
         {from} AND x.aggregation <> 'last'
         GROUP BY h.home_id, d.indicator_id, x.aggregation, {bucket}
         UNION ALL
         SELECT home_id, indicator_id, b, SUM(value) FROM (
           SELECT h.home_id, d.indicator_id, {bucket} AS b, d.value,
             ROW_NUMBER() OVER (PARTITION BY d.org_unit_id, d.indicator_id, {bucket} ORDER BY d.period DESC) AS latest
           {from} AND x.aggregation = 'last') t
         WHERE latest = 1 GROUP BY home_id, indicator_id, b"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<(i64, i64, String, f64)> =
        crate::fetch_all_dyn(&mut tx, &sql, params.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// The approvals of data set `set` at national size: every unit's report
/// of every period approved, but the last two periods' every third one
/// submitted and waiting (and another third not sent). Skipped when the
/// set has approvals already. Answers the rows written and how many wait.
pub async fn generate_approvals(
    db: &Db,
    set: i64,
    units: &[i64],
    periods: &[String],
) -> Result<(u64, u64), StoreError> {
    let have: i64 = fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM data_approvals WHERE data_set_id = $1",
        set
    )?;
    if have > 0 {
        let waiting: i64 = fetch!(
            db,
            fetch_one,
            scalar i64,
            "SELECT COUNT(*) FROM data_approvals WHERE data_set_id = $1 AND state = 'submitted'",
            set
        )?;
        return Ok((0, u64::try_from(waiting).unwrap_or(0)));
    }
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let rows_per = tx.rows_per_statement(6);
    let (mut batch, mut pending, mut n, mut waiting) = (Vec::new(), 0usize, 0u64, 0u64);
    let recent = periods.len().saturating_sub(2);
    for (k, p) in periods.iter().enumerate() {
        for (i, unit) in units.iter().enumerate() {
            let (state, levels) = match (k >= recent, i % 3) {
                (false, _) => ("approved", 1),
                (true, 0) => ("submitted", 0),
                (true, 1) => ("approved", 1),
                (true, _) => continue,
            };
            waiting += u64::from(state == "submitted");
            batch.extend([
                Arg::I64(Some(set)),
                Arg::I64(Some(*unit)),
                Arg::Text(Some(p.clone())),
                Arg::Text(Some(state.into())),
                Arg::I64(Some(levels)),
                Arg::Ts(now),
            ]);
            pending += 1;
            n += 1;
            if pending == rows_per {
                insert_approvals(&mut tx, std::mem::take(&mut batch), pending).await?;
                pending = 0;
            }
        }
    }
    if pending > 0 {
        insert_approvals(&mut tx, batch, pending).await?;
    }
    tx.commit().await?;
    Ok((n, waiting))
}

async fn insert_approvals(
    tx: &mut crate::Tx,
    args: Vec<Arg>,
    rows: usize,
) -> Result<(), StoreError> {
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let b = r * 6;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, NULL)",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO data_approvals (data_set_id, org_unit_id, period, state, levels, updated_at, updated_by) VALUES {}",
        values.join(", ")
    );
    execute_dyn(tx, &sql, args).await?;
    Ok(())
}

/// The baseline of the approvals inbox: the reports submitted under one
/// unit, counted by one plain query.
pub async fn submitted_under(db: &Db, unit: i64) -> Result<i64, StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM data_approvals a JOIN org_unit_reach t ON t.unit_id = a.org_unit_id
         WHERE t.ancestor_id = $1 AND a.state = 'submitted'",
        unit
    )?)
}

// ---- certification (crates/web/benches/certification.rs) -----------------

/// What [`generate_certification`] wrote.
#[derive(Debug, Clone, Default)]
pub struct CertificationData {
    pub villages: usize,
    pub sites: usize,
    pub cases: usize,
    pub steps: usize,
}

/// A national-size certification register, in one transaction of
/// multi-row inserts (not the audited API): `villages` villages spread
/// over the current communes, `sites` agencies, enterprises, schools and
/// religious establishments under them, and for each of `years` one case
/// per village, site and commune of that year (legacy communes before
/// 2025): ~85% certified (by classification), ~10% not certified, the
/// rest of the last year in progress; each decided case with its five
/// steps. The reference units and the default criteria must be loaded.
pub async fn generate_certification(
    db: &Db,
    villages: usize,
    sites: usize,
    years: std::ops::RangeInclusive<i32>,
    seed: u64,
) -> Result<CertificationData, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tx = db.begin().await?;
    let current: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'commune' AND valid_to IS NULL ORDER BY id"
    )?;
    let legacy: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'commune' AND valid_to IS NOT NULL ORDER BY id"
    )?;
    let now = Utc::now();
    let mut rows = Vec::with_capacity(villages);
    for i in 0..villages {
        let c = current
            .get(i % current.len().max(1))
            .copied()
            .ok_or_else(|| StoreError::Data("bench: no commune".into()))?;
        rows.push(unit_row(
            "village",
            "thon",
            &format!("Thôn số {}", i + 1),
            c,
            now,
        ));
    }
    insert_rows(&mut tx, UNIT_HEAD, 10, rows).await?;
    let village_ids: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE level = 'village' ORDER BY id"
    )?;
    let kinds = ["agency", "enterprise", "school", "religious"];
    let mut rows = Vec::with_capacity(sites);
    for i in 0..sites {
        let v = *any(&mut rng, &village_ids)?;
        let k = *kinds.get(i % kinds.len()).unwrap_or(&"school");
        rows.push(unit_row("site", k, &format!("Cơ sở {k} {}", i + 1), v, now));
    }
    insert_rows(&mut tx, UNIT_HEAD, 10, rows).await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    let site_rows: Vec<(i64, String)> = fetch!(
        tx,
        fetch_all,
        (i64, String),
        "SELECT id, kind FROM org_units WHERE level = 'site' ORDER BY id"
    )?;
    let sets = crate::certification::criteria::sets_tx(&mut tx, None).await?;
    let set_of = |kind: &str| {
        sets.iter()
            .find(|s| s.kind.as_str() == kind)
            .map(|s| s.id)
            .ok_or_else(|| StoreError::Data(format!("bench: no criteria for {kind}")))
    };
    let first_case: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COALESCE(MAX(id), 0) + 1 FROM certification_cases"
    )?;
    let last_year = *years.end();
    let mut out = CertificationData {
        villages: village_ids.len(),
        sites: site_rows.len(),
        ..Default::default()
    };
    let classes = ["xuat_sac", "kha", "kha", "trung_binh"];
    let mut next_id = first_case;
    for year in years {
        let communes = if year < 2025 { &legacy } else { &current };
        let units: Vec<(i64, &str)> = village_ids
            .iter()
            .map(|v| (*v, "residential"))
            .chain(communes.iter().map(|c| (*c, "commune")))
            .chain(site_rows.iter().map(|(id, k)| (*id, k.as_str())))
            .collect();
        let mut cases = Vec::with_capacity(units.len());
        let mut steps = Vec::with_capacity(units.len() * 5);
        for (unit, kind) in units {
            let id = next_id;
            next_id += 1;
            let registered = NaiveDate::from_ymd_opt(year, 2, 1).unwrap_or_default();
            let decided = NaiveDate::from_ymd_opt(year, 10, 20).unwrap_or_default();
            let r: f64 = rng.gen();
            let (state, class) = if year == last_year && r < 0.05 {
                ("submitted", None)
            } else if r < 0.15 {
                ("not_certified", Some("khong_dat"))
            } else {
                ("certified", Some(*any(&mut rng, &classes)?))
            };
            let number = (state == "certified").then(|| format!("{id}/GCN-ANTT-{year}"));
            cases.push(vec![
                Arg::I64(Some(id)),
                Arg::I64(Some(unit)),
                Arg::Text(Some(kind.into())),
                Arg::I64(Some(i64::from(year))),
                Arg::I64(Some(set_of(kind)?)),
                Arg::Text(Some(state.into())),
                Arg::Date(Some(if class.is_some() { decided } else { registered })),
                Arg::Date(Some(registered)),
                Arg::Text(class.map(str::to_string)),
                Arg::Date(class.map(|_| decided)),
                Arg::Text(class.map(|_| format!("{}/QĐ-UBND", id % 1000))),
                Arg::I64(number.as_ref().map(|_| unit)),
                Arg::Text(number),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
            let done = if class.is_some() { 5 } else { 3 };
            for (i, action) in ["register", "assess", "submit", "review", "decide"]
                .iter()
                .take(done)
                .enumerate()
            {
                steps.push(vec![
                    Arg::I64(Some(id)),
                    Arg::Text(Some((*action).into())),
                    Arg::Date(Some(registered + Duration::days(20 * i as i64))),
                    Arg::Text(Some("{}".into())),
                    Arg::Ts(now),
                ]);
            }
        }
        out.cases += cases.len();
        out.steps += steps.len();
        insert_rows(
            &mut tx,
            "INSERT INTO certification_cases (id, org_unit_id, kind, year, set_id, state,
                state_since, registered_on, classification, decided_on, decision_no,
                certificate_issuer_id, certificate_no, created_at, updated_at) VALUES ",
            15,
            cases,
        )
        .await?;
        insert_rows(
            &mut tx,
            "INSERT INTO certification_steps (case_id, action, on_date, detail, created_at) VALUES ",
            5,
            steps,
        )
        .await?;
    }
    if tx.is_postgres() {
        execute!(
            tx,
            "SELECT setval(pg_get_serial_sequence('certification_cases', 'id'), (SELECT MAX(id) FROM certification_cases))"
        )?;
    }
    // Cases written around the store: the tallies build from them anew.
    crate::certification::tallies::clear(&mut tx).await?;
    tx.commit().await?;
    analyze(db).await?;
    Ok(out)
}

/// The plain baseline of the dashboard: one GROUP BY over a year's cases
/// (no hierarchy, no areas).
pub async fn plain_certification_counts(db: &Db, year: i32) -> Result<usize, StoreError> {
    let rows: Vec<(String, String, i64)> = fetch!(
        db,
        fetch_all,
        (String, String, i64),
        "SELECT kind, state, COUNT(*) FROM certification_cases WHERE year = $1 GROUP BY kind, state",
        year
    )?;
    Ok(rows.len())
}

const UNIT_HEAD: &str = "INSERT INTO org_units (level, kind, name, short_name, name_folded,
    short_folded, sort_key, parent_id, created_at, updated_at) VALUES ";

/// One generated unit's row for [`UNIT_HEAD`] (its short name is its name).
fn unit_row(
    level: &str,
    kind: &str,
    name: &str,
    parent: i64,
    now: chrono::DateTime<Utc>,
) -> Vec<Arg> {
    vec![
        Arg::Text(Some(level.into())),
        Arg::Text(Some(kind.into())),
        Arg::Text(Some(name.into())),
        Arg::Text(Some(name.into())),
        Arg::Text(Some(fold(name))),
        Arg::Text(Some(fold(name))),
        Arg::Text(Some(sort_key(name))),
        Arg::I64(Some(parent)),
        Arg::Ts(now),
        Arg::Ts(now),
    ]
}

/// `n` new villages in commune `commune` (for registering them at once).
pub async fn villages_in(
    db: &Db,
    commune: i64,
    n: usize,
    tag: &str,
) -> Result<Vec<i64>, StoreError> {
    let mut tx = db.begin().await?;
    let now = Utc::now();
    let rows = (0..n)
        .map(|i| {
            unit_row(
                "village",
                "to_dan_pho",
                &format!("Tổ {tag} {}", i + 1),
                commune,
                now,
            )
        })
        .collect();
    insert_rows(&mut tx, UNIT_HEAD, 10, rows).await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    let ids: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units WHERE parent_id = $1 AND name LIKE $2 ORDER BY id",
        commune,
        format!("Tổ {tag} %")
    )?;
    tx.commit().await?;
    Ok(ids)
}

// ---- forces and training (crates/web/benches/forces.rs) -------------------

/// What [`generate_forces`] wrote.
#[derive(Debug, Clone, Default)]
pub struct ForcesData {
    pub villages: usize,
    pub teams: usize,
    pub members: usize,
    pub classes: usize,
    pub enrolments: usize,
    pub attendance: usize,
}

/// A national-size register of security teams and their training, in one
/// transaction of multi-row inserts (not the audited API): `villages`
/// villages over the current communes, a team in each since July 2024
/// with 3–4 members (a leader, a deputy), one person each; one course;
/// `classes_per_commune` classes of every current commune over the last
/// two years, 25 of the commune's members each (or as many as it has),
/// two sessions marked for every trainee, results entered (nine in ten
/// pass). The reference units must be loaded.
pub async fn generate_forces(
    db: &Db,
    villages: usize,
    classes_per_commune: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<ForcesData, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tx = db.begin().await?;
    let communes: Vec<(i64, i64)> = fetch!(
        tx,
        fetch_all,
        (i64, i64),
        "SELECT id, parent_id FROM org_units
          WHERE level = 'commune' AND valid_to IS NULL AND parent_id IS NOT NULL ORDER BY id"
    )?;
    if communes.is_empty() {
        return Err(StoreError::Data("bench: no commune".into()));
    }
    let now = Utc::now();
    let rows = (0..villages)
        .map(|i| {
            let (c, _) = communes
                .get(i % communes.len())
                .copied()
                .unwrap_or_default();
            unit_row("village", "thon", &format!("Thôn số {}", i + 1), c, now)
        })
        .collect();
    insert_rows(&mut tx, UNIT_HEAD, 10, rows).await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    // (village, commune, province)
    let places: Vec<(i64, i64, i64)> = fetch!(
        tx,
        fetch_all,
        (i64, i64, i64),
        "SELECT v.id, c.id, c.parent_id FROM org_units v JOIN org_units c ON c.id = v.parent_id
          WHERE v.level = 'village' AND c.valid_to IS NULL ORDER BY v.id"
    )?;
    let mut team_id: i64 = next_id(&mut tx, "security_teams").await?;
    let mut person_id: i64 = next_id(&mut tx, "people").await?;
    let established = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap_or(today);
    let mut teams = Vec::with_capacity(places.len());
    let mut people = Vec::with_capacity(places.len() * 4);
    let mut members = Vec::with_capacity(places.len() * 4);
    // The members of each commune, for its classes.
    let mut of_commune: std::collections::HashMap<i64, Vec<i64>> = Default::default();
    for (village, commune, province) in &places {
        teams.push(vec![
            Arg::I64(Some(team_id)),
            Arg::I64(Some(*village)),
            Arg::I64(Some(*province)),
            Arg::Text(Some("to_bao_ve_antt".into())),
            Arg::Text(Some(format!("Tổ bảo vệ ANTT {team_id}"))),
            Arg::Date(Some(established)),
            Arg::Text(Some(format!("{}/QĐ-UBND", team_id % 1000))),
            Arg::Ts(now),
            Arg::Ts(now),
        ]);
        let n = 3 + rng.gen_range(0..2);
        for k in 0..n {
            let name = format!("Nguyễn Văn {person_id}");
            let born =
                NaiveDate::from_ymd_opt(1960 + rng.gen_range(0..40), 1 + rng.gen_range(0..12), 1)
                    .unwrap_or(established);
            people.push(vec![
                Arg::I64(Some(person_id)),
                Arg::Text(Some(name.clone())),
                Arg::Text(Some(fold(&name))),
                Arg::Date(Some(born)),
                Arg::I64(Some(*village)),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
            let role = match k {
                0 => "to_truong",
                1 => "to_pho",
                _ => "to_vien",
            };
            members.push(vec![
                Arg::I64(Some(team_id)),
                Arg::I64(Some(person_id)),
                Arg::Text(Some(role.into())),
                Arg::Date(Some(established)),
                Arg::Text(Some(format!("{}/QĐ-UBND", team_id % 1000))),
                Arg::Bool(true),
                Arg::Text(Some("[]".into())),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
            of_commune.entry(*commune).or_default().push(person_id);
            person_id += 1;
        }
        team_id += 1;
    }
    let mut out = ForcesData {
        villages: places.len(),
        teams: teams.len(),
        members: members.len(),
        ..Default::default()
    };
    insert_rows(
        &mut tx,
        "INSERT INTO security_teams (id, org_unit_id, province_id, force, name, established_on,
            decision_no, created_at, updated_at) VALUES ",
        9,
        teams,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO people (id, full_name, name_folded, birth_date, home_unit_id, created_at,
            updated_at) VALUES ",
        7,
        people,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO team_members (team_id, person_id, role, start_on, decision_no, no_sanction,
            eligibility, created_at, updated_at) VALUES ",
        9,
        members,
    )
    .await?;

    // Training: one course, classes of every commune, two sessions each.
    let course: i64 = next_id(&mut tx, "courses").await?;
    execute!(
        tx,
        "INSERT INTO courses (id, name, name_folded, total_hours, refresher_months, pass_mark,
            min_attendance_percent, created_at, updated_at)
         VALUES ($1, 'Bồi dưỡng nghiệp vụ (bench)', 'boi duong nghiep vu (bench)', 16, 12, 5, 80, $2, $2)",
        course,
        now
    )?;
    execute!(
        tx,
        "INSERT INTO course_topics (course_id, topic, hours) VALUES ($1, 'tuan_tra', 16)",
        course
    )?;
    let mut class_id: i64 = next_id(&mut tx, "training_classes").await?;
    let mut enrolment_id: i64 = next_id(&mut tx, "enrolments").await?;
    let (mut classes, mut sessions, mut enrolments, mut marks) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let two_years_ago = today - Duration::days(730);
    for (commune, province) in &communes {
        let Some(trainees) = of_commune.get(commune) else {
            continue;
        };
        for _ in 0..classes_per_commune {
            let first = day_between(&mut rng, two_years_ago, today - Duration::days(2));
            let days = [first, first + Duration::days(1)];
            classes.push(vec![
                Arg::I64(Some(class_id)),
                Arg::I64(Some(course)),
                Arg::I64(Some(*commune)),
                Arg::I64(Some(*province)),
                Arg::Text(Some(format!("Lớp {class_id}"))),
                Arg::Text(Some("team_members".into())),
                Arg::Date(Some(days[0])),
                Arg::Date(Some(days[1])),
                Arg::I64(Some(40)),
                Arg::I64(Some(2)),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
            for d in days {
                sessions.push(vec![Arg::I64(Some(class_id)), Arg::Date(Some(d))]);
            }
            let start = rng.gen_range(0..trainees.len());
            for k in 0..trainees.len().min(25) {
                let Some(&person) = trainees.get((start + k) % trainees.len()) else {
                    continue;
                };
                let missed = rng.gen_range(0..10) == 0;
                let score = f64::from(rng.gen_range(3..11));
                let passed = score >= 5.0 && !missed;
                enrolments.push(vec![
                    Arg::I64(Some(enrolment_id)),
                    Arg::I64(Some(class_id)),
                    Arg::I64(Some(person)),
                    Arg::Date(Some(days[0])),
                    Arg::I64(Some(if missed { 1 } else { 2 })),
                    Arg::F64(Some(score)),
                    Arg::Bool(passed),
                    Arg::Text(
                        passed.then(|| format!("{enrolment_id:03}/{}/CN-TH", days[1].year())),
                    ),
                    Arg::Date(passed.then_some(days[1])),
                    Arg::Ts(now),
                    Arg::Ts(now),
                ]);
                for (i, d) in days.iter().enumerate() {
                    marks.push(vec![
                        Arg::I64(Some(enrolment_id)),
                        Arg::Date(Some(*d)),
                        Arg::Bool(!(missed && i == 0)),
                    ]);
                }
                enrolment_id += 1;
            }
            class_id += 1;
        }
    }
    out.classes = classes.len();
    out.enrolments = enrolments.len();
    out.attendance = marks.len();
    insert_rows(
        &mut tx,
        "INSERT INTO training_classes (id, course_id, organiser_unit_id, province_id, name,
            audience, starts_on, ends_on, capacity, sessions, created_at, updated_at) VALUES ",
        12,
        classes,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO class_sessions (class_id, session_on) VALUES ",
        2,
        sessions,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO enrolments (id, class_id, person_id, enrolled_on, attended, score, passed,
            certificate_no, certified_on, created_at, updated_at) VALUES ",
        11,
        enrolments,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO attendance (enrolment_id, session_on, present) VALUES ",
        3,
        marks,
    )
    .await?;
    if tx.is_postgres() {
        for table in [
            "security_teams",
            "people",
            "courses",
            "training_classes",
            "enrolments",
        ] {
            execute_dyn(
                &mut tx,
                &format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"),
                vec![],
            )
            .await?;
        }
    }
    tx.commit().await?;
    db.optimize().await?;
    if db.is_postgres() {
        execute!(
            db,
            "VACUUM (ANALYZE) org_units, org_unit_reach, org_unit_tree, security_teams,
                team_members, people, training_classes, class_sessions, enrolments, attendance"
        )?;
    }
    Ok(out)
}

/// The id after the largest of `table` (rows inserted with their ids).
async fn next_id(tx: &mut crate::Tx, table: &str) -> Result<i64, StoreError> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    Ok(fetch_dyn!(tx, fetch_one, scalar i64, &sql, Vec::<Arg>::new())?)
}

/// The province with the most teams (at small sizes not every province
/// has one): its id and name.
pub async fn province_with_most_teams(db: &Db) -> Result<(i64, String), StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        (i64, String),
        "SELECT t.province_id, u.name FROM security_teams t JOIN org_units u ON u.id = t.province_id
          GROUP BY t.province_id, u.name ORDER BY COUNT(*) DESC, t.province_id LIMIT 1"
    )?)
}

/// The plain baselines of the forces benchmark: one GROUP BY over the
/// open memberships by province, and one over a province's classes.
pub async fn plain_forces_counts(db: &Db) -> Result<usize, StoreError> {
    let rows: Vec<(i64, i64)> = fetch!(
        db,
        fetch_all,
        (i64, i64),
        "SELECT t.province_id, COUNT(*) FROM team_members m JOIN security_teams t ON t.id = m.team_id
          WHERE m.end_on IS NULL GROUP BY t.province_id"
    )?;
    Ok(rows.len())
}

pub async fn plain_class_counts(
    db: &Db,
    province: i64,
    from: NaiveDate,
) -> Result<i64, StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM enrolments e JOIN training_classes c ON c.id = e.class_id
          WHERE c.province_id = $1 AND c.ends_on >= $2 AND e.attended > 0",
        province,
        from
    )?)
}
