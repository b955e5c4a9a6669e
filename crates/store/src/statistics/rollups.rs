//! The rollup cells (see `analytics`): where a unit's figures count (its
//! homes, per view), applying a batch of changes inside the write's
//! transaction (deltas appended for sums, counts and last values; maxima
//! changed in their cells and recomputed when they fall), the folder that
//! moves deltas into the cells, and the rebuild from scratch behind
//! `binhyen analytics rebuild`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use analytics::{reaches_cell, Agg, Cell, Change, Entry};
use chrono::NaiveDate;
use domain::statistics::{Aggregation, Period, PeriodType};

use crate::error::{Result, StoreError};
use crate::{execute_dyn, fetch_all_dyn, Arg, Db, Tx};

/// In which view a home counts a unit's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// As the hierarchy was and as it is now (every current unit).
    Both,
    /// Only as it was (a legacy unit under its legacy ancestors).
    Was,
    /// Only as it is now (a legacy unit under its 2025 successor).
    Now,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Both => "b",
            Part::Was => "w",
            Part::Now => "n",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "b" => Ok(Part::Both),
            "w" => Ok(Part::Was),
            "n" => Ok(Part::Now),
            _ => Err(StoreError::Data(format!(
                "rollups: phần «{s}» không hợp lệ"
            ))),
        }
    }
}

/// A cell's key: home unit, period, indicator, part.
pub(crate) type Key = (i64, Period, i64, Part);

/// What one unit's change to one indicator does, for [`apply`].
pub(crate) struct UnitChanges {
    pub unit: i64,
    pub indicator: i64,
    pub agg: Aggregation,
    pub entered: PeriodType,
    pub changes: Vec<Change>,
}

/// One place a unit's figures count: a home unit, in which view, what
/// part of the unit's sums and stocks it takes (`share`, below 1 only for
/// the successors of a split unit with configured shares), and whether
/// averages and maxima count there (`whole`: only along the default
/// successor, since they cannot be divided).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Home {
    pub id: i64,
    pub part: Part,
    pub share: f64,
    pub whole: bool,
}

impl Home {
    fn full(id: i64, part: Part) -> Home {
        Home {
            id,
            part,
            share: 1.0,
            whole: true,
        }
    }

    /// A unit's contribution as it counts in this home, if it counts here.
    fn weigh(&self, agg: Aggregation, c: Cell) -> Option<Cell> {
        match agg {
            Aggregation::Average | Aggregation::Max => self.whole.then_some(c),
            Aggregation::Sum | Aggregation::Last if self.share == 1.0 => Some(c),
            // A default successor left out of the shares takes no sums.
            Aggregation::Sum | Aggregation::Last if self.share <= 0.0 => None,
            Aggregation::Sum | Aggregation::Last => {
                let scale = |a: Agg| Agg {
                    total: a.total * self.share,
                    ..a
                };
                Some(Cell {
                    all: scale(c.all),
                    approved: scale(c.approved),
                })
            }
        }
    }
}

/// The unit's homes, computed and stored on its first figure.
pub(crate) async fn homes(tx: &mut Tx, unit: i64) -> Result<Vec<Home>> {
    let rows: Vec<(i64, String, f64, bool)> = fetch!(
        tx,
        fetch_all,
        (i64, String, f64, bool),
        "SELECT home_id, part, share, whole FROM rollup_homes WHERE unit_id = $1 ORDER BY home_id, part",
        unit
    )?;
    if !rows.is_empty() {
        return rows
            .into_iter()
            .map(|(id, p, share, whole)| {
                Ok(Home {
                    id,
                    part: Part::parse(&p)?,
                    share,
                    whole,
                })
            })
            .collect();
    }
    let homes = compute_homes(tx, unit).await?;
    store_homes(tx, unit, &homes).await?;
    Ok(homes)
}

/// Stores, in a short transaction of its own, the homes of those of
/// `units` that have none yet (PostgreSQL; SQLite's one writer makes it
/// moot), before the write that gives them their first figures. Stored
/// inside that write's transaction, a unit's homes are rows another
/// writer of its first figures waits on until commit: in the month-end
/// surge the communes' own forms waited up to 2.4 s on the homes an
/// import had stored for them. Homes follow from the hierarchy alone, so
/// storing them ahead, even for a write then refused, changes no figure.
/// `units` must exist and be the writer's (the caller checks).
pub(crate) async fn store_homes_ahead(db: &Db, units: &[i64]) -> Result<()> {
    if !db.is_postgres() || units.is_empty() {
        return Ok(());
    }
    // A few units a transaction: an import's thousands of first homes in
    // one would again hold the forms of those units (1.8 s in the surge).
    for chunk in without_homes(db, units).await?.chunks(HOMES_AHEAD_BATCH) {
        let mut tx = db.begin().await?;
        for unit in chunk {
            homes(&mut tx, *unit).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Units whose homes [`store_homes_ahead`] stores per transaction (about
/// 5 ms each on PostgreSQL).
const HOMES_AHEAD_BATCH: usize = 8;

/// Those of `units` with no stored homes.
pub(crate) async fn without_homes(db: &Db, units: &[i64]) -> Result<Vec<i64>> {
    let mut have = std::collections::HashSet::new();
    let mut tx = db.begin_read().await?;
    for chunk in units.chunks(500) {
        let mut p = crate::Params::default();
        let list = p.list(chunk.iter().map(|u| Arg::I64(Some(*u))));
        let sql = format!("SELECT DISTINCT unit_id FROM rollup_homes WHERE unit_id IN ({list})");
        let found: Vec<(i64,)> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
        have.extend(found.into_iter().map(|(u,)| u));
    }
    tx.rollback().await?;
    let mut missing: Vec<i64> = units
        .iter()
        .copied()
        .filter(|u| !have.contains(u))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    Ok(missing)
}

async fn store_homes(tx: &mut Tx, unit: i64, homes: &[Home]) -> Result<()> {
    if homes.is_empty() {
        return Ok(());
    }
    let mut args = Vec::new();
    for h in homes {
        args.extend([
            Arg::I64(Some(unit)),
            Arg::I64(Some(h.id)),
            Arg::Text(Some(h.part.as_str().into())),
            Arg::F64(Some(h.share)),
            Arg::Bool(h.whole),
        ]);
    }
    // Two writers of a unit's first figures at once (an import and the
    // commune's own form, in the month-end surge) both compute its homes:
    // the second waits for the first and keeps what it stored (the same
    // rows), instead of failing on the key.
    let sql = format!(
        "INSERT INTO rollup_homes (unit_id, home_id, part, share, whole) VALUES {}
         ON CONFLICT (unit_id, home_id, part) DO NOTHING",
        crate::placeholders(homes.len(), 5)
    );
    execute_dyn(tx, &sql, args).await?;
    Ok(())
}

/// As it was: the unit and its ancestors. As it is now: the unit itself and
/// the ancestors of the current unit that stands for it (its default
/// successor, followed through later changes; for a unit without one, what
/// its parent maps to) — or, when shares of a split unit are configured,
/// the ancestors of each successor with its share.
async fn compute_homes(tx: &mut Tx, unit: i64) -> Result<Vec<Home>> {
    let was: Vec<i64> = ancestors(tx, unit).await?;
    let default_now = match now_base(tx, unit).await? {
        Some(base) => ancestors(tx, base).await?,
        None => Vec::new(),
    };
    let mut shared = Vec::new();
    for (to, share) in shares_of(tx, unit).await? {
        if let Some(base) = now_base(tx, to).await? {
            shared.push((ancestors(tx, base).await?, share));
        }
    }
    Ok(place(unit, &was, &default_now, &shared))
}

/// The configured shares of a split unit: (successor, share).
async fn shares_of(tx: &mut Tx, unit: i64) -> Result<Vec<(i64, f64)>> {
    Ok(fetch!(
        tx,
        fetch_all,
        (i64, f64),
        "SELECT to_id, share FROM unit_shares WHERE from_id = $1 ORDER BY to_id",
        unit
    )?)
}

/// The homes of `unit` from its ancestors as it was, the ancestors of its
/// default successor as it is now, and the ancestors of each shared
/// successor with its share (none: the default successor takes all).
fn place(unit: i64, was: &[i64], default_now: &[i64], shared: &[(Vec<i64>, f64)]) -> Vec<Home> {
    // home → (share of sums, counts whole)
    let mut now: BTreeMap<i64, (f64, bool)> = BTreeMap::new();
    let default_share = if shared.is_empty() { 1.0 } else { 0.0 };
    for h in default_now {
        now.insert(*h, (default_share, true));
    }
    for (homes, share) in shared {
        for h in homes {
            now.entry(*h).or_insert((0.0, false)).0 += share;
        }
    }
    // The unit itself holds all of its own figures.
    now.insert(unit, (1.0, true));
    let mut out = Vec::new();
    for h in was {
        match now.remove(h) {
            Some((share, true)) if (share - 1.0).abs() < 1e-9 => {
                out.push(Home::full(*h, Part::Both))
            }
            Some((share, whole)) => {
                out.push(Home::full(*h, Part::Was));
                out.push(Home {
                    id: *h,
                    part: Part::Now,
                    share,
                    whole,
                });
            }
            None => out.push(Home::full(*h, Part::Was)),
        }
    }
    for (id, (share, whole)) in now {
        // Shares that add up to one are one (0.6 + 0.4 may not be exactly).
        let share = if (share - 1.0).abs() < 1e-9 {
            1.0
        } else {
            share
        };
        if share > 0.0 || whole {
            out.push(Home {
                id,
                part: Part::Now,
                share,
                whole,
            });
        }
    }
    out.sort_by_key(|h| (h.id, h.part));
    out
}

async fn ancestors(tx: &mut Tx, unit: i64) -> Result<Vec<i64>> {
    Ok(fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT ancestor_id FROM org_unit_tree WHERE unit_id = $1",
        unit
    )?)
}

async fn now_base(tx: &mut Tx, unit: i64) -> Result<Option<i64>> {
    let mut current = unit;
    // Chains are short (the reform, then a few village merges); the bound
    // only guards against a cycle in bad data.
    for _ in 0..32 {
        let row: Option<(Option<NaiveDate>, Option<i64>)> = fetch!(
            tx,
            fetch_optional,
            (Option<NaiveDate>, Option<i64>),
            "SELECT valid_to, parent_id FROM org_units WHERE id = $1",
            current
        )?;
        let Some((valid_to, parent)) = row else {
            return Ok(None);
        };
        if valid_to.is_none() {
            return Ok(Some(current));
        }
        let next: Option<i64> = fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT to_id FROM org_unit_successors WHERE from_id = $1 ORDER BY is_default DESC, to_id LIMIT 1",
            current
        )?;
        match next.or(parent) {
            Some(n) => current = n,
            None => return Ok(None),
        }
    }
    Ok(None)
}

#[derive(sqlx::FromRow)]
struct CellRow {
    unit_id: i64,
    period: String,
    indicator_id: i64,
    part: String,
    n: i64,
    total: f64,
    top: Option<f64>,
    ok_n: i64,
    ok_total: f64,
    ok_top: Option<f64>,
}

impl CellRow {
    fn key(&self) -> Result<Key> {
        key_of(self.unit_id, &self.period, self.indicator_id, &self.part)
    }

    fn cell(&self) -> Cell {
        Cell {
            all: Agg {
                n: self.n,
                total: self.total,
                top: self.top,
            },
            approved: Agg {
                n: self.ok_n,
                total: self.ok_total,
                top: self.ok_top,
            },
        }
    }
}

const CELL_COLUMNS: &str =
    "unit_id, period, indicator_id, part, n, total, top, ok_n, ok_total, ok_top";

/// A cell key as the four key columns' values.
fn key_arg((u, p, i, part): &Key) -> [Arg; 4] {
    [
        Arg::I64(Some(*u)),
        Arg::Text(Some(p.to_string())),
        Arg::I64(Some(*i)),
        Arg::Text(Some(part.as_str().into())),
    ]
}

fn key_args(keys: &[Key]) -> Vec<Arg> {
    keys.iter().flat_map(key_arg).collect()
}

async fn read_cells(tx: &mut Tx, keys: &[Key]) -> Result<HashMap<Key, Cell>> {
    let mut out = HashMap::new();
    for chunk in keys.chunks(tx.rows_per_statement(4)) {
        let sql = format!(
            "SELECT {CELL_COLUMNS} FROM rollups WHERE (unit_id, period, indicator_id, part) IN (VALUES {})",
            crate::placeholders(chunk.len(), 4)
        );
        let rows: Vec<CellRow> = fetch_all_dyn(tx, &sql, key_args(chunk)).await?;
        for r in rows {
            out.insert(r.key()?, r.cell());
        }
    }
    Ok(out)
}

/// Writes cells: non-empty ones replace what is stored, empty ones go.
pub(crate) async fn write_cells(tx: &mut Tx, cells: &[(Key, Cell)]) -> Result<()> {
    type Cells<'a> = Vec<&'a (Key, Cell)>;
    let (gone, kept): (Cells, Cells) = cells.iter().partition(|(_, c)| c.is_empty());
    for chunk in kept.chunks(tx.rows_per_statement(10)) {
        let mut args = Vec::with_capacity(chunk.len() * 10);
        for (key, c) in chunk.iter().copied() {
            args.extend(key_arg(key));
            args.extend([
                Arg::I64(Some(c.all.n)),
                Arg::F64(Some(c.all.total)),
                Arg::F64(c.all.top),
                Arg::I64(Some(c.approved.n)),
                Arg::F64(Some(c.approved.total)),
                Arg::F64(c.approved.top),
            ]);
        }
        let sql = format!(
            "INSERT INTO rollups ({CELL_COLUMNS}) VALUES {}
             ON CONFLICT (unit_id, period, indicator_id, part) DO UPDATE SET
                n = excluded.n, total = excluded.total, top = excluded.top,
                ok_n = excluded.ok_n, ok_total = excluded.ok_total, ok_top = excluded.ok_top",
            crate::placeholders(chunk.len(), 10)
        );
        execute_dyn(tx, &sql, args).await?;
    }
    let gone: Vec<Key> = gone.into_iter().map(|(k, _)| *k).collect();
    for chunk in gone.chunks(tx.rows_per_statement(4)) {
        let sql = format!(
            "DELETE FROM rollups WHERE (unit_id, period, indicator_id, part) IN (VALUES {})",
            crate::placeholders(chunk.len(), 4)
        );
        execute_dyn(tx, &sql, key_args(chunk)).await?;
    }
    Ok(())
}

/// Applies a batch of changes to the cells of every home, in the caller's
/// transaction, after the values themselves are written (a fallen maximum
/// is recomputed from them).
pub(crate) async fn apply(tx: &mut Tx, batch: &[UnitChanges]) -> Result<()> {
    let mut homes_of: HashMap<i64, Vec<Home>> = HashMap::new();
    let mut pending: BTreeMap<Key, Vec<(Cell, Cell)>> = BTreeMap::new();
    let mut kinds_of: Kinds = HashMap::new();
    for uc in batch {
        if let std::collections::hash_map::Entry::Vacant(e) = homes_of.entry(uc.unit) {
            e.insert(homes(tx, uc.unit).await?);
        }
        kinds_of.insert(uc.indicator, (uc.agg, uc.entered));
        let homes = homes_of
            .get(&uc.unit)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for home in homes.iter().filter(|h| reaches_cell(uc.unit, h.id)) {
            for c in &uc.changes {
                if let (Some(before), Some(after)) =
                    (home.weigh(uc.agg, c.before), home.weigh(uc.agg, c.after))
                {
                    pending
                        .entry((home.id, c.period, uc.indicator, home.part))
                        .or_default()
                        .push((before, after));
                }
            }
        }
    }
    apply_pending(tx, pending, &kinds_of).await
}

/// Applies steps (a contribution before and after) to cells. Cells of
/// maxima are read, changed and written back, and each maximum that fell is
/// recomputed from the values under the home as `rollup_homes` says now;
/// every other cell gets a delta of counts and totals ([`record_deltas`]),
/// written without the cell being read (reading 700 cells cost a 100-value
/// form as much as writing them) or locked.
async fn apply_pending(
    tx: &mut Tx,
    pending: BTreeMap<Key, Vec<(Cell, Cell)>>,
    kinds: &Kinds,
) -> Result<()> {
    let is_max = |key: &Key| {
        kinds
            .get(&key.2)
            .is_none_or(|(agg, _)| *agg == Aggregation::Max)
    };
    let (tops, sums): (Vec<_>, Vec<_>) = pending.into_iter().partition(|(key, _)| is_max(key));
    record_deltas(tx, &sums).await?;
    if tx.is_postgres() {
        mark_unpacked(tx, tops.iter().map(|(key, _)| *key)).await?;
    }
    let keys: Vec<Key> = tops.iter().map(|(key, _)| *key).collect();
    let mut cells = read_cells(tx, &keys).await?;
    let mut recompute: Vec<(Key, bool)> = Vec::new();
    let mut out = Vec::with_capacity(keys.len());
    for (key, steps) in tops {
        let mut cell = cells.remove(&key).unwrap_or_default();
        let (mut fell_all, mut fell_ok) = (false, false);
        for (before, after) in steps {
            fell_all |= cell.all.apply(before.all, after.all);
            fell_ok |= cell.approved.apply(before.approved, after.approved);
        }
        if fell_all && !cell.all.is_empty() {
            recompute.push((key, false));
        }
        if fell_ok && !cell.approved.is_empty() {
            recompute.push((key, true));
        }
        out.push((key, cell));
    }
    write_cells(tx, &out).await?;
    for (key, approved_only) in recompute {
        let entered = kinds.get(&key.2).map_or(PeriodType::Month, |k| k.1);
        recompute_top(tx, key, entered, approved_only).await?;
    }
    Ok(())
}

/// Appends what the steps of cells without maxima add to them, one delta
/// per cell, for the folder to move into the cells (see [`fold`]): an
/// insert touches no row another writer touches, where adding to the cell
/// held the province's and the country's cells until commit. On SQLite,
/// whose one writer holds the whole database anyway, the deltas go
/// straight into the cells: folding them later only doubled the writes
/// (the surge's saves p95 61 → 120 ms, the folder catching up on an
/// import's 290,000 deltas in turns with the forms).
async fn record_deltas(tx: &mut Tx, pending: &[(Key, Vec<(Cell, Cell)>)]) -> Result<()> {
    let deltas: Vec<(Key, Cell)> = pending
        .iter()
        .map(|(key, steps)| (*key, Cell::added_by(steps)))
        .filter(|(_, d)| *d != Cell::default())
        .collect();
    if !tx.is_postgres() {
        return add_to_cells(tx, &deltas).await;
    }
    insert_deltas(tx, &deltas).await
}

/// Appends deltas to `rollup_deltas` (PostgreSQL) as eight arrays: one
/// statement the connection prepared once, whatever the count (a list of
/// rows was parsed and planned anew whenever a form's count differed),
/// with eight parameters rather than eight a row.
async fn insert_deltas(tx: &mut Tx, deltas: &[(Key, Cell)]) -> Result<()> {
    let crate::Backend::Postgres(c) = tx.backend() else {
        return Err(StoreError::Data("rollup_deltas: PostgreSQL only".into()));
    };
    if deltas.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&(Key, Cell)) -> i64| deltas.iter().map(f).collect::<Vec<i64>>();
    let text = |f: fn(&(Key, Cell)) -> String| deltas.iter().map(f).collect::<Vec<String>>();
    let float = |f: fn(&(Key, Cell)) -> f64| deltas.iter().map(f).collect::<Vec<f64>>();
    sqlx::query(
        "INSERT INTO rollup_deltas (unit_id, period, indicator_id, part, n, total, ok_n, ok_total)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[],
                              $5::bigint[], $6::float8[], $7::bigint[], $8::float8[])",
    )
    .bind(column(|(k, _)| k.0))
    .bind(text(|(k, _)| k.1.to_string()))
    .bind(column(|(k, _)| k.2))
    .bind(text(|(k, _)| k.3.as_str().to_string()))
    .bind(column(|(_, d)| d.all.n))
    .bind(float(|(_, d)| d.all.total))
    .bind(column(|(_, d)| d.approved.n))
    .bind(float(|(_, d)| d.approved.total))
    .execute(c)
    .await?;
    Ok(())
}

fn delta_args(deltas: &[(Key, Cell)]) -> Vec<Arg> {
    let mut args = Vec::with_capacity(deltas.len() * 8);
    for (key, d) in deltas {
        args.extend(key_arg(key));
        args.extend([
            Arg::I64(Some(d.all.n)),
            Arg::F64(Some(d.all.total)),
            Arg::I64(Some(d.approved.n)),
            Arg::F64(Some(d.approved.total)),
        ]);
    }
    args
}

/// Adds deltas to the stored cells (a cell that is not there yet starts
/// from nothing); a cell left with no figure goes, and a total with no
/// figure left is zero, not a rounding residue (as [`Agg::apply`] does).
async fn add_to_cells(tx: &mut Tx, deltas: &[(Key, Cell)]) -> Result<()> {
    for chunk in deltas.chunks(tx.rows_per_statement(8)) {
        let sql = format!(
            "INSERT INTO rollups (unit_id, period, indicator_id, part, n, total, ok_n, ok_total) VALUES {}
             ON CONFLICT (unit_id, period, indicator_id, part) DO UPDATE SET
                n = rollups.n + excluded.n,
                total = CASE WHEN rollups.n + excluded.n = 0 THEN 0 ELSE rollups.total + excluded.total END,
                ok_n = rollups.ok_n + excluded.ok_n,
                ok_total = CASE WHEN rollups.ok_n + excluded.ok_n = 0 THEN 0 ELSE rollups.ok_total + excluded.ok_total END",
            crate::placeholders(chunk.len(), 8)
        );
        execute_dyn(tx, &sql, delta_args(chunk)).await?;
    }
    let emptied: Vec<Key> = deltas
        .iter()
        .filter(|(_, d)| d.all.n < 0 || d.approved.n < 0)
        .map(|(k, _)| *k)
        .collect();
    for chunk in emptied.chunks(tx.rows_per_statement(4)) {
        let sql = format!(
            "DELETE FROM rollups WHERE n = 0 AND ok_n = 0
               AND (unit_id, period, indicator_id, part) IN (VALUES {})",
            crate::placeholders(chunk.len(), 4)
        );
        execute_dyn(tx, &sql, key_args(chunk)).await?;
    }
    Ok(())
}

/// The key of a row of `rollup_rows` (PostgreSQL): the cells of a home,
/// period and part, every indicator's, packed in arrays.
pub(crate) type RowKey = (i64, Period, Part);

fn row_key((unit, period, _, part): &Key) -> RowKey {
    (*unit, *period, *part)
}

/// Says that cells of these keys changed outside the folder (a maximum,
/// written in the writer's transaction): one empty delta per row, so that
/// pivots read those cells, not their stale row, until the folder packs
/// the row again (PostgreSQL; see migration 0036).
async fn mark_unpacked(tx: &mut Tx, keys: impl Iterator<Item = Key>) -> Result<()> {
    let mut rows: BTreeMap<RowKey, Key> = BTreeMap::new();
    for key in keys {
        rows.entry(row_key(&key)).or_insert(key);
    }
    let marks: Vec<(Key, Cell)> = rows.into_values().map(|k| (k, Cell::default())).collect();
    insert_deltas(tx, &marks).await
}

/// The cells as `rollup_rows` holds them, before the key's filter and its
/// `GROUP BY unit_id, period, part` (PostgreSQL).
pub(crate) const PACKED: &str = "SELECT unit_id, period, part,
       array_agg(indicator_id ORDER BY indicator_id), array_agg(n ORDER BY indicator_id),
       array_agg(total ORDER BY indicator_id), array_agg(top ORDER BY indicator_id),
       array_agg(ok_n ORDER BY indicator_id), array_agg(ok_total ORDER BY indicator_id),
       array_agg(ok_top ORDER BY indicator_id)
    FROM rollups";

/// Packs the rows of `keys` (every row: `None`) from their cells again,
/// in the caller's transaction (PostgreSQL): a key left without cells
/// loses its row. A row packed again is an update in place, so that it
/// stays on its page (migration 0036 leaves room) rather than a new row
/// and a dead one at every fold.
pub(crate) async fn pack_rows(tx: &mut Tx, keys: Option<&[RowKey]>) -> Result<()> {
    let pack = format!("INSERT INTO rollup_rows {PACKED}");
    const REPLACE: &str = "ON CONFLICT (unit_id, period, part) DO UPDATE SET
        indicator_ids = excluded.indicator_ids, n = excluded.n, total = excluded.total,
        top = excluded.top, ok_n = excluded.ok_n, ok_total = excluded.ok_total,
        ok_top = excluded.ok_top";
    let Some(keys) = keys else {
        execute!(tx, "DELETE FROM rollup_rows")?;
        execute_dyn(
            tx,
            &format!("{pack} GROUP BY unit_id, period, part"),
            Vec::new(),
        )
        .await?;
        return Ok(());
    };
    for chunk in keys.chunks(tx.rows_per_statement(3)) {
        let list = crate::placeholders(chunk.len(), 3);
        let args = || {
            chunk
                .iter()
                .flat_map(|(unit, period, part)| {
                    [
                        Arg::I64(Some(*unit)),
                        Arg::Text(Some(period.to_string())),
                        Arg::Text(Some(part.as_str().to_owned())),
                    ]
                })
                .collect::<Vec<_>>()
        };
        let sql = format!(
            "{pack} WHERE (unit_id, period, part) IN (VALUES {list}) GROUP BY unit_id, period, part {REPLACE}"
        );
        execute_dyn(tx, &sql, args()).await?;
        let sql = format!(
            "DELETE FROM rollup_rows r WHERE (unit_id, period, part) IN (VALUES {list})
               AND NOT EXISTS (SELECT 1 FROM rollups c
                               WHERE c.unit_id = r.unit_id AND c.period = r.period AND c.part = r.part)"
        );
        execute_dyn(tx, &sql, args()).await?;
    }
    Ok(())
}

/// The advisory lock the folders of several servers take in turn, and a
/// rebuild takes to keep them out (PostgreSQL; SQLite has one writer).
const FOLD_LOCK: i64 = 0x4249_4E48_0300_0000;

/// Deltas folded per transaction (about a second of PostgreSQL's time;
/// no writer waits for it).
const FOLD_BATCH: i64 = 20_000;

/// Whether a folder that finds another at work gives way or waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// Return at once: the other folds what this one would have.
    GiveWay,
    /// Wait, then fold what is left (tests, `snapshot`).
    Wait,
}

/// Moves the committed deltas into the cells, oldest first, and returns
/// how many it moved. Each batch is one transaction that takes its deltas
/// out and adds them to the cells: a pivot, which reads a cell and its
/// deltas in one statement, sees every change once before, during and
/// after; a crash leaves the deltas of the batch where they were.
pub async fn fold(db: &Db, turn: Turn) -> Result<u64> {
    let mut folded = 0;
    loop {
        // Most runs find nothing: a read says so without the write lock
        // (SQLite) or a transaction (PostgreSQL).
        let any: Option<i64> = fetch!(
            db,
            fetch_optional,
            scalar i64,
            "SELECT id FROM rollup_deltas LIMIT 1"
        )?;
        if any.is_none() {
            return Ok(folded);
        }
        let mut tx = db.begin().await?;
        if tx.is_postgres() {
            let mine: bool = match turn {
                Turn::GiveWay => fetch!(
                    tx,
                    fetch_one,
                    scalar bool,
                    "SELECT pg_try_advisory_xact_lock($1)",
                    FOLD_LOCK
                )?,
                Turn::Wait => {
                    execute!(tx, "SELECT pg_advisory_xact_lock($1)", FOLD_LOCK)?;
                    true
                }
            };
            if !mine {
                tx.rollback().await?;
                return Ok(folded);
            }
        }
        let rows: Vec<DeltaRow> = fetch!(
            tx,
            fetch_all,
            DeltaRow,
            "DELETE FROM rollup_deltas WHERE id IN (SELECT id FROM rollup_deltas ORDER BY id LIMIT $1)
             RETURNING unit_id, period, indicator_id, part, n, total, ok_n, ok_total",
            FOLD_BATCH
        )?;
        if rows.is_empty() {
            tx.rollback().await?;
            return Ok(folded);
        }
        let mut sums: BTreeMap<Key, Cell> = BTreeMap::new();
        for r in &rows {
            let d = sums.entry(r.key()?).or_default();
            d.all.n += r.n;
            d.all.total += r.total;
            d.approved.n += r.ok_n;
            d.approved.total += r.ok_total;
        }
        let folded_rows: BTreeSet<RowKey> = sums.keys().map(row_key).collect();
        // Empty deltas only say that a key's cells changed (see
        // `mark_unpacked`): its row is packed again, no cell changes.
        let sums: Vec<(Key, Cell)> = sums
            .into_iter()
            .filter(|(_, d)| *d != Cell::default())
            .collect();
        add_to_cells(&mut tx, &sums).await?;
        if tx.is_postgres() {
            let keys: Vec<RowKey> = folded_rows.into_iter().collect();
            pack_rows(&mut tx, Some(&keys)).await?;
        }
        tx.commit().await?;
        folded += rows.len() as u64;
        if (rows.len() as i64) < FOLD_BATCH {
            return Ok(folded);
        }
    }
}

/// How often every server folds the deltas.
pub const FOLD_EVERY: Duration = Duration::from_millis(200);

/// Runs the folder every [`FOLD_EVERY`] until the process ends; a failed
/// run (the database away) is logged and tried again.
pub async fn keep_folded(db: Db) {
    let mut tick = tokio::time::interval(FOLD_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = fold(&db, Turn::GiveWay).await {
            tracing::warn!(error = %e, "rollups: the folder could not fold the new deltas");
        }
    }
}

/// The deltas waiting to be folded (the `/metrics` gauge: a number that
/// keeps growing means no server folds).
pub async fn waiting(db: &Db) -> Result<i64> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM rollup_deltas"
    )?)
}

/// One delta as the folder takes it out.
#[derive(sqlx::FromRow)]
struct DeltaRow {
    unit_id: i64,
    period: String,
    indicator_id: i64,
    part: String,
    n: i64,
    total: f64,
    ok_n: i64,
    ok_total: f64,
}

impl DeltaRow {
    fn key(&self) -> Result<Key> {
        key_of(self.unit_id, &self.period, self.indicator_id, &self.part)
    }
}

/// A cell's key from its stored columns.
fn key_of(unit: i64, period: &str, indicator: i64, part: &str) -> Result<Key> {
    let period = Period::parse("period", period)
        .map_err(|_| StoreError::Data(format!("rollups: kỳ «{period}» không hợp lệ")))?;
    Ok((unit, period, indicator, Part::parse(part)?))
}

/// Moves the figures of the units `roots` reach (themselves, what is below
/// them, and what they succeeded: a merged village's sources) to
/// the homes the hierarchy gives them now, after a merge, a split or sites
/// moving, in the caller's transaction: a unit whose homes changed takes
/// its contributions out of the homes it lost and into those it gained.
/// Returns how many units moved.
pub(crate) async fn rehome_under(tx: &mut Tx, roots: &[i64]) -> Result<usize> {
    let mut units = Vec::new();
    for chunk in roots.chunks(tx.rows_per_statement(1)) {
        let mut p = crate::Params::default();
        let list: Vec<String> = chunk.iter().map(|r| p.push(Arg::I64(Some(*r)))).collect();
        let sql = format!(
            "SELECT DISTINCT h.unit_id FROM rollup_homes h JOIN org_unit_reach r ON r.unit_id = h.unit_id
             WHERE r.ancestor_id IN ({}) ORDER BY h.unit_id",
            list.join(", ")
        );
        let found: Vec<(i64,)> = fetch_all_dyn(tx, &sql, p.args).await?;
        units.extend(found.into_iter().map(|(u,)| u));
    }
    units.sort_unstable();
    units.dedup();
    if units.is_empty() {
        return Ok(0);
    }
    let kinds = kinds(tx).await?;
    let mut moved = 0;
    for unit in units {
        if rehome(tx, unit, &kinds).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

async fn rehome(tx: &mut Tx, unit: i64, kinds: &Kinds) -> Result<bool> {
    let old = homes(tx, unit).await?;
    let new = compute_homes(tx, unit).await?;
    let lost: Vec<Home> = old.iter().filter(|h| !new.contains(h)).copied().collect();
    let gained: Vec<Home> = new.iter().filter(|h| !old.contains(h)).copied().collect();
    if lost.is_empty() && gained.is_empty() {
        return Ok(false);
    }
    // The new homes first: a maximum that falls in a lost home is
    // recomputed without this unit's values.
    execute!(tx, "DELETE FROM rollup_homes WHERE unit_id = $1", unit)?;
    store_homes(tx, unit, &new).await?;
    let rows: Vec<EntryRow> = fetch!(
        tx,
        fetch_all,
        EntryRow,
        "SELECT indicator_id, period, value, approved FROM data_values
         WHERE org_unit_id = $1 ORDER BY indicator_id",
        unit
    )?;
    let mut pending: BTreeMap<Key, Vec<(Cell, Cell)>> = BTreeMap::new();
    for group in rows.chunk_by(|a, b| a.indicator_id == b.indicator_id) {
        let Some(indicator) = group.first().map(|r| r.indicator_id) else {
            continue;
        };
        let Some(&(agg, _)) = kinds.get(&indicator) else {
            continue;
        };
        let entries: Vec<Entry> = group.iter().map(EntryRow::entry).collect::<Result<_>>()?;
        for (period, cell) in analytics::all_contributions(agg, &entries) {
            for (homes, leaving) in [(&lost, true), (&gained, false)] {
                for home in homes.iter().filter(|h| reaches_cell(unit, h.id)) {
                    let Some(c) = home.weigh(agg, cell) else {
                        continue;
                    };
                    let step = if leaving {
                        (c, Cell::default())
                    } else {
                        (Cell::default(), c)
                    };
                    pending
                        .entry((home.id, period, indicator, home.part))
                        .or_default()
                        .push(step);
                }
            }
        }
    }
    apply_pending(tx, pending, kinds).await?;
    Ok(true)
}

/// A cell's maximum from the values of every unit counting under its home.
async fn recompute_top(
    tx: &mut Tx,
    (home, period, indicator, part): Key,
    entered: PeriodType,
    approved_only: bool,
) -> Result<()> {
    let parts = period.parts(entered);
    let mut args = vec![
        Arg::I64(Some(home)),
        Arg::Text(Some(part.as_str().into())),
        Arg::I64(Some(indicator)),
        Arg::Bool(approved_only),
    ];
    let list: Vec<String> = parts
        .iter()
        .map(|p| {
            args.push(Arg::Text(Some(p.to_string())));
            format!("${}", args.len())
        })
        .collect();
    let sql = format!(
        "SELECT MAX(v.value) FROM data_values v JOIN rollup_homes r ON r.unit_id = v.org_unit_id
         WHERE r.home_id = $1 AND r.part = $2 AND r.whole AND v.indicator_id = $3
           AND v.period IN ({}) AND v.org_unit_id <> $1
           AND (v.approved OR NOT $4)",
        list.join(", ")
    );
    let top: Option<f64> = fetch_dyn!(tx, fetch_one, scalar Option<f64>, &sql, args)?;
    let column = if approved_only { "ok_top" } else { "top" };
    let sql = format!(
        "UPDATE rollups SET {column} = $1 WHERE unit_id = $2 AND period = $3 AND indicator_id = $4 AND part = $5"
    );
    execute!(
        tx,
        &sql,
        top,
        home,
        period.to_string(),
        indicator,
        part.as_str()
    )?;
    Ok(())
}

/// One stored figure, as the rollups read it.
#[derive(sqlx::FromRow)]
pub(crate) struct EntryRow {
    pub indicator_id: i64,
    pub period: String,
    pub value: f64,
    pub approved: bool,
}

impl EntryRow {
    pub fn entry(&self) -> Result<Entry> {
        Ok(Entry {
            period: Period::parse("period", &self.period).map_err(|_| {
                StoreError::Data(format!("data_values: kỳ «{}» không hợp lệ", self.period))
            })?,
            value: self.value,
            approved: self.approved,
        })
    }
}

/// The whole hierarchy in memory, for a rebuild: the homes of every unit
/// without queries of their own. Computes what [`compute_homes`] does (the
/// property test compares the two through the cells they give).
struct Tree {
    /// id → (parent, current)
    units: HashMap<i64, (Option<i64>, bool)>,
    /// from → the successor `now_base` follows
    successor: HashMap<i64, i64>,
    /// from → configured shares (successor, share)
    shares: HashMap<i64, Vec<(i64, f64)>>,
}

impl Tree {
    async fn load(tx: &mut Tx) -> Result<Tree> {
        let rows: Vec<(i64, Option<i64>, Option<NaiveDate>)> = fetch!(
            tx,
            fetch_all,
            (i64, Option<i64>, Option<NaiveDate>),
            "SELECT id, parent_id, valid_to FROM org_units"
        )?;
        let units = rows
            .into_iter()
            .map(|(id, p, to)| (id, (p, to.is_none())))
            .collect();
        // Later rows win: the default successor, else the smallest id.
        let links: Vec<(i64, i64)> = fetch!(
            tx,
            fetch_all,
            (i64, i64),
            "SELECT from_id, to_id FROM org_unit_successors ORDER BY from_id, is_default, to_id DESC"
        )?;
        let rows: Vec<(i64, i64, f64)> = fetch!(
            tx,
            fetch_all,
            (i64, i64, f64),
            "SELECT from_id, to_id, share FROM unit_shares ORDER BY from_id, to_id"
        )?;
        let mut shares: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
        for (from, to, share) in rows {
            shares.entry(from).or_default().push((to, share));
        }
        Ok(Tree {
            units,
            successor: links.into_iter().collect(),
            shares,
        })
    }

    fn ancestors(&self, unit: i64) -> Vec<i64> {
        let mut out = Vec::new();
        let mut cur = Some(unit);
        while let Some(u) = cur.filter(|u| !out.contains(u)) {
            out.push(u);
            cur = self.units.get(&u).and_then(|n| n.0);
        }
        out
    }

    fn now_base(&self, unit: i64) -> Option<i64> {
        let mut cur = unit;
        for _ in 0..32 {
            let (parent, current) = *self.units.get(&cur)?;
            if current {
                return Some(cur);
            }
            cur = self.successor.get(&cur).copied().or(parent)?;
        }
        None
    }

    fn homes(&self, unit: i64) -> Vec<Home> {
        let was = self.ancestors(unit);
        let default_now = self
            .now_base(unit)
            .map(|b| self.ancestors(b))
            .unwrap_or_default();
        let shared: Vec<(Vec<i64>, f64)> = self
            .shares
            .get(&unit)
            .into_iter()
            .flatten()
            .filter_map(|(to, share)| Some((self.ancestors(self.now_base(*to)?), *share)))
            .collect();
        place(unit, &was, &default_now, &shared)
    }
}

pub(crate) type Kinds = HashMap<
    i64,
    (
        domain::statistics::Aggregation,
        domain::statistics::PeriodType,
    ),
>;

/// Each collected indicator's aggregation and the period type it is entered in.
pub(crate) async fn kinds(tx: &mut Tx) -> Result<Kinds> {
    let rows: Vec<(i64, String, String)> = fetch!(
        tx,
        fetch_all,
        (i64, String, String),
        "SELECT i.id, i.aggregation, s.period_type FROM indicators i JOIN data_sets s ON s.id = i.data_set_id"
    )?;
    let mut out = HashMap::new();
    for (id, agg, pt) in rows {
        let bad = |_| {
            StoreError::Data(format!(
                "indicators {id}: cách tổng hợp hoặc loại kỳ không hợp lệ"
            ))
        };
        out.insert(
            id,
            (
                domain::statistics::Aggregation::parse("aggregation", &agg).map_err(bad)?,
                domain::statistics::PeriodType::parse("period_type", &pt).map_err(bad)?,
            ),
        );
    }
    Ok(out)
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RebuildReport {
    pub values: u64,
    pub units: u64,
    pub cells: u64,
}

/// Recomputes every home and cell from the values, in one transaction:
/// readers keep the old cells until it commits (WAL on SQLite, MVCC on
/// PostgreSQL); writers of figures wait for it.
pub async fn rebuild(db: &Db) -> Result<RebuildReport> {
    let mut tx = db.begin().await?;
    if tx.is_postgres() {
        // The folders wait, and so do the writers of figures (SQLite's
        // `BEGIN IMMEDIATE` does both): their deltas would otherwise land
        // on cells rebuilt from values they had not yet committed.
        execute!(tx, "SELECT pg_advisory_xact_lock($1)", FOLD_LOCK)?;
        execute!(tx, "LOCK TABLE data_values IN SHARE MODE")?;
    }
    execute!(tx, "DELETE FROM rollups_due")?;
    execute!(tx, "DELETE FROM rollup_deltas")?;
    execute!(tx, "DELETE FROM rollups")?;
    execute!(tx, "DELETE FROM rollup_homes")?;
    let kind_of = kinds(&mut tx).await?;
    let tree = Tree::load(&mut tx).await?;
    // Every cell is a home's above its units (a unit's own are computed
    // when asked): a million or so at national size, held until written.
    let mut cells: HashMap<Key, Cell> = HashMap::new();
    let mut homes_of: HashMap<i64, Vec<Home>> = HashMap::new();
    let mut values = 0;
    // The figures are keyed by unit first: read a few hundred units at a
    // time, in the key's order.
    let mut unit_ids: Vec<i64> = tree.units.keys().copied().collect();
    unit_ids.sort_unstable();
    for range in unit_ids.chunks(UNITS_A_READ) {
        let (Some(lo), Some(hi)) = (range.first(), range.last()) else {
            continue;
        };
        for (unit, indicator, entries) in entries_of(&mut tx, *lo, *hi).await? {
            let Some(&(agg, _)) = kind_of.get(&indicator) else {
                continue;
            };
            values += entries.len() as u64;
            let homes = match homes_of.entry(unit) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(tree.homes(unit)),
            };
            for (period, cell) in analytics::all_contributions(agg, &entries) {
                for home in homes.iter().filter(|h| reaches_cell(unit, h.id)) {
                    let Some(cell) = home.weigh(agg, cell) else {
                        continue;
                    };
                    let c = cells
                        .entry((home.id, period, indicator, home.part))
                        .or_default();
                    *c = c.merge(cell);
                }
            }
        }
    }
    let mut homed: Vec<(&i64, &Vec<Home>)> = homes_of.iter().collect();
    homed.sort_unstable_by_key(|(unit, _)| **unit);
    for (unit, homes) in homed {
        store_homes(&mut tx, *unit, homes).await?;
    }
    let mut cells: Vec<(Key, Cell)> = cells.into_iter().collect();
    cells.sort_by_key(|c| c.0);
    write_cells(&mut tx, &cells).await?;
    if tx.is_postgres() {
        pack_rows(&mut tx, None).await?;
    }
    let report = RebuildReport {
        values,
        units: homes_of.len() as u64,
        cells: cells.len() as u64,
    };
    tx.commit().await?;
    if !db.is_postgres() {
        // Fold the rebuild's WAL into the file now and cut it back, rather
        // than leave gigabytes for the next reader to scan. Best effort:
        // a busy reader only delays it to a later checkpoint.
        let _ = execute!(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
    db.refresh_statistics(&["rollups", "rollup_homes"]).await;
    Ok(report)
}

/// Units whose figures a rebuild reads in one statement.
const UNITS_A_READ: usize = 200;

/// The figures of the units `lo..=hi` for a rebuild, by unit and
/// indicator, periods in order. Read in the key's order, each unit's
/// period packed into one text (`indicator:value:approved` items; the
/// pivot's packing, floats printed exactly), as 21 million rows crossing
/// the driver one by one cost most of a national rebuild.
async fn entries_of(tx: &mut Tx, lo: i64, hi: i64) -> Result<Vec<(i64, i64, Vec<Entry>)>> {
    let pg = tx.is_postgres();
    let items = super::pivot::packed(
        pg,
        &[
            "indicator_id".into(),
            super::pivot::exact(pg, "value"),
            "CASE WHEN approved THEN 1 ELSE 0 END".into(),
        ],
        ',',
    );
    let sql = format!(
        "SELECT org_unit_id, period, {items} FROM data_values
         WHERE org_unit_id >= $1 AND org_unit_id <= $2 GROUP BY org_unit_id, period"
    );
    let rows: Vec<(i64, String, String)> =
        fetch!(tx, fetch_all, (i64, String, String), &sql, lo, hi)?;
    let bad = |item: &str| StoreError::Data(format!("data_values: «{item}» không đọc được"));
    let mut by_key: BTreeMap<(i64, i64), Vec<Entry>> = BTreeMap::new();
    for (unit, period, packed) in rows {
        let period = Period::parse("period", &period).map_err(|_| bad(&period))?;
        for item in packed.split(',') {
            let mut f = item.split(':');
            let (Some(indicator), Some(value), Some(approved), None) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad(item));
            };
            let indicator: i64 = indicator.parse().map_err(|_| bad(item))?;
            by_key.entry((unit, indicator)).or_default().push(Entry {
                period,
                value: value.parse().map_err(|_| bad(item))?,
                approved: approved == "1",
            });
        }
    }
    Ok(by_key
        .into_iter()
        .map(|((unit, indicator), mut entries)| {
            entries.sort_by_key(|e| e.period);
            (unit, indicator, entries)
        })
        .collect())
}

/// Rebuilds when a migration changed what the cells hold
/// (`rollups_due`), as a server starts: `None` when nothing was due.
pub async fn rebuild_if_due(db: &Db) -> Result<Option<RebuildReport>> {
    let due: Vec<String> = fetch!(db, fetch_all, scalar String, "SELECT reason FROM rollups_due")?;
    if due.is_empty() {
        return Ok(None);
    }
    tracing::info!(reason = %due.join(", "), "rollups: rebuilding the cells after an upgrade");
    let report = rebuild(db).await?;
    tracing::info!(
        values = report.values,
        cells = report.cells,
        "rollups: cells rebuilt"
    );
    Ok(Some(report))
}

/// Every cell, sorted, after folding what waits: for tests that compare
/// incremental and rebuilt rollups.
pub async fn snapshot(db: &Db) -> Result<Vec<(Key, Cell)>> {
    fold(db, Turn::Wait).await?;
    let sql = format!("SELECT {CELL_COLUMNS} FROM rollups");
    let rows: Vec<CellRow> = fetch!(db, fetch_all, CellRow, &sql)?;
    let mut out: Vec<(Key, Cell)> = rows
        .iter()
        .map(|r| Ok((r.key()?, r.cell())))
        .collect::<Result<_>>()?;
    out.sort_by_key(|c| c.0);
    Ok(out)
}
