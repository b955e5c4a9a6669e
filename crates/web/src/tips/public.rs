//! The sender's side, without login: file a tip (JSON, or a multipart form
//! with files), read it back by its receipt, add to it.
//!
//! Nothing here knows the sender: no address, user agent or time of day is
//! read, kept or logged (the server's log lines name the route, never the
//! peer; the audit records of a sender's writes carry the day only). What
//! keeps the side standing under abuse is held in this process's memory
//! (a second server keeps its own, see docs/operations.md):
//! - a global budget of new tips and of receipt lookups (token buckets),
//! - a budget per receipt (an hour's window),
//! - the same report sent again within an hour answered 409, known by a
//!   keyed hash that only this process can compute,
//! - at most [`UPLOADS_AT_ONCE`] bodies with files read at once.
//!
//! Every answer to a receipt takes at least [`LOOKUP_FLOOR`]: a right one,
//! a wrong one and a malformed one look alike from outside, in what they
//! say (404, one text) and in how long they take.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::tips::receipt::Receipt;
use domain::tips::seal::{unwrap_for_sender, ContentKey, Part, TipKeys};
use domain::tips::{Category, Report, State as TipState, TipInput};
use domain::Reason;
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::audit::Author;
use store::tips::Kind;
use tokio::sync::Semaphore;

use super::{checked_files, file_list, no_store, open_text, seal_files, sealed_copies, TipFile};
use crate::api::Problem;
use crate::error::ApiError;
use crate::routes::Routes;
use crate::AppState;

/// The least time any answer to a receipt takes.
pub const LOOKUP_FLOOR: Duration = Duration::from_millis(250);
/// Bodies with files being read at once; more are answered 503.
pub const UPLOADS_AT_ONCE: usize = 4;
/// The largest body a sender may send: the files and the form around them.
pub const MAX_SUBMISSION_BYTES: usize =
    domain::tips::MAX_FILES * domain::tips::MAX_FILE_BYTES + 256 * 1024;
/// New tips a second across the server, and the burst allowed: well above
/// a province's worst day (the benchmark sends 1,000 a minute), well below
/// what would fill a disk in an hour of abuse.
const SUBMITS_PER_SECOND: f64 = 50.0;
const SUBMITS_BURST: f64 = 500.0;
/// Receipt lookups (reads and additions) a second across the server.
const LOOKUPS_PER_SECOND: f64 = 40.0;
const LOOKUPS_BURST: f64 = 400.0;
/// Uses of one receipt an hour.
const PER_RECEIPT_AN_HOUR: u32 = 120;
/// How long the same report is known as a repeat, and how many are kept.
const REPEAT_WINDOW: Duration = Duration::from_secs(3600);
const REPEATS_KEPT: usize = 100_000;

pub fn routes() -> Routes {
    Routes::new()
        .upload_max("/api/v1/public/tips", submit_api, MAX_SUBMISSION_BYTES)
        .get("/api/v1/public/tips/{receipt}", read_api)
        .upload_max(
            "/api/v1/public/tips/{receipt}/messages",
            message_api,
            MAX_SUBMISSION_BYTES,
        )
}

// ---- the guard ---------------------------------------------------------

/// A budget that refills at `rate` a second up to `burst`.
struct Bucket {
    tokens: f64,
    at: Instant,
    rate: f64,
    burst: f64,
}

impl Bucket {
    fn new(rate: f64, burst: f64) -> Self {
        Self {
            tokens: burst,
            at: Instant::now(),
            rate,
            burst,
        }
    }

    /// Takes one, or says how many seconds until one is there.
    fn take(&mut self) -> Result<(), u64> {
        let now = Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.at).as_secs_f64() * self.rate).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

/// Reports seen lately, by keyed hash, oldest first.
#[derive(Default)]
struct Repeats {
    seen: HashMap<[u8; 32], Instant>,
    order: VecDeque<([u8; 32], Instant)>,
}

impl Repeats {
    fn prune(&mut self, now: Instant) {
        while let Some((d, at)) = self.order.front().copied() {
            if now.duration_since(at) < REPEAT_WINDOW && self.order.len() < REPEATS_KEPT {
                break;
            }
            self.order.pop_front();
            if self.seen.get(&d) == Some(&at) {
                self.seen.remove(&d);
            }
        }
    }
}

/// What keeps the public side standing: see the module's comment.
pub struct Guard {
    submits: Mutex<Bucket>,
    lookups: Mutex<Bucket>,
    per_receipt: Mutex<HashMap<String, (Instant, u32)>>,
    repeats: Mutex<Repeats>,
    /// A secret of this process: the hashes of reports mean nothing
    /// without it (and it is gone when the process ends).
    repeat_key: String,
    pub(crate) uploads: Semaphore,
}

impl Default for Guard {
    fn default() -> Self {
        Self {
            submits: Mutex::new(Bucket::new(SUBMITS_PER_SECOND, SUBMITS_BURST)),
            lookups: Mutex::new(Bucket::new(LOOKUPS_PER_SECOND, LOOKUPS_BURST)),
            per_receipt: Mutex::new(HashMap::new()),
            repeats: Mutex::new(Repeats::default()),
            repeat_key: domain::accounts::new_secret(),
            uploads: Semaphore::new(UPLOADS_AT_ONCE),
        }
    }
}

fn throttled(seconds: u64, reason: Reason) -> ApiError {
    ApiError {
        retry_after: Some(seconds),
        ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "throttled", reason)
    }
}

impl Guard {
    fn submit(&self) -> Result<(), ApiError> {
        let mut b = self.submits.lock().unwrap_or_else(|p| p.into_inner());
        b.take().map_err(|s| throttled(s, Reason::TipBusy))
    }

    /// A lookup of `receipt_hash` (a code that parses; a malformed one
    /// counts against the global budget only).
    fn lookup(&self, receipt_hash: Option<&str>) -> Result<(), ApiError> {
        {
            let mut b = self.lookups.lock().unwrap_or_else(|p| p.into_inner());
            b.take()
                .map_err(|s| throttled(s, Reason::Busy { seconds: s }))?;
        }
        let Some(hash) = receipt_hash else {
            return Ok(());
        };
        let mut m = self.per_receipt.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if m.len() > REPEATS_KEPT {
            m.retain(|_, (at, _)| now.duration_since(*at) < Duration::from_secs(3600));
        }
        let (start, n) = m.entry(hash.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= Duration::from_secs(3600) {
            (*start, *n) = (now, 0);
        }
        *n += 1;
        if *n > PER_RECEIPT_AN_HOUR {
            let wait = 3600 - now.duration_since(*start).as_secs();
            return Err(throttled(wait.max(1), Reason::Busy { seconds: wait }));
        }
        Ok(())
    }

    fn digest(&self, category: Category, place: i64, report: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.repeat_key.as_bytes());
        h.update(category.as_str().as_bytes());
        h.update(place.to_le_bytes());
        h.update(report.trim().to_lowercase().as_bytes());
        h.finalize().into()
    }

    fn is_repeat(&self, d: &[u8; 32]) -> bool {
        let mut r = self.repeats.lock().unwrap_or_else(|p| p.into_inner());
        r.prune(Instant::now());
        r.seen.contains_key(d)
    }

    fn remember(&self, d: [u8; 32]) {
        let mut r = self.repeats.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        r.seen.insert(d, now);
        r.order.push_back((d, now));
        r.prune(now);
    }
}

// ---- reading what a sender sends ---------------------------------------

/// A body as a sender sends it: its fields and its files (name, bytes).
pub struct Sent {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

impl Sent {
    pub fn get(&self, key: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    pub fn tip_input(&self) -> Result<TipInput, ApiError> {
        let place_id = match self.get("place_id").filter(|s| !s.trim().is_empty()) {
            Some(p) => Some(
                p.trim()
                    .parse::<i64>()
                    .map_err(|_| ApiError::invalid("place_id", Reason::TipPlaceRequired))?,
            ),
            None => None,
        };
        Ok(TipInput {
            category: self.get("category"),
            place_id,
            place_detail: self.get("place_detail"),
            when: self.get("when"),
            report: self.get("report"),
            contact: self.get("contact"),
        })
    }
}

/// The most a text field of a form may hold (the report's 5,000
/// characters at up to 4 bytes each, and some).
const MAX_FIELD_BYTES: usize = 32 * 1024;

/// Reads a multipart body: text fields, and files in fields named
/// `files` (a file input with nothing chosen sends an empty one, skipped).
pub async fn read_multipart(req: Request, state: &AppState) -> Result<Sent, ApiError> {
    let mut form = Multipart::from_request(req, state).await.map_err(|e| {
        ApiError::invalid(
            "files",
            Reason::MultipartExpected {
                content_type: "multipart/form-data".into(),
                detail: e.to_string(),
            },
        )
    })?;
    let mut sent = Sent {
        fields: Vec::new(),
        files: Vec::new(),
    };
    while let Some(field) = form.next_field().await.map_err(unreadable_upload)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(unreadable_upload)?;
        match (name.as_str(), file_name) {
            ("files", Some(f)) => {
                if data.is_empty() {
                    continue;
                }
                if sent.files.len() == domain::tips::MAX_FILES {
                    return Err(ApiError::invalid(
                        "files",
                        Reason::TipFilesTooMany {
                            max: domain::tips::MAX_FILES,
                        },
                    ));
                }
                sent.files.push((f, data.to_vec()));
            }
            _ if data.len() <= MAX_FIELD_BYTES => {
                sent.fields
                    .push((name, String::from_utf8_lossy(&data).into_owned()));
            }
            _ => return Err(ApiError::invalid("body", Reason::Required)),
        }
    }
    Ok(sent)
}

fn unreadable_upload(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            Reason::FileTooLarge {
                max_mib: MAX_SUBMISSION_BYTES / 1024 / 1024,
            },
        );
    }
    ApiError::invalid(
        "files",
        Reason::UploadUnreadable {
            detail: e.body_text(),
        },
    )
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("multipart/form-data"))
}

/// A body with files holds one of the few upload places; none free: 503.
async fn read_sent<T: serde::de::DeserializeOwned>(
    state: &AppState,
    req: Request,
    from_form: impl FnOnce(&Sent) -> Result<T, ApiError>,
) -> Result<(T, Vec<(String, Vec<u8>)>), ApiError> {
    if is_multipart(&req) {
        let _place = state
            .tips
            .uploads
            .try_acquire()
            .map_err(|_| ApiError::busy(10))?;
        let sent = read_multipart(req, state).await?;
        let input = from_form(&sent)?;
        return Ok((input, sent.files));
    }
    let body = Bytes::from_request(req, state)
        .await
        .map_err(|_| ApiError::invalid("body", Reason::Required))?;
    Ok((crate::forms::json(&body)?, Vec::new()))
}

// ---- filing ------------------------------------------------------------

/// What a sender gets back, once: the receipt is never shown again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Filed {
    /// 16 characters in four groups (`7KQ2-M9XD-4TFB-0RHW`): keep it to
    /// come back; the police cannot find it for you.
    pub receipt: String,
    /// The commune police that received it.
    pub unit_name: String,
    pub received_on: chrono::NaiveDate,
}

/// Files a tip from the public side: checked, sealed to the receiving
/// unit's officers and the key-holders over it, kept with its receipt.
pub async fn file(
    state: &AppState,
    input: &TipInput,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Filed, ApiError> {
    let t = input.parse()?;
    let files = checked_files(files)?;
    let unit = store::tips::receiving_unit(&state.db, t.place_id)
        .await?
        .ok_or_else(|| ApiError::invalid("place_id", Reason::TipPlaceUnknown))?;
    let digest = state.tips.digest(t.category, t.place_id, &t.report.report);
    if state.tips.is_repeat(&digest) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Reason::TipDuplicate,
        ));
    }
    state.tips.submit()?;
    let keys = TipKeys::generate();
    let sealed = sealed_copies(state, unit, &keys).await?;
    let receipt = Receipt::generate();
    let report = serde_json::to_vec(&t.report).map_err(|_| super::sealing_failed())?;
    let content = keys
        .seal(Part::Report, &report)
        .map_err(|_| super::sealing_failed())?;
    let sealed_files = seal_files(&files, |p, b| keys.seal(p, b))?;
    let sender_key = keys
        .wrap_for_sender(&receipt)
        .map_err(|_| super::sealing_failed())?;
    let hash = receipt.lookup_hash();
    let today = domain::time::today();
    let id = store::tips::file(
        &state.db,
        Author::Sender,
        &store::tips::NewTip {
            unit_id: unit,
            place_id: t.place_id,
            category: t.category,
            channel: domain::tips::Channel::Web,
            received_on: today,
            receipt_hash: Some(&hash),
            sender_key: Some(&sender_key),
            content: &content,
            sealed: &sealed,
            files: &sealed_files,
        },
    )
    .await?;
    state.tips.remember(digest);
    let unit_name = store::tips::unit_name_of(&state.db, id).await?;
    Ok(Filed {
        receipt: receipt.display(),
        unit_name,
        received_on: today,
    })
}

/// Send a tip to the commune police of a place, without saying who you are: answers the receipt code, once
#[utoipa::path(post, path = "/api/v1/public/tips", tag = "tips",
    request_body(content = TipInput, description = "JSON; or `multipart/form-data` with the same fields and up to 4 files in fields named `files` (JPEG, PNG, MP4 or PDF, 10 MB each; photos lose their metadata)."),
    responses((status = 201, description = "Received: keep the receipt", body = Filed),
        (status = 400, description = "Bad input (`field` names it), a file too large or of another kind, or a place no officer receives tips for yet (`tip_no_recipient`).", body = Problem),
        (status = 409, description = "The same report was just sent (`tip_duplicate`): it was received.", body = Problem),
        (status = 429, description = "Too many tips are arriving (`tip_busy`): wait the seconds of `Retry-After`.", body = Problem)))]
pub(super) async fn submit_api(State(state): State<AppState>, req: Request) -> Response {
    let result = async {
        let (input, files) = read_sent(&state, req, Sent::tip_input).await?;
        file(&state, &input, files).await
    }
    .await;
    no_store(match result {
        Ok(f) => (StatusCode::CREATED, Json(f)).into_response(),
        Err(e) => e.into_response(),
    })
}

// ---- coming back -------------------------------------------------------

/// A tip as its sender reads it: never an officer's name or a note.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SenderTip {
    pub category: Category,
    pub state: TipState,
    pub received_on: chrono::NaiveDate,
    /// The commune police (or the province) holding it now.
    pub unit_name: String,
    pub report: Report,
    pub files: Vec<TipFile>,
    pub messages: Vec<SenderMessage>,
}

/// A message of the conversation: the sender's own, or the police's reply.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SenderMessage {
    pub kind: Kind,
    pub day: chrono::NaiveDate,
    pub text: String,
    pub files: Vec<TipFile>,
}

/// The one answer to a receipt that finds nothing (or does not parse).
fn unknown_receipt() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        Reason::TipReceiptUnknown,
    )
}

/// The tip and content key a receipt opens, after the throttles.
async fn open_receipt(
    state: &AppState,
    raw: &str,
) -> Result<(store::tips::SenderView, ContentKey), ApiError> {
    let receipt = Receipt::parse(raw);
    let hash = receipt.as_ref().map(Receipt::lookup_hash);
    state.tips.lookup(hash.as_deref())?;
    let (Some(receipt), Some(hash)) = (receipt, hash) else {
        return Err(unknown_receipt());
    };
    let view = store::tips::by_receipt(&state.db, &hash)
        .await?
        .ok_or_else(unknown_receipt)?;
    let key = unwrap_for_sender(&view.sender_key, &receipt).map_err(|_| unknown_receipt())?;
    Ok((view, key))
}

/// Runs `f`, then waits until [`LOOKUP_FLOOR`] has passed since `start`.
pub(crate) async fn at_least_floor<T>(
    start: Instant,
    f: impl std::future::Future<Output = T>,
) -> T {
    let out = f.await;
    tokio::time::sleep_until((start + LOOKUP_FLOOR).into()).await;
    out
}

/// What the sender reads of their tip.
pub async fn read(state: &AppState, raw: &str) -> Result<SenderTip, ApiError> {
    let (view, key) = open_receipt(state, raw).await?;
    let open = |p: Part, b: &[u8]| key.open(p, b);
    let report: Report = serde_json::from_slice(
        &key.open(Part::Report, &view.content)
            .map_err(|_| super::unreadable())?,
    )
    .map_err(|_| super::unreadable())?;
    let messages = view
        .messages
        .iter()
        .filter(|m| m.kind.for_sender())
        .map(|m| {
            Ok(SenderMessage {
                kind: m.kind,
                day: m.day,
                text: open_text(open, Part::Message, &m.content)?,
                files: file_list(&m.files, open)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(SenderTip {
        category: view.row.category.0,
        state: view.row.state.0,
        received_on: view.row.received_on,
        unit_name: view.row.unit_name.clone(),
        report,
        files: file_list(&view.files, open)?,
        messages,
    })
}

/// Read your tip and the police's replies with your receipt code
#[utoipa::path(get, path = "/api/v1/public/tips/{receipt}", tag = "tips",
    params(("receipt" = String, Path, description = "The receipt code, with or without its dashes, any case.")),
    responses((status = 200, description = "The tip and the conversation", body = SenderTip),
        (status = 404, description = "No tip has this code (`tip_receipt_unknown`): a malformed code answers the same, in the same time.", body = Problem),
        (status = 429, description = "Too many lookups: wait the seconds of `Retry-After`.", body = Problem)))]
pub(super) async fn read_api(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let start = Instant::now();
    let result = at_least_floor(start, read(&state, &raw)).await;
    no_store(match result {
        Ok(t) => Json(t).into_response(),
        Err(e) => e.into_response(),
    })
}

/// What a sender adds: a text, and files.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderMessageInput {
    #[schema(required, nullable = false)]
    pub text: Option<String>,
}

/// Adds the sender's message (and files) to the tip a receipt opens.
pub async fn add(
    state: &AppState,
    raw: &str,
    input: &SenderMessageInput,
    files: Vec<(String, Vec<u8>)>,
) -> Result<(), ApiError> {
    let (view, key) = open_receipt(state, raw).await?;
    let text = domain::tips::message_text(input.text.as_deref())?;
    let files = checked_files(files)?;
    let content = key
        .seal(Part::Message, text.as_bytes())
        .map_err(|_| super::sealing_failed())?;
    let sealed_files = seal_files(&files, |p, b| key.seal(p, b))?;
    store::tips::add_message(
        &state.db,
        Author::Sender,
        store::accounts::Scope::All,
        view.id,
        &store::tips::NewMessage {
            kind: Kind::Sender,
            day: domain::time::today(),
            content: &content,
            files: &sealed_files,
        },
    )
    .await?;
    Ok(())
}

/// Add information (and files) to your tip, with your receipt code
#[utoipa::path(post, path = "/api/v1/public/tips/{receipt}/messages", tag = "tips",
    params(("receipt" = String, Path, description = "The receipt code.")),
    request_body(content = SenderMessageInput, description = "JSON; or `multipart/form-data` with `text` and up to 4 files named `files`."),
    responses((status = 201, description = "Added"),
        (status = 404, description = "No tip has this code (`tip_receipt_unknown`).", body = Problem),
        (status = 429, description = "Too many lookups: wait the seconds of `Retry-After`.", body = Problem)))]
pub(super) async fn message_api(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    req: Request,
) -> Response {
    let start = Instant::now();
    let result = at_least_floor(start, async {
        let (input, files) = read_sent(&state, req, |s| {
            Ok(SenderMessageInput {
                text: s.get("text"),
            })
        })
        .await?;
        add(&state, &raw, &input, files).await
    })
    .await;
    no_store(match result {
        Ok(()) => StatusCode::CREATED.into_response(),
        Err(e) => e.into_response(),
    })
}
