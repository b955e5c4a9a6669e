//! Logging in and out, by the HTML form and by the API; one's own account;
//! user administration (`users`).

pub mod users;

use axum::body::Bytes;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::accounts::{
    dummy_hash, new_secret, secret_hash, verify_password, LoginGate, NewPassword, LOCK_SECONDS,
};
use domain::Reason;
use serde::{Deserialize, Serialize};
use store::accounts::{self, User};
use store::audit::{self, Author};

use crate::actor::Actor;
use crate::api::{List, Problem};
use crate::error::{ApiError, PageError};
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::security::{cookie, csrf_token, is_https, session_cookie, SESSION_COOKIE};
use crate::AppState;

pub fn public_routes() -> Routes {
    Routes::new()
        .get("/login", login_page)
        .post("/login", login_form)
        .post("/api/v1/auth/login", api_login)
}

pub fn protected_routes() -> Routes {
    Routes::new()
        .post("/logout", logout_form)
        .post("/api/v1/auth/logout", api_logout)
        .get("/account", account_page)
        .post("/account/password", password_form)
        .post("/account/sessions/end", end_session_form)
        .post("/api/v1/auth/password", api_password)
        .get("/api/v1/auth/sessions", api_sessions)
        .post("/api/v1/auth/sessions/end", api_end_session)
        .post("/account/totp/start", totp_start_form)
        .post("/account/totp/confirm", totp_confirm_form)
        .post("/account/totp/disable", totp_disable_form)
        .post("/api/v1/auth/totp/start", api_totp_start)
        .post("/api/v1/auth/totp/confirm", api_totp_confirm)
        .post("/api/v1/auth/totp/disable", api_totp_disable)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api_login,
    api_logout,
    api_password,
    api_sessions,
    api_end_session,
    api_totp_start,
    api_totp_confirm,
    api_totp_disable
))]
pub struct Api;

/// A local path to return to after login; anything else goes home.
fn safe_next(next: Option<&str>) -> String {
    crate::security::local_path(next)
}

async fn login_page(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let f = Fields::from_query(q.as_deref());
    render_login(&state, lang, &headers, &safe_next(f.get("next")), "", None)
}

/// The login page; `message` is a catalogue key shown as an alert.
fn render_login(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    next: &str,
    username: &str,
    message: Option<&str>,
) -> Response {
    let (token, cookie) = crate::security::login_token(state, headers);
    let page = LoginPage {
        lang: lang.code(),
        path: "/login",
        user: None,
        next,
        username,
        message,
        token: &token,
    };
    let mut res = state.templates.public_page(lang, &page);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The login page, before anyone is signed in (no `Base`: no user, no
/// form token of a session).
#[derive(Serialize)]
struct LoginPage<'a> {
    lang: &'static str,
    path: &'static str,
    /// Nobody yet: the layout shows no navigation.
    user: Option<()>,
    next: &'a str,
    username: &'a str,
    message: Option<&'a str>,
    /// The form's pre-session token (`security::login_token`).
    token: &'a str,
}

impl PageContext for LoginPage<'_> {
    const TEMPLATE: &'static str = "accounts/login.html";
}

#[derive(Serialize)]
struct AccountPage<'a> {
    must_change: bool,
    sessions: Vec<SessionLine>,
    two_factor: TwoFactor,
    /// What was just done (`password`, `totp` …), to confirm it.
    done: Option<&'a str>,
    error: Option<FormError>,
}

impl PageContext for AccountPage<'_> {
    const TEMPLATE: &'static str = "accounts/account.html";
}

#[derive(Serialize)]
struct SessionLine {
    current: bool,
    id: String,
    device: Option<String>,
    created_at: String,
    last_seen_at: String,
}

#[derive(Serialize)]
struct TwoFactor {
    enabled: bool,
    /// A secret being set up, not yet confirmed by a code.
    pending: Option<String>,
    uri: Option<String>,
    /// Shown once, right after they are made.
    recovery_codes: Option<Vec<String>>,
    /// Whether this account must turn it on before anything else.
    required: bool,
}

/// The throttling keys of a login: hashes of the name as typed and of the
/// address, so that neither is stored.
fn login_keys(username: &str, addr: &ClientAddr) -> (String, String) {
    (
        format!("user:{}", secret_hash(&username.trim().to_lowercase())),
        format!("addr:{}", secret_hash(&addr.0)),
    )
}

/// A password check that counts as a login attempt: a slot for Argon2 is
/// taken first (a full queue answers 429 and counts nothing), then the
/// attempt is reserved against the name and the address (a closed gate
/// answers 429), then the password is checked. The attempt stays counted
/// as a failure unless the caller settles it with
/// `accounts::settle_login_success`.
async fn checked_attempt(
    state: &AppState,
    keys: &(String, String),
    password: &str,
    hash: String,
) -> Result<(bool, accounts::Attempt), ApiError> {
    let slot = state.password_checks.slot().await.map_err(queue_full)?;
    let attempt = accounts::reserve_login_attempt(&state.db, &keys.0, &keys.1, chrono::Utc::now())
        .await?
        .map_err(|gate| match gate {
            LoginGate::Wait(secs) | LoginGate::Locked(secs) => throttled(secs),
            LoginGate::Open => throttled(1),
        })?;
    let password = password.to_string();
    let ok = slot
        .run(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    Ok((ok, attempt))
}

/// Checks a username and password. Unknown or malformed usernames cost the
/// same time as known ones, and the answer never says which part was wrong.
async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    second: Option<&str>,
    addr: &ClientAddr,
) -> Result<Option<User>, ApiError> {
    let keys = login_keys(username, addr);
    let found = match domain::accounts::parse_username(username) {
        Ok(name) => accounts::find_by_username(&state.db, &name).await?,
        Err(_) => None,
    };
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, dummy_hash().to_string()),
    };
    let (ok, attempt) = checked_attempt(state, &keys, password, hash).await?;
    match user {
        Some(u) if ok && !u.disabled => {
            // The password was right; a second factor, when the user has
            // one, must be too (a wrong code leaves the attempt a failure).
            // A wrong code stays counted; a missing one (the form asks for
            // it next) is taken back, not cleared with the failures before.
            if let Err(e) = check_second_factor(state, &u, second).await {
                match e.code {
                    "totp_invalid" => note_failure(state, username, attempt.locks).await?,
                    _ => {
                        accounts::release_login_attempt(&state.db, &keys.0, &keys.1, attempt)
                            .await?
                    }
                }
                return Err(e);
            }
            accounts::settle_login_success(&state.db, &keys.0, &keys.1).await?;
            audit::record_event::<()>(
                &state.db,
                Author::User(u.id),
                "login",
                "user",
                u.id.to_string(),
                None,
            )
            .await?;
            tracing::info!(username = %u.username, "login");
            Ok(Some(u))
        }
        _ => {
            note_failure(state, username, attempt.locks).await?;
            Ok(None)
        }
    }
}

/// Audits and logs a failed password check, by a hash of the name typed
/// (not the name: people paste passwords into that box).
async fn note_failure(state: &AppState, username: &str, locked: bool) -> Result<(), ApiError> {
    let tag = secret_hash(username);
    let tag = tag.get(..12).unwrap_or("");
    let action = if locked { "lockout" } else { "login_failed" };
    audit::record_event::<()>(
        &state.db,
        Author::System,
        action,
        "login",
        tag.to_string(),
        None,
    )
    .await?;
    if locked {
        tracing::warn!(username_sha256 = %tag, minutes = LOCK_SECONDS / 60, "account locked after repeated failed logins");
    } else {
        tracing::warn!(username_sha256 = %tag, "login failed");
    }
    Ok(())
}

/// The signed-in user's current password, checked before a change to the
/// account (password, second factor, sessions). A wrong one counts against
/// the login limits like a failed login, so a borrowed session cannot
/// guess it; 429 once they are reached.
async fn check_current_password(
    state: &AppState,
    actor: &Actor,
    addr: &ClientAddr,
    field: &'static str,
    password: &str,
) -> Result<(), ApiError> {
    let keys = login_keys(&actor.user.username, addr);
    let hash = accounts::password_hash(&state.db, actor.user.id).await?;
    let (ok, attempt) = checked_attempt(state, &keys, password, hash).await?;
    if ok {
        accounts::settle_login_success(&state.db, &keys.0, &keys.1).await?;
        return Ok(());
    }
    note_failure(state, &actor.user.username, attempt.locks).await?;
    Err(ApiError::invalid(field, Reason::PasswordWrong))
}

/// A one-time code or an unused recovery code, for a user who turned the
/// second factor on. 401 `totp_required` when none was given, 401
/// `totp_invalid` when it does not match.
async fn check_second_factor(
    state: &AppState,
    user: &User,
    given: Option<&str>,
) -> Result<(), ApiError> {
    let tf = accounts::two_factor(&state.db, user.id).await?;
    let Some(secret) = tf.totp_secret else {
        return Ok(());
    };
    let Some(code) = given.map(str::trim).filter(|c| !c.is_empty()) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "totp_required",
            Reason::TotpRequired,
        ));
    };
    let now = chrono::Utc::now().timestamp();
    if let Some(step) = domain::totp::verify(&secret, code, now, tf.totp_last_step) {
        if accounts::use_totp_step(&state.db, user.id, step).await? {
            return Ok(());
        }
    }
    let recovery = secret_hash(&domain::totp::normalize_recovery_code(code));
    if accounts::use_recovery_code(&state.db, user.id, &recovery).await? {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::UNAUTHORIZED,
        "totp_invalid",
        Reason::TotpInvalid,
    ))
}

/// Hashes a new password on the blocking pool, under the same limit as
/// checks: Argon2 must not stall the threads that serve requests.
pub(crate) async fn hash_password(
    state: &AppState,
    field: &'static str,
    password: &str,
) -> Result<String, ApiError> {
    let new = NewPassword::parse(password).map_err(|e| ApiError::invalid(field, e.reason))?;
    let hashed = state
        .password_checks
        .run(move || new.hash())
        .await
        .map_err(queue_full)?;
    hashed.map_err(|e| ApiError::invalid(field, e.reason))
}

/// 429 when every Argon2 slot is taken and the queue is full.
fn queue_full(r: crate::blocking::Refused) -> ApiError {
    match r {
        crate::blocking::Refused::Busy => ApiError {
            retry_after: Some(2),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "busy",
                Reason::PasswordChecksBusy { seconds: 2 },
            )
        },
        other => ApiError::from(other),
    }
}

/// 429 with the wait, the same whether the name exists or not.
fn throttled(secs: i64) -> ApiError {
    ApiError {
        retry_after: Some(u64::try_from(secs.max(1)).unwrap_or(1)),
        ..ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            Reason::LoginThrottled { seconds: secs },
        )
    }
}

/// The address a request came from: the peer, or behind `--trust-proxy N`
/// the address the outermost trusted proxy saw. Each proxy appends the
/// address it received from to `X-Forwarded-For`, so the client is the
/// entry N places from the right end; anything left of it was written by
/// the client and proves nothing. Only ever stored hashed.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        let hops = state.config.trusted_proxies;
        let forwarded = (hops > 0)
            .then(|| forwarded_client(&parts.headers, hops))
            .flatten();
        Ok(ClientAddr(
            forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// The `hops`-th address from the right of all `X-Forwarded-For` headers
/// (in order), if there are that many.
fn forwarded_client(headers: &HeaderMap, hops: usize) -> Option<String> {
    let all: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let i = all.len().checked_sub(hops)?;
    all.get(i)
        .filter(|a| !a.is_empty())
        .map(|a| (*a).to_string())
}

/// Starts a session: a fresh 256-bit id, stored hashed.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
) -> Result<(String, HeaderValue), ApiError> {
    let secret = new_secret();
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accounts::create_session(
        &state.db,
        user.id,
        &secret_hash(&secret),
        state.config.sessions,
        &domain::accounts::device_of(agent),
    )
    .await?;
    let max_age = state.config.sessions.absolute.num_seconds();
    let c = session_cookie(&secret, is_https(state, headers), max_age);
    let v = HeaderValue::from_str(&c).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Reason::Internal,
        )
    })?;
    Ok((secret, v))
}

async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let username = f.get("username").unwrap_or("");
    // The password is taken as typed: no trimming.
    let password = f.raw("password").unwrap_or_default();
    let next = safe_next(f.get("next"));
    let user = match authenticate(&state, username, &password, f.get("totp"), &addr).await {
        Ok(u) => u,
        Err(e)
            if matches!(
                e.status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::UNAUTHORIZED
            ) =>
        {
            let key = match e.code {
                "totp_required" => "login.totp_required",
                "totp_invalid" => "login.totp_invalid",
                _ => "login.throttled",
            };
            let mut res = render_login(&state, lang, &headers, &next, username, Some(key));
            crate::templates::with_status(&mut res, e.status);
            return res;
        }
        Err(e) => return PageError::new(e.status, lang, "error.unavailable").into_response(),
    };
    let Some(user) = user else {
        return render_login(
            &state,
            lang,
            &headers,
            &next,
            username,
            Some("login.failed"),
        );
    };
    match start_session(&state, &headers, &user).await {
        Ok((secret, cookie)) => {
            crate::tips::keys::open_at_login(&state, &user, &password, &secret).await;
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res
        }
        Err(e) => PageError::new(e.status, lang, "error.unavailable").into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoginInput {
    username: String,
    password: String,
    #[serde(default)]
    totp: Option<String>,
}

/// Who logged in, and the token to send in `X-CSRF-Token` with writes.
#[derive(Serialize, utoipa::ToSchema)]
struct LoginResult {
    user: User,
    csrf_token: String,
}

/// Log in; sets the session cookie
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput,
    responses(
        (status = 200, description = "Logged in", body = LoginResult),
        (status = 401, description = "Wrong username or password (never says which); or `totp_required` / `totp_invalid` for an account with a second factor.", body = Problem),
        (status = 415, description = "The body is not sent as application/json.", body = Problem),
        (status = 429, description = "Too many failed logins for this name or address (`throttled`), or too many password checks waiting (`busy`): wait the seconds of `Retry-After`; 10 failures lock the account for 15 minutes.", body = Problem),
    ))]
async fn api_login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    // JSON only: a form or text/plain post from another site cannot then
    // log a victim into someone else's account.
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            Reason::ContentTypeRequired {
                content_type: "application/json".into(),
            },
        ));
    }
    let input: LoginInput = forms::json(&body)?;
    let Some(user) = authenticate(
        &state,
        &input.username,
        &input.password,
        input.totp.as_deref(),
        &addr,
    )
    .await?
    else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_failed",
            Reason::LoginFailed,
        ));
    };
    let (secret, cookie) = start_session(&state, &headers, &user).await?;
    crate::tips::keys::open_at_login(&state, &user, &input.password, &secret).await;
    let csrf_token = csrf_token(&secret);
    let mut res = Json(LoginResult { user, csrf_token }).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        accounts::delete_session(&state.db, &secret_hash(&secret)).await?;
    }
    HeaderValue::from_str(&session_cookie("", is_https(state, headers), 0)).map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            Reason::Internal,
        )
    })
}

async fn logout_form(
    State(state): State<AppState>,
    lang: Lang,
    _actor: Actor,
    headers: HeaderMap,
) -> Response {
    match end_session(&state, &headers).await {
        Ok(c) => {
            let mut res = Redirect::to("/login").into_response();
            res.headers_mut().insert(header::SET_COOKIE, c);
            res
        }
        Err(e) => PageError::new(e.status, lang, "error.unavailable").into_response(),
    }
}

/// End this session
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "Logged out")))]
async fn api_logout(
    State(state): State<AppState>,
    _actor: Actor,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let c = end_session(&state, &headers).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, c);
    Ok(res)
}

// ---- the user's own account: password and sessions -----------------------

/// Changes the actor's password after checking the current one, and ends
/// their other sessions and API tokens (someone who knew the old password
/// may have opened either).
async fn change_password(
    state: &AppState,
    actor: &Actor,
    addr: &ClientAddr,
    current: &str,
    new: &str,
) -> Result<accounts::AccessEnded, ApiError> {
    check_current_password(state, actor, addr, "current_password", current).await?;
    if current == new {
        return Err(ApiError::invalid("new_password", Reason::PasswordUnchanged));
    }
    let new_hash = hash_password(state, "new_password", new).await?;
    let keep = actor.session.as_deref();
    let ended = accounts::set_password(
        &state.db,
        actor.author(),
        actor.user.id,
        &new_hash,
        false,
        keep,
    )
    .await?;
    crate::tips::keys::relock(state, actor.user.id, current, new).await;
    Ok(ended)
}

async fn account_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let f = Fields::from_query(q.as_deref());
    render_account(&state, &actor, lang, f.get("done"), None).await
}

// ---- second factor -----------------------------------------------------------

const ISSUER: &str = "Bình Yên";

/// Starts setting up the second factor: a new secret, pending until a code
/// from the app confirms it. The password is asked first: whoever holds an
/// unattended session must not bind the account to their own phone.
async fn totp_start(
    state: &AppState,
    actor: &Actor,
    addr: &ClientAddr,
    password: &str,
) -> Result<(String, String), ApiError> {
    if accounts::two_factor(&state.db, actor.user.id)
        .await?
        .enabled()
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Reason::TwoFactorAlreadyOn,
        ));
    }
    check_current_password(state, actor, addr, "password", password).await?;
    let secret = domain::totp::new_secret();
    accounts::set_totp_pending(&state.db, actor.user.id, &secret).await?;
    let uri = domain::totp::otpauth_uri(ISSUER, &actor.user.username, &secret);
    Ok((secret, uri))
}

/// Confirms the pending secret with a code; returns the recovery codes,
/// shown this once.
async fn totp_confirm(
    state: &AppState,
    actor: &Actor,
    code: &str,
) -> Result<Vec<String>, ApiError> {
    let tf = accounts::two_factor(&state.db, actor.user.id).await?;
    let pending = tf
        .totp_pending
        .ok_or_else(|| ApiError::invalid("code", Reason::TwoFactorSetupFirst))?;
    let step = domain::totp::verify(&pending, code, chrono::Utc::now().timestamp(), None)
        .ok_or_else(|| ApiError::invalid("code", Reason::TotpSetupCodeWrong))?;
    let codes = domain::totp::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| secret_hash(c)).collect();
    accounts::enable_totp(&state.db, actor.author(), actor.user.id, step, &hashes).await?;
    Ok(codes)
}

/// Turns the second factor off: the password and a current code (or a
/// recovery code) are both needed.
async fn totp_disable(
    state: &AppState,
    actor: &Actor,
    addr: &ClientAddr,
    password: &str,
    code: &str,
) -> Result<(), ApiError> {
    check_current_password(state, actor, addr, "password", password).await?;
    check_second_factor(state, &actor.user, Some(code))
        .await
        .map_err(|_| ApiError::invalid("code", Reason::CodeWrong))?;
    accounts::disable_totp(&state.db, actor.author(), actor.user.id).await?;
    Ok(())
}

async fn totp_start_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    addr: ClientAddr,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let password = f.raw("password").unwrap_or_default();
    match totp_start(&state, &actor, &addr, &password).await {
        Ok(_) => Redirect::to("/account").into_response(),
        Err(e) => render_account(&state, &actor, lang, None, Some(e)).await,
    }
}

async fn totp_confirm_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    match totp_confirm(&state, &actor, f.get("code").unwrap_or("")).await {
        Ok(codes) => {
            render_account_with(
                &state,
                &actor,
                lang,
                Some("totp_enabled"),
                None,
                Some(codes),
            )
            .await
        }
        Err(e) => render_account(&state, &actor, lang, None, Some(e)).await,
    }
}

async fn totp_disable_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    addr: ClientAddr,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let password = f.raw("password").unwrap_or_default();
    let code = f.get("code").unwrap_or("");
    match totp_disable(&state, &actor, &addr, &password, code).await {
        Ok(()) => Redirect::to("/account?done=totp_disabled").into_response(),
        Err(e) => render_account(&state, &actor, lang, None, Some(e)).await,
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PasswordOnly {
    password: String,
}

/// A new secret for an authenticator app.
#[derive(Serialize, utoipa::ToSchema)]
struct TotpSecret {
    secret: String,
    otpauth_uri: String,
}

/// Start turning on the second factor (the password is asked first): a new secret for an authenticator app
#[utoipa::path(post, path = "/api/v1/auth/totp/start", tag = "auth", request_body = PasswordOnly,
    responses(
        (status = 200, description = "The secret", body = TotpSecret),
        (status = 400, description = "Malformed body, or a wrong password.", body = Problem),
        (status = 409, description = "Already on.", body = Problem),
        (status = 429, description = crate::openapi::WRONG_PASSWORDS, body = Problem),
    ))]
async fn api_totp_start(
    State(state): State<AppState>,
    actor: Actor,
    addr: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: PasswordOnly = forms::json(&body)?;
    let (secret, uri) = totp_start(&state, &actor, &addr, &input.password).await?;
    let otpauth_uri = uri;
    Ok(Json(TotpSecret {
        secret,
        otpauth_uri,
    })
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CodeInput {
    code: String,
}

/// The recovery codes, shown once.
#[derive(Serialize, utoipa::ToSchema)]
struct RecoveryCodes {
    recovery_codes: Vec<String>,
}

/// Confirm with a first code; answers the recovery codes, shown once
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "auth", request_body = CodeInput,
    responses(
        (status = 200, description = "On", body = RecoveryCodes),
        (status = 400, description = "Wrong code, or no setup started.", body = Problem),
    ))]
async fn api_totp_confirm(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: CodeInput = forms::json(&body)?;
    let codes = totp_confirm(&state, &actor, &input.code).await?;
    Ok(Json(RecoveryCodes {
        recovery_codes: codes,
    })
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct DisableInput {
    password: String,
    code: String,
}

/// Turn the second factor off (password and a code needed)
#[utoipa::path(post, path = "/api/v1/auth/totp/disable", tag = "auth", request_body = DisableInput,
    responses(
        (status = 204, description = "Off"),
        (status = 400, description = "Wrong password or code.", body = Problem),
        (status = 429, description = crate::openapi::WRONG_PASSWORDS, body = Problem),
    ))]
async fn api_totp_disable(
    State(state): State<AppState>,
    actor: Actor,
    addr: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: DisableInput = forms::json(&body)?;
    totp_disable(&state, &actor, &addr, &input.password, &input.code).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn render_account(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    done: Option<&str>,
    error: Option<ApiError>,
) -> Response {
    render_account_with(state, actor, lang, done, error, None).await
}

async fn render_account_with(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    done: Option<&str>,
    error: Option<ApiError>,
    recovery_codes: Option<Vec<String>>,
) -> Response {
    let tf = match accounts::two_factor(&state.db, actor.user.id).await {
        Ok(t) => t,
        Err(e) => return PageError::from_store(lang, e).into_response(),
    };
    let two_factor = TwoFactor {
        enabled: tf.enabled(),
        pending: tf.totp_pending.clone(),
        uri: tf
            .totp_pending
            .as_deref()
            .map(|p| domain::totp::otpauth_uri(ISSUER, &actor.user.username, p)),
        recovery_codes,
        required: state.config.require_2fa_admin
            && actor.user.role == domain::accounts::Role::Admin
            && !tf.enabled(),
    };
    let sessions =
        match accounts::list_sessions(&state.db, actor.user.id, state.config.sessions).await {
            Ok(s) => s,
            Err(e) => return PageError::from_store(lang, e).into_response(),
        };
    let status = error.as_ref().map(|e| e.status).unwrap_or(StatusCode::OK);
    let sessions: Vec<_> = sessions
        .into_iter()
        .map(|s| SessionLine {
            current: Some(&s.id) == actor.session.as_ref(),
            device: s.device,
            id: s.id,
            created_at: s.created_at.to_rfc3339(),
            last_seen_at: s.last_seen_at.to_rfc3339(),
        })
        .collect();
    let page = AccountPage {
        must_change: actor.user.must_change_password,
        sessions,
        two_factor,
        done,
        error: error.map(FormError::from),
    };
    let mut res = state
        .templates
        .page(&Base::new(actor, lang, "/account", "account"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn password_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    addr: ClientAddr,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let current = f.raw("current_password").unwrap_or_default();
    let new = f.raw("new_password").unwrap_or_default();
    if f.raw("confirm_password").unwrap_or_default() != new {
        let e = ApiError::invalid("confirm_password", Reason::PasswordsDiffer);
        return render_account(&state, &actor, lang, None, Some(e)).await;
    }
    match change_password(&state, &actor, &addr, &current, &new).await {
        Ok(_) => Redirect::to("/account?done=password").into_response(),
        Err(e)
            if matches!(
                e.status,
                StatusCode::BAD_REQUEST | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            render_account(&state, &actor, lang, None, Some(e)).await
        }
        Err(e) => PageError::new(e.status, lang, "error.unavailable").into_response(),
    }
}

/// Ends one of the actor's sessions, after the password: a borrowed
/// session must not be able to log its owner out everywhere else.
async fn end_own_session(
    state: &AppState,
    actor: &Actor,
    addr: &ClientAddr,
    password: &str,
    id: &str,
) -> Result<(), ApiError> {
    check_current_password(state, actor, addr, "password", password).await?;
    if accounts::end_session(&state.db, actor.user.id, id).await? {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

async fn end_session_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    addr: ClientAddr,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let password = f.raw("password").unwrap_or_default();
    let id = f.get("session").unwrap_or("");
    match end_own_session(&state, &actor, &addr, &password, id).await {
        Ok(()) => Redirect::to("/account?done=session").into_response(),
        Err(e)
            if matches!(
                e.status,
                StatusCode::BAD_REQUEST | StatusCode::TOO_MANY_REQUESTS
            ) =>
        {
            render_account(&state, &actor, lang, None, Some(e)).await
        }
        Err(e) => PageError::from_api(lang, e).into_response(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PasswordInput {
    current_password: String,
    #[schema(min_length = 10, max_length = 256)]
    new_password: String,
}

/// Change one's own password; ends one's other sessions and revokes one's API tokens
///
/// Answers with what the change ended: the other sessions and the API tokens.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordInput,
    responses(
        (status = 200, description = "Changed; what it ended", body = accounts::AccessEnded),
        (status = 400, description = "Wrong current password, or the new one breaks the policy (`field` says which).", body = Problem),
        (status = 429, description = crate::openapi::WRONG_PASSWORDS, body = Problem),
    ))]
async fn api_password(
    State(state): State<AppState>,
    actor: Actor,
    addr: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: PasswordInput = forms::json(&body)?;
    let (current, new) = (&input.current_password, &input.new_password);
    let ended = change_password(&state, &actor, &addr, current, new).await?;
    Ok(Json(ended).into_response())
}

/// One of one's own sessions; `current` marks the one asking.
#[derive(Serialize, utoipa::ToSchema)]
struct SessionView {
    #[serde(flatten)]
    session: accounts::SessionInfo,
    current: bool,
}

/// One's own live sessions
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "auth",
    responses((status = 200, description = "Sessions", body = List<SessionView>)))]
async fn api_sessions(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    let items = accounts::list_sessions(&state.db, actor.user.id, state.config.sessions).await?;
    let current = actor.session.clone();
    let items = items
        .into_iter()
        .map(|session| SessionView {
            current: Some(&session.id) == current.as_ref(),
            session,
        })
        .collect();
    Ok(Json(List::all(items)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct EndSessionInput {
    id: String,
    password: String,
}

/// End one of one's own sessions (the password is asked first)
#[utoipa::path(post, path = "/api/v1/auth/sessions/end", tag = "auth", request_body = EndSessionInput,
    responses(
        (status = 204, description = "Ended"),
        (status = 400, description = "Malformed body, or a wrong password (`field`: password).", body = Problem),
        (status = 404, description = "No such session of this user.", body = Problem),
        (status = 429, description = crate::openapi::WRONG_PASSWORDS, body = Problem),
    ))]
async fn api_end_session(
    State(state): State<AppState>,
    actor: Actor,
    addr: ClientAddr,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: EndSessionInput = forms::json(&body)?;
    end_own_session(&state, &actor, &addr, &input.password, &input.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_counted_from_the_right_end() {
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 10.0.0.1"),
        );
        h.append("x-forwarded-for", HeaderValue::from_static("10.0.0.2"));
        // One proxy: it appended the address it saw, the last one.
        assert_eq!(forwarded_client(&h, 1).as_deref(), Some("10.0.0.2"));
        assert_eq!(forwarded_client(&h, 2).as_deref(), Some("10.0.0.1"));
        // The leftmost was written by the client: only reached by trusting it all.
        assert_eq!(forwarded_client(&h, 3).as_deref(), Some("6.6.6.6"));
        assert_eq!(forwarded_client(&h, 4), None);
        assert_eq!(forwarded_client(&HeaderMap::new(), 1), None);
    }
}
