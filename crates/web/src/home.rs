//! The home page: what the person looking must do now (reports to enter
//! or fix, reports waiting for their approval, models to rate), their
//! area at a glance, and the shortcuts their role uses. Every role lands
//! here after logging in; `/api/v1/home` answers the same as JSON.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Datelike;
use domain::org_units::{Level, OrgUnit};
use domain::policy::Action;
use domain::time::today;
use serde::Serialize;
use store::models::counts::Glance;
use store::statistics::inbox::{self, Progress, Waiting};

use crate::actor::Actor;
use crate::catalogue::Workplace;
use crate::error::{page_error, ApiError};
use crate::i18n::Lang;
use crate::layout::{Base, PageContext};
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new().get("/home", page).get("/api/v1/home", api)
}

/// The API part of the document (`crate::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(api))]
pub struct Api;

/// How many reports of each kind the home page lists; the rest are a link.
const SHOWN: usize = 8;
/// The years the trend of new models covers.
const TREND_YEARS: i32 = 5;

/// What waits for one person, and their area at a glance.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Home {
    /// Reports their units must still enter, submit or fix: overdue, due
    /// within a week, or sent back.
    due: Vec<Waiting>,
    /// Reports whose next approval step is theirs, earliest deadline first.
    waiting: Vec<Waiting>,
    waiting_total: usize,
    /// Active models not rated this year, for those who rate them.
    to_rate: i64,
    /// Certification cases waiting for a step they may take, by state.
    certification: Vec<store::certification::Pending>,
    /// Training to follow up, for those who run classes.
    training: TrainingDue,
    /// Citizens' tips of their scope not yet taken up, and those overdue.
    tips: TipsDue,
    /// Tasks given to their own units that are late or due this week.
    tasks: Vec<store::directives::tasks::OwnerRow>,
    tasks_total: i64,
    /// The areas of their scope as they are today.
    areas: Vec<AreaGlance>,
    /// The year "this year" means (ratings, new models).
    year: i32,
}

/// Classes over without every result, and people due a refresher within
/// `training::REFRESHER_HORIZON_DAYS`.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TrainingDue {
    awaiting_results: i64,
    refreshers_due: i64,
}

/// Tips new (not yet taken up) and overdue in the person's scope, counted
/// up to `store::tips::COUNT_CAP`.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TipsDue {
    new: i64,
    overdue: i64,
}

/// One area of a person's scope: its models and how its units report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaGlance {
    org_unit: i64,
    name: String,
    level: &'static str,
    models: Glance,
    /// Models founded in each of the last five years, this one included.
    founded: Vec<(i32, i64)>,
    /// Each active data set's last period, over the units that enter it.
    reports: Vec<Progress>,
}

async fn home(state: &AppState, actor: &Actor) -> Result<Home, ApiError> {
    let day = today();
    let who = crate::statistics::who(actor);
    let at = Workplace::of(state, actor).await?;
    let units = current_scope_units(state, actor).await?;
    let ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let due = if actor.may(Action::EnterFigures) && enters_at_home(actor) {
        inbox::due(&state.db, who, &ids, at.provinces(), day).await?
    } else {
        Vec::new()
    };
    let (mut waiting, waiting_total) = if actor.may(Action::EnterFigures) {
        inbox::waiting(&state.db, who, day).await?
    } else {
        (Vec::new(), 0)
    };
    waiting.truncate(SHOWN);
    let mut areas = Vec::new();
    for u in units {
        let models =
            store::models::counts::glance(&state.db, actor.scope(), u.id, day.year()).await?;
        let reports = inbox::progress(&state.db, who, u.id, at.provinces(), day).await?;
        let founded = store::models::counts::founded_by_year(
            &state.db,
            actor.scope(),
            u.id,
            day.year(),
            TREND_YEARS,
        )
        .await?;
        areas.push(AreaGlance {
            org_unit: u.id,
            name: u.name,
            level: u.level.as_str(),
            models,
            founded,
            reports,
        });
    }
    let to_rate = if actor.may(Action::RateModels) {
        areas.iter().map(|a| a.models.unrated).sum()
    } else {
        0
    };
    let certification = certification_due(state, actor).await?;
    let training = training_due(state, actor, day).await?;
    let (tasks, tasks_total) = tasks_due(state, actor, day).await?;
    let tips = tips_due(state, actor, day).await?;
    Ok(Home {
        tips,
        tasks,
        tasks_total,
        certification,
        training,
        to_rate,
        due,
        waiting,
        waiting_total,
        areas,
        year: day.year(),
    })
}

/// The certification steps waiting on the person: self-assessments,
/// reviews and submissions for those who certify, decisions for those who
/// decide. Administrators see none (the whole country is not a to-do).
async fn certification_due(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<store::certification::Pending>, ApiError> {
    if actor.scope().user_id().is_none() || !actor.may(Action::Certify) {
        return Ok(Vec::new());
    }
    let decides = actor.may(Action::DecideCertification);
    Ok(
        store::certification::pending(&state.db, actor.scope(), domain::time::today())
            .await?
            .into_iter()
            .filter(|p| p.state != "reviewed" || decides)
            .collect(),
    )
}

/// What training waits on those who run classes in their scope.
/// Administrators see none, as for certification.
async fn training_due(
    state: &AppState,
    actor: &Actor,
    day: chrono::NaiveDate,
) -> Result<TrainingDue, ApiError> {
    if actor.scope().user_id().is_none() || !actor.may(Action::ManageTraining) {
        return Ok(TrainingDue::default());
    }
    let by = day + chrono::Duration::days(crate::training::REFRESHER_HORIZON_DAYS);
    Ok(TrainingDue {
        awaiting_results: store::training::awaiting_results(&state.db, actor.scope(), day).await?,
        refreshers_due: store::training::count_refreshers_due(&state.db, actor.scope(), by).await?,
    })
}

/// The tips waiting on those who handle them in their scope.
async fn tips_due(
    state: &AppState,
    actor: &Actor,
    day: chrono::NaiveDate,
) -> Result<TipsDue, ApiError> {
    if !actor.may(Action::HandleTips) {
        return Ok(TipsDue::default());
    }
    let count = |f: store::tips::Filter| async move {
        store::tips::list(&state.db, actor.scope(), actor.user.id, &f)
            .await
            .map(|(_, n)| n.min(store::tips::COUNT_CAP))
    };
    Ok(TipsDue {
        new: count(store::tips::Filter {
            state: Some(domain::tips::State::New),
            per_page: 1,
            ..Default::default()
        })
        .await?,
        overdue: count(store::tips::Filter {
            overdue_on: Some(day),
            per_page: 1,
            ..Default::default()
        })
        .await?,
    })
}

/// The tasks of the person's own units (not those of the units below
/// them) that are late or due within the week. Administrators own none.
async fn tasks_due(
    state: &AppState,
    actor: &Actor,
    day: chrono::NaiveDate,
) -> Result<(Vec<store::directives::tasks::OwnerRow>, i64), ApiError> {
    if actor.scope().user_id().is_none() || !actor.may(Action::ReportTasks) {
        return Ok((Vec::new(), 0));
    }
    let shown = u32::try_from(SHOWN).unwrap_or(8);
    Ok(store::directives::tasks::reminders(&state.db, actor.scope(), day, shown).await?)
}

/// Commune officers enter their own reports; province staff may enter for
/// a commune, but their work is approving: their home lists what their
/// communes owe under "reports", not as their own to-do.
fn enters_at_home(actor: &Actor) -> bool {
    actor.user.role == domain::accounts::Role::CommuneOfficer
}

/// The units of a person's scope that exist today (a province's staff
/// also keep the legacy provinces it absorbed, whose models and figures
/// the new one's already reach). None for administrators: the whole
/// country is not an area to glance at.
async fn current_scope_units(state: &AppState, actor: &Actor) -> Result<Vec<OrgUnit>, ApiError> {
    if actor.scope().user_id().is_none() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = store::accounts::scope_units(&state.db, actor.user.id)
        .await?
        .iter()
        .map(|u| u.id)
        .collect();
    let day = today();
    let mut units = store::org_units::get_many(&state.db, actor.scope(), &ids).await?;
    units.retain(|u| u.valid_to.is_none_or(|to| to >= day) && u.level != Level::Site);
    Ok(units)
}

/// What waits for me, and my area at a glance
///
/// The reports my units must enter or fix (overdue, due within a week, or
/// sent back), the reports waiting for my approval (the first few, and how
/// many), and for each area of my scope its active models and how its units
/// report this period.
#[utoipa::path(get, path = "/api/v1/home", tag = "statistics",
    responses((status = 200, description = "What waits", body = Home)))]
async fn api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    Ok(Json(home(&state, &actor).await?).into_response())
}

#[derive(Serialize)]
struct HomePage {
    home: Home,
    /// Each area's trend of new models, drawn (in the order of the areas).
    trends: Vec<minijinja::Value>,
    /// How many reports each list shows before its "see all" link.
    shown: usize,
}

impl PageContext for HomePage {
    const TEMPLATE: &'static str = "home.html";
}

async fn page(State(state): State<AppState>, actor: Actor, lang: Lang) -> Response {
    match home(&state, &actor).await {
        Ok(home) => {
            let base = Base::new(&actor, lang, "/home", "home");
            state.templates.page(
                &base,
                &HomePage {
                    trends: home.areas.iter().map(|a| trend_svg(a, lang)).collect(),
                    home,
                    shown: SHOWN,
                },
            )
        }
        Err(e) => page_error(lang, e),
    }
}

/// An area's new models by year, as bars titled with what they show.
fn trend_svg(a: &AreaGlance, lang: Lang) -> minijinja::Value {
    let (Some((first, _)), Some((last, _))) = (a.founded.first(), a.founded.last()) else {
        return minijinja::Value::from("");
    };
    let title = format!(
        "{} · {} · {first}–{last}",
        crate::i18n::text(lang, "home.trend"),
        a.name
    );
    let years: Vec<String> = a.founded.iter().map(|(y, _)| y.to_string()).collect();
    let series = [files::Series {
        name: crate::i18n::text(lang, "home.trend_series").into(),
        values: a.founded.iter().map(|(_, n)| Some(*n as f64)).collect(),
    }];
    // Drawn narrow: on a phone it fits the card without scrolling.
    let svg = files::chart(&title, &years, &series, files::ChartKind::Bars, 340, 240);
    minijinja::Value::from_safe_string(svg)
}
