//! The table shape shared by the XLSX and CSV writers, and the crate's error.

use chrono::NaiveDate;

/// One cell of a [`Sheet`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
    Date(NaiveDate),
    Bool(bool),
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(v.to_owned())
    }
}
impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(v)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}
impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::Int(v.into())
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Int(v.into())
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Num(v)
    }
}
impl From<NaiveDate> for Cell {
    fn from(v: NaiveDate) -> Self {
        Cell::Date(v)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Bool(v)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// A column of a [`Sheet`]: its header text and its width in Excel character
/// units (the width Excel shows in "Column width…"; about 8.43 by default).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub width: f64,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f64) -> Self {
        Column {
            header: header.into(),
            width,
        }
    }
}

/// A table to export: one XLSX worksheet, or one CSV file.
///
/// Rows may be shorter or longer than `columns`; missing cells are empty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// Worksheet name; sanitised to Excel's rules when written.
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// A column whose non-empty cells are shown in red bold in XLSX, e.g. the
    /// "Lỗi" column of an import error report. Ignored by CSV.
    pub highlight_col: Option<usize>,
}

impl Sheet {
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Self {
        Sheet {
            name: name.into(),
            columns,
            rows: Vec::new(),
            highlight_col: None,
        }
    }
}

/// Boxed lower-level error kept for logs (the web layer logs the source
/// chain and shows only the Vietnamese message).
pub type Source = Box<dyn std::error::Error + Send + Sync>;

/// Everything that can go wrong reading or writing a file. Messages are
/// Vietnamese and meant for the person who uploaded or asked for the file;
/// row numbers are those Excel shows (header row = 1).
#[derive(thiserror::Error, Debug)]
pub enum FilesError {
    #[error("tệp không phải XLSX hoặc CSV hợp lệ")]
    NotSpreadsheet(#[source] Source),
    #[error("tệp không có trang tính nào")]
    NoSheet,
    #[error(
        "tệp CSV không dùng mã UTF-8 (lỗi ở dòng {row}); hãy lưu lại tệp dưới dạng «CSV UTF-8»"
    )]
    NotUtf8 { row: usize },
    #[error("tệp CSV bị lỗi ở dòng {row}")]
    Csv {
        row: usize,
        #[source]
        source: Source,
    },
    #[error("tệp XLSX bị hỏng hoặc không đọc được (sau dòng {row})")]
    Xlsx {
        row: usize,
        #[source]
        source: Source,
    },
    #[error("tệp có quá {limit} dòng (dòng {row})")]
    TooManyRows { row: usize, limit: usize },
    #[error("ô {col}{row} dài quá {limit} ký tự")]
    CellTooLong {
        row: usize,
        /// Column letter as Excel shows it: A, B, …, AA.
        col: String,
        limit: usize,
    },
    /// An XLSX archive past one of the bounds of [`crate::MAX_INFLATED_BYTES`]
    /// and its siblings: a ZIP bomb, or a file that would make the reader
    /// allocate more than the server can give. `what` names the bound in
    /// Vietnamese, `limit` its value with its unit.
    #[error("tệp XLSX vượt giới hạn: {what} (tối đa {limit})")]
    ArchiveLimit { what: String, limit: String },
    #[error("không tạo được tệp XLSX")]
    Write(#[source] Source),
    /// A photo that is not a well-formed JPEG or PNG.
    #[error("ảnh không đúng định dạng JPEG hoặc PNG")]
    NotImage,
}

pub use domain::file::column_letter;

/// Text for a boolean, in both writers and the reader.
pub(crate) fn bool_text(b: bool) -> &'static str {
    if b {
        "Có"
    } else {
        "Không"
    }
}

/// A number as people write it (`domain::file::number_text`, shared with
/// the previews of imports, which show stored figures as files write them).
pub(crate) fn num_text(n: f64) -> String {
    domain::file::number_text(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        assert_eq!(column_letter(16383), "XFD");
    }

    #[test]
    fn numbers_without_noise() {
        assert_eq!(num_text(3.0), "3");
        assert_eq!(num_text(-0.0), "0");
        assert_eq!(num_text(2.5), "2.5");
        assert_eq!(num_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(num_text(1e20), "100000000000000000000");
        assert_eq!(num_text(f64::NAN), "");
        // Not a group of thousands.
        assert_eq!(num_text(2.375), "2.3750");
        assert_eq!(num_text(-0.125), "-0.1250");
        assert_eq!(num_text(1234.001), "1234.0010");
        assert_eq!(num_text(12.25), "12.25");
    }

    #[test]
    fn option_into_cell() {
        assert_eq!(Cell::from(None::<i64>), Cell::Empty);
        assert_eq!(Cell::from(Some("a")), Cell::Text("a".into()));
    }
}
