//! Directives at national size for `web/benches/leadership.rs`
//! (docs/benchmarks.md, "Directives"): the directives themselves go in
//! through `store::directives::create` (the path the API takes, audited);
//! this spreads their owners over every state at once, as a year of
//! reports would have left them, without a report each.

use crate::{Db, StoreError};

/// Sets every owner's state from its ids: two in five done, one in
/// progress, one blocked (with a reason), one not started; how many.
pub async fn spread_states(db: &Db) -> Result<u64, StoreError> {
    let mut tx = db.begin().await?;
    let n = execute!(
        tx,
        "UPDATE task_owners
            SET state = CASE (task_id * 7 + org_unit_id) % 5
                          WHEN 0 THEN 'done' WHEN 1 THEN 'done' WHEN 2 THEN 'in_progress'
                          WHEN 3 THEN 'blocked' ELSE 'not_started' END,
                reason = CASE (task_id * 7 + org_unit_id) % 5
                          WHEN 3 THEN 'Thiếu kinh phí' ELSE NULL END"
    )?;
    tx.commit().await?;
    Ok(n)
}
