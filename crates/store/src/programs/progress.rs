//! A programme's targets and their progress, computed from the data that
//! exists, never typed twice: models founded under the programme, units
//! certified in its area, classes held and trainee-times in its area and
//! period, approved figures of an indicator (the pivot's rollups, as the
//! area is now); entered by hand only where no source holds the figure.

use chrono::{NaiveDate, Utc};
use domain::programs::{is_late, percent, Measure, NewTarget, Source};
use domain::statistics::period::{Calendar, Period, PeriodType};
use domain::Reason;
use serde::Serialize;

use super::{invalid, read_tx, record, writable_tx, ProgramRow, Reader};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::statistics::pivot::{self, PivotQuery, View};
use crate::{Db, Tx};

/// A target with its progress today.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TargetRow {
    pub id: i64,
    pub program_id: i64,
    pub position: i32,
    pub name: String,
    #[schema(value_type = Source)]
    pub source: String,
    pub model_type_id: Option<i64>,
    #[schema(value_type = Option<domain::certification::Kind>)]
    pub certification_kind: Option<String>,
    /// The indicator's code, for `indicator`.
    pub indicator: Option<String>,
    pub target_value: f64,
    pub due_on: NaiveDate,
    #[serde(skip)]
    pub manual_value: Option<f64>,
    /// Reached so far.
    #[sqlx(skip)]
    pub value: f64,
    /// Reached as a share of the target, in percent (past 100 when exceeded).
    #[sqlx(skip)]
    pub percent: f64,
    /// Due and not reached.
    #[sqlx(skip)]
    pub late: bool,
}

const SELECT_TARGET: &str = "SELECT t.id, t.program_id, t.position, t.name, t.source,
        t.model_type_id, t.certification_kind, i.code AS indicator, t.target_value, t.due_on,
        t.manual_value
   FROM program_targets t LEFT JOIN indicators i ON i.id = t.indicator_id";

/// Adds a target; its source checked (the indicator exists, the type too)
/// and its due day within the programme.
pub async fn add(
    db: &Db,
    author: Author,
    reader: &Reader,
    program: i64,
    t: &NewTarget,
) -> Result<TargetRow> {
    let mut tx = db.begin().await?;
    let g = writable_tx(&mut tx, reader, program).await?;
    if t.due_on < g.starts_on || t.due_on > g.ends_on {
        return Err(invalid(
            "due_on",
            Reason::TargetDueOutside {
                from: g.starts_on,
                to: g.ends_on,
            },
        ));
    }
    let (mut model_type, mut kind, mut indicator) = (None, None, None);
    match &t.measure {
        Measure::Models { model_type_id } => {
            if let Some(ty) = model_type_id {
                let found: Option<i64> = fetch!(
                    tx,
                    fetch_optional,
                    scalar i64,
                    "SELECT id FROM model_types WHERE id = $1",
                    *ty
                )?;
                model_type = Some(
                    found
                        .ok_or_else(|| invalid("model_type_id", Reason::TargetModelTypeUnknown))?,
                );
            }
        }
        Measure::Certified { kind: k } => kind = k.map(|k| k.as_str().to_string()),
        Measure::Indicator { code } => {
            let found: Option<i64> = fetch!(
                tx,
                fetch_optional,
                scalar i64,
                "SELECT id FROM indicators WHERE code = $1",
                code
            )?;
            indicator = Some(found.ok_or_else(|| {
                invalid(
                    "indicator",
                    Reason::TargetIndicatorUnknown { code: code.clone() },
                )
            })?);
        }
        Measure::Classes | Measure::Trainees | Measure::Manual => {}
    }
    let position: i32 = fetch!(
        tx,
        fetch_one,
        scalar i32,
        "SELECT CAST(COALESCE(MAX(position), 0) + 1 AS INTEGER) FROM program_targets
          WHERE program_id = $1",
        program
    )?;
    if position > i32::try_from(domain::programs::MAX_TARGETS).unwrap_or(i32::MAX) {
        return Err(invalid(
            "targets",
            Reason::TooManyItems {
                max: domain::programs::MAX_TARGETS,
            },
        ));
    }
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO program_targets (program_id, position, name, source, model_type_id,
            certification_kind, indicator_id, target_value, due_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        program,
        position,
        &t.name,
        t.measure.source().as_str(),
        model_type,
        kind,
        indicator,
        t.target_value,
        t.due_on
    )?;
    let row = target_tx(&mut tx, &g, id).await?;
    record(
        &mut tx,
        author,
        "target",
        "program",
        program,
        None::<&()>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Enters the progress of a target that no source holds.
pub async fn set_manual(
    db: &Db,
    author: Author,
    reader: &Reader,
    program: i64,
    target: i64,
    value: f64,
) -> Result<TargetRow> {
    let mut tx = db.begin().await?;
    let g = writable_tx(&mut tx, reader, program).await?;
    let before = target_tx(&mut tx, &g, target).await?;
    let source = Source::parse("source", &before.source)?;
    if source != Source::Manual {
        return Err(invalid(
            "value",
            Reason::TargetNotManual {
                source: source.term(),
            },
        ));
    }
    if !value.is_finite() || value < 0.0 {
        return Err(invalid("value", Reason::TargetValueInvalid));
    }
    execute!(
        tx,
        "UPDATE program_targets SET manual_value = $2, manual_updated_at = $3 WHERE id = $1",
        target,
        value,
        Utc::now()
    )?;
    let row = target_tx(&mut tx, &g, target).await?;
    record(
        &mut tx,
        author,
        "progress",
        "program",
        program,
        Some(&before),
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

async fn target_tx(tx: &mut Tx, g: &ProgramRow, id: i64) -> Result<TargetRow> {
    let row: TargetRow = fetch!(
        tx,
        fetch_optional,
        TargetRow,
        &format!("{SELECT_TARGET} WHERE t.id = $1 AND t.program_id = $2"),
        id,
        g.id
    )?
    .ok_or(StoreError::NotFound)?;
    measured(tx, g, row).await
}

/// A visible programme's targets with their progress today.
pub async fn targets(db: &Db, reader: &Reader, program: i64) -> Result<Vec<TargetRow>> {
    let mut tx = db.begin_read().await?;
    let g = read_tx(&mut tx, reader, program).await?;
    let rows = targets_tx(&mut tx, &g).await?;
    tx.rollback().await?;
    Ok(rows)
}

pub(crate) async fn targets_tx(tx: &mut Tx, g: &ProgramRow) -> Result<Vec<TargetRow>> {
    let rows: Vec<TargetRow> = fetch!(
        tx,
        fetch_all,
        TargetRow,
        &format!("{SELECT_TARGET} WHERE t.program_id = $1 ORDER BY t.position"),
        g.id
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(measured(tx, g, r).await?);
    }
    Ok(out)
}

/// The units of the programme's area, as a condition on `col` (`$2`
/// binds the area's unit; a national programme has no bound).
fn in_area(col: &str, g: &ProgramRow) -> String {
    match g.org_unit_id {
        Some(_) => format!("{col} IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $2)"),
        None => "$2 IS NULL".into(),
    }
}

async fn measured(tx: &mut Tx, g: &ProgramRow, mut t: TargetRow) -> Result<TargetRow> {
    let today = domain::time::today();
    let until = g.ends_on.min(today);
    let source = Source::parse("source", &t.source)?;
    let value: f64 = match source {
        Source::Manual => t.manual_value.unwrap_or(0.0),
        Source::Models => {
            let n: i64 = fetch!(
                tx,
                fetch_one,
                scalar i64,
                "SELECT COUNT(*) FROM models WHERE program_id = $1
                   AND ($2 IS NULL OR type_id = $2)",
                g.id,
                t.model_type_id
            )?;
            n as f64
        }
        Source::Certified => {
            let (first, last) = (*super::years(g).start(), *super::years(g).end());
            let sql = format!(
                "SELECT COUNT(*) FROM certification_cases c
                  WHERE c.state = 'certified' AND c.year >= $3 AND c.year <= $4
                    AND ($1 IS NULL OR c.kind = $1) AND {}",
                in_area("c.org_unit_id", g)
            );
            let n: i64 = fetch!(
                tx,
                fetch_one,
                scalar i64,
                &sql,
                t.certification_kind.as_deref(),
                g.org_unit_id,
                first,
                last
            )?;
            n as f64
        }
        Source::Classes | Source::Trainees => {
            let counted = match source {
                Source::Classes => "SELECT COUNT(*) FROM training_classes c",
                _ => {
                    "SELECT COUNT(*) FROM enrolments e
                       JOIN training_classes c ON c.id = e.class_id AND e.attended > 0"
                }
            };
            let sql = format!(
                "{counted} WHERE c.ends_on >= $1 AND c.ends_on <= $3 AND {}",
                in_area("c.organiser_unit_id", g)
            );
            let n: i64 =
                fetch!(tx, fetch_one, scalar i64, &sql, g.starts_on, g.org_unit_id, until)?;
            n as f64
        }
        Source::Indicator => match &t.indicator {
            Some(code) => indicator_total(tx, g, code).await?,
            None => 0.0,
        },
    };
    t.value = value;
    t.percent = percent(value, t.target_value);
    t.late = is_late(value, t.target_value, t.due_on, today);
    Ok(t)
}

/// The approved figures of an indicator over the programme's area (as it
/// is now): the cells of its data set's periods that end within the
/// programme (a monthly figure of June is not a July programme's), added.
async fn indicator_total(tx: &mut Tx, g: &ProgramRow, code: &str) -> Result<f64> {
    #[derive(sqlx::FromRow)]
    struct Set {
        period_type: String,
        calendar: String,
    }
    let set: Option<Set> = fetch!(
        tx,
        fetch_optional,
        Set,
        "SELECT ds.period_type, ds.calendar FROM indicators i
           JOIN data_sets ds ON ds.id = i.data_set_id WHERE i.code = $1",
        code
    )?;
    // An indicator no data set collects is computed by year.
    let (kind, calendar) = match set {
        Some(s) => (
            PeriodType::parse("period_type", &s.period_type)?,
            Calendar::parse("calendar", &s.calendar)?,
        ),
        None => (PeriodType::Year, Calendar::Months),
    };
    let periods: Vec<Period> = super::years(g)
        .filter_map(Period::year_of)
        .flat_map(|y| y.parts(kind))
        .filter(|p| {
            let last = p.last_day(calendar);
            g.starts_on <= last && last <= g.ends_on
        })
        .collect();
    let mut total = 0.0;
    // The pivot answers at most MAX_PERIODS periods at once.
    for chunk in periods.chunks(pivot::MAX_PERIODS) {
        let q = PivotQuery {
            indicators: vec![code.to_string()],
            org_unit: g.org_unit_id,
            level: None,
            periods: chunk.to_vec(),
            view: View::AsNow,
            approved_only: true,
        };
        // The programme is visible to the reader already; its area's
        // figures are the programme's own.
        let pivot = pivot::query_in(tx, Scope::All, &q).await?;
        total += pivot.rows.iter().map(|r| r.value).sum::<f64>();
    }
    Ok(total)
}

/// A programme's page in figures: what the reviews to come will cite.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgramProgress {
    pub program: ProgramRow,
    pub targets: Vec<TargetRow>,
    /// Targets reached (at 100 % or more).
    pub reached: i64,
    /// Targets due and not reached.
    pub late: i64,
    /// Activities reported, by every party, and the people who took part.
    pub activities: i64,
    pub participants: i64,
    /// Lower programmes carrying this one out.
    pub children: i64,
    pub on: NaiveDate,
}

/// The progress of a visible programme.
pub async fn progress(db: &Db, reader: &Reader, program: i64) -> Result<ProgramProgress> {
    let mut tx = db.begin_read().await?;
    let g = read_tx(&mut tx, reader, program).await?;
    let targets = targets_tx(&mut tx, &g).await?;
    let (activities, participants): (i64, i64) = fetch!(
        tx,
        fetch_one,
        (i64, i64),
        "SELECT COUNT(*), CAST(COALESCE(SUM(participants), 0) AS BIGINT)
           FROM program_activities WHERE program_id = $1",
        program
    )?;
    let children: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "SELECT COUNT(*) FROM programs WHERE parent_id = $1",
        program
    )?;
    tx.rollback().await?;
    Ok(ProgramProgress {
        reached: targets.iter().filter(|t| t.percent >= 100.0).count() as i64,
        late: targets.iter().filter(|t| t.late).count() as i64,
        program: g,
        targets,
        activities,
        participants,
        children,
        on: domain::time::today(),
    })
}
