//! Security headers on every answer and the CSRF check on every
//! state-changing request that a browser cookie authenticates.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use domain::Reason;

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::{AppState, WebConfig};
use store::accounts;

pub const SESSION_COOKIE: &str = "binhyen_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";
/// The login form's pre-session token: a cookie, and the same value in a
/// field of the form (see [`login_token`]).
pub const LOGIN_COOKIE: &str = "binhyen_login";
pub const LOGIN_FIELD: &str = "login_token";
/// Forms and JSON bodies larger than this are refused.
pub const MAX_BODY: usize = 1024 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                   object-src 'none'; frame-ancestors 'none'";

/// The same for an uploaded file: opened anyway, it runs in a unique
/// origin, without scripts, forms or plugins.
const CSP_SANDBOXED: &str = "sandbox; default-src 'none'; img-src 'self' data:; \
                             style-src 'unsafe-inline'; frame-ancestors 'none'";

/// Gives each request an id: in the `X-Request-Id` answer header, on the
/// log lines of the request, and in every audit record it writes.
pub async fn request_id(req: Request, next: Next) -> Response {
    let id: String = domain::accounts::new_secret().chars().take(16).collect();
    let span = tracing::info_span!("request", request_id = %id);
    let fut = store::audit::REQUEST_ID.scope(id.clone(), next.run(req));
    let mut res = tracing::Instrument::instrument(fut, span).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// The value of cookie `name`, if the request has it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The CSRF token of a session: derived from its secret, so it needs no
/// storage and changes with every login.
pub fn csrf_token(session_secret: &str) -> String {
    domain::accounts::secret_hash(&format!("csrf:{session_secret}"))
}

fn is_state_changing(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request came over TLS (directly or per a trusted proxy).
pub fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.cookie_secure
        || (state.config.trust_proxy()
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https")))
}

/// Every answer passes here, refusals and errors included: the CSRF check
/// before the handler, the request timeout around both, then the security
/// headers, and a JSON problem (or a page) for errors that axum or hyper
/// answered in plain text (413 above all).
pub async fn headers_and_csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let api = req.uri().path().starts_with("/api/");
    let lang = lang_of(req.headers());
    let limit = state.config.request_timeout;
    let work = async {
        match check_csrf(&state, req).await {
            Ok(req) => next.run(req).await,
            Err(refusal) => *refusal,
        }
    };
    let mut res = match tokio::time::timeout(limit, work).await {
        Ok(res) => res,
        Err(_) => timed_out(api, lang, limit),
    };
    if is_plain_error(&res) {
        res = problem(res.status(), api, lang);
    }
    add_headers(&state.config, res.headers_mut(), is_static);
    res
}

fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, "lang")
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

fn add_headers(config: &WebConfig, h: &mut HeaderMap, is_static: bool) {
    // A kept file adds `sandbox` to the policy (`attachments::download`).
    let sandbox = h
        .get(header::CONTENT_SECURITY_POLICY)
        .is_some_and(|v| v.as_bytes() == b"sandbox");
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if sandbox { CSP_SANDBOXED } else { CSP }),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Some(age) = config.hsts_max_age {
        if let Ok(v) = HeaderValue::from_str(&format!("max-age={age}; includeSubDomains")) {
            h.insert(header::STRICT_TRANSPORT_SECURITY, v);
        }
    }
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// An error answered without a body we chose: axum's rejections (413 of
/// the body limit, 405, 415 …) come as plain text or empty.
fn is_plain_error(res: &Response) -> bool {
    let status = res.status();
    let typed = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| !t.starts_with("text/plain"));
    (status.is_client_error() || status.is_server_error()) && !typed
}

/// The problem (API) or page for a bare status.
fn problem(status: StatusCode, api: bool, lang: Lang) -> Response {
    let (code, reason, key) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "too_large",
            Reason::BodyTooLarge {
                max_mib: MAX_BODY / 1024 / 1024,
            },
            "error.too_large",
        ),
        StatusCode::NOT_FOUND => ("not_found", Reason::NotFound, "error.not_found"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            Reason::MethodNotAllowed,
            "error.bad_request",
        ),
        s if s.is_client_error() => ("invalid", Reason::BadRequest, "error.bad_request"),
        _ => ("internal", Reason::Internal, "error.internal"),
    };
    if api {
        ApiError::new(status, code, reason).into_response()
    } else {
        PageError::new(status, lang, key).into_response()
    }
}

fn timed_out(api: bool, lang: Lang, limit: std::time::Duration) -> Response {
    tracing::warn!(seconds = limit.as_secs(), "request timed out");
    if api {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            Reason::Timeout {
                seconds: limit.as_secs(),
            },
        )
        .into_response()
    } else {
        PageError::new(StatusCode::SERVICE_UNAVAILABLE, lang, "error.timeout").into_response()
    }
}

/// A request with the session cookie that changes state must carry the
/// session's CSRF token, in the `X-CSRF-Token` header or the `csrf` form
/// field. Bearer-token clients send no cookie and are not affected. A
/// login must come from a page of this site (see [`same_origin`]).
/// Refusals are audited.
async fn check_csrf(state: &AppState, req: Request) -> Result<Request, Box<Response>> {
    if !is_state_changing(req.method()) {
        return Ok(req);
    }
    // What a refusal names, taken now: the request (its body) is not
    // shareable across the awaits below.
    let asked = Asked {
        route: crate::refusals::route_of(&req),
        api: req.uri().path().starts_with("/api/"),
        lang: lang_of(req.headers()),
    };
    if is_login(req.uri().path()) {
        return match same_origin(state, req.headers()) {
            Some(true) => Ok(req),
            Some(false) => Err(refuse_csrf(state, asked, None).await),
            // The API login reads JSON only, which a form on another site
            // cannot send; the form login then needs its own token.
            None if req.uri().path().starts_with("/api/") => Ok(req),
            None => match with_login_token(req).await {
                Ok(req) => Ok(req),
                Err(_) => Err(refuse_csrf(state, asked, None).await),
            },
        };
    }
    // A citizen's tip acts on no session (the sender is nobody): the
    // session's token is not asked, so an officer's browser can send one
    // too; a page of another site may not.
    if is_public_tip(req.uri().path()) {
        return match same_origin(state, req.headers()) {
            Some(false) => Err(refuse_csrf(state, asked, None).await),
            _ => Ok(req),
        };
    }
    let Some(secret) = cookie(req.headers(), SESSION_COOKIE) else {
        return Ok(req);
    };
    let expected = csrf_token(&secret);
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if constant_eq(h, &expected) {
            Ok(req)
        } else {
            Err(refuse_csrf(state, asked, Some(&secret)).await)
        };
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // A file upload's body is not read here (it may be 64 MiB): its form
    // carries the token in the action's query string instead.
    if content_type.starts_with("multipart/form-data") {
        let q = req.uri().query().unwrap_or("").as_bytes();
        let ok =
            form_urlencoded::parse(q).any(|(k, v)| k == CSRF_FIELD && constant_eq(&v, &expected));
        return if ok {
            Ok(req)
        } else {
            Err(refuse_csrf(state, asked, Some(&secret)).await)
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refuse_csrf(state, asked, Some(&secret)).await);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Err(Box::new(StatusCode::PAYLOAD_TOO_LARGE.into_response()));
    };
    let ok =
        form_urlencoded::parse(&bytes).any(|(k, v)| k == CSRF_FIELD && constant_eq(&v, &expected));
    let req = Request::from_parts(parts, Body::from(bytes));
    if ok {
        Ok(req)
    } else {
        Err(refuse_csrf(state, asked, Some(&secret)).await)
    }
}

/// A refused request, as its refusal names it.
struct Asked {
    route: String,
    api: bool,
    lang: Lang,
}

/// The 403 of a missing or wrong CSRF token (or a cross-site login), after
/// noting it in the audit log under the session's user, if any.
async fn refuse_csrf(state: &AppState, asked: Asked, session: Option<&str>) -> Box<Response> {
    let user = match session {
        Some(secret) => {
            let hash = domain::accounts::secret_hash(secret);
            accounts::session_user(&state.db, &hash, state.config.sessions)
                .await
                .ok()
                .flatten()
                .map(|seen| seen.user.id)
        }
        None => None,
    };
    crate::refusals::note(state, user, "csrf", asked.route).await;
    Box::new(if asked.api {
        ApiError::new(StatusCode::FORBIDDEN, "csrf", Reason::Csrf).into_response()
    } else {
        PageError::new(StatusCode::FORBIDDEN, asked.lang, "error.csrf").into_response()
    })
}

/// Whether a browser says the request comes from a page of this site:
/// `Sec-Fetch-Site` when it sends one, else `Origin` against `Host`;
/// `None` when it sends neither (scripts, old browsers).
fn same_origin(state: &AppState, headers: &HeaderMap) -> Option<bool> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        return Some(matches!(site, "same-origin" | "none"));
    }
    let origin = text("origin")?;
    let host = if state.config.trust_proxy() {
        text("x-forwarded-host").or_else(|| text("host"))
    } else {
        text("host")
    };
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    Some(matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h.trim())))
}

/// A form login without a browser's signal passes when its form carries
/// the token its cookie holds: another site can make a browser post a
/// form, but can neither read nor set this site's cookie to match it.
async fn with_login_token(req: Request) -> Result<Request, ()> {
    let Some(cookie) = cookie(req.headers(), LOGIN_COOKIE) else {
        return Err(());
    };
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| ())?;
    let ok =
        form_urlencoded::parse(&bytes).any(|(k, v)| k == LOGIN_FIELD && constant_eq(&v, &cookie));
    if ok {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(())
    }
}

/// The login form's token: the browser's own if it holds a well-formed
/// one (two tabs keep working), else a new one; and the cookie to set.
pub fn login_token(state: &AppState, headers: &HeaderMap) -> (String, String) {
    let token = cookie(headers, LOGIN_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(domain::accounts::new_secret);
    let cookie = format!(
        "{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=86400{}",
        if is_https(state, headers) {
            "; Secure"
        } else {
            ""
        }
    );
    (token, cookie)
}

/// Logging in starts a new session whatever cookie the browser still holds
/// (an expired one, after the idle timeout), so it carries no session
/// token; another site posting a login (to log the victim into the
/// attacker's account) is refused by [`same_origin`], or, from a browser
/// that sends no such signal, by the login form's own token.
/// The public side of tips (`crate::tips::public`, its pages).
pub(crate) fn is_public_tip(path: &str) -> bool {
    path.starts_with("/api/v1/public/") || path == "/to-giac" || path.starts_with("/to-giac/")
}

fn is_login(path: &str) -> bool {
    matches!(path, "/login" | "/api/v1/auth/login")
}

/// A path on this site to send the browser back to, or `/`. Only visible
/// ASCII without `\\` is allowed, and never `//` at the start: browsers drop
/// tabs and newlines, so `/<TAB>/evil.example` would become `//evil.example`.
pub fn local_path(target: Option<&str>) -> String {
    match target {
        Some(t)
            if t.starts_with('/')
                && !t.starts_with("//")
                && t.len() <= 2000
                && t.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'\\') =>
        {
            t.to_string()
        }
        _ => "/".to_string(),
    }
}

/// Compares without an early exit, so timing tells nothing of the token.
pub(crate) fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The `Set-Cookie` value of a session cookie (empty value and `Max-Age=0`
/// to end it).
pub fn session_cookie(value: &str, secure: bool, max_age_secs: i64) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(
            local_path(Some("/org-units?q=nam%20dinh")),
            "/org-units?q=nam%20dinh"
        );
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\\evil",
            "https://evil.example",
            "/a b",
            "",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn reads_cookies_and_compares_tokens() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; binhyen_session=abc; lang=en"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "lang").as_deref(), Some("en"));
        assert_eq!(cookie(&h, "b"), None);
        assert!(constant_eq("abc", "abc"));
        assert!(!constant_eq("abc", "abd"));
        assert!(!constant_eq("abc", "ab"));
        assert_ne!(csrf_token("x"), csrf_token("y"));
        assert!(session_cookie("v", true, 60).contains("; Secure"));
        assert!(session_cookie("v", false, 60).contains("HttpOnly; SameSite=Strict"));
    }
}
