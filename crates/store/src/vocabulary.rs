//! The fields of the movement and the kinds of place in the database
//! (`domain::vocabulary`): lists for pages and files, names for what is
//! shown, and the check every write that names a field or a kind of place
//! makes (a model type's field and targets, a site's kind, a data set's
//! entry level).

use chrono::Utc;
use domain::catalogue::{Code, Owner};
use domain::org_units::OrgUnitId;
use domain::vocabulary::{parse_name, Entry, NewEntry, Vocabulary, Words};
use domain::{DomainError, Reason};

use crate::audit::{self, Author, Change};
use crate::catalogue;
use crate::error::{Result, StoreError};
use crate::{Db, Tx};

#[derive(sqlx::FromRow)]
struct Row {
    code: String,
    name: String,
    owner_id: Option<i64>,
    owner_name: Option<String>,
}

impl TryFrom<Row> for Entry {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self> {
        Ok(Entry {
            code: Code::parse(&r.code)
                .ok_or_else(|| StoreError::Data(format!("mã không hợp lệ: {}", r.code)))?,
            name: r.name,
            owner: Owner::from_column(r.owner_id),
            owner_name: r.owner_name,
        })
    }
}

/// `{owners}` narrows the rows (a condition on `v.owner_id`).
fn select(v: Vocabulary, owners: &str) -> String {
    format!(
        "SELECT v.code, v.name, v.owner_id, o.name AS owner_name
         FROM {} v LEFT JOIN org_units o ON o.id = v.owner_id
         WHERE {owners} ORDER BY v.owner_id IS NOT NULL, o.sort_key, v.position, v.code",
        v.table()
    )
}

/// The condition for the entries someone working in `provinces` sees
/// (`None`: every owner's). The ids are the database's integers.
fn owners_condition(provinces: Option<&[OrgUnitId]>) -> String {
    match provinces {
        None => "TRUE".into(),
        Some(p) => {
            let ids: Vec<String> = p.iter().map(i64::to_string).collect();
            if ids.is_empty() {
                "v.owner_id IS NULL".into()
            } else {
                format!("(v.owner_id IS NULL OR v.owner_id IN ({}))", ids.join(", "))
            }
        }
    }
}

async fn fetch_words(tx: &mut Tx, v: Vocabulary, provinces: Option<&[OrgUnitId]>) -> Result<Words> {
    let sql = select(v, &owners_condition(provinces));
    let rows: Vec<Row> = fetch!(tx, fetch_all, Row, &sql)?;
    let entries = rows
        .into_iter()
        .map(Entry::try_from)
        .collect::<Result<_>>()?;
    Ok(Words::new(entries))
}

/// The entries someone working in `provinces` sees (`None`: every
/// owner's): the national ones, then their provinces' own.
pub async fn list(db: &Db, v: Vocabulary, provinces: Option<&[OrgUnitId]>) -> Result<Words> {
    let mut tx = db.begin_read().await?;
    let words = fetch_words(&mut tx, v, provinces).await;
    tx.rollback().await?;
    words
}

/// The entries an entry of `owner` may use: the national ones, and a
/// province's own for that province's entries.
pub(crate) async fn usable_by(tx: &mut Tx, v: Vocabulary, owner: Owner) -> Result<Words> {
    let provinces: Vec<OrgUnitId> = owner.column().into_iter().collect();
    fetch_words(tx, v, Some(&provinces)).await
}

/// The entries usable at `unit`: national, and those of the provinces
/// the unit lies in.
pub(crate) async fn usable_at(tx: &mut Tx, v: Vocabulary, unit: OrgUnitId) -> Result<Words> {
    let provinces = catalogue::provinces_of_units(tx, &[unit])
        .await?
        .remove(&unit)
        .unwrap_or_default();
    fetch_words(tx, v, Some(&provinces)).await
}

/// Fails with the names that may be chosen unless `words` holds `code`.
pub(crate) fn require(
    v: Vocabulary,
    field: &'static str,
    words: &Words,
    code: &str,
) -> std::result::Result<(), DomainError> {
    if words.contains(code) {
        Ok(())
    } else {
        Err(v.not_in_catalogue(field, code, words))
    }
}

/// Every entry of both lists, whoever owns it: the names of what is
/// stored (codes are unique across owners).
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub fields: Words,
    pub place_kinds: Words,
}

impl Names {
    pub async fn load(db: &Db) -> Result<Self> {
        let mut tx = db.begin_read().await?;
        let names = Self::load_tx(&mut tx).await;
        tx.rollback().await?;
        names
    }

    pub(crate) async fn load_tx(tx: &mut Tx) -> Result<Self> {
        Ok(Names {
            fields: fetch_words(tx, Vocabulary::Field, None).await?,
            place_kinds: fetch_words(tx, Vocabulary::PlaceKind, None).await?,
        })
    }

    /// A model type's target as pages name it.
    pub fn target(&self, t: domain::models::Target) -> String {
        match t.level_label() {
            Some(l) => l.to_string(),
            None => self.place_kinds.name(t.as_str()).to_string(),
        }
    }
}

/// Adds an entry to `owner`'s list. Its code must be new to every list
/// (409), and its name new to what that owner's entries may use (400).
pub async fn create(
    db: &Db,
    author: Author,
    v: Vocabulary,
    owner: Owner,
    e: &NewEntry,
) -> Result<Entry> {
    let mut tx = db.begin().await?;
    catalogue::require_owner(&mut tx, owner).await?;
    let taken: Option<String> = fetch!(
        tx,
        fetch_optional,
        scalar String,
        &format!("SELECT code FROM {} WHERE code = $1", v.table()),
        e.code.as_str()
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::VocabularyCodeTaken {
            code: e.code.as_str().into(),
        }));
    }
    require_new_name(&mut tx, v, owner, &e.name).await?;
    let now = Utc::now();
    execute!(
        tx,
        &format!(
            "INSERT INTO {} (code, name, owner_id, position, created_at, updated_at)
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 10 FROM {}), $4, $4)",
            v.table(),
            v.table()
        ),
        e.code.as_str(),
        &e.name,
        owner.column(),
        now
    )?;
    let after = load(&mut tx, v, e.code.as_str()).await?;
    audit::record(
        &mut tx,
        Change::<(), _> {
            author,
            action: "create",
            entity: v.entity(),
            entity_id: e.code.as_str().into(),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Renames an entry; its code, and so everything stored with it, stays.
/// Renaming to the same name changes nothing and writes no record.
pub async fn rename(
    db: &Db,
    author: Author,
    v: Vocabulary,
    code: &str,
    name: &str,
) -> Result<Entry> {
    let name = parse_name(Some(name))?;
    let mut tx = db.begin().await?;
    let before = load(&mut tx, v, code).await?;
    if before.name == name {
        tx.rollback().await?;
        return Ok(before);
    }
    if domain::text::fold(&before.name) != domain::text::fold(&name) {
        require_new_name(&mut tx, v, before.owner, &name).await?;
    }
    execute!(
        tx,
        &format!(
            "UPDATE {} SET name = $1, updated_at = $2 WHERE code = $3",
            v.table()
        ),
        &name,
        Utc::now(),
        code
    )?;
    let after = load(&mut tx, v, code).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "update",
            entity: v.entity(),
            entity_id: code.into(),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// An entry as someone working in `provinces` sees it: `None` when it
/// does not exist or belongs to another province.
pub async fn entry(
    db: &Db,
    v: Vocabulary,
    code: &str,
    provinces: Option<&[OrgUnitId]>,
) -> Result<Option<Entry>> {
    let words = list(db, v, provinces).await?;
    Ok(words
        .entries()
        .iter()
        .find(|e| e.code.as_str() == code)
        .cloned())
}

async fn load(tx: &mut Tx, v: Vocabulary, code: &str) -> Result<Entry> {
    let sql = select(v, "v.code = $1");
    let row: Option<Row> = fetch!(tx, fetch_optional, Row, &sql, code)?;
    row.map(Entry::try_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// Names are how files write entries: two that one owner may use must
/// not read alike. A national entry is checked against every province's.
async fn require_new_name(tx: &mut Tx, v: Vocabulary, owner: Owner, name: &str) -> Result<()> {
    let words = match owner {
        Owner::Province(_) => usable_by(tx, v, owner).await?,
        Owner::National => fetch_words(tx, v, None).await?,
    };
    if words.has_name(name) {
        return Err(
            DomainError::new("name", Reason::VocabularyNameTaken { name: name.into() }).into(),
        );
    }
    Ok(())
}
