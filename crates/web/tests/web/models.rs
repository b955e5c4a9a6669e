//! Models over HTTP: the journey of one model, the as-of views across the
//! 2025 reform, file export, and the all-or-nothing import.

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn type_id(c: &Client<'_>, code: &str) -> i64 {
    let r = c.get("/api/v1/model-types").await;
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))["id"]
        .as_i64()
        .unwrap()
}

async fn create(c: &Client<'_>, body: Value) -> Value {
    let r = c.write(Method::POST, "/api/v1/models", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

async fn total(c: &Client<'_>, query: &str) -> i64 {
    let r = c.get(&format!("/api/v1/models?{query}")).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    r.json()["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_model_from_founding_to_replication_within_scope() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let patrol = type_id(&tinh, "to_tuan_tra_nhan_dan").await;
        // Founded in 2022 at legacy Phường Vị Xuyên (Nam Định).
        let m = create(
            &tinh,
            json!({"type_id": patrol, "org_unit_id": app.vi_xuyen, "name": "Tổ tuần tra nhân dân Vị Xuyên",
                   "founded_on": "2022-03-01", "members": 12, "leader_name": "Trần Văn A", "leader_role": "Tổ trưởng",
                   "tags": ["Xây dựng làng văn hoá"], "decision_no": "15/QĐ-UBND", "decision_date": "2022-02-20",
                   "decision_issuer": "UBND phường Vị Xuyên"}),
        )
        .await;
        let id = m["id"].as_i64().unwrap();
        assert_eq!(m["status"], "active");
        assert_eq!(m["tags"], json!(["Xây dựng làng văn hoá"]));

        // A place that did not exist on the founding day is refused, naming the field.
        let r = tinh
            .write(Method::POST, "/api/v1/models", json!({"type_id": patrol, "org_unit_id": app.ward, "name": "X", "founded_on": "2022-03-01"}))
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "org_unit_id"),
            "{l}"
        );

        // Edit, status, rating, activity.
        let r = tinh
            .write(
                Method::PATCH,
                &format!("/api/v1/models/{id}"),
                json!({"members": 15}),
            )
            .await;
        assert_eq!(r.json()["members"], 15, "{}", r.body);
        let r = tinh
            .write(Method::POST, &format!("/api/v1/models/{id}/status"), json!({"status": "paused", "date": "2024-01-10", "reason": "Tổ trưởng chuyển công tác"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = tinh
            .write(
                Method::POST,
                &format!("/api/v1/models/{id}/status"),
                json!({"status": "active", "date": "2024-03-01", "reason": "Kiện toàn tổ"}),
            )
            .await;
        assert_eq!(r.json()["status"], "active");
        let r = tinh
            .write(Method::POST, &format!("/api/v1/models/{id}/ratings"), json!({"year": 2023, "rating": "good", "rated_on": "2023-12-20", "rater": "Công an tỉnh", "exemplar": true}))
            .await;
        assert_eq!(r.json()["is_exemplar"], true, "{}", r.body);
        let r = tinh
            .write(Method::POST, &format!("/api/v1/models/{id}/activities"), json!({"date": "2025-05-05", "kind": "patrol", "description": "Tuần tra đêm", "participants": 8}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

        // As it was in 2023 (paused in January 2024) and as it is now.
        let nam_dinh_2023 = format!("org_unit={}&as_of=2023-06-01&status=active", app.nam_dinh);
        assert_eq!(total(&tinh, &nam_dinh_2023).await, 1, "{l}");
        let paused = format!("org_unit={}&as_of=2024-02-01&status=paused", app.ninh_binh);
        assert_eq!(total(&tinh, &paused).await, 1);
        assert_eq!(
            total(&tinh, &format!("org_unit={}&status=active", app.ward)).await,
            1
        );
        assert_eq!(
            total(&tinh, "exemplar=true&rating=good&q=vi+xuyen").await,
            1
        );
        let mx = tinh
            .get(&format!(
                "/api/v1/models/matrix?org_unit={}&as_of=2023-06-01",
                app.ninh_binh
            ))
            .await
            .json();
        assert_eq!(mx["total"], 1, "{l}: {mx}");

        // A replica in today's ward; the exemplar's page shows it.
        let r = create(
            &tinh,
            json!({"type_id": patrol, "org_unit_id": app.ward, "name": "Tổ tuần tra tổ dân phố 3", "founded_on": "2025-09-01", "replicated_from": id}),
        )
        .await;
        let replicas = tinh
            .get(&format!("/api/v1/models/{id}/replicas"))
            .await
            .json();
        assert_eq!(replicas["items"][0]["id"], r["id"]);
        let page = tinh.get(&format!("/models/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        for text in [
            "Tổ tuần tra tổ dân phố 3",
            "Tuần tra đêm",
            "Tổ trưởng chuyển công tác",
            "Tốt",
        ] {
            assert!(page.body.contains(text), "{l}: {text}");
        }

        // Another commune's officer sees nothing of it; Ba Đình's models stay hidden from Ninh Bình.
        let khac = app.login("khac").await;
        assert_eq!(
            khac.get(&format!("/api/v1/models/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            khac.get(&format!("/models/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(total(&khac, "").await, 0);
        let phuong = app.login("phuong").await;
        assert_eq!(total(&phuong, "").await, 2);

        // Pages render with what they hold.
        for (path, text) in [
            ("/models", "Tổ tuần tra nhân dân Vị Xuyên"),
            ("/models/matrix", "<svg"),
            (
                &format!("/models/matrix?org_unit={}", app.ninh_binh),
                "Phường Nam Định",
            ),
            ("/model-types", "Liên gia tự quản"),
            ("/models/new", "founded_on"),
            ("/models/import", "multipart/form-data"),
            (&format!("/models/{id}/edit"), "Trần Văn A"),
        ] {
            let r = tinh.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {path}");
            assert!(r.body.contains(text), "{l}: {path} lacks {text}");
        }
        // Retiring a type keeps its models (a national type: administrators keep it).
        let admin = app.login("admin").await;
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/model-types/{patrol}"),
                json!({"retired": true}),
            )
            .await;
        assert!(r.json()["retired_on"].is_string(), "{}", r.body);
        assert_eq!(total(&tinh, &format!("type={patrol}")).await, 2);
        let r = tinh
            .write(Method::POST, "/api/v1/models", json!({"type_id": patrol, "org_unit_id": app.ward, "name": "Mới", "founded_on": "2026-01-01"}))
            .await;
        assert_eq!(r.field(), "type_id");
    }
}

#[tokio::test]
async fn import_is_all_or_nothing_and_export_reads_back() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let before = total(&tinh, "").await;
        let good = "Tên mô hình,Mã loại,ID đơn vị,Ngày thành lập,Số thành viên\n";
        let rows = format!(
            "Camera tổ 1,camera_an_ninh,{w},01/08/2025,5\nCamera tổ 2,camera_an_ninh,{w},2025-08-02,\n",
            w = app.ward
        );
        // Row 4: unknown type; row 5: a bad date; row 6: repeats row 2.
        let bad = format!(
            "{good}{rows}Camera tổ 3,khong_co,{w},01/08/2025,\nCamera tổ 4,camera_an_ninh,{w},31/02/2025,\nCAMERA TỔ 1,camera_an_ninh,{w},01/08/2025,\n",
            w = app.ward
        );
        let r = tinh
            .upload("/api/v1/models/import", "mo-hinh.csv", bad.as_bytes())
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
                (4, "Mã loại".to_string()),
                (5, "Ngày thành lập".to_string()),
                (6, "Tên mô hình".to_string())
            ],
            "{l}"
        );
        assert_eq!(total(&tinh, "").await, before, "nothing imported");
        // The same refusal as a page and as an Excel report.
        let page = tinh
            .upload("/models/import", "mo-hinh.csv", bad.as_bytes())
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.body.contains("khong_co")
                && page.body.contains("data:application/vnd.openxmlformats")
        );
        let report = tinh
            .upload(
                "/api/v1/models/import?report=xlsx",
                "mo-hinh.csv",
                bad.as_bytes(),
            )
            .await;
        assert!(report.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        // Out of scope for this user: Ba Đình.
        let other = format!(
            "{good}Camera Ba Đình,camera_an_ninh,{},01/08/2025,\n",
            app.ba_dinh
        );
        let r = tinh
            .upload("/api/v1/models/import", "x.csv", other.as_bytes())
            .await;
        assert_eq!(r.json()["rows"][0]["column"], "ID đơn vị", "{}", r.body);

        // The good rows go in, by code too (a code valid on the founding day).
        let by_code = "Tên mô hình,Mã loại,Mã đơn vị,Cấp đơn vị,Ngày thành lập\nTổ tuần tra cũ,to_tuan_tra_nhan_dan,13636,Xã, phường,2021-05-01\n";
        let by_code = by_code.replace("Xã, phường", "\"Xã, phường\"");
        let r = tinh
            .upload(
                "/api/v1/models/import",
                "a.csv",
                format!("{good}{rows}").as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(
            (
                r.json()["new"].as_i64(),
                r.json()["created"].as_array().map(Vec::len)
            ),
            (Some(2), Some(2))
        );
        let r = tinh
            .upload("/api/v1/models/import", "b.csv", by_code.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(total(&tinh, "").await, before + 3);
        assert_eq!(
            total(
                &tinh,
                &format!("org_unit={}&as_of=2022-01-01", app.vi_xuyen)
            )
            .await,
            1
        );

        // Export: CSV with a BOM and the same columns; it imports back as
        // unchanged, and an edited cell as a change, after a preview.
        let csv = tinh.get("/api/v1/models?format=csv&field=cameras").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.starts_with('\u{feff}'), "BOM");
        assert!(csv.body.contains("Camera tổ 1") && csv.body.contains("Ngày thành lập"));
        let preview = |body: String| {
            let tinh = &tinh;
            async move {
                tinh.upload(
                    "/api/v1/models/import?dry_run=true",
                    "export.csv",
                    body.as_bytes(),
                )
                .await
            }
        };
        let same = preview(csv.body.clone()).await;
        assert_eq!(same.status, StatusCode::OK, "{l}: {}", same.body);
        let n = same.json()["unchanged"].as_i64().unwrap();
        assert!(
            n >= 1 && same.json()["new"] == 0 && same.json()["changed"] == 0,
            "{l}: {}",
            same.body
        );
        let edited = csv.body.replace("Camera tổ 1", "Camera tổ một");
        let p = preview(edited.clone()).await.json();
        assert_eq!(
            (
                p["new"].as_i64(),
                p["changed"].as_i64(),
                p["unchanged"].as_i64()
            ),
            (Some(0), Some(1), Some(n - 1)),
            "{l}: {p}"
        );
        assert_eq!(
            p["changes"][0]["fields"],
            json!([{"column": "Tên mô hình", "before": "Camera tổ 1", "after": "Camera tổ một"}]),
            "{l}"
        );
        let digest = p["digest"].as_str().unwrap().to_string();
        assert_eq!(
            total(&tinh, "q=camera%20to%20mot").await,
            0,
            "a preview writes nothing"
        );
        // Someone changes the model meanwhile: the confirmation is refused
        // with the new preview, and nothing is written.
        let id = p["changes"][0]["record"]
            .as_str()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string();
        let r = tinh
            .write(
                Method::PATCH,
                &format!("/api/v1/models/{id}"),
                json!({"members": 9}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let uri = format!("/api/v1/models/import?confirm={digest}");
        let stale = tinh.upload(&uri, "export.csv", edited.as_bytes()).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{l}: {}", stale.body);
        assert_eq!(
            stale.json()["error"]["reason"],
            "import_preview_stale",
            "{l}"
        );
        let fresh = stale.json()["preview"]["digest"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(total(&tinh, "q=camera%20to%20mot").await, 0, "{l}");
        let uri = format!("/api/v1/models/import?confirm={fresh}");
        let done = tinh.upload(&uri, "export.csv", edited.as_bytes()).await;
        assert_eq!(done.status, StatusCode::CREATED, "{l}: {}", done.body);
        assert_eq!(
            done.json()["changed"].as_i64(),
            Some(1),
            "{l}: {}",
            done.body
        );
        assert_eq!(total(&tinh, "q=camera%20to%20mot").await, 1, "{l}");
        let xlsx = tinh.get("/api/v1/models?format=xlsx").await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(".xlsx"));
        // The XLSX export reads back unchanged (dates as dates, ids, tags).
        let back = tinh
            .upload(
                "/api/v1/models/import?dry_run=true",
                "mo-hinh.xlsx",
                &xlsx.bytes,
            )
            .await;
        assert_eq!(back.status, StatusCode::OK, "{l}: {}", back.body);
        let (n, all) = (
            back.json()["unchanged"].as_i64().unwrap(),
            total(&tinh, "").await,
        );
        assert_eq!(
            (
                back.json()["new"].as_i64(),
                back.json()["changed"].as_i64(),
                n
            ),
            (Some(0), Some(0), all),
            "{l}"
        );
        // A row naming a model outside the scope is refused like any other
        // out-of-scope write.
        let admin = app.login("admin").await;
        let hn = create(
            &admin,
            json!({"type_id": type_id(&admin, "camera_an_ninh").await, "org_unit_id": app.ba_dinh,
                   "name": "Camera Ba Đình", "founded_on": "2025-08-01"}),
        )
        .await;
        let foreign = format!(
            "Mã mô hình,Tên mô hình,Mã loại,ID đơn vị,Ngày thành lập\n{},Camera Ba Đình sửa,camera_an_ninh,{},01/08/2025\n",
            hn["id"], app.ba_dinh
        );
        let r = tinh
            .upload(
                "/api/v1/models/import?dry_run=true",
                "x.csv",
                foreign.as_bytes(),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            r.body
        );
        assert_eq!(
            r.json()["rows"][0]["column"],
            "Mã mô hình",
            "{l}: {}",
            r.body
        );
        let mx = tinh
            .get(&format!(
                "/api/v1/models/matrix?org_unit={}&format=csv",
                app.ninh_binh
            ))
            .await;
        assert!(mx.body.contains("Tổng cộng"), "{}", mx.body);
        // A viewer may look but not import.
        let viewer = app.login("lanhdao").await;
        let r = viewer.upload("/api/v1/models/import", "a.csv", b"x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}

/// A province's own catalogue over the API (issue 16): Ninh Bình's staff
/// add and load types of their own, which Hà Nội neither sees nor uses;
/// they read national types but do not change them, and hide one for
/// their province only.
#[tokio::test]
async fn a_province_keeps_its_own_catalogue_over_the_api() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let khac = app.login("khac").await;
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/model-types",
                json!({"code": "nb_rieng", "name": "Mô hình riêng", "sector": "residential", "targets": ["commune", "village"]}),
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
        assert!(
            codes(tinh.get("/api/v1/model-types").await.json()).contains(&"nb_rieng".to_string()),
            "{l}"
        );
        assert!(
            !codes(khac.get("/api/v1/model-types").await.json()).contains(&"nb_rieng".to_string()),
            "{l}"
        );
        assert_eq!(
            khac.get(&format!("/api/v1/model-types/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let r = khac
            .write(Method::POST, "/api/v1/models", json!({"type_id": id, "org_unit_id": app.ba_dinh, "name": "Không được", "founded_on": "2026-01-01"}))
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["reason"].clone()),
            (StatusCode::BAD_REQUEST, json!("type_not_used_here")),
            "{l}: {}",
            r.body
        );

        // National types: read, not changed; hidden for Ninh Bình only.
        let patrol = type_id(&tinh, "to_tuan_tra_nhan_dan").await;
        let r = tinh
            .write(
                Method::PATCH,
                &format!("/api/v1/model-types/{patrol}"),
                json!({"name": "Đổi tên"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["reason"].clone()),
            (StatusCode::FORBIDDEN, json!("national_entry")),
            "{l}: {}",
            r.body
        );
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/model-types/{patrol}/hidden"),
                json!({"hidden": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["hidden"], json!(true), "{l}");
        let r = tinh
            .write(Method::POST, "/api/v1/models", json!({"type_id": patrol, "org_unit_id": app.ward, "name": "Sau khi ẩn", "founded_on": "2026-01-01"}))
            .await;
        assert_eq!(
            r.json()["error"]["reason"],
            json!("type_not_used_here"),
            "{l}: {}",
            r.body
        );
        let r = khac
            .write(Method::POST, "/api/v1/models", json!({"type_id": patrol, "org_unit_id": app.ba_dinh, "name": "Tuần tra Ba Đình", "founded_on": "2026-01-01"}))
            .await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{l}: Hà Nội still uses it: {}",
            r.body
        );
        // Hiding is a province's choice: not for another province.
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/model-types/{patrol}/hidden"),
                json!({"hidden": true, "province_id": app.nam_dinh}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: {}", r.body);
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/model-types/{patrol}/hidden"),
                json!({"hidden": false}),
            )
            .await;
        assert_eq!(r.json()["hidden"], json!(false), "{l}");

        // A catalogue file: all or nothing, then updated in place.
        let header = "Mã loại,Tên loại mô hình,Lĩnh vực,Nơi áp dụng\n";
        let bad = format!("{header}nb_hai,Mô hình hai,Khu dân cư,trường học\nto_tuan_tra_nhan_dan,Tuần tra,Khu dân cư,commune\n");
        let r = tinh
            .upload("/api/v1/model-types/import", "loai.csv", bad.as_bytes())
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            r.body
        );
        assert_eq!(r.json()["rows"][0]["row"], json!(3), "{l}: {}", r.body);
        assert!(
            !codes(tinh.get("/api/v1/model-types").await.json()).contains(&"nb_hai".to_string()),
            "{l}"
        );
        let good = format!("{header}nb_hai,Mô hình hai,Khu dân cư,trường học\nnb_rieng,Mô hình riêng (sửa),Khu dân cư,\"thôn, tổ dân phố\"\n");
        let r = tinh
            .upload("/api/v1/model-types/import", "loai.csv", good.as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(
            r.json(),
            json!({"new": 1, "changed": 1, "unchanged": 0}),
            "{l}"
        );
        let r = tinh.get(&format!("/api/v1/model-types/{id}")).await;
        assert_eq!(
            (r.json()["name"].clone(), r.json()["targets"].clone()),
            (json!("Mô hình riêng (sửa)"), json!(["village"])),
            "{l}"
        );
        // The export reads back as the same catalogue: nothing changes.
        let r = tinh.get("/api/v1/model-types?format=csv").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let exported: String = r
            .body
            .lines()
            .map(|line| line.trim_start_matches('\u{feff}'))
            .filter(|line| line.starts_with("Mã loại") || line.starts_with("nb_"))
            .collect::<Vec<_>>()
            .join("\n");
        let r = tinh
            .upload(
                "/api/v1/model-types/import",
                "loai.csv",
                exported.as_bytes(),
            )
            .await;
        assert_eq!(
            r.json(),
            json!({"new": 0, "changed": 0, "unchanged": 2}),
            "{l}: {}",
            r.body
        );
    }
}

/// The import page (issue 25): a file is checked and previewed, nothing
/// written; the confirmation writes it, once; another user cannot confirm
/// it.
#[tokio::test]
async fn the_import_page_previews_a_file_and_writes_it_once_confirmed() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let before = total(&tinh, "").await;
        let file = format!(
            "Tên mô hình,Mã loại,ID đơn vị,Ngày thành lập\nCamera xem trước,camera_an_ninh,{},01/08/2025\n",
            app.ward
        );
        let page = tinh
            .upload("/models/import", "moi.csv", file.as_bytes())
            .await;
        assert_eq!(page.status, StatusCode::OK, "{l}: {}", page.body);
        assert!(
            page.body.contains("Xem trước") && page.body.contains("Xác nhận ghi"),
            "{l}"
        );
        assert_eq!(
            total(&tinh, "").await,
            before,
            "{l}: a preview writes nothing"
        );
        let field = |name: &str| {
            let at = page
                .body
                .find(&format!("name=\"{name}\" value=\""))
                .unwrap();
            let rest = &page.body[at + name.len() + 15..];
            rest[..rest.find('"').unwrap()].to_string()
        };
        let (draft, digest) = (field("draft"), field("digest"));
        let confirm = [("draft", draft.as_str()), ("digest", digest.as_str())];
        // Only the uploader confirms their file.
        let other = app.login("admin").await;
        let r = other.form("/models/import/confirm", &confirm).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert_eq!(total(&tinh, "").await, before, "{l}");
        let r = tinh.form("/models/import/confirm", &confirm).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert!(
            r.body.contains("Đã ghi: thêm mới 1, sửa 0, không đổi 0"),
            "{l}: {}",
            r.body
        );
        assert_eq!(total(&tinh, "").await, before + 1, "{l}");
        // The draft is gone once written: a second confirmation writes nothing.
        let r = tinh.form("/models/import/confirm", &confirm).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("không còn tệp"), "{l}");
        assert_eq!(total(&tinh, "").await, before + 1, "{l}");
    }
}

/// The stored models the LibreOffice fixture names
/// (`tests/fixtures/make_office_files.py`): type, name, founding day,
/// members, leader.
const OFFICE_MODELS: [(&str, &str, &str, i64, &str); 4] = [
    (
        "camera_an_ninh",
        "Camera an ninh tổ dân phố Vị Xuyên 1",
        "2025-08-01",
        12,
        "Nguyễn Văn An",
    ),
    (
        "to_tuan_tra_nhan_dan",
        "Tổ tuần tra nhân dân phường Nam Định",
        "2025-08-15",
        1200,
        "Trần Văn Bình",
    ),
    (
        "tu_quan_antt",
        "Mô hình tự quản về an ninh, trật tự khu phố Hàng Sắt",
        "2025-09-01",
        30,
        "Phạm Thị Cúc",
    ),
    (
        "camera_an_ninh",
        "Camera an ninh chợ Rồng",
        "2025-10-01",
        8,
        "Phạm Văn Dũng",
    ),
];

/// Issue 25: a sheet edited and saved by LibreOffice Calc (dates as dates
/// and as text, "1.500", a hidden column, trailing formatted rows, a
/// second sheet) previews as 1 new, 3 changed, the rest unchanged, and
/// writes exactly that once confirmed.
#[tokio::test]
async fn a_sheet_saved_by_libreoffice_updates_three_cells_and_adds_a_row() {
    let file = include_bytes!("../fixtures/mo-hinh-sua-libreoffice.xlsx");
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        for (ty, name, founded, members, leader) in OFFICE_MODELS {
            create(
                &tinh,
                json!({"type_id": type_id(&tinh, ty).await, "org_unit_id": app.ward, "name": name,
                       "founded_on": founded, "members": members, "leader_name": leader}),
            )
            .await;
        }
        let r = tinh
            .upload(
                "/api/v1/models/import?dry_run=true",
                "mo-hinh-sua.xlsx",
                file,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let p = r.json();
        assert_eq!(
            (&p["new"], &p["changed"], &p["unchanged"]),
            (&json!(1), &json!(3), &json!(1)),
            "{l}: {p}"
        );
        let mut fields: Vec<(String, String, String)> = p["changes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["fields"].as_array().unwrap().clone())
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("column"), s("before"), s("after"))
            })
            .collect();
        fields.sort();
        let want = [
            ("Ngày thành lập", "01/10/2025", "02/10/2025"),
            ("Người phụ trách", "Phạm Thị Cúc", "Lê Thị Cúc"),
            ("Số thành viên", "1200", "1500"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
        assert_eq!(fields, want, "{l}");
        let uri = format!(
            "/api/v1/models/import?confirm={}",
            p["digest"].as_str().unwrap()
        );
        let r = tinh.upload(&uri, "mo-hinh-sua.xlsx", file).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(
            (&r.json()["new"], &r.json()["changed"]),
            (&json!(1), &json!(3)),
            "{l}"
        );
        let again = tinh
            .upload(
                "/api/v1/models/import?dry_run=true",
                "mo-hinh-sua.xlsx",
                file,
            )
            .await
            .json();
        assert_eq!(
            (&again["new"], &again["changed"], &again["unchanged"]),
            (&json!(0), &json!(0), &json!(5)),
            "{l}: written once, the same sheet changes nothing"
        );
    }
}
