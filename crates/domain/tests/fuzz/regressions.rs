//! Inputs that once failed, kept so that they stay fixed: each runs
//! through the same checks as its fuzz target, every time.

use chrono::NaiveDate;

use super::{check_dates, check_number, check_period};

/// b6d116d: dates outside 1900-2100 sorted wrongly as text on SQLite and
/// failed on PostgreSQL, and `2025-7-1` was read though it is not the
/// `YYYY-MM-DD` it reads back as.
#[test]
fn dates_beyond_the_years_or_unpadded_are_refused() {
    for s in [
        "+10000-01-01",
        "-10000-01-01",
        "1899-12-31",
        "2101-01-01",
        "2025-7-1",
        "1/1/1800",
        "31/02/2022",
    ] {
        check_dates(s, Some((None, None))).unwrap();
    }
    let d = NaiveDate::from_ymd_opt(2025, 7, 1);
    check_dates(" 2025-07-01 ", Some((d, d))).unwrap();
    check_dates("1/7/2025", Some((None, d))).unwrap();
}

/// b6d116d: NUL in a login name or a display name gave a 500 on
/// PostgreSQL.
#[test]
fn control_characters_in_names_are_refused() {
    for s in ["ad\u{0}min", "admin\u{0}"] {
        assert!(domain::accounts::parse_username(s).is_err(), "{s:?}");
    }
    for s in ["Nguyễn\u{0}Văn", "\u{7}"] {
        assert!(domain::accounts::parse_display_name(s).is_err(), "{s:?}");
    }
}

/// Numbers as people type them, each form once.
#[test]
fn numbers_in_every_form_are_read() {
    for (s, v) in [
        ("1.234", 1234.0),
        ("1.234.567,5", 1_234_567.5),
        ("1 234,25", 1234.25),
        ("1\u{a0}234", 1234.0),
        ("-0,5", -0.5),
        ("12.5", 12.5),
    ] {
        check_number(s, Some(v)).unwrap();
    }
    for s in ["inf", "NaN", "1e400", "1,2,3"] {
        check_number(s, None).unwrap();
        assert!(domain::file::parse_number(s).is_err(), "{s:?}");
    }
}

/// Periods: the forms accepted, and a month typed as its first day.
#[test]
fn periods_in_every_form_are_read() {
    use domain::statistics::Period;
    let p = |s| Period::parse("p", s).ok();
    check_period("2022-03", Some((p("2022-03"), p("2022-03")))).unwrap();
    check_period("2022-q1", Some((p("2022-Q1"), p("2022-Q1")))).unwrap();
    check_period("2022-03-01", Some((None, p("2022-03")))).unwrap();
    check_period("2022-03-15", Some((None, None))).unwrap();
    check_period("1989", Some((None, None))).unwrap();
}
