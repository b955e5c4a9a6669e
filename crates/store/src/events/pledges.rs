//! Emulation pledges (giao ước thi đua): the parties (units, villages,
//! sites such as religious establishments, partner organisations) of an
//! area, what each pledged item by item, the period, the signing event;
//! and each item's assessment per year, kept or broken, with a note.
//!
//! Who sees a pledge: the scopes reaching its area (`org_unit_id`) as for
//! events (`scope::visible_unit`). Who writes one and assesses it: the
//! scope of its area. Its unit parties lie within its area.

use chrono::{NaiveDate, Utc};
use domain::events::{NewAssessment, NewPledge, PartyKind};
use domain::page::Page;
use domain::Reason;
use serde::Serialize;

use super::{invalid, record};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::scope::{may_write_at, visible_unit};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// A pledge as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PledgeRow {
    pub id: i64,
    pub title: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub event_id: Option<i64>,
    pub notes: Option<String>,
    pub parties: i64,
}

const SELECT_PLEDGE: &str = "SELECT g.id, g.title, g.org_unit_id, u.name AS org_unit_name,
        g.starts_on, g.ends_on, g.event_id, g.notes,
        (SELECT COUNT(*) FROM pledge_parties x WHERE x.pledge_id = g.id) AS parties
   FROM pledges g JOIN org_units u ON u.id = g.org_unit_id";

/// An item with its assessments year by year.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PledgeItemRow {
    pub id: i64,
    pub text: String,
    pub assessments: Vec<PledgeAssessmentRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PledgeAssessmentRow {
    pub item_id: i64,
    pub year: i32,
    pub kept: bool,
    pub note: Option<String>,
}

/// A party and what it pledged.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PledgePartyRow {
    pub id: i64,
    #[schema(value_type = PartyKind)]
    pub kind: String,
    pub org_unit_id: Option<i64>,
    pub organisation_id: Option<i64>,
    pub name: String,
    pub items: Vec<PledgeItemRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PledgeDetail {
    pub pledge: PledgeRow,
    pub parties: Vec<PledgePartyRow>,
}

fn scope_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            visible_unit("g.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<PledgeRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_PLEDGE} WHERE g.id = {n} AND {}",
        scope_cond(scope, &mut p)
    );
    let rows: Vec<PledgeRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

async fn detail_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<PledgeDetail> {
    let pledge = read_tx(tx, scope, id).await?;
    #[derive(sqlx::FromRow)]
    struct Party {
        id: i64,
        kind: String,
        org_unit_id: Option<i64>,
        organisation_id: Option<i64>,
        name: String,
    }
    #[derive(sqlx::FromRow)]
    struct Item {
        id: i64,
        party_id: i64,
        text: String,
    }
    let parties: Vec<Party> = fetch!(
        tx,
        fetch_all,
        Party,
        "SELECT id, kind, org_unit_id, organisation_id, name FROM pledge_parties
          WHERE pledge_id = $1 ORDER BY position",
        id
    )?;
    let items: Vec<Item> = fetch!(
        tx,
        fetch_all,
        Item,
        "SELECT i.id, i.party_id, i.text FROM pledge_items i
           JOIN pledge_parties x ON x.id = i.party_id WHERE x.pledge_id = $1
          ORDER BY i.party_id, i.position",
        id
    )?;
    let assessments: Vec<PledgeAssessmentRow> = fetch!(
        tx,
        fetch_all,
        PledgeAssessmentRow,
        "SELECT a.item_id, a.year, a.kept, a.note FROM pledge_assessments a
           JOIN pledge_items i ON i.id = a.item_id
           JOIN pledge_parties x ON x.id = i.party_id WHERE x.pledge_id = $1
          ORDER BY a.item_id, a.year",
        id
    )?;
    let parties = parties
        .into_iter()
        .map(|p| PledgePartyRow {
            items: items
                .iter()
                .filter(|i| i.party_id == p.id)
                .map(|i| PledgeItemRow {
                    id: i.id,
                    text: i.text.clone(),
                    assessments: assessments
                        .iter()
                        .filter(|a| a.item_id == i.id)
                        .cloned()
                        .collect(),
                })
                .collect(),
            id: p.id,
            kind: p.kind,
            org_unit_id: p.org_unit_id,
            organisation_id: p.organisation_id,
            name: p.name,
        })
        .collect();
    Ok(PledgeDetail { pledge, parties })
}

pub async fn read(db: &Db, scope: Scope, id: i64) -> Result<PledgeDetail> {
    let mut tx = db.begin_read().await?;
    let r = detail_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    r
}

/// A unit party within the area (and the scope); an organisation the
/// scope sees. Its name as it is.
async fn party_name(
    tx: &mut Tx,
    scope: Scope,
    area: i64,
    kind: PartyKind,
    id: i64,
) -> Result<String> {
    let outside = || invalid("parties", Reason::PledgePartyOutside);
    match kind {
        PartyKind::Unit => {
            let u = crate::scope::unit(tx, scope, id)
                .await
                .map_err(|_| outside())?;
            let inside: Option<i32> = fetch!(
                tx,
                fetch_optional,
                scalar i32,
                "SELECT 1 FROM org_unit_reach WHERE ancestor_id = $1 AND unit_id = $2",
                area,
                id
            )?;
            inside.map(|_| u.name).ok_or_else(outside)
        }
        PartyKind::Organisation => Ok(crate::partners::read_tx(tx, scope, id)
            .await
            .map_err(|_| outside())?
            .name),
    }
}

/// Records a pledge with its parties and items; audited.
pub async fn create(db: &Db, author: Author, scope: Scope, g: &NewPledge) -> Result<PledgeDetail> {
    let mut tx = db.begin().await?;
    may_write_at(&mut tx, scope, Some(g.org_unit_id)).await?;
    crate::scope::unit(&mut tx, scope, g.org_unit_id).await?;
    if let Some(e) = g.event_id {
        super::read_tx(&mut tx, scope, e)
            .await
            .map_err(|_| invalid("event_id", Reason::NotFound))?;
    }
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO pledges (title, org_unit_id, starts_on, ends_on, event_id, notes, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        &g.title,
        g.org_unit_id,
        g.starts_on,
        g.ends_on,
        g.event_id,
        g.notes.as_deref(),
        author.user_id(),
        now
    )?;
    for (i, party) in g.parties.iter().enumerate() {
        let name = party_name(&mut tx, scope, g.org_unit_id, party.kind, party.id).await?;
        let (unit, org) = match party.kind {
            PartyKind::Unit => (Some(party.id), None),
            PartyKind::Organisation => (None, Some(party.id)),
        };
        let party_id: i64 = fetch!(
            tx,
            fetch_one,
            scalar i64,
            "INSERT INTO pledge_parties (pledge_id, position, kind, org_unit_id, organisation_id,
                name) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            id,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            party.kind.as_str(),
            unit,
            org,
            &name
        )?;
        for (k, text) in party.items.iter().enumerate() {
            execute!(
                tx,
                "INSERT INTO pledge_items (party_id, position, text) VALUES ($1, $2, $3)",
                party_id,
                i64::try_from(k + 1).unwrap_or(i64::MAX),
                text.as_str()
            )?;
        }
    }
    let detail = detail_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "create", "pledge", id, &detail).await?;
    tx.commit().await?;
    Ok(detail)
}

/// Assesses one item of a pledge for a year (again: replaces the year's
/// assessment); audited.
pub async fn assess(
    db: &Db,
    author: Author,
    scope: Scope,
    pledge: i64,
    parse: impl FnOnce(
        (NaiveDate, NaiveDate),
    ) -> std::result::Result<NewAssessment, domain::DomainError>,
) -> Result<PledgeDetail> {
    let mut tx = db.begin().await?;
    let g = read_tx(&mut tx, scope, pledge).await?;
    may_write_at(&mut tx, scope, Some(g.org_unit_id)).await?;
    let a = parse((g.starts_on, g.ends_on))?;
    let item: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT i.id FROM pledge_items i JOIN pledge_parties x ON x.id = i.party_id
          WHERE i.id = $1 AND x.pledge_id = $2",
        a.item_id,
        pledge
    )?;
    if item.is_none() {
        return Err(invalid("item_id", Reason::PledgeItemUnknown));
    }
    execute!(
        tx,
        "DELETE FROM pledge_assessments WHERE item_id = $1 AND year = $2",
        a.item_id,
        a.year
    )?;
    execute!(
        tx,
        "INSERT INTO pledge_assessments (item_id, year, kept, note, assessed_by, assessed_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        a.item_id,
        a.year,
        a.kept,
        a.note.as_deref(),
        author.user_id(),
        Utc::now()
    )?;
    let detail = detail_tx(&mut tx, Scope::All, pledge).await?;
    record(
        &mut tx,
        author,
        "assess",
        "pledge",
        pledge,
        &serde_json::json!({"item_id": a.item_id, "year": a.year, "kept": a.kept, "note": a.note}),
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}

/// A page of pledges under a unit, the latest first; and how many.
pub async fn list(
    db: &Db,
    scope: Scope,
    org_unit: Option<i64>,
    page: Page,
) -> Result<(Vec<PledgeRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let cond = |p: &mut Params| {
        let mut c = vec![scope_cond(scope, p)];
        if let Some(u) = org_unit {
            let n = p.push(Arg::I64(Some(u)));
            c.push(format!(
                "g.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
            ));
        }
        c.join(" AND ")
    };
    let mut p = Params::default();
    let where_ = cond(&mut p);
    let lim = p.push(Arg::I64(Some(page.limit())));
    let off = p.push(Arg::I64(Some(page.offset())));
    let sql = format!(
        "{SELECT_PLEDGE} WHERE {where_} ORDER BY g.starts_on DESC, g.id DESC LIMIT {lim} OFFSET {off}"
    );
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!("SELECT COUNT(*) FROM pledges g WHERE {}", cond(&mut c));
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}
