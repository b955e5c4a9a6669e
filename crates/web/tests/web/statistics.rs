//! Statistics over HTTP: entry within scope, approval level by level,
//! the pivot in both views of history, files, pages and saved pivots.

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::App;

fn rows(v: &Value) -> Vec<(String, Option<i64>, String, f64)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["indicator"].as_str().unwrap().to_owned(),
                r["org_unit_id"].as_i64(),
                r["period"].as_str().unwrap().to_owned(),
                r["value"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn figures_from_entry_to_approval_and_pivot() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let lanhdao = app.login("lanhdao").await;
        let monthly = admin.data_set("bao_cao_thang").await;

        // The commune officer enters for the ward; the legacy commune's
        // 2022 figures are the province's to enter.
        let r = phuong
            .write(Method::POST, "/api/v1/data-values", json!([
                {"indicator": "tin_bao", "org_unit": app.ward, "period": "2026-03", "value": 9},
                {"indicator": "tin_bao_co_gia_tri", "org_unit": app.ward, "period": "2026-03", "value": 4, "comment": "đã xác minh"}
            ]))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["written"], 2);
        let r = phuong
            .write(Method::POST, "/api/v1/data-values", json!([{"indicator": "tin_bao", "org_unit": app.ba_dinh, "period": "2026-03", "value": 1}]))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: outside the scope");
        let r = lanhdao
            .write(Method::POST, "/api/v1/data-values", json!([{"indicator": "tin_bao", "org_unit": app.ward, "period": "2026-03", "value": 1}]))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = tinh
            .write(Method::POST, "/api/v1/data-values", json!([
                {"indicator": "tin_bao", "org_unit": app.vi_xuyen, "period": "2022-03", "value": 5},
                {"indicator": "tin_bao", "org_unit": app.vi_xuyen, "period": "2022-04", "value": 2}
            ]))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        // A bad value names what is wrong and writes nothing.
        let r = tinh
            .write(Method::POST, "/api/v1/data-values", json!([
                {"indicator": "tin_bao", "org_unit": app.vi_xuyen, "period": "2022-05", "value": 3},
                {"indicator": "tin_bao", "org_unit": app.vi_xuyen, "period": "2022-06", "value": 1.5}
            ]))
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "values"),
            "{l}"
        );
        assert!(r.body.contains("thứ 2"), "{}", r.body);

        // The form reads back; the commune submits, the province approves.
        let form = format!("data_set={monthly}&org_unit={}&period=2026-03", app.ward);
        let f = phuong.get(&format!("/api/v1/data-values?{form}")).await;
        assert_eq!(f.status, StatusCode::OK, "{l}: {}", f.body);
        assert_eq!(f.json()["approval"]["state"], "draft");
        let act = |action: &str| json!({"data_set": monthly, "org_unit": app.ward, "period": "2026-03", "action": action});
        let r = phuong
            .write(Method::POST, "/api/v1/approvals", act("submit"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let r = phuong
            .write(Method::POST, "/api/v1/approvals", act("approve"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: a commune does not approve itself"
        );
        let r = phuong
            .write(Method::POST, "/api/v1/data-values", json!([{"indicator": "tin_bao", "org_unit": app.ward, "period": "2026-03", "value": 10}]))
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: submitted figures are locked"
        );
        let r = tinh
            .write(Method::POST, "/api/v1/approvals", act("approve"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["is_final"], true);
        let r = tinh
            .write(Method::POST, "/api/v1/approvals", act("unapprove"))
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "reason"),
            "{l}"
        );
        let h = tinh.get(&format!("/api/v1/approvals?{form}")).await.json();
        assert_eq!(h["history"].as_array().unwrap().len(), 2, "{l}");

        // The pivot: approved figures by default, everything on request.
        let q = format!(
            "/api/v1/analytics?indicators=tin_bao&org_unit={}&periods=2026,2026-Q1",
            app.ninh_binh
        );
        let approved = rows(&tinh.get(&q).await.json());
        assert_eq!(
            approved,
            [
                (
                    "tin_bao".to_owned(),
                    Some(app.ninh_binh),
                    "2026-Q1".to_owned(),
                    9.0
                ),
                (
                    "tin_bao".to_owned(),
                    Some(app.ninh_binh),
                    "2026".to_owned(),
                    9.0
                )
            ],
            "{l}"
        );
        // 2022 as it was: under legacy Nam Định; as it is now: under Ninh Bình.
        let q = |view: &str, unit: i64| {
            format!("/api/v1/analytics?indicators=tin_bao&org_unit={unit}&periods=2022&view={view}&approved_only=false")
        };
        assert_eq!(
            rows(&admin.get(&q("as_was", app.nam_dinh)).await.json())[0].3,
            7.0,
            "{l}"
        );
        assert!(
            rows(&admin.get(&q("as_was", app.ninh_binh)).await.json()).is_empty(),
            "{l}"
        );
        assert_eq!(
            rows(&admin.get(&q("as_now", app.ninh_binh)).await.json())[0].3,
            7.0,
            "{l}"
        );
        let by_commune = admin
            .get(&format!("/api/v1/analytics?indicators=tin_bao&org_unit={}&level=commune&periods=2022-03&view=as_now&approved_only=false", app.ninh_binh))
            .await
            .json();
        assert_eq!(
            rows(&by_commune),
            [(
                "tin_bao".to_owned(),
                Some(app.ward),
                "2022-03".to_owned(),
                5.0
            )],
            "{l}"
        );
        // Outside the scope: not found. Unknown indicator: not found.
        let r = tinh
            .get(&format!(
                "/api/v1/analytics?indicators=tin_bao&org_unit={}&periods=2026",
                app.ba_dinh
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        let r = tinh
            .get(&format!(
                "/api/v1/analytics?indicators=tin_bao&org_unit={}&level=village&periods=2026",
                app.ba_dinh
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{l}: a breakdown of an area outside the scope"
        );
        let r = tinh
            .get(&format!(
                "/api/v1/analytics?indicators=khong_co&org_unit={}&periods=2026",
                app.ninh_binh
            ))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        // Files.
        let r = tinh
            .get(&format!(
                "/api/v1/analytics?indicators=tin_bao&org_unit={}&periods=2026&format=xlsx",
                app.ninh_binh
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        assert!(r.body.starts_with("PK"), "{l}: an XLSX is a zip");
        let r = tinh
            .get(&format!(
                "/api/v1/analytics?indicators=tin_bao&org_unit={}&periods=2026&format=csv",
                app.ninh_binh
            ))
            .await;
        assert!(
            r.body.contains("Mã chỉ tiêu") && r.body.contains("tin_bao"),
            "{}",
            r.body
        );

        // Pages: overview with completeness, the form, analytics, a saved pivot.
        for page in [
            format!("/statistics?data_set={monthly}&period=2026-03&org_unit={}", app.ninh_binh),
            format!("/statistics/entry?{form}"),
            format!("/statistics/analytics?indicators=tin_bao&org_unit={}&level=commune&periods=2026-01,2026-02,2026-03&view=as_now", app.ninh_binh),
            "/statistics/definitions".to_owned(),
        ] {
            let r = tinh.get(&page).await;
            assert_eq!(r.status, StatusCode::OK, "{l} {page}: {}", r.body);
        }
        let overview = tinh
            .get(&format!(
                "/statistics?data_set={monthly}&period=2026-03&org_unit={}",
                app.ninh_binh
            ))
            .await;
        assert!(overview.body.contains("Phường Nam Định"), "{l}");
        let entry = phuong.get(&format!("/statistics/entry?{form}")).await;
        assert!(
            entry.body.contains("đã xác minh") && entry.body.contains("readonly"),
            "{l}: locked after approval"
        );
        let chart = tinh.get(&format!("/statistics/analytics?indicators=tin_bao&org_unit={}&periods=2026-Q1,2026&approved_only=true", app.ninh_binh)).await;
        assert!(chart.body.contains("<svg"), "{l}");
        let r = tinh
            .form(
                "/statistics/pivots",
                &[
                    ("name", "Tin báo Ninh Bình"),
                    (
                        "query",
                        &format!("indicators=tin_bao&org_unit={}&periods=2026", app.ninh_binh),
                    ),
                    ("shared", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let d = lanhdao.get("/statistics/dashboard").await;
        assert!(
            d.body.contains("Tin báo Ninh Bình"),
            "{l}: shared within the province"
        );
        let other = app.login("khac").await;
        let d = other.get("/statistics/dashboard").await;
        assert!(!d.body.contains("Tin báo Ninh Bình"), "{l}: not in Hà Nội");

        // The page form saves every field, and an empty one deletes.
        let vx = format!(
            "data_set={monthly}&org_unit={}&period=2022-03",
            app.vi_xuyen
        );
        let r = tinh
            .form(
                "/statistics/entry",
                &[
                    ("data_set", &monthly.to_string()),
                    ("org_unit", &app.vi_xuyen.to_string()),
                    ("period", "2022-03"),
                    ("v_tin_bao", ""),
                    ("v_vu_hoa_giai", "1.234"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let f = tinh.get(&format!("/api/v1/data-values?{vx}")).await.json();
        let value = |code: &str| {
            f["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["code"] == code)
                .unwrap()["value"]
                .clone()
        };
        assert_eq!(value("tin_bao"), Value::Null);
        assert_eq!(value("vu_hoa_giai"), json!(1234.0));
    }
}

/// The period's sheet downloaded, filled in and uploaded is the bulk entry:
/// within scope, all values or none, with a report of every bad row.
#[tokio::test]
async fn figures_from_a_filled_in_period_sheet() {
    for app in App::all().await {
        let l = app.label();
        let phuong = app.login("phuong").await;
        let lanhdao = app.login("lanhdao").await;
        let monthly = phuong.data_set("bao_cao_thang").await;
        let form = format!("data_set={monthly}&org_unit={}&period=2026-05", app.ward);

        let sheet = phuong
            .get(&format!("/statistics/import/template?{form}&format=csv"))
            .await;
        assert_eq!(sheet.status, StatusCode::OK, "{l}: {}", sheet.body);
        assert!(sheet.body.starts_with('\u{feff}'), "BOM");
        assert!(sheet.body.contains("Mã chỉ tiêu") && sheet.body.contains("Giá trị"));
        let xlsx = phuong
            .get(&format!("/statistics/import/template?{form}&format=xlsx"))
            .await;
        assert!(xlsx.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        let r = phuong
            .get(&format!(
                "/statistics/import/template?data_set={monthly}&org_unit={}&period=2026-Q1",
                app.ward
            ))
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: a quarter of a monthly set"
        );

        // Fill in two values; the rest stay blank (skipped).
        let filled: String = sheet
            .body
            .lines()
            .map(|line| {
                let blank = line.strip_suffix(",,");
                if line.contains(",tin_bao,") {
                    format!("{},12,\n", blank.unwrap())
                } else if line.contains(",tin_bao_co_gia_tri,") {
                    format!("{},\"7,0\",đã xác minh\n", blank.unwrap())
                } else {
                    format!("{line}\n")
                }
            })
            .collect();
        let r = lanhdao
            .upload(
                "/api/v1/data-values/import",
                "so-lieu.csv",
                filled.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: a viewer");
        let r = phuong
            .upload(
                "/api/v1/data-values/import",
                "so-lieu.csv",
                filled.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.json()["new"], 2, "{l}");
        // The same sheet again changes nothing; one value edited is one
        // change, previewed before → after and written once confirmed.
        let dry = |body: String| {
            let phuong = &phuong;
            async move {
                phuong
                    .upload(
                        "/api/v1/data-values/import?dry_run=true",
                        "so-lieu.csv",
                        body.as_bytes(),
                    )
                    .await
                    .json()
            }
        };
        let p = dry(filled.clone()).await;
        assert_eq!(
            (&p["new"], &p["changed"], &p["unchanged"]),
            (&json!(0), &json!(0), &json!(2)),
            "{l}: {p}"
        );
        let edited: String = filled
            .lines()
            .map(|line| match line.strip_suffix(",12,") {
                Some(rest) if line.contains(",tin_bao,") => format!("{rest},15,\n"),
                _ => format!("{line}\n"),
            })
            .collect();
        let p = dry(edited.clone()).await;
        assert_eq!(
            (&p["changed"], &p["unchanged"]),
            (&json!(1), &json!(1)),
            "{l}: {p}"
        );
        assert_eq!(
            p["changes"][0]["fields"],
            json!([{"column": "Giá trị", "before": "12", "after": "15"}]),
            "{l}"
        );
        let uri = format!(
            "/api/v1/data-values/import?confirm={}",
            p["digest"].as_str().unwrap()
        );
        let r = phuong.upload(&uri, "so-lieu.csv", edited.as_bytes()).await;
        assert_eq!(
            (r.status, &r.json()["changed"]),
            (StatusCode::CREATED, &json!(1)),
            "{l}: {}",
            r.body
        );
        // Back to 12, so that what follows reads as before.
        let r = phuong
            .upload(
                "/api/v1/data-values/import",
                "so-lieu.csv",
                filled.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let f = phuong
            .get(&format!("/api/v1/data-values?{form}"))
            .await
            .json();
        let value = |code: &str| {
            f["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["code"] == code)
                .unwrap()["value"]
                .clone()
        };
        assert_eq!(value("tin_bao"), json!(12.0));
        assert_eq!(value("tin_bao_co_gia_tri"), json!(7.0));
        // The sheet now carries them.
        let again = phuong
            .get(&format!("/statistics/import/template?{form}&format=csv"))
            .await;
        assert!(again.body.contains(",12,"), "{}", again.body);

        // Outside the scope, a bad value and an unknown indicator: nothing
        // is written, every row is reported.
        let bad = format!(
            "ID đơn vị,Kỳ,Mã chỉ tiêu,Giá trị\n{w},2026-05,tin_bao,13\n{b},2026-05,tin_bao,1\n{w},2026-05,khong_co,1\n{w},2026-05,to_hoa_giai,abc\n",
            w = app.ward,
            b = app.ba_dinh
        );
        let r = phuong
            .upload("/api/v1/data-values/import", "x.csv", bad.as_bytes())
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            r.body
        );
        let errs: Vec<(i64, String)> = r.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["row"].as_i64().unwrap(),
                    e["column"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            errs,
            vec![
                (3, "ID đơn vị".to_string()),
                (4, "Mã chỉ tiêu".to_string()),
                (5, "Giá trị".to_string())
            ],
            "{l}"
        );
        let f = phuong
            .get(&format!("/api/v1/data-values?{form}"))
            .await
            .json();
        assert!(f.to_string().contains("12.0"), "nothing written: {f}");
        let report = phuong
            .upload(
                "/api/v1/data-values/import?report=xlsx",
                "x.csv",
                bad.as_bytes(),
            )
            .await;
        assert_eq!(report.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(report.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        let page = phuong
            .upload("/statistics/import", "x.csv", bad.as_bytes())
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body.contains("khong_co")
                && page.body.contains("data:application/vnd.openxmlformats")
        );
        let page = phuong.get("/statistics/import").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("multipart/form-data"));
        let r = phuong
            .upload(
                "/api/v1/data-values/import",
                "x.csv",
                b"Ky,Gia tri\n2026-05,1\n",
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.json()["rows"][0]["row"], 1, "{}", r.body);
    }
}

/// Province staff add and edit definitions on pages; a refused form comes
/// back with what was typed; others may not.
#[tokio::test]
async fn definitions_are_edited_on_pages() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let lanhdao = app.login("lanhdao").await;
        let r = tinh
            .form(
                "/statistics/indicators",
                &[
                    ("code", "so_buoi_tuan_tra"),
                    ("name", "Số buổi tuần tra"),
                    ("unit", "count"),
                    ("aggregation", "sum"),
                    ("min_value", "0"),
                    ("description", "Buổi tuần tra của tổ an ninh"),
                    ("active", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let found = tinh.get("/api/v1/indicators").await.json();
        let ind = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == "so_buoi_tuan_tra")
            .unwrap()
            .clone();
        assert_eq!(ind["min_value"], json!(0.0));
        let id = ind["id"].as_i64().unwrap();

        // The same code again: refused, the form shows what was typed.
        let again = tinh
            .form(
                "/statistics/indicators",
                &[
                    ("code", "so_buoi_tuan_tra"),
                    ("name", "Tên gõ lại"),
                    ("unit", "count"),
                    ("aggregation", "sum"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(again.body.contains("Tên gõ lại"), "{}", again.body);
        let bad = tinh
            .form(
                "/statistics/indicators",
                &[
                    ("code", "Sai Ma"),
                    ("name", "X"),
                    ("unit", "count"),
                    ("aggregation", "sum"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(bad.body.contains("aria-invalid"), "{}", bad.body);

        let r = tinh
            .form(
                "/statistics/data-sets",
                &[
                    ("code", "tuan_tra_quy"),
                    ("name", "Tuần tra theo quý"),
                    ("period_type", "quarter"),
                    ("calendar", "months"),
                    ("entry", "commune"),
                    ("deadline_days", "7"),
                    ("approval_levels", "province"),
                    ("indicators", "so_buoi_tuan_tra\n"),
                    ("active", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = tinh
            .form(
                "/statistics/validation-rules",
                &[
                    ("data_set", "tuan_tra_quy"),
                    ("expression", "so_buoi_tuan_tra <= 200"),
                    ("severity", "warning"),
                    ("message", "Nhiều buổi bất thường"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let set = tinh.data_set("tuan_tra_quy").await;
        let view = tinh.get(&format!("/api/v1/data-sets/{set}")).await.json();
        assert_eq!(view["indicators"][0]["code"], "so_buoi_tuan_tra");
        assert_eq!(view["rules"][0]["severity"], "warning");

        // Editing: the form shows the stored values; a save changes them.
        let page = tinh.get(&format!("/statistics/indicators/{id}")).await;
        assert!(page.body.contains("Số buổi tuần tra"), "{l}");
        let r = tinh
            .form(
                &format!("/statistics/indicators/{id}"),
                &[
                    ("code", "so_buoi_tuan_tra"),
                    ("name", "Số buổi tuần tra, kiểm soát"),
                    ("unit", "count"),
                    ("aggregation", "sum"),
                    ("active", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let i = tinh.get(&format!("/api/v1/indicators/{id}")).await.json();
        assert_eq!(i["name"], "Số buổi tuần tra, kiểm soát");
        assert_eq!(i["min_value"], Value::Null);
        let page = tinh.get(&format!("/statistics/data-sets/{set}")).await;
        assert!(
            page.body.contains("value=\"province\" checked"),
            "{}",
            page.body
        );

        let list = tinh.get("/statistics/definitions").await;
        assert!(list.body.contains(&format!("/statistics/indicators/{id}")));
        let list = lanhdao.get("/statistics/definitions").await;
        assert!(!list.body.contains(&format!("/statistics/indicators/{id}")));
        let r = lanhdao
            .form(&format!("/statistics/indicators/{id}"), &[("name", "X")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

/// The shares of a split legacy commune are set on its page or through the
/// API by province staff, within scope; the pivot as it is now follows.
#[tokio::test]
async fn shares_of_a_split_commune() {
    for app in App::all().await {
        let l = app.label();
        let on = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let find = |code: &'static str, day: &'static str| {
            let db = &app.t.db;
            async move {
                store::org_units::resolve_code(db, domain::org_units::Level::Commune, code, on(day))
                    .await
                    .unwrap()
                    .unwrap()
                    .id
            }
        };
        let legacy = find("13285", "2022-01-01").await;
        let kept = find("13285", "2026-01-01").await;
        let default = find("13366", "2026-01-01").await;
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/data-values",
                json!([
                    {"indicator": "tin_bao", "org_unit": legacy, "period": "2022-03", "value": 8}
                ]),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let pivot = |u: i64| {
            format!("/api/v1/analytics?indicators=tin_bao&org_unit={u}&periods=2022&view=as_now&approved_only=false")
        };

        let page = tinh.get(&format!("/org-units/{legacy}")).await;
        assert!(page.body.contains(&format!("name=\"share_{kept}\"")), "{l}");
        let r = tinh
            .form(
                &format!("/org-units/{legacy}/shares"),
                &[
                    (&format!("share_{kept}"), "25"),
                    (&format!("share_{default}"), "70"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: 95% refused");
        let r = tinh
            .form(
                &format!("/org-units/{legacy}/shares"),
                &[
                    (&format!("share_{kept}"), "25"),
                    (&format!("share_{default}"), "75"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let v = tinh.get(&pivot(kept)).await.json();
        assert_eq!(v["rows"][0]["value"], json!(2.0), "{l}: {v}");
        let v = tinh.get(&pivot(default)).await.json();
        assert_eq!(v["rows"][0]["value"], json!(6.0), "{l}: {v}");

        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/org-units/{legacy}/shares"),
                json!({"shares": []}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/org-units/{legacy}/shares"),
                json!({"shares": []}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["items"][0]["share"], Value::Null);
        let v = tinh.get(&pivot(default)).await.json();
        assert_eq!(v["rows"][0]["value"], json!(8.0), "{l}: {v}");
        let got = tinh
            .get(&format!("/api/v1/org-units/{legacy}/shares"))
            .await
            .json();
        assert_eq!(got["items"].as_array().unwrap().len(), 2);
        assert_eq!(got["items"][0]["is_default"], true);
    }
}

/// More than 8 indicators take another plan (`pivot::query` reads every
/// cell of each unit and period and keeps the asked ones): the figures
/// must be the ones each indicator gives when asked alone, in both views,
/// for the country by province and for a province by commune.
#[tokio::test]
async fn many_indicators_give_the_figures_each_gives_alone() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let aggs = ["sum", "average", "last", "max"];
        let codes: Vec<String> = (0..10).map(|k| format!("nhieu_{k}")).collect();
        for (k, code) in codes.iter().enumerate() {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/indicators",
                    json!({"code": code, "name": format!("Chỉ tiêu {k}"), "unit": "count", "aggregation": aggs[k % 4]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        }
        let r = admin
            .write(
                Method::POST,
                "/api/v1/data-sets",
                json!({"code": "nhieu_chi_tieu", "name": "Nhiều chỉ tiêu", "period_type": "month", "calendar": "months",
                       "entry": "commune", "approval_levels": ["province"], "indicators": codes}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        // A legacy commune in 2022, two 2025 communes in 2026.
        let mut values = Vec::new();
        for (unit, year) in [(app.vi_xuyen, 2022), (app.ward, 2026), (app.ba_dinh, 2026)] {
            for (k, code) in codes.iter().enumerate() {
                for month in 1..=3 {
                    let v = (unit + k as i64 * 7 + month) % 23;
                    values.push(json!({"indicator": code, "org_unit": unit, "period": format!("{year}-{month:02}"), "value": v}));
                }
            }
        }
        let r = admin
            .write(Method::POST, "/api/v1/data-values", json!(values))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);

        let asks = [
            "level=province&periods=2022,2026,2026-Q1,2026-03&view=as_was".to_owned(),
            "level=province&periods=2022,2026,2026-Q1,2026-03&view=as_now".to_owned(),
            format!(
                "org_unit={}&level=commune&periods=2022,2022-02,2026,2026-03&view=as_now",
                app.ninh_binh
            ),
            format!(
                "org_unit={}&level=commune&periods=2022,2022-02&view=as_was",
                app.nam_dinh
            ),
        ];
        for ask in asks {
            let pivot = |codes: &str| {
                let uri = format!("/api/v1/analytics?indicators={codes}&{ask}&approved_only=false");
                let admin = &admin;
                async move {
                    let r = admin.get(&uri).await;
                    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.body);
                    rows(&r.json())
                }
            };
            let together = pivot(&codes.join(",")).await;
            let mut alone = Vec::new();
            for code in &codes {
                alone.extend(pivot(code).await);
            }
            assert_eq!(together, alone, "{l}: {ask}");
            for code in &codes {
                assert!(
                    together.iter().any(|r| &r.0 == code),
                    "{l}: {ask}: no figure of {code}"
                );
            }
        }
    }
}

/// Over the API, Ninh Bình's staff add their own indicator to the national
/// monthly form and hide a national rule for their province; a Hà Nội
/// officer sees none of it; no province changes a national entry (another
/// province's staff: `policy::decide_catalogue`'s tests).
#[tokio::test]
async fn a_province_keeps_its_own_statistics_over_the_api() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let khac = app.login("khac").await;
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/indicators",
                json!({"code": "nb_them_api", "name": "Chỉ tiêu của tỉnh", "unit": "count", "aggregation": "sum", "data_set": "bao_cao_thang"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let own = r.json();
        assert_eq!(
            own["owner"],
            json!({"level": "province", "province_id": app.ninh_binh}),
            "{l}"
        );
        let id = own["id"].as_i64().unwrap();
        let codes = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["code"].as_str().unwrap().to_string())
                .collect()
        };
        let mine = "nb_them_api".to_string();
        assert!(
            codes(tinh.get("/api/v1/indicators").await.json()).contains(&mine),
            "{l}"
        );
        assert!(
            !codes(khac.get("/api/v1/indicators").await.json()).contains(&mine),
            "{l}"
        );
        assert_eq!(
            khac.get(&format!("/api/v1/indicators/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let r = khac
            .write(
                Method::PATCH,
                &format!("/api/v1/indicators/{id}"),
                json!({"name": "Không được"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {}", r.body);
        // A national entry: read by both, changed by neither.
        let r = tinh
            .write(
                Method::PATCH,
                "/api/v1/indicators/1",
                json!({"name": "Đổi tên"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["reason"].clone()),
            (StatusCode::FORBIDDEN, json!("national_entry")),
            "{l}: {}",
            r.body
        );
        // Hiding a national rule for Ninh Bình.
        let rules = tinh.get("/api/v1/validation-rules").await.json();
        let rule = rules["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["expression"] == "tin_bao_co_gia_tri <= tin_bao")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/validation-rules/{rule}/hidden"),
                json!({"hidden": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["province_id"], json!(app.ninh_binh), "{l}");
        // Nobody in Hà Nội hides it for Ninh Bình.
        let r = khac
            .write(
                Method::PUT,
                &format!("/api/v1/validation-rules/{rule}/hidden"),
                json!({"hidden": false, "province_id": app.ninh_binh}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {}", r.body);
    }
}
