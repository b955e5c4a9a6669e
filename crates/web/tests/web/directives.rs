//! Directives and tasks: the province gives a task to every commune of
//! Ninh Bình and a file task to one ward; bad directives change nothing;
//! the ward reports (a written report says what was done, a file task
//! needs its file); another commune's officer cannot report on it; the
//! board's tally agrees with the owners listed by standing; a task the
//! legacy province gave a legacy commune in 2024 is the successor ward's;
//! late tasks reach the owners' home page.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use domain::org_units::Level;
use domain::page::Page;
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

async fn communes_of(app: &App, province: Option<i64>, on: NaiveDate) -> i64 {
    let q = store::org_units::ListQuery {
        level: Some(Level::Commune),
        parent: province,
        as_of: Some(on),
        q: None,
        page: Page {
            page: 1,
            per_page: 1,
        },
    };
    store::org_units::list(&app.t.db, store::accounts::Scope::All, &q)
        .await
        .unwrap()
        .1
}

async fn total(c: &Client<'_>, uri: &str) -> i64 {
    c.get(uri).await.json()["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_directive_to_every_commune_reported_on_and_followed_on_its_board() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let khac = app.login("khac").await;
        let today = domain::time::today();
        let issued = today - Duration::days(40);

        // Every commune of the province (on the day of issue), and a file
        // task for the ward alone; one due yesterday, one next week.
        let plan = json!({
            "org_unit_id": app.ninh_binh, "reference": "15/KH-CAT",
            "subject": "Kế hoạch triển khai phong trào toàn dân bảo vệ an ninh Tổ quốc",
            "issued_on": day(issued),
            "tasks": [
                {"title": "Báo cáo kết quả sơ kết 6 tháng", "due_on": day(today - Duration::days(1)), "expects": "text", "every_commune": true},
                {"title": "Gửi kế hoạch của phường", "due_on": day(today + Duration::days(5)), "expects": "file", "owners": [app.ward]}
            ]
        });
        let before = total(&tinh, "/api/v1/directives").await;
        let (s, d) = post(&tinh, "/api/v1/directives", plan.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {d}");
        let id = d["directive"]["id"].as_i64().unwrap();
        let every = d["tasks"][0]["id"].as_i64().unwrap();
        let file_task = d["tasks"][1]["id"].as_i64().unwrap();
        let communes = communes_of(&app, Some(app.ninh_binh), issued).await;
        assert!(communes > 100, "{l}: {communes}");
        assert_eq!(d["tasks"][0]["owners"], communes, "{l}");
        assert_eq!(d["tasks"][1]["owners"], 1, "{l}");

        // Refused, nothing written: due before the directive, an owner
        // outside the issuing unit, another province's unit as issuer,
        // a partner's account.
        let mut early = plan.clone();
        early["tasks"][0]["due_on"] = json!(day(issued - Duration::days(1)));
        let (s, e) = post(&tinh, "/api/v1/directives", early).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("due_on")),
            "{l}: {e}"
        );
        let mut outside = plan.clone();
        outside["tasks"][1]["owners"] = json!([app.ward, app.ba_dinh]);
        let (s, e) = post(&tinh, "/api/v1/directives", outside).await;
        assert_eq!(e["error"]["reason"], "task_owners_outside", "{l}: {s} {e}");
        let mut elsewhere = plan.clone();
        elsewhere["org_unit_id"] = json!(app.ba_dinh);
        assert_eq!(
            post(&tinh, "/api/v1/directives", elsewhere).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let doitac = app.login("doitac").await;
        assert_eq!(
            post(&doitac, "/api/v1/directives", plan.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(total(&tinh, "/api/v1/directives").await, before + 1, "{l}");

        // The ward reports: "done" says what was done; the file task needs
        // its file (checked by content) first.
        let reports = format!("/api/v1/tasks/{every}/reports");
        let (s, e) = post(&phuong, &reports, json!({"state": "done"})).await;
        assert_eq!(e["error"]["field"], "text", "{l}: {s} {e}");
        let (s, r) = post(
            &phuong,
            &reports,
            json!({"state": "done", "text": "Đã tổ chức sơ kết tại 12 tổ dân phố."}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {r}");
        assert_eq!(r["org_unit_id"], app.ward, "{l}");
        let file_reports = format!("/api/v1/tasks/{file_task}/reports");
        let (_, e) = post(&phuong, &file_reports, json!({"state": "done"})).await;
        assert_eq!(e["error"]["reason"], "task_file_missing", "{l}: {e}");
        let files = format!("/api/v1/tasks/{file_task}/files");
        let r = phuong
            .upload(&files, "ke-hoach.txt", b"khong phai PDF")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
        let r = phuong
            .upload(&files, "ke-hoach.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let (s, r) = post(&phuong, &file_reports, json!({"state": "done"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {r}");
        // Another province's commune cannot report on it (404); the
        // province answers for every commune and must name one.
        assert_eq!(
            post(&khac, &reports, json!({"state": "in_progress"}))
                .await
                .0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let (s, e) = post(&tinh, &reports, json!({"state": "in_progress"})).await;
        assert_eq!(e["error"]["reason"], "task_owner_required", "{l}: {s} {e}");
        assert_eq!(
            khac.get(&format!("/api/v1/directives/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        // The board: the every-commune task is late for all but the ward;
        // each standing's owners, listed, are its tally.
        let board = tinh.get(&format!("/api/v1/directives/{id}")).await.json();
        let t0 = &board["tasks"][0]["tally"];
        assert_eq!(
            (t0["done"].as_i64(), t0["late"].as_i64()),
            (Some(1), Some(communes - 1)),
            "{l}: {t0}"
        );
        assert_eq!(board["tasks"][1]["tally"]["done"], 1, "{l}");
        for s in [
            "late",
            "blocked",
            "due_soon",
            "in_progress",
            "not_started",
            "done",
        ] {
            let page = tinh
                .get(&format!(
                    "/api/v1/tasks?directive={id}&standing={s}&per_page=200"
                ))
                .await
                .json();
            let want = board["directive"]["tally"][s].as_i64().unwrap();
            assert_eq!(page["total"].as_i64(), Some(want), "{l}: {s}");
            assert!(
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|o| o["standing"] == s),
                "{l}: {s}"
            );
        }
        // The ward sees its own lines only.
        assert_eq!(
            total(&phuong, &format!("/api/v1/tasks?directive={id}")).await,
            2,
            "{l}"
        );

        // A national directive (the Ministry's: administrators') goes to
        // every commune of the country; a province's staff may not issue one.
        let admin = app.login("admin").await;
        let mut national = plan.clone();
        national["org_unit_id"] = Value::Null;
        national["tasks"] = json!([plan["tasks"][0]]);
        assert_eq!(
            post(&tinh, "/api/v1/directives", national.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let (s, n) = post(&admin, "/api/v1/directives", national).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {n}");
        let country = communes_of(&app, None, issued).await;
        assert_eq!(n["tasks"][0]["owners"], country, "{l}");
        assert_eq!(country, 3_321, "{l}");
        // The ward sees it (its own line), as every commune does.
        let national_id = n["directive"]["id"].as_i64().unwrap();
        let seen = phuong
            .get(&format!("/api/v1/directives/{national_id}"))
            .await
            .json();
        assert_eq!(seen["directive"]["tally"]["owners"], 1, "{l}: {seen}");

        // The 2025 reform: legacy Nam Định gave legacy Vị Xuyên a task in
        // 2024; it is the successor ward's to report on.
        let (s, old) = post(&admin, "/api/v1/directives", json!({"org_unit_id": app.nam_dinh, "subject": "Kế hoạch năm 2024", "issued_on": "2024-03-01", "tasks": [{"title": "Xây dựng mô hình mới", "due_on": "2024-12-31", "expects": "models", "owners": [app.vi_xuyen]}]})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {old}");
        let old_task = old["tasks"][0]["id"].as_i64().unwrap();
        let mine = phuong.get("/api/v1/tasks?mine=1&open=1").await.json();
        let legacy = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["task_id"] == old_task)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (legacy["org_unit_id"].as_i64(), legacy["standing"].as_str()),
            (Some(app.vi_xuyen), Some("late")),
            "{l}: {mine}"
        );
        assert!(legacy["successor_name"].as_str().is_some(), "{l}: {legacy}");
        let (s, r) = post(
            &phuong,
            &format!("/api/v1/tasks/{old_task}/reports"),
            json!({"state": "done"}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {r}");
        assert!(
            r["count"].as_i64().is_some(),
            "{l}: a count of models comes from the register: {r}"
        );

        // What is late or due this week reaches the owners' home page:
        // the ward's are done, so a new one due tomorrow.
        let (s, _) = post(&tinh, "/api/v1/directives", json!({"org_unit_id": app.ninh_binh, "subject": "Kiểm tra", "issued_on": day(today), "tasks": [{"title": "Báo cáo nhanh", "due_on": day(today + Duration::days(1)), "expects": "text", "owners": [app.ward]}]})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        let home = phuong.get("/api/v1/home").await.json();
        let quick = home["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["title"] == "Báo cáo nhanh")
            .cloned()
            .unwrap_or_default();
        assert_eq!(quick["standing"], "due_soon", "{l}: {home}");
        // The province's staff own none of these: the communes do.
        assert_eq!(
            tinh.get("/api/v1/home").await.json()["tasks_total"],
            0,
            "{l}"
        );

        // The pages: the board, the ward's task with its history, the form.
        let page = tinh.get(&format!("/directives/{id}?standing=late")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("KH-CAT"), "{l}");
        let page = phuong.get(&format!("/tasks/{every}")).await;
        assert!(
            page.body.contains("Đã tổ chức sơ kết tại 12 tổ dân phố."),
            "{l}"
        );
        let r = tinh
            .form(
                "/directives",
                &[
                    ("unit", "Tỉnh Ninh Bình"),
                    ("subject", "Chỉ đạo qua biểu mẫu"),
                    ("issued_on", &day(today)),
                    ("t1_title", "Rà soát"),
                    ("t1_due_on", &day(today + Duration::days(30))),
                    ("t1_expects", "text"),
                    ("t1_every_commune", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = tinh
            .form(
                "/directives",
                &[
                    ("unit", "Tỉnh Ninh Bình"),
                    ("subject", "Sai hạn"),
                    ("issued_on", &day(today)),
                    ("t1_title", "Rà soát"),
                    ("t1_due_on", &day(today - Duration::days(3))),
                    ("t1_expects", "text"),
                    ("t1_every_commune", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(
            r.body.contains("Sai hạn"),
            "{l}: the form keeps what was typed"
        );
    }
}
