//! A review as the state's document (`files::ReviewDocument`): the
//! letterhead of the unit's police under its parent's, the sections in
//! order with the figures under "Kết quả đạt được" (each part's headlines
//! as sentences, its tables, a chart for the tables that have one), the
//! signer and recipients of an issued review, placeholders on a draft.

use domain::org_units::Level;
use domain::reviews::{change, number, FigureRow, FigureTable, Figures, Part, Section, State};
use files::{
    ChartKind, ReviewBlock, ReviewChart, ReviewDocument, ReviewSigner, ReviewTable, Series,
};
use store::org_units::UnitView;
use store::reviews::ReviewDetail;

use crate::areas::police_of;

/// Tables with more rows than this are not drawn as a chart (the table
/// holds them).
const MAX_CHART_ROWS: usize = 30;

/// A row as text: its label, then its values written out ("1.234").
pub(super) fn cells(r: &FigureRow) -> Vec<String> {
    std::iter::once(r.label.clone())
        .chain(r.values.iter().map(|v| v.map(number).unwrap_or_default()))
        .collect()
}

fn table(t: &FigureTable) -> ReviewTable {
    ReviewTable {
        caption: t.title.clone(),
        columns: t.columns.clone(),
        rows: t.rows.iter().map(cells).collect(),
        total: t.total.as_ref().map(cells),
    }
}

/// The table's chart, if it has one worth drawing: a series per column,
/// a category per row (the page draws the same one as SVG).
pub(super) fn chart(t: &FigureTable) -> Option<ReviewChart> {
    let kind = match t.chart? {
        domain::reviews::ChartHint::Bars => ChartKind::Bars,
        domain::reviews::ChartHint::Lines => ChartKind::Lines,
    };
    // One row (a single year) is no picture.
    if t.rows.len() < 2 || t.rows.len() > MAX_CHART_ROWS {
        return None;
    }
    Some(ReviewChart {
        caption: format!("Biểu đồ: {}", t.title),
        kind,
        categories: t.rows.iter().map(|r| r.label.clone()).collect(),
        series: t
            .columns
            .iter()
            .skip(1)
            .enumerate()
            .map(|(i, name)| Series {
                name: name.clone(),
                values: t
                    .rows
                    .iter()
                    .map(|r| r.values.get(i).copied().flatten())
                    .collect(),
            })
            .collect(),
    })
}

/// A part's headlines as one sentence each ("- Mô hình …: 120, tăng 20 (20%) so với kỳ trước.").
fn headlines(p: &Part) -> Vec<ReviewBlock> {
    p.headlines
        .iter()
        .map(|h| {
            let compared = h
                .previous
                .map(|prev| format!(", {}", change(h.value, prev)))
                .unwrap_or_default();
            ReviewBlock::Paragraph(format!("- {}: {}{compared}.", h.label, number(h.value)))
        })
        .collect()
}

/// Whether a table breaks down to the sub-units: those go to the appendix
/// (a province's tables run to a hundred communes each).
fn by_unit(t: &FigureTable) -> bool {
    t.rows.iter().any(|r| r.org_unit_id.is_some())
}

/// The figures, a numbered subsection per part that has any; the tables
/// unit by unit are left to [`appendix`].
fn figures(f: &Figures) -> Vec<ReviewBlock> {
    let mut out = vec![ReviewBlock::Paragraph(format!(
        "Số liệu {} (so sánh với {}), do hệ thống tổng hợp ngày {}:",
        f.period,
        f.previous_period,
        f.assembled_on.format("%d/%m/%Y")
    ))];
    let parts = f
        .parts
        .iter()
        .filter(|p| !p.headlines.is_empty() || !p.tables.is_empty());
    for (n, p) in parts.enumerate() {
        out.push(ReviewBlock::Heading {
            level: 2,
            text: format!("{}. {}", n + 1, p.title),
        });
        out.extend(headlines(p));
        for t in p
            .tables
            .iter()
            .filter(|t| !t.rows.is_empty() && !by_unit(t))
        {
            out.push(ReviewBlock::Table(table(t)));
            if let Some(c) = chart(t) {
                out.push(ReviewBlock::Chart(c));
            }
        }
    }
    out
}

/// "PHỤ LỤC": every table unit by unit, numbered like the parts.
fn appendix(f: &Figures, number: &str) -> Vec<ReviewBlock> {
    let tables: Vec<&FigureTable> = f
        .parts
        .iter()
        .flat_map(|p| p.tables.iter())
        .filter(|t| !t.rows.is_empty() && by_unit(t))
        .collect();
    if tables.is_empty() {
        return Vec::new();
    }
    let mut out = vec![
        ReviewBlock::Heading {
            level: 1,
            text: "PHỤ LỤC: SỐ LIỆU THEO ĐƠN VỊ".into(),
        },
        ReviewBlock::Paragraph(format!("(Kèm theo Báo cáo số {number})")),
    ];
    for (n, t) in tables.into_iter().enumerate() {
        let mut t = table(t);
        t.caption = format!("Biểu {}. {}", n + 1, t.caption);
        out.push(ReviewBlock::Table(t));
    }
    out
}

fn paragraphs(text: &str) -> impl Iterator<Item = ReviewBlock> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| ReviewBlock::Paragraph(l.to_owned()))
}

/// The document of `r` with `f` its figures; `unit` its unit (none: a
/// national review, the Ministry's).
pub fn of(r: &ReviewDetail, f: &Figures, unit: Option<&UnitView>) -> ReviewDocument {
    let parent_body = match unit.map(|u| (u.unit.level, &u.parent_name)) {
        None => None,
        Some((Level::Province, _) | (_, None)) => Some("BỘ CÔNG AN".to_owned()),
        Some((_, Some(parent))) => Some(police_of(parent)),
    };
    let mut blocks = Vec::new();
    let mut written = 0;
    for s in Section::ALL {
        let text = r
            .sections
            .iter()
            .find(|x| x.section == s.as_str())
            .map(|x| x.body.as_str())
            .unwrap_or_default();
        if text.trim().is_empty() && *s != Section::Results {
            continue;
        }
        written += 1;
        blocks.push(ReviewBlock::Heading {
            level: 1,
            text: s.heading(written),
        });
        blocks.extend(paragraphs(text));
        if *s == Section::Results {
            blocks.extend(figures(f));
        }
    }
    let row = &r.review;
    let issued = row.state() == State::Issued;
    let head_title = match unit.map(|u| u.unit.level) {
        None => "BỘ TRƯỞNG",
        Some(Level::Province) => "GIÁM ĐỐC",
        Some(_) => "TRƯỞNG CÔNG AN",
    };
    let number = row.number.clone().unwrap_or_else(|| "     /BC".into());
    ReviewDocument {
        appendix: appendix(f, &number),
        parent_body,
        body: unit.map_or_else(|| "BỘ CÔNG AN".to_owned(), |u| police_of(&u.unit.name)),
        number,
        place: row.place.clone().unwrap_or_else(|| {
            unit.map_or_else(|| "Hà Nội".to_owned(), |u| u.unit.short_name.clone())
        }),
        date: row.issued_on.unwrap_or(f.assembled_on),
        kind: "BÁO CÁO".into(),
        subject: row.subject.clone(),
        blocks,
        signer: ReviewSigner {
            authority: row.signer_authority.clone(),
            title: row
                .signer_title
                .clone()
                .unwrap_or_else(|| head_title.into()),
            name: if issued {
                row.signer_name.clone().unwrap_or_default()
            } else {
                "(Dự thảo)".into()
            },
        },
        recipients: if issued {
            row.recipient_lines()
        } else {
            vec!["- Như trên;".into(), "- Lưu: VT.".into()]
        },
    }
}
