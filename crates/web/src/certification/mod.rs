//! Certification "An toàn về an ninh, trật tự" over HTTP: the criteria
//! sets, registration (many units at once), the steps of a case, the
//! filtered list and its files, the dashboard, the certificates as PDF and
//! evidence files. The API handlers here and the pages in `pages.rs` share
//! the same parsing and checks.

mod files;
mod pages;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::certification::{
    self as cert, AssessInput, Assessment, Classification, CriteriaSetInput, DecideInput,
    DecidingLevel, Decision, Kind, NewCriteriaSet, NoteInput, Noted, RegisterInput, Registration,
    Revocation, RevokeInput, State as CaseState, Step,
};
use domain::page::Page;
use domain::policy::Action;
use domain::time::today;
use domain::Reason;
use serde::{Deserialize, Serialize};
use store::certification::{self as certs, Act, CaseDetail, CaseQuery, CaseRow, Summary, View};

use crate::actor::Actor;
use crate::api::{FileFormat, List, PageParams, Problem, XLSX};
use crate::areas::{check_unit, only_scope_unit, view, ViewParam};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/certification-criteria", criteria_api)
        .post("/api/v1/certification-criteria", publish_api)
        .get("/api/v1/certifications", list_api)
        .post("/api/v1/certifications", register_api)
        .get("/api/v1/certification-summary", summary_api)
        .get("/api/v1/certifications/certificates.pdf", bulk_pdf_api)
        .get("/api/v1/certifications/{id}", show_api)
        .post("/api/v1/certifications/{id}/assess", assess_api)
        .post("/api/v1/certifications/{id}/submit", submit_api)
        .post("/api/v1/certifications/{id}/review", review_api)
        .post("/api/v1/certifications/{id}/return", return_api)
        .post("/api/v1/certifications/{id}/decide", decide_api)
        .post("/api/v1/certifications/{id}/revoke", revoke_api)
        .get("/api/v1/certifications/{id}/certificate.pdf", pdf_api)
        .upload("/api/v1/certifications/{id}/evidence", evidence_upload_api)
        .get(
            "/api/v1/certifications/{id}/evidence/{evidence_id}",
            evidence_api,
        )
        .put(
            "/api/v1/org-units/{id}/certification-exemption",
            exemption_api,
        )
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        criteria_api,
        publish_api,
        list_api,
        register_api,
        summary_api,
        bulk_pdf_api,
        show_api,
        assess_api,
        submit_api,
        review_api,
        return_api,
        decide_api,
        revoke_api,
        pdf_api,
        evidence_upload_api,
        evidence_api,
        exemption_api
    ),
    components(schemas(ViewParam, Kind, CaseState, Classification, Step))
)]
pub struct Api;

/// A page of cases and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct CasePage {
    items: Vec<CaseRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// The most an evidence file may weigh.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

// ---- shared checks ----------------------------------------------------------

/// The case, if the actor's scope reaches its unit.
async fn scoped(state: &AppState, actor: &Actor, id: i64) -> Result<CaseRow, ApiError> {
    certs::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

fn year(f: &Fields, key: &'static str) -> Result<Option<i32>, ApiError> {
    f.i64(key)?
        .map(|y| {
            i32::try_from(y)
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| ApiError::invalid(key, Reason::YearInvalid))
        })
        .transpose()
}

/// The list filters, from a query string (API and page alike).
fn parse_query(f: &Fields) -> Result<CaseQuery, ApiError> {
    Ok(CaseQuery {
        org_unit: f.i64("org_unit")?,
        kind: f
            .get("kind")
            .filter(|s| !s.is_empty())
            .map(|s| Kind::parse("kind", s))
            .transpose()?,
        year: year(f, "year")?,
        state: f
            .get("state")
            .filter(|s| !s.is_empty())
            .map(|s| CaseState::parse("state", s))
            .transpose()?,
        classification: f
            .get("classification")
            .filter(|s| !s.is_empty())
            .map(|s| Classification::parse("classification", s))
            .transpose()?,
        view: view(f)?,
        awaiting: f.get("awaiting").map(awaiting).transpose()?,
        overdue_on: f.bool("overdue")?.unwrap_or(false).then(today),
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

fn awaiting(s: &str) -> Result<DecidingLevel, ApiError> {
    DecidingLevel::parse(s).ok_or_else(|| {
        ApiError::invalid(
            "awaiting",
            Reason::LevelUnknown {
                allowed: vec![
                    DecidingLevel::Commune.term(),
                    DecidingLevel::Province.term(),
                ],
            },
        )
    })
}

/// The year a dashboard opens on: the residential areas' current one.
async fn default_year(state: &AppState) -> Result<i32, ApiError> {
    let rules = certs::rules(&state.db, Kind::Residential).await?;
    Ok(rules.year_of(today()))
}

async fn summary(state: &AppState, actor: &Actor, f: &Fields) -> Result<Summary, ApiError> {
    let org_unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => only_scope_unit(state, actor).await?,
    };
    let year = match year(f, "year")? {
        Some(y) => y,
        None => default_year(state).await?,
    };
    let view = view(f)?;
    check_unit(state, actor, org_unit).await?;
    let q = certs::SummaryQuery {
        org_unit,
        year,
        view,
        today: today(),
    };
    Ok(certs::summary::summary(&state.db, actor.scope(), &q).await?)
}

async fn register(
    state: &AppState,
    actor: &Actor,
    input: &RegisterInput,
) -> Result<Vec<CaseRow>, ApiError> {
    actor.require(Action::Certify)?;
    let r = Registration::parse(input, today())?;
    Ok(certs::register(&state.db, actor.author(), actor.scope(), &r).await?)
}

/// What a step carries, as sent.
pub enum StepInput {
    Assess(AssessInput),
    Note(Step, NoteInput),
    Decide(DecideInput),
    Revoke(RevokeInput),
}

impl StepInput {
    fn step(&self) -> Step {
        match self {
            StepInput::Assess(_) => Step::Assess,
            StepInput::Note(s, _) => *s,
            StepInput::Decide(_) => Step::Decide,
            StepInput::Revoke(_) => Step::Revoke,
        }
    }
}

/// Takes a step: the role first (403), then the case in scope (404), the
/// deciding level (403), the input (400), then the state (409).
async fn act(
    state: &AppState,
    actor: &Actor,
    id: i64,
    expected: Option<CaseState>,
    input: StepInput,
) -> Result<CaseRow, ApiError> {
    let step = input.step();
    actor.require(if step.is_decision() {
        Action::DecideCertification
    } else {
        Action::Certify
    })?;
    let case = scoped(state, actor, id).await?;
    let kind = case.kind()?;
    if step.is_decision() {
        let rules = certs::rules(&state.db, kind).await?;
        if !cert::may_decide(rules.deciding_level, actor.user.role) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                Reason::DecisionNotYourLevel {
                    level: rules.deciding_level.term(),
                },
            ));
        }
    }
    let since = case.state_since;
    let now = today();
    let a = match input {
        StepInput::Assess(i) => {
            let criteria = certs::criteria_of(&state.db, &case).await?;
            // Answers to another set's criteria (another year's version) are
            // a step out of order, not a typing error.
            Act::Assess(Assessment::parse(&i, &criteria, since, now).map_err(|e| {
                if e.reason.code() == "criterion_not_in_set" {
                    ApiError::new(StatusCode::CONFLICT, "conflict", e.reason)
                } else {
                    ApiError::from(e)
                }
            })?)
        }
        StepInput::Note(s, i) => {
            let n = Noted::parse(s, &i, since, now)?;
            match s {
                Step::Submit => Act::Submit(n),
                Step::Review => Act::Review(n),
                _ => Act::Return(n),
            }
        }
        StepInput::Decide(i) => Act::Decide(Decision::parse(&i, since, now)?),
        StepInput::Revoke(i) => Act::Revoke(Revocation::parse(&i, since, now)?),
    };
    Ok(certs::act(&state.db, actor.author(), actor.scope(), id, expected, &a).await?)
}

/// The `expected` state a form or request names (`?state=`), if any.
fn expected_state(f: &Fields) -> Result<Option<CaseState>, ApiError> {
    f.get("expected_state")
        .filter(|s| !s.is_empty())
        .map(|s| CaseState::parse("expected_state", s).map_err(ApiError::from))
        .transpose()
}

// ---- API handlers -------------------------------------------------------------

/// The criteria sets, every published version of every kind, with the rules of each kind
#[utoipa::path(get, path = "/api/v1/certification-criteria", tag = "certification",
    responses((status = 200, description = "Sets and kinds", body = CriteriaAnswer)))]
async fn criteria_api(State(state): State<AppState>, _actor: Actor) -> Result<Response, ApiError> {
    Ok(Json(criteria_answer(&state).await?).into_response())
}

/// The criteria sets and the kinds' rules.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CriteriaAnswer {
    kinds: Vec<cert::KindRules>,
    sets: Vec<cert::CriteriaSet>,
    exempt_categories: Vec<certs::ExemptCategory>,
    /// How long a case may wait in each open state for its next step.
    deadlines: Vec<cert::Deadline>,
}

async fn criteria_answer(state: &AppState) -> Result<CriteriaAnswer, ApiError> {
    Ok(CriteriaAnswer {
        kinds: certs::criteria::kinds(&state.db).await?,
        sets: certs::criteria::sets(&state.db).await?,
        exempt_categories: certs::exempt_categories(&state.db).await?,
        deadlines: certs::overdue::deadlines(&state.db).await?,
    })
}

/// Publish a new version of a kind's criteria, in force from its year (administrators)
#[utoipa::path(post, path = "/api/v1/certification-criteria", tag = "certification", request_body = CriteriaSetInput,
    responses((status = 201, description = "Published", body = cert::CriteriaSet),
        (status = 409, description = "A version already starts that year or later", body = Problem)))]
async fn publish_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageCertificationCriteria)?;
    let input: CriteriaSetInput = forms::json(&body)?;
    let set = publish(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(set)).into_response())
}

/// Publishes a new version of a kind's criteria (API and page alike).
async fn publish(
    state: &AppState,
    actor: &Actor,
    input: &CriteriaSetInput,
) -> Result<cert::CriteriaSet, ApiError> {
    actor.require(Action::ManageCertificationCriteria)?;
    let kind = Kind::parse("kind", input.kind.as_deref().unwrap_or(""))?;
    let latest = certs::criteria::latest_from(&state.db, kind).await?;
    let s = NewCriteriaSet::parse(input, latest)?;
    Ok(certs::criteria::publish(&state.db, actor.author(), &s).await?)
}

/// Cases in scope, newest year first; `format=xlsx|csv` for the register as a file
#[utoipa::path(get, path = "/api/v1/certifications", tag = "certification",
    params(
        ("org_unit" = Option<i64>, Query, description = "Cases of units under this one."),
        ("kind" = Option<Kind>, Query),
        ("year" = Option<i32>, Query, minimum = 2000, maximum = 2100, description = "Assessment year."),
        ("state" = Option<CaseState>, Query),
        ("classification" = Option<Classification>, Query),
        ("view" = Option<ViewParam>, Query, description = "as_now: units mapped to today's (default); as_was: the unit's own hierarchy as it was."),
        ("awaiting" = Option<DecidingLevel>, Query, description = "Only open cases whose next step falls to this level (the commune registers, assesses, submits and reviews; the deciding level decides)."),
        ("overdue" = Option<bool>, Query, description = "Only cases past the deadline of their state today (`due_on` before today)."),
        ("format" = Option<FileFormat>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of cases, or the file",
        content((CasePage = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let query = parse_query(&f)?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        check_unit(&state, &actor, query.org_unit).await?;
        return files::export_list(&state, &actor, &query, fmt).await;
    }
    check_unit(&state, &actor, query.org_unit).await?;
    let (items, total) = certs::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(CasePage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Register units for an assessment year (one or many; all or none)
#[utoipa::path(post, path = "/api/v1/certifications", tag = "certification", request_body = RegisterInput,
    responses((status = 201, description = "The cases opened", body = List<CaseRow>),
        (status = 409, description = "A unit is registered already, exempt, or revoked that year", body = Problem)))]
async fn register_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::Certify)?;
    let input: RegisterInput = forms::json(&body)?;
    let cases = register(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(List::all(cases))).into_response())
}

/// The dashboard figures: eligible, registered and certified units by area and kind, for a year, in either view of the 2025 reform
#[utoipa::path(get, path = "/api/v1/certification-summary", tag = "certification",
    params(
        ("org_unit" = Option<i64>, Query, description = "Its parts are the rows; none: the provinces (or the user's scope)."),
        ("year" = Option<i32>, Query, minimum = 2000, maximum = 2100, description = "Assessment year (default: the current one)."),
        ("view" = Option<ViewParam>, Query),
        ("format" = Option<FileFormat>, Query),
    ),
    responses((status = 200, description = "The figures", content((Summary = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn summary_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        let s = summary(&state, &actor, &f).await?;
        return files::export_summary(&s, fmt);
    }
    Ok(Json(summary(&state, &actor, &f).await?).into_response())
}

/// One case with its criteria, answers, steps and evidence
#[utoipa::path(get, path = "/api/v1/certifications/{id}", tag = "certification", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The case", body = CaseDetail)))]
async fn show_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let case = scoped(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(certs::detail(&state.db, case).await?).into_response())
}

async fn step_api(
    state: &AppState,
    actor: &Actor,
    id: &str,
    q: Option<&str>,
    input: StepInput,
) -> Result<Response, ApiError> {
    let expected = expected_state(&Fields::from_query(q))?;
    let row = act(state, actor, forms::record_id(id)?, expected, input).await?;
    Ok(Json(row).into_response())
}

/// Parses a step's body after the role check, so that a refused role gets
/// 403 whatever it sent.
fn body_of<T: for<'de> Deserialize<'de>>(
    actor: &Actor,
    step: Step,
    body: &Bytes,
) -> Result<T, ApiError> {
    actor.require(if step.is_decision() {
        Action::DecideCertification
    } else {
        Action::Certify
    })?;
    forms::json(body)
}

/// Enter the self-assessment: every criterion of the case's set, met or not (again after a return)
#[utoipa::path(post, path = "/api/v1/certifications/{id}/assess", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query, description = "Refused with 409 if the case is no longer in this state.")),
    request_body = AssessInput,
    responses((status = 200, description = "The case", body = CaseRow), (status = 409, description = "Out of order", body = Problem)))]
async fn assess_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Assess, &body)?;
    step_api(&state, &actor, &id, q.as_deref(), StepInput::Assess(input)).await
}

/// Submit the self-assessment to the commune police's review
#[utoipa::path(post, path = "/api/v1/certifications/{id}/submit", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query)),
    request_body = NoteInput,
    responses((status = 200, description = "The case", body = CaseRow), (status = 409, description = "Out of order", body = Problem)))]
async fn submit_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Submit, &body)?;
    step_api(
        &state,
        &actor,
        &id,
        q.as_deref(),
        StepInput::Note(Step::Submit, input),
    )
    .await
}

/// Review: the commune police find the case complete and propose it for decision
#[utoipa::path(post, path = "/api/v1/certifications/{id}/review", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query)),
    request_body = NoteInput,
    responses((status = 200, description = "The case", body = CaseRow), (status = 409, description = "Out of order", body = Problem)))]
async fn review_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Review, &body)?;
    step_api(
        &state,
        &actor,
        &id,
        q.as_deref(),
        StepInput::Note(Step::Review, input),
    )
    .await
}

/// Return the case for a new self-assessment, with the reason
#[utoipa::path(post, path = "/api/v1/certifications/{id}/return", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query)),
    request_body = NoteInput,
    responses((status = 200, description = "The case", body = CaseRow), (status = 409, description = "Out of order", body = Problem)))]
async fn return_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Return, &body)?;
    step_api(
        &state,
        &actor,
        &id,
        q.as_deref(),
        StepInput::Note(Step::Return, input),
    )
    .await
}

/// Decide: classify the unit; any classification but khong_dat certifies it and numbers its certificate (the competent level only)
#[utoipa::path(post, path = "/api/v1/certifications/{id}/decide", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query)),
    request_body = DecideInput,
    responses((status = 200, description = "The case", body = CaseRow),
        (status = 409, description = "Out of order, or a rule across capabilities fails (named in the message)", body = Problem)))]
async fn decide_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Decide, &body)?;
    step_api(&state, &actor, &id, q.as_deref(), StepInput::Decide(input)).await
}

/// Revoke a certification, with reason and decision number (the competent level only)
#[utoipa::path(post, path = "/api/v1/certifications/{id}/revoke", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("expected_state" = Option<CaseState>, Query)),
    request_body = RevokeInput,
    responses((status = 200, description = "The case", body = CaseRow), (status = 409, description = "Not certified", body = Problem)))]
async fn revoke_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = body_of(&actor, Step::Revoke, &body)?;
    step_api(&state, &actor, &id, q.as_deref(), StepInput::Revoke(input)).await
}

/// The certificate of a certified case, as a PDF (A4 landscape)
#[utoipa::path(get, path = "/api/v1/certifications/{id}/certificate.pdf", tag = "certification", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The certificate", content((Vec<u8> = "application/pdf"))),
        (status = 409, description = "The case is not certified", body = Problem)))]
async fn pdf_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let case = scoped(&state, &actor, forms::record_id(&id)?).await?;
    if case.state()? != CaseState::Certified {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Reason::CertificationStepOutOfOrder {
                state: case.state()?.term(),
                allowed: vec![],
            },
        ));
    }
    files::certificates_pdf(&state, vec![case], &format!("giay-cong-nhan-{id}")).await
}

/// The certificates of the certified units under a unit (the user's scope if none) for an assessment year (the current one if none), one page each, at most 500
#[utoipa::path(get, path = "/api/v1/certifications/certificates.pdf", tag = "certification",
    params(
        ("org_unit" = Option<i64>, Query, minimum = 1, description = "The commune (or any unit) whose certified units print."),
        ("year" = Option<i32>, Query, minimum = 2000, maximum = 2100),
    ),
    responses((status = 200, description = "The certificates", content((Vec<u8> = "application/pdf"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem),
        (status = 409, description = "None certified", body = Problem)))]
async fn bulk_pdf_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let unit = f.i64("org_unit")?;
    let year = match year(&f, "year")? {
        Some(y) => y,
        None => default_year(&state).await?,
    };
    check_unit(&state, &actor, unit).await?;
    let cases = certs::certified_under(&state.db, actor.scope(), unit, year).await?;
    if cases.is_empty() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Reason::NoCertificates { year },
        ));
    }
    files::certificates_pdf(&state, cases, &format!("giay-cong-nhan-{year}")).await
}

/// Attach an evidence file (PDF, PNG, JPEG, DOCX, XLSX; at most 10 MiB) to a case, for a criterion if named
#[utoipa::path(post, path = "/api/v1/certifications/{id}/evidence", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("criterion_id" = Option<i64>, Query, minimum = 1)),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "Field `file`."),
    responses((status = 201, description = "Stored", body = certs::EvidenceRow),
        (status = 413, description = "Too large", body = Problem)))]
async fn evidence_upload_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::Certify)?;
    let id = forms::record_id(&id)?;
    scoped(&state, &actor, id).await?;
    let criterion = Fields::from_query(q.as_deref()).i64("criterion_id")?;
    let form = crate::uploads::multipart(req, &state).await?;
    let (name, bytes) = crate::attachments::uploaded_named(form, MAX_EVIDENCE_BYTES).await?;
    let row = files::store_evidence(&state, &actor, id, criterion, &name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// An evidence file, as an attachment
#[utoipa::path(get, path = "/api/v1/certifications/{id}/evidence/{evidence_id}", tag = "certification",
    params(("id" = i64, Path, minimum = 1), ("evidence_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The file", content((Vec<u8> = "application/octet-stream")))))]
async fn evidence_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, eid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, eid) = (forms::record_id(&id)?, forms::record_id(&eid)?);
    let (name, content_type, content) = certs::evidence(&state.db, actor.scope(), id, eid)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(crate::attachments::download(&name, content_type, content))
}

/// What a unit's page shows of certification: its own cases of the last
/// years (a 2025 unit's predecessors' too) and its place in the scheme.
#[derive(Serialize)]
pub struct UnitCertification {
    kind: Kind,
    cases: Vec<CaseRow>,
    exemption: Option<certs::Exemption>,
    /// The categories outside the scheme for the unit's kind.
    categories: Vec<certs::ExemptCategory>,
    can_exempt: bool,
    /// The year the exemption form proposes (this one).
    year: i32,
}

/// None for a unit that is never certified (a province, a district).
pub async fn unit_section(
    state: &AppState,
    actor: &Actor,
    unit: &domain::org_units::OrgUnit,
) -> Result<Option<UnitCertification>, ApiError> {
    let Some(kind) = Kind::of(unit) else {
        return Ok(None);
    };
    let q = CaseQuery {
        org_unit: Some(unit.id),
        kind: Some(kind),
        view: View::Now,
        page: Page {
            page: 1,
            per_page: 10,
        },
        ..CaseQuery::default()
    };
    let (cases, _) = certs::list(&state.db, actor.scope(), &q).await?;
    let categories: Vec<certs::ExemptCategory> = certs::exempt_categories(&state.db)
        .await?
        .into_iter()
        .filter(|c| c.kind == kind.as_str())
        .collect();
    Ok(Some(UnitCertification {
        kind,
        cases,
        exemption: certs::exemption(&state.db, unit.id).await?,
        can_exempt: actor.may(Action::Certify) && !categories.is_empty() && unit.valid_to.is_none(),
        categories,
        year: certs::rules(&state.db, kind).await?.year_of(today()),
    }))
}

/// A unit's place in the scheme: `category` marks it outside (a primary school, a small enterprise …) from `from_year`; null brings it back
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExemptionInput {
    pub category: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub from_year: Option<i32>,
    pub note: Option<String>,
}

pub(super) async fn set_exemption(
    state: &AppState,
    actor: &Actor,
    unit: i64,
    input: &ExemptionInput,
) -> Result<Option<certs::Exemption>, ApiError> {
    actor.require(Action::Certify)?;
    let exempt = match input
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) => {
            let from = input
                .from_year
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| ApiError::invalid("from_year", Reason::YearInvalid))?;
            let note = cert::short_text("note", input.note.as_deref())?;
            Some((c.to_string(), from, note))
        }
    };
    let e = exempt
        .as_ref()
        .map(|(c, y, n)| (c.as_str(), *y, n.as_deref()));
    Ok(certs::set_exemption(&state.db, actor.author(), actor.scope(), unit, e).await?)
}

/// Mark a unit outside the certification scheme from a year, or back in it
#[utoipa::path(put, path = "/api/v1/org-units/{id}/certification-exemption", tag = "certification",
    params(("id" = i64, Path, minimum = 1)), request_body = ExemptionInput,
    responses((status = 200, description = "The exemption now (null: in the scheme)", body = Option<certs::Exemption>)))]
async fn exemption_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::Certify)?;
    let unit = forms::record_id(&id)?;
    check_unit(&state, &actor, Some(unit)).await?;
    let input: ExemptionInput = forms::json(&body)?;
    Ok(Json(set_exemption(&state, &actor, unit, &input).await?).into_response())
}
