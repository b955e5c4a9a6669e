//! Shares of a split unit over HTTP: which part of its sums and stocks
//! each successor takes as it is now (`store::statistics::shares`). The
//! routes sit under the unit they belong to; the unit page shows the form.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::policy::Action;
use domain::Reason;
use store::statistics::shares::SuccessorShare;

use crate::actor::Actor;
use crate::api::Items;
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/org-units/{id}/shares", shares_api)
        .put("/api/v1/org-units/{id}/shares", set_shares_api)
        .post("/org-units/{id}/shares", shares_form)
}

/// A split unit's successors with the share of its sums and stocks each takes as it is now (null: not set; the default successor then takes all)
#[utoipa::path(get, path = "/api/v1/org-units/{id}/shares", tag = "statistics", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Shares", body = Items<SuccessorShare>)))]
pub(super) async fn shares_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::path_id(&id).map_err(|_| ApiError::not_found())?;
    store::org_units::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let items = store::statistics::shares::of(&state.db, id).await?;
    Ok(Json(Items { items }).into_response())
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SharesBody {
    #[schema(max_items = 100)]
    shares: Vec<domain::statistics::ShareInput>,
}

/// Who may set a unit's shares: admins and province staff (403 for others,
/// whatever they send), for a unit in scope (404 otherwise).
async fn may_set_shares(state: &AppState, actor: &Actor, id: i64) -> Result<(), ApiError> {
    if !actor.may(Action::ManageStatistics) {
        return Err(ApiError::forbidden());
    }
    store::org_units::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(())
}

/// Replaces the shares (after [`may_set_shares`]) and moves the unit's
/// figures in the rollups to match.
async fn set_shares(
    state: &AppState,
    actor: &Actor,
    id: i64,
    items: &[domain::statistics::ShareInput],
) -> Result<Vec<store::statistics::shares::SuccessorShare>, ApiError> {
    Ok(
        store::statistics::shares::set(&state.db, actor.author(), id, |succ| {
            domain::statistics::Shares::parse(items, succ)
        })
        .await?,
    )
}

/// Replace the shares (each a successor, above 0, together 1; an empty list clears them); the unit's figures move in the rollups in the same transaction
#[utoipa::path(put, path = "/api/v1/org-units/{id}/shares", tag = "statistics", params(("id" = i64, Path, minimum = 1)),
    request_body = SharesBody,
    responses((status = 200, description = "Saved", body = Items<SuccessorShare>)))]
pub(super) async fn set_shares_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::path_id(&id).map_err(|_| ApiError::not_found())?;
    may_set_shares(&state, &actor, id).await?;
    let b: SharesBody = forms::json(&body)?;
    let items = set_shares(&state, &actor, id, &b.shares).await?;
    Ok(Json(Items { items }).into_response())
}

/// The unit page's form: one percentage per successor (`share_{id}`);
/// all blank clears the shares.
async fn shares_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let back = format!("/org-units/{id}");
    let result = async {
        let id = forms::path_id(&id).map_err(|_| ApiError::not_found())?;
        may_set_shares(&state, &actor, id).await?;
        let f = Fields::parse(&body);
        let mut items = Vec::new();
        for (k, v) in f.pairs() {
            let Some(to) = k.strip_prefix("share_").and_then(|t| t.parse::<i64>().ok()) else {
                continue;
            };
            let number = domain::file::parse_number(v).map_err(|_| {
                ApiError::invalid(
                    "shares",
                    Reason::NumberInvalid {
                        text: v.chars().take(40).collect(),
                    },
                )
            })?;
            match number {
                None => {}
                Some(pct) => items.push(domain::statistics::ShareInput {
                    to,
                    share: pct / 100.0,
                }),
            }
        }
        set_shares(&state, &actor, id, &items).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => crate::org_units::form_refused(&state, &actor, lang, e, &back),
    }
}
