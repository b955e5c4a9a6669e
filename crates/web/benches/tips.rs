//! Benchmarks of citizens' tips (issue 23; docs/benchmarks.md, "Tips"). A
//! program, not a timed test: it loads the national units into a fresh
//! database, then runs two sections through the real router, each figure
//! beside a baseline measured in the same run.
//!
//! List (`list`): BENCH_TIPS tips (100,000) to the communes of Ninh Bình
//! over a year (`store::bench_support::tips::generate_tips`), then the
//! province staff's lists (`GET /api/v1/tips`: the first page, by state,
//! by category, overdue, one commune's), p50 and p95 of BENCH_RUNS
//! requests, against a unit by id (`GET /api/v1/org-units/{id}`: the same
//! authentication and scope, one row). Target: under 50 ms.
//!
//! Flood (`flood`): for BENCH_FLOOD_SECONDS (300) citizens send
//! BENCH_FLOOD_PER_MINUTE tips a minute (1,000) through the public API,
//! each sealed to the officer of its commune and the province's
//! key-holder, while BENCH_OFFICERS officers (50) work without pause: the
//! province's list and a tip of it, one after the other. Every answer must
//! be right (0 errors); the public side's p95 and the staff's are printed.
//! Targets: staff p95 under 100 ms, public p95 under 300 ms. The officers
//! read through tokens (the clear part; a session would open the content
//! too, one X25519 and a few ChaCha20 per tip).
//!
//! `cargo bench -p web --bench tips` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). BENCH_ONLY=list or flood runs one
//! section, BENCH_DATABASE=sqlite or postgres one backend; BENCH_KEEP=1
//! leaves the databases.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use domain::accounts::Role;
use domain::tips::seal::OfficerKey;
use store::org_units::reference;
use store::testing::TestDb;

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_261_207;

fn p50_p95(v: Vec<Duration>) -> (Duration, Duration) {
    (pct(v.clone(), 0.5), pct(v, 0.95))
}

/// A user with a tip key (as their first sign-in makes it) and a token.
async fn officer(db: &store::Db, name: &str, role: Role, scope: i64) -> (i64, String) {
    let token = user(db, name, role, vec![scope]).await;
    let id = store::accounts::find_by_username(db, name)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let key = OfficerKey::generate();
    let locked = key.lock("mat-khau-do-dai-du").unwrap();
    store::tips::put_key(
        db,
        id,
        key.public().as_str(),
        &locked,
        domain::time::today(),
    )
    .await
    .unwrap();
    (id, token)
}

async fn ninh_binh(db: &store::Db) -> i64 {
    let today = domain::time::today();
    store::org_units::resolve_code(db, domain::org_units::Level::Province, "37", today)
        .await
        .unwrap()
        .expect("Tỉnh Ninh Bình (37)")
        .id
}

async fn list(label: &str, db: &store::Db, c: &Client, staff: &str, province: i64, holder: i64) {
    let n = env("BENCH_TIPS", 100_000);
    let t = Instant::now();
    store::bench_support::tips::generate_tips(db, province, holder, n, domain::time::today(), SEED)
        .await
        .unwrap();
    eprintln!("{label}: {n} tips in {:.1} s", t.elapsed().as_secs_f64());
    let runs = env("BENCH_RUNS", 30);
    let base_uri = format!("/api/v1/org-units/{province}");
    let mut base = Vec::new();
    for _ in 0..=runs {
        base.push(c.timed(staff, &base_uri).await.0);
    }
    let (_, base95) = p50_p95(base);
    let (_, first) = c.timed(staff, "/api/v1/tips?per_page=1").await;
    let commune = json(&first)["items"][0]["unit_id"].as_i64().unwrap();
    // Counted up to the cap: a province's year of tips is more.
    let total = json(&first)["total"].as_i64().unwrap() as usize;
    assert_eq!(
        total,
        n.min(store::tips::COUNT_CAP as usize),
        "every tip listed, to the cap"
    );
    for (what, uri) in [
        ("province list, first page", "/api/v1/tips".to_string()),
        ("new ones", "/api/v1/tips?state=new".into()),
        ("drugs", "/api/v1/tips?category=ma_tuy".into()),
        ("overdue", "/api/v1/tips?overdue=true".into()),
        ("one commune's", format!("/api/v1/tips?org_unit={commune}")),
        ("page 50", "/api/v1/tips?page=50".into()),
    ] {
        let (_, body) = c.timed(staff, &uri).await;
        assert!(
            json(&body)["total"].as_i64().unwrap() > 0,
            "{uri} finds tips"
        );
        let mut v = Vec::new();
        for _ in 0..runs {
            v.push(c.timed(staff, &uri).await.0);
        }
        let (p50, p95) = p50_p95(v);
        row(
            label,
            &format!("tips: {what} ({n} tips)"),
            &format!("p50 {} · p95 {}", ms(p50), ms(p95)),
            &format!("unit by id p95 {}", ms(base95)),
            &ratio(p95, base95),
        );
    }
}

async fn flood(label: &str, db: &store::Db, c: &Client, province: i64, holder_token: &str) {
    let secs = env("BENCH_FLOOD_SECONDS", 300) as u64;
    let per_minute = env("BENCH_FLOOD_PER_MINUTE", 1000);
    let officers = env("BENCH_OFFICERS", 50);
    // Ten communes of the province, each with its officer.
    let communes: Vec<i64> = store::org_units::list(
        db,
        store::accounts::Scope::All,
        &store::org_units::ListQuery {
            level: Some(domain::org_units::Level::Commune),
            parent: Some(province),
            as_of: Some(domain::time::today()),
            page: domain::page::Page {
                page: 1,
                per_page: 10,
            },
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .0
    .into_iter()
    .map(|u| u.unit.id)
    .collect();
    let mut tokens = Vec::new();
    for (i, u) in communes.iter().enumerate() {
        tokens.push(
            officer(db, &format!("bench.xa{i}"), Role::CommuneOfficer, *u)
                .await
                .1,
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicUsize::new(0));
    let staff_times = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for i in 0..officers {
        let (router, stop, errors, times) = (
            c.router.clone(),
            stop.clone(),
            errors.clone(),
            staff_times.clone(),
        );
        let token = if i % 5 == 0 {
            holder_token.to_string()
        } else {
            tokens[i % tokens.len()].clone()
        };
        workers.push(tokio::spawn(async move {
            let c = Client { router };
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let (s, body) = c.get(&token, "/api/v1/tips?per_page=20").await;
                times.lock().unwrap().push(t.elapsed());
                if s != StatusCode::OK {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                if let Some(id) = json(&body)["items"][0]["id"].as_i64() {
                    let t = Instant::now();
                    let (s, _) = c.get(&token, &format!("/api/v1/tips/{id}")).await;
                    times.lock().unwrap().push(t.elapsed());
                    if s != StatusCode::OK {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let interval = Duration::from_secs_f64(60.0 / per_minute as f64);
    let mut public_times = Vec::new();
    let mut senders = Vec::new();
    let start = Instant::now();
    let mut sent = 0usize;
    while start.elapsed() < Duration::from_secs(secs) {
        let due = start + interval * sent as u32;
        tokio::time::sleep_until(due.into()).await;
        let place = communes[sent % communes.len()];
        let body = serde_json::json!({
            "category": "dang_ngo",
            "place_id": place,
            "report": format!("Tin báo số {sent} của đợt thử tải: xe lạ đỗ trước cổng chợ nhiều đêm"),
        })
        .to_string();
        let router = c.router.clone();
        senders.push(tokio::spawn(async move {
            let req = Request::post("/api/v1/public/tips")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap();
            let t = Instant::now();
            let (s, b) = Client { router }.send(req).await;
            (t.elapsed(), s, b)
        }));
        sent += 1;
    }
    for s in senders {
        let (d, status, body) = s.await.unwrap();
        public_times.push(d);
        if status != StatusCode::CREATED {
            errors.fetch_add(1, Ordering::Relaxed);
            eprintln!(
                "{label}: public answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let staff = std::mem::take(&mut *staff_times.lock().unwrap());
    let staff_n = staff.len();
    let (s50, s95) = p50_p95(staff);
    let (p50, p95) = p50_p95(public_times);
    let errors = errors.load(Ordering::Relaxed);
    row(
        label,
        &format!("tips flood: {sent} tips in {secs} s ({per_minute}/min), public side"),
        &format!("p50 {} · p95 {}, errors {errors}", ms(p50), ms(p95)),
        &format!("staff p95 {}", ms(s95)),
        &ratio(p95, s95),
    );
    row(
        label,
        &format!("tips flood: {officers} officers at work ({staff_n} requests)"),
        &format!("p50 {} · p95 {}", ms(s50), ms(s95)),
        "",
        "",
    );
    assert_eq!(errors, 0, "every answer right under the flood");
}

async fn one(t: &TestDb) {
    reference::load(&t.db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    let province = ninh_binh(&t.db).await;
    let (holder, holder_token) = officer(&t.db, "bench.tinh", Role::ProvinceStaff, province).await;
    store::tips::set_holder(&t.db, store::audit::Author::System, holder, true)
        .await
        .unwrap();
    let state = web::AppState::new(t.db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };
    // BENCH_ONLY=list or =flood runs one section.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    if only != "flood" {
        list(t.label, &t.db, &c, &holder_token, province, holder).await;
    }
    if only != "list" {
        flood(t.label, &t.db, &c, province, &holder_token).await;
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("| backend | measure | result | baseline (same run) | ratio |");
        println!("|---|---|---|---|---|");
        // BENCH_DATABASE=postgres (or sqlite) runs one backend.
        for t in backends().await {
            one(&t).await;
            if std::env::var("BENCH_KEEP").is_ok() {
                eprintln!("{}: kept at {}", t.label, t.url);
                std::mem::forget(t);
            } else {
                t.cleanup().await;
            }
        }
    });
}
