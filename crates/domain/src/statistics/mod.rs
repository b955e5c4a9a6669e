//! Periodic statistics: indicators, the data sets that collect them, the
//! values communes enter, validation and the approval chain.
//!
//! An indicator is collected through exactly one data set, so that each
//! figure has one period type, one calendar and one approval chain: the
//! rollups (crate `analytics`) can then add months into quarters and years
//! without counting anything twice.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalogue::Owner;
use crate::error::{terms, Term};
use crate::models::Target;
use crate::org_units::Level;
use crate::org_units::OrgUnitId;
use crate::text::normalize;
use crate::{DomainError, Reason};

pub mod approval;
pub mod computed;
pub mod entry;
pub mod file;
pub mod period;
pub mod rule;

pub use approval::{Approval, ApprovalAction, Chain};
pub use computed::{Computed, Origin};
pub use period::{Calendar, Period, PeriodType};
pub use rule::{Outcome, Rule};

pub type IndicatorId = i64;
pub type DataSetId = i64;
pub type RuleId = i64;

pub const MAX_CODE_CHARS: usize = 64;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_COMMENT_CHARS: usize = 1000;
/// No figure of the movement reaches a thousand trillion; beyond that f64
/// stops holding whole numbers exactly.
pub const MAX_ABS_VALUE: f64 = 1e15;
pub const MAX_DEADLINE_DAYS: u32 = 366;

/// What an indicator counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ValueUnit {
    Count,
    Percent,
    Money,
}

impl ValueUnit {
    pub const ALL: [ValueUnit; 3] = [ValueUnit::Count, ValueUnit::Percent, ValueUnit::Money];

    pub fn as_str(self) -> &'static str {
        match self {
            ValueUnit::Count => "count",
            ValueUnit::Percent => "percent",
            ValueUnit::Money => "money",
        }
    }

    /// The unit as messages name it.
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            ValueUnit::Count => ("số lượng", "count"),
            ValueUnit::Percent => ("phần trăm", "percent"),
            ValueUnit::Money => ("tiền (đồng)", "money (VND)"),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        ValueUnit::ALL
            .into_iter()
            .find(|u| u.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::ValueUnitUnknown {
                        allowed: terms(&ValueUnit::ALL, ValueUnit::term),
                    },
                )
            })
    }
}

/// How values of an indicator combine across units and periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Flows: tips received, cases solved.
    Sum,
    /// Rates: the mean of the values entered.
    Average,
    /// Stocks: each unit's latest value within the period, added across units
    /// (security teams, cameras installed).
    Last,
    /// The largest value entered.
    Max,
}

impl Aggregation {
    pub const ALL: [Aggregation; 4] = [
        Aggregation::Sum,
        Aggregation::Average,
        Aggregation::Last,
        Aggregation::Max,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Average => "average",
            Aggregation::Last => "last",
            Aggregation::Max => "max",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Aggregation::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::AggregationUnknown {
                        allowed: terms(&Aggregation::ALL, Aggregation::term),
                    },
                )
            })
    }

    /// The aggregation as messages name it.
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Aggregation::Sum => ("cộng", "sum"),
            Aggregation::Average => ("trung bình", "average"),
            Aggregation::Last => ("số cuối kỳ", "last value"),
            Aggregation::Max => ("lớn nhất", "maximum"),
        };
        Term::new(self.as_str(), vi, en)
    }
}

/// A stored indicator.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Indicator {
    pub id: IndicatorId,
    pub code: String,
    pub name: String,
    pub unit: ValueUnit,
    pub aggregation: Aggregation,
    pub allow_negative: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub description: String,
    pub data_set_id: Option<DataSetId>,
    pub active: bool,
    /// The register that computes it; `None` for a typed indicator.
    pub computed: Option<Computed>,
    /// The national catalogue's, or a province's own (shown on its units'
    /// forms only, also on a national data set).
    pub owner: Owner,
}

impl Indicator {
    /// The value if it can be stored at all: finite, whole for counts,
    /// 0–100 for percentages, negative only where allowed. Bounds are
    /// validation instead (see [`Indicator::bound_problem`]).
    pub fn parse_value(&self, field: &'static str, v: f64) -> Result<f64, DomainError> {
        if !v.is_finite() || v.abs() > MAX_ABS_VALUE {
            return Err(DomainError::new(field, Reason::ValueInvalid));
        }
        if v < 0.0 && !self.allow_negative {
            return Err(DomainError::new(
                field,
                Reason::ValueNegative {
                    indicator: self.name.clone(),
                },
            ));
        }
        match self.unit {
            ValueUnit::Count if v.fract() != 0.0 => Err(DomainError::new(
                field,
                Reason::ValueNotWhole {
                    indicator: self.name.clone(),
                },
            )),
            ValueUnit::Percent if !(-100.0..=100.0).contains(&v) => Err(DomainError::new(
                field,
                Reason::ValueNotPercent {
                    indicator: self.name.clone(),
                },
            )),
            _ => Ok(v),
        }
    }

    /// The bound a value breaks, as a message (an error of validation: it
    /// blocks submission, not saving the draft).
    pub fn bound_problem(&self, v: f64) -> Option<String> {
        match (self.min_value, self.max_value) {
            (Some(min), _) if v < min => {
                Some(format!("{}: nhỏ hơn mức tối thiểu {min}", self.name))
            }
            (_, Some(max)) if v > max => Some(format!("{}: lớn hơn mức tối đa {max}", self.name)),
            _ => None,
        }
    }
}

/// Parses an indicator code: lower-case ASCII letters, digits and `_`,
/// starting with a letter, so that it can stand in a validation rule.
pub fn parse_code(field: &'static str, s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.len() <= MAX_CODE_CHARS
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(DomainError::new(
            field,
            Reason::CodeInvalid {
                max: MAX_CODE_CHARS,
            },
        ))
    }
}

fn parse_text(
    field: &'static str,
    s: &str,
    max: usize,
    required: bool,
) -> Result<String, DomainError> {
    let s = normalize(s.trim());
    if required && s.is_empty() {
        return Err(DomainError::new(field, Reason::RequiredEntry));
    }
    if s.chars().count() > max
        || s.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(DomainError::new(field, Reason::TextInvalid { max }));
    }
    Ok(s)
}

/// An indicator as sent by a user or read from the catalogue file.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[schema(value_type = crate::schema::Code)]
    pub code: String,
    pub name: String,
    #[schema(value_type = ValueUnit)]
    pub unit: String,
    #[schema(value_type = Aggregation)]
    pub aggregation: String,
    #[serde(default)]
    pub allow_negative: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    #[serde(default)]
    pub description: String,
    pub active: Option<bool>,
    /// Computed by a register instead of typed (`models.active` …).
    #[schema(value_type = Option<Computed>)]
    pub computed: Option<String>,
    /// A new indicator's province (its own catalogue); by default the
    /// national catalogue for administrators, the user's province for
    /// its staff. Fixed once made.
    pub owner_id: Option<OrgUnitId>,
    /// A new indicator joins this data set's form, at its end: a province
    /// adds its own indicators to a national form this way.
    #[schema(value_type = Option<crate::schema::Code>)]
    pub data_set: Option<String>,
}

/// A valid indicator definition.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub unit: ValueUnit,
    pub aggregation: Aggregation,
    pub allow_negative: bool,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub description: String,
    pub active: bool,
    pub computed: Option<Computed>,
}

impl NewIndicator {
    pub fn parse(i: &IndicatorInput) -> Result<Self, DomainError> {
        let bound = |field: &'static str, v: Option<f64>| match v {
            Some(x) if !x.is_finite() || x.abs() > MAX_ABS_VALUE => {
                Err(DomainError::new(field, Reason::BoundInvalid))
            }
            other => Ok(other),
        };
        let min_value = bound("min_value", i.min_value)?;
        let max_value = bound("max_value", i.max_value)?;
        if let (Some(a), Some(b)) = (min_value, max_value) {
            if a > b {
                return Err(DomainError::new("max_value", Reason::MaxBelowMin));
            }
        }
        let unit = ValueUnit::parse("unit", &i.unit)?;
        let aggregation = Aggregation::parse("aggregation", &i.aggregation)?;
        let computed = Computed::parse_optional("computed", i.computed.as_deref())?;
        if let Some(c) = computed {
            c.check_fits(unit, aggregation)?;
        }
        Ok(Self {
            code: parse_code("code", &i.code)?,
            name: parse_text("name", &i.name, MAX_NAME_CHARS, true)?,
            unit,
            aggregation,
            computed,
            allow_negative: i.allow_negative,
            min_value,
            max_value,
            description: parse_text("description", &i.description, MAX_TEXT_CHARS, false)?,
            active: i.active.unwrap_or(true),
        })
    }
}

/// A stored data set.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DataSet {
    pub id: DataSetId,
    pub code: String,
    pub name: String,
    pub period_type: PeriodType,
    pub calendar: Calendar,
    /// Who enters it: `village`, `commune` or a kind of site.
    #[serde(serialize_with = "serialize_target")]
    #[schema(value_type = String)]
    pub entry: Target,
    pub deadline_days: u32,
    /// The approving levels, lowest first.
    #[schema(value_type = Vec<Level>)]
    pub chain: Chain,
    pub description: String,
    pub active: bool,
    /// The national catalogue's, or a province's own (entered by its units only).
    pub owner: Owner,
}

fn serialize_target<S: serde::Serializer>(t: &Target, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.as_str())
}

impl DataSet {
    /// Whether units like `unit` enter this data set.
    pub fn entered_by(&self, unit: &crate::org_units::OrgUnit) -> bool {
        Target::of(unit) == Some(self.entry)
    }

    /// Whether `period` is one this data set is entered for.
    pub fn accepts(&self, period: Period) -> bool {
        period.kind() == self.period_type
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSetInput {
    #[schema(value_type = crate::schema::Code)]
    pub code: String,
    pub name: String,
    #[schema(value_type = PeriodType)]
    pub period_type: String,
    #[schema(value_type = Calendar)]
    pub calendar: String,
    /// Who enters it: `village`, `commune` or a kind of site.
    pub entry: String,
    #[schema(maximum = 366)]
    pub deadline_days: Option<u32>,
    /// Approving levels, lowest first: `["province"]`.
    #[schema(value_type = Vec<Level>)]
    pub approval_levels: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// Indicator codes, in form order.
    #[schema(schema_with = crate::schema::code_array)]
    pub indicators: Vec<String>,
    pub active: Option<bool>,
    /// A new data set's province (entered by its units only); by default
    /// the national catalogue for administrators, the user's province for
    /// its staff. Fixed once made.
    pub owner_id: Option<OrgUnitId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewDataSet {
    pub code: String,
    pub name: String,
    pub period_type: PeriodType,
    pub calendar: Calendar,
    pub entry: Target,
    pub deadline_days: u32,
    pub chain: Chain,
    pub description: String,
    pub indicators: Vec<String>,
    pub active: bool,
}

pub const DEFAULT_DEADLINE_DAYS: u32 = 5;
pub const MAX_INDICATORS_PER_SET: usize = 200;

impl NewDataSet {
    pub fn parse(i: &DataSetInput) -> Result<Self, DomainError> {
        let entry = Target::parse("entry", &i.entry)?;
        let deadline_days = i.deadline_days.unwrap_or(DEFAULT_DEADLINE_DAYS);
        if deadline_days > MAX_DEADLINE_DAYS {
            return Err(DomainError::new(
                "deadline_days",
                Reason::DeadlineTooLong {
                    max: MAX_DEADLINE_DAYS,
                },
            ));
        }
        let mut indicators: Vec<String> = Vec::new();
        for c in &i.indicators {
            let c = parse_code("indicators", c)?;
            if indicators.contains(&c) {
                return Err(DomainError::new(
                    "indicators",
                    Reason::IndicatorTwice { indicator: c },
                ));
            }
            indicators.push(c);
        }
        if indicators.is_empty() || indicators.len() > MAX_INDICATORS_PER_SET {
            return Err(DomainError::new(
                "indicators",
                Reason::IndicatorCount {
                    max: MAX_INDICATORS_PER_SET,
                },
            ));
        }
        Ok(Self {
            code: parse_code("code", &i.code)?,
            name: parse_text("name", &i.name, MAX_NAME_CHARS, true)?,
            period_type: PeriodType::parse("period_type", &i.period_type)?,
            calendar: Calendar::parse("calendar", &i.calendar)?,
            chain: Chain::parse("approval_levels", entry, &i.approval_levels)?,
            entry,
            deadline_days,
            description: parse_text("description", &i.description, MAX_TEXT_CHARS, false)?,
            indicators,
            active: i.active.unwrap_or(true),
        })
    }
}

/// Severity of a validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission.
    Error,
    /// Asks for a comment on one of the values it reads.
    Warning,
}

impl Severity {
    pub const ALL: [Severity; 2] = [Severity::Error, Severity::Warning];

    /// The severity as messages name it.
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Severity::Error => ("lỗi", "error"),
            Severity::Warning => ("cảnh báo", "warning"),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        match s.trim() {
            "error" => Ok(Severity::Error),
            "warning" => Ok(Severity::Warning),
            _ => Err(DomainError::new(
                field,
                Reason::SeverityUnknown {
                    allowed: terms(&Severity::ALL, Severity::term),
                },
            )),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    #[schema(value_type = crate::schema::Code)]
    pub data_set: String,
    pub expression: String,
    #[schema(value_type = Severity)]
    pub severity: String,
    pub message: String,
    /// A new rule's province (checked on its units' forms only); by
    /// default as for indicators. Fixed once made.
    pub owner_id: Option<OrgUnitId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRule {
    pub data_set: String,
    pub rule: Rule,
    pub expression: String,
    pub severity: Severity,
    pub message: String,
}

impl NewRule {
    pub fn parse(i: &RuleInput) -> Result<Self, DomainError> {
        let rule = Rule::parse("expression", &i.expression)?;
        Ok(Self {
            data_set: parse_code("data_set", &i.data_set)?,
            expression: i.expression.trim().to_owned(),
            rule,
            severity: Severity::parse("severity", &i.severity)?,
            message: parse_text("message", &i.message, MAX_NAME_CHARS, true)?,
        })
    }
}

/// One value as sent: `{indicator, org_unit, period, value, comment?}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueInput {
    pub indicator: String,
    pub org_unit: i64,
    #[schema(value_type = crate::statistics::Period)]
    pub period: String,
    /// `null` deletes the value.
    pub value: Option<f64>,
    pub comment: Option<String>,
}

pub fn parse_comment(s: Option<&str>) -> Result<Option<String>, DomainError> {
    match s
        .map(|c| parse_text("comment", c, MAX_COMMENT_CHARS, false))
        .transpose()?
    {
        Some(c) if c.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// Raw input of one successor's share of a split unit's figures.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct ShareInput {
    pub to: i64,
    #[schema(exclusive_minimum = 0, maximum = 1)]
    pub share: f64,
}

/// How a split legacy unit's sums and stocks are divided among its
/// successors in the "as it is now" view: each a successor, each above
/// zero, together one. Empty: the default successor takes everything (and
/// it always takes averages and maxima, which cannot be divided).
#[derive(Debug, Clone, PartialEq)]
pub struct Shares(Vec<(i64, f64)>);

impl Shares {
    pub fn parse(items: &[ShareInput], successors: &[i64]) -> Result<Self, DomainError> {
        let field = "shares";
        if items.is_empty() {
            return Ok(Self(Vec::new()));
        }
        if successors.len() < 2 {
            return Err(DomainError::new(field, Reason::SharesNotSplit));
        }
        let mut out: Vec<(i64, f64)> = Vec::with_capacity(items.len());
        for i in items {
            if !successors.contains(&i.to) {
                return Err(DomainError::new(
                    field,
                    Reason::ShareNotSuccessor { unit: i.to },
                ));
            }
            if out.iter().any(|(to, _)| *to == i.to) {
                return Err(DomainError::new(field, Reason::ShareTwice { unit: i.to }));
            }
            if !(i.share.is_finite() && i.share > 0.0 && i.share <= 1.0) {
                return Err(DomainError::new(field, Reason::ShareOutOfRange));
            }
            out.push((i.to, i.share));
        }
        let total: f64 = out.iter().map(|(_, s)| s).sum();
        if (total - 1.0).abs() > 1e-6 {
            return Err(DomainError::new(
                field,
                Reason::SharesTotal {
                    total: total * 100.0,
                },
            ));
        }
        out.sort_by_key(|(to, _)| *to);
        Ok(Self(out))
    }

    pub fn items(&self) -> &[(i64, f64)] {
        &self.0
    }
}

/// Fewest past values before a value can be called an outlier.
pub const OUTLIER_MIN_HISTORY: usize = 4;

/// Whether `v` lies far from a unit's own past values: more than three
/// standard deviations from their mean, and by more than a small absolute
/// margin (so 3 after a run of 0 and 1 is not flagged).
pub fn outlier(history: &[f64], v: f64) -> bool {
    if history.len() < OUTLIER_MIN_HISTORY {
        return false;
    }
    let n = history.len() as f64;
    let mean = history.iter().sum::<f64>() / n;
    let var = history.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let spread = 3.0 * var.sqrt();
    let margin = 5.0_f64.max(mean.abs() * 0.5);
    (v - mean).abs() > spread.max(margin)
}

/// Whether `level` can approve for units entered at `entry`: approvers sit
/// above the entering unit.
pub fn level_above(level: Level, entry: Target) -> bool {
    let entry_rank = match entry {
        Target::Village | Target::Site(_) => 3,
        Target::Commune => 2,
    };
    let rank = match level {
        Level::Province => 0,
        Level::District => 1,
        Level::Commune => 2,
        Level::Village | Level::Site => 3,
    };
    rank < entry_rank
}

#[cfg(test)]
mod tests {

    #[test]
    fn shares_belong_to_successors_and_add_up_to_one() {
        let share = |to, share| ShareInput { to, share };
        let ok = Shares::parse(&[share(3, 0.4), share(2, 0.6)], &[2, 3]).unwrap();
        assert_eq!(ok.items(), &[(2, 0.6), (3, 0.4)]);
        assert!(Shares::parse(&[], &[2, 3]).unwrap().items().is_empty());
        assert!(
            Shares::parse(&[share(2, 0.5)], &[2, 3]).is_err(),
            "not 100%"
        );
        assert!(
            Shares::parse(&[share(4, 1.0)], &[2, 3]).is_err(),
            "not a successor"
        );
        assert!(Shares::parse(&[share(2, 0.5), share(2, 0.5)], &[2, 3]).is_err());
        assert!(Shares::parse(&[share(2, 1.0), share(3, 0.0)], &[2, 3]).is_err());
        assert!(Shares::parse(&[share(2, f64::NAN), share(3, 1.0)], &[2, 3]).is_err());
        assert!(Shares::parse(&[share(2, 1.0)], &[2]).is_err(), "not split");
    }

    use super::*;

    fn indicator(unit: ValueUnit) -> Indicator {
        Indicator {
            id: 1,
            code: "tin_bao".into(),
            name: "Tin báo".into(),
            unit,
            aggregation: Aggregation::Sum,
            allow_negative: false,
            min_value: None,
            max_value: Some(1000.0),
            description: String::new(),
            data_set_id: None,
            active: true,
            computed: None,
            owner: Owner::National,
        }
    }

    #[test]
    fn values_fit_their_indicator() {
        let i = indicator(ValueUnit::Count);
        assert_eq!(i.parse_value("value", 12.0), Ok(12.0));
        assert!(i.parse_value("value", 1.5).is_err());
        assert!(i.parse_value("value", -1.0).is_err());
        assert!(i.parse_value("value", f64::NAN).is_err());
        assert!(i.parse_value("value", 1e16).is_err());
        assert!(i.bound_problem(1001.0).is_some());
        assert_eq!(i.bound_problem(10.0), None);
        let p = indicator(ValueUnit::Percent);
        assert_eq!(p.parse_value("value", 33.3), Ok(33.3));
        assert!(p.parse_value("value", 101.0).is_err());
    }

    #[test]
    fn outliers_stand_far_from_history() {
        let h = [10.0, 12.0, 11.0, 9.0, 10.0];
        assert!(!outlier(&h, 13.0));
        assert!(outlier(&h, 60.0));
        assert!(!outlier(&[0.0, 1.0, 0.0, 1.0], 3.0));
        assert!(!outlier(&[1.0, 1.0], 500.0));
    }

    #[test]
    fn codes_and_definitions() {
        assert!(parse_code("code", "tin_bao_2").is_ok());
        for bad in ["", "Tin", "2tin", "tin-bao", "tin bao", "tín"] {
            assert!(parse_code("code", bad).is_err(), "{bad}");
        }
        let ds = NewDataSet::parse(&DataSetInput {
            code: "bao_cao_thang".into(),
            name: "Báo cáo tháng".into(),
            period_type: "month".into(),
            calendar: "cut_off".into(),
            entry: "commune".into(),
            deadline_days: None,
            approval_levels: vec!["province".into()],
            description: String::new(),
            indicators: vec!["tin_bao".into(), "tin_bao_co_gia_tri".into()],
            active: None,
            owner_id: None,
        })
        .unwrap();
        assert_eq!(ds.deadline_days, DEFAULT_DEADLINE_DAYS);
        assert_eq!(ds.chain.levels(), [Level::Province]);
        let mut bad = DataSetInput {
            code: "x".into(),
            name: "x".into(),
            period_type: "month".into(),
            calendar: "months".into(),
            entry: "commune".into(),
            approval_levels: vec!["commune".into()],
            indicators: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(
            NewDataSet::parse(&bad).unwrap_err().field,
            "approval_levels"
        );
        bad.approval_levels = vec!["province".into()];
        bad.indicators = vec!["a".into(), "a".into()];
        assert_eq!(NewDataSet::parse(&bad).unwrap_err().field, "indicators");
    }
}
