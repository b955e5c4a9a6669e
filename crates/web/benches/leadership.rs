//! Benchmarks of leadership direction at national size (issue 21;
//! docs/benchmarks.md, "Directives"). A program, not a timed test: it
//! loads the national units (3,321 communes) into a fresh database, then
//! runs each section, every figure beside a baseline measured in the same
//! run (a unit by id: the same authentication and JSON, one row).
//!
//! Directives (`directives`): BENCH_DIRECTIVES national directives (100)
//! of two tasks each, every commune of the country an owner of each
//! (664,200 owner lines), issued through the store as the API issues them,
//! their owners spread over every state (`bench_support::directives`);
//! then
//!
//! - issuing a directive to every commune of the country in one request
//!   (`POST /api/v1/directives`, one task: 3,321 owners; three tasks:
//!   9,963), and a province's to its own communes, p50 and p95 of
//!   BENCH_CREATES requests each (10);
//! - a directive's board (`GET /api/v1/directives/{id}`: its tasks'
//!   tallies), its page (HTML, 50 owners), its late owners, and the list
//!   of directives with their tallies, as an administrator and as a
//!   province's staff (scoped to its communes); a commune officer's own
//!   open tasks (the home page's reminders); p50 and p95 of BENCH_RUNS (30).
//!
//! Commendations (`commendations`): BENCH_COMMENDATIONS approved
//! commendations (100,000) of every form at the levels that give it, to
//! the communes of every province and to individuals there, over ten
//! years (`bench_support::commendations`); then the counts by province
//! and form over the ten years in both views of the 2025 reform (the
//! administrator's national dashboard), a province's counts by commune,
//! and a year's list, as an administrator and as a province's staff.
//!
//! Festivals (`festivals`): BENCH_VILLAGES villages (100,000) over the
//! communes and a festival for every commune in each of ten years (33,210
//! records; `bench_support::festivals`); then the coverage year by year
//! (communes and sites holding it against the communes and villages of
//! each area) in both views, as an administrator (the national dashboard)
//! and as a province's staff.
//!
//! Targets (issue 21): the directive to all communes under 1 s, its board
//! under 100 ms; 100,000 commendations counted by province and form under
//! 100 ms; ten years of festivals for every commune on a national
//! dashboard under 200 ms.
//!
//! `cargo bench -p web --bench leadership` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). BENCH_KEEP=1 leaves the databases
//! behind (their address is printed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use chrono::Duration as Days;
use domain::accounts::Role;
use domain::directives::{DirectiveInput, NewDirective, TaskInput};
use domain::org_units::Level;
use serde_json::{json, Value};
use store::accounts::Scope;
use store::audit::Author;
use store::bench_support as bs;
use store::org_units::reference;
use store::testing::TestDb;

#[path = "common/mod.rs"]
mod common;
use common::*;

/// What every section shares: the database, the router, the users and
/// the baseline.
struct Ctx<'a> {
    label: &'static str,
    db: &'a store::Db,
    c: Client,
    admin: String,
    runs: usize,
    /// Ninh Bình (2025) and one of its communes.
    province: i64,
    commune: i64,
    base: Duration,
}

fn p50_p95(v: Vec<Duration>) -> (Duration, Duration, String) {
    let (p50, p95) = (pct(v.clone(), 0.5), pct(v, 0.95));
    (p50, p95, format!("p50 {} · p95 {}", ms(p50), ms(p95)))
}

fn base_text(x: &Ctx<'_>) -> String {
    format!("{} (a unit by id)", ms(x.base))
}

fn every_commune_task(title: String, due: chrono::NaiveDate) -> TaskInput {
    TaskInput {
        title: Some(title),
        due_on: Some(due.to_string()),
        expects: Some("text".into()),
        every_commune: Some(true),
        ..Default::default()
    }
}

/// BENCH_DIRECTIVES national directives of two tasks for every commune,
/// issued over the past year, their owners spread over every state.
async fn background(x: &Ctx<'_>) -> Vec<i64> {
    let today = domain::time::today();
    let n = env("BENCH_DIRECTIVES", 100);
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let issued = today - Days::days(365 - (i as i64 * 365 / n.max(1) as i64));
        let input = DirectiveInput {
            org_unit_id: None,
            reference: Some(format!("{}/KH-BCA", i + 1)),
            subject: Some(format!("Kế hoạch thực hiện phong trào, đợt {}", i + 1)),
            issued_on: Some(issued.to_string()),
            tasks: Some(vec![
                every_commune_task("Báo cáo sơ kết".into(), issued + Days::days(30)),
                every_commune_task("Báo cáo tổng kết".into(), issued + Days::days(180)),
            ]),
            ..Default::default()
        };
        let d = NewDirective::parse(&input, today).unwrap();
        let made = store::directives::create(x.db, Author::System, Scope::All, &d)
            .await
            .unwrap();
        ids.push(made.directive.id);
    }
    let owners = bs::directives::spread_states(x.db).await.unwrap();
    // As autovacuum and `binhyen` maintenance would have it: the planners
    // know the tables' sizes.
    bs::analyze_all(x.db).await.unwrap();
    eprintln!(
        "{}: {n} national directives, {owners} owner lines, issued and spread in {}",
        x.label,
        ms(started.elapsed())
    );
    ids
}

/// `BENCH_CREATES` directives of `tasks` tasks issued by `unit` (none:
/// national) to every commune below; each answer's owners checked.
async fn issue(x: &Ctx<'_>, token: &str, unit: Option<i64>, tasks: usize, what: &str) {
    let today = domain::time::today();
    let creates = env("BENCH_CREATES", 10);
    let mut v = Vec::with_capacity(creates);
    let mut owners = 0;
    for i in 0..creates {
        let body = json!({
            "org_unit_id": unit,
            "subject": format!("Chỉ đạo đo thời gian {i}"),
            "issued_on": today.to_string(),
            "tasks": (0..tasks).map(|k| json!({"title": format!("Nhiệm vụ {k}"), "due_on": (today + Days::days(30)).to_string(), "expects": "text", "every_commune": true})).collect::<Vec<_>>(),
        });
        let (d, answer) = x.c.created(token, "/api/v1/directives", &body).await;
        v.push(d);
        let a = json(&answer);
        owners = a["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["owners"].as_i64().unwrap())
            .sum::<i64>();
        assert!(owners > 0, "{}: {a}", x.label);
    }
    let (_, p95, text) = p50_p95(v);
    row(
        x.label,
        &format!("{what} ({owners} owner lines), p50/p95 of {creates}"),
        &text,
        &base_text(x),
        &ratio(p95, x.base),
    );
}

async fn reads(x: &Ctx<'_>, staff: &str, officer: &str, id: i64) {
    let (label, c, runs) = (x.label, &x.c, x.runs);
    let boards: Vec<(String, &str)> = vec![
        (
            format!("/api/v1/directives/{id}"),
            "a directive's board (2 tasks × 3,321 owners, tallied by standing)",
        ),
        (
            format!("/directives/{id}"),
            "its page (HTML: the tallies and 50 owners)",
        ),
        (
            format!("/api/v1/tasks?directive={id}&standing=late"),
            "its late owners, first page and count",
        ),
        (
            "/api/v1/directives".into(),
            "the directives, first page with their tallies",
        ),
    ];
    for (uri, what) in &boards {
        for (who, token) in [
            ("administrator", &x.admin),
            ("province staff", &staff.to_string()),
        ] {
            let (_, body) = c.timed(token, uri).await;
            if uri.starts_with("/api/") {
                let v: Value = json(&body);
                assert!(
                    v.get("directive").is_some() || v["total"].as_i64() > Some(0),
                    "{label}: {uri} as {who}: {v}"
                );
            }
            let mut v = Vec::with_capacity(runs);
            for _ in 0..runs {
                v.push(c.timed(token, uri).await.0);
            }
            let (_, p95, text) = p50_p95(v);
            row(
                label,
                &format!("{what} as {who}, p50/p95 of {runs}"),
                &text,
                &base_text(x),
                &ratio(p95, x.base),
            );
        }
    }
    let uri = "/api/v1/tasks?mine=1&open=1";
    let (_, body) = c.timed(officer, uri).await;
    assert!(json(&body)["total"].as_i64() > Some(0), "{label}: {uri}");
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        v.push(c.timed(officer, uri).await.0);
    }
    let (_, p95, text) = p50_p95(v);
    row(
        label,
        &format!("a commune officer's open tasks (the home page's reminders), p50/p95 of {runs}"),
        &text,
        &base_text(x),
        &ratio(p95, x.base),
    );
}

async fn directives(x: &Ctx<'_>, staff: &str) {
    let ids = background(x).await;
    let officer = user(
        x.db,
        "bench.xa.chidao",
        Role::CommuneOfficer,
        vec![x.commune],
    )
    .await;
    issue(
        x,
        &x.admin,
        None,
        1,
        "a national directive to every commune, one task",
    )
    .await;
    issue(x, &x.admin, None, 3, "the same with three tasks").await;
    issue(
        x,
        staff,
        Some(x.province),
        3,
        "a province's directive to its communes, three tasks",
    )
    .await;
    reads(x, staff, &officer, ids[0]).await;
}

async fn commendations(x: &Ctx<'_>, staff: &str) {
    let (label, c, runs) = (x.label, &x.c, x.runs);
    let started = Instant::now();
    let data = bs::commendations::generate_commendations(
        x.db,
        env("BENCH_COMMENDATIONS", 100_000),
        domain::time::today(),
        20_261_206,
    )
    .await
    .unwrap();
    bs::analyze_all(x.db).await.unwrap();
    eprintln!(
        "{label}: {} commendations over {} communes, {}–{}, generated in {}",
        data.commendations,
        data.communes,
        data.first_year,
        data.last_year,
        ms(started.elapsed())
    );
    let years = format!("from_year={}&to_year={}", data.first_year, data.last_year);
    let reads: Vec<(String, String, bool)> = vec![
        (
            format!("/api/v1/commendations/summary?{years}&view=as_now"),
            "commendations by province and form, ten years, as it is now".into(),
            true,
        ),
        (
            format!("/api/v1/commendations/summary?{years}&view=as_was"),
            "the same as it was".into(),
            true,
        ),
        (
            format!("/api/v1/commendations?year={}", data.last_year),
            "a year's commendations, first page and count".into(),
            false,
        ),
    ];
    for (uri, what, counts) in &reads {
        for (who, token) in [
            ("administrator", &x.admin),
            ("province staff", &staff.to_string()),
        ] {
            let (_, body) = c.timed(token, uri).await;
            let v = json(&body);
            if *counts {
                let total = v["totals"]["total"].as_i64().unwrap();
                let rows: i64 = v["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["total"].as_i64().unwrap())
                    .sum::<i64>()
                    + v["by_area_itself"]["total"].as_i64().unwrap();
                assert_eq!(rows, total, "{label}: {uri} as {who}: the rows add up");
                if who == "administrator" {
                    assert_eq!(total as usize, data.commendations, "{label}: {uri}");
                }
            } else {
                assert!(v["total"].as_i64() > Some(0), "{label}: {uri} as {who}");
            }
            let mut v = Vec::with_capacity(runs);
            for _ in 0..runs {
                v.push(c.timed(token, uri).await.0);
            }
            let (_, p95, text) = p50_p95(v);
            row(
                label,
                &format!("{what} as {who}, p50/p95 of {runs}"),
                &text,
                &base_text(x),
                &ratio(p95, x.base),
            );
        }
    }
}

async fn festivals(x: &Ctx<'_>, staff: &str) {
    let (label, c, runs) = (x.label, &x.c, x.runs);
    let started = Instant::now();
    let data = bs::festivals::generate_festivals(
        x.db,
        env("BENCH_VILLAGES", 100_000),
        domain::time::today(),
        20_260_819,
    )
    .await
    .unwrap();
    bs::analyze_all(x.db).await.unwrap();
    eprintln!(
        "{label}: {} villages, {} festivals {}–{}, generated in {}",
        data.villages,
        data.festivals,
        data.first_year,
        data.last_year,
        ms(started.elapsed())
    );
    let years = format!("from_year={}&to_year={}", data.first_year, data.last_year);
    for view in ["as_now", "as_was"] {
        let uri = format!("/api/v1/festivals/coverage?{years}&view={view}");
        for (who, token) in [
            ("administrator", &x.admin),
            ("province staff", &staff.to_string()),
        ] {
            let (_, body) = c.timed(token, &uri).await;
            let v = json(&body);
            let held: i64 = v["totals"]["years"]
                .as_array()
                .unwrap()
                .iter()
                .map(|y| y["communes"].as_i64().unwrap())
                .sum();
            if who == "administrator" && view == "as_now" {
                assert_eq!(held as usize, data.festivals, "{label}: {uri}");
            } else {
                assert!(held > 0, "{label}: {uri} as {who}");
            }
            let mut v = Vec::with_capacity(runs);
            for _ in 0..runs {
                v.push(c.timed(token, &uri).await.0);
            }
            let (_, p95, text) = p50_p95(v);
            row(
                label,
                &format!("the festival's coverage, ten years, {view}, as {who}, p50/p95 of {runs}"),
                &text,
                &base_text(x),
                &ratio(p95, x.base),
            );
        }
    }
}

async fn one(t: &TestDb) {
    reference::load(&t.db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    let today = domain::time::today();
    let province = store::org_units::resolve_code(&t.db, Level::Province, "37", today)
        .await
        .unwrap()
        .unwrap()
        .id;
    let q = store::org_units::ListQuery {
        level: Some(Level::Commune),
        parent: Some(province),
        as_of: Some(today),
        q: None,
        page: domain::page::Page {
            page: 1,
            per_page: 1,
        },
    };
    let commune = store::org_units::list(&t.db, Scope::All, &q)
        .await
        .unwrap()
        .0[0]
        .unit
        .id;
    let admin = user(&t.db, "bench.admin", Role::Admin, vec![]).await;
    let state = web::AppState::new(t.db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };
    let runs = env("BENCH_RUNS", 30);
    let base_uri = format!("/api/v1/org-units/{province}");
    let _ = c.timed(&admin, &base_uri).await;
    let base = p95_of(&c, &admin, &base_uri, runs.max(30)).await;
    let x = Ctx {
        label: t.label,
        db: &t.db,
        c,
        admin,
        runs,
        province,
        commune,
        base,
    };
    let staff = user(
        &t.db,
        "bench.tinh.chidao",
        Role::ProvinceStaff,
        vec![province],
    )
    .await;
    directives(&x, &staff).await;
    commendations(&x, &staff).await;
    festivals(&x, &staff).await;
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("| backend | measure | result | baseline (same run) | ratio |");
        println!("|---|---|---|---|---|");
        for t in TestDb::all().await.unwrap() {
            one(&t).await;
            // BENCH_KEEP=1 leaves the database behind, to look into.
            if std::env::var("BENCH_KEEP").is_ok() {
                eprintln!("{}: kept at {}", t.label, t.url);
                // Its temporary folder outlives the program.
                std::mem::forget(t);
            } else {
                t.cleanup().await;
            }
        }
    });
}
