//! Hostile clients (issue 14): uploads that would stop the process, floods
//! of guesses, cross-site logins, refusals in a loop, bodies past the caps,
//! slow headers. Each test failed on the code before it.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;
use store::audit::{AuditQuery, Author};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{send_to, App, PASSWORD};

fn login_request(username: &str, password: &str) -> Request<Body> {
    Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"username": username, "password": password}).to_string(),
        ))
        .unwrap()
}

/// 150 wrong passwords at once for one account: the gate was read before
/// Argon2 and the failure written after, so all 150 were checked. Now at
/// most the free attempts are, and the rest are told when to retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_are_checked_only_as_often_as_the_limit_allows() {
    for app in App::all().await {
        let l = app.label();
        let guesses = (0..150).map(|i| {
            let router = app.router.clone();
            tokio::spawn(async move {
                let r = send_to(
                    &router,
                    login_request("bikhoa", &format!("sai-mat-khau-{i}")),
                )
                .await;
                (r.status, r.headers.contains_key(header::RETRY_AFTER))
            })
        });
        let mut checked = 0;
        let mut told_to_wait = 0;
        for g in guesses.collect::<Vec<_>>() {
            match g.await.unwrap() {
                (StatusCode::UNAUTHORIZED, _) => checked += 1,
                (StatusCode::TOO_MANY_REQUESTS, true) => told_to_wait += 1,
                other => panic!("{l}: {other:?}"),
            }
        }
        assert_eq!(
            checked,
            domain::accounts::FREE_FAILURES,
            "{l}: {told_to_wait} refused"
        );
        assert_eq!(checked + told_to_wait, 150, "{l}");
        // The owner, with the right password, waits too (and is not told
        // whether the name exists).
        let r = app.send(login_request("bikhoa", PASSWORD)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{l}");
    }
}

/// The form login accepted a post from any site (login CSRF: the victim
/// ends up in the attacker's account). A browser's own signals now decide.
#[tokio::test]
async fn a_login_posted_from_another_site_is_refused() {
    for app in App::all().await {
        let l = app.label();
        let form = |headers: &[(&str, &str)]| {
            let mut b = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "binhyen.example");
            for (k, v) in headers {
                b = b.header(*k, *v);
            }
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("username", "lanhdao")
                .append_pair("password", PASSWORD)
                .finish();
            b.body(Body::from(body)).unwrap()
        };
        for hostile in [
            vec![("sec-fetch-site", "cross-site")],
            vec![("sec-fetch-site", "same-site")],
            vec![("origin", "https://evil.example")],
            vec![("origin", "null")],
        ] {
            let r = app.send(form(&hostile)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {hostile:?}");
            assert!(!r.headers.contains_key(header::SET_COOKIE), "{l}");
            assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        }
        for friendly in [
            vec![("sec-fetch-site", "same-origin")],
            vec![("origin", "http://binhyen.example")],
        ] {
            let r = app.send(form(&friendly)).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {friendly:?}");
            assert!(r.headers.contains_key(header::SET_COOKIE), "{l}");
        }
        // Without either signal the form must carry the token its cookie
        // holds, as the login page gives them.
        let page = app.anonymous(Method::GET, "/login").await;
        let set = page.headers[header::SET_COOKIE].to_str().unwrap();
        let cookie = set.split(';').next().unwrap().to_string();
        let token = cookie.split('=').nth(1).unwrap().to_string();
        assert!(
            page.body.contains(&token),
            "{l}: the form carries the token"
        );
        let with = |cookie: Option<&str>, field: Option<&str>| {
            let mut b = Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            if let Some(c) = cookie {
                b = b.header(header::COOKIE, c);
            }
            let mut body = form_urlencoded::Serializer::new(String::new());
            body.append_pair("username", "lanhdao")
                .append_pair("password", PASSWORD);
            if let Some(t) = field {
                body.append_pair("login_token", t);
            }
            b.body(Body::from(body.finish())).unwrap()
        };
        let other = "0".repeat(64);
        for (cookie, field) in [
            (None, None),
            (None, Some(token.as_str())),
            (Some(cookie.as_str()), None),
            (Some(cookie.as_str()), Some(other.as_str())),
        ] {
            let r = app.send(with(cookie, field)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {cookie:?} {field:?}");
        }
        let r = app.send(with(Some(&cookie), Some(&token))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        // Audited, like every refusal.
        let refused = refusals(&app, None).await;
        assert!(
            refused.iter().any(|r| r.entity_id == "POST /login"
                && r.after_json.as_deref().unwrap_or("").contains("csrf")),
            "{l}: {refused:?}"
        );
    }
}

async fn refusals(app: &App, username: Option<&str>) -> Vec<store::audit::Record> {
    let q = AuditQuery {
        entity: Some("route".into()),
        username: username.map(str::to_string),
        page: domain::page::Page::parse(Some("1"), Some("500")).unwrap(),
        ..Default::default()
    };
    store::audit::search(&app.t.db, store::accounts::Scope::All, &q)
        .await
        .unwrap()
        .0
        .into_iter()
        .filter(|r| r.action == "refused")
        .collect()
}

/// Turning the second factor on, changing the password and ending a
/// session need the current password; wrong ones count like failed logins.
#[tokio::test]
async fn account_changes_need_the_password_and_wrong_ones_count() {
    for app in App::all().await {
        let l = app.label();
        let c = app.login("tinh").await;
        let r = c
            .write(Method::POST, "/api/v1/auth/totp/start", json!({}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
        for (path, body) in [
            ("/api/v1/auth/totp/start", json!({"password": "doan-sai-1"})),
            (
                "/api/v1/auth/sessions/end",
                json!({"id": "x", "password": "doan-sai-2"}),
            ),
            (
                "/api/v1/auth/password",
                json!({"current_password": "doan-sai-3", "new_password": "mat-khau-moi-rat-dai"}),
            ),
        ] {
            let r = c.write(Method::POST, path, body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {path}: {}", r.body);
        }
        // Three wrong guesses: the name is slowed down, here and at login.
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/start",
                json!({"password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{l}: {}", r.body);
        assert!(r.headers.contains_key(header::RETRY_AFTER));
        let r = app.send(login_request("tinh", PASSWORD)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{l}");
        let failed = store::audit::search(
            &app.t.db,
            store::accounts::Scope::All,
            &AuditQuery {
                entity: Some("login".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .1;
        assert_eq!(failed, 3, "{l}: the wrong passwords are audited");

        // With the right password (another user, not slowed), it works.
        let c = app.login("phuong").await;
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/start",
                json!({"password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
    }
}

/// A new API token of `username`: `(user, token, token id)`.
async fn new_token(app: &App, username: &str, name: &str) -> (store::accounts::User, String, i64) {
    let (user, _) = store::accounts::find_by_username(&app.t.db, username)
        .await
        .unwrap()
        .unwrap();
    let token = format!("bh_{}", domain::accounts::new_secret());
    let id = store::accounts::create_token(
        &app.t.db,
        Author::System,
        user.id,
        &domain::accounts::secret_hash(&token),
        name,
        None,
    )
    .await
    .unwrap();
    (user, token, id)
}

/// An administrator's reset ends the user's sessions and revokes their
/// API tokens, and says which.
#[tokio::test]
async fn a_reset_revokes_the_users_tokens_and_lists_them() {
    for app in App::all().await {
        let l = app.label();
        let (user, token, id) = new_token(&app, "doitac", "máy chủ báo cáo").await;
        let session = app.login("doitac").await;
        let admin = app.login("admin").await;
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/users/{}", user.id),
                json!({"password": "mat-khau-dat-lai-2026"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(r.json()["sessions_ended"], 1, "{l}: {}", r.body);
        assert_eq!(
            r.json()["tokens_revoked"],
            json!([{"id": id, "name": "máy chủ báo cáo"}])
        );
        assert_eq!(
            app.bearer(&token, "/api/v1/org-units").await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            session.get("/api/v1/org-units").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// A client looping on a forbidden route wrote (and locked the audit chain
/// for) one record a request; now one at once and one with the count.
#[tokio::test]
async fn refusals_in_a_loop_become_one_counted_record() {
    for app in App::all().await {
        let l = app.label();
        let viewer = app.login("lanhdao").await;
        for _ in 0..40 {
            let r = viewer
                .write(Method::POST, "/api/v1/users", json!({"username": "x"}))
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        }
        assert_eq!(refusals(&app, Some("lanhdao")).await.len(), 1, "{l}");
        app.state.flush_refusals(true).await;
        let records = refusals(&app, Some("lanhdao")).await;
        assert_eq!(records.len(), 2, "{l}: {records:?}");
        assert!(
            records.iter().all(|r| r.entity_id == "POST /api/v1/users"),
            "{l}"
        );
        assert!(
            records.iter().any(|r| r
                .after_json
                .as_deref()
                .unwrap_or("")
                .contains("\"count\":39")),
            "{l}: {records:?}"
        );
        // A missing CSRF token is a refusal too, with the security headers.
        let r = app
            .send(
                viewer
                    .request(Method::POST, "/api/v1/auth/logout")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("csrf")),
            "{l}"
        );
        assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(refusals(&app, Some("lanhdao")).await.iter().any(|r| r
            .after_json
            .as_deref()
            .unwrap_or("")
            .contains("csrf")));
        // Paths and methods the client invents share one name: varying
        // them does not make a record per request.
        for i in 0..30 {
            let method = if i % 2 == 0 {
                Method::POST
            } else {
                Method::from_bytes(format!("X{i}").as_bytes()).unwrap()
            };
            let r = app
                .send(
                    viewer
                        .request(method, &format!("/nowhere/{i}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert!(r.status.is_client_error(), "{l}: {}", r.status);
        }
        app.state.flush_refusals(true).await;
        let names: std::collections::BTreeSet<String> = refusals(&app, Some("lanhdao"))
            .await
            .into_iter()
            .map(|r| r.entity_id)
            .filter(|n| !n.starts_with("POST /api/"))
            .collect();
        assert!(names.len() <= 2, "{l}: {names:?}");
        assert!(
            names.iter().all(|n| n.ends_with(" unmatched")),
            "{l}: {names:?}"
        );
    }
}

/// Bodies past the caps: 413 as a JSON problem (a page for forms), with
/// the security headers; it was axum's plain text.
#[tokio::test]
async fn bodies_past_the_caps_get_a_413_problem() {
    for app in App::all().await {
        let l = app.label();
        let big = format!("{{\"username\": \"{}\"}}", "a".repeat(2 * 1024 * 1024));
        let r = app
            .send(
                Request::post("/api/v1/auth/login")
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(big))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{l}");
        assert_eq!(r.json()["error"]["code"], "too_large", "{l}: {}", r.body);
        assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

        let c = app.login("tinh").await;
        let r = c
            .form("/org-units", &[("name", &"x".repeat(2 * 1024 * 1024))])
            .await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{l}");
        assert!(r.body.contains("quá lớn"), "{l}: {}", r.body);
        assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));

        let file = vec![b'x'; web::models::MAX_IMPORT_BYTES + 1024];
        let r = c.upload("/api/v1/models/import", "lon.csv", &file).await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")),
            "{l}: {}",
            r.body
        );
        // A made-up method: a problem too, and one `other` metrics series.
        let r = app
            .anonymous(Method::from_bytes(b"BREW").unwrap(), "/api/v1/auth/login")
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{l}");
        assert_eq!(r.json()["error"]["code"], "method_not_allowed");
    }
}

/// `/metrics` reads for scrapers on the server and the token holder only;
/// its series are keyed by a closed set of methods.
#[tokio::test]
async fn metrics_answer_local_scrapers_and_the_token_only() {
    for app in App::all().await {
        let l = app.label();
        let token = "metrics-token-0123456789";
        let router = app.router_with(web::WebConfig {
            metrics_token: Some(token.into()),
            ..Default::default()
        });
        let get = |peer: &str, extra: Option<(&str, String)>| {
            let mut b = Request::get("/metrics");
            if let Some((k, v)) = extra {
                b = b.header(k, v);
            }
            let mut req = b.body(Body::empty()).unwrap();
            let addr: SocketAddr = peer.parse().unwrap();
            req.extensions_mut().insert(ConnectInfo(addr));
            req
        };
        for i in 0..50 {
            let m = Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
            let req = Request::builder()
                .method(m)
                .uri("/healthz")
                .body(Body::empty())
                .unwrap();
            send_to(&router, req).await;
        }
        let local = send_to(&router, get("127.0.0.1:5000", None)).await;
        assert_eq!(local.status, StatusCode::OK, "{l}");
        let series = local
            .body
            .lines()
            .filter(|x| x.starts_with("binhyen_http_requests_total{"))
            .count();
        assert!(series <= 2, "{l}: {}", local.body);
        assert!(local.body.contains("method=\"other\""), "{l}");
        for (peer, extra) in [
            ("10.1.2.3:5000", None),
            (
                "127.0.0.1:5000",
                Some(("x-forwarded-for", "10.1.2.3".to_string())),
            ),
            (
                "10.1.2.3:5000",
                Some(("authorization", "Bearer wrong-token".to_string())),
            ),
        ] {
            let r = send_to(&router, get(peer, extra.clone())).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: {peer} {extra:?}");
        }
        let auth = Some(("authorization", format!("Bearer {token}")));
        let r = send_to(&router, get("10.1.2.3:5000", auth)).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
    }
}

/// Behind one proxy, the client is the last address of X-Forwarded-For:
/// the first was taken, so a guesser changing it was never slowed down.
#[tokio::test]
async fn a_spoofed_forwarded_address_does_not_escape_throttling() {
    for app in App::all().await {
        let l = app.label();
        let router = app.router_with(web::WebConfig {
            trusted_proxies: 1,
            ..Default::default()
        });
        let mut statuses = Vec::new();
        for i in 0..20 {
            let mut req = login_request(&format!("khong-co-{i}"), "sai-mat-khau-dai");
            req.headers_mut().insert(
                "x-forwarded-for",
                format!("203.0.113.{i}, 10.0.0.7").parse().unwrap(),
            );
            statuses.push(send_to(&router, req).await.status);
        }
        assert!(
            statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
            "{l}: {statuses:?}"
        );
    }
}

/// A body that never ends: the client that sends one byte a minute.
struct Endless;

impl hyper::body::Body for Endless {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

/// A request still running at the timeout (here: its body never ends) is
/// stopped and answered 503; before, it held its task for ever.
#[tokio::test]
async fn a_request_past_the_timeout_is_answered_503() {
    for app in App::all().await {
        let router = app.router_with(web::WebConfig {
            request_timeout: Duration::from_millis(300),
            ..Default::default()
        });
        let req = Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::new(Endless))
            .unwrap();
        let started = Instant::now();
        let r = send_to(&router, req).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", app.label());
        assert_eq!(r.json()["error"]["code"], "timeout");
        assert!(r.headers.contains_key(header::CONTENT_SECURITY_POLICY));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

/// A minimal XLSX whose shared strings declare 10^17 entries: calamine
/// reserved 2.4 EB for them and the allocation aborted the process.
fn hostile_xlsx() -> Vec<u8> {
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
        ),
        (
            "xl/sharedStrings.xml",
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="100000000000000000"><si><t>a</t></si></sst>"#,
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Holds every slot of `pool` and fills its queue; the slots are given
/// back when `release` is sent.
async fn fill(
    pool: &web::blocking::BlockingPool,
    queue: usize,
) -> tokio::sync::watch::Sender<bool> {
    let (release, rx) = tokio::sync::watch::channel(false);
    // More holders than slots and places in the queue: the extra ones are
    // refused at once and end.
    for _ in 0..queue + 8 {
        let pool = pool.clone();
        let mut rx = rx.clone();
        tokio::spawn(async move {
            if let Ok(_slot) = pool.slot().await {
                let _ = rx.wait_for(|go| *go).await;
            }
        });
    }
    let start = Instant::now();
    while pool.waiting() < queue {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the queue did not fill"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    release
}

/// Uploads are read on a bounded pool, and logins checked on another: a
/// full one answers "busy, retry later" at once (503 for files, 429 for
/// logins, with Retry-After) instead of queueing without end, and serves
/// again once it drains.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn full_pools_answer_busy_and_recover() {
    for app in App::all().await {
        let l = app.label();
        let officer = app.login("phuong").await;
        let (passwords, parses) = app.state.pools();
        let file = hostile_xlsx();

        let release = fill(parses, 8).await;
        for path in ["/api/v1/models/import", "/api/v1/data-values/import"] {
            let r = officer.upload(path, "so-lieu.xlsx", &file).await;
            assert_eq!(
                r.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{l} {path}: {}",
                r.body
            );
            assert_eq!(r.json()["error"]["code"], "busy", "{l}");
            assert_eq!(r.headers[header::RETRY_AFTER], "5", "{l}");
        }
        let r = officer
            .upload("/models/import", "so-lieu.xlsx", &file)
            .await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{l}: the page too"
        );
        release.send(true).unwrap();
        while parses.waiting() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let r = officer
            .upload("/api/v1/models/import", "so-lieu.xlsx", &file)
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{l}: read again: {}",
            r.body
        );

        let release = fill(passwords, 32).await;
        let r = app.send(login_request("lanhdao", PASSWORD)).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{l}: {}", r.body);
        assert_eq!(r.headers[header::RETRY_AFTER], "2", "{l}");
        release.send(true).unwrap();
        while passwords.waiting() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let r = app.send(login_request("lanhdao", PASSWORD)).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: logs in again: {}", r.body);
    }
}

/// The 1 KB file that stopped the server is refused with a problem naming
/// the limit, by both imports and their pages, and the server goes on.
#[tokio::test]
async fn a_crafted_spreadsheet_is_refused_and_the_server_goes_on() {
    for app in App::all().await {
        let l = app.label();
        let file = hostile_xlsx();
        assert!(file.len() < 2048, "{}", file.len());
        let c = app.login("tinh").await;
        for path in ["/api/v1/models/import", "/api/v1/data-values/import"] {
            let r = c.upload(path, "tan-cong.xlsx", &file).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {path}: {}", r.body);
            let message = r.json()["error"]["message"].as_str().unwrap().to_string();
            assert!(message.contains("tối đa"), "{l}: {message}");
        }
        for path in ["/models/import", "/statistics/import"] {
            let r = c.upload(path, "tan-cong.xlsx", &file).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {path}");
            assert!(r.body.contains("tối đa"), "{l}: {path}");
        }
        assert_eq!(
            app.anonymous(Method::GET, "/healthz").await.status,
            StatusCode::OK
        );
    }
}

/// The server loop: a client that sends its header slowly, or keeps an
/// idle connection, is cut off after the header timeout (axum::serve
/// gave hyper no timer: such a client held its connection forever).
#[tokio::test]
async fn slow_headers_and_idle_connections_are_cut_off() {
    let app = App::all().await.into_iter().next().unwrap();
    let server = Served::start(
        &app,
        web::server::ServerLimits {
            max_connections: 64,
            header_read_timeout: Duration::from_millis(500),
        },
    )
    .await;
    let addr = server.addr;

    // Half a header, then silence: the server closes the connection.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf))
        .await
        .expect("the server must close a slow header")
        .unwrap_or(0);
    let _ = n;
    assert!(started.elapsed() < Duration::from_secs(3));

    // A whole request is answered; the idle connection after it is closed.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut answer)).await;
    assert!(closed.is_ok(), "the idle connection must be closed");
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.to_lowercase().contains("content-security-policy"));

    server.stop().await;
}

/// A real server on a free local port, for the tests of the connection
/// limits (the router alone has no connections).
struct Served {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start(app: &App, limits: web::server::ServerLimits) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(web::server::serve(
            listener,
            app.router.clone(),
            limits,
            async move {
                let _ = stopped.await;
            },
        ));
        Served { addr, stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

/// Past `max_connections` a new connection is not served until one of
/// those open closes (it waits in the kernel's queue): a flood of idle
/// connections holds a bounded number of tasks and buffers.
#[tokio::test]
async fn connections_past_the_cap_wait_for_a_free_one() {
    let app = App::all().await.into_iter().next().unwrap();
    let server = Served::start(
        &app,
        web::server::ServerLimits {
            max_connections: 2,
            header_read_timeout: Duration::from_secs(30),
        },
    )
    .await;
    let addr = server.addr;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 512];
        let n = c.read(&mut buf).await.unwrap();
        assert!(
            buf[..n].starts_with(b"HTTP/1.1 200"),
            "served while under the cap"
        );
        held.push(c);
    }
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let waited =
        tokio::time::timeout(Duration::from_millis(700), third.read_to_end(&mut answer)).await;
    assert!(
        waited.is_err(),
        "a third connection was served past a cap of two"
    );
    drop(held.pop());
    tokio::time::timeout(Duration::from_secs(5), third.read_to_end(&mut answer))
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));

    drop(held);
    server.stop().await;
}

/// An exemplar outside the scope answered as found (its rating and
/// founding date shaped the error, and a replica could be made of it);
/// now it is "not found" like an id that does not exist, and a replica's
/// list row shows no name of it.
#[tokio::test]
async fn an_exemplar_outside_the_scope_is_not_found() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let types = admin.get("/api/v1/model-types").await.json();
        let patrol = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "to_tuan_tra_nhan_dan")
            .unwrap()["id"]
            .clone();
        let model = |unit: i64, name: &str, from: Option<i64>| {
            json!({"type_id": patrol, "org_unit_id": unit, "name": name,
                   "founded_on": "2025-09-01", "replicated_from": from})
        };
        // An exemplar in Hà Nội, out of every Ninh Bình scope, founded in July.
        let mut exemplar = model(app.ba_dinh, "Tổ Ba Đình", None);
        exemplar["founded_on"] = json!("2025-07-10");
        let r = admin.write(Method::POST, "/api/v1/models", exemplar).await;
        let far = r.json()["id"].as_i64().unwrap();
        let far = {
            let rating = json!({"year": 2025, "rating": "good", "rated_on": "2025-12-20",
                                "rater": "Công an thành phố", "exemplar": true});
            let path = format!("/api/v1/models/{far}/ratings");
            assert_eq!(
                admin.write(Method::POST, &path, rating).await.status,
                StatusCode::CREATED
            );
            far
        };
        let officer = app.login("phuong").await;
        let mut answers = Vec::new();
        for id in [far, 999_999_999] {
            let r = officer
                .write(
                    Method::POST,
                    "/api/v1/models",
                    model(app.ward, "Tổ nhân rộng", Some(id)),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
            answers.push(r.json()["error"].clone());
        }
        assert_eq!(answers[0], answers[1], "{l}: same answer as a missing id");
        assert!(!answers[0].to_string().contains("Ba Đình"));

        // A replica made by the administrator: the officer sees the
        // exemplar's id but not its name, and may still edit the replica.
        let r = admin
            .write(
                Method::POST,
                "/api/v1/models",
                model(app.ward, "Tổ nhân rộng", Some(far)),
            )
            .await;
        let replica = r.json()["id"].as_i64().unwrap();
        let row = officer
            .get(&format!("/api/v1/models/{replica}"))
            .await
            .json();
        assert_eq!(row["replicated_from"], far, "{l}");
        assert_eq!(row["replicated_from_name"], serde_json::Value::Null, "{l}");
        let list = officer.get("/api/v1/models?q=nhan+rong").await;
        assert!(!list.body.contains("Tổ Ba Đình"), "{l}: {}", list.body);
        let path = format!("/api/v1/models/{replica}");
        let r = officer
            .write(Method::PATCH, &path, json!({"members": 12}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        // Nor in what a write answers.
        assert_eq!(
            r.json()["replicated_from_name"],
            serde_json::Value::Null,
            "{l}"
        );
        assert!(!r.body.contains("Ba Đình"), "{l}: {}", r.body);
        let status = json!({"status": "paused", "date": "2025-10-01", "reason": "Tạm dừng"});
        let r = officer
            .write(Method::POST, &format!("{path}/status"), status)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        assert!(!r.body.contains("Ba Đình"), "{l}: {}", r.body);
        // Nor its founding day: an earlier founding day for the replica is
        // refused alike whether it falls before the exemplar's (5 July) or
        // after it (1 August), and a later one is taken.
        let mut refusals = Vec::new();
        for day in ["2025-07-05", "2025-08-01"] {
            let r = officer
                .write(Method::PATCH, &path, json!({"founded_on": day}))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l} {day}: {}", r.body);
            refusals.push(r.json()["error"].clone());
        }
        assert_eq!(refusals[0], refusals[1], "{l}: the answer tells the day");
        let r = officer
            .write(Method::PATCH, &path, json!({"founded_on": "2025-09-15"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
    }
}

/// HSTS when asked for, on every answer; and the refusals a user gets
/// before changing a reset password are audited like any other.
#[tokio::test]
async fn hsts_on_request_and_password_change_refusals_audited() {
    for app in App::all().await {
        let l = app.label();
        let router = app.router_with(web::WebConfig {
            hsts_max_age: Some(31_536_000),
            ..Default::default()
        });
        for path in ["/healthz", "/khong-co", "/api/v1/org-units"] {
            let r = send_to(&router, Request::get(path).body(Body::empty()).unwrap()).await;
            assert_eq!(
                r.headers[header::STRICT_TRANSPORT_SECURITY],
                "max-age=31536000; includeSubDomains",
                "{l}: {path}"
            );
        }
        let plain = app.anonymous(Method::GET, "/healthz").await;
        assert!(!plain
            .headers
            .contains_key(header::STRICT_TRANSPORT_SECURITY));

        let (user, _) = store::accounts::find_by_username(&app.t.db, "lanhdao")
            .await
            .unwrap()
            .unwrap();
        let hash = domain::accounts::NewPassword::parse("mat-khau-tam-thoi-9")
            .unwrap()
            .hash()
            .unwrap();
        store::accounts::set_password(&app.t.db, Author::System, user.id, &hash, true, None)
            .await
            .unwrap();
        let c = app.login_with("lanhdao", "mat-khau-tam-thoi-9").await;
        let r = c.get("/api/v1/org-units").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let refused = refusals(&app, Some("lanhdao")).await;
        assert!(
            refused
                .iter()
                .any(|r| r.entity_id == "GET /api/v1/org-units"
                    && r.after_json
                        .as_deref()
                        .unwrap_or("")
                        .contains("password_change_required")),
            "{l}: {refused:?}"
        );
    }
}

/// A token's first use owes a write (its last use, audited); during a long
/// write (an import, a rollup rebuild) that write waited for the lock
/// inside the request, and the read failed with 503 after ten seconds.
/// The read answers at once now; the use is noted once the write ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_do_not_wait_for_a_long_write() {
    for app in App::all().await {
        let l = app.label();
        let (_, token, id) = new_token(&app, "admin", "đọc trong lúc ghi").await;
        // A long write holds the write lock (SQLite) and the audit chain (both).
        let mut long_write = app.t.db.begin().await.unwrap();
        store::audit::record(
            &mut long_write,
            store::audit::Change::<(), _> {
                author: Author::System,
                action: "update",
                entity: "test",
                entity_id: "1".into(),
                before: None,
                after: Some(&json!({"long": true})),
            },
        )
        .await
        .unwrap();
        let started = Instant::now();
        let status = tokio::time::timeout(
            Duration::from_secs(3),
            app.bearer(&token, "/api/v1/org-units"),
        )
        .await;
        assert_eq!(
            status.ok(),
            Some(StatusCode::OK),
            "{l}: the read waited {:?}",
            started.elapsed()
        );
        long_write.rollback().await.unwrap();
        // The use is noted once the lock is free.
        let noted = async {
            loop {
                let tokens = store::accounts::list_tokens(&app.t.db).await.unwrap();
                if tokens
                    .iter()
                    .any(|t| t.id == id && t.last_used_at.is_some())
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        };
        assert!(
            tokio::time::timeout(Duration::from_secs(15), noted)
                .await
                .is_ok(),
            "{l}: the token's use was never noted"
        );
    }
}
