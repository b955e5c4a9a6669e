//! Writing CSV.
//!
//! Written by hand rather than with the csv crate's writer: the format is
//! tiny and this way writing into a `Vec` cannot fail, so `csv()` returns
//! bytes, not a `Result`.

use crate::table::{bool_text, num_text, Cell, Sheet};

/// UTF-8 byte order mark: without it Excel opens a CSV as the local ANSI
/// code page and Vietnamese letters come out garbled.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes one sheet as CSV: UTF-8 with a BOM, comma-separated, CRLF line
/// ends (RFC 4180), a header row from the column headers, dates as
/// `yyyy-mm-dd`, booleans as "Có"/"Không". `highlight_col` is ignored.
///
/// Formula injection: Excel and LibreOffice treat a CSV field starting with
/// `=`, `+`, `-` or `@` as a formula (tab and CR can hide such a start), so
/// a name like `=HYPERLINK("http://…")` typed by one user would run in the
/// spreadsheet of whoever opens the export. Such text cells get a leading
/// `'`, which Excel shows as text (OWASP's advice). The reader removes that
/// `'` again, so exported files re-import unchanged (e.g. `+84…` phones).
/// Numbers are not guarded: they are written from `Int`/`Num`, never text.
pub fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * (sheet.rows.len() + 1));
    out.extend_from_slice(BOM);
    write_line(
        &mut out,
        sheet.columns.iter().map(|c| text_field(&c.header)),
    );
    for row in &sheet.rows {
        write_line(&mut out, row.iter().map(cell_field));
    }
    out
}

fn cell_field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => text_field(s),
        Cell::Int(n) => n.to_string(),
        Cell::Num(n) => num_text(*n),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => bool_text(*b).to_owned(),
    }
}

/// Characters that make a spreadsheet read a field as a formula.
pub(crate) fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Text with the formula-injection guard applied.
fn text_field(s: &str) -> String {
    match s.chars().next() {
        Some(c) if is_formula_start(c) => format!("'{s}"),
        _ => s.to_owned(),
    }
}

fn write_line(out: &mut Vec<u8>, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if f.contains([',', '"', '\n', '\r', ';', '\t']) {
            // `;` and tab are quoted too so a reader sniffing those as the
            // delimiter (Excel in locales with `,` decimals) still splits right.
            out.push(b'"');
            out.extend_from_slice(f.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(f.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_rows;
    use crate::table::{Column, FilesError};
    use chrono::NaiveDate;

    fn sample() -> Sheet {
        Sheet {
            name: "x".into(),
            columns: vec![Column::new("Họ tên", 20.0), Column::new("Ghi chú", 20.0)],
            rows: vec![
                vec!["Lê Thị Hồng".into(), "có dấu phẩy, và \"ngoặc\"".into()],
                vec![Cell::Int(-7), Cell::Num(3.0)],
                vec![
                    Cell::Num(2.5),
                    NaiveDate::from_ymd_opt(2025, 2, 14).unwrap().into(),
                ],
                vec![true.into(), false.into()],
                vec!["hai\ndòng".into(), Cell::Empty],
                vec!["=SUM(A1:A2)".into(), "+84912345678".into()],
                vec!["-".into(), "@x".into()],
                vec!["\tab".into(), "a;b".into()],
            ],
            highlight_col: None,
        }
    }

    #[test]
    fn bom_header_and_values() {
        let bytes = csv(&sample());
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Họ tên,Ghi chú");
        assert_eq!(lines[1], "Lê Thị Hồng,\"có dấu phẩy, và \"\"ngoặc\"\"\"");
        assert_eq!(lines[2], "-7,3");
        assert_eq!(lines[3], "2.5,2025-02-14");
        assert_eq!(lines[4], "Có,Không");
        assert_eq!(lines[5], "\"hai\ndòng\",");
    }

    #[test]
    fn formula_injection_guard() {
        let bytes = csv(&sample());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\r\n'=SUM(A1:A2),'+84912345678\r\n"));
        assert!(text.contains("\r\n'-,'@x\r\n"));
        assert!(text.contains("\r\n\"'\tab\",\"a;b\"\r\n"));
        // Numbers are numbers, not guarded text.
        assert!(text.contains("\r\n-7,3\r\n"));
    }

    #[test]
    fn round_trip_through_reader() {
        let mut rows = Vec::new();
        read_rows(&csv(&sample()), |n, cells| {
            rows.push((n, cells.join("|")));
            Ok::<(), FilesError>(())
        })
        .unwrap();
        let want = [
            "Họ tên|Ghi chú",
            "Lê Thị Hồng|có dấu phẩy, và \"ngoặc\"",
            "-7|3",
            "2.5|2025-02-14",
            "Có|Không",
            // Trailing empty cells are dropped.
            "hai\ndòng",
            // The guard's apostrophe is removed on reading.
            "=SUM(A1:A2)|+84912345678",
            "-|@x",
            // Trimming removes the tab itself once the guard is gone.
            "ab|a;b",
        ];
        let got: Vec<(usize, &str)> = rows.iter().map(|(n, s)| (*n, s.as_str())).collect();
        let want: Vec<(usize, &str)> = want.iter().enumerate().map(|(i, s)| (i + 1, *s)).collect();
        assert_eq!(got, want);
    }
}
