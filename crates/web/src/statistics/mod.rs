//! Periodic statistics over HTTP: definitions (indicators, data sets,
//! validation rules), entry and approval of figures, the completeness view,
//! and the analytics pivot with its files. Pages live in `pages.rs`; both
//! share the parsing here.

mod catalogue;
mod definitions;
pub mod files;
mod inbox;
mod pages;
mod shares;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::org_units::Level;
use domain::policy::Action;
use domain::statistics::{
    Aggregation, ApprovalAction, DataSet, DataSetInput, Indicator, IndicatorInput, Period,
    RuleInput, ValueInput, ValueUnit,
};
use domain::time::today;
use domain::Reason;
use serde::Deserialize;
use serde_json::json;
use store::statistics::values::{self, FormKey, ValueWrite, Who};
use store::statistics::{self, PivotQuery, View};

use domain::schema::{CodeList, PeriodList};

use crate::actor::Actor;
use crate::api::{FileFormat, List, Problem, XLSX};
use crate::catalogue::Workplace;
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::replica::Reads;
use crate::routes::Routes;
use crate::AppState;

/// Values one request may carry: a province's month is about 100 communes
/// × 30 indicators.
pub const MAX_VALUES_PER_REQUEST: usize = 10_000;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/indicators", indicators_api)
        .post("/api/v1/indicators", create_indicator_api)
        .get("/api/v1/indicators/{id}", indicator_api)
        .patch("/api/v1/indicators/{id}", patch_indicator_api)
        .put(
            "/api/v1/indicators/{id}/hidden",
            catalogue::hide_indicator_api,
        )
        .get("/api/v1/data-sets", data_sets_api)
        .post("/api/v1/data-sets", create_data_set_api)
        .get("/api/v1/data-sets/{id}", data_set_api)
        .patch("/api/v1/data-sets/{id}", patch_data_set_api)
        .put(
            "/api/v1/data-sets/{id}/hidden",
            catalogue::hide_data_set_api,
        )
        .get("/api/v1/validation-rules", rules_api)
        .post("/api/v1/validation-rules", create_rule_api)
        .patch("/api/v1/validation-rules/{id}", patch_rule_api)
        .put(
            "/api/v1/validation-rules/{id}/hidden",
            catalogue::hide_rule_api,
        )
        .get("/api/v1/data-values", form_api)
        .post("/api/v1/data-values", write_values_api)
        .upload("/api/v1/data-values/import", files::import_api)
        .get("/api/v1/approvals", approval_api)
        .post("/api/v1/approvals", act_api)
        .get("/api/v1/completeness", completeness_api)
        .get("/api/v1/analytics", analytics_api)
        .merge(pages::routes())
        .merge(inbox::routes())
        .merge(definitions::routes())
        .merge(shares::routes())
}

pub(crate) fn who(actor: &Actor) -> Who {
    Who {
        author: actor.author(),
        role: actor.user.role,
        scope: actor.scope(),
    }
}

fn path_id(raw: &str) -> Result<i64, ApiError> {
    forms::path_id(raw).map_err(|_| ApiError::not_found())
}

/// `data_set`, `org_unit` and `period` of a form, from a query string. A
/// form named without one of them does not exist (404); a malformed one is
/// refused (400).
fn form_key(f: &Fields) -> Result<FormKey, ApiError> {
    let (Some(set), Some(unit), Some(period)) =
        (f.i64("data_set")?, f.i64("org_unit")?, f.get("period"))
    else {
        return Err(ApiError::not_found());
    };
    Ok(FormKey {
        set,
        unit,
        period: Period::parse("period", period)?,
    })
}

/// The three parameters that name one form (data set × unit × period), as
/// `form_key` reads them; only described here.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct FormParams {
    /// Data set id.
    data_set: i64,
    /// Id of the unit that enters it.
    org_unit: i64,
    /// Period of the data set's type: 2026-03, 2026-Q1, 2026-H1 or 2026.
    period: Period,
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    inbox::api,
    indicators_api,
    create_indicator_api,
    indicator_api,
    patch_indicator_api,
    catalogue::hide_indicator_api,
    data_sets_api,
    create_data_set_api,
    data_set_api,
    patch_data_set_api,
    catalogue::hide_data_set_api,
    rules_api,
    create_rule_api,
    patch_rule_api,
    catalogue::hide_rule_api,
    form_api,
    write_values_api,
    files::import_api,
    shares::shares_api,
    shares::set_shares_api,
    approval_api,
    act_api,
    completeness_api,
    analytics_api
))]
pub struct Api;

// ---- definitions ------------------------------------------------------------

/// The indicators: the national catalogue's and the user's province's own
#[utoipa::path(get, path = "/api/v1/indicators", tag = "statistics",
    responses((status = 200, description = "Indicators", body = List<Indicator>)))]
async fn indicators_api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let items = statistics::indicators(&state.db, at.provinces()).await?;
    Ok(Json(List::all(items)).into_response())
}

/// One indicator (another province's is not found)
#[utoipa::path(get, path = "/api/v1/indicators/{id}", tag = "statistics", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Indicator", body = Indicator)))]
async fn indicator_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let i = catalogue::indicator_seen(&state, &at, path_id(&id)?).await?;
    Ok(Json(i).into_response())
}

/// Add an indicator to the national catalogue (admins) or a province's own (its staff); `data_set` puts it on that form
#[utoipa::path(post, path = "/api/v1/indicators", tag = "statistics", request_body = IndicatorInput,
    responses((status = 201, description = "Created", body = Indicator)))]
async fn create_indicator_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let input: IndicatorInput = forms::json(&body)?;
    let i = catalogue::save_indicator(&state, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(i)).into_response())
}

/// Edit an indicator; its code is fixed, its aggregation too once it has figures
#[utoipa::path(patch, path = "/api/v1/indicators/{id}", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = IndicatorPatch,
    responses((status = 200, description = "Saved", body = Indicator)))]
async fn patch_indicator_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let id = path_id(&id)?;
    let at = Workplace::of(&state, &actor).await?;
    let current = catalogue::indicator_seen(&state, &at, id).await?;
    let mut input = IndicatorInput {
        code: current.code.clone(),
        name: current.name.clone(),
        unit: current.unit.as_str().into(),
        aggregation: current.aggregation.as_str().into(),
        allow_negative: current.allow_negative,
        min_value: current.min_value,
        max_value: current.max_value,
        description: current.description.clone(),
        active: Some(current.active),
        computed: current.computed.map(|c| c.as_str().to_owned()),
        owner_id: None,
        data_set: None,
    };
    let patch: IndicatorPatch = forms::json(&body)?;
    patch.apply(&mut input);
    let i = catalogue::save_indicator(&state, &actor, Some(id), &input).await?;
    Ok(Json(i).into_response())
}

/// The fields of an indicator a patch may send; the code is fixed.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct IndicatorPatch {
    name: Option<String>,
    #[schema(value_type = Option<ValueUnit>)]
    unit: Option<String>,
    #[schema(value_type = Option<Aggregation>)]
    aggregation: Option<String>,
    allow_negative: Option<bool>,
    /// `null` clears the bound; absent keeps it.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    min_value: Option<Option<f64>>,
    /// `null` clears the bound; absent keeps it.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<f64>)]
    max_value: Option<Option<f64>>,
    description: Option<String>,
    active: Option<bool>,
    /// The register that computes it (`tips.received` …); `null` makes it
    /// typed again; absent keeps it. As on the indicator's page.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<domain::statistics::computed::Computed>)]
    computed: Option<Option<String>>,
}

impl IndicatorPatch {
    fn apply(self, i: &mut IndicatorInput) {
        i.name = self.name.unwrap_or(std::mem::take(&mut i.name));
        i.unit = self.unit.unwrap_or(std::mem::take(&mut i.unit));
        i.aggregation = self
            .aggregation
            .unwrap_or(std::mem::take(&mut i.aggregation));
        i.allow_negative = self.allow_negative.unwrap_or(i.allow_negative);
        i.min_value = self.min_value.unwrap_or(i.min_value);
        i.max_value = self.max_value.unwrap_or(i.max_value);
        i.description = self
            .description
            .unwrap_or(std::mem::take(&mut i.description));
        i.active = self.active.or(i.active);
        i.computed = self.computed.unwrap_or(i.computed.take());
    }
}

/// `null` clears a value; an absent field keeps it.
mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// The data sets: the national catalogue's and the user's province's own
#[utoipa::path(get, path = "/api/v1/data-sets", tag = "statistics",
    responses((status = 200, description = "Data sets", body = List<DataSet>)))]
async fn data_sets_api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let items = statistics::data_sets(&state.db, at.provinces()).await?;
    Ok(Json(List::all(items)).into_response())
}

/// One data set with the indicators and rules the user's lists show
#[utoipa::path(get, path = "/api/v1/data-sets/{id}", tag = "statistics", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "Data set", body = statistics::DataSetView)))]
async fn data_set_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let s = catalogue::data_set_seen(&state, &at, path_id(&id)?).await?;
    Ok(Json(s).into_response())
}

/// Add a data set with its indicators (each indicator belongs to one data set)
#[utoipa::path(post, path = "/api/v1/data-sets", tag = "statistics", request_body = DataSetInput,
    responses((status = 201, description = "Created", body = statistics::DataSetView)))]
async fn create_data_set_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let input: DataSetInput = forms::json(&body)?;
    let s = catalogue::save_data_set(&state, &actor, None, &input).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

/// Edit a data set (fields sent replace; `indicators` is the whole ordered list)
///
/// The body is a [`DataSetInput`] of which any field may be left out
/// (`DataSetPatch` in the document, made in `crate::openapi`).
#[utoipa::path(patch, path = "/api/v1/data-sets/{id}", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = DataSetInput,
    responses((status = 200, description = "Saved", body = statistics::DataSetView)))]
async fn patch_data_set_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let id = path_id(&id)?;
    let at = Workplace::of(&state, &actor).await?;
    let current = catalogue::data_set_seen(&state, &at, id).await?;
    let own = current.set.owner;
    let mut merged = json!({
        "code": current.set.code,
        "name": current.set.name,
        "period_type": current.set.period_type.as_str(),
        "calendar": current.set.calendar.as_str(),
        "entry": current.set.entry.as_str(),
        "deadline_days": current.set.deadline_days,
        "approval_levels": current.set.chain,
        "description": current.set.description,
        // Its own catalogue's indicators: provinces' additions stay where they are.
        "indicators": current.indicators.iter().filter(|i| i.owner == own).map(|i| i.code.clone()).collect::<Vec<_>>(),
        "active": current.set.active,
    });
    let patch: serde_json::Value = forms::json(&body)?;
    let (Some(obj), Some(p)) = (merged.as_object_mut(), patch.as_object()) else {
        return Err(ApiError::invalid("body", Reason::JsonObjectExpected));
    };
    for (k, v) in p {
        obj.insert(k.clone(), v.clone());
    }
    let input: DataSetInput = serde_json::from_value(merged).map_err(|e| {
        ApiError::invalid(
            "body",
            Reason::JsonInvalid {
                detail: e.to_string(),
            },
        )
    })?;
    let s = catalogue::save_data_set(&state, &actor, Some(id), &input).await?;
    Ok(Json(s).into_response())
}

/// The validation rules: the national catalogue's and the user's province's own
#[utoipa::path(get, path = "/api/v1/validation-rules", tag = "statistics",
    responses((status = 200, description = "Rules", body = List<statistics::RuleView>)))]
async fn rules_api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    let at = Workplace::of(&state, &actor).await?;
    let items = statistics::rules(&state.db, at.provinces()).await?;
    Ok(Json(List::all(items)).into_response())
}

/// Add a rule: an expression over the data set's indicator codes
#[utoipa::path(post, path = "/api/v1/validation-rules", tag = "statistics", request_body = RuleInput,
    responses((status = 201, description = "Created", body = statistics::RuleView)))]
async fn create_rule_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let input: RuleInput = forms::json(&body)?;
    let r = catalogue::save_rule(&state, &actor, None, &input, true).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct RulePatch {
    #[serde(flatten)]
    rule: RuleInput,
    active: Option<bool>,
}

/// Rewrite or retire a rule
#[utoipa::path(patch, path = "/api/v1/validation-rules/{id}", tag = "statistics", params(("id" = i64, Path, minimum = 1)), request_body = RulePatch,
    responses((status = 200, description = "Saved", body = statistics::RuleView)))]
async fn patch_rule_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageStatistics)?;
    let id = path_id(&id)?;
    let p: RulePatch = forms::json(&body)?;
    let r =
        catalogue::save_rule(&state, &actor, Some(id), &p.rule, p.active.unwrap_or(true)).await?;
    Ok(Json(r).into_response())
}

// ---- entry and approval -------------------------------------------------------

/// Parses values as sent; the store checks them against the database.
pub(crate) fn parse_values(items: &[ValueInput]) -> Result<Vec<ValueWrite>, ApiError> {
    if items.is_empty() || items.len() > MAX_VALUES_PER_REQUEST {
        return Err(ApiError::invalid(
            "values",
            Reason::ValueCount {
                max: MAX_VALUES_PER_REQUEST,
            },
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(n, v)| {
            let period = Period::parse("period", &v.period).map_err(|e| {
                ApiError::invalid(
                    "values",
                    Reason::ValueAt {
                        n: n + 1,
                        problem: e.reason,
                    },
                )
            })?;
            Ok(ValueWrite {
                indicator: v.indicator.trim().to_owned(),
                org_unit: v.org_unit,
                period,
                value: v.value,
                comment: v.comment.clone(),
            })
        })
        .collect()
}

/// Write values, all or none (value null deletes); rollups follow in the same transaction
#[utoipa::path(post, path = "/api/v1/data-values", tag = "statistics", request_body = Vec<ValueInput>,
    responses((status = 200, description = "Written", body = values::WriteReport)))]
async fn write_values_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let items: Vec<ValueInput> = forms::json(&body)?;
    let writes = parse_values(&items)?;
    let report = values::write(&state.db, who(&actor), &writes, today()).await?;
    Ok(Json(report).into_response())
}

/// One form: its values, approval state and validation problems
#[utoipa::path(get, path = "/api/v1/data-values", tag = "statistics", params(FormParams),
    responses(
        (status = 200, description = "The form", body = values::Form),
        (status = 404, description = "Unknown or out-of-scope data set, unit, indicator or form.", body = Problem),
    ))]
async fn form_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let key = form_key(&Fields::from_query(raw.as_deref()))?;
    let form = values::form(&state.db, who(&actor), key, today()).await?;
    Ok(Json(form).into_response())
}

/// A form's approval state, its problems and its history.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct ApprovalInfo {
    approval: values::ApprovalView,
    problems: Vec<values::Problem>,
    history: Vec<store::audit::Entry>,
}

/// A form's approval state, problems and history
#[utoipa::path(get, path = "/api/v1/approvals", tag = "statistics", params(FormParams),
    responses(
        (status = 200, description = "Approval", body = ApprovalInfo),
        (status = 404, description = "Unknown or out-of-scope data set, unit or form.", body = Problem),
    ))]
async fn approval_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let key = form_key(&Fields::from_query(raw.as_deref()))?;
    let form = values::form(&state.db, who(&actor), key, today()).await?;
    let history = values::approval_history(&state.db, key).await?;
    Ok(Json(ApprovalInfo {
        approval: form.approval,
        problems: form.problems,
        history,
    })
    .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ActInput {
    data_set: i64,
    org_unit: i64,
    #[schema(value_type = Period)]
    period: String,
    #[schema(value_type = ApprovalAction)]
    action: String,
    reason: Option<String>,
}

/// Submit, withdraw, approve, return or un-approve a form (return and un-approve need a reason)
#[utoipa::path(post, path = "/api/v1/approvals", tag = "statistics", request_body = ActInput,
    responses((status = 200, description = "New state", body = values::ApprovalView)))]
async fn act_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let input: ActInput = forms::json(&body)?;
    let key = FormKey {
        set: input.data_set,
        unit: input.org_unit,
        period: Period::parse("period", &input.period)?,
    };
    let action = ApprovalAction::parse("action", &input.action)?;
    let view = values::act(
        &state.db,
        who(&actor),
        key,
        action,
        input.reason.as_deref(),
        today(),
    )
    .await?;
    Ok(Json(view).into_response())
}

/// Which entering units under an area have entered, submitted, been approved.
#[derive(serde::Serialize, utoipa::ToSchema)]
struct Completeness {
    data_set: DataSet,
    period: Period,
    deadline: chrono::NaiveDate,
    overdue: bool,
    items: Vec<values::CompletenessRow>,
}

/// Which entering units under a unit have entered, submitted, been approved for a period
#[utoipa::path(get, path = "/api/v1/completeness", tag = "statistics",
    params(
        ("data_set" = i64, Query, description = "Data set id."),
        ("org_unit" = i64, Query, description = "The area: its entering units are listed."),
        ("period" = Period, Query, description = "The period."),
    ),
    responses(
        (status = 200, description = "Completeness", body = Completeness),
        (status = 404, description = "Unknown or out-of-scope data set or unit.", body = Problem),
    ))]
async fn completeness_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let key = form_key(&Fields::from_query(raw.as_deref()))?;
    let (set, rows) =
        values::completeness(&state.db, actor.scope(), key.set, key.unit, key.period).await?;
    let deadline = key.period.deadline(set.calendar, set.deadline_days);
    Ok(Json(Completeness {
        data_set: set,
        period: key.period,
        deadline,
        overdue: today() > deadline,
        items: rows,
    })
    .into_response())
}

// ---- analytics ----------------------------------------------------------------

/// The pivot's parameters, from a query string (API and page alike).
pub(crate) fn parse_pivot(f: &Fields) -> Result<PivotQuery, ApiError> {
    // `indicators=a,b` or `indicators=a&indicators=b` (a multiple select).
    let list = |k: &str| -> Vec<String> {
        f.all(k)
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let periods = match f.get("span").filter(|s| *s != "custom") {
        Some(span) => domain::statistics::period::span(span, domain::time::today())
            .ok_or_else(|| ApiError::invalid("span", Reason::ValueInvalid))?,
        None => list("periods")
            .iter()
            .map(|p| Period::parse("periods", p))
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(PivotQuery {
        indicators: list("indicators"),
        org_unit: f.i64("org_unit")?,
        level: f
            .get("level")
            .map(|l| Level::parse("level", l))
            .transpose()?,
        periods,
        view: f
            .get("view")
            .map(|v| View::parse("view", v))
            .transpose()?
            .unwrap_or_default(),
        approved_only: f.bool("approved_only")?.unwrap_or(true),
    })
}

/// Pivot: indicators × units × periods from the rollups; approved figures only by default
#[utoipa::path(get, path = "/api/v1/analytics", tag = "statistics",
    params(
        ("indicators" = Option<CodeList>, Query, description = "Indicator codes, comma-separated (none: an empty answer)."),
        ("org_unit" = Option<i64>, Query, description = "The unit; none: the whole country (administrators)."),
        ("level" = Option<Level>, Query, description = "Break down to the units of this level under `org_unit`; none: the unit itself."),
        ("periods" = Option<PeriodList>, Query, description = "Periods, comma-separated: 2022-03, 2022-Q1, 2022-H1, 2022."),
        ("span" = Option<domain::schema::Span>, Query, description = "Instead of periods, a span that moves with the calendar: years5, years3 (up to this year), months12, quarters4, halves4 (up to the last ended); custom: use periods."),
        ("view" = Option<View>, Query, description = "as_was (default): the hierarchy of each period; as_now: legacy units under their 2025 successors."),
        ("approved_only" = Option<bool>, Query, description = "Default true."),
        ("format" = Option<FileFormat>, Query, description = "xlsx or csv: the figures as a file."),
    ),
    responses(
        (status = 200, description = "The pivot, or the file",
            content((statistics::Pivot = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "Unknown or out-of-scope unit.", body = Problem),
    ))]
async fn analytics_api(
    Reads(reads): Reads,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(raw.as_deref());
    let q = parse_pivot(&f)?;
    let pivot = statistics::pivot::query(&reads, actor.scope(), &q).await?;
    match f.get("format") {
        None | Some("json") => Ok(Json(pivot).into_response()),
        Some(fmt) => files::export_pivot(&pivot, fmt),
    }
}
