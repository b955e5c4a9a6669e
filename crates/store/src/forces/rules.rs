//! What the teams' rules are judged on, kept as data: each province's
//! team-size rules by the day they take effect, each village's households
//! by year, and the units marked border, mountain or minority (where
//! primary schooling suffices).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use domain::forces::{
    AreaMark, AreaMarksInput, Force, Households, HouseholdsInput, NewSizeRule, SizeRule,
};
use domain::org_units::Level;
use domain::Reason;
use serde::Serialize;

use super::{invalid, record, TeamRow};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// A province's rule as the API lists it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SizeRuleRow {
    pub id: i64,
    pub province_id: i64,
    pub province_name: String,
    pub from_date: NaiveDate,
    pub min_members: i32,
    pub max_members: i32,
    pub small_households: Option<i32>,
    pub small_max_members: Option<i32>,
    pub decision_ref: String,
}

impl SizeRuleRow {
    pub fn rule(&self) -> SizeRule {
        SizeRule {
            min_members: self.min_members,
            max_members: self.max_members,
            small_households: self.small_households,
            small_max_members: self.small_max_members,
        }
    }
}

const SELECT_RULES: &str = "SELECT r.id, r.province_id, u.name AS province_name, r.from_date,
        r.min_members, r.max_members, r.small_households, r.small_max_members, r.decision_ref
   FROM team_size_rules r JOIN org_units u ON u.id = r.province_id";

/// Every rule (of one province, if given), latest first within a province.
pub async fn size_rules(db: &Db, province: Option<i64>) -> Result<Vec<SizeRuleRow>> {
    Ok(fetch!(
        db,
        fetch_all,
        SizeRuleRow,
        &format!(
            "{SELECT_RULES} WHERE ($1 IS NULL OR r.province_id = $1)
             ORDER BY u.sort_key, r.from_date DESC"
        ),
        province
    )?)
}

/// The rules in force on `day` in these provinces.
pub(crate) async fn in_force(
    tx: &mut Tx,
    provinces: &[i64],
    day: NaiveDate,
) -> Result<HashMap<i64, SizeRule>> {
    if provinces.is_empty() {
        return Ok(HashMap::new());
    }
    let mut p = Params::default();
    let d = p.push(Arg::Date(Some(day)));
    let ids = p.list(provinces.iter().map(|i| Arg::I64(Some(*i))));
    let sql = format!(
        "{SELECT_RULES} WHERE r.province_id IN ({ids})
            AND r.from_date = (SELECT MAX(r2.from_date) FROM team_size_rules r2
                                WHERE r2.province_id = r.province_id AND r2.from_date <= {d})"
    );
    let rows: Vec<SizeRuleRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.province_id, r.rule()))
        .collect())
}

/// Sets each Law 30 team's size against its province's rule on `day`
/// (the older forces had no such rule: none).
pub(crate) async fn fill_sizes(tx: &mut Tx, rows: &mut [TeamRow], day: NaiveDate) -> Result<()> {
    let mut provinces: Vec<i64> = rows.iter().map(|r| r.province_id).collect();
    provinces.sort_unstable();
    provinces.dedup();
    let rules = in_force(tx, &provinces, day).await?;
    for r in rows.iter_mut() {
        r.size = (r.force == Force::Law30.as_str())
            .then(|| SizeRule::status(rules.get(&r.province_id), r.members, r.households));
    }
    Ok(())
}

/// Adds a province's rule from a day on (a rule is never changed: a new
/// decision adds a new rule).
pub async fn add_size_rule(
    db: &Db,
    author: Author,
    scope: Scope,
    r: &NewSizeRule,
) -> Result<SizeRuleRow> {
    let mut tx = db.begin().await?;
    let unit = crate::scope::unit(&mut tx, scope, r.province_id).await?;
    if unit.level != Level::Province || unit.valid_to.is_some() {
        return Err(invalid("province_id", Reason::ProvinceExpected));
    }
    let taken: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM team_size_rules WHERE province_id = $1 AND from_date = $2",
        r.province_id,
        r.from_date
    )?;
    if taken.is_some() {
        return Err(StoreError::Conflict(Reason::SizeRuleExists {
            from: r.from_date,
        }));
    }
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO team_size_rules (province_id, from_date, min_members, max_members,
            small_households, small_max_members, decision_ref, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        r.province_id,
        r.from_date,
        r.rule.min_members,
        r.rule.max_members,
        r.rule.small_households,
        r.rule.small_max_members,
        &r.decision_ref,
        Utc::now()
    )?;
    let row: SizeRuleRow = fetch!(
        tx,
        fetch_one,
        SizeRuleRow,
        &format!("{SELECT_RULES} WHERE r.id = $1"),
        id
    )?;
    record(
        &mut tx,
        author,
        "create",
        "team_size_rule",
        id,
        None::<&()>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Whether the unit or a unit above it is marked border, mountain or
/// minority.
pub(crate) async fn relaxed_schooling(tx: &mut Tx, unit: i64) -> Result<bool> {
    let hit: Option<i32> = fetch!(
        tx,
        fetch_optional,
        scalar i32,
        "SELECT 1 FROM unit_area_marks
          WHERE org_unit_id = $1
             OR org_unit_id IN (SELECT ancestor_id FROM org_unit_tree WHERE unit_id = $1)
          LIMIT 1",
        unit
    )?;
    Ok(hit.is_some())
}

/// Replaces a commune's or a village's marks.
pub async fn set_area_marks(
    db: &Db,
    author: Author,
    scope: Scope,
    unit: i64,
    input: &AreaMarksInput,
) -> Result<Vec<AreaMark>> {
    let mut tx = db.begin().await?;
    let u = crate::scope::unit(&mut tx, scope, unit).await?;
    let marks = input.parse()?;
    if !matches!(u.level, Level::Commune | Level::Village) {
        return Err(invalid("org_unit_id", Reason::AreaMarkUnitInvalid));
    }
    let before: Vec<String> = fetch!(
        tx,
        fetch_all,
        scalar String,
        "SELECT mark FROM unit_area_marks WHERE org_unit_id = $1 ORDER BY mark",
        unit
    )?;
    execute!(
        tx,
        "DELETE FROM unit_area_marks WHERE org_unit_id = $1",
        unit
    )?;
    for m in &marks {
        execute!(
            tx,
            "INSERT INTO unit_area_marks (org_unit_id, mark) VALUES ($1, $2)",
            unit,
            m.as_str()
        )?;
    }
    record(
        &mut tx,
        author,
        "set_area_marks",
        "org_unit",
        unit,
        Some(&before),
        &marks,
    )
    .await?;
    tx.commit().await?;
    Ok(marks)
}

/// A unit's own area marks and its households in `year` (if entered),
/// for its page. The unit's page has checked the scope.
pub async fn unit_marks_and_households(
    db: &Db,
    unit: i64,
    year: i32,
) -> Result<(Vec<String>, Option<i32>)> {
    let mut tx = db.begin_read().await?;
    let marks: Vec<String> = fetch!(
        tx,
        fetch_all,
        scalar String,
        "SELECT mark FROM unit_area_marks WHERE org_unit_id = $1 ORDER BY mark",
        unit
    )?;
    let households: Option<i32> = fetch!(
        tx,
        fetch_optional,
        scalar i32,
        "SELECT households FROM unit_households WHERE org_unit_id = $1 AND year = $2",
        unit,
        year
    )?;
    tx.rollback().await?;
    Ok((marks, households))
}

/// A village's households in a year, as saved.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitHouseholds {
    pub org_unit_id: i64,
    pub year: i32,
    pub households: i32,
}

/// Enters (or corrects) a village's households for a year.
pub async fn set_households(
    db: &Db,
    author: Author,
    scope: Scope,
    unit: i64,
    input: &HouseholdsInput,
) -> Result<UnitHouseholds> {
    let mut tx = db.begin().await?;
    let u = crate::scope::unit(&mut tx, scope, unit).await?;
    let parsed = Households::parse(input)?;
    let h = UnitHouseholds {
        org_unit_id: unit,
        year: parsed.year,
        households: parsed.households,
    };
    if u.level != Level::Village {
        return Err(invalid("org_unit_id", Reason::HouseholdsUnitInvalid));
    }
    let before: Option<i32> = fetch!(
        tx,
        fetch_optional,
        scalar i32,
        "SELECT households FROM unit_households WHERE org_unit_id = $1 AND year = $2",
        h.org_unit_id,
        h.year
    )?;
    execute!(
        tx,
        "INSERT INTO unit_households (org_unit_id, year, households) VALUES ($1, $2, $3)
         ON CONFLICT (org_unit_id, year) DO UPDATE SET households = excluded.households",
        h.org_unit_id,
        h.year,
        h.households
    )?;
    record(
        &mut tx,
        author,
        "set_households",
        "org_unit",
        h.org_unit_id,
        before
            .map(|b| serde_json::json!({"year": h.year, "households": b}))
            .as_ref(),
        &h,
    )
    .await?;
    tx.commit().await?;
    Ok(h)
}
