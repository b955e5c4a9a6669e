//! Catalogues that are lists of words: the fields of the movement a model
//! type belongs to (`Sector`) and the kinds of place a site is and a model
//! type may be deployed at (`PlaceKind`). They are data, so that a
//! province adds a field or a kind of place without a release: the
//! national entries are the administrators', a province's own sit beside
//! them (who may change what is `policy::decide_catalogue`'s to say, as
//! for the other catalogues).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalogue::{Code, Owner};
use crate::org_units::{OrgUnitId, PlaceKind};
use crate::text::{fold, normalize};
use crate::{DomainError, Reason};

/// The longest name of an entry.
pub const MAX_NAME_CHARS: usize = 100;

/// Which list of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// Fields of the movement (`lĩnh vực`).
    Field,
    /// Kinds of place (`loại nơi`): the kinds of sites.
    PlaceKind,
}

impl Vocabulary {
    pub const ALL: [Vocabulary; 2] = [Vocabulary::Field, Vocabulary::PlaceKind];

    /// The table, and the entity the audit log names.
    pub fn table(self) -> &'static str {
        match self {
            Vocabulary::Field => "model_fields",
            Vocabulary::PlaceKind => "place_kinds",
        }
    }

    pub fn entity(self) -> &'static str {
        match self {
            Vocabulary::Field => "model_field",
            Vocabulary::PlaceKind => "place_kind",
        }
    }

    /// The path segment of its API and pages.
    pub fn path(self) -> &'static str {
        match self {
            Vocabulary::Field => "model-fields",
            Vocabulary::PlaceKind => "place-kinds",
        }
    }

    /// A code given for an entry the list does not hold, with the names
    /// that may be chosen.
    pub fn not_in_catalogue(self, field: &'static str, given: &str, words: &Words) -> DomainError {
        let given: String = given.trim().chars().take(40).collect();
        let allowed = words.names().join("; ");
        let reason = match self {
            Vocabulary::Field => Reason::FieldNotInCatalogue { given, allowed },
            Vocabulary::PlaceKind => Reason::PlaceKindNotInCatalogue { given, allowed },
        };
        DomainError::new(field, reason)
    }
}

/// One entry, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Entry {
    #[schema(value_type = String)]
    #[serde(serialize_with = "code_text")]
    pub code: Code,
    pub name: String,
    pub owner: Owner,
    /// The owning province's name; none for a national entry.
    pub owner_name: Option<String>,
}

fn code_text<S: serde::Serializer>(c: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

/// Raw input for a new entry, or a new name for one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// `a-z`, `0-9`, `_`, at most 32; made from the name when absent.
    #[schema(value_type = Option<String>)]
    pub code: Option<String>,
    pub name: Option<String>,
    /// The province whose list it joins, for someone working in several
    /// (or an administrator adding a province's entry); absent: the
    /// national list for administrators, the user's province otherwise.
    pub owner_id: Option<OrgUnitId>,
}

/// A checked new entry.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub code: Code,
    pub name: String,
}

impl NewEntry {
    pub fn parse(vocabulary: Vocabulary, input: &EntryInput) -> Result<Self, DomainError> {
        let name = parse_name(input.name.as_deref())?;
        let code = match input.code.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => Code::parse(c)
                .ok_or_else(|| DomainError::new("code", Reason::VocabularyCodeInvalid))?,
            _ => Code::from_name(&name)
                .ok_or_else(|| DomainError::new("code", Reason::VocabularyCodeInvalid))?,
        };
        if vocabulary == Vocabulary::PlaceKind && PlaceKind::is_reserved(code.as_str()) {
            return Err(DomainError::new(
                "code",
                Reason::VocabularyCodeReserved {
                    code: code.as_str().into(),
                },
            ));
        }
        Ok(Self { code, name })
    }
}

/// An entry's name: required, at most [`MAX_NAME_CHARS`], one line.
pub fn parse_name(s: Option<&str>) -> Result<String, DomainError> {
    let name = normalize(s.unwrap_or_default());
    if name.is_empty() {
        return Err(DomainError::new("name", Reason::Required));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::new(
            "name",
            Reason::TooLong {
                max: MAX_NAME_CHARS,
            },
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::new("name", Reason::ControlCharacters));
    }
    Ok(name)
}

/// The entries a place or an owner may use, in their order: what a code
/// is called, and which code a name written in a file stands for.
#[derive(Debug, Clone, Default)]
pub struct Words(Vec<Entry>);

impl Words {
    pub fn new(entries: Vec<Entry>) -> Self {
        Self(entries)
    }

    pub fn entries(&self) -> &[Entry] {
        &self.0
    }

    pub fn contains(&self, code: &str) -> bool {
        self.0.iter().any(|e| e.code.as_str() == code)
    }

    /// The name of `code`, or the code itself for one the list does not
    /// hold (data written before an entry was removed stays readable).
    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.0
            .iter()
            .find(|e| e.code.as_str() == code)
            .map_or(code, |e| e.name.as_str())
    }

    /// The code a file's cell names: the code itself, or the name in any
    /// case and with or without diacritics.
    pub fn resolve(&self, text: &str) -> Option<Code> {
        let t = text.trim();
        let folded = fold(t);
        self.0
            .iter()
            .find(|e| e.code.as_str() == t)
            .or_else(|| self.0.iter().find(|e| fold(&e.name) == folded))
            .map(|e| e.code)
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.iter().map(|e| e.name.as_str()).collect()
    }

    /// Whether another entry of the list is already called `name`.
    pub fn has_name(&self, name: &str) -> bool {
        let f = fold(name);
        self.0.iter().any(|e| fold(&e.name) == f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, name: &str) -> Entry {
        Entry {
            code: Code::parse(code).unwrap(),
            name: name.into(),
            owner: Owner::National,
            owner_name: None,
        }
    }

    #[test]
    fn a_new_entry_takes_a_code_from_its_name_and_never_a_reserved_one() {
        let input = |code: Option<&str>, name: &str| EntryInput {
            code: code.map(str::to_string),
            name: Some(name.into()),
            owner_id: None,
        };
        let e = NewEntry::parse(Vocabulary::PlaceKind, &input(None, " Bến  thuyền ")).unwrap();
        assert_eq!(
            (e.code.as_str(), e.name.as_str()),
            ("ben_thuyen", "Bến thuyền")
        );
        let e = NewEntry::parse(Vocabulary::Field, &input(Some("du_lich"), "Du lịch")).unwrap();
        assert_eq!(e.code.as_str(), "du_lich");
        for reserved in ["village", "commune", "thon", "xa", "site"] {
            let err = NewEntry::parse(Vocabulary::PlaceKind, &input(Some(reserved), "X"));
            assert!(
                matches!(err, Err(ref e) if e.field == "code"),
                "{reserved}: {err:?}"
            );
        }
        // A field may be called what a level is: fields are not places.
        assert!(NewEntry::parse(Vocabulary::Field, &input(Some("village"), "Làng")).is_ok());
        for bad in [Some("Bến"), Some("1x")] {
            assert!(NewEntry::parse(Vocabulary::Field, &input(bad, "Bến")).is_err());
        }
        assert!(NewEntry::parse(Vocabulary::Field, &input(None, "  ")).is_err());
        assert!(NewEntry::parse(Vocabulary::Field, &input(None, &"x".repeat(101))).is_err());
        assert!(NewEntry::parse(Vocabulary::Field, &input(None, "—")).is_err());
    }

    #[test]
    fn words_name_codes_and_read_names_as_files_write_them() {
        let w = Words::new(vec![
            entry("residential", "Khu dân cư"),
            entry("du_lich", "Du lịch"),
        ]);
        assert_eq!(w.name("du_lich"), "Du lịch");
        assert_eq!(w.name("gone"), "gone");
        assert_eq!(w.resolve("khu dan cu").unwrap().as_str(), "residential");
        assert_eq!(w.resolve(" du_lich ").unwrap().as_str(), "du_lich");
        assert_eq!(w.resolve("Du lịch").unwrap().as_str(), "du_lich");
        assert_eq!(w.resolve("Giao thông"), None);
        assert!(w.has_name("KHU DÂN CƯ"));
        assert_eq!(w.names(), ["Khu dân cư", "Du lịch"]);
    }
}
