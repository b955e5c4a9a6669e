//! Certification "An toàn về an ninh, trật tự" (Thông tư 124/2021/TT-BCA):
//! the kinds of certified unit and their rules, the criteria sets, and the
//! yearly cycle of one unit as a state machine. A case moves only by a
//! step (register, assess, submit, review, return, decide, revoke); each
//! step is checked here against the case's state and the facts other
//! capabilities hold (models, last year's results), and refused with a
//! reason in plain Vietnamese. No IO: `store::certification` applies it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::Role;
use crate::error::{terms, Term};
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::org_units::{Level, OrgUnit, Validity};
use crate::{DomainError, Reason};

pub const MAX_NOTE_CHARS: usize = 2000;
pub const MAX_SHORT_CHARS: usize = 200;
/// The most units one registration names (a commune's areas at once).
pub const MAX_REGISTER_UNITS: usize = 500;
/// The most criteria a set holds.
pub const MAX_CRITERIA: usize = 30;

// ---- kinds ----------------------------------------------------------------

/// The kind of unit certified. Agencies and enterprises share their
/// criteria text but are counted apart, as the indicators ask.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificationKind)]
pub enum Kind {
    Residential,
    Commune,
    Agency,
    Enterprise,
    School,
    Religious,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Residential,
        Kind::Commune,
        Kind::Agency,
        Kind::Enterprise,
        Kind::School,
        Kind::Religious,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Residential => "residential",
            Kind::Commune => "commune",
            Kind::Agency => "agency",
            Kind::Enterprise => "enterprise",
            Kind::School => "school",
            Kind::Religious => "religious",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Residential => "Khu dân cư",
            Kind::Commune => "Xã, phường, đặc khu",
            Kind::Agency => "Cơ quan",
            Kind::Enterprise => "Doanh nghiệp",
            Kind::School => "Cơ sở giáo dục",
            Kind::Religious => "Cơ sở tôn giáo",
        }
    }

    pub fn term(self) -> Term {
        let en = match self {
            Kind::Residential => "residential area",
            Kind::Commune => "commune",
            Kind::Agency => "agency",
            Kind::Enterprise => "enterprise",
            Kind::School => "school",
            Kind::Religious => "religious establishment",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::CertificationKindUnknown {
                        allowed: terms(&Kind::ALL, Kind::term),
                    },
                )
            })
    }

    /// The kind a unit is certified as, if any: villages and residential
    /// groups, communes, and sites that are agencies, enterprises, schools
    /// or religious establishments.
    pub fn of(unit: &OrgUnit) -> Option<Kind> {
        Kind::of_codes(unit.level.as_str(), unit.kind.as_str())
    }

    /// The same from the stored codes of a unit's level and kind (what a
    /// query reads without building the unit).
    pub fn of_codes(level: &str, kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| match k.unit_filter() {
            (l, None) => l.as_str() == level,
            (l, Some(place)) => l.as_str() == level && place == kind,
        })
    }

    /// The level and, for sites, the kind of place a kind's units have:
    /// what counts them as eligible.
    pub fn unit_filter(self) -> (Level, Option<&'static str>) {
        match self {
            Kind::Residential => (Level::Village, None),
            Kind::Commune => (Level::Commune, None),
            Kind::Agency => (Level::Site, Some("agency")),
            Kind::Enterprise => (Level::Site, Some("enterprise")),
            Kind::School => (Level::Site, Some("school")),
            Kind::Religious => (Level::Site, Some("religious")),
        }
    }
}

/// Which level's decision certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificationLevel)]
pub enum DecidingLevel {
    /// The commune People's Committee (recorded by the commune police).
    Commune,
    /// The province (recorded by the department's staff).
    Province,
}

impl DecidingLevel {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "commune" => Some(DecidingLevel::Commune),
            "province" => Some(DecidingLevel::Province),
            _ => None,
        }
    }

    pub fn term(self) -> Term {
        match self {
            DecidingLevel::Commune => Term::new("commune", "cấp xã", "the commune level"),
            DecidingLevel::Province => Term::new("province", "cấp tỉnh", "the province level"),
        }
    }
}

/// A kind's rules, as data (`certification_kinds`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KindRules {
    pub kind: Kind,
    /// The first day of the assessment year (month, day); a year is named
    /// by the year it ends in (residential areas: 1 November 2025 to 31
    /// October 2026 is 2026).
    pub year_start_month: u32,
    pub year_start_day: u32,
    pub deciding_level: DecidingLevel,
    /// Communes: the share (percent) of their residential areas that must
    /// have been certified for the previous year.
    pub min_residential_share: Option<i64>,
    /// A model of the movement must be active at the unit during the year.
    pub needs_active_model: bool,
    /// Every staff member must have been briefed (100%).
    pub needs_staff_briefed: bool,
}

impl KindRules {
    /// The first and last day of assessment year `year`.
    pub fn span(&self, year: i32) -> (NaiveDate, NaiveDate) {
        let starts_in_year = self.year_start_month == 1 && self.year_start_day == 1;
        let start_year = if starts_in_year { year } else { year - 1 };
        let first = NaiveDate::from_ymd_opt(start_year, self.year_start_month, self.year_start_day)
            .unwrap_or(NaiveDate::MIN);
        let next =
            NaiveDate::from_ymd_opt(start_year + 1, self.year_start_month, self.year_start_day)
                .unwrap_or(NaiveDate::MAX);
        (first, next.pred_opt().unwrap_or(next))
    }

    /// The assessment year `day` falls in.
    pub fn year_of(&self, day: NaiveDate) -> i32 {
        let (first, _) = self.span(day.year());
        if day < first {
            day.year()
        } else if self.span(day.year()).1 < day {
            day.year() + 1
        } else {
            day.year()
        }
    }

    /// Whether a unit existing over `v` existed during assessment year `year`.
    pub fn existed(&self, year: i32, v: Validity) -> bool {
        let (first, last) = self.span(year);
        v.from.is_none_or(|f| f <= last) && v.to.is_none_or(|t| t >= first)
    }

    /// The last day to register for `year`: the end of its quarter I.
    pub fn register_by(&self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, 3, 31).unwrap_or(NaiveDate::MAX)
    }
}

// ---- deadlines --------------------------------------------------------------

/// What a deadline counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificationDeadlineBasis)]
pub enum DeadlineBasis {
    /// The last day of the case's assessment year.
    YearEnd,
    /// The day the case entered its state (the date of its last step).
    StateSince,
}

impl DeadlineBasis {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "year_end" => Some(DeadlineBasis::YearEnd),
            "state_since" => Some(DeadlineBasis::StateSince),
            _ => None,
        }
    }
}

/// How long a case may wait in an open state for its next step
/// (`certification_deadlines`, data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CertificationDeadline)]
pub struct Deadline {
    pub state: State,
    pub basis: DeadlineBasis,
    pub days: i64,
}

/// When a case in a state is overdue, as a condition on its stored columns
/// (so that lists filter in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverdueIf {
    /// `state_since` before this day.
    SinceBefore(NaiveDate),
    /// The assessment year this one or earlier.
    YearAtMost(i32),
}

impl Deadline {
    /// The last day the awaited step may be taken.
    pub fn due(&self, rules: &KindRules, year: i32, since: NaiveDate) -> NaiveDate {
        let from = match self.basis {
            DeadlineBasis::YearEnd => rules.span(year).1,
            DeadlineBasis::StateSince => since,
        };
        from.checked_add_days(chrono::Days::new(self.days.unsigned_abs()))
            .unwrap_or(NaiveDate::MAX)
    }

    /// The same rule as `due(..) < today`, on the columns: a year's end
    /// plus `days` falls before today exactly when the day `days` before
    /// today lies in a later assessment year.
    pub fn overdue_if(&self, rules: &KindRules, today: NaiveDate) -> OverdueIf {
        let edge = today
            .checked_sub_days(chrono::Days::new(self.days.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN);
        match self.basis {
            DeadlineBasis::StateSince => OverdueIf::SinceBefore(edge),
            DeadlineBasis::YearEnd => OverdueIf::YearAtMost(rules.year_of(edge) - 1),
        }
    }
}

/// The level whose people take the step a case in `state` awaits: the
/// commune (its police register, assess, submit and review) or, for a
/// reviewed case, the level that decides the kind. None for a closed case.
pub fn awaiting_level(state: State, rules: &KindRules) -> Option<DecidingLevel> {
    match state {
        State::Registered | State::Returned | State::Assessed | State::Submitted => {
            Some(DecidingLevel::Commune)
        }
        State::Reviewed => Some(rules.deciding_level),
        State::Certified | State::NotCertified | State::Revoked => None,
    }
}

// ---- criteria ---------------------------------------------------------------

/// One criterion of a published set.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Criterion {
    pub id: i64,
    pub position: i64,
    pub code: String,
    pub text: String,
    /// Its legal source.
    pub source: String,
    /// A required criterion not met means the unit is not certified.
    pub required: bool,
    /// The text is still to be checked against the law in force (shown as
    /// a mark beside it).
    pub to_check: bool,
}

/// A published version of a kind's criteria, in force from `from_year`
/// until a later version's year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CriteriaSet {
    pub id: i64,
    pub kind: Kind,
    pub version: i64,
    pub from_year: i32,
    pub title: String,
    pub source: String,
    pub criteria: Vec<Criterion>,
}

/// The set in force for `kind` in `year`: the latest version starting no
/// later than that year.
pub fn in_force(sets: &[CriteriaSet], kind: Kind, year: i32) -> Option<&CriteriaSet> {
    sets.iter()
        .filter(|s| s.kind == kind && s.from_year <= year)
        .max_by_key(|s| s.from_year)
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionInput {
    #[schema(required, nullable = false)]
    pub code: Option<String>,
    #[schema(required, nullable = false)]
    pub text: Option<String>,
    #[schema(required, nullable = false)]
    pub source: Option<String>,
    pub required: Option<bool>,
    pub to_check: Option<bool>,
}

/// A new version of a kind's criteria, as an administrator publishes it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriteriaSetInput {
    #[schema(required, value_type = Kind)]
    pub kind: Option<String>,
    #[schema(required, nullable = false, minimum = 2000, maximum = 2100)]
    pub from_year: Option<i32>,
    #[schema(required, nullable = false)]
    pub title: Option<String>,
    #[schema(required, nullable = false)]
    pub source: Option<String>,
    #[schema(required, nullable = false)]
    pub criteria: Option<Vec<CriterionInput>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCriterion {
    pub code: String,
    pub text: String,
    pub source: String,
    pub required: bool,
    pub to_check: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCriteriaSet {
    pub kind: Kind,
    pub from_year: i32,
    pub title: String,
    pub source: String,
    pub criteria: Vec<NewCriterion>,
}

impl NewCriteriaSet {
    /// A set starts no earlier than the latest published one of its kind
    /// (`latest_from`): a year already judged keeps its version.
    pub fn parse(input: &CriteriaSetInput, latest_from: Option<i32>) -> Result<Self, DomainError> {
        let kind = Kind::parse("kind", input.kind.as_deref().unwrap_or(""))?;
        let from_year = input
            .from_year
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| DomainError::new("from_year", Reason::YearInvalid))?;
        if let Some(latest) = latest_from.filter(|l| from_year <= *l) {
            return Err(DomainError::new(
                "from_year",
                Reason::CriteriaYearTaken { latest },
            ));
        }
        let items = input.criteria.as_deref().unwrap_or_default();
        if items.is_empty() || items.len() > MAX_CRITERIA {
            return Err(DomainError::new(
                "criteria",
                Reason::CriteriaCount { max: MAX_CRITERIA },
            ));
        }
        let mut criteria = Vec::with_capacity(items.len());
        for c in items {
            let code = required_text("criteria.code", c.code.as_deref(), 32)?;
            if criteria.iter().any(|x: &NewCriterion| x.code == code) {
                return Err(DomainError::new(
                    "criteria.code",
                    Reason::CriterionCodeTwice { code },
                ));
            }
            criteria.push(NewCriterion {
                code,
                text: required_text("criteria.text", c.text.as_deref(), MAX_NOTE_CHARS)?,
                source: required_text("criteria.source", c.source.as_deref(), MAX_SHORT_CHARS)?,
                required: c.required.unwrap_or(true),
                to_check: c.to_check.unwrap_or(false),
            });
        }
        Ok(Self {
            kind,
            from_year,
            title: required_text("title", input.title.as_deref(), MAX_SHORT_CHARS)?,
            source: required_text("source", input.source.as_deref(), MAX_SHORT_CHARS)?,
            criteria,
        })
    }
}

// ---- the cycle ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificationState)]
pub enum State {
    Registered,
    Assessed,
    Submitted,
    Returned,
    Reviewed,
    Certified,
    NotCertified,
    Revoked,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Registered,
        State::Assessed,
        State::Submitted,
        State::Returned,
        State::Reviewed,
        State::Certified,
        State::NotCertified,
        State::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Registered => "registered",
            State::Assessed => "assessed",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Reviewed => "reviewed",
            State::Certified => "certified",
            State::NotCertified => "not_certified",
            State::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Registered => "Đã đăng ký",
            State::Assessed => "Đã tự đánh giá",
            State::Submitted => "Chờ công an xã thẩm định",
            State::Returned => "Bị trả lại",
            State::Reviewed => "Chờ quyết định công nhận",
            State::Certified => "Được công nhận",
            State::NotCertified => "Không được công nhận",
            State::Revoked => "Bị thu hồi công nhận",
        }
    }

    pub fn term(self) -> Term {
        let en = match self {
            State::Registered => "registered",
            State::Assessed => "self-assessed",
            State::Submitted => "awaiting review",
            State::Returned => "returned",
            State::Reviewed => "awaiting decision",
            State::Certified => "certified",
            State::NotCertified => "not certified",
            State::Revoked => "revoked",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        State::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::CertificationStateUnknown {
                        allowed: terms(&State::ALL, State::term),
                    },
                )
            })
    }

    /// The states that await a step.
    pub const OPEN: [State; 5] = [
        State::Registered,
        State::Assessed,
        State::Submitted,
        State::Returned,
        State::Reviewed,
    ];

    /// Whether the case is over for its year (decided or revoked).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Certified | State::NotCertified | State::Revoked
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    XuatSac,
    Kha,
    TrungBinh,
    KhongDat,
}

impl Classification {
    pub const ALL: [Classification; 4] = [
        Classification::XuatSac,
        Classification::Kha,
        Classification::TrungBinh,
        Classification::KhongDat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::XuatSac => "xuat_sac",
            Classification::Kha => "kha",
            Classification::TrungBinh => "trung_binh",
            Classification::KhongDat => "khong_dat",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Classification::XuatSac => "Xuất sắc",
            Classification::Kha => "Khá",
            Classification::TrungBinh => "Trung bình",
            Classification::KhongDat => "Không đạt",
        }
    }

    pub fn term(self) -> Term {
        let en = match self {
            Classification::XuatSac => "excellent",
            Classification::Kha => "good",
            Classification::TrungBinh => "average",
            Classification::KhongDat => "not met",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        Classification::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label().to_lowercase() == s.to_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::ClassificationUnknown {
                        allowed: terms(&Classification::ALL, Classification::term),
                    },
                )
            })
    }

    /// Whether the unit is certified with this classification.
    pub fn certifies(self) -> bool {
        self != Classification::KhongDat
    }
}

/// A step of the cycle after registration, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificationStep)]
pub enum Step {
    Register,
    Assess,
    Submit,
    Review,
    Return,
    Decide,
    Revoke,
}

impl Step {
    /// The steps a path names (`POST /api/v1/certifications/{id}/{step}`).
    pub const ACTIONS: [Step; 6] = [
        Step::Assess,
        Step::Submit,
        Step::Review,
        Step::Return,
        Step::Decide,
        Step::Revoke,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Register => "register",
            Step::Assess => "assess",
            Step::Submit => "submit",
            Step::Review => "review",
            Step::Return => "return",
            Step::Decide => "decide",
            Step::Revoke => "revoke",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Step::Register => "Đăng ký",
            Step::Assess => "Tự đánh giá",
            Step::Submit => "Gửi thẩm định",
            Step::Review => "Thẩm định, đề nghị công nhận",
            Step::Return => "Trả lại",
            Step::Decide => "Quyết định",
            Step::Revoke => "Thu hồi công nhận",
        }
    }

    pub fn term(self) -> Term {
        let en = match self {
            Step::Register => "register",
            Step::Assess => "self-assess",
            Step::Submit => "submit for review",
            Step::Review => "review and propose",
            Step::Return => "return",
            Step::Decide => "decide",
            Step::Revoke => "revoke",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse_action(s: &str) -> Option<Step> {
        Step::ACTIONS.into_iter().find(|a| a.as_str() == s)
    }

    /// The states a step may start from.
    pub fn from_states(self) -> &'static [State] {
        match self {
            Step::Register => &[],
            Step::Assess => &[State::Registered, State::Assessed, State::Returned],
            Step::Submit => &[State::Assessed],
            Step::Review => &[State::Submitted],
            Step::Return => &[State::Submitted, State::Reviewed],
            Step::Decide => &[State::Reviewed],
            Step::Revoke => &[State::Certified],
        }
    }

    /// Whether the decision of a kind (`DecidingLevel`) is this step's to
    /// check: deciding and revoking are the competent level's.
    pub fn is_decision(self) -> bool {
        matches!(self, Step::Decide | Step::Revoke)
    }

    /// The state after the step (a decision's depends on its classification).
    fn next(self, classification: Option<Classification>) -> State {
        match self {
            Step::Register => State::Registered,
            Step::Assess => State::Assessed,
            Step::Submit => State::Submitted,
            Step::Review => State::Reviewed,
            Step::Return => State::Returned,
            Step::Decide if classification.is_some_and(Classification::certifies) => {
                State::Certified
            }
            Step::Decide => State::NotCertified,
            Step::Revoke => State::Revoked,
        }
    }
}

/// Refuses a step the case's state does not allow, naming what can be done.
pub fn check_order(step: Step, state: State) -> Result<(), DomainError> {
    if step.from_states().contains(&state) {
        return Ok(());
    }
    Err(DomainError::new(
        "state",
        Reason::CertificationStepOutOfOrder {
            state: state.term(),
            allowed: Step::ACTIONS
                .into_iter()
                .filter(|s| s.from_states().contains(&state))
                .map(Step::term)
                .collect(),
        },
    ))
}

// ---- inputs of the steps ----------------------------------------------------

/// Registering units for a year: one unit or many (a commune's areas).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    /// The units to register (all of one kind or several).
    #[schema(required, nullable = false)]
    pub org_unit_ids: Option<Vec<i64>>,
    /// The assessment year; the current one of each unit's kind if absent.
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub registered_on: Option<String>,
    /// Residential areas: the day the Party cell resolved to strive.
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub party_resolution_on: Option<String>,
    /// Residential areas: the share of households that signed up (0–100).
    #[schema(minimum = 0, maximum = 100)]
    pub households_percent: Option<f64>,
}

/// A checked registration, for units whose kinds the caller resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registration {
    pub org_unit_ids: Vec<i64>,
    pub year: Option<i32>,
    pub registered_on: NaiveDate,
    pub party_resolution_on: Option<NaiveDate>,
    pub households_percent: Option<f64>,
}

impl Registration {
    pub fn parse(input: &RegisterInput, today: NaiveDate) -> Result<Self, DomainError> {
        let mut ids = input.org_unit_ids.clone().unwrap_or_default();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_REGISTER_UNITS {
            return Err(DomainError::new(
                "org_unit_ids",
                Reason::RegisterUnitsCount {
                    max: MAX_REGISTER_UNITS,
                },
            ));
        }
        let year = input
            .year
            .map(|y| {
                Some(y)
                    .filter(|y| (2000..=2100).contains(y))
                    .ok_or_else(|| DomainError::new("year", Reason::YearInvalid))
            })
            .transpose()?;
        let registered_on = step_day("registered_on", input.registered_on.as_deref(), today)?;
        let party_resolution_on =
            optional_date("party_resolution_on", input.party_resolution_on.as_deref())?;
        if party_resolution_on.is_some_and(|d| d > today) {
            return Err(DomainError::new(
                "party_resolution_on",
                Reason::DateInFuture,
            ));
        }
        let households_percent = percent("households_percent", input.households_percent)?;
        Ok(Self {
            org_unit_ids: ids,
            year,
            registered_on,
            party_resolution_on,
            households_percent,
        })
    }

    /// The year a unit of `rules`' kind registers for, and whether the day
    /// of registration fits it: within the assessment year and its quarter I.
    pub fn year_for(&self, rules: &KindRules) -> Result<i32, DomainError> {
        let year = self
            .year
            .unwrap_or_else(|| rules.year_of(self.registered_on));
        let (first, _) = rules.span(year);
        let by = rules.register_by(year);
        if self.registered_on < first || self.registered_on > by {
            return Err(DomainError::new(
                "registered_on",
                Reason::RegistrationOutsideWindow {
                    kind: rules.kind.term(),
                    year,
                    from: first,
                    to: by,
                },
            ));
        }
        Ok(year)
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    #[schema(required, nullable = false)]
    pub criterion_id: Option<i64>,
    #[schema(required, nullable = false)]
    pub met: Option<bool>,
    pub explanation: Option<String>,
}

/// A self-assessment: every criterion of the case's set, met or not.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessInput {
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub on: Option<String>,
    #[schema(required, nullable = false)]
    pub answers: Option<Vec<AnswerInput>>,
    /// Agencies and enterprises: the share of staff briefed (0–100).
    #[schema(minimum = 0, maximum = 100)]
    pub staff_briefed_percent: Option<f64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub criterion_id: i64,
    pub met: bool,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub on: NaiveDate,
    pub answers: Vec<Answer>,
    pub staff_briefed_percent: Option<f64>,
    pub note: Option<String>,
}

impl Assessment {
    /// Every criterion of `set` answered once, and no other: an answer to
    /// another year's criteria is refused.
    pub fn parse(
        input: &AssessInput,
        set: &CriteriaSet,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let on = step_day("on", input.on.as_deref(), today)?;
        not_before("on", on, since)?;
        let mut answers = Vec::new();
        for a in input.answers.as_deref().unwrap_or_default() {
            let id = a.criterion_id.unwrap_or_default();
            if !set.criteria.iter().any(|c| c.id == id) {
                return Err(DomainError::new(
                    "answers",
                    Reason::CriterionNotInSet {
                        version: set.version,
                    },
                ));
            }
            if answers.iter().any(|x: &Answer| x.criterion_id == id) {
                return Err(DomainError::new("answers", Reason::CriterionAnsweredTwice));
            }
            let met = a
                .met
                .ok_or_else(|| DomainError::new("answers.met", Reason::Required))?;
            answers.push(Answer {
                criterion_id: id,
                met,
                explanation: optional_note(
                    "answers.explanation",
                    a.explanation.as_deref(),
                    MAX_NOTE_CHARS,
                )?,
            });
        }
        if let Some(missing) = set
            .criteria
            .iter()
            .find(|c| !answers.iter().any(|a| a.criterion_id == c.id))
        {
            return Err(DomainError::new(
                "answers",
                Reason::CriterionUnanswered {
                    code: missing.code.clone(),
                },
            ));
        }
        Ok(Self {
            on,
            answers,
            staff_briefed_percent: percent("staff_briefed_percent", input.staff_briefed_percent)?,
            note: optional_note("note", input.note.as_deref(), MAX_NOTE_CHARS)?,
        })
    }
}

/// Submitting, reviewing, returning: a day and a note (a return needs its
/// reason).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub on: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Noted {
    pub on: NaiveDate,
    pub note: Option<String>,
}

impl Noted {
    pub fn parse(
        step: Step,
        input: &NoteInput,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let on = step_day("on", input.on.as_deref(), today)?;
        not_before("on", on, since)?;
        let note = optional_note("note", input.note.as_deref(), MAX_NOTE_CHARS)?;
        if step == Step::Return && note.is_none() {
            return Err(DomainError::new("note", Reason::ReturnReasonRequired));
        }
        Ok(Self { on, note })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideInput {
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub on: Option<String>,
    #[schema(required, value_type = Classification)]
    pub classification: Option<String>,
    /// The number of the decision (`125/QĐ-UBND`).
    #[schema(required, nullable = false)]
    pub decision_no: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub on: NaiveDate,
    pub classification: Classification,
    pub decision_no: String,
    pub note: Option<String>,
}

impl Decision {
    pub fn parse(
        input: &DecideInput,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let on = step_day("on", input.on.as_deref(), today)?;
        not_before("on", on, since)?;
        Ok(Self {
            on,
            classification: Classification::parse(
                "classification",
                input.classification.as_deref().unwrap_or(""),
            )?,
            decision_no: required_text("decision_no", input.decision_no.as_deref(), 60)?,
            note: optional_note("note", input.note.as_deref(), MAX_NOTE_CHARS)?,
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeInput {
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub on: Option<String>,
    #[schema(required, nullable = false)]
    pub reason: Option<String>,
    #[schema(required, nullable = false)]
    pub decision_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revocation {
    pub on: NaiveDate,
    pub reason: String,
    pub decision_no: String,
}

impl Revocation {
    /// A revocation falls within the case's assessment year (`last`) or
    /// soon after, never before its certification.
    pub fn parse(
        input: &RevokeInput,
        since: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let on = step_day("on", input.on.as_deref(), today)?;
        not_before("on", on, since)?;
        Ok(Self {
            on,
            reason: required_text("reason", input.reason.as_deref(), MAX_NOTE_CHARS)?,
            decision_no: required_text("decision_no", input.decision_no.as_deref(), 60)?,
        })
    }
}

/// The day of a step: given, or today; never in the future.
fn step_day(
    field: &'static str,
    s: Option<&str>,
    today: NaiveDate,
) -> Result<NaiveDate, DomainError> {
    let d = optional_date(field, s)?.unwrap_or(today);
    if d > today {
        return Err(DomainError::new(field, Reason::DateInFuture));
    }
    Ok(d)
}

fn not_before(field: &'static str, d: NaiveDate, since: NaiveDate) -> Result<(), DomainError> {
    if d < since {
        return Err(DomainError::new(
            field,
            Reason::StepBeforeLast { last: since },
        ));
    }
    Ok(())
}

fn percent(field: &'static str, p: Option<f64>) -> Result<Option<f64>, DomainError> {
    match p {
        Some(p) if !(0.0..=100.0).contains(&p) || p.is_nan() => {
            Err(DomainError::new(field, Reason::PercentOutOfRange))
        }
        p => Ok(p),
    }
}

/// A short text (decision numbers, names) as forms send it.
pub fn short_text(field: &'static str, s: Option<&str>) -> Result<Option<String>, DomainError> {
    optional_text(field, s, MAX_SHORT_CHARS)
}

// ---- the decision's rules ---------------------------------------------------

/// What the other capabilities know about a case's unit and year, for the
/// rules a decision is checked against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Models active at the unit (or, for a commune, in it) at some time
    /// during the year.
    pub active_models: i64,
    /// Communes: its residential areas certified for the previous year,
    /// and how many were eligible.
    pub residential_prev: Option<(i64, i64)>,
}

/// The rules across capabilities a certifying decision must meet, each
/// failure named in plain words; a `khong_dat` decision needs none. The
/// required criteria the self-assessment marked unmet block it too.
pub fn check_decision(
    rules: &KindRules,
    d: &Decision,
    set: &CriteriaSet,
    answers: &[Answer],
    staff_briefed_percent: Option<f64>,
    facts: &Facts,
) -> Result<(), DomainError> {
    if !d.classification.certifies() {
        return Ok(());
    }
    let unmet: Vec<String> = set
        .criteria
        .iter()
        .filter(|c| c.required)
        .filter(|c| !answers.iter().any(|a| a.criterion_id == c.id && a.met))
        .map(|c| c.code.clone())
        .collect();
    if !unmet.is_empty() {
        return Err(refusal(Reason::RequiredCriteriaUnmet {
            codes: unmet.join(", "),
        }));
    }
    if rules.needs_active_model && facts.active_models == 0 {
        return Err(refusal(Reason::NoActiveModel {
            kind: rules.kind.term(),
        }));
    }
    if rules.needs_staff_briefed && staff_briefed_percent.is_none_or(|p| p < 100.0) {
        return Err(refusal(Reason::StaffNotAllBriefed {
            percent: staff_briefed_percent.unwrap_or(0.0),
        }));
    }
    if let (Some(min), Some((certified, eligible))) =
        (rules.min_residential_share, facts.residential_prev)
    {
        // Villages are entered by people, not shipped: a commune whose
        // areas were never entered has nothing to judge, and the rule
        // does not apply (integer arithmetic: certified / eligible >= min / 100).
        if eligible > 0 && certified * 100 < min * eligible {
            return Err(refusal(Reason::ResidentialShareTooLow {
                min,
                certified,
                eligible,
            }));
        }
    }
    Ok(())
}

fn refusal(r: Reason) -> DomainError {
    DomainError::new("classification", r)
}

/// The state a step leads to.
pub fn next_state(step: Step, classification: Option<Classification>) -> State {
    step.next(classification)
}

/// Whether `role` may record a decision (or revoke it) on a kind the
/// `level` decides: a commune's staff decide what the commune decides; the
/// province's staff what the province decides (and, as the level above,
/// may also record a commune's decision); administrators any.
pub fn may_decide(level: DecidingLevel, role: Role) -> bool {
    match level {
        DecidingLevel::Commune => true,
        DecidingLevel::Province => matches!(role, Role::Admin | Role::ProvinceStaff),
    }
}

/// A certificate's number: the running number of the issuing level's
/// certificates of the year.
pub fn certificate_no(running: i64, year: i32) -> String {
    format!("{running:03}/GCN-ANTT-{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_on_the_columns_is_the_same_rule_as_the_due_day() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        for kind in [Kind::Residential, Kind::Commune] {
            let r = rules(kind);
            for basis in [DeadlineBasis::YearEnd, DeadlineBasis::StateSince] {
                for days in [0, 10, 45] {
                    let d = Deadline {
                        state: State::Registered,
                        basis,
                        days,
                    };
                    for offset in (0..1100).step_by(7) {
                        let today = start + chrono::Days::new(offset);
                        let since = today - chrono::Days::new(offset % 60);
                        for year in 2023..=2027 {
                            let late = d.due(&r, year, since) < today;
                            let by_columns = match d.overdue_if(&r, today) {
                                OverdueIf::SinceBefore(day) => since < day,
                                OverdueIf::YearAtMost(y) => year <= y,
                            };
                            assert_eq!(
                                late, by_columns,
                                "{kind:?} {basis:?} {days} {today} {year}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_reviewed_case_awaits_the_level_that_decides_its_kind() {
        assert_eq!(
            awaiting_level(State::Reviewed, &rules(Kind::Commune)),
            Some(DecidingLevel::Province)
        );
        assert_eq!(
            awaiting_level(State::Reviewed, &rules(Kind::Residential)),
            Some(DecidingLevel::Commune)
        );
        assert_eq!(
            awaiting_level(State::Submitted, &rules(Kind::Commune)),
            Some(DecidingLevel::Commune)
        );
        assert_eq!(
            awaiting_level(State::Certified, &rules(Kind::Commune)),
            None
        );
    }

    fn rules(kind: Kind) -> KindRules {
        let residential = kind == Kind::Residential;
        KindRules {
            kind,
            year_start_month: if residential { 11 } else { 1 },
            year_start_day: 1,
            deciding_level: if kind == Kind::Commune {
                DecidingLevel::Province
            } else {
                DecidingLevel::Commune
            },
            min_residential_share: (kind == Kind::Commune).then_some(70),
            needs_active_model: kind == Kind::Commune,
            needs_staff_briefed: kind == Kind::Agency,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_residential_year_runs_from_november_to_october() {
        let r = rules(Kind::Residential);
        assert_eq!(r.span(2026), (day(2025, 11, 1), day(2026, 10, 31)));
        assert_eq!(r.year_of(day(2025, 11, 1)), 2026);
        assert_eq!(r.year_of(day(2026, 10, 31)), 2026);
        assert_eq!(r.year_of(day(2026, 12, 5)), 2027);
        let c = rules(Kind::Commune);
        assert_eq!(c.span(2026), (day(2026, 1, 1), day(2026, 12, 31)));
        assert_eq!(c.year_of(day(2026, 12, 5)), 2026);
    }

    #[test]
    fn registration_falls_in_quarter_one_of_its_year() {
        let input = RegisterInput {
            org_unit_ids: Some(vec![3, 1, 3]),
            registered_on: Some("2026-12-01".into()),
            ..Default::default()
        };
        let r = Registration::parse(&input, day(2026, 12, 5)).unwrap();
        assert_eq!(r.org_unit_ids, vec![1, 3]);
        assert_eq!(r.year_for(&rules(Kind::Residential)).unwrap(), 2027);
        // a commune's 2026 registration closed on 31 March 2026
        let e = r.year_for(&rules(Kind::Commune)).unwrap_err();
        assert_eq!(e.reason.code(), "registration_outside_window");
        let future = RegisterInput {
            org_unit_ids: Some(vec![1]),
            registered_on: Some("2026-12-06".into()),
            ..Default::default()
        };
        assert!(Registration::parse(&future, day(2026, 12, 5)).is_err());
    }

    #[test]
    fn steps_follow_the_cycle() {
        assert!(check_order(Step::Assess, State::Registered).is_ok());
        assert!(check_order(Step::Assess, State::Returned).is_ok());
        let e = check_order(Step::Decide, State::Registered).unwrap_err();
        assert_eq!(e.reason.code(), "certification_step_out_of_order");
        assert!(check_order(Step::Revoke, State::NotCertified).is_err());
        assert!(check_order(Step::Revoke, State::Certified).is_ok());
        assert_eq!(
            next_state(Step::Decide, Some(Classification::Kha)),
            State::Certified
        );
        assert_eq!(
            next_state(Step::Decide, Some(Classification::KhongDat)),
            State::NotCertified
        );
        for s in State::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(
                Step::ACTIONS
                    .into_iter()
                    .filter(|a| *a != Step::Revoke)
                    .all(|a| check_order(a, s).is_err()),
                "{s:?}"
            );
        }
    }

    fn set() -> CriteriaSet {
        let c = |id, required| Criterion {
            id,
            position: id,
            code: format!("c{id}"),
            text: "…".into(),
            source: "TT 124".into(),
            required,
            to_check: false,
        };
        CriteriaSet {
            id: 1,
            kind: Kind::Commune,
            version: 1,
            from_year: 2022,
            title: "t".into(),
            source: "s".into(),
            criteria: vec![c(1, true), c(2, false)],
        }
    }

    #[test]
    fn an_assessment_answers_every_criterion_of_its_set() {
        let a = |ids: &[i64]| AssessInput {
            answers: Some(
                ids.iter()
                    .map(|i| AnswerInput {
                        criterion_id: Some(*i),
                        met: Some(true),
                        explanation: None,
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        let (since, today) = (day(2026, 1, 5), day(2026, 2, 1));
        assert!(Assessment::parse(&a(&[1, 2]), &set(), since, today).is_ok());
        let code = |i: &AssessInput| {
            Assessment::parse(i, &set(), since, today)
                .unwrap_err()
                .reason
                .code()
        };
        assert_eq!(code(&a(&[1])), "criterion_unanswered");
        assert_eq!(code(&a(&[1, 2, 9])), "criterion_not_in_set");
        assert_eq!(code(&a(&[1, 1, 2])), "criterion_answered_twice");
    }

    #[test]
    fn a_decision_meets_the_rules_across_capabilities() {
        let d = |c| Decision {
            on: day(2026, 12, 1),
            classification: c,
            decision_no: "1/QĐ".into(),
            note: None,
        };
        let met = |m1, m2| {
            vec![
                Answer {
                    criterion_id: 1,
                    met: m1,
                    explanation: None,
                },
                Answer {
                    criterion_id: 2,
                    met: m2,
                    explanation: None,
                },
            ]
        };
        let r = rules(Kind::Commune);
        let good = Facts {
            active_models: 2,
            residential_prev: Some((7, 10)),
        };
        let kha = d(Classification::Kha);
        assert!(check_decision(&r, &kha, &set(), &met(true, false), None, &good).is_ok());
        let code = |answers: &[Answer], f: &Facts| {
            check_decision(&r, &kha, &set(), answers, None, f)
                .unwrap_err()
                .reason
                .code()
        };
        assert_eq!(code(&met(false, true), &good), "required_criteria_unmet");
        let no_model = Facts {
            active_models: 0,
            ..good.clone()
        };
        assert_eq!(code(&met(true, true), &no_model), "no_active_model");
        let few = Facts {
            residential_prev: Some((6, 10)),
            ..good.clone()
        };
        assert_eq!(code(&met(true, true), &few), "residential_share_too_low");
        let none_entered = Facts {
            residential_prev: Some((0, 0)),
            ..good.clone()
        };
        assert!(check_decision(&r, &kha, &set(), &met(true, true), None, &none_entered).is_ok());
        // not certifying needs no rule
        let no = d(Classification::KhongDat);
        assert!(check_decision(&r, &no, &set(), &met(false, false), None, &no_model).is_ok());
        let a = rules(Kind::Agency);
        let e = check_decision(&a, &kha, &set(), &met(true, true), Some(90.0), &good).unwrap_err();
        assert_eq!(e.reason.code(), "staff_not_all_briefed");
    }

    #[test]
    fn a_set_in_force_is_the_latest_started() {
        let mut s2 = set();
        s2.id = 2;
        s2.version = 2;
        s2.from_year = 2026;
        let sets = vec![set(), s2];
        assert_eq!(in_force(&sets, Kind::Commune, 2025).unwrap().version, 1);
        assert_eq!(in_force(&sets, Kind::Commune, 2027).unwrap().version, 2);
        assert!(in_force(&sets, Kind::Commune, 2021).is_none());
        assert!(in_force(&sets, Kind::School, 2026).is_none());
    }
}
