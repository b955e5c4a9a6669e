//! Users, their scopes and their sessions.

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{LoginGate, Role};
use domain::org_units::OrgUnitId;
use serde::Serialize;

use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::Db;

/// Which units a query may see: all (admins, the system) or those the
/// user's scope units reach through the hierarchy and the successions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    User(i64),
}

impl Scope {
    /// The user id that scoped queries bind; `None` means unscoped.
    pub fn user_id(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::User(id) => Some(id),
        }
    }
}

/// A user as the rest of the system sees it (never the password hash).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
}

impl User {
    pub fn scope(&self) -> Scope {
        if self.role.is_unscoped() {
            Scope::All
        } else {
            Scope::User(self.id)
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    disabled: bool,
    must_change_password: bool,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            role: Role::parse("role", &r.role)?,
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
        })
    }
}

/// A user to create; the password is already hashed.
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub scopes: Vec<OrgUnitId>,
    /// Set when someone else chose the password (an administrator).
    pub must_change_password: bool,
}

#[derive(Serialize)]
struct UserAudit<'a> {
    username: &'a str,
    display_name: &'a str,
    role: &'a str,
    scopes: &'a [OrgUnitId],
}

/// Creates a user with its scope. A taken username is a conflict.
pub async fn create_user(db: &Db, author: Author, u: &NewUser) -> Result<i64> {
    let mut tx = db.begin().await?;
    let taken: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM users WHERE username = $1",
        &u.username
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(domain::Reason::UsernameTaken {
            username: u.username.clone(),
        }));
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO users (username, display_name, password_hash, role, must_change_password, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        &u.username,
        &u.display_name,
        &u.password_hash,
        u.role.as_str(),
        u.must_change_password,
        now
    )?;
    for unit in &u.scopes {
        execute!(
            tx,
            "INSERT INTO user_scopes (user_id, org_unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            id,
            *unit
        )?;
    }
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "create",
            entity: "user",
            entity_id: id.to_string(),
            before: None,
            after: Some(&UserAudit {
                username: &u.username,
                display_name: &u.display_name,
                role: u.role.as_str(),
                scopes: &u.scopes,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

const USER_COLS: &str = "id, username, display_name, role, disabled, must_change_password";

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<(User, String)>> {
    #[derive(sqlx::FromRow)]
    struct LoginRow {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let sql = format!("SELECT {USER_COLS}, password_hash FROM users WHERE username = $1");
    let row: Option<LoginRow> = fetch!(db, fetch_optional, LoginRow, &sql, username)?;
    row.map(|r| Ok((User::try_from(r.user)?, r.password_hash)))
        .transpose()
}

/// What a new password took away from the user's other ways in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AccessEnded {
    pub sessions_ended: u64,
    pub tokens_revoked: Vec<RevokedToken>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RevokedToken {
    pub id: i64,
    pub name: String,
}

/// Ends the user's sessions but `keep` and revokes their live API tokens:
/// whoever knew the old password may have made either.
async fn end_access(tx: &mut crate::Tx, user_id: i64, keep: Option<&str>) -> Result<AccessEnded> {
    let sessions_ended = execute!(
        tx,
        "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2",
        user_id,
        keep.unwrap_or("")
    )?;
    let tokens_revoked: Vec<RevokedToken> = fetch!(
        tx,
        fetch_all,
        RevokedToken,
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL
         RETURNING id, name",
        Utc::now(),
        user_id
    )?;
    Ok(AccessEnded {
        sessions_ended,
        tokens_revoked,
    })
}

/// Sets a new password hash; `must_change` forces a change at next login
/// (an administrator's reset). Ends the user's other sessions (all but
/// `keep`, the one making the change) and revokes their API tokens, in the
/// same transaction. The hash never enters the audit record.
pub async fn set_password(
    db: &Db,
    author: Author,
    user_id: i64,
    hash: &str,
    must_change: bool,
    keep: Option<&str>,
) -> Result<AccessEnded> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4",
        hash,
        must_change,
        Utc::now(),
        user_id
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let ended = end_access(&mut tx, user_id, keep).await?;
    let revoked: Vec<i64> = ended.tokens_revoked.iter().map(|t| t.id).collect();
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "password",
            entity: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: Some(&serde_json::json!({
                "must_change_password": must_change,
                "sessions_ended": ended.sessions_ended,
                "tokens_revoked": revoked,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// One user by id.
pub async fn get_user(db: &Db, id: i64) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
    let row: Option<UserRow> = fetch!(db, fetch_optional, UserRow, &sql, id)?;
    row.map(User::try_from).transpose()
}

/// Changes to a user; absent fields stay. A new password hash comes with
/// `must_change_password` (an administrator's reset).
#[derive(Debug, Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub scopes: Option<Vec<OrgUnitId>>,
    pub disabled: Option<bool>,
    pub reset_password_hash: Option<String>,
}

#[derive(Serialize)]
struct UserState {
    display_name: String,
    role: &'static str,
    disabled: bool,
    scopes: Vec<OrgUnitId>,
}

async fn user_state(tx: &mut crate::Tx, id: i64) -> Result<UserState> {
    let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
    let row: Option<UserRow> = fetch!(tx, fetch_optional, UserRow, &sql, id)?;
    let user = User::try_from(row.ok_or(StoreError::NotFound)?)?;
    let scopes: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT org_unit_id FROM user_scopes WHERE user_id = $1 ORDER BY org_unit_id",
        id
    )?;
    Ok(UserState {
        display_name: user.display_name,
        role: user.role.as_str(),
        disabled: user.disabled,
        scopes,
    })
}

/// Applies an administrator's change to a user in one transaction, audited
/// with the state before and after (never a password hash). Disabling ends
/// the sessions; a password reset ends them and revokes the user's tokens
/// (returned). Not [`audit::update`]: the log names a reset as such and
/// keeps what it ended.
pub async fn update_user(db: &Db, author: Author, id: i64, c: &UserChange) -> Result<AccessEnded> {
    let mut tx = db.begin().await?;
    // The row's write lock first, as `audit::update` takes it: two
    // administrators' changes queue, and neither logs the other's as "before".
    execute!(
        tx,
        "UPDATE users SET updated_at = updated_at WHERE id = $1",
        id
    )?;
    let before = user_state(&mut tx, id).await?;
    let now = Utc::now();
    if let Some(name) = &c.display_name {
        execute!(
            tx,
            "UPDATE users SET display_name = $1, updated_at = $2 WHERE id = $3",
            name,
            now,
            id
        )?;
    }
    if let Some(role) = c.role {
        execute!(
            tx,
            "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3",
            role.as_str(),
            now,
            id
        )?;
    }
    if let Some(disabled) = c.disabled {
        execute!(
            tx,
            "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3",
            disabled,
            now,
            id
        )?;
        if disabled {
            execute!(tx, "DELETE FROM sessions WHERE user_id = $1", id)?;
        }
    }
    if let Some(hash) = &c.reset_password_hash {
        execute!(
            tx,
            "UPDATE users SET password_hash = $1, must_change_password = TRUE, updated_at = $2 WHERE id = $3",
            hash,
            now,
            id
        )?;
    }
    let ended = match c.reset_password_hash {
        Some(_) => end_access(&mut tx, id, None).await?,
        None => AccessEnded::default(),
    };
    if let Some(scopes) = &c.scopes {
        execute!(tx, "DELETE FROM user_scopes WHERE user_id = $1", id)?;
        for unit in scopes {
            execute!(
                tx,
                "INSERT INTO user_scopes (user_id, org_unit_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                id,
                *unit
            )?;
        }
    }
    let after = user_state(&mut tx, id).await?;
    let mut after =
        serde_json::to_value(&after).map_err(|e| StoreError::Data(format!("audit: {e}")))?;
    if let (Some(_), Some(fields)) = (&c.reset_password_hash, after.as_object_mut()) {
        let revoked: Vec<i64> = ended.tokens_revoked.iter().map(|t| t.id).collect();
        fields.insert("sessions_ended".into(), ended.sessions_ended.into());
        fields.insert("tokens_revoked".into(), revoked.into());
    }
    audit::record(
        &mut tx,
        Change {
            author,
            action: if c.reset_password_hash.is_some() {
                "reset_password"
            } else {
                "update"
            },
            entity: "user",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

pub async fn list_users(db: &Db) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLS} FROM users ORDER BY username");
    let rows: Vec<UserRow> = fetch!(db, fetch_all, UserRow, &sql)?;
    rows.into_iter().map(User::try_from).collect()
}

/// The units a user is scoped to, with their names.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ScopeUnit {
    pub id: OrgUnitId,
    pub name: String,
    pub level: String,
}

pub async fn scope_units(db: &Db, user_id: i64) -> Result<Vec<ScopeUnit>> {
    Ok(fetch!(
        db,
        fetch_all,
        ScopeUnit,
        "SELECT u.id, u.name, u.level FROM user_scopes s JOIN org_units u ON u.id = s.org_unit_id
         WHERE s.user_id = $1 ORDER BY u.sort_key",
        user_id
    )?)
}

/// How long sessions live: since the last request, and at most in all.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

pub async fn create_session(
    db: &Db,
    user_id: i64,
    id_hash: &str,
    limits: SessionLimits,
    device: &str,
) -> Result<()> {
    let now = Utc::now();
    execute!(
        db,
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, device)
         VALUES ($1, $2, $3, $3, $4, $5)",
        id_hash,
        user_id,
        now,
        now + limits.absolute,
        device
    )?;
    Ok(())
}

/// A signed-in user, and the write their request owes: the idle clock of
/// their session or the last use of their token, due at most once a minute.
/// The caller runs [`touch`] off the request's path: a read must not wait
/// for the write lock that a long write (an import, a rebuild) holds.
#[derive(Debug)]
pub struct Seen {
    pub user: User,
    pub touch: Option<Touch>,
}

/// A session's idle clock or a token's last use, to be written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Touch {
    Session { id_hash: String },
    Token { id: i64, user: i64 },
}

/// Writes a [`Touch`]; a token's use is audited at the same pace (which
/// token acted when, without a write per request).
pub async fn touch(db: &Db, t: &Touch) -> Result<()> {
    let now = Utc::now();
    match t {
        Touch::Session { id_hash } => {
            execute!(
                db,
                "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2",
                now,
                id_hash
            )?;
        }
        Touch::Token { id, user } => {
            execute!(
                db,
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                now,
                *id
            )?;
            audit::record_event::<()>(
                db,
                Author::User(*user),
                "token_use",
                "api_token",
                id.to_string(),
                None,
            )
            .await?;
        }
    }
    Ok(())
}

/// The user of a live session, and the refresh of its idle clock when a
/// minute has passed since the last one.
pub async fn session_user(db: &Db, id_hash: &str, limits: SessionLimits) -> Result<Option<Seen>> {
    #[derive(sqlx::FromRow)]
    struct SessionRow {
        #[sqlx(flatten)]
        user: UserRow,
        last_seen_at: DateTime<Utc>,
    }
    let now = Utc::now();
    let sql = format!(
        "SELECT u.{}, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.disabled",
        USER_COLS.replace(", ", ", u.")
    );
    let row: Option<SessionRow> = fetch!(
        db,
        fetch_optional,
        SessionRow,
        &sql,
        id_hash,
        now,
        now - limits.idle
    )?;
    let Some(r) = row else { return Ok(None) };
    let touch = (now - r.last_seen_at > Duration::minutes(1)).then(|| Touch::Session {
        id_hash: id_hash.to_owned(),
    });
    Ok(Some(Seen {
        user: User::try_from(r.user)?,
        touch,
    }))
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<()> {
    execute!(db, "DELETE FROM sessions WHERE id_hash = $1", id_hash)?;
    Ok(())
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Stores a new token's hash for `user_id`; returns its id.
pub async fn create_token(
    db: &Db,
    author: Author,
    user_id: i64,
    token_hash: &str,
    name: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO api_tokens (user_id, token_hash, name, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        user_id,
        token_hash,
        name,
        Utc::now(),
        expires_at
    )?;
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "create",
            entity: "api_token",
            entity_id: id.to_string(),
            before: None,
            after: Some(
                &serde_json::json!({ "user_id": user_id, "name": name, "expires_at": expires_at }),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn revoke_token(db: &Db, author: Author, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        Utc::now(),
        id
    )?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Change::<(), ()> {
            author,
            action: "revoke",
            entity: "api_token",
            entity_id: id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list_tokens(db: &Db) -> Result<Vec<TokenInfo>> {
    Ok(fetch!(
        db,
        fetch_all,
        TokenInfo,
        "SELECT t.id, u.username, t.name, t.created_at, t.expires_at, t.revoked_at, t.last_used_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id"
    )?)
}

/// The user of a live token (not revoked, not expired, user enabled). Notes
/// the use at most once a minute.
pub async fn token_user(db: &Db, token_hash: &str) -> Result<Option<Seen>> {
    #[derive(sqlx::FromRow)]
    struct TokenRow {
        #[sqlx(flatten)]
        user: UserRow,
        token_id: i64,
        last_used_at: Option<DateTime<Utc>>,
    }
    let now = Utc::now();
    let sql = format!(
        "SELECT u.{}, t.id AS token_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
           AND NOT u.disabled",
        USER_COLS.replace(", ", ", u.")
    );
    let row: Option<TokenRow> = fetch!(db, fetch_optional, TokenRow, &sql, token_hash, now)?;
    let Some(r) = row else { return Ok(None) };
    let user = User::try_from(r.user)?;
    let touch = r
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
        .then_some(Touch::Token {
            id: r.token_id,
            user: user.id,
        });
    Ok(Some(Seen { user, touch }))
}

/// A login attempt that may go on: counted as a failure already (so that
/// concurrent attempts see it), to be settled when it succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// This attempt is the one that locked the name.
    pub locks: bool,
}

/// Reserves a login attempt before the password is checked: with the
/// gate open, both counters go up at once, and the caller then checks the
/// password; otherwise the gate comes back and nothing is counted.
///
/// Reading the counters and raising them is one step for every server:
/// the first statement touches both rows, which takes their row locks on
/// PostgreSQL and the write lock on SQLite, so concurrent attempts on any
/// server read the counts one after another. (Read before hashing and
/// written after, 150 parallel guesses were each checked in full.)
pub async fn reserve_login_attempt(
    db: &Db,
    user_key: &str,
    addr_key: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Attempt, LoginGate>> {
    #[derive(sqlx::FromRow)]
    struct Failures {
        failures: i64,
        last_failure: DateTime<Utc>,
        locked_until: Option<DateTime<Utc>>,
    }
    let mut tx = db.begin().await?;
    let mut counts = Vec::with_capacity(2);
    for key in [user_key, addr_key] {
        let row: Failures = fetch!(
            tx,
            fetch_one,
            Failures,
            "INSERT INTO login_failures (key, failures, last_failure) VALUES ($1, 0, $2)
             ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures
             RETURNING failures, last_failure, locked_until",
            key,
            now
        )?;
        counts.push(row);
    }
    let (Some(user), Some(addr)) = (counts.first(), counts.get(1)) else {
        return Err(StoreError::Data("login_failures".into()));
    };
    let gate = domain::accounts::login_gate(
        user.failures,
        Some(user.last_failure),
        user.locked_until,
        now,
    )
    .stricter(domain::accounts::address_gate(
        addr.failures,
        Some(addr.last_failure),
        now,
    ));
    if gate != LoginGate::Open {
        tx.rollback().await?;
        return Ok(Err(gate));
    }
    let locks = user.failures + 1 >= domain::accounts::LOCK_AFTER_FAILURES;
    let locked_until = locks.then(|| now + Duration::seconds(domain::accounts::LOCK_SECONDS));
    execute!(
        tx,
        "UPDATE login_failures SET failures = CASE WHEN $1 THEN 0 ELSE failures + 1 END,
             last_failure = $2, locked_until = COALESCE($3, locked_until)
         WHERE key = $4",
        locks,
        now,
        locked_until,
        user_key
    )?;
    execute!(
        tx,
        "UPDATE login_failures SET failures = failures + 1, last_failure = $1 WHERE key = $2",
        now,
        addr_key
    )?;
    tx.commit().await?;
    Ok(Ok(Attempt { locks }))
}

/// The attempt turned out not to be a guess (the password was right and
/// only the second factor's code is still to come): it is taken back from
/// both counts, without clearing the failures before it. (Clearing them
/// would let someone who knows the password alternate it with guessed
/// codes for ever.)
pub async fn release_login_attempt(
    db: &Db,
    user_key: &str,
    addr_key: &str,
    attempt: Attempt,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if attempt.locks {
        execute!(
            tx,
            "UPDATE login_failures SET failures = $1, locked_until = NULL WHERE key = $2",
            domain::accounts::LOCK_AFTER_FAILURES - 1,
            user_key
        )?;
    } else {
        take_back(&mut tx, user_key).await?;
    }
    take_back(&mut tx, addr_key).await?;
    tx.commit().await?;
    Ok(())
}

/// One attempt fewer on `key`'s count.
async fn take_back(tx: &mut crate::Tx, key: &str) -> Result<()> {
    execute!(
        tx,
        "UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0",
        key
    )?;
    Ok(())
}

/// The password (and second factor) were right: the name's failures and
/// lock are forgotten, and the address's count loses this attempt.
pub async fn settle_login_success(db: &Db, user_key: &str, addr_key: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    execute!(tx, "DELETE FROM login_failures WHERE key = $1", user_key)?;
    take_back(&mut tx, addr_key).await?;
    tx.commit().await?;
    Ok(())
}

/// A session as its owner sees it; `id` is the stored hash (not usable as
/// a cookie).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SessionInfo {
    pub id: String,
    /// "Chrome · Android" (`domain::accounts::device_of`); none for
    /// sessions opened before it was kept.
    pub device: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A user's live sessions, newest first.
pub async fn list_sessions(
    db: &Db,
    user_id: i64,
    limits: SessionLimits,
) -> Result<Vec<SessionInfo>> {
    let now = Utc::now();
    Ok(fetch!(
        db,
        fetch_all,
        SessionInfo,
        "SELECT id_hash AS id, device, created_at, last_seen_at, expires_at FROM sessions
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY created_at DESC",
        user_id,
        now,
        now - limits.idle
    )?)
}

/// Ends one of the user's own sessions; false if it is not theirs.
pub async fn end_session(db: &Db, user_id: i64, id_hash: &str) -> Result<bool> {
    Ok(execute!(
        db,
        "DELETE FROM sessions WHERE user_id = $1 AND id_hash = $2",
        user_id,
        id_hash
    )? == 1)
}

/// Ends every session of the user but `keep`.
pub async fn end_other_sessions(db: &Db, user_id: i64, keep: &str) -> Result<u64> {
    Ok(execute!(
        db,
        "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2",
        user_id,
        keep
    )?)
}

/// The stored password hash of a user (to check the current password).
pub async fn password_hash(db: &Db, user_id: i64) -> Result<String> {
    fetch!(db, fetch_optional, scalar String, "SELECT password_hash FROM users WHERE id = $1", user_id)?
        .ok_or(StoreError::NotFound)
}

/// Drops sessions past their limits (run now and then by the server).
pub async fn purge_sessions(db: &Db, limits: SessionLimits) -> Result<u64> {
    let now = Utc::now();
    // Failure counters a day old, and not holding a lock, are forgotten.
    execute!(
        db,
        "DELETE FROM login_failures WHERE last_failure <= $1 AND (locked_until IS NULL OR locked_until <= $2)",
        now - Duration::days(1),
        now
    )?;
    Ok(execute!(
        db,
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        now,
        now - limits.idle
    )?)
}

// ---- second factor ---------------------------------------------------------

/// A user's second-factor state.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct TwoFactor {
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_last_step: Option<i64>,
}

impl TwoFactor {
    pub fn enabled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

pub async fn two_factor(db: &Db, user_id: i64) -> Result<TwoFactor> {
    fetch!(
        db,
        fetch_optional,
        TwoFactor,
        "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1",
        user_id
    )?
    .ok_or(StoreError::NotFound)
}

/// Keeps a new secret until a first code confirms it.
pub async fn set_totp_pending(db: &Db, user_id: i64, secret: &str) -> Result<()> {
    execute!(
        db,
        "UPDATE users SET totp_pending = $1 WHERE id = $2",
        secret,
        user_id
    )?;
    Ok(())
}

/// Turns the pending secret on, with its recovery codes (hashed) and the
/// step of the confirming code.
pub async fn enable_totp(
    db: &Db,
    author: Author,
    user_id: i64,
    step: i64,
    code_hashes: &[String],
) -> Result<()> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1
         WHERE id = $2 AND totp_pending IS NOT NULL",
        step,
        user_id
    )?;
    if n == 0 {
        return Err(StoreError::Conflict(domain::Reason::TwoFactorNotStarted));
    }
    execute!(tx, "DELETE FROM recovery_codes WHERE user_id = $1", user_id)?;
    for h in code_hashes {
        execute!(
            tx,
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
            user_id,
            h
        )?;
    }
    audit::record(
        &mut tx,
        Change::<(), ()> {
            author,
            action: "enable_2fa",
            entity: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

pub async fn disable_totp(db: &Db, author: Author, user_id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = $1",
        user_id
    )?;
    execute!(tx, "DELETE FROM recovery_codes WHERE user_id = $1", user_id)?;
    audit::record(
        &mut tx,
        Change::<(), ()> {
            author,
            action: "disable_2fa",
            entity: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

/// Records that the code of `step` was used; false if it (or a later one)
/// already was, so a code cannot be replayed, even by two servers at once.
pub async fn use_totp_step(db: &Db, user_id: i64, step: i64) -> Result<bool> {
    Ok(execute!(
        db,
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        step,
        user_id
    )? == 1)
}

/// Spends a recovery code; false if it is unknown or spent.
pub async fn use_recovery_code(db: &Db, user_id: i64, code_hash: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        Utc::now(),
        user_id,
        code_hash
    )?;
    if n == 1 {
        audit::record(
            &mut tx,
            Change::<(), ()> {
                author: Author::User(user_id),
                action: "use_recovery_code",
                entity: "user",
                entity_id: user_id.to_string(),
                before: None,
                after: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n == 1)
}
