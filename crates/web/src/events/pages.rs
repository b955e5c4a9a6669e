//! The HTML pages of events, festivals and pledges: the list and the
//! month's calendar (events and tasks due, with its iCalendar and XLSX
//! files), a new event and an event's page with its photos; the
//! festival's coverage dashboard (table and map) with the year's records
//! and a new one; the pledges, a new one and a pledge's page where each
//! item is assessed year by year. Every form goes through the same
//! parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate};
use domain::events::{
    AssessmentInput, EventInput, FestivalInput, Group, Kind, NewEvent, NewFestival, NewPledge,
    ParticipantInput, PartyInput, PledgeInput,
};
use domain::page::Page;
use domain::policy::Action;
use serde::Serialize;
use store::events::festivals::{self, Coverage, FestivalRow};
use store::events::pledges::{self, PledgeDetail, PledgeRow};
use store::events::{self as events, DueTask, EventDetail, EventRow};
use store::partners::{PartnerQuery, PartnerRow};

use super::{add_photo, assess, coverage, due, event_query, not_found};
use crate::actor::Actor;
use crate::error::{after_form, beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::{self, Lang};
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

/// The years the calendar opens.
const MIN_YEAR: i32 = 1990;
const MAX_YEAR: i32 = 2100;

/// Party rows on the new pledge's form (the API takes up to 100).
const PARTY_ROWS: usize = 4;

pub fn routes() -> Routes {
    Routes::new()
        .get("/events", list_page)
        .post("/events", create_form)
        .get("/events/new", new_page)
        .get("/events/calendar", calendar_page)
        .get("/events/{id}", show_page)
        .upload("/events/{id}/photos", photo_form)
        .get("/festivals", festivals_page)
        .post("/festivals", festival_form)
        .get("/festivals/new", festival_new_page)
        .get("/pledges", pledges_page)
        .post("/pledges", pledge_form)
        .get("/pledges/new", pledge_new_page)
        .get("/pledges/{id}", pledge_page)
        .post("/pledges/{id}/assessments", assessment_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "events")
}

#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    groups: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|v| v.as_str()).collect(),
        groups: Group::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

fn text(f: &Fields, k: &str) -> Option<String> {
    f.string(k).filter(|s| !s.trim().is_empty())
}

/// The partner organisations of the scope, for the forms' choices.
async fn partners_of(state: &AppState, actor: &Actor) -> Result<Vec<PartnerRow>, ApiError> {
    let q = PartnerQuery {
        page: Page {
            page: 1,
            per_page: 500,
        },
        ..PartnerQuery::default()
    };
    Ok(store::partners::list(&state.db, actor.scope(), &q).await?.0)
}

// ---- the list and the calendar ----------------------------------------------------

const FILTERS: &[&str] = &["kind", "from", "to", "org_unit"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<EventRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "events/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = event_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = events::list(&state.db, actor.scope(), &query, false).await?;
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
        Ok::<_, ApiError>(state.templates.page(&base(&actor, lang, "/events"), &page))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// A day of the month's grid.
#[derive(Serialize)]
struct Day {
    date: NaiveDate,
    /// Outside the month (the grid's first and last weeks).
    other: bool,
    today: bool,
    events: Vec<EventRow>,
    tasks: Vec<DueTask>,
}

#[derive(Serialize)]
struct CalendarPage {
    month: String,
    month_label: String,
    prev: String,
    next: String,
    weeks: Vec<Vec<Day>>,
    events: Vec<EventRow>,
    tasks: Vec<DueTask>,
    from: NaiveDate,
    to: NaiveDate,
}

impl PageContext for CalendarPage {
    const TEMPLATE: &'static str = "events/calendar.html";
}

/// The first day of `month` (`2026-08`; none or unreadable: this month's).
fn month_start(month: Option<&str>, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    match month.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today.with_day(1).unwrap_or(today)),
        // Within the years a calendar means (the grid's arithmetic never
        // nears the calendar's ends).
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .ok()
            .filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&d.year()))
            .ok_or_else(|| {
                ApiError::invalid(
                    "month",
                    domain::Reason::PeriodInvalid {
                        given: m.to_owned(),
                        min_year: MIN_YEAR,
                        max_year: MAX_YEAR,
                    },
                )
            }),
    }
}

async fn calendar_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let today = domain::time::today();
        let first = month_start(f.get("month"), today)?;
        let next = (first + Duration::days(32)).with_day(1).unwrap_or(first);
        let last = next - Duration::days(1);
        let prev = (first - Duration::days(1)).with_day(1).unwrap_or(first);
        let query = store::events::EventQuery {
            from: Some(first),
            to: Some(last),
            page: Page {
                page: 1,
                per_page: 500,
            },
            ..Default::default()
        };
        let (events, _) = events::list(&state.db, actor.scope(), &query, true).await?;
        let tasks = due(&state, &actor, first, last).await?;
        // Weeks from Monday.
        let start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
        let mut weeks = Vec::new();
        let mut d = start;
        while d <= last {
            let mut week = Vec::new();
            for _ in 0..7 {
                week.push(Day {
                    date: d,
                    other: d.month() != first.month(),
                    today: d == today,
                    events: events
                        .iter()
                        .filter(|e| e.starts_on <= d && e.ends_on >= d)
                        .cloned()
                        .collect(),
                    tasks: tasks.iter().filter(|t| t.due_on == d).cloned().collect(),
                });
                d += Duration::days(1);
            }
            weeks.push(week);
        }
        let page = CalendarPage {
            month: first.format("%Y-%m").to_string(),
            month_label: format!(
                "{} {}/{}",
                i18n::text(lang, "cal.month"),
                first.month(),
                first.year()
            ),
            prev: prev.format("%Y-%m").to_string(),
            next: next.format("%Y-%m").to_string(),
            weeks,
            events,
            tasks,
            from: first,
            to: last,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/events/calendar"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new event and an event ------------------------------------------------------

const FIELDS: &[&str] = &[
    "kind",
    "title",
    "unit",
    "starts_on",
    "ends_on",
    "place",
    "outcomes",
    "documents",
];

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    /// Participants typed, by group.
    counts: std::collections::HashMap<String, String>,
    ticked: Vec<i64>,
    partners: Vec<PartnerRow>,
    unit_label: Option<String>,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "events/new.html";
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let own = store::accounts::scope_units(&state.db, actor.user.id).await?;
    let page = NewPage {
        form: Echo::of(f, FIELDS),
        counts: Group::ALL
            .iter()
            .map(|g| {
                let k = format!("n_{}", g.as_str());
                (k.clone(), f.get(&k).unwrap_or_default().to_owned())
            })
            .collect(),
        ticked: f.all("partners").filter_map(|s| s.parse().ok()).collect(),
        partners: partners_of(state, actor).await?,
        unit_label: pickers::unit_label_of(state, actor, own.first().map(|u| u.id)).await?,
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/events/new"), &page),
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
        actor.require(Action::ManageEvents)?;
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
        actor.require(Action::ManageEvents)?;
        let org_unit_id = match text(&f, "unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let documents =
            crate::documents::document_ids(&state, &actor, "documents", f.get("documents")).await?;
        let mut participants = Vec::new();
        for g in Group::ALL {
            let key = format!("n_{}", g.as_str());
            let n = f
                .get(&key)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<i64>().map_err(|_| {
                        ApiError::invalid("participants", domain::Reason::EventParticipantsInvalid)
                    })
                })
                .transpose()?;
            if let Some(n) = n {
                participants.push(ParticipantInput {
                    group: Some(g.as_str().into()),
                    count: Some(n),
                });
            }
        }
        let input = EventInput {
            kind: text(&f, "kind"),
            title: text(&f, "title"),
            org_unit_id,
            co_organisers: None,
            partners: Some(f.all("partners").filter_map(|s| s.parse().ok()).collect()),
            starts_on: text(&f, "starts_on"),
            ends_on: text(&f, "ends_on"),
            place: text(&f, "place"),
            participants: Some(participants),
            documents: Some(documents),
            outcomes: text(&f, "outcomes"),
        };
        let e = NewEvent::parse(&input, domain::time::today())?;
        Ok(events::create(&state.db, actor.author(), actor.scope(), &e).await?)
    }
    .await;
    match r {
        Ok(e) => Redirect::to(&format!("/events/{}", e.event.id)).into_response(),
        Err(e) if beside_form(&e) => render_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

#[derive(Serialize)]
struct ShowPage {
    d: EventDetail,
    may_write: bool,
    error: Option<FormError>,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "events/show.html";
}

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let d = events::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = ShowPage {
        may_write: actor.may(Action::ManageEvents)
            && events::may_write(&state.db, actor.scope(), id).await?,
        d,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, format!("/events/{id}")), &page),
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

async fn photo_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let r = add_photo(&state, &actor, id, req).await;
    after_form(lang, &format!("/events/{id}"), "photos", r, |e| {
        render_show(&state, &actor, lang, id, Some(e))
    })
    .await
}

// ---- festivals ---------------------------------------------------------------------

#[derive(Serialize)]
struct FestivalsPage {
    c: Coverage,
    items: Vec<FestivalRow>,
    total: i64,
    map: Option<String>,
    f: Echo,
}

impl PageContext for FestivalsPage {
    const TEMPLATE: &'static str = "events/festivals.html";
}

/// The last year's communes holding the festival, by area, on the map.
fn coverage_map(lang: Lang, c: &Coverage) -> Option<String> {
    let points: Vec<files::MapPoint> = c
        .rows
        .iter()
        .filter_map(|r| {
            let last = r.years.last()?;
            Some(files::MapPoint {
                label: r.name.clone(),
                lat: r.lat?,
                lon: r.lon?,
                value: last.communes,
                href: Some(format!(
                    "/festivals?org_unit={}&to_year={}&view={}",
                    r.org_unit_id,
                    c.to_year,
                    c.view.as_str()
                )),
            })
        })
        .collect();
    if points.is_empty() {
        return None;
    }
    Some(files::bubble_map(
        &points,
        &format!("{} {}", i18n::text(lang, "fest.map_title"), c.to_year),
        i18n::text(lang, "fest.communes_holding"),
        600,
        800,
    ))
}

async fn festivals_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let c = coverage(&state, &actor, &f).await?;
        let (items, total) = festivals::list(
            &state.db,
            actor.scope(),
            c.org_unit_id,
            Some(c.to_year),
            Page {
                page: 1,
                per_page: 200,
            },
        )
        .await?;
        let page = FestivalsPage {
            map: coverage_map(lang, &c),
            c,
            items,
            total,
            f: Echo::of(&f, &["org_unit", "from_year", "to_year", "view"]),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/festivals"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

const FESTIVAL_FIELDS: &[&str] = &[
    "unit",
    "held_on",
    "sites",
    "participants",
    "budget",
    "activities",
    "commended",
    "commended_model_id",
];

#[derive(Serialize)]
struct FestivalNewPage {
    form: Echo,
    unit_label: Option<String>,
    error: Option<FormError>,
}

impl PageContext for FestivalNewPage {
    const TEMPLATE: &'static str = "events/festival_new.html";
}

async fn render_festival_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let own = store::accounts::scope_units(&state.db, actor.user.id).await?;
    let page = FestivalNewPage {
        form: Echo::of(f, FESTIVAL_FIELDS),
        unit_label: pickers::unit_label_of(state, actor, own.first().map(|u| u.id)).await?,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/festivals/new"), &page),
    )
        .into_response())
}

async fn festival_new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        actor.require(Action::ManageEvents)?;
        render_festival_new(
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

async fn festival_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageEvents)?;
        let org_unit_id = match text(&f, "unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let sites = match text(&f, "sites") {
            Some(t) => pickers::resolve_units(&state, &actor, "sites", &t).await?,
            None => Vec::new(),
        };
        let input = FestivalInput {
            org_unit_id,
            held_on: text(&f, "held_on"),
            sites: Some(sites),
            participants: f.i64("participants")?,
            budget: f.i64("budget")?,
            activities: text(&f, "activities"),
            commended_model_id: f.i64("commended_model_id")?,
            commended: text(&f, "commended"),
        };
        let fest = NewFestival::parse(&input, domain::time::today())?;
        Ok(festivals::create(&state.db, actor.author(), actor.scope(), &fest).await?)
    }
    .await;
    match r {
        Ok(x) => Redirect::to(&format!(
            "/festivals?org_unit={}&to_year={}",
            x.org_unit_id, x.year
        ))
        .into_response(),
        Err(e) if beside_form(&e) => render_festival_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

// ---- pledges -----------------------------------------------------------------------

#[derive(Serialize)]
struct PledgesPage {
    items: Vec<PledgeRow>,
    total: i64,
}

impl PageContext for PledgesPage {
    const TEMPLATE: &'static str = "events/pledges.html";
}

async fn pledges_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let org_unit = f.i64("org_unit")?;
        crate::areas::check_unit(&state, &actor, org_unit).await?;
        let page = Page::parse(f.get("page"), f.get("per_page"))?;
        let (items, total) = pledges::list(&state.db, actor.scope(), org_unit, page).await?;
        Ok::<_, ApiError>(state.templates.page(
            &base(&actor, lang, "/pledges"),
            &PledgesPage { items, total },
        ))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// One party row of the form, as typed.
#[derive(Serialize, Default)]
struct PartyEcho {
    unit: String,
    organisation_id: String,
    items: String,
}

const PLEDGE_FIELDS: &[&str] = &["title", "unit", "starts_on", "ends_on", "notes"];

#[derive(Serialize)]
struct PledgeNewPage {
    form: Echo,
    parties: Vec<PartyEcho>,
    partners: Vec<PartnerRow>,
    error: Option<FormError>,
}

impl PageContext for PledgeNewPage {
    const TEMPLATE: &'static str = "events/pledge_new.html";
}

fn party_echoes(f: &Fields) -> Vec<PartyEcho> {
    (1..=PARTY_ROWS)
        .map(|i| PartyEcho {
            unit: f
                .get(&format!("p{i}_unit"))
                .unwrap_or_default()
                .trim()
                .into(),
            organisation_id: f
                .get(&format!("p{i}_organisation_id"))
                .unwrap_or_default()
                .trim()
                .into(),
            items: f.get(&format!("p{i}_items")).unwrap_or_default().into(),
        })
        .collect()
}

async fn render_pledge_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = PledgeNewPage {
        form: Echo::of(f, PLEDGE_FIELDS),
        parties: party_echoes(f),
        partners: partners_of(state, actor).await?,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/pledges/new"), &page),
    )
        .into_response())
}

async fn pledge_new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        actor.require(Action::ManageEvents)?;
        render_pledge_new(
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

async fn pledge_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageEvents)?;
        let org_unit_id = match text(&f, "unit") {
            Some(t) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", &t).await?),
            None => None,
        };
        let mut parties = Vec::new();
        for p in party_echoes(&f) {
            let items: Vec<String> = p.items.lines().map(str::to_owned).collect();
            let (kind, id) = match (p.unit.is_empty(), p.organisation_id.parse::<i64>()) {
                (false, _) => (
                    "unit",
                    Some(pickers::resolve_unit(&state, &actor, "parties", &p.unit).await?),
                ),
                (true, Ok(o)) => ("organisation", Some(o)),
                (true, Err(_)) if p.items.trim().is_empty() => continue,
                (true, Err(_)) => ("unit", None),
            };
            parties.push(PartyInput {
                kind: Some(kind.into()),
                id,
                items: Some(items),
            });
        }
        let input = PledgeInput {
            title: text(&f, "title"),
            org_unit_id,
            starts_on: text(&f, "starts_on"),
            ends_on: text(&f, "ends_on"),
            event_id: None,
            parties: Some(parties),
            notes: text(&f, "notes"),
        };
        let g = NewPledge::parse(&input)?;
        Ok(pledges::create(&state.db, actor.author(), actor.scope(), &g).await?)
    }
    .await;
    match r {
        Ok(g) => Redirect::to(&format!("/pledges/{}", g.pledge.id)).into_response(),
        Err(e) if beside_form(&e) => render_pledge_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

#[derive(Serialize)]
struct PledgePage {
    d: PledgeDetail,
    may_write: bool,
    years: Vec<i32>,
    error: Option<FormError>,
}

impl PageContext for PledgePage {
    const TEMPLATE: &'static str = "events/pledge.html";
}

async fn render_pledge(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let d = pledges::read(&state.db, actor.scope(), id)
        .await
        .map_err(not_found)?;
    let today = domain::time::today();
    let last = d.pledge.ends_on.year().min(today.year());
    let years: Vec<i32> = (d.pledge.starts_on.year()..=last).collect();
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let may_write = actor.may(Action::ManageEvents)
        && crate::areas::check_unit(state, actor, Some(d.pledge.org_unit_id))
            .await
            .is_ok();
    let page = PledgePage {
        d,
        may_write,
        years,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, format!("/pledges/{id}")), &page),
    )
        .into_response())
}

async fn pledge_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async { render_pledge(&state, &actor, lang, forms::record_id(&id)?, None).await }.await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn assessment_form(
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
        let input = AssessmentInput {
            item_id: f.i64("item_id")?,
            year: f.i64("year")?.and_then(|y| i32::try_from(y).ok()),
            kept: match f.get("kept") {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            note: text(&f, "note"),
        };
        assess(&state, &actor, id, &input).await
    }
    .await;
    after_form(lang, &format!("/pledges/{id}"), "items", r, |e| {
        render_pledge(&state, &actor, lang, id, Some(e))
    })
    .await
}
