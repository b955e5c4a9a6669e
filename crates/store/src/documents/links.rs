//! What a document governs: model types (their legal basis), certification
//! criteria, data sets, indicators, programmes. A link is kept by whoever
//! may change the document, or by whoever owns the record it names (a
//! province links the Ministry's directive to its own model type); both
//! ends must be visible. Adding and removing a link is audited.

use chrono::Utc;
use domain::documents::{Link, LinkKind};
use domain::Reason;
use serde::Serialize;

use super::{finish_all, read_tx, record, visible, writable_unit, DocumentRow, SELECT_DOCUMENT};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// A record a document governs, with its name.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct LinkRow {
    #[schema(value_type = LinkKind)]
    pub kind: String,
    pub id: i64,
    pub label: String,
}

/// Each kind's table, the label it shows and the unit that owns a record
/// (NULL: national). Criteria belong to the national sets.
fn target(kind: LinkKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        LinkKind::ModelType => ("model_types x", "x.name", "x.owner_id"),
        LinkKind::DataSet => ("data_sets x", "x.code || ' — ' || x.name", "x.owner_id"),
        LinkKind::Indicator => ("indicators x", "x.code || ' — ' || x.name", "x.owner_id"),
        LinkKind::Criterion => (
            "certification_criteria x",
            "(SELECT cs.title FROM certification_criteria_sets cs WHERE cs.id = x.set_id)
                || ' — ' || x.code || '. ' || x.text",
            "NULL",
        ),
        LinkKind::Program => ("programs x", "x.name", "x.org_unit_id"),
    }
}

#[derive(sqlx::FromRow)]
struct Target {
    label: String,
    owner: Option<i64>,
}

/// The record a link names, if it exists and the scope sees it.
async fn target_tx(tx: &mut Tx, scope: Scope, link: Link) -> Result<Target> {
    let (from, label, owner) = target(link.kind);
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(link.id)));
    let mut cond = format!("x.id = {n}");
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        cond.push_str(&format!(" AND {}", visible(owner, &u)));
    }
    let sql = format!("SELECT {label} AS label, {owner} AS owner FROM {from} WHERE {cond}");
    let found: Vec<Target> = fetch_all_dyn(tx, &sql, p.args).await?;
    found.into_iter().next().ok_or_else(|| {
        StoreError::Invalid(domain::DomainError::new(
            "target",
            Reason::DocumentLinkTargetUnknown {
                kind: link.kind.term(),
            },
        ))
    })
}

/// Refuses a scope that may change neither the document nor the record.
async fn may_link(tx: &mut Tx, scope: Scope, doc: &DocumentRow, t: &Target) -> Result<()> {
    match writable_unit(tx, scope, doc.org_unit_id).await {
        Ok(()) => Ok(()),
        Err(StoreError::Forbidden | StoreError::NotFound) if t.owner.is_some() => {
            writable_unit(tx, scope, t.owner).await
        }
        Err(e) => Err(e),
    }
}

/// Links a document to a record it governs (once; again is no change).
pub async fn add(db: &Db, author: Author, scope: Scope, id: i64, link: Link) -> Result<LinkRow> {
    let mut tx = db.begin().await?;
    let doc = read_tx(&mut tx, scope, id).await?;
    let t = target_tx(&mut tx, scope, link).await?;
    may_link(&mut tx, scope, &doc, &t).await?;
    let row = LinkRow {
        kind: link.kind.as_str().into(),
        id: link.id,
        label: t.label,
    };
    let added = execute!(
        tx,
        "INSERT INTO document_links (document_id, target_kind, target_id, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        id,
        link.kind.as_str(),
        link.id,
        author.user_id(),
        Utc::now()
    )?;
    if added > 0 {
        record(&mut tx, author, "link", "document", id, &row).await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// Removes a link; 404 if there is none.
pub async fn remove(db: &Db, author: Author, scope: Scope, id: i64, link: Link) -> Result<()> {
    let mut tx = db.begin().await?;
    let doc = read_tx(&mut tx, scope, id).await?;
    // A record that is not there (or not visible) has no link to remove.
    let t = match target_tx(&mut tx, scope, link).await {
        Err(StoreError::Invalid(_)) => return Err(StoreError::NotFound),
        r => r?,
    };
    may_link(&mut tx, scope, &doc, &t).await?;
    let removed = execute!(
        tx,
        "DELETE FROM document_links WHERE document_id = $1 AND target_kind = $2 AND target_id = $3",
        id,
        link.kind.as_str(),
        link.id
    )?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let row = LinkRow {
        kind: link.kind.as_str().into(),
        id: link.id,
        label: t.label,
    };
    record(&mut tx, author, "unlink", "document", id, &row).await?;
    tx.commit().await?;
    Ok(())
}

/// The records a document governs, by kind and name.
pub(crate) async fn of_document_tx(tx: &mut Tx, id: i64) -> Result<Vec<LinkRow>> {
    let parts: Vec<String> = LinkKind::ALL
        .iter()
        .map(|k| {
            let (from, label, _) = target(*k);
            format!(
                "SELECT l.target_kind AS kind, l.target_id AS id, {label} AS label
                   FROM document_links l JOIN {from} ON x.id = l.target_id
                  WHERE l.document_id = $1 AND l.target_kind = '{}'",
                k.as_str()
            )
        })
        .collect();
    let sql = format!("{} ORDER BY 1, 3", parts.join(" UNION ALL "));
    Ok(fetch!(tx, fetch_all, LinkRow, &sql, id)?)
}

/// The documents that govern a record (the linked record's page), visible
/// ones only, latest issued first.
pub async fn documents_of(db: &Db, scope: Scope, link: Link) -> Result<Vec<DocumentRow>> {
    let mut p = Params::default();
    let k = p.push(Arg::Text(Some(link.kind.as_str().into())));
    let n = p.push(Arg::I64(Some(link.id)));
    let mut cond = format!(
        "d.id IN (SELECT document_id FROM document_links WHERE target_kind = {k} AND target_id = {n})"
    );
    if let Some(user) = scope.user_id() {
        let u = p.push(Arg::I64(Some(user)));
        cond.push_str(&format!(" AND {}", visible("d.org_unit_id", &u)));
    }
    let sql = format!("{SELECT_DOCUMENT} WHERE {cond} ORDER BY d.issued_on DESC, d.id DESC");
    let mut tx = db.begin_read().await?;
    let rows: Vec<DocumentRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(finish_all(rows))
}

/// The records a document may be linked to, as a page offers them: every
/// visible one of each kind (at most `per_kind`), by kind and name.
pub async fn candidates(db: &Db, scope: Scope, per_kind: i64) -> Result<Vec<LinkRow>> {
    let mut out = Vec::new();
    let mut tx = db.begin_read().await?;
    for k in LinkKind::ALL {
        let (from, label, owner) = target(*k);
        let mut p = Params::default();
        let mut cond = "1 = 1".to_string();
        if let Some(user) = scope.user_id() {
            let u = p.push(Arg::I64(Some(user)));
            cond = visible(owner, &u);
        }
        let lim = p.push(Arg::I64(Some(per_kind)));
        let sql = format!(
            "SELECT '{}' AS kind, x.id AS id, {label} AS label FROM {from}
              WHERE {cond} ORDER BY 3 LIMIT {lim}",
            k.as_str()
        );
        let rows: Vec<LinkRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
        // A criterion's text is long; a choice shows its start.
        out.extend(rows.into_iter().map(|mut r| {
            if r.label.chars().count() > 100 {
                r.label = r.label.chars().take(99).chain(['…']).collect();
            }
            r
        }));
    }
    tx.rollback().await?;
    Ok(out)
}
