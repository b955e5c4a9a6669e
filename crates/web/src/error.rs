//! Errors as users see them: a JSON problem on the API, a page in the
//! browser, in the request's language (`language`). Internals go to the
//! log, never to the answer.

use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::policy::Action;
use domain::{DomainError, Reason};
use store::StoreError;

use crate::i18n::{self, Lang};

/// An API failure: `{"error": {"code", "reason", "message", "args",
/// "field"}}` with a status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// The class of refusal: `invalid`, `not_found`, `forbidden`,
    /// `conflict`, `busy` …
    pub code: &'static str,
    /// Why, precisely (`name_empty`), with the values it names.
    pub reason: Box<Reason>,
    /// The reason's message in the language of the request it was made in
    /// (what pages show beside a form).
    pub message: String,
    pub field: Option<&'static str>,
    /// Seconds to wait before retrying, sent as `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, reason: impl Into<Box<Reason>>) -> Self {
        let reason = reason.into();
        Self {
            status,
            code,
            message: reason.text(crate::language::current().into()),
            reason,
            field: None,
            retry_after: None,
        }
    }

    /// 503 with `Retry-After`: the server is at a bound it keeps (parses
    /// or password checks at once); nothing was done.
    pub fn busy(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                Reason::Busy {
                    seconds: retry_after,
                },
            )
        }
    }

    pub fn invalid(field: &'static str, reason: impl Into<Box<Reason>>) -> Self {
        Self {
            field: Some(field),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid", reason)
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", Reason::NotFound)
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", Reason::Forbidden)
    }

    /// 403 for a role the policy does not let take `action`; the
    /// arguments name the action and the roles that may take it.
    pub fn role_not_allowed(action: Action) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Reason::RoleNotAllowed {
                action: action.term(),
                roles: action.roles().into_iter().map(|r| r.term()).collect(),
            },
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Reason::Unauthorized,
        )
    }
}

impl From<crate::blocking::Refused> for ApiError {
    fn from(r: crate::blocking::Refused) -> Self {
        match r {
            crate::blocking::Refused::Busy => Self::busy(5),
            crate::blocking::Refused::Failed => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                Reason::ServerStopping,
            ),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::invalid(e.field, e.reason)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(d) => d.into(),
            StoreError::NotFound => Self::not_found(),
            StoreError::Forbidden => Self::forbidden(),
            StoreError::Conflict(r) => Self::new(StatusCode::CONFLICT, "conflict", r),
            e if e.is_unique_violation() => {
                Self::new(StatusCode::CONFLICT, "conflict", Reason::Duplicate)
            }
            // Disk full or read-only: nothing was written, and saying so
            // beats a bare "internal error" (scripts/faults fills the disk).
            e if e.is_storage_full() => {
                tracing::error!(error = %e, "database storage full: nothing written");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Reason::StorageFull,
                )
            }
            e if e.is_read_only() => {
                tracing::error!(error = %e, "database read-only: nothing written");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Reason::DatabaseReadOnly,
                )
            }
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    Reason::DatabaseUnavailable,
                )
            }
            e => {
                tracing::error!(error = %e, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    Reason::Internal,
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    /// The problem in the language of the request being answered (the
    /// error may have been made where that was not known).
    fn into_response(self) -> Response {
        let lang = crate::language::current();
        let body = crate::api::Problem {
            error: crate::api::ProblemBody {
                code: self.code,
                reason: self.reason.code(),
                message: self.reason.text(lang.into()),
                args: domain::error::Args(self.reason.args()),
                field: self.field,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        );
        if let Some(secs) = self.retry_after {
            h.insert(header::RETRY_AFTER, secs.into());
        }
        res
    }
}

/// A failure on an HTML page, rendered in the user's language.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub lang: Lang,
    /// Catalogue key of the explanation.
    pub key: &'static str,
}

impl PageError {
    pub fn new(status: StatusCode, lang: Lang, key: &'static str) -> Self {
        Self { status, lang, key }
    }

    pub fn from_store(lang: Lang, e: StoreError) -> Self {
        Self::from_api(lang, ApiError::from(e))
    }

    /// The page for an API failure: its status, explained in the user's language.
    pub fn from_api(lang: Lang, e: ApiError) -> Self {
        let key = match e.status {
            StatusCode::NOT_FOUND => "error.not_found",
            StatusCode::FORBIDDEN => "error.forbidden",
            StatusCode::SERVICE_UNAVAILABLE if e.code == "busy" => "error.busy",
            StatusCode::SERVICE_UNAVAILABLE if e.code == "timeout" => "error.timeout",
            StatusCode::SERVICE_UNAVAILABLE => "error.unavailable",
            StatusCode::BAD_REQUEST => "error.bad_request",
            StatusCode::CONFLICT => "error.conflict",
            StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
            StatusCode::TOO_MANY_REQUESTS => "error.busy",
            _ => "error.internal",
        };
        Self::new(e.status, lang, key)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = |k| i18n::text(self.lang, k);
        let html = format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/static/app.css\">\
             <link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\"></head>\
             <body><main class=\"narrow\"><h1>{title}</h1><p>{msg}</p>\
             <p><a href=\"/\">{home}</a></p></main></body></html>",
            lang = self.lang.code(),
            title = t("error.title"),
            msg = t(self.key),
            home = t("nav.home"),
        );
        (self.status, axum::response::Html(html)).into_response()
    }
}

/// Unknown paths: a JSON 404 under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri, lang: Lang) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found().into_response()
    } else {
        PageError::new(StatusCode::NOT_FOUND, lang, "error.not_found").into_response()
    }
}

/// Whether a form's refusal is shown beside the form that caused it: any
/// but a refusal of the role or the scope, which gets its error page.
pub fn beside_form(e: &ApiError) -> bool {
    e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN
}

/// After a form of a record's page: back to `back` at the form's anchor
/// when it went through; else the page again (`again` renders it) with the
/// error beside the form, or an error page for a refusal (403, 404).
pub async fn after_form<T, Fut>(
    lang: Lang,
    back: &str,
    form: &str,
    r: Result<T, ApiError>,
    again: impl FnOnce(ApiError) -> Fut,
) -> Response
where
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    match r {
        Ok(_) => axum::response::Redirect::to(&format!("{back}#{form}")).into_response(),
        Err(e) if beside_form(&e) => again(e).await.unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

/// An API failure answered as a page.
pub fn page_error(lang: Lang, e: ApiError) -> Response {
    PageError::from_api(lang, e).into_response()
}
