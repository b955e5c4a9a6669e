//! The HTML pages of partner organisations: the list with the form that
//! adds one, and an organisation's page (contacts, programmes, its end
//! into a successor, the accounts that work for it).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::documents::Level;
use domain::partners::{ContactInput, End, EndInput, Kind, NewPartner, PartnerInput};
use domain::policy::Action;
use domain::Reason;
use serde::Serialize;
use store::partners::{self as partners, PartnerRow};
use store::programs::{self as programs, ProgramQuery, ProgramRow};

use super::{partner, partner_query};
use crate::actor::Actor;
use crate::error::{after_form, beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/partners", list_page)
        .post("/partners", create_form)
        .get("/partners/{id}", show_page)
        .post("/partners/{id}/end", end_form)
        .post("/partners/{id}/accounts", account_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "programs")
}

#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|v| v.as_str()).collect(),
        levels: Level::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

const FILTERS: &[&str] = &["kind", "level", "org_unit", "q", "ended"];
const FIELDS: &[&str] = &[
    "kind",
    "name",
    "level",
    "unit",
    "org_unit_id",
    "role",
    "phone",
    "email",
];

#[derive(Serialize)]
struct ListPage {
    items: Vec<PartnerRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
    form: Echo,
    error: Option<FormError>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "partners/list.html";
}

async fn render_list(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    form: Echo,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let query = partner_query(f)?;
    crate::areas::check_unit(state, actor, query.org_unit).await?;
    let (items, total) = partners::list(&state.db, actor.scope(), &query).await?;
    let per = i64::from(query.page.per_page.max(1));
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = ListPage {
        items,
        total,
        page: query.page.page,
        pages: (total + per - 1) / per,
        f: Echo::of(f, FILTERS),
        query: f.query_string(),
        choices: choices(),
        form,
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state.templates.page(&base(actor, lang, "/partners"), &page),
    )
        .into_response())
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let f = Fields::from_query(q.as_deref());
    render_list(
        &state,
        &actor,
        lang,
        &f,
        Echo::of(&Fields::default(), FIELDS),
        None,
    )
    .await
    .unwrap_or_else(|e| page_error(lang, e))
}

/// The organisation as the form holds it: one contact, the unit by name.
async fn input_of(state: &AppState, actor: &Actor, f: &Fields) -> Result<PartnerInput, ApiError> {
    let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
    let org_unit_id = match f.get("unit").filter(|s| !s.trim().is_empty()) {
        Some(t) if f.get("level") != Some("national") => {
            Some(pickers::resolve_unit(state, actor, "org_unit_id", t).await?)
        }
        _ => f
            .i64("org_unit_id")?
            .filter(|_| f.get("level") != Some("national")),
    };
    let contacts = text("role").map(|role| {
        vec![ContactInput {
            role: Some(role),
            phone: text("phone"),
            email: text("email"),
        }]
    });
    Ok(PartnerInput {
        kind: text("kind"),
        name: text("name"),
        level: text("level"),
        org_unit_id,
        contacts,
    })
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManagePartners)?;
        let p = NewPartner::parse(&input_of(&state, &actor, &f).await?)?;
        Ok(partners::create(&state.db, actor.author(), actor.scope(), &p).await?)
    }
    .await;
    match r {
        Ok(row) => Redirect::to(&format!("/partners/{}", row.id)).into_response(),
        Err(e) if beside_form(&e) => render_list(
            &state,
            &actor,
            lang,
            &Fields::default(),
            Echo::of(&f, FIELDS),
            Some(e),
        )
        .await
        .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

#[derive(Serialize)]
struct ShowPage {
    p: PartnerRow,
    programs: Vec<ProgramRow>,
    /// Organisations of the same kind it may end into.
    successors: Vec<PartnerRow>,
    may_write: bool,
    error: Option<FormError>,
    error_form: &'static str,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "partners/show.html";
}

async fn render_show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    error: Option<(&'static str, ApiError)>,
) -> Result<Response, ApiError> {
    let p = partner(state, actor, id).await?;
    let reader = crate::programs::reader(state, actor).await?;
    let q = ProgramQuery {
        partner: Some(id),
        page: domain::page::Page {
            page: 1,
            per_page: 100,
        },
        ..ProgramQuery::default()
    };
    let (programs, _) = programs::list(&state.db, &reader, &q).await?;
    let may_write = actor.may(Action::ManagePartners)
        && partners::may_write(&state.db, actor.scope(), id).await?;
    let successors = match may_write && p.ended_on.is_none() {
        true => {
            let q = store::partners::PartnerQuery {
                kind: Kind::parse("kind", &p.kind).ok(),
                page: domain::page::Page {
                    page: 1,
                    per_page: 200,
                },
                ..Default::default()
            };
            let (all, _) = partners::list(&state.db, actor.scope(), &q).await?;
            all.into_iter().filter(|x| x.id != id).collect()
        }
        false => Vec::new(),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |(_, e)| e.status);
    let (error_form, error) = match error {
        Some((form, e)) => (form, Some(FormError::from(e))),
        None => ("", None),
    };
    let page = ShowPage {
        p,
        programs,
        successors,
        may_write,
        error,
        error_form,
    };
    let path = format!("/partners/{id}");
    Ok((
        status,
        state.templates.page(&base(actor, lang, path), &page),
    )
        .into_response())
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async { render_show(&state, &actor, lang, forms::record_id(&id)?, None).await }.await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// After a form of the organisation's page (`crate::error::after_form`).
async fn after(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    form: &'static str,
    r: Result<(), ApiError>,
) -> Response {
    let back = format!("/partners/{id}");
    after_form(lang, &back, form, r, |e| {
        render_show(state, actor, lang, id, Some((form, e)))
    })
    .await
}

async fn end_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManagePartners)?;
        partner(&state, &actor, id).await?;
        let input = EndInput {
            ended_on: f.string("ended_on"),
            succeeded_by: f.i64("succeeded_by")?,
        };
        let e = End::parse(&input, domain::time::today())?;
        partners::end(&state.db, actor.author(), actor.scope(), id, e).await?;
        Ok(())
    }
    .await;
    after(&state, &actor, lang, id, "end", r).await
}

async fn account_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = forms::record_id(&id) else {
        return page_error(lang, ApiError::not_found());
    };
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageUsers)?;
        partner(&state, &actor, id).await?;
        let name = f.get("username").unwrap_or_default().trim().to_string();
        let user = store::accounts::find_by_username(&state.db, &name)
            .await?
            .map(|(u, _)| u)
            .filter(|u| u.role == domain::accounts::Role::Partner)
            .ok_or_else(|| {
                ApiError::invalid(
                    "username",
                    Reason::PartnerAccountUnknown {
                        username: name.chars().take(60).collect(),
                    },
                )
            })?;
        partners::set_user_organisation(&state.db, actor.author(), user.id, Some(id)).await?;
        Ok(())
    }
    .await;
    after(&state, &actor, lang, id, "accounts", r).await
}
