//! Reviews (sơ kết, tổng kết): started by a unit for itself, their
//! narrative sections saved as versions, issued with a number (unique per
//! unit and year) and their figures frozen, answered by the units below
//! (submissions) and compiled by the level above. The figures are
//! assembled in [`figures`] from every capability's records.
//!
//! Who reads one: scopes that see its unit as a shared record
//! (`scope::visible_unit`: the unit, those below it, and the units above a
//! commune, so that a commune reads the province's review it answers).
//! Who writes one: a user whose own scope units include its unit (a
//! province's staff do not write a commune's review), administrators any.

use chrono::{DateTime, NaiveDate, Utc};
use domain::reviews::{Figures, Focus, Issue, Month, NewReview, Period, Section, State};
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::visible_unit;
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod compile;
pub mod figures;

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// A review as lists and pages show it (its figures apart).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: i64,
    /// None: a national review.
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    /// The unit's level (`province`, `commune` …).
    pub org_unit_level: Option<String>,
    #[schema(value_type = domain::reviews::Kind)]
    pub kind: String,
    pub subject: String,
    /// The first and last months, `YYYY-MM`.
    pub period_from: String,
    pub period_to: String,
    #[schema(value_type = domain::reviews::View)]
    pub view: String,
    #[schema(value_type = State)]
    pub state: String,
    /// The higher level's review this one is submitted to.
    pub answers_id: Option<i64>,
    /// The issued review this is a new version of.
    pub supersedes_id: Option<i64>,
    pub edition: i64,
    pub number: Option<String>,
    pub place: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub signer_authority: Option<String>,
    pub signer_title: Option<String>,
    pub signer_name: Option<String>,
    /// "Nơi nhận:", a line each.
    pub recipients: Option<String>,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ReviewRow {
    pub fn state(&self) -> State {
        State::parse("state", &self.state).unwrap_or(State::Draft)
    }

    pub fn view(&self) -> domain::reviews::View {
        domain::reviews::View::parse("view", &self.view).unwrap_or(domain::reviews::View::Was)
    }

    /// The period as stored (checked when written).
    pub fn period(&self) -> Result<Period> {
        let bad = || StoreError::Data(format!("review {}: kỳ báo cáo không đọc được", self.id));
        let from = Month::parse("from", &self.period_from, true).map_err(|_| bad())?;
        let to = Month::parse("to", &self.period_to, false).map_err(|_| bad())?;
        Ok(Period { from, to })
    }

    pub fn recipient_lines(&self) -> Vec<String> {
        self.recipients
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

const SELECT_REVIEW: &str = "SELECT r.id, r.org_unit_id, u.name AS org_unit_name,
        u.level AS org_unit_level, r.kind, r.subject, r.period_from, r.period_to, r.view,
        r.state, r.answers_id, r.supersedes_id, CAST(r.edition AS BIGINT) AS edition, r.number,
        r.place, r.issued_on, r.signer_authority, r.signer_title, r.signer_name, r.recipients,
        us.display_name AS author, r.created_at, r.updated_at
   FROM reviews r
   LEFT JOIN org_units u ON u.id = r.org_unit_id
   LEFT JOIN users us ON us.id = r.created_by";

/// A section's latest text.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SectionRow {
    #[schema(value_type = Section)]
    pub section: String,
    pub version: i64,
    pub body: String,
    pub saved_by: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// A review with what it is about and its sections.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub review: ReviewRow,
    pub focus: Focus,
    /// The latest text of each section written, in the document's order.
    pub sections: Vec<SectionRow>,
    /// The review it answers, if it is a submission.
    pub answers: Option<ReviewRow>,
    /// A later version, if one was made of this issued review.
    pub superseded_by: Option<i64>,
}

fn read_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            visible_unit("r.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<ReviewRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_REVIEW} WHERE r.id = {n} AND {}",
        read_cond(scope, &mut p)
    );
    let rows: Vec<ReviewRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

/// A review the scope reads.
pub async fn read(db: &Db, scope: Scope, id: i64) -> Result<ReviewRow> {
    let mut tx = db.begin_read().await?;
    let r = read_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    r
}

async fn focus_tx(tx: &mut Tx, id: i64) -> Result<Focus> {
    let rows: Vec<(String, i64)> = fetch!(
        tx,
        fetch_all,
        (String, i64),
        "SELECT kind, ref_id FROM review_focus WHERE review_id = $1 ORDER BY kind, ref_id",
        id
    )?;
    let mut f = Focus::default();
    for (kind, id) in rows {
        match kind.as_str() {
            "model_type" => f.model_type_ids.push(id),
            "data_set" => f.data_set_ids.push(id),
            "program" => f.program_id = Some(id),
            _ => f.directive_id = Some(id),
        }
    }
    Ok(f)
}

async fn sections_tx(tx: &mut Tx, id: i64) -> Result<Vec<SectionRow>> {
    let mut rows: Vec<SectionRow> = fetch!(
        tx,
        fetch_all,
        SectionRow,
        "SELECT s.section, CAST(s.version AS BIGINT) AS version, s.body,
                us.display_name AS saved_by, s.saved_at
           FROM review_sections s
           LEFT JOIN users us ON us.id = s.saved_by
          WHERE s.review_id = $1
            AND s.version = (SELECT MAX(l.version) FROM review_sections l
                              WHERE l.review_id = s.review_id AND l.section = s.section)",
        id
    )?;
    let order = |s: &SectionRow| {
        Section::ALL
            .iter()
            .position(|x| x.as_str() == s.section)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by_key(order);
    Ok(rows)
}

/// A review with its focus, sections and the review it answers.
pub async fn detail(db: &Db, scope: Scope, id: i64) -> Result<ReviewDetail> {
    let mut tx = db.begin_read().await?;
    let review = read_tx(&mut tx, scope, id).await?;
    let focus = focus_tx(&mut tx, id).await?;
    let sections = sections_tx(&mut tx, id).await?;
    let answers = match review.answers_id {
        // The review answered is the higher level's: readable by
        // whoever may answer it, so read unscoped.
        Some(a) => Some(read_tx(&mut tx, Scope::All, a).await?),
        None => None,
    };
    let superseded_by: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM reviews WHERE supersedes_id = $1 ORDER BY id LIMIT 1",
        id
    )?;
    tx.rollback().await?;
    Ok(ReviewDetail {
        review,
        focus,
        sections,
        answers,
        superseded_by,
    })
}

/// Every saved version of one section, newest first.
pub async fn section_versions(
    db: &Db,
    scope: Scope,
    id: i64,
    section: Section,
) -> Result<Vec<SectionRow>> {
    let mut tx = db.begin_read().await?;
    read_tx(&mut tx, scope, id).await?;
    let rows: Vec<SectionRow> = fetch!(
        tx,
        fetch_all,
        SectionRow,
        "SELECT s.section, CAST(s.version AS BIGINT) AS version, s.body,
                us.display_name AS saved_by, s.saved_at
           FROM review_sections s
           LEFT JOIN users us ON us.id = s.saved_by
          WHERE s.review_id = $1 AND s.section = $2
          ORDER BY s.version DESC",
        id,
        section.as_str()
    )?;
    tx.rollback().await?;
    Ok(rows)
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ReviewQuery {
    /// Reviews of this unit (none: every review the scope reads).
    pub org_unit: Option<i64>,
    pub state: Option<State>,
    pub kind: Option<domain::reviews::Kind>,
    /// Submissions to this review.
    pub answers: Option<i64>,
    pub page: domain::page::Page,
}

/// The reviews the scope reads, newest first, and how many there are.
pub async fn list(db: &Db, scope: Scope, q: &ReviewQuery) -> Result<(Vec<ReviewRow>, i64)> {
    let mut p = Params::default();
    let mut cond = vec![read_cond(scope, &mut p)];
    if let Some(u) = q.org_unit {
        cond.push(format!("r.org_unit_id = {}", p.push(Arg::I64(Some(u)))));
    }
    if let Some(s) = q.state {
        cond.push(format!(
            "r.state = {}",
            p.push(Arg::Text(Some(s.as_str().into())))
        ));
    }
    if let Some(k) = q.kind {
        cond.push(format!(
            "r.kind = {}",
            p.push(Arg::Text(Some(k.as_str().into())))
        ));
    }
    if let Some(a) = q.answers {
        cond.push(format!("r.answers_id = {}", p.push(Arg::I64(Some(a)))));
    }
    let cond = cond.join(" AND ");
    let mut tx = db.begin_read().await?;
    let count_sql = format!("SELECT COUNT(*) FROM reviews r WHERE {cond}");
    let total: i64 = fetch_dyn!(tx, fetch_one, scalar i64, &count_sql, p.args.clone())?;
    let sql = format!(
        "{SELECT_REVIEW} WHERE {cond} ORDER BY r.created_at DESC, r.id DESC LIMIT {} OFFSET {}",
        q.page.limit(),
        q.page.offset()
    );
    let rows: Vec<ReviewRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// Refuses a writer whose own scope units do not include `unit`: 404 if
/// the scope does not even reach it, 400 if it lies below theirs; a
/// national review (none) is the unscoped administrators' (403).
async fn may_write(tx: &mut Tx, scope: Scope, unit: Option<i64>) -> Result<()> {
    let Some(user) = scope.user_id() else {
        return Ok(());
    };
    let Some(unit) = unit else {
        return Err(StoreError::Forbidden);
    };
    let own: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT org_unit_id FROM user_scopes WHERE user_id = $1 AND org_unit_id = $2",
        user,
        unit
    )?;
    if own.is_some() {
        return Ok(());
    }
    if crate::scope::reaches(tx, user, unit).await? {
        return Err(invalid("org_unit_id", Reason::ReviewUnitNotYours));
    }
    Err(StoreError::NotFound)
}

/// The focus's records must exist (and the programme and directive be
/// ones the scope sees).
async fn check_focus(tx: &mut Tx, scope: Scope, f: &Focus) -> Result<()> {
    let unknown = || invalid("focus", Reason::ReviewFocusUnknown);
    let count = |table: &str, ids: &[i64]| {
        let mut p = Params::default();
        let list = p.list(ids.iter().map(|i| Arg::I64(Some(*i))));
        (
            format!("SELECT COUNT(*) FROM {table} WHERE id IN ({list})"),
            p.args,
        )
    };
    for (table, ids) in [
        ("model_types", &f.model_type_ids),
        ("data_sets", &f.data_set_ids),
    ] {
        if ids.is_empty() {
            continue;
        }
        let (sql, args) = count(table, ids);
        let n: i64 = fetch_dyn!(tx, fetch_one, scalar i64, &sql, args)?;
        if n != ids.len() as i64 {
            return Err(unknown());
        }
    }
    if let Some(d) = f.directive_id {
        crate::directives::read_tx(tx, scope, d)
            .await
            .map_err(|_| unknown())?;
    }
    if let Some(g) = f.program_id {
        let reader = crate::programs::Reader {
            scope,
            parties: None,
        };
        crate::programs::read_tx(tx, &reader, g)
            .await
            .map_err(|_| unknown())?;
    }
    Ok(())
}

/// The review a submission answers: one of the unit directly above the
/// writer's (a province answers a national review), for the same period.
async fn check_answers(tx: &mut Tx, r: &NewReview, answers: i64) -> Result<()> {
    let bad = || invalid("answers_id", Reason::ReviewAnswersInvalid);
    let higher = read_tx(tx, Scope::All, answers).await.map_err(|_| bad())?;
    let Some(lower) = r.org_unit_id else {
        return Err(bad());
    };
    let above: Option<i64> = match higher.org_unit_id {
        Some(h) => fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT id FROM org_units WHERE id = $1 AND parent_id = $2",
            lower,
            h
        )?,
        None => fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT id FROM org_units WHERE id = $1 AND level = 'province'",
            lower
        )?,
    };
    let same_period = higher.period_from == r.period.from.to_string()
        && higher.period_to == r.period.to.to_string();
    if above.is_none() || !same_period {
        return Err(bad());
    }
    Ok(())
}

async fn insert_focus(tx: &mut Tx, id: i64, f: &Focus) -> Result<()> {
    let rows = f
        .model_type_ids
        .iter()
        .map(|i| ("model_type", *i))
        .chain(f.data_set_ids.iter().map(|i| ("data_set", *i)))
        .chain(f.program_id.map(|i| ("program", i)))
        .chain(f.directive_id.map(|i| ("directive", i)));
    for (kind, ref_id) in rows {
        execute!(
            tx,
            "INSERT INTO review_focus (review_id, kind, ref_id) VALUES ($1, $2, $3)",
            id,
            kind,
            ref_id
        )?;
    }
    Ok(())
}

async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    author: Author,
    action: &str,
    entity: &str,
    id: i64,
    before: Option<&B>,
    after: &A,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity,
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

/// Starts a review of one of the writer's own units; audited.
pub async fn create(db: &Db, author: Author, scope: Scope, r: &NewReview) -> Result<ReviewRow> {
    let mut tx = db.begin().await?;
    may_write(&mut tx, scope, r.org_unit_id).await?;
    check_focus(&mut tx, scope, &r.focus).await?;
    if let Some(a) = r.answers_id {
        check_answers(&mut tx, r, a).await?;
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO reviews (org_unit_id, kind, subject, period_from, period_to, view, state,
            answers_id, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $9)
         RETURNING id",
        r.org_unit_id,
        r.kind.as_str(),
        &r.subject,
        r.period.from.to_string(),
        r.period.to.to_string(),
        r.view.as_str(),
        r.answers_id,
        author.user_id(),
        now
    )?;
    insert_focus(&mut tx, id, &r.focus).await?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(
        &mut tx,
        author,
        "create",
        "review",
        id,
        None::<&ReviewRow>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A draft the writer may change: 409 once issued.
async fn draft_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<ReviewRow> {
    let row = read_tx(tx, scope, id).await?;
    may_write(tx, scope, row.org_unit_id)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::Forbidden,
            e => e,
        })?;
    if row.state() == State::Issued {
        return Err(StoreError::Conflict(Reason::ReviewIssued));
    }
    Ok(row)
}

#[derive(Serialize)]
struct SavedSection<'a> {
    review_id: i64,
    section: &'a str,
    version: i64,
    body: &'a str,
}

/// Saves a section as its next version; audited. An unchanged text is
/// not saved again.
pub async fn save_section(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    section: Section,
    body: &str,
) -> Result<SectionRow> {
    let mut tx = db.begin().await?;
    draft_tx(&mut tx, scope, id).await?;
    let latest: Option<(i64, String)> = fetch!(
        tx,
        fetch_optional,
        (i64, String),
        "SELECT CAST(version AS BIGINT), body FROM review_sections
          WHERE review_id = $1 AND section = $2 ORDER BY version DESC LIMIT 1",
        id,
        section.as_str()
    )?;
    let version = match &latest {
        Some((_, old)) if old == body => None,
        Some((v, _)) => Some(v + 1),
        None => Some(1),
    };
    if let Some(version) = version {
        let now = Utc::now();
        execute!(
            tx,
            "INSERT INTO review_sections (review_id, section, version, body, saved_by, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            id,
            section.as_str(),
            version,
            body,
            author.user_id(),
            now
        )?;
        execute!(
            tx,
            "UPDATE reviews SET updated_at = $2 WHERE id = $1",
            id,
            now
        )?;
        let saved = SavedSection {
            review_id: id,
            section: section.as_str(),
            version,
            body,
        };
        let before = latest.as_ref().map(|(v, b)| SavedSection {
            review_id: id,
            section: section.as_str(),
            version: *v,
            body: b,
        });
        record(
            &mut tx,
            author,
            "save",
            "review_section",
            id,
            before.as_ref(),
            &saved,
        )
        .await?;
    }
    let row = sections_tx(&mut tx, id)
        .await?
        .into_iter()
        .find(|s| s.section == section.as_str())
        .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// Issues a draft: its number (unique for the unit and year: 409), day,
/// signer and recipients, and its figures frozen; audited.
pub async fn issue(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    i: &Issue,
    figures: &Figures,
) -> Result<ReviewRow> {
    let mut tx = db.begin().await?;
    let before = draft_tx(&mut tx, scope, id).await?;
    let taken: Option<i64> = match before.org_unit_id {
        Some(unit) => fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT id FROM reviews WHERE org_unit_id = $1 AND issue_year = $2 AND number = $3",
            unit,
            i.year,
            &i.number
        )?,
        None => fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT id FROM reviews WHERE org_unit_id IS NULL AND issue_year = $1 AND number = $2",
            i.year,
            &i.number
        )?,
    };
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::ReviewNumberTaken {
            number: i.number.clone(),
            year: i.year,
        }));
    }
    let frozen = serde_json::to_string(figures)
        .map_err(|e| StoreError::Data(format!("review figures: {e}")))?;
    let now = Utc::now();
    execute!(
        tx,
        "UPDATE reviews SET state = 'issued', number = $2, issue_year = $3, place = $4,
            issued_on = $5, signer_authority = $6, signer_title = $7, signer_name = $8,
            recipients = $9, figures = $10, updated_at = $11
          WHERE id = $1",
        id,
        &i.number,
        i.year,
        &i.place,
        i.issued_on,
        i.signer_authority.as_deref(),
        &i.signer_title,
        &i.signer_name,
        i.recipients.join("\n"),
        frozen,
        now
    )?;
    let after = read_tx(&mut tx, Scope::All, id).await?;
    record(
        &mut tx,
        author,
        "issue",
        "review",
        id,
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The figures frozen when the review was issued.
pub async fn frozen_figures(db: &Db, id: i64) -> Result<Option<Figures>> {
    let mut tx = db.begin_read().await?;
    let text: Option<Option<String>> = fetch!(
        tx,
        fetch_optional,
        scalar Option<String>,
        "SELECT figures FROM reviews WHERE id = $1",
        id
    )?;
    tx.rollback().await?;
    text.flatten()
        .map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Data(format!("review figures: {e}")))
        })
        .transpose()
}

/// A new draft version of an issued review, its sections copied, to be
/// issued under its own number (409 for a draft, or if a version exists);
/// audited.
pub async fn new_version(db: &Db, author: Author, scope: Scope, id: i64) -> Result<ReviewRow> {
    let mut tx = db.begin().await?;
    let old = read_tx(&mut tx, scope, id).await?;
    may_write(&mut tx, scope, old.org_unit_id)
        .await
        .map_err(|e| match e {
            StoreError::Invalid(_) => StoreError::Forbidden,
            e => e,
        })?;
    if old.state() != State::Issued {
        return Err(StoreError::Conflict(Reason::ReviewNotIssued));
    }
    let later: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM reviews WHERE supersedes_id = $1",
        id
    )?;
    if later.is_some() {
        return Err(StoreError::Conflict(Reason::Duplicate));
    }
    let now = Utc::now();
    let new_id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO reviews (org_unit_id, kind, subject, period_from, period_to, view, state,
            answers_id, supersedes_id, edition, created_by, created_at, updated_at)
         SELECT org_unit_id, kind, subject, period_from, period_to, view, 'draft', answers_id,
                id, edition + 1, $2, $3, $3
           FROM reviews WHERE id = $1
         RETURNING id",
        id,
        author.user_id(),
        now
    )?;
    execute!(
        tx,
        "INSERT INTO review_focus (review_id, kind, ref_id)
         SELECT $2, kind, ref_id FROM review_focus WHERE review_id = $1",
        id,
        new_id
    )?;
    for s in sections_tx(&mut tx, id).await? {
        execute!(
            tx,
            "INSERT INTO review_sections (review_id, section, version, body, saved_by, saved_at)
             VALUES ($1, $2, 1, $3, $4, $5)",
            new_id,
            &s.section,
            &s.body,
            author.user_id(),
            now
        )?;
    }
    let row = read_tx(&mut tx, Scope::All, new_id).await?;
    record(
        &mut tx,
        author,
        "new_version",
        "review",
        new_id,
        Some(&old),
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
