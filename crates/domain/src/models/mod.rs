//! Movement models: the catalogue of model types and the models deployed at
//! villages, communes and sites, with their dated status, yearly ratings,
//! exemplars, replication and activity log.
//!
//! Everything a user sends is parsed here into types that cannot hold a
//! bad value; the store only writes what these types allow.

use crate::catalogue::Owner;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Schema;
use utoipa::ToSchema;

use crate::error::{terms, Term};
use crate::org_units::{Kind, Level, OrgUnit, PlaceKind};
use crate::text::normalize;
use crate::time::parse_date;
use crate::{DomainError, Reason};

pub mod file;
pub mod type_file;

pub type ModelId = i64;
pub type ModelTypeId = i64;

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 2000;
pub const MAX_SHORT_CHARS: usize = 200;
/// Bound on members and households: no model has a million of either.
pub const MAX_COUNT: i64 = 1_000_000;

crate::code_type!(
    /// The code of the field (sector) of the movement a model type belongs
    /// to: an entry of the catalogue of fields (`model_fields`), national
    /// or a province's own, so that a province can add one without a
    /// release. Its label is the catalogue's.
    Sector,
    Reason::SectorUnknown
);

/// A kind of place a model type is deployed at: a village, a commune, or a
/// site of a kind the catalogue of kinds of place holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Village,
    Commune,
    Site(PlaceKind),
}

impl Target {
    pub fn as_str(&self) -> &str {
        match self {
            Target::Village => "village",
            Target::Commune => "commune",
            Target::Site(k) => k.as_str(),
        }
    }

    /// The label of a level a type may target; a site's kind is named by
    /// the catalogue of kinds of place.
    pub fn level_label(self) -> Option<&'static str> {
        match self {
            Target::Village => Some("Thôn, tổ dân phố"),
            Target::Commune => Some("Xã, phường"),
            Target::Site(_) => None,
        }
    }

    /// `village`, `commune`, or the code of a kind of place (whether the
    /// catalogue holds it is the store's to check).
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let unknown = || {
            DomainError::new(
                field,
                Reason::TargetUnknown {
                    given: s.trim().chars().take(40).collect(),
                },
            )
        };
        match s.trim() {
            "village" => Ok(Target::Village),
            "commune" => Ok(Target::Commune),
            t if PlaceKind::is_reserved(t) => Err(unknown()),
            t => PlaceKind::parse(field, t)
                .map(Target::Site)
                .map_err(|_| unknown()),
        }
    }

    /// The target a unit is: villages and communes by level, sites by kind.
    pub fn of(unit: &OrgUnit) -> Option<Target> {
        match (unit.level, unit.kind) {
            (Level::Village, _) => Some(Target::Village),
            (Level::Commune, _) => Some(Target::Commune),
            (Level::Site, Kind::Site(k)) => Some(Target::Site(k)),
            _ => None,
        }
    }
}

/// A target is sent and answered as its code.
impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for Target {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        crate::schema::entry_code().into()
    }
}

impl ToSchema for Target {}

/// The targets of a type: a non-empty set, stored as `village,commune,school`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets(Vec<Target>);

impl Targets {
    pub fn parse<'a>(
        field: &'static str,
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, DomainError> {
        let mut v = Vec::new();
        for s in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
            let t = Target::parse(field, s)?;
            if !v.contains(&t) {
                v.push(t);
            }
        }
        if v.is_empty() {
            return Err(DomainError::new(field, Reason::TargetsEmpty));
        }
        v.sort();
        Ok(Self(v))
    }

    /// From the stored form; unknown entries are an error of the data.
    pub fn from_stored(s: &str) -> Result<Self, DomainError> {
        Self::parse("targets", s.split(','))
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn contains(&self, t: Target) -> bool {
        self.0.contains(&t)
    }

    pub fn as_slice(&self) -> &[Target] {
        &self.0
    }

    /// The kinds of place among the targets (not villages or communes).
    pub fn place_kinds(&self) -> impl Iterator<Item = PlaceKind> + '_ {
        self.0.iter().filter_map(|t| match t {
            Target::Site(k) => Some(*k),
            _ => None,
        })
    }
}

/// Text that must be present, normalised (NFC, single spaces), bounded.
pub(crate) fn required_text(
    field: &'static str,
    s: Option<&str>,
    max: usize,
) -> Result<String, DomainError> {
    optional_text(field, s, max)?.ok_or_else(|| DomainError::new(field, Reason::Required))
}

/// Text that may be absent; blank counts as absent.
pub(crate) fn optional_text(
    field: &'static str,
    s: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let Some(s) = s.map(normalize).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > max {
        return Err(DomainError::new(field, Reason::TooLong { max }));
    }
    if s.chars().any(char::is_control) {
        return Err(DomainError::new(field, Reason::ControlCharacters));
    }
    Ok(Some(s))
}

/// Longer free text (descriptions, notes): line breaks kept, each line normalised.
pub(crate) fn optional_note(
    field: &'static str,
    s: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let Some(s) = s else { return Ok(None) };
    let lines: Vec<String> = s.lines().map(normalize).collect();
    let s = lines.join("\n").trim().to_string();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max {
        return Err(DomainError::new(field, Reason::TooLong { max }));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::new(field, Reason::ControlCharacters));
    }
    Ok(Some(s))
}

pub(crate) fn optional_date(
    field: &'static str,
    s: Option<&str>,
) -> Result<Option<NaiveDate>, DomainError> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| parse_date(field, s))
        .transpose()
}

fn optional_count(field: &'static str, n: Option<i64>) -> Result<Option<i64>, DomainError> {
    match n {
        Some(n) if !(0..=MAX_COUNT).contains(&n) => Err(DomainError::new(
            field,
            Reason::CountOutOfRange { max: MAX_COUNT },
        )),
        n => Ok(n),
    }
}

/// Related movements a model names at most.
pub const MAX_TAGS: usize = 20;

/// Tags for the other emulation movements a model is combined with: one per
/// line or comma, normalised, without repeats, at most 20.
pub fn parse_tags(field: &'static str, s: Option<&str>) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for t in s.unwrap_or("").split(['\n', ',', ';']) {
        if let Some(t) = optional_text(field, Some(t), MAX_SHORT_CHARS)? {
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    if out.len() > MAX_TAGS {
        return Err(DomainError::new(
            field,
            Reason::TagsTooMany { max: MAX_TAGS },
        ));
    }
    Ok(out)
}

// ---- model types ----------------------------------------------------------

/// A type as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ModelType {
    pub id: ModelTypeId,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub sector: Sector,
    /// The field's name in the catalogue of fields.
    pub sector_name: String,
    pub targets: Vec<Target>,
    /// The targets' names, in their order.
    pub target_names: Vec<String>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    pub lead_org: Option<String>,
    pub coordinating_orgs: Option<String>,
    /// The day the type was retired; its models and history stay.
    pub retired_on: Option<NaiveDate>,
    /// Where a shipped type comes from: `bài viết` (the article the
    /// catalogue follows), a named national text, or `ví dụ` (an
    /// illustration); none for a type users added.
    pub source: Option<String>,
    /// The national catalogue's, or one province's own.
    pub owner: Owner,
}

impl ModelType {
    pub fn is_active(&self) -> bool {
        self.retired_on.is_none()
    }

    pub fn fits(&self, unit: &OrgUnit) -> bool {
        Target::of(unit).is_some_and(|t| self.targets.contains(&t))
    }
}

/// Raw input for a type (form, JSON or the shipped catalogue).
///
/// A new type needs `code`, `name`, `sector` and `targets`; an edit keeps
/// what is absent or null, and the code cannot change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelTypeInput {
    #[schema(required = false, value_type = crate::schema::TypeCode)]
    pub code: Option<String>,
    pub name: Option<String>,
    pub short_name: Option<String>,
    #[schema(value_type = Option<Sector>)]
    pub sector: Option<String>,
    /// Blank entries are skipped.
    #[schema(schema_with = target_list)]
    pub targets: Option<Vec<String>>,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    pub lead_org: Option<String>,
    pub coordinating_orgs: Option<String>,
    /// `true` retires the type today, `false` brings it back.
    pub retired: Option<bool>,
    /// The province a new type belongs to: by default the national
    /// catalogue for administrators, the user's province for its staff.
    /// A type keeps its owner: naming another when editing is refused.
    pub owner_id: Option<i64>,
}

impl ModelTypeInput {
    pub const REQUIRED_TO_CREATE: &[&str] = &["code", "name", "sector", "targets"];
}

/// Targets as codes (`village`, `commune`, kinds of place); blank entries
/// are skipped.
fn target_list() -> Schema {
    let blank = crate::schema::one_of(&[""]);
    let code = utoipa::openapi::schema::AnyOfBuilder::new()
        .item(crate::schema::entry_code())
        .item(blank)
        .build()
        .into();
    crate::schema::or_null(crate::schema::array_of(code))
}

/// A checked type, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewModelType {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub sector: Sector,
    pub targets: Targets,
    pub description: Option<String>,
    pub legal_basis: Option<String>,
    pub lead_org: Option<String>,
    pub coordinating_orgs: Option<String>,
    pub retired_on: Option<NaiveDate>,
    /// Set by the shipped catalogue only (`ModelType::source`); an edit
    /// keeps it.
    pub source: Option<String>,
}

/// A type code: lower-case ASCII letters, digits and `_`, 2 to 40 long.
pub fn parse_type_code(field: &'static str, s: &str) -> Result<String, DomainError> {
    let s = s.trim();
    let ok = (2..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(s.to_string())
    } else {
        Err(DomainError::new(field, Reason::TypeCodeInvalid))
    }
}

impl NewModelType {
    /// Parses a whole type. For an edit, `current` is the stored type: absent
    /// fields keep its values and the code cannot change.
    pub fn parse(
        input: &ModelTypeInput,
        current: Option<&ModelType>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let keep = |new: &Option<String>, old: Option<&String>| -> Option<String> {
            new.clone().or_else(|| old.cloned())
        };
        let code = match current {
            Some(c) => {
                if input.code.as_deref().is_some_and(|s| s.trim() != c.code) {
                    return Err(DomainError::new("code", Reason::TypeCodeFixed));
                }
                c.code.clone()
            }
            None => parse_type_code("code", input.code.as_deref().unwrap_or(""))?,
        };
        let name = required_text(
            "name",
            keep(&input.name, current.map(|c| &c.name)).as_deref(),
            MAX_NAME_CHARS,
        )?;
        let short_name = optional_text(
            "short_name",
            keep(&input.short_name, current.map(|c| &c.short_name)).as_deref(),
            80,
        )?
        .unwrap_or_else(|| name.clone());
        let sector = match (&input.sector, current) {
            (Some(s), _) => Sector::parse("sector", s)?,
            (None, Some(c)) => c.sector,
            (None, None) => return Err(DomainError::new("sector", Reason::SectorRequired)),
        };
        let targets = match (&input.targets, current) {
            (Some(t), _) => Targets::parse("targets", t.iter().map(String::as_str))?,
            (None, Some(c)) => Targets::parse("targets", c.targets.iter().map(Target::as_str))?,
            (None, None) => return Err(DomainError::new("targets", Reason::TargetsRequired)),
        };
        let retired_on = match (input.retired, current) {
            (Some(true), Some(c)) => Some(c.retired_on.unwrap_or(today)),
            (Some(true), None) => Some(today),
            (Some(false), _) => None,
            (None, c) => c.and_then(|c| c.retired_on),
        };
        let note = |f: &'static str, new: &Option<String>, old: Option<&Option<String>>| {
            optional_note(
                f,
                new.as_deref().or(old.and_then(|o| o.as_deref())),
                MAX_TEXT_CHARS,
            )
        };
        Ok(Self {
            code,
            name,
            short_name,
            sector,
            targets,
            description: note(
                "description",
                &input.description,
                current.map(|c| &c.description),
            )?,
            legal_basis: note(
                "legal_basis",
                &input.legal_basis,
                current.map(|c| &c.legal_basis),
            )?,
            lead_org: note("lead_org", &input.lead_org, current.map(|c| &c.lead_org))?,
            coordinating_orgs: note(
                "coordinating_orgs",
                &input.coordinating_orgs,
                current.map(|c| &c.coordinating_orgs),
            )?,
            retired_on,
            source: current.and_then(|c| c.source.clone()),
        })
    }

    /// Whether `current` already holds what this would write (a catalogue
    /// applied again changes nothing).
    pub fn same_as(&self, current: &ModelType) -> bool {
        self.code == current.code
            && self.name == current.name
            && self.short_name == current.short_name
            && self.sector == current.sector
            && self.targets.as_slice() == current.targets
            && self.description == current.description
            && self.legal_basis == current.legal_basis
            && self.lead_org == current.lead_org
            && self.coordinating_orgs == current.coordinating_orgs
            && self.retired_on == current.retired_on
            && self.source == current.source
    }
}

// ---- status ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Paused,
    Dissolved,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Active, Status::Paused, Status::Dissolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Paused => "paused",
            Status::Dissolved => "dissolved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Đang hoạt động",
            Status::Paused => "Tạm dừng",
            Status::Dissolved => "Giải thể",
        }
    }

    /// The status as messages name it.
    pub fn term(self) -> Term {
        let en = match self {
            Status::Active => "Active",
            Status::Paused => "Paused",
            Status::Dissolved => "Dissolved",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        Status::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.label().to_lowercase() == s.to_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::StatusUnknown {
                        allowed: terms(&Status::ALL, Status::term),
                    },
                )
            })
    }

    /// Which changes are allowed: a dissolved model stays dissolved (a new
    /// start is a new model, so that its history stays readable).
    pub fn can_become(self, next: Status) -> bool {
        self != next && self != Status::Dissolved
    }
}

/// The status a model had from a date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusSpan {
    pub status: Status,
    pub on_date: NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    #[schema(required, value_type = Status)]
    pub status: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub date: Option<String>,
    #[schema(required, nullable = false)]
    pub reason: Option<String>,
}

/// A checked status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: Status,
    pub on_date: NaiveDate,
    pub reason: String,
}

impl StatusChange {
    /// `last` is the model's latest change; changes go forward in time and
    /// never into the future.
    pub fn parse(
        input: &StatusInput,
        last: &StatusSpan,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let status = Status::parse("status", input.status.as_deref().unwrap_or(""))?;
        if !last.status.can_become(status) {
            return Err(DomainError::new(
                "status",
                Reason::StatusChangeNotAllowed {
                    from: last.status.term(),
                    to: status.term(),
                },
            ));
        }
        let on_date = optional_date("date", input.date.as_deref())?.unwrap_or(today);
        if on_date > today {
            return Err(DomainError::new("date", Reason::ChangeDateFuture));
        }
        if on_date <= last.on_date {
            return Err(DomainError::new(
                "date",
                Reason::ChangeDateNotAfterLast { last: last.on_date },
            ));
        }
        let reason = required_text("reason", input.reason.as_deref(), MAX_SHORT_CHARS * 5)?;
        Ok(Self {
            status,
            on_date,
            reason,
        })
    }
}

// ---- ratings --------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Good,
    Fair,
    Average,
    Weak,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Good, Rating::Fair, Rating::Average, Rating::Weak];

    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Good => "good",
            Rating::Fair => "fair",
            Rating::Average => "average",
            Rating::Weak => "weak",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rating::Good => "Tốt",
            Rating::Fair => "Khá",
            Rating::Average => "Trung bình",
            Rating::Weak => "Yếu",
        }
    }

    /// The rating as messages name it.
    pub fn term(self) -> Term {
        let en = match self {
            Rating::Good => "Good",
            Rating::Fair => "Fair",
            Rating::Average => "Average",
            Rating::Weak => "Weak",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        Rating::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.label().to_lowercase() == s.to_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::RatingUnknown {
                        allowed: terms(&Rating::ALL, Rating::term),
                    },
                )
            })
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    #[schema(required, nullable = false)]
    pub year: Option<i32>,
    #[schema(required, value_type = Rating)]
    pub rating: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub rated_on: Option<String>,
    #[schema(required, nullable = false)]
    pub rater: Option<String>,
    pub note: Option<String>,
    pub exemplar: Option<bool>,
}

/// A checked yearly rating; a second rating for the same year replaces the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRating {
    pub year: i32,
    pub rating: Rating,
    pub rated_on: NaiveDate,
    pub rater: String,
    pub note: Option<String>,
    pub exemplar: bool,
}

impl NewRating {
    /// A model is rated for a year it existed in, on a day in or after that
    /// year and not in the future.
    pub fn parse(
        input: &RatingInput,
        founded_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let year = input
            .year
            .ok_or_else(|| DomainError::new("year", Reason::RatingYearRequired))?;
        if year < founded_on.year() || year > today.year() {
            return Err(DomainError::new(
                "year",
                Reason::RatingYearOutOfRange {
                    founded: founded_on.year(),
                    current: today.year(),
                },
            ));
        }
        let rating = Rating::parse("rating", input.rating.as_deref().unwrap_or(""))?;
        let rated_on = optional_date("rated_on", input.rated_on.as_deref())?.unwrap_or(today);
        if rated_on.year() < year || rated_on > today {
            return Err(DomainError::new("rated_on", Reason::RatedOnInvalid));
        }
        Ok(Self {
            year,
            rating,
            rated_on,
            rater: required_text("rater", input.rater.as_deref(), MAX_SHORT_CHARS)?,
            note: optional_note("note", input.note.as_deref(), MAX_TEXT_CHARS)?,
            exemplar: input.exemplar.unwrap_or(false),
        })
    }
}

// ---- activities -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Meeting,
    Patrol,
    Awareness,
    Result,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Meeting,
        ActivityKind::Patrol,
        ActivityKind::Awareness,
        ActivityKind::Result,
        ActivityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Meeting => "meeting",
            ActivityKind::Patrol => "patrol",
            ActivityKind::Awareness => "awareness",
            ActivityKind::Result => "result",
            ActivityKind::Other => "other",
        }
    }

    /// The Vietnamese label, for messages (the UI reads the catalogue).
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Meeting => "Sinh hoạt, họp",
            ActivityKind::Patrol => "Tuần tra",
            ActivityKind::Awareness => "Tuyên truyền",
            ActivityKind::Result => "Kết quả",
            ActivityKind::Other => "Khác",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let s = s.trim();
        ActivityKind::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.label().to_lowercase() == s.to_lowercase())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::ActivityKindUnknown {
                        allowed: terms(&ActivityKind::ALL, ActivityKind::term),
                    },
                )
            })
    }

    /// The kind as messages name it.
    pub fn term(self) -> Term {
        let en = match self {
            ActivityKind::Meeting => "Meeting",
            ActivityKind::Patrol => "Patrol",
            ActivityKind::Awareness => "Awareness session",
            ActivityKind::Result => "Result",
            ActivityKind::Other => "Other",
        };
        Term::new(self.as_str(), self.label(), en)
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub date: Option<String>,
    #[schema(required, value_type = ActivityKind)]
    pub kind: Option<String>,
    #[schema(required, nullable = false)]
    pub description: Option<String>,
    #[schema(required = false, value_type = crate::schema::Count)]
    pub participants: Option<i64>,
    #[schema(required = false, value_type = crate::schema::Count)]
    pub quantity: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewActivity {
    pub on_date: NaiveDate,
    pub kind: ActivityKind,
    pub description: String,
    pub participants: Option<i64>,
    /// A result in numbers (cases handled, tips passed on …), if any.
    pub quantity: Option<i64>,
}

impl NewActivity {
    pub fn parse(
        input: &ActivityInput,
        founded_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let on_date = optional_date("date", input.date.as_deref())?.unwrap_or(today);
        if on_date < founded_on || on_date > today {
            return Err(DomainError::new("date", Reason::ActivityDateOutOfRange));
        }
        Ok(Self {
            on_date,
            kind: ActivityKind::parse("kind", input.kind.as_deref().unwrap_or(""))?,
            description: optional_note(
                "description",
                input.description.as_deref(),
                MAX_TEXT_CHARS,
            )?
            .ok_or_else(|| DomainError::new("description", Reason::Required))?,
            participants: optional_count("participants", input.participants)?,
            quantity: optional_count("quantity", input.quantity)?,
        })
    }
}

// ---- models ---------------------------------------------------------------

/// Raw input for a model (form, JSON, or one row of an imported file).
/// A new model needs its type, unit, name and founding date; an edit
/// replaces the fields it sends.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelInput {
    pub type_id: Option<ModelTypeId>,
    pub org_unit_id: Option<i64>,
    pub name: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub founded_on: Option<String>,
    pub decision_no: Option<String>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub decision_date: Option<String>,
    pub decision_issuer: Option<String>,
    #[schema(required = false, value_type = crate::schema::Count)]
    pub members: Option<i64>,
    #[schema(required = false, value_type = crate::schema::Count)]
    pub households: Option<i64>,
    pub leader_name: Option<String>,
    pub leader_role: Option<String>,
    pub partners: Option<String>,
    pub tags: Option<Vec<String>>,
    pub replicated_from: Option<ModelId>,
}

impl ModelInput {
    pub const REQUIRED_TO_CREATE: &[&str] = &["type_id", "org_unit_id", "name", "founded_on"];
}

/// The founding decision: number, date and issuer, all or none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub number: Option<String>,
    pub date: Option<NaiveDate>,
    pub issuer: Option<String>,
}

/// The exemplar a model copies, as the caller found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemplarRef {
    pub id: ModelId,
    pub founded_on: NaiveDate,
    /// Whether it was an exemplar in any year.
    pub is_exemplar: bool,
    /// The models it was itself replicated from, nearest first (to refuse cycles).
    pub lineage: Vec<ModelId>,
}

/// A checked model, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewModel {
    pub type_id: ModelTypeId,
    pub org_unit_id: i64,
    pub name: String,
    pub founded_on: NaiveDate,
    pub decision: Decision,
    pub members: Option<i64>,
    pub households: Option<i64>,
    pub leader_name: Option<String>,
    pub leader_role: Option<String>,
    pub partners: Option<String>,
    pub tags: Vec<String>,
    pub replicated_from: Option<ModelId>,
}

/// What a model refers to, looked up by the caller: `None` for what does
/// not exist or lies outside the actor's scope.
pub struct ModelRefs<'a> {
    pub model_type: Option<&'a ModelType>,
    pub unit: Option<&'a OrgUnit>,
    pub exemplar: Option<&'a ExemplarRef>,
    /// The model being edited (for cycle checks), if any.
    pub this: Option<ModelId>,
}

impl NewModel {
    pub fn parse(
        input: &ModelInput,
        refs: &ModelRefs<'_>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let t = refs
            .model_type
            .ok_or_else(|| DomainError::new("type_id", Reason::ModelTypeNotFound))?;
        let unit = refs
            .unit
            .ok_or_else(|| DomainError::new("org_unit_id", Reason::UnitNotFound))?;
        let founded_on = parse_date("founded_on", input.founded_on.as_deref().unwrap_or(""))?;
        if founded_on > today {
            return Err(DomainError::new("founded_on", Reason::FoundedInFuture));
        }
        check_unit(t, unit, founded_on, refs.this.is_some())?;
        let decision = Decision {
            number: optional_text("decision_no", input.decision_no.as_deref(), 100)?,
            date: optional_date("decision_date", input.decision_date.as_deref())?,
            issuer: optional_text(
                "decision_issuer",
                input.decision_issuer.as_deref(),
                MAX_SHORT_CHARS,
            )?,
        };
        if decision.date.is_some_and(|d| d > today) {
            return Err(DomainError::new(
                "decision_date",
                Reason::DecisionDateFuture,
            ));
        }
        let replicated_from = check_exemplar(input.replicated_from, refs, founded_on)?;
        Ok(Self {
            type_id: t.id,
            org_unit_id: unit.id,
            name: required_text("name", input.name.as_deref(), MAX_NAME_CHARS)?,
            founded_on,
            decision,
            members: optional_count("members", input.members)?,
            households: optional_count("households", input.households)?,
            leader_name: optional_text("leader_name", input.leader_name.as_deref(), 100)?,
            leader_role: optional_text("leader_role", input.leader_role.as_deref(), 100)?,
            partners: optional_note("partners", input.partners.as_deref(), MAX_TEXT_CHARS)?,
            tags: parse_tags("tags", input.tags.as_ref().map(|t| t.join("\n")).as_deref())?,
            replicated_from,
        })
    }
}

/// The type must be in use (for a new model) and fit the place; the place
/// must have existed on the founding day, so that "as it was" views put the
/// model where it was founded.
fn check_unit(
    t: &ModelType,
    unit: &OrgUnit,
    founded_on: NaiveDate,
    editing: bool,
) -> Result<(), DomainError> {
    if !t.is_active() && !editing {
        return Err(DomainError::new("type_id", Reason::ModelTypeRetired));
    }
    if !t.fits(unit) {
        return Err(DomainError::new(
            "org_unit_id",
            Reason::TypeDoesNotFit {
                type_name: t.short_name.clone(),
                targets: t.target_names.join(", "),
            },
        ));
    }
    if !unit.validity().contains(founded_on) {
        return Err(DomainError::new(
            "org_unit_id",
            Reason::UnitNotOnFoundingDay,
        ));
    }
    Ok(())
}

fn check_exemplar(
    id: Option<ModelId>,
    refs: &ModelRefs<'_>,
    founded_on: NaiveDate,
) -> Result<Option<ModelId>, DomainError> {
    let Some(id) = id else { return Ok(None) };
    let e = refs
        .exemplar
        .filter(|e| e.id == id)
        .ok_or_else(|| DomainError::new("replicated_from", Reason::ExemplarNotFound))?;
    if !e.is_exemplar {
        return Err(DomainError::new("replicated_from", Reason::NotExemplar));
    }
    if e.founded_on > founded_on {
        return Err(DomainError::new(
            "replicated_from",
            Reason::ExemplarFoundedLater,
        ));
    }
    if let Some(this) = refs.this {
        if e.id == this || e.lineage.contains(&this) {
            return Err(DomainError::new(
                "replicated_from",
                Reason::ReplicationCycle,
            ));
        }
    }
    Ok(Some(e.id))
}

/// The first status of a model: active from its founding day.
pub fn founding_status(founded_on: NaiveDate) -> StatusSpan {
    StatusSpan {
        status: Status::Active,
        on_date: founded_on,
    }
}

/// A model's status on `date` from its changes (oldest first); `None`
/// before it was founded.
pub fn status_on(changes: &[StatusSpan], date: NaiveDate) -> Option<Status> {
    changes
        .iter()
        .take_while(|c| c.on_date <= date)
        .last()
        .map(|c| c.status)
}

/// A founding date may move only while it stays before the first change.
pub fn check_founding_move(
    changes: &[StatusSpan],
    founded_on: NaiveDate,
) -> Result<(), DomainError> {
    match changes.get(1) {
        Some(next) if next.on_date <= founded_on => Err(DomainError::new(
            "founded_on",
            Reason::FoundingAfterFirstChange,
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Refusals list the choices as officers read them, not as codes.
    #[test]
    fn refusals_name_the_choices_in_vietnamese() {
        let status = Status::parse("status", "x").unwrap_err().message;
        assert_eq!(
            status,
            "trạng thái phải là Đang hoạt động, Tạm dừng hoặc Giải thể"
        );
        let rating = Rating::parse("rating", "x").unwrap_err().message;
        assert_eq!(rating, "xếp loại phải là Tốt, Khá, Trung bình hoặc Yếu");
        let kind = ActivityKind::parse("kind", "x").unwrap_err().message;
        assert!(
            kind.contains("«Sinh hoạt, họp»") && !kind.contains("meeting"),
            "{kind}"
        );
        // Labels are accepted as they are shown, in any case.
        assert_eq!(Status::parse("status", "tạm dừng").unwrap(), Status::Paused);
        assert_eq!(
            ActivityKind::parse("kind", "Tuần tra").unwrap(),
            ActivityKind::Patrol
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn unit(level: Level, kind: Kind, from: Option<NaiveDate>, to: Option<NaiveDate>) -> OrgUnit {
        OrgUnit {
            id: 7,
            level,
            kind,
            code: Some("13660".into()),
            name: "Xã Thử".into(),
            short_name: "Thử".into(),
            parent_id: Some(1),
            valid_from: from,
            valid_to: to,
            lat: None,
            lon: None,
            address: None,
        }
    }

    fn mtype(targets: &[&str]) -> ModelType {
        ModelType {
            id: 3,
            code: "to_tuan_tra".into(),
            name: "Tổ tuần tra nhân dân".into(),
            short_name: "Tổ tuần tra".into(),
            sector: Sector::from_static("residential"),
            sector_name: "Khu dân cư".into(),
            targets: targets
                .iter()
                .map(|t| Target::parse("t", t).unwrap())
                .collect(),
            target_names: targets.iter().map(|t| t.to_string()).collect(),
            description: None,
            legal_basis: None,
            lead_org: None,
            coordinating_orgs: None,
            retired_on: None,
            source: None,
            owner: crate::catalogue::Owner::National,
        }
    }

    fn input(founded: &str) -> ModelInput {
        ModelInput {
            type_id: Some(3),
            org_unit_id: Some(7),
            name: Some("  Tổ  tuần tra  xóm 1 ".into()),
            founded_on: Some(founded.into()),
            tags: Some(vec![
                "Xây dựng làng văn hoá".into(),
                "Xây dựng làng văn hoá".into(),
            ]),
            ..Default::default()
        }
    }

    #[test]
    fn a_model_must_fit_its_type_and_exist_where_it_was_founded() {
        let t = mtype(&["commune", "village"]);
        let legacy = unit(Level::Commune, Kind::Xa, None, Some(d(2025, 6, 30)));
        let refs = ModelRefs {
            model_type: Some(&t),
            unit: Some(&legacy),
            exemplar: None,
            this: None,
        };
        let m = NewModel::parse(&input("2022-03-01"), &refs, d(2026, 1, 1)).unwrap();
        assert_eq!(m.name, "Tổ tuần tra xóm 1");
        assert_eq!(m.tags, vec!["Xây dựng làng văn hoá".to_string()]);
        // founded after the legacy commune ended
        let e = NewModel::parse(&input("2025-08-01"), &refs, d(2026, 1, 1)).unwrap_err();
        assert_eq!(e.field, "org_unit_id");
        // in the future
        let e = NewModel::parse(&input("2027-01-01"), &refs, d(2026, 1, 1)).unwrap_err();
        assert_eq!(e.field, "founded_on");
        // a school-only type at a commune
        let school = mtype(&["school"]);
        let refs = ModelRefs {
            model_type: Some(&school),
            ..refs
        };
        let e = NewModel::parse(&input("2022-03-01"), &refs, d(2026, 1, 1)).unwrap_err();
        assert_eq!(e.field, "org_unit_id");
    }

    #[test]
    fn replication_needs_an_older_exemplar_and_no_cycle() {
        let t = mtype(&["commune"]);
        let u = unit(Level::Commune, Kind::Xa, None, None);
        let mut i = input("2023-01-01");
        i.replicated_from = Some(9);
        let mut e = ExemplarRef {
            id: 9,
            founded_on: d(2020, 1, 1),
            is_exemplar: false,
            lineage: vec![],
        };
        let today = d(2026, 1, 1);
        let parse = |e: &ExemplarRef, this| {
            NewModel::parse(
                &i,
                &ModelRefs {
                    model_type: Some(&t),
                    unit: Some(&u),
                    exemplar: Some(e),
                    this,
                },
                today,
            )
        };
        assert_eq!(parse(&e, None).unwrap_err().field, "replicated_from");
        e.is_exemplar = true;
        assert_eq!(parse(&e, None).unwrap().replicated_from, Some(9));
        e.lineage = vec![5, 4];
        assert_eq!(parse(&e, Some(4)).unwrap_err().field, "replicated_from");
        e.founded_on = d(2024, 1, 1);
        assert!(parse(&e, None).is_err());
    }

    #[test]
    fn status_changes_go_forward_with_a_reason() {
        let last = founding_status(d(2022, 1, 1));
        let today = d(2026, 1, 1);
        let ok = StatusInput {
            status: Some("paused".into()),
            date: Some("2023-05-01".into()),
            reason: Some("Tổ trưởng chuyển công tác".into()),
        };
        let c = StatusChange::parse(&ok, &last, today).unwrap();
        assert_eq!(c.status, Status::Paused);
        let mut bad = ok.clone();
        bad.reason = Some("  ".into());
        assert_eq!(
            StatusChange::parse(&bad, &last, today).unwrap_err().field,
            "reason"
        );
        bad = ok.clone();
        bad.date = Some("2021-12-31".into());
        assert_eq!(
            StatusChange::parse(&bad, &last, today).unwrap_err().field,
            "date"
        );
        bad = ok.clone();
        bad.status = Some("active".into());
        assert_eq!(
            StatusChange::parse(&bad, &last, today).unwrap_err().field,
            "status"
        );
        let dissolved = StatusSpan {
            status: Status::Dissolved,
            on_date: d(2024, 1, 1),
        };
        assert!(StatusChange::parse(&ok, &dissolved, today).is_err());
        let spans = vec![last.clone(), dissolved.clone()];
        assert_eq!(status_on(&spans, d(2021, 1, 1)), None);
        assert_eq!(status_on(&spans, d(2022, 6, 1)), Some(Status::Active));
        assert_eq!(status_on(&spans, d(2024, 1, 1)), Some(Status::Dissolved));
        assert!(check_founding_move(&spans, d(2023, 12, 31)).is_ok());
        assert!(check_founding_move(&spans, d(2024, 1, 1)).is_err());
    }

    #[test]
    fn ratings_stay_within_the_model_life() {
        let today = d(2026, 3, 1);
        let mut i = RatingInput {
            year: Some(2023),
            rating: Some("Khá".into()),
            rated_on: Some("2023-12-20".into()),
            rater: Some("Công an xã".into()),
            note: None,
            exemplar: Some(true),
        };
        let r = NewRating::parse(&i, d(2022, 1, 1), today).unwrap();
        assert_eq!(r.rating, Rating::Fair);
        i.year = Some(2021);
        assert_eq!(
            NewRating::parse(&i, d(2022, 1, 1), today)
                .unwrap_err()
                .field,
            "year"
        );
        i.year = Some(2024);
        assert_eq!(
            NewRating::parse(&i, d(2022, 1, 1), today)
                .unwrap_err()
                .field,
            "rated_on"
        );
    }

    #[test]
    fn types_parse_and_keep_their_code() {
        let today = d(2026, 1, 1);
        let i = ModelTypeInput {
            code: Some("camera_an_ninh".into()),
            name: Some("Camera an ninh".into()),
            sector: Some("cameras".into()),
            targets: Some(vec!["village".into(), "commune".into(), "village".into()]),
            ..Default::default()
        };
        let t = NewModelType::parse(&i, None, today).unwrap();
        assert_eq!(t.targets.to_stored(), "village,commune");
        assert_eq!(t.short_name, "Camera an ninh");
        let bad = ModelTypeInput {
            code: Some("Camera An Ninh".into()),
            ..i.clone()
        };
        assert_eq!(
            NewModelType::parse(&bad, None, today).unwrap_err().field,
            "code"
        );
        let bad = ModelTypeInput {
            targets: Some(vec!["province".into()]),
            ..i.clone()
        };
        assert_eq!(
            NewModelType::parse(&bad, None, today).unwrap_err().field,
            "targets"
        );
        let stored = mtype(&["commune"]);
        let retire = ModelTypeInput {
            retired: Some(true),
            ..Default::default()
        };
        let t = NewModelType::parse(&retire, Some(&stored), today).unwrap();
        assert_eq!(
            (t.retired_on, t.code.as_str()),
            (Some(today), "to_tuan_tra")
        );
        let rename = ModelTypeInput {
            code: Some("khac".into()),
            ..Default::default()
        };
        assert!(NewModelType::parse(&rename, Some(&stored), today).is_err());
    }
}
