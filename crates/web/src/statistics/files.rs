//! Statistics in files: the pivot as XLSX or CSV, one row per figure.

use axum::response::Response;
use files::{Cell, Column, Sheet};
use store::statistics::Pivot;

use crate::downloads::file_of;
use crate::error::ApiError;

/// The pivot's figures with Vietnamese headers: indicator, unit, period, value.
pub fn pivot_sheet(p: &Pivot) -> Sheet {
    let mut sheet = Sheet::new(
        "Số liệu",
        vec![
            Column::new("Mã chỉ tiêu", 22.0),
            Column::new("Chỉ tiêu", 48.0),
            Column::new("Mã số đơn vị", 12.0),
            Column::new("Đơn vị", 36.0),
            Column::new("Kỳ", 10.0),
            Column::new("Tên kỳ", 22.0),
            Column::new("Giá trị", 14.0),
        ],
    );
    for r in &p.rows {
        let name = p
            .indicators
            .iter()
            .find(|i| i.code == r.indicator)
            .map(|i| i.name.clone());
        let unit = match r.org_unit_id {
            None => Some("Toàn quốc".to_owned()),
            Some(id) => p.units.iter().find(|u| u.id == id).map(|u| u.name.clone()),
        };
        sheet.rows.push(vec![
            Cell::from(r.indicator.as_str()),
            Cell::from(name),
            Cell::from(r.org_unit_id),
            Cell::from(unit),
            Cell::from(r.period.to_string()),
            Cell::from(r.period.label()),
            Cell::from(r.value),
        ]);
    }
    sheet
}

pub fn export_pivot(p: &Pivot, fmt: &str) -> Result<Response, ApiError> {
    file_of(&pivot_sheet(p), "so-lieu", fmt)
}
