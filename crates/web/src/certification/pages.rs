//! The HTML pages of certification: the list with filters, a case's page
//! (criteria, answers, steps, evidence and the form of each step the user
//! may take now), the registration form and the dashboard with its map.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::certification::{
    AnswerInput, AssessInput, Classification, DecideInput, Kind, NoteInput, RegisterInput,
    RevokeInput, State as CaseState, Step,
};
use domain::policy::Action;
use serde::Serialize;
use store::certification::{self as certs, CaseDetail, CaseRow, Summary};

use super::{
    act, check_unit, criteria_answer, expected_state, parse_query, register, scoped, summary,
    CriteriaAnswer, StepInput,
};
use crate::actor::Actor;
use crate::error::{page_error, ApiError};
use crate::forms::{Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/certifications", list_page)
        .post("/certifications", register_form)
        .get("/certifications/new", new_page)
        .get("/certifications/summary", summary_page)
        .get("/certifications/criteria", criteria_page)
        .post("/certifications/criteria", publish_form)
        .get("/certifications/criteria/new", publish_page)
        .get("/certifications/{id}", show_page)
        .post("/certifications/{id}/step", step_form)
        .upload("/certifications/{id}/evidence", evidence_form)
        .post("/org-units/{id}/certification-exemption", exemption_form)
}

/// The exemption form of a unit's page: a category takes the unit out of
/// the scheme from a year; none brings it back. Then the unit's page again.
async fn exemption_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let r = async {
        actor.require(Action::Certify)?;
        let unit = crate::forms::record_id(&id)?;
        check_unit(&state, &actor, Some(unit)).await?;
        let f = Fields::parse(&body);
        let input = super::ExemptionInput {
            category: f.string("category"),
            from_year: super::year(&f, "from_year")?,
            note: f.string("note"),
        };
        super::set_exemption(&state, &actor, unit, &input).await?;
        Ok::<_, ApiError>(unit)
    }
    .await;
    match r {
        Ok(unit) => Redirect::to(&format!("/org-units/{unit}#certification")).into_response(),
        Err(e) => page_error(lang, e),
    }
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "certification")
}

/// The choices the filters and forms offer.
#[derive(Serialize)]
struct Choices {
    kinds: Vec<&'static str>,
    states: Vec<&'static str>,
    classifications: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
        states: CaseState::ALL.iter().map(|s| s.as_str()).collect(),
        classifications: Classification::ALL.iter().map(|c| c.as_str()).collect(),
    }
}

const FILTERS: &[&str] = &[
    "org_unit",
    "kind",
    "year",
    "state",
    "classification",
    "view",
    "awaiting",
    "overdue",
];

#[derive(Serialize)]
struct ListPage {
    items: Vec<CaseRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    choices: Choices,
    unit_label: Option<String>,
    /// Due days before it are overdue.
    today: chrono::NaiveDate,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "certification/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = parse_query(&f)?;
        check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = certs::list(&state.db, actor.scope(), &query).await?;
        let unit_label = match query.org_unit {
            Some(u) => store::org_units::get(&state.db, actor.scope(), u)
                .await?
                .map(|v| pickers::unit_label(&v)),
            None => None,
        };
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            choices: choices(),
            unit_label,
            today: domain::time::today(),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/certifications"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

#[derive(Serialize)]
struct ShowPage {
    c: CaseDetail,
    /// Whether the user may enter the self-assessment now.
    can_assess: bool,
    /// The other steps the user may take now, in the order the page offers them.
    others: Vec<&'static str>,
    /// The latest answers by criterion id.
    answer_of: std::collections::BTreeMap<String, certs::AnswerRow>,
    choices: Choices,
    error: Option<FormError>,
    error_step: String,
    history: Vec<store::audit::Entry>,
    /// Due days before it are overdue.
    today: chrono::NaiveDate,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "certification/show.html";
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    error: Option<(ApiError, String)>,
) -> Result<Response, ApiError> {
    let case = scoped(state, actor, crate::forms::record_id(id)?).await?;
    let cid = case.id;
    let current = case.state()?;
    let detail = certs::detail(&state.db, case).await?;
    let steps: Vec<&'static str> = Step::ACTIONS
        .into_iter()
        .filter(|s| s.from_states().contains(&current))
        .filter(|s| {
            actor.may(if s.is_decision() {
                Action::DecideCertification
            } else {
                Action::Certify
            })
        })
        .map(Step::as_str)
        .collect();
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |(e, _)| e.status);
    let (error, error_step) = match error {
        Some((e, s)) => (Some(FormError::from(e)), s),
        None => (None, String::new()),
    };
    let answer_of = detail
        .answers
        .iter()
        .map(|a| (a.criterion_id.to_string(), a.clone()))
        .collect();
    let page = ShowPage {
        c: detail,
        can_assess: steps.contains(&"assess"),
        others: steps.into_iter().filter(|s| *s != "assess").collect(),
        answer_of,
        choices: choices(),
        error,
        error_step,
        history: store::audit::history(&state.db, "certification", &cid.to_string()).await?,
        today: domain::time::today(),
    };
    let base = base(actor, lang, format!("/certifications/{cid}"));
    Ok((status, state.templates.page(&base, &page)).into_response())
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    show(&state, &actor, lang, &id, None)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// A share typed on a form ("100", "97,5"); blank is none. The range is
/// the domain's to check.
fn percent(f: &Fields, key: &'static str) -> Result<Option<f64>, ApiError> {
    f.get(key)
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .replace(',', ".")
                .parse::<f64>()
                .map_err(|_| ApiError::invalid(key, domain::Reason::PercentOutOfRange))
        })
        .transpose()
}

/// A step's form: `step` names it; the fields are the API's.
fn step_input(f: &Fields) -> Result<StepInput, ApiError> {
    let step = f
        .get("step")
        .and_then(Step::parse_action)
        .ok_or_else(|| ApiError::invalid("step", domain::Reason::ValueInvalid))?;
    let note = || NoteInput {
        on: f.string("on"),
        note: f.string("note"),
    };
    Ok(match step {
        Step::Assess => {
            let mut answers = Vec::new();
            for id in f.all("criterion") {
                let Ok(cid) = id.parse::<i64>() else {
                    return Err(ApiError::invalid("answers", domain::Reason::ValueInvalid));
                };
                answers.push(AnswerInput {
                    criterion_id: Some(cid),
                    met: match f.get(&format!("met_{cid}")) {
                        Some("yes") => Some(true),
                        Some("no") => Some(false),
                        _ => None,
                    },
                    explanation: f.string(&format!("explain_{cid}")),
                });
            }
            let staff = percent(f, "staff_briefed_percent")?;
            StepInput::Assess(AssessInput {
                on: f.string("on"),
                answers: Some(answers),
                staff_briefed_percent: staff,
                note: f.string("note"),
            })
        }
        Step::Decide => StepInput::Decide(DecideInput {
            on: f.string("on"),
            classification: f.string("classification"),
            decision_no: f.string("decision_no"),
            note: f.string("note"),
        }),
        Step::Revoke => StepInput::Revoke(RevokeInput {
            on: f.string("on"),
            reason: f.string("reason"),
            decision_no: f.string("decision_no"),
        }),
        s => StepInput::Note(s, note()),
    })
}

async fn step_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let step = f.get("step").unwrap_or("").to_string();
    let r = async {
        let input = step_input(&f)?;
        let expected = expected_state(&f)?;
        act(
            &state,
            &actor,
            crate::forms::record_id(&id)?,
            expected,
            input,
        )
        .await
    }
    .await;
    back_to_case(&state, &actor, lang, &id, r.map(|_| ()), step).await
}

async fn evidence_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let r = async {
        actor.require(Action::Certify)?;
        let cid = crate::forms::record_id(&id)?;
        scoped(&state, &actor, cid).await?;
        let form = crate::uploads::multipart(req, &state).await?;
        let (name, bytes) =
            crate::attachments::uploaded_named(form, super::MAX_EVIDENCE_BYTES).await?;
        super::files::store_evidence(&state, &actor, cid, None, &name, &bytes).await
    }
    .await;
    back_to_case(&state, &actor, lang, &id, r.map(|_| ()), "evidence".into()).await
}

/// After a form on a case's page: the page again, or, refused, the page
/// with the error beside the form `form` (a refusal of the role or the
/// scope gets its error page).
async fn back_to_case(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    r: Result<(), ApiError>,
    form: String,
) -> Response {
    use axum::http::StatusCode;
    match r {
        Ok(()) => Redirect::to(&format!("/certifications/{id}")).into_response(),
        Err(e) if e.status == StatusCode::NOT_FOUND || e.status == StatusCode::FORBIDDEN => {
            page_error(lang, e)
        }
        Err(e) => show(state, actor, lang, id, Some((e, form)))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
    }
}

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    error: Option<FormError>,
    done: Vec<CaseRow>,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "certification/new.html";
}

const NEW_FIELDS: &[&str] = &[
    "units",
    "year",
    "registered_on",
    "party_resolution_on",
    "households_percent",
];

async fn new_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    if let Err(e) = actor.require(Action::Certify) {
        return page_error(lang, e);
    }
    let page = NewPage {
        form: Echo::of(&Fields::parse(b""), NEW_FIELDS),
        error: None,
        done: Vec::new(),
    };
    state
        .templates
        .page(&base(&actor, lang, "/certifications/new"), &page)
}

async fn register_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::Certify) {
        return page_error(lang, e);
    }
    let f = Fields::parse(&body);
    let r = async {
        let ids =
            pickers::resolve_units(&state, &actor, "org_unit_ids", f.get("units").unwrap_or(""))
                .await?;
        let households = percent(&f, "households_percent")?;
        let year = super::year(&f, "year")?;
        let input = RegisterInput {
            org_unit_ids: Some(ids),
            year,
            registered_on: f.string("registered_on"),
            party_resolution_on: f.string("party_resolution_on"),
            households_percent: households,
        };
        register(&state, &actor, &input).await
    }
    .await;
    let (error, done, status) = match r {
        Ok(done) => (None, done, axum::http::StatusCode::OK),
        Err(e) => {
            let status = e.status;
            (Some(FormError::from(e)), Vec::new(), status)
        }
    };
    let page = NewPage {
        form: Echo::of(&f, NEW_FIELDS),
        error,
        done,
    };
    let html = state
        .templates
        .page(&base(&actor, lang, "/certifications/new"), &page);
    (status, html).into_response()
}

#[derive(Serialize)]
struct SummaryPage {
    s: Summary,
    f: Echo,
    query: String,
    /// Certified areas as circles on the map (inline SVG).
    map: Option<String>,
    /// Certified units by kind over five years (inline SVG), and its table:
    /// the years, then a row per kind of (registered, certified) a year.
    trend_chart: Option<String>,
    years: Vec<i32>,
    trend_rows: Vec<(Kind, Vec<(i64, i64)>)>,
    /// Open cases past their deadline (any year), by the level that must act.
    overdue: Vec<certs::overdue::OverdueCount>,
}

impl PageContext for SummaryPage {
    const TEMPLATE: &'static str = "certification/summary.html";
}

async fn summary_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let s = summary(&state, &actor, &f).await?;
        let points: Vec<files::MapPoint> = s
            .rows
            .iter()
            .filter_map(|r| {
                let certified: i64 = r.cells.iter().map(|c| c.certified).sum();
                Some(files::MapPoint {
                    label: r.name.clone(),
                    lat: r.lat?,
                    lon: r.lon?,
                    value: certified,
                    href: Some(format!(
                        "/certifications/summary?org_unit={}&year={}&view={}",
                        r.org_unit_id,
                        s.year,
                        s.view.as_str()
                    )),
                })
            })
            .collect();
        let t = |k: &str| crate::i18n::text(lang, k).to_string();
        let map = (!points.is_empty()).then(|| {
            files::bubble_map(
                &points,
                &t("cert.map_title"),
                &t("cert.map_legend"),
                640,
                520,
            )
        });
        let years: Vec<i32> = (s.year - certs::summary::TREND_YEARS + 1..=s.year).collect();
        let trend_rows: Vec<(Kind, Vec<(i64, i64)>)> = Kind::ALL
            .into_iter()
            .filter(|k| s.trend.iter().any(|t| t.kind == *k))
            .map(|k| {
                let per_year = years
                    .iter()
                    .map(|y| {
                        s.trend
                            .iter()
                            .find(|t| t.kind == k && t.year == *y)
                            .map_or((0, 0), |t| (t.registered, t.certified))
                    })
                    .collect();
                (k, per_year)
            })
            .collect();
        let series: Vec<files::Series> = trend_rows
            .iter()
            .map(|(k, v)| files::Series {
                name: t(&format!("cert_kind.{}", k.as_str())),
                values: v.iter().map(|(_, c)| Some(*c as f64)).collect(),
            })
            .collect();
        let categories: Vec<String> = years.iter().map(|y| y.to_string()).collect();
        let trend_chart = (!series.is_empty()).then(|| {
            files::chart(
                &t("cert.trend_title"),
                &categories,
                &series,
                files::ChartKind::Lines,
                640,
                300,
            )
        });
        let keys = ["org_unit", "year", "view"];
        let overdue_of = certs::CaseQuery {
            org_unit: s.org_unit_id,
            view: s.view,
            ..certs::CaseQuery::default()
        };
        let overdue =
            certs::overdue::counts(&state.db, actor.scope(), &overdue_of, domain::time::today())
                .await?;
        let page = SummaryPage {
            overdue,
            trend_chart,
            years,
            trend_rows,
            f: Echo::of(&f, &keys),
            query: f.query_string(),
            s,
            map,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/certifications/summary"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

#[derive(Serialize)]
struct CriteriaPage {
    c: CriteriaAnswer,
}

impl PageContext for CriteriaPage {
    const TEMPLATE: &'static str = "certification/criteria.html";
}

async fn criteria_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    match criteria_answer(&state).await {
        Ok(c) => state.templates.page(
            &base(&actor, lang, "/certifications/criteria"),
            &CriteriaPage { c },
        ),
        Err(e) => page_error(lang, e),
    }
}

/// One line of the publish form: a criterion as typed.
#[derive(Serialize, Default)]
struct CriterionLine {
    code: String,
    text: String,
    source: String,
    required: bool,
    to_check: bool,
}

/// Empty lines the publish form offers after the latest version's.
const SPARE_LINES: usize = 3;
/// The most lines a publish form may carry.
const MAX_LINES: usize = 60;

#[derive(Serialize)]
struct PublishPage {
    kind: &'static str,
    kinds: Vec<&'static str>,
    /// The version this one would supersede, and its first year.
    latest: Option<(i64, i32)>,
    from_year: String,
    title: String,
    source: String,
    lines: Vec<CriterionLine>,
    error: Option<FormError>,
}

impl PageContext for PublishPage {
    const TEMPLATE: &'static str = "certification/publish.html";
}

/// The latest published version of a kind's criteria.
async fn latest_set(
    state: &AppState,
    kind: Kind,
) -> Result<Option<domain::certification::CriteriaSet>, ApiError> {
    Ok(certs::criteria::sets(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.kind == kind)
        .max_by_key(|s| s.version))
}

/// The publish form of `kind` with `lines` (and spare ones after them).
async fn publish_view(
    state: &AppState,
    kind: Kind,
    typed: (String, String, String),
    mut lines: Vec<CriterionLine>,
    error: Option<FormError>,
) -> Result<PublishPage, ApiError> {
    lines.extend((0..SPARE_LINES).map(|_| CriterionLine::default()));
    let (from_year, title, source) = typed;
    Ok(PublishPage {
        kind: kind.as_str(),
        kinds: Kind::ALL.iter().map(|k| k.as_str()).collect(),
        latest: latest_set(state, kind)
            .await?
            .map(|s| (s.version, s.from_year)),
        from_year,
        title,
        source,
        lines,
        error,
    })
}

/// The form of a new version of a kind's criteria, filled with the latest
/// version's (administrators).
async fn publish_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        actor.require(Action::ManageCertificationCriteria)?;
        let f = Fields::from_query(q.as_deref());
        let kind = Kind::parse("kind", f.get("kind").unwrap_or("residential"))?;
        let (typed, lines) = match latest_set(&state, kind).await? {
            Some(s) => {
                let this_year = chrono::Datelike::year(&domain::time::today());
                let typed = (
                    (s.from_year + 1).max(this_year).to_string(),
                    s.title,
                    s.source,
                );
                let lines = s
                    .criteria
                    .into_iter()
                    .map(|c| CriterionLine {
                        code: c.code,
                        text: c.text,
                        source: c.source,
                        required: c.required,
                        to_check: c.to_check,
                    })
                    .collect();
                (typed, lines)
            }
            None => (Default::default(), Vec::new()),
        };
        let page = publish_view(&state, kind, typed, lines, None).await?;
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/certifications/criteria/new"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// The lines of a sent publish form (`code_0`, `text_0` … up to `lines`);
/// a line without code and text is left out.
fn lines_of(f: &Fields) -> Vec<CriterionLine> {
    let n = f
        .get("lines")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_LINES);
    (0..n)
        .map(|i| CriterionLine {
            code: f.get(&format!("code_{i}")).unwrap_or("").to_string(),
            text: f.get(&format!("text_{i}")).unwrap_or("").to_string(),
            source: f.get(&format!("source_{i}")).unwrap_or("").to_string(),
            required: f.get(&format!("required_{i}")).is_some(),
            to_check: f.get(&format!("to_check_{i}")).is_some(),
        })
        .filter(|l| !l.code.is_empty() || !l.text.is_empty())
        .collect()
}

async fn publish_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageCertificationCriteria) {
        return page_error(lang, e);
    }
    let f = Fields::parse(&body);
    let lines = lines_of(&f);
    let kind = f.get("kind").and_then(|k| Kind::parse("kind", k).ok());
    let input = domain::certification::CriteriaSetInput {
        kind: f.string("kind"),
        from_year: f.get("from_year").and_then(|y| y.parse::<i32>().ok()),
        title: f.string("title"),
        source: f.string("source"),
        criteria: Some(
            lines
                .iter()
                .map(|l| domain::certification::CriterionInput {
                    code: Some(l.code.clone()),
                    text: Some(l.text.clone()),
                    source: Some(l.source.clone()),
                    required: Some(l.required),
                    to_check: Some(l.to_check),
                })
                .collect(),
        ),
    };
    match super::publish(&state, &actor, &input).await {
        Ok(set) => {
            Redirect::to(&format!("/certifications/criteria#set-{}", set.id)).into_response()
        }
        Err(e) => {
            let status = e.status;
            let typed =
                ["from_year", "title", "source"].map(|k| f.get(k).unwrap_or("").to_string());
            let [from_year, title, source] = typed;
            let page = match publish_view(
                &state,
                kind.unwrap_or(Kind::Residential),
                (from_year, title, source),
                lines,
                Some(FormError::from(e)),
            )
            .await
            {
                Ok(p) => p,
                Err(e) => return page_error(lang, e),
            };
            let html = state
                .templates
                .page(&base(&actor, lang, "/certifications/criteria/new"), &page);
            (status, html).into_response()
        }
    }
}
