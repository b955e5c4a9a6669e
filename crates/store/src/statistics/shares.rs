//! How a split legacy unit's figures are divided among its successors in
//! the "as it is now" view (`unit_shares`). Setting them moves the unit's
//! figures in the rollups in the same transaction.

use domain::statistics::Shares;
use serde::Serialize;

use super::{record, rollups};
use crate::audit::Author;
use crate::error::Result;
use crate::{Db, Tx};

/// One successor of a unit with its configured share (None: not set).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SuccessorShare {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
    pub share: Option<f64>,
}

/// The successors of `unit` with their shares, default first.
pub async fn of(db: &Db, unit: i64) -> Result<Vec<SuccessorShare>> {
    let mut tx = db.begin_read().await?;
    let rows = successors(&mut tx, unit).await?;
    tx.rollback().await?;
    Ok(rows)
}

async fn successors(tx: &mut Tx, unit: i64) -> Result<Vec<SuccessorShare>> {
    Ok(fetch!(
        tx,
        fetch_all,
        SuccessorShare,
        "SELECT u.id, u.name, s.is_default, us.share FROM org_unit_successors s
         JOIN org_units u ON u.id = s.to_id
         LEFT JOIN unit_shares us ON us.from_id = s.from_id AND us.to_id = s.to_id
         WHERE s.from_id = $1 ORDER BY s.is_default DESC, u.sort_key, u.id",
        unit
    )?)
}

/// Replaces the shares of `unit` (empty: the default successor takes all)
/// and moves its figures, and those of the units below it, to match.
/// `check` turns raw input into shares against the unit's successors.
pub async fn set(
    db: &Db,
    author: Author,
    unit: i64,
    check: impl FnOnce(&[i64]) -> std::result::Result<Shares, domain::DomainError>,
) -> Result<Vec<SuccessorShare>> {
    let mut tx = db.begin().await?;
    let before = successors(&mut tx, unit).await?;
    let ids: Vec<i64> = before.iter().map(|s| s.id).collect();
    let shares = check(&ids)?;
    execute!(tx, "DELETE FROM unit_shares WHERE from_id = $1", unit)?;
    for (to, share) in shares.items() {
        execute!(
            tx,
            "INSERT INTO unit_shares (from_id, to_id, share) VALUES ($1, $2, $3)",
            unit,
            *to,
            *share
        )?;
    }
    rollups::rehome_under(&mut tx, &[unit]).await?;
    let after = successors(&mut tx, unit).await?;
    record(
        &mut tx,
        author,
        "update",
        "unit_shares",
        unit,
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
