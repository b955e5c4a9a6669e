//! The columns of the model file: what an export writes and an import
//! reads back. Columns are found by their header, in any order; columns
//! that only describe (type name, unit name, latest rating) are written
//! for people and ignored on import.

use chrono::NaiveDate;

use super::{ModelInput, Status};
pub use crate::file::{level_label, CellError, UnitRef};
use crate::file::{parse_unit, FileKind, UnitProblem};
use crate::time::parse_date_vn;

/// What each column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Id,
    Name,
    TypeCode,
    TypeName,
    Sector,
    UnitId,
    UnitCode,
    UnitLevel,
    UnitName,
    ParentName,
    FoundedOn,
    DecisionNo,
    DecisionDate,
    DecisionIssuer,
    Status,
    StatusSince,
    Members,
    Households,
    LeaderName,
    LeaderRole,
    Partners,
    Tags,
    ReplicatedFrom,
    LastRating,
    LastRatingYear,
    Exemplar,
}

/// The columns in file order, with their headers and widths.
pub const COLUMNS: [(Col, &str, f64); 26] = [
    (Col::Id, "Mã mô hình", 11.0),
    (Col::Name, "Tên mô hình", 40.0),
    (Col::TypeCode, "Mã loại", 22.0),
    (Col::TypeName, "Loại mô hình", 30.0),
    (Col::Sector, "Lĩnh vực", 20.0),
    (Col::UnitId, "ID đơn vị", 10.0),
    (Col::UnitCode, "Mã đơn vị", 10.0),
    (Col::UnitLevel, "Cấp đơn vị", 16.0),
    (Col::UnitName, "Đơn vị", 28.0),
    (Col::ParentName, "Trực thuộc", 24.0),
    (Col::FoundedOn, "Ngày thành lập", 14.0),
    (Col::DecisionNo, "Số quyết định", 16.0),
    (Col::DecisionDate, "Ngày quyết định", 14.0),
    (Col::DecisionIssuer, "Cơ quan ban hành", 24.0),
    (Col::Status, "Trạng thái", 16.0),
    (Col::StatusSince, "Từ ngày", 12.0),
    (Col::Members, "Số thành viên", 12.0),
    (Col::Households, "Số hộ tham gia", 12.0),
    (Col::LeaderName, "Người phụ trách", 22.0),
    (Col::LeaderRole, "Chức vụ", 18.0),
    (Col::Partners, "Tổ chức phối hợp", 28.0),
    (Col::Tags, "Gắn với phong trào", 30.0),
    (Col::ReplicatedFrom, "Nhân rộng từ (mã mô hình)", 14.0),
    (Col::LastRating, "Xếp loại gần nhất", 14.0),
    (Col::LastRatingYear, "Năm xếp loại", 10.0),
    (Col::Exemplar, "Điển hình tiên tiến", 12.0),
];

/// Where each known column is in a model file.
pub type Layout = crate::file::Layout<Col>;

const REQUIRED: [Col; 3] = [Col::Name, Col::TypeCode, Col::FoundedOn];

impl Layout {
    /// Reads the header row. Unknown headers are ignored; the required ones
    /// and a unit column (id or code) must be there.
    pub fn from_header(cells: &[String]) -> Result<Self, CellError> {
        Self::find(cells, &COLUMNS, &REQUIRED, [Col::UnitId, Col::UnitCode])
    }
}

pub fn header(c: Col) -> &'static str {
    crate::file::header_in(&COLUMNS, c)
}

/// The models file, as `files::read_table` reads it.
pub struct ModelFile;

impl FileKind for ModelFile {
    type Layout = Layout;
    type Row = FileRow;
    /// A province's models several times over; a file past it is split
    /// (held in memory as read, 100,000 rows take about 200 MiB with the
    /// checks; the reader's own bound is a million rows).
    const MAX_ROWS: usize = 100_000;
    const ROW_NOUN: &'static str = "dòng";
    const NO_ROWS: &'static str = "tệp không có dòng dữ liệu nào";
    fn header(cells: &[String]) -> Result<Layout, CellError> {
        Layout::from_header(cells)
    }
    fn row(layout: &Layout, n: usize, cells: &[String]) -> Result<Option<FileRow>, Vec<CellError>> {
        FileRow::parse(layout, n, cells).map(Some)
    }
}

/// One row of a file, read but not yet checked against the database.
#[derive(Debug, Clone)]
pub struct FileRow {
    pub row: usize,
    /// The model the row updates ("Mã mô hình", as the export writes it);
    /// none for a new model, or one named by its type, unit and name.
    pub id: Option<i64>,
    pub type_code: String,
    pub unit: UnitRef,
    pub input: ModelInput,
    /// The status the row states, if any.
    pub status: Option<Status>,
    /// A status other than active, from a later day.
    pub later: Option<(Status, NaiveDate)>,
}

impl FileRow {
    /// Reads one row; every bad cell of the row is reported, not only the first.
    pub fn parse(layout: &Layout, row: usize, cells: &[String]) -> Result<Self, Vec<CellError>> {
        let mut errors = Vec::new();
        let get = |c: Col| layout.get(cells, c);
        let mut err = |c: Col, m: &str| errors.push(CellError::new(row, header(c), m));
        let int = |c: Col, err: &mut dyn FnMut(Col, &str)| -> Option<i64> {
            let s = get(c)?;
            match s.replace(['.', ' '], "").parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    err(c, "cần một số nguyên");
                    None
                }
            }
        };
        let date = |c: Col, err: &mut dyn FnMut(Col, &str)| -> Option<String> {
            let s = get(c)?;
            match parse_date_vn("date", s) {
                Ok(d) => Some(d.to_string()),
                Err(e) => {
                    err(c, &e.message);
                    None
                }
            }
        };
        let id = int(Col::Id, &mut err);
        let type_code = get(Col::TypeCode).map(str::to_string);
        if type_code.is_none() {
            err(Col::TypeCode, "không được để trống");
        }
        let (code, level) = (get(Col::UnitCode), get(Col::UnitLevel));
        let mut unit_err = |p: UnitProblem| {
            let c = match p {
                UnitProblem::Level => Col::UnitLevel,
                UnitProblem::Id | UnitProblem::Missing => Col::UnitId,
            };
            err(c, p.message());
        };
        let unit = match parse_unit(get(Col::UnitId), code, level) {
            Ok(u) => Some(u),
            Err(p) => {
                unit_err(p);
                // A bad id also says what else would name the unit, when
                // the code does not.
                if let (UnitProblem::Id, Err(q)) = (p, parse_unit(None, code, level)) {
                    unit_err(q);
                }
                None
            }
        };
        let founded_on = date(Col::FoundedOn, &mut err);
        if get(Col::FoundedOn).is_none() {
            err(Col::FoundedOn, "không được để trống");
        }
        let status = match get(Col::Status).map(|s| Status::parse("status", s)) {
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                err(Col::Status, &e.message);
                None
            }
            None => None,
        };
        let since = date(Col::StatusSince, &mut err);
        let later = match (status, since) {
            (Some(Status::Active) | None, _) => None,
            (Some(s), Some(d)) => parse_date_vn("date", &d).ok().map(|d| (s, d)),
            (Some(_), None) => {
                err(
                    Col::StatusSince,
                    "trạng thái khác \"Đang hoạt động\" cần ngày bắt đầu",
                );
                None
            }
        };
        let input = ModelInput {
            type_id: None,
            org_unit_id: None,
            name: get(Col::Name).map(str::to_string),
            founded_on,
            decision_no: get(Col::DecisionNo).map(str::to_string),
            decision_date: date(Col::DecisionDate, &mut err),
            decision_issuer: get(Col::DecisionIssuer).map(str::to_string),
            members: int(Col::Members, &mut err),
            households: int(Col::Households, &mut err),
            leader_name: get(Col::LeaderName).map(str::to_string),
            leader_role: get(Col::LeaderRole).map(str::to_string),
            partners: get(Col::Partners).map(str::to_string),
            // The export writes a model's movements with "; " between them.
            tags: get(Col::Tags).map(|t| {
                t.split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string)
                    .collect()
            }),
            replicated_from: int(Col::ReplicatedFrom, &mut err),
        };
        match (errors.is_empty(), type_code, unit) {
            (true, Some(type_code), Some(unit)) => Ok(Self {
                row,
                id,
                type_code,
                unit,
                input,
                status,
                later,
            }),
            _ => Err(errors),
        }
    }
}

/// The header a domain error's field belongs to, for the error report.
pub fn header_of_field(field: &str) -> &'static str {
    header(match field {
        "type_id" => Col::TypeCode,
        "org_unit_id" => Col::UnitId,
        "name" => Col::Name,
        "founded_on" => Col::FoundedOn,
        "decision_no" => Col::DecisionNo,
        "decision_date" => Col::DecisionDate,
        "decision_issuer" => Col::DecisionIssuer,
        "members" => Col::Members,
        "households" => Col::Households,
        "leader_name" => Col::LeaderName,
        "leader_role" => Col::LeaderRole,
        "partners" => Col::Partners,
        "tags" => Col::Tags,
        "replicated_from" => Col::ReplicatedFrom,
        "status" => Col::Status,
        "date" => Col::StatusSince,
        _ => Col::Name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org_units::Level;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn columns_are_found_by_header_in_any_order() {
        let l = Layout::from_header(&row(&[
            "mã loại",
            "TÊN MÔ HÌNH",
            "Ghi chú",
            "Ngày thành lập",
            "Mã đơn vị",
        ]))
        .unwrap();
        let r = FileRow::parse(
            &l,
            2,
            &row(&["camera_an_ninh", "Camera tổ 1", "x", "05/03/2022", "13636"]),
        )
        .unwrap();
        assert_eq!(r.type_code, "camera_an_ninh");
        assert_eq!(r.input.founded_on.as_deref(), Some("2022-03-05"));
        assert_eq!(
            r.unit,
            UnitRef::Code {
                level: Level::Commune,
                code: "13636".into()
            }
        );
        let e = Layout::from_header(&row(&["Tên mô hình", "Mã loại"])).unwrap_err();
        assert_eq!(e.row, 1);
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported() {
        let l = Layout::from_header(&row(&[
            "Tên mô hình",
            "Mã loại",
            "ID đơn vị",
            "Ngày thành lập",
            "Số thành viên",
            "Trạng thái",
        ]))
        .unwrap();
        let e = FileRow::parse(
            &l,
            7,
            &row(&["A", "", "abc", "31/02/2022", "mười", "Giải thể"]),
        )
        .unwrap_err();
        let cols: Vec<&str> = e.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            cols,
            vec![
                "Mã loại",
                "ID đơn vị",
                "ID đơn vị",
                "Ngày thành lập",
                "Từ ngày",
                "Số thành viên"
            ]
        );
        assert!(e.iter().all(|e| e.row == 7));
    }
}
