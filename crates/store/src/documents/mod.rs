//! The register of documents: directives, decisions, joint resolutions,
//! plans … with their issuing bodies, the documents they replace, their
//! files (`files`) and links to what they govern (`links`), searched
//! without diacritics (`search`).
//!
//! Who sees a document: everyone signed in sees national texts; a
//! province's or a commune's are seen from that unit, the units above it
//! and the units below it ([`visible`]). Who writes one: administrators
//! the national texts, staff of the issuing unit's scope the others.
//! Every write is audited.

use chrono::{NaiveDate, Utc};
use domain::documents::{self as d, issuer_key, Link, NewDocument, Status};
use domain::org_units::Level as UnitLevel;
use domain::page::Page;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod files;
pub mod links;
pub mod search;

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

pub(crate) use crate::scope::visible_unit as visible;

/// A document as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: i64,
    #[schema(value_type = domain::documents::Kind)]
    pub kind: String,
    /// Number and symbol as printed.
    pub number: String,
    pub issued_on: NaiveDate,
    /// The issuing bodies, one or several.
    #[sqlx(skip)]
    pub issuers: Vec<String>,
    #[serde(skip)]
    #[schema(ignore)]
    #[sqlx(rename = "issuers")]
    pub issuers_text: String,
    pub signer: Option<String>,
    pub subject: String,
    #[schema(value_type = domain::documents::Level)]
    pub level: String,
    /// The issuing province or commune (none for national texts).
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub in_force_from: NaiveDate,
    pub in_force_until: Option<NaiveDate>,
    /// The later document that replaces this one.
    pub replaced_by: Option<i64>,
    pub replaced_from: Option<NaiveDate>,
    /// Where it stands today.
    #[sqlx(skip)]
    #[schema(value_type = domain::documents::Status)]
    pub status: String,
    pub summary: Option<String>,
    /// Attached files.
    pub files: i32,
}

impl DocumentRow {
    fn finish(mut self, today: NaiveDate) -> Self {
        self.issuers = self.issuers_text.lines().map(str::to_string).collect();
        self.status = Status::on(
            today,
            self.in_force_from,
            self.in_force_until,
            self.replaced_from,
        )
        .as_str()
        .to_string();
        self
    }
}

pub(crate) const SELECT_DOCUMENT: &str =
    "SELECT d.id, d.kind, d.number, d.issued_on, d.issuers, d.signer, d.subject, d.level,
            d.org_unit_id, u.name AS org_unit_name, d.in_force_from, d.in_force_until,
            d.replaced_by, d.replaced_from, d.summary, d.files
       FROM documents d LEFT JOIN org_units u ON u.id = d.org_unit_id";

pub(crate) fn finish_all(rows: Vec<DocumentRow>) -> Vec<DocumentRow> {
    let today = domain::time::today();
    rows.into_iter().map(|r| r.finish(today)).collect()
}

/// A document with what it replaces, its files and its links.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    pub document: DocumentRow,
    /// The number of the document that replaces it.
    pub replaced_by_number: Option<String>,
    /// The older documents it replaces.
    pub replaces: Vec<DocumentRow>,
    pub files: Vec<files::FileRow>,
    pub links: Vec<links::LinkRow>,
}

/// A visible document by id, inside a transaction.
pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<DocumentRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let mut cond = format!("d.id = {n}");
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        cond.push_str(&format!(" AND {}", visible("d.org_unit_id", &u)));
    }
    let rows: Vec<DocumentRow> =
        fetch_all_dyn(tx, &format!("{SELECT_DOCUMENT} WHERE {cond}"), p.args).await?;
    finish_all(rows)
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)
}

/// A document the scope may change: national texts are the unscoped
/// administrators', the others their issuing unit's scope.
async fn writable_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<DocumentRow> {
    let doc = read_tx(tx, scope, id).await?;
    writable_unit(tx, scope, doc.org_unit_id).await?;
    Ok(doc)
}

pub(crate) use crate::scope::may_write_at as writable_unit;

/// A document with what it replaces, its files and links, if visible.
pub async fn get(db: &Db, scope: Scope, id: i64) -> Result<Option<DocumentDetail>> {
    let mut tx = db.begin_read().await?;
    let document = match read_tx(&mut tx, scope, id).await {
        Ok(d) => d,
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let replaced_by_number = match document.replaced_by {
        Some(r) => fetch!(
            tx,
            fetch_optional,
            scalar String,
            "SELECT number FROM documents WHERE id = $1",
            r
        )?,
        None => None,
    };
    let replaces = finish_all(fetch!(
        tx,
        fetch_all,
        DocumentRow,
        &format!("{SELECT_DOCUMENT} WHERE d.replaced_by = $1 ORDER BY d.issued_on, d.id"),
        id
    )?);
    let files = files::list_tx(&mut tx, id).await?;
    let links = links::of_document_tx(&mut tx, id).await?;
    tx.rollback().await?;
    Ok(Some(DocumentDetail {
        document,
        replaced_by_number,
        replaces,
        files,
        links,
    }))
}

/// The checks of a new or changed document against what is stored: its
/// unit, its number for each issuer and year, and what it replaces.
async fn check(tx: &mut Tx, scope: Scope, doc: &NewDocument, id: Option<i64>) -> Result<()> {
    if let Some(unit) = doc.org_unit_id {
        writable_unit(tx, scope, Some(unit)).await?;
        let u = crate::scope::unit(tx, scope, unit).await?;
        let level = match doc.level {
            d::Level::Province => UnitLevel::Province,
            _ => UnitLevel::Commune,
        };
        if u.level != level || !u.validity().contains(doc.issued_on) {
            return Err(invalid(
                "org_unit_id",
                Reason::DocumentUnitWrongLevel {
                    level: doc.level.term(),
                },
            ));
        }
    } else {
        writable_unit(tx, scope, None).await?;
    }
    for issuer in &doc.issuers {
        let taken: Option<i64> = fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT document_id FROM document_issuers
              WHERE name_key = $1 AND year = $2 AND number_key = $3 AND unit_key = $4",
            issuer_key(issuer),
            doc.year(),
            doc.number_key(),
            doc.org_unit_id.unwrap_or(0)
        )?;
        if taken.is_some_and(|t| Some(t) != id) {
            return Err(StoreError::Conflict(Reason::DocumentNumberTaken {
                number: doc.number.clone(),
                issuer: issuer.clone(),
                year: doc.year(),
            }));
        }
    }
    Ok(())
}

/// Registers a document (and marks the ones it replaces).
pub async fn create(
    db: &Db,
    author: Author,
    scope: Scope,
    doc: &NewDocument,
) -> Result<DocumentRow> {
    let mut tx = db.begin().await?;
    check(&mut tx, scope, doc, None).await?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO documents (kind, number, number_key, year, issued_on, issuers, signer,
            subject, level, org_unit_id, in_force_from, in_force_until, summary, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         RETURNING id",
        doc.kind.as_str(),
        &doc.number,
        doc.number_key(),
        doc.year(),
        doc.issued_on,
        doc.issuers.join("\n"),
        doc.signer.as_deref(),
        &doc.subject,
        doc.level.as_str(),
        doc.org_unit_id,
        doc.in_force_from,
        doc.in_force_until,
        doc.summary.as_deref(),
        author.user_id(),
        now
    )?;
    write_issuers(&mut tx, id, doc).await?;
    replace(&mut tx, author, scope, id, doc).await?;
    search::refresh(&mut tx, id).await?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    record(&mut tx, author, "create", "document", id, &row).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes a document's register entry (its files and links apart).
pub async fn update(
    db: &Db,
    author: Author,
    scope: Scope,
    id: i64,
    doc: &NewDocument,
) -> Result<DocumentRow> {
    let mut tx = db.begin().await?;
    let before = writable_tx(&mut tx, scope, id).await?;
    check(&mut tx, scope, doc, Some(id)).await?;
    execute!(
        tx,
        "UPDATE documents SET kind = $2, number = $3, number_key = $4, year = $5, issued_on = $6,
            issuers = $7, signer = $8, subject = $9, level = $10, org_unit_id = $11,
            in_force_from = $12, in_force_until = $13, summary = $14, updated_at = $15
          WHERE id = $1",
        id,
        doc.kind.as_str(),
        &doc.number,
        doc.number_key(),
        doc.year(),
        doc.issued_on,
        doc.issuers.join("\n"),
        doc.signer.as_deref(),
        &doc.subject,
        doc.level.as_str(),
        doc.org_unit_id,
        doc.in_force_from,
        doc.in_force_until,
        doc.summary.as_deref(),
        Utc::now()
    )?;
    execute!(
        tx,
        "DELETE FROM document_issuers WHERE document_id = $1",
        id
    )?;
    write_issuers(&mut tx, id, doc).await?;
    // What it replaced and no longer does is in force again.
    execute!(
        tx,
        "UPDATE documents SET replaced_by = NULL, replaced_from = NULL WHERE replaced_by = $1",
        id
    )?;
    replace(&mut tx, author, scope, id, doc).await?;
    search::refresh(&mut tx, id).await?;
    let row = read_tx(&mut tx, Scope::All, id).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "update",
            entity: "document",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&row),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

async fn write_issuers(tx: &mut Tx, id: i64, doc: &NewDocument) -> Result<()> {
    for (position, name) in doc.issuers.iter().enumerate() {
        execute!(
            tx,
            "INSERT INTO document_issuers (document_id, position, name, name_key, year, number_key,
                unit_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            id,
            i32::try_from(position).unwrap_or(i32::MAX),
            name,
            issuer_key(name),
            doc.year(),
            doc.number_key(),
            doc.org_unit_id.unwrap_or(0)
        )
        .map_err(StoreError::from)
        .map_err(|e| match e.is_unique_violation() {
            true => StoreError::Conflict(Reason::DocumentNumberTaken {
                number: doc.number.clone(),
                issuer: name.clone(),
                year: doc.year(),
            }),
            false => e,
        })?;
    }
    Ok(())
}

/// Marks the documents `doc` replaces as replaced by `id` from its first
/// day in force, refusing one replaced by another document already and
/// one that replaces `id` itself (directly or down a chain).
async fn replace(
    tx: &mut Tx,
    author: Author,
    scope: Scope,
    id: i64,
    doc: &NewDocument,
) -> Result<()> {
    for &old in &doc.replaces {
        let target = match read_tx(tx, scope, old).await {
            Ok(t) => t,
            Err(StoreError::NotFound) => return Err(invalid("replaces", Reason::DocumentUnknown)),
            Err(e) => return Err(e),
        };
        if old == id || replaces_transitively(tx, old, id).await? {
            return Err(invalid(
                "replaces",
                Reason::DocumentReplacementCycle {
                    number: target.number,
                },
            ));
        }
        if let Some(by) = target.replaced_by.filter(|by| *by != id) {
            let by: String = fetch!(
                tx,
                fetch_one,
                scalar String,
                "SELECT number FROM documents WHERE id = $1",
                by
            )?;
            return Err(StoreError::Conflict(Reason::DocumentReplacedAlready {
                number: target.number,
                by,
            }));
        }
        execute!(
            tx,
            "UPDATE documents SET replaced_by = $2, replaced_from = $3, updated_at = $4
              WHERE id = $1",
            old,
            id,
            doc.in_force_from,
            Utc::now()
        )?;
        record(
            tx,
            author,
            "replace",
            "document",
            old,
            &serde_json::json!({ "replaced_by": id }),
        )
        .await?;
    }
    Ok(())
}

/// Whether `newer` replaces `older` through a chain of replacements
/// (`older` replaced by X, X by Y …, one of them `newer`).
async fn replaces_transitively(tx: &mut Tx, newer: i64, older: i64) -> Result<bool> {
    let mut at = older;
    // A chain is short; the bound keeps a corrupted one from looping.
    for _ in 0..1_000 {
        let next: Option<Option<i64>> = fetch!(
            tx,
            fetch_optional,
            scalar Option<i64>,
            "SELECT replaced_by FROM documents WHERE id = $1",
            at
        )?;
        match next.flatten() {
            Some(n) if n == newer => return Ok(true),
            Some(n) => at = n,
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// The register's filters.
#[derive(Debug, Clone, Default)]
pub struct DocumentQuery {
    pub search: Option<d::Search>,
    pub kind: Option<d::Kind>,
    pub level: Option<d::Level>,
    pub year: Option<i32>,
    pub status: Option<Status>,
    /// Part of an issuing body's name, folded.
    pub issuer: Option<String>,
    /// Documents of this unit or a unit under it.
    pub org_unit: Option<i64>,
    /// Documents linked to this record.
    pub linked: Option<Link>,
    pub page: Page,
}

/// The status filter as SQL, `t` the placeholder of today.
fn status_cond(status: Status, t: &str) -> String {
    let replaced = format!("(d.replaced_from IS NOT NULL AND d.replaced_from <= {t})");
    match status {
        Status::Replaced => replaced,
        Status::Expired => format!("NOT {replaced} AND d.in_force_until < {t}"),
        Status::Pending => format!(
            "NOT {replaced} AND (d.in_force_until IS NULL OR d.in_force_until >= {t})
             AND d.in_force_from > {t}"
        ),
        Status::InForce => format!(
            "NOT {replaced} AND (d.in_force_until IS NULL OR d.in_force_until >= {t})
             AND d.in_force_from <= {t}"
        ),
    }
}

fn list_where(pg: bool, scope: Scope, q: &DocumentQuery, p: &mut Params) -> String {
    let mut c = vec!["1 = 1".to_string()];
    if let Some(k) = q.kind {
        let n = p.push(Arg::Text(Some(k.as_str().into())));
        c.push(format!("d.kind = {n}"));
    }
    if let Some(l) = q.level {
        let n = p.push(Arg::Text(Some(l.as_str().into())));
        c.push(format!("d.level = {n}"));
    }
    if let Some(y) = q.year {
        let n = p.push(Arg::I64(Some(i64::from(y))));
        c.push(format!("d.year = {n}"));
    }
    if let Some(s) = q.status {
        let n = p.push(Arg::Date(Some(domain::time::today())));
        c.push(status_cond(s, &n));
    }
    if let Some(i) = &q.issuer {
        let n = p.push(Arg::Text(Some(format!("%{}%", like_escape(i)))));
        c.push(format!(
            "EXISTS (SELECT 1 FROM document_issuers i
                      WHERE i.document_id = d.id AND i.name_key LIKE {n} ESCAPE '\\')"
        ));
    }
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "d.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(link) = q.linked {
        let k = p.push(Arg::Text(Some(link.kind.as_str().into())));
        let n = p.push(Arg::I64(Some(link.id)));
        c.push(format!(
            "d.id IN (SELECT document_id FROM document_links
                       WHERE target_kind = {k} AND target_id = {n})"
        ));
    }
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(crate::scope::visible_unit_indexed(pg, "d.org_unit_id", &n));
    }
    c.join(" AND ")
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The most a list counts (as the models list): a total above it means
/// "more than this".
pub const COUNT_CAP: i64 = 1_000;

/// A page of the register and how many match, up to `COUNT_CAP + 1`: the
/// latest issued first; searching, the best matches first, or past the cap
/// the latest registered (ranking a word found in nearly every document
/// would rank them all).
///
/// One pass finds the candidates' ids in list order (up to the cap, or the
/// end of the page asked for if further) and so the count; a second reads
/// the page's rows.
pub async fn list(db: &Db, scope: Scope, q: &DocumentQuery) -> Result<(Vec<DocumentRow>, i64)> {
    let (offset, limit) = (q.page.offset(), q.page.limit());
    let upto = COUNT_CAP.max(offset + limit) + 1;
    let mut tx = db.begin_read().await?;
    if tx.is_postgres() {
        // A plan for these values, not one for any: a search's match is
        // in nearly every document or in a few, which a generic plan
        // cannot tell (PostgreSQL turns to one after five executions of a
        // prepared statement; at 100,000 documents it took 35–50 ms
        // where the plan for the words takes 4–6).
        execute!(&mut tx, "SET LOCAL plan_cache_mode = force_custom_plan")?;
    }
    let mut ids = matching_ids(&mut tx, scope, q, upto).await?;
    let total = ids.len() as i64;
    if q.search.is_some() && total > COUNT_CAP {
        // The walk's order, the same for every page.
        ids.sort_unstable_by(|a, b| b.cmp(a));
    }
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(ids.len());
    let end = usize::try_from(offset + limit)
        .unwrap_or(usize::MAX)
        .min(ids.len());
    let page = ids.get(start..end).unwrap_or_default();
    let rows = rows_in_order(&mut tx, page).await?;
    tx.rollback().await?;
    Ok((finish_all(rows), total))
}

/// The rows of these ids, in their order (an export's page holds up to
/// 100,000: read in parts, as a statement's parameters are bounded).
async fn rows_in_order(tx: &mut Tx, ids: &[i64]) -> Result<Vec<DocumentRow>> {
    let mut rows = Vec::with_capacity(ids.len());
    for part in ids.chunks(500) {
        let mut p = Params::default();
        let list: Vec<String> = part.iter().map(|id| p.push(Arg::I64(Some(*id)))).collect();
        let sql = format!("{SELECT_DOCUMENT} WHERE d.id IN ({})", list.join(", "));
        let found: Vec<DocumentRow> = fetch_all_dyn(&mut *tx, &sql, p.args).await?;
        rows.extend(found);
    }
    let place: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|r| place.get(&r.id).copied());
    Ok(rows)
}

/// The ids of the first `upto` candidates, in list order, read as one text
/// (as the models list: thousands of rows cost more to cross the driver
/// than to find).
async fn matching_ids(tx: &mut Tx, scope: Scope, q: &DocumentQuery, upto: i64) -> Result<Vec<i64>> {
    let pg = tx.is_postgres();
    let mut p = Params::default();
    let r = search::reading(pg, q.search.as_ref(), &mut p);
    let cond = list_where(pg, scope, q, &mut p);
    // The rank is read outside the walk: below a sort (PostgreSQL's, of a
    // scope's matches) it would be reckoned for every match, not only for
    // those kept (10 ms of a province's broad search).
    let order = match &r.rank {
        Some(rank) => format!("{rank} DESC, d.issued_on DESC, d.id DESC"),
        None => "d.issued_on DESC, d.id DESC".into(),
    };
    let packed = if pg {
        format!("string_agg(CAST(d.id AS TEXT), ',' ORDER BY {order})")
    } else {
        format!("group_concat(d.id, ',' ORDER BY {order})")
    };
    let sql = format!(
        "SELECT {packed} FROM (
           SELECT d.id, d.issued_on, d.search_number, d.search_head
             FROM {} WHERE {} AND {cond} ORDER BY {} LIMIT {upto}) d",
        r.from, r.cond, r.walk
    );
    let packed: Option<String> =
        fetch_dyn!(&mut *tx, fetch_one, scalar Option<String>, &sql, p.args)?;
    Ok(packed
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.parse().ok())
        .collect())
}

/// Whether the scope may change the document (pages show their forms by it).
pub async fn may_write(db: &Db, scope: Scope, id: i64) -> Result<bool> {
    let mut tx = db.begin_read().await?;
    let r = writable_tx(&mut tx, scope, id).await;
    tx.rollback().await?;
    match r {
        Ok(_) => Ok(true),
        Err(StoreError::Forbidden | StoreError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The visible documents numbered `number` (any case, spaces aside), the
/// latest first: how a form names the documents a new one replaces.
pub async fn by_number(db: &Db, scope: Scope, number: &str) -> Result<Vec<DocumentRow>> {
    let mut p = Params::default();
    let n = p.push(Arg::Text(Some(d::number_key(number))));
    let mut cond = format!("d.number_key = {n}");
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        cond.push_str(&format!(" AND {}", visible("d.org_unit_id", &u)));
    }
    let sql =
        format!("{SELECT_DOCUMENT} WHERE {cond} ORDER BY d.issued_on DESC, d.id DESC LIMIT 20");
    let mut tx = db.begin_read().await?;
    let rows: Vec<DocumentRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(finish_all(rows))
}
