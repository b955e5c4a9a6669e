//! The kinds' rules and the criteria sets: read, published (never edited),
//! and the default sets shipped in `data/certification/criteria.csv`,
//! loaded on first start as version 1 from 2022 (Thông tư 124/2021/TT-BCA
//! came into force on 10 February 2022).

use chrono::Utc;
use domain::certification::{
    CriteriaSet, Criterion, DecidingLevel, Kind, KindRules, NewCriteriaSet, NewCriterion,
};
use serde::Serialize;

use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{Db, Tx};

pub const DEFAULT_CRITERIA: &str = include_str!("../../../../data/certification/criteria.csv");
/// The first year the shipped sets are in force.
pub const DEFAULT_FROM_YEAR: i32 = 2022;

#[derive(sqlx::FromRow)]
struct KindRow {
    kind: String,
    year_start_month: i64,
    year_start_day: i64,
    deciding_level: String,
    min_residential_share: Option<i64>,
    needs_active_model: bool,
    needs_staff_briefed: bool,
}

/// Every kind's rules, in their order.
pub async fn kinds(db: &Db) -> Result<Vec<KindRules>> {
    let mut tx = db.begin_read().await?;
    let k = kinds_tx(&mut tx).await?;
    tx.rollback().await?;
    Ok(k)
}

pub(crate) async fn kinds_tx(tx: &mut Tx) -> Result<Vec<KindRules>> {
    let rows: Vec<KindRow> = fetch!(
        tx,
        fetch_all,
        KindRow,
        "SELECT kind, year_start_month, year_start_day, deciding_level, min_residential_share,
                needs_active_model, needs_staff_briefed
           FROM certification_kinds ORDER BY position"
    )?;
    rows.into_iter()
        .map(|r| {
            let bad = || StoreError::Data(format!("certification_kinds: {}", r.kind));
            Ok(KindRules {
                kind: Kind::parse("kind", &r.kind).map_err(|_| bad())?,
                year_start_month: u32::try_from(r.year_start_month).map_err(|_| bad())?,
                year_start_day: u32::try_from(r.year_start_day).map_err(|_| bad())?,
                deciding_level: DecidingLevel::parse(&r.deciding_level).ok_or_else(bad)?,
                min_residential_share: r.min_residential_share,
                needs_active_model: r.needs_active_model,
                needs_staff_briefed: r.needs_staff_briefed,
            })
        })
        .collect()
}

/// The rules of one kind.
pub(crate) async fn rules_tx(tx: &mut Tx, kind: Kind) -> Result<KindRules> {
    kinds_tx(tx)
        .await?
        .into_iter()
        .find(|k| k.kind == kind)
        .ok_or_else(|| StoreError::Data(format!("certification_kinds: {}", kind.as_str())))
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: i64,
    kind: String,
    version: i64,
    from_year: i64,
    title: String,
    source: String,
}

#[derive(sqlx::FromRow)]
struct CriterionRow {
    id: i64,
    set_id: i64,
    position: i64,
    code: String,
    text: String,
    source: String,
    required: bool,
    to_check: bool,
}

/// Every published set with its criteria, oldest version first.
pub async fn sets(db: &Db) -> Result<Vec<CriteriaSet>> {
    let mut tx = db.begin_read().await?;
    let s = sets_tx(&mut tx, None).await?;
    tx.rollback().await?;
    Ok(s)
}

/// The published sets (of one kind, if named).
pub(crate) async fn sets_tx(tx: &mut Tx, kind: Option<Kind>) -> Result<Vec<CriteriaSet>> {
    let rows: Vec<SetRow> = fetch!(
        tx,
        fetch_all,
        SetRow,
        "SELECT id, kind, version, from_year, title, source FROM certification_criteria_sets
          WHERE $1 IS NULL OR kind = $1 ORDER BY kind, version",
        kind.map(Kind::as_str)
    )?;
    let criteria: Vec<CriterionRow> = fetch!(
        tx,
        fetch_all,
        CriterionRow,
        "SELECT c.id, c.set_id, c.position, c.code, c.text, c.source, c.required, c.to_check
           FROM certification_criteria c JOIN certification_criteria_sets s ON s.id = c.set_id
          WHERE $1 IS NULL OR s.kind = $1 ORDER BY c.set_id, c.position",
        kind.map(Kind::as_str)
    )?;
    rows.into_iter()
        .map(|r| {
            Ok(CriteriaSet {
                id: r.id,
                kind: Kind::parse("kind", &r.kind)
                    .map_err(|_| StoreError::Data("certification_criteria_sets: kind".into()))?,
                version: r.version,
                from_year: i32::try_from(r.from_year).unwrap_or_default(),
                title: r.title,
                source: r.source,
                criteria: criteria
                    .iter()
                    .filter(|c| c.set_id == r.id)
                    .map(|c| Criterion {
                        id: c.id,
                        position: c.position,
                        code: c.code.clone(),
                        text: c.text.clone(),
                        source: c.source.clone(),
                        required: c.required,
                        to_check: c.to_check,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The first year of the latest published set of `kind`.
pub async fn latest_from(db: &Db, kind: Kind) -> Result<Option<i32>> {
    let y: Option<i64> = fetch!(
        db,
        fetch_one,
        scalar Option<i64>,
        "SELECT MAX(from_year) FROM certification_criteria_sets WHERE kind = $1",
        kind.as_str()
    )?;
    Ok(y.and_then(|y| i32::try_from(y).ok()))
}

/// Publishes a new version of a kind's criteria; it applies from its year.
pub async fn publish(db: &Db, author: Author, s: &NewCriteriaSet) -> Result<CriteriaSet> {
    let mut tx = db.begin().await?;
    let id = insert_set(&mut tx, author, s).await?;
    let set = sets_tx(&mut tx, Some(s.kind))
        .await?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or(StoreError::NotFound)?;
    record(&mut tx, author, "publish", id, &set).await?;
    tx.commit().await?;
    Ok(set)
}

async fn insert_set(tx: &mut Tx, author: Author, s: &NewCriteriaSet) -> Result<i64> {
    let latest: Option<i64> = fetch!(
        tx,
        fetch_one,
        scalar Option<i64>,
        "SELECT MAX(from_year) FROM certification_criteria_sets WHERE kind = $1",
        s.kind.as_str()
    )?;
    if let Some(latest) = latest.filter(|l| i64::from(s.from_year) <= *l) {
        return Err(StoreError::Conflict(domain::Reason::CriteriaYearTaken {
            latest: i32::try_from(latest).unwrap_or_default(),
        }));
    }
    let version: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COALESCE(MAX(version), 0) + 1 FROM certification_criteria_sets WHERE kind = $1",
        s.kind.as_str()
    )?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO certification_criteria_sets (kind, version, from_year, title, source, published_by, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        s.kind.as_str(),
        version,
        s.from_year,
        &s.title,
        &s.source,
        author.user_id(),
        Utc::now()
    )?;
    for (i, c) in s.criteria.iter().enumerate() {
        execute!(
            tx,
            "INSERT INTO certification_criteria (set_id, position, code, text, source, required, to_check)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            id,
            i64::try_from(i).unwrap_or_default() + 1,
            &c.code,
            &c.text,
            &c.source,
            c.required,
            c.to_check
        )?;
    }
    Ok(id)
}

async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    id: i64,
    after: &impl Serialize,
) -> Result<()> {
    audit::record(
        tx,
        Change::<(), _> {
            author,
            action,
            entity: "certification_criteria",
            entity_id: id.to_string(),
            before: None,
            after: Some(after),
        },
    )
    .await
}

#[derive(serde::Deserialize)]
struct Line {
    kind: String,
    code: String,
    text: String,
    source: String,
    required: bool,
    to_check: bool,
}

/// Parses the shipped criteria file into one set per kind.
pub fn parse_default(text: &str) -> Result<Vec<NewCriteriaSet>> {
    let mut out: Vec<NewCriteriaSet> = Vec::new();
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    for (i, line) in rd.deserialize::<Line>().enumerate() {
        let at = |e: String| StoreError::Data(format!("criteria.csv dòng {}: {e}", i + 2));
        let l = line.map_err(|e| at(e.to_string()))?;
        let kind = Kind::parse("kind", &l.kind).map_err(|e| at(e.to_string()))?;
        let c = NewCriterion {
            code: l.code,
            text: l.text,
            source: l.source,
            required: l.required,
            to_check: l.to_check,
        };
        match out.iter_mut().find(|s| s.kind == kind) {
            Some(s) => s.criteria.push(c),
            None => out.push(NewCriteriaSet {
                kind,
                from_year: DEFAULT_FROM_YEAR,
                title: format!(
                    "Tiêu chuẩn \"An toàn về an ninh, trật tự\" — {}",
                    kind.label()
                ),
                source:
                    "Thông tư 124/2021/TT-BCA; sửa đổi bởi Thông tư 48/2025/TT-BCA (cần đối chiếu)"
                        .into(),
                criteria: vec![c],
            }),
        }
    }
    Ok(out)
}

/// Publishes the shipped set of each kind that has none yet.
pub async fn load_default(db: &Db) -> Result<usize> {
    let mut n = 0;
    for s in parse_default(DEFAULT_CRITERIA)? {
        if latest_from(db, s.kind).await?.is_none() {
            publish(db, Author::System, &s).await?;
            n += 1;
        }
    }
    Ok(n)
}
