//! The audit log: a page and an API to search it (administrators, and
//! province staff within their scope), with CSV export.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::error::codes;
use domain::page::Page;
use domain::statistics::Period;
use domain::time::parse_date;
use domain::Reason;
use serde::Serialize;
use store::audit::{self, AuditQuery, Record};

use domain::schema::{AuditFilter, Day};

use crate::actor::Actor;
use crate::api::{JsonOrCsv, List, PageParams, Problem};
use crate::error::{ApiError, PageError};
use crate::forms::{Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;
use domain::policy::Action;

pub fn routes() -> Routes {
    Routes::new().get("/api/v1/audit", api).get("/audit", page)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct Api;

fn text(f: &Fields, key: &'static str) -> Result<Option<String>, ApiError> {
    match f.get(key) {
        Some(v) if v.chars().count() > 200 || v.chars().any(char::is_control) => {
            Err(ApiError::invalid(key, Reason::ValueInvalid))
        }
        v => Ok(v.map(str::to_string)),
    }
}

fn parse(f: &Fields) -> Result<AuditQuery, ApiError> {
    Ok(AuditQuery {
        entity: text(f, "entity")?,
        entity_id: text(f, "entity_id")?,
        username: text(f, "actor")?,
        from: f.get("from").map(|d| parse_date("from", d)).transpose()?,
        to: f.get("to").map(|d| parse_date("to", d)).transpose()?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

/// A CSV cell: quoted when needed, and never read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(records: &[Record]) -> String {
    let mut out =
        String::from("\u{feff}id,at,user,action,entity,entity_id,before,after,request_id\r\n");
    for r in records {
        let row = [
            r.id.to_string(),
            r.at.clone(),
            r.username.clone().unwrap_or_default(),
            r.action.clone(),
            r.entity.clone(),
            r.entity_id.clone(),
            r.before_json.clone().unwrap_or_default(),
            r.after_json.clone().unwrap_or_default(),
            r.request_id.clone().unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Search the audit log (admins; province staff within their scope), newest first
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(
        ("entity" = Option<AuditFilter>, Query),
        ("entity_id" = Option<AuditFilter>, Query),
        ("actor" = Option<AuditFilter>, Query, description = "username"),
        ("from" = Option<Day>, Query),
        ("to" = Option<Day>, Query),
        ("format" = Option<JsonOrCsv>, Query),
        PageParams,
    ),
    responses(
        (status = 200, description = "Records (JSON, or CSV with format=csv)",
            content((List<Record> = "application/json"), (String = "text/csv"))),
        (status = 403, description = "Not an administrator or province staff.", body = Problem),
    ))]
async fn api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    actor.require(Action::ReadAudit)?;
    let f = Fields::from_query(q.as_deref());
    let query = parse(&f)?;
    let (items, total) = audit::search(&state.db, actor.scope(), &query).await?;
    match f.get("format") {
        None | Some("json") => Ok(Json(List { items, total }).into_response()),
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"nhat-ky.csv\"",
                ),
            ],
            csv(&items),
        )
            .into_response()),
        Some(_) => Err(ApiError::invalid(
            "format",
            Reason::FormatUnknown {
                allowed: vec![codes::JSON, codes::CSV],
            },
        )),
    }
}

/// The kinds of record people search by.
pub(crate) const ENTITIES: &[&str] = &[
    "data_approval",
    "data_values",
    "model",
    "model_type",
    "org_unit",
    "user",
    "login",
    "indicator",
    "data_set",
    "validation_rule",
    "api_token",
    "reference_data",
    "certification",
    "security_team",
    "team_member",
    "person",
    "team_size_rule",
    "course",
    "training_class",
    "enrolment",
    "document",
    "partner",
    "program",
    "directive",
    "task",
    "commendation",
    "event",
    "festival",
    "pledge",
    "review",
    "review_section",
];

/// The search's filters (`query.*` in `audit/list.html`).
const FILTERS: &[&str] = &["actor", "entity", "entity_id", "from", "to"];

/// A record as the page reads it: a sentence ("Công an phường Nam Định
/// nộp Báo cáo tháng · Tháng 11/2026 của Phường Nam Định"), the record
/// itself one click away.
#[derive(Serialize)]
struct Line {
    r: Record,
    sentence: String,
    /// The page of what it is about, when there is one.
    href: Option<String>,
}

/// The names a page of records mentions, read once for the page.
#[derive(Default)]
struct Names {
    units: HashMap<i64, String>,
    sets: HashMap<i64, String>,
    models: HashMap<i64, String>,
    users: HashMap<i64, String>,
}

impl Names {
    async fn load(state: &AppState, actor: &Actor, records: &[Record]) -> Result<Self, ApiError> {
        let mut unit_ids = Vec::new();
        let mut model_ids = Vec::new();
        let mut user_ids = Vec::new();
        for r in records {
            match r.entity.as_str() {
                "org_unit" => unit_ids.extend(r.entity_id.parse::<i64>().ok()),
                "data_approval" | "data_values" => unit_ids.extend(
                    r.entity_id
                        .split(':')
                        .nth(1)
                        .and_then(|u| u.parse::<i64>().ok()),
                ),
                "task" => unit_ids.extend(
                    r.entity_id
                        .split('/')
                        .nth(1)
                        .and_then(|u| u.parse::<i64>().ok()),
                ),
                "model" => model_ids.extend(r.entity_id.parse::<i64>().ok()),
                "user" if r.action != "login" => user_ids.extend(r.entity_id.parse::<i64>().ok()),
                _ => {}
            }
        }
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let units = store::org_units::get_many(&state.db, actor.scope(), &unit_ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        let sets = store::statistics::data_sets(&state.db, None)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let models = store::models::rows_by_id(&state.db, actor.scope(), &model_ids)
            .await?
            .into_iter()
            .map(|(id, m)| (id, m.name))
            .collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let mut users = HashMap::new();
        for id in user_ids {
            if let Some(u) = store::accounts::get_user(&state.db, id).await? {
                users.insert(id, u.username);
            }
        }
        Ok(Names {
            units,
            sets,
            models,
            users,
        })
    }

    /// What a record is about, in words, and its page.
    fn object(&self, lang: Lang, r: &Record) -> (String, Option<String>) {
        let t = |k: &str| crate::i18n::text(lang, k).to_owned();
        let id = r.entity_id.as_str();
        match r.entity.as_str() {
            "data_approval" | "data_values" => {
                let mut parts = id.splitn(3, ':');
                let set = parts.next().and_then(|s| s.parse::<i64>().ok());
                let unit = parts.next().and_then(|u| u.parse::<i64>().ok());
                let period = parts.next().and_then(|p| Period::parse("period", p).ok());
                let set_name = set
                    .and_then(|s| self.sets.get(&s))
                    .cloned()
                    .unwrap_or_else(|| t("audit.a_report"));
                let period = period.map(Period::label).unwrap_or_default();
                let unit_name = unit
                    .and_then(|u| self.units.get(&u))
                    .cloned()
                    .unwrap_or_default();
                let href = match (set, unit, parts_period(id)) {
                    (Some(s), Some(u), Some(p)) => Some(format!(
                        "/statistics/entry?data_set={s}&org_unit={u}&period={p}"
                    )),
                    _ => None,
                };
                (
                    format!("{set_name} · {period} {} {unit_name}", t("audit.of")),
                    href,
                )
            }
            "model" => {
                let name = id
                    .parse::<i64>()
                    .ok()
                    .and_then(|m| self.models.get(&m))
                    .cloned();
                let href = name.as_ref().map(|_| format!("/models/{id}"));
                (
                    format!("{} {}", t("audit.entity.model"), name.unwrap_or_default()),
                    href,
                )
            }
            "org_unit" => {
                let name = id
                    .parse::<i64>()
                    .ok()
                    .and_then(|u| self.units.get(&u))
                    .cloned();
                let href = name.as_ref().map(|_| format!("/org-units/{id}"));
                (name.unwrap_or_else(|| t("audit.entity.org_unit")), href)
            }
            "user" => {
                let name = id
                    .parse::<i64>()
                    .ok()
                    .and_then(|u| self.users.get(&u))
                    .cloned();
                let href = name.as_ref().map(|_| format!("/users/{id}"));
                (name.unwrap_or_default(), href)
            }
            "login" | "api_token" | "route" => (String::new(), None),
            "directive" => (
                format!("{} #{id}", lower_first(&t("audit.entity.directive"))),
                Some(format!("/directives/{id}")),
            ),
            // A task's owner: `task/unit`.
            "task" => {
                let (task, unit) = id.split_once('/').unwrap_or((id, ""));
                let unit_name = unit
                    .parse::<i64>()
                    .ok()
                    .and_then(|u| self.units.get(&u))
                    .cloned()
                    .unwrap_or_default();
                (
                    format!(
                        "{} #{task} {} {unit_name}",
                        lower_first(&t("audit.entity.task")),
                        t("audit.of")
                    ),
                    Some(format!("/tasks/{task}?org_unit={unit}")),
                )
            }
            "document" | "partner" | "program" | "commendation" | "event" | "pledge" => (
                format!(
                    "{} #{id}",
                    lower_first(&t(&format!("audit.entity.{}", r.entity)))
                ),
                Some(format!("/{}s/{id}", r.entity)),
            ),
            // Catalogue entries and the like: their kind (the record's
            // detail names which one).
            other => {
                let key = format!("audit.entity.{other}");
                let kind = crate::i18n::lookup(lang, &key).unwrap_or_default();
                (lower_first(kind), None)
            }
        }
    }

    fn sentence(&self, lang: Lang, r: &Record) -> (String, Option<String>) {
        let who = r
            .display_name
            .clone()
            .or_else(|| r.username.clone())
            .unwrap_or_else(|| crate::i18n::text(lang, "units.system").to_owned());
        let verb_key = format!("audit.did.{}.{}", r.entity, r.action);
        let verb = crate::i18n::lookup(lang, &verb_key)
            .or_else(|| crate::i18n::lookup(lang, &format!("audit.did.{}", r.action)))
            .map(str::to_owned)
            .unwrap_or_else(|| r.action.replace('_', " "));
        let (object, href) = self.object(lang, r);
        let sentence = format!("{who} {verb} {object}");
        (upper_first(sentence.trim()), href)
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

/// The period part of a report's record id (`set:unit:2026-11`).
fn parts_period(id: &str) -> Option<&str> {
    id.splitn(3, ':').nth(2)
}

#[derive(Serialize)]
struct AuditPage {
    items: Vec<Line>,
    total: i64,
    query: Echo,
    /// The kinds of record the search offers (`audit.entity.*`).
    entities: &'static [&'static str],
    /// The same search as a CSV file.
    csv_link: String,
    error: Option<FormError>,
}

impl PageContext for AuditPage {
    const TEMPLATE: &'static str = "audit/list.html";
}

async fn page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    if actor.require(Action::ReadAudit).is_err() {
        return PageError::new(StatusCode::FORBIDDEN, lang, "error.forbidden").into_response();
    }
    let f = Fields::from_query(q.as_deref());
    let (items, total, error) = match parse(&f) {
        Ok(query) => match audit::search(&state.db, actor.scope(), &query).await {
            Ok((items, total)) => (items, total, None),
            Err(e) => return PageError::from_store(lang, e).into_response(),
        },
        Err(e) => (Vec::new(), 0, Some(e)),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let names = match Names::load(&state, &actor, &items).await {
        Ok(n) => n,
        Err(e) => return crate::error::page_error(lang, e),
    };
    let items = items
        .into_iter()
        .map(|r| {
            let (sentence, href) = names.sentence(lang, &r);
            Line { r, sentence, href }
        })
        .collect();
    let page = AuditPage {
        items,
        total,
        entities: ENTITIES,
        query: Echo::of(&f, FILTERS),
        csv_link: format!("/api/v1/audit?{}&format=csv", f.query_string()),
        error: error.map(FormError::from),
    };
    let mut res = state
        .templates
        .page(&Base::new(&actor, lang, "/audit", "audit"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("Phường Nam Định"), "Phường Nam Định");
    }
}
