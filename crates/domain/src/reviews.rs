//! Reviews ("báo cáo sơ kết, tổng kết"): a unit reviews the movement over a
//! period (six months, a year, the 5, 10 or 20 years of a programme or a
//! model type, a theme), in either view of the 2025 reform. The system
//! assembles the figures ([`Figures`], `store::reviews`); staff write the
//! narrative sections ([`Section`]), each save a new version; a lower unit's
//! review answers a higher one's, which compiles them; issuing gives the
//! review its number, place, day, signer and recipients and freezes it
//! (a later change is a new version with its own number). No IO.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_note, optional_text, required_text};
use crate::reason::Reason;

pub const MAX_SUBJECT_CHARS: usize = 300;
pub const MAX_SECTION_CHARS: usize = 30_000;
/// The longest period: a 20-year review and some room.
pub const MAX_YEARS: i32 = 25;
/// The movement's records start in 1990.
pub const FIRST_YEAR: i32 = 1990;
pub const MAX_FOCUS: usize = 20;
pub const MAX_NUMBER_CHARS: usize = 40;
pub const MAX_PLACE_CHARS: usize = 100;
pub const MAX_SIGNER_CHARS: usize = 120;
pub const MAX_RECIPIENTS: usize = 30;
pub const MAX_RECIPIENT_CHARS: usize = 200;

coded!(
    /// What a review is.
    Kind, ReviewKindUnknown, ReviewKind {
        SixMonth = "six_month", "Sơ kết 6 tháng", "six-month report";
        Year = "year", "Tổng kết năm", "yearly report";
        Interim = "interim", "Sơ kết", "interim review";
        Final = "final", "Tổng kết", "final review";
        Thematic = "thematic", "Chuyên đề", "thematic report";
    }
);

coded!(
    /// The narrative sections, in the order the document gives them.
    Section, ReviewSectionUnknown, ReviewSection {
        Situation = "situation", "Đặc điểm tình hình", "the situation";
        Results = "results", "Kết quả đạt được", "results";
        Limitations = "limitations", "Hạn chế, nguyên nhân", "limitations and causes";
        Lessons = "lessons", "Bài học kinh nghiệm", "lessons";
        Directions = "directions", "Phương hướng, nhiệm vụ", "directions and tasks";
        Proposals = "proposals", "Đề xuất, kiến nghị", "proposals";
    }
);

coded!(
    /// Where a review stands.
    State, ReviewStateUnknown, ReviewState {
        Draft = "draft", "Dự thảo", "draft";
        Issued = "issued", "Đã ban hành", "issued";
    }
);

coded!(
    /// Which hierarchy the figures stand under.
    View, ReviewViewUnknown, ReviewView {
        Was = "as_was", "Theo đơn vị hành chính khi đó", "as it was";
        Now = "as_now", "Theo đơn vị hành chính hiện nay", "as it is now";
    }
);

impl Section {
    /// The document's heading as the `n`th section written (from 1):
    /// "I. ĐẶC ĐIỂM TÌNH HÌNH" (a section left empty takes no number).
    pub fn heading(self, n: usize) -> String {
        const ROMAN: [&str; 6] = ["I", "II", "III", "IV", "V", "VI"];
        format!(
            "{}. {}",
            ROMAN.get(n.saturating_sub(1)).copied().unwrap_or("VI"),
            self.term().vi.to_uppercase()
        )
    }

    /// Its place among the sections, from 1.
    pub fn ordinal(self) -> usize {
        Section::ALL
            .iter()
            .position(|s| *s == self)
            .map_or(1, |i| i + 1)
    }
}

/// A month of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// `2024-03`, or a year `2024` whose first (`start`) or last month is meant.
    pub fn parse(field: &'static str, s: &str, start: bool) -> Result<Month, DomainError> {
        let bad = || DomainError::new(field, Reason::ReviewMonthInvalid);
        let s = s.trim();
        let (y, m) = match s.split_once('-') {
            Some((y, m)) => (y, m.parse::<u32>().map_err(|_| bad())?),
            None => (s, if start { 1 } else { 12 }),
        };
        let year = y
            .parse::<i32>()
            .ok()
            .filter(|_| y.len() == 4)
            .ok_or_else(bad)?;
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        Ok(Month { year, month: m })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        let next = self.plus(1).first_day();
        next.pred_opt().unwrap_or(next)
    }

    /// Months counted from year 0, for arithmetic.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(i: i64) -> Month {
        Month {
            year: i32::try_from(i.div_euclid(12)).unwrap_or(0),
            month: u32::try_from(i.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    pub fn plus(self, months: i64) -> Month {
        Month::from_index(self.index() + months)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The months a review covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    /// A period that starts before it ends, within [`MAX_YEARS`], from
    /// [`FIRST_YEAR`], and not past this month.
    pub fn new(from: Month, to: Month, today: NaiveDate) -> Result<Period, DomainError> {
        if from.year < FIRST_YEAR {
            return Err(DomainError::new(
                "from",
                Reason::ReviewPeriodInvalid {
                    first: FIRST_YEAR,
                    max_years: MAX_YEARS,
                },
            ));
        }
        if to < from || to.index() - from.index() >= i64::from(MAX_YEARS) * 12 {
            return Err(DomainError::new(
                "to",
                Reason::ReviewPeriodInvalid {
                    first: FIRST_YEAR,
                    max_years: MAX_YEARS,
                },
            ));
        }
        if to > Month::of(today) {
            return Err(DomainError::new("to", Reason::ReviewPeriodFuture));
        }
        Ok(Period { from, to })
    }

    pub fn months(self) -> i64 {
        self.to.index() - self.from.index() + 1
    }

    pub fn first_day(self) -> NaiveDate {
        self.from.first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        self.to.last_day()
    }

    /// The calendar years it touches, each cut to the period.
    pub fn years(self) -> Vec<(i32, NaiveDate, NaiveDate)> {
        (self.from.year..=self.to.year)
            .map(|y| {
                let first = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
                let last = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX);
                (y, first.max(self.first_day()), last.min(self.last_day()))
            })
            .collect()
    }

    /// The period of the same length just before it (the comparison).
    pub fn previous(self) -> Period {
        let n = self.months();
        Period {
            from: self.from.plus(-n),
            to: self.from.plus(-1),
        }
    }

    /// How the document names it: "6 tháng đầu năm 2026", "năm 2025",
    /// "giai đoạn 2021 - 2025", "từ tháng 03/2024 đến tháng 08/2025".
    pub fn label(self) -> String {
        let whole_years = self.from.month == 1 && self.to.month == 12;
        match (whole_years, self.from.year == self.to.year) {
            (true, true) => format!("năm {}", self.from.year),
            (true, false) => format!("giai đoạn {} - {}", self.from.year, self.to.year),
            _ if self.from.year == self.to.year && self.from.month == 1 && self.to.month == 6 => {
                format!("6 tháng đầu năm {}", self.from.year)
            }
            _ if self.from.year == self.to.year && self.from.month == 7 && self.to.month == 12 => {
                format!("6 tháng cuối năm {}", self.from.year)
            }
            _ => format!(
                "từ tháng {:02}/{} đến tháng {:02}/{}",
                self.from.month, self.from.year, self.to.month, self.to.year
            ),
        }
    }
}

/// A review as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    #[schema(required, nullable = false, value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[schema(required, nullable = false)]
    pub subject: Option<String>,
    /// The unit that writes it: one of the writer's own units; none for a
    /// national review (administrators).
    pub org_unit_id: Option<i64>,
    /// The first month (`2021-01`, or a year: its January).
    #[schema(required, nullable = false, value_type = Option<crate::schema::Month>)]
    pub from: Option<String>,
    /// The last month (`2025-12`, or a year: its December).
    #[schema(required, nullable = false, value_type = Option<crate::schema::Month>)]
    pub to: Option<String>,
    /// `as_was` (default) or `as_now`.
    #[schema(value_type = Option<View>)]
    pub view: Option<String>,
    /// Only models of these types.
    pub model_type_ids: Option<Vec<i64>>,
    /// One programme's targets and progress.
    pub program_id: Option<i64>,
    /// One directive's tasks.
    pub directive_id: Option<i64>,
    /// The data sets whose indicators the review tabulates (none: every
    /// data set with figures in the period).
    pub data_set_ids: Option<Vec<i64>>,
    /// The higher level's review this one answers (a submission).
    pub answers_id: Option<i64>,
}

/// What a review is about besides its unit and period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Focus {
    pub model_type_ids: Vec<i64>,
    pub program_id: Option<i64>,
    pub directive_id: Option<i64>,
    pub data_set_ids: Vec<i64>,
}

/// A checked review.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    pub kind: Kind,
    pub subject: String,
    /// None: national.
    pub org_unit_id: Option<i64>,
    pub period: Period,
    pub view: View,
    pub focus: Focus,
    pub answers_id: Option<i64>,
}

fn ids(field: &'static str, v: Option<&[i64]>) -> Result<Vec<i64>, DomainError> {
    let mut out: Vec<i64> = v.unwrap_or_default().to_vec();
    out.sort_unstable();
    out.dedup();
    if out.len() > MAX_FOCUS {
        return Err(DomainError::new(
            field,
            Reason::ReviewFocusTooMany { max: MAX_FOCUS },
        ));
    }
    if out.iter().any(|i| *i <= 0) {
        return Err(DomainError::new(field, Reason::NotFound));
    }
    Ok(out)
}

impl NewReview {
    pub fn parse(input: &ReviewInput, today: NaiveDate) -> Result<Self, DomainError> {
        let required = |field: &'static str, v: Option<&str>| {
            v.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| DomainError::new(field, Reason::Required))
        };
        let kind = Kind::parse("kind", &required("kind", input.kind.as_deref())?)?;
        let subject = required_text("subject", input.subject.as_deref(), MAX_SUBJECT_CHARS)?;
        let org_unit_id = match input.org_unit_id {
            Some(u) if u <= 0 => return Err(DomainError::new("org_unit_id", Reason::NotFound)),
            u => u,
        };
        let from = Month::parse("from", &required("from", input.from.as_deref())?, true)?;
        let to = Month::parse("to", &required("to", input.to.as_deref())?, false)?;
        let period = Period::new(from, to, today)?;
        let view = match input.view.as_deref().map(str::trim) {
            None | Some("") => View::Was,
            Some(v) => View::parse("view", v)?,
        };
        Ok(NewReview {
            kind,
            subject,
            org_unit_id,
            period,
            view,
            focus: Focus {
                model_type_ids: ids("model_type_ids", input.model_type_ids.as_deref())?,
                program_id: input.program_id.filter(|p| *p > 0),
                directive_id: input.directive_id.filter(|d| *d > 0),
                data_set_ids: ids("data_set_ids", input.data_set_ids.as_deref())?,
            },
            answers_id: input.answers_id.filter(|a| *a > 0),
        })
    }
}

/// A section's text as sent; each save is a new version.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    /// Paragraphs separated by line breaks; blank empties the section.
    #[schema(required, nullable = false)]
    pub body: Option<String>,
}

/// The text to save: required (blank empties the section, an absent body
/// is a mistake), lines trimmed.
pub fn section_text(input: &SectionInput) -> Result<String, DomainError> {
    let body = input
        .body
        .as_deref()
        .ok_or_else(|| DomainError::new("body", Reason::Required))?;
    Ok(optional_note("body", Some(body), MAX_SECTION_CHARS)?.unwrap_or_default())
}

/// Issuing a review, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// The number and symbol as written (`05/BC-CAT`).
    #[schema(required, nullable = false)]
    pub number: Option<String>,
    /// Where it is signed (`Ninh Bình`).
    #[schema(required, nullable = false)]
    pub place: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub issued_on: Option<String>,
    /// Signing for the head (`KT. GIÁM ĐỐC`), if not the head.
    pub signer_authority: Option<String>,
    #[schema(required, nullable = false)]
    pub signer_title: Option<String>,
    #[schema(required, nullable = false)]
    pub signer_name: Option<String>,
    /// "Nơi nhận:", a line each; `- Lưu: VT.` is added when no line keeps
    /// the archive copy.
    #[schema(required, nullable = false)]
    pub recipients: Option<Vec<String>>,
}

/// A checked issue.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub number: String,
    /// The year the number belongs to (numbers restart each year).
    pub year: i32,
    pub place: String,
    pub issued_on: NaiveDate,
    pub signer_authority: Option<String>,
    pub signer_title: String,
    pub signer_name: String,
    pub recipients: Vec<String>,
}

impl Issue {
    /// `period`: the review's; it is issued within it or after it.
    pub fn parse(
        input: &IssueInput,
        period: Period,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let number = required_text("number", input.number.as_deref(), MAX_NUMBER_CHARS)?;
        // "05/BC-CAT": a number, a slash, a symbol (Nghị định 30/2020).
        let well_formed = number.split_once('/').is_some_and(|(n, s)| {
            !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
                && s.chars().any(char::is_alphabetic)
        });
        if !well_formed {
            return Err(DomainError::new("number", Reason::ReviewNumberInvalid));
        }
        let issued_on = crate::models::optional_date("issued_on", input.issued_on.as_deref())?
            .ok_or_else(|| DomainError::new("issued_on", Reason::Required))?;
        if issued_on > today {
            return Err(DomainError::new("issued_on", Reason::DateInFuture));
        }
        if issued_on < period.first_day() {
            return Err(DomainError::new(
                "issued_on",
                Reason::ReviewIssuedBeforePeriod,
            ));
        }
        let mut recipients = Vec::new();
        for line in input.recipients.as_deref().unwrap_or_default() {
            if let Some(l) = optional_text("recipients", Some(line), MAX_RECIPIENT_CHARS)? {
                recipients.push(if l.starts_with('-') {
                    l
                } else {
                    format!("- {l}")
                });
            }
        }
        if recipients.is_empty() || recipients.len() > MAX_RECIPIENTS {
            return Err(DomainError::new(
                "recipients",
                Reason::ReviewRecipientsInvalid {
                    max: MAX_RECIPIENTS,
                },
            ));
        }
        if !recipients.iter().any(|r| r.contains("Lưu")) {
            recipients.push("- Lưu: VT.".into());
        }
        Ok(Issue {
            number,
            year: issued_on.year(),
            place: required_text("place", input.place.as_deref(), MAX_PLACE_CHARS)?,
            issued_on,
            signer_authority: optional_text(
                "signer_authority",
                input.signer_authority.as_deref(),
                MAX_SIGNER_CHARS,
            )?,
            signer_title: required_text(
                "signer_title",
                input.signer_title.as_deref(),
                MAX_SIGNER_CHARS,
            )?,
            signer_name: required_text(
                "signer_name",
                input.signer_name.as_deref(),
                MAX_SIGNER_CHARS,
            )?,
            recipients,
        })
    }
}

// ---- the figures ---------------------------------------------------------

/// Everything the system assembled for a review: a part per source
/// (models, certification, statistics …), in the document's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// The day they were assembled (frozen with the review when issued).
    #[schema(value_type = String, format = Date)]
    pub assembled_on: NaiveDate,
    pub period: String,
    pub previous_period: String,
    pub parts: Vec<Part>,
}

/// One source's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Part {
    /// The source (`models`, `certification` …).
    pub source: String,
    pub title: String,
    /// The few figures a narrative cites, with the previous period's.
    pub headlines: Vec<Headline>,
    pub tables: Vec<FigureTable>,
}

/// A figure the narrative cites and the compilation checks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Headline {
    /// Stable across reviews (`models_active`): submissions are matched by it.
    pub code: String,
    pub label: String,
    pub value: f64,
    /// The same figure over the previous period of the same length.
    pub previous: Option<f64>,
    /// The figure of each sub-unit, where the source breaks it down.
    #[serde(default)]
    pub by_unit: Vec<UnitValue>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitValue {
    pub org_unit_id: i64,
    pub value: f64,
}

/// How a table is best drawn, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartHint {
    Bars,
    Lines,
}

/// A table of figures: rows (years, types, sub-units) by columns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FigureTable {
    pub title: String,
    /// The first column's heading, then a heading per value.
    pub columns: Vec<String>,
    pub rows: Vec<FigureRow>,
    pub total: Option<FigureRow>,
    pub chart: Option<ChartHint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FigureRow {
    pub label: String,
    /// The sub-unit the row is, if it is one.
    pub org_unit_id: Option<i64>,
    pub values: Vec<Option<f64>>,
}

impl Figures {
    pub fn headline(&self, code: &str) -> Option<&Headline> {
        self.parts
            .iter()
            .flat_map(|p| p.headlines.iter())
            .find(|h| h.code == code)
    }
}

/// A number as the document writes it: thousands with dots, decimals
/// with a comma ("1.234", "12,5").
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as i64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

/// "tăng 12 (15,0%)", "giảm 3", "bằng" against the previous period.
pub fn change(value: f64, previous: f64) -> String {
    let d = value - previous;
    if d == 0.0 {
        return "bằng kỳ trước".into();
    }
    let word = if d > 0.0 { "tăng" } else { "giảm" };
    if previous > 0.0 {
        format!(
            "{word} {} ({}%) so với kỳ trước",
            number(d.abs()),
            number((d.abs() / previous * 1000.0).round() / 10.0)
        )
    } else {
        format!("{word} {} so với kỳ trước", number(d.abs()))
    }
}

/// A first draft of a section from the figures: sentences that cite the
/// headlines, for staff to rewrite. Sections the figures say nothing
/// about start with the headings a review of this kind usually has.
pub fn draft(section: Section, unit: &str, period: Period, figures: &Figures) -> String {
    let when = period.label();
    match section {
        Section::Situation => format!(
            "Trong {when}, tình hình an ninh chính trị, trật tự an toàn xã hội trên địa bàn {unit} cơ bản ổn định. \
             (Nêu đặc điểm địa bàn, những yếu tố tác động đến phong trào toàn dân bảo vệ an ninh Tổ quốc.)"
        ),
        Section::Results => {
            let mut out = Vec::new();
            // A line per part, then one per figure (labels keep their
            // capitals: "ANTT" is not lowered).
            for part in figures.parts.iter().filter(|p| !p.headlines.is_empty()) {
                out.push(format!("{}:", part.title));
                for h in &part.headlines {
                    let compared = h
                        .previous
                        .map(|p| format!(", {}", change(h.value, p)))
                        .unwrap_or_default();
                    out.push(format!("- {}: {}{compared};", h.label, number(h.value)));
                }
            }
            if out.is_empty() {
                out.push(format!("Trong {when}, {unit} đã triển khai các nội dung sau:"));
            }
            out.join("\n")
        }
        Section::Limitations => "Bên cạnh kết quả đạt được, phong trào còn một số hạn chế: …\n\
             Nguyên nhân của hạn chế: nguyên nhân khách quan …; nguyên nhân chủ quan …"
            .into(),
        Section::Lessons => "Qua thực tiễn triển khai, rút ra một số bài học kinh nghiệm sau: …".into(),
        Section::Directions => format!(
            "Trong thời gian tới, {unit} tập trung thực hiện tốt các nhiệm vụ trọng tâm sau: …"
        ),
        Section::Proposals => "Đề nghị cấp trên quan tâm chỉ đạo, hỗ trợ: …".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn m(s: &str) -> Month {
        Month::parse("m", s, true).unwrap()
    }

    #[test]
    fn months_parse_as_a_start_or_an_end() {
        assert_eq!(
            Month::parse("f", "2021", true).unwrap(),
            Month {
                year: 2021,
                month: 1
            }
        );
        assert_eq!(
            Month::parse("t", "2025", false).unwrap(),
            Month {
                year: 2025,
                month: 12
            }
        );
        assert_eq!(
            Month::parse("t", " 2024-03 ", false).unwrap(),
            Month {
                year: 2024,
                month: 3
            }
        );
        for bad in ["", "21", "2024-13", "2024-00", "2024-x", "twenty"] {
            assert!(Month::parse("f", bad, true).is_err(), "{bad}");
        }
        assert_eq!(m("2024-02").last_day(), d("2024-02-29"));
        assert_eq!(m("2024-12").last_day(), d("2024-12-31"));
    }

    #[test]
    fn a_period_runs_forwards_within_bounds_and_not_into_the_future() {
        let today = d("2026-06-10");
        assert!(Period::new(m("2021-01"), m("2025-12"), today).is_ok());
        assert!(
            Period::new(m("2006-01"), m("2025-12"), today).is_ok(),
            "20 years"
        );
        assert!(
            Period::new(m("2025-12"), m("2021-01"), today).is_err(),
            "backwards"
        );
        assert!(
            Period::new(m("2026-01"), m("2026-07"), today).is_err(),
            "future"
        );
        assert!(
            Period::new(m("2026-01"), m("2026-06"), today).is_ok(),
            "this month"
        );
        assert!(
            Period::new(m("1980-01"), m("1990-01"), today).is_err(),
            "too early"
        );
        assert!(
            Period::new(m("1995-01"), m("2025-12"), today).is_err(),
            "too long"
        );
    }

    #[test]
    fn periods_are_named_as_documents_name_them_and_compared_with_the_one_before() {
        let today = d("2026-12-06");
        let p = |a, b| Period::new(m(a), Month::parse("t", b, false).unwrap(), today).unwrap();
        assert_eq!(p("2021", "2025").label(), "giai đoạn 2021 - 2025");
        assert_eq!(p("2025", "2025").label(), "năm 2025");
        assert_eq!(p("2026-01", "2026-06").label(), "6 tháng đầu năm 2026");
        assert_eq!(
            p("2024-03", "2025-08").label(),
            "từ tháng 03/2024 đến tháng 08/2025"
        );
        let prev = p("2021", "2025").previous();
        assert_eq!(
            (prev.from, prev.to),
            (
                m("2016-01"),
                Month {
                    year: 2020,
                    month: 12
                }
            )
        );
        let prev = p("2026-01", "2026-06").previous();
        assert_eq!(
            (prev.from, prev.to),
            (
                m("2025-07"),
                Month {
                    year: 2025,
                    month: 12
                }
            )
        );
        let years = p("2024-03", "2025-08").years();
        assert_eq!(
            years,
            vec![
                (2024, d("2024-03-01"), d("2024-12-31")),
                (2025, d("2025-01-01"), d("2025-08-31"))
            ]
        );
    }

    fn input() -> ReviewInput {
        ReviewInput {
            kind: Some("final".into()),
            subject: Some("Tổng kết 5 năm phong trào".into()),
            org_unit_id: Some(3),
            from: Some("2021".into()),
            to: Some("2025".into()),
            model_type_ids: Some(vec![4, 2, 4]),
            ..Default::default()
        }
    }

    #[test]
    fn a_review_parses_with_defaults() {
        let r = NewReview::parse(&input(), d("2026-12-06")).unwrap();
        assert_eq!(r.kind, Kind::Final);
        assert_eq!(r.view, View::Was);
        assert_eq!(r.focus.model_type_ids, vec![2, 4]);
        assert_eq!(r.period.months(), 60);
        let mut bad = input();
        bad.view = Some("sometimes".into());
        assert_eq!(
            NewReview::parse(&bad, d("2026-12-06")).unwrap_err().field,
            "view"
        );
        let mut bad = input();
        bad.subject = Some("  ".into());
        assert_eq!(
            NewReview::parse(&bad, d("2026-12-06")).unwrap_err().field,
            "subject"
        );
        let mut bad = input();
        bad.to = Some("2027".into());
        assert_eq!(
            NewReview::parse(&bad, d("2026-12-06")).unwrap_err().field,
            "to"
        );
    }

    fn issue() -> IssueInput {
        IssueInput {
            number: Some("05/BC-CAT".into()),
            place: Some("Ninh Bình".into()),
            issued_on: Some("2026-01-05".into()),
            signer_authority: Some("KT. GIÁM ĐỐC".into()),
            signer_title: Some("PHÓ GIÁM ĐỐC".into()),
            signer_name: Some("Nguyễn Văn A".into()),
            recipients: Some(vec!["Bộ Công an (V05);".into(), "".into()]),
        }
    }

    #[test]
    fn issuing_checks_the_number_the_day_and_keeps_an_archive_copy() {
        let today = d("2026-12-06");
        let period = Period::new(m("2021-01"), m("2025-12"), today).unwrap();
        let i = Issue::parse(&issue(), period, today).unwrap();
        assert_eq!(i.year, 2026);
        assert_eq!(i.recipients, vec!["- Bộ Công an (V05);", "- Lưu: VT."]);
        for bad in ["BC-CAT", "/BC-CAT", "05/", "5a/BC", "05/123"] {
            let mut x = issue();
            x.number = Some(bad.into());
            assert_eq!(
                Issue::parse(&x, period, today).unwrap_err().field,
                "number",
                "{bad}"
            );
        }
        let mut x = issue();
        x.issued_on = Some("2020-12-31".into());
        assert_eq!(
            Issue::parse(&x, period, today).unwrap_err().field,
            "issued_on"
        );
        let mut x = issue();
        x.issued_on = Some("2026-12-07".into());
        assert_eq!(
            Issue::parse(&x, period, today).unwrap_err().field,
            "issued_on"
        );
        let mut x = issue();
        x.recipients = Some(vec![]);
        assert_eq!(
            Issue::parse(&x, period, today).unwrap_err().field,
            "recipients"
        );
    }

    #[test]
    fn numbers_and_changes_read_as_vietnamese() {
        assert_eq!(number(1234567.0), "1.234.567");
        assert_eq!(number(12.5), "12,5");
        assert_eq!(change(110.0, 100.0), "tăng 10 (10%) so với kỳ trước");
        assert_eq!(change(90.0, 100.0), "giảm 10 (10%) so với kỳ trước");
        assert_eq!(change(5.0, 0.0), "tăng 5 so với kỳ trước");
        assert_eq!(change(5.0, 5.0), "bằng kỳ trước");
    }

    #[test]
    fn the_results_draft_cites_every_headline() {
        let figures = Figures {
            parts: vec![Part {
                source: "models".into(),
                title: "Mô hình".into(),
                headlines: vec![Headline {
                    code: "models_active".into(),
                    label: "Mô hình đang hoạt động".into(),
                    value: 120.0,
                    previous: Some(100.0),
                    by_unit: vec![],
                }],
                tables: vec![],
            }],
            ..Default::default()
        };
        let period = Period::new(m("2021-01"), m("2025-12"), d("2026-12-06")).unwrap();
        let text = draft(Section::Results, "tỉnh Ninh Bình", period, &figures);
        assert!(
            text.contains("- Mô hình đang hoạt động: 120, tăng 20 (20%) so với kỳ trước;"),
            "{text}"
        );
        assert_eq!(Section::Limitations.heading(3), "III. HẠN CHẾ, NGUYÊN NHÂN");
        assert_eq!(Section::Results.heading(1), "I. KẾT QUẢ ĐẠT ĐƯỢC");
        assert_eq!(Section::Proposals.ordinal(), 6);
    }
}
