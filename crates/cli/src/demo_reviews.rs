//! Demo reviews for Ninh Bình: the province's five-year review of the
//! movement (2021–2025, as it was), a draft with its sections written as
//! the department writes them; Phường Nam Định's own five-year review
//! answering it, issued; and the province's 2025 yearly report, issued
//! under 05/BC-CAT with its figures frozen.
//!
//! Numbers, days and signers' names are demo examples, invented. Reviews
//! go in as the province's staff (`tinh.ninhbinh`) and the ward's officer
//! (`xa.namdinh`), whose own units they are.
//!
//! Idempotent: a review of the same unit and subject is left alone.

use chrono::NaiveDate;
use domain::org_units::OrgUnit;
use domain::reviews::{Issue, IssueInput, NewReview, ReviewInput, Section};
use store::accounts::Scope;
use store::audit::Author;
use store::reviews::figures::{assemble, Ask};
use store::reviews::{self as reviews, ReviewQuery};
use store::Db;

fn err(e: store::StoreError) -> String {
    e.to_string()
}

fn derr(e: domain::DomainError) -> String {
    e.to_string()
}

const FIVE_YEARS: &str =
    "Tổng kết 5 năm thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2021 - 2025";

/// The province's sections, in the voice of its reports.
const PROVINCE_SECTIONS: [(Section, &str); 6] = [
    (
        Section::Situation,
        "Giai đoạn 2021 - 2025, tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn tỉnh cơ bản ổn định; tuy nhiên tội phạm ma túy, trộm cắp tài sản, lừa đảo qua không gian mạng còn diễn biến phức tạp.\nNgày 01/7/2025, tỉnh Ninh Bình mới được thành lập trên cơ sở hợp nhất các tỉnh Hà Nam, Nam Định và Ninh Bình; Công an cấp xã được tổ chức lại theo đơn vị hành chính mới.",
    ),
    (
        Section::Results,
        "Công an tỉnh đã tham mưu cho Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành nhiều văn bản lãnh đạo, chỉ đạo; phong trào được lồng ghép với cuộc vận động \"Toàn dân đoàn kết xây dựng đời sống văn hóa ở khu dân cư\" và các phong trào thi đua yêu nước khác.\nCác mô hình \"Tổ tuần tra nhân dân\", \"Liên gia tự quản\", \"Camera an ninh\" được duy trì và nhân rộng; Tổ bảo vệ an ninh, trật tự ở cơ sở được kiện toàn theo Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở.",
    ),
    (
        Section::Limitations,
        "Một số mô hình hoạt động còn hình thức, chưa duy trì thường xuyên; việc sơ kết, đánh giá, nhân rộng mô hình ở một số địa phương còn chậm.\nNguyên nhân chủ yếu là một số cấp ủy, chính quyền cơ sở chưa quan tâm đúng mức; kinh phí hỗ trợ còn hạn chế.",
    ),
    (
        Section::Lessons,
        "Phải có sự lãnh đạo của cấp ủy, quản lý của chính quyền, lực lượng Công an làm nòng cốt, phát huy vai trò của Mặt trận và các đoàn thể; xây dựng mô hình phải xuất phát từ nhu cầu của nhân dân và đặc điểm từng địa bàn.",
    ),
    (
        Section::Directions,
        "Tiếp tục củng cố, nhân rộng các mô hình hiệu quả; nâng cao chất lượng công nhận khu dân cư, xã, cơ quan, doanh nghiệp, nhà trường đạt tiêu chuẩn \"An toàn về an ninh, trật tự\"; tập huấn nghiệp vụ cho Tổ bảo vệ an ninh, trật tự ở cơ sở.",
    ),
    (
        Section::Proposals,
        "Đề nghị Bộ Công an (Cục Xây dựng phong trào bảo vệ an ninh Tổ quốc) tiếp tục hướng dẫn tiêu chí đánh giá mô hình sau sắp xếp đơn vị hành chính; bố trí kinh phí hỗ trợ Tổ bảo vệ an ninh, trật tự.",
    ),
];

async fn user(db: &Db, name: &str) -> Result<Author, String> {
    store::accounts::find_by_username(db, name)
        .await
        .map_err(err)
        .map(|u| u.map_or(Author::System, |(u, _)| Author::User(u.id)))
}

/// The review of `unit` with `subject`, if there is one already.
async fn existing(db: &Db, unit: Option<i64>, subject: &str) -> Result<Option<i64>, String> {
    let q = ReviewQuery {
        org_unit: unit,
        page: domain::page::Page {
            page: 1,
            per_page: domain::page::MAX_PER_PAGE,
        },
        ..Default::default()
    };
    Ok(reviews::list(db, Scope::All, &q)
        .await
        .map_err(err)?
        .0
        .into_iter()
        .find(|r| r.subject == subject && r.org_unit_id == unit)
        .map(|r| r.id))
}

async fn start(
    db: &Db,
    author: Author,
    input: ReviewInput,
    today: NaiveDate,
) -> Result<(i64, bool), String> {
    let r = NewReview::parse(&input, today).map_err(derr)?;
    if let Some(id) = existing(db, r.org_unit_id, &r.subject).await? {
        return Ok((id, false));
    }
    let row = reviews::create(db, author, Scope::All, &r)
        .await
        .map_err(err)?;
    Ok((row.id, true))
}

async fn issue(
    db: &Db,
    author: Author,
    id: i64,
    input: &IssueInput,
    today: NaiveDate,
) -> Result<(), String> {
    let detail = reviews::detail(db, Scope::All, id).await.map_err(err)?;
    let i = Issue::parse(input, detail.review.period().map_err(err)?, today).map_err(derr)?;
    let figures = assemble(db, &Ask::of(&detail, today).map_err(err)?)
        .await
        .map_err(err)?;
    reviews::issue(db, author, Scope::All, id, &i, &figures)
        .await
        .map_err(err)?;
    Ok(())
}

fn review(kind: &str, subject: &str, unit: i64, from: &str, to: &str) -> ReviewInput {
    ReviewInput {
        kind: Some(kind.into()),
        subject: Some(subject.into()),
        org_unit_id: Some(unit),
        from: Some(from.into()),
        to: Some(to.into()),
        view: Some("as_was".into()),
        ..Default::default()
    }
}

fn signed(
    number: &str,
    place: &str,
    day: &str,
    title: &str,
    name: &str,
    to: &[&str],
) -> IssueInput {
    IssueInput {
        number: Some(number.into()),
        place: Some(place.into()),
        issued_on: Some(day.into()),
        signer_authority: None,
        signer_title: Some(title.into()),
        signer_name: Some(name.into()),
        recipients: Some(to.iter().map(|s| (*s).to_owned()).collect()),
    }
}

pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let Some(province) = ward.parent_id else {
        return Ok(0);
    };
    let (staff, officer) = (
        user(db, "tinh.ninhbinh").await?,
        user(db, "xa.namdinh").await?,
    );
    let mut made = 0;

    let (five, new) = start(
        db,
        staff,
        review("final", FIVE_YEARS, province, "2021", "2025"),
        today,
    )
    .await?;
    if new {
        made += 1;
        for (section, text) in PROVINCE_SECTIONS {
            reviews::save_section(db, staff, Scope::All, five, section, text)
                .await
                .map_err(err)?;
        }
    }

    let mut answer = review(
        "final",
        "Tổng kết 5 năm thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc tại phường Nam Định",
        ward.id,
        "2021",
        "2025",
    );
    answer.answers_id = Some(five);
    let (ward_review, new) = start(db, officer, answer, today).await?;
    if new {
        made += 1;
        reviews::save_section(
            db,
            officer,
            Scope::All,
            ward_review,
            Section::Results,
            "Phường duy trì các mô hình \"Tổ tuần tra nhân dân\" và \"Camera an ninh\" ở các tổ dân phố; phối hợp với Đoàn Thanh niên, Hội Liên hiệp Phụ nữ tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc hằng năm.",
        )
        .await
        .map_err(err)?;
        issue(
            db,
            officer,
            ward_review,
            &signed(
                "15/BC-CAP",
                "Nam Định",
                "2026-01-08",
                "TRƯỞNG CÔNG AN PHƯỜNG",
                "Phạm Văn Hùng",
                &["Công an tỉnh (PV05);", "Đảng ủy phường;"],
            ),
            today,
        )
        .await?;
    }

    let (year, new) = start(
        db,
        staff,
        review(
            "year",
            "Tổng kết công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2025",
            province,
            "2025",
            "2025",
        ),
        today,
    )
    .await?;
    if new {
        made += 1;
        reviews::save_section(db, staff, Scope::All, year, Section::Results, "Năm 2025, phong trào tiếp tục được duy trì trong điều kiện sắp xếp đơn vị hành chính hai cấp; Công an cấp xã sau sắp xếp đã tiếp nhận, quản lý các mô hình của đơn vị cũ.")
            .await
            .map_err(err)?;
        let mut input = signed(
            "05/BC-CAT",
            "Ninh Bình",
            "2026-01-05",
            "PHÓ GIÁM ĐỐC",
            "Nguyễn Văn An",
            &[
                "Bộ Công an (V05);",
                "Thường trực Tỉnh ủy;",
                "Ủy ban nhân dân tỉnh;",
            ],
        );
        input.signer_authority = Some("KT. GIÁM ĐỐC".into());
        input.recipients = input.recipients.map(|mut r| {
            r.push("Lưu: VT, PV05.".into());
            r
        });
        issue(db, staff, year, &input, today).await?;
    }
    Ok(made)
}
