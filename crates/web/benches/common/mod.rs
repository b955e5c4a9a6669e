//! Helpers shared by the benchmark programs: sizes from the environment,
//! percentiles, the table row format of docs/benchmarks.md, memory, and a
//! client that sends requests through the real router with a token.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use domain::accounts::{new_secret, secret_hash, NewPassword, Role};
use http_body_util::BodyExt;
use store::accounts::{self, NewUser};
use store::audit::Author;
use store::Db;
use tower::ServiceExt;

pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

pub fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m >= 1000.0 {
        format!("{:.2} s", m / 1000.0)
    } else {
        format!("{m:.1} ms")
    }
}

pub fn ratio(a: Duration, b: Duration) -> String {
    format!("×{:.1}", a.as_secs_f64() / b.as_secs_f64())
}

pub fn row(label: &str, measure: &str, result: &str, base: &str, r: &str) {
    println!("| {label} | {measure} | {result} | {base} | {r} |");
}

/// Peak and current resident set of this process, in MiB.
pub fn memory() -> (f64, f64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kib("VmHWM:"), kib("VmRSS:"))
}

/// Resets the peak resident set to the current one (Linux ≥ 4.0).
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The 95th percentile of `runs` GETs of `uri`.
pub async fn p95_of(c: &Client, token: &str, uri: &str, runs: usize) -> Duration {
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        v.push(c.timed(token, uri).await.0);
    }
    pct(v, 0.95)
}

pub struct Client {
    pub router: Router,
}

impl Client {
    pub async fn send(&self, req: Request<Body>) -> (StatusCode, Bytes) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        (status, res.into_body().collect().await.unwrap().to_bytes())
    }

    pub async fn get(&self, token: &str, uri: &str) -> (StatusCode, Bytes) {
        self.send(
            Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// GET that must answer 200; returns the time and the body.
    pub async fn timed(&self, token: &str, uri: &str) -> (Duration, Bytes) {
        let t = Instant::now();
        let (status, body) = self.get(token, uri).await;
        let d = t.elapsed();
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&body[..body.len().min(400)])
        );
        (d, body)
    }
}

impl Client {
    /// POST of a JSON body that must answer 201; returns the time and the
    /// body.
    pub async fn created(
        &self,
        token: &str,
        uri: &str,
        body: &serde_json::Value,
    ) -> (Duration, Bytes) {
        self.posted(token, uri, body, StatusCode::CREATED).await
    }

    /// A JSON POST that must answer `want`, and how long it took.
    pub async fn posted(
        &self,
        token: &str,
        uri: &str,
        body: &serde_json::Value,
        want: StatusCode,
    ) -> (Duration, Bytes) {
        let req = Request::post(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let t = Instant::now();
        let (status, body) = self.send(req).await;
        let d = t.elapsed();
        assert_eq!(
            status,
            want,
            "{uri}: {}",
            String::from_utf8_lossy(&body[..body.len().min(400)])
        );
        (d, body)
    }
}

/// What `binhyen serve` runs beside the requests: the audit sequencer and
/// the rollups' folder (the pivots read the deltas not yet folded). Abort
/// the tasks when the measure ends.
pub fn beside_requests(db: &store::Db) -> [tokio::task::JoinHandle<()>; 2] {
    [
        tokio::spawn(store::audit::keep_chained(db.clone())),
        tokio::spawn(store::statistics::rollups::keep_folded(db.clone())),
    ]
}

/// The test databases to measure on: both (PostgreSQL when
/// BINHYEN_TEST_DATABASE_URL is set), or the one BENCH_DATABASE names
/// (`sqlite` or `postgres`).
pub async fn backends() -> Vec<store::testing::TestDb> {
    let only = std::env::var("BENCH_DATABASE").unwrap_or_default();
    let mut out = Vec::new();
    for t in store::testing::TestDb::all().await.unwrap() {
        if only.is_empty() || only == t.label {
            out.push(t);
        } else {
            t.cleanup().await;
        }
    }
    out
}

pub async fn user(db: &Db, name: &str, role: Role, scopes: Vec<i64>) -> String {
    let hash = NewPassword::parse("mat-khau-do-dai-du")
        .unwrap()
        .hash()
        .unwrap();
    let id = accounts::create_user(
        db,
        Author::System,
        &NewUser {
            username: name.into(),
            display_name: name.into(),
            password_hash: hash,
            role,
            scopes,
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let token = new_secret();
    accounts::create_token(db, Author::System, id, &secret_hash(&token), "bench", None)
        .await
        .unwrap();
    token
}

pub fn json(b: &Bytes) -> serde_json::Value {
    serde_json::from_slice(b).unwrap()
}
