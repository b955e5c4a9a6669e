//! Catalogue ownership in the database (`domain::catalogue`): the current
//! provinces a user or a unit lies in, and the national entries each
//! province hid. Each catalogue's own module asks these when it lists its
//! entries or checks that an entry applies at a unit.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use domain::catalogue::{Catalogue, Owner};
use domain::org_units::OrgUnitId;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{Db, Tx};

/// Rows (unit, province) for the current provinces that cover a unit:
/// its own province, or for a legacy unit its successor's (both through
/// `org_unit_reach`, which holds the 2025 mapping). `{units}` is a
/// subquery or a list of unit ids.
fn provinces_sql(units: &str) -> String {
    format!(
        "SELECT r.unit_id, r.ancestor_id FROM org_unit_reach r
         JOIN org_units p ON p.id = r.ancestor_id
         WHERE p.level = 'province' AND p.valid_to IS NULL AND r.unit_id IN ({units})"
    )
}

/// The provinces a user works in (those their scope's units lie in);
/// `None` for an unscoped user, who works in the whole country.
pub async fn provinces_of_user(db: &Db, scope: Scope) -> Result<Option<Vec<OrgUnitId>>> {
    let Some(user) = scope.user_id() else {
        return Ok(None);
    };
    let sql = provinces_sql("SELECT org_unit_id FROM user_scopes WHERE user_id = $1");
    let rows: Vec<(i64, i64)> = fetch!(db, fetch_all, (i64, i64), &sql, user)?;
    let mut provinces: Vec<OrgUnitId> = rows.into_iter().map(|(_, p)| p).collect();
    provinces.sort_unstable();
    provinces.dedup();
    Ok(Some(provinces))
}

/// The provinces `unit` lies in (one, or two for a legacy unit split
/// across provinces).
pub async fn provinces_of_unit(db: &Db, unit: OrgUnitId) -> Result<Vec<OrgUnitId>> {
    let mut tx = db.begin_read().await?;
    let found = provinces_of_units(&mut tx, &[unit]).await;
    tx.rollback().await?;
    let mut provinces = found?.remove(&unit).unwrap_or_default();
    provinces.sort_unstable();
    Ok(provinces)
}

/// The provinces each of `units` lies in.
pub(crate) async fn provinces_of_units(
    tx: &mut Tx,
    units: &[OrgUnitId],
) -> Result<HashMap<OrgUnitId, Vec<OrgUnitId>>> {
    let mut out: HashMap<OrgUnitId, Vec<OrgUnitId>> = HashMap::new();
    for chunk in units.chunks(500) {
        // Parameters, not literals: a form's one unit is then one statement
        // the connection prepared before, not a new one to plan each save.
        let mut p = crate::Params::default();
        let list = p.list(chunk.iter().map(|u| crate::Arg::I64(Some(*u))));
        let rows: Vec<(i64, i64)> = crate::fetch_all_dyn(tx, &provinces_sql(&list), p.args).await?;
        for (unit, province) in rows {
            out.entry(unit).or_default().push(province);
        }
    }
    Ok(out)
}

/// The national entries of a catalogue that provinces hid: (province,
/// entry) pairs, all of them (a few per province at most).
#[derive(Debug, Default)]
pub struct Hidden(HashSet<(OrgUnitId, i64)>);

impl Hidden {
    pub async fn load(tx: &mut Tx, catalogue: Catalogue) -> Result<Self> {
        let rows: Vec<(i64, i64)> = fetch!(
            tx,
            fetch_all,
            (i64, i64),
            "SELECT province_id, entry_id FROM catalogue_hidden WHERE catalogue = $1",
            catalogue.as_str()
        )?;
        Ok(Hidden(rows.into_iter().collect()))
    }

    pub async fn load_db(db: &Db, catalogue: Catalogue) -> Result<Self> {
        let mut tx = db.begin_read().await?;
        let hidden = Self::load(&mut tx, catalogue).await;
        tx.rollback().await?;
        hidden
    }

    /// Whether `province` hid `entry`.
    pub fn by(&self, province: OrgUnitId, entry: i64) -> bool {
        self.0.contains(&(province, entry))
    }

    /// The entries `province` hid.
    pub fn ids_of(&self, province: OrgUnitId) -> impl Iterator<Item = i64> + '_ {
        self.0
            .iter()
            .filter(move |(p, _)| *p == province)
            .map(|(_, e)| *e)
    }

    /// Whether one of `provinces` hid `entry`.
    pub fn by_any(&self, provinces: &[OrgUnitId], entry: i64) -> bool {
        provinces.iter().any(|p| self.by(*p, entry))
    }

    /// Whether an entry applies at a place of `provinces`.
    pub fn applies(&self, owner: Owner, entry: i64, provinces: &[OrgUnitId]) -> bool {
        domain::catalogue::applies(owner, provinces, |p| self.by(p, entry))
    }
}

/// Whether an entry of `owner` applies at `unit`: the check every write
/// that picks an entry for a unit makes (a model's type, a form's
/// indicators).
pub(crate) async fn applies_at(
    tx: &mut Tx,
    catalogue: Catalogue,
    owner: Owner,
    entry: i64,
    unit: OrgUnitId,
) -> Result<bool> {
    let provinces = provinces_of_units(tx, &[unit])
        .await?
        .remove(&unit)
        .unwrap_or_default();
    if owner == Owner::National {
        let hidden = Hidden::load(tx, catalogue).await?;
        return Ok(hidden.applies(owner, entry, &provinces));
    }
    Ok(domain::catalogue::applies(owner, &provinces, |_| false))
}

/// What the audit log keeps of a hiding.
#[derive(Serialize)]
struct Hiding {
    province_id: OrgUnitId,
    hidden: bool,
}

/// Hides a national entry for `province`, or shows it again: audited as
/// `hide` or `show` of the entry. `owner` is the entry's, as the caller
/// read it with the entry (which must exist); a province's own entry is
/// retired, not hidden (409). `province` must be a current province (404).
pub async fn set_hidden(
    db: &Db,
    author: Author,
    catalogue: Catalogue,
    entry: i64,
    owner: Owner,
    province: OrgUnitId,
    hidden: bool,
) -> Result<()> {
    if owner != Owner::National {
        return Err(StoreError::Conflict(domain::Reason::OnlyNationalHidden));
    }
    let mut tx = db.begin().await?;
    let province_exists: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM org_units WHERE id = $1 AND level = 'province' AND valid_to IS NULL",
        province
    )?;
    if province_exists.is_none() {
        return Err(StoreError::NotFound);
    }
    let changed = if hidden {
        execute!(
            tx,
            "INSERT INTO catalogue_hidden (province_id, catalogue, entry_id, hidden_by, hidden_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            province,
            catalogue.as_str(),
            entry,
            author.user_id(),
            Utc::now()
        )?
    } else {
        execute!(
            tx,
            "DELETE FROM catalogue_hidden WHERE province_id = $1 AND catalogue = $2 AND entry_id = $3",
            province,
            catalogue.as_str(),
            entry
        )?
    };
    // Hiding what is hidden changes nothing and writes no record.
    if changed > 0 {
        audit::record(
            &mut tx,
            Change::<(), _> {
                author,
                action: if hidden { "hide" } else { "show" },
                entity: catalogue.as_str(),
                entity_id: entry.to_string(),
                before: None,
                after: Some(&Hiding {
                    province_id: province,
                    hidden,
                }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A current province, as owner choices and catalogue pages name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Province {
    pub id: OrgUnitId,
    pub name: String,
}

/// The current provinces in Vietnamese order of name: all of them, or
/// those of `only`.
pub async fn provinces(db: &Db, only: Option<&[OrgUnitId]>) -> Result<Vec<Province>> {
    let all: Vec<Province> = fetch!(
        db,
        fetch_all,
        Province,
        "SELECT id, name FROM org_units WHERE level = 'province' AND valid_to IS NULL
         ORDER BY sort_key, id"
    )?;
    Ok(match only {
        None => all,
        Some(ids) => all.into_iter().filter(|p| ids.contains(&p.id)).collect(),
    })
}

/// Fails unless `owner` is the national catalogue or a current province.
pub(crate) async fn require_owner(tx: &mut Tx, owner: Owner) -> Result<()> {
    let Owner::Province(id) = owner else {
        return Ok(());
    };
    let found: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM org_units WHERE id = $1 AND level = 'province' AND valid_to IS NULL",
        id
    )?;
    match found {
        Some(_) => Ok(()),
        None => Err(domain::DomainError::new("owner_id", domain::Reason::OwnerNotProvince).into()),
    }
}
