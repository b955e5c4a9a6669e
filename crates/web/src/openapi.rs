//! The OpenAPI 3.1 description of `/api/v1`, served at
//! `/api/v1/openapi.json` and browsable at `/api/docs`.
//!
//! It is derived, not written: each capability module lists its API
//! handlers in an `Api` type (`#[derive(utoipa::OpenApi)]`), each handler
//! carries a `#[utoipa::path]` naming its parameters, body and answers, and
//! the schemas come from the request and response types themselves
//! (`ToSchema`). What holds for every operation is added once, in
//! [`finish`], from the router's own table. A test checks that the document
//! names exactly the API routes the router registers.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::actor::Actor;
use crate::api::Problem;
use crate::routes::Routes;

/// Served behind login, with the other protected routes.
pub fn protected_routes() -> Routes {
    Routes::new()
        .get("/api/v1/openapi.json", serve)
        .get("/api/docs", docs_page)
        .get("/api/docs/{file}", docs_asset)
}

/// The parts of the document outside the capability modules.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "binhyen API",
        description = "Phong trào Toàn dân bảo vệ an ninh Tổ quốc: administrative hierarchy across the 2025 reorganisation, movement models, reported figures. Log in with POST /api/v1/auth/login; state-changing requests authenticated by the session cookie must send the returned CSRF token in X-CSRF-Token. Units, models and data sets are named by id here (pages never show one): find a unit's id by its name, typed with or without diacritics, or its national code with GET /api/v1/org-units?q=Phường Nam Định, a model's with GET /api/v1/models?q=. A refusal is a Problem: `code` (its class), `reason` (why, stable: test this), `args` (the values it names) and `message` (for people: Vietnamese, or English with `Accept-Language: en`; the `lang` cookie, when sent, decides)."
    ),
    paths(serve),
    // In the order a reader meets them.
    tags(
        (name = "auth", description = "Logging in, one's own password, sessions and second factor"),
        (name = "users", description = "User administration (administrators)"),
        (name = "org-units", description = "The administrative hierarchy across the 2025 reform"),
        (name = "models", description = "Movement models, their types, status, ratings and activities"),
        (name = "statistics", description = "Indicators, data sets, entry, approval and analytics"),
        (name = "certification", description = "Certification \"An toàn về an ninh, trật tự\": criteria, cases, steps, certificates, dashboard"),
        (name = "forces", description = "Grassroots security teams: teams, members and eligibility, people, size rules, counts, historical rosters"),
        (name = "training", description = "Training: courses, classes, enrolments, attendance, results and certificates"),
        (name = "partners", description = "Partner organisations at each level, their contacts and accounts, and their end into a successor"),
        (name = "programs", description = "Coordination programmes and joint plans: parties, basis documents, targets with computed progress, activities"),
        (name = "directives", description = "Directives and plans issued to the units below: tasks given to owner units (every commune at once), their reports and files, the board of done, late and blocked"),
        (name = "commendations", description = "Commendations: recorded as decided or proposed and decided by the province; lists, a recipient's history, counts by area, form and level in both views of the 2025 reform"),
        (name = "events", description = "Events (conferences, launches, pledge signings, the 19 August festival) with participants by group and photos stripped of their metadata; the calendar as iCalendar and XLSX; each commune's festival and its coverage; emulation pledges and their yearly assessments"),
        (name = "reviews", description = "Reviews (sơ kết, tổng kết): figures assembled from every capability for a unit and a period in either view of the 2025 reform, narrative sections kept as versions, lower units' submissions compiled, issued with a number and frozen, written as DOCX and PDF per Nghị định 30/2020"),
        (name = "tips", description = "Citizens' tips: sent without login to the commune police of a place, sealed to its officers (and the province's key-holders), followed by the sender with a receipt code; the police's list, steps, replies and notes, and the officers' tip keys"),
        (name = "documents", description = "The register of documents: directives, decisions, joint resolutions, plans; their files, search and links to what they govern"),
        (name = "audit", description = "The audit log"),
        (name = "api", description = "This document")
    ),
    // Types that only query parameters name (bodies bring their own).
    components(schemas(
        Problem,
        domain::schema::AuditFilter,
        domain::schema::CodeList,
        domain::schema::PeriodList,
        domain::schema::SearchText,
        domain::schema::Span,
        domain::schema::Year,
        crate::api::FileFormat,
        crate::api::JsonOrCsv,
        crate::api::ReportFormat
    ))
)]
struct Base;

/// This document
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "api",
    responses((status = 200, description = "OpenAPI document", body = Object)))]
async fn serve(_actor: Actor) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        SERVED.as_slice(),
    )
        .into_response()
}

/// The document is the same for the binary's whole life: built (with the
/// router's table) and serialised on the first request, not on each.
static SERVED: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| serde_json::to_vec(&document()).unwrap_or_default());

/// The whole document: every capability's part, then [`finish`].
pub fn document() -> Value {
    let mut api = Base::openapi();
    for part in [
        crate::accounts::Api::openapi(),
        crate::accounts::users::Api::openapi(),
        crate::audit::Api::openapi(),
        crate::org_units::Api::openapi(),
        crate::models::Api::openapi(),
        crate::vocabulary::Api::openapi(),
        crate::statistics::Api::openapi(),
        crate::certification::Api::openapi(),
        crate::forces::Api::openapi(),
        crate::training::Api::openapi(),
        crate::documents::Api::openapi(),
        crate::partners::Api::openapi(),
        crate::programs::Api::openapi(),
        crate::directives::Api::openapi(),
        crate::commendations::Api::openapi(),
        crate::events::Api::openapi(),
        crate::reviews::Api::openapi(),
        crate::tips::Api::openapi(),
        crate::home::Api::openapi(),
    ] {
        api.merge(part);
    }
    let mut doc = serde_json::to_value(&api).unwrap_or(Value::Null);
    for v in VARIANTS {
        v.apply(&mut doc);
    }
    finish(&mut doc);
    doc
}

/// A body type read two ways: the same raw input creates (some fields
/// required) and edits (any field may be left out). The document names
/// each way's schema, made from the derived one.
struct Variant {
    method: &'static str,
    path: &'static str,
    from: &'static str,
    to: &'static str,
    required: &'static [&'static str],
}

const VARIANTS: &[Variant] = &[
    Variant {
        method: "post",
        path: "/api/v1/model-types",
        from: "ModelTypeInput",
        to: "NewModelTypeInput",
        required: domain::models::ModelTypeInput::REQUIRED_TO_CREATE,
    },
    Variant {
        method: "post",
        path: "/api/v1/models",
        from: "ModelInput",
        to: "NewModelInput",
        required: domain::models::ModelInput::REQUIRED_TO_CREATE,
    },
    Variant {
        method: "patch",
        path: "/api/v1/data-sets/{id}",
        from: "DataSetInput",
        to: "DataSetPatch",
        required: &[],
    },
];

impl Variant {
    fn apply(&self, doc: &mut Value) {
        let Some(mut schema) = doc
            .pointer(&format!("/components/schemas/{}", self.from))
            .cloned()
        else {
            return;
        };
        if let Some(o) = schema.as_object_mut() {
            o.insert("required".into(), json!(self.required));
            if let Some(props) = o.get_mut("properties").and_then(Value::as_object_mut) {
                for name in self.required {
                    if let Some(p) = props.get_mut(*name) {
                        *p = without_null(p.take());
                    }
                }
            }
        }
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(self.to.into(), schema);
        }
        let op = format!("/paths/{}/{}", self.path.replace('/', "~1"), self.method);
        let body = format!("{op}/requestBody/content/application~1json/schema");
        if let Some(b) = doc.pointer_mut(&body) {
            *b = json!({"$ref": format!("#/components/schemas/{}", self.to)});
        }
    }
}

/// A property schema that no longer admits null (a required field).
fn without_null(mut p: Value) -> Value {
    let Some(o) = p.as_object_mut() else {
        return p;
    };
    if let Some(types) = o.get("type").and_then(Value::as_array) {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let t = match kept.as_slice() {
            [one] => one.clone(),
            _ => Value::Array(kept),
        };
        o.insert("type".into(), t);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(items) = o.get_mut(key).and_then(Value::as_array_mut) {
            items.retain(|i| i.get("type").and_then(Value::as_str) != Some("null"));
        }
    }
    if let Some(values) = o.get_mut("enum").and_then(Value::as_array_mut) {
        values.retain(|v| !v.is_null());
    }
    p
}

/// A wrong current password counts against the login limits.
pub const WRONG_PASSWORDS: &str = "Too many wrong passwords for this account (they count like failed logins): wait the seconds of `Retry-After`.";

/// What any operation may answer when the server is at a bound it keeps.
const UNAVAILABLE: &str = "The database is unavailable, the server is busy (`busy`, with `Retry-After`), or the request ran past the request timeout (`timeout`).";

const LOCKED: &str = "The account must change its password first (`password_change_required`), or an administrator must turn on the second factor (`two_factor_required`).";

/// What holds for every operation, said once here rather than in each:
/// who may call it (public routes come from the router's table), a blank
/// query value counts as absent (as HTML forms send them), every body has
/// a size limit, a bad input or parameter answers 400 naming its field, an
/// unknown or out-of-scope record 404, any operation may answer 503, and
/// every protected operation answers 403 to an account that must first
/// change its password or turn on the second factor.
fn finish(doc: &mut Value) {
    let public: Vec<&str> = crate::route_table()
        .into_iter()
        .filter(|(_, public)| *public)
        .map(|(r, _)| r.path)
        .collect();
    if let Some(d) = doc.as_object_mut() {
        d.insert("security".into(), json!([{"session": []}, {"bearer": []}]));
        d.insert("servers".into(), json!([{"url": "/"}]));
    }
    if let Some(c) = doc.get_mut("components").and_then(Value::as_object_mut) {
        c.insert("securitySchemes".into(), json!({
            "session": {"type": "apiKey", "in": "cookie", "name": "binhyen_session"},
            "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `binhyen token create`; no CSRF token needed."}
        }));
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, ops) in paths.iter_mut() {
        let is_public = public.contains(&path.as_str());
        let Some(ops) = ops.as_object_mut() else {
            continue;
        };
        for (method, op) in ops.iter_mut() {
            let Some(op) = op.as_object_mut() else {
                continue;
            };
            if is_public {
                op.insert("security".into(), json!([]));
            }
            // utoipa names an operation after its handler, and several
            // modules have a `list_api`: ids must be unique, so none.
            op.remove("operationId");
            let shape = Shape {
                public: is_public,
                write: method != "get",
                body: op.contains_key("requestBody"),
                params: op.contains_key("parameters"),
                by_id: path.contains('{'),
                own_account: op
                    .get("tags")
                    .is_some_and(|t| t.to_string().contains("\"auth\"")),
            };
            mark_query_params(op);
            if let Some(r) = op.get_mut("responses").and_then(Value::as_object_mut) {
                shape.add_responses(r);
            }
        }
    }
}

/// A blank query value counts as absent.
fn mark_query_params(op: &mut serde_json::Map<String, Value>) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for p in params.iter_mut().filter_map(Value::as_object_mut) {
        if p.get("in").and_then(Value::as_str) == Some("query") {
            p.insert("allowEmptyValue".into(), json!(true));
        }
    }
}

/// What an operation's answers depend on.
struct Shape {
    public: bool,
    write: bool,
    body: bool,
    params: bool,
    by_id: bool,
    /// One's own login, password, sessions and second factor: no record
    /// of anyone else's to miss or to race with.
    own_account: bool,
}

impl Shape {
    fn add_responses(&self, r: &mut serde_json::Map<String, Value>) {
        let mut add = |code: &str, desc: &str| {
            r.entry(code).or_insert_with(|| problem(desc));
        };
        if self.body {
            add("400", "Bad input; `field` names it. Nothing changed.");
            add("413", "The body is larger than its limit (`too_large`): 1 MiB for JSON and forms, 64 MiB for a file.");
        } else if self.params || self.by_id {
            add("400", "Bad parameter; `field` names it.");
        }
        let other_records = !self.own_account;
        if self.by_id || (self.write && self.body && other_records) {
            add("404", "Unknown or out-of-scope record.");
        }
        if self.write && self.body && other_records {
            add("409", "A concurrent change came first.");
        }
        add("503", UNAVAILABLE);
        if self.public {
            return;
        }
        add("401", "Not logged in.");
        let forbidden = if self.write {
            "The role may not do this here, or the CSRF token is missing."
        } else {
            ""
        };
        match r.get_mut("403").and_then(Value::as_object_mut) {
            Some(o) => {
                let d = o.get("description").and_then(Value::as_str).unwrap_or("");
                let d = format!("{d} {LOCKED}").trim().to_string();
                o.insert("description".into(), json!(d));
            }
            None => {
                let d = format!("{forbidden} {LOCKED}").trim().to_string();
                r.insert("403".into(), problem(&d));
            }
        }
    }
}

fn problem(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

// ---- the browsable page ----------------------------------------------------

/// Swagger UI's files, embedded (no CDN): `static/api-docs/`.
const DOCS_FILES: &[(&str, &str, &[u8])] = &[
    (
        "swagger-ui-bundle.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/api-docs/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/api-docs/swagger-ui.css"),
    ),
    (
        "start.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/api-docs/start.js"),
    ),
];

/// The document, browsable: Swagger UI reading `/api/v1/openapi.json`.
async fn docs_page(_actor: Actor) -> Response {
    let html = include_str!("../static/api-docs/index.html");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn docs_asset(
    _actor: Actor,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    match DOCS_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, bytes)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "private, max-age=86400"),
            ],
            *bytes,
        )
            .into_response(),
        None => crate::error::ApiError::not_found().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `(method, path)` of every `/api/` route the router answers.
    fn registered() -> BTreeSet<(String, String)> {
        crate::route_table()
            .into_iter()
            .filter(|(r, _)| r.path.starts_with("/api/v1/"))
            .map(|(r, _)| (r.method.as_str().to_lowercase(), r.path.to_string()))
            .collect()
    }

    #[test]
    fn document_names_exactly_the_registered_api_routes() {
        let doc = document();
        let mut documented = BTreeSet::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for m in ops.as_object().unwrap().keys() {
                documented.insert((m.clone(), path.clone()));
            }
        }
        let reg = registered();
        assert!(reg.len() >= 57, "{}", reg.len());
        assert_eq!(documented, reg);
    }

    #[test]
    fn every_reference_resolves() {
        let text = document().to_string();
        let doc = document();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_create_variant_requires_what_the_parser_requires() {
        let doc = document();
        let s = &doc["components"]["schemas"]["NewModelInput"];
        assert_eq!(
            s["required"],
            json!(["type_id", "org_unit_id", "name", "founded_on"])
        );
        assert_eq!(s["properties"]["name"]["type"], json!("string"));
        let body = &doc["paths"]["/api/v1/models"]["post"]["requestBody"];
        assert!(body.to_string().contains("NewModelInput"), "{body}");
        let patch = &doc["paths"]["/api/v1/models/{id}"]["patch"]["requestBody"];
        assert!(
            patch
                .to_string()
                .contains("\"#/components/schemas/ModelInput\""),
            "{patch}"
        );
    }

    #[test]
    fn every_variant_names_a_schema_and_an_operation_that_exist() {
        let doc = document();
        for v in VARIANTS {
            assert!(
                doc["components"]["schemas"].get(v.from).is_some(),
                "{}",
                v.from
            );
            let body = &doc["paths"][v.path][v.method]["requestBody"];
            let want = format!("\"#/components/schemas/{}\"", v.to);
            assert!(
                body.to_string().contains(&want),
                "{} {}: {body}",
                v.method,
                v.path
            );
        }
    }

    #[test]
    fn every_operation_says_what_it_answers() {
        let doc = document();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for (m, op) in ops.as_object().unwrap() {
                let r = op["responses"].as_object().unwrap();
                assert!(r.keys().any(|c| c.starts_with('2')), "{m} {path}");
                assert!(r.contains_key("503"), "{m} {path}");
                assert!(op["summary"].is_string(), "{m} {path} has no summary");
            }
        }
    }
}
