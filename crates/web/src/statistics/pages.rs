//! The HTML pages of statistics: the overview with completeness, the entry
//! form with its approval, the analytics pivot (table, chart, map, files),
//! saved pivots on a dashboard, and the definitions.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::error::codes;
use domain::file::Done;
use domain::policy::Action;
use domain::statistics::{ApprovalAction, Period, ValueInput};
use domain::statistics::{DataSet, Indicator};
use domain::time::today;
use domain::Reason;
use files::{ChartKind, MapPoint, Series};
use minijinja::Value;
use serde::Serialize;
use store::statistics::values::{self, FormKey};
use store::statistics::{self, Pivot, PivotQuery};

use super::files::{import_file, period_values_sheet};
use super::{form_key, parse_pivot, parse_values, who};
use crate::actor::Actor;
use crate::downloads::file_of;
use crate::error::{page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::org_units::Area;
use crate::routes::Routes;
use crate::uploads;
use crate::uploads::MAX_IMPORT_BYTES;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/statistics", overview_page)
        .get("/statistics/entry", entry_page)
        .post("/statistics/entry", entry_form)
        .post("/statistics/approval", approval_form)
        .get("/statistics/analytics", analytics_page)
        .get("/statistics/dashboard", dashboard_page)
        .post("/statistics/pivots", save_pivot_form)
        .post("/statistics/pivots/{id}/delete", delete_pivot_form)
        .get("/statistics/import", import_page)
        .upload("/statistics/import", import_form)
        .post("/statistics/import/confirm", import_confirm_form)
        .get("/statistics/import/template", template_file)
}

pub(super) fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "statistics")
}

/// A page, answered 400 when it shows a refused input (`bad`).
fn render<P: PageContext>(state: &AppState, base: &Base, page: &P, bad: bool) -> Response {
    let mut r = state.templates.page(base, page);
    if bad {
        crate::templates::with_status(&mut r, axum::http::StatusCode::BAD_REQUEST);
    }
    r
}

#[derive(Serialize, Default)]
struct OverviewPage<'a> {
    sets: &'a [DataSet],
    set: Option<&'a DataSet>,
    period: Option<String>,
    period_label: Option<String>,
    unit: Option<i64>,
    areas: Vec<Area>,
    rows: Vec<values::CompletenessRow>,
    summary: Summary,
    deadline: Option<NaiveDate>,
    overdue: bool,
    indicator_count: usize,
    /// The periods offered: the recent ones of the set's type, newest first.
    periods: Vec<crate::vocabulary::Choice>,
    /// Only the units whose report is in this state (`waiting`, `late` …).
    state: Option<&'static str>,
}

/// The states the overview filters its units by.
const OVERVIEW_STATES: [&str; 4] = ["not_sent", "waiting", "approved", "returned"];

/// Whether a unit's line is in the state asked.
fn in_state(r: &values::CompletenessRow, state: &str) -> bool {
    matches!(
        (state, r.state.as_deref()),
        ("not_sent", None | Some("draft" | "returned"))
            | ("waiting", Some("submitted"))
            | ("approved", Some("approved"))
            | ("returned", Some("returned"))
    )
}

/// The periods a data set's overview offers: two years of months, eight
/// quarters, four halves or five years, up to the one under way, and the
/// one asked if older.
fn period_choices(set: &DataSet, asked: Option<Period>) -> Vec<crate::vocabulary::Choice> {
    let n = match set.period_type {
        domain::statistics::PeriodType::Month => 24,
        domain::statistics::PeriodType::Quarter => 8,
        domain::statistics::PeriodType::Half => 4,
        domain::statistics::PeriodType::Year => 5,
    };
    let mut out: Vec<Period> = Vec::new();
    let mut p = Period::containing(today(), set.period_type, set.calendar);
    while let Some(x) = p {
        if out.len() >= n {
            break;
        }
        out.push(x);
        p = x.previous();
    }
    if let Some(a) = asked.filter(|a| !out.contains(a)) {
        out.push(a);
    }
    out.iter()
        .map(|p| crate::vocabulary::Choice {
            code: p.to_string(),
            name: p.label_in(set.calendar),
        })
        .collect()
}

impl PageContext for OverviewPage<'_> {
    const TEMPLATE: &'static str = "statistics/overview.html";
}

/// How far the units under the one chosen have come this period.
#[derive(Serialize, Default)]
struct Summary {
    units: usize,
    entered: usize,
    submitted: usize,
    approved: usize,
}

#[derive(Serialize)]
struct EntryPage {
    form: values::Form,
    rows: Vec<EntryRow>,
    steps: Vec<Step>,
    saved: bool,
    /// The approval step just taken, said in words (`approval.done.*`).
    done: Option<&'static str>,
    /// The previous period's label, when its figures are shown beside.
    previous_label: Option<String>,
    /// Rows some check flags, for the approver's eye.
    flagged: usize,
    period: String,
    period_label: String,
    previous: Option<String>,
    next: Option<String>,
    error: Option<FormError>,
}

impl PageContext for EntryPage {
    const TEMPLATE: &'static str = "statistics/entry.html";
}

/// A line of the entry form: the indicator, its value, whether a rule
/// flags it, and the value as people write it.
#[derive(Serialize)]
struct EntryRow {
    i: Indicator,
    v: values::FormValue,
    flagged: bool,
    value_text: String,
    comment_text: String,
    /// The previous period's figure, as people write it.
    previous_text: Option<String>,
    /// The value typed cannot be read or was refused: marked and kept.
    invalid: bool,
    /// What computes it, for an indicator its register counts.
    source: Option<&'static str>,
}

/// What the entry page shows beside the form itself.
#[derive(Default)]
struct EntryShown {
    error: Option<ApiError>,
    saved: bool,
    done: Option<ApprovalAction>,
    /// A refused "save all": the fields as typed, shown again as typed.
    typed: Option<Fields>,
}

/// A step of the form's approval history.
#[derive(Serialize)]
struct Step {
    at: String,
    who: Option<String>,
    action: String,
    reason: Option<String>,
}

#[derive(Serialize)]
struct AnalyticsPage {
    indicators: Vec<Indicator>,
    areas: Vec<Area>,
    selected: Vec<String>,
    qs: String,
    f: Echo,
    rows_dim: &'static str,
    cols_dim: &'static str,
    levels: [&'static str; 3],
    /// The period spans offered (`stats.span.*`).
    spans: [&'static str; 5],
    table: Option<TableView>,
    charts: Vec<ChartView>,
    /// Indicators chosen beyond the charts drawn (the table holds them).
    more_indicators: usize,
    map: Option<Value>,
    count: Option<usize>,
    error: Option<FormError>,
}

impl PageContext for AnalyticsPage {
    const TEMPLATE: &'static str = "statistics/analytics.html";
}

/// The analytics filters (`f.*` in `statistics/analytics.html`).
const ANALYTICS_FILTERS: &[&str] = &[
    "org_unit",
    "level",
    "periods",
    "span",
    "view",
    "approved_only",
];

#[derive(Serialize)]
struct DashboardPage {
    items: Vec<SavedChart>,
}

impl PageContext for DashboardPage {
    const TEMPLATE: &'static str = "statistics/dashboard.html";
}

/// A saved pivot with its charts; `mine` when the user may delete it.
#[derive(Serialize)]
struct SavedChart {
    s: statistics::pivot::SavedPivot,
    mine: bool,
    charts: Vec<ChartView>,
}

/// The area a pivot is about, as its charts' titles name it.
async fn area_name(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    unit: Option<i64>,
) -> Result<String, ApiError> {
    Ok(match unit {
        None => crate::i18n::text(lang, "stats.country").to_owned(),
        Some(id) => store::org_units::get(&state.db, actor.scope(), id)
            .await?
            .map(|v| v.unit.name)
            .unwrap_or_default(),
    })
}

#[derive(Serialize)]
struct ImportPage<'a> {
    max_mb: usize,
    /// The file's columns, to name on the page.
    columns: Vec<&'static str>,
    /// What a confirmed file wrote.
    written: Option<domain::file::Written>,
    /// What an uploaded file would do, and the form that confirms it.
    shown: Option<uploads::PreviewShown>,
    #[serde(flatten)]
    rows: uploads::RowErrors<'a>,
}

impl PageContext for ImportPage<'_> {
    const TEMPLATE: &'static str = "statistics/import.html";
}

/// The period a data set is being reported for today: the last one that
/// has ended (figures are entered after the period closes).
fn current_period(set: &domain::statistics::DataSet) -> Option<Period> {
    Period::containing(today(), set.period_type, set.calendar).and_then(Period::previous)
}

/// The unit a scoped account looks at first: its first scope unit.
async fn default_unit(state: &AppState, actor: &Actor) -> Result<Option<i64>, ApiError> {
    Ok(store::accounts::scope_units(&state.db, actor.user.id)
        .await?
        .first()
        .map(|u| u.id))
}

// ---- overview and completeness ----------------------------------------------

async fn overview_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    match overview(&state, &actor, lang, raw.as_deref()).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn overview(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    raw: Option<&str>,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(raw);
    let at = crate::catalogue::Workplace::of(state, actor).await?;
    let sets = statistics::data_sets(&state.db, at.provinces()).await?;
    let set = match f.i64("data_set")? {
        Some(id) => sets
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(ApiError::not_found)?,
        None => match sets.iter().find(|s| s.active) {
            Some(s) => s,
            None => {
                let page = OverviewPage {
                    sets: &sets,
                    ..Default::default()
                };
                return Ok(render(
                    state,
                    &base(actor, lang, "/statistics"),
                    &page,
                    false,
                ));
            }
        },
    };
    // A period of another type (the data set was just changed): the
    // new set's current one instead.
    let period = match f.get("period") {
        Some(p) => match Period::parse("period", p)? {
            p if set.accepts(p) => Some(p),
            _ => current_period(set),
        },
        None => current_period(set),
    };
    let unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => match default_unit(state, actor).await? {
            Some(u) => Some(u),
            None => statistics::inbox::latest_province(&state.db, set.id).await?,
        },
    };
    let areas = crate::org_units::areas(state, actor).await?;
    // The period always fits the set (a period of another type fell back
    // to the set's current one above).
    let rows = match (unit, period) {
        (Some(u), Some(p)) => {
            values::completeness(&state.db, actor.scope(), set.id, u, p)
                .await?
                .1
        }
        _ => Vec::new(),
    };
    let deadline = period.map(|p| p.deadline(set.calendar, set.deadline_days));
    let indicator_count = statistics::data_set(&state.db, set.id)
        .await?
        .map(|v| v.indicators.len())
        .unwrap_or(0);
    let only = f
        .get("state")
        .and_then(|s| OVERVIEW_STATES.into_iter().find(|x| *x == s));
    let state_is = |s: &str| {
        rows.iter()
            .filter(|r| r.state.as_deref() == Some(s))
            .count()
    };
    let summary = Summary {
        units: rows.len(),
        entered: rows.iter().filter(|r| r.entered > 0).count(),
        submitted: state_is("submitted"),
        approved: state_is("approved"),
    };
    let mut rows = rows;
    if let Some(st) = only {
        rows.retain(|r| in_state(r, st));
    }
    let page = OverviewPage {
        periods: period_choices(set, period),
        state: only,
        sets: &sets,
        set: Some(set),
        period: period.map(|p| p.to_string()),
        period_label: period.map(Period::label),
        unit,
        areas,
        rows,
        summary,
        deadline,
        overdue: deadline.is_some_and(|d| today() > d),
        indicator_count,
    };
    let base = base(actor, lang, format!("/statistics?{}", f.query_string()));
    Ok(render(state, &base, &page, false))
}

// ---- entry form -------------------------------------------------------------

async fn entry_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Fields::from_query(raw.as_deref());
    let key = match form_key(&f) {
        Ok(k) => k,
        Err(e) => return page_error(lang, e),
    };
    let shown = EntryShown {
        saved: f.get("saved").is_some(),
        done: f
            .get("done")
            .and_then(|a| ApprovalAction::parse("done", a).ok()),
        ..EntryShown::default()
    };
    match entry(&state, &actor, lang, key, shown).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn entry(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    key: FormKey,
    shown: EntryShown,
) -> Result<Response, ApiError> {
    let form = values::form(&state.db, who(actor), key, today()).await?;
    let previous = previous_values(state, actor, key).await?;
    let steps: Vec<Step> = values::approval_history(&state.db, key)
        .await?
        .into_iter()
        .map(|h| {
            let reason = h
                .after_json
                .as_deref()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                .and_then(|v| v.get("reason").and_then(|r| r.as_str().map(str::to_owned)));
            Step {
                at: h.at,
                who: h.username,
                action: h.action,
                reason,
            }
        })
        .collect();
    let EntryShown {
        error,
        saved,
        done,
        typed,
    } = shown;
    let bad = error.is_some();
    // The indicator a refusal names (a bound, a negative figure).
    let refused = match error.as_ref().map(|e| e.reason.as_ref()) {
        Some(Reason::IndicatorValue { indicator, .. }) => Some(indicator.as_str()),
        _ => None,
    };
    let mut rows: Vec<EntryRow> = form
        .indicators
        .iter()
        .zip(&form.values)
        .map(|(i, v)| {
            let typed_value = typed.as_ref().and_then(|f| f.raw(&format!("v_{}", i.code)));
            let typed_comment = typed.as_ref().and_then(|f| f.raw(&format!("c_{}", i.code)));
            let unreadable = typed_value
                .as_deref()
                .is_some_and(|t| domain::file::parse_number(t).is_err());
            EntryRow {
                flagged: form.problems.iter().any(|p| p.codes.contains(&i.code)),
                // As people write it: 1.234 and 12,5 (what the form reads back).
                value_text: typed_value
                    .unwrap_or_else(|| v.value.map(files::chart_label).unwrap_or_default()),
                comment_text: typed_comment
                    .unwrap_or_else(|| v.comment.clone().unwrap_or_default()),
                previous_text: previous
                    .as_ref()
                    .and_then(|p| p.get(&i.code).copied())
                    .map(files::chart_label),
                invalid: unreadable || refused.is_some_and(|r| r == i.name || r == i.code),
                source: i.computed.map(|c| c.term().label(lang.into())),
                i: i.clone(),
                v: v.clone(),
            }
        })
        .collect();
    // An approver reads what the checks flag first.
    if form.approval.actions.contains(&"approve") {
        rows.sort_by_key(|r| !r.flagged);
    }
    let flagged = rows.iter().filter(|r| r.flagged).count();
    let path = format!(
        "/statistics/entry?data_set={}&org_unit={}&period={}",
        key.set, key.unit, key.period
    );
    let next = key
        .period
        .next()
        .filter(|p| p.first_day(form.set.calendar) <= today())
        .map(|p| p.to_string());
    let period_label = key.period.label_in(form.set.calendar);
    let previous_label = previous
        .as_ref()
        .and(key.period.previous())
        .map(|p| p.label_in(form.set.calendar));
    let page = EntryPage {
        form,
        rows,
        steps,
        saved,
        done: done.map(ApprovalAction::as_str),
        previous_label,
        flagged,
        period: key.period.to_string(),
        period_label,
        previous: key.period.previous().map(|p| p.to_string()),
        next,
        error: error.map(FormError::from),
    };
    Ok(render(state, &base(actor, lang, path), &page, bad))
}

/// The figures of the period before `key`'s, by indicator code; none when
/// the unit did not report then (a 2025 commune's first month).
async fn previous_values(
    state: &AppState,
    actor: &Actor,
    key: FormKey,
) -> Result<Option<HashMap<String, f64>>, ApiError> {
    let Some(period) = key.period.previous() else {
        return Ok(None);
    };
    let before = FormKey { period, ..key };
    match values::form(&state.db, who(actor), before, today()).await {
        Ok(form) => Ok(Some(
            form.values
                .into_iter()
                .filter_map(|v| v.value.map(|x| (v.code, x)))
                .collect(),
        )),
        Err(store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The whole form at once (without script): every field sent is written,
/// an empty one deletes its value.
async fn entry_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let key = match form_key(&f) {
        Ok(k) => k,
        Err(e) => return page_error(lang, e),
    };
    let result = async {
        if !actor.may(Action::EnterFigures) {
            return Err(ApiError::forbidden());
        }
        let form = values::form(&state.db, who(&actor), key, today()).await?;
        let mut items = Vec::new();
        // Computed figures have no field: the register keeps them.
        for i in form.indicators.iter().filter(|i| i.computed.is_none()) {
            let Some(raw) = f.raw(&format!("v_{}", i.code)) else {
                continue;
            };
            let value = domain::file::parse_number(&raw).map_err(|_| {
                ApiError::invalid(
                    "value",
                    Reason::IndicatorValue {
                        indicator: i.name.clone(),
                        problem: Box::new(Reason::NumberInvalid {
                            text: raw.chars().take(40).collect(),
                        }),
                    },
                )
            })?;
            items.push(ValueInput {
                indicator: i.code.clone(),
                org_unit: key.unit,
                period: key.period.to_string(),
                value,
                comment: f.raw(&format!("c_{}", i.code)),
            });
        }
        if items.is_empty() {
            return Ok(());
        }
        let writes = parse_values(&items)?;
        // Only what changed: a locked form with unchanged fields is no error.
        let changed: Vec<_> = writes
            .into_iter()
            .filter(|w| {
                form.values
                    .iter()
                    .find(|v| v.code == w.indicator)
                    .is_none_or(|v| {
                        v.value != w.value
                            || v.comment.as_deref().unwrap_or("")
                                != w.comment.as_deref().unwrap_or("").trim()
                    })
            })
            .collect();
        if !changed.is_empty() {
            values::write(&state.db, who(&actor), &changed, today()).await?;
        }
        Ok(())
    }
    .await;
    back_to_form(&state, &actor, lang, key, result, "&saved=1", Some(f)).await
}

/// After a form post: back to the entry page (with `suffix` on the
/// address), or the page again with the refusal beside it.
async fn back_to_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    key: FormKey,
    result: Result<(), ApiError>,
    suffix: &str,
    typed: Option<Fields>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!(
            "/statistics/entry?data_set={}&org_unit={}&period={}{suffix}",
            key.set, key.unit, key.period
        ))
        .into_response(),
        Err(e) if e.status == axum::http::StatusCode::BAD_REQUEST => {
            let shown = EntryShown {
                error: Some(e),
                typed,
                ..EntryShown::default()
            };
            entry(state, actor, lang, key, shown)
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

async fn approval_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let key = match form_key(&f) {
        Ok(k) => k,
        Err(e) => return page_error(lang, e),
    };
    let result = async {
        if !actor.may(Action::EnterFigures) {
            return Err(ApiError::forbidden());
        }
        let action = ApprovalAction::parse("action", f.get("action").unwrap_or_default())?;
        values::act(
            &state.db,
            who(&actor),
            key,
            action,
            f.get("reason"),
            today(),
        )
        .await?;
        Ok(action)
    }
    .await;
    let done = result
        .as_ref()
        .map(|a| format!("&done={}", a.as_str()))
        .unwrap_or_default();
    back_to_form(&state, &actor, lang, key, result.map(|_| ()), &done, None).await
}

// ---- analytics ----------------------------------------------------------------

/// Which dimension runs along the table's rows or columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    Indicator,
    Area,
    Period,
}

impl Dim {
    fn parse(s: Option<&str>, default: Dim) -> Dim {
        match s {
            Some("indicator") => Dim::Indicator,
            Some("area") => Dim::Area,
            Some("period") => Dim::Period,
            _ => default,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Dim::Indicator => "indicator",
            Dim::Area => "area",
            Dim::Period => "period",
        }
    }
}

/// The pivot laid out as a table: column headers, and rows with a label
/// per row dimension and a cell per column.
struct Table {
    columns: Vec<String>,
    rows: Vec<(Vec<String>, Vec<Option<f64>>)>,
}

fn layout(p: &Pivot, row_dim: Dim, col_dim: Dim) -> Table {
    let unit_name: HashMap<Option<i64>, String> = p
        .units
        .iter()
        .map(|u| (Some(u.id), u.name.clone()))
        .chain([(None, "Toàn quốc".to_owned())])
        .collect();
    let ind_name: HashMap<&str, &str> = p
        .indicators
        .iter()
        .map(|i| (i.code.as_str(), i.name.as_str()))
        .collect();
    // Order of each dimension's values: as asked (indicators, periods) or
    // in Vietnamese order (units).
    let mut areas: Vec<Option<i64>> = if p.units.is_empty() {
        vec![None]
    } else {
        p.units.iter().map(|u| Some(u.id)).collect()
    };
    areas.retain(|a| p.rows.iter().any(|r| r.org_unit_id == *a));
    let keys = |d: Dim| -> Vec<String> {
        match d {
            Dim::Indicator => p.indicators.iter().map(|i| i.code.clone()).collect(),
            Dim::Area => areas
                .iter()
                .map(|a| a.map_or("".into(), |i| i.to_string()))
                .collect(),
            Dim::Period => p.periods.iter().map(Period::to_string).collect(),
        }
    };
    let label = |d: Dim, k: &str| -> String {
        match d {
            Dim::Indicator => ind_name.get(k).map_or(k.to_owned(), |s| (*s).to_owned()),
            Dim::Area => unit_name
                .get(&k.parse::<i64>().ok())
                .cloned()
                .unwrap_or_else(|| k.to_owned()),
            Dim::Period => Period::parse("p", k)
                .map(Period::label)
                .unwrap_or_else(|_| k.to_owned()),
        }
    };
    let rest = [Dim::Indicator, Dim::Area, Dim::Period]
        .into_iter()
        .find(|d| *d != row_dim && *d != col_dim)
        .unwrap_or(Dim::Period);
    let key_of = |r: &store::statistics::PivotRow, d: Dim| -> String {
        match d {
            Dim::Indicator => r.indicator.clone(),
            Dim::Area => r.org_unit_id.map_or("".into(), |i| i.to_string()),
            Dim::Period => r.period.to_string(),
        }
    };
    let mut cells: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &p.rows {
        cells.insert(
            (key_of(r, row_dim), key_of(r, rest), key_of(r, col_dim)),
            r.value,
        );
    }
    let cols = keys(col_dim);
    let mut rows = Vec::new();
    for a in keys(row_dim) {
        for b in keys(rest) {
            let line: Vec<Option<f64>> = cols
                .iter()
                .map(|c| cells.get(&(a.clone(), b.clone(), c.clone())).copied())
                .collect();
            if line.iter().any(Option::is_some) {
                rows.push((vec![label(row_dim, &a), label(rest, &b)], line));
            }
        }
    }
    Table {
        columns: cols.iter().map(|c| label(col_dim, c)).collect(),
        rows,
    }
}

async fn analytics_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    match analytics(&state, &actor, lang, raw.as_deref()).await {
        Ok(r) => r,
        Err(e) => page_error(lang, e),
    }
}

async fn analytics(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    raw: Option<&str>,
) -> Result<Response, ApiError> {
    let mut f = Fields::from_query(raw);
    let at = crate::catalogue::Workplace::of(state, actor).await?;
    let indicators = statistics::indicators(&state.db, at.provinces()).await?;
    let areas = crate::org_units::areas(state, actor).await?;
    let scope_units = store::accounts::scope_units(&state.db, actor.user.id).await?;
    if f.get("indicators").is_none() {
        // A first look: an indicator with figures, the last five years, by
        // the areas one level down (the provinces for the whole country).
        let first = statistics::indicator_with_figures(&state.db)
            .await?
            .or_else(|| indicators.first().map(|i| i.code.clone()));
        let mut q = vec![
            ("indicators".to_owned(), first.unwrap_or_default()),
            ("span".to_owned(), "years5".to_owned()),
            ("view".to_owned(), "as_now".to_owned()),
        ];
        match (f.i64("org_unit").ok().flatten(), scope_units.first()) {
            // A unit's page asks for its own figures.
            (Some(asked), _) => q.push(("org_unit".into(), asked.to_string())),
            (None, Some(u)) => {
                q.push(("org_unit".into(), u.id.to_string()));
                let below = if u.level == "province" {
                    "commune"
                } else {
                    "village"
                };
                q.push(("level".into(), below.into()));
            }
            (None, None) => q.push(("level".into(), "province".into())),
        }
        f = Fields::from_pairs(q);
    } else if f.get("org_unit").is_none() {
        // Scoped accounts look at their own area unless they choose one.
        if let Some(u) = scope_units.first() {
            let mut pairs: Vec<(String, String)> = f.pairs().to_vec();
            pairs.push(("org_unit".into(), u.id.to_string()));
            f = Fields::from_pairs(pairs);
        }
    }
    let query = parse_pivot(&f);
    let row_dim = Dim::parse(f.get("rows"), Dim::Area);
    let col_dim = match Dim::parse(f.get("cols"), Dim::Period) {
        c if c == row_dim => [Dim::Period, Dim::Area, Dim::Indicator]
            .into_iter()
            .find(|d| *d != row_dim)
            .unwrap_or(Dim::Period),
        c => c,
    };
    let (pivot, error) = match query {
        Err(e) => (None, Some(e)),
        Ok(q) => match statistics::pivot::query(&state.db, actor.scope(), &q).await {
            Ok(p) => (Some(p), None),
            Err(e) => {
                let e: ApiError = e.into();
                if e.status != axum::http::StatusCode::BAD_REQUEST {
                    return Err(e);
                }
                (None, Some(e))
            }
        },
    };
    let qs = f.query_string();
    let area = area_name(state, actor, lang, f.i64("org_unit").ok().flatten()).await?;
    let (table, charts, map) = match &pivot {
        Some(p) => {
            let t = layout(p, row_dim, col_dim);
            (Some(table_ctx(&t)), charts(p, &area), map_svg(p))
        }
        None => (None, Vec::new(), None),
    };
    let selected: Vec<String> = f
        .all("indicators")
        .flat_map(|s| s.split(','))
        .map(|s| s.trim().to_owned())
        .collect();
    let bad = error.is_some();
    let base = base(actor, lang, format!("/statistics/analytics?{qs}"));
    let page = AnalyticsPage {
        indicators,
        areas,
        selected,
        qs,
        f: Echo::of(&f, ANALYTICS_FILTERS),
        rows_dim: row_dim.as_str(),
        cols_dim: col_dim.as_str(),
        levels: ["province", "commune", "village"],
        spans: domain::statistics::period::SPANS,
        table,
        charts,
        more_indicators: pivot
            .as_ref()
            .map(|p| p.indicators.len().saturating_sub(MAX_CHARTS))
            .unwrap_or(0),
        map: map.map(Value::from_safe_string),
        count: pivot.as_ref().map(|p| p.rows.len()),
        error: error.map(FormError::from),
    };
    Ok(render(state, &base, &page, bad))
}

/// The pivot's table as the page shows it: figures as people write them.
#[derive(Serialize)]
struct TableView {
    columns: Vec<String>,
    rows: Vec<TableRow>,
}

#[derive(Serialize)]
struct TableRow {
    labels: Vec<String>,
    cells: Vec<Option<String>>,
}

fn table_ctx(t: &Table) -> TableView {
    let rows = t
        .rows
        .iter()
        .map(|(labels, cells)| TableRow {
            labels: labels.clone(),
            cells: cells.iter().map(|c| c.map(files::chart_label)).collect(),
        })
        .collect();
    TableView {
        columns: t.columns.clone(),
        rows,
    }
}

/// The most charts one pivot draws (one per indicator).
const MAX_CHARTS: usize = 6;
/// Areas drawn as lines over time, and as bars for one period.
const TOP_LINES: usize = 8;
const TOP_BARS: usize = 30;

/// One chart of the analytics page: what it shows, said in its title, and
/// how much of the pivot it leaves out.
#[derive(Serialize)]
struct ChartView {
    /// What it shows, also written above the drawing on a phone (where the
    /// drawing scrolls sideways).
    title: String,
    svg: Value,
    /// "8 / 134 đơn vị có số liệu lớn nhất kỳ cuối"
    shown: Option<(usize, usize)>,
}

/// The pivot as small multiples: one chart per indicator, so that each
/// has its own scale. Over several periods, a line per area (the largest
/// in the last period); for one period, a bar per area, largest first.
fn charts(p: &Pivot, area: &str) -> Vec<ChartView> {
    let periods: Vec<Period> = p.periods.clone();
    let whole: [(Option<i64>, String); 1] = [(None, area.to_owned())];
    let units: Vec<(Option<i64>, String)> = if p.units.is_empty() {
        whole.to_vec()
    } else {
        p.units
            .iter()
            .map(|u| (Some(u.id), u.name.clone()))
            .collect()
    };
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) if a != b => format!("{} – {}", a.label(), b.label()),
        (Some(a), _) => a.label(),
        _ => String::new(),
    };
    // Read once: a province's communes × months × indicators is tens of
    // thousands of cells, each looked up by every chart.
    let cells: HashMap<(&str, Option<i64>, Period), f64> = p
        .rows
        .iter()
        .map(|r| ((r.indicator.as_str(), r.org_unit_id, r.period), r.value))
        .collect();
    let mut out = Vec::new();
    for i in p.indicators.iter().take(MAX_CHARTS) {
        let value = |u: Option<i64>, per: Period| cells.get(&(i.code.as_str(), u, per)).copied();
        let Some(last) = periods.last().copied() else {
            continue;
        };
        let mut ranked: Vec<&(Option<i64>, String)> = units
            .iter()
            .filter(|(u, _)| periods.iter().any(|per| value(*u, *per).is_some()))
            .collect();
        ranked.sort_by(|a, b| {
            let (x, y) = (
                value(a.0, last).unwrap_or(f64::MIN),
                value(b.0, last).unwrap_or(f64::MIN),
            );
            y.total_cmp(&x)
        });
        let total = ranked.len();
        let title = format!("{} · {area} · {span}", i.name);
        let svg = if periods.len() > 1 {
            ranked.truncate(TOP_LINES);
            let series: Vec<Series> = ranked
                .iter()
                .map(|(u, name)| Series {
                    name: name.clone(),
                    values: periods.iter().map(|per| value(*u, *per)).collect(),
                })
                .collect();
            let categories: Vec<String> = periods.iter().map(|per| per.short_label()).collect();
            files::chart(&title, &categories, &series, ChartKind::Lines, 640, 380)
        } else {
            ranked.truncate(TOP_BARS);
            let categories: Vec<String> = ranked.iter().map(|(_, n)| n.clone()).collect();
            let series = [Series {
                name: i.name.clone(),
                values: ranked.iter().map(|(u, _)| value(*u, last)).collect(),
            }];
            files::chart(&title, &categories, &series, ChartKind::Bars, 640, 380)
        };
        let limit = if periods.len() > 1 {
            TOP_LINES
        } else {
            TOP_BARS
        };
        out.push(ChartView {
            title,
            svg: Value::from_safe_string(svg),
            shown: (total > limit).then_some((limit, total)),
        });
    }
    out
}

/// One circle per area for the first indicator in the last period asked.
fn map_svg(p: &Pivot) -> Option<String> {
    let first = p.indicators.first()?;
    let last = p.periods.iter().max()?;
    let points: Vec<MapPoint> = p
        .units
        .iter()
        .filter_map(|u| {
            let v = p.rows.iter().find(|r| {
                r.org_unit_id == Some(u.id) && r.indicator == first.code && r.period == *last
            })?;
            Some(MapPoint {
                lat: u.lat?,
                lon: u.lon?,
                value: v.value.round() as i64,
                label: u.name.clone(),
                href: None,
            })
        })
        .collect();
    if points.len() < 2 {
        return None;
    }
    Some(files::bubble_map(
        &points,
        &format!("{} — {}", first.name, last.label()),
        &first.name,
        640,
        520,
    ))
}

// ---- saved pivots and the dashboard -----------------------------------------

async fn save_pivot_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let result = async {
        let Some(name) = f.get("name") else {
            return Err(ApiError::invalid("name", Reason::SavedPivotNameMissing));
        };
        let qs = f.raw("query").unwrap_or_default();
        let q: PivotQuery = parse_pivot(&Fields::from_query(Some(&qs)))?;
        // Running it checks the unit is in scope and the query is sound.
        statistics::pivot::query(&state.db, actor.scope(), &q).await?;
        let shared = f.get("shared").is_some();
        statistics::pivot::save(
            &state.db,
            actor.author(),
            actor.user.id,
            name,
            &q,
            &qs,
            shared,
        )
        .await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/statistics/dashboard").into_response(),
        Err(e) => page_error(lang, e),
    }
}

async fn delete_pivot_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let id = forms::path_id(&id).map_err(|_| ApiError::not_found())?;
        let owner = (!actor.user.role.is_unscoped()).then_some(actor.user.id);
        statistics::pivot::delete_saved(&state.db, actor.author(), id, owner).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to("/statistics/dashboard").into_response(),
        Err(e) => page_error(lang, e),
    }
}

async fn dashboard_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    let result = async {
        let saved = statistics::pivot::saved(&state.db, actor.user.id, actor.scope()).await?;
        let mut items = Vec::new();
        for s in saved {
            let f = Fields::from_query(Some(&s.query));
            let charts = match parse_pivot(&f) {
                Ok(q) => match statistics::pivot::query(&state.db, actor.scope(), &q).await {
                    Ok(p) => charts(&p, &area_name(&state, &actor, lang, q.org_unit).await?),
                    Err(_) => Vec::new(),
                },
                Err(_) => Vec::new(),
            };
            let mine = s.owner_id == actor.user.id || actor.user.role.is_unscoped();
            items.push(SavedChart { s, mine, charts });
        }
        let base = base(&actor, lang, "/statistics/dashboard");
        Ok::<_, ApiError>(render(&state, &base, &DashboardPage { items }, false))
    }
    .await;
    result.unwrap_or_else(|e| page_error(lang, e))
}

// ---- bulk entry from a file ---------------------------------------------------

/// The draft register of the figures import (`store::drafts`).
const DRAFTS: &str = "data_values";

async fn import_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    if let Err(e) = actor.require(Action::EnterFigures) {
        return page_error(lang, e);
    }
    render_import(&state, &actor, lang, None)
}

/// The import page: the form, and what the last file did or would do.
fn render_import(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    outcome: Option<(uploads::PageOutcome<Done<domain::file::Written>>, String)>,
) -> Response {
    let action = "/statistics/import/confirm";
    let shown = outcome
        .as_ref()
        .map(|(o, draft)| o.shown(draft, action, Clone::clone));
    let status = shown.as_ref().map_or(StatusCode::OK, |s| s.status);
    let page = ImportPage {
        max_mb: MAX_IMPORT_BYTES / 1024 / 1024,
        columns: domain::statistics::file::COLUMNS
            .iter()
            .map(|(_, h, _)| *h)
            .collect(),
        written: shown.as_ref().and_then(|s| s.written.clone()),
        shown: shown.and_then(|s| s.preview),
        rows: outcome.as_ref().map(|(o, _)| o.rows()).unwrap_or_default(),
    };
    let base = base(actor, lang, "/statistics/import");
    let mut res = render(state, &base, &page, false);
    crate::templates::with_status(&mut res, status);
    res
}

/// A file of figures uploaded on the page: kept, checked and previewed.
async fn import_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    req: Request,
) -> Response {
    if let Err(e) = actor.require(Action::EnterFigures) {
        return page_error(lang, e);
    }
    let who = who(&actor);
    let none = |_: &Fields| Ok(String::new());
    let (r, draft, _) = uploads::previewed(
        &state,
        req,
        (actor.user.id, DRAFTS),
        none,
        |bytes, mode, _| {
            let state = &state;
            async move { import_file(&state.db, who, &state.parses, bytes, &mode).await }
        },
    )
    .await;
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => render_import(&state, &actor, lang, Some((o, draft))),
        Err(e) => page_error(lang, e),
    }
}

/// The confirmation of a preview: written only if the kept file still
/// does what the preview showed.
async fn import_confirm_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::EnterFigures) {
        return page_error(lang, e);
    }
    let who = who(&actor);
    let (r, kept, _) =
        uploads::confirmed(&state, (actor.user.id, DRAFTS), &body, |bytes, mode, _| {
            let state = &state;
            async move { import_file(&state.db, who, &state.parses, bytes, &mode).await }
        })
        .await;
    match uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => render_import(&state, &actor, lang, Some((o, kept))),
        Err(e) => page_error(lang, e),
    }
}

/// `/statistics/import/template?data_set=&org_unit=&period=&format=`: the
/// period's figures of the entering units under a unit, in the import's
/// columns, to fill in and upload.
async fn template_file(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(raw.as_deref());
    let key = form_key(&f)?;
    let fmt = f.get("format").unwrap_or("xlsx");
    if !matches!(fmt, "xlsx" | "csv") {
        return Err(ApiError::invalid(
            "format",
            Reason::FormatUnknown {
                allowed: vec![codes::XLSX, codes::CSV],
            },
        ));
    }
    let sheet =
        values::period_sheet(&state.db, actor.scope(), key.set, key.unit, key.period).await?;
    if !sheet.set.accepts(key.period) {
        return Err(ApiError::invalid(
            "period",
            Reason::PeriodOfOtherType {
                data_set: sheet.set.code.clone(),
                period_type: sheet.set.period_type.term(),
                period: key.period.to_string(),
            },
        ));
    }
    let name = format!("so-lieu-{}-{}", sheet.set.code, key.period).replace('_', "-");
    file_of(&period_values_sheet(&sheet, key.period), &name, fmt)
}
