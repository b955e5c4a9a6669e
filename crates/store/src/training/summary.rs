//! Trainee-times (lượt người được tập huấn) and classes by area over a
//! span of days, in either view of the 2025 reform, and the two figures
//! the training register offers to statistics.
//!
//! A class counts in the span its last day falls in, at its organiser;
//! its trainee-times are its trainees present at one session at least,
//! its passes those with a certificate. Rows as in the forces summary
//! (`forces::summary::mapping`); the classes an area's own level ran (a
//! province's classes under a province's rows of communes) are their own
//! line, `by_area_itself`, so that the totals hold every class.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::training::Audience;
use serde::Serialize;

use crate::accounts::Scope;
use crate::error::Result;
use crate::forces::summary::{mapping, row_list};
use crate::org_units::areas::{areas_on, Area, View};
use crate::{fetch_all_dyn, Arg, Db, Params};

#[derive(Debug, Clone)]
pub struct TrainingQuery {
    pub org_unit: Option<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub view: View,
    pub audience: Option<Audience>,
    pub course: Option<i64>,
    pub today: NaiveDate,
}

/// One area's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TrainingCell {
    pub classes: i64,
    /// Trainees present at one session at least (lượt).
    pub trainees: i64,
    pub passed: i64,
}

impl TrainingCell {
    fn add(&mut self, o: &TrainingCell) {
        self.classes += o.classes;
        self.trainees += o.trainees;
        self.passed += o.passed;
    }

    fn minus(&self, o: &TrainingCell) -> TrainingCell {
        TrainingCell {
            classes: self.classes - o.classes,
            trainees: self.trainees - o.trainees,
            passed: self.passed - o.passed,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingRow {
    pub org_unit_id: i64,
    pub name: String,
    #[serde(flatten)]
    pub cell: TrainingCell,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrainingSummary {
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[schema(value_type = String)]
    pub view: View,
    pub rows: Vec<TrainingRow>,
    /// Classes run by the area's own unit (not by any row's).
    pub by_area_itself: TrainingCell,
    pub totals: TrainingCell,
}

#[derive(sqlx::FromRow)]
struct Group {
    row_id: Option<i64>,
    shared_unit: Option<i64>,
    #[sqlx(flatten)]
    cell: TrainingCell,
}

/// The classes of the span with their trainee-times and passes, as a
/// subquery on alias `c`.
fn classes_sql(q: &TrainingQuery, p: &mut Params) -> String {
    let from = p.push(Arg::Date(Some(q.from)));
    let to = p.push(Arg::Date(Some(q.to)));
    let mut cond = format!("k.ends_on >= {from} AND k.ends_on <= {to}");
    if let Some(a) = q.audience {
        let n = p.push(Arg::Text(Some(a.as_str().into())));
        cond.push_str(&format!(" AND k.audience = {n}"));
    }
    if let Some(course) = q.course {
        let n = p.push(Arg::I64(Some(course)));
        cond.push_str(&format!(" AND k.course_id = {n}"));
    }
    format!(
        "(SELECT k.id, k.organiser_unit_id, k.province_id,
                 (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.attended > 0) AS trainees,
                 (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.passed) AS passed
            FROM training_classes k WHERE {cond}) c"
    )
}

const SUMS: &str = "COUNT(*) AS classes, CAST(COALESCE(SUM(c.trainees), 0) AS BIGINT) AS trainees,
        CAST(COALESCE(SUM(c.passed), 0) AS BIGINT) AS passed";

/// The summary of `q.org_unit`'s parts (the caller checked it is in the
/// scope).
pub async fn summary(db: &Db, scope: Scope, q: &TrainingQuery) -> Result<TrainingSummary> {
    let date = match q.view {
        View::Now => q.today,
        View::Was => q.to,
    };
    let (me, rows, rows_date) = areas_on(db, scope, q.org_unit, date, q.view).await?;
    let national = q.org_unit.is_none() && scope.user_id().is_none();
    let mut tx = db.begin_read().await?;
    let groups: Vec<Group> = {
        let mut p = Params::default();
        let classes = classes_sql(q, &mut p);
        let (join, row, shared) = if national && q.view == View::Now {
            (
                String::new(),
                "c.province_id".to_string(),
                "NULL".to_string(),
            )
        } else {
            let r = row_list(&rows, &mut p);
            let m = mapping(q.view, national, "c.organiser_unit_id", &r);
            (m.join(), m.row, m.shared)
        };
        // By position: PostgreSQL takes no constant (a NULL `shared`) in GROUP BY.
        let sql = format!(
            "SELECT {row} AS row_id, {shared} AS shared_unit, {SUMS}
               FROM {classes} {join} GROUP BY 1, 2"
        );
        fetch_all_dyn(&mut tx, &sql, p.args).await?
    };
    // Every class of the area, its own level's too.
    let whole: TrainingCell = match &me {
        None if national => groups.iter().fold(TrainingCell::default(), |mut t, g| {
            t.add(&g.cell);
            t
        }),
        None => {
            let mut p = Params::default();
            let classes = classes_sql(q, &mut p);
            let r = row_list(&rows, &mut p);
            let sql = format!(
                "SELECT {SUMS} FROM {classes}
                  WHERE c.organiser_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id IN ({r}))"
            );
            let mut found: Vec<TrainingCell> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
            found.pop().unwrap_or_default()
        }
        Some(area) => {
            let mut p = Params::default();
            let classes = classes_sql(q, &mut p);
            let a = p.push(Arg::I64(Some(area.id)));
            let table = match q.view {
                View::Now => "org_unit_reach",
                View::Was => "org_unit_tree",
            };
            let sql = format!(
                "SELECT {SUMS} FROM {classes}
                  WHERE c.organiser_unit_id IN (SELECT unit_id FROM {table} WHERE ancestor_id = {a})"
            );
            let mut found: Vec<TrainingCell> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
            found.pop().unwrap_or_default()
        }
    };
    let row_of: HashMap<i64, usize> = rows.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut cells = vec![TrainingCell::default(); rows.len()];
    for g in &groups {
        let i = match g.shared_unit {
            Some(u) => crate::models::query::default_row(&mut tx, u, rows_date, &row_of).await?,
            None => g.row_id.and_then(|r| row_of.get(&r).copied()),
        };
        if let Some(cell) = i.and_then(|i| cells.get_mut(i)) {
            cell.add(&g.cell);
        }
    }
    tx.rollback().await?;
    let mut in_rows = TrainingCell::default();
    cells.iter().for_each(|c| in_rows.add(c));
    Ok(TrainingSummary {
        org_unit_id: me.as_ref().map(|m| m.id),
        org_unit_name: me.map(|m| m.name),
        from: q.from,
        to: q.to,
        view: q.view,
        rows: rows
            .into_iter()
            .zip(cells)
            .map(|(a, cell): (Area, TrainingCell)| TrainingRow {
                org_unit_id: a.id,
                name: a.name,
                cell,
            })
            .collect(),
        by_area_itself: whole.minus(&in_rows),
        totals: whole,
    })
}

/// The figures the training register offers to statistics
/// (`domain::statistics::computed`) for one entering unit over the days
/// `first..=last`: classes whose last day falls in them, and their
/// trainee-times, counted at the organiser's *home* (the unit of the
/// entering unit's level at or above it, mapped across the reform on the
/// class's last day, as the models register counts a founding).
pub(crate) async fn figures(
    tx: &mut crate::Tx,
    unit: &domain::org_units::OrgUnit,
    (first, last): (NaiveDate, NaiveDate),
    wanted: &[domain::statistics::computed::Computed],
) -> Result<HashMap<domain::statistics::computed::Computed, f64>> {
    use domain::statistics::computed::Computed;
    let (from, to) = (
        unit.valid_from.map_or(first, |f| f.max(first)),
        unit.valid_to.map_or(last, |t| t.min(last)),
    );
    if from > to {
        return Ok(HashMap::new());
    }
    #[derive(sqlx::FromRow)]
    struct Counted {
        home: i64,
        ends_on: NaiveDate,
        trainees: i64,
    }
    let rows: Vec<Counted> = fetch!(
        tx,
        fetch_all,
        Counted,
        "SELECT a.id AS home, k.ends_on,
                (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.attended > 0) AS trainees
           FROM org_unit_reach h
           JOIN org_units a ON a.id = h.unit_id AND a.level = $4
           JOIN org_unit_tree t ON t.ancestor_id = a.id
           JOIN training_classes k ON k.organiser_unit_id = t.unit_id
          WHERE h.ancestor_id = $1 AND k.ends_on >= $2 AND k.ends_on <= $3",
        unit.id,
        from,
        to,
        unit.level.as_str()
    )?;
    let mut homes = crate::org_units::Homes::default();
    let (mut classes, mut trainees) = (0.0, 0.0);
    for r in &rows {
        if homes.on(tx, r.home, r.ends_on).await? == Some(unit.id) {
            classes += 1.0;
            trainees += r.trainees as f64;
        }
    }
    Ok(wanted
        .iter()
        .filter_map(|c| match c {
            Computed::TrainingClasses => Some((*c, classes)),
            Computed::TrainingTrainees => Some((*c, trainees)),
            _ => None,
        })
        .collect())
}
