//! Partners and programmes: organisations by level (a national body is
//! the administrators'), a joint plan of the province with the Youth
//! Union, targets whose progress is computed from the registers (classes
//! held in the area) or entered, a Youth Union account that reports an
//! activity of its own programme and is refused another organisation's,
//! and the 2025 reform (a legacy union ended into its successor keeps its
//! programmes visible to the successor's account).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

#[tokio::test]
async fn a_joint_plan_from_its_parties_to_its_progress() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;

        // Organisations: the province's Youth Union by its staff; a national
        // body is the administrators'; a second name at a unit is refused.
        let youth = json!({"kind": "doan_thanh_nien", "name": "Tỉnh đoàn Ninh Bình", "level": "province", "org_unit_id": app.ninh_binh, "contacts": [{"role": "Văn phòng Tỉnh đoàn", "phone": "0229 3871 234"}]});
        let (s, y) = post(&tinh, "/api/v1/partners", youth.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {y}");
        let youth_id = y["id"].as_i64().unwrap();
        assert_eq!(y["contacts"][0]["role"], "Văn phòng Tỉnh đoàn", "{l}");
        assert_eq!(
            post(&tinh, "/api/v1/partners", youth).await.0,
            StatusCode::CONFLICT,
            "{l}"
        );
        let national =
            json!({"kind": "mttq", "name": "Ủy ban Trung ương MTTQ Việt Nam", "level": "national"});
        assert_eq!(
            post(&tinh, "/api/v1/partners", national.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            post(&admin, "/api/v1/partners", national).await.0,
            StatusCode::CREATED,
            "{l}"
        );
        let (_, women) = post(&tinh, "/api/v1/partners", json!({"kind": "hoi_phu_nu", "name": "Hội LHPN tỉnh Ninh Bình", "level": "province", "org_unit_id": app.ninh_binh})).await;
        let women_id = women["id"].as_i64().unwrap();

        // A joint plan of the province with the Youth Union; bad input named.
        let plan = json!({"name": "Kế hoạch liên tịch 01 Công an tỉnh – Tỉnh đoàn", "kind": "ke_hoach_lien_tich", "level": "province", "org_unit_id": app.ninh_binh, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "partners": [youth_id]});
        let (s, g) = post(&tinh, "/api/v1/programs", plan.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {g}");
        let id = g["id"].as_i64().unwrap();
        let mut bad = plan.clone();
        bad["partners"] = json!([]);
        let (s, body) = post(&tinh, "/api/v1/programs", bad).await;
        assert_eq!(
            (s, body["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("partners")),
            "{l}: {body}"
        );
        let mut other = plan.clone();
        other["partners"] = json!([women_id]);
        other["name"] = json!("Chương trình phối hợp với Hội Phụ nữ");
        let (_, w) = post(&tinh, "/api/v1/programs", other).await;
        let women_program = w["id"].as_i64().unwrap();
        // The ward's plan carries out the province's; a parent that does
        // not cover its period is refused.
        let ward_plan = json!({"name": "Kế hoạch của phường", "kind": "ke_hoach", "level": "commune", "org_unit_id": app.ward, "parent_id": id, "starts_on": "2026-02-01", "ends_on": "2026-11-30", "partners": [youth_id]});
        assert_eq!(
            post(&phuong, "/api/v1/programs", ward_plan.clone()).await.0,
            StatusCode::CREATED,
            "{l}"
        );
        let mut late = ward_plan;
        late["ends_on"] = json!("2027-06-30");
        let (s, body) = post(&phuong, "/api/v1/programs", late).await;
        assert_eq!(
            body["error"]["reason"], "program_parent_invalid",
            "{l}: {s} {body}"
        );

        // Targets: classes held in the area (computed), a manual one, and an
        // indicator that does not exist (refused, nothing written).
        let targets = format!("/api/v1/programs/{id}/targets");
        let (s, t1) = post(&tinh, &targets, json!({"name": "Mở 2 lớp tập huấn cho đoàn viên", "source": "classes", "target_value": 2, "due_on": "2026-12-31"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {t1}");
        assert_eq!(t1["value"], 0.0, "{l}");
        let (_, t2) = post(&tinh, &targets, json!({"name": "Thành lập 10 đội thanh niên xung kích", "source": "manual", "target_value": 10, "due_on": "2026-06-30"})).await;
        let (s, body) = post(&tinh, &targets, json!({"name": "X", "source": "indicator", "indicator": "khong_co", "target_value": 5, "due_on": "2026-12-31"})).await;
        assert_eq!(
            body["error"]["reason"], "target_indicator_unknown",
            "{l}: {s} {body}"
        );
        let (s, body) = post(
            &tinh,
            &targets,
            json!({"name": "X", "source": "manual", "target_value": 5, "due_on": "2027-12-31"}),
        )
        .await;
        assert_eq!(
            body["error"]["reason"], "target_due_outside",
            "{l}: {s} {body}"
        );
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/programs/{id}/targets/{}/progress", t1["id"]),
                json!({"value": 5}),
            )
            .await;
        assert_eq!(
            r.json()["error"]["reason"],
            "target_not_manual",
            "{l}: {}",
            r.body
        );
        let r = tinh
            .write(
                Method::PUT,
                &format!("/api/v1/programs/{id}/targets/{}/progress", t2["id"]),
                json!({"value": 4}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["percent"], 40.0, "{l}");
        // A class held by the ward moves the computed target.
        let (_, course) = post(&tinh, "/api/v1/courses", json!({"name": "Kỹ năng cho đoàn viên", "topics": [{"topic": "phap_luat", "hours": 4}]})).await;
        let (s, _) = post(&phuong, "/api/v1/classes", json!({"course_id": course["id"], "organiser_unit_id": app.ward, "audience": "partner_officers", "starts_on": "2026-03-02", "ends_on": "2026-03-03", "capacity": 30})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        let progress = tinh
            .get(&format!("/api/v1/programs/{id}/progress"))
            .await
            .json();
        assert_eq!(progress["targets"][0]["value"], 1.0, "{l}: {progress}");
        assert_eq!(progress["targets"][0]["percent"], 50.0, "{l}");
        assert_eq!(progress["children"], 1, "{l}");

        // A model founded under the plan counts for its `models` target.
        let (_, t3) = post(&tinh, &targets, json!({"name": "Nhân rộng mô hình", "source": "models", "target_value": 4, "due_on": "2026-12-31"})).await;
        let types = tinh.get("/api/v1/model-types").await.json();
        let ty = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "to_tuan_tra_nhan_dan")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, village) = post(&admin, "/api/v1/org-units", json!({"level": "village", "kind": "thon", "name": "Thôn Phối Hợp", "parent_id": app.ward, "valid_from": "2025-07-01"})).await;
        let (s, m) = post(&phuong, "/api/v1/models", json!({"type_id": ty, "org_unit_id": village["id"], "name": "Tổ tuần tra thanh niên", "founded_on": "2026-04-01"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {m}");
        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/models/{}/program", m["id"]),
                json!({"program_id": id}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/models/{}/program", m["id"]),
                json!({"program_id": 999999}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
        let targets_now = tinh.get(&targets).await.json();
        let t3_now = targets_now["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == t3["id"])
            .unwrap()
            .clone();
        assert_eq!(t3_now["value"], 1.0, "{l}: {t3_now}");
        let model_page = phuong.get(&format!("/models/{}", m["id"])).await;
        assert!(
            model_page.body.contains(&format!("/programs/{id}\"")),
            "{l}"
        );

        // The Youth Union's account: attached to its organisation, it sees
        // its programmes only, reports an activity for itself, and another
        // organisation's programme is not there for it.
        let doitac = app.login("doitac").await;
        assert_eq!(
            doitac.get(&format!("/api/v1/programs/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}: not attached yet"
        );
        let other_user = store::accounts::find_by_username(&app.t.db, "doitac")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        let r = admin
            .write(
                Method::PUT,
                &format!("/api/v1/users/{other_user}/organisation"),
                json!({"organisation_id": youth_id}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
        let listed = doitac.get("/api/v1/programs").await.json();
        assert_eq!(listed["total"], 2, "{l}: the plan and the ward's: {listed}");
        assert_eq!(
            doitac
                .get(&format!("/api/v1/programs/{women_program}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let activity = json!({"held_on": "2026-03-26", "kind": "ra_quan", "org_unit_id": app.ward, "place": "Quảng trường phường", "participants": 250, "result": "Ra quân tháng Thanh niên"});
        let (s, a) = post(
            &doitac,
            &format!("/api/v1/programs/{id}/activities"),
            activity.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {a}");
        assert_eq!(a["organisation_id"], youth_id, "{l}");
        let mut theirs = activity.clone();
        theirs["organisation_id"] = json!(women_id);
        assert_eq!(
            post(
                &doitac,
                &format!("/api/v1/programs/{id}/activities"),
                theirs
            )
            .await
            .0,
            StatusCode::BAD_REQUEST,
            "{l}"
        );
        assert_eq!(
            post(
                &doitac,
                &format!("/api/v1/programs/{women_program}/activities"),
                activity.clone()
            )
            .await
            .0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let mut outside = activity.clone();
        outside["held_on"] = json!("2025-12-31");
        let (_, body) = post(
            &doitac,
            &format!("/api/v1/programs/{id}/activities"),
            outside,
        )
        .await;
        assert_eq!(
            body["error"]["reason"], "activity_outside_period",
            "{l}: {body}"
        );
        let progress = doitac
            .get(&format!("/api/v1/programs/{id}/progress"))
            .await
            .json();
        assert_eq!(
            (
                progress["activities"].as_i64(),
                progress["participants"].as_i64()
            ),
            (Some(1), Some(250)),
            "{l}: {progress}"
        );
        // Partners do not set up programmes.
        assert_eq!(
            post(&doitac, "/api/v1/programs", plan).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );

        // The pages.
        let page = doitac.get(&format!("/programs/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("Quảng trường phường") && page.body.contains("<svg"),
            "{l}"
        );
        let page = tinh.get(&format!("/partners/{youth_id}")).await;
        assert!(page.body.contains(&format!("/programs/{id}\"")), "{l}");

        // The reform: a legacy union ends into the province's; the
        // successor's account sees the legacy union's programme.
        let (_, legacy) = post(&admin, "/api/v1/partners", json!({"kind": "doan_thanh_nien", "name": "Tỉnh đoàn Nam Định (cũ)", "level": "commune", "org_unit_id": app.ward})).await;
        let legacy_id = legacy["id"].as_i64().unwrap();
        let (s, old) = post(&tinh, "/api/v1/programs", json!({"name": "Chương trình của Đoàn phường", "kind": "chuong_trinh", "level": "commune", "org_unit_id": app.ward, "starts_on": "2025-08-01", "ends_on": "2026-08-01", "partners": [legacy_id]})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {old}");
        let (s, body) = post(
            &tinh,
            &format!("/api/v1/partners/{legacy_id}/end"),
            json!({"ended_on": "2026-01-01", "succeeded_by": women_id}),
        )
        .await;
        assert_eq!(
            body["error"]["reason"], "partner_successor_invalid",
            "{l}: {s} {body}"
        );
        let (s, body) = post(
            &tinh,
            &format!("/api/v1/partners/{legacy_id}/end"),
            json!({"ended_on": "2026-01-01", "succeeded_by": youth_id}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        let seen = doitac.get(&format!("/api/v1/programs/{}", old["id"])).await;
        assert_eq!(seen.status, StatusCode::OK, "{l}: {}", seen.body);
    }
}
