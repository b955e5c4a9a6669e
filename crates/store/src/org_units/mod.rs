//! The administrative hierarchy in the database: lookups, lists, search,
//! predecessors and successors, the subtree helpers that every capability
//! filters by, and the writes for villages and sites.
//!
//! Two closures keep subtree questions to one indexed query:
//! `org_unit_tree` (the hierarchy as it was: "everything that was under
//! legacy Nam Định") and `org_unit_reach` (hierarchy plus successions: "all
//! records that 2025 Ninh Bình covers", legacy units included).

pub mod areas;
mod by_ref;
pub mod reference;

pub use by_ref::UnitsByRef;

use chrono::{NaiveDate, Utc};
use domain::org_units::{
    check_reorganisation_parent, day_before, short_name, Kind, Level, Merge, NewUnit, NewVillage,
    OrgUnit, OrgUnitId, SearchText, Split, Succession, UnitPatch,
};
use domain::page::Page;
use domain::text::{fold, prefix_upper_bound, sort_key, word_suffixes};
use domain::vocabulary::Vocabulary;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{Arg, Db, Params, Tx};

const SELECT: &str = "SELECT u.id, u.level, u.kind, u.code, u.name, u.short_name, u.parent_id,
        u.valid_from, u.valid_to, u.lat, u.lon, u.address, p.name AS parent_name
    FROM org_units u LEFT JOIN org_units p ON p.id = u.parent_id";

use crate::scope::unit_in_scope;

fn scope_clause(n: usize) -> String {
    crate::scope::unit_in_scope_or_unscoped("u.id", &format!("${n}"))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    level: String,
    kind: String,
    code: Option<String>,
    name: String,
    short_name: String,
    parent_id: Option<i64>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    lat: Option<f64>,
    lon: Option<f64>,
    address: Option<String>,
    parent_name: Option<String>,
}

/// A unit with its parent's name, as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    #[serde(flatten)]
    pub unit: OrgUnit,
    pub parent_name: Option<String>,
}

impl TryFrom<Row> for UnitView {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let bad = |what: &str| StoreError::Data(format!("org_units {}: {what} không hợp lệ", r.id));
        let level = Level::parse("level", &r.level).map_err(|_| bad("level"))?;
        let kind = Kind::parse("kind", &r.kind).map_err(|_| bad("kind"))?;
        Ok(UnitView {
            unit: OrgUnit {
                id: r.id,
                level,
                kind,
                code: r.code,
                name: r.name,
                short_name: r.short_name,
                parent_id: r.parent_id,
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                lat: r.lat,
                lon: r.lon,
                address: r.address,
            },
            parent_name: r.parent_name,
        })
    }
}

fn views(rows: Vec<Row>) -> Result<Vec<UnitView>> {
    rows.into_iter().map(UnitView::try_from).collect()
}

/// One unit, if it exists and the scope reaches it.
pub async fn get(db: &Db, scope: Scope, id: OrgUnitId) -> Result<Option<UnitView>> {
    let sql = format!("{SELECT} WHERE u.id = $1 AND {}", scope_clause(2));
    let row: Option<Row> = fetch!(db, fetch_optional, Row, &sql, id, scope.user_id())?;
    row.map(UnitView::try_from).transpose()
}

/// The units that meet a condition on alias `u` (batch lookups of other
/// capabilities, e.g. the rows of an imported file).
pub(crate) async fn select_where(db: &Db, cond: &str, args: Vec<Arg>) -> Result<Vec<UnitView>> {
    let sql = format!("{SELECT} WHERE {cond}");
    let rows: Vec<Row> = fetch_dyn!(db, fetch_all, Row, &sql, args)?;
    views(rows)
}

/// [`select_where`] inside a transaction.
pub(crate) async fn select_where_tx(
    tx: &mut Tx,
    cond: &str,
    args: Vec<Arg>,
) -> Result<Vec<UnitView>> {
    let sql = format!("{SELECT} WHERE {cond}");
    let rows: Vec<Row> = fetch_dyn!(tx, fetch_all, Row, &sql, args)?;
    views(rows)
}

/// Several units by id, those outside the scope left out.
pub async fn get_many(db: &Db, scope: Scope, ids: &[OrgUnitId]) -> Result<Vec<OrgUnit>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(v) = get(db, scope, *id).await? {
            out.push(v.unit);
        }
    }
    Ok(out)
}

/// Filters of the unit list. All combine; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub level: Option<Level>,
    pub parent: Option<OrgUnitId>,
    /// Units valid on this date; `None` lists every date.
    pub as_of: Option<NaiveDate>,
    /// Search text, as typed; matched without case or diacritics.
    pub q: Option<String>,
    pub page: Page,
}

/// The conditions of `list` that are set, on table alias `t` whose unit id
/// column is `id`, so that each planner sees plain conditions it can drive
/// an index from.
fn list_filter(q: &ListQuery, scope: Scope, t: &str, id: &str, p: &mut Params) -> String {
    let mut conds: Vec<String> = Vec::new();
    if let Some(l) = q.level {
        conds.push(format!(
            "{t}.level = {}",
            p.push(Arg::Text(Some(l.as_str().into())))
        ));
    }
    if let Some(parent) = q.parent {
        conds.push(format!(
            "{t}.parent_id = {}",
            p.push(Arg::I64(Some(parent)))
        ));
    }
    if let Some(d) = q.as_of {
        let n = p.push(Arg::Date(Some(d)));
        conds.push(format!(
            "({t}.valid_from IS NULL OR {t}.valid_from <= {n}) AND ({t}.valid_to IS NULL OR {t}.valid_to >= {n})"
        ));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        conds.push(unit_in_scope(id, &n));
    }
    if conds.is_empty() {
        "1 = 1".into()
    } else {
        conds.join(" AND ")
    }
}

/// The id page of a list: `(sql, count_sql, args, count_args)`. A search
/// reads only `org_unit_words` (one index range, however many match); a
/// plain list reads `org_units` through its level or parent index.
fn page_query(
    q: &ListQuery,
    scope: Scope,
    search: Option<&SearchText>,
) -> (String, String, Vec<Arg>, Vec<Arg>) {
    let mut p = Params::default();
    let (inner, count) = match search {
        Some(st) => {
            let f = st.text.as_str();
            let lower = p.push(Arg::Text(Some(f.into())));
            let upper = p.push(Arg::Text(Some(prefix_upper_bound(f))));
            let mut filter = list_filter(q, scope, "w", "w.unit_id", &mut p);
            if !st.kinds.is_empty() {
                let kinds: Vec<String> = st
                    .kinds
                    .iter()
                    .map(|k| p.push(Arg::Text(Some(k.as_str().into()))))
                    .collect();
                filter = format!("{filter} AND w.kind IN ({})", kinds.join(", "));
            }
            let from = format!(
                "FROM org_unit_words w WHERE w.word >= {lower} AND w.word < {upper} AND {filter}"
            );
            let count = format!("SELECT COUNT(DISTINCT w.unit_id) {from}");
            let exact = p.push(Arg::Text(Some(f.into())));
            let inner = format!(
                "SELECT w.unit_id AS id,
                        MIN(CASE WHEN w.is_start AND w.word = {exact} THEN 0 WHEN w.is_start THEN 1 ELSE 2 END) AS rk,
                        MIN(CASE WHEN w.valid_to IS NULL THEN 0 ELSE 1 END) AS cur,
                        MIN({lv}) AS lv, MIN(w.sort_key) AS sort_key
                 {from} GROUP BY w.unit_id",
                lv = level_rank("w")
            );
            (inner, count)
        }
        None => {
            let filter = list_filter(q, scope, "u", "u.id", &mut p);
            let inner = format!(
                "SELECT u.id, 0 AS rk, CASE WHEN u.valid_to IS NULL THEN 0 ELSE 1 END AS cur,
                        {lv} AS lv, u.sort_key
                 FROM org_units u WHERE {filter}",
                lv = level_rank("u")
            );
            (
                inner,
                format!("SELECT COUNT(*) FROM org_units u WHERE {filter}"),
            )
        }
    };
    let count_args = p.to_vec();
    let (limit, offset) = (
        p.push(Arg::I64(Some(q.page.limit()))),
        p.push(Arg::I64(Some(q.page.offset()))),
    );
    // Only the page's rows are read whole and joined to their parent.
    let sql = format!(
        "SELECT u.id, u.level, u.kind, u.code, u.name, u.short_name, u.parent_id,
                u.valid_from, u.valid_to, u.lat, u.lon, u.address, p.name AS parent_name
         FROM ({inner} ORDER BY rk, cur, lv, sort_key, id LIMIT {limit} OFFSET {offset}) s
         JOIN org_units u ON u.id = s.id
         LEFT JOIN org_units p ON p.id = u.parent_id
         ORDER BY s.rk, s.cur, s.lv, s.sort_key, s.id"
    );
    (sql, count, p.args, count_args)
}

fn level_rank(t: &str) -> String {
    format!(
        "CASE {t}.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 WHEN 'commune' THEN 2
                        WHEN 'village' THEN 3 ELSE 4 END"
    )
}

/// A page of units and the total that match. A search finds the units with
/// a word of the name that starts with the text (folded: no case, no
/// diacritics; a leading type word such as `xã` picks the kind); exact
/// matches of the name come first, then names that start with it; current units before legacy ones, then by level and
/// Vietnamese order.
pub async fn list(db: &Db, scope: Scope, q: &ListQuery) -> Result<(Vec<UnitView>, i64)> {
    let search = q.q.as_deref().and_then(SearchText::parse);
    let found = list_page(db, scope, q, search.as_ref()).await?;
    // A name that starts with a type word (Phường Bàn Cờ: "bản" is a
    // village's) is found as typed when the type finds nothing.
    if found.1 == 0 && search.as_ref().is_some_and(|s| !s.kinds.is_empty()) {
        let as_typed = q.q.as_deref().and_then(SearchText::as_typed);
        return list_page(db, scope, q, as_typed.as_ref()).await;
    }
    Ok(found)
}

async fn list_page(
    db: &Db,
    scope: Scope,
    q: &ListQuery,
    search: Option<&SearchText>,
) -> Result<(Vec<UnitView>, i64)> {
    let (sql, count_sql, args, count_args) = page_query(q, scope, search);
    let rows: Vec<Row> = fetch_dyn!(db, fetch_all, Row, &sql, args)?;
    // A first page that is not full holds every match: no need to count.
    let n = rows.len() as i64;
    let total = if q.page.page == 1 && n < q.page.limit() {
        n
    } else {
        fetch_dyn!(db, fetch_one, scalar i64, &count_sql, count_args)?
    };
    Ok((views(rows)?, total))
}

/// Rewrites the search words of unit `id` from its row: called after
/// every write that changes a unit (name, validity, parent).
pub(crate) async fn index_words(tx: &mut Tx, id: OrgUnitId) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct Names {
        short_folded: String,
    }
    let n: Names = fetch!(
        tx,
        fetch_one,
        Names,
        "SELECT short_folded FROM org_units WHERE id = $1",
        id
    )?;
    execute!(tx, "DELETE FROM org_unit_words WHERE unit_id = $1", id)?;
    for w in word_suffixes(&n.short_folded) {
        let is_start = w == n.short_folded;
        execute!(
            tx,
            "INSERT INTO org_unit_words (word, unit_id, is_start, level, kind, parent_id, valid_from, valid_to, sort_key)
             SELECT $1, id, $2, level, kind, parent_id, valid_from, valid_to, sort_key FROM org_units WHERE id = $3",
            &w,
            is_start,
            id
        )?;
    }
    Ok(())
}

/// A link to a predecessor or successor.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Link {
    pub id: OrgUnitId,
    pub code: Option<String>,
    pub name: String,
    pub level: String,
    pub parent_name: Option<String>,
    pub date: NaiveDate,
    pub kind: String,
    pub is_default: bool,
}

/// The units that went into `id` (a merge's sources, a reform's legacy units).
pub async fn predecessors(db: &Db, id: OrgUnitId) -> Result<Vec<Link>> {
    links(db, id, "s.to_id = $1", "s.from_id").await
}

/// The units that `id` went into, the default one first.
pub async fn successors(db: &Db, id: OrgUnitId) -> Result<Vec<Link>> {
    links(db, id, "s.from_id = $1", "s.to_id").await
}

async fn links(db: &Db, id: OrgUnitId, filter: &str, other: &str) -> Result<Vec<Link>> {
    let sql = format!(
        "SELECT u.id, u.code, u.name, u.level, p.name AS parent_name, s.on_date AS date,
                s.kind, s.is_default
         FROM org_unit_successors s
         JOIN org_units u ON u.id = {other}
         LEFT JOIN org_units p ON p.id = u.parent_id
         WHERE {filter}
         ORDER BY s.is_default DESC, u.sort_key"
    );
    Ok(fetch!(db, fetch_all, Link, &sql, id)?)
}

/// A unit's ancestors, the province first (breadcrumbs).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Crumb {
    pub id: OrgUnitId,
    pub name: String,
    pub level: String,
}

pub async fn ancestors(db: &Db, id: OrgUnitId) -> Result<Vec<Crumb>> {
    Ok(fetch!(
        db,
        fetch_all,
        Crumb,
        "SELECT u.id, u.name, u.level FROM org_unit_tree t JOIN org_units u ON u.id = t.ancestor_id
         WHERE t.unit_id = $1 AND t.depth > 0 ORDER BY t.depth DESC",
        id
    )?)
}

/// How many units lie under `id` in its own tree ("as it was"), itself included.
pub async fn count_subtree(db: &Db, id: OrgUnitId) -> Result<i64> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM org_unit_tree WHERE ancestor_id = $1",
        id
    )?)
}

/// How many units `id` covers across successions ("as it is now"), itself included.
pub async fn count_reach(db: &Db, id: OrgUnitId) -> Result<i64> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM org_unit_reach WHERE ancestor_id = $1",
        id
    )?)
}

/// SQL for "unit column `col` lies under `$n` as the hierarchy was": for
/// other capabilities' queries, e.g. `format!("… WHERE {}", in_subtree("m.org_unit_id", 1))`.
pub fn in_subtree(col: &str, n: usize) -> String {
    format!("{col} IN (SELECT unit_id FROM org_unit_tree WHERE ancestor_id = ${n})")
}

/// SQL for "unit column `col` is covered by `$n` as the hierarchy is now"
/// (legacy units under their 2025 successors).
pub fn in_reach(col: &str, n: usize) -> String {
    format!("{col} IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = ${n})")
}

/// Whether the scope reaches unit `id`.
pub async fn in_scope(db: &Db, scope: Scope, id: OrgUnitId) -> Result<bool> {
    Ok(get(db, scope, id).await?.is_some())
}

/// The unit of `level` that carried `code` on `date` (codes are reused:
/// `00004` names different communes before and after the reform).
pub async fn resolve_code(
    db: &Db,
    level: Level,
    code: &str,
    date: NaiveDate,
) -> Result<Option<OrgUnit>> {
    let sql = format!(
        "{SELECT} WHERE u.level = $1 AND u.code = $2
           AND (u.valid_from IS NULL OR u.valid_from <= $3)
           AND (u.valid_to IS NULL OR u.valid_to >= $3)"
    );
    let row: Option<Row> = fetch!(db, fetch_optional, Row, &sql, level.as_str(), code, date)?;
    Ok(row.map(UnitView::try_from).transpose()?.map(|v| v.unit))
}

/// The unit that stands for `id` on `date`: itself if valid then, else its
/// default successor (followed through later changes), else — for legacy
/// districts, which have no successor — what its parent maps to.
pub async fn mapped_to(db: &Db, id: OrgUnitId, date: NaiveDate) -> Result<Option<OrgUnit>> {
    let mut tx = db.begin_read().await?;
    let found = mapped_to_tx(&mut tx, id, date).await;
    tx.rollback().await?;
    found
}

/// [`mapped_to`] inside a transaction.
pub(crate) async fn mapped_to_tx(
    tx: &mut Tx,
    id: OrgUnitId,
    date: NaiveDate,
) -> Result<Option<OrgUnit>> {
    let mut current = id;
    // Chains are short (reform, then a few village merges); the bound only
    // guards against a cycle in bad data.
    for _ in 0..32 {
        let found = select_where_tx(tx, "u.id = $1", vec![Arg::I64(Some(current))]).await?;
        let Some(v) = found.into_iter().next() else {
            return Ok(None);
        };
        if v.unit.validity().contains(date) {
            return Ok(Some(v.unit));
        }
        if v.unit.valid_from.is_some_and(|f| date < f) {
            return Ok(None);
        }
        let next: Option<i64> = fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT to_id FROM org_unit_successors WHERE from_id = $1
             ORDER BY is_default DESC, to_id LIMIT 1",
            current
        )?;
        current = match (next, v.unit.parent_id) {
            (Some(n), _) => n,
            (None, Some(p)) => p,
            (None, None) => return Ok(None),
        };
    }
    Ok(None)
}

// ---- writes -------------------------------------------------------------

/// Fails unless a site's kind is in the catalogue of kinds of place used
/// at `at` (the site, or its parent for a new one): national, or its
/// province's own.
async fn require_place_kind(tx: &mut Tx, kind: Kind, at: OrgUnitId) -> Result<()> {
    let Kind::Site(k) = kind else { return Ok(()) };
    let words = crate::vocabulary::usable_at(tx, Vocabulary::PlaceKind, at).await?;
    crate::vocabulary::require(Vocabulary::PlaceKind, "kind", &words, k.as_str())?;
    Ok(())
}

async fn insert_unit(tx: &mut Tx, u: &NewUnit) -> Result<OrgUnitId> {
    require_place_kind(tx, u.kind, u.parent_id).await?;
    let now = Utc::now();
    let name = u.name.as_str();
    let short = short_name(name, u.kind);
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO org_units (level, kind, name, short_name, name_folded, short_folded, sort_key,
                                parent_id, valid_from, lat, lon, address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
         RETURNING id",
        u.level.as_str(),
        u.kind.as_str(),
        name,
        &short,
        fold(name),
        fold(&short),
        sort_key(&short),
        u.parent_id,
        u.valid_from,
        u.coordinates.map(|c| c.lat),
        u.coordinates.map(|c| c.lon),
        u.address.as_deref(),
        now
    )?;
    attach(tx, id, u.parent_id).await?;
    index_words(tx, id).await?;
    Ok(id)
}

/// Adds a new leaf `id` under `parent` to both closures.
async fn attach(tx: &mut Tx, id: OrgUnitId, parent: OrgUnitId) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO org_unit_tree (ancestor_id, unit_id, depth)
         SELECT ancestor_id, $1, depth + 1 FROM org_unit_tree WHERE unit_id = $2
         UNION ALL SELECT $1, $1, 0",
        id,
        parent
    )?;
    execute!(
        tx,
        "INSERT INTO org_unit_reach (ancestor_id, unit_id)
         SELECT ancestor_id, $1 FROM org_unit_reach WHERE unit_id = $2
         UNION SELECT $1, $1",
        id,
        parent
    )?;
    Ok(())
}

/// Moves leaf `id` (a site) under `parent` in both closures, leaving them
/// as a full rebuild from `parent_id` and the successions would.
async fn reattach_leaf(tx: &mut Tx, id: OrgUnitId, parent: OrgUnitId) -> Result<()> {
    execute!(
        tx,
        "DELETE FROM org_unit_tree WHERE unit_id = $1 AND depth > 0",
        id
    )?;
    execute!(
        tx,
        "DELETE FROM org_unit_reach WHERE unit_id = $1 AND ancestor_id <> $1",
        id
    )?;
    execute!(
        tx,
        "INSERT INTO org_unit_tree (ancestor_id, unit_id, depth)
         SELECT ancestor_id, $1, depth + 1 FROM org_unit_tree WHERE unit_id = $2",
        id,
        parent
    )?;
    execute!(
        tx,
        "INSERT INTO org_unit_reach (ancestor_id, unit_id)
         SELECT ancestor_id, $1 FROM org_unit_reach WHERE unit_id = $2",
        id,
        parent
    )?;
    Ok(())
}

async fn load(tx: &mut Tx, id: OrgUnitId) -> Result<UnitView> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    let row: Option<Row> = fetch!(tx, fetch_optional, Row, &sql, id)?;
    row.map(UnitView::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// Locks unit `id` for the rest of the transaction and returns it as it is
/// now, if it has not ended: the checks made before the transaction began
/// are made again against what the transaction will write over.
async fn lock_open(tx: &mut Tx, id: OrgUnitId) -> Result<OrgUnit> {
    let n = execute!(
        tx,
        "UPDATE org_units SET updated_at = updated_at WHERE id = $1 AND valid_to IS NULL",
        id
    )?;
    if n == 0 {
        return Err(StoreError::Conflict(domain::Reason::UnitEnded { id }));
    }
    Ok(load(tx, id).await?.unit)
}

/// Creates a village or site; the caller has checked the parent's scope.
pub async fn create(db: &Db, author: Author, u: &NewUnit) -> Result<UnitView> {
    let mut tx = db.begin().await?;
    lock_open(&mut tx, u.parent_id).await?;
    let id = insert_unit(&mut tx, u).await?;
    let after = load(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "create",
            entity: "org_unit",
            entity_id: id.to_string(),
            before: None,
            after: Some(&after.unit),
        },
    )
    .await?;
    crate::certification::tallies::units_changed(&mut tx, &[id], None).await?;
    tx.commit().await?;
    Ok(after)
}

/// Applies a checked patch to a village or site. The record of what it was
/// comes from inside the transaction, not from the caller's earlier read.
pub async fn update(db: &Db, author: Author, unit: &OrgUnit, p: &UnitPatch) -> Result<UnitView> {
    let target = audit::Target {
        author,
        entity: "org_unit",
        table: "org_units",
        id: unit.id,
    };
    let write = async |tx: &mut Tx, before: &UnitView| {
        if p.kind != before.unit.kind {
            require_place_kind(tx, p.kind, before.unit.id).await?;
        }
        let short = short_name(p.name.as_str(), p.kind);
        let n = execute!(
            tx,
            "UPDATE org_units SET name = $1, short_name = $2, name_folded = $3, short_folded = $4,
                    sort_key = $5, kind = $6, lat = $7, lon = $8, address = $9, updated_at = $10
             WHERE id = $11 AND level IN ('village', 'site')",
            p.name.as_str(),
            &short,
            fold(p.name.as_str()),
            fold(&short),
            sort_key(&short),
            p.kind.as_str(),
            p.coordinates.map(|c| c.lat),
            p.coordinates.map(|c| c.lon),
            p.address.as_deref(),
            Utc::now(),
            before.unit.id
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        index_words(tx, before.unit.id).await?;
        // A site's kind is its certification kind; its name counts nowhere.
        if p.kind != before.unit.kind {
            crate::certification::tallies::units_changed(tx, &[before.unit.id], None).await?;
        }
        Ok(())
    };
    // The log keeps the unit, not its parent's name.
    audit::update_recording(db, target, load, write, |v: &UnitView| &v.unit).await
}

/// Ends `id` on `last_day`; fails if it ended meanwhile (a concurrent merge).
async fn close(tx: &mut Tx, id: OrgUnitId, last_day: NaiveDate) -> Result<()> {
    let n = execute!(
        tx,
        "UPDATE org_units SET valid_to = $1, updated_at = $2 WHERE id = $3 AND valid_to IS NULL",
        last_day,
        Utc::now(),
        id
    )?;
    if n != 1 {
        return Err(StoreError::Conflict(domain::Reason::UnitEnded { id }));
    }
    index_words(tx, id).await
}

/// Records `from` → `to` and lets everything that covers `to` cover what
/// `from` covered.
async fn link(
    tx: &mut Tx,
    from: OrgUnitId,
    to: OrgUnitId,
    date: NaiveDate,
    kind: Succession,
    is_default: bool,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO org_unit_successors (from_id, to_id, on_date, kind, is_default)
         VALUES ($1, $2, $3, $4, $5)",
        from,
        to,
        date,
        kind.as_str(),
        is_default
    )?;
    execute!(
        tx,
        "INSERT INTO org_unit_reach (ancestor_id, unit_id)
         SELECT a.ancestor_id, r.unit_id FROM org_unit_reach a
         JOIN org_unit_reach r ON r.ancestor_id = $2
         WHERE a.unit_id = $1
         ON CONFLICT DO NOTHING",
        to,
        from
    )?;
    Ok(())
}

/// Open sites under `from` move to `to`, so that they stay listed today.
async fn move_sites(tx: &mut Tx, from: OrgUnitId, to: OrgUnitId) -> Result<Vec<OrgUnitId>> {
    let ids: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "UPDATE org_units SET parent_id = $1, updated_at = $2
         WHERE parent_id = $3 AND level = 'site' AND valid_to IS NULL RETURNING id",
        to,
        Utc::now(),
        from
    )?;
    for id in &ids {
        reattach_leaf(tx, *id, to).await?;
        index_words(tx, *id).await?;
    }
    Ok(ids)
}

/// What a merge or split did, for the answer and the audit record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reorganisation {
    pub date: NaiveDate,
    pub ended: Vec<OrgUnitId>,
    pub created: Vec<UnitView>,
    pub moved_sites: Vec<OrgUnitId>,
}

async fn create_village(
    tx: &mut Tx,
    v: &NewVillage,
    parent: OrgUnitId,
    date: NaiveDate,
) -> Result<OrgUnitId> {
    insert_unit(
        tx,
        &NewUnit {
            level: Level::Village,
            kind: v.kind,
            name: v.name.clone(),
            parent_id: parent,
            valid_from: Some(date),
            coordinates: None,
            address: None,
        },
    )
    .await
}

/// Merges villages into a new one on `m.date`; the sources end the day
/// before and keep their history; their open sites move to the new village.
pub async fn merge(db: &Db, author: Author, m: &Merge) -> Result<Reorganisation> {
    let mut tx = db.begin().await?;
    let parent = lock_open(&mut tx, m.parent_id).await?;
    check_reorganisation_parent(&parent, m.date)?;
    let into = create_village(&mut tx, &m.into, m.parent_id, m.date).await?;
    let mut moved = Vec::new();
    // Always in id order, so two merges of the same villages wait for each
    // other instead of deadlocking.
    let mut sources = m.sources.clone();
    sources.sort_unstable();
    for s in &sources {
        close(&mut tx, *s, day_before(m.date)).await?;
        link(&mut tx, *s, into, m.date, Succession::Whole, true).await?;
        moved.extend(move_sites(&mut tx, *s, into).await?);
    }
    let mut changed = sources.clone();
    changed.extend(&moved);
    crate::statistics::rollups::rehome_under(&mut tx, &changed).await?;
    changed.push(into);
    crate::certification::tallies::units_changed(&mut tx, &changed, None).await?;
    let r = Reorganisation {
        date: m.date,
        ended: m.sources.clone(),
        created: vec![load(&mut tx, into).await?],
        moved_sites: moved,
    };
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "merge",
            entity: "org_unit",
            entity_id: into.to_string(),
            before: None,
            after: Some(&r),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// Splits a village into several on `s.date`; the default part takes its
/// open sites.
pub async fn split(db: &Db, author: Author, s: &Split) -> Result<Reorganisation> {
    let mut tx = db.begin().await?;
    let parent = lock_open(&mut tx, s.parent_id).await?;
    check_reorganisation_parent(&parent, s.date)?;
    close(&mut tx, s.source, day_before(s.date)).await?;
    let mut created = Vec::with_capacity(s.parts.len());
    let mut moved = Vec::new();
    for (i, part) in s.parts.iter().enumerate() {
        let id = create_village(&mut tx, part, s.parent_id, s.date).await?;
        let is_default = i == s.default_part;
        link(&mut tx, s.source, id, s.date, Succession::Split, is_default).await?;
        if is_default {
            moved = move_sites(&mut tx, s.source, id).await?;
        }
        created.push(load(&mut tx, id).await?);
    }
    let mut changed = vec![s.source];
    changed.extend(&moved);
    crate::statistics::rollups::rehome_under(&mut tx, &changed).await?;
    changed.extend(created.iter().map(|c| c.unit.id));
    crate::certification::tallies::units_changed(&mut tx, &changed, None).await?;
    let r = Reorganisation {
        date: s.date,
        ended: vec![s.source],
        created,
        moved_sites: moved,
    };
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "split",
            entity: "org_unit",
            entity_id: s.source.to_string(),
            before: None,
            after: Some(&r),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// Where each unit a register counts at (its *home*) stands on a day
/// across the 2025 reform, asked once per (home, day).
#[derive(Default)]
pub(crate) struct Homes(std::collections::HashMap<(i64, NaiveDate), Option<i64>>);

impl Homes {
    pub(crate) async fn on(
        &mut self,
        tx: &mut Tx,
        home: i64,
        day: NaiveDate,
    ) -> Result<Option<i64>> {
        if let Some(found) = self.0.get(&(home, day)) {
            return Ok(*found);
        }
        let found = mapped_to_tx(tx, home, day).await?.map(|u| u.id);
        self.0.insert((home, day), found);
        Ok(found)
    }
}
