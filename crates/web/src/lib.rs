//! binhyen over HTTP: server-rendered HTML pages and the JSON API for each
//! capability, the `Actor` extractor (who asks, with what scope), the
//! message catalogue, templates and static assets embedded in the binary.

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "256"]

pub mod accounts;
mod actor;
mod audit;
mod downloads;
mod error;
mod forms;
mod i18n;
mod metrics;
pub mod models;
pub mod openapi;
mod openapi_models;
mod openapi_statistics;
mod ops;
pub mod org_units;
mod security;
pub mod statistics;
mod templates;
pub mod uploads;

use std::sync::Arc;

use axum::middleware;
use axum::Router;
use store::accounts::SessionLimits;
use store::Db;

pub use actor::Actor;
pub use error::{ApiError, PageError};
pub use i18n::Lang;
pub use metrics::Metrics;

/// Settings the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub sessions: SessionLimits,
    /// Mark cookies `Secure` (served over TLS, or behind a TLS proxy).
    pub cookie_secure: bool,
    /// Trust `X-Forwarded-Proto` from the proxy in front.
    pub trust_proxy: bool,
    /// Whether `/metrics` answers without logging in.
    pub metrics_public: bool,
    /// Administrators must turn on the second factor before anything else.
    pub require_2fa_admin: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            sessions: SessionLimits::default(),
            cookie_secure: false,
            trust_proxy: false,
            metrics_public: true,
            require_2fa_admin: false,
        }
    }
}

/// Argon2 verifications at once: enough for both cores, bounded memory.
const MAX_PASSWORD_CHECKS: usize = 4;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    templates: Arc<templates::Templates>,
    /// Password checks running at once (Argon2 takes 19 MiB each).
    password_checks: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Result<Self, String> {
        Ok(Self {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            templates: Arc::new(templates::Templates::load()?),
            password_checks: Arc::new(tokio::sync::Semaphore::new(MAX_PASSWORD_CHECKS)),
        })
    }
}

/// The whole application. Public routes are listed here one by one; every
/// other route sits behind the login check (deny by default).
pub fn router(state: AppState) -> Router {
    let (public_metrics, private_metrics) = ops::metrics_route(state.config.metrics_public);
    let protected = Router::new()
        .merge(org_units::routes())
        .merge(models::routes())
        .merge(statistics::routes())
        .merge(accounts::protected_routes())
        .merge(accounts::users::routes())
        .merge(audit::routes())
        .merge(ops::protected_routes())
        .merge(openapi::protected_routes())
        .merge(private_metrics)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            actor::require_login,
        ));
    Router::new()
        .merge(protected)
        .merge(accounts::public_routes())
        .merge(ops::public_routes())
        .merge(public_metrics)
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .fallback(error::not_found)
        // JSON and form bodies above 1 MiB are refused (413) before any handler.
        .layer(axum::extract::DefaultBodyLimit::max(security::MAX_BODY))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers_and_csrf,
        ))
        .layer(middleware::from_fn(security::request_id))
        .with_state(state)
}
