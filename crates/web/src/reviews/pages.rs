//! The HTML pages of reviews: the list, the form that starts one (or a
//! submission to the level above, opened from its page with the period
//! filled in), and a review: its sections to write (each save a version,
//! a draft from the template on request), the figures with their charts,
//! the lower units' submissions, issuing, a new version, the downloads.
//! Every form goes through the same parsing and checks as the API.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::Action;
use domain::reviews::{
    number, FigureTable, IssueInput, Kind, ReviewInput, Section, SectionInput, State as ReviewState,
};
use serde::Serialize;
use store::reviews::compile::Compilation;
use store::reviews::{self as reviews, ReviewRow, SectionRow};

use super::{
    create, issue, new_version, not_found, review_query, save_section, section_of, submissions_of,
    view_of, ReviewWithFigures,
};
use crate::actor::Actor;
use crate::error::{beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/reviews", list_page)
        .post("/reviews", create_form)
        .get("/reviews/new", new_page)
        .get("/reviews/{id}", show_page)
        .post("/reviews/{id}/sections/{section}", section_form)
        .get("/reviews/{id}/sections/{section}/versions", versions_page)
        .post("/reviews/{id}/issue", issue_form)
        .post("/reviews/{id}/versions", version_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "reviews")
}

#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    states: Vec<&'static str>,
    sections: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|v| v.as_str()).collect(),
        states: ReviewState::ALL.iter().map(|v| v.as_str()).collect(),
        sections: Section::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

// ---- the list ---------------------------------------------------------------------

const FILTERS: &[&str] = &["org_unit", "state", "kind", "answers"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<ReviewRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "reviews/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = review_query(&f)?;
        let (items, total) = reviews::list(&state.db, actor.scope(), &query).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            choices: choices(),
        };
        Ok::<_, ApiError>(state.templates.page(&base(&actor, lang, "/reviews"), &page))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new review -----------------------------------------------------------------

const FIELDS: &[&str] = &[
    "kind",
    "subject",
    "org_unit_id",
    "from",
    "to",
    "view",
    "answers_id",
    "program_id",
    "directive_id",
];

#[derive(Serialize)]
struct Unit {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    error: Option<FormError>,
    choices: Choices,
    /// The units the user writes reviews of.
    units: Vec<Unit>,
    /// The review a submission answers.
    answers: Option<ReviewRow>,
    /// What the review may focus on, ticked as sent.
    model_types: Vec<Tick>,
    data_sets: Vec<Tick>,
}

/// A choice of a focus, ticked or not.
#[derive(Serialize)]
struct Tick {
    id: i64,
    name: String,
    ticked: bool,
}

/// The ids sent for a field of checkboxes (anything else is no choice).
fn ticked(f: &Fields, name: &str) -> Vec<i64> {
    f.all(name).filter_map(|s| s.parse().ok()).collect()
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "reviews/new.html";
}

async fn own_units(state: &AppState, actor: &Actor) -> Result<Vec<Unit>, ApiError> {
    Ok(match actor.scope().user_id() {
        Some(user) => store::accounts::scope_units(&state.db, user)
            .await?
            .into_iter()
            .map(|u| Unit {
                id: u.id,
                name: u.name,
            })
            .collect(),
        None => Vec::new(),
    })
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let answers = match f.i64("answers_id")? {
        Some(a) => Some(
            reviews::read(&state.db, actor.scope(), a)
                .await
                .map_err(not_found)?,
        ),
        None => None,
    };
    let at = crate::catalogue::Workplace::of(state, actor).await?;
    let tick = |name: &str, items: Vec<(i64, String)>| {
        let sent = ticked(f, name);
        items
            .into_iter()
            .map(|(id, name)| Tick {
                id,
                name,
                ticked: sent.contains(&id),
            })
            .collect()
    };
    let types = store::models::types::list(&state.db, false).await?;
    let sets = store::statistics::data_sets(&state.db, at.provinces()).await?;
    let page = NewPage {
        form: Echo::of(f, FIELDS),
        error: error.map(FormError::from),
        choices: choices(),
        units: own_units(state, actor).await?,
        answers,
        model_types: tick(
            "model_type_ids",
            types.into_iter().map(|t| (t.id, t.name)).collect(),
        ),
        data_sets: tick(
            "data_set_ids",
            sets.into_iter().map(|d| (d.id, d.name)).collect(),
        ),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/reviews/new"), &page),
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
        actor.require(Action::WriteReviews)?;
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
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let input = ReviewInput {
            kind: text("kind"),
            subject: text("subject"),
            org_unit_id: f.i64("org_unit_id")?,
            from: text("from"),
            to: text("to"),
            view: text("view"),
            model_type_ids: Some(ticked(&f, "model_type_ids")),
            program_id: f.i64("program_id")?,
            directive_id: f.i64("directive_id")?,
            data_set_ids: Some(ticked(&f, "data_set_ids")),
            answers_id: f.i64("answers_id")?,
        };
        create(&state, &actor, &input).await
    }
    .await;
    match r {
        Ok(row) => Redirect::to(&format!("/reviews/{}", row.id)).into_response(),
        Err(e) if beside_form(&e) || e.status == StatusCode::NOT_FOUND => {
            render_new(&state, &actor, lang, &f, Some(e))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

// ---- a review ---------------------------------------------------------------------

/// A figure table as the page shows it: numbers written out, its chart drawn.
#[derive(Serialize)]
struct TableView {
    title: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
    chart: Option<String>,
    /// Rows are sub-units: shown folded (a province has a hundred).
    by_unit: bool,
}

fn table_view(t: &FigureTable) -> TableView {
    let chart = super::document::chart(t)
        .map(|c| files::chart(&t.title, &c.categories, &c.series, c.kind, 640, 340));
    TableView {
        title: t.title.clone(),
        columns: t.columns.clone(),
        rows: t.rows.iter().map(super::document::cells).collect(),
        total: t.total.as_ref().map(super::document::cells),
        chart,
        by_unit: t.rows.iter().any(|r| r.org_unit_id.is_some()),
    }
}

#[derive(Serialize)]
struct PartView {
    title: String,
    headlines: Vec<HeadlineView>,
    tables: Vec<TableView>,
}

#[derive(Serialize)]
struct HeadlineView {
    label: String,
    value: String,
    change: Option<String>,
}

#[derive(Serialize)]
struct SectionView {
    code: &'static str,
    heading: String,
    /// The text to edit: the latest saved, or a draft asked for.
    body: String,
    latest: Option<SectionRow>,
    drafted: bool,
}

#[derive(Serialize)]
struct ShowPage {
    r: ReviewWithFigures,
    parts: Vec<PartView>,
    sections: Vec<SectionView>,
    compilation: Option<Compilation>,
    /// The reader may answer this review with their own unit's.
    may_answer: bool,
    may_version: bool,
    error: Option<FormError>,
    form: Echo,
    today: chrono::NaiveDate,
    /// A number's suggestion ("/BC-CAT").
    symbol: &'static str,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "reviews/show.html";
}

const ISSUE_FIELDS: &[&str] = &[
    "number",
    "place",
    "issued_on",
    "signer_authority",
    "signer_title",
    "signer_name",
    "recipients",
];

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    draft: Option<Section>,
    error: Option<(ApiError, Fields)>,
) -> Result<Response, ApiError> {
    let r = view_of(state, actor, id).await?;
    let parts = r
        .figures
        .parts
        .iter()
        .filter(|p| !p.headlines.is_empty() || !p.tables.is_empty())
        .map(|p| PartView {
            title: p.title.clone(),
            headlines: p
                .headlines
                .iter()
                .map(|h| HeadlineView {
                    label: h.label.clone(),
                    value: number(h.value),
                    change: h
                        .previous
                        .map(|prev| domain::reviews::change(h.value, prev)),
                })
                .collect(),
            tables: p
                .tables
                .iter()
                .filter(|t| !t.rows.is_empty())
                .map(table_view)
                .collect(),
        })
        .collect();
    let mut sections = Vec::new();
    for s in Section::ALL {
        let latest = r
            .detail
            .sections
            .iter()
            .find(|x| x.section == s.as_str())
            .cloned();
        let drafted = draft == Some(*s);
        let body = if drafted {
            super::draft_of(&r, *s)?.body
        } else {
            latest.as_ref().map(|l| l.body.clone()).unwrap_or_default()
        };
        sections.push(SectionView {
            code: s.as_str(),
            heading: s.heading(s.ordinal()),
            body,
            latest,
            drafted,
        });
    }
    let compilation = if r.detail.review.org_unit_level.as_deref() == Some("commune") {
        None
    } else {
        Some(submissions_of(state, actor, &r).await?)
    };
    let own = super::own_unit(state, actor, r.detail.review.org_unit_id).await?;
    let may_answer =
        actor.may(Action::WriteReviews) && !own && r.detail.review.answers_id.is_none();
    let may_version = actor.may(Action::WriteReviews)
        && own
        && r.detail.review.state() == ReviewState::Issued
        && r.detail.superseded_by.is_none();
    let symbol = if r.detail.review.org_unit_id.is_none() {
        "/BC-BCA"
    } else if r.detail.review.org_unit_level.as_deref() == Some("province") {
        "/BC-CAT"
    } else {
        "/BC-CAX"
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _)| e.status);
    let (error, form) = match error {
        Some((e, f)) => (Some(FormError::from(e)), Echo::of(&f, ISSUE_FIELDS)),
        None => (None, Echo::of(&Fields::default(), ISSUE_FIELDS)),
    };
    let page = ShowPage {
        r,
        parts,
        sections,
        compilation,
        may_answer,
        may_version,
        error,
        form,
        today: domain::time::today(),
        symbol,
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, format!("/reviews/{id}")), &page),
    )
        .into_response())
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let draft = f.get("draft").map(section_of).transpose()?;
        render_show(&state, &actor, lang, forms::record_id(&id)?, draft, None).await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn section_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, section)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        let id = forms::record_id(&id)?;
        let section = section_of(&section)?;
        let input = SectionInput {
            body: f.string("body"),
        };
        save_section(&state, &actor, id, section, &input).await?;
        Ok::<_, ApiError>(
            Redirect::to(&format!("/reviews/{id}#s-{}", section.as_str())).into_response(),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

#[derive(Serialize)]
struct VersionsPage {
    review: ReviewRow,
    section: &'static str,
    heading: String,
    versions: Vec<SectionRow>,
}

impl PageContext for VersionsPage {
    const TEMPLATE: &'static str = "reviews/versions.html";
}

async fn versions_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, section)): Path<(String, String)>,
) -> Response {
    let r = async {
        let id = forms::record_id(&id)?;
        let section = section_of(&section)?;
        let review = reviews::read(&state.db, actor.scope(), id)
            .await
            .map_err(not_found)?;
        let versions = reviews::section_versions(&state.db, actor.scope(), id, section)
            .await
            .map_err(not_found)?;
        let page = VersionsPage {
            review,
            section: section.as_str(),
            heading: section.heading(section.ordinal()),
            versions,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, format!("/reviews/{id}")), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn issue_form(
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
    let input = IssueInput {
        number: text("number"),
        place: text("place"),
        issued_on: text("issued_on"),
        signer_authority: text("signer_authority"),
        signer_title: text("signer_title"),
        signer_name: text("signer_name"),
        recipients: text("recipients").map(|r| r.lines().map(str::to_owned).collect()),
    };
    match issue(&state, &actor, id, &input).await {
        Ok(_) => Redirect::to(&format!("/reviews/{id}")).into_response(),
        Err(e) if beside_form(&e) || e.status == StatusCode::CONFLICT => {
            render_show(&state, &actor, lang, id, None, Some((e, f)))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

async fn version_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let id = forms::record_id(&id)?;
        let row = new_version(&state, &actor, id).await?;
        Ok::<_, ApiError>(Redirect::to(&format!("/reviews/{}", row.id)).into_response())
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}
