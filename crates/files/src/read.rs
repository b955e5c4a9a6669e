//! Reading uploaded tables (XLSX or CSV) row by row.
//!
//! Rows stream to a callback as strings, so a caller validating an import of
//! 100,000 rows holds one row at a time, not a second copy of the file.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx};

use crate::archive;
use crate::csv_file::is_formula_start;
use crate::table::{bool_text, column_letter, num_text, Cell, Column, FilesError, Sheet};
use domain::file::{CellError, Collect, FileKind, ReadRows};

/// Files with more rows are refused (Excel itself stops at 1,048,576).
pub const MAX_ROWS: usize = 1_000_000;
/// Cells with more characters are refused.
pub const MAX_CELL_CHARS: usize = 10_000;
/// Excel's last column is XFD; a cell past it means a damaged file.
const MAX_COLUMNS: usize = 16_384;

/// Reads the first worksheet of an XLSX file, or a CSV file, and calls
/// `each(row_number, cells)` for every row that has a non-empty cell.
///
/// - `row_number` is what Excel shows: the header row is 1, and rows that
///   are entirely empty are skipped but still counted.
/// - `cells` are trimmed strings: integers and integral numbers without
///   `.0`, other numbers with a `.` decimal point (never before exactly
///   three digits, which Vietnamese readers take for thousands: 2.375 is
///   `2.3750`), dates `yyyy-mm-dd` (a
///   date-time with a time part `yyyy-mm-dd HH:MM:SS`), booleans
///   "Có"/"Không", error cells as Excel writes them (`#N/A`), empty cells
///   "". A row may be shorter than the header: missing cells are empty.
/// - A leading `'` before `=`, `+`, `-`, `@`, tab or CR is removed: it is
///   the formula-injection guard that [`crate::csv`] adds on export.
///
/// XLSX is recognised by the ZIP signature, anything else is read as CSV:
/// UTF-8 (an optional BOM is skipped; other encodings are refused), with
/// `,`, `;` or tab as delimiter, whichever the header line uses most. An
/// XLSX archive is checked first against the bounds of [`crate::MAX_ENTRIES`],
/// [`crate::MAX_INFLATED_BYTES`] and their siblings (ZIP bombs, absurd
/// declared counts) and refused with [`FilesError::ArchiveLimit`].
///
/// Errors from `each` stop the reading and are returned as they are; file
/// problems come back as [`FilesError`] converted into `E`. The callback
/// design lets the caller keep its own error type (which wraps
/// `FilesError`), e.g. to stop after too many invalid rows.
pub fn read_rows<E>(
    bytes: &[u8],
    mut each: impl FnMut(usize, &[String]) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<FilesError>,
{
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, &mut each)
    } else if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        // OLE2: an old .xls or an encrypted .xlsx. Neither is supported.
        Err(FilesError::NotSpreadsheet("OLE2 (XLS) file".into()).into())
    } else {
        read_csv(bytes, &mut each)
    }
}

/// Reads an uploaded file of kind `K` (models, figures …): its header,
/// then every row, by the same rules for every kind
/// (`domain::file::Collect`). `progress` hears every 5,000 rows.
pub fn read_table<K: FileKind>(
    bytes: &[u8],
    mut progress: impl FnMut(usize),
) -> Result<ReadRows<K::Row>, FilesError> {
    let mut rows = Collect::<K>::default();
    read_rows::<FilesError>(bytes, |n, cells| {
        rows.feed(n, cells);
        if n % 5000 == 0 {
            progress(n);
        }
        Ok(())
    })?;
    Ok(rows.finish())
}

/// The error report of a refused import: each refused row as it was in
/// the file, with its row number and what is wrong beside it.
pub fn error_report(bytes: &[u8], errors: &[CellError]) -> Result<Vec<u8>, FilesError> {
    let mut by_row: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for e in errors {
        let msg = if e.column.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.column, e.message)
        };
        by_row.entry(e.row).or_default().push(msg);
    }
    let mut header: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    // A file that cannot be read has its problems reported without its rows.
    let _ = read_rows::<FilesError>(bytes, |n, cells| {
        if n == 1 {
            header = cells.to_vec();
        } else if let Some(msgs) = by_row.remove(&n) {
            let mut r = vec![Cell::Int(n as i64), Cell::from(msgs.join("; "))];
            r.extend(cells.iter().map(|c| Cell::from(c.as_str())));
            rows.push(r);
        }
        Ok(())
    });
    // Problems of the whole file (no header, unreadable) have no row to sit beside.
    for (n, msgs) in by_row {
        rows.push(vec![Cell::Int(n as i64), Cell::from(msgs.join("; "))]);
    }
    let mut columns = vec![Column::new("Dòng", 7.0), Column::new("Lỗi", 60.0)];
    columns.extend(header.iter().map(|h| Column::new(h.clone(), 16.0)));
    let sheet = Sheet {
        name: "Lỗi nhập".into(),
        columns,
        rows,
        highlight_col: Some(1),
    };
    crate::xlsx(&[sheet])
}

/// Runs a step of the XLSX parser, turning a panic inside it into an
/// error. The fuzzer found damaged cell references (`AAAAAAAA1`) that make
/// calamine 0.38 overflow its arithmetic: a panic in builds with overflow
/// checks, a wrong position without. Either way the file is refused; the
/// parser's state is dropped with it.
fn guarded<T>(row: usize, step: impl FnOnce() -> T) -> Result<T, FilesError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).map_err(|_| FilesError::Xlsx {
        row,
        source: "the spreadsheet's structure is damaged".into(),
    })
}

fn read_xlsx<E: From<FilesError>>(
    bytes: &[u8],
    each: &mut impl FnMut(usize, &[String]) -> Result<(), E>,
) -> Result<(), E> {
    // calamine allocates by what the archive declares: bound it first.
    guarded(0, || archive::check_xlsx(bytes))??;
    let mut workbook: Xlsx<_> = guarded(0, || Xlsx::new(Cursor::new(bytes)))?
        .map_err(|e| FilesError::NotSpreadsheet(Box::new(e)))?;
    let name = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or(FilesError::NoSheet)?;
    let mut cells = guarded(0, || workbook.worksheet_cells_reader(&name))?
        .map_err(|e| FilesError::NotSpreadsheet(Box::new(e)))?;

    // Cells arrive in sheet order, row by row, and only where the file has
    // them; `row` collects one row's cells until the row index changes.
    let mut row: Vec<String> = Vec::new();
    let mut row_number = 0; // 1-based, 0 = no row yet
    loop {
        let cell = guarded(row_number, || cells.next_cell())?.map_err(|e| FilesError::Xlsx {
            row: row_number,
            source: Box::new(e),
        })?;
        let Some(cell) = cell else { break };
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize + 1, c as usize);
        // The format puts rows in order; a damaged or hand-made file that
        // goes back would hand the same row over twice, or out of order.
        if r < row_number {
            let source = format!("row {r} comes after row {row_number}").into();
            return Err(FilesError::Xlsx { row: r, source }.into());
        }
        if r != row_number {
            if !row.is_empty() {
                each(row_number, &row)?;
                row.clear();
            }
            if r > MAX_ROWS {
                return Err(FilesError::TooManyRows {
                    row: r,
                    limit: MAX_ROWS,
                }
                .into());
            }
            row_number = r;
        }
        if c >= MAX_COLUMNS {
            let source = format!("column index {c} out of range").into();
            return Err(FilesError::Xlsx { row: r, source }.into());
        }
        let text = clean(data_text(cell.get_value()), r, c)?;
        if text.is_empty() {
            continue;
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        if let Some(slot) = row.get_mut(c) {
            *slot = text;
        }
    }
    if !row.is_empty() {
        each(row_number, &row)?;
    }
    Ok(())
}

/// A cell's value as the text a person would type for it.
fn data_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(n) => num_text(*n),
        DataRef::Bool(b) => bool_text(*b).to_owned(),
        DataRef::Error(e) => e.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _ms) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 {
                // A time of day alone (format hh:mm): no date part.
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        // A duration ([h]:mm): its value in days, as a number.
        DataRef::DateTime(dt) => num_text(dt.as_f64()),
    }
}

/// Trims, removes the export's formula guard and enforces the length cap.
/// `r` is 1-based, `c` 0-based.
fn clean(raw: String, r: usize, c: usize) -> Result<String, FilesError> {
    // Bytes >= chars: only long strings pay for counting characters.
    if raw.len() > MAX_CELL_CHARS && raw.chars().count() > MAX_CELL_CHARS {
        return Err(FilesError::CellTooLong {
            row: r,
            col: column_letter(c),
            limit: MAX_CELL_CHARS,
        });
    }
    // The guard is looked for before the end is trimmed: the export
    // guards a text of blanks that starts with a tab or CR too (`'\t`).
    let start = raw.trim_start();
    let unguarded = match start.strip_prefix('\'') {
        Some(rest) if rest.starts_with(is_formula_start) => rest.trim(),
        _ => start.trim_end(),
    };
    if unguarded.len() == raw.len() {
        Ok(raw) // nothing to cut: keep the allocation
    } else {
        Ok(unguarded.to_owned())
    }
}

fn read_csv<E: From<FilesError>>(
    bytes: &[u8],
    each: &mut impl FnMut(usize, &[String]) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let row = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        FilesError::NotUtf8 { row }
    })?;

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut row: Vec<String> = Vec::new();
    let mut row_number = 0;
    // The csv crate silently skips blank lines, which Excel shows as empty
    // rows. So a record's row number is worked out from where its content
    // starts: 1 + the line breaks before it, less those inside quoted
    // fields of earlier records (Excel keeps those inside one cell).
    let all = text.as_bytes();
    let (mut scanned, mut breaks, mut quoted_breaks) = (0, 0, 0);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(FilesError::Csv {
                    row: row_number + 1,
                    source: Box::new(e),
                }
                .into())
            }
        }
        match record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
        {
            Some(start) => {
                // Blank lines the reader skipped sit between `start` and the
                // content: step over them.
                let mut content = start;
                while matches!(all.get(content), Some(b'\r' | b'\n')) {
                    content += 1;
                }
                breaks += line_breaks(all.get(scanned..content).unwrap_or_default());
                scanned = scanned.max(content);
                row_number = 1 + breaks.saturating_sub(quoted_breaks);
            }
            None => row_number += 1,
        }
        quoted_breaks += record
            .iter()
            .map(|f| line_breaks(f.as_bytes()))
            .sum::<usize>();
        if row_number > MAX_ROWS {
            return Err(FilesError::TooManyRows {
                row: row_number,
                limit: MAX_ROWS,
            }
            .into());
        }
        row.clear();
        for (c, field) in record.iter().enumerate() {
            row.push(clean(field.to_owned(), row_number, c)?);
        }
        // Drop trailing empty cells, as for XLSX; skip rows left empty.
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
        if !row.is_empty() {
            each(row_number, &row)?;
        }
    }
    Ok(())
}

/// Line breaks as spreadsheets count them: LF, CRLF or a lone CR.
fn line_breaks(s: &[u8]) -> usize {
    let lone_cr = s
        .windows(2)
        .filter(|w| w.first() == Some(&b'\r') && w.get(1) != Some(&b'\n'))
        .count();
    let last_cr = usize::from(s.last() == Some(&b'\r'));
    s.iter().filter(|&&b| b == b'\n').count() + lone_cr + last_cr
}

/// The delimiter among `,`, `;` and tab that the header line (outside
/// quotes) uses most; `,` when there is none or a tie. Excel writes `;`
/// in locales whose decimal separator is `,` (Vietnamese is one of them).
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.split('\n').next().unwrap_or_default();
    let (mut comma, mut semicolon, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semicolon += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, FilesError> {
        let mut out = Vec::new();
        read_rows(bytes, |row, cells| {
            out.push((row, cells.to_vec()));
            Ok::<(), FilesError>(())
        })?;
        Ok(out)
    }

    fn rows(v: &[(usize, &[&str])]) -> Vec<(usize, Vec<String>)> {
        v.iter()
            .map(|(n, cells)| (*n, cells.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn semicolon_csv_with_bom() {
        let got =
            read_all("\u{feff}Mã;Tên đơn vị;Số\n00004; Phường Ba Đình ;1,5\n".as_bytes()).unwrap();
        assert_eq!(
            got,
            rows(&[
                (1, &["Mã", "Tên đơn vị", "Số"]),
                (2, &["00004", "Phường Ba Đình", "1,5"])
            ])
        );
    }

    #[test]
    fn tab_csv_and_flexible_rows() {
        let got = read_all(b"a\tb\tc\n1\n1\t2\t3\t4\n").unwrap();
        assert_eq!(
            got,
            rows(&[
                (1, &["a", "b", "c"]),
                (2, &["1"]),
                (3, &["1", "2", "3", "4"])
            ])
        );
    }

    #[test]
    fn row_numbers_with_any_line_ends() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = ["h", "", "a", "\"q1", "q2\"", "", "", "b", ""].join(nl);
            let got = read_all(text.as_bytes()).unwrap();
            let q = format!("q1{nl}q2");
            assert_eq!(
                got,
                vec![
                    (1, vec!["h".to_string()]),
                    (3, vec!["a".to_string()]),
                    (4, vec![q]),
                    (7, vec!["b".to_string()]),
                ],
                "{nl:?}"
            );
        }
    }

    #[test]
    fn empty_rows_are_skipped_but_counted() {
        let text = "h1,h2\r\n\r\nx,y\r\n,\r\n\"multi\nline\",z\r\n\nlast,\r\n";
        let got = read_all(text.as_bytes()).unwrap();
        assert_eq!(
            got,
            rows(&[
                (1, &["h1", "h2"]),
                (3, &["x", "y"]),
                (5, &["multi\nline", "z"]),
                (7, &["last"]),
            ])
        );
    }

    #[test]
    fn invalid_utf8_is_refused_with_row() {
        // "Hà Nội" in Windows-1258 is not UTF-8.
        let err = read_all(b"Ten\nabc\nH\xE0 N\xF4i\n").unwrap_err();
        assert!(matches!(err, FilesError::NotUtf8 { row: 3 }), "{err:?}");
        assert!(err.to_string().contains("UTF-8"));
        assert!(err.to_string().contains("dòng 3"));
    }

    #[test]
    fn broken_zip_and_xls_are_refused() {
        let err = read_all(b"PK\x03\x04garbage").unwrap_err();
        assert_eq!(err.to_string(), "tệp không phải XLSX hoặc CSV hợp lệ");
        let err = read_all(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err();
        assert!(matches!(err, FilesError::NotSpreadsheet(_)));
    }

    #[test]
    fn long_cells_are_refused() {
        let text = format!("a,b\nx,{}\n", "đ".repeat(MAX_CELL_CHARS + 1));
        let err = read_all(text.as_bytes()).unwrap_err();
        assert_eq!(err.to_string(), "ô B2 dài quá 10000 ký tự");
        let ok = format!("a\n{}\n", "đ".repeat(MAX_CELL_CHARS));
        assert!(read_all(ok.as_bytes()).is_ok());
    }

    #[test]
    fn too_many_rows_are_refused() {
        let text = "x\n".repeat(MAX_ROWS + 1);
        let err = read_all(text.as_bytes()).unwrap_err();
        assert!(matches!(err, FilesError::TooManyRows { row, .. } if row == MAX_ROWS + 1));
    }

    #[test]
    fn callback_errors_stop_reading() {
        #[derive(Debug)]
        enum MyError {
            File(FilesError),
            Stop(usize),
        }
        impl From<FilesError> for MyError {
            fn from(e: FilesError) -> Self {
                MyError::File(e)
            }
        }
        let mut seen = 0;
        let result = read_rows(b"a\n1\n2\n3\n", |row, _| {
            seen += 1;
            if row == 2 {
                Err(MyError::Stop(row))
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(MyError::Stop(2))));
        assert_eq!(seen, 2);
        assert!(matches!(
            read_rows(b"\xFF", |_, _| Ok(())),
            Err(MyError::File(FilesError::NotUtf8 { row: 1 }))
        ));
    }

    #[test]
    fn guard_is_removed_only_before_formula_characters() {
        let got = read_all("'=1,'+84,'abc,it's\n".as_bytes()).unwrap();
        assert_eq!(got, rows(&[(1, &["=1", "+84", "'abc", "it's"])]));
        // The guard of a text of blanks: the cell is empty.
        let got = read_all("a,\"'\t\",\"'\r\n\",' \n".as_bytes()).unwrap();
        assert_eq!(got, rows(&[(1, &["a", "", "", "'"])]));
    }

    #[test]
    fn delimiter_sniffing() {
        assert_eq!(sniff_delimiter("a,b;c,d"), b',');
        assert_eq!(sniff_delimiter("a;b;c,d"), b';');
        assert_eq!(sniff_delimiter("\"x;y;z\",b"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("one"), b',');
        assert_eq!(sniff_delimiter(""), b',');
    }

    #[test]
    fn empty_input_has_no_rows() {
        assert!(read_all(b"").unwrap().is_empty());
        assert!(read_all(b"\xEF\xBB\xBF").unwrap().is_empty());
    }
}
