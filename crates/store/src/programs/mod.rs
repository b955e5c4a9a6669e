//! Coordination programmes and joint plans: the programme with its parties
//! and basis documents (links of the document register), the higher
//! programme it carries out, its targets with progress computed from the
//! registers (`progress`), and the activities any party reports
//! (`activities`).
//!
//! Who sees one: a [`Reader`]: the scope's units as for documents
//! (`scope::visible_unit`), and for a partner's account, only the
//! programmes its organisation (or one it continues) is party to. Who
//! writes one: the scope of its unit (national ones: administrators).

use chrono::{Datelike, NaiveDate, Utc};
use domain::documents::Level;
use domain::org_units::Level as UnitLevel;
use domain::page::Page;
use domain::programs::{Kind, NewProgram};
use domain::text::fold;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::{may_write_at, visible_unit};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod activities;
pub mod progress;

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// Who reads programmes: a scope, and for a partner's account the
/// organisations it may see the programmes of (its own and those it
/// continues; none attached: none).
#[derive(Debug, Clone)]
pub struct Reader {
    pub scope: Scope,
    pub parties: Option<Vec<i64>>,
}

impl Reader {
    /// The condition on programme `g` of this reader.
    fn cond(&self, p: &mut Params) -> String {
        let mut c = Vec::new();
        if let Some(user) = self.scope.user_id() {
            let n = p.push(Arg::I64(Some(user)));
            c.push(visible_unit("g.org_unit_id", &n));
        }
        if let Some(orgs) = &self.parties {
            if orgs.is_empty() {
                c.push("1 = 0".into());
            } else {
                let list = p.list(orgs.iter().map(|o| Arg::I64(Some(*o))));
                c.push(format!(
                    "g.id IN (SELECT program_id FROM program_parties WHERE organisation_id IN ({list}))"
                ));
            }
        }
        if c.is_empty() {
            "1 = 1".into()
        } else {
            c.join(" AND ")
        }
    }
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

/// A party to a programme.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PartyRow {
    pub id: i64,
    #[schema(value_type = domain::partners::Kind)]
    pub kind: String,
    pub name: String,
}

/// A programme as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ProgramRow {
    pub id: i64,
    pub name: String,
    #[schema(value_type = Kind)]
    pub kind: String,
    #[schema(value_type = Level)]
    pub level: String,
    /// The area (none: national).
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    /// The higher programme it carries out.
    pub parent_id: Option<i64>,
    pub parent_name: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub summary: Option<String>,
    pub activities: i64,
    /// The partner organisations besides the police.
    #[sqlx(skip)]
    pub parties: Vec<PartyRow>,
}

const SELECT_PROGRAM: &str = "SELECT g.id, g.name, g.kind, g.level, g.org_unit_id,
        u.name AS org_unit_name, g.parent_id, pg.name AS parent_name, g.starts_on, g.ends_on,
        g.summary,
        (SELECT COUNT(*) FROM program_activities a WHERE a.program_id = g.id) AS activities
   FROM programs g
   LEFT JOIN org_units u ON u.id = g.org_unit_id
   LEFT JOIN programs pg ON pg.id = g.parent_id";

/// Fills each row's parties, in one query.
async fn with_parties(tx: &mut Tx, mut rows: Vec<ProgramRow>) -> Result<Vec<ProgramRow>> {
    if rows.is_empty() {
        return Ok(rows);
    }
    #[derive(sqlx::FromRow)]
    struct Party {
        program_id: i64,
        id: i64,
        kind: String,
        name: String,
    }
    let mut p = Params::default();
    let list = p.list(rows.iter().map(|r| Arg::I64(Some(r.id))));
    let sql = format!(
        "SELECT pp.program_id, o.id, o.kind, o.name FROM program_parties pp
           JOIN partner_organisations o ON o.id = pp.organisation_id
          WHERE pp.program_id IN ({list}) ORDER BY o.sort_key"
    );
    let parties: Vec<Party> = fetch_all_dyn(tx, &sql, p.args).await?;
    for r in &mut rows {
        r.parties = parties
            .iter()
            .filter(|x| x.program_id == r.id)
            .map(|x| PartyRow {
                id: x.id,
                kind: x.kind.clone(),
                name: x.name.clone(),
            })
            .collect();
    }
    Ok(rows)
}

/// A programme the reader sees, inside a transaction.
pub(crate) async fn read_tx(tx: &mut Tx, reader: &Reader, id: i64) -> Result<ProgramRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let cond = format!("g.id = {n} AND {}", reader.cond(&mut p));
    let rows: Vec<ProgramRow> =
        fetch_all_dyn(tx, &format!("{SELECT_PROGRAM} WHERE {cond}"), p.args).await?;
    with_parties(tx, rows)
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// A programme the reader may change (`may_write_at` its unit).
pub(crate) async fn writable_tx(tx: &mut Tx, reader: &Reader, id: i64) -> Result<ProgramRow> {
    let g = read_tx(tx, reader, id).await?;
    may_write_at(tx, reader.scope, g.org_unit_id).await?;
    Ok(g)
}

/// Whether the reader may change the programme (pages show forms by it).
pub async fn may_write(db: &Db, reader: &Reader, id: i64) -> Result<bool> {
    let mut tx = db.begin_read().await?;
    let r = writable_tx(&mut tx, reader, id).await;
    tx.rollback().await?;
    match r {
        Ok(_) => Ok(true),
        Err(StoreError::Forbidden | StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ProgramQuery {
    /// Programmes of this unit or a unit under it.
    pub org_unit: Option<i64>,
    pub kind: Option<Kind>,
    /// Programmes running on this day.
    pub active_on: Option<NaiveDate>,
    /// Programmes this organisation is party to.
    pub partner: Option<i64>,
    /// Part of the name, folded.
    pub q: Option<String>,
    /// Programmes carrying out this one.
    pub parent: Option<i64>,
    /// Programmes whose area covers this unit (national ones too): what a
    /// model there may be named under.
    pub covering: Option<i64>,
    pub page: Page,
}

fn list_where(reader: &Reader, q: &ProgramQuery, p: &mut Params) -> String {
    let mut c = vec![reader.cond(p)];
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "g.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(k) = q.kind {
        let n = p.push(Arg::Text(Some(k.as_str().into())));
        c.push(format!("g.kind = {n}"));
    }
    if let Some(d) = q.active_on {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("g.starts_on <= {n} AND g.ends_on >= {n}"));
    }
    if let Some(o) = q.partner {
        let n = p.push(Arg::I64(Some(o)));
        c.push(format!(
            "g.id IN (SELECT program_id FROM program_parties WHERE organisation_id = {n})"
        ));
    }
    if let Some(text) = &q.q {
        let n = p.push(Arg::Text(Some(format!(
            "%{}%",
            text.replace(['%', '_'], "")
        ))));
        c.push(format!("g.name_folded LIKE {n}"));
    }
    if let Some(parent) = q.parent {
        let n = p.push(Arg::I64(Some(parent)));
        c.push(format!("g.parent_id = {n}"));
    }
    if let Some(unit) = q.covering {
        let n = p.push(Arg::I64(Some(unit)));
        c.push(format!(
            "(g.org_unit_id IS NULL
              OR g.org_unit_id IN (SELECT ancestor_id FROM org_unit_reach WHERE unit_id = {n}))"
        ));
    }
    c.join(" AND ")
}

/// A page of programmes, the latest started first; and how many match.
pub async fn list(db: &Db, reader: &Reader, q: &ProgramQuery) -> Result<(Vec<ProgramRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(reader, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_PROGRAM} WHERE {cond} ORDER BY g.starts_on DESC, g.id DESC LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<ProgramRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let rows = with_parties(&mut tx, rows).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM programs g WHERE {}",
        list_where(reader, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// The checks of a new or changed programme against what is stored.
async fn check(tx: &mut Tx, reader: &Reader, g: &NewProgram, id: Option<i64>) -> Result<()> {
    may_write_at(tx, reader.scope, g.org_unit_id).await?;
    if let Some(unit) = g.org_unit_id {
        let u = crate::scope::unit(tx, reader.scope, unit).await?;
        let level = match g.level {
            Level::Province => UnitLevel::Province,
            _ => UnitLevel::Commune,
        };
        if u.level != level || !u.validity().contains(g.starts_on) {
            return Err(invalid(
                "org_unit_id",
                Reason::DocumentUnitWrongLevel {
                    level: g.level.term(),
                },
            ));
        }
    }
    if let Some(parent) = g.parent_id {
        check_parent(tx, reader, g, parent, id).await?;
    }
    for o in &g.partners {
        let org = crate::partners::read_tx(tx, reader.scope, *o)
            .await
            .map_err(|_| invalid("partners", Reason::PartnerUnknown))?;
        if org.ended_on.is_some_and(|e| e < g.starts_on) {
            return Err(invalid("partners", Reason::PartnerEnded { name: org.name }));
        }
    }
    for d in &g.documents {
        crate::documents::read_tx(tx, reader.scope, *d)
            .await
            .map_err(|_| invalid("documents", Reason::DocumentUnknown))?;
    }
    Ok(())
}

/// The higher programme: visible, of a unit above (or of) this one or
/// national, spanning this one's period, and not this one or below it.
async fn check_parent(
    tx: &mut Tx,
    reader: &Reader,
    g: &NewProgram,
    parent: i64,
    id: Option<i64>,
) -> Result<()> {
    let refused = || invalid("parent_id", Reason::ProgramParentInvalid);
    let up = read_tx(tx, reader, parent).await.map_err(|_| refused())?;
    if up.starts_on > g.starts_on || up.ends_on < g.ends_on {
        return Err(refused());
    }
    let above = match (up.org_unit_id, g.org_unit_id) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(u)) => fetch!(
            tx,
            fetch_optional,
            scalar i32,
            "SELECT 1 FROM org_unit_reach WHERE ancestor_id = $1 AND unit_id = $2",
            a,
            u
        )?
        .is_some(),
    };
    if !above {
        return Err(refused());
    }
    // No loop: walking up from the parent never meets this programme.
    if let Some(me) = id {
        let mut at = Some(parent);
        for _ in 0..100 {
            match at {
                Some(x) if x == me => return Err(refused()),
                Some(x) => {
                    at = fetch!(
                        tx,
                        fetch_one,
                        scalar Option<i64>,
                        "SELECT parent_id FROM programs WHERE id = $1",
                        x
                    )?
                }
                None => break,
            }
        }
    }
    Ok(())
}

async fn write_parties(tx: &mut Tx, author: Author, id: i64, g: &NewProgram) -> Result<()> {
    execute!(tx, "DELETE FROM program_parties WHERE program_id = $1", id)?;
    for o in &g.partners {
        execute!(
            tx,
            "INSERT INTO program_parties (program_id, organisation_id) VALUES ($1, $2)",
            id,
            *o
        )?;
    }
    execute!(
        tx,
        "DELETE FROM document_links WHERE target_kind = 'program' AND target_id = $1",
        id
    )?;
    for d in &g.documents {
        execute!(
            tx,
            "INSERT INTO document_links (document_id, target_kind, target_id, user_id, created_at)
             VALUES ($1, 'program', $2, $3, $4)",
            *d,
            id,
            author.user_id(),
            Utc::now()
        )?;
    }
    Ok(())
}

/// Sets up a programme with its parties and basis documents.
pub async fn create(
    db: &Db,
    author: Author,
    reader: &Reader,
    g: &NewProgram,
) -> Result<ProgramRow> {
    let mut tx = db.begin().await?;
    check(&mut tx, reader, g, None).await?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO programs (name, name_folded, kind, level, org_unit_id, parent_id, starts_on,
            ends_on, summary, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        &g.name,
        fold(&g.name),
        g.kind.as_str(),
        g.level.as_str(),
        g.org_unit_id,
        g.parent_id,
        g.starts_on,
        g.ends_on,
        g.summary.as_deref(),
        author.user_id(),
        now
    )?;
    write_parties(&mut tx, author, id, g).await?;
    let row = read_tx(&mut tx, &all(), id).await?;
    record(&mut tx, author, "create", "program", id, None::<&()>, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes a programme (its parties and basis documents as sent).
pub async fn update(
    db: &Db,
    author: Author,
    reader: &Reader,
    id: i64,
    g: &NewProgram,
) -> Result<ProgramRow> {
    let mut tx = db.begin().await?;
    let before = writable_tx(&mut tx, reader, id).await?;
    check(&mut tx, reader, g, Some(id)).await?;
    execute!(
        tx,
        "UPDATE programs SET name = $2, name_folded = $3, kind = $4, level = $5, org_unit_id = $6,
            parent_id = $7, starts_on = $8, ends_on = $9, summary = $10, updated_at = $11
          WHERE id = $1",
        id,
        &g.name,
        fold(&g.name),
        g.kind.as_str(),
        g.level.as_str(),
        g.org_unit_id,
        g.parent_id,
        g.starts_on,
        g.ends_on,
        g.summary.as_deref(),
        Utc::now()
    )?;
    write_parties(&mut tx, author, id, g).await?;
    let row = read_tx(&mut tx, &all(), id).await?;
    record(
        &mut tx,
        author,
        "update",
        "program",
        id,
        Some(&before),
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The reader that sees every programme (the store's own reads).
fn all() -> Reader {
    Reader {
        scope: Scope::All,
        parties: None,
    }
}

/// The years a programme spans.
pub(crate) fn years(g: &ProgramRow) -> std::ops::RangeInclusive<i32> {
    g.starts_on.year()..=g.ends_on.year()
}

/// Names the programme a model was founded under (none: no programme):
/// the model in the scope, the programme visible, the model's place in
/// the programme's area. Its `models` targets count it from then on.
pub async fn link_model(
    db: &Db,
    author: Author,
    reader: &Reader,
    model: i64,
    program: Option<i64>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let unit: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT org_unit_id FROM models WHERE id = $1",
        model
    )?;
    let unit = unit.ok_or(StoreError::NotFound)?;
    crate::scope::unit(&mut tx, reader.scope, unit).await?;
    if let Some(p) = program {
        let g = read_tx(&mut tx, reader, p)
            .await
            .map_err(|_| invalid("program_id", Reason::ProgramUnknown))?;
        if let Some(area) = g.org_unit_id {
            let inside: Option<i32> = fetch!(
                tx,
                fetch_optional,
                scalar i32,
                "SELECT 1 FROM org_unit_reach WHERE ancestor_id = $1 AND unit_id = $2",
                area,
                unit
            )?;
            if inside.is_none() {
                return Err(invalid("program_id", Reason::ModelOutsideProgramArea));
            }
        }
    }
    execute!(
        tx,
        "UPDATE models SET program_id = $2, updated_at = $3 WHERE id = $1",
        model,
        program,
        Utc::now()
    )?;
    record(
        &mut tx,
        author,
        "program",
        "model",
        model,
        None::<&()>,
        &serde_json::json!({ "program_id": program }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
