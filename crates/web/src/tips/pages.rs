//! The pages of tips.
//!
//! The sender's, without login and without JavaScript, phone first:
//! `/to-giac` (find the place, say what happened, attach photos; the
//! receipt shown once, printable) and `/to-giac/theo-doi` (the receipt
//! typed in, by POST so that it is in no address bar, history or log;
//! the replies; more information and files).
//!
//! The police's: `/tips` (the list, and recording a tip that came by
//! telephone or in person), `/tips/{id}` (the tip, the conversation, the
//! steps), `/tips/keys` (one's key, the key-holders, grants). Every form
//! goes through the same functions as the API.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::policy::Action;
use domain::tips::{ActionInput, Category, Channel, RecordInput, State as TipState};
use serde::Serialize;
use store::org_units::{ListQuery, UnitView};
use store::tips::KeyStatus;

use super::public::{self, at_least_floor, Filed, SenderMessageInput, SenderTip};
use super::staff::{self, OfficerKind, OfficerMessageInput, StaffTip, TipPage};
use crate::actor::Actor;
use crate::error::{beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;

pub fn public_routes() -> Routes {
    Routes::new()
        .get("/to-giac", report_page)
        .upload_max("/to-giac", report_form, public::MAX_SUBMISSION_BYTES)
        .get("/to-giac/theo-doi", follow_page)
        .post("/to-giac/theo-doi", follow_form)
        .upload_max(
            "/to-giac/theo-doi/bo-sung",
            add_form,
            public::MAX_SUBMISSION_BYTES,
        )
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/tips", list_page)
        .post("/tips", record_form)
        .get("/tips/keys", keys_page)
        .post("/tips/keys/{id}/holder", holder_form)
        .post("/tips/keys/{id}/grant", grant_form)
        .get("/tips/{id}", show_page)
        .post("/tips/{id}/messages", message_form)
        .post("/tips/{id}/step", step_form)
}

#[derive(Serialize)]
struct Choices {
    categories: Vec<&'static str>,
    channels: Vec<&'static str>,
    states: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        categories: Category::ALL.iter().map(|v| v.as_str()).collect(),
        channels: Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Web)
            .map(|v| v.as_str())
            .collect(),
        states: TipState::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

// ---- the sender's pages ------------------------------------------------------

/// A place a sender may choose, as the search lists it.
#[derive(Serialize)]
struct Place {
    id: i64,
    label: String,
    /// A unit from before the 2025 reform (its tips go to its successor).
    legacy: bool,
}

/// Communes, villages and sites whose name matches `q` (before and after
/// the 2025 reform: people still say the old names).
async fn places(state: &AppState, q: &str) -> Result<Vec<Place>, ApiError> {
    let query = ListQuery {
        q: Some(q.to_owned()),
        page: domain::page::Page {
            page: 1,
            per_page: 60,
        },
        ..ListQuery::default()
    };
    let (found, _) = store::org_units::list(&state.db, store::accounts::Scope::All, &query).await?;
    let today = domain::time::today();
    Ok(found
        .iter()
        .filter(|u| {
            use domain::org_units::Level;
            matches!(u.unit.level, Level::Commune | Level::Village | Level::Site)
        })
        .take(20)
        .map(|u: &UnitView| Place {
            id: u.unit.id,
            label: crate::pickers::unit_label(u),
            legacy: u.unit.valid_to.is_some_and(|t| t < today),
        })
        .collect())
}

const REPORT_FIELDS: &[&str] = &[
    "q",
    "province",
    "category",
    "place_id",
    "place_detail",
    "when",
    "report",
    "contact",
];

/// The report form (nobody signed in: the layout shows no navigation).
#[derive(Serialize)]
struct ReportPage {
    lang: &'static str,
    path: &'static str,
    user: Option<()>,
    form: Echo,
    places: Vec<Place>,
    searched: bool,
    /// The provinces whose map can be opened, and the one open (its
    /// communes as circles to click: no script needed).
    provinces: Vec<(i64, String)>,
    map: Option<minijinja::Value>,
    error: Option<FormError>,
    choices: Choices,
    max_files: usize,
    max_mib: usize,
}

impl PageContext for ReportPage {
    const TEMPLATE: &'static str = "tips/report.html";
}

async fn render_report(
    state: &AppState,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Response {
    let q = f.get("q").map(str::trim).unwrap_or_default();
    let mut found = if q.chars().count() >= 2 {
        places(state, q).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    // The place chosen before (a form sent back with an error) stays.
    if let Some(id) = f.i64("place_id").ok().flatten() {
        if !found.iter().any(|p| p.id == id) {
            if let Ok(Some(u)) =
                store::org_units::get(&state.db, store::accounts::Scope::All, id).await
            {
                found.insert(
                    0,
                    Place {
                        id,
                        label: crate::pickers::unit_label(&u),
                        legacy: u.unit.valid_to.is_some(),
                    },
                );
            }
        }
    }
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let province = f.i64("province").ok().flatten();
    let page = ReportPage {
        lang: lang.code(),
        path: "/to-giac",
        user: None,
        form: Echo::of(f, REPORT_FIELDS),
        places: found,
        searched: q.chars().count() >= 2,
        provinces: units_of(state, domain::org_units::Level::Province, None)
            .await
            .iter()
            .map(|u| (u.unit.id, u.unit.name.clone()))
            .collect(),
        map: match province {
            Some(p) => map_of(state, lang, p).await,
            None => None,
        },
        error: error.map(FormError::from),
        choices: choices(),
        max_files: domain::tips::MAX_FILES,
        max_mib: domain::tips::MAX_FILE_BYTES / 1024 / 1024,
    };
    (status, state.templates.public_page(lang, &page)).into_response()
}

/// Today's units of `level` (under `parent`), in their order.
async fn units_of(
    state: &AppState,
    level: domain::org_units::Level,
    parent: Option<i64>,
) -> Vec<UnitView> {
    let query = ListQuery {
        level: Some(level),
        parent,
        as_of: Some(domain::time::today()),
        page: domain::page::Page {
            page: 1,
            per_page: 500,
        },
        ..ListQuery::default()
    };
    store::org_units::list(&state.db, store::accounts::Scope::All, &query)
        .await
        .map(|(u, _)| u)
        .unwrap_or_default()
}

/// The offline map of a province's communes: each circle chooses its
/// commune (a link back to the form with the place set).
async fn map_of(state: &AppState, lang: Lang, province: i64) -> Option<minijinja::Value> {
    let communes = units_of(state, domain::org_units::Level::Commune, Some(province)).await;
    let points: Vec<files::MapPoint> = communes
        .iter()
        .filter_map(|u| {
            Some(files::MapPoint {
                lat: u.unit.lat?,
                lon: u.unit.lon?,
                value: 1,
                label: u.unit.name.clone(),
                href: Some(format!(
                    "/to-giac?province={province}&place_id={}#report-form",
                    u.unit.id
                )),
            })
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    let t = |k| crate::i18n::text(lang, k);
    Some(minijinja::Value::from_safe_string(files::bubble_map(
        &points,
        t("tips.map_title"),
        t("tips.map_legend"),
        400,
        440,
    )))
}

async fn report_page(State(state): State<AppState>, lang: Lang, RawQuery(q): RawQuery) -> Response {
    render_report(&state, lang, &Fields::from_query(q.as_deref()), None).await
}

/// The receipt, shown once.
#[derive(Serialize)]
struct FiledPage {
    lang: &'static str,
    path: &'static str,
    user: Option<()>,
    filed: Filed,
}

impl PageContext for FiledPage {
    const TEMPLATE: &'static str = "tips/filed.html";
}

async fn report_form(State(state): State<AppState>, lang: Lang, req: Request) -> Response {
    let sent = match read_form(&state, req).await {
        Ok(s) => s,
        Err(e) => return render_report(&state, lang, &Fields::default(), Some(e)).await,
    };
    let f = Fields::from_pairs(sent.fields.clone());
    let result = async {
        let input = sent.tip_input()?;
        public::file(&state, &input, sent.files).await
    }
    .await;
    match result {
        Ok(filed) => {
            let page = FiledPage {
                lang: lang.code(),
                path: "/to-giac",
                user: None,
                filed,
            };
            super::no_store(state.templates.public_page(lang, &page))
        }
        Err(e) => render_report(&state, lang, &f, Some(e)).await,
    }
}

/// A multipart form as the sender's pages send it.
async fn read_form(state: &AppState, req: Request) -> Result<public::Sent, ApiError> {
    let _place = state
        .tips
        .uploads
        .try_acquire()
        .map_err(|_| ApiError::busy(10))?;
    public::read_multipart(req, state).await
}

/// The follow-up page: the receipt form, and the tip once it is opened.
#[derive(Serialize)]
struct FollowPage {
    lang: &'static str,
    path: &'static str,
    user: Option<()>,
    /// The receipt as typed, kept in the page's forms (never in a link).
    receipt: String,
    tip: Option<SenderTip>,
    added: bool,
    error: Option<FormError>,
    max_files: usize,
}

impl PageContext for FollowPage {
    const TEMPLATE: &'static str = "tips/follow.html";
}

fn render_follow(
    state: &AppState,
    lang: Lang,
    receipt: &str,
    tip: Option<SenderTip>,
    error: Option<ApiError>,
    added: bool,
) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = FollowPage {
        lang: lang.code(),
        path: "/to-giac/theo-doi",
        user: None,
        // Kept in the page's forms only once it has opened a tip.
        receipt: if tip.is_some() {
            receipt.to_string()
        } else {
            String::new()
        },
        tip,
        added,
        error: error.map(FormError::from),
        max_files: domain::tips::MAX_FILES,
    };
    super::no_store((status, state.templates.public_page(lang, &page)).into_response())
}

async fn follow_page(State(state): State<AppState>, lang: Lang) -> Response {
    render_follow(&state, lang, "", None, None, false)
}

async fn follow_form(State(state): State<AppState>, lang: Lang, body: Bytes) -> Response {
    let start = Instant::now();
    let f = Fields::parse(&body);
    let receipt = f.get("receipt").unwrap_or_default().to_string();
    match at_least_floor(start, public::read(&state, &receipt)).await {
        Ok(tip) => render_follow(&state, lang, &receipt, Some(tip), None, false),
        Err(e) => render_follow(&state, lang, &receipt, None, Some(e), false),
    }
}

async fn add_form(State(state): State<AppState>, lang: Lang, req: Request) -> Response {
    let start = Instant::now();
    let (receipt, result) = at_least_floor(start, async {
        let sent = match read_form(&state, req).await {
            Ok(s) => s,
            Err(e) => return (String::new(), Err(e)),
        };
        let receipt = sent.get("receipt").unwrap_or_default();
        let input = SenderMessageInput {
            text: sent.get("text"),
        };
        let r = public::add(&state, &receipt, &input, sent.files).await;
        (receipt, r)
    })
    .await;
    // The tip again: with the message added, or with why it was not.
    match (public::read(&state, &receipt).await, result) {
        (Ok(tip), Ok(())) => render_follow(&state, lang, &receipt, Some(tip), None, true),
        (Ok(tip), Err(e)) => render_follow(&state, lang, &receipt, Some(tip), Some(e), false),
        (Err(e), _) => render_follow(&state, lang, &receipt, None, Some(e), false),
    }
}

// ---- the police's pages ------------------------------------------------------

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "tips")
}

const LIST_FILTERS: &[&str] = &["state", "category", "overdue", "org_unit"];
const RECORD_FIELDS: &[&str] = &[
    "channel",
    "received_on",
    "category",
    "place",
    "place_detail",
    "when",
    "report",
    "contact",
];

#[derive(Serialize)]
struct ListPage {
    list: TipPage,
    pages: i64,
    f: Echo,
    query: String,
    record: Echo,
    error: Option<FormError>,
    choices: Choices,
    today: chrono::NaiveDate,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "tips/list.html";
}

async fn render_list(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    record: (&Fields, Option<ApiError>),
) -> Result<Response, ApiError> {
    let list = staff::list(state, actor, f).await?;
    let per = i64::from(list.per_page.max(1));
    let status = record.1.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = ListPage {
        pages: (list.total + per - 1) / per,
        list,
        f: Echo::of(f, LIST_FILTERS),
        query: f.query_string(),
        record: Echo::of(record.0, RECORD_FIELDS),
        error: record.1.map(FormError::from),
        choices: choices(),
        today: domain::time::today(),
    };
    Ok((
        status,
        state.templates.page(&base(actor, lang, "/tips"), &page),
    )
        .into_response())
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let f = Fields::from_query(q.as_deref());
    render_list(&state, &actor, lang, &f, (&Fields::default(), None))
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

async fn record_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::HandleTips)?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let place = match text("place") {
            Some(t) => Some(crate::pickers::resolve_unit(&state, &actor, "place_id", &t).await?),
            None => None,
        };
        let input = RecordInput {
            channel: text("channel"),
            received_on: text("received_on"),
            category: text("category"),
            place_id: place,
            place_detail: text("place_detail"),
            when: text("when"),
            report: text("report"),
            contact: text("contact"),
        };
        staff::record(&state, &actor, &input).await
    }
    .await;
    match r {
        Ok(row) => Redirect::to(&format!("/tips/{}", row.id)).into_response(),
        Err(e) if beside_form(&e) => {
            render_list(&state, &actor, lang, &Fields::default(), (&f, Some(e)))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

#[derive(Serialize)]
struct ShowPage {
    /// (Not `t`: that is the templates' translation function.)
    s: StaffTip,
    /// The steps the tip's state allows.
    actions: Vec<&'static str>,
    error: Option<FormError>,
    form: Echo,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "tips/show.html";
}

const SHOW_FIELDS: &[&str] = &[
    "kind",
    "text",
    "action",
    "to_unit",
    "reason",
    "summary",
    "cases_solved",
    "arrests",
];

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    headers: &HeaderMap,
    id: i64,
    error: Option<(ApiError, Fields)>,
) -> Result<Response, ApiError> {
    let (view, keys) = staff::open(state, actor, headers, id).await?;
    let s = staff::detail(&view, keys.as_ref())?;
    let from = s.tip.state.0;
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _)| e.status);
    let (error, form) = match error {
        Some((e, f)) => (Some(FormError::from(e)), Echo::of(&f, SHOW_FIELDS)),
        None => (None, Echo::of(&Fields::default(), SHOW_FIELDS)),
    };
    let page = ShowPage {
        actions: domain::tips::Action::ALL
            .iter()
            .filter(|a| a.next(from).is_some())
            .map(|a| a.as_str())
            .collect(),
        s,
        error,
        form,
    };
    Ok(super::no_store(
        (
            status,
            state
                .templates
                .page(&base(actor, lang, format!("/tips/{id}")), &page),
        )
            .into_response(),
    ))
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        actor.require(Action::HandleTips)?;
        render_show(&state, &actor, lang, &headers, forms::record_id(&id)?, None).await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// After a form on a tip: back to it, or the tip with why beside the form.
async fn after_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    headers: &HeaderMap,
    id: i64,
    f: Fields,
    r: Result<(), ApiError>,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/tips/{id}")).into_response(),
        Err(e)
            if beside_form(&e)
                || (e.status == StatusCode::CONFLICT)
                || (e.status == StatusCode::FORBIDDEN && actor.may(Action::HandleTips)) =>
        {
            render_show(state, actor, lang, headers, id, Some((e, f)))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

async fn message_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::HandleTips)?;
        let kind = match f.get("kind") {
            Some("note") => OfficerKind::Note,
            _ => OfficerKind::Reply,
        };
        let input = OfficerMessageInput {
            kind,
            text: f.string("text"),
        };
        staff::write_message(&state, &actor, &headers, id, &input).await
    }
    .await;
    after_form(&state, &actor, lang, &headers, id, f, r).await
}

async fn step_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::HandleTips)?;
        // Out of scope is absent, whatever the form says.
        staff::view(&state, &actor, id).await?;
        let action = domain::tips::Action::parse("action", f.get("action").unwrap_or_default())?;
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let to_unit_id = match text("to_unit") {
            Some(t) => Some(
                crate::pickers::resolve_unit_in(
                    &state,
                    store::accounts::Scope::All,
                    "to_unit_id",
                    &t,
                )
                .await?,
            ),
            None => None,
        };
        let input = ActionInput {
            to_unit_id,
            reason: text("reason"),
            valuable: f.bool("valuable")?,
            cases_solved: f.i64("cases_solved")?,
            arrests: f.i64("arrests")?,
            summary: text("summary"),
        };
        staff::take_step(&state, &actor, &headers, id, action, &input).await
    }
    .await;
    match r {
        // Forwarded out of the officer's scope: back to their list.
        Ok(row)
            if !store::org_units::in_scope(&state.db, actor.scope(), row.unit_id)
                .await
                .unwrap_or(false) =>
        {
            Redirect::to("/tips").into_response()
        }
        r => after_form(&state, &actor, lang, &headers, id, f, r.map(|_| ())).await,
    }
}

#[derive(Serialize)]
struct KeysPage {
    open_in_session: bool,
    mine: Option<KeyStatus>,
    officers: Vec<KeyStatus>,
    /// Whether the user is a key-holder (who grants).
    holder: bool,
    granted: Option<i64>,
    error: Option<FormError>,
}

impl PageContext for KeysPage {
    const TEMPLATE: &'static str = "tips/keys.html";
}

async fn render_keys(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    headers: &HeaderMap,
    granted: Option<i64>,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let k = staff::keys(state, actor, headers).await?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = KeysPage {
        holder: k.mine.as_ref().is_some_and(|m| m.holder),
        open_in_session: k.open_in_session,
        mine: k.mine,
        officers: k.officers,
        granted,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/tips/keys"), &page),
    )
        .into_response())
}

async fn keys_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let granted = Fields::from_query(q.as_deref())
        .i64("granted")
        .ok()
        .flatten();
    render_keys(&state, &actor, lang, &headers, granted, None)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// After a form on the keys page: back to it, or it with why.
async fn after_keys_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    headers: &HeaderMap,
    r: Result<Option<usize>, ApiError>,
) -> Response {
    match r {
        Ok(Some(n)) => Redirect::to(&format!("/tips/keys?granted={n}")).into_response(),
        Ok(None) => Redirect::to("/tips/keys").into_response(),
        Err(e) if e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN => {
            render_keys(state, actor, lang, headers, None, Some(e))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

async fn holder_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageUsers)?;
        let id = forms::record_id(&id)?;
        let holder = f.bool("holder")?.unwrap_or(false);
        staff::set_holder(&state, &actor, id, holder).await?;
        Ok(None)
    }
    .await;
    after_keys_form(&state, &actor, lang, &headers, r).await
}

async fn grant_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        actor.require(Action::HandleTips)?;
        let id = forms::record_id(&id)?;
        Ok(Some(staff::grant(&state, &actor, &headers, id).await?.tips))
    }
    .await;
    after_keys_form(&state, &actor, lang, &headers, r).await
}
