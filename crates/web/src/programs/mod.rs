//! Coordination programmes over HTTP: the list, a programme with its
//! parties and basis documents, its targets with their progress computed
//! from the registers, its activities reported by any party (a partner's
//! account for its own organisation, on programmes it is party to), and
//! the summary the reviews will cite. Pages in `pages.rs`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::page::Page;
use domain::policy::Action;
use domain::programs::{
    ActivityInput, ActivityKind, Kind, NewActivity, NewProgram, NewTarget, ProgramInput, Source,
    TargetInput,
};
use domain::Reason;
use serde::{Deserialize, Serialize};
use store::programs::activities::{self, ActivityFileRow, ActivityRow, Reporter};
use store::programs::progress::{self, ProgramProgress, TargetRow};
use store::programs::{self as programs, ProgramQuery, ProgramRow, Reader};

use crate::actor::Actor;
use crate::api::{List, PageParams, Problem};
use crate::attachments;
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod pages;

/// The most an activity's file may weigh: photos and minutes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/programs", list_api)
        .post("/api/v1/programs", create_api)
        .get("/api/v1/programs/{id}", get_api)
        .put("/api/v1/programs/{id}", update_api)
        .get("/api/v1/programs/{id}/targets", targets_api)
        .post("/api/v1/programs/{id}/targets", add_target_api)
        .put(
            "/api/v1/programs/{id}/targets/{target_id}/progress",
            manual_progress_api,
        )
        .get("/api/v1/programs/{id}/activities", activities_api)
        .post("/api/v1/programs/{id}/activities", add_activity_api)
        .get(
            "/api/v1/programs/{id}/activities/{activity_id}/files",
            activity_files_api,
        )
        .upload(
            "/api/v1/programs/{id}/activities/{activity_id}/files",
            upload_activity_file_api,
        )
        .get(
            "/api/v1/programs/{id}/activities/{activity_id}/files/{file_id}",
            activity_file_api,
        )
        .get("/api/v1/programs/{id}/progress", progress_api)
        .put("/api/v1/models/{id}/program", model_program_api)
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
        targets_api,
        add_target_api,
        manual_progress_api,
        activities_api,
        add_activity_api,
        activity_files_api,
        upload_activity_file_api,
        activity_file_api,
        progress_api,
        model_program_api
    ),
    components(schemas(Kind, Source, ActivityKind))
)]
pub struct Api;

/// Who reads programmes: a partner's account sees its organisation's only.
pub(crate) async fn reader(state: &AppState, actor: &Actor) -> Result<Reader, ApiError> {
    let parties = match actor.user.role {
        domain::accounts::Role::Partner => {
            Some(store::partners::organisations_of_user(&state.db, actor.user.id).await?)
        }
        _ => None,
    };
    Ok(Reader {
        scope: actor.scope(),
        parties,
    })
}

/// Who reports an activity: a partner's account for its organisation (it
/// must have one), everyone else for the police.
pub(crate) async fn reporter(state: &AppState, actor: &Actor) -> Result<Reporter, ApiError> {
    match actor.user.role {
        domain::accounts::Role::Partner => {
            match store::partners::organisation_of_user(&state.db, actor.user.id).await? {
                Some(o) => Ok(Reporter::Partner(o)),
                None => Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    Reason::PartnerAccountWithoutOrganisation,
                )),
            }
        }
        _ => Ok(Reporter::Police),
    }
}

/// The programme, if the reader sees it; else 404.
pub(crate) async fn program(
    state: &AppState,
    reader: &Reader,
    id: i64,
) -> Result<ProgramProgress, ApiError> {
    match progress::progress(&state.db, reader, id).await {
        Ok(p) => Ok(p),
        Err(store::StoreError::NotFound) => Err(ApiError::not_found()),
        Err(e) => Err(e.into()),
    }
}

/// A page of programmes and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct ProgramPage {
    items: Vec<ProgramRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn program_query(f: &Fields) -> Result<ProgramQuery, ApiError> {
    let coded = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    Ok(ProgramQuery {
        org_unit: f.i64("org_unit")?,
        kind: coded("kind").map(|k| Kind::parse("kind", k)).transpose()?,
        active_on: coded("active_on")
            .map(|d| domain::time::parse_date("active_on", d))
            .transpose()?,
        partner: f.i64("partner")?,
        q: coded("q").map(domain::text::fold),
        parent: f.i64("parent")?,
        covering: None,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// Programmes the user sees (a partner's: those its organisation is party to)
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs",
    params(
        ("org_unit" = Option<i64>, Query, description = "Programmes of this unit's area or below."),
        ("kind" = Option<Kind>, Query),
        ("active_on" = Option<domain::schema::Day>, Query, description = "Programmes running on this day."),
        ("partner" = Option<i64>, Query, description = "Programmes this organisation is party to."),
        ("parent" = Option<i64>, Query, description = "Programmes carrying out this one."),
        ("q" = Option<String>, Query, description = "Part of the name."),
        PageParams,
    ),
    responses((status = 200, description = "A page of programmes", body = ProgramPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = program_query(&Fields::from_query(q.as_deref()))?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    let r = reader(&state, &actor).await?;
    let (items, total) = programs::list(&state.db, &r, &query).await?;
    Ok(Json(ProgramPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Set up a programme or joint plan: its parties, area, period and basis documents
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = ProgramInput,
    responses((status = 201, description = "The programme", body = ProgramRow),
        (status = 400, description = "Bad input, an unknown partner or document, a higher programme that does not cover it", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePrograms)?;
    let g = NewProgram::parse(&forms::json::<ProgramInput>(&body)?)?;
    let r = reader(&state, &actor).await?;
    let row = programs::create(&state.db, actor.author(), &r, &g).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A programme with its targets' progress, activity counts and lower programmes
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The programme", body = ProgramProgress),
        (status = 404, description = "Unknown, or not a party's", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    Ok(Json(program(&state, &r, forms::record_id(&id)?).await?).into_response())
}

/// Change a programme (the whole entry, parties and documents included)
#[utoipa::path(put, path = "/api/v1/programs/{id}", tag = "programs",
    params(("id" = i64, Path, minimum = 1)), request_body = ProgramInput,
    responses((status = 200, description = "The programme", body = ProgramRow)))]
async fn update_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePrograms)?;
    let id = forms::record_id(&id)?;
    let r = reader(&state, &actor).await?;
    program(&state, &r, id).await?;
    let g = NewProgram::parse(&forms::json::<ProgramInput>(&body)?)?;
    Ok(Json(programs::update(&state.db, actor.author(), &r, id, &g).await?).into_response())
}

/// A programme's targets with their progress today
#[utoipa::path(get, path = "/api/v1/programs/{id}/targets", tag = "programs",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The targets", body = List<TargetRow>)))]
async fn targets_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    let p = program(&state, &r, forms::record_id(&id)?).await?;
    Ok(Json(List::all(p.targets)).into_response())
}

/// Add a target: a value due by a day, its progress computed from a source (models, certified, classes, trainees, an indicator) or entered (manual)
#[utoipa::path(post, path = "/api/v1/programs/{id}/targets", tag = "programs",
    params(("id" = i64, Path, minimum = 1)), request_body = TargetInput,
    responses((status = 201, description = "The target with its progress", body = TargetRow),
        (status = 400, description = "An unknown indicator, or due outside the programme", body = Problem)))]
async fn add_target_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePrograms)?;
    let id = forms::record_id(&id)?;
    let r = reader(&state, &actor).await?;
    program(&state, &r, id).await?;
    let t = NewTarget::parse(&forms::json::<TargetInput>(&body)?)?;
    let row = progress::add(&state.db, actor.author(), &r, id, &t).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// The progress of a target no source holds, as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualProgressInput {
    #[schema(required, nullable = false, minimum = 0.0)]
    pub value: Option<f64>,
}

/// Enter the progress of a manual target (the others are computed)
#[utoipa::path(put, path = "/api/v1/programs/{id}/targets/{target_id}/progress", tag = "programs",
    params(("id" = i64, Path, minimum = 1), ("target_id" = i64, Path, minimum = 1)),
    request_body = ManualProgressInput,
    responses((status = 200, description = "The target with its progress", body = TargetRow),
        (status = 400, description = "The target's progress is computed from a source", body = Problem)))]
async fn manual_progress_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, target)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManagePrograms)?;
    let (id, target) = (forms::record_id(&id)?, forms::record_id(&target)?);
    let r = reader(&state, &actor).await?;
    program(&state, &r, id).await?;
    let input: ManualProgressInput = forms::json(&body)?;
    let value = input
        .value
        .ok_or_else(|| ApiError::invalid("value", Reason::Required))?;
    let row = progress::set_manual(&state.db, actor.author(), &r, id, target, value).await?;
    Ok(Json(row).into_response())
}

/// A programme's activities, latest first
#[utoipa::path(get, path = "/api/v1/programs/{id}/activities", tag = "programs",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The activities", body = List<ActivityRow>)))]
async fn activities_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    let rows = activities::list(&state.db, &r, forms::record_id(&id)?, 1_000)
        .await
        .map_err(not_found)?;
    Ok(Json(List::all(rows)).into_response())
}

fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

/// Report an activity: any party, within the programme's period and area (a partner's account for its own organisation)
#[utoipa::path(post, path = "/api/v1/programs/{id}/activities", tag = "programs",
    params(("id" = i64, Path, minimum = 1)), request_body = ActivityInput,
    responses((status = 201, description = "The activity", body = ActivityRow),
        (status = 400, description = "Outside the programme's period or area, or not a party", body = Problem)))]
async fn add_activity_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ReportProgramActivities)?;
    let id = forms::record_id(&id)?;
    let r = reader(&state, &actor).await?;
    program(&state, &r, id).await?;
    let who = reporter(&state, &actor).await?;
    let a = NewActivity::parse(&forms::json::<ActivityInput>(&body)?, domain::time::today())?;
    let row = activities::add(&state.db, actor.author(), &r, who, id, &a).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// An activity's files
#[utoipa::path(get, path = "/api/v1/programs/{id}/activities/{activity_id}/files", tag = "programs",
    params(("id" = i64, Path, minimum = 1), ("activity_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The files", body = List<ActivityFileRow>)))]
async fn activity_files_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, activity)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    let (id, activity) = (forms::record_id(&id)?, forms::record_id(&activity)?);
    let rows = activities::files(&state.db, &r, id, activity)
        .await
        .map_err(not_found)?;
    Ok(Json(List::all(rows)).into_response())
}

/// Attach a photo or the minutes to an activity (PDF, DOCX, PNG, JPEG; at most 10 MiB)
#[utoipa::path(post, path = "/api/v1/programs/{id}/activities/{activity_id}/files", tag = "programs",
    params(("id" = i64, Path, minimum = 1), ("activity_id" = i64, Path, minimum = 1)),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "Field `file`."),
    responses((status = 201, description = "Stored", body = ActivityFileRow)))]
async fn upload_activity_file_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, activity)): Path<(String, String)>,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ReportProgramActivities)?;
    let (id, activity) = (forms::record_id(&id)?, forms::record_id(&activity)?);
    let row = attach(&state, &actor, id, activity, req).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Reads, checks and keeps an activity's file.
pub(crate) async fn attach(
    state: &AppState,
    actor: &Actor,
    id: i64,
    activity: i64,
    req: Request,
) -> Result<ActivityFileRow, ApiError> {
    let r = reader(state, actor).await?;
    program(state, &r, id).await?;
    let who = reporter(state, actor).await?;
    let form = crate::uploads::multipart(req, state).await?;
    let (name, bytes) = attachments::uploaded_named(form, MAX_FILE_BYTES).await?;
    let c = attachments::checked(
        &name,
        &bytes,
        MAX_FILE_BYTES,
        attachments::DOCUMENT_KINDS,
        Reason::DocumentFileKindRefused,
    )?;
    let f = store::documents::files::NewFile {
        name: &c.name,
        content_type: c.content_type,
        sha256: &c.sha256,
        content: &bytes,
        text: None,
    };
    activities::attach(&state.db, actor.author(), &r, who, id, activity, &f)
        .await
        .map_err(not_found)
}

/// An activity's file, as an attachment
#[utoipa::path(get, path = "/api/v1/programs/{id}/activities/{activity_id}/files/{file_id}", tag = "programs",
    params(("id" = i64, Path, minimum = 1), ("activity_id" = i64, Path, minimum = 1), ("file_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The file", content((Vec<u8> = "application/octet-stream")))))]
async fn activity_file_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, activity, file)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    let (id, activity, file) = (
        forms::record_id(&id)?,
        forms::record_id(&activity)?,
        forms::record_id(&file)?,
    );
    let (name, content_type, content) = activities::content(&state.db, &r, id, activity, file)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(attachments::download(&name, content_type, content))
}

/// A programme in figures: targets against progress, activities and participants, lower programmes (what a review cites)
#[utoipa::path(get, path = "/api/v1/programs/{id}/progress", tag = "programs",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The progress", body = ProgramProgress)))]
async fn progress_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = reader(&state, &actor).await?;
    Ok(Json(program(&state, &r, forms::record_id(&id)?).await?).into_response())
}

/// The programmes running in a unit's area (its own, those above it):
/// what a model there may be named under.
pub(crate) async fn under_way_at(
    state: &AppState,
    actor: &Actor,
    unit: i64,
) -> Result<Vec<ProgramRow>, ApiError> {
    let r = reader(state, actor).await?;
    let q = ProgramQuery {
        covering: Some(unit),
        page: Page {
            page: 1,
            per_page: 200,
        },
        ..ProgramQuery::default()
    };
    Ok(programs::list(&state.db, &r, &q).await?.0)
}

/// The programme a model was founded under.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelProgramInput {
    /// None: founded under no programme.
    pub program_id: Option<i64>,
}

/// Name the programme a model was founded under (its `models` targets count it)
#[utoipa::path(put, path = "/api/v1/models/{id}/program", tag = "programs",
    params(("id" = i64, Path, minimum = 1)), request_body = ModelProgramInput,
    responses((status = 204, description = "Named"),
        (status = 400, description = "An unknown programme, or the model outside its area", body = Problem)))]
async fn model_program_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModels)?;
    let id = forms::record_id(&id)?;
    crate::models::scoped_model(&state, &actor, id).await?;
    let input: ModelProgramInput = forms::json(&body)?;
    let r = reader(&state, &actor).await?;
    programs::link_model(&state.db, actor.author(), &r, id, input.program_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
