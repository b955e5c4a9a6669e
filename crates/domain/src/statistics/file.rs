//! The columns of the figures file: what a template or an export writes
//! and a bulk import reads back. One row is one value: a unit, a period,
//! an indicator. Columns are found by their header, in any order; the
//! columns that only describe (unit name, indicator name) are ignored on
//! import.

use chrono::{Datelike, NaiveDate};

use super::{parse_comment, Period, PeriodType};
use crate::file::{parse_number, parse_unit, CellError, FileKind, UnitRef};

/// What each column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    UnitId,
    UnitCode,
    UnitLevel,
    UnitName,
    Period,
    IndicatorCode,
    IndicatorName,
    Value,
    Comment,
}

/// The columns in file order, with their headers and widths.
pub const COLUMNS: [(Col, &str, f64); 9] = [
    (Col::UnitId, "ID đơn vị", 10.0),
    (Col::UnitCode, "Mã đơn vị", 10.0),
    (Col::UnitLevel, "Cấp đơn vị", 16.0),
    (Col::UnitName, "Đơn vị", 28.0),
    (Col::Period, "Kỳ", 10.0),
    (Col::IndicatorCode, "Mã chỉ tiêu", 26.0),
    (Col::IndicatorName, "Chỉ tiêu", 44.0),
    (Col::Value, "Giá trị", 12.0),
    (Col::Comment, "Ghi chú", 30.0),
];

pub fn header(c: Col) -> &'static str {
    crate::file::header_in(&COLUMNS, c)
}

/// Where each known column is in a figures file.
pub type Layout = crate::file::Layout<Col>;

const REQUIRED: [Col; 3] = [Col::Period, Col::IndicatorCode, Col::Value];

impl Layout {
    /// Reads the header row. Unknown headers are ignored; period, indicator,
    /// value and a unit column (id or code) must be there.
    pub fn from_header(cells: &[String]) -> Result<Self, CellError> {
        Self::find(cells, &COLUMNS, &REQUIRED, [Col::UnitCode, Col::UnitId])
    }
}

/// Values one file may carry: a whole country's month of the default
/// data sets (3,321 communes × 100 indicators) with room to spare; more
/// is for the API in batches.
pub const MAX_FILE_VALUES: usize = 500_000;

/// The figures file, as `files::read_table` reads it.
pub struct ValuesFile;

impl FileKind for ValuesFile {
    type Layout = Layout;
    type Row = ValueRow;
    const MAX_ROWS: usize = MAX_FILE_VALUES;
    const ROW_NOUN: &'static str = "giá trị";
    const NO_ROWS: &'static str =
        "tệp không có giá trị nào (dòng để trống cột \"Giá trị\" được bỏ qua)";
    fn header(cells: &[String]) -> Result<Layout, CellError> {
        Layout::from_header(cells)
    }
    fn row(
        layout: &Layout,
        n: usize,
        cells: &[String],
    ) -> Result<Option<ValueRow>, Vec<CellError>> {
        ValueRow::parse(layout, n, cells)
    }
}

/// One value of a file, read but not yet checked against the database.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub row: usize,
    pub unit: UnitRef,
    pub period: Period,
    pub indicator: String,
    pub value: f64,
    pub comment: Option<String>,
}

/// A period as written in a file: `2022-03`, `2022-Q1`, `2022-H1`,
/// `2022`; or a month that a spreadsheet turned into its first day
/// (`2022-03-01`), which is what Excel does to a typed `2022-03`.
pub fn parse_period(s: &str) -> Option<Period> {
    if let Ok(p) = Period::parse("period", s) {
        return Some(p);
    }
    let d = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    (d.day() == 1)
        .then(|| Period::new(PeriodType::Month, d.year(), d.month()))
        .flatten()
}

impl ValueRow {
    /// Reads one row: `None` when its value is blank (a template row left
    /// empty writes nothing). Every bad cell of the row is reported.
    pub fn parse(
        layout: &Layout,
        row: usize,
        cells: &[String],
    ) -> Result<Option<Self>, Vec<CellError>> {
        let get = |c: Col| layout.get(cells, c);
        let mut errors = Vec::new();
        let mut err = |c: Col, m: &str| errors.push(CellError::new(row, header(c), m));
        let value = match get(Col::Value).map(parse_number) {
            None | Some(Ok(None)) => return Ok(None),
            Some(Ok(Some(v))) => Some(v),
            Some(Err(m)) => {
                err(Col::Value, m);
                None
            }
        };
        let unit = match parse_unit(get(Col::UnitId), get(Col::UnitCode), get(Col::UnitLevel)) {
            Ok(u) => Some(u),
            Err(p) => {
                err(
                    p.column([Col::UnitId, Col::UnitCode, Col::UnitLevel]),
                    p.message(),
                );
                None
            }
        };
        let period = match get(Col::Period) {
            None => {
                err(Col::Period, "không được để trống");
                None
            }
            Some(s) => {
                let p = parse_period(s);
                if p.is_none() {
                    err(
                        Col::Period,
                        "kỳ không hợp lệ (2022-03, 2022-Q1, 2022-H1, 2022)",
                    );
                }
                p
            }
        };
        let indicator = get(Col::IndicatorCode).map(str::to_string);
        if indicator.is_none() {
            err(Col::IndicatorCode, "không được để trống");
        }
        let comment = match parse_comment(get(Col::Comment)) {
            Ok(c) => c,
            Err(e) => {
                err(Col::Comment, &e.message);
                None
            }
        };
        match (unit, period, indicator, value) {
            (Some(unit), Some(period), Some(indicator), Some(value)) if errors.is_empty() => {
                Ok(Some(Self {
                    row,
                    unit,
                    period,
                    indicator,
                    value,
                    comment,
                }))
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org_units::Level;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_are_found_by_header_in_any_order() {
        let l = Layout::from_header(&row(&["Giá trị", "Ky", "Mã chỉ tiêu", "Ma don vi"])).unwrap();
        let r = ValueRow::parse(&l, 2, &row(&["1.234", "2022-03", "tin_bao", "14329"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            r,
            ValueRow {
                row: 2,
                unit: UnitRef::Code {
                    level: Level::Commune,
                    code: "14329".into()
                },
                period: Period::parse("p", "2022-03").unwrap(),
                indicator: "tin_bao".into(),
                value: 1234.0,
                comment: None,
            }
        );
    }

    #[test]
    fn a_header_without_a_needed_column_is_refused() {
        let e = Layout::from_header(&row(&["Kỳ", "Mã chỉ tiêu", "Giá trị"])).unwrap_err();
        assert_eq!(e.column, "Mã đơn vị");
        let e = Layout::from_header(&row(&["Mã đơn vị", "Kỳ", "Giá trị"])).unwrap_err();
        assert_eq!(e.column, "Mã chỉ tiêu");
    }

    #[test]
    fn a_header_naming_a_column_twice_is_refused() {
        let e = Layout::from_header(&row(&["Mã đơn vị", "Ky", "Mã chỉ tiêu", "Giá trị", "Kỳ"]))
            .unwrap_err();
        assert_eq!((e.row, e.column.as_str()), (1, "Kỳ"));
        assert!(e.message.contains("thứ 2 và thứ 5"), "{}", e.message);
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported() {
        let l = Layout::from_header(&row(&["ID đơn vị", "Kỳ", "Mã chỉ tiêu", "Giá trị"])).unwrap();
        let e = ValueRow::parse(&l, 7, &row(&["x", "2022-13", "", "abc"])).unwrap_err();
        let cols: Vec<&str> = e.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, ["Giá trị", "ID đơn vị", "Kỳ", "Mã chỉ tiêu"]);
        assert!(e.iter().all(|e| e.row == 7));
    }

    #[test]
    fn a_blank_value_is_a_row_left_empty() {
        let l = Layout::from_header(&row(&["ID đơn vị", "Kỳ", "Mã chỉ tiêu", "Giá trị"])).unwrap();
        assert_eq!(
            ValueRow::parse(&l, 3, &row(&["1", "2022", "tin_bao", " "])),
            Ok(None)
        );
        assert_eq!(
            ValueRow::parse(&l, 3, &row(&["1", "2022", "tin_bao"])),
            Ok(None)
        );
    }

    #[test]
    fn a_month_turned_into_a_date_by_a_spreadsheet_is_that_month() {
        assert_eq!(
            parse_period("2022-03-01"),
            Period::parse("p", "2022-03").ok()
        );
        assert_eq!(parse_period("2022-03-15"), None);
        assert_eq!(parse_period("2022-H2"), Period::parse("p", "2022-H2").ok());
        assert_eq!(parse_period("03/2022"), None);
    }
}
