//! Files kept with a record: a certification case's evidence, a
//! document's scans and PDFs, a programme activity's photos and minutes.
//! Their kind is read from their content (never their name), their size
//! bounded, their name cleaned; they are served only as attachments, with
//! `nosniff` and a sandbox, so that nothing uploaded runs or renders in
//! the application's origin.

use axum::extract::Multipart;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Reason;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub const PDF: &str = "application/pdf";
pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// What evidence may be: documents, photos, spreadsheets.
pub const EVIDENCE_KINDS: &[&str] = &[PDF, PNG, JPEG, DOCX, crate::api::XLSX];
/// What a register's document may be: the signed PDF, the DOCX, a scan.
pub const DOCUMENT_KINDS: &[&str] = &[PDF, DOCX, PNG, JPEG];

/// The file of a multipart form (field `file`) and its name; 413 past
/// `max` bytes.
pub async fn uploaded_named(
    mut form: Multipart,
    max: usize,
) -> Result<(String, Vec<u8>), ApiError> {
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| ApiError::invalid("file", Reason::FileMissing))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("tep").to_string();
        let data = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large(max)
            } else {
                ApiError::invalid("file", Reason::FileMissing)
            }
        })?;
        if data.is_empty() {
            break;
        }
        if data.len() > max {
            return Err(too_large(max));
        }
        return Ok((name, data.to_vec()));
    }
    Err(ApiError::invalid("file", Reason::FileMissing))
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        Reason::FileTooLarge {
            max_mib: max / 1024 / 1024,
        },
    )
}

/// The type of a file by its first bytes (and, for the Office formats,
/// the archive's entries), never by its name.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some(PDF);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(PNG);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some(JPEG);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        if names.iter().any(|n| n == "word/document.xml") {
            return Some(DOCX);
        }
        if names.iter().any(|n| n == "xl/workbook.xml") {
            return Some(crate::api::XLSX);
        }
    }
    None
}

/// A file checked for keeping: its cleaned name, its kind and digest.
pub struct Checked {
    pub name: String,
    pub content_type: &'static str,
    pub sha256: String,
}

/// Checks a file's size and kind (one of `kinds`, else `refused`).
pub fn checked(
    name: &str,
    bytes: &[u8],
    max: usize,
    kinds: &[&str],
    refused: Reason,
) -> Result<Checked, ApiError> {
    if bytes.len() > max {
        return Err(too_large(max));
    }
    let content_type = sniff(bytes)
        .filter(|k| kinds.contains(k))
        .ok_or_else(|| ApiError::invalid("file", refused))?;
    let name: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(120)
        .collect();
    Ok(Checked {
        name,
        content_type,
        sha256: sha256_hex(bytes),
    })
}

/// The file's SHA-256, in hex (what the stores keep beside a file).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// A kept file as a download: an attachment named in ASCII, never shown
/// inline, never sniffed, sandboxed if a browser opens it anyway.
pub fn download(name: &str, content_type: String, content: Vec<u8>) -> Response {
    let ascii: String = domain::text::fold(name)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".into()),
        ],
        content,
    )
        .into_response()
}
