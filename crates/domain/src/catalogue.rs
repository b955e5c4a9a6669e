//! Who a catalogue entry (a model type, an indicator, a data set, a
//! validation rule) belongs to, and which entries a place may use.
//!
//! The national catalogue is the administrators'; a province may keep its
//! own entries beside it (the article's department keeps 55 model types of
//! its own) and hide a national entry it does not use. Who may change what
//! is `policy::decide_catalogue`'s to say; this module says what an entry
//! is and where it applies.

use serde::Serialize;

use crate::org_units::OrgUnitId;

/// Who an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "level", content = "province_id", rename_all = "snake_case")]
pub enum Owner {
    /// The national catalogue, kept by administrators.
    National,
    /// One province's own entries, kept by its staff.
    Province(OrgUnitId),
}

impl Owner {
    /// From the stored column: NULL is national.
    pub fn from_column(owner_id: Option<OrgUnitId>) -> Self {
        owner_id.map_or(Owner::National, Owner::Province)
    }

    /// The stored column.
    pub fn column(self) -> Option<OrgUnitId> {
        match self {
            Owner::National => None,
            Owner::Province(id) => Some(id),
        }
    }
}

/// The catalogues that have owners, as `catalogue_hidden` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    ModelType,
    Indicator,
    DataSet,
    ValidationRule,
}

impl Catalogue {
    pub fn as_str(self) -> &'static str {
        match self {
            Catalogue::ModelType => "model_type",
            Catalogue::Indicator => "indicator",
            Catalogue::DataSet => "data_set",
            Catalogue::ValidationRule => "validation_rule",
        }
    }
}

/// Whether an entry of `owner` applies at a place of `provinces` (the
/// current provinces a unit lies in: one, or two for a legacy unit split
/// across provinces), where `hidden_in` says whether a province hid it.
/// A national entry applies unless every one of the place's provinces
/// hid it; a province's entry applies in that province only.
pub fn applies(
    owner: Owner,
    provinces: &[OrgUnitId],
    hidden_in: impl Fn(OrgUnitId) -> bool,
) -> bool {
    match owner {
        Owner::National => provinces.is_empty() || !provinces.iter().all(|p| hidden_in(*p)),
        Owner::Province(p) => provinces.contains(&p),
    }
}

/// Whether someone working in `provinces` (`None`: unscoped, the whole
/// country) sees an entry of `owner` in the catalogue's lists: national
/// entries and their own provinces' (hidden ones too, marked, so that
/// they can be shown again).
pub fn listed(owner: Owner, provinces: Option<&[OrgUnitId]>) -> bool {
    match (owner, provinces) {
        (_, None) | (Owner::National, _) => true,
        (Owner::Province(p), Some(mine)) => mine.contains(&p),
    }
}

/// The longest code of an entry kept as data.
pub const MAX_CODE_CHARS: usize = 32;

/// The code of an entry of a catalogue kept as data (a field of the
/// movement, a kind of place): `a-z`, `0-9` and `_`, starting with a
/// letter, at most [`MAX_CODE_CHARS`]. It is `Copy`, so the types that hold
/// one cost what the enums they replaced cost.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    // Zero-padded: the padding sorts before any character, so the order
    // is the order of the texts.
    bytes: [u8; MAX_CODE_CHARS],
    len: u8,
}

impl Code {
    /// The code `s` names, if it has the form of one (surrounding spaces
    /// are trimmed).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let ok = (1..=MAX_CODE_CHARS).contains(&s.len())
            && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        ok.then(|| Self::of_checked(s.as_bytes()))
    }

    /// A code written in the source; a bad one stops the build.
    // Indexing in a const fn: the loop bounds it, and a panic here is a
    // build error, not a runtime one.
    #[allow(clippy::indexing_slicing)]
    pub const fn from_static(s: &'static str) -> Self {
        let b = s.as_bytes();
        assert!(!b.is_empty() && b.len() <= MAX_CODE_CHARS && b[0].is_ascii_lowercase());
        let mut i = 0;
        while i < b.len() {
            assert!(b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'_');
            i += 1;
        }
        Self::of_checked(b)
    }

    #[allow(clippy::indexing_slicing)] // as above: bounded by `b.len()` ≤ the array
    const fn of_checked(b: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_CODE_CHARS];
        let mut i = 0;
        while i < b.len() {
            bytes[i] = b[i];
            i += 1;
        }
        Code {
            bytes,
            len: b.len() as u8,
        }
    }

    /// The code made from a name, for an entry added without one:
    /// `Bến thuyền, bến đò` → `ben_thuyen_ben_do`. `None` when the name
    /// holds no letter or digit it can use.
    pub fn from_name(name: &str) -> Option<Self> {
        let mut out = String::new();
        for c in crate::text::fold(name).chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        let mut out = out.trim_end_matches('_').to_string();
        if out.starts_with(|c: char| c.is_ascii_digit()) {
            out.insert_str(0, "x_");
        }
        out.truncate(MAX_CODE_CHARS);
        Self::parse(out.trim_end_matches('_'))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        let bytes = self.bytes.get(..self.len as usize).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares a code type of a catalogue kept as data: sent, answered and
/// stored as its text, refused with `$reason` when it has not the form of
/// a code. Whether the catalogue holds it is the store's to check.
#[macro_export]
macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $reason:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($crate::catalogue::Code);

        impl $name {
            pub fn parse(field: &'static str, s: &str) -> Result<Self, $crate::DomainError> {
                $crate::catalogue::Code::parse(s)
                    .map($name)
                    .ok_or_else(|| $crate::DomainError::new(field, $reason))
            }

            pub const fn from_static(s: &'static str) -> Self {
                $name($crate::catalogue::Code::from_static(s))
            }

            pub fn from_code(code: $crate::catalogue::Code) -> Self {
                $name(code)
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $crate::catalogue::Code::parse(&s)
                    .map($name)
                    .ok_or_else(|| serde::de::Error::custom("not a code"))
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::schema::entry_code().into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_entry_applies_in_its_province_only() {
        let never = |_| false;
        assert!(applies(Owner::Province(7), &[7], never));
        assert!(!applies(Owner::Province(7), &[8], never));
        assert!(!applies(Owner::Province(7), &[], never));
        assert!(applies(Owner::National, &[8], never));
        // A national entry hidden by the place's province does not apply
        // there; a place split across two provinces keeps it while one
        // of them still uses it.
        assert!(!applies(Owner::National, &[8], |p| p == 8));
        assert!(applies(Owner::National, &[7, 8], |p| p == 8));
        assert!(!applies(Owner::National, &[7, 8], |_| true));
    }

    #[test]
    fn codes_keep_their_text_and_order_and_refuse_anything_else() {
        let a = Code::parse(" ben_thuyen ").unwrap();
        assert_eq!(a.as_str(), "ben_thuyen");
        assert!(Code::parse("ben").unwrap() < a);
        assert!(a < Code::parse("ben_xe").unwrap());
        for bad in ["", "Ben", "1ben", "bến", "ben-thuyen", &"a".repeat(33)] {
            assert_eq!(Code::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Code::from_name("Bến thuyền, bến đò").unwrap().as_str(),
            "ben_thuyen_ben_do"
        );
        assert_eq!(Code::from_name("3 giỏi").unwrap().as_str(), "x_3_gioi");
        assert_eq!(Code::from_name(" ,; "), None);
        let long = Code::from_name(&"Chợ đầu mối ".repeat(5)).unwrap();
        assert!(long.as_str().len() <= MAX_CODE_CHARS && !long.as_str().ends_with('_'));
    }

    #[test]
    fn lists_show_national_entries_and_ones_own() {
        assert!(listed(Owner::National, Some(&[7])));
        assert!(listed(Owner::Province(7), Some(&[7])));
        assert!(!listed(Owner::Province(8), Some(&[7])));
        assert!(listed(Owner::Province(8), None));
        assert!(!listed(Owner::Province(8), Some(&[])));
    }
}
