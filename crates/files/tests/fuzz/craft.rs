//! ZIP archives made by hand for tests, every header field as the test
//! says, true or not: declared sizes that lie, end records with absurd
//! counts or offsets, ZIP64 records. Shared by the unit tests of
//! `src/archive.rs` and the fuzz binary (`main.rs`).

#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// One entry: its bytes as stored in the archive and what its headers say.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    /// 0 stored, 8 deflated, anything else to test refusal.
    pub method: u16,
    pub data: Vec<u8>,
    pub crc: u32,
    /// The declared uncompressed size.
    pub size: u32,
    /// General purpose flags (bit 0: encrypted).
    pub flags: u16,
}

impl Entry {
    /// `plain`, deflated, with true sizes and CRC.
    pub fn deflated(name: &str, plain: &[u8]) -> Entry {
        Entry::written(name, CompressionMethod::Deflated, |w| w.write_all(plain))
    }

    /// `plain`, stored, with true sizes and CRC.
    pub fn stored(name: &str, plain: &[u8]) -> Entry {
        Entry::written(name, CompressionMethod::Stored, |w| w.write_all(plain))
    }

    /// `n` zero bytes, deflated (about n / 1,000 bytes), streamed: the
    /// zeros are never all in memory.
    pub fn zeros(name: &str, n: u64) -> Entry {
        Entry::written(name, CompressionMethod::Deflated, |w| {
            let chunk = vec![0u8; 1 << 20];
            let mut left = n;
            while left > 0 {
                let k = left.min(chunk.len() as u64) as usize;
                w.write_all(&chunk[..k])?;
                left -= k as u64;
            }
            Ok(())
        })
    }

    /// `head`, then `n` bytes of `pattern` repeated, each `#` in it
    /// replaced by a letter from a fixed pseudo-random sequence, then
    /// `tail`; deflated, streamed. The letters keep deflate from matching
    /// long runs: with one `#` in 50 bytes it deflates about 35 times, in
    /// 100 bytes 60 times, in 256 bytes 90 times, within the ratio.
    pub fn varied(name: &str, head: &[u8], pattern: &[u8], n: u64, tail: &[u8]) -> Entry {
        Entry::written(name, CompressionMethod::Deflated, |w| {
            w.write_all(head)?;
            let repeat = (1 << 20) / pattern.len().max(1) + 1;
            let mut chunk = pattern.repeat(repeat);
            let slots: Vec<usize> = (0..chunk.len()).filter(|&i| chunk[i] == b'#').collect();
            let mut seed = 0x2545_F491_4F6C_DD1Du64;
            let mut left = n;
            while left > 0 {
                for &at in &slots {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    chunk[at] = b'a' + (seed % 26) as u8;
                }
                let k = left.min(chunk.len() as u64) as usize;
                w.write_all(&chunk[..k])?;
                left -= k as u64;
            }
            w.write_all(tail)
        })
    }

    /// The same entry under another name.
    pub fn renamed(&self, name: &str) -> Entry {
        Entry {
            name: name.to_owned(),
            ..self.clone()
        }
    }

    /// Compressed by the `zip` writer, then taken out raw with its CRC.
    fn written(
        name: &str,
        method: CompressionMethod,
        write: impl FnOnce(&mut ZipWriter<Cursor<Vec<u8>>>) -> std::io::Result<()>,
    ) -> Entry {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .large_file(true);
        w.start_file(name, options).unwrap();
        write(&mut w).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut raw = archive.by_index_raw(0).unwrap();
        let (crc, size) = (raw.crc32(), raw.size());
        let mut data = Vec::new();
        raw.read_to_end(&mut data).unwrap();
        Entry {
            name: name.to_owned(),
            method: if method == CompressionMethod::Stored {
                0
            } else {
                8
            },
            data,
            crc,
            size: u32::try_from(size).unwrap(),
            flags: 0,
        }
    }
}

/// What the end of the archive declares; `None` is the truth.
#[derive(Clone, Debug, Default)]
pub struct Tail {
    pub entries: Option<u16>,
    pub cd_size: Option<u32>,
    pub cd_offset: Option<u32>,
    /// A ZIP64 end record and locator before the end record.
    pub zip64: Option<Zip64>,
    pub comment: Vec<u8>,
    /// Cut the central directory (not the end record) to this many bytes.
    pub cd_cut: Option<usize>,
}

/// A ZIP64 end record's counts; `None` is the truth.
#[derive(Clone, Debug, Default)]
pub struct Zip64 {
    pub entries: Option<u64>,
    pub cd_size: Option<u64>,
    pub cd_offset: Option<u64>,
    /// Where the locator says the record is.
    pub record_offset: Option<u64>,
}

/// An archive of `entries`, in order, with the end as `tail` says.
pub fn build(entries: &[Entry], tail: &Tail) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for e in entries {
        offsets.push(out.len() as u32);
        local_header(&mut out, e);
        out.extend_from_slice(&e.data);
    }
    let cd_start = out.len();
    for (e, offset) in entries.iter().zip(offsets) {
        central_header(&mut out, e, offset);
    }
    if let Some(cut) = tail.cd_cut {
        out.truncate(cd_start + cut.min(out.len() - cd_start));
    }
    let cd_len = out.len() - cd_start;
    if let Some(z) = &tail.zip64 {
        zip64_end(
            &mut out,
            z,
            entries.len() as u64,
            cd_len as u64,
            cd_start as u64,
        );
    }
    let n = tail.entries.unwrap_or(entries.len() as u16);
    let sat = tail.zip64.is_some();
    put(&mut out, b"PK\x05\x06");
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, if sat { 0xFFFF } else { n });
    put16(&mut out, if sat { 0xFFFF } else { n });
    put32(&mut out, tail.cd_size.unwrap_or(cd_len as u32));
    put32(&mut out, tail.cd_offset.unwrap_or(cd_start as u32));
    put16(&mut out, tail.comment.len() as u16);
    out.extend_from_slice(&tail.comment);
    out
}

fn local_header(out: &mut Vec<u8>, e: &Entry) {
    put(out, b"PK\x03\x04");
    put16(out, 20);
    put16(out, e.flags);
    put16(out, e.method);
    put16(out, 0); // time
    put16(out, 0x21); // 1980-01-01
    put32(out, e.crc);
    put32(out, e.data.len() as u32);
    put32(out, e.size);
    put16(out, e.name.len() as u16);
    put16(out, 0);
    put(out, e.name.as_bytes());
}

fn central_header(out: &mut Vec<u8>, e: &Entry, offset: u32) {
    put(out, b"PK\x01\x02");
    put16(out, 20);
    put16(out, 20);
    put16(out, e.flags);
    put16(out, e.method);
    put16(out, 0);
    put16(out, 0x21);
    put32(out, e.crc);
    put32(out, e.data.len() as u32);
    put32(out, e.size);
    put16(out, e.name.len() as u16);
    put16(out, 0); // extra
    put16(out, 0); // comment
    put16(out, 0); // disk
    put16(out, 0); // internal attributes
    put32(out, 0); // external attributes
    put32(out, offset);
    put(out, e.name.as_bytes());
}

fn zip64_end(out: &mut Vec<u8>, z: &Zip64, entries: u64, cd_len: u64, cd_start: u64) {
    let record = out.len() as u64;
    put(out, b"PK\x06\x06");
    put64(out, 44);
    put16(out, 45);
    put16(out, 45);
    put32(out, 0);
    put32(out, 0);
    put64(out, z.entries.unwrap_or(entries));
    put64(out, z.entries.unwrap_or(entries));
    put64(out, z.cd_size.unwrap_or(cd_len));
    put64(out, z.cd_offset.unwrap_or(cd_start));
    put(out, b"PK\x06\x07");
    put32(out, 0);
    put64(out, z.record_offset.unwrap_or(record));
    put32(out, 1);
}

fn put(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(b);
}
fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The parts of the smallest workbook calamine opens: one sheet with one
/// shared-string cell (A1) and a number (B1), and `shared` as
/// `xl/sharedStrings.xml`.
pub fn minimal_parts(shared: &str) -> Vec<Entry> {
    vec![
        Entry::deflated("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        Entry::deflated("_rels/.rels", ROOT_RELS.as_bytes()),
        Entry::deflated("xl/workbook.xml", WORKBOOK.as_bytes()),
        Entry::deflated("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        Entry::deflated("xl/worksheets/sheet1.xml", SHEET.as_bytes()),
        Entry::deflated("xl/sharedStrings.xml", shared.as_bytes()),
    ]
}

/// A shared-strings part with one string, "Hà Nội", and these counts.
pub fn shared_strings(count: &str, unique: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{unique}"><si><t>Hà Nội</t></si></sst>"#
    )
}

pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

pub const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

pub const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

pub const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

pub const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c></row></sheetData></worksheet>"#;

/// The kinds of XML event quick-xml reads whole.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event {
    Text,
    CData,
    Comment,
    /// A start tag with a long attribute value.
    Attribute,
    Pi,
    Doctype,
}

pub const EVENTS: [Event; 6] = [
    Event::Text,
    Event::CData,
    Event::Comment,
    Event::Attribute,
    Event::Pi,
    Event::Doctype,
];

impl Event {
    /// What comes before the content, the content (repeated, with a varied
    /// letter in about 50 bytes), and what closes the event. The
    /// contents hold what a naive scanner would take for the end (`>`,
    /// `<`, a quote of the other kind) but not the real end.
    pub fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Event::Text => ("", "Ha Noi, 12 > 11; 'x' \"y\" ", ""),
            Event::CData => ("<![CDATA[", "<c r=\"A1\"><v>1</v></c> ]] > ", "]]>"),
            Event::Comment => ("<!--", "<row r=\"2\"> - -> -- > ", "-->"),
            Event::Attribute => ("<row r=\"2\" x=\"", "a > b, 'c' <d/> ", "\">"),
            Event::Pi => ("<?x ", "a > b <c/> ? > ", "?>"),
            Event::Doctype => ("<!DOCTYPE x \"", "a > b <c/> ] > ", "\">"),
        }
    }
}

/// The minimal workbook's worksheet with one event of `kind`, `n` bytes of
/// content, after its row and before another (row 9, one number): within
/// the ratio, however large. The sheet reads as two rows if the event
/// ends where the check says.
pub fn sheet_with_event(kind: Event, n: u64) -> Entry {
    sheet_with("", kind, n, "")
}

/// The same, the event between `around` and `after`.
pub fn sheet_with(around: &str, kind: Event, n: u64, after: &str) -> Entry {
    let (open, content, close) = kind.parts();
    let at = SHEET.find("</sheetData>").unwrap();
    let head = format!("{}{around}{open}", &SHEET[..at]);
    let row = r#"<row r="9"><c r="A9"><v>9</v></c></row>"#;
    let tail = format!("{close}{after}{row}{}", &SHEET[at..]);
    let pattern = format!("{}#", content.repeat(48 / content.len() + 1));
    Entry::varied(
        "xl/worksheets/sheet1.xml",
        head.as_bytes(),
        pattern.as_bytes(),
        n,
        tail.as_bytes(),
    )
}
