//! Partner organisations over HTTP: the list by level and unit, an
//! organisation with its contacts and programmes, its end into a
//! successor (the 2025 reform), and which organisation a partner's
//! account works for. Pages in `pages.rs` share the parsing here
//! (`docs/architecture.md`, "Partners and programmes").

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::documents::Level;
use domain::page::Page;
use domain::partners::{End, EndInput, Kind, NewPartner, PartnerInput};
use domain::policy::Action;
use serde::{Deserialize, Serialize};
use store::partners::{self as partners, PartnerQuery, PartnerRow};

use crate::actor::Actor;
use crate::api::{PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod pages;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/partners", list_api)
        .post("/api/v1/partners", create_api)
        .get("/api/v1/partners/{id}", get_api)
        .put("/api/v1/partners/{id}", update_api)
        .post("/api/v1/partners/{id}/end", end_api)
        .put("/api/v1/users/{id}/organisation", user_organisation_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        get_api,
        update_api,
        end_api,
        user_organisation_api
    ),
    components(schemas(Kind))
)]
pub struct Api;

/// A page of organisations and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct PartnerPage {
    items: Vec<PartnerRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn partner_query(f: &Fields) -> Result<PartnerQuery, ApiError> {
    let coded = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    Ok(PartnerQuery {
        kind: coded("kind").map(|k| Kind::parse("kind", k)).transpose()?,
        level: coded("level")
            .map(|l| Level::parse("level", l))
            .transpose()?,
        org_unit: f.i64("org_unit")?,
        q: coded("q").map(domain::text::fold),
        ended: f.bool("ended")?.unwrap_or(false),
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// The organisation, if visible; else 404.
pub(crate) async fn partner(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<PartnerRow, ApiError> {
    partners::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// Partner organisations of the scope, of the levels above it, and national ones
#[utoipa::path(get, path = "/api/v1/partners", tag = "partners",
    params(
        ("kind" = Option<Kind>, Query),
        ("level" = Option<Level>, Query),
        ("org_unit" = Option<i64>, Query, description = "Organisations of this unit or a unit under it."),
        ("q" = Option<String>, Query, description = "Part of the name, with or without diacritics."),
        ("ended" = Option<bool>, Query, description = "Ended organisations too."),
        PageParams,
    ),
    responses((status = 200, description = "A page of organisations", body = PartnerPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = partner_query(&Fields::from_query(q.as_deref()))?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    let (items, total) = partners::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(PartnerPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Add an organisation: national bodies by administrators, a province's or a commune's by the staff of its scope
#[utoipa::path(post, path = "/api/v1/partners", tag = "partners", request_body = PartnerInput,
    responses((status = 201, description = "The organisation", body = PartnerRow),
        (status = 409, description = "An organisation of that name exists at the unit", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePartners)?;
    let p = NewPartner::parse(&forms::json::<PartnerInput>(&body)?)?;
    let row = partners::create(&state.db, actor.author(), actor.scope(), &p).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// An organisation with its contacts
#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "partners",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The organisation", body = PartnerRow)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(partner(&state, &actor, forms::record_id(&id)?).await?).into_response())
}

/// Change an organisation and its contacts (the whole entry)
#[utoipa::path(put, path = "/api/v1/partners/{id}", tag = "partners",
    params(("id" = i64, Path, minimum = 1)), request_body = PartnerInput,
    responses((status = 200, description = "The organisation", body = PartnerRow)))]
async fn update_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePartners)?;
    let id = forms::record_id(&id)?;
    partner(&state, &actor, id).await?;
    let p = NewPartner::parse(&forms::json::<PartnerInput>(&body)?)?;
    let row = partners::update(&state.db, actor.author(), actor.scope(), id, &p).await?;
    Ok(Json(row).into_response())
}

/// End an organisation, continued by another of its kind (a merged province's union continues the legacy ones')
#[utoipa::path(post, path = "/api/v1/partners/{id}/end", tag = "partners",
    params(("id" = i64, Path, minimum = 1)), request_body = EndInput,
    responses((status = 200, description = "The organisation, ended", body = PartnerRow)))]
async fn end_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePartners)?;
    let id = forms::record_id(&id)?;
    partner(&state, &actor, id).await?;
    let e = End::parse(&forms::json::<EndInput>(&body)?, domain::time::today())?;
    let row = partners::end(&state.db, actor.author(), actor.scope(), id, e).await?;
    Ok(Json(row).into_response())
}

/// Which organisation an account works for.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserOrganisationInput {
    /// None: the account works for no organisation.
    pub organisation_id: Option<i64>,
}

/// Attach a partner's account to its organisation: it then sees and reports on that organisation's programmes only (administrators)
#[utoipa::path(put, path = "/api/v1/users/{id}/organisation", tag = "partners",
    params(("id" = i64, Path, minimum = 1)), request_body = UserOrganisationInput,
    responses((status = 204, description = "Attached")))]
async fn user_organisation_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageUsers)?;
    let id = forms::path_id(&id)?;
    let input: UserOrganisationInput = forms::json(&body)?;
    partners::set_user_organisation(&state.db, actor.author(), id, input.organisation_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
