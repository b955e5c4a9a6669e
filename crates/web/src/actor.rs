//! Who is asking. Every protected route runs behind `require_login`, which
//! resolves the session into an [`Actor`] or refuses: a JSON 401 on the API,
//! a redirect to the login page elsewhere.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::secret_hash;
use domain::policy::{self, Action};
use store::accounts::{self, Scope, User};

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::security::{cookie, csrf_token, SESSION_COOKIE};
use crate::AppState;

/// The logged-in user of a request, with the scope every query must take.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    /// The CSRF token that this session's forms carry.
    pub csrf: String,
    /// The stored hash of this session (none for API tokens).
    pub session: Option<String>,
}

impl Actor {
    pub fn scope(&self) -> Scope {
        self.user.scope()
    }

    pub fn author(&self) -> store::audit::Author {
        store::audit::Author::User(self.user.id)
    }

    /// Whether the policy lets this user's role take `action` (in scope).
    pub fn may(&self, action: Action) -> bool {
        policy::allows(self.user.role, action)
    }

    /// 403 unless the policy lets this user's role take `action`: asked
    /// before any lookup, so that the refusal tells nothing of the record.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if self.may(action) {
            Ok(())
        } else {
            Err(ApiError::role_not_allowed(action))
        }
    }
}

/// What a user whose password must change may still reach.
const PASSWORD_CHANGE_PATHS: &[&str] = &[
    "/account",
    "/account/password",
    "/logout",
    "/account/sessions/end",
    "/api/v1/auth/password",
    "/api/v1/auth/logout",
    "/api/v1/auth/sessions",
    "/api/v1/auth/sessions/end",
    "/account/totp/start",
    "/account/totp/confirm",
    "/api/v1/auth/totp/start",
    "/api/v1/auth/totp/confirm",
];

/// The bearer token of a request, if it sends one.
fn bearer(req: &Request) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

pub async fn require_login(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    // An API client with a token; a browser with its session cookie.
    let found = match (bearer(&req), cookie(req.headers(), SESSION_COOKIE)) {
        (Some(token), _) => accounts::token_user(&state.db, &secret_hash(&token))
            .await
            .map(|u| u.map(|u| (u, String::new(), None))),
        (None, Some(secret)) => {
            let hash = secret_hash(&secret);
            accounts::session_user(&state.db, &hash, state.config.sessions)
                .await
                .map(|u| u.map(|u| (u, csrf_token(&secret), Some(hash))))
        }
        (None, None) => Ok(None),
    };
    let found = match found {
        Ok(f) => f,
        Err(e) => {
            return if api {
                ApiError::from(e).into_response()
            } else {
                PageError::from_store(Lang::default(), e).into_response()
            };
        }
    };
    let Some((seen, csrf, session)) = found else {
        if api {
            return ApiError::unauthorized().into_response();
        }
        let next_path = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let target = format!("/login?next={}", encode(&next_path));
        return Redirect::to(&target).into_response();
    };
    let accounts::Seen { user, touch } = seen;
    if let Some(touch) = touch {
        state.touches.start(&state.db, touch);
    }
    // With --require-2fa-admin, an administrator without a second factor
    // may only set one up.
    if state.config.require_2fa_admin
        && user.role == domain::accounts::Role::Admin
        && !PASSWORD_CHANGE_PATHS.contains(&req.uri().path())
    {
        match accounts::two_factor(&state.db, user.id).await {
            Ok(tf) if tf.enabled() => {}
            Ok(_) if api => {
                let route = crate::refusals::route_of(&req);
                crate::refusals::note(&state, Some(user.id), "two_factor_required", route).await;
                return ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "two_factor_required",
                    domain::Reason::TwoFactorRequired {
                        page: "/account".into(),
                    },
                )
                .into_response();
            }
            Ok(_) => {
                let route = crate::refusals::route_of(&req);
                crate::refusals::note(&state, Some(user.id), "two_factor_required", route).await;
                return Redirect::to("/account").into_response();
            }
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    // A password reset by an administrator must be replaced before anything else.
    if user.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.uri().path()) {
        let route = crate::refusals::route_of(&req);
        crate::refusals::note(&state, Some(user.id), "password_change_required", route).await;
        return if api {
            ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "password_change_required",
                domain::Reason::PasswordChangeRequired {
                    endpoint: "POST /api/v1/auth/password".into(),
                },
            )
            .into_response()
        } else {
            Redirect::to("/account").into_response()
        };
    }
    // Kept for the audit record of a refusal.
    let route = crate::refusals::route_of(&req);
    let user_id = user.id;
    req.extensions_mut().insert(Actor {
        user,
        csrf,
        session,
    });
    let res = next.run(req).await;
    // Permission refusals are kept in the audit log (who tried what),
    // repeats within a minute as one record.
    if res.status() == axum::http::StatusCode::FORBIDDEN {
        crate::refusals::note(&state, Some(user_id), "route", route).await;
    }
    res
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or_else(ApiError::unauthorized)
    }
}
