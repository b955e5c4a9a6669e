//! The HTML pages of the register: the list with its search, a new or
//! changed document, a document's page (its files, what it replaces, what
//! it governs, with the forms to attach and link), and the section every
//! linked record's page shows (`LinkedDocuments`). Every form goes through
//! the same parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::documents::{self as d, DocumentInput, Link, NewDocument};
use domain::policy::Action;
use domain::Reason;
use serde::Serialize;
use store::documents::links::LinkRow;
use store::documents::{self as docs, DocumentDetail, DocumentRow};

use super::{attach, detail, document_query, MAX_FILE_BYTES};
use crate::actor::Actor;
use crate::attachments;
use crate::error::{after_form, beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/documents", list_page)
        .post("/documents", create_form)
        .get("/documents/new", new_page)
        .get("/documents/{id}", show_page)
        .post("/documents/{id}", update_form)
        .get("/documents/{id}/edit", edit_page)
        .upload("/documents/{id}/files", upload_form)
        .post("/documents/{id}/files/{file_id}/delete", remove_file_form)
        .post("/documents/{id}/links", link_form)
        .post("/documents/{id}/links/delete", unlink_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "documents")
}

/// The coded values the filters and forms offer.
#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
    statuses: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: d::Kind::ALL.iter().map(|v| v.as_str()).collect(),
        levels: d::Level::ALL.iter().map(|v| v.as_str()).collect(),
        statuses: d::Status::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

// ---- the list ---------------------------------------------------------------------

const FILTERS: &[&str] = &["q", "kind", "level", "year", "status", "issuer", "org_unit"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<DocumentRow>,
    /// Counted up to `docs::COUNT_CAP`.
    total: i64,
    total_exact: bool,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
    unit_label: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "documents/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = document_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = docs::list(&state.db, actor.scope(), &query).await?;
        let per = i64::from(query.page.per_page.max(1));
        let total_exact = total <= docs::COUNT_CAP;
        let total = total.min(docs::COUNT_CAP);
        let page = ListPage {
            items,
            total,
            total_exact,
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
                .page(&base(&actor, lang, "/documents"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new or changed document ------------------------------------------------------

const DOCUMENT_FIELDS: &[&str] = &[
    "kind",
    "number",
    "issued_on",
    "issuers",
    "signer",
    "subject",
    "level",
    "unit",
    "org_unit_id",
    "in_force_from",
    "in_force_until",
    "replaces",
    "summary",
];

#[derive(Serialize)]
struct FormPage {
    form: Echo,
    unit_label: Option<String>,
    error: Option<FormError>,
    choices: Choices,
    /// The document being changed (none: a new one).
    editing: Option<i64>,
}

impl PageContext for FormPage {
    const TEMPLATE: &'static str = "documents/form.html";
}

async fn render_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: Echo,
    editing: Option<i64>,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let unit = form.get("org_unit_id").and_then(|s| s.trim().parse().ok());
    let page = FormPage {
        unit_label: pickers::unit_label_of(state, actor, unit)
            .await
            .ok()
            .flatten(),
        form,
        error: error.map(FormError::from),
        choices: choices(),
        editing,
    };
    let path = editing.map_or("/documents/new".to_string(), |id| {
        format!("/documents/{id}/edit")
    });
    Ok((
        status,
        state.templates.page(&base(actor, lang, path), &page),
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
        actor.require(Action::ManageDocuments)?;
        let f = Fields::from_query(q.as_deref());
        render_form(
            &state,
            &actor,
            lang,
            Echo::of(&f, DOCUMENT_FIELDS),
            None,
            None,
        )
        .await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// The entry as the form's fields hold it: issuers one per line, the
/// documents replaced by number (or `#id`), the unit by name or code.
async fn input_of(state: &AppState, actor: &Actor, f: &Fields) -> Result<DocumentInput, ApiError> {
    let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
    let org_unit_id = match f.get("unit").filter(|s| !s.trim().is_empty()) {
        Some(t) => Some(pickers::resolve_unit(state, actor, "org_unit_id", t).await?),
        None => f.i64("org_unit_id")?,
    };
    let issuers: Vec<String> = f
        .get("issuers")
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    let replaces = document_ids(state, actor, "replaces", f.get("replaces")).await?;
    Ok(DocumentInput {
        kind: text("kind"),
        number: text("number"),
        issued_on: text("issued_on"),
        issuers: Some(issuers),
        signer: text("signer"),
        subject: text("subject"),
        // National texts name no unit, whatever the form carried.
        org_unit_id: org_unit_id.filter(|_| f.get("level") != Some("national")),
        level: text("level"),
        in_force_from: text("in_force_from"),
        in_force_until: text("in_force_until"),
        replaces: Some(replaces),
        summary: text("summary"),
    })
}

/// The documents a form's field names, separated by commas, semicolons or
/// lines (`document_id` for each).
pub(crate) async fn document_ids(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    text: Option<&str>,
) -> Result<Vec<i64>, ApiError> {
    let mut out = Vec::new();
    for entry in text
        .unwrap_or_default()
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        out.push(document_id(state, actor, field, entry).await?);
    }
    Ok(out)
}

/// A document as a form names it (`field`): `#12` or its number, if one
/// visible document carries it.
pub(crate) async fn document_id(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    entry: &str,
) -> Result<i64, ApiError> {
    if let Some(id) = entry.strip_prefix('#').and_then(|s| s.trim().parse().ok()) {
        return Ok(id);
    }
    let found = docs::by_number(&state.db, actor.scope(), entry).await?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(ApiError::invalid(field, Reason::DocumentUnknown)),
        many => Err(ApiError::invalid(
            field,
            Reason::DocumentNumberAmbiguous {
                number: entry.chars().take(60).collect(),
                count: i64::try_from(many.len()).unwrap_or(i64::MAX),
            },
        )),
    }
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageDocuments)?;
        let doc = NewDocument::parse(&input_of(&state, &actor, &f).await?, domain::time::today())?;
        Ok(docs::create(&state.db, actor.author(), actor.scope(), &doc).await?)
    }
    .await;
    match r {
        Ok(row) => Redirect::to(&format!("/documents/{}", row.id)).into_response(),
        Err(e) if beside_form(&e) => render_form(
            &state,
            &actor,
            lang,
            Echo::of(&f, DOCUMENT_FIELDS),
            None,
            Some(e),
        )
        .await
        .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

/// The form's fields of a stored document.
fn echo_of(doc: &DocumentDetail) -> Echo {
    let x = &doc.document;
    let replaces: Vec<String> = doc.replaces.iter().map(|r| format!("#{}", r.id)).collect();
    let value = serde_json::json!({
        "kind": x.kind,
        "number": x.number,
        "issued_on": x.issued_on.to_string(),
        "issuers": x.issuers.join("\n"),
        "signer": x.signer,
        "subject": x.subject,
        "level": x.level,
        "org_unit_id": x.org_unit_id,
        "in_force_from": x.in_force_from.to_string(),
        "in_force_until": x.in_force_until.map(|u| u.to_string()),
        "replaces": replaces.join(", "),
        "summary": x.summary,
    });
    Echo::of_json(&value, DOCUMENT_FIELDS)
}

async fn edit_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        actor.require(Action::ManageDocuments)?;
        let id = forms::record_id(&id)?;
        let doc = detail(&state, &actor, id).await?;
        if !docs::may_write(&state.db, actor.scope(), id).await? {
            return Err(ApiError::forbidden());
        }
        render_form(&state, &actor, lang, echo_of(&doc), Some(id), None).await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

async fn update_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageDocuments)?;
        let id = forms::record_id(&id)?;
        detail(&state, &actor, id).await?;
        let doc = NewDocument::parse(&input_of(&state, &actor, &f).await?, domain::time::today())?;
        Ok(docs::update(&state.db, actor.author(), actor.scope(), id, &doc).await?)
    }
    .await;
    match r {
        Ok(row) => Redirect::to(&format!("/documents/{}", row.id)).into_response(),
        Err(e) if beside_form(&e) => {
            let editing = forms::record_id(&id).ok();
            render_form(
                &state,
                &actor,
                lang,
                Echo::of(&f, DOCUMENT_FIELDS),
                editing,
                Some(e),
            )
            .await
            .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

// ---- a document's page ------------------------------------------------------------

#[derive(Serialize)]
struct ShowPage {
    d: DocumentDetail,
    may_write: bool,
    /// What the link form offers (only to those who may link).
    candidates: Vec<LinkRow>,
    error: Option<FormError>,
    /// The form the error belongs to: `files` or `links`.
    error_form: &'static str,
    max_mib: usize,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "documents/show.html";
}

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<(&'static str, ApiError)>,
) -> Result<Response, ApiError> {
    let d = detail(state, actor, id).await?;
    let candidates = match actor.may(Action::ManageDocuments) {
        true => docs::links::candidates(&state.db, actor.scope(), 300).await?,
        false => Vec::new(),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(_, e)| e.status);
    let (error_form, error) = match error {
        Some((form, e)) => (form, Some(FormError::from(e))),
        None => ("", None),
    };
    let page = ShowPage {
        may_write: actor.may(Action::ManageDocuments)
            && docs::may_write(&state.db, actor.scope(), id).await?,
        d,
        candidates,
        error,
        error_form,
        max_mib: MAX_FILE_BYTES / 1024 / 1024,
    };
    let path = format!("/documents/{id}");
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

/// After a form of the document's page (`crate::error::after_form`).
async fn after(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    form: &'static str,
    r: Result<(), ApiError>,
) -> Response {
    let back = format!("/documents/{id}");
    after_form(lang, &back, form, r, |e| {
        render_show(state, actor, lang, id, Some((form, e)))
    })
    .await
}

async fn upload_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let r = async {
        actor.require(Action::ManageDocuments)?;
        detail(&state, &actor, id).await?;
        let form = crate::uploads::multipart(req, &state).await?;
        let (name, bytes) = attachments::uploaded_named(form, MAX_FILE_BYTES).await?;
        attach(&state, &actor, id, &name, bytes).await?;
        Ok(())
    }
    .await;
    after(&state, &actor, lang, id, "files", r).await
}

async fn remove_file_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, fid)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Ok(fid)) = (forms::record_id(&id), forms::record_id(&fid)) else {
        return page_error(lang, ApiError::not_found());
    };
    let r = async {
        actor.require(Action::ManageDocuments)?;
        Ok(docs::files::remove(&state.db, actor.author(), actor.scope(), id, fid).await?)
    }
    .await;
    after(&state, &actor, lang, id, "files", r).await
}

/// The `target` of a link form: `model_type:5`.
fn target(f: &Fields) -> Result<Link, ApiError> {
    Ok(Link::parse_pair(f.get("target").unwrap_or_default())?)
}

async fn link_form(
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
        actor.require(Action::ManageDocuments)?;
        detail(&state, &actor, id).await?;
        docs::links::add(&state.db, actor.author(), actor.scope(), id, target(&f)?).await?;
        Ok(())
    }
    .await;
    after(&state, &actor, lang, id, "links", r).await
}

async fn unlink_form(
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
        actor.require(Action::ManageDocuments)?;
        detail(&state, &actor, id).await?;
        Ok(docs::links::remove(&state.db, actor.author(), actor.scope(), id, target(&f)?).await?)
    }
    .await;
    after(&state, &actor, lang, id, "links", r).await
}

// ---- the section of a linked record -------------------------------------------------

/// The documents that govern a record, for its page
/// (`documents/linked.html`).
#[derive(Serialize)]
pub struct LinkedDocuments {
    kind: &'static str,
    id: i64,
    items: Vec<DocumentRow>,
}

impl LinkedDocuments {
    pub async fn of(state: &AppState, actor: &Actor, link: Link) -> Result<Self, ApiError> {
        Ok(LinkedDocuments {
            kind: link.kind.as_str(),
            id: link.id,
            items: docs::links::documents_of(&state.db, actor.scope(), link).await?,
        })
    }
}
