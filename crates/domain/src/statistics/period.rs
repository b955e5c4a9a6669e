//! Reporting periods: `2022-03` (month), `2022-Q1`, `2022-H1`, `2022`, and
//! the calendars that decide which days each covers. Under the state
//! cut-off (Nghị định 09/2019/NĐ-CP) month 3 runs from 15 February to
//! 14 March and the year from 15 December of the year before to 14 December.
//! The assessment year of the "safe for security and order" certification
//! (`nov_oct`) runs from 1 November of the year before to 31 October: its
//! year 2025 is 01/11/2024 – 31/10/2025, its first month November 2024.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{terms, Term};
use crate::{DomainError, Reason};

pub const MIN_YEAR: i32 = 1990;
pub const MAX_YEAR: i32 = 2100;

/// The length of a period, finest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    Month,
    Quarter,
    Half,
    Year,
}

impl PeriodType {
    pub const ALL: [PeriodType; 4] = [
        PeriodType::Month,
        PeriodType::Quarter,
        PeriodType::Half,
        PeriodType::Year,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodType::Month => "month",
            PeriodType::Quarter => "quarter",
            PeriodType::Half => "half",
            PeriodType::Year => "year",
        }
    }

    /// The period type as messages name it ("nhập theo tháng").
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            PeriodType::Month => ("tháng", "month"),
            PeriodType::Quarter => ("quý", "quarter"),
            PeriodType::Half => ("6 tháng", "half year"),
            PeriodType::Year => ("năm", "year"),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        PeriodType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::PeriodTypeUnknown {
                        allowed: terms(&PeriodType::ALL, PeriodType::term),
                    },
                )
            })
    }

    /// Months in one period of this type.
    pub fn months(self) -> u32 {
        match self {
            PeriodType::Month => 1,
            PeriodType::Quarter => 3,
            PeriodType::Half => 6,
            PeriodType::Year => 12,
        }
    }

    /// Whether periods of this type are unions of periods of `finer`.
    pub fn covers(self, finer: PeriodType) -> bool {
        self >= finer
    }
}

/// Which days a month stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    /// Calendar months: March is 1–31 March.
    Months,
    /// The state reporting cut-off: March is 15 February – 14 March.
    CutOff,
    /// The certification's assessment year, 1 November – 31 October: its
    /// month 1 is November of the year before.
    NovOct,
}

impl Calendar {
    pub const ALL: [Calendar; 3] = [Calendar::Months, Calendar::CutOff, Calendar::NovOct];

    pub fn as_str(self) -> &'static str {
        match self {
            Calendar::Months => "months",
            Calendar::CutOff => "cut_off",
            Calendar::NovOct => "nov_oct",
        }
    }

    /// The calendar as messages name it.
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Calendar::Months => ("tháng dương lịch", "calendar months"),
            Calendar::CutOff => (
                "từ ngày 15 tháng trước đến ngày 14 tháng báo cáo",
                "the 15th of the previous month to the 14th",
            ),
            Calendar::NovOct => (
                "năm đánh giá từ ngày 01/11 năm trước đến ngày 31/10",
                "the assessment year, 1 November of the year before to 31 October",
            ),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Calendar::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::CalendarUnknown {
                        allowed: terms(&Calendar::ALL, Calendar::term),
                    },
                )
            })
    }
}

/// A period: a year and which part of it. Months are 1–12, quarters 1–4,
/// halves 1–2; the constructor keeps them in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    kind: PeriodType,
    /// 1-based index within the year (1 for a year).
    index: u32,
}

impl Period {
    pub fn new(kind: PeriodType, year: i32, index: u32) -> Option<Self> {
        let count = 12 / kind.months();
        ((MIN_YEAR..=MAX_YEAR).contains(&year) && (1..=count).contains(&index)).then_some(Period {
            year,
            kind,
            index,
        })
    }

    pub fn year_of(year: i32) -> Option<Self> {
        Period::new(PeriodType::Year, year, 1)
    }

    pub fn month(year: i32, month: u32) -> Option<Self> {
        Period::new(PeriodType::Month, year, month)
    }

    /// Parses `2022-03`, `2022-Q1`, `2022-H1` or `2022`.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let bad = || {
            DomainError::new(
                field,
                Reason::PeriodInvalid {
                    given: s.trim().chars().take(20).collect(),
                    min_year: MIN_YEAR,
                    max_year: MAX_YEAR,
                },
            )
        };
        let s = s.trim();
        let (year, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let digits = |t: &str| -> Option<u32> {
            (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let parsed = match rest {
            None => Period::year_of(year),
            Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()) => {
                digits(r).and_then(|m| Period::month(year, m))
            }
            Some(r) => match r.split_at_checked(1) {
                Some(("Q" | "q", n)) => {
                    digits(n).and_then(|q| Period::new(PeriodType::Quarter, year, q))
                }
                Some(("H" | "h", n)) => {
                    digits(n).and_then(|h| Period::new(PeriodType::Half, year, h))
                }
                _ => None,
            },
        };
        parsed.ok_or_else(bad)
    }

    pub fn kind(self) -> PeriodType {
        self.kind
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// First and last month (1–12) of the period.
    fn month_range(self) -> (u32, u32) {
        let n = self.kind.months();
        let first = (self.index - 1) * n + 1;
        (first, first + n - 1)
    }

    /// The period of type `kind` that contains this one, if `kind` is not finer.
    pub fn within(self, kind: PeriodType) -> Option<Period> {
        if !kind.covers(self.kind) {
            return None;
        }
        let (first, _) = self.month_range();
        Period::new(kind, self.year, (first - 1) / kind.months() + 1)
    }

    /// Itself and every coarser period that contains it, finest first.
    pub fn with_coarser(self) -> Vec<Period> {
        PeriodType::ALL
            .into_iter()
            .filter_map(|k| self.within(k))
            .collect()
    }

    /// The periods of type `kind` that make up this one (empty if `kind` is coarser).
    pub fn parts(self, kind: PeriodType) -> Vec<Period> {
        if !self.kind.covers(kind) {
            return Vec::new();
        }
        let (first, last) = self.month_range();
        let n = kind.months();
        ((first - 1) / n + 1..=(last - 1) / n + 1)
            .filter_map(|i| Period::new(kind, self.year, i))
            .collect()
    }

    /// Whether every day of `other` lies in this period.
    pub fn contains(self, other: Period) -> bool {
        other.within(self.kind) == Some(self)
    }

    /// The first day the period covers under `calendar`.
    pub fn first_day(self, calendar: Calendar) -> NaiveDate {
        let (first, _) = self.month_range();
        let day = match calendar {
            Calendar::Months => NaiveDate::from_ymd_opt(self.year, first, 1),
            Calendar::CutOff if first == 1 => NaiveDate::from_ymd_opt(self.year - 1, 12, 15),
            Calendar::CutOff => NaiveDate::from_ymd_opt(self.year, first - 1, 15),
            Calendar::NovOct => {
                let (year, month) = nov_oct_month(self.year, first);
                NaiveDate::from_ymd_opt(year, month, 1)
            }
        };
        // Years are bounded and months in range: the fallback is never taken.
        day.unwrap_or(NaiveDate::MIN)
    }

    /// The last day the period covers under `calendar`.
    pub fn last_day(self, calendar: Calendar) -> NaiveDate {
        let (_, last) = self.month_range();
        let day = match calendar {
            Calendar::CutOff => NaiveDate::from_ymd_opt(self.year, last, 14),
            Calendar::Months if last == 12 => NaiveDate::from_ymd_opt(self.year, 12, 31),
            Calendar::Months => {
                NaiveDate::from_ymd_opt(self.year, last + 1, 1).and_then(|d| d.pred_opt())
            }
            Calendar::NovOct => {
                let (year, month) = nov_oct_month(self.year, last);
                let next = if month == 12 {
                    (year + 1, 1)
                } else {
                    (year, month + 1)
                };
                NaiveDate::from_ymd_opt(next.0, next.1, 1).and_then(|d| d.pred_opt())
            }
        };
        day.unwrap_or(NaiveDate::MAX)
    }

    /// The period of type `kind` that covers `day` under `calendar`.
    pub fn containing(day: NaiveDate, kind: PeriodType, calendar: Calendar) -> Option<Period> {
        let (year, month) = match calendar {
            Calendar::Months => (day.year(), day.month()),
            // From the 15th on, a day belongs to the next month's report.
            Calendar::CutOff if day.day() >= 15 && day.month() == 12 => (day.year() + 1, 1),
            Calendar::CutOff if day.day() >= 15 => (day.year(), day.month() + 1),
            Calendar::CutOff => (day.year(), day.month()),
            // November and December open the next assessment year.
            Calendar::NovOct if day.month() >= 11 => (day.year() + 1, day.month() - 10),
            Calendar::NovOct => (day.year(), day.month() + 2),
        };
        Period::month(year, month)?.within(kind)
    }

    /// The day entry closes: `days` after the period's last day.
    pub fn deadline(self, calendar: Calendar, days: u32) -> NaiveDate {
        let last = self.last_day(calendar);
        last.checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(last)
    }

    /// The period of the same type just before this one.
    pub fn previous(self) -> Option<Period> {
        if self.index > 1 {
            Period::new(self.kind, self.year, self.index - 1)
        } else {
            Period::new(self.kind, self.year - 1, 12 / self.kind.months())
        }
    }

    /// The period of the same type just after this one.
    pub fn next(self) -> Option<Period> {
        if self.index < 12 / self.kind.months() {
            Period::new(self.kind, self.year, self.index + 1)
        } else {
            Period::new(self.kind, self.year + 1, 1)
        }
    }

    /// The Vietnamese name: "Tháng 03/2022", "Quý I/2022", "6 tháng đầu năm 2022", "Năm 2022".
    /// [`Period::label`] under a data set's calendar: an assessment year
    /// names itself and its days ("Năm đánh giá 2025 (01/11/2024 – 31/10/2025)").
    pub fn label_in(self, calendar: Calendar) -> String {
        match (calendar, self.kind) {
            (Calendar::NovOct, PeriodType::Year) => format!(
                "Năm đánh giá {} ({} – {})",
                self.year,
                self.first_day(calendar).format("%d/%m/%Y"),
                self.last_day(calendar).format("%d/%m/%Y")
            ),
            _ => self.label(),
        }
    }

    /// A name short enough for a chart's axis: `12/2025`, `Quý IV/2025`,
    /// `6T đầu/2026`, `2026`.
    pub fn short_label(self) -> String {
        match (self.kind, self.index) {
            (PeriodType::Month, m) => format!("{m:02}/{}", self.year),
            (PeriodType::Half, 1) => format!("6T đầu/{}", self.year),
            (PeriodType::Half, _) => format!("6T cuối/{}", self.year),
            _ => self.label(),
        }
    }

    pub fn label(self) -> String {
        match (self.kind, self.index) {
            (PeriodType::Month, m) => format!("Tháng {m:02}/{}", self.year),
            (PeriodType::Quarter, q) => {
                let roman = ["I", "II", "III", "IV"]
                    .get(q as usize - 1)
                    .copied()
                    .unwrap_or("?");
                format!("Quý {roman}/{}", self.year)
            }
            (PeriodType::Half, 1) => format!("6 tháng đầu năm {}", self.year),
            (PeriodType::Half, _) => format!("6 tháng cuối năm {}", self.year),
            (PeriodType::Year, _) => format!("Năm {}", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodType::Month => write!(f, "{}-{:02}", self.year, self.index),
            PeriodType::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            PeriodType::Half => write!(f, "{}-H{}", self.year, self.index),
            PeriodType::Year => write!(f, "{}", self.year),
        }
    }
}

/// A period is sent and answered as its text: `2022-03`, `2022-Q1` …
impl utoipa::PartialSchema for Period {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::schema::period().into()
    }
}

impl ToSchema for Period {}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse("period", &s).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// The calendar month (year, month) of month `index` (1–12) of the
/// assessment year `year`: 1 is November of the year before.
fn nov_oct_month(year: i32, index: u32) -> (i32, u32) {
    if index <= 2 {
        (year - 1, index + 10)
    } else {
        (year, index - 2)
    }
}

/// The spans a pivot may name instead of its periods, as pages offer them;
/// a saved pivot with a span moves on with the calendar.
pub const SPANS: [&str; 5] = ["years5", "years3", "months12", "quarters4", "halves4"];

/// The periods of a span on `today`: years up to this one; months,
/// quarters and halves up to the last that has ended (figures are entered
/// after a period closes).
pub fn span(name: &str, today: NaiveDate) -> Option<Vec<Period>> {
    let (kind, n, ended) = match name {
        "years5" => (PeriodType::Year, 5, false),
        "years3" => (PeriodType::Year, 3, false),
        "months12" => (PeriodType::Month, 12, true),
        "quarters4" => (PeriodType::Quarter, 4, true),
        "halves4" => (PeriodType::Half, 4, true),
        _ => return None,
    };
    let mut p = Period::containing(today, kind, Calendar::Months)?;
    if ended {
        p = p.previous()?;
    }
    let mut out = vec![p];
    while out.len() < n {
        p = p.previous()?;
        out.push(p);
    }
    out.reverse();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_end_where_figures_exist() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let text = |s: &str| -> Vec<String> {
            span(s, day)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(text("years3"), ["2024", "2025", "2026"]);
        let months = text("months12");
        assert_eq!(
            (months[0].as_str(), months[11].as_str()),
            ("2025-12", "2026-11")
        );
        assert_eq!(
            text("quarters4"),
            ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
        );
        assert_eq!(
            text("halves4"),
            ["2024-H2", "2025-H1", "2025-H2", "2026-H1"]
        );
        assert!(span("forever", day).is_none());
    }

    fn p(s: &str) -> Period {
        Period::parse("p", s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_and_prints_every_type() {
        for s in ["2022-03", "2022-Q1", "2022-H2", "2022", "2025-12"] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p(" 2022-q4 ").to_string(), "2022-Q4");
        for bad in [
            "",
            "22",
            "2022-13",
            "2022-00",
            "2022-Q5",
            "2022-H3",
            "2022-3",
            "2022-W1",
            "1800",
            "2022-Q",
            "2022-Q01x",
            "２０２２",
        ] {
            assert!(Period::parse("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn coarser_and_parts_agree() {
        let m = p("2022-08");
        let up: Vec<String> = m.with_coarser().iter().map(|x| x.to_string()).collect();
        assert_eq!(up, ["2022-08", "2022-Q3", "2022-H2", "2022"]);
        assert_eq!(
            p("2022-H2").parts(PeriodType::Quarter),
            [p("2022-Q3"), p("2022-Q4")]
        );
        assert_eq!(p("2022").parts(PeriodType::Month).len(), 12);
        assert!(p("2022-Q1").parts(PeriodType::Year).is_empty());
        assert!(p("2022").contains(p("2022-11")));
        assert!(!p("2022-Q1").contains(p("2022-04")));
        assert_eq!(p("2022-01").previous(), Some(p("2021-12")));
        assert_eq!(p("2022-Q4").next(), Some(p("2023-Q1")));
    }

    #[test]
    fn cut_off_calendar_runs_from_the_15th_to_the_14th() {
        let c = Calendar::CutOff;
        assert_eq!(p("2022-03").first_day(c), d(2022, 2, 15));
        assert_eq!(p("2022-03").last_day(c), d(2022, 3, 14));
        assert_eq!(p("2022").first_day(c), d(2021, 12, 15));
        assert_eq!(p("2022").last_day(c), d(2022, 12, 14));
        assert_eq!(p("2022-Q1").first_day(c), d(2021, 12, 15));
        assert_eq!(
            Period::containing(d(2022, 12, 20), PeriodType::Year, c),
            Some(p("2023"))
        );
        assert_eq!(
            Period::containing(d(2022, 3, 14), PeriodType::Month, c),
            Some(p("2022-03"))
        );
        assert_eq!(
            Period::containing(d(2022, 3, 15), PeriodType::Month, c),
            Some(p("2022-04"))
        );
        let m = Calendar::Months;
        assert_eq!(p("2024-02").last_day(m), d(2024, 2, 29));
        assert_eq!(p("2022-H2").first_day(m), d(2022, 7, 1));
        assert_eq!(p("2022-H2").last_day(m), d(2022, 12, 31));
        assert_eq!(
            Period::containing(d(2022, 3, 15), PeriodType::Quarter, m),
            Some(p("2022-Q1"))
        );
        assert_eq!(p("2022-03").deadline(c, 5), d(2022, 3, 19));
        let y = Calendar::NovOct;
        assert_eq!(p("2025").first_day(y), d(2024, 11, 1));
        assert_eq!(p("2025").last_day(y), d(2025, 10, 31));
        assert_eq!(p("2025-01").last_day(y), d(2024, 11, 30));
        assert_eq!(p("2025-02").last_day(y), d(2024, 12, 31));
        assert_eq!(
            Period::containing(d(2025, 11, 1), PeriodType::Year, y),
            Some(p("2026"))
        );
        assert_eq!(
            Period::containing(d(2025, 10, 31), PeriodType::Year, y),
            Some(p("2025"))
        );
        assert_eq!(p("2025").deadline(y, 30), d(2025, 11, 30));
    }

    #[test]
    fn every_day_of_a_period_maps_back_to_it() {
        for c in Calendar::ALL {
            for s in [
                "2024-01", "2024-02", "2024-12", "2024-Q1", "2024-H2", "2024",
            ] {
                let per = p(s);
                let mut day = per.first_day(c);
                while day <= per.last_day(c) {
                    assert_eq!(
                        Period::containing(day, per.kind(), c),
                        Some(per),
                        "{s} {day}"
                    );
                    day = day.succ_opt().unwrap();
                }
                assert_ne!(Period::containing(day, per.kind(), c), Some(per));
            }
        }
    }

    #[test]
    fn labels_are_vietnamese() {
        assert_eq!(p("2022-03").label(), "Tháng 03/2022");
        assert_eq!(p("2022-Q2").label(), "Quý II/2022");
        assert_eq!(p("2022-H1").label(), "6 tháng đầu năm 2022");
        assert_eq!(p("2022").label(), "Năm 2022");
        assert_eq!(
            p("2025").label_in(Calendar::NovOct),
            "Năm đánh giá 2025 (01/11/2024 – 31/10/2025)"
        );
    }
}
