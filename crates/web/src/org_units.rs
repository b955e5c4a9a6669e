//! The administrative hierarchy over HTTP: browse, search, unit pages with
//! predecessors and successors, and the writes for villages and sites.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::org_units::{
    Kind, Level, Merge, MergeInput, NewUnit, NewUnitInput, OrgUnit, Split, SplitInput, UnitPatch,
    UnitPatchInput, VillageInput,
};
use domain::page::Page;
use domain::policy::Action;
use domain::time::{parse_date, today};
use domain::vocabulary::{Vocabulary, Words};
use domain::Reason;
use serde::Serialize;
use store::accounts::Scope;
use store::org_units::{self as units, ListQuery, UnitView};

use domain::schema::{Day, SearchText};

use crate::actor::Actor;
use crate::api::{List, PageParams};
use crate::error::{page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::replica::Reads;
use crate::routes::Routes;
use crate::vocabulary::{self, Choice, Labels};
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/org-units", list_api)
        .post("/api/v1/org-units", create_api)
        .post("/api/v1/org-units/merge", merge_api)
        .post("/api/v1/org-units/split", split_api)
        .get("/api/v1/org-units/{id}", show_api)
        .patch("/api/v1/org-units/{id}", patch_api)
        .get("/org-units", list_page)
        .post("/org-units", create_form)
        .post("/org-units/merge", merge_form)
        .post("/org-units/split", split_form)
        .get("/org-units/{id}", show_page)
        .get("/org-units/{id}/edit", edit_page)
        .post("/org-units/{id}/edit", edit_form)
}

pub const MAX_QUERY_CHARS: usize = 100;

/// The list filters from a query string. Without `as_of`, lists show
/// today's units, and searches every date (so `nam dinh` also finds the
/// legacy province).
fn parse_list(f: &Fields) -> Result<ListQuery, ApiError> {
    let level = f
        .get("level")
        .map(|l| Level::parse("level", l))
        .transpose()?;
    let q = f.string("q");
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(ApiError::invalid(
            "q",
            Reason::SearchTooLong {
                max: MAX_QUERY_CHARS,
            },
        ));
    }
    if q.as_ref().is_some_and(|q| q.chars().any(char::is_control)) {
        return Err(ApiError::invalid("q", Reason::SearchControlCharacters));
    }
    let as_of = match f.get("as_of") {
        Some(d) => Some(parse_date("as_of", d)?),
        None if q.is_some() => None,
        None => Some(today()),
    };
    Ok(ListQuery {
        level,
        parent: f.i64("parent")?,
        as_of,
        q,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, create_api, merge_api, split_api, show_api, patch_api))]
pub struct Api;

/// List and search units in the caller's scope
#[utoipa::path(get, path = "/api/v1/org-units", tag = "org-units",
    params(
        ("level" = Option<Level>, Query),
        ("parent" = Option<i64>, Query),
        ("as_of" = Option<Day>, Query, description = "Units valid on this date. Default: today; with `q`, every date."),
        ("q" = Option<SearchText>, Query, description = "Name, matched without case or diacritics; exact and prefix matches first."),
        PageParams,
    ),
    responses((status = 200, description = "A page of units", body = List<UnitView>)))]
async fn list_api(
    Reads(reads): Reads,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = parse_list(&Fields::from_query(q.as_deref()))?;
    let (items, total) = units::list(&reads, actor.scope(), &query).await?;
    Ok(Json(List { items, total }).into_response())
}

/// A unit with its links, as the API and the page show it.
#[derive(Serialize, utoipa::ToSchema)]
struct UnitDetail {
    #[serde(flatten)]
    unit: UnitView,
    ancestors: Vec<units::Crumb>,
    predecessors: Vec<units::Link>,
    successors: Vec<units::Link>,
}

async fn detail(state: &AppState, scope: Scope, id: i64) -> Result<UnitDetail, ApiError> {
    let unit = units::get(&state.db, scope, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(UnitDetail {
        ancestors: units::ancestors(&state.db, id).await?,
        predecessors: units::predecessors(&state.db, id).await?,
        successors: units::successors(&state.db, id).await?,
        unit,
    })
}

/// A unit with its ancestors, predecessors and successors
#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "org-units", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The unit", body = UnitDetail)))]
async fn show_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = forms::path_id(&id)?;
    Ok(Json(detail(&state, actor.scope(), id).await?).into_response())
}

/// The parent named by `parent_id`, if the actor's scope reaches it.
async fn scoped_parent(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
) -> Result<Option<OrgUnit>, ApiError> {
    Ok(match id {
        Some(id) => units::get(&state.db, actor.scope(), id)
            .await?
            .map(|v| v.unit),
        None => None,
    })
}

async fn create(
    state: &AppState,
    actor: &Actor,
    input: &NewUnitInput,
) -> Result<UnitView, ApiError> {
    actor.require(Action::ManageOrgUnits)?;
    let parent = scoped_parent(state, actor, input.parent_id).await?;
    let new = NewUnit::parse(input, parent.as_ref())?;
    Ok(units::create(&state.db, actor.author(), &new).await?)
}

/// Add a village or a site
#[utoipa::path(post, path = "/api/v1/org-units", tag = "org-units", request_body = NewUnitInput,
    responses((status = 201, description = "Created", body = UnitView)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: NewUnitInput = forms::json(&body)?;
    let created = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn patch(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &UnitPatchInput,
) -> Result<UnitView, ApiError> {
    actor.require(Action::ManageOrgUnits)?;
    let unit = units::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let p = UnitPatch::parse(input, &unit.unit)?;
    Ok(units::update(&state.db, actor.author(), &unit.unit, &p).await?)
}

/// Change a village or site (name, kind, coordinates, address)
#[utoipa::path(patch, path = "/api/v1/org-units/{id}", tag = "org-units", params(("id" = i64, Path, minimum = 1)),
    request_body = UnitPatchInput,
    responses((status = 200, description = "Changed", body = UnitView)))]
async fn patch_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::path_id(&id)?;
    let input: UnitPatchInput = forms::json(&body)?;
    Ok(Json(patch(&state, &actor, id, &input).await?).into_response())
}

/// Villages merged at once at most.
const MAX_MERGE_SOURCES: usize = 100;

async fn merge(
    state: &AppState,
    actor: &Actor,
    input: &MergeInput,
) -> Result<units::Reorganisation, ApiError> {
    actor.require(Action::ManageOrgUnits)?;
    let ids = input.sources.clone().unwrap_or_default();
    if ids.len() > MAX_MERGE_SOURCES {
        return Err(ApiError::invalid(
            "sources",
            Reason::MergeTooMany {
                max: MAX_MERGE_SOURCES,
            },
        ));
    }
    let sources = units::get_many(&state.db, actor.scope(), &ids).await?;
    let m = Merge::parse(input, &sources, today())?;
    Ok(units::merge(&state.db, actor.author(), &m).await?)
}

/// Merge villages of one commune into a new village on a date
#[utoipa::path(post, path = "/api/v1/org-units/merge", tag = "org-units", request_body = MergeInput,
    responses((status = 201, description = "Merged", body = units::Reorganisation)))]
async fn merge_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: MergeInput = forms::json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(merge(&state, &actor, &input).await?),
    )
        .into_response())
}

async fn split(
    state: &AppState,
    actor: &Actor,
    input: &SplitInput,
) -> Result<units::Reorganisation, ApiError> {
    actor.require(Action::ManageOrgUnits)?;
    let source = scoped_parent(state, actor, input.source).await?;
    let s = Split::parse(input, source.as_ref(), today())?;
    Ok(units::split(&state.db, actor.author(), &s).await?)
}

/// Split a village into several on a date
#[utoipa::path(post, path = "/api/v1/org-units/split", tag = "org-units", request_body = SplitInput,
    responses((status = 201, description = "Split", body = units::Reorganisation)))]
async fn split_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: SplitInput = forms::json(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(split(&state, &actor, &input).await?),
    )
        .into_response())
}

// ---- pages ---------------------------------------------------------------

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "org_units")
}

#[derive(Serialize)]
struct ListPage<'a> {
    items: Vec<UnitView>,
    total: i64,
    q: &'a str,
    level: &'static str,
    form_as_of: String,
    levels: Vec<&'static str>,
    as_of: String,
    error: Option<FormError>,
    page: u32,
    pages: i64,
    page_link: String,
    /// The names of kinds of place (the kinds of sites).
    labels: Labels,
}

impl PageContext for ListPage<'_> {
    const TEMPLATE: &'static str = "org_units/list.html";
}

/// An ancestor in the breadcrumb: linked only when in the user's scope
/// (outside it the page answers 404).
#[derive(Serialize)]
struct Crumb {
    id: i64,
    name: String,
    linked: bool,
}

#[derive(Serialize)]
struct ShowPage<'a> {
    unit: &'a UnitView,
    crumbs: Vec<Crumb>,
    predecessors: &'a [store::org_units::Link],
    successors: &'a [store::org_units::Link],
    children: &'a [UnitView],
    as_of: String,
    subtree: i64,
    reach: i64,
    can_edit: bool,
    can_add_model: bool,
    can_add_village: bool,
    can_add_site: bool,
    can_merge: bool,
    can_split: bool,
    shares: Vec<store::statistics::shares::SuccessorShare>,
    can_share: bool,
    open_villages: Vec<&'a UnitView>,
    village_kinds: Vec<Choice>,
    site_kinds: Vec<Choice>,
    labels: Labels,
    show_valid_from: bool,
    /// The add-a-village and add-a-site forms start empty.
    form: Echo,
    history: Vec<store::audit::Entry>,
    certification: Option<crate::certification::UnitCertification>,
    forces: Option<crate::forces::UnitForces>,
}

impl PageContext for ShowPage<'_> {
    const TEMPLATE: &'static str = "org_units/show.html";
}

#[derive(Serialize)]
struct EditPage<'a> {
    unit: &'a UnitView,
    form: Echo,
    kinds: Vec<Choice>,
    error: Option<FormError>,
    show_valid_from: bool,
}

impl PageContext for EditPage<'_> {
    const TEMPLATE: &'static str = "org_units/edit.html";
}

/// The fields of a unit's form (`form.*` in `org_units/unit_fields.html`).
const UNIT_FIELDS: &[&str] = &["name", "kind", "address", "lat", "lon"];

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Fields::from_query(raw.as_deref());
    let path = format!("/org-units?{}", raw.as_deref().unwrap_or(""));
    let blank = ["q", "level", "parent", "as_of"]
        .iter()
        .all(|k| f.get(k).is_none());
    let parsed = parse_list(&f).map(|mut q| {
        if blank && actor.scope() == Scope::All {
            q.level = Some(Level::Province);
        }
        q
    });
    let (items, total, error, query) = match parsed {
        Err(e) => (Vec::new(), 0, Some(e), ListQuery::default()),
        Ok(q) if blank && actor.scope() != Scope::All => match scope_views(&state, &actor).await {
            Ok(items) => {
                let n = items.len() as i64;
                (items, n, None, q)
            }
            Err(e) => return page_error(lang, e),
        },
        Ok(q) => match units::list(&state.db, actor.scope(), &q).await {
            Ok((items, total)) => (items, total, None, q),
            Err(e) => return page_error(lang, e.into()),
        },
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let per = i64::from(query.page.per_page.max(1));
    let page = ListPage {
        items,
        total,
        q: f.get("q").unwrap_or(""),
        // The form shows what the user chose, not the defaults of the
        // home view, so that typing a search looks at every level and date.
        level: if blank {
            ""
        } else {
            query.level.map(Level::as_str).unwrap_or("")
        },
        form_as_of: if blank {
            String::new()
        } else {
            query.as_of.map(|d| d.to_string()).unwrap_or_default()
        },
        levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
        as_of: query.as_of.map(|d| d.to_string()).unwrap_or_default(),
        error: error.map(FormError::from),
        page: query.page.page,
        pages: (total + per - 1) / per,
        page_link: format!("/org-units?{}", page_query_string(&f, &query)),
        labels: match Labels::load(&state).await {
            Ok(l) => l,
            Err(e) => return page_error(lang, e),
        },
    };
    let mut res = state.templates.page(&base(&actor, lang, path), &page);
    crate::templates::with_status(&mut res, status);
    res
}

/// The query string of the list's pages: what was asked, or the home view's
/// defaults when nothing was.
fn page_query_string(f: &Fields, q: &ListQuery) -> String {
    let s = f.query_string();
    if !s.is_empty() {
        return s;
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    if let Some(l) = q.level {
        out.append_pair("level", l.as_str());
    }
    if let Some(d) = q.as_of {
        out.append_pair("as_of", &d.to_string());
    }
    out.finish()
}

/// A scoped user's home list: the units of their scope.
async fn scope_views(state: &AppState, actor: &Actor) -> Result<Vec<UnitView>, ApiError> {
    let mut out = Vec::new();
    for s in store::accounts::scope_units(&state.db, actor.user.id).await? {
        if let Some(v) = units::get(&state.db, actor.scope(), s.id).await? {
            out.push(v);
        }
    }
    Ok(out)
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    match show(&state, &actor, lang, &id, raw.as_deref()).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    raw: Option<&str>,
) -> Result<Response, ApiError> {
    let id = forms::path_id(id).map_err(|_| ApiError::not_found())?;
    let f = Fields::from_query(raw);
    let d = detail(state, actor.scope(), id).await?;
    let u = &d.unit.unit;
    // Children as of the chosen day; for an ended unit, its last day.
    let as_of = match f.get("as_of") {
        Some(s) => parse_date("as_of", s)?,
        None => u.valid_to.unwrap_or_else(today),
    };
    let children = units::list(
        &state.db,
        actor.scope(),
        &ListQuery {
            parent: Some(id),
            as_of: Some(as_of),
            page: Page {
                page: 1,
                per_page: domain::page::MAX_PER_PAGE,
            },
            ..Default::default()
        },
    )
    .await?
    .0;
    let manager = actor.may(Action::ManageOrgUnits) && u.valid_to.is_none();
    let open_villages: Vec<&UnitView> = children
        .iter()
        .filter(|c| c.unit.level == Level::Village && c.unit.valid_to.is_none())
        .collect();
    let history = store::audit::history(&state.db, "org_unit", &id.to_string()).await?;
    // Ancestors outside the scope are named but not linked (they answer 404).
    let mut crumbs = Vec::with_capacity(d.ancestors.len());
    for c in &d.ancestors {
        let linked = units::in_scope(&state.db, actor.scope(), c.id).await?;
        crumbs.push(Crumb {
            id: c.id,
            name: c.name.clone(),
            linked,
        });
    }
    let names = store::vocabulary::Names::load(&state.db).await?;
    let site_kinds = place_kinds_at(state, id).await?;
    let page = ShowPage {
        unit: &d.unit,
        crumbs,
        predecessors: &d.predecessors,
        successors: &d.successors,
        children: &children,
        as_of: as_of.to_string(),
        subtree: units::count_subtree(&state.db, id).await?,
        reach: units::count_reach(&state.db, id).await?,
        can_edit: manager && u.level.is_user_managed(),
        can_add_model: actor.may(Action::ManageModels)
            && matches!(u.level, Level::Commune | Level::Village | Level::Site),
        can_add_village: manager && u.level == Level::Commune,
        can_add_site: manager && matches!(u.level, Level::Commune | Level::Village),
        can_merge: manager && u.level == Level::Commune && open_villages.len() >= 2,
        can_split: manager && u.level == Level::Village,
        certification: crate::certification::unit_section(state, actor, u).await?,
        forces: crate::forces::unit_section(state, actor, u).await?,
        shares: if d.successors.len() > 1 {
            store::statistics::shares::of(&state.db, id).await?
        } else {
            Vec::new()
        },
        can_share: actor.may(Action::ManageStatistics) && d.successors.len() > 1,
        open_villages,
        village_kinds: kind_choices(Level::Village, &site_kinds),
        site_kinds: kind_choices(Level::Site, &site_kinds),
        labels: Labels::of(&names),
        show_valid_from: true,
        form: Echo::of(&Fields::default(), UNIT_FIELDS),
        history,
    };
    let base = base(actor, lang, format!("/org-units/{id}"));
    Ok(state.templates.page(&base, &page))
}

/// A refused form: the reason, the field, and a way back.
pub(crate) fn form_refused(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    e: ApiError,
    back: &str,
) -> Response {
    state.templates.refused(&base(actor, lang, back), e, back)
}

fn unit_input(f: &Fields) -> Result<NewUnitInput, ApiError> {
    Ok(NewUnitInput {
        level: f.string("level"),
        kind: f.string("kind"),
        name: f.string("name"),
        parent_id: f.i64("parent_id")?,
        valid_from: f.string("valid_from"),
        lat: f.f64("lat")?,
        lon: f.f64("lon")?,
        address: f.string("address"),
    })
}

fn back_to(id: Option<i64>) -> String {
    id.map(|i| format!("/org-units/{i}"))
        .unwrap_or_else(|| "/org-units".into())
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let back = back_to(f.i64("parent_id").ok().flatten());
    let result = match unit_input(&f) {
        Ok(input) => create(&state, &actor, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(u) => Redirect::to(&format!("/org-units/{}", u.unit.id)).into_response(),
        Err(e) => form_refused(&state, &actor, lang, e, &back),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = forms::path_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    if let Err(e) = actor.require(Action::ManageOrgUnits) {
        return page_error(lang, e);
    }
    match units::get(&state.db, actor.scope(), id).await {
        Ok(Some(v)) if v.unit.level.is_user_managed() && actor.may(Action::ManageOrgUnits) => {
            render_edit(&state, &actor, lang, &v, None, None).await
        }
        Ok(Some(_)) => page_error(lang, ApiError::forbidden()),
        Ok(None) => page_error(lang, ApiError::not_found()),
        Err(e) => page_error(lang, e.into()),
    }
}

/// The kinds of place usable at `unit` (national, and its province's
/// own), for the forms that add or change a site there.
async fn place_kinds_at(state: &AppState, unit: i64) -> Result<Words, ApiError> {
    let provinces = store::catalogue::provinces_of_unit(&state.db, unit).await?;
    Ok(store::vocabulary::list(&state.db, Vocabulary::PlaceKind, Some(&provinces)).await?)
}

/// The kinds a form offers for a unit of `level`: the administrative
/// kinds (named by the message catalogue: an empty name), or for a site
/// the kinds of place of `place_kinds`.
fn kind_choices(level: Level, place_kinds: &Words) -> Vec<Choice> {
    match level {
        Level::Site => vocabulary::choices(place_kinds),
        _ => Kind::for_level(level)
            .filter_map(Kind::administrative_code)
            .map(|code| Choice {
                code: code.into(),
                name: String::new(),
            })
            .collect(),
    }
}

async fn render_edit(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    v: &UnitView,
    typed: Option<&Fields>,
    error: Option<ApiError>,
) -> Response {
    let form = match typed {
        Some(f) => Echo::of(f, UNIT_FIELDS),
        None => Echo::of_json(&serde_json::to_value(v).unwrap_or_default(), UNIT_FIELDS),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let kinds = match place_kinds_at(state, v.unit.id).await {
        Ok(k) => k,
        Err(e) => return page_error(lang, e),
    };
    let page = EditPage {
        unit: v,
        form,
        kinds: kind_choices(v.unit.level, &kinds),
        error: error.map(FormError::from),
        show_valid_from: false,
    };
    let base = base(actor, lang, format!("/org-units/{}/edit", v.unit.id));
    let mut res = state.templates.page(&base, &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::path_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let input = (|| {
        Ok::<_, ApiError>(UnitPatchInput {
            name: Some(f.string("name").unwrap_or_default()),
            kind: f.string("kind"),
            lat: f.f64("lat")?,
            lon: f.f64("lon")?,
            // An emptied box clears the address.
            address: Some(f.string("address").unwrap_or_default()),
        })
    })();
    let result = match input {
        Ok(input) => patch(&state, &actor, id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/org-units/{id}")).into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            match units::get(&state.db, actor.scope(), id).await {
                Ok(Some(v)) => render_edit(&state, &actor, lang, &v, Some(&f), Some(e)).await,
                _ => page_error(lang, ApiError::not_found()),
            }
        }
        Err(e) => page_error(lang, e),
    }
}

async fn merge_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let back = back_to(f.i64("back").ok().flatten());
    let sources: Result<Vec<i64>, ApiError> = f
        .all("sources")
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("sources", Reason::VillageIdInvalid))
        })
        .collect();
    let result = match sources {
        Ok(sources) => {
            let input = MergeInput {
                sources: Some(sources),
                date: f.string("date"),
                name: f.string("name"),
                kind: f.string("kind"),
            };
            merge(&state, &actor, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => match r.created.first() {
            Some(v) => Redirect::to(&format!("/org-units/{}", v.unit.id)).into_response(),
            None => Redirect::to(&back).into_response(),
        },
        Err(e) => form_refused(&state, &actor, lang, e, &back),
    }
}

async fn split_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let source = f.i64("source").ok().flatten();
    let back = back_to(source);
    let kind = f.string("kind");
    let parts: Vec<VillageInput> = f
        .get("parts")
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|name| VillageInput {
            name: Some(name.to_string()),
            kind: kind.clone(),
        })
        .collect();
    // The form counts lines from 1; the API from 0.
    let default_part = match f.i64("default_part") {
        Ok(Some(n)) if n >= 1 => Ok(usize::try_from(n - 1).ok()),
        Ok(None) => Ok(None),
        _ => Err(ApiError::invalid("default_part", Reason::PartIndexInvalid)),
    };
    let result = match default_part {
        Ok(default_part) => {
            let input = SplitInput {
                source,
                date: f.string("date"),
                parts: Some(parts),
                default_part,
            };
            split(&state, &actor, &input).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => form_refused(&state, &actor, lang, e, &back),
    }
}

/// An area a place filter offers, indented by its depth below the user's
/// scope unit.
#[derive(Debug, Serialize)]
pub struct Area {
    pub id: i64,
    pub name: String,
    pub depth: u8,
}

impl Area {
    fn new(id: impl Into<i64>, name: String, depth: u8) -> Self {
        Area {
            id: id.into(),
            name,
            depth,
        }
    }
}

/// The areas place filters offer (model list, statistics): today's provinces for the
/// unscoped, otherwise each scope unit and the units directly under it.
pub(crate) async fn areas(state: &AppState, actor: &Actor) -> Result<Vec<Area>, ApiError> {
    use domain::org_units::Level;
    use store::org_units::ListQuery;
    let all = domain::page::Page {
        page: 1,
        per_page: domain::page::MAX_PER_PAGE,
    };
    let list =
        |q: ListQuery| async move { store::org_units::list(&state.db, actor.scope(), &q).await };
    let mut out = Vec::new();
    if actor.scope() == store::accounts::Scope::All {
        let q = ListQuery {
            level: Some(Level::Province),
            as_of: Some(today()),
            page: all,
            ..Default::default()
        };
        for v in list(q).await?.0 {
            out.push(Area::new(v.unit.id, v.unit.name, 0));
        }
        return Ok(out);
    }
    for s in store::accounts::scope_units(&state.db, actor.user.id).await? {
        out.push(Area::new(s.id, s.name, 0));
        let q = ListQuery {
            parent: Some(s.id),
            as_of: Some(today()),
            page: all,
            ..Default::default()
        };
        for v in list(q).await?.0 {
            out.push(Area::new(v.unit.id, v.unit.name, 1));
        }
    }
    Ok(out)
}
