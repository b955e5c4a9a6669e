//! Partner organisations at each level, their contact roles, their end
//! into a successor (the 2025 reform), and which organisation a partner
//! account works for. Seen like documents (`scope::visible_unit`), written
//! by the scope of their unit (national bodies by administrators), every
//! write audited.

use chrono::{NaiveDate, Utc};
use domain::documents::Level;
use domain::org_units::Level as UnitLevel;
use domain::page::Page;
use domain::partners::{End, Kind, NewPartner};
use domain::text::{fold, sort_key};
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::{may_write_at, visible_unit};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// An office or role to reach.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ContactRow {
    pub role: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// An organisation as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PartnerRow {
    pub id: i64,
    #[schema(value_type = Kind)]
    pub kind: String,
    pub name: String,
    #[schema(value_type = Level)]
    pub level: String,
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub ended_on: Option<NaiveDate>,
    /// The organisation that continues its work.
    pub succeeded_by: Option<i64>,
    pub succeeded_by_name: Option<String>,
    /// Programmes it is a party to.
    pub programs: i64,
    #[sqlx(skip)]
    pub contacts: Vec<ContactRow>,
}

const SELECT_PARTNER: &str = "SELECT p.id, p.kind, p.name, p.level, p.org_unit_id,
        u.name AS org_unit_name, p.ended_on, p.succeeded_by, s.name AS succeeded_by_name,
        (SELECT COUNT(*) FROM program_parties pp WHERE pp.organisation_id = p.id) AS programs
   FROM partner_organisations p
   LEFT JOIN org_units u ON u.id = p.org_unit_id
   LEFT JOIN partner_organisations s ON s.id = p.succeeded_by";

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct PartnerQuery {
    pub kind: Option<Kind>,
    pub level: Option<Level>,
    /// Organisations of this unit or a unit under it.
    pub org_unit: Option<i64>,
    /// Part of the name, folded.
    pub q: Option<String>,
    /// Ended ones too.
    pub ended: bool,
    pub page: Page,
}

fn list_where(scope: Scope, q: &PartnerQuery, p: &mut Params) -> String {
    let mut c = vec!["1 = 1".to_string()];
    if let Some(k) = q.kind {
        let n = p.push(Arg::Text(Some(k.as_str().into())));
        c.push(format!("p.kind = {n}"));
    }
    if let Some(l) = q.level {
        let n = p.push(Arg::Text(Some(l.as_str().into())));
        c.push(format!("p.level = {n}"));
    }
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "p.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(text) = &q.q {
        let n = p.push(Arg::Text(Some(format!(
            "%{}%",
            text.replace(['%', '_'], "")
        ))));
        c.push(format!("p.name_folded LIKE {n}"));
    }
    if !q.ended {
        c.push("p.ended_on IS NULL".into());
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(visible_unit("p.org_unit_id", &n));
    }
    c.join(" AND ")
}

/// A page of organisations, by level then name; and how many match.
pub async fn list(db: &Db, scope: Scope, q: &PartnerQuery) -> Result<(Vec<PartnerRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(scope, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_PARTNER} WHERE {cond}
          ORDER BY CASE p.level WHEN 'national' THEN 0 WHEN 'province' THEN 1 ELSE 2 END,
                   u.sort_key, p.sort_key LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<PartnerRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM partner_organisations p WHERE {}",
        list_where(scope, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// A visible organisation with its contacts, inside a transaction.
pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<PartnerRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let mut cond = format!("p.id = {n}");
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        cond.push_str(&format!(" AND {}", visible_unit("p.org_unit_id", &u)));
    }
    let rows: Vec<PartnerRow> =
        fetch_all_dyn(tx, &format!("{SELECT_PARTNER} WHERE {cond}"), p.args).await?;
    let mut row = rows.into_iter().next().ok_or(StoreError::NotFound)?;
    row.contacts = fetch!(
        tx,
        fetch_all,
        ContactRow,
        "SELECT role, phone, email FROM partner_contacts WHERE organisation_id = $1 ORDER BY position",
        id
    )?;
    Ok(row)
}

/// A visible organisation, if any.
pub async fn get(db: &Db, scope: Scope, id: i64) -> Result<Option<PartnerRow>> {
    let mut tx = db.begin_read().await?;
    let r = read_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    match r {
        Ok(p) => Ok(Some(p)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the scope may change the organisation (pages show their forms
/// by it): the same rule every write here asks.
pub async fn may_write(db: &Db, scope: Scope, id: i64) -> Result<bool> {
    let mut tx = db.begin_read().await?;
    let r = match read_tx(&mut tx, scope, id).await {
        Ok(p) => may_write_at(&mut tx, scope, p.org_unit_id).await,
        Err(e) => Err(e),
    };
    tx.rollback().await?;
    match r {
        Ok(()) => Ok(true),
        Err(StoreError::Forbidden | StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The unit of a new or changed organisation: of its level, existing now.
async fn check_unit(tx: &mut Tx, scope: Scope, p: &NewPartner) -> Result<()> {
    may_write_at(tx, scope, p.org_unit_id).await?;
    if let Some(unit) = p.org_unit_id {
        let u = crate::scope::unit(tx, scope, unit).await?;
        let level = match p.level {
            Level::Province => UnitLevel::Province,
            _ => UnitLevel::Commune,
        };
        if u.level != level || !u.validity().contains(domain::time::today()) {
            return Err(invalid(
                "org_unit_id",
                Reason::DocumentUnitWrongLevel {
                    level: p.level.term(),
                },
            ));
        }
    }
    Ok(())
}

fn name_taken(e: StoreError, name: &str) -> StoreError {
    if e.is_unique_violation() {
        StoreError::Conflict(Reason::PartnerNameTaken { name: name.into() })
    } else {
        e
    }
}

async fn write_contacts(tx: &mut Tx, id: i64, p: &NewPartner) -> Result<()> {
    execute!(
        tx,
        "DELETE FROM partner_contacts WHERE organisation_id = $1",
        id
    )?;
    for (i, c) in p.contacts.iter().enumerate() {
        execute!(
            tx,
            "INSERT INTO partner_contacts (organisation_id, position, role, phone, email)
             VALUES ($1, $2, $3, $4, $5)",
            id,
            i32::try_from(i).unwrap_or(i32::MAX),
            &c.role,
            c.phone.as_deref(),
            c.email.as_deref()
        )?;
    }
    Ok(())
}

/// Adds an organisation.
pub async fn create(db: &Db, author: Author, scope: Scope, p: &NewPartner) -> Result<PartnerRow> {
    let mut tx = db.begin().await?;
    check_unit(&mut tx, scope, p).await?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO partner_organisations (kind, name, name_folded, sort_key, level, org_unit_id,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        p.kind.as_str(),
        &p.name,
        fold(&p.name),
        sort_key(&p.name),
        p.level.as_str(),
        p.org_unit_id,
        now
    )
    .map_err(StoreError::from)
    .map_err(|e| name_taken(e, &p.name))?;
    write_contacts(&mut tx, id, p).await?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "create", id, None, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes an organisation's entry and contacts.
pub async fn update(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    p: &NewPartner,
) -> Result<PartnerRow> {
    let mut tx = db.begin().await?;
    let before = read_tx(&mut tx, scope, id).await?;
    may_write_at(&mut tx, scope, before.org_unit_id).await?;
    check_unit(&mut tx, scope, p).await?;
    execute!(
        tx,
        "UPDATE partner_organisations SET kind = $2, name = $3, name_folded = $4, sort_key = $5,
            level = $6, org_unit_id = $7, updated_at = $8 WHERE id = $1",
        id,
        p.kind.as_str(),
        &p.name,
        fold(&p.name),
        sort_key(&p.name),
        p.level.as_str(),
        p.org_unit_id,
        Utc::now()
    )
    .map_err(StoreError::from)
    .map_err(|e| name_taken(e, &p.name))?;
    write_contacts(&mut tx, id, p).await?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "update", id, Some(&before), &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Ends an organisation, continued by another of the same kind (the
/// merged province's Women's Union continues the legacy ones').
pub async fn end(db: &Db, author: Author, scope: Scope, id: i64, e: End) -> Result<PartnerRow> {
    let mut tx = db.begin().await?;
    let before = read_tx(&mut tx, scope, id).await?;
    may_write_at(&mut tx, scope, before.org_unit_id).await?;
    if let Some(s) = e.succeeded_by {
        let successor = match read_tx(&mut tx, scope, s).await {
            Ok(x) => x,
            Err(StoreError::NotFound) => {
                return Err(invalid("succeeded_by", Reason::PartnerSuccessorInvalid))
            }
            Err(x) => return Err(x),
        };
        if s == id
            || successor.kind != before.kind
            || successor.ended_on.is_some()
            || lineage_tx(&mut tx, id).await?.contains(&s)
        {
            return Err(invalid("succeeded_by", Reason::PartnerSuccessorInvalid));
        }
    }
    execute!(
        tx,
        "UPDATE partner_organisations SET ended_on = $2, succeeded_by = $3, updated_at = $4
          WHERE id = $1",
        id,
        e.ended_on,
        e.succeeded_by,
        Utc::now()
    )?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "end", id, Some(&before), &row).await?;
    tx.commit().await?;
    Ok(row)
}

async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    id: i64,
    before: Option<&PartnerRow>,
    after: &PartnerRow,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity: "partner",
            entity_id: id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

/// An organisation and every one that ended into it, directly or down a
/// chain: whose programmes it carries on.
pub(crate) async fn lineage_tx(tx: &mut Tx, id: i64) -> Result<Vec<i64>> {
    Ok(fetch!(
        tx,
        fetch_all,
        scalar i64,
        "WITH RECURSIVE line (id) AS (
             SELECT CAST($1 AS BIGINT)
             UNION
             SELECT p.id FROM partner_organisations p JOIN line l ON p.succeeded_by = l.id
         )
         SELECT id FROM line LIMIT 1000",
        id
    )?)
}

/// The organisation a partner account works for, and those it continues.
pub async fn organisations_of_user(db: &Db, user: i64) -> Result<Vec<i64>> {
    let mut tx = db.begin_read().await?;
    let org: Option<Option<i64>> = fetch!(
        tx,
        fetch_optional,
        scalar Option<i64>,
        "SELECT organisation_id FROM users WHERE id = $1",
        user
    )?;
    let out = match org.flatten() {
        Some(o) => lineage_tx(&mut tx, o).await?,
        None => Vec::new(),
    };
    tx.rollback().await?;
    Ok(out)
}

/// The organisation a partner account works for (none: not attached).
pub async fn organisation_of_user(db: &Db, user: i64) -> Result<Option<i64>> {
    Ok(fetch!(
        db,
        fetch_optional,
        scalar Option<i64>,
        "SELECT organisation_id FROM users WHERE id = $1",
        user
    )?
    .flatten())
}

/// Attaches a partner account to an organisation (none: detaches it).
pub async fn set_user_organisation(
    db: &Db,
    author: Author,
    user: i64,
    organisation: Option<i64>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if let Some(o) = organisation {
        read_tx(&mut tx, Scope::All, o)
            .await
            .map_err(|_| invalid("organisation_id", Reason::PartnerUnknown))?;
    }
    let changed = execute!(
        tx,
        "UPDATE users SET organisation_id = $2, updated_at = $3 WHERE id = $1",
        user,
        organisation,
        Utc::now()
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    audit::record(
        &mut tx,
        Change {
            author,
            action: "organisation",
            entity: "user",
            entity_id: user.to_string(),
            before: None::<&()>,
            after: Some(&serde_json::json!({ "organisation_id": organisation })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
