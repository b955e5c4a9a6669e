//! The officers' own pages: the home page's work, the approvals inbox and
//! its approval of several reports at once, and the pickers that name
//! units and models as people know them.

use axum::http::{header, Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::App;

/// The id of the national monthly report.
async fn monthly(app: &App) -> i64 {
    app.login("admin").await.data_set("bao_cao_thang").await
}

fn location(r: &crate::harness::Res) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_owned()
}

/// Whether a list of reports holds the ward's one for `period`.
fn holds(list: &Value, unit: i64, period: &str) -> bool {
    list.as_array()
        .unwrap()
        .iter()
        .any(|w| w["org_unit"] == unit && w["period"] == period)
}

#[tokio::test]
async fn reports_wait_on_the_right_home_pages_and_are_approved_together() {
    for app in App::all().await {
        let l = app.label();
        let set = monthly(&app).await;
        let phuong = app.login("phuong").await;
        let tinh = app.login("tinh").await;
        let khac = app.login("khac").await;
        let lanhdao = app.login("lanhdao").await;
        let act = |period: &str, action: &str| json!({"data_set": set, "org_unit": app.ward, "period": period, "action": action, "reason": "thiếu số liệu"});
        for period in ["2026-01", "2026-02"] {
            let r = phuong
                .write(Method::POST, "/api/v1/data-values", json!([{"indicator": "tin_bao", "org_unit": app.ward, "period": period, "value": 3}]))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
            let r = phuong
                .write(Method::POST, "/api/v1/approvals", act(period, "submit"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        }

        // Waiting for the province, not for the commune or another one.
        let home = tinh.get("/api/v1/home").await;
        assert_eq!(home.status, StatusCode::OK, "{l}: {}", home.body);
        assert!(
            holds(&home.json()["waiting"], app.ward, "2026-01"),
            "{l}: {}",
            home.body
        );
        assert!(home.json()["waiting_total"].as_u64().unwrap() >= 2, "{l}");
        let inbox = tinh.get("/api/v1/approvals/waiting").await.json();
        assert!(holds(&inbox["items"], app.ward, "2026-02"), "{l}");
        for other in [&phuong, &khac] {
            let w = other.get("/api/v1/approvals/waiting").await.json();
            assert!(!holds(&w["items"], app.ward, "2026-01"), "{l}: {w}");
        }
        assert_eq!(
            lanhdao.get("/api/v1/approvals/waiting").await.status,
            StatusCode::FORBIDDEN,
            "{l}: a viewer approves nothing"
        );
        assert_eq!(
            lanhdao.get("/api/v1/home").await.status,
            StatusCode::OK,
            "{l}"
        );

        // Sent back: it is the commune's to fix, on its home page.
        let r = tinh
            .write(Method::POST, "/api/v1/approvals", act("2026-01", "return"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let home = phuong.get("/api/v1/home").await.json();
        let due = home["due"].as_array().unwrap();
        assert!(
            due.iter()
                .any(|w| w["period"] == "2026-01" && w["state"] == "returned"),
            "{l}: {home}"
        );
        let page = phuong.get("/home").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(
            page.body.contains("Tháng 01&#x2f;2026") && page.body.contains("Bị trả lại"),
            "{l}: {}",
            page.body
        );
        assert!(khac.get("/api/v1/home").await.json()["due"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["org_unit"] != app.ward));

        // Approving several at once: ticked, confirmed, then approved.
        let key = format!("{set}:{}:2026-02", app.ward);
        let stale = format!("{set}:{}:2026-01", app.ward);
        let r = tinh.form("/statistics/approvals", &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: nothing ticked");
        let r = tinh
            .form(
                "/statistics/approvals",
                &[("step", "confirm"), ("report", &key)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert!(
            r.body.contains("name=\"step\" value=\"approve\""),
            "{l}: asks to confirm"
        );
        let still = tinh
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-02",
                app.ward
            ))
            .await;
        assert_eq!(
            still.json()["approval"]["state"],
            "submitted",
            "{l}: nothing yet"
        );
        let r = tinh
            .form(
                "/statistics/approvals",
                &[("step", "approve"), ("report", &key)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert!(location(&r).contains("approved=1"), "{l}");
        let done = tinh
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-02",
                app.ward
            ))
            .await;
        assert_eq!(done.json()["approval"]["state"], "approved", "{l}");
        // One no longer waiting is named with the reason; nothing else changes.
        let r = tinh
            .form(
                "/statistics/approvals",
                &[
                    ("step", "approve"),
                    ("report", &stale),
                    ("report", "1:2:nonsense"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Không duyệt được (2)"), "{l}: {}", r.body);
        let back = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-01",
                app.ward
            ))
            .await;
        assert_eq!(back.json()["approval"]["state"], "returned", "{l}");
        // A commune officer cannot approve its own report by posting its key.
        let r = phuong
            .form(
                "/statistics/approvals",
                &[("step", "approve"), ("report", &stale)],
            )
            .await;
        assert!(r.body.contains("Không duyệt được (1)"), "{l}");
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn units_and_exemplars_are_picked_by_name_or_code_never_by_id() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let types = tinh.get("/api/v1/model-types").await.json();
        let ty = types["items"][0]["id"].as_i64().unwrap().to_string();
        let ward = store::org_units::get(&app.t.db, store::accounts::Scope::All, app.ward)
            .await
            .unwrap()
            .unwrap();
        let ascii = |s: &str| domain::text::fold(s);
        let model = |name: &'static str, unit: String| {
            vec![
                ("type_id", ty.clone()),
                ("org_unit", unit),
                ("name", name.to_owned()),
                ("founded_on", "2026-02-01".to_owned()),
            ]
        };
        let post = |fields: Vec<(&'static str, String)>| {
            let tinh = &tinh;
            async move {
                let pairs: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                tinh.form("/models", &pairs).await
            }
        };
        // By name without diacritics.
        let r = post(model("Tổ tự quản bến sông", ascii(&ward.unit.name))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let first = location(&r);
        let first_id: i64 = first.rsplit('/').next().unwrap().parse().unwrap();
        let rated = tinh
            .write(Method::POST, &format!("/api/v1/models/{first_id}/ratings"), json!({"year": 2026, "rating": "good", "rated_on": "2026-03-01", "rater": "Công an tỉnh", "exemplar": true}))
            .await;
        assert_eq!(rated.status, StatusCode::CREATED, "{l}: {}", rated.body);
        // By the label the suggestions show, and replicating the first by name.
        let label = format!(
            "{}, Tỉnh Ninh Bình ({})",
            ward.unit.name,
            ward.unit.code.clone().unwrap()
        );
        let mut fields = model("Tổ tự quản bến đò", label);
        fields.push(("replicated_from_name", "Tổ tự quản bến sông".to_owned()));
        let r = post(fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let second = tinh.get(&format!("/api/v1{}", location(&r))).await.json();
        assert_eq!(second["replicated_from"], first_id, "{l}: {second}");
        assert_eq!(second["org_unit_id"], app.ward, "{l}");
        // A unit outside the scope, or none, is refused in words; the form keeps what was typed.
        for typed in ["Phường Ba Đình", "không có nơi này"] {
            let r = post(model("Tổ tự quản khác", typed.to_owned())).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {typed}");
            assert!(r.body.contains("không tìm thấy đơn vị"), "{l}: {}", r.body);
            assert!(r.body.contains(typed), "{l}");
        }
        // The edit form names the exemplar, not its id.
        let edit = tinh.get(&format!("/models/{}/edit", second["id"])).await;
        assert!(edit.body.contains("Tổ tự quản bến sông — "), "{l}");
    }
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_says_what_each_action_did() {
    for app in App::all().await {
        let l = app.label();
        let set = monthly(&app).await.to_string();
        let phuong = app.login("phuong").await;
        let ward = app.ward.to_string();
        let key = [
            ("data_set", set.as_str()),
            ("org_unit", ward.as_str()),
            ("period", "2026-04"),
        ];
        let mut fields = key.to_vec();
        fields.extend([
            ("v_tin_bao", "12"),
            ("v_tin_bao_co_gia_tri", "mười"),
            ("c_tin_bao", "đã xác minh"),
        ]);
        let r = phuong.form("/statistics/entry", &fields).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        // Both figures come back as typed; the unreadable one is marked in words.
        assert!(
            r.body.contains("value=\"12\"") && r.body.contains("value=\"mười\""),
            "{l}"
        );
        assert!(r.body.contains("value=\"đã xác minh\""), "{l}");
        assert!(
            r.body
                .contains("aria-invalid=\"true\" aria-describedby=\"e_tin_bao_co_gia_tri\""),
            "{l}"
        );
        assert!(
            !r.body.contains("<code>value</code>"),
            "{l}: a field's code shown"
        );
        let saved = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={ward}&period=2026-04"
            ))
            .await
            .json();
        let tin_bao = saved["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["code"] == "tin_bao")
            .unwrap()
            .clone();
        assert!(
            tin_bao["value"].is_null(),
            "{l}: nothing written: {tin_bao}"
        );
        // Saved, then submitted: each step says so on the page it leads to.
        let mut fields = key.to_vec();
        fields.push(("v_tin_bao", "12"));
        let r = phuong.form("/statistics/entry", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let mut fields = key.to_vec();
        fields.push(("action", "submit"));
        let r = phuong.form("/statistics/approval", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let to = location(&r);
        assert!(to.ends_with("&done=submit"), "{l}: {to}");
        let page = phuong.get(&to).await;
        assert!(page.body.contains("Đã nộp báo cáo."), "{l}");
    }
}
