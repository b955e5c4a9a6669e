//! Demo certification cases for Ninh Bình, 2022–2027: legacy Nam Định
//! communes before the 2025 reform (decided by the province), the
//! residential groups of Phường Nam Định after it, the ward itself, its school,
//! agency, enterprise and religious establishments; most certified, one
//! not certified, one revoked, the 2027 year's first case submitted.
//! Every case goes through the store's own steps (checked and audited as
//! a user's would be), with the dates of a plausible year.

use chrono::{Datelike, Duration, NaiveDate};
use domain::certification::{
    Answer, Assessment, Classification, Decision, Kind, Noted, Registration, Revocation,
};
use domain::org_units::{Level, OrgUnit};
use store::accounts::Scope;
use store::audit::Author;
use store::certification::{self as certs, Act};
use store::org_units as units;
use store::Db;

/// How far a demo case goes.
#[derive(Clone, Copy, PartialEq)]
enum Until {
    Registered,
    Assessed,
    Submitted,
    Decided(Classification),
    Revoked(Classification),
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Seeds the cases once: skipped when any case exists.
pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let q = certs::CaseQuery {
        page: domain::page::Page {
            page: 1,
            per_page: 1,
        },
        ..Default::default()
    };
    if certs::list(db, Scope::All, &q).await.map_err(err)?.1 > 0 {
        return Ok(0);
    }
    let legacy = legacy_communes(db).await?;
    let groups = crate::demo::children(db, ward.id, Level::Village, today).await?;
    let sites = sites(db, &groups, today).await?;
    let mut n = 0;
    use Classification::*;
    // Before the reform: legacy Nam Định communes, decided by the province.
    for (i, c) in legacy.iter().enumerate() {
        for year in 2022..=2024 {
            let until = match (i, year) {
                (1, 2023) => Until::Decided(KhongDat),
                (2, 2024) => Until::Revoked(Kha),
                (_, y) if y % 2 == 0 => Until::Decided(XuatSac),
                _ => Until::Decided(Kha),
            };
            n += case(db, c, year, until, today).await?;
        }
    }
    // Phường Nam Định's own groups: 2025 (so that the ward's 2026 rule of
    // 70% certified holds), 2026, and the 2027 year under way.
    for (i, g) in groups.iter().enumerate() {
        n += case(db, g, 2025, Until::Decided(Kha), today).await?;
        let y2026 = match i {
            0 => Until::Decided(XuatSac),
            1 => Until::Revoked(Kha),
            _ => Until::Decided(TrungBinh),
        };
        n += case(db, g, 2026, y2026, today).await?;
        // The year under way: the first group submitted, the others left
        // for the officer to register (the e2e journey does).
        if g.name == "Tổ dân phố Vị Xuyên 1" {
            n += case(db, g, 2027, Until::Submitted, today).await?;
        }
    }
    // The ward and its places, 2026.
    n += case(db, ward, 2026, Until::Decided(Kha), today).await?;
    // The places' year is the calendar year: two are still under way.
    for (i, s) in sites.iter().enumerate() {
        let until = match i {
            0 => Until::Registered,
            1 => Until::Assessed,
            _ => Until::Decided(Kha),
        };
        n += case(db, s, 2026, until, today).await?;
    }
    Ok(n)
}

/// Legacy communes of Nam Định (before the 2025 reform) that had a model
/// active in 2023: their 2022–2024 cases are the province's to decide.
async fn legacy_communes(db: &Db) -> Result<Vec<OrgUnit>, String> {
    let err = |e: store::StoreError| e.to_string();
    let mid = day(2023, 6, 30);
    let Some(nam_dinh) = units::resolve_code(db, Level::Province, "36", mid)
        .await
        .map_err(err)?
    else {
        return Ok(Vec::new());
    };
    let q = store::models::ModelQuery {
        org_unit: Some(nam_dinh.id),
        as_of: Some(mid),
        status: Some(domain::models::Status::Active),
        page: domain::page::Page {
            page: 1,
            per_page: 200,
        },
        ..Default::default()
    };
    let (rows, _) = store::models::query::list(db, Scope::All, &q)
        .await
        .map_err(err)?;
    let mut out: Vec<OrgUnit> = Vec::new();
    for m in rows {
        if m.org_unit_level != Level::Commune.as_str() || out.iter().any(|u| u.id == m.org_unit_id)
        {
            continue;
        }
        if let Some(v) = units::get(db, Scope::All, m.org_unit_id)
            .await
            .map_err(err)?
        {
            out.push(v.unit);
        }
        if out.len() == 8 {
            break;
        }
    }
    Ok(out)
}

/// The school, agency, enterprise and religious establishments under the
/// ward's groups.
async fn sites(db: &Db, groups: &[OrgUnit], today: NaiveDate) -> Result<Vec<OrgUnit>, String> {
    let mut out = Vec::new();
    for g in groups {
        for s in crate::demo::children(db, g.id, Level::Site, today).await? {
            if Kind::of(&s).is_some() {
                out.push(s);
            }
        }
    }
    Ok(out)
}

/// One case taken as far as `until`; a decision the rules refuse becomes
/// "not met" (as a committee would decide). Returns 1 if it was opened.
async fn case(
    db: &Db,
    unit: &OrgUnit,
    year: i32,
    until: Until,
    today: NaiveDate,
) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let Some(kind) = Kind::of(unit) else {
        return Ok(0);
    };
    let rules = certs::rules(db, kind).await.map_err(err)?;
    let (first, last) = rules.span(year);
    let registered_on = if kind == Kind::Residential {
        first + Duration::days(20)
    } else {
        day(year, 2, 10)
    };
    if registered_on > today {
        return Ok(0);
    }
    let r = Registration {
        org_unit_ids: vec![unit.id],
        year: Some(year),
        registered_on,
        party_resolution_on: (kind == Kind::Residential).then(|| registered_on - Duration::days(5)),
        households_percent: (kind == Kind::Residential).then_some(100.0),
    };
    let Some(c) = certs::register(db, Author::System, Scope::All, &r)
        .await
        .map_err(err)?
        .into_iter()
        .next()
    else {
        return Ok(0);
    };
    let at = |days: i64| (registered_on + Duration::days(days)).min(today);
    if until == Until::Registered {
        return Ok(1);
    }
    let criteria = certs::criteria_of(db, &c).await.map_err(err)?;
    let answers = criteria
        .criteria
        .iter()
        .map(|k| Answer {
            criterion_id: k.id,
            met: !matches!(until, Until::Decided(Classification::KhongDat)) || k.position != 4,
            explanation: Some("Đối chiếu sổ theo dõi của công an xã".into()),
        })
        .collect();
    let steps = [
        Act::Assess(Assessment {
            on: at(20),
            answers,
            staff_briefed_percent: matches!(kind, Kind::Agency | Kind::Enterprise).then_some(100.0),
            note: None,
        }),
        Act::Submit(noted(at(25), None)),
    ];
    for (i, a) in steps.iter().enumerate() {
        certs::act(db, Author::System, Scope::All, c.id, None, a)
            .await
            .map_err(err)?;
        if (i == 0 && until == Until::Assessed) || (i == 1 && until == Until::Submitted) {
            return Ok(1);
        }
    }
    let review = Act::Review(noted(at(40), Some("Hồ sơ đầy đủ, đề nghị công nhận")));
    certs::act(db, Author::System, Scope::All, c.id, None, &review)
        .await
        .map_err(err)?;
    let class = match until {
        Until::Decided(c) | Until::Revoked(c) => c,
        _ => Classification::Kha,
    };
    let decided_on = last.min(today).max(at(41));
    let number = format!("{}/QĐ-UBND", 100 + (unit.id % 800));
    let decide = |classification| {
        Act::Decide(Decision {
            on: decided_on,
            classification,
            decision_no: number.clone(),
            note: None,
        })
    };
    if certs::act(db, Author::System, Scope::All, c.id, None, &decide(class))
        .await
        .is_err()
    {
        certs::act(
            db,
            Author::System,
            Scope::All,
            c.id,
            None,
            &decide(Classification::KhongDat),
        )
        .await
        .map_err(err)?;
        return Ok(1);
    }
    if let Until::Revoked(_) = until {
        let on = (decided_on + Duration::days(10)).min(today);
        let revoke = Act::Revoke(Revocation {
            on,
            reason: "Để xảy ra vụ trộm cắp tài sản nghiêm trọng chưa được giải quyết".into(),
            decision_no: format!("{}/QĐ-UBND", 900 + on.ordinal()),
        });
        certs::act(db, Author::System, Scope::All, c.id, None, &revoke)
            .await
            .map_err(err)?;
    }
    Ok(1)
}

fn noted(on: NaiveDate, note: Option<&str>) -> Noted {
    Noted {
        on,
        note: note.map(str::to_string),
    }
}
