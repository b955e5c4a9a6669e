//! A document's files: the scan or the signed PDF, a DOCX draft …, kept
//! in the database (so a backup holds them and no path is ever served),
//! with the words of their text for search where the format allows.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{read_tx, record, search, writable_tx};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::{Db, Tx};

/// A file as a document's page lists it (its content is fetched apart).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub document_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Whether its text was read for search (not for scans).
    pub searchable: bool,
    pub created_at: DateTime<Utc>,
}

const SELECT_FILE: &str = "SELECT id, document_id, name, content_type, size, sha256,
        text IS NOT NULL AS searchable, created_at FROM document_files";

pub(crate) async fn list_tx(tx: &mut Tx, document: i64) -> Result<Vec<FileRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        FileRow,
        &format!("{SELECT_FILE} WHERE document_id = $1 ORDER BY id"),
        document
    )?)
}

/// A checked file to attach: its kind read from its content, its digest,
/// and the words of its text (`None` when the format has none).
pub struct NewFile<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub text: Option<String>,
}

/// Attaches a file and re-indexes the document with its text.
pub async fn add(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    f: &NewFile<'_>,
) -> Result<FileRow> {
    let mut tx = db.begin().await?;
    writable_tx(&mut tx, scope, id).await?;
    let fid: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO document_files (document_id, name, content_type, size, sha256, content, text,
            user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        id,
        f.name,
        f.content_type,
        i64::try_from(f.content.len()).unwrap_or(i64::MAX),
        f.sha256,
        f.content,
        f.text.as_deref(),
        author.user_id(),
        Utc::now()
    )?;
    recount(&mut tx, id).await?;
    search::refresh(&mut tx, id).await?;
    let row = fetch!(
        tx,
        fetch_one,
        FileRow,
        &format!("{SELECT_FILE} WHERE id = $1"),
        fid
    )?;
    record(&mut tx, author, "attach", "document", id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Removes a file (its record stays in the audit log, without content).
pub async fn remove(db: &Db, author: Author, scope: Scope, id: i64, fid: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    writable_tx(&mut tx, scope, id).await?;
    let row: FileRow = fetch!(
        tx,
        fetch_optional,
        FileRow,
        &format!("{SELECT_FILE} WHERE id = $1 AND document_id = $2"),
        fid,
        id
    )?
    .ok_or(StoreError::NotFound)?;
    execute!(tx, "DELETE FROM document_files WHERE id = $1", fid)?;
    recount(&mut tx, id).await?;
    search::refresh(&mut tx, id).await?;
    record(&mut tx, author, "detach", "document", id, &row).await?;
    tx.commit().await?;
    Ok(())
}

async fn recount(tx: &mut Tx, id: i64) -> Result<()> {
    execute!(
        tx,
        "UPDATE documents SET files = (SELECT COUNT(*) FROM document_files WHERE document_id = $1),
            updated_at = $2 WHERE id = $1",
        id,
        Utc::now()
    )?;
    Ok(())
}

/// A file's name, type and content, if its document is visible.
pub async fn content(
    db: &Db,
    scope: Scope,
    id: i64,
    fid: i64,
) -> Result<Option<(String, String, Vec<u8>)>> {
    let mut tx = db.begin_read().await?;
    match read_tx(&mut tx, scope, id).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    }
    #[derive(sqlx::FromRow)]
    struct File {
        name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let f: Option<File> = fetch!(
        tx,
        fetch_optional,
        File,
        "SELECT name, content_type, content FROM document_files WHERE id = $1 AND document_id = $2",
        fid,
        id
    )?;
    tx.rollback().await?;
    Ok(f.map(|f| (f.name, f.content_type, f.content)))
}
