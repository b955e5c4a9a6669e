//! Movement models over HTTP: the type catalogue, deployed models with
//! status, ratings, activities and replication, the filtered list, the
//! matrix and map, and file export and import. The API handlers here and
//! the pages in `pages.rs` share the same parsing and checks.

mod files;
mod pages;
mod type_files;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::catalogue::{Catalogue, Owner};
use domain::error::codes;
use domain::models::{
    ActivityInput, ExemplarRef, ModelId, ModelInput, ModelRefs, ModelType, ModelTypeInput,
    NewActivity, NewModel, NewModelType, NewRating, Rating, RatingInput, Sector, Status,
    StatusChange, StatusInput,
};
use domain::page::Page;
use domain::policy::Action;
use domain::time::{parse_date, today};
use domain::Reason;
use store::accounts::Scope;
use store::models::{self, types, MatrixColumns, MatrixQuery, ModelQuery, ModelRow, Sort};

use domain::schema::{Day, SearchText};
use serde::Serialize;

use crate::actor::Actor;
use crate::api::{FileFormat, Items, List, PageParams, Problem, XLSX};
use crate::areas::check_unit;
use crate::catalogue::{HiddenInput, Workplace};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::replica::Reads;
use crate::routes::Routes;
use crate::AppState;

pub use crate::uploads::MAX_IMPORT_BYTES;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/model-types", types_api)
        .post("/api/v1/model-types", create_type_api)
        .get("/api/v1/model-types/{id}", type_api)
        .patch("/api/v1/model-types/{id}", patch_type_api)
        .put("/api/v1/model-types/{id}/hidden", hide_type_api)
        .upload("/api/v1/model-types/import", type_files::import_api)
        .get("/api/v1/models", list_api)
        .post("/api/v1/models", create_api)
        .upload("/api/v1/models/import", files::import_api)
        .get("/api/v1/models/matrix", matrix_api)
        .get("/api/v1/models/{id}", show_api)
        .patch("/api/v1/models/{id}", patch_api)
        .get("/api/v1/models/{id}/status", status_api)
        .post("/api/v1/models/{id}/status", change_status_api)
        .get("/api/v1/models/{id}/ratings", ratings_api)
        .post("/api/v1/models/{id}/ratings", rate_api)
        .get("/api/v1/models/{id}/activities", activities_api)
        .post("/api/v1/models/{id}/activities", add_activity_api)
        .get("/api/v1/models/{id}/replicas", replicas_api)
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        types_api,
        create_type_api,
        type_api,
        patch_type_api,
        hide_type_api,
        type_files::import_api,
        list_api,
        create_api,
        files::import_api,
        matrix_api,
        show_api,
        patch_api,
        status_api,
        change_status_api,
        ratings_api,
        rate_api,
        activities_api,
        add_activity_api,
        replicas_api
    ),
    components(schemas(SortParam, ColumnsParam))
)]
pub struct Api;

/// `sort` of the list.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
enum SortParam {
    #[schema(rename = "newest")]
    Newest,
    #[schema(rename = "name")]
    Name,
    #[schema(rename = "founded_on")]
    FoundedOn,
    #[schema(rename = "-founded_on")]
    FoundedOnDesc,
}

/// `columns` of the matrix.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum ColumnsParam {
    Field,
    Type,
}

/// A page of models; past 1,000 matches the count stops.
#[derive(Serialize, utoipa::ToSchema)]
struct ModelPage {
    items: Vec<ModelRow>,
    /// Matches, counted up to 1,000.
    total: i64,
    /// False when more than 1,000 match.
    total_exact: bool,
    page: u32,
    per_page: u32,
}

/// The models replicated from one, and how many more lie outside the scope.
#[derive(Serialize, utoipa::ToSchema)]
struct ReplicaList {
    items: Vec<models::Replica>,
    outside_scope: i64,
}

// ---- shared checks --------------------------------------------------------

/// A model id from the path; anything else is "not found".
fn model_id(raw: &str) -> Result<i64, ApiError> {
    forms::path_id(raw).map_err(|_| ApiError::not_found())
}

/// The model, if the actor's scope reaches it (other capabilities ask too).
pub(crate) async fn scoped_model(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<ModelRow, ApiError> {
    scoped(state, actor, id).await
}

pub(crate) use pages::back_with_error as page_with_error;

/// The model, if the actor's scope reaches it.
async fn scoped(state: &AppState, actor: &Actor, id: i64) -> Result<ModelRow, ApiError> {
    models::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The longest search text of the list.
const MAX_SEARCH_CHARS: usize = 100;

/// The list filters, from a query string (API and page alike).
fn parse_query(f: &Fields) -> Result<ModelQuery, ApiError> {
    let q = f.string("q");
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_SEARCH_CHARS || q.chars().any(char::is_control))
    {
        return Err(ApiError::invalid(
            "q",
            Reason::SearchInvalid {
                max: MAX_SEARCH_CHARS,
            },
        ));
    }
    let date = |k: &'static str| f.get(k).map(|d| parse_date(k, d)).transpose();
    let exemplar = f.bool("exemplar")?;
    let sort = match f.get("sort") {
        None => Sort::default(),
        Some(s) => Sort::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "sort",
                Reason::SortUnknown {
                    allowed: codes::MODEL_SORTS.to_vec(),
                },
            )
        })?,
    };
    Ok(ModelQuery {
        type_id: f.i64("type")?,
        sector: f
            .get("field")
            .map(|s| Sector::parse("field", s))
            .transpose()?,
        org_unit: f.i64("org_unit")?,
        as_of: date("as_of")?,
        status: f
            .get("status")
            .map(|s| Status::parse("status", s))
            .transpose()?,
        rating: f
            .get("rating")
            .map(|s| Rating::parse("rating", s))
            .transpose()?,
        exemplar,
        founded_from: date("founded_from")?,
        founded_to: date("founded_to")?,
        unrated_in: year(f, "unrated")?,
        q,
        sort,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// A year (1900–2200) given as a filter.
fn year(f: &Fields, key: &'static str) -> Result<Option<i32>, ApiError> {
    f.i64(key)?
        .map(|y| {
            i32::try_from(y)
                .ok()
                .filter(|y| (1900..=2200).contains(y))
                .ok_or_else(|| ApiError::invalid(key, Reason::ValueInvalid))
        })
        .transpose()
}

fn parse_matrix(f: &Fields) -> Result<MatrixQuery, ApiError> {
    Ok(MatrixQuery {
        org_unit: f.i64("org_unit")?,
        date: f
            .get("as_of")
            .map(|d| parse_date("as_of", d))
            .transpose()?
            .unwrap_or_else(today),
        columns: match f.get("columns") {
            None | Some("field") => MatrixColumns::Sector,
            Some("type") => MatrixColumns::Type,
            Some(_) => {
                return Err(ApiError::invalid(
                    "columns",
                    Reason::ColumnsUnknown {
                        allowed: codes::MATRIX_COLUMNS.to_vec(),
                    },
                ))
            }
        },
    })
}

/// Checks a model's input against what it refers to, looked up within the
/// actor's scope: an exemplar outside it is "not found", with nothing of
/// its name or dates in the answer. A link to an exemplar that the stored
/// model (`current`) already has stays valid through edits, wherever the
/// exemplar is: someone with a wider scope may have made it.
async fn parse_model(
    state: &AppState,
    actor: &Actor,
    input: &ModelInput,
    current: Option<&ModelRow>,
) -> Result<NewModel, ApiError> {
    let model_type = match input.type_id {
        Some(id) => types::get(&state.db, id).await?,
        None => None,
    };
    let unit = match input.org_unit_id {
        Some(id) => store::org_units::get(&state.db, actor.scope(), id)
            .await?
            .map(|v| v.unit),
        None => None,
    };
    let exemplar = match input.replicated_from {
        Some(id) => match models::exemplar_ref(&state.db, actor.scope(), id).await? {
            Some(e) => Some(e),
            None => kept_exemplar(state, current, id).await?,
        },
        None => None,
    };
    Ok(NewModel::parse(
        input,
        &ModelRefs {
            model_type: model_type.as_ref(),
            unit: unit.as_ref(),
            exemplar: exemplar.as_ref(),
            this: current.map(|m| m.id),
        },
        today(),
    )?)
}

/// The exemplar outside the scope that the stored model already names:
/// judged as founded on the model's own founding day, so that whether an
/// edit is refused depends on nothing of the exemplar's (its founding day
/// could otherwise be found by trying dates). The model can keep or move
/// its founding day later, not earlier.
async fn kept_exemplar(
    state: &AppState,
    current: Option<&ModelRow>,
    id: ModelId,
) -> Result<Option<ExemplarRef>, ApiError> {
    let Some(m) = current.filter(|m| m.replicated_from == Some(id)) else {
        return Ok(None);
    };
    Ok(models::exemplar_ref(&state.db, Scope::All, id)
        .await?
        .map(|e| ExemplarRef {
            founded_on: m.founded_on,
            ..e
        }))
}

async fn create(state: &AppState, actor: &Actor, input: &ModelInput) -> Result<ModelRow, ApiError> {
    actor.require(Action::ManageModels)?;
    let m = parse_model(state, actor, input, None).await?;
    Ok(models::create(&state.db, actor.author(), actor.scope(), &m).await?)
}

/// A patch: the fields sent replace the stored ones; the unit stays.
async fn patch(
    state: &AppState,
    actor: &Actor,
    id: i64,
    patch: &serde_json::Value,
) -> Result<ModelRow, ApiError> {
    actor.require(Action::ManageModels)?;
    let current = scoped(state, actor, id).await?;
    let mut merged = serde_json::to_value(input_of(&current)).map_err(|_| ApiError::not_found())?;
    let (Some(obj), Some(p)) = (merged.as_object_mut(), patch.as_object()) else {
        return Err(ApiError::invalid("body", Reason::JsonObjectExpected));
    };
    for (k, v) in p {
        if k == "org_unit_id" && v.as_i64() != Some(current.org_unit_id) {
            return Err(ApiError::invalid("org_unit_id", Reason::ModelUnitFixed));
        }
        obj.insert(k.clone(), v.clone());
    }
    let input: ModelInput = serde_json::from_value(merged).map_err(|e| {
        ApiError::invalid(
            "body",
            Reason::JsonInvalid {
                detail: e.to_string(),
            },
        )
    })?;
    let m = parse_model(state, actor, &input, Some(&current)).await?;
    Ok(models::update(&state.db, actor.author(), actor.scope(), id, &m).await?)
}

/// A stored model as input again (for patches and the edit form).
fn input_of(m: &ModelRow) -> ModelInput {
    ModelInput {
        type_id: Some(m.type_id),
        org_unit_id: Some(m.org_unit_id),
        name: Some(m.name.clone()),
        founded_on: Some(m.founded_on.to_string()),
        decision_no: m.decision_no.clone(),
        decision_date: m.decision_date.map(|d| d.to_string()),
        decision_issuer: m.decision_issuer.clone(),
        members: m.members,
        households: m.households,
        leader_name: m.leader_name.clone(),
        leader_role: m.leader_role.clone(),
        partners: m.partners.clone(),
        tags: Some(m.tag_list()),
        replicated_from: m.replicated_from,
    }
}

async fn change_status(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &StatusInput,
) -> Result<ModelRow, ApiError> {
    actor.require(Action::ManageModels)?;
    scoped(state, actor, id).await?;
    let spans = models::status_spans(&state.db, id).await?;
    let last = spans.last().ok_or_else(ApiError::not_found)?;
    let c = StatusChange::parse(input, last, today())?;
    Ok(models::change_status(&state.db, actor.author(), actor.scope(), id, &c).await?)
}

async fn rate(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &RatingInput,
) -> Result<ModelRow, ApiError> {
    actor.require(Action::RateModels)?;
    let m = scoped(state, actor, id).await?;
    let r = NewRating::parse(input, m.founded_on, today())?;
    Ok(models::rate(&state.db, actor.author(), actor.scope(), id, &r).await?)
}

async fn add_activity(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &ActivityInput,
) -> Result<models::ActivityRow, ApiError> {
    actor.require(Action::LogModelActivities)?;
    let m = scoped(state, actor, id).await?;
    let a = NewActivity::parse(input, m.founded_on, today())?;
    Ok(models::add_activity(&state.db, actor.author(), id, &a).await?)
}

/// Adds a type to the catalogue the user keeps (the national one for
/// administrators, their province's for its staff; `owner_id` names
/// another), or changes one the policy lets them change.
async fn save_type(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    input: &ModelTypeInput,
) -> Result<ModelType, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let at = Workplace::of(state, actor).await?;
    match id {
        None => {
            let owner = at.owner_of_new(actor, Action::ManageModelTypes, input.owner_id)?;
            let t = NewModelType::parse(input, None, today())?;
            Ok(types::create(&state.db, actor.author(), owner, &t).await?)
        }
        Some(id) => {
            let current = types::entry(&state.db, id, at.provinces())
                .await?
                .ok_or_else(ApiError::not_found)?
                .model_type;
            at.require_change(actor, Action::ManageModelTypes, current.owner)?;
            if input
                .owner_id
                .is_some_and(|o| Owner::Province(o) != current.owner)
            {
                return Err(ApiError::invalid("owner_id", Reason::OwnerFixed));
            }
            let t = NewModelType::parse(input, Some(&current), today())?;
            Ok(types::update(&state.db, actor.author(), id, &t).await?)
        }
    }
}

/// Hides a national type for a province (the user's one unless named),
/// or shows it again; answers the type as the user now sees it.
async fn hide_type(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &HiddenInput,
) -> Result<types::Listed, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let at = Workplace::of(state, actor).await?;
    let t = types::entry(&state.db, id, at.provinces())
        .await?
        .ok_or_else(ApiError::not_found)?;
    let province = at.hiding_province(input.province_id)?;
    at.require_hide(actor, Action::ManageModelTypes, province)?;
    let owner = t.model_type.owner;
    let author = actor.author();
    store::catalogue::set_hidden(
        &state.db,
        author,
        Catalogue::ModelType,
        id,
        owner,
        province,
        input.hidden,
    )
    .await?;
    types::entry(&state.db, id, at.provinces())
        .await?
        .ok_or_else(ApiError::not_found)
}

// ---- API handlers ---------------------------------------------------------

/// The catalogue of model types: the national types (those the user's province hid marked) and the province's own
#[utoipa::path(get, path = "/api/v1/model-types", tag = "models",
    params(
        ("retired" = Option<bool>, Query, description = "Include retired types."),
        ("format" = Option<FileFormat>, Query, description = "xlsx or csv: the catalogue as a file (retired types included), as the import reads it back."),
    ),
    responses((status = 200, description = "Types, or the catalogue file",
        content((List<types::Listed> = "application/json"), (Vec<u8> = XLSX), (String = "text/csv")))))]
async fn types_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    // Anything but a yes or no is refused, not read as "no".
    let all = f.bool("retired")?.unwrap_or(false);
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        return type_files::export_types(&state, &actor, fmt).await;
    }
    let at = Workplace::of(&state, &actor).await?;
    let items = types::listed(&state.db, at.provinces(), all).await?;
    Ok(Json(List::all(items)).into_response())
}

/// One type (another province's is not found)
#[utoipa::path(get, path = "/api/v1/model-types/{id}", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Type", body = types::Listed)))]
async fn type_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let t = types::entry(&state.db, model_id(&id)?, at.provinces())
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(t).into_response())
}

/// Hide a national type for a province, or use it again (province staff for their province)
#[utoipa::path(put, path = "/api/v1/model-types/{id}/hidden", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = HiddenInput,
    responses((status = 200, description = "The type as the user now sees it", body = types::Listed)))]
async fn hide_type_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let id = model_id(&id)?;
    let input: HiddenInput = forms::json(&body)?;
    Ok(Json(hide_type(&state, &actor, id, &input).await?).into_response())
}

/// Add a type (admins, province staff)
#[utoipa::path(post, path = "/api/v1/model-types", tag = "models", request_body = ModelTypeInput,
    responses((status = 201, description = "Created", body = ModelType)))]
async fn create_type_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let input: ModelTypeInput = forms::json(&body)?;
    let t = save_type(&state, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// Edit or retire a type; its models keep it
#[utoipa::path(patch, path = "/api/v1/model-types/{id}", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = ModelTypeInput,
    responses((status = 200, description = "Saved", body = ModelType)))]
async fn patch_type_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let id = model_id(&id)?;
    let input: ModelTypeInput = forms::json(&body)?;
    Ok(Json(save_type(&state, &actor, Some(id), &input).await?).into_response())
}

/// Models within scope, filtered, sorted and paged; or the whole list as XLSX/CSV
#[utoipa::path(get, path = "/api/v1/models", tag = "models",
    params(
        ("type" = Option<i64>, Query, description = "Model type id."),
        ("field" = Option<Sector>, Query, description = "Field (sector)."),
        ("org_unit" = Option<i64>, Query, description = "Unit id: models there and under it, across the 2025 mapping."),
        ("as_of" = Option<Day>, Query, description = "Models as they stood on this day (founded by then; status and rating of that day)."),
        ("status" = Option<Status>, Query, description = "Status (on `as_of` if given)."),
        ("rating" = Option<Rating>, Query, description = "Latest rating, or the rating of `as_of`'s year."),
        ("exemplar" = Option<bool>, Query, description = "Exemplar in the latest rated year, or in `as_of`'s year."),
        ("founded_from" = Option<Day>, Query, description = "Founded on or after."),
        ("unrated" = Option<domain::schema::Year>, Query, description = "Not rated for this year (2026): the models still to rate."),
        ("founded_to" = Option<Day>, Query, description = "Founded on or before."),
        ("q" = Option<SearchText>, Query, description = "Words of the name, without case or diacritics."),
        ("sort" = Option<SortParam>, Query, description = "Order."),
        PageParams,
        ("format" = Option<FileFormat>, Query, description = "xlsx or csv: the whole list as a file."),
    ),
    responses(
        (status = 200, description = "A page of models, or the file",
            content((ModelPage = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "Unknown or out-of-scope unit.", body = Problem),
    ))]
async fn list_api(
    State(state): State<AppState>,
    Reads(reads): Reads,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(raw.as_deref());
    let q = parse_query(&f)?;
    check_unit(&state, &actor, q.org_unit).await?;
    match f.get("format") {
        None | Some("json") => {
            let (items, total) = models::query::list(&reads, actor.scope(), &q).await?;
            let exact = total <= models::query::COUNT_CAP;
            let total = total.min(models::query::COUNT_CAP);
            Ok(Json(ModelPage {
                items,
                total,
                total_exact: exact,
                page: q.page.page,
                per_page: q.page.per_page,
            })
            .into_response())
        }
        Some(fmt) => files::export_list(&reads, &actor, &q, fmt).await,
    }
}

/// Add a model
#[utoipa::path(post, path = "/api/v1/models", tag = "models", request_body = ModelInput,
    responses((status = 201, description = "Created", body = ModelRow)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModels)?;
    let input: ModelInput = forms::json(&body)?;
    let m = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// One model
#[utoipa::path(get, path = "/api/v1/models/{id}", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Model", body = ModelRow)))]
async fn show_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(scoped(&state, &actor, model_id(&id)?).await?).into_response())
}

/// Edit a model (fields sent replace; the unit stays)
#[utoipa::path(patch, path = "/api/v1/models/{id}", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = ModelInput,
    responses((status = 200, description = "Saved", body = ModelRow)))]
async fn patch_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModels)?;
    let id = model_id(&id)?;
    let p: serde_json::Value = forms::json(&body)?;
    Ok(Json(patch(&state, &actor, id, &p).await?).into_response())
}

/// Dated status changes, newest first
#[utoipa::path(get, path = "/api/v1/models/{id}/status", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Changes", body = Items<models::StatusEntry>)))]
async fn status_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = model_id(&id)?;
    scoped(&state, &actor, id).await?;
    let items = models::status_history(&state.db, id).await?;
    Ok(Json(Items { items }).into_response())
}

/// Record a dated status change with its reason
#[utoipa::path(post, path = "/api/v1/models/{id}/status", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = StatusInput,
    responses((status = 201, description = "Recorded", body = ModelRow)))]
async fn change_status_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModels)?;
    let id = model_id(&id)?;
    let input: StatusInput = forms::json(&body)?;
    let m = change_status(&state, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// Yearly ratings
#[utoipa::path(get, path = "/api/v1/models/{id}/ratings", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Ratings", body = Items<models::RatingRow>)))]
async fn ratings_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = model_id(&id)?;
    scoped(&state, &actor, id).await?;
    let items = models::ratings(&state.db, id).await?;
    Ok(Json(Items { items }).into_response())
}

/// Rate a year (replaces that year's rating); admins and province staff
#[utoipa::path(post, path = "/api/v1/models/{id}/ratings", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = RatingInput,
    responses((status = 201, description = "Rated", body = ModelRow)))]
async fn rate_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::RateModels)?;
    let id = model_id(&id)?;
    let input: RatingInput = forms::json(&body)?;
    let m = rate(&state, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// Activity log, newest first
#[utoipa::path(get, path = "/api/v1/models/{id}/activities", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Activities", body = Items<models::ActivityRow>)))]
async fn activities_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = model_id(&id)?;
    scoped(&state, &actor, id).await?;
    let items = models::activities(&state.db, id).await?;
    Ok(Json(Items { items }).into_response())
}

/// Log an activity
#[utoipa::path(post, path = "/api/v1/models/{id}/activities", tag = "models", params(("id" = i64, Path, minimum = 1)), request_body = ActivityInput,
    responses((status = 201, description = "Logged", body = models::ActivityRow)))]
async fn add_activity_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::LogModelActivities)?;
    let id = model_id(&id)?;
    let input: ActivityInput = forms::json(&body)?;
    let a = add_activity(&state, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// Models replicated from this one, and from those (within scope)
#[utoipa::path(get, path = "/api/v1/models/{id}/replicas", tag = "models", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Replicas", body = ReplicaList)))]
async fn replicas_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = model_id(&id)?;
    scoped(&state, &actor, id).await?;
    let (items, hidden) = models::replicas(&state.db, actor.scope(), id).await?;
    Ok(Json(ReplicaList {
        items,
        outside_scope: hidden,
    })
    .into_response())
}

/// Active models on a day: rows are the areas one level below the unit, columns fields or types
#[utoipa::path(get, path = "/api/v1/models/matrix", tag = "models",
    params(
        ("org_unit" = Option<i64>, Query, description = "The area; default: provinces, or the scope's units."),
        ("as_of" = Option<Day>, Query, description = "Default: today."),
        ("columns" = Option<ColumnsParam>, Query),
        ("format" = Option<FileFormat>, Query),
    ),
    responses(
        (status = 200, description = "The matrix",
            content((models::Matrix = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "Unknown or out-of-scope unit.", body = Problem),
    ))]
async fn matrix_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(raw.as_deref());
    let q = parse_matrix(&f)?;
    let m = models::query::matrix(&state.db, actor.scope(), &q).await?;
    match f.get("format") {
        None | Some("json") => Ok(Json(m).into_response()),
        Some(fmt) => files::export_matrix(&m, fmt),
    }
}
