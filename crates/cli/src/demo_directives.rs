//! Demo directives for Ninh Bình and how the communes answer them: the
//! province's 2026 plan (15/KH-CAT in the register, seeded by
//! `demo_documents`) with four tasks for every commune of the province,
//! the ward's plan for the 19 August festival in its residential groups,
//! and the legacy Nam Định province's 2024 plan to its communes (before
//! the 2025 reform; Phường Nam Định answers for legacy Vị Xuyên). The
//! communes' reports are spread so that the board shows every standing:
//! most done, some in progress or blocked with a reason, the rest late.
//!
//! The plans' references, dates and tasks are demo examples, invented (the
//! sources date none), and their summaries say so. Reports by the ward go
//! in as its officer (`xa.namdinh`); the other communes' as the system.
//!
//! Idempotent: a directive already issued by its unit under its subject is
//! left alone with its reports, so a restart adds nothing.

use chrono::NaiveDate;
use domain::directives::{DirectiveInput, NewDirective, NewReport, ReportInput, TaskInput};
use domain::org_units::{Level, OrgUnit};
use domain::page::Page;
use store::accounts::Scope;
use store::audit::Author;
use store::directives::tasks::{self, TaskQuery};
use store::directives::{self as directives, DirectiveQuery};
use store::Db;

fn err(e: store::StoreError) -> String {
    e.to_string()
}

fn derr(e: domain::DomainError) -> String {
    e.to_string()
}

fn day(y: i32, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Who a demo task goes to.
enum To {
    EveryCommune,
    Units(Vec<i64>),
}

fn task(title: &str, due: String, expects: &str, to: &To) -> TaskInput {
    TaskInput {
        title: Some(title.into()),
        due_on: Some(due),
        expects: Some(expects.into()),
        data_set_id: None,
        owners: match to {
            To::Units(u) => Some(u.clone()),
            To::EveryCommune => None,
        },
        every_commune: Some(matches!(to, To::EveryCommune)),
    }
}

/// How a commune answered a task, by its place in the task's owner list
/// (sorted by unit): a spread that shows every standing on the board.
#[derive(Clone, Copy)]
enum Answer {
    /// This share of ten reports done, one more in progress, one blocked.
    Mostly(usize),
    /// Nobody has answered yet.
    None,
}

const BLOCKED_REASON: &str =
    "Chưa bố trí được kinh phí; đề nghị Công an tỉnh hướng dẫn nguồn kinh phí.";

pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let resolve = |level, code: &'static str, on| async move {
        store::org_units::resolve_code(db, level, code, on)
            .await
            .map_err(err)?
            .ok_or_else(|| format!("demo: không thấy đơn vị {code}"))
    };
    let ninh_binh = resolve(Level::Province, "37", today).await?;
    let nam_dinh = resolve(
        Level::Province,
        "36",
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(today),
    )
    .await?;
    let groups = crate::demo::children(db, ward.id, Level::Village, today).await?;
    let officer = store::accounts::find_by_username(db, "xa.namdinh")
        .await
        .map_err(err)?
        .map(|(u, _)| u.id);
    let plan_doc = document(db, "15/KH-CAT").await?;
    let mut made = 0;

    let every = To::EveryCommune;
    let province_plan = DirectiveInput {
        org_unit_id: Some(ninh_binh.id),
        document_id: plan_doc,
        reference: Some("15/KH-CAT".into()),
        subject: Some("Triển khai phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026".into()),
        issued_on: Some(day(2026, 1, 15)),
        summary: Some(
            "Chỉ đạo ví dụ của bản trình diễn (không phải văn bản thật): giao Công an các xã, \
             phường báo cáo sơ kết, xây dựng mô hình, đề nghị công nhận và tổng kết năm."
                .into(),
        ),
        tasks: Some(vec![
            task(
                "Báo cáo sơ kết 6 tháng đầu năm 2026",
                day(2026, 6, 30),
                "text",
                &every,
            ),
            task(
                "Xây dựng, nhân rộng mô hình tự phòng, tự quản, tự bảo vệ",
                day(2026, 11, 30),
                "models",
                &every,
            ),
            task(
                "Đề nghị công nhận xã, phường đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
                day(2026, 10, 31),
                "certifications",
                &every,
            ),
            task(
                "Gửi báo cáo tổng kết năm 2026",
                day(2026, 12, 10),
                "file",
                &every,
            ),
        ]),
    };
    let answers = [
        Answer::Mostly(7),
        Answer::Mostly(4),
        Answer::Mostly(5),
        Answer::None,
    ];
    made += issue(db, province_plan, &answers, ward.id, officer, today).await?;

    if !groups.is_empty() {
        let festival = DirectiveInput {
            org_unit_id: Some(ward.id),
            document_id: None,
            reference: Some("12/KH-CAP".into()),
            subject: Some("Tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2026".into()),
            issued_on: Some(day(2026, 7, 25)),
            summary: Some(
                "Kế hoạch ví dụ của bản trình diễn. Mỗi tổ dân phố tổ chức Ngày hội trước \
                 ngày 19/8 và báo cáo kết quả."
                    .into(),
            ),
            tasks: Some(vec![task(
                "Tổ chức Ngày hội ở tổ dân phố và báo cáo kết quả",
                day(2026, 8, 19),
                "text",
                &To::Units(groups.iter().map(|g| g.id).collect()),
            )]),
        };
        made += issue(db, festival, &[Answer::Mostly(8)], ward.id, officer, today).await?;
    }

    let legacy = DirectiveInput {
        org_unit_id: Some(nam_dinh.id),
        document_id: None,
        reference: Some("20/KH-CAT".into()),
        subject: Some("Thực hiện phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2024".into()),
        issued_on: Some(day(2024, 2, 20)),
        summary: Some(
            "Kế hoạch ví dụ của tỉnh Nam Định (trước sắp xếp năm 2025), không phải văn bản \
             thật. Nhiệm vụ của các xã cũ nay do xã, phường kế thừa theo dõi."
                .into(),
        ),
        tasks: Some(vec![task(
            "Báo cáo tổng kết phong trào năm 2024",
            day(2024, 12, 15),
            "text",
            &every,
        )]),
    };
    made += issue(db, legacy, &[Answer::Mostly(9)], ward.id, officer, today).await?;
    Ok(made)
}

/// The register's document of this number, if the demo registered it.
async fn document(db: &Db, number: &str) -> Result<Option<i64>, String> {
    let q = store::documents::DocumentQuery {
        search: domain::documents::Search::parse(number),
        ..Default::default()
    };
    let (rows, _) = store::documents::list(db, Scope::All, &q)
        .await
        .map_err(err)?;
    Ok(rows.iter().find(|d| d.number == number).map(|d| d.id))
}

/// Issues the directive unless its unit has one under its subject, then
/// answers each task as `answers` say; how many records were made.
async fn issue(
    db: &Db,
    input: DirectiveInput,
    answers: &[Answer],
    ward: i64,
    officer: Option<i64>,
    today: NaiveDate,
) -> Result<usize, String> {
    let subject = input.subject.clone().unwrap_or_default();
    let q = DirectiveQuery {
        org_unit: input.org_unit_id,
        q: Some(domain::text::fold(&subject)),
        page: Page {
            page: 1,
            per_page: 10,
        },
        ..Default::default()
    };
    let (have, _) = directives::list(db, Scope::All, &q, today)
        .await
        .map_err(err)?;
    if have.iter().any(|d| d.subject == subject) {
        return Ok(0);
    }
    let d = NewDirective::parse(&input, today).map_err(derr)?;
    let detail = directives::create(db, Author::System, Scope::All, &d)
        .await
        .map_err(err)?;
    let mut made = 1;
    for (t, answer) in detail.tasks.iter().zip(answers) {
        made += answer_task(db, t.id, &t.expects, *answer, ward, officer, today).await?;
    }
    Ok(made)
}

/// The reports of a task's owners, as `answer` spreads them.
async fn answer_task(
    db: &Db,
    task: i64,
    expects: &str,
    answer: Answer,
    ward: i64,
    officer: Option<i64>,
    today: NaiveDate,
) -> Result<usize, String> {
    let Answer::Mostly(done) = answer else {
        return Ok(0);
    };
    let mut made = 0;
    let mut page = 1;
    loop {
        let q = TaskQuery {
            task: Some(task),
            page: Page {
                page,
                per_page: domain::page::MAX_PER_PAGE,
            },
            ..Default::default()
        };
        let (owners, total) = tasks::list(db, Scope::All, &q, today).await.map_err(err)?;
        for (i, o) in owners.iter().enumerate() {
            // The ward (the demo's own commune) has done its share.
            let n = usize::try_from((page - 1) * domain::page::MAX_PER_PAGE).unwrap_or(0) + i;
            let at = if o.org_unit_id == ward { 0 } else { n % 10 };
            let (state, text, reason) = match at {
                a if a < done => ("done", Some(done_text(expects)), None),
                a if a == done => (
                    "in_progress",
                    Some("Đang triển khai ở các thôn, tổ dân phố."),
                    None,
                ),
                a if a == done + 1 => ("blocked", None, Some(BLOCKED_REASON)),
                _ => continue,
            };
            // The file task's files are the officers' to attach: it stays
            // in progress here.
            let state = if expects == "file" && state == "done" {
                "in_progress"
            } else {
                state
            };
            let input = ReportInput {
                org_unit_id: Some(o.org_unit_id),
                state: Some(state.into()),
                text: text.map(Into::into),
                reason: reason.map(Into::into),
            };
            let author = match officer {
                Some(u) if o.org_unit_id == ward => Author::User(u),
                _ => Author::System,
            };
            tasks::report(db, author, Scope::All, task, Some(o.org_unit_id), |e| {
                NewReport::parse(&input, e)
            })
            .await
            .map_err(err)?;
            made += 1;
        }
        if i64::from(page) * i64::from(domain::page::MAX_PER_PAGE) >= total {
            break;
        }
        page += 1;
    }
    Ok(made)
}

fn done_text(expects: &str) -> &'static str {
    match expects {
        "text" => "Đã tổ chức thực hiện, báo cáo kết quả bằng văn bản gửi Công an tỉnh.",
        _ => "Đã hoàn thành; số liệu lấy từ hệ thống.",
    }
}
