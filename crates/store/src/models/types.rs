//! The catalogue of model types, and the default catalogue shipped in
//! `data/models/model-types.csv`: loaded on first start, and applied again
//! to an existing database by `binhyen import-catalogue` ([`apply_catalogue`]).

use chrono::{NaiveDate, Utc};
use domain::models::{ModelType, ModelTypeId, ModelTypeInput, NewModelType, Sector, Targets};
use domain::text::{fold, sort_key};
use sha2::{Digest, Sha256};

use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{reference_data, Db, Tx};

/// The default catalogue, embedded in the binary.
pub const DEFAULT_CATALOGUE: &str = include_str!("../../../../data/models/model-types.csv");

const SELECT: &str = "SELECT id, code, name, short_name, sector, targets, description, legal_basis,
        lead_org, coordinating_orgs, retired_on, source FROM model_types";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    short_name: String,
    sector: String,
    targets: String,
    description: Option<String>,
    legal_basis: Option<String>,
    lead_org: Option<String>,
    coordinating_orgs: Option<String>,
    retired_on: Option<NaiveDate>,
    source: Option<String>,
}

impl TryFrom<Row> for ModelType {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        let bad =
            |what: &str| StoreError::Data(format!("model_types {}: {what} không hợp lệ", r.id));
        Ok(ModelType {
            sector: Sector::parse("sector", &r.sector).map_err(|_| bad("sector"))?,
            targets: Targets::from_stored(&r.targets)
                .map_err(|_| bad("targets"))?
                .codes(),
            id: r.id,
            code: r.code,
            name: r.name,
            short_name: r.short_name,
            description: r.description,
            legal_basis: r.legal_basis,
            lead_org: r.lead_org,
            coordinating_orgs: r.coordinating_orgs,
            retired_on: r.retired_on,
            source: r.source,
        })
    }
}

/// Every type in Vietnamese order of name; retired ones only if asked.
pub async fn list(db: &Db, include_retired: bool) -> Result<Vec<ModelType>> {
    let sql = format!("{SELECT} WHERE ($1 OR retired_on IS NULL) ORDER BY sort_key, id");
    let rows: Vec<Row> = fetch!(db, fetch_all, Row, &sql, include_retired)?;
    rows.into_iter().map(ModelType::try_from).collect()
}

pub async fn get(db: &Db, id: ModelTypeId) -> Result<Option<ModelType>> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> = fetch!(db, fetch_optional, Row, &sql, id)?;
    row.map(ModelType::try_from).transpose()
}

async fn load(tx: &mut Tx, id: ModelTypeId) -> Result<ModelType> {
    let sql = format!("{SELECT} WHERE id = $1");
    let row: Option<Row> = fetch!(tx, fetch_optional, Row, &sql, id)?;
    row.map(ModelType::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

async fn insert(tx: &mut Tx, t: &NewModelType) -> Result<ModelTypeId> {
    let now = Utc::now();
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO model_types (code, name, short_name, name_folded, sort_key, sector, targets,
                description, legal_basis, lead_org, coordinating_orgs, retired_on, created_at, updated_at,
                source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id",
        &t.code,
        &t.name,
        &t.short_name,
        fold(&t.name),
        sort_key(&t.name),
        t.sector.as_str(),
        t.targets.to_stored(),
        t.description.as_deref(),
        t.legal_basis.as_deref(),
        t.lead_org.as_deref(),
        t.coordinating_orgs.as_deref(),
        t.retired_on,
        now,
        t.source.as_deref()
    )?)
}

pub async fn create(db: &Db, author: Author, t: &NewModelType) -> Result<ModelType> {
    let mut tx = db.begin().await?;
    let exists: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM model_types WHERE code = $1",
        &t.code
    )?;
    if exists.is_some() {
        return Err(StoreError::Conflict(domain::Reason::TypeCodeTaken {
            code: t.code.clone(),
        }));
    }
    let id = insert(&mut tx, t).await?;
    let after = load(&mut tx, id).await?;
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "create",
            entity: "model_type",
            entity_id: id.to_string(),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Rewrites a type. A change of sector is copied to its models in the
/// same transaction, so that lists and the matrix stay in step.
pub async fn update(
    db: &Db,
    author: Author,
    id: ModelTypeId,
    t: &NewModelType,
) -> Result<ModelType> {
    let target = audit::Target {
        author,
        entity: "model_type",
        table: "model_types",
        id,
    };
    let read = async |tx: &mut Tx, id| load(tx, id).await;
    audit::update(db, target, read, async |tx: &mut Tx, before: &ModelType| {
        rewrite(tx, before, t).await
    })
    .await
}

/// Writes `t` over the stored type `before`, its models' sector with it.
async fn rewrite(tx: &mut Tx, before: &ModelType, t: &NewModelType) -> Result<()> {
    execute!(
        tx,
        "UPDATE model_types SET name = $1, short_name = $2, name_folded = $3, sort_key = $4,
                sector = $5, targets = $6, description = $7, legal_basis = $8, lead_org = $9,
                coordinating_orgs = $10, retired_on = $11, updated_at = $12, source = $13
         WHERE id = $14",
        &t.name,
        &t.short_name,
        fold(&t.name),
        sort_key(&t.name),
        t.sector.as_str(),
        t.targets.to_stored(),
        t.description.as_deref(),
        t.legal_basis.as_deref(),
        t.lead_org.as_deref(),
        t.coordinating_orgs.as_deref(),
        t.retired_on,
        Utc::now(),
        t.source.as_deref(),
        before.id
    )?;
    if before.sector != t.sector {
        execute!(
            tx,
            "UPDATE models SET sector = $1 WHERE type_id = $2",
            t.sector.as_str(),
            before.id
        )?;
    }
    Ok(())
}

/// One line of the catalogue file, as `ModelTypeInput`.
#[derive(serde::Deserialize)]
struct CatalogueLine {
    code: String,
    name: String,
    short_name: Option<String>,
    sector: String,
    targets: String,
    description: Option<String>,
    legal_basis: Option<String>,
    lead_org: Option<String>,
    coordinating_orgs: Option<String>,
    /// `bài viết`, a named national text, or `ví dụ`.
    source: Option<String>,
}

/// Parses the catalogue file; any bad line stops the load with its line number.
pub fn parse_catalogue(text: &str, today: NaiveDate) -> Result<Vec<NewModelType>> {
    let mut out = Vec::new();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    for (i, line) in rd.deserialize::<CatalogueLine>().enumerate() {
        let at = |e: String| StoreError::Data(format!("model-types.csv dòng {}: {e}", i + 2));
        let l = line.map_err(|e| at(e.to_string()))?;
        let input = ModelTypeInput {
            code: Some(l.code),
            name: Some(l.name),
            short_name: l.short_name,
            sector: Some(l.sector),
            targets: Some(l.targets.split(';').map(str::to_string).collect()),
            description: l.description,
            legal_basis: l.legal_basis,
            lead_org: l.lead_org,
            coordinating_orgs: l.coordinating_orgs,
            retired: None,
        };
        let mut t = NewModelType::parse(&input, None, today).map_err(|e| at(e.to_string()))?;
        t.source = l.source.filter(|s| !s.trim().is_empty());
        if t.source.is_none() {
            return Err(at("thiếu nguồn (cột source)".into()));
        }
        out.push(t);
    }
    Ok(out)
}

const CATALOGUE_NAME: &str = "model-types";

/// What applying a catalogue did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
    pub unchanged: usize,
    /// Codes left as they are because someone changed them here (or added
    /// a type of that code): the catalogue does not overwrite people's work.
    pub kept: Vec<String>,
}

/// Loads the default catalogue on a database that never had it.
pub async fn load_catalogue(db: &Db, text: &str, today: NaiveDate) -> Result<usize> {
    let mut tx = db.begin_read().await?;
    let loaded = reference_data::digest(&mut tx, CATALOGUE_NAME).await?;
    tx.rollback().await?;
    if loaded.is_some() {
        return Ok(0);
    }
    Ok(apply_catalogue(db, text, today).await?.added)
}

/// Brings the shipped types to what `text` says, in one transaction: a new
/// code is added, a type the catalogue shipped before is rewritten (or
/// retired when the catalogue no longer has it) unless a person changed it
/// here since, and a type people added is never touched. Applying the same
/// catalogue again changes nothing and records nothing.
pub async fn apply_catalogue(db: &Db, text: &str, today: NaiveDate) -> Result<Applied> {
    let types = parse_catalogue(text, today)?;
    let mut tx = db.begin().await?;
    let mut done = Applied::default();
    for t in &types {
        let current: Option<i64> = fetch!(
            tx,
            fetch_optional,
            scalar i64,
            "SELECT id FROM model_types WHERE code = $1",
            &t.code
        )?;
        let Some(id) = current else {
            let id = insert(&mut tx, t).await?;
            let after = load(&mut tx, id).await?;
            record(&mut tx, "create", None, &after).await?;
            done.added += 1;
            continue;
        };
        let before = load(&mut tx, id).await?;
        if t.same_as(&before) {
            done.unchanged += 1;
        } else if before.source.is_none() || changed_here(&mut tx, id).await? {
            done.kept.push(t.code.clone());
        } else {
            rewrite(&mut tx, &before, t).await?;
            let after = load(&mut tx, id).await?;
            record(&mut tx, "update", Some(&before), &after).await?;
            done.updated += 1;
        }
    }
    // Shipped before, gone from the catalogue now: retired, models kept.
    let shipped: Vec<Row> = fetch!(
        tx,
        fetch_all,
        Row,
        &format!("{SELECT} WHERE source IS NOT NULL AND retired_on IS NULL ORDER BY id")
    )?;
    for row in shipped {
        let before = ModelType::try_from(row)?;
        if types.iter().any(|t| t.code == before.code) {
            continue;
        }
        if changed_here(&mut tx, before.id).await? {
            done.kept.push(before.code.clone());
            continue;
        }
        execute!(
            tx,
            "UPDATE model_types SET retired_on = $1, updated_at = $2 WHERE id = $3",
            today,
            Utc::now(),
            before.id
        )?;
        let after = load(&mut tx, before.id).await?;
        record(&mut tx, "update", Some(&before), &after).await?;
        done.retired += 1;
    }
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    let changed = done.added + done.updated + done.retired > 0;
    let seen = reference_data::digest(&mut tx, CATALOGUE_NAME).await?;
    if seen.as_deref() != Some(digest.as_str()) || changed {
        let what = serde_json::json!({"applied": &done, "digest": digest});
        let id = CATALOGUE_NAME.to_string();
        reference_data::mark_loaded(&mut tx, CATALOGUE_NAME, &digest, "load", id, &what).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Whether a person created or changed the type here (its audit records
/// by a user), as against the catalogue's own writes.
async fn changed_here(tx: &mut Tx, id: ModelTypeId) -> Result<bool> {
    let n: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM audit_log
         WHERE entity = 'model_type' AND entity_id = $1 AND user_id IS NOT NULL
           AND action IN ('create', 'update')",
        id.to_string()
    )?;
    Ok(n > 0)
}

/// The catalogue's own write of a type, recorded under the system.
async fn record(
    tx: &mut Tx,
    action: &str,
    before: Option<&ModelType>,
    after: &ModelType,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author: Author::System,
            action,
            entity: "model_type",
            entity_id: after.id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}
