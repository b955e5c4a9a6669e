//! Helpers of the benchmarks: the baseline of the load benchmark (rows
//! into a bare table) and the national-size data set of the models one.

pub mod commendations;
pub mod directives;
pub mod festivals;
pub mod programs;
pub mod tips;

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

/// Every table's statistics, as autovacuum would have them after a load
/// (SQLite: `ANALYZE` through `optimize`; PostgreSQL: `ANALYZE` of the
/// whole database).
pub async fn analyze_all(db: &Db) -> Result<(), StoreError> {
    db.optimize().await?;
    if db.is_postgres() {
        execute!(db, "ANALYZE")?;
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
    // In SQLite's key order (unit, period, indicator): appending to the
    // B-tree instead of inserting all over it (PostgreSQL's heap takes
    // rows in any order; its key is built as they come).
    for unit in units {
        for p in periods {
            for ind in indicators {
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
    if n > 0 {
        crate::statistics::mark_has_values(&mut tx, indicators).await?;
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

/// The rollups' tables vacuumed, as autovacuum would have them between
/// two runs on a kept database (PostgreSQL; nothing to do on SQLite).
pub async fn vacuum_rollups(db: &Db) -> Result<(), StoreError> {
    if db.is_postgres() {
        execute!(
            db,
            "VACUUM (ANALYZE) rollup_deltas, rollup_rows, rollups, data_values"
        )?;
    }
    Ok(())
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
    provinces_by_communes(db, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Data("bench: no province with communes".into()))
}

/// The `n` 2025 provinces with the most communes, most first: `(id, name)`.
pub async fn provinces_by_communes(db: &Db, n: usize) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        (i64, String),
        "SELECT p.id, p.name FROM org_units p JOIN org_units c ON c.parent_id = p.id
         WHERE p.level = 'province' AND p.valid_to IS NULL AND c.level = 'commune' AND c.valid_to IS NULL
         GROUP BY p.id, p.name ORDER BY COUNT(*) DESC, p.id LIMIT $1",
        n as i64
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

/// Gives a generated register of forces a past (`generate_forces` makes
/// Law 30's teams of 1 July 2024 alone): every third team becomes an
/// older force's, established in 2019 and ended the day before Law 30,
/// its members serving from 2020; every fifth member of the others leaves
/// at the end of 2024; every seventh team of Law 30 ends in March 2025.
/// Year ends before and after the Law then count different teams.
pub async fn age_forces(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "UPDATE security_teams SET force = 'dan_phong', established_on = $1, ended_on = $2
          WHERE id % 3 = 0",
        NaiveDate::from_ymd_opt(2019, 5, 1),
        NaiveDate::from_ymd_opt(2024, 6, 30)
    )?;
    execute!(
        tx,
        "UPDATE team_members SET start_on = $1
          WHERE team_id IN (SELECT id FROM security_teams WHERE force = 'dan_phong')",
        NaiveDate::from_ymd_opt(2020, 3, 1)
    )?;
    execute!(
        tx,
        "UPDATE team_members SET end_on = $1 WHERE person_id % 5 = 0
            AND team_id IN (SELECT id FROM security_teams WHERE force = 'to_bao_ve_antt')",
        NaiveDate::from_ymd_opt(2024, 12, 31)
    )?;
    execute!(
        tx,
        "UPDATE security_teams SET ended_on = $1 WHERE id % 7 = 1 AND force = 'to_bao_ve_antt'",
        NaiveDate::from_ymd_opt(2025, 3, 31)
    )?;
    tx.commit().await?;
    Ok(())
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

// ---- documents (crates/web/benches/programs.rs) ---------------------------

/// What [`generate_documents`] wrote.
#[derive(Debug, Clone, Default)]
pub struct DocumentsData {
    pub documents: usize,
    pub national: usize,
    pub province: usize,
    pub commune: usize,
    /// Issued since the 2025 reform (at its 34 provinces and 3,321
    /// communes; the earlier ones at the legacy units).
    pub since_reform: usize,
    pub replaced: usize,
    pub issuers: usize,
    pub files: usize,
    /// Files without text (scans): not in the index.
    pub scans: usize,
    /// Words of the files' text, all files together.
    pub words: usize,
}

/// The words the files and summaries are made of, the most frequent
/// first (drawn with Zipf's weights): the register's own vocabulary.
const DOC_TERMS: &[&str] = &[
    "và",
    "các",
    "của",
    "công an",
    "an ninh",
    "trật tự",
    "thực hiện",
    "trên địa bàn",
    "nhân dân",
    "phong trào",
    "toàn dân bảo vệ an ninh Tổ quốc",
    "tổ chức",
    "cơ sở",
    "triển khai",
    "đơn vị",
    "năm",
    "trong",
    "lực lượng",
    "cán bộ",
    "chiến sĩ",
    "đảm bảo",
    "tình hình",
    "xã hội",
    "phòng ngừa",
    "tội phạm",
    "vi phạm pháp luật",
    "quần chúng",
    "tham gia",
    "phối hợp",
    "chính quyền",
    "cấp ủy",
    "Đảng",
    "Mặt trận Tổ quốc",
    "đoàn thể",
    "hộ gia đình",
    "khu dân cư",
    "thôn",
    "tổ dân phố",
    "xây dựng",
    "củng cố",
    "nâng cao",
    "hiệu quả",
    "chất lượng",
    "tuyên truyền",
    "vận động",
    "phổ biến",
    "giáo dục pháp luật",
    "kiểm tra",
    "giám sát",
    "báo cáo",
    "kết quả",
    "sơ kết",
    "tổng kết",
    "khen thưởng",
    "điển hình tiên tiến",
    "mô hình",
    "tự quản",
    "tự phòng",
    "tự bảo vệ",
    "tự hòa giải",
    "hòa giải ở cơ sở",
    "tranh chấp",
    "mâu thuẫn",
    "trộm cắp tài sản",
    "ma túy",
    "tệ nạn xã hội",
    "cờ bạc",
    "an toàn giao thông",
    "trật tự đô thị",
    "phòng cháy chữa cháy",
    "cứu nạn cứu hộ",
    "tín dụng đen",
    "lừa đảo qua mạng",
    "không gian mạng",
    "camera an ninh",
    "đối tượng",
    "người nghiện",
    "tái hòa nhập cộng đồng",
    "giúp đỡ",
    "thanh thiếu niên",
    "học sinh",
    "nhà trường",
    "doanh nghiệp",
    "cơ quan",
    "tôn giáo",
    "dân tộc",
    "lao động",
    "khu công nghiệp",
    "tạm trú",
    "cư trú",
    "căn cước",
    "định danh điện tử",
    "chuyển đổi số",
    "dữ liệu dân cư",
    "Đề án 06",
    "vũ khí",
    "vật liệu nổ",
    "công cụ hỗ trợ",
    "thu hồi",
    "tổ bảo vệ an ninh trật tự",
    "lực lượng tham gia bảo vệ an ninh trật tự ở cơ sở",
    "dân phòng",
    "tuần tra",
    "canh gác",
    "nắm tình hình",
    "tin báo",
    "tố giác tội phạm",
    "đường dây nóng",
    "nhóm Zalo",
    "ngày hội",
    "ngày truyền thống",
    "thi đua",
    "bằng khen",
    "giấy khen",
    "tập thể",
    "cá nhân",
    "xuất sắc",
    "tiêu chí",
    "công nhận",
    "an toàn về an ninh trật tự",
    "nông thôn mới",
    "văn minh đô thị",
    "kinh phí",
    "ngân sách",
    "hỗ trợ",
    "chế độ chính sách",
    "bồi dưỡng",
    "tập huấn",
    "nghiệp vụ",
    "học viên",
    "quy chế",
    "Hội Liên hiệp Phụ nữ",
    "Đoàn Thanh niên",
    "Hội Cựu chiến binh",
    "Hội Nông dân",
    "Liên đoàn Lao động",
    "Hội Người cao tuổi",
    "bệnh viện",
    "chợ",
    "bến xe",
    "lễ hội",
    "mùa mưa bão",
    "Tết Nguyên đán",
    "cao điểm",
    "tấn công trấn áp",
    "truy nã",
    "vận động đầu thú",
    "bạo lực gia đình",
    "xâm hại trẻ em",
    "đuối nước",
    "môi trường",
    "đất đai",
    "xây dựng trái phép",
    "lấn chiếm",
    "thiên tai",
    "dịch bệnh",
    "người nước ngoài",
    "xuất nhập cảnh",
    "tin giả",
    "thông tin xấu độc",
    "mạng xã hội",
    "chống phá",
    "bầu cử",
    "đại hội",
    "kỷ niệm",
    "chỉ đạo",
    "điều hành",
    "nhiệm vụ trọng tâm",
    "giải pháp",
    "mục tiêu",
    "chỉ tiêu",
    "tiến độ",
    "thời gian",
    "trách nhiệm",
    "phân công",
    "đầu mối",
    "thường trực",
    "ban chỉ đạo",
    "tổ công tác",
    "hướng dẫn",
    "quy định",
    "quy trình",
    "biểu mẫu",
    "số liệu",
    "thống kê",
    "định kỳ",
    "hằng tháng",
    "hằng quý",
    "sáu tháng đầu năm",
    "cuối năm",
    "đề nghị",
    "kiến nghị",
    "đề xuất",
    "tồn tại",
    "hạn chế",
    "nguyên nhân",
    "bài học kinh nghiệm",
    "phương hướng",
    "nhiệm vụ",
    "thời gian tới",
    "đồng chí",
    "trưởng công an",
    "phó trưởng công an",
    "chủ tịch",
    "bí thư",
    "trưởng thôn",
];

/// Words a few hundred files each hold, for searches that find few.
const RARE_DOC_TERMS: &[&str] = &[
    "flycam",
    "pháo nổ",
    "thuốc lá điện tử",
    "khí cười",
    "bóng cười",
    "ma túy đá",
    "cần sa",
    "tiền ảo",
    "đa cấp",
    "vàng giả",
    "hàng cấm",
    "lũ quét",
    "sạt lở đất",
    "hồ chứa",
    "cầu treo",
    "đò ngang",
    "thủy điện",
    "rừng phòng hộ",
    "lâm tặc",
    "tê tê",
    "chim hoang dã",
    "đua xe trái phép",
    "họ hụi",
    "cầm đồ",
    "karaoke",
    "nhà nghỉ",
    "tàu cá",
    "khai thác cát",
    "hành lang điện",
    "đê điều",
    "trường mầm non",
    "ký túc xá",
    "chung cư mini",
    "xe điện",
    "trạm sạc",
    "pin năng lượng mặt trời",
    "trang trại",
    "hợp tác xã",
    "làng nghề",
    "di tích",
    "nhà thờ họ",
    "giáo xứ",
    "chùa",
    "lễ hội đền",
    "đền thờ",
    "bắt cóc trực tuyến",
    "sim rác",
    "tài khoản ngân hàng",
    "ví điện tử",
    "app vay tiền",
    "game online",
    "livestream",
    "hàng giả",
    "xăng dầu",
    "khoáng sản",
    "chó thả rông",
    "tiếng ồn",
    "rác thải",
    "nước sạch",
    "điện sinh hoạt",
    "hỏa hoạn chợ",
    "kho hóa chất",
];

/// Subjects: what a document is about, with the kinds that speak of it.
const DOC_TOPICS: &[&str] = &[
    "phong trào Toàn dân bảo vệ an ninh Tổ quốc",
    "công tác phòng, chống tội phạm và tệ nạn ma túy",
    "bảo đảm trật tự, an toàn giao thông",
    "công tác phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "xây dựng mô hình tự quản về an ninh, trật tự",
    "thực hiện Đề án 06 về dữ liệu dân cư, định danh và xác thực điện tử",
    "lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
    "phòng, chống lừa đảo chiếm đoạt tài sản trên không gian mạng",
    "cao điểm tấn công, trấn áp tội phạm dịp Tết Nguyên đán",
    "xét công nhận xã, phường, thị trấn đạt tiêu chuẩn an toàn về an ninh, trật tự",
    "Ngày hội Toàn dân bảo vệ an ninh Tổ quốc 19/8",
    "giúp đỡ, cảm hóa người lầm lỗi tái hòa nhập cộng đồng",
    "quản lý cư trú, tạm trú, tạm vắng",
    "vận động toàn dân giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ",
    "phòng, chống tín dụng đen",
    "bảo đảm an ninh, trật tự cuộc bầu cử",
    "phòng, chống bạo lực gia đình và xâm hại trẻ em",
    "bảo đảm an ninh, trật tự các lễ hội",
    "phòng, chống đuối nước cho học sinh trong dịp hè",
    "xây dựng khu dân cư, cơ quan, doanh nghiệp, nhà trường an toàn về an ninh, trật tự",
    "khen thưởng tập thể, cá nhân có thành tích xuất sắc",
    "tập huấn nghiệp vụ cho tổ bảo vệ an ninh, trật tự",
    "phối hợp bảo đảm an ninh, trật tự trong khu công nghiệp",
    "phòng, chống đua xe trái phép",
];

const DOC_FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const DOC_MIDDLE: &[&str] = &[
    "Văn", "Thị", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Ngọc", "Xuân", "Công",
];
const DOC_GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hùng", "Hương", "Lan", "Long", "Mai", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Thủy", "Trung", "Tuấn", "Việt", "Khánh", "Lực",
];

/// A unit that issues documents.
#[derive(sqlx::FromRow)]
struct Issuing {
    id: i64,
    kind: String,
    name: String,
    short_name: String,
    valid_to: Option<NaiveDate>,
}

/// One planned document (its files' text is drawn when it is written).
struct PlannedDoc {
    id: i64,
    kind: domain::documents::Kind,
    number: String,
    issued_on: NaiveDate,
    issuers: Vec<String>,
    signer: String,
    subject: String,
    level: &'static str,
    unit: Option<i64>,
    /// The unit's name as its texts mention it (folded).
    place: String,
    in_force_from: NaiveDate,
    in_force_until: Option<NaiveDate>,
    summary: Option<String>,
    files: usize,
}

/// "Tỉnh Ninh Bình" → "tỉnh Ninh Bình", as an issuer's name reads.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The kinds a level issues, with their weights, the symbol of each, and
/// whether two bodies issue it jointly.
fn doc_kinds(level: &str) -> Vec<(domain::documents::Kind, u32, &'static str, bool)> {
    use domain::documents::Kind as K;
    match level {
        "national" => vec![
            (K::Law, 3, "QH", false),
            (K::Decree, 12, "NĐ-CP", false),
            (K::Circular, 25, "TT-BCA", false),
            (K::Directive, 10, "CT-TTg", false),
            (K::Decision, 20, "QĐ-BCA", false),
            (K::Plan, 15, "KH-BCA", false),
            (K::OfficialLetter, 15, "BCA-V05", false),
        ],
        _ => vec![
            (K::Plan, 30, "KH", false),
            (K::OfficialLetter, 20, "CV", false),
            (K::Decision, 15, "QĐ", false),
            (K::Report, 12, "BC", false),
            (K::Guidance, 6, "HD", false),
            (K::Directive, 4, "CT", false),
            (K::Programme, 4, "CTr", true),
            (K::Resolution, 3, "NQ", false),
            (K::JointResolution, 2, "NQLT", true),
            (K::Other, 4, "TB", false),
        ],
    }
}

/// The folded words of one file: `words` words drawn from the register's
/// vocabulary (Zipf), a rare word now and then, the place and the year.
fn doc_file_text(
    rng: &mut StdRng,
    words: usize,
    terms: &[String],
    zipf: &rand::distributions::WeightedIndex<f64>,
    rare: &[String],
    place: &str,
    year: i32,
) -> (String, usize) {
    let mut out = String::with_capacity(words * 7);
    let mut n = 0;
    while n < words {
        let r: f64 = rng.gen();
        let term: std::borrow::Cow<'_, str> = if r < 0.003 {
            any(rng, rare).map(|s| s.as_str()).unwrap_or("").into()
        } else if r < 0.03 {
            place.into()
        } else if r < 0.04 {
            format!("{}", year - rng.gen_range(0..3)).into()
        } else if r < 0.05 {
            format!("{}", rng.gen_range(1..200)).into()
        } else {
            terms
                .get(rng.sample(zipf))
                .map(|s| s.as_str())
                .unwrap_or("")
                .into()
        };
        if term.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&term);
        n += term.split(' ').count();
    }
    (out, n)
}

/// Inserts `rows` (each `cols` values) with `head`, each row's tuple
/// written by `tuple` from its placeholders (`$1` …): for values computed
/// in SQL beside the bound ones.
async fn insert_rows_as(
    tx: &mut crate::Tx,
    head: &str,
    cols: usize,
    rows: Vec<Vec<Arg>>,
    tuple: impl Fn(&[String]) -> String,
) -> Result<(), StoreError> {
    let per = tx.rows_per_statement(cols);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Vec<Arg>> = it.by_ref().take(per).collect();
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let ps: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
                tuple(&ps)
            })
            .collect();
        let sql = format!("{head}{}", values.join(", "));
        execute_dyn(tx, &sql, chunk.into_iter().flatten().collect()).await?;
    }
    Ok(())
}

/// A national-size register of documents, in transactions of multi-row
/// inserts (not the audited API), `BATCH` documents each: `documents`
/// documents over the last ten years (more of them recent), ~2% national,
/// ~30% of provinces and the rest of communes — those issued since the
/// 2025 reform at its 34 provinces and 3,321 communes, the earlier ones at
/// the legacy units, as the register's check requires — with their
/// issuing bodies (a joint programme or resolution names two), numbers
/// counted per body, year and symbol (`123/KH-CAT`), subjects and
/// summaries in Vietnamese, ~5% replaced by a later one of the same unit
/// and kind; about `files_per_doc` files each (1 to 2 × `files_per_doc`
/// − 1), one in twenty a scan without text, the others 150–450 words of
/// folded text; and the search index as `documents::search` writes it
/// (SQLite's `documents_fts`, PostgreSQL's `documents.search`). The
/// reference units must be loaded. Statistics are refreshed at the end.
pub async fn generate_documents(
    db: &Db,
    documents: usize,
    files_per_doc: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<DocumentsData, StoreError> {
    use domain::documents::{index_text, issuer_key, number_key, Kind as DocKind};
    use rand::distributions::WeightedIndex;
    const BATCH: usize = 2_000;

    let mut rng = StdRng::seed_from_u64(seed);
    let reform = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(today);
    let units: Vec<(String, Issuing)> = fetch!(
        db,
        fetch_all,
        Issuing,
        "SELECT id, kind, name, short_name, valid_to FROM org_units
          WHERE level IN ('province', 'commune') ORDER BY id"
    )?
    .into_iter()
    .map(|u| {
        let level = if u.kind == "tinh" || u.kind == "thanh_pho" {
            "province"
        } else {
            "commune"
        };
        (level.to_string(), u)
    })
    .collect();
    let pick = |level: &str, current: bool| -> Vec<&Issuing> {
        units
            .iter()
            .filter(|(l, u)| l == level && u.valid_to.is_none() == current)
            .map(|(_, u)| u)
            .collect()
    };
    let (prov_now, prov_was) = (pick("province", true), pick("province", false));
    let (comm_now, comm_was) = (pick("commune", true), pick("commune", false));
    if prov_now.is_empty() || comm_now.is_empty() {
        return Err(StoreError::Data("bench: no province or commune".into()));
    }

    let err = |e: rand::distributions::WeightedError| StoreError::Data(format!("bench: {e}"));
    let terms: Vec<String> = DOC_TERMS.iter().map(|t| index_text(t)).collect();
    let zipf = WeightedIndex::new((0..terms.len()).map(|r| 1.0 / (r as f64 + 1.0))).map_err(err)?;
    let rare: Vec<String> = RARE_DOC_TERMS.iter().map(|t| index_text(t)).collect();
    let national_kinds = doc_kinds("national");
    let local_kinds = doc_kinds("province");
    let national_w = WeightedIndex::new(national_kinds.iter().map(|k| k.1)).map_err(err)?;
    let local_w = WeightedIndex::new(local_kinds.iter().map(|k| k.1)).map_err(err)?;
    let national_bodies = [
        ("Bộ Công an", "BCA"),
        ("Chính phủ", "CP"),
        ("Thủ tướng Chính phủ", "TTg"),
        ("Quốc hội", "QH"),
    ];

    // The register, planned: numbers counted per body, year and symbol.
    let first_id = {
        let mut tx = db.begin().await?;
        let id = next_id(&mut tx, "documents").await?;
        tx.rollback().await?;
        id
    };
    let mut counters: std::collections::HashMap<(String, i32, String), u32> = Default::default();
    let mut out = DocumentsData::default();
    let mut planned: Vec<PlannedDoc> = Vec::with_capacity(documents);
    for i in 0..documents {
        // More recent texts than old ones: 3,650 days × u^1.5.
        let back = (3650.0 * rng.gen::<f64>().powf(1.5)) as i64;
        let issued_on = today - Duration::days(back);
        let year = issued_on.year();
        let now = issued_on >= reform;
        out.since_reform += usize::from(now);
        let r: f64 = rng.gen();
        let (level, unit): (&'static str, Option<&Issuing>) = if r < 0.02 {
            ("national", None)
        } else if r < 0.32 {
            let from = if now || prov_was.is_empty() {
                &prov_now
            } else {
                &prov_was
            };
            ("province", Some(*any(&mut rng, from)?))
        } else {
            let from = if now || comm_was.is_empty() {
                &comm_now
            } else {
                &comm_was
            };
            ("commune", Some(*any(&mut rng, from)?))
        };
        let k = if level == "national" {
            national_kinds.get(rng.sample(&national_w))
        } else {
            local_kinds.get(rng.sample(&local_w))
        };
        let (kind, symbol, joint) = k
            .map(|k| (k.0, k.2, k.3))
            .ok_or_else(|| StoreError::Data("bench: no kind".into()))?;
        // The issuing bodies, the first one's abbreviation in the number.
        let (place_name, issuers, body) = match unit {
            None => {
                let (name, abbr) = national_bodies
                    .iter()
                    .find(|b| symbol.ends_with(b.1))
                    .or(national_bodies.first())
                    .copied()
                    .unwrap_or(("Bộ Công an", "BCA"));
                (
                    "Việt Nam".to_string(),
                    vec![name.to_string()],
                    abbr.to_string(),
                )
            }
            Some(u) => {
                let place = lower_first(&u.name);
                let police = match u.kind.as_str() {
                    "tinh" => "CAT",
                    "thanh_pho" => "CATP",
                    "phuong" => "CAP",
                    _ => "CAX",
                };
                let party = match u.kind.as_str() {
                    "tinh" => format!("Tỉnh ủy {}", u.short_name),
                    "thanh_pho" => format!("Thành ủy {}", u.short_name),
                    _ => format!("Đảng ủy {place}"),
                };
                let bodies = if joint {
                    vec![
                        (format!("Công an {place}"), police),
                        (format!("Ủy ban Mặt trận Tổ quốc Việt Nam {place}"), "MTTQ"),
                    ]
                } else {
                    match rng.gen_range(0..10) {
                        0..=5 => vec![(format!("Công an {place}"), police)],
                        6..=8 => vec![(format!("Ủy ban nhân dân {place}"), "UBND")],
                        _ if level == "province" => vec![(party, "TU")],
                        _ => vec![(party, "ĐU")],
                    }
                };
                let abbr: Vec<&str> = bodies.iter().map(|b| b.1).collect();
                let abbr = abbr.join("-");
                (
                    u.name.clone(),
                    bodies.into_iter().map(|b| b.0).collect(),
                    abbr,
                )
            }
        };
        let first_key = issuers.first().map(|s| issuer_key(s)).unwrap_or_default();
        let seq = counters
            .entry((first_key, year, format!("{symbol}-{body}")))
            .or_insert(0);
        *seq += 1;
        let number = match (level, kind) {
            ("national", DocKind::Law) => format!("{}/{year}/QH15", *seq),
            ("national", DocKind::OfficialLetter) => format!("{}/{symbol}", *seq),
            ("national", DocKind::Decree | DocKind::Circular) => {
                format!("{}/{year}/{symbol}", *seq)
            }
            ("national", _) => format!("{}/{symbol}", *seq),
            (_, DocKind::OfficialLetter) => format!("{}/{body}-PV01", *seq),
            _ => format!("{}/{symbol}-{body}", *seq),
        };
        let topic = *any(&mut rng, DOC_TOPICS)?;
        let label = kind.label();
        let subject = match kind {
            DocKind::Plan => format!(
                "{label} triển khai {topic} trên địa bàn {} năm {year}",
                lower_first(&place_name)
            ),
            DocKind::OfficialLetter => format!("V/v tăng cường {topic}"),
            DocKind::Decision => format!(
                "{label} kiện toàn Ban Chỉ đạo {topic} {}",
                lower_first(&place_name)
            ),
            DocKind::Report => format!(
                "{label} {} {topic} năm {year}",
                if rng.gen_bool(0.5) {
                    "sơ kết sáu tháng"
                } else {
                    "tổng kết"
                }
            ),
            DocKind::Programme => format!("{label} về {topic} giai đoạn {year}–{}", year + 4),
            _ => format!("{label} về {topic}"),
        };
        let signer = format!(
            "{} {} {}",
            any(&mut rng, DOC_FAMILY)?,
            any(&mut rng, DOC_MIDDLE)?,
            any(&mut rng, DOC_GIVEN)?
        );
        let summary = rng.gen_bool(0.25).then(|| {
            let mut s = String::from("Nội dung:");
            for _ in 0..rng.gen_range(8..16) {
                s.push(' ');
                s.push_str(DOC_TERMS.get(rng.sample(&zipf)).copied().unwrap_or("và"));
            }
            s.push('.');
            s
        });
        let in_force_from = issued_on
            + Duration::days(if rng.gen_bool(0.2) {
                rng.gen_range(1..30)
            } else {
                0
            });
        let in_force_until = (matches!(kind, DocKind::Plan | DocKind::Report) && rng.gen_bool(0.4))
            .then(|| NaiveDate::from_ymd_opt(year, 12, 31))
            .flatten()
            .filter(|u| *u >= in_force_from);
        let files = if files_per_doc == 0 {
            0
        } else {
            rng.gen_range(1..=2 * files_per_doc - 1)
        };
        match level {
            "national" => out.national += 1,
            "province" => out.province += 1,
            _ => out.commune += 1,
        }
        out.issuers += issuers.len();
        planned.push(PlannedDoc {
            id: first_id + i as i64,
            kind,
            number,
            issued_on,
            issuers,
            signer,
            subject,
            level,
            unit: unit.map(|u| u.id),
            place: index_text(&place_name),
            in_force_from,
            in_force_until,
            summary,
            files,
        });
    }
    out.documents = planned.len();

    // Written in batches, each with its files' text drawn and its index.
    let pg = db.is_postgres();
    let now = Utc::now();
    let placeholder = b"%PDF-1.4\n% bench placeholder\n";
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(placeholder))
    };
    let blob = if pg {
        format!("'\\x{}'::bytea", hex::encode(placeholder))
    } else {
        format!("X'{}'", hex::encode(placeholder))
    };
    // SQLite: the index's terms gathered in memory 64 MiB at a time and
    // merged once at the end, rather than merged as it grows (automerge
    // made the load 10 times slower at 100,000 documents); both settings
    // are set back to FTS5's defaults below.
    if !pg {
        execute!(
            db,
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 0)"
        )?;
        execute!(
            db,
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 67108864)"
        )?;
    }
    for batch in planned.chunks(BATCH) {
        let mut tx = db.begin().await?;
        let (mut docs, mut issuer_rows, mut file_rows, mut fts) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for d in batch {
            let mut body = String::new();
            for f in 0..d.files {
                let scan = rng.gen_bool(0.05);
                let text = if scan {
                    out.scans += 1;
                    None
                } else {
                    let words = rng.gen_range(150..=450);
                    let (t, n) = doc_file_text(
                        &mut rng,
                        words,
                        &terms,
                        &zipf,
                        &rare,
                        &d.place,
                        d.issued_on.year(),
                    );
                    out.words += n;
                    body.push_str(&t);
                    body.push(' ');
                    Some(t)
                };
                let stem: String = d
                    .number
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                let (name, ctype) = if scan || f % 2 == 0 {
                    (format!("{stem}-{}.pdf", f + 1), "application/pdf")
                } else {
                    (
                        format!("{stem}-{}.docx", f + 1),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                };
                file_rows.push(vec![
                    Arg::I64(Some(d.id)),
                    Arg::Text(Some(name)),
                    Arg::Text(Some(ctype.into())),
                    Arg::I64(Some(placeholder.len() as i64)),
                    Arg::Text(Some(sha.clone())),
                    Arg::Text(text),
                    Arg::Ts(now),
                ]);
                out.files += 1;
            }
            // As `documents::search::refresh` reads a document.
            let head = index_text(&format!(
                "{} {} {} {} {}",
                d.kind.label(),
                d.issuers.join("\n"),
                d.subject,
                d.signer,
                d.summary.as_deref().unwrap_or_default()
            ));
            let number = index_text(&d.number);
            let (search_number, search_head) = (format!(" {number} "), format!(" {head} "));
            let mut row = vec![
                Arg::I64(Some(d.id)),
                Arg::Text(Some(d.kind.as_str().into())),
                Arg::Text(Some(d.number.clone())),
                Arg::Text(Some(number_key(&d.number))),
                Arg::I64(Some(i64::from(d.issued_on.year()))),
                Arg::Date(Some(d.issued_on)),
                Arg::Text(Some(d.issuers.join("\n"))),
                Arg::Text(Some(d.signer.clone())),
                Arg::Text(Some(d.subject.clone())),
                Arg::Text(Some(d.level.into())),
                Arg::I64(d.unit),
                Arg::Date(Some(d.in_force_from)),
                Arg::Date(d.in_force_until),
                Arg::Text(d.summary.clone()),
                Arg::I64(Some(d.files as i64)),
                Arg::Ts(now),
                Arg::Ts(now),
                Arg::Text(Some(search_number)),
                Arg::Text(Some(search_head)),
            ];
            if pg {
                row.extend([
                    Arg::Text(Some(number)),
                    Arg::Text(Some(head)),
                    Arg::Text(Some(body)),
                ]);
            } else {
                fts.push(vec![
                    Arg::I64(Some(d.id)),
                    Arg::Text(Some(number)),
                    Arg::Text(Some(head)),
                    Arg::Text(Some(body)),
                ]);
            }
            docs.push(row);
            for (position, name) in d.issuers.iter().enumerate() {
                issuer_rows.push(vec![
                    Arg::I64(Some(d.id)),
                    Arg::I64(Some(position as i64)),
                    Arg::Text(Some(name.clone())),
                    Arg::Text(Some(issuer_key(name))),
                    Arg::I64(Some(i64::from(d.issued_on.year()))),
                    Arg::Text(Some(number_key(&d.number))),
                    Arg::I64(Some(d.unit.unwrap_or(0))),
                ]);
            }
        }
        let head = "INSERT INTO documents (id, kind, number, number_key, year, issued_on, issuers,
            signer, subject, level, org_unit_id, in_force_from, in_force_until, summary, files,
            created_at, updated_at, search_number, search_head";
        if pg {
            insert_rows_as(
                &mut tx,
                &format!("{head}, search) VALUES "),
                22,
                docs,
                |p| {
                    format!(
                        "({}, strip(to_tsvector('simple', {} || ' ' || {} || ' ' || {})))",
                        p.get(..19).unwrap_or_default().join(", "),
                        p.get(19).map_or("''", |s| s.as_str()),
                        p.get(20).map_or("''", |s| s.as_str()),
                        p.get(21).map_or("''", |s| s.as_str()),
                    )
                },
            )
            .await?;
        } else {
            insert_rows(&mut tx, &format!("{head}) VALUES "), 19, docs).await?;
            insert_rows(
                &mut tx,
                "INSERT INTO documents_fts (rowid, number, head, body) VALUES ",
                4,
                fts,
            )
            .await?;
        }
        insert_rows(
            &mut tx,
            "INSERT INTO document_issuers (document_id, position, name, name_key, year, number_key,
                unit_key) VALUES ",
            7,
            issuer_rows,
        )
        .await?;
        insert_rows_as(
            &mut tx,
            "INSERT INTO document_files (document_id, name, content_type, size, sha256, text,
                created_at, content) VALUES ",
            7,
            file_rows,
            |p| format!("({}, {blob})", p.join(", ")),
        )
        .await?;
        tx.commit().await?;
    }

    // Replacements: now and then a unit's later text of a kind replaces
    // its earlier one, from its first day in force.
    let mut last: std::collections::HashMap<(Option<i64>, &str), &PlannedDoc> = Default::default();
    let mut by_date: Vec<&PlannedDoc> = planned.iter().collect();
    by_date.sort_by_key(|d| (d.issued_on, d.id));
    let mut tx = db.begin().await?;
    for d in by_date {
        let key = (d.unit, d.kind.as_str());
        if let Some(old) = last.get(&key) {
            if matches!(
                d.kind,
                DocKind::Decision | DocKind::Directive | DocKind::Guidance | DocKind::Plan
            ) && rng.gen_bool(0.1)
            {
                execute!(
                    tx,
                    "UPDATE documents SET replaced_by = $2, replaced_from = $3 WHERE id = $1",
                    old.id,
                    d.id,
                    d.in_force_from
                )?;
                out.replaced += 1;
            }
        }
        last.insert(key, d);
    }
    if tx.is_postgres() {
        execute!(
            tx,
            "SELECT setval(pg_get_serial_sequence('documents', 'id'), (SELECT MAX(id) FROM documents))"
        )?;
    }
    tx.commit().await?;

    // The index in one piece, and fresh planner statistics.
    if pg {
        execute!(
            db,
            "VACUUM (ANALYZE) documents, document_issuers, document_files"
        )?;
    } else {
        execute!(
            db,
            "INSERT INTO documents_fts (documents_fts) VALUES ('optimize')"
        )?;
        execute!(
            db,
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('automerge', 4)"
        )?;
        execute!(
            db,
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('hashsize', 1048576)"
        )?;
    }
    db.optimize().await?;
    Ok(out)
}

/// The 2025 province whose documents (its own, its communes' and those
/// of the legacy units it covers) are the most: its id and name.
pub async fn province_with_most_documents(db: &Db) -> Result<(i64, String), StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        (i64, String),
        "SELECT p.id, p.name FROM org_units p
           JOIN org_unit_reach r ON r.ancestor_id = p.id
           JOIN documents d ON d.org_unit_id = r.unit_id
          WHERE p.level = 'province' AND p.valid_to IS NULL
          GROUP BY p.id, p.name ORDER BY COUNT(*) DESC, p.id LIMIT 1"
    )?)
}

/// The commune under `province` (either tree) that issued the most
/// documents: its short name, as people type it.
pub async fn busiest_commune_in(db: &Db, province: i64) -> Result<String, StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar String,
        "SELECT u.short_name FROM documents d
           JOIN org_units u ON u.id = d.org_unit_id
           JOIN org_unit_reach r ON r.unit_id = u.id
          WHERE r.ancestor_id = $1 AND u.level = 'commune'
          GROUP BY u.id, u.short_name ORDER BY COUNT(*) DESC, u.id LIMIT 1",
        province
    )?)
}

/// The number of the latest plan of `province` itself or a unit under it.
pub async fn latest_plan_number_in(db: &Db, province: i64) -> Result<String, StoreError> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar String,
        "SELECT d.number FROM documents d
           JOIN org_unit_reach r ON r.unit_id = d.org_unit_id
          WHERE r.ancestor_id = $1 AND d.kind = 'ke_hoach'
          ORDER BY d.issued_on DESC, d.id DESC LIMIT 1",
        province
    )?)
}

/// How many documents match a search, asked of the index alone the plain
/// way (no cap, no rank): all of them, or with `province` those its staff
/// see (the national ones and those of every unit it covers).
pub async fn plain_document_search(
    db: &Db,
    search: &domain::documents::Search,
    province: Option<i64>,
) -> Result<i64, StoreError> {
    let visible = province_sees("d.org_unit_id", "$2");
    let (q, sql) = if db.is_postgres() {
        let from = "documents d WHERE d.search @@ to_tsquery('simple', $1)";
        (search.tsquery(), format!("SELECT COUNT(*) FROM {from}"))
    } else {
        let from =
            "documents_fts f JOIN documents d ON d.id = f.rowid WHERE documents_fts MATCH $1";
        (search.fts5(), format!("SELECT COUNT(*) FROM {from}"))
    };
    let (sql, args) = match province {
        None => (sql, vec![Arg::Text(Some(q))]),
        Some(p) => (
            format!("{sql} AND {visible}"),
            vec![Arg::Text(Some(q)), Arg::I64(Some(p))],
        ),
    };
    Ok(fetch_dyn!(db, fetch_one, scalar i64, &sql, args)?)
}

/// How many documents the staff of a 2025 province see, counted the
/// plain way: the national ones and those of every unit it covers.
pub async fn visible_documents(db: &Db, province: i64) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT COUNT(*) FROM documents WHERE {}",
        province_sees("org_unit_id", "$1")
    );
    Ok(fetch!(db, fetch_one, scalar i64, &sql, province)?)
}

/// The documents a 2025 province's staff see, said plainly (not as
/// `store::scope` says it, which the bench checks): the national ones and
/// those of every unit the province covers.
fn province_sees(col: &str, province: &str) -> String {
    format!(
        "({col} IS NULL
          OR {col} IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {province}))"
    )
}

// ---- the month-end surge (crates/web/benches/surge.rs) -----------------------

/// On PostgreSQL, the longest a statement of this database is waiting for
/// a lock right now, in milliseconds, and the start of that statement
/// (what waits says which rows are shared); (0, "") when none waits.
/// None on SQLite, whose writers wait in its busy handler, out of sight.
pub async fn longest_lock_wait_ms(db: &Db) -> Result<Option<(f64, String)>, StoreError> {
    if !db.is_postgres() {
        return Ok(None);
    }
    let row: Option<(f64, String)> = fetch!(
        db,
        fetch_optional,
        (f64, String),
        "SELECT CAST(EXTRACT(EPOCH FROM (clock_timestamp() - state_change)) * 1000 AS DOUBLE PRECISION),
                LEFT(regexp_replace(query, '\\s+', ' ', 'g'), 90)
           FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
          ORDER BY state_change LIMIT 1"
    )?;
    Ok(Some(row.unwrap_or((0.0, String::new()))))
}
