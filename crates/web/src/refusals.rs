//! Refusals in the audit log, coalesced: the first refusal of a user on a
//! route in a minute is written at once; the repeats of that minute are
//! counted in memory and written as one record with their number. A client
//! looping on a forbidden route otherwise appended a record (and took the
//! audit chain's lock) per request, queueing every other writer behind it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use serde_json::json;
use store::audit::{self, Author};

use crate::AppState;

/// How long repeats are gathered into one record.
pub const WINDOW: Duration = Duration::from_secs(60);
/// Keys held at once; past it, refusals are written one by one (correct,
/// only slower) rather than growing memory without end.
const MAX_KEYS: usize = 10_000;

/// Who was refused, why (`route`, `csrf`, `two_factor_required`,
/// `password_change_required`) and where (`METHOD /route/{pattern}`).
type Key = (Option<i64>, &'static str, String);

struct Window {
    opened: Instant,
    repeats: u64,
}

#[derive(Default)]
pub struct Refusals {
    open: Mutex<HashMap<Key, Window>>,
}

impl Refusals {
    /// True when this refusal opens a window and is to be written now.
    fn first_of_window(&self, key: &Key, now: Instant) -> bool {
        let Ok(mut open) = self.open.lock() else {
            return true;
        };
        let full = open.len() >= MAX_KEYS;
        match open.get_mut(key) {
            // Within the minute, or after it with repeats the flush has
            // not written yet: counted, written with them.
            Some(w) if w.repeats > 0 || now.duration_since(w.opened) < WINDOW => {
                w.repeats += 1;
                false
            }
            Some(w) => {
                w.opened = now;
                true
            }
            None if full => true,
            None => {
                let window = Window {
                    opened: now,
                    repeats: 0,
                };
                open.insert(key.clone(), window);
                true
            }
        }
    }

    /// The repeats of windows that ended (all of them with `all`), taken
    /// out to be written.
    fn take_due(&self, now: Instant, all: bool) -> Vec<(Key, u64)> {
        let Ok(mut open) = self.open.lock() else {
            return Vec::new();
        };
        let mut due = Vec::new();
        open.retain(|key, w| {
            let ended = all || now.duration_since(w.opened) >= WINDOW;
            if ended && w.repeats > 0 {
                due.push((key.clone(), w.repeats));
            }
            !ended
        });
        due
    }
}

/// `METHOD /pattern` of a request, as the audit log names a route. Both
/// come from closed sets (the router's patterns, known methods): a path
/// that matched no route is `unmatched` and an invented method `other`,
/// so that a client varying them cannot make a record per request.
pub fn route_of(req: &Request) -> String {
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let method = crate::metrics::method_label(req.method().as_str());
    format!("{method} {pattern}")
}

/// Audits a refusal: written now if it is the first of its minute,
/// counted for the minute's record otherwise.
pub async fn note(state: &AppState, user: Option<i64>, why: &'static str, route: String) {
    let key = (user, why, route);
    if !state.refusals.first_of_window(&key, Instant::now()) {
        return;
    }
    write(state, &key, 1).await;
}

/// Writes the held repeats (see [`AppState::flush_refusals`]).
pub async fn flush(state: &AppState, all: bool) {
    for (key, count) in state.refusals.take_due(Instant::now(), all) {
        write(state, &key, count).await;
    }
}

async fn write(state: &AppState, (user, why, route): &Key, count: u64) {
    let author = user.map_or(Author::System, Author::User);
    let after = (count > 1 || *why != "route").then(|| json!({"reason": why, "count": count}));
    if let Err(e) = audit::record_event(
        &state.db,
        author,
        "refused",
        "route",
        route.clone(),
        after.as_ref(),
    )
    .await
    {
        tracing::warn!(error = %e, "refusal not audited");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        (Some(7), "route", "POST /api/v1/users".into())
    }

    #[test]
    fn repeats_within_a_minute_become_one_count() {
        let r = Refusals::default();
        let t0 = Instant::now();
        assert!(r.first_of_window(&key(), t0));
        for i in 1..=99 {
            assert!(!r.first_of_window(&key(), t0 + Duration::from_millis(i)));
        }
        assert!(r.take_due(t0 + Duration::from_secs(1), false).is_empty());
        let due = r.take_due(t0 + WINDOW, false);
        assert_eq!(due, vec![(key(), 99)]);
        // A new minute opens a new window, written at once.
        assert!(r.first_of_window(&key(), t0 + WINDOW + Duration::from_secs(1)));
    }

    #[test]
    fn an_ended_window_not_yet_flushed_keeps_counting() {
        let r = Refusals::default();
        let t0 = Instant::now();
        assert!(r.first_of_window(&key(), t0));
        assert!(!r.first_of_window(&key(), t0 + Duration::from_secs(1)));
        // The minute passed but no flush ran: the next is held, not lost.
        assert!(!r.first_of_window(&key(), t0 + WINDOW + Duration::from_secs(1)));
        assert_eq!(r.take_due(t0 + WINDOW * 2, false), vec![(key(), 2)]);
        assert!(r.take_due(t0 + WINDOW * 3, true).is_empty());
    }

    #[test]
    fn other_users_and_routes_are_apart() {
        let r = Refusals::default();
        let t0 = Instant::now();
        assert!(r.first_of_window(&key(), t0));
        assert!(r.first_of_window(&(Some(8), "route", key().2), t0));
        assert!(r.first_of_window(&(Some(7), "csrf", key().2), t0));
    }
}
