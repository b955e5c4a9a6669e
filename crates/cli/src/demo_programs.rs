//! Demo partner organisations and coordination programmes for Ninh Bình:
//! the Fatherland Front and the mass organisations the newspaper article
//! on Nam Định (`seed/`, 22 June 2022) and DOMAIN.md name as the police's
//! partners, at the province (Ninh Bình, 2025) and in Phường Nam Định;
//! the legacy Nam Định province's Youth and Women's Unions, ended into
//! Ninh Bình's with the 2025 reform; and the joint plans the article
//! names, carried out in 2026 (with the Youth Union on NQLT 01, 02, 03,
//! with the Women's Union, plan 969 with the Labour Federation, NQLT 01
//! with the Front), the ward's plan carrying out the province's with its
//! Youth Union, and the legacy province's plan with its Youth Union. Each
//! has basis documents from the register (seeded by `demo_documents`),
//! targets whose progress the store computes from the demo's classes,
//! certifications, models and approved figures (one entered by hand), and
//! activities reported by the police and by the partners. Every write
//! goes through the store, checked and audited as a user's would be.
//!
//! Organisations' names follow the bodies the sources name; their
//! contacts are offices and roles only, no person and no number. The
//! programmes' names, periods, targets and activities are demo examples,
//! invented (the sources date none), and their summaries say so.
//!
//! The legacy organisations sit in Ninh Bình's unit, marked "(cũ)": an
//! organisation's unit must exist today (`store::partners`), and the
//! legacy province ended on 30 June 2025. The legacy programme keeps the
//! legacy province as its area (a programme's unit must exist when it
//! starts).
//!
//! Idempotent: an organisation already registered under its name (in its
//! unit), a programme under its name (in its area), a target under its
//! name, an activity on its day, of its kind and by its party, are left
//! alone, so the demo adds nothing on a restart. Activities dated after
//! today are left for a later start.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::org_units::{Level, OrgUnit};
use domain::partners::{ContactInput, End, EndInput, NewPartner, PartnerInput};
use domain::programs::{
    ActivityInput, NewActivity, NewProgram, NewTarget, ProgramInput, TargetInput,
};
use domain::text::fold;
use store::accounts::Scope;
use store::audit::Author;
use store::partners::{self, PartnerQuery};
use store::programs::activities::{self, Reporter};
use store::programs::{self, progress, ProgramQuery, Reader};
use store::Db;

type Day = (i32, u32, u32);

/// Where an organisation or a programme sits.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Area {
    /// The 2025 province Ninh Bình (37).
    NinhBinh,
    /// The legacy province Nam Định (36), before 1 July 2025: a
    /// programme's area only.
    NamDinh,
    /// Phường Nam Định (2025).
    Ward,
}

struct Org {
    /// How the tables below name it.
    key: &'static str,
    kind: &'static str,
    name: &'static str,
    area: Area,
    /// Offices and roles to reach.
    contacts: &'static [&'static str],
    /// Ended on the eve of the reform, continued by this organisation.
    ended_into: Option<&'static str>,
}

const fn org(
    key: &'static str,
    kind: &'static str,
    name: &'static str,
    area: Area,
    contacts: &'static [&'static str],
) -> Org {
    Org {
        key,
        kind,
        name,
        area,
        contacts,
        ended_into: None,
    }
}

/// The last day of the legacy provinces.
const LEGACY_END: Day = (2025, 6, 30);

/// The organisations, in the order they are registered (a successor
/// before the legacy one it continues).
const ORGS: &[Org] = &[
    // ——— Ninh Bình (2025): the partners the article names at the
    // province (the Front, the Youth Union, the Women's Union, the
    // Farmers, the Labour Federation, the Veterans, Education). ———
    org(
        "mttq_tinh",
        "mttq",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng", "Ban Dân chủ - Pháp luật"],
    ),
    org(
        "tinh_doan",
        "doan_thanh_nien",
        "Tỉnh đoàn Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng Tỉnh đoàn", "Ban Phong trào"],
    ),
    org(
        "phu_nu_tinh",
        "hoi_phu_nu",
        "Hội Liên hiệp Phụ nữ tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng", "Ban Gia đình - Xã hội"],
    ),
    org(
        "nong_dan_tinh",
        "hoi_nong_dan",
        "Hội Nông dân tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng"],
    ),
    org(
        "ldld_tinh",
        "lien_doan_lao_dong",
        "Liên đoàn Lao động tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng", "Ban Tuyên giáo"],
    ),
    org(
        "ccb_tinh",
        "hoi_cuu_chien_binh",
        "Hội Cựu chiến binh tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng"],
    ),
    org(
        "so_gddt",
        "giao_duc",
        "Sở Giáo dục và Đào tạo tỉnh Ninh Bình",
        Area::NinhBinh,
        &["Văn phòng Sở"],
    ),
    // ——— Phường Nam Định; the school is the one `demo` places under the
    // ward's first residential group. ———
    org(
        "mttq_phuong",
        "mttq",
        "Ủy ban Mặt trận Tổ quốc Việt Nam phường Nam Định",
        Area::Ward,
        &["Thường trực Ủy ban MTTQ phường"],
    ),
    org(
        "doan_phuong",
        "doan_thanh_nien",
        "Đoàn TNCS Hồ Chí Minh phường Nam Định",
        Area::Ward,
        &["Ban Thường vụ Đoàn phường"],
    ),
    org(
        "phu_nu_phuong",
        "hoi_phu_nu",
        "Hội Liên hiệp Phụ nữ phường Nam Định",
        Area::Ward,
        &["Ban Chấp hành Hội phường"],
    ),
    org(
        "truong_tdn",
        "truong_hoc",
        "Trường THCS Trần Đăng Ninh",
        Area::Ward,
        &["Ban Giám hiệu"],
    ),
    // ——— The legacy Nam Định province's unions (the article's "Tỉnh
    // Đoàn" and "Hội Liên hiệp Phụ nữ tỉnh"), ended into Ninh Bình's. ———
    Org {
        ended_into: Some("tinh_doan"),
        ..org(
            "tinh_doan_nd",
            "doan_thanh_nien",
            "Tỉnh đoàn Nam Định (cũ)",
            Area::NinhBinh,
            &["Văn phòng Tỉnh đoàn"],
        )
    },
    Org {
        ended_into: Some("phu_nu_tinh"),
        ..org(
            "phu_nu_nd",
            "hoi_phu_nu",
            "Hội Liên hiệp Phụ nữ tỉnh Nam Định (cũ)",
            Area::NinhBinh,
            &["Văn phòng"],
        )
    },
];

/// The partner accounts and the organisations they work for: the ward's
/// Youth Union account `demo` creates for this, and the province's two
/// partner accounts it had already.
const ACCOUNTS: [(&str, &str); 3] = [
    ("doan.namdinh", "doan_phuong"),
    ("doanthanhnien.nb", "tinh_doan"),
    ("phunu.nb", "phu_nu_tinh"),
];

/// A target: where its progress comes from, and for a manual one the
/// value entered.
struct Target {
    name: &'static str,
    source: &'static str,
    /// A model type's code, for `models`.
    model_type: Option<&'static str>,
    certification_kind: Option<&'static str>,
    indicator: Option<&'static str>,
    value: f64,
    due_on: Day,
    manual: Option<f64>,
}

const fn target(name: &'static str, source: &'static str, value: f64, due_on: Day) -> Target {
    Target {
        name,
        source,
        model_type: None,
        certification_kind: None,
        indicator: None,
        value,
        due_on,
        manual: None,
    }
}

/// An activity: by the police (`by: None`) or by a party.
struct Activity {
    held_on: Day,
    kind: &'static str,
    by: Option<&'static str>,
    /// The ward or one of its residential groups, by name (none: the
    /// programme's area).
    at: Option<&'static str>,
    place: Option<&'static str>,
    participants: i64,
    result: &'static str,
}

struct Program {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    area: Area,
    /// The programme this one carries out.
    parent: Option<&'static str>,
    starts_on: Day,
    ends_on: Day,
    parties: &'static [&'static str],
    /// Basis documents: (number as registered, part of an issuer's name).
    documents: &'static [(&'static str, &'static str)],
    summary: &'static str,
    targets: Vec<Target>,
    activities: Vec<Activity>,
}

const WARD: &str = "Phường Nam Định";
const YEAR_END: Day = (2026, 12, 31);

/// The programmes, parents first. All demo examples (see the module's
/// documentation): the article names the joint resolutions and plans
/// and the parties, nothing else.
fn programs() -> Vec<Program> {
    use Area::*;
    vec![
        // The article: "Phối hợp với Tỉnh Đoàn thực hiện Nghị quyết liên
        // tịch số 01, số 02 ...; triển khai Nghị quyết liên tịch số 03".
        Program {
            key: "nqlt_doan_nd",
            name: "Kế hoạch phối hợp giữa Công an tỉnh và Tỉnh đoàn Nam Định thực hiện các Nghị \
                   quyết liên tịch số 01, 02, 03, giai đoạn 2022–2025",
            kind: "nghi_quyet_lien_tich",
            area: NamDinh,
            parent: None,
            starts_on: (2022, 1, 1),
            ends_on: LEGACY_END,
            parties: &["tinh_doan_nd"],
            documents: &[
                ("01/NQLT-BCA-TWĐTN", "Đoàn"),
                ("02", "Đoàn"),
                ("03", "Đoàn"),
            ],
            summary: "Phòng ngừa, ngăn chặn tội phạm, tệ nạn xã hội và phối hợp hành động \
                      phòng, chống ma túy trong thanh, thiếu niên tỉnh Nam Định (trước sắp xếp \
                      đơn vị hành chính năm 2025); Tỉnh đoàn Ninh Bình tiếp nối. Ví dụ của bản \
                      trình diễn: thời hạn và hoạt động do bản trình diễn đặt ra.",
            targets: Vec::new(),
            activities: vec![
                Activity {
                    held_on: (2024, 3, 26),
                    kind: "ra_quan",
                    by: Some("tinh_doan_nd"),
                    at: None,
                    place: None,
                    participants: 400,
                    result: "Ra quân Tháng Thanh niên; đoàn viên tuyên truyền phòng, chống ma \
                             túy ở khu dân cư.",
                },
                Activity {
                    held_on: (2025, 6, 20),
                    kind: "so_tong_ket",
                    by: None,
                    at: None,
                    place: None,
                    participants: 90,
                    result: "Tổng kết kế hoạch giai đoạn 2022–2025 trước sắp xếp đơn vị hành \
                             chính; bàn giao hồ sơ cho Công an tỉnh và Tỉnh đoàn Ninh Bình.",
                },
            ],
        },
        // The same resolutions, carried on by Ninh Bình in 2026.
        Program {
            key: "nqlt_doan",
            name: "Kế hoạch phối hợp giữa Công an tỉnh và Tỉnh đoàn Ninh Bình thực hiện Nghị \
                   quyết liên tịch số 01/NQLT-BCA-TWĐTN năm 2026",
            kind: "nghi_quyet_lien_tich",
            area: NinhBinh,
            parent: None,
            starts_on: (2026, 1, 1),
            ends_on: YEAR_END,
            parties: &["tinh_doan"],
            documents: &[
                ("01/NQLT-BCA-TWĐTN", "Đoàn"),
                ("02", "Đoàn"),
                ("03", "Đoàn"),
                ("15/KH-CAT", "Công an tỉnh Ninh Bình"),
            ],
            summary: "Phòng ngừa, ngăn chặn tội phạm và tệ nạn xã hội, phòng, chống ma túy \
                      trong thanh, thiếu niên; đoàn viên, thanh niên tham gia giữ gìn an ninh, \
                      trật tự ở khu dân cư. Ví dụ của bản trình diễn: chỉ tiêu và hoạt động do \
                      bản trình diễn đặt ra.",
            targets: vec![
                target(
                    "Mở lớp tập huấn nghiệp vụ bảo vệ an ninh, trật tự trên địa bàn tỉnh",
                    "classes",
                    12.0,
                    YEAR_END,
                ),
                target(
                    "Lượt người được tập huấn kỹ năng bảo vệ an ninh, trật tự",
                    "trainees",
                    150.0,
                    YEAR_END,
                ),
                Target {
                    indicator: Some("buoi_tuyen_truyen"),
                    ..target(
                        "Buổi tuyên truyền phòng, chống tội phạm, ma túy",
                        "indicator",
                        4000.0,
                        YEAR_END,
                    )
                },
                target(
                    "Mô hình mới thành lập theo kế hoạch",
                    "models",
                    5.0,
                    YEAR_END,
                ),
                Target {
                    manual: Some(2140.0),
                    ..target(
                        "Lượt đoàn viên, thanh niên tham gia tuần tra, giữ gìn an ninh, trật tự",
                        "manual",
                        3000.0,
                        YEAR_END,
                    )
                },
            ],
            activities: vec![
                Activity {
                    held_on: (2026, 1, 22),
                    kind: "hoi_nghi",
                    by: None,
                    at: None,
                    place: Some("Hội trường Công an tỉnh Ninh Bình"),
                    participants: 150,
                    result: "Ký kết và triển khai kế hoạch phối hợp năm 2026; thống nhất chỉ \
                             tiêu tuyên truyền và đội hình thanh niên tham gia giữ gìn an ninh, \
                             trật tự.",
                },
                Activity {
                    held_on: (2026, 3, 26),
                    kind: "ra_quan",
                    by: Some("tinh_doan"),
                    at: None,
                    place: None,
                    participants: 600,
                    result: "Ra quân Tháng Thanh niên; ra mắt 12 đội hình thanh niên xung kích \
                             tham gia bảo vệ an ninh, trật tự.",
                },
                Activity {
                    held_on: (2026, 6, 26),
                    kind: "tuyen_truyen",
                    by: Some("tinh_doan"),
                    at: None,
                    place: None,
                    participants: 800,
                    result: "Hưởng ứng Ngày Quốc tế phòng, chống ma túy (26/6) ở các trường \
                             trung học phổ thông và khu dân cư.",
                },
                Activity {
                    held_on: (2026, 7, 14),
                    kind: "so_tong_ket",
                    by: None,
                    at: None,
                    place: Some("Hội trường Công an tỉnh Ninh Bình"),
                    participants: 90,
                    result: "Sơ kết 6 tháng; đề nghị nhân rộng cách làm của Đoàn phường Nam \
                             Định.",
                },
                Activity {
                    held_on: (2026, 8, 5),
                    kind: "tuan_tra",
                    by: Some("tinh_doan"),
                    at: Some(WARD),
                    place: None,
                    participants: 45,
                    result: "Đội hình thanh niên tình nguyện hè cùng Tổ bảo vệ an ninh, trật tự \
                             tuần tra đêm; nhắc nhở 14 trường hợp tụ tập đua xe.",
                },
                Activity {
                    held_on: (2026, 12, 22),
                    kind: "so_tong_ket",
                    by: None,
                    at: None,
                    place: Some("Hội trường Công an tỉnh Ninh Bình"),
                    participants: 120,
                    result: "Tổng kết kế hoạch phối hợp năm 2026.",
                },
            ],
        },
        // The article: "Phối hợp với Hội Liên hiệp Phụ nữ tỉnh thực hiện
        // mô hình “Quản lý, giáo dục con em trong gia đình không phạm tội
        // và tệ nạn xã hội”".
        Program {
            key: "phu_nu",
            name: "Chương trình phối hợp giữa Công an tỉnh và Hội Liên hiệp Phụ nữ tỉnh Ninh \
                   Bình năm 2026: “Quản lý, giáo dục con em trong gia đình không phạm tội và tệ \
                   nạn xã hội”",
            kind: "chuong_trinh",
            area: NinhBinh,
            parent: None,
            starts_on: (2026, 1, 1),
            ends_on: YEAR_END,
            parties: &["phu_nu_tinh"],
            documents: &[("15/KH-CAT", "Công an tỉnh Ninh Bình")],
            summary: "Gắn với phong trào “Phụ nữ tích cực học tập, lao động sáng tạo, xây dựng \
                      gia đình hạnh phúc”. Ví dụ của bản trình diễn: chỉ tiêu và hoạt động do \
                      bản trình diễn đặt ra.",
            targets: vec![
                Target {
                    model_type: Some("gia_dinh_khong_pham_toi"),
                    ..target(
                        "Thành lập mô hình “Gia đình không phạm tội” theo chương trình",
                        "models",
                        3.0,
                        YEAR_END,
                    )
                },
                Target {
                    indicator: Some("ho_ky_cam_ket"),
                    ..target(
                        "Hộ gia đình ký cam kết không vi phạm pháp luật",
                        "indicator",
                        40000.0,
                        YEAR_END,
                    )
                },
            ],
            activities: vec![
                Activity {
                    held_on: (2026, 3, 6),
                    kind: "hoi_nghi",
                    by: None,
                    at: None,
                    place: Some("Hội trường Công an tỉnh Ninh Bình"),
                    participants: 110,
                    result: "Triển khai chương trình phối hợp năm 2026 tới Hội Phụ nữ các xã, \
                             phường.",
                },
                Activity {
                    held_on: (2026, 5, 15),
                    kind: "tuyen_truyen",
                    by: Some("phu_nu_tinh"),
                    at: None,
                    place: None,
                    participants: 350,
                    result: "Tọa đàm nhân Ngày Quốc tế Gia đình; hội viên đăng ký thực hiện mô \
                             hình “Gia đình không phạm tội”.",
                },
                Activity {
                    held_on: (2026, 9, 10),
                    kind: "kiem_tra",
                    by: None,
                    at: None,
                    place: None,
                    participants: 20,
                    result: "Kiểm tra việc duy trì mô hình ở 6 xã, phường; đề nghị củng cố 2 \
                             câu lạc bộ hoạt động chưa đều.",
                },
                Activity {
                    held_on: (2026, 10, 20),
                    kind: "tuyen_truyen",
                    by: Some("phu_nu_tinh"),
                    at: Some(WARD),
                    place: None,
                    participants: 180,
                    result: "Sinh hoạt chuyên đề phòng, chống bạo lực gia đình và tệ nạn xã \
                             hội nhân Ngày Phụ nữ Việt Nam.",
                },
            ],
        },
        // The article: "Phối hợp với Liên đoàn Lao động tỉnh thực hiện kế
        // hoạch liên ngành số 969".
        Program {
            key: "kh_969",
            name: "Kế hoạch phối hợp giữa Công an tỉnh và Liên đoàn Lao động tỉnh Ninh Bình \
                   thực hiện Kế hoạch liên ngành số 969 năm 2026",
            kind: "ke_hoach_lien_tich",
            area: NinhBinh,
            parent: None,
            starts_on: (2026, 1, 1),
            ends_on: YEAR_END,
            parties: &["ldld_tinh"],
            documents: &[("969", "Lao động")],
            summary: "Phòng, chống ma túy và tệ nạn xã hội trong cán bộ, công chức, lao động; \
                      nâng cao chất lượng hoạt động giữ gìn an ninh, trật tự của tổ chức Công \
                      đoàn. Ví dụ của bản trình diễn: chỉ tiêu và hoạt động do bản trình diễn \
                      đặt ra.",
            targets: vec![
                Target {
                    model_type: Some("cong_nhan_bao_ve_antt"),
                    ..target(
                        "Thành lập mô hình “Công nhân lao động tham gia bảo vệ an ninh, trật \
                         tự”",
                        "models",
                        2.0,
                        YEAR_END,
                    )
                },
                Target {
                    manual: Some(112.0),
                    ..target(
                        "Công đoàn cơ sở ký cam kết không có ma túy, tệ nạn xã hội",
                        "manual",
                        150.0,
                        YEAR_END,
                    )
                },
            ],
            activities: vec![
                Activity {
                    held_on: (2026, 2, 25),
                    kind: "hoi_nghi",
                    by: None,
                    at: None,
                    place: None,
                    participants: 80,
                    result: "Triển khai kế hoạch năm 2026 với công đoàn các khu, cụm công \
                             nghiệp.",
                },
                Activity {
                    held_on: (2026, 5, 5),
                    kind: "tuyen_truyen",
                    by: Some("ldld_tinh"),
                    at: None,
                    place: None,
                    participants: 1500,
                    result: "Tháng Công nhân: tuyên truyền phòng, chống ma túy cho công nhân \
                             lao động ở các doanh nghiệp.",
                },
                Activity {
                    held_on: (2026, 8, 18),
                    kind: "tap_huan",
                    by: None,
                    at: None,
                    place: None,
                    participants: 120,
                    result: "Tập huấn kỹ năng phát hiện, tố giác tội phạm cho cán bộ công đoàn \
                             cơ sở.",
                },
            ],
        },
        // The article: "phối hợp với Ủy ban MTTQ tỉnh thực hiện tốt Nghị
        // quyết liên tịch số 01 ...; “Xây dựng khu dân cư 5 không”", and
        // with the Farmers' and the Veterans' associations.
        Program {
            key: "nqlt_mttq",
            name: "Chương trình phối hợp thực hiện Nghị quyết liên tịch số 01 về tăng cường xây \
                   dựng phong trào toàn dân bảo vệ an ninh Tổ quốc trong thời kỳ mới, giai đoạn \
                   2025–2026",
            kind: "nghi_quyet_lien_tich",
            area: NinhBinh,
            parent: None,
            starts_on: (2025, 7, 1),
            ends_on: YEAR_END,
            parties: &["mttq_tinh", "nong_dan_tinh", "ccb_tinh"],
            documents: &[("01", "Mặt trận"), ("15/KH-CAT", "Công an tỉnh Ninh Bình")],
            summary: "Vận động nhân dân tham gia bảo vệ an ninh, trật tự; xây dựng “Khu dân cư \
                      5 không”, “Thôn, xóm không có tội phạm, không có ma túy, không có tệ nạn \
                      xã hội”. Ví dụ của bản trình diễn: thời hạn, chỉ tiêu và hoạt động do bản \
                      trình diễn đặt ra.",
            targets: vec![
                target(
                    "Khu dân cư, xã, phường, cơ quan, doanh nghiệp, nhà trường được công nhận \
                     “An toàn về an ninh, trật tự”",
                    "certified",
                    12.0,
                    YEAR_END,
                ),
                Target {
                    indicator: Some("tin_bao"),
                    ..target(
                        "Tin báo, tố giác của quần chúng tiếp nhận",
                        "indicator",
                        40000.0,
                        YEAR_END,
                    )
                },
                Target {
                    manual: Some(164.0),
                    ..target(
                        "Khu dân cư đăng ký xây dựng “Khu dân cư 5 không”",
                        "manual",
                        200.0,
                        YEAR_END,
                    )
                },
            ],
            activities: vec![
                Activity {
                    held_on: (2025, 8, 19),
                    kind: "ra_quan",
                    by: None,
                    at: Some(WARD),
                    place: Some("Nhà văn hóa Tổ dân phố Vị Xuyên 1"),
                    participants: 450,
                    result: "Chỉ đạo điểm Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2025, \
                             lần đầu sau sắp xếp đơn vị hành chính.",
                },
                Activity {
                    held_on: (2025, 11, 18),
                    kind: "tuyen_truyen",
                    by: Some("mttq_tinh"),
                    at: None,
                    place: None,
                    participants: 3000,
                    result: "Lồng ghép tuyên truyền phong trào toàn dân bảo vệ an ninh Tổ quốc \
                             trong Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư.",
                },
                Activity {
                    held_on: (2026, 4, 10),
                    kind: "kiem_tra",
                    by: Some("nong_dan_tinh"),
                    at: None,
                    place: None,
                    participants: 40,
                    result: "Giám sát việc xây dựng “Thôn, xóm không có tội phạm, không có ma \
                             túy, không có tệ nạn xã hội” ở 8 xã.",
                },
                Activity {
                    held_on: (2026, 6, 15),
                    kind: "so_tong_ket",
                    by: Some("ccb_tinh"),
                    at: None,
                    place: None,
                    participants: 70,
                    result: "Sơ kết mô hình “Hội Cựu chiến binh vì dân”; biểu dương 10 chi hội \
                             tiêu biểu.",
                },
                Activity {
                    held_on: (2026, 8, 19),
                    kind: "ra_quan",
                    by: None,
                    at: None,
                    place: None,
                    participants: 5200,
                    result: "Ngày hội toàn dân bảo vệ an ninh Tổ quốc năm 2026 ở các thôn, tổ \
                             dân phố.",
                },
            ],
        },
        // The ward's plan carrying out the province's with the Youth Union.
        Program {
            key: "doan_phuong",
            name: "Kế hoạch phối hợp giữa Công an phường và Đoàn phường Nam Định thực hiện Kế \
                   hoạch phối hợp năm 2026 của Công an tỉnh và Tỉnh đoàn",
            kind: "ke_hoach_lien_tich",
            area: Ward,
            parent: Some("nqlt_doan"),
            starts_on: (2026, 2, 1),
            ends_on: YEAR_END,
            parties: &["doan_phuong", "truong_tdn"],
            documents: &[
                ("01/NQLT-BCA-TWĐTN", "Đoàn"),
                ("15/KH-CAT", "Công an tỉnh Ninh Bình"),
            ],
            summary: "Chi đoàn các tổ dân phố phối hợp Tổ bảo vệ an ninh, trật tự; tuyên \
                      truyền phòng, chống ma túy, bạo lực học đường ở Trường THCS Trần Đăng \
                      Ninh. Ví dụ của bản trình diễn: chỉ tiêu và hoạt động do bản trình diễn \
                      đặt ra.",
            targets: vec![
                target(
                    "Lớp bồi dưỡng nghiệp vụ cho Tổ bảo vệ an ninh, trật tự và thanh niên",
                    "classes",
                    3.0,
                    YEAR_END,
                ),
                target("Lượt người được tập huấn", "trainees", 40.0, YEAR_END),
                Target {
                    certification_kind: Some("residential"),
                    ..target(
                        "Tổ dân phố được công nhận “An toàn về an ninh, trật tự” năm 2026",
                        "certified",
                        3.0,
                        YEAR_END,
                    )
                },
                Target {
                    indicator: Some("buoi_tuyen_truyen"),
                    ..target(
                        "Buổi tuyên truyền phòng, chống tội phạm, ma túy",
                        "indicator",
                        40.0,
                        YEAR_END,
                    )
                },
                target(
                    "Mô hình mới thành lập theo kế hoạch",
                    "models",
                    1.0,
                    YEAR_END,
                ),
                Target {
                    manual: Some(156.0),
                    ..target(
                        "Lượt thanh niên tham gia tuần tra cùng Tổ bảo vệ an ninh, trật tự",
                        "manual",
                        240.0,
                        YEAR_END,
                    )
                },
            ],
            activities: vec![
                Activity {
                    held_on: (2026, 2, 10),
                    kind: "hoi_nghi",
                    by: None,
                    at: None,
                    place: Some("Hội trường Công an phường Nam Định"),
                    participants: 45,
                    result: "Triển khai kế hoạch; phân công chi đoàn các tổ dân phố phối hợp \
                             Tổ bảo vệ an ninh, trật tự.",
                },
                Activity {
                    held_on: (2026, 3, 28),
                    kind: "ra_quan",
                    by: Some("doan_phuong"),
                    at: Some("Tổ dân phố Vị Xuyên 1"),
                    place: Some("Nhà văn hóa Tổ dân phố Vị Xuyên 1"),
                    participants: 120,
                    result: "Ra mắt đội thanh niên xung kích tham gia giữ gìn an ninh, trật tự \
                             ở tổ dân phố.",
                },
                Activity {
                    held_on: (2026, 5, 20),
                    kind: "tuyen_truyen",
                    by: Some("doan_phuong"),
                    at: None,
                    place: Some("Trường THCS Trần Đăng Ninh"),
                    participants: 650,
                    result: "Ngoại khóa phòng, chống ma túy và bạo lực học đường cho học sinh.",
                },
                Activity {
                    held_on: (2026, 7, 25),
                    kind: "tuan_tra",
                    by: Some("doan_phuong"),
                    at: Some("Tổ dân phố Trần Hưng Đạo"),
                    place: None,
                    participants: 18,
                    result: "Tuần tra đêm cùng Tổ bảo vệ an ninh, trật tự; nhắc nhở 6 thanh \
                             niên tụ tập gây mất trật tự.",
                },
                Activity {
                    held_on: (2026, 9, 12),
                    kind: "tuyen_truyen",
                    by: None,
                    at: None,
                    place: Some("Trường THCS Trần Đăng Ninh"),
                    participants: 900,
                    result: "Tuyên truyền an toàn giao thông và phòng, chống tội phạm đầu năm \
                             học.",
                },
                Activity {
                    held_on: (2026, 11, 5),
                    kind: "kiem_tra",
                    by: None,
                    at: None,
                    place: None,
                    participants: 12,
                    result: "Kiểm tra hoạt động đội thanh niên xung kích ở 3 tổ dân phố; đề \
                             nghị bổ sung lịch tuần tra cuối tuần.",
                },
            ],
        },
    ]
}

/// The id of the organisation the tables name `key`.
fn org_id(orgs: &HashMap<&str, i64>, key: &str) -> Result<i64, String> {
    orgs.get(key)
        .copied()
        .ok_or_else(|| format!("demo: không thấy tổ chức {key}"))
}

fn day((y, m, d): Day) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("demo: ngày {y}-{m}-{d}"))
}

fn err(e: store::StoreError) -> String {
    e.to_string()
}

fn derr(e: domain::DomainError) -> String {
    e.to_string()
}

/// The reader that sees and writes everything (the demo's own).
fn all() -> Reader {
    Reader {
        scope: Scope::All,
        parties: None,
    }
}

/// The units the demo names.
struct Units {
    ninh_binh: i64,
    ward: i64,
    /// The ward's residential groups, by name.
    groups: Vec<OrgUnit>,
}

impl Units {
    async fn area(&self, db: &Db, area: Area, on: NaiveDate) -> Result<i64, String> {
        Ok(match area {
            Area::NinhBinh => self.ninh_binh,
            Area::Ward => self.ward,
            Area::NamDinh => {
                store::org_units::resolve_code(db, Level::Province, "36", on)
                    .await
                    .map_err(err)?
                    .ok_or_else(|| format!("demo: không thấy tỉnh Nam Định ngày {on}"))?
                    .id
            }
        })
    }

    /// The ward or one of its groups, by name.
    fn named(&self, name: &str) -> Option<i64> {
        if name == WARD {
            return Some(self.ward);
        }
        self.groups.iter().find(|g| g.name == name).map(|g| g.id)
    }
}

/// Registers the organisations, attaches the partner accounts, and sets
/// up the programmes with their targets and activities, each only when
/// it is not there yet; returns how many records it added.
pub async fn seed(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let ninh_binh = store::org_units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let units = Units {
        ninh_binh: ninh_binh.id,
        ward: ward.id,
        groups: crate::demo::children(db, ward.id, Level::Village, today).await?,
    };
    let mut made = 0;
    let mut orgs: HashMap<&str, i64> = HashMap::new();
    for o in ORGS {
        let (id, new) = organisation(db, &units, o).await?;
        made += usize::from(new);
        orgs.insert(o.key, id);
    }
    for o in ORGS {
        if let Some(next) = o.ended_into {
            let (id, next) = (org_id(&orgs, o.key)?, org_id(&orgs, next)?);
            made += usize::from(end(db, id, next, today).await?);
        }
    }
    for (username, key) in ACCOUNTS {
        attach(db, username, org_id(&orgs, key)?).await?;
    }
    let mut ids: HashMap<&str, i64> = HashMap::new();
    for p in programs() {
        let parent = match p.parent {
            Some(k) => Some(*ids.get(k).ok_or("demo: chương trình cấp trên")?),
            None => None,
        };
        let (id, new) = program(db, &units, &orgs, &p, parent).await?;
        made += usize::from(new);
        ids.insert(p.key, id);
        made += targets(db, id, &p).await?;
        made += activities(db, &units, &orgs, id, &p, today).await?;
    }
    Ok(made)
}

/// The organisation's id, registered if it is not yet; and whether it was.
async fn organisation(db: &Db, units: &Units, o: &Org) -> Result<(i64, bool), String> {
    let (level, unit) = match o.area {
        Area::Ward => ("commune", units.ward),
        Area::NinhBinh | Area::NamDinh => ("province", units.ninh_binh),
    };
    let q = PartnerQuery {
        q: Some(fold(o.name)),
        ended: true,
        page: domain::page::Page {
            page: 1,
            per_page: 50,
        },
        ..Default::default()
    };
    let (have, _) = partners::list(db, Scope::All, &q).await.map_err(err)?;
    if let Some(p) = have
        .iter()
        .find(|p| p.name == o.name && p.org_unit_id == Some(unit))
    {
        return Ok((p.id, false));
    }
    let input = PartnerInput {
        kind: Some(o.kind.into()),
        name: Some(o.name.into()),
        level: Some(level.into()),
        org_unit_id: Some(unit),
        contacts: Some(
            o.contacts
                .iter()
                .map(|r| ContactInput {
                    role: Some((*r).into()),
                    phone: None,
                    email: None,
                })
                .collect(),
        ),
    };
    let p = NewPartner::parse(&input).map_err(derr)?;
    let row = partners::create(db, Author::System, Scope::All, &p)
        .await
        .map_err(err)?;
    Ok((row.id, true))
}

/// Ends a legacy organisation into its successor, unless it has ended.
async fn end(db: &Db, id: i64, successor: i64, today: NaiveDate) -> Result<bool, String> {
    let p = partners::get(db, Scope::All, id)
        .await
        .map_err(err)?
        .ok_or("demo: tổ chức vừa tạo không thấy")?;
    if p.ended_on.is_some() {
        return Ok(false);
    }
    let input = EndInput {
        ended_on: Some(day(LEGACY_END)?.to_string()),
        succeeded_by: Some(successor),
    };
    let e = End::parse(&input, today).map_err(derr)?;
    partners::end(db, Author::System, Scope::All, id, e)
        .await
        .map_err(err)?;
    Ok(true)
}

/// Attaches a demo partner account to its organisation, unless it works
/// for one already (or does not exist).
async fn attach(db: &Db, username: &str, organisation: i64) -> Result<(), String> {
    let Some((user, _)) = store::accounts::find_by_username(db, username)
        .await
        .map_err(err)?
    else {
        return Ok(());
    };
    if partners::organisation_of_user(db, user.id)
        .await
        .map_err(err)?
        .is_some()
    {
        return Ok(());
    }
    partners::set_user_organisation(db, Author::System, user.id, Some(organisation))
        .await
        .map_err(err)
}

/// The programme's id, set up if it is not yet; and whether it was.
async fn program(
    db: &Db,
    units: &Units,
    orgs: &HashMap<&str, i64>,
    p: &Program,
    parent: Option<i64>,
) -> Result<(i64, bool), String> {
    let starts_on = day(p.starts_on)?;
    let area = units.area(db, p.area, starts_on).await?;
    let q = ProgramQuery {
        q: Some(fold(p.name)),
        page: domain::page::Page {
            page: 1,
            per_page: 50,
        },
        ..Default::default()
    };
    let (have, _) = programs::list(db, &all(), &q).await.map_err(err)?;
    if let Some(g) = have
        .iter()
        .find(|g| g.name == p.name && g.org_unit_id == Some(area))
    {
        return Ok((g.id, false));
    }
    let mut documents = Vec::new();
    for (number, issuer) in p.documents {
        let rows = store::documents::by_number(db, Scope::All, number)
            .await
            .map_err(err)?;
        // A document the register lacks (a clock set before it) is left out.
        if let Some(d) = rows
            .iter()
            .find(|d| d.issuers.iter().any(|i| i.contains(issuer)))
        {
            documents.push(d.id);
        }
    }
    let input = ProgramInput {
        name: Some(p.name.into()),
        kind: Some(p.kind.into()),
        level: Some(
            if p.area == Area::Ward {
                "commune"
            } else {
                "province"
            }
            .into(),
        ),
        org_unit_id: Some(area),
        parent_id: parent,
        starts_on: Some(starts_on.to_string()),
        ends_on: Some(day(p.ends_on)?.to_string()),
        partners: Some(
            p.parties
                .iter()
                .map(|k| org_id(orgs, k))
                .collect::<Result<_, _>>()?,
        ),
        documents: Some(documents),
        summary: Some(p.summary.into()),
    };
    let g = NewProgram::parse(&input).map_err(derr)?;
    let row = programs::create(db, Author::System, &all(), &g)
        .await
        .map_err(err)?;
    Ok((row.id, true))
}

/// Adds the targets the programme lacks (by name), entering the manual
/// ones' values; returns how many it added.
async fn targets(db: &Db, id: i64, p: &Program) -> Result<usize, String> {
    let have = progress::targets(db, &all(), id).await.map_err(err)?;
    let types = if p.targets.iter().any(|t| t.model_type.is_some()) {
        store::models::types::list(db, true).await.map_err(err)?
    } else {
        Vec::new()
    };
    let mut made = 0;
    for t in &p.targets {
        if have.iter().any(|h| h.name == t.name) {
            continue;
        }
        let model_type_id = match t.model_type {
            Some(code) => match types.iter().find(|m| m.code == code) {
                Some(m) => Some(m.id),
                // A catalogue without the type: the target is left out.
                None => continue,
            },
            None => None,
        };
        let input = TargetInput {
            name: Some(t.name.into()),
            source: Some(t.source.into()),
            model_type_id,
            certification_kind: t.certification_kind.map(String::from),
            indicator: t.indicator.map(String::from),
            target_value: Some(t.value),
            due_on: Some(day(t.due_on)?.to_string()),
        };
        let new = NewTarget::parse(&input).map_err(derr)?;
        let row = progress::add(db, Author::System, &all(), id, &new)
            .await
            .map_err(err)?;
        if let Some(v) = t.manual {
            progress::set_manual(db, Author::System, &all(), id, row.id, v)
                .await
                .map_err(err)?;
        }
        made += 1;
    }
    Ok(made)
}

/// Records the activities the programme lacks (by day, kind and party),
/// those held by today; returns how many it recorded.
async fn activities(
    db: &Db,
    units: &Units,
    orgs: &HashMap<&str, i64>,
    id: i64,
    p: &Program,
    today: NaiveDate,
) -> Result<usize, String> {
    let have = activities::list(db, &all(), id, 1000).await.map_err(err)?;
    let mut made = 0;
    for a in &p.activities {
        let held_on = day(a.held_on)?;
        if held_on > today {
            continue;
        }
        let by = a.by.map(|k| org_id(orgs, k)).transpose()?;
        if have
            .iter()
            .any(|h| h.held_on == held_on && h.kind == a.kind && h.organisation_id == by)
        {
            continue;
        }
        let input = ActivityInput {
            held_on: Some(held_on.to_string()),
            kind: Some(a.kind.into()),
            org_unit_id: a.at.and_then(|n| units.named(n)),
            place: a.place.map(String::from),
            participants: Some(a.participants),
            result: Some(a.result.into()),
            organisation_id: None,
        };
        let new = NewActivity::parse(&input, today).map_err(derr)?;
        let reporter = by.map_or(Reporter::Police, Reporter::Partner);
        activities::add(db, Author::System, &all(), reporter, id, &new)
            .await
            .map_err(err)?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_organisation_is_valid_and_named_once() {
        for o in ORGS {
            let input = PartnerInput {
                kind: Some(o.kind.into()),
                name: Some(o.name.into()),
                level: Some("province".into()),
                org_unit_id: Some(1),
                contacts: Some(
                    o.contacts
                        .iter()
                        .map(|r| ContactInput {
                            role: Some((*r).into()),
                            ..Default::default()
                        })
                        .collect(),
                ),
            };
            NewPartner::parse(&input).unwrap();
            assert_eq!(ORGS.iter().filter(|x| x.key == o.key).count(), 1);
            if let Some(next) = o.ended_into {
                let s = ORGS.iter().find(|x| x.key == next).unwrap();
                assert_eq!(s.kind, o.kind, "{}", o.key);
                assert!(s.ended_into.is_none());
            }
        }
        for (_, key) in ACCOUNTS {
            assert!(ORGS.iter().any(|o| o.key == key));
        }
    }

    #[test]
    fn every_demo_programme_is_valid_within_its_period_and_its_parent() {
        let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        let all = programs();
        for p in &all {
            let (from, to) = (day(p.starts_on).unwrap(), day(p.ends_on).unwrap());
            let input = ProgramInput {
                name: Some(p.name.into()),
                kind: Some(p.kind.into()),
                level: Some("province".into()),
                org_unit_id: Some(1),
                starts_on: Some(from.to_string()),
                ends_on: Some(to.to_string()),
                partners: Some(vec![1]),
                summary: Some(p.summary.into()),
                ..Default::default()
            };
            let g = NewProgram::parse(&input).unwrap();
            assert!(p.summary.contains("Ví dụ của bản trình diễn"), "{}", p.key);
            for k in p.parties {
                let o = ORGS.iter().find(|o| o.key == *k).unwrap();
                // A party must not have ended before the programme starts.
                if o.ended_into.is_some() {
                    assert!(day(LEGACY_END).unwrap() >= from, "{}", p.key);
                }
            }
            if let Some(parent) = p.parent {
                let up = all.iter().find(|x| x.key == parent).unwrap();
                assert!(day(up.starts_on).unwrap() <= from && day(up.ends_on).unwrap() >= to);
            }
            for t in &p.targets {
                let input = TargetInput {
                    name: Some(t.name.into()),
                    source: Some(t.source.into()),
                    model_type_id: t.model_type.map(|_| 1),
                    certification_kind: t.certification_kind.map(String::from),
                    indicator: t.indicator.map(String::from),
                    target_value: Some(t.value),
                    due_on: Some(day(t.due_on).unwrap().to_string()),
                };
                let new = NewTarget::parse(&input).unwrap();
                assert!(g.covers(new.due_on), "{}", t.name);
                assert_eq!(t.manual.is_some(), t.source == "manual", "{}", t.name);
            }
            for a in &p.activities {
                let input = ActivityInput {
                    held_on: Some(day(a.held_on).unwrap().to_string()),
                    kind: Some(a.kind.into()),
                    participants: Some(a.participants),
                    result: Some(a.result.into()),
                    ..Default::default()
                };
                let new = NewActivity::parse(&input, today).unwrap();
                assert!(g.covers(new.held_on), "{} {}", p.key, a.result);
                if let Some(by) = a.by {
                    assert!(p.parties.contains(&by), "{} {by}", p.key);
                }
            }
        }
        let mut keys: Vec<_> = all.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
    }
}
