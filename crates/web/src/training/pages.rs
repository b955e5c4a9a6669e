//! The HTML pages of training: the trainee-times by area (either view of
//! the 2025 reform), the class list, a new class, a class's page (its
//! trainees, enrolment, attendance one session at a time, results and
//! certificates), and the courses. Every form goes through the same
//! parsing and checks as the API (`super`).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::forces::{PersonInput, Schooling};
use domain::policy::Action;
use domain::training::{
    AttendanceMark, Audience, ClassInput, CourseInput, EnrolInput, NewClass, NewCourse,
    ResultInput, Topic, TopicHoursInput,
};
use domain::{DomainError, Reason};
use serde::Serialize;
use store::training::summary::TrainingSummary;
use store::training::{self as training, ClassRow, CourseRow, EnrolmentRow};

use super::{class, class_query, summary};
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
        .get("/training", summary_page)
        .get("/classes", list_page)
        .post("/classes", create_form)
        .get("/classes/new", new_page)
        .get("/classes/{id}", show_page)
        .post("/classes/{id}/enrolments", enrol_form)
        .post("/classes/{id}/attendance", attendance_form)
        .upload("/classes/{id}/attendance/upload", attendance_upload_form)
        .upload("/classes/{id}/enrolments/upload", trainees_upload_form)
        .post(
            "/classes/{id}/enrolments/{enrolment_id}/result",
            result_form,
        )
        .get("/refreshers-due", refreshers_page)
        .get("/courses", courses_page)
        .post("/courses", create_course_form)
}

fn base<'a>(actor: &'a Actor, lang: Lang, path: impl Into<String>) -> Base<'a> {
    Base::new(actor, lang, path, "training")
}

/// The coded values the filters and forms offer.
#[derive(Serialize)]
struct Choices {
    audiences: Vec<&'static str>,
    topics: Vec<&'static str>,
    schooling: Vec<&'static str>,
}

fn choices() -> Choices {
    Choices {
        audiences: Audience::ALL.iter().map(|a| a.as_str()).collect(),
        topics: Topic::ALL.iter().map(|t| t.as_str()).collect(),
        schooling: Schooling::ALL.iter().map(|s| s.as_str()).collect(),
    }
}

// ---- the summary ------------------------------------------------------------------

#[derive(Serialize)]
struct SummaryPage {
    s: TrainingSummary,
    audience: String,
    query: String,
    choices: Choices,
}

impl PageContext for SummaryPage {
    const TEMPLATE: &'static str = "training/summary.html";
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
        let page = SummaryPage {
            s,
            audience: f.get("audience").unwrap_or_default().to_owned(),
            query: f.query_string(),
            choices: choices(),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/training"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- the class list ---------------------------------------------------------------

const FILTERS: &[&str] = &[
    "org_unit",
    "from",
    "to",
    "audience",
    "course",
    "awaiting_results",
];

#[derive(Serialize)]
struct ListPage {
    items: Vec<ClassRow>,
    total: i64,
    page: u32,
    pages: i64,
    f: Echo,
    query: String,
    courses: Vec<CourseRow>,
    choices: Choices,
    unit_label: Option<String>,
}

impl PageContext for ListPage {
    const TEMPLATE: &'static str = "training/list.html";
}

async fn list_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let query = class_query(&f)?;
        crate::areas::check_unit(&state, &actor, query.org_unit).await?;
        let (items, total) = training::classes(&state.db, actor.scope(), &query).await?;
        let per = i64::from(query.page.per_page.max(1));
        let page = ListPage {
            items,
            total,
            page: query.page.page,
            pages: (total + per - 1) / per,
            f: Echo::of(&f, FILTERS),
            query: f.query_string(),
            courses: training::courses(&state.db).await?,
            choices: choices(),
            unit_label: pickers::unit_label_of(&state, &actor, query.org_unit).await?,
        };
        Ok::<_, ApiError>(state.templates.page(&base(&actor, lang, "/classes"), &page))
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- a new class ------------------------------------------------------------------

const CLASS_FIELDS: &[&str] = &[
    "course_id",
    "organiser",
    "organiser_unit_id",
    "name",
    "audience",
    "starts_on",
    "ends_on",
    "sessions",
    "place",
    "trainers",
    "partners",
    "capacity",
];

#[derive(Serialize)]
struct NewPage {
    form: Echo,
    unit_label: Option<String>,
    courses: Vec<CourseRow>,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for NewPage {
    const TEMPLATE: &'static str = "training/new.html";
}

async fn render_new(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let unit = f
        .get("organiser_unit_id")
        .and_then(|s| s.trim().parse().ok());
    let page = NewPage {
        form: Echo::of(f, CLASS_FIELDS),
        unit_label: pickers::unit_label_of(state, actor, unit)
            .await
            .ok()
            .flatten(),
        courses: training::courses(&state.db).await?,
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state
            .templates
            .page(&base(actor, lang, "/classes/new"), &page),
    )
        .into_response())
}

async fn new_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        actor.require(Action::ManageTraining)?;
        render_new(
            &state,
            &actor,
            lang,
            &Fields::from_query(q.as_deref()),
            None,
        )
        .await
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

/// Session days as typed: dates separated by commas, spaces or lines.
fn session_days(text: Option<&str>) -> Option<Vec<String>> {
    let days: Vec<String> = text
        .unwrap_or_default()
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!days.is_empty()).then_some(days)
}

async fn create_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageTraining)?;
        // The organiser as typed or picked by name wins over a carried id.
        let organiser_unit_id = match f.get("organiser").filter(|s| !s.trim().is_empty()) {
            Some(text) => {
                Some(pickers::resolve_unit(&state, &actor, "organiser_unit_id", text).await?)
            }
            None => f.i64("organiser_unit_id")?,
        };
        let text = |k: &str| f.string(k).filter(|s| !s.trim().is_empty());
        let capacity = f
            .i64("capacity")?
            .map(|c| i32::try_from(c).unwrap_or(i32::MAX));
        let input = ClassInput {
            course_id: f.i64("course_id")?,
            organiser_unit_id,
            name: text("name"),
            audience: text("audience"),
            starts_on: text("starts_on"),
            ends_on: text("ends_on"),
            sessions: session_days(f.get("sessions")),
            place: text("place"),
            trainers: text("trainers"),
            partners: text("partners"),
            capacity,
        };
        let c = NewClass::parse(&input)?;
        Ok(training::create_class(&state.db, actor.author(), actor.scope(), &c).await?)
    }
    .await;
    match r {
        Ok(c) => Redirect::to(&format!("/classes/{}", c.id)).into_response(),
        Err(e) if beside_form(&e) => render_new(&state, &actor, lang, &f, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

// ---- a class's page ---------------------------------------------------------------

const ENROL_FIELDS: &[&str] = &[
    "person_id",
    "full_name",
    "birth_date",
    "phone",
    "schooling",
    "national_id",
];

/// A trainee with their marks at the chosen session.
#[derive(Serialize)]
struct Trainee {
    #[serde(flatten)]
    e: EnrolmentRow,
    /// Marked present at the chosen session (none: not marked yet).
    present: Option<bool>,
}

#[derive(Serialize)]
struct ShowPage {
    class: ClassRow,
    course: Option<CourseRow>,
    sessions: Vec<NaiveDate>,
    trainees: Vec<Trainee>,
    /// The session the attendance form marks.
    day: Option<NaiveDate>,
    /// Sessions held so far (on or before today): the ones to mark.
    held: Vec<NaiveDate>,
    /// The last session is over: results may be entered.
    results_open: bool,
    certificates: i64,
    can_manage: bool,
    /// What was just saved: `enrolled`, `marked`, `result`.
    done: Option<String>,
    error: Option<FormError>,
    /// Which form the error belongs to: `enrol`, `attendance`, `result_<id>`.
    error_form: String,
    form: Echo,
    choices: Choices,
    history: Vec<store::audit::Entry>,
}

impl PageContext for ShowPage {
    const TEMPLATE: &'static str = "training/show.html";
}

/// The session the attendance form marks: the one asked for, else the
/// latest held, else the first.
fn chosen_day(
    asked: Option<NaiveDate>,
    sessions: &[NaiveDate],
    today: NaiveDate,
) -> Option<NaiveDate> {
    asked
        .filter(|d| sessions.contains(d))
        .or_else(|| sessions.iter().rev().find(|d| **d <= today).copied())
        .or_else(|| sessions.first().copied())
}

async fn show(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    q: &Fields,
    error: Option<(ApiError, String, Fields)>,
) -> Result<Response, ApiError> {
    let (c, sessions) = class(state, actor, forms::record_id(id)?).await?;
    let today = domain::time::today();
    let asked = q
        .get("day")
        .filter(|s| !s.is_empty())
        .map(|s| domain::time::parse_date("day", s))
        .transpose()?;
    let day = chosen_day(asked, &sessions, today);
    // The chosen session's marks, by trainee (a class holds up to 1,000
    // trainees and 60 sessions).
    let marked: std::collections::HashMap<i64, bool> = training::attendance(&state.db, c.id)
        .await?
        .into_iter()
        .filter(|m| Some(m.session_on) == day)
        .map(|m| (m.enrolment_id, m.present))
        .collect();
    let trainees = training::enrolments(&state.db, c.id)
        .await?
        .into_iter()
        .map(|e| Trainee {
            present: marked.get(&e.id).copied(),
            e,
        })
        .collect::<Vec<_>>();
    let course = training::course(&state.db, c.course_id).await?;
    let last = sessions.last().copied().unwrap_or(c.ends_on);
    let status = error.as_ref().map_or(StatusCode::OK, |(e, _, _)| e.status);
    let (error, error_form, form) = match error {
        Some((e, which, f)) => (Some(FormError::from(e)), which, Echo::of(&f, ENROL_FIELDS)),
        None => (
            None,
            String::new(),
            Echo::of(&Fields::parse(b""), ENROL_FIELDS),
        ),
    };
    let cid = c.id;
    let page = ShowPage {
        certificates: trainees
            .iter()
            .filter(|t| t.e.certificate_no.is_some())
            .count() as i64,
        held: sessions.iter().filter(|d| **d <= today).copied().collect(),
        results_open: today >= last,
        can_manage: actor.may(Action::ManageTraining),
        class: c,
        course,
        sessions,
        trainees,
        day,
        done: q.string("done"),
        error,
        error_form,
        form,
        choices: choices(),
        history: store::audit::history(&state.db, "training_class", &cid.to_string()).await?,
    };
    let base = base(actor, lang, format!("/classes/{cid}"));
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

/// After a form on a class's page: the page again (with `then` added to
/// its address), or, refused, the page with the error beside `which`.
async fn back_to_class(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    r: Result<String, ApiError>,
    which: &str,
    f: Fields,
) -> Response {
    match r {
        Ok(then) => Redirect::to(&format!("/classes/{id}{then}")).into_response(),
        Err(e) if beside_form(&e) => {
            let q = Fields::from_pairs(
                f.get("day")
                    .map(|d| vec![("day".to_owned(), d.to_owned())])
                    .unwrap_or_default(),
            );
            show(state, actor, lang, id, &q, Some((e, which.into(), f)))
                .await
                .unwrap_or_else(|e| page_error(lang, e))
        }
        Err(e) => page_error(lang, e),
    }
}

/// The enrolment form: someone on record (`person_id`), or a new person.
fn enrol_input(f: &Fields) -> Result<EnrolInput, ApiError> {
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
    Ok(EnrolInput { person_id, person })
}

async fn enrol_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageTraining)?;
        class(&state, &actor, forms::record_id(&id)?).await?;
        let input = enrol_input(&f)?;
        training::enrol(
            &state.db,
            actor.author(),
            actor.scope(),
            &state.config.id_key,
            forms::record_id(&id)?,
            &input,
        )
        .await?;
        Ok("?done=enrolled#trainees".to_owned())
    }
    .await;
    back_to_class(&state, &actor, lang, &id, r, "enrol", f).await
}

/// One session's marks: every trainee of the class, present when ticked.
async fn attendance_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageTraining)?;
        let (c, sessions) = class(&state, &actor, forms::record_id(&id)?).await?;
        let cid = c.id;
        let on = domain::time::parse_date("day", f.get("day").unwrap_or_default())?;
        // Checked here too: a class without trainees writes no mark to refuse.
        if !sessions.contains(&on) {
            return Err(DomainError::new("day", Reason::NotASession { day: on }).into());
        }
        let day = on.to_string();
        let ticked: Vec<&str> = f.all("present").collect();
        let marks: Vec<AttendanceMark> = training::enrolments(&state.db, cid)
            .await?
            .into_iter()
            .map(|e| AttendanceMark {
                enrolment_id: Some(e.id),
                session_on: Some(day.clone()),
                present: Some(ticked.contains(&e.id.to_string().as_str())),
            })
            .collect();
        let marks = AttendanceMark::parse_all(&marks)?;
        training::mark_attendance(&state.db, actor.author(), actor.scope(), cid, &marks).await?;
        Ok(format!("?done=marked&day={day}#attendance"))
    }
    .await;
    back_to_class(&state, &actor, lang, &id, r, "attendance", f).await
}

/// The class's attendance sheet filled in, uploaded from its page.
async fn attendance_upload_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        let (c, sessions, bytes) = super::class_upload(&state, &actor, &id, req).await?;
        super::files::upload_attendance(&state, &actor, &c, &sessions, bytes).await?;
        Ok("?done=marked#attendance".to_owned())
    }
    .await;
    back_to_class(
        &state,
        &actor,
        lang,
        &id,
        r,
        "attendance",
        Fields::parse(b""),
    )
    .await
}

/// A list of trainees uploaded from the class's page.
async fn trainees_upload_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Response {
    let r = async {
        let (c, _, bytes) = super::class_upload(&state, &actor, &id, req).await?;
        super::files::upload_trainees(&state, &actor, &c, bytes).await?;
        Ok("?done=enrolled#trainees".to_owned())
    }
    .await;
    back_to_class(&state, &actor, lang, &id, r, "enrol", Fields::parse(b"")).await
}

async fn result_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    Path((id, enrolment)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let which = format!("result_{}", enrolment.trim());
    let r = async {
        actor.require(Action::ManageTraining)?;
        class(&state, &actor, forms::record_id(&id)?).await?;
        let input = ResultInput {
            score: f.f64("score")?,
            note: f.string("note").filter(|s| !s.trim().is_empty()),
        };
        training::set_result(
            &state.db,
            actor.author(),
            actor.scope(),
            forms::record_id(&id)?,
            forms::record_id(&enrolment)?,
            input.parse()?,
        )
        .await?;
        Ok("?done=result#trainees".to_owned())
    }
    .await;
    back_to_class(&state, &actor, lang, &id, r, &which, f).await
}

// ---- refreshers due ---------------------------------------------------------------

#[derive(Serialize)]
struct RefreshersPage {
    r: super::RefresherPage,
    pages: i64,
    query: String,
}

impl PageContext for RefreshersPage {
    const TEMPLATE: &'static str = "training/refreshers.html";
}

async fn refreshers_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let r = async {
        let f = Fields::from_query(q.as_deref());
        let r = super::refreshers(&state, &actor, &f).await?;
        let page = RefreshersPage {
            pages: r.pages(),
            r,
            query: f.query_string(),
        };
        Ok::<_, ApiError>(
            state
                .templates
                .page(&base(&actor, lang, "/refreshers-due"), &page),
        )
    }
    .await;
    r.unwrap_or_else(|e| page_error(lang, e))
}

// ---- courses ----------------------------------------------------------------------

const COURSE_FIELDS: &[&str] = &[
    "name",
    "refresher_months",
    "pass_mark",
    "min_attendance_percent",
    "hours_thu_thap_thong_tin",
    "hours_xay_dung_phong_trao",
    "hours_pccc_cnch",
    "hours_quan_ly_hanh_chinh",
    "hours_giao_duc_doi_tuong",
    "hours_tuan_tra",
    "hours_cong_cu_ho_tro",
    "hours_phap_luat",
];

#[derive(Serialize)]
struct CoursesPage {
    courses: Vec<CourseRow>,
    can_add: bool,
    added: bool,
    form: Echo,
    error: Option<FormError>,
    choices: Choices,
}

impl PageContext for CoursesPage {
    const TEMPLATE: &'static str = "training/courses.html";
}

async fn render_courses(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    f: &Fields,
    added: bool,
    error: Option<ApiError>,
) -> Result<Response, ApiError> {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let page = CoursesPage {
        courses: training::courses(&state.db).await?,
        can_add: actor.may(Action::ManageCourses),
        added,
        form: Echo::of(f, COURSE_FIELDS),
        error: error.map(FormError::from),
        choices: choices(),
    };
    Ok((
        status,
        state.templates.page(&base(actor, lang, "/courses"), &page),
    )
        .into_response())
}

async fn courses_page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(q): RawQuery,
) -> Response {
    let f = Fields::from_query(q.as_deref());
    let added = f.get("added").is_some();
    render_courses(&state, &actor, lang, &Fields::parse(b""), added, None)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// The course form has an hours box per topic; a topic left blank is
/// not taught.
fn course_input(f: &Fields) -> Result<CourseInput, ApiError> {
    let mut topics = Vec::new();
    for t in Topic::ALL {
        let key = format!("hours_{}", t.as_str());
        let Some(raw) = f.get(&key).map(str::trim).filter(|s| !s.is_empty()) else {
            continue;
        };
        let hours = raw.parse::<i32>().map_err(|_| {
            ApiError::from(DomainError::new(
                "topics",
                Reason::CountOutOfRange { max: 200 },
            ))
        })?;
        topics.push(TopicHoursInput {
            topic: Some(t.as_str().into()),
            hours: Some(hours),
        });
    }
    let small = |v: Option<i64>| v.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
    Ok(CourseInput {
        name: f.string("name"),
        topics: Some(topics),
        refresher_months: small(f.i64("refresher_months")?),
        pass_mark: f.f64("pass_mark")?,
        min_attendance_percent: small(f.i64("min_attendance_percent")?),
    })
}

async fn create_course_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let r = async {
        actor.require(Action::ManageCourses)?;
        let c = NewCourse::parse(&course_input(&f)?)?;
        Ok::<_, ApiError>(training::create_course(&state.db, actor.author(), &c).await?)
    }
    .await;
    match r {
        Ok(_) => Redirect::to("/courses?added=1").into_response(),
        Err(e) if beside_form(&e) => render_courses(&state, &actor, lang, &f, false, Some(e))
            .await
            .unwrap_or_else(|e| page_error(lang, e)),
        Err(e) => page_error(lang, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_attendance_form_marks_the_latest_session_held() {
        let days = [d("2026-03-02"), d("2026-03-03"), d("2026-03-04")];
        assert_eq!(
            chosen_day(None, &days, d("2026-03-03")),
            Some(d("2026-03-03"))
        );
        assert_eq!(
            chosen_day(None, &days, d("2026-01-01")),
            Some(d("2026-03-02"))
        );
        assert_eq!(
            chosen_day(Some(d("2026-03-04")), &days, d("2026-03-03")),
            Some(d("2026-03-04"))
        );
        // A day without a session is not offered.
        assert_eq!(
            chosen_day(Some(d("2026-03-05")), &days, d("2026-12-01")),
            Some(d("2026-03-04"))
        );
        assert_eq!(chosen_day(None, &[], d("2026-12-01")), None);
    }

    #[test]
    fn session_days_split_on_commas_and_lines() {
        assert_eq!(
            session_days(Some("2026-03-02, 2026-03-04\n2026-03-06")),
            Some(vec![
                "2026-03-02".into(),
                "2026-03-04".into(),
                "2026-03-06".into()
            ])
        );
        assert_eq!(session_days(Some("  ")), None);
        assert_eq!(session_days(None), None);
    }
}
