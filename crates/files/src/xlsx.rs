//! Writing XLSX workbooks.
//!
//! Worksheets are written in rust_xlsxwriter's "constant memory" mode: each
//! row goes to a temporary file as soon as the next one starts, with strings
//! inline, so a 100,000-row export does not hold a second copy of every
//! cell. Text is always written with `write_string`, never as a formula, so
//! an XLSX export needs no formula-injection guard (unlike CSV).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    ColNum, Color, Format, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use crate::table::{bool_text, Cell, FilesError, Sheet};

/// Excel's limits (rust_xlsxwriter refuses anything past them).
const MAX_STRING_CHARS: usize = 32_767;
const MAX_COLUMN_WIDTH: f64 = 255.0;
const MAX_SHEET_NAME_UTF16: usize = 31;

/// The formats of one workbook, made once and shared by all sheets.
struct Formats {
    header: Format,
    date: Format,
    highlight: Format,
    highlight_date: Format,
}

impl Formats {
    fn new() -> Self {
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let red_bold = |f: Format| f.set_bold().set_font_color(Color::RGB(0xC0_00_00));
        Formats {
            // Wrapped, so that a header longer than its column reads whole.
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top)
                .set_background_color(Color::RGB(0xDD_EB_F7))
                .set_border_bottom(FormatBorder::Thin),
            highlight: red_bold(Format::new()),
            highlight_date: red_bold(date.clone()),
            date,
        }
    }
}

/// Writes `sheets` as one XLSX workbook: a bold, filled, wrapped, frozen
/// header row with an autofilter (repeated on each printed page, A4
/// landscape, fitted to the page's width), column widths from [`crate::Column::width`], dates as
/// real Excel dates shown `dd/mm/yyyy`, booleans as "Có"/"Không".
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, FilesError> {
    if sheets.is_empty() {
        return Err(FilesError::NoSheet);
    }
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let mut used_names = HashSet::new();
    for sheet in sheets {
        let name = unique_sheet_name(&sheet.name, &mut used_names);
        let worksheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(write_err)?;
        worksheet.set_name(name).map_err(write_err)?;
        write_sheet(worksheet, sheet, &formats).map_err(write_err)?;
    }
    workbook.save_to_buffer().map_err(write_err)
}

/// The lines a column's header takes at its width (about one character
/// per unit of width).
fn header_lines(c: &crate::Column) -> usize {
    let width = c.width.clamp(1.0, MAX_COLUMN_WIDTH);
    // Widths are small positive numbers here: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let per_line = width as usize;
    c.header.chars().count().div_ceil(per_line.max(1))
}

fn write_err(e: XlsxError) -> FilesError {
    FilesError::Write(Box::new(e))
}

fn write_sheet(ws: &mut Worksheet, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    // Room for a header wrapped on two lines (spreadsheets do not grow a
    // row for wrapped text written this way).
    if sheet.columns.iter().any(|c| header_lines(c) > 1) {
        ws.set_row_height(0, 30)?;
    }
    for (c, column) in sheet.columns.iter().enumerate() {
        let c = col_num(c)?;
        if column.width.is_finite() && column.width > 0.0 {
            ws.set_column_width(c, column.width.min(MAX_COLUMN_WIDTH))?;
        }
        ws.write_string_with_format(0, c, clip(&column.header), &f.header)?;
    }
    if !sheet.columns.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        // Printed as officers file them: landscape, every column on the
        // page's width, the header row on every page.
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        let last_row = row_num(sheet.rows.len())?;
        let last_col = col_num(sheet.columns.len() - 1)?;
        ws.autofilter(0, 0, last_row, last_col)?;
    }
    // Constant-memory mode: rows strictly in order, each row left to right.
    for (r, cells) in sheet.rows.iter().enumerate() {
        let r = row_num(r + 1)?;
        for (c, cell) in cells.iter().enumerate() {
            let highlight = sheet.highlight_col == Some(c);
            let c = col_num(c)?;
            write_cell(ws, r, c, cell, highlight, f)?;
        }
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    cell: &Cell,
    highlight: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    let text_format = highlight.then_some(&f.highlight);
    let date_format = if highlight {
        &f.highlight_date
    } else {
        &f.date
    };
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => write_text(ws, r, c, clip(s), text_format)?,
        Cell::Bool(b) => write_text(ws, r, c, bool_text(*b), text_format)?,
        // i64 beyond 2^53 loses precision in Excel's doubles; that's Excel.
        Cell::Int(n) => write_num(ws, r, c, *n as f64, text_format)?,
        Cell::Num(n) if n.is_finite() => write_num(ws, r, c, *n, text_format)?,
        // NaN/infinity have no XLSX representation; leave the cell empty.
        Cell::Num(_) => {}
        Cell::Date(d) => match excel_serial(*d) {
            Some(serial) => {
                ws.write_number_with_format(r, c, serial, date_format)?;
            }
            // Before 1900-03-01 Excel has no (correct) serial date: text.
            None => write_text(ws, r, c, &d.format("%d/%m/%Y").to_string(), text_format)?,
        },
    }
    Ok(())
}

fn write_text(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    s: &str,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => ws.write_string_with_format(r, c, s, format)?,
        None => ws.write_string(r, c, s)?,
    };
    Ok(())
}

fn write_num(
    ws: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    n: f64,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(format) => ws.write_number_with_format(r, c, n, format)?,
        None => ws.write_number(r, c, n)?,
    };
    Ok(())
}

fn row_num(r: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(c: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Excel's serial day number (1900 date system) for dates from 1900-03-01
/// on; earlier serials are off by Excel's fictitious 1900-02-29.
pub(crate) fn excel_serial(d: NaiveDate) -> Option<f64> {
    let first = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    if d < first || d.year() > 9999 {
        return None;
    }
    Some((d - epoch).num_days() as f64)
}

/// Excel refuses longer cell text; cut it rather than fail a whole export.
fn clip(s: &str) -> &str {
    // Bytes >= chars, so short strings skip the char walk.
    if s.len() <= MAX_STRING_CHARS {
        return s;
    }
    match s.char_indices().nth(MAX_STRING_CHARS) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// A worksheet name Excel accepts and that no earlier sheet of the workbook
/// has (Excel compares names case-insensitively): `[]:*?/\` become `-`,
/// control characters are dropped, no leading/trailing apostrophe, at most
/// 31 UTF-16 units, not empty and not the reserved "History".
pub(crate) fn unique_sheet_name(raw: &str, used: &mut HashSet<String>) -> String {
    let base = sanitize_sheet_name(raw);
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = format!(
            "{}{suffix}",
            truncate_utf16(&base, MAX_SHEET_NAME_UTF16 - suffix.len())
        );
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

fn sanitize_sheet_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    // Blanks and apostrophes in any order (`' 'a`): one pass of each
    // would leave an apostrophe at an end, which Excel refuses.
    let blank_or_quote = |c: char| c == '\'' || c.is_whitespace();
    let cleaned = cleaned.trim_matches(blank_or_quote);
    let cut = truncate_utf16(cleaned, MAX_SHEET_NAME_UTF16).trim_end_matches(blank_or_quote);
    if cut.is_empty() || cut.eq_ignore_ascii_case("history") {
        if cut.is_empty() {
            "Trang 1".to_owned()
        } else {
            format!("{cut} 1")
        }
    } else {
        cut.to_owned()
    }
}

/// The longest prefix of `s` that is at most `max` UTF-16 units.
fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return s.get(..i).unwrap_or(s);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_rows;
    use crate::table::Column;

    fn sample() -> Sheet {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        Sheet {
            name: "Danh sách: tổ/đội [2025]".into(),
            columns: vec![
                Column::new("Họ và tên", 24.0),
                Column::new("Ngày", 12.0),
                Column::new("Số người", 10.0),
                Column::new("Tỷ lệ", 8.0),
                Column::new("Hoạt động", 10.0),
                Column::new("Lỗi", 30.0),
            ],
            rows: vec![
                vec![
                    "Nguyễn Văn Ấn".into(),
                    d.into(),
                    Cell::Int(12),
                    Cell::Num(0.25),
                    true.into(),
                    Cell::Empty,
                ],
                vec![
                    "  Trần Thị Bích  ".into(),
                    NaiveDate::from_ymd_opt(1999, 12, 31).unwrap().into(),
                    Cell::Int(-3),
                    Cell::Num(4.0),
                    false.into(),
                    "Sai ngày sinh".into(),
                ],
                vec![],
                vec!["=1+1".into(), Cell::Empty, Cell::Int(1_000_000)],
            ],
            highlight_col: Some(5),
        }
    }

    fn read_all(bytes: &[u8]) -> Vec<(usize, Vec<String>)> {
        let mut out = Vec::new();
        read_rows(bytes, |row, cells| {
            out.push((row, cells.to_vec()));
            Ok::<(), FilesError>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn round_trip_through_reader() {
        let bytes = xlsx(&[sample()]).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let rows = read_all(&bytes);
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            vec![
                (
                    1,
                    s(&["Họ và tên", "Ngày", "Số người", "Tỷ lệ", "Hoạt động", "Lỗi"])
                ),
                (2, s(&["Nguyễn Văn Ấn", "2025-07-01", "12", "0.25", "Có"])),
                (
                    3,
                    s(&[
                        "Trần Thị Bích",
                        "1999-12-31",
                        "-3",
                        "4",
                        "Không",
                        "Sai ngày sinh"
                    ])
                ),
                // Row 4 is empty: skipped, but row numbers go on counting.
                (5, s(&["=1+1", "", "1000000"])),
            ]
        );
    }

    #[test]
    fn formula_looking_text_is_a_string_not_a_formula() {
        let bytes = xlsx(&[sample()]).unwrap();
        // No <f> (formula) element anywhere: text went in with write_string.
        let sheet_xml = unzip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(!sheet_xml.contains("<f>"));
        assert!(sheet_xml.contains("=1+1"));
        assert!(sheet_xml.contains(r#"<pane ySplit="1""#));
        assert!(sheet_xml.contains("<autoFilter ref=\"A1:F5\""));
    }

    /// One part of the XLSX package as text (zip is a dev-dependency with the
    /// same features rust_xlsxwriter and calamine already build it with).
    fn unzip_entry(bytes: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut used = HashSet::new();
        assert_eq!(
            unique_sheet_name("Báo cáo 01/2025", &mut used),
            "Báo cáo 01-2025"
        );
        assert_eq!(
            unique_sheet_name("báo cáo 01/2025", &mut used),
            "báo cáo 01-2025 (2)"
        );
        assert_eq!(unique_sheet_name("", &mut used), "Trang 1");
        assert_eq!(unique_sheet_name("  ''  ", &mut used), "Trang 1 (2)");
        assert_eq!(unique_sheet_name("History", &mut used), "History 1");
        assert_eq!(unique_sheet_name("'a'", &mut used), "a");
        assert_eq!(unique_sheet_name("' 'b ' '", &mut used), "b");
        let long = "Tổ bảo vệ an ninh trật tự ở cơ sở phường Ba Đình";
        let got = unique_sheet_name(long, &mut used);
        assert!(got.encode_utf16().count() <= 31 && got.starts_with("Tổ bảo vệ an ninh"));
        let again = unique_sheet_name(long, &mut used);
        assert!(again.ends_with(" (2)") && again.encode_utf16().count() <= 31);
        assert_eq!(
            unique_sheet_name("a[b]c:d*e?f\\g", &mut used),
            "a-b-c-d-e-f-g"
        );
        // Every name is accepted by rust_xlsxwriter's own check.
        let mut wb = Workbook::new();
        for n in used.iter() {
            wb.add_worksheet().set_name(n).unwrap();
        }
    }

    #[test]
    fn many_sheets_and_empty_inputs() {
        assert!(matches!(xlsx(&[]), Err(FilesError::NoSheet)));
        let empty = Sheet::default();
        let bytes = xlsx(&[empty.clone(), empty]).unwrap();
        assert!(read_all(&bytes).is_empty());
    }

    #[test]
    fn serial_dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(excel_serial(d(1900, 3, 1)), Some(61.0));
        assert_eq!(excel_serial(d(2025, 1, 1)), Some(45658.0));
        assert_eq!(excel_serial(d(1900, 1, 1)), None);
    }

    #[test]
    fn long_text_is_clipped() {
        let s = "ă".repeat(40_000);
        assert_eq!(clip(&s).chars().count(), MAX_STRING_CHARS);
        assert_eq!(clip("ngắn"), "ngắn");
    }
}
