//! A PostgreSQL read replica (`--read-database-url`, issue 24): pivots,
//! lists and exports read from it, writes and sessions stay on the
//! primary.
//!
//! Two rules decide where a read goes ([`Replica::serves`]):
//!
//! - **The replica must be close behind.** Every server watches it
//!   ([`watch`]): four times a second it reads the primary's WAL position
//!   and the replica's replayed one. The replica serves while it answers
//!   within a second and has replayed what the primary had written
//!   [`MAX_LAG`] ago; otherwise every read goes to the primary until it
//!   catches up. A replica that stops or falls behind costs the primary
//!   its reads, never a wrong or failed answer beyond the requests of the
//!   moment it failed.
//! - **A user sees their own writes.** After a write that succeeded the
//!   answer carries the primary's WAL position, as the cookie
//!   `binhyen_wrote` (browsers) and the header `Binhyen-Wrote` (API
//!   clients send it back to read their own writes). A read that brings a
//!   position the replica has not replayed yet goes to the primary. The
//!   position is no secret: a client that changes it only sends its own
//!   reads to the primary or to a replica a few seconds behind.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use store::Db;

use crate::AppState;

/// How far behind the primary the replica may be and still serve.
pub const MAX_LAG: Duration = Duration::from_secs(5);

/// How often each server looks at the replica.
pub const WATCH_EVERY: Duration = Duration::from_millis(250);

pub const WROTE_COOKIE: &str = "binhyen_wrote";
pub const WROTE_HEADER: &str = "binhyen-wrote";

/// The replica, what the last look at it found, and the reads it took.
pub struct Replica {
    db: Db,
    lag: Lag,
    /// Reads served by the replica and by the primary (for `/metrics`).
    pub reads: [AtomicU64; 2],
}

impl Replica {
    pub fn new(db: Db) -> Arc<Replica> {
        Arc::new(Replica {
            db,
            lag: Lag::default(),
            reads: [AtomicU64::new(0), AtomicU64::new(0)],
        })
    }
}

impl Replica {
    /// The `/metrics` lines: reads each database served, and whether the
    /// replica serves now.
    pub fn render(&self, out: &mut String) {
        use std::fmt::Write;
        out.push_str("# HELP binhyen_reads_total Reads of pivots, lists and exports by the database that served them.\n");
        out.push_str("# TYPE binhyen_reads_total counter\n");
        for (i, name) in ["replica", "primary"].iter().enumerate() {
            let n = self.reads.get(i).map_or(0, |c| c.load(Ordering::Relaxed));
            let _ = writeln!(out, "binhyen_reads_total{{database=\"{name}\"}} {n}");
        }
        out.push_str("# HELP binhyen_replica_serving Whether the read replica serves reads now (1) or is away or behind (0).\n");
        out.push_str("# TYPE binhyen_replica_serving gauge\n");
        let serving = u8::from(self.lag.usable.load(Ordering::Relaxed));
        let _ = writeln!(out, "binhyen_replica_serving {serving}");
    }
}

/// How far the replica is behind, from the looks at it.
#[derive(Default)]
struct Lag {
    /// The WAL position the replica had replayed at the last look.
    replayed: AtomicU64,
    /// Whether it answered and was within [`MAX_LAG`] at the last look.
    usable: AtomicBool,
    /// The primary's positions of the last [`MAX_LAG`] and a little more.
    written: Mutex<VecDeque<(Instant, u64)>>,
}

impl Lag {
    /// Whether the replica serves a read that has seen the primary at
    /// `wrote` (none: the reader wrote nothing lately).
    pub fn serves(&self, wrote: Option<u64>) -> bool {
        self.usable.load(Ordering::Relaxed)
            && wrote.is_none_or(|w| self.replayed.load(Ordering::Relaxed) >= w)
    }

    /// Takes in one look: the primary's position now, and the replica's
    /// replayed one (none: it did not answer).
    fn look(&self, now: Instant, primary: u64, replayed: Option<u64>) {
        let Ok(mut written) = self.written.lock() else {
            return;
        };
        written.push_back((now, primary));
        // Keep the newest sample at least MAX_LAG old, and what is newer.
        while written
            .get(1)
            .is_some_and(|(at, _)| now.duration_since(*at) >= MAX_LAG)
        {
            written.pop_front();
        }
        let Some(replayed) = replayed else {
            self.usable.store(false, Ordering::Relaxed);
            return;
        };
        self.replayed.store(replayed, Ordering::Relaxed);
        // What the primary had written MAX_LAG ago (or at the oldest look
        // kept, when the server started later than that).
        let due = written.front().map_or(0, |(_, lsn)| *lsn);
        self.usable.store(replayed >= due, Ordering::Relaxed);
    }
}

/// A WAL position as PostgreSQL prints it (`16/B374D848`).
pub fn parse_lsn(s: &str) -> Option<u64> {
    let (hi, lo) = s.split_once('/')?;
    let part = |p: &str| {
        (!p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(p, 16).ok())
            .flatten()
    };
    Some((u64::from(part(hi)?) << 32) | u64::from(part(lo)?))
}

pub fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

async fn lsn(db: &Db, sql: &str) -> Option<u64> {
    let text = tokio::time::timeout(Duration::from_secs(1), db.scalar_text(sql))
        .await
        .ok()?
        .ok()
        .flatten()?;
    parse_lsn(&text)
}

/// Looks at the replica every [`WATCH_EVERY`] until the process ends.
pub async fn watch(state: AppState) {
    let Some(replica) = state.replica.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(WATCH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut was_usable = None;
    loop {
        tick.tick().await;
        let Some(primary) = lsn(&state.db, "SELECT pg_current_wal_lsn()::text").await else {
            continue;
        };
        let replayed = lsn(&replica.db, "SELECT pg_last_wal_replay_lsn()::text").await;
        replica.lag.look(Instant::now(), primary, replayed);
        let usable = replica.lag.usable.load(Ordering::Relaxed);
        if was_usable != Some(usable) {
            if usable {
                tracing::info!("replica: serving reads");
            } else {
                tracing::warn!(
                    answered = replayed.is_some(),
                    "replica: away or behind; reads go to the primary"
                );
            }
            was_usable = Some(usable);
        }
    }
}

/// The database a handler reads pivots, lists and exports from.
pub struct Reads(pub Db);

impl FromRequestParts<AppState> for Reads {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(replica) = &state.replica else {
            return Ok(Reads(state.db.clone()));
        };
        if replica.lag.serves(wrote(&parts.headers)) {
            replica.reads[0].fetch_add(1, Ordering::Relaxed);
            Ok(Reads(replica.db.clone()))
        } else {
            replica.reads[1].fetch_add(1, Ordering::Relaxed);
            Ok(Reads(state.db.clone()))
        }
    }
}

/// The position a reader has seen the primary at: the header, else the
/// cookie; the later of the two when both come.
fn wrote(headers: &HeaderMap) -> Option<u64> {
    let header = headers
        .get(WROTE_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_lsn);
    let cookie = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(WROTE_COOKIE)?.strip_prefix('='))
        .filter_map(parse_lsn)
        .max();
    header.max(cookie)
}

/// After a write that succeeded, tells the client where the primary is,
/// so that its next reads wait for the replica to be there.
pub async fn mark_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut res = next.run(req).await;
    if !writes
        || state.replica.is_none()
        || !(res.status().is_success() || res.status().is_redirection())
    {
        return res;
    }
    let Some(at) = lsn(&state.db, "SELECT pg_current_wal_lsn()::text").await else {
        return res;
    };
    let at = format_lsn(at);
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    // Long enough for any replica within MAX_LAG; the cookie only steers reads.
    let cookie = format!("{WROTE_COOKIE}={at}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax{secure}");
    if let (Ok(h), Ok(c)) = (HeaderValue::from_str(&at), HeaderValue::from_str(&cookie)) {
        res.headers_mut().insert(WROTE_HEADER, h);
        res.headers_mut().append(SET_COOKIE, c);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_back_and_bad_ones_are_refused() {
        for s in ["0/0", "16/B374D848", "FFFFFFFF/FFFFFFFF"] {
            assert_eq!(parse_lsn(s).map(format_lsn).as_deref(), Some(s));
        }
        assert_eq!(parse_lsn("1/0"), Some(1 << 32));
        for bad in [
            "",
            "/",
            "1/",
            "/1",
            "1/2/3",
            "G/1",
            "123456789/1",
            " 1/1",
            "1/-1",
            "1/+1",
        ] {
            assert_eq!(parse_lsn(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_later_of_header_and_cookies_counts() {
        let mut h = HeaderMap::new();
        assert_eq!(wrote(&h), None);
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; binhyen_wrote=0/20; b=2"),
        );
        assert_eq!(wrote(&h), Some(0x20));
        h.insert(WROTE_HEADER, HeaderValue::from_static("0/10"));
        assert_eq!(wrote(&h), Some(0x20));
        h.insert(WROTE_HEADER, HeaderValue::from_static("0/30"));
        assert_eq!(wrote(&h), Some(0x30));
        h.insert(WROTE_HEADER, HeaderValue::from_static("nonsense"));
        h.insert(
            COOKIE,
            HeaderValue::from_static("binhyen_wrote_x=0/99; binhyen_wrote=bad"),
        );
        assert_eq!(wrote(&h), None);
    }

    #[test]
    fn the_replica_serves_when_close_behind_and_past_the_readers_writes() {
        let r = Lag::default();
        let t0 = Instant::now();
        // Not looked at yet: the primary serves.
        assert!(!r.serves(None));
        r.look(t0, 100, Some(100));
        assert!(r.serves(None));
        assert!(r.serves(Some(100)));
        assert!(
            !r.serves(Some(101)),
            "a reader's own write not replayed yet"
        );
        // The primary moves on; the replica stays: fine within MAX_LAG …
        r.look(t0 + Duration::from_secs(1), 500, Some(100));
        r.look(t0 + Duration::from_secs(4), 900, Some(100));
        assert!(r.serves(None));
        // … not once what the primary wrote MAX_LAG ago is still missing.
        r.look(t0 + Duration::from_secs(7), 900, Some(100));
        assert!(!r.serves(None));
        // Caught up to that, it serves again.
        r.look(t0 + Duration::from_secs(8), 900, Some(600));
        assert!(r.serves(None));
        // Away: the primary serves.
        r.look(t0 + Duration::from_secs(9), 900, None);
        assert!(!r.serves(None));
    }
}
