//! Benchmarks of the security teams and their training at national size
//! (issue 19; docs/benchmarks.md). A program, not a timed test: it loads
//! the national units into a fresh database, generates villages with a
//! team each, their members, and two years of classes with enrolments,
//! attendance and results (`store::bench_support::generate_forces`), then
//! times through the real router, each figure beside a baseline measured
//! in the same run:
//!
//! - the national teams and members by province, and the busiest
//!   province's, in both views, p95 of BENCH_RUNS requests, vs. one plain
//!   GROUP BY over the open memberships;
//! - the busiest province's trainee-times this year in both views, vs. one
//!   plain count over its enrolments;
//! - recognising a member (eligibility checked, audited), vs. a one-row
//!   insert into a bare table;
//! - one batch of attendance marks (BENCH_MARKS, all or nothing), vs. the
//!   same number of rows into a bare table; and the same marks through the
//!   class's XLSX sheet, downloaded and uploaded again, vs. the JSON batch.
//!
//! `cargo bench -p web --bench forces` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). Sizes: BENCH_VILLAGES (82000),
//! BENCH_CLASSES (6 a commune), BENCH_MARKS (10000), BENCH_RUNS (30).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::Datelike;
use domain::accounts::Role;
use serde_json::{json, Value};
use store::bench_support as bs;
use store::org_units::reference;
use store::testing::TestDb;

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_261_206;

/// A write through the router: its time, status and answer.
async fn write(
    c: &Client,
    token: &str,
    method: Method,
    uri: &str,
    body: &Value,
) -> (Duration, StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let t = Instant::now();
    let (status, answer) = c.send(req).await;
    let took = t.elapsed();
    (
        took,
        status,
        serde_json::from_slice(&answer).unwrap_or(Value::Null),
    )
}

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
    let data = bs::generate_forces(
        db,
        env("BENCH_VILLAGES", 82_000),
        env("BENCH_CLASSES", 6),
        today,
        SEED,
    )
    .await
    .unwrap();
    eprintln!(
        "{label}: {} villages, {} teams, {} members, {} classes, {} enrolments, {} attendance marks generated in {}",
        data.villages,
        data.teams,
        data.members,
        data.classes,
        data.enrolments,
        data.attendance,
        ms(started.elapsed())
    );
    let (province, province_name) = bs::province_with_most_teams(db).await.unwrap();
    let admin = user(db, "bench.admin", Role::Admin, vec![]).await;
    let staff = user(db, "bench.tinh", Role::ProvinceStaff, vec![province]).await;
    let state = web::AppState::new(db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };

    // ---- teams and members by area --------------------------------------------
    let mut base = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        bs::plain_forces_counts(db).await.unwrap();
        base.push(t.elapsed());
    }
    let base = pct(base, 0.95);
    let uri = "/api/v1/forces-summary";
    let (_, body) = c.timed(&admin, uri).await;
    let s = json(&body);
    assert_eq!(
        s["totals"]["members"].as_i64().unwrap(),
        data.members as i64,
        "{label}: every member counted once"
    );
    let p95 = p95_of(&c, &admin, uri, runs).await;
    row(
        label,
        &format!(
            "national teams and members by province ({} teams, {} members), p95 of {runs}",
            data.teams, data.members
        ),
        &ms(p95),
        &format!("{} (GROUP BY over the open memberships)", ms(base)),
        &ratio(p95, base),
    );
    for view in ["as_now", "as_was"] {
        let uri = format!("/api/v1/forces-summary?org_unit={province}&view={view}");
        let (_, body) = c.timed(&staff, &uri).await;
        let s = json(&body);
        assert!(
            s["totals"]["teams"].as_i64().unwrap() > 0,
            "{label}: {view}"
        );
        let p95 = p95_of(&c, &staff, &uri, runs).await;
        row(
            label,
            &format!(
                "{province_name} teams and members, {view} ({} areas), p95 of {runs}",
                s["rows"].as_array().unwrap().len()
            ),
            &ms(p95),
            &ms(base),
            &ratio(p95, base),
        );
    }

    // ---- trainee-times ----------------------------------------------------------
    let from = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap();
    let mut plain = Vec::with_capacity(runs);
    let mut counted = 0;
    for _ in 0..runs {
        let t = Instant::now();
        counted = bs::plain_class_counts(db, province, from).await.unwrap();
        plain.push(t.elapsed());
    }
    let plain = pct(plain, 0.95);
    for view in ["as_now", "as_was"] {
        let uri = format!("/api/v1/training-summary?org_unit={province}&from={from}&view={view}");
        let (_, body) = c.timed(&staff, &uri).await;
        let s = json(&body);
        if view == "as_now" {
            assert_eq!(
                s["totals"]["trainees"].as_i64().unwrap(),
                counted,
                "{label}: trainee-times"
            );
        }
        let p95 = p95_of(&c, &staff, &uri, runs).await;
        row(
            label,
            &format!(
                "{province_name} trainee-times {}, {view} ({} classes, {counted} trainee-times), p95 of {runs}",
                today.year(),
                s["totals"]["classes"]
            ),
            &ms(p95),
            &format!("{} (a plain count of its enrolments)", ms(plain)),
            &ratio(p95, plain),
        );
    }

    // ---- recognising a member ----------------------------------------------------
    let (_, body) = c
        .timed(
            &admin,
            &format!("/api/v1/security-teams?org_unit={province}&per_page=100"),
        )
        .await;
    let teams: Vec<i64> = json(&body)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert!(!teams.is_empty(), "{label}: no team in {province_name}");
    let (mut adds, mut plain) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for r in 0..runs {
        let body = json!({
            "person": {"full_name": format!("Thành viên mới {r}"), "birth_date": "1985-05-05", "schooling": "upper_secondary"},
            "role": "to_vien",
            "start_on": today.to_string(),
            "decision_no": format!("{r}/QĐ-UBND"),
            "resident_since": "2010-01-01",
            "health_certified_on": (today - chrono::Duration::days(10)).to_string(),
            "no_sanction": true
        });
        let team = teams[r % teams.len()];
        let uri = format!("/api/v1/security-teams/{team}/members");
        let (took, status, answer) = write(&c, &admin, Method::POST, &uri, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {answer}");
        adds.push(took);
        let t = Instant::now();
        bs::plain_insert(db, &[format!("member {r}")])
            .await
            .unwrap();
        plain.push(t.elapsed());
    }
    let (add, plain) = (pct(adds, 0.95), pct(plain, 0.95));
    row(
        label,
        &format!("recognise a member (eligibility checked, audited), p95 of {runs}"),
        &ms(add),
        &format!("{} (one row into a bare table)", ms(plain)),
        &ratio(add, plain),
    );

    // ---- a batch of attendance -----------------------------------------------------
    let marks = env("BENCH_MARKS", 10_000);
    let days = 10;
    let trainees = marks.div_ceil(days).min(1_000);
    let (_, body) = c.timed(&admin, "/api/v1/courses").await;
    let course = json(&body)["items"][0]["id"].as_i64().unwrap();
    let commune = bs::communes_on(db, today).await.unwrap()[0];
    let first = today - chrono::Duration::days(20);
    let (_, status, class) = write(
        &c,
        &admin,
        Method::POST,
        "/api/v1/classes",
        &json!({"course_id": course, "organiser_unit_id": commune, "audience": "team_members",
                "starts_on": first.to_string(), "ends_on": (first + chrono::Duration::days(days as i64 - 1)).to_string(),
                "capacity": trainees}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{label}: {class}");
    let class = class["id"].as_i64().unwrap();
    let mut enrolled = Vec::with_capacity(trainees);
    for i in 0..trainees {
        let (_, status, e) = write(
            &c,
            &admin,
            Method::POST,
            &format!("/api/v1/classes/{class}/enrolments"),
            &json!({"person": {"full_name": format!("Học viên {i}"), "birth_date": "1990-01-01"}}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {e}");
        enrolled.push(e["id"].as_i64().unwrap());
    }
    let batch: Vec<Value> = (0..days)
        .flat_map(|d| {
            let day = (first + chrono::Duration::days(d as i64)).to_string();
            enrolled
                .iter()
                .map(move |e| json!({"enrolment_id": e, "session_on": day, "present": (e + d as i64) % 7 != 0}))
        })
        .collect();
    let n = batch.len();
    let (took, status, answer) = write(
        &c,
        &admin,
        Method::POST,
        &format!("/api/v1/classes/{class}/attendance"),
        &Value::Array(batch),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{label}: {answer}");
    assert_eq!(answer["written"].as_u64().unwrap() as usize, n, "{label}");
    let lines: Vec<String> = (0..n).map(|i| format!("mark {i}")).collect();
    let t = Instant::now();
    bs::plain_insert(db, &lines).await.unwrap();
    let plain = t.elapsed();
    row(
        label,
        &format!("{n} attendance marks in one batch ({trainees} trainees × {days} sessions, all or nothing, audited)"),
        &ms(took),
        &format!("{} ({n} rows into a bare table)", ms(plain)),
        &ratio(took, plain),
    );
    // The same marks as the officer sends them: the class's sheet,
    // downloaded and uploaded again.
    let (sheet_took, xlsx) = c
        .timed(&admin, &format!("/api/v1/classes/{class}/attendance.xlsx"))
        .await;
    assert!(xlsx.starts_with(b"PK"), "{label}: the sheet");
    let boundary = "----bench-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"diem-danh.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&xlsx);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(format!("/api/v1/classes/{class}/attendance/upload"))
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let t = Instant::now();
    let (status, answer) = c.send(req).await;
    let upload = t.elapsed();
    assert_eq!(
        status,
        StatusCode::OK,
        "{label}: {}",
        String::from_utf8_lossy(&answer)
    );
    let written = json(&answer)["written"].as_u64().unwrap() as usize;
    assert_eq!(written, n, "{label}: every mark of the sheet");
    row(
        label,
        &format!(
            "the class's attendance sheet: download ({} KiB XLSX) / upload filled in ({n} marks)",
            xlsx.len() / 1024
        ),
        &format!("{} / {}", ms(sheet_took), ms(upload)),
        &format!("{} (the same marks as JSON)", ms(took)),
        &ratio(upload, took),
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
