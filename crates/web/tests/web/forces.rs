//! Security teams: a team set up in a village, members recognised, one
//! refused then overridden (audited), bad input refused with nothing
//! written, the national ID sealed and masked, a member moving village
//! keeping their record, size rules and households, and the counts by
//! area in both views of the 2025 reform.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn village(admin: &Client<'_>, parent: i64, name: &str) -> i64 {
    let r = admin
        .write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "thon", "name": name, "parent_id": parent, "valid_from": "2025-07-01"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

async fn team(c: &Client<'_>, unit: i64) -> (StatusCode, Value) {
    let r = c
        .write(Method::POST, "/api/v1/security-teams", json!({"org_unit_id": unit, "established_on": "2025-08-01", "decision_no": "15/QĐ-UBND", "decision_on": "2025-07-30", "decision_signer": "Chủ tịch UBND phường"}))
        .await;
    (r.status, r.json())
}

/// A member's body: eligible unless the caller changes it.
fn member(name: &str, birth: &str, role: &str) -> Value {
    json!({
        "person": {"full_name": name, "birth_date": birth, "phone": "0912 345 678", "schooling": "upper_secondary"},
        "role": role,
        "start_on": "2025-09-01",
        "decision_no": "20/QĐ-UBND",
        "resident_since": "2010-01-01",
        "health_certified_on": "2025-08-15",
        "no_sanction": true
    })
}

async fn add(c: &Client<'_>, team: i64, body: Value) -> (StatusCode, Value) {
    let r = c
        .write(
            Method::POST,
            &format!("/api/v1/security-teams/{team}/members"),
            body,
        )
        .await;
    (r.status, r.json())
}

async fn members_count(c: &Client<'_>, team: i64) -> usize {
    let r = c
        .get(&format!("/api/v1/security-teams/{team}/members?all=true"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_team_and_its_members_from_setup_to_a_move() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        let tinh = app.login("tinh").await;
        let v1 = village(&admin, app.ward, "Tổ dân phố Lực Lượng 1").await;
        let v2 = village(&admin, app.ward, "Tổ dân phố Lực Lượng 2").await;

        // Set up: the commune officer; a second team in the village needs a decision.
        let (s, t1) = team(&phuong, v1).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {t1}");
        assert_eq!(t1["name"], "Tổ bảo vệ ANTT Tổ dân phố Lực Lượng 1", "{l}");
        let t1 = t1["id"].as_i64().unwrap();
        let (s, body) = team(&phuong, v1).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "team_exists", "{l}");
        // A commune is not a village; a team before Law 30 is an older force.
        let (s, body) = team(&phuong, app.ward).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}: {body}");
        let r = phuong
            .write(
                Method::POST,
                "/api/v1/security-teams",
                json!({"org_unit_id": v2, "established_on": "2024-03-01", "decision_no": "1"}),
            )
            .await;
        assert_eq!(r.json()["error"]["reason"], "force_not_in_force", "{l}");
        // Outside the scope: as if it did not exist.
        let khac = app.login("khac").await;
        let (s, _) = team(&khac, v2).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{l}");

        // Members: a leader with a national ID, sealed and masked.
        let mut leader = member("Nguyễn Văn An", "1975-04-02", "to_truong");
        leader["person"]["national_id"] = json!("036075001234");
        let (s, a) = add(&phuong, t1, leader.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {a}");
        assert_eq!(a["member"]["national_id_masked"], "••••••••1234", "{l}");
        assert!(!a.to_string().contains("036075001234"), "{l}");
        let person = a["member"]["person_id"].as_i64().unwrap();
        assert!(
            a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["passed"] == true),
            "{l}: {a}"
        );
        // The same person cannot serve twice.
        let (s, body) = add(&phuong, t1, json!({"person_id": person, "role": "to_vien", "start_on": "2025-09-02", "decision_no": "21", "resident_since": "2010-01-01", "health_certified_on": "2025-08-15", "no_sanction": true})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "member_active_elsewhere", "{l}");

        // Refused: under 18 (never overridable), and a failed check with no reason.
        let (s, body) = add(&phuong, t1, member("Trẻ Quá", "2009-01-01", "to_vien")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "under_age_not_overridable", "{l}");
        let mut low = member("Lê Thị Bình", "1990-06-01", "to_vien");
        low["person"]["schooling"] = json!("primary");
        let (s, body) = add(&phuong, t1, low.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "member_not_eligible", "{l}");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("Trình độ học vấn") && msg.contains("Trung học cơ sở"),
            "{l}: {msg}"
        );
        // Bad input: an end before the start, an unknown role.
        let mut bad = member("Sai Ngày", "1980-01-01", "to_vien");
        bad["role"] = json!("doi_truong");
        assert_eq!(
            add(&phuong, t1, bad).await.0,
            StatusCode::BAD_REQUEST,
            "{l}"
        );
        // Nothing of the refusals was written (no people either).
        assert_eq!(members_count(&phuong, t1).await, 1, "{l}");
        let people = admin.get("/api/v1/audit?entity=person").await.json();
        assert_eq!(
            people["items"].as_array().unwrap().len(),
            1,
            "{l}: {people}"
        );

        // Overridden with a reason: recognised, audited.
        low["override_reason"] = json!("Thôn vùng sâu, đã học bổ túc; UBND phường đồng ý");
        let (s, b) = add(&phuong, t1, low).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {b}");
        assert_eq!(
            b["member"]["override_reason"], "Thôn vùng sâu, đã học bổ túc; UBND phường đồng ý",
            "{l}"
        );
        let binh = b["member"]["id"].as_i64().unwrap();
        let audit = admin
            .get(&format!(
                "/api/v1/audit?entity=team_member&entity_id={binh}"
            ))
            .await;
        assert!(
            audit.body.contains("override_reason") && audit.body.contains("overridden"),
            "{l}: {}",
            audit.body
        );
        // Marked a mountain area, primary schooling suffices: checked again, it passes.
        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/org-units/{v1}/area-marks"),
                json!({"marks": ["mountain"]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let r = phuong
            .get(&format!(
                "/api/v1/security-teams/{t1}/members/{binh}/eligibility?on=2026-01-10"
            ))
            .await;
        assert!(
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["passed"] == true),
            "{l}: {}",
            r.body
        );
        // The leader reaches 71 in 2046: the check on that day says so.
        let leader_member = a["member"]["id"].as_i64().unwrap();
        let r = phuong
            .get(&format!(
                "/api/v1/security-teams/{t1}/members/{leader_member}/eligibility?on=2046-06-01"
            ))
            .await;
        let age = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule"] == "age")
            .cloned()
            .unwrap();
        assert_eq!(age["passed"], false, "{l}: {age}");

        // The whole number: the province's staff only, on the person's page.
        let p = tinh.get(&format!("/api/v1/people/{person}")).await;
        assert_eq!(p.json()["national_id"], "036075001234", "{l}: {}", p.body);
        for c in [&phuong, &admin] {
            let p = c.get(&format!("/api/v1/people/{person}")).await;
            assert_eq!(p.status, StatusCode::OK, "{l}");
            assert!(p.json()["national_id"].is_null(), "{l}: {}", p.body);
            assert!(!p.body.contains("036075001234"), "{l}");
        }
        assert_eq!(
            khac.get(&format!("/api/v1/people/{person}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        // Nor in the audit log.
        let audit = admin.get("/api/v1/audit?entity=person").await;
        assert!(!audit.body.contains("036075001234"), "{l}");

        // Moving village: ended in one team, recognised in the other by
        // the same number; one record, both memberships in its history.
        let r = phuong
            .write(
                Method::POST,
                &format!("/api/v1/security-teams/{t1}/members/{leader_member}/end"),
                json!({"end_on": "2025-08-01", "reason": "moved"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: end before start: {}",
            r.body
        );
        let r = phuong
            .write(
                Method::POST,
                &format!("/api/v1/security-teams/{t1}/members/{leader_member}/end"),
                json!({"end_on": "2025-12-31", "reason": "moved"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let (_, t2) = team(&phuong, v2).await;
        let t2 = t2["id"].as_i64().unwrap();
        let mut moved = leader.clone();
        moved["start_on"] = json!("2026-01-05");
        moved["role"] = json!("to_pho");
        let (s, m) = add(&phuong, t2, moved.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {m}");
        assert_eq!(m["person_reused"], true, "{l}");
        assert_eq!(m["member"]["person_id"], person, "{l}");
        let p = phuong.get(&format!("/api/v1/people/{person}")).await.json();
        assert_eq!(p["memberships"].as_array().unwrap().len(), 2, "{l}: {p}");
        // The same number under another name is refused.
        let mut other = moved;
        other["person"]["full_name"] = json!("Người Khác");
        other["person"]["national_id"] = json!("036075001234");
        let (s, body) = add(&phuong, t1, other).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "national_id_taken", "{l}");

        // Size: Ninh Bình's rule (3 to 5; 4 under 350 households) by its staff.
        let r = phuong
            .write(Method::POST, "/api/v1/team-size-rules", json!({"province_id": app.ninh_binh, "from_date": "2025-07-01", "min_members": 3, "max_members": 5, "small_households": 350, "small_max_members": 4, "decision_ref": "25/2025/QĐ-UBND"}))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = tinh
            .write(Method::POST, "/api/v1/team-size-rules", json!({"province_id": app.ninh_binh, "from_date": "2025-07-01", "min_members": 3, "max_members": 5, "small_households": 350, "small_max_members": 4, "decision_ref": "25/2025/QĐ-UBND"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let r = tinh
            .write(Method::POST, "/api/v1/team-size-rules", json!({"province_id": app.ba_dinh, "from_date": "2025-07-01", "min_members": 3, "max_members": 5, "decision_ref": "x"}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: another province's");
        let t1_now = phuong
            .get(&format!("/api/v1/security-teams/{t1}"))
            .await
            .json();
        assert_eq!(t1_now["team"]["members"], 1, "{l}: {t1_now}");
        assert_eq!(t1_now["team"]["size"], "too_few", "{l}");
        // Five in t2 with 300 households: too many.
        for (i, name) in ["Phạm Văn C", "Trần Văn D", "Hoàng Văn E", "Vũ Văn G"]
            .iter()
            .enumerate()
        {
            let (s, b) = add(&phuong, t2, json!({
                "person": {"full_name": name, "birth_date": format!("198{i}-02-03"), "schooling": "lower_secondary"},
                "role": "to_vien", "start_on": "2026-01-06", "decision_no": "30/QĐ-UBND",
                "resident_since": "2000-01-01", "health_certified_on": "2025-12-01", "no_sanction": true
            })).await;
            assert_eq!(s, StatusCode::CREATED, "{l}: {b}");
        }
        let r = phuong
            .write(
                Method::PUT,
                &format!("/api/v1/org-units/{v2}/households"),
                json!({"year": 2026, "households": 300}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let list = phuong
            .get(&format!(
                "/api/v1/security-teams?org_unit={}&size=too_many&as_of=2026-02-01",
                app.ward
            ))
            .await
            .json();
        assert_eq!(list["total"], 1, "{l}: {list}");
        assert_eq!(list["items"][0]["id"], t2, "{l}");

        // The counts: the province's communes as they are now; the ward's row.
        let s = tinh
            .get(&format!(
                "/api/v1/forces-summary?org_unit={}&as_of=2026-02-01",
                app.ninh_binh
            ))
            .await;
        assert_eq!(s.status, StatusCode::OK, "{l}: {}", s.body);
        let s = s.json();
        let row = s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_unit_id"] == app.ward)
            .cloned()
            .unwrap();
        assert_eq!(row["teams"], 2, "{l}: {row}");
        assert_eq!(row["members"], 6, "{l}: {row}");
        assert_eq!(row["leaders"], 0, "{l}: {row}");
        assert_eq!(row["deputies"], 1, "{l}: {row}");
        assert_eq!(row["teams_too_few"], 1, "{l}: {row}");
        assert_eq!(row["teams_too_many"], 1, "{l}: {row}");
        assert_eq!(row["villages"], 2, "{l}: {row}");
        assert_eq!(row["villages_without_team"], 0, "{l}: {row}");
        assert_eq!(s["totals"]["teams"], 2, "{l}");
        // The national count by province, and the list agree.
        let n = admin
            .get("/api/v1/forces-summary?as_of=2026-02-01")
            .await
            .json();
        let nb = n["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_unit_id"] == app.ninh_binh)
            .cloned()
            .unwrap();
        assert_eq!(
            (nb["teams"].clone(), nb["members"].clone()),
            (json!(2), json!(6)),
            "{l}: {nb}"
        );
        // The monthly report counts them itself: February 2026 ends on
        // the 14th, and its figures are the register's on that day.
        let set = admin.data_set("bao_cao_thang").await;
        let form = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2026-02",
                app.ward
            ))
            .await
            .json();
        let figure = |code: &str| {
            let v = form["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["code"] == code)
                .cloned()
                .unwrap();
            assert_eq!(v["origin"], "register", "{l}: {v}");
            v["value"].clone()
        };
        let on_last = admin
            .get(&format!(
                "/api/v1/forces-summary?org_unit={}&as_of=2026-02-14",
                app.ward
            ))
            .await
            .json();
        assert_eq!(figure("so_to"), json!(2.0), "{l}");
        assert_eq!(
            figure("so_thanh_vien").as_f64(),
            on_last["totals"]["members"].as_f64(),
            "{l}: {on_last}"
        );
        // As it was on 1 October 2025: both teams, the leader and Bình.
        let was = admin
            .get(&format!(
                "/api/v1/forces-summary?org_unit={}&as_of=2025-10-01&view=as_was",
                app.ninh_binh
            ))
            .await
            .json();
        assert_eq!(was["totals"]["teams"], 2, "{l}: {}", was["totals"]);
        assert_eq!(was["totals"]["members"], 2, "{l}: {}", was["totals"]);
        assert_eq!(was["totals"]["leaders"], 1, "{l}: {}", was["totals"]);
        // A day before the team existed: none.
        let before = admin
            .get(&format!(
                "/api/v1/forces-summary?org_unit={}&as_of=2025-07-20",
                app.ninh_binh
            ))
            .await
            .json();
        assert_eq!(before["totals"]["teams"], 0, "{l}: {}", before["totals"]);
        assert_eq!(
            before["totals"]["villages_without_team"], 2,
            "{l}: {}",
            before["totals"]
        );

        // The list as a file.
        let x = phuong
            .get(&format!(
                "/api/v1/security-teams?org_unit={}&format=xlsx",
                app.ward
            ))
            .await;
        assert_eq!(x.status, StatusCode::OK, "{l}");
        assert!(x.bytes.starts_with(b"PK"), "{l}");

        // Dissolving ends the team and its memberships.
        let r = phuong
            .write(
                Method::POST,
                &format!("/api/v1/security-teams/{t1}/dissolve"),
                json!({"ended_on": "2026-03-01", "reason": "Sáp nhập thôn"}),
            )
            .await;
        let today = domain::time::today().to_string();
        if today.as_str() >= "2026-03-01" {
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
            let m = phuong
                .get(&format!("/api/v1/security-teams/{t1}/members?all=true"))
                .await
                .json();
            assert!(
                m["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|x| !x["end_on"].is_null()),
                "{l}: {m}"
            );
        }
        // Viewers and partners read, never write.
        let lanhdao = app.login("lanhdao").await;
        assert_eq!(team(&lanhdao, v2).await.0, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(
            lanhdao
                .get(&format!("/api/v1/security-teams/{t2}"))
                .await
                .status,
            StatusCode::OK,
            "{l}"
        );
    }
}

fn location(r: &crate::harness::Res) -> String {
    r.headers[axum::http::header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The same journey through the pages an officer uses: a team set up by
/// its village's name, a member refused for schooling, the refusal shown
/// with the override asked for, then recognised with a reason; the
/// checks, the person's page, ending the membership, the village's marks
/// and households, a size rule, and the dashboard's matrix.
#[tokio::test]
async fn the_pages_set_up_a_team_refuse_then_override_a_member() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        let tinh = app.login("tinh").await;
        let v = village(&admin, app.ward, "Tổ dân phố Trang Một").await;

        let r = phuong.get("/security-teams/new").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let r = phuong
            .form(
                "/security-teams",
                &[
                    ("org_unit_id", &v.to_string()),
                    ("established_on", "2025-08-01"),
                    ("decision_no", "15/QĐ-UBND"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let team_page = location(&r);
        let r = phuong.get(&team_page).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(
            r.body.contains("Tổ bảo vệ ANTT Tổ dân phố Trang Một"),
            "{l}"
        );
        // A second one in the same village is refused beside the form.
        let again = phuong
            .form(
                "/security-teams",
                &[
                    ("org_unit_id", &v.to_string()),
                    ("established_on", "2025-08-01"),
                    ("decision_no", "16"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(again.body.contains("role=\"alert\""), "{l}");

        // Refused: primary schooling in an unmarked village.
        let members = format!("{team_page}/members");
        let mut fields = vec![
            ("full_name", "Trần Văn Cường"),
            ("birth_date", "1985-03-04"),
            ("schooling", "primary"),
            ("national_id", "036085004321"),
            ("role", "to_vien"),
            ("start_on", "2025-09-01"),
            ("decision_no", "20/QĐ-UBND"),
            ("resident_since", "2000-01-01"),
            ("health_certified_on", "2025-08-15"),
            ("no_sanction", "true"),
        ];
        let refused = phuong.form(&members, &fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(refused.body.contains("Trình độ học vấn"), "{l}");
        assert!(refused.body.contains("name=\"override_reason\""), "{l}");
        assert!(refused.body.contains("Trần Văn Cường"), "{l}: kept");
        assert!(!refused.body.contains("036085004321"), "{l}: never echoed");
        // Recognised with a reason: the checks shown, the override noted.
        fields.push(("override_reason", "Thôn thiếu người, đang học bổ túc"));
        let r = phuong.form(&members, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let checked = location(&r);
        assert!(checked.contains("added=1&check="), "{l}: {checked}");
        let r = phuong.get(&checked).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Thôn thiếu người"), "{l}");
        assert!(r.body.contains("••••••••4321"), "{l}");
        let person = r
            .body
            .split("href=\"/people/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let p = phuong.get(&format!("/people/{person}")).await;
        assert_eq!(p.status, StatusCode::OK, "{l}");
        assert!(p.body.contains("••••••••4321"), "{l}");
        assert!(
            !p.body.contains("036085004321"),
            "{l}: commune officers see it masked"
        );
        let p = tinh.get(&format!("/people/{person}")).await;
        assert!(
            p.body.contains("036085004321"),
            "{l}: province staff see it whole"
        );

        // Ending the membership: a bad date is refused beside its form.
        let member_id = checked.rsplit('=').next().unwrap();
        let end = format!("{members}/{member_id}/end");
        let r = phuong
            .form(&end, &[("end_on", "2025-01-01"), ("reason", "moved")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("role=\"alert\""), "{l}");
        let r = phuong
            .form(&end, &[("end_on", "2025-12-01"), ("reason", "moved")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = phuong.get(&team_page).await;
        assert!(r.body.contains("Chuyển nơi cư trú"), "{l}: a former member");

        // The village's marks and households, from its page.
        let r = phuong
            .form(
                &format!("/org-units/{v}/area-marks"),
                &[("marks", "mountain"), ("marks", "minority")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = phuong
            .form(
                &format!("/org-units/{v}/households"),
                &[("year", "2026"), ("households", "320")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let unit = phuong.get(&format!("/org-units/{v}")).await;
        assert!(unit.body.contains("Miền núi"), "{l}");
        assert!(unit.body.contains("id=\"forces\""), "{l}");

        // A size rule, by the province's name; then the dashboard.
        let r = tinh.get("/team-size-rules").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let r = tinh
            .form(
                "/team-size-rules",
                &[
                    ("province", "37"),
                    ("from_date", "2024-07-01"),
                    ("min_members", "3"),
                    ("max_members", "5"),
                    ("small_households", "350"),
                    ("small_max_members", "4"),
                    ("decision_ref", "12/2024/QĐ-UBND"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = phuong.get(&format!("/forces?org_unit={}", app.ward)).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Tổ dân phố Trang Một"), "{l}");
        let r = phuong.get("/security-teams?size=too_few").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Trang Một"), "{l}: no member left, too few");
    }
}

/// A CSV of the roster file's columns: one row per member.
fn roster_csv(rows: &[[&str; 14]]) -> Vec<u8> {
    let mut s: String = domain::forces::roster_file::COLUMNS
        .iter()
        .map(|(_, h, _)| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(",");
    s.push('\n');
    for r in rows {
        let quoted: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        s.push_str(&quoted.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

/// The part-time police of legacy Vị Xuyên, 2019 to June 2024, from a
/// file: previewed, confirmed, counted by the monthly report of its
/// months; the same file again, and a file with bad rows, write nothing.
#[tokio::test]
async fn historical_rosters_import_from_a_file_all_or_nothing() {
    for app in App::all().await {
        let l = app.label();
        let phuong = app.login("phuong").await;
        let member = |name, birth, role, end| {
            [
                "",
                "13636",
                "",
                "Phường Vị Xuyên",
                "Công an xã bán chuyên trách",
                "",
                "01/01/2019",
                "30/06/2024",
                "05/QĐ-UBND",
                name,
                birth,
                role,
                "",
                end,
            ]
        };
        let file = roster_csv(&[
            member("Trương Văn Bình", "12/05/1975", "Tổ trưởng", ""),
            member("Lương Văn Toàn", "1980-02-02", "", ""),
            member("Mai Thị Hằng", "03/03/1985", "to_vien", "31/12/2022"),
        ]);
        let uri = "/api/v1/security-teams/import";
        let preview = phuong
            .upload(&format!("{uri}?dry_run=true"), "ds.csv", &file)
            .await;
        assert_eq!(preview.status, StatusCode::OK, "{l}: {}", preview.body);
        let p = preview.json();
        assert_eq!(p["new"], 3, "{l}: {p}");
        let digest = p["digest"].as_str().unwrap().to_string();
        let written = phuong
            .upload(&format!("{uri}?confirm={digest}"), "ds.csv", &file)
            .await;
        assert_eq!(written.status, StatusCode::CREATED, "{l}: {}", written.body);
        // The roster is closed, its members with it.
        let list = phuong
            .get(&format!(
                "/api/v1/security-teams?org_unit={}&as_of=2023-06-01&force=cong_an_xa_ban_chuyen_trach",
                app.vi_xuyen
            ))
            .await
            .json();
        assert_eq!(list["total"], 1, "{l}: {list}");
        let team = &list["items"][0];
        assert_eq!(team["members"], 2, "{l}: Hằng left at the end of 2022");
        assert_eq!(team["ended_on"], "2024-06-30", "{l}");
        // The monthly report of March 2024 counts it for legacy Vị Xuyên.
        let set = phuong.data_set("bao_cao_thang").await;
        let form = phuong
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period=2024-03",
                app.vi_xuyen
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
        assert_eq!(value("so_to"), json!(1.0), "{l}: {form}");
        assert_eq!(value("so_thanh_vien"), json!(2.0), "{l}");
        // The same roster again is refused, row by row; nothing written.
        let again = phuong.upload(uri, "ds.csv", &file).await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            again.body
        );
        assert!(again.body.contains("đã có trong sổ"), "{l}: {}", again.body);
        // Law 30's teams, a roster ending after June 2024 and a village
        // named as the part-time police's unit: each row says why.
        let bad = roster_csv(&[
            [
                "",
                "13636",
                "",
                "",
                "Tổ bảo vệ ANTT",
                "",
                "01/01/2019",
                "30/06/2024",
                "",
                "A",
                "1970-01-01",
                "",
                "",
                "",
            ],
            [
                "",
                "13636",
                "",
                "",
                "Dân phòng",
                "",
                "01/01/2020",
                "31/12/2024",
                "",
                "B",
                "1970-01-01",
                "",
                "",
                "",
            ],
            [
                "",
                "13636",
                "",
                "",
                "Dân phòng",
                "",
                "01/01/2020",
                "30/06/2024",
                "",
                "C",
                "1970-01-01",
                "",
                "",
                "",
            ],
        ]);
        let r = phuong.upload(uri, "bad.csv", &bad).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{l}: {}",
            r.body
        );
        let rows: Vec<i64> = r.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["row"].as_i64().unwrap())
            .collect();
        assert_eq!(rows, [2, 3, 4], "{l}: {}", r.body);
        let after = phuong
            .get(&format!(
                "/api/v1/security-teams?org_unit={}&as_of=2023-06-01&force=dan_phong",
                app.vi_xuyen
            ))
            .await
            .json();
        assert_eq!(after["total"], 0, "{l}");
        // Viewers cannot import.
        let lanhdao = app.login("lanhdao").await;
        assert_eq!(
            lanhdao.upload(uri, "ds.csv", &file).await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        // The page previews, then confirms.
        let page = phuong.get("/security-teams/import").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
    }
}
