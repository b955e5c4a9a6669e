//! The register as a file: the filtered list in XLSX or CSV.

use axum::response::Response;
use domain::documents::{Kind, Level, Status};
use domain::Reason;
use files::{Cell, Column, Sheet};
use store::documents::{self as docs, DocumentQuery, DocumentRow};

use crate::actor::Actor;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::AppState;

/// The most rows one export holds: the register of a province for decades.
const EXPORT_LIMIT: u32 = 100_000;

fn label<T: Copy>(
    code: &str,
    parse: impl Fn(&'static str, &str) -> Result<T, domain::DomainError>,
    label: impl Fn(T) -> &'static str,
) -> Cell {
    Cell::from(parse("x", code).map_or(code.to_string(), |v| label(v).to_string()))
}

fn row(x: DocumentRow) -> Vec<Cell> {
    vec![
        Cell::from(x.number),
        label(&x.kind, Kind::parse, Kind::label),
        Cell::Date(x.issued_on),
        Cell::from(x.issuers.join("; ")),
        Cell::from(x.subject),
        label(&x.level, Level::parse, Level::label),
        x.org_unit_name.map_or(Cell::Empty, Cell::from),
        x.signer.map_or(Cell::Empty, Cell::from),
        Cell::Date(x.in_force_from),
        x.in_force_until.map_or(Cell::Empty, Cell::Date),
        label(&x.status, Status::parse, Status::label),
        Cell::Int(i64::from(x.files)),
    ]
}

pub async fn export(
    state: &AppState,
    actor: &Actor,
    mut q: DocumentQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    q.page = domain::page::Page {
        page: 1,
        per_page: EXPORT_LIMIT,
    };
    let (rows, _) = docs::list(&state.db, actor.scope(), &q).await?;
    let columns = [
        ("Số, ký hiệu", 18.0),
        ("Loại văn bản", 18.0),
        ("Ngày ban hành", 12.0),
        ("Cơ quan ban hành", 32.0),
        ("Trích yếu", 60.0),
        ("Cấp", 10.0),
        ("Đơn vị", 24.0),
        ("Người ký", 22.0),
        ("Hiệu lực từ", 12.0),
        ("Hiệu lực đến", 12.0),
        ("Tình trạng", 16.0),
        ("Số tệp", 8.0),
    ]
    .iter()
    .map(|(h, w)| Column::new(*h, *w))
    .collect();
    let sheet = Sheet {
        name: "Văn bản".into(),
        columns,
        rows: rows.into_iter().map(row).collect(),
        highlight_col: None,
    };
    let fmt = fmt.to_string();
    tokio::task::spawn_blocking(move || file_of(&sheet, "so-van-ban", &fmt))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}
