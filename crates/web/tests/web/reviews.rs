//! Reviews: the province starts a five-year review of Ninh Bình (bad
//! periods, a unit not its own and a viewer refused, nothing written); the
//! figures count what the registers hold (a commendation of the ward);
//! sections are saved as versions and drafted from the figures; the ward
//! answers with its own review and issues it; the province compiles it
//! (the figures agree), issues its review under a number (twice, or the
//! same number again, refused; an issued review frozen), makes a new
//! version, and the documents download; a partner reads, another province
//! does not.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

async fn put(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::PUT, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

async fn total(c: &Client<'_>, uri: &str) -> i64 {
    c.get(uri).await.json()["total"].as_i64().unwrap()
}

fn headline(figures: &Value, code: &str) -> Value {
    figures["parts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["headlines"].as_array().unwrap().iter())
        .find(|h| h["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no headline {code}: {figures}"))
}

fn issue_body(number: &str) -> Value {
    json!({"number": number, "place": "Ninh Bình", "issued_on": "2026-01-05",
           "signer_authority": "KT. GIÁM ĐỐC", "signer_title": "PHÓ GIÁM ĐỐC",
           "signer_name": "Nguyễn Văn An", "recipients": ["Bộ Công an (V05);", "Đảng ủy Công an tỉnh;"]})
}

#[tokio::test]
async fn a_province_reviews_five_years_compiles_a_commune_and_issues_the_document() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let list = "/api/v1/reviews";
        let five_years = json!({"kind": "final", "subject": "Tổng kết 5 năm phong trào toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2021 - 2025",
            "org_unit_id": app.ninh_binh, "from": "2021", "to": "2025", "view": "as_was"});

        // Refused, nothing written.
        let of_province = format!("{list}?org_unit={}", app.ninh_binh);
        let before = total(&tinh, &of_province).await;
        for (field, value) in [("to", "2020"), ("to", "2099-01"), ("from", "2025-13")] {
            let mut bad = five_years.clone();
            bad[field] = json!(value);
            let (s, e) = post(&tinh, list, bad).await;
            assert_eq!(
                (s, e["error"]["field"].as_str()),
                (StatusCode::BAD_REQUEST, Some(field)),
                "{l}: {value} {e}"
            );
        }
        let mut below = five_years.clone();
        below["org_unit_id"] = json!(app.ward);
        let (s, e) = post(&tinh, list, below).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::BAD_REQUEST, Some("review_unit_not_yours")),
            "{l}: {e}"
        );
        let (s, _) = post(&phuong, list, five_years.clone()).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{l}");
        let (s, _) = post(&app.login("lanhdao").await, list, five_years.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(total(&tinh, &of_province).await, before, "{l}");

        // The ward's committee commended someone in 2024: the review counts it.
        let (s, c) = post(&phuong, "/api/v1/commendations", json!({"form": "giay_khen", "level": "ubnd_xa", "year": 2024, "reason": "Tố giác tội phạm", "recipient_kind": "person", "person_name": "Trần Văn Bình", "org_unit_id": app.ward, "decided_on": "2024-09-05"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {c}");

        let (s, review) = post(&tinh, list, five_years.clone()).await;
        assert_eq!(
            (s, review["state"].as_str()),
            (StatusCode::CREATED, Some("draft")),
            "{l}: {review}"
        );
        let id = review["id"].as_i64().unwrap();
        let figures = tinh.get(&format!("{list}/{id}/figures")).await.json();
        assert_eq!(figures["period"], "giai đoạn 2021 - 2025", "{l}");
        let individuals = headline(&figures, "khen_ca_nhan");
        assert_eq!(individuals["value"], 1.0, "{l}: {individuals}");
        assert_eq!(individuals["previous"], 0.0, "{l}: {individuals}");
        assert!(
            individuals["by_unit"]
                .as_array()
                .unwrap()
                .iter()
                .any(|u| u["org_unit_id"] == app.ward && u["value"] == 1.0),
            "{l}: {individuals}"
        );
        for source in [
            "models",
            "certification",
            "forces",
            "training",
            "programs",
            "events",
            "commendations",
            "directives",
        ] {
            assert!(
                figures["parts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["source"] == source),
                "{l}: {source}"
            );
        }

        // Sections: each save a version; the same text again is not one.
        let section = format!("{list}/{id}/sections/results");
        for text in [
            "Kết quả nổi bật: …",
            "Kết quả nổi bật: phong trào phát triển rộng khắp.",
            "Kết quả nổi bật: phong trào phát triển rộng khắp.",
        ] {
            let (s, v) = put(&tinh, &section, json!({"body": text})).await;
            assert_eq!(s, StatusCode::OK, "{l}: {v}");
        }
        let versions = tinh.get(&format!("{section}/versions")).await.json();
        assert_eq!(versions.as_array().unwrap().len(), 2, "{l}: {versions}");
        assert_eq!(versions[0]["version"], 2, "{l}");
        assert_eq!(
            put(
                &tinh,
                &format!("{list}/{id}/sections/gossip"),
                json!({"body": "x"})
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let draft = tinh.get(&format!("{section}/draft")).await.json();
        assert!(
            draft["body"]
                .as_str()
                .unwrap()
                .contains("- Lượt cá nhân được khen thưởng: 1, tăng 1 so với kỳ trước;"),
            "{l}: {draft}"
        );
        assert_eq!(
            put(&app.login("doitac").await, &section, json!({"body": "x"}))
                .await
                .0,
            StatusCode::FORBIDDEN,
            "{l}"
        );

        // The ward answers with its own review of the same period and issues it.
        let mut answer = five_years.clone();
        answer["org_unit_id"] = json!(app.ward);
        answer["answers_id"] = json!(id);
        answer["subject"] = json!("Tổng kết 5 năm phong trào tại phường Nam Định");
        let mut off_period = answer.clone();
        off_period["from"] = json!("2022");
        let (s, e) = post(&phuong, list, off_period).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::BAD_REQUEST, Some("review_answers_invalid")),
            "{l}: {e}"
        );
        let (s, sub) = post(&phuong, list, answer).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {sub}");
        let sub_id = sub["id"].as_i64().unwrap();
        put(
            &phuong,
            &format!("{list}/{sub_id}/sections/results"),
            json!({"body": "Phường đã xây dựng nhiều mô hình."}),
        )
        .await;
        let compiled = tinh.get(&format!("{list}/{id}/submissions")).await.json();
        assert_eq!(compiled["submitted"], 0, "{l}: a draft is not submitted");
        assert!(
            compiled["expected"].as_i64().unwrap() > 100,
            "{l}: {}",
            compiled["expected"]
        );
        let mut ward_issue = issue_body("12/BC-CAP");
        ward_issue["place"] = json!("Nam Định");
        let (s, issued) = post(&phuong, &format!("{list}/{sub_id}/issue"), ward_issue).await;
        assert_eq!(
            (s, issued["state"].as_str()),
            (StatusCode::OK, Some("issued")),
            "{l}: {issued}"
        );
        let compiled = tinh.get(&format!("{list}/{id}/submissions")).await.json();
        assert_eq!(compiled["submitted"], 1, "{l}");
        let check = compiled["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "khen_ca_nhan")
            .unwrap();
        assert_eq!(
            (check["submitted"].as_f64(), check["agrees"].as_bool()),
            (Some(1.0), Some(true)),
            "{l}: {check}"
        );
        let differ: Vec<&Value> = compiled["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["agrees"] != true)
            .collect();
        assert!(differ.is_empty(), "{l}: {differ:?}");
        let ward = compiled["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["org_unit_id"] == app.ward)
            .unwrap();
        assert_eq!(
            ward["sections"][0]["body"], "Phường đã xây dựng nhiều mô hình.",
            "{l}"
        );

        // Issued: numbered, frozen; twice, or the same number, refused.
        let issue = format!("{list}/{id}/issue");
        let mut bad = issue_body("BC-CAT");
        let (s, e) = post(&tinh, &issue, bad.clone()).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("number")),
            "{l}: {e}"
        );
        bad = issue_body("05/BC-CAT");
        bad["issued_on"] = json!("2020-12-31");
        assert_eq!(
            post(&tinh, &issue, bad).await.0,
            StatusCode::BAD_REQUEST,
            "{l}"
        );
        let (s, issued) = post(&tinh, &issue, issue_body("05/BC-CAT")).await;
        assert_eq!(
            (s, issued["number"].as_str()),
            (StatusCode::OK, Some("05/BC-CAT")),
            "{l}: {issued}"
        );
        assert_eq!(
            issued["recipients"], "- Bộ Công an (V05);\n- Đảng ủy Công an tỉnh;\n- Lưu: VT.",
            "{l}"
        );
        assert_eq!(
            post(&tinh, &issue, issue_body("06/BC-CAT")).await.0,
            StatusCode::CONFLICT,
            "{l}"
        );
        assert_eq!(
            put(&tinh, &section, json!({"body": "sửa sau khi ban hành"}))
                .await
                .0,
            StatusCode::CONFLICT,
            "{l}"
        );
        let (_, other) = post(&tinh, list, json!({"kind": "year", "subject": "Tổng kết năm 2025", "org_unit_id": app.ninh_binh, "from": "2025", "to": "2025"})).await;
        let (s, e) = post(
            &tinh,
            &format!("{list}/{}/issue", other["id"]),
            issue_body("05/BC-CAT"),
        )
        .await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::CONFLICT, Some("review_number_taken")),
            "{l}: {e}"
        );

        // The frozen figures stay as issued when the registers change.
        post(&phuong, "/api/v1/commendations", json!({"form": "giay_khen", "level": "ubnd_xa", "year": 2025, "reason": "Tuần tra", "recipient_kind": "person", "person_name": "Lê Thị Hoa", "org_unit_id": app.ward, "decided_on": "2025-09-05"})).await;
        let frozen = tinh.get(&format!("{list}/{id}")).await.json();
        assert_eq!(
            headline(&frozen["figures"], "khen_ca_nhan")["value"],
            1.0,
            "{l}"
        );
        assert_eq!(frozen["may_write"], false, "{l}");

        // A new version: a draft with the sections, its own number.
        let (s, v2) = post(&tinh, &format!("{list}/{id}/versions"), json!({})).await;
        assert_eq!(
            (s, v2["edition"].as_i64()),
            (StatusCode::CREATED, Some(2)),
            "{l}: {v2}"
        );
        assert_eq!(
            post(&tinh, &format!("{list}/{id}/versions"), json!({}))
                .await
                .0,
            StatusCode::CONFLICT,
            "{l}"
        );
        let v2_id = v2["id"].as_i64().unwrap();
        let fresh = tinh.get(&format!("{list}/{v2_id}")).await.json();
        assert_eq!(
            fresh["sections"][0]["body"], "Kết quả nổi bật: phong trào phát triển rộng khắp.",
            "{l}"
        );
        assert_eq!(
            headline(&fresh["figures"], "khen_ca_nhan")["value"],
            2.0,
            "{l}"
        );
        let (s, _) = post(
            &tinh,
            &format!("{list}/{v2_id}/issue"),
            issue_body("07/BC-CAT"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}");

        // The documents.
        let docx = tinh.get(&format!("{list}/{id}/document.docx")).await;
        assert_eq!(docx.status, StatusCode::OK, "{l}");
        assert!(docx.bytes.starts_with(b"PK"), "{l}");
        let pdf = tinh.get(&format!("{list}/{id}/document.pdf")).await;
        assert_eq!(
            (pdf.status, pdf.headers["content-type"].to_str().unwrap()),
            (StatusCode::OK, "application/pdf"),
            "{l}"
        );
        assert!(pdf.bytes.starts_with(b"%PDF"), "{l}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx.bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        for text in [
            "05/BC-CAT",
            "CÔNG AN TỈNH NINH BÌNH",
            "Nguyễn Văn An",
            "Lưu: VT.",
        ] {
            assert!(xml.contains(text), "{l}: {text}");
        }

        // Who reads it: a partner of the province does; another province does not.
        assert_eq!(
            app.login("doitac")
                .await
                .get(&format!("{list}/{id}"))
                .await
                .status,
            StatusCode::OK,
            "{l}"
        );
        assert_eq!(
            app.login("khac")
                .await
                .get(&format!("{list}/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            app.login("khac")
                .await
                .get(&format!("{list}/{id}/document.pdf"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        // The pages.
        let page = tinh.get(&format!("/reviews/{v2_id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("BC-CAT") && page.body.contains("Phường Nam Định"),
            "{l}"
        );
        let page = tinh
            .get(&format!("/reviews/{}?draft=results", other["id"]))
            .await;
        assert!(
            page.body.contains("Soạn từ mẫu") || page.body.contains("bản nháp"),
            "{l}"
        );
        assert_eq!(tinh.get("/reviews").await.status, StatusCode::OK, "{l}");
        assert_eq!(tinh.get("/reviews/new").await.status, StatusCode::OK, "{l}");
    }
}

#[tokio::test]
async fn a_legacy_province_is_reviewed_in_either_view_and_the_country_over_twenty_years() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        // A model of the ward: the national counts read it (PostgreSQL
        // once refused their constant area's type when a row came back).
        let types = admin.get("/api/v1/model-types").await.json();
        let patrol = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "to_tuan_tra_nhan_dan")
            .unwrap()["id"]
            .clone();
        let (s, m) = post(&admin, "/api/v1/models", json!({"type_id": patrol, "org_unit_id": app.ward, "name": "Tổ tuần tra toàn quốc", "founded_on": "2025-09-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {m}");
        // National: the administrators', twenty years; a province answers it.
        let national =
            json!({"kind": "final", "subject": "Tổng kết 20 năm", "from": "2006", "to": "2025"});
        let (s, _) = post(
            &app.login("tinh").await,
            "/api/v1/reviews",
            national.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");
        let (s, r) = post(&admin, "/api/v1/reviews", national).await;
        assert_eq!(
            (s, r["org_unit_id"].is_null()),
            (StatusCode::CREATED, true),
            "{l}: {r}"
        );
        let id = r["id"].as_i64().unwrap();
        let f = admin.get(&format!("/api/v1/reviews/{id}/figures")).await;
        assert_eq!(f.status, StatusCode::OK, "{l}: {}", f.body);
        assert_eq!(headline(&f.json(), "models_new")["value"], 1.0, "{l}");
        let (s, answer) = post(&app.login("tinh").await, "/api/v1/reviews", json!({"kind": "final", "subject": "Tổng kết 20 năm tỉnh Ninh Bình", "org_unit_id": app.ninh_binh, "from": "2006", "to": "2025", "answers_id": id})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {answer}");
        let compiled = admin
            .get(&format!("/api/v1/reviews/{id}/submissions"))
            .await
            .json();
        assert_eq!(compiled["expected"], 34, "{l}: the provinces of 2025");
        let pdf = admin
            .get(&format!("/api/v1/reviews/{id}/document.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{l}");
        let (s, _) = post(
            &admin,
            &format!("/api/v1/reviews/{id}/issue"),
            issue_body("01/BC-BCA"),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        let (_, again) = post(
            &admin,
            "/api/v1/reviews",
            json!({"kind": "year", "subject": "Tổng kết năm 2025", "from": "2025", "to": "2025"}),
        )
        .await;
        let (s, e) = post(
            &admin,
            &format!("/api/v1/reviews/{}/issue", again["id"]),
            issue_body("01/BC-BCA"),
        )
        .await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::CONFLICT, Some("review_number_taken")),
            "{l}: {e}"
        );
        for view in ["as_was", "as_now"] {
            let (s, r) = post(&admin, "/api/v1/reviews", json!({"kind": "final", "subject": "Tổng kết 10 năm tỉnh Nam Định", "org_unit_id": app.nam_dinh, "from": "2016", "to": "2025", "view": view})).await;
            assert_eq!(s, StatusCode::CREATED, "{l} {view}: {r}");
            let f = admin
                .get(&format!("/api/v1/reviews/{}/figures", r["id"]))
                .await;
            assert_eq!(f.status, StatusCode::OK, "{l} {view}: {}", f.body);
            let pdf = admin
                .get(&format!("/api/v1/reviews/{}/document.pdf", r["id"]))
                .await;
            assert_eq!(pdf.status, StatusCode::OK, "{l} {view}");
        }
    }
}
