//! Bounds on an uploaded XLSX archive, checked before calamine sees it.
//!
//! calamine 0.38 trusts what the archive says: `<sst uniqueCount="…">`
//! becomes `Vec::reserve(n)` (a 1 KB file with a count of 10^17 aborts the
//! process: an allocation failure is not a panic that can be caught), and
//! it keeps every shared string and every style in memory, so a small file
//! that inflates to gigabytes exhausts memory too. [`check_xlsx`] reads the
//! archive once, streaming, and refuses it with
//! [`FilesError::ArchiveLimit`] (or [`FilesError::NotSpreadsheet`] when
//! the archive itself is broken) before anything is allocated by what it
//! declares:
//!
//! 1. the end-of-central-directory record (and the ZIP64 one) is parsed by
//!    hand, so that an absurd entry count or a directory outside the file is
//!    refused before the `zip` crate opens the archive;
//! 2. every entry's declared sizes are checked against the bounds below;
//! 3. every entry is inflated, at most one byte past its declared size, so
//!    that a header that lies is caught, and scanned on the way: the shared
//!    strings for the counts calamine allocates by, every entry for what
//!    parsing it as XML would hold at once (`xml.rs`: one event, the
//!    content of a cell, the open elements) and what calamine keeps of it
//!    (styles, names, sheets, relationships).
//!
//! The bounds are the `pub const`s of this module. Peak memory of reading
//! any archive that passes is then about the shared strings calamine keeps
//! (≤ 64 MiB of XML, ≤ 1,000,000 strings: 74 MB measured at 60 MiB), its
//! definitions (≤ 100,000 and 16 MiB: about 60 MB), and a few copies of
//! one XML event (≤ 4 MiB each): 116 MB measured with all of them near
//! their bounds (the fuzz binary's `a_workbook_at_the_bounds_…`).

use std::io::{self, Cursor, Read, Write};

use zip::{CompressionMethod, ZipArchive};

use crate::table::{FilesError, Source};

mod xml;

use xml::{Definitions, XmlScan};

const MIB: u64 = 1024 * 1024;

/// Entries in the archive. Excel, LibreOffice and rust_xlsxwriter write 9
/// to about 30 (one per sheet, drawing, chart, printer setting…); a
/// thousand leaves room for big workbooks and bounds the work per upload.
pub const MAX_ENTRIES: u64 = 1_000;

/// Inflated bytes of all entries together. 100,000 rows × 15 columns as
/// `files::xlsx` writes them inflate to 71 MB (measured: 710 bytes a row),
/// so this reads about 290,000 such rows, or, estimated at 300–400 bytes
/// a row, the 500,000 values of the largest statistics import in a narrow
/// table. A worksheet is streamed: what one costs in memory is bounded by
/// [`MAX_XML_EVENT_BYTES`], not by this.
pub const MAX_INFLATED_BYTES: u64 = 200 * MIB;

/// Inflated size over compressed size for an entry larger than
/// [`RATIO_FREE_BYTES`] inflated. XML of real spreadsheets deflates 3 to
/// 15 times (a 100,000-row sheet: 9.3); zeros deflate about 1,000 times.
/// 100 is Apache POI's default for the same check (`ZipSecureFile`,
/// minimum inflate ratio 0.01), which has held for Excel files for years.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// Entries up to this inflated size are not ratio-checked: a tiny part
/// such as an empty `<sheetData/>` deflates far better than 100 times and
/// costs nothing.
pub const RATIO_FREE_BYTES: u64 = MIB;

/// Inflated size of the shared-strings part (`xl/sharedStrings.xml`),
/// which calamine keeps in memory whole, as strings. A file that repeats
/// text in 100,000 rows holds far less: only distinct strings are there.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 64 * MIB;

/// Shared strings (`<si>` elements), and every `count`/`uniqueCount`
/// attribute of the shared-strings part: calamine reserves a `String` (24
/// bytes) per declared string, so 10^6 is 24 MB at most. A file of
/// 1,000,000 rows (`MAX_ROWS`) with one distinct text per row still fits.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;

/// Inflated size of the styles part (`xl/styles.xml`), kept in memory by
/// calamine. Real ones are a few KB (1.6 KB from `files::xlsx`) to a few
/// hundred KB in heavily formatted workbooks.
pub const MAX_STYLES_BYTES: u64 = 16 * MIB;

/// Bytes of one XML event as quick-xml reads it whole (a tag with its
/// attributes, a text run, a comment, a CDATA section, a processing
/// instruction, a DOCTYPE), of the content calamine gathers into one cell
/// or shared string (`<t>`, `<v>`, `<is>`, `<si>` to their end tag), and
/// of the names of the open elements quick-xml keeps. A cell holds at most
/// 32,767 characters in Excel (10,000 in an import): 98 KB of UTF-8, 590
/// KB if every character is escaped (`&quot;`); this is seven times that.
/// quick-xml's buffer doubles as it grows and calamine copies it two or
/// three times: 17 MB at most measured (`archive_events`), where a 150 MiB
/// event took 398 MB.
pub const MAX_XML_EVENT_BYTES: u64 = 4 * MIB;

/// Elements open at once. quick-xml keeps each open element's name (and 8
/// bytes); a worksheet nests about 8 deep, a chart or drawing about 20.
pub const MAX_XML_DEPTH: u64 = 256;

/// Definitions calamine keeps one value for, in all parts: styles (`xf`,
/// about 270 bytes each in memory), fonts, fills, borders, number formats,
/// defined names, sheets, relationships (about 150 bytes each in a map).
/// Excel allows 64,000 cell formats; a workbook has a few dozen of the
/// others, a sheet one relationship per hyperlink.
pub const MAX_DEFINITIONS: u64 = 100_000;

/// XML bytes of those definitions, which calamine keeps as strings (a
/// defined name's content, a relationship's target…); a style counts the
/// longest font-name and number-format tags before it, which calamine
/// clones into every style.
pub const MAX_DEFINITIONS_BYTES: u64 = 16 * MIB;

/// Checks the bounds above on an archive; `Ok` means calamine may open it.
pub(crate) fn check_xlsx(bytes: &[u8]) -> Result<(), FilesError> {
    check_end_record(bytes)?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(broken)?;
    if count(zip.len()) > MAX_ENTRIES {
        return Err(too_many_entries());
    }
    let parts = (0..zip.len())
        .map(|i| declared_part(&zip, i))
        .collect::<Result<Vec<_>, _>>()?;
    let total = parts.iter().fold(0u64, |sum, p| sum.saturating_add(p.size));
    if total > MAX_INFLATED_BYTES {
        return Err(too_large_total());
    }
    let mut definitions = Definitions::default();
    for (i, part) in parts.iter().enumerate() {
        definitions = inflate(&mut zip, i, part, definitions)?;
    }
    Ok(())
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn broken(why: impl Into<Source>) -> FilesError {
    FilesError::NotSpreadsheet(why.into())
}

fn limit(what: &str, limit: String) -> FilesError {
    FilesError::ArchiveLimit {
        what: what.to_owned(),
        limit,
    }
}

fn too_many_entries() -> FilesError {
    limit("số mục trong tệp nén", format!("{MAX_ENTRIES} mục"))
}

fn too_large_total() -> FilesError {
    limit(
        "tổng dung lượng giải nén",
        format!("{} MiB", MAX_INFLATED_BYTES / MIB),
    )
}

fn too_large_element() -> FilesError {
    limit(
        "một phần tử XML",
        format!("{} MiB", MAX_XML_EVENT_BYTES / MIB),
    )
}

fn too_deep() -> FilesError {
    limit("độ sâu lồng nhau của XML", format!("{MAX_XML_DEPTH} cấp"))
}

fn too_many_definitions() -> FilesError {
    limit(
        "các định nghĩa giữ trong bộ nhớ (kiểu định dạng, phông chữ, tên, trang tính, quan hệ)",
        format!(
            "{MAX_DEFINITIONS} định nghĩa, {} MiB",
            MAX_DEFINITIONS_BYTES / MIB
        ),
    )
}

// ---------------------------------------------------------------------------
// The end of central directory record, before the `zip` crate opens the file.

const EOCD_SIGNATURE: &[u8] = b"PK\x05\x06";
const EOCD_LEN: usize = 22;
const LOCATOR_SIGNATURE: &[u8] = b"PK\x06\x07";
const LOCATOR_LEN: usize = 20;
const EOCD64_SIGNATURE: &[u8] = b"PK\x06\x06";
const EOCD64_LEN: u64 = 56;

/// The central directory as an end record declares it.
struct Directory {
    /// The larger of the entry counts (this disk, all disks).
    entries: u64,
    size: u64,
    offset: u64,
    /// Where the directory must end at the latest: its end record.
    end: u64,
}

/// Finds the end record the `zip` crate tries first (the last one whose
/// comment fits in the file, within the 64 KiB a comment can take) and
/// refuses an entry count past [`MAX_ENTRIES`] or a directory that is not
/// inside the file before its end record. Nothing is allocated.
fn check_end_record(bytes: &[u8]) -> Result<(), FilesError> {
    let at = find_end_record(bytes).ok_or_else(|| broken("no end of central directory"))?;
    let dir = directory(bytes, at)?;
    if dir.entries > MAX_ENTRIES {
        return Err(too_many_entries());
    }
    match dir.offset.checked_add(dir.size) {
        Some(end) if end <= dir.end => Ok(()),
        _ => Err(broken("central directory outside the file")),
    }
}

fn find_end_record(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        let comment = le(bytes, at + 20, 2).unwrap_or(u64::MAX);
        bytes.get(at..at + 4) == Some(EOCD_SIGNATURE)
            && count(at + EOCD_LEN).saturating_add(comment) <= count(bytes.len())
    })
}

/// Little-endian unsigned field of `len` bytes at `at`, if in the file.
fn le(bytes: &[u8], at: usize, len: usize) -> Option<u64> {
    let field = bytes.get(at..at.checked_add(len)?)?;
    Some(field.iter().rev().fold(0, |n, &b| (n << 8) | u64::from(b)))
}

fn directory(bytes: &[u8], at: usize) -> Result<Directory, FilesError> {
    let field = |offset: usize, len: usize| le(bytes, at + offset, len).unwrap_or(u64::MAX);
    let (on_disk, total) = (field(8, 2), field(10, 2));
    let (size, offset) = (field(12, 4), field(16, 4));
    // The `zip` crate reads ZIP64 records only when a field is saturated.
    let saturated = total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF;
    let locator = at.checked_sub(LOCATOR_LEN);
    match locator {
        Some(l) if saturated && bytes.get(l..l + 4) == Some(LOCATOR_SIGNATURE) => {
            directory64(bytes, l)
        }
        _ => Ok(Directory {
            entries: on_disk.max(total),
            size,
            offset,
            end: count(at),
        }),
    }
}

/// The ZIP64 end record that the locator at `locator` points to.
fn directory64(bytes: &[u8], locator: usize) -> Result<Directory, FilesError> {
    let record = le(bytes, locator + 8, 8).unwrap_or(u64::MAX);
    if record.saturating_add(EOCD64_LEN) > count(locator) {
        return Err(broken("ZIP64 end record outside the file"));
    }
    let at = usize::try_from(record).map_err(broken)?;
    if bytes.get(at..at + 4) != Some(EOCD64_SIGNATURE) {
        return Err(broken("no ZIP64 end record"));
    }
    let field = |offset: usize| le(bytes, at + offset, 8).unwrap_or(u64::MAX);
    Ok(Directory {
        entries: field(24).max(field(32)),
        size: field(40),
        offset: field(48),
        end: record,
    })
}

// ---------------------------------------------------------------------------
// Declared sizes, then the real ones.

/// What an entry is to calamine: a part it keeps in memory, or not.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    SharedStrings,
    Styles,
    Other,
}

/// An entry as its central directory header declares it.
struct Part {
    kind: Kind,
    size: u64,
}

/// Reads entry `i`'s header and checks its declared sizes. calamine finds
/// parts by their lower-cased name under the workbook's folder, wherever
/// the package relationships put it: matching the end of the name covers
/// every place.
fn declared_part(zip: &ZipArchive<Cursor<&[u8]>>, i: usize) -> Result<Part, FilesError> {
    let entry = zip.by_index_data(i).map_err(broken)?;
    if entry.encrypted() {
        return Err(broken("encrypted entry"));
    }
    if !matches!(
        entry.compression(),
        CompressionMethod::Stored | CompressionMethod::Deflated
    ) {
        return Err(broken("unsupported compression method"));
    }
    let name = entry.name().map_err(broken)?.to_ascii_lowercase();
    let kind = if name.ends_with("sharedstrings.xml") {
        Kind::SharedStrings
    } else if name.ends_with("styles.xml") {
        Kind::Styles
    } else {
        Kind::Other
    };
    let part = Part {
        kind,
        size: entry.size(),
    };
    check_size(&part, part.size)?;
    check_ratio(part.size, entry.compressed_size())?;
    Ok(part)
}

/// The bound on `size` inflated bytes of a part of this kind.
fn check_size(part: &Part, size: u64) -> Result<(), FilesError> {
    match part.kind {
        Kind::SharedStrings if size > MAX_SHARED_STRINGS_BYTES => Err(limit(
            "dung lượng bảng chuỗi dùng chung (sharedStrings.xml)",
            format!("{} MiB", MAX_SHARED_STRINGS_BYTES / MIB),
        )),
        Kind::Styles if size > MAX_STYLES_BYTES => Err(limit(
            "dung lượng bảng kiểu định dạng (styles.xml)",
            format!("{} MiB", MAX_STYLES_BYTES / MIB),
        )),
        _ if size > MAX_INFLATED_BYTES => Err(too_large_total()),
        _ => Ok(()),
    }
}

fn check_ratio(size: u64, compressed: u64) -> Result<(), FilesError> {
    if size > RATIO_FREE_BYTES && size > compressed.saturating_mul(MAX_COMPRESSION_RATIO) {
        return Err(limit(
            "tỉ lệ nén của một mục",
            format!("{MAX_COMPRESSION_RATIO} lần"),
        ));
    }
    Ok(())
}

/// Inflates entry `i` into the scans, one byte past its declared size at
/// most: the `zip` crate refuses more than declared too, this does not
/// rely on it. Every entry is scanned as XML, whatever its name: calamine
/// opens a worksheet or the workbook under any name the relationships
/// give (`xl/media/image1.png` too), and a binary entry ends the scan at
/// its first bytes that are not UTF-8, as it ends quick-xml.
fn inflate(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    i: usize,
    part: &Part,
    definitions: Definitions,
) -> Result<Definitions, FilesError> {
    let entry = zip.by_index(i).map_err(broken)?;
    let mut limited = entry.take(part.size.saturating_add(1));
    let mut scan = Scan {
        xml: XmlScan::new(definitions),
        strings: (part.kind == Kind::SharedStrings).then(SharedStrings::default),
    };
    let copied = io::copy(&mut limited, &mut scan);
    if let Some(refused) = scan.xml.refused.take() {
        return Err(refused);
    }
    if copied.map_err(broken)? > part.size {
        return Err(broken("entry larger than its declared size"));
    }
    if let Some(strings) = scan.strings.as_mut() {
        strings.finish()?;
    }
    scan.xml.finish()
}

/// Both scans of an entry, fed the same bytes.
struct Scan {
    xml: XmlScan,
    strings: Option<SharedStrings>,
}

impl Write for Scan {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(strings) = self.strings.as_mut() {
            strings.write_all(buf)?;
        }
        self.xml.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The counts of the shared strings.

/// Counts, in a stream of XML bytes, what calamine allocates by: `<si`
/// elements (also `<x:si>`) and the numeric values of `count` and
/// `uniqueCount` attributes. It does not parse XML: it over-counts (an
/// `<si` in a comment, `count="5"` in a text are counted) but cannot be
/// fooled into under-counting, by a comment, a CDATA section or a quote
/// left open before the real `<sst>`: every `count="` starts a new value,
/// whatever came before. Memory is constant.
#[derive(Default)]
struct SharedStrings {
    /// The run of name characters being read, lower-cased; `None` once it
    /// is longer than any name looked for.
    token: Option<Token>,
    /// The byte before the current token.
    before: u8,
    previous: u8,
    /// Between `</` and the next `<` or `>`: an end tag, whose `x:si` is
    /// not one more string.
    closing: bool,
    attribute: Attribute,
    /// The value of a `count=` being read: its quote, its number.
    value: Option<Value>,
    strings: u64,
    largest: u64,
}

#[derive(Default, Clone, Copy)]
struct Token {
    bytes: [u8; 11],
    len: usize,
}

/// Where a `count` attribute is: just after its name, or after `=`.
#[derive(Default, Clone, Copy, PartialEq)]
enum Attribute {
    #[default]
    None,
    Name,
    Equals,
}

#[derive(Clone, Copy)]
struct Value {
    quote: u8,
    number: u64,
    digits: bool,
    other: bool,
}

impl SharedStrings {
    fn byte(&mut self, b: u8) {
        self.value_byte(b);
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            self.name_byte(b);
        } else {
            self.end_token();
            self.attribute_byte(b);
        }
        match b {
            b'/' if self.previous == b'<' => self.closing = true,
            b'<' | b'>' => self.closing = false,
            _ => {}
        }
        self.previous = b;
    }

    /// A byte inside a `count="…"` value: digits make the number; the
    /// value counts only if it is nothing but digits, blanks and `+` (what
    /// calamine parses is digits only: this is a superset).
    fn value_byte(&mut self, b: u8) {
        let Some(v) = self.value.as_mut() else { return };
        if b == v.quote {
            if v.digits && !v.other {
                self.largest = self.largest.max(v.number);
            }
            self.value = None;
        } else if b.is_ascii_digit() {
            v.number = v
                .number
                .saturating_mul(10)
                .saturating_add(u64::from(b - b'0'));
            v.digits = true;
        } else if !(b.is_ascii_whitespace() || b == b'+') {
            v.other = true;
        }
    }

    fn name_byte(&mut self, b: u8) {
        self.attribute = Attribute::None;
        if self.token.is_none() {
            if self.previous_is_name() {
                return; // in a run too long to be a name looked for
            }
            self.before = self.previous;
            self.token = Some(Token::default());
        }
        let Some(token) = self.token.as_mut() else {
            return;
        };
        match token.bytes.get_mut(token.len) {
            Some(slot) => {
                *slot = b.to_ascii_lowercase();
                token.len += 1;
            }
            None => self.token = None,
        }
    }

    fn previous_is_name(&self) -> bool {
        let p = self.previous;
        p.is_ascii_alphanumeric() || matches!(p, b'_' | b'-' | b'.')
    }

    fn end_token(&mut self) {
        let Some(token) = self.token.take() else {
            return;
        };
        let name = token.bytes.get(..token.len).unwrap_or_default();
        let opening = self.before == b'<' || (self.before == b':' && !self.closing);
        if name == b"si" && opening {
            self.strings = self.strings.saturating_add(1);
        } else if name == b"count" || name == b"uniquecount" {
            self.attribute = Attribute::Name;
        }
    }

    fn attribute_byte(&mut self, b: u8) {
        self.attribute = match (self.attribute, b) {
            (Attribute::Name | Attribute::Equals, b' ' | b'\t' | b'\r' | b'\n') => self.attribute,
            (Attribute::Name, b'=') => Attribute::Equals,
            (Attribute::Equals, b'"' | b'\'') => {
                self.value = Some(Value {
                    quote: b,
                    number: 0,
                    digits: false,
                    other: false,
                });
                Attribute::None
            }
            _ => Attribute::None,
        };
    }

    /// At the end of the part: a name cut by the end still counts.
    fn finish(&mut self) -> Result<(), FilesError> {
        self.end_token();
        if self.strings > MAX_SHARED_STRINGS || self.largest > MAX_SHARED_STRINGS {
            return Err(limit(
                "số chuỗi dùng chung",
                format!("{MAX_SHARED_STRINGS} chuỗi"),
            ));
        }
        Ok(())
    }
}

impl Write for SharedStrings {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.byte(b);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hand-made archives, shared with the fuzz binary.
#[cfg(test)]
#[path = "../tests/fuzz/craft.rs"]
pub(crate) mod craft;

#[cfg(test)]
mod tests {
    use super::craft::{
        build, minimal_parts, shared_strings, sheet_with_event, Entry, Tail, Zip64, EVENTS,
    };
    use super::*;

    fn read(bytes: &[u8]) -> Result<Vec<Vec<String>>, FilesError> {
        let mut rows = Vec::new();
        crate::read_rows(bytes, |_, cells| {
            rows.push(cells.to_vec());
            Ok::<(), FilesError>(())
        })?;
        Ok(rows)
    }

    fn minimal_with(extra: Vec<Entry>) -> Vec<u8> {
        let mut parts = minimal_parts(&shared_strings("1", "1"));
        parts.extend(extra);
        build(&parts, &Tail::default())
    }

    fn scan(xml: &[u8]) -> SharedStrings {
        let mut s = SharedStrings::default();
        s.write_all(xml).unwrap();
        s.end_token();
        s
    }

    fn assert_limit(r: Result<impl std::fmt::Debug, FilesError>, words: &[&str]) {
        let err = r.unwrap_err();
        assert!(matches!(err, FilesError::ArchiveLimit { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.starts_with("tệp XLSX vượt giới hạn: "), "{text}");
        for w in words {
            assert!(text.contains(w), "{text} lacks {w}");
        }
    }

    fn assert_broken(r: Result<(), FilesError>) {
        assert!(matches!(r, Err(FilesError::NotSpreadsheet(_))), "{r:?}");
    }

    #[test]
    fn the_minimal_workbook_reads() {
        let rows = read(&minimal_with(vec![])).unwrap();
        assert_eq!(rows, vec![vec!["Hà Nội".to_string(), "42".to_string()]]);
    }

    /// The 1 KB file that made calamine reserve 10^17 strings and abort.
    #[test]
    fn a_huge_unique_count_is_refused() {
        let shared = shared_strings("1", "100000000000000000");
        let bytes = build(&minimal_parts(&shared), &Tail::default());
        assert!(bytes.len() < 2_500, "{}", bytes.len());
        assert_limit(
            read(&bytes),
            &["số chuỗi dùng chung", "tối đa 1000000 chuỗi"],
        );
    }

    #[test]
    fn a_huge_count_is_refused_too() {
        let shared = shared_strings("100000000000000000", "1");
        let bytes = build(&minimal_parts(&shared), &Tail::default());
        assert_limit(read(&bytes), &["số chuỗi dùng chung"]);
        let ok = shared_strings("1000000", "1000000");
        assert!(check_xlsx(&build(&minimal_parts(&ok), &Tail::default())).is_ok());
    }

    #[test]
    fn a_fake_sst_in_a_comment_does_not_hide_the_real_one() {
        let xml = concat!(
            r#"<?xml version="1.0"?><!-- <sst uniqueCount="1"> count=" -->"#,
            r#"<x:sst xmlns:x="urn:x" uniqueCount = '00100000000000000000'>"#,
            r#"<x:si><x:t>a</x:t></x:si></x:sst>"#
        );
        let s = scan(xml.as_bytes());
        assert_eq!(s.largest, 100_000_000_000_000_000);
        assert_eq!(s.strings, 1);
        let bytes = build(&minimal_parts(xml), &Tail::default());
        assert_limit(read(&bytes), &["số chuỗi dùng chung"]);
    }

    #[test]
    fn the_scan_counts_what_calamine_reads_or_more() {
        // Split anywhere between writes: the same counts.
        let xml = br#"<sst count="12" uniqueCount="7"><si><t>x</t></si><a:si/><si
            ><t>count="99"</t></si><!-- <si> --></sst>"#;
        for at in 0..xml.len() {
            let mut s = SharedStrings::default();
            s.write_all(&xml[..at]).unwrap();
            s.write_all(&xml[at..]).unwrap();
            s.end_token();
            assert_eq!((s.strings, s.largest), (4, 99), "split at {at}");
        }
        // Not a count: another name, no quote, not a number.
        let s = scan(br#"<a account="5000000" count=5000000 count="5 000x"><sia/><is/>"#);
        assert_eq!((s.strings, s.largest), (0, 0));
        // Spaces and a plus around digits still count (calamine would not).
        assert_eq!(scan(br#"count=" +2000000 ""#).largest, 2_000_000);
        // More digits than u64 holds: saturated, not wrapped.
        assert_eq!(
            scan(br#"count="99999999999999999999999""#).largest,
            u64::MAX
        );
    }

    #[test]
    fn too_many_strings_are_refused() {
        let n = usize::try_from(MAX_SHARED_STRINGS).unwrap() + 1;
        let xml = format!("<sst>{}</sst>", "<si/>".repeat(n));
        // Stored: deflated, `<si/>` a million times is past the ratio.
        let mut parts = minimal_parts("");
        parts.pop();
        parts.push(Entry::stored("xl/sharedStrings.xml", xml.as_bytes()));
        let bytes = build(&parts, &Tail::default());
        assert_limit(read(&bytes), &["số chuỗi dùng chung"]);
        let mut s = scan(xml.as_bytes());
        assert_eq!(s.strings, MAX_SHARED_STRINGS + 1);
        assert!(s.finish().is_err());
    }

    /// 300 MiB of zeros deflate to 300 KB: refused by its declared size,
    /// and refused by its ratio at 50 MiB, though calamine never reads it.
    #[test]
    fn a_zip_bomb_is_refused() {
        let bomb = Entry::zeros("xl/media/image1.png", 300 * MIB);
        assert!(bomb.data.len() < 400_000, "{}", bomb.data.len());
        let bytes = minimal_with(vec![bomb]);
        assert_limit(read(&bytes), &["tổng dung lượng giải nén", "200 MiB"]);
        let bytes = minimal_with(vec![Entry::zeros("xl/media/image1.png", 50 * MIB)]);
        assert_limit(read(&bytes), &["tỉ lệ nén", "100 lần"]);
    }

    /// Entries under the ratio check, 250 of them: past the total.
    #[test]
    fn many_small_bombs_are_refused_by_the_total() {
        let one = Entry::zeros("x", MIB);
        let many = (0..250).map(|i| one.renamed(&format!("xl/media/{i}.bin")));
        let bytes = minimal_with(many.collect());
        assert!(bytes.len() < 1_000_000, "{}", bytes.len());
        assert_limit(read(&bytes), &["tổng dung lượng giải nén"]);
        let few = (0..20).map(|i| one.renamed(&format!("xl/media/{i}.bin")));
        assert!(read(&minimal_with(few.collect())).is_ok());
    }

    /// An entry that says 1,000 bytes and inflates to 50 MiB.
    #[test]
    fn a_lying_declared_size_is_refused() {
        let mut liar = Entry::zeros("docProps/custom.xml", 50 * MIB);
        liar.size = 1_000;
        assert_broken(read(&minimal_with(vec![liar])).map(|_| ()));
        // The shared strings may lie too: the zip crate and the check agree.
        let mut parts = minimal_parts(&shared_strings("1", "1"));
        if let Some(p) = parts.last_mut() {
            p.size = 10;
        }
        assert_broken(check_xlsx(&build(&parts, &Tail::default())));
    }

    #[test]
    fn parts_calamine_keeps_are_bounded() {
        let mut styles = Entry::deflated("xl/styles.xml", b"<styleSheet/>");
        styles.size = u32::try_from(MAX_STYLES_BYTES + 1).unwrap();
        assert_limit(read(&minimal_with(vec![styles])), &["styles.xml", "16 MiB"]);
        let mut parts = minimal_parts(&shared_strings("1", "1"));
        let mut shared = Entry::deflated("XL/SharedStrings.XML", b"<sst/>");
        shared.size = u32::try_from(MAX_SHARED_STRINGS_BYTES + 1).unwrap();
        parts.push(shared);
        let bytes = build(&parts, &Tail::default());
        assert_limit(read(&bytes), &["sharedStrings.xml", "64 MiB"]);
    }

    #[test]
    fn a_huge_entry_count_in_the_end_record_is_refused() {
        let parts = minimal_parts(&shared_strings("1", "1"));
        for n in [1_001, 60_000] {
            let tail = Tail {
                entries: Some(n),
                ..Tail::default()
            };
            assert_limit(read(&build(&parts, &tail)), &["số mục", "1000 mục"]);
        }
        let zip64 = |z: Zip64| Tail {
            zip64: Some(z),
            ..Tail::default()
        };
        // ZIP64: the truth reads; 10^15 entries do not.
        let truthful = build(&parts, &zip64(Zip64::default()));
        assert!(check_xlsx(&truthful).is_ok());
        let huge = zip64(Zip64 {
            entries: Some(1_000_000_000_000_000),
            ..Zip64::default()
        });
        assert_limit(read(&build(&parts, &huge)), &["số mục"]);
        let outside = zip64(Zip64 {
            cd_offset: Some(u64::MAX - 10),
            ..Zip64::default()
        });
        assert_broken(check_xlsx(&build(&parts, &outside)));
        let nowhere = zip64(Zip64 {
            record_offset: Some(1 << 40),
            ..Zip64::default()
        });
        assert_broken(check_xlsx(&build(&parts, &nowhere)));
    }

    #[test]
    fn too_many_real_entries_are_refused() {
        let one = Entry::stored("x", b"");
        let mut parts = minimal_parts(&shared_strings("1", "1"));
        parts.extend((0..1_000).map(|i| one.renamed(&format!("e/{i}"))));
        assert_limit(read(&build(&parts, &Tail::default())), &["số mục"]);
    }

    #[test]
    fn a_directory_outside_the_file_or_cut_is_refused() {
        let parts = minimal_parts(&shared_strings("1", "1"));
        let tails = [
            Tail {
                cd_offset: Some(0xFFFF_0000),
                ..Tail::default()
            },
            Tail {
                cd_size: Some(0x7FFF_FFFF),
                ..Tail::default()
            },
            Tail {
                cd_cut: Some(100),
                ..Tail::default()
            },
            Tail {
                cd_cut: Some(100),
                cd_size: Some(400),
                ..Tail::default()
            },
        ];
        for tail in tails {
            let bytes = build(&parts, &tail);
            assert_broken(check_xlsx(&bytes));
            assert!(read(&bytes).is_err());
        }
        let whole = build(&parts, &Tail::default());
        for cut in [whole.len() - 1, whole.len() - 22, whole.len() / 2, 10] {
            assert_broken(check_xlsx(&whole[..cut]));
        }
    }

    #[test]
    fn encrypted_or_unknown_entries_are_refused() {
        let mut locked = Entry::deflated("docProps/app.xml", b"<Properties/>");
        locked.flags = 1;
        assert_broken(read(&minimal_with(vec![locked])).map(|_| ()));
        let mut bzip = Entry::stored("docProps/app.xml", b"BZh9");
        bzip.method = 12;
        assert_broken(read(&minimal_with(vec![bzip])).map(|_| ()));
    }

    /// An archive inside (an embedded workbook, or even a bomb, which is
    /// not inflated since calamine never opens it) is fine within bounds.
    #[test]
    fn nested_archives_within_bounds_are_fine() {
        let inner = crate::xlsx(&[crate::Sheet::new("Trong", vec![])]).unwrap();
        let inner_bomb = build(&[Entry::zeros("bomb", 300 * MIB)], &Tail::default());
        let bytes = minimal_with(vec![
            Entry::stored("xl/embeddings/Workbook1.xlsx", &inner),
            Entry::deflated("xl/embeddings/oleObject1.bin", &inner_bomb),
        ]);
        assert_eq!(read(&bytes).unwrap().len(), 1);
    }

    /// A workbook as `files::xlsx` writes it passes, and the check is
    /// quick: it inflates and scans each byte once.
    #[test]
    fn a_normal_file_passes_quickly() {
        use crate::{Cell, Column, Sheet};
        let rows = 10_000;
        let mut sheet = Sheet::new("Thành viên", vec![Column::new("Họ tên", 20.0); 15]);
        for i in 0..rows {
            let row = (0..15).map(|c| match c % 3 {
                0 => Cell::Int(i * 15 + c),
                1 => Cell::from(format!("Nguyễn Văn {i} {c}")),
                _ => Cell::Num(i as f64 / 7.0),
            });
            sheet.rows.push(row.collect());
        }
        let bytes = crate::xlsx(&[sheet]).unwrap();
        let start = std::time::Instant::now();
        check_xlsx(&bytes).unwrap();
        let took = start.elapsed();
        eprintln!("check of {rows} rows ({} bytes): {took:.2?}", bytes.len());
        assert_eq!(
            read(&bytes).unwrap().len(),
            usize::try_from(rows).unwrap() + 1
        );
    }

    /// An entry that passes the size and ratio checks: what was enough
    /// before each XML bound.
    fn within_ratio(e: &Entry) -> &Entry {
        let (size, packed) = (u64::from(e.size), e.data.len() as u64);
        assert!(size <= MAX_INFLATED_BYTES, "{size}");
        assert!(
            size <= packed * MAX_COMPRESSION_RATIO / 2,
            "{size} / {packed}"
        );
        e
    }

    fn with_part(e: &Entry) -> Vec<u8> {
        let mut parts = minimal_parts(&shared_strings("1", "1"));
        parts.retain(|p| p.name != e.name);
        parts.push(within_ratio(e).clone());
        build(&parts, &Tail::default())
    }

    /// 150 MiB events of every kind, half the ratio: read whole by
    /// quick-xml, they took 398 MB each (a buffer that doubles, and its
    /// copy). Their contents hold `>`, `<` and the other quote.
    #[test]
    fn huge_xml_events_are_refused() {
        for kind in EVENTS {
            let bytes = with_part(&sheet_with_event(kind, 150 * MIB));
            assert!(bytes.len() < 4_000_000, "{kind:?}: {}", bytes.len());
            assert_limit(read(&bytes), &["một phần tử XML", "tối đa 4 MiB"]);
        }
    }

    /// Just under the bound, every kind of event is read, and the row
    /// after it too: quick-xml does not end it later than the check.
    #[test]
    fn large_xml_events_within_the_bound_are_read() {
        for kind in EVENTS {
            let bytes = with_part(&sheet_with_event(kind, MAX_XML_EVENT_BYTES - 1_000));
            assert_eq!(read(&bytes).unwrap().len(), 2, "{kind:?}");
        }
    }

    /// calamine gathers a cell's `<t>` into one string, however many
    /// events it holds: 150 MiB of them took 470 MB; 20 MiB here.
    #[test]
    fn a_cell_of_many_small_events_is_refused() {
        let head = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#;
        let tail = "</t></is></c></row></sheetData></worksheet>";
        let pattern = format!("{}#", "ab<x/>c&amp;".repeat(4));
        let sheet = Entry::varied(
            "xl/worksheets/sheet1.xml",
            head.as_bytes(),
            pattern.as_bytes(),
            20 * MIB,
            tail.as_bytes(),
        );
        assert_limit(read(&with_part(&sheet)), &["một phần tử XML"]);
    }

    /// quick-xml keeps every open element's name: 120 MiB of `<a#>` took
    /// 440 MB; 1 MiB here.
    #[test]
    fn deep_nesting_is_refused() {
        let sheet = Entry::varied(
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData>",
            b"<##>",
            MIB,
            b"</sheetData></worksheet>",
        );
        assert_limit(read(&with_part(&sheet)), &["độ sâu lồng nhau", "256 cấp"]);
    }

    /// What calamine keeps one value for: 150 MiB of relationships took
    /// 941 MB, of defined names 612 MB; 16 MiB of styles 240 MB; one font
    /// name of 1 MiB cloned into 300 styles 316 MB (into 100,000, an
    /// abort). 20 MiB of each here.
    #[test]
    fn too_many_definitions_are_refused() {
        const REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
        let rels = Entry::varied(
            "xl/_rels/workbook.xml.rels",
            format!(r#"<Relationships xmlns="{REL}">"#).as_bytes(),
            b"<Relationship Id='######' Target='x'/>",
            20 * MIB,
            b"</Relationships>",
        );
        let names = Entry::varied(
            "xl/workbook.xml",
            b"<workbook><definedNames>",
            b"<definedName name='##'>x</definedName>",
            20 * MIB,
            b"</definedNames></workbook>",
        );
        let styles = Entry::varied(
            "xl/styles.xml",
            b"<styleSheet><cellXfs>",
            br#"<xf numFmtId="1#"/>"#,
            MAX_STYLES_BYTES - 100,
            b"</cellXfs></styleSheet>",
        );
        let font = format!(
            "<fonts><font><name val='{}'/></font></fonts>",
            "x".repeat(1 << 20)
        );
        let clones = format!(
            "<styleSheet>{font}<cellXfs>{}</cellXfs></styleSheet>",
            "<xf fontId='0'/>".repeat(20)
        );
        let clones = Entry::stored("xl/styles.xml", clones.as_bytes());
        for part in [rels, names, styles, clones] {
            assert_limit(
                read(&with_part(&part)),
                &["các định nghĩa", "100000 định nghĩa, 16 MiB"],
            );
        }
    }

    /// A workbook with what Excel files hold besides cells passes: a
    /// thousand formats, five thousand hyperlinks (a relationship each),
    /// defined names, notes, a chart, a table, merged cells, validation,
    /// conditional formats, and a 5 MiB picture.
    #[test]
    fn a_rich_workbook_passes() {
        use rust_xlsxwriter::{
            Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, DataValidation,
            Format, Image, Note, Table, Workbook,
        };
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for row in 0..5_000u32 {
            let format = Format::new()
                .set_num_format(format!("0.{}", "0".repeat(row as usize % 1_000 / 100 + 1)));
            let format = format
                .set_font_size(8 + row % 1_000 / 100)
                .set_font_color(row % 1_000 * 16_000);
            sheet
                .write_number_with_format(row + 1, 0, f64::from(row), &format)
                .unwrap();
            sheet
                .write_string(row + 1, 1, format!("Xã số {row} – “Hà Nội”"))
                .unwrap();
            sheet
                .write_url(
                    row + 1,
                    2,
                    format!("https://vi.example.org/xa/{row}").as_str(),
                )
                .unwrap();
        }
        for i in 0..500 {
            sheet
                .merge_range(i * 10 + 1, 5, i * 10 + 2, 6, "gộp", &Format::new())
                .unwrap();
            sheet
                .insert_note(i * 10 + 1, 3, &Note::new(format!("ghi chú {i}")))
                .unwrap();
        }
        let list = DataValidation::new()
            .allow_list_strings(&["Có", "Không"])
            .unwrap();
        sheet.add_data_validation(1, 4, 5_000, 4, &list).unwrap();
        let rule = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThan(100))
            .set_format(Format::new().set_bold());
        sheet.add_conditional_format(1, 0, 5_000, 0, &rule).unwrap();
        sheet.add_table(6_000, 0, 6_100, 3, &Table::new()).unwrap();
        let mut chart = Chart::new(ChartType::Column);
        chart.add_series().set_values("Sheet1!$A$2:$A$100");
        sheet.insert_chart(1, 8, &chart).unwrap();
        let noise: Vec<u8> = (0u32..5 << 20)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        sheet
            .insert_image(20, 8, &Image::new_from_buffer(&png(&noise)).unwrap())
            .unwrap();
        for i in 0..100 {
            book.define_name(
                format!("Vung{i}"),
                &format!("=Sheet1!$A${}:$A${}", i + 2, i + 10),
            )
            .unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();
        check_xlsx(&bytes).unwrap();
        assert_eq!(read(&bytes).unwrap().len(), 5_001); // the table has a header only
    }

    /// A 1×1 PNG holding `noise` in a chunk of its own.
    fn png(noise: &[u8]) -> Vec<u8> {
        let chunk = |kind: &[u8], data: &[u8]| {
            let len = u32::try_from(data.len()).unwrap().to_be_bytes();
            [&len[..], kind, data, &[0; 4]].concat()
        };
        let header = [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
        let pixel = [0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1];
        [
            &b"\x89PNG\r\n\x1a\n"[..],
            &chunk(b"IHDR", &header),
            &chunk(b"ruSt", noise),
            &chunk(b"IDAT", &pixel),
            &chunk(b"IEND", &[]),
        ]
        .concat()
    }

    /// A picture is scanned too (a worksheet may be named like one), but
    /// its first bytes that are not UTF-8 end the scan, as they end
    /// quick-xml: 20 MiB of noise holding `<!--` and no `-->` pass.
    #[test]
    fn binary_entries_end_the_scan() {
        let mut seed = 1u64;
        let noise: Vec<u8> = (0..20 * MIB)
            .map(|i| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                match i {
                    100..=103 => b"<!--"[usize::try_from(i - 100).unwrap()],
                    _ => (seed >> 56) as u8,
                }
            })
            .collect();
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &noise].concat();
        let bytes = with_part(&Entry::stored("xl/media/image1.png", &png));
        assert_eq!(read(&bytes).unwrap().len(), 1);
    }
}
