//! Benchmarks of certification at national size (issue 18;
//! docs/benchmarks.md). A program, not a timed test: it loads the national
//! units and the default criteria into a fresh database, generates
//! villages, sites and five years of cases with their steps
//! (`store::bench_support::generate_certification`), then times through
//! the real router, each figure beside a baseline measured in the same run:
//!
//! - the province dashboard (the busiest province, this year) in both
//!   views, and the national summary, p95 of BENCH_RUNS requests, vs. one
//!   plain GROUP BY over the year's cases;
//! - registering a commune's 50 residential areas in one request, vs. a
//!   plain insert of 50 rows into a bare table;
//! - a certificate PDF, vs. the same case as JSON.
//!
//! `cargo bench -p web --bench certification` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). Sizes: BENCH_VILLAGES (60000),
//! BENCH_SITES (20000), BENCH_RUNS (30).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::Datelike;
use domain::accounts::Role;
use store::bench_support as bs;
use store::org_units::reference;
use store::testing::TestDb;

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_261_205;

async fn one(t: &TestDb) {
    let label = t.label;
    let db = &t.db;
    let today = domain::time::today();
    let runs = env("BENCH_RUNS", 30);

    // ---- data ---------------------------------------------------------------
    let started = Instant::now();
    reference::load(db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    store::certification::criteria::load_default(db)
        .await
        .unwrap();
    let this_year = today.year();
    let data = bs::generate_certification(
        db,
        env("BENCH_VILLAGES", 60_000),
        env("BENCH_SITES", 20_000),
        (this_year - 4)..=this_year,
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} villages, {} sites, {} cases, {} steps generated in {}",
        data.villages,
        data.sites,
        data.cases,
        data.steps,
        ms(started.elapsed())
    );
    let (province, province_name) = bs::province_with_most_communes(db).await.unwrap();
    let admin = user(db, "bench.admin", Role::Admin, vec![]).await;
    let staff = user(db, "bench.tinh", Role::ProvinceStaff, vec![province]).await;
    let state = web::AppState::new(db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };

    // ---- the plain baseline: one GROUP BY over the year's cases -------------
    let mut base = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        bs::plain_certification_counts(db, this_year).await.unwrap();
        base.push(t.elapsed());
    }
    let base = pct(base, 0.95);
    let year_cases = data.cases / 5;

    // ---- dashboards ----------------------------------------------------------
    for view in ["as_now", "as_was"] {
        let uri = format!(
            "/api/v1/certification-summary?org_unit={province}&year={this_year}&view={view}"
        );
        let (_, body) = c.timed(&staff, &uri).await;
        let s = json(&body);
        let certified: i64 = s["totals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["certified"].as_i64().unwrap())
            .sum();
        assert!(
            certified > 0,
            "{label}: nothing certified in {province_name}"
        );
        let p95 = p95_of(&c, &staff, &uri, runs).await;
        row(
            label,
            &format!("{province_name} dashboard {this_year}, {view} ({} areas; {certified} certified), p95 of {runs}", s["rows"].as_array().unwrap().len()),
            &ms(p95),
            &format!("{} (GROUP BY over {year_cases} cases)", ms(base)),
            &ratio(p95, base),
        );
    }
    let uri = format!("/api/v1/certification-summary?year={this_year}");
    // The first national summary of a year builds its tallies (and the
    // trend's four years before it).
    let (first, _) = c.timed(&admin, &uri).await;
    row(
        label,
        &format!("first national summary {this_year}: builds the tallies of 5 years"),
        &ms(first),
        &ms(base),
        &ratio(first, base),
    );
    // The tallies give the figures the units give one by one, in both views.
    for view in [
        store::certification::View::Now,
        store::certification::View::Was,
    ] {
        let q = store::certification::SummaryQuery {
            org_unit: None,
            year: this_year,
            view,
            today,
        };
        let scope = store::accounts::Scope::All;
        let t = Instant::now();
        let counted = store::certification::summary::summary_unit_by_unit(db, scope, &q)
            .await
            .unwrap();
        let by_units = t.elapsed();
        let tallied = store::certification::summary::summary(db, scope, &q)
            .await
            .unwrap();
        assert_eq!(tallied, counted, "{label}: tallies {view:?}");
        if view == store::certification::View::Now {
            row(
                label,
                "national summary counted unit by unit (no tallies), once",
                &ms(by_units),
                &ms(base),
                &ratio(by_units, base),
            );
        }
    }
    // The national figures count every case once: as many certified as the
    // register lists.
    let (_, body) = c.timed(&admin, &uri).await;
    let national: i64 = json(&body)["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["certified"].as_i64().unwrap())
        .sum();
    let (_, body) = c
        .timed(
            &admin,
            &format!("/api/v1/certifications?year={this_year}&state=certified&per_page=1"),
        )
        .await;
    assert_eq!(
        national,
        json(&body)["total"].as_i64().unwrap(),
        "{label}: national certified"
    );
    let p95 = p95_of(&c, &admin, &uri, runs.min(10)).await;
    row(
        label,
        &format!(
            "national summary {this_year} (34 provinces, {year_cases} cases), p95 of {}",
            runs.min(10)
        ),
        &ms(p95),
        &ms(base),
        &ratio(p95, base),
    );

    // ---- registering a commune's 50 areas ------------------------------------
    let rules = store::certification::rules(db, domain::certification::Kind::Residential)
        .await
        .unwrap();
    let year = rules.year_of(today);
    // Registration closes with quarter I: after it, the last day it was open.
    let registered_on = today.min(rules.register_by(year));
    let communes = bs::communes_on(db, today).await.unwrap();
    let rounds = runs.min(10);
    let mut times = Vec::with_capacity(rounds);
    let mut plain = Vec::with_capacity(rounds);
    for r in 0..rounds {
        let commune = communes[(r * 97) % communes.len()];
        let ids = bs::villages_in(db, commune, 50, &format!("đăng ký {r}"))
            .await
            .unwrap();
        let body = serde_json::json!({
            "org_unit_ids": ids,
            "year": year,
            "registered_on": registered_on.to_string(),
        });
        let req = Request::post("/api/v1/certifications")
            .header(header::AUTHORIZATION, format!("Bearer {admin}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let t = Instant::now();
        let (status, answer) = c.send(req).await;
        times.push(t.elapsed());
        assert_eq!(
            status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&answer)
        );
        let lines: Vec<String> = (0..50).map(|i| format!("đơn vị {i}")).collect();
        let t = Instant::now();
        bs::plain_insert(db, &lines).await.unwrap();
        plain.push(t.elapsed());
    }
    let (reg, plain) = (pct(times, 0.95), pct(plain, 0.95));
    row(
        label,
        &format!("register 50 areas of a commune in one request, p95 of {rounds}"),
        &ms(reg),
        &format!("{} (50 rows into a bare table)", ms(plain)),
        &ratio(reg, plain),
    );

    // ---- a certificate ---------------------------------------------------------
    let (_, body) = c
        .timed(
            &admin,
            &format!(
                "/api/v1/certifications?org_unit={province}&year={}&state=certified&per_page=1",
                this_year - 1
            ),
        )
        .await;
    let id = json(&body)["items"][0]["id"].as_i64().unwrap();
    let pdf = p95_of(
        &c,
        &admin,
        &format!("/api/v1/certifications/{id}/certificate.pdf"),
        runs,
    )
    .await;
    let one_json = p95_of(&c, &admin, &format!("/api/v1/certifications/{id}"), runs).await;
    row(
        label,
        &format!("certificate PDF (A4, fonts embedded), p95 of {runs}"),
        &ms(pdf),
        &format!("{} (the case as JSON)", ms(one_json)),
        &ratio(pdf, one_json),
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
            one(&t).await;
            t.cleanup().await;
        }
    });
}
