//! File downloads every capability answers with: XLSX or CSV of a sheet,
//! named in ASCII with the day (browsers mangle Vietnamese file names).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::time::today;
use files::{FilesError, Sheet};

use crate::error::ApiError;

impl From<FilesError> for ApiError {
    fn from(e: FilesError) -> Self {
        ApiError::invalid("file", e.to_string())
    }
}

/// A file download with a Vietnamese-safe name.
pub fn download(bytes: Vec<u8>, name: &str, fmt: &str) -> Response {
    let mime = match fmt {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "text/csv; charset=utf-8",
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-{}.{fmt}\"", today()),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub fn file_of(sheet: &Sheet, name: &str, fmt: &str) -> Result<Response, ApiError> {
    match fmt {
        "xlsx" => Ok(download(
            files::xlsx(std::slice::from_ref(sheet))?,
            name,
            fmt,
        )),
        "csv" => Ok(download(files::csv(sheet), name, fmt)),
        _ => Err(ApiError::invalid(
            "format",
            "định dạng phải là json, xlsx hoặc csv",
        )),
    }
}
