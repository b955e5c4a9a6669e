//! The review as a DOCX, written by hand as Office Open XML: the parts
//! Word and LibreOffice need and no more (no theme, no numbering, no
//! embedded workbook).
//!
//! The layout follows the PDF's figures (`layout.rs`): lines at exact
//! pitches, so both writers break pages at about the same places. The
//! header and the signature block are borderless two-column tables; the
//! short rules under the issuing body, the motto and the subject are the
//! bottom borders of empty paragraphs a few points high, indented to the
//! rule's width (both Word and LibreOffice draw those, where shapes placed
//! on the page move with fonts and versions). Page numbers are a PAGE
//! field in the default header; the first page has its own, empty one.
//! Charts are native DrawingML charts whose categories and values are
//! cached in the chart part itself, which both programs draw from.

use std::fmt::Write as _;
use std::io::Write as _;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::layout::{
    body_rule, capitals, motto_rule, paragraphs, table_pitch, table_size, Faces, Style, AFTER,
    BODY, BODY_BEFORE, BODY_PITCH, BORDER, BOTTOM_TW, CAPTION, CAPTION_AFTER, CAPTION_PITCH,
    CELL_PAD_X, CELL_PAD_Y, CHART_H, HEAD, HEADER_GAP, HEADER_TW, HEAD_PITCH, INDENT, LEFT_COL,
    LEFT_COL_TW, LEFT_TW, MOTTO, NATION, NATION_NAME, PAGE_H_TW, PAGE_NUMBER, PAGE_W_TW,
    RECIPIENTS, RECIPIENTS_HEAD, RECIPIENTS_HEAD_PITCH, RECIPIENTS_PITCH, RIGHT_COL, RIGHT_TW,
    RULE_H, SIGNATURE_BEFORE, SIGNATURE_ROOM, SUBJECT_RULE, TEXT_W, TEXT_W_TW, TITLE_BEFORE,
    TOP_TW,
};
use super::{place_and_date, Block, Chart, ReviewDocument, Table};
use crate::chart::{ChartKind, COLOURS, MAX_CATEGORIES, MAX_SERIES};
use crate::table::{column_letter, FilesError};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const C_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const CHART_TYPE: &str = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
/// A point in EMU (DrawingML's unit).
const EMU_PER_PT: f32 = 12700.0;

/// Points as twips.
fn tw(pt: f32) -> u32 {
    (pt * 20.0).round().max(0.0) as u32
}

/// Text for XML: the five markup characters escaped, tabs and line breaks
/// as spaces (a run shows neither), other control characters (which XML
/// 1.0 cannot hold) and non-characters dropped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Whitespace as the PDF takes it: a word's end.
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A run of text in `style` at `size` points.
fn run(text: &str, style: Style, size: f32) -> String {
    let hp = (size * 2.0).round() as u32;
    let b = if style.bold() { "<w:b/><w:bCs/>" } else { "" };
    let i = if style.italic() { "<w:i/><w:iCs/>" } else { "" };
    format!(
        r#"<w:r><w:rPr>{b}{i}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    )
}

/// A paragraph's properties, written in the order the schema wants.
#[derive(Clone, Copy)]
struct Para {
    jc: &'static str,
    first_line: u32,
    before: u32,
    after: u32,
    /// An exact line pitch in points; `None` for a single line that grows
    /// with what it holds (a chart).
    pitch: Option<f32>,
    keep_next: bool,
    /// A rule: the paragraph's bottom border, between these indents.
    rule: Option<(u32, u32)>,
    /// The heading level, for the document's outline.
    outline: Option<u8>,
}

impl Para {
    const fn new(jc: &'static str, pitch: f32) -> Self {
        Para {
            jc,
            first_line: 0,
            before: 0,
            after: 0,
            pitch: Some(pitch),
            keep_next: false,
            rule: None,
            outline: None,
        }
    }

    fn after(self, pt: f32) -> Self {
        Para {
            after: tw(pt),
            ..self
        }
    }

    fn before(self, pt: f32) -> Self {
        Para {
            before: tw(pt),
            ..self
        }
    }

    fn keep(self) -> Self {
        Para {
            keep_next: true,
            ..self
        }
    }

    fn ppr(&self) -> String {
        let mut p = String::from("<w:pPr>");
        if self.keep_next {
            p.push_str("<w:keepNext/>");
        }
        if self.rule.is_some() {
            p.push_str(
                r#"<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>"#,
            );
        }
        let line = match self.pitch {
            Some(pt) => format!(r#" w:line="{}" w:lineRule="exact""#, tw(pt)),
            None => r#" w:line="240" w:lineRule="auto""#.to_owned(),
        };
        let _ = write!(
            p,
            r#"<w:spacing w:before="{}" w:after="{}"{line}/>"#,
            self.before, self.after
        );
        let (left, right) = self.rule.unwrap_or((0, 0));
        let _ = write!(
            p,
            r#"<w:ind w:left="{left}" w:right="{right}" w:firstLine="{}"/><w:jc w:val="{}"/>"#,
            self.first_line, self.jc
        );
        if let Some(level) = self.outline {
            let _ = write!(p, r#"<w:outlineLvl w:val="{}"/>"#, level.saturating_sub(1));
        }
        if self.rule.is_some() {
            // The empty paragraph's mark is small, so the line box is the
            // exact pitch alone.
            p.push_str(r#"<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr>"#);
        }
        p.push_str("</w:pPr>");
        p
    }

    fn with(&self, runs: &str) -> String {
        format!("<w:p>{}{runs}</w:p>", self.ppr())
    }
}

/// A short rule `w` points wide centred in a column `col` points wide,
/// `after` points above what follows.
fn rule(w: f32, col: f32, after: f32) -> String {
    let side = tw(((col - w) / 2.0).max(0.0));
    Para {
        rule: Some((side, side)),
        ..Para::new("center", RULE_H)
    }
    .after(after)
    .with("")
}

/// Lines of `style` at `size`, centred, each its own paragraph (the
/// text's own line breaks kept).
fn centred(text: &str, style: Style, size: f32, pitch: f32) -> String {
    let p = Para::new("center", pitch);
    paragraphs(text)
        .map(|line| p.with(&run(line, style, size)))
        .collect()
}

/// A borderless table of one row per `rows` item, two columns: the left
/// `LEFT_COL` wide, the right the rest; its rows never split.
fn two_columns(rows: &[(String, String)]) -> String {
    let right = TEXT_W_TW - LEFT_COL_TW;
    let mut t = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W_TW}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid><w:gridCol w:w="{LEFT_COL_TW}"/><w:gridCol w:w="{right}"/></w:tblGrid>"#,
        borders("nil", 0)
    );
    for (l, r) in rows {
        let _ = write!(
            t,
            r#"<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{LEFT_COL_TW}" w:type="dxa"/></w:tcPr>{}</w:tc><w:tc><w:tcPr><w:tcW w:w="{right}" w:type="dxa"/></w:tcPr>{}</w:tc></w:tr>"#,
            cell(l),
            cell(r)
        );
    }
    t.push_str("</w:tbl>");
    t
}

/// A cell's content: a cell must end with a paragraph.
fn cell(content: &str) -> String {
    if content.ends_with("</w:p>") {
        content.to_owned()
    } else {
        format!("{content}<w:p/>")
    }
}

/// A table's six borders, all `val` (`single` or `nil`) `sz` eighths of a
/// point thick.
fn borders(val: &str, sz: u32) -> String {
    ["top", "left", "bottom", "right", "insideH", "insideV"]
        .iter()
        .map(|side| {
            format!(r#"<w:{side} w:val="{val}" w:sz="{sz}" w:space="0" w:color="000000"/>"#)
        })
        .collect()
}

/// The header: the issuing body and the national name, the number and the
/// place and date, then the type and the subject with its rule.
fn header(faces: &Faces, doc: &ReviewDocument) -> String {
    let mut left = String::new();
    if let Some(parent) = &doc.parent_body {
        left.push_str(&centred(
            &capitals(parent),
            Style::Regular,
            HEAD,
            HEAD_PITCH,
        ));
    }
    let body = capitals(&doc.body);
    left.push_str(&centred(&body, Style::Bold, HEAD, HEAD_PITCH));
    let body_lines = faces.lines(Style::Bold, &body, HEAD, LEFT_COL);
    left.push_str(&rule(body_rule(faces, &body_lines), LEFT_COL, HEADER_GAP));
    let mut right = centred(NATION_NAME, Style::Bold, NATION, HEAD_PITCH);
    right.push_str(&centred(MOTTO, Style::Bold, BODY, BODY_PITCH));
    right.push_str(&rule(motto_rule(faces), RIGHT_COL, HEADER_GAP));
    let number = Para::new("center", BODY_PITCH).with(&run(
        &format!("Số: {}", doc.number),
        Style::Regular,
        HEAD,
    ));
    let date = Para::new("center", BODY_PITCH).with(&run(
        &place_and_date(&doc.place, doc.date),
        Style::Italic,
        BODY,
    ));
    let mut out = two_columns(&[(left, right), (number, date)]);
    let title = Para::new("center", BODY_PITCH).before(TITLE_BEFORE);
    out.push_str(&title.with(&run(&capitals(&doc.kind), Style::Bold, BODY)));
    out.push_str(&centred(&doc.subject, Style::Bold, BODY, BODY_PITCH));
    out.push_str(&rule(SUBJECT_RULE, TEXT_W, BODY_BEFORE));
    out
}

/// A justified paragraph of the body (a heading too), its first line
/// indented.
fn body_para(text: &str, style: Style, outline: Option<u8>) -> String {
    let p = Para {
        first_line: tw(INDENT),
        keep_next: outline.is_some(),
        outline,
        ..Para::new("both", BODY_PITCH)
    }
    .after(AFTER);
    p.with(&run(text, style, BODY))
}

fn caption(text: &str, after: f32, keep: bool) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let p = Para::new("center", CAPTION_PITCH).after(after);
    let p = if keep { p.keep() } else { p };
    p.with(&run(text, Style::Bold, CAPTION))
}

/// An empty paragraph `pt` high: room after a table, before the
/// signature.
fn spacer(pt: f32) -> String {
    Para::new("left", pt).with("")
}

/// A table: the caption kept with it, the grid with fixed column widths
/// (as the PDF measures them), the header row repeated on each page.
fn table(faces: &Faces, t: &Table) -> String {
    let widths = faces.column_widths(t);
    let mut cols: Vec<u32> = widths.iter().map(|w| tw(*w)).collect();
    // The twips' rounding put on the last column, so they sum exactly.
    let rest: u32 = cols.iter().rev().skip(1).sum();
    if let Some(last) = cols.last_mut() {
        *last = TEXT_W_TW.saturating_sub(rest);
    }
    let size = table_size(cols.len());
    let pitch = table_pitch(size);
    let mut out = caption(&t.caption, CAPTION_AFTER, true);
    let (px, py) = (tw(CELL_PAD_X), tw(CELL_PAD_Y));
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{TEXT_W_TW}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>{}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="{py}" w:type="dxa"/><w:left w:w="{px}" w:type="dxa"/><w:bottom w:w="{py}" w:type="dxa"/><w:right w:w="{px}" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>"#,
        borders("single", (BORDER * 8.0).round() as u32)
    );
    for c in &cols {
        let _ = write!(out, r#"<w:gridCol w:w="{c}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    let row = |cells: &[String], style: Style, head: bool| {
        let mut r = String::from("<w:tr><w:trPr><w:cantSplit/>");
        if head {
            r.push_str("<w:tblHeader/>");
        }
        r.push_str("</w:trPr>");
        for (i, w) in cols.iter().enumerate() {
            let jc = match (head, i) {
                (true, _) => "center",
                (false, 0) => "left",
                _ => "right",
            };
            let valign = if head { "center" } else { "top" };
            let text = cells.get(i).map(String::as_str).unwrap_or_default();
            let _ = write!(
                r,
                r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="{valign}"/></w:tcPr>{}</w:tc>"#,
                Para::new(jc, pitch).with(&run(text, style, size))
            );
        }
        r.push_str("</w:tr>");
        r
    };
    out.push_str(&row(&t.columns, Style::Bold, true));
    for r in &t.rows {
        out.push_str(&row(r, Style::Regular, false));
    }
    if let Some(total) = &t.total {
        out.push_str(&row(total, Style::Bold, false));
    }
    out.push_str("</w:tbl>");
    out.push_str(&spacer(AFTER));
    out
}

/// The chart's inline drawing, referring to its part by `rel`, with its
/// caption under it.
fn chart_para(c: &Chart, number: usize, rel: &str) -> String {
    let cx = (TEXT_W * EMU_PER_PT).round() as u64;
    let cy = (CHART_H * EMU_PER_PT).round() as u64;
    let name = esc(&format!("Biểu đồ {number}"));
    let drawing = format!(
        r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{number}" name="{name}"/><wp:cNvGraphicFramePr/><a:graphic xmlns:a="{A_NS}"><a:graphicData uri="{C_NS}"><c:chart xmlns:c="{C_NS}" r:id="{rel}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#
    );
    let p = Para {
        pitch: None,
        keep_next: !c.caption.trim().is_empty(),
        ..Para::new("center", BODY_PITCH)
    }
    .after(CAPTION_AFTER);
    let mut out = p.with(&drawing);
    out.push_str(&caption(&c.caption, AFTER, false));
    out
}

/// The chart part: a clustered column chart or a line chart, its
/// categories and values cached in it (no workbook is embedded; Word and
/// LibreOffice draw from the cache), the series in `crate::chart`'s
/// colours, the legend at the bottom, text in Times New Roman.
fn chart_xml(c: &Chart) -> String {
    let cats: Vec<&String> = c.categories.iter().take(MAX_CATEGORIES).collect();
    let mut series = String::new();
    for (k, s) in c.series.iter().take(MAX_SERIES).enumerate() {
        series.push_str(&chart_series(c.kind, k, &s.name, &s.values, &cats));
    }
    let plot = match c.kind {
        ChartKind::Bars => format!(
            r#"<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>{series}<c:gapWidth val="60"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>"#
        ),
        ChartKind::Lines => format!(
            r#"<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>"#
        ),
    };
    let grey = r#"<c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="444444"/></a:solidFill></a:ln></c:spPr>"#;
    let grid = r#"<c:majorGridlines><c:spPr><a:ln w="6350"><a:solidFill><a:srgbClr val="D2D2D2"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>"#;
    format!(
        r#"{XML_DECL}<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}"><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>{plot}<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/>{grey}<c:crossAx val="1002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx><c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>{grid}{VALUE_FORMAT}<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{grey}<c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1000"><a:solidFill><a:srgbClr val="222222"/></a:solidFill><a:latin typeface="Times New Roman"/><a:cs typeface="Times New Roman"/></a:defRPr></a:pPr><a:endParaRPr lang="vi-VN"/></a:p></c:txPr></c:chartSpace>"#
    )
}

/// Values with thousands grouped (a dot in Vietnamese).
const VALUE_FORMAT: &str = r##"<c:numFmt formatCode="#,##0" sourceLinked="0"/>"##;

/// One series: its name, colour, categories and values (a gap where there
/// is none), cached as the sheet cells they would be.
fn chart_series(
    kind: ChartKind,
    k: usize,
    name: &str,
    values: &[Option<f64>],
    cats: &[&String],
) -> String {
    let n = cats.len();
    let col = column_letter(k + 1);
    let colour = COLOURS
        .get(k % COLOURS.len())
        .copied()
        .unwrap_or("#000000")
        .trim_start_matches('#');
    let mut cat = String::new();
    for (i, c) in cats.iter().enumerate() {
        let _ = write!(cat, r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, esc(c));
    }
    let mut val = String::new();
    for (i, v) in values.iter().take(n).enumerate() {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            let _ = write!(val, r#"<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>"#);
        }
    }
    let look = match kind {
        ChartKind::Bars => format!(
            r#"<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>"#
        ),
        ChartKind::Lines => format!(
            r#"<c:spPr><a:ln w="19050" cap="rnd"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:round/></a:ln></c:spPr><c:marker><c:symbol val="circle"/><c:size val="4"/><c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr></c:marker>"#
        ),
    };
    let smooth = match kind {
        ChartKind::Bars => "",
        ChartKind::Lines => r#"<c:smooth val="0"/>"#,
    };
    let last = n + 1;
    format!(
        r#"<c:ser><c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>{}</c:v></c:pt></c:strCache></c:strRef></c:tx>{look}<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${last}</c:f><c:strCache><c:ptCount val="{n}"/>{cat}</c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${last}</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{val}</c:numCache></c:numRef></c:val>{smooth}</c:ser>"#,
        esc(name)
    )
}

/// "Nơi nhận:" and its lines on the left, the signer on the right, in one
/// row that does not split across pages.
fn signature(doc: &ReviewDocument) -> String {
    let head = Para::new("left", RECIPIENTS_HEAD_PITCH);
    let mut left = head.with(&run("Nơi nhận:", Style::BoldItalic, RECIPIENTS_HEAD));
    let item = Para::new("left", RECIPIENTS_PITCH);
    for r in doc.recipients.iter().flat_map(|r| paragraphs(r)) {
        left.push_str(&item.with(&run(r, Style::Regular, RECIPIENTS)));
    }
    let mut right = String::new();
    for t in doc.signer.authority.iter().chain([&doc.signer.title]) {
        right.push_str(&centred(&capitals(t), Style::Bold, BODY, BODY_PITCH));
    }
    let name = Para::new("center", BODY_PITCH);
    for (i, line) in paragraphs(&doc.signer.name).enumerate() {
        let p = if i == 0 {
            name.before(SIGNATURE_ROOM)
        } else {
            name
        };
        right.push_str(&p.with(&run(line, Style::Bold, BODY)));
    }
    let mut out = spacer(SIGNATURE_BEFORE);
    out.push_str(&two_columns(&[(left, right)]));
    out
}

/// The body of `document.xml` and the chart parts it refers to.
fn body(faces: &Faces, doc: &ReviewDocument) -> (String, Vec<String>) {
    let mut out = header(faces, doc);
    let mut charts = Vec::new();
    blocks(faces, &doc.blocks, &mut out, &mut charts);
    out.push_str(&signature(doc));
    if !doc.appendix.is_empty() {
        out.push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#);
        blocks(faces, &doc.appendix, &mut out, &mut charts);
    }
    (out, charts)
}

/// `list` as paragraphs, tables and chart frames onto `out`; the charts'
/// parts onto `charts`, numbered in order.
fn blocks(faces: &Faces, list: &[Block], out: &mut String, charts: &mut Vec<String>) {
    for block in list {
        match block {
            Block::Heading { level, text } => {
                let style = if *level >= 3 {
                    Style::BoldItalic
                } else {
                    Style::Bold
                };
                out.push_str(&body_para(text, style, Some((*level).clamp(1, 9))));
            }
            Block::Paragraph(text) => {
                for p in paragraphs(text) {
                    out.push_str(&body_para(p, Style::Regular, None));
                }
            }
            Block::Table(t) => out.push_str(&table(faces, t)),
            Block::Chart(c) => {
                charts.push(chart_xml(c));
                let n = charts.len();
                out.push_str(&chart_para(c, n, &chart_rel(n)));
            }
        }
    }
}

fn chart_rel(n: usize) -> String {
    format!("rIdChart{n}")
}

/// The section: A4 portrait, the margins, the header 10 mm from the top,
/// the first page's own (empty) header.
fn section() -> String {
    format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/><w:headerReference w:type="first" r:id="rIdHeader2"/><w:pgSz w:w="{PAGE_W_TW}" w:h="{PAGE_H_TW}"/><w:pgMar w:top="{TOP_TW}" w:right="{RIGHT_TW}" w:bottom="{BOTTOM_TW}" w:left="{LEFT_TW}" w:header="{HEADER_TW}" w:footer="{HEADER_TW}" w:gutter="0"/><w:cols w:space="720"/><w:titlePg/></w:sectPr>"#
    )
}

fn document_xml(body: &str) -> String {
    format!(
        r#"{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:c="{C_NS}"><w:body>{body}{}</w:body></w:document>"#,
        section()
    )
}

/// The default header: the page number, centred.
fn page_number_header() -> String {
    let hp = (PAGE_NUMBER * 2.0).round() as u32;
    let rpr = format!(r#"<w:rPr><w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr>"#);
    format!(
        r#"{XML_DECL}<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:jc w:val="center"/></w:pPr><w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r><w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t>2</w:t></w:r><w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r></w:p></w:hdr>"#
    )
}

fn empty_header() -> String {
    format!(r#"{XML_DECL}<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p/></w:hdr>"#)
}

/// Times New Roman 14 pt in Vietnamese for every run unless it says
/// otherwise; paragraphs without spacing; tables without borders or
/// indent unless they say otherwise.
fn styles_xml() -> String {
    format!(
        r#"{XML_DECL}<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#
    )
}

/// Word 2013 and later layout (tables measured to their borders).
fn settings_xml() -> String {
    format!(
        r#"{XML_DECL}<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="vi-VN"/></w:settings>"#
    )
}

fn core_xml(doc: &ReviewDocument) -> String {
    format!(
        r#"{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>binhyen</dc:creator><dc:language>vi-VN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{}T00:00:00Z</dcterms:created></cp:coreProperties>"#,
        esc(&doc.subject),
        doc.date.format("%Y-%m-%d")
    )
}

fn app_xml() -> String {
    format!(
        r#"{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>binhyen</Application></Properties>"#
    )
}

fn content_types(charts: usize) -> String {
    let mut overrides = String::new();
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, kind) in [
        ("/word/document.xml", format!("{wml}.document.main+xml")),
        ("/word/styles.xml", format!("{wml}.styles+xml")),
        ("/word/settings.xml", format!("{wml}.settings+xml")),
        ("/word/header1.xml", format!("{wml}.header+xml")),
        ("/word/header2.xml", format!("{wml}.header+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".to_owned(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".to_owned(),
        ),
    ] {
        let _ = write!(
            overrides,
            r#"<Override PartName="{part}" ContentType="{kind}"/>"#
        );
    }
    for n in 1..=charts {
        let _ = write!(
            overrides,
            r#"<Override PartName="/word/charts/chart{n}.xml" ContentType="{CHART_TYPE}"/>"#
        );
    }
    format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>"#
    )
}

fn package_rels() -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{R_NS}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

fn document_rels(charts: usize) -> String {
    let mut rels = format!(
        r#"<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="{R_NS}/settings" Target="settings.xml"/><Relationship Id="rIdHeader1" Type="{R_NS}/header" Target="header1.xml"/><Relationship Id="rIdHeader2" Type="{R_NS}/header" Target="header2.xml"/>"#
    );
    for n in 1..=charts {
        let _ = write!(
            rels,
            r#"<Relationship Id="{}" Type="{R_NS}/chart" Target="charts/chart{n}.xml"/>"#,
            chart_rel(n)
        );
    }
    format!(r#"{XML_DECL}<Relationships xmlns="{REL_NS}">{rels}</Relationships>"#)
}

fn zip_error(e: impl std::fmt::Display) -> FilesError {
    FilesError::Write(format!("không ghi được tệp DOCX: {e}").into())
}

/// The review as a DOCX (A4, Times New Roman 14 pt, Nghị định 30/2020).
pub fn review_docx(doc: &ReviewDocument) -> Result<Vec<u8>, FilesError> {
    let faces = Faces::load()?;
    let (body, charts) = body(&faces, doc);
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), content_types(charts.len())),
        ("_rels/.rels".into(), package_rels()),
        ("docProps/core.xml".into(), core_xml(doc)),
        ("docProps/app.xml".into(), app_xml()),
        ("word/document.xml".into(), document_xml(&body)),
        ("word/styles.xml".into(), styles_xml()),
        ("word/settings.xml".into(), settings_xml()),
        ("word/header1.xml".into(), page_number_header()),
        ("word/header2.xml".into(), empty_header()),
        (
            "word/_rels/document.xml.rels".into(),
            document_rels(charts.len()),
        ),
    ];
    for (i, c) in charts.into_iter().enumerate() {
        parts.push((format!("word/charts/chart{}.xml", i + 1), c));
    }
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, xml) in &parts {
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        zip.write_all(xml.as_bytes()).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::io::Read;

    use super::*;

    /// The archive's parts by name, as text.
    fn parts(bytes: &[u8]) -> BTreeMap<String, String> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().into_owned();
            assert_eq!(f.compression(), CompressionMethod::Deflated, "{name}");
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            out.insert(name, text);
        }
        out
    }

    /// Whether `xml` is well-formed as far as its tags go: each element
    /// closed in order, one root, attributes quoted, no stray `<` or `&`.
    fn well_formed(xml: &str) -> Result<(), String> {
        let mut stack: Vec<&str> = Vec::new();
        let mut roots = 0;
        let mut rest = xml;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open])?;
            let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if tag.starts_with('?') {
                if !tag.ends_with('?') {
                    return Err(format!("bad declaration <{tag}>"));
                }
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(open) if open == name.trim() => continue,
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
            }
            let empty = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name = body.split_whitespace().next().ok_or("empty tag")?;
            if !body.matches('"').count().is_multiple_of(2) || body.contains('<') {
                return Err(format!("bad attributes in <{tag}>"));
            }
            if stack.is_empty() {
                roots += 1;
            }
            if !empty {
                stack.push(name);
            }
        }
        check_text(rest)?;
        match (stack.is_empty(), roots) {
            (true, 1) => Ok(()),
            _ => Err(format!("unclosed {stack:?} or {roots} roots")),
        }
    }

    /// Text between tags: no `>` and every `&` starts a known entity.
    fn check_text(text: &str) -> Result<(), String> {
        if text.contains('>') {
            return Err(format!("stray > in {text:?}"));
        }
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                .iter()
                .any(|e| entity.starts_with(e))
            {
                return Err(format!("stray & in {text:?}"));
            }
        }
        Ok(())
    }

    fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
        let start = text.find(from).unwrap_or_else(|| panic!("no {from}"));
        let end = text[start..].find(to).unwrap_or_else(|| panic!("no {to}")) + start;
        &text[start..end + to.len()]
    }

    #[test]
    fn a_review_is_a_docx_in_the_state_format() {
        let doc = super::super::sample::sample();
        let bytes = review_docx(&doc).unwrap();
        // REVIEW_DOCX=/tmp/review-sample.docx keeps the file, to look at.
        if let Some(out) = std::env::var_os("REVIEW_DOCX") {
            std::fs::write(out, &bytes).unwrap();
        }
        let parts = parts(&bytes);
        let names = [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/core.xml",
            "docProps/app.xml",
            "word/document.xml",
            "word/styles.xml",
            "word/settings.xml",
            "word/header1.xml",
            "word/header2.xml",
            "word/_rels/document.xml.rels",
            "word/charts/chart1.xml",
            "word/charts/chart2.xml",
        ];
        assert_eq!(parts.keys().collect::<Vec<_>>().len(), names.len());
        for name in names {
            let xml = parts.get(name).unwrap_or_else(|| panic!("no {name}"));
            well_formed(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let types = &parts["[Content_Types].xml"];
        for name in names
            .iter()
            .filter(|n| !n.ends_with(".rels") && !n.starts_with('['))
        {
            assert!(
                types.contains(&format!(r#"PartName="/{name}""#)),
                "{name} in the content types"
            );
        }
        assert!(types.contains(&format!(
            r#"PartName="/word/charts/chart2.xml" ContentType="{CHART_TYPE}""#
        )));

        let document = &parts["word/document.xml"];
        let sect = between(document, "<w:sectPr>", "</w:sectPr>");
        assert!(
            sect.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#),
            "{sect}"
        );
        for margin in [
            r#"w:top="1134""#,
            r#"w:bottom="1134""#,
            r#"w:left="1701""#,
            r#"w:right="851""#,
            r#"w:header="567""#,
        ] {
            assert!(sect.contains(margin), "{margin} in {sect}");
        }
        assert!(sect.contains("<w:titlePg/>"));
        assert!(document.rfind("<w:sectPr>") > document.rfind("</w:tbl>"));

        // The default header numbers the pages; the first page's is empty.
        let rels = &parts["word/_rels/document.xml.rels"];
        let target = |kind: &str| {
            let reference = between(sect, &format!(r#"w:type="{kind}" r:id=""#), "/>");
            let id = reference.split('"').nth(3).unwrap();
            let rel = between(rels, &format!(r#"Id="{id}""#), "/>");
            rel.split("Target=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        };
        let default = &parts[&format!("word/{}", target("default"))];
        let first = &parts[&format!("word/{}", target("first"))];
        assert!(default.contains(" PAGE ") && default.contains(r#"fldCharType="begin""#));
        assert!(default.contains(r#"<w:jc w:val="center"/>"#));
        assert!(!first.contains("fldChar") && !first.contains("instrText"));

        let styles = &parts["word/styles.xml"];
        let defaults = between(styles, "<w:rPrDefault>", "</w:rPrDefault>");
        for attr in ["ascii", "hAnsi", "cs", "eastAsia"] {
            assert!(defaults.contains(&format!(r#"w:{attr}="Times New Roman""#)));
        }
        assert!(defaults.contains(r#"<w:sz w:val="28"/>"#));
        assert!(defaults.contains(r#"w:val="vi-VN""#));

        assert!(document.contains(">Số: 05/BC-CAT<"));
        assert!(document.contains(">Ninh Bình, ngày 05 tháng 01 năm 2026<"));
        assert!(document.contains(">BỘ CÔNG AN<") && document.contains(">CÔNG AN TỈNH NINH BÌNH<"));
        assert!(document.contains(">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<"));
        assert!(document.contains(">Độc lập - Tự do - Hạnh phúc<"));
        assert!(
            document.contains("hướng dẫn &amp; tổ chức") && document.contains("&quot;Toàn dân")
        );
        // Rules: empty paragraphs with a bottom border (header, motto, subject).
        assert_eq!(document.matches("<w:pBdr><w:bottom").count(), 3);

        // The figures' table: its first row is the header, repeated.
        let grid = between(document, "Bảng 1.", "</w:tbl>");
        let first_row = between(grid, "<w:tr>", "</w:tr>");
        assert!(first_row.contains("<w:tblHeader/>") && first_row.contains(">Đơn vị<"));
        assert_eq!(grid.matches("<w:tblHeader/>").count(), 1);
        assert_eq!(grid.matches("<w:tr>").count(), 1 + 40 + 1);
        assert!(
            grid.contains(r#"<w:jc w:val="right"/><w:rPr><w:sz"#)
                || grid.contains(r#"<w:jc w:val="right"/></w:pPr>"#)
        );

        // Charts: referred to from the document, with their data cached.
        for n in [1, 2] {
            assert!(document.contains(&format!(r#"r:id="rIdChart{n}""#)));
            assert!(
                rels.contains(&format!(r#"Id="rIdChart{n}""#))
                    && rels.contains(&format!("charts/chart{n}.xml"))
            );
        }
        assert!(document.contains(
            r#"<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">"#
        ));
        let bars = &parts["word/charts/chart1.xml"];
        assert!(bars.contains("<c:barChart>") && !bars.contains("<c:lineChart>"));
        assert!(bars.contains("<c:v>Xã Gia Phong số 8</c:v>") && bars.contains("<c:v>17</c:v>"));
        assert!(
            bars.contains(r#"<a:srgbClr val="0072B2"/>"#)
                && bars.contains(r#"<a:srgbClr val="E69F00"/>"#)
        );
        let lines = &parts["word/charts/chart2.xml"];
        assert!(lines.contains("<c:lineChart>") && lines.contains("<c:v>Th12</c:v>"));
        let second = between(lines, "<c:v>Năm 2026</c:v>", "</c:ser>");
        let values = between(second, "<c:numCache>", "</c:numCache>");
        assert!(values.contains(r#"<c:ptCount val="12"/>"#));
        assert_eq!(
            values.matches("<c:pt ").count(),
            9,
            "no points where there is no value"
        );

        assert!(document.contains(">- Lưu: VT, PV05.<") && document.contains(">Nơi nhận:<"));
        // The appendix follows the signature, from a new page.
        let after = document.split(">Nguyễn Văn An<").nth(1).unwrap_or_default();
        let appendix = after
            .split(r#"<w:br w:type="page"/>"#)
            .nth(1)
            .unwrap_or_default();
        assert!(
            appendix.contains(">PHỤ LỤC: SỐ LIỆU THEO ĐƠN VỊ<"),
            "{after}"
        );
        assert!(document.contains(">KT. GIÁM ĐỐC<") && document.contains(">PHÓ GIÁM ĐỐC<"));
        assert!(document.contains(">Nguyễn Văn An<"));
        assert!(parts["docProps/core.xml"].contains("<dc:title>Sơ kết 5 năm"));
        assert!(parts["docProps/core.xml"].contains("<dc:creator>binhyen</dc:creator>"));

        let text = crate::text::extract(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &bytes,
        )
        .unwrap();
        assert!(text.contains("Sơ kết 5 năm") && text.contains("Tổng cộng"));
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            esc("a<b>&\"c'\u{1}\u{1f}\t\u{FFFE}đ\ne"),
            "a&lt;b&gt;&amp;&quot;c&apos; đ e"
        );
        let mut doc = super::super::sample::sample();
        doc.subject = "Về <b> & \u{7}".into();
        doc.blocks = vec![Block::Chart(Chart {
            caption: String::new(),
            kind: ChartKind::Bars,
            categories: (0..100).map(|i| format!("<{i}>")).collect(),
            series: (0..10)
                .map(|k| crate::chart::Series {
                    name: format!("S{k}"),
                    values: vec![Some(1.0); 100],
                })
                .collect(),
        })];
        let parts = parts(&review_docx(&doc).unwrap());
        for (name, xml) in &parts {
            well_formed(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let chart = &parts["word/charts/chart1.xml"];
        assert_eq!(chart.matches("<c:ser>").count(), 8);
        assert!(chart.contains("&lt;59&gt;") && !chart.contains("&lt;60&gt;"));
        assert!(parts["word/document.xml"].contains("Về &lt;b&gt; &amp; "));
    }

    #[test]
    fn the_checker_finds_broken_xml() {
        assert!(well_formed("<a><b/></a>").is_ok());
        assert!(well_formed("<a><b></a>").is_err());
        assert!(well_formed("<a>x & y</a>").is_err());
        assert!(well_formed("<a/><b/>").is_err());
        assert!(well_formed(r#"<a x="1></a>"#).is_err());
    }
}
