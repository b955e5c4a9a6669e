//! The areas a dashboard shows as rows, in either view of the 2025
//! reform: a unit's parts (the provinces, or the scope's units, when none
//! is chosen) as the hierarchy stood on a day. Certification and forces
//! read them; each counts its own records under them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::accounts::Scope;
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params};

/// Which hierarchy the areas come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum View {
    /// Today's units, legacy units mapped to their successors.
    #[default]
    #[serde(rename = "as_now")]
    Now,
    /// The units as they were in the year.
    #[serde(rename = "as_was")]
    Was,
}

impl View {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "as_now" => Some(View::Now),
            "as_was" => Some(View::Was),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Now => "as_now",
            View::Was => "as_was",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct Area {
    pub id: i64,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

const VALID_ON: &str =
    "(u.valid_from IS NULL OR u.valid_from <= $1) AND (u.valid_to IS NULL OR u.valid_to >= $1)";

/// The rows of a dashboard of `org_unit`'s parts (the provinces, or the
/// scope's units, when none) as the hierarchy stood on `date`, and the day
/// it was read on: as it was, a unit that did not exist yet stands for
/// its predecessors' parts; a unit no longer existing, for its parts on
/// its last day.
pub(crate) async fn areas_on(
    db: &Db,
    scope: Scope,
    org_unit: Option<i64>,
    date: NaiveDate,
    view: View,
) -> Result<(Option<Area>, Vec<Area>, NaiveDate)> {
    let Some(id) = org_unit else {
        let rows: Vec<Area> = match scope.user_id() {
            None => fetch!(
                db,
                fetch_all,
                Area,
                &format!("SELECT u.id, u.name, u.lat, u.lon FROM org_units u
                          WHERE u.level = 'province' AND {VALID_ON} ORDER BY u.sort_key"),
                date
            )?,
            Some(user) => fetch!(
                db,
                fetch_all,
                Area,
                "SELECT u.id, u.name, u.lat, u.lon FROM user_scopes s JOIN org_units u ON u.id = s.org_unit_id
                 WHERE s.user_id = $1 ORDER BY u.sort_key",
                user
            )?,
        };
        return Ok((None, rows, date));
    };
    let unit = crate::org_units::get(db, scope, id)
        .await?
        .ok_or(StoreError::NotFound)?
        .unit;
    let me = Area {
        id: unit.id,
        name: unit.name.clone(),
        lat: unit.lat,
        lon: unit.lon,
    };
    // As it was, before the unit existed: its predecessors' parts. After
    // it ended (or with none before it): its own parts on its last (first)
    // day. An empty list would be `IN ()`, which PostgreSQL refuses.
    let not_yet = unit.valid_from.is_some_and(|f| date < f);
    let predecessors: Vec<i64> = if not_yet && view == View::Was {
        crate::org_units::predecessors(db, id)
            .await?
            .into_iter()
            .map(|l| l.id)
            .collect()
    } else {
        Vec::new()
    };
    let parents = if predecessors.is_empty() {
        vec![id]
    } else {
        predecessors
    };
    let date = if parents == [id] {
        match (unit.valid_from, unit.valid_to) {
            (Some(f), _) if date < f => f,
            (_, Some(t)) if date > t => t,
            _ => date,
        }
    } else {
        date
    };
    let mut p = Params::default();
    let d = p.push(Arg::Date(Some(date)));
    let ps = p.list(parents.iter().map(|x| Arg::I64(Some(*x))));
    let sql = format!(
        "SELECT u.id, u.name, u.lat, u.lon FROM org_units u WHERE u.parent_id IN ({ps})
           AND {} ORDER BY u.sort_key, u.id",
        VALID_ON.replace("$1", &d)
    );
    let mut tx = db.begin_read().await?;
    let mut rows: Vec<Area> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    if rows.is_empty() {
        rows.push(me.clone());
    }
    Ok((Some(me), rows, date))
}
