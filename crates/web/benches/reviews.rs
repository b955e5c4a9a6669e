//! Benchmarks of reviews (sơ kết, tổng kết) at national size (issue 22;
//! docs/benchmarks.md, "Reviews"). A program, not a timed test: it loads
//! the national units (34 provinces, 3,321 communes) into a fresh database,
//! fills every register a review reads with the generators of the other
//! benches, then times through the real router, every figure beside a
//! baseline measured in the same run (a unit by id: the same
//! authentication and JSON, one row).
//!
//! Data, in this order (the villages made first serve every register
//! after them):
//!
//! - BENCH_VILLAGES villages (100,000) and a festival for every commune in
//!   each of ten years (`bench_support::festivals`);
//! - the type catalogue and BENCH_MODELS models (300,000) over ten years,
//!   at those villages and the legacy and current communes
//!   (`generate_models`, no villages of its own);
//! - the default criteria and certification cases of every village, of
//!   BENCH_SITES sites (20,000) and of every commune of the year (legacy
//!   ones before 2025) for each year from 2021 to this one, with their
//!   steps (`generate_certification`);
//! - a team in every village with its members, and BENCH_CLASSES classes
//!   (6) of every commune over the last two years with enrolments,
//!   attendance and results (`generate_forces`);
//! - BENCH_COMMENDATIONS approved commendations (100,000) over ten years
//!   (`bench_support::commendations`);
//! - BENCH_DIRECTIVES national directives (100) of two tasks for every
//!   commune, issued from 2021 to mid-2025, and BENCH_PROVINCE_DIRECTIVES
//!   (20) of the province reviewed to its communes, issued from July to
//!   November 2025 (it stands since the 2025 reform), through the store
//!   as the API issues them, their owners spread over every state
//!   (`bench_support::directives`);
//! - statistics: BENCH_INDICATORS monthly indicators (10; the first is
//!   `tin_bao`, which the programmes' targets read) in one national data
//!   set, approved values for every current commune over the BENCH_MONTHS
//!   months (60) up to December 2025, and the rollups rebuilt. Not the
//!   statistics bench's 21 million values (100 indicators, minutes to
//!   generate and roll up): 2 million, enough for the review's table of
//!   indicators by year; the legacy communes carry no figures;
//! - BENCH_PROGRAMS programmes (5,000) with BENCH_ACTIVITIES activities
//!   (500,000) and their targets (`bench_support::programs`);
//! - no events (there is no generator; the festival's figures come from
//!   the festivals). Every table analyzed afterwards (`analyze_all`), as
//!   autovacuum would have it.
//!
//! Then, with the province of most communes and its staff (scoped to it):
//!
//! - the province's five-year review (`final`, 2021–2025) in both views,
//!   started by its staff (`POST /api/v1/reviews`), its narrative sections
//!   written: its figures assembled (`GET …/figures`: every source over
//!   the period, and headlines over 2016–2020), the first request apart,
//!   then p50 and p95 of BENCH_RUNS (5); the review with its figures; its
//!   DOCX and PDF (figures assembled, then rendered on a blocking thread),
//!   their size and the PDF's pages; the memory, sampled every 5 ms on a
//!   thread of its own while each figures and each document request runs:
//!   the most one request raised the heap (the anonymous resident set,
//!   `RssAnon`) and the resident set, and their peaks. SQLite maps its
//!   database file (up to 2 GB), so the resident set counts the file's
//!   pages read, and the heap keeps what the generators left;
//! - the national 20-year review (2006–2025; no unit, an administrator's)
//!   in both views, measured alike (BENCH_NATIONAL=0 skips it);
//! - where the time goes: each source of each review once through the
//!   store (`reviews::figures::SOURCES`), over the period and over the
//!   previous one (BENCH_BREAKDOWN=0 skips it).
//!
//! Every figure request must answer 200 and every source with data must
//! give figures (a headline or a table cell above zero).
//!
//! Targets (issue 22): a province's five-year review assembled under 2 s,
//! its DOCX and its PDF under 3 s each; a 20-year national review
//! assembled under 10 s; under 300 MB of memory while rendering.
//!
//! `cargo bench -p web --bench reviews` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). BENCH_KEEP=1 leaves the databases
//! behind (their address is printed); BENCH_REUSE=URL measures again on
//! one of them without generating; BENCH_DATABASE=sqlite or postgres runs
//! one backend.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, Request, StatusCode};
use chrono::{Datelike, Duration as Days, NaiveDate};
use domain::accounts::Role;
use domain::directives::{DirectiveInput, NewDirective, TaskInput};
use domain::statistics::{DataSetInput, IndicatorInput, NewDataSet, NewIndicator};
use serde_json::{json, Value};
use store::accounts::Scope;
use store::audit::Author;
use store::bench_support as bs;
use store::org_units::reference;
use store::reviews::figures::{Ask, SOURCES};

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_261_208;

/// The sources every review here must have figures from (the registers
/// generated); the programmes' and the statistics' are checked too when
/// their data reaches the period.
const REQUIRED: [&str; 7] = [
    "models",
    "certification",
    "forces",
    "training",
    "events",
    "commendations",
    "directives",
];

/// What every section shares: the database, the router, the users and
/// the baseline.
struct Ctx<'a> {
    label: &'static str,
    db: &'a store::Db,
    c: Client,
    admin: String,
    staff: String,
    runs: usize,
    /// The province of most communes, reviewed.
    province: i64,
    province_name: String,
    base: Duration,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn p50_p95(v: &[Duration]) -> (Duration, String) {
    let (p50, p95) = (pct(v.to_vec(), 0.5), pct(v.to_vec(), 0.95));
    (p95, format!("p50 {} · p95 {}", ms(p50), ms(p95)))
}

fn base_text(x: &Ctx<'_>) -> String {
    format!("{} (a unit by id)", ms(x.base))
}

fn mb(mib: f64) -> String {
    format!("{mib:.1} MB")
}

// ---- data ------------------------------------------------------------------

fn every_commune_task(title: &str, due: NaiveDate) -> TaskInput {
    TaskInput {
        title: Some(title.into()),
        due_on: Some(due.to_string()),
        expects: Some("text".into()),
        every_commune: Some(true),
        ..Default::default()
    }
}

/// `n` directives of `unit` (none: national) with two tasks to every
/// commune below, issued from `first` to `last`.
async fn directives(
    db: &store::Db,
    unit: Option<i64>,
    n: usize,
    symbol: &str,
    (first, last): (NaiveDate, NaiveDate),
) {
    let today = domain::time::today();
    let span = (last - first).num_days();
    for i in 0..n {
        let issued = first + Days::days(span * i as i64 / n.max(1) as i64);
        let input = DirectiveInput {
            org_unit_id: unit,
            reference: Some(format!("{}/{symbol}", i + 1)),
            subject: Some(format!("Kế hoạch thực hiện phong trào, đợt {}", i + 1)),
            issued_on: Some(issued.to_string()),
            tasks: Some(vec![
                every_commune_task("Báo cáo sơ kết", issued + Days::days(30)),
                every_commune_task("Báo cáo tổng kết", issued + Days::days(180)),
            ]),
            ..Default::default()
        };
        let d = NewDirective::parse(&input, today).unwrap();
        store::directives::create(db, Author::System, Scope::All, &d)
            .await
            .unwrap();
    }
}

/// Monthly indicators in one national data set, approved values for every
/// current commune over the months up to December 2025, the rollups
/// rebuilt.
async fn statistics(label: &str, db: &store::Db) {
    let n_ind = env("BENCH_INDICATORS", 10).max(1);
    let n_months = env("BENCH_MONTHS", 60).max(1);
    let started = Instant::now();
    let mut codes = Vec::with_capacity(n_ind);
    let mut ids = Vec::with_capacity(n_ind);
    for k in 0..n_ind {
        let (code, name) = if k == 0 {
            (
                "tin_bao".to_string(),
                "Tin báo về an ninh, trật tự".to_string(),
            )
        } else {
            (format!("chi_tieu_{k:03}"), format!("Chỉ tiêu {k}"))
        };
        let agg = ["sum", "sum", "sum", "last", "average"][k % 5];
        let i = store::statistics::create_indicator(
            db,
            Author::System,
            domain::catalogue::Owner::National,
            &NewIndicator::parse(&IndicatorInput {
                code: code.clone(),
                name,
                unit: "count".into(),
                aggregation: agg.into(),
                ..Default::default()
            })
            .unwrap(),
            None,
        )
        .await
        .unwrap();
        codes.push(code);
        ids.push(i.id);
    }
    store::statistics::create_data_set(
        db,
        Author::System,
        domain::catalogue::Owner::National,
        &NewDataSet::parse(&DataSetInput {
            code: "bench_thang".into(),
            name: "Báo cáo tháng về phong trào".into(),
            period_type: "month".into(),
            calendar: "months".into(),
            entry: "commune".into(),
            approval_levels: vec!["province".into()],
            indicators: codes,
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    // The months up to December 2025, oldest first.
    let months: Vec<String> = (0..n_months)
        .rev()
        .map(|back| {
            let i = 2025 * 12 + 11 - back as i32;
            format!("{}-{:02}", i.div_euclid(12), i.rem_euclid(12) + 1)
        })
        .collect();
    let current = bs::communes_on(db, domain::time::today()).await.unwrap();
    let values = bs::generate_values(db, &ids, &current, &months, SEED)
        .await
        .unwrap();
    bs::analyze_statistics(db).await.unwrap();
    let r = store::statistics::rollups::rebuild(db).await.unwrap();
    eprintln!(
        "{label}: {n_ind} indicators, {values} approved values ({} communes × {} to {}), {} rollup cells, generated and rolled up in {}",
        current.len(),
        months.first().unwrap(),
        months.last().unwrap(),
        r.cells,
        ms(started.elapsed())
    );
}

async fn generate(label: &'static str, db: &store::Db, province: i64) {
    let today = domain::time::today();
    let all = Instant::now();
    store::models::types::load_catalogue(db, store::models::types::DEFAULT_CATALOGUE, today)
        .await
        .unwrap();
    store::certification::criteria::load_default(db)
        .await
        .unwrap();

    let started = Instant::now();
    let f = bs::festivals::generate_festivals(db, env("BENCH_VILLAGES", 100_000), today, SEED)
        .await
        .unwrap();
    eprintln!(
        "{label}: {} villages, {} festivals {}–{}, generated in {}",
        f.villages,
        f.festivals,
        f.first_year,
        f.last_year,
        ms(started.elapsed())
    );

    let started = Instant::now();
    let m = bs::generate_models(db, 0, env("BENCH_MODELS", 300_000), SEED, today)
        .await
        .unwrap();
    eprintln!(
        "{label}: {} models, {} status changes, {} ratings, {} exemplars generated in {}",
        m.models,
        m.status_changes,
        m.ratings,
        m.exemplars,
        ms(started.elapsed())
    );

    let started = Instant::now();
    let cert =
        bs::generate_certification(db, 0, env("BENCH_SITES", 20_000), 2021..=today.year(), SEED)
            .await
            .unwrap();
    eprintln!(
        "{label}: {} villages, {} sites, {} certification cases 2021–{}, {} steps generated in {}",
        cert.villages,
        cert.sites,
        cert.cases,
        today.year(),
        cert.steps,
        ms(started.elapsed())
    );

    let started = Instant::now();
    let fo = bs::generate_forces(db, 0, env("BENCH_CLASSES", 6), today, SEED)
        .await
        .unwrap();
    eprintln!(
        "{label}: {} teams, {} members, {} classes, {} enrolments, {} attendance marks generated in {}",
        fo.teams,
        fo.members,
        fo.classes,
        fo.enrolments,
        fo.attendance,
        ms(started.elapsed())
    );

    let started = Instant::now();
    let co = bs::commendations::generate_commendations(
        db,
        env("BENCH_COMMENDATIONS", 100_000),
        today,
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} commendations {}–{} generated in {}",
        co.commendations,
        co.first_year,
        co.last_year,
        ms(started.elapsed())
    );

    let started = Instant::now();
    let national = env("BENCH_DIRECTIVES", 100);
    let own = env("BENCH_PROVINCE_DIRECTIVES", 20);
    // The national ones from 2021; the province's since it stands (the
    // 2025 reform), their first tasks due within 2025.
    directives(
        db,
        None,
        national,
        "KH-BCA",
        (day(2021, 1, 1), day(2025, 6, 30)),
    )
    .await;
    let since = day(2025, 7, 1);
    directives(
        db,
        Some(province),
        own,
        "KH-CAT",
        (since, day(2025, 11, 30)),
    )
    .await;
    let owners = bs::directives::spread_states(db).await.unwrap();
    eprintln!(
        "{label}: {national} national directives and {own} of the province, {owners} owner lines, issued and spread in {}",
        ms(started.elapsed())
    );

    statistics(label, db).await;

    let started = Instant::now();
    let p = bs::programs::generate_programs(
        db,
        env("BENCH_PROGRAMS", 5_000),
        env("BENCH_ACTIVITIES", 500_000),
        today,
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} programmes ({} of provinces), {} targets, {} activities generated in {}",
        p.programs,
        p.province_programs,
        p.targets,
        p.activities,
        ms(started.elapsed())
    );

    let started = Instant::now();
    bs::analyze_all(db).await.unwrap();
    eprintln!(
        "{label}: analyzed in {}; every register generated in {}",
        ms(started.elapsed()),
        ms(all.elapsed())
    );
}

// ---- requests ----------------------------------------------------------------

/// A PUT of a JSON body that must answer 200.
async fn put(c: &Client, token: &str, uri: &str, body: &Value) {
    let req = Request::put(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, answer) = c.send(req).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{uri}: {}",
        String::from_utf8_lossy(&answer[..answer.len().min(400)])
    );
}

/// A narrative section as staff write it: a few paragraphs.
fn narrative(section: &str, unit: &str) -> String {
    (1..=6)
        .map(|k| {
            format!(
                "{k}. Về {section}: trong giai đoạn vừa qua, {unit} đã quán triệt, triển khai đồng bộ các chỉ thị, \
                 kế hoạch của cấp trên về phong trào toàn dân bảo vệ an ninh Tổ quốc; phối hợp chặt chẽ với \
                 Ủy ban Mặt trận Tổ quốc, các đoàn thể và chính quyền cơ sở, phát huy vai trò của lực lượng \
                 tham gia bảo vệ an ninh, trật tự ở cơ sở, xây dựng, nhân rộng các mô hình tự quản, tự phòng, \
                 tự bảo vệ; kết quả cụ thể được nêu tại phần số liệu và phụ lục kèm theo."
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Starts a review as `token` (201), and writes its narrative sections.
async fn start(x: &Ctx<'_>, token: &str, body: &Value, unit_name: &str) -> i64 {
    let (took, answer) = x.c.created(token, "/api/v1/reviews", body).await;
    let id = json(&answer)["id"].as_i64().unwrap();
    eprintln!("{}: review {id} started in {}", x.label, ms(took));
    for s in [
        "situation",
        "results",
        "limitations",
        "lessons",
        "directions",
        "proposals",
    ] {
        put(
            &x.c,
            token,
            &format!("/api/v1/reviews/{id}/sections/{s}"),
            &json!({ "body": narrative(s, unit_name) }),
        )
        .await;
    }
    id
}

/// Whether a source's part holds any figure above zero (a headline or a
/// table cell).
fn has_figures(part: &Value) -> bool {
    let positive = |v: &Value| v.as_f64().is_some_and(|f| f > 0.0);
    part["headlines"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| positive(&h["value"]))
        || part["tables"].as_array().unwrap().iter().any(|t| {
            t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["values"].as_array().unwrap().iter().any(positive))
        })
}

/// Checks the figures (every required source has some) and counts them:
/// `(parts with figures, headlines, table rows)`.
fn check(x: &Ctx<'_>, what: &str, figures: &Value, required: &[&str]) -> (usize, usize, usize) {
    let parts = figures["parts"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: {what}: no parts: {figures}", x.label));
    assert!(!parts.is_empty(), "{}: {what}: no parts", x.label);
    for key in required {
        let part = parts
            .iter()
            .find(|p| p["source"] == *key)
            .unwrap_or_else(|| panic!("{}: {what}: no {key} part", x.label));
        assert!(
            has_figures(part),
            "{}: {what}: the {key} part is empty: {part}",
            x.label
        );
    }
    let empty: Vec<&str> = parts
        .iter()
        .filter(|p| !has_figures(p))
        .map(|p| p["source"].as_str().unwrap_or("?"))
        .collect();
    if !empty.is_empty() {
        eprintln!("{}: {what}: parts without figures: {empty:?}", x.label);
    }
    let headlines = parts
        .iter()
        .map(|p| p["headlines"].as_array().unwrap().len())
        .sum();
    let rows = parts
        .iter()
        .flat_map(|p| p["tables"].as_array().unwrap())
        .map(|t| t["rows"].as_array().unwrap().len())
        .sum();
    (parts.len() - empty.len(), headlines, rows)
}

/// The resident set and its anonymous part (the heap: what a request
/// allocates; the rest is mostly SQLite's database file, mapped), KiB.
fn resident() -> (u64, u64) {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        s.lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (kib("VmRSS:"), kib("RssAnon:"))
}

/// The resident set sampled every 5 ms on a thread of its own while a
/// request runs.
struct Sampler {
    before: (u64, u64),
    stop: Arc<AtomicBool>,
    peak: Arc<(AtomicU64, AtomicU64)>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start() -> Self {
        let before = resident();
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new((AtomicU64::new(before.0), AtomicU64::new(before.1)));
        let thread = {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || loop {
                let (rss, anon) = resident();
                peak.0.fetch_max(rss, Ordering::Relaxed);
                peak.1.fetch_max(anon, Ordering::Relaxed);
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            })
        };
        Sampler {
            before,
            stop,
            peak,
            thread,
        }
    }

    fn stop(self) -> Mem {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap();
        let mib = |k: u64| k as f64 / 1024.0;
        let (rss, anon) = (
            self.peak.0.load(Ordering::Relaxed),
            self.peak.1.load(Ordering::Relaxed),
        );
        Mem {
            heap_before: mib(self.before.1),
            heap_rise: mib(anon) - mib(self.before.1),
            heap_peak: mib(anon),
            rss_rise: mib(rss) - mib(self.before.0),
            rss_peak: mib(rss),
        }
    }
}

/// Memory while requests ran, MiB: the most any one raised it and the
/// highest it stood.
#[derive(Debug, Clone, Copy, Default)]
struct Mem {
    /// The heap before the request that raised it most.
    heap_before: f64,
    heap_rise: f64,
    heap_peak: f64,
    rss_rise: f64,
    rss_peak: f64,
}

impl Mem {
    fn max(self, o: Mem) -> Mem {
        let (heap_before, heap_rise) = if o.heap_rise > self.heap_rise {
            (o.heap_before, o.heap_rise)
        } else {
            (self.heap_before, self.heap_rise)
        };
        Mem {
            heap_before,
            heap_rise,
            heap_peak: self.heap_peak.max(o.heap_peak),
            rss_rise: self.rss_rise.max(o.rss_rise),
            rss_peak: self.rss_peak.max(o.rss_peak),
        }
    }

    fn text(self, label: &str) -> String {
        format!(
            "heap +{} over {} (peak {}); resident set +{} (peak {}{})",
            mb(self.heap_rise),
            mb(self.heap_before),
            mb(self.heap_peak),
            mb(self.rss_rise),
            mb(self.rss_peak),
            if label == "sqlite" {
                ", SQLite's mapped file included"
            } else {
                ""
            }
        )
    }
}

/// `runs` GETs of `uri`, the memory sampled during each: their times, the
/// last answer, and the memory.
async fn sampled(x: &Ctx<'_>, token: &str, uri: &str, runs: usize) -> (Vec<Duration>, Bytes, Mem) {
    let mut times = Vec::with_capacity(runs);
    let mut mem: Option<Mem> = None;
    let mut body = Bytes::new();
    for _ in 0..runs {
        let s = Sampler::start();
        let (took, b) = x.c.timed(token, uri).await;
        let m = s.stop();
        times.push(took);
        mem = Some(mem.map_or(m, |a| a.max(m)));
        body = b;
    }
    (times, body, mem.unwrap_or_default())
}

/// Pages of a PDF: its page objects (`/Type/Page` or `/Type /Page`, not
/// `/Pages` nor `/PageLabel`), counted in the bytes (krilla writes no
/// object streams).
fn pdf_pages(pdf: &[u8]) -> usize {
    let key = b"/Type";
    (0..pdf.len())
        .filter(|i| pdf[*i..].starts_with(key))
        .filter(|i| {
            let rest = &pdf[i + key.len()..];
            let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            rest.starts_with(b"/Page")
                && !rest
                    .get(b"/Page".len())
                    .is_some_and(|b| b.is_ascii_alphanumeric())
        })
        .count()
}

/// The document in `format` BENCH_RUNS times, the memory sampled during
/// each: its times, size and memory rows.
async fn document(x: &Ctx<'_>, token: &str, id: i64, what: &str, format: &str) {
    let uri = format!("/api/v1/reviews/{id}/document.{format}");
    let (times, body, mem) = sampled(x, token, &uri, x.runs).await;
    let magic: &[u8] = if format == "pdf" { b"%PDF" } else { b"PK" };
    assert!(
        body.starts_with(magic) && body.len() > 1_000,
        "{}: {what}: not a {format} ({} bytes)",
        x.label,
        body.len()
    );
    let (p95, text) = p50_p95(&times);
    row(
        x.label,
        &format!(
            "{what}: its {} (figures assembled, then rendered), p50/p95 of {}",
            format.to_uppercase(),
            x.runs
        ),
        &text,
        &base_text(x),
        &ratio(p95, x.base),
    );
    let pages = if format == "pdf" {
        format!(", {} pages", pdf_pages(&body))
    } else {
        String::new()
    };
    row(
        x.label,
        &format!(
            "{what}: its {} ({} bytes{pages}), memory while it is made (sampled every 5 ms, the most of {} requests)",
            format.to_uppercase(),
            body.len(),
            x.runs
        ),
        &mem.text(x.label),
        "",
        "",
    );
}

/// Each source of review `id` once through the store, over the period
/// and (headlines only) over the one before: where its time goes.
async fn breakdown(x: &Ctx<'_>, id: i64, what: &str) {
    let today = domain::time::today();
    let detail = store::reviews::detail(x.db, Scope::All, id).await.unwrap();
    let ask = Ask::of(&detail, today).unwrap();
    let before = Ask {
        period: ask.period.previous(),
        brief: true,
        ..ask.clone()
    };
    let compare = before.period.from.year >= domain::reviews::FIRST_YEAR;
    let mut times: Vec<(Duration, String)> = Vec::with_capacity(SOURCES.len());
    let mut total = Duration::ZERO;
    for s in SOURCES {
        let t = Instant::now();
        (s.assemble)(x.db, &ask).await.unwrap();
        let full = t.elapsed();
        let previous = if compare {
            let t = Instant::now();
            (s.assemble)(x.db, &before).await.unwrap();
            Some(t.elapsed())
        } else {
            None
        };
        let both = full + previous.unwrap_or_default();
        total += both;
        times.push((
            both,
            match previous {
                Some(p) => format!("{} {} + {}", s.key, ms(full), ms(p)),
                None => format!("{} {}", s.key, ms(full)),
            },
        ));
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    row(
        x.label,
        &format!(
            "{what}: where the time goes, each source once, slowest first ({})",
            if compare {
                "the period + the previous one, headlines only"
            } else {
                "no previous period: it would start before 1990"
            }
        ),
        &times
            .into_iter()
            .map(|t| t.1)
            .collect::<Vec<_>>()
            .join(" · "),
        &format!("total {}", ms(total)),
        "",
    );
}

/// Review `id` as `token` reads it: its figures (the first request apart),
/// the review with them, its DOCX and its PDF.
async fn measure(x: &Ctx<'_>, token: &str, id: i64, what: &str, target: &str, required: &[&str]) {
    let (label, c, runs) = (x.label, &x.c, x.runs);
    let uri = format!("/api/v1/reviews/{id}/figures");
    let (first, body) = c.timed(token, &uri).await;
    let (parts, headlines, rows) = check(x, what, &json(&body), required);
    row(
        label,
        &format!("{what}: its figures, the first request (the registers' caches cold)"),
        &ms(first),
        &base_text(x),
        &ratio(first, x.base),
    );
    let (v, last, mem) = sampled(x, token, &uri, runs).await;
    check(x, what, &json(&last), required);
    let (p95, text) = p50_p95(&v);
    row(
        label,
        &format!(
            "{what}: its figures assembled ({parts} sources with figures, {headlines} headlines, {rows} table rows; {} KB of JSON), p50/p95 of {runs} (target {target})",
            body.len() / 1024
        ),
        &text,
        &base_text(x),
        &ratio(p95, x.base),
    );
    row(
        label,
        &format!("{what}: memory while its figures are assembled (sampled every 5 ms, the most of {runs} requests)"),
        &mem.text(x.label),
        "",
        "",
    );
    let uri = format!("/api/v1/reviews/{id}");
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (took, body) = c.timed(token, &uri).await;
        let r = json(&body);
        assert_eq!(r["id"].as_i64(), Some(id), "{label}: {what}");
        check(x, what, &r["figures"], required);
        v.push(took);
    }
    let (p95, text) = p50_p95(&v);
    row(
        label,
        &format!("{what}: the review with its figures, p50/p95 of {runs}"),
        &text,
        &base_text(x),
        &ratio(p95, x.base),
    );
    document(x, token, id, what, "docx").await;
    document(x, token, id, what, "pdf").await;
    if env("BENCH_BREAKDOWN", 1) != 0 {
        breakdown(x, id, what).await;
    }
}

/// The province's five-year review in both views, started by its staff.
async fn province(x: &Ctx<'_>) {
    let mut required = REQUIRED.to_vec();
    required.extend(["programs", "statistics"]);
    for view in ["as_was", "as_now"] {
        let body = json!({
            "kind": "final",
            "subject": "Tổng kết 5 năm phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2021 - 2025",
            "org_unit_id": x.province,
            "from": "2021",
            "to": "2025",
            "view": view,
        });
        let id = start(x, &x.staff, &body, &x.province_name).await;
        let what = format!("{}, 5 years (2021–2025), {view}", x.province_name);
        measure(x, &x.staff, id, &what, "2 s; documents 3 s", &required).await;
    }
}

/// The national 20-year review (no unit: an administrator's) in both
/// views.
async fn national(x: &Ctx<'_>) {
    for view in ["as_was", "as_now"] {
        let body = json!({
            "kind": "final",
            "subject": "Tổng kết 20 năm phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2006 - 2025",
            "from": "2006",
            "to": "2025",
            "view": view,
        });
        let id = start(x, &x.admin, &body, "Bộ Công an").await;
        let what = format!("national, 20 years (2006–2025), {view}");
        measure(x, &x.admin, id, &what, "10 s", &REQUIRED).await;
    }
}

/// Generates the data into the fresh database `db` (unless `reused`: a
/// database a run kept) and measures.
async fn one(label: &'static str, db: &store::Db, reused: bool) {
    if !reused {
        // The units alone tell which province has most communes; the
        // registers follow.
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
    }
    let (province, province_name) = bs::province_with_most_communes(db).await.unwrap();
    if !reused {
        generate(label, db, province).await;
    }
    // A new name each run: a kept database already has the last run's.
    let pid = std::process::id();
    let admin = user(db, &format!("bench.admin{pid}"), Role::Admin, vec![]).await;
    let staff = user(
        db,
        &format!("bench.tinh.tongket{pid}"),
        Role::ProvinceStaff,
        vec![province],
    )
    .await;
    let state = web::AppState::new(db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };
    let runs = env("BENCH_RUNS", 5).max(1);
    let base_uri = format!("/api/v1/org-units/{province}");
    let _ = c.timed(&admin, &base_uri).await;
    let base = p95_of(&c, &admin, &base_uri, runs.max(30)).await;
    eprintln!(
        "{}: reviewing {province_name} (id {province}); baseline {}",
        label,
        ms(base)
    );
    let x = Ctx {
        label,
        db,
        c,
        admin,
        staff,
        runs,
        province,
        province_name,
        base,
    };
    self::province(&x).await;
    if env("BENCH_NATIONAL", 1) != 0 {
        national(&x).await;
    }
}

fn main() {
    // A failed request says why on standard error.
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::ERROR)
        .with_writer(std::io::stderr)
        .try_init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("| backend | measure | result | baseline (same run) | ratio |");
        println!("|---|---|---|---|---|");
        // BENCH_REUSE=URL measures again on a database a run kept (after
        // a code change: migrated first).
        if let Ok(url) = std::env::var("BENCH_REUSE") {
            let db = store::Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            let label = if db.is_postgres() {
                "postgres"
            } else {
                "sqlite"
            };
            one(label, &db, true).await;
            return;
        }
        // BENCH_DATABASE=postgres (or sqlite) runs one backend.
        for t in backends().await {
            one(t.label, &t.db, false).await;
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
