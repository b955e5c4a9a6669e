//! The catalogue of model types, and the default catalogue shipped in
//! `data/models/model-types.csv`: loaded on first start, and applied again
//! to an existing database by `binhyen import-catalogue` ([`apply_catalogue`]).

use chrono::{NaiveDate, Utc};
use std::collections::HashMap;

use domain::catalogue::{Catalogue, Owner};
use domain::file::{
    changes, CellError, Done, Effect, FieldChange, Imported, Mode, Preview, Written,
};
use domain::models::type_file::{header, header_of_field, Col, TypeRow, IN_USE, RETIRED};
use domain::models::{
    ModelType, ModelTypeId, ModelTypeInput, NewModelType, Sector, Target, Targets,
};
use domain::org_units::OrgUnitId;
use domain::text::{fold, sort_key};
use domain::vocabulary::{Vocabulary, Words};
use domain::{DomainError, Reason};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Author, Change};
use crate::catalogue::{self, Hidden};
use crate::error::{Result, StoreError};
use crate::vocabulary::{self, Names};
use crate::{reference_data, Db, Tx};

/// The default catalogue, embedded in the binary.
pub const DEFAULT_CATALOGUE: &str = include_str!("../../../../data/models/model-types.csv");

/// Every type column, and the owning province's name.
const SELECT: &str =
    "SELECT t.id, t.code, t.name, t.short_name, t.sector, t.targets, t.description,
        t.legal_basis, t.lead_org, t.coordinating_orgs, t.retired_on, t.source, t.owner_id,
        o.name AS owner_name
    FROM model_types t LEFT JOIN org_units o ON o.id = t.owner_id";

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
    owner_id: Option<i64>,
    owner_name: Option<String>,
}

impl Row {
    /// The type, its field and targets named by `names`.
    fn into_type(self, names: &Names) -> Result<ModelType> {
        let r = self;
        let bad =
            |what: &str| StoreError::Data(format!("model_types {}: {what} không hợp lệ", r.id));
        let targets = Targets::from_stored(&r.targets).map_err(|_| bad("targets"))?;
        Ok(ModelType {
            sector: Sector::parse("sector", &r.sector).map_err(|_| bad("sector"))?,
            sector_name: names.fields.name(&r.sector).to_string(),
            target_names: targets
                .as_slice()
                .iter()
                .map(|t| names.target(*t))
                .collect(),
            targets: targets.as_slice().to_vec(),
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
            owner: Owner::from_column(r.owner_id),
        })
    }
}

/// A type as the catalogue's pages and API list it: with the owning
/// province's name, and whether the viewer's province hid it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Listed {
    #[serde(flatten)]
    pub model_type: ModelType,
    /// The owning province's name; none for a national type.
    pub owner_name: Option<String>,
    /// A national type that (one of) the viewer's provinces hid.
    pub hidden: bool,
}

impl Listed {
    fn of(r: Row, names: &Names, hidden: &Hidden, provinces: Option<&[OrgUnitId]>) -> Result<Self> {
        let owner_name = r.owner_name.clone();
        let model_type = r.into_type(names)?;
        let hidden = model_type.owner == Owner::National
            && provinces.is_some_and(|p| hidden.by_any(p, model_type.id));
        Ok(Listed {
            model_type,
            owner_name,
            hidden,
        })
    }
}

/// Every type of every owner in Vietnamese order of name; retired ones
/// only if asked. For the system's own uses (checks, the matrix, the
/// demo); pages and the API list [`listed`].
pub async fn list(db: &Db, include_retired: bool) -> Result<Vec<ModelType>> {
    let sql = format!("{SELECT} WHERE ($1 OR t.retired_on IS NULL) ORDER BY t.sort_key, t.id");
    let rows: Vec<Row> = fetch!(db, fetch_all, Row, &sql, include_retired)?;
    let names = Names::load(db).await?;
    rows.into_iter().map(|r| r.into_type(&names)).collect()
}

/// The types someone working in `provinces` sees (`None`: the whole
/// country, every owner's): the national ones, hidden ones marked, and
/// their provinces' own.
pub async fn listed(
    db: &Db,
    provinces: Option<&[OrgUnitId]>,
    include_retired: bool,
) -> Result<Vec<Listed>> {
    // The owners are filtered in the query: with every province's own
    // types (34 × 55), reading them all for a province's staff made the
    // list twenty times slower. The ids are the database's integers.
    let owners = match provinces {
        None => String::new(),
        Some([]) => "AND t.owner_id IS NULL".to_string(),
        Some(p) => {
            let ids: Vec<String> = p.iter().map(i64::to_string).collect();
            format!(
                "AND (t.owner_id IS NULL OR t.owner_id IN ({}))",
                ids.join(", ")
            )
        }
    };
    let sql =
        format!("{SELECT} WHERE ($1 OR t.retired_on IS NULL) {owners} ORDER BY t.sort_key, t.id");
    let rows: Vec<Row> = fetch!(db, fetch_all, Row, &sql, include_retired)?;
    let hidden = Hidden::load_db(db, Catalogue::ModelType).await?;
    let names = Names::load(db).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if domain::catalogue::listed(Owner::from_column(r.owner_id), provinces) {
            out.push(Listed::of(r, &names, &hidden, provinces)?);
        }
    }
    Ok(out)
}

/// Any type by id, whoever owns it (for the system's own uses).
pub async fn get(db: &Db, id: ModelTypeId) -> Result<Option<ModelType>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = fetch!(db, fetch_optional, Row, &sql, id)?;
    let Some(row) = row else { return Ok(None) };
    row.into_type(&Names::load(db).await?).map(Some)
}

/// A type as someone working in `provinces` sees it: `None` when it does
/// not exist or belongs to another province.
pub async fn entry(
    db: &Db,
    id: ModelTypeId,
    provinces: Option<&[OrgUnitId]>,
) -> Result<Option<Listed>> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let Some(row) = fetch!(db, fetch_optional, Row, &sql, id)? else {
        return Ok(None);
    };
    if !domain::catalogue::listed(Owner::from_column(row.owner_id), provinces) {
        return Ok(None);
    }
    let hidden = Hidden::load_db(db, Catalogue::ModelType).await?;
    Listed::of(row, &Names::load(db).await?, &hidden, provinces).map(Some)
}

/// Fails unless type `id` may be used at `unit`: national and not hidden
/// by the unit's province, or that province's own.
pub(crate) async fn require_usable(tx: &mut Tx, id: ModelTypeId, unit: OrgUnitId) -> Result<()> {
    let t = load(tx, id).await?;
    if catalogue::applies_at(tx, Catalogue::ModelType, t.owner, id, unit).await? {
        Ok(())
    } else {
        Err(DomainError::new("type_id", Reason::TypeNotUsedHere).into())
    }
}

async fn load(tx: &mut Tx, id: ModelTypeId) -> Result<ModelType> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    let row: Option<Row> = fetch!(tx, fetch_optional, Row, &sql, id)?;
    let row = row.ok_or(StoreError::NotFound)?;
    row.into_type(&Names::load_tx(tx).await?)
}

async fn insert(tx: &mut Tx, owner: Owner, t: &NewModelType) -> Result<ModelTypeId> {
    let now = Utc::now();
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO model_types (code, name, short_name, name_folded, sort_key, sector, targets,
                description, legal_basis, lead_org, coordinating_orgs, retired_on, created_at, updated_at,
                source, owner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15) RETURNING id",
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
        t.source.as_deref(),
        owner.column()
    )?)
}

/// Adds a type to `owner`'s catalogue. Codes are unique across every
/// owner, so that a code names one type in files, links and the API.
pub async fn create(db: &Db, author: Author, owner: Owner, t: &NewModelType) -> Result<ModelType> {
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
    catalogue::require_owner(&mut tx, owner).await?;
    require_words(&mut tx, owner, t).await?;
    let id = insert(&mut tx, owner, t).await?;
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
        require_words(tx, before.owner, t).await?;
        rewrite(tx, before, t).await
    })
    .await
}

/// Fails unless the type's field and kinds of place are in the lists an
/// entry of `owner` may use (national, and a province's own for its
/// entries).
async fn require_words(tx: &mut Tx, owner: Owner, t: &NewModelType) -> Result<()> {
    let fields = vocabulary::usable_by(tx, Vocabulary::Field, owner).await?;
    vocabulary::require(Vocabulary::Field, "sector", &fields, t.sector.as_str())?;
    let kinds = vocabulary::usable_by(tx, Vocabulary::PlaceKind, owner).await?;
    for k in t.targets.place_kinds() {
        vocabulary::require(Vocabulary::PlaceKind, "targets", &kinds, k.as_str())?;
    }
    Ok(())
}

/// A file's row with its field and places as codes: a file writes them
/// by name (or code), and the names are those of the lists the owner may
/// use. Each name that names nothing is reported.
fn with_codes(
    r: &TypeRow,
    fields: &Words,
    kinds: &Words,
) -> std::result::Result<ModelTypeInput, Vec<CellError>> {
    let mut errors = Vec::new();
    let mut input = r.input.clone();
    if let Some(text) = r.input.sector.as_deref() {
        match fields.resolve(text) {
            Some(code) => input.sector = Some(code.as_str().to_string()),
            None => {
                let e = Vocabulary::Field.not_in_catalogue("sector", text, fields);
                errors.push(CellError::new(r.row, header(Col::Sector), e.message));
            }
        }
    }
    let mut targets = Vec::new();
    for text in r.input.targets.iter().flatten() {
        let level = [Target::Village, Target::Commune]
            .into_iter()
            .find(|t| t.as_str() == text.trim() || t.level_label().map(fold) == Some(fold(text)));
        match level
            .map(|t| t.as_str().to_string())
            .or_else(|| kinds.resolve(text).map(|c| c.as_str().to_string()))
        {
            Some(code) => targets.push(code),
            None => {
                let mut names = vec![
                    Target::Village.level_label().unwrap_or_default(),
                    Target::Commune.level_label().unwrap_or_default(),
                ];
                names.extend(kinds.names());
                let m = format!(
                    "không có nơi áp dụng «{}»; dùng: {} (ngăn cách bằng dấu ;)",
                    text.trim(),
                    names.join("; ")
                );
                errors.push(CellError::new(r.row, header(Col::Targets), m));
            }
        }
    }
    input.targets = Some(targets);
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
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
            owner_id: None,
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

pub use crate::reference_data::Applied;

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
        require_words(&mut tx, Owner::National, t).await?;
        let Some(id) = current else {
            let id = insert(&mut tx, Owner::National, t).await?;
            let after = load(&mut tx, id).await?;
            record(&mut tx, Author::System, "create", None, &after).await?;
            done.added += 1;
            continue;
        };
        let before = load(&mut tx, id).await?;
        if t.same_as(&before) {
            done.unchanged += 1;
        } else if before.source.is_none()
            || reference_data::changed_by_people(&mut tx, "model_type", id).await?
        {
            done.kept.push(t.code.clone());
        } else {
            rewrite(&mut tx, &before, t).await?;
            let after = load(&mut tx, id).await?;
            record(&mut tx, Author::System, "update", Some(&before), &after).await?;
            done.updated += 1;
        }
    }
    // Shipped before, gone from the catalogue now: retired, models kept.
    let shipped: Vec<Row> = fetch!(
        tx,
        fetch_all,
        Row,
        &format!(
            "{SELECT} WHERE t.source IS NOT NULL AND t.owner_id IS NULL AND t.retired_on IS NULL ORDER BY t.id"
        )
    )?;
    let names = Names::load_tx(&mut tx).await?;
    for row in shipped {
        let before = row.into_type(&names)?;
        if types.iter().any(|t| t.code == before.code) {
            continue;
        }
        if reference_data::changed_by_people(&mut tx, "model_type", before.id).await? {
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
        record(&mut tx, Author::System, "update", Some(&before), &after).await?;
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

/// A catalogue's write of a type, recorded under `author` (the system
/// for the shipped catalogue).
async fn record(
    tx: &mut Tx,
    author: Author,
    action: &str,
    before: Option<&ModelType>,
    after: &ModelType,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            author,
            action,
            entity: "model_type",
            entity_id: after.id.to_string(),
            before,
            after: Some(after),
        },
    )
    .await
}

/// Loads a catalogue file into `owner`'s catalogue, all or nothing, after
/// a preview if `mode` asks for one: a new code is added to it, a code it
/// has is rewritten where the row differs (an unchanged row writes
/// nothing), and a code of another catalogue is refused, as is a code
/// twice in the file. Every problem is reported, row by row, with those
/// the reading found (`read_errors`), and then nothing is written.
pub async fn import(
    db: &Db,
    author: Author,
    owner: Owner,
    rows: &[TypeRow],
    read_errors: Vec<CellError>,
    (today, mode): (NaiveDate, &Mode),
) -> Result<Imported<Done<Written>>> {
    let mut tx = db.begin().await?;
    catalogue::require_owner(&mut tx, owner).await?;
    let stored: Vec<Row> = fetch!(tx, fetch_all, Row, SELECT)?;
    let names = Names::load_tx(&mut tx).await?;
    let mut by_code: HashMap<String, ModelType> = HashMap::new();
    for r in stored {
        let t = r.into_type(&names)?;
        by_code.insert(t.code.clone(), t);
    }
    let fields = vocabulary::usable_by(&mut tx, Vocabulary::Field, owner).await?;
    let kinds = vocabulary::usable_by(&mut tx, Vocabulary::PlaceKind, owner).await?;
    let mut errors = read_errors;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut writes: Vec<(usize, Option<&ModelType>, NewModelType)> = Vec::new();
    for r in rows {
        let code = r.input.code.clone().unwrap_or_default();
        let current = by_code.get(&code);
        if let Some(first) = seen.insert(code.clone(), r.row) {
            let m = format!("mã {code} đã có ở dòng {first}");
            errors.push(CellError::new(r.row, header(Col::Code), m));
            continue;
        }
        if let Some(c) = current.filter(|c| c.owner != owner) {
            let m = match c.owner {
                Owner::National => format!("mã {code} đã có trong danh mục quốc gia"),
                Owner::Province(_) => format!("mã {code} đã được dùng ở danh mục khác"),
            };
            errors.push(CellError::new(r.row, header(Col::Code), m));
            continue;
        }
        let input = match with_codes(r, &fields, &kinds) {
            Ok(input) => input,
            Err(mut e) => {
                errors.append(&mut e);
                continue;
            }
        };
        match NewModelType::parse(&input, current, today) {
            Ok(mut t) => {
                t.source = r.source.clone();
                writes.push((r.row, current, t));
            }
            Err(e) => errors.push(CellError::new(r.row, header_of_field(e.field), e.message)),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Ok(Imported::Refused(errors));
    }
    let effects: Vec<(usize, String, Effect)> = writes
        .iter()
        .map(|(row, current, t)| {
            let record = format!("{} {}", header(Col::Code), t.code);
            let effect = match current {
                None => Effect::New,
                Some(c) => match type_changes(c, t, &names) {
                    ch if ch.is_empty() => Effect::Unchanged,
                    ch => Effect::Changed(ch),
                },
            };
            (*row, record, effect)
        })
        .collect();
    let preview = Preview::of(effects.iter().map(|(row, rec, e)| (*row, rec.clone(), e)));
    let preview = match mode.gate(preview) {
        Ok(preview) => preview,
        Err(answer) => {
            tx.rollback().await?;
            return Ok(Imported::All(answer));
        }
    };
    for ((_, current, t), (_, _, effect)) in writes.iter().zip(&effects) {
        match (current, effect) {
            (None, _) => {
                let id = insert(&mut tx, owner, t).await?;
                let after = load(&mut tx, id).await?;
                record(&mut tx, author, "create", None, &after).await?;
            }
            (Some(before), Effect::Changed(_)) => {
                rewrite(&mut tx, before, t).await?;
                let after = load(&mut tx, before.id).await?;
                record(&mut tx, author, "update", Some(before), &after).await?;
            }
            (Some(_), _) => {}
        }
    }
    tx.commit().await?;
    Ok(Imported::All(Done::Written(Written::from(&preview))))
}

/// The fields a catalogue row changes on a stored type, as the file
/// writes them (fields and places by name).
fn type_changes(before: &ModelType, after: &NewModelType, names: &Names) -> Vec<FieldChange> {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let status = |retired: bool| if retired { RETIRED } else { IN_USE }.to_string();
    let targets: Vec<String> = after
        .targets
        .as_slice()
        .iter()
        .map(|t| names.target(*t))
        .collect();
    changes([
        (header(Col::Name), before.name.clone(), after.name.clone()),
        (
            header(Col::ShortName),
            before.short_name.clone(),
            after.short_name.clone(),
        ),
        (
            header(Col::Sector),
            before.sector_name.clone(),
            names.fields.name(after.sector.as_str()).to_string(),
        ),
        (
            header(Col::Targets),
            before.target_names.join("; "),
            targets.join("; "),
        ),
        (
            header(Col::Description),
            text(&before.description),
            text(&after.description),
        ),
        (
            header(Col::LegalBasis),
            text(&before.legal_basis),
            text(&after.legal_basis),
        ),
        (
            header(Col::LeadOrg),
            text(&before.lead_org),
            text(&after.lead_org),
        ),
        (
            header(Col::CoordinatingOrgs),
            text(&before.coordinating_orgs),
            text(&after.coordinating_orgs),
        ),
        (
            header(Col::Source),
            text(&before.source),
            text(&after.source),
        ),
        (
            header(Col::Status),
            status(before.retired_on.is_some()),
            status(after.retired_on.is_some()),
        ),
    ])
}
