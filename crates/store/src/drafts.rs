//! Files kept between the preview of an import and its confirmation
//! (`import_drafts`): a page without JavaScript uploads a file once, sees
//! what it would do, and confirms by the draft's id. A user keeps a few
//! drafts per register (two tabs, two files), the newest
//! [`KEPT_PER_USER`]; drafts older than a day are dropped.

use chrono::{Duration, Utc};

use crate::error::Result;
use crate::Db;

/// How long a draft waits for its confirmation.
pub const KEPT_FOR: Duration = Duration::days(1);

/// Drafts a user keeps per register: older ones are dropped.
pub const KEPT_PER_USER: i64 = 5;

/// A kept file and the options it was uploaded with (whose catalogue, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub bytes: Vec<u8>,
    pub options: String,
}

/// Keeps `bytes` for `user`'s import into `register` (dropping their
/// oldest drafts past [`KEPT_PER_USER`], and everyone's older than a day);
/// answers the draft's id (256 random bits).
pub async fn keep(
    db: &Db,
    user: i64,
    register: &str,
    options: &str,
    bytes: &[u8],
) -> Result<String> {
    let id = domain::accounts::new_secret();
    let now = Utc::now();
    let mut tx = db.begin().await?;
    execute!(
        tx,
        "DELETE FROM import_drafts WHERE created_at < $1
            OR id IN (SELECT id FROM import_drafts WHERE user_id = $2 AND register = $3
                      ORDER BY created_at DESC, id LIMIT 1000000 OFFSET $4)",
        now - KEPT_FOR,
        user,
        register,
        KEPT_PER_USER - 1
    )?;
    execute!(
        tx,
        "INSERT INTO import_drafts (id, user_id, register, options, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &id,
        user,
        register,
        options,
        bytes,
        now
    )?;
    tx.commit().await?;
    Ok(id)
}

/// `user`'s draft `id` for `register`, if it is still kept.
pub async fn get(db: &Db, id: &str, user: i64, register: &str) -> Result<Option<Draft>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        bytes: Vec<u8>,
        options: String,
    }
    let row: Option<Row> = fetch!(
        db,
        fetch_optional,
        Row,
        "SELECT bytes, options FROM import_drafts
         WHERE id = $1 AND user_id = $2 AND register = $3 AND created_at >= $4",
        id,
        user,
        register,
        Utc::now() - KEPT_FOR
    )?;
    Ok(row.map(|r| Draft {
        bytes: r.bytes,
        options: r.options,
    }))
}

/// Drops a draft once its import is written.
pub async fn discard(db: &Db, id: &str) -> Result<()> {
    execute!(db, "DELETE FROM import_drafts WHERE id = $1", id)?;
    Ok(())
}
