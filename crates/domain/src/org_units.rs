//! The administrative hierarchy: provinces, (legacy) districts, communes,
//! villages and sites, each valid over a date interval, linked to their
//! successors across reorganisations (1 July 2025, village merges).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Schema;
use utoipa::ToSchema;

use crate::error::{terms, Term};
use crate::text::{fold, normalize};
use crate::{DomainError, Reason};

/// Internal identity of an org unit. Codes are reused across time (`00004`
/// is Phường Trúc Bạch before July 2025 and Phường Ba Đình after), ids never.
pub type OrgUnitId = i64;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    District,
    Commune,
    Village,
    Site,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::District,
        Level::Commune,
        Level::Village,
        Level::Site,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Village => "village",
            Level::Site => "site",
        }
    }

    /// The level as messages name it.
    pub fn term(self) -> Term {
        let en = match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
            Level::Village => "village",
            Level::Site => "site",
        };
        Term::new(self.as_str(), crate::file::level_label(self), en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::LevelUnknown {
                        allowed: terms(&Level::ALL, Level::term),
                    },
                )
            })
    }

    /// Levels that users create; the others come from the national data.
    pub fn is_user_managed(self) -> bool {
        matches!(self, Level::Village | Level::Site)
    }
}

crate::code_type!(
    /// The kind of a site (school, religious establishment, agency …): an
    /// entry of the catalogue of kinds of place (`place_kinds`), national
    /// or a province's own, so that a province can add one without a
    /// release. Its label is the catalogue's.
    PlaceKind,
    Reason::KindUnknown
);

impl PlaceKind {
    /// The national kind every site can fall back on.
    pub const OTHER: PlaceKind = PlaceKind::from_static("other");
    pub const SCHOOL: PlaceKind = PlaceKind::from_static("school");
    pub const RELIGIOUS: PlaceKind = PlaceKind::from_static("religious");

    /// Whether `code` names something else already: a kind of
    /// administrative unit or a level (`village`, `commune`, which model
    /// types also target), so no kind of place may take it.
    pub fn is_reserved(code: &str) -> bool {
        Kind::ADMINISTRATIVE.iter().any(|k| k.as_str() == code)
            || Level::ALL.iter().any(|l| l.as_str() == code)
    }
}

/// The kind of a unit within its level. Codes are stored; labels of the
/// administrative kinds come from the message catalogue (`kind.<code>`),
/// those of sites from the catalogue of kinds of place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    // provinces and legacy districts
    Tinh,
    ThanhPho,
    Quan,
    Huyen,
    ThiXa,
    // communes
    Phuong,
    Xa,
    ThiTran,
    DacKhu,
    // villages and residential groups
    Thon,
    Xom,
    Lang,
    Ban,
    Ap,
    Buon,
    Phum,
    Soc,
    Khom,
    ToDanPho,
    KhuPho,
    KhuDanCu,
    /// A site, of a kind of place the catalogue holds.
    Site(PlaceKind),
}

impl Kind {
    /// The kinds the law names for provinces, districts, communes and
    /// villages.
    pub const ADMINISTRATIVE: [Kind; 21] = [
        Kind::Tinh,
        Kind::ThanhPho,
        Kind::Quan,
        Kind::Huyen,
        Kind::ThiXa,
        Kind::Phuong,
        Kind::Xa,
        Kind::ThiTran,
        Kind::DacKhu,
        Kind::Thon,
        Kind::Xom,
        Kind::Lang,
        Kind::Ban,
        Kind::Ap,
        Kind::Buon,
        Kind::Phum,
        Kind::Soc,
        Kind::Khom,
        Kind::ToDanPho,
        Kind::KhuPho,
        Kind::KhuDanCu,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Kind::Site(k) => k.as_str(),
            k => k.administrative_code().unwrap_or_default(),
        }
    }

    /// The code of an administrative kind (none for a site's).
    pub fn administrative_code(self) -> Option<&'static str> {
        Some(match self {
            Kind::Tinh => "tinh",
            Kind::ThanhPho => "thanh_pho",
            Kind::Quan => "quan",
            Kind::Huyen => "huyen",
            Kind::ThiXa => "thi_xa",
            Kind::Phuong => "phuong",
            Kind::Xa => "xa",
            Kind::ThiTran => "thi_tran",
            Kind::DacKhu => "dac_khu",
            Kind::Thon => "thon",
            Kind::Xom => "xom",
            Kind::Lang => "lang",
            Kind::Ban => "ban",
            Kind::Ap => "ap",
            Kind::Buon => "buon",
            Kind::Phum => "phum",
            Kind::Soc => "soc",
            Kind::Khom => "khom",
            Kind::ToDanPho => "to_dan_pho",
            Kind::KhuPho => "khu_pho",
            Kind::KhuDanCu => "khu_dan_cu",
            Kind::Site(_) => return None,
        })
    }

    /// An administrative kind by its code, or else a kind of place (whether
    /// the catalogue holds it is the store's to check).
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        match Kind::ADMINISTRATIVE
            .into_iter()
            .find(|k| k.as_str() == s.trim())
        {
            Some(k) => Ok(k),
            None if PlaceKind::is_reserved(s.trim()) => {
                Err(DomainError::new(field, Reason::KindUnknown))
            }
            None => PlaceKind::parse(field, s).map(Kind::Site),
        }
    }

    /// The Vietnamese word that starts a unit's full name, where there is one.
    pub fn name_prefix(self) -> Option<&'static str> {
        Some(match self {
            Kind::Tinh => "Tỉnh",
            Kind::ThanhPho => "Thành phố",
            Kind::Quan => "Quận",
            Kind::Huyen => "Huyện",
            Kind::ThiXa => "Thị xã",
            Kind::Phuong => "Phường",
            Kind::Xa => "Xã",
            Kind::ThiTran => "Thị trấn",
            Kind::DacKhu => "Đặc khu",
            Kind::Thon => "Thôn",
            Kind::Xom => "Xóm",
            Kind::Lang => "Làng",
            Kind::Ban => "Bản",
            Kind::Ap => "Ấp",
            Kind::Buon => "Buôn",
            Kind::Phum => "Phum",
            Kind::Soc => "Sóc",
            Kind::Khom => "Khóm",
            Kind::ToDanPho => "Tổ dân phố",
            Kind::KhuPho => "Khu phố",
            Kind::KhuDanCu => "Khu dân cư",
            _ => return None,
        })
    }

    /// Reads the type column of the national data (`Thị trấn`, `Huyện` …).
    pub fn from_national_type(s: &str) -> Option<Self> {
        let s = normalize(s);
        [
            Kind::ThanhPho,
            Kind::Quan,
            Kind::Huyen,
            Kind::ThiXa,
            Kind::Phuong,
            Kind::Xa,
            Kind::ThiTran,
            Kind::DacKhu,
            Kind::Tinh,
        ]
        .into_iter()
        .find(|k| k.name_prefix() == Some(s.as_str()))
    }

    /// Which level a kind belongs to. `thanh_pho` is both a province
    /// (centrally run city) and a legacy district (provincial city).
    pub fn fits(self, level: Level) -> bool {
        use Kind::*;
        match level {
            Level::Province => matches!(self, Tinh | ThanhPho),
            Level::District => matches!(self, Quan | Huyen | ThiXa | ThanhPho),
            Level::Commune => matches!(self, Phuong | Xa | ThiTran | DacKhu),
            Level::Village => matches!(
                self,
                Thon | Xom
                    | Lang
                    | Ban
                    | Ap
                    | Buon
                    | Phum
                    | Soc
                    | Khom
                    | ToDanPho
                    | KhuPho
                    | KhuDanCu
            ),
            Level::Site => matches!(self, Site(_)),
        }
    }

    /// The administrative kinds of `level` (none for sites: their kinds
    /// are the catalogue's).
    pub fn for_level(level: Level) -> impl Iterator<Item = Kind> {
        Kind::ADMINISTRATIVE
            .into_iter()
            .filter(move |k| k.fits(level))
    }
}

/// A kind is sent and answered as its code.
impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Kind::parse("kind", &s).map_err(|_| serde::de::Error::custom("unknown kind"))
    }
}

impl utoipa::PartialSchema for Kind {
    fn schema() -> utoipa::openapi::RefOr<Schema> {
        crate::schema::entry_code().into()
    }
}

impl ToSchema for Kind {}

/// The name without its type word: `Tỉnh Nam Định` → `Nam Định`. Numbered
/// units keep their word (`Phường 1` stays `Phường 1`), since `1` alone
/// names nothing.
pub fn short_name(full: &str, kind: Kind) -> String {
    let full = normalize(full);
    let Some(prefix) = kind.name_prefix() else {
        return full;
    };
    // The type word must be a whole word: "Bảng Long" is not a bản named
    // "g Long".
    match full.strip_prefix(prefix) {
        Some(rest) if rest.starts_with(char::is_whitespace) => {
            let rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_digit()) {
                full
            } else {
                rest.to_string()
            }
        }
        _ => full,
    }
}

/// A search as the index reads it: folded text, and the kinds named by a
/// leading type word (`xã yên` searches `yen` among communes of kind `xa`).
/// Unit names are indexed without their type word, so that typing `xa` or
/// `phuong` does not match every commune in the country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    pub text: String,
    pub kinds: Vec<Kind>,
}

impl SearchText {
    /// `None` for text that folds to nothing.
    pub fn parse(q: &str) -> Option<Self> {
        let folded = crate::text::fold(q);
        if folded.is_empty() {
            return None;
        }
        // The longest type word that starts the query and leaves a name.
        let mut best: Option<(usize, Vec<Kind>)> = None;
        for k in Kind::ADMINISTRATIVE {
            let Some(prefix) = k.name_prefix().map(crate::text::fold) else {
                continue;
            };
            let starts = folded.len() > prefix.len() + 1
                && folded.starts_with(&prefix)
                && folded.as_bytes().get(prefix.len()) == Some(&b' ');
            if !starts {
                continue;
            }
            match &mut best {
                Some((len, kinds)) if *len == prefix.len() => kinds.push(k),
                Some((len, _)) if *len > prefix.len() => {}
                _ => best = Some((prefix.len(), vec![k])),
            }
        }
        Some(match best {
            Some((len, kinds)) => Self {
                text: folded.get(len + 1..).unwrap_or_default().to_string(),
                kinds,
            },
            None => Self {
                text: folded,
                kinds: Vec::new(),
            },
        })
    }

    /// The whole text as a name, type word included: "bàn cờ" is Phường
    /// Bàn Cờ, not a village (bản) named "cờ". Asked when the type found
    /// nothing.
    pub fn as_typed(q: &str) -> Option<Self> {
        let text = crate::text::fold(q);
        (!text.is_empty()).then_some(Self {
            text,
            kinds: Vec::new(),
        })
    }
}

/// Dates over which a unit exists; `None` is open. Both ends are inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validity {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Validity {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= d) && self.to.is_none_or(|t| d <= t)
    }
}

/// An org unit as every layer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrgUnit {
    pub id: OrgUnitId,
    pub level: Level,
    pub kind: Kind,
    pub code: Option<String>,
    pub name: String,
    pub short_name: String,
    pub parent_id: Option<OrgUnitId>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
}

impl OrgUnit {
    pub fn validity(&self) -> Validity {
        Validity {
            from: self.valid_from,
            to: self.valid_to,
        }
    }
}

/// How a unit passed into its successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Succession {
    /// The whole unit went into the successor (usually with others).
    Whole,
    /// The unit was divided; this successor took a part.
    Split,
}

impl Succession {
    pub fn as_str(self) -> &'static str {
        match self {
            Succession::Whole => "whole",
            Succession::Split => "split",
        }
    }
}

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_ADDRESS_CHARS: usize = 300;
/// New villages a split makes at most.
pub const MAX_SPLIT_PARTS: usize = 50;

/// A name as entered: NFC, non-empty, bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitName(String);

impl UnitName {
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let s = normalize(s);
        if s.is_empty() {
            return Err(DomainError::new(field, Reason::NameEmpty));
        }
        if s.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::new(
                field,
                Reason::NameTooLong {
                    max: MAX_NAME_CHARS,
                },
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(DomainError::new(field, Reason::NameControlCharacters));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn folded(&self) -> String {
        fold(&self.0)
    }
}

/// Coordinates inside Vietnam's territory, islands included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

impl Coordinates {
    pub fn parse(lat: Option<f64>, lon: Option<f64>) -> Result<Option<Self>, DomainError> {
        match (lat, lon) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(DomainError::new("lon", Reason::LongitudeMissing)),
            (None, Some(_)) => Err(DomainError::new("lat", Reason::LatitudeMissing)),
            (Some(lat), Some(lon)) => {
                if !(6.0..=24.0).contains(&lat) {
                    return Err(DomainError::new(
                        "lat",
                        Reason::LatitudeOutOfRange { min: 6, max: 24 },
                    ));
                }
                if !(101.0..=118.0).contains(&lon) {
                    return Err(DomainError::new(
                        "lon",
                        Reason::LongitudeOutOfRange { min: 101, max: 118 },
                    ));
                }
                Ok(Some(Self { lat, lon }))
            }
        }
    }
}

fn parse_address(s: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(s) = s.map(normalize).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if s.chars().count() > MAX_ADDRESS_CHARS {
        return Err(DomainError::new(
            "address",
            Reason::AddressTooLong {
                max: MAX_ADDRESS_CHARS,
            },
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(DomainError::new(
            "address",
            Reason::AddressControlCharacters,
        ));
    }
    Ok(Some(s))
}

/// A village or site to create, checked against its parent.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUnit {
    pub level: Level,
    pub kind: Kind,
    pub name: UnitName,
    pub parent_id: OrgUnitId,
    pub valid_from: Option<NaiveDate>,
    pub coordinates: Option<Coordinates>,
    pub address: Option<String>,
}

/// Raw input for creating a village or site (form or JSON).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewUnitInput {
    #[schema(required, schema_with = managed_levels)]
    pub level: Option<String>,
    #[schema(required, schema_with = managed_kinds)]
    pub kind: Option<String>,
    #[schema(required, nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(required, nullable = false)]
    pub parent_id: Option<OrgUnitId>,
    #[schema(required = false, value_type = crate::schema::OptionalDay)]
    pub valid_from: Option<String>,
    /// With `lon`, or neither.
    #[schema(minimum = 6, maximum = 24)]
    pub lat: Option<f64>,
    /// With `lat`, or neither.
    #[schema(minimum = 101, maximum = 118)]
    pub lon: Option<f64>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
}

/// The levels whose units users add: villages and sites.
fn managed_levels() -> Schema {
    let levels: Vec<&str> = Level::ALL
        .into_iter()
        .filter(|l| l.is_user_managed())
        .map(Level::as_str)
        .collect();
    crate::schema::one_of(&levels)
}

/// The kinds of those levels: a village's, or a kind of place of the
/// catalogue (data, so the document gives its form).
fn managed_kinds() -> Schema {
    crate::schema::entry_code()
}

/// A kind of those levels, or null to keep it.
fn managed_kind_or_null() -> Schema {
    crate::schema::or_null(crate::schema::entry_code())
}

/// A new village's kind: absent, null or "" for `thon`.
fn village_kind() -> Schema {
    let kinds: Vec<&str> = Kind::for_level(Level::Village)
        .filter_map(Kind::administrative_code)
        .collect();
    crate::schema::one_of_or_null(&kinds, &[""])
}

impl NewUnit {
    /// Parses the input; `parent` is the unit named by `parent_id`, looked up
    /// by the caller (`None` when it does not exist or is out of scope).
    pub fn parse(input: &NewUnitInput, parent: Option<&OrgUnit>) -> Result<Self, DomainError> {
        let level = Level::parse("level", input.level.as_deref().unwrap_or(""))?;
        if !level.is_user_managed() {
            return Err(DomainError::new(
                "level",
                Reason::LevelNotUserManaged {
                    allowed: vec![Level::Village.term(), Level::Site.term()],
                },
            ));
        }
        let kind = Kind::parse("kind", input.kind.as_deref().unwrap_or(""))?;
        if !kind.fits(level) {
            return Err(DomainError::new("kind", Reason::KindMismatch));
        }
        let name = UnitName::parse("name", input.name.as_deref().unwrap_or(""))?;
        let parent = parent.ok_or_else(|| DomainError::new("parent_id", Reason::ParentNotFound))?;
        check_parent(level, parent.level)?;
        let valid_from = input
            .valid_from
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| crate::time::parse_date("valid_from", s))
            .transpose()?;
        check_within_parent(valid_from, parent)?;
        Ok(Self {
            level,
            kind,
            name,
            parent_id: parent.id,
            valid_from,
            coordinates: Coordinates::parse(input.lat, input.lon)?,
            address: parse_address(input.address.as_deref())?,
        })
    }
}

/// A village sits under a commune; a site under a commune or a village.
pub fn check_parent(child: Level, parent: Level) -> Result<(), DomainError> {
    let ok = match child {
        Level::Village => parent == Level::Commune,
        Level::Site => matches!(parent, Level::Commune | Level::Village),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::new("parent_id", Reason::ParentLevelInvalid))
    }
}

/// Units are added under units that still exist, and begin within them.
fn check_within_parent(from: Option<NaiveDate>, parent: &OrgUnit) -> Result<(), DomainError> {
    if parent.valid_to.is_some() {
        return Err(DomainError::new("parent_id", Reason::ParentEnded));
    }
    if let (Some(f), Some(pf)) = (from, parent.valid_from) {
        if f < pf {
            return Err(DomainError::new("valid_from", Reason::StartsBeforeParent));
        }
    }
    Ok(())
}

/// Changes to a village or site; absent fields stay as they are.
/// Absent or null fields stay as they are; an empty address clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct UnitPatchInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(schema_with = managed_kind_or_null)]
    pub kind: Option<String>,
    /// With `lon`, or neither.
    #[schema(minimum = 6, maximum = 24)]
    pub lat: Option<f64>,
    /// With `lat`, or neither.
    #[schema(minimum = 101, maximum = 118)]
    pub lon: Option<f64>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitPatch {
    pub name: UnitName,
    pub kind: Kind,
    pub coordinates: Option<Coordinates>,
    pub address: Option<String>,
}

impl UnitPatch {
    /// The unit after the change. Coordinates are replaced only when both
    /// are given; an empty address clears it.
    pub fn parse(input: &UnitPatchInput, unit: &OrgUnit) -> Result<Self, DomainError> {
        if !unit.level.is_user_managed() {
            return Err(DomainError::new(
                "id",
                Reason::NationalUnitReadOnly {
                    command: "binhyen import-units".into(),
                },
            ));
        }
        let name = match input.name.as_deref() {
            Some(s) => UnitName::parse("name", s)?,
            None => UnitName::parse("name", &unit.name)?,
        };
        let kind = match input.kind.as_deref() {
            Some(s) => Kind::parse("kind", s)?,
            None => unit.kind,
        };
        if !kind.fits(unit.level) {
            return Err(DomainError::new("kind", Reason::KindMismatch));
        }
        let coordinates = match (input.lat, input.lon) {
            (None, None) => match (unit.lat, unit.lon) {
                (Some(lat), Some(lon)) => Some(Coordinates { lat, lon }),
                _ => None,
            },
            (lat, lon) => Coordinates::parse(lat, lon)?,
        };
        let address = match input.address.as_deref() {
            Some(s) => parse_address(Some(s))?,
            None => unit.address.clone(),
        };
        Ok(Self {
            name,
            kind,
            coordinates,
            address,
        })
    }
}

/// A new village in a merge or a split.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct VillageInput {
    #[schema(required, nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(schema_with = village_kind)]
    pub kind: Option<String>,
}

/// Raw input of `POST /org-units/merge`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MergeInput {
    #[schema(required, nullable = false, min_items = 2, max_items = 100)]
    pub sources: Option<Vec<OrgUnitId>>,
    #[schema(required, value_type = crate::schema::Day)]
    pub date: Option<String>,
    #[schema(required, nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(schema_with = village_kind)]
    pub kind: Option<String>,
}

/// Raw input of `POST /org-units/split`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SplitInput {
    #[schema(required, nullable = false)]
    pub source: Option<OrgUnitId>,
    #[schema(required, value_type = crate::schema::Day)]
    pub date: Option<String>,
    #[schema(required, nullable = false, min_items = 2, max_items = 50)]
    pub parts: Option<Vec<VillageInput>>,
    /// Index in `parts` of the part that takes the unit's records by
    /// default; the first part when absent.
    pub default_part: Option<usize>,
}

/// A village to be created by a merge or split, under `parent_id`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVillage {
    pub name: UnitName,
    pub kind: Kind,
}

/// Several villages of one commune become one new village on `date`:
/// the sources end the day before.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub sources: Vec<OrgUnitId>,
    pub parent_id: OrgUnitId,
    pub date: NaiveDate,
    pub into: NewVillage,
}

/// One village becomes several on `date`; `default_part` takes its records
/// when no finer location is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    pub source: OrgUnitId,
    pub parent_id: OrgUnitId,
    pub date: NaiveDate,
    pub parts: Vec<NewVillage>,
    pub default_part: usize,
}

fn parse_village(field: &'static str, v: &VillageInput) -> Result<NewVillage, DomainError> {
    let name = UnitName::parse(field, v.name.as_deref().unwrap_or(""))?;
    let kind = match v.kind.as_deref() {
        None | Some("") => Kind::Thon,
        Some(s) => Kind::parse("kind", s)?,
    };
    if !kind.fits(Level::Village) {
        return Err(DomainError::new("kind", Reason::VillageKindInvalid));
    }
    Ok(NewVillage { name, kind })
}

/// A village that can end on `date - 1`: open on that day and begun before.
fn check_can_end(v: &OrgUnit, date: NaiveDate, field: &'static str) -> Result<(), DomainError> {
    if v.level != Level::Village {
        return Err(DomainError::new(field, Reason::OnlyVillagesReorganise));
    }
    if v.valid_to.is_some() {
        return Err(DomainError::new(
            field,
            Reason::UnitAlreadyEnded {
                name: v.name.clone(),
            },
        ));
    }
    if v.valid_from.is_some_and(|f| f >= date) {
        return Err(DomainError::new(
            "date",
            Reason::DateNotAfterStart {
                name: v.name.clone(),
            },
        ));
    }
    Ok(())
}

impl Merge {
    /// `sources` are the units named by the input ids, looked up by the
    /// caller within the actor's scope; a missing one makes the ids differ.
    pub fn parse(
        input: &MergeInput,
        sources: &[OrgUnit],
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let ids = input.sources.clone().unwrap_or_default();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() < 2 || unique.len() != ids.len() {
            return Err(DomainError::new("sources", Reason::MergeNeedsTwo));
        }
        let mut found: Vec<OrgUnitId> = sources.iter().map(|u| u.id).collect();
        found.sort_unstable();
        if found != unique {
            return Err(DomainError::new("sources", Reason::MergeSourcesNotFound));
        }
        let date = effective_date(input.date.as_deref(), today)?;
        for s in sources {
            check_can_end(s, date, "sources")?;
        }
        let parent_id = common_parent(sources)?;
        let into = parse_village(
            "name",
            &VillageInput {
                name: input.name.clone(),
                kind: input.kind.clone(),
            },
        )?;
        Ok(Self {
            sources: ids,
            parent_id,
            date,
            into,
        })
    }
}

fn common_parent(units: &[OrgUnit]) -> Result<OrgUnitId, DomainError> {
    let parents: Vec<Option<OrgUnitId>> = units.iter().map(|u| u.parent_id).collect();
    match parents.first() {
        Some(Some(p)) if parents.iter().all(|q| *q == Some(*p)) => Ok(*p),
        _ => Err(DomainError::new("sources", Reason::MergeDifferentCommunes)),
    }
}

impl Split {
    pub fn parse(
        input: &SplitInput,
        source: Option<&OrgUnit>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        let source =
            source.ok_or_else(|| DomainError::new("source", Reason::SplitSourceNotFound))?;
        let date = effective_date(input.date.as_deref(), today)?;
        check_can_end(source, date, "source")?;
        let raw = input.parts.clone().unwrap_or_default();
        if raw.len() < 2 {
            return Err(DomainError::new("parts", Reason::SplitNeedsTwo));
        }
        if raw.len() > MAX_SPLIT_PARTS {
            return Err(DomainError::new(
                "parts",
                Reason::SplitTooMany {
                    max: MAX_SPLIT_PARTS,
                },
            ));
        }
        let parts = raw
            .iter()
            .map(|p| parse_village("parts", p))
            .collect::<Result<Vec<_>, _>>()?;
        let default_part = input.default_part.unwrap_or(0);
        if default_part >= parts.len() {
            return Err(DomainError::new("default_part", Reason::DefaultPartMissing));
        }
        let parent_id = source
            .parent_id
            .ok_or_else(|| DomainError::new("source", Reason::VillageWithoutCommune))?;
        Ok(Self {
            source: source.id,
            parent_id,
            date,
            parts,
            default_part,
        })
    }
}

/// The date a merge or split takes effect: not in the future, since a unit
/// counts as open until it is ended and a future end would hide its sites
/// today. (Plan a reorganisation by recording it on its day.)
fn effective_date(raw: Option<&str>, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let date = crate::time::parse_date("date", raw.unwrap_or(""))?;
    if date > today {
        return Err(DomainError::new("date", Reason::EffectiveDateFuture));
    }
    Ok(date)
}

/// A merge or split inside `parent`: it cannot take effect before the
/// parent began, and the parent must still exist. Checked by the store
/// inside the write transaction, against the parent as it is then.
pub fn check_reorganisation_parent(parent: &OrgUnit, date: NaiveDate) -> Result<(), DomainError> {
    if parent.valid_to.is_some() {
        return Err(DomainError::new("sources", Reason::CommuneEnded));
    }
    if parent.valid_from.is_some_and(|f| date < f) {
        return Err(DomainError::new("date", Reason::DateBeforeCommune));
    }
    Ok(())
}

/// The day before `date`: the last day of units that end when it begins.
pub fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn village(id: OrgUnitId, parent: OrgUnitId) -> OrgUnit {
        OrgUnit {
            id,
            level: Level::Village,
            kind: Kind::Thon,
            code: None,
            name: format!("Thôn {id}"),
            short_name: format!("{id}"),
            parent_id: Some(parent),
            valid_from: None,
            valid_to: None,
            lat: None,
            lon: None,
            address: None,
        }
    }

    #[test]
    fn short_names_drop_the_type_word_but_keep_numbers() {
        assert_eq!(short_name("Tỉnh Nam Định", Kind::Tinh), "Nam Định");
        assert_eq!(short_name("Thành phố Hà Nội", Kind::ThanhPho), "Hà Nội");
        assert_eq!(short_name("Phường 1", Kind::Phuong), "Phường 1");
        // A type word only as the start of a longer word stays.
        assert_eq!(short_name("Bảng Long", Kind::Ban), "Bảng Long");
        assert_eq!(short_name("Xómnghèo", Kind::Xom), "Xómnghèo");
        assert_eq!(short_name("Thị trấn Vị Xuyên", Kind::ThiTran), "Vị Xuyên");
        assert_eq!(
            short_name("Trường THCS Lê Lợi", Kind::Site(PlaceKind::SCHOOL)),
            "Trường THCS Lê Lợi"
        );
    }

    #[test]
    fn search_text_takes_a_leading_type_word_as_a_kind() {
        let s = SearchText::parse("Xã Yên Phong").unwrap();
        assert_eq!(
            (s.text.as_str(), s.kinds.as_slice()),
            ("yen phong", &[Kind::Xa][..])
        );
        let s = SearchText::parse("thi xa son tay").unwrap();
        assert_eq!(
            (s.text.as_str(), s.kinds.as_slice()),
            ("son tay", &[Kind::ThiXa][..])
        );
        let s = SearchText::parse("NAM ĐỊNH").unwrap();
        assert_eq!((s.text.as_str(), s.kinds.len()), ("nam dinh", 0));
        let s = SearchText::parse("xa").unwrap();
        assert_eq!(
            (s.text.as_str(), s.kinds.len()),
            ("xa", 0),
            "a type word alone is a name"
        );
        assert_eq!(SearchText::parse(" \u{301} "), None);
    }

    #[test]
    fn national_types_map_to_kinds() {
        assert_eq!(Kind::from_national_type("Thị trấn"), Some(Kind::ThiTran));
        assert_eq!(Kind::from_national_type("Đặc khu"), Some(Kind::DacKhu));
        assert_eq!(Kind::from_national_type("Thành phố"), Some(Kind::ThanhPho));
        assert_eq!(Kind::from_national_type("Ấp"), None);
    }

    #[test]
    fn new_unit_checks_level_kind_parent_and_coordinates() {
        let commune = OrgUnit {
            level: Level::Commune,
            kind: Kind::Phuong,
            ..village(1, 0)
        };
        let ok = NewUnitInput {
            level: Some("village".into()),
            kind: Some("to_dan_pho".into()),
            name: Some(" Tổ dân phố  số 3 ".into()),
            parent_id: Some(1),
            ..Default::default()
        };
        let u = NewUnit::parse(&ok, Some(&commune)).unwrap();
        assert_eq!(u.name.as_str(), "Tổ dân phố số 3");

        let bad_kind = NewUnitInput {
            kind: Some("school".into()),
            ..ok.clone()
        };
        assert_eq!(
            NewUnit::parse(&bad_kind, Some(&commune)).unwrap_err().field,
            "kind"
        );
        let bad_level = NewUnitInput {
            level: Some("commune".into()),
            ..ok.clone()
        };
        assert_eq!(
            NewUnit::parse(&bad_level, Some(&commune))
                .unwrap_err()
                .field,
            "level"
        );
        assert_eq!(NewUnit::parse(&ok, None).unwrap_err().field, "parent_id");
        let v = village(2, 1);
        assert_eq!(
            NewUnit::parse(&ok, Some(&v)).unwrap_err().field,
            "parent_id"
        );
        let half = NewUnitInput {
            lat: Some(20.4),
            ..ok.clone()
        };
        assert_eq!(
            NewUnit::parse(&half, Some(&commune)).unwrap_err().field,
            "lon"
        );
        let far = NewUnitInput {
            lat: Some(48.0),
            lon: Some(2.3),
            ..ok
        };
        assert_eq!(
            NewUnit::parse(&far, Some(&commune)).unwrap_err().field,
            "lat"
        );
    }

    #[test]
    fn merge_needs_two_open_villages_of_one_commune() {
        let a = village(10, 1);
        let b = village(11, 1);
        let input = MergeInput {
            sources: Some(vec![10, 11]),
            date: Some("2026-01-01".into()),
            name: Some("Thôn Đoàn Kết".into()),
            kind: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let m = Merge::parse(&input, &[a.clone(), b.clone()], today).unwrap();
        assert_eq!((m.parent_id, m.into.kind), (1, Kind::Thon));

        let one = MergeInput {
            sources: Some(vec![10, 10]),
            ..input.clone()
        };
        assert_eq!(
            Merge::parse(&one, std::slice::from_ref(&a), today)
                .unwrap_err()
                .field,
            "sources"
        );
        let other = village(11, 2);
        assert_eq!(
            Merge::parse(&input, &[a.clone(), other], today)
                .unwrap_err()
                .field,
            "sources"
        );
        let closed = OrgUnit {
            valid_to: NaiveDate::from_ymd_opt(2025, 1, 1),
            ..b.clone()
        };
        assert_eq!(
            Merge::parse(&input, &[a.clone(), closed], today)
                .unwrap_err()
                .field,
            "sources"
        );
        let late = OrgUnit {
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1),
            ..b
        };
        assert_eq!(
            Merge::parse(&input, &[a.clone(), late], today)
                .unwrap_err()
                .field,
            "date"
        );
    }

    #[test]
    fn reorganisations_are_not_in_the_future_nor_before_the_commune() {
        let a = village(10, 1);
        let b = village(11, 1);
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let future = MergeInput {
            sources: Some(vec![10, 11]),
            date: Some("2026-11-30".into()),
            name: Some("X".into()),
            kind: None,
        };
        assert_eq!(
            Merge::parse(&future, &[a.clone(), b], today)
                .unwrap_err()
                .field,
            "date"
        );
        let ward = OrgUnit {
            level: Level::Commune,
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1),
            ..village(1, 0)
        };
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            check_reorganisation_parent(&ward, d("1990-01-01"))
                .unwrap_err()
                .field,
            "date"
        );
        assert!(check_reorganisation_parent(&ward, d("2025-07-01")).is_ok());
        let ended = OrgUnit {
            valid_to: Some(d("2025-06-30")),
            ..ward
        };
        assert!(check_reorganisation_parent(&ended, d("2025-07-01")).is_err());
        let split = SplitInput {
            source: Some(10),
            date: Some("2027-01-01".into()),
            parts: Some(vec![VillageInput::default(), VillageInput::default()]),
            default_part: None,
        };
        assert_eq!(
            Split::parse(&split, Some(&a), today).unwrap_err().field,
            "date"
        );
    }

    #[test]
    fn split_needs_two_parts_and_a_valid_default() {
        let a = village(10, 1);
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let part = |n: &str| VillageInput {
            name: Some(n.into()),
            kind: None,
        };
        let input = SplitInput {
            source: Some(10),
            date: Some("2026-03-01".into()),
            parts: Some(vec![part("Thôn Đông"), part("Thôn Tây")]),
            default_part: Some(1),
        };
        assert_eq!(
            Split::parse(&input, Some(&a), today).unwrap().default_part,
            1
        );
        let bad = SplitInput {
            default_part: Some(2),
            ..input.clone()
        };
        assert_eq!(
            Split::parse(&bad, Some(&a), today).unwrap_err().field,
            "default_part"
        );
        let few = SplitInput {
            parts: Some(vec![part("X")]),
            ..input.clone()
        };
        assert_eq!(
            Split::parse(&few, Some(&a), today).unwrap_err().field,
            "parts"
        );
        let bad_date = SplitInput {
            date: Some("2026-13-01".into()),
            ..input
        };
        assert_eq!(
            Split::parse(&bad_date, Some(&a), today).unwrap_err().field,
            "date"
        );
    }
}
