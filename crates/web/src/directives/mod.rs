//! Directives and tasks over HTTP: the directives a level issues to the
//! units below it (`/api/v1/directives`), the board of each (its tasks with
//! the owners' tally), the owners' tasks (`/api/v1/tasks`: mine, by unit,
//! by state or standing, by due day), and the reports and files each owner
//! sends. Pages in `pages.rs`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::directives::{
    DirectiveInput, Expects, NewDirective, NewReport, ReportInput, Standing, State as TaskState,
    TaskInput,
};
use domain::page::Page;
use domain::policy::Action;
use domain::Reason;
use serde::Serialize;
use store::directives::tasks::{self, OwnerRow, ReportRow, TaskFileRow, TaskQuery};
use store::directives::{
    self as directives, DirectiveDetail, DirectiveQuery, DirectiveRow, TaskRow,
};

use crate::actor::Actor;
use crate::api::{List, PageParams, Problem};
use crate::attachments;
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod pages;

/// The most a task's file may weigh (a report, its annexes scanned).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/directives", list_api)
        .post("/api/v1/directives", create_api)
        .get("/api/v1/directives/{id}", get_api)
        .get("/api/v1/directives/{id}/tasks", tasks_api)
        .get("/api/v1/tasks", owners_api)
        .get("/api/v1/tasks/{id}/reports", reports_api)
        .post("/api/v1/tasks/{id}/reports", report_api)
        .get("/api/v1/tasks/{id}/files", files_api)
        .upload("/api/v1/tasks/{id}/files", upload_api)
        .get("/api/v1/tasks/{id}/files/{file_id}", file_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        get_api,
        tasks_api,
        owners_api,
        reports_api,
        report_api,
        files_api,
        upload_api,
        file_api
    ),
    components(schemas(Expects, TaskState, Standing, TaskInput))
)]
pub struct Api;

fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

/// A page of directives and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct DirectivePage {
    items: Vec<DirectiveRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn directive_query(f: &Fields) -> Result<DirectiveQuery, ApiError> {
    let text = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    let day = |key: &'static str| {
        text(key)
            .map(|d| domain::time::parse_date(key, d))
            .transpose()
    };
    Ok(DirectiveQuery {
        org_unit: f.i64("org_unit")?,
        issued_from: day("issued_from")?,
        issued_to: day("issued_to")?,
        q: text("q").map(domain::text::fold),
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// Directives the user sees: issued in their scope, or giving a task to a unit of it
#[utoipa::path(get, path = "/api/v1/directives", tag = "directives",
    params(
        ("org_unit" = Option<i64>, Query, description = "Issued by this unit or one under it."),
        ("issued_from" = Option<domain::schema::Day>, Query),
        ("issued_to" = Option<domain::schema::Day>, Query),
        ("q" = Option<String>, Query, description = "Part of the subject or reference."),
        PageParams,
    ),
    responses((status = 200, description = "A page of directives, the latest first, with the tally of the owners the user sees", body = DirectivePage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = directive_query(&Fields::from_query(q.as_deref()))?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    let (items, total) =
        directives::list(&state.db, actor.scope(), &query, domain::time::today()).await?;
    Ok(Json(DirectivePage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Issue a directive or plan with its tasks, each given to units below the issuing one or to every commune below it
#[utoipa::path(post, path = "/api/v1/directives", tag = "directives", request_body = DirectiveInput,
    responses((status = 201, description = "The directive with its tasks", body = DirectiveDetail),
        (status = 400, description = "Bad input: a task due before its directive, an owner not below the issuing unit, an unknown document or data set", body = Problem),
        (status = 404, description = "The issuing unit is outside the scope", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::IssueDirectives)?;
    let d = NewDirective::parse(
        &forms::json::<DirectiveInput>(&body)?,
        domain::time::today(),
    )?;
    let row = directives::create(&state.db, actor.author(), actor.scope(), &d).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A directive with its tasks, each with its owners' tally today (done, late, blocked, due this week, in progress, not started)
#[utoipa::path(get, path = "/api/v1/directives/{id}", tag = "directives",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The directive", body = DirectiveDetail),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let d = directives::read(&state.db, actor.scope(), id, domain::time::today())
        .await
        .map_err(not_found)?;
    Ok(Json(d).into_response())
}

/// A directive's tasks with their owners' tally
#[utoipa::path(get, path = "/api/v1/directives/{id}/tasks", tag = "directives",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The tasks", body = List<TaskRow>)))]
async fn tasks_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let d = directives::read(&state.db, actor.scope(), id, domain::time::today())
        .await
        .map_err(not_found)?;
    Ok(Json(List::all(d.tasks)).into_response())
}

/// A page of owners' tasks and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct OwnerPage {
    items: Vec<OwnerRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The owners' list's filters, from a query string.
pub(crate) fn task_query(f: &Fields) -> Result<TaskQuery, ApiError> {
    let text = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    let day = |key: &'static str| {
        text(key)
            .map(|d| domain::time::parse_date(key, d))
            .transpose()
    };
    Ok(TaskQuery {
        mine: f.bool("mine")?.unwrap_or(false),
        org_unit: f.i64("org_unit")?,
        directive: f.i64("directive")?,
        task: f.i64("task")?,
        state: text("state")
            .map(|s| TaskState::parse("state", s))
            .transpose()?,
        open: f.bool("open")?.unwrap_or(false),
        standing: text("standing")
            .map(|s| Standing::parse("standing", s))
            .transpose()?,
        due_from: day("due_from")?,
        due_to: day("due_to")?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// The tasks of the units the user sees, one line per owner unit: what is not done first, the earliest due first
#[utoipa::path(get, path = "/api/v1/tasks", tag = "directives",
    params(
        ("mine" = Option<bool>, Query, description = "Only the tasks of the user's own units (and the legacy units these continue), not of those below."),
        ("org_unit" = Option<i64>, Query, description = "Owners at or below this unit."),
        ("directive" = Option<i64>, Query),
        ("task" = Option<i64>, Query),
        ("state" = Option<TaskState>, Query, description = "As the owner last reported."),
        ("standing" = Option<Standing>, Query, description = "Where it stands today (late: not done past its due day)."),
        ("open" = Option<bool>, Query, description = "Only what is not done."),
        ("due_from" = Option<domain::schema::Day>, Query),
        ("due_to" = Option<domain::schema::Day>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of owners' tasks", body = OwnerPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn owners_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = task_query(&Fields::from_query(q.as_deref()))?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    let (items, total) =
        tasks::list(&state.db, actor.scope(), &query, domain::time::today()).await?;
    Ok(Json(OwnerPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// The reports on a task by the owners the user sees, latest first
#[utoipa::path(get, path = "/api/v1/tasks/{id}/reports", tag = "directives",
    params(("id" = i64, Path, minimum = 1),
        ("org_unit" = Option<i64>, Query, description = "One owner's reports.")),
    responses((status = 200, description = "The reports", body = List<ReportRow>),
        (status = 404, description = "Unknown, or no owner of it in the scope", body = Problem)))]
async fn reports_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let unit = Fields::from_query(q.as_deref()).i64("org_unit")?;
    let rows = tasks::reports(&state.db, actor.scope(), id, unit)
        .await
        .map_err(not_found)?;
    Ok(Json(List::all(rows)).into_response())
}

/// Report on a task given to a unit of one's scope: in progress, done (a written report says what was done; a file task needs its file first) or blocked (with the reason)
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", tag = "directives",
    params(("id" = i64, Path, minimum = 1)), request_body = ReportInput,
    responses((status = 201, description = "The report; the counts of models, certifications or forms sent are taken from the registers", body = ReportRow),
        (status = 400, description = "Bad input, or several owners in the scope and none named", body = Problem),
        (status = 404, description = "Unknown, or another unit's task", body = Problem)))]
async fn report_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ReportTasks)?;
    let id = forms::record_id(&id)?;
    let input: ReportInput = forms::json(&body)?;
    let row = report(&state, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Checks and keeps a report.
pub(crate) async fn report(
    state: &AppState,
    actor: &Actor,
    task: i64,
    input: &ReportInput,
) -> Result<ReportRow, ApiError> {
    tasks::report(
        &state.db,
        actor.author(),
        actor.scope(),
        task,
        input.org_unit_id,
        |expects| NewReport::parse(input, expects),
    )
    .await
    .map_err(not_found)
}

/// The files the owners the user sees attached to a task
#[utoipa::path(get, path = "/api/v1/tasks/{id}/files", tag = "directives",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The files", body = List<TaskFileRow>)))]
async fn files_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let rows = tasks::files(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    Ok(Json(List::all(rows)).into_response())
}

/// Attach a file to one's task (PDF, DOCX, PNG, JPEG, checked by content; at most 20 MiB)
#[utoipa::path(post, path = "/api/v1/tasks/{id}/files", tag = "directives",
    params(("id" = i64, Path, minimum = 1),
        ("org_unit_id" = Option<i64>, Query, description = "The owner unit, when the user answers for several.")),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "Field `file`."),
    responses((status = 201, description = "Stored", body = TaskFileRow),
        (status = 404, description = "Unknown, or another unit's task", body = Problem)))]
async fn upload_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ReportTasks)?;
    let id = forms::record_id(&id)?;
    let unit = Fields::from_query(q.as_deref()).i64("org_unit_id")?;
    let row = attach(&state, &actor, id, unit, req).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Reads, checks and keeps a task's file.
pub(crate) async fn attach(
    state: &AppState,
    actor: &Actor,
    task: i64,
    unit: Option<i64>,
    req: Request,
) -> Result<TaskFileRow, ApiError> {
    tasks::owner(&state.db, actor.scope(), task, unit)
        .await
        .map_err(not_found)?;
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
    tasks::attach(&state.db, actor.author(), actor.scope(), task, unit, &f)
        .await
        .map_err(not_found)
}

/// A task's file, as an attachment
#[utoipa::path(get, path = "/api/v1/tasks/{id}/files/{file_id}", tag = "directives",
    params(("id" = i64, Path, minimum = 1), ("file_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The file", content((Vec<u8> = "application/octet-stream")))))]
async fn file_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, file) = (forms::record_id(&id)?, forms::record_id(&file)?);
    let (name, content_type, content) = tasks::content(&state.db, actor.scope(), id, file)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(attachments::download(&name, content_type, content))
}
