//! The HTML pages of models: list with filters, a model's page (status,
//! ratings, activities, replicas, history), the create and edit forms,
//! the matrix with its map, the import page and the type catalogue.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::catalogue::Owner;
use domain::file::Done;
use domain::models::{
    ActivityInput, ActivityKind, ModelInput, ModelTypeInput, Rating, RatingInput, Status,
    StatusInput,
};
use domain::policy::Action;
use domain::time::today;
use domain::vocabulary::Vocabulary;
use domain::Reason;
use minijinja::Value;
use serde::Serialize;
use store::models::{self, types, Matrix, ModelRow, ModelsWritten};

use super::files::{self as mfiles};
use super::{
    add_activity, change_status, create, hide_type, input_of, model_id, parse_matrix, parse_query,
    patch, rate, save_type, scoped, MAX_IMPORT_BYTES,
};
use crate::actor::Actor;
use crate::catalogue::{HiddenInput, Workplace};
use crate::error::{page_error, ApiError};
use crate::forms::{Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::org_units::Area;
use crate::pickers;
use crate::routes::Routes;
use crate::uploads;
use crate::vocabulary::{self, Choice, Labels};
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/models", list_page)
        .post("/models", create_form)
        .get("/models/new", new_page)
        .get("/models/matrix", matrix_page)
        .get("/models/import", import_page)
        .post("/models/import/confirm", import_confirm_form)
        .upload("/models/import", import_form)
        .get("/models/{id}", show_page)
        .get("/models/{id}/edit", edit_page)
        .post("/models/{id}/edit", edit_form)
        .post("/models/{id}/status", status_form)
        .post("/models/{id}/ratings", rating_form)
        .post("/models/{id}/activities", activity_form)
        .get("/model-types", types_page)
        .post("/model-types", type_create_form)
        .get("/model-types/{id}", type_page)
        .post("/model-types/{id}", type_edit_form)
        .post("/model-types/{id}/hidden", type_hidden_form)
        .get("/model-types/import", types_import_page)
        .upload("/model-types/import", types_import_form)
        .post("/model-types/import/confirm", types_import_confirm_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "models")
}

/// The choices the filters and forms offer.
#[derive(Serialize)]
struct Choices {
    /// The types the user sees: national (hidden ones marked) and their
    /// provinces' own.
    types: Vec<types::Listed>,
    /// The fields the user's lists hold (national, their provinces').
    sectors: Vec<Choice>,
    statuses: Vec<&'static str>,
    ratings: Vec<&'static str>,
    activity_kinds: Vec<&'static str>,
    /// Villages, communes and the kinds of place the user's lists hold.
    targets: Vec<Choice>,
    /// The names of every stored field and place.
    labels: Labels,
}

async fn choices(state: &AppState, actor: &Actor) -> Result<Choices, ApiError> {
    let at = Workplace::of(state, actor).await?;
    Ok(Choices {
        types: types::listed(&state.db, at.provinces(), true).await?,
        sectors: vocabulary::choices(
            &store::vocabulary::list(&state.db, Vocabulary::Field, at.provinces()).await?,
        ),
        statuses: Status::ALL.iter().map(|s| s.as_str()).collect(),
        ratings: Rating::ALL.iter().map(|s| s.as_str()).collect(),
        activity_kinds: ActivityKind::ALL.iter().map(|s| s.as_str()).collect(),
        targets: vocabulary::target_choices(
            &store::vocabulary::list(&state.db, Vocabulary::PlaceKind, at.provinces()).await?,
        ),
        labels: Labels::load(state).await?,
    })
}

/// The list's filters (`f.*` in `models/list.html`).
const FILTERS: &[&str] = &[
    "q",
    "type",
    "org_unit",
    "status",
    "rating",
    "exemplar",
    "field",
    "as_of",
    "founded_from",
    "founded_to",
    "unrated",
    "sort",
];

/// The fields of the create and edit form (`form.*` in `models/form.html`).
const FORM_FIELDS: &[&str] = &[
    "type_id",
    "org_unit_id",
    "org_unit",
    "replicated_from_name",
    "name",
    "founded_on",
    "decision_no",
    "decision_date",
    "decision_issuer",
    "members",
    "households",
    "leader_name",
    "leader_role",
    "partners",
    "tags",
    "replicated_from",
];

/// The fields of a model type's form (`ty.*` in `models/type_fields.html`).
const TYPE_FIELDS: &[&str] = &[
    "owner_id",
    "code",
    "name",
    "short_name",
    "sector",
    "description",
    "legal_basis",
    "lead_org",
    "coordinating_orgs",
];

#[derive(Serialize)]
struct ListPage {
    items: Vec<ModelRow>,
    total: i64,
    total_exact: bool,
    choices: Choices,
    unit_name: Option<String>,
    areas: Vec<Area>,
    f: Echo,
    sorts: [(&'static str, &'static str); 4],
    error: Option<FormError>,
    page: u32,
    pages: i64,
    qs: String,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "models/list.html";
}

#[derive(Serialize)]
struct ShowPage<'a> {
    m: ModelRow,
    replicas: Vec<models::Replica>,
    hidden: i64,
    statuses: Vec<models::StatusEntry>,
    ratings: Vec<models::RatingRow>,
    activities: Vec<models::ActivityRow>,
    history: Vec<store::audit::Entry>,
    choices: Choices,
    error: Option<FormError>,
    /// Which of the page's forms was refused (`status`, `rating`, `activity`).
    error_form: &'a str,
    this_year: i32,
    /// The programmes of the model's area it may be named under (for
    /// those who manage models).
    programs: Vec<store::programs::ProgramRow>,
}

impl PageContext for ShowPage<'_> {
    const TEMPLATE: &'static str = "models/show.html";
}

#[derive(Serialize)]
struct FormPage<'a> {
    model: Option<&'a ModelRow>,
    form: Echo,
    choices: Choices,
    /// The unit and the replicated exemplar as the pickers write them.
    unit_label: Option<String>,
    replica_label: Option<String>,
    error: Option<FormError>,
}

impl PageContext for FormPage<'_> {
    const TEMPLATE: &'static str = "models/form.html";
}

#[derive(Serialize)]
struct MatrixPage {
    svg: Value,
    m: Matrix,
    crumbs: Vec<store::org_units::Crumb>,
    columns: &'static str,
    qs: String,
}

impl PageContext for MatrixPage {
    const TEMPLATE: &'static str = "models/matrix.html";
}

#[derive(Serialize)]
struct ImportPage<'a> {
    /// What a confirmed file wrote.
    written: Option<domain::file::Written>,
    /// What an uploaded file would do, and the form that confirms it.
    shown: Option<uploads::PreviewShown>,
    #[serde(skip)]
    status: StatusCode,
    #[serde(flatten)]
    rows: uploads::RowErrors<'a>,
    max_mb: usize,
}

impl PageContext for ImportPage<'_> {
    const TEMPLATE: &'static str = "models/import.html";
}

/// A type on the catalogue's pages, with what the user may do to it.
#[derive(Serialize)]
struct TypeItem {
    #[serde(flatten)]
    entry: types::Listed,
    /// Change or retire it (its owner's keepers).
    may_edit: bool,
    /// Hide it for the user's province, or show it again (a national type,
    /// a province's staff).
    may_hide: bool,
}

impl TypeItem {
    fn new(entry: types::Listed, actor: &Actor, at: &Workplace) -> Self {
        let owner = entry.model_type.owner;
        let may_edit = at.may_change(actor, Action::ManageModelTypes, owner);
        let may_hide = owner == Owner::National
            && at
                .single()
                .is_some_and(|p| at.may_hide(actor, Action::ManageModelTypes, p));
        TypeItem {
            entry,
            may_edit,
            may_hide,
        }
    }
}

#[derive(Serialize)]
struct TypesPage {
    items: Vec<TypeItem>,
    /// Whose catalogue a new type may join: for administrators the
    /// national one (no id) and every province; for a province's staff
    /// their province(s).
    owners: Vec<store::catalogue::Province>,
    national_owner: bool,
    choices: Choices,
    /// The new type's form, as sent.
    form: Echo,
    error: Option<FormError>,
}

impl PageContext for TypesPage {
    const TEMPLATE: &'static str = "models/types.html";
}

#[derive(Serialize)]
struct TypePage {
    ty: TypeItem,
    choices: Choices,
    /// The documents linked as its legal basis (its free text stays for
    /// the types that have none yet).
    linked: crate::documents::LinkedDocuments,
}

impl PageContext for TypePage {
    const TEMPLATE: &'static str = "models/type.html";
}

fn with_status(mut r: Response, bad: bool) -> Response {
    if bad {
        crate::templates::with_status(&mut r, StatusCode::BAD_REQUEST);
    }
    r
}

/// A refused form: a 400 page that names the field, with a way back.
fn refused(state: &AppState, actor: &Actor, lang: Lang, e: ApiError, back: &str) -> Response {
    state.templates.refused(&base(actor, lang, back), e, back)
}

// ---- list -----------------------------------------------------------------

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Fields::from_query(raw.as_deref());
    let query = parse_query(&f);
    let (items, total, error, page, per) = match query {
        Err(e) => (Vec::new(), 0, Some(e), 1, 50),
        Ok(q) => {
            if let Err(e) = crate::areas::check_unit(&state, &actor, q.org_unit).await {
                return page_error(lang, e);
            }
            match models::query::list(&state.db, actor.scope(), &q).await {
                Ok((items, total)) => (items, total, None, q.page.page, q.page.per_page),
                Err(e) => return page_error(lang, e.into()),
            }
        }
    };
    let unit_name = match f.i64("org_unit") {
        Ok(Some(id)) => store::org_units::get(&state.db, actor.scope(), id)
            .await
            .ok()
            .flatten()
            .map(|v| v.unit.name),
        _ => None,
    };
    let (choices, areas) = match async {
        Ok::<_, ApiError>((
            choices(&state, &actor).await?,
            crate::org_units::areas(&state, &actor).await?,
        ))
    }
    .await
    {
        Ok(c) => c,
        Err(e) => return page_error(lang, e),
    };
    let per = i64::from(per.max(1));
    let total_exact = total <= models::query::COUNT_CAP;
    let total = total.min(models::query::COUNT_CAP);
    let qs = f.query_string();
    let bad = error.is_some();
    let page = ListPage {
        items,
        total,
        total_exact,
        choices,
        unit_name,
        areas,
        f: Echo::of(&f, FILTERS),
        sorts: [
            ("newest", "models.sort_newest"),
            ("name", "models.sort_name"),
            ("founded_on", "models.sort_founded_on"),
            ("-founded_on", "models.sort_desc_founded_on"),
        ],
        error: error.map(FormError::from),
        page,
        pages: (total + per - 1) / per,
        qs: qs.clone(),
    };
    let base = base(&actor, lang, format!("/models?{qs}"));
    with_status(state.templates.page(&base, &page), bad)
}

// ---- one model ------------------------------------------------------------

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    match show(&state, &actor, lang, &id, None).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    error: Option<(ApiError, &str)>,
) -> Result<Response, ApiError> {
    let id = model_id(id)?;
    let m = scoped(state, actor, id).await?;
    let db = &state.db;
    let (replicas, hidden) = models::replicas(db, actor.scope(), id).await?;
    let (form, error) = match error {
        Some((e, form)) => (form, Some(e)),
        None => ("", None),
    };
    let bad = error.is_some();
    let programs = match actor.may(Action::ManageModels) {
        true => crate::programs::under_way_at(state, actor, m.org_unit_id).await?,
        false => Vec::new(),
    };
    let page = ShowPage {
        programs,
        m,
        replicas,
        hidden,
        statuses: models::status_history(db, id).await?,
        ratings: models::ratings(db, id).await?,
        activities: models::activities(db, id).await?,
        history: store::audit::history(db, "model", &id.to_string()).await?,
        choices: choices(state, actor).await?,
        error: error.map(FormError::from),
        error_form: form,
        this_year: chrono::Datelike::year(&today()),
    };
    let base = base(actor, lang, format!("/models/{id}"));
    Ok(with_status(state.templates.page(&base, &page), bad))
}

/// After a refused form on a model's page: the page again, with the error
/// beside the form that was sent.
pub(crate) async fn back_with_error(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    e: ApiError,
    form: &str,
) -> Response {
    if e.status != StatusCode::BAD_REQUEST {
        return page_error(lang, e);
    }
    match show(state, actor, lang, id, Some((e, form))).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn status_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let input = StatusInput {
        status: f.string("status"),
        date: f.string("date"),
        reason: f.string("reason"),
    };
    let r = match model_id(&id) {
        Ok(mid) => change_status(&state, &actor, mid, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/models/{id}")).into_response(),
        Err(e) => back_with_error(&state, &actor, lang, &id, e, "status").await,
    }
}

async fn rating_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let year = match f.i64("year") {
        Ok(y) => y.and_then(|y| i32::try_from(y).ok()),
        Err(e) => return back_with_error(&state, &actor, lang, &id, e, "rating").await,
    };
    let input = RatingInput {
        year,
        rating: f.string("rating"),
        rated_on: f.string("rated_on"),
        rater: f.string("rater"),
        note: f.string("note"),
        exemplar: Some(f.get("exemplar").is_some()),
    };
    let r = match model_id(&id) {
        Ok(mid) => rate(&state, &actor, mid, &input).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/models/{id}")).into_response(),
        Err(e) => back_with_error(&state, &actor, lang, &id, e, "rating").await,
    }
}

async fn activity_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        let input = ActivityInput {
            date: f.string("date"),
            kind: f.string("kind"),
            description: f.string("description"),
            participants: f.i64("participants")?,
            quantity: f.i64("quantity")?,
        };
        add_activity(&state, &actor, model_id(&id)?, &input).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/models/{id}")).into_response(),
        Err(e) => back_with_error(&state, &actor, lang, &id, e, "activity").await,
    }
}

// ---- create and edit ------------------------------------------------------

/// A model's input from the form.
fn model_input(f: &Fields) -> Result<ModelInput, ApiError> {
    Ok(ModelInput {
        type_id: f.i64("type_id")?,
        org_unit_id: f.i64("org_unit_id")?,
        name: f.string("name"),
        founded_on: f.string("founded_on"),
        decision_no: f.string("decision_no"),
        decision_date: f.string("decision_date"),
        decision_issuer: f.string("decision_issuer"),
        members: f.i64("members")?,
        households: f.i64("households")?,
        leader_name: f.string("leader_name"),
        leader_role: f.string("leader_role"),
        partners: f.string("partners"),
        tags: f.get("tags").map(|t| vec![t.to_string()]),
        replicated_from: f.i64("replicated_from")?,
    })
}

/// The form's fields with the unit and the replicated exemplar, typed or
/// picked by name (`org_unit`, `replicated_from_name`), read as their ids.
async fn picked(state: &AppState, actor: &Actor, f: &Fields) -> Result<Fields, ApiError> {
    let has = |k: &str| f.pairs().iter().any(|(x, _)| x == k);
    // What is typed wins over an id the same form carries.
    let (unit_typed, replica_typed) = (has("org_unit"), has("replicated_from_name"));
    let mut pairs: Vec<(String, String)> = f
        .pairs()
        .iter()
        .filter(|(k, _)| {
            !(unit_typed && k == "org_unit_id" || replica_typed && k == "replicated_from")
        })
        .cloned()
        .collect();
    if let Some(text) = f.get("org_unit") {
        let id = pickers::resolve_unit(state, actor, "org_unit_id", text).await?;
        pairs.push(("org_unit_id".into(), id.to_string()));
    }
    if let Some(text) = f.get("replicated_from_name") {
        let id = pickers::resolve_model(state, actor, "replicated_from", text).await?;
        pairs.push(("replicated_from".into(), id.to_string()));
    } else if replica_typed {
        // An emptied box: no longer a replication.
        pairs.push(("replicated_from".into(), String::new()));
    }
    Ok(Fields::from_pairs(pairs))
}

async fn render_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    model: Option<&ModelRow>,
    form: Echo,
    error: Option<ApiError>,
) -> Response {
    let choices = match choices(state, actor).await {
        Ok(c) => c,
        Err(e) => return page_error(lang, e),
    };
    // The unit is named on the form: its name, so people see where.
    // A number from a stored model, a string from a form or a query string.
    let unit_id = form
        .get("org_unit_id")
        .and_then(|s| s.trim().parse::<i64>().ok());
    let unit_label = match unit_id {
        Some(id) => store::org_units::get(&state.db, actor.scope(), id)
            .await
            .ok()
            .flatten()
            .map(|v| pickers::unit_label(&v)),
        None => None,
    };
    let replica_id = form
        .get("replicated_from")
        .and_then(|s| s.trim().parse::<i64>().ok());
    let replica_label = match replica_id {
        Some(id) => models::get(&state.db, actor.scope(), id)
            .await
            .ok()
            .flatten()
            .map(|m| pickers::model_label(&m.name, &m.org_unit_name)),
        None => None,
    };
    let path = model.map_or("/models/new".to_string(), |m| {
        format!("/models/{}/edit", m.id)
    });
    let bad = error.is_some();
    let page = FormPage {
        model,
        form,
        choices,
        unit_label,
        replica_label,
        error: error.map(FormError::from),
    };
    with_status(state.templates.page(&base(actor, lang, path), &page), bad)
}

async fn new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Err(e) = actor.require(Action::ManageModels) {
        return page_error(lang, e);
    }
    let f = Fields::from_query(raw.as_deref());
    let form = Echo::of(&f, FORM_FIELDS);
    render_form(&state, &actor, lang, None, form, None).await
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageModels)?;
        let picked = picked(&state, &actor, &f).await?;
        create(&state, &actor, &model_input(&picked)?).await
    }
    .await;
    match r {
        Ok(m) => Redirect::to(&format!("/models/{}", m.id)).into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            let form = Echo::of(&f, FORM_FIELDS);
            render_form(&state, &actor, lang, None, form, Some(e)).await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        actor.require(Action::ManageModels)?;
        scoped(&state, &actor, model_id(&id)?).await
    }
    .await;
    match r {
        Ok(m) => {
            let mut form = serde_json::to_value(input_of(&m)).unwrap_or_default();
            if let Some(o) = form.as_object_mut() {
                o.insert("tags".into(), m.tag_list().join("\n").into());
            }
            let form = Echo::of_json(&form, FORM_FIELDS);
            render_form(&state, &actor, lang, Some(&m), form, None).await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        let mid = model_id(&id)?;
        actor.require(Action::ManageModels)?;
        let picked = picked(&state, &actor, &f).await?;
        let mut input = serde_json::to_value(model_input(&picked)?).unwrap_or_default();
        // An emptied box clears the field: send it as null, not "absent".
        if let Some(o) = input.as_object_mut() {
            o.remove("org_unit_id");
            if o.get("tags").is_some_and(serde_json::Value::is_null) {
                o.insert("tags".into(), serde_json::json!([]));
            }
        }
        patch(&state, &actor, mid, &input).await
    }
    .await;
    match r {
        Ok(m) => Redirect::to(&format!("/models/{}", m.id)).into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            match model_id(&id) {
                Ok(mid) => match scoped(&state, &actor, mid).await {
                    Ok(m) => {
                        let form = Echo::of(&f, FORM_FIELDS);
                        render_form(&state, &actor, lang, Some(&m), form, Some(e)).await
                    }
                    Err(e) => page_error(lang, e),
                },
                Err(e) => page_error(lang, e),
            }
        }
        Err(e) => page_error(lang, e),
    }
}

// ---- matrix and map -------------------------------------------------------

/// The map of a matrix: one circle per area with coordinates.
fn map_svg(m: &Matrix, lang: Lang) -> String {
    let points: Vec<files::MapPoint> = m
        .rows
        .iter()
        .filter(|r| !r.direct)
        .filter_map(|r| {
            Some(files::MapPoint {
                lat: r.lat?,
                lon: r.lon?,
                value: r.total,
                label: r.name.clone(),
                href: Some(format!(
                    "/models/matrix?org_unit={}&as_of={}",
                    r.org_unit_id, m.date
                )),
            })
        })
        .collect();
    let t = |k| crate::i18n::text(lang, k);
    files::bubble_map(
        &points,
        t("models.map_title"),
        t("models.map_legend"),
        640,
        520,
    )
}

async fn matrix_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Fields::from_query(raw.as_deref());
    let r = async {
        let q = parse_matrix(&f)?;
        let m = models::query::matrix(&state.db, actor.scope(), &q).await?;
        Ok::<_, ApiError>((q, m))
    }
    .await;
    let (q, m) = match r {
        Ok(x) => x,
        Err(e) => return page_error(lang, e),
    };
    let crumbs = match m.org_unit_id {
        Some(id) => store::org_units::ancestors(&state.db, id)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let columns = if q.columns == store::models::MatrixColumns::Type {
        "type"
    } else {
        "field"
    };
    let qs = f.query_string();
    let page = MatrixPage {
        svg: Value::from_safe_string(map_svg(&m, lang)),
        m,
        crumbs,
        columns,
        qs: qs.clone(),
    };
    let base = base(&actor, lang, format!("/models/matrix?{qs}"));
    state.templates.page(&base, &page)
}

// ---- import ---------------------------------------------------------------

/// The draft register of the models import (`store::drafts`).
const DRAFTS: &str = "models";

async fn import_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    if let Err(e) = actor.require(Action::ManageModels) {
        return page_error(lang, e);
    }
    render_import(&state, &actor, lang, None).await
}

/// The import page: the form, and what the last file did or would do.
async fn render_import(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    outcome: Option<(uploads::PageOutcome<Done<ModelsWritten>>, String)>,
) -> Response {
    let action = "/models/import/confirm";
    let shown = outcome
        .as_ref()
        .map(|(o, draft)| o.shown(draft, action, |w| w.written.clone()));
    let page = ImportPage {
        written: shown.as_ref().and_then(|s| s.written.clone()),
        status: shown.as_ref().map_or(StatusCode::OK, |s| s.status),
        shown: shown.and_then(|s| s.preview),
        rows: outcome.as_ref().map(|(o, _)| o.rows()).unwrap_or_default(),
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    let mut res = state
        .templates
        .page(&base(actor, lang, "/models/import"), &page);
    crate::templates::with_status(&mut res, page.status);
    res
}

/// A file uploaded on the page: kept, checked, and shown as a preview
/// (nothing written until the user confirms).
async fn import_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    req: Request,
) -> Response {
    if let Err(e) = actor.require(Action::ManageModels) {
        return page_error(lang, e);
    }
    let who = (actor.author(), actor.scope());
    let none = |_: &Fields| Ok(String::new());
    let (r, draft, _) = uploads::previewed(
        &state,
        req,
        (actor.user.id, DRAFTS),
        none,
        |bytes, mode, _| {
            let state = &state;
            async move { mfiles::import_file(&state.db, who, &state.parses, bytes, &mode).await }
        },
    )
    .await;
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => render_import(&state, &actor, lang, Some((o, draft))).await,
        Err(e) => page_error(lang, e),
    }
}

/// The confirmation of a preview: the kept file is checked again and
/// written only if it still does what the preview showed.
async fn import_confirm_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageModels) {
        return page_error(lang, e);
    }
    let who = (actor.author(), actor.scope());
    let (r, kept, _) =
        uploads::confirmed(&state, (actor.user.id, DRAFTS), &body, |bytes, mode, _| {
            let state = &state;
            async move { mfiles::import_file(&state.db, who, &state.parses, bytes, &mode).await }
        })
        .await;
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => render_import(&state, &actor, lang, Some((o, kept))).await,
        Err(e) => page_error(lang, e),
    }
}

// ---- the type catalogue ---------------------------------------------------

fn type_input(f: &Fields) -> Result<ModelTypeInput, ApiError> {
    Ok(ModelTypeInput {
        code: f.string("code"),
        name: f.string("name"),
        short_name: f.string("short_name"),
        sector: f.string("sector"),
        targets: Some(f.all("targets").map(str::to_string).collect()),
        description: Some(f.string("description").unwrap_or_default()),
        legal_basis: Some(f.string("legal_basis").unwrap_or_default()),
        lead_org: Some(f.string("lead_org").unwrap_or_default()),
        coordinating_orgs: Some(f.string("coordinating_orgs").unwrap_or_default()),
        retired: Some(f.get("retired").is_some()),
        owner_id: f.i64("owner_id")?,
    })
}

async fn render_types(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: Echo,
    error: Option<ApiError>,
) -> Response {
    let r = async {
        let at = Workplace::of(state, actor).await?;
        let owners = store::catalogue::provinces(&state.db, at.provinces()).await?;
        Ok::<_, ApiError>((at, owners, choices(state, actor).await?))
    }
    .await;
    let (at, owners, choices) = match r {
        Ok(x) => x,
        Err(e) => return page_error(lang, e),
    };
    // The list is the choices' types (every type the user sees, retired
    // ones too): read once.
    let items = choices
        .types
        .iter()
        .cloned()
        .map(|t| TypeItem::new(t, actor, &at))
        .collect();
    let bad = error.is_some();
    let page = TypesPage {
        items,
        national_owner: at.may_change(actor, Action::ManageModelTypes, Owner::National),
        owners,
        choices,
        form,
        error: error.map(FormError::from),
    };
    with_status(
        state
            .templates
            .page(&base(actor, lang, "/model-types"), &page),
        bad,
    )
}

async fn types_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    let form = Echo::of(&Fields::default(), TYPE_FIELDS).with_all(&Fields::default(), "targets");
    render_types(&state, &actor, lang, form, None).await
}

async fn type_create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let saved = async {
        let mut input = type_input(&f)?;
        input.retired = None;
        save_type(&state, &actor, None, &input).await
    };
    match saved.await {
        Ok(_) => Redirect::to("/model-types").into_response(),
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.status == StatusCode::CONFLICT => {
            render_types(
                &state,
                &actor,
                lang,
                Echo::of(&f, TYPE_FIELDS).with_all(&f, "targets"),
                Some(e),
            )
            .await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn type_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let at = Workplace::of(&state, &actor).await?;
        let t = types::entry(&state.db, model_id(&id)?, at.provinces())
            .await?
            .ok_or_else(ApiError::not_found)?;
        let link = domain::documents::Link {
            kind: domain::documents::LinkKind::ModelType,
            id: t.model_type.id,
        };
        let linked = crate::documents::LinkedDocuments::of(&state, &actor, link).await?;
        let t = TypeItem::new(t, &actor, &at);
        Ok::<_, ApiError>((t, choices(&state, &actor).await?, linked))
    }
    .await;
    match r {
        Ok((t, choices, linked)) => {
            let base = base(&actor, lang, format!("/model-types/{id}"));
            let page = TypePage {
                ty: t,
                choices,
                linked,
            };
            state.templates.page(&base, &page)
        }
        Err(e) => page_error(lang, e),
    }
}

async fn type_edit_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        let tid = model_id(&id)?;
        save_type(&state, &actor, Some(tid), &type_input(&f)?).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/model-types").into_response(),
        Err(e) => refused(&state, &actor, lang, e, &format!("/model-types/{id}")),
    }
}

/// Hides a national type for the user's province, or uses it again.
async fn type_hidden_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageModelTypes)?;
        let input = HiddenInput {
            hidden: f
                .bool("hidden")?
                .ok_or_else(|| ApiError::invalid("hidden", Reason::Required))?,
            province_id: None,
        };
        hide_type(&state, &actor, model_id(&id)?, &input).await
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/model-types").into_response(),
        Err(e) => refused(&state, &actor, lang, e, &format!("/model-types/{id}")),
    }
}

/// The catalogue import page: the file, whose catalogue it joins, and
/// what the last file did.
#[derive(Serialize)]
struct TypesImportPage<'a> {
    /// What a confirmed file wrote.
    written: Option<domain::file::Written>,
    /// What an uploaded file would do, and the form that confirms it.
    shown: Option<uploads::PreviewShown>,
    #[serde(flatten)]
    rows: uploads::RowErrors<'a>,
    owners: Vec<store::catalogue::Province>,
    national_owner: bool,
    owner_id: Option<i64>,
    max_mb: usize,
}

impl PageContext for TypesImportPage<'_> {
    const TEMPLATE: &'static str = "models/types_import.html";
}

/// The draft register of the type catalogue import (`store::drafts`).
const TYPE_DRAFTS: &str = "model_types";

async fn types_import_render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    outcome: Option<(uploads::PageOutcome<Done<domain::file::Written>>, String)>,
    owner_id: Option<i64>,
) -> Response {
    let r = async {
        let at = Workplace::of(state, actor).await?;
        let owners = store::catalogue::provinces(&state.db, at.provinces()).await?;
        Ok::<_, ApiError>((at, owners))
    }
    .await;
    let (at, owners) = match r {
        Ok(x) => x,
        Err(e) => return page_error(lang, e),
    };
    let action = "/model-types/import/confirm";
    let shown = outcome
        .as_ref()
        .map(|(o, draft)| o.shown(draft, action, Clone::clone));
    let status = shown.as_ref().map_or(StatusCode::OK, |s| s.status);
    let page = TypesImportPage {
        written: shown.as_ref().and_then(|s| s.written.clone()),
        shown: shown.and_then(|s| s.preview),
        rows: outcome.as_ref().map(|(o, _)| o.rows()).unwrap_or_default(),
        owners,
        national_owner: at.may_change(actor, Action::ManageModelTypes, Owner::National),
        owner_id,
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
    };
    let mut res = state
        .templates
        .page(&base(actor, lang, "/model-types/import"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn types_import_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    if let Err(e) = actor.require(Action::ManageModelTypes) {
        return page_error(lang, e);
    }
    types_import_render(&state, &actor, lang, None, None).await
}

/// A catalogue file uploaded on the page: kept, checked and previewed.
async fn types_import_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    req: Request,
) -> Response {
    if let Err(e) = actor.require(Action::ManageModelTypes) {
        return page_error(lang, e);
    }
    // The catalogue a file joins is kept with it, as its option.
    let owner_of = |f: &Fields| {
        let owner = super::type_files::asked_owner(f)?;
        Ok(owner.map(|o| o.to_string()).unwrap_or_default())
    };
    let user = (actor.user.id, TYPE_DRAFTS);
    let (r, draft, options) = uploads::previewed(&state, req, user, owner_of, |bytes, mode, o| {
        let (state, actor) = (&state, &actor);
        async move {
            let owner = o.parse::<i64>().ok();
            super::type_files::import_types(state, actor, owner, bytes, &mode).await
        }
    })
    .await;
    let owner = options.parse::<i64>().ok();
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => types_import_render(&state, &actor, lang, Some((o, draft)), owner).await,
        Err(e) => page_error(lang, e),
    }
}

/// The confirmation of a catalogue preview: written only if the kept file
/// still does what the preview showed.
async fn types_import_confirm_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageModelTypes) {
        return page_error(lang, e);
    }
    let user = (actor.user.id, TYPE_DRAFTS);
    let (r, kept, options) = uploads::confirmed(&state, user, &body, |bytes, mode, options| {
        let (state, actor) = (&state, &actor);
        async move {
            let owner = options.parse::<i64>().ok();
            super::type_files::import_types(state, actor, owner, bytes, &mode).await
        }
    })
    .await;
    let owner = options.parse::<i64>().ok();
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => types_import_render(&state, &actor, lang, Some((o, kept)), owner).await,
        Err(e) => page_error(lang, e),
    }
}
