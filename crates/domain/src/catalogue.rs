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
    fn lists_show_national_entries_and_ones_own() {
        assert!(listed(Owner::National, Some(&[7])));
        assert!(listed(Owner::Province(7), Some(&[7])));
        assert!(!listed(Owner::Province(8), Some(&[7])));
        assert!(listed(Owner::Province(8), None));
        assert!(!listed(Owner::Province(8), Some(&[])));
    }
}
