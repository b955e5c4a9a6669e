//! Writes and reads back 100,000 rows × 15 columns, printing times and
//! sizes: `cargo run --release -p files --example xlsx_100k [rows]`.
//! Peak memory: run the built binary under `/usr/bin/time -v`.

use std::error::Error;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use files::{csv, read_rows, xlsx, Cell, Column, FilesError, Sheet};

fn main() -> Result<(), Box<dyn Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let names = [
        "Nguyễn Văn An",
        "Trần Thị Bích",
        "Lê Hoàng Cường",
        "Phạm Thị Dung",
        "Đỗ Minh Đức",
    ];
    let units = [
        "Phường Ba Đình",
        "Phường Hoàn Kiếm",
        "Xã Đông Anh",
        "Phường Bến Thành",
    ];
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).ok_or("date")?;

    let t = Instant::now();
    let mut sheet = Sheet::new(
        "Danh sách thành viên",
        (1..=15)
            .map(|i| Column::new(format!("Cột {i}"), 14.0))
            .collect(),
    );
    sheet.highlight_col = Some(14);
    for i in 0..rows {
        let n = i as i64;
        let day = start
            .checked_add_days(Days::new((i % 2000) as u64))
            .ok_or("date")?;
        sheet.rows.push(vec![
            Cell::Int(n + 1),
            Cell::from(names.iter().cycle().nth(i % names.len()).copied()),
            Cell::Int(1950 + n % 55),
            Cell::from(units.iter().cycle().nth(i % units.len()).copied()),
            Cell::Text(format!("{:05}", i % 10_000)),
            Cell::Date(day),
            Cell::Bool(i % 3 == 0),
            Cell::Num(n as f64 / 7.0),
            Cell::Text(format!("09{:08}", i)),
            Cell::Text("Tổ bảo vệ an ninh, trật tự ở cơ sở".to_owned()),
            Cell::Int(n % 97),
            Cell::Num((n % 1000) as f64 * 0.25),
            Cell::Date(day),
            Cell::Text(format!("Ghi chú số {i}")),
            if i % 50 == 0 {
                Cell::Text("Sai ngày sinh".to_owned())
            } else {
                Cell::Empty
            },
        ]);
    }
    println!("{rows} rows x 15 columns built in {:.2?}", t.elapsed());

    let t = Instant::now();
    let bytes = xlsx(std::slice::from_ref(&sheet))?;
    println!("xlsx: {:.2?}, {} bytes", t.elapsed(), bytes.len());

    let t = Instant::now();
    let csv_bytes = csv(&sheet);
    println!("csv:  {:.2?}, {} bytes", t.elapsed(), csv_bytes.len());

    for (what, data) in [("xlsx", &bytes), ("csv", &csv_bytes)] {
        let t = Instant::now();
        let (mut count, mut cells) = (0usize, 0usize);
        read_rows(data, |_, row| {
            count += 1;
            cells += row.len();
            Ok::<(), FilesError>(())
        })?;
        println!(
            "read {what}: {:.2?}, {count} rows, {cells} cells",
            t.elapsed()
        );
    }
    if let Some(path) = std::env::args().nth(2) {
        std::fs::write(&path, &bytes)?;
        println!("written to {path}");
    }
    Ok(())
}
