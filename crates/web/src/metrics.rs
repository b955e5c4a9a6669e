//! Prometheus metrics: requests by route and status, their latency, and the
//! database pool. Kept in memory per process; each server is scraped alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(&'static str, String, u16), Series>>,
}

/// Methods counted by name; any other is `other`. Clients choose the
/// method, and a series per invented one would grow without end.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

pub(crate) fn method_label(m: &str) -> &'static str {
    METHODS
        .iter()
        .find(|k| **k == m)
        .copied()
        .unwrap_or("other")
}

impl Metrics {
    /// `route` is a pattern of the router (a closed set) or `unmatched`.
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map
            .entry((method_label(method), route.to_string(), status))
            .or_default();
        s.count += 1;
        s.sum += secs;
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                if let Some(c) = s.buckets.get_mut(i) {
                    *c += 1;
                }
            }
        }
    }

    /// The text exposition format. `backlog`: what waits for the
    /// background work every server does (none when the database did not
    /// say).
    pub fn render(
        &self,
        pool: (u32, usize),
        sqlite_memory: Option<i64>,
        backlog: Option<Backlog>,
    ) -> String {
        let mut out = String::new();
        out.push_str("# HELP binhyen_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE binhyen_http_requests_total counter\n");
        let Ok(map) = self.series.lock() else {
            return out;
        };
        for ((m, r, st), s) in map.iter() {
            let _ = writeln!(
                out,
                "binhyen_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{st}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP binhyen_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE binhyen_http_request_duration_seconds histogram\n");
        for ((m, r, st), s) in map.iter() {
            let labels = format!("method=\"{m}\",route=\"{r}\",status=\"{st}\"");
            for (b, c) in BUCKETS.iter().zip(s.buckets.iter()) {
                let _ = writeln!(
                    out,
                    "binhyen_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {c}"
                );
            }
            let _ = writeln!(
                out,
                "binhyen_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "binhyen_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "binhyen_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        let (size, idle) = pool;
        out.push_str("# HELP binhyen_db_pool_connections Database connections open.\n");
        out.push_str("# TYPE binhyen_db_pool_connections gauge\n");
        let _ = writeln!(out, "binhyen_db_pool_connections {size}");
        out.push_str("# HELP binhyen_db_pool_idle Database connections idle.\n");
        out.push_str("# TYPE binhyen_db_pool_idle gauge\n");
        let _ = writeln!(out, "binhyen_db_pool_idle {idle}");
        if let Some(bytes) = sqlite_memory {
            out.push_str("# HELP binhyen_sqlite_memory_bytes Memory SQLite holds (page caches, statements).\n");
            out.push_str("# TYPE binhyen_sqlite_memory_bytes gauge\n");
            let _ = writeln!(out, "binhyen_sqlite_memory_bytes {bytes}");
        }
        if let Some(b) = backlog {
            out.push_str("# HELP binhyen_audit_waiting Audit records waiting for their place in the chain (the whole database's).\n");
            out.push_str("# TYPE binhyen_audit_waiting gauge\n");
            let _ = writeln!(out, "binhyen_audit_waiting {}", b.audit_records);
            out.push_str("# HELP binhyen_rollup_deltas_waiting Rollup deltas waiting to be folded into their cells (the whole database's).\n");
            out.push_str("# TYPE binhyen_rollup_deltas_waiting gauge\n");
            let _ = writeln!(out, "binhyen_rollup_deltas_waiting {}", b.rollup_deltas);
        }
        out
    }
}

/// Counts and times every request under its route pattern (not its raw
/// path, which would hold ids and explode the label set) and a method
/// from a fixed list.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let res = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    state
        .metrics
        .observe(&method, &route, res.status().as_u16(), secs);
    tracing::debug!(%method, %route, status = res.status().as_u16(), ms = secs * 1000.0, "request");
    res
}

/// What waits for the work every server does in the background: audit
/// records for their place in the chain, rollup deltas for their fold. A
/// number that keeps growing means no server does that work.
#[derive(Debug, Clone, Copy)]
pub struct Backlog {
    pub audit_records: i64,
    pub rollup_deltas: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_series() {
        let m = Metrics::default();
        for i in 0..100 {
            m.observe(&format!("X{i}"), "unmatched", 405, 0.001);
        }
        m.observe("GET", "/healthz", 200, 0.001);
        let backlog = Backlog {
            audit_records: 3,
            rollup_deltas: 7,
        };
        let text = m.render((1, 1), Some(2048), Some(backlog));
        let series = text
            .lines()
            .filter(|l| l.starts_with("binhyen_http_requests_total{"))
            .count();
        assert_eq!(series, 2, "{text}");
        assert!(text.contains("method=\"other\",route=\"unmatched\",status=\"405\"} 100"));
        assert!(text.contains("\nbinhyen_audit_waiting 3\n"), "{text}");
        assert!(
            text.contains("\nbinhyen_rollup_deltas_waiting 7\n"),
            "{text}"
        );
    }
}
