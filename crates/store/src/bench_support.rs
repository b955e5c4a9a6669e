//! The baseline of the load benchmark: rows into a bare table.

use crate::{execute_dyn, placeholders, Arg, Db, StoreError};

/// Inserts `rows` into a fresh table with no index, in one transaction and
/// in the same chunks the real loader uses.
pub async fn plain_insert(db: &Db, rows: &[String]) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    execute!(tx, "CREATE TABLE bench_plain (id BIGINT, line TEXT)")?;
    for (n, chunk) in rows.chunks(400).enumerate() {
        let mut args = Vec::with_capacity(chunk.len() * 2);
        for (i, r) in chunk.iter().enumerate() {
            args.push(Arg::I64(Some((n * 400 + i) as i64)));
            args.push(Arg::Text(Some(r.clone())));
        }
        let sql = format!(
            "INSERT INTO bench_plain (id, line) VALUES {}",
            placeholders(chunk.len(), 2)
        );
        execute_dyn(&mut tx, &sql, args).await?;
    }
    execute!(tx, "DROP TABLE bench_plain")?;
    tx.commit().await?;
    Ok(())
}
