//! Uploaded files every capability's import takes: the multipart body, the
//! file in it, and the error report that puts each refused row beside
//! what is wrong with it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::error::codes;
use domain::file::{CellError, Done, Mode, Preview};
use domain::Reason;

use crate::blocking::BlockingPool;
use crate::downloads::download;
use crate::error::ApiError;
use crate::forms::Fields;
use crate::AppState;

// ---- previews ---------------------------------------------------------------

/// How an import request runs: `dry_run=true` answers what it would do,
/// `confirm=<digest>` writes only what the preview with that digest showed.
pub fn mode_of(raw: Option<&str>) -> Result<Mode, ApiError> {
    let f = Fields::from_query(raw);
    Ok(Mode::of(
        f.bool("dry_run")?.unwrap_or(false),
        f.get("confirm"),
    ))
}

/// A confirmation whose preview no longer holds: nothing was written; what
/// the file would do now.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PreviewStale {
    error: crate::api::ProblemBody,
    preview: Preview,
}

/// The API's answer to a file that was read and checked: 201 with what
/// was written, 200 with the preview, or 409 with the new preview when
/// the confirmed one no longer holds.
pub fn done_answer<T: serde::Serialize>(d: Done<T>) -> Response {
    match d {
        Done::Written(t) => (StatusCode::CREATED, Json(t)).into_response(),
        Done::Previewed {
            preview,
            stale: false,
        } => Json(preview).into_response(),
        Done::Previewed {
            preview,
            stale: true,
        } => {
            let reason = Reason::ImportPreviewStale;
            let body = PreviewStale {
                error: crate::api::ProblemBody {
                    code: "conflict",
                    reason: reason.code(),
                    message: reason.text(crate::language::current().into()),
                    args: domain::error::Args(reason.args()),
                    field: Some("confirm"),
                },
                preview,
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    }
}

/// A preview as an import page shows it (`uploads/preview.html`), with
/// what confirms it: the kept file and the preview's digest.
#[derive(serde::Serialize)]
pub struct PreviewShown {
    pub preview: Preview,
    /// The kept file (`store::drafts`).
    pub draft: String,
    /// The confirmed preview no longer held: this one is new.
    pub stale: bool,
    /// Where the confirmation posts.
    pub action: &'static str,
}

/// A page's confirmation: the kept file it names (only its uploader's),
/// the draft's id, and the mode that writes it if its preview holds.
pub struct Confirmation {
    pub draft: String,
    pub kept: store::drafts::Draft,
    pub mode: Mode,
}

/// What a page's upload ([`previewed`]) or confirmation ([`confirmed`])
/// led to: the outcome for [`PageOutcome::of`], the draft's id (kept for
/// the confirmation of a preview) and the options the file was uploaded
/// with.
pub type Confirmed<T> = (
    Result<(Bytes, domain::file::Imported<Done<T>>), ApiError>,
    String,
    String,
);

/// A page's upload from start to end: the file is kept as a draft for its
/// confirmation, with the options `options` reads from the form's other
/// fields, and previewed by `import` (its bytes, `Mode::Preview`, those
/// options).
pub async fn previewed<T, Fut>(
    state: &AppState,
    req: Request,
    (user, register): (i64, &str),
    options: impl FnOnce(&Fields) -> Result<String, ApiError>,
    import: impl FnOnce(Bytes, Mode, String) -> Fut,
) -> Confirmed<T>
where
    Fut: std::future::Future<Output = Result<domain::file::Imported<Done<T>>, ApiError>>,
{
    let (mut draft, mut kept_options) = (String::new(), String::new());
    let r = async {
        let (bytes, fields) = uploaded(multipart(req, state).await?).await?;
        kept_options = options(&Fields::from_pairs(fields))?;
        draft = store::drafts::keep(&state.db, user, register, &kept_options, &bytes).await?;
        let outcome = import(bytes.clone(), Mode::Preview, kept_options.clone()).await?;
        Ok((bytes, outcome))
    }
    .await;
    (r, draft, kept_options)
}

/// A page's confirmation from start to end: the draft the form names is
/// imported by `import` (its bytes, the confirmation's mode, the options
/// it was uploaded with) and dropped once written.
pub async fn confirmed<T, Fut>(
    state: &AppState,
    (user, register): (i64, &str),
    body: &Bytes,
    import: impl FnOnce(Bytes, Mode, String) -> Fut,
) -> Confirmed<T>
where
    Fut: std::future::Future<Output = Result<domain::file::Imported<Done<T>>, ApiError>>,
{
    let f = Fields::parse(body);
    let c = match Confirmation::of(state, user, register, &f).await {
        Ok(c) => c,
        Err(e) => return (Err(e), String::new(), String::new()),
    };
    let bytes = Bytes::from(c.kept.bytes.clone());
    let options = c.kept.options.clone();
    let r = async {
        let outcome = import(bytes.clone(), c.mode.clone(), options.clone()).await?;
        c.done(state, &outcome).await?;
        Ok((bytes, outcome))
    }
    .await;
    (r, c.draft, options)
}

impl Confirmation {
    /// Reads the draft and digest a confirmation form sends.
    pub async fn of(
        state: &AppState,
        user: i64,
        register: &str,
        f: &Fields,
    ) -> Result<Self, ApiError> {
        let draft = f
            .get("draft")
            .filter(|d| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| ApiError::invalid("draft", Reason::ImportDraftGone))?;
        let digest = f
            .get("digest")
            .ok_or_else(|| ApiError::invalid("digest", Reason::Required))?;
        let kept = store::drafts::get(&state.db, draft, user, register)
            .await?
            .ok_or_else(|| ApiError::invalid("draft", Reason::ImportDraftGone))?;
        Ok(Confirmation {
            draft: draft.to_string(),
            kept,
            mode: Mode::Confirm(digest.to_string()),
        })
    }

    /// Drops the kept file once `outcome` wrote it.
    pub async fn done<T>(
        &self,
        state: &AppState,
        outcome: &domain::file::Imported<Done<T>>,
    ) -> Result<(), ApiError> {
        if matches!(outcome, domain::file::Imported::All(Done::Written(_))) {
            store::drafts::discard(&state.db, &self.draft).await?;
        }
        Ok(())
    }
}

/// What an import page shows of an outcome: what a confirmed file wrote,
/// or the preview with the form that confirms it (posting to `action`),
/// and the status to answer (409 for a preview that no longer held).
pub struct Shown {
    pub written: Option<domain::file::Written>,
    pub preview: Option<PreviewShown>,
    pub status: StatusCode,
}

impl<T> PageOutcome<Done<T>> {
    pub fn shown(
        &self,
        draft: &str,
        action: &'static str,
        written: impl Fn(&T) -> domain::file::Written,
    ) -> Shown {
        let mut s = Shown {
            written: None,
            preview: None,
            status: StatusCode::OK,
        };
        match &self.done {
            Some(Done::Written(t)) => s.written = Some(written(t)),
            Some(Done::Previewed { preview, stale }) => {
                s.preview = Some(PreviewShown {
                    preview: preview.clone(),
                    draft: draft.to_string(),
                    stale: *stale,
                    action,
                });
                if *stale {
                    s.status = StatusCode::CONFLICT;
                }
            }
            None => s.status = self.status,
        }
        s
    }
}

/// Imported files may be large (100,000 rows is about 8 MB of XLSX).
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

/// The multipart body of a request, read only after the role was checked
/// (so that a refused role gets 403 whatever it sent).
pub async fn multipart(req: Request, state: &AppState) -> Result<Multipart, ApiError> {
    Multipart::from_request(req, state).await.map_err(|e| {
        ApiError::invalid(
            "file",
            Reason::MultipartExpected {
                content_type: "multipart/form-data".into(),
                detail: e.to_string(),
            },
        )
    })
}

/// The uploaded file of a multipart form (field `file`), as received: not
/// copied, since it may be 64 MiB.
pub async fn uploaded(mut form: Multipart) -> Result<(Bytes, Vec<(String, String)>), ApiError> {
    let mut file = None;
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or("").to_string();
        let data: Bytes = field.bytes().await.map_err(unreadable)?;
        if name == "file" {
            file = Some(data);
        } else if data.len() < 1024 {
            fields.push((name, String::from_utf8_lossy(&data).into_owned()));
        }
    }
    let file = file
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::invalid("file", Reason::FileMissing))?;
    Ok((file, fields))
}

/// An upload that could not be read: 413 past the size limit, 400 else.
fn unreadable(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            Reason::FileTooLarge {
                max_mib: MAX_IMPORT_BYTES / 1024 / 1024,
            },
        );
    }
    ApiError::invalid(
        "file",
        Reason::UploadUnreadable {
            detail: e.body_text(),
        },
    )
}

/// Standard base64, for the error report offered as a download link.
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let b = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
            c.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].iter().enumerate() {
            if i <= c.len() {
                out.push(char::from(
                    A.get(((n >> shift) & 63) as usize).copied().unwrap_or(b'='),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `?report=xlsx` on an import: the refusal comes back as the XLSX report.
pub fn wants_report(raw: Option<&str>) -> Result<bool, ApiError> {
    match Fields::from_query(raw).get("report") {
        None => Ok(false),
        Some("xlsx") => Ok(true),
        Some(_) => Err(ApiError::invalid(
            "report",
            Reason::ReportFormatUnknown {
                allowed: vec![codes::XLSX],
            },
        )),
    }
}

/// An import as its page shows it: what an accepted file did, or its
/// refused rows (a 400 naming the file, e.g. not a spreadsheet, is one
/// refused row) with the status to answer and the error report.
pub struct PageOutcome<T> {
    pub done: Option<T>,
    pub errors: Vec<CellError>,
    /// The error report (the file with a column of reasons), base64.
    pub report: Option<String>,
    pub status: StatusCode,
}

impl<T> PageOutcome<T> {
    /// The outcome of reading and importing `bytes`; any refusal other
    /// than a 400 stays an error for the page to show as such.
    pub async fn of(
        pool: &BlockingPool,
        r: Result<(Bytes, domain::file::Imported<T>), ApiError>,
    ) -> Result<Self, ApiError> {
        use domain::file::Imported;
        let (done, errors, report, status) = match r {
            Ok((_, Imported::All(d))) => (Some(d), Vec::new(), None, StatusCode::OK),
            Ok((bytes, Imported::Refused(errors))) => {
                let report = error_report_off_workers(pool, bytes, &errors)
                    .await
                    .ok()
                    .map(|b| base64(&b));
                (None, errors, report, StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(e) if e.status == StatusCode::BAD_REQUEST => {
                let one = vec![CellError::new(0, "", e.message)];
                (None, one, None, StatusCode::BAD_REQUEST)
            }
            Err(e) => return Err(e),
        };
        Ok(PageOutcome {
            done,
            errors,
            report,
            status,
        })
    }

    /// The refused rows as the import pages list them.
    pub fn rows(&self) -> RowErrors<'_> {
        RowErrors {
            errors: self.errors.iter().take(MAX_ROWS_SHOWN).collect(),
            error_count: self.errors.len(),
            report: self.report.clone(),
        }
    }
}

/// Refused rows a page lists; the error report holds them all.
pub const MAX_ROWS_SHOWN: usize = 500;

/// The refused rows of an import on its page (`errors`, `error_count`,
/// `report` in the templates).
#[derive(Debug, Default, serde::Serialize)]
pub struct RowErrors<'a> {
    pub errors: Vec<&'a CellError>,
    pub error_count: usize,
    pub report: Option<String>,
}

/// The error report, built on the blocking pool (it reads the file again).
pub async fn error_report_off_workers(
    pool: &BlockingPool,
    bytes: Bytes,
    errors: &[CellError],
) -> Result<Vec<u8>, ApiError> {
    let errors = errors.to_vec();
    Ok(pool
        .run(move || files::error_report(&bytes, &errors))
        .await??)
}

/// The API's answer to a refused file: 422 with the rows as JSON, or the
/// XLSX report named `name` when asked for.
/// An uploaded file, as the multipart field `file`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Upload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A refused file: nothing was written; each row at fault, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImportRefused {
    error: crate::api::ProblemBody,
    rows: Vec<CellError>,
}

pub async fn refused(
    pool: &BlockingPool,
    bytes: Bytes,
    errors: &[CellError],
    report: bool,
    name: &str,
    reason: Reason,
) -> Result<Response, ApiError> {
    if report {
        let xlsx = error_report_off_workers(pool, bytes, errors).await?;
        let mut r = download(xlsx, name, "xlsx");
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(ImportRefused {
            error: crate::api::ProblemBody {
                code: "invalid_rows",
                reason: reason.code(),
                message: reason.text(crate::language::current().into()),
                args: domain::error::Args(reason.args()),
                field: Some("file"),
            },
            rows: errors.to_vec(),
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }
}
