//! The statistics' figures: each indicator of the chosen data sets (none
//! chosen: every active indicator the unit's province reports) by year,
//! and, for data sets chosen, by sub-unit over the whole period, read from
//! the same rollups as the pivots (approved figures only).

use domain::org_units::Level;
use domain::reviews::{FigureRow, FigureTable, Part};
use domain::statistics::period::Period as StatPeriod;
use domain::statistics::{Aggregation, Indicator};

use super::{plain, Ask};
use crate::accounts::Scope;
use crate::error::Result;
use crate::statistics::pivot::{query, PivotQuery, View};
use crate::Db;

/// Indicators a review tabulates at most.
const MAX_INDICATORS: usize = 60;
/// Indicators per table of sub-units (a table of the A4 page's width).
const PER_TABLE: usize = 6;

/// The statistics periods that cover the review's: each year whole, or
/// its half when the review covers exactly that half.
fn periods(ask: &Ask) -> Vec<(String, StatPeriod)> {
    let mut out = Vec::new();
    for (y, first, last) in ask.period.years() {
        let whole = first.format("%m-%d").to_string() == "01-01"
            && last.format("%m-%d").to_string() == "12-31";
        let half = match (
            first.format("%m").to_string().as_str(),
            last.format("%m").to_string().as_str(),
        ) {
            _ if whole => None,
            ("01", "06") => Some(1),
            ("07", "12") => Some(2),
            _ => None,
        };
        let p = match half {
            Some(h) => StatPeriod::new(domain::statistics::period::PeriodType::Half, y, h),
            None => StatPeriod::year_of(y),
        };
        if let Some(p) = p {
            let label = match half {
                Some(h) => format!("{y} (6 tháng {})", if h == 1 { "đầu" } else { "cuối" }),
                None => y.to_string(),
            };
            out.push((label, p));
        }
    }
    out
}

async fn chosen(db: &Db, ask: &Ask) -> Result<Vec<Indicator>> {
    // A province's own indicators and the national ones; the national
    // ones alone for a national review.
    let province = match ask.unit {
        Some(unit) => {
            let mut tx = db.begin_read().await?;
            let p = crate::forces::province_of(&mut tx, unit).await?;
            tx.rollback().await?;
            p
        }
        None => None,
    };
    let provinces: Vec<i64> = province.into_iter().collect();
    let all = crate::statistics::indicators(db, Some(&provinces)).await?;
    Ok(all
        .into_iter()
        .filter(|i| i.active)
        .filter(|i| match i.data_set_id {
            Some(d) => ask.focus.data_set_ids.is_empty() || ask.focus.data_set_ids.contains(&d),
            None => false,
        })
        .take(MAX_INDICATORS)
        .collect())
}

/// One value for the whole period from its years', as the indicator adds up.
fn over_period(a: Aggregation, values: &[f64]) -> Option<f64> {
    let last = values.last().copied()?;
    Some(match a {
        Aggregation::Sum => values.iter().fold(0.0, |a, b| a + b),
        Aggregation::Average => values.iter().sum::<f64>() / values.len() as f64,
        Aggregation::Last => last,
        Aggregation::Max => values.iter().copied().fold(f64::MIN, f64::max),
    })
}

pub(super) async fn statistics(db: &Db, ask: &Ask) -> Result<Part> {
    if ask.brief {
        return Ok(Part::default());
    }
    let indicators = chosen(db, ask).await?;
    if indicators.is_empty() {
        return Ok(Part::default());
    }
    let periods = periods(ask);
    let view = match ask.view {
        domain::reviews::View::Was => View::AsWas,
        domain::reviews::View::Now => View::AsNow,
    };
    let codes: Vec<String> = indicators.iter().map(|i| i.code.clone()).collect();
    let own = query(
        db,
        Scope::All,
        &PivotQuery {
            indicators: codes.clone(),
            org_unit: ask.unit,
            level: None,
            periods: periods.iter().map(|(_, p)| *p).collect(),
            view,
            approved_only: true,
        },
    )
    .await?;
    let value = |rows: &[crate::statistics::pivot::PivotRow],
                 code: &str,
                 unit: Option<i64>,
                 p: StatPeriod| {
        rows.iter()
            .find(|r| {
                r.indicator == code && r.period == p && (unit.is_none() || r.org_unit_id == unit)
            })
            .map(|r| r.value)
    };
    let mut columns = vec!["Chỉ tiêu".to_owned()];
    columns.extend(periods.iter().map(|(l, _)| l.clone()));
    let rows: Vec<FigureRow> = indicators
        .iter()
        .map(|i| FigureRow {
            label: i.name.clone(),
            org_unit_id: None,
            values: periods
                .iter()
                .map(|(_, p)| value(&own.rows, &i.code, None, *p))
                .collect(),
        })
        .collect();
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut tables = vec![plain(
        "Chỉ tiêu thống kê qua các năm (số liệu đã duyệt)",
        &column_refs,
        rows,
        None,
    )];
    if !ask.focus.data_set_ids.is_empty() {
        tables.extend(by_sub_unit(db, ask, &indicators, &periods, view).await?);
    }
    Ok(Part {
        tables,
        ..Default::default()
    })
}

/// The level the unit's parts stand at: communes under a province (as it
/// is now, or from July 2025), districts under a province before it.
async fn parts_level(db: &Db, ask: &Ask) -> Result<Option<Level>> {
    let Some(id) = ask.unit else {
        return Ok(Some(Level::Province));
    };
    let unit = crate::org_units::get(db, Scope::All, id).await?;
    let Some(unit) = unit.map(|u| u.unit) else {
        return Ok(None);
    };
    let reform = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(ask.today);
    Ok(match unit.level {
        Level::Province if ask.view == domain::reviews::View::Was && ask.end() < reform => {
            Some(Level::District)
        }
        Level::Province | Level::District => Some(Level::Commune),
        _ => None,
    })
}

async fn by_sub_unit(
    db: &Db,
    ask: &Ask,
    indicators: &[Indicator],
    periods: &[(String, StatPeriod)],
    view: View,
) -> Result<Vec<FigureTable>> {
    let Some(level) = parts_level(db, ask).await? else {
        return Ok(Vec::new());
    };
    let pivot = query(
        db,
        Scope::All,
        &PivotQuery {
            indicators: indicators.iter().map(|i| i.code.clone()).collect(),
            org_unit: ask.unit,
            level: Some(level),
            periods: periods.iter().map(|(_, p)| *p).collect(),
            view,
            approved_only: true,
        },
    )
    .await?;
    let mut tables = Vec::new();
    for chunk in indicators.chunks(PER_TABLE) {
        let mut columns = vec!["Đơn vị".to_owned()];
        columns.extend(chunk.iter().map(|i| i.name.clone()));
        let rows = pivot
            .units
            .iter()
            .map(|u| FigureRow {
                label: u.name.clone(),
                org_unit_id: Some(u.id),
                values: chunk
                    .iter()
                    .map(|i| {
                        let years: Vec<f64> = periods
                            .iter()
                            .filter_map(|(_, p)| {
                                pivot
                                    .rows
                                    .iter()
                                    .find(|r| {
                                        r.indicator == i.code
                                            && r.org_unit_id == Some(u.id)
                                            && r.period == *p
                                    })
                                    .map(|r| r.value)
                            })
                            .collect();
                        over_period(i.aggregation, &years)
                    })
                    .collect(),
            })
            .collect();
        let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
        tables.push(plain(
            &format!(
                "Chỉ tiêu thống kê cả kỳ theo đơn vị ({})",
                ask.period.label()
            ),
            &column_refs,
            rows,
            None,
        ));
    }
    Ok(tables)
}
