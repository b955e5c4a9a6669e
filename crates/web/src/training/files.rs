//! A class's files: its certificates as one PDF (a page per trainee who
//! passed, in the state's letterhead: the organiser's police under its
//! province's), and its attendance sheet, downloaded and uploaded filled in.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::response::Response;
use chrono::NaiveDate;
use domain::org_units::Level;
use domain::training::{
    marks_from_sheet, session_header, trainees_from_sheet, MAX_CAPACITY, SHEET_COLUMNS,
    TRAINEE_COLUMNS,
};
use domain::{DomainError, Reason};
use files::{Cell, Column, Sheet, TrainingCertificate};
use store::training::{self as training, ClassRow};

use crate::actor::Actor;
use crate::areas::police_of;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::AppState;

pub async fn certificates_pdf(
    state: &AppState,
    actor: &Actor,
    c: ClassRow,
) -> Result<Response, ApiError> {
    let organiser = store::org_units::get(&state.db, actor.scope(), c.organiser_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (issuer_body, signer_title) = match (organiser.unit.level, &organiser.parent_name) {
        (Level::Province, _) | (_, None) => ("BỘ CÔNG AN".to_owned(), "GIÁM ĐỐC"),
        (_, Some(province)) => (police_of(province), "TRƯỞNG CÔNG AN"),
    };
    let course = training::course(&state.db, c.course_id)
        .await?
        .map(|x| format!("{}, {} giờ", x.name, x.total_hours))
        .unwrap_or_else(|| c.course_name.clone());
    let items: Vec<TrainingCertificate> = training::enrolments(&state.db, c.id)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(TrainingCertificate {
                issuer_body: issuer_body.clone(),
                issuer_name: police_of(&organiser.unit.name),
                place: organiser.unit.short_name.clone(),
                number: e.certificate_no?,
                full_name: e.full_name,
                birth_date: e.birth_date,
                class_name: c.name.clone(),
                course: course.clone(),
                starts_on: c.starts_on,
                ends_on: c.ends_on,
                class_place: c.place.clone(),
                score: e.score?,
                certified_on: e.certified_on?,
                signer_title: signer_title.to_owned(),
            })
        })
        .collect();
    if items.is_empty() {
        return Err(store::StoreError::Conflict(Reason::NoCertificate).into());
    }
    let bytes = tokio::task::spawn_blocking(move || files::training_certificates(&items))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))??;
    Ok(crate::downloads::pdf(
        bytes,
        &format!("giay-chung-nhan-lop-{}", c.id),
    ))
}

/// The class's attendance sheet: a trainee a row (number, name, year of
/// birth), a session a column, "x" where marked present; printed, filled
/// in by hand or on a computer, and uploaded again.
pub async fn attendance_sheet(
    state: &AppState,
    c: &ClassRow,
    sessions: &[NaiveDate],
) -> Result<Response, ApiError> {
    let trainees = training::enrolments(&state.db, c.id).await?;
    let marks = training::attendance(&state.db, c.id).await?;
    let present: HashSet<(i64, NaiveDate)> = marks
        .iter()
        .filter(|m| m.present)
        .map(|m| (m.enrolment_id, m.session_on))
        .collect();
    let [number, name, born] = SHEET_COLUMNS;
    let mut columns = columns(&[(number, 12.0), (name, 32.0), (born, 10.0)]);
    columns.extend(
        sessions
            .iter()
            .map(|d| Column::new(session_header(*d), 11.0)),
    );
    let rows = trainees
        .iter()
        .map(|e| {
            let mut row = vec![
                Cell::Int(e.id),
                Cell::from(e.full_name.clone()),
                Cell::Int(i64::from(e.birth_year)),
            ];
            row.extend(sessions.iter().map(|d| {
                if present.contains(&(e.id, *d)) {
                    Cell::from("x".to_string())
                } else {
                    Cell::Empty
                }
            }));
            row
        })
        .collect();
    let sheet = Sheet {
        name: "Điểm danh".into(),
        columns,
        rows,
        highlight_col: None,
    };
    let name = format!("diem-danh-lop-{}", c.id);
    tokio::task::spawn_blocking(move || file_of(&sheet, &name, "xlsx"))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}

/// A filled attendance sheet: every mark it holds, written as one batch
/// (all or nothing); the first problem refuses it, by row and column.
pub async fn upload_attendance(
    state: &AppState,
    actor: &Actor,
    c: &ClassRow,
    sessions: &[NaiveDate],
    bytes: Bytes,
) -> Result<usize, ApiError> {
    let enrolled: Vec<i64> = training::enrolments(&state.db, c.id)
        .await?
        .iter()
        .map(|e| e.id)
        .collect();
    let days = sessions.to_vec();
    // A sheet of the class: its trainees and a header (one row to spare).
    let most = enrolled.len() + 2;
    let marks = state
        .parses
        .run(move || {
            let rows = read_at_most(&bytes, most, |row| Reason::AttendanceSheetTrainee { row })?;
            Ok::<_, ApiError>(marks_from_sheet(&rows, &days, &enrolled)?)
        })
        .await??;
    Ok(training::mark_attendance(&state.db, actor.author(), actor.scope(), c.id, &marks).await?)
}

/// The rows of an uploaded sheet (its row number and cells), the header
/// included, refused with `too_many(row)` past `most` rows. Run on the
/// parse pool (`AppState::parses`), as every import is.
fn read_at_most(
    bytes: &[u8],
    most: usize,
    too_many: impl Fn(usize) -> Reason,
) -> Result<Vec<(usize, Vec<String>)>, ApiError> {
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    files::read_rows::<ApiError>(bytes, |n, cells| {
        if rows.len() >= most {
            return Err(DomainError::new("file", too_many(n)).into());
        }
        rows.push((n, cells.to_vec()));
        Ok(())
    })?;
    Ok(rows)
}

/// Columns from (header, width) pairs.
fn columns(spec: &[(&str, f64)]) -> Vec<Column> {
    spec.iter().map(|(h, w)| Column::new(*h, *w)).collect()
}

/// The list of trainees to fill in: its columns, empty.
pub fn trainee_template() -> Result<Response, ApiError> {
    let sheet = Sheet {
        name: "Học viên".into(),
        columns: TRAINEE_COLUMNS
            .iter()
            .zip([12.0, 32.0, 14.0, 16.0])
            .map(|(h, w)| Column::new(*h, w))
            .collect(),
        rows: Vec::new(),
        highlight_col: None,
    };
    file_of(&sheet, "danh-sach-hoc-vien", "xlsx")
}

/// A list of trainees (XLSX or CSV): everyone on it enrolled, or nobody;
/// a refusal names the row.
pub async fn upload_trainees(
    state: &AppState,
    actor: &Actor,
    c: &ClassRow,
    bytes: Bytes,
) -> Result<usize, ApiError> {
    // A class holds at most MAX_CAPACITY: a longer list is refused before
    // it is read whole.
    let most = MAX_CAPACITY as usize + 2;
    let wanted = state
        .parses
        .run(move || {
            let rows = read_at_most(&bytes, most, |_| Reason::CountOutOfRange {
                max: i64::from(MAX_CAPACITY),
            })?;
            Ok::<_, ApiError>(trainees_from_sheet(&rows)?)
        })
        .await??;
    let inputs: Vec<_> = wanted.iter().map(|(_, i)| i.clone()).collect();
    match training::enrol_many(
        &state.db,
        actor.author(),
        actor.scope(),
        &state.config.id_key,
        c.id,
        &inputs,
    )
    .await
    {
        Ok(rows) => Ok(rows.len()),
        Err((i, e)) => {
            let e = ApiError::from(e);
            match wanted.get(i) {
                // The row's own refusal, said with its row.
                Some((row, _)) if e.status != axum::http::StatusCode::NOT_FOUND => {
                    let why = e.reason.text(crate::language::current().into());
                    Err(ApiError::new(
                        e.status,
                        e.code,
                        Reason::TraineeRowRefused { row: *row, why },
                    ))
                }
                _ => Err(e),
            }
        }
    }
}

/// How many classes a file of the list holds at most.
const EXPORT_LIMIT: u32 = 100_000;

/// The class list as a file (XLSX or CSV): every class the filters match.
pub async fn export_classes(
    state: &AppState,
    actor: &Actor,
    mut q: training::ClassQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    q.page = domain::page::Page {
        page: 1,
        per_page: EXPORT_LIMIT,
    };
    let (rows, _) = training::classes(&state.db, actor.scope(), &q).await?;
    let rows = rows
        .into_iter()
        .map(|c| {
            vec![
                Cell::from(c.name),
                Cell::from(c.course_name),
                Cell::from(c.organiser_name),
                Cell::from(
                    domain::training::Audience::parse("audience", &c.audience)
                        .map_or(c.audience.clone(), |a| a.label().to_string()),
                ),
                Cell::Date(c.starts_on),
                Cell::Date(c.ends_on),
                Cell::Int(i64::from(c.sessions)),
                c.place.map_or(Cell::Empty, Cell::from),
                Cell::Int(i64::from(c.capacity)),
                Cell::Int(c.enrolled),
                Cell::Int(c.passed),
            ]
        })
        .collect();
    let sheet = Sheet {
        name: "Lớp tập huấn".into(),
        columns: columns(&[
            ("Lớp", 40.0),
            ("Chương trình", 32.0),
            ("Đơn vị tổ chức", 26.0),
            ("Đối tượng", 24.0),
            ("Từ ngày", 12.0),
            ("Đến ngày", 12.0),
            ("Số buổi", 8.0),
            ("Địa điểm", 26.0),
            ("Số chỗ", 8.0),
            ("Học viên", 10.0),
            ("Đạt", 8.0),
        ]),
        rows,
        highlight_col: None,
    };
    let fmt = fmt.to_string();
    tokio::task::spawn_blocking(move || file_of(&sheet, "lop-tap-huan", &fmt))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}

/// The trainee-times by area as a file: an area a row, then the classes
/// of the area's own level and the total.
pub fn export_summary(
    s: &training::summary::TrainingSummary,
    fmt: &str,
) -> Result<Response, ApiError> {
    let cells = |name: &str, c: &training::summary::TrainingCell| {
        vec![
            Cell::from(name.to_string()),
            Cell::Int(c.classes),
            Cell::Int(c.trainees),
            Cell::Int(c.passed),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = s.rows.iter().map(|r| cells(&r.name, &r.cell)).collect();
    if s.by_area_itself.classes > 0 {
        rows.push(cells("Lớp do chính cấp này tổ chức", &s.by_area_itself));
    }
    rows.push(cells("Tổng cộng", &s.totals));
    let sheet = Sheet {
        name: format!(
            "{} đến {}",
            s.from.format("%d-%m-%Y"),
            s.to.format("%d-%m-%Y")
        ),
        columns: columns(&[
            ("Địa bàn", 32.0),
            ("Số lớp", 10.0),
            ("Lượt người", 12.0),
            ("Được cấp giấy chứng nhận", 16.0),
        ]),
        rows,
        highlight_col: None,
    };
    file_of(
        &sheet,
        &format!(
            "tap-huan-{}-{}",
            s.from.format("%Y-%m-%d"),
            s.to.format("%Y-%m-%d")
        ),
        fmt,
    )
}
