//! Commendations: recorded as decided, or proposed and then approved or
//! refused; lists (a year's proposals, a recipient's history) and the
//! counts by form and level (`summary`), which also feed the statistics'
//! computed indicators.
//!
//! Who sees one: the scopes reaching its unit (`org_unit_id`: the unit
//! commended, or the organisation's, team's, model's or individual's
//! unit), across the 2025 reform through `org_unit_reach`. The recipient
//! must be one the writer's scope reaches (400 otherwise: it is named in
//! the body), and is copied by name so that a unit merged later keeps its
//! history.

use chrono::{NaiveDate, Utc};
use domain::commendations::{Decision, NewCommendation, Recipient, RecipientKind, State};
use domain::page::Page;
use domain::text::fold;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::unit_in_scope;
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod summary;

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// A commendation as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct CommendationRow {
    pub id: i64,
    #[schema(value_type = domain::commendations::Form)]
    pub form: String,
    #[schema(value_type = domain::commendations::Level)]
    pub level: String,
    #[schema(value_type = State)]
    pub state: String,
    pub year: i32,
    pub reason: String,
    #[schema(value_type = RecipientKind)]
    pub recipient_kind: String,
    /// The unit, organisation, team or model (none: an individual).
    pub recipient_id: Option<i64>,
    /// Its name when it was commended.
    pub recipient_name: String,
    pub person_role: Option<String>,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub document_id: Option<i64>,
    pub document_number: Option<String>,
    /// The decision's number when it is not in the register.
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    /// Why a proposal was refused.
    pub refusal: Option<String>,
    pub proposed_on: Option<NaiveDate>,
    /// Who entered it.
    pub author: Option<String>,
}

const SELECT_COMMENDATION: &str = "SELECT c.id, c.form, c.level, c.state, c.year, c.reason,
        c.recipient_kind, c.recipient_id, c.recipient_name, c.person_role, c.org_unit_id,
        u.name AS org_unit_name, c.document_id, d.number AS document_number, c.decision,
        c.decided_on, c.refusal, c.proposed_on, us.display_name AS author
   FROM commendations c
   JOIN org_units u ON u.id = c.org_unit_id
   LEFT JOIN documents d ON d.id = c.document_id
   LEFT JOIN users us ON us.id = c.created_by";

/// The commendations the scope sees, as a condition on `c`.
fn scope_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            unit_in_scope("c.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

/// The recipient's name and unit, if the scope reaches it.
async fn recipient(tx: &mut Tx, scope: Scope, r: &Recipient) -> Result<(String, i64)> {
    let outside = |kind: RecipientKind| {
        invalid(
            "recipient_id",
            Reason::CommendationRecipientOutside { kind: kind.term() },
        )
    };
    let kind = r.kind();
    let (name, unit) = match r {
        Recipient::Person {
            name, org_unit_id, ..
        } => (name.clone(), *org_unit_id),
        Recipient::Record(RecipientKind::Unit, id) => {
            let u = crate::scope::unit(tx, scope, *id)
                .await
                .map_err(|_| outside(kind))?;
            (u.name, u.id)
        }
        Recipient::Record(RecipientKind::Organisation, id) => {
            let o = crate::partners::read_tx(tx, scope, *id)
                .await
                .map_err(|_| outside(kind))?;
            // A national body sits in no unit: not a province's to commend.
            (o.name, o.org_unit_id.ok_or_else(|| outside(kind))?)
        }
        Recipient::Record(k, id) => {
            let sql = match k {
                RecipientKind::Team => "SELECT name, org_unit_id FROM security_teams WHERE id = $1",
                _ => "SELECT name, org_unit_id FROM models WHERE id = $1",
            };
            #[derive(sqlx::FromRow)]
            struct Named {
                name: String,
                org_unit_id: i64,
            }
            let found: Option<Named> = fetch!(tx, fetch_optional, Named, sql, *id)?;
            let found = found.ok_or_else(|| outside(kind))?;
            (found.name, found.org_unit_id)
        }
    };
    // The unit must be the scope's (an organisation's or a record's unit
    // too: reading one is not commending it).
    crate::scope::unit(tx, scope, unit)
        .await
        .map_err(|e| match e {
            StoreError::NotFound if matches!(r, Recipient::Person { .. }) => invalid(
                "org_unit_id",
                Reason::CommendationRecipientOutside { kind: kind.term() },
            ),
            StoreError::NotFound => outside(kind),
            e => e,
        })?;
    Ok((name, unit))
}

/// A commendation the scope sees, inside a transaction.
pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<CommendationRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_COMMENDATION} WHERE c.id = {n} AND {}",
        scope_cond(scope, &mut p)
    );
    let rows: Vec<CommendationRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

pub async fn read(db: &Db, scope: Scope, id: i64) -> Result<CommendationRow> {
    let mut tx = db.begin_read().await?;
    let r = read_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    r
}

/// Records a decided commendation (approved) or a proposal (`decided_on`
/// none: proposed, dated `today`); audited.
pub async fn create(
    db: &Db,
    author: Author,
    scope: Scope,
    c: &NewCommendation,
    today: NaiveDate,
) -> Result<CommendationRow> {
    let mut tx = db.begin().await?;
    let (name, unit) = recipient(&mut tx, scope, &c.recipient).await?;
    if let Some(doc) = c.document_id {
        crate::documents::read_tx(&mut tx, scope, doc)
            .await
            .map_err(|_| invalid("document_id", Reason::DocumentUnknown))?;
    }
    let province = crate::forces::province_of(&mut tx, unit)
        .await?
        .ok_or_else(|| {
            invalid(
                "org_unit_id",
                Reason::CommendationRecipientOutside {
                    kind: c.recipient.kind().term(),
                },
            )
        })?;
    let (state, proposed_on) = match c.decided_on {
        Some(_) => (State::Approved, None),
        None => (State::Proposed, Some(today)),
    };
    let (recipient_id, role) = match &c.recipient {
        Recipient::Record(_, id) => (Some(*id), None),
        Recipient::Person { role, .. } => (None, role.clone()),
    };
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO commendations (form, level, state, year, reason, recipient_kind,
            recipient_id, recipient_name, recipient_folded, person_role, org_unit_id, province_id,
            document_id, decision, decided_on, proposed_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $18)
         RETURNING id",
        c.form.as_str(),
        c.level.as_str(),
        state.as_str(),
        c.year,
        &c.reason,
        c.recipient.kind().as_str(),
        recipient_id,
        &name,
        fold(&name),
        role.as_deref(),
        unit,
        province,
        c.document_id,
        c.decision.as_deref(),
        c.decided_on,
        proposed_on,
        author.user_id(),
        now
    )?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    let action = match state {
        State::Proposed => "propose",
        _ => "create",
    };
    record(&mut tx, author, action, id, None, &row).await?;
    tx.commit().await?;
    Ok(row)
}

async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    id: i64,
    before: Option<&CommendationRow>,
    after: &CommendationRow,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity: "commendation",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

/// Approves or refuses a proposal the scope sees (409 past it); audited.
pub async fn decide(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    d: &Decision,
) -> Result<CommendationRow> {
    let mut tx = db.begin().await?;
    let before = read_tx(&mut tx, scope, id).await?;
    let state = State::parse("state", &before.state)?;
    if state != State::Proposed {
        return Err(StoreError::Conflict(Reason::CommendationNotProposed {
            state: state.term(),
        }));
    }
    let now = Utc::now();
    match d {
        Decision::Approve {
            decided_on,
            document_id,
            number,
        } => {
            if let Some(doc) = document_id {
                crate::documents::read_tx(&mut tx, scope, *doc)
                    .await
                    .map_err(|_| invalid("document_id", Reason::DocumentUnknown))?;
            }
            execute!(
                tx,
                "UPDATE commendations SET state = 'approved', decided_on = $2, document_id = $3,
                    decision = $4, updated_at = $5 WHERE id = $1",
                id,
                *decided_on,
                *document_id,
                number.as_deref(),
                now
            )?;
        }
        Decision::Refuse { reason } => {
            execute!(
                tx,
                "UPDATE commendations SET state = 'refused', refusal = $2, updated_at = $3
                  WHERE id = $1",
                id,
                reason.as_str(),
                now
            )?;
        }
    }
    let after = read_tx(&mut tx, Scope::All, id).await?;
    let action = match d {
        Decision::Approve { .. } => "approve",
        Decision::Refuse { .. } => "refuse",
    };
    record(&mut tx, author, action, id, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct CommendationQuery {
    /// Commendations of this unit's area (at or below it).
    pub org_unit: Option<i64>,
    pub year: Option<i32>,
    pub state: Option<State>,
    pub form: Option<domain::commendations::Form>,
    pub level: Option<domain::commendations::Level>,
    pub recipient_kind: Option<RecipientKind>,
    /// One recipient's history (with `recipient_kind`).
    pub recipient_id: Option<i64>,
    /// Part of the recipient's name, folded.
    pub q: Option<String>,
    pub page: Page,
}

fn list_where(scope: Scope, q: &CommendationQuery, p: &mut Params) -> String {
    let mut c = vec![scope_cond(scope, p)];
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "c.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(y) = q.year {
        let n = p.push(Arg::I64(Some(i64::from(y))));
        c.push(format!("c.year = {n}"));
    }
    let mut coded = |col: &str, v: Option<&'static str>, p: &mut Params| {
        if let Some(v) = v {
            let n = p.push(Arg::Text(Some(v.into())));
            c.push(format!("{col} = {n}"));
        }
    };
    coded("c.state", q.state.map(State::as_str), p);
    coded("c.form", q.form.map(|f| f.as_str()), p);
    coded("c.level", q.level.map(|l| l.as_str()), p);
    coded("c.recipient_kind", q.recipient_kind.map(|k| k.as_str()), p);
    if let Some(r) = q.recipient_id {
        let n = p.push(Arg::I64(Some(r)));
        c.push(format!("c.recipient_id = {n}"));
    }
    if let Some(text) = &q.q {
        let n = p.push(Arg::Text(Some(format!(
            "%{}%",
            fold(text).replace(['%', '_'], "")
        ))));
        c.push(format!("c.recipient_folded LIKE {n}"));
    }
    c.join(" AND ")
}

/// A page of commendations, the latest year first (proposals before
/// decisions within a year), and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    q: &CommendationQuery,
) -> Result<(Vec<CommendationRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(scope, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_COMMENDATION} WHERE {cond}
          ORDER BY c.year DESC, CASE WHEN c.state = 'proposed' THEN 0 ELSE 1 END,
                   c.decided_on DESC, c.id DESC
          LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<CommendationRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM commendations c WHERE {}",
        list_where(scope, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}
