//! Fuzzing of every parser of outside input in `domain`: dates, paging,
//! search text, names, the enums read from query strings, the model file
//! and the figures file (header and rows), whole model inputs, periods,
//! rules, numbers as people type them and the shares of a split unit.
//! Each must answer every input with a value or a clean error, never a
//! panic, and keep its promises.
//!
//! The generators mix garbage with values written the way the parsers
//! accept them (dates, numbers in Vietnamese formats, codes, periods,
//! rules), often with the value the text stands for, so that the branches
//! where a value is accepted are reached and checked against it; each
//! target asserts the share of inputs that reached them ([`Reach`]).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod harness;
mod regressions;

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::file::{parse_level, parse_number, UnitRef};
use domain::models::file::{FileRow, Layout, COLUMNS};
use domain::models::{ModelInput, ModelRefs, ModelType, NewModel, Rating, Sector, Status, Target};
use domain::org_units::{Kind, Level, OrgUnit, SearchText};
use domain::page::Page;
use domain::statistics::file::{parse_period, ValueRow};
use domain::statistics::{parse_comment, Calendar, Period, PeriodType, Rule, ShareInput, Shares};
use domain::text::{fold, normalize, sort_key};
use domain::time::{parse_date, parse_date_vn};
use harness::{fuzz, Reach};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

// ---- generators -------------------------------------------------------------

/// Garbage: any Unicode, digits and the separators parsers look for,
/// Vietnamese letters with their marks.
fn garbage() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9/\\-+ .,:;]{0,14}",
        "[a-zA-ZđĐàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ \u{0300}\u{0301}\u{0303}]{0,30}",
    ]
}

/// `s` with the blanks forms and cells put around values.
fn padded(s: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    let pad = || prop_oneof![6 => Just(""), 1 => Just(" "), 1 => Just("\t"), 1 => Just("  ")];
    (pad(), s, pad()).prop_map(|(a, s, b)| format!("{a}{s}{b}"))
}

/// How a day is written: the forms the parsers accept, and near misses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateForm {
    /// `2022-03-05`
    Iso,
    /// `05/03/2022`
    DayMonthYear,
    /// `5/3/2022`
    Short,
    /// `2022-3-5`
    IsoUnpadded,
    /// `05/03/22`
    TwoDigitYear,
    /// `05.03.2022`
    Dotted,
}

/// A day as people type it, and the date it names if it is one (years
/// 1900 to 2100), whether or not the form is accepted.
#[derive(Debug, Clone)]
struct Dated {
    text: String,
    form: DateForm,
    date: Option<NaiveDate>,
}

impl Dated {
    /// What `parse_date` must answer: ISO with two-digit month and day only.
    fn iso(&self) -> Option<NaiveDate> {
        let padded = self.text.trim().len() == 10;
        match self.form {
            DateForm::Iso => self.date,
            DateForm::IsoUnpadded if padded => self.date,
            _ => None,
        }
    }

    /// What `parse_date_vn` must answer: ISO, or `d/m/yyyy` with or
    /// without leading zeros.
    fn vn(&self) -> Option<NaiveDate> {
        match self.form {
            DateForm::DayMonthYear | DateForm::Short => self.date,
            _ => self.iso(),
        }
    }
}

fn dated() -> impl Strategy<Value = Dated> {
    let form = proptest::sample::select(vec![
        DateForm::Iso,
        DateForm::Iso,
        DateForm::DayMonthYear,
        DateForm::Short,
        DateForm::IsoUnpadded,
        DateForm::TwoDigitYear,
        DateForm::Dotted,
    ]);
    let day = prop_oneof![3 => 1u32..=28, 1 => 0u32..=32];
    let month = prop_oneof![6 => 1u32..=12, 1 => 0u32..=13];
    let year = prop_oneof![6 => 1900i32..=2100, 1 => 1890i32..=2110];
    (year, month, day, form).prop_map(|(y, m, d, form)| {
        let text = match form {
            DateForm::Iso => format!("{y:04}-{m:02}-{d:02}"),
            DateForm::DayMonthYear => format!("{d:02}/{m:02}/{y:04}"),
            DateForm::Short => format!("{d}/{m}/{y}"),
            DateForm::IsoUnpadded => format!("{y}-{m}-{d}"),
            DateForm::TwoDigitYear => format!("{d:02}/{m:02}/{:02}", y % 100),
            DateForm::Dotted => format!("{d:02}.{m:02}.{y}"),
        };
        let date = NaiveDate::from_ymd_opt(y, m, d).filter(|d| (1900..=2100).contains(&d.year()));
        Dated { text, form, date }
    })
}

/// How a number is written: Vietnamese groups of thousands (`.`, a space
/// or a no-break space) with a decimal comma, or a decimal point.
#[derive(Debug, Clone, Copy, PartialEq)]
enum NumberForm {
    Plain,
    DotGroups,
    SpaceGroups,
    NoBreakGroups,
    DecimalPoint,
}

/// A number as people type it, and its value.
#[derive(Debug, Clone)]
struct Number {
    text: String,
    value: f64,
}

fn grouped(digits: &str, sep: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn number() -> impl Strategy<Value = Number> {
    let whole = prop_oneof![0u64..1_000, 0u64..10_000_000, 0u64..1_000_000_000_000_000];
    let form = proptest::sample::select(vec![
        NumberForm::Plain,
        NumberForm::DotGroups,
        NumberForm::SpaceGroups,
        NumberForm::NoBreakGroups,
        NumberForm::DecimalPoint,
    ]);
    (any::<bool>(), whole, "[0-9]{0,5}", form).prop_map(|(negative, whole, decimals, form)| {
        let sign = if negative { "-" } else { "" };
        let digits = whole.to_string();
        // One `.` before exactly three digits is a group of thousands
        // (`1.234` is 1234): a decimal point takes other decimals only.
        let form = match form {
            NumberForm::DecimalPoint if decimals.len() == 3 => NumberForm::Plain,
            f => f,
        };
        let whole_text = match form {
            NumberForm::Plain | NumberForm::DecimalPoint => digits.clone(),
            NumberForm::DotGroups => grouped(&digits, "."),
            NumberForm::SpaceGroups => grouped(&digits, " "),
            NumberForm::NoBreakGroups => grouped(&digits, "\u{a0}"),
        };
        let point = if form == NumberForm::DecimalPoint {
            "."
        } else {
            ","
        };
        let text = match decimals.as_str() {
            "" => format!("{sign}{whole_text}"),
            d => format!("{sign}{whole_text}{point}{d}"),
        };
        let value = format!("{sign}{digits}.{decimals}0").parse().unwrap();
        Number { text, value }
    })
}

/// Whole numbers as ids and counts are typed, or nearly.
fn integer_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0i64..2_000).prop_map(|n| n.to_string()),
        1 => (0i64..10_000_000).prop_map(|n| grouped(&n.to_string(), ".")),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => "-?[0-9]{1,3}[ .,]?[0-9]{0,3}",
    ]
}

/// Every code of the enums read from query strings and files, and the
/// labels people write for some of them.
fn codes() -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    all.extend(Level::ALL.iter().map(|x| x.as_str().to_owned()));
    all.extend(Kind::ADMINISTRATIVE.iter().map(|x| x.as_str().to_owned()));
    // Fields and kinds of place are data: the national codes, and codes a
    // province might add.
    all.extend(
        [
            "residential",
            "agency_enterprise",
            "school",
            "religious",
            "other",
            "village",
            "commune",
            "ben_thuyen",
        ]
        .map(str::to_owned),
    );
    for s in Status::ALL {
        all.extend([s.as_str().to_owned(), s.label().to_owned()]);
    }
    for r in Rating::ALL {
        all.extend([r.as_str().to_owned(), r.label().to_owned()]);
    }
    all
}

fn code_text() -> impl Strategy<Value = String> {
    (proptest::sample::select(codes()), 0..6).prop_map(|(c, how)| match how {
        0 => c.to_uppercase(),
        1 => format!("{c}x"),
        _ => c,
    })
}

/// How a period is written, or nearly.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PeriodForm {
    Month,
    MonthUnpadded,
    Quarter(char),
    Half(char),
    Year,
    /// A month that a spreadsheet turned into a date: `2022-03-01`.
    MonthAsDate(u32),
}

/// A period as written in files and query strings, and the period it
/// names for `Period::parse` (and for `parse_period`, which also takes a
/// month's first day).
#[derive(Debug, Clone)]
struct Periodic {
    text: String,
    strict: Option<Period>,
    file: Option<Period>,
}

fn periodic() -> impl Strategy<Value = Periodic> {
    let form = prop_oneof![
        3 => Just(PeriodForm::Month),
        1 => Just(PeriodForm::MonthUnpadded),
        2 => proptest::sample::select(vec!['Q', 'q']).prop_map(PeriodForm::Quarter),
        1 => proptest::sample::select(vec!['H', 'h']).prop_map(PeriodForm::Half),
        2 => Just(PeriodForm::Year),
        1 => prop_oneof![Just(1u32), 2u32..=28].prop_map(PeriodForm::MonthAsDate),
    ];
    let year = prop_oneof![6 => 1990i32..=2100, 1 => 1980i32..=2110];
    (year, form, 0u32..=13).prop_map(|(y, form, n)| {
        let years = (1990..=2100).contains(&y);
        let within = |count: u32| years && (1..=count).contains(&n);
        let make = |kind, count| within(count).then(|| Period::new(kind, y, n).unwrap());
        let (text, strict, file) = match form {
            PeriodForm::Month => {
                let p = make(PeriodType::Month, 12);
                (format!("{y}-{n:02}"), p, p)
            }
            PeriodForm::MonthUnpadded if n < 10 => (format!("{y}-{n}"), None, None),
            PeriodForm::MonthUnpadded => {
                let p = make(PeriodType::Month, 12);
                (format!("{y}-{n}"), p, p)
            }
            PeriodForm::Quarter(q) => {
                let p = make(PeriodType::Quarter, 4);
                (format!("{y}-{q}{n}"), p, p)
            }
            PeriodForm::Half(h) => {
                let p = make(PeriodType::Half, 2);
                (format!("{y}-{h}{n}"), p, p)
            }
            PeriodForm::Year => {
                let p = years.then(|| Period::year_of(y).unwrap());
                (y.to_string(), p, p)
            }
            PeriodForm::MonthAsDate(d) => {
                let p = (d == 1).then(|| make(PeriodType::Month, 12)).flatten();
                (format!("{y}-{n:02}-{d:02}"), None, p)
            }
        };
        Periodic { text, strict, file }
    })
}

/// Values written the way parsers expect them, right or a little wrong.
fn well_formed() -> impl Strategy<Value = String> {
    prop_oneof![
        dated().prop_map(|d| d.text),
        number().prop_map(|n| n.text),
        integer_text(),
        code_text(),
        periodic().prop_map(|p| p.text),
    ]
}

/// Text as people and programs send it: garbage, or well-formed values
/// with blanks around them.
fn text() -> BoxedStrategy<String> {
    prop_oneof![2 => garbage(), 3 => padded(well_formed())].boxed()
}

/// Unit names with their type word, as people search for them.
fn place() -> impl Strategy<Value = String> {
    let words: Vec<&str> = Kind::ADMINISTRATIVE
        .iter()
        .filter_map(|k| k.name_prefix())
        .collect();
    let name =
        "(Ba Đình|Yên Phụ|Hoà Bình|Nam Định|[a-zA-ZđĐàáạăắâấèéêếìíòóôốơớùúưứỳý]{1,8}|[0-9]{1,2})";
    (proptest::sample::select(words), name, 0..4).prop_map(|(w, n, how)| match how {
        0 => format!("{} {n}", w.to_uppercase()),
        1 => format!("{} {n}", fold(w)),
        _ => format!("{w} {n}"),
    })
}

// ---- dates --------------------------------------------------------------------

/// The numbers of a `d/m/yyyy` text.
fn day_month_year(s: &str) -> Option<(u32, u32, i32)> {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [d, m, y] => Some((d.parse().ok()?, m.parse().ok()?, y.parse().ok()?)),
        _ => None,
    }
}

/// Checks both date parsers on `s`; with `want`, what each must answer
/// (`parse_date`, `parse_date_vn`).
pub(crate) fn check_dates(
    s: &str,
    want: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
) -> Result<(), TestCaseError> {
    let iso = parse_date("f", s);
    let vn = parse_date_vn("f", s);
    if let Some((want_iso, want_vn)) = want {
        prop_assert_eq!(iso.clone().ok(), want_iso, "parse_date({:?})", s);
        prop_assert_eq!(vn.clone().ok(), want_vn, "parse_date_vn({:?})", s);
    }
    match iso {
        Ok(d) => {
            prop_assert_eq!(d.to_string(), s.trim());
            prop_assert!((1900..=2100).contains(&d.year()));
        }
        Err(e) => prop_assert!(e.field == "f" && !e.message.is_empty()),
    }
    match vn {
        Ok(d) => {
            prop_assert!((1900..=2100).contains(&d.year()));
            let t = s.trim();
            prop_assert!(
                d.to_string() == t || day_month_year(t) == Some((d.day(), d.month(), d.year())),
                "{:?} read as {}",
                s,
                d
            );
        }
        Err(e) => prop_assert!(e.field == "f" && !e.message.is_empty()),
    }
    Ok(())
}

#[test]
fn dates_parse_back_to_what_was_sent() {
    let iso = Reach::new("ISO date accepted", 0.15);
    let vn = Reach::new("dd/mm/yyyy accepted", 0.1);
    let refused = Reach::new("refused", 0.1);
    let cases = prop_oneof![
        3 => dated().prop_map(|d| {
            let want = (d.iso(), d.vn());
            (d.text, Some(want))
        }),
        1 => text().prop_map(|s| (s, None)),
    ];
    fuzz("parse_date", &[&iso, &vn, &refused], cases, |(s, want)| {
        check_dates(&s, want)?;
        iso.hit_if(parse_date("f", &s).is_ok());
        let vn_ok = parse_date_vn("f", &s).is_ok();
        vn.hit_if(vn_ok && s.contains('/'));
        refused.hit_if(!vn_ok);
        Ok(())
    });
}

// ---- paging -------------------------------------------------------------------

#[test]
fn paging_stays_within_bounds() {
    // Blank pages are always accepted: count only pages that sent a number.
    let accepted = Reach::new("page with a number accepted", 0.2);
    let refused = Reach::new("page refused", 0.1);
    let value = || {
        proptest::option::of(prop_oneof![
            3 => padded(prop_oneof![0u32..=3, 0u32..=600, 999_990u32..=1_000_010].prop_map(|n| n.to_string())),
            1 => text(),
        ])
    };
    fuzz(
        "page",
        &[&accepted, &refused],
        (value(), value()),
        |(p, n)| {
            // Blank is absent; a number must be within its bounds.
            let read = |s: &Option<String>, default: u32, max: u32| -> Option<u32> {
                match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    None => Some(default),
                    Some(s) => s.parse::<u32>().ok().filter(|n| (1..=max).contains(n)),
                }
            };
            let want = read(&p, 1, 1_000_000).zip(read(&n, 50, 500));
            let got = Page::parse(p.as_deref(), n.as_deref());
            match (&got, want) {
                (Ok(page), Some((page_no, per_page))) => {
                    let blank =
                        |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
                    accepted.hit_if(!blank(&p) || !blank(&n));
                    prop_assert_eq!((page.page, page.per_page), (page_no, per_page));
                    prop_assert!(page.offset() >= 0 && page.limit() == i64::from(per_page));
                }
                (Err(e), None) => {
                    refused.hit();
                    prop_assert!(!e.message.is_empty());
                }
                _ => {
                    let m = format!("{p:?} {n:?}: {got:?}, expected {want:?}");
                    return Err(TestCaseError::fail(m));
                }
            }
            Ok(())
        },
    );
}

// ---- search text, names ---------------------------------------------------------

#[test]
fn search_text_and_folding_are_total_and_idempotent() {
    let kinds = Reach::new("type word recognised", 0.1);
    let users = Reach::new("username accepted", 0.1);
    let names = Reach::new("display name accepted", 0.3);
    let cases = prop_oneof![
        2 => text(),
        2 => place(),
        1 => padded("[a-zA-Z0-9._\\-]{1,70}"),
    ];
    fuzz("search", &[&kinds, &users, &names], cases, |s| {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f.clone());
        prop_assert_eq!(normalize(&normalize(&s)), normalize(&s));
        let _ = sort_key(&s);
        match SearchText::parse(&s) {
            None => prop_assert!(f.is_empty()),
            Some(st) if st.kinds.is_empty() => prop_assert_eq!(&st.text, &f),
            Some(st) => {
                kinds.hit();
                // Every kind named has the type word that starts the query.
                for k in &st.kinds {
                    let word = fold(k.name_prefix().unwrap());
                    prop_assert_eq!(format!("{word} {}", st.text), f.clone());
                }
                prop_assert!(!st.text.is_empty());
            }
        }
        if let Ok(u) = domain::accounts::parse_username(&s) {
            users.hit();
            prop_assert_eq!(&u, &s.trim().to_lowercase());
            prop_assert!((3..=64).contains(&u.len()));
            prop_assert!(u
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c)));
        }
        if let Ok(n) = domain::accounts::parse_display_name(&s) {
            names.hit();
            prop_assert_eq!(&n, &normalize(&s));
            prop_assert!(!n.is_empty() && n.chars().count() <= 100);
            prop_assert!(!n.chars().any(char::is_control));
        }
        Ok(())
    });
}

// ---- codes ----------------------------------------------------------------------

#[test]
fn codes_from_query_strings_parse_or_refuse() {
    let accepted = Reach::new("a code accepted", 0.3);
    let cases = prop_oneof![1 => text(), 2 => padded(code_text())];
    fuzz("codes", &[&accepted], cases, |s| {
        let t = s.trim();
        let mut any = false;
        // What parses is the code itself (or the label, where one is read).
        let mut check = |read: Option<(String, Option<&str>)>| {
            if let Some((code, label)) = read {
                any = true;
                let by_label = label.is_some_and(|l| l.to_lowercase() == t.to_lowercase());
                return code == t || by_label;
            }
            true
        };
        let ok = [
            check(
                Level::parse("f", &s)
                    .ok()
                    .map(|x| (x.as_str().into(), None)),
            ),
            check(Kind::parse("f", &s).ok().map(|x| (x.as_str().into(), None))),
            check(
                Sector::parse("f", &s)
                    .ok()
                    .map(|x| (x.as_str().into(), None)),
            ),
            check(
                Status::parse("f", &s)
                    .ok()
                    .map(|x| (x.as_str().into(), Some(x.label()))),
            ),
            check(
                Rating::parse("f", &s)
                    .ok()
                    .map(|x| (x.as_str().into(), Some(x.label()))),
            ),
            check(
                Target::parse("f", &s)
                    .ok()
                    .map(|x| (x.as_str().into(), None)),
            ),
        ];
        prop_assert!(ok.iter().all(|x| *x), "{:?}: {:?}", s, ok);
        accepted.hit_if(any);
        Ok(())
    });
}

// ---- files: header and rows ---------------------------------------------------------

/// A file's header and rows: a shuffled choice of the known columns (the
/// needed ones most of the time, under their header, without diacritics
/// or in capitals) and unknown ones, each row's cells drawn for their
/// column, some rows cut short.
#[derive(Debug, Clone)]
struct Table<C> {
    columns: Vec<Option<C>>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl<C: Copy + PartialEq> Table<C> {
    /// The trimmed, non-blank cell of column `c`, as the parsers get it.
    fn get<'a>(&self, row: &'a [String], c: C) -> Option<&'a str> {
        let i = self.columns.iter().position(|x| *x == Some(c))?;
        row.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

fn table<C: Copy + PartialEq + std::fmt::Debug + 'static>(
    known: &'static [(C, &'static str, f64)],
    needed: &'static [C],
    cell: fn(Option<C>) -> BoxedStrategy<String>,
) -> impl Strategy<Value = Table<C>> {
    let all: Vec<C> = known.iter().map(|(c, _, _)| *c).collect();
    let chosen = (
        proptest::bool::weighted(0.85),
        proptest::sample::subsequence(all.clone(), 0..=all.len()),
        0usize..3,
    );
    chosen
        .prop_flat_map(move |(complete, mut cols, unknown)| {
            if complete {
                for c in needed {
                    if !cols.contains(c) {
                        cols.push(*c);
                    }
                }
            }
            let mut cols: Vec<Option<C>> = cols.into_iter().map(Some).collect();
            cols.extend(std::iter::repeat_n(None, unknown));
            Just(cols).prop_shuffle()
        })
        .prop_flat_map(move |cols| {
            let header: Vec<BoxedStrategy<String>> = cols
                .iter()
                .map(|c| match c {
                    Some(c) => {
                        let h = known.iter().find(|(x, _, _)| x == c).unwrap().1;
                        proptest::sample::select(vec![h.to_owned(), fold(h), h.to_uppercase()])
                            .boxed()
                    }
                    None => garbage().boxed(),
                })
                .collect();
            let row: Vec<BoxedStrategy<String>> = cols.iter().map(|c| cell(*c)).collect();
            let row = (
                row,
                proptest::bool::weighted(0.15),
                any::<prop::sample::Index>(),
            )
                .prop_map(|(mut row, cut, at)| {
                    if cut && !row.is_empty() {
                        row.truncate(at.index(row.len()));
                    }
                    row
                });
            (Just(cols), header, proptest::collection::vec(row, 1..6))
        })
        .prop_map(|(columns, header, rows)| Table {
            columns,
            header,
            rows,
        })
}

/// Whether a header row names one known column twice, as a stray column
/// may by chance; such a file is refused whatever else it holds.
fn names_a_column_twice(header: &[String], known: &[&str]) -> bool {
    known
        .iter()
        .any(|k| header.iter().filter(|h| fold(h) == fold(k)).count() > 1)
}

/// A level as files write it: its code, its label, or not a level.
fn level_text() -> impl Strategy<Value = String> {
    let mut all: Vec<String> = Vec::new();
    for l in Level::ALL {
        let label = domain::file::level_label(l);
        all.extend([l.as_str().to_owned(), label.to_owned(), fold(label)]);
    }
    prop_oneof![3 => proptest::sample::select(all), 1 => text()]
}

/// Sometimes blank, as cells left empty are.
fn or_blank(s: impl Strategy<Value = String> + 'static) -> BoxedStrategy<String> {
    prop_oneof![1 => Just(String::new()), 6 => s].boxed()
}

fn model_cell(c: Option<domain::models::file::Col>) -> BoxedStrategy<String> {
    use domain::models::file::Col;
    let names = "(Tổ tuần tra|Camera an ninh|Tổ hoà giải) [a-zA-Zđàáạâấèéêếòóôốơớùúưứ0-9 ]{0,12}";
    match c {
        None => text(),
        Some(Col::Id | Col::UnitId | Col::Members | Col::Households | Col::ReplicatedFrom) => {
            or_blank(prop_oneof![4 => integer_text(), 1 => text()])
        }
        Some(Col::FoundedOn | Col::DecisionDate | Col::StatusSince) => {
            or_blank(prop_oneof![6 => dated().prop_map(|d| d.text), 1 => text()])
        }
        Some(Col::Status) => or_blank(prop_oneof![
            4 => proptest::sample::select(
                Status::ALL.iter().flat_map(|s| [s.as_str(), s.label()]).collect::<Vec<_>>()
            )
            .prop_map(str::to_owned),
            1 => text(),
        ]),
        Some(Col::UnitLevel) => or_blank(level_text()),
        Some(Col::UnitCode) => or_blank(prop_oneof![4 => "[0-9]{5}", 1 => text()]),
        Some(Col::TypeCode) => or_blank(prop_oneof![4 => "[a-z_]{3,20}", 1 => text()]),
        Some(_) => or_blank(prop_oneof![3 => names, 1 => text()]),
    }
}

/// The unit a row names, as the model and figures files read it: the id
/// (dots and blanks between digits allowed), else the code at the level
/// written (a commune without one). `Err` when the cells name none.
fn unit_of(id: Option<&str>, code: Option<&str>, level: Option<&str>) -> Result<UnitRef, ()> {
    match (id, code) {
        (Some(id), _) => id
            .replace(['.', ' '], "")
            .parse()
            .map(UnitRef::Id)
            .map_err(|_| ()),
        (None, Some(code)) => {
            let level = match level {
                Some(l) => parse_level(l).ok_or(())?,
                None => Level::Commune,
            };
            Ok(UnitRef::Code {
                level,
                code: code.to_owned(),
            })
        }
        (None, None) => Err(()),
    }
}

#[test]
fn model_file_rows_are_read_or_refused_cell_by_cell() {
    use domain::models::file::Col;
    let header = Reach::new("header accepted", 0.5);
    let read = Reach::new("a row read", 0.08);
    let refused = Reach::new("a row refused", 0.15);
    let needed: &'static [Col] = &[Col::Name, Col::TypeCode, Col::FoundedOn, Col::UnitId];
    let headers: Vec<&str> = COLUMNS.iter().map(|(_, h, _)| *h).collect();
    fuzz(
        "model_file",
        &[&header, &read, &refused],
        (table(&COLUMNS, needed, model_cell), 1usize..2_000_000),
        |(t, first)| {
            let has = |c| t.columns.contains(&Some(c));
            let complete = [Col::Name, Col::TypeCode, Col::FoundedOn]
                .into_iter()
                .all(has)
                && (has(Col::UnitId) || has(Col::UnitCode))
                && !names_a_column_twice(&t.header, &headers);
            let layout = match Layout::from_header(&t.header) {
                Ok(l) => l,
                Err(e) => {
                    prop_assert!(!complete, "{:?}: {:?}", t.header, e);
                    prop_assert!(e.row == 1 && headers.contains(&e.column.as_str()));
                    return Ok(());
                }
            };
            prop_assert!(complete, "{:?}", t.header);
            header.hit();
            let (mut any_read, mut any_refused) = (false, false);
            for (i, cells) in t.rows.iter().enumerate() {
                let row = first + i;
                match FileRow::parse(&layout, row, cells) {
                    Ok(r) => {
                        any_read = true;
                        let get = |c| t.get(cells, c);
                        prop_assert_eq!(Some(r.type_code.as_str()), get(Col::TypeCode));
                        let unit =
                            unit_of(get(Col::UnitId), get(Col::UnitCode), get(Col::UnitLevel));
                        prop_assert_eq!(Ok(r.unit), unit);
                        let founded = get(Col::FoundedOn).map(|s| parse_date_vn("f", s));
                        let founded = founded.and_then(Result::ok).map(|d| d.to_string());
                        prop_assert_eq!(r.input.founded_on, founded);
                        let members =
                            get(Col::Members).map(|s| s.replace(['.', ' '], "").parse::<i64>());
                        prop_assert_eq!(r.input.members.map(Ok), members);
                        prop_assert_eq!(r.input.name.as_deref(), get(Col::Name));
                    }
                    Err(errors) => {
                        any_refused = true;
                        prop_assert!(!errors.is_empty());
                        for e in &errors {
                            prop_assert!(e.row == row && !e.message.is_empty());
                            prop_assert!(headers.contains(&e.column.as_str()), "{:?}", e);
                        }
                    }
                }
            }
            read.hit_if(any_read);
            refused.hit_if(any_refused);
            Ok(())
        },
    );
}

fn figures_cell(c: Option<domain::statistics::file::Col>) -> BoxedStrategy<String> {
    use domain::statistics::file::Col;
    match c {
        None | Some(Col::UnitName | Col::IndicatorName) => text(),
        Some(Col::UnitId) => or_blank(prop_oneof![4 => integer_text(), 1 => text()]),
        Some(Col::UnitCode) => or_blank(prop_oneof![4 => "[0-9]{5}", 1 => text()]),
        Some(Col::UnitLevel) => or_blank(level_text()),
        Some(Col::Period) => {
            or_blank(prop_oneof![5 => periodic().prop_map(|p| p.text), 1 => text()])
        }
        Some(Col::IndicatorCode) => or_blank(prop_oneof![5 => "[a-z_]{3,20}", 1 => text()]),
        Some(Col::Value) => or_blank(prop_oneof![6 => number().prop_map(|n| n.text), 1 => text()]),
        Some(Col::Comment) => prop_oneof![
            4 => Just(String::new()),
            4 => garbage(),
            1 => Just("x".repeat(1001)),
            1 => Just("a\u{0}b".to_owned()),
        ]
        .boxed(),
    }
}

/// Checks one row of a figures file against what its cells say, column
/// by column, in the order the parser reports them.
fn check_figures_row(
    t: &Table<domain::statistics::file::Col>,
    layout: &domain::statistics::file::Layout,
    row: usize,
    cells: &[String],
) -> Result<Option<bool>, TestCaseError> {
    use domain::statistics::file::{header, Col};
    let get = |c| t.get(cells, c);
    let got = ValueRow::parse(layout, row, cells);
    let Some(value) = get(Col::Value) else {
        prop_assert_eq!(got, Ok(None), "a blank value is a row left empty");
        return Ok(None);
    };
    let mut want_errors = Vec::new();
    let value = match parse_number(value) {
        Ok(Some(v)) => Some(v),
        _ => {
            want_errors.push(Col::Value);
            None
        }
    };
    let unit = unit_of(get(Col::UnitId), get(Col::UnitCode), get(Col::UnitLevel));
    if unit.is_err() {
        want_errors.push(match (get(Col::UnitId), get(Col::UnitCode)) {
            (Some(_), _) => Col::UnitId,
            (None, Some(_)) => Col::UnitLevel,
            (None, None) => Col::UnitCode,
        });
    }
    let period = get(Col::Period).and_then(parse_period);
    if period.is_none() {
        want_errors.push(Col::Period);
    }
    let indicator = get(Col::IndicatorCode);
    if indicator.is_none() {
        want_errors.push(Col::IndicatorCode);
    }
    let comment = parse_comment(get(Col::Comment));
    if comment.is_err() {
        want_errors.push(Col::Comment);
    }
    match got {
        Ok(Some(r)) => {
            prop_assert!(
                want_errors.is_empty(),
                "{:?} read despite {:?}",
                cells,
                want_errors
            );
            let want = ValueRow {
                row,
                unit: unit.unwrap(),
                period: period.unwrap(),
                indicator: indicator.unwrap().to_owned(),
                value: value.unwrap(),
                comment: comment.unwrap(),
            };
            prop_assert_eq!(r, want);
            Ok(Some(true))
        }
        Ok(None) => Err(TestCaseError::fail(format!(
            "{cells:?}: a row with a value left out"
        ))),
        Err(errors) => {
            let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
            let want: Vec<&str> = want_errors.iter().map(|c| header(*c)).collect();
            prop_assert_eq!(columns, want, "{:?}", cells);
            prop_assert!(errors.iter().all(|e| e.row == row && !e.message.is_empty()));
            Ok(Some(false))
        }
    }
}

#[test]
fn figures_file_rows_are_read_or_refused_cell_by_cell() {
    use domain::statistics::file::{Col, Layout as FiguresLayout, COLUMNS as FIGURES};
    let header = Reach::new("header accepted", 0.5);
    let read = Reach::new("a value read", 0.2);
    let refused = Reach::new("a row refused", 0.2);
    let blank = Reach::new("a blank value skipped", 0.05);
    let needed: &'static [Col] = &[Col::Period, Col::IndicatorCode, Col::Value, Col::UnitCode];
    let headers: Vec<&str> = FIGURES.iter().map(|(_, h, _)| *h).collect();
    fuzz(
        "values_file",
        &[&header, &read, &refused, &blank],
        table(&FIGURES, needed, figures_cell),
        |t| {
            let has = |c| t.columns.contains(&Some(c));
            let complete = [Col::Period, Col::IndicatorCode, Col::Value]
                .into_iter()
                .all(has)
                && (has(Col::UnitId) || has(Col::UnitCode))
                && !names_a_column_twice(&t.header, &headers);
            let layout = match FiguresLayout::from_header(&t.header) {
                Ok(l) => l,
                Err(e) => {
                    prop_assert!(!complete, "{:?}: {:?}", t.header, e);
                    prop_assert!(e.row == 1 && headers.contains(&e.column.as_str()));
                    return Ok(());
                }
            };
            prop_assert!(complete, "{:?}", t.header);
            header.hit();
            let mut seen = Vec::new();
            for (i, cells) in t.rows.iter().enumerate() {
                seen.push(check_figures_row(&t, &layout, i + 2, cells)?);
            }
            read.hit_if(seen.contains(&Some(true)));
            refused.hit_if(seen.contains(&Some(false)));
            blank.hit_if(seen.contains(&None));
            Ok(())
        },
    );
}

// ---- numbers and shares ----------------------------------------------------------

/// Checks `parse_number` on `s`; with `want`, the number it must read.
pub(crate) fn check_number(s: &str, want: Option<f64>) -> Result<(), TestCaseError> {
    let got = parse_number(s);
    if let Some(want) = want {
        prop_assert_eq!(got, Ok(Some(want)), "parse_number({:?})", s);
    }
    match got {
        Ok(None) => prop_assert!(s.trim().is_empty(), "{:?} read as blank", s),
        Ok(Some(v)) => prop_assert!(v.is_finite() && !s.trim().is_empty()),
        Err(m) => prop_assert!(!m.is_empty() && !s.trim().is_empty()),
    }
    Ok(())
}

#[test]
fn numbers_as_people_type_them_are_read_back() {
    let formatted = Reach::new("typed number read back", 0.5);
    let refused = Reach::new("refused", 0.05);
    // What Rust's float parser reads but no figure is, or not as typed.
    let odd = [
        "inf", "-inf", "NaN", "infinity", "1e400", "-1e309", "1e3", "+5", "0x10", "1_000",
    ];
    let cases = prop_oneof![
        6 => (padded(Just(String::new())), number())
            .prop_map(|(pad, n)| (format!("{pad}{}{pad}", n.text), Some(n.value))),
        2 => text().prop_map(|s| (s, None)),
        1 => proptest::sample::select(odd.to_vec()).prop_map(|s| (s.to_owned(), None)),
    ];
    fuzz(
        "parse_number",
        &[&formatted, &refused],
        cases,
        |(s, want)| {
            check_number(&s, want)?;
            formatted.hit_if(want.is_some());
            refused.hit_if(parse_number(&s).is_err());
            Ok(())
        },
    );
}

/// Shares as a page or the API sends them: to the successors (or not),
/// that add up to one (or not), and the successors of the unit.
fn shares() -> impl Strategy<Value = (Vec<ShareInput>, Vec<i64>)> {
    let successors = proptest::sample::subsequence((1i64..=8).collect::<Vec<_>>(), 0..=5);
    let damage = prop_oneof![
        6 => Just(None),
        1 => proptest::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            -0.25,
            0.0,
            1.5,
            5e-7,
            2e-6,
            -2e-6,
        ])
        .prop_map(Some),
    ];
    (successors, proptest::bool::weighted(0.75))
        .prop_flat_map(move |(successors, one_each)| {
            // Mostly a share for each successor; sometimes more or fewer.
            let n = if one_each { successors.len() } else { 6 };
            let weights = prop_oneof![12 => 1u32..1000, 1 => Just(0)];
            let weights = proptest::collection::vec(weights, if one_each { n..=n } else { 0..=n });
            let stranger = proptest::bool::weighted(0.1);
            (
                Just(successors),
                weights,
                damage.clone(),
                any::<prop::sample::Index>(),
                stranger,
            )
        })
        .prop_map(|(successors, weights, damage, at, twice)| {
            let total: u32 = weights.iter().sum();
            let mut items: Vec<ShareInput> = weights
                .iter()
                .enumerate()
                .map(|(i, w)| ShareInput {
                    // A unit that is no successor past the successors.
                    to: successors.get(i).copied().unwrap_or(9 + i as i64),
                    share: f64::from(*w) / f64::from(total.max(1)),
                })
                .collect();
            if let (Some(d), false) = (damage, items.is_empty()) {
                let i = at.index(items.len());
                // A share replaced, or one nudged off a total of one.
                if d.abs() < 1e-5 {
                    items[i].share += d;
                } else {
                    items[i].share = d;
                }
            }
            if twice && items.len() > 1 {
                items[1].to = items[0].to;
            }
            (items, successors)
        })
        // In any order, as a form may send them.
        .prop_flat_map(|(items, successors)| (Just(items).prop_shuffle(), Just(successors)))
}

#[test]
fn shares_of_a_split_unit_are_checked() {
    let accepted = Reach::new("shares accepted", 0.2);
    let refused = Reach::new("shares refused", 0.2);
    fuzz(
        "shares",
        &[&accepted, &refused],
        shares(),
        |(items, successors)| {
            let mut seen = Vec::new();
            let each_fits = items.iter().all(|i| {
                let fresh = !seen.contains(&i.to);
                seen.push(i.to);
                fresh
                    && successors.contains(&i.to)
                    && i.share.is_finite()
                    && i.share > 0.0
                    && i.share <= 1.0
            });
            let total: f64 = items.iter().map(|i| i.share).sum();
            let valid = items.is_empty()
                || (successors.len() >= 2 && each_fits && (total - 1.0).abs() <= 1e-6);
            match Shares::parse(&items, &successors) {
                Ok(s) => {
                    prop_assert!(valid, "{:?} of {:?} accepted", items, successors);
                    let got = s.items();
                    prop_assert_eq!(got.len(), items.len());
                    // Sorted by successor, each once, each share kept as sent.
                    prop_assert!(got.windows(2).all(|w| w[0].0 < w[1].0));
                    for (to, share) in got {
                        prop_assert!(successors.contains(to));
                        prop_assert!(*share > 0.0 && *share <= 1.0);
                        prop_assert!(items.iter().any(|i| i.to == *to && i.share == *share));
                    }
                    let sum: f64 = got.iter().map(|(_, s)| s).sum();
                    prop_assert!(got.is_empty() || (sum - 1.0).abs() <= 1e-6, "sum {}", sum);
                    accepted.hit_if(!got.is_empty());
                }
                Err(e) => {
                    prop_assert!(!valid, "{:?} of {:?} refused: {}", items, successors, e);
                    prop_assert!(e.field == "shares" && !e.message.is_empty());
                    refused.hit();
                }
            }
            Ok(())
        },
    );
}

// ---- models -----------------------------------------------------------------------

fn unit() -> OrgUnit {
    OrgUnit {
        id: 7,
        level: Level::Commune,
        kind: Kind::Xa,
        code: Some("13636".into()),
        name: "Xã Thử".into(),
        short_name: "Thử".into(),
        parent_id: Some(1),
        valid_from: None,
        valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
        lat: None,
        lon: None,
        address: None,
    }
}

#[test]
fn model_input_is_checked_without_panics() {
    let t = ModelType {
        id: 3,
        code: "to_tuan_tra".into(),
        name: "Tổ tuần tra".into(),
        short_name: "Tổ tuần tra".into(),
        sector: Sector::from_static("residential"),
        sector_name: "Khu dân cư".into(),
        targets: vec![Target::Commune],
        target_names: vec!["Xã, phường".into()],
        description: None,
        legal_basis: None,
        lead_org: None,
        coordinating_orgs: None,
        retired_on: None,
        source: None,
        owner: domain::catalogue::Owner::National,
    };
    let u = unit();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let last_day = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    let accepted = Reach::new("model accepted", 0.15);
    let names = "(Tổ tuần tra|Camera an ninh) [a-zA-Zđàáạâấèéêếòóôốơớùúưứ0-9 ]{0,20}";
    let strategy = (
        proptest::option::weighted(
            0.9,
            prop_oneof![4 => names.prop_map(String::from), 1 => text()],
        ),
        proptest::option::weighted(
            0.9,
            prop_oneof![
                4 => (1900i32..=2025, 1u32..=12, 1u32..=28)
                    .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
                1 => text(),
            ],
        ),
        proptest::option::of(prop_oneof![3 => 0i64..=1_000_000, 1 => any::<i64>()]),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![3 => names.prop_map(String::from), 1 => text()],
            0..25,
        )),
        proptest::option::of(prop_oneof![3 => names.prop_map(String::from), 1 => text()]),
    );
    fuzz(
        "model_input",
        &[&accepted],
        strategy,
        |(name, founded, members, tags, partners)| {
            let input = ModelInput {
                type_id: Some(3),
                org_unit_id: Some(7),
                name: name.clone(),
                founded_on: founded.clone(),
                members,
                tags,
                partners,
                ..Default::default()
            };
            let refs = ModelRefs {
                model_type: Some(&t),
                unit: Some(&u),
                exemplar: None,
                this: None,
            };
            match NewModel::parse(&input, &refs, today) {
                Ok(m) => {
                    accepted.hit();
                    prop_assert_eq!(Some(normalize(&m.name)), name.as_deref().map(normalize));
                    prop_assert!(!m.name.is_empty() && m.name.chars().count() <= 200);
                    prop_assert_eq!(
                        Some(m.founded_on.to_string()),
                        founded.map(|f| f.trim().to_owned())
                    );
                    prop_assert!(m.founded_on <= last_day);
                    prop_assert_eq!(m.members, members);
                    prop_assert!(m.members.is_none_or(|n| (0..=1_000_000).contains(&n)));
                    prop_assert!(m.tags.len() <= 20);
                }
                Err(e) => prop_assert!(!e.message.is_empty()),
            }
            Ok(())
        },
    );
}

// ---- periods and rules ----------------------------------------------------------------

/// Periods and validation rules come from query strings, forms and the
/// definitions API.
fn rule_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[a-z_ ()0-9.+*/<>=!-]{0,60}",
        "[(]{0,40}[a-z]{1,3}[)]{0,40} (<|<=|==|>=|>|!=) [-]{0,40}[0-9]{1,3}",
    ]
}

/// Checks `Period::parse` and the file's `parse_period` on `s`; with
/// `want`, what each must answer.
pub(crate) fn check_period(
    s: &str,
    want: Option<(Option<Period>, Option<Period>)>,
) -> Result<(), TestCaseError> {
    let strict = Period::parse("p", s).ok();
    if let Some((want_strict, want_file)) = want {
        prop_assert_eq!(strict, want_strict, "Period::parse({:?})", s);
        prop_assert_eq!(parse_period(s), want_file, "parse_period({:?})", s);
    }
    if let Some(p) = strict {
        // What parses prints back as it would be sent, and its days map
        // back to it under both calendars.
        prop_assert_eq!(parse_period(s), Some(p));
        prop_assert_eq!(Period::parse("p", &p.to_string()), Ok(p));
        prop_assert_eq!(p.to_string().to_lowercase(), s.trim().to_lowercase());
        for c in Calendar::ALL {
            prop_assert!(p.first_day(c) <= p.last_day(c));
            prop_assert_eq!(Period::containing(p.first_day(c), p.kind(), c), Some(p));
            prop_assert_eq!(Period::containing(p.last_day(c), p.kind(), c), Some(p));
        }
    }
    Ok(())
}

/// An arithmetic expression over indicator codes, with its own printing
/// and evaluation to check the parser's against.
#[derive(Debug, Clone)]
enum Ex {
    Number(String),
    Code(usize),
    Neg(Box<Ex>),
    Op(Box<Ex>, char, Box<Ex>),
}

const RULE_CODES: [&str; 4] = ["tin_bao", "so_to", "TV_moi", "x1"];

impl Ex {
    fn binding(&self) -> u8 {
        match self {
            Ex::Op(_, '+' | '-', _) => 1,
            Ex::Op(..) => 2,
            _ => 3,
        }
    }

    /// Printed with the fewest parentheses that keep its shape (or all
    /// of them).
    fn print(&self, all: bool) -> String {
        let wrap = |e: &Ex, needed: bool| {
            if needed || (all && matches!(e, Ex::Op(..))) {
                format!("({})", e.print(all))
            } else {
                e.print(all)
            }
        };
        match self {
            Ex::Number(n) => n.clone(),
            Ex::Code(i) => RULE_CODES[*i].to_owned(),
            Ex::Neg(e) => format!("-{}", wrap(e, e.binding() < 3)),
            Ex::Op(a, op, b) => {
                let p = self.binding();
                format!(
                    "{} {op} {}",
                    wrap(a, a.binding() < p),
                    wrap(b, b.binding() <= p)
                )
            }
        }
    }

    /// Its value, `None` when a division is by zero or a step not finite.
    fn value(&self, values: &[f64]) -> Option<f64> {
        match self {
            Ex::Number(n) => n.parse().ok(),
            Ex::Code(i) => Some(values[*i]),
            Ex::Neg(e) => e.value(values).map(|v| -v),
            Ex::Op(a, op, b) => {
                let (a, b) = (a.value(values)?, b.value(values)?);
                let v = match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ if b == 0.0 => return None,
                    _ => a / b,
                };
                v.is_finite().then_some(v)
            }
        }
    }
}

fn ex() -> impl Strategy<Value = Ex> {
    let leaf = prop_oneof![
        (0u32..1000, proptest::option::of(0u32..100)).prop_map(|(n, d)| Ex::Number(match d {
            Some(d) => format!("{n}.{d}"),
            None => n.to_string(),
        })),
        (0..RULE_CODES.len()).prop_map(Ex::Code),
    ];
    leaf.prop_recursive(5, 32, 2, |inner| {
        prop_oneof![
            1 => inner.clone().prop_map(|e| Ex::Neg(Box::new(e))),
            4 => (inner.clone(), proptest::sample::select(vec!['+', '-', '*', '/']), inner)
                .prop_map(|(a, op, b)| Ex::Op(Box::new(a), op, Box::new(b))),
        ]
    })
}

/// A rule made of two expressions, its text, and values for its codes.
fn made_rule() -> impl Strategy<Value = (Ex, &'static str, Ex, bool, Vec<f64>)> {
    let cmp = proptest::sample::select(vec!["<", "<=", ">", ">=", "==", "=", "!="]);
    let values = proptest::collection::vec(prop_oneof![-3i32..=3, -1000i32..=1000], 4)
        .prop_map(|v| v.into_iter().map(f64::from).collect());
    (ex(), cmp, ex(), any::<bool>(), values)
}

#[test]
fn periods_and_rules_parse_or_refuse() {
    let accepted = Reach::new("period accepted", 0.2);
    let cases = prop_oneof![
        3 => periodic().prop_map(|p| (p.text, Some((p.strict, p.file)))),
        1 => rule_text().prop_map(|s| (s, None)),
    ];
    fuzz("period", &[&accepted], cases, |(s, want)| {
        check_period(&s, want)?;
        accepted.hit_if(Period::parse("p", &s).is_ok());
        Ok(())
    });

    let made = Reach::new("made rule read back", 0.5);
    let cases = prop_oneof![
        3 => made_rule().prop_map(Some),
        1 => Just(None),
    ];
    fuzz(
        "rule",
        &[&made],
        (cases, rule_text()),
        |(made_rule, garbage)| {
            let s = match &made_rule {
                Some((left, cmp, right, all, _)) => {
                    format!("{} {cmp} {}", left.print(*all), right.print(*all))
                }
                None => garbage,
            };
            let parsed = Rule::parse("r", &s);
            if let Some((left, _, right, _, values)) = &made_rule {
                if s.chars().count() <= domain::statistics::rule::MAX_RULE_CHARS {
                    made.hit();
                    let r = parsed
                        .clone()
                        .map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
                    let map: HashMap<String, f64> = RULE_CODES
                        .iter()
                        .zip(values)
                        .map(|(c, v)| (c.to_lowercase(), *v))
                        .collect();
                    // The parser's tree computes what the printed expression does.
                    prop_assert_eq!(r.left.eval(&map), left.value(values), "{}", s);
                    prop_assert_eq!(r.right.eval(&map), right.value(values), "{}", s);
                }
            }
            if let Ok(r) = parsed {
                // Printing is stable: a printed rule that parses again (long
                // chains print longer and deeper than the limits) prints the same.
                let printed = r.to_string();
                if let Ok(again) = Rule::parse("r", &printed) {
                    prop_assert_eq!(again.to_string(), printed);
                }
                prop_assert!(r
                    .codes()
                    .iter()
                    .all(|c| c.chars().all(|c| !c.is_ascii_uppercase())));
                let values = r.codes().into_iter().map(|c| (c.to_owned(), 1.0)).collect();
                let _ = r.check(&values);
            }
            Ok(())
        },
    );
}
