//! Demo documents for the register: the texts the movement runs on as
//! the newspaper article on Nam Định (`seed/`, 22 June 2022) and
//! DOMAIN.md name them — the national laws, decrees, circulars and joint
//! resolutions, the legacy province's directives and decision — and three
//! examples issued after the 2025 reform by Ninh Bình and Phường Nam
//! Định, one of them with a DOCX whose text the search reads. Each is
//! linked to the model types, certification criteria, data sets and
//! indicators it governs. Every write goes through the store, checked and
//! audited as a user's would be.
//!
//! Only numbers, issuers, subjects and dates the sources give are used.
//! Where they give a number but no symbol, the number is kept as printed
//! ("29"), not dressed up as an official symbol; where they give no date,
//! a placeholder 1 January is used and the summary says so. The sources
//! name no text that replaced another, so none is marked replaced.
//!
//! Idempotent: a document already registered under its number, year and
//! an issuer is left alone (with its links and files), so the demo adds
//! nothing on a restart.

use chrono::{Datelike, NaiveDate};
use domain::certification::CriteriaSet;
use domain::documents::{issuer_key, DocumentInput, Kind, Link, LinkKind, NewDocument};
use domain::org_units::{Level, OrgUnit};
use store::accounts::Scope;
use store::audit::Author;
use store::documents::{self as docs, files::NewFile, links};
use store::org_units as units;
use store::Db;

/// The unit that issued a document.
#[derive(Clone, Copy)]
enum Issuer {
    /// A national text: no unit.
    National,
    /// The legacy province Nam Định (36), before 1 July 2025.
    NamDinh,
    /// The 2025 province Ninh Bình (37).
    NinhBinh,
    /// Phường Nam Định (2025).
    Ward,
}

/// Which certification criteria a document governs: those whose own
/// source names `mark`, or (for a circular that amends the one the
/// criteria come from) those of a set whose source names `mark`.
#[derive(Clone, Copy)]
enum Criteria {
    None,
    Citing(&'static str),
}

/// The circular the shipped criteria come from, as their sources name it.
const TT_124: &str = "124/2021";

struct Doc {
    kind: Kind,
    /// As the sources print it.
    number: &'static str,
    issued_on: (i32, u32, u32),
    in_force_from: Option<(i32, u32, u32)>,
    in_force_until: Option<(i32, u32, u32)>,
    issuers: &'static [&'static str],
    subject: &'static str,
    issuer: Issuer,
    summary: &'static str,
    /// Codes in the model type catalogue.
    model_types: &'static [&'static str],
    criteria: Criteria,
    data_sets: &'static [&'static str],
    indicators: &'static [&'static str],
    /// A generated DOCX to attach (demo examples only: its text is ours).
    file: Option<MakeFile>,
}

/// Makes a file to attach: its name and content.
type MakeFile = fn() -> (&'static str, Vec<u8>);

const NONE: &[&str] = &[];

/// A document with nothing but its head; the table below fills the rest.
const fn doc(
    kind: Kind,
    number: &'static str,
    issued_on: (i32, u32, u32),
    issuers: &'static [&'static str],
    issuer: Issuer,
    subject: &'static str,
    summary: &'static str,
) -> Doc {
    Doc {
        kind,
        number,
        issued_on,
        in_force_from: None,
        in_force_until: None,
        issuers,
        subject,
        issuer,
        summary,
        model_types: NONE,
        criteria: Criteria::None,
        data_sets: NONE,
        indicators: NONE,
        file: None,
    }
}

const BCA: &str = "Bộ Công an";
const TW_DOAN: &str = "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh";
const TINH_UY_ND: &str = "Tỉnh ủy Nam Định";

/// The article's texts carry no date: they are dated 1 January 2022, the
/// year of the article (22 June 2022), which names them as issued — the
/// latest year they can be from. Their summaries say so.
const ARTICLE_YEAR: (i32, u32, u32) = (2022, 1, 1);

/// The documents, in the order they are registered.
fn documents() -> Vec<Doc> {
    use Issuer::*;
    use Kind::*;
    vec![
        // ——— National texts (DOMAIN.md). ———
        // DOMAIN.md: "Law 30/2023/QH15, in force 1 July 2024"; the issue
        // date is not given: 1 January 2023 is a placeholder.
        Doc {
            in_force_from: Some((2024, 7, 1)),
            indicators: &["so_to", "so_thanh_vien"],
            ..doc(
                Law,
                "30/2023/QH15",
                (2023, 1, 1),
                &["Quốc hội"],
                National,
                "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
                "Có hiệu lực từ ngày 01/7/2024. Thay bảo vệ dân phố, công an xã bán chuyên \
                 trách và đội trưởng, đội phó đội dân phòng bằng Tổ bảo vệ an ninh, trật tự \
                 ở thôn, tổ dân phố (tổ trưởng, tổ phó, tổ viên), do Chủ tịch Ủy ban nhân dân \
                 cấp xã thành lập theo đề nghị của Công an cấp xã. Ngày ban hành ghi tạm \
                 01/01/2023 (nguồn không nêu).",
            )
        },
        // DOMAIN.md, "Document format": number and subject; the date is a
        // placeholder (1 January of its year).
        doc(
            Decree,
            "30/2020/NĐ-CP",
            (2020, 1, 1),
            &["Chính phủ"],
            National,
            "Công tác văn thư: thể thức và kỹ thuật trình bày văn bản hành chính",
            "Khổ A4 đứng; lề trên, dưới 20-25 mm, trái 30-35 mm, phải 15-20 mm; phông Times \
             New Roman cỡ 13-14; ký hiệu loại văn bản: BC báo cáo, KH kế hoạch, QĐ quyết \
             định, TB thông báo, TTr tờ trình, BB biên bản, HD hướng dẫn. Báo cáo sơ kết, \
             tổng kết được trình bày theo thể thức này. Ngày ban hành ghi tạm 01/01/2020 \
             (nguồn không nêu).",
        ),
        // DOMAIN.md, "Reporting periods" (marked "check"); the date is a
        // placeholder.
        Doc {
            data_sets: &["bao_cao_thang"],
            ..doc(
                Decree,
                "09/2019/NĐ-CP",
                (2019, 1, 1),
                &["Chính phủ"],
                National,
                "Chế độ báo cáo của cơ quan hành chính nhà nước",
                "Kỳ báo cáo chốt số liệu ngày 14: tháng từ ngày 15 tháng trước đến ngày 14 \
                 tháng báo cáo; năm từ ngày 15/12 năm trước đến ngày 14/12 (cần đối chiếu văn \
                 bản). Ngày ban hành ghi tạm 01/01/2019 (nguồn không nêu).",
            )
        },
        // DOMAIN.md, vocabulary and "The 19 August festival"; the date is
        // a placeholder.
        Doc {
            indicators: &["diem_ngay_hoi"],
            ..doc(
                Decision,
                "521/2005/QĐ-TTg",
                (2005, 1, 1),
                &["Thủ tướng Chính phủ"],
                National,
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc (ngày 19 tháng 8 hằng năm)",
                "Ngày hội tổ chức ở thôn, tổ dân phố theo kế hoạch chung của tỉnh; báo cáo \
                 số khu dân cư tổ chức, số người tham dự, tập thể và cá nhân được khen \
                 thưởng. Ngày ban hành ghi tạm 01/01/2005 (nguồn không nêu).",
            )
        },
        // DOMAIN.md, certification: "Thông tư 124/2021/TT-BCA (in force 10
        // Feb 2022)"; the issue date is a placeholder.
        Doc {
            in_force_from: Some((2022, 2, 10)),
            criteria: Criteria::Citing(TT_124),
            data_sets: &["danh_gia_an_toan_antt"],
            indicators: &[
                "kdc_thuoc_dien",
                "kdc_dat_chuan",
                "xa_dat_chuan",
                "co_quan_thuoc_dien",
                "co_quan_dat_chuan",
                "doanh_nghiep_thuoc_dien",
                "doanh_nghiep_dat_chuan",
                "co_so_giao_duc_thuoc_dien",
                "co_so_giao_duc_dat_chuan",
                "so_ho_dang_ky",
            ],
            ..doc(
                Circular,
                "124/2021/TT-BCA",
                (2021, 1, 1),
                &[BCA],
                National,
                "Xét công nhận khu dân cư, xã, phường, cơ quan, doanh nghiệp, cơ sở giáo dục \
                 đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
                "Có hiệu lực từ ngày 10/02/2022. Không áp dụng cho đơn vị lực lượng vũ trang, \
                 doanh nghiệp nhỏ và siêu nhỏ, cơ sở giáo dục tiểu học, mầm non, nhà trẻ. Xét \
                 công nhận mỗi năm một lần; năm đánh giá của khu dân cư từ ngày 01/11 năm \
                 trước đến ngày 31/10. Ngày ban hành ghi tạm 01/01/2021 (nguồn chỉ nêu ngày \
                 có hiệu lực).",
            )
        },
        // DOMAIN.md: "amended by Thông tư 48/2025/TT-BCA after the 2025
        // reorganisation (check)". Amended, not replaced: 124 stays in
        // force. Dated 1 July 2025 (the reorganisation, the earliest it
        // can be), not 1 January: a placeholder.
        Doc {
            criteria: Criteria::Citing("48/2025"),
            data_sets: &["danh_gia_an_toan_antt"],
            ..doc(
                Circular,
                "48/2025/TT-BCA",
                (2025, 7, 1),
                &[BCA],
                National,
                "Sửa đổi, bổ sung Thông tư 124/2021/TT-BCA sau sắp xếp đơn vị hành chính năm \
                 2025",
                "Sửa đổi, bổ sung (không thay thế) Thông tư 124/2021/TT-BCA; cần đối chiếu \
                 văn bản hiện hành. Ngày ban hành ghi tạm 01/07/2025 (nguồn chỉ nêu ban hành \
                 sau sắp xếp đơn vị hành chính).",
            )
        },
        // The article: "Chỉ thị số 11 của Bộ Công an", reviewed after 10
        // and 20 years by June 2022. No symbol, no date: the number as
        // printed, dated 1 January 2002 (twenty years before the article,
        // the latest it can be).
        Doc {
            model_types: &["giao_xu_khong_ma_tuy"],
            ..doc(
                Directive,
                "11",
                (2002, 1, 1),
                &[BCA],
                National,
                "Đẩy mạnh phong trào quần chúng vùng đồng bào theo đạo Công giáo trong tình \
                 hình mới",
                "Công an tỉnh Nam Định đã tổng kết 10 năm, 20 năm thực hiện (bài viết ngày \
                 22/6/2022). Số, ký hiệu đầy đủ và ngày ban hành cần đối chiếu văn bản gốc; \
                 ngày ghi tạm 01/01/2002.",
            )
        },
        // The article: "các chương trình, kế hoạch liên ngành giữa Bộ Công
        // an với Ủy ban MTTQ và các tổ chức thành viên ... Nghị quyết liên
        // tịch số 01 về ...; “Xây dựng Chùa tinh tiến”; “Xây dựng khu dân
        // cư 5 không”" (the last two carried out with the provincial Front
        // in the same sentence, hence the links).
        Doc {
            model_types: &["chua_tinh_tien", "khu_dan_cu_5_khong"],
            ..doc(
                JointResolution,
                "01",
                ARTICLE_YEAR,
                &[BCA, "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"],
                National,
                "Tăng cường xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trong thời kỳ \
                 mới",
                "Công an tỉnh Nam Định phối hợp với Ủy ban MTTQ tỉnh thực hiện (bài viết ngày \
                 22/6/2022). Ký hiệu đầy đủ và ngày ban hành cần đối chiếu văn bản gốc; ngày \
                 ghi tạm 01/01/2022.",
            )
        },
        // The article (with the Tỉnh Đoàn) and DOMAIN.md's symbol
        // `01/NQLT-BCA-TWĐTN`.
        doc(
            JointResolution,
            "01/NQLT-BCA-TWĐTN",
            ARTICLE_YEAR,
            &[BCA, TW_DOAN],
            National,
            "Phòng ngừa, ngăn chặn tội phạm và tệ nạn xã hội trong thanh, thiếu niên",
            "Công an tỉnh Nam Định phối hợp với Tỉnh Đoàn thực hiện (bài viết ngày \
             22/6/2022). Ngày ban hành cần đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
        ),
        // The article: "Nghị quyết liên tịch số 01, số 02 về ...": the same
        // subject; the article does not say that 02 replaced 01.
        doc(
            JointResolution,
            "02",
            ARTICLE_YEAR,
            &[BCA, TW_DOAN],
            National,
            "Phòng ngừa, ngăn chặn tội phạm và tệ nạn xã hội trong thanh, thiếu niên",
            "Công an tỉnh Nam Định phối hợp với Tỉnh Đoàn thực hiện (bài viết ngày \
             22/6/2022). Ký hiệu đầy đủ và ngày ban hành cần đối chiếu văn bản gốc; ngày ghi \
             tạm 01/01/2022.",
        ),
        doc(
            JointResolution,
            "03",
            ARTICLE_YEAR,
            &[BCA, TW_DOAN],
            National,
            "Phối hợp hành động phòng, chống ma túy trong thanh, thiếu niên",
            "Công an tỉnh Nam Định phối hợp với Tỉnh Đoàn triển khai (bài viết ngày \
             22/6/2022). Ký hiệu đầy đủ và ngày ban hành cần đối chiếu văn bản gốc; ngày ghi \
             tạm 01/01/2022.",
        ),
        // The article: "Phối hợp với Liên đoàn Lao động tỉnh thực hiện kế
        // hoạch liên ngành số 969", among the Ministry's plans with the
        // Front's member organisations: taken as the Ministry's with the
        // national Labour Confederation (the article names neither party).
        doc(
            Plan,
            "969",
            ARTICLE_YEAR,
            &[BCA, "Tổng Liên đoàn Lao động Việt Nam"],
            National,
            "Phòng chống ma tuý và tệ nạn xã hội trong cán bộ công chức, lao động",
            "Kế hoạch liên ngành; Công an tỉnh Nam Định phối hợp với Liên đoàn Lao động tỉnh \
             thực hiện (bài viết ngày 22/6/2022). Cơ quan ban hành, ký hiệu và ngày ban hành \
             cần đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
        ),
        // ——— Nam Định (legacy province), from the article; the symbols
        // of 19 and 10 are DOMAIN.md's (`19-CT/TU`, `10-TT/TU`), and so
        // is `25/QĐ-UBND`. ———
        Doc {
            model_types: &["to_tuan_tra_nhan_dan"],
            ..doc(
                Directive,
                "19-CT/TU",
                ARTICLE_YEAR,
                &[TINH_UY_ND],
                NamDinh,
                "Tăng cường quản lý Nhà nước về an ninh, trật tự ở địa bàn thôn, xóm, khu vực \
                 dân cư",
                "Công an tỉnh tham mưu ban hành (bài viết ngày 22/6/2022). Ngày ban hành cần \
                 đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
            )
        },
        Doc {
            model_types: &["lien_gia_tu_quan", "tu_quan_antt"],
            ..doc(
                PartyCircular,
                "10-TT/TU",
                ARTICLE_YEAR,
                &[TINH_UY_ND],
                NamDinh,
                "Chỉ đạo đẩy mạnh phong trào quần chúng bảo vệ an ninh Tổ quốc trong thời kỳ \
                 mới",
                "Công an tỉnh tham mưu ban hành (bài viết ngày 22/6/2022). Ngày ban hành cần \
                 đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
            )
        },
        // The article names no issuer but "Tỉnh ủy, UBND tỉnh" for the
        // four texts; a directive to "tiếp tục đẩy mạnh phong trào" is
        // taken as the Party committee's. The number as printed.
        Doc {
            model_types: &["giao_xu_khong_ma_tuy", "chua_tinh_tien"],
            ..doc(
                Directive,
                "29",
                ARTICLE_YEAR,
                &[TINH_UY_ND],
                NamDinh,
                "Tiếp tục đẩy mạnh phong trào quần chúng bảo vệ an ninh Tổ quốc vùng đồng bào \
                 các tôn giáo",
                "Công an tỉnh tham mưu ban hành (bài viết ngày 22/6/2022). Cơ quan ban hành, \
                 ký hiệu và ngày ban hành cần đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
            )
        },
        // The province's own rule: the only basis the catalogue has for
        // religious establishments (their criteria and indicators cite it).
        Doc {
            criteria: Criteria::Citing("Quyết định số 25"),
            data_sets: &["danh_gia_an_toan_antt"],
            indicators: &["co_so_ton_giao_thuoc_dien", "co_so_ton_giao_dat_chuan"],
            ..doc(
                Decision,
                "25/QĐ-UBND",
                ARTICLE_YEAR,
                &["Ủy ban nhân dân tỉnh Nam Định"],
                NamDinh,
                "Quy định khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, nhà trường, \
                 cơ sở tôn giáo đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
                "Công an tỉnh tham mưu ban hành (bài viết ngày 22/6/2022). Ngày ban hành cần \
                 đối chiếu văn bản gốc; ngày ghi tạm 01/01/2022.",
            )
        },
        // ——— Demo examples after the 2025 reform: invented (numbers,
        // dates, content), marked as such in their summaries. ———
        Doc {
            in_force_until: Some((2026, 12, 31)),
            data_sets: &["bao_cao_thang"],
            file: Some(plan_2026_docx),
            ..doc(
                Plan,
                "15/KH-CAT",
                (2026, 1, 15),
                &["Công an tỉnh Ninh Bình"],
                NinhBinh,
                "Triển khai phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026",
                "Văn bản ví dụ của bản trình diễn, không phải văn bản thật. Giao nhiệm vụ \
                 cho Công an các xã, phường: duy trì mô hình, kiện toàn Tổ bảo vệ an ninh, \
                 trật tự, Ngày hội 19/8, xét công nhận “An toàn về an ninh, trật tự”, báo cáo \
                 tháng.",
            )
        },
        // DOMAIN.md: "Team sizes come from provincial decisions".
        Doc {
            indicators: &["so_to", "so_thanh_vien"],
            ..doc(
                Decision,
                "1520/QĐ-UBND",
                (2025, 9, 15),
                &["Ủy ban nhân dân tỉnh Ninh Bình"],
                NinhBinh,
                "Số lượng thành viên Tổ bảo vệ an ninh, trật tự ở thôn, tổ dân phố trên địa \
                 bàn tỉnh",
                "Văn bản ví dụ của bản trình diễn, không phải văn bản thật.",
            )
        },
        Doc {
            in_force_until: Some((2026, 8, 31)),
            indicators: &["diem_ngay_hoi"],
            ..doc(
                Plan,
                "45/KH-UBND",
                (2026, 7, 20),
                &["Ủy ban nhân dân phường Nam Định"],
                Ward,
                "Tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2026 trên địa bàn phường",
                "Văn bản ví dụ của bản trình diễn, không phải văn bản thật. Mỗi tổ dân phố \
                 tổ chức Ngày hội trong tháng 8.",
            )
        },
    ]
}

fn day((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Registers the documents not registered yet, with their links and
/// files; returns how many it registered.
pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let derr = |e: domain::DomainError| e.to_string();
    let mut made = 0;
    for d in documents() {
        let issued_on = day(d.issued_on).ok_or("demo: ngày văn bản")?;
        // A clock set before an example's date: left for a later start.
        if issued_on > today {
            continue;
        }
        if registered(db, &d, issued_on).await? {
            continue;
        }
        let unit = match d.issuer {
            Issuer::National => None,
            Issuer::NamDinh => Some(province(db, "36", issued_on).await?),
            Issuer::NinhBinh => Some(province(db, "37", issued_on).await?),
            Issuer::Ward => Some(ward.id),
        };
        let level = match d.issuer {
            Issuer::National => "national",
            Issuer::NamDinh | Issuer::NinhBinh => "province",
            Issuer::Ward => "commune",
        };
        let input = DocumentInput {
            kind: Some(d.kind.as_str().into()),
            number: Some(d.number.into()),
            issued_on: Some(issued_on.to_string()),
            issuers: Some(d.issuers.iter().map(|s| s.to_string()).collect()),
            signer: None,
            subject: Some(d.subject.into()),
            level: Some(level.into()),
            org_unit_id: unit,
            in_force_from: d.in_force_from.and_then(day).map(|x| x.to_string()),
            in_force_until: d.in_force_until.and_then(day).map(|x| x.to_string()),
            replaces: None,
            summary: Some(d.summary.into()),
        };
        let new = NewDocument::parse(&input, today).map_err(derr)?;
        let row = docs::create(db, Author::System, Scope::All, &new)
            .await
            .map_err(err)?;
        made += 1;
        for link in targets(db, &d).await? {
            links::add(db, Author::System, Scope::All, row.id, link)
                .await
                .map_err(err)?;
        }
        if let Some(file) = d.file {
            attach(db, row.id, file).await?;
        }
    }
    Ok(made)
}

/// Whether the register holds the document already: its number, in its
/// year, from one of its issuers (what the store refuses twice).
async fn registered(db: &Db, d: &Doc, issued_on: NaiveDate) -> Result<bool, String> {
    let rows = docs::by_number(db, Scope::All, d.number)
        .await
        .map_err(|e| e.to_string())?;
    Ok(rows.iter().any(|r| {
        r.issued_on.year() == issued_on.year()
            && r.issuers
                .iter()
                .any(|i| d.issuers.iter().any(|j| issuer_key(i) == issuer_key(j)))
    }))
}

/// The province of `code` as it was on `on`.
async fn province(db: &Db, code: &str, on: NaiveDate) -> Result<i64, String> {
    Ok(units::resolve_code(db, Level::Province, code, on)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("demo: không thấy tỉnh {code} ngày {on}"))?
        .id)
}

/// What a document governs, found by code (a code the catalogue no longer
/// has is skipped).
async fn targets(db: &Db, d: &Doc) -> Result<Vec<Link>, String> {
    let err = |e: store::StoreError| e.to_string();
    let mut out = Vec::new();
    let link = |kind, id| Link { kind, id };
    if !d.model_types.is_empty() {
        let types = store::models::types::list(db, true).await.map_err(err)?;
        out.extend(
            types
                .iter()
                .filter(|t| d.model_types.contains(&t.code.as_str()))
                .map(|t| link(LinkKind::ModelType, t.id)),
        );
    }
    if let Criteria::Citing(mark) = d.criteria {
        let sets = store::certification::criteria::sets(db)
            .await
            .map_err(err)?;
        out.extend(
            citing(&sets, mark)
                .into_iter()
                .map(|id| link(LinkKind::Criterion, id)),
        );
    }
    for code in d.data_sets {
        if let Some(s) = store::statistics::data_set_by_code(db, code)
            .await
            .map_err(err)?
        {
            out.push(link(LinkKind::DataSet, s.id));
        }
    }
    if !d.indicators.is_empty() {
        let all = store::statistics::indicators(db, None).await.map_err(err)?;
        out.extend(
            all.iter()
                .filter(|i| d.indicators.contains(&i.code.as_str()))
                .map(|i| link(LinkKind::Indicator, i.id)),
        );
    }
    Ok(out)
}

/// The criteria a text marked `mark` governs: those whose source names it,
/// and, when a set's source names it as amending circular 124, that set's
/// criteria from circular 124.
fn citing(sets: &[CriteriaSet], mark: &str) -> Vec<i64> {
    sets.iter()
        .flat_map(|s| {
            s.criteria.iter().filter(move |c| {
                c.source.contains(mark) || (s.source.contains(mark) && c.source.contains(TT_124))
            })
        })
        .map(|c| c.id)
        .collect()
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Attaches a generated DOCX, its text read for search as an upload's is.
async fn attach(db: &Db, id: i64, file: MakeFile) -> Result<(), String> {
    let (name, content) = file();
    let text = files::extract_text(DOCX, &content).map(|t| domain::documents::bounded_extract(&t));
    let sha256 = domain::file::digest(&content);
    let f = NewFile {
        name,
        content_type: DOCX,
        sha256: &sha256,
        content: &content,
        text,
    };
    docs::files::add(db, Author::System, Scope::All, id, &f)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// How a paragraph of the generated DOCX looks.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// Centred and bold: the issuing body, the motto, the title.
    Head,
    /// Centred, italic: the place and date, a note.
    Line,
    /// Bold, at the margin: a section heading.
    Section,
    /// Justified with a first-line indent (Nghị định 30/2020).
    Body,
}

/// The demo plan of the province police (an invented example), in the
/// layout of Nghị định 30/2020. The words "VNeID" and "Zalo" are in this
/// file only, not in the register entry: searching them finds the plan by
/// its file's text.
fn plan_2026_docx() -> (&'static str, Vec<u8>) {
    use Style::*;
    let paragraphs = [
        (Head, "CÔNG AN TỈNH NINH BÌNH"),
        (Line, "Số: 15/KH-CAT"),
        (Head, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (Head, "Độc lập - Tự do - Hạnh phúc"),
        (Line, "Ninh Bình, ngày 15 tháng 01 năm 2026"),
        (Head, "KẾ HOẠCH"),
        (
            Head,
            "Triển khai phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026",
        ),
        (
            Line,
            "(Văn bản ví dụ của bản trình diễn binhyen, không phải văn bản thật)",
        ),
        (Section, "I. MỤC ĐÍCH, YÊU CẦU"),
        (
            Body,
            "Duy trì, nâng cao chất lượng các mô hình phong trào toàn dân bảo vệ an ninh Tổ \
             quốc ở 129 xã, phường của tỉnh; kế thừa các mô hình của ba tỉnh Nam Định, Hà Nam, \
             Ninh Bình trước ngày 01/7/2025.",
        ),
        (Section, "II. NỘI DUNG"),
        (
            Body,
            "1. Củng cố các mô hình “Liên gia tự quản”, “Tổ tuần tra nhân dân”, “Tự quản, tự \
             phòng, tự bảo vệ” về an ninh, trật tự; nhân rộng điển hình tiên tiến; lắp đặt và \
             kết nối camera an ninh ở khu dân cư.",
        ),
        (
            Body,
            "2. Kiện toàn Tổ bảo vệ an ninh, trật tự ở thôn, tổ dân phố theo Luật số \
             30/2023/QH15; bồi dưỡng nghiệp vụ cho thành viên các tổ.",
        ),
        (
            Body,
            "3. Hướng dẫn người dân gửi tin báo, tố giác qua ứng dụng VNeID; duy trì các nhóm \
             Zalo an ninh ở khu dân cư.",
        ),
        (
            Body,
            "4. Tổ chức Ngày hội toàn dân bảo vệ an ninh Tổ quốc (19/8) ở các thôn, tổ dân phố \
             theo Quyết định số 521/2005/QĐ-TTg.",
        ),
        (
            Body,
            "5. Xét công nhận khu dân cư, xã, phường, cơ quan, doanh nghiệp, nhà trường đạt \
             tiêu chuẩn “An toàn về an ninh, trật tự” theo Thông tư 124/2021/TT-BCA, sửa đổi, \
             bổ sung bởi Thông tư 48/2025/TT-BCA.",
        ),
        (Section, "III. TỔ CHỨC THỰC HIỆN"),
        (
            Body,
            "Công an các xã, phường báo cáo kết quả hằng tháng trong 05 ngày sau ngày chốt số \
             liệu (ngày 14); Phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc theo dõi, tổng \
             hợp, báo cáo Giám đốc Công an tỉnh.",
        ),
        (Section, "Nơi nhận:"),
        (Body, "- Công an các xã, phường;"),
        (Body, "- Lưu: VT."),
        (Head, "GIÁM ĐỐC"),
    ];
    ("15-KH-CAT-2026.docx", docx(&paragraphs))
}

/// `&`, `<`, `>` and `"` as XML text.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A WordprocessingML document of the paragraphs: A4, margins of Nghị
/// định 30/2020 (top and bottom 20 mm, left 30 mm, right 15 mm), Times New
/// Roman 14 pt.
fn docx(paragraphs: &[(Style, &str)]) -> Vec<u8> {
    let mut body = String::new();
    for (style, text) in paragraphs {
        let ppr = match style {
            Style::Head | Style::Line => r#"<w:jc w:val="center"/>"#,
            Style::Section => r#"<w:spacing w:before="120"/>"#,
            Style::Body => {
                r#"<w:spacing w:before="120"/><w:ind w:firstLine="567"/><w:jc w:val="both"/>"#
            }
        };
        let rpr = match style {
            Style::Head | Style::Section => "<w:b/>",
            Style::Line => "<w:i/>",
            Style::Body => "",
        };
        body.push_str(&format!(
            "<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\" \
             w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>{rpr}<w:sz w:val=\"28\"/>\
             </w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(text)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\" \
         w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
        <Default Extension=\"rels\" \
        ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
        <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
        <Override PartName=\"/word/document.xml\" \
        ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
        </Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
        <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
        <Relationship Id=\"rId1\" \
        Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" \
        Target=\"word/document.xml\"/></Relationships>";
    stored_zip(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ])
}

/// A ZIP archive of `entries`, stored without compression: the little a
/// demo DOCX needs, without adding a ZIP library to the binary's crate.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    // Sizes and offsets are 32-bit in a ZIP without the 64-bit extension;
    // a demo file is a few kilobytes.
    let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let u16_of = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
    // 1 January 1980, 00:00 in MS-DOS time: no clock in a generated file.
    let (time, date): (u16, u16) = (0, (1 << 5) | 1);
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32(data);
        let offset = u32_of(out.len());
        let head = |sig: u32, central_entry: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&time.to_le_bytes());
            h.extend_from_slice(&date.to_le_bytes());
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&u32_of(data.len()).to_le_bytes());
            h.extend_from_slice(&u32_of(data.len()).to_le_bytes());
            h.extend_from_slice(&u16_of(name.len()).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let at = u32_of(out.len());
    let size = u32_of(central.len());
    out.extend(central);
    let count = u16_of(entries.len());
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // this disk
    out.extend_from_slice(&0u16.to_le_bytes()); // disk of the directory
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    out
}

/// The CRC-32 of ZIP (IEEE polynomial, reflected).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crc_is_zips() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn the_demo_plan_is_a_docx_whose_text_the_search_reads() {
        let (name, bytes) = plan_2026_docx();
        assert!(name.ends_with(".docx"));
        let text = files::extract_text(DOCX, &bytes).unwrap();
        assert!(text.contains("Zalo an ninh"), "{text}");
        assert!(text.contains("CÔNG AN TỈNH NINH BÌNH"), "{text}");
        let words = domain::documents::bounded_extract(&text);
        assert!(words.contains("vneid"), "{words}");
    }

    #[test]
    fn every_demo_document_is_valid_and_dated_in_its_issuers_time() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        for d in documents() {
            let issued = day(d.issued_on).unwrap();
            match d.issuer {
                Issuer::NamDinh => assert!(issued < domain::time::REFORM_DAY, "{}", d.number),
                Issuer::NinhBinh | Issuer::Ward => {
                    assert!(issued >= domain::time::REFORM_DAY, "{}", d.number)
                }
                Issuer::National => {}
            }
            let national = matches!(d.issuer, Issuer::National);
            let input = DocumentInput {
                kind: Some(d.kind.as_str().into()),
                number: Some(d.number.into()),
                issued_on: Some(issued.to_string()),
                issuers: Some(d.issuers.iter().map(|s| s.to_string()).collect()),
                subject: Some(d.subject.into()),
                level: Some(if national { "national" } else { "province" }.into()),
                org_unit_id: (!national).then_some(1),
                in_force_from: d.in_force_from.and_then(day).map(|x| x.to_string()),
                in_force_until: d.in_force_until.and_then(day).map(|x| x.to_string()),
                summary: Some(d.summary.into()),
                ..Default::default()
            };
            NewDocument::parse(&input, today).unwrap();
            // Searching the file's words must find the plan by its file only.
            assert!(!d.summary.contains("VNeID") && !d.summary.contains("Zalo"));
        }
    }
}
