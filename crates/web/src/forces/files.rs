//! The team list and the counts by area as XLSX or CSV.

use axum::response::Response;
use domain::forces::{Force, SizeStatus};
use domain::Reason;
use files::{Cell, Column, Sheet};
use store::forces::{self as forces, ForcesSummary, TeamQuery, TeamRow};

use crate::actor::Actor;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::AppState;

fn columns(spec: &[(&str, f64)]) -> Vec<Column> {
    spec.iter().map(|(h, w)| Column::new(*h, *w)).collect()
}

pub fn list_sheet(rows: &[TeamRow]) -> Sheet {
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.name.clone()),
                Cell::from(
                    Force::parse("force", &r.force)
                        .map_or_else(|_| r.force.clone(), |f| f.label().to_string()),
                ),
                Cell::from(r.org_unit_name.clone()),
                r.parent_name.clone().map_or(Cell::Empty, Cell::from),
                Cell::Date(r.established_on),
                Cell::from(r.decision_no.clone()),
                r.ended_on.map_or(Cell::Empty, Cell::Date),
                Cell::Int(r.members),
                Cell::Int(r.leaders),
                Cell::Int(r.deputies),
                r.households
                    .map_or(Cell::Empty, |h| Cell::Int(i64::from(h))),
                r.size.map_or(Cell::Empty, |s: SizeStatus| {
                    Cell::from(s.label().to_string())
                }),
            ]
        })
        .collect();
    Sheet {
        name: "Tổ bảo vệ ANTT".into(),
        columns: columns(&[
            ("Tên tổ", 40.0),
            ("Lực lượng", 22.0),
            ("Thôn, tổ dân phố", 28.0),
            ("Thuộc", 28.0),
            ("Ngày thành lập", 12.0),
            ("Quyết định", 16.0),
            ("Ngày kết thúc", 12.0),
            ("Thành viên", 10.0),
            ("Tổ trưởng", 10.0),
            ("Tổ phó", 10.0),
            ("Số hộ", 10.0),
            ("Số lượng so với quy định", 18.0),
        ]),
        rows,
        highlight_col: None,
    }
}

pub async fn export_list(
    state: &AppState,
    actor: &Actor,
    q: &TeamQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    let rows = forces::export(&state.db, actor.scope(), q).await?;
    let fmt = fmt.to_string();
    tokio::task::spawn_blocking(move || file_of(&list_sheet(&rows), "to-bao-ve-antt", &fmt))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}

/// The counts: an area a row.
pub fn summary_sheet(s: &ForcesSummary) -> Sheet {
    let cells = |name: &str, c: &forces::summary::ForcesCell| -> Vec<Cell> {
        vec![
            Cell::from(name.to_string()),
            Cell::Int(c.villages),
            Cell::Int(c.teams),
            Cell::Int(c.villages_without_team),
            Cell::Int(c.members),
            Cell::Int(c.leaders),
            Cell::Int(c.deputies),
            Cell::Int(c.members - c.leaders - c.deputies),
            Cell::Int(c.teams_too_few),
            Cell::Int(c.teams_too_many),
            Cell::Int(c.teams_no_rule),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = s.rows.iter().map(|r| cells(&r.name, &r.cell)).collect();
    rows.push(cells("Tổng cộng", &s.totals));
    Sheet {
        name: format!("Ngày {}", s.as_of.format("%d-%m-%Y")),
        columns: columns(&[
            ("Địa bàn", 32.0),
            ("Thôn, tổ dân phố", 14.0),
            ("Số tổ", 10.0),
            ("Thôn chưa có tổ", 14.0),
            ("Thành viên", 12.0),
            ("Tổ trưởng", 10.0),
            ("Tổ phó", 10.0),
            ("Tổ viên", 10.0),
            ("Tổ thiếu người", 12.0),
            ("Tổ thừa người", 12.0),
            ("Tổ chưa có quy định số lượng", 16.0),
        ]),
        rows,
        highlight_col: None,
    }
}

pub fn export_summary(s: &ForcesSummary, fmt: &str) -> Result<Response, ApiError> {
    file_of(
        &summary_sheet(s),
        &format!("luc-luong-{}", s.as_of.format("%Y-%m-%d")),
        fmt,
    )
}

// ---- historical rosters from a file --------------------------------------------

/// Reads, checks and writes a file of historical rosters: all or none.
/// Shared by the page and the API; read on the blocking pool.
pub async fn import_rosters(
    state: &AppState,
    actor: &Actor,
    bytes: axum::body::Bytes,
    mode: &domain::file::Mode,
) -> Result<domain::file::Imported<domain::file::Done<domain::file::Written>>, ApiError> {
    let read = state
        .parses
        .run(move || files::read_table::<domain::forces::roster_file::RosterFile>(&bytes, |_| {}))
        .await??;
    Ok(forces::roster::import_file(&state.db, actor.author(), actor.scope(), read, mode).await?)
}

/// The roster file's columns with no rows: what to fill in.
pub fn roster_template() -> Result<Response, ApiError> {
    let sheet = Sheet {
        name: "Danh sách lưu trữ".into(),
        columns: domain::forces::roster_file::COLUMNS
            .iter()
            .map(|(_, h, w)| Column::new(*h, *w))
            .collect(),
        rows: Vec::new(),
        highlight_col: None,
    };
    file_of(&sheet, "danh-sach-luc-luong-truoc-2024", "xlsx")
}
