//! The HTML pages of coordination programmes: the list, a new programme,
//! and a programme's page (parties, basis documents, targets against
//! progress with a chart, activities on a timeline, lower programmes),
//! with the forms to add a target, enter a manual figure, report an
//! activity and attach its files. Every form goes through the same
//! parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::documents::{Level, Link, LinkKind};
use domain::policy::Action;
use domain::programs::{
    ActivityInput, ActivityKind, Kind, NewActivity, NewProgram, NewTarget, ProgramInput, Source,
    TargetInput,
};
use serde::Serialize;
use store::partners::{PartnerQuery, PartnerRow};
use store::programs::activities::{self, ActivityRow};
use store::programs::progress::{self, ProgramProgress};
use store::programs::{self as programs, ProgramQuery, ProgramRow};

use super::{attach, program, program_query, reader, reporter};
use crate::actor::Actor;
use crate::documents::LinkedDocuments;
use crate::error::{after_form, beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::{self, Lang};
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/programs", list_page)
        .post("/programs", create_form)
        .get("/programs/new", new_page)
        .get("/programs/{id}", show_page)
        .post("/programs/{id}/targets", target_form)
        .post("/programs/{id}/targets/{target_id}/progress", manual_form)
        .post("/programs/{id}/activities", activity_form)
        .upload(
            "/programs/{id}/activities/{activity_id}/files",
            activity_file_form,
        )
        .post("/models/{id}/program", model_program_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "programs")
}

#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
    sources: Vec<&'static str>,
    activities: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|v| v.as_str()).collect(),
        levels: Level::ALL.iter().map(|v| v.as_str()).collect(),
        sources: Source::ALL.iter().map(|v| v.as_str()).collect(),
        activities: ActivityKind::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

// ---- the list ---------------------------------------------------------------------

const FILTERS: &[&str] = &["org_unit", "kind", "active_on", "partner", "q", "parent"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<ProgramRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
    unit_label: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "programs/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = program_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let r = reader(&state, &actor).await?;
        let (items, total) = programs::list(&state.db, &r, &query).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            choices: choices(),
            unit_label: pickers::unit_label_of(&state, &actor, query.org_unit).await?,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/programs"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new programme --------------------------------------------------------------

const FIELDS: &[&str] = &[
    "name",
    "kind",
    "level",
    "unit",
    "org_unit_id",
    "parent_id",
    "starts_on",
    "ends_on",
    "documents",
    "summary",
];

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    /// The partners ticked.
    ticked: Vec<i64>,
    partners: Vec<PartnerRow>,
    parents: Vec<ProgramRow>,
    unit_label: Option<String>,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "programs/new.html";
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let all = domain::page::Page {
        page: 1,
        per_page: 500,
    };
    let (partners, _) = store::partners::list(
        &state.db,
        actor.scope(),
        &PartnerQuery {
            page: all,
            ..PartnerQuery::default()
        },
    )
    .await?;
    let r = reader(state, actor).await?;
    let (parents, _) = programs::list(
        &state.db,
        &r,
        &ProgramQuery {
            page: all,
            ..ProgramQuery::default()
        },
    )
    .await?;
    let unit = f.get("org_unit_id").and_then(|s| s.trim().parse().ok());
    let page = NewPage {
        form: Echo::of(f, FIELDS),
        ticked: f.all("partners").filter_map(|s| s.parse().ok()).collect(),
        partners,
        parents,
        unit_label: pickers::unit_label_of(state, actor, unit)
            .await
            .ok()
            .flatten(),
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/programs/new"), &page),
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
        actor.require(Action::ManagePrograms)?;
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
        actor.require(Action::ManagePrograms)?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let national = f.get("level") == Some("national");
        let org_unit_id = match f.get("unit").filter(|s| !s.trim().is_empty()) {
            Some(t) if !national => {
                Some(pickers::resolve_unit(&state, &actor, "org_unit_id", t).await?)
            }
            _ => f.i64("org_unit_id")?.filter(|_| !national),
        };
        let documents =
            crate::documents::document_ids(&state, &actor, "documents", f.get("documents")).await?;
        let input = ProgramInput {
            name: text("name"),
            kind: text("kind"),
            level: text("level"),
            org_unit_id,
            parent_id: f.i64("parent_id")?,
            starts_on: text("starts_on"),
            ends_on: text("ends_on"),
            partners: Some(f.all("partners").filter_map(|s| s.parse().ok()).collect()),
            documents: Some(documents),
            summary: text("summary"),
        };
        let g = NewProgram::parse(&input)?;
        let r = reader(&state, &actor).await?;
        Ok(programs::create(&state.db, actor.author(), &r, &g).await?)
    }
    .await;
    match r {
        Ok(g) => Redirect::to(&format!("/programs/{}", g.id)).into_response(),
        Err(e) if beside_form(&e) => render_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

// ---- a programme's page -----------------------------------------------------------

#[derive(Serialize)]
struct ShowPage {
    p: ProgramProgress,
    activities: Vec<ActivityRow>,
    children: Vec<ProgramRow>,
    linked: LinkedDocuments,
    chart: Option<String>,
    may_write: bool,
    may_report: bool,
    /// A partner's account reports for its organisation only.
    is_partner: bool,
    /// The organisation a partner's account reports for (files it may
    /// attach to its own activities only).
    own_organisation: Option<i64>,
    error: Option<FormError>,
    error_form: String,
    form: Echo,
    choices: Choices,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "programs/show.html";
}

const ACTIVITY_FIELDS: &[&str] = &[
    "held_on",
    "kind",
    "place",
    "participants",
    "result",
    "organisation_id",
    "unit",
    "name",
    "source",
    "target_value",
    "due_on",
    "indicator",
];

/// The targets' progress as bars, in percent of each target.
fn chart(lang: Lang, p: &ProgramProgress) -> Option<String> {
    if p.targets.is_empty() {
        return None;
    }
    let categories: Vec<String> = p
        .targets
        .iter()
        .map(|t| {
            format!(
                "{}. {}",
                t.position,
                t.name.chars().take(24).collect::<String>()
            )
        })
        .collect();
    let series = [files::Series {
        name: i18n::text(lang, "prog.percent").to_string(),
        values: p.targets.iter().map(|t| Some(t.percent)).collect(),
    }];
    Some(files::chart(
        i18n::text(lang, "prog.chart_title"),
        &categories,
        &series,
        files::ChartKind::Bars,
        640,
        300,
    ))
}

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<(String, ApiError, Fields)>,
) -> Result<Response, ApiError> {
    let r = reader(state, actor).await?;
    let p = program(state, &r, id).await?;
    let activities = activities::list(&state.db, &r, id, 200).await?;
    let (children, _) = programs::list(
        &state.db,
        &r,
        &ProgramQuery {
            parent: Some(id),
            page: domain::page::Page {
                page: 1,
                per_page: 100,
            },
            ..ProgramQuery::default()
        },
    )
    .await?;
    let link = Link {
        kind: LinkKind::Program,
        id,
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(_, e, _)| e.status);
    let (error_form, error, form) = match error {
        Some((form, e, f)) => (
            form,
            Some(FormError::from(e)),
            Echo::of(&f, ACTIVITY_FIELDS),
        ),
        None => (
            String::new(),
            None,
            Echo::of(&Fields::default(), ACTIVITY_FIELDS),
        ),
    };
    let page = ShowPage {
        chart: chart(lang, &p),
        may_write: actor.may(Action::ManagePrograms)
            && programs::may_write(&state.db, &r, id).await?,
        may_report: actor.may(Action::ReportProgramActivities),
        is_partner: actor.user.role == domain::accounts::Role::Partner,
        own_organisation: match reporter(state, actor).await {
            Ok(store::programs::activities::Reporter::Partner(o)) => Some(o),
            _ => None,
        },
        linked: LinkedDocuments::of(state, actor, link).await?,
        p,
        activities,
        children,
        error,
        error_form,
        form,
        choices: choices(),
    };
    let path = format!("/programs/{id}");
    Ok((
        status,
        state.templates.page(&base(actor, lang, path), &page),
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

/// After a form of the programme's page (`crate::error::after_form`).
async fn after<T>(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    form: &str,
    f: Fields,
    r: Result<T, ApiError>,
) -> Response {
    let back = format!("/programs/{id}");
    after_form(lang, &back, form, r, |e| {
        render_show(state, actor, lang, id, Some((form.to_string(), e, f)))
    })
    .await
}

async fn target_form(
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
    let r = async {
        actor.require(Action::ManagePrograms)?;
        let r = reader(&state, &actor).await?;
        program(&state, &r, id).await?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let input = TargetInput {
            name: text("name"),
            source: text("source"),
            model_type_id: f.i64("model_type_id")?,
            certification_kind: text("certification_kind"),
            indicator: text("indicator"),
            target_value: f.f64("target_value")?,
            due_on: text("due_on"),
        };
        let t = NewTarget::parse(&input)?;
        Ok(progress::add(&state.db, actor.author(), &r, id, &t).await?)
    }
    .await;
    after(&state, &actor, lang, id, "targets", f, r).await
}

async fn manual_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, target)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (Ok(id), Ok(target)) = (forms::record_id(&id), forms::record_id(&target)) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManagePrograms)?;
        let r = reader(&state, &actor).await?;
        program(&state, &r, id).await?;
        let value = f
            .f64("value")?
            .ok_or_else(|| ApiError::invalid("value", domain::Reason::Required))?;
        Ok(progress::set_manual(&state.db, actor.author(), &r, id, target, value).await?)
    }
    .await;
    after(&state, &actor, lang, id, "targets", f, r).await
}

async fn activity_form(
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
    let r = async {
        actor.require(Action::ReportProgramActivities)?;
        let r = reader(&state, &actor).await?;
        program(&state, &r, id).await?;
        let who = reporter(&state, &actor).await?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let org_unit_id = match text("unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let input = ActivityInput {
            held_on: text("held_on"),
            kind: text("kind"),
            org_unit_id,
            place: text("place"),
            participants: f.i64("participants")?,
            result: text("result"),
            organisation_id: f.i64("organisation_id")?,
        };
        let a = NewActivity::parse(&input, domain::time::today())?;
        Ok(activities::add(&state.db, actor.author(), &r, who, id, &a).await?)
    }
    .await;
    after(&state, &actor, lang, id, "activities", f, r).await
}

async fn activity_file_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, activity)): Path<(String, String)>,
    req: Request,
) -> Response {
    let (Ok(id), Ok(activity)) = (forms::record_id(&id), forms::record_id(&activity)) else {
        return page_error(lang, ApiError::not_found());
    };
    let r = async {
        actor.require(Action::ReportProgramActivities)?;
        attach(&state, &actor, id, activity, req).await
    }
    .await;
    after(&state, &actor, lang, id, "activities", Fields::default(), r).await
}

/// Names a model's programme from its page.
async fn model_program_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageModels)?;
        let model = forms::record_id(&id)?;
        crate::models::scoped_model(&state, &actor, model).await?;
        let r = reader(&state, &actor).await?;
        programs::link_model(&state.db, actor.author(), &r, model, f.i64("program_id")?).await?;
        Ok::<_, ApiError>(model)
    }
    .await;
    match r {
        Ok(model) => Redirect::to(&format!("/models/{model}#program")).into_response(),
        Err(e) => crate::models::page_with_error(&state, &actor, lang, &id, e, "program").await,
    }
}
