//! The statistics catalogue by owner, as the API and the definitions pages
//! meet it: indicators, data sets and validation rules belong to the
//! national catalogue (administrators) or to one province (its staff); a
//! province adds its own beside the national ones, its indicators also to
//! a national form, and hides a national entry it does not use. The
//! policy decides who changes what (`policy::decide_catalogue`, through
//! `catalogue::Workplace`); the store applies each entry where it belongs.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::catalogue::{Catalogue, Owner};
use domain::org_units::OrgUnitId;
use domain::policy::Action;
use domain::statistics::{
    DataSetInput, Indicator, IndicatorInput, NewDataSet, NewIndicator, NewRule, RuleInput,
};
use domain::Reason;
use serde::Serialize;
use store::statistics::{self, DataSetView, RuleView};

use super::path_id;
use crate::actor::Actor;
use crate::catalogue::{HiddenInput, Workplace};
use crate::error::ApiError;
use crate::forms;
use crate::AppState;

const ACTION: Action = Action::ManageStatistics;

/// A new entry's owner may be asked for; an existing entry keeps its own.
fn owner_fixed(asked: Option<OrgUnitId>, current: Owner) -> Result<(), ApiError> {
    match asked {
        Some(p) if Owner::Province(p) != current => {
            Err(ApiError::invalid("owner_id", Reason::OwnerFixed))
        }
        _ => Ok(()),
    }
}

/// The indicator, if the user's lists show it (another province's is not found).
pub(super) async fn indicator_seen(
    state: &AppState,
    at: &Workplace,
    id: i64,
) -> Result<Indicator, ApiError> {
    statistics::indicator(&state.db, id)
        .await?
        .filter(|i| domain::catalogue::listed(i.owner, at.provinces()))
        .ok_or_else(ApiError::not_found)
}

/// The data set, if the user's lists show it.
pub(super) async fn data_set_seen(
    state: &AppState,
    at: &Workplace,
    id: i64,
) -> Result<DataSetView, ApiError> {
    let mut view = statistics::data_set(&state.db, id)
        .await?
        .filter(|v| domain::catalogue::listed(v.set.owner, at.provinces()))
        .ok_or_else(ApiError::not_found)?;
    // Another province's indicators and rules on a national set are theirs.
    view.indicators
        .retain(|i| domain::catalogue::listed(i.owner, at.provinces()));
    view.rules
        .retain(|r| domain::catalogue::listed(r.owner, at.provinces()));
    Ok(view)
}

/// The rule, if the user's lists show it.
pub(super) async fn rule_seen(
    state: &AppState,
    at: &Workplace,
    id: i64,
) -> Result<RuleView, ApiError> {
    statistics::rule(&state.db, id)
        .await?
        .filter(|r| domain::catalogue::listed(r.owner, at.provinces()))
        .ok_or_else(ApiError::not_found)
}

/// Adds an indicator to the catalogue the user keeps (`owner_id` names
/// another), or changes one the policy lets them change.
pub(super) async fn save_indicator(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    input: &IndicatorInput,
) -> Result<Indicator, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    match id {
        None => {
            let owner = at.owner_of_new(actor, ACTION, input.owner_id)?;
            let new = NewIndicator::parse(input)?;
            let join = input
                .data_set
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            Ok(statistics::create_indicator(&state.db, actor.author(), owner, &new, join).await?)
        }
        Some(id) => {
            let current = indicator_seen(state, &at, id).await?;
            at.require_change(actor, ACTION, current.owner)?;
            owner_fixed(input.owner_id, current.owner)?;
            let new = NewIndicator::parse(input)?;
            Ok(statistics::update_indicator(&state.db, actor.author(), id, &new).await?)
        }
    }
}

/// Adds a data set to the catalogue the user keeps, or changes one.
pub(super) async fn save_data_set(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    input: &DataSetInput,
) -> Result<DataSetView, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    match id {
        None => {
            let owner = at.owner_of_new(actor, ACTION, input.owner_id)?;
            let new = NewDataSet::parse(input)?;
            Ok(statistics::create_data_set(&state.db, actor.author(), owner, &new).await?)
        }
        Some(id) => {
            let current = data_set_seen(state, &at, id).await?;
            at.require_change(actor, ACTION, current.set.owner)?;
            owner_fixed(input.owner_id, current.set.owner)?;
            let new = NewDataSet::parse(input)?;
            Ok(statistics::update_data_set(&state.db, actor.author(), id, &new).await?)
        }
    }
}

/// Adds a rule to the catalogue the user keeps, or rewrites or retires one.
pub(super) async fn save_rule(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    input: &RuleInput,
    active: bool,
) -> Result<RuleView, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    match id {
        None => {
            let owner = at.owner_of_new(actor, ACTION, input.owner_id)?;
            let new = NewRule::parse(input)?;
            Ok(statistics::create_rule(&state.db, actor.author(), owner, &new).await?)
        }
        Some(id) => {
            let current = rule_seen(state, &at, id).await?;
            at.require_change(actor, ACTION, current.owner)?;
            owner_fixed(input.owner_id, current.owner)?;
            let new = NewRule::parse(input)?;
            Ok(statistics::update_rule(&state.db, actor.author(), id, &new, active).await?)
        }
    }
}

/// A national entry hidden for a province, or shown again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HiddenView {
    pub id: i64,
    pub province_id: OrgUnitId,
    pub hidden: bool,
}

/// Hides a national entry for a province (the user's one unless named),
/// or shows it again.
pub(super) async fn hide(
    state: &AppState,
    actor: &Actor,
    catalogue: Catalogue,
    id: i64,
    input: &HiddenInput,
) -> Result<HiddenView, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    let owner = match catalogue {
        Catalogue::Indicator => indicator_seen(state, &at, id).await?.owner,
        Catalogue::DataSet => data_set_seen(state, &at, id).await?.set.owner,
        _ => rule_seen(state, &at, id).await?.owner,
    };
    let province = at.hiding_province(input.province_id)?;
    at.require_hide(actor, ACTION, province)?;
    store::catalogue::set_hidden(
        &state.db,
        actor.author(),
        catalogue,
        id,
        owner,
        province,
        input.hidden,
    )
    .await?;
    Ok(HiddenView {
        id,
        province_id: province,
        hidden: input.hidden,
    })
}

async fn hide_api(
    state: AppState,
    actor: Actor,
    catalogue: Catalogue,
    id: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    actor.require(ACTION)?;
    let id = path_id(id)?;
    let input: HiddenInput = forms::json(body)?;
    Ok(Json(hide(&state, &actor, catalogue, id, &input).await?).into_response())
}

/// Hide a national indicator for a province, or use it again (province staff for their province)
#[utoipa::path(put, path = "/api/v1/indicators/{id}/hidden", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = HiddenInput,
    responses((status = 200, description = "Hidden or shown", body = HiddenView)))]
pub(super) async fn hide_indicator_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    hide_api(state, actor, Catalogue::Indicator, &id, &body).await
}

/// Hide a national data set for a province, or use it again
#[utoipa::path(put, path = "/api/v1/data-sets/{id}/hidden", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = HiddenInput,
    responses((status = 200, description = "Hidden or shown", body = HiddenView)))]
pub(super) async fn hide_data_set_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    hide_api(state, actor, Catalogue::DataSet, &id, &body).await
}

/// Hide a national validation rule for a province (its forms are no longer checked against it), or use it again
#[utoipa::path(put, path = "/api/v1/validation-rules/{id}/hidden", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = HiddenInput,
    responses((status = 200, description = "Hidden or shown", body = HiddenView)))]
pub(super) async fn hide_rule_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    hide_api(state, actor, Catalogue::ValidationRule, &id, &body).await
}
