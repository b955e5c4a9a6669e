//! The certification figures of each commune by year and kind
//! (`certification_tallies`, derived): what the national summary and its
//! trend add up instead of visiting every unit of the country (issue 18:
//! "the national summary under 200 ms").
//!
//! A unit's figures go to its *home*: the commune above it (a commune is
//! its own), or its province for a site with no commune above it. A year
//! is built whole the first time a national figure asks for it; after that
//! each write that can change a home's figures recomputes that home for the
//! built years, in the write's own transaction. Recomputing instead of
//! adding differences keeps it simple to see right: a home's rows are
//! always what the units and cases under it say.
//!
//! On PostgreSQL two writers of one home would each recompute from what
//! they see and the later commit would hide the other's change: the
//! recompute holds a transaction-scoped advisory lock on the home (taken
//! last in the transaction, in id order), and a year's build holds an
//! exclusive one that recomputes share. SQLite has a single writer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, Utc};
use domain::certification::Kind;

use super::summary::{existed_sql, grouped_units, Cell, Units, YearCount};
use crate::error::Result;
use crate::{execute_dyn, fetch_all_dyn, Arg, Db, Params, Tx};

/// Advisory lock keys (PostgreSQL): builds of a year, and homes (offset so
/// as not to meet other users of advisory locks).
const BUILD_LOCK: i64 = 0x4249_4E48_0000_0000;
const HOME_LOCK: i64 = 0x4249_4E48_0100_0000;

#[derive(sqlx::FromRow)]
struct HomeUnits {
    home_id: i64,
    #[sqlx(flatten)]
    units: Units,
}

/// The figures of `year` for the homes in `only` (all when none), as the
/// table stores them: the units under each commune, then the sites under
/// each province with no commune between (two straight joins, each
/// driven by its homes through the tree's index).
async fn compute(
    tx: &mut Tx,
    year: i32,
    only: Option<&[i64]>,
) -> Result<BTreeMap<(i64, Kind), Cell>> {
    let kinds = super::criteria::kinds_tx(tx).await?;
    let mut out: BTreeMap<(i64, Kind), Cell> = BTreeMap::new();
    for home_level in ["commune", "province"] {
        let mut p = Params::default();
        let y = p.push(Arg::I64(Some(i64::from(year))));
        let f = p.push(Arg::Date(NaiveDate::from_ymd_opt(year - 1, 1, 1)));
        let l = p.push(Arg::Date(NaiveDate::from_ymd_opt(year, 12, 31)));
        let existed = existed_sql(&kinds, year, &mut p);
        let only_sql = match only {
            Some(ids) => format!(
                "AND a.id IN ({})",
                p.list(ids.iter().map(|i| Arg::I64(Some(*i))))
            ),
            None => String::new(),
        };
        let units_sql = if home_level == "commune" {
            "u.level IN ('village', 'commune', 'site')"
        } else {
            "u.level = 'site' AND NOT EXISTS (SELECT 1 FROM org_unit_tree t2
                 JOIN org_units a2 ON a2.id = t2.ancestor_id
                WHERE t2.unit_id = u.id AND a2.level = 'commune')"
        };
        let from = format!(
            "FROM org_units a
               JOIN org_unit_tree t ON t.ancestor_id = a.id
               JOIN org_units u ON u.id = t.unit_id
               LEFT JOIN certification_cases c ON c.org_unit_id = u.id AND c.year = {y}
               LEFT JOIN certification_exemptions e
                      ON e.org_unit_id = u.id AND e.from_year <= {y}
              WHERE a.level = '{home_level}' {only_sql} AND {units_sql}
                AND (u.valid_from IS NULL OR u.valid_from <= {l})
                AND (u.valid_to IS NULL OR u.valid_to >= {f})"
        );
        let sql = grouped_units("home_id", "a.id AS home_id", &existed, &from);
        let groups: Vec<HomeUnits> = fetch_all_dyn(tx, &sql, p.args).await?;
        for g in &groups {
            if let Some(kind) = g.units.kind() {
                g.units.add_to(out.entry((g.home_id, kind)).or_default());
            }
        }
    }
    Ok(out)
}

async fn store(tx: &mut Tx, year: i32, cells: &BTreeMap<(i64, Kind), Cell>) -> Result<()> {
    let rows: Vec<_> = cells
        .iter()
        .filter(|(_, c)| **c != Cell::default())
        .collect();
    // Small statements: SQLite looks each `$n` up among the names before
    // it, so a statement's cost grows with the square of its parameters.
    for chunk in rows.chunks(40) {
        let mut p = Params::default();
        let values: Vec<String> = chunk
            .iter()
            .map(|((home, kind), c)| {
                let v = [
                    Arg::I64(Some(i64::from(year))),
                    Arg::I64(Some(*home)),
                    Arg::Text(Some(kind.as_str().into())),
                    Arg::I64(Some(c.eligible)),
                    Arg::I64(Some(c.registered)),
                    Arg::I64(Some(c.in_progress)),
                    Arg::I64(Some(c.certified)),
                    Arg::I64(Some(c.xuat_sac)),
                    Arg::I64(Some(c.kha)),
                    Arg::I64(Some(c.trung_binh)),
                    Arg::I64(Some(c.not_certified)),
                    Arg::I64(Some(c.revoked)),
                ];
                format!("({})", p.list(v))
            })
            .collect();
        let sql = format!(
            "INSERT INTO certification_tallies (year, home_id, kind, eligible, registered,
                    in_progress, certified, xuat_sac, kha, trung_binh, not_certified, revoked)
             VALUES {}",
            values.join(", ")
        );
        execute_dyn(tx, &sql, p.args).await?;
    }
    Ok(())
}

async fn advisory(tx: &mut Tx, sql: &str, key: i64) -> Result<()> {
    if tx.is_postgres() {
        execute_dyn(tx, sql, vec![Arg::I64(Some(key))]).await?;
    }
    Ok(())
}

/// Builds `year` if no one has: the first national figure of a year pays
/// for it once (about as long as the summary without tallies).
pub(super) async fn ensure_year(db: &Db, year: i32) -> Result<()> {
    let built: Option<i64> = fetch!(
        db,
        fetch_optional,
        scalar i64,
        "SELECT year FROM certification_tally_years WHERE year = $1",
        i64::from(year)
    )?;
    if built.is_some() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    advisory(&mut tx, "SELECT pg_advisory_xact_lock($1)", BUILD_LOCK).await?;
    let n = execute!(
        tx,
        "INSERT INTO certification_tally_years (year, built_at) VALUES ($1, $2)
         ON CONFLICT (year) DO NOTHING",
        i64::from(year),
        Utc::now()
    )?;
    if n == 1 {
        let cells = compute(&mut tx, year, None).await?;
        store(&mut tx, year, &cells).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The homes of some units: the commune above each (or itself), else the
/// province above a site.
async fn homes_of(tx: &mut Tx, units: &[i64]) -> Result<BTreeSet<i64>> {
    if units.is_empty() {
        return Ok(BTreeSet::new());
    }
    #[derive(sqlx::FromRow)]
    struct Up {
        unit_id: i64,
        home_id: i64,
        level: String,
    }
    let mut p = Params::default();
    let list = p.list(units.iter().map(|u| Arg::I64(Some(*u))));
    let sql = format!(
        "SELECT t.unit_id, a.id AS home_id, a.level FROM org_unit_tree t
           JOIN org_units a ON a.id = t.ancestor_id
          WHERE t.unit_id IN ({list}) AND a.level IN ('commune', 'province')"
    );
    let ups: Vec<Up> = fetch_all_dyn(tx, &sql, p.args).await?;
    let mut by_unit: BTreeMap<i64, (Option<i64>, Option<i64>)> = BTreeMap::new();
    for u in ups {
        let e = by_unit.entry(u.unit_id).or_default();
        if u.level == "commune" {
            e.0 = Some(u.home_id);
        } else {
            e.1 = Some(u.home_id);
        }
    }
    Ok(by_unit
        .into_values()
        .filter_map(|(commune, province)| commune.or(province))
        .collect())
}

/// Recomputes the homes of `units` for the built years (only those in
/// `only` when given): called by every write that changes what they count.
pub(crate) async fn units_changed(tx: &mut Tx, units: &[i64], only: Option<&[i32]>) -> Result<()> {
    let years = built_years(tx, only).await?;
    if years.is_empty() {
        return Ok(());
    }
    let homes: Vec<i64> = homes_of(tx, units).await?.into_iter().collect();
    if homes.is_empty() {
        return Ok(());
    }
    advisory(tx, "SELECT pg_advisory_xact_lock_shared($1)", BUILD_LOCK).await?;
    for h in &homes {
        advisory(tx, "SELECT pg_advisory_xact_lock($1)", HOME_LOCK + h).await?;
    }
    // A build that committed while we waited may have added a year.
    for y in built_years(tx, only).await? {
        let Ok(year) = i32::try_from(y) else { continue };
        let mut p = Params::default();
        let yn = p.push(Arg::I64(Some(y)));
        let list = p.list(homes.iter().map(|h| Arg::I64(Some(*h))));
        execute_dyn(
            tx,
            &format!("DELETE FROM certification_tallies WHERE year = {yn} AND home_id IN ({list})"),
            p.args,
        )
        .await?;
        let cells = compute(tx, year, Some(&homes)).await?;
        store(tx, year, &cells).await?;
    }
    Ok(())
}

/// The built years, those in `only` alone when given.
async fn built_years(tx: &mut Tx, only: Option<&[i32]>) -> Result<Vec<i64>> {
    let mut years: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT year FROM certification_tally_years ORDER BY year"
    )?;
    if let Some(only) = only {
        years.retain(|b| only.iter().any(|y| i64::from(*y) == *b));
    }
    Ok(years)
}

/// Whether tallies are kept for `year`: the years people look back on (a
/// twenty-year review) and the next. Others are counted unit by unit, so
/// that a far year asked once does not weigh on every later write.
pub(super) fn kept(year: i32, today: NaiveDate) -> bool {
    let now = chrono::Datelike::year(&today);
    (now - 20..=now + 1).contains(&year)
}

/// Forgets every tally: the units were reloaded in bulk (the next national
/// figure builds its year again).
pub(crate) async fn clear(tx: &mut Tx) -> Result<()> {
    execute!(tx, "DELETE FROM certification_tallies")?;
    execute!(tx, "DELETE FROM certification_tally_years")?;
    Ok(())
}

/// Forgets every tally in its own transaction (`binhyen analytics
/// rebuild`): each year builds again on the next national figure.
pub async fn forget(db: &Db) -> Result<()> {
    let mut tx = db.begin().await?;
    clear(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RowTally {
    row_id: i64,
    kind: String,
    eligible: i64,
    registered: i64,
    in_progress: i64,
    certified: i64,
    xuat_sac: i64,
    kha: i64,
    trung_binh: i64,
    not_certified: i64,
    revoked: i64,
    /// How many (home, row) pairs were added up.
    pairs: i64,
}

/// The figures of `year` for each of `rows` (units that together hold the
/// homes, as the provinces do), by kind; None when a home lies under two
/// of the rows, which only the unit-by-unit count can share out.
pub(super) async fn by_rows(
    db: &Db,
    year: i32,
    rows: &[i64],
) -> Result<Option<BTreeMap<(i64, Kind), Cell>>> {
    ensure_year(db, year).await?;
    let mut p = Params::default();
    let y = p.push(Arg::I64(Some(i64::from(year))));
    let rs = p.list(rows.iter().map(|r| Arg::I64(Some(*r))));
    // From the year's tallies up to the rows that reach their homes.
    let sql = format!(
        "SELECT r.ancestor_id AS row_id, x.kind, COUNT(*) AS pairs,
                CAST(SUM(x.eligible) AS BIGINT) AS eligible,
                CAST(SUM(x.registered) AS BIGINT) AS registered,
                CAST(SUM(x.in_progress) AS BIGINT) AS in_progress,
                CAST(SUM(x.certified) AS BIGINT) AS certified,
                CAST(SUM(x.xuat_sac) AS BIGINT) AS xuat_sac,
                CAST(SUM(x.kha) AS BIGINT) AS kha,
                CAST(SUM(x.trung_binh) AS BIGINT) AS trung_binh,
                CAST(SUM(x.not_certified) AS BIGINT) AS not_certified,
                CAST(SUM(x.revoked) AS BIGINT) AS revoked
           FROM certification_tallies x
           JOIN org_unit_reach r ON r.unit_id = x.home_id AND r.ancestor_id IN ({rs})
          WHERE x.year = {y}
          GROUP BY r.ancestor_id, x.kind"
    );
    // How many of the year's tallies some row reaches: fewer than the
    // pairs above means a home under two rows.
    let reached_sql = format!(
        "SELECT COUNT(*) FROM certification_tallies x
          WHERE x.year = {y}
            AND EXISTS (SELECT 1 FROM org_unit_reach r
                         WHERE r.unit_id = x.home_id AND r.ancestor_id IN ({rs}))"
    );
    let mut tx = db.begin_read().await?;
    let got: Vec<RowTally> = fetch_all_dyn(&mut tx, &sql, p.args.clone()).await?;
    let reached: i64 = fetch_dyn!(tx, fetch_one, scalar i64, &reached_sql, p.args)?;
    tx.rollback().await?;
    if got.iter().map(|t| t.pairs).sum::<i64>() != reached {
        return Ok(None);
    }
    Ok(Some(
        got.into_iter()
            .filter_map(|t| {
                let kind = Kind::parse("kind", &t.kind).ok()?;
                Some((
                    (t.row_id, kind),
                    Cell {
                        eligible: t.eligible,
                        registered: t.registered,
                        in_progress: t.in_progress,
                        certified: t.certified,
                        xuat_sac: t.xuat_sac,
                        kha: t.kha,
                        trung_binh: t.trung_binh,
                        not_certified: t.not_certified,
                        revoked: t.revoked,
                    },
                ))
            })
            .collect(),
    ))
}

/// The country's cases of `years`, by year and kind: registered, certified.
pub(super) async fn trend(db: &Db, years: std::ops::RangeInclusive<i32>) -> Result<Vec<YearCount>> {
    for y in years.clone() {
        ensure_year(db, y).await?;
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        year: i64,
        kind: String,
        registered: i64,
        certified: i64,
    }
    let rows: Vec<Row> = fetch!(
        db,
        fetch_all,
        Row,
        "SELECT year, kind, CAST(SUM(registered) AS BIGINT) AS registered,
                CAST(SUM(certified) AS BIGINT) AS certified
           FROM certification_tallies WHERE year BETWEEN $1 AND $2
          GROUP BY year, kind HAVING SUM(registered) > 0 ORDER BY year, kind",
        i64::from(*years.start()),
        i64::from(*years.end())
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(YearCount {
                year: i32::try_from(r.year).ok()?,
                kind: Kind::parse("kind", &r.kind).ok()?,
                registered: r.registered,
                certified: r.certified,
            })
        })
        .collect())
}
