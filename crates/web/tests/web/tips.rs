//! Citizens' tips over HTTP: officers' keys through sign-in, a password
//! change and a reset; a tip from its sender to its resolution; bad input.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use domain::accounts::NewPassword;
use domain::tips::seal::OfficerKey;
use serde_json::json;
use store::audit::Author;

use crate::harness::{App, Client, Res, PASSWORD};

async fn user_id(app: &App, name: &str) -> i64 {
    store::accounts::find_by_username(&app.t.db, name)
        .await
        .unwrap()
        .unwrap()
        .0
        .id
}

/// The session's secret, from its cookie ("binhyen_session=…").
fn secret(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

async fn session_key(app: &App, cookie: &str) -> OfficerKey {
    let hash = domain::accounts::secret_hash(secret(cookie));
    let locked = store::tips::session_key(&app.t.db, &hash)
        .await
        .unwrap()
        .expect("the session holds the officer's key");
    OfficerKey::unlock_session(&locked, secret(cookie)).unwrap()
}

#[tokio::test]
async fn an_officers_tip_key_is_made_at_sign_in_kept_across_a_password_change_and_made_anew_after_a_reset(
) {
    for app in App::all().await {
        let l = app.label();
        let officer = user_id(&app, "phuong").await;
        // Partners and viewers receive no tips: no key.
        app.login("doitac").await;
        assert!(
            store::tips::key(&app.t.db, user_id(&app, "doitac").await)
                .await
                .unwrap()
                .is_none(),
            "{l}"
        );

        let first = app.login("phuong").await;
        let key = store::tips::key(&app.t.db, officer)
            .await
            .unwrap()
            .expect("made at sign-in");
        assert_eq!((key.holder, key.replaced_on), (false, None), "{l}");
        let opened = session_key(&app, &first.cookie).await;
        assert_eq!(opened.public().as_str(), key.public_key, "{l}");
        assert!(OfficerKey::unlock(&key.locked_key, PASSWORD).is_ok(), "{l}");

        // Signing in again opens the same key.
        let second = app.login("phuong").await;
        assert_eq!(
            session_key(&app, &second.cookie).await.public().as_str(),
            key.public_key,
            "{l}"
        );

        // A change of password locks it under the new one.
        let new = "mật-khẩu-mới-của-phường";
        let r = second
            .write(
                Method::POST,
                "/api/v1/auth/password",
                json!({"current_password": PASSWORD, "new_password": new}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let relocked = store::tips::key(&app.t.db, officer).await.unwrap().unwrap();
        assert_eq!(relocked.public_key, key.public_key, "{l}");
        assert!(OfficerKey::unlock(&relocked.locked_key, new).is_ok(), "{l}");
        assert!(
            OfficerKey::unlock(&relocked.locked_key, PASSWORD).is_err(),
            "{l}"
        );

        // An administrator's reset: the old key cannot be opened, so the
        // next sign-in makes a new one and says so.
        let hash = NewPassword::parse(PASSWORD).unwrap().hash().unwrap();
        store::accounts::set_password(&app.t.db, Author::System, officer, &hash, false, None)
            .await
            .unwrap();
        let third = app.login("phuong").await;
        let anew = store::tips::key(&app.t.db, officer).await.unwrap().unwrap();
        assert_ne!(anew.public_key, key.public_key, "{l}");
        assert_eq!(anew.replaced_on, Some(domain::time::today()), "{l}");
        assert_eq!(
            session_key(&app, &third.cookie).await.public().as_str(),
            anew.public_key,
            "{l}"
        );
        app.t.cleanup().await;
    }
}

/// A multipart body as a browser sends a form with files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----binhyen-tip-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A request from nobody (no cookie, no token).
async fn public(app: &App, method: Method, uri: &str, content_type: &str, body: Vec<u8>) -> Res {
    app.send(
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

const WORDS: &str = "Nhà số 17 ngõ Hoa Sữa có người bán ma túy mỗi tối sau 22 giờ";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_tip_reaches_its_commune_sealed_and_its_sender_follows_it_by_the_receipt() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let phuong = app.login("phuong").await;
        let tinh = app.login("tinh").await;
        let khac = app.login("khac").await;
        // The province officer becomes a key-holder (an administrator's
        // act; a commune officer may not be one).
        let tinh_id = user_id(&app, "tinh").await;
        let r = admin
            .write(
                Method::PUT,
                &format!("/api/v1/tip-keys/{tinh_id}/holder"),
                json!({"holder": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
        let r = admin
            .write(
                Method::PUT,
                &format!("/api/v1/tip-keys/{}/holder", user_id(&app, "phuong").await),
                json!({"holder": true}),
            )
            .await;
        assert_eq!(r.field(), "holder", "{l}: {}", r.body);

        // A sender reports a place of pre-2025 Vị Xuyên: it goes to its
        // successor, Phường Nam Định, with a photo that loses its GPS tag.
        let photo = crate::harness::jpeg_with_gps();
        let pdf = b"%PDF-1.4 bien-ban-bi-mat-0xC0FFEE".to_vec();
        let place = app.vi_xuyen.to_string();
        let (ct, body) = multipart(
            &[
                ("category", "ma_tuy"),
                ("place_id", &place),
                ("when", "Mỗi tối"),
                ("report", WORDS),
            ],
            &[("anh.jpg", &photo), ("C:\\tai lieu\\bien-ban.pdf", &pdf)],
        );
        let r = public(&app, Method::POST, "/api/v1/public/tips", &ct, body.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert_eq!(r.headers["cache-control"], "no-store", "{l}");
        let receipt = r.json()["receipt"].as_str().unwrap().to_string();
        assert_eq!(receipt.len(), 19, "{l}: {receipt}");
        assert_eq!(r.json()["unit_name"], "Phường Nam Định", "{l}");
        // The same report again: received already.
        let again = public(&app, Method::POST, "/api/v1/public/tips", &ct, body).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}: {}", again.body);

        // The officer of the ward lists it and reads it.
        let list = phuong.get("/api/v1/tips").await.json();
        assert_eq!(list["total"], 1, "{l}: {list}");
        let id = list["items"][0]["id"].as_i64().unwrap();
        assert_eq!(list["items"][0]["unit_id"], app.ward, "{l}");
        assert_eq!(list["items"][0]["state"], "new", "{l}");
        assert_eq!(list["items"][0]["files"], 2, "{l}");
        let tip = phuong.get(&format!("/api/v1/tips/{id}")).await;
        assert_eq!(tip.status, StatusCode::OK, "{l}: {}", tip.body);
        let tip = tip.json();
        assert_eq!(tip["readable"], true, "{l}");
        assert_eq!(tip["report"]["report"], WORDS, "{l}");
        assert_eq!(tip["files"][1]["name"], "bien-ban.pdf", "{l}: {tip}");
        let photo_id = tip["files"][0]["id"].as_i64().unwrap();
        let got = phuong
            .get(&format!("/api/v1/tips/{id}/files/{photo_id}"))
            .await;
        assert_eq!(got.status, StatusCode::OK, "{l}");
        assert!(got.bytes.starts_with(&[0xFF, 0xD8]), "{l}");
        assert!(
            !contains(&got.bytes, b"GPSLatitude"),
            "{l}: metadata stripped"
        );
        // The province's key-holder reads it too; the officer of another
        // commune does not see it; an administrator, a partner and a
        // viewer may not handle tips at all.
        assert_eq!(
            tinh.get(&format!("/api/v1/tips/{id}")).await.json()["readable"],
            true,
            "{l}"
        );
        assert_eq!(
            khac.get(&format!("/api/v1/tips/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        for who in [
            &admin,
            &app.login("doitac").await,
            &app.login("lanhdao").await,
        ] {
            assert_eq!(
                who.get(&format!("/api/v1/tips/{id}")).await.status,
                StatusCode::FORBIDDEN,
                "{l}"
            );
        }
        // What the database holds is sealed.
        let view = store::tips::get(&app.t.db, store::accounts::Scope::All, 0, id)
            .await
            .unwrap();
        assert!(!contains(&view.content, "ngõ Hoa Sữa".as_bytes()), "{l}");
        for f in &view.files {
            let (name, bytes) =
                store::tips::file_content(&app.t.db, store::accounts::Scope::All, id, f.id)
                    .await
                    .unwrap();
            assert!(!contains(&bytes, b"bien-ban-bi-mat"), "{l}");
            assert!(!contains(&name, b"bien-ban"), "{l}");
        }

        // A reply to the sender and a note for the police.
        for (kind, text) in [
            (
                "reply",
                "Cảm ơn, chúng tôi đang xác minh. Người bán có đi xe máy không?",
            ),
            ("note", "Đối tượng nghi vấn: đã có tiền án"),
        ] {
            let r = phuong
                .write(
                    Method::POST,
                    &format!("/api/v1/tips/{id}/messages"),
                    json!({"kind": kind, "text": text}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        }
        // The sender comes back: the reply, never the note or who wrote.
        let started = std::time::Instant::now();
        let back = app
            .anonymous(
                Method::GET,
                &format!("/api/v1/public/tips/{}", receipt.to_lowercase()),
            )
            .await;
        assert!(started.elapsed() >= web_floor(), "{l}");
        assert_eq!(back.status, StatusCode::OK, "{l}: {}", back.body);
        let back = back.json();
        assert_eq!(back["report"]["report"], WORDS, "{l}");
        assert_eq!(back["messages"].as_array().unwrap().len(), 1, "{l}: {back}");
        assert_eq!(back["messages"][0]["kind"], "reply", "{l}");
        assert!(!back.to_string().contains("tiền án"), "{l}");
        assert!(!back.to_string().contains("author"), "{l}");
        // A wrong code and a malformed one answer alike, in the same time.
        let mut wrong = receipt.clone().into_bytes();
        wrong[0] = if wrong[0] == b'2' { b'3' } else { b'2' };
        let wrong = String::from_utf8(wrong).unwrap();
        let mut bodies = Vec::new();
        for code in [wrong.as_str(), "khong-phai-ma", "0000"] {
            let started = std::time::Instant::now();
            let r = app
                .anonymous(Method::GET, &format!("/api/v1/public/tips/{code}"))
                .await;
            assert!(started.elapsed() >= web_floor(), "{l}");
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
            bodies.push(r.body);
        }
        assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{l}: {bodies:?}");
        // The sender answers the question.
        let r = public(
            &app,
            Method::POST,
            &format!("/api/v1/public/tips/{receipt}/messages"),
            "application/json",
            json!({"text": "Có, xe máy màu đỏ"})
                .to_string()
                .into_bytes(),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let tip = phuong.get(&format!("/api/v1/tips/{id}")).await.json();
        let texts: Vec<&str> = tip["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts.len(), 3, "{l}: {tip}");
        assert_eq!(texts[2], "Có, xe máy màu đỏ", "{l}");

        // Steps: resolve before verifying is refused; verify; forward to
        // the other commune (sealed anew to its officer); resolve there.
        let r = step(&phuong, id, "resolve", json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}: {}", r.body);
        let r = step(&phuong, id, "verify", json!({})).await;
        assert_eq!(r.json()["state"], "verifying", "{l}: {}", r.body);
        let r = step(
            &phuong,
            id,
            "forward",
            json!({"to_unit_id": app.ward, "reason": "x"}),
        )
        .await;
        assert_eq!(r.field(), "to_unit_id", "{l}: {}", r.body);
        let r = step(
            &phuong,
            id,
            "forward",
            json!({"to_unit_id": app.ba_dinh, "reason": "Đối tượng cư trú ở Ba Đình"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["state"], "forwarded", "{l}");
        assert_eq!(
            phuong.get(&format!("/api/v1/tips/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let there = khac.get(&format!("/api/v1/tips/{id}")).await.json();
        assert_eq!(there["readable"], true, "{l}: {there}");
        assert_eq!(there["report"]["report"], WORDS, "{l}");
        step(&khac, id, "verify", json!({})).await;
        let r = step(
            &khac,
            id,
            "resolve",
            json!({"valuable": true, "cases_solved": 1, "arrests": 2, "summary": "Bắt quả tang"}),
        )
        .await;
        assert_eq!(r.json()["state"], "resolved", "{l}: {}", r.body);
        let today = domain::time::today();
        let counts = store::tips::counts(&app.t.db, app.ba_dinh, today, today)
            .await
            .unwrap();
        assert_eq!(
            (
                counts.received,
                counts.valuable,
                counts.cases_solved,
                counts.arrests
            ),
            (1, 1, 1, 2),
            "{l}"
        );
        assert_eq!(back_state(&app, &receipt).await, "resolved", "{l}");
        // The register's figures reach the monthly report, with no content
        // and no double entry, once the tip indicators take them from it
        // (`tips.*`: what an administrator sets when the police start
        // receiving tips here).
        let indicators = admin.get("/api/v1/indicators").await.json();
        for (code, source) in [
            ("tin_bao", "tips.received"),
            ("tin_bao_co_gia_tri", "tips.valuable"),
            ("vu_an_tu_tin_bao", "tips.cases_solved"),
            ("doi_tuong_bat_tu_tin_bao", "tips.arrests"),
        ] {
            let id = indicators["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["code"] == code)
                .unwrap()["id"]
                .as_i64()
                .unwrap();
            let r = admin
                .write(
                    Method::PATCH,
                    &format!("/api/v1/indicators/{id}"),
                    json!({"computed": source}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        }
        let set = tinh.data_set("bao_cao_thang").await;
        let form = khac
            .get(&format!(
                "/api/v1/data-values?data_set={set}&org_unit={}&period={}",
                app.ba_dinh,
                today.format("%Y-%m")
            ))
            .await
            .json();
        let value = |code: &str| {
            form["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["code"] == code)
                .unwrap()["value"]
                .clone()
        };
        assert_eq!(
            [
                value("tin_bao"),
                value("tin_bao_co_gia_tri"),
                value("vu_an_tu_tin_bao"),
                value("doi_tuong_bat_tu_tin_bao")
            ],
            [json!(1.0), json!(1.0), json!(1.0), json!(2.0)],
            "{l}: {form}"
        );

        // A token reads the clear part only.
        let token = domain::accounts::new_secret();
        store::accounts::create_token(
            &app.t.db,
            Author::System,
            user_id(&app, "khac").await,
            &domain::accounts::secret_hash(&token),
            "thử",
            None,
        )
        .await
        .unwrap();
        let r = app
            .send(
                Request::get(format!("/api/v1/tips/{id}"))
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.json()["readable"], false, "{l}: {}", r.body);
        assert!(r.json()["report"].is_null(), "{l}");

        // A reset password loses the officer's key: a tip filed before
        // it waits for the key-holder's grant.
        let (ct, body) = multipart(
            &[
                ("category", "co_bac"),
                ("place_id", &app.ward.to_string()),
                ("report", "Tụ tập đánh bạc ở bãi đất trống sau chợ"),
            ],
            &[],
        );
        let r = public(&app, Method::POST, "/api/v1/public/tips", &ct, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let second = phuong.get("/api/v1/tips?state=new").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let officer = user_id(&app, "phuong").await;
        // (Reset to another password: the old key stays locked under
        // the one nobody will type again.)
        let reset = "mật-khẩu-do-quản-trị-đặt";
        let hash = NewPassword::parse(reset).unwrap().hash().unwrap();
        store::accounts::set_password(&app.t.db, Author::System, officer, &hash, false, None)
            .await
            .unwrap();
        let phuong = app.login_with("phuong", reset).await;
        assert_eq!(
            phuong.get(&format!("/api/v1/tips/{second}")).await.json()["readable"],
            false,
            "{l}"
        );
        let r = phuong
            .write(
                Method::POST,
                &format!("/api/v1/tip-keys/{officer}/grant"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: only a holder grants");
        let keys = tinh.get("/api/v1/tip-keys").await.json();
        assert_eq!(keys["mine"]["holder"], true, "{l}: {keys}");
        assert_eq!(keys["open_in_session"], true, "{l}");
        let r = tinh
            .write(
                Method::POST,
                &format!("/api/v1/tip-keys/{officer}/grant"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["tips"], 1, "{l}");
        assert_eq!(
            phuong.get(&format!("/api/v1/tips/{second}")).await.json()["readable"],
            true,
            "{l}"
        );
        app.t.cleanup().await;
    }
}

async fn step(c: &Client<'_>, id: i64, action: &str, body: serde_json::Value) -> Res {
    c.write(Method::POST, &format!("/api/v1/tips/{id}/{action}"), body)
        .await
}

async fn back_state(app: &App, receipt: &str) -> String {
    let r = app
        .anonymous(Method::GET, &format!("/api/v1/public/tips/{receipt}"))
        .await;
    r.json()["state"].as_str().unwrap_or_default().to_string()
}

fn web_floor() -> std::time::Duration {
    std::time::Duration::from_millis(250)
}

type Fields<'a> = Vec<(&'a str, &'a str)>;
type Files<'a> = Vec<(&'a str, &'a [u8])>;

#[tokio::test]
async fn bad_tips_are_refused_with_their_field_and_nothing_is_kept() {
    for app in App::all().await {
        let l = app.label();
        app.login("phuong").await;
        let ward = app.ward.to_string();
        let exe = b"MZ\x90\0 not a photo".to_vec();
        let big = vec![0xFFu8; domain::tips::MAX_FILE_BYTES + 10];
        let good = [
            ("category", "trom_cap"),
            ("place_id", ward.as_str()),
            ("report", "Mất trộm xe đạp trước cổng trường tiểu học"),
        ];
        let cases: Vec<(Fields, Files, &str)> = vec![
            (
                vec![("category", "x"), ("place_id", &ward), ("report", WORDS)],
                vec![],
                "category",
            ),
            (
                vec![("category", "ma_tuy"), ("report", WORDS)],
                vec![],
                "place_id",
            ),
            (
                vec![
                    ("category", "ma_tuy"),
                    ("place_id", "999999999"),
                    ("report", WORDS),
                ],
                vec![],
                "place_id",
            ),
            // A province is too wide to send a tip to.
            (
                vec![("category", "ma_tuy"), ("place_id", "1"), ("report", WORDS)],
                vec![],
                "place_id",
            ),
            (
                vec![
                    ("category", "ma_tuy"),
                    ("place_id", &ward),
                    ("report", "ma túy"),
                ],
                vec![],
                "report",
            ),
            (good.to_vec(), vec![("a.jpg", &exe)], "files"),
            (good.to_vec(), vec![("to.jpg", &big)], "files"),
        ];
        for (fields, files, field) in cases {
            let (ct, body) = multipart(&fields, &files);
            let r = public(&app, Method::POST, "/api/v1/public/tips", &ct, body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l} {field}: {}", r.body);
            assert_eq!(r.field(), field, "{l}: {}", r.body);
        }
        // Five files are one too many.
        let photo = crate::harness::jpeg_with_gps();
        let five: Vec<(&str, &[u8])> = (0..5).map(|_| ("a.jpg", photo.as_slice())).collect();
        let (ct, body) = multipart(&good, &five);
        let r = public(&app, Method::POST, "/api/v1/public/tips", &ct, body).await;
        assert_eq!(r.field(), "files", "{l}: {}", r.body);
        // A place where nobody receives tips yet says what to do instead.
        let ba_dinh = app.ba_dinh.to_string();
        let r = public(
            &app,
            Method::POST,
            "/api/v1/public/tips",
            "application/json",
            json!({"category": "khac", "place_id": app.ba_dinh, "report": "Có tiếng kêu cứu trong nhà kho bỏ hoang"}).to_string().into_bytes(),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: {ba_dinh} {}",
            r.body
        );
        assert_eq!(r.json()["error"]["reason"], "tip_no_recipient", "{l}");
        let (_, total) = store::tips::list(
            &app.t.db,
            store::accounts::Scope::All,
            0,
            &store::tips::Filter::default(),
        )
        .await
        .unwrap();
        assert_eq!(total, 0, "{l}");
        app.t.cleanup().await;
    }
}

/// Every byte the database keeps: the SQLite files of the data folder
/// (the database, its write-ahead log), or `pg_dump`'s whole output.
fn dump(app: &App) -> Vec<u8> {
    if let Some(path) = app.t.url.strip_prefix("sqlite://") {
        let dir = std::path::Path::new(path).parent().unwrap();
        let mut all = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let f = f.unwrap().path();
            if f.is_file() {
                all.extend(std::fs::read(&f).unwrap());
            }
        }
        assert!(all.len() > 100_000, "the data folder holds the database");
        return all;
    }
    let out = std::process::Command::new("pg_dump")
        .arg("--no-owner")
        .arg(&app.t.url)
        .output()
        .expect("pg_dump (PostgreSQL's client) is installed beside the server");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[tokio::test]
async fn a_dump_of_the_database_and_its_folder_holds_nothing_a_tip_says() {
    for app in App::all().await {
        let l = app.label();
        let phuong = app.login("phuong").await;
        let report = "Kho hàng HOASUA-MARKER-17 ở ngõ Hoa Sữa chứa pháo nổ, người bán tên Tư Sẹo";
        let contact = "0912-LIENHE-MARKER";
        let pdf = b"%PDF-1.4 FILE-BYTES-MARKER-0xC0FFEE bien ban".to_vec();
        let ward = app.ward.to_string();
        let (ct, body) = multipart(
            &[
                ("category", "khac"),
                ("place_id", &ward),
                ("report", report),
                ("contact", contact),
                ("place_detail", "NGO-MARKER-5"),
            ],
            &[("TENTEP-MARKER.pdf", &pdf)],
        );
        let r = public(&app, Method::POST, "/api/v1/public/tips", &ct, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let receipt = r.json()["receipt"].as_str().unwrap().replace('-', "");
        let list = phuong.get("/api/v1/tips").await.json();
        let id = list["items"][0]["id"].as_i64().unwrap();
        let r = phuong
            .write(
                Method::POST,
                &format!("/api/v1/tips/{id}/messages"),
                json!({"kind": "note", "text": "GHICHU-MARKER nội bộ"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        // The officer reads it all back: the words are there to be found.
        let tip = phuong.get(&format!("/api/v1/tips/{id}")).await.json();
        assert_eq!(tip["report"]["report"], report, "{l}");
        let all = dump(&app);
        for needle in [
            "HOASUA-MARKER",
            "ngõ Hoa Sữa",
            "Tư Sẹo",
            "LIENHE-MARKER",
            "NGO-MARKER",
            "FILE-BYTES-MARKER",
            "TENTEP-MARKER",
            "GHICHU-MARKER",
            receipt.as_str(),
        ] {
            assert!(
                !contains(&all, needle.as_bytes()),
                "{l}: the dump holds «{needle}»"
            );
        }
        // What is in the clear is what the figures need.
        assert!(contains(&all, b"khac"), "{l}: the category is in the clear");
        app.t.cleanup().await;
    }
}
