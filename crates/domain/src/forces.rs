//! The grassroots security teams (Tổ bảo vệ an ninh, trật tự, Law
//! 30/2023/QH15, from 1 July 2024) and the forces before them: teams per
//! village, their members, the eligibility rules a member is checked
//! against, the provinces' team-size rules, and the national ID number
//! kept sealed. No IO: `store::forces` writes what these types allow.

mod national_id;
pub mod roster_file;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::reason::Reason;

pub use national_id::{masked, IdKey, NationalId};

/// Names, decision numbers, signers.
pub const MAX_SHORT_CHARS: usize = 200;
/// Reasons and notes.
pub const MAX_NOTE_CHARS: usize = 2000;
/// The day the Law on forces protecting security and order at the
/// grassroots took effect: the older forces end the day before.
pub fn law_30_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 7, 1).unwrap_or(NaiveDate::MIN)
}

coded!(
    /// Which force a team belongs to: Law 30's teams, or one of the forces
    /// it replaced (kept as closed historical rosters).
    Force, ForceUnknown, Force {
        Law30 = "to_bao_ve_antt", "Tổ bảo vệ ANTT", "security and order team";
        NeighbourhoodGuard = "bao_ve_dan_pho", "Bảo vệ dân phố", "neighbourhood guards";
        PartTimePolice = "cong_an_xa_ban_chuyen_trach", "Công an xã bán chuyên trách", "part-time commune police";
        CivilDefence = "dan_phong", "Dân phòng", "civil defence team";
    }
);

impl Force {
    /// Whether the force existed on `day`: Law 30's teams from 1 July
    /// 2024, the older forces until the day before.
    pub fn existed_on(self, day: NaiveDate) -> bool {
        (self == Force::Law30) == (day >= law_30_from())
    }

    /// The name a team gets when its decision names none.
    pub fn team_name(self, unit_name: &str) -> String {
        let prefix = match self {
            Force::Law30 => "Tổ bảo vệ ANTT",
            Force::NeighbourhoodGuard => "Tổ bảo vệ dân phố",
            Force::PartTimePolice => "Công an xã bán chuyên trách",
            Force::CivilDefence => "Đội dân phòng",
        };
        format!("{prefix} {unit_name}")
    }
}

coded!(
    /// A member's place in the team.
    Role, TeamRoleUnknown, TeamRole {
        Leader = "to_truong", "Tổ trưởng", "team leader";
        Deputy = "to_pho", "Tổ phó", "deputy leader";
        Member = "to_vien", "Tổ viên", "member";
    }
);

coded!(
    /// Why a membership ended.
    EndReason, EndReasonUnknown, MembershipEndReason {
        Moved = "moved", "Chuyển nơi cư trú", "moved elsewhere";
        Resigned = "resigned", "Xin thôi", "resigned";
        Dismissed = "dismissed", "Bị cho thôi", "dismissed";
        RoleChanged = "role_changed", "Thay đổi chức danh", "role changed";
        Ineligible = "ineligible", "Không còn đủ điều kiện", "no longer eligible";
        Died = "died", "Từ trần", "died";
        TeamDissolved = "team_dissolved", "Tổ giải thể", "team dissolved";
        Other = "other", "Lý do khác", "other";
    }
);

coded!(
    /// The highest schooling a person finished, as the law's condition reads it.
    Schooling, SchoolingLevelUnknown, Schooling {
        None = "none", "Chưa tốt nghiệp tiểu học", "primary not finished";
        Primary = "primary", "Tiểu học", "primary";
        LowerSecondary = "lower_secondary", "Trung học cơ sở", "lower secondary";
        UpperSecondary = "upper_secondary", "Trung học phổ thông", "upper secondary";
        Higher = "higher", "Trung cấp trở lên", "vocational or higher";
    }
);

impl Schooling {
    fn rank(self) -> u8 {
        match self {
            Schooling::None => 0,
            Schooling::Primary => 1,
            Schooling::LowerSecondary => 2,
            Schooling::UpperSecondary => 3,
            Schooling::Higher => 4,
        }
    }
}

coded!(
    /// Why a unit's members need only primary schooling (Law 30, art. 15).
    AreaMark, AreaMarkUnknown, AreaMark {
        Border = "border", "Khu vực biên giới", "border area";
        Mountain = "mountain", "Miền núi", "mountain area";
        Minority = "minority", "Vùng đồng bào dân tộc thiểu số", "ethnic minority area";
    }
);

coded!(
    /// One condition of eligibility.
    Rule, EligibilityRuleUnknown, EligibilityRule {
        Age = "age", "Độ tuổi", "age";
        Residence = "residence", "Thời gian cư trú", "residence";
        Schooling = "schooling", "Trình độ học vấn", "schooling";
        Health = "health", "Sức khỏe", "health";
        Sanction = "sanction", "Không bị xử lý", "no sanction";
    }
);

// ---- teams ------------------------------------------------------------------

/// A new team, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// The village or residential group (a commune for the part-time
    /// commune police of the older forces).
    #[schema(required, nullable = false)]
    pub org_unit_id: Option<i64>,
    /// `to_bao_ve_antt` unless a historical roster.
    #[schema(required = false, value_type = Option<Force>)]
    pub force: Option<String>,
    /// Defaults to "Tổ bảo vệ ANTT" and the village's name.
    pub name: Option<String>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub established_on: Option<String>,
    #[schema(required, nullable = false)]
    pub decision_no: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub decision_on: Option<String>,
    /// Who signed the decision (the commune People's Committee chair).
    pub decision_signer: Option<String>,
    /// The decision that allows a second active team in the same unit.
    pub second_team_decision: Option<String>,
    /// Historical rosters: the day the force ended (at the latest 30 June 2024).
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub ended_on: Option<String>,
}

/// A checked new team.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTeam {
    pub org_unit_id: i64,
    pub force: Force,
    pub name: Option<String>,
    pub established_on: NaiveDate,
    pub decision_no: String,
    pub decision_on: Option<NaiveDate>,
    pub decision_signer: Option<String>,
    pub second_team_decision: Option<String>,
    pub ended_on: Option<NaiveDate>,
}

impl NewTeam {
    pub fn parse(input: &TeamInput, today: NaiveDate) -> Result<Self, DomainError> {
        let org_unit_id = input
            .org_unit_id
            .ok_or_else(|| DomainError::new("org_unit_id", Reason::Required))?;
        let force = match input.force.as_deref().map(str::trim) {
            None | Some("") => Force::Law30,
            Some(s) => Force::parse("force", s)?,
        };
        let established_on = required_date("established_on", input.established_on.as_deref())?;
        not_future("established_on", established_on, today)?;
        let decision_on = optional_date("decision_on", input.decision_on.as_deref())?;
        if let Some(d) = decision_on {
            not_future("decision_on", d, today)?;
        }
        let ended_on = optional_date("ended_on", input.ended_on.as_deref())?;
        check_force_dates(force, established_on, ended_on)?;
        Ok(Self {
            org_unit_id,
            force,
            name: optional_text("name", input.name.as_deref(), MAX_SHORT_CHARS)?,
            established_on,
            decision_no: required_text("decision_no", input.decision_no.as_deref(), 60)?,
            decision_on,
            decision_signer: optional_text(
                "decision_signer",
                input.decision_signer.as_deref(),
                MAX_SHORT_CHARS,
            )?,
            second_team_decision: optional_text(
                "second_team_decision",
                input.second_team_decision.as_deref(),
                60,
            )?,
            ended_on,
        })
    }
}

/// Law 30's teams start on 1 July 2024 or later and stay open; the older
/// forces are closed rosters that ended by 30 June 2024.
pub(crate) fn check_force_dates(
    force: Force,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<(), DomainError> {
    if !force.existed_on(from) {
        return Err(DomainError::new(
            "established_on",
            Reason::ForceNotInForce {
                force: force.term(),
                from: law_30_from(),
            },
        ));
    }
    match to {
        Some(t) if t < from => Err(DomainError::new("ended_on", Reason::EndBeforeStart)),
        Some(t) if !force.existed_on(t) => Err(DomainError::new(
            "ended_on",
            Reason::ForceNotInForce {
                force: force.term(),
                from: law_30_from(),
            },
        )),
        None if force != Force::Law30 => {
            Err(DomainError::new("ended_on", Reason::HistoricalForceOpen))
        }
        _ => Ok(()),
    }
}

/// Dissolving a team, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DissolveInput {
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub ended_on: Option<String>,
    #[schema(required, nullable = false)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dissolution {
    pub ended_on: NaiveDate,
    pub reason: String,
}

impl Dissolution {
    pub fn parse(
        input: &DissolveInput,
        established_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let ended_on = required_date("ended_on", input.ended_on.as_deref())?;
        not_future("ended_on", ended_on, today)?;
        if ended_on < established_on {
            return Err(DomainError::new("ended_on", Reason::EndBeforeStart));
        }
        Ok(Self {
            ended_on,
            reason: required_text("reason", input.reason.as_deref(), MAX_NOTE_CHARS)?,
        })
    }
}

// ---- people and members ---------------------------------------------------------

/// A person as a member's or a trainee's record holds them: what the law
/// needs to check eligibility and to reach them, nothing more.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[schema(required, nullable = false)]
    pub full_name: Option<String>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    #[schema(required = false, value_type = Option<Schooling>)]
    pub schooling: Option<String>,
    /// The 12-digit citizen ID (or a 9-digit older card), if entered at all:
    /// stored encrypted, shown masked.
    pub national_id: Option<String>,
}

/// A checked person.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub schooling: Option<Schooling>,
    pub national_id: Option<NationalId>,
}

impl NewPerson {
    pub fn parse(input: &PersonInput, today: NaiveDate) -> Result<Self, DomainError> {
        let birth_date = required_date("birth_date", input.birth_date.as_deref())?;
        not_future("birth_date", birth_date, today)?;
        Ok(Self {
            full_name: required_text("full_name", input.full_name.as_deref(), MAX_SHORT_CHARS)?,
            birth_date,
            phone: phone(input.phone.as_deref())?,
            schooling: input
                .schooling
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| Schooling::parse("schooling", s))
                .transpose()?,
            national_id: input
                .national_id
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| NationalId::parse("national_id", s))
                .transpose()?,
        })
    }
}

/// A Vietnamese phone number: 9 to 11 digits, spaces, dots and dashes
/// dropped, an optional leading `+84` read as `0`.
fn phone(s: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let s = s
        .strip_prefix("+84")
        .map_or(s.to_string(), |r| format!("0{r}"));
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    if (9..=11).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err(DomainError::new("phone", Reason::PhoneInvalid))
    }
}

/// A new membership, as sent: an existing person (`person_id`), or a new
/// one (`person`), with what the decision declares.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// Someone already on record (a member who moved village keeps their
    /// record and training history).
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
    #[schema(required, nullable = false, value_type = Option<Role>)]
    pub role: Option<String>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub start_on: Option<String>,
    /// The commune People's Committee decision recognising the member.
    #[schema(required, nullable = false)]
    pub decision_no: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub decision_on: Option<String>,
    /// Since when the person lives in the area.
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub resident_since: Option<String>,
    /// The date of the health certificate.
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub health_certified_on: Option<String>,
    /// Declared with the decision: not under prosecution, sanction or
    /// administrative measure.
    pub no_sanction: Option<bool>,
    /// The decision allowing a member over 70.
    pub age_decision: Option<String>,
    /// An officer's reason to recognise a member who fails a check
    /// (recorded in the audit log).
    pub override_reason: Option<String>,
}

/// Who a new membership is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    Existing(i64),
    New(NewPerson),
}

/// A checked new membership.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMember {
    pub who: Who,
    pub role: Role,
    pub start_on: NaiveDate,
    pub decision_no: String,
    pub decision_on: Option<NaiveDate>,
    pub declared: Declared,
    pub override_reason: Option<String>,
}

/// What the recognising decision declares about a member.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Declared {
    pub resident_since: Option<NaiveDate>,
    pub health_certified_on: Option<NaiveDate>,
    pub no_sanction: bool,
    pub age_decision: Option<String>,
}

impl NewMember {
    pub fn parse(input: &MemberInput, today: NaiveDate) -> Result<Self, DomainError> {
        let who = match (input.person_id, &input.person) {
            (Some(id), None) => Who::Existing(id),
            (None, Some(p)) => Who::New(NewPerson::parse(p, today)?),
            _ => return Err(DomainError::new("person", Reason::PersonOrId)),
        };
        let role = Role::parse(
            "role",
            input
                .role
                .as_deref()
                .ok_or_else(|| DomainError::new("role", Reason::Required))?,
        )?;
        let start_on = required_date("start_on", input.start_on.as_deref())?;
        not_future("start_on", start_on, today)?;
        let decision_on = optional_date("decision_on", input.decision_on.as_deref())?;
        let resident_since = optional_date("resident_since", input.resident_since.as_deref())?;
        let health_certified_on =
            optional_date("health_certified_on", input.health_certified_on.as_deref())?;
        for (field, d) in [
            ("decision_on", decision_on),
            ("resident_since", resident_since),
            ("health_certified_on", health_certified_on),
        ] {
            if let Some(d) = d {
                not_future(field, d, today)?;
            }
        }
        Ok(Self {
            who,
            role,
            start_on,
            decision_no: required_text("decision_no", input.decision_no.as_deref(), 60)?,
            decision_on,
            declared: Declared {
                resident_since,
                health_certified_on,
                no_sanction: input.no_sanction.unwrap_or(false),
                age_decision: optional_text("age_decision", input.age_decision.as_deref(), 60)?,
            },
            override_reason: optional_note(
                "override_reason",
                input.override_reason.as_deref(),
                MAX_NOTE_CHARS,
            )?,
        })
    }
}

/// Ending a membership, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndMemberInput {
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub end_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<EndReason>)]
    pub reason: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndMember {
    pub end_on: NaiveDate,
    pub reason: EndReason,
    pub note: Option<String>,
}

impl EndMember {
    pub fn parse(
        input: &EndMemberInput,
        start_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let end_on = required_date("end_on", input.end_on.as_deref())?;
        not_future("end_on", end_on, today)?;
        if end_on < start_on {
            return Err(DomainError::new("end_on", Reason::EndBeforeStart));
        }
        let reason = EndReason::parse(
            "reason",
            input
                .reason
                .as_deref()
                .ok_or_else(|| DomainError::new("reason", Reason::Required))?,
        )?;
        let note = optional_note("note", input.note.as_deref(), MAX_NOTE_CHARS)?;
        if reason == EndReason::Other && note.is_none() {
            return Err(DomainError::new("note", Reason::Required));
        }
        Ok(Self {
            end_on,
            reason,
            note,
        })
    }
}

// ---- eligibility --------------------------------------------------------------

/// The oldest a member may be without a decision.
pub const MAX_AGE: u32 = 70;
pub const MIN_AGE: u32 = 18;
/// A health certificate serves for a year.
pub const HEALTH_MONTHS: u32 = 12;

/// What eligibility is judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts<'a> {
    pub birth_date: NaiveDate,
    pub schooling: Option<Schooling>,
    /// The area is marked border, mountain or minority (primary schooling
    /// suffices).
    pub relaxed_schooling: bool,
    pub declared: &'a Declared,
}

/// One rule's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Check {
    pub rule: Rule,
    pub passed: bool,
    /// Why it failed, in Vietnamese (none when passed).
    pub reason: Option<String>,
    /// The reason's stable code.
    pub code: Option<String>,
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let years = on.year() - birth.year();
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    u32::try_from(years - i32::from(before_birthday)).unwrap_or(0)
}

/// Every rule checked on `on` (the start of the membership, or today when
/// checked again).
pub fn check(f: &Facts<'_>, on: NaiveDate) -> Vec<Check> {
    let age = age_on(f.birth_date, on);
    let age = if age < MIN_AGE {
        Some(Reason::MemberTooYoung {
            age: i64::from(age),
            min: i64::from(MIN_AGE),
        })
    } else if age > MAX_AGE && f.declared.age_decision.is_none() {
        Some(Reason::MemberTooOld {
            age: i64::from(age),
            max: i64::from(MAX_AGE),
        })
    } else {
        None
    };
    let residence = match f.declared.resident_since {
        None => Some(Reason::ResidenceUnknown),
        Some(since)
            if since
                .checked_add_months(Months::new(12))
                .is_none_or(|d| d > on) =>
        {
            Some(Reason::ResidenceTooShort { since })
        }
        Some(_) => None,
    };
    let needed = if f.relaxed_schooling {
        Schooling::Primary
    } else {
        Schooling::LowerSecondary
    };
    let schooling = match f.schooling {
        Some(s) if s.rank() >= needed.rank() => None,
        Some(s) => Some(Reason::SchoolingTooLow {
            has: s.term(),
            needed: needed.term(),
        }),
        None => Some(Reason::SchoolingNotDeclared {
            needed: needed.term(),
        }),
    };
    let health = match f.declared.health_certified_on {
        None => Some(Reason::HealthCertificateMissing),
        Some(d)
            if d.checked_add_months(Months::new(HEALTH_MONTHS))
                .is_none_or(|until| until < on) =>
        {
            Some(Reason::HealthCertificateOld {
                on: d,
                months: i64::from(HEALTH_MONTHS),
            })
        }
        Some(_) => None,
    };
    let sanction = (!f.declared.no_sanction).then_some(Reason::SanctionNotDeclared);
    [
        (Rule::Age, age),
        (Rule::Residence, residence),
        (Rule::Schooling, schooling),
        (Rule::Health, health),
        (Rule::Sanction, sanction),
    ]
    .into_iter()
    .map(|(rule, failed)| Check {
        rule,
        passed: failed.is_none(),
        code: failed.as_ref().map(|r| r.code().to_string()),
        reason: failed.map(|r| DomainError::new("eligibility", r).text(crate::Language::Vi)),
    })
    .collect()
}

/// The refusal of a membership that fails a check and carries no override:
/// the failed rules, each with why.
pub fn refusal(checks: &[Check]) -> Option<DomainError> {
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{}: {}",
                c.rule.label(),
                c.reason.as_deref().unwrap_or_default()
            )
        })
        .collect();
    (!failed.is_empty()).then(|| {
        DomainError::new(
            "eligibility",
            Reason::MemberNotEligible {
                failed: failed.join("; "),
            },
        )
    })
}

/// Under 18 is never overridden: the law sets no exception.
pub fn overridable(checks: &[Check]) -> bool {
    !checks
        .iter()
        .any(|c| !c.passed && c.code.as_deref() == Some("member_too_young"))
}

// ---- team size ------------------------------------------------------------------

/// A province's rule for the number of members of a team, from a day on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SizeRule {
    pub min_members: i32,
    pub max_members: i32,
    /// Below this many households a team has at most `small_max_members`.
    pub small_households: Option<i32>,
    pub small_max_members: Option<i32>,
}

/// How a team's size stands against its province's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TeamSize)]
pub enum SizeStatus {
    Ok,
    TooFew,
    TooMany,
    /// No rule is in force in the province.
    NoRule,
}

impl SizeStatus {
    pub const ALL: [SizeStatus; 4] = [
        SizeStatus::Ok,
        SizeStatus::TooFew,
        SizeStatus::TooMany,
        SizeStatus::NoRule,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SizeStatus::Ok => "ok",
            SizeStatus::TooFew => "too_few",
            SizeStatus::TooMany => "too_many",
            SizeStatus::NoRule => "no_rule",
        }
    }

    /// A list filter's value.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
            .ok_or_else(|| DomainError::new(field, Reason::ValueInvalid))
    }

    pub fn label(self) -> &'static str {
        match self {
            SizeStatus::Ok => "Đủ",
            SizeStatus::TooFew => "Thiếu",
            SizeStatus::TooMany => "Thừa",
            SizeStatus::NoRule => "Chưa có quy định",
        }
    }
}

impl SizeRule {
    /// Whether a village of `households` is small by the rule (known
    /// households below its limit). The summary's SQL asks the same.
    pub fn is_small(&self, households: Option<i32>) -> bool {
        matches!((households, self.small_households), (Some(h), Some(limit)) if h < limit)
    }

    pub fn status(rule: Option<&SizeRule>, members: i64, households: Option<i32>) -> SizeStatus {
        let small = rule.is_some_and(|r| r.is_small(households));
        SizeRule::status_of(rule, members, small)
    }

    /// The same for a village already known to be small or not.
    pub fn status_of(rule: Option<&SizeRule>, members: i64, small: bool) -> SizeStatus {
        match rule {
            None => SizeStatus::NoRule,
            Some(r) if members < i64::from(r.min_members) => SizeStatus::TooFew,
            Some(r) => {
                let max = match (small, r.small_max_members) {
                    (true, Some(m)) => m,
                    _ => r.max_members,
                };
                if members > i64::from(max) {
                    SizeStatus::TooMany
                } else {
                    SizeStatus::Ok
                }
            }
        }
    }
}

/// A new size rule, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SizeRuleInput {
    /// The 2025 province the rule is decided by.
    #[schema(required, nullable = false)]
    pub province_id: Option<i64>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub from_date: Option<String>,
    #[schema(required, nullable = false, minimum = 1, maximum = 50)]
    pub min_members: Option<i32>,
    #[schema(required, nullable = false, minimum = 1, maximum = 50)]
    pub max_members: Option<i32>,
    #[schema(minimum = 1, maximum = 100000)]
    pub small_households: Option<i32>,
    #[schema(minimum = 1, maximum = 50)]
    pub small_max_members: Option<i32>,
    /// The provincial decision (number and symbol).
    #[schema(required, nullable = false)]
    pub decision_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSizeRule {
    pub province_id: i64,
    pub from_date: NaiveDate,
    pub rule: SizeRule,
    pub decision_ref: String,
}

impl NewSizeRule {
    pub fn parse(input: &SizeRuleInput) -> Result<Self, DomainError> {
        let members = |field: &'static str, n: Option<i32>| -> Result<i32, DomainError> {
            n.filter(|n| (1..=50).contains(n))
                .ok_or_else(|| DomainError::new(field, Reason::MembersOutOfRange { max: 50 }))
        };
        let min_members = members("min_members", input.min_members)?;
        let max_members = members("max_members", input.max_members)?;
        if max_members < min_members {
            return Err(DomainError::new("max_members", Reason::MaxBelowMin));
        }
        let (small_households, small_max_members) =
            match (input.small_households, input.small_max_members) {
                (None, None) => (None, None),
                (Some(h), Some(m)) if (1..=100_000).contains(&h) => {
                    let m = members("small_max_members", Some(m))?;
                    if m < min_members || m > max_members {
                        return Err(DomainError::new(
                            "small_max_members",
                            Reason::SmallMaxOutsideRange,
                        ));
                    }
                    (Some(h), Some(m))
                }
                (Some(_), Some(_)) => {
                    return Err(DomainError::new(
                        "small_households",
                        Reason::CountOutOfRange { max: 100_000 },
                    ))
                }
                (None, Some(_)) => {
                    return Err(DomainError::new("small_households", Reason::Required))
                }
                (Some(_), None) => {
                    return Err(DomainError::new("small_max_members", Reason::Required))
                }
            };
        Ok(Self {
            province_id: input
                .province_id
                .ok_or_else(|| DomainError::new("province_id", Reason::Required))?,
            from_date: required_date("from_date", input.from_date.as_deref())?,
            rule: SizeRule {
                min_members,
                max_members,
                small_households,
                small_max_members,
            },
            decision_ref: required_text("decision_ref", input.decision_ref.as_deref(), 60)?,
        })
    }
}

/// A village's households in a year, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdsInput {
    #[schema(required, nullable = false, minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    #[schema(required, nullable = false, minimum = 0, maximum = 100000)]
    pub households: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Households {
    pub year: i32,
    pub households: i32,
}

impl Households {
    pub fn parse(input: &HouseholdsInput) -> Result<Self, DomainError> {
        let year = input
            .year
            .and_then(|y| i32::try_from(y).ok())
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| DomainError::new("year", Reason::YearInvalid))?;
        let households = input
            .households
            .and_then(|h| i32::try_from(h).ok())
            .filter(|h| (0..=100_000).contains(h))
            .ok_or_else(|| {
                DomainError::new("households", Reason::CountOutOfRange { max: 100_000 })
            })?;
        Ok(Self { year, households })
    }
}

/// A unit's marks, as sent: they replace the unit's marks.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaMarksInput {
    #[schema(value_type = Vec<AreaMark>)]
    pub marks: Vec<String>,
}

impl AreaMarksInput {
    /// The marks, each once, in code order.
    pub fn parse(&self) -> Result<Vec<AreaMark>, DomainError> {
        let mut marks = self
            .marks
            .iter()
            .map(|m| AreaMark::parse("marks", m))
            .collect::<Result<Vec<_>, _>>()?;
        marks.sort_by_key(|m| m.as_str());
        marks.dedup();
        Ok(marks)
    }
}

// ---- shared parsing ---------------------------------------------------------------

fn required_date(field: &'static str, s: Option<&str>) -> Result<NaiveDate, DomainError> {
    optional_date(field, s)?.ok_or_else(|| DomainError::new(field, Reason::Required))
}

fn not_future(field: &'static str, d: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if d > today {
        return Err(DomainError::new(field, Reason::DateInFuture));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(declared: &Declared) -> Facts<'_> {
        Facts {
            birth_date: d("1980-05-10"),
            schooling: Some(Schooling::LowerSecondary),
            relaxed_schooling: false,
            declared,
        }
    }

    fn good() -> Declared {
        Declared {
            resident_since: Some(d("2020-01-01")),
            health_certified_on: Some(d("2025-09-01")),
            no_sanction: true,
            age_decision: None,
        }
    }

    fn failed(checks: &[Check]) -> Vec<Rule> {
        checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.rule)
            .collect()
    }

    #[test]
    fn an_eligible_member_passes_every_rule() {
        let g = good();
        assert!(failed(&check(&facts(&g), d("2026-01-15"))).is_empty());
    }

    #[test]
    fn age_counts_full_years() {
        assert_eq!(age_on(d("2008-03-01"), d("2026-02-28")), 17);
        assert_eq!(age_on(d("2008-03-01"), d("2026-03-01")), 18);
        let g = good();
        let mut f = facts(&g);
        f.birth_date = d("2008-03-01");
        let checks = check(&f, d("2026-02-28"));
        assert_eq!(failed(&checks), vec![Rule::Age]);
        assert!(!overridable(&checks));
        let text = refusal(&checks).unwrap().text(crate::Language::Vi);
        assert!(text.contains("17 tuổi"), "{text}");
    }

    #[test]
    fn over_seventy_needs_a_decision() {
        let mut g = good();
        let mut f = facts(&g);
        f.birth_date = d("1950-01-01");
        assert_eq!(failed(&check(&f, d("2026-01-15"))), vec![Rule::Age]);
        assert!(overridable(&check(&f, d("2026-01-15"))));
        g.age_decision = Some("12/QĐ-UBND".into());
        let mut f = facts(&g);
        f.birth_date = d("1950-01-01");
        assert!(failed(&check(&f, d("2026-01-15"))).is_empty());
    }

    #[test]
    fn residence_needs_a_full_year() {
        let mut g = good();
        g.resident_since = Some(d("2025-01-16"));
        assert_eq!(
            failed(&check(&facts(&g), d("2026-01-15"))),
            vec![Rule::Residence]
        );
        g.resident_since = Some(d("2025-01-15"));
        assert!(failed(&check(&facts(&g), d("2026-01-15"))).is_empty());
    }

    #[test]
    fn primary_schooling_suffices_only_in_marked_areas() {
        let g = good();
        let mut f = facts(&g);
        f.schooling = Some(Schooling::Primary);
        assert_eq!(failed(&check(&f, d("2026-01-15"))), vec![Rule::Schooling]);
        f.relaxed_schooling = true;
        assert!(failed(&check(&f, d("2026-01-15"))).is_empty());
        f.schooling = None;
        assert_eq!(failed(&check(&f, d("2026-01-15"))), vec![Rule::Schooling]);
    }

    #[test]
    fn a_health_certificate_serves_a_year_and_sanctions_must_be_declared() {
        let mut g = good();
        g.health_certified_on = Some(d("2025-01-14"));
        g.no_sanction = false;
        assert_eq!(
            failed(&check(&facts(&g), d("2026-01-15"))),
            vec![Rule::Health, Rule::Sanction]
        );
    }

    #[test]
    fn team_size_follows_households() {
        let hanoi = SizeRule {
            min_members: 3,
            max_members: 5,
            small_households: Some(350),
            small_max_members: Some(4),
        };
        let r = Some(&hanoi);
        assert_eq!(SizeRule::status(r, 2, Some(500)), SizeStatus::TooFew);
        assert_eq!(SizeRule::status(r, 5, Some(500)), SizeStatus::Ok);
        assert_eq!(SizeRule::status(r, 5, Some(349)), SizeStatus::TooMany);
        assert_eq!(SizeRule::status(r, 4, Some(349)), SizeStatus::Ok);
        assert_eq!(SizeRule::status(r, 5, None), SizeStatus::Ok);
        assert_eq!(SizeRule::status(None, 5, None), SizeStatus::NoRule);
    }

    #[test]
    fn historical_forces_end_before_law_30() {
        let input = TeamInput {
            org_unit_id: Some(1),
            force: Some("bao_ve_dan_pho".into()),
            established_on: Some("2015-03-01".into()),
            decision_no: Some("5/QĐ".into()),
            ..Default::default()
        };
        let today = d("2026-01-01");
        assert_eq!(
            NewTeam::parse(&input, today).unwrap_err().code(),
            "historical_force_open"
        );
        let closed = TeamInput {
            ended_on: Some("2024-06-30".into()),
            ..input.clone()
        };
        assert!(NewTeam::parse(&closed, today).is_ok());
        let late = TeamInput {
            ended_on: Some("2024-07-01".into()),
            ..input
        };
        assert_eq!(
            NewTeam::parse(&late, today).unwrap_err().code(),
            "force_not_in_force"
        );
        let early = TeamInput {
            org_unit_id: Some(1),
            established_on: Some("2024-06-01".into()),
            decision_no: Some("5/QĐ".into()),
            ..Default::default()
        };
        assert_eq!(
            NewTeam::parse(&early, today).unwrap_err().code(),
            "force_not_in_force"
        );
    }

    #[test]
    fn phones_are_digits() {
        assert_eq!(
            phone(Some("+84 912.345.678")).unwrap().unwrap(),
            "0912345678"
        );
        assert!(phone(Some("0912abc")).is_err());
        assert_eq!(phone(Some("  ")).unwrap(), None);
    }
}
