//! Commendations: a form (Bằng khen, Giấy khen, the "Bảo vệ an ninh Tổ
//! quốc" medal, Cờ thi đua, Thư khen) given at a level (the Ministry, the
//! province's People's Committee, the police department, the commune's
//! People's Committee) by a deciding document, for a year, with its
//! reason, to a collective (a unit, a partner organisation, a security
//! team), a model, or an individual (a name and a role, nothing more).
//! A commune proposes, the province decides (approves or refuses); a
//! decision already made is recorded as approved. No IO:
//! `store::commendations` writes what these types allow.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_date, optional_text, required_text};
use crate::reason::Reason;

pub const MAX_REASON_CHARS: usize = 1_000;
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_DECISION_CHARS: usize = 120;
/// Years a commendation may name: the movement's records start in 1990.
pub const FIRST_YEAR: i32 = 1990;

coded!(
    /// The form of a commendation.
    Form, CommendationFormUnknown, CommendationForm {
        Certificate = "bang_khen", "Bằng khen", "certificate of merit";
        Letter = "giay_khen", "Giấy khen", "letter of commendation";
        Medal = "ky_niem_chuong", "Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”", "“Protecting national security” medal";
        Flag = "co_thi_dua", "Cờ thi đua", "emulation flag";
        Note = "thu_khen", "Thư khen", "letter of praise";
    }
);

coded!(
    /// Who gives it.
    Level, CommendationLevelUnknown, CommendationLevel {
        Ministry = "bo", "Bộ Công an", "the Ministry of Public Security";
        ProvinceCommittee = "ubnd_tinh", "Chủ tịch Ủy ban nhân dân tỉnh", "the province's People's Committee";
        Department = "cong_an_tinh", "Giám đốc Công an tỉnh", "the province's police department";
        CommuneCommittee = "ubnd_xa", "Chủ tịch Ủy ban nhân dân xã", "the commune's People's Committee";
    }
);

impl Form {
    /// The levels that give this form (the emulation and commendation
    /// law: a Giấy khen is a department's or a commune's, a Bằng khen a
    /// ministry's or a province's, the medal the Ministry's alone).
    pub fn levels(self) -> &'static [Level] {
        use Level::*;
        match self {
            Form::Certificate | Form::Flag => &[Ministry, ProvinceCommittee],
            Form::Letter => &[Department, CommuneCommittee],
            Form::Medal => &[Ministry],
            Form::Note => &[Ministry, ProvinceCommittee, Department, CommuneCommittee],
        }
    }
}

coded!(
    /// Who receives it.
    RecipientKind, CommendationRecipientUnknown, CommendationRecipient {
        Unit = "unit", "Tập thể (đơn vị, thôn, tổ dân phố)", "a collective (a unit)";
        Organisation = "organisation", "Tổ chức phối hợp", "a partner organisation";
        Team = "team", "Tổ bảo vệ an ninh, trật tự", "a security team";
        Model = "model", "Mô hình", "a model";
        Person = "person", "Cá nhân", "an individual";
    }
);

impl RecipientKind {
    /// A collective for the statistics (everything but an individual).
    pub fn collective(self) -> bool {
        self != RecipientKind::Person
    }
}

coded!(
    /// Where a commendation stands.
    State, CommendationStateUnknown, CommendationState {
        Proposed = "proposed", "Đề nghị", "proposed";
        Approved = "approved", "Đã khen thưởng", "approved";
        Refused = "refused", "Không khen thưởng", "refused";
    }
);

/// Who receives it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A unit, an organisation, a team or a model, by id.
    Record(RecipientKind, i64),
    /// An individual: a name and a role, in a unit (where they work).
    Person {
        name: String,
        role: Option<String>,
        org_unit_id: i64,
    },
}

impl Recipient {
    pub fn kind(&self) -> RecipientKind {
        match self {
            Recipient::Record(k, _) => *k,
            Recipient::Person { .. } => RecipientKind::Person,
        }
    }
}

/// A commendation (or a proposal of one) as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommendationInput {
    #[schema(required, nullable = false, value_type = Option<Form>)]
    pub form: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Level>)]
    pub level: Option<String>,
    /// The emulation year it is for (default: the year of the decision,
    /// or of the proposal).
    pub year: Option<i32>,
    #[schema(required, nullable = false)]
    pub reason: Option<String>,
    #[schema(required, nullable = false, value_type = Option<RecipientKind>)]
    pub recipient_kind: Option<String>,
    /// The unit, organisation, security team or model.
    pub recipient_id: Option<i64>,
    /// An individual's name and role (nothing else is kept of them).
    pub person_name: Option<String>,
    pub person_role: Option<String>,
    /// The unit an individual works in.
    pub org_unit_id: Option<i64>,
    /// The deciding document in the register, or its number.
    pub document_id: Option<i64>,
    pub decision: Option<String>,
    /// The day of the decision: required to record a decided commendation,
    /// absent on a proposal.
    #[schema(value_type = Option<crate::schema::Day>)]
    pub decided_on: Option<String>,
}

/// A checked commendation or proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommendation {
    pub form: Form,
    pub level: Level,
    pub year: i32,
    pub reason: String,
    pub recipient: Recipient,
    pub document_id: Option<i64>,
    pub decision: Option<String>,
    /// None: a proposal.
    pub decided_on: Option<NaiveDate>,
}

/// What the input is for: a decision already made, or a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Record,
    Propose,
}

impl NewCommendation {
    pub fn parse(
        input: &CommendationInput,
        intent: Intent,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let required = |field: &'static str, v: Option<&str>| {
            v.map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| DomainError::new(field, Reason::Required))
        };
        let form = Form::parse("form", &required("form", input.form.as_deref())?)?;
        let level = Level::parse("level", &required("level", input.level.as_deref())?)?;
        if !form.levels().contains(&level) {
            return Err(DomainError::new(
                "level",
                Reason::CommendationFormLevel {
                    form: form.term(),
                    levels: crate::error::terms(form.levels(), Level::term),
                },
            ));
        }
        let decided_on = optional_date("decided_on", input.decided_on.as_deref())?;
        let decided_on = match (intent, decided_on) {
            (Intent::Record, None) => {
                return Err(DomainError::new("decided_on", Reason::Required));
            }
            (Intent::Record, Some(d)) if d > today => {
                return Err(DomainError::new("decided_on", Reason::DateInFuture));
            }
            (Intent::Propose, Some(_)) => {
                return Err(DomainError::new(
                    "decided_on",
                    Reason::CommendationProposalDecided,
                ));
            }
            (_, d) => d,
        };
        let year = input
            .year
            .unwrap_or_else(|| decided_on.unwrap_or(today).year());
        if year < FIRST_YEAR || year > today.year() {
            return Err(DomainError::new(
                "year",
                Reason::CommendationYearInvalid {
                    from: FIRST_YEAR,
                    to: today.year(),
                },
            ));
        }
        Ok(NewCommendation {
            form,
            level,
            year,
            reason: required_text("reason", input.reason.as_deref(), MAX_REASON_CHARS)?,
            recipient: recipient(input)?,
            document_id: input.document_id.filter(|d| *d > 0),
            decision: optional_text("decision", input.decision.as_deref(), MAX_DECISION_CHARS)?,
            decided_on,
        })
    }
}

fn recipient(input: &CommendationInput) -> Result<Recipient, DomainError> {
    let kind = RecipientKind::parse(
        "recipient_kind",
        input
            .recipient_kind
            .as_deref()
            .ok_or_else(|| DomainError::new("recipient_kind", Reason::Required))?,
    )?;
    if kind == RecipientKind::Person {
        return Ok(Recipient::Person {
            name: required_text("person_name", input.person_name.as_deref(), MAX_NAME_CHARS)?,
            role: optional_text("person_role", input.person_role.as_deref(), MAX_NAME_CHARS)?,
            org_unit_id: input
                .org_unit_id
                .filter(|u| *u > 0)
                .ok_or_else(|| DomainError::new("org_unit_id", Reason::Required))?,
        });
    }
    if input.person_name.is_some() || input.person_role.is_some() {
        return Err(DomainError::new(
            "person_name",
            Reason::CommendationPersonFields,
        ));
    }
    let id = input
        .recipient_id
        .filter(|r| *r > 0)
        .ok_or_else(|| DomainError::new("recipient_id", Reason::Required))?;
    Ok(Recipient::Record(kind, id))
}

/// A decision on a proposal, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `approve` or `refuse`.
    #[schema(required, nullable = false)]
    pub decision: Option<String>,
    /// Approving: the day, and the document or its number.
    #[schema(value_type = Option<crate::schema::Day>)]
    pub decided_on: Option<String>,
    pub document_id: Option<i64>,
    pub number: Option<String>,
    /// Refusing: why.
    pub reason: Option<String>,
}

/// A checked decision on a proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Approve {
        decided_on: NaiveDate,
        document_id: Option<i64>,
        number: Option<String>,
    },
    Refuse {
        reason: String,
    },
}

impl Decision {
    pub fn parse(input: &DecisionInput, today: NaiveDate) -> Result<Self, DomainError> {
        match input.decision.as_deref().map(str::trim) {
            Some("approve") => {
                let decided_on = optional_date("decided_on", input.decided_on.as_deref())?
                    .ok_or_else(|| DomainError::new("decided_on", Reason::Required))?;
                if decided_on > today {
                    return Err(DomainError::new("decided_on", Reason::DateInFuture));
                }
                Ok(Decision::Approve {
                    decided_on,
                    document_id: input.document_id.filter(|d| *d > 0),
                    number: optional_text("number", input.number.as_deref(), MAX_DECISION_CHARS)?,
                })
            }
            Some("refuse") => Ok(Decision::Refuse {
                reason: required_text("reason", input.reason.as_deref(), MAX_REASON_CHARS)?,
            }),
            _ => Err(DomainError::new(
                "decision",
                Reason::CommendationDecisionUnknown,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> CommendationInput {
        CommendationInput {
            form: Some("giay_khen".into()),
            level: Some("cong_an_tinh".into()),
            reason: Some("Có thành tích xuất sắc trong phong trào năm 2026".into()),
            recipient_kind: Some("team".into()),
            recipient_id: Some(7),
            decision: Some("120/QĐ-CAT".into()),
            decided_on: Some("2026-11-20".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_decided_commendation_names_its_form_level_and_recipient() {
        let today = d("2026-12-06");
        let c = NewCommendation::parse(&input(), Intent::Record, today).unwrap();
        assert_eq!(
            (c.form, c.level, c.year),
            (Form::Letter, Level::Department, 2026)
        );
        assert_eq!(c.recipient, Recipient::Record(RecipientKind::Team, 7));
        let person = CommendationInput {
            recipient_kind: Some("person".into()),
            recipient_id: None,
            person_name: Some(" Trần Văn Bình ".into()),
            person_role: Some("Tổ trưởng tổ bảo vệ ANTT".into()),
            org_unit_id: Some(12),
            ..input()
        };
        let c = NewCommendation::parse(&person, Intent::Record, today).unwrap();
        assert!(
            matches!(c.recipient, Recipient::Person { ref name, org_unit_id: 12, .. } if name == "Trần Văn Bình")
        );
        assert!(!c.recipient.kind().collective());
    }

    #[test]
    fn what_cannot_be_is_refused_by_its_field() {
        let today = d("2026-12-06");
        let field = |f: fn(&mut CommendationInput), intent| {
            let mut i = input();
            f(&mut i);
            NewCommendation::parse(&i, intent, today).unwrap_err().field
        };
        // The medal is the Ministry's alone; a Giấy khen is no Ministry's.
        assert_eq!(
            field(|i| i.form = Some("ky_niem_chuong".into()), Intent::Record),
            "level"
        );
        assert_eq!(
            field(|i| i.level = Some("bo".into()), Intent::Record),
            "level"
        );
        assert_eq!(field(|i| i.decided_on = None, Intent::Record), "decided_on");
        assert_eq!(
            field(|i| i.decided_on = Some("2027-01-01".into()), Intent::Record),
            "decided_on"
        );
        // A proposal is not decided yet.
        assert_eq!(field(|_| {}, Intent::Propose), "decided_on");
        assert_eq!(field(|i| i.year = Some(1989), Intent::Record), "year");
        assert_eq!(
            field(|i| i.recipient_id = None, Intent::Record),
            "recipient_id"
        );
        assert_eq!(
            field(|i| i.person_name = Some("X".into()), Intent::Record),
            "person_name"
        );
        assert_eq!(
            field(|i| i.reason = Some(" ".into()), Intent::Record),
            "reason"
        );
        let mut p = input();
        p.decided_on = None;
        let c = NewCommendation::parse(&p, Intent::Propose, today).unwrap();
        assert_eq!((c.decided_on, c.year), (None, 2026));
    }

    #[test]
    fn a_decision_approves_on_a_day_or_refuses_with_a_reason() {
        let today = d("2026-12-06");
        let ok = Decision::parse(
            &DecisionInput {
                decision: Some("approve".into()),
                decided_on: Some("2026-12-01".into()),
                number: Some("150/QĐ-UBND".into()),
                ..Default::default()
            },
            today,
        );
        assert!(matches!(ok, Ok(Decision::Approve { .. })));
        let no_reason = Decision::parse(
            &DecisionInput {
                decision: Some("refuse".into()),
                ..Default::default()
            },
            today,
        );
        assert_eq!(no_reason.unwrap_err().field, "reason");
        let unknown = Decision::parse(&DecisionInput::default(), today);
        assert_eq!(unknown.unwrap_err().field, "decision");
    }
}
