//! Catalogue ownership as requests meet it (`domain::catalogue`): where
//! the user works, the policy's answer for an entry as an error the pages
//! and the API show, and the owner of a new entry.

use axum::http::StatusCode;
use domain::catalogue::Owner;
use domain::org_units::OrgUnitId;
use domain::policy::{self, Action, Decision};
use domain::Reason;

use crate::actor::Actor;
use crate::error::ApiError;
use crate::AppState;

/// The provinces a user works in; `None` for the whole country
/// (administrators).
#[derive(Debug, Clone)]
pub struct Workplace {
    provinces: Option<Vec<OrgUnitId>>,
}

impl Workplace {
    pub async fn of(state: &AppState, actor: &Actor) -> Result<Self, ApiError> {
        let provinces = store::catalogue::provinces_of_user(&state.db, actor.scope()).await?;
        Ok(Workplace { provinces })
    }

    /// The provinces, for the store's listing functions.
    pub fn provinces(&self) -> Option<&[OrgUnitId]> {
        self.provinces.as_deref()
    }

    fn mine(&self) -> &[OrgUnitId] {
        self.provinces.as_deref().unwrap_or_default()
    }

    /// Whether `actor` may add, change or retire an entry of `owner`.
    pub fn may_change(&self, actor: &Actor, action: Action, owner: Owner) -> bool {
        policy::decide_catalogue(actor.user.role, action, owner, self.mine()) == Decision::Allow
    }

    /// [`may_change`](Self::may_change) as the refusal to answer.
    pub fn require_change(
        &self,
        actor: &Actor,
        action: Action,
        owner: Owner,
    ) -> Result<(), ApiError> {
        let d = policy::decide_catalogue(actor.user.role, action, owner, self.mine());
        refusal(actor, action, d)
    }

    /// Whether `actor` may hide a national entry for `province`, or show it again.
    pub fn may_hide(&self, actor: &Actor, action: Action, province: OrgUnitId) -> bool {
        policy::decide_hiding(actor.user.role, action, province, self.mine()) == Decision::Allow
    }

    pub fn require_hide(
        &self,
        actor: &Actor,
        action: Action,
        province: OrgUnitId,
    ) -> Result<(), ApiError> {
        let d = policy::decide_hiding(actor.user.role, action, province, self.mine());
        refusal(actor, action, d)
    }

    /// The one province whose choices the user makes (hiding a national
    /// entry, owning a new one) when they name none: `None` for the whole
    /// country or several provinces.
    pub fn single(&self) -> Option<OrgUnitId> {
        match self.mine() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The owner of a new entry: the province asked; else the national
    /// catalogue for administrators, and the one province of anyone else.
    pub fn owner_of_new(
        &self,
        actor: &Actor,
        action: Action,
        asked: Option<OrgUnitId>,
    ) -> Result<Owner, ApiError> {
        actor.require(action)?;
        let owner = match (asked, &self.provinces) {
            (Some(p), _) => Owner::Province(p),
            (None, None) => Owner::National,
            (None, Some(_)) => Owner::Province(
                self.single()
                    .ok_or_else(|| ApiError::invalid("owner_id", Reason::OwnerProvinceRequired))?,
            ),
        };
        self.require_change(actor, action, owner)?;
        Ok(owner)
    }

    /// The province a hiding is for: the one asked, else the user's one.
    pub fn hiding_province(&self, asked: Option<OrgUnitId>) -> Result<OrgUnitId, ApiError> {
        asked
            .or_else(|| self.single())
            .ok_or_else(|| ApiError::invalid("province_id", Reason::OwnerProvinceRequired))
    }
}

/// The policy's decision as the answer: a role that may not take the
/// action is told which roles may; a province's staff changing a national
/// entry is told that administrators keep it; another province's entry is
/// not found.
fn refusal(actor: &Actor, action: Action, d: Decision) -> Result<(), ApiError> {
    match d {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(ApiError::not_found()),
        Decision::Forbidden if !actor.may(action) => Err(ApiError::role_not_allowed(action)),
        Decision::Forbidden => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Reason::NationalEntry,
        )),
    }
}

/// Hiding a national entry for a province, or using it again.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HiddenInput {
    /// `true` hides the entry for the province, `false` shows it again.
    pub hidden: bool,
    /// The province; by default the one the user works in.
    pub province_id: Option<OrgUnitId>,
}
