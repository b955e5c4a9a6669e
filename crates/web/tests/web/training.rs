//! Training: a course, a class run by the ward, people enrolled (a team
//! member on record and newcomers), the class full, attendance marked
//! all or nothing, results with certificate numbers for those who pass,
//! a person's history with the refresher due; the scope and the roles.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

fn newcomer(name: &str) -> Value {
    json!({"person": {"full_name": name, "birth_date": "1988-05-05"}})
}

#[tokio::test]
async fn a_class_from_enrolment_to_certificates() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;

        // A course: topics with hours; the same name again is refused.
        let course = json!({"name": "Bồi dưỡng nghiệp vụ Tổ bảo vệ ANTT", "topics": [{"topic": "tuan_tra", "hours": 8}, {"topic": "pccc_cnch", "hours": 4}], "refresher_months": 12});
        let (s, c) = post(&tinh, "/api/v1/courses", course.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {c}");
        assert_eq!(c["total_hours"], 12, "{l}");
        let course_id = c["id"].as_i64().unwrap();
        let (s, body) = post(&tinh, "/api/v1/courses", course).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        // Commune officers run classes, not courses.
        let (s, _) = post(&phuong, "/api/v1/courses", json!({"name": "X"})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{l}");

        // A class of three sessions and three places, run by the ward.
        let class = json!({"course_id": course_id, "organiser_unit_id": app.ward, "audience": "team_members", "starts_on": "2026-03-02", "ends_on": "2026-03-04", "place": "Hội trường phường", "capacity": 3});
        let (s, k) = post(&phuong, "/api/v1/classes", class.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {k}");
        assert_eq!(k["sessions"], 3, "{l}");
        assert_eq!(
            k["name"], "Bồi dưỡng nghiệp vụ Tổ bảo vệ ANTT tháng 3/2026",
            "{l}"
        );
        let id = k["id"].as_i64().unwrap();
        // A village does not run classes; another commune is out of scope.
        let mut bad = class.clone();
        bad["organiser_unit_id"] = json!(app.ba_dinh);
        assert_eq!(
            post(&phuong, "/api/v1/classes", bad).await.0,
            StatusCode::NOT_FOUND,
            "{l}"
        );

        // Enrolment: three places; a fourth is refused, and twice too.
        let enrol = format!("/api/v1/classes/{id}/enrolments");
        let mut trainees = Vec::new();
        for name in ["Nguyễn Văn Học", "Trần Thị Chăm", "Lê Văn Vắng"] {
            let (s, e) = post(&phuong, &enrol, newcomer(name)).await;
            assert_eq!(s, StatusCode::CREATED, "{l}: {e}");
            trainees.push((e["id"].as_i64().unwrap(), e["person_id"].as_i64().unwrap()));
        }
        let (s, body) = post(&phuong, &enrol, newcomer("Người Thứ Tư")).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "class_full", "{l}");
        let (s, body) = post(&phuong, &enrol, json!({"person_id": trainees[0].1})).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");

        // Attendance: a mark for someone not enrolled, or a day without a
        // session, refuses the whole batch.
        let marks = format!("/api/v1/classes/{id}/attendance");
        let mark =
            |e: i64, d: &str, p: bool| json!({"enrolment_id": e, "session_on": d, "present": p});
        let (s, body) = post(
            &phuong,
            &marks,
            json!([
                mark(trainees[0].0, "2026-03-02", true),
                mark(999_999, "2026-03-02", true)
            ]),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "not_enrolled", "{l}");
        let (s, body) = post(
            &phuong,
            &marks,
            json!([mark(trainees[0].0, "2026-03-05", true)]),
        )
        .await;
        assert_eq!(body["error"]["reason"], "not_a_session", "{l}: {s}");
        let got = phuong.get(&marks).await.json();
        assert_eq!(
            got["items"].as_array().unwrap().len(),
            0,
            "{l}: nothing written"
        );
        let mut all = Vec::new();
        for (i, (e, _)) in trainees.iter().enumerate() {
            for (d, day) in ["2026-03-02", "2026-03-03", "2026-03-04"]
                .iter()
                .enumerate()
            {
                // The third trainee came once.
                all.push(mark(*e, day, i < 2 || d == 0));
            }
        }
        // A mark sent twice in one batch counts as its last.
        all.insert(0, mark(trainees[2].0, "2026-03-03", true));
        let (s, body) = post(&phuong, &marks, Value::Array(all)).await;
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        assert_eq!(body["written"], 9, "{l}");

        // Results: passes get the ward's next numbers; a good score with
        // one session in three does not pass.
        let result = |e: i64| format!("/api/v1/classes/{id}/enrolments/{e}/result");
        let (s, r) = post(&phuong, &result(trainees[0].0), json!({"score": 8.5})).await;
        assert_eq!(s, StatusCode::OK, "{l}: {r}");
        assert_eq!(r["passed"], true, "{l}");
        assert_eq!(r["certificate_no"], "001/2026/CN-TH", "{l}");
        let (_, r) = post(&phuong, &result(trainees[2].0), json!({"score": 9})).await;
        assert_eq!(
            (r["passed"].clone(), r["certificate_no"].clone()),
            (json!(false), Value::Null),
            "{l}: {r}"
        );
        let (_, r) = post(&phuong, &result(trainees[1].0), json!({"score": 4})).await;
        assert_eq!(r["passed"], false, "{l}");
        let (_, r) = post(&phuong, &result(trainees[1].0), json!({"score": 6})).await;
        assert_eq!(
            r["certificate_no"], "002/2026/CN-TH",
            "{l}: corrected, then passed"
        );
        let (_, r) = post(&phuong, &result(trainees[0].0), json!({"score": 9})).await;
        assert_eq!(
            r["certificate_no"], "001/2026/CN-TH",
            "{l}: a correction keeps the number"
        );
        let (s, _) = post(&phuong, &result(trainees[0].0), json!({"score": 11})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{l}");
        let k = phuong.get(&format!("/api/v1/classes/{id}")).await.json();
        assert_eq!(
            (k["class"]["enrolled"].clone(), k["class"]["passed"].clone()),
            (json!(3), json!(2)),
            "{l}: {k}"
        );

        // The history: the class, the certificate, the refresher a year on.
        let h = phuong
            .get(&format!("/api/v1/people/{}/training", trainees[0].1))
            .await
            .json();
        assert_eq!(
            h["items"][0]["certificate_no"], "001/2026/CN-TH",
            "{l}: {h}"
        );
        assert_eq!(h["items"][0]["refresher_due"], "2027-03-04", "{l}");

        // The summary by area, and the monthly report: March 2026 ends on
        // the 14th, after the class's last day.
        let sum = tinh
            .get(&format!(
                "/api/v1/training-summary?org_unit={}&from=2026-01-01&to=2026-12-31",
                app.ninh_binh
            ))
            .await
            .json();
        assert_eq!(
            (
                sum["totals"]["classes"].clone(),
                sum["totals"]["trainees"].clone(),
                sum["totals"]["passed"].clone()
            ),
            (json!(1), json!(3), json!(2)),
            "{l}: {sum}"
        );
        let row = sum["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_unit_id"] == app.ward)
            .cloned()
            .unwrap();
        assert_eq!(row["trainees"], 3, "{l}: {row}");
        let was = tinh
            .get(&format!(
                "/api/v1/training-summary?org_unit={}&from=2026-01-01&to=2026-12-31&view=as_was",
                app.ninh_binh
            ))
            .await
            .json();
        assert_eq!(was["totals"]["trainees"], 3, "{l}: {was}");
        let admin = app.login("admin").await;
        let national = admin
            .get("/api/v1/training-summary?from=2026-01-01&to=2026-12-31")
            .await
            .json();
        let nb = national["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org_unit_id"] == app.ninh_binh)
            .cloned()
            .unwrap();
        assert_eq!(
            (nb["classes"].clone(), nb["trainees"].clone()),
            (json!(1), json!(3)),
            "{l}: {nb}"
        );
        // A span that ends before it begins holds nothing.
        let none = admin
            .get("/api/v1/training-summary?from=2026-02-01&to=2026-01-01")
            .await;
        assert_eq!(none.status, StatusCode::OK, "{l}");
        assert_eq!(none.json()["totals"]["classes"], 0, "{l}");
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
            (value("lop_tap_huan"), value("luot_tap_huan")),
            (json!(1.0), json!(3.0)),
            "{l}: {form}"
        );

        // Lists, scope and roles.
        let list = phuong
            .get(&format!(
                "/api/v1/classes?org_unit={}&audience=team_members",
                app.ward
            ))
            .await
            .json();
        assert_eq!(list["total"], 1, "{l}: {list}");
        let khac = app.login("khac").await;
        assert_eq!(
            khac.get(&format!("/api/v1/classes/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(khac.get("/api/v1/classes").await.json()["total"], 0, "{l}");
        let lanhdao = app.login("lanhdao").await;
        assert_eq!(
            lanhdao.get(&format!("/api/v1/classes/{id}")).await.status,
            StatusCode::OK,
            "{l}"
        );
        assert_eq!(
            post(&lanhdao, &enrol, newcomer("Ai Đó")).await.0,
            StatusCode::FORBIDDEN,
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

/// The same work through the pages: the province adds a course from its
/// form (hours per topic), the ward sets up a class, enrols a newcomer,
/// marks each session and enters the result; the certificate number shows
/// on the class and the person's page, the summary counts the class, and
/// a refused form keeps what was typed beside its error.
#[tokio::test]
async fn the_pages_run_a_class_from_course_to_certificate() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let lanhdao = app.login("lanhdao").await;

        let r = tinh.get("/courses").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("name=\"hours_tuan_tra\""), "{l}");
        let none = tinh
            .form(
                "/courses",
                &[("name", "Không chuyên đề"), ("pass_mark", "5")],
            )
            .await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(none.body.contains("role=\"alert\""), "{l}");
        assert!(none.body.contains("Không chuyên đề"), "{l}: kept");
        let r = tinh
            .form(
                "/courses",
                &[
                    ("name", "Kỹ năng tuần tra"),
                    ("hours_tuan_tra", "8"),
                    ("hours_phap_luat", "4"),
                    ("refresher_months", "12"),
                    ("pass_mark", "5"),
                    ("min_attendance_percent", "80"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = tinh.get(&location(&r)).await;
        assert!(r.body.contains("Kỹ năng tuần tra"), "{l}");
        assert!(r.body.contains("Tuần tra, kiểm soát (8)"), "{l}");
        let courses: Value = serde_json::from_str(&tinh.get("/api/v1/courses").await.body).unwrap();
        let course = courses["items"][0]["id"].as_i64().unwrap().to_string();
        // Only the province adds courses.
        assert_eq!(
            phuong
                .form("/courses", &[("name", "X"), ("hours_tuan_tra", "2")])
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{l}"
        );

        // A class: a last day before the first is refused beside the form.
        assert_eq!(
            phuong.get("/classes/new").await.status,
            StatusCode::OK,
            "{l}"
        );
        let ward = app.ward.to_string();
        let mut fields = vec![
            ("course_id", course.as_str()),
            ("organiser_unit_id", ward.as_str()),
            ("audience", "team_members"),
            ("starts_on", "2026-03-03"),
            ("ends_on", "2026-03-02"),
            ("capacity", "5"),
            ("place", "Hội trường phường"),
        ];
        let refused = phuong.form("/classes", &fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(refused.body.contains("role=\"alert\""), "{l}");
        assert!(refused.body.contains("Hội trường phường"), "{l}: kept");
        fields[3] = ("starts_on", "2026-03-02");
        fields[4] = ("ends_on", "2026-03-03");
        let r = phuong.form("/classes", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let page = location(&r);
        let id = page.rsplit('/').next().unwrap().to_owned();

        // A newcomer enrolled; the same person again is refused.
        let enrol = format!("{page}/enrolments");
        let r = phuong
            .form(
                &enrol,
                &[
                    ("full_name", "Phạm Văn Siêng"),
                    ("birth_date", "1990-02-02"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let list: Value = serde_json::from_str(
            &phuong
                .get(&format!("/api/v1/classes/{id}/enrolments"))
                .await
                .body,
        )
        .unwrap();
        let e = list["items"][0]["id"].as_i64().unwrap().to_string();
        let person = list["items"][0]["person_id"].as_i64().unwrap().to_string();
        let again = phuong.form(&enrol, &[("person_id", person.as_str())]).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}: {}", again.body);
        assert!(again.body.contains("role=\"alert\""), "{l}: {}", again.body);

        // Nobody has passed yet: nothing to print.
        let none = phuong
            .get(&format!("/api/v1/classes/{id}/certificates.pdf"))
            .await;
        assert_eq!(none.status, StatusCode::CONFLICT, "{l}: {}", none.body);

        // Results wait for attendance: one session of two fails the 80 %.
        let attendance = format!("{page}/attendance");
        let r = phuong
            .form(
                &attendance,
                &[("day", "2026-03-02"), ("present", e.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = phuong.get(&format!("{page}?day=2026-03-02")).await;
        assert!(
            r.body
                .contains(&format!("name=\"present\" value=\"{e}\" checked")),
            "{l}"
        );
        let r = phuong.form(&attendance, &[("day", "2026-03-03")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        // The class is over with a result missing: the ward's home says so.
        let home = phuong.get("/home").await;
        assert!(home.body.contains("/classes?awaiting_results=true"), "{l}");
        let r = phuong.get("/classes?awaiting_results=true").await;
        assert!(r.body.contains(&format!("/classes/{id}\"")), "{l}");
        let result = format!("{page}/enrolments/{e}/result");
        let r = phuong.form(&result, &[("score", "8")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert!(phuong.get(&page).await.body.contains("Không đạt"), "{l}");
        // A day without a session is refused beside the attendance form.
        let r = phuong
            .form(
                &attendance,
                &[("day", "2026-03-09"), ("present", e.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("role=\"alert\""), "{l}");
        let r = phuong
            .form(
                &attendance,
                &[("day", "2026-03-03"), ("present", e.as_str())],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let r = phuong.form(&result, &[("score", "8")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let r = phuong.get(&page).await;
        assert!(
            r.body.contains("2026&#x2f;CN-TH"),
            "{l}: a certificate number: {}",
            phuong
                .get(&format!("/api/v1/classes/{id}/enrolments"))
                .await
                .body
        );
        assert!(r.body.contains("certificates.pdf"), "{l}");
        let pdf = phuong
            .get(&format!("/api/v1/classes/{id}/certificates.pdf"))
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{l}");
        assert!(pdf.body.starts_with("%PDF-"), "{l}");
        assert_eq!(
            app.login("khac")
                .await
                .get(&format!("/api/v1/classes/{id}/certificates.pdf"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{l}: another commune's certificates"
        );
        let r = phuong.get(&format!("/people/{person}")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(
            r.body.contains("2026&#x2f;CN-TH"),
            "{l}: on the person's page"
        );
        assert!(r.body.contains("03/03/2027"), "{l}: refresher due");

        // The attendance sheet: downloaded, filled in, uploaded again.
        let sheet = phuong
            .get(&format!("/api/v1/classes/{id}/attendance.xlsx"))
            .await;
        assert_eq!(sheet.status, StatusCode::OK, "{l}");
        assert!(sheet.body.starts_with("PK"), "{l}");
        let upload = format!("{page}/attendance/upload");
        let filled = |cells: &str| {
            format!("Mã học viên,Họ và tên,Năm sinh,02/03/2026,03/03/2026\n{e},Phạm Văn Siêng,1990,{cells}\n")
        };
        let bad = phuong
            .upload(&upload, "diem-danh.csv", filled("muộn,x").as_bytes())
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(bad.body.contains("dòng 2, cột D"), "{l}: {}", bad.body);
        let attended = || async {
            let v: Value = serde_json::from_str(
                &phuong
                    .get(&format!("/api/v1/classes/{id}/enrolments"))
                    .await
                    .body,
            )
            .unwrap();
            v["items"][0]["attended"].as_i64().unwrap()
        };
        assert_eq!(attended().await, 2, "{l}: nothing written");
        // A column left wholly blank was not marked: it changes nothing.
        let r = phuong
            .upload(&upload, "diem-danh.csv", filled(",x").as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(attended().await, 2, "{l}: a blank column is not marked");
        let r = phuong
            .upload(&upload, "diem-danh.csv", filled("v,x").as_bytes())
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(attended().await, 1, "{l}: v is absent");
        let (s, body) = {
            let r = phuong
                .upload(
                    &format!("/api/v1/classes/{id}/attendance/upload"),
                    "diem-danh.csv",
                    filled("x,x").as_bytes(),
                )
                .await;
            (r.status, r.body)
        };
        assert_eq!(s, StatusCode::OK, "{l}: {body}");
        assert!(body.contains("\"written\":2"), "{l}: {body}");
        assert_eq!(attended().await, 2, "{l}");

        // Due a refresher a year after the certificate, until retrained.
        let r = phuong.get("/refreshers-due?by=2027-04-01").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Phạm Văn Siêng"), "{l}");
        let r = phuong.get("/refreshers-due?by=2027-01-01").await;
        assert!(!r.body.contains("Phạm Văn Siêng"), "{l}: not due yet");
        let r = phuong.get("/classes?awaiting_results=true").await;
        assert!(
            !r.body.contains(&format!("/classes/{id}\"")),
            "{l}: results in"
        );
        assert!(
            app.login("khac")
                .await
                .get("/api/v1/refreshers-due?by=2027-04-01")
                .await
                .body
                .contains("\"total\":0"),
            "{l}: another commune's"
        );

        // A list of trainees: a bad row refuses the whole list.
        let list = format!("{page}/enrolments/upload");
        let count = || async {
            let v: Value = serde_json::from_str(
                &phuong
                    .get(&format!("/api/v1/classes/{id}/enrolments"))
                    .await
                    .body,
            )
            .unwrap();
            v["total"].as_i64().unwrap()
        };
        let header = "Mã người,Họ và tên,Ngày sinh,Điện thoại\n";
        let bad = format!("{header},Đỗ Thị Na,1992-03-03,\n,Vũ Văn Tú,ngày nào,\n");
        let r = phuong.upload(&list, "hoc-vien.csv", bad.as_bytes()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("dòng 3"), "{l}: {}", r.body);
        assert_eq!(count().await, 1, "{l}: nobody enrolled");
        let good = format!("{header},Đỗ Thị Na,1992-03-03,\n,Vũ Văn Tú,1993-04-04,0912000111\n");
        let r = phuong.upload(&list, "hoc-vien.csv", good.as_bytes()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(count().await, 3, "{l}");
        // The same list again: they are in the class already.
        let r = phuong
            .upload(
                &format!("/api/v1/classes/{id}/enrolments/upload"),
                "hoc-vien.csv",
                good.as_bytes(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}: {}", r.body);
        assert_eq!(count().await, 3, "{l}");

        // A legacy area as it was, asked after it ended: its parts on its
        // last day (PostgreSQL once refused the empty list of parents).
        for u in ["/api/v1/training-summary", "/api/v1/forces-summary"] {
            let r = tinh
                .get(&format!("{u}?view=as_was&org_unit={}", app.nam_dinh))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {u}: {}", r.body);
            assert!(
                r.body.contains("Huyện Vụ Bản") || r.body.contains("Thành phố Nam Định"),
                "{l}: {u}"
            );
        }

        // The list and the summary as files.
        let r = lanhdao
            .get("/api/v1/classes?from=2026-01-01&format=xlsx")
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.starts_with("PK"), "{l}");
        let r = lanhdao
            .get(&format!(
                "/api/v1/training-summary?org_unit={}&from=2026-01-01&format=csv",
                app.ward
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("Tổng cộng"), "{l}: {}", r.body);

        // The lists and the summary; readers read, and cannot set up.
        let r = lanhdao
            .get(&format!(
                "/training?org_unit={}&from=2026-01-01&to=2026-12-31",
                app.ward
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("id=\"areas\""), "{l}");
        let r = lanhdao.get("/classes?from=2026-01-01").await;
        assert!(r.body.contains(&format!("/classes/{id}")), "{l}");
        assert!(!r.body.contains("/classes/new"), "{l}");
        assert_eq!(
            lanhdao.get("/classes/new").await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        assert_eq!(
            app.login("khac").await.get(&page).await.status,
            StatusCode::NOT_FOUND,
            "{l}: another commune's class"
        );
    }
}
