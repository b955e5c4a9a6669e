//! The HTML pages of commendations: the list (a year's proposals, a
//! recipient's history), the form that records a decided commendation or
//! proposes one (opened from a model's, team's or organisation's page
//! with its recipient filled in), a commendation with the province's
//! decision on a proposal, and the counts by area, form and level. Every
//! form goes through the same parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::commendations::{
    CommendationInput, DecisionInput, Form, Level, RecipientKind, State as CommendationState,
};
use domain::policy::Action;
use serde::Serialize;
use store::commendations::summary::CommendationSummary;
use store::commendations::{self as commendations, CommendationRow};

use super::{commendation_query, create, decide, not_found, summary_of};
use crate::actor::Actor;
use crate::error::{beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/commendations", list_page)
        .post("/commendations", create_form)
        .get("/commendations/new", new_page)
        .get("/commendations/summary", summary_page)
        .get("/commendations/{id}", show_page)
        .post("/commendations/{id}/decision", decision_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "commendations")
}

#[derive(Serialize)]
struct Choices {
    forms: Vec<&'static str>,
    levels: Vec<&'static str>,
    recipients: Vec<&'static str>,
    states: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        forms: Form::ALL.iter().map(|v| v.as_str()).collect(),
        levels: Level::ALL.iter().map(|v| v.as_str()).collect(),
        recipients: RecipientKind::ALL.iter().map(|v| v.as_str()).collect(),
        states: CommendationState::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

// ---- the list ---------------------------------------------------------------------

const FILTERS: &[&str] = &[
    "org_unit",
    "year",
    "state",
    "form",
    "level",
    "recipient_kind",
    "recipient_id",
    "q",
];

#[derive(Serialize)]
struct ListPage {
    items: Vec<CommendationRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
    /// A recipient's history: its name.
    history_of: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "commendations/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = commendation_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = commendations::list(&state.db, actor.scope(), &query).await?;
        let per = i64::from(query.page.per_page.max(1));
        let history_of = query
            .recipient_id
            .and_then(|_| items.first().map(|c| c.recipient_name.clone()));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            choices: choices(),
            history_of,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/commendations"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new commendation or proposal -----------------------------------------------

const FIELDS: &[&str] = &[
    "form",
    "level",
    "year",
    "reason",
    "recipient_kind",
    "recipient_id",
    "unit",
    "person_name",
    "person_role",
    "decision",
    "decided_on",
];

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "commendations/new.html";
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = NewPage {
        form: Echo::of(f, FIELDS),
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/commendations/new"), &page),
    )
        .into_response())
}

async fn new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        actor.require(Action::ProposeCommendations)?;
        render_new(
            &state,
            &actor,
            lang,
            &Fields::from_query(q.as_deref()),
            None,
        )
        .await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ProposeCommendations)?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let kind = text("recipient_kind");
        // A unit and an individual's unit are typed by name; the other
        // recipients come by id (from their own page's link).
        let unit = match text("unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let (recipient_id, org_unit_id) = match kind.as_deref() {
            Some("unit") => (unit, None),
            Some("person") => (None, unit),
            _ => (f.i64("recipient_id")?, None),
        };
        let input = CommendationInput {
            form: text("form"),
            level: text("level"),
            year: f.i64("year")?.and_then(|y| i32::try_from(y).ok()),
            reason: text("reason"),
            recipient_kind: kind,
            recipient_id,
            person_name: text("person_name"),
            person_role: text("person_role"),
            org_unit_id,
            document_id: None,
            decision: text("decision"),
            decided_on: text("decided_on"),
        };
        create(&state, &actor, &input).await
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/commendations/{}", c.id)).into_response(),
        // A commune recording a higher level's commendation: told beside
        // the form to propose it instead.
        Err(e)
            if beside_form(&e)
                || matches!(*e.reason, domain::Reason::CommendationLevelNotYours { .. }) =>
        {
            render_new(&state, &actor, lang, &f, Some(e))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

// ---- a commendation ---------------------------------------------------------------

#[derive(Serialize)]
struct ShowPage {
    c: CommendationRow,
    may_decide: bool,
    error: Option<FormError>,
    form: Echo,
    today: chrono::NaiveDate,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "commendations/show.html";
}

const DECISION_FIELDS: &[&str] = &["decision", "decided_on", "number", "reason"];

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<(ApiError, Fields)>,
) -> Result<Response, ApiError> {
    let c = commendations::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _)| e.status);
    let (error, form) = match error {
        Some((e, f)) => (Some(FormError::from(e)), Echo::of(&f, DECISION_FIELDS)),
        None => (None, Echo::of(&Fields::default(), DECISION_FIELDS)),
    };
    let page = ShowPage {
        may_decide: actor.may(Action::DecideCommendations) && c.state == "proposed",
        c,
        error,
        form,
        today: domain::time::today(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, format!("/commendations/{id}")), &page),
    )
        .into_response())
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async { render_show(&state, &actor, lang, forms::record_id(&id)?, None).await }.await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn decision_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
    let input = DecisionInput {
        decision: text("decision"),
        decided_on: text("decided_on"),
        document_id: None,
        number: text("number"),
        reason: text("reason"),
    };
    match decide(&state, &actor, id, &input).await {
        Ok(_) => Redirect::to(&format!("/commendations/{id}")).into_response(),
        Err(e) if beside_form(&e) || e.status == StatusCode::CONFLICT => {
            render_show(&state, &actor, lang, id, Some((e, f)))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

// ---- the counts -------------------------------------------------------------------

const SUMMARY_FILTERS: &[&str] = &["org_unit", "from_year", "to_year", "view"];

#[derive(Serialize)]
struct SummaryPage {
    s: CommendationSummary,
    f: Echo,
    choices: Choices,
}

impl PageContext for SummaryPage {
    const TEMPLATE: &'static str = "commendations/summary.html";
}

async fn summary_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let s = summary_of(&state, &actor, &f).await?;
        let page = SummaryPage {
            s,
            f: Echo::of(&f, SUMMARY_FILTERS),
            choices: choices(),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/commendations/summary"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}
