//! Citizens' tips over HTTP (issue 23; the design in docs/architecture.md,
//! "Tips", the threat model in docs/security.md).
//!
//! - `public`: the sender's side, without login: filing a tip (its
//!   receipt answered once), reading it back and adding to it by the
//!   receipt; throttled, padded to a constant time, and never logging or
//!   keeping an address, a user agent or a time of day.
//! - `staff`: the police's side: the list, a tip opened with the officer's
//!   own key, replies and notes, the steps (verify, forward, resolve,
//!   close), files, and the tip keys (holders, grants).
//! - `keys`: an officer's key through sign-in and password changes.
//!
//! Sealing and opening happen here, with `domain::tips::seal`; the store
//! keeps bytes it cannot read.

pub(crate) mod keys;
mod pages;
pub(crate) mod public;
mod staff;

use axum::http::{HeaderMap, StatusCode};
use domain::accounts::secret_hash;
use domain::tips::seal::{OfficerKey, Part, TipKeys};
use domain::Reason;
use serde::Serialize;
use store::tips::FileRef;

use crate::actor::Actor;
use crate::error::ApiError;
use crate::routes::Routes;
use crate::security::{cookie, SESSION_COOKIE};
use crate::AppState;

pub use public::Guard;

/// The police's routes (behind login).
pub fn routes() -> Routes {
    staff::routes().merge(pages::routes())
}

/// The sender's routes (no login).
pub fn public_routes() -> Routes {
    public::routes().merge(pages::public_routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        public::submit_api,
        public::read_api,
        public::message_api,
        staff::list_api,
        staff::record_api,
        staff::get_api,
        staff::message_api,
        staff::step_api,
        staff::file_api,
        staff::keys_api,
        staff::holder_api,
        staff::grant_api,
    ),
    components(schemas(
        domain::tips::Category,
        domain::tips::Channel,
        domain::tips::State,
        domain::tips::Action,
        store::tips::Kind
    ))
)]
pub struct Api;

/// Answers that hold a receipt, or a tip's content, are kept nowhere.
pub(crate) fn no_store(mut res: axum::response::Response) -> axum::response::Response {
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}

/// A store error where "not found" is the caller's 404.
fn not_found(e: store::StoreError) -> ApiError {
    match e {
        store::StoreError::NotFound => ApiError::not_found(),
        e => e.into(),
    }
}

/// The asking officer's secret key, opened for this request with the
/// session's own secret (from its cookie, never stored). A bearer token
/// or a session without a key reads no tip: 403 saying how to get one.
async fn officer_key(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
) -> Result<OfficerKey, ApiError> {
    let locked = || ApiError::new(StatusCode::FORBIDDEN, "forbidden", Reason::TipKeyLocked);
    let (Some(session), Some(secret)) = (&actor.session, cookie(headers, SESSION_COOKIE)) else {
        return Err(locked());
    };
    if secret_hash(&secret) != *session {
        return Err(locked());
    }
    let stored = store::tips::session_key(&state.db, session)
        .await?
        .ok_or_else(locked)?;
    OfficerKey::unlock_session(&stored, &secret).map_err(|_| locked())
}

/// A tip's keys from the officer's sealed copy; 403 for an officer in
/// scope who is not (yet) one of its recipients.
fn open_keys(sealed: Option<&[u8]>, key: &OfficerKey) -> Result<TipKeys, ApiError> {
    sealed
        .and_then(|s| TipKeys::open_sealed(s, key).ok())
        .ok_or_else(|| ApiError::new(StatusCode::FORBIDDEN, "forbidden", Reason::TipSealed))
}

/// Sealed bytes that fail to open: the data was altered, or sealed with
/// another key. Never shown as if it were empty.
fn unreadable() -> ApiError {
    ApiError::from(store::StoreError::Data(
        "a sealed part of a tip does not open".into(),
    ))
}

/// Text sealed as `part`, opened.
fn open_text(
    open: impl Fn(Part, &[u8]) -> Result<Vec<u8>, domain::tips::seal::SealError>,
    part: Part,
    sealed: &[u8],
) -> Result<String, ApiError> {
    let plain = open(part, sealed).map_err(|_| unreadable())?;
    String::from_utf8(plain).map_err(|_| unreadable())
}

/// A file as listed beside a tip or a message: its name opened.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TipFile {
    pub id: i64,
    pub name: String,
    /// Bytes as stored (sealed: a few more than the file's own).
    pub size: i64,
}

fn file_list(
    files: &[FileRef],
    open: impl Fn(Part, &[u8]) -> Result<Vec<u8>, domain::tips::seal::SealError> + Copy,
) -> Result<Vec<TipFile>, ApiError> {
    files
        .iter()
        .map(|f| {
            Ok(TipFile {
                id: f.id,
                name: open_text(open, Part::FileName, &f.sealed_name)?,
                size: f.size,
            })
        })
        .collect()
}

/// Files as received (name, bytes), checked and made ready to seal:
/// images lose their metadata (a phone's photo carries where and when it
/// was taken, and on what phone).
fn checked_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    if files.len() > domain::tips::MAX_FILES {
        return Err(ApiError::invalid(
            "files",
            Reason::TipFilesTooMany {
                max: domain::tips::MAX_FILES,
            },
        ));
    }
    files
        .into_iter()
        .map(|(given, bytes)| {
            let kind = domain::tips::check_file(&given, &bytes)?;
            let bytes = if kind.is_image() {
                files::strip_metadata(kind.media_type(), &bytes).map_err(|_| {
                    ApiError::invalid(
                        "files",
                        Reason::TipFileKind {
                            name: given.chars().take(80).collect(),
                        },
                    )
                })?
            } else {
                bytes
            };
            Ok((domain::tips::file_name(&given, kind), bytes))
        })
        .collect()
}

/// Files sealed under a tip's content key: (sealed name, sealed bytes).
fn seal_files(
    files: &[(String, Vec<u8>)],
    seal: impl Fn(Part, &[u8]) -> Result<Vec<u8>, domain::tips::seal::SealError>,
) -> Result<Vec<store::tips::SealedFile>, ApiError> {
    files
        .iter()
        .map(|(name, bytes)| {
            Ok((
                seal(Part::FileName, name.as_bytes()).map_err(|_| sealing_failed())?,
                seal(Part::File, bytes).map_err(|_| sealing_failed())?,
            ))
        })
        .collect()
}

fn sealing_failed() -> ApiError {
    ApiError::from(store::StoreError::Data("sealing a tip failed".into()))
}

/// The keys sealed to each recipient: (user id, their copy).
async fn sealed_copies(
    state: &AppState,
    unit: i64,
    keys: &TipKeys,
) -> Result<Vec<store::tips::SealedCopy>, ApiError> {
    let recipients = store::tips::recipients(&state.db, unit).await?;
    let (out, skipped) = keys.seal_to_each(
        recipients
            .iter()
            .map(|r| (r.user_id, r.public_key.as_str())),
    );
    for user in skipped {
        tracing::warn!(user, "a tip key that does not seal: left out");
    }
    if out.is_empty() {
        return Err(ApiError::invalid("place_id", Reason::TipNoRecipient));
    }
    Ok(out)
}
