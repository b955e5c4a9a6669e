use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::App;

#[tokio::test]
async fn hierarchy_api_and_pages() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;

        // Today: 34 provinces; before the reform: 63.
        let today = admin
            .get("/api/v1/org-units?level=province&per_page=100")
            .await;
        assert_eq!(today.status, StatusCode::OK, "{l}: {}", today.body);
        assert_eq!(today.json()["total"], 34);
        let before = admin
            .get("/api/v1/org-units?level=province&as_of=2025-06-30&per_page=100")
            .await;
        assert_eq!(before.json()["total"], 63);
        let communes = admin
            .get("/api/v1/org-units?level=commune&as_of=2025-06-30&per_page=1")
            .await;
        assert_eq!(communes.json()["total"], 10035);
        let item = &today.json()["items"][0];
        for key in [
            "id",
            "code",
            "name",
            "level",
            "parent_id",
            "valid_from",
            "valid_to",
        ] {
            assert!(item.get(key).is_some(), "{l}: {key} missing in {item}");
        }

        // Search without diacritics, in any case.
        for q in ["nam%20dinh", "Nam%20Dinh", "NAM%20%C4%90%E1%BB%8ANH"] {
            let r = admin.get(&format!("/api/v1/org-units?q={q}")).await;
            let items = r.json()["items"].as_array().unwrap().clone();
            assert_eq!(items[0]["name"], "Phường Nam Định", "{l} {q}");
            assert!(items
                .iter()
                .any(|i| i["name"] == "Tỉnh Nam Định" && i["level"] == "province"));
        }

        // A name that starts with a type word: "bàn" folds to "ban", a
        // village's type (bản), and found no village named "cờ".
        let r = admin.get("/api/v1/org-units?q=ban%20co").await;
        let items = r.json()["items"].as_array().unwrap().clone();
        assert_eq!(
            items.first().map(|i| &i["name"]),
            Some(&json!("Phường Bàn Cờ")),
            "{l}: {}",
            r.body
        );

        // A legacy ward shows its successor, and the successor its predecessors.
        let vx = admin
            .get(&format!("/api/v1/org-units/{}", app.vi_xuyen))
            .await
            .json();
        assert_eq!(vx["successors"][0]["name"], "Phường Nam Định");
        assert_eq!(vx["successors"][0]["date"], "2025-07-01");
        assert_eq!(vx["ancestors"][0]["name"], "Tỉnh Nam Định");
        let ward = admin
            .get(&format!("/api/v1/org-units/{}", app.ward))
            .await
            .json();
        assert!(ward["predecessors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Phường Vị Xuyên"));

        // The same on the pages, in Vietnamese and in English.
        let page = admin.get(&format!("/org-units/{}", app.vi_xuyen)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Đã chuyển thành") && page.body.contains("Phường Nam Định"));
        assert!(page.body.contains("01/07/2025"), "dates in dd/mm/yyyy");
        let page = admin.get(&format!("/org-units/{}", app.ward)).await;
        assert!(page.body.contains("Hình thành từ") && page.body.contains("Phường Vị Xuyên"));
        let search = admin.get("/org-units?q=nam+dinh").await;
        assert!(search.body.contains("Phường Nam Định") && search.body.contains("Tỉnh Nam Định"));
        let en = app
            .send(
                admin
                    .request(Method::GET, &format!("/org-units/{}", app.vi_xuyen))
                    .header("cookie", format!("{}; lang=en", admin.cookie))
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert!(en.body.contains("Became"), "{l}: English page");
        let home = admin.get("/org-units").await;
        assert!(
            home.body.contains("Tỉnh Ninh Bình"),
            "the admin's home lists provinces"
        );
        assert!(
            !home.body.contains("value=\"province\" selected")
                && home
                    .body
                    .contains("name=\"as_of\" type=\"date\" value=\"\""),
            "{l}: the home form is not pre-filled, so a search looks everywhere"
        );
        let before_page = admin
            .get("/org-units?level=province&as_of=2025-06-30")
            .await;
        assert!(before_page.body.contains("63 kết quả"), "{l}");
    }
}

#[tokio::test]
async fn malformed_input_is_a_400_naming_the_field_and_unknown_ids_404() {
    for app in App::all().await {
        let admin = app.login("admin").await;
        for (uri, field) in [
            ("/api/v1/org-units?as_of=2025-13-01", "as_of"),
            ("/api/v1/org-units?as_of=yesterday", "as_of"),
            ("/api/v1/org-units?page=-1", "page"),
            ("/api/v1/org-units?page=0", "page"),
            ("/api/v1/org-units?per_page=100000", "per_page"),
            ("/api/v1/org-units?level=hamlet", "level"),
            ("/api/v1/org-units?parent=x", "parent"),
            ("/api/v1/org-units/abc", "id"),
            ("/api/v1/org-units/-3", "id"),
        ] {
            let r = admin.get(uri).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.body);
            assert_eq!(r.field(), field, "{uri}");
            assert!(r.json()["error"]["message"].as_str().unwrap().len() > 3);
        }
        for (uri, field) in [
            ("/api/v1/org-units?q=a%00b", "q"),
            ("/api/v1/org-units?as_of=%2B10000-01-01", "as_of"),
            ("/api/v1/org-units?as_of=-10000-01-01", "as_of"),
        ] {
            let r = admin.get(uri).await;
            assert_eq!(
                (r.status, r.field()),
                (StatusCode::BAD_REQUEST, field.to_string()),
                "{uri}"
            );
        }
        let page = admin
            .get(&format!("/org-units/{}?as_of=-10000-01-01", app.ward))
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        let long = format!("/api/v1/org-units?q={}", "a".repeat(101));
        assert_eq!(admin.get(&long).await.field(), "q");
        let r = admin.get("/api/v1/org-units/999999999").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json()["error"]["code"], "not_found");
        assert_eq!(
            admin.get("/api/v1/nothing-here").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            admin.get("/org-units/999999999").await.status,
            StatusCode::NOT_FOUND
        );

        // Bad writes change nothing.
        let before = admin.get("/api/v1/org-units?level=village").await.json()["total"].clone();
        for (body, field) in [
            (
                json!({"level": "village", "kind": "thon", "name": "", "parent_id": app.ward}),
                "name",
            ),
            (
                json!({"level": "village", "kind": "school", "name": "X", "parent_id": app.ward}),
                "kind",
            ),
            (
                json!({"level": "commune", "kind": "xa", "name": "X", "parent_id": app.ninh_binh}),
                "level",
            ),
            (
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ninh_binh}),
                "parent_id",
            ),
            (
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.vi_xuyen}),
                "parent_id",
            ),
            (
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward, "lat": 95.0, "lon": 106.0}),
                "lat",
            ),
            (
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward, "valid_from": "2025-02-30"}),
                "valid_from",
            ),
            (
                json!({"level": "site", "kind": "school", "name": "X", "parent_id": app.ward, "address": "a\u{0}b"}),
                "address",
            ),
            (json!({"level": 5}), "body"),
        ] {
            let r = admin
                .write(Method::POST, "/api/v1/org-units", body.clone())
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
            assert_eq!(r.field(), field, "{body}");
        }
        let r = app
            .send(
                admin
                    .request(Method::POST, "/api/v1/org-units")
                    .header("content-type", "application/json")
                    .header("x-csrf-token", &admin.csrf)
                    .body(axum::body::Body::from("{not json"))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "body")
        );
        let after = admin.get("/api/v1/org-units?level=village").await.json()["total"].clone();
        assert_eq!(before, after);
    }
}

#[tokio::test]
async fn villages_are_added_edited_merged_and_split_through_the_api_and_forms() {
    for app in App::all().await {
        let l = app.label();
        let officer = app.login("phuong").await;
        let mut ids = Vec::new();
        for name in ["Tổ dân phố số 1", "Tổ dân phố số 2"] {
            let r = officer
                .write(
                    Method::POST,
                    "/api/v1/org-units",
                    json!({"level": "village", "kind": "to_dan_pho", "name": name, "parent_id": app.ward}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            ids.push(r.json()["id"].as_i64().unwrap());
        }
        // A site through the HTML form, as the browser posts it.
        let r = officer
            .form(
                "/org-units",
                &[
                    ("level", "site"),
                    ("kind", "market"),
                    ("name", "Chợ Rồng"),
                    ("parent_id", &ids[0].to_string()),
                    ("lat", "20,43"),
                    ("lon", "106.18"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let site_url = r.headers["location"].to_str().unwrap().to_string();
        let site_id: i64 = site_url.rsplit('/').next().unwrap().parse().unwrap();
        let site = officer
            .get(&format!("/api/v1/org-units/{site_id}"))
            .await
            .json();
        assert_eq!(
            (site["lat"].as_f64(), site["parent_id"].as_i64()),
            (Some(20.43), Some(ids[0]))
        );

        let r = officer
            .write(
                Method::PATCH,
                &format!("/api/v1/org-units/{site_id}"),
                json!({"name": "Chợ Rồng Nam Định"}),
            )
            .await;
        assert_eq!(r.json()["name"], "Chợ Rồng Nam Định", "{l}");
        let r = officer
            .form(
                &format!("/org-units/{site_id}/edit"),
                &[("name", ""), ("kind", "market")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "an empty name is refused on the form"
        );
        assert!(r.body.contains("name"));

        // Not in the future, not before the ward began (1 July 2025).
        for (date, field) in [("2099-01-01", "date"), ("1990-01-01", "date")] {
            let r = officer
                .write(
                    Method::POST,
                    "/api/v1/org-units/merge",
                    json!({"sources": ids, "date": date, "name": "X"}),
                )
                .await;
            assert_eq!(
                (r.status, r.field()),
                (StatusCode::BAD_REQUEST, field.to_string()),
                "{l} {date}: {}",
                r.body
            );
        }

        // Merge the two groups from the commune page's form.
        let r = officer
            .form(
                "/org-units/merge",
                &[
                    ("sources", &ids[0].to_string()),
                    ("sources", &ids[1].to_string()),
                    ("name", "Tổ dân phố Đoàn Kết"),
                    ("kind", "to_dan_pho"),
                    ("date", "2026-03-01"),
                    ("back", &app.ward.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let merged: i64 = r.headers["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let m = officer
            .get(&format!("/api/v1/org-units/{merged}"))
            .await
            .json();
        assert_eq!(m["predecessors"].as_array().unwrap().len(), 2);
        let site = officer
            .get(&format!("/api/v1/org-units/{site_id}"))
            .await
            .json();
        assert_eq!(
            site["parent_id"].as_i64(),
            Some(merged),
            "the site moved with the merge"
        );
        let old = officer
            .get(&format!(
                "/api/v1/org-units?parent={}&level=village&as_of=2026-02-01",
                app.ward
            ))
            .await;
        assert_eq!(old.json()["total"], 2);
        let new = officer
            .get(&format!(
                "/api/v1/org-units?parent={}&level=village&as_of=2026-03-01",
                app.ward
            ))
            .await;
        assert_eq!(new.json()["total"], 1);

        // Split it again through the API.
        let r = officer
            .write(
                Method::POST,
                "/api/v1/org-units/split",
                json!({"source": merged, "date": "2026-09-01", "parts": [{"name": "Tổ dân phố Bắc"}, {"name": "Tổ dân phố Nam", "kind": "to_dan_pho"}], "default_part": 1}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.json()["created"].as_array().unwrap().len(), 2);
        let again = officer
            .write(Method::POST, "/api/v1/org-units/split", json!({"source": merged, "date": "2026-10-01", "parts": [{"name": "A"}, {"name": "B"}]}))
            .await;
        assert_eq!(
            (again.status, again.field().as_str()),
            (StatusCode::BAD_REQUEST, "source")
        );

        // The page shows the history of the site.
        let page = officer.get(&format!("/org-units/{site_id}")).await;
        assert!(
            page.body.contains("Lịch sử thay đổi") && page.body.contains("Người dùng phuong"),
            "{l}"
        );
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}
