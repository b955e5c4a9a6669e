//! Fuzzing of the file readers: any bytes, and valid CSV and XLSX files
//! with bytes flipped, cut or added, must be read or refused with an
//! error; never a panic, never a row number that runs backwards.

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

use files::{Cell, Column, FilesError, Sheet};
use harness::fuzz;
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

/// Reads every row; checks row numbers only go up.
fn read(bytes: &[u8]) -> Result<(), TestCaseError> {
    let mut last = 0;
    let mut ok = true;
    let _ = files::read_rows::<FilesError>(bytes, |n, _cells| {
        ok &= n > last;
        last = n;
        Ok(())
    });
    prop_assert!(ok, "row numbers must increase");
    Ok(())
}

/// A valid file with some bytes changed, cut off, or spliced in.
fn mutated(base: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    (
        proptest::collection::vec((0..len, any::<u8>()), 0..16),
        0..=len,
        proptest::collection::vec(any::<u8>(), 0..64),
        0..=len,
    )
        .prop_map(move |(flips, cut, extra, at)| damage(base, &flips, cut, &extra, at))
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
    fuzz("read_rows_xlsx_xml", damaged_inside(), |b| read(&b));
}

#[test]
fn any_bytes_are_read_or_refused() {
    fuzz(
        "read_rows_bytes",
        proptest::collection::vec(any::<u8>(), 0..4096),
        |b| read(&b),
    );
}

#[test]
fn damaged_csv_is_read_or_refused() {
    fuzz("read_rows_csv", mutated(CSV.as_slice()), |b| read(&b));
}

#[test]
fn damaged_xlsx_is_read_or_refused() {
    fuzz("read_rows_xlsx", mutated(XLSX.as_slice()), |b| read(&b));
}

#[test]
fn any_text_is_written_and_read_back() {
    fuzz(
        "write_read",
        proptest::collection::vec(any::<String>(), 1..8),
        |cells| {
            let sheet = Sheet {
                name: cells[0].clone(),
                columns: cells.iter().map(|c| Column::new(c.clone(), 10.0)).collect(),
                rows: vec![cells.iter().map(|c| Cell::from(c.as_str())).collect()],
                highlight_col: None,
            };
            read(&files::csv(&sheet))?;
            if let Ok(x) = files::xlsx(&[sheet]) {
                read(&x)?;
            }
            let _ = files::bubble_map(&[], &cells[0], &cells[0], 100, 100);
            Ok(())
        },
    );
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
