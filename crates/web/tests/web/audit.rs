use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::App;

#[tokio::test]
async fn the_audit_log_records_writes_logins_and_refusals_within_scope() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        // One village in Ninh Bình, one in Hà Nội.
        for parent in [app.ward, app.ba_dinh] {
            let r = admin
                .write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "thon", "name": "Thôn Nhật Ký", "parent_id": parent}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        }
        // A refusal and a failed login are recorded too.
        let viewer = app.login("lanhdao").await;
        let r = viewer
            .write(
                Method::POST,
                "/api/v1/org-units",
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let _ = app
            .send(
                axum::http::Request::post("/api/v1/auth/login")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(
                        json!({"username": "admin", "password": "sai-mat-khau-9"}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;

        let all = admin.get("/api/v1/audit?per_page=500").await.json();
        let actions: Vec<&str> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        for a in ["create", "login", "login_failed", "refused", "import"] {
            assert!(actions.contains(&a), "{l}: {a} missing in {actions:?}");
        }
        let refused = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["action"] == "refused")
            .unwrap();
        assert_eq!(
            refused["request_id"].as_str().map(str::len),
            Some(16),
            "{l}: the request is named"
        );
        assert_eq!(r.headers["x-request-id"].to_str().unwrap().len(), 16);
        assert_eq!(
            (refused["username"].as_str(), refused["entity_id"].as_str()),
            (Some("lanhdao"), Some("POST /api/v1/org-units"))
        );

        // Province staff see the changes within Ninh Bình only.
        let staff = app.login("tinh").await;
        let theirs = staff.get("/api/v1/audit?entity=org_unit").await.json();
        assert_eq!(theirs["total"], 1, "{l}: {theirs}");
        let everything = admin.get("/api/v1/audit?entity=org_unit").await.json();
        assert_eq!(everything["total"], 2);
        // Others do not read the log at all.
        assert_eq!(
            app.login("phuong").await.get("/api/v1/audit").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(viewer.get("/audit").await.status, StatusCode::FORBIDDEN);

        // Filters, errors, CSV and the page.
        let today = domain::time::today().to_string();
        let r = admin
            .get(&format!(
                "/api/v1/audit?entity=org_unit&from={today}&to={today}"
            ))
            .await
            .json();
        assert_eq!(r["total"], 2, "{l}: dates are Vietnam's civil dates");
        let r = admin.get("/api/v1/audit?from=2020-02-30").await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::BAD_REQUEST, "from".to_string())
        );
        let csv = admin.get("/api/v1/audit?entity=org_unit&format=csv").await;
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert!(csv
            .body
            .trim_start_matches('\u{feff}')
            .starts_with("id,at,user,action,entity,entity_id,before,after,request_id"));
        assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
        let page = admin.get("/audit?entity=org_unit").await;
        assert!(
            page.body.contains("Nhật ký thay đổi") && page.body.contains("org_unit"),
            "{l}"
        );
        // Each record reads as a sentence naming who did what to which unit.
        assert!(
            page.body
                .contains("Người dùng admin thêm đơn vị Thôn Nhật Ký</a>"),
            "{l}: {}",
            page.body
        );
    }
}
