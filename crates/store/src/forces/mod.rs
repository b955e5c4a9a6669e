//! The security teams in the database: teams per village (and the closed
//! rosters of the forces before July 2024), their members with the
//! eligibility checks as they stood at recognition, people (one record
//! across teams, the national ID number sealed), and each write in one
//! transaction with its audit record. The rules are `domain::forces`'s;
//! the province's size rule, the households and the area's marks are
//! gathered here (`rules`). The counts by area are `summary`'s.
//!
//! A team belongs to its village as it was; lists find it under a 2025
//! unit through `org_unit_reach`. A person is seen by whoever's scope
//! reaches the unit they last served in or any team they served in.

pub mod roster;
pub mod rules;
pub mod summary;

use chrono::{Datelike, NaiveDate, Utc};
use domain::forces::{
    self as f, masked, Check, Declared, Dissolution, DissolveInput, EndMember, EndMemberInput,
    Force, IdKey, MemberInput, NewMember, NewPerson, NewTeam, Role, SizeStatus, Who,
};
use domain::org_units::Level;
use domain::page::Page;
use domain::text::fold;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub use summary::{ForcesQuery, ForcesSummary};

// ---- teams ----------------------------------------------------------------------

/// A team as lists, pages, the API and files show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub parent_name: Option<String>,
    pub province_id: i64,
    #[schema(value_type = Force)]
    pub force: String,
    pub name: String,
    pub established_on: NaiveDate,
    pub decision_no: String,
    pub decision_on: Option<NaiveDate>,
    pub decision_signer: Option<String>,
    pub second_team_decision: Option<String>,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    /// Members serving on the day the list is read for.
    pub members: i64,
    pub leaders: i64,
    pub deputies: i64,
    /// The village's households in the day's year, if entered.
    pub households: Option<i32>,
    /// The size against the province's rule on that day (none for the
    /// older forces, which had no such rule).
    #[sqlx(skip)]
    #[schema(value_type = Option<SizeStatus>)]
    pub size: Option<SizeStatus>,
}

/// The team columns with its members on day `$d` (a placeholder) and the
/// village's households in the year `$y`. The members are counted per
/// row (through `team_members (team_id, start_on)`), so that one team or
/// a page of them does not count every member in the country.
fn select_teams(d: &str, y: &str) -> String {
    let serving = |role: &str| {
        format!(
            "(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id{role}
                 AND m.start_on <= {d} AND (m.end_on IS NULL OR m.end_on >= {d}))"
        )
    };
    format!(
        "SELECT t.id, t.org_unit_id, u.name AS org_unit_name, p.name AS parent_name, t.province_id,
            t.force, t.name, t.established_on, t.decision_no, t.decision_on, t.decision_signer,
            t.second_team_decision, t.ended_on, t.end_reason,
            {} AS members, {} AS leaders, {} AS deputies, h.households
       FROM security_teams t
       JOIN org_units u ON u.id = t.org_unit_id
       LEFT JOIN org_units p ON p.id = u.parent_id
       LEFT JOIN unit_households h ON h.org_unit_id = t.org_unit_id AND h.year = {y}",
        serving(""),
        serving(" AND m.role = 'to_truong'"),
        serving(" AND m.role = 'to_pho'")
    )
}

fn scope_clause(col: &str, n: &str) -> String {
    crate::scope::unit_in_scope_or_unscoped(col, n)
}

/// One team as it stands on `day`, if the scope reaches its unit.
pub async fn get(db: &Db, scope: Scope, id: i64, day: NaiveDate) -> Result<Option<TeamRow>> {
    let sql = format!(
        "{} WHERE t.id = $3 AND {}",
        select_teams("$1", "$2"),
        scope_clause("t.org_unit_id", "$4")
    );
    let row: Option<TeamRow> = fetch!(
        db,
        fetch_optional,
        TeamRow,
        &sql,
        day,
        day.year(),
        id,
        scope.user_id()
    )?;
    let Some(mut row) = row else { return Ok(None) };
    let mut tx = db.begin_read().await?;
    rules::fill_sizes(&mut tx, std::slice::from_mut(&mut row), day).await?;
    tx.rollback().await?;
    Ok(Some(row))
}

async fn read_tx(tx: &mut Tx, id: i64, day: NaiveDate) -> Result<TeamRow> {
    let sql = format!("{} WHERE t.id = $3", select_teams("$1", "$2"));
    let mut row: TeamRow = fetch!(tx, fetch_optional, TeamRow, &sql, day, day.year(), id)?
        .ok_or(StoreError::NotFound)?;
    rules::fill_sizes(tx, std::slice::from_mut(&mut row), day).await?;
    Ok(row)
}

/// The filters of the team list.
#[derive(Debug, Clone)]
pub struct TeamQuery {
    pub org_unit: Option<i64>,
    /// Teams open on the day (and their members that day).
    pub as_of: NaiveDate,
    /// `as_now`: under a 2025 unit through the mapping; `as_was`: under
    /// the unit as the hierarchy stood.
    pub view: crate::org_units::areas::View,
    pub force: Option<Force>,
    /// Only teams whose size is this against the rule.
    pub size: Option<SizeStatus>,
    pub page: Page,
}

fn list_where(scope: Scope, q: &TeamQuery, p: &mut Params) -> String {
    let d = p.push(Arg::Date(Some(q.as_of)));
    let mut c = vec![format!(
        "t.established_on <= {d} AND (t.ended_on IS NULL OR t.ended_on >= {d})"
    )];
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        let table = match q.view {
            crate::org_units::areas::View::Now => "org_unit_reach",
            crate::org_units::areas::View::Was => "org_unit_tree",
        };
        c.push(format!(
            "t.org_unit_id IN (SELECT unit_id FROM {table} WHERE ancestor_id = {n})"
        ));
    }
    if let Some(force) = q.force {
        let n = p.push(Arg::Text(Some(force.as_str().into())));
        c.push(format!("t.force = {n}"));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(crate::scope::unit_in_scope("t.org_unit_id", &n));
    }
    c.join(" AND ")
}

/// The teams open on the day, in village order, with how many match.
pub async fn list(db: &Db, scope: Scope, q: &TeamQuery) -> Result<(Vec<TeamRow>, i64)> {
    rows_of(db, scope, q, Some(q.page)).await
}

/// Every team the filters match, for a file (no paging; bounded).
pub async fn export(db: &Db, scope: Scope, q: &TeamQuery) -> Result<Vec<TeamRow>> {
    Ok(rows_of(db, scope, q, None).await?.0)
}

/// A size filter is applied after the rule is read (the rule is data),
/// so it pages in memory over the day's teams of the area.
async fn rows_of(
    db: &Db,
    scope: Scope,
    q: &TeamQuery,
    page: Option<Page>,
) -> Result<(Vec<TeamRow>, i64)> {
    let mut p = Params::default();
    let d = p.push(Arg::Date(Some(q.as_of)));
    let y = p.push(Arg::I64(Some(i64::from(q.as_of.year()))));
    let cond = list_where(scope, q, &mut p);
    let order = "ORDER BY p.sort_key, u.sort_key, t.id";
    let (limit, offset) = match page {
        Some(pg) if q.size.is_none() => (pg.limit(), pg.offset()),
        _ => (EXPORT_LIMIT, 0),
    };
    let lim = p.push(Arg::I64(Some(limit)));
    let off = p.push(Arg::I64(Some(offset)));
    let sql = format!(
        "{} WHERE {cond} {order} LIMIT {lim} OFFSET {off}",
        select_teams(&d, &y)
    );
    let mut tx = db.begin_read().await?;
    let mut rows: Vec<TeamRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    rules::fill_sizes(&mut tx, &mut rows, q.as_of).await?;
    let total = if q.size.is_some() || page.is_none() {
        rows.retain(|r| q.size.is_none() || r.size == q.size);
        i64::try_from(rows.len()).unwrap_or(i64::MAX)
    } else {
        let mut c = Params::default();
        let sql = format!(
            "SELECT COUNT(*) FROM security_teams t WHERE {}",
            list_where(scope, q, &mut c)
        );
        fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?
    };
    tx.rollback().await?;
    if let (Some(pg), Some(_)) = (page, q.size) {
        rows = rows
            .into_iter()
            .skip(usize::try_from(pg.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(pg.limit()).unwrap_or(0))
            .collect();
    }
    Ok((rows, total))
}

/// The most teams a file holds.
const EXPORT_LIMIT: i64 = 200_000;

/// The 2025 province a unit lies in (through the mapping for a legacy one).
pub(crate) async fn province_of(tx: &mut Tx, unit: i64) -> Result<Option<i64>> {
    Ok(fetch!(
        tx,
        fetch_one,
        scalar Option<i64>,
        "SELECT MIN(p.id) FROM org_unit_reach r JOIN org_units p ON p.id = r.ancestor_id
          WHERE r.unit_id = $1 AND p.level = 'province' AND p.valid_to IS NULL",
        unit
    )?)
}

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// Sets up a team (or enters a closed historical roster).
pub async fn create(db: &Db, author: Author, scope: Scope, t: &NewTeam) -> Result<TeamRow> {
    let mut tx = db.begin().await?;
    let unit = crate::scope::unit(&mut tx, scope, t.org_unit_id).await?;
    let wanted = match t.force {
        Force::PartTimePolice => Level::Commune,
        _ => Level::Village,
    };
    if unit.level != wanted {
        return Err(invalid(
            "org_unit_id",
            Reason::TeamUnitInvalid {
                force: t.force.term(),
            },
        ));
    }
    if !unit.validity().contains(t.established_on) {
        return Err(StoreError::Conflict(Reason::UnitNotRegistrable {
            unit: unit.name.clone(),
        }));
    }
    if t.force == Force::Law30 && t.second_team_decision.is_none() {
        let open: i64 = fetch!(
            tx,
            fetch_one,
            scalar i64,
            "SELECT COUNT(*) FROM security_teams
              WHERE org_unit_id = $1 AND force = 'to_bao_ve_antt' AND ended_on IS NULL",
            unit.id
        )?;
        if open > 0 {
            return Err(StoreError::Conflict(Reason::TeamExists {
                unit: unit.name.clone(),
            }));
        }
    }
    let province = province_of(&mut tx, unit.id)
        .await?
        .ok_or_else(|| StoreError::Data(format!("org unit {} has no province", unit.id)))?;
    let name = t
        .name
        .clone()
        .unwrap_or_else(|| t.force.team_name(&unit.name));
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO security_teams (org_unit_id, province_id, force, name, established_on,
            decision_no, decision_on, decision_signer, second_team_decision, ended_on,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        unit.id,
        province,
        t.force.as_str(),
        &name,
        t.established_on,
        &t.decision_no,
        t.decision_on,
        t.decision_signer.as_deref(),
        t.second_team_decision.as_deref(),
        t.ended_on,
        now
    )?;
    let row = read_tx(&mut tx, id, t.ended_on.unwrap_or(t.established_on)).await?;
    record(
        &mut tx,
        author,
        "create",
        "security_team",
        id,
        None::<&TeamRow>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Dissolves a team: it ends on the day, and so do its open memberships.
pub async fn dissolve(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    input: &DissolveInput,
) -> Result<TeamRow> {
    let mut tx = db.begin().await?;
    let before = team_in_scope(&mut tx, scope, id, domain::time::today()).await?;
    let d = Dissolution::parse(input, before.established_on, domain::time::today())?;
    if before.ended_on.is_some() {
        return Err(StoreError::Conflict(Reason::TeamEnded));
    }
    let now = Utc::now();
    execute!(
        tx,
        "UPDATE team_members SET end_on = CASE WHEN start_on > $2 THEN start_on ELSE $2 END,
                end_reason = 'team_dissolved', updated_at = $3
          WHERE team_id = $1 AND end_on IS NULL",
        id,
        d.ended_on,
        now
    )?;
    execute!(
        tx,
        "UPDATE security_teams SET ended_on = $2, end_reason = $3, updated_at = $4 WHERE id = $1",
        id,
        d.ended_on,
        &d.reason,
        now
    )?;
    let after = read_tx(&mut tx, id, d.ended_on).await?;
    record(
        &mut tx,
        author,
        "dissolve",
        "security_team",
        id,
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

async fn team_in_scope(tx: &mut Tx, scope: Scope, id: i64, day: NaiveDate) -> Result<TeamRow> {
    let team = read_tx(tx, id, day).await?;
    if let Some(user) = scope.user_id() {
        if !crate::scope::reaches(tx, user, team.org_unit_id).await? {
            return Err(StoreError::NotFound);
        }
    }
    Ok(team)
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

// ---- members ----------------------------------------------------------------------

/// A membership as the team's roster shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub team_id: i64,
    pub person_id: i64,
    pub full_name: String,
    pub birth_year: i32,
    pub phone: Option<String>,
    /// The national ID number's last four digits, dotted (none if not entered).
    pub national_id_masked: Option<String>,
    #[schema(value_type = Role)]
    pub role: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    pub end_note: Option<String>,
    pub decision_no: String,
    pub decision_on: Option<NaiveDate>,
    /// Recognised although a check failed, with this reason.
    pub override_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MemberDb {
    id: i64,
    team_id: i64,
    person_id: i64,
    full_name: String,
    birth_date: NaiveDate,
    phone: Option<String>,
    national_id_last4: Option<String>,
    role: String,
    start_on: NaiveDate,
    end_on: Option<NaiveDate>,
    end_reason: Option<String>,
    end_note: Option<String>,
    decision_no: String,
    decision_on: Option<NaiveDate>,
    override_reason: Option<String>,
}

impl From<MemberDb> for MemberRow {
    fn from(m: MemberDb) -> Self {
        Self {
            id: m.id,
            team_id: m.team_id,
            person_id: m.person_id,
            full_name: m.full_name,
            birth_year: m.birth_date.year(),
            phone: m.phone,
            national_id_masked: m.national_id_last4.as_deref().map(masked),
            role: m.role,
            start_on: m.start_on,
            end_on: m.end_on,
            end_reason: m.end_reason,
            end_note: m.end_note,
            decision_no: m.decision_no,
            decision_on: m.decision_on,
            override_reason: m.override_reason,
        }
    }
}

const SELECT_MEMBERS: &str = "SELECT m.id, m.team_id, m.person_id, pe.full_name, pe.birth_date,
        pe.phone, pe.national_id_last4, m.role, m.start_on, m.end_on, m.end_reason, m.end_note,
        m.decision_no, m.decision_on, m.override_reason
   FROM team_members m JOIN people pe ON pe.id = m.person_id";

const ROLE_ORDER: &str =
    "CASE m.role WHEN 'to_truong' THEN 0 WHEN 'to_pho' THEN 1 ELSE 2 END, pe.name_folded, m.id";

/// The team's members: those serving on `as_of`, or every one who ever
/// served (`None`), leaders first.
pub async fn members(db: &Db, team: i64, as_of: Option<NaiveDate>) -> Result<Vec<MemberRow>> {
    let rows: Vec<MemberDb> = match as_of {
        Some(d) => fetch!(
            db,
            fetch_all,
            MemberDb,
            &format!(
                "{SELECT_MEMBERS} WHERE m.team_id = $1 AND m.start_on <= $2
                   AND (m.end_on IS NULL OR m.end_on >= $2) ORDER BY {ROLE_ORDER}"
            ),
            team,
            d
        )?,
        None => fetch!(
            db,
            fetch_all,
            MemberDb,
            &format!(
                "{SELECT_MEMBERS} WHERE m.team_id = $1 ORDER BY m.end_on IS NOT NULL, {ROLE_ORDER}"
            ),
            team
        )?,
    };
    Ok(rows.into_iter().map(MemberRow::from).collect())
}

async fn member_tx(tx: &mut Tx, id: i64) -> Result<MemberRow> {
    let row: MemberDb = fetch!(
        tx,
        fetch_optional,
        MemberDb,
        &format!("{SELECT_MEMBERS} WHERE m.id = $1"),
        id
    )?
    .ok_or(StoreError::NotFound)?;
    Ok(row.into())
}

/// A membership added, and the checks it was judged on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Added {
    pub member: MemberRow,
    pub checks: Vec<Check>,
    /// The record was found by its national ID number, not created.
    pub person_reused: bool,
}

/// Adds a member to an open team (the input is read once the team is
/// known to be in scope, so that a stranger learns nothing from a
/// refusal): the person found or created, the
/// eligibility checked on the start day (a failure refuses unless an
/// officer's reason overrides it, and under 18 always refuses), one open
/// membership per person.
pub async fn add_member(
    db: &Db,
    author: Author,
    scope: Scope,
    key: &IdKey,
    team_id: i64,
    input: &MemberInput,
) -> Result<Added> {
    let mut tx = db.begin().await?;
    let today = domain::time::today();
    let team = team_in_scope(&mut tx, scope, team_id, today).await?;
    let m = &NewMember::parse(input, today)?;
    if team.ended_on.is_some() {
        return Err(StoreError::Conflict(Reason::TeamEnded));
    }
    if m.start_on < team.established_on {
        return Err(invalid(
            "start_on",
            Reason::StartBeforeTeam {
                from: team.established_on,
            },
        ));
    }
    let (person, reused) = match &m.who {
        Who::Existing(id) => (person_in_scope(&mut tx, scope, *id).await?, false),
        Who::New(p) => find_or_create_person(&mut tx, author, key, p, team.org_unit_id).await?,
    };
    if let Some(other) = open_membership(&mut tx, person.id).await? {
        return Err(StoreError::Conflict(Reason::MemberActiveElsewhere {
            team: other,
        }));
    }
    let facts = f::Facts {
        birth_date: person.birth_date,
        schooling: schooling_of(person.schooling.as_deref()),
        relaxed_schooling: rules::relaxed_schooling(&mut tx, team.org_unit_id).await?,
        declared: &m.declared,
    };
    let checks = f::check(&facts, m.start_on);
    if let Some(refusal) = f::refusal(&checks) {
        if !f::overridable(&checks) {
            return Err(invalid(
                "eligibility",
                Reason::UnderAgeNotOverridable {
                    min: i64::from(f::MIN_AGE),
                },
            ));
        }
        if m.override_reason.is_none() {
            return Err(StoreError::Invalid(refusal));
        }
    }
    let overridden = checks.iter().any(|c| !c.passed);
    let now = Utc::now();
    let eligibility =
        serde_json::to_string(&checks).map_err(|e| StoreError::Data(e.to_string()))?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO team_members (team_id, person_id, role, start_on, decision_no, decision_on,
            resident_since, health_certified_on, no_sanction, age_decision, override_reason,
            eligibility, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
        team.id,
        person.id,
        m.role.as_str(),
        m.start_on,
        &m.decision_no,
        m.decision_on,
        m.declared.resident_since,
        m.declared.health_certified_on,
        m.declared.no_sanction,
        m.declared.age_decision.as_deref(),
        m.override_reason.as_deref().filter(|_| overridden),
        &eligibility,
        now
    )?;
    execute!(
        tx,
        "UPDATE people SET home_unit_id = $2, updated_at = $3 WHERE id = $1",
        person.id,
        team.org_unit_id,
        now
    )?;
    let member = member_tx(&mut tx, id).await?;
    let audited = serde_json::json!({
        "member": member,
        "declared": m.declared,
        "checks": checks,
        "overridden": overridden,
    });
    record(
        &mut tx,
        author,
        "add",
        "team_member",
        id,
        None::<&MemberRow>,
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(Added {
        member,
        checks,
        person_reused: reused,
    })
}

/// The team a person serves in now, by name.
async fn open_membership(tx: &mut Tx, person: i64) -> Result<Option<String>> {
    Ok(fetch!(
        tx,
        fetch_optional,
        scalar String,
        "SELECT t.name FROM team_members m JOIN security_teams t ON t.id = m.team_id
          WHERE m.person_id = $1 AND m.end_on IS NULL",
        person
    )?)
}

/// Ends a membership.
pub async fn end_member(
    db: &Db,
    author: Author,
    scope: Scope,
    team_id: i64,
    member_id: i64,
    input: &EndMemberInput,
) -> Result<MemberRow> {
    let mut tx = db.begin().await?;
    let team = team_in_scope(&mut tx, scope, team_id, domain::time::today()).await?;
    let before = member_tx(&mut tx, member_id).await?;
    if before.team_id != team.id {
        return Err(StoreError::NotFound);
    }
    if before.end_on.is_some() {
        return Err(StoreError::Conflict(Reason::MembershipEnded));
    }
    let e = EndMember::parse(input, before.start_on, domain::time::today())?;
    execute!(
        tx,
        "UPDATE team_members SET end_on = $2, end_reason = $3, end_note = $4, updated_at = $5
          WHERE id = $1",
        member_id,
        e.end_on,
        e.reason.as_str(),
        e.note.as_deref(),
        Utc::now()
    )?;
    let after = member_tx(&mut tx, member_id).await?;
    record(
        &mut tx,
        author,
        "end",
        "team_member",
        member_id,
        Some(&before),
        &after,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The eligibility of a serving member checked again on `on` (age and the
/// health certificate move with time; the rest is what the decision declared).
pub async fn recheck(
    db: &Db,
    scope: Scope,
    team_id: i64,
    member_id: i64,
    on: NaiveDate,
) -> Result<Vec<Check>> {
    let mut tx = db.begin_read().await?;
    let team = team_in_scope(&mut tx, scope, team_id, on).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        team_id: i64,
        birth_date: NaiveDate,
        schooling: Option<String>,
        resident_since: Option<NaiveDate>,
        health_certified_on: Option<NaiveDate>,
        no_sanction: bool,
        age_decision: Option<String>,
    }
    let r: Row = fetch!(
        tx,
        fetch_optional,
        Row,
        "SELECT m.team_id, pe.birth_date, pe.schooling, m.resident_since, m.health_certified_on,
                m.no_sanction, m.age_decision
           FROM team_members m JOIN people pe ON pe.id = m.person_id WHERE m.id = $1",
        member_id
    )?
    .filter(|r| r.team_id == team.id)
    .ok_or(StoreError::NotFound)?;
    let declared = Declared {
        resident_since: r.resident_since,
        health_certified_on: r.health_certified_on,
        no_sanction: r.no_sanction,
        age_decision: r.age_decision,
    };
    let facts = f::Facts {
        birth_date: r.birth_date,
        schooling: schooling_of(r.schooling.as_deref()),
        relaxed_schooling: rules::relaxed_schooling(&mut tx, team.org_unit_id).await?,
        declared: &declared,
    };
    let checks = f::check(&facts, on);
    tx.rollback().await?;
    Ok(checks)
}

// ---- people ---------------------------------------------------------------------------

/// A person's record as the team pages use it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct PersonDb {
    pub id: i64,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    pub schooling: Option<String>,
    pub national_id_sealed: Option<String>,
    pub national_id_last4: Option<String>,
    pub home_unit_id: i64,
}

/// A stored schooling code, read back.
fn schooling_of(code: Option<&str>) -> Option<f::Schooling> {
    code.and_then(|s| f::Schooling::parse("schooling", s).ok())
}

const SELECT_PERSON: &str = "SELECT pe.id, pe.full_name, pe.birth_date, pe.phone, pe.schooling,
        pe.national_id_sealed, pe.national_id_last4, pe.home_unit_id FROM people pe";

/// Whether user `n` sees the person on alias `pe`: the unit they last
/// served in, any team they served in, or the organiser of any class
/// they were enrolled in is in the scope.
fn person_scope(n: &str) -> String {
    format!(
        "({} OR EXISTS (SELECT 1 FROM team_members sm JOIN security_teams st ON st.id = sm.team_id
                         WHERE sm.person_id = pe.id AND {})
             OR EXISTS (SELECT 1 FROM enrolments se JOIN training_classes sc ON sc.id = se.class_id
                         WHERE se.person_id = pe.id AND {}))",
        crate::scope::unit_in_scope("pe.home_unit_id", n),
        crate::scope::unit_in_scope("st.org_unit_id", n),
        crate::scope::unit_in_scope("sc.organiser_unit_id", n)
    )
}

pub(crate) async fn person_in_scope(tx: &mut Tx, scope: Scope, id: i64) -> Result<PersonDb> {
    find_person(tx, scope, id)
        .await?
        .ok_or_else(|| invalid("person_id", Reason::PersonUnknown))
}

async fn find_person(tx: &mut Tx, scope: Scope, id: i64) -> Result<Option<PersonDb>> {
    Ok(match scope.user_id() {
        None => fetch!(
            tx,
            fetch_optional,
            PersonDb,
            &format!("{SELECT_PERSON} WHERE pe.id = $1"),
            id
        )?,
        Some(user) => fetch!(
            tx,
            fetch_optional,
            PersonDb,
            &format!(
                "{SELECT_PERSON} WHERE pe.id = $1 AND {}",
                person_scope("$2")
            ),
            id,
            user
        )?,
    })
}

/// The person with this national ID number if one is on record under the
/// same name and birth day (then their record is used); a different name
/// or birth day under the same number is refused. Without a number, a new
/// record.
pub(crate) async fn find_or_create_person(
    tx: &mut Tx,
    author: Author,
    key: &IdKey,
    p: &NewPerson,
    home: i64,
) -> Result<(PersonDb, bool)> {
    let index = p.national_id.as_ref().map(|id| key.index(id));
    if let Some(index) = &index {
        let found: Option<PersonDb> = fetch!(
            tx,
            fetch_optional,
            PersonDb,
            &format!("{SELECT_PERSON} WHERE pe.national_id_index = $1"),
            index
        )?;
        if let Some(found) = found {
            if fold(&found.full_name) == fold(&p.full_name) && found.birth_date == p.birth_date {
                return Ok((found, true));
            }
            return Err(StoreError::Conflict(Reason::NationalIdTaken));
        }
    } else {
        // Without an ID number, the same name and date of birth at the same
        // unit is taken for the same person (a list uploaded twice, a
        // trainee of two classes), not a second record.
        let found: Option<PersonDb> = fetch!(
            tx,
            fetch_optional,
            PersonDb,
            &format!(
                "{SELECT_PERSON} WHERE pe.home_unit_id = $1 AND pe.name_folded = $2
                   AND pe.birth_date = $3 ORDER BY pe.id LIMIT 1"
            ),
            home,
            fold(&p.full_name),
            p.birth_date
        )?;
        if let Some(found) = found {
            return Ok((found, true));
        }
    }
    let now = Utc::now();
    let sealed = p.national_id.as_ref().map(|id| key.seal(id));
    let last4 = p.national_id.as_ref().map(|id| id.last4());
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO people (full_name, name_folded, birth_date, phone, schooling,
            national_id_sealed, national_id_index, national_id_last4, home_unit_id,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        &p.full_name,
        fold(&p.full_name),
        p.birth_date,
        p.phone.as_deref(),
        p.schooling.map(|s| s.as_str()),
        sealed.as_deref(),
        index.as_deref(),
        last4.as_deref(),
        home,
        now
    )?;
    let person: PersonDb = fetch!(
        tx,
        fetch_one,
        PersonDb,
        &format!("{SELECT_PERSON} WHERE pe.id = $1"),
        id
    )?;
    let audited = serde_json::json!({
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "phone": person.phone,
        "schooling": person.schooling,
        "national_id": person.national_id_last4.as_deref().map(masked),
    });
    record(tx, author, "create", "person", id, None::<&()>, &audited).await?;
    Ok((person, false))
}

/// A person's record and history, as their page shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonDetail {
    pub id: i64,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub phone: Option<String>,
    #[schema(value_type = Option<f::Schooling>)]
    pub schooling: Option<String>,
    pub national_id_masked: Option<String>,
    /// The whole number: only for the province's staff, on this page.
    pub national_id: Option<String>,
    pub home_unit_id: i64,
    pub home_unit_name: String,
    /// Every team they served in, latest first.
    pub memberships: Vec<Membership>,
}

/// One membership in a person's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub org_unit_name: String,
    #[schema(value_type = Role)]
    pub role: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

/// A person in scope, with the whole ID number opened when `reveal` (the
/// caller decides who may: `policy::Action::ReadNationalIds`).
pub async fn person(
    db: &Db,
    scope: Scope,
    key: &IdKey,
    id: i64,
    reveal: bool,
) -> Result<Option<PersonDetail>> {
    let mut tx = db.begin_read().await?;
    let Some(p) = find_person(&mut tx, scope, id).await? else {
        return Ok(None);
    };
    let home_unit_name: String = fetch!(
        tx,
        fetch_one,
        scalar String,
        "SELECT name FROM org_units WHERE id = $1",
        p.home_unit_id
    )?;
    let memberships: Vec<Membership> = fetch!(
        tx,
        fetch_all,
        Membership,
        "SELECT m.id, m.team_id, t.name AS team_name, u.name AS org_unit_name, m.role,
                m.start_on, m.end_on, m.end_reason
           FROM team_members m JOIN security_teams t ON t.id = m.team_id
           JOIN org_units u ON u.id = t.org_unit_id
          WHERE m.person_id = $1 ORDER BY m.start_on DESC, m.id DESC",
        id
    )?;
    tx.rollback().await?;
    let national_id = if reveal {
        p.national_id_sealed
            .as_deref()
            .and_then(|s| key.open(s))
            .map(|n| n.as_str().to_string())
    } else {
        None
    };
    Ok(Some(PersonDetail {
        id: p.id,
        full_name: p.full_name,
        birth_date: p.birth_date,
        phone: p.phone,
        schooling: p.schooling,
        national_id_masked: p.national_id_last4.as_deref().map(masked),
        national_id,
        home_unit_id: p.home_unit_id,
        home_unit_name,
        memberships,
    }))
}
