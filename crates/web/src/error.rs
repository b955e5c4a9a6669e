//! Errors as users see them: a JSON problem on the API, a Vietnamese page
//! in the browser. Internals go to the log, never to the answer.

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::DomainError;
use store::StoreError;

use crate::i18n::{self, Lang};

/// An API failure: `{"error": {"code", "message", "field"}}` with a status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<&'static str>,
    /// Seconds to wait before retrying, sent as `Retry-After` (429, 503).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
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
                format!("máy chủ đang bận; vui lòng thử lại sau {retry_after} giây"),
            )
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            ..Self::new(StatusCode::BAD_REQUEST, "invalid", message)
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "không tìm thấy")
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "không có quyền thực hiện thao tác này",
        )
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "cần đăng nhập")
    }
}

impl From<crate::blocking::Refused> for ApiError {
    fn from(r: crate::blocking::Refused) -> Self {
        match r {
            crate::blocking::Refused::Busy => Self::busy(5),
            crate::blocking::Refused::Failed => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "máy chủ đang dừng hoặc gặp lỗi; vui lòng thử lại",
            ),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self::invalid(e.field, e.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(d) => d.into(),
            StoreError::NotFound => Self::not_found(),
            StoreError::Forbidden => Self::forbidden(),
            StoreError::Conflict(r) => Self::new(StatusCode::CONFLICT, "conflict", r.to_string()),
            e if e.is_unique_violation() => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "dữ liệu trùng với bản ghi đã có",
            ),
            // Disk full or read-only: nothing was written, and saying so
            // beats a bare "internal error" (scripts/faults fills the disk).
            e if e.is_storage_full() => {
                tracing::error!(error = %e, "database storage full: nothing written");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "máy chủ hết dung lượng lưu trữ nên chưa ghi được; vui lòng báo quản trị viên",
                )
            }
            e if e.is_read_only() => {
                tracing::error!(error = %e, "database read-only: nothing written");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "cơ sở dữ liệu đang ở chế độ chỉ đọc nên chưa ghi được; vui lòng báo quản trị viên",
                )
            }
            e if e.is_unavailable() => {
                tracing::error!(error = %e, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "cơ sở dữ liệu tạm thời không truy cập được, vui lòng thử lại",
                )
            }
            e => {
                tracing::error!(error = %e, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "lỗi hệ thống",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = crate::api::Problem {
            error: crate::api::ProblemBody {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
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

/// An API failure answered as a page.
pub fn page_error(lang: Lang, e: ApiError) -> Response {
    PageError::from_api(lang, e).into_response()
}
