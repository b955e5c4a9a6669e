//! The writes a signed-in request owes (a session's idle clock, a token's
//! last use), run beside the request instead of inside it. Each is due at
//! most once a minute, but it needs the write lock: inside the request, a
//! reader whose touch fell due during a long write (a 100,000-row import,
//! a rollup rebuild) waited for the lock and then failed with 503
//! (`crates/web/benches/statistics.rs` reads during a rebuild).
//!
//! A touch already on its way is not started again, and at most
//! [`MAX_AT_ONCE`] wait at once, so that touches stuck behind a long write
//! never take the connections readers need; one skipped is simply due
//! again on the next request.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use store::accounts::{self, Touch};
use store::Db;

/// Touches waiting at once (the SQLite pool has 8 connections).
pub const MAX_AT_ONCE: usize = 2;

#[derive(Default)]
pub struct Touches {
    running: Mutex<HashSet<Touch>>,
}

impl Touches {
    /// Starts writing `touch` in the background unless it is running
    /// already or too many are.
    pub fn start(self: &Arc<Self>, db: &Db, touch: Touch) {
        {
            let Ok(mut running) = self.running.lock() else {
                return;
            };
            if running.len() >= MAX_AT_ONCE || !running.insert(touch.clone()) {
                return;
            }
        }
        let (db, this) = (db.clone(), Arc::clone(self));
        tokio::spawn(async move {
            if let Err(e) = accounts::touch(&db, &touch).await {
                tracing::warn!(error = %e, "session or token use not noted; due again on the next request");
            }
            if let Ok(mut running) = this.running.lock() {
                running.remove(&touch);
            }
        });
    }
}
