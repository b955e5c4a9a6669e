//! Reviews over HTTP: the list, starting one (or a submission answering a
//! higher level's), a review with its sections and figures, saving a
//! section (a new version each time) and its versions, a draft of a
//! section from the figures, the figures alone (for other systems), the
//! lower units' submissions compiled, issuing, a new version of an issued
//! review, and the document as DOCX and PDF (Nghị định 30/2020). Pages in
//! `pages.rs`; the document's content in `document.rs`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::page::Page;
use domain::policy::Action;
use domain::reviews::{
    Figures, Issue, IssueInput, Kind, NewReview, ReviewInput, Section, SectionInput,
    State as ReviewState, View,
};
use domain::Reason;
use serde::Serialize;
use store::reviews::compile::{compile, Compilation};
use store::reviews::figures::{of_review, Ask};
use store::reviews::{self as reviews, ReviewDetail, ReviewQuery, ReviewRow, SectionRow};

use crate::actor::Actor;
use crate::api::{PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod document;
mod pages;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/reviews", list_api)
        .post("/api/v1/reviews", create_api)
        .get("/api/v1/reviews/{id}", get_api)
        .get("/api/v1/reviews/{id}/figures", figures_api)
        .get("/api/v1/reviews/{id}/submissions", submissions_api)
        .put("/api/v1/reviews/{id}/sections/{section}", section_api)
        .get(
            "/api/v1/reviews/{id}/sections/{section}/versions",
            versions_api,
        )
        .get("/api/v1/reviews/{id}/sections/{section}/draft", draft_api)
        .post("/api/v1/reviews/{id}/issue", issue_api)
        .post("/api/v1/reviews/{id}/versions", new_version_api)
        .get("/api/v1/reviews/{id}/document.docx", docx_api)
        .get("/api/v1/reviews/{id}/document.pdf", pdf_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        get_api,
        figures_api,
        submissions_api,
        section_api,
        versions_api,
        draft_api,
        issue_api,
        new_version_api,
        docx_api,
        pdf_api
    ),
    components(schemas(Kind, Section, ReviewState, View))
)]
pub struct Api;

fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

/// A page of reviews and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct ReviewPage {
    items: Vec<ReviewRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// A review with its figures: frozen when issued, assembled now for a draft.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct ReviewWithFigures {
    #[serde(flatten)]
    pub detail: ReviewDetail,
    pub figures: Figures,
    /// Whether the reader may write it (its unit is theirs, it is a draft).
    pub may_write: bool,
}

pub(crate) fn review_query(f: &Fields) -> Result<ReviewQuery, ApiError> {
    let text = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    Ok(ReviewQuery {
        org_unit: f.i64("org_unit")?,
        state: text("state")
            .map(|s| ReviewState::parse("state", s))
            .transpose()?,
        kind: text("kind").map(|s| Kind::parse("kind", s)).transpose()?,
        answers: f.i64("answers")?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// Reviews the user reads (their units', those below, the levels above a commune's), newest first
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews",
    params(
        ("org_unit" = Option<i64>, Query, description = "Reviews of this unit."),
        ("state" = Option<ReviewState>, Query),
        ("kind" = Option<Kind>, Query),
        ("answers" = Option<i64>, Query, description = "Submissions answering this review."),
        PageParams,
    ),
    responses((status = 200, description = "A page of reviews", body = ReviewPage)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = review_query(&Fields::from_query(q.as_deref()))?;
    let (items, total) = reviews::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(ReviewPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Start a review of one of the user's own units, for a period in either view of the 2025 reform (with `answers_id`: a submission to the level above)
#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", request_body = ReviewInput,
    responses((status = 201, description = "The review, a draft", body = ReviewRow),
        (status = 400, description = "Bad input: a period backwards, in the future or too long; a unit not the user's own; a focus unknown", body = Problem),
        (status = 403, description = "The role may not write reviews", body = Problem),
        (status = 404, description = "The unit is outside the scope", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: ReviewInput = forms::json(&body)?;
    let row = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    input: &ReviewInput,
) -> Result<ReviewRow, ApiError> {
    actor.require(Action::WriteReviews)?;
    let r = NewReview::parse(input, domain::time::today())?;
    reviews::create(&state.db, actor.author(), actor.scope(), &r)
        .await
        .map_err(not_found)
}

/// The review, its figures and whether the reader may write it.
pub(crate) async fn view_of(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<ReviewWithFigures, ApiError> {
    let detail = reviews::detail(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let figures = of_review(&state.db, &detail, domain::time::today()).await?;
    let may_write = actor.may(Action::WriteReviews)
        && detail.review.state() == ReviewState::Draft
        && own_unit(state, actor, detail.review.org_unit_id).await?;
    Ok(ReviewWithFigures {
        detail,
        figures,
        may_write,
    })
}

/// How the narrative names the country, a national review's area.
const NATIONAL: &str = "toàn quốc";

/// Whether `unit` is one of the actor's own scope units (or they are
/// unscoped); a national review (none) is the unscoped administrators'.
async fn own_unit(state: &AppState, actor: &Actor, unit: Option<i64>) -> Result<bool, ApiError> {
    match (actor.scope().user_id(), unit) {
        (None, _) => Ok(true),
        (Some(_), None) => Ok(false),
        (Some(user), Some(unit)) => Ok(store::accounts::scope_units(&state.db, user)
            .await?
            .iter()
            .any(|u| u.id == unit)),
    }
}

/// A review: its sections (latest text of each), what it is about, its figures (frozen when issued) and its state
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The review", body = ReviewWithFigures),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    Ok(Json(view_of(&state, &actor, id).await?).into_response())
}

/// The review's figures alone, as other systems read them: each source's headlines (with the previous period's and each sub-unit's) and tables
#[utoipa::path(get, path = "/api/v1/reviews/{id}/figures", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The figures", body = Figures),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn figures_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let detail = reviews::detail(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    Ok(Json(of_review(&state.db, &detail, domain::time::today()).await?).into_response())
}

pub(crate) async fn submissions_of(
    state: &AppState,
    actor: &Actor,
    view: &ReviewWithFigures,
) -> Result<Compilation, ApiError> {
    let ask = Ask::of(&view.detail, domain::time::today())?;
    Ok(compile(
        &state.db,
        actor.scope(),
        view.detail.review.id,
        &ask,
        &view.figures,
    )
    .await?)
}

/// The lower units' reviews answering this one: who was expected, who submitted (an issued review), their figures against this review's for the same units, their sections
#[utoipa::path(get, path = "/api/v1/reviews/{id}/submissions", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The compilation", body = Compilation),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn submissions_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let view = view_of(&state, &actor, id).await?;
    Ok(Json(submissions_of(&state, &actor, &view).await?).into_response())
}

fn section_of(s: &str) -> Result<Section, ApiError> {
    Section::parse("section", s).map_err(|_| ApiError::not_found())
}

/// Save a section's text as its next version (an unchanged text is not saved again)
#[utoipa::path(put, path = "/api/v1/reviews/{id}/sections/{section}", tag = "reviews",
    params(("id" = i64, Path, minimum = 1), ("section" = Section, Path)),
    request_body = SectionInput,
    responses((status = 200, description = "The section's latest version", body = SectionRow),
        (status = 400, description = "Too long, or control characters", body = Problem),
        (status = 403, description = "Not the user's own unit's review, or the role may not write", body = Problem),
        (status = 404, description = "Unknown review or section, or outside the scope", body = Problem),
        (status = 409, description = "The review is issued: make a new version", body = Problem)))]
async fn section_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, section)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let section = section_of(&section)?;
    let input: SectionInput = forms::json(&body)?;
    Ok(Json(save_section(&state, &actor, id, section, &input).await?).into_response())
}

pub(crate) async fn save_section(
    state: &AppState,
    actor: &Actor,
    id: i64,
    section: Section,
    input: &SectionInput,
) -> Result<SectionRow, ApiError> {
    actor.require(Action::WriteReviews)?;
    reviews::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let body = domain::reviews::section_text(input)?;
    reviews::save_section(&state.db, actor.author(), actor.scope(), id, section, &body)
        .await
        .map_err(not_found)
}

/// Every saved version of a section, newest first
#[utoipa::path(get, path = "/api/v1/reviews/{id}/sections/{section}/versions", tag = "reviews",
    params(("id" = i64, Path, minimum = 1), ("section" = Section, Path)),
    responses((status = 200, description = "The versions", body = Vec<SectionRow>),
        (status = 404, description = "Unknown review or section, or outside the scope", body = Problem)))]
async fn versions_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, section)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let section = section_of(&section)?;
    let rows = reviews::section_versions(&state.db, actor.scope(), id, section)
        .await
        .map_err(not_found)?;
    Ok(Json(rows).into_response())
}

/// A first draft of a section.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SectionDraft {
    pub body: String,
}

pub(crate) fn draft_of(
    view: &ReviewWithFigures,
    section: Section,
) -> Result<SectionDraft, ApiError> {
    let r = &view.detail.review;
    Ok(SectionDraft {
        body: domain::reviews::draft(
            section,
            r.org_unit_name.as_deref().unwrap_or(NATIONAL),
            r.period()?,
            &view.figures,
        ),
    })
}

/// A first draft of a section from the template and the figures (not saved)
#[utoipa::path(get, path = "/api/v1/reviews/{id}/sections/{section}/draft", tag = "reviews",
    params(("id" = i64, Path, minimum = 1), ("section" = Section, Path)),
    responses((status = 200, description = "The draft", body = SectionDraft),
        (status = 404, description = "Unknown review or section, or outside the scope", body = Problem)))]
async fn draft_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, section)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let section = section_of(&section)?;
    let view = view_of(&state, &actor, id).await?;
    Ok(Json(draft_of(&view, section)?).into_response())
}

/// Issue the review: its number and symbol (unique for the unit and year), place, day, signer and recipients; its figures are frozen
#[utoipa::path(post, path = "/api/v1/reviews/{id}/issue", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)), request_body = IssueInput,
    responses((status = 200, description = "The issued review", body = ReviewRow),
        (status = 400, description = "Bad input: a number not of the form 05/BC-CAT, a day in the future or before the period, no recipient", body = Problem),
        (status = 403, description = "Not the user's own unit's review, or the role may not write", body = Problem),
        (status = 404, description = "Unknown, or outside the scope", body = Problem),
        (status = 409, description = "Issued already, or the number is taken this year", body = Problem)))]
async fn issue_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let input: IssueInput = forms::json(&body)?;
    Ok(Json(issue(&state, &actor, id, &input).await?).into_response())
}

pub(crate) async fn issue(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &IssueInput,
) -> Result<ReviewRow, ApiError> {
    actor.require(Action::WriteReviews)?;
    let detail = reviews::detail(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    if detail.review.state() == ReviewState::Issued {
        return Err(store::StoreError::Conflict(Reason::ReviewIssued).into());
    }
    let today = domain::time::today();
    let i = Issue::parse(input, detail.review.period()?, today)?;
    let figures = of_review(&state.db, &detail, today).await?;
    reviews::issue(&state.db, actor.author(), actor.scope(), id, &i, &figures)
        .await
        .map_err(not_found)
}

/// Make a new draft version of an issued review (its sections copied), to be issued under its own number
#[utoipa::path(post, path = "/api/v1/reviews/{id}/versions", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 201, description = "The new version, a draft", body = ReviewRow),
        (status = 403, description = "Not the user's own unit's review, or the role may not write", body = Problem),
        (status = 404, description = "Unknown, or outside the scope", body = Problem),
        (status = 409, description = "A draft (edit it instead), or a new version exists", body = Problem)))]
async fn new_version_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    let row = new_version(&state, &actor, id).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

pub(crate) async fn new_version(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<ReviewRow, ApiError> {
    actor.require(Action::WriteReviews)?;
    reviews::new_version(&state.db, actor.author(), actor.scope(), id)
        .await
        .map_err(not_found)
}

/// The formats the document is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Docx,
    Pdf,
}

/// The document's bytes and its download name (ASCII: `bao-cao-12-05-BC-CAT`).
pub(crate) async fn document_file(
    state: &AppState,
    actor: &Actor,
    id: i64,
    format: Format,
) -> Result<Response, ApiError> {
    let view = view_of(state, actor, id).await?;
    let unit = match view.detail.review.org_unit_id {
        Some(u) => Some(
            store::org_units::get(&state.db, store::accounts::Scope::All, u)
                .await?
                .ok_or_else(ApiError::not_found)?,
        ),
        None => None,
    };
    let doc = document::of(&view.detail, &view.figures, unit.as_ref());
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Docx => files::review_docx(&doc),
        Format::Pdf => files::review_pdf(&doc),
    })
    .await
    .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))??;
    let number: String = view
        .detail
        .review
        .number
        .as_deref()
        .unwrap_or("du-thao")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = format!("bao-cao-{id}-{number}");
    Ok(match format {
        Format::Pdf => crate::downloads::pdf(bytes, &name),
        Format::Docx => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        .to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.docx\""),
                ),
            ],
            bytes,
        )
            .into_response(),
    })
}

/// The review as a Word document following Nghị định 30/2020 (a draft's carries placeholders for the number and signer)
#[utoipa::path(get, path = "/api/v1/reviews/{id}/document.docx", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The DOCX file", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn docx_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    document_file(&state, &actor, id, Format::Docx).await
}

/// The review as a PDF following Nghị định 30/2020, its font embedded
#[utoipa::path(get, path = "/api/v1/reviews/{id}/document.pdf", tag = "reviews",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The PDF file", content_type = "application/pdf"),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
async fn pdf_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::record_id(&id)?;
    document_file(&state, &actor, id, Format::Pdf).await
}
