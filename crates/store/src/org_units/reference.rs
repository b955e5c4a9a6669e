//! Loads the national administrative units and the 2025 mapping
//! (`data/vn-admin/`, embedded in the binary) idempotently: units keep their
//! ids across loads (matched by `ref_key`), names and coordinates follow the
//! newest file, and a file already loaded is not read again.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use domain::org_units::{short_name, Kind, Level};
use domain::text::{fold, normalize, sort_key, word_suffixes};
use domain::time::REFORM_DAY;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::{execute_dyn, fetch_all_dyn, placeholders, Arg, Db, Tx};

/// The four files of `data/vn-admin/`.
pub struct ReferenceData {
    pub units_2025: String,
    pub units_legacy: String,
    pub ward_conversion: String,
    pub province_conversion: String,
}

impl ReferenceData {
    /// The files shipped inside the binary.
    pub fn embedded() -> Self {
        Self {
            units_2025: include_str!("../../../../data/vn-admin/units-2025.csv").into(),
            units_legacy: include_str!("../../../../data/vn-admin/units-legacy.csv").into(),
            ward_conversion: include_str!("../../../../data/vn-admin/ward-conversion-2025.csv")
                .into(),
            province_conversion: include_str!(
                "../../../../data/vn-admin/province-conversion-2025.csv"
            )
            .into(),
        }
    }

    /// Newer files of the same shape, from a folder (`import-units --dir`).
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| StoreError::Data(format!("{}: {e}", dir.join(name).display())))
        };
        Ok(Self {
            units_2025: read("units-2025.csv")?,
            units_legacy: read("units-legacy.csv")?,
            ward_conversion: read("ward-conversion-2025.csv")?,
            province_conversion: read("province-conversion-2025.csv")?,
        })
    }

    fn digest(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            &self.units_2025,
            &self.units_legacy,
            &self.ward_conversion,
            &self.province_conversion,
        ] {
            h.update(part.len().to_string().as_bytes());
            h.update(b":");
            h.update(part.as_bytes());
        }
        hex::encode(h.finalize())
    }
}

#[derive(Deserialize)]
struct Unit2025 {
    province_code: String,
    province_name: String,
    ward_code: String,
    ward_name: String,
    ward_type: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
struct UnitLegacy {
    province_code: String,
    province_name: String,
    district_code: String,
    district_name: String,
    district_type: String,
    ward_code: String,
    ward_name: String,
    ward_type: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
struct WardLink {
    legacy_ward_code: String,
    ward_code_2025: String,
    is_default: u8,
    kind: String,
}

#[derive(Deserialize)]
struct ProvinceLink {
    legacy_province_code: String,
    province_code_2025: String,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| StoreError::Data(format!("{name}, dòng {}: {e}", i + 2))))
        .collect()
}

/// One unit to upsert.
struct Spec {
    ref_key: String,
    level: Level,
    kind: Kind,
    code: String,
    name: String,
    parent: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    lat: Option<f64>,
    lon: Option<f64>,
}

fn key(era: &str, level: Level, code: &str) -> String {
    format!("{era}:{}:{}", level.as_str(), code.trim())
}

fn kind_of(field: &str, name: &str, t: &str) -> Result<Kind> {
    // Provinces have no type column: their name starts with Tỉnh or Thành phố.
    let t = if t.is_empty() { name } else { t };
    Kind::from_national_type(t)
        .or_else(|| {
            let n = normalize(t);
            if n.starts_with("Thành phố") {
                Some(Kind::ThanhPho)
            } else if n.starts_with("Tỉnh") {
                Some(Kind::Tinh)
            } else {
                None
            }
        })
        .ok_or_else(|| StoreError::Data(format!("{field}: loại đơn vị không rõ: {t}")))
}

/// Average of the children's coordinates, for provinces and districts.
#[derive(Default)]
struct Centroid {
    lat: f64,
    lon: f64,
    n: u32,
}

impl Centroid {
    fn add(&mut self, lat: Option<f64>, lon: Option<f64>) {
        if let (Some(a), Some(o)) = (lat, lon) {
            self.lat += a;
            self.lon += o;
            self.n += 1;
        }
    }
    fn get(&self) -> (Option<f64>, Option<f64>) {
        if self.n == 0 {
            (None, None)
        } else {
            let n = f64::from(self.n);
            (Some(self.lat / n), Some(self.lon / n))
        }
    }
}

/// Units in load order: every parent before its children.
fn specs(u2025: &[Unit2025], legacy: &[UnitLegacy]) -> Result<Vec<Spec>> {
    let last_legacy_day = domain::org_units::day_before(REFORM_DAY);
    let mut provinces: BTreeMap<String, (Spec, Centroid)> = BTreeMap::new();
    let mut districts: BTreeMap<String, (Spec, Centroid)> = BTreeMap::new();
    let mut communes = Vec::new();
    for r in u2025 {
        let pk = key("2025", Level::Province, &r.province_code);
        let entry = provinces.entry(pk.clone()).or_insert_with(|| {
            (
                Spec {
                    ref_key: pk.clone(),
                    level: Level::Province,
                    kind: Kind::Tinh,
                    code: r.province_code.clone(),
                    name: normalize(&r.province_name),
                    parent: None,
                    valid_from: Some(REFORM_DAY),
                    valid_to: None,
                    lat: None,
                    lon: None,
                },
                Centroid::default(),
            )
        });
        entry.0.kind = kind_of("province_name", &r.province_name, "")?;
        entry.1.add(r.lat, r.lon);
        communes.push(Spec {
            ref_key: key("2025", Level::Commune, &r.ward_code),
            level: Level::Commune,
            kind: kind_of("ward_type", &r.ward_name, &r.ward_type)?,
            code: r.ward_code.clone(),
            name: normalize(&r.ward_name),
            parent: Some(pk),
            valid_from: Some(REFORM_DAY),
            valid_to: None,
            lat: r.lat,
            lon: r.lon,
        });
    }
    for r in legacy {
        let pk = key("legacy", Level::Province, &r.province_code);
        let p = provinces.entry(pk.clone()).or_insert_with(|| {
            (
                Spec {
                    ref_key: pk.clone(),
                    level: Level::Province,
                    kind: Kind::Tinh,
                    code: r.province_code.clone(),
                    name: normalize(&r.province_name),
                    parent: None,
                    valid_from: None,
                    valid_to: Some(last_legacy_day),
                    lat: None,
                    lon: None,
                },
                Centroid::default(),
            )
        });
        p.0.kind = kind_of("province_name", &r.province_name, "")?;
        p.1.add(r.lat, r.lon);
        let dk = key("legacy", Level::District, &r.district_code);
        let kind = kind_of("district_type", &r.district_name, &r.district_type)?;
        let d = districts.entry(dk.clone()).or_insert_with(|| {
            (
                Spec {
                    ref_key: dk.clone(),
                    level: Level::District,
                    kind,
                    code: r.district_code.clone(),
                    name: normalize(&r.district_name),
                    parent: Some(pk),
                    valid_from: None,
                    valid_to: Some(last_legacy_day),
                    lat: None,
                    lon: None,
                },
                Centroid::default(),
            )
        });
        d.1.add(r.lat, r.lon);
        // Island districts without wards: the district alone.
        if r.ward_code.trim().is_empty() {
            continue;
        }
        communes.push(Spec {
            ref_key: key("legacy", Level::Commune, &r.ward_code),
            level: Level::Commune,
            kind: kind_of("ward_type", &r.ward_name, &r.ward_type)?,
            code: r.ward_code.clone(),
            name: normalize(&r.ward_name),
            parent: Some(dk),
            valid_from: None,
            valid_to: Some(last_legacy_day),
            lat: r.lat,
            lon: r.lon,
        });
    }
    let with_centroid = |(mut s, c): (Spec, Centroid)| {
        (s.lat, s.lon) = c.get();
        s
    };
    // A commune listed twice would be written twice in one statement, which
    // PostgreSQL refuses: say which one instead.
    let mut seen = std::collections::HashSet::new();
    for c in &communes {
        if !seen.insert(c.ref_key.as_str()) {
            return Err(StoreError::Data(format!(
                "mã xã/phường {} xuất hiện hai lần",
                c.ref_key
            )));
        }
    }
    let mut out: Vec<Spec> = provinces.into_values().map(with_centroid).collect();
    out.extend(districts.into_values().map(with_centroid));
    out.extend(communes);
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct IdKey {
    id: i64,
    ref_key: String,
}

const UNIT_COLS: usize = 16;

/// Rows per multi-row statement. sqlx binds the parameters of an SQLite
/// statement in time that grows faster than linearly with their number
/// (6,400 parameters per statement took 2 s for the units, 256 took 0.35 s);
/// PostgreSQL wants few round trips instead.
fn chunk_rows(tx: &Tx, cols: usize) -> usize {
    let params = if tx.is_postgres() { 8_000 } else { 256 };
    (params / cols).max(1)
}

async fn upsert_units(tx: &mut Tx, specs: &[Spec]) -> Result<HashMap<String, i64>> {
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(specs.len());
    let now = Utc::now();
    // Parents come first in `specs`; a chunk never holds a unit whose
    // parent sits later in the same chunk, because levels load in order
    // and parents always belong to a lower level.
    let chunk_len = chunk_rows(tx, UNIT_COLS);
    let mut start = 0;
    while start < specs.len() {
        let level = specs.get(start).map(|s| s.level);
        let end = (start + chunk_len).min(specs.len());
        let chunk: Vec<&Spec> = specs
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .take_while(|s| Some(s.level) == level)
            .collect();
        start += chunk.len().max(1);
        let mut args = Vec::with_capacity(chunk.len() * UNIT_COLS);
        for s in &chunk {
            let parent = match &s.parent {
                None => None,
                Some(p) => Some(*ids.get(p).ok_or_else(|| {
                    StoreError::Data(format!("{}: không thấy đơn vị cấp trên {p}", s.ref_key))
                })?),
            };
            let short = short_name(&s.name, s.kind);
            args.extend([
                Arg::Text(Some(s.ref_key.clone())),
                Arg::Text(Some(s.level.as_str().into())),
                Arg::Text(Some(s.kind.as_str().into())),
                Arg::Text(Some(s.code.clone())),
                Arg::Text(Some(s.name.clone())),
                Arg::Text(Some(short.clone())),
                Arg::Text(Some(fold(&s.name))),
                Arg::Text(Some(fold(&short))),
                Arg::Text(Some(sort_key(&short))),
                Arg::I64(parent),
                Arg::Date(s.valid_from),
                Arg::Date(s.valid_to),
                Arg::F64(s.lat),
                Arg::F64(s.lon),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
        }
        let sql = format!(
            "INSERT INTO org_units (ref_key, level, kind, code, name, short_name, name_folded,
                 short_folded, sort_key, parent_id, valid_from, valid_to, lat, lon, created_at, updated_at)
             VALUES {}
             ON CONFLICT (ref_key) DO UPDATE SET kind = excluded.kind, code = excluded.code,
                 name = excluded.name, short_name = excluded.short_name,
                 name_folded = excluded.name_folded, short_folded = excluded.short_folded,
                 sort_key = excluded.sort_key, parent_id = excluded.parent_id,
                 valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                 lat = excluded.lat, lon = excluded.lon, updated_at = excluded.updated_at
             RETURNING id, ref_key",
            placeholders(chunk.len(), UNIT_COLS)
        );
        for r in fetch_all_dyn::<IdKey>(tx, &sql, args).await? {
            ids.insert(r.ref_key, r.id);
        }
    }
    Ok(ids)
}

struct LinkSpec {
    from: i64,
    to: i64,
    kind: &'static str,
    is_default: bool,
}

fn link_specs(
    ids: &HashMap<String, i64>,
    legacy: &[UnitLegacy],
    u2025: &[Unit2025],
    wards: &[WardLink],
    provinces: &[ProvinceLink],
) -> Result<Vec<LinkSpec>> {
    let id = |k: String| {
        ids.get(&k).copied().ok_or_else(|| {
            StoreError::Data(format!("bảng chuyển đổi nhắc tới đơn vị không có: {k}"))
        })
    };
    let mut out = Vec::with_capacity(wards.len() + provinces.len() + 5);
    let mut province_map = HashMap::new();
    for p in provinces {
        province_map.insert(p.legacy_province_code.clone(), p.province_code_2025.clone());
        out.push(LinkSpec {
            from: id(key("legacy", Level::Province, &p.legacy_province_code))?,
            to: id(key("2025", Level::Province, &p.province_code_2025))?,
            kind: "whole",
            is_default: true,
        });
    }
    for w in wards {
        if w.legacy_ward_code.trim().is_empty() {
            continue;
        }
        let kind = match w.kind.trim() {
            "whole" => "whole",
            "split" => "split",
            other => {
                return Err(StoreError::Data(format!(
                    "ward-conversion: kind lạ: {other}"
                )))
            }
        };
        out.push(LinkSpec {
            from: id(key("legacy", Level::Commune, &w.legacy_ward_code))?,
            to: id(key("2025", Level::Commune, &w.ward_code_2025))?,
            kind,
            is_default: w.is_default == 1,
        });
    }
    // Island districts had no wards; each became a special zone (đặc khu)
    // of the same name in its province's successor.
    for d in legacy.iter().filter(|d| d.ward_code.trim().is_empty()) {
        let Some(new_province) = province_map.get(&d.province_code) else {
            continue;
        };
        let Ok(kind) = kind_of("district_type", &d.district_name, &d.district_type) else {
            continue;
        };
        let name = fold(&short_name(&d.district_name, kind));
        let zone = u2025.iter().find(|u| {
            &u.province_code == new_province
                && kind_of("ward_type", &u.ward_name, &u.ward_type)
                    .is_ok_and(|k| fold(&short_name(&u.ward_name, k)) == name)
        });
        if let Some(z) = zone {
            out.push(LinkSpec {
                from: id(key("legacy", Level::District, &d.district_code))?,
                to: id(key("2025", Level::Commune, &z.ward_code))?,
                kind: "whole",
                is_default: true,
            });
        }
    }
    Ok(out)
}

async fn upsert_links(tx: &mut Tx, links: &[LinkSpec]) -> Result<()> {
    let chunk_len = chunk_rows(tx, 5);
    for chunk in links.chunks(chunk_len) {
        let mut args = Vec::with_capacity(chunk.len() * 5);
        for l in chunk {
            args.extend([
                Arg::I64(Some(l.from)),
                Arg::I64(Some(l.to)),
                Arg::Date(Some(REFORM_DAY)),
                Arg::Text(Some(l.kind.into())),
                Arg::Bool(l.is_default),
            ]);
        }
        let sql = format!(
            "INSERT INTO org_unit_successors (from_id, to_id, on_date, kind, is_default) VALUES {}
             ON CONFLICT (from_id, to_id) DO UPDATE SET on_date = excluded.on_date,
                 kind = excluded.kind, is_default = excluded.is_default",
            placeholders(chunk.len(), 5)
        );
        execute_dyn(tx, &sql, args).await?;
    }
    Ok(())
}

/// Replaces the search words of every reference unit (see
/// `org_units::index_words` for one unit).
async fn index_words(tx: &mut Tx, specs: &[Spec], ids: &HashMap<String, i64>) -> Result<()> {
    execute!(
        tx,
        "DELETE FROM org_unit_words WHERE unit_id IN (SELECT id FROM org_units WHERE ref_key IS NOT NULL)"
    )?;
    let mut rows: Vec<[Arg; 9]> = Vec::with_capacity(specs.len() * 3);
    for s in specs {
        let Some(id) = ids.get(&s.ref_key) else {
            continue;
        };
        let parent = s.parent.as_ref().and_then(|p| ids.get(p)).copied();
        let short = short_name(&s.name, s.kind);
        let short_folded = fold(&short);
        let key = sort_key(&short);
        for w in word_suffixes(&short_folded) {
            let is_start = w == short_folded;
            rows.push([
                Arg::Text(Some(w)),
                Arg::I64(Some(*id)),
                Arg::Bool(is_start),
                Arg::Text(Some(s.level.as_str().into())),
                Arg::Text(Some(s.kind.as_str().into())),
                Arg::I64(parent),
                Arg::Date(s.valid_from),
                Arg::Date(s.valid_to),
                Arg::Text(Some(key.clone())),
            ]);
        }
    }
    let chunk_len = chunk_rows(tx, 9);
    for chunk in rows.chunks(chunk_len) {
        let args = chunk.iter().flat_map(|r| r.iter().cloned()).collect();
        let sql = format!(
            "INSERT INTO org_unit_words (word, unit_id, is_start, level, kind, parent_id, valid_from, valid_to, sort_key)
             VALUES {}",
            placeholders(chunk.len(), 9)
        );
        execute_dyn(tx, &sql, args).await?;
    }
    Ok(())
}

/// Rebuilds both closures from `parent_id` and the successions. They are
/// derived data: this is always safe, and it is what every incremental
/// write keeps them equal to.
pub async fn rebuild_closures(tx: &mut Tx) -> Result<()> {
    // Units changed in bulk: the certification tallies build again.
    crate::certification::tallies::clear(tx).await?;
    execute!(tx, "DELETE FROM org_unit_tree")?;
    execute!(
        tx,
        "WITH RECURSIVE t (ancestor_id, unit_id, depth) AS (
             SELECT id, id, 0 FROM org_units
             UNION ALL
             SELECT t.ancestor_id, u.id, t.depth + 1 FROM t JOIN org_units u ON u.parent_id = t.unit_id
         )
         INSERT INTO org_unit_tree (ancestor_id, unit_id, depth) SELECT ancestor_id, unit_id, depth FROM t"
    )?;
    execute!(tx, "DELETE FROM org_unit_reach")?;
    // Edges: parent → child, and successor → predecessor (a 2025 commune
    // covers the legacy communes that went into it).
    execute!(
        tx,
        "WITH RECURSIVE e (a, b) AS (
             SELECT parent_id, id FROM org_units WHERE parent_id IS NOT NULL
             UNION SELECT to_id, from_id FROM org_unit_successors
         ), r (ancestor_id, unit_id) AS (
             SELECT id, id FROM org_units
             UNION SELECT r.ancestor_id, e.b FROM r JOIN e ON e.a = r.unit_id
         )
         INSERT INTO org_unit_reach (ancestor_id, unit_id) SELECT ancestor_id, unit_id FROM r"
    )?;
    Ok(())
}

/// What a load did.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    /// The same files were loaded before; nothing was read or written.
    pub unchanged: bool,
    pub units: usize,
    pub links: usize,
    pub millis: u128,
}

const DATA_NAME: &str = "vn-admin";

/// Loads `data` unless exactly these files were loaded before (`force`
/// loads anyway). One transaction: a failed load changes nothing.
pub async fn load(db: &Db, data: &ReferenceData, force: bool) -> Result<LoadReport> {
    let started = Instant::now();
    let digest = data.digest();
    let loaded: Option<String> = fetch!(
        db,
        fetch_optional,
        scalar String,
        "SELECT digest FROM reference_data WHERE name = $1",
        DATA_NAME
    )?;
    if !force && loaded.as_deref() == Some(digest.as_str()) {
        return Ok(LoadReport {
            unchanged: true,
            units: 0,
            links: 0,
            millis: started.elapsed().as_millis(),
        });
    }
    let u2025: Vec<Unit2025> = parse_csv("units-2025.csv", &data.units_2025)?;
    let legacy: Vec<UnitLegacy> = parse_csv("units-legacy.csv", &data.units_legacy)?;
    let wards: Vec<WardLink> = parse_csv("ward-conversion-2025.csv", &data.ward_conversion)?;
    let provinces: Vec<ProvinceLink> =
        parse_csv("province-conversion-2025.csv", &data.province_conversion)?;
    let specs = specs(&u2025, &legacy)?;

    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "reference data parsed"
    );
    let mut tx = db.begin().await?;
    let ids = upsert_units(&mut tx, &specs).await?;
    index_words(&mut tx, &specs, &ids).await?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "units written");
    let links = link_specs(&ids, &legacy, &u2025, &wards, &provinces)?;
    upsert_links(&mut tx, &links).await?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "successions written"
    );
    rebuild_closures(&mut tx).await?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "closures rebuilt"
    );
    let report = LoadReport {
        unchanged: false,
        units: specs.len(),
        links: links.len(),
        millis: 0,
    };
    let id = format!("{DATA_NAME}:{digest}");
    crate::reference_data::mark_loaded(&mut tx, DATA_NAME, &digest, "import", id, &report).await?;
    tx.commit().await?;
    // Fresh statistics, or the planners guess: PostgreSQL scanned every
    // unit for a search until autovacuum came by.
    db.optimize().await?;
    Ok(LoadReport {
        millis: started.elapsed().as_millis(),
        ..report
    })
}
