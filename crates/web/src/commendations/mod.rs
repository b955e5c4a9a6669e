//! Commendations over HTTP: the list (a year's proposals, a recipient's
//! history), recording a decided commendation or proposing one (the same
//! body: a decision day records, none proposes), the province's decision
//! on a proposal, and the counts by area, form and level in either view of
//! the 2025 reform. Pages in `pages.rs`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::commendations::{
    CommendationInput, Decision, DecisionInput, Form, Intent, Level, NewCommendation,
    RecipientKind, State as CommendationState,
};
use domain::page::Page;
use domain::policy::{self, Action};
use domain::Reason;
use serde::Serialize;
use store::commendations::summary::{self, CommendationSummary, CommendationSummaryQuery};
use store::commendations::{self as commendations, CommendationQuery, CommendationRow};

use crate::actor::Actor;
use crate::api::{PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod pages;

/// The last year a summary may name.
const MAX_YEAR: i32 = 2100;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/commendations", list_api)
        .post("/api/v1/commendations", create_api)
        .get("/api/v1/commendations/summary", summary_api)
        .get("/api/v1/commendations/{id}", get_api)
        .post("/api/v1/commendations/{id}/decision", decide_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_api, create_api, summary_api, get_api, decide_api),
    components(schemas(Form, Level, RecipientKind, CommendationState))
)]
pub struct Api;

fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

/// A page of commendations and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct CommendationPage {
    items: Vec<CommendationRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn commendation_query(f: &Fields) -> Result<CommendationQuery, ApiError> {
    let text = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    Ok(CommendationQuery {
        org_unit: f.i64("org_unit")?,
        year: f
            .i64("year")?
            .map(|y| {
                i32::try_from(y).map_err(|_| {
                    ApiError::invalid(
                        "year",
                        Reason::CommendationYearInvalid {
                            from: domain::commendations::FIRST_YEAR,
                            to: 9999,
                        },
                    )
                })
            })
            .transpose()?,
        state: text("state")
            .map(|s| CommendationState::parse("state", s))
            .transpose()?,
        form: text("form").map(|s| Form::parse("form", s)).transpose()?,
        level: text("level")
            .map(|s| Level::parse("level", s))
            .transpose()?,
        recipient_kind: text("recipient_kind")
            .map(|s| RecipientKind::parse("recipient_kind", s))
            .transpose()?,
        recipient_id: f.i64("recipient_id")?,
        q: text("q").map(str::to_owned),
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// Commendations of the user's scope: the latest year first, a year's proposals before its decisions
#[utoipa::path(get, path = "/api/v1/commendations", tag = "commendations",
    params(
        ("org_unit" = Option<i64>, Query, description = "Of this unit's area (at or below it)."),
        ("year" = Option<i32>, Query),
        ("state" = Option<CommendationState>, Query, description = "`proposed`: the proposals waiting."),
        ("form" = Option<Form>, Query),
        ("level" = Option<Level>, Query),
        ("recipient_kind" = Option<RecipientKind>, Query),
        ("recipient_id" = Option<i64>, Query, description = "With `recipient_kind`: one recipient's history."),
        ("q" = Option<String>, Query, description = "Part of the recipient's name."),
        PageParams,
    ),
    responses((status = 200, description = "A page of commendations", body = CommendationPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = commendation_query(&Fields::from_query(q.as_deref()))?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    let (items, total) = commendations::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(CommendationPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Record a decided commendation (with `decided_on`) or propose one (without): a commune records its own committee's only and proposes the others
#[utoipa::path(post, path = "/api/v1/commendations", tag = "commendations", request_body = CommendationInput,
    responses((status = 201, description = "The commendation (approved) or the proposal (proposed)", body = CommendationRow),
        (status = 400, description = "Bad input: a form not given at that level, a recipient outside the scope", body = Problem),
        (status = 403, description = "A commune recording a higher level's commendation: it proposes it", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: CommendationInput = forms::json(&body)?;
    let row = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Checks and keeps a commendation or a proposal.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    input: &CommendationInput,
) -> Result<CommendationRow, ApiError> {
    actor.require(Action::ProposeCommendations)?;
    let intent = match input.decided_on.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => Intent::Record,
        _ => Intent::Propose,
    };
    let today = domain::time::today();
    let c = NewCommendation::parse(input, intent, today)?;
    if intent == Intent::Record && !policy::may_record_commendation(actor.user.role, c.level) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Reason::CommendationLevelNotYours {
                level: c.level.term(),
            },
        ));
    }
    Ok(commendations::create(&state.db, actor.author(), actor.scope(), &c, today).await?)
}

/// A commendation or proposal
#[utoipa::path(get, path = "/api/v1/commendations/{id}", tag = "commendations",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The commendation", body = CommendationRow),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let row = commendations::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    Ok(Json(row).into_response())
}

/// Approve a proposal (the day and the decision) or refuse it (why)
#[utoipa::path(post, path = "/api/v1/commendations/{id}/decision", tag = "commendations",
    params(("id" = i64, Path, minimum = 1)), request_body = DecisionInput,
    responses((status = 200, description = "The commendation", body = CommendationRow),
        (status = 409, description = "Not a proposal waiting", body = Problem)))]
async fn decide_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let input: DecisionInput = forms::json(&body)?;
    Ok(Json(decide(&state, &actor, id, &input).await?).into_response())
}

pub(crate) async fn decide(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &DecisionInput,
) -> Result<CommendationRow, ApiError> {
    actor.require(Action::DecideCommendations)?;
    commendations::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let d = Decision::parse(input, domain::time::today())?;
    commendations::decide(&state.db, actor.author(), actor.scope(), id, &d)
        .await
        .map_err(not_found)
}

/// Commendations by area, form and level over a span of years, in either view of the 2025 reform (these feed the statistics' commendation figures)
#[utoipa::path(get, path = "/api/v1/commendations/summary", tag = "commendations",
    params(
        ("org_unit" = Option<i64>, Query, description = "Its parts are the rows; none: the provinces (or the user's scope)."),
        ("from_year" = Option<i32>, Query, minimum = 1990, maximum = 2100, description = "Default: four years before `to_year` (one after it is taken as `to_year`)."),
        ("to_year" = Option<i32>, Query, minimum = 1990, maximum = 2100, description = "Default: this year."),
        ("view" = Option<crate::areas::ViewParam>, Query),
    ),
    responses((status = 200, description = "The counts", body = CommendationSummary),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn summary_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    Ok(Json(summary_of(&state, &actor, &f).await?).into_response())
}

/// The summary the API and the page show.
pub(crate) async fn summary_of(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<CommendationSummary, ApiError> {
    let org_unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => crate::areas::only_scope_unit(state, actor).await?,
    };
    crate::areas::check_unit(state, actor, org_unit).await?;
    let (min, max) = (domain::commendations::FIRST_YEAR, MAX_YEAR);
    let (from_year, to_year) = crate::areas::year_span(
        f,
        (min, max),
        (summary::DEFAULT_SPAN, max - min),
        Reason::CommendationYearInvalid { from: min, to: max },
    )?;
    let q = CommendationSummaryQuery {
        org_unit,
        from_year,
        to_year,
        view: crate::areas::view(f)?,
        today: domain::time::today(),
    };
    Ok(summary::summary(&state.db, actor.scope(), &q).await?)
}
