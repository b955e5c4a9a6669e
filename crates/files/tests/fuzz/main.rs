//! Fuzzing of the file readers: any bytes, and valid CSV and XLSX files
//! with bytes flipped, cut or added, must be read or refused with an
//! error; never a panic, never a row number that runs backwards. Any
//! table written as CSV or XLSX reads back as it was written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// The same time-bounded loop as domain's fuzzers (`FUZZ_SECONDS`).
#[path = "../../../domain/tests/fuzz/harness.rs"]
mod harness;

use std::sync::LazyLock;

use chrono::NaiveDate;
use files::{Cell, Column, FilesError, Sheet};
use harness::{fuzz, Reach};
use proptest::prelude::*;

fn sample() -> Sheet {
    Sheet {
        name: "Mô hình".into(),
        columns: ["Tên mô hình", "Mã loại", "ID đơn vị", "Ngày thành lập"]
            .iter()
            .map(|h| Column::new(*h, 12.0))
            .collect(),
        rows: (0..20)
            .map(|i| {
                vec![
                    Cell::from(format!("Tổ tuần tra số {i}, \"xóm\" =1")),
                    Cell::from("camera_an_ninh"),
                    Cell::Int(i),
                    Cell::Date(chrono::NaiveDate::from_ymd_opt(2022, 3, 1).unwrap()),
                ]
            })
            .collect(),
        highlight_col: None,
    }
}

static CSV: LazyLock<Vec<u8>> = LazyLock::new(|| files::csv(&sample()));
static XLSX: LazyLock<Vec<u8>> = LazyLock::new(|| files::xlsx(&[sample()]).unwrap());

/// What reading a file gave: the rows handed over, and whether the file
/// was read to its end.
struct Read {
    rows: usize,
    whole: bool,
}

/// Reads every row; checks row numbers only go up and refusals are
/// errors with a message.
fn read(bytes: &[u8]) -> Result<Read, TestCaseError> {
    let mut last = 0;
    let mut ok = true;
    let mut rows = 0;
    let r = files::read_rows::<FilesError>(bytes, |n, _cells| {
        ok &= n > last;
        last = n;
        rows += 1;
        Ok(())
    });
    prop_assert!(ok, "row numbers must increase");
    if let Err(e) = &r {
        prop_assert!(!e.to_string().is_empty());
    }
    Ok(Read {
        rows,
        whole: r.is_ok(),
    })
}

/// Fuzzes a reader target: `rows` counts files that handed over two rows
/// or more (row order checked), `refused` those refused.
fn fuzz_reads<S: Strategy<Value = Vec<u8>>>(name: &str, rows: f64, refused: f64, strategy: S) {
    let many = Reach::new("two rows or more read", rows);
    let no = Reach::new("refused", refused);
    fuzz(name, &[&many, &no], strategy, |b| {
        let r = read(&b)?;
        many.hit_if(r.rows >= 2);
        no.hit_if(!r.whole);
        Ok(())
    });
}

/// A valid file with some bytes changed (to bytes from `byte`), cut
/// off, or spliced in; one in four files keeps all its bytes, one in four
/// gets none added.
fn mutated(
    base: &'static [u8],
    byte: impl Strategy<Value = u8> + Clone + 'static,
) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    (
        prop_oneof![
            1 => Just(Vec::new()),
            3 => proptest::collection::vec((0..len, byte.clone()), 1..16),
        ],
        0..=len,
        prop_oneof![
            1 => Just(Vec::new()),
            3 => proptest::collection::vec(byte, 1..32),
        ],
        0..=len,
    )
        .prop_map(move |(flips, cut, extra, at)| damage(base, &flips, cut, &extra, at))
}

/// Bytes that mean something in CSV (delimiters, quotes, line ends, the
/// guard and formula starts, digits, letters), and any byte one in ten.
fn csv_byte() -> impl Strategy<Value = u8> + Clone {
    let ascii = proptest::sample::select(b",;\t\"\r\n' =+-@09aZ".to_vec());
    prop_oneof![1 => any::<u8>(), 9 => ascii]
}

/// Bytes that mean something in a ZIP's headers and XML, or any byte.
fn zip_byte() -> impl Strategy<Value = u8> + Clone {
    let meant = proptest::sample::select(b"PK\x03\x04\x01\x02\x05\x06\x00\xff<>/\"=".to_vec());
    prop_oneof![1 => any::<u8>(), 3 => meant]
}

/// Text that is mostly CSV: lines of fields in the CSV alphabet, with a
/// BOM or a stray byte sometimes.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..4096),
        3 => proptest::collection::vec(
            prop_oneof![
                8 => "[-a-zA-Z0-9 ,;\t\"'=+@]{0,12}(\r\n|\n|\r)".prop_map(String::into_bytes),
                2 => "[Đđàáảãạăâêôơư,;\"]{0,6}".prop_map(String::into_bytes),
                1 => proptest::collection::vec(any::<u8>(), 0..3),
            ],
            0..64,
        )
        .prop_map(|parts| parts.concat()),
    ]
}

fn damage(base: &[u8], flips: &[(usize, u8)], cut: usize, extra: &[u8], at: usize) -> Vec<u8> {
    let mut v = base.to_vec();
    for (i, b) in flips {
        if let Some(x) = v.get_mut(*i) {
            *x = *b;
        }
    }
    let at = at.min(v.len());
    v.splice(at..at, extra.iter().copied());
    // Cut one input in eight: most should reach the parser whole.
    if cut.is_multiple_of(8) {
        v.truncate(cut.max(1));
    }
    v
}

/// The sample XLSX with entry `target` rewritten by `change`, zipped again.
fn rezip(target: &str, change: impl FnOnce(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(XLSX.as_slice())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut change = Some(change);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == target {
            if let Some(c) = change.take() {
                data = c(data);
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A valid XLSX whose worksheet, shared strings or styles XML is damaged
/// and zipped again, so that the spreadsheet parser itself is exercised
/// (flipped bytes in the ZIP mostly stop at its checksums).
fn damaged_inside() -> impl Strategy<Value = Vec<u8>> {
    (
        0usize..3,
        proptest::collection::vec((0usize..20_000, any::<u8>()), 0..12),
        0usize..20_000,
        proptest::collection::vec(any::<u8>(), 0..32),
        0usize..20_000,
    )
        .prop_map(|(which, flips, cut, extra, at)| {
            let target = [
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/styles.xml",
            ][which];
            rezip(target, |data| {
                let n = data.len().max(1);
                let flips: Vec<(usize, u8)> = flips.iter().map(|(i, b)| (i % n, *b)).collect();
                damage(&data, &flips, cut % (n + 1), &extra, at % n)
            })
        })
}

#[test]
fn xlsx_with_damaged_contents_is_read_or_refused() {
    fuzz_reads("read_rows_xlsx_xml", 0.1, 0.1, damaged_inside());
}

#[test]
fn any_bytes_are_read_or_refused() {
    fuzz_reads("read_rows_bytes", 0.2, 0.1, csv_like());
}

#[test]
fn damaged_csv_is_read_or_refused() {
    fuzz_reads(
        "read_rows_csv",
        0.15,
        0.1,
        mutated(CSV.as_slice(), csv_byte()),
    );
}

#[test]
fn damaged_xlsx_is_read_or_refused() {
    fuzz_reads(
        "read_rows_xlsx",
        0.02,
        0.3,
        mutated(XLSX.as_slice(), zip_byte()),
    );
}

/// Text as exports hold it: any Unicode, names, the characters CSV
/// quotes, the starts of formulas that the CSV guard protects, blanks.
fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t]{0,2}'?[-=+@\t\r]?[a-zA-Z0-9 ,;\"'\n\r\t]{0,12}",
        "(Phường|Xã|Thôn|Tổ) [A-Za-zĐđàáảãạăắâấèéêếìíòóôốơớùúưứỳý ]{0,15}",
        "[ \t\r\n]{0,3}",
    ]
}

/// Cells of every kind, numbers with three decimals among them.
fn cell() -> impl Strategy<Value = Cell> {
    let first = NaiveDate::from_ymd_opt(1900, 3, 1).unwrap();
    let days = (NaiveDate::from_ymd_opt(9999, 12, 31).unwrap() - first).num_days();
    prop_oneof![
        6 => cell_text().prop_map(Cell::Text),
        1 => prop_oneof![-1000i64..1000, -(1i64 << 53)..(1i64 << 53)].prop_map(Cell::Int),
        2 => prop_oneof![
            (-10_000_000i64..10_000_000).prop_map(|n| n as f64 / 1000.0),
            (-1e6..1e6f64),
            any::<f64>().prop_filter("finite", |v| v.is_finite()),
        ]
        .prop_map(Cell::Num),
        1 => (0..=days).prop_map(move |d| Cell::Date(first + chrono::Days::new(d as u64))),
        1 => any::<bool>().prop_map(Cell::Bool),
        1 => Just(Cell::Empty),
    ]
}

/// Characters that start a formula, which the CSV export guards.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// What reading gives back for a text written: trimmed; in CSV, without
/// the `'` the export puts before a formula's first character. A `'`
/// written (after blanks) before such a character is taken for that
/// guard and dropped too.
fn text_read_back(s: &str, csv: bool) -> String {
    if csv && s.starts_with(FORMULA_START) {
        return s.trim().to_owned();
    }
    let t = s.trim_start();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.trim().to_owned(),
        _ => t.trim_end().to_owned(),
    }
}

/// Checks the text read for `cell` against what was written.
fn check_cell(cell: &Cell, got: &str, csv: bool) -> Result<(), TestCaseError> {
    match cell {
        Cell::Empty => prop_assert_eq!(got, ""),
        Cell::Text(s) => prop_assert_eq!(got, text_read_back(s, csv), "{:?}", s),
        Cell::Int(n) => prop_assert_eq!(got, n.to_string()),
        Cell::Num(v) => {
            let back: f64 = got
                .parse()
                .map_err(|_| TestCaseError::fail(format!("{v}: {got:?} is not a number")))?;
            prop_assert!(back == *v, "{} read back as {:?}", v, got);
            // `2.375` is two thousand three hundred and seventy-five to
            // Vietnamese readers (and `domain::file::parse_number`).
            let thousands = got
                .split_once('.')
                .is_some_and(|(_, d)| d.len() == 3 && !d.contains('.'));
            prop_assert!(!thousands, "{} read back as {:?}", v, got);
        }
        Cell::Date(d) => prop_assert_eq!(got, d.format("%Y-%m-%d").to_string()),
        Cell::Bool(b) => prop_assert_eq!(got, if *b { "Có" } else { "Không" }),
    }
    Ok(())
}

/// The rows read from `bytes`, with their numbers.
fn read_all(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, FilesError> {
    let mut rows = Vec::new();
    files::read_rows::<FilesError>(bytes, |n, cells| {
        rows.push((n, cells.to_vec()));
        Ok(())
    })?;
    Ok(rows)
}

/// Checks what was read from a one-row sheet against what was written:
/// the header in row 1 and the row in row 2, each left out when it reads
/// as empty, trailing empty cells dropped.
fn check_read_back(sheet: &Sheet, bytes: &[u8], csv: bool) -> Result<bool, TestCaseError> {
    let got = read_all(bytes).map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
    let headers: Vec<Cell> = sheet
        .columns
        .iter()
        .map(|c| Cell::Text(c.header.clone()))
        .collect();
    let mut want = Vec::new();
    for (n, cells) in [(1, &headers), (2, &sheet.rows[0])] {
        let mut texts: Vec<(&Cell, String)> = Vec::new();
        for c in cells.iter() {
            let text = match c {
                Cell::Text(s) => text_read_back(s, csv),
                Cell::Empty => String::new(),
                _ => "x".to_owned(),
            };
            texts.push((c, text));
        }
        while texts.last().is_some_and(|(_, t)| t.is_empty()) {
            texts.pop();
        }
        if !texts.is_empty() {
            want.push((n, texts));
        }
    }
    let numbers: Vec<usize> = got.iter().map(|(n, _)| *n).collect();
    let want_numbers: Vec<usize> = want.iter().map(|(n, _)| *n).collect();
    prop_assert_eq!(&numbers, &want_numbers, "read {:?}", got);
    for ((_, got), (_, want)) in got.iter().zip(&want) {
        prop_assert_eq!(got.len(), want.len(), "read {:?}", got);
        for (g, (cell, _)) in got.iter().zip(want) {
            check_cell(cell, g, csv)?;
        }
    }
    Ok(got.len() == 2)
}

#[test]
fn any_table_is_written_and_read_back() {
    let both = Reach::new("header and row read back", 0.5);
    let table = (
        proptest::collection::vec(cell_text(), 1..8),
        proptest::collection::vec(cell(), 0..10),
    );
    fuzz("write_read", &[&both], table, |(headers, cells)| {
        let sheet = Sheet {
            name: headers[0].clone(),
            columns: headers
                .iter()
                .map(|h| Column::new(h.clone(), 10.0))
                .collect(),
            rows: vec![cells],
            highlight_col: None,
        };
        let csv = check_read_back(&sheet, &files::csv(&sheet), true)?;
        let x = files::xlsx(std::slice::from_ref(&sheet))
            .map_err(|e| TestCaseError::fail(format!("not written: {e}")))?;
        let xlsx = check_read_back(&sheet, &x, false)?;
        both.hit_if(csv && xlsx);
        let _ = files::bubble_map(&[], &headers[0], &headers[0], 100, 100);
        Ok(())
    });
}

/// Found by `write_read` when it began to compare: a number with three
/// decimals read back as `2.375`, which `domain::file::parse_number`
/// (and a Vietnamese reader) takes for 2375, from an XLSX number or a
/// CSV export alike; in CSV a text of blanks that starts with a tab or
/// CR read back as the guard's `'` alone; and a sheet named `' 'a` kept
/// an apostrophe at its start, which made the XLSX export fail.
#[test]
fn what_write_read_found_reads_back() {
    let sheet = Sheet {
        name: "' 'a".into(),
        columns: vec![Column::new("\t", 10.0), Column::new("a", 10.0)],
        rows: vec![vec![
            Cell::Num(2.375),
            Cell::Num(-0.001),
            Cell::Text("\r\n".into()),
        ]],
        highlight_col: None,
    };
    assert!(check_read_back(&sheet, &files::csv(&sheet), true).unwrap());
    let x = files::xlsx(std::slice::from_ref(&sheet)).unwrap();
    assert!(check_read_back(&sheet, &x, false).unwrap());
}

/// Found by `read_rows_xlsx_xml`: a sheet whose rows go back (row 3, then
/// row 2 again) was read with its row numbers out of order.
#[test]
fn rows_out_of_order_are_refused() {
    let bytes = rezip("xl/worksheets/sheet1.xml", |data| {
        let xml = String::from_utf8(data).unwrap();
        let swapped = xml
            .replace("<row r=\"3\"", "<row r=\"x\"")
            .replace("<row r=\"2\"", "<row r=\"3\"")
            .replace("<row r=\"x\"", "<row r=\"2\"")
            .replace(" r=\"A3\"", " r=\"Ax\"")
            .replace(" r=\"A2\"", " r=\"A3\"")
            .replace(" r=\"Ax\"", " r=\"A2\"");
        assert_ne!(swapped, xml);
        swapped.into_bytes()
    });
    let r = files::read_rows::<FilesError>(&bytes, |_, _| Ok(()));
    assert!(matches!(r, Err(FilesError::Xlsx { .. })), "{r:?}");
}

/// Found by `read_rows_xlsx` in CI: a cell reference too long for calamine's
/// arithmetic (`AAAAAAAAAA2`) overflowed inside it; refused now.
#[test]
fn overlong_cell_references_are_refused() {
    let bytes = rezip("xl/worksheets/sheet1.xml", |data| {
        let xml = String::from_utf8(data).unwrap();
        let broken = xml.replace(" r=\"A2\"", " r=\"AAAAAAAAAAAA2\"");
        assert_ne!(broken, xml);
        broken.into_bytes()
    });
    let r = files::read_rows::<FilesError>(&bytes, |_, _| Ok(()));
    assert!(r.is_err(), "{r:?}");
}

// ---------------------------------------------------------------------------
// Crafted archives: declared counts, end records, bombs, nested and cut
// archives. Each read must stay under `MAX_PEAK` bytes allocated, as the
// counting allocator below sees it; an abort (an allocation that fails)
// would end the whole binary.

mod craft;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

use craft::{build, minimal_parts, shared_strings, Entry, Tail, Zip64};

/// Counts the bytes allocated now and at the peak, over all threads.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Old and new blocks may both be live while the bytes are copied.
        PEAK.fetch_max(CURRENT.load(Relaxed) + new_size, Relaxed);
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            grew(new_size);
            CURRENT.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What reading one crafted archive may allocate at most.
const MAX_PEAK: usize = 300_000_000;

/// One measured read at a time: the peak is shared by all threads, so two
/// reads measured at once would reset each other's. Other tests running
/// meanwhile can only add to a measure, never hide a read's own bytes.
static MEASURED: Mutex<()> = Mutex::new(());

/// Reads `bytes` (rows counted) and checks the memory it took at the
/// peak, above what was allocated before; the largest is kept in `seen`.
fn measured_read(
    bytes: &[u8],
    seen: &AtomicUsize,
) -> Result<Result<usize, FilesError>, TestCaseError> {
    let guard = MEASURED.lock().unwrap_or_else(|e| e.into_inner());
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut rows = 0;
    let result = files::read_rows::<FilesError>(bytes, |_, _| {
        rows += 1;
        Ok(())
    })
    .map(|()| rows);
    let used = PEAK.load(Relaxed).saturating_sub(base);
    drop(guard);
    seen.fetch_max(used, Relaxed);
    prop_assert!(
        used < MAX_PEAK,
        "{used} bytes allocated reading the archive"
    );
    Ok(result)
}

/// Runs a crafted-archive target and prints the largest peak it saw.
fn fuzz_archives<S: Strategy>(
    name: &str,
    reach: &[&Reach],
    strategy: S,
    test: impl Fn(S::Value, &AtomicUsize) -> Result<(), TestCaseError>,
) {
    let seen = AtomicUsize::new(0);
    fuzz(name, reach, strategy, |v| test(v, &seen));
    let mb = seen.load(Relaxed) as f64 / 1e6;
    eprintln!("archive peak {name}: {mb:.1} MB allocated at most (bound {MAX_PEAK} bytes)");
}

fn is_limit(r: &Result<usize, FilesError>) -> bool {
    matches!(r, Err(FilesError::ArchiveLimit { .. }))
}

/// A count attribute's value as calamine would parse it, more leniently
/// (blanks and `+` allowed): `None` when it is not a number.
fn declared_count(v: &str) -> Option<u128> {
    let digits = v
        .trim_matches(' ')
        .trim_start_matches('+')
        .trim_matches(' ');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().fold(0u128, |n, b| {
        n.saturating_mul(10).saturating_add(u128::from(b - b'0'))
    }))
}

fn count_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u64..1_000).prop_map(|n| n.to_string()),
        8 => (0u64..=2 * files::MAX_SHARED_STRINGS).prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => "[0-9]{1,30}",
        1 => "0{0,30}[1-9][0-9]{5,7}",
        1 => "[ +]{0,2}[0-9]{1,22} {0,2}",
    ]
}

#[derive(Debug, Clone)]
struct Counts {
    count: String,
    unique: String,
    prefixed: bool,
    spaced: bool,
    single: bool,
    fake: usize,
    strings: usize,
}

fn counts() -> impl Strategy<Value = Counts> {
    (
        count_value(),
        count_value(),
        any::<(bool, bool, bool)>(),
        0usize..4,
        1usize..20,
    )
        .prop_map(
            |(count, unique, (prefixed, spaced, single), fake, strings)| Counts {
                count,
                unique,
                prefixed,
                spaced,
                single,
                fake,
                strings,
            },
        )
}

/// A shared-strings part with the counts, possibly behind a fake `<sst>`
/// in a comment, an unclosed `count="` in a comment, or a CDATA.
fn counts_xml(c: &Counts) -> String {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let (p, ns) = if c.prefixed {
        ("x:", format!(r#" xmlns:x="{MAIN}""#))
    } else {
        ("", format!(r#" xmlns="{MAIN}""#))
    };
    let eq = if c.spaced { " = " } else { "=" };
    let q = if c.single { '\'' } else { '"' };
    let fake = [
        "",
        r#"<!-- <sst uniqueCount="1"> -->"#,
        r#"<!-- count=" -->"#,
        "<![CDATA[ uniqueCount='2' ]]>",
    ][c.fake];
    let si = format!("<{p}si><{p}t>Hà Nội</{p}t></{p}si>").repeat(c.strings);
    let (count, unique) = (&c.count, &c.unique);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{fake}<{p}sst{ns} count{eq}{q}{count}{q} uniqueCount{eq}{q}{unique}{q}>{si}</{p}sst>"#
    )
}

#[test]
fn archives_with_any_counts_are_read_or_refused() {
    let over_reach = Reach::new("a count over the bound", 0.1);
    let within = Reach::new("counts within the bound", 0.1);
    fuzz_archives(
        "archive_counts",
        &[&over_reach, &within],
        counts(),
        |c, seen| {
            let bytes = build(&minimal_parts(&counts_xml(&c)), &Tail::default());
            let r = measured_read(&bytes, seen)?;
            let max = u128::from(files::MAX_SHARED_STRINGS);
            let over = [&c.count, &c.unique]
                .iter()
                .any(|v| declared_count(v).is_some_and(|n| n > max));
            if over {
                prop_assert!(is_limit(&r), "{c:?}: {r:?}");
            } else {
                prop_assert!(matches!(r, Ok(1)), "{c:?}: {r:?}");
            }
            [&over_reach, &within][usize::from(!over)].hit();
            Ok(())
        },
    );
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![2 => Just(None), 3 => s.prop_map(Some)]
}

fn any_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..2_000,
        any::<u64>(),
        Just(u64::MAX),
        (1u64 << 30)..(1u64 << 50),
    ]
}

/// An end record with any counts, sizes and offsets, maybe a ZIP64 one,
/// maybe a comment holding another end record.
fn tails() -> impl Strategy<Value = Tail> {
    let zip64 = (
        opt(any_u64()),
        opt(any_u64()),
        opt(any_u64()),
        opt(any_u64()),
    )
        .prop_map(|(entries, cd_size, cd_offset, record_offset)| Zip64 {
            entries,
            cd_size,
            cd_offset,
            record_offset,
        });
    let fake_end = (any::<[u16; 3]>(), any::<[u32; 2]>()).prop_map(|(n, o)| {
        let mut v = b"PK\x05\x06\0\0\0\0".to_vec();
        v.extend(n[0].to_le_bytes());
        v.extend(n[1].to_le_bytes());
        v.extend(o[0].to_le_bytes());
        v.extend(o[1].to_le_bytes());
        v.extend(n[2].to_le_bytes());
        v
    });
    let comment = prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..40),
        fake_end,
    ];
    let any_tail = (
        opt(prop_oneof![any::<u16>(), 990u16..1_010]),
        opt(any::<u32>()),
        opt(any::<u32>()),
        opt(zip64),
        comment.clone(),
    )
        .prop_map(|(entries, cd_size, cd_offset, zip64, comment)| Tail {
            entries,
            cd_size,
            cd_offset,
            zip64,
            comment,
            cd_cut: None,
        });
    // One in four tells the truth but for its comment.
    let true_tail = comment.prop_map(|comment| Tail {
        comment,
        ..Tail::default()
    });
    prop_oneof![3 => any_tail, 1 => true_tail]
}

static MINIMAL: LazyLock<Vec<Entry>> = LazyLock::new(|| minimal_parts(&shared_strings("1", "1")));

#[test]
fn archives_with_any_end_record_are_read_or_refused() {
    let too_many = Reach::new("more entries declared than allowed", 0.05);
    let truthful_end = Reach::new("a truthful end record", 0.05);
    fuzz_archives(
        "archive_eocd",
        &[&too_many, &truthful_end],
        tails(),
        |tail, seen| {
            let bytes = build(&MINIMAL, &tail);
            let r = measured_read(&bytes, seen)?;
            let parts = MINIMAL.len() as u64;
            let declared = match &tail.zip64 {
                Some(z) if z.record_offset.is_none() => z.entries.unwrap_or(parts),
                Some(_) => parts,
                None => tail.entries.map_or(parts, u64::from),
            };
            if too_many.hit_if(declared > files::MAX_ENTRIES) {
                prop_assert!(r.is_err(), "{tail:?}: {r:?}");
            }
            let truthful = tail.entries.is_none()
                && tail.cd_size.is_none()
                && tail.cd_offset.is_none()
                && tail.zip64.is_none()
                && !tail.comment.windows(4).any(|w| w == b"PK\x05\x06");
            if truthful_end.hit_if(truthful) {
                prop_assert!(matches!(r, Ok(1)), "{tail:?}: {r:?}");
            }
            Ok(())
        },
    );
}

const MIB: u64 = 1 << 20;

/// Deflated zeros: 1 MiB (under the ratio check), 2, 60 and 300 MiB.
static ZEROS: LazyLock<Vec<(u64, Entry)>> = LazyLock::new(|| {
    [MIB, 2 * MIB, 60 * MIB, 300 * MIB]
        .iter()
        .map(|&n| (n, Entry::zeros("zeros", n)))
        .collect()
});

#[derive(Debug, Clone)]
struct Bomb {
    zeros: usize,
    copies: usize,
    /// 0 the worksheet, 1 the shared strings, 2 the styles, 3 a picture.
    place: usize,
    /// A declared size other than the truth.
    lie: Option<u32>,
}

fn bombs() -> impl Strategy<Value = Bomb> {
    let copies = prop_oneof![1usize..5, 20usize..60, 180usize..260];
    let lie = opt(prop_oneof![0u32..(2 << 20), any::<u32>()]);
    (0usize..4, copies, 0usize..4, lie).prop_map(|(zeros, copies, place, lie)| Bomb {
        zeros,
        copies: if zeros == 0 { copies } else { copies.min(4) },
        place,
        lie,
    })
}

/// The minimal workbook with the bomb's copies in place of, or beside,
/// its parts; and whether a bound is passed, as the headers tell or as
/// the entries inflate.
fn bombed(b: &Bomb) -> (Vec<u8>, bool) {
    let (size, zeros) = &ZEROS[b.zeros];
    let mut parts = MINIMAL.clone();
    let mut total: u64 = parts.iter().map(|p| u64::from(p.size)).sum();
    let mut over = false;
    for i in 0..b.copies {
        let name = match (i, b.place) {
            (0, 0) => "xl/worksheets/sheet1.xml".to_string(),
            (0, 1) => "xl/sharedStrings.xml".to_string(),
            (0, 2) => "xl/styles.xml".to_string(),
            _ => format!("xl/media/image{i}.png"),
        };
        let mut e = zeros.renamed(&name);
        if let Some(lie) = b.lie {
            e.size = lie;
        }
        let declared = u64::from(e.size);
        let bound = match name.as_str() {
            "xl/sharedStrings.xml" => 64 * MIB,
            "xl/styles.xml" => 16 * MIB,
            _ => files::MAX_INFLATED_BYTES,
        };
        let ratio = declared > MIB && declared > e.data.len() as u64 * 100;
        over |= declared > bound || ratio || *size > declared;
        if let Some(old) = parts.iter_mut().find(|p| p.name == name) {
            total -= u64::from(old.size);
            *old = e;
        } else {
            parts.push(e);
        }
        total += declared;
    }
    over |= total > files::MAX_INFLATED_BYTES;
    (build(&parts, &Tail::default()), over)
}

#[test]
fn zip_bombs_are_refused() {
    let past = Reach::new("a bound passed", 0.2);
    fuzz_archives("archive_bombs", &[&past], bombs(), |b, seen| {
        let (bytes, over) = bombed(&b);
        let r = measured_read(&bytes, seen)?;
        if past.hit_if(over) {
            prop_assert!(r.is_err(), "{b:?}: {r:?}");
        }
        Ok(())
    });
}

/// Archives to nest: the sample workbook, the 1 KB attack on calamine
/// (`uniqueCount` 10^17), a 300 MiB bomb, and a bomb inside an archive.
static INNER: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let attack = build(
        &minimal_parts(&shared_strings("1", "100000000000000000")),
        &Tail::default(),
    );
    let bomb = build(&[ZEROS[3].1.renamed("bomb.bin")], &Tail::default());
    let nested = build(&[Entry::stored("inner.zip", &bomb)], &Tail::default());
    vec![XLSX.clone(), attack, bomb, nested]
});

#[test]
fn nested_archives_within_bounds_are_read() {
    let case = (
        proptest::collection::vec((0usize..4, any::<bool>()), 1..4),
        proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
    );
    fuzz_archives("archive_nested", &[], case, |(inners, flips), seen| {
        let mut parts = MINIMAL.clone();
        for (i, (which, stored)) in inners.iter().enumerate() {
            let mut inner = INNER[*which].clone();
            for (at, b) in &flips {
                let n = inner.len();
                inner[at % n] = *b;
            }
            let name = format!("xl/embeddings/Microsoft_Excel_Worksheet{i}.xlsx");
            parts.push(if *stored {
                Entry::stored(&name, &inner)
            } else {
                Entry::deflated(&name, &inner)
            });
        }
        let r = measured_read(&build(&parts, &Tail::default()), seen)?;
        prop_assert!(matches!(r, Ok(1)), "{inners:?}: {r:?}");
        Ok(())
    });
}

/// The size of the sample's central directory, from its end record.
fn sample_directory() -> (usize, usize) {
    let x = XLSX.as_slice();
    let end = x.len() - 22;
    let size = u32::from_le_bytes(x[end + 12..end + 16].try_into().unwrap());
    let offset = u32::from_le_bytes(x[end + 16..end + 20].try_into().unwrap());
    (offset as usize, size as usize)
}

#[test]
fn cut_archives_are_refused() {
    let (cd_offset, cd_size) = sample_directory();
    let whole = build(&MINIMAL, &Tail::default()).len();
    let minimal_cd: usize = MINIMAL.iter().map(|e| 46 + e.name.len()).sum();
    let case = (0usize..3, any::<usize>(), any::<usize>(), any::<bool>());
    fuzz_archives(
        "archive_truncated",
        &[],
        case,
        |(how, a, b, truthful), seen| {
            let x = XLSX.as_slice();
            match how {
                // The sample cut anywhere after its signature (shorter, it is
                // read as CSV).
                0 => {
                    let cut = 4 + a % (x.len() - 4);
                    let r = measured_read(&x[..cut], seen)?;
                    prop_assert!(r.is_err(), "cut at {cut}: {r:?}");
                }
                // The minimal workbook's central directory cut, its end record
                // kept, declaring the size as cut or any size.
                1 => {
                    let cut = a % minimal_cd;
                    let tail = Tail {
                        cd_cut: Some(cut),
                        cd_size: (!truthful).then(|| (b % (2 * minimal_cd)) as u32),
                        ..Tail::default()
                    };
                    let bytes = build(&MINIMAL, &tail);
                    prop_assert!(bytes.len() < whole);
                    let r = measured_read(&bytes, seen)?;
                    prop_assert!(r.is_err(), "cut at {cut}: {r:?}");
                }
                // A piece of the sample's central directory taken out.
                _ => {
                    let from = cd_offset + a % cd_size;
                    let to = (from + 1 + b % 64).min(cd_offset + cd_size);
                    let mut bytes = x[..from].to_vec();
                    bytes.extend_from_slice(&x[to..]);
                    let r = measured_read(&bytes, seen)?;
                    prop_assert!(r.is_err(), "{from}..{to} taken out: {r:?}");
                }
            }
            Ok(())
        },
    );
}

const MIB_EVENT: u64 = files::MAX_XML_EVENT_BYTES;

#[derive(Debug, Clone)]
struct BigEvent {
    kind: craft::Event,
    /// Bytes of content: the event is longer by its delimiters.
    content: u64,
    /// In a cell's `<is><t>`, where calamine gathers it into the value.
    in_cell: bool,
}

fn big_events() -> impl Strategy<Value = BigEvent> {
    let content = prop_oneof![
        (MIB_EVENT - 64)..(MIB_EVENT + 64),
        (MIB_EVENT - MIB)..(MIB_EVENT + MIB),
        (MIB_EVENT / 2)..(2 * MIB_EVENT),
    ];
    (0..craft::EVENTS.len(), content, any::<bool>()).prop_map(|(k, content, in_cell)| BigEvent {
        kind: craft::EVENTS[k],
        content,
        in_cell,
    })
}

/// Reads one large event, and checks it is refused exactly when the
/// event (or the cell's `<is>`) passes the bound, read otherwise (with
/// the row after it: quick-xml ends it no later than the check), and
/// never more than `MAX_PEAK` allocated. Tells which of the three it was.
fn check_big_event(e: &BigEvent, seen: &AtomicUsize) -> Result<EventCase, TestCaseError> {
    let (open, _, close) = e.kind.parts();
    let event = (open.len() + close.len()) as u64 + e.content;
    let (sheet, size) = match e.in_cell {
        false => (craft::sheet_with_event(e.kind, e.content), event),
        true => {
            let cell = r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#;
            let sheet = craft::sheet_with(cell, e.kind, e.content, "</t></is></c></row>");
            (sheet, event + "<is><t></t></is>".len() as u64)
        }
    };
    prop_assert!(u64::from(sheet.size) <= sheet.data.len() as u64 * 100);
    let mut parts = MINIMAL.clone();
    parts.retain(|p| p.name != sheet.name);
    parts.push(sheet);
    let r = measured_read(&build(&parts, &Tail::default()), seen)?;
    Ok(if size > MIB_EVENT {
        prop_assert!(is_limit(&r), "{e:?} ({size} bytes): {r:?}");
        EventCase::Over
    } else if e.in_cell {
        prop_assert!(!is_limit(&r), "{e:?} ({size} bytes): {r:?}");
        EventCase::InCell
    } else {
        prop_assert!(matches!(r, Ok(2)), "{e:?} ({size} bytes): {r:?}");
        EventCase::Between
    })
}

#[derive(PartialEq)]
enum EventCase {
    Over,
    InCell,
    Between,
}

/// Large events of every kind around the bound, deflated within the
/// ratio, between rows or in a cell (see [`check_big_event`]).
#[test]
fn large_xml_events_are_read_or_refused() {
    let over = Reach::new("over the bound, refused", 0.1);
    let in_cell = Reach::new("in a cell within the bound", 0.05);
    let between = Reach::new("between rows within the bound", 0.05);
    let reach = [&over, &in_cell, &between];
    fuzz_archives("archive_events", &reach, big_events(), |e, seen| {
        match check_big_event(&e, seen)? {
            EventCase::Over => over.hit(),
            EventCase::InCell => in_cell.hit(),
            EventCase::Between => between.hit(),
        }
        Ok(())
    });
}

/// Found by `archive_events` (fixed in 476bacd): a comment in a cell's
/// `<is><t>` one byte over the bound was read whole, as the bound counted
/// a value's bytes only to the start of its end tag.
#[test]
fn a_comment_in_a_cell_one_byte_over_the_bound_is_refused() {
    let e = BigEvent {
        kind: craft::Event::Comment,
        content: 4_194_282,
        in_cell: true,
    };
    let case = check_big_event(&e, &AtomicUsize::new(0)).unwrap();
    assert!(case == EventCase::Over);
}

/// Crafted parts that each passed the size and ratio checks and cost
/// calamine more than `MAX_PEAK` before the XML bounds (measured with
/// the check left out: 398 MB for each 150 MiB event, 470 MB for a cell
/// of small events, 440 MB for 120 MiB of nesting, 612 MB for defined
/// names, 941 MB for relationships, 240 MB for 16 MiB of styles, 316 MB
/// for a 1 MiB font name cloned into 300 styles): all refused now, far
/// below the bound.
#[test]
fn crafted_parts_are_refused_cheaply() {
    let mut parts: Vec<(String, Entry)> = craft::EVENTS
        .iter()
        .map(|&k| (format!("{k:?}"), craft::sheet_with_event(k, 150 * MIB)))
        .collect();
    let cell = r#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#;
    let small = craft::sheet_with(cell, craft::Event::Text, 0, "");
    let small = Entry::varied(
        &small.name,
        b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>",
        format!("{}#", "ab<x/>c&amp;".repeat(4)).as_bytes(),
        150 * MIB,
        b"</t></is></c></row></sheetData></worksheet>",
    );
    parts.push(("cell of small events".into(), small));
    let deep = Entry::varied(
        "xl/worksheets/sheet1.xml",
        b"<worksheet><sheetData>",
        b"<a#>",
        120 * MIB,
        b"</sheetData></worksheet>",
    );
    parts.push(("nesting".into(), deep));
    for (name, entry) in definition_attacks() {
        parts.push((name.into(), entry));
    }
    let seen = AtomicUsize::new(0);
    for (name, entry) in parts {
        let (size, packed) = (entry.size, entry.data.len());
        let mut all = MINIMAL.clone();
        all.retain(|p| p.name != entry.name);
        all.push(entry);
        let before = seen.swap(0, Relaxed);
        let r = measured_read(&build(&all, &Tail::default()), &seen).unwrap();
        let mb = seen.fetch_max(before, Relaxed) as f64 / 1e6;
        eprintln!("{name}: {size} bytes deflated to {packed}: peak {mb:.1} MB, {r:?}");
        assert!(is_limit(&r), "{name}: {r:?}");
    }
}

/// What calamine keeps one value for, crafted past the bounds.
fn definition_attacks() -> Vec<(&'static str, Entry)> {
    let rels = Entry::varied(
        "xl/_rels/workbook.xml.rels",
        br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
        b"<Relationship Id='######'/>",
        150 * MIB,
        b"</Relationships>",
    );
    let names = Entry::varied(
        "xl/workbook.xml",
        br#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets><definedNames>"#,
        b"<definedName name='##'></definedName>",
        150 * MIB,
        b"</definedNames></workbook>",
    );
    let styles = Entry::varied(
        "xl/styles.xml",
        b"<styleSheet><cellXfs>",
        b"<xf numFmtId='1#'/>",
        16 * MIB - 100,
        b"</cellXfs></styleSheet>",
    );
    let font = format!(
        "<fonts><font><name val='{}'/></font></fonts>",
        "x".repeat(1 << 20)
    );
    let xfs = "<xf fontId='0'/>".repeat(300);
    let clones = format!("<styleSheet>{font}<cellXfs>{xfs}</cellXfs></styleSheet>");
    vec![
        ("relationships", rels),
        ("defined names", names),
        ("styles", styles),
        (
            "font name clones",
            Entry::stored("xl/styles.xml", clones.as_bytes()),
        ),
    ]
}

/// Near every bound at once: 60 MiB of rich shared strings (998,643 of
/// them), 99,000 styles each cloning a 100-byte font name, and a 4 MiB
/// text between rows. Read, well below `MAX_PEAK` (116 MB measured).
#[test]
fn a_workbook_at_the_bounds_stays_below_the_peak() {
    let si = format!(
        "<si><r><t>{}#</t></r><r><t>#</t></r></si>",
        "abcdefgh".repeat(3)
    );
    let strings = Entry::varied(
        "xl/sharedStrings.xml",
        br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1000000">"#,
        si.as_bytes(),
        60 * MIB / si.len() as u64 * si.len() as u64,
        b"</sst>",
    );
    let font = format!(
        "<fonts><font><name val='{}'/></font></fonts>",
        "x".repeat(100)
    );
    let xf = b"<xf fontId='0' numFmtId='1#'/>";
    let styles = Entry::varied(
        "xl/styles.xml",
        format!("<styleSheet>{font}<cellXfs>").as_bytes(),
        xf,
        99_000 * xf.len() as u64,
        b"</cellXfs></styleSheet>",
    );
    let sheet = craft::sheet_with_event(craft::Event::Text, files::MAX_XML_EVENT_BYTES - 100);
    let mut parts = MINIMAL.clone();
    parts.retain(|p| !p.name.ends_with("sharedStrings.xml") && p.name != sheet.name);
    parts.extend([strings, styles, sheet]);
    let seen = AtomicUsize::new(0);
    let r = measured_read(&build(&parts, &Tail::default()), &seen).unwrap();
    let mb = seen.load(Relaxed) as f64 / 1e6;
    eprintln!("at the bounds: peak {mb:.1} MB, {r:?}");
    assert!(matches!(r, Ok(2)), "{r:?}");
}
