//! What every imported file shares: where a problem is (row, column), how
//! a row names its unit, and how levels are written in files.

use serde::Serialize;

use crate::org_units::Level;
use crate::text::fold;

/// One problem in a file: where (row as Excel numbers it, column header)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl CellError {
    pub fn new(row: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: column.to_string(),
            message: message.into(),
        }
    }
}

/// The columns of one kind of file, in file order: what each holds, its
/// header, its width in an export.
pub type Columns<C> = [(C, &'static str, f64)];

/// The header of a column.
pub fn header_in<C: Copy + PartialEq>(columns: &Columns<C>, c: C) -> &'static str {
    columns
        .iter()
        .find(|(x, _, _)| *x == c)
        .map(|(_, h, _)| *h)
        .unwrap_or("")
}

/// Where each known column is in a file: found by its header, with or
/// without diacritics, in any order; unknown headers are ignored.
#[derive(Debug, Clone)]
pub struct Layout<C>(Vec<(C, usize)>);

impl<C: Copy + PartialEq> Layout<C> {
    /// Reads the header row: the `required` columns must be there, and one
    /// of the two `unit` columns (id or code).
    pub fn find(
        cells: &[String],
        columns: &Columns<C>,
        required: &[C],
        unit: [C; 2],
    ) -> Result<Self, CellError> {
        let mut found: Vec<(C, usize)> = Vec::new();
        for (i, h) in cells.iter().enumerate() {
            let h = fold(h);
            if let Some((c, _, _)) = columns.iter().find(|(_, name, _)| fold(name) == h) {
                if !found.iter().any(|(f, _)| f == c) {
                    found.push((*c, i));
                }
            }
        }
        let has = |c: C| found.iter().any(|(f, _)| *f == c);
        if let Some(c) = required.iter().copied().find(|c| !has(*c)) {
            let h = header_in(columns, c);
            return Err(CellError::new(
                1,
                h,
                format!("thiếu cột \"{h}\" ở dòng tiêu đề"),
            ));
        }
        if !unit.iter().any(|c| has(*c)) {
            return Err(CellError::new(
                1,
                header_in(columns, unit[0]),
                format!(
                    "cần cột \"{}\" hoặc \"{}\"",
                    header_in(columns, unit[0]),
                    header_in(columns, unit[1])
                ),
            ));
        }
        Ok(Self(found))
    }

    /// A cell of a row, trimmed; blank is none.
    pub fn get<'a>(&self, cells: &'a [String], c: C) -> Option<&'a str> {
        let i = self.0.iter().find(|(f, _)| *f == c)?.1;
        cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// Where a row's unit is: by internal id, or by code and level (the code
/// valid on the row's day: codes are reused after 2025).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnitRef {
    Id(i64),
    Code { level: Level, code: String },
}

/// The label of a level in files.
pub fn level_label(l: Level) -> &'static str {
    match l {
        Level::Province => "Tỉnh",
        Level::District => "Huyện",
        Level::Commune => "Xã, phường",
        Level::Village => "Thôn, tổ dân phố",
        Level::Site => "Cơ sở",
    }
}

/// A level as written in a file: its code (`commune`) or its label, with
/// or without diacritics.
pub fn parse_level(s: &str) -> Option<Level> {
    let f = fold(s);
    Level::ALL
        .into_iter()
        .find(|l| l.as_str() == s.trim() || fold(level_label(*l)) == f)
}

/// A number as people type it: `1234`, `1.234` (thousands), `12,5`
/// (decimal), `1 000`. Blank is no number.
pub fn parse_number(s: &str) -> Result<Option<f64>, &'static str> {
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let normal = if cleaned.contains(',') {
        cleaned.replace('.', "").replace(',', ".")
    } else if cleaned.matches('.').count() > 1
        || cleaned.split('.').nth(1).is_some_and(|d| d.len() == 3)
    {
        cleaned.replace('.', "")
    } else {
        cleaned
    };
    normal
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or("cần một số")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("  "), Ok(None));
        assert_eq!(parse_number("1234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("1.234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("1.234.567"), Ok(Some(1234567.0)));
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number("12.5"), Ok(Some(12.5)));
        assert_eq!(parse_number("1 000"), Ok(Some(1000.0)));
        assert_eq!(parse_number("-3"), Ok(Some(-3.0)));
        assert!(parse_number("abc").is_err());
        assert!(parse_number("inf").is_err());
        assert!(parse_number("NaN").is_err());
    }

    #[test]
    fn levels_by_code_or_label() {
        assert_eq!(parse_level("commune"), Some(Level::Commune));
        assert_eq!(parse_level("Xa, phuong"), Some(Level::Commune));
        assert_eq!(parse_level("Thôn, tổ dân phố"), Some(Level::Village));
        assert_eq!(parse_level("quận"), None);
    }
}
