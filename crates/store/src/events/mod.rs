//! Events of the movement (conferences, trainings of leaders, launches,
//! pledge signings, the festival), their organisers, partners,
//! participants by group, documents and photos; the calendar's due tasks;
//! the festival of each commune and year (`festivals`) and emulation
//! pledges (`pledges`).
//!
//! Who sees an event: as for documents and programmes, the scopes that
//! reach its organising unit, those under it and those above it (a
//! commune reads its province's conferences: `scope::visible_unit`). Who
//! writes one: the scope of its organising unit (`may_write_at`).

use chrono::{NaiveDate, Utc};
use domain::events::{Group, Kind, NewEvent};
use domain::page::Page;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::{may_write_at, visible_unit};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod festivals;
pub mod pledges;

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

/// The events the scope sees, as a condition on `e`.
fn scope_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            visible_unit("e.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

/// An event as lists and the calendar show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    #[schema(value_type = Kind)]
    pub kind: String,
    pub title: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub place: Option<String>,
    /// Every group's participants together.
    pub participants: i64,
    pub outcomes: Option<String>,
    pub photos: i64,
}

const SELECT_EVENT: &str = "SELECT e.id, e.kind, e.title, e.org_unit_id, u.name AS org_unit_name,
        e.starts_on, e.ends_on, e.place, e.participants, e.outcomes, e.photos
   FROM events e JOIN org_units u ON u.id = e.org_unit_id";

/// A named record an event points at (a unit, an organisation, a document).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// A group's participants.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct GroupCount {
    #[schema(value_type = Group)]
    pub grp: String,
    pub count: i64,
}

/// A photo of an event.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct PhotoRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: chrono::DateTime<Utc>,
}

/// An event with all it points at.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: EventRow,
    pub co_organisers: Vec<Named>,
    pub partners: Vec<Named>,
    pub participants: Vec<GroupCount>,
    /// Its documents: number and subject.
    pub documents: Vec<Named>,
    pub photos: Vec<PhotoRow>,
}

/// An event the scope sees, inside a transaction.
pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<EventRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_EVENT} WHERE e.id = {n} AND {}",
        scope_cond(scope, &mut p)
    );
    let rows: Vec<EventRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

async fn detail_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<EventDetail> {
    let event = read_tx(tx, scope, id).await?;
    let co_organisers = fetch!(
        tx,
        fetch_all,
        Named,
        "SELECT u.id, u.name FROM event_organisers o JOIN org_units u ON u.id = o.org_unit_id
          WHERE o.event_id = $1 ORDER BY u.sort_key",
        id
    )?;
    let partners = fetch!(
        tx,
        fetch_all,
        Named,
        "SELECT o.id, o.name FROM event_partners p JOIN partner_organisations o ON o.id = p.organisation_id
          WHERE p.event_id = $1 ORDER BY o.sort_key",
        id
    )?;
    let participants = fetch!(
        tx,
        fetch_all,
        GroupCount,
        "SELECT grp, count FROM event_participants WHERE event_id = $1",
        id
    )?;
    let documents = fetch!(
        tx,
        fetch_all,
        Named,
        "SELECT d.id, d.number || ' · ' || d.subject AS name FROM event_documents x
           JOIN documents d ON d.id = x.document_id WHERE x.event_id = $1 ORDER BY d.issued_on",
        id
    )?;
    let photos = fetch!(
        tx,
        fetch_all,
        PhotoRow,
        "SELECT id, event_id, name, content_type, size, created_at FROM event_photos
          WHERE event_id = $1 ORDER BY id",
        id
    )?;
    let mut participants: Vec<GroupCount> = participants;
    participants.sort_by_key(|g| {
        Group::ALL
            .iter()
            .position(|x| x.as_str() == g.grp)
            .unwrap_or(usize::MAX)
    });
    Ok(EventDetail {
        event,
        co_organisers,
        partners,
        participants,
        documents,
        photos,
    })
}

/// An event the scope sees, with all it points at.
pub async fn read(db: &Db, scope: Scope, id: i64) -> Result<EventDetail> {
    let mut tx = db.begin_read().await?;
    let r = detail_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    r
}

/// The organiser: a province, district or commune of the scope existing
/// on the first day; the others, partners and documents the scope's.
async fn check(tx: &mut Tx, scope: Scope, e: &NewEvent) -> Result<()> {
    use domain::org_units::Level;
    may_write_at(tx, scope, Some(e.org_unit_id)).await?;
    let u = crate::scope::unit(tx, scope, e.org_unit_id).await?;
    if !matches!(u.level, Level::Province | Level::District | Level::Commune)
        || !u.validity().contains(e.starts_on)
    {
        return Err(invalid("org_unit_id", Reason::EventUnitInvalid));
    }
    for o in &e.co_organisers {
        crate::scope::unit(tx, scope, *o)
            .await
            .map_err(|_| invalid("co_organisers", Reason::EventUnitInvalid))?;
    }
    for o in &e.partners {
        crate::partners::read_tx(tx, scope, *o)
            .await
            .map_err(|_| invalid("partners", Reason::PartnerUnknown))?;
    }
    for d in &e.documents {
        crate::documents::read_tx(tx, scope, *d)
            .await
            .map_err(|_| invalid("documents", Reason::DocumentUnknown))?;
    }
    Ok(())
}

/// Records an event with its organisers, partners, participants and
/// documents; audited.
pub async fn create(db: &Db, author: Author, scope: Scope, e: &NewEvent) -> Result<EventDetail> {
    let mut tx = db.begin().await?;
    let id = create_tx(&mut tx, author, scope, e).await?;
    let detail = detail_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "create", "event", id, &detail).await?;
    tx.commit().await?;
    Ok(detail)
}

pub(crate) async fn create_tx(
    tx: &mut Tx,
    author: Author,
    scope: Scope,
    e: &NewEvent,
) -> Result<i64> {
    check(tx, scope, e).await?;
    let now = Utc::now();
    let total: i64 = e.participants.iter().map(|(_, n)| n).sum();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO events (kind, title, org_unit_id, starts_on, ends_on, place, participants,
            outcomes, photos, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10) RETURNING id",
        e.kind.as_str(),
        &e.title,
        e.org_unit_id,
        e.starts_on,
        e.ends_on,
        e.place.as_deref(),
        total,
        e.outcomes.as_deref(),
        author.user_id(),
        now
    )?;
    for o in &e.co_organisers {
        execute!(
            tx,
            "INSERT INTO event_organisers (event_id, org_unit_id) VALUES ($1, $2)",
            id,
            *o
        )?;
    }
    for o in &e.partners {
        execute!(
            tx,
            "INSERT INTO event_partners (event_id, organisation_id) VALUES ($1, $2)",
            id,
            *o
        )?;
    }
    for (g, n) in &e.participants {
        execute!(
            tx,
            "INSERT INTO event_participants (event_id, grp, count) VALUES ($1, $2, $3)",
            id,
            g.as_str(),
            *n
        )?;
    }
    for d in &e.documents {
        execute!(
            tx,
            "INSERT INTO event_documents (event_id, document_id) VALUES ($1, $2)",
            id,
            *d
        )?;
    }
    Ok(id)
}

/// The list's and the calendar's filters.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub kind: Option<Kind>,
    /// Events of this unit or one under it.
    pub org_unit: Option<i64>,
    /// Events on or after this day (their last day).
    pub from: Option<NaiveDate>,
    /// Events on or before this day (their first day).
    pub to: Option<NaiveDate>,
    pub page: Page,
}

fn list_where(scope: Scope, q: &EventQuery, p: &mut Params) -> String {
    let mut c = vec![scope_cond(scope, p)];
    if let Some(k) = q.kind {
        let n = p.push(Arg::Text(Some(k.as_str().into())));
        c.push(format!("e.kind = {n}"));
    }
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "e.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(d) = q.from {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("e.ends_on >= {n}"));
    }
    if let Some(d) = q.to {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("e.starts_on <= {n}"));
    }
    c.join(" AND ")
}

/// A page of events, the latest first (`ascending`: the earliest first,
/// as a calendar reads), and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    q: &EventQuery,
    ascending: bool,
) -> Result<(Vec<EventRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(scope, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let order = if ascending { "ASC" } else { "DESC" };
    let sql = format!(
        "{SELECT_EVENT} WHERE {cond} ORDER BY e.starts_on {order}, e.id {order}
          LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<EventRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM events e WHERE {}",
        list_where(scope, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// A task due in the calendar's days, with how many of its owners the
/// scope sees and how many of them are done.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DueTask {
    pub task_id: i64,
    pub directive_id: i64,
    pub title: String,
    pub directive_subject: String,
    pub due_on: NaiveDate,
    pub owners: i64,
    pub done: i64,
}

/// The tasks due from `from` to `to` whose owners the scope reaches.
pub async fn due_tasks(
    db: &Db,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DueTask>> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let owners = match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            crate::scope::unit_in_scope("o.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    };
    let f = p.push(Arg::Date(Some(from)));
    let t = p.push(Arg::Date(Some(to)));
    let sql = format!(
        "SELECT t.id AS task_id, t.directive_id, t.title, d.subject AS directive_subject,
                t.due_on, COUNT(*) AS owners,
                SUM(CASE WHEN o.state = 'done' THEN 1 ELSE 0 END) AS done
           FROM task_owners o
           JOIN directive_tasks t ON t.id = o.task_id
           JOIN directives d ON d.id = t.directive_id
          WHERE {owners} AND o.due_on >= {f} AND o.due_on <= {t}
          GROUP BY t.id, t.directive_id, t.title, d.subject, t.due_on
          ORDER BY t.due_on, t.id
          LIMIT 500"
    );
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// Adds a photo (already stripped of its metadata) to an event the scope
/// may write; audited.
pub async fn add_photo(
    db: &Db,
    author: Author,
    scope: Scope,
    event: i64,
    f: &crate::documents::files::NewFile<'_>,
) -> Result<PhotoRow> {
    let mut tx = db.begin().await?;
    let e = read_tx(&mut tx, scope, event).await?;
    may_write_at(&mut tx, scope, Some(e.org_unit_id)).await?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO event_photos (event_id, name, content_type, size, sha256, content, user_id,
            created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        event,
        f.name,
        f.content_type,
        i64::try_from(f.content.len()).unwrap_or(i64::MAX),
        f.sha256,
        f.content,
        author.user_id(),
        Utc::now()
    )?;
    execute!(
        tx,
        "UPDATE events SET photos = photos + 1, updated_at = $2 WHERE id = $1",
        event,
        Utc::now()
    )?;
    let row: PhotoRow = fetch!(
        tx,
        fetch_one,
        PhotoRow,
        "SELECT id, event_id, name, content_type, size, created_at FROM event_photos WHERE id = $1",
        id
    )?;
    record(&mut tx, author, "photo", "event", event, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// A photo's name, type and content, if the scope sees its event.
pub async fn photo(
    db: &Db,
    scope: Scope,
    event: i64,
    photo: i64,
) -> Result<Option<(String, String, Vec<u8>)>> {
    let mut tx = db.begin_read().await?;
    match read_tx(&mut tx, scope, event).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    }
    #[derive(sqlx::FromRow)]
    struct File {
        name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let f: Option<File> = fetch!(
        tx,
        fetch_optional,
        File,
        "SELECT name, content_type, content FROM event_photos WHERE id = $1 AND event_id = $2",
        photo,
        event
    )?;
    tx.rollback().await?;
    Ok(f.map(|f| (f.name, f.content_type, f.content)))
}

/// Whether the scope may change the event (pages show forms by it).
pub async fn may_write(db: &Db, scope: Scope, event: i64) -> Result<bool> {
    let mut tx = db.begin_read().await?;
    let e = read_tx(&mut tx, scope, event).await?;
    let r = may_write_at(&mut tx, scope, Some(e.org_unit_id)).await;
    tx.rollback().await?;
    match r {
        Ok(()) => Ok(true),
        Err(StoreError::Forbidden | StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}
