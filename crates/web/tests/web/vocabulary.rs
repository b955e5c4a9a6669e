//! Fields and kinds of place over HTTP (issue 16): a province's staff add
//! their own and use them for a type and a site; a national entry is the
//! administrators'; the pages name entries by the lists' names.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::App;

#[tokio::test]
async fn a_province_adds_a_field_and_a_kind_of_place_and_uses_them() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;

        // Ninh Bình's staff add a field by API and a kind of place by the page.
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/model-fields",
                json!({"name": "Du lịch", "code": "nb_du_lich"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.json()["owner"]["province_id"], app.ninh_binh, "{l}");
        let r = tinh
            .form("/place-kinds", &[("name", "Bến thuyền du lịch")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let kinds = tinh.get("/api/v1/place-kinds").await.json();
        let ben = kinds["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == "Bến thuyền du lịch")
            .unwrap_or_else(|| panic!("{l}: {kinds}"));
        assert_eq!(ben["code"], "ben_thuyen_du_lich", "{l}");

        // A refused form says why in Vietnamese and keeps the page.
        let r = tinh.form("/model-fields", &[("name", "khu dân cư")]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("tên «khu dân cư» đã có"), "{l}: {}", r.body);

        // A type of Ninh Bình's with both, and a site of the new kind.
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/model-types",
                json!({"code": "nb_ben_an_toan", "name": "Bến thuyền an toàn", "sector": "nb_du_lich",
                       "targets": ["ben_thuyen_du_lich"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.json()["sector_name"], "Du lịch", "{l}");
        let r = tinh
            .write(
                Method::POST,
                "/api/v1/org-units",
                json!({"level": "site", "kind": "ben_thuyen_du_lich", "name": "Bến thuyền sông Đào", "parent_id": app.ward}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let site = r.json()["id"].as_i64().unwrap();
        let page = phuong.get(&format!("/org-units/{site}")).await;
        assert!(page.body.contains("Bến thuyền du lịch"), "{l}");
        // Not a kind Hà Nội's sites may have.
        let r = admin
            .write(
                Method::POST,
                "/api/v1/org-units",
                json!({"level": "site", "kind": "ben_thuyen_du_lich", "name": "Bến Hồ Tây", "parent_id": app.ba_dinh}),
            )
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "kind"),
            "{l}"
        );

        // The catalogue page lists both with their owner; the type pages
        // name the field.
        let page = tinh.get("/model-types/fields").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("nb_du_lich") && page.body.contains("Phòng cháy, chữa cháy"),
            "{l}"
        );
        let types = tinh.get("/model-types").await;
        assert!(types.body.contains("<td>Du lịch</td>"), "{l}");

        // Renamed, the code stays; a national entry is the admins'.
        let r = tinh
            .write(
                Method::PATCH,
                "/api/v1/model-fields/nb_du_lich",
                json!({"name": "Du lịch, dịch vụ"}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["code"].as_str()),
            (StatusCode::OK, Some("nb_du_lich")),
            "{l}"
        );
        let r = tinh
            .write(
                Method::PATCH,
                "/api/v1/model-fields/residential",
                json!({"name": "Dân cư"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = tinh
            .write(
                Method::PATCH,
                "/api/v1/model-fields/nb_du_lich",
                json!({"code": "khac", "name": "X"}),
            )
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "code"),
            "{l}"
        );
        let r = phuong
            .write(
                Method::POST,
                "/api/v1/model-fields",
                json!({"name": "Khác nữa"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = admin
            .write(
                Method::PATCH,
                "/api/v1/place-kinds/market",
                json!({"name": "Chợ, trung tâm thương mại"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
    }
}
