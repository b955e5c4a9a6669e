//! Which shipped data files a database has loaded (`reference_data`: a
//! name and the SHA-256 of what was loaded), so that a start with the
//! same files does nothing and a newer file is recognised.

use chrono::Utc;
use serde::Serialize;

use crate::audit::{self, Author, Change};
use crate::error::Result;
use crate::Tx;

/// What applying a shipped catalogue did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
    pub unchanged: usize,
    /// Entries left as they are because people changed them here (or added
    /// one of that code, or the change would strand figures): the catalogue
    /// does not overwrite people's work. Model types by code; statistics as
    /// `indicator:code`, `data_set:code`, `rule:data_set:expression`.
    pub kept: Vec<String>,
}

/// The digest recorded for `name`, if it was ever loaded.
pub(crate) async fn digest(tx: &mut Tx, name: &str) -> Result<Option<String>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        scalar String,
        "SELECT digest FROM reference_data WHERE name = $1",
        name
    )?)
}

/// Records that `name` is now loaded at `digest`, and says so in the audit
/// log (`action` on `entity_id`, with what the load did).
pub(crate) async fn mark_loaded(
    tx: &mut Tx,
    name: &str,
    digest: &str,
    action: &str,
    entity_id: String,
    what: &impl Serialize,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO reference_data (name, digest, loaded_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, loaded_at = excluded.loaded_at",
        name,
        digest,
        Utc::now()
    )?;
    audit::record(
        tx,
        Change::<(), _> {
            author: Author::System,
            action,
            entity: "reference_data",
            entity_id,
            before: None,
            after: Some(what),
        },
    )
    .await
}

/// Whether a person created or changed the entry `entity` `id` here (its
/// audit records by a user), as against a shipped catalogue's own writes:
/// a catalogue applied again leaves such entries as people left them.
pub(crate) async fn changed_by_people(tx: &mut Tx, entity: &str, id: i64) -> Result<bool> {
    let n: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM audit_log
         WHERE entity = $1 AND entity_id = $2 AND user_id IS NOT NULL
           AND action IN ('create', 'update')",
        entity,
        id.to_string()
    )?;
    Ok(n > 0)
}
