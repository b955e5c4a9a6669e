//! Statistics in files: the pivot as XLSX or CSV, one row per figure; a
//! period's figures as a sheet to fill in; and the bulk entry of figures
//! from an XLSX or CSV file, all values or none.

use axum::extract::{RawQuery, Request, State};
use axum::response::Response;
use domain::file::{level_label, Done, Imported, Mode, Written};
use domain::models::Target;
use domain::org_units::Level;
use domain::policy::Action;
use domain::statistics::file::{Col, ValuesFile, COLUMNS};
use domain::statistics::Period;
use domain::time::today;
use files::{Cell, Column, Sheet};
use store::statistics::values::{self, PeriodSheet, Who};
use store::statistics::Pivot;
use store::Db;

use crate::actor::Actor;
use crate::blocking::BlockingPool;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::uploads::{multipart, refused, uploaded, wants_report};
use crate::AppState;
use axum::body::Bytes;

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

// ---- bulk entry from a file ---------------------------------------------------

/// Reads, checks and writes a file of figures: all values or none. Shared
/// by the page and the API. The file is read on the blocking `pool`: a
/// large one takes seconds of CPU.
pub async fn import_file(
    db: &Db,
    who: Who,
    pool: &BlockingPool,
    bytes: Bytes,
    mode: &Mode,
) -> Result<Imported<Done<Written>>, ApiError> {
    let read = pool
        .run(move || files::read_table::<ValuesFile>(&bytes, |_| {}))
        .await??;
    Ok(values::import_file(db, who, read, (today(), mode)).await?)
}

/// Write figures from an XLSX or CSV file (multipart field `file`; columns as the period sheet: unit id or code, period, indicator code, value, comment): all values or none
///
/// A value for a unit, period and indicator that has none is new, one
/// that differs from the stored value or comment a change, an equal one
/// is left alone. `dry_run=true` answers what the file would do (200);
/// `confirm=<digest>` writes only if it still does what that preview
/// showed (409 with the new preview otherwise). 201 with what was
/// written, or 422 with the errors (or the XLSX report when asked with
/// `?report=xlsx`).
#[utoipa::path(post, path = "/api/v1/data-values/import", tag = "statistics",
    params(
        ("report" = Option<crate::api::ReportFormat>, Query, description = "On refusal, answer with the XLSX error report."),
        ("dry_run" = Option<bool>, Query, description = "Only answer what the file would do."),
        ("confirm" = Option<String>, Query, description = "The digest of the preview being confirmed."),
    ),
    request_body(content = crate::uploads::Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What the file would do (dry_run)", body = domain::file::Preview),
        (status = 201, description = "Written", body = Written),
        (status = 409, description = "The confirmed preview no longer holds; nothing written", body = crate::uploads::PreviewStale),
        (status = 413, description = "File larger than 64 MiB.", body = crate::api::Problem),
        (status = 422, description = "Rows refused; nothing written",
            content((crate::uploads::ImportRefused = "application/json"), (Vec<u8> = crate::api::XLSX))),
    ))]
pub async fn import_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let report = wants_report(raw.as_deref())?;
    let mode = crate::uploads::mode_of(raw.as_deref())?;
    let (bytes, _) = uploaded(multipart(req, &state).await?).await?;
    let pool = &state.parses;
    match import_file(&state.db, super::who(&actor), pool, bytes.clone(), &mode).await? {
        Imported::All(done) => Ok(crate::uploads::done_answer(done)),
        Imported::Refused(errors) => {
            refused(
                pool,
                bytes,
                &errors,
                report,
                "loi-nhap-so-lieu",
                domain::Reason::FileRefusedValues,
            )
            .await
        }
    }
}

/// A period's figures in the import's columns: one row per entering unit
/// × indicator, the stored value filled in, blanks for what is missing.
/// Filled in and uploaded again, it is the bulk entry of that period.
pub fn period_values_sheet(s: &PeriodSheet, period: Period) -> Sheet {
    let columns = COLUMNS
        .iter()
        .map(|(_, h, w)| Column::new(*h, *w))
        .collect();
    let mut sheet = Sheet::new(format!("{} {}", s.set.code, period), columns);
    let level = level_label(match s.set.entry {
        Target::Commune => Level::Commune,
        Target::Village => Level::Village,
        Target::Site(_) => Level::Site,
    });
    for u in &s.units {
        for i in &s.indicators {
            let stored = s.values.get(&(u.org_unit_id, i.id));
            sheet.rows.push(
                COLUMNS
                    .iter()
                    .map(|(c, _, _)| match c {
                        Col::UnitId => Cell::Int(u.org_unit_id),
                        Col::UnitCode => Cell::from(u.code.clone()),
                        Col::UnitLevel => Cell::from(level),
                        Col::UnitName => Cell::from(u.name.as_str()),
                        Col::Period => Cell::from(period.to_string()),
                        Col::IndicatorCode => Cell::from(i.code.as_str()),
                        Col::IndicatorName => Cell::from(i.name.as_str()),
                        Col::Value => Cell::from(stored.map(|(v, _)| *v)),
                        Col::Comment => Cell::from(stored.and_then(|(_, c)| c.clone())),
                    })
                    .collect(),
            );
        }
    }
    sheet
}
