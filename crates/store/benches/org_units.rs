//! Benchmarks of the hierarchy (docs/benchmarks.md). Each figure is given
//! with a baseline measured in the same run, since machines are shared:
//!
//! - first load of the national units vs. a plain insert of the same rows;
//! - search vs. a `SELECT 1` round trip through the same pool;
//! - subtree counts vs. the same `SELECT 1`.
//!
//! `cargo bench -p store --bench org_units` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::org_units::Level;
use domain::page::Page;
use store::accounts::Scope;
use store::org_units::{self as units, reference, ListQuery};
use store::testing::TestDb;
use store::Db;

fn pct(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

async fn time<F, Fut>(n: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i).await;
        out.push(t.elapsed());
    }
    out
}

/// The same number of rows as the national data, into a table with no
/// index, closure or successor: what a load costs at the least.
async fn baseline_insert(db: &Db) -> Duration {
    let data = reference::ReferenceData::embedded();
    let names: Vec<String> = data
        .units_legacy
        .lines()
        .chain(data.units_2025.lines())
        .skip(1)
        .map(str::to_string)
        .collect();
    let t = Instant::now();
    store::bench_support::plain_insert(db, &names)
        .await
        .unwrap();
    t.elapsed()
}

async fn one(label: &str, t: &TestDb) -> Duration {
    let db = &t.db;
    let base_load = baseline_insert(db).await;
    let started = Instant::now();
    let r = reference::load(db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    let load = started.elapsed();
    println!(
        "| {label} | first load: {} units + {} links | {} | plain insert of the same rows {} | ×{:.1} |",
        r.units,
        r.links,
        ms(load),
        ms(base_load),
        load.as_secs_f64() / base_load.as_secs_f64()
    );

    let ping = time(500, |_| async { db.ping().await.unwrap() }).await;
    let ping95 = pct(ping.clone(), 0.95);

    // Queries people type: names of real units, folded or not, partial.
    let (sample, _) = units::list(
        db,
        Scope::All,
        &ListQuery {
            as_of: None,
            page: Page {
                page: 1,
                per_page: 500,
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut queries: Vec<String> = vec![
        "nam dinh".into(),
        "NAM ĐỊNH".into(),
        "ba dinh".into(),
        "xa".into(),
    ];
    for (i, v) in sample.iter().enumerate().step_by(3) {
        let s = &v.unit.short_name;
        queries.push(if i % 2 == 0 {
            domain::text::fold(s)
        } else {
            s.chars().take(4).collect()
        });
    }
    let search = time(queries.len() * 2, |i| {
        let q = queries[i % queries.len()].clone();
        async move {
            let (found, _) = units::list(
                db,
                Scope::All,
                &ListQuery {
                    q: Some(q.clone()),
                    page: Page {
                        page: 1,
                        per_page: 20,
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            // Every query is a real name, or part of one: it finds units.
            assert!(!found.is_empty(), "search {q:?} found nothing");
        }
    })
    .await;
    let s95 = pct(search.clone(), 0.95);
    if std::env::var("BENCH_VERBOSE").is_ok() {
        let mut worst: Vec<(Duration, &String)> = search
            .iter()
            .zip(queries.iter().cycle())
            .map(|(d, q)| (*d, q))
            .collect();
        worst.sort();
        for (d, q) in worst.iter().rev().take(8) {
            eprintln!("  slow: {q:?} {}", ms(*d));
        }
    }
    println!(
        "| {label} | search, {} queries over all units | p50 {} · p95 {} | SELECT 1 p95 {} | ×{:.1} |",
        search.len(),
        ms(pct(search, 0.5)),
        ms(s95),
        ms(ping95),
        s95.as_secs_f64() / ping95.as_secs_f64()
    );

    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let ninh_binh = units::resolve_code(db, Level::Province, "37", d("2026-01-01"))
        .await
        .unwrap()
        .unwrap()
        .id;
    let nam_dinh = units::resolve_code(db, Level::Province, "36", d("2025-01-01"))
        .await
        .unwrap()
        .unwrap()
        .id;
    for (what, f) in [
        ("subtree count, 2025 Ninh Bình (tree now)", 0),
        ("subtree count, legacy Nam Định (tree as it was)", 1),
        ("reach count, 2025 Ninh Bình (incl. legacy units)", 2),
    ] {
        let count = || async {
            match f {
                0 => units::count_subtree(db, ninh_binh).await.unwrap(),
                1 => units::count_subtree(db, nam_dinh).await.unwrap(),
                _ => units::count_reach(db, ninh_binh).await.unwrap(),
            }
        };
        let n = count().await;
        assert!(n > 0, "{what}: nothing counted");
        let runs = time(300, |_| async {
            count().await;
        })
        .await;
        let p95 = pct(runs.clone(), 0.95);
        println!(
            "| {label} | {what} = {n} | p50 {} · p95 {} | SELECT 1 p95 {} | ×{:.1} |",
            ms(pct(runs, 0.5)),
            ms(p95),
            ms(ping95),
            p95.as_secs_f64() / ping95.as_secs_f64()
        );
    }
    ping95
}

/// What authentication adds to a request: the session lookup, and the
/// scope filter a scoped user's query carries (vs. an unscoped one).
async fn auth(label: &str, t: &TestDb, ping95: Duration) {
    use domain::accounts::{new_secret, secret_hash, NewPassword, Role};
    use store::accounts::{self, NewUser, SessionLimits};
    let db = &t.db;
    let d = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let ward = units::resolve_code(db, Level::Commune, "13669", d)
        .await
        .unwrap()
        .unwrap();
    let hash = NewPassword::parse("mat-khau-do-dai-du")
        .unwrap()
        .hash()
        .unwrap();
    let user = accounts::create_user(
        db,
        store::audit::Author::System,
        &NewUser {
            username: "bench.user".into(),
            display_name: "Bench".into(),
            password_hash: hash,
            role: Role::CommuneOfficer,
            scopes: vec![ward.id],
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let secret = new_secret();
    accounts::create_session(
        db,
        user,
        &secret_hash(&secret),
        SessionLimits::default(),
        "bench",
    )
    .await
    .unwrap();
    let runs = time(500, |_| async {
        accounts::session_user(db, &secret_hash(&secret), SessionLimits::default())
            .await
            .unwrap()
            .unwrap();
    })
    .await;
    let p95 = pct(runs.clone(), 0.95);
    println!(
        "| {label} | session lookup (every authenticated request) | p50 {} · p95 {} | SELECT 1 p95 {} | ×{:.1} |",
        ms(pct(runs, 0.5)),
        ms(p95),
        ms(ping95),
        p95.as_secs_f64() / ping95.as_secs_f64()
    );
    let open = time(500, |_| async {
        units::get(db, Scope::All, ward.id).await.unwrap().unwrap();
    })
    .await;
    let scoped = time(500, |_| async {
        units::get(db, Scope::User(user), ward.id)
            .await
            .unwrap()
            .unwrap();
    })
    .await;
    let (o95, s95) = (pct(open, 0.95), pct(scoped.clone(), 0.95));
    println!(
        "| {label} | unit by id with a commune officer's scope | p50 {} · p95 {} (+{} over unscoped) | same query unscoped p95 {} | ×{:.1} |",
        ms(pct(scoped, 0.5)),
        ms(s95),
        ms(s95.saturating_sub(o95)),
        ms(o95),
        s95.as_secs_f64() / o95.as_secs_f64()
    );
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
            let label = t.label;
            let ping95 = one(label, &t).await;
            auth(label, &t, ping95).await;
        }
    });
}
