//! The audit log: every write records who, when, what, before and after,
//! in the same transaction as the write, chained by hash.

use chrono::{SecondsFormat, Utc};
use domain::audit::{chain_hash, AuditFields, GENESIS_HASH};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Db, Tx};

tokio::task_local! {
    /// The id of the request being served, set by the web layer around
    /// each request; written with every audit record made while serving it.
    pub static REQUEST_ID: String;
}

fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Who made a change: a user, or the system itself (reference data loads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    User(i64),
    System,
    /// A tip's sender, unnamed: their records keep the day alone (the
    /// time of a report would help tell who sent it) and no request id
    /// (which the server's log would tie to a time).
    Sender,
}

impl Author {
    pub(crate) fn user_id(self) -> Option<i64> {
        match self {
            Author::User(id) => Some(id),
            Author::System | Author::Sender => None,
        }
    }
}

/// One record updated the way every audited update goes: in one
/// transaction, take the row's write lock (so that two updates of a record
/// queue, and neither audits the other's change as its own "before"), read
/// it, let `write` check it and change it, read it again, record both
/// sides, commit. `table` has an `updated_at` column; `read` fails with
/// `NotFound` for a missing row.
pub(crate) async fn update<T, R, W>(db: &Db, target: Target<'_>, read: R, write: W) -> Result<T>
where
    T: Serialize,
    R: AsyncFn(&mut Tx, i64) -> Result<T>,
    W: AsyncFnOnce(&mut Tx, &T) -> Result<()>,
{
    update_recording(db, target, read, write, |t: &T| t).await
}

/// [`update`] of a record read with more than the log keeps (a unit with
/// its parent's name): `recorded` picks the part the log records.
pub(crate) async fn update_recording<T, V, R, W, F>(
    db: &Db,
    target: Target<'_>,
    read: R,
    write: W,
    recorded: F,
) -> Result<T>
where
    V: Serialize,
    R: AsyncFn(&mut Tx, i64) -> Result<T>,
    W: AsyncFnOnce(&mut Tx, &T) -> Result<()>,
    F: Fn(&T) -> &V,
{
    let mut tx = db.begin().await?;
    let lock = format!(
        "UPDATE {} SET updated_at = updated_at WHERE id = $1",
        target.table
    );
    if execute!(tx, &lock, target.id)? == 0 {
        return Err(StoreError::NotFound);
    }
    let before = read(&mut tx, target.id).await?;
    write(&mut tx, &before).await?;
    let after = read(&mut tx, target.id).await?;
    record(
        &mut tx,
        Change {
            author: target.author,
            action: "update",
            entity: target.entity,
            entity_id: target.id.to_string(),
            before: Some(recorded(&before)),
            after: Some(recorded(&after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The record an audited [`update`] changes, and who changes it.
pub(crate) struct Target<'a> {
    pub author: Author,
    /// The audit log's name for the kind of record.
    pub entity: &'a str,
    pub table: &'a str,
    pub id: i64,
}

/// One change to record.
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub author: Author,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

fn to_json<T: Serialize>(v: Option<&T>) -> Result<Option<String>> {
    v.map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Data(format!("audit: {e}")))
}

/// The start of today in Vietnam, as the log writes times (UTC): all a
/// sender's record keeps of when.
fn sender_day() -> String {
    let start = domain::time::today()
        .and_hms_opt(0, 0, 0)
        .map(|t| t - chrono::Duration::hours(7))
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now);
    start.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Appends a record to the chain inside `tx`. Touching the head row first
/// takes its lock, so concurrent writers on PostgreSQL queue into one chain.
pub async fn record<B: Serialize, A: Serialize>(tx: &mut Tx, c: Change<'_, B, A>) -> Result<()> {
    let prev: String = fetch!(
        tx,
        fetch_one,
        scalar String,
        "UPDATE audit_head SET last_hash = last_hash WHERE id = 1 RETURNING last_hash"
    )?;
    let (at, request_id) = match c.author {
        Author::Sender => (sender_day(), None),
        _ => (
            Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true),
            current_request_id(),
        ),
    };
    let before = to_json(c.before)?;
    let after = to_json(c.after)?;
    let fields = AuditFields {
        at: &at,
        user_id: c.author.user_id(),
        action: c.action,
        entity: c.entity,
        entity_id: &c.entity_id,
        before_json: before.as_deref(),
        after_json: after.as_deref(),
        request_id: request_id.as_deref(),
    };
    let hash = chain_hash(&prev, &fields);
    execute!(
        tx,
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &at,
        fields.user_id,
        c.action,
        c.entity,
        &c.entity_id,
        &before,
        &after,
        &prev,
        &hash,
        &request_id
    )?;
    execute!(
        tx,
        "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
        &hash
    )?;
    Ok(())
}

/// One record of [`record_many`]: the entity's id, what it was (none for
/// a new one) and what it is.
pub type Item = (String, Option<serde_json::Value>, serde_json::Value);

/// Appends many records of one action (an import's rows) to the chain
/// inside `tx`: the head is read and written once, the hashes computed
/// here in order and the rows inserted in few statements. Ids follow the
/// order of `items`, as `verify` walks them.
pub async fn record_many(
    tx: &mut Tx,
    author: Author,
    action: &str,
    entity: &str,
    items: &[Item],
) -> Result<()> {
    let mut prev: String = fetch!(
        tx,
        fetch_one,
        scalar String,
        "UPDATE audit_head SET last_hash = last_hash WHERE id = 1 RETURNING last_hash"
    )?;
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let request_id = current_request_id();
    let rows_per = if tx.is_postgres() { 500 } else { 12 };
    for chunk in items.chunks(rows_per) {
        let mut args = Vec::with_capacity(chunk.len() * 10);
        for (entity_id, before, after) in chunk {
            let before = before.as_ref().map(serde_json::Value::to_string);
            let after = Some(after.to_string());
            let fields = AuditFields {
                at: &at,
                user_id: author.user_id(),
                action,
                entity,
                entity_id,
                before_json: before.as_deref(),
                after_json: after.as_deref(),
                request_id: request_id.as_deref(),
            };
            let hash = chain_hash(&prev, &fields);
            args.extend([
                crate::Arg::Text(Some(at.clone())),
                crate::Arg::I64(author.user_id()),
                crate::Arg::Text(Some(action.into())),
                crate::Arg::Text(Some(entity.into())),
                crate::Arg::Text(Some(entity_id.clone())),
                crate::Arg::Text(before),
                crate::Arg::Text(after),
                crate::Arg::Text(Some(prev.clone())),
                crate::Arg::Text(Some(hash.clone())),
                crate::Arg::Text(request_id.clone()),
            ]);
            prev = hash;
        }
        let sql = format!(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash, request_id)
             VALUES {}",
            crate::placeholders(chunk.len(), 10)
        );
        crate::execute_dyn(tx, &sql, args).await?;
    }
    execute!(
        tx,
        "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
        &prev
    )?;
    Ok(())
}

/// Records an event that changes no data (a login, a refusal) in a
/// transaction of its own.
pub async fn record_event<A: Serialize>(
    db: &Db,
    author: Author,
    action: &str,
    entity: &str,
    entity_id: String,
    after: Option<&A>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    record(
        &mut tx,
        Change::<(), A> {
            author,
            action,
            entity,
            entity_id,
            before: None,
            after,
        },
    )
    .await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: String,
    user_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
    request_id: Option<String>,
}

/// A record as shown on history pages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub username: Option<String>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// A record in the audit search, with what it is about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Record {
    pub id: i64,
    pub at: String,
    pub username: Option<String>,
    /// The user's name as people know them ("Công an phường Nam Định").
    pub display_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
}

/// Filters of the audit search; all combine.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub username: Option<String>,
    /// Civil dates in Vietnam, both included.
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub page: domain::page::Page,
}

/// The first instant (UTC, as stored) of a civil date in Vietnam.
fn day_start(d: chrono::NaiveDate) -> String {
    let local = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    let utc = local - chrono::Duration::hours(7);
    format!("{}Z", utc.format("%Y-%m-%dT%H:%M:%S%.6f"))
}

/// Records matching `q`, newest first, and their total. A scoped user sees
/// the changes to units their scope covers and their own actions.
pub async fn search(
    db: &Db,
    scope: crate::accounts::Scope,
    q: &AuditQuery,
) -> Result<(Vec<Record>, i64)> {
    use crate::{Arg, Params};
    let mut p = Params::default();
    let mut conds: Vec<String> = Vec::new();
    if let Some(e) = &q.entity {
        conds.push(format!("a.entity = {}", p.push(Arg::Text(Some(e.clone())))));
    }
    if let Some(e) = &q.entity_id {
        conds.push(format!(
            "a.entity_id = {}",
            p.push(Arg::Text(Some(e.clone())))
        ));
    }
    if let Some(u) = &q.username {
        conds.push(format!(
            "u.username = {}",
            p.push(Arg::Text(Some(u.clone())))
        ));
    }
    if let Some(d) = q.from {
        conds.push(format!("a.at >= {}", p.push(Arg::Text(Some(day_start(d))))));
    }
    if let Some(d) = q.to.and_then(|d| d.succ_opt()) {
        conds.push(format!("a.at < {}", p.push(Arg::Text(Some(day_start(d))))));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        conds.push(format!(
            "(a.user_id = {n} OR (a.entity = 'org_unit' AND a.entity_id IN (
                SELECT CAST(reached.unit_id AS TEXT) FROM ({}) reached)))",
            crate::scope::reached_units(&n)
        ));
    }
    let filter = if conds.is_empty() {
        "1 = 1".to_string()
    } else {
        conds.join(" AND ")
    };
    let count_args = p.to_vec();
    let (limit, offset) = (
        p.push(Arg::I64(Some(q.page.limit()))),
        p.push(Arg::I64(Some(q.page.offset()))),
    );
    let sql = format!(
        "SELECT a.id, a.at, u.username, u.display_name, a.action, a.entity, a.entity_id, a.before_json, a.after_json,
                a.request_id
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE {filter} ORDER BY a.id DESC LIMIT {limit} OFFSET {offset}"
    );
    let rows: Vec<Record> = fetch_dyn!(db, fetch_all, Record, &sql, p.args)?;
    let count_sql = format!(
        "SELECT COUNT(*) FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE {filter}"
    );
    let total: i64 = fetch_dyn!(db, fetch_one, scalar i64, &count_sql, count_args)?;
    Ok((rows, total))
}

/// The history of one entity, newest first.
pub async fn history(db: &Db, entity: &str, entity_id: &str) -> Result<Vec<Entry>> {
    Ok(fetch!(
        db,
        fetch_all,
        Entry,
        "SELECT a.id, a.at, u.username, a.action, a.before_json, a.after_json
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id DESC LIMIT 200",
        entity,
        entity_id
    )?)
}

/// Walks the whole chain; returns the number of records, or the id of the
/// first record whose hash does not follow.
pub async fn verify(db: &Db) -> Result<std::result::Result<u64, i64>> {
    let rows: Vec<Row> = fetch!(
        db,
        fetch_all,
        Row,
        "SELECT id, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash, request_id
         FROM audit_log ORDER BY id"
    )?;
    let mut prev = GENESIS_HASH.to_string();
    for r in &rows {
        let f = AuditFields {
            at: &r.at,
            user_id: r.user_id,
            action: &r.action,
            entity: &r.entity,
            entity_id: &r.entity_id,
            before_json: r.before_json.as_deref(),
            after_json: r.after_json.as_deref(),
            request_id: r.request_id.as_deref(),
        };
        if r.prev_hash != prev || chain_hash(&prev, &f) != r.hash {
            return Ok(Err(r.id));
        }
        prev = r.hash.clone();
    }
    // The head must name the last record: deleting the newest records
    // (and nothing else) is caught here.
    let head: String =
        fetch!(db, fetch_one, scalar String, "SELECT last_hash FROM audit_head WHERE id = 1")?;
    if head != prev {
        return Ok(Err(rows.last().map(|r| r.id).unwrap_or(0)));
    }
    Ok(Ok(rows.len() as u64))
}
