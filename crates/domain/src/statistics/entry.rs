//! Whether one figure may be entered: the checks that need no database
//! once its indicator, data set and unit are at hand. `store` loads those
//! and the approval state, and writes.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{DataSet, DataSetId, Indicator, Period};
use crate::org_units::OrgUnit;
use crate::Reason;

/// One value to write: `value` None deletes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueWrite {
    pub indicator: String,
    pub org_unit: i64,
    pub period: Period,
    pub value: Option<f64>,
    pub comment: Option<String>,
}

/// Which part of a value a refusal is about (an import names its column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Indicator,
    Unit,
    Period,
    Value,
    Comment,
}

/// Whether `unit` existed during some day of `period`.
pub fn existed_during(unit: &OrgUnit, set: &DataSet, period: Period) -> bool {
    let (first, last) = (
        period.first_day(set.calendar),
        period.last_day(set.calendar),
    );
    unit.valid_from.is_none_or(|f| f <= last) && unit.valid_to.is_none_or(|t| t >= first)
}

/// What a value names, if it may be entered: its indicator, data set and
/// unit; or the part that is wrong and why.
pub fn check_value<'a>(
    w: &ValueWrite,
    indicators: &'a HashMap<String, Indicator>,
    sets: &'a HashMap<DataSetId, DataSet>,
    units: &'a HashMap<i64, OrgUnit>,
    today: NaiveDate,
) -> std::result::Result<(&'a Indicator, &'a DataSet, &'a OrgUnit), (Part, Reason)> {
    let Some(ind) = indicators.get(&w.indicator) else {
        return Err((
            Part::Indicator,
            Reason::IndicatorUnknown {
                indicator: w.indicator.chars().take(40).collect(),
            },
        ));
    };
    let Some(set) = ind.data_set_id.and_then(|s| sets.get(&s)) else {
        return Err((
            Part::Indicator,
            Reason::IndicatorWithoutSet {
                indicator: ind.code.clone(),
            },
        ));
    };
    if !ind.active || !set.active {
        return Err((
            Part::Indicator,
            Reason::IndicatorRetired {
                indicator: ind.code.clone(),
            },
        ));
    }
    if let Some(source) = ind.computed {
        return Err((
            Part::Indicator,
            Reason::ValueComputed {
                indicator: ind.code.clone(),
                source: source.term(),
            },
        ));
    }
    let Some(unit) = units.get(&w.org_unit) else {
        return Err((Part::Unit, Reason::UnitNotInScope { unit: w.org_unit }));
    };
    if !set.entered_by(unit) {
        return Err((
            Part::Unit,
            Reason::UnitDoesNotEnter {
                unit: unit.name.clone(),
                data_set: set.code.clone(),
            },
        ));
    }
    if !set.accepts(w.period) {
        return Err((
            Part::Period,
            Reason::PeriodOfOtherType {
                data_set: set.code.clone(),
                period_type: set.period_type.term(),
                period: w.period.to_string(),
            },
        ));
    }
    if w.period.first_day(set.calendar) > today {
        return Err((
            Part::Period,
            Reason::PeriodNotBegun {
                period: w.period.to_string(),
            },
        ));
    }
    if !existed_during(unit, set, w.period) {
        return Err((
            Part::Period,
            Reason::UnitNotInPeriod {
                unit: unit.name.clone(),
                period: w.period.to_string(),
            },
        ));
    }
    Ok((ind, set, unit))
}
