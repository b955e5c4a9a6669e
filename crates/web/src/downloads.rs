//! File downloads every capability answers with: XLSX or CSV of a sheet,
//! named in ASCII with the day (browsers mangle Vietnamese file names).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::error::codes;
use domain::time::today;
use domain::Reason;
use files::{FilesError, Sheet};

use crate::error::ApiError;

impl From<FilesError> for ApiError {
    fn from(e: FilesError) -> Self {
        let reason = match e {
            FilesError::NotSpreadsheet(_) => Reason::FileNotSpreadsheet,
            FilesError::NoSheet => Reason::FileNoSheet,
            FilesError::NotUtf8 { row } => Reason::CsvNotUtf8 { row },
            FilesError::Csv { row, .. } => Reason::CsvBroken { row },
            FilesError::Xlsx { row, .. } => Reason::XlsxBroken { row },
            FilesError::TooManyRows { row, limit } => Reason::FileTooManyRows { max: limit, row },
            FilesError::CellTooLong { row, col, limit } => Reason::CellTooLong {
                cell: format!("{col}{row}"),
                max: limit,
            },
            // The bound is named in Vietnamese by `files` (the XLSX reader's).
            FilesError::ArchiveLimit { what, limit } => Reason::XlsxArchiveLimit { what, limit },
            FilesError::Write(_) => Reason::FileNotBuilt,
            FilesError::NotImage => Reason::EventPhotoKindRefused,
        };
        ApiError::invalid("file", reason)
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

/// A PDF download (certificates): `name` in ASCII, without the extension.
pub fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A file format a list may answer in (`xlsx`, `csv`), or the 400 that
/// names the choices: asked before the list is read.
pub fn check_format(fmt: &str) -> Result<(), ApiError> {
    match fmt {
        "xlsx" | "csv" => Ok(()),
        _ => Err(ApiError::invalid(
            "format",
            Reason::FormatUnknown {
                allowed: vec![codes::JSON, codes::XLSX, codes::CSV],
            },
        )),
    }
}

pub fn file_of(sheet: &Sheet, name: &str, fmt: &str) -> Result<Response, ApiError> {
    check_format(fmt)?;
    match fmt {
        "xlsx" => Ok(download(
            files::xlsx(std::slice::from_ref(sheet))?,
            name,
            fmt,
        )),
        _ => Ok(download(files::csv(sheet), name, fmt)),
    }
}
