//! Logging in and out, by the HTML form and by the API.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::accounts::{dummy_hash, new_secret, secret_hash, verify_password};
use minijinja::context;
use serde::Deserialize;
use serde_json::json;
use store::accounts::{self, User};

use crate::actor::Actor;
use crate::error::{ApiError, PageError};
use crate::forms::{self, Fields};
use crate::i18n::Lang;
use crate::security::{cookie, csrf_token, is_https, session_cookie, SESSION_COOKIE};
use crate::AppState;

pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_form))
        .route("/api/v1/auth/login", post(api_login))
}

pub fn protected_routes() -> Router<AppState> {
    Router::new()
        .route("/logout", post(logout_form))
        .route("/api/v1/auth/logout", post(api_logout))
}

/// A local path to return to after login; anything else goes home.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

async fn login_page(State(state): State<AppState>, lang: Lang, RawQuery(q): RawQuery) -> Response {
    let f = Fields::from_query(q.as_deref());
    render_login(&state, lang, &safe_next(f.get("next")), "", false)
}

fn render_login(
    state: &AppState,
    lang: Lang,
    next: &str,
    username: &str,
    failed: bool,
) -> Response {
    state.templates.render(
        "accounts/login.html",
        lang,
        context! { lang => lang.code(), path => "/login", next, username, failed },
    )
}

/// Checks a username and password. Unknown users cost the same time as
/// known ones, and the answer never says which part was wrong.
async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<Option<User>, ApiError> {
    let found = accounts::find_by_username(&state.db, &username.trim().to_lowercase()).await?;
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, dummy_hash().to_string()),
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false);
    match user {
        Some(u) if ok && !u.disabled => {
            tracing::info!(username = %u.username, "login");
            Ok(Some(u))
        }
        _ => {
            tracing::warn!(username = %username.chars().take(64).collect::<String>(), "login failed");
            Ok(None)
        }
    }
}

/// Starts a session: a fresh 256-bit id, stored hashed.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
) -> Result<(String, HeaderValue), ApiError> {
    let secret = new_secret();
    accounts::create_session(
        &state.db,
        user.id,
        &secret_hash(&secret),
        state.config.sessions,
    )
    .await?;
    let max_age = state.config.sessions.absolute.num_seconds();
    let c = session_cookie(&secret, is_https(state, headers), max_age);
    let v = HeaderValue::from_str(&c)
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "cookie"))?;
    Ok((secret, v))
}

async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let username = f.get("username").unwrap_or("");
    // The password is taken as typed: no trimming.
    let password = f.raw("password").unwrap_or_default();
    let next = safe_next(f.get("next"));
    let user = match authenticate(&state, username, &password).await {
        Ok(u) => u,
        Err(e) => return PageError::new(e.status, lang, "error.unavailable").into_response(),
    };
    let Some(user) = user else {
        return render_login(&state, lang, &next, username, true);
    };
    match start_session(&state, &headers, &user).await {
        Ok((_, cookie)) => {
            let mut res = Redirect::to(&next).into_response();
            res.headers_mut().insert(header::SET_COOKIE, cookie);
            res
        }
        Err(e) => PageError::new(e.status, lang, "error.unavailable").into_response(),
    }
}

#[derive(Deserialize)]
struct LoginInput {
    username: String,
    password: String,
    #[serde(default)]
    #[allow(dead_code)]
    totp: Option<String>,
}

async fn api_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: LoginInput = forms::json(&body)?;
    let Some(user) = authenticate(&state, &input.username, &input.password).await? else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_failed",
            "tên đăng nhập hoặc mật khẩu không đúng",
        ));
    };
    let (secret, cookie) = start_session(&state, &headers, &user).await?;
    let mut res = Json(json!({"user": user, "csrf_token": csrf_token(&secret)})).into_response();
    res.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(res)
}

async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    if let Some(secret) = cookie(headers, SESSION_COOKIE) {
        accounts::delete_session(&state.db, &secret_hash(&secret)).await?;
    }
    HeaderValue::from_str(&session_cookie("", is_https(state, headers), 0))
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "cookie"))
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
