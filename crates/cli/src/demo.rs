//! Demo accounts and a little data in Ninh Bình, created once.

use chrono::NaiveDate;
use domain::accounts::{NewPassword, Role};
use domain::org_units::{Level, NewUnit, NewUnitInput};
use store::accounts::{self, NewUser, Scope};
use store::audit::Author;
use store::org_units as units;
use store::Db;

pub const PASSWORD: &str = "binhyen-demo-2025";

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    role: Role,
    /// (level, code) of the scope unit, valid today.
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
        username: "xa.namdinh",
        display_name: "Công an phường Nam Định",
        role: Role::CommuneOfficer,
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
pub async fn seed(db: &Db) -> Result<Vec<(String, String, String)>, String> {
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
            None if u.role == Role::CommuneOfficer => Some(ward.unit.clone()),
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
    Ok(logins)
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
