//! Coordination programmes at national size for `web/benches/programs.rs`
//! (docs/benchmarks.md, "Documents and programmes"): partner
//! organisations of every 2025 province, programmes of provinces and of
//! their communes with their parties and targets of every source, and
//! their activities, in transactions of multi-row inserts (not the
//! audited API).

// Generator code behind the `testing` feature, never in the server: the
// indexes are of vectors it has just filled (a province, a programme).
#![allow(clippy::indexing_slicing)]

use chrono::{Duration, NaiveDate, Utc};
use domain::text::{fold, sort_key};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{insert_rows, insert_rows_as, next_id};
use crate::{Arg, Db, StoreError};

/// What was generated, for the bench's report.
#[derive(Debug, Default, Clone)]
pub struct ProgramsData {
    pub organisations: usize,
    pub programs: usize,
    pub province_programs: usize,
    pub targets: usize,
    pub activities: usize,
    /// The programme with the most activities, and how many.
    pub busiest: (i64, usize),
    /// The province with the most programmes (its own and its communes').
    pub province: (i64, String),
    /// One organisation of that province (the baseline reads it).
    pub organisation: i64,
}

const PARTNERS: [(&str, &str); 3] = [
    ("doan_thanh_nien", "Tỉnh đoàn"),
    ("hoi_phu_nu", "Hội Liên hiệp Phụ nữ tỉnh"),
    ("mttq", "Ủy ban MTTQ Việt Nam tỉnh"),
];

const KINDS: [&str; 4] = [
    "chuong_trinh",
    "ke_hoach_lien_tich",
    "nghi_quyet_lien_tich",
    "ke_hoach",
];

const ACTIVITIES: [&str; 8] = [
    "hoi_nghi",
    "tuyen_truyen",
    "tuan_tra",
    "tap_huan",
    "ra_quan",
    "kiem_tra",
    "so_tong_ket",
    "khac",
];

/// `programs` programmes (a fifth of provinces, the rest of their 2025
/// communes), each with one or two of its province's three partner
/// organisations, four targets (classes, certified, manual and, when the
/// catalogue has `tin_bao`, an indicator), and `activities` activities
/// between their first day and today (one programme holding a tenth of
/// them, at most 20,000: the page at its heaviest). Statistics refreshed.
pub async fn generate_programs(
    db: &Db,
    programs: usize,
    activities: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<ProgramsData, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    #[derive(sqlx::FromRow)]
    struct Unit {
        id: i64,
        name: String,
        parent_id: Option<i64>,
    }
    let provinces: Vec<Unit> = fetch!(
        db,
        fetch_all,
        Unit,
        "SELECT id, name, parent_id FROM org_units
          WHERE level = 'province' AND valid_to IS NULL ORDER BY id"
    )?;
    let communes: Vec<Unit> = fetch!(
        db,
        fetch_all,
        Unit,
        "SELECT id, name, parent_id FROM org_units
          WHERE level = 'commune' AND valid_to IS NULL AND parent_id IS NOT NULL ORDER BY id"
    )?;
    if provinces.is_empty() {
        return Err(StoreError::Data("bench: no province".into()));
    }
    let indicator: Option<i64> = fetch!(
        db,
        fetch_optional,
        scalar i64,
        "SELECT id FROM indicators WHERE code = 'tin_bao'"
    )?;
    let now = Utc::now();
    let mut out = ProgramsData::default();
    let mut tx = db.begin().await?;

    // Three organisations of every province.
    let first_org = next_id(&mut tx, "partner_organisations").await?;
    let mut orgs: Vec<Vec<Arg>> = Vec::new();
    for (p, unit) in provinces.iter().enumerate() {
        let place = unit.name.replace("Tỉnh ", "").replace("Thành phố ", "");
        for (k, (kind, name)) in PARTNERS.iter().enumerate() {
            let id = first_org + (p * PARTNERS.len() + k) as i64;
            let name = format!("{name} {place}");
            orgs.push(vec![
                Arg::I64(Some(id)),
                Arg::Text(Some((*kind).into())),
                Arg::Text(Some(fold(&name))),
                Arg::Text(Some(sort_key(&name))),
                Arg::Text(Some(name)),
                Arg::I64(Some(unit.id)),
                Arg::Ts(now),
            ]);
        }
    }
    out.organisations = orgs.len();
    insert_rows_as(
        &mut tx,
        "INSERT INTO partner_organisations (id, kind, name_folded, sort_key, name, level,
            org_unit_id, created_at, updated_at) VALUES ",
        7,
        orgs,
        |p| {
            format!(
                "({}, {}, {}, {}, {}, 'province', {}, {}, {})",
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[6]
            )
        },
    )
    .await?;
    let org_of = |province: usize, k: usize| first_org + (province * PARTNERS.len() + k) as i64;

    // The programmes, their parties and targets.
    let first = next_id(&mut tx, "programs").await?;
    let reform = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(today);
    let mut rows = Vec::with_capacity(programs);
    let mut parties = Vec::new();
    let mut targets = Vec::new();
    let mut spans: Vec<(i64, i64, NaiveDate, NaiveDate)> = Vec::with_capacity(programs);
    let mut per_province = vec![0usize; provinces.len()];
    let mut communes_of: std::collections::HashMap<i64, Vec<&Unit>> = Default::default();
    for c in &communes {
        if let Some(p) = c.parent_id {
            communes_of.entry(p).or_default().push(c);
        }
    }
    for i in 0..programs {
        let id = first + i as i64;
        let p = rng.gen_range(0..provinces.len());
        let province = &provinces[p];
        per_province[p] += 1;
        let in_province = communes_of
            .get(&province.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let commune = rng.gen_bool(0.8) && !in_province.is_empty();
        let unit = if commune {
            in_province[rng.gen_range(0..in_province.len())]
        } else {
            out.province_programs += 1;
            province
        };
        let starts = reform + Duration::days(rng.gen_range(0..300));
        let ends = starts + Duration::days(rng.gen_range(180..720));
        let kind = KINDS[rng.gen_range(0..KINDS.len())];
        let name = format!(
            "Kế hoạch phối hợp số {}/KH-CA thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc tại {}",
            i + 1,
            unit.name
        );
        rows.push(vec![
            Arg::I64(Some(id)),
            Arg::Text(Some(fold(&name))),
            Arg::Text(Some(name)),
            Arg::Text(Some(kind.into())),
            Arg::Text(Some(if commune { "commune" } else { "province" }.into())),
            Arg::I64(Some(unit.id)),
            Arg::Date(Some(starts)),
            Arg::Date(Some(ends)),
            Arg::Ts(now),
        ]);
        spans.push((id, unit.id, starts, ends));
        let first_party = rng.gen_range(0..PARTNERS.len());
        parties.push(vec![
            Arg::I64(Some(id)),
            Arg::I64(Some(org_of(p, first_party))),
        ]);
        if rng.gen_bool(0.4) {
            let second = (first_party + 1) % PARTNERS.len();
            parties.push(vec![Arg::I64(Some(id)), Arg::I64(Some(org_of(p, second)))]);
        }
        let mut add = |position: i32,
                       name: &str,
                       source: &str,
                       ind: Option<i64>,
                       value: f64,
                       manual: Option<f64>| {
            targets.push(vec![
                Arg::I64(Some(id)),
                Arg::I64(Some(i64::from(position))),
                Arg::Text(Some(name.into())),
                Arg::Text(Some(source.into())),
                Arg::I64(ind),
                Arg::F64(Some(value)),
                Arg::Date(Some(ends)),
                Arg::F64(manual),
            ]);
        };
        add(1, "Mở lớp tập huấn", "classes", None, 10.0, None);
        add(
            2,
            "Khu dân cư được công nhận an toàn về ANTT",
            "certified",
            None,
            5.0,
            None,
        );
        add(
            3,
            "Lượt người tham gia tuần tra",
            "manual",
            None,
            500.0,
            Some(rng.gen_range(0.0..600.0)),
        );
        match indicator {
            Some(ind) => add(4, "Tin báo về ANTT", "indicator", Some(ind), 1000.0, None),
            None => add(4, "Buổi tuyên truyền", "manual", None, 40.0, Some(12.0)),
        }
    }
    out.programs = rows.len();
    insert_rows_as(
        &mut tx,
        "INSERT INTO programs (id, name_folded, name, kind, level, org_unit_id, starts_on, ends_on,
            created_at, updated_at) VALUES ",
        9,
        rows,
        |p| {
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[8]
            )
        },
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO program_parties (program_id, organisation_id) VALUES ",
        2,
        parties,
    )
    .await?;
    out.targets = targets.len();
    insert_rows(
        &mut tx,
        "INSERT INTO program_targets (program_id, position, name, source, indicator_id,
            target_value, due_on, manual_value) VALUES ",
        8,
        targets,
    )
    .await?;
    tx.commit().await?;

    // The activities: a tenth (at most 20,000) to the first programme of
    // the busiest province, the rest spread over every programme.
    let best = per_province
        .iter()
        .enumerate()
        .max_by_key(|(_, n)| **n)
        .map_or(0, |(i, _)| i);
    out.province = (provinces[best].id, provinces[best].name.clone());
    out.organisation = org_of(best, 0);
    let heavy = spans
        .iter()
        .position(|s| s.1 == provinces[best].id)
        .unwrap_or(0);
    let heavy_n = (activities / 10).min(20_000);
    let mut left = activities;
    let mut chunk = Vec::new();
    let mut tx = db.begin().await?;
    let mut counts = vec![0usize; spans.len()];
    while left > 0 {
        let k = if left > activities - heavy_n {
            heavy
        } else {
            rng.gen_range(0..spans.len())
        };
        let (id, unit, starts, ends) = spans[k];
        let last = ends.min(today);
        if last < starts {
            left -= 1;
            continue;
        }
        let held = starts + Duration::days(rng.gen_range(0..=(last - starts).num_days()));
        counts[k] += 1;
        chunk.push(vec![
            Arg::I64(Some(id)),
            Arg::Date(Some(held)),
            Arg::I64(Some(unit)),
            Arg::Text(Some(ACTIVITIES[rng.gen_range(0..ACTIVITIES.len())].into())),
            Arg::I64(Some(rng.gen_range(5..500))),
            Arg::Text(Some("Tổ chức theo kế hoạch; đạt yêu cầu đề ra.".into())),
            Arg::Ts(now),
        ]);
        left -= 1;
        if chunk.len() >= 20_000 || left == 0 {
            out.activities += chunk.len();
            insert_rows_as(
                &mut tx,
                "INSERT INTO program_activities (program_id, held_on, org_unit_id, kind,
                    participants, result, created_at, updated_at) VALUES ",
                7,
                std::mem::take(&mut chunk),
                |p| {
                    format!(
                        "({}, {}, {}, {}, {}, {}, {}, {})",
                        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[6]
                    )
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    out.busiest = (spans[heavy].0, counts[heavy]);
    db.refresh_statistics(&[
        "partner_organisations",
        "programs",
        "program_parties",
        "program_targets",
        "program_activities",
    ])
    .await;
    Ok(out)
}
