//! Demo accounts and a little data in Ninh Bình, created once.

use chrono::NaiveDate;
use domain::accounts::{NewPassword, Role};
use domain::catalogue::Owner;
use domain::models::{
    ActivityInput, ModelInput, ModelRefs, ModelType, ModelTypeInput, NewActivity, NewModel,
    NewModelType, NewRating, RatingInput, StatusChange, StatusInput,
};
use domain::org_units::{Level, NewUnit, NewUnitInput, OrgUnit};
use store::accounts::{self, NewUser, Scope};
use store::audit::Author;
use store::org_units as units;
use store::Db;

pub const PASSWORD: &str = "binhyen-demo-2025";

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    /// (level, code) of the scope unit, valid today (none: Phường Nam
    /// Định for a commune officer or a partner, unscoped otherwise).
    scope: Option<(Level, &'static str)>,
}

const NINH_BINH: (Level, &str) = (Level::Province, "37");

const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        display_name: "Quản trị hệ thống",
        role: Role::Admin,
        scope: None,
    },
    DemoUser {
        username: "tinh.ninhbinh",
        display_name: "Phòng Xây dựng phong trào (Ninh Bình)",
        role: Role::ProvinceStaff,
        scope: Some(NINH_BINH),
    },
    DemoUser {
        username: "lanhdao.ninhbinh",
        display_name: "Lãnh đạo Công an tỉnh Ninh Bình",
        role: Role::Viewer,
        scope: Some(NINH_BINH),
    },
    DemoUser {
        username: "doanthanhnien.nb",
        display_name: "Tỉnh Đoàn Ninh Bình",
        role: Role::Partner,
        scope: Some(NINH_BINH),
    },
    DemoUser {
        username: "phunu.nb",
        display_name: "Hội Liên hiệp Phụ nữ tỉnh Ninh Bình",
        role: Role::Partner,
        scope: Some(NINH_BINH),
    },
    DemoUser {
        username: "xa.namdinh",
        display_name: "Công an phường Nam Định",
        role: Role::CommuneOfficer,
        scope: None,
    },
    // The ward's Youth Union, attached to its organisation by
    // `demo_programs`; scoped to the ward.
    DemoUser {
        username: "doan.namdinh",
        display_name: "Đoàn TNCS HCM phường Nam Định",
        role: Role::Partner,
        scope: None,
    },
    DemoUser {
        username: "xa.badinh",
        display_name: "Công an phường Ba Đình (Hà Nội)",
        role: Role::CommuneOfficer,
        scope: Some((Level::Commune, "00004")),
    },
];

/// Finds today's unit named exactly `name` at `level`.
async fn by_name(db: &Db, level: Level, name: &str) -> Result<units::UnitView, String> {
    let (items, _) = units::list(
        db,
        Scope::All,
        &units::ListQuery {
            level: Some(level),
            q: Some(name.into()),
            as_of: Some(domain::time::today()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    items
        .into_iter()
        .find(|v| v.unit.name == name)
        .ok_or_else(|| format!("demo: không thấy {name}"))
}

/// Creates the demo users and data unless they exist; returns the logins.
pub async fn seed(
    db: &Db,
    id_key: &domain::forces::IdKey,
) -> Result<Vec<(String, String, String)>, String> {
    let today = domain::time::today();
    let ward = by_name(db, Level::Commune, "Phường Nam Định").await?;
    let hash = NewPassword::parse(PASSWORD)
        .and_then(|p| p.hash())
        .map_err(|e| e.to_string())?;
    let mut logins = Vec::new();
    for u in USERS {
        let scope_unit = match u.scope {
            Some((level, code)) => Some(
                units::resolve_code(db, level, code, today)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("demo: không thấy đơn vị {code}"))?,
            ),
            None if matches!(u.role, Role::CommuneOfficer | Role::Partner) => {
                Some(ward.unit.clone())
            }
            None => None,
        };
        let scope_name = scope_unit
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "toàn quốc".into());
        logins.push((
            u.username.to_string(),
            u.role.as_str().to_string(),
            scope_name,
        ));
        if accounts::find_by_username(db, u.username)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
        {
            continue;
        }
        accounts::create_user(
            db,
            Author::System,
            &NewUser {
                username: u.username.into(),
                display_name: u.display_name.into(),
                password_hash: hash.clone(),
                role: u.role,
                scopes: scope_unit.map(|s| vec![s.id]).unwrap_or_default(),
                must_change_password: false,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    seed_villages(db, &ward).await?;
    let n = seed_models(db).await?;
    if n > 0 {
        tracing::info!(models = n, "demo models created");
    }
    let n = seed_every_type(db, &ward).await?;
    if n > 0 {
        tracing::info!(models = n, "demo models of every shipped type created");
    }
    let n = seed_province_types(db, &ward).await?;
    if n > 0 {
        tracing::info!(types = n, "demo province types created");
    }
    let n = crate::demo_certification::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(cases = n, "demo certification cases created");
    }
    let n = crate::demo_forces::seed(db, id_key, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(teams = n, "demo security teams created");
    }
    let n = crate::demo_training::seed(db, id_key, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(classes = n, "demo training classes created");
    }
    let n = seed_statistics(db).await?;
    if n > 0 {
        tracing::info!(values = n, "demo figures created");
    }
    let n = seed_saved_charts(db).await?;
    if n > 0 {
        tracing::info!(charts = n, "demo saved charts created");
    }
    let n = crate::demo_documents::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(documents = n, "demo documents created");
    }
    let n = crate::demo_programs::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(records = n, "demo partners and programmes created");
    }
    let n = crate::demo_directives::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(records = n, "demo directives and reports created");
    }
    let n = crate::demo_events::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(records = n, "demo events, festivals and pledges created");
    }
    let n = crate::demo_commendations::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(commendations = n, "demo commendations created");
    }
    let n = crate::demo_reviews::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(reviews = n, "demo reviews created");
    }
    let n = crate::demo_tips::seed(db, &ward.unit, today).await?;
    if n > 0 {
        tracing::info!(tips = n, "demo tips created");
    }
    Ok(logins)
}

/// The province's saved charts, shared with its officers, so that the
/// "Biểu đồ đã lưu" page opens full: (name, indicators, span, level).
const SAVED_CHARTS: [(&str, &str, &str, Option<Level>); 3] = [
    (
        "Mô hình đang hoạt động, 12 tháng gần nhất",
        "so_mo_hinh",
        "months12",
        None,
    ),
    (
        "Tin báo của quần chúng theo xã, 5 năm",
        "tin_bao,tin_bao_co_gia_tri",
        "years5",
        Some(Level::Commune),
    ),
    (
        "Mô hình mới và điểm nhân rộng theo quý",
        "mo_hinh_moi,diem_nhan_rong",
        "quarters4",
        None,
    ),
];

/// [`SAVED_CHARTS`], saved by the province's staff account. Once: skipped
/// when it has any.
async fn seed_saved_charts(db: &Db) -> Result<usize, String> {
    use store::statistics::pivot::{self, PivotQuery, View};
    let err = |e: store::StoreError| e.to_string();
    let Some((staff, _)) = accounts::find_by_username(db, "tinh.ninhbinh")
        .await
        .map_err(err)?
    else {
        return Ok(0);
    };
    let scope = store::accounts::Scope::User(staff.id);
    if !pivot::saved(db, staff.id, scope)
        .await
        .map_err(err)?
        .is_empty()
    {
        return Ok(0);
    }
    let today = domain::time::today();
    let Some(province) = units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
    else {
        return Ok(0);
    };
    let mut n = 0;
    for (name, indicators, span, level) in SAVED_CHARTS {
        let q = PivotQuery {
            indicators: indicators.split(',').map(str::to_owned).collect(),
            org_unit: Some(province.id),
            level,
            periods: domain::statistics::period::span(span, today).unwrap_or_default(),
            view: View::AsNow,
            approved_only: true,
        };
        let mut qs = format!(
            "indicators={indicators}&org_unit={}&span={span}&view=as_now&approved_only=true",
            province.id
        );
        if let Some(l) = level {
            qs.push_str(&format!("&level={}", l.as_str()));
        }
        pivot::save(db, Author::User(staff.id), staff.id, name, &q, &qs, true)
            .await
            .map_err(err)?;
        n += 1;
    }
    Ok(n)
}

/// Ninh Bình's own model types beside the national catalogue
/// (illustrations, marked `ví dụ`): (code, name, short name, field, places).
const PROVINCE_TYPES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "nb_zalo_an_ninh",
        "Nhóm Zalo an ninh, trật tự khu dân cư",
        "Nhóm Zalo an ninh",
        "residential",
        "village;commune",
    ),
    (
        "nb_dong_ho_tu_quan",
        "Dòng họ tự quản về an ninh, trật tự",
        "Dòng họ tự quản",
        "residential",
        "village",
    ),
    (
        "nb_giao_ho_an_toan",
        "Giáo họ an toàn về an ninh, trật tự",
        "Giáo họ an toàn",
        "religious",
        "religious",
    ),
    (
        "nb_ben_thuyen_an_toan",
        "Bến thuyền du lịch an toàn về an ninh, trật tự",
        "Bến thuyền an toàn",
        PROVINCE_FIELD.0,
        PROVINCE_PLACE_KIND.0,
    ),
];

/// A field and a kind of place of Ninh Bình's own (a province adds them
/// without a release), and a site of that kind: (code, name).
const PROVINCE_FIELD: (&str, &str) = ("nb_du_lich", "Du lịch");
const PROVINCE_PLACE_KIND: (&str, &str) = ("nb_ben_thuyen", "Bến thuyền du lịch");
const PROVINCE_SITE: &str = "Bến thuyền du lịch sông Đào";

/// Ninh Bình's own field and kind of place, and a site of that kind under
/// the ward's first residential group; answers the site.
async fn seed_province_words(
    db: &Db,
    nb: domain::org_units::OrgUnitId,
    ward: &units::UnitView,
) -> Result<Option<OrgUnit>, String> {
    use domain::vocabulary::{EntryInput, NewEntry, Vocabulary};
    let err = |e: store::StoreError| e.to_string();
    let today = domain::time::today();
    for (v, (code, name)) in [
        (Vocabulary::Field, PROVINCE_FIELD),
        (Vocabulary::PlaceKind, PROVINCE_PLACE_KIND),
    ] {
        let have = store::vocabulary::list(db, v, None).await.map_err(err)?;
        if have.contains(code) {
            continue;
        }
        let input = EntryInput {
            code: Some(code.into()),
            name: Some(name.into()),
            owner_id: None,
        };
        let e = NewEntry::parse(v, &input).map_err(|e| e.to_string())?;
        store::vocabulary::create(db, Author::System, v, Owner::Province(nb), &e)
            .await
            .map_err(err)?;
    }
    let Some(village) = children(db, ward.unit.id, Level::Village, today)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let sites = children(db, village.id, Level::Site, today).await?;
    if let Some(site) = sites.into_iter().find(|u| u.name == PROVINCE_SITE) {
        return Ok(Some(site));
    }
    let input = NewUnitInput {
        level: Some("site".into()),
        kind: Some(PROVINCE_PLACE_KIND.0.into()),
        name: Some(PROVINCE_SITE.into()),
        parent_id: Some(village.id),
        valid_from: NaiveDate::from_ymd_opt(2025, 7, 1).map(|d| d.to_string()),
        ..Default::default()
    };
    let u = NewUnit::parse(&input, Some(&village)).map_err(|e| e.to_string())?;
    let site = units::create(db, Author::System, &u).await.map_err(err)?;
    Ok(Some(site.unit))
}

/// Ninh Bình's own types, once, and a model of the first at the ward, so
/// that the catalogue shows a province's entries beside the national ones.
async fn seed_province_types(db: &Db, ward: &units::UnitView) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let today = domain::time::today();
    let nb = units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let have: Vec<String> = store::models::types::list(db, true)
        .await
        .map_err(err)?
        .into_iter()
        .map(|t| t.code)
        .collect();
    let boat_site = seed_province_words(db, nb.id, ward).await?;
    let mut made = 0;
    for (code, name, short, field, places) in PROVINCE_TYPES {
        if have.iter().any(|c| c == code) {
            continue;
        }
        let input = ModelTypeInput {
            code: Some(code.into()),
            name: Some(name.into()),
            short_name: Some(short.into()),
            sector: Some(field.into()),
            targets: Some(places.split(';').map(str::to_string).collect()),
            ..Default::default()
        };
        let mut t = NewModelType::parse(&input, None, today).map_err(|e| e.to_string())?;
        t.source = Some("ví dụ".into());
        let owner = Owner::Province(nb.id);
        let t = store::models::types::create(db, Author::System, owner, &t)
            .await
            .map_err(err)?;
        made += 1;
        // A model at the ward, or at the site of the province's own kind.
        let place = if t.targets.contains(&domain::models::Target::Commune) {
            &ward.unit
        } else {
            match boat_site.as_ref().filter(|s| t.fits(s)) {
                Some(site) => site,
                None => continue,
            }
        };
        let input = ModelInput {
            type_id: Some(t.id),
            org_unit_id: Some(place.id),
            name: Some(format!("{} {}", t.short_name, place.short_name)),
            founded_on: Some("2025-09-01".into()),
            members: Some(12),
            leader_role: Some("Trưởng công an phường".into()),
            ..Default::default()
        };
        let refs = ModelRefs {
            model_type: Some(&t),
            unit: Some(place),
            exemplar: None,
            this: None,
        };
        let m = NewModel::parse(&input, &refs, today).map_err(|e| e.to_string())?;
        store::models::create(db, Author::System, Scope::All, &m)
            .await
            .map_err(err)?;
    }
    Ok(made)
}

/// Three residential groups and a school under Phường Nam Định.
async fn seed_villages(db: &Db, ward: &units::UnitView) -> Result<(), String> {
    let (existing, _) = units::list(
        db,
        Scope::All,
        &units::ListQuery {
            parent: Some(ward.unit.id),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    if !existing.is_empty() {
        return Ok(());
    }
    let start = NaiveDate::from_ymd_opt(2025, 7, 1).map(|d| d.to_string());
    let mut first = None;
    for name in [
        "Tổ dân phố Vị Xuyên 1",
        "Tổ dân phố Vị Xuyên 2",
        "Tổ dân phố Trần Hưng Đạo",
    ] {
        let input = NewUnitInput {
            level: Some("village".into()),
            kind: Some("to_dan_pho".into()),
            name: Some(name.into()),
            parent_id: Some(ward.unit.id),
            valid_from: start.clone(),
            ..Default::default()
        };
        let u = NewUnit::parse(&input, Some(&ward.unit)).map_err(|e| e.to_string())?;
        let v = units::create(db, Author::System, &u)
            .await
            .map_err(|e| e.to_string())?;
        first.get_or_insert(v.unit);
    }
    if let Some(village) = first {
        let input = NewUnitInput {
            level: Some("site".into()),
            kind: Some("school".into()),
            name: Some("Trường THCS Trần Đăng Ninh".into()),
            parent_id: Some(village.id),
            valid_from: start,
            lat: Some(20.4339),
            lon: Some(106.1771),
            address: Some("Đường Trần Đăng Ninh, phường Nam Định".into()),
        };
        let u = NewUnit::parse(&input, Some(&village)).map_err(|e| e.to_string())?;
        units::create(db, Author::System, &u)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Places of Phường Nam Định where the shipped types fit: a parish and a
/// pagoda, an agency, an enterprise, a market and an industrial cluster,
/// under its first residential group. Added once each (by name).
async fn seed_places(db: &Db, ward: &units::UnitView) -> Result<Vec<OrgUnit>, String> {
    let err = |e: store::StoreError| e.to_string();
    let today = domain::time::today();
    let villages = children(db, ward.unit.id, Level::Village, today).await?;
    let Some(village) = villages.first().cloned() else {
        return Ok(Vec::new());
    };
    let start = NaiveDate::from_ymd_opt(2025, 7, 1).map(|d| d.to_string());
    let mut places = vec![ward.unit.clone()];
    places.extend(villages);
    let sites = children(db, village.id, Level::Site, today).await?;
    for (kind, name) in [
        ("religious", "Giáo xứ Vị Xuyên"),
        ("religious", "Chùa Vị Xuyên"),
        ("agency", "Trụ sở UBND phường Nam Định"),
        ("enterprise", "Công ty Dệt may Nam Định"),
        ("market", "Chợ Rồng"),
        ("industrial_cluster", "Cụm công nghiệp An Xá"),
    ] {
        if let Some(site) = sites.iter().find(|u| u.name == name) {
            places.push(site.clone());
            continue;
        }
        let input = NewUnitInput {
            level: Some("site".into()),
            kind: Some(kind.into()),
            name: Some(name.into()),
            parent_id: Some(village.id),
            valid_from: start.clone(),
            ..Default::default()
        };
        let u = NewUnit::parse(&input, Some(&village)).map_err(|e| e.to_string())?;
        places.push(
            units::create(db, Author::System, &u)
                .await
                .map_err(err)?
                .unit,
        );
    }
    // The school of seed_villages, and anything else under the villages.
    let villages: Vec<i64> = places
        .iter()
        .filter(|p| p.level == Level::Village)
        .map(|p| p.id)
        .collect();
    for v in villages {
        for site in children(db, v, Level::Site, today).await? {
            if !places.iter().any(|p| p.id == site.id) {
                places.push(site);
            }
        }
    }
    Ok(places)
}

/// One model of every shipped type at Phường Nam Định, at the first of
/// its places the type fits (residential groups for Liên gia tự quản,
/// the school for An toàn trường học, the parish and the pagoda for
/// Giáo xứ … and Chùa tinh tiến …), so that every type shows in the demo.
async fn seed_every_type(db: &Db, ward: &units::UnitView) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let places = seed_places(db, ward).await?;
    let today = domain::time::today();
    let types: Vec<ModelType> = store::models::types::list(db, false).await.map_err(err)?;
    let mut made = 0;
    let mut dice = Dice(1945);
    // The national catalogue's: a province's own types (seeded after
    // this, on the first start) have their demo models already.
    let shipped = types
        .iter()
        .filter(|t| t.source.is_some() && t.owner == domain::catalogue::Owner::National);
    for (k, t) in shipped.enumerate() {
        // A place named like the type (the parish for Giáo xứ …, the
        // pagoda for Chùa …), else the narrowest place it fits.
        let first_word = |s: &str| {
            s.split_whitespace()
                .next()
                .unwrap_or_default()
                .to_lowercase()
        };
        let named = places
            .iter()
            .find(|p| t.fits(p) && first_word(&p.name) == first_word(&t.name));
        let Some(place) = named.or_else(|| places.iter().rev().find(|p| t.fits(p))) else {
            continue;
        };
        // Seeded already (some places lie outside the ward: ask the place).
        let q = store::models::ModelQuery {
            type_id: Some(t.id),
            org_unit: Some(place.id),
            ..Default::default()
        };
        if store::models::query::list(db, Scope::All, &q)
            .await
            .map_err(err)?
            .1
            > 0
        {
            continue;
        }
        let founded = domain::time::REFORM_DAY + chrono::Duration::days(20 + 9 * k as i64);
        let input = ModelInput {
            type_id: Some(t.id),
            org_unit_id: Some(place.id),
            name: Some(format!("{} {}", t.short_name, place.short_name)),
            founded_on: Some(founded.min(today).to_string()),
            members: Some(8 + dice.next(30) as i64),
            leader_role: Some("Tổ trưởng".into()),
            decision_issuer: Some(format!("UBND {}", ward.unit.name)),
            ..Default::default()
        };
        let refs = ModelRefs {
            model_type: Some(t),
            unit: Some(place),
            exemplar: None,
            this: None,
        };
        let m = NewModel::parse(&input, &refs, today).map_err(|e| e.to_string())?;
        store::models::create(db, Author::System, Scope::All, &m)
            .await
            .map_err(err)?;
        made += 1;
    }
    Ok(made)
}

/// A small deterministic generator: the demo is the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> Option<&'a T> {
        v.get(self.next(v.len() as u64) as usize)
    }
}

/// The units under `parent` of `level`, as they were on `on`.
pub(crate) async fn children(
    db: &Db,
    parent: i64,
    level: Level,
    on: NaiveDate,
) -> Result<Vec<OrgUnit>, String> {
    let q = units::ListQuery {
        level: Some(level),
        parent: Some(parent),
        as_of: Some(on),
        page: domain::page::Page {
            page: 1,
            per_page: domain::page::MAX_PER_PAGE,
        },
        ..Default::default()
    };
    Ok(units::list(db, Scope::All, &q)
        .await
        .map_err(|e| e.to_string())?
        .0
        .into_iter()
        .map(|v| v.unit)
        .collect())
}

/// A few hundred models across Ninh Bình: founded under the legacy
/// communes of Nam Định, Hà Nam and Ninh Bình before July 2025 and under
/// the 2025 communes after, with status changes, ratings, exemplars,
/// replicas and activities. Once: skipped when any model exists.
pub async fn seed_models(db: &Db) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let any = store::models::query::list(db, Scope::All, &Default::default())
        .await
        .map_err(err)?
        .1;
    if any > 0 {
        return Ok(0);
    }
    let today = domain::time::today();
    let before = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or(today);
    let mut legacy = Vec::new();
    // Who rated a legacy commune's models before the reform: its own
    // province's police (Nam Định, Hà Nam), not Ninh Bình's.
    let mut police_before: std::collections::HashMap<i64, String> = Default::default();
    for code in ["35", "36", "37"] {
        let Some(p) = units::resolve_code(db, Level::Province, code, before)
            .await
            .map_err(err)?
        else {
            continue;
        };
        for d in children(db, p.id, Level::District, before).await? {
            for c in children(db, d.id, Level::Commune, before).await? {
                police_before.insert(c.id, police_of(&p.name));
                legacy.push(c);
            }
        }
    }
    let nb = units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let current = children(db, nb.id, Level::Commune, today).await?;
    let types: Vec<ModelType> = store::models::types::list(db, false).await.map_err(err)?;
    let commune_types: Vec<&ModelType> = types
        .iter()
        .filter(|t| t.targets.contains(&domain::models::Target::Commune))
        .collect();
    let mut dice = Dice(2025);
    let mut made: Vec<(i64, NaiveDate, i64)> = Vec::new();
    for i in 0..320 {
        let is_legacy = i % 5 < 3;
        let (unit, start, end) = if is_legacy {
            (dice.pick(&legacy), 2016, domain::time::REFORM_DAY)
        } else {
            (dice.pick(&current), 2025, today)
        };
        let (Some(unit), Some(t)) = (unit, dice.pick(&commune_types)) else {
            continue;
        };
        let first = NaiveDate::from_ymd_opt(start, 1, 1)
            .unwrap_or(today)
            .max(unit.valid_from.unwrap_or(before));
        let span = (end - first).num_days().max(1) as u64;
        let founded = first + chrono::Duration::days(dice.next(span) as i64);
        let input = ModelInput {
            type_id: Some(t.id),
            org_unit_id: Some(unit.id),
            name: Some(format!("{} {}", t.short_name, unit.short_name)),
            founded_on: Some(founded.to_string()),
            members: Some(5 + dice.next(40) as i64),
            households: (dice.next(2) == 0).then(|| 20 + dice.next(200) as i64),
            leader_role: Some("Tổ trưởng".into()),
            tags: (dice.next(3) == 0).then(|| vec!["Xây dựng làng văn hoá".into()]),
            decision_issuer: Some(format!("UBND {}", unit.name)),
            ..Default::default()
        };
        let refs = ModelRefs {
            model_type: Some(t),
            unit: Some(unit),
            exemplar: None,
            this: None,
        };
        let Ok(m) = NewModel::parse(&input, &refs, today) else {
            continue;
        };
        let Ok(row) = store::models::create(db, Author::System, Scope::All, &m).await else {
            continue; // the same type twice in a commune: skip
        };
        made.push((row.id, founded, t.id));
        let raters = Raters {
            before_reform: police_before
                .get(&unit.id)
                .cloned()
                .unwrap_or_else(|| police_of(&nb.name)),
            after_reform: police_of(&nb.name),
        };
        history(db, &mut dice, row.id, founded, today, &raters).await?;
    }
    replicas(db, &mut dice, &made, &current, &types, today).await?;
    Ok(made.len())
}

/// "Công an tỉnh Nam Định" for "Tỉnh Nam Định".
fn police_of(province: &str) -> String {
    format!("Công an {}", province.replacen("Tỉnh", "tỉnh", 1))
}

/// Who signs a model's ratings: the police of the province the unit
/// belonged to in that year.
struct Raters {
    before_reform: String,
    after_reform: String,
}

/// Ratings, a pause or an end, and a few activities for one model.
async fn history(
    db: &Db,
    dice: &mut Dice,
    id: i64,
    founded: NaiveDate,
    today: NaiveDate,
    raters: &Raters,
) -> Result<(), String> {
    use chrono::Datelike;
    let err = |e: store::StoreError| e.to_string();
    for year in founded.year()..today.year() {
        if dice.next(3) == 0 {
            continue;
        }
        let rating = *dice
            .pick(&["good", "good", "fair", "fair", "average", "weak"])
            .unwrap_or(&"good");
        let input = RatingInput {
            year: Some(year),
            rating: Some(rating.into()),
            rated_on: Some(format!("{year}-12-15")),
            // Rated in December: after the reform from 2025 on.
            rater: Some(if year < 2025 {
                raters.before_reform.clone()
            } else {
                raters.after_reform.clone()
            }),
            note: None,
            exemplar: Some(rating == "good" && dice.next(8) == 0),
        };
        if let Ok(r) = NewRating::parse(&input, founded, today) {
            store::models::rate(db, Author::System, Scope::All, id, &r)
                .await
                .map_err(err)?;
        }
    }
    let roll = dice.next(20);
    if roll < 3 {
        let days = (today - founded).num_days();
        if days > 60 {
            let on = founded + chrono::Duration::days(30 + dice.next(days as u64 - 30) as i64);
            let status = if roll == 0 { "dissolved" } else { "paused" };
            let input = StatusInput {
                status: Some(status.into()),
                date: Some(on.to_string()),
                reason: Some(
                    if roll == 0 {
                        "Sáp nhập vào mô hình khác"
                    } else {
                        "Kiện toàn lại tổ"
                    }
                    .into(),
                ),
            };
            let last = domain::models::founding_status(founded);
            if let Ok(c) = StatusChange::parse(&input, &last, today) {
                store::models::change_status(db, Author::System, Scope::All, id, &c)
                    .await
                    .map_err(err)?;
            }
        }
    }
    for _ in 0..dice.next(3) {
        let days = (today - founded).num_days().max(0) as u64;
        let input = ActivityInput {
            date: Some((founded + chrono::Duration::days(dice.next(days + 1) as i64)).to_string()),
            kind: Some(
                (*dice
                    .pick(&["meeting", "patrol", "awareness", "result"])
                    .unwrap_or(&"meeting"))
                .into(),
            ),
            description: Some("Sinh hoạt định kỳ, tuần tra và tuyên truyền pháp luật".into()),
            participants: Some(5 + dice.next(30) as i64),
            quantity: None,
        };
        if let Ok(a) = NewActivity::parse(&input, founded, today) {
            store::models::add_activity(db, Author::System, id, &a)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}

/// Two replicas of each of the first exemplars, in 2025 communes.
async fn replicas(
    db: &Db,
    dice: &mut Dice,
    made: &[(i64, NaiveDate, i64)],
    current: &[OrgUnit],
    types: &[ModelType],
    today: NaiveDate,
) -> Result<(), String> {
    let mut done = 0;
    for (id, _, type_id) in made {
        if done >= 8 {
            break;
        }
        let Some(ex) = store::models::exemplar_ref(db, store::accounts::Scope::All, *id)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        if !ex.is_exemplar {
            continue;
        }
        let Some(t) = types.iter().find(|t| t.id == *type_id) else {
            continue;
        };
        done += 1;
        for n in 1..=2 {
            let Some(unit) = dice.pick(current) else {
                continue;
            };
            let founded =
                domain::time::REFORM_DAY + chrono::Duration::days(30 * n + dice.next(60) as i64);
            let input = ModelInput {
                type_id: Some(t.id),
                org_unit_id: Some(unit.id),
                name: Some(format!("{} {} (nhân rộng)", t.short_name, unit.short_name)),
                founded_on: Some(founded.min(today).to_string()),
                replicated_from: Some(*id),
                ..Default::default()
            };
            let refs = ModelRefs {
                model_type: Some(t),
                unit: Some(unit),
                exemplar: Some(&ex),
                this: None,
            };
            if let Ok(m) = NewModel::parse(&input, &refs, today) {
                let _ = store::models::create(db, Author::System, Scope::All, &m).await;
            }
        }
    }
    Ok(())
}

/// Monthly figures of Ninh Bình: a sample of legacy Nam Định, Hà Nam and
/// Ninh Bình communes from January to June 2025, every 2025 commune
/// from July 2025 to the last closed month. Older months are approved; the
/// last two are partly submitted, partly still open (so the completeness
/// view shows overdue communes). Once: skipped when any figure exists.
pub async fn seed_statistics(db: &Db) -> Result<usize, String> {
    use domain::statistics::{ApprovalAction, Period, PeriodType};
    use store::statistics::values::{self, FormKey, ValueWrite, Who};
    let err = |e: store::StoreError| e.to_string();
    if store::statistics::indicator_with_figures(db)
        .await
        .map_err(err)?
        .is_some()
    {
        return Ok(0);
    }
    let today = domain::time::today();
    let Some(set) = store::statistics::data_set_by_code(db, "bao_cao_thang")
        .await
        .map_err(err)?
    else {
        return Ok(0);
    };
    let before = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or(today);
    let mut legacy = Vec::new();
    for code in ["35", "36", "37"] {
        let Some(p) = units::resolve_code(db, Level::Province, code, before)
            .await
            .map_err(err)?
        else {
            continue;
        };
        for d in children(db, p.id, Level::District, before).await? {
            legacy.extend(
                children(db, d.id, Level::Commune, before)
                    .await?
                    .into_iter()
                    .step_by(8),
            );
        }
    }
    let nb = units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let current = children(db, nb.id, Level::Commune, today).await?;
    let Some(last) =
        Period::containing(today, PeriodType::Month, set.calendar).and_then(Period::previous)
    else {
        return Ok(0);
    };
    let who = Who {
        author: Author::System,
        role: Role::Admin,
        scope: Scope::All,
    };
    // The tips figures of the months before the province received tips
    // here were typed (the register computes them since): typed while the
    // indicators are made typed for a moment, as a province does when it
    // imports its history, and computed again after.
    let tips = domain::statistics::computed::Register::Tips;
    let mut tip_sources = store::statistics::set_register_sources(db, Author::System, None, tips)
        .await
        .map_err(err)?;
    // The last three months' tips come from the register.
    let register_from = last.previous().and_then(Period::previous).unwrap_or(last);
    let mut dice = Dice(2026);
    let mut written = 0;
    let months = |from: Period, to: Period| {
        let mut out = Vec::new();
        let mut p = Some(from);
        while let Some(m) = p.filter(|m| *m <= to) {
            out.push(m);
            p = m.next();
        }
        out
    };
    let first_legacy = Period::month(2025, 1).ok_or("demo: kỳ")?;
    let last_legacy = Period::month(2025, 6).ok_or("demo: kỳ")?;
    let first_current = Period::month(2025, 7).ok_or("demo: kỳ")?;
    let plan = [
        (legacy, months(first_legacy, last_legacy)),
        (current.clone(), months(first_current, last)),
    ];
    for (units, periods) in &plan {
        for (k, period) in periods.iter().enumerate() {
            let mut batch = Vec::new();
            for u in units {
                // Each commune keeps its own size, with some month-to-month noise.
                let size = 1 + u.id.unsigned_abs() % 4;
                let mut v = |base: u64| (base * size / 2).max(1) * (80 + dice.next(41)) / 100;
                let tips = v(12);
                let cameras = 10 * size + k as u64;
                // Every typed indicator of the monthly report; the models',
                // the security teams', the training classes', the
                // commendations' and the festival's figures come from their
                // registers at submission.
                let typed_tips = *period < register_from;
                let tips_figures = [
                    ("tin_bao", tips),
                    ("tin_bao_vneid", tips / 4),
                    ("tin_bao_co_gia_tri", tips / 2),
                    ("vu_an_tu_tin_bao", tips / 6),
                    ("doi_tuong_bat_tu_tin_bao", tips / 5),
                ];
                let figures = [
                    ("vu_hoa_giai", v(4)),
                    ("to_hoa_giai", 3 * size),
                    ("giao_duc_cong_dong", v(2)),
                    ("mien_quan_ly", v(1)),
                    ("ca_tuan_tra", v(40)),
                    ("buoi_tuyen_truyen", v(3)),
                    ("ho_ky_cam_ket", v(25)),
                    ("camera_lap_dat", cameras),
                    ("camera_ket_noi", cameras * 3 / 4),
                    ("vu_viec_tu_camera", v(2)),
                    ("vu_khi_giao_nop", v(1)),
                    ("kinh_phi_phong_trao", v(5) * 1_000_000),
                ];
                let tips_figures = tips_figures.iter().filter(|_| typed_tips);
                for &(code, value) in figures.iter().chain(tips_figures) {
                    batch.push(ValueWrite {
                        indicator: code.into(),
                        org_unit: u.id,
                        period: *period,
                        value: Some(value as f64),
                        comment: None,
                    });
                }
            }
            if batch.is_empty() {
                continue;
            }
            if *period >= register_from && !tip_sources.is_empty() {
                let back = std::mem::take(&mut tip_sources);
                store::statistics::set_register_sources(db, Author::System, Some(&back), tips)
                    .await
                    .map_err(err)?;
            }
            written += batch.len();
            values::write(db, who, &batch, today).await.map_err(err)?;
            // Older months approved; the last two partly submitted, partly
            // open; the one before them has a few still waiting.
            let age = periods.len() - k;
            for (n, u) in units.iter().enumerate() {
                let key = FormKey {
                    set: set.id,
                    unit: u.id,
                    period: *period,
                };
                let steps: &[ApprovalAction] = match (age, n % 3) {
                    (1, 0) | (2, 0 | 1) => &[ApprovalAction::Submit],
                    (1 | 2, _) => &[],
                    // A few of the month before still wait for the province.
                    (3, _) if n % 7 == 6 => &[ApprovalAction::Submit],
                    _ => &[ApprovalAction::Submit, ApprovalAction::Approve],
                };
                for step in steps {
                    // A figure flagged as unusual stays a draft: fine for a demo.
                    if values::act(db, who, key, *step, None, today).await.is_err() {
                        break;
                    }
                }
            }
        }
    }
    if !tip_sources.is_empty() {
        store::statistics::set_register_sources(db, Author::System, Some(&tip_sources), tips)
            .await
            .map_err(err)?;
    }
    written += seed_yearly_figures(db, &current, today).await?;
    Ok(written)
}

/// The half-year report (the second half of 2025, the first of 2026) and
/// the certification results of the 2026 assessment year for every 2025
/// commune of Ninh Bình, submitted and approved.
async fn seed_yearly_figures(
    db: &Db,
    communes: &[OrgUnit],
    today: NaiveDate,
) -> Result<usize, String> {
    use domain::statistics::{ApprovalAction, Period};
    use store::statistics::values::{self, FormKey, ValueWrite, Who};
    let err = |e: store::StoreError| e.to_string();
    let who = Who {
        author: Author::System,
        role: Role::Admin,
        scope: Scope::All,
    };
    let mut written = 0;
    let mut dice = Dice(2016);
    for (set_code, periods) in [
        ("bao_cao_6_thang", &["2025-H2", "2026-H1"][..]),
        ("danh_gia_an_toan_antt", &["2026"][..]),
    ] {
        let Some(set) = store::statistics::data_set_by_code(db, set_code)
            .await
            .map_err(err)?
        else {
            continue;
        };
        for p in periods {
            let Ok(period) = Period::parse("period", p) else {
                continue;
            };
            if period.last_day(set.calendar) >= today {
                continue;
            }
            let mut batch = Vec::new();
            for u in communes {
                let size = 1 + u.id.unsigned_abs() % 4;
                let figures: Vec<(String, u64)> = if set_code == "bao_cao_6_thang" {
                    vec![
                        ("tieu_chi_19_2".into(), u64::from(dice.next(5) > 0)),
                        ("ty_le_ho_cam_ket".into(), 80 + dice.next(20)),
                        ("dong_nguoi_tuan_tra".into(), 20 * size + dice.next(30)),
                    ]
                } else {
                    // The certification register counts the units; the
                    // households are typed.
                    let households = 400 * size + dice.next(100);
                    vec![
                        ("so_ho_gia_dinh".into(), households),
                        ("so_ho_dang_ky".into(), households - dice.next(20)),
                    ]
                };
                for (code, value) in figures {
                    batch.push(ValueWrite {
                        indicator: code,
                        org_unit: u.id,
                        period,
                        value: Some(value as f64),
                        comment: None,
                    });
                }
            }
            written += batch.len();
            if !batch.is_empty() {
                values::write(db, who, &batch, today).await.map_err(err)?;
            }
            for u in communes {
                let key = FormKey {
                    set: set.id,
                    unit: u.id,
                    period,
                };
                for step in [ApprovalAction::Submit, ApprovalAction::Approve] {
                    if values::act(db, who, key, step, None, today).await.is_err() {
                        break;
                    }
                }
            }
        }
    }
    Ok(written)
}
