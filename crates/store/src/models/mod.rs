//! Deployed models in the database: reads within a scope, the audited
//! writes (create, edit, dated status, yearly rating, activity), the
//! replication tree, and the bulk insert behind imports.
//!
//! A model keeps the unit it was founded at (a legacy commune stays a
//! legacy commune); `org_unit_reach` finds it under the 2025 units.

pub mod check;
pub use check::{Planned, PlannedRow};
pub mod counts;
pub mod query;
pub mod types;

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use domain::file::{Done, Effect, FieldChange, Imported, Mode, Preview, ReadRows, Written};
use domain::models::file::{header, Col, FileRow};
use domain::models::{
    founding_status, ExemplarRef, ModelId, NewActivity, NewModel, NewRating, Status, StatusChange,
    StatusSpan,
};
use domain::text::{fold, sort_key};
use serde::{Serialize, Serializer};

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{execute_dyn, fetch_all_dyn, placeholders, Arg, Db, Params, Tx};

pub use query::{Matrix, MatrixColumns, MatrixQuery, ModelQuery, Sort};

/// The unit filter every scoped read takes: models whose unit the user's
/// scope units reach (hierarchy and successions); placeholder `n` binds
/// the user id, NULL for unscoped.
/// The same for a query that has a user: no `IS NULL OR`, which would keep
/// the planners from reading the scope's units as a semi-join.
pub(crate) fn user_scope_clause(n: &str) -> String {
    crate::scope::unit_in_scope("m.org_unit_id", n)
}

pub(crate) fn scope_clause(n: &str) -> String {
    crate::scope::unit_in_scope_or_unscoped("m.org_unit_id", n)
}

fn lines<S: Serializer>(tags: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(tags.lines().filter(|l| !l.is_empty()))
}

/// A model as lists, pages, the API and files show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ModelRow {
    pub id: ModelId,
    pub type_id: i64,
    pub type_code: String,
    pub type_name: String,
    pub sector: String,
    pub org_unit_id: i64,
    pub org_unit_code: Option<String>,
    pub org_unit_name: String,
    pub org_unit_level: String,
    pub parent_name: Option<String>,
    pub name: String,
    pub founded_on: NaiveDate,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub decision_issuer: Option<String>,
    /// The status today, or on the list's `as_of` day.
    pub status: String,
    pub status_since: NaiveDate,
    pub members: Option<i64>,
    pub households: Option<i64>,
    pub leader_name: Option<String>,
    pub leader_role: Option<String>,
    pub partners: Option<String>,
    #[serde(serialize_with = "lines")]
    #[schema(value_type = Vec<String>)]
    pub tags: String,
    pub replicated_from: Option<ModelId>,
    pub replicated_from_name: Option<String>,
    /// The coordination programme it was founded under.
    pub program_id: Option<i64>,
    pub program_name: Option<String>,
    pub last_rating: Option<String>,
    pub last_rating_year: Option<i32>,
    pub last_exemplar: bool,
    pub is_exemplar: bool,
}

impl ModelRow {
    pub fn tag_list(&self) -> Vec<String> {
        self.tags
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// The columns of [`ModelRow`]; `{status}` and `{since}` are the status
/// expressions (current, or as of a day); `{scope}` the placeholder of the
/// reader's user id (or `NULL`, unscoped): the name of an exemplar outside
/// the scope is not shown, only its id.
pub(crate) fn select_rows(status: &str, since: &str, scope: &str) -> String {
    let rf_name = format!(
        "CASE WHEN {scope} IS NULL OR {} THEN rf.name END",
        crate::scope::unit_in_scope("rf.org_unit_id", scope)
    );
    format!(
        "SELECT m.id, m.type_id, t.code AS type_code, t.name AS type_name, m.sector,
            m.org_unit_id, u.code AS org_unit_code, u.name AS org_unit_name,
            u.level AS org_unit_level, p.name AS parent_name, m.name, m.founded_on,
            m.decision_no, m.decision_date, m.decision_issuer, {status} AS status,
            {since} AS status_since, m.members, m.households, m.leader_name, m.leader_role,
            m.partners, m.tags, m.replicated_from, {rf_name} AS replicated_from_name,
            m.program_id, pg.name AS program_name,
            m.last_rating, m.last_rating_year, m.last_exemplar, m.is_exemplar
         FROM models m
         JOIN model_types t ON t.id = m.type_id
         JOIN org_units u ON u.id = m.org_unit_id
         LEFT JOIN org_units p ON p.id = u.parent_id
         LEFT JOIN models rf ON rf.id = m.replicated_from
         LEFT JOIN programs pg ON pg.id = m.program_id"
    )
}

/// One model, if the scope reaches its unit.
pub async fn get(db: &Db, scope: Scope, id: ModelId) -> Result<Option<ModelRow>> {
    let sql = format!(
        "{} WHERE m.id = $1 AND {}",
        select_rows("m.status", "m.status_since", "$2"),
        scope_clause("$2")
    );
    Ok(fetch!(
        db,
        fetch_optional,
        ModelRow,
        &sql,
        id,
        scope.user_id()
    )?)
}

#[derive(sqlx::FromRow)]
struct SpanRow {
    status: String,
    on_date: NaiveDate,
}

fn spans(rows: Vec<SpanRow>) -> Result<Vec<StatusSpan>> {
    rows.into_iter()
        .map(|r| {
            Ok(StatusSpan {
                status: Status::parse("status", &r.status)
                    .map_err(|_| StoreError::Data("model_status_changes: status".into()))?,
                on_date: r.on_date,
            })
        })
        .collect()
}

const SPANS: &str =
    "SELECT status, on_date FROM model_status_changes WHERE model_id = $1 ORDER BY on_date";

/// A model's status changes, oldest first (the founding first).
pub async fn status_spans(db: &Db, id: ModelId) -> Result<Vec<StatusSpan>> {
    spans(fetch!(db, fetch_all, SpanRow, SPANS, id)?)
}

/// A status change as the model page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StatusEntry {
    pub on_date: NaiveDate,
    pub status: String,
    pub reason: Option<String>,
    pub username: Option<String>,
}

pub async fn status_history(db: &Db, id: ModelId) -> Result<Vec<StatusEntry>> {
    Ok(fetch!(
        db,
        fetch_all,
        StatusEntry,
        "SELECT c.on_date, c.status, c.reason, u.username FROM model_status_changes c
         LEFT JOIN users u ON u.id = c.user_id WHERE c.model_id = $1 ORDER BY c.on_date DESC",
        id
    )?)
}

/// What replication needs to know of a would-be exemplar, if the scope
/// reaches it (outside it, it is as if it did not exist).
pub async fn exemplar_ref(db: &Db, scope: Scope, id: ModelId) -> Result<Option<ExemplarRef>> {
    #[derive(sqlx::FromRow)]
    struct Ex {
        founded_on: NaiveDate,
        is_exemplar: bool,
    }
    let sql = format!(
        "SELECT founded_on, is_exemplar FROM models m WHERE id = $1 AND {}",
        scope_clause("$2")
    );
    let r: Option<Ex> = fetch!(db, fetch_optional, Ex, &sql, id, scope.user_id())?;
    let Some(r) = r else { return Ok(None) };
    let lineage: Vec<i64> = fetch!(
        db,
        fetch_all,
        scalar i64,
        "WITH RECURSIVE up (id, depth) AS (
             SELECT replicated_from, 1 FROM models WHERE id = $1 AND replicated_from IS NOT NULL
             UNION ALL
             SELECT m.replicated_from, up.depth + 1 FROM models m JOIN up ON m.id = up.id
             WHERE m.replicated_from IS NOT NULL AND up.depth < 50
         ) SELECT id FROM up ORDER BY depth",
        id
    )?;
    Ok(Some(ExemplarRef {
        id,
        founded_on: r.founded_on,
        is_exemplar: r.is_exemplar,
        lineage,
    }))
}

/// A replica in an exemplar's tree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Replica {
    pub id: ModelId,
    pub name: String,
    pub replicated_from: ModelId,
    pub founded_on: NaiveDate,
    pub org_unit_name: String,
    pub parent_name: Option<String>,
    pub depth: i64,
}

/// The models replicated from `id`, and from those, as far as it goes,
/// within the scope; with the number outside it.
pub async fn replicas(db: &Db, scope: Scope, id: ModelId) -> Result<(Vec<Replica>, i64)> {
    let sql = format!(
        "WITH RECURSIVE down (id, depth) AS (
             SELECT id, 1 FROM models WHERE replicated_from = $1
             UNION ALL
             SELECT m.id, down.depth + 1 FROM models m JOIN down ON m.replicated_from = down.id
             WHERE down.depth < 20
         )
         SELECT m.id, m.name, m.replicated_from, m.founded_on, u.name AS org_unit_name,
                p.name AS parent_name, CAST(down.depth AS BIGINT) AS depth
         FROM down JOIN models m ON m.id = down.id
         JOIN org_units u ON u.id = m.org_unit_id LEFT JOIN org_units p ON p.id = u.parent_id
         WHERE {}
         ORDER BY down.depth, m.founded_on, m.id",
        scope_clause("$2")
    );
    let all: i64 = fetch!(
        db,
        fetch_one,
        scalar i64,
        "WITH RECURSIVE down (id, depth) AS (
             SELECT id, 1 FROM models WHERE replicated_from = $1
             UNION ALL
             SELECT m.id, down.depth + 1 FROM models m JOIN down ON m.replicated_from = down.id
             WHERE down.depth < 20
         ) SELECT COUNT(*) FROM down",
        id
    )?;
    let seen: Vec<Replica> = fetch!(db, fetch_all, Replica, &sql, id, scope.user_id())?;
    let hidden = all - seen.len() as i64;
    Ok((seen, hidden))
}

/// A yearly rating as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RatingRow {
    pub year: i32,
    pub rating: String,
    pub rated_on: NaiveDate,
    pub rater: String,
    pub note: Option<String>,
    pub exemplar: bool,
}

pub async fn ratings(db: &Db, id: ModelId) -> Result<Vec<RatingRow>> {
    Ok(fetch!(
        db,
        fetch_all,
        RatingRow,
        "SELECT year, rating, rated_on, rater, note, exemplar FROM model_ratings
         WHERE model_id = $1 ORDER BY year DESC",
        id
    )?)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub on_date: NaiveDate,
    pub kind: String,
    pub description: String,
    pub participants: Option<i64>,
    pub quantity: Option<i64>,
    pub username: Option<String>,
}

pub async fn activities(db: &Db, id: ModelId) -> Result<Vec<ActivityRow>> {
    Ok(fetch!(
        db,
        fetch_all,
        ActivityRow,
        "SELECT a.id, a.on_date, a.kind, a.description, a.participants, a.quantity, u.username
         FROM model_activities a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.model_id = $1 ORDER BY a.on_date DESC, a.id DESC LIMIT 500",
        id
    )?)
}

// ---- writes -------------------------------------------------------------

fn author_id(a: Author) -> Option<i64> {
    match a {
        Author::User(id) => Some(id),
        Author::System | Author::Sender => None,
    }
}

/// Reads the model inside the transaction, after taking its row lock, as
/// the writer's scope sees it (the name of an exemplar outside it is not
/// in the answer, nor in the audit record).
async fn lock(tx: &mut Tx, scope: Scope, id: ModelId) -> Result<ModelRow> {
    let n = execute!(
        tx,
        "UPDATE models SET updated_at = updated_at WHERE id = $1",
        id
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    read_row(tx, scope, id).await
}

async fn read_row(tx: &mut Tx, scope: Scope, id: ModelId) -> Result<ModelRow> {
    let sql = format!(
        "{} WHERE m.id = $1",
        select_rows("m.status", "m.status_since", "$2")
    );
    fetch!(tx, fetch_optional, ModelRow, &sql, id, scope.user_id())?.ok_or(StoreError::NotFound)
}

async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    id: ModelId,
    before: Option<&ModelRow>,
    after: &impl Serialize,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity: "model",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

/// The unit, type and folded name that identify a model (no two alike).
fn identity_conflict(e: StoreError) -> StoreError {
    if e.is_unique_violation() {
        StoreError::Conflict(domain::Reason::ModelDuplicate)
    } else {
        e
    }
}

const MODEL_COLS: usize = 20;

/// The values of one model row, in the column order of `INSERT_MODELS`.
fn model_args(m: &NewModel, sector: &str, status: &StatusSpan, author: Author) -> Vec<Arg> {
    let now = Utc::now();
    vec![
        Arg::I64(Some(m.type_id)),
        Arg::Text(Some(sector.into())),
        Arg::I64(Some(m.org_unit_id)),
        Arg::Text(Some(m.name.clone())),
        Arg::Text(Some(fold(&m.name))),
        Arg::Text(Some(sort_key(&m.name))),
        Arg::Date(Some(m.founded_on)),
        Arg::Text(m.decision.number.clone()),
        Arg::Date(m.decision.date),
        Arg::Text(m.decision.issuer.clone()),
        Arg::Text(Some(status.status.as_str().into())),
        Arg::Date(Some(status.on_date)),
        Arg::I64(m.members),
        Arg::I64(m.households),
        Arg::Text(m.leader_name.clone()),
        Arg::Text(m.leader_role.clone()),
        Arg::Text(m.partners.clone()),
        Arg::Text(Some(m.tags.join("\n"))),
        Arg::I64(m.replicated_from),
        Arg::I64(author_id(author)),
        // created_at and updated_at share the last two placeholders' value
    ]
    .into_iter()
    .chain([Arg::Ts(now), Arg::Ts(now)])
    .collect()
}

const INSERT_MODELS: &str = "INSERT INTO models (type_id, sector, org_unit_id, name, name_folded,
    sort_key, founded_on, decision_no, decision_date, decision_issuer, status, status_since,
    members, households, leader_name, leader_role, partners, tags, replicated_from, created_by,
    created_at, updated_at) VALUES ";

async fn sector_of(tx: &mut Tx, type_id: i64) -> Result<String> {
    Ok(fetch!(
        tx,
        fetch_one,
        scalar String,
        "SELECT sector FROM model_types WHERE id = $1",
        type_id
    )?)
}

pub async fn create(db: &Db, author: Author, scope: Scope, m: &NewModel) -> Result<ModelRow> {
    let mut tx = db.begin().await?;
    types::require_usable(&mut tx, m.type_id, m.org_unit_id).await?;
    let sector = sector_of(&mut tx, m.type_id).await?;
    let founding = founding_status(m.founded_on);
    let sql = format!(
        "{INSERT_MODELS}{} RETURNING id",
        placeholders(1, MODEL_COLS + 2)
    );
    let ids: Vec<(i64,)> = fetch_all_dyn(&mut tx, &sql, model_args(m, &sector, &founding, author))
        .await
        .map_err(|e| identity_conflict(e.into()))?;
    let id = ids.first().ok_or(StoreError::NotFound)?.0;
    insert_change(&mut tx, id, &founding, "Thành lập", author).await?;
    let after = lock(&mut tx, scope, id).await?;
    record(&mut tx, author, "create", id, None, &after).await?;
    tx.commit().await?;
    Ok(after)
}

async fn insert_change(
    tx: &mut Tx,
    id: ModelId,
    s: &StatusSpan,
    reason: &str,
    author: Author,
) -> Result<()> {
    execute!(
        tx,
        "UPDATE model_status_changes SET ends_on = $1 WHERE model_id = $2 AND ends_on IS NULL",
        s.on_date,
        id
    )?;
    execute!(
        tx,
        "INSERT INTO model_status_changes (model_id, on_date, status, reason, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        s.on_date,
        s.status.as_str(),
        reason,
        author_id(author),
        Utc::now()
    )?;
    Ok(())
}

/// Rewrites a model's own fields (not its unit: a model that moves is a
/// new model at the new place). A new founding day moves the founding
/// status with it, while it stays before the next change.
pub async fn update(
    db: &Db,
    author: Author,
    scope: Scope,
    id: ModelId,
    m: &NewModel,
) -> Result<ModelRow> {
    let target = audit::Target {
        author,
        entity: "model",
        table: "models",
        id,
    };
    let read = async move |tx: &mut Tx, id| read_row(tx, scope, id).await;
    audit::update(db, target, read, async |tx: &mut Tx, before: &ModelRow| {
        if before.org_unit_id != m.org_unit_id {
            return Err(StoreError::Conflict(domain::Reason::ModelUnitFixed));
        }
        // A type the unit's province hid since stays on the models that
        // have it; changing to one needs it usable here.
        if before.type_id != m.type_id {
            types::require_usable(tx, m.type_id, m.org_unit_id).await?;
        }
        let changes = spans(fetch!(tx, fetch_all, SpanRow, SPANS, id)?)?;
        domain::models::check_founding_move(&changes, m.founded_on)?;
        let sector = sector_of(tx, m.type_id).await?;
        execute!(
            tx,
            "UPDATE model_status_changes SET on_date = $1
             WHERE model_id = $2 AND on_date = (SELECT MIN(on_date) FROM model_status_changes WHERE model_id = $2)",
            m.founded_on,
            id
        )?;
        execute!(
            tx,
            "UPDATE models SET type_id = $1, sector = $2, name = $3, name_folded = $4, sort_key = $5,
                founded_on = $6, decision_no = $7, decision_date = $8, decision_issuer = $9,
                members = $10, households = $11, leader_name = $12, leader_role = $13, partners = $14,
                tags = $15, replicated_from = $16, updated_at = $17,
                status_since = CASE WHEN status_since = $18 THEN $6 ELSE status_since END
             WHERE id = $19",
            m.type_id,
            &sector,
            &m.name,
            fold(&m.name),
            sort_key(&m.name),
            m.founded_on,
            m.decision.number.as_deref(),
            m.decision.date,
            m.decision.issuer.as_deref(),
            m.members,
            m.households,
            m.leader_name.as_deref(),
            m.leader_role.as_deref(),
            m.partners.as_deref(),
            m.tags.join("\n"),
            m.replicated_from,
            Utc::now(),
            before.founded_on,
            id
        )
        .map_err(|e| identity_conflict(e.into()))?;
        Ok(())
    })
    .await
}

/// Records a dated status change. The last change is read again under the
/// row lock: a change made meanwhile by someone else wins, this one is refused.
pub async fn change_status(
    db: &Db,
    author: Author,
    scope: Scope,
    id: ModelId,
    c: &StatusChange,
) -> Result<ModelRow> {
    let mut tx = db.begin().await?;
    let before = lock(&mut tx, scope, id).await?;
    let changes = spans(fetch!(tx, fetch_all, SpanRow, SPANS, id)?)?;
    let last = changes.last().ok_or(StoreError::NotFound)?;
    if !last.status.can_become(c.status) || c.on_date <= last.on_date {
        return Err(StoreError::Conflict(domain::Reason::StatusChangedMeanwhile));
    }
    let span = StatusSpan {
        status: c.status,
        on_date: c.on_date,
    };
    insert_change(&mut tx, id, &span, &c.reason, author).await?;
    execute!(
        tx,
        "UPDATE models SET status = $1, status_since = $2, updated_at = $3 WHERE id = $4",
        c.status.as_str(),
        c.on_date,
        Utc::now(),
        id
    )?;
    let after = lock(&mut tx, scope, id).await?;
    let what = serde_json::json!({"status": c.status, "date": c.on_date, "reason": c.reason});
    record(&mut tx, author, "status", id, Some(&before), &what).await?;
    tx.commit().await?;
    Ok(after)
}

/// Rates a model for a year (a second rating of the year replaces the
/// first) and copies the latest rating and the exemplar flags to the model.
pub async fn rate(
    db: &Db,
    author: Author,
    scope: Scope,
    id: ModelId,
    r: &NewRating,
) -> Result<ModelRow> {
    let mut tx = db.begin().await?;
    let before = lock(&mut tx, scope, id).await?;
    execute!(
        tx,
        "INSERT INTO model_ratings (model_id, year, rating, rated_on, rater, note, exemplar, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (model_id, year) DO UPDATE SET rating = excluded.rating,
            rated_on = excluded.rated_on, rater = excluded.rater, note = excluded.note,
            exemplar = excluded.exemplar, user_id = excluded.user_id, created_at = excluded.created_at",
        id,
        r.year,
        r.rating.as_str(),
        r.rated_on,
        &r.rater,
        r.note.as_deref(),
        r.exemplar,
        author_id(author),
        Utc::now()
    )?;
    refresh_rating(&mut tx, id).await?;
    let after = lock(&mut tx, scope, id).await?;
    record(&mut tx, author, "rate", id, Some(&before), r).await?;
    tx.commit().await?;
    Ok(after)
}

async fn refresh_rating(tx: &mut Tx, id: ModelId) -> Result<()> {
    execute!(
        tx,
        "UPDATE models SET
            last_rating = (SELECT rating FROM model_ratings WHERE model_id = $1 ORDER BY year DESC LIMIT 1),
            last_rating_year = (SELECT MAX(year) FROM model_ratings WHERE model_id = $1),
            last_exemplar = COALESCE((SELECT exemplar FROM model_ratings WHERE model_id = $1 ORDER BY year DESC LIMIT 1), FALSE),
            is_exemplar = EXISTS (SELECT 1 FROM model_ratings WHERE model_id = $1 AND exemplar),
            updated_at = $2
         WHERE id = $1",
        id,
        Utc::now()
    )?;
    Ok(())
}

pub async fn add_activity(
    db: &Db,
    author: Author,
    id: ModelId,
    a: &NewActivity,
) -> Result<ActivityRow> {
    let mut tx = db.begin().await?;
    lock(&mut tx, Scope::All, id).await?;
    let aid: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO model_activities (model_id, on_date, kind, description, participants, quantity, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        id,
        a.on_date,
        a.kind.as_str(),
        &a.description,
        a.participants,
        a.quantity,
        author_id(author),
        Utc::now()
    )?;
    record(&mut tx, author, "activity", id, None, a).await?;
    let row = fetch!(
        tx,
        fetch_one,
        ActivityRow,
        "SELECT a.id, a.on_date, a.kind, a.description, a.participants, a.quantity, u.username
         FROM model_activities a LEFT JOIN users u ON u.id = a.user_id WHERE a.id = $1",
        aid
    )?;
    tx.commit().await?;
    Ok(row)
}

// ---- imports ------------------------------------------------------------

/// The identity of a model: unit, type, folded name.
pub type Identity = (i64, i64, String);

pub fn identity(m: &NewModel) -> Identity {
    (m.org_unit_id, m.type_id, fold(&m.name))
}

/// Which of these units' models exist already, by identity.
pub async fn existing_identities(db: &Db, unit_ids: &[i64]) -> Result<HashMap<Identity, ModelId>> {
    #[derive(sqlx::FromRow)]
    struct Key {
        id: i64,
        org_unit_id: i64,
        type_id: i64,
        name_folded: String,
    }
    let mut out = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|i| Arg::I64(Some(*i))).collect();
        let sql = format!(
            "SELECT id, org_unit_id, type_id, name_folded FROM models WHERE org_unit_id IN ({})",
            (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let rows: Vec<Key> = fetch_dyn!(db, fetch_all, Key, &sql, args)?;
        out.extend(
            rows.into_iter()
                .map(|r| ((r.org_unit_id, r.type_id, r.name_folded), r.id)),
        );
    }
    Ok(out)
}

/// The models of `ids` the scope reaches, as files show them; one query
/// per 500 ids.
pub async fn rows_by_id(
    db: &Db,
    scope: Scope,
    ids: &[ModelId],
) -> Result<HashMap<ModelId, ModelRow>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut p = Params::default();
        let user = p.push(Arg::I64(scope.user_id()));
        let list: Vec<String> = chunk.iter().map(|id| p.push(Arg::I64(Some(*id)))).collect();
        let sql = format!(
            "{} WHERE m.id IN ({}) AND {}",
            select_rows("m.status", "m.status_since", &user),
            list.join(", "),
            scope_clause(&user)
        );
        let rows: Vec<ModelRow> = fetch_dyn!(db, fetch_all, ModelRow, &sql, p.args)?;
        out.extend(rows.into_iter().map(|r| (r.id, r)));
    }
    Ok(out)
}

/// One checked row of an import: the model and, if the file says so, the
/// status it has had since a later day.
pub struct ImportModel {
    pub model: NewModel,
    pub later: Option<StatusChange>,
}

/// Rows per INSERT. sqlx binds SQLite parameters in time that grows
/// faster than their number, so SQLite takes small statements (as the
/// reference loader does); PostgreSQL takes large ones.
fn chunk_rows(postgres: bool) -> usize {
    if postgres {
        500
    } else {
        12
    }
}

/// What an import of models wrote: rows by effect, and the ids of the new
/// models in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ModelsWritten {
    #[serde(flatten)]
    pub written: Written,
    pub created: Vec<ModelId>,
}

/// Checks the rows of a models file (`files::read_table`) and, unless
/// `mode` asks for a preview only, writes them, all or none: new models
/// are created, stored ones (named by id, or by type, unit and name)
/// updated where the row differs, unchanged rows left alone (no audit
/// record). The rows that could be read are checked too, so one report
/// holds the problems of reading and of checking, in row order.
pub async fn import_file(
    db: &Db,
    author: Author,
    scope: Scope,
    read: ReadRows<FileRow>,
    file_digest: &str,
    mode: &Mode,
    progress: impl FnMut(usize),
) -> Result<Imported<Done<ModelsWritten>>> {
    let (rows, mut errors) = match read {
        Ok(r) => r,
        Err(errors) => return Ok(Imported::Refused(errors)),
    };
    let plan = match check::check(db, scope, &rows, domain::time::today()).await? {
        Ok(p) if errors.is_empty() => p,
        Ok(_) => return Ok(Imported::Refused(errors)),
        Err(mut more) => {
            errors.append(&mut more);
            errors.sort_by_key(|e| e.row);
            return Ok(Imported::Refused(errors));
        }
    };
    drop(rows);
    let effects: Vec<(usize, String, Effect)> = plan
        .iter()
        .map(|p| (p.row, p.record(), p.effect()))
        .collect();
    let preview = Preview::of(effects.iter().map(|(row, rec, e)| (*row, rec.clone(), e)));
    drop(effects);
    let preview = match mode.gate(preview) {
        Ok(preview) => preview,
        Err(answer) => return Ok(Imported::All(answer)),
    };
    let created = apply(db, author, plan, file_digest, progress).await?;
    Ok(Imported::All(Done::Written(ModelsWritten {
        written: Written::from(&preview),
        created,
    })))
}

/// Writes a checked plan in one transaction: the new models, then the
/// changes. Answers the new models' ids in file order.
pub async fn apply(
    db: &Db,
    author: Author,
    plan: Vec<PlannedRow>,
    file_digest: &str,
    progress: impl FnMut(usize),
) -> Result<Vec<ModelId>> {
    let mut new = Vec::new();
    let mut updates = Vec::new();
    for p in plan {
        match p.planned {
            Planned::New(m) => new.push(m),
            Planned::Update {
                before,
                model,
                changes,
            } => updates.push((before, model, changes)),
            Planned::Unchanged(_) => {}
        }
    }
    let mut tx = db.begin().await?;
    let sectors = sectors(&mut tx).await?;
    let ids = insert_new(&mut tx, author, &new, file_digest, &sectors, progress).await?;
    update_many(&mut tx, author, &updates, file_digest, &sectors).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Each type's sector, copied onto its models.
async fn sectors(tx: &mut Tx) -> Result<HashMap<i64, String>> {
    #[derive(sqlx::FromRow)]
    struct S {
        id: i64,
        sector: String,
    }
    let all: Vec<S> = fetch!(tx, fetch_all, S, "SELECT id, sector FROM model_types")?;
    Ok(all.into_iter().map(|s| (s.id, s.sector)).collect())
}

/// One column of the `VALUES` list of a grouped update: its name, its
/// PostgreSQL type (SQLite takes the values as they are), and its value
/// for a model.
type ValueColumn = (
    &'static str,
    &'static str,
    fn(&NewModel, &ModelRow, &str) -> Arg,
);

/// What a file may change on a stored model: the file's column, the
/// `VALUES` columns it needs, and the assignments that write them.
const CHANGEABLE: &[(Col, &[ValueColumn], &str)] = &[
    (
        Col::TypeCode,
        &[
            ("type_id", "bigint", |m, _, _| Arg::I64(Some(m.type_id))),
            ("sector", "text", |_, _, sector| Arg::Text(Some(sector.to_string()))),
        ],
        "type_id = v.type_id, sector = v.sector",
    ),
    (
        Col::Name,
        &[
            ("name", "text", |m, _, _| Arg::Text(Some(m.name.clone()))),
            ("name_folded", "text", |m, _, _| Arg::Text(Some(fold(&m.name)))),
            ("sort_key", "text", |m, _, _| Arg::Text(Some(sort_key(&m.name)))),
        ],
        "name = v.name, name_folded = v.name_folded, sort_key = v.sort_key",
    ),
    (
        Col::FoundedOn,
        &[
            ("founded_on", "date", |m, _, _| Arg::Date(Some(m.founded_on))),
            ("old_founded", "date", |_, b, _| Arg::Date(Some(b.founded_on))),
        ],
        "founded_on = v.founded_on,
         status_since = CASE WHEN m.status_since = v.old_founded THEN v.founded_on ELSE m.status_since END",
    ),
    (
        Col::DecisionNo,
        &[("decision_no", "text", |m, _, _| Arg::Text(m.decision.number.clone()))],
        "decision_no = v.decision_no",
    ),
    (
        Col::DecisionDate,
        &[("decision_date", "date", |m, _, _| Arg::Date(m.decision.date))],
        "decision_date = v.decision_date",
    ),
    (
        Col::DecisionIssuer,
        &[("decision_issuer", "text", |m, _, _| Arg::Text(m.decision.issuer.clone()))],
        "decision_issuer = v.decision_issuer",
    ),
    (
        Col::Members,
        &[("members", "bigint", |m, _, _| Arg::I64(m.members))],
        "members = v.members",
    ),
    (
        Col::Households,
        &[("households", "bigint", |m, _, _| Arg::I64(m.households))],
        "households = v.households",
    ),
    (
        Col::LeaderName,
        &[("leader_name", "text", |m, _, _| Arg::Text(m.leader_name.clone()))],
        "leader_name = v.leader_name",
    ),
    (
        Col::LeaderRole,
        &[("leader_role", "text", |m, _, _| Arg::Text(m.leader_role.clone()))],
        "leader_role = v.leader_role",
    ),
    (
        Col::Partners,
        &[("partners", "text", |m, _, _| Arg::Text(m.partners.clone()))],
        "partners = v.partners",
    ),
    (
        Col::Tags,
        &[("tags", "text", |m, _, _| Arg::Text(Some(m.tags.join("\n"))))],
        "tags = v.tags",
    ),
    (
        Col::ReplicatedFrom,
        &[("replicated_from", "bigint", |m, _, _| Arg::I64(m.replicated_from))],
        "replicated_from = v.replicated_from",
    ),
];

/// Rewrites the stored models a file changes, with one audit record each
/// (the fields before and after, and the file). Models are grouped by the
/// fields they change, and each group is written a chunk of models per
/// statement that sets only those fields: a column left out is an index
/// entry not rewritten, and 100,000 single-row statements took 14 s.
/// A new founding day moves the founding status with it, as [`update`] does.
async fn update_many(
    tx: &mut Tx,
    author: Author,
    updates: &[(Box<ModelRow>, NewModel, Vec<FieldChange>)],
    file_digest: &str,
    sectors: &HashMap<i64, String>,
) -> Result<()> {
    let mut groups: std::collections::BTreeMap<Vec<usize>, Vec<usize>> = Default::default();
    for (i, (before, m, changes)) in updates.iter().enumerate() {
        if before.founded_on != m.founded_on {
            let spans_now = spans(fetch!(tx, fetch_all, SpanRow, SPANS, before.id)?)?;
            domain::models::check_founding_move(&spans_now, m.founded_on)?;
            execute!(
                tx,
                "UPDATE model_status_changes SET on_date = $1
                 WHERE model_id = $2 AND on_date = (SELECT MIN(on_date) FROM model_status_changes WHERE model_id = $2)",
                m.founded_on,
                before.id
            )?;
        }
        let fields: Vec<usize> = CHANGEABLE
            .iter()
            .enumerate()
            .filter(|(_, (col, _, _))| changes.iter().any(|c| c.column == header(*col)))
            .map(|(f, _)| f)
            .collect();
        groups.entry(fields).or_default().push(i);
    }
    let postgres = tx.is_postgres();
    let now = Utc::now();
    for (fields, rows) in groups.iter().filter(|(f, _)| !f.is_empty()) {
        let columns: Vec<&ValueColumn> = fields
            .iter()
            .filter_map(|f| CHANGEABLE.get(*f))
            .flat_map(|(_, cols, _)| cols.iter())
            .collect();
        let sets: Vec<&str> = fields
            .iter()
            .filter_map(|f| CHANGEABLE.get(*f))
            .map(|(_, _, set)| *set)
            .collect();
        let width = columns.len() + 1;
        for chunk in rows.chunks(chunk_rows(postgres)) {
            let mut args = Vec::with_capacity(chunk.len() * width + 1);
            args.push(Arg::Ts(now));
            let mut tuples = Vec::with_capacity(chunk.len());
            for (k, i) in chunk.iter().enumerate() {
                let (before, m, _) = updates.get(*i).ok_or(StoreError::NotFound)?;
                let sector = sectors
                    .get(&m.type_id)
                    .ok_or(StoreError::Conflict(domain::Reason::ModelTypeGone))?;
                // A row of `SELECT … UNION ALL SELECT …` (both databases
                // read it; SQLite names no columns of a VALUES list): the
                // first names the columns, PostgreSQL is told each type
                // (a NULL would be text otherwise).
                let at = |c: usize, (name, ty): (&str, &str)| {
                    let n = 2 + k * width + c;
                    let cast = if postgres {
                        format!("::{ty}")
                    } else {
                        String::new()
                    };
                    let alias = if k == 0 {
                        format!(" AS {name}")
                    } else {
                        String::new()
                    };
                    format!("${n}{cast}{alias}")
                };
                let mut cells = vec![at(0, ("id", "bigint"))];
                args.push(Arg::I64(Some(before.id)));
                for (c, (name, ty, value)) in columns.iter().enumerate() {
                    cells.push(at(c + 1, (name, ty)));
                    args.push(value(m, before, sector));
                }
                tuples.push(format!("SELECT {}", cells.join(", ")));
            }
            let sql = format!(
                "UPDATE models AS m SET {}, updated_at = $1
                 FROM ({}) AS v WHERE m.id = v.id",
                sets.join(", "),
                tuples.join(" UNION ALL ")
            );
            execute_dyn(tx, &sql, args)
                .await
                .map_err(|e| identity_conflict(e.into()))?;
        }
    }
    let records: Vec<audit::Item> = updates
        .iter()
        .map(|(before, _, changes)| {
            let side = |pick: fn(&FieldChange) -> &String| {
                let mut o = serde_json::Map::new();
                for c in changes {
                    o.insert(c.column.clone(), pick(c).clone().into());
                }
                o
            };
            let mut after = side(|c| &c.after);
            after.insert("file_sha256".into(), file_digest.into());
            (
                before.id.to_string(),
                Some(side(|c| &c.before).into()),
                after.into(),
            )
        })
        .collect();
    audit::record_many(tx, author, "import", "model", &records).await
}

/// Inserts checked models in one transaction (all or nothing), `progress`
/// called with the number written so far. One audit record names the
/// import and the ids it created.
pub async fn import(
    db: &Db,
    author: Author,
    rows: &[ImportModel],
    file_digest: &str,
    progress: impl FnMut(usize),
) -> Result<Vec<ModelId>> {
    let mut tx = db.begin().await?;
    let sectors = sectors(&mut tx).await?;
    let ids = insert_new(&mut tx, author, rows, file_digest, &sectors, progress).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Inserts new models of an import inside `tx`, with one audit record
/// each; answers their ids in the order of `rows`.
async fn insert_new(
    tx: &mut Tx,
    author: Author,
    rows: &[ImportModel],
    file_digest: &str,
    sectors: &HashMap<i64, String>,
    mut progress: impl FnMut(usize),
) -> Result<Vec<ModelId>> {
    // Written in place order: each place's entries in `models_identity` and
    // `models_place` then go in side by side rather than all over those
    // indexes (100,000 rows into 300,000 on SQLite: 6.6 s in file order,
    // 2.5 s in place order). The ids come back in file order.
    let mut by_place: Vec<(usize, &ImportModel)> = rows.iter().enumerate().collect();
    by_place.sort_by_key(|(_, r)| r.model.org_unit_id);
    let mut written: Vec<(usize, ModelId)> = Vec::with_capacity(rows.len());
    for chunk in by_place.chunks(chunk_rows(tx.is_postgres())) {
        let mut args = Vec::with_capacity(chunk.len() * (MODEL_COLS + 2));
        for (_, r) in chunk {
            let sector = sectors
                .get(&r.model.type_id)
                .ok_or_else(|| StoreError::Conflict(domain::Reason::ModelTypeGone))?;
            let status = match &r.later {
                Some(c) => StatusSpan {
                    status: c.status,
                    on_date: c.on_date,
                },
                None => founding_status(r.model.founded_on),
            };
            args.extend(model_args(&r.model, sector, &status, author));
        }
        let sql = format!(
            "{INSERT_MODELS}{} RETURNING id, org_unit_id, type_id, name_folded",
            placeholders(chunk.len(), MODEL_COLS + 2)
        );
        #[derive(sqlx::FromRow)]
        struct Back {
            id: i64,
            org_unit_id: i64,
            type_id: i64,
            name_folded: String,
        }
        let back: Vec<Back> = fetch_all_dyn(tx, &sql, args)
            .await
            .map_err(|e| identity_conflict(e.into()))?;
        // RETURNING order is not promised: match rows back by identity.
        let by_key: HashMap<Identity, i64> = back
            .into_iter()
            .map(|b| ((b.org_unit_id, b.type_id, b.name_folded), b.id))
            .collect();
        let mut cargs = Vec::new();
        let mut n = 0;
        let now = Utc::now();
        for (i, r) in chunk {
            let id = *by_key
                .get(&identity(&r.model))
                .ok_or(StoreError::NotFound)?;
            written.push((*i, id));
            let founding = founding_status(r.model.founded_on);
            let mut push = |s: &StatusSpan, ends: Option<NaiveDate>, reason: &str| {
                cargs.extend([
                    Arg::I64(Some(id)),
                    Arg::Date(Some(s.on_date)),
                    Arg::Date(ends),
                    Arg::Text(Some(s.status.as_str().into())),
                    Arg::Text(Some(reason.into())),
                    Arg::I64(author_id(author)),
                    Arg::Ts(now),
                ]);
                n += 1;
            };
            push(&founding, r.later.as_ref().map(|c| c.on_date), "Thành lập");
            if let Some(c) = &r.later {
                let span = StatusSpan {
                    status: c.status,
                    on_date: c.on_date,
                };
                push(&span, None, &c.reason);
            }
        }
        let sql = format!(
            "INSERT INTO model_status_changes (model_id, on_date, ends_on, status, reason, user_id, created_at) VALUES {}",
            placeholders(n, 7)
        );
        execute_dyn(tx, &sql, cargs).await?;
        progress(written.len());
    }
    written.sort_unstable();
    let ids: Vec<ModelId> = written.into_iter().map(|(_, id)| id).collect();
    // One record per model, so that each model's history shows its import.
    let records: Vec<audit::Item> = ids
        .iter()
        .zip(rows)
        .map(|(id, r)| {
            let m = &r.model;
            let after = serde_json::json!({
                "name": m.name, "type_id": m.type_id, "org_unit_id": m.org_unit_id,
                "founded_on": m.founded_on, "status": r.later.as_ref().map(|c| c.status),
                "file_sha256": file_digest,
            });
            (id.to_string(), None, after)
        })
        .collect();
    audit::record_many(tx, author, "import", "model", &records).await?;
    Ok(ids)
}
