//! Events of the movement: thematic conferences, trainings of leaders,
//! launch ceremonies, pledge signings, the 19 August festival: who
//! organised them (units and partner organisations), when and where, how
//! many took part by group (never lists of persons), their documents,
//! photos and outcomes; the festival as one record per commune and year
//! (`NewFestival`) with the villages and sites holding it; and emulation
//! pledges (`NewPledge`) between parties with what each pledged and the
//! yearly assessment of each item. No IO: `store::events` writes what
//! these types allow.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::reason::Reason;

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_TEXT_CHARS: usize = 4_000;
pub const MAX_LIST: usize = 100;
/// An event lasts days, not months.
pub const MAX_DAYS: i64 = 31;
/// The festival's day (Quyết định 521/2005/QĐ-TTg): 19 August.
pub const FESTIVAL_DAY: (u32, u32) = (8, 19);

coded!(
    /// What an event is.
    Kind, EventKindUnknown, EventKind {
        Conference = "hoi_nghi_chuyen_de", "Hội nghị chuyên đề", "thematic conference";
        LeaderTraining = "tap_huan_can_bo", "Tập huấn cán bộ chủ chốt", "training of leaders";
        Launch = "le_phat_dong", "Lễ phát động", "launch ceremony";
        PledgeSigning = "ky_giao_uoc", "Ký kết giao ước thi đua", "emulation pledge signing";
        Festival = "ngay_hoi", "Ngày hội toàn dân bảo vệ an ninh Tổ quốc", "the 19 August festival";
        Review = "so_tong_ket", "Hội nghị sơ kết, tổng kết", "review conference";
        Other = "khac", "Sự kiện khác", "other event";
    }
);

coded!(
    /// Who took part, counted by group.
    Group, ParticipantGroupUnknown, ParticipantGroup {
        Officials = "can_bo", "Cán bộ, lãnh đạo địa phương", "local officials";
        Police = "cong_an", "Cán bộ, chiến sĩ Công an", "police officers";
        Residents = "nhan_dan", "Nhân dân", "residents";
        Youth = "doan_vien", "Đoàn viên thanh niên", "Youth Union members";
        Women = "hoi_vien_phu_nu", "Hội viên phụ nữ", "Women's Union members";
        Students = "hoc_sinh", "Học sinh, sinh viên", "students";
        Teams = "to_bao_ve", "Thành viên Tổ bảo vệ an ninh, trật tự", "security team members";
        Other = "khac", "Khác", "others";
    }
);

/// A count of participants of one group, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    #[schema(required, nullable = false, value_type = Option<Group>)]
    pub group: Option<String>,
    #[schema(required, nullable = false, minimum = 0)]
    pub count: Option<i64>,
}

/// An event as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    #[schema(required, nullable = false, value_type = Option<Kind>)]
    pub kind: Option<String>,
    #[schema(required, nullable = false)]
    pub title: Option<String>,
    /// The organising unit (a province or a commune; its police).
    #[schema(required, nullable = false)]
    pub org_unit_id: Option<i64>,
    /// Other organising units.
    pub co_organisers: Option<Vec<i64>>,
    /// Partner organisations organising it with the police.
    pub partners: Option<Vec<i64>>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub starts_on: Option<String>,
    /// The last day (default: the first).
    #[schema(value_type = Option<crate::schema::Day>)]
    pub ends_on: Option<String>,
    pub place: Option<String>,
    pub participants: Option<Vec<ParticipantInput>>,
    /// Its documents in the register (a plan, a report).
    pub documents: Option<Vec<i64>>,
    pub outcomes: Option<String>,
}

/// A checked event.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: Kind,
    pub title: String,
    pub org_unit_id: i64,
    pub co_organisers: Vec<i64>,
    pub partners: Vec<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: Option<String>,
    /// One count per group, in `Group::ALL` order.
    pub participants: Vec<(Group, i64)>,
    pub documents: Vec<i64>,
    pub outcomes: Option<String>,
}

/// Ids as sent: positive, each once, at most `MAX_LIST`.
fn ids(field: &'static str, list: Option<&Vec<i64>>) -> Result<Vec<i64>, DomainError> {
    let mut v = list.cloned().unwrap_or_default();
    if v.iter().any(|i| *i <= 0) {
        return Err(DomainError::new(field, Reason::Required));
    }
    v.sort_unstable();
    v.dedup();
    if v.len() > MAX_LIST {
        return Err(DomainError::new(
            field,
            Reason::TooManyItems { max: MAX_LIST },
        ));
    }
    Ok(v)
}

/// Counts by group: each group once, none negative.
pub fn participants(list: &[ParticipantInput]) -> Result<Vec<(Group, i64)>, DomainError> {
    let mut out: Vec<(Group, i64)> = Vec::new();
    for p in list {
        let group = Group::parse(
            "participants",
            p.group
                .as_deref()
                .ok_or_else(|| DomainError::new("participants", Reason::Required))?,
        )?;
        let count = p
            .count
            .filter(|c| *c >= 0)
            .ok_or_else(|| DomainError::new("participants", Reason::EventParticipantsInvalid))?;
        if out.iter().any(|(g, _)| *g == group) {
            return Err(DomainError::new(
                "participants",
                Reason::EventParticipantsInvalid,
            ));
        }
        out.push((group, count));
    }
    out.sort_by_key(|(g, _)| Group::ALL.iter().position(|x| x == g));
    Ok(out)
}

impl NewEvent {
    pub fn parse(input: &EventInput, today: NaiveDate) -> Result<Self, DomainError> {
        let kind = Kind::parse(
            "kind",
            input
                .kind
                .as_deref()
                .ok_or_else(|| DomainError::new("kind", Reason::Required))?,
        )?;
        let starts_on = optional_date("starts_on", input.starts_on.as_deref())?
            .ok_or_else(|| DomainError::new("starts_on", Reason::Required))?;
        let ends_on = optional_date("ends_on", input.ends_on.as_deref())?.unwrap_or(starts_on);
        if ends_on < starts_on || ends_on > starts_on + Duration::days(MAX_DAYS) {
            return Err(DomainError::new(
                "ends_on",
                Reason::EventDaysInvalid { max: MAX_DAYS },
            ));
        }
        // Planned events may lie ahead, within the coming year.
        if starts_on > today + Duration::days(366) {
            return Err(DomainError::new("starts_on", Reason::DateInFuture));
        }
        Ok(NewEvent {
            kind,
            title: required_text("title", input.title.as_deref(), MAX_TITLE_CHARS)?,
            org_unit_id: input
                .org_unit_id
                .filter(|u| *u > 0)
                .ok_or_else(|| DomainError::new("org_unit_id", Reason::Required))?,
            co_organisers: ids("co_organisers", input.co_organisers.as_ref())?,
            partners: ids("partners", input.partners.as_ref())?,
            starts_on,
            ends_on,
            place: optional_text("place", input.place.as_deref(), MAX_TITLE_CHARS)?,
            participants: participants(input.participants.as_deref().unwrap_or_default())?,
            documents: ids("documents", input.documents.as_ref())?,
            outcomes: optional_note("outcomes", input.outcomes.as_deref(), MAX_TEXT_CHARS)?,
        })
    }
}

/// A commune's festival of a year, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FestivalInput {
    /// The commune (its police) holding it.
    #[schema(required, nullable = false)]
    pub org_unit_id: Option<i64>,
    /// The day it was held (the year is its year).
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub held_on: Option<String>,
    /// The villages and sites holding it.
    #[schema(required, nullable = false)]
    pub sites: Option<Vec<i64>>,
    #[schema(minimum = 0)]
    pub participants: Option<i64>,
    /// In đồng.
    #[schema(minimum = 0)]
    pub budget: Option<i64>,
    pub activities: Option<String>,
    /// A model commended at it.
    pub commended_model_id: Option<i64>,
    /// A collective commended at it (by name).
    pub commended: Option<String>,
}

/// A checked festival.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFestival {
    pub org_unit_id: i64,
    pub year: i32,
    pub held_on: NaiveDate,
    pub sites: Vec<i64>,
    pub participants: Option<i64>,
    pub budget: Option<i64>,
    pub activities: Option<String>,
    pub commended_model_id: Option<i64>,
    pub commended: Option<String>,
}

impl NewFestival {
    pub fn parse(input: &FestivalInput, today: NaiveDate) -> Result<Self, DomainError> {
        let held_on = optional_date("held_on", input.held_on.as_deref())?
            .ok_or_else(|| DomainError::new("held_on", Reason::Required))?;
        if held_on > today {
            return Err(DomainError::new("held_on", Reason::DateInFuture));
        }
        let sites = ids("sites", input.sites.as_ref())?;
        if sites.is_empty() {
            return Err(DomainError::new("sites", Reason::FestivalSitesRequired));
        }
        let non_negative = |field: &'static str, v: Option<i64>| match v {
            Some(n) if n < 0 => Err(DomainError::new(field, Reason::EventParticipantsInvalid)),
            v => Ok(v),
        };
        Ok(NewFestival {
            org_unit_id: input
                .org_unit_id
                .filter(|u| *u > 0)
                .ok_or_else(|| DomainError::new("org_unit_id", Reason::Required))?,
            year: held_on.year(),
            held_on,
            sites,
            participants: non_negative("participants", input.participants)?,
            budget: non_negative("budget", input.budget)?,
            activities: optional_note("activities", input.activities.as_deref(), MAX_TEXT_CHARS)?,
            commended_model_id: input.commended_model_id.filter(|m| *m > 0),
            commended: optional_text("commended", input.commended.as_deref(), MAX_TITLE_CHARS)?,
        })
    }
}

coded!(
    /// What a party to a pledge is.
    PartyKind, PledgePartyKindUnknown, PledgePartyKind {
        Unit = "unit", "Đơn vị, thôn, tổ dân phố, cơ sở (cả cơ sở tôn giáo)", "a unit, village or site (religious establishments too)";
        Organisation = "organisation", "Tổ chức phối hợp", "a partner organisation";
    }
);

/// A party to a pledge and what it pledged, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    #[schema(required, nullable = false, value_type = Option<PartyKind>)]
    pub kind: Option<String>,
    #[schema(required, nullable = false)]
    pub id: Option<i64>,
    /// What it pledged, item by item.
    #[schema(required, nullable = false)]
    pub items: Option<Vec<String>>,
}

/// An emulation pledge, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PledgeInput {
    #[schema(required, nullable = false)]
    pub title: Option<String>,
    /// The area it belongs to (the commune or province that follows it).
    #[schema(required, nullable = false)]
    pub org_unit_id: Option<i64>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub starts_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub ends_on: Option<String>,
    /// The signing ceremony, when it is recorded as an event.
    pub event_id: Option<i64>,
    #[schema(required, nullable = false)]
    pub parties: Option<Vec<PartyInput>>,
    pub notes: Option<String>,
}

/// A checked party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewParty {
    pub kind: PartyKind,
    pub id: i64,
    pub items: Vec<String>,
}

/// A checked pledge.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPledge {
    pub title: String,
    pub org_unit_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub event_id: Option<i64>,
    pub parties: Vec<NewParty>,
    pub notes: Option<String>,
}

/// A pledge runs for years, not ages.
pub const MAX_PLEDGE_YEARS: i32 = 10;

impl NewPledge {
    pub fn parse(input: &PledgeInput) -> Result<Self, DomainError> {
        let starts_on = optional_date("starts_on", input.starts_on.as_deref())?
            .ok_or_else(|| DomainError::new("starts_on", Reason::Required))?;
        let ends_on = optional_date("ends_on", input.ends_on.as_deref())?
            .ok_or_else(|| DomainError::new("ends_on", Reason::Required))?;
        if ends_on < starts_on || ends_on.year() - starts_on.year() >= MAX_PLEDGE_YEARS {
            return Err(DomainError::new(
                "ends_on",
                Reason::PledgePeriodInvalid {
                    max_years: MAX_PLEDGE_YEARS,
                },
            ));
        }
        let list = input.parties.as_deref().unwrap_or_default();
        if list.len() < 2 {
            return Err(DomainError::new("parties", Reason::PledgePartiesRequired));
        }
        if list.len() > MAX_LIST {
            return Err(DomainError::new(
                "parties",
                Reason::TooManyItems { max: MAX_LIST },
            ));
        }
        let mut parties: Vec<NewParty> = Vec::new();
        for p in list {
            let kind = PartyKind::parse(
                "parties",
                p.kind
                    .as_deref()
                    .ok_or_else(|| DomainError::new("parties", Reason::Required))?,
            )?;
            let id =
                p.id.filter(|i| *i > 0)
                    .ok_or_else(|| DomainError::new("parties", Reason::Required))?;
            if parties.iter().any(|q| q.kind == kind && q.id == id) {
                return Err(DomainError::new("parties", Reason::PledgePartyTwice));
            }
            let items: Vec<String> = p
                .items
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|i| i.trim().to_owned())
                .filter(|i| !i.is_empty())
                .collect();
            if items.is_empty() {
                return Err(DomainError::new("items", Reason::PledgeItemsRequired));
            }
            if items.len() > MAX_LIST || items.iter().any(|i| i.chars().count() > MAX_TITLE_CHARS) {
                return Err(DomainError::new(
                    "items",
                    Reason::TooManyItems { max: MAX_LIST },
                ));
            }
            parties.push(NewParty { kind, id, items });
        }
        Ok(NewPledge {
            title: required_text("title", input.title.as_deref(), MAX_TITLE_CHARS)?,
            org_unit_id: input
                .org_unit_id
                .filter(|u| *u > 0)
                .ok_or_else(|| DomainError::new("org_unit_id", Reason::Required))?,
            starts_on,
            ends_on,
            event_id: input.event_id.filter(|e| *e > 0),
            parties,
            notes: optional_note("notes", input.notes.as_deref(), MAX_TEXT_CHARS)?,
        })
    }
}

/// A yearly assessment of one pledged item, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    #[schema(required, nullable = false)]
    pub item_id: Option<i64>,
    #[schema(required, nullable = false)]
    pub year: Option<i32>,
    /// Kept (true) or broken (false).
    #[schema(required, nullable = false)]
    pub kept: Option<bool>,
    pub note: Option<String>,
}

/// A checked assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssessment {
    pub item_id: i64,
    pub year: i32,
    pub kept: bool,
    pub note: Option<String>,
}

impl NewAssessment {
    /// An assessment of a pledge running `starts_on..=ends_on`: a year it
    /// runs in, not after `today`'s.
    pub fn parse(
        input: &AssessmentInput,
        (starts_on, ends_on): (NaiveDate, NaiveDate),
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let year = input
            .year
            .ok_or_else(|| DomainError::new("year", Reason::Required))?;
        let last = ends_on.year().min(today.year());
        if year < starts_on.year() || year > last {
            return Err(DomainError::new(
                "year",
                Reason::PledgeYearOutside {
                    from: starts_on.year(),
                    to: last,
                },
            ));
        }
        Ok(NewAssessment {
            item_id: input
                .item_id
                .filter(|i| *i > 0)
                .ok_or_else(|| DomainError::new("item_id", Reason::Required))?,
            year,
            kept: input
                .kept
                .ok_or_else(|| DomainError::new("kept", Reason::Required))?,
            note: optional_note("note", input.note.as_deref(), MAX_TEXT_CHARS)?,
        })
    }
}

/// The festival day of a year.
pub fn festival_day(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, FESTIVAL_DAY.0, FESTIVAL_DAY.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn event() -> EventInput {
        EventInput {
            kind: Some("le_phat_dong".into()),
            title: Some("Lễ phát động phong trào năm 2026".into()),
            org_unit_id: Some(5),
            starts_on: Some("2026-03-20".into()),
            participants: Some(vec![
                ParticipantInput {
                    group: Some("nhan_dan".into()),
                    count: Some(300),
                },
                ParticipantInput {
                    group: Some("can_bo".into()),
                    count: Some(40),
                },
            ]),
            partners: Some(vec![9, 3, 9]),
            ..Default::default()
        }
    }

    #[test]
    fn an_event_counts_its_participants_by_group() {
        let e = NewEvent::parse(&event(), d("2026-12-06")).unwrap();
        assert_eq!(e.ends_on, e.starts_on);
        assert_eq!(
            e.participants,
            vec![(Group::Officials, 40), (Group::Residents, 300)]
        );
        assert_eq!(e.partners, vec![3, 9]);
        let field = |f: fn(&mut EventInput)| {
            let mut i = event();
            f(&mut i);
            NewEvent::parse(&i, d("2026-12-06")).unwrap_err().field
        };
        assert_eq!(field(|i| i.ends_on = Some("2026-03-19".into())), "ends_on");
        assert_eq!(field(|i| i.ends_on = Some("2026-05-01".into())), "ends_on");
        assert_eq!(field(|i| i.kind = Some("party".into())), "kind");
        assert_eq!(
            field(|i| i.participants.as_mut().unwrap()[0].count = Some(-1)),
            "participants"
        );
        assert_eq!(
            field(|i| i.participants.as_mut().unwrap()[1].group = Some("nhan_dan".into())),
            "participants"
        );
    }

    #[test]
    fn a_festival_is_held_at_sites_on_a_day_past() {
        let input = FestivalInput {
            org_unit_id: Some(5),
            held_on: Some("2026-08-19".into()),
            sites: Some(vec![11, 12]),
            budget: Some(15_000_000),
            ..Default::default()
        };
        let f = NewFestival::parse(&input, d("2026-12-06")).unwrap();
        assert_eq!((f.year, f.sites.len()), (2026, 2));
        let mut none = input.clone();
        none.sites = Some(vec![]);
        assert_eq!(
            NewFestival::parse(&none, d("2026-12-06"))
                .unwrap_err()
                .field,
            "sites"
        );
        assert_eq!(
            NewFestival::parse(&input, d("2026-08-18"))
                .unwrap_err()
                .field,
            "held_on"
        );
    }

    #[test]
    fn a_pledge_has_two_parties_each_pledging_something() {
        let party = |id, items: &[&str]| PartyInput {
            kind: Some("unit".into()),
            id: Some(id),
            items: Some(items.iter().map(|s| s.to_string()).collect()),
        };
        let input = PledgeInput {
            title: Some("Giao ước thi đua giữa hai thôn".into()),
            org_unit_id: Some(5),
            starts_on: Some("2026-01-01".into()),
            ends_on: Some("2028-12-31".into()),
            parties: Some(vec![
                party(11, &["Không có tệ nạn ma túy"]),
                party(12, &["Không có trộm cắp", " "]),
            ]),
            ..Default::default()
        };
        let p = NewPledge::parse(&input).unwrap();
        assert_eq!(p.parties[1].items, vec!["Không có trộm cắp"]);
        let field = |f: fn(&mut PledgeInput)| {
            let mut i = input.clone();
            f(&mut i);
            NewPledge::parse(&i).unwrap_err().field
        };
        assert_eq!(field(|i| i.parties = Some(vec![])), "parties");
        assert_eq!(
            field(|i| i.parties.as_mut().unwrap().truncate(1)),
            "parties"
        );
        assert_eq!(
            field(|i| i.parties.as_mut().unwrap()[1].id = Some(11)),
            "parties"
        );
        assert_eq!(
            field(|i| i.parties.as_mut().unwrap()[0].items = Some(vec![])),
            "items"
        );
        assert_eq!(field(|i| i.ends_on = Some("2025-12-31".into())), "ends_on");
        let a = |year| AssessmentInput {
            item_id: Some(1),
            year: Some(year),
            kept: Some(true),
            note: None,
        };
        let span = (p.starts_on, p.ends_on);
        assert!(NewAssessment::parse(&a(2026), span, d("2026-12-06")).is_ok());
        assert_eq!(
            NewAssessment::parse(&a(2027), span, d("2026-12-06"))
                .unwrap_err()
                .field,
            "year"
        );
    }
}
