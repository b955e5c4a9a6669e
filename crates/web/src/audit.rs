//! The audit log: a page and an API to search it (administrators, and
//! province staff within their scope), with CSV export.

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::error::codes;
use domain::page::Page;
use domain::time::parse_date;
use domain::Reason;
use serde::Serialize;
use store::audit::{self, AuditQuery, Record};

use domain::schema::{AuditFilter, Day};

use crate::actor::Actor;
use crate::api::{JsonOrCsv, List, PageParams, Problem};
use crate::error::{ApiError, PageError};
use crate::forms::{Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;
use domain::policy::Action;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/audit", api).get("/audit", page)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct Api;

fn text(f: &Fields, key: &'static str) -> Result<Option<String>, ApiError> {
    match f.get(key) {
        Some(v) if v.chars().count() > 200 || v.chars().any(char::is_control) => {
            Err(ApiError::invalid(key, Reason::ValueInvalid))
        }
        v => Ok(v.map(str::to_string)),
    }
}

fn parse(f: &Fields) -> Result<AuditQuery, ApiError> {
    Ok(AuditQuery {
        entity: text(f, "entity")?,
        entity_id: text(f, "entity_id")?,
        username: text(f, "actor")?,
        from: f.get("from").map(|d| parse_date("from", d)).transpose()?,
        to: f.get("to").map(|d| parse_date("to", d)).transpose()?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// A CSV cell: quoted when needed, and never read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(records: &[Record]) -> String {
    let mut out =
        String::from("\u{feff}id,at,user,action,entity,entity_id,before,after,request_id\r\n");
    for r in records {
        let row = [
            r.id.to_string(),
            r.at.clone(),
            r.username.clone().unwrap_or_default(),
            r.action.clone(),
            r.entity.clone(),
            r.entity_id.clone(),
            r.before_json.clone().unwrap_or_default(),
            r.after_json.clone().unwrap_or_default(),
            r.request_id.clone().unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Search the audit log (admins; province staff within their scope), newest first
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(
        ("entity" = Option<AuditFilter>, Query),
        ("entity_id" = Option<AuditFilter>, Query),
        ("actor" = Option<AuditFilter>, Query, description = "username"),
        ("from" = Option<Day>, Query),
        ("to" = Option<Day>, Query),
        ("format" = Option<JsonOrCsv>, Query),
        PageParams,
    ),
    responses(
        (status = 200, description = "Records (JSON, or CSV with format=csv)",
            content((List<Record> = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not an administrator or province staff.", body = Problem),
    ))]
async fn api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    actor.require(Action::ReadAudit)?;
    let f = Fields::from_query(q.as_deref());
    let query = parse(&f)?;
    let (items, total) = audit::search(&state.db, actor.scope(), &query).await?;
    match f.get("format") {
        None | Some("json") => Ok(Json(List { items, total }).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"nhat-ky.csv\"",
                ),
            ],
            csv(&items),
        )
            .into_response()),
        Some(_) => Err(ApiError::invalid(
            "format",
            Reason::FormatUnknown {
                allowed: vec![codes::JSON, codes::CSV],
            },
        )),
    }
}

/// The search's filters (`query.*` in `audit/list.html`).
const FILTERS: &[&str] = &["actor", "entity", "entity_id", "from", "to"];

#[derive(Serialize)]
struct AuditPage {
    items: Vec<Record>,
    total: i64,
    query: Echo,
    /// The same search as a CSV file.
    csv_link: String,
    error: Option<FormError>,
}

impl PageContext for AuditPage {
    const TEMPLATE: &'static str = "audit/list.html";
}

async fn page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    if actor.require(Action::ReadAudit).is_err() {
        return PageError::new(StatusCode::FORBIDDEN, lang, "error.forbidden").into_response();
    }
    let f = Fields::from_query(q.as_deref());
    let (items, total, error) = match parse(&f) {
        Ok(query) => match audit::search(&state.db, actor.scope(), &query).await {
            Ok((items, total)) => (items, total, None),
            Err(e) => return PageError::from_store(lang, e).into_response(),
        },
        Err(e) => (Vec::new(), 0, Some(e)),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = AuditPage {
        items,
        total,
        query: Echo::of(&f, FILTERS),
        csv_link: format!("/api/v1/audit?{}&format=csv", f.query_string()),
        error: error.map(FormError::from),
    };
    let mut res = state
        .templates
        .page(&Base::new(&actor, lang, "/audit", "audit"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Phường Nam Định"), "Phường Nam Định");
    }
}
