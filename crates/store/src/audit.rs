//! The audit log: every write records who, when, what, before and after,
//! in the same transaction as the write, with the hash of its content;
//! the sequencer ([`chain`]) then gives the committed records their places
//! in one hash chain (docs/security.md, "Audit log").
//!
//! Writers share nothing: no row every transaction locks, so concurrent
//! writes on PostgreSQL (and several servers) no longer queue behind one
//! another. The sequencer runs in every server ([`keep_chained`]), one
//! at a time under an advisory lock, a few times a second.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use domain::audit::{chain_hash, content_hash, link_hash, AuditFields, GENESIS_HASH};
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

/// Writes a record inside `tx`, with the hash of its content; the
/// sequencer chains it once `tx` has committed.
pub async fn record<B: Serialize, A: Serialize>(tx: &mut Tx, c: Change<'_, B, A>) -> Result<()> {
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
    execute!(
        tx,
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, request_id, content_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &at,
        fields.user_id,
        c.action,
        c.entity,
        &c.entity_id,
        &before,
        &after,
        &request_id,
        content_hash(&fields)
    )?;
    Ok(())
}

/// One record of [`record_many`]: the entity's id, what it was (none for
/// a new one) and what it is.
pub type Item = (String, Option<serde_json::Value>, serde_json::Value);

/// Writes many records of one action (an import's rows) inside `tx`, in
/// few statements. Ids follow the order of `items`, and so will their
/// places in the chain.
pub async fn record_many(
    tx: &mut Tx,
    author: Author,
    action: &str,
    entity: &str,
    items: &[Item],
) -> Result<()> {
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    let request_id = current_request_id();
    let rows_per = if tx.is_postgres() { 500 } else { 12 };
    for chunk in items.chunks(rows_per) {
        let mut args = Vec::with_capacity(chunk.len() * 9);
        for (entity_id, before, after) in chunk {
            let before = before.as_ref().map(serde_json::Value::to_string);
            let after = Some(after.to_string());
            let hash = content_hash(&AuditFields {
                at: &at,
                user_id: author.user_id(),
                action,
                entity,
                entity_id,
                before_json: before.as_deref(),
                after_json: after.as_deref(),
                request_id: request_id.as_deref(),
            });
            args.extend([
                crate::Arg::Text(Some(at.clone())),
                crate::Arg::I64(author.user_id()),
                crate::Arg::Text(Some(action.into())),
                crate::Arg::Text(Some(entity.into())),
                crate::Arg::Text(Some(entity_id.clone())),
                crate::Arg::Text(before),
                crate::Arg::Text(after),
                crate::Arg::Text(request_id.clone()),
                crate::Arg::Text(Some(hash)),
            ]);
        }
        let sql = format!(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, request_id, content_hash)
             VALUES {}",
            crate::placeholders(chunk.len(), 9)
        );
        crate::execute_dyn(tx, &sql, args).await?;
    }
    Ok(())
}

/// The advisory lock the sequencers of several servers take in turn
/// (PostgreSQL; SQLite has one writer).
const CHAIN_LOCK: i64 = 0x4249_4E48_0200_0000;

/// Records chained per transaction: a short write on SQLite, whose
/// writers wait for it.
const CHAIN_BATCH: i64 = 2_000;

/// Gives every committed record without a place its place in the chain,
/// in the order of ids, and returns how many it chained. On PostgreSQL a
/// sequencer that finds another at work returns at once (0): the other
/// chains what this one would have. Each batch is one transaction: a
/// crash leaves the records it had not committed waiting for the next
/// run, and the chain as it was.
pub async fn chain(db: &Db) -> Result<u64> {
    let mut chained = 0;
    loop {
        // Most runs find nothing: a read says so without the write lock
        // (SQLite) or a transaction (PostgreSQL).
        let any: Option<i64> = fetch!(
            db,
            fetch_optional,
            scalar i64,
            "SELECT id FROM audit_log WHERE seq IS NULL LIMIT 1"
        )?;
        if any.is_none() {
            return Ok(chained);
        }
        let mut tx = db.begin().await?;
        if tx.is_postgres() {
            let mine: bool = fetch!(
                tx,
                fetch_one,
                scalar bool,
                "SELECT pg_try_advisory_xact_lock($1)",
                CHAIN_LOCK
            )?;
            if !mine {
                tx.rollback().await?;
                return Ok(chained);
            }
        }
        let (mut prev, mut seq): (String, i64) = fetch!(
            tx,
            fetch_one,
            (String, i64),
            "SELECT last_hash, last_seq FROM audit_head WHERE id = 1"
        )?;
        let waiting: Vec<(i64, Option<String>)> = fetch!(
            tx,
            fetch_all,
            (i64, Option<String>),
            "SELECT id, content_hash FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1",
            CHAIN_BATCH
        )?;
        if waiting.is_empty() {
            tx.rollback().await?;
            return Ok(chained);
        }
        let rows_per = if tx.is_postgres() { 1_000 } else { 200 };
        for part in waiting.chunks(rows_per) {
            let mut args = Vec::with_capacity(part.len() * 4);
            for (id, content) in part {
                let content = content.as_deref().ok_or_else(|| {
                    StoreError::Data(format!("audit: record {id} has neither place nor hash"))
                })?;
                let hash = link_hash(&prev, content);
                seq += 1;
                args.extend([
                    crate::Arg::I64(Some(*id)),
                    crate::Arg::I64(Some(seq)),
                    crate::Arg::Text(Some(std::mem::replace(&mut prev, hash.clone()))),
                    crate::Arg::Text(Some(hash)),
                ]);
            }
            let sql = format!(
                "WITH v (id, seq, prev_hash, hash) AS (VALUES {})
                 UPDATE audit_log SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
                   FROM v WHERE audit_log.id = v.id",
                crate::placeholders(part.len(), 4)
            );
            crate::execute_dyn(&mut tx, &sql, args).await?;
        }
        execute!(
            tx,
            "UPDATE audit_head SET last_hash = $1, last_seq = $2 WHERE id = 1",
            &prev,
            seq
        )?;
        tx.commit().await?;
        chained += waiting.len() as u64;
    }
}

/// The records waiting for their place (a few at most while the
/// sequencers run; a growing number means none runs): `/metrics` shows it.
pub async fn waiting(db: &Db) -> Result<i64> {
    Ok(fetch!(
        db,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL"
    )?)
}

/// How often a server's sequencer looks for records to chain: a record
/// waits about this long for its place.
pub const CHAIN_EVERY: Duration = Duration::from_millis(200);

/// Runs the sequencer every [`CHAIN_EVERY`] until the process ends; a
/// failed run (the database away) is logged and tried again.
pub async fn keep_chained(db: Db) {
    let mut tick = tokio::time::interval(CHAIN_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = chain(&db).await {
            tracing::warn!(error = %e, "audit: the sequencer could not chain the new records");
        }
    }
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
    request_id: Option<String>,
    content_hash: Option<String>,
    seq: Option<i64>,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Row {
    fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            at: &self.at,
            user_id: self.user_id,
            action: &self.action,
            entity: &self.entity,
            entity_id: &self.entity_id,
            before_json: self.before_json.as_deref(),
            after_json: self.after_json.as_deref(),
            request_id: self.request_id.as_deref(),
        }
    }

    /// Whether the record's content is what its writer hashed (a record
    /// chained by its writer, before the sequencer, has no content hash:
    /// its chain hash covers the fields).
    fn content_holds(&self) -> bool {
        self.content_hash
            .as_deref()
            .is_none_or(|c| c == content_hash(&self.fields()))
    }

    /// Whether the record follows `prev` in the chain.
    fn follows(&self, prev: &str) -> bool {
        let want = match &self.content_hash {
            Some(c) => link_hash(prev, c),
            None => chain_hash(prev, &self.fields()),
        };
        self.prev_hash.as_deref() == Some(prev) && self.hash.as_deref() == Some(want.as_str())
    }
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

/// A place in the chain and its hash, kept outside the database (printed
/// by `binhyen audit verify`): whoever can write the database can rewrite
/// the chain from any record on and make it verify again, but not give an
/// anchored record back its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl Anchor {
    /// `place:hash`, as printed.
    pub fn parse(s: &str) -> std::result::Result<Anchor, String> {
        let bad = || format!("mốc không hợp lệ: {s:?} (cần dạng vị_trí:mã_băm)");
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq = seq.parse::<i64>().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if seq < 0 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Anchor { seq, hash })
    }
}

/// The chain's head: the last place given and its hash.
pub async fn head(db: &Db) -> Result<Anchor> {
    let (hash, seq): (String, i64) = fetch!(
        db,
        fetch_one,
        (String, i64),
        "SELECT last_hash, last_seq FROM audit_head WHERE id = 1"
    )?;
    Ok(Anchor { seq, hash })
}

/// Whether the record at the anchor's place still has its hash (place 0
/// is the empty chain's start).
pub async fn holds(db: &Db, a: &Anchor) -> Result<bool> {
    if a.seq == 0 {
        return Ok(a.hash == GENESIS_HASH);
    }
    let hash: Option<Option<String>> = fetch!(
        db,
        fetch_optional,
        scalar Option<String>,
        "SELECT hash FROM audit_log WHERE seq = $1",
        a.seq
    )?;
    Ok(hash.flatten().as_deref() == Some(a.hash.as_str()))
}

const ROW_COLUMNS: &str =
    "id, at, user_id, action, entity, entity_id, before_json, after_json, request_id,
     content_hash, seq, prev_hash, hash";

/// Records read at a time while verifying: the log can hold millions.
const VERIFY_PAGE: i64 = 5_000;

/// Walks the whole chain up to the head, then checks the records still
/// waiting for their place against their content hashes; returns the
/// number of records, or the id of the first that does not hold. The
/// head is read first, so that records the sequencer chains meanwhile
/// are checked as waiting ones.
pub async fn verify(db: &Db) -> Result<std::result::Result<u64, i64>> {
    let Anchor {
        seq: head_seq,
        hash: head,
    } = self::head(db).await?;
    let mut prev = GENESIS_HASH.to_string();
    let (mut last, mut last_id, mut n) = (0_i64, 0_i64, 0_u64);
    loop {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM audit_log
              WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3"
        );
        let rows: Vec<Row> = fetch!(db, fetch_all, Row, &sql, last, head_seq, VERIFY_PAGE)?;
        let Some(end) = rows.last().and_then(|r| r.seq) else {
            break;
        };
        for r in &rows {
            if !r.content_holds() || !r.follows(&prev) {
                return Ok(Err(r.id));
            }
            prev = r.hash.clone().unwrap_or_default();
            last_id = r.id;
        }
        n += rows.len() as u64;
        last = end;
    }
    // The head must name the last record: deleting the newest records
    // (and nothing else) is caught here.
    if head != prev || last != head_seq {
        return Ok(Err(last_id));
    }
    // Waiting for their place (the unchained index), then chained since
    // the head was read (the places' index): each must hold its content.
    for (filter, key) in [("seq IS NULL AND id > $1", "id"), ("seq > $1", "seq")] {
        let mut after = if key == "id" { 0 } else { head_seq };
        loop {
            let sql = format!(
                "SELECT {ROW_COLUMNS} FROM audit_log WHERE {filter} ORDER BY {key} LIMIT $2"
            );
            let rows: Vec<Row> = fetch!(db, fetch_all, Row, &sql, after, VERIFY_PAGE)?;
            let Some(end) = rows.last() else {
                break;
            };
            after = if key == "id" {
                end.id
            } else {
                end.seq.unwrap_or(i64::MAX)
            };
            if let Some(r) = rows
                .iter()
                .find(|r| r.content_hash.is_none() || !r.content_holds())
            {
                return Ok(Err(r.id));
            }
            n += rows.len() as u64;
        }
    }
    Ok(Ok(n))
}
