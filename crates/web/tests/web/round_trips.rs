//! Issue 25: a province's type catalogue and a figures sheet, edited and
//! saved by LibreOffice Calc (`tests/fixtures/make_office_files.py`: three
//! cells changed, a row added, dates as dates and as text, "1.500", a
//! hidden column, trailing formatted rows, a second sheet), preview as
//! 1 new, 3 changed, 1 unchanged and write exactly that once confirmed.
//! (The models sheet's round trip is in `models.rs`.)

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

/// The preview of `file` at `uri`, its counts checked; answers its digest.
async fn previewed(c: &Client<'_>, uri: &str, file: &[u8], l: &str) -> (Value, String) {
    let r = c
        .upload(&format!("{uri}?dry_run=true"), "sua.xlsx", file)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
    let p = r.json();
    assert_eq!(
        (&p["new"], &p["changed"], &p["unchanged"]),
        (&json!(1), &json!(3), &json!(1)),
        "{l}: {p}"
    );
    let digest = p["digest"].as_str().unwrap().to_string();
    (p, digest)
}

/// The changed fields of a preview: (record, column, before, after), sorted.
fn fields(p: &Value) -> Vec<[String; 4]> {
    let mut out: Vec<[String; 4]> = p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            let record = c["record"].as_str().unwrap().to_string();
            c["fields"].as_array().unwrap().iter().map(move |f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                [record.clone(), s("column"), s("before"), s("after")]
            })
        })
        .collect();
    out.sort();
    out
}

/// Writes the confirmed preview, then finds the same file changes nothing.
async fn confirmed(c: &Client<'_>, uri: &str, file: &[u8], digest: &str, l: &str) {
    let r = c
        .upload(&format!("{uri}?confirm={digest}"), "sua.xlsx", file)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
    assert_eq!(
        (&r.json()["new"], &r.json()["changed"]),
        (&json!(1), &json!(3)),
        "{l}"
    );
    let again = c
        .upload(&format!("{uri}?dry_run=true"), "sua.xlsx", file)
        .await
        .json();
    assert_eq!(
        (&again["new"], &again["changed"], &again["unchanged"]),
        (&json!(0), &json!(0), &json!(5)),
        "{l}: once written, the same sheet changes nothing"
    );
}

fn row(a: &str, b: &str, c: &str, d: &str) -> [String; 4] {
    [a, b, c, d].map(str::to_string)
}

#[tokio::test]
async fn a_catalogue_saved_by_libreoffice_updates_three_cells_and_adds_a_type() {
    let file = include_bytes!("../fixtures/loai-mo-hinh-sua-libreoffice.xlsx");
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        for (code, name, description) in [
            ("nb_lo_1", "Tổ an ninh thôn Đông", "Mô tả một"),
            ("nb_lo_2", "Tổ hòa giải xóm Bắc", "Mô tả hai"),
            ("nb_lo_3", "Tổ liên gia phố Hàng Sắt", "Mô tả ba"),
            ("nb_lo_4", "Nhóm tự quản chợ Rồng", "Mô tả bốn"),
        ] {
            let r = tinh
                .write(
                    Method::POST,
                    "/api/v1/model-types",
                    json!({"code": code, "name": name, "sector": "residential",
                           "targets": ["village"], "description": description}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        }
        let uri = "/api/v1/model-types/import";
        let (p, digest) = previewed(&tinh, uri, file, l).await;
        assert_eq!(
            fields(&p),
            [
                row(
                    "Mã loại nb_lo_2",
                    "Tên loại mô hình",
                    "Tổ hòa giải xóm Bắc",
                    "Tổ hòa giải xóm Bắc mới"
                ),
                row("Mã loại nb_lo_3", "Mô tả", "Mô tả ba", "Mô tả ba, đã sửa"),
                row(
                    "Mã loại nb_lo_4",
                    "Nơi áp dụng",
                    "Thôn, tổ dân phố",
                    "Thôn, tổ dân phố; Xã, phường"
                ),
            ],
            "{l}"
        );
        confirmed(&tinh, uri, file, &digest, l).await;
    }
}

#[tokio::test]
async fn a_figures_sheet_saved_by_libreoffice_updates_three_values_and_adds_one() {
    let file = include_bytes!("../fixtures/so-lieu-sua-libreoffice.xlsx");
    for app in App::all().await {
        let l = app.label();
        let phuong = app.login("phuong").await;
        let v = |code: &str, value: i64| json!({"indicator": code, "org_unit": app.ward, "period": "2026-05", "value": value});
        let r = phuong
            .write(
                Method::POST,
                "/api/v1/data-values",
                json!([
                    v("tin_bao", 1200),
                    v("tin_bao_co_gia_tri", 40),
                    v("tin_bao_vneid", 10),
                    v("vu_hoa_giai", 3)
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let uri = "/api/v1/data-values/import";
        let (p, digest) = previewed(&phuong, uri, file, l).await;
        assert_eq!(
            fields(&p),
            [
                row("13669 · 2026-05 · tin_bao", "Giá trị", "1200", "1500"),
                row(
                    "13669 · 2026-05 · tin_bao_co_gia_tri",
                    "Giá trị",
                    "40",
                    "45"
                ),
                row(
                    "13669 · 2026-05 · vu_hoa_giai",
                    "Ghi chú",
                    "",
                    "đã xác minh"
                ),
            ],
            "{l}"
        );
        confirmed(&phuong, uri, file, &digest, l).await;
    }
}
