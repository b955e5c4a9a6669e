//! Certification cases in the database: registration of many units at
//! once, each step of the cycle in one transaction with its audit record,
//! the case with its steps and answers, the filtered list, evidence files,
//! exemptions. The rules are `domain::certification`'s; this module
//! gathers the facts they need (the criteria in force, the models of the
//! year, the previous year's results) inside the same transaction.
//!
//! A case belongs to the unit as it was in its year (a legacy village
//! keeps its legacy commune); lists and the summary find it under a 2025
//! unit through `org_unit_reach`.

pub mod criteria;
pub mod overdue;
pub mod summary;
pub mod tallies;

use chrono::{NaiveDate, Utc};
use domain::certification::{
    self as cert, Answer, Assessment, Classification, CriteriaSet, DecidingLevel, Decision, Facts,
    Kind, KindRules, Noted, Registration, Revocation, State, Step,
};
use domain::org_units::{Level, OrgUnit};
use domain::page::Page;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub use summary::{Summary, SummaryQuery, View};

/// A case as lists, pages, the API and files show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub org_unit_id: i64,
    pub org_unit_code: Option<String>,
    pub org_unit_name: String,
    pub parent_name: Option<String>,
    #[schema(value_type = Kind)]
    pub kind: String,
    pub year: i32,
    pub set_id: i64,
    pub set_version: i64,
    #[schema(value_type = State)]
    pub state: String,
    pub state_since: NaiveDate,
    pub registered_on: NaiveDate,
    pub party_resolution_on: Option<NaiveDate>,
    pub households_percent: Option<f64>,
    pub staff_briefed_percent: Option<f64>,
    #[schema(value_type = Option<Classification>)]
    pub classification: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub decision_no: Option<String>,
    pub certificate_no: Option<String>,
    pub certificate_issuer: Option<String>,
    pub revoked_on: Option<NaiveDate>,
    /// The last day for the step the case awaits (its state's deadline);
    /// none once decided or revoked.
    #[sqlx(skip)]
    pub due_on: Option<NaiveDate>,
}

impl CaseRow {
    pub fn state(&self) -> Result<State> {
        State::parse("state", &self.state)
            .map_err(|_| StoreError::Data("certification_cases: state".into()))
    }

    pub fn kind(&self) -> Result<Kind> {
        Kind::parse("kind", &self.kind)
            .map_err(|_| StoreError::Data("certification_cases: kind".into()))
    }
}

const SELECT: &str = "SELECT c.id, c.org_unit_id, u.code AS org_unit_code, u.name AS org_unit_name,
        p.name AS parent_name, c.kind, c.year, c.set_id, s.version AS set_version, c.state,
        c.state_since, c.registered_on, c.party_resolution_on, c.households_percent,
        c.staff_briefed_percent, c.classification, c.decided_on, c.decision_no,
        c.certificate_no, i.name AS certificate_issuer, c.revoked_on
   FROM certification_cases c
   JOIN org_units u ON u.id = c.org_unit_id
   LEFT JOIN org_units p ON p.id = u.parent_id
   JOIN certification_criteria_sets s ON s.id = c.set_id
   LEFT JOIN org_units i ON i.id = c.certificate_issuer_id";

fn scope_clause(n: &str) -> String {
    crate::scope::unit_in_scope_or_unscoped("c.org_unit_id", n)
}

/// One case, if the scope reaches its unit.
pub async fn get(db: &Db, scope: Scope, id: i64) -> Result<Option<CaseRow>> {
    let sql = format!("{SELECT} WHERE c.id = $1 AND {}", scope_clause("$2"));
    Ok(fetch!(
        db,
        fetch_optional,
        CaseRow,
        &sql,
        id,
        scope.user_id()
    )?)
}

async fn read_tx(tx: &mut Tx, id: i64) -> Result<CaseRow> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    fetch!(tx, fetch_optional, CaseRow, &sql, id)?.ok_or(StoreError::NotFound)
}

/// One step as the case's page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StepRow {
    pub id: i64,
    #[schema(value_type = Step)]
    pub action: String,
    pub on_date: NaiveDate,
    pub note: Option<String>,
    /// What the step said (answers, classification, decision number) as JSON.
    #[schema(value_type = Object)]
    #[serde(serialize_with = "as_json")]
    pub detail: String,
    pub username: Option<String>,
    pub display_name: Option<String>,
}

fn as_json<S: serde::Serializer>(s: &str, ser: S) -> std::result::Result<S::Ok, S::Error> {
    let v: serde_json::Value = serde_json::from_str(s).unwrap_or(serde_json::Value::Null);
    v.serialize(ser)
}

/// The latest self-assessment of a criterion.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct AnswerRow {
    pub criterion_id: i64,
    pub met: bool,
    pub explanation: Option<String>,
}

/// An evidence file as lists show it (its content is fetched apart).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: i64,
    pub criterion_id: Option<i64>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: chrono::DateTime<Utc>,
}

/// A case with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseRow,
    /// The criteria set the case is judged by (the version in force for its year).
    pub criteria: CriteriaSet,
    pub answers: Vec<AnswerRow>,
    pub steps: Vec<StepRow>,
    pub evidence: Vec<EvidenceRow>,
}

pub async fn detail(db: &Db, mut case: CaseRow) -> Result<CaseDetail> {
    let mut tx = db.begin_read().await?;
    overdue::Clock::load_tx(&mut tx)
        .await?
        .fill(std::slice::from_mut(&mut case));
    let criteria = set_of(&mut tx, &case).await?;
    let answers = answers_tx(&mut tx, case.id).await?;
    let steps = fetch!(
        tx,
        fetch_all,
        StepRow,
        "SELECT s.id, s.action, s.on_date, s.note, s.detail, u.username, u.display_name
           FROM certification_steps s LEFT JOIN users u ON u.id = s.user_id
          WHERE s.case_id = $1 ORDER BY s.id",
        case.id
    )?;
    let evidence = fetch!(
        tx,
        fetch_all,
        EvidenceRow,
        "SELECT id, criterion_id, name, content_type, size, sha256, created_at
           FROM certification_evidence WHERE case_id = $1 ORDER BY id",
        case.id
    )?;
    tx.rollback().await?;
    Ok(CaseDetail {
        case,
        criteria,
        answers,
        steps,
        evidence,
    })
}

async fn answers_tx(tx: &mut Tx, id: i64) -> Result<Vec<AnswerRow>> {
    Ok(fetch!(
        tx,
        fetch_all,
        AnswerRow,
        "SELECT criterion_id, met, explanation FROM certification_answers WHERE case_id = $1
          ORDER BY criterion_id",
        id
    )?)
}

/// The criteria set a case is judged by.
pub async fn criteria_of(db: &Db, case: &CaseRow) -> Result<CriteriaSet> {
    let mut tx = db.begin_read().await?;
    let set = set_of(&mut tx, case).await?;
    tx.rollback().await?;
    Ok(set)
}

async fn set_of(tx: &mut Tx, case: &CaseRow) -> Result<CriteriaSet> {
    criteria::sets_tx(tx, Some(case.kind()?))
        .await?
        .into_iter()
        .find(|s| s.id == case.set_id)
        .ok_or_else(|| StoreError::Data("certification_cases: set".into()))
}

// ---- registration -------------------------------------------------------------

/// Registers every unit named, in one transaction: each must lie in the
/// scope (else "not found"), be of a certified kind, not be exempt, have
/// existed during its assessment year and not be registered for that year
/// yet; the first unit that fails stops the whole registration.
pub async fn register(
    db: &Db,
    author: Author,
    scope: Scope,
    r: &Registration,
) -> Result<Vec<CaseRow>> {
    let mut tx = db.begin().await?;
    let kinds = criteria::kinds_tx(&mut tx).await?;
    let mut sets: Vec<CriteriaSet> = criteria::sets_tx(&mut tx, None).await?;
    sets.sort_by_key(|s| s.from_year);
    let mut out = Vec::with_capacity(r.org_unit_ids.len());
    for id in &r.org_unit_ids {
        let unit = crate::scope::unit(&mut tx, scope, *id).await?;
        let kind = Kind::of(&unit).ok_or(StoreError::Invalid(domain::DomainError::new(
            "org_unit_ids",
            Reason::UnitNotCertifiable,
        )))?;
        let rules = kinds
            .iter()
            .find(|k| k.kind == kind)
            .ok_or_else(|| StoreError::Data("certification_kinds".into()))?;
        let year = r.year_for(rules)?;
        check_registrable(&mut tx, &unit, rules, year).await?;
        let set = cert::in_force(&sets, kind, year).ok_or(StoreError::Conflict(
            Reason::NoCriteriaInForce {
                kind: kind.term(),
                year,
            },
        ))?;
        let case_id = insert_case(&mut tx, &unit, kind, year, set.id, r).await?;
        let detail = serde_json::json!({
            "year": year,
            "party_resolution_on": r.party_resolution_on,
            "households_percent": r.households_percent,
        });
        insert_step(
            &mut tx,
            author,
            case_id,
            Step::Register,
            r.registered_on,
            None,
            &detail,
        )
        .await?;
        let row = read_tx(&mut tx, case_id).await?;
        record(&mut tx, author, "register", case_id, None, &row).await?;
        out.push(row);
    }
    let units: Vec<i64> = out.iter().map(|c| c.org_unit_id).collect();
    let years: Vec<i32> = out.iter().map(|c| c.year).collect();
    tallies::units_changed(&mut tx, &units, Some(&years)).await?;
    let clock = overdue::Clock::load_tx(&mut tx).await?;
    tx.commit().await?;
    clock.fill(&mut out);
    Ok(out)
}

async fn check_registrable(
    tx: &mut Tx,
    unit: &OrgUnit,
    rules: &KindRules,
    year: i32,
) -> Result<()> {
    if !rules.existed(year, unit.validity()) {
        return Err(StoreError::Conflict(Reason::UnitNotRegistrable {
            unit: unit.name.clone(),
        }));
    }
    let exempt: Option<String> = fetch!(
        tx,
        fetch_optional,
        scalar String,
        "SELECT k.name FROM certification_exemptions e
           JOIN certification_exempt_categories k ON k.code = e.category
          WHERE e.org_unit_id = $1 AND e.from_year <= $2",
        unit.id,
        year
    )?;
    if let Some(category) = exempt {
        return Err(StoreError::Conflict(Reason::UnitExempt {
            unit: unit.name.clone(),
            category,
        }));
    }
    let existing: Option<String> = fetch!(
        tx,
        fetch_optional,
        scalar String,
        "SELECT state FROM certification_cases WHERE org_unit_id = $1 AND year = $2",
        unit.id,
        year
    )?;
    match existing.as_deref() {
        None => Ok(()),
        Some("revoked") => Err(StoreError::Conflict(Reason::RevokedThisYear {
            unit: unit.name.clone(),
            year,
        })),
        Some(_) => Err(StoreError::Conflict(Reason::AlreadyRegistered {
            unit: unit.name.clone(),
            year,
        })),
    }
}

async fn insert_case(
    tx: &mut Tx,
    unit: &OrgUnit,
    kind: Kind,
    year: i32,
    set_id: i64,
    r: &Registration,
) -> Result<i64> {
    let now = Utc::now();
    let residential = kind == Kind::Residential;
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO certification_cases (org_unit_id, kind, year, set_id, state, state_since,
            registered_on, party_resolution_on, households_percent, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'registered', $5, $5, $6, $7, $8, $8) RETURNING id",
        unit.id,
        kind.as_str(),
        year,
        set_id,
        r.registered_on,
        r.party_resolution_on.filter(|_| residential),
        r.households_percent.filter(|_| residential),
        now
    )?)
}

async fn insert_step(
    tx: &mut Tx,
    author: Author,
    case_id: i64,
    step: Step,
    on: NaiveDate,
    note: Option<&str>,
    detail: &serde_json::Value,
) -> Result<()> {
    execute!(
        tx,
        "INSERT INTO certification_steps (case_id, action, on_date, note, detail, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        case_id,
        step.as_str(),
        on,
        note,
        detail.to_string(),
        author.user_id(),
        Utc::now()
    )?;
    Ok(())
}

async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    id: i64,
    before: Option<&CaseRow>,
    after: &impl Serialize,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity: "certification",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

// ---- the steps ----------------------------------------------------------------

/// A step after registration, with what it carries.
#[derive(Debug, Clone)]
pub enum Act {
    Assess(Assessment),
    Submit(Noted),
    Review(Noted),
    Return(Noted),
    Decide(Decision),
    Revoke(Revocation),
}

impl Act {
    pub fn step(&self) -> Step {
        match self {
            Act::Assess(_) => Step::Assess,
            Act::Submit(_) => Step::Submit,
            Act::Review(_) => Step::Review,
            Act::Return(_) => Step::Return,
            Act::Decide(_) => Step::Decide,
            Act::Revoke(_) => Step::Revoke,
        }
    }
}

/// Takes a step on a case the scope reaches: its row lock first, so that
/// two officers acting at once queue and the second finds the state the
/// first left (and is refused if the step no longer fits). `expected` is
/// the state the user saw: another state means someone acted meanwhile.
pub async fn act(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    expected: Option<State>,
    act: &Act,
) -> Result<CaseRow> {
    let mut tx = db.begin().await?;
    lock(&mut tx, scope, id).await?;
    let before = read_tx(&mut tx, id).await?;
    let state = before.state()?;
    if expected.is_some_and(|e| e != state) {
        return Err(StoreError::Conflict(Reason::CertificationChangedMeanwhile));
    }
    cert::check_order(act.step(), state).map_err(|e| StoreError::Conflict(*e.reason))?;
    match act {
        Act::Assess(a) => assess(&mut tx, author, &before, a).await?,
        Act::Submit(n) | Act::Review(n) | Act::Return(n) => {
            move_on(&mut tx, author, &before, act.step(), n).await?
        }
        Act::Decide(d) => decide(&mut tx, author, &before, d).await?,
        Act::Revoke(r) => revoke(&mut tx, author, &before, r).await?,
    }
    let mut after = read_tx(&mut tx, id).await?;
    record(
        &mut tx,
        author,
        act.step().as_str(),
        id,
        Some(&before),
        &after,
    )
    .await?;
    tallies::units_changed(&mut tx, &[before.org_unit_id], Some(&[before.year])).await?;
    let clock = overdue::Clock::load_tx(&mut tx).await?;
    tx.commit().await?;
    clock.fill(std::slice::from_mut(&mut after));
    Ok(after)
}

async fn lock(tx: &mut Tx, scope: Scope, id: i64) -> Result<()> {
    let sql = format!(
        "UPDATE certification_cases SET updated_at = updated_at WHERE id = $1 AND {}",
        crate::scope::unit_in_scope_or_unscoped("org_unit_id", "$2")
    );
    let n = execute!(tx, &sql, id, scope.user_id())?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

fn not_before(on: NaiveDate, case: &CaseRow) -> Result<()> {
    if on < case.state_since {
        return Err(StoreError::Invalid(domain::DomainError::new(
            "on",
            Reason::StepBeforeLast {
                last: case.state_since,
            },
        )));
    }
    Ok(())
}

async fn set_state(tx: &mut Tx, id: i64, state: State, on: NaiveDate) -> Result<()> {
    execute!(
        tx,
        "UPDATE certification_cases SET state = $1, state_since = $2, updated_at = $3 WHERE id = $4",
        state.as_str(),
        on,
        Utc::now(),
        id
    )?;
    Ok(())
}

async fn assess(tx: &mut Tx, author: Author, case: &CaseRow, a: &Assessment) -> Result<()> {
    not_before(a.on, case)?;
    execute!(
        tx,
        "DELETE FROM certification_answers WHERE case_id = $1",
        case.id
    )?;
    for ans in &a.answers {
        execute!(
            tx,
            "INSERT INTO certification_answers (case_id, criterion_id, met, explanation)
             VALUES ($1, $2, $3, $4)",
            case.id,
            ans.criterion_id,
            ans.met,
            ans.explanation.as_deref()
        )?;
    }
    execute!(
        tx,
        "UPDATE certification_cases SET staff_briefed_percent = $1 WHERE id = $2",
        a.staff_briefed_percent,
        case.id
    )?;
    let detail = serde_json::json!({
        "answers": a.answers,
        "staff_briefed_percent": a.staff_briefed_percent,
    });
    insert_step(
        tx,
        author,
        case.id,
        Step::Assess,
        a.on,
        a.note.as_deref(),
        &detail,
    )
    .await?;
    set_state(tx, case.id, State::Assessed, a.on).await
}

async fn move_on(tx: &mut Tx, author: Author, case: &CaseRow, step: Step, n: &Noted) -> Result<()> {
    not_before(n.on, case)?;
    let detail = serde_json::json!({});
    insert_step(tx, author, case.id, step, n.on, n.note.as_deref(), &detail).await?;
    set_state(tx, case.id, cert::next_state(step, None), n.on).await
}

/// The facts of the other capabilities a decision is judged on.
async fn facts(tx: &mut Tx, case: &CaseRow, rules: &KindRules) -> Result<Facts> {
    let (first, last) = rules.span(case.year);
    let active_models: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM models m
          WHERE m.org_unit_id IN (SELECT unit_id FROM org_unit_tree WHERE ancestor_id = $1)
            AND m.founded_on <= $3
            AND EXISTS (SELECT 1 FROM model_status_changes s WHERE s.model_id = m.id
                          AND s.status = 'active' AND s.on_date <= $3
                          AND (s.ends_on IS NULL OR s.ends_on >= $2))",
        case.org_unit_id,
        first,
        last
    )?;
    let residential_prev = match rules.min_residential_share {
        None => None,
        Some(_) => Some(residential_results(tx, case.org_unit_id, case.year - 1).await?),
    };
    Ok(Facts {
        active_models,
        residential_prev,
    })
}

/// A commune's residential areas certified for `year`, and how many were
/// eligible (existing at the year's end, not exempt).
async fn residential_results(tx: &mut Tx, commune: i64, year: i32) -> Result<(i64, i64)> {
    let rules = criteria::rules_tx(tx, Kind::Residential).await?;
    let (first, last) = rules.span(year);
    #[derive(sqlx::FromRow)]
    struct Counts {
        eligible: i64,
        certified: i64,
    }
    let c: Counts = fetch!(
        tx,
        fetch_one,
        Counts,
        "SELECT COUNT(*) AS eligible,
                COALESCE(SUM(CASE WHEN c.state = 'certified' THEN 1 ELSE 0 END), 0) AS certified
           FROM org_units u
           LEFT JOIN certification_cases c ON c.org_unit_id = u.id AND c.year = $2
          WHERE u.id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $1) AND u.level = 'village'
            AND (u.valid_from IS NULL OR u.valid_from <= $4)
            AND (u.valid_to IS NULL OR u.valid_to >= $3)
            AND NOT EXISTS (SELECT 1 FROM certification_exemptions e
                             WHERE e.org_unit_id = u.id AND e.from_year <= $2)",
        commune,
        year,
        first,
        last
    )?;
    Ok((c.certified, c.eligible))
}

async fn decide(tx: &mut Tx, author: Author, case: &CaseRow, d: &Decision) -> Result<()> {
    not_before(d.on, case)?;
    let rules = criteria::rules_tx(tx, case.kind()?).await?;
    let set = set_of(tx, case).await?;
    let answers: Vec<Answer> = answers_tx(tx, case.id)
        .await?
        .into_iter()
        .map(|a| Answer {
            criterion_id: a.criterion_id,
            met: a.met,
            explanation: a.explanation,
        })
        .collect();
    let facts = facts(tx, case, &rules).await?;
    cert::check_decision(
        &rules,
        d,
        &set,
        &answers,
        case.staff_briefed_percent,
        &facts,
    )
    .map_err(|e| StoreError::Conflict(*e.reason))?;
    let state = cert::next_state(Step::Decide, Some(d.classification));
    let (issuer, number) = if state == State::Certified {
        let issuer = issuer_of(tx, case, &rules).await?;
        let running: i64 = fetch!(
            tx,
            fetch_one,
            scalar i64,
            "SELECT COUNT(*) + 1 FROM certification_cases
              WHERE certificate_issuer_id = $1 AND year = $2 AND certificate_no IS NOT NULL",
            issuer,
            case.year
        )?;
        (Some(issuer), Some(cert::certificate_no(running, case.year)))
    } else {
        (None, None)
    };
    execute!(
        tx,
        "UPDATE certification_cases SET classification = $1, decided_on = $2, decision_no = $3,
            certificate_issuer_id = $4, certificate_no = $5 WHERE id = $6",
        d.classification.as_str(),
        d.on,
        &d.decision_no,
        issuer,
        number.as_deref(),
        case.id
    )?;
    let detail = serde_json::json!({
        "classification": d.classification,
        "decision_no": d.decision_no,
        "certificate_no": number,
        "facts": {"active_models": facts.active_models, "residential_prev": facts.residential_prev},
    });
    insert_step(
        tx,
        author,
        case.id,
        Step::Decide,
        d.on,
        d.note.as_deref(),
        &detail,
    )
    .await?;
    set_state(tx, case.id, state, d.on).await
}

/// The unit whose decision certifies the case: the commune the unit lies
/// in (or is), or the province above it.
async fn issuer_of(tx: &mut Tx, case: &CaseRow, rules: &KindRules) -> Result<i64> {
    let level = match rules.deciding_level {
        cert::DecidingLevel::Commune => Level::Commune,
        cert::DecidingLevel::Province => Level::Province,
    };
    let found: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT a.id FROM org_unit_tree t JOIN org_units a ON a.id = t.ancestor_id
          WHERE t.unit_id = $1 AND a.level = $2 ORDER BY t.depth LIMIT 1",
        case.org_unit_id,
        level.as_str()
    )?;
    Ok(found.unwrap_or(case.org_unit_id))
}

async fn revoke(tx: &mut Tx, author: Author, case: &CaseRow, r: &Revocation) -> Result<()> {
    not_before(r.on, case)?;
    execute!(
        tx,
        "UPDATE certification_cases SET revoked_on = $1 WHERE id = $2",
        r.on,
        case.id
    )?;
    let detail = serde_json::json!({"reason": r.reason, "decision_no": r.decision_no});
    insert_step(
        tx,
        author,
        case.id,
        Step::Revoke,
        r.on,
        Some(&r.reason),
        &detail,
    )
    .await?;
    set_state(tx, case.id, State::Revoked, r.on).await
}

/// The kind's rules for a case (web asks which level decides it).
pub async fn rules(db: &Db, kind: Kind) -> Result<KindRules> {
    let mut tx = db.begin_read().await?;
    let r = criteria::rules_tx(&mut tx, kind).await?;
    tx.rollback().await?;
    Ok(r)
}

// ---- the list -------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub org_unit: Option<i64>,
    pub kind: Option<Kind>,
    pub year: Option<i32>,
    pub state: Option<State>,
    pub classification: Option<Classification>,
    /// `now`: everything that lies in the unit today (legacy units mapped);
    /// `was`: the unit's own hierarchy as it was.
    pub view: View,
    /// Only the open cases whose next step falls to this level.
    pub awaiting: Option<DecidingLevel>,
    /// Only the cases past their deadline on this day.
    pub overdue_on: Option<NaiveDate>,
    pub page: Page,
}

fn filter(q: &CaseQuery, scope: Scope, clock: &overdue::Clock, p: &mut Params) -> String {
    let mut w = vec!["1 = 1".to_string()];
    if q.awaiting.is_some() || q.overdue_on.is_some() {
        w.push(clock.condition(p, q.awaiting, q.overdue_on));
    }
    if let Some(u) = scope.user_id() {
        let n = p.push(Arg::I64(Some(u)));
        w.push(crate::scope::unit_in_scope("c.org_unit_id", &n));
    }
    if let Some(o) = q.org_unit {
        let n = p.push(Arg::I64(Some(o)));
        let table = match q.view {
            View::Now => "org_unit_reach",
            View::Was => "org_unit_tree",
        };
        w.push(format!(
            "c.org_unit_id IN (SELECT unit_id FROM {table} WHERE ancestor_id = {n})"
        ));
    }
    if let Some(k) = q.kind {
        w.push(format!(
            "c.kind = {}",
            p.push(Arg::Text(Some(k.as_str().into())))
        ));
    }
    if let Some(y) = q.year {
        w.push(format!("c.year = {}", p.push(Arg::I64(Some(i64::from(y))))));
    }
    if let Some(s) = q.state {
        w.push(format!(
            "c.state = {}",
            p.push(Arg::Text(Some(s.as_str().into())))
        ));
    }
    if let Some(c) = q.classification {
        w.push(format!(
            "c.classification = {}",
            p.push(Arg::Text(Some(c.as_str().into())))
        ));
    }
    w.join(" AND ")
}

/// A page of cases, newest year first, then by unit name; and the count.
pub async fn list(db: &Db, scope: Scope, q: &CaseQuery) -> Result<(Vec<CaseRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let clock = overdue::Clock::load_tx(&mut tx).await?;
    let mut p = Params::default();
    let w = filter(q, scope, &clock, &mut p);
    let count_sql = format!("SELECT COUNT(*) FROM certification_cases c WHERE {w}");
    let total: i64 = fetch_dyn!(tx, fetch_one, scalar i64, &count_sql, p.to_vec())?;
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT} WHERE {w} ORDER BY c.year DESC, u.sort_key, c.id LIMIT {lim} OFFSET {off}"
    );
    let mut rows: Vec<CaseRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    clock.fill(&mut rows);
    Ok((rows, total))
}

/// Every case the filters match, for a file (no paging; bounded by the scope).
pub async fn export(db: &Db, scope: Scope, q: &CaseQuery) -> Result<Vec<CaseRow>> {
    let mut tx = db.begin_read().await?;
    let clock = overdue::Clock::load_tx(&mut tx).await?;
    let mut p = Params::default();
    let w = filter(q, scope, &clock, &mut p);
    let sql = format!("{SELECT} WHERE {w} ORDER BY c.year DESC, u.sort_key, c.id LIMIT 200000");
    let mut rows: Vec<CaseRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    clock.fill(&mut rows);
    Ok(rows)
}

/// The certified cases under a unit (the whole scope if none) for bulk
/// printing: at most a page of the list's largest size.
pub async fn certified_under(
    db: &Db,
    scope: Scope,
    org_unit: Option<i64>,
    year: i32,
) -> Result<Vec<CaseRow>> {
    let q = CaseQuery {
        org_unit,
        year: Some(year),
        state: Some(State::Certified),
        view: View::Was,
        page: Page {
            page: 1,
            per_page: domain::page::MAX_PER_PAGE,
        },
        ..CaseQuery::default()
    };
    Ok(list(db, scope, &q).await?.0)
}

/// Cases waiting for a step, by state, in a scope, and how many of them
/// are past their deadline on `today`: what the home page lists as to do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Pending {
    #[schema(value_type = State)]
    pub state: String,
    pub n: i64,
    pub overdue: i64,
}

pub async fn pending(db: &Db, scope: Scope, today: NaiveDate) -> Result<Vec<Pending>> {
    let mut tx = db.begin_read().await?;
    let clock = overdue::Clock::load_tx(&mut tx).await?;
    let mut p = Params::default();
    let late = clock.condition(&mut p, None, Some(today));
    let user = p.push(Arg::I64(scope.user_id()));
    let sql = format!(
        "SELECT c.state, COUNT(*) AS n, SUM(CASE WHEN {late} THEN 1 ELSE 0 END) AS overdue
           FROM certification_cases c
          WHERE c.state IN ('registered', 'returned', 'assessed', 'submitted', 'reviewed')
            AND {}
          GROUP BY c.state",
        scope_clause(&user)
    );
    let mut rows: Vec<Pending> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    let order = |s: &str| State::ALL.iter().position(|x| x.as_str() == s);
    rows.sort_by_key(|p| order(&p.state));
    Ok(rows)
}

// ---- evidence and exemptions --------------------------------------------------

/// Stores an evidence file (its kind already checked by content).
#[allow(clippy::too_many_arguments)]
pub async fn add_evidence(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    criterion_id: Option<i64>,
    name: &str,
    content_type: &str,
    sha256: &str,
    content: &[u8],
) -> Result<EvidenceRow> {
    let mut tx = db.begin().await?;
    lock(&mut tx, scope, id).await?;
    let case = read_tx(&mut tx, id).await?;
    if case.state()?.is_final() {
        return Err(StoreError::Conflict(Reason::CertificationStepOutOfOrder {
            state: case.state()?.term(),
            allowed: vec![],
        }));
    }
    if let Some(c) = criterion_id {
        let set = set_of(&mut tx, &case).await?;
        if !set.criteria.iter().any(|x| x.id == c) {
            return Err(StoreError::Invalid(domain::DomainError::new(
                "criterion_id",
                Reason::CriterionNotInSet {
                    version: set.version,
                },
            )));
        }
    }
    let eid: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO certification_evidence (case_id, criterion_id, name, content_type, size,
            sha256, content, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        id,
        criterion_id,
        name,
        content_type,
        i64::try_from(content.len()).unwrap_or(i64::MAX),
        sha256,
        content,
        author.user_id(),
        Utc::now()
    )?;
    let row = fetch!(
        tx,
        fetch_one,
        EvidenceRow,
        "SELECT id, criterion_id, name, content_type, size, sha256, created_at
           FROM certification_evidence WHERE id = $1",
        eid
    )?;
    record(&mut tx, author, "evidence", id, None, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// An evidence file's name, type and content, if its case is in scope.
pub async fn evidence(
    db: &Db,
    scope: Scope,
    id: i64,
    eid: i64,
) -> Result<Option<(String, String, Vec<u8>)>> {
    if get(db, scope, id).await?.is_none() {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct File {
        name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let f: Option<File> = fetch!(
        db,
        fetch_optional,
        File,
        "SELECT name, content_type, content FROM certification_evidence WHERE id = $1 AND case_id = $2",
        eid,
        id
    )?;
    Ok(f.map(|f| (f.name, f.content_type, f.content)))
}

/// A category of units outside the scheme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ExemptCategory {
    pub code: String,
    #[schema(value_type = Kind)]
    pub kind: String,
    pub name: String,
    pub source: String,
}

pub async fn exempt_categories(db: &Db) -> Result<Vec<ExemptCategory>> {
    Ok(fetch!(
        db,
        fetch_all,
        ExemptCategory,
        "SELECT e.code, e.kind, e.name, e.source FROM certification_exempt_categories e
           JOIN certification_kinds k ON k.kind = e.kind ORDER BY k.position, e.code"
    )?)
}

/// A unit's exemption, if any.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Exemption {
    pub org_unit_id: i64,
    pub category: String,
    pub category_name: String,
    pub from_year: i32,
    pub note: Option<String>,
}

pub async fn exemption(db: &Db, unit: i64) -> Result<Option<Exemption>> {
    Ok(fetch!(
        db,
        fetch_optional,
        Exemption,
        "SELECT e.org_unit_id, e.category, k.name AS category_name, e.from_year, e.note
           FROM certification_exemptions e JOIN certification_exempt_categories k ON k.code = e.category
          WHERE e.org_unit_id = $1",
        unit
    )?)
}

/// Marks a unit outside the scheme from a year on (`None`: back in it).
pub async fn set_exemption(
    db: &Db,
    author: Author,
    scope: Scope,
    unit: i64,
    exempt: Option<(&str, i32, Option<&str>)>,
) -> Result<Option<Exemption>> {
    let mut tx = db.begin().await?;
    let u = crate::scope::unit(&mut tx, scope, unit).await?;
    let kind = Kind::of(&u).ok_or(StoreError::Invalid(domain::DomainError::new(
        "org_unit_id",
        Reason::UnitNotCertifiable,
    )))?;
    execute!(
        tx,
        "DELETE FROM certification_exemptions WHERE org_unit_id = $1",
        unit
    )?;
    if let Some((category, from_year, note)) = exempt {
        let of_kind: Option<String> = fetch!(
            tx,
            fetch_optional,
            scalar String,
            "SELECT code FROM certification_exempt_categories WHERE code = $1 AND kind = $2",
            category,
            kind.as_str()
        )?;
        if of_kind.is_none() {
            let allowed: Vec<String> = fetch!(
                tx,
                fetch_all,
                scalar String,
                "SELECT name FROM certification_exempt_categories WHERE kind = $1 ORDER BY code",
                kind.as_str()
            )?;
            return Err(StoreError::Invalid(domain::DomainError::new(
                "category",
                Reason::ExemptCategoryUnknown {
                    allowed: allowed.join(", "),
                },
            )));
        }
        execute!(
            tx,
            "INSERT INTO certification_exemptions (org_unit_id, category, from_year, note, user_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            unit,
            category,
            from_year,
            note,
            author.user_id(),
            Utc::now()
        )?;
    }
    let after = fetch!(
        tx,
        fetch_optional,
        Exemption,
        "SELECT e.org_unit_id, e.category, k.name AS category_name, e.from_year, e.note
           FROM certification_exemptions e JOIN certification_exempt_categories k ON k.code = e.category
          WHERE e.org_unit_id = $1",
        unit
    )?;
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "exemption",
            entity: "org_unit",
            entity_id: unit.to_string(),
            before: None,
            after: Some(&serde_json::json!({ "exemption": after })),
        },
    )
    .await?;
    tallies::units_changed(&mut tx, &[unit], None).await?;
    tx.commit().await?;
    Ok(after)
}
