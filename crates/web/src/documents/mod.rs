//! The register of documents over HTTP: the list and its search, a
//! document with what it replaces, its files (kept as attachments, their
//! text read for search on the parse pool) and its links to what it
//! governs. Pages in `pages.rs` share the parsing and checks here
//! (`docs/architecture.md`, "Documents").

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::documents::{
    self as d, DocumentInput, Link, LinkInput, LinkKind, NewDocument, Search, Status,
};
use domain::page::Page;
use domain::policy::Action;
use domain::Reason;
use serde::Serialize;
use store::documents::files::{FileRow, NewFile};
use store::documents::links::LinkRow;
use store::documents::{self as docs, DocumentDetail, DocumentQuery, DocumentRow};

use crate::actor::Actor;
use crate::api::{List, PageParams, Problem};
use crate::attachments;
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

mod files;
mod pages;

pub use pages::LinkedDocuments;
pub(crate) use pages::{document_id, document_ids};

/// The most a document's file may weigh: a scanned plan of some pages.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/documents", list_api)
        .post("/api/v1/documents", create_api)
        .get("/api/v1/documents/{id}", get_api)
        .put("/api/v1/documents/{id}", update_api)
        .get("/api/v1/documents/{id}/files", files_api)
        .upload("/api/v1/documents/{id}/files", upload_api)
        .get("/api/v1/documents/{id}/files/{file_id}", file_api)
        .delete("/api/v1/documents/{id}/files/{file_id}", remove_file_api)
        .get("/api/v1/documents/{id}/links", links_api)
        .post("/api/v1/documents/{id}/links", link_api)
        .delete(
            "/api/v1/documents/{id}/links/{kind}/{target_id}",
            unlink_api,
        )
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        get_api,
        update_api,
        files_api,
        upload_api,
        file_api,
        remove_file_api,
        links_api,
        link_api,
        unlink_api
    ),
    components(schemas(d::Kind, d::Level, Status, LinkKind))
)]
pub struct Api;

/// A page of the register; past 1,000 matches the count stops.
#[derive(Serialize, utoipa::ToSchema)]
struct DocumentPage {
    items: Vec<DocumentRow>,
    /// Matches, counted up to 1,000.
    total: i64,
    /// False when more than 1,000 match (a search then shows the latest
    /// registered first instead of the best matches).
    total_exact: bool,
    page: u32,
    per_page: u32,
}

/// The register's filters, from a query string.
pub(crate) fn document_query(f: &Fields) -> Result<DocumentQuery, ApiError> {
    let coded = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    let year = match coded("year") {
        None => None,
        Some(y) => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (1945..=2100).contains(y))
                .ok_or_else(|| {
                    ApiError::invalid(
                        "year",
                        Reason::DateInvalid {
                            min_year: 1945,
                            max_year: 2100,
                        },
                    )
                })?,
        ),
    };
    let linked = coded("linked")
        .map(|l| Link::parse_pair(l).map_err(|e| ApiError::invalid("linked", *e.reason)))
        .transpose()?;
    Ok(DocumentQuery {
        search: f.get("q").and_then(Search::parse),
        kind: coded("kind")
            .map(|k| d::Kind::parse("kind", k))
            .transpose()?,
        level: coded("level")
            .map(|l| d::Level::parse("level", l))
            .transpose()?,
        year,
        status: coded("status")
            .map(|s| Status::parse("status", s))
            .transpose()?,
        issuer: coded("issuer").map(domain::text::fold),
        org_unit: f.i64("org_unit")?,
        linked,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// The document, if visible; else 404.
pub(crate) async fn detail(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<DocumentDetail, ApiError> {
    docs::get(&state.db, actor.scope(), id)
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The register, searched without diacritics over the number, the subject, the issuers and the files' text
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents",
    params(
        ("q" = Option<String>, Query, description = "Words to find, with or without diacritics, every one in the document, the last as the start of a word: `chi thi 19`, `NQLT 01`. Up to 1,000 matches, best first (words in the number, then in the subject and issuers); past that the latest registered first (`total_exact` false)."),
        ("kind" = Option<d::Kind>, Query),
        ("level" = Option<d::Level>, Query),
        ("year" = Option<i32>, Query, minimum = 1945, maximum = 2100, description = "The year of issue."),
        ("status" = Option<Status>, Query, description = "Where the documents stand today."),
        ("issuer" = Option<String>, Query, description = "Part of an issuing body's name."),
        ("org_unit" = Option<i64>, Query, description = "Documents of this unit or a unit under it."),
        ("linked" = Option<String>, Query, pattern = "^(model_type|criterion|data_set|indicator|program):[1-9][0-9]{0,17}$", description = "The documents that govern this record: `model_type:5`."),
        ("format" = Option<crate::api::FileFormat>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of documents, or the file",
        content((DocumentPage = "application/json"), (Vec<u8> = crate::api::XLSX), (String = "text/csv"))),
        (status = 400, description = "A filter is not understood", body = Problem),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let query = document_query(&f)?;
    crate::areas::check_unit(&state, &actor, query.org_unit).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        return files::export(&state, &actor, query, fmt).await;
    }
    let (items, total) = docs::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(DocumentPage {
        items,
        total: total.min(docs::COUNT_CAP),
        total_exact: total <= docs::COUNT_CAP,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Register a document: national texts by administrators, a province's or a commune's by the staff of its scope
#[utoipa::path(post, path = "/api/v1/documents", tag = "documents", request_body = DocumentInput,
    responses((status = 201, description = "The document", body = DocumentRow),
        (status = 400, description = "Bad input, an unknown document replaced, or a replacement cycle", body = Problem),
        (status = 403, description = "A national text, and the user is not an administrator", body = Problem),
        (status = 409, description = "The issuer has that number in that year already", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let input: DocumentInput = forms::json(&body)?;
    let doc = NewDocument::parse(&input, domain::time::today())?;
    let row = docs::create(&state.db, actor.author(), actor.scope(), &doc).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// A document with what it replaces, its files and links
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The document", body = DocumentDetail),
        (status = 404, description = "Unknown or not visible", body = Problem)))]
async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(detail(&state, &actor, forms::record_id(&id)?).await?).into_response())
}

/// Change a document's entry (the whole entry, as when registering it)
#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i64, Path, minimum = 1)), request_body = DocumentInput,
    responses((status = 200, description = "The document", body = DocumentRow),
        (status = 409, description = "The issuer has that number in that year already", body = Problem)))]
async fn update_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let id = forms::record_id(&id)?;
    detail(&state, &actor, id).await?;
    let input: DocumentInput = forms::json(&body)?;
    let doc = NewDocument::parse(&input, domain::time::today())?;
    let row = docs::update(&state.db, actor.author(), actor.scope(), id, &doc).await?;
    Ok(Json(row).into_response())
}

// ---- files ------------------------------------------------------------------------

/// A document's files
#[utoipa::path(get, path = "/api/v1/documents/{id}/files", tag = "documents",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The files", body = List<FileRow>)))]
async fn files_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let doc = detail(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(List::all(doc.files)).into_response())
}

/// Attach a file (PDF, DOCX, or a scan in PNG or JPEG; at most 20 MiB); its text is read for search where the format has one
#[utoipa::path(post, path = "/api/v1/documents/{id}/files", tag = "documents",
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = Vec<u8>, content_type = "multipart/form-data", description = "Field `file`."),
    responses((status = 201, description = "Stored", body = FileRow),
        (status = 400, description = "Not a PDF, DOCX, PNG or JPEG", body = Problem),
        (status = 413, description = "Too large", body = Problem)))]
async fn upload_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let id = forms::record_id(&id)?;
    detail(&state, &actor, id).await?;
    let form = crate::uploads::multipart(req, &state).await?;
    let (name, bytes) = attachments::uploaded_named(form, MAX_FILE_BYTES).await?;
    let row = attach(&state, &actor, id, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Checks a file, reads its text on the parse pool and attaches it.
pub(crate) async fn attach(
    state: &AppState,
    actor: &Actor,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> Result<FileRow, ApiError> {
    let checked = attachments::checked(
        name,
        &bytes,
        MAX_FILE_BYTES,
        attachments::DOCUMENT_KINDS,
        Reason::DocumentFileKindRefused,
    )?;
    let kind = checked.content_type;
    let (bytes, text) = state
        .parses
        .run(move || {
            let text = ::files::extract_text(kind, &bytes).map(|t| d::bounded_extract(&t));
            (bytes, text)
        })
        .await?;
    let f = NewFile {
        name: &checked.name,
        content_type: checked.content_type,
        sha256: &checked.sha256,
        content: &bytes,
        text,
    };
    Ok(docs::files::add(&state.db, actor.author(), actor.scope(), id, &f).await?)
}

/// A document's file, as an attachment
#[utoipa::path(get, path = "/api/v1/documents/{id}/files/{file_id}", tag = "documents",
    params(("id" = i64, Path, minimum = 1), ("file_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The file", content((Vec<u8> = "application/octet-stream")))))]
async fn file_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let (id, fid) = (forms::record_id(&id)?, forms::record_id(&fid)?);
    let (name, content_type, content) = docs::files::content(&state.db, actor.scope(), id, fid)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(attachments::download(&name, content_type, content))
}

/// Remove a file from a document
#[utoipa::path(delete, path = "/api/v1/documents/{id}/files/{file_id}", tag = "documents",
    params(("id" = i64, Path, minimum = 1), ("file_id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Removed")))]
async fn remove_file_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let (id, fid) = (forms::record_id(&id)?, forms::record_id(&fid)?);
    docs::files::remove(&state.db, actor.author(), actor.scope(), id, fid).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- links ------------------------------------------------------------------------

/// What a document governs
#[utoipa::path(get, path = "/api/v1/documents/{id}/links", tag = "documents",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The linked records", body = List<LinkRow>)))]
async fn links_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let doc = detail(&state, &actor, forms::record_id(&id)?).await?;
    Ok(Json(List::all(doc.links)).into_response())
}

/// Link a document to a record it governs (a model type, a certification criterion, a data set, an indicator, a programme): by who may change the document or who owns the record
#[utoipa::path(post, path = "/api/v1/documents/{id}/links", tag = "documents",
    params(("id" = i64, Path, minimum = 1)), request_body = LinkInput,
    responses((status = 201, description = "Linked (or linked already)", body = LinkRow),
        (status = 400, description = "No such record, or not visible", body = Problem)))]
async fn link_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let id = forms::record_id(&id)?;
    detail(&state, &actor, id).await?;
    let link = Link::parse(&forms::json::<LinkInput>(&body)?)?;
    let row = docs::links::add(&state.db, actor.author(), actor.scope(), id, link).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Remove a link
#[utoipa::path(delete, path = "/api/v1/documents/{id}/links/{kind}/{target_id}", tag = "documents",
    params(("id" = i64, Path, minimum = 1), ("kind" = LinkKind, Path), ("target_id" = i64, Path, minimum = 1)),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such link", body = Problem)))]
async fn unlink_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, kind, target)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageDocuments)?;
    let id = forms::record_id(&id)?;
    detail(&state, &actor, id).await?;
    let link = Link::parse(&LinkInput {
        kind: Some(kind),
        id: Some(forms::record_id(&target)?),
    })?;
    docs::links::remove(&state.db, actor.author(), actor.scope(), id, link).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
