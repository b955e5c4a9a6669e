//! What every imported file shares: where a problem is (row, column), how
//! a row names its unit, and how levels are written in files.

use serde::Serialize;

use crate::org_units::Level;
use crate::text::fold;

/// One problem in a file: where (row as Excel numbers it, column header)
/// and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CellError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

impl CellError {
    pub fn new(row: usize, column: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: column.to_string(),
            message: message.into(),
        }
    }
}

/// The columns of one kind of file, in file order: what each holds, its
/// header, its width in an export.
pub type Columns<C> = [(C, &'static str, f64)];

/// The header of a column.
pub fn header_in<C: Copy + PartialEq>(columns: &Columns<C>, c: C) -> &'static str {
    columns
        .iter()
        .find(|(x, _, _)| *x == c)
        .map(|(_, h, _)| *h)
        .unwrap_or("")
}

/// Where each known column is in a file: found by its header, with or
/// without diacritics, in any order; unknown headers are ignored.
#[derive(Debug, Clone)]
pub struct Layout<C>(Vec<(C, usize)>);

impl<C: Copy + PartialEq> Layout<C> {
    /// Reads the header row: the `required` columns must be there, once
    /// each known column at most, and one of the two `unit` columns (id or
    /// code).
    pub fn find(
        cells: &[String],
        columns: &Columns<C>,
        required: &[C],
        unit: [C; 2],
    ) -> Result<Self, CellError> {
        let mut found: Vec<(C, usize)> = Vec::new();
        for (i, h) in cells.iter().enumerate() {
            let h = fold(h);
            if let Some((c, _, _)) = columns.iter().find(|(_, name, _)| fold(name) == h) {
                // Two columns with one header: reading either would be a
                // guess, and the wrong one silently imports blanks.
                if let Some((_, first)) = found.iter().find(|(f, _)| f == c) {
                    let h = header_in(columns, *c);
                    return Err(CellError::new(
                        1,
                        h,
                        format!(
                            "cột \"{h}\" có hai lần ở dòng tiêu đề (cột thứ {} và thứ {}): hãy xóa hoặc đổi tên một cột",
                            first + 1,
                            i + 1
                        ),
                    ));
                }
                found.push((*c, i));
            }
        }
        let has = |c: C| found.iter().any(|(f, _)| *f == c);
        if let Some(c) = required.iter().copied().find(|c| !has(*c)) {
            let h = header_in(columns, c);
            return Err(CellError::new(
                1,
                h,
                format!("thiếu cột \"{h}\" ở dòng tiêu đề"),
            ));
        }
        if !unit.iter().any(|c| has(*c)) {
            return Err(CellError::new(
                1,
                header_in(columns, unit[0]),
                format!(
                    "cần cột \"{}\" hoặc \"{}\"",
                    header_in(columns, unit[0]),
                    header_in(columns, unit[1])
                ),
            ));
        }
        Ok(Self(found))
    }

    /// A cell of a row, trimmed; blank is none.
    pub fn get<'a>(&self, cells: &'a [String], c: C) -> Option<&'a str> {
        let i = self.0.iter().find(|(f, _)| *f == c)?.1;
        cells.get(i).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
}

/// Where a row's unit is: by internal id, or by code and level (the code
/// valid on the row's day: codes are reused after 2025).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UnitRef {
    Id(i64),
    Code { level: Level, code: String },
}

/// Why a row's unit cells name no unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitProblem {
    /// The id cell is not a whole number.
    Id,
    /// The level cell names no level.
    Level,
    /// Neither an id nor a code.
    Missing,
}

impl UnitProblem {
    /// Which of a file's unit columns (`[id, code, level]`) is wrong.
    pub fn column<C>(self, [id, code, level]: [C; 3]) -> C {
        match self {
            UnitProblem::Id => id,
            UnitProblem::Level => level,
            UnitProblem::Missing => code,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            UnitProblem::Id => "cần một số nguyên",
            UnitProblem::Level => "cấp đơn vị không hợp lệ",
            UnitProblem::Missing => "cần ID đơn vị hoặc mã đơn vị",
        }
    }
}

/// A row's unit from its id, code and level cells (trimmed; blank is
/// none). The id wins; a code alone names a commune, the usual case in
/// files (communes enter the figures and hold most models).
pub fn parse_unit(
    id: Option<&str>,
    code: Option<&str>,
    level: Option<&str>,
) -> Result<UnitRef, UnitProblem> {
    match (id, code) {
        (Some(id), _) => id
            .replace(['.', ' '], "")
            .parse::<i64>()
            .map(UnitRef::Id)
            .map_err(|_| UnitProblem::Id),
        (None, Some(code)) => {
            let level = match level {
                None => Level::Commune,
                Some(l) => parse_level(l).ok_or(UnitProblem::Level)?,
            };
            Ok(UnitRef::Code {
                level,
                code: code.to_string(),
            })
        }
        (None, None) => Err(UnitProblem::Missing),
    }
}

/// A kind of file people import: how its header row reads, and each row
/// after it. The models file and the figures file are two.
pub trait FileKind {
    type Layout;
    type Row;
    /// Rows one file may carry; one more stops the reading with a refusal.
    const MAX_ROWS: usize;
    /// What a row is called in that refusal ("giá trị", "dòng").
    const ROW_NOUN: &'static str;
    /// Said when a file has its header and nothing to import.
    const NO_ROWS: &'static str;
    fn header(cells: &[String]) -> Result<Self::Layout, CellError>;
    /// One row: `None` when it holds nothing to import; every bad cell of
    /// the row is reported, not only the first.
    fn row(
        layout: &Self::Layout,
        n: usize,
        cells: &[String],
    ) -> Result<Option<Self::Row>, Vec<CellError>>;
}

/// The rows of a file that could be read, with the problems of the others;
/// or the problems that stop the whole file (no header, empty, too long).
pub type ReadRows<R> = Result<(Vec<R>, Vec<CellError>), Vec<CellError>>;

/// How an all-or-nothing import ended.
#[derive(Debug)]
pub enum Imported<T> {
    /// Everything was written; what the import reports (ids, counts).
    All(T),
    /// Nothing was written; the problems, row by row.
    Refused(Vec<CellError>),
}

// ---- previews: what an import would do ------------------------------------

/// How an import runs: writing at once (as before previews), only saying
/// what it would write, or writing what a preview showed and nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Apply,
    Preview,
    /// Writes only if the file still does what the preview with this
    /// digest showed (no record it reads changed meanwhile).
    Confirm(String),
}

impl Mode {
    /// From the API's `dry_run` and `confirm` parameters.
    pub fn of(dry_run: bool, confirm: Option<&str>) -> Self {
        match (dry_run, confirm.map(str::trim).filter(|c| !c.is_empty())) {
            (true, _) => Mode::Preview,
            (false, Some(d)) => Mode::Confirm(d.to_string()),
            (false, None) => Mode::Apply,
        }
    }
}

impl Mode {
    /// What this mode makes of a checked file's preview: `Ok` with the
    /// preview to write by, or `Err` with the answer instead of writing
    /// (the preview; stale when a confirmation's digest no longer matches).
    pub fn gate<T>(&self, preview: Preview) -> Result<Preview, Done<T>> {
        match self {
            Mode::Preview => Err(Done::Previewed {
                preview,
                stale: false,
            }),
            Mode::Confirm(d) if !preview.confirms(d) => Err(Done::Previewed {
                preview,
                stale: true,
            }),
            Mode::Apply | Mode::Confirm(_) => Ok(preview),
        }
    }
}

/// One field a row changes on a stored record, as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub column: String,
    pub before: String,
    pub after: String,
}

/// Compares a record's fields as the file writes them: `(column, stored,
/// in the file)`; the ones that differ are the changes.
pub fn changes<'a>(
    fields: impl IntoIterator<Item = (&'a str, String, String)>,
) -> Vec<FieldChange> {
    fields
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(column, before, after)| FieldChange {
            column: column.to_string(),
            before,
            after,
        })
        .collect()
}

/// What one row does to the record it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    New,
    Changed(Vec<FieldChange>),
    Unchanged,
}

/// A row that changes a stored record, as a preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowChange {
    pub row: usize,
    /// The record, as people name it ("Mã mô hình 123", a type's code).
    pub record: String,
    pub fields: Vec<FieldChange>,
}

/// Changed rows a preview lists in full; the counts are always whole.
pub const MAX_PREVIEW_ROWS: usize = 1_000;

/// What an import would do, nothing written yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Preview {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// The changed rows, each field before → after: the first
    /// [`MAX_PREVIEW_ROWS`].
    pub changes: Vec<RowChange>,
    /// What a confirmation names (`confirm=`): a digest of every row's
    /// effect and of the stored values it read, so that a file that would
    /// now do anything else (a record changed meanwhile) is not applied.
    pub digest: String,
}

impl Preview {
    /// From each row's effect in file order: `(row, record, effect)`.
    pub fn of<'a>(rows: impl IntoIterator<Item = (usize, String, &'a Effect)>) -> Self {
        use sha2::{Digest, Sha256};
        let mut p = Preview::default();
        let mut h = Sha256::new();
        for (row, record, effect) in rows {
            let kind = match effect {
                Effect::New => {
                    p.new += 1;
                    "new"
                }
                Effect::Unchanged => {
                    p.unchanged += 1;
                    "same"
                }
                Effect::Changed(fields) => {
                    p.changed += 1;
                    for f in fields {
                        for part in [&f.column, &f.before, &f.after] {
                            h.update(part.len().to_le_bytes());
                            h.update(part.as_bytes());
                        }
                    }
                    if p.changes.len() < MAX_PREVIEW_ROWS {
                        p.changes.push(RowChange {
                            row,
                            record: record.clone(),
                            fields: fields.clone(),
                        });
                    }
                    "changed"
                }
            };
            h.update(row.to_le_bytes());
            h.update(record.len().to_le_bytes());
            h.update(record.as_bytes());
            h.update(kind.as_bytes());
        }
        p.digest = hex::encode(h.finalize());
        p
    }

    /// Whether a confirmation with `digest` confirms this preview.
    pub fn confirms(&self, digest: &str) -> bool {
        self.digest == digest.trim()
    }
}

/// What an import did with a file it could read and check: wrote it, or
/// only said what it would write (asked for a preview, or a confirmation
/// whose preview the file no longer matches: `stale`).
#[derive(Debug)]
pub enum Done<T> {
    Written(T),
    Previewed { preview: Preview, stale: bool },
}

/// What an import wrote, by effect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Written {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl From<&Preview> for Written {
    fn from(p: &Preview) -> Self {
        Written {
            new: p.new,
            changed: p.changed,
            unchanged: p.unchanged,
        }
    }
}

/// Problems one file reports at most: past them the reading stops (the
/// file is refused anyway), so that a file of a million bad rows holds
/// a thousand messages in memory, not fifteen million.
pub const MAX_ERRORS: usize = 1_000;

/// Gathers a file's rows as a reader streams them (`files::read_table`),
/// so that every kind of file is read by the same rules.
pub struct Collect<K: FileKind> {
    layout: Option<K::Layout>,
    rows: Vec<K::Row>,
    errors: Vec<CellError>,
    stop: Option<CellError>,
    /// The row at which [`MAX_ERRORS`] was reached.
    gave_up_at: Option<usize>,
}

impl<K: FileKind> Default for Collect<K> {
    fn default() -> Self {
        Self {
            layout: None,
            rows: Vec::new(),
            errors: Vec::new(),
            stop: None,
            gave_up_at: None,
        }
    }
}

impl<K: FileKind> Collect<K> {
    /// Row `n` as Excel numbers it (the first is the header).
    pub fn feed(&mut self, n: usize, cells: &[String]) {
        if self.stop.is_some() || self.gave_up_at.is_some() {
            return;
        }
        match &self.layout {
            None => match K::header(cells) {
                Ok(l) => self.layout = Some(l),
                Err(e) => self.stop = Some(e),
            },
            Some(l) => match K::row(l, n, cells) {
                Ok(Some(r)) => self.rows.push(r),
                Ok(None) => {}
                Err(mut e) => {
                    self.errors.append(&mut e);
                    if self.errors.len() >= MAX_ERRORS {
                        self.errors.truncate(MAX_ERRORS);
                        self.gave_up_at = Some(n);
                    }
                }
            },
        }
        if self.rows.len() > K::MAX_ROWS {
            self.stop = Some(CellError::new(
                n,
                "",
                format!(
                    "tệp có hơn {} {}: hãy chia thành nhiều tệp",
                    K::MAX_ROWS,
                    K::ROW_NOUN
                ),
            ));
        }
    }

    pub fn finish(mut self) -> ReadRows<K::Row> {
        if let Some(e) = self.stop {
            return Err(vec![e]);
        }
        if let Some(n) = self.gave_up_at {
            self.errors.push(CellError::new(
                n,
                "",
                format!(
                    "đã dừng đọc ở dòng {n} sau {MAX_ERRORS} lỗi: hãy sửa các lỗi trên rồi tải lại tệp"
                ),
            ));
        }
        if self.layout.is_none() {
            return Err(vec![CellError::new(1, "", "tệp trống")]);
        }
        if self.rows.is_empty() && self.errors.is_empty() {
            return Err(vec![CellError::new(2, "", K::NO_ROWS)]);
        }
        Ok((self.rows, self.errors))
    }
}

/// The SHA-256 of an imported file in hex, kept with what it wrote so an
/// import can be traced to its file.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// The label of a level in files.
pub fn level_label(l: Level) -> &'static str {
    match l {
        Level::Province => "Tỉnh",
        Level::District => "Huyện",
        Level::Commune => "Xã, phường",
        Level::Village => "Thôn, tổ dân phố",
        Level::Site => "Cơ sở",
    }
}

/// A level as written in a file: its code (`commune`) or its label, with
/// or without diacritics.
pub fn parse_level(s: &str) -> Option<Level> {
    let f = fold(s);
    Level::ALL
        .into_iter()
        .find(|l| l.as_str() == s.trim() || fold(level_label(*l)) == f)
}

/// A number as people write it: integral values without `.0`, others with
/// the shortest `.`-decimal form that round-trips; non-finite values empty.
/// Exactly three decimals get a fourth, `0`: Vietnamese readers (and
/// [`parse_number`], which reads imported figures) take one
/// `.` before three digits for a group of thousands, so `2.375` would
/// come back from an export or a spreadsheet's number as 2375.
pub fn number_text(n: f64) -> String {
    if !n.is_finite() {
        String::new()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        // Exactly representable as i64 here, so the cast is lossless.
        format!("{}", n as i64)
    } else {
        // `Display` of an f64 has no exponent: one `.` at most.
        let mut s = format!("{n}");
        if s.split_once('.').is_some_and(|(_, d)| d.len() == 3) {
            s.push('0');
        }
        s
    }
}

/// A number as people type it: `1234`, `1.234` (thousands), `12,5`
/// (decimal), `1 000`. Blank is no number.
pub fn parse_number(s: &str) -> Result<Option<f64>, &'static str> {
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let normal = if cleaned.contains(',') {
        cleaned.replace('.', "").replace(',', ".")
    } else if cleaned.matches('.').count() > 1
        || cleaned.split('.').nth(1).is_some_and(|d| d.len() == 3)
    {
        cleaned.replace('.', "")
    } else {
        cleaned
    };
    normal
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or("cần một số")
}

/// Excel's column letter for a 0-based column index: 0 → A, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_counts_every_row_and_its_digest_follows_what_was_read() {
        let changed = Effect::Changed(changes([
            ("Tên mô hình", "A".to_string(), "B".to_string()),
            ("Số thành viên", "12".to_string(), "12".to_string()),
        ]));
        let rows = |before: &str, effect: &Effect| {
            let e = Effect::Changed(changes([(
                "Tên mô hình",
                before.to_string(),
                "B".to_string(),
            )]));
            let first = Preview::of([
                (2, "Mã mô hình 7".to_string(), &Effect::New),
                (3, "Mã mô hình 8".to_string(), effect),
                (4, "Mã mô hình 9".to_string(), &Effect::Unchanged),
            ]);
            (first, Preview::of([(3, "Mã mô hình 8".to_string(), &e)]))
        };
        let (p, _) = rows("A", &changed);
        assert_eq!((p.new, p.changed, p.unchanged), (1, 1, 1));
        assert_eq!(p.changes[0].fields.len(), 1, "an equal field is no change");
        assert_eq!(p.changes[0].fields[0].before, "A");
        assert!(p.confirms(&format!(" {} ", p.digest)));
        // The same file read against other stored values is another preview.
        let (_, a) = rows("A", &changed);
        let (_, b) = rows("A2", &changed);
        assert_ne!(a.digest, b.digest);
        let (q, _) = rows("A", &Effect::Unchanged);
        assert_ne!(p.digest, q.digest);
        assert_eq!(Mode::of(true, Some("x")), Mode::Preview);
        assert_eq!(Mode::of(false, Some(" d ")), Mode::Confirm("d".into()));
        assert_eq!(Mode::of(false, Some("")), Mode::Apply);
        let gated = |m: Mode| match m.gate::<()>(p.clone()) {
            Ok(_) => "write",
            Err(Done::Previewed { stale: false, .. }) => "preview",
            Err(Done::Previewed { stale: true, .. }) => "stale",
            Err(Done::Written(())) => "written",
        };
        assert_eq!(gated(Mode::Apply), "write");
        assert_eq!(gated(Mode::Preview), "preview");
        assert_eq!(gated(Mode::Confirm(p.digest.clone())), "write");
        assert_eq!(gated(Mode::Confirm(q.digest.clone())), "stale");
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("  "), Ok(None));
        assert_eq!(parse_number("1234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("1.234"), Ok(Some(1234.0)));
        assert_eq!(parse_number("1.234.567"), Ok(Some(1234567.0)));
        assert_eq!(parse_number("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_number("12.5"), Ok(Some(12.5)));
        assert_eq!(parse_number("1 000"), Ok(Some(1000.0)));
        assert_eq!(parse_number("-3"), Ok(Some(-3.0)));
        assert!(parse_number("abc").is_err());
        assert!(parse_number("inf").is_err());
        assert!(parse_number("NaN").is_err());
    }

    #[test]
    fn a_unit_by_id_or_by_code_and_level() {
        assert_eq!(
            parse_unit(Some("1.234"), Some("x"), None),
            Ok(UnitRef::Id(1234))
        );
        assert_eq!(parse_unit(Some("a"), None, None), Err(UnitProblem::Id));
        let commune = UnitRef::Code {
            level: Level::Commune,
            code: "00004".into(),
        };
        assert_eq!(parse_unit(None, Some("00004"), None), Ok(commune));
        assert_eq!(
            parse_unit(None, Some("01"), Some("Tỉnh")),
            Ok(UnitRef::Code {
                level: Level::Province,
                code: "01".into()
            })
        );
        assert_eq!(
            parse_unit(None, Some("01"), Some("quận")),
            Err(UnitProblem::Level)
        );
        assert_eq!(
            parse_unit(None, None, Some("Tỉnh")),
            Err(UnitProblem::Missing)
        );
    }

    /// A file of numbers, one a row, at most three.
    struct Numbers;
    impl FileKind for Numbers {
        type Layout = ();
        type Row = f64;
        const MAX_ROWS: usize = 3;
        const ROW_NOUN: &'static str = "số";
        const NO_ROWS: &'static str = "không có số nào";
        fn header(cells: &[String]) -> Result<(), CellError> {
            match cells.first().map(String::as_str) {
                Some("Số") => Ok(()),
                _ => Err(CellError::new(1, "Số", "thiếu cột")),
            }
        }
        fn row(_: &(), n: usize, cells: &[String]) -> Result<Option<f64>, Vec<CellError>> {
            let cell = cells.first().map(String::as_str).unwrap_or("");
            parse_number(cell).map_err(|m| vec![CellError::new(n, "Số", m)])
        }
    }

    fn read(lines: &[&str]) -> ReadRows<f64> {
        let mut c = Collect::<Numbers>::default();
        for (i, l) in lines.iter().enumerate() {
            c.feed(i + 1, &[l.to_string()]);
        }
        c.finish()
    }

    /// Past MAX_ERRORS problems the reading stops, says where, and keeps
    /// no more of them.
    #[test]
    fn a_file_of_bad_rows_keeps_a_bounded_list_of_problems() {
        let mut c = Collect::<Numbers>::default();
        c.feed(1, &["Số".to_string()]);
        for n in 2..(MAX_ERRORS + 500) {
            c.feed(n, &["x".to_string()]);
        }
        let (rows, errors) = c.finish().unwrap();
        assert!(rows.is_empty());
        assert_eq!(errors.len(), MAX_ERRORS + 1);
        let last = errors.last().unwrap();
        assert_eq!(last.row, MAX_ERRORS + 1);
        assert!(last.message.contains("đã dừng đọc"), "{}", last.message);
    }

    #[test]
    fn one_reader_for_every_kind_of_file() {
        assert_eq!(
            read(&["Số", "1", "", "x", "2"]).map(|(r, e)| (r, e.len())),
            Ok((vec![1.0, 2.0], 1))
        );
        let only = |r: ReadRows<f64>| {
            r.err().map(|e| {
                e.into_iter()
                    .map(|e| (e.row, e.message))
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(only(read(&[])), Some(vec![(1, "tệp trống".to_string())]));
        assert_eq!(
            only(read(&["Giá trị", "1"])),
            Some(vec![(1, "thiếu cột".to_string())])
        );
        assert_eq!(
            only(read(&["Số", ""])),
            Some(vec![(2, "không có số nào".to_string())])
        );
        assert_eq!(
            only(read(&["Số", "1", "2", "3", "4", "x"])),
            Some(vec![(
                5,
                "tệp có hơn 3 số: hãy chia thành nhiều tệp".to_string()
            )])
        );
    }

    #[test]
    fn levels_by_code_or_label() {
        assert_eq!(parse_level("commune"), Some(Level::Commune));
        assert_eq!(parse_level("Xa, phuong"), Some(Level::Commune));
        assert_eq!(parse_level("Thôn, tổ dân phố"), Some(Level::Village));
        assert_eq!(parse_level("quận"), None);
    }
}
