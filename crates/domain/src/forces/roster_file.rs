//! The file of historical rosters: the forces before July 2024 (bảo vệ
//! dân phố, công an xã bán chuyên trách, dân phòng) as communes kept them
//! in spreadsheets. One row is one member of one roster; the rows that
//! share a unit, a force and a first day are one roster. Columns are found
//! by their header, in any order; the unit's name is only read by people.
//!
//! Law 30's conditions did not apply to these forces: the members are
//! recorded as they served, without eligibility checks.

use chrono::NaiveDate;

use super::{check_force_dates, Force, Role};
use crate::file::{parse_unit, CellError, FileKind, UnitRef};
use crate::time::parse_date_vn;

/// What each column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    UnitId,
    UnitCode,
    UnitLevel,
    UnitName,
    Force,
    TeamName,
    TeamFrom,
    TeamTo,
    Decision,
    FullName,
    BirthDate,
    Role,
    StartOn,
    EndOn,
}

/// The columns in file order, with their headers and widths.
pub const COLUMNS: [(Col, &str, f64); 14] = [
    (Col::UnitId, "ID đơn vị", 10.0),
    (Col::UnitCode, "Mã đơn vị", 10.0),
    (Col::UnitLevel, "Cấp đơn vị", 14.0),
    (Col::UnitName, "Đơn vị", 28.0),
    (Col::Force, "Lực lượng", 28.0),
    (Col::TeamName, "Tên tổ, đội", 30.0),
    (Col::TeamFrom, "Thành lập ngày", 14.0),
    (Col::TeamTo, "Kết thúc ngày", 14.0),
    (Col::Decision, "Quyết định", 18.0),
    (Col::FullName, "Họ và tên", 26.0),
    (Col::BirthDate, "Ngày sinh", 12.0),
    (Col::Role, "Chức danh", 12.0),
    (Col::StartOn, "Tham gia từ", 12.0),
    (Col::EndOn, "Thôi từ", 12.0),
];

pub fn header(c: Col) -> &'static str {
    crate::file::header_in(&COLUMNS, c)
}

pub type Layout = crate::file::Layout<Col>;

const REQUIRED: [Col; 5] = [
    Col::Force,
    Col::TeamFrom,
    Col::TeamTo,
    Col::FullName,
    Col::BirthDate,
];

/// Rows one file may carry: a province's rosters over several years.
pub const MAX_ROSTER_ROWS: usize = 100_000;

/// The roster file, as `files::read_table` reads it.
pub struct RosterFile;

impl FileKind for RosterFile {
    type Layout = Layout;
    type Row = RosterRow;
    const MAX_ROWS: usize = MAX_ROSTER_ROWS;
    const ROW_NOUN: &'static str = "dòng";
    const NO_ROWS: &'static str =
        "tệp không có thành viên nào (dòng để trống cột \"Họ và tên\" được bỏ qua)";
    fn header(cells: &[String]) -> Result<Layout, CellError> {
        Layout::find(cells, &COLUMNS, &REQUIRED, [Col::UnitCode, Col::UnitId])
    }
    fn row(
        layout: &Layout,
        n: usize,
        cells: &[String],
    ) -> Result<Option<RosterRow>, Vec<CellError>> {
        RosterRow::parse(layout, n, cells)
    }
}

/// One member of a historical roster, read but not yet checked against
/// the database.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    pub row: usize,
    pub unit: UnitRef,
    pub force: Force,
    pub team_name: Option<String>,
    pub team_from: NaiveDate,
    pub team_to: NaiveDate,
    pub decision: Option<String>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    pub role: Role,
    /// The member's days: the roster's unless the row says otherwise.
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

impl RosterRow {
    /// The roster a row belongs to: rows with the same key are one team.
    pub fn roster_key(&self) -> (UnitRef, Force, NaiveDate) {
        (self.unit.clone(), self.force, self.team_from)
    }

    /// Reads one row: `None` when it names nobody (a template row left
    /// empty). Every bad cell of the row is reported.
    pub fn parse(
        layout: &Layout,
        row: usize,
        cells: &[String],
    ) -> Result<Option<Self>, Vec<CellError>> {
        let get = |c: Col| layout.get(cells, c);
        let Some(full_name) = get(Col::FullName) else {
            return Ok(None);
        };
        let mut errors = Vec::new();
        let mut err = |c: Col, m: String| errors.push(CellError::new(row, header(c), m));
        let unit = match parse_unit(get(Col::UnitId), get(Col::UnitCode), get(Col::UnitLevel)) {
            Ok(u) => Some(u),
            Err(p) => {
                err(
                    p.column([Col::UnitId, Col::UnitCode, Col::UnitLevel]),
                    p.message().into(),
                );
                None
            }
        };
        let force = match get(Col::Force).map(historical_force) {
            Some(Some(f)) => Some(f),
            _ => {
                err(
                    Col::Force,
                    "cần một lực lượng trước 01/7/2024: bảo vệ dân phố, công an xã bán chuyên trách hoặc dân phòng".into(),
                );
                None
            }
        };
        let mut date = |c: Col, required: bool| match get(c) {
            None if required => {
                err(c, "không được để trống".into());
                None
            }
            None => None,
            Some(s) => {
                match parse_date_vn("date", s.get(..10).filter(|_| s.contains('-')).unwrap_or(s)) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        err(c, format!("\"{s}\" không phải một ngày (dd/mm/yyyy)"));
                        None
                    }
                }
            }
        };
        let team_from = date(Col::TeamFrom, true);
        let team_to = date(Col::TeamTo, true);
        let birth_date = date(Col::BirthDate, true);
        let start_on = date(Col::StartOn, false);
        let end_on = date(Col::EndOn, false);
        let role = match get(Col::Role) {
            None => Some(Role::Member),
            Some(s) => role_of(s).or_else(|| {
                err(
                    Col::Role,
                    format!("\"{s}\": cần Tổ trưởng, Tổ phó hoặc Tổ viên"),
                );
                None
            }),
        };
        let (Some(unit), Some(force), Some(from), Some(to), Some(birth), Some(role)) =
            (unit, force, team_from, team_to, birth_date, role)
        else {
            return Err(errors);
        };
        if let Err(e) = check_force_dates(force, from, Some(to)) {
            let c = if e.field == "ended_on" {
                Col::TeamTo
            } else {
                Col::TeamFrom
            };
            err(c, e.reason.text(crate::error::Language::Vi));
        }
        let (start, end) = (start_on.unwrap_or(from), end_on.unwrap_or(to));
        if start < from || start > to {
            err(Col::StartOn, "ngoài thời gian của tổ, đội".into());
        }
        if end < start || end > to {
            err(
                Col::EndOn,
                "trước ngày tham gia hoặc sau khi tổ, đội kết thúc".into(),
            );
        }
        if birth >= start {
            err(Col::BirthDate, "sau ngày tham gia".into());
        }
        if full_name.chars().count() > super::MAX_SHORT_CHARS {
            err(
                Col::FullName,
                format!("dài quá {} ký tự", super::MAX_SHORT_CHARS),
            );
        }
        let text = |c: Col| get(c).map(|s| s.chars().take(200).collect::<String>());
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Some(RosterRow {
            row,
            unit,
            force,
            team_name: text(Col::TeamName),
            team_from: from,
            team_to: to,
            decision: text(Col::Decision),
            full_name: full_name.to_string(),
            birth_date: birth,
            role,
            start_on: start,
            end_on: end,
        }))
    }
}

/// A force as a file names it: its code or its label, with or without
/// diacritics; never Law 30's teams, which are entered as they are set up.
fn historical_force(s: &str) -> Option<Force> {
    let folded = crate::text::fold(s);
    Force::ALL
        .iter()
        .copied()
        .filter(|f| *f != Force::Law30)
        .find(|f| f.as_str() == s.trim() || crate::text::fold(f.label()) == folded)
}

fn role_of(s: &str) -> Option<Role> {
    let folded = crate::text::fold(s);
    Role::ALL
        .iter()
        .copied()
        .find(|r| r.as_str() == s.trim() || crate::text::fold(r.label()) == folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        let header: Vec<String> = COLUMNS.iter().map(|(_, h, _)| h.to_string()).collect();
        RosterFile::header(&header).unwrap()
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_member_of_a_closed_roster_is_read() {
        let r = RosterRow::parse(
            &layout(),
            2,
            &cells(&[
                "",
                "13636",
                "",
                "Phường Vị Xuyên",
                "Bảo vệ dân phố",
                "",
                "01/03/2019",
                "2024-06-30",
                "12/QĐ",
                "Trần Văn An",
                "02/04/1970",
                "to truong",
                "",
                "31/12/2022",
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.force, Force::NeighbourhoodGuard);
        assert_eq!(r.role, Role::Leader);
        assert_eq!(r.start_on, NaiveDate::from_ymd_opt(2019, 3, 1).unwrap());
        assert_eq!(r.end_on, NaiveDate::from_ymd_opt(2022, 12, 31).unwrap());
    }

    #[test]
    fn bad_cells_are_each_reported() {
        let errs = RosterRow::parse(
            &layout(),
            3,
            &cells(&[
                "",
                "13636",
                "",
                "",
                "to_bao_ve_antt",
                "",
                "01/03/2019",
                "2025-01-01",
                "",
                "Trần Văn An",
                "ngày",
                "thủ quỹ",
                "",
                "",
            ]),
        )
        .unwrap_err();
        let cols: Vec<&str> = errs.iter().map(|e| e.column.as_str()).collect();
        assert!(cols.contains(&"Lực lượng"), "{errs:?}");
        assert!(cols.contains(&"Ngày sinh"), "{errs:?}");
        assert!(cols.contains(&"Chức danh"), "{errs:?}");
        // A roster ending after 30 June 2024 is not a historical one.
        let errs = RosterRow::parse(
            &layout(),
            4,
            &cells(&[
                "",
                "13636",
                "",
                "",
                "dan_phong",
                "",
                "01/03/2019",
                "2025-01-01",
                "",
                "Trần Văn An",
                "1970-01-01",
                "",
                "",
                "",
            ]),
        )
        .unwrap_err();
        assert_eq!(errs[0].column, "Kết thúc ngày", "{errs:?}");
        // A row naming nobody is skipped.
        let none = RosterRow::parse(&layout(), 5, &cells(&[""; 14])).unwrap();
        assert!(none.is_none());
    }
}
