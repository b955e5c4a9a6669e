//! Coordination programmes and joint plans: the police and one or more
//! partner organisations, a level and an area, a period, basis documents,
//! measurable targets whose progress is computed from the data that
//! exists (models founded under the programme, units certified, classes
//! held, trainee-times, approved figures) or entered where nothing holds
//! it, and activities reported by any party. No IO: `store::programs`
//! writes what these types allow and computes the progress.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::documents::Level;
use crate::error::DomainError;
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::partners::unit_for_level;
use crate::reason::Reason;

pub const MAX_NAME_CHARS: usize = 300;
pub const MAX_SUMMARY_CHARS: usize = 4_000;
/// Parties besides the police, and basis documents, of one programme.
pub const MAX_PARTIES: usize = 20;
pub const MAX_TARGETS: usize = 30;
/// A programme runs for years (the article's span 5, 10, 20), not ages.
pub const MAX_YEARS: i64 = 20;

coded!(
    /// What a programme is.
    Kind, ProgramKindUnknown, ProgramKind {
        Programme = "chuong_trinh", "Chương trình phối hợp", "coordination programme";
        JointPlan = "ke_hoach_lien_tich", "Kế hoạch liên tịch", "joint plan";
        JointResolution = "nghi_quyet_lien_tich", "Thực hiện nghị quyết liên tịch", "carrying out a joint resolution";
        Plan = "ke_hoach", "Kế hoạch", "plan";
    }
);

coded!(
    /// Where a target's progress comes from.
    Source, TargetSourceUnknown, TargetSource {
        Models = "models", "Mô hình thành lập theo chương trình", "models founded under the programme";
        Certified = "certified", "Đơn vị được công nhận an toàn về ANTT", "units certified safe";
        Classes = "classes", "Lớp tập huấn đã mở", "training classes held";
        Trainees = "trainees", "Lượt người được tập huấn", "trainee-times";
        Indicator = "indicator", "Chỉ tiêu thống kê (số liệu đã duyệt)", "an indicator (approved figures)";
        Manual = "manual", "Nhập tay (không có nguồn số liệu)", "entered (no source holds it)";
    }
);

coded!(
    /// What an activity was.
    ActivityKind, ProgramActivityKindUnknown, ProgramActivityKind {
        Conference = "hoi_nghi", "Hội nghị, tọa đàm", "conference";
        Outreach = "tuyen_truyen", "Tuyên truyền", "outreach";
        Patrol = "tuan_tra", "Tuần tra, kiểm soát", "patrol";
        Training = "tap_huan", "Tập huấn", "training";
        Launch = "ra_quan", "Ra quân, mít tinh", "launch";
        Inspection = "kiem_tra", "Kiểm tra, giám sát", "inspection";
        Review = "so_tong_ket", "Sơ kết, tổng kết", "review";
        Other = "khac", "Hoạt động khác", "other";
    }
);

fn required<'a>(field: &'static str, s: &'a Option<String>) -> Result<&'a str, DomainError> {
    s.as_deref()
        .ok_or_else(|| DomainError::new(field, Reason::Required))
}

fn required_date(field: &'static str, s: &Option<String>) -> Result<NaiveDate, DomainError> {
    optional_date(field, s.as_deref())?.ok_or_else(|| DomainError::new(field, Reason::Required))
}

/// Distinct positive ids, at most `max`.
fn ids(field: &'static str, list: &Option<Vec<i64>>, max: usize) -> Result<Vec<i64>, DomainError> {
    let mut v = list.clone().unwrap_or_default();
    v.sort_unstable();
    v.dedup();
    if v.len() > max {
        return Err(DomainError::new(field, Reason::TooManyItems { max }));
    }
    if v.iter().any(|i| *i <= 0) {
        return Err(DomainError::new(field, Reason::Required));
    }
    Ok(v)
}

/// A programme as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramInput {
    #[schema(required, nullable = false)]
    pub name: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Level>)]
    pub level: Option<String>,
    /// The area: a province or a commune (none for a national programme).
    pub org_unit_id: Option<i64>,
    /// The higher programme this one carries out.
    pub parent_id: Option<i64>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub starts_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub ends_on: Option<String>,
    /// The partner organisations that are parties (the police always are).
    #[schema(required, nullable = false)]
    pub partners: Option<Vec<i64>>,
    /// Basis documents from the register.
    pub documents: Option<Vec<i64>>,
    pub summary: Option<String>,
}

/// A checked programme.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgram {
    pub name: String,
    pub kind: Kind,
    pub level: Level,
    pub org_unit_id: Option<i64>,
    pub parent_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub partners: Vec<i64>,
    pub documents: Vec<i64>,
    pub summary: Option<String>,
}

impl NewProgram {
    pub fn parse(input: &ProgramInput) -> Result<Self, DomainError> {
        let name = required_text("name", input.name.as_deref(), MAX_NAME_CHARS)?;
        let kind = Kind::parse("kind", required("kind", &input.kind)?)?;
        let level = Level::parse("level", required("level", &input.level)?)?;
        let org_unit_id = unit_for_level(level, input.org_unit_id)?;
        let starts_on = required_date("starts_on", &input.starts_on)?;
        let ends_on = required_date("ends_on", &input.ends_on)?;
        if ends_on < starts_on || (ends_on - starts_on).num_days() > MAX_YEARS * 366 {
            return Err(DomainError::new(
                "ends_on",
                Reason::ProgramPeriodInvalid {
                    max_years: MAX_YEARS,
                },
            ));
        }
        let partners = ids("partners", &input.partners, MAX_PARTIES)?;
        if partners.is_empty() {
            return Err(DomainError::new("partners", Reason::ProgramPartnerRequired));
        }
        Ok(NewProgram {
            name,
            kind,
            level,
            org_unit_id,
            parent_id: input.parent_id.filter(|p| *p > 0),
            starts_on,
            ends_on,
            partners,
            documents: ids("documents", &input.documents, MAX_PARTIES)?,
            summary: optional_note("summary", input.summary.as_deref(), MAX_SUMMARY_CHARS)?,
        })
    }

    /// Whether `day` falls within the programme.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// A target as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// What is aimed at, in words: "Thành lập 20 mô hình Tự quản".
    #[schema(required, nullable = false)]
    pub name: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Source>)]
    pub source: Option<String>,
    /// For `models`: only models of this type (none: any type).
    pub model_type_id: Option<i64>,
    /// For `certified`: only this kind of unit (none: any).
    #[schema(value_type = Option<crate::certification::Kind>)]
    pub certification_kind: Option<String>,
    /// For `indicator`: the indicator's code.
    pub indicator: Option<String>,
    #[schema(required, nullable = false, minimum = 0.0, exclusive_minimum = 0.0)]
    pub target_value: Option<f64>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub due_on: Option<String>,
}

/// A checked target: where its progress comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Measure {
    Models {
        model_type_id: Option<i64>,
    },
    Certified {
        kind: Option<crate::certification::Kind>,
    },
    Classes,
    Trainees,
    Indicator {
        code: String,
    },
    Manual,
}

impl Measure {
    pub fn source(&self) -> Source {
        match self {
            Measure::Models { .. } => Source::Models,
            Measure::Certified { .. } => Source::Certified,
            Measure::Classes => Source::Classes,
            Measure::Trainees => Source::Trainees,
            Measure::Indicator { .. } => Source::Indicator,
            Measure::Manual => Source::Manual,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub name: String,
    pub measure: Measure,
    pub target_value: f64,
    pub due_on: NaiveDate,
}

impl NewTarget {
    pub fn parse(input: &TargetInput) -> Result<Self, DomainError> {
        let name = required_text("name", input.name.as_deref(), MAX_NAME_CHARS)?;
        let source = Source::parse("source", required("source", &input.source)?)?;
        let measure = match source {
            Source::Models => Measure::Models {
                model_type_id: input.model_type_id.filter(|t| *t > 0),
            },
            Source::Certified => Measure::Certified {
                kind: input
                    .certification_kind
                    .as_deref()
                    .filter(|k| !k.trim().is_empty())
                    .map(|k| crate::certification::Kind::parse("certification_kind", k))
                    .transpose()?,
            },
            Source::Classes => Measure::Classes,
            Source::Trainees => Measure::Trainees,
            Source::Indicator => Measure::Indicator {
                code: optional_text("indicator", input.indicator.as_deref(), 60)?
                    .ok_or_else(|| DomainError::new("indicator", Reason::Required))?,
            },
            Source::Manual => Measure::Manual,
        };
        let target_value = input
            .target_value
            .filter(|v| v.is_finite() && *v > 0.0 && *v <= 1e12)
            .ok_or_else(|| DomainError::new("target_value", Reason::TargetValueInvalid))?;
        Ok(NewTarget {
            name,
            measure,
            target_value,
            due_on: required_date("due_on", &input.due_on)?,
        })
    }
}

/// An activity as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub held_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<ActivityKind>)]
    pub kind: Option<String>,
    /// Where, within the programme's area (default: the area itself).
    pub org_unit_id: Option<i64>,
    pub place: Option<String>,
    /// How many took part (a number, not a list of people).
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub participants: Option<i64>,
    pub result: Option<String>,
    /// The party that held it; a partner's user always reports for their
    /// own organisation, the police for none (themselves) or a party.
    pub organisation_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    pub held_on: NaiveDate,
    pub kind: ActivityKind,
    pub org_unit_id: Option<i64>,
    pub place: Option<String>,
    pub participants: Option<i64>,
    pub result: Option<String>,
    pub organisation_id: Option<i64>,
}

impl NewActivity {
    pub fn parse(input: &ActivityInput, today: NaiveDate) -> Result<Self, DomainError> {
        let held_on = required_date("held_on", &input.held_on)?;
        if held_on > today {
            return Err(DomainError::new("held_on", Reason::DateInFuture));
        }
        let participants = match input.participants {
            Some(n) if !(0..=1_000_000).contains(&n) => {
                return Err(DomainError::new(
                    "participants",
                    Reason::CountOutOfRange { max: 1_000_000 },
                ))
            }
            n => n,
        };
        Ok(NewActivity {
            held_on,
            kind: ActivityKind::parse("kind", required("kind", &input.kind)?)?,
            org_unit_id: input.org_unit_id.filter(|u| *u > 0),
            place: optional_text("place", input.place.as_deref(), 200)?,
            participants,
            result: optional_note("result", input.result.as_deref(), MAX_SUMMARY_CHARS)?,
            organisation_id: input.organisation_id.filter(|o| *o > 0),
        })
    }
}

/// A target's progress on a day: the value reached, its share of the
/// target (capped at 100 for bars, not for the figure), and whether it is
/// late (due, not reached).
pub fn percent(value: f64, target: f64) -> f64 {
    if target <= 0.0 {
        return 0.0;
    }
    let p = (value / target * 1000.0).round() / 10.0;
    // A tiny target (1e-300) or a huge figure would overflow to infinity,
    // which JSON cannot carry: capped instead.
    if p.is_finite() {
        p.clamp(0.0, MAX_PERCENT)
    } else if p > 0.0 {
        MAX_PERCENT
    } else {
        0.0
    }
}

/// The most a target's progress shows, in percent.
pub const MAX_PERCENT: f64 = 1e12;

pub fn is_late(value: f64, target: f64, due_on: NaiveDate, today: NaiveDate) -> bool {
    due_on < today && value < target
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn program() -> ProgramInput {
        ProgramInput {
            name: Some("Kế hoạch liên tịch 01 Công an tỉnh – Tỉnh đoàn".into()),
            kind: Some("ke_hoach_lien_tich".into()),
            level: Some("province".into()),
            org_unit_id: Some(37),
            starts_on: Some("2026-01-01".into()),
            ends_on: Some("2030-12-31".into()),
            partners: Some(vec![4, 4, 2]),
            ..Default::default()
        }
    }

    #[test]
    fn a_programme_has_partners_and_a_period() {
        let p = NewProgram::parse(&program()).unwrap();
        assert_eq!(p.partners, vec![2, 4]);
        assert!(p.covers(d("2028-05-01")) && !p.covers(d("2031-01-01")));
        let field = |f: fn(&mut ProgramInput)| {
            let mut i = program();
            f(&mut i);
            NewProgram::parse(&i).unwrap_err().field
        };
        assert_eq!(field(|i| i.partners = Some(vec![])), "partners");
        assert_eq!(field(|i| i.ends_on = Some("2025-12-31".into())), "ends_on");
        assert_eq!(field(|i| i.ends_on = Some("2050-01-01".into())), "ends_on");
        assert_eq!(field(|i| i.org_unit_id = None), "org_unit_id");
        assert_eq!(field(|i| i.kind = Some("x".into())), "kind");
    }

    #[test]
    fn a_target_says_where_its_progress_comes_from() {
        let t = |source: &str, indicator: Option<&str>| {
            NewTarget::parse(&TargetInput {
                name: Some("Mục tiêu".into()),
                source: Some(source.into()),
                indicator: indicator.map(String::from),
                target_value: Some(20.0),
                due_on: Some("2030-12-31".into()),
                ..Default::default()
            })
        };
        assert_eq!(
            t("models", None).unwrap().measure,
            Measure::Models {
                model_type_id: None
            }
        );
        assert_eq!(t("indicator", None).unwrap_err().field, "indicator");
        assert_eq!(
            t("indicator", Some("tin_bao")).unwrap().measure,
            Measure::Indicator {
                code: "tin_bao".into()
            }
        );
        assert_eq!(t("guess", None).unwrap_err().field, "source");
        let mut zero = TargetInput {
            name: Some("x".into()),
            source: Some("manual".into()),
            target_value: Some(0.0),
            due_on: Some("2030-12-31".into()),
            ..Default::default()
        };
        assert_eq!(NewTarget::parse(&zero).unwrap_err().field, "target_value");
        zero.target_value = Some(f64::NAN);
        assert_eq!(NewTarget::parse(&zero).unwrap_err().field, "target_value");
    }

    #[test]
    fn progress_is_a_share_and_late_only_past_due() {
        assert_eq!(percent(7.0, 20.0), 35.0);
        assert_eq!(percent(25.0, 20.0), 125.0);
        // Never infinite (JSON has no such number).
        assert_eq!(percent(1.0, 1e-300), MAX_PERCENT);
        assert_eq!(percent(f64::MAX, 1.0), MAX_PERCENT);
        let today = d("2026-12-06");
        assert!(is_late(7.0, 20.0, d("2026-06-30"), today));
        assert!(!is_late(20.0, 20.0, d("2026-06-30"), today));
        assert!(!is_late(7.0, 20.0, d("2027-06-30"), today));
    }

    #[test]
    fn an_activity_is_not_in_the_future_and_counts_people() {
        let today = d("2026-12-06");
        let a = |held: &str, n: Option<i64>| {
            NewActivity::parse(
                &ActivityInput {
                    held_on: Some(held.into()),
                    kind: Some("tuyen_truyen".into()),
                    participants: n,
                    ..Default::default()
                },
                today,
            )
        };
        assert!(a("2026-12-01", Some(120)).is_ok());
        assert_eq!(a("2026-12-07", None).unwrap_err().field, "held_on");
        assert_eq!(a("2026-12-01", Some(-1)).unwrap_err().field, "participants");
    }
}
