//! Training over HTTP: courses, classes (by organiser, period, audience,
//! course), enrolments, attendance per session, results with certificate
//! numbers, and a person's training history. Pages come with the
//! trainee-times summary (`docs/architecture.md`, "Training").

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use domain::page::Page;
use domain::policy::Action;
use domain::time::parse_date;
use domain::training::{
    AttendanceMark, Audience, ClassInput, CourseInput, EnrolInput, NewClass, NewCourse,
    ResultInput, Topic,
};
use serde::Serialize;
use store::training::{
    self as training, AttendanceRow, ClassQuery, ClassRow, CourseRow, EnrolmentRow, TrainingRecord,
};

use crate::actor::Actor;
use crate::api::{List, PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod files;
mod pages;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/courses", courses_api)
        .post("/api/v1/courses", create_course_api)
        .get("/api/v1/classes", classes_api)
        .post("/api/v1/classes", create_class_api)
        .get("/api/v1/classes/{id}", class_api)
        .get("/api/v1/classes/{id}/enrolments", enrolments_api)
        .post("/api/v1/classes/{id}/enrolments", enrol_api)
        .get("/api/v1/classes/{id}/attendance", attendance_api)
        .post("/api/v1/classes/{id}/attendance", mark_attendance_api)
        .post(
            "/api/v1/classes/{id}/enrolments/{enrolment_id}/result",
            result_api,
        )
        .get("/api/v1/classes/{id}/certificates.pdf", certificates_api)
        .get("/api/v1/classes/{id}/attendance.xlsx", attendance_sheet_api)
        .upload(
            "/api/v1/classes/{id}/attendance/upload",
            upload_attendance_api,
        )
        .upload(
            "/api/v1/classes/{id}/enrolments/upload",
            upload_trainees_api,
        )
        .get("/api/v1/classes/trainee-template", trainee_template_api)
        .get("/api/v1/people/{id}/training", history_api)
        .get("/api/v1/training-summary", summary_api)
        .get("/api/v1/refreshers-due", refreshers_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        courses_api,
        create_course_api,
        classes_api,
        create_class_api,
        class_api,
        enrolments_api,
        enrol_api,
        attendance_api,
        mark_attendance_api,
        result_api,
        certificates_api,
        attendance_sheet_api,
        upload_attendance_api,
        upload_trainees_api,
        trainee_template_api,
        history_api,
        summary_api,
        refreshers_api
    ),
    components(schemas(Topic, Audience))
)]
pub struct Api;

/// A page of classes and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct ClassPage {
    items: Vec<ClassRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// A class with its session days.
#[derive(Serialize, utoipa::ToSchema)]
struct ClassDetail {
    class: ClassRow,
    sessions: Vec<NaiveDate>,
}

fn optional_day(f: &Fields, key: &'static str) -> Result<Option<NaiveDate>, ApiError> {
    Ok(f.get(key)
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_date(key, s))
        .transpose()?)
}

/// The `audience` filter; blank is every audience.
fn audience(f: &Fields) -> Result<Option<Audience>, ApiError> {
    Ok(f.get("audience")
        .filter(|s| !s.is_empty())
        .map(|s| Audience::parse("audience", s))
        .transpose()?)
}

/// The class list's filters, from a query string.
fn class_query(f: &Fields) -> Result<ClassQuery, ApiError> {
    Ok(ClassQuery {
        org_unit: f.i64("org_unit")?,
        from: optional_day(f, "from")?,
        to: optional_day(f, "to")?,
        audience: audience(f)?,
        course: f.i64("course")?,
        awaiting_results: f
            .bool("awaiting_results")?
            .unwrap_or(false)
            .then(domain::time::today),
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// The class, if in scope; else 404.
pub(crate) async fn class(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<(ClassRow, Vec<NaiveDate>), ApiError> {
    training::class(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// A file sent for a class (its attendance sheet, a list of trainees),
/// read once the role and the scope allow it: the class, its session days
/// and the file.
pub(crate) async fn class_upload(
    state: &AppState,
    actor: &Actor,
    id: &str,
    req: axum::extract::Request,
) -> Result<(ClassRow, Vec<NaiveDate>, Bytes), ApiError> {
    actor.require(Action::ManageTraining)?;
    let (c, sessions) = class(state, actor, forms::record_id(id)?).await?;
    let (bytes, _) = crate::uploads::uploaded(crate::uploads::multipart(req, state).await?).await?;
    Ok((c, sessions, bytes))
}

// ---- courses ----------------------------------------------------------------------

/// Every training course with its topics and hours
#[utoipa::path(get, path = "/api/v1/courses", tag = "training",
    responses((status = 200, description = "The courses", body = List<CourseRow>)))]
async fn courses_api(State(state): State<AppState>, _actor: Actor) -> Result<Response, ApiError> {
    Ok(Json(List::all(training::courses(&state.db).await?)).into_response())
}

/// Add a training course: its topics with hours, a refresher period, the pass mark and the sessions to attend
#[utoipa::path(post, path = "/api/v1/courses", tag = "training", request_body = CourseInput,
    responses((status = 201, description = "The course", body = CourseRow),
        (status = 409, description = "A course of that name exists", body = Problem)))]
async fn create_course_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageCourses)?;
    let input: CourseInput = forms::json(&body)?;
    let c = NewCourse::parse(&input)?;
    let row = training::create_course(&state.db, actor.author(), &c).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

// ---- classes ----------------------------------------------------------------------

/// Classes run by units of the scope, latest first
#[utoipa::path(get, path = "/api/v1/classes", tag = "training",
    params(
        ("org_unit" = Option<i64>, Query, description = "Classes run by this unit or a unit under it (through the 2025 mapping)."),
        ("from" = Option<domain::schema::Day>, Query, description = "Classes ending on or after this day."),
        ("to" = Option<domain::schema::Day>, Query, description = "Classes ending on or before this day."),
        ("audience" = Option<Audience>, Query),
        ("course" = Option<i64>, Query),
        ("awaiting_results" = Option<bool>, Query, description = "Only classes over with a trainee still without a result."),
        ("format" = Option<crate::api::FileFormat>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of classes, or the file",
        content((ClassPage = "application/json"), (Vec<u8> = crate::api::XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn classes_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let query = class_query(&f)?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        return files::export_classes(&state, &actor, query, fmt).await;
    }
    let (items, total) = training::classes(&state.db, actor.scope(), &query).await?;
    Ok(Json(ClassPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Set up a class run by a province or a commune
#[utoipa::path(post, path = "/api/v1/classes", tag = "training", request_body = ClassInput,
    responses((status = 201, description = "The class", body = ClassRow),
        (status = 400, description = "Bad input, an unknown course, or an organiser that is not a province or commune", body = Problem)))]
async fn create_class_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageTraining)?;
    let input: ClassInput = forms::json(&body)?;
    let c = NewClass::parse(&input)?;
    let row = training::create_class(&state.db, actor.author(), actor.scope(), &c).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// One class with its session days
#[utoipa::path(get, path = "/api/v1/classes/{id}", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The class", body = ClassDetail)))]
async fn class_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (class, sessions) = class(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(ClassDetail { class, sessions }).into_response())
}

// ---- enrolments, attendance, results ------------------------------------------------

/// The class's trainees
#[utoipa::path(get, path = "/api/v1/classes/{id}/enrolments", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The trainees", body = List<EnrolmentRow>)))]
async fn enrolments_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (c, _) = class(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(List::all(training::enrolments(&state.db, c.id).await?)).into_response())
}

/// Enrol a person on record (`person_id`) or a new one (`person`)
#[utoipa::path(post, path = "/api/v1/classes/{id}/enrolments", tag = "training",
    params(("id" = i64, Path, minimum = 1)), request_body = EnrolInput,
    responses((status = 201, description = "The enrolment", body = EnrolmentRow),
        (status = 409, description = "The class is full, or the person is in it already", body = Problem)))]
async fn enrol_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageTraining)?;
    let id = forms::record_id(&id)?;
    let input: EnrolInput = forms::json(&body)?;
    let row = training::enrol(
        &state.db,
        actor.author(),
        actor.scope(),
        &state.config.id_key,
        id,
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// The class's attendance marks
#[utoipa::path(get, path = "/api/v1/classes/{id}/attendance", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The marks", body = List<AttendanceRow>)))]
async fn attendance_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (c, _) = class(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(List::all(training::attendance(&state.db, c.id).await?)).into_response())
}

/// How many marks a batch wrote.
#[derive(Serialize, utoipa::ToSchema)]
struct Marked {
    written: usize,
}

/// Mark attendance: each trainee of the class at each of its session days, all marks or none
#[utoipa::path(post, path = "/api/v1/classes/{id}/attendance", tag = "training",
    params(("id" = i64, Path, minimum = 1)), request_body = Vec<AttendanceMark>,
    responses((status = 200, description = "Written", body = Marked),
        (status = 400, description = "A mark for someone not enrolled, or a day without a session; nothing written", body = Problem)))]
async fn mark_attendance_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageTraining)?;
    let id = forms::record_id(&id)?;
    let input: Vec<AttendanceMark> = forms::json(&body)?;
    let marks = AttendanceMark::parse_all(&input)?;
    let written =
        training::mark_attendance(&state.db, actor.author(), actor.scope(), id, &marks).await?;
    Ok(Json(Marked { written }).into_response())
}

/// Enter a trainee's test result (from the last session on); a pass gets a certificate number
#[utoipa::path(post, path = "/api/v1/classes/{id}/enrolments/{enrolment_id}/result", tag = "training",
    params(("id" = i64, Path, minimum = 1), ("enrolment_id" = i64, Path, minimum = 1)),
    request_body = ResultInput,
    responses((status = 200, description = "The enrolment", body = EnrolmentRow),
        (status = 409, description = "The class has not reached its last session", body = Problem)))]
async fn result_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, enrolment)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageTraining)?;
    let (id, enrolment) = (forms::record_id(&id)?, forms::record_id(&enrolment)?);
    let input: ResultInput = forms::json(&body)?;
    let result = input.parse()?;
    let row = training::set_result(
        &state.db,
        actor.author(),
        actor.scope(),
        id,
        enrolment,
        result,
    )
    .await?;
    Ok(Json(row).into_response())
}

/// The certificates of the class's trainees who passed, one PDF, a page each (A4 landscape)
#[utoipa::path(get, path = "/api/v1/classes/{id}/certificates.pdf", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The certificates", content((Vec<u8> = "application/pdf"))),
        (status = 409, description = "Nobody in the class has passed yet", body = Problem)))]
async fn certificates_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (c, _) = class(&state, &actor, forms::record_id(&id)?).await?;
    files::certificates_pdf(&state, &actor, c).await
}

/// The class's attendance sheet (XLSX): a trainee a row, a session a column, "x" where present
#[utoipa::path(get, path = "/api/v1/classes/{id}/attendance.xlsx", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The sheet", content((Vec<u8> = crate::api::XLSX)))))]
async fn attendance_sheet_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (c, sessions) = class(&state, &actor, forms::record_id(&id)?).await?;
    files::attendance_sheet(&state, &c, &sessions).await
}

/// Mark attendance from the class's sheet filled in (XLSX or CSV): all its marks or none
#[utoipa::path(post, path = "/api/v1/classes/{id}/attendance/upload", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = crate::uploads::Upload, content_type = "multipart/form-data"),
    responses((status = 200, description = "Written", body = Marked),
        (status = 400, description = "A cell, a column or a trainee the sheet cannot hold; nothing written", body = Problem),
        (status = 413, description = "File larger than 64 MiB.", body = Problem)))]
async fn upload_attendance_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (c, sessions, bytes) = class_upload(&state, &actor, &id, req).await?;
    let written = files::upload_attendance(&state, &actor, &c, &sessions, bytes).await?;
    Ok(Json(Marked { written }).into_response())
}

/// Enrol a list of trainees (XLSX or CSV: person number, or name, date of birth and phone): everyone or nobody
#[utoipa::path(post, path = "/api/v1/classes/{id}/enrolments/upload", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = crate::uploads::Upload, content_type = "multipart/form-data"),
    responses((status = 200, description = "Enrolled", body = Enrolled),
        (status = 400, description = "A row refused (its number in the message); nobody enrolled", body = Problem),
        (status = 409, description = "The class would be over capacity, or someone is in it already; nobody enrolled", body = Problem),
        (status = 413, description = "File larger than 64 MiB.", body = Problem)))]
async fn upload_trainees_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    let (c, _, bytes) = class_upload(&state, &actor, &id, req).await?;
    let enrolled = files::upload_trainees(&state, &actor, &c, bytes).await?;
    Ok(Json(Enrolled { enrolled }).into_response())
}

/// How many a list enrolled.
#[derive(Serialize, utoipa::ToSchema)]
struct Enrolled {
    enrolled: usize,
}

/// The list of trainees to fill in (XLSX): its columns, empty
#[utoipa::path(get, path = "/api/v1/classes/trainee-template", tag = "training",
    responses((status = 200, description = "The XLSX file", content((Vec<u8> = crate::api::XLSX)))))]
async fn trainee_template_api(_actor: Actor) -> Result<Response, ApiError> {
    files::trainee_template()
}

/// A person's classes, latest first, with refreshers due
#[utoipa::path(get, path = "/api/v1/people/{id}/training", tag = "training",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The classes", body = List<TrainingRecord>)))]
async fn history_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    // The person's page decides who sees them; the same check here.
    let p = crate::forces::person(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(List::all(training::history(&state.db, p.id).await?)).into_response())
}

/// Classes, trainee-times and passes by area over a span of days, in either view of the 2025 reform
#[utoipa::path(get, path = "/api/v1/training-summary", tag = "training",
    params(
        ("org_unit" = Option<i64>, Query, description = "Its parts are the rows; none: the provinces (or the user's scope)."),
        ("from" = Option<domain::schema::Day>, Query, description = "Classes ending on or after this day (default: 1 January of the year of `to`)."),
        ("to" = Option<domain::schema::Day>, Query, description = "Classes ending on or before this day (default: today)."),
        ("view" = Option<crate::areas::ViewParam>, Query),
        ("audience" = Option<Audience>, Query),
        ("course" = Option<i64>, Query),
        ("format" = Option<crate::api::FileFormat>, Query),
    ),
    responses((status = 200, description = "The figures, or the file",
        content((training::summary::TrainingSummary = "application/json"), (Vec<u8> = crate::api::XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn summary_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let s = summary(&state, &actor, &f).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        return files::export_summary(&s, fmt);
    }
    Ok(Json(s).into_response())
}

/// The summary the API and the pages show.
pub(crate) async fn summary(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<training::summary::TrainingSummary, ApiError> {
    use chrono::Datelike;
    let org_unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => crate::areas::only_scope_unit(state, actor).await?,
    };
    crate::areas::check_unit(state, actor, org_unit).await?;
    let now = domain::time::today();
    let to = optional_day(f, "to")?.unwrap_or(now);
    // By default the year `to` falls in; a span that ends before it
    // begins holds no class (a read, not an error).
    let from = optional_day(f, "from")?
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let q = training::summary::TrainingQuery {
        org_unit,
        from,
        to,
        view: crate::areas::view(f)?,
        audience: audience(f)?,
        course: f.i64("course")?,
        today: now,
    };
    Ok(training::summary::summary(&state.db, actor.scope(), &q).await?)
}

/// How far ahead the lists of refreshers due look by default.
pub(crate) const REFRESHER_HORIZON_DAYS: i64 = 30;

/// A page of people due a refresher and how many there are.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct RefresherPage {
    items: Vec<training::RefresherDue>,
    total: i64,
    page: u32,
    per_page: u32,
    by: NaiveDate,
}

impl RefresherPage {
    pub(crate) fn pages(&self) -> i64 {
        let per = i64::from(self.per_page.max(1));
        (self.total + per - 1) / per
    }
}

/// The people due a refresher: the list the API and the page show.
pub(crate) async fn refreshers(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<RefresherPage, ApiError> {
    let by = optional_day(f, "by")?
        .unwrap_or_else(|| domain::time::today() + chrono::Duration::days(REFRESHER_HORIZON_DAYS));
    let page = Page::parse(f.get("page"), f.get("per_page"))?;
    let (items, total) = training::refreshers_due(&state.db, actor.scope(), by, page).await?;
    Ok(RefresherPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        by,
    })
}

/// People trained by the scope's units or living in them whose refresher falls due by a day, the most overdue first
#[utoipa::path(get, path = "/api/v1/refreshers-due", tag = "training",
    params(
        ("by" = Option<domain::schema::Day>, Query, description = "Due on or before this day (default: 30 days from today)."),
        PageParams,
    ),
    responses((status = 200, description = "A page of people due a refresher", body = RefresherPage)))]
async fn refreshers_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    Ok(Json(refreshers(&state, &actor, &f).await?).into_response())
}
