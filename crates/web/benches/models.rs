//! Benchmarks of movement models at national size (issue 4, "Scale and
//! speed"; docs/benchmarks.md). A program, not a timed test: it loads the
//! national units and the type catalogue into a fresh database, generates
//! villages and models (`store::bench_support::generate_models`), then
//! times through the real router, each figure with a baseline measured in
//! the same run:
//!
//! - the filtered list, first page, many filter combinations, as an
//!   administrator and as a province-scoped user, vs. an authenticated
//!   trivial endpoint (`GET /api/v1/model-types`) through the same router;
//! - the matrix of the busiest 2025 province today and on 2022-06-01, vs.
//!   one plain GROUP BY over the whole table (no hierarchy, no status of
//!   the day);
//! - the export of ~100,000 rows to XLSX vs. the same request as CSV, and
//!   the store query alone;
//! - the import of 100,000 new rows from XLSX, validation included, vs. a
//!   plain insert of the same rows into a bare table; peak RSS around it.
//!
//! `cargo bench -p web --bench models` (SQLite; PostgreSQL too when
//! BINHYEN_TEST_DATABASE_URL is set). Sizes: BENCH_MODELS (300000),
//! BENCH_VILLAGES (60000), BENCH_IMPORT (100000), BENCH_EXPORT (100000),
//! BENCH_REQUESTS (200, list requests per user). BENCH_VERBOSE=1 prints the
//! slowest filter combinations; BENCH_BREAKDOWN=0 skips the step-by-step
//! import (read, check, write through the store API on another batch);
//! BENCH_CATALOGUES=0 skips the province catalogues (BENCH_PROVINCE_TYPES,
//! 55 a province: loaded, hidden, listed); BENCH_COMPUTED=0 skips the
//! monthly form with the figures the models register computes
//! (BENCH_FORMS communes of the busiest province, 50).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use chrono::NaiveDate;
use domain::accounts::Role;
use domain::models::file::{Col, COLUMNS};
use files::{Cell, Column, Sheet};
use store::audit::Author;
use store::bench_support as bs;
use store::org_units::reference;
use store::testing::TestDb;
use store::Db;

#[path = "common/mod.rs"]
mod common;
use common::*;

const SEED: u64 = 20_250_701;

async fn one(t: &TestDb) {
    let label = t.label;
    let db = &t.db;
    let today = domain::time::today();
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();

    // ---- data -------------------------------------------------------------
    let started = Instant::now();
    reference::load(db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    store::models::types::load_catalogue(db, store::models::types::DEFAULT_CATALOGUE, today)
        .await
        .unwrap();
    let units_time = started.elapsed();
    let started = Instant::now();
    // BENCH_DATA_DAY fixes the day the generated models run up to (their
    // dates are drawn back from it), so that a small run makes the same
    // models every day and its filters' check is the same every day.
    let data_day = std::env::var("BENCH_DATA_DAY").map_or(today, |s| d(&s));
    let data = bs::generate_models(
        db,
        env("BENCH_VILLAGES", 60_000),
        env("BENCH_MODELS", 300_000),
        SEED,
        data_day,
    )
    .await
    .unwrap();
    let gen_time = started.elapsed();
    if std::env::var("BENCH_ONLY").as_deref() == Ok("data") {
        eprintln!("{label}: data generated in {}", ms(gen_time));
        return;
    }
    eprintln!(
        "{label}: national units + catalogue {}; generated {} villages, {} models, {} status changes, {} ratings, {} exemplars in {}",
        ms(units_time),
        data.villages,
        data.models,
        data.status_changes,
        data.ratings,
        data.exemplars,
        ms(gen_time)
    );
    let (province, province_name, province_models) = bs::busiest_province(db).await.unwrap();

    let admin = user(db, "bench.admin", Role::Admin, vec![]).await;
    let staff = user(db, "bench.tinh", Role::ProvinceStaff, vec![province]).await;
    let state = web::AppState::new(db.clone(), web::WebConfig::default()).unwrap();
    let c = Client {
        router: web::router(state),
    };

    // A commune of the province, a type and a legacy province to filter by.
    let (_, body) = c
        .timed(
            &admin,
            &format!("/api/v1/models?org_unit={province}&per_page=1"),
        )
        .await;
    let sample = json(&body)["items"][0].clone();
    let sample_unit = sample["org_unit_id"].as_i64().unwrap();
    let type_id = sample["type_id"].as_i64().unwrap();
    // Its field and founding day: filters that find it whatever the
    // catalogue's fields and the generated dates.
    let sector = sample["sector"].as_str().unwrap().to_string();
    let founded = sample["founded_on"].as_str().unwrap().to_string();
    let rated = sample["last_rating"]
        .as_str()
        .map(|r| format!("&rating={r}"))
        .unwrap_or_default();
    // A number people search by: the sample's own (names end in one), so
    // that the search finds a model in the province at any size.
    let number: String = sample["name"]
        .as_str()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    let legacy_province = store::org_units::resolve_code(
        db,
        domain::org_units::Level::Province,
        "36",
        d("2024-01-01"),
    )
    .await
    .unwrap()
    .map(|u| u.id)
    .unwrap_or(province);
    eprintln!("{label}: busiest 2025 province {province_name} (id {province}) with {province_models} models");

    // ---- 1. filtered list -------------------------------------------------
    let p = province;
    let scoped_filters: Vec<String> = vec![
        format!("org_unit={p}"),
        format!("org_unit={p}&as_of=2022-06-01"),
        format!("org_unit={p}&status=active"),
        format!("org_unit={p}&as_of=2022-06-01&status=paused"),
        format!("org_unit={p}&type={type_id}"),
        format!("org_unit={p}&field={sector}&status=active"),
        format!("org_unit={p}&rating=good"),
        format!("org_unit={p}&as_of=2023-06-01&rating=fair"),
        format!("org_unit={p}&exemplar=true"),
        format!("org_unit={p}&as_of=2024-01-01&exemplar=true"),
        format!("org_unit={p}&founded_from=2019-01-01&founded_to=2019-12-31"),
        format!("org_unit={p}&q=tuan%20tra"),
        format!("org_unit={p}&q=lien+gia&status=active&sort=name"),
        format!("org_unit={sample_unit}"),
        format!("org_unit={sample_unit}&as_of={founded}&status=active"),
        "status=dissolved".into(),
        format!("type={type_id}{rated}"),
        "field=residential&exemplar=false&sort=-founded_on".into(),
        format!("q={number}"),
        "founded_from=2020-03-01&founded_to=2020-03-31&sort=founded_on".into(),
    ];
    let mut admin_filters = scoped_filters.clone();
    admin_filters.extend([
        format!("org_unit={legacy_province}&as_of=2022-06-01"),
        format!("org_unit={legacy_province}&as_of=2022-06-01&status=active&field=residential"),
        "exemplar=true".into(),
        "as_of=2022-06-01&status=active".into(),
        "rating=weak&q=an%20toan".into(),
    ]);
    let n = env("BENCH_REQUESTS", 200);
    let base = {
        let mut v = Vec::with_capacity(n);
        for i in 0..n {
            let tok = if i % 2 == 0 { &admin } else { &staff };
            v.push(c.timed(tok, "/api/v1/model-types").await.0);
        }
        v
    };
    let base95 = pct(base.clone(), 0.95);
    let mut all = Vec::new();
    let mut timings: Vec<(Duration, String)> = Vec::new();
    for (who, tok, filters) in [
        ("administrator", &admin, &admin_filters),
        ("province staff", &staff, &scoped_filters),
    ] {
        let mut v = Vec::with_capacity(n);
        let mut found: std::collections::HashMap<&str, usize> = Default::default();
        for i in 0..n {
            let f = &filters[i % filters.len()];
            let (t, body) = c.timed(tok, &format!("/api/v1/models?{f}")).await;
            v.push(t);
            timings.push((t, format!("{who}: {f}")));
            found.insert(f, json(&body)["items"].as_array().unwrap().len());
        }
        // A filter that finds nothing measures an empty answer: every one
        // must find models, at any size.
        let empty: Vec<&&str> = found
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(f, _)| f)
            .collect();
        assert!(
            empty.is_empty(),
            "{label} {who}: {} of {} filters found no model: {empty:?}",
            empty.len(),
            found.len()
        );
        let p95 = pct(v.clone(), 0.95);
        row(
            label,
            &format!(
                "list, first page (20), {n} requests over {} filter combinations ({} with models), as {who}",
                found.len(),
                found.len() - empty.len()
            ),
            &format!(
                "p50 {} · **p95 {}** · max {}",
                ms(pct(v.clone(), 0.5)),
                ms(p95),
                ms(pct(v.clone(), 1.0))
            ),
            &format!("GET /api/v1/model-types p95 {}", ms(base95)),
            &ratio(p95, base95),
        );
        all.extend(v);
    }
    if std::env::var("BENCH_VERBOSE").is_ok() {
        // Each combination's median: the ones that make the p95.
        let mut by: std::collections::BTreeMap<String, Vec<Duration>> = Default::default();
        for (t, f) in timings {
            by.entry(f).or_default().push(t);
        }
        let mut medians: Vec<(Duration, Duration, String)> = by
            .into_iter()
            .map(|(f, v)| (pct(v.clone(), 0.5), pct(v, 1.0), f))
            .collect();
        medians.sort();
        for (p50, max, f) in medians.iter().rev().take(15) {
            eprintln!("  slow list: p50 {} max {} {f}", ms(*p50), ms(*max));
        }
    }

    // ---- 2. matrix --------------------------------------------------------
    for (day, when) in [(None, "today"), (Some("2022-06-01"), "2022-06-01")] {
        let uri = match day {
            None => format!("/api/v1/models/matrix?org_unit={p}"),
            Some(x) => format!("/api/v1/models/matrix?org_unit={p}&as_of={x}"),
        };
        let (_, body) = c.timed(&admin, &uri).await;
        let m = json(&body);
        let rows = m["rows"].as_array().map_or(0, Vec::len);
        let columns = m["columns"].as_array().map_or(0, Vec::len);
        let total = m["total"].as_i64().unwrap_or(0);
        assert!(
            rows > 0 && columns > 0 && total > 0,
            "{label}: empty matrix {when}"
        );
        let mut v = Vec::new();
        let mut s = Vec::new();
        for _ in 0..10 {
            v.push(c.timed(&admin, &uri).await.0);
            s.push(c.timed(&staff, &uri).await.0);
        }
        let date = day.map_or(today, d);
        let mut b = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            bs::plain_group_by(db, date).await.unwrap();
            b.push(t.elapsed());
        }
        let (p50, mx, s_mx, b50) = (pct(v.clone(), 0.5), pct(v, 1.0), pct(s, 1.0), pct(b, 0.5));
        row(
            label,
            &format!(
                "matrix of {province_name} on {when}: {rows} rows × {columns} columns, {total} active models (10 runs)"
            ),
            &format!(
                "p50 {} · **max {}** (province staff max {})",
                ms(p50),
                ms(mx),
                ms(s_mx)
            ),
            &format!("one GROUP BY unit, sector over all models p50 {}", ms(b50)),
            &ratio(p50, b50),
        );
    }

    // ---- 4. export (before the import, which adds rows) --------------------
    let want = env("BENCH_EXPORT", 100_000) as i64;
    let since = bs::founded_since(db, want).await.unwrap();
    let filter = format!("founded_from={since}");
    // The list's total stops at COUNT_CAP: the export itself says how many.
    let mut matched = 0i64;
    let mut xl = Vec::new();
    let mut cs = Vec::new();
    let mut q = Vec::new();
    let (mut xl_file, mut csv_file) = (Default::default(), Default::default());
    for _ in 0..2 {
        let (t, b) = c
            .timed(&admin, &format!("/api/v1/models?{filter}&format=xlsx"))
            .await;
        xl.push(t);
        xl_file = b;
        let (t, b) = c
            .timed(&admin, &format!("/api/v1/models?{filter}&format=csv"))
            .await;
        cs.push(t);
        csv_file = b;
        let t = Instant::now();
        let rows = store::models::query::export(
            db,
            store::accounts::Scope::All,
            &store::models::ModelQuery {
                founded_from: Some(since),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        q.push(t.elapsed());
        matched = rows.len() as i64;
    }
    // Both files hold every model the store query found (and the header).
    for (what, file) in [("xlsx", &xl_file), ("csv", &csv_file)] {
        let mut lines = 0i64;
        files::read_rows::<files::FilesError>(file, |_, _| {
            lines += 1;
            Ok(())
        })
        .unwrap();
        assert!(matched > 0, "{label}: the export found no model");
        assert_eq!(lines, matched + 1, "{label}: {what} rows");
    }
    let (xl, cs, q) = (pct(xl, 0.0), pct(cs, 0.0), pct(q, 0.0));
    row(
        label,
        &format!(
            "export of {matched} models to XLSX ({:.1} MB), best of 2",
            xl_file.len() as f64 / 1e6
        ),
        &format!("**{}**", ms(xl)),
        &format!(
            "same request as CSV ({:.1} MB) {} · the store query alone {}",
            csv_file.len() as f64 / 1e6,
            ms(cs),
            ms(q)
        ),
        &format!("{} ({} over the query)", ratio(xl, cs), ratio(xl, q)),
    );

    // ---- 3. import ----------------------------------------------------------
    let n_import = env("BENCH_IMPORT", 100_000);
    let rows = bs::import_rows(db, "nhập", n_import, SEED + 1, today)
        .await
        .unwrap();
    let sheet = import_sheet(&rows, None);
    let file = files::xlsx(std::slice::from_ref(&sheet)).unwrap();
    let lines: Vec<String> = rows
        .iter()
        .map(|(name, code, unit, day)| format!("{name},{code},{unit},{day}"))
        .collect();
    drop(sheet);
    let file_mb = file.len() as f64 / 1e6;
    let req = upload(&admin, "/api/v1/models/import", &file);
    drop(file);
    let reset = reset_peak();
    let (_, rss_before) = memory();
    let t = Instant::now();
    let (status, res) = c.send(req).await;
    let import_time = t.elapsed();
    let (peak, rss_after) = memory();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res[..res.len().min(2000)])
    );
    assert_eq!(json(&res)["new"].as_u64(), Some(n_import as u64));
    let t = Instant::now();
    bs::plain_insert(db, &lines).await.unwrap();
    let plain = t.elapsed();
    row(
        label,
        &format!("import of {n_import} new models from XLSX ({file_mb:.1} MB), validation included, one request"),
        &format!(
            "**{}** · peak RSS {peak:.0} MiB{} (before {rss_before:.0}, after {rss_after:.0})",
            ms(import_time),
            if reset { "" } else { " (whole run: peak not reset)" }
        ),
        &format!("plain insert of the same rows into a bare table {}", ms(plain)),
        &ratio(import_time, plain),
    );
    round_trip(label, &c, &admin, &rows, import_time).await;
    if env("BENCH_BREAKDOWN", 1) == 1 {
        breakdown(label, db, n_import, today).await;
    }
    if env("BENCH_COMPUTED", 1) == 1 {
        computed(label, db, &c, &admin, province, today).await;
    }
    if env("BENCH_CATALOGUES", 1) == 1 {
        catalogues(label, db, &c, (admin.as_str(), staff.as_str()), n, today).await;
    }
}

/// The monthly form of BENCH_FORMS communes of the busiest province
/// (`GET /api/v1/data-values`, last closed month), whose four model
/// figures the models register counts while the form is open (issue 16),
/// against the same forms with those four indicators typed (the register
/// not asked). Each computed figure is checked against the model list of
/// the commune on the period's last day.
async fn computed(label: &str, db: &Db, c: &Client, admin: &str, province: i64, today: NaiveDate) {
    use domain::statistics::{IndicatorInput, NewIndicator, Period, PeriodType};
    store::statistics::load_catalogue(db).await.unwrap();
    let set = store::statistics::data_set_by_code(db, "bao_cao_thang")
        .await
        .unwrap()
        .unwrap();
    let period = Period::containing(today, PeriodType::Month, set.calendar)
        .and_then(Period::previous)
        .unwrap();
    let last = period.last_day(set.calendar);
    // The 2025 communes sit right under their province.
    let q = store::org_units::ListQuery {
        parent: Some(province),
        level: Some(domain::org_units::Level::Commune),
        page: domain::page::Page {
            page: 1,
            per_page: env("BENCH_FORMS", 50) as u32,
        },
        ..Default::default()
    };
    let mine: Vec<i64> = store::org_units::list(db, store::accounts::Scope::All, &q)
        .await
        .unwrap()
        .0
        .into_iter()
        .map(|v| v.unit.id)
        .collect();
    let forms = async || {
        let mut times = Vec::with_capacity(mine.len());
        let mut active = Vec::with_capacity(mine.len());
        for id in &mine {
            let uri = format!(
                "/api/v1/data-values?data_set={}&org_unit={id}&period={period}",
                set.id
            );
            let (t, body) = c.timed(admin, &uri).await;
            let v = json(&body);
            let so = v["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["code"] == "so_mo_hinh")
                .map(|x| x["value"].as_f64());
            active.push(so.flatten());
            times.push(t);
        }
        (times, active)
    };
    let (with_register, figures) = forms().await;
    // The list counts a split legacy commune's models under every one of
    // its successors, the register under the default one only: a commune
    // that another's split went into (not as its default) may count fewer.
    let (mut agree, mut split) = (0, 0);
    for (id, f) in mine.iter().zip(&figures) {
        let (_, body) = c
            .get(
                admin,
                &format!("/api/v1/models?org_unit={id}&as_of={last}&status=active&per_page=1"),
            )
            .await;
        let listed = json(&body)["total"].as_f64();
        if listed == *f {
            agree += 1;
            continue;
        }
        let from_split = store::org_units::predecessors(db, *id)
            .await
            .unwrap()
            .iter()
            .any(|p| p.kind == "split" && !p.is_default);
        assert!(
            from_split && f.unwrap_or(0.0) < listed.unwrap_or(0.0),
            "{label}: commune {id}: the register counts {f:?}, the list {listed:?}"
        );
        split += 1;
    }
    // The same forms with the four figures typed instead.
    let computed_ones: Vec<domain::statistics::Indicator> = store::statistics::indicators(db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|i| i.computed.is_some())
        .collect();
    let typed = |i: &domain::statistics::Indicator, computed: Option<String>| {
        NewIndicator::parse(&IndicatorInput {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit.as_str().into(),
            aggregation: i.aggregation.as_str().into(),
            description: i.description.clone(),
            computed,
            ..Default::default()
        })
        .unwrap()
    };
    for i in &computed_ones {
        store::statistics::update_indicator(db, Author::System, i.id, &typed(i, None))
            .await
            .unwrap();
    }
    let (without, _) = forms().await;
    for i in &computed_ones {
        let back = typed(i, i.computed.map(|c| c.as_str().to_owned()));
        store::statistics::update_indicator(db, Author::System, i.id, &back)
            .await
            .unwrap();
    }
    let (a, b) = (pct(with_register, 0.95), pct(without, 0.95));
    row(
        label,
        &format!("the monthly form of {} communes of the busiest province ({period}), its four model figures counted by the register; so_mo_hinh equal to the model list on {last} for {agree}, fewer for the {split} that received part of a split commune", mine.len()),
        &format!("**p95 {}**", ms(a)),
        &format!("the same forms, the four figures typed: p95 {}", ms(b)),
        &ratio(a, b),
    );
}

/// Province catalogues at national size (issue 16): every current
/// province loads BENCH_PROVINCE_TYPES (55) types of its own through the
/// catalogue import and hides five national ones; then the catalogue as
/// administrators (every province's types) and as a province's staff (the
/// national ones and their own), against the same request before.
async fn catalogues(
    label: &str,
    db: &Db,
    c: &Client,
    (admin, staff): (&str, &str),
    n: usize,
    today: NaiveDate,
) {
    use domain::catalogue::{Catalogue, Owner};
    use domain::models::type_file::TypeRow;
    use domain::models::ModelTypeInput;
    let timed = |tok: &str| {
        let tok = tok.to_string();
        async move {
            let mut v = Vec::with_capacity(n);
            let mut items = 0;
            for _ in 0..n {
                let (t, body) = c.timed(&tok, "/api/v1/model-types").await;
                items = json(&body)["items"].as_array().unwrap().len();
                v.push(t);
            }
            (pct(v, 0.95), items)
        }
    };
    let (before, before_items) = timed(staff).await;
    let per = env("BENCH_PROVINCE_TYPES", 55);
    let provinces = store::catalogue::provinces(db, None).await.unwrap();
    let national: Vec<i64> = store::models::types::list(db, false)
        .await
        .unwrap()
        .into_iter()
        .take(5)
        .map(|t| t.id)
        .collect();
    let mut loads = Vec::with_capacity(provinces.len());
    for p in &provinces {
        let rows: Vec<TypeRow> = (0..per)
            .map(|k| TypeRow {
                row: k + 2,
                input: ModelTypeInput {
                    code: Some(format!("p{}_{k:02}", p.id)),
                    name: Some(format!("Mô hình {k} của {}", p.name)),
                    sector: Some("residential".into()),
                    targets: Some(vec!["village".into(), "commune".into()]),
                    ..Default::default()
                },
                source: Some("Công an tỉnh".into()),
            })
            .collect();
        let started = Instant::now();
        let done = store::models::types::import(
            db,
            Author::System,
            Owner::Province(p.id),
            &rows,
            Vec::new(),
            (today, &domain::file::Mode::Apply),
        )
        .await
        .unwrap();
        loads.push(started.elapsed());
        assert!(
            matches!(done, domain::file::Imported::All(_)),
            "{label}: {} refused",
            p.name
        );
        for id in &national {
            store::catalogue::set_hidden(
                db,
                Author::System,
                Catalogue::ModelType,
                *id,
                Owner::National,
                p.id,
                true,
            )
            .await
            .unwrap();
        }
    }
    let total = per * provinces.len();
    row(
        label,
        &format!("{} provinces each load {per} types of their own (catalogue import, one transaction each, audited), {total} in all", provinces.len()),
        &format!("p50 {} · max {} a province", ms(pct(loads.clone(), 0.5)), ms(pct(loads, 1.0))),
        "",
        "",
    );
    let (after_staff, staff_items) = timed(staff).await;
    let (after_admin, admin_items) = timed(admin).await;
    assert_eq!(
        staff_items,
        before_items + per,
        "{label}: the province staff's catalogue"
    );
    assert!(
        admin_items >= total,
        "{label}: the administrators' catalogue holds {admin_items}"
    );
    for (who, t, items) in [
        ("province staff", after_staff, staff_items),
        ("administrator", after_admin, admin_items),
    ] {
        row(
            label,
            &format!("`GET /api/v1/model-types` as {who} ({items} types, five national ones hidden per province), {n} requests"),
            &format!("**p95 {}**", ms(t)),
            &format!("the same as province staff before, {before_items} national types, p95 {}", ms(before)),
            &ratio(t, before),
        );
    }
}

/// Where the import's time goes: the same steps as the handler
/// (`web::models::files::import_file`: `files::read_table`, then
/// `store::models::import_file`), timed one by one on another batch.
async fn breakdown(label: &str, db: &Db, n: usize, today: NaiveDate) {
    use domain::models::file::ModelFile;
    let rows = bs::import_rows(db, "lô hai", n, SEED + 2, today)
        .await
        .unwrap();
    let file = files::xlsx(&[import_sheet(&rows, None)]).unwrap();
    let t = Instant::now();
    let (parsed, refused) = files::read_table::<ModelFile>(&file, |_| {})
        .unwrap()
        .unwrap();
    assert!(refused.is_empty());
    let read = t.elapsed();
    let t = Instant::now();
    let checked = store::models::check::check(db, store::accounts::Scope::All, &parsed, today)
        .await
        .unwrap()
        .unwrap();
    let check = t.elapsed();
    drop(parsed);
    let t = Instant::now();
    store::models::apply(db, Author::System, checked, "bench", |_| {})
        .await
        .unwrap();
    let write = t.elapsed();
    eprintln!(
        "{label}: import of {n} rows step by step: read and parse the XLSX {}, check against the database {}, write {}",
        ms(read),
        ms(check),
        ms(write)
    );
    row(
        label,
        &format!("import of {n} more models, step by step (store API, no HTTP)"),
        &format!(
            "read XLSX {} · check {} · write {}",
            ms(read),
            ms(check),
            ms(write)
        ),
        "",
        "",
    );
}

/// A multipart request that uploads `file` to `uri`.
fn upload(token: &str, uri: &str, file: &[u8]) -> Request<Body> {
    let boundary = "binhyen-bench-boundary";
    let mut body = Vec::with_capacity(file.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"mo-hinh.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// Issue 25: the imported file again with a member count on every row
/// (each row names its model by type, unit and name): what the preview
/// takes, and the confirmation that writes every change, against the
/// import of the same rows as new models (same run).
async fn round_trip(
    label: &str,
    c: &Client,
    admin: &str,
    rows: &[(String, String, i64, NaiveDate)],
    import_time: std::time::Duration,
) {
    let n = rows.len();
    let file = files::xlsx(&[import_sheet(rows, Some(7))]).unwrap();
    let t = Instant::now();
    let dry = "/api/v1/models/import?dry_run=true";
    let (status, res) = c.send(upload(admin, dry, &file)).await;
    let preview_time = t.elapsed();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&res[..res.len().min(2000)])
    );
    let p = json(&res);
    assert_eq!(
        p["changed"].as_u64(),
        Some(n as u64),
        "{label}: every row changes"
    );
    let digest = p["digest"].as_str().unwrap().to_string();
    let t = Instant::now();
    let uri = format!("/api/v1/models/import?confirm={digest}");
    let (status, res) = c.send(upload(admin, &uri, &file)).await;
    let apply_time = t.elapsed();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&res[..res.len().min(2000)])
    );
    assert_eq!(json(&res)["changed"].as_u64(), Some(n as u64));
    row(
        label,
        &format!("preview of the {n}-row file again with a member count on every row (dry_run)"),
        &format!("**{}**", ms(preview_time)),
        &format!("import of the same rows as new models {}", ms(import_time)),
        &ratio(preview_time, import_time),
    );
    row(
        label,
        &format!(
            "confirmed: {n} models updated, one audit record each (checked again, then written)"
        ),
        &format!("**{}**", ms(apply_time)),
        &format!("import of the same rows as new models {}", ms(import_time)),
        &ratio(apply_time, import_time),
    );
}

/// An import file with the columns a person fills in, and a member count
/// on every row when `members` is given.
fn import_sheet(rows: &[(String, String, i64, NaiveDate)], members: Option<i64>) -> Sheet {
    let header = |col: Col| {
        COLUMNS
            .iter()
            .find(|(c, _, _)| *c == col)
            .map(|(_, h, w)| Column::new(*h, *w))
            .unwrap()
    };
    Sheet {
        name: "Mô hình".into(),
        columns: vec![
            header(Col::Name),
            header(Col::TypeCode),
            header(Col::UnitId),
            header(Col::FoundedOn),
            header(Col::Members),
        ],
        rows: rows
            .iter()
            .map(|(name, code, unit, day)| {
                vec![
                    Cell::from(name.as_str()),
                    Cell::from(code.as_str()),
                    Cell::Int(*unit),
                    Cell::Date(*day),
                    Cell::from(members),
                ]
            })
            .collect(),
        highlight_col: None,
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
        for t in TestDb::all().await.unwrap() {
            one(&t).await;
            // BENCH_KEEP=1 leaves the database behind to look into its plans.
            if std::env::var("BENCH_KEEP").is_ok() {
                eprintln!("{}: kept at {}", t.label, t.url);
                std::mem::forget(t);
            } else {
                t.cleanup().await;
            }
        }
    });
}
