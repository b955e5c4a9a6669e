//! Events, festivals and pledges over HTTP: the events of the scope (a
//! list, the calendar with the tasks due, exported as iCalendar or XLSX),
//! an event with its photos (stripped of their metadata before they are
//! kept); each commune's festival of a year and the coverage dashboard;
//! emulation pledges and their yearly assessments. Pages in `pages.rs`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use domain::events::{
    AssessmentInput, EventInput, FestivalInput, Group, Kind, NewAssessment, NewEvent, NewFestival,
    NewPledge, PartyKind, PledgeInput,
};
use domain::page::Page;
use domain::policy::Action;
use domain::Reason;
use serde::Serialize;
use store::events::festivals::{self, Coverage, FestivalRow};
use store::events::pledges::{self, PledgeDetail, PledgeRow};
use store::events::{self as events, DueTask, EventDetail, EventQuery, EventRow, PhotoRow};

use crate::actor::Actor;
use crate::api::{PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod calendar;
mod pages;

/// `format` of the events' list: the page as JSON, or the calendar's file.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum CalendarFormat {
    Json,
    Ics,
    Xlsx,
}

/// The most a photo may weigh.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/events", list_api)
        .post("/api/v1/events", create_api)
        .get("/api/v1/events/{id}", get_api)
        .upload("/api/v1/events/{id}/photos", photo_upload_api)
        .get("/api/v1/events/{id}/photos/{photo_id}", photo_api)
        .get("/api/v1/festivals", festivals_api)
        .post("/api/v1/festivals", create_festival_api)
        .get("/api/v1/festivals/coverage", coverage_api)
        .get("/api/v1/pledges", pledges_api)
        .post("/api/v1/pledges", create_pledge_api)
        .get("/api/v1/pledges/{id}", pledge_api)
        .post("/api/v1/pledges/{id}/assessments", assess_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        get_api,
        photo_upload_api,
        photo_api,
        festivals_api,
        create_festival_api,
        coverage_api,
        pledges_api,
        create_pledge_api,
        pledge_api,
        assess_api
    ),
    components(schemas(Kind, Group, PartyKind, CalendarFormat))
)]
pub struct Api;

fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

fn day(f: &Fields, key: &'static str) -> Result<Option<NaiveDate>, ApiError> {
    Ok(f.get(key)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| domain::time::parse_date(key, s))
        .transpose()?)
}

/// A page of events and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct EventPage {
    items: Vec<EventRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn event_query(f: &Fields) -> Result<EventQuery, ApiError> {
    Ok(EventQuery {
        kind: f
            .get("kind")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|k| Kind::parse("kind", k))
            .transpose()?,
        org_unit: f.i64("org_unit")?,
        from: day(f, "from")?,
        to: day(f, "to")?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// Events of the scope, its provinces' too (the latest first); `format=ics` or `xlsx` for the calendar's file (the earliest first, every match up to 5,000, with `tasks=true` the tasks due too)
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(
        ("kind" = Option<Kind>, Query),
        ("from" = Option<domain::schema::Day>, Query, description = "Events ending on or after this day."),
        ("to" = Option<domain::schema::Day>, Query, description = "Events starting on or before this day."),
        ("org_unit" = Option<i64>, Query, description = "Events of this unit or one under it."),
        ("format" = Option<CalendarFormat>, Query, description = "`ics` (iCalendar) or `xlsx`: the calendar's file."),
        ("tasks" = Option<bool>, Query, description = "With a file: the tasks due between `from` and `to` too."),
        PageParams,
    ),
    responses((status = 200, description = "A page of events, or the file",
        content((EventPage = "application/json"), (String = "text/calendar"), (Vec<u8> = crate::api::XLSX))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let query = event_query(&f)?;
    // Read (and refused when it is no yes or no) whatever the format.
    f.bool("tasks")?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        return calendar::export(&state, &actor, &f, query, fmt).await;
    }
    let (items, total) = events::list(&state.db, actor.scope(), &query, false).await?;
    Ok(Json(EventPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Record an event: kind, organisers and partners, days, place, participants by group, documents, outcomes
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, description = "The event", body = EventDetail),
        (status = 400, description = "Bad input: days, an organiser outside the scope, an unknown partner or document", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageEvents)?;
    let e = NewEvent::parse(&forms::json::<EventInput>(&body)?, domain::time::today())?;
    let row = events::create(&state.db, actor.author(), actor.scope(), &e).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// An event with its organisers, partners, participants, documents and photos
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The event", body = EventDetail),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let e = events::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    Ok(Json(e).into_response())
}

/// Add a photo (JPEG or PNG, at most 10 MiB): kept without its metadata (GPS position, camera, owner)
#[utoipa::path(post, path = "/api/v1/events/{id}/photos", tag = "events",
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "Field `file`."),
    responses((status = 201, description = "Stored", body = PhotoRow),
        (status = 400, description = "Not a JPEG or PNG", body = Problem)))]
async fn photo_upload_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let row = add_photo(&state, &actor, id, req).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Reads, checks, strips and keeps a photo.
pub(crate) async fn add_photo(
    state: &AppState,
    actor: &Actor,
    event: i64,
    req: Request,
) -> Result<PhotoRow, ApiError> {
    actor.require(Action::ManageEvents)?;
    if !events::may_write(&state.db, actor.scope(), event)
        .await
        .map_err(not_found)?
    {
        return Err(ApiError::not_found());
    }
    let form = crate::uploads::multipart(req, state).await?;
    let (name, bytes) = crate::attachments::uploaded_named(form, MAX_PHOTO_BYTES).await?;
    let c = crate::attachments::checked(
        &name,
        &bytes,
        MAX_PHOTO_BYTES,
        &[crate::attachments::PNG, crate::attachments::JPEG],
        Reason::EventPhotoKindRefused,
    )?;
    let clean = files::strip_metadata(c.content_type, &bytes).map_err(ApiError::from)?;
    let sha256 = crate::attachments::sha256_hex(&clean);
    let f = store::documents::files::NewFile {
        name: &c.name,
        content_type: c.content_type,
        sha256: &sha256,
        content: &clean,
        text: None,
    };
    events::add_photo(&state.db, actor.author(), actor.scope(), event, &f)
        .await
        .map_err(not_found)
}

/// A photo of an event
#[utoipa::path(get, path = "/api/v1/events/{id}/photos/{photo_id}", tag = "events",
    params(("id" = i64, Path, minimum = 1), ("photo_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The photo", content((Vec<u8> = "image/jpeg"), (Vec<u8> = "image/png")))))]
async fn photo_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, photo) = (forms::record_id(&id)?, forms::record_id(&photo)?);
    let (_, content_type, content) = events::photo(&state.db, actor.scope(), id, photo)
        .await?
        .ok_or_else(ApiError::not_found)?;
    // Shown in the page (an image of the server's own), never sniffed.
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CACHE_CONTROL, "private, max-age=3600".into()),
        ],
        content,
    )
        .into_response())
}

/// A page of festivals and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct FestivalPage {
    items: Vec<FestivalRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The festivals of the scope's communes, by year and commune
#[utoipa::path(get, path = "/api/v1/festivals", tag = "events",
    params(
        ("org_unit" = Option<i64>, Query, description = "Festivals of communes under this unit."),
        ("year" = Option<i32>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of festivals", body = FestivalPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn festivals_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let org_unit = f.i64("org_unit")?;
    crate::areas::check_unit(&state, &actor, org_unit).await?;
    let year = f
        .i64("year")?
        .map(|y| i32::try_from(y).map_err(|_| ApiError::invalid("year", Reason::IntegerExpected)))
        .transpose()?;
    let page = Page::parse(f.get("page"), f.get("per_page"))?;
    let (items, total) = festivals::list(&state.db, actor.scope(), org_unit, year, page).await?;
    Ok(Json(FestivalPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
    .into_response())
}

/// Record a commune's festival of a year: the villages and sites holding it, participants, budget, activities, what was commended (one a year)
#[utoipa::path(post, path = "/api/v1/festivals", tag = "events", request_body = FestivalInput,
    responses((status = 201, description = "The festival", body = FestivalRow),
        (status = 400, description = "Bad input: a site outside the commune, a day ahead", body = Problem),
        (status = 409, description = "The commune has a festival that year", body = Problem)))]
async fn create_festival_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageEvents)?;
    let f = NewFestival::parse(&forms::json::<FestivalInput>(&body)?, domain::time::today())?;
    let row = festivals::create(&state.db, actor.author(), actor.scope(), &f).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// The festival's coverage year by year: communes and villages holding it by area, in either view of the 2025 reform
#[utoipa::path(get, path = "/api/v1/festivals/coverage", tag = "events",
    params(
        ("org_unit" = Option<i64>, Query, description = "Its parts are the rows; none: the provinces (or the user's scope)."),
        ("from_year" = Option<i32>, Query, minimum = 2005, maximum = 2100, description = "Default: four years before `to_year`; at most 20 years before it (an earlier one is taken as that)."),
        ("to_year" = Option<i32>, Query, minimum = 2005, maximum = 2100, description = "Default: this year."),
        ("view" = Option<crate::areas::ViewParam>, Query),
    ),
    responses((status = 200, description = "The coverage", body = Coverage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn coverage_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    Ok(Json(coverage(&state, &actor, &f).await?).into_response())
}

/// The coverage the API and the page show.
pub(crate) async fn coverage(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<Coverage, ApiError> {
    let org_unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => crate::areas::only_scope_unit(state, actor).await?,
    };
    crate::areas::check_unit(state, actor, org_unit).await?;
    // The festival began in 2005 (Quyết định 521/2005/QĐ-TTg); at most 20
    // years on one dashboard.
    let (min, max) = (2005, 2100);
    let span = crate::areas::year_span(
        f,
        (min, max),
        (4, 20),
        Reason::PledgeYearOutside { from: min, to: max },
    )?;
    let view = crate::areas::view(f)?;
    Ok(festivals::coverage(
        &state.db,
        actor.scope(),
        org_unit,
        span,
        view,
        domain::time::today(),
    )
    .await?)
}

/// A page of pledges and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct PledgePage {
    items: Vec<PledgeRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// Emulation pledges of the scope, the latest first
#[utoipa::path(get, path = "/api/v1/pledges", tag = "events",
    params(("org_unit" = Option<i64>, Query, description = "Pledges of this unit's area or below."), PageParams),
    responses((status = 200, description = "A page of pledges", body = PledgePage),
        (status = 400, description = "A filter that is not a number", body = Problem),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn pledges_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let org_unit = f.i64("org_unit")?;
    crate::areas::check_unit(&state, &actor, org_unit).await?;
    let page = Page::parse(f.get("page"), f.get("per_page"))?;
    let (items, total) = pledges::list(&state.db, actor.scope(), org_unit, page).await?;
    Ok(Json(PledgePage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
    .into_response())
}

/// Record an emulation pledge: two parties at least (units, villages, sites such as religious establishments, partner organisations), what each pledged, the period
#[utoipa::path(post, path = "/api/v1/pledges", tag = "events", request_body = PledgeInput,
    responses((status = 201, description = "The pledge", body = PledgeDetail),
        (status = 400, description = "Bad input: fewer than two parties, a party outside the area", body = Problem)))]
async fn create_pledge_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageEvents)?;
    let g = NewPledge::parse(&forms::json::<PledgeInput>(&body)?)?;
    let row = pledges::create(&state.db, actor.author(), actor.scope(), &g).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A pledge with its parties, items and their assessments year by year
#[utoipa::path(get, path = "/api/v1/pledges/{id}", tag = "events",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The pledge", body = PledgeDetail),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn pledge_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    Ok(Json(
        pledges::read(&state.db, actor.scope(), id)
            .await
            .map_err(not_found)?,
    )
    .into_response())
}

/// Assess one pledged item for a year: kept or broken, with a note (again: replaces that year's)
#[utoipa::path(post, path = "/api/v1/pledges/{id}/assessments", tag = "events",
    params(("id" = i64, Path, minimum = 1)), request_body = AssessmentInput,
    responses((status = 200, description = "The pledge", body = PledgeDetail),
        (status = 400, description = "A year outside the pledge, an item not of it", body = Problem)))]
async fn assess_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let input: AssessmentInput = forms::json(&body)?;
    Ok(Json(assess(&state, &actor, id, &input).await?).into_response())
}

pub(crate) async fn assess(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &AssessmentInput,
) -> Result<PledgeDetail, ApiError> {
    actor.require(Action::ManageEvents)?;
    let today = domain::time::today();
    pledges::assess(&state.db, actor.author(), actor.scope(), id, |span| {
        NewAssessment::parse(input, span, today)
    })
    .await
    .map_err(not_found)
}

/// The tasks due in the calendar's days.
pub(crate) async fn due(
    state: &AppState,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DueTask>, ApiError> {
    Ok(events::due_tasks(&state.db, actor.scope(), from, to).await?)
}
