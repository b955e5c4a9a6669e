//! Statistics in files: the pivot as XLSX or CSV, one row per figure; a
//! period's figures as a sheet to fill in; and the bulk entry of figures
//! from an XLSX or CSV file, all values or none.

use axum::extract::{RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::file::{level_label, CellError};
use domain::models::Target;
use domain::org_units::Level;
use domain::policy::Action;
use domain::statistics::file::{Col, Layout, ValueRow, COLUMNS};
use domain::statistics::Period;
use domain::time::today;
use files::{Cell, Column, FilesError, Sheet};
use store::statistics::values::{self, Mode, PeriodSheet, Who, WriteReport};
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

/// Values one file may carry: a whole country's month of the default
/// data sets (3,321 communes × 100 indicators) with room to spare; more
/// is for the API in batches.
pub const MAX_FILE_VALUES: usize = 500_000;

/// How an import ended.
pub enum Outcome {
    Imported(WriteReport),
    /// Nothing was written; the problems, row by row.
    Refused(Vec<CellError>),
}

/// The values of a file that could be read, with the problems of the
/// others; or the problem that stops the whole file.
type ReadRows = Result<(Vec<ValueRow>, Vec<CellError>), Vec<CellError>>;

fn read_values(bytes: &[u8], mut progress: impl FnMut(usize)) -> Result<ReadRows, ApiError> {
    let mut layout: Option<Layout> = None;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut stop: Option<CellError> = None;
    files::read_rows::<FilesError>(bytes, |n, cells| {
        if stop.is_some() {
            return Ok(());
        }
        match &layout {
            None => match Layout::from_header(cells) {
                Ok(l) => layout = Some(l),
                Err(e) => stop = Some(e),
            },
            Some(l) => match ValueRow::parse(l, n, cells) {
                Ok(Some(r)) => rows.push(r),
                Ok(None) => {}
                Err(mut e) => errors.append(&mut e),
            },
        }
        if rows.len() > MAX_FILE_VALUES {
            stop = Some(CellError::new(
                n,
                "",
                format!("tệp có hơn {MAX_FILE_VALUES} giá trị: hãy chia thành nhiều tệp"),
            ));
        }
        if n % 5000 == 0 {
            progress(n);
        }
        Ok(())
    })?;
    if let Some(e) = stop {
        return Ok(Err(vec![e]));
    }
    if layout.is_none() {
        return Ok(Err(vec![CellError::new(1, "", "tệp trống")]));
    }
    if rows.is_empty() && errors.is_empty() {
        return Ok(Err(vec![CellError::new(
            2,
            "",
            "tệp không có giá trị nào (dòng để trống cột \"Giá trị\" được bỏ qua)",
        )]));
    }
    Ok(Ok((rows, errors)))
}

/// Reads, checks and writes a file of figures: all values or none. Shared
/// by the page, the API and `binhyen import values`.
/// The file is read on the blocking `pool`: a large one takes seconds of CPU.
pub async fn import_file(
    db: &Db,
    who: Who,
    pool: &BlockingPool,
    bytes: Bytes,
    progress: impl FnMut(usize) + Send + 'static,
) -> Result<Outcome, ApiError> {
    let read = pool.run(move || read_values(&bytes, progress)).await?;
    let (rows, mut errors) = match read? {
        Ok(r) => r,
        Err(errors) => return Ok(Outcome::Refused(errors)),
    };
    // Rows that could be read are checked too, so one report holds all.
    let mode = if errors.is_empty() {
        Mode::Write
    } else {
        Mode::CheckOnly
    };
    match values::import(db, who, &rows, today(), mode).await? {
        Ok(report) if errors.is_empty() => Ok(Outcome::Imported(report)),
        Ok(_) => Ok(Outcome::Refused(errors)),
        Err(mut more) => {
            errors.append(&mut more);
            errors.sort_by_key(|e| e.row);
            Ok(Outcome::Refused(errors))
        }
    }
}

/// `POST /api/v1/data-values/import`: 201 with what was written, or 422
/// with the errors (or the XLSX report when asked with `?report=xlsx`).
pub async fn import_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let report = wants_report(raw.as_deref())?;
    let (bytes, _) = uploaded(multipart(req, &state).await?).await?;
    let pool = &state.parses;
    match import_file(&state.db, super::who(&actor), pool, bytes.clone(), |_| {}).await? {
        Outcome::Imported(r) => Ok((StatusCode::CREATED, Json(r)).into_response()),
        Outcome::Refused(errors) => {
            refused(
                pool,
                bytes,
                &errors,
                report,
                "loi-nhap-so-lieu",
                "tệp có lỗi, chưa nhập giá trị nào",
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
