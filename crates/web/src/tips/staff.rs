//! The police's side of tips: the list of one's scope, a tip opened with
//! the officer's own key, replies and notes, the steps, files, recording
//! the tips that came another way, and the tip keys.
//!
//! Who may: [`Action::HandleTips`] (commune officers and province staff),
//! in scope (404 outside). What they may read: only tips sealed to them
//! (403 `tip_sealed` otherwise), with the key their password opened at
//! sign-in: a bearer token reads no content (403 `tip_key_locked`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::page::Page;
use domain::policy::Action;
use domain::tips::seal::{Part, PublicKey, TipKeys};
use domain::tips::{
    Action as TipAction, ActionInput, Category, RecordInput, Report, State as TipState, Step,
};
use domain::Reason;
use serde::{Deserialize, Serialize};
use store::tips::{KeyStatus, Kind, TipRow, TipView};

use super::{
    file_list, no_store, not_found, officer_key, open_keys, open_text, sealed_copies,
    sealing_failed, unreadable, TipFile,
};
use crate::actor::Actor;
use crate::api::{PageParams, Problem};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/tips", list_api)
        .post("/api/v1/tips", record_api)
        .get("/api/v1/tips/{id}", get_api)
        .post("/api/v1/tips/{id}/messages", message_api)
        .post("/api/v1/tips/{id}/{action}", step_api)
        .get("/api/v1/tips/{id}/files/{file_id}", file_api)
        .get("/api/v1/tip-keys", keys_api)
        .put("/api/v1/tip-keys/{id}/holder", holder_api)
        .post("/api/v1/tip-keys/{id}/grant", grant_api)
}

/// A tip of the actor's scope as they see it; 404 outside the scope.
pub(crate) async fn view(state: &AppState, actor: &Actor, id: i64) -> Result<TipView, ApiError> {
    store::tips::get(&state.db, actor.scope(), actor.user.id, id)
        .await
        .map_err(not_found)
}

// ---- the list ------------------------------------------------------------

/// A page of tips and how many match.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TipPage {
    pub items: Vec<TipRow>,
    /// How many match, counted up to 1,000 (`total_exact` false: more).
    pub total: i64,
    pub total_exact: bool,
    pub page: u32,
    pub per_page: u32,
}

/// The list's filters, from a query string.
pub(crate) fn filter_of(f: &Fields) -> Result<store::tips::Filter, ApiError> {
    let text = |key: &str| f.get(key).map(str::trim).filter(|s| !s.is_empty());
    let page = Page::parse(f.get("page"), f.get("per_page"))?;
    Ok(store::tips::Filter {
        state: text("state")
            .map(|s| TipState::parse("state", s))
            .transpose()?,
        category: text("category")
            .map(|s| Category::parse("category", s))
            .transpose()?,
        unit: f.i64("org_unit")?,
        overdue_on: f
            .bool("overdue")?
            .unwrap_or(false)
            .then(domain::time::today),
        page: page.page,
        per_page: page.per_page,
    })
}

pub(crate) async fn list(state: &AppState, actor: &Actor, f: &Fields) -> Result<TipPage, ApiError> {
    actor.require(Action::HandleTips)?;
    let filter = filter_of(f)?;
    crate::areas::check_unit(state, actor, filter.unit).await?;
    let (items, total) =
        store::tips::list(&state.db, actor.scope(), actor.user.id, &filter).await?;
    Ok(TipPage {
        items,
        total: total.min(store::tips::COUNT_CAP),
        total_exact: total <= store::tips::COUNT_CAP,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// Tips of the user's scope, newest first: what they are about and where they stand, never what they say
#[utoipa::path(get, path = "/api/v1/tips", tag = "tips",
    params(
        ("state" = Option<TipState>, Query),
        ("category" = Option<Category>, Query),
        ("org_unit" = Option<i64>, Query, description = "Tips held by this unit or the units under it."),
        ("overdue" = Option<bool>, Query, description = "Open tips past their state's deadline (3 days to take up, 20 to verify)."),
        PageParams,
    ),
    responses((status = 200, description = "A page of tips", body = TipPage),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
pub(super) async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    Ok(Json(list(&state, &actor, &f).await?).into_response())
}

// ---- recording -------------------------------------------------------------

/// Records a tip that came by telephone, in person, on VNeID or by letter.
pub(crate) async fn record(
    state: &AppState,
    actor: &Actor,
    input: &RecordInput,
) -> Result<TipRow, ApiError> {
    actor.require(Action::HandleTips)?;
    let r = input.parse(domain::time::today())?;
    let unit = store::tips::receiving_unit(&state.db, r.tip.place_id)
        .await?
        .ok_or_else(|| ApiError::invalid("place_id", Reason::TipPlaceUnknown))?;
    crate::areas::check_unit(state, actor, Some(unit))
        .await
        .map_err(|_| ApiError::invalid("place_id", Reason::TipPlaceUnknown))?;
    let keys = TipKeys::generate();
    let sealed = sealed_copies(state, unit, &keys).await?;
    let report = serde_json::to_vec(&r.tip.report).map_err(|_| sealing_failed())?;
    let content = keys
        .seal(Part::Report, &report)
        .map_err(|_| sealing_failed())?;
    let id = store::tips::file(
        &state.db,
        actor.author(),
        &store::tips::NewTip {
            unit_id: unit,
            place_id: r.tip.place_id,
            category: r.tip.category,
            channel: r.channel,
            received_on: r.received_on,
            receipt_hash: None,
            sender_key: None,
            content: &content,
            sealed: &sealed,
            files: &[],
        },
    )
    .await?;
    Ok(view(state, actor, id).await?.row)
}

/// Record a tip that came by telephone, in person, on VNeID or by letter (sealed like one sent online; it counts in the figures once)
#[utoipa::path(post, path = "/api/v1/tips", tag = "tips", request_body = RecordInput,
    responses((status = 201, description = "Recorded", body = TipRow),
        (status = 400, description = "Bad input, or a place outside the scope or with no officer who receives tips.", body = Problem)))]
pub(super) async fn record_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let input: RecordInput = forms::json(&body)?;
    let row = record(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

// ---- one tip ---------------------------------------------------------------

/// A tip as an officer reads it. `readable` false: the officer is not
/// (yet) one of its recipients, or reads through a token: the clear part
/// only.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffTip {
    pub tip: TipRow,
    pub readable: bool,
    pub report: Option<Report>,
    pub files: Vec<TipFile>,
    pub messages: Vec<StaffMessage>,
    /// The sender holds a receipt and can read replies.
    pub has_receipt: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffMessage {
    pub id: i64,
    pub kind: Kind,
    /// The officer who wrote it (none for the sender).
    pub author_name: Option<String>,
    pub day: chrono::NaiveDate,
    pub text: Option<String>,
    pub files: Vec<TipFile>,
}

/// The part a message of `kind` is sealed as.
fn part_of(kind: Kind) -> Part {
    match kind {
        Kind::Sender | Kind::Reply => Part::Message,
        Kind::Note | Kind::Event => Part::Note,
    }
}

pub(crate) fn detail(view: &TipView, keys: Option<&TipKeys>) -> Result<StaffTip, ApiError> {
    let Some(keys) = keys else {
        return Ok(StaffTip {
            tip: view.row.clone(),
            readable: false,
            report: None,
            files: Vec::new(),
            messages: view
                .messages
                .iter()
                .map(|m| StaffMessage {
                    id: m.id,
                    kind: m.kind,
                    author_name: m.author_name.clone(),
                    day: m.day,
                    text: None,
                    files: Vec::new(),
                })
                .collect(),
            has_receipt: view.has_receipt,
        });
    };
    let open = |p: Part, b: &[u8]| keys.open(p, b);
    let report: Report = serde_json::from_slice(
        &keys
            .open(Part::Report, &view.content)
            .map_err(|_| unreadable())?,
    )
    .map_err(|_| unreadable())?;
    let messages = view
        .messages
        .iter()
        .map(|m| {
            Ok(StaffMessage {
                id: m.id,
                kind: m.kind,
                author_name: m.author_name.clone(),
                day: m.day,
                text: Some(open_text(open, part_of(m.kind), &m.content)?),
                files: file_list(&m.files, open)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(StaffTip {
        tip: view.row.clone(),
        readable: true,
        report: Some(report),
        files: file_list(&view.files, open)?,
        messages,
        has_receipt: view.has_receipt,
    })
}

/// A tip of the scope and the keys the officer opens it with (none: they
/// cannot).
pub(crate) async fn open(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    id: i64,
) -> Result<(TipView, Option<TipKeys>), ApiError> {
    actor.require(Action::HandleTips)?;
    let view = view(state, actor, id).await?;
    let keys = match officer_key(state, actor, headers).await {
        Ok(k) => open_keys(view.sealed_keys.as_deref(), &k).ok(),
        Err(_) => None,
    };
    if keys.is_some() && view.row.staff_unread {
        store::tips::mark_read(&state.db, id).await?;
    }
    Ok((view, keys))
}

/// A tip: what it says and the conversation, for its recipients (the clear part for other officers in scope)
#[utoipa::path(get, path = "/api/v1/tips/{id}", tag = "tips",
    params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The tip", body = StaffTip),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
pub(super) async fn get_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let id = forms::record_id(&id)?;
    let (view, keys) = open(&state, &actor, &headers, id).await?;
    Ok(no_store(
        Json(detail(&view, keys.as_ref())?).into_response(),
    ))
}

/// The keys of a tip of the scope, which the officer must be able to open.
async fn keys_for(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    view: &TipView,
) -> Result<TipKeys, ApiError> {
    let key = officer_key(state, actor, headers).await?;
    open_keys(view.sealed_keys.as_deref(), &key)
}

// ---- replies and notes -----------------------------------------------------

/// What an officer writes on a tip.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfficerKind {
    /// To the sender: they read it with their receipt.
    Reply,
    /// For the police only.
    Note,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficerMessageInput {
    pub kind: OfficerKind,
    #[schema(required, nullable = false)]
    pub text: Option<String>,
}

pub(crate) async fn write_message(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    id: i64,
    input: &OfficerMessageInput,
) -> Result<(), ApiError> {
    let view = view(state, actor, id).await?;
    let text = domain::tips::message_text(input.text.as_deref())?;
    let keys = keys_for(state, actor, headers, &view).await?;
    let (kind, part) = match input.kind {
        OfficerKind::Reply => (Kind::Reply, Part::Message),
        OfficerKind::Note => (Kind::Note, Part::Note),
    };
    let content = keys
        .seal(part, text.as_bytes())
        .map_err(|_| sealing_failed())?;
    store::tips::add_message(
        &state.db,
        actor.author(),
        actor.scope(),
        id,
        &store::tips::NewMessage {
            kind,
            day: domain::time::today(),
            content: &content,
            files: &[],
        },
    )
    .await
    .map_err(not_found)?;
    Ok(())
}

/// Reply to the sender (they read it with their receipt) or keep a note for the police
#[utoipa::path(post, path = "/api/v1/tips/{id}/messages", tag = "tips",
    params(("id" = i64, Path, minimum = 1)), request_body = OfficerMessageInput,
    responses((status = 201, description = "Written"),
        (status = 403, description = "The officer is not one of the tip's recipients (`tip_sealed`), or reads through a token (`tip_key_locked`).", body = Problem)))]
pub(super) async fn message_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let id = forms::record_id(&id)?;
    view(&state, &actor, id).await?;
    let input: OfficerMessageInput = forms::json(&body)?;
    write_message(&state, &actor, &headers, id, &input).await?;
    Ok(StatusCode::CREATED.into_response())
}

// ---- steps -------------------------------------------------------------------

/// A step refused because of the tip's state is a conflict, not bad input.
fn step_refusal(e: domain::DomainError) -> ApiError {
    if matches!(*e.reason, Reason::TipActionNotNow { .. }) {
        ApiError::new(StatusCode::CONFLICT, "conflict", e.reason)
    } else {
        e.into()
    }
}

pub(crate) async fn take_step(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    id: i64,
    action: TipAction,
    input: &ActionInput,
) -> Result<TipRow, ApiError> {
    actor.require(Action::HandleTips)?;
    let view = view(state, actor, id).await?;
    let from = view.row.state.0;
    let (step, next) = input.parse(action, from).map_err(step_refusal)?;
    let keys = keys_for(state, actor, headers, &view).await?;
    let seal_note = |text: &str| {
        keys.seal(Part::Note, text.as_bytes())
            .map_err(|_| sealing_failed())
    };
    let (event, forward_to, outcome) = match &step {
        Step::Verify => (None, None, None),
        Step::Forward { to_unit_id, reason } => {
            if *to_unit_id == view.row.unit_id
                || !store::tips::is_forward_target(&state.db, *to_unit_id).await?
            {
                return Err(ApiError::invalid("to_unit_id", Reason::TipForwardTarget));
            }
            let copies = sealed_copies(state, *to_unit_id, &keys)
                .await
                .map_err(|_| ApiError::invalid("to_unit_id", Reason::TipNoRecipient))?;
            (Some(seal_note(reason)?), Some((*to_unit_id, copies)), None)
        }
        Step::Resolve(o) => (
            o.summary.as_deref().map(seal_note).transpose()?,
            None,
            Some((o.valuable, o.cases_solved, o.arrests)),
        ),
        Step::Close { reason } => (Some(seal_note(reason)?), None, None),
    };
    store::tips::step(
        &state.db,
        actor.author(),
        actor.scope(),
        id,
        from,
        &store::tips::Step {
            action,
            next,
            today: domain::time::today(),
            event: event.as_deref(),
            forward_to: forward_to.as_ref().map(|(u, c)| (*u, c.as_slice())),
            outcome,
        },
    )
    .await
    .map_err(not_found)
}

/// Take a step: verify (take it up), forward (to another commune or the province, with a reason: sealed anew to its officers), resolve (with what came of it), close (not actionable, with a reason)
#[utoipa::path(post, path = "/api/v1/tips/{id}/{action}", tag = "tips",
    params(("id" = i64, Path, minimum = 1), ("action" = TipAction, Path)),
    request_body = ActionInput,
    responses((status = 200, description = "The tip as it now stands", body = TipRow),
        (status = 403, description = "The officer is not one of the tip's recipients (`tip_sealed`), or reads through a token (`tip_key_locked`).", body = Problem),
        (status = 409, description = "Not a step the tip's state allows (`tip_action_not_now`), or someone took another step first.", body = Problem)))]
pub(super) async fn step_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let id = forms::record_id(&id)?;
    let action = TipAction::parse("action", &action)?;
    let input: ActionInput = if body.iter().all(u8::is_ascii_whitespace) {
        ActionInput::default()
    } else {
        forms::json(&body)?
    };
    let row = take_step(&state, &actor, &headers, id, action, &input).await?;
    Ok(Json(row).into_response())
}

// ---- files -------------------------------------------------------------------

pub(crate) async fn file(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    id: i64,
    file_id: i64,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let (name, content) = store::tips::file_content(&state.db, actor.scope(), id, file_id)
        .await
        .map_err(not_found)?;
    let view = view(state, actor, id).await?;
    let keys = keys_for(state, actor, headers, &view).await?;
    let name = open_text(|p, b| keys.open(p, b), Part::FileName, &name)?;
    let bytes = keys.open(Part::File, &content).map_err(|_| unreadable())?;
    let kind = domain::tips::FileKind::sniff(&bytes).ok_or_else(unreadable)?;
    Ok(no_store(crate::attachments::download(
        &name,
        kind.media_type().to_string(),
        bytes,
    )))
}

/// A file sent with a tip or a message, opened (served as an attachment)
#[utoipa::path(get, path = "/api/v1/tips/{id}/files/{file_id}", tag = "tips",
    params(("id" = i64, Path, minimum = 1), ("file_id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The file"),
        (status = 403, description = "Not one of the tip's recipients.", body = Problem),
        (status = 404, description = "Unknown, or outside the scope", body = Problem)))]
pub(super) async fn file_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path((id, file_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let (id, file_id) = (forms::record_id(&id)?, forms::record_id(&file_id)?);
    file(&state, &actor, &headers, id, file_id).await
}

// ---- keys ----------------------------------------------------------------------

/// One's own tip key and the officers of one's scope with theirs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KeysOverview {
    /// Whether this session holds the user's key open (signed in with a
    /// password since tips began).
    pub open_in_session: bool,
    pub mine: Option<KeyStatus>,
    pub officers: Vec<KeyStatus>,
}

/// Who may see the keys page: officers who receive tips, and the
/// administrators who appoint the key-holders.
fn require_keys_reader(actor: &Actor) -> Result<(), ApiError> {
    if actor.may(Action::HandleTips) || actor.may(Action::ManageUsers) {
        Ok(())
    } else {
        Err(ApiError::role_not_allowed(Action::HandleTips))
    }
}

pub(crate) async fn keys(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
) -> Result<KeysOverview, ApiError> {
    require_keys_reader(actor)?;
    let officers = store::tips::keys_in_scope(&state.db, actor.scope()).await?;
    let mine = store::tips::officer(&state.db, store::accounts::Scope::All, actor.user.id).await?;
    Ok(KeysOverview {
        open_in_session: officer_key(state, actor, headers).await.is_ok(),
        mine,
        officers,
    })
}

/// One's own tip key (its public half) and the officers of one's scope with theirs: who has signed in since tips began, who is a key-holder, whose key was made anew and waits for a grant
#[utoipa::path(get, path = "/api/v1/tip-keys", tag = "tips",
    responses((status = 200, description = "The keys", body = KeysOverview)))]
pub(super) async fn keys_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(Json(keys(&state, &actor, &headers).await?).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolderInput {
    pub holder: bool,
}

/// Makes a province officer a key-holder (or no longer one).
pub(crate) async fn set_holder(
    state: &AppState,
    actor: &Actor,
    user: i64,
    holder: bool,
) -> Result<(), ApiError> {
    actor.require(Action::ManageUsers)?;
    let officer = store::tips::officer(&state.db, actor.scope(), user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if officer.role != domain::accounts::Role::ProvinceStaff.as_str() {
        return Err(ApiError::invalid("holder", Reason::TipHolderRole));
    }
    if officer.public_key.is_none() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Reason::TipKeyMissing,
        ));
    }
    store::tips::set_holder(&state.db, actor.author(), user, holder)
        .await
        .map_err(not_found)
}

/// Make a province officer a tip key-holder, or no longer one (administrators): every new tip of their scope is sealed to them too, and they grant access to the others
#[utoipa::path(put, path = "/api/v1/tip-keys/{id}/holder", tag = "tips",
    params(("id" = i64, Path, minimum = 1, description = "The officer's user id.")),
    request_body = HolderInput,
    responses((status = 204, description = "Done"),
        (status = 400, description = "Not a province officer (`tip_holder_role`).", body = Problem),
        (status = 409, description = "The officer has no key yet: they sign in once with their password first (`tip_key_missing`).", body = Problem)))]
pub(super) async fn holder_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageUsers)?;
    let id = forms::record_id(&id)?;
    let input: HolderInput = forms::json(&body)?;
    set_holder(&state, &actor, id, input.holder).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// What a grant gave.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Granted {
    /// Open tips the officer can read now.
    pub tips: usize,
}

/// A key-holder gives `user` the open tips of their scope that the holder
/// can read and they cannot: a new officer's, or one whose key was made
/// anew after a reset.
pub(crate) async fn grant(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    user: i64,
) -> Result<Granted, ApiError> {
    actor.require(Action::HandleTips)?;
    let holder_only =
        || ApiError::new(StatusCode::FORBIDDEN, "forbidden", Reason::TipKeyHolderOnly);
    let mine = store::tips::key(&state.db, actor.user.id)
        .await?
        .filter(|k| k.holder)
        .ok_or_else(holder_only)?;
    let officer = store::tips::officer(&state.db, actor.scope(), user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let to = officer
        .public_key
        .as_deref()
        .and_then(|k| PublicKey::parse(k).ok())
        .ok_or_else(|| ApiError::new(StatusCode::CONFLICT, "conflict", Reason::TipKeyMissing))?;
    let key = officer_key(state, actor, headers).await?;
    debug_assert_eq!(key.public().as_str(), mine.public_key);
    let mut granted = 0;
    for (tip, sealed) in store::tips::grantable(&state.db, actor.user.id, user).await? {
        // A copy that no longer opens (sealed to a key of the holder's
        // that was replaced) is skipped: another holder may have it.
        let Ok(keys) = TipKeys::open_sealed(&sealed, &key) else {
            continue;
        };
        let copy = keys.seal_to(&to).map_err(|_| sealing_failed())?;
        store::tips::grant(&state.db, actor.author(), tip, user, &copy).await?;
        granted += 1;
    }
    Ok(Granted { tips: granted })
}

/// Give an officer of one's scope the open tips they cannot read yet (a province key-holder, signed in with their password)
#[utoipa::path(post, path = "/api/v1/tip-keys/{id}/grant", tag = "tips",
    params(("id" = i64, Path, minimum = 1, description = "The officer's user id.")),
    responses((status = 200, description = "What was granted", body = Granted),
        (status = 403, description = "Not a key-holder (`tip_key_holder_only`), or a session without the key open (`tip_key_locked`).", body = Problem),
        (status = 409, description = "The officer has no key yet (`tip_key_missing`).", body = Problem)))]
pub(super) async fn grant_api(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    actor.require(Action::HandleTips)?;
    let id = forms::record_id(&id)?;
    Ok(Json(grant(&state, &actor, &headers, id).await?).into_response())
}
