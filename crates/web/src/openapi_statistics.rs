//! The statistics part of the OpenAPI document: definitions, entry,
//! approval, completeness and the analytics pivot.

use serde_json::{json, Value};

use crate::openapi::{body, id_param, int64, ok, problem, write_errors};

/// `2022-03`, `2022-Q1`, `2022-H1` or `2022`, years 1990–2100.
const PERIOD: &str = "(199[0-9]|20[0-9]{2}|2100)(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?";
const CODE: &str = "[a-z][a-z0-9_]{0,63}";

fn period() -> Value {
    json!({"type": "string", "pattern": format!("^{PERIOD}$")})
}

fn code() -> Value {
    json!({"type": "string", "pattern": format!("^{CODE}$")})
}

fn read_errors(mut responses: Value) -> Value {
    if let Some(m) = responses.as_object_mut() {
        m.insert("400".into(), problem("Bad parameter; `field` names it."));
        m.insert("401".into(), problem("Not logged in."));
        m.insert(
            "404".into(),
            problem("Unknown or out-of-scope data set, unit, indicator or form."),
        );
        m.insert("503".into(), problem("Database unavailable."));
    }
    responses
}

fn q(name: &str, schema: Value, required: bool, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": schema, "description": desc})
}

/// The three parameters that name one form (data set × unit × period).
fn form_params() -> Value {
    json!([
        q("data_set", int64(), true, "Data set id."),
        q("org_unit", int64(), true, "Id of the unit that enters it."),
        q(
            "period",
            period(),
            true,
            "Period of the data set's type: 2026-03, 2026-Q1, 2026-H1 or 2026."
        ),
    ])
}

pub fn paths() -> Value {
    let list = |what: &str| format!("^({what})(,({what})){{0,199}}$");
    json!({
        "/api/v1/indicators": {
            "get": {"summary": "Every indicator", "responses": read_errors(json!({"200": ok("Indicators", "IndicatorList")}))},
            "post": {"summary": "Add an indicator (admins, province staff)", "requestBody": body("IndicatorInput"),
                "responses": write_errors(json!({"201": ok("Created", "Indicator")}))}
        },
        "/api/v1/indicators/{id}": {
            "get": {"summary": "One indicator", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Indicator", "Indicator")}))},
            "patch": {"summary": "Edit an indicator; its code is fixed, its aggregation too once it has figures", "parameters": [id_param()],
                "requestBody": body("IndicatorPatch"), "responses": write_errors(json!({"200": ok("Saved", "Indicator")}))}
        },
        "/api/v1/data-sets": {
            "get": {"summary": "Every data set", "responses": read_errors(json!({"200": ok("Data sets", "DataSetList")}))},
            "post": {"summary": "Add a data set with its indicators (each indicator belongs to one data set)", "requestBody": body("DataSetInput"),
                "responses": write_errors(json!({"201": ok("Created", "DataSetView")}))}
        },
        "/api/v1/data-sets/{id}": {
            "get": {"summary": "One data set with its indicators and rules", "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Data set", "DataSetView")}))},
            "patch": {"summary": "Edit a data set (fields sent replace; `indicators` is the whole ordered list)", "parameters": [id_param()],
                "requestBody": body("DataSetPatch"), "responses": write_errors(json!({"200": ok("Saved", "DataSetView")}))}
        },
        "/api/v1/validation-rules": {
            "get": {"summary": "Every validation rule", "responses": read_errors(json!({"200": ok("Rules", "RuleList")}))},
            "post": {"summary": "Add a rule: an expression over the data set's indicator codes", "requestBody": body("RuleInput"),
                "responses": write_errors(json!({"201": ok("Created", "Rule")}))}
        },
        "/api/v1/validation-rules/{id}": {
            "patch": {"summary": "Rewrite or retire a rule", "parameters": [id_param()], "requestBody": body("RulePatch"),
                "responses": write_errors(json!({"200": ok("Saved", "Rule")}))}
        },
        "/api/v1/data-values": {
            "get": {"summary": "One form: its values, approval state and validation problems", "parameters": form_params(),
                "responses": read_errors(json!({"200": ok("The form", "Form")}))},
            "post": {"summary": "Write values, all or none (value null deletes); rollups follow in the same transaction", "requestBody": body("ValueList"),
                "responses": write_errors(json!({"200": ok("Written", "WriteReport")}))}
        },
        "/api/v1/data-values/import": {"post": {
            "summary": "Write figures from an XLSX or CSV file (multipart field `file`; columns as the period sheet: unit id or code, period, indicator code, value, comment): all values or none",
            "parameters": [{"name": "report", "in": "query", "required": false, "schema": {"type": "string", "enum": ["xlsx"]}, "description": "On refusal, answer with the XLSX error report."}],
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": write_errors(json!({
                "201": ok("Written", "WriteReport"),
                "413": {"description": "File larger than 64 MiB."},
                "422": {"description": "Rows refused; nothing written", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ImportRefused"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}}
            }))
        }},
        "/api/v1/org-units/{id}/shares": {
            "get": {"summary": "A split unit's successors with the share of its sums and stocks each takes as it is now (null: not set; the default successor then takes all)",
                "parameters": [id_param()], "responses": read_errors(json!({"200": ok("Shares", "ShareList")}))},
            "put": {"summary": "Replace the shares (each a successor, above 0, together 1; an empty list clears them); the unit's figures move in the rollups in the same transaction",
                "parameters": [id_param()], "requestBody": body("SharesInput"),
                "responses": write_errors(json!({"200": ok("Saved", "ShareList")}))}
        },
        "/api/v1/approvals": {
            "get": {"summary": "A form's approval state, problems and history", "parameters": form_params(),
                "responses": read_errors(json!({"200": ok("Approval", "ApprovalInfo")}))},
            "post": {"summary": "Submit, withdraw, approve, return or un-approve a form (return and un-approve need a reason)", "requestBody": body("ApprovalInput"),
                "responses": write_errors(json!({"200": ok("New state", "Approval")}))}
        },
        "/api/v1/completeness": {"get": {
            "summary": "Which entering units under a unit have entered, submitted, been approved for a period",
            "parameters": [
                q("data_set", int64(), true, "Data set id."),
                q("org_unit", int64(), true, "The area: its entering units are listed."),
                q("period", period(), true, "The period.")
            ],
            "responses": read_errors(json!({"200": ok("Completeness", "Completeness")}))
        }},
        "/api/v1/analytics": {"get": {
            "summary": "Pivot: indicators × units × periods from the rollups; approved figures only by default",
            "parameters": [
                q("indicators", json!({"type": "string", "maxLength": 400, "pattern": list(CODE)}), false, "Indicator codes, comma-separated (none: an empty answer)."),
                q("org_unit", int64(), false, "The unit; none: the whole country (administrators)."),
                q("level", json!({"type": "string", "enum": ["province", "district", "commune", "village", "site"]}), false, "Break down to the units of this level under `org_unit`; none: the unit itself."),
                q("periods", json!({"type": "string", "maxLength": 600, "pattern": list(PERIOD)}), false, "Periods, comma-separated: 2022-03, 2022-Q1, 2022-H1, 2022."),
                q("view", json!({"type": "string", "enum": ["as_was", "as_now"]}), false, "as_was (default): the hierarchy of each period; as_now: legacy units under their 2025 successors."),
                q("approved_only", json!({"type": "boolean"}), false, "Default true."),
                q("format", json!({"type": "string", "enum": ["json", "xlsx", "csv"]}), false, "xlsx or csv: the figures as a file.")
            ],
            "responses": read_errors(json!({"200": {"description": "The pivot, or the file", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Pivot"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}}}}}))
        }}
    })
}

pub fn schemas() -> Value {
    let s = |t: &str| json!({"type": t});
    let ns = |t: &str| json!({"type": [t, "null"]});
    let obj = json!({"type": "object"});
    let unit = json!({"type": "string", "enum": ["count", "percent", "money"]});
    let agg = json!({"type": "string", "enum": ["sum", "average", "last", "max"]});
    let period_type = json!({"type": "string", "enum": ["month", "quarter", "half", "year"]});
    let calendar = json!({"type": "string", "enum": ["months", "cut_off"]});
    let levels = json!({"type": "array", "items": {"type": "string", "enum": ["province", "district", "commune", "village", "site"]}});
    let approval = json!({"type": "object", "required": ["state", "levels_approved", "levels", "is_final", "is_open", "actions", "deadline", "overdue"], "properties": {
        "state": {"type": "string", "enum": ["draft", "returned", "submitted", "approved"]}, "label": s("string"),
        "levels_approved": s("integer"), "levels": {"type": "array", "items": s("string")},
        "is_final": s("boolean"), "is_open": s("boolean"), "actions": {"type": "array", "items": s("string")},
        "deadline": s("string"), "overdue": s("boolean")}});
    let data_set_props = json!({
        "id": s("integer"), "code": s("string"), "name": s("string"), "period_type": period_type.clone(),
        "calendar": calendar.clone(), "entry": s("string"), "deadline_days": s("integer"),
        "chain": {"type": "array", "items": s("string")}, "description": s("string"), "active": s("boolean")});
    let mut view_props = data_set_props.clone();
    if let Some(m) = view_props.as_object_mut() {
        m.insert(
            "indicators".into(),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}),
        );
        m.insert(
            "rules".into(),
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Rule"}}),
        );
    }
    json!({
        "Indicator": {"type": "object", "required": ["id", "code", "name", "unit", "aggregation", "allow_negative", "active"], "properties": {
            "id": s("integer"), "code": s("string"), "name": s("string"), "unit": unit.clone(), "aggregation": agg.clone(),
            "allow_negative": s("boolean"), "min_value": ns("number"), "max_value": ns("number"),
            "description": s("string"), "data_set_id": ns("integer"), "active": s("boolean")}},
        "IndicatorList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}, "total": s("integer")}},
        "IndicatorInput": {"type": "object", "additionalProperties": false, "required": ["code", "name", "unit", "aggregation"], "properties": {
            "code": code(), "name": s("string"), "unit": unit.clone(), "aggregation": agg.clone(), "allow_negative": s("boolean"),
            "min_value": ns("number"), "max_value": ns("number"), "description": s("string"), "active": ns("boolean")}},
        "IndicatorPatch": {"type": "object", "additionalProperties": false, "properties": {
            "name": ns("string"), "unit": {"type": ["string", "null"], "enum": ["count", "percent", "money", null]},
            "aggregation": {"type": ["string", "null"], "enum": ["sum", "average", "last", "max", null]},
            "allow_negative": ns("boolean"), "min_value": ns("number"), "max_value": ns("number"),
            "description": ns("string"), "active": ns("boolean")}},
        "DataSet": {"type": "object", "required": ["id", "code", "name", "period_type", "calendar", "entry", "chain"], "properties": data_set_props},
        "DataSetList": {"type": "object", "required": ["items", "total"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DataSet"}}, "total": s("integer")}},
        "DataSetView": {"type": "object", "required": ["id", "code", "name", "indicators", "rules"], "properties": view_props},
        "DataSetInput": {"type": "object", "additionalProperties": false, "required": ["code", "name", "period_type", "calendar", "entry", "approval_levels", "indicators"], "properties": {
            "code": code(), "name": s("string"), "period_type": period_type.clone(), "calendar": calendar.clone(), "entry": s("string"),
            "deadline_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 366}, "approval_levels": levels.clone(),
            "description": s("string"), "indicators": {"type": "array", "items": code()}, "active": ns("boolean")}},
        "DataSetPatch": {"type": "object", "additionalProperties": false, "properties": {
            "name": s("string"), "period_type": period_type, "calendar": calendar, "entry": s("string"),
            "deadline_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 366}, "approval_levels": levels,
            "description": s("string"), "indicators": {"type": "array", "items": code()}, "active": ns("boolean")}},
        "Rule": {"type": "object", "required": ["id", "data_set_id", "expression", "severity", "message", "active"], "properties": {
            "id": s("integer"), "data_set_id": s("integer"), "expression": s("string"),
            "severity": {"type": "string", "enum": ["error", "warning"]}, "message": s("string"), "active": s("boolean")}},
        "RuleList": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Rule"}}, "total": s("integer")}},
        "RuleInput": {"type": "object", "additionalProperties": false, "required": ["data_set", "expression", "severity", "message"], "properties": {
            "data_set": code(), "expression": s("string"), "severity": {"type": "string", "enum": ["error", "warning"]}, "message": s("string")}},
        "RulePatch": {"type": "object", "additionalProperties": false, "required": ["data_set", "expression", "severity", "message"], "properties": {
            "data_set": code(), "expression": s("string"), "severity": {"type": "string", "enum": ["error", "warning"]}, "message": s("string"),
            "active": ns("boolean")}},
        "ValueList": {"type": "array", "minItems": 1, "maxItems": crate::statistics::MAX_VALUES_PER_REQUEST, "items": {"type": "object", "additionalProperties": false,
            "required": ["indicator", "org_unit", "period", "value"], "properties": {
                "indicator": s("string"), "org_unit": int64(), "period": period(), "value": ns("number"), "comment": ns("string")}}},
        "ShareList": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {
            "type": "object", "required": ["id", "name", "is_default", "share"], "properties": {
                "id": int64(), "name": s("string"), "is_default": s("boolean"),
                "share": {"type": ["number", "null"]}}}}}},
        "SharesInput": {"type": "object", "required": ["shares"], "additionalProperties": false, "properties": {"shares": {
            "type": "array", "maxItems": 100, "items": {"type": "object", "required": ["to", "share"], "additionalProperties": false, "properties": {
                "to": int64(), "share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}}}}}},
        "WriteReport": {"type": "object", "required": ["written", "deleted", "unchanged"], "properties": {
            "written": s("integer"), "deleted": s("integer"), "unchanged": s("integer")}},
        "Form": {"type": "object", "required": ["set", "indicators", "unit", "period", "values", "approval", "problems"], "properties": {
            "set": {"$ref": "#/components/schemas/DataSet"}, "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}},
            "unit": obj.clone(), "period": s("string"),
            "values": {"type": "array", "items": {"type": "object", "required": ["indicator_id", "code"], "properties": {
                "indicator_id": s("integer"), "code": s("string"), "value": ns("number"), "comment": ns("string")}}},
            "approval": {"$ref": "#/components/schemas/Approval"},
            "problems": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationProblem"}}}},
        "ValidationProblem": {"type": "object", "required": ["severity", "message", "codes", "explained"], "properties": {
            "severity": {"type": "string", "enum": ["error", "warning"]}, "message": s("string"),
            "codes": {"type": "array", "items": s("string")}, "explained": s("boolean")}},
        "Approval": approval,
        "ApprovalInfo": {"type": "object", "required": ["approval", "problems", "history"], "properties": {
            "approval": {"$ref": "#/components/schemas/Approval"},
            "problems": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationProblem"}},
            "history": {"type": "array", "items": obj.clone()}}},
        "ApprovalInput": {"type": "object", "additionalProperties": false, "required": ["data_set", "org_unit", "period", "action"], "properties": {
            "data_set": int64(), "org_unit": int64(), "period": period(),
            "action": {"type": "string", "enum": ["submit", "withdraw", "approve", "return", "unapprove"]}, "reason": ns("string")}},
        "Completeness": {"type": "object", "required": ["data_set", "period", "deadline", "overdue", "items"], "properties": {
            "data_set": {"$ref": "#/components/schemas/DataSet"}, "period": s("string"), "deadline": s("string"), "overdue": s("boolean"),
            "items": {"type": "array", "items": {"type": "object", "required": ["org_unit_id", "name", "entered"], "properties": {
                "org_unit_id": s("integer"), "name": s("string"), "code": ns("string"), "entered": s("integer"),
                "state": ns("string"), "levels": ns("integer")}}}}},
        "Pivot": {"type": "object", "required": ["rows", "indicators", "units", "periods", "view", "approved_only"], "properties": {
            "rows": {"type": "array", "items": {"type": "object", "required": ["indicator", "org_unit_id", "period", "value"], "properties": {
                "indicator": s("string"), "org_unit_id": ns("integer"), "period": s("string"), "value": s("number")}}},
            "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}},
            "units": {"type": "array", "items": obj}, "periods": {"type": "array", "items": s("string")},
            "view": {"type": "string", "enum": ["as_was", "as_now"]}, "approved_only": s("boolean")}}
    })
}
