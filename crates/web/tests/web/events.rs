//! Events, festivals and pledges: the ward's launch ceremony with its
//! participants by group and a photo whose GPS position is gone once kept;
//! the calendar's files (iCalendar, XLSX) with the tasks due; the ward's
//! festival at two of its groups (a site of another commune refused, a
//! second record of the year refused), the coverage in both views and
//! the monthly report's computed figure; a pledge between two groups
//! (one party refused), assessed year by year.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{jpeg_with_gps, App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

#[tokio::test]
async fn a_launch_a_festival_and_a_pledge_recorded_and_counted() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        let tinh = app.login("tinh").await;
        let khac = app.login("khac").await;
        let mut groups = Vec::new();
        for name in ["Tổ dân phố Sự kiện 1", "Tổ dân phố Sự kiện 2"] {
            let r = admin.write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "to_dan_pho", "name": name, "parent_id": app.ward, "valid_from": "2025-07-01"})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            groups.push(r.json()["id"].as_i64().unwrap());
        }
        let r = admin.write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "thon", "name": "Thôn Hà Nội", "parent_id": app.ba_dinh, "valid_from": "2025-07-01"})).await;
        let elsewhere = r.json()["id"].as_i64().unwrap();

        // The ward's launch: participants by group; a photo kept without
        // its GPS position.
        let (s, e) = post(&phuong, "/api/v1/events", json!({"kind": "le_phat_dong", "title": "Lễ phát động phong trào năm 2026", "org_unit_id": app.ward, "starts_on": "2026-03-20", "place": "Nhà văn hóa phường", "participants": [{"group": "nhan_dan", "count": 250}, {"group": "doan_vien", "count": 60}]})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {e}");
        assert_eq!(e["event"]["participants"], 310, "{l}");
        let id = e["event"]["id"].as_i64().unwrap();
        let (s, bad) = post(&phuong, "/api/v1/events", json!({"kind": "le_phat_dong", "title": "X", "org_unit_id": app.ba_dinh, "starts_on": "2026-03-20"})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{l}: {bad}");
        let photos = format!("/api/v1/events/{id}/photos");
        let r = phuong
            .upload(&photos, "le-phat-dong.jpg", &jpeg_with_gps())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let photo = r.json()["id"].as_i64().unwrap();
        let got = phuong.get(&format!("{photos}/{photo}")).await;
        assert_eq!(got.status, StatusCode::OK, "{l}");
        assert!(
            !String::from_utf8_lossy(&got.bytes).contains("GPS"),
            "{l}: the position is gone"
        );
        assert!(
            got.bytes.ends_with(&[0x12, 0x34, 0xFF, 0xD9]),
            "{l}: the image is kept"
        );
        let r = phuong.upload(&photos, "ghi-chu.txt", b"not a photo").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert_eq!(
            khac.get(&format!("/api/v1/events/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        // The calendar's files, with a task due in the span.
        let (s, _) = post(&tinh, "/api/v1/directives", json!({"org_unit_id": app.ninh_binh, "subject": "Chuẩn bị Ngày hội", "issued_on": "2026-03-01", "tasks": [{"title": "Báo cáo kế hoạch Ngày hội", "due_on": "2026-03-25", "expects": "text", "owners": [app.ward]}]})).await;
        assert_eq!(s, StatusCode::CREATED, "{l}");
        let ics = phuong
            .get("/api/v1/events?from=2026-03-01&to=2026-03-31&tasks=true&format=ics")
            .await;
        assert_eq!(ics.status, StatusCode::OK, "{l}");
        assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\n"), "{l}");
        assert!(
            ics.body.contains("DTSTART;VALUE=DATE:20260320\r\n"),
            "{l}: {}",
            ics.body
        );
        assert!(ics.body.contains("Báo cáo kế hoạch Ngày hội"), "{l}");
        let xlsx = phuong
            .get("/api/v1/events?from=2026-03-01&to=2026-03-31&tasks=true&format=xlsx")
            .await;
        assert!(xlsx.bytes.starts_with(b"PK"), "{l}");
        assert_eq!(
            phuong.get("/api/v1/events?format=pdf").await.status,
            StatusCode::BAD_REQUEST,
            "{l}"
        );
        let cal = phuong.get("/events/calendar?month=2026-03").await;
        assert!(
            cal.body.contains("Lễ phát động phong trào năm 2026")
                && cal.body.contains("Báo cáo kế hoạch Ngày hội"),
            "{l}"
        );

        // The festival: at the ward's two groups; another commune's village
        // refused; one record a year.
        let festival = json!({"org_unit_id": app.ward, "held_on": "2026-08-19", "sites": groups, "participants": 800, "budget": 20_000_000, "activities": "Văn nghệ, thi tìm hiểu pháp luật"});
        let mut outside = festival.clone();
        outside["sites"] = json!([groups[0], elsewhere]);
        let (s, e) = post(&phuong, "/api/v1/festivals", outside).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::BAD_REQUEST, Some("festival_sites_outside")),
            "{l}: {e}"
        );
        let (s, f) = post(&phuong, "/api/v1/festivals", festival.clone()).await;
        assert_eq!(
            (s, f["sites"].as_i64()),
            (StatusCode::CREATED, Some(2)),
            "{l}: {f}"
        );
        assert_eq!(
            post(&phuong, "/api/v1/festivals", festival).await.0,
            StatusCode::CONFLICT,
            "{l}"
        );
        for view in ["as_now", "as_was"] {
            let c = tinh
                .get(&format!(
                    "/api/v1/festivals/coverage?from_year=2025&to_year=2026&view={view}"
                ))
                .await
                .json();
            let last = &c["totals"]["years"][1];
            assert_eq!(
                (
                    last["year"].as_i64(),
                    last["communes"].as_i64(),
                    last["sites"].as_i64()
                ),
                (Some(2026), Some(1), Some(2)),
                "{l} {view}: {c}"
            );
            assert!(
                c["totals"]["communes_total"].as_i64() > Some(100),
                "{l} {view}"
            );
        }
        // The monthly report runs from the 15th to the 14th: 19 August is
        // September's.
        let set = tinh.data_set("bao_cao_thang").await;
        let form = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-09",
                app.ward
            ))
            .await
            .json();
        let sites = form["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["code"] == "diem_ngay_hoi")
            .map(|v| v["value"].clone());
        assert_eq!(sites, Some(json!(2.0)), "{l}: {form}");
        assert_eq!(
            tinh.get("/festivals?view=as_was").await.status,
            StatusCode::OK,
            "{l}"
        );

        // A pledge between the two groups; a party outside its area
        // refused; its items assessed for a year.
        let pledge = |a: i64, b: i64| json!({"title": "Giao ước thi đua giữa hai tổ dân phố", "org_unit_id": app.ward, "starts_on": "2026-01-01", "ends_on": "2027-12-31", "parties": [{"kind": "unit", "id": a, "items": ["Không có tệ nạn ma túy", "Không có trộm cắp"]}, {"kind": "unit", "id": b, "items": ["Không có vi phạm trật tự"]}]});
        let (s, e) = post(&phuong, "/api/v1/pledges", pledge(groups[0], elsewhere)).await;
        assert_eq!(
            (s, e["error"]["reason"].as_str()),
            (StatusCode::BAD_REQUEST, Some("pledge_party_outside")),
            "{l}: {e}"
        );
        let (s, e) = post(&phuong, "/api/v1/pledges", json!({"title": "X", "org_unit_id": app.ward, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "parties": []})).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("parties")),
            "{l}: {e}"
        );
        let (s, g) = post(&phuong, "/api/v1/pledges", pledge(groups[0], groups[1])).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {g}");
        let gid = g["pledge"]["id"].as_i64().unwrap();
        let item = g["parties"][0]["items"][1]["id"].as_i64().unwrap();
        let assess = format!("/api/v1/pledges/{gid}/assessments");
        let (s, a) = post(&phuong, &assess, json!({"item_id": item, "year": 2026, "kept": false, "note": "Xảy ra 1 vụ trộm xe máy"})).await;
        assert_eq!(s, StatusCode::OK, "{l}: {a}");
        assert_eq!(
            a["parties"][0]["items"][1]["assessments"][0]["kept"], false,
            "{l}"
        );
        let (s, e) = post(
            &phuong,
            &assess,
            json!({"item_id": item, "year": 2025, "kept": true}),
        )
        .await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("year")),
            "{l}: {e}"
        );
        assert_eq!(
            khac.get(&format!("/api/v1/pledges/{gid}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            phuong.get(&format!("/pledges/{gid}")).await.status,
            StatusCode::OK,
            "{l}"
        );
        assert_eq!(
            phuong.get(&format!("/events/{id}")).await.status,
            StatusCode::OK,
            "{l}"
        );
    }
}
