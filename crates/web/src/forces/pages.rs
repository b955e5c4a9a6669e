//! The HTML pages of the security teams: the dashboard by area (the
//! matrix of villages without a team, too few or too many members), the
//! team list, a team's page with its roster and the forms to recognise a
//! member (the failed checks shown, with an override and its reason),
//! end a membership and dissolve the team, a person's page, the
//! provinces' size rules, and the forms of a unit's page (area marks,
//! households). Every form goes through the same parsing and checks as
//! the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use domain::forces::{
    AreaMark, AreaMarksInput, Check, DissolveInput, EndMemberInput, EndReason, Force,
    HouseholdsInput, MemberInput, NewSizeRule, PersonInput, Role, Schooling, SizeRuleInput,
    SizeStatus, TeamInput,
};
use domain::org_units::Level;
use domain::policy::Action;
use domain::time::today;
use serde::Serialize;
use store::forces::rules::SizeRuleRow;
use store::forces::{self as forces, ForcesSummary, MemberRow, PersonDetail, TeamRow};

use super::{day, parse_query, summary, team};
use crate::actor::Actor;
use crate::error::{beside_form, page_error, ApiError};
use crate::forms::{self, Echo, Fields};
use crate::i18n::Lang;
use crate::layout::{Base, FormError, PageContext};
use crate::pickers;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/forces", summary_page)
        .get("/security-teams", list_page)
        .post("/security-teams", create_form)
        .get("/security-teams/new", new_page)
        .get("/security-teams/{id}", show_page)
        .post("/security-teams/{id}/members", add_member_form)
        .post(
            "/security-teams/{id}/members/{member_id}/end",
            end_member_form,
        )
        .post("/security-teams/{id}/dissolve", dissolve_form)
        .get("/people/{id}", person_page)
        .get("/team-size-rules", rules_page)
        .post("/team-size-rules", add_rule_form)
        .post("/org-units/{id}/area-marks", area_marks_form)
        .post("/org-units/{id}/households", households_form)
        .get("/security-teams/import", import_page)
        .upload("/security-teams/import", import_form)
        .post("/security-teams/import/confirm", import_confirm_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "forces")
}

/// The coded values the filters and forms offer.
#[derive(Serialize)]
struct Choices {
    forces: Vec<&'static str>,
    roles: Vec<&'static str>,
    sizes: Vec<&'static str>,
    end_reasons: Vec<&'static str>,
    schooling: Vec<&'static str>,
    marks: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        forces: Force::ALL.iter().map(|f| f.as_str()).collect(),
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        sizes: SizeStatus::ALL.iter().map(|s| s.as_str()).collect(),
        // A team's dissolution ends its members: not a reason to pick.
        end_reasons: EndReason::ALL
            .iter()
            .filter(|r| **r != EndReason::TeamDissolved)
            .map(|r| r.as_str())
            .collect(),
        schooling: Schooling::ALL.iter().map(|s| s.as_str()).collect(),
        marks: AreaMark::ALL.iter().map(|m| m.as_str()).collect(),
    }
}

// ---- the dashboard ------------------------------------------------------------------

#[derive(Serialize)]
struct SummaryPage {
    s: ForcesSummary,
    /// The rows are villages (the area is a commune): each links to its
    /// teams, or offers to set one up.
    rows_are_villages: bool,
    query: String,
    choices: Choices,
}

impl PageContext for SummaryPage {
    const TEMPLATE: &'static str = "forces/summary.html";
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
        let rows_are_villages = match s.org_unit_id {
            Some(u) => store::org_units::get(&state.db, actor.scope(), u)
                .await?
                .is_some_and(|v| v.unit.level == Level::Commune),
            None => false,
        };
        let page = SummaryPage {
            s,
            rows_are_villages,
            query: f.query_string(),
            choices: choices(),
        };
        Ok::<_, ApiError>(state.templates.page(&base(&actor, lang, "/forces"), &page))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- the list -----------------------------------------------------------------------

const FILTERS: &[&str] = &["org_unit", "as_of", "view", "force", "size"];

#[derive(Serialize)]
struct ListPage {
    items: Vec<TeamRow>,
    total: i64,
    page: u32,
    pages: i64,
    as_of: NaiveDate,
    f: Echo,
    query: String,
    choices: Choices,
    unit_label: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "forces/list.html";
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
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = forces::list(&state.db, actor.scope(), &query).await?;
        let unit_label = pickers::unit_label_of(&state, &actor, query.org_unit).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            as_of: query.as_of,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            choices: choices(),
            unit_label,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/security-teams"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new team ---------------------------------------------------------------------

const TEAM_FIELDS: &[&str] = &[
    "org_unit",
    "org_unit_id",
    "force",
    "name",
    "established_on",
    "decision_no",
    "decision_on",
    "decision_signer",
    "second_team_decision",
    "ended_on",
];

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    unit_label: Option<String>,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "forces/new.html";
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let unit = f.get("org_unit_id").and_then(|s| s.trim().parse().ok());
    let unit_label = pickers::unit_label_of(state, actor, unit)
        .await
        .ok()
        .flatten();
    let page = NewPage {
        form: Echo::of(f, TEAM_FIELDS),
        unit_label,
        error: error.map(FormError::from),
        choices: choices(),
    };
    (
        status,
        state
            .templates
            .page(&base(actor, lang, "/security-teams/new"), &page),
    )
        .into_response()
}

async fn new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(e) = actor.require(Action::ManageForces) {
        return page_error(lang, e);
    }
    render_new(
        &state,
        &actor,
        lang,
        &Fields::from_query(q.as_deref()),
        None,
    )
    .await
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageForces) {
        return page_error(lang, e);
    }
    let f = Fields::parse(&body);
    let r = async {
        // The village as typed or picked by name wins over a carried id.
        let org_unit_id = match f.get("org_unit").filter(|s| !s.trim().is_empty()) {
            Some(text) => Some(pickers::resolve_unit(&state, &actor, "org_unit_id", text).await?),
            None => f.i64("org_unit_id")?,
        };
        let input = TeamInput {
            org_unit_id,
            force: f.string("force"),
            name: f.string("name").filter(|s| !s.trim().is_empty()),
            established_on: f.string("established_on"),
            decision_no: f.string("decision_no"),
            decision_on: f.string("decision_on"),
            decision_signer: f.string("decision_signer"),
            second_team_decision: f.string("second_team_decision"),
            ended_on: f.string("ended_on"),
        };
        super::create(&state, &actor, &input).await
    }
    .await;
    match r {
        Ok(t) => Redirect::to(&format!("/security-teams/{}", t.id)).into_response(),
        Err(e) if beside_form(&e) => render_new(&state, &actor, lang, &f, Some(e)).await,
        Err(e) => page_error(lang, e),
    }
}

// ---- a team's page ------------------------------------------------------------------

const MEMBER_FIELDS: &[&str] = &[
    "person_id",
    "full_name",
    "birth_date",
    "phone",
    "schooling",
    "national_id",
    "role",
    "start_on",
    "decision_no",
    "decision_on",
    "resident_since",
    "health_certified_on",
    "no_sanction",
    "age_decision",
    "override_reason",
];

/// One member's eligibility, checked again.
#[derive(Serialize)]
struct Rechecked {
    member: MemberRow,
    on: NaiveDate,
    checks: Vec<Check>,
}

#[derive(Serialize)]
struct ShowPage {
    team: TeamRow,
    as_of: NaiveDate,
    members: Vec<MemberRow>,
    /// Everyone who served and no longer does.
    former: Vec<MemberRow>,
    /// The province's size rule in force on `as_of`.
    rule: Option<SizeRuleRow>,
    can_manage: bool,
    rechecked: Option<Rechecked>,
    /// A member was just recognised.
    added: bool,
    error: Option<FormError>,
    /// Which form the error belongs to: `member`, `end_<id>`, `dissolve`.
    error_form: String,
    /// The refusal was a failed eligibility check: the override is asked for.
    not_eligible: bool,
    form: Echo,
    choices: Choices,
    history: Vec<store::audit::Entry>,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "forces/show.html";
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    q: &Fields,
    error: Option<(ApiError, String, Fields)>,
) -> Result<Response, ApiError> {
    let as_of = day(q, "as_of")?;
    let t = team(state, actor, forms::record_id(id)?, as_of).await?;
    let everyone = forces::members(&state.db, t.id, None).await?;
    let serving = forces::members(&state.db, t.id, Some(as_of)).await?;
    let former = everyone
        .into_iter()
        .filter(|m| m.end_on.is_some_and(|e| e < as_of))
        .collect();
    let rechecked = match q.i64("check")? {
        Some(mid) => {
            let member = serving
                .iter()
                .find(|m| m.id == mid)
                .cloned()
                .ok_or_else(ApiError::not_found)?;
            let checks = forces::recheck(&state.db, actor.scope(), t.id, mid, as_of).await?;
            Some(Rechecked {
                member,
                on: as_of,
                checks,
            })
        }
        None => None,
    };
    let rule = forces::rules::size_rules(&state.db, Some(t.province_id))
        .await?
        .into_iter()
        .filter(|r| r.from_date <= as_of)
        .max_by_key(|r| r.from_date);
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _, _)| e.status);
    let (error, error_form, not_eligible, form) = match error {
        Some((e, which, f)) => {
            let not_eligible = e.reason.code() == "member_not_eligible";
            (
                Some(FormError::from(e)),
                which,
                not_eligible,
                Echo::of(&f, MEMBER_FIELDS),
            )
        }
        None => (
            None,
            String::new(),
            false,
            Echo::of(&Fields::parse(b""), MEMBER_FIELDS),
        ),
    };
    let tid = t.id;
    let page = ShowPage {
        can_manage: actor.may(Action::ManageForces) && t.ended_on.is_none(),
        team: t,
        as_of,
        members: serving,
        former,
        rule,
        rechecked,
        added: q.get("added").is_some(),
        error,
        error_form,
        not_eligible,
        form,
        choices: choices(),
        history: store::audit::history(&state.db, "security_team", &tid.to_string()).await?,
    };
    let base = base(actor, lang, format!("/security-teams/{tid}"));
    Ok((status, state.templates.page(&base, &page)).into_response())
}

async fn show_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let q = Fields::from_query(q.as_deref());
    show(&state, &actor, lang, &id, &q, None)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// After a form on a team's page: the page again (with `then` added to
/// its address), or, refused, the page with the error beside `which`.
async fn back_to_team(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    r: Result<String, ApiError>,
    which: &str,
    f: Fields,
) -> Response {
    match r {
        Ok(then) => Redirect::to(&format!("/security-teams/{id}{then}")).into_response(),
        Err(e) if beside_form(&e) => show(
            state,
            actor,
            lang,
            id,
            &Fields::parse(b""),
            Some((e, which.into(), f)),
        )
        .await
        .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

/// The add-member form: someone on record (`person_id`), or a new person.
fn member_input(f: &Fields) -> Result<MemberInput, ApiError> {
    let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
    let person_id = f
        .get("person_id")
        .filter(|s| !s.trim().is_empty())
        .map(|s| forms::record_id(s.trim()))
        .transpose()?;
    let person = person_id.is_none().then(|| PersonInput {
        full_name: text("full_name"),
        birth_date: text("birth_date"),
        phone: text("phone"),
        schooling: text("schooling"),
        national_id: text("national_id"),
    });
    Ok(MemberInput {
        person_id,
        person,
        role: text("role"),
        start_on: text("start_on"),
        decision_no: text("decision_no"),
        decision_on: text("decision_on"),
        resident_since: text("resident_since"),
        health_certified_on: text("health_certified_on"),
        no_sanction: Some(f.bool("no_sanction")?.unwrap_or(false)),
        age_decision: text("age_decision"),
        override_reason: text("override_reason"),
    })
}

async fn add_member_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageForces)?;
        let input = member_input(&f)?;
        let added = super::add_member(&state, &actor, forms::record_id(&id)?, &input).await?;
        Ok(format!("?added=1&check={}", added.member.id))
    }
    .await;
    back_to_team(&state, &actor, lang, &id, r, "member", f).await
}

async fn end_member_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, member_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageForces)?;
        let input = EndMemberInput {
            end_on: f.string("end_on"),
            reason: f.string("reason").filter(|s| !s.is_empty()),
            note: f.string("note").filter(|s| !s.trim().is_empty()),
        };
        super::end_member(
            &state,
            &actor,
            forms::record_id(&id)?,
            forms::record_id(&member_id)?,
            &input,
        )
        .await?;
        Ok(String::new())
    }
    .await;
    let which = format!("end_{member_id}");
    back_to_team(&state, &actor, lang, &id, r, &which, f).await
}

async fn dissolve_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageForces)?;
        let input = DissolveInput {
            ended_on: f.string("ended_on"),
            reason: f.string("reason"),
        };
        super::dissolve(&state, &actor, forms::record_id(&id)?, &input).await?;
        Ok(String::new())
    }
    .await;
    back_to_team(&state, &actor, lang, &id, r, "dissolve", f).await
}

// ---- a person -----------------------------------------------------------------------

#[derive(Serialize)]
struct PersonPage {
    p: PersonDetail,
    /// The person serves in a team now (a move ends that membership first).
    serving: bool,
    /// The classes they took, latest first.
    training: Vec<store::training::TrainingRecord>,
}

impl PageContext for PersonPage {
    const TEMPLATE: &'static str = "forces/person.html";
}

async fn person_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
) -> Response {
    let r = async {
        let p = super::person(&state, &actor, forms::record_id(&id)?).await?;
        let serving = p.memberships.iter().any(|m| m.end_on.is_none());
        let pid = p.id;
        let training = store::training::history(&state.db, p.id).await?;
        let page = PersonPage {
            p,
            serving,
            training,
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, format!("/people/{pid}")), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- size rules ---------------------------------------------------------------------

const RULE_FIELDS: &[&str] = &[
    "province",
    "from_date",
    "min_members",
    "max_members",
    "small_households",
    "small_max_members",
    "decision_ref",
];

#[derive(Serialize)]
struct RulesPage {
    rules: Vec<SizeRuleRow>,
    can_add: bool,
    form: Echo,
    error: Option<FormError>,
}

impl PageContext for RulesPage {
    const TEMPLATE: &'static str = "forces/rules.html";
}

async fn render_rules(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = RulesPage {
        rules: forces::rules::size_rules(&state.db, None).await?,
        can_add: actor.may(Action::ManageTeamSizeRules),
        form: Echo::of(f, RULE_FIELDS),
        error: error.map(FormError::from),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/team-size-rules"), &page),
    )
        .into_response())
}

async fn rules_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    render_rules(&state, &actor, lang, &Fields::parse(b""), None)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// A whole number typed on a form; blank is none.
fn int(f: &Fields, key: &'static str) -> Result<Option<i32>, ApiError> {
    f.get(key)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i32>()
                .map_err(|_| ApiError::invalid(key, domain::Reason::IntegerExpected))
        })
        .transpose()
}

async fn add_rule_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    if let Err(e) = actor.require(Action::ManageTeamSizeRules) {
        return page_error(lang, e);
    }
    let f = Fields::parse(&body);
    let r = async {
        let province = f.get("province").unwrap_or("");
        let input = SizeRuleInput {
            province_id: Some(
                pickers::resolve_unit(&state, &actor, "province_id", province).await?,
            ),
            from_date: f.string("from_date"),
            min_members: int(&f, "min_members")?,
            max_members: int(&f, "max_members")?,
            small_households: int(&f, "small_households")?,
            small_max_members: int(&f, "small_max_members")?,
            decision_ref: f.string("decision_ref"),
        };
        let rule = NewSizeRule::parse(&input)?;
        forces::rules::add_size_rule(&state.db, actor.author(), actor.scope(), &rule).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/team-size-rules").into_response(),
        Err(e) if beside_form(&e) => render_rules(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

// ---- a unit's page ------------------------------------------------------------------

/// The forces part of a commune's or a village's page.
#[derive(Debug, Serialize)]
pub struct UnitForces {
    /// Teams open today at the unit (a village) or under it (a commune).
    teams: Vec<TeamRow>,
    total: i64,
    marks: Vec<String>,
    /// A village's households in the current year, if entered.
    households: Option<i32>,
    year: i32,
    is_village: bool,
    can_manage: bool,
    mark_choices: Vec<&'static str>,
}

/// None for a unit that has no teams of its own (a province, a site).
pub async fn unit_section(
    state: &AppState,
    actor: &Actor,
    unit: &domain::org_units::OrgUnit,
) -> Result<Option<UnitForces>, ApiError> {
    if !matches!(unit.level, Level::Commune | Level::Village) {
        return Ok(None);
    }
    let now = today();
    let q = store::forces::TeamQuery {
        org_unit: Some(unit.id),
        as_of: now,
        view: store::org_units::areas::View::Now,
        force: Some(Force::Law30),
        size: None,
        page: domain::page::Page {
            page: 1,
            per_page: 10,
        },
    };
    let (teams, total) = forces::list(&state.db, actor.scope(), &q).await?;
    let (marks, households) =
        forces::rules::unit_marks_and_households(&state.db, unit.id, now.year()).await?;
    Ok(Some(UnitForces {
        teams,
        total,
        marks,
        households,
        year: now.year(),
        is_village: unit.level == Level::Village,
        can_manage: actor.may(Action::ManageForces) && unit.valid_to.is_none(),
        mark_choices: AreaMark::ALL.iter().map(|m| m.as_str()).collect(),
    }))
}

/// Back to the unit's page, at its forces section; a refusal on its own page.
fn back_to_unit(lang: Lang, unit: &str, r: Result<(), ApiError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/org-units/{unit}#forces")).into_response(),
        Err(e) => page_error(lang, e),
    }
}

async fn area_marks_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageForces)?;
        let input = AreaMarksInput {
            marks: f.all("marks").map(str::to_string).collect(),
        };
        forces::rules::set_area_marks(
            &state.db,
            actor.author(),
            actor.scope(),
            forms::record_id(&id)?,
            &input,
        )
        .await?;
        Ok(())
    }
    .await;
    back_to_unit(lang, &id, r)
}

async fn households_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageForces)?;
        let input = HouseholdsInput {
            year: f.i64("year")?,
            households: f.i64("households")?,
        };
        forces::rules::set_households(
            &state.db,
            actor.author(),
            actor.scope(),
            forms::record_id(&id)?,
            &input,
        )
        .await?;
        Ok(())
    }
    .await;
    back_to_unit(lang, &id, r)
}

// ---- historical rosters from a file ---------------------------------------------

/// Where a user's uploaded roster file is kept until confirmed.
const DRAFTS: &str = "security_team_rosters";

#[derive(Serialize)]
struct ImportPage<'a> {
    max_mb: usize,
    columns: Vec<&'static str>,
    written: Option<domain::file::Written>,
    shown: Option<crate::uploads::PreviewShown>,
    #[serde(flatten)]
    rows: crate::uploads::RowErrors<'a>,
}

impl PageContext for ImportPage<'_> {
    const TEMPLATE: &'static str = "forces/import.html";
}

type Outcome = crate::uploads::PageOutcome<domain::file::Done<domain::file::Written>>;

fn render_import(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    outcome: Option<(Outcome, String)>,
) -> Response {
    let shown = outcome
        .as_ref()
        .map(|(o, draft)| o.shown(draft, "/security-teams/import/confirm", Clone::clone));
    let status = shown.as_ref().map_or(StatusCode::OK, |s| s.status);
    let page = ImportPage {
        max_mb: crate::uploads::MAX_IMPORT_BYTES / 1024 / 1024,
        columns: domain::forces::roster_file::COLUMNS
            .iter()
            .map(|(_, h, _)| *h)
            .collect(),
        written: shown.as_ref().and_then(|s| s.written.clone()),
        shown: shown.and_then(|s| s.preview),
        rows: outcome.as_ref().map(|(o, _)| o.rows()).unwrap_or_default(),
    };
    let mut res = state
        .templates
        .page(&base(actor, lang, "/security-teams/import"), &page);
    crate::templates::with_status(&mut res, status);
    res
}

async fn import_page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    if let Err(e) = actor.require(Action::ManageForces) {
        return page_error(lang, e);
    }
    render_import(&state, &actor, lang, None)
}

/// A roster file uploaded on the page: kept, checked and previewed.
async fn import_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    req: axum::extract::Request,
) -> Response {
    if let Err(e) = actor.require(Action::ManageForces) {
        return page_error(lang, e);
    }
    let none = |_: &Fields| Ok(String::new());
    let (r, draft, _) = crate::uploads::previewed(
        &state,
        req,
        (actor.user.id, DRAFTS),
        none,
        |bytes, mode, _| {
            let (state, actor) = (&state, &actor);
            async move { super::files::import_rosters(state, actor, bytes, &mode).await }
        },
    )
    .await;
    match crate::uploads::PageOutcome::of(&state.parses, r).await {
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
    if let Err(e) = actor.require(Action::ManageForces) {
        return page_error(lang, e);
    }
    let (r, kept, _) =
        crate::uploads::confirmed(&state, (actor.user.id, DRAFTS), &body, |bytes, mode, _| {
            let (state, actor) = (&state, &actor);
            async move { super::files::import_rosters(state, actor, bytes, &mode).await }
        })
        .await;
    match crate::uploads::PageOutcome::of(&state.parses, r).await {
        Ok(o) => render_import(&state, &actor, lang, Some((o, kept))),
        Err(e) => page_error(lang, e),
    }
}
