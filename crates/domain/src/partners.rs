//! Partner organisations: the Fatherland Front, the Youth Union, the
//! Women's Union … at the national, province and commune levels, each in
//! its unit of the hierarchy, with the roles and offices to reach (not
//! private persons' files). Organisations follow the 2025 reform as units
//! do: one ends and the merged province's continues it. No IO:
//! `store::partners` writes what these types allow.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::documents::Level;
use crate::error::DomainError;
use crate::models::{optional_date, optional_text, required_text};
use crate::reason::Reason;

pub const MAX_NAME_CHARS: usize = 200;
/// Offices to reach: a chair, a standing office, a hotline.
pub const MAX_CONTACTS: usize = 10;

coded!(
    /// What an organisation is (the movement's partners in the article).
    Kind, PartnerKindUnknown, PartnerKind {
        FatherlandFront = "mttq", "Ủy ban Mặt trận Tổ quốc", "Fatherland Front";
        YouthUnion = "doan_thanh_nien", "Đoàn TNCS Hồ Chí Minh", "Youth Union";
        WomensUnion = "hoi_phu_nu", "Hội Liên hiệp Phụ nữ", "Women's Union";
        FarmersAssociation = "hoi_nong_dan", "Hội Nông dân", "Farmers' Association";
        LabourFederation = "lien_doan_lao_dong", "Liên đoàn Lao động", "Labour Federation";
        VeteransAssociation = "hoi_cuu_chien_binh", "Hội Cựu chiến binh", "Veterans' Association";
        Education = "giao_duc", "Cơ quan giáo dục và đào tạo", "education department";
        School = "truong_hoc", "Trường học", "school";
        Religious = "ton_giao", "Tổ chức tôn giáo", "religious organisation";
        Enterprise = "doanh_nghiep", "Doanh nghiệp", "enterprise";
        Other = "khac", "Tổ chức khác", "other organisation";
    }
);

/// An office or role to reach, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The role or office: "Chủ tịch", "Văn phòng".
    #[schema(required, nullable = false)]
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A checked contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    fn parse(input: &ContactInput) -> Result<Self, DomainError> {
        let role = required_text("contacts", input.role.as_deref(), 100)?;
        let phone = optional_text("contacts", input.phone.as_deref(), 20)?;
        if phone.as_deref().is_some_and(|p| {
            !p.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '.' | '-'))
        }) {
            return Err(DomainError::new("contacts", Reason::PhoneInvalid));
        }
        let email = optional_text("contacts", input.email.as_deref(), 120)?;
        if email.as_deref().is_some_and(|e| {
            !e.contains('@') || e.starts_with('@') || e.ends_with('@') || e.contains(' ')
        }) {
            return Err(DomainError::new("contacts", Reason::EmailInvalid));
        }
        Ok(Contact { role, phone, email })
    }
}

/// An organisation as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    #[schema(required, nullable = false, value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[schema(
        required,
        nullable = false,
        example = "Đoàn TNCS Hồ Chí Minh phường Nam Định"
    )]
    pub name: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Level>)]
    pub level: Option<String>,
    /// The province or commune it sits in (none for a national body).
    pub org_unit_id: Option<i64>,
    pub contacts: Option<Vec<ContactInput>>,
}

/// A checked organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartner {
    pub kind: Kind,
    pub name: String,
    pub level: Level,
    pub org_unit_id: Option<i64>,
    pub contacts: Vec<Contact>,
}

impl NewPartner {
    pub fn parse(input: &PartnerInput) -> Result<Self, DomainError> {
        let kind = Kind::parse(
            "kind",
            input
                .kind
                .as_deref()
                .ok_or_else(|| DomainError::new("kind", Reason::Required))?,
        )?;
        let name = required_text("name", input.name.as_deref(), MAX_NAME_CHARS)?;
        let level = Level::parse(
            "level",
            input
                .level
                .as_deref()
                .ok_or_else(|| DomainError::new("level", Reason::Required))?,
        )?;
        let org_unit_id = unit_for_level(level, input.org_unit_id)?;
        let contacts = input.contacts.as_deref().unwrap_or_default();
        if contacts.len() > MAX_CONTACTS {
            return Err(DomainError::new(
                "contacts",
                Reason::TooManyItems { max: MAX_CONTACTS },
            ));
        }
        Ok(NewPartner {
            kind,
            name,
            level,
            org_unit_id,
            contacts: contacts
                .iter()
                .map(Contact::parse)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// The unit a record of `level` names: none for national, one otherwise.
pub fn unit_for_level(level: Level, unit: Option<i64>) -> Result<Option<i64>, DomainError> {
    match (level, unit) {
        (Level::National, None) => Ok(None),
        (Level::Province | Level::Commune, Some(id)) if id > 0 => Ok(Some(id)),
        _ => Err(DomainError::new(
            "org_unit_id",
            Reason::DocumentUnitForLevel {
                level: level.term(),
            },
        )),
    }
}

/// An organisation's end, as sent: the day, and the one that continues it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndInput {
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub ended_on: Option<String>,
    /// The organisation that continues its work (a merged province's).
    pub succeeded_by: Option<i64>,
}

/// A checked end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    pub ended_on: NaiveDate,
    pub succeeded_by: Option<i64>,
}

impl End {
    pub fn parse(input: &EndInput, today: NaiveDate) -> Result<Self, DomainError> {
        let ended_on = optional_date("ended_on", input.ended_on.as_deref())?
            .ok_or_else(|| DomainError::new("ended_on", Reason::Required))?;
        if ended_on > today {
            return Err(DomainError::new("ended_on", Reason::DateInFuture));
        }
        Ok(End {
            ended_on,
            succeeded_by: input.succeeded_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PartnerInput {
        PartnerInput {
            kind: Some("doan_thanh_nien".into()),
            name: Some("Đoàn TNCS Hồ Chí Minh phường Nam Định".into()),
            level: Some("commune".into()),
            org_unit_id: Some(5),
            contacts: Some(vec![ContactInput {
                role: Some("Bí thư Đoàn phường".into()),
                phone: Some("0228 3849 123".into()),
                email: None,
            }]),
        }
    }

    #[test]
    fn an_organisation_sits_in_a_unit_of_its_level() {
        let p = NewPartner::parse(&input()).unwrap();
        assert_eq!(p.kind, Kind::YouthUnion);
        assert_eq!(p.contacts.len(), 1);
        let mut national = input();
        national.level = Some("national".into());
        assert_eq!(
            NewPartner::parse(&national).unwrap_err().field,
            "org_unit_id"
        );
        national.org_unit_id = None;
        assert!(NewPartner::parse(&national).is_ok());
    }

    #[test]
    fn contacts_are_offices_with_a_phone_or_an_address() {
        let mut bad = input();
        bad.contacts = Some(vec![ContactInput {
            role: Some("Văn phòng".into()),
            phone: Some("gọi tôi".into()),
            email: None,
        }]);
        assert_eq!(NewPartner::parse(&bad).unwrap_err().field, "contacts");
        bad.contacts = Some(vec![ContactInput {
            role: None,
            ..Default::default()
        }]);
        assert_eq!(NewPartner::parse(&bad).unwrap_err().field, "contacts");
        bad.contacts = Some(vec![ContactInput {
            role: Some("Văn phòng".into()),
            phone: None,
            email: Some("vanphong@".into()),
        }]);
        assert_eq!(NewPartner::parse(&bad).unwrap_err().field, "contacts");
    }

    #[test]
    fn an_end_is_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let end = |d: &str| {
            End::parse(
                &EndInput {
                    ended_on: Some(d.into()),
                    succeeded_by: Some(3),
                },
                today,
            )
        };
        assert!(end("2025-06-30").is_ok());
        assert_eq!(end("2027-01-01").unwrap_err().field, "ended_on");
    }
}
