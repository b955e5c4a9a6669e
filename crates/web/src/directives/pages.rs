//! The HTML pages of directives and tasks: the list, a new directive (up
//! to `TASK_ROWS` tasks on one form, each to units named or to every
//! commune below), a directive's board (its tasks with the owners' tally,
//! the owners by standing), the tasks of one's units, and one owner's task
//! with its report form, files and history. Every form goes through the
//! same parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::directives::{DirectiveInput, Expects, NewDirective, ReportInput, Standing, TaskInput};
use domain::policy::Action;
use domain::statistics::DataSet;
use serde::Serialize;
use store::directives::tasks::{self, OwnerRow, ReportRow, TaskFileRow, TaskQuery};
use store::directives::{self as directives, DirectiveDetail, DirectiveRow};

use super::{attach, directive_query, not_found, report, task_query};
use crate::actor::Actor;
use crate::error::{after_form, beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

/// Task rows on the new directive's form (the API takes up to
/// `domain::directives::MAX_TASKS`).
const TASK_ROWS: usize = 5;
/// Owners per page of a board.
const OWNERS_PER_PAGE: u32 = 50;

pub fn routes() -> Routes {
    Routes::new()
        .get("/directives", list_page)
        .post("/directives", create_form)
        .get("/directives/new", new_page)
        .get("/directives/{id}", show_page)
        .get("/tasks", tasks_page)
        .get("/tasks/{id}", task_page)
        .post("/tasks/{id}/reports", report_form)
        .upload("/tasks/{id}/files", file_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "directives")
}

#[derive(Serialize)]
struct Choices {
    expects: Vec<&'static str>,
    standings: Vec<&'static str>,
    states: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        expects: Expects::ALL.iter().map(|v| v.as_str()).collect(),
        standings: Standing::ALL.iter().map(|v| v.as_str()).collect(),
        // A report moves a task on; "not started" is where it begins.
        states: domain::directives::State::ALL
            .iter()
            .filter(|s| **s != domain::directives::State::NotStarted)
            .map(|v| v.as_str())
            .collect(),
    }
}

// ---- the list ---------------------------------------------------------------------

const FILTERS: &[&str] = &["org_unit", "issued_from", "issued_to", "q"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<DirectiveRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    unit_label: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "directives/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = directive_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) =
            directives::list(&state.db, actor.scope(), &query, domain::time::today()).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            unit_label: pickers::unit_label_of(&state, &actor, query.org_unit).await?,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/directives"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new directive --------------------------------------------------------------

const FIELDS: &[&str] = &[
    "unit",
    "reference",
    "document",
    "subject",
    "issued_on",
    "summary",
];

/// One task row of the form, as typed.
#[derive(Serialize, Default)]
struct TaskEcho {
    title: String,
    due_on: String,
    expects: String,
    data_set_id: String,
    owners: String,
    every_commune: bool,
}

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    /// The day of issue proposed.
    today: chrono::NaiveDate,
    tasks: Vec<TaskEcho>,
    data_sets: Vec<DataSet>,
    unit_label: Option<String>,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "directives/new.html";
}

fn task_field(f: &Fields, i: usize, key: &str) -> String {
    f.get(&format!("t{i}_{key}"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn task_echoes(f: &Fields) -> Vec<TaskEcho> {
    (1..=TASK_ROWS)
        .map(|i| TaskEcho {
            title: task_field(f, i, "title"),
            due_on: task_field(f, i, "due_on"),
            expects: task_field(f, i, "expects"),
            data_set_id: task_field(f, i, "data_set_id"),
            owners: task_field(f, i, "owners"),
            // A blank form starts with every commune ticked on its first row.
            every_commune: if f.get("subject").is_none() {
                i == 1
            } else {
                f.get(&format!("t{i}_every_commune")).is_some()
            },
        })
        .collect()
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let at = crate::catalogue::Workplace::of(state, actor).await?;
    // The issuing unit proposed: the user's own (its first, for several).
    let own = store::accounts::scope_units(&state.db, actor.user.id).await?;
    let default_unit = pickers::unit_label_of(state, actor, own.first().map(|u| u.id)).await?;
    let page = NewPage {
        today: domain::time::today(),
        form: Echo::of(f, FIELDS),
        tasks: task_echoes(f),
        data_sets: store::statistics::data_sets(&state.db, at.provinces()).await?,
        unit_label: default_unit,
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/directives/new"), &page),
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
        actor.require(Action::IssueDirectives)?;
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

/// The form's task rows that hold anything, as the API takes them.
async fn task_inputs(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
) -> Result<Vec<TaskInput>, ApiError> {
    let mut out = Vec::new();
    for t in task_echoes(f) {
        if t.title.is_empty() && t.due_on.is_empty() && t.owners.is_empty() {
            continue;
        }
        let owners = if t.owners.is_empty() {
            None
        } else {
            Some(pickers::resolve_units(state, actor, "owners", &t.owners).await?)
        };
        let some = |s: String| Some(s).filter(|s| !s.is_empty());
        out.push(TaskInput {
            title: some(t.title),
            due_on: some(t.due_on),
            expects: some(t.expects),
            data_set_id: t.data_set_id.parse().ok(),
            every_commune: Some(t.every_commune && owners.is_none()),
            owners,
        });
    }
    Ok(out)
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::IssueDirectives)?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let org_unit_id = match text("unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let document_id = match text("document") {
            Some(entry) => {
                Some(crate::documents::document_id(&state, &actor, "document_id", &entry).await?)
            }
            None => None,
        };
        let input = DirectiveInput {
            org_unit_id,
            document_id,
            reference: text("reference"),
            subject: text("subject"),
            issued_on: text("issued_on"),
            summary: text("summary"),
            tasks: Some(task_inputs(&state, &actor, &f).await?),
        };
        let d = NewDirective::parse(&input, domain::time::today())?;
        Ok(directives::create(&state.db, actor.author(), actor.scope(), &d).await?)
    }
    .await;
    match r {
        Ok(d) => Redirect::to(&format!("/directives/{}", d.directive.id)).into_response(),
        Err(e) if beside_form(&e) => render_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

// ---- a directive's board ----------------------------------------------------------

const BOARD_FILTERS: &[&str] = &["task", "standing", "org_unit"];

#[derive(Serialize)]
struct ShowPage {
    d: DirectiveDetail,
    owners: Vec<OwnerRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "directives/show.html";
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let id = forms::record_id(&id)?;
        let today = domain::time::today();
        let d = directives::read(&state.db, actor.scope(), id, today)
            .await
            .map_err(not_found)?;
        let f = Fields::from_query(q.as_deref());
        let mut query = task_query(&f)?;
        query.directive = Some(id);
        query.page.per_page = OWNERS_PER_PAGE;
        let (owners, total) = tasks::list(&state.db, actor.scope(), &query, today).await?;
        let page = ShowPage {
            d,
            owners,
            total,
            page: query.page.page,
            pages: (total + i64::from(OWNERS_PER_PAGE) - 1) / i64::from(OWNERS_PER_PAGE),
            f: Echo::of(&f, BOARD_FILTERS),
            query: f.query_string(),
            choices: choices(),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, format!("/directives/{id}")), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- the tasks of one's units -----------------------------------------------------

const TASK_FILTERS: &[&str] = &["mine", "standing", "open", "org_unit"];

#[derive(Serialize)]
struct TasksPage {
    items: Vec<OwnerRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
}

impl PageContext for TasksPage {
    const TEMPLATE: &'static str = "directives/tasks.html";
}

async fn tasks_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        // Opened without filters: what one's own units still owe.
        let q = match q.as_deref() {
            None | Some("") => "mine=1&open=1".to_string(),
            Some(q) => q.to_string(),
        };
        let f = Fields::from_query(Some(&q));
        let query: TaskQuery = task_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) =
            tasks::list(&state.db, actor.scope(), &query, domain::time::today()).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = TasksPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, TASK_FILTERS),
            query: f.query_string(),
            choices: choices(),
        };
        Ok::<_, ApiError>(state.templates.page(&base(&actor, lang, "/tasks"), &page))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- one owner's task -------------------------------------------------------------

const REPORT_FIELDS: &[&str] = &["state", "text", "reason"];

#[derive(Serialize)]
struct TaskPage {
    o: OwnerRow,
    /// Other owners of the task the user answers for (to switch).
    others: Vec<OwnerRow>,
    reports: Vec<ReportRow>,
    files: Vec<TaskFileRow>,
    may_report: bool,
    error: Option<FormError>,
    form: Echo,
    choices: Choices,
}

impl PageContext for TaskPage {
    const TEMPLATE: &'static str = "directives/task.html";
}

async fn render_task(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    unit: Option<i64>,
    error: Option<(ApiError, Fields)>,
) -> Result<Response, ApiError> {
    let q = TaskQuery {
        task: Some(id),
        page: domain::page::Page {
            page: 1,
            per_page: 200,
        },
        ..TaskQuery::default()
    };
    let (mut owners, _) = tasks::list(&state.db, actor.scope(), &q, domain::time::today()).await?;
    let at = match unit {
        Some(u) => owners.iter().position(|o| o.org_unit_id == u),
        None => (!owners.is_empty()).then_some(0),
    }
    .ok_or_else(ApiError::not_found)?;
    let o = owners.remove(at);
    let reports = tasks::reports(&state.db, actor.scope(), id, Some(o.org_unit_id)).await?;
    let files = tasks::files(&state.db, actor.scope(), id)
        .await?
        .into_iter()
        .filter(|f| f.org_unit_id == o.org_unit_id)
        .collect();
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _)| e.status);
    let (error, form) = match error {
        Some((e, f)) => (Some(FormError::from(e)), Echo::of(&f, REPORT_FIELDS)),
        None => (None, Echo::of(&Fields::default(), REPORT_FIELDS)),
    };
    let path = task_path(id, Some(o.org_unit_id));
    let page = TaskPage {
        o,
        others: owners,
        reports,
        files,
        may_report: actor.may(Action::ReportTasks),
        error,
        form,
        choices: choices(),
    };
    Ok((
        status,
        state.templates.page(&base(actor, lang, path), &page),
    )
        .into_response())
}

/// One owner's task page (the only one the user answers for: no unit).
fn task_path(id: i64, unit: Option<i64>) -> String {
    match unit {
        Some(u) => format!("/tasks/{id}?org_unit={u}"),
        None => format!("/tasks/{id}"),
    }
}

async fn task_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let id = forms::record_id(&id)?;
        let unit = Fields::from_query(q.as_deref()).i64("org_unit")?;
        render_task(&state, &actor, lang, id, unit, None).await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn report_form(
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
    let unit = f.i64("org_unit_id").ok().flatten();
    let r = async {
        actor.require(Action::ReportTasks)?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let input = ReportInput {
            org_unit_id: unit,
            state: text("state"),
            text: text("text"),
            reason: text("reason"),
        };
        report(&state, &actor, id, &input).await
    }
    .await;
    let back = task_path(id, unit);
    after_form(lang, &back, "report", r, |e| {
        render_task(&state, &actor, lang, id, unit, Some((e, f)))
    })
    .await
}

async fn file_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let unit = Fields::from_query(q.as_deref())
        .i64("org_unit_id")
        .ok()
        .flatten();
    let r = async {
        actor.require(Action::ReportTasks)?;
        attach(&state, &actor, id, unit, req).await
    }
    .await;
    let back = task_path(id, unit);
    after_form(lang, &back, "files", r, |e| {
        render_task(&state, &actor, lang, id, unit, Some((e, Fields::default())))
    })
    .await
}
