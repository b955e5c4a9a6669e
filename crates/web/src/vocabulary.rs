//! The fields of the movement and the kinds of place over HTTP
//! (`domain::vocabulary`): their lists in the API, a page to add and
//! rename entries, and what other pages need to name a stored code.
//! Keeping them is part of keeping the model type catalogue
//! (`Action::ManageModelTypes`): administrators the national lists, a
//! province's staff their province's own.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::catalogue::{Code, Owner};
use domain::models::Target;
use domain::policy::Action;
use domain::vocabulary::{Entry, EntryInput, NewEntry, Vocabulary, Words};
use domain::Reason;
use serde::Serialize;
use store::vocabulary::Names;

use crate::actor::Actor;
use crate::api::List;
use crate::catalogue::Workplace;
use crate::error::{page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;

const ACTION: Action = Action::ManageModelTypes;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/model-fields", fields_api)
        .post("/api/v1/model-fields", create_field_api)
        .patch("/api/v1/model-fields/{code}", rename_field_api)
        .get("/api/v1/place-kinds", place_kinds_api)
        .post("/api/v1/place-kinds", create_place_kind_api)
        .patch("/api/v1/place-kinds/{code}", rename_place_kind_api)
        .get("/model-types/fields", page)
        .post("/model-fields", create_field_form)
        .post("/model-fields/{code}", rename_field_form)
        .post("/place-kinds", create_place_kind_form)
        .post("/place-kinds/{code}", rename_place_kind_form)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    fields_api,
    create_field_api,
    rename_field_api,
    place_kinds_api,
    create_place_kind_api,
    rename_place_kind_api
))]
pub struct Api;

// ---- what other pages use -------------------------------------------------

/// An entry a form offers.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
}

/// The entries of `words`, as a form offers them.
pub fn choices(words: &Words) -> Vec<Choice> {
    words
        .entries()
        .iter()
        .map(|e| Choice {
            code: e.code.as_str().into(),
            name: e.name.clone(),
        })
        .collect()
}

/// What a model type may target, as its form offers it: villages,
/// communes, and the kinds of place of `kinds`.
pub fn target_choices(kinds: &Words) -> Vec<Choice> {
    let levels = [Target::Village, Target::Commune].map(|t| Choice {
        code: t.as_str().into(),
        name: t.level_label().unwrap_or_default().into(),
    });
    levels.into_iter().chain(choices(kinds)).collect()
}

/// The names of every stored code (`labels.fields[code]`,
/// `labels.places[code]` in templates; a code no list holds any more is
/// shown as itself).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Labels {
    pub fields: BTreeMap<String, String>,
    pub places: BTreeMap<String, String>,
}

impl Labels {
    pub async fn load(state: &AppState) -> Result<Self, ApiError> {
        Ok(Self::of(&Names::load(&state.db).await?))
    }

    pub fn of(names: &Names) -> Self {
        let map = |w: &Words| {
            w.entries()
                .iter()
                .map(|e| (e.code.as_str().to_string(), e.name.clone()))
                .collect()
        };
        let mut places: BTreeMap<String, String> = map(&names.place_kinds);
        for c in target_choices(&Words::default()) {
            places.insert(c.code, c.name);
        }
        Labels {
            fields: map(&names.fields),
            places,
        }
    }
}

// ---- shared ---------------------------------------------------------------

fn code_of(raw: &str) -> Result<Code, ApiError> {
    Code::parse(raw).ok_or_else(ApiError::not_found)
}

async fn list(state: &AppState, actor: &Actor, v: Vocabulary) -> Result<Words, ApiError> {
    let at = Workplace::of(state, actor).await?;
    Ok(store::vocabulary::list(&state.db, v, at.provinces()).await?)
}

/// Adds an entry to the list the user keeps (the national one for
/// administrators, their province's for its staff; `owner_id` names
/// another).
async fn create(
    state: &AppState,
    actor: &Actor,
    v: Vocabulary,
    input: &EntryInput,
) -> Result<Entry, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    let owner = at.owner_of_new(actor, ACTION, input.owner_id)?;
    let e = NewEntry::parse(v, input)?;
    Ok(store::vocabulary::create(&state.db, actor.author(), v, owner, &e).await?)
}

/// Renames an entry the policy lets the user change; its code stays.
async fn rename(
    state: &AppState,
    actor: &Actor,
    v: Vocabulary,
    code: Code,
    input: &EntryInput,
) -> Result<Entry, ApiError> {
    actor.require(ACTION)?;
    let at = Workplace::of(state, actor).await?;
    let current = store::vocabulary::entry(&state.db, v, code.as_str(), at.provinces())
        .await?
        .ok_or_else(ApiError::not_found)?;
    at.require_change(actor, ACTION, current.owner)?;
    if input
        .code
        .as_deref()
        .is_some_and(|c| c.trim() != code.as_str())
    {
        return Err(ApiError::invalid("code", Reason::VocabularyCodeFixed));
    }
    if input
        .owner_id
        .is_some_and(|o| Owner::Province(o) != current.owner)
    {
        return Err(ApiError::invalid("owner_id", Reason::OwnerFixed));
    }
    let name = input.name.as_deref().unwrap_or_default();
    Ok(store::vocabulary::rename(&state.db, actor.author(), v, code.as_str(), name).await?)
}

async fn list_json(state: &AppState, actor: &Actor, v: Vocabulary) -> Result<Response, ApiError> {
    let words = list(state, actor, v).await?;
    Ok(Json(List::all(words.entries().to_vec())).into_response())
}

async fn create_json(
    state: &AppState,
    actor: &Actor,
    v: Vocabulary,
    body: &Bytes,
) -> Result<Response, ApiError> {
    actor.require(ACTION)?;
    let input: EntryInput = forms::json(body)?;
    let e = create(state, actor, v, &input).await?;
    Ok((StatusCode::CREATED, Json(e)).into_response())
}

async fn rename_json(
    state: &AppState,
    actor: &Actor,
    v: Vocabulary,
    raw: &str,
    body: &Bytes,
) -> Result<Response, ApiError> {
    actor.require(ACTION)?;
    let code = code_of(raw)?;
    let input: EntryInput = forms::json(body)?;
    Ok(Json(rename(state, actor, v, code, &input).await?).into_response())
}

// ---- API handlers ---------------------------------------------------------

/// The fields of the movement: the national ones, then the user's provinces' own
#[utoipa::path(get, path = "/api/v1/model-fields", tag = "models",
    responses((status = 200, description = "Fields", body = List<Entry>)))]
async fn fields_api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    list_json(&state, &actor, Vocabulary::Field).await
}

/// Add a field (admins to the national list, province staff to their province's)
#[utoipa::path(post, path = "/api/v1/model-fields", tag = "models", request_body = EntryInput,
    responses((status = 201, description = "Created", body = Entry)))]
async fn create_field_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    create_json(&state, &actor, Vocabulary::Field, &body).await
}

/// Rename a field; its code, and what is stored with it, stays
#[utoipa::path(patch, path = "/api/v1/model-fields/{code}", tag = "models",
    params(("code" = String, Path)), request_body = EntryInput,
    responses((status = 200, description = "Saved", body = Entry)))]
async fn rename_field_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    rename_json(&state, &actor, Vocabulary::Field, &code, &body).await
}

/// The kinds of place (kinds of sites, and what model types may target besides villages and communes)
#[utoipa::path(get, path = "/api/v1/place-kinds", tag = "models",
    responses((status = 200, description = "Kinds of place", body = List<Entry>)))]
async fn place_kinds_api(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Response, ApiError> {
    list_json(&state, &actor, Vocabulary::PlaceKind).await
}

/// Add a kind of place (admins to the national list, province staff to their province's)
#[utoipa::path(post, path = "/api/v1/place-kinds", tag = "models", request_body = EntryInput,
    responses((status = 201, description = "Created", body = Entry)))]
async fn create_place_kind_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    create_json(&state, &actor, Vocabulary::PlaceKind, &body).await
}

/// Rename a kind of place; its code, and the sites of that kind, stay
#[utoipa::path(patch, path = "/api/v1/place-kinds/{code}", tag = "models",
    params(("code" = String, Path)), request_body = EntryInput,
    responses((status = 200, description = "Saved", body = Entry)))]
async fn rename_place_kind_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    rename_json(&state, &actor, Vocabulary::PlaceKind, &code, &body).await
}

// ---- the page -------------------------------------------------------------

/// An entry on the page, with whether the user may rename it.
#[derive(Serialize)]
struct Item {
    #[serde(flatten)]
    entry: Entry,
    may_edit: bool,
}

/// One list on the page.
#[derive(Serialize)]
struct Section {
    /// `model-fields` or `place-kinds`: where its forms post.
    path: &'static str,
    items: Vec<Item>,
}

#[derive(Serialize)]
struct Page {
    fields: Section,
    place_kinds: Section,
    /// Whose list a new entry may join (as for model types).
    owners: Vec<store::catalogue::Province>,
    national_owner: bool,
    /// Which list the refused form was for, why, and what was sent.
    error_in: Option<&'static str>,
    error: Option<FormError>,
    sent: Echo,
}

impl PageContext for Page {
    const TEMPLATE: &'static str = "models/fields.html";
}

async fn render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    error: Option<(Vocabulary, ApiError)>,
    sent: &Fields,
) -> Response {
    let r = async {
        let at = Workplace::of(state, actor).await?;
        let owners = store::catalogue::provinces(&state.db, at.provinces()).await?;
        let section = async |v: Vocabulary| {
            let words = store::vocabulary::list(&state.db, v, at.provinces()).await?;
            let items = words
                .entries()
                .iter()
                .map(|e| Item {
                    may_edit: at.may_change(actor, ACTION, e.owner),
                    entry: e.clone(),
                })
                .collect();
            Ok::<_, ApiError>(Section {
                path: v.path(),
                items,
            })
        };
        Ok::<_, ApiError>(Page {
            fields: section(Vocabulary::Field).await?,
            place_kinds: section(Vocabulary::PlaceKind).await?,
            owners,
            national_owner: at.may_change(actor, ACTION, Owner::National),
            error_in: error.as_ref().map(|(v, _)| v.path()),
            error: None,
            sent: Echo::of(sent, &["name", "code", "owner_id"]),
        })
    }
    .await;
    let mut page = match r {
        Ok(p) => p,
        Err(e) => return page_error(lang, e),
    };
    let bad = error.is_some();
    page.error = error.map(|(_, e)| FormError::from(e));
    let base = Base::new(actor, lang, "/model-types/fields", "models");
    let mut res = state.templates.page(&base, &page);
    if bad {
        crate::templates::with_status(&mut res, StatusCode::BAD_REQUEST);
    }
    res
}

async fn page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    render(&state, &actor, lang, None, &Fields::default()).await
}

fn form_input(f: &Fields) -> Result<EntryInput, ApiError> {
    Ok(EntryInput {
        code: f.string("code"),
        name: f.string("name"),
        owner_id: f.i64("owner_id")?,
    })
}

/// The answer to a form: back to the page, or the page again with why
/// the entry was refused.
async fn after_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    (v, sent): (Vocabulary, &Fields),
    done: Result<Entry, ApiError>,
) -> Response {
    match done {
        Ok(_) => Redirect::to("/model-types/fields").into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            render(state, actor, lang, Some((v, e)), sent).await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn create_form_of(
    state: AppState,
    actor: Actor,
    lang: Lang,
    v: Vocabulary,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let done = async { create(&state, &actor, v, &form_input(&f)?).await }.await;
    after_form(&state, &actor, lang, (v, &f), done).await
}

async fn rename_form_of(
    state: AppState,
    actor: Actor,
    lang: Lang,
    v: Vocabulary,
    raw: String,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let done = async {
        actor.require(ACTION)?;
        let code = code_of(&raw)?;
        rename(&state, &actor, v, code, &form_input(&f)?).await
    }
    .await;
    // A refused rename shows the page as stored: the add form stays empty.
    after_form(&state, &actor, lang, (v, &Fields::default()), done).await
}

async fn create_field_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    create_form_of(state, actor, lang, Vocabulary::Field, body).await
}

async fn create_place_kind_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    create_form_of(state, actor, lang, Vocabulary::PlaceKind, body).await
}

async fn rename_field_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    rename_form_of(state, actor, lang, Vocabulary::Field, code, body).await
}

async fn rename_place_kind_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    rename_form_of(state, actor, lang, Vocabulary::PlaceKind, code, body).await
}
