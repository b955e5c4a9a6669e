//! Civil dates are dates in Vietnam (UTC+7, no daylight saving).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, Utc};

use crate::{DomainError, Reason};

/// The years a date may fall in.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2100;

/// The day the two-tier administration began (Nghị quyết 202/2025/QH15).
pub const REFORM_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

pub fn vietnam() -> FixedOffset {
    // 7 hours is always a valid offset; the UTC fallback is never taken.
    FixedOffset::east_opt(7 * 3600).unwrap_or(Utc.fix())
}

/// Today's civil date in Vietnam.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&vietnam()).date_naive()
}

/// A timestamp as Vietnamese users read it: `dd/mm/yyyy HH:MM` in UTC+7.
pub fn show_timestamp(t: DateTime<Utc>) -> String {
    t.with_timezone(&vietnam())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A date as Vietnamese users read it: `dd/mm/yyyy`.
pub fn show_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Parses `YYYY-MM-DD` (the API form) strictly, years 1900 to 2100: dates
/// are compared as text on SQLite, where `+10000-01-01` would sort before
/// every real date.
pub fn parse_date(field: &'static str, s: &str) -> Result<NaiveDate, DomainError> {
    let s = s.trim();
    let well_formed = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| well_formed && (MIN_YEAR..=MAX_YEAR).contains(&d.year()))
        .ok_or_else(|| {
            DomainError::new(
                field,
                Reason::DateInvalid {
                    min_year: MIN_YEAR,
                    max_year: MAX_YEAR,
                },
            )
        })
}

/// A date as people type it in files: `YYYY-MM-DD` or `dd/mm/yyyy`
/// (what Excel shows in Vietnam), with the same year bounds.
pub fn parse_date_vn(field: &'static str, s: &str) -> Result<NaiveDate, DomainError> {
    let s = s.trim();
    if s.contains('/') {
        let parts: Vec<&str> = s.split('/').collect();
        if let [d, m, y] = parts.as_slice() {
            let ok = [d, m].iter().all(|p| (1..=2).contains(&p.len()))
                && y.len() == 4
                && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
            if ok {
                if let Ok(iso) = parse_date(field, &format!("{y}-{m:0>2}-{d:0>2}")) {
                    return Ok(iso);
                }
            }
        }
        return Err(DomainError::new(
            field,
            Reason::DateInvalidVn {
                min_year: MIN_YEAR,
                max_year: MAX_YEAR,
            },
        ));
    }
    parse_date(field, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates_only() {
        assert!(parse_date("as_of", "2025-07-01").is_ok());
        assert!(parse_date("as_of", "2025-02-30").is_err());
        assert!(parse_date("as_of", "01/07/2025").is_err());
        assert_eq!(parse_date("as_of", "x").unwrap_err().field, "as_of");
        for bad in [
            "+10000-01-01",
            "-10000-01-01",
            "1899-12-31",
            "2101-01-01",
            "2025-7-1",
        ] {
            assert!(parse_date("as_of", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_dates_as_typed_in_files() {
        let d = NaiveDate::from_ymd_opt(2022, 3, 5).unwrap();
        assert_eq!(parse_date_vn("f", "05/03/2022").unwrap(), d);
        assert_eq!(parse_date_vn("f", "5/3/2022").unwrap(), d);
        assert_eq!(parse_date_vn("f", "2022-03-05").unwrap(), d);
        for bad in [
            "31/02/2022",
            "05/03/22",
            "1/1/1800",
            "a/b/cccc",
            "05-03-2022",
            "",
        ] {
            assert!(parse_date_vn("f", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shows_vietnamese_formats() {
        let t = DateTime::parse_from_rfc3339("2025-06-30T17:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(show_timestamp(t), "01/07/2025 00:05");
        assert_eq!(show_date(REFORM_DAY), "01/07/2025");
    }
}
