//! Operations: health, metrics, static assets, the language switch.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;

use crate::forms::Fields;
use crate::i18n::Lang;
use crate::routes::Routes;
use crate::{AppState, WebConfig};

pub fn public_routes() -> Routes {
    Routes::new()
        .get("/healthz", healthz)
        .get("/static/{file}", static_file)
        .get("/favicon.ico", || async {
            Redirect::permanent("/static/favicon.svg")
        })
        .get("/lang", switch_lang)
        .get("/metrics", metrics)
}

pub fn protected_routes() -> Routes {
    Routes::new().get("/", || async { Redirect::to("/home") })
}

/// How long `/healthz` waits for the database. Without a bound of its own
/// the check waited for the pool (5 s on PostgreSQL, 10 s on SQLite) while
/// the database was down, longer than load balancers wait for a probe.
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// 200 when the database answers, 503 (with the reason) when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    let error = match tokio::time::timeout(HEALTH_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => return Json(json!({"status": "ok", "database": "ok"})).into_response(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {} s", HEALTH_TIMEOUT.as_secs()),
    };
    tracing::warn!(%error, "health check: database unavailable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({
            "status": "unavailable",
            "database": "unreachable",
            "message": "cơ sở dữ liệu không trả lời / the database does not answer",
        })),
    )
        .into_response()
}

/// `/metrics` answers a scraper on the server itself (a loopback peer
/// that no proxy forwarded), the holder of `--metrics-token`, or anyone
/// with `--metrics-public`. Others get 404, as for a route that is not there:
/// the figures tell an outsider what the server is busy with.
async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if !may_read_metrics(&state.config, peer, req.headers()) {
        return crate::error::ApiError::not_found().into_response();
    }
    // A database that does not answer within a second leaves the gauge
    // out: the rest of the figures are the process's own.
    let backlog = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        Ok::<_, store::StoreError>(crate::metrics::Backlog {
            audit_records: store::audit::waiting(&state.db).await?,
            rollup_deltas: store::statistics::rollups::waiting(&state.db).await?,
        })
    })
    .await
    .ok()
    .and_then(Result::ok);
    let mut body = state
        .metrics
        .render(state.db.pool_stats(), state.db.sqlite_memory(), backlog);
    if let Some(r) = &state.replica {
        r.render(&mut body);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

fn may_read_metrics(config: &WebConfig, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    let local = peer.is_some_and(|p| p.ip().is_loopback()) && !forwarded;
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let has_token = match (&config.metrics_token, token) {
        (Some(want), Some(got)) => crate::security::constant_eq(want, got.trim()),
        _ => false,
    };
    config.metrics_public || local || has_token
}

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/favicon.svg");

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        "favicon.svg" => (ICON, "image/svg+xml"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

/// `/lang?to=en&back=/org-units`: remembers the language in a cookie and
/// returns to a local page (never to another site).
async fn switch_lang(RawQuery(q): RawQuery) -> Response {
    let f = Fields::from_query(q.as_deref());
    let lang = f.get("to").and_then(Lang::parse).unwrap_or_default();
    let back = crate::security::local_path(f.get("back"));
    let cookie = format!(
        "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
        lang.code()
    );
    let mut res = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}
