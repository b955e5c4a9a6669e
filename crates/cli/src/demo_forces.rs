//! Demo security teams for Ninh Bình: the province's size rule (3–5
//! members, at most 4 in a group under 350 households), a team in each
//! residential group of Phường Nam Định from July 2025 with its members
//! (one recognised by an officer's override, one group short of members,
//! one member moving to another group in March 2026 and keeping their
//! record) and the groups' households; the monthly report's team figures
//! count them. Every write goes through the store (checked and audited
//! as a user's would be). The names are invented; a few carry a made-up ID number to show
//! it sealed and masked.

use chrono::NaiveDate;
use domain::forces::{
    EndMemberInput, HouseholdsInput, IdKey, MemberInput, NewSizeRule, NewTeam, PersonInput,
    SizeRuleInput, TeamInput,
};
use domain::org_units::{Level, OrgUnit};
use store::accounts::Scope;
use store::audit::Author;
use store::forces;
use store::Db;

/// A member as the demo recognises them: name, birth day, role, and
/// whether their schooling is only primary (refused, then overridden).
struct Person {
    name: &'static str,
    born: &'static str,
    role: &'static str,
    primary_only: bool,
    national_id: Option<&'static str>,
}

const fn p(name: &'static str, born: &'static str, role: &'static str) -> Person {
    Person {
        name,
        born,
        role,
        primary_only: false,
        national_id: None,
    }
}

/// Each group's members and households in 2026 (the third is small, and
/// short of members until March).
const GROUPS: [(&str, &[Person], i64); 3] = [
    (
        "Tổ dân phố Vị Xuyên 1",
        &[
            Person {
                national_id: Some("036072001234"),
                ..p("Nguyễn Văn Hùng", "1972-05-14", "to_truong")
            },
            p("Trần Thị Lan", "1980-09-02", "to_pho"),
            p("Lê Văn Minh", "1985-01-20", "to_vien"),
            Person {
                primary_only: true,
                ..p("Phạm Văn Thắng", "1968-11-30", "to_vien")
            },
            p("Vũ Đức Anh", "1990-07-07", "to_vien"),
        ],
        420,
    ),
    (
        "Tổ dân phố Vị Xuyên 2",
        &[
            p("Đỗ Văn Quang", "1970-03-03", "to_truong"),
            p("Hoàng Thị Mai", "1983-12-12", "to_pho"),
            p("Bùi Văn Đức", "1988-06-25", "to_vien"),
            Person {
                national_id: Some("036091005678"),
                ..p("Đặng Văn Long", "1991-02-18", "to_vien")
            },
        ],
        380,
    ),
    (
        "Tổ dân phố Trần Hưng Đạo",
        &[
            p("Ngô Văn Sơn", "1975-08-08", "to_truong"),
            p("Đinh Thị Hoa", "1986-04-16", "to_vien"),
        ],
        300,
    ),
];

fn day(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn member(who: &Person, start: &str, decision: &str) -> MemberInput {
    MemberInput {
        person: Some(PersonInput {
            full_name: Some(who.name.into()),
            birth_date: day(who.born),
            phone: None,
            schooling: Some(
                if who.primary_only {
                    "primary"
                } else {
                    "upper_secondary"
                }
                .into(),
            ),
            national_id: who.national_id.map(String::from),
        }),
        role: Some(who.role.into()),
        start_on: day(start),
        decision_no: Some(decision.into()),
        decision_on: day(start),
        resident_since: day("2005-01-01"),
        health_certified_on: day("2025-06-20"),
        no_sanction: Some(true),
        override_reason: who.primary_only.then(|| {
            "Có uy tín, nhiều năm tham gia bảo vệ dân phố; đang học bổ túc THCS".to_string()
        }),
        ..Default::default()
    }
}

/// Seeds the teams once: skipped when any team exists.
pub async fn seed(db: &Db, key: &IdKey, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let derr = |e: domain::DomainError| e.to_string();
    let any = forces::list(
        db,
        Scope::All,
        &forces::TeamQuery {
            org_unit: None,
            as_of: today,
            view: store::org_units::areas::View::Now,
            force: None,
            size: None,
            page: domain::page::Page {
                page: 1,
                per_page: 1,
            },
        },
    )
    .await
    .map_err(err)?;
    if any.1 > 0 || today < NaiveDate::from_ymd_opt(2026, 3, 5).unwrap_or(NaiveDate::MAX) {
        return Ok(0);
    }
    let province = ward.parent_id.ok_or("demo: phường không có tỉnh")?;
    let rule = NewSizeRule::parse(&SizeRuleInput {
        province_id: Some(province),
        from_date: day("2024-07-01"),
        min_members: Some(3),
        max_members: Some(5),
        small_households: Some(350),
        small_max_members: Some(4),
        decision_ref: Some("Quyết định mẫu 01/2024/QĐ-UBND (dữ liệu demo)".into()),
    })
    .map_err(derr)?;
    forces::rules::add_size_rule(db, Author::System, Scope::All, &rule)
        .await
        .map_err(err)?;
    let groups = crate::demo::children(db, ward.id, Level::Village, today).await?;
    let mut n = 0;
    let mut teams = Vec::new();
    for (name, people, households) in GROUPS {
        let group = groups
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| format!("demo: không thấy {name}"))?;
        forces::rules::set_households(
            db,
            Author::System,
            Scope::All,
            group.id,
            &HouseholdsInput {
                year: Some(2026),
                households: Some(households),
            },
        )
        .await
        .map_err(err)?;
        let team = NewTeam::parse(
            &TeamInput {
                org_unit_id: Some(group.id),
                established_on: day("2025-07-15"),
                decision_no: Some(format!("{}/QĐ-UBND", 100 + n)),
                decision_on: day("2025-07-10"),
                decision_signer: Some("Chủ tịch UBND phường Nam Định".into()),
                ..Default::default()
            },
            today,
        )
        .map_err(derr)?;
        let t = forces::create(db, Author::System, Scope::All, &team)
            .await
            .map_err(err)?;
        for who in people {
            let m = member(who, "2025-08-01", &format!("{}/QĐ-UBND", 120 + n));
            forces::add_member(db, Author::System, Scope::All, key, t.id, &m)
                .await
                .map_err(err)?;
        }
        teams.push(t.id);
        n += 1;
    }
    // Bùi Văn Đức moves from the second group to the third, keeping his record.
    if let [_, second, third] = teams[..] {
        let moving = forces::members(db, second, None)
            .await
            .map_err(err)?
            .into_iter()
            .find(|m| m.full_name == "Bùi Văn Đức")
            .ok_or("demo: không thấy thành viên chuyển đi")?;
        forces::end_member(
            db,
            Author::System,
            Scope::All,
            second,
            moving.id,
            &EndMemberInput {
                end_on: day("2026-02-28"),
                reason: Some("moved".into()),
                note: Some("Chuyển đến tổ dân phố Trần Hưng Đạo".into()),
            },
        )
        .await
        .map_err(err)?;
        let again = MemberInput {
            person_id: Some(moving.person_id),
            role: Some("to_vien".into()),
            start_on: day("2026-03-05"),
            decision_no: Some("45/QĐ-UBND".into()),
            decision_on: day("2026-03-04"),
            resident_since: day("2005-01-01"),
            health_certified_on: day("2026-02-10"),
            no_sanction: Some(true),
            ..Default::default()
        };
        forces::add_member(db, Author::System, Scope::All, key, third, &again)
            .await
            .map_err(err)?;
    }
    Ok(n)
}
