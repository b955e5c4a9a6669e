//! Certification: the whole cycle of a residential area through the API,
//! with the steps out of order refused, a return, the certificate PDF,
//! the dashboard, a revocation, and the limits of scope and level.

use axum::http::{Method, StatusCode};
use chrono::Datelike;
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn village(admin: &Client<'_>, parent: i64, name: &str) -> i64 {
    let r = admin
        .write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "to_dan_pho", "name": name, "parent_id": parent, "valid_from": "2025-07-01"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn register(c: &Client<'_>, unit: i64) -> (StatusCode, Value) {
    let r = c
        .write(Method::POST, "/api/v1/certifications", json!({"org_unit_ids": [unit], "year": 2026, "registered_on": "2026-01-15", "party_resolution_on": "2026-01-10", "households_percent": 100}))
        .await;
    (r.status, r.json())
}

async fn step(c: &Client<'_>, id: i64, action: &str, body: Value) -> (StatusCode, Value) {
    let r = c
        .write(
            Method::POST,
            &format!("/api/v1/certifications/{id}/{action}"),
            body,
        )
        .await;
    (r.status, r.json())
}

/// Every criterion of the case's set, all met but `unmet`.
async fn answers(c: &Client<'_>, id: i64, unmet: Option<usize>, on: &str) -> Value {
    let case = c.get(&format!("/api/v1/certifications/{id}")).await.json();
    let list: Vec<Value> = case["criteria"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"criterion_id": k["id"], "met": Some(i) != unmet, "explanation": "Đã kiểm tra"}))
        .collect();
    json!({ "answers": list, "on": on })
}

/// The national summary, read once so that its tallies are built before
/// the writes that must keep them in step.
async fn national(admin: &Client<'_>, year: i32) -> Value {
    let r = admin
        .get(&format!("/api/v1/certification-summary?year={year}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// The national figures from the tallies are the figures counted unit by
/// unit, in both views.
async fn assert_tallies_match(app: &App, year: i32) {
    for view in [
        store::certification::View::Now,
        store::certification::View::Was,
    ] {
        let q = store::certification::SummaryQuery {
            org_unit: None,
            year,
            view,
            today: domain::time::today(),
        };
        let scope = store::accounts::Scope::All;
        let tallied = store::certification::summary::summary(&app.state.db, scope, &q)
            .await
            .unwrap();
        let counted = store::certification::summary::summary_unit_by_unit(&app.state.db, scope, &q)
            .await
            .unwrap();
        assert_eq!(tallied, counted, "{}: {year} {view:?}", app.label());
    }
}

#[tokio::test]
async fn a_residential_area_goes_from_registration_to_certificate_and_revocation() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        national(&admin, 2026).await;
        let v = village(&admin, app.ward, "Tổ dân phố Công Nhận").await;
        let (s, body) = register(&phuong, v).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {body}");
        let case = &body["items"][0];
        let id = case["id"].as_i64().unwrap();
        assert_eq!(case["kind"], "residential");
        assert_eq!(case["state"], "registered");
        // Twice for a year: refused, nothing changes.
        let (s, body) = register(&phuong, v).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "already_registered", "{l}: {body}");
        // Deciding an unassessed case: out of order.
        let decide =
            json!({"classification": "kha", "decision_no": "12/QĐ-UBND", "on": "2026-11-20"});
        let (s, body) = step(&phuong, id, "decide", decide.clone()).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "certification_step_out_of_order");
        // An assessment that skips a criterion is refused.
        let (s, body) = step(&phuong, id, "assess", json!({"answers": []})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "criterion_unanswered");
        // Answers to criteria of another set (another kind's, or another
        // year's version): out of order, nothing written.
        let criteria = phuong.get("/api/v1/certification-criteria").await.json();
        let school_criterion = criteria["sets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "school")
            .unwrap()["criteria"][0]["id"]
            .clone();
        let (s, body) = step(
            &phuong,
            id,
            "assess",
            json!({"answers": [{"criterion_id": school_criterion, "met": true}]}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "criterion_not_in_set");
        // Assessed with criterion 4 unmet, submitted, returned with a reason.
        let (s, body) = step(
            &phuong,
            id,
            "assess",
            answers(&phuong, id, Some(3), "2026-02-01").await,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["state"], "assessed");
        let (s, _) = step(&phuong, id, "submit", json!({"on": "2026-02-02"})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, body) = step(&phuong, id, "return", json!({"on": "2026-02-03"})).await;
        assert_eq!(
            s,
            StatusCode::BAD_REQUEST,
            "{l}: a return needs its reason: {body}"
        );
        let (s, body) = step(
            &phuong,
            id,
            "return",
            json!({"on": "2026-02-03", "note": "Thiếu biên bản họp"}),
        )
        .await;
        assert_eq!(
            (s, body["state"].as_str()),
            (StatusCode::OK, Some("returned")),
            "{l}: {body}"
        );
        // Reviewed with an unmet required criterion: only "not met" is possible.
        step(
            &phuong,
            id,
            "assess",
            answers(&phuong, id, Some(3), "2026-02-04").await,
        )
        .await;
        step(&phuong, id, "submit", json!({"on": "2026-02-05"})).await;
        let (s, _) = step(&phuong, id, "review", json!({"on": "2026-02-06"})).await;
        assert_eq!(s, StatusCode::OK);
        let (s, body) = step(&phuong, id, "decide", decide.clone()).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "required_criteria_unmet");
        assert!(
            body["error"]["message"].as_str().unwrap().contains("TC4"),
            "{body}"
        );
        // Back, assessed again with every criterion met, then certified.
        step(
            &phuong,
            id,
            "return",
            json!({"on": "2026-02-07", "note": "Đánh giá lại tiêu chí 4"}),
        )
        .await;
        step(
            &phuong,
            id,
            "assess",
            answers(&phuong, id, None, "2026-02-07").await,
        )
        .await;
        step(&phuong, id, "submit", json!({"on": "2026-02-08"})).await;
        step(&phuong, id, "review", json!({"on": "2026-02-09"})).await;
        let (s, body) = step(&phuong, id, "decide", decide.clone()).await;
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["state"], "certified");
        assert_eq!(body["classification"], "kha");
        assert!(
            body["certificate_no"]
                .as_str()
                .unwrap()
                .ends_with("/GCN-ANTT-2026"),
            "{body}"
        );
        // The certificate, as a PDF.
        let pdf = phuong
            .get(&format!("/api/v1/certifications/{id}/certificate.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{l}");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        // The dashboard counts it under the ward, the register's indicator too.
        let sum = phuong
            .get(&format!(
                "/api/v1/certification-summary?org_unit={}&year=2026",
                app.ward
            ))
            .await;
        assert_eq!(sum.status, StatusCode::OK, "{l}: {}", sum.body);
        let sum = sum.json();
        let k = sum["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .position(|k| k == "residential")
            .unwrap();
        assert_eq!(sum["totals"][k]["certified"], 1, "{l}: {sum}");
        assert!(sum["totals"][k]["eligible"].as_i64().unwrap() >= 1);
        let k_trend = sum["trend"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["year"] == 2026 && t["kind"] == "residential")
            .cloned()
            .unwrap();
        assert_eq!(k_trend["certified"], 1, "{l}: {sum}");
        let page = phuong
            .get(&format!(
                "/certifications/summary?org_unit={}&year=2026&view=as_was",
                app.ward
            ))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("Qua các năm") && page.body.contains("<svg"));
        // The steps, in order, each signed.
        let detail = phuong
            .get(&format!("/api/v1/certifications/{id}"))
            .await
            .json();
        let actions: Vec<&str> = detail["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions.first(), Some(&"register"));
        assert_eq!(actions.last(), Some(&"decide"));
        assert!(detail["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["username"] == "phuong"));
        // Revoked: no certificate any more, and no new registration that year.
        let (s, body) = step(
            &phuong,
            id,
            "revoke",
            json!({"reason": "Xảy ra vụ việc phức tạp", "decision_no": "30/QĐ-UBND"}),
        )
        .await;
        assert_eq!(
            (s, body["state"].as_str()),
            (StatusCode::OK, Some("revoked")),
            "{l}: {body}"
        );
        let pdf = phuong
            .get(&format!("/api/v1/certifications/{id}/certificate.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::CONFLICT);
        let (s, body) = register(&phuong, v).await;
        assert_eq!(s, StatusCode::CONFLICT);
        assert_eq!(body["error"]["reason"], "revoked_this_year", "{l}: {body}");
        // The ward's page leads to its cases, its predecessors' included.
        let ward_page = phuong.get(&format!("/org-units/{}", app.ward)).await;
        assert!(ward_page
            .body
            .contains(&format!("/certifications?org_unit={}", app.ward)));
        let listed = phuong
            .get(&format!(
                "/api/v1/certifications?org_unit={}&year=2026",
                app.ward
            ))
            .await
            .json();
        assert!(
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id),
            "{l}: {listed}"
        );
        // The page shows the case and its state.
        let page = phuong.get(&format!("/certifications/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("Bị thu hồi công nhận"));
        // Every step since the national figures were first counted: the
        // tallies followed; and so they do a school opened, another taken
        // out of the scheme.
        assert_tallies_match(&app, 2026).await;
        let r = admin
            .write(Method::POST, "/api/v1/org-units", json!({"level": "site", "kind": "school", "name": "Trường THCS Đếm Lại", "parent_id": app.ward, "valid_from": "2025-07-01"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_tallies_match(&app, 2026).await;
        let primary = admin
            .write(Method::POST, "/api/v1/org-units", json!({"level": "site", "kind": "school", "name": "Trường Tiểu học Miễn", "parent_id": app.ward, "valid_from": "2025-07-01"}))
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/org-units/{primary}/certification-exemption"),
                json!({"category": "school_primary", "from_year": 2026}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let totals = national(&admin, 2026).await["totals"].clone();
        let sum = |k: &str| -> i64 {
            totals
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c[k].as_i64().unwrap())
                .sum()
        };
        assert!(sum("revoked") >= 1, "{l}: {totals}");
        assert_tallies_match(&app, 2026).await;
        assert_tallies_match(&app, 2025).await;
        // A unit's page: its cases, and whether it is in the scheme, which
        // its form changes.
        let page = phuong.get(&format!("/org-units/{v}")).await.body;
        assert!(
            page.contains(&format!("/certifications/{id}")),
            "{l}: unit page"
        );
        let outside = "Không thuộc diện xét: Trường tiểu học";
        let page = phuong.get(&format!("/org-units/{primary}")).await.body;
        assert!(page.contains(outside), "{l}: exemption shown");
        let r = phuong
            .form(
                &format!("/org-units/{primary}/certification-exemption"),
                &[("category", ""), ("from_year", "2026")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let page = phuong.get(&format!("/org-units/{primary}")).await.body;
        assert!(!page.contains(outside), "{l}: back in the scheme");
        assert_tallies_match(&app, 2026).await;
    }
}

#[tokio::test]
async fn scope_and_level_bound_who_registers_and_decides() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        // Outside the officer's ward: "not found", to register and to read.
        let far = village(&admin, app.ba_dinh, "Tổ dân phố Xa").await;
        let (s, _) = register(&phuong, far).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{l}");
        let (s, body) = register(&admin, far).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {body}");
        let far_case = body["items"][0]["id"].as_i64().unwrap();
        let r = phuong
            .get(&format!("/api/v1/certifications/{far_case}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A ward is certified by the province: its officer may not decide it.
        let (s, body) = register(&phuong, app.ward).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {body}");
        let ward_case = body["items"][0]["id"].as_i64().unwrap();
        assert_eq!(body["items"][0]["kind"], "commune");
        let (s, body) = step(
            &phuong,
            ward_case,
            "decide",
            json!({"classification": "kha", "decision_no": "1/QĐ"}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "decision_not_your_level");
        // Viewers read, never act.
        let viewer = app.login("lanhdao").await;
        let (s, _) = register(&viewer, app.ward).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Criteria as published: a set starting in a year already covered is refused.
        let r = admin
            .write(Method::POST, "/api/v1/certification-criteria", json!({"kind": "residential", "from_year": 2022, "title": "Mới", "source": "TT", "criteria": [{"code": "A", "text": "Tiêu chí", "source": "TT"}]}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
        assert_eq!(r.json()["error"]["reason"], "criteria_year_taken");
        let r = admin
            .write(Method::POST, "/api/v1/certification-criteria", json!({"kind": "residential", "from_year": 2027, "title": "Mới", "source": "TT 48/2025", "criteria": [{"code": "A", "text": "Tiêu chí", "source": "TT"}]}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.json()["version"], 2);
        // The same through the page: filled with the latest version of the
        // kind, published from a later year, refused for a year taken.
        let page = admin.get("/certifications/criteria/new?kind=school").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("name=\"code_0\""), "{l}: lines");
        let lines = [
            ("kind", "school"),
            ("lines", "2"),
            ("title", "Tiêu chí cơ sở giáo dục (sửa đổi)"),
            ("source", "Thông tư 48/2025/TT-BCA"),
            ("code_0", "GD1"),
            ("text_0", "Có mô hình hoạt động hiệu quả"),
            ("source_0", "Thông tư 48/2025/TT-BCA"),
            ("required_0", "1"),
            ("code_1", ""),
            ("text_1", ""),
        ];
        let with_year = |y: &'static str| {
            let mut v = lines.to_vec();
            v.push(("from_year", y));
            v
        };
        let r = admin
            .form("/certifications/criteria", &with_year("2028"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let criteria = admin.get("/api/v1/certification-criteria").await.json();
        let school: Vec<&Value> = criteria["sets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["kind"] == "school")
            .collect();
        assert_eq!(school.len(), 2, "{l}");
        assert_eq!(school[1]["from_year"], 2028);
        assert_eq!(school[1]["criteria"].as_array().unwrap().len(), 1);
        let r = admin
            .form("/certifications/criteria", &with_year("2028"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(
            r.body.contains("Có mô hình hoạt động hiệu quả"),
            "{l}: kept"
        );
        // Not an administrator: refused.
        let r = phuong
            .form("/certifications/criteria", &with_year("2029"))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn overdue_cases_are_listed_by_the_level_that_must_act() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        // Self-assessed on 1 February 2026 and never sent on: ten days to
        // submit, so overdue since 12 February, awaiting the commune.
        let late = village(&admin, app.ward, "Tổ dân phố Chậm").await;
        let (s, body) = register(&phuong, late).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {body}");
        let late_case = body["items"][0]["id"].as_i64().unwrap();
        let (s, _) = step(
            &phuong,
            late_case,
            "assess",
            answers(&phuong, late_case, None, "2026-02-01").await,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        // Registered for the year under way: due at its end, not overdue.
        let fresh = village(&admin, app.ward, "Tổ dân phố Đúng Hạn").await;
        let today = domain::time::today();
        let year = if today.month() >= 11 {
            today.year() + 1
        } else {
            today.year()
        };
        let on = today.min(chrono::NaiveDate::from_ymd_opt(year, 3, 31).unwrap());
        let r = phuong
            .write(Method::POST, "/api/v1/certifications", json!({"org_unit_ids": [fresh], "year": year, "registered_on": on.to_string(), "party_resolution_on": on.to_string(), "households_percent": 100}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(
            r.json()["items"][0]["due_on"],
            format!("{year}-10-31"),
            "{l}: a residential year ends on 31 October"
        );

        let ward = app.ward;
        let list = |q: String| {
            let phuong = &phuong;
            async move {
                let r = phuong
                    .get(&format!("/api/v1/certifications?org_unit={ward}&{q}"))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                r.json()
            }
        };
        let overdue = list("overdue=true".into()).await;
        assert_eq!(overdue["total"], 1, "{l}: {overdue}");
        assert_eq!(overdue["items"][0]["id"], late_case);
        assert_eq!(overdue["items"][0]["due_on"], "2026-02-11");
        assert_eq!(list("awaiting=commune".into()).await["total"], 2, "{l}");
        // Residential areas are decided by the commune: nothing awaits the province.
        assert_eq!(list("awaiting=province".into()).await["total"], 0, "{l}");
        assert_eq!(
            list("awaiting=commune&overdue=1&state=assessed".into()).await["total"],
            1,
            "{l}"
        );
        // Bad filters are refused by name.
        for (q, reason) in [
            ("awaiting=huyen", "level_unknown"),
            ("overdue=maybe", "boolean_expected"),
        ] {
            let r = phuong.get(&format!("/api/v1/certifications?{q}")).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {q}");
            assert_eq!(r.json()["error"]["reason"], reason, "{l}: {q}");
        }
        // The officer's home counts it; the dashboard lists it by level.
        let home = phuong.get("/home").await.body;
        assert!(
            home.contains("/certifications?state=assessed&amp;overdue=1"),
            "{l}: home"
        );
        let dash = phuong.get("/certifications/summary").await.body;
        assert!(
            dash.contains("awaiting=commune&amp;state=assessed"),
            "{l}: dashboard"
        );
        // Sent on: it awaits the review, due fifteen days after.
        let (s, body) = step(&phuong, late_case, "submit", json!({"on": "2026-11-20"})).await;
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["due_on"], "2026-12-05", "{l}: {body}");
    }
}
