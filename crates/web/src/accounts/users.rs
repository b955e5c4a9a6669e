//! User administration (admins only): list, create, edit, disable, reset a
//! password, set role and scope. Users are never deleted.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::accounts::{
    check_own_account_change, check_role_scope, parse_display_name, parse_username, Role,
};
use serde::{Deserialize, Serialize};
use store::accounts::{self, NewUser, Scope, ScopeUnit, User, UserChange};

use crate::actor::Actor;
use crate::api::{List, Problem};
use crate::error::{page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;
use domain::policy::Action;
use domain::Reason;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/users", list_api)
        .post("/api/v1/users", create_api)
        .get("/api/v1/users/{id}", show_api)
        .patch("/api/v1/users/{id}", patch_api)
        .get("/users", list_page)
        .post("/users", create_form)
        .get("/users/{id}", edit_page)
        .post("/users/{id}", edit_form)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api, create_api, show_api, patch_api))]
pub struct Api;

/// A user with the units of their scope.
#[derive(Serialize, utoipa::ToSchema)]
struct UserView {
    #[serde(flatten)]
    user: User,
    scopes: Vec<ScopeUnit>,
}

async fn view(state: &AppState, user: User) -> Result<UserView, ApiError> {
    let scopes = accounts::scope_units(&state.db, user.id).await?;
    Ok(UserView { user, scopes })
}

async fn all(state: &AppState) -> Result<Vec<UserView>, ApiError> {
    let mut out = Vec::new();
    for u in accounts::list_users(&state.db).await? {
        out.push(view(state, u).await?);
    }
    Ok(out)
}

/// Scope ids that name existing units.
async fn check_scopes(state: &AppState, ids: &[i64]) -> Result<(), ApiError> {
    for id in ids {
        if store::org_units::get(&state.db, Scope::All, *id)
            .await?
            .is_none()
        {
            return Err(ApiError::invalid(
                "scopes",
                Reason::ScopeUnitUnknown { unit: *id },
            ));
        }
    }
    Ok(())
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
struct NewUserInput {
    #[schema(required, value_type = domain::schema::Username)]
    username: Option<String>,
    /// Absent, null or blank: the username.
    #[schema(max_length = 100)]
    display_name: Option<String>,
    #[schema(required, value_type = Role)]
    role: Option<String>,
    /// Org unit ids; required for every role but admin.
    #[serde(default)]
    #[schema(max_items = 200)]
    scopes: Vec<i64>,
    #[schema(required, nullable = false, min_length = 10, max_length = 256)]
    password: Option<String>,
}

async fn create(state: &AppState, actor: &Actor, input: &NewUserInput) -> Result<i64, ApiError> {
    actor.require(Action::ManageUsers)?;
    let username = parse_username(input.username.as_deref().unwrap_or(""))?;
    let display_name = match input.display_name.as_deref() {
        Some(n) if !n.trim().is_empty() => parse_display_name(n)?,
        _ => username.clone(),
    };
    let role = Role::parse("role", input.role.as_deref().unwrap_or(""))?;
    check_role_scope(role, &input.scopes)?;
    check_scopes(state, &input.scopes).await?;
    let password_hash =
        super::hash_password(state, "password", input.password.as_deref().unwrap_or("")).await?;
    // A password someone else chose is changed at first login.
    let new = NewUser {
        username,
        display_name,
        password_hash,
        role,
        scopes: input.scopes.clone(),
        must_change_password: true,
    };
    Ok(accounts::create_user(&state.db, actor.author(), &new).await?)
}

/// Absent or null fields stay as they are.
#[derive(Deserialize, Default, utoipa::ToSchema)]
struct UserPatchInput {
    #[schema(min_length = 1, max_length = 100)]
    display_name: Option<String>,
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
    #[schema(max_items = 200)]
    scopes: Option<Vec<i64>>,
    disabled: Option<bool>,
    /// A reset of another user's password: they must change it at next
    /// login (one's own is changed with POST /api/v1/auth/password).
    #[schema(min_length = 10, max_length = 256)]
    password: Option<String>,
}

async fn patch(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &UserPatchInput,
) -> Result<accounts::AccessEnded, ApiError> {
    actor.require(Action::ManageUsers)?;
    let user = accounts::get_user(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let role = input
        .role
        .as_deref()
        .map(|r| Role::parse("role", r))
        .transpose()?;
    if id == actor.user.id {
        check_own_account_change(role, input.disabled, input.password.is_some())?;
    }
    let scopes_now: Vec<i64> = accounts::scope_units(&state.db, id)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let scopes = input.scopes.clone();
    check_role_scope(
        role.unwrap_or(user.role),
        scopes.as_deref().unwrap_or(&scopes_now),
    )?;
    if let Some(s) = &scopes {
        check_scopes(state, s).await?;
    }
    let change = UserChange {
        display_name: input
            .display_name
            .as_deref()
            .map(parse_display_name)
            .transpose()?,
        role,
        scopes,
        disabled: input.disabled,
        reset_password_hash: match input.password.as_deref() {
            Some(p) => Some(super::hash_password(state, "password", p).await?),
            None => None,
        },
    };
    Ok(accounts::update_user(&state.db, actor.author(), id, &change).await?)
}

/// All users with their scope (admins only)
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses(
        (status = 200, description = "Users", body = List<UserView>),
        (status = 403, description = "Not an administrator.", body = Problem),
    ))]
async fn list_api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    actor.require(Action::ManageUsers)?;
    Ok(Json(List::all(all(&state).await?)).into_response())
}

/// Create a user (admins only); the user changes the password at first login
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserInput,
    responses((status = 201, description = "Created", body = UserView)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: NewUserInput = forms::json(&body)?;
    let id = create(&state, &actor, &input).await?;
    let user = accounts::get_user(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(view(&state, user).await?)).into_response())
}

/// One user (admins only)
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, minimum = 1)),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not an administrator.", body = Problem),
    ))]
async fn show_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageUsers)?;
    let id = forms::path_id(&id)?;
    let user = accounts::get_user(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(view(&state, user).await?).into_response())
}

/// A changed user; a password reset also says what it ended.
#[derive(Serialize, utoipa::ToSchema)]
struct PatchedUser {
    #[serde(flatten)]
    user: UserView,
    #[serde(skip_serializing_if = "Option::is_none")]
    sessions_ended: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tokens_revoked: Option<Vec<accounts::RevokedToken>>,
}

/// Change name, role, scope, disable, or reset the password (admins only; never one's own role or account)
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, minimum = 1)),
    request_body = UserPatchInput,
    responses((status = 200, description = "Changed; a password reset also says what it ended (`sessions_ended`, `tokens_revoked`)", body = PatchedUser)))]
async fn patch_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = forms::path_id(&id)?;
    let input: UserPatchInput = forms::json(&body)?;
    let ended = patch(&state, &actor, id, &input).await?;
    let user = accounts::get_user(&state.db, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let user = view(&state, user).await?;
    // A reset says what it ended: the user's sessions and API tokens.
    let reset = input.password.is_some();
    Ok(Json(PatchedUser {
        user,
        sessions_ended: reset.then_some(ended.sessions_ended),
        tokens_revoked: reset.then_some(ended.tokens_revoked),
    })
    .into_response())
}

// ---- pages ---------------------------------------------------------------

/// The fields of the new-account form (`form.*` in `accounts/users.html`).
const NEW_USER_FIELDS: &[&str] = &["username", "display_name", "role", "scopes"];

#[derive(Serialize)]
struct ListPage {
    users: Vec<UserView>,
    roles: Vec<&'static str>,
    form: Echo,
    error: Option<FormError>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "accounts/users.html";
}

#[derive(Serialize)]
struct UserPage {
    target: UserView,
    /// The scope units' ids as the form edits them (`12, 34`).
    scope_text: String,
    saved: bool,
    roles: Vec<&'static str>,
    error: Option<FormError>,
}

impl PageContext for UserPage {
    const TEMPLATE: &'static str = "accounts/user.html";
}

async fn list_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    render_list(&state, &actor, lang, None, None).await
}

async fn render_list(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    typed: Option<&Fields>,
    error: Option<ApiError>,
) -> Response {
    if let Err(e) = actor.require(Action::ManageUsers) {
        return page_error(lang, e);
    }
    let users = match all(state).await {
        Ok(u) => u,
        Err(e) => return page_error(lang, e),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        users,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        form: Echo::of(typed.unwrap_or(&Fields::default()), NEW_USER_FIELDS),
        error: error.map(FormError::from),
    };
    let mut res = state
        .templates
        .page(&Base::new(actor, lang, "/users", "users"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let result = async {
        actor.require(Action::ManageUsers)?;
        let scopes =
            pickers::resolve_units(&state, &actor, "scopes", f.get("scopes").unwrap_or("")).await?;
        let input = NewUserInput {
            username: f.string("username"),
            display_name: f.string("display_name"),
            role: f.string("role"),
            scopes,
            password: f.raw("password"),
        };
        create(&state, &actor, &input).await
    }
    .await;
    match result {
        Ok(id) => Redirect::to(&format!("/users/{id}")).into_response(),
        Err(e) if matches!(e.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => {
            let e = if e.status == StatusCode::CONFLICT {
                ApiError::invalid("username", e.reason)
            } else {
                e
            };
            render_list(&state, &actor, lang, Some(&f), Some(e)).await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    render_edit(&state, &actor, lang, &id, None, false).await
}

async fn render_edit(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    error: Option<ApiError>,
    saved: bool,
) -> Response {
    if let Err(e) = actor.require(Action::ManageUsers) {
        return page_error(lang, e);
    }
    let Ok(id) = forms::path_id(id) else {
        return page_error(lang, ApiError::not_found());
    };
    let target = match accounts::get_user(&state.db, id).await {
        Ok(Some(u)) => u,
        Ok(None) => return page_error(lang, ApiError::not_found()),
        Err(e) => return page_error(lang, e.into()),
    };
    let target = match view(state, target).await {
        Ok(v) => v,
        Err(e) => return page_error(lang, e),
    };
    let ids: Vec<i64> = target.scopes.iter().map(|s| s.id).collect();
    let scope_text = match pickers::unit_labels(state, actor, &ids).await {
        Ok(t) => t,
        Err(e) => return page_error(lang, e),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = UserPage {
        target,
        scope_text,
        saved,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        error: error.map(FormError::from),
    };
    let base = Base::new(actor, lang, format!("/users/{id}"), "users");
    let mut res = state.templates.page(&base, &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn edit_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let Ok(uid) = forms::path_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let result = async {
        actor.require(Action::ManageUsers)?;
        let scopes =
            pickers::resolve_units(&state, &actor, "scopes", f.get("scopes").unwrap_or("")).await?;
        let input = UserPatchInput {
            display_name: f.string("display_name"),
            role: f.string("role"),
            scopes: Some(scopes),
            // An unticked box sends nothing: the form always says the state.
            disabled: Some(f.get("disabled").is_some()),
            password: f.raw("password").filter(|p| !p.is_empty()),
        };
        patch(&state, &actor, uid, &input).await.map(|_| ())
    }
    .await;
    match result {
        Ok(()) => render_edit(&state, &actor, lang, &id, None, true).await,
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            render_edit(&state, &actor, lang, &id, Some(e), false).await
        }
        Err(e) => page_error(lang, e),
    }
}
