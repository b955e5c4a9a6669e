//! The definitions on pages: the list, and the forms that add and edit
//! indicators, data sets and validation rules (admins and province staff;
//! the same checks as the API). A refused form comes back with what was
//! typed and the field at fault.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::catalogue::Owner;
use domain::policy::Action;
use domain::statistics::{
    Aggregation, Calendar, Computed, DataSet, DataSetInput, Indicator, IndicatorInput, PeriodType,
    RuleInput, ValueUnit,
};
use domain::vocabulary::Vocabulary;
use domain::Reason;
use serde::Serialize;
use store::statistics::{self, DataSetView};

use super::path_id;
use crate::actor::Actor;
use crate::catalogue::{HiddenInput, Workplace};
use crate::error::{page_error, ApiError};
use crate::forms::{Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{FormError, PageContext};
use crate::routes::Routes;
use crate::AppState;
use domain::catalogue::Catalogue as Listing;

pub fn routes() -> Routes {
    Routes::new()
        .get("/statistics/definitions", list_page)
        .get("/statistics/indicators/new", new_indicator)
        .post("/statistics/indicators", create_indicator)
        .get("/statistics/indicators/{id}", edit_indicator)
        .post("/statistics/indicators/{id}", save_indicator)
        .get("/statistics/data-sets/new", new_set)
        .post("/statistics/data-sets", create_set)
        .get("/statistics/data-sets/{id}", edit_set)
        .post("/statistics/data-sets/{id}", save_set)
        .get("/statistics/validation-rules/new", new_rule)
        .post("/statistics/validation-rules", create_rule)
        .get("/statistics/validation-rules/{id}", edit_rule)
        .post("/statistics/validation-rules/{id}", save_rule)
        .post("/statistics/hidden", hide_page)
}

async fn list_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    let result = async {
        let at = Workplace::of(&state, &actor).await?;
        let mut sets = Vec::new();
        for s in statistics::data_sets(&state.db, at.provinces()).await? {
            sets.push(super::catalogue::data_set_seen(&state, &at, s.id).await?);
        }
        let loose: Vec<_> = statistics::indicators(&state.db, at.provinces())
            .await?
            .into_iter()
            .filter(|i| i.data_set_id.is_none())
            .collect();
        let owners = store::catalogue::provinces(&state.db, None)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.name))
            .collect();
        // What the user's one province hid, and whether they may hide.
        let mut hidden = Vec::new();
        let province = at.single();
        if let Some(p) = province {
            for c in [
                Listing::Indicator,
                Listing::DataSet,
                Listing::ValidationRule,
            ] {
                let h = store::catalogue::Hidden::load_db(&state.db, c).await?;
                hidden.extend(h.ids_of(p).map(|id| format!("{}:{id}", c.as_str())));
            }
        }
        let may_hide = province.is_some_and(|p| at.may_hide(&actor, Action::ManageStatistics, p));
        let base = super::pages::base(&actor, lang, "/statistics/definitions");
        let page = ListPage {
            sets,
            loose,
            owners,
            hidden,
            may_hide,
            labels: crate::vocabulary::Labels::load(&state).await?,
        };
        Ok::<_, ApiError>(state.templates.page(&base, &page))
    }
    .await;
    result.unwrap_or_else(|e| page_error(lang, e))
}

#[derive(Serialize)]
struct ListPage {
    sets: Vec<DataSetView>,
    /// Indicators in no data set.
    loose: Vec<Indicator>,
    /// Province names by id, for entries a province owns.
    owners: std::collections::HashMap<String, String>,
    /// National entries the user's province hid: `indicator:12` …
    hidden: Vec<String>,
    /// Whether the user hides and shows national entries for their province.
    may_hide: bool,
    /// The names of kinds of place sets are entered at.
    labels: crate::vocabulary::Labels,
}

/// Hides a national entry for the user's province, or shows it again, from
/// the definitions list.
async fn hide_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageStatistics) {
        return page_error(lang, e);
    }
    let f = Fields::parse(&body);
    let result = async {
        let catalogue = match f.get("catalogue") {
            Some("indicator") => Listing::Indicator,
            Some("data_set") => Listing::DataSet,
            Some("validation_rule") => Listing::ValidationRule,
            _ => return Err(ApiError::invalid("catalogue", Reason::ValueInvalid)),
        };
        let id = f
            .i64("id")?
            .ok_or_else(|| ApiError::invalid("id", Reason::RequiredEntry))?;
        let input = HiddenInput {
            hidden: f.get("hidden") == Some("1"),
            province_id: None,
        };
        super::catalogue::hide(&state, &actor, catalogue, id, &input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to("/statistics/definitions").into_response(),
        Err(e) => page_error(lang, e),
    }
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "statistics/definitions.html";
}

#[derive(Serialize)]
struct FormPage {
    what: &'static str,
    id: Option<i64>,
    /// The fields shown: the stored definition, or what was sent
    /// (`approval_levels`: every level ticked).
    v: Echo,
    action: String,
    error: Option<FormError>,
    sets: Vec<DataSet>,
    options: Options,
    /// Whose catalogue a new entry may go to: empty code for the national
    /// one (administrators), else a province.
    owners: Vec<OwnerChoice>,
    /// Shown, not changed: another catalogue's entry.
    read_only: bool,
}

#[derive(Serialize)]
struct OwnerChoice {
    code: String,
    name: String,
}

impl PageContext for FormPage {
    const TEMPLATE: &'static str = "statistics/definition.html";
}

/// Which definition a form is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Indicator,
    DataSet,
    Rule,
}

impl What {
    fn as_str(self) -> &'static str {
        match self {
            What::Indicator => "indicator",
            What::DataSet => "data_set",
            What::Rule => "rule",
        }
    }

    fn path(self) -> &'static str {
        match self {
            What::Indicator => "/statistics/indicators",
            What::DataSet => "/statistics/data-sets",
            What::Rule => "/statistics/validation-rules",
        }
    }

    /// The form's fields (`v.*` in `statistics/definition.html`).
    fn fields(self) -> &'static [&'static str] {
        match self {
            What::Indicator => &[
                "code",
                "name",
                "unit",
                "aggregation",
                "allow_negative",
                "min_value",
                "max_value",
                "description",
                "active",
                "computed",
                "owner_id",
                "join",
            ],
            What::DataSet => &[
                "code",
                "name",
                "period_type",
                "calendar",
                "entry",
                "deadline_days",
                "description",
                "indicators",
                "active",
                "owner_id",
            ],
            What::Rule => &[
                "data_set",
                "expression",
                "severity",
                "message",
                "active",
                "owner_id",
            ],
        }
    }
}

/// A definition's form fields to show, the approval levels ticked among them.
fn echo(f: &Fields, what: What) -> Echo {
    Echo::of(f, what.fields()).with_all(f, "approval_levels")
}

/// A choice a form offers: its code and the catalogue key of its label,
/// or its name where a list kept as data names it (kinds of place).
#[derive(Serialize)]
struct Choice {
    code: String,
    key: String,
    name: Option<String>,
}

#[derive(Serialize)]
struct Options {
    units: Vec<Choice>,
    aggregations: Vec<Choice>,
    computed: Vec<Choice>,
    period_types: Vec<Choice>,
    calendars: Vec<Choice>,
    entries: Vec<Choice>,
    levels: Vec<Choice>,
}

/// The choices the forms offer; `kinds` are the kinds of place the user's
/// lists hold, whose sites may enter a data set.
fn options(kinds: &domain::vocabulary::Words) -> Options {
    let pairs = |items: Vec<(&'static str, String)>| -> Vec<Choice> {
        items
            .into_iter()
            .map(|(code, key)| Choice {
                code: code.into(),
                key,
                name: None,
            })
            .collect()
    };
    let mut entries = pairs(vec![
        ("commune", "level.commune".to_string()),
        ("village", "level.village".to_string()),
    ]);
    entries.extend(
        crate::vocabulary::choices(kinds)
            .into_iter()
            .map(|c| Choice {
                code: c.code,
                key: String::new(),
                name: Some(c.name),
            }),
    );
    Options {
        units: pairs(
            ValueUnit::ALL
                .iter()
                .map(|u| (u.as_str(), format!("unit.{}", u.as_str())))
                .collect(),
        ),
        aggregations: pairs(
            Aggregation::ALL
                .iter()
                .map(|a| (a.as_str(), format!("aggregation.{}", a.as_str())))
                .collect(),
        ),
        computed: pairs(
            std::iter::once(("", "stats.computed.none".to_string()))
                .chain(
                    Computed::ALL
                        .iter()
                        .map(|c| (c.as_str(), format!("stats.computed.{}", c.as_str()))),
                )
                .collect(),
        ),
        period_types: pairs(
            PeriodType::ALL
                .iter()
                .map(|p| (p.as_str(), format!("period_type.{}", p.as_str())))
                .collect(),
        ),
        calendars: pairs(
            Calendar::ALL
                .iter()
                .map(|c| (c.as_str(), format!("stats.calendar.{}", c.as_str())))
                .collect(),
        ),
        entries,
        levels: pairs(
            ["village", "commune", "district", "province"]
                .iter()
                .map(|l| (*l, format!("level.{l}")))
                .collect(),
        ),
    }
}

/// How a form is shown: with the refusal of what was sent, or read only
/// (an entry of a catalogue the user does not keep: a national one for a
/// province's staff).
struct Shown {
    error: Option<ApiError>,
    read_only: bool,
}

/// The form page: `id` None adds, Some edits; `v` holds the fields shown.
async fn render_form(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    what: What,
    id: Option<i64>,
    v: Echo,
    how: Shown,
) -> Response {
    let Shown { error, read_only } = how;
    let at = Workplace::of(state, actor).await.ok();
    let provinces = at.as_ref().and_then(|a| a.provinces());
    let sets = statistics::data_sets(&state.db, provinces)
        .await
        .unwrap_or_default();
    let kinds = store::vocabulary::list(&state.db, Vocabulary::PlaceKind, provinces)
        .await
        .unwrap_or_default();
    let mut owners = Vec::new();
    if provinces.is_none() {
        owners.push(OwnerChoice {
            code: String::new(),
            name: "national".into(),
        });
    }
    for p in store::catalogue::provinces(&state.db, provinces)
        .await
        .unwrap_or_default()
    {
        owners.push(OwnerChoice {
            code: p.id.to_string(),
            name: p.name,
        });
    }
    let action = match id {
        Some(id) => format!("{}/{id}", what.path()),
        None => what.path().to_string(),
    };
    let status = error.as_ref().map(|e| e.status);
    let base = super::pages::base(actor, lang, action.clone());
    let page = FormPage {
        what: what.as_str(),
        id,
        v,
        action,
        error: error.map(FormError::from),
        sets,
        options: options(&kinds),
        owners,
        read_only,
    };
    let mut r = state.templates.page(&base, &page);
    if let Some(s) = status {
        crate::templates::with_status(&mut r, s);
    }
    r
}

/// The stored definition as form fields, and whose it is; or 404.
async fn current(
    state: &AppState,
    actor: &Actor,
    what: What,
    id: i64,
) -> Result<(Fields, Owner), ApiError> {
    let at = Workplace::of(state, actor).await?;
    let mut v = Vec::new();
    let mut put = |k: &str, s: String| v.push((k.to_string(), s));
    let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "1".to_string() } else { String::new() };
    let owner = match what {
        What::Indicator => {
            let i = super::catalogue::indicator_seen(state, &at, id).await?;
            let owner = i.owner;
            put("code", i.code);
            put("name", i.name);
            put("unit", i.unit.as_str().into());
            put("aggregation", i.aggregation.as_str().into());
            put("allow_negative", flag(i.allow_negative));
            put("min_value", num(i.min_value));
            put("max_value", num(i.max_value));
            put("description", i.description);
            put("active", flag(i.active));
            put(
                "computed",
                i.computed.map(|c| c.as_str()).unwrap_or_default().into(),
            );
            owner
        }
        What::DataSet => {
            let d = super::catalogue::data_set_seen(state, &at, id).await?;
            put("code", d.set.code.clone());
            put("name", d.set.name.clone());
            put("period_type", d.set.period_type.as_str().into());
            put("calendar", d.set.calendar.as_str().into());
            put("entry", d.set.entry.as_str().into());
            put("deadline_days", d.set.deadline_days.to_string());
            let chain: Vec<&str> = d.set.chain.levels().iter().map(|l| l.as_str()).collect();
            // As the checkboxes send them: one field a level.
            for level in chain {
                put("approval_levels", level.to_string());
            }
            put("description", d.set.description.clone());
            let codes: Vec<String> = d
                .indicators
                .iter()
                .filter(|i| i.owner == d.set.owner)
                .map(|i| i.code.clone())
                .collect();
            put("indicators", codes.join("\n"));
            put("active", flag(d.set.active));
            d.set.owner
        }
        What::Rule => {
            let r = super::catalogue::rule_seen(state, &at, id).await?;
            let set = super::catalogue::data_set_seen(state, &at, r.data_set_id)
                .await
                .map(|v| v.set.code)
                .unwrap_or_default();
            put("data_set", set);
            put("expression", r.expression);
            put("severity", r.severity);
            put("message", r.message);
            put("active", flag(r.active));
            r.owner
        }
    };
    Ok((Fields::from_pairs(v), owner))
}

async fn show(state: AppState, actor: Actor, lang: Lang, what: What, id: Option<&str>) -> Response {
    if let Err(e) = actor.require(Action::ManageStatistics) {
        return page_error(lang, e);
    }
    let (id, v, read_only) = match id {
        None => (
            None,
            Fields::from_pairs(vec![("active".into(), "1".into())]),
            false,
        ),
        Some(raw) => {
            let loaded = async {
                let id = path_id(raw)?;
                let (v, owner) = current(&state, &actor, what, id).await?;
                let at = Workplace::of(&state, &actor).await?;
                let mine = at.may_change(&actor, Action::ManageStatistics, owner);
                Ok::<_, ApiError>((id, v, !mine))
            }
            .await;
            match loaded {
                Ok((id, v, read_only)) => (Some(id), v, read_only),
                Err(e) => return page_error(lang, e),
            }
        }
    };
    let v = echo(&v, what);
    let how = Shown {
        error: None,
        read_only,
    };
    render_form(&state, &actor, lang, what, id, v, how).await
}

fn opt_f64(f: &Fields, key: &'static str) -> Result<Option<f64>, ApiError> {
    match f.get(key) {
        None => Ok(None),
        Some(s) => domain::file::parse_number(s).map_err(|_| {
            ApiError::invalid(
                key,
                Reason::NumberInvalid {
                    text: s.chars().take(40).collect(),
                },
            )
        }),
    }
}

/// Writes what the form says; the stored definition's id.
async fn write(
    state: &AppState,
    actor: &Actor,
    what: What,
    id: Option<i64>,
    f: &Fields,
) -> Result<(), ApiError> {
    let text = |k: &str| f.string(k).unwrap_or_default();
    let active = f.get("active").is_some();
    let owner_id = f.i64("owner_id")?;
    match what {
        What::Indicator => {
            let input = IndicatorInput {
                code: text("code"),
                name: text("name"),
                unit: text("unit"),
                aggregation: text("aggregation"),
                allow_negative: f.get("allow_negative").is_some(),
                min_value: opt_f64(f, "min_value")?,
                max_value: opt_f64(f, "max_value")?,
                description: text("description"),
                active: Some(active),
                computed: f.string("computed"),
                owner_id,
                data_set: f.string("join"),
            };
            super::catalogue::save_indicator(state, actor, id, &input).await?;
        }
        What::DataSet => {
            let deadline_days = match f.get("deadline_days") {
                None => None,
                Some(s) => Some(
                    s.parse::<u32>()
                        .map_err(|_| ApiError::invalid("deadline_days", Reason::DeadlineInvalid))?,
                ),
            };
            let input = DataSetInput {
                code: text("code"),
                name: text("name"),
                period_type: text("period_type"),
                calendar: text("calendar"),
                entry: text("entry"),
                deadline_days,
                approval_levels: f.all("approval_levels").map(str::to_string).collect(),
                description: text("description"),
                indicators: text("indicators")
                    .split(['\n', ',', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                active: Some(active),
                owner_id,
            };
            super::catalogue::save_data_set(state, actor, id, &input).await?;
        }
        What::Rule => {
            let input = RuleInput {
                data_set: text("data_set"),
                expression: text("expression"),
                severity: text("severity"),
                message: text("message"),
                owner_id,
            };
            super::catalogue::save_rule(state, actor, id, &input, active).await?;
        }
    }
    Ok(())
}

async fn save(
    state: AppState,
    actor: Actor,
    lang: Lang,
    what: What,
    id: Option<&str>,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageStatistics) {
        return page_error(lang, e);
    }
    let id = match id.map(path_id).transpose() {
        Ok(id) => id,
        Err(e) => return page_error(lang, e),
    };
    let f = Fields::parse(&body);
    match write(&state, &actor, what, id, &f).await {
        Ok(()) => Redirect::to("/statistics/definitions").into_response(),
        Err(e) if matches!(e.status, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => {
            let how = Shown {
                error: Some(e),
                read_only: false,
            };
            render_form(&state, &actor, lang, what, id, echo(&f, what), how).await
        }
        Err(e) => page_error(lang, e),
    }
}

async fn new_indicator(State(s): State<AppState>, a: Actor, l: Lang) -> Response {
    show(s, a, l, What::Indicator, None).await
}
async fn edit_indicator(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
) -> Response {
    show(s, a, l, What::Indicator, Some(&id)).await
}
async fn create_indicator(State(s): State<AppState>, a: Actor, l: Lang, body: Bytes) -> Response {
    save(s, a, l, What::Indicator, None, body).await
}
async fn save_indicator(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    save(s, a, l, What::Indicator, Some(&id), body).await
}
async fn new_set(State(s): State<AppState>, a: Actor, l: Lang) -> Response {
    show(s, a, l, What::DataSet, None).await
}
async fn edit_set(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
) -> Response {
    show(s, a, l, What::DataSet, Some(&id)).await
}
async fn create_set(State(s): State<AppState>, a: Actor, l: Lang, body: Bytes) -> Response {
    save(s, a, l, What::DataSet, None, body).await
}
async fn save_set(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    save(s, a, l, What::DataSet, Some(&id), body).await
}
async fn new_rule(State(s): State<AppState>, a: Actor, l: Lang) -> Response {
    show(s, a, l, What::Rule, None).await
}
async fn edit_rule(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
) -> Response {
    show(s, a, l, What::Rule, Some(&id)).await
}
async fn create_rule(State(s): State<AppState>, a: Actor, l: Lang, body: Bytes) -> Response {
    save(s, a, l, What::Rule, None, body).await
}
async fn save_rule(
    State(s): State<AppState>,
    a: Actor,
    l: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    save(s, a, l, What::Rule, Some(&id), body).await
}
