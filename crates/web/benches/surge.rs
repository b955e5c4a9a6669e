//! The month-end surge (issue 24; docs/benchmarks.md, "Month-end surge"):
//! every commune of the country saves and submits its monthly form within
//! a few minutes while the provinces read their pivots and a large import
//! runs. A program, not a timed test.
//!
//! Data (a fresh database with the national units of 2025): a monthly
//! data set of BENCH_INDICATORS (28) summed indicators entered by the
//! communes and approved by the provinces; one commune officer for every
//! current commune (3,321; BENCH_OFFICERS fewer), each with a token and
//! scoped to their commune;
//! BENCH_STAFF (5) province staff of the provinces with most communes.
//!
//! Then, through the real router, over BENCH_SECONDS (300):
//!
//! - each officer, at a moment spread evenly over the window, saves the 28
//!   values of last month (`POST /api/v1/data-values`, rollups and audit
//!   included) and submits the form (`POST /api/v1/approvals`);
//! - each province staff reads the province's pivot by commune over the
//!   last twelve months (`GET /api/v1/analytics`) without pause;
//! - a third of the way in, the month before last of every commune
//!   (3,321 × 28 = 92,988 values) is imported in one transaction through
//!   `values::import`, what `POST /api/v1/data-values/import` and `binhyen
//!   import values` call;
//! - on PostgreSQL, every 20 ms, the longest any statement of the database
//!   is waiting for a lock (`pg_stat_activity`);
//! - beside them what `binhyen serve` runs: the audit sequencer and the
//!   rollups' folder, whose backlog (deltas waiting) is sampled.
//!
//! Printed: p50/p95/p99 and the most of each request kind (the saves also
//! while the import runs), values saved a second, the import's time, the
//! longest lock wait seen; the baseline (a unit by id) in the same run.
//! Targets (issue 24): a save's p95 under 50 ms during the surge, no
//! request held by the import for more than 200 ms.
//!
//! `cargo bench -p web --bench surge` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set); BENCH_DATABASE=sqlite or postgres
//! runs one backend. Every request must succeed. BENCH_PREPARE=FILE only
//! generates, keeps the database and describes it in FILE for
//! `scripts/scale` (the 1 → 2 → 3 server curve).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use domain::accounts::{secret_hash, NewPassword, Role};
use domain::statistics::{
    Calendar, DataSetInput, IndicatorInput, NewDataSet, NewIndicator, Period, PeriodType,
};
use store::accounts::{self, NewUser};
use store::audit::Author;
use store::bench_support as bs;
use store::org_units::reference;

#[path = "common/mod.rs"]
mod common;
use common::*;

/// What the surge needs from the generated data.
struct Data {
    codes: Vec<String>,
    /// (commune, its officer's token), in the order their forms come.
    officers: Vec<(i64, String)>,
    /// (province, its staff's token).
    staff: Vec<(i64, String)>,
    data_set: i64,
    /// The month the officers enter, and the one imported.
    month: Period,
    imported: Period,
}

async fn generate(label: &str, db: &store::Db) -> Data {
    let started = Instant::now();
    reference::load(db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    let n_ind = env("BENCH_INDICATORS", 28).max(1);
    let mut codes = Vec::with_capacity(n_ind);
    for k in 0..n_ind {
        let code = format!("thang_{k:02}");
        store::statistics::create_indicator(
            db,
            Author::System,
            domain::catalogue::Owner::National,
            &NewIndicator::parse(&IndicatorInput {
                code: code.clone(),
                name: format!("Chỉ tiêu tháng {}", k + 1),
                unit: "count".into(),
                aggregation: "sum".into(),
                ..Default::default()
            })
            .unwrap(),
            None,
        )
        .await
        .unwrap();
        codes.push(code);
    }
    let set = store::statistics::create_data_set(
        db,
        Author::System,
        domain::catalogue::Owner::National,
        &NewDataSet::parse(&DataSetInput {
            code: "bao_cao_thang".into(),
            name: "Báo cáo tháng phong trào toàn dân bảo vệ ANTQ".into(),
            period_type: "month".into(),
            calendar: "months".into(),
            entry: "commune".into(),
            approval_levels: vec!["province".into()],
            indicators: codes.clone(),
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let today = domain::time::today();
    let mut communes = bs::communes_on(db, today).await.unwrap();
    communes.truncate(env("BENCH_OFFICERS", usize::MAX));
    // One password hash for every account: Argon2 a few thousand times
    // would be most of the setup.
    let hash = NewPassword::parse("mat-khau-do-dai-du")
        .unwrap()
        .hash()
        .unwrap();
    let account = |name: String, role: Role, unit: i64| {
        let hash = hash.clone();
        async move {
            let id = accounts::create_user(
                db,
                Author::System,
                &NewUser {
                    username: name.clone(),
                    display_name: name,
                    password_hash: hash,
                    role,
                    scopes: vec![unit],
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
            let token = domain::accounts::new_secret();
            accounts::create_token(db, Author::System, id, &secret_hash(&token), "surge", None)
                .await
                .unwrap();
            token
        }
    };
    let mut officers = Vec::with_capacity(communes.len());
    for c in &communes {
        officers.push((
            *c,
            account(format!("xa.{c}"), Role::CommuneOfficer, *c).await,
        ));
    }
    let mut staff = Vec::new();
    for (p, _) in bs::provinces_by_communes(db, env("BENCH_STAFF", 5))
        .await
        .unwrap()
    {
        staff.push((
            p,
            account(format!("tinh.{p}"), Role::ProvinceStaff, p).await,
        ));
    }
    // Forms come in no order of units.
    let mut rng = rand_order(SEED_ORDER);
    for i in (1..officers.len()).rev() {
        officers.swap(i, rng(i + 1));
    }
    bs::analyze_all(db).await.unwrap();
    let this = Period::containing(today, PeriodType::Month, Calendar::Months).unwrap();
    let month = this.previous().unwrap();
    let imported = month.previous().unwrap();
    eprintln!(
        "{label}: {} indicators, {} officers, {} province staff generated in {}",
        codes.len(),
        officers.len(),
        staff.len(),
        ms(started.elapsed())
    );
    Data {
        codes,
        officers,
        staff,
        data_set: set.set.id,
        month,
        imported,
    }
}

const SEED_ORDER: u64 = 20_261_207;

/// A small deterministic generator of indices below `n` (xorshift): the
/// order of the forms, the same every run.
fn rand_order(seed: u64) -> impl FnMut(usize) -> usize {
    let mut x = seed | 1;
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    }
}

/// Latencies of one request kind, with when each started (seconds into
/// the surge).
#[derive(Default)]
struct Kind {
    took: Vec<(f64, Duration)>,
}

impl Kind {
    fn add(&mut self, at: f64, d: Duration) {
        self.took.push((at, d));
    }

    fn text(&self, during: Option<(f64, f64)>) -> String {
        let v: Vec<Duration> = self
            .took
            .iter()
            .filter(|(at, _)| during.is_none_or(|(a, b)| *at >= a && *at <= b))
            .map(|(_, d)| *d)
            .collect();
        if v.is_empty() {
            return "none".into();
        }
        let most = v.iter().max().copied().unwrap_or_default();
        format!(
            "{} requests: p50 {} · p95 {} · p99 {} · most {}",
            v.len(),
            ms(pct(v.clone(), 0.5)),
            ms(pct(v.clone(), 0.95)),
            ms(pct(v, 0.99)),
            ms(most)
        )
    }
}

#[derive(Default)]
struct Seen {
    saves: Kind,
    submits: Kind,
    pivots: Kind,
    /// The import's start and end, seconds into the surge.
    import: Option<(f64, f64)>,
    /// The longest lock wait seen and the statement that waited.
    longest_lock_wait_ms: Option<(f64, String)>,
    /// The most rollup deltas seen waiting for the folder.
    most_deltas_waiting: i64,
}

/// One officer's form: its values saved, then submitted.
async fn form(c: &Client, d: &Data, k: usize, seen: &Mutex<Seen>, t0: Instant) {
    let (unit, token) = &d.officers[k];
    let values: Vec<serde_json::Value> = d
        .codes
        .iter()
        .enumerate()
        .map(|(j, code)| {
            serde_json::json!({"indicator": code, "org_unit": unit,
                               "period": d.month.to_string(), "value": ((k + j) % 40) as f64})
        })
        .collect();
    let at = t0.elapsed().as_secs_f64();
    let (saved, _) = c
        .posted(
            token,
            "/api/v1/data-values",
            &serde_json::json!(values),
            StatusCode::OK,
        )
        .await;
    let at2 = t0.elapsed().as_secs_f64();
    let body = serde_json::json!({"data_set": d.data_set, "org_unit": unit,
                                  "period": d.month.to_string(), "action": "submit"});
    let (submitted, _) = c
        .posted(token, "/api/v1/approvals", &body, StatusCode::OK)
        .await;
    let mut s = seen.lock().unwrap();
    s.saves.add(at, saved);
    s.submits.add(at2, submitted);
}

/// The month before, of every commune, imported in one transaction.
async fn import(db: &store::Db, d: &Data) -> usize {
    use domain::file::UnitRef;
    use domain::statistics::file::ValueRow;
    use store::statistics::values;
    let rows: Vec<ValueRow> = d
        .officers
        .iter()
        .enumerate()
        .flat_map(|(k, (unit, _))| {
            d.codes.iter().enumerate().map(move |(j, code)| ValueRow {
                row: k * 100 + j + 2,
                unit: UnitRef::Id(*unit),
                period: d.imported,
                indicator: code.clone(),
                value: ((k + j) % 30) as f64,
                comment: None,
            })
        })
        .collect();
    let who = values::Who {
        author: Author::System,
        role: Role::Admin,
        scope: store::accounts::Scope::All,
    };
    values::import(db, who, &rows, domain::time::today(), values::Mode::Write)
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("import refused: {:?}", e.first()));
    rows.len()
}

async fn surge(label: &str, db: &store::Db, d: Arc<Data>) {
    let c = Arc::new(Client {
        router: web::router(web::AppState::new(db.clone(), web::WebConfig::default()).unwrap()),
    });
    let (probe, _) = &d.staff[0];
    let base_uri = format!("/api/v1/org-units/{probe}");
    let _ = c.timed(&d.staff[0].1, &base_uri).await;
    let base = p95_of(&c, &d.staff[0].1, &base_uri, 30).await;

    let window = Duration::from_secs(env("BENCH_SECONDS", 300) as u64);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let t0 = Instant::now();

    // The province staff, reading without pause.
    let twelve: Vec<String> = {
        let mut p = Some(d.month);
        let mut v = Vec::new();
        while let Some(m) = p.filter(|_| v.len() < 12) {
            v.push(m.to_string());
            p = m.previous();
        }
        v
    };
    let mut readers = Vec::new();
    for (province, token) in d.staff.clone() {
        let (c, seen, done) = (c.clone(), seen.clone(), done.clone());
        let uri = format!(
            "/api/v1/analytics?indicators={}&org_unit={province}&level=commune&periods={}&view=as_now",
            d.codes.join(","),
            twelve.join(",")
        );
        readers.push(tokio::spawn(async move {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let at = t0.elapsed().as_secs_f64();
                let (took, _) = c.timed(&token, &uri).await;
                seen.lock().unwrap().pivots.add(at, took);
            }
        }));
    }
    let background = beside_requests(db);
    // The lock sampler (PostgreSQL), and the folder's backlog.
    let sampler = {
        let (db, seen, done) = (db.clone(), seen.clone(), done.clone());
        tokio::spawn(async move {
            let mut looks = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(Some((w, what))) = bs::longest_lock_wait_ms(&db).await {
                    let mut s = seen.lock().unwrap();
                    if s.longest_lock_wait_ms.as_ref().is_none_or(|(m, _)| w > *m) {
                        s.longest_lock_wait_ms = Some((w, what));
                    }
                }
                // A count of the deltas is a scan: four times a second.
                looks += 1;
                if looks.is_multiple_of(12) {
                    if let Ok(n) = store::statistics::rollups::waiting(&db).await {
                        let mut s = seen.lock().unwrap();
                        s.most_deltas_waiting = s.most_deltas_waiting.max(n);
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    // The import, a third of the way in.
    let importer = {
        let (db, d, seen) = (db.clone(), d.clone(), seen.clone());
        tokio::spawn(async move {
            tokio::time::sleep(window / 3).await;
            let a = t0.elapsed().as_secs_f64();
            let n = import(&db, &d).await;
            let b = t0.elapsed().as_secs_f64();
            seen.lock().unwrap().import = Some((a, b));
            n
        })
    };
    // The officers, each at its moment of the window.
    let n = d.officers.len();
    let mut forms = Vec::with_capacity(n);
    for k in 0..n {
        let at = window.mul_f64(k as f64 / n as f64);
        let (c, d, seen) = (c.clone(), d.clone(), seen.clone());
        forms.push(tokio::spawn(async move {
            tokio::time::sleep_until(tokio::time::Instant::from_std(t0 + at)).await;
            form(&c, &d, k, &seen, t0).await;
        }));
    }
    for f in forms {
        f.await.unwrap();
    }
    let imported = importer.await.unwrap();
    let took = t0.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.await.unwrap();
    }
    sampler.await.unwrap();
    for b in background {
        b.abort();
    }

    let s = seen.lock().unwrap();
    let (a, b) = s.import.unwrap();
    let values = n * d.codes.len();
    let base_text = format!("{} (a unit by id)", ms(base));
    let what = |w: &str| {
        format!(
            "{n} forms of {} values in {} s: {w}",
            d.codes.len(),
            window.as_secs()
        )
    };
    row(
        label,
        &what("saves (POST /api/v1/data-values)"),
        &s.saves.text(None),
        &base_text,
        &ratio(pct(s.saves.took.iter().map(|x| x.1).collect(), 0.95), base),
    );
    row(
        label,
        &what("saves while the import ran"),
        &s.saves.text(Some((a, b))),
        "",
        "",
    );
    row(
        label,
        &what("submits (POST /api/v1/approvals)"),
        &s.submits.text(None),
        "",
        "",
    );
    row(
        label,
        &what("province pivots by commune, 12 months"),
        &s.pivots.text(None),
        "",
        "",
    );
    row(
        label,
        &what("province pivots while the import ran"),
        &s.pivots.text(Some((a, b))),
        "",
        "",
    );
    row(
        label,
        &what("values saved a second over the whole surge"),
        &format!(
            "{:.0} values/s ({values} values in {})",
            values as f64 / took.as_secs_f64(),
            ms(took)
        ),
        "",
        "",
    );
    row(
        label,
        &format!("import of {imported} values in one transaction, during the surge"),
        &format!(
            "{} ({:.0} values/s)",
            ms(Duration::from_secs_f64(b - a)),
            imported as f64 / (b - a)
        ),
        "",
        "",
    );
    row(
        label,
        "the most rollup deltas waiting for the folder (sampled every 240 ms)",
        &s.most_deltas_waiting.to_string(),
        "",
        "",
    );
    row(
        label,
        "the longest any statement waited for a lock (sampled every 20 ms)",
        &match &s.longest_lock_wait_ms {
            Some((w, what)) => format!("{w:.0} ms ({what})"),
            None => {
                "not observable on SQLite (one writer; a wait shows in the saves' times)".into()
            }
        },
        "",
        "",
    );
}

/// The generated data as scripts/scale reads it: where the database is,
/// the data set, the month entered, its indicators and the officers.
fn prepared(file: &str, url: &str, d: &Data) {
    let json = serde_json::json!({
        "database_url": url,
        "data_set": d.data_set,
        "month": d.month.to_string(),
        "codes": d.codes,
        "officers": d.officers,
    });
    std::fs::write(file, json.to_string()).unwrap();
}

fn main() {
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
        for t in backends().await {
            let d = Arc::new(generate(t.label, &t.db).await);
            // BENCH_PREPARE=FILE: generate only, keep the database and
            // write what a load from outside needs (scripts/scale).
            if let Ok(file) = std::env::var("BENCH_PREPARE") {
                prepared(&file, &t.url, &d);
                eprintln!("{}: kept at {}, described in {file}", t.label, t.url);
                // Its temporary folder outlives the program.
                std::mem::forget(t);
                continue;
            }
            surge(t.label, &t.db, d).await;
            t.cleanup().await;
        }
    });
}
