//! The review the writers' tests lay out and read back.

use chrono::NaiveDate;

use super::{Block, Chart, ReviewDocument, Signer, Table};
use crate::chart::{ChartKind, Series};

/// A review as the writers' tests use it: a header with a parent body,
/// headings of the three levels, paragraphs over two pages, a table of 40
/// communes with a total, a bar chart and a line chart, recipients and a
/// signer for someone else.
pub(crate) fn sample() -> ReviewDocument {
    let communes: Vec<String> = (1..=40).map(|i| format!("Xã Gia Phong số {i}")).collect();
    let rows = communes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                c.clone(),
                format!("{}", 10 + i),
                format!("{}", 3 + i % 7),
                format!("{},5", i % 10),
                format!("1.{:03}", 100 + 17 * i),
            ]
        })
        .collect();
    let para = "Thực hiện Kế hoạch số 120/KH-CAT ngày 15/01/2021 của Công an tỉnh về \
                việc triển khai phong trào \"Toàn dân bảo vệ an ninh Tổ quốc\" giai đoạn \
                2021 - 2025, các đơn vị, địa phương đã chủ động tham mưu cấp ủy, chính \
                quyền cùng cấp ban hành văn bản chỉ đạo, hướng dẫn & tổ chức thực hiện \
                bảo đảm đúng tiến độ, đạt hiệu quả thiết thực; huy động được sự tham gia \
                đông đảo của các tầng lớp Nhân dân, góp phần giữ vững an ninh chính trị, \
                bảo đảm trật tự, an toàn xã hội trên địa bàn.";
    let months: Vec<String> = (1..=12).map(|m| format!("Th{m:02}")).collect();
    ReviewDocument {
        parent_body: Some("Bộ Công an".into()),
        body: "Công an tỉnh Ninh Bình".into(),
        number: "05/BC-CAT".into(),
        place: "Ninh Bình".into(),
        date: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
        kind: "Báo cáo".into(),
        subject: "Sơ kết 5 năm thực hiện phong trào Toàn dân bảo vệ an ninh Tổ quốc \
                  giai đoạn 2021 - 2025 và phương hướng, nhiệm vụ thời gian tới"
            .into(),
        blocks: vec![
            Block::Heading {
                level: 1,
                text: "I. KẾT QUẢ THỰC HIỆN".into(),
            },
            Block::Heading {
                level: 2,
                text: "1. Công tác lãnh đạo, chỉ đạo".into(),
            },
            Block::Paragraph(format!("{para}\n{para}")),
            Block::Heading {
                level: 3,
                text: "a) Công tác tuyên truyền, vận động".into(),
            },
            Block::Paragraph(format!("{para}\n\n{para}\n{para}")),
            Block::Table(Table {
                caption: "Bảng 1. Kết quả xây dựng mô hình theo xã".into(),
                columns: vec![
                    "Đơn vị".into(),
                    "Mô hình".into(),
                    "Tổ tự quản".into(),
                    "Tỷ lệ (%)".into(),
                    "Thành viên".into(),
                ],
                rows,
                total: Some(vec![
                    "Tổng cộng".into(),
                    "1.180".into(),
                    "235".into(),
                    "4,5".into(),
                    "56.320".into(),
                ]),
            }),
            Block::Chart(Chart {
                caption: "Biểu đồ 1. Mô hình theo xã".into(),
                kind: ChartKind::Bars,
                categories: communes.iter().take(8).cloned().collect(),
                series: vec![
                    Series {
                        name: "Mô hình".into(),
                        values: (0..8).map(|i| Some(f64::from(10 + i))).collect(),
                    },
                    Series {
                        name: "Tổ tự quản".into(),
                        values: (0..8)
                            .map(|i| (i != 3).then_some(f64::from(3 + i % 7)))
                            .collect(),
                    },
                ],
            }),
            Block::Heading {
                level: 2,
                text: "2. Tình hình an ninh, trật tự".into(),
            },
            Block::Paragraph(para.into()),
            Block::Chart(Chart {
                caption: "Biểu đồ 2. Tin báo, tố giác tội phạm theo tháng".into(),
                kind: ChartKind::Lines,
                categories: months,
                series: vec![
                    Series {
                        name: "Năm 2025".into(),
                        values: (0..12)
                            .map(|i| Some(f64::from(40 + (i * 7) % 23)))
                            .collect(),
                    },
                    Series {
                        name: "Năm 2026".into(),
                        values: (0..12)
                            .map(|i| (i < 9).then_some(f64::from(35 + (i * 5) % 19)))
                            .collect(),
                    },
                ],
            }),
            Block::Heading {
                level: 1,
                text: "II. PHƯƠNG HƯỚNG, NHIỆM VỤ".into(),
            },
            Block::Paragraph(format!("{para}\n{para}")),
        ],
        signer: Signer {
            authority: Some("KT. Giám đốc".into()),
            title: "Phó Giám đốc".into(),
            name: "Nguyễn Văn An".into(),
        },
        recipients: vec![
            "- Bộ Công an (V05);".into(),
            "- Đồng chí Giám đốc;".into(),
            "- Công an các xã, phường;".into(),
            "- Lưu: VT, PV05.".into(),
        ],
        appendix: vec![
            Block::Heading {
                level: 1,
                text: "PHỤ LỤC: SỐ LIỆU THEO ĐƠN VỊ".into(),
            },
            Block::Paragraph("Kèm theo Báo cáo số 05/BC-CAT.".into()),
        ],
    }
}
