//! Benchmarks of the coordination programmes and the register of their
//! basis documents at national size (issue 20; docs/benchmarks.md,
//! "Documents"). A program, not a timed test: it loads the national units
//! into a fresh database, then runs one section after the other, each
//! generating its data and timing requests through the real router, each
//! figure beside a baseline measured in the same run.
//!
//! Documents (`documents`): BENCH_DOCUMENTS documents (100,000) with about
//! BENCH_FILES files each (2) and the files' text in the search index
//! (`store::bench_support::generate_documents`), then, as an administrator
//! and as the staff of the province with most documents (scoped):
//!
//! - searches (`GET /api/v1/documents?q=…`) of one to four words, some in
//!   nearly every document, some in a few hundred, a commune's name, a
//!   number as typed (`123/KH`) and a whole number, p50 and p95 of
//!   BENCH_RUNS requests; each also counted plainly (no cap, no rank; the
//!   index alone for the administrator, joined to the scope for the
//!   staff), which each user's total must equal up to the count's cap
//!   (1,000);
//! - the register's first page, the province level's, and filtered lists;
//!
//! all against one baseline, a document by id (`GET
//! /api/v1/documents/{id}`: the same authentication, scope and JSON, one
//! row). Target (issue 20): search p95 under 20 ms.
//!
//! Programmes (`programmes`): BENCH_PROGRAMS programmes (5,000) of the 34
//! provinces and their communes with BENCH_ACTIVITIES activities (500,000)
//! and four targets each, every one computed when read
//! (`store::bench_support::programs::generate_programs`), then a
//! programme's progress and page at its heaviest (the programme with the
//! most activities) and a province's list, as an administrator and as the
//! province's staff, against one partner organisation by id. Targets
//! (issue 20): the page under 100 ms, the province's list under 50 ms.
//!
//! `cargo bench -p web --bench programs` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). Sizes: BENCH_DOCUMENTS (100000),
//! BENCH_FILES (2 a document), BENCH_PROGRAMS (5000), BENCH_ACTIVITIES
//! (500000), BENCH_RUNS (30). BENCH_KEEP=1 leaves the
//! databases behind (their address is printed).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use chrono::Datelike;
use domain::accounts::Role;
use domain::documents::Search;
use serde_json::Value;
use store::bench_support as bs;
use store::org_units::reference;
use store::testing::TestDb;

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_261_207;
/// Lists count their matches up to this.
const CAP: i64 = store::documents::COUNT_CAP;

/// What every section shares: the database, the router, the users and
/// the baseline request.
struct Ctx<'a> {
    label: &'static str,
    db: &'a store::Db,
    c: Client,
    admin: String,
    runs: usize,
}

/// A query string's value.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The first answer (not timed: it warms the caches) and the p50 and p95
/// of `runs` GETs of `uri`.
async fn timings(c: &Client, token: &str, uri: &str, runs: usize) -> (Value, Duration, Duration) {
    let (_, body) = c.timed(token, uri).await;
    let first = json(&body);
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        v.push(c.timed(token, uri).await.0);
    }
    (first, pct(v.clone(), 0.5), pct(v, 0.95))
}

fn p50_p95(p50: Duration, p95: Duration) -> String {
    format!("p50 {} · p95 {}", ms(p50), ms(p95))
}

fn total(page: &Value) -> i64 {
    page["total"].as_i64().unwrap()
}

/// The baseline of every row: one visible document by id.
async fn baseline(x: &Ctx<'_>, id: i64) -> Duration {
    let uri = format!("/api/v1/documents/{id}");
    let (_, body) = x.c.timed(&x.admin, &uri).await;
    assert_eq!(json(&body)["document"]["id"].as_i64(), Some(id));
    p95_of(&x.c, &x.admin, &uri, x.runs.max(30)).await
}

// ---- documents -----------------------------------------------------------------

async fn documents(x: &Ctx<'_>) -> bs::DocumentsData {
    let (label, db, c, runs) = (x.label, x.db, &x.c, x.runs);
    let today = domain::time::today();
    let started = Instant::now();
    let data = bs::generate_documents(
        db,
        env("BENCH_DOCUMENTS", 100_000),
        env("BENCH_FILES", 2),
        today,
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} documents ({} national, {} of provinces, {} of communes; {} since the 2025 reform, {} replaced), {} issuers, {} files ({} scans, {} words of text) generated and indexed in {}",
        data.documents,
        data.national,
        data.province,
        data.commune,
        data.since_reform,
        data.replaced,
        data.issuers,
        data.files,
        data.scans,
        data.words,
        ms(started.elapsed())
    );
    let (province, province_name) = bs::province_with_most_documents(db).await.unwrap();
    let staff = user(db, "bench.tinh.vanban", Role::ProvinceStaff, vec![province]).await;
    let visible = bs::visible_documents(db, province).await.unwrap();

    // The baseline: the latest document, by id.
    let (_, body) = c.timed(&x.admin, "/api/v1/documents?per_page=1").await;
    let latest = json(&body)["items"][0]["id"].as_i64().unwrap();
    let base = baseline(x, latest).await;
    let base_text = format!("{} (a document by id)", ms(base));

    // ---- searches ----
    let place = bs::busiest_commune_in(db, province).await.unwrap();
    let plan = bs::latest_plan_number_in(db, province).await.unwrap();
    // "123/KH" as the brief's example, when such plans exist (at full
    // size they do); else the first part of the province's latest plan.
    let typed = match Search::parse("123/KH") {
        Some(s) if bs::plain_document_search(db, &s, None).await.unwrap() > 0 => "123/KH".into(),
        _ => plan.split('-').next().unwrap().to_string(),
    };
    let searches: Vec<(String, &str)> = vec![
        ("an ninh".into(), "2 words in nearly every document"),
        ("phòng cháy chữa cháy".into(), "3 words with diacritics"),
        ("ma tuy".into(), "2 words without diacritics"),
        ("Tết Nguyên đán".into(), "3 words"),
        ("flycam".into(), "1 rare word"),
        ("khi cuoi".into(), "2 rare words"),
        (place.clone(), "a commune's name"),
        (typed, "a number as typed"),
        (plan.clone(), "a whole number"),
    ];
    for (q, what) in &searches {
        let search = Search::parse(q).unwrap();
        let mut plain = Vec::with_capacity(runs);
        let mut matches = 0;
        for _ in 0..runs {
            let t = Instant::now();
            matches = bs::plain_document_search(db, &search, None).await.unwrap();
            plain.push(t.elapsed());
        }
        let plain = pct(plain, 0.95);
        assert!(matches > 0, "{label}: «{q}» finds nothing in the index");
        let uri = format!("/api/v1/documents?q={}", enc(q));
        for (who, token) in [("administrator", &x.admin), ("province staff", &staff)] {
            let expected = match who {
                "administrator" => matches,
                _ => bs::plain_document_search(db, &search, Some(province))
                    .await
                    .unwrap(),
            };
            let (page, p50, p95) = timings(c, token, &uri, runs).await;
            let n = total(&page);
            assert_eq!(
                (n, page["total_exact"].as_bool()),
                (expected.min(CAP), Some(expected <= CAP)),
                "{label}: «{q}» as {who} finds every match it may see, counted to {CAP}"
            );
            assert_eq!(
                page["items"].as_array().unwrap().len() as i64,
                n.min(page["per_page"].as_i64().unwrap()),
                "{label}: «{q}» as {who}: a full page"
            );
            let shown = if expected > CAP {
                format!("{expected} match (more than {CAP})")
            } else {
                format!("{n} match")
            };
            row(
                label,
                &format!("search «{q}» ({what}) as {who}: {shown}, p50/p95 of {runs}"),
                &format!("{} (counted plainly: p95 {})", p50_p95(p50, p95), ms(plain)),
                &base_text,
                &ratio(p95, base),
            );
        }
    }

    // ---- lists ----
    let year = today.year();
    let lists: Vec<(String, String)> = vec![
        (
            "/api/v1/documents?page=1".into(),
            "the register's first page".into(),
        ),
        (
            "/api/v1/documents?level=province&page=1".into(),
            "the province level's first page".into(),
        ),
        (
            format!(
                "/api/v1/documents?kind=ke_hoach&year={year}&issuer={}",
                enc("công an")
            ),
            format!("plans of {year} by a police body"),
        ),
        (
            format!("/api/v1/documents?org_unit={province}&status=in_force"),
            format!("in force, of {province_name} and under it"),
        ),
        (
            format!(
                "/api/v1/documents?q={}&level=commune&year={}",
                enc("an ninh"),
                year - 1
            ),
            format!("«an ninh» of communes in {}", year - 1),
        ),
    ];
    for (uri, what) in &lists {
        for (who, token) in [("administrator", &x.admin), ("province staff", &staff)] {
            let (page, p50, p95) = timings(c, token, uri, runs).await;
            let n = total(&page);
            assert!(n > 0, "{label}: {uri} as {who} finds nothing");
            if who == "province staff" && uri == "/api/v1/documents?page=1" {
                assert_eq!(
                    (n, page["total_exact"].as_bool()),
                    (visible.min(CAP), Some(visible <= CAP)),
                    "{label}: the staff see their documents, no more"
                );
            }
            let shown = match page["total_exact"].as_bool() {
                Some(false) => format!("more than {n}"),
                _ => n.to_string(),
            };
            row(
                label,
                &format!("{what} as {who}: {shown} documents, p50/p95 of {runs}"),
                &p50_p95(p50, p95),
                &base_text,
                &ratio(p95, base),
            );
        }
    }
    data
}

// ---- programmes ------------------------------------------------------------------

/// Programmes at national size, in the same database as the documents:
/// a programme's page and progress at its heaviest (the programme with
/// the most activities, every target computed) and a province's list, as
/// an administrator and as the province's staff; the baseline one
/// partner organisation by id (the same authentication, scope and JSON).
/// Targets (issue 20): the page under 100 ms, the province's list under
/// 50 ms.
async fn programmes(x: &Ctx<'_>) {
    let (label, db, c, runs) = (x.label, x.db, &x.c, x.runs);
    let started = Instant::now();
    let data = bs::programs::generate_programs(
        db,
        env("BENCH_PROGRAMS", 5_000),
        env("BENCH_ACTIVITIES", 500_000),
        domain::time::today(),
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} programmes ({} of provinces), {} partner organisations, {} targets, {} activities (the busiest programme {}) generated in {}",
        data.programs,
        data.province_programs,
        data.organisations,
        data.targets,
        data.activities,
        data.busiest.1,
        ms(started.elapsed())
    );
    let (province, province_name) = data.province.clone();
    let staff = user(
        db,
        "bench.tinh.phoihop",
        Role::ProvinceStaff,
        vec![province],
    )
    .await;
    let base_uri = format!("/api/v1/partners/{}", data.organisation);
    let (_, body) = c.timed(&x.admin, &base_uri).await;
    assert_eq!(json(&body)["id"].as_i64(), Some(data.organisation));
    let base = p95_of(c, &x.admin, &base_uri, runs.max(30)).await;
    let base_text = format!("{} (an organisation by id)", ms(base));

    let id = data.busiest.0;
    let reads: Vec<(String, String)> = vec![
        (
            format!("/api/v1/programs/{id}/progress"),
            format!(
                "a programme's progress ({} activities, 4 targets computed)",
                data.busiest.1
            ),
        ),
        (
            format!("/programs/{id}"),
            "its page (HTML: progress, chart, 200 latest activities)".into(),
        ),
        (
            format!("/api/v1/programs?org_unit={province}"),
            format!("{province_name}'s programmes, first page"),
        ),
        (
            format!(
                "/api/v1/programs?org_unit={province}&active_on={}",
                domain::time::today()
            ),
            format!("{province_name}'s programmes running today"),
        ),
    ];
    for (uri, what) in &reads {
        for (who, token) in [("administrator", &x.admin), ("province staff", &staff)] {
            let (_, body) = c.timed(token, uri).await;
            if !uri.starts_with("/programs/") {
                let v = json(&body);
                assert!(
                    v.get("program").is_some() || total(&v) > 0,
                    "{label}: {uri} as {who}: {v}"
                );
            } else {
                let page = String::from_utf8_lossy(&body);
                assert!(page.contains("<svg"), "{label}: {uri} as {who} is the page");
            }
            let mut v = Vec::with_capacity(runs);
            for _ in 0..runs {
                v.push(c.timed(token, uri).await.0);
            }
            let (p50, p95) = (pct(v.clone(), 0.5), pct(v, 0.95));
            row(
                label,
                &format!("{what} as {who}, p50/p95 of {runs}"),
                &p50_p95(p50, p95),
                &base_text,
                &ratio(p95, base),
            );
        }
    }
}

async fn one(t: &TestDb) {
    reference::load(&t.db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    let admin = user(&t.db, "bench.admin", Role::Admin, vec![]).await;
    let state = web::AppState::new(t.db.clone(), web::WebConfig::default()).unwrap();
    let x = Ctx {
        label: t.label,
        db: &t.db,
        c: Client {
            router: web::router(state),
        },
        admin,
        runs: env("BENCH_RUNS", 30),
    };
    documents(&x).await;
    programmes(&x).await;
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
