//! The teams and members of an area's parts on a day, in either view of
//! the 2025 reform: teams, members by role, villages, villages without a
//! team, teams with too few or too many members against their province's
//! rule. One grouped query for the teams and one for the villages.
//!
//! Rows: as it is now, a team counts under the row whose subtree, mapped
//! across the reform, reaches its village; a unit that two rows reach (a
//! legacy commune split in 2025) goes to the row of its default successor.
//! As it was, under the row above it in the hierarchy of the day. The
//! whole country as it is now counts by the team's province directly.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::forces::{Force, SizeRule, SizeStatus};
use serde::Serialize;

use crate::accounts::Scope;
use crate::error::Result;
use crate::org_units::areas::{areas_on, Area, View};
use crate::{fetch_all_dyn, Arg, Db, Params};

#[derive(Debug, Clone)]
pub struct ForcesQuery {
    pub org_unit: Option<i64>,
    pub as_of: NaiveDate,
    pub view: View,
    pub force: Force,
    pub today: NaiveDate,
}

/// One area's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ForcesCell {
    pub teams: i64,
    pub members: i64,
    pub leaders: i64,
    pub deputies: i64,
    /// Villages and residential groups existing on the day.
    pub villages: i64,
    pub villages_without_team: i64,
    pub teams_too_few: i64,
    pub teams_too_many: i64,
    /// Teams of a province with no size rule in force.
    pub teams_no_rule: i64,
}

impl ForcesCell {
    fn add(&mut self, o: &ForcesCell) {
        self.teams += o.teams;
        self.members += o.members;
        self.leaders += o.leaders;
        self.deputies += o.deputies;
        self.villages += o.villages;
        self.villages_without_team += o.villages_without_team;
        self.teams_too_few += o.teams_too_few;
        self.teams_too_many += o.teams_too_many;
        self.teams_no_rule += o.teams_no_rule;
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ForcesRow {
    pub org_unit_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub cell: ForcesCell,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ForcesSummary {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub as_of: NaiveDate,
    #[schema(value_type = String)]
    pub view: View,
    #[schema(value_type = Force)]
    pub force: Force,
    /// The day the rows' hierarchy was read on.
    pub rows_date: NaiveDate,
    pub rows: Vec<ForcesRow>,
    pub totals: ForcesCell,
}

/// How a unit column finds its row: the mapping's rows (`from`, aliased
/// `a`) and how they meet the column (`on`), the row's id and, for a unit
/// two rows reach, the unit itself (resolved afterwards).
pub(crate) struct Mapping {
    pub from: String,
    pub on: String,
    pub row: String,
    pub shared: String,
}

impl Mapping {
    /// As a join after the table of the column.
    pub fn join(&self) -> String {
        format!("JOIN {} ON {}", self.from, self.on)
    }

    /// As the first table of a query, `CROSS JOIN` the column's `table`,
    /// with `on` for the WHERE clause. SQLite then always reads the rows'
    /// units first and seeks the column's table by its index: left to
    /// choose, a connection holding statistics from before a large load
    /// read every village of the country and probed the mapping for each
    /// (2 s as it was, 77 s as it is now for one province of 82,000
    /// villages). PostgreSQL plans a CROSS JOIN as any join.
    pub fn before(&self, table: &str) -> String {
        format!("{} CROSS JOIN {table}", self.from)
    }
}

pub(crate) fn mapping(view: View, national: bool, col: &str, rows: &str) -> Mapping {
    match view {
        View::Was => Mapping {
            from: "org_unit_tree a".into(),
            on: format!("a.unit_id = {col} AND a.ancestor_id IN ({rows})"),
            row: "a.ancestor_id".into(),
            shared: "NULL".into(),
        },
        // Provinces: a legacy commune's successors all lie in one 2025
        // province, so no unit reaches two.
        View::Now if national => Mapping {
            from: "org_unit_reach a".into(),
            on: format!("a.unit_id = {col} AND a.ancestor_id IN ({rows})"),
            row: "a.ancestor_id".into(),
            shared: "NULL".into(),
        },
        View::Now => Mapping {
            from: format!(
                "(SELECT unit_id, MIN(ancestor_id) AS row_id, COUNT(*) AS n FROM org_unit_reach
                   WHERE ancestor_id IN ({rows}) GROUP BY unit_id) a"
            ),
            on: format!("a.unit_id = {col}"),
            row: "a.row_id".into(),
            shared: format!("CASE WHEN a.n > 1 THEN {col} ELSE NULL END"),
        },
    }
}

#[derive(sqlx::FromRow)]
struct TeamGroup {
    row_id: i64,
    shared_unit: Option<i64>,
    province_id: i64,
    members: i64,
    small: i32,
    teams: i64,
    leaders: i64,
    deputies: i64,
}

#[derive(sqlx::FromRow)]
struct VillageGroup {
    row_id: i64,
    shared_unit: Option<i64>,
    villages: i64,
    without_team: i64,
}

/// The summary of `q.org_unit`'s parts (the caller checked it is in the
/// scope; the rows then lie in it, and so does all they reach).
pub async fn summary(db: &Db, scope: Scope, q: &ForcesQuery) -> Result<ForcesSummary> {
    let date = match q.view {
        View::Now => q.today,
        View::Was => q.as_of,
    };
    let (me, rows, rows_date) = areas_on(db, scope, q.org_unit, date, q.view).await?;
    let national = q.org_unit.is_none() && scope.user_id().is_none();
    let mut tx = db.begin_read().await?;
    let teams: Vec<TeamGroup> = {
        let mut p = Params::default();
        let sql = teams_sql(q, national, &rows, &mut p);
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    };
    let villages: Vec<VillageGroup> = if q.force == Force::Law30 {
        let mut p = Params::default();
        let sql = villages_sql(q, national, &rows, &mut p);
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    } else {
        Vec::new()
    };
    let mut provinces: Vec<i64> = teams.iter().map(|t| t.province_id).collect();
    provinces.sort_unstable();
    provinces.dedup();
    let rules = super::rules::in_force(&mut tx, &provinces, q.as_of).await?;
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut shared: HashMap<i64, Option<usize>> = HashMap::new();
    for u in teams
        .iter()
        .filter_map(|t| t.shared_unit)
        .chain(villages.iter().filter_map(|v| v.shared_unit))
    {
        if let std::collections::hash_map::Entry::Vacant(e) = shared.entry(u) {
            e.insert(crate::models::query::default_row(&mut tx, u, rows_date, &row_of).await?);
        }
    }
    tx.rollback().await?;
    let home = |row_id: i64, unit: Option<i64>| -> Option<usize> {
        match unit {
            Some(u) => shared.get(&u).copied().flatten(),
            None => row_of.get(&row_id).copied(),
        }
    };
    let mut cells = vec![ForcesCell::default(); rows.len()];
    for t in &teams {
        let Some(cell) = home(t.row_id, t.shared_unit).and_then(|i| cells.get_mut(i)) else {
            continue;
        };
        cell.teams += t.teams;
        cell.members += t.members * t.teams;
        cell.leaders += t.leaders;
        cell.deputies += t.deputies;
        if q.force == Force::Law30 {
            match SizeRule::status_of(rules.get(&t.province_id), t.members, t.small != 0) {
                SizeStatus::TooFew => cell.teams_too_few += t.teams,
                SizeStatus::TooMany => cell.teams_too_many += t.teams,
                SizeStatus::NoRule => cell.teams_no_rule += t.teams,
                SizeStatus::Ok => {}
            }
        }
    }
    for v in &villages {
        if let Some(cell) = home(v.row_id, v.shared_unit).and_then(|i| cells.get_mut(i)) {
            cell.villages += v.villages;
            cell.villages_without_team += v.without_team;
        }
    }
    let mut totals = ForcesCell::default();
    cells.iter().for_each(|c| totals.add(c));
    Ok(ForcesSummary {
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        as_of: q.as_of,
        view: q.view,
        force: q.force,
        rows_date,
        rows: rows
            .into_iter()
            .zip(cells)
            .map(|(a, cell): (Area, ForcesCell)| ForcesRow {
                org_unit_id: a.id,
                name: a.name,
                cell,
            })
            .collect(),
        totals,
    })
}

pub(crate) fn row_list(rows: &[Area], p: &mut Params) -> String {
    if rows.is_empty() {
        return "NULL".into();
    }
    p.list(rows.iter().map(|a| Arg::I64(Some(a.id))))
}

/// Teams open on the day, grouped by row, province, members serving and
/// whether the village is small by its province's rule.
fn teams_sql(q: &ForcesQuery, national: bool, rows: &[Area], p: &mut Params) -> String {
    let d = p.push(Arg::Date(Some(q.as_of)));
    let y = p.push(Arg::I64(Some(i64::from(q.as_of.year()))));
    let f = p.push(Arg::Text(Some(q.force.as_str().into())));
    let whole_country = national && q.view == View::Now;
    let (from, on, row, shared) = if whole_country {
        (
            "security_teams t".to_string(),
            "1 = 1".to_string(),
            "t.province_id".to_string(),
            "NULL".to_string(),
        )
    } else {
        let r = row_list(rows, p);
        let m = mapping(q.view, national, "t.org_unit_id", &r);
        (m.before("security_teams t"), m.on, m.row, m.shared)
    };
    // The whole country's teams join every serving member grouped by team
    // (one pass); an area's teams seek their own members by index
    // (team_members_team) rather than group the country's.
    let serving = format!("m.start_on <= {d} AND (m.end_on IS NULL OR m.end_on >= {d})");
    let (counts, members) = if whole_country {
        (
            "COALESCE(c.members, 0) AS members, COALESCE(c.leaders, 0) AS leaders,
             COALESCE(c.deputies, 0) AS deputies"
                .to_string(),
            format!(
                "LEFT JOIN (SELECT m.team_id, COUNT(*) AS members,
                                   SUM(CASE WHEN m.role = 'to_truong' THEN 1 ELSE 0 END) AS leaders,
                                   SUM(CASE WHEN m.role = 'to_pho' THEN 1 ELSE 0 END) AS deputies
                              FROM team_members m WHERE {serving}
                             GROUP BY m.team_id) c ON c.team_id = t.id"
            ),
        )
    } else {
        let count = |role: &str| {
            format!(
                "(SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id AND {serving}{role})"
            )
        };
        (
            format!(
                "{} AS members, {} AS leaders, {} AS deputies",
                count(""),
                count(" AND m.role = 'to_truong'"),
                count(" AND m.role = 'to_pho'")
            ),
            String::new(),
        )
    };
    format!(
        "SELECT row_id, shared_unit, province_id, members, small, COUNT(*) AS teams,
                CAST(SUM(leaders) AS BIGINT) AS leaders, CAST(SUM(deputies) AS BIGINT) AS deputies
           FROM (SELECT {row} AS row_id, {shared} AS shared_unit, t.province_id,
                        {counts},
                        CASE WHEN h.households IS NOT NULL AND r.small_households IS NOT NULL
                              AND h.households < r.small_households THEN 1 ELSE 0 END AS small
                   FROM {from} {members}
                   LEFT JOIN unit_households h ON h.org_unit_id = t.org_unit_id AND h.year = {y}
                   LEFT JOIN team_size_rules r ON r.province_id = t.province_id
                         AND r.from_date = (SELECT MAX(r2.from_date) FROM team_size_rules r2
                                             WHERE r2.province_id = t.province_id AND r2.from_date <= {d})
                  WHERE {on} AND t.force = {f} AND t.established_on <= {d}
                    AND (t.ended_on IS NULL OR t.ended_on >= {d})) x
          GROUP BY row_id, shared_unit, province_id, members, small"
    )
}

/// Villages existing on the day, and those without an open team of Law 30
/// (the open teams' villages read once, not probed village by village:
/// PostgreSQL hashes an uncorrelated IN, SQLite indexes it).
fn villages_sql(q: &ForcesQuery, national: bool, rows: &[Area], p: &mut Params) -> String {
    let d = p.push(Arg::Date(Some(q.as_of)));
    let r = row_list(rows, p);
    let m = mapping(q.view, national, "u.id", &r);
    format!(
        "SELECT row_id, shared_unit, COUNT(*) AS villages, CAST(SUM(without_team) AS BIGINT) AS without_team
           FROM (SELECT {row} AS row_id, {shared} AS shared_unit,
                        CASE WHEN u.id IN (SELECT t.org_unit_id FROM security_teams t
                                            WHERE t.force = 'to_bao_ve_antt' AND t.established_on <= {d}
                                              AND (t.ended_on IS NULL OR t.ended_on >= {d}))
                             THEN 0 ELSE 1 END AS without_team
                   FROM {from}
                  WHERE {on} AND u.level = 'village' AND (u.valid_from IS NULL OR u.valid_from <= {d})
                    AND (u.valid_to IS NULL OR u.valid_to >= {d})) x
          GROUP BY row_id, shared_unit",
        row = m.row,
        shared = m.shared,
        from = m.before("org_units u"),
        on = m.on
    )
}

/// The figures the forces register offers to statistics
/// (`domain::statistics::computed`) for one entering unit on the period's
/// last day: teams active that day, of every force (so the rosters before
/// July 2024 report for their years), and their members that day. A team
/// counts at its *home*, the unit of the entering unit's level above its
/// village, mapped across the 2025 reform the way the models register
/// maps its models; nothing is given for a unit that does not exist on
/// the last day.
pub(crate) async fn figures(
    tx: &mut crate::Tx,
    unit: &domain::org_units::OrgUnit,
    last: NaiveDate,
    wanted: &[domain::statistics::computed::Computed],
) -> Result<HashMap<domain::statistics::computed::Computed, f64>> {
    use domain::statistics::computed::Computed;
    if !unit.validity().contains(last) {
        return Ok(HashMap::new());
    }
    #[derive(sqlx::FromRow)]
    struct Counted {
        home: i64,
        members: i64,
    }
    let rows: Vec<Counted> = fetch!(
        tx,
        fetch_all,
        Counted,
        "SELECT a.id AS home,
                (SELECT COUNT(*) FROM team_members m
                  WHERE m.team_id = s.id AND m.start_on <= $2
                    AND (m.end_on IS NULL OR m.end_on >= $2)) AS members
           FROM org_unit_reach h
           JOIN org_units a ON a.id = h.unit_id AND a.level = $3
           JOIN org_unit_tree t ON t.ancestor_id = a.id
           JOIN security_teams s ON s.org_unit_id = t.unit_id
          WHERE h.ancestor_id = $1 AND s.established_on <= $2
            AND (s.ended_on IS NULL OR s.ended_on >= $2)",
        unit.id,
        last,
        unit.level.as_str()
    )?;
    let mut homes = crate::org_units::Homes::default();
    let (mut teams, mut members) = (0.0, 0.0);
    for r in &rows {
        if homes.on(tx, r.home, last).await? == Some(unit.id) {
            teams += 1.0;
            members += r.members as f64;
        }
    }
    Ok(wanted
        .iter()
        .filter_map(|c| match c {
            Computed::ForcesTeams => Some((*c, teams)),
            Computed::ForcesMembers => Some((*c, members)),
            _ => None,
        })
        .collect())
}
