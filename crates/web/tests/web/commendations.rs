//! Commendations: the ward records its own committee's Giấy khen to an
//! individual and proposes the province's Bằng khen for itself (recording
//! it is refused: a commune proposes); a recipient outside its scope and a
//! form at a level that does not give it are refused, nothing written;
//! the province approves one proposal and refuses another; the year's
//! proposals, the recipient's history, the counts by area in both views of
//! the 2025 reform, and the monthly report's computed figures follow.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

async fn total(c: &Client<'_>, uri: &str) -> i64 {
    c.get(uri).await.json()["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_commune_proposes_the_province_decides_and_the_figures_follow() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let list = "/api/v1/commendations";

        // The ward's own committee's Giấy khen to an individual: recorded.
        let (s, person) = post(&phuong, list, json!({"form": "giay_khen", "level": "ubnd_xa", "reason": "Phát hiện, tố giác tội phạm", "recipient_kind": "person", "person_name": "Trần Văn Bình", "person_role": "Tổ trưởng tổ bảo vệ ANTT", "org_unit_id": app.ward, "decision": "12/QĐ-UBND", "decided_on": "2026-03-05"})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {person}");
        assert_eq!(person["state"], "approved", "{l}");
        // The province's Bằng khen: the ward proposes it, cannot record it.
        let bang_khen = json!({"form": "bang_khen", "level": "ubnd_tinh", "year": 2026, "reason": "Dẫn đầu phong trào năm 2026", "recipient_kind": "unit", "recipient_id": app.ward});
        let mut decided = bang_khen.clone();
        decided["decided_on"] = json!("2026-03-05");
        let (s, e) = post(&phuong, list, decided).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::FORBIDDEN, Some("commendation_level_not_yours")),
            "{l}: {e}"
        );
        let (s, proposal) = post(&phuong, list, bang_khen.clone()).await;
        assert_eq!(
            (s, proposal["state"].as_str()),
            (StatusCode::CREATED, Some("proposed")),
            "{l}: {proposal}"
        );
        let (_, second) = post(&phuong, list, json!({"form": "giay_khen", "level": "cong_an_tinh", "reason": "Tham gia tuần tra", "recipient_kind": "unit", "recipient_id": app.ward})).await;

        // Refused, nothing written: another province's unit, a form at a
        // level that does not give it, the province's decision by a commune.
        let before = total(&tinh, list).await;
        let mut outside = bang_khen.clone();
        outside["recipient_id"] = json!(app.ba_dinh);
        let (s, e) = post(&phuong, list, outside).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (
                StatusCode::BAD_REQUEST,
                Some("commendation_recipient_outside")
            ),
            "{l}: {e}"
        );
        let mut medal = bang_khen.clone();
        medal["form"] = json!("ky_niem_chuong");
        let (s, e) = post(&phuong, list, medal).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("level")),
            "{l}: {e}"
        );
        assert_eq!(total(&tinh, list).await, before, "{l}");
        let decide = |id: &Value| format!("/api/v1/commendations/{id}/decision");
        let approve =
            json!({"decision": "approve", "decided_on": "2026-03-06", "number": "150/QĐ-UBND"});
        assert_eq!(
            post(&phuong, &decide(&proposal["id"]), approve.clone())
                .await
                .0,
            StatusCode::FORBIDDEN,
            "{l}"
        );

        // The province's year of proposals: two waiting; one approved, one
        // refused with its reason; a decided one is not decided again.
        assert_eq!(
            total(&tinh, "/api/v1/commendations?state=proposed&year=2026").await,
            2,
            "{l}"
        );
        let (s, ok) = post(&tinh, &decide(&proposal["id"]), approve.clone()).await;
        assert_eq!(
            (s, ok["state"].as_str()),
            (StatusCode::OK, Some("approved")),
            "{l}: {ok}"
        );
        assert_eq!(
            post(&tinh, &decide(&proposal["id"]), approve).await.0,
            StatusCode::CONFLICT,
            "{l}"
        );
        let (s, e) = post(&tinh, &decide(&second["id"]), json!({"decision": "refuse"})).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("reason")),
            "{l}: {e}"
        );
        let (_, no) = post(
            &tinh,
            &decide(&second["id"]),
            json!({"decision": "refuse", "reason": "Chưa đủ tiêu chuẩn"}),
        )
        .await;
        assert_eq!(
            (no["state"].as_str(), no["refusal"].as_str()),
            (Some("refused"), Some("Chưa đủ tiêu chuẩn")),
            "{l}: {no}"
        );
        assert_eq!(
            total(&tinh, "/api/v1/commendations?state=proposed&year=2026").await,
            0,
            "{l}"
        );
        // The ward's history: its Bằng khen and the refused proposal.
        let history = format!(
            "/api/v1/commendations?recipient_kind=unit&recipient_id={}",
            app.ward
        );
        assert_eq!(total(&phuong, &history).await, 2, "{l}");
        // Another province's officer sees none of it.
        let khac = app.login("khac").await;
        assert_eq!(
            khac.get(&format!("/api/v1/commendations/{}", person["id"]))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        // The counts by area, in both views: one collective, one individual.
        for view in ["as_now", "as_was"] {
            let s = tinh
                .get(&format!(
                    "/api/v1/commendations/summary?from_year=2026&to_year=2026&view={view}"
                ))
                .await
                .json();
            let t = &s["totals"];
            assert_eq!(
                (
                    t["total"].as_i64(),
                    t["collective"].as_i64(),
                    t["individual"].as_i64()
                ),
                (Some(2), Some(1), Some(1)),
                "{l} {view}: {s}"
            );
            assert_eq!(
                (
                    t["forms"]["bang_khen"].as_i64(),
                    t["levels"]["ubnd_xa"].as_i64()
                ),
                (Some(1), Some(1)),
                "{l} {view}"
            );
            let rows: i64 = s["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["total"].as_i64().unwrap())
                .sum();
            assert_eq!(
                rows + s["by_area_itself"]["total"].as_i64().unwrap(),
                2,
                "{l} {view}: {s}"
            );
        }
        // The monthly report computes them: no double entry.
        let set = tinh.data_set("bao_cao_thang").await;
        let form = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-03",
                app.ward
            ))
            .await
            .json();
        let value = |code: &str| {
            form["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["code"] == code)
                .map(|v| v["value"].clone())
                .unwrap()
        };
        assert_eq!(
            (value("khen_tap_the"), value("khen_ca_nhan")),
            (json!(1.0), json!(1.0)),
            "{l}: {form}"
        );

        // The pages: the list, the form kept after a refusal, the summary.
        assert_eq!(
            tinh.get("/commendations?state=approved").await.status,
            StatusCode::OK,
            "{l}"
        );
        let r = phuong
            .form(
                "/commendations",
                &[
                    ("form", "bang_khen"),
                    ("level", "ubnd_tinh"),
                    ("recipient_kind", "unit"),
                    ("unit", "Phường Nam Định"),
                    ("reason", "Thành tích giữ lại"),
                    ("decided_on", "2026-03-05"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        assert!(
            r.body.contains("Thành tích giữ lại"),
            "{l}: the form keeps what was typed"
        );
        let page = tinh.get("/commendations/summary?view=as_was").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("Bằng khen"), "{l}");
    }
}
