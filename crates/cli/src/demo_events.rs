//! Demo events, festivals and pledges for Ninh Bình: the province's
//! launch ceremony and thematic conference of 2026 (with the Youth Union
//! and the Women's Union that `demo_programs` registers), the ward's
//! pledge signing; the 19 August festival of Phường Nam Định in 2025 at
//! its residential groups; and the pledge
//! between two of the ward's residential groups, assessed for 2026.
//!
//! Titles, days, counts and budgets are demo examples, invented; the
//! article names the festival (Quyết định 521/2005/QĐ-TTg) and pledges
//! between villages, not these. Everything goes in as the system, checked
//! as a user's would be.
//!
//! Idempotent: an event of the same title and first day, a festival of a
//! commune and year, a pledge of the same title are left alone.

use chrono::{Datelike, NaiveDate};
use domain::events::{
    AssessmentInput, EventInput, FestivalInput, NewAssessment, NewEvent, NewFestival, NewPledge,
    ParticipantInput, PartyInput, PledgeInput,
};
use domain::org_units::{Level, OrgUnit};
use domain::page::Page;
use store::accounts::Scope;
use store::audit::Author;
use store::events::{self as events, festivals, pledges, EventQuery};
use store::Db;

fn err(e: store::StoreError) -> String {
    e.to_string()
}

fn derr(e: domain::DomainError) -> String {
    e.to_string()
}

fn people(counts: &[(&str, i64)]) -> Option<Vec<ParticipantInput>> {
    Some(
        counts
            .iter()
            .map(|(g, n)| ParticipantInput {
                group: Some((*g).into()),
                count: Some(*n),
            })
            .collect(),
    )
}

pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let ninh_binh = store::org_units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let groups = crate::demo::children(db, ward.id, Level::Village, today).await?;
    let partners = partner_ids(db).await?;
    let mut made = 0;

    let evs = [
        EventInput {
            kind: Some("le_phat_dong".into()),
            title: Some("Lễ phát động phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026".into()),
            org_unit_id: Some(ninh_binh.id),
            partners: Some(partners.clone()),
            starts_on: Some("2026-03-10".into()),
            place: Some("Hội trường Công an tỉnh".into()),
            participants: people(&[("can_bo", 120), ("cong_an", 200), ("doan_vien", 150)]),
            outcomes: Some("Ví dụ của bản trình diễn: 129 xã, phường ký cam kết thực hiện phong trào.".into()),
            ..Default::default()
        },
        EventInput {
            kind: Some("hoi_nghi_chuyen_de".into()),
            title: Some("Hội nghị chuyên đề xây dựng mô hình tự quản về an ninh, trật tự".into()),
            org_unit_id: Some(ninh_binh.id),
            starts_on: Some("2026-06-18".into()),
            ends_on: Some("2026-06-19".into()),
            place: Some("Trung tâm hội nghị tỉnh".into()),
            participants: people(&[("can_bo", 90), ("cong_an", 130)]),
            outcomes: Some("Ví dụ của bản trình diễn: giới thiệu 12 mô hình điển hình.".into()),
            ..Default::default()
        },
        EventInput {
            kind: Some("ky_giao_uoc".into()),
            title: Some("Ký kết giao ước thi đua giữa các tổ dân phố phường Nam Định".into()),
            org_unit_id: Some(ward.id),
            starts_on: Some("2026-01-15".into()),
            place: Some("Nhà văn hóa phường".into()),
            participants: people(&[("nhan_dan", 180), ("can_bo", 25), ("to_bao_ve", 40)]),
            ..Default::default()
        },
        EventInput {
            kind: Some("ngay_hoi".into()),
            title: Some("Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2026, phường Nam Định".into()),
            org_unit_id: Some(ward.id),
            starts_on: Some("2026-08-19".into()),
            place: Some("Sân văn hóa tổ dân phố".into()),
            participants: people(&[("nhan_dan", 650), ("doan_vien", 120), ("hoc_sinh", 80)]),
            outcomes: Some("Ví dụ của bản trình diễn: văn nghệ, thi tìm hiểu pháp luật, biểu dương tổ tiêu biểu.".into()),
            ..Default::default()
        },
    ];
    let mut signing = None;
    for input in evs {
        let e = NewEvent::parse(&input, today).map_err(derr)?;
        if e.starts_on > today {
            continue;
        }
        let (id, new) = event(db, &e).await?;
        made += usize::from(new);
        if e.kind == domain::events::Kind::PledgeSigning {
            signing = Some(id);
        }
    }

    // The ward's festival of 2025 (the national reference data has no
    // villages: only the ward's groups, which the demo registers, can hold
    // one; 2026's is the e2e journey's to record).
    for year in [2025] {
        if let Some(day) = domain::events::festival_day(year).filter(|d| *d <= today) {
            made += usize::from(festival(db, ward, day, &groups).await?);
        }
    }

    // The pledge between the ward's first two groups, assessed for 2026.
    if let [a, b, ..] = groups.as_slice() {
        let input = PledgeInput {
            title: Some(format!("Giao ước thi đua giữa {} và {}", a.name, b.name)),
            org_unit_id: Some(ward.id),
            starts_on: Some("2026-01-15".into()),
            ends_on: Some("2027-12-31".into()),
            event_id: signing,
            parties: Some(vec![
                PartyInput {
                    kind: Some("unit".into()),
                    id: Some(a.id),
                    items: Some(vec![
                        "Không có tội phạm, tệ nạn ma túy".into(),
                        "Giữ vững danh hiệu khu dân cư an toàn về ANTT".into(),
                    ]),
                },
                PartyInput {
                    kind: Some("unit".into()),
                    id: Some(b.id),
                    items: Some(vec![
                        "Không có trộm cắp tài sản".into(),
                        "100% hộ gia đình ký cam kết".into(),
                    ]),
                },
            ]),
            notes: Some("Giao ước ví dụ của bản trình diễn.".into()),
        };
        made += pledge(db, &input, today).await?;
    }
    Ok(made)
}

/// The demo partners of the province (the Youth and Women's Unions), for
/// the launch ceremony; none if `demo_programs` made none.
async fn partner_ids(db: &Db) -> Result<Vec<i64>, String> {
    let q = store::partners::PartnerQuery {
        page: Page {
            page: 1,
            per_page: 50,
        },
        ..Default::default()
    };
    let (rows, _) = store::partners::list(db, Scope::All, &q)
        .await
        .map_err(err)?;
    Ok(rows
        .iter()
        .filter(|p| {
            p.ended_on.is_none()
                && (p.name == "Tỉnh đoàn Ninh Bình"
                    || p.name == "Hội Liên hiệp Phụ nữ tỉnh Ninh Bình")
        })
        .map(|p| p.id)
        .collect())
}

/// The event's id, recorded if it is not yet; and whether it was.
async fn event(db: &Db, e: &NewEvent) -> Result<(i64, bool), String> {
    let q = EventQuery {
        from: Some(e.starts_on),
        to: Some(e.starts_on),
        page: Page {
            page: 1,
            per_page: 100,
        },
        ..Default::default()
    };
    let (have, _) = events::list(db, Scope::All, &q, true).await.map_err(err)?;
    if let Some(x) = have.iter().find(|x| x.title == e.title) {
        return Ok((x.id, false));
    }
    let made = events::create(db, Author::System, Scope::All, e)
        .await
        .map_err(err)?;
    Ok((made.event.id, true))
}

/// The ward's festival of the year on `day` at its first groups, unless
/// it has one.
async fn festival(
    db: &Db,
    commune: &OrgUnit,
    day: NaiveDate,
    groups: &[OrgUnit],
) -> Result<bool, String> {
    let (have, _) = festivals::list(
        db,
        Scope::All,
        Some(commune.id),
        Some(day.year()),
        Page {
            page: 1,
            per_page: 1,
        },
    )
    .await
    .map_err(err)?;
    if !have.is_empty() {
        return Ok(false);
    }
    let sites: Vec<i64> = groups.iter().take(4).map(|v| v.id).collect();
    if sites.is_empty() {
        return Ok(false);
    }
    let n = i64::try_from(sites.len()).unwrap_or(1);
    let input = FestivalInput {
        org_unit_id: Some(commune.id),
        held_on: Some(day.to_string()),
        sites: Some(sites),
        participants: Some(150 * n + i64::from(day.year() % 7) * 10),
        budget: Some(5_000_000 * n),
        activities: Some("Ví dụ của bản trình diễn: văn nghệ, thi tìm hiểu pháp luật, biểu dương gương điển hình.".into()),
        commended_model_id: None,
        commended: None,
    };
    let f = NewFestival::parse(&input, day).map_err(derr)?;
    festivals::create(db, Author::System, Scope::All, &f)
        .await
        .map_err(err)?;
    Ok(true)
}

/// The pledge, recorded unless there is one of its title, with its first
/// party's items assessed for 2026 (the second kept, the first broken).
async fn pledge(db: &Db, input: &PledgeInput, today: NaiveDate) -> Result<usize, String> {
    let (have, _) = pledges::list(
        db,
        Scope::All,
        input.org_unit_id,
        Page {
            page: 1,
            per_page: 100,
        },
    )
    .await
    .map_err(err)?;
    if have.iter().any(|g| Some(&g.title) == input.title.as_ref()) {
        return Ok(0);
    }
    let g = NewPledge::parse(input).map_err(derr)?;
    let made = pledges::create(db, Author::System, Scope::All, &g)
        .await
        .map_err(err)?;
    if today.year() < 2026 {
        return Ok(1);
    }
    let items: Vec<i64> = made
        .parties
        .iter()
        .flat_map(|p| p.items.iter().map(|i| i.id))
        .collect();
    for (k, item) in items.iter().enumerate() {
        let a = AssessmentInput {
            item_id: Some(*item),
            year: Some(2026),
            kept: Some(k != 0),
            note: (k == 0)
                .then(|| "Phát hiện 1 đối tượng sử dụng trái phép chất ma túy (ví dụ).".into()),
        };
        pledges::assess(db, Author::System, Scope::All, made.pledge.id, |span| {
            NewAssessment::parse(&a, span, today)
        })
        .await
        .map_err(err)?;
    }
    Ok(1 + items.len())
}
