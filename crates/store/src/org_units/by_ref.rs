//! Units named by the rows of a file: by internal id, or by level and code
//! (codes are reused after 2025, so a code names the unit that carried it
//! on the row's day). Loaded in batches, limited to the scope: a unit
//! outside it reads "not found", as everywhere else.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use domain::file::UnitRef;
use domain::org_units::OrgUnit;

use super::{select_where, UnitView};
use crate::accounts::Scope;
use crate::error::Result;
use crate::scope::unit_in_scope;
use crate::{Arg, Db, Params};

pub struct UnitsByRef {
    by_id: HashMap<i64, OrgUnit>,
    /// (level, code) → every unit that carried the code, any date.
    by_code: HashMap<(String, String), Vec<OrgUnit>>,
}

impl UnitsByRef {
    /// Every unit loaded: those named by id, and every unit that carried
    /// a code named, at any date.
    pub fn ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .by_id
            .keys()
            .copied()
            .chain(self.by_code.values().flatten().map(|u| u.id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    pub async fn load<'a>(
        db: &Db,
        scope: Scope,
        refs: impl IntoIterator<Item = &'a UnitRef>,
    ) -> Result<Self> {
        let mut ids: HashSet<i64> = HashSet::new();
        let mut codes: HashSet<(String, String)> = HashSet::new();
        for r in refs {
            match r {
                UnitRef::Id(id) => {
                    ids.insert(*id);
                }
                UnitRef::Code { level, code } => {
                    codes.insert((level.as_str().to_string(), code.clone()));
                }
            }
        }
        let mut by_id = HashMap::new();
        let ids: Vec<i64> = ids.into_iter().collect();
        for chunk in ids.chunks(500) {
            for v in
                units_where(db, scope, "u.id", chunk.iter().map(|i| Arg::I64(Some(*i)))).await?
            {
                by_id.insert(v.unit.id, v.unit);
            }
        }
        let mut by_code: HashMap<(String, String), Vec<OrgUnit>> = HashMap::new();
        let codes: Vec<(String, String)> = codes.into_iter().collect();
        for chunk in codes.chunks(500) {
            let wanted: HashSet<&(String, String)> = chunk.iter().collect();
            let args = chunk.iter().map(|(_, c)| Arg::Text(Some(c.clone())));
            for v in units_where(db, scope, "u.code", args).await? {
                let key = (
                    v.unit.level.as_str().to_string(),
                    v.unit.code.clone().unwrap_or_default(),
                );
                if wanted.contains(&key) {
                    by_code.entry(key).or_default().push(v.unit);
                }
            }
        }
        Ok(Self { by_id, by_code })
    }

    fn carrying(&self, level: &str, code: &str) -> impl Iterator<Item = &OrgUnit> {
        self.by_code
            .get(&(level.to_string(), code.to_string()))
            .into_iter()
            .flatten()
    }

    /// The unit a reference names on a day.
    pub fn find(&self, r: &UnitRef, on: NaiveDate) -> Option<&OrgUnit> {
        match r {
            UnitRef::Id(id) => self.by_id.get(id),
            UnitRef::Code { level, code } => self
                .carrying(level.as_str(), code)
                .find(|u| u.validity().contains(on)),
        }
    }

    /// The unit a reference names during the days `first..=last`: the one
    /// that carried the code on the last day, else one that carried it on
    /// some day of them.
    pub fn find_during(&self, r: &UnitRef, first: NaiveDate, last: NaiveDate) -> Option<&OrgUnit> {
        if let Some(u) = self.find(r, last) {
            return Some(u);
        }
        let UnitRef::Code { level, code } = r else {
            return None;
        };
        self.carrying(level.as_str(), code).find(|u| {
            u.valid_from.is_none_or(|f| f <= last) && u.valid_to.is_none_or(|t| t >= first)
        })
    }
}

async fn units_where(
    db: &Db,
    scope: Scope,
    col: &str,
    values: impl Iterator<Item = Arg>,
) -> Result<Vec<UnitView>> {
    let mut p = Params::default();
    let list: Vec<String> = values.map(|a| p.push(a)).collect();
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = vec![format!("{col} IN ({})", list.join(", "))];
    if let Some(user) = scope.user_id() {
        let n = p.push(Arg::I64(Some(user)));
        c.push(unit_in_scope("u.id", &n));
    }
    select_where(db, &c.join(" AND "), p.args).await
}
