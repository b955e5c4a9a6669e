//! Training: courses, classes run by a province or a commune, enrolments
//! of people (`forces`'s records), attendance per session, results and
//! certificate numbers. Every write is checked against the scope (the
//! organiser's unit) and audited; a batch of attendance is all or nothing.

use chrono::{Datelike, NaiveDate, Utc};
use domain::forces::IdKey;
use domain::org_units::Level;
use domain::page::Page;
use domain::text::fold;
use domain::training::{self as t, Audience, Mark, NewClass, NewCourse, Trainee};
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod summary;

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

async fn record<A: Serialize>(
    tx: &mut Tx,
    author: Author,
    action: &str,
    entity: &str,
    id: i64,
    after: &A,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity,
            entity_id: id.to_string(),
            before: None::<&()>,
            after: Some(after),
        },
    )
    .await
}

// ---- courses ----------------------------------------------------------------------

/// A topic of a course and its hours.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TopicHours {
    #[schema(value_type = domain::training::Topic)]
    pub topic: String,
    pub hours: i32,
}

/// A course as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CourseRow {
    pub id: i64,
    pub name: String,
    pub total_hours: i32,
    pub refresher_months: Option<i32>,
    pub pass_mark: f64,
    pub min_attendance_percent: i32,
    #[sqlx(skip)]
    pub topics: Vec<TopicHours>,
}

const SELECT_COURSE: &str = "SELECT id, name, total_hours, refresher_months, pass_mark,
        min_attendance_percent FROM courses";

/// Adds a course; a course of the same name (diacritics aside) is refused.
pub async fn create_course(db: &Db, author: Author, c: &NewCourse) -> Result<CourseRow> {
    let mut tx = db.begin().await?;
    let taken: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM courses WHERE name_folded = $1",
        fold(&c.name)
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::CourseNameTaken {
            name: c.name.clone(),
        }));
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO courses (name, name_folded, total_hours, refresher_months, pass_mark,
            min_attendance_percent, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        &c.name,
        fold(&c.name),
        c.total_hours(),
        c.refresher_months,
        c.pass_mark,
        c.min_attendance_percent,
        now
    )?;
    for (topic, hours) in &c.topics {
        execute!(
            tx,
            "INSERT INTO course_topics (course_id, topic, hours) VALUES ($1, $2, $3)",
            id,
            topic.as_str(),
            *hours
        )?;
    }
    let row = course_tx(&mut tx, id)
        .await?
        .ok_or_else(|| StoreError::Data("course vanished".into()))?;
    record(&mut tx, author, "create", "course", id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// One course with its topics.
pub async fn course(db: &Db, id: i64) -> Result<Option<CourseRow>> {
    let mut tx = db.begin_read().await?;
    let c = course_tx(&mut tx, id).await?;
    tx.rollback().await?;
    Ok(c)
}

async fn course_tx(tx: &mut Tx, id: i64) -> Result<Option<CourseRow>> {
    let found: Option<CourseRow> = fetch!(
        tx,
        fetch_optional,
        CourseRow,
        &format!("{SELECT_COURSE} WHERE id = $1"),
        id
    )?;
    let Some(mut c) = found else {
        return Ok(None);
    };
    c.topics = fetch!(
        tx,
        fetch_all,
        TopicHours,
        "SELECT topic, hours FROM course_topics WHERE course_id = $1 ORDER BY topic",
        id
    )?;
    Ok(Some(c))
}

/// Every course, by name, with its topics.
pub async fn courses(db: &Db) -> Result<Vec<CourseRow>> {
    let mut tx = db.begin_read().await?;
    let mut rows: Vec<CourseRow> = fetch!(
        tx,
        fetch_all,
        CourseRow,
        &format!("{SELECT_COURSE} ORDER BY name_folded")
    )?;
    #[derive(sqlx::FromRow)]
    struct Topic {
        course_id: i64,
        topic: String,
        hours: i32,
    }
    let topics: Vec<Topic> = fetch!(
        tx,
        fetch_all,
        Topic,
        "SELECT course_id, topic, hours FROM course_topics ORDER BY course_id, topic"
    )?;
    tx.rollback().await?;
    for r in &mut rows {
        r.topics = topics
            .iter()
            .filter(|t| t.course_id == r.id)
            .map(|t| TopicHours {
                topic: t.topic.clone(),
                hours: t.hours,
            })
            .collect();
    }
    Ok(rows)
}

// ---- classes ----------------------------------------------------------------------

/// A class as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ClassRow {
    pub id: i64,
    pub course_id: i64,
    pub course_name: String,
    pub organiser_unit_id: i64,
    pub organiser_name: String,
    pub province_id: i64,
    pub name: String,
    #[schema(value_type = Audience)]
    pub audience: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: Option<String>,
    pub trainers: Option<String>,
    pub partners: Option<String>,
    pub capacity: i32,
    /// How many session days it has.
    pub sessions: i32,
    pub enrolled: i64,
    pub passed: i64,
}

const SELECT_CLASS: &str = "SELECT c.id, c.course_id, co.name AS course_name, c.organiser_unit_id,
        u.name AS organiser_name, c.province_id, c.name, c.audience, c.starts_on, c.ends_on,
        c.place, c.trainers, c.partners, c.capacity, c.sessions,
        (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = c.id) AS enrolled,
        (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = c.id AND e.passed) AS passed
   FROM training_classes c
   JOIN courses co ON co.id = c.course_id
   JOIN org_units u ON u.id = c.organiser_unit_id";

/// Sets up a class run by a province or a commune of the scope.
pub async fn create_class(db: &Db, author: Author, scope: Scope, c: &NewClass) -> Result<ClassRow> {
    let mut tx = db.begin().await?;
    let organiser = crate::scope::unit(&mut tx, scope, c.organiser_unit_id).await?;
    if !matches!(organiser.level, Level::Province | Level::Commune)
        || !organiser.validity().contains(c.starts_on)
    {
        return Err(invalid("organiser_unit_id", Reason::OrganiserUnitInvalid));
    }
    let course = course_tx(&mut tx, c.course_id)
        .await?
        .ok_or_else(|| invalid("course_id", Reason::CourseUnknown))?;
    let province = crate::forces::province_of(&mut tx, organiser.id)
        .await?
        .ok_or_else(|| StoreError::Data(format!("org unit {} has no province", organiser.id)))?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO training_classes (course_id, organiser_unit_id, province_id, name, audience,
            starts_on, ends_on, place, trainers, partners, capacity, sessions, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        course.id,
        organiser.id,
        province,
        c.name_or(&course.name),
        c.audience.as_str(),
        c.starts_on,
        c.ends_on,
        c.place.as_deref(),
        c.trainers.as_deref(),
        c.partners.as_deref(),
        c.capacity,
        i32::try_from(c.sessions.len()).unwrap_or(i32::MAX),
        now
    )?;
    for day in &c.sessions {
        execute!(
            tx,
            "INSERT INTO class_sessions (class_id, session_on) VALUES ($1, $2)",
            id,
            *day
        )?;
    }
    let row = class_tx(&mut tx, id).await?;
    record(&mut tx, author, "create", "training_class", id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

async fn class_tx(tx: &mut Tx, id: i64) -> Result<ClassRow> {
    fetch!(
        tx,
        fetch_optional,
        ClassRow,
        &format!("{SELECT_CLASS} WHERE c.id = $1"),
        id
    )?
    .ok_or(StoreError::NotFound)
}

/// The class, if its organiser is in the scope (else "not found").
async fn class_in_scope(tx: &mut Tx, scope: Scope, id: i64) -> Result<ClassRow> {
    let c = class_tx(tx, id).await?;
    if let Some(user) = scope.user_id() {
        if !crate::scope::reaches(tx, user, c.organiser_unit_id).await? {
            return Err(StoreError::NotFound);
        }
    }
    Ok(c)
}

/// One class in scope, with its session days.
pub async fn class(db: &Db, scope: Scope, id: i64) -> Result<Option<(ClassRow, Vec<NaiveDate>)>> {
    let mut tx = db.begin_read().await?;
    let c = match class_in_scope(&mut tx, scope, id).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let days = sessions_tx(&mut tx, id).await?;
    tx.rollback().await?;
    Ok(Some((c, days)))
}

async fn sessions_tx(tx: &mut Tx, class: i64) -> Result<Vec<NaiveDate>> {
    Ok(fetch!(
        tx,
        fetch_all,
        scalar NaiveDate,
        "SELECT session_on FROM class_sessions WHERE class_id = $1 ORDER BY session_on",
        class
    )?)
}

/// The class list's filters.
#[derive(Debug, Clone)]
pub struct ClassQuery {
    /// Classes run by this unit or a unit under it (across the 2025 mapping).
    pub org_unit: Option<i64>,
    /// Classes that end on or after this day.
    pub from: Option<NaiveDate>,
    /// Classes that end on or before this day.
    pub to: Option<NaiveDate>,
    pub audience: Option<Audience>,
    pub course: Option<i64>,
    /// Only classes over before this day with a trainee still without a
    /// result (the home page's "results to enter").
    pub awaiting_results: Option<NaiveDate>,
    pub page: Page,
}

fn class_where(scope: Scope, q: &ClassQuery, p: &mut Params) -> String {
    let mut c = vec!["1 = 1".to_string()];
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "c.organiser_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(d) = q.from {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("c.ends_on >= {n}"));
    }
    if let Some(d) = q.to {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("c.ends_on <= {n}"));
    }
    if let Some(a) = q.audience {
        let n = p.push(Arg::Text(Some(a.as_str().into())));
        c.push(format!("c.audience = {n}"));
    }
    if let Some(course) = q.course {
        let n = p.push(Arg::I64(Some(course)));
        c.push(format!("c.course_id = {n}"));
    }
    if let Some(today) = q.awaiting_results {
        c.push(awaiting_results_cond(today, p));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(crate::scope::unit_in_scope("c.organiser_unit_id", &n));
    }
    c.join(" AND ")
}

fn awaiting_results_cond(today: NaiveDate, p: &mut Params) -> String {
    let n = p.push(Arg::Date(Some(today)));
    format!(
        "c.ends_on < {n} AND EXISTS (SELECT 1 FROM enrolments e
                                      WHERE e.class_id = c.id AND e.score IS NULL)"
    )
}

/// The classes the filters match, latest first, with how many match.
pub async fn classes(db: &Db, scope: Scope, q: &ClassQuery) -> Result<(Vec<ClassRow>, i64)> {
    let mut p = Params::default();
    let cond = class_where(scope, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_CLASS} WHERE {cond} ORDER BY c.starts_on DESC, c.id DESC LIMIT {lim} OFFSET {off}"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<ClassRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM training_classes c WHERE {}",
        class_where(scope, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

// ---- enrolments ---------------------------------------------------------------------

/// A trainee of a class.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub id: i64,
    pub class_id: i64,
    pub person_id: i64,
    pub full_name: String,
    #[serde(skip)]
    pub birth_date: NaiveDate,
    #[sqlx(skip)]
    pub birth_year: i32,
    pub enrolled_on: NaiveDate,
    /// Sessions present.
    pub attended: i32,
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub note: Option<String>,
    pub certificate_no: Option<String>,
    pub certified_on: Option<NaiveDate>,
}

const SELECT_ENROLMENT: &str = "SELECT e.id, e.class_id, e.person_id, pe.full_name, pe.birth_date,
        e.enrolled_on, e.attended, e.score, e.passed, e.note, e.certificate_no, e.certified_on
   FROM enrolments e JOIN people pe ON pe.id = e.person_id";

fn with_year(mut rows: Vec<EnrolmentRow>) -> Vec<EnrolmentRow> {
    for r in &mut rows {
        r.birth_year = r.birth_date.year();
    }
    rows
}

async fn enrolment_tx(tx: &mut Tx, class: i64, id: i64) -> Result<EnrolmentRow> {
    let found: Option<EnrolmentRow> = fetch!(
        tx,
        fetch_optional,
        EnrolmentRow,
        &format!("{SELECT_ENROLMENT} WHERE e.id = $1 AND e.class_id = $2"),
        id,
        class
    )?;
    found
        .map(|r| with_year(vec![r]).remove(0))
        .ok_or_else(|| invalid("enrolment_id", Reason::NotEnrolled { enrolment: id }))
}

/// The class's trainees, by name.
pub async fn enrolments(db: &Db, class: i64) -> Result<Vec<EnrolmentRow>> {
    let mut tx = db.begin_read().await?;
    let rows: Vec<EnrolmentRow> = fetch!(
        tx,
        fetch_all,
        EnrolmentRow,
        &format!("{SELECT_ENROLMENT} WHERE e.class_id = $1 ORDER BY pe.name_folded, e.id"),
        class
    )?;
    tx.rollback().await?;
    Ok(with_year(rows))
}

/// Enrols a person on record or a new one; refused when the class is full
/// or the person is in it already.
pub async fn enrol(
    db: &Db,
    author: Author,
    scope: Scope,
    key: &IdKey,
    class: i64,
    input: &t::EnrolInput,
) -> Result<EnrolmentRow> {
    let mut tx = db.begin().await?;
    let row = enrol_tx(&mut tx, author, scope, key, class, input).await?;
    tx.commit().await?;
    Ok(row)
}

/// Enrols everyone of a list (a file's rows) in one transaction: all of
/// them, or, at the first refusal, none; the error names the list's
/// position (0-based) that was refused.
pub async fn enrol_many(
    db: &Db,
    author: Author,
    scope: Scope,
    key: &IdKey,
    class: i64,
    inputs: &[t::EnrolInput],
) -> std::result::Result<Vec<EnrolmentRow>, (usize, StoreError)> {
    let mut tx = db.begin().await.map_err(|e| (0, e))?;
    let mut rows = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        rows.push(
            enrol_tx(&mut tx, author, scope, key, class, input)
                .await
                .map_err(|e| (i, e))?,
        );
    }
    tx.commit().await.map_err(|e| (inputs.len(), e))?;
    Ok(rows)
}

async fn enrol_tx(
    tx: &mut Tx,
    author: Author,
    scope: Scope,
    key: &IdKey,
    class: i64,
    input: &t::EnrolInput,
) -> Result<EnrolmentRow> {
    let today = domain::time::today();
    let c = class_in_scope(tx, scope, class).await?;
    let trainee = input.parse(today)?;
    if c.enrolled >= i64::from(c.capacity) {
        return Err(StoreError::Conflict(Reason::ClassFull {
            capacity: i64::from(c.capacity),
        }));
    }
    let person = match &trainee {
        Trainee::Existing(id) => crate::forces::person_in_scope(tx, scope, *id).await?.id,
        Trainee::New(p) => {
            crate::forces::find_or_create_person(tx, author, key, p, c.organiser_unit_id)
                .await?
                .0
                .id
        }
    };
    let taken: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM enrolments WHERE class_id = $1 AND person_id = $2",
        class,
        person
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::AlreadyEnrolled));
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO enrolments (class_id, person_id, enrolled_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
        class,
        person,
        today,
        now
    )?;
    let row = enrolment_tx(tx, class, id).await?;
    record(tx, author, "enrol", "enrolment", id, &row).await?;
    Ok(row)
}

// ---- attendance -------------------------------------------------------------------

/// One trainee's presence at one session.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct AttendanceRow {
    pub enrolment_id: i64,
    pub session_on: NaiveDate,
    pub present: bool,
}

/// The class's attendance marks, by trainee and day.
pub async fn attendance(db: &Db, class: i64) -> Result<Vec<AttendanceRow>> {
    let mut tx = db.begin_read().await?;
    let rows = fetch!(
        tx,
        fetch_all,
        AttendanceRow,
        "SELECT a.enrolment_id, a.session_on, a.present FROM attendance a
           JOIN enrolments e ON e.id = a.enrolment_id
          WHERE e.class_id = $1 ORDER BY a.enrolment_id, a.session_on",
        class
    )?;
    tx.rollback().await?;
    Ok(rows)
}

/// Marks attendance, all or none: every mark names a trainee of the class
/// and one of its session days; a mark given again replaces the earlier
/// one. Each trainee's count of sessions present follows.
pub async fn mark_attendance(
    db: &Db,
    author: Author,
    scope: Scope,
    class: i64,
    marks: &[Mark],
) -> Result<usize> {
    let mut tx = db.begin().await?;
    class_in_scope(&mut tx, scope, class).await?;
    let days = sessions_tx(&mut tx, class).await?;
    let trainees: std::collections::HashSet<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT id FROM enrolments WHERE class_id = $1",
        class
    )?
    .into_iter()
    .collect();
    for m in marks {
        if !trainees.contains(&m.enrolment_id) {
            return Err(invalid(
                "enrolment_id",
                Reason::NotEnrolled {
                    enrolment: m.enrolment_id,
                },
            ));
        }
        if days.binary_search(&m.session_on).is_err() {
            return Err(invalid(
                "session_on",
                Reason::NotASession { day: m.session_on },
            ));
        }
    }
    // Many rows a statement (one each made PostgreSQL take 0.75 s for
    // 10,000 marks); a mark given twice keeps its last value, as one
    // statement may not update a row twice.
    let mut last: std::collections::BTreeMap<(i64, NaiveDate), bool> = Default::default();
    for m in marks {
        last.insert((m.enrolment_id, m.session_on), m.present);
    }
    let rows: Vec<((i64, NaiveDate), bool)> = last.into_iter().collect();
    let written = rows.len();
    for chunk in rows.chunks(tx.rows_per_statement(3)) {
        let args = chunk
            .iter()
            .flat_map(|((e, d), p)| [Arg::I64(Some(*e)), Arg::Date(Some(*d)), Arg::Bool(*p)])
            .collect();
        let sql = format!(
            "INSERT INTO attendance (enrolment_id, session_on, present) VALUES {}
             ON CONFLICT (enrolment_id, session_on) DO UPDATE SET present = excluded.present",
            crate::placeholders(chunk.len(), 3)
        );
        crate::execute_dyn(&mut tx, &sql, args).await?;
    }
    execute!(
        tx,
        "UPDATE enrolments SET attended = (SELECT COUNT(*) FROM attendance a
                                            WHERE a.enrolment_id = enrolments.id AND a.present),
                updated_at = $2
          WHERE class_id = $1",
        class,
        Utc::now()
    )?;
    let audited: Vec<AttendanceRow> = marks
        .iter()
        .map(|m| AttendanceRow {
            enrolment_id: m.enrolment_id,
            session_on: m.session_on,
            present: m.present,
        })
        .collect();
    record(
        &mut tx,
        author,
        "attendance",
        "training_class",
        class,
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

// ---- results ----------------------------------------------------------------------

/// Enters a trainee's test result from the class's last session on: a
/// pass (the course's mark and enough sessions) gets the organiser's next
/// certificate number of the year, kept if the result is corrected; a
/// fail has none.
pub async fn set_result(
    db: &Db,
    author: Author,
    scope: Scope,
    class: i64,
    enrolment: i64,
    (score, note): (f64, Option<String>),
) -> Result<EnrolmentRow> {
    let mut tx = db.begin().await?;
    let today = domain::time::today();
    let c = class_in_scope(&mut tx, scope, class).await?;
    let before = enrolment_tx(&mut tx, class, enrolment).await?;
    let last = sessions_tx(&mut tx, class)
        .await?
        .last()
        .copied()
        .unwrap_or(c.ends_on);
    if today < last {
        return Err(StoreError::Conflict(Reason::ResultBeforeEnd { last }));
    }
    let course = course_tx(&mut tx, c.course_id)
        .await?
        .ok_or_else(|| StoreError::Data("class without course".into()))?;
    let attended = usize::try_from(before.attended).unwrap_or(0);
    let sessions = usize::try_from(c.sessions).unwrap_or(0);
    let passed = t::passed(
        score,
        attended,
        sessions,
        course.pass_mark,
        course.min_attendance_percent,
    );
    let (number, on) = match (passed, &before.certificate_no) {
        (true, Some(n)) => (Some(n.clone()), before.certified_on),
        (true, None) => (Some(next_certificate(&mut tx, &c, last).await?), Some(last)),
        (false, _) => (None, None),
    };
    let refresher_due = on
        .zip(course.refresher_months)
        .map(|(on, months)| t::refresher_due(on, months));
    execute!(
        tx,
        "UPDATE enrolments SET score = $2, passed = $3, note = $4, certificate_no = $5,
                certified_on = $6, refresher_due = $7, updated_at = $8
          WHERE id = $1",
        enrolment,
        score,
        passed,
        note.as_deref(),
        number.as_deref(),
        on,
        refresher_due,
        Utc::now()
    )?;
    let after = enrolment_tx(&mut tx, class, enrolment).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "result",
            entity: "enrolment",
            entity_id: enrolment.to_string(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The organiser's next certificate number in the year of `day`.
async fn next_certificate(tx: &mut Tx, c: &ClassRow, day: NaiveDate) -> Result<String> {
    let year = day.year();
    let suffix = format!("%/{year}/CN-TH");
    let numbers: Vec<String> = fetch!(
        tx,
        fetch_all,
        scalar String,
        "SELECT e.certificate_no FROM enrolments e
           JOIN training_classes c ON c.id = e.class_id
          WHERE c.organiser_unit_id = $1 AND e.certificate_no LIKE $2",
        c.organiser_unit_id,
        &suffix
    )?;
    let last = numbers
        .iter()
        .filter_map(|n| n.split('/').next()?.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    Ok(t::certificate_no(last + 1, year))
}

// ---- a person's training ------------------------------------------------------------

/// A class a person took, with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TrainingRecord {
    pub class_id: i64,
    pub class_name: String,
    pub course_name: String,
    pub organiser_name: String,
    pub ends_on: NaiveDate,
    pub attended: i32,
    pub sessions: i32,
    pub passed: Option<bool>,
    pub certificate_no: Option<String>,
    /// When a refresher is due (the course's period after the certificate).
    #[sqlx(skip)]
    pub refresher_due: Option<NaiveDate>,
}

/// Every class a person was enrolled in, latest first. The caller has
/// checked the person is in scope.
pub async fn history(db: &Db, person: i64) -> Result<Vec<TrainingRecord>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        r: TrainingRecord,
        refresher_months: Option<i32>,
        certified_on: Option<NaiveDate>,
    }
    let mut tx = db.begin_read().await?;
    let rows: Vec<Row> = fetch!(
        tx,
        fetch_all,
        Row,
        "SELECT c.id AS class_id, c.name AS class_name, co.name AS course_name,
                u.name AS organiser_name, c.ends_on, e.attended, c.sessions, e.passed,
                e.certificate_no, co.refresher_months, e.certified_on
           FROM enrolments e
           JOIN training_classes c ON c.id = e.class_id
           JOIN courses co ON co.id = c.course_id
           JOIN org_units u ON u.id = c.organiser_unit_id
          WHERE e.person_id = $1
          ORDER BY c.ends_on DESC, c.id DESC",
        person
    )?;
    tx.rollback().await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut r = row.r;
            r.refresher_due = match (row.certified_on, row.refresher_months) {
                (Some(on), Some(m)) => Some(t::refresher_due(on, m)),
                _ => None,
            };
            r
        })
        .collect())
}

// ---- what waits -------------------------------------------------------------------

/// A passed trainee due a refresher: their latest certificate of a course
/// with refreshers, and no pass of that course since.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct RefresherDue {
    pub person_id: i64,
    pub full_name: String,
    pub course_id: i64,
    pub course_name: String,
    pub class_id: i64,
    pub class_name: String,
    pub certificate_no: Option<String>,
    pub refresher_due: NaiveDate,
}

/// People of the scope (trained by its units, or living in them) due a
/// refresher by `by`, the most overdue first; and how many there are.
pub async fn refreshers_due(
    db: &Db,
    scope: Scope,
    by: NaiveDate,
    page: Page,
) -> Result<(Vec<RefresherDue>, i64)> {
    let mut p = Params::default();
    let cond = refreshers_where(scope, by, &mut p);
    let lim = p.push(Arg::I64(Some(page.limit())));
    let off = p.push(Arg::I64(Some(page.offset())));
    let sql = format!(
        "SELECT e.person_id, pe.full_name, c.course_id, co.name AS course_name, c.id AS class_id,
                c.name AS class_name, e.certificate_no, e.refresher_due
           FROM enrolments e
           JOIN training_classes c ON c.id = e.class_id
           JOIN courses co ON co.id = c.course_id
           JOIN people pe ON pe.id = e.person_id
          WHERE {cond}
          ORDER BY e.refresher_due, pe.name_folded, e.id
          LIMIT {lim} OFFSET {off}"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<RefresherDue> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let total = count_refreshers_tx(&mut tx, scope, by).await?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// How many people of the scope are due a refresher by `by` (the home
/// page's count).
pub async fn count_refreshers_due(db: &Db, scope: Scope, by: NaiveDate) -> Result<i64> {
    let mut tx = db.begin_read().await?;
    let n = count_refreshers_tx(&mut tx, scope, by).await?;
    tx.rollback().await?;
    Ok(n)
}

async fn count_refreshers_tx(tx: &mut Tx, scope: Scope, by: NaiveDate) -> Result<i64> {
    let mut p = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM enrolments e
           JOIN training_classes c ON c.id = e.class_id
           JOIN people pe ON pe.id = e.person_id
          WHERE {}",
        refreshers_where(scope, by, &mut p)
    );
    Ok(fetch_dyn!(tx, fetch_one, scalar i64, &sql, p.args)?)
}

fn refreshers_where(scope: Scope, by: NaiveDate, p: &mut Params) -> String {
    let n = p.push(Arg::Date(Some(by)));
    let mut c = vec![
        format!("e.refresher_due <= {n}"),
        // Refreshed since: a later pass of the same course.
        "NOT EXISTS (SELECT 1 FROM enrolments e2
                       JOIN training_classes c2 ON c2.id = e2.class_id
                      WHERE e2.person_id = e.person_id AND c2.course_id = c.course_id
                        AND e2.passed AND e2.certified_on > e.certified_on)"
            .to_string(),
    ];
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        c.push(format!(
            "({} OR {})",
            crate::scope::unit_in_scope("c.organiser_unit_id", &u),
            crate::scope::unit_in_scope("pe.home_unit_id", &u)
        ));
    }
    c.join(" AND ")
}

/// Classes of the scope whose last day has passed with a trainee still
/// without a result.
pub async fn awaiting_results(db: &Db, scope: Scope, today: NaiveDate) -> Result<i64> {
    let q = ClassQuery {
        org_unit: None,
        from: None,
        to: None,
        audience: None,
        course: None,
        awaiting_results: Some(today),
        page: Page::default(),
    };
    let mut p = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM training_classes c WHERE {}",
        class_where(scope, &q, &mut p)
    );
    let mut tx = db.begin_read().await?;
    let n = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, p.args)?;
    tx.rollback().await?;
    Ok(n)
}
