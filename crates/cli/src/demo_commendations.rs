//! Demo commendations for Ninh Bình: the province's Bằng khen to Phường
//! Nam Định, the department's Giấy khen to one of its security teams and
//! to one of its models, the ward's own committee's Giấy khen to a team
//! leader, legacy Nam Định's Bằng khen to legacy Vị Xuyên in 2024 (before
//! the 2025 reform; counted under Ninh Bình as it is now, under Nam Định
//! as it was), and the ward's proposals of 2026: one waiting for the
//! province, one refused with its reason.
//!
//! The decisions' numbers, dates and the individuals' names are demo
//! examples, invented; individuals are a name and a role only. Proposals
//! go in as the ward's officer (`xa.namdinh`), decisions as the
//! province's staff (`tinh.ninhbinh`), the rest as the system.
//!
//! Idempotent: a commendation of the same recipient, form and year is
//! left alone, so a restart adds nothing.

use chrono::NaiveDate;
use domain::commendations::{CommendationInput, Decision, DecisionInput, Intent, NewCommendation};
use domain::org_units::{Level, OrgUnit};
use domain::page::Page;
use store::accounts::Scope;
use store::audit::Author;
use store::commendations::{self as commendations, CommendationQuery};
use store::Db;

fn err(e: store::StoreError) -> String {
    e.to_string()
}

fn derr(e: domain::DomainError) -> String {
    e.to_string()
}

/// One demo commendation: what `CommendationInput` takes, and how it ends.
struct Demo {
    input: CommendationInput,
    /// None: stays a proposal (or was recorded decided); Some: the
    /// province's decision on the proposal.
    decision: Option<DecisionInput>,
}

fn input(
    form: &str,
    level: &str,
    year: i32,
    reason: &str,
    recipient: (&str, Option<i64>),
    decided: Option<(&str, &str)>,
) -> CommendationInput {
    CommendationInput {
        form: Some(form.into()),
        level: Some(level.into()),
        year: Some(year),
        reason: Some(reason.into()),
        recipient_kind: Some(recipient.0.into()),
        recipient_id: recipient.1,
        decision: decided.map(|d| d.0.into()),
        decided_on: decided.map(|d| d.1.into()),
        ..Default::default()
    }
}

pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let legacy_day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or(today);
    let vi_xuyen = store::org_units::resolve_code(db, Level::Commune, "13636", legacy_day)
        .await
        .map_err(err)?
        .map(|u| u.id);
    let team = first_team(db, ward.id, today).await?;
    let model = first_model(db, ward.id).await?;
    let user = |name: &'static str| async move {
        store::accounts::find_by_username(db, name)
            .await
            .map_err(err)
            .map(|u| u.map_or(Author::System, |(u, _)| Author::User(u.id)))
    };
    let (officer, staff) = (user("xa.namdinh").await?, user("tinh.ninhbinh").await?);

    let mut demos = vec![
        Demo {
            input: input(
                "bang_khen",
                "ubnd_tinh",
                2025,
                "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025",
                ("unit", Some(ward.id)),
                Some(("35/QĐ-UBND", "2026-01-20")),
            ),
            decision: None,
        },
        Demo {
            input: CommendationInput {
                person_name: Some("Trần Văn Bình".into()),
                person_role: Some("Tổ trưởng Tổ bảo vệ an ninh, trật tự".into()),
                org_unit_id: Some(ward.id),
                ..input(
                    "giay_khen",
                    "ubnd_xa",
                    2026,
                    "Phát hiện, tố giác kịp thời một vụ trộm cắp tài sản",
                    ("person", None),
                    Some(("12/QĐ-UBND", "2026-05-12")),
                )
            },
            decision: None,
        },
    ];
    if let Some(v) = vi_xuyen {
        demos.push(Demo {
            input: input(
                "bang_khen",
                "ubnd_tinh",
                2024,
                "Điển hình tiên tiến phong trào Toàn dân bảo vệ an ninh Tổ quốc (tỉnh Nam Định, trước sắp xếp)",
                ("unit", Some(v)),
                Some(("1820/QĐ-UBND", "2024-08-19")),
            ),
            decision: None,
        });
    }
    if let Some(t) = team {
        demos.push(Demo {
            input: input(
                "giay_khen",
                "cong_an_tinh",
                2026,
                "Duy trì tuần tra, giữ gìn an ninh, trật tự tại tổ dân phố",
                ("team", Some(t)),
                Some(("210/QĐ-CAT", "2026-08-19")),
            ),
            decision: None,
        });
        demos.push(Demo {
            input: input(
                "bang_khen",
                "ubnd_tinh",
                2026,
                "Đề nghị khen thưởng tổ tiêu biểu trong Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
                ("team", Some(t)),
                None,
            ),
            decision: None,
        });
    }
    if let Some(m) = model {
        demos.push(Demo {
            input: input(
                "thu_khen",
                "cong_an_tinh",
                2026,
                "Đề nghị biểu dương mô hình hoạt động hiệu quả",
                ("model", Some(m)),
                None,
            ),
            decision: Some(DecisionInput {
                decision: Some("refuse".into()),
                reason: Some("Mô hình mới thành lập, chưa đủ thời gian đánh giá hiệu quả.".into()),
                ..Default::default()
            }),
        });
    }
    let mut made = 0;
    for d in demos {
        made += usize::from(one(db, d, officer, staff, today).await?);
    }
    Ok(made)
}

/// Records or proposes one demo commendation unless it is there.
async fn one(
    db: &Db,
    d: Demo,
    officer: Author,
    staff: Author,
    today: NaiveDate,
) -> Result<bool, String> {
    let intent = match d.input.decided_on {
        Some(_) => Intent::Record,
        None => Intent::Propose,
    };
    let c = NewCommendation::parse(&d.input, intent, today).map_err(derr)?;
    let q = CommendationQuery {
        year: Some(c.year),
        form: Some(c.form),
        recipient_kind: Some(c.recipient.kind()),
        recipient_id: d.input.recipient_id,
        q: d.input.person_name.clone(),
        page: Page {
            page: 1,
            per_page: 1,
        },
        ..Default::default()
    };
    if commendations::list(db, Scope::All, &q)
        .await
        .map_err(err)?
        .1
        > 0
    {
        return Ok(false);
    }
    let author = match intent {
        Intent::Propose => officer,
        Intent::Record => Author::System,
    };
    let row = commendations::create(db, author, Scope::All, &c, today)
        .await
        .map_err(err)?;
    if let Some(decision) = d.decision {
        let decision = Decision::parse(&decision, today).map_err(derr)?;
        commendations::decide(db, staff, Scope::All, row.id, &decision)
            .await
            .map_err(err)?;
    }
    Ok(true)
}

/// The ward's first security team open today, if the demo made one.
async fn first_team(db: &Db, ward: i64, today: NaiveDate) -> Result<Option<i64>, String> {
    let (teams, _) = store::forces::list(
        db,
        Scope::All,
        &store::forces::TeamQuery {
            org_unit: Some(ward),
            as_of: today,
            view: store::org_units::areas::View::Now,
            force: None,
            size: None,
            page: Page {
                page: 1,
                per_page: 1,
            },
        },
    )
    .await
    .map_err(err)?;
    Ok(teams.first().map(|t| t.id))
}

/// The ward's first model, if the demo made one.
async fn first_model(db: &Db, ward: i64) -> Result<Option<i64>, String> {
    let q = store::models::query::ModelQuery {
        org_unit: Some(ward),
        ..Default::default()
    };
    let (models, _) = store::models::query::list(db, Scope::All, &q)
        .await
        .map_err(err)?;
    Ok(models.first().map(|m| m.id))
}
