//! What both writers share: the page and its margins, the sizes and line
//! pitches, the widths of text in Liberation Serif (metric-compatible with
//! the Times New Roman the DOCX names, so widths measured here hold in
//! Word and LibreOffice too) and the widths of a table's columns. The DOCX
//! writes these figures in twips (a twentieth of a point), the PDF draws
//! at them; the two break pages alike because both lay lines at the same
//! exact pitches.

use crate::pdf::{width, BOLD, REGULAR};
use crate::table::FilesError;

static ITALIC: &[u8] = include_bytes!("../../../../data/fonts/LiberationSerif-Italic.ttf");
static BOLD_ITALIC: &[u8] = include_bytes!("../../../../data/fonts/LiberationSerif-BoldItalic.ttf");

/// A4 portrait in twips (210 × 297 mm) and in points.
pub(super) const PAGE_W_TW: u32 = 11906;
pub(super) const PAGE_H_TW: u32 = 16838;
pub(super) const PAGE_W: f32 = 595.28;
pub(super) const PAGE_H: f32 = 841.89;
/// Margins (Nghị định 30/2020, appendix I): top and bottom 20 mm, left
/// 30 mm, right 15 mm; the header 10 mm from the top.
pub(super) const TOP_TW: u32 = 1134;
pub(super) const BOTTOM_TW: u32 = 1134;
pub(super) const LEFT_TW: u32 = 1701;
pub(super) const RIGHT_TW: u32 = 851;
pub(super) const HEADER_TW: u32 = 567;
/// The width between the margins: 9,354 twips, 467.7 pt.
pub(super) const TEXT_W_TW: u32 = PAGE_W_TW - LEFT_TW - RIGHT_TW;
pub(super) const TEXT_W: f32 = TEXT_W_TW as f32 / 20.0;
pub(super) const TOP: f32 = TOP_TW as f32 / 20.0;
pub(super) const BOTTOM: f32 = PAGE_H - BOTTOM_TW as f32 / 20.0;
pub(super) const LEFT: f32 = LEFT_TW as f32 / 20.0;
pub(super) const HEADER_TOP: f32 = HEADER_TW as f32 / 20.0;

/// The header's and the signature's left column: the issuing body,
/// "Nơi nhận:". The right one takes the rest (the motto, the signer).
pub(super) const LEFT_COL_TW: u32 = 3742;
pub(super) const LEFT_COL: f32 = LEFT_COL_TW as f32 / 20.0;
pub(super) const RIGHT_COL: f32 = TEXT_W - LEFT_COL;

/// Body text: 14 pt on an exact 17 pt pitch, 6 pt after each paragraph,
/// the first line indented 1.27 cm.
pub(super) const BODY: f32 = 14.0;
pub(super) const BODY_PITCH: f32 = 17.0;
pub(super) const AFTER: f32 = 6.0;
pub(super) const INDENT: f32 = 36.0;
/// The header's 13 pt lines (bodies, number, national name).
pub(super) const HEAD: f32 = 13.0;
pub(super) const HEAD_PITCH: f32 = 16.0;
/// The national name: 12 pt (the decree allows 12 or 13), which keeps it
/// well inside the right column in any program's Times New Roman (13 pt
/// leaves 11 pt to spare).
pub(super) const NATION: f32 = 12.0;
/// Table and chart captions.
pub(super) const CAPTION: f32 = 13.0;
pub(super) const CAPTION_PITCH: f32 = 16.0;
/// "Nơi nhận:" and its lines.
pub(super) const RECIPIENTS_HEAD: f32 = 12.0;
pub(super) const RECIPIENTS: f32 = 11.0;
pub(super) const RECIPIENTS_PITCH: f32 = 13.0;
/// "Nơi nhận:" (12 pt) needs 13.3 pt for its accents and descenders; an
/// exact pitch under that would clip them in Word.
pub(super) const RECIPIENTS_HEAD_PITCH: f32 = 15.0;
/// Room for the signature and seal: four blank body lines.
pub(super) const SIGNATURE_ROOM: f32 = 4.0 * BODY_PITCH;
/// A cell's padding: left and right, top and bottom.
pub(super) const CELL_PAD_X: f32 = 4.0;
pub(super) const CELL_PAD_Y: f32 = 1.0;
/// Cell borders, in points (the rules are 0.75 pt).
pub(super) const BORDER: f32 = 0.5;
/// A chart's box (the caption is under it).
pub(super) const CHART_H: f32 = 240.0;
/// The page number, centred in the top margin from page 2 on.
pub(super) const PAGE_NUMBER: f32 = 13.0;

/// The height of a rule's paragraph in the DOCX: a rule is drawn this far
/// under the line above it.
pub(super) const RULE_H: f32 = 5.0;
/// Room under the header's rules, before the type, before the body,
/// before the signature, between a caption and its table or chart.
pub(super) const HEADER_GAP: f32 = 6.0;
pub(super) const TITLE_BEFORE: f32 = 18.0;
pub(super) const BODY_BEFORE: f32 = 12.0;
pub(super) const SIGNATURE_BEFORE: f32 = 12.0;
pub(super) const CAPTION_AFTER: f32 = 3.0;

/// The national name and motto (Nghị định 30/2020: "Quốc hiệu và Tiêu ngữ").
pub(super) const NATION_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub(super) const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// A table's text size: 12 pt, 10 pt when it has many columns.
pub(super) fn table_size(columns: usize) -> f32 {
    if columns > 8 {
        10.0
    } else {
        12.0
    }
}

/// The exact pitch of lines of text at `size` in a table.
pub(super) fn table_pitch(size: f32) -> f32 {
    (size * 1.25).round()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Style {
    pub(super) fn bold(self) -> bool {
        matches!(self, Style::Bold | Style::BoldItalic)
    }

    pub(super) fn italic(self) -> bool {
        matches!(self, Style::Italic | Style::BoldItalic)
    }
}

/// The four faces of Liberation Serif, to measure text.
pub(super) struct Faces {
    regular: rustybuzz::Face<'static>,
    bold: rustybuzz::Face<'static>,
    italic: rustybuzz::Face<'static>,
    bold_italic: rustybuzz::Face<'static>,
}

/// The font data of a style, as embedded.
pub(super) fn font_data(style: Style) -> &'static [u8] {
    match style {
        Style::Regular => REGULAR,
        Style::Bold => BOLD,
        Style::Italic => ITALIC,
        Style::BoldItalic => BOLD_ITALIC,
    }
}

pub(super) fn bad_font() -> FilesError {
    FilesError::Write("phông chữ nhúng không đọc được".into())
}

impl Faces {
    pub(super) fn load() -> Result<Self, FilesError> {
        let face = |s| rustybuzz::Face::from_slice(font_data(s), 0).ok_or_else(bad_font);
        Ok(Faces {
            regular: face(Style::Regular)?,
            bold: face(Style::Bold)?,
            italic: face(Style::Italic)?,
            bold_italic: face(Style::BoldItalic)?,
        })
    }

    pub(super) fn face(&self, style: Style) -> &rustybuzz::Face<'static> {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
            Style::Italic => &self.italic,
            Style::BoldItalic => &self.bold_italic,
        }
    }

    /// The width of `text` in points at `size`.
    pub(super) fn width(&self, style: Style, text: &str, size: f32) -> f32 {
        width(self.face(style), text, size)
    }

    /// `text` broken into lines: the first at most `first` wide, the
    /// others `rest` (a paragraph's first line is indented). Words are
    /// kept whole unless one alone is wider than its line; then it is cut
    /// between characters.
    pub(super) fn wrap(
        &self,
        style: Style,
        text: &str,
        size: f32,
        first: f32,
        rest: f32,
    ) -> Vec<String> {
        let space = self.width(style, " ", size);
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut cur_w = 0.0;
        let words = text.split_whitespace().map(clean).filter(|w| !w.is_empty());
        for word in words {
            let word = word.as_str();
            let max = if lines.is_empty() { first } else { rest };
            let w = self.width(style, word, size);
            if !cur.is_empty() && cur_w + space + w <= max {
                cur.push(' ');
                cur.push_str(word);
                cur_w += space + w;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
            let max = if lines.is_empty() { first } else { rest };
            if w <= max {
                cur = word.to_owned();
                cur_w = w;
                continue;
            }
            // A word wider than a line (a long code, a URL): cut it.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                let max = if lines.is_empty() { first } else { rest };
                if piece.chars().count() > 1 && self.width(style, &piece, size) > max {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            cur_w = self.width(style, &piece, size);
            cur = piece;
        }
        if !cur.is_empty() || lines.is_empty() {
            lines.push(cur);
        }
        lines
    }

    /// `text` broken into lines at most `w` wide, a line break in it
    /// starting a new line (a signer's title may come as two lines).
    pub(super) fn lines(&self, style: Style, text: &str, size: f32, w: f32) -> Vec<String> {
        paragraphs(text)
            .flat_map(|p| self.wrap(style, p, size, w, w))
            .collect()
    }

    /// The widths of a table's columns in points, summing to the text
    /// width: each at least its longest word, then the room left shared
    /// by how much each needs to hold its cells on one line, the first
    /// (the names) counted twice so it is the wide one.
    pub(super) fn column_widths(&self, table: &super::Table) -> Vec<f32> {
        let n = table.columns.len().max(1);
        let size = table_size(n);
        let pad = 2.0 * CELL_PAD_X;
        let mut min = vec![pad + 1.0; n];
        let mut max = vec![pad + 1.0; n];
        let header = std::iter::once((&table.columns, Style::Bold));
        let rows = table.rows.iter().map(|r| (r, Style::Regular));
        let total = table.total.iter().map(|r| (r, Style::Bold));
        for (row, style) in header.chain(rows).chain(total) {
            for (i, cell) in row.iter().take(n).enumerate() {
                let longest = cell
                    .split_whitespace()
                    .map(|w| self.width(style, w, size))
                    .fold(0.0f32, f32::max);
                let whole = self.width(style, cell, size);
                if let (Some(lo), Some(hi)) = (min.get_mut(i), max.get_mut(i)) {
                    // A point to spare: Word and LibreOffice round widths
                    // to their own units and must not break the word.
                    *lo = lo.max(longest + pad + 1.0);
                    // A cell longer than a line wants no more than a line.
                    *hi = hi.max((whole + pad + 1.0).min(TEXT_W));
                }
            }
        }
        if let Some(first) = max.first_mut() {
            *first *= 2.0;
        }
        share(&min, &max, TEXT_W)
    }
}

/// Widths between `min` and `max` summing to `total`: the minimums, then
/// what is left in proportion to what each still wants (or, when all are
/// satisfied, to their wants); all scaled down when even the minimums do
/// not fit.
fn share(min: &[f32], max: &[f32], total: f32) -> Vec<f32> {
    let sum_min: f32 = min.iter().sum();
    if sum_min >= total {
        return min.iter().map(|m| m * total / sum_min).collect();
    }
    let sum_max: f32 = max.iter().sum();
    if sum_max <= total {
        return max.iter().map(|m| m * total / sum_max).collect();
    }
    let want: f32 = min.iter().zip(max).map(|(lo, hi)| hi - lo).sum();
    let room = total - sum_min;
    min.iter()
        .zip(max)
        .map(|(lo, hi)| lo + (hi - lo) * room / want.max(f32::EPSILON))
        .collect()
}

/// Text without control characters (which a font draws as boxes) and
/// non-characters, as the DOCX writes it.
pub(super) fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .collect()
}

/// Text as capitals, the way the state writes bodies, titles and types.
pub(super) fn capitals(text: &str) -> String {
    text.to_uppercase()
}

/// The paragraphs of a block of text: a line break starts a new one;
/// blank lines are dropped.
pub(super) fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The rule under the issuing body: 40 % of its widest line, but at
/// least 40 pt.
pub(super) fn body_rule(faces: &Faces, body_lines: &[String]) -> f32 {
    let widest = body_lines
        .iter()
        .map(|l| faces.width(Style::Bold, l, HEAD))
        .fold(0.0f32, f32::max);
    (widest * 0.4).clamp(40.0, LEFT_COL)
}

/// The rule under the motto: as wide as it.
pub(super) fn motto_rule(faces: &Faces) -> f32 {
    faces.width(Style::Bold, MOTTO, BODY).min(RIGHT_COL)
}

/// The short rule under the subject.
pub(super) const SUBJECT_RULE: f32 = 90.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_hold_their_width_and_long_words_are_cut() {
        let f = Faces::load().unwrap();
        let text = "Công an tỉnh Ninh Bình báo cáo sơ kết năm năm thực hiện phong trào \
                    Toàn dân bảo vệ an ninh Tổ quốc trên địa bàn toàn tỉnh";
        let lines = f.wrap(Style::Regular, text, 14.0, 150.0, 200.0);
        assert!(lines.len() > 2);
        assert!(f.width(Style::Regular, &lines[0], 14.0) <= 150.0);
        assert!(lines[1..]
            .iter()
            .all(|l| f.width(Style::Regular, l, 14.0) <= 200.0));
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let long = "x".repeat(200);
        let cut = f.wrap(Style::Bold, &long, 12.0, 100.0, 100.0);
        assert!(cut.len() > 2 && cut.concat() == long);
        assert!(cut.iter().all(|l| f.width(Style::Bold, l, 12.0) <= 100.0));
        assert_eq!(
            f.wrap(Style::Regular, "", 14.0, 10.0, 10.0),
            vec![String::new()]
        );
    }

    #[test]
    fn the_header_fits_its_columns() {
        let f = Faces::load().unwrap();
        assert!(f.width(Style::Bold, NATION_NAME, NATION) <= RIGHT_COL);
        assert!(motto_rule(&f) < RIGHT_COL);
    }

    #[test]
    fn columns_share_the_text_width_and_the_first_is_widest() {
        let f = Faces::load().unwrap();
        let table = super::super::Table {
            caption: "Bảng".into(),
            columns: (0..12).map(|i| format!("Cột {i}")).collect(),
            rows: vec![(0..12)
                .map(|i| {
                    if i == 0 {
                        "Phường Nam Định".into()
                    } else {
                        "1.234".into()
                    }
                })
                .collect()],
            total: None,
        };
        let w = f.column_widths(&table);
        assert_eq!(w.len(), 12);
        assert!((w.iter().sum::<f32>() - TEXT_W).abs() < 0.01);
        assert!(w[1..].iter().all(|x| *x < w[0]));
        assert_eq!(share(&[10.0, 10.0], &[20.0, 60.0], 50.0), vec![15.0, 35.0]);
        assert_eq!(share(&[60.0, 40.0], &[60.0, 40.0], 50.0), vec![30.0, 20.0]);
    }
}
