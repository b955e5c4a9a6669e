//! The columns of a model-type catalogue file: what the catalogue's export
//! writes and its import reads back (a province loads its own types in one
//! go). Columns are found by their header, in any order; the catalogue
//! column (whose the type is) is written for people and ignored on import.
//! Fields and places are written as their Vietnamese labels and read as
//! labels or codes; places are separated by `;` (labels hold commas).

use super::ModelTypeInput;
pub use crate::file::CellError;
use crate::file::FileKind;
use crate::text::fold;

/// What each column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Code,
    Name,
    ShortName,
    Sector,
    Targets,
    Description,
    LegalBasis,
    LeadOrg,
    CoordinatingOrgs,
    Source,
    Owner,
    Status,
}

/// The columns in file order, with their headers and widths.
pub const COLUMNS: [(Col, &str, f64); 12] = [
    (Col::Code, "Mã loại", 24.0),
    (Col::Name, "Tên loại mô hình", 44.0),
    (Col::ShortName, "Tên ngắn", 26.0),
    (Col::Sector, "Lĩnh vực", 26.0),
    (Col::Targets, "Nơi áp dụng", 30.0),
    (Col::Description, "Mô tả", 44.0),
    (Col::LegalBasis, "Căn cứ", 34.0),
    (Col::LeadOrg, "Cơ quan chủ trì", 26.0),
    (Col::CoordinatingOrgs, "Cơ quan phối hợp", 30.0),
    (Col::Source, "Nguồn", 16.0),
    (Col::Owner, "Danh mục", 20.0),
    (Col::Status, "Trạng thái", 14.0),
];

/// The status cell of a retired type, and of one in use.
pub const RETIRED: &str = "Thôi dùng";
pub const IN_USE: &str = "Đang dùng";

/// Where each known column is in a catalogue file.
pub type Layout = crate::file::Layout<Col>;

const REQUIRED: [Col; 4] = [Col::Code, Col::Name, Col::Sector, Col::Targets];

impl Layout {
    /// Reads the header row: the code, name, field and places are needed.
    pub fn from_header(cells: &[String]) -> Result<Self, CellError> {
        Self::find(cells, &COLUMNS, &REQUIRED, [Col::Code, Col::Code])
    }
}

pub fn header(c: Col) -> &'static str {
    crate::file::header_in(&COLUMNS, c)
}

/// The header a domain error's field belongs to, for the error report.
pub fn header_of_field(field: &str) -> &'static str {
    header(match field {
        "code" => Col::Code,
        "short_name" => Col::ShortName,
        "sector" => Col::Sector,
        "targets" => Col::Targets,
        "description" => Col::Description,
        "legal_basis" => Col::LegalBasis,
        "lead_org" => Col::LeadOrg,
        "coordinating_orgs" => Col::CoordinatingOrgs,
        "source" => Col::Source,
        _ => Col::Name,
    })
}

/// The catalogue file, as `files::read_table` reads it.
pub struct TypeFile;

impl FileKind for TypeFile {
    type Layout = Layout;
    type Row = TypeRow;
    /// The article's department keeps 55 types; a catalogue of thousands
    /// is a mistake, not a catalogue.
    const MAX_ROWS: usize = 2_000;
    const ROW_NOUN: &'static str = "dòng";
    const NO_ROWS: &'static str = "tệp không có loại mô hình nào";
    fn header(cells: &[String]) -> Result<Layout, CellError> {
        Layout::from_header(cells)
    }
    fn row(layout: &Layout, n: usize, cells: &[String]) -> Result<Option<TypeRow>, Vec<CellError>> {
        TypeRow::parse(layout, n, cells).map(Some)
    }
}

/// One row of a catalogue file, read but not checked against the database.
#[derive(Debug, Clone)]
pub struct TypeRow {
    pub row: usize,
    pub input: ModelTypeInput,
    pub source: Option<String>,
}

impl TypeRow {
    /// Reads one row; every bad cell of the row is reported. Fields and
    /// kinds of place are kept as written (a name or a code): the
    /// catalogues that say what they name are data, which the store reads
    /// (`store::models::vocabulary`).
    pub fn parse(layout: &Layout, row: usize, cells: &[String]) -> Result<Self, Vec<CellError>> {
        let mut errors = Vec::new();
        let get = |c: Col| layout.get(cells, c);
        let mut err = |c: Col, m: String| errors.push(CellError::new(row, header(c), m));
        let sector = get(Col::Sector).map(str::to_string);
        let targets: Vec<String> = get(Col::Targets)
            .unwrap_or_default()
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let retired = match get(Col::Status).map(fold) {
            None => None,
            Some(s) if s == fold(RETIRED) => Some(true),
            Some(s) if s == fold(IN_USE) => Some(false),
            Some(_) => {
                err(
                    Col::Status,
                    format!("trạng thái là «{IN_USE}» hoặc «{RETIRED}»"),
                );
                None
            }
        };
        let text = |c: Col| get(c).map(str::to_string);
        let input = ModelTypeInput {
            code: text(Col::Code),
            name: text(Col::Name),
            short_name: text(Col::ShortName),
            sector,
            targets: Some(targets),
            description: Some(text(Col::Description).unwrap_or_default()),
            legal_basis: Some(text(Col::LegalBasis).unwrap_or_default()),
            lead_org: Some(text(Col::LeadOrg).unwrap_or_default()),
            coordinating_orgs: Some(text(Col::CoordinatingOrgs).unwrap_or_default()),
            retired,
            owner_id: None,
        };
        if errors.is_empty() {
            Ok(TypeRow {
                row,
                input,
                source: text(Col::Source),
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cells_are_read_and_bad_ones_named() {
        let l = Layout::from_header(&cells(&[
            "Nơi áp dụng",
            "mã loại",
            "TÊN LOẠI MÔ HÌNH",
            "Lĩnh vực",
            "Trạng thái",
        ]))
        .unwrap();
        let r = TypeRow::parse(
            &l,
            2,
            &cells(&[
                "thôn, tổ dân phố; school",
                "nb_tu_quan",
                "Tổ tự quản",
                "Khu dân cư",
                "Đang dùng",
            ]),
        );
        let r = r.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.input.code.as_deref(), Some("nb_tu_quan"));
        // Fields and places stay as written: the store reads them against
        // the lists the owner may use (`store::models::types::import`).
        assert_eq!(
            r.input.targets,
            Some(vec!["thôn, tổ dân phố".to_string(), "school".to_string()])
        );
        assert_eq!(r.input.sector.as_deref(), Some("Khu dân cư"));
        assert_eq!(r.input.retired, Some(false));
        let bad = TypeRow::parse(&l, 3, &cells(&["bến xe", "x", "X", "không rõ", "sắp dùng"]))
            .unwrap_err();
        let cols: Vec<&str> = bad.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, vec!["Trạng thái"]);
        assert!(Layout::from_header(&cells(&["Mã loại", "Tên loại mô hình", "Lĩnh vực"])).is_err());
    }
}
