//! The security teams over HTTP: teams (and the closed rosters of the
//! forces before July 2024), their members with the eligibility checks, a
//! person's record and history, the provinces' size rules, households and
//! area marks, the counts by area in both views of the 2025 reform, and
//! the team list as a file. The API handlers here and the pages in
//! `pages.rs` share the same parsing and checks.

pub(crate) mod files;
mod pages;

pub use pages::{unit_section, UnitForces};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use domain::forces::{
    AreaMark, AreaMarksInput, DissolveInput, EndMemberInput, Force, HouseholdsInput, MemberInput,
    NewSizeRule, NewTeam, Role, SizeRuleInput, SizeStatus, TeamInput,
};
use domain::page::Page;
use domain::policy::Action;
use domain::time::{parse_date, today};
use serde::Serialize;
use store::forces::rules::{SizeRuleRow, UnitHouseholds};
use store::forces::{
    self as forces, Added, ForcesQuery, ForcesSummary, MemberRow, PersonDetail, TeamQuery, TeamRow,
};

use crate::actor::Actor;
use crate::api::{FileFormat, List, PageParams, Problem, XLSX};
use crate::areas::{check_unit, only_scope_unit, view, ViewParam};
use crate::error::ApiError;
use crate::forms::{self, Fields};
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/security-teams", list_api)
        .post("/api/v1/security-teams", create_api)
        .get("/api/v1/security-teams/{id}", show_api)
        .post("/api/v1/security-teams/{id}/dissolve", dissolve_api)
        .get("/api/v1/security-teams/{id}/members", members_api)
        .post("/api/v1/security-teams/{id}/members", add_member_api)
        .post(
            "/api/v1/security-teams/{id}/members/{member_id}/end",
            end_member_api,
        )
        .get(
            "/api/v1/security-teams/{id}/members/{member_id}/eligibility",
            eligibility_api,
        )
        .get("/api/v1/people/{id}", person_api)
        .get("/api/v1/team-size-rules", size_rules_api)
        .post("/api/v1/team-size-rules", add_size_rule_api)
        .get("/api/v1/forces-summary", summary_api)
        .put("/api/v1/org-units/{id}/area-marks", area_marks_api)
        .put("/api/v1/org-units/{id}/households", households_api)
        .upload("/api/v1/security-teams/import", import_api)
        .get(
            "/api/v1/security-teams/roster-template",
            roster_template_api,
        )
        .merge(pages::routes())
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_api,
        create_api,
        show_api,
        dissolve_api,
        members_api,
        add_member_api,
        end_member_api,
        eligibility_api,
        person_api,
        size_rules_api,
        add_size_rule_api,
        summary_api,
        area_marks_api,
        households_api,
        import_api,
        roster_template_api
    ),
    components(schemas(Force, Role, SizeStatus, AreaMark, domain::forces::EndReason))
)]
pub struct Api;

/// A page of teams and how many match.
#[derive(Serialize, utoipa::ToSchema)]
struct TeamPage {
    items: Vec<TeamRow>,
    total: i64,
    page: u32,
    per_page: u32,
}

/// A team with its members on the day asked for.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamDetail {
    team: TeamRow,
    as_of: NaiveDate,
    members: Vec<MemberRow>,
}

// ---- shared parsing ------------------------------------------------------------

fn day(f: &Fields, key: &'static str) -> Result<NaiveDate, ApiError> {
    Ok(match f.get(key).filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_date(key, s)?,
        None => today(),
    })
}

fn force(f: &Fields) -> Result<Option<Force>, ApiError> {
    Ok(f.get("force")
        .filter(|s| !s.is_empty())
        .map(|s| Force::parse("force", s))
        .transpose()?)
}

/// The list filters, from a query string (API and page alike).
fn parse_query(f: &Fields) -> Result<TeamQuery, ApiError> {
    Ok(TeamQuery {
        org_unit: f.i64("org_unit")?,
        as_of: day(f, "as_of")?,
        view: view(f)?,
        force: force(f)?,
        size: f
            .get("size")
            .filter(|s| !s.is_empty())
            .map(|s| SizeStatus::parse("size", s))
            .transpose()?,
        page: Page::parse(f.get("page"), f.get("per_page"))?,
    })
}

async fn team(
    state: &AppState,
    actor: &Actor,
    id: i64,
    on: NaiveDate,
) -> Result<TeamRow, ApiError> {
    forces::get(&state.db, actor.scope(), id, on)
        .await?
        .ok_or_else(ApiError::not_found)
}

async fn summary(state: &AppState, actor: &Actor, f: &Fields) -> Result<ForcesSummary, ApiError> {
    let org_unit = match f.i64("org_unit")? {
        Some(u) => Some(u),
        None => only_scope_unit(state, actor).await?,
    };
    check_unit(state, actor, org_unit).await?;
    let q = ForcesQuery {
        org_unit,
        as_of: day(f, "as_of")?,
        view: view(f)?,
        force: force(f)?.unwrap_or(Force::Law30),
        today: today(),
    };
    Ok(forces::summary::summary(&state.db, actor.scope(), &q).await?)
}

async fn create(state: &AppState, actor: &Actor, input: &TeamInput) -> Result<TeamRow, ApiError> {
    actor.require(Action::ManageForces)?;
    let t = NewTeam::parse(input, today())?;
    Ok(forces::create(&state.db, actor.author(), actor.scope(), &t).await?)
}

async fn add_member(
    state: &AppState,
    actor: &Actor,
    team_id: i64,
    input: &MemberInput,
) -> Result<Added, ApiError> {
    actor.require(Action::ManageForces)?;
    Ok(forces::add_member(
        &state.db,
        actor.author(),
        actor.scope(),
        &state.config.id_key,
        team_id,
        input,
    )
    .await?)
}

async fn end_member(
    state: &AppState,
    actor: &Actor,
    team_id: i64,
    member_id: i64,
    input: &EndMemberInput,
) -> Result<MemberRow, ApiError> {
    actor.require(Action::ManageForces)?;
    Ok(forces::end_member(
        &state.db,
        actor.author(),
        actor.scope(),
        team_id,
        member_id,
        input,
    )
    .await?)
}

async fn dissolve(
    state: &AppState,
    actor: &Actor,
    id: i64,
    input: &DissolveInput,
) -> Result<TeamRow, ApiError> {
    actor.require(Action::ManageForces)?;
    Ok(forces::dissolve(&state.db, actor.author(), actor.scope(), id, input).await?)
}

pub(crate) async fn person(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<PersonDetail, ApiError> {
    forces::person(
        &state.db,
        actor.scope(),
        &state.config.id_key,
        id,
        actor.may(Action::ReadNationalIds),
    )
    .await?
    .ok_or_else(ApiError::not_found)
}

// ---- API handlers ---------------------------------------------------------------

/// Teams open on a day, by village; `format=xlsx|csv` for the list as a file
#[utoipa::path(get, path = "/api/v1/security-teams", tag = "forces",
    params(
        ("org_unit" = Option<i64>, Query, description = "Teams of villages under this unit."),
        ("as_of" = Option<domain::schema::Day>, Query, description = "Teams open on this day, with their members that day (default: today)."),
        ("view" = Option<ViewParam>, Query, description = "as_now: under today's units through the 2025 mapping (default); as_was: the hierarchy as it was."),
        ("force" = Option<Force>, Query, description = "Law 30's teams or one of the older forces."),
        ("size" = Option<SizeStatus>, Query, description = "Only teams whose size stands so against the province's rule."),
        ("format" = Option<FileFormat>, Query),
        PageParams,
    ),
    responses((status = 200, description = "A page of teams, or the file",
        content((TeamPage = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn list_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let query = parse_query(&f)?;
    check_unit(&state, &actor, query.org_unit).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        return files::export_list(&state, &actor, &query, fmt).await;
    }
    let (items, total) = forces::list(&state.db, actor.scope(), &query).await?;
    Ok(Json(TeamPage {
        items,
        total,
        page: query.page.page,
        per_page: query.page.per_page,
    })
    .into_response())
}

/// Set up a team in a village (or enter a closed roster of an older force)
#[utoipa::path(post, path = "/api/v1/security-teams", tag = "forces", request_body = TeamInput,
    responses((status = 201, description = "The team", body = TeamRow),
        (status = 409, description = "The village has an active team already", body = Problem)))]
async fn create_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let input: TeamInput = forms::json(&body)?;
    let t = create(&state, &actor, &input).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// One team with its members on a day
#[utoipa::path(get, path = "/api/v1/security-teams/{id}", tag = "forces",
    params(("id" = i64, Path, minimum = 1), ("as_of" = Option<domain::schema::Day>, Query)),
    responses((status = 200, description = "The team", body = TeamDetail)))]
async fn show_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let as_of = day(&f, "as_of")?;
    let t = team(&state, &actor, forms::record_id(&id)?, as_of).await?;
    let members = forces::members(&state.db, t.id, Some(as_of)).await?;
    Ok(Json(TeamDetail {
        team: t,
        as_of,
        members,
    })
    .into_response())
}

/// Dissolve a team: its open memberships end the same day
#[utoipa::path(post, path = "/api/v1/security-teams/{id}/dissolve", tag = "forces",
    params(("id" = i64, Path, minimum = 1)), request_body = DissolveInput,
    responses((status = 200, description = "The team", body = TeamRow),
        (status = 409, description = "Dissolved already", body = Problem)))]
async fn dissolve_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let input: DissolveInput = forms::json(&body)?;
    Ok(Json(dissolve(&state, &actor, forms::record_id(&id)?, &input).await?).into_response())
}

/// The team's members: serving on `as_of` (default today), or everyone who ever served (`all=true`)
#[utoipa::path(get, path = "/api/v1/security-teams/{id}/members", tag = "forces",
    params(("id" = i64, Path, minimum = 1), ("as_of" = Option<domain::schema::Day>, Query),
        ("all" = Option<bool>, Query, description = "Every membership, ended ones too.")),
    responses((status = 200, description = "The members", body = List<MemberRow>)))]
async fn members_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let as_of = day(&f, "as_of")?;
    let all = f.bool("all")?.unwrap_or(false);
    let t = team(&state, &actor, forms::record_id(&id)?, as_of).await?;
    let rows = forces::members(&state.db, t.id, (!all).then_some(as_of)).await?;
    Ok(Json(List::all(rows)).into_response())
}

/// Recognise a member: a person on record (`person_id`) or a new one (`person`), checked for eligibility on the start day; a failed check is refused unless `override_reason` is given (audited), and under 18 always
#[utoipa::path(post, path = "/api/v1/security-teams/{id}/members", tag = "forces",
    params(("id" = i64, Path, minimum = 1)), request_body = MemberInput,
    responses((status = 201, description = "The membership and the checks", body = Added),
        (status = 400, description = "Not eligible (each failed rule and why), or bad input", body = Problem),
        (status = 409, description = "The person serves in a team already, or the team has ended", body = Problem)))]
async fn add_member_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let id = forms::record_id(&id)?;
    let input: MemberInput = forms::json(&body)?;
    let added = add_member(&state, &actor, id, &input).await?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// End a membership (moved, resigned, role changed …)
#[utoipa::path(post, path = "/api/v1/security-teams/{id}/members/{member_id}/end", tag = "forces",
    params(("id" = i64, Path, minimum = 1), ("member_id" = i64, Path, minimum = 1)),
    request_body = EndMemberInput,
    responses((status = 200, description = "The membership", body = MemberRow),
        (status = 409, description = "Ended already", body = Problem)))]
async fn end_member_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, member_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let input: EndMemberInput = forms::json(&body)?;
    let row = end_member(
        &state,
        &actor,
        forms::record_id(&id)?,
        forms::record_id(&member_id)?,
        &input,
    )
    .await?;
    Ok(Json(row).into_response())
}

/// A member's eligibility checked again on a day (default today)
#[utoipa::path(get, path = "/api/v1/security-teams/{id}/members/{member_id}/eligibility", tag = "forces",
    params(("id" = i64, Path, minimum = 1), ("member_id" = i64, Path, minimum = 1),
        ("on" = Option<domain::schema::Day>, Query)),
    responses((status = 200, description = "Each rule, passed or why not", body = List<domain::forces::Check>)))]
async fn eligibility_api(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, member_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let on = day(&f, "on")?;
    let checks = forces::recheck(
        &state.db,
        actor.scope(),
        forms::record_id(&id)?,
        forms::record_id(&member_id)?,
        on,
    )
    .await?;
    Ok(Json(List::all(checks)).into_response())
}

/// A person's record and the teams they served in; the whole national ID number only for the province's staff
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "forces", params(("id" = i64, Path, minimum = 1)),
    responses((status = 200, description = "The person", body = PersonDetail)))]
async fn person_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(person(&state, &actor, forms::record_id(&id)?).await?).into_response())
}

/// The provinces' team-size rules (of one province, if given)
#[utoipa::path(get, path = "/api/v1/team-size-rules", tag = "forces",
    params(("province_id" = Option<i64>, Query)),
    responses((status = 200, description = "The rules", body = List<SizeRuleRow>)))]
async fn size_rules_api(
    State(state): State<AppState>,
    _actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let rules = forces::rules::size_rules(&state.db, f.i64("province_id")?).await?;
    Ok(Json(List::all(rules)).into_response())
}

/// Add a province's team-size rule, in force from a day (a new decision adds a rule; none is changed)
#[utoipa::path(post, path = "/api/v1/team-size-rules", tag = "forces", request_body = SizeRuleInput,
    responses((status = 201, description = "The rule", body = SizeRuleRow),
        (status = 409, description = "The province has a rule from that day", body = Problem)))]
async fn add_size_rule_api(
    State(state): State<AppState>,
    actor: Actor,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageTeamSizeRules)?;
    let input: SizeRuleInput = forms::json(&body)?;
    let r = NewSizeRule::parse(&input)?;
    let row = forces::rules::add_size_rule(&state.db, actor.author(), actor.scope(), &r).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// Teams, members by role, villages without a team, teams too small or too large, by area on a day, in either view of the 2025 reform
#[utoipa::path(get, path = "/api/v1/forces-summary", tag = "forces",
    params(
        ("org_unit" = Option<i64>, Query, description = "Its parts are the rows; none: the provinces (or the user's scope)."),
        ("as_of" = Option<domain::schema::Day>, Query, description = "Default: today."),
        ("view" = Option<ViewParam>, Query),
        ("force" = Option<Force>, Query, description = "Default: Law 30's teams."),
        ("format" = Option<FileFormat>, Query),
    ),
    responses((status = 200, description = "The figures", content((ForcesSummary = "application/json"), (Vec<u8> = XLSX), (String = "text/csv"))),
        (status = 404, description = "The unit is unknown or outside the scope.", body = Problem)))]
async fn summary_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let f = Fields::from_query(q.as_deref());
    let s = summary(&state, &actor, &f).await?;
    if let Some(fmt) = f.get("format").filter(|f| *f != "json") {
        crate::downloads::check_format(fmt)?;
        return files::export_summary(&s, fmt);
    }
    Ok(Json(s).into_response())
}

/// Mark a commune or village as a border, mountain or minority area (replaces its marks)
#[utoipa::path(put, path = "/api/v1/org-units/{id}/area-marks", tag = "forces",
    params(("id" = i64, Path, minimum = 1)), request_body = AreaMarksInput,
    responses((status = 200, description = "The marks", body = List<AreaMark>)))]
async fn area_marks_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let input: AreaMarksInput = forms::json(&body)?;
    let saved = forces::rules::set_area_marks(
        &state.db,
        actor.author(),
        actor.scope(),
        forms::record_id(&id)?,
        &input,
    )
    .await?;
    Ok(Json(List::all(saved)).into_response())
}

/// Enter a village's households for a year (what the team-size rule reads)
#[utoipa::path(put, path = "/api/v1/org-units/{id}/households", tag = "forces",
    params(("id" = i64, Path, minimum = 1)), request_body = HouseholdsInput,
    responses((status = 200, description = "Saved", body = UnitHouseholds)))]
async fn households_api(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let input: HouseholdsInput = forms::json(&body)?;
    let saved = forces::rules::set_households(
        &state.db,
        actor.author(),
        actor.scope(),
        forms::record_id(&id)?,
        &input,
    )
    .await?;
    Ok(Json(saved).into_response())
}

/// Import closed rosters of the forces before July 2024 from an XLSX or CSV file (multipart field `file`; the columns of `/api/v1/security-teams/roster-template`): all rosters or none
///
/// The rows that share a unit, a force and a first day are one roster;
/// one already on record is refused. `dry_run=true` answers what the file
/// would do (200); `confirm=<digest>` writes only if it still does what
/// that preview showed (409 with the new preview otherwise). 201 with
/// what was written, or 422 with the errors (the XLSX report with
/// `?report=xlsx`).
#[utoipa::path(post, path = "/api/v1/security-teams/import", tag = "forces",
    params(
        ("report" = Option<crate::api::ReportFormat>, Query, description = "On refusal, answer with the XLSX error report."),
        ("dry_run" = Option<bool>, Query, description = "Only answer what the file would do."),
        ("confirm" = Option<String>, Query, description = "The digest of the preview being confirmed."),
    ),
    request_body(content = crate::uploads::Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What the file would do (dry_run)", body = domain::file::Preview),
        (status = 201, description = "Written", body = domain::file::Written),
        (status = 409, description = "The confirmed preview no longer holds; nothing written", body = crate::uploads::PreviewStale),
        (status = 413, description = "File larger than 64 MiB.", body = Problem),
        (status = 422, description = "Rows refused; nothing written",
            content((crate::uploads::ImportRefused = "application/json"), (Vec<u8> = XLSX))),
    ))]
async fn import_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
    req: axum::extract::Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageForces)?;
    let report = crate::uploads::wants_report(raw.as_deref())?;
    let mode = crate::uploads::mode_of(raw.as_deref())?;
    let (bytes, _) =
        crate::uploads::uploaded(crate::uploads::multipart(req, &state).await?).await?;
    match files::import_rosters(&state, &actor, bytes.clone(), &mode).await? {
        domain::file::Imported::All(done) => Ok(crate::uploads::done_answer(done)),
        domain::file::Imported::Refused(errors) => {
            crate::uploads::refused(
                &state.parses,
                bytes,
                &errors,
                report,
                "loi-nhap-danh-sach",
                domain::Reason::FileRefusedRosters,
            )
            .await
        }
    }
}

/// The historical roster file's columns, empty, to fill in
#[utoipa::path(get, path = "/api/v1/security-teams/roster-template", tag = "forces",
    responses((status = 200, description = "The XLSX file", content((Vec<u8> = XLSX)))))]
async fn roster_template_api(_actor: Actor) -> Result<Response, ApiError> {
    files::roster_template()
}
