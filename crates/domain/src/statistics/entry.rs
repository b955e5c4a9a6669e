//! Whether one figure may be entered: the checks that need no database
//! once its indicator, data set and unit are at hand. `store` loads those
//! and the approval state, and writes.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{DataSet, DataSetId, Indicator, Period};
use crate::org_units::OrgUnit;

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
) -> std::result::Result<(&'a Indicator, &'a DataSet, &'a OrgUnit), (Part, String)> {
    let Some(ind) = indicators.get(&w.indicator) else {
        return Err((
            Part::Indicator,
            format!("không có chỉ tiêu mã «{}»", w.indicator),
        ));
    };
    let Some(set) = ind.data_set_id.and_then(|s| sets.get(&s)) else {
        return Err((
            Part::Indicator,
            format!("chỉ tiêu {} chưa thuộc bộ số liệu nào", ind.code),
        ));
    };
    if !ind.active || !set.active {
        return Err((
            Part::Indicator,
            format!("chỉ tiêu {} đã ngừng thu thập", ind.code),
        ));
    }
    let Some(unit) = units.get(&w.org_unit) else {
        return Err((
            Part::Unit,
            format!("không có đơn vị {} trong phạm vi của bạn", w.org_unit),
        ));
    };
    if !set.entered_by(unit) {
        return Err((
            Part::Unit,
            format!(
                "{} không phải đơn vị nhập bộ số liệu {}",
                unit.name, set.code
            ),
        ));
    }
    if !set.accepts(w.period) {
        return Err((
            Part::Period,
            format!(
                "bộ số liệu {} nhập theo {}, không theo kỳ {}",
                set.code,
                set.period_type.as_str(),
                w.period
            ),
        ));
    }
    if w.period.first_day(set.calendar) > today {
        return Err((Part::Period, format!("kỳ {} chưa bắt đầu", w.period)));
    }
    if !existed_during(unit, set, w.period) {
        return Err((
            Part::Period,
            format!("{} không tồn tại trong kỳ {}", unit.name, w.period),
        ));
    }
    Ok((ind, set, unit))
}
