//! The OpenAPI 3.1 description of `/api/v1`, served at
//! `/api/v1/openapi.json`. A test checks that it names exactly the API
//! routes the router registers, so it stays true.

use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use domain::org_units::{Kind, Level};

use crate::actor::Actor;
use crate::routes::Routes;

/// Served behind login, with the other protected routes.
pub fn protected_routes() -> Routes {
    Routes::new().get("/api/v1/openapi.json", serve)
}

async fn serve(_actor: Actor) -> Response {
    Json(document()).into_response()
}

fn nullable(t: &str) -> Value {
    json!({"type": [t, "null"]})
}

pub(crate) fn problem(desc: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}})
}

pub(crate) fn ok(desc: &str, schema: &str) -> Value {
    json!({"description": desc, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

pub(crate) fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

pub(crate) fn id_param() -> Value {
    json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64", "minimum": 1}})
}

/// Ids and counts are 64-bit integers (larger numbers are refused).
pub(crate) fn int64() -> Value {
    json!({"type": "integer", "format": "int64"})
}

pub(crate) fn nint64() -> Value {
    json!({"type": ["integer", "null"], "format": "int64"})
}

/// A date as `domain::time::parse_date` takes it: `YYYY-MM-DD`, years 1900
/// to 2100.
pub(crate) fn date() -> Value {
    json!({"type": "string", "format": "date", "pattern": DATE_PATTERN})
}

/// An optional date: null or blank (only spaces) for none.
pub(crate) fn ndate() -> Value {
    json!({"anyOf": [date(), {"type": "string", "pattern": format!("^[{TRIMMED}]*$")}, {"type": "null"}]})
}

const DATE_PATTERN: &str = "^(19[0-9]{2}|20[0-9]{2}|2100)-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))$";

/// What `char::is_whitespace` trims (as `str::trim` does).
pub(crate) const TRIMMED: &str =
    "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// A text filter of a query string: trimmed, then refused if it holds a
/// control character (`char::is_control`) or is longer than `max`.
pub(crate) fn filter_text(max: usize) -> Value {
    let pattern = format!("^[{TRIMMED}]*[^\\x00-\\x1f\\x7f-\\x9f]{{0,{max}}}[{TRIMMED}]*$");
    json!({"type": "string", "pattern": pattern, "description": format!("At most {max} characters and no control characters, once trimmed.")})
}

pub(crate) fn write_errors(mut responses: Value) -> Value {
    if let Some(m) = responses.as_object_mut() {
        m.insert(
            "400".into(),
            problem("Bad input; `field` names it. Nothing changed."),
        );
        m.insert("401".into(), problem("Not logged in."));
        m.insert(
            "403".into(),
            problem("The role may not write here, or the CSRF token is missing."),
        );
        m.insert("404".into(), problem("Unknown or out-of-scope unit."));
        m.insert(
            "409".into(),
            problem("A concurrent change ended a unit first."),
        );
        m.insert("503".into(), problem("Database unavailable."));
    }
    responses
}

pub fn document() -> Value {
    let level =
        json!({"type": "string", "enum": ["province", "district", "commune", "village", "site"]});
    let mut doc = base_document(&level);
    if let Some(p) = doc.get_mut("paths") {
        merge(p, crate::openapi_models::paths());
        merge(p, crate::openapi_statistics::paths());
    }
    if let Some(c) = doc.pointer_mut("/components/schemas") {
        merge(c, crate::openapi_models::schemas());
        merge(c, crate::openapi_statistics::schemas());
    }
    finish(&mut doc);
    doc
}

/// A wrong current password counts against the login limits.
const WRONG_PASSWORDS: &str = "Too many wrong passwords for this account (they count like failed logins): wait the seconds of `Retry-After`.";

/// What any operation may answer when the server is at a bound it keeps.
const UNAVAILABLE: &str = "The database is unavailable, the server is busy (`busy`, with `Retry-After`), or the request ran past the request timeout (`timeout`).";

/// What holds for every operation, said once here rather than in each: a
/// blank query value counts as absent (as HTML forms send them), every
/// operation with a body answers 413 past its size limit and any may answer
/// 503, and every protected operation answers 403 to an account that must
/// first change its password or turn on the second factor.
fn finish(doc: &mut Value) {
    const LOCKED: &str = "The account must change its password first (`password_change_required`), or an administrator must turn on the second factor (`two_factor_required`).";
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|ops| ops.values_mut())
    {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            for p in params.iter_mut().filter_map(Value::as_object_mut) {
                if p.get("in").and_then(Value::as_str) == Some("query") {
                    p.insert("allowEmptyValue".into(), json!(true));
                }
            }
        }
        let has_body = op.get("requestBody").is_some();
        let public = op
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| s.is_empty());
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        if has_body {
            responses
                .entry("413")
                .or_insert_with(|| problem("The body is larger than its limit (`too_large`): 1 MiB for JSON and forms, 64 MiB for a file."));
        }
        responses
            .entry("503")
            .or_insert_with(|| problem(UNAVAILABLE));
        if public {
            continue;
        }
        match responses.get_mut("403").and_then(Value::as_object_mut) {
            Some(r) => {
                let d = r.get("description").and_then(Value::as_str).unwrap_or("");
                let d = format!("{d} {LOCKED}").trim().to_string();
                r.insert("description".into(), json!(d));
            }
            None => {
                responses.insert("403".into(), problem(LOCKED));
            }
        }
    }
}

/// Adds the keys of `more` (an object) to `into` (an object).
fn merge(into: &mut Value, more: Value) {
    if let (Some(a), Value::Object(b)) = (into.as_object_mut(), more) {
        a.extend(b);
    }
}

fn base_document(level: &Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "binhyen API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Phong trào Toàn dân bảo vệ an ninh Tổ quốc: administrative hierarchy across the 2025 reorganisation. Log in with POST /api/v1/auth/login; state-changing requests authenticated by the session cookie must send the returned CSRF token in X-CSRF-Token."
        },
        "servers": [{"url": "/"}],
        "security": [{"session": []}, {"bearer": []}],
        "paths": paths(level),
        "components": components(level)
    })
}

fn paths(level: &Value) -> Value {
    let level = level.clone();
    json!({
        "/api/v1/auth/login": {"post": {
            "summary": "Log in; sets the session cookie",
            "security": [],
            "requestBody": body("LoginInput"),
            "responses": {
                "200": ok("Logged in", "LoginResult"),
                "400": problem("Malformed body."),
                "401": problem("Wrong username or password (never says which); or `totp_required` / `totp_invalid` for an account with a second factor."),
                "415": problem("The body is not sent as application/json."),
                "429": problem("Too many failed logins for this name or address (`throttled`), or too many password checks waiting (`busy`): wait the seconds of `Retry-After`; 10 failures lock the account for 15 minutes."),
                "503": problem("Database unavailable.")
            }
        }},
        "/api/v1/auth/logout": {"post": {
            "summary": "End this session",
            "responses": {"204": {"description": "Logged out"}, "401": problem("Not logged in."), "403": problem("CSRF token missing.")}
        }},
        "/api/v1/auth/password": {"post": {
            "summary": "Change one's own password; ends one's other sessions and revokes one's API tokens",
            "requestBody": body("PasswordInput"),
            "responses": {
                "200": ok("Changed; what it ended", "AccessEnded"),
                "400": problem("Wrong current password, or the new one breaks the policy (`field` says which)."),
                "401": problem("Not logged in."),
                "403": problem("CSRF token missing."),
                "429": problem(WRONG_PASSWORDS),
                "503": problem("Database unavailable.")
            }
        }},
        "/api/v1/auth/sessions": {"get": {
            "summary": "One's own live sessions",
            "responses": {"200": ok("Sessions", "SessionList"), "401": problem("Not logged in.")}
        }},
        "/api/v1/auth/sessions/end": {"post": {
            "summary": "End one of one's own sessions (the password is asked first)",
            "requestBody": body("EndSessionInput"),
            "responses": {
                "204": {"description": "Ended"},
                "400": problem("Malformed body, or a wrong password (`field`: password)."),
                "429": problem(WRONG_PASSWORDS),
                "401": problem("Not logged in."),
                "403": problem("CSRF token missing."),
                "404": problem("No such session of this user.")
            }
        }},
        "/api/v1/users": {
            "get": {
                "summary": "All users with their scope (admins only)",
                "responses": {"200": ok("Users", "UserList"), "401": problem("Not logged in."), "403": problem("Not an administrator.")}
            },
            "post": {
                "summary": "Create a user (admins only); the user changes the password at first login",
                "requestBody": body("NewUserInput"),
                "responses": write_errors(json!({"201": ok("Created", "UserView")}))
            }
        },
        "/api/v1/users/{id}": {
            "get": {
                "summary": "One user (admins only)",
                "parameters": [id_param()],
                "responses": {"200": ok("The user", "UserView"), "400": problem("Bad id."), "401": problem("Not logged in."), "403": problem("Not an administrator."), "404": problem("No such user.")}
            },
            "patch": {
                "summary": "Change name, role, scope, disable, or reset the password (admins only; never one's own role or account)",
                "parameters": [id_param()],
                "requestBody": body("UserPatchInput"),
                "responses": write_errors(json!({"200": ok("Changed; a password reset also says what it ended (`sessions_ended`, `tokens_revoked`)", "UserView")}))
            }
        },
        "/api/v1/audit": {"get": {
            "summary": "Search the audit log (admins; province staff within their scope), newest first",
            "parameters": [
                {"name": "entity", "in": "query", "schema": filter_text(200)},
                {"name": "entity_id", "in": "query", "schema": filter_text(200)},
                {"name": "actor", "in": "query", "description": "username", "schema": filter_text(200)},
                {"name": "from", "in": "query", "schema": date()},
                {"name": "to", "in": "query", "schema": date()},
                {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}
            ],
            "responses": {
                "200": {"description": "Records (JSON, or CSV with format=csv)", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/AuditList"}},
                    "text/csv": {"schema": {"type": "string"}}
                }},
                "400": problem("A malformed filter."), "401": problem("Not logged in."), "403": problem("Not an administrator or province staff.")
            }
        }},
        "/api/v1/auth/totp/start": {"post": {
            "summary": "Start turning on the second factor (the password is asked first): a new secret for an authenticator app",
            "requestBody": body("PasswordOnlyInput"),
            "responses": {
                "200": {"description": "The secret", "content": {"application/json": {"schema": {"type": "object", "required": ["secret", "otpauth_uri"], "properties": {"secret": {"type": "string"}, "otpauth_uri": {"type": "string"}}}}}},
                "400": problem("Malformed body, or a wrong password."),
                "401": problem("Not logged in."), "403": problem("CSRF token missing."), "409": problem("Already on."),
                "429": problem(WRONG_PASSWORDS)
            }
        }},
        "/api/v1/auth/totp/confirm": {"post": {
            "summary": "Confirm with a first code; answers the recovery codes, shown once",
            "requestBody": body("CodeInput"),
            "responses": {
                "200": {"description": "On", "content": {"application/json": {"schema": {"type": "object", "required": ["recovery_codes"], "properties": {"recovery_codes": {"type": "array", "items": {"type": "string"}}}}}}},
                "400": problem("Wrong code, or no setup started."), "401": problem("Not logged in."), "403": problem("CSRF token missing.")
            }
        }},
        "/api/v1/auth/totp/disable": {"post": {
            "summary": "Turn the second factor off (password and a code needed)",
            "requestBody": body("DisableTotpInput"),
            "responses": {"204": {"description": "Off"}, "400": problem("Wrong password or code."), "401": problem("Not logged in."), "403": problem("CSRF token missing."), "429": problem(WRONG_PASSWORDS)}
        }},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document",
            "responses": {"200": {"description": "OpenAPI document", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": problem("Not logged in.")}
        }},
        "/api/v1/org-units": {
            "get": {
                "summary": "List and search units in the caller's scope",
                "parameters": [
                    {"name": "level", "in": "query", "schema": level},
                    {"name": "parent", "in": "query", "schema": int64()},
                    {"name": "as_of", "in": "query", "description": "Units valid on this date. Default: today; with `q`, every date.", "schema": date()},
                    {"name": "q", "in": "query", "description": "Name, matched without case or diacritics; exact and prefix matches first.", "schema": filter_text(100)},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000000, "default": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}
                ],
                "responses": {
                    "200": ok("A page of units", "UnitList"),
                    "400": problem("A malformed filter; `field` names it."),
                    "401": problem("Not logged in."),
                    "503": problem("Database unavailable.")
                }
            },
            "post": {
                "summary": "Add a village or a site",
                "requestBody": body("NewUnit"),
                "responses": write_errors(json!({"201": ok("Created", "OrgUnit")}))
            }
        },
        "/api/v1/org-units/{id}": {
            "get": {
                "summary": "A unit with its ancestors, predecessors and successors",
                "parameters": [id_param()],
                "responses": {
                    "200": ok("The unit", "OrgUnitDetail"),
                    "400": problem("The id is not a positive integer."),
                    "401": problem("Not logged in."),
                    "404": problem("Unknown or out-of-scope unit."),
                    "503": problem("Database unavailable.")
                }
            },
            "patch": {
                "summary": "Change a village or site (name, kind, coordinates, address)",
                "parameters": [id_param()],
                "requestBody": body("UnitPatch"),
                "responses": write_errors(json!({"200": ok("Changed", "OrgUnit")}))
            }
        },
        "/api/v1/org-units/merge": {"post": {
            "summary": "Merge villages of one commune into a new village on a date",
            "requestBody": body("MergeInput"),
            "responses": write_errors(json!({"201": ok("Merged", "Reorganisation")}))
        }},
        "/api/v1/org-units/split": {"post": {
            "summary": "Split a village into several on a date",
            "requestBody": body("SplitInput"),
            "responses": write_errors(json!({"201": ok("Split", "Reorganisation")}))
        }}
    })
}

fn components(level: &Value) -> Value {
    let level = level.clone();
    let kinds = |levels: &[Level]| -> Vec<&'static str> {
        levels
            .iter()
            .flat_map(|l| Kind::for_level(*l))
            .map(Kind::as_str)
            .collect()
    };
    let unit_kind = json!({"type": "string", "enum": kinds(&[Level::Village, Level::Site]), "description": "One of the level's kinds: village: thon, xom, lang, ban, ap, buon, phum, soc, khom, to_dan_pho, khu_pho, khu_dan_cu; site: agency, enterprise, school, religious, market, industrial_cluster, other"});
    // A new village's kind; absent, null or "" for `thon`.
    let mut village_kinds = kinds(&[Level::Village]);
    village_kinds.push("");
    let village_kind = json!({"type": ["string", "null"], "enum": village_kinds.iter().map(|k| json!(k)).chain([Value::Null]).collect::<Vec<_>>()});
    let lat = json!({"type": ["number", "null"], "minimum": 6, "maximum": 24, "description": "With `lon`, or neither."});
    let lon = json!({"type": ["number", "null"], "minimum": 101, "maximum": 118, "description": "With `lat`, or neither."});
    let name = json!({"type": "string", "minLength": 1, "maxLength": 200});
    let username = format!("^[{TRIMMED}]*[A-Za-z0-9._-]{{3,64}}[{TRIMMED}]*$");
    json!({
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "binhyen_session"},
            "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `binhyen token create`; no CSRF token needed."}
        },
        "schemas": {
            "Problem": {
                "type": "object", "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message", "field"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}, "field": nullable("string")
                }}}
            },
            "OrgUnit": {
                "type": "object",
                "required": ["id", "code", "name", "short_name", "level", "kind", "parent_id", "parent_name", "valid_from", "valid_to", "lat", "lon", "address"],
                "properties": {
                    "id": {"type": "integer"},
                    "code": nullable("string"),
                    "name": {"type": "string"},
                    "short_name": {"type": "string"},
                    "level": level,
                    "kind": {"type": "string"},
                    "parent_id": nullable("integer"),
                    "parent_name": nullable("string"),
                    "valid_from": {"type": ["string", "null"], "format": "date"},
                    "valid_to": {"type": ["string", "null"], "format": "date"},
                    "lat": nullable("number"),
                    "lon": nullable("number"),
                    "address": nullable("string")
                }
            },
            "UnitList": {
                "type": "object", "required": ["items", "total"],
                "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/OrgUnit"}}, "total": {"type": "integer"}}
            },
            "Link": {
                "type": "object", "required": ["id", "code", "name", "level", "date", "kind", "is_default"],
                "properties": {
                    "id": {"type": "integer"}, "code": nullable("string"), "name": {"type": "string"},
                    "level": level, "parent_name": nullable("string"),
                    "date": {"type": "string", "format": "date"},
                    "kind": {"type": "string", "enum": ["whole", "split"]},
                    "is_default": {"type": "boolean"}
                }
            },
            "Crumb": {"type": "object", "required": ["id", "name", "level"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "level": level}},
            "OrgUnitDetail": {
                "allOf": [{"$ref": "#/components/schemas/OrgUnit"}, {
                    "type": "object", "required": ["ancestors", "predecessors", "successors"],
                    "properties": {
                        "ancestors": {"type": "array", "items": {"$ref": "#/components/schemas/Crumb"}},
                        "predecessors": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
                        "successors": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}
                    }
                }]
            },
            "NewUnit": {
                "type": "object", "required": ["level", "kind", "name", "parent_id"],
                "properties": {
                    "level": {"type": "string", "enum": ["village", "site"]},
                    "kind": unit_kind,
                    "name": name,
                    "parent_id": int64(),
                    "valid_from": ndate(),
                    "lat": lat, "lon": lon,
                    "address": {"type": ["string", "null"], "maxLength": 300}
                }
            },
            "UnitPatch": {
                "type": "object",
                "description": "Absent or null fields stay as they are; an empty address clears it.",
                "properties": {
                    "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 200},
                    "kind": {"type": ["string", "null"], "enum": kinds(&[Level::Village, Level::Site]).iter().map(|k| json!(k)).chain([Value::Null]).collect::<Vec<_>>()},
                    "lat": lat, "lon": lon,
                    "address": {"type": ["string", "null"], "maxLength": 300}
                }
            },
            "MergeInput": {
                "type": "object", "required": ["sources", "date", "name"],
                "properties": {
                    "sources": {"type": "array", "items": int64(), "minItems": 2, "maxItems": 100, "uniqueItems": true},
                    "date": date(),
                    "name": name,
                    "kind": village_kind
                }
            },
            "SplitInput": {
                "type": "object", "required": ["source", "date", "parts"],
                "properties": {
                    "source": int64(),
                    "date": date(),
                    "parts": {"type": "array", "minItems": 2, "maxItems": 50, "items": {"type": "object", "required": ["name"], "properties": {"name": name, "kind": village_kind}}},
                    "default_part": {"type": ["integer", "null"], "format": "int64", "minimum": 0, "description": "Index in `parts` of the part that takes the village's records; default 0."}
                }
            },
            "Reorganisation": {
                "type": "object", "required": ["date", "ended", "created", "moved_sites"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "ended": {"type": "array", "items": {"type": "integer"}},
                    "created": {"type": "array", "items": {"$ref": "#/components/schemas/OrgUnit"}},
                    "moved_sites": {"type": "array", "items": {"type": "integer"}}
                }
            },
            "UserView": {
                "type": "object", "required": ["id", "username", "display_name", "role", "disabled", "must_change_password", "scopes"],
                "properties": {
                    "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["admin", "province_staff", "commune_officer", "partner", "viewer"]},
                    "disabled": {"type": "boolean"}, "must_change_password": {"type": "boolean"},
                    "scopes": {"type": "array", "items": {"type": "object", "required": ["id", "name", "level"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "level": {"type": "string"}}}}
                }
            },
            "UserList": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/UserView"}}, "total": {"type": "integer"}}},
            "NewUserInput": {
                "type": "object", "required": ["username", "role", "password"],
                "properties": {
                    "username": {"type": "string", "pattern": username, "description": "Letters, digits, `.`, `_`, `-`; stored in lower case."},
                    "display_name": {"type": ["string", "null"], "maxLength": 100, "description": "Absent, null or blank: the username."},
                    "role": {"type": "string", "enum": ["admin", "province_staff", "commune_officer", "partner", "viewer"]},
                    "scopes": {"type": "array", "items": int64(), "maxItems": 200, "description": "Org unit ids; required for every role but admin"},
                    "password": {"type": "string", "minLength": 10, "maxLength": 256}
                }
            },
            "UserPatchInput": {
                "type": "object",
                "description": "Absent or null fields stay as they are.",
                "properties": {
                    "display_name": {"type": ["string", "null"], "minLength": 1, "maxLength": 100},
                    "role": {"type": ["string", "null"], "enum": ["admin", "province_staff", "commune_officer", "partner", "viewer", null]},
                    "scopes": {"type": ["array", "null"], "items": int64(), "maxItems": 200},
                    "disabled": {"type": ["boolean", "null"]},
                    "password": {"type": ["string", "null"], "minLength": 10, "maxLength": 256, "description": "A reset of another user's password: they must change it at next login (one's own is changed with POST /api/v1/auth/password)"}
                }
            },
            "AuditList": {"type": "object", "required": ["items", "total"], "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {
                "type": "object", "required": ["id", "at", "username", "action", "entity", "entity_id", "before_json", "after_json"],
                "properties": {
                    "id": {"type": "integer"}, "at": {"type": "string"}, "username": {"type": ["string", "null"]},
                    "action": {"type": "string"}, "entity": {"type": "string"}, "entity_id": {"type": "string"},
                    "before_json": {"type": ["string", "null"]}, "after_json": {"type": ["string", "null"]},
                    "request_id": {"type": ["string", "null"]}
                }
            }}}},
            "CodeInput": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
            "DisableTotpInput": {"type": "object", "required": ["password", "code"], "properties": {"password": {"type": "string"}, "code": {"type": "string"}}},
            "PasswordInput": {
                "type": "object", "required": ["current_password", "new_password"],
                "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string", "minLength": 10, "maxLength": 256}}
            },
            "EndSessionInput": {"type": "object", "required": ["id", "password"], "properties": {"id": {"type": "string"}, "password": {"type": "string"}}},
            "PasswordOnlyInput": {"type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}},
            "AccessEnded": {
                "type": "object", "required": ["sessions_ended", "tokens_revoked"],
                "properties": {
                    "sessions_ended": {"type": "integer"},
                    "tokens_revoked": {"type": "array", "items": {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}
                }
            },
            "SessionList": {
                "type": "object", "required": ["items", "total"],
                "properties": {
                    "total": {"type": "integer"},
                    "items": {"type": "array", "items": {"type": "object", "required": ["id", "created_at", "last_seen_at", "expires_at", "current"], "properties": {
                        "id": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
                        "last_seen_at": {"type": "string", "format": "date-time"},
                        "expires_at": {"type": "string", "format": "date-time"}, "current": {"type": "boolean"}
                    }}}
                }
            },
            "LoginInput": {
                "type": "object", "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}, "totp": {"type": ["string", "null"]}}
            },
            "LoginResult": {
                "type": "object", "required": ["user", "csrf_token"],
                "properties": {
                    "csrf_token": {"type": "string"},
                    "user": {"type": "object", "required": ["id", "username", "display_name", "role"], "properties": {
                        "id": {"type": "integer"}, "username": {"type": "string"}, "display_name": {"type": "string"},
                        "role": {"type": "string", "enum": ["admin", "province_staff", "commune_officer", "partner", "viewer"]},
                        "disabled": {"type": "boolean"}, "must_change_password": {"type": "boolean"}
                    }}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `(method, path)` of every `/api/` route the router answers.
    fn registered() -> BTreeSet<(String, String)> {
        crate::route_table()
            .into_iter()
            .filter(|(r, _)| r.path.starts_with("/api/"))
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
        assert!(reg.len() >= 8, "{reg:?}");
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
}
