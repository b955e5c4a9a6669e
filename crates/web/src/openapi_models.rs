//! The models part of the OpenAPI document (kept apart: `json!` literals
//! this large need their own function to stay under the recursion limit).

use serde_json::{json, Value};

use crate::openapi::{
    body, date, filter_text, id_param, int64, ndate, nint64, ok, problem, write_errors, TRIMMED,
};

fn list_params() -> Value {
    let q = |name: &str, schema: Value, desc: &str| json!({"name": name, "in": "query", "required": false, "schema": schema, "description": desc});
    json!([
        q("type", int64(), "Model type id."),
        q(
            "field",
            json!({"type": "string", "enum": domain::models::Sector::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()}),
            "Field (sector)."
        ),
        q(
            "org_unit",
            int64(),
            "Unit id: models there and under it, across the 2025 mapping."
        ),
        q(
            "as_of",
            date(),
            "Models as they stood on this day (founded by then; status and rating of that day)."
        ),
        q(
            "status",
            json!({"type": "string", "enum": ["active", "paused", "dissolved"]}),
            "Status (on `as_of` if given)."
        ),
        q(
            "rating",
            json!({"type": "string", "enum": ["good", "fair", "average", "weak"]}),
            "Latest rating, or the rating of `as_of`'s year."
        ),
        q(
            "exemplar",
            json!({"type": "boolean"}),
            "Exemplar in the latest rated year, or in `as_of`'s year."
        ),
        q("founded_from", date(), "Founded on or after."),
        q("founded_to", date(), "Founded on or before."),
        q(
            "q",
            filter_text(100),
            "Words of the name, without case or diacritics."
        ),
        q(
            "sort",
            json!({"type": "string", "enum": ["newest", "name", "founded_on", "-founded_on"]}),
            "Order."
        ),
        q(
            "page",
            json!({"type": "integer", "minimum": 1, "maximum": 1_000_000}),
            "Page, from 1."
        ),
        q(
            "per_page",
            json!({"type": "integer", "minimum": 1, "maximum": 500}),
            "Rows per page."
        ),
        q(
            "format",
            json!({"type": "string", "enum": ["json", "xlsx", "csv"]}),
            "xlsx or csv: the whole list as a file."
        ),
    ])
}

fn file_response(desc: &str, schema: &str) -> Value {
    json!({"description": desc, "content": {
        "application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string"}}
    }})
}

fn read_errors(mut responses: Value) -> Value {
    if let Some(m) = responses.as_object_mut() {
        m.insert("400".into(), problem("Bad parameter; `field` names it."));
        m.insert("401".into(), problem("Not logged in."));
        m.insert(
            "404".into(),
            problem("Unknown or out-of-scope model or unit."),
        );
        m.insert("503".into(), problem("Database unavailable."));
    }
    responses
}

pub fn paths() -> Value {
    json!({
        "/api/v1/model-types": {
            "get": {"summary": "The catalogue of model types",
                "parameters": [{"name": "retired", "in": "query", "required": false, "schema": {"type": "boolean"}, "description": "Include retired types."}],
                "responses": read_errors(json!({"200": ok("Types", "ModelTypeList")}))},
            "post": {"summary": "Add a type (admins, province staff)", "requestBody": body("NewModelTypeInput"),
                "responses": write_errors(json!({"201": ok("Created", "ModelType")}))}
        },
        "/api/v1/model-types/{id}": {
            "get": {"summary": "One type", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Type", "ModelType")}))},
            "patch": {"summary": "Edit or retire a type; its models keep it", "parameters": [id_param()], "requestBody": body("ModelTypeInput"),
                "responses": write_errors(json!({"200": ok("Saved", "ModelType")}))}
        },
        "/api/v1/models": {
            "get": {"summary": "Models within scope, filtered, sorted and paged; or the whole list as XLSX/CSV",
                "parameters": list_params(),
                "responses": read_errors(json!({"200": file_response("A page of models, or the file", "ModelList")}))},
            "post": {"summary": "Add a model", "requestBody": body("NewModelInput"),
                "responses": write_errors(json!({"201": ok("Created", "Model")}))}
        },
        "/api/v1/models/import": {"post": {
            "summary": "Import models from an XLSX or CSV file (multipart field `file`): all rows or none",
            "parameters": [{"name": "report", "in": "query", "required": false, "schema": {"type": "string", "enum": ["xlsx"]}, "description": "On refusal, answer with the XLSX error report."}],
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": write_errors(json!({
                "201": ok("Imported", "ImportResult"),
                "413": {"description": "File larger than 64 MiB."},
                "422": {"description": "Rows refused; nothing imported", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ImportRefused"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}
            }))
        }},
        "/api/v1/models/matrix": {"get": {
            "summary": "Active models on a day: rows are the areas one level below the unit, columns fields or types",
            "parameters": [
                {"name": "org_unit", "in": "query", "required": false, "schema": int64(), "description": "The area; default: provinces, or the scope's units."},
                {"name": "as_of", "in": "query", "required": false, "schema": date(), "description": "Default: today."},
                {"name": "columns", "in": "query", "required": false, "schema": {"type": "string", "enum": ["field", "type"]}},
                {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "xlsx", "csv"]}}
            ],
            "responses": read_errors(json!({"200": file_response("The matrix", "Matrix")}))
        }},
        "/api/v1/models/{id}": {
            "get": {"summary": "One model", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Model", "Model")}))},
            "patch": {"summary": "Edit a model (fields sent replace; the unit stays)", "parameters": [id_param()], "requestBody": body("ModelInput"),
                "responses": write_errors(json!({"200": ok("Saved", "Model")}))}
        },
        "/api/v1/models/{id}/status": {
            "get": {"summary": "Dated status changes, newest first", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Changes", "ItemList")}))},
            "post": {"summary": "Record a dated status change with its reason", "parameters": [id_param()], "requestBody": body("StatusInput"),
                "responses": write_errors(json!({"201": ok("Recorded", "Model")}))}
        },
        "/api/v1/models/{id}/ratings": {
            "get": {"summary": "Yearly ratings", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Ratings", "ItemList")}))},
            "post": {"summary": "Rate a year (replaces that year's rating); admins and province staff", "parameters": [id_param()], "requestBody": body("RatingInput"),
                "responses": write_errors(json!({"201": ok("Rated", "Model")}))}
        },
        "/api/v1/models/{id}/activities": {
            "get": {"summary": "Activity log, newest first", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Activities", "ItemList")}))},
            "post": {"summary": "Log an activity", "parameters": [id_param()], "requestBody": body("ActivityInput"),
                "responses": write_errors(json!({"201": ok("Logged", "Activity")}))}
        },
        "/api/v1/models/{id}/replicas": {"get": {
            "summary": "Models replicated from this one, and from those (within scope)",
            "parameters": [id_param()],
            "responses": read_errors(json!({"200": ok("Replicas", "ReplicaList")}))
        }}
    })
}

/// A type's fields as sent; on a new type `code`, `name`, `sector` and
/// `targets` are required, on an edit absent or null fields keep their value.
fn model_type_input(new: bool) -> Value {
    use domain::models::{Sector, Target};
    let ns = json!({"type": ["string", "null"]});
    let code = if new {
        json!({"type": "string", "pattern": format!("^[{TRIMMED}]*[a-z0-9_]{{2,40}}[{TRIMMED}]*$")})
    } else {
        json!({"type": ["string", "null"], "description": "The type's code; it cannot change."})
    };
    // Blank entries are skipped.
    let mut targets: Vec<Value> = Target::all().map(|t| json!(t.as_str())).collect();
    targets.push(json!(""));
    let mut sectors: Vec<Value> = Sector::ALL.iter().map(|s| json!(s.as_str())).collect();
    let (sector, targets, name) = if new {
        (
            json!({"type": "string", "enum": sectors}),
            json!({"type": "array", "items": {"type": "string", "enum": targets}}),
            json!({"type": "string"}),
        )
    } else {
        sectors.push(Value::Null);
        (
            json!({"type": ["string", "null"], "enum": sectors}),
            json!({"type": ["array", "null"], "items": {"type": "string", "enum": targets}}),
            ns.clone(),
        )
    };
    let required = if new {
        json!(["code", "name", "sector", "targets"])
    } else {
        json!([])
    };
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": {
        "code": code, "name": name, "short_name": ns, "sector": sector,
        "targets": targets, "description": ns, "legal_basis": ns, "lead_org": ns,
        "coordinating_orgs": ns, "retired": {"type": ["boolean", "null"]}}})
}

/// A model's fields as sent; a new model needs its type, unit, name and
/// founding date; an edit replaces the fields it sends.
fn model_input(new: bool) -> Value {
    let ns = json!({"type": ["string", "null"]});
    let count = json!({"type": ["integer", "null"], "format": "int64", "minimum": 0, "maximum": domain::models::MAX_COUNT});
    let required = if new {
        json!(["type_id", "org_unit_id", "name", "founded_on"])
    } else {
        json!([])
    };
    json!({"type": "object", "additionalProperties": false, "required": required, "properties": {
        "type_id": int64(), "org_unit_id": int64(), "name": {"type": "string"}, "founded_on": date(),
        "decision_no": ns, "decision_date": ndate(), "decision_issuer": ns,
        "members": count, "households": count, "leader_name": ns,
        "leader_role": ns, "partners": ns,
        "tags": {"type": ["array", "null"], "items": {"type": "string"}}, "replicated_from": nint64()}})
}

pub fn schemas() -> Value {
    let s = |t: &str| json!({"type": t});
    let ns = |t: &str| json!({"type": [t, "null"]});
    let date = date();
    let ndate = ndate();
    let count = json!({"type": ["integer", "null"], "format": "int64", "minimum": 0, "maximum": domain::models::MAX_COUNT});
    json!({
        "ModelType": {"type": "object", "required": ["id", "code", "name", "sector", "targets"], "properties": {
            "id": s("integer"), "code": s("string"), "name": s("string"), "short_name": s("string"),
            "sector": s("string"), "targets": {"type": "array", "items": s("string")},
            "description": ns("string"), "legal_basis": ns("string"), "lead_org": ns("string"),
            "coordinating_orgs": ns("string"), "retired_on": ndate}},
        "ModelTypeList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ModelType"}}, "total": s("integer")}},
        "NewModelTypeInput": model_type_input(true),
        "ModelTypeInput": model_type_input(false),
        "Model": {"type": "object", "required": ["id", "type_id", "org_unit_id", "name", "founded_on", "status"], "properties": {
            "id": s("integer"), "type_id": s("integer"), "type_code": s("string"), "type_name": s("string"),
            "sector": s("string"), "org_unit_id": s("integer"), "org_unit_code": ns("string"),
            "org_unit_name": s("string"), "org_unit_level": s("string"), "parent_name": ns("string"),
            "name": s("string"), "founded_on": date.clone(), "decision_no": ns("string"), "decision_date": ndate.clone(),
            "decision_issuer": ns("string"), "status": {"type": "string", "enum": ["active", "paused", "dissolved"]},
            "status_since": date.clone(), "members": ns("integer"), "households": ns("integer"),
            "leader_name": ns("string"), "leader_role": ns("string"), "partners": ns("string"),
            "tags": {"type": "array", "items": s("string")}, "replicated_from": ns("integer"),
            "replicated_from_name": ns("string"), "last_rating": ns("string"), "last_rating_year": ns("integer"),
            "last_exemplar": s("boolean"), "is_exemplar": s("boolean")}},
        "ModelList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}},
            "total": {"type": "integer", "description": "Matches, counted up to 1,000."},
            "total_exact": {"type": "boolean", "description": "False when more than 1,000 match."},
            "page": s("integer"), "per_page": s("integer")}},
        "NewModelInput": model_input(true),
        "ModelInput": model_input(false),
        "StatusInput": {"type": "object", "additionalProperties": false, "required": ["status", "reason"], "properties": {
            "status": {"type": "string", "enum": ["active", "paused", "dissolved"]}, "date": ndate.clone(), "reason": s("string")}},
        "RatingInput": {"type": "object", "additionalProperties": false, "required": ["year", "rating", "rater"], "properties": {
            "year": {"type": "integer", "format": "int32"}, "rating": {"type": "string", "enum": ["good", "fair", "average", "weak"]},
            "rated_on": ndate.clone(), "rater": s("string"), "note": ns("string"), "exemplar": ns("boolean")}},
        "ActivityInput": {"type": "object", "additionalProperties": false, "required": ["kind", "description"], "properties": {
            "date": ndate.clone(), "kind": {"type": "string", "enum": ["meeting", "patrol", "awareness", "result", "other"]},
            "description": s("string"), "participants": count, "quantity": count}},
        "Activity": {"type": "object", "required": ["id", "on_date", "kind", "description"], "properties": {
            "id": s("integer"), "on_date": date, "kind": s("string"), "description": s("string"),
            "participants": ns("integer"), "quantity": ns("integer"), "username": ns("string")}},
        "ItemList": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object"}}}},
        "ReplicaList": {"type": "object", "required": ["items", "outside_scope"], "properties": {
            "items": {"type": "array", "items": {"type": "object"}}, "outside_scope": s("integer")}},
        "Matrix": {"type": "object", "required": ["date", "columns", "rows", "totals", "total"], "properties": {
            "org_unit_id": ns("integer"), "org_unit_name": ns("string"), "date": s("string"), "rows_date": s("string"),
            "columns": {"type": "array", "items": {"type": "object", "properties": {"key": s("string"), "label": s("string")}}},
            "rows": {"type": "array", "items": {"type": "object", "properties": {
                "org_unit_id": s("integer"), "name": s("string"), "direct": s("boolean"), "lat": ns("number"),
                "lon": ns("number"), "cells": {"type": "array", "items": s("integer")}, "total": s("integer")}}},
            "totals": {"type": "array", "items": s("integer")}, "total": s("integer")}},
        "ImportResult": {"type": "object", "required": ["imported", "ids"], "properties": {
            "imported": s("integer"), "ids": {"type": "array", "items": s("integer")}}},
        "ImportRefused": {"type": "object", "required": ["error", "rows"], "properties": {
            "error": {"type": "object", "required": ["code", "message"], "properties": {"code": s("string"), "message": s("string"), "field": ns("string")}},
            "rows": {"type": "array", "items": {"type": "object", "required": ["row", "column", "message"], "properties": {
                "row": s("integer"), "column": s("string"), "message": s("string")}}}}}
    })
}
