//! Citizens' tips: the register, the recipients' sealed copies of each
//! tip's keys, the conversation and its files, and the officers' tip keys.
//! This module stores bytes it cannot read: the web layer seals and opens
//! them (`domain::tips::seal`). Every write is audited with the clear part
//! only (ids, unit, category, state); a sender's writes are audited as
//! [`Author::Sender`], whose records carry the day and no request id.

use chrono::NaiveDate;
use domain::tips::{Category, Channel, State};

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::unit_in_scope;
use crate::{Arg, Db, Tx};

// ---- officers' keys ------------------------------------------------------

/// An officer's tip key as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub user_id: i64,
    pub public_key: String,
    pub locked_key: Vec<u8>,
    pub holder: bool,
    pub created_on: NaiveDate,
    pub replaced_on: Option<NaiveDate>,
}

const KEY_COLUMNS: &str = "user_id, public_key, locked_key, holder, created_on, replaced_on";

pub async fn key(db: &Db, user_id: i64) -> Result<Option<KeyRow>> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM tip_keys WHERE user_id = $1");
    Ok(fetch!(db, fetch_optional, KeyRow, &sql, user_id)?)
}

/// What the audit log keeps of a key: never the locked secret.
#[derive(serde::Serialize)]
struct KeyAudit<'a> {
    public_key: &'a str,
    holder: bool,
    replaced: bool,
}

/// Stores an officer's new key (their first, or one made anew after a
/// password reset lost the old one: `replaced_on` then says so, and the
/// tips sealed to the old key stay unreadable to them until a holder
/// grants them again). The old key's copies are dropped.
pub async fn put_key(
    db: &Db,
    user_id: i64,
    public_key: &str,
    locked_key: &[u8],
    today: NaiveDate,
) -> Result<KeyRow> {
    let mut tx = db.begin().await?;
    let before = {
        let sql = format!("SELECT {KEY_COLUMNS} FROM tip_keys WHERE user_id = $1");
        fetch!(tx, fetch_optional, KeyRow, &sql, user_id)?
    };
    let replaced = before.is_some();
    execute!(
        tx,
        "INSERT INTO tip_keys (user_id, public_key, locked_key, holder, created_on, replaced_on)
         VALUES ($1, $2, $3, FALSE, $4, NULL)
         ON CONFLICT (user_id) DO UPDATE SET public_key = excluded.public_key,
             locked_key = excluded.locked_key, replaced_on = $4",
        user_id,
        public_key,
        locked_key,
        today
    )?;
    if replaced {
        execute!(tx, "DELETE FROM tip_recipients WHERE user_id = $1", user_id)?;
    }
    let holder = before.as_ref().is_some_and(|k| k.holder);
    audit::record(
        &mut tx,
        Change {
            author: Author::User(user_id),
            action: if replaced { "replace" } else { "create" },
            entity: "tip_key",
            entity_id: user_id.to_string(),
            before: before
                .as_ref()
                .map(|k| KeyAudit {
                    public_key: &k.public_key,
                    holder: k.holder,
                    replaced: k.replaced_on.is_some(),
                })
                .as_ref(),
            after: Some(&KeyAudit {
                public_key,
                holder,
                replaced,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    key(db, user_id).await?.ok_or(StoreError::NotFound)
}

/// The same key locked under a new password (the old one opened it).
pub async fn relock_key(db: &Db, user_id: i64, locked_key: &[u8]) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE tip_keys SET locked_key = $1 WHERE user_id = $2",
        locked_key,
        user_id
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record::<(), ()>(
        &mut tx,
        Change {
            author: Author::User(user_id),
            action: "relock",
            entity: "tip_key",
            entity_id: user_id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes an officer a province key-holder, or no longer one.
pub async fn set_holder(db: &Db, author: Author, user_id: i64, holder: bool) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE tip_keys SET holder = $1 WHERE user_id = $2",
        holder,
        user_id
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Change {
            author,
            action: if holder { "make_holder" } else { "end_holder" },
            entity: "tip_key",
            entity_id: user_id.to_string(),
            before: Some(&!holder),
            after: Some(&holder),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The key of a session, locked under the session's own secret.
pub async fn set_session_key(db: &Db, session_hash: &str, locked: &[u8]) -> Result<()> {
    execute!(
        db,
        "UPDATE sessions SET tip_key = $1 WHERE id_hash = $2",
        locked,
        session_hash
    )?;
    Ok(())
}

pub async fn session_key(db: &Db, session_hash: &str) -> Result<Option<Vec<u8>>> {
    Ok(fetch!(
        db,
        fetch_optional,
        scalar Option<Vec<u8>>,
        "SELECT tip_key FROM sessions WHERE id_hash = $1",
        session_hash
    )?
    .flatten())
}

/// Someone a tip is sealed to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: i64,
    pub public_key: String,
}

/// Who a tip of `unit` is sealed to: the commune officers whose scope
/// reaches the unit and the key-holders whose scope does, among enabled
/// accounts with a key. Officers whose key was made anew are included:
/// new tips are theirs at once; only old ones wait for a grant.
pub async fn recipients(db: &Db, unit: i64) -> Result<Vec<Recipient>> {
    Ok(fetch!(
        db,
        fetch_all,
        Recipient,
        "SELECT DISTINCT k.user_id, k.public_key
           FROM tip_keys k
           JOIN users u ON u.id = k.user_id
           JOIN user_scopes s ON s.user_id = u.id
           JOIN org_unit_reach r ON r.ancestor_id = s.org_unit_id AND r.unit_id = $1
          WHERE NOT u.disabled AND (u.role = 'commune_officer' OR k.holder)
          ORDER BY k.user_id",
        unit
    )?)
}

/// An officer who receives tips (or may: no key until their first
/// sign-in), as the tip keys page lists them.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct KeyStatus {
    pub user_id: i64,
    pub display_name: String,
    #[schema(value_type = String)]
    pub role: String,
    /// None: not signed in with a password since tips began.
    pub public_key: Option<String>,
    pub holder: bool,
    pub created_on: Option<NaiveDate>,
    /// The key was made anew (a reset password lost the old one): the
    /// open tips sealed to the old key wait for a holder's grant.
    pub replaced_on: Option<NaiveDate>,
}

/// The officers who receive tips in `scope` (commune officers and
/// province staff whose own scope lies in it), with their keys; `only`:
/// that one officer alone.
async fn officers(db: &Db, scope: Scope, only: Option<i64>) -> Result<Vec<KeyStatus>> {
    let (filter, user) = match scope.user_id() {
        Some(u) => (
            format!(
                "AND EXISTS (SELECT 1 FROM user_scopes s WHERE s.user_id = u.id AND {})",
                unit_in_scope("s.org_unit_id", "$1")
            ),
            u,
        ),
        None => ("AND $1 = $1".to_string(), 0),
    };
    let sql = format!(
        "SELECT u.id AS user_id, u.display_name, u.role, k.public_key,
                COALESCE(k.holder, FALSE) AS holder, k.created_on, k.replaced_on
           FROM users u LEFT JOIN tip_keys k ON k.user_id = u.id
          WHERE NOT u.disabled AND u.role IN ('commune_officer', 'province_staff') {filter}
            AND ($2 IS NULL OR u.id = $2)
          ORDER BY u.display_name, u.id"
    );
    Ok(fetch!(db, fetch_all, KeyStatus, &sql, user, only)?)
}

pub async fn keys_in_scope(db: &Db, scope: Scope) -> Result<Vec<KeyStatus>> {
    officers(db, scope, None).await
}

/// Officer `user`, if `scope` reaches one of their own scope units (so
/// that an administrator or a holder may act on their key).
pub async fn officer(db: &Db, scope: Scope, user: i64) -> Result<Option<KeyStatus>> {
    Ok(officers(db, scope, Some(user)).await?.pop())
}

/// The unit that receives a tip about `place`: the 2025 commune it is (or
/// lies in, for a village or site); a pre-2025 unit goes to its default
/// successor first. None: no such place, or one too wide (a province).
pub async fn receiving_unit(db: &Db, place: i64) -> Result<Option<i64>> {
    let mut id = place;
    // A village of a legacy commune, its successor, that one's parent: a
    // few steps; the bound only guards against a cycle in bad data.
    for _ in 0..8 {
        let found: Option<(String, Option<i64>, bool)> = fetch!(
            db,
            fetch_optional,
            (String, Option<i64>, bool),
            "SELECT level, parent_id, valid_to IS NOT NULL FROM org_units WHERE id = $1",
            id
        )?;
        let Some((level, parent, ended)) = found else {
            return Ok(None);
        };
        if ended {
            let next: Option<i64> = fetch!(
                db,
                fetch_optional,
                scalar i64,
                "SELECT to_id FROM org_unit_successors WHERE from_id = $1 AND is_default",
                id
            )?;
            match next {
                Some(n) => id = n,
                None => return Ok(None),
            }
            continue;
        }
        match (level.as_str(), parent) {
            ("commune", _) => return Ok(Some(id)),
            ("village" | "site", Some(p)) => id = p,
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// Whether a tip may be forwarded to `unit`: a commune or a province of
/// today's map.
pub async fn is_forward_target(db: &Db, unit: i64) -> Result<bool> {
    Ok(fetch!(
        db,
        fetch_optional,
        scalar i64,
        "SELECT id FROM org_units
          WHERE id = $1 AND valid_to IS NULL AND level IN ('commune', 'province')",
        unit
    )?
    .is_some())
}

// ---- the register --------------------------------------------------------

/// A recipient's copy of a tip's keys: (user id, the keys sealed to them).
pub type SealedCopy = (i64, Vec<u8>);
/// A file as stored: (sealed name, sealed bytes).
pub type SealedFile = (Vec<u8>, Vec<u8>);

/// A new tip, sealed.
pub struct NewTip<'a> {
    pub unit_id: i64,
    pub place_id: i64,
    pub category: Category,
    pub channel: Channel,
    pub received_on: NaiveDate,
    /// The receipt's hash and the content key wrapped for the sender (a
    /// tip filed by its sender); none for one an officer recorded.
    pub receipt_hash: Option<&'a str>,
    pub sender_key: Option<&'a [u8]>,
    pub content: &'a [u8],
    /// Each recipient's sealed copy of the keys.
    pub sealed: &'a [SealedCopy],
    /// Files sent with the report: (sealed name, sealed bytes).
    pub files: &'a [SealedFile],
}

/// A tip's clear part: what lists show and the audit log keeps.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct TipRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub place_id: i64,
    pub place_name: String,
    #[sqlx(try_from = "String")]
    pub category: CategoryCode,
    #[sqlx(try_from = "String")]
    pub channel: ChannelCode,
    #[sqlx(try_from = "String")]
    pub state: StateCode,
    pub received_on: NaiveDate,
    pub state_since: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub valuable: bool,
    pub cases_solved: i64,
    pub arrests: i64,
    pub staff_unread: bool,
    pub files: i64,
    pub messages: i64,
    /// Whether the asking officer holds a copy of its keys.
    pub readable: bool,
}

macro_rules! code_column {
    ($name:ident, $ty:ty, $field:literal) => {
        /// A column's code, parsed as it is read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub $ty);

        impl TryFrom<String> for $name {
            type Error = StoreError;
            fn try_from(s: String) -> Result<Self> {
                <$ty>::parse($field, &s).map(Self).map_err(StoreError::from)
            }
        }
    };
}
code_column!(CategoryCode, Category, "category");
code_column!(ChannelCode, Channel, "channel");
code_column!(StateCode, State, "state");

/// The columns of [`TipRow`]; `$1` binds the asking user (or NULL).
const ROW_COLUMNS: &str = "t.id, t.unit_id, u.name AS unit_name, t.place_id, p.name AS place_name,
    t.category, t.channel, t.state, t.received_on, t.state_since, t.due_on, t.valuable,
    t.cases_solved, t.arrests, t.staff_unread,
    (SELECT COUNT(*) FROM tip_files f WHERE f.tip_id = t.id) AS files,
    (SELECT COUNT(*) FROM tip_messages m WHERE m.tip_id = t.id AND m.kind <> 'event') AS messages,
    EXISTS (SELECT 1 FROM tip_recipients x WHERE x.tip_id = t.id AND x.user_id = $1) AS readable";

const ROW_FROM: &str =
    "FROM tips t JOIN org_units u ON u.id = t.unit_id JOIN org_units p ON p.id = t.place_id";

async fn row(tx: &mut Tx, user: Option<i64>, id: i64) -> Result<TipRow> {
    let sql = format!("SELECT {ROW_COLUMNS} {ROW_FROM} WHERE t.id = $2");
    fetch!(tx, fetch_optional, TipRow, &sql, user, id)?.ok_or(StoreError::NotFound)
}

/// Not found unless `scope` reaches `unit` (out of scope reads as absent).
async fn require_reach(tx: &mut Tx, scope: Scope, unit: i64) -> Result<()> {
    match scope.user_id() {
        Some(u) if !crate::scope::reaches(tx, u, unit).await? => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// The receiving unit of tip `tip`, if `scope` reaches it.
async fn tip_unit_in_scope(tx: &mut Tx, scope: Scope, tip: i64) -> Result<i64> {
    let unit: i64 =
        fetch!(tx, fetch_optional, scalar i64, "SELECT unit_id FROM tips WHERE id = $1", tip)?
            .ok_or(StoreError::NotFound)?;
    require_reach(tx, scope, unit).await?;
    Ok(unit)
}

/// Files a tip: the register's row, each recipient's copy of its keys, the
/// files, in one transaction with its audit record. The tip must have at
/// least one recipient (the web layer refuses the report otherwise).
pub async fn file(db: &Db, author: Author, t: &NewTip<'_>) -> Result<i64> {
    if t.sealed.is_empty() {
        return Err(StoreError::Invalid(domain::DomainError::new(
            "place_id",
            domain::Reason::TipNoRecipient,
        )));
    }
    let mut tx = db.begin().await?;
    let due = State::New.due_on(t.received_on);
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO tips (unit_id, place_id, category, channel, state, received_on, state_since,
             due_on, receipt_hash, sender_key, content, staff_unread)
         VALUES ($1, $2, $3, $4, 'new', $5, $5, $6, $7, $8, $9, TRUE) RETURNING id",
        t.unit_id,
        t.place_id,
        t.category.as_str(),
        t.channel.as_str(),
        t.received_on,
        due,
        t.receipt_hash,
        t.sender_key,
        t.content
    )?;
    seal_to(&mut tx, id, t.sealed).await?;
    insert_files(&mut tx, id, None, t.files).await?;
    let after = row(&mut tx, None, id).await?;
    audit::record::<(), _>(
        &mut tx,
        Change {
            author,
            action: "create",
            entity: "tip",
            entity_id: id.to_string(),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The name of the unit holding tip `tip`.
pub async fn unit_name_of(db: &Db, tip: i64) -> Result<String> {
    fetch!(
        db,
        fetch_optional,
        scalar String,
        "SELECT u.name FROM tips t JOIN org_units u ON u.id = t.unit_id WHERE t.id = $1",
        tip
    )?
    .ok_or(StoreError::NotFound)
}

async fn seal_to(tx: &mut Tx, tip: i64, sealed: &[SealedCopy]) -> Result<()> {
    for (user, copy) in sealed {
        execute!(
            tx,
            "INSERT INTO tip_recipients (tip_id, user_id, sealed) VALUES ($1, $2, $3)
             ON CONFLICT (tip_id, user_id) DO UPDATE SET sealed = excluded.sealed",
            tip,
            *user,
            copy.as_slice()
        )?;
    }
    Ok(())
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The sender (through the receipt).
    Sender,
    /// An officer, to the sender.
    Reply,
    /// An officer, for the police only (under the notes key).
    Note,
    /// A step of the tip (verify, forward, resolve, close) with its reason
    /// or outcome, under the notes key.
    Event,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Sender => "sender",
            Kind::Reply => "reply",
            Kind::Note => "note",
            Kind::Event => "event",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        match s {
            "sender" => Ok(Kind::Sender),
            "reply" => Ok(Kind::Reply),
            "note" => Ok(Kind::Note),
            "event" => Ok(Kind::Event),
            _ => Err(StoreError::Data(format!("tip message kind {s}"))),
        }
    }

    /// What the sender sees of the conversation.
    pub fn for_sender(self) -> bool {
        matches!(self, Kind::Sender | Kind::Reply)
    }
}

async fn insert_message(
    tx: &mut Tx,
    tip: i64,
    kind: Kind,
    user: Option<i64>,
    day: NaiveDate,
    content: &[u8],
) -> Result<i64> {
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO tip_messages (tip_id, seq, kind, user_id, day, content)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tip_messages WHERE tip_id = $1),
                 $2, $3, $4, $5)
         RETURNING id",
        tip,
        kind.as_str(),
        user,
        day,
        content
    )?)
}

async fn insert_files(
    tx: &mut Tx,
    tip: i64,
    message: Option<i64>,
    files: &[SealedFile],
) -> Result<()> {
    for (name, content) in files {
        execute!(
            tx,
            "INSERT INTO tip_files (tip_id, message_id, sealed_name, content, size)
             VALUES ($1, $2, $3, $4, $5)",
            tip,
            message,
            name.as_slice(),
            content.as_slice(),
            content.len() as i64
        )?;
    }
    Ok(())
}

/// A message with its sealed content, and its files' sealed names.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub seq: i64,
    pub kind: Kind,
    pub user_id: Option<i64>,
    pub author_name: Option<String>,
    pub day: NaiveDate,
    pub content: Vec<u8>,
    pub files: Vec<FileRef>,
}

/// A file's id, sealed name and size (its bytes are read one at a time).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRef {
    pub id: i64,
    /// None: sent with the report itself.
    pub message_id: Option<i64>,
    pub sealed_name: Vec<u8>,
    pub size: i64,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    seq: i64,
    kind: String,
    user_id: Option<i64>,
    author_name: Option<String>,
    day: NaiveDate,
    content: Vec<u8>,
}

/// The conversation, and the files sent with the report itself.
async fn messages(db: &Db, tip: i64, sender_view: bool) -> Result<(Vec<Message>, Vec<FileRef>)> {
    let kinds = if sender_view {
        "AND m.kind IN ('sender', 'reply')"
    } else {
        ""
    };
    let sql = format!(
        "SELECT m.id, m.seq, m.kind, m.user_id, us.display_name AS author_name, m.day, m.content
           FROM tip_messages m LEFT JOIN users us ON us.id = m.user_id
          WHERE m.tip_id = $1 {kinds} ORDER BY m.seq"
    );
    let rows: Vec<MessageRow> = fetch!(db, fetch_all, MessageRow, &sql, tip)?;
    let files: Vec<FileRef> = fetch!(
        db,
        fetch_all,
        FileRef,
        "SELECT id, message_id, sealed_name, size FROM tip_files WHERE tip_id = $1 ORDER BY id",
        tip
    )?;
    let report_files = files
        .iter()
        .filter(|f| f.message_id.is_none())
        .cloned()
        .collect();
    let messages = rows
        .into_iter()
        .map(|r| {
            Ok(Message {
                files: files
                    .iter()
                    .filter(|f| f.message_id == Some(r.id))
                    .cloned()
                    .collect(),
                id: r.id,
                seq: r.seq,
                kind: Kind::parse(&r.kind)?,
                // The sender never learns which officer wrote.
                user_id: if sender_view { None } else { r.user_id },
                author_name: if sender_view { None } else { r.author_name },
                day: r.day,
                content: r.content,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((messages, report_files))
}

/// A tip as its officer reads it: the row, their sealed copy of its keys
/// (none: not a recipient), the sealed report and the conversation.
#[derive(Debug, Clone)]
pub struct TipView {
    pub row: TipRow,
    pub sealed_keys: Option<Vec<u8>>,
    pub content: Vec<u8>,
    pub files: Vec<FileRef>,
    pub messages: Vec<Message>,
    /// Whether the sender can come back to it (filed with a receipt).
    pub has_receipt: bool,
}

/// A tip in `scope`, as `user` sees it; not found outside the scope.
pub async fn get(db: &Db, scope: Scope, user: i64, id: i64) -> Result<TipView> {
    let mut tx = db.begin().await?;
    let r = row(&mut tx, Some(user), id).await?;
    require_reach(&mut tx, scope, r.unit_id).await?;
    let sealed_keys: Option<Vec<u8>> = fetch!(
        tx,
        fetch_optional,
        scalar Vec<u8>,
        "SELECT sealed FROM tip_recipients WHERE tip_id = $1 AND user_id = $2",
        id,
        user
    )?;
    let (content, has_receipt): (Vec<u8>, bool) = fetch!(
        tx,
        fetch_one,
        (Vec<u8>, bool),
        "SELECT content, receipt_hash IS NOT NULL FROM tips WHERE id = $1",
        id
    )?;
    tx.commit().await?;
    let (messages, files) = messages(db, id, false).await?;
    Ok(TipView {
        row: r,
        sealed_keys,
        content,
        files,
        messages,
        has_receipt,
    })
}

/// A tip as its sender reads it through the receipt.
#[derive(Debug, Clone)]
pub struct SenderView {
    pub id: i64,
    pub row: TipRow,
    pub sender_key: Vec<u8>,
    pub content: Vec<u8>,
    pub files: Vec<FileRef>,
    pub messages: Vec<Message>,
}

/// The tip a receipt's hash finds, if any. Marks replies read.
pub async fn by_receipt(db: &Db, receipt_hash: &str) -> Result<Option<SenderView>> {
    let found: Option<(i64, Vec<u8>, Vec<u8>)> = fetch!(
        db,
        fetch_optional,
        (i64, Vec<u8>, Vec<u8>),
        "SELECT id, sender_key, content FROM tips WHERE receipt_hash = $1 AND sender_key IS NOT NULL",
        receipt_hash
    )?;
    let Some((id, sender_key, content)) = found else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    let r = row(&mut tx, None, id).await?;
    execute!(
        tx,
        "UPDATE tips SET sender_unread = FALSE WHERE id = $1",
        id
    )?;
    tx.commit().await?;
    let (messages, files) = messages(db, id, true).await?;
    Ok(Some(SenderView {
        id,
        row: r,
        sender_key,
        content,
        files,
        messages,
    }))
}

/// Adds a message (and its files) to a tip: the sender's (through the
/// receipt), a reply or a note (an officer's, in scope). A sender's
/// message marks the tip unread for the police; a reply, for the sender.
/// A message to add: who writes it, the day, its sealed text and files.
pub struct NewMessage<'a> {
    pub kind: Kind,
    pub day: NaiveDate,
    pub content: &'a [u8],
    pub files: &'a [SealedFile],
}

pub async fn add_message(
    db: &Db,
    author: Author,
    scope: Scope,
    tip: i64,
    m: &NewMessage<'_>,
) -> Result<i64> {
    let (kind, files) = (m.kind, m.files);
    let mut tx = db.begin().await?;
    tip_unit_in_scope(&mut tx, scope, tip).await?;
    let id = insert_message(&mut tx, tip, kind, author.user_id(), m.day, m.content).await?;
    insert_files(&mut tx, tip, Some(id), files).await?;
    let flag = match kind {
        Kind::Sender => "staff_unread = TRUE",
        Kind::Reply => "sender_unread = TRUE",
        Kind::Note | Kind::Event => "staff_unread = staff_unread",
    };
    execute!(tx, &format!("UPDATE tips SET {flag} WHERE id = $1"), tip)?;
    #[derive(serde::Serialize)]
    struct Added {
        tip: i64,
        kind: Kind,
        files: usize,
    }
    audit::record::<(), _>(
        &mut tx,
        Change {
            author,
            action: "create",
            entity: "tip_message",
            entity_id: id.to_string(),
            before: None,
            after: Some(&Added {
                tip,
                kind,
                files: files.len(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Marks a tip read by the police (an officer who can read it opened it).
pub async fn mark_read(db: &Db, tip: i64) -> Result<()> {
    execute!(
        db,
        "UPDATE tips SET staff_unread = FALSE WHERE id = $1 AND staff_unread",
        tip
    )?;
    Ok(())
}

/// A step an officer takes, checked by `domain::tips::ActionInput::parse`.
pub struct Step<'a> {
    pub action: domain::tips::Action,
    pub next: State,
    pub today: NaiveDate,
    /// The sealed event (the reason or the outcome's summary), if any.
    pub event: Option<&'a [u8]>,
    /// Forward: the new unit and the new recipients' copies (the old
    /// recipients' copies are dropped).
    pub forward_to: Option<(i64, &'a [SealedCopy])>,
    /// Resolve: the counts.
    pub outcome: Option<(bool, i64, i64)>,
}

/// Takes a step on a tip in scope, if it is still in `from` (a step taken
/// meanwhile by someone else is a conflict, nothing changes).
pub async fn step(
    db: &Db,
    author: Author,
    scope: Scope,
    tip: i64,
    from: State,
    s: &Step<'_>,
) -> Result<TipRow> {
    let mut tx = db.begin().await?;
    // Takes the row's lock first: two officers acting at once queue.
    let locked = execute!(
        tx,
        "UPDATE tips SET state = state WHERE id = $1 AND state = $2",
        tip,
        from.as_str()
    )?;
    let before = row(&mut tx, None, tip).await?;
    require_reach(&mut tx, scope, before.unit_id).await?;
    if locked == 0 {
        return Err(StoreError::Conflict(domain::Reason::TipActionNotNow {
            action: s.action.term(),
            state: before.state.0.term(),
        }));
    }
    let due = s.next.due_on(s.today);
    execute!(
        tx,
        "UPDATE tips SET state = $1, state_since = $2, due_on = $3 WHERE id = $4",
        s.next.as_str(),
        s.today,
        due,
        tip
    )?;
    if let Some((to, sealed)) = s.forward_to {
        if sealed.is_empty() {
            return Err(StoreError::Invalid(domain::DomainError::new(
                "to_unit_id",
                domain::Reason::TipNoRecipient,
            )));
        }
        execute!(
            tx,
            "UPDATE tips SET unit_id = $1, staff_unread = TRUE WHERE id = $2",
            to,
            tip
        )?;
        execute!(tx, "DELETE FROM tip_recipients WHERE tip_id = $1", tip)?;
        seal_to(&mut tx, tip, sealed).await?;
    }
    if let Some((valuable, cases, arrests)) = s.outcome {
        execute!(
            tx,
            "UPDATE tips SET valuable = $1, cases_solved = $2, arrests = $3 WHERE id = $4",
            valuable,
            cases,
            arrests,
            tip
        )?;
    }
    if let Some(event) = s.event {
        insert_message(&mut tx, tip, Kind::Event, author.user_id(), s.today, event).await?;
    }
    let after = row(&mut tx, None, tip).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: s.next.as_str(),
            entity: "tip",
            entity_id: tip.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives `to` a copy of a tip's keys (a holder grants a new officer
/// access, or re-grants one whose key was made anew).
pub async fn grant(db: &Db, author: Author, tip: i64, to: i64, sealed: &[u8]) -> Result<()> {
    let mut tx = db.begin().await?;
    seal_to(&mut tx, tip, &[(to, sealed.to_vec())]).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "grant",
            entity: "tip",
            entity_id: tip.to_string(),
            before: None::<&()>,
            after: Some(&to),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The open tips of the units `user` receives that `holder` can read and
/// `user` cannot: what a grant gives them. (tip id, holder's sealed copy.)
pub async fn grantable(db: &Db, holder: i64, user: i64) -> Result<Vec<(i64, Vec<u8>)>> {
    let sql = format!(
        "SELECT t.id, h.sealed FROM tips t
           JOIN tip_recipients h ON h.tip_id = t.id AND h.user_id = $1
          WHERE t.state IN ('new', 'verifying', 'forwarded')
            AND {}
            AND NOT EXISTS (SELECT 1 FROM tip_recipients x WHERE x.tip_id = t.id AND x.user_id = $2)
          ORDER BY t.id",
        unit_in_scope("t.unit_id", "$2")
    );
    Ok(fetch!(db, fetch_all, (i64, Vec<u8>), &sql, holder, user)?)
}

/// One file's sealed name and bytes, of a tip in scope.
pub async fn file_content(
    db: &Db,
    scope: Scope,
    tip: i64,
    file: i64,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut tx = db.begin().await?;
    tip_unit_in_scope(&mut tx, scope, tip).await?;
    let found = fetch!(
        tx,
        fetch_optional,
        (Vec<u8>, Vec<u8>),
        "SELECT sealed_name, content FROM tip_files WHERE id = $1 AND tip_id = $2",
        file,
        tip
    )?;
    tx.commit().await?;
    found.ok_or(StoreError::NotFound)
}

// ---- lists ---------------------------------------------------------------

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<State>,
    pub category: Option<Category>,
    /// A unit: its tips and those of the units under it.
    pub unit: Option<i64>,
    /// Open tips past their state's deadline on `today`.
    pub overdue_on: Option<NaiveDate>,
    pub page: u32,
    pub per_page: u32,
}

/// The most a list counts: a total above it means "more than this".
pub const COUNT_CAP: i64 = 1_000;

/// A page of the tips in `scope` (newest first) and how many match, up to
/// [`COUNT_CAP`] + 1 (or the end of the page asked for, if further).
pub async fn list(db: &Db, scope: Scope, user: i64, f: &Filter) -> Result<(Vec<TipRow>, i64)> {
    let mut args = vec![Arg::I64(Some(user))];
    let mut wh = vec!["1 = 1".to_string()];
    if let Some(u) = scope.user_id() {
        args.push(Arg::I64(Some(u)));
        wh.push(crate::scope::unit_in_scope_indexed(
            db.is_postgres(),
            "t.unit_id",
            &format!("${}", args.len()),
        ));
    }
    if let Some(s) = f.state {
        args.push(Arg::Text(Some(s.as_str().into())));
        wh.push(format!("t.state = ${}", args.len()));
    }
    if let Some(c) = f.category {
        args.push(Arg::Text(Some(c.as_str().into())));
        wh.push(format!("t.category = ${}", args.len()));
    }
    if let Some(u) = f.unit {
        args.push(Arg::I64(Some(u)));
        wh.push(format!(
            "t.unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = ${})",
            args.len()
        ));
    }
    if let Some(d) = f.overdue_on {
        args.push(Arg::Date(Some(d)));
        wh.push(format!("t.due_on < ${}", args.len()));
    }
    let wh = wh.join(" AND ");
    let per_page = f.per_page.clamp(1, 200);
    let offset = i64::from(f.page.max(1) - 1) * i64::from(per_page);
    // Counted up to the cap (or the end of the page asked for): a
    // province's year holds tens of thousands, and an exact count of them
    // took 130-160 ms on PostgreSQL where the page takes a few.
    let upto = COUNT_CAP.max(offset + i64::from(per_page)) + 1;
    let count_sql =
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM tips t WHERE {wh} LIMIT {upto}) c");
    let total: i64 = fetch_dyn!(db, fetch_one, scalar i64, &count_sql, args.clone())?;
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM (SELECT t.id FROM tips t WHERE {wh} ORDER BY t.id DESC LIMIT {per_page} OFFSET {offset}) k
           JOIN tips t ON t.id = k.id JOIN org_units u ON u.id = t.unit_id JOIN org_units p ON p.id = t.place_id
          ORDER BY t.id DESC"
    );
    let rows: Vec<TipRow> = fetch_dyn!(db, fetch_all, TipRow, &sql, args)?;
    Ok((rows, total))
}

// ---- figures -------------------------------------------------------------

/// A unit's tips of one span of days: what the statistics' computed
/// indicators for tips count (`tips.*`), with no content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct Counts {
    pub received: i64,
    pub vneid: i64,
    pub valuable: i64,
    pub cases_solved: i64,
    pub arrests: i64,
}

const COUNTS: &str = "SELECT COUNT(*) AS received,
        CAST(COALESCE(SUM(CASE WHEN t.channel = 'vneid' THEN 1 ELSE 0 END), 0) AS BIGINT) AS vneid,
        CAST(COALESCE(SUM(CASE WHEN t.valuable THEN 1 ELSE 0 END), 0) AS BIGINT) AS valuable,
        CAST(COALESCE(SUM(t.cases_solved), 0) AS BIGINT) AS cases_solved,
        CAST(COALESCE(SUM(t.arrests), 0) AS BIGINT) AS arrests
   FROM tips t
  WHERE t.unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $1)
    AND t.received_on >= $2 AND t.received_on <= $3";

/// The counts of the tips received from `from` to `to` (days, inclusive)
/// by the units `unit` reaches (itself, and the units under it, across
/// the 2025 mapping: the receiving unit is always a 2025 one).
pub async fn counts(db: &Db, unit: i64, from: NaiveDate, to: NaiveDate) -> Result<Counts> {
    Ok(fetch!(db, fetch_one, Counts, COUNTS, unit, from, to)?)
}

/// The figures the tips register offers to statistics for one entering
/// unit over the days `first..=last` (within the unit's own life): the
/// tips received by it or the units under it, counted on the day they
/// were received; how a tip ended counts with that day too. A tip is held
/// by one unit at a time (the one it was forwarded to last), so no tip
/// counts twice at one level.
pub(crate) async fn figures(
    tx: &mut Tx,
    unit: &domain::org_units::OrgUnit,
    (first, last): (NaiveDate, NaiveDate),
    wanted: &[domain::statistics::computed::Computed],
) -> Result<std::collections::HashMap<domain::statistics::computed::Computed, f64>> {
    use domain::statistics::computed::Computed;
    let (from, to) = (
        unit.valid_from.map_or(first, |f| f.max(first)),
        unit.valid_to.map_or(last, |t| t.min(last)),
    );
    if from > to {
        return Ok(Default::default());
    }
    let c: Counts = fetch!(tx, fetch_one, Counts, COUNTS, unit.id, from, to)?;
    Ok(wanted
        .iter()
        .filter_map(|w| {
            let v = match w {
                Computed::TipsReceived => c.received,
                Computed::TipsVneid => c.vneid,
                Computed::TipsValuable => c.valuable,
                Computed::TipsCasesSolved => c.cases_solved,
                Computed::TipsArrests => c.arrests,
                _ => return None,
            };
            Some((*w, v as f64))
        })
        .collect())
}
