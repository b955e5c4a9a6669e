//! binhyen over HTTP: server-rendered HTML pages and the JSON API for each
//! capability, the `Actor` extractor (who asks, with what scope), the
//! message catalogue, templates and static assets embedded in the binary.

// The OpenAPI document is one large `json!` literal.
#![recursion_limit = "256"]

pub mod accounts;
mod actor;
pub mod api;
mod areas;
mod attachments;
mod audit;
pub mod blocking;
mod catalogue;
pub mod certification;
mod commendations;
mod directives;
mod documents;
mod downloads;
mod error;
mod events;
mod forces;
mod forms;
mod home;
mod i18n;
mod language;
mod layout;
mod metrics;
pub mod models;
pub mod openapi;
mod ops;
pub mod org_units;
mod partners;
mod pickers;
mod programs;
mod refusals;
pub mod replica;
mod reviews;
pub mod routes;
mod security;
pub mod server;
pub mod statistics;
mod templates;
mod tips;
mod touches;
mod training;
pub mod uploads;
pub mod vocabulary;

use std::sync::Arc;
use std::time::Duration;

use axum::middleware;
use axum::Router;
use store::accounts::SessionLimits;
use store::Db;

pub use actor::Actor;
pub use blocking::BlockingPool;
pub use error::{ApiError, PageError};
pub use i18n::Lang;
pub use metrics::Metrics;

/// Settings the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub sessions: SessionLimits,
    /// Mark cookies `Secure` (served over TLS, or behind a TLS proxy).
    pub cookie_secure: bool,
    /// Reverse proxies in front whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed (0: none, the peer is the client).
    pub trusted_proxies: usize,
    /// Whether `/metrics` answers anyone; otherwise only direct loopback
    /// peers and holders of `metrics_token`.
    pub metrics_public: bool,
    /// A bearer token that reads `/metrics` from elsewhere.
    pub metrics_token: Option<String>,
    /// Administrators must turn on the second factor before anything else.
    pub require_2fa_admin: bool,
    /// A request still running after this is answered 503 and stopped.
    pub request_timeout: Duration,
    /// `Strict-Transport-Security: max-age=…` on every answer (behind TLS).
    pub hsts_max_age: Option<u64>,
    /// Uploaded files read at once (each on a blocking thread).
    pub max_parses: usize,
    /// Seals national ID numbers (`domain::forces::IdKey`).
    pub id_key: domain::forces::IdKey,
}

impl WebConfig {
    pub fn trust_proxy(&self) -> bool {
        self.trusted_proxies > 0
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            sessions: SessionLimits::default(),
            cookie_secure: false,
            trusted_proxies: 0,
            metrics_public: false,
            metrics_token: None,
            require_2fa_admin: false,
            request_timeout: Duration::from_secs(120),
            hsts_max_age: None,
            max_parses: 2,
            // A key of this process only: the server reads its own from
            // the data folder (`binhyen serve`); tests keep this one.
            id_key: domain::forces::IdKey::random(),
        }
    }
}

/// Argon2 verifications at once: one per core, at most four. Each holds
/// 19 MiB while it runs, so this bounds the memory a burst of logins takes
/// (four at once on two cores were no faster than two, and held 38 MiB
/// more: the 114 MiB peak of `scripts/bench-http`).
fn max_password_checks() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4))
}
/// Logins waiting for a password check; more are answered 429.
const MAX_PASSWORD_QUEUE: usize = 32;
/// Uploads waiting for a parse; more are answered 503.
const MAX_PARSE_QUEUE: usize = 8;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    templates: Arc<templates::Templates>,
    /// Password checks (Argon2 takes 19 MiB each).
    password_checks: BlockingPool,
    /// Reading uploaded files.
    parses: BlockingPool,
    /// Refusals (403) waiting to be written as one record a minute.
    refusals: Arc<refusals::Refusals>,
    /// Sessions' and tokens' last uses being written beside the requests.
    touches: Arc<touches::Touches>,
    /// The public side of tips: its budgets and the reports seen lately.
    tips: Arc<tips::Guard>,
    /// A PostgreSQL read replica for pivots, lists and exports, if any.
    pub replica: Option<Arc<replica::Replica>>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Result<Self, String> {
        let parses = BlockingPool::new(config.max_parses, MAX_PARSE_QUEUE);
        Ok(Self {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            templates: Arc::new(templates::Templates::load()?),
            password_checks: BlockingPool::new(max_password_checks(), MAX_PASSWORD_QUEUE),
            parses,
            refusals: Arc::new(refusals::Refusals::default()),
            touches: Arc::new(touches::Touches::default()),
            tips: Arc::new(tips::Guard::default()),
            replica: None,
        })
    }

    /// Sends pivots, lists and exports to a read replica (see `replica`).
    pub fn with_replica(mut self, db: Db) -> Self {
        self.replica = Some(replica::Replica::new(db));
        self
    }

    /// The password checks' pool and the parses' pool, for the tests that
    /// fill them to see the answers past their bounds.
    #[doc(hidden)]
    pub fn pools(&self) -> (&BlockingPool, &BlockingPool) {
        (&self.password_checks, &self.parses)
    }

    /// Writes the repeated refusals held back for a minute or more (`all`:
    /// every one, at shutdown). The server calls it every few seconds.
    pub async fn flush_refusals(&self, all: bool) {
        refusals::flush(self, all).await;
    }
}

/// The routes behind the login check: every route but the few public
/// ones (deny by default).
fn protected_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(home::routes())
        .merge(org_units::routes())
        .merge(models::routes())
        .merge(vocabulary::routes())
        .merge(statistics::routes())
        .merge(certification::routes())
        .merge(forces::routes())
        .merge(training::routes())
        .merge(documents::routes())
        .merge(partners::routes())
        .merge(programs::routes())
        .merge(directives::routes())
        .merge(commendations::routes())
        .merge(events::routes())
        .merge(reviews::routes())
        .merge(tips::routes())
        .merge(accounts::protected_routes())
        .merge(accounts::users::routes())
        .merge(audit::routes())
        .merge(ops::protected_routes())
        .merge(openapi::protected_routes())
}

/// The routes anyone may reach, listed here one by one.
fn public_routes() -> routes::Routes {
    routes::Routes::new()
        .merge(accounts::public_routes())
        .merge(tips::public_routes())
        .merge(ops::public_routes())
}

/// Every route the router answers, and whether it is public: what the
/// tests walk (every route × every role) and the OpenAPI check compares.
pub fn route_table() -> Vec<(routes::Route, bool)> {
    let (_, protected) = protected_routes().finish();
    let (_, public) = public_routes().finish();
    let mut all: Vec<_> = protected.into_iter().map(|r| (r, false)).collect();
    all.extend(public.into_iter().map(|r| (r, true)));
    all.sort_by(|(a, _), (b, _)| a.key().cmp(&b.key()));
    all
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (protected, _) = protected_routes().finish();
    let protected = protected
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            replica::mark_writes,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            actor::require_login,
        ));
    let (public, _) = public_routes().finish();
    Router::new()
        .merge(protected)
        .merge(public)
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
        // Outside the security layer, so that its refusals (CSRF,
        // timeouts, axum's plain errors) speak the request's language too.
        .layer(middleware::from_fn(language::scope))
        .layer(middleware::from_fn(security::request_id))
        .with_state(state)
}
