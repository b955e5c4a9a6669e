use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::harness::{routes, App};

const PUBLIC: &[&str] = &[
    "/healthz",
    "/metrics",
    "/login",
    "/static/app.css",
    "/lang",
    "/api/v1/auth/login",
    "/favicon.ico",
    // Citizens' tips: the sender has no account.
    "/to-giac",
    "/to-giac/theo-doi",
    "/to-giac/theo-doi/bo-sung",
    "/api/v1/public/tips",
    "/api/v1/public/tips/{receipt}",
    "/api/v1/public/tips/{receipt}/messages",
];

#[tokio::test]
async fn deny_by_default_scope_and_roles() {
    for app in App::all().await {
        let l = app.label();
        // Anonymous: every non-public route is refused (401 on the API, login redirect on pages).
        let all: Vec<(Method, String)> = routes()
            .into_iter()
            .map(|(m, p)| (m, p.replace("{id}", "1").replace("{file}", "app.css")))
            .collect();
        assert!(all.len() >= 15, "{all:?}");
        // The router's own list of public routes is this test's list.
        let public: std::collections::BTreeSet<String> = web::route_table()
            .into_iter()
            .filter(|(_, public)| *public)
            .map(|(r, _)| r.path.replace("{file}", "app.css"))
            .collect();
        let listed: std::collections::BTreeSet<String> =
            PUBLIC.iter().map(|p| p.to_string()).collect();
        assert_eq!(public, listed, "public routes");
        for (method, path) in &all {
            let r = app.anonymous(method.clone(), path).await;
            if PUBLIC.contains(&path.as_str()) {
                assert!(r.status.as_u16() < 500, "{l} {method} {path}: {}", r.status);
                continue;
            }
            if path.starts_with("/api/") {
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{l} {method} {path}");
                assert_eq!(r.json()["error"]["code"], "unauthorized");
            } else {
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{l} {method} {path}");
                assert!(r.headers["location"]
                    .to_str()
                    .unwrap()
                    .starts_with("/login"));
            }
            assert!(r.headers.contains_key("content-security-policy"));
        }

        // Redirects stay on this site, whatever is smuggled in.
        for target in [
            "//evil.example",
            "/%09/evil.example",
            "/%0Ax",
            "https://evil.example",
        ] {
            let r = app
                .anonymous(Method::GET, &format!("/lang?to=en&back={target}"))
                .await;
            assert_eq!(
                (r.status, r.headers["location"].to_str().unwrap()),
                (StatusCode::SEE_OTHER, "/"),
                "{target}"
            );
        }
        let r = app
            .send(
                axum::http::Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("sec-fetch-site", "same-origin")
                    .body(axum::body::Body::from(format!(
                        "username=admin&password={}&next=/%09/evil.example",
                        form_urlencoded::byte_serialize(crate::harness::PASSWORD.as_bytes())
                            .collect::<String>()
                    )))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.headers["location"], "/", "{l}");
        // The API login takes JSON only, and odd usernames are just wrong.
        let r = app
            .send(
                axum::http::Request::post("/api/v1/auth/login")
                    .header("content-type", "text/plain")
                    .body(axum::body::Body::from(
                        json!({"username": "admin", "password": crate::harness::PASSWORD})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let r = app
            .send(
                axum::http::Request::post("/api/v1/auth/login")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(
                        json!({"username": "a\u{0}b", "password": "x"}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{l}: {}", r.body);

        // Failed logins slow down: after three, the next has to wait, even
        // with the right password, and an unknown name is treated alike.
        for who in ["bikhoa", "khong-ai-ca"] {
            let mut last = StatusCode::OK;
            for _ in 0..4 {
                let r = app
                    .send(
                        axum::http::Request::post("/api/v1/auth/login")
                            .header("content-type", "application/json")
                            .body(axum::body::Body::from(
                                json!({"username": who, "password": "sai-mat-khau-123"})
                                    .to_string(),
                            ))
                            .unwrap(),
                    )
                    .await;
                last = r.status;
            }
            assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{l} {who}");
        }
        let r = app
            .send(
                axum::http::Request::post("/api/v1/auth/login")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(
                        json!({"username": "bikhoa", "password": crate::harness::PASSWORD})
                            .to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (StatusCode::TOO_MANY_REQUESTS, Some("throttled"))
        );

        // Wrong password and unknown user get the same answer.
        let bad = |u: &str| json!({"username": u, "password": "sai-mat-khau-123"}).to_string();
        let mut answers = Vec::new();
        for u in ["admin", "khong-ton-tai"] {
            let r = app
                .send(
                    axum::http::Request::post("/api/v1/auth/login")
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(bad(u)))
                        .unwrap(),
                )
                .await;
            answers.push((r.status, r.body));
        }
        assert_eq!(answers[0], answers[1]);
        assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);

        // A commune officer sees nothing of another commune: 404, omitted from lists.
        let other = app.login("khac").await;
        assert_eq!(
            other
                .get(&format!("/api/v1/org-units/{}", app.ward))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get(&format!("/org-units/{}", app.ward)).await.status,
            StatusCode::NOT_FOUND
        );
        let list = other.get("/api/v1/org-units?q=nam+dinh").await.json();
        assert_eq!(list["total"], 0, "{l}: {list}");
        let r = other
            .write(
                Method::POST,
                "/api/v1/org-units",
                json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward}),
            )
            .await;
        assert_eq!(
            (r.status, r.field().as_str()),
            (StatusCode::BAD_REQUEST, "parent_id")
        );
        // Scope follows the 2025 mapping: the Nam Định officer sees legacy Vị Xuyên.
        let officer = app.login("phuong").await;
        assert_eq!(
            officer
                .get(&format!("/api/v1/org-units/{}", app.vi_xuyen))
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            officer
                .get(&format!("/api/v1/org-units/{}", app.ba_dinh))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let page = officer.get(&format!("/org-units/{}", app.ward)).await.body;
        assert!(page.contains("Tỉnh Ninh Bình"), "the province is named");
        let link = format!("href=\"/org-units/{}\"", app.ninh_binh);
        assert!(!page.contains(&link), "but not linked: it is out of scope");
        // Province staff of Ninh Bình reach legacy Nam Định's units.
        let staff = app.login("tinh").await;
        let legacy = staff
            .get("/api/v1/org-units?level=province&as_of=2025-06-30")
            .await
            .json();
        let names: Vec<&str> = legacy["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 3, "{l}: {names:?}");
        assert!(names.contains(&"Tỉnh Nam Định"));

        // Read-only roles cannot write.
        for who in ["lanhdao", "doitac"] {
            let c = app.login(who).await;
            let r = c
                .write(
                    Method::POST,
                    "/api/v1/org-units",
                    json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward}),
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        }

        // Cookie-authenticated writes need the CSRF token.
        let admin = app.login("admin").await;
        let no_csrf = app
            .send(
                admin
                    .request(Method::POST, "/api/v1/org-units")
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from(json!({"level": "village", "kind": "thon", "name": "X", "parent_id": app.ward}).to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            (no_csrf.status, no_csrf.json()["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("csrf"))
        );
        let forged = app
            .send(
                admin
                    .request(Method::POST, "/logout")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(axum::body::Body::from("csrf=forged"))
                    .unwrap(),
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        // Oversized bodies are refused and change nothing.
        let big = json!({"level": "village", "kind": "thon", "name": "x".repeat(2 * 1024 * 1024), "parent_id": app.ward});
        let r = admin.write(Method::POST, "/api/v1/org-units", big).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{l}");

        // Logout ends the session on the server.
        let r = admin
            .write(Method::POST, "/api/v1/auth/logout", json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        assert_eq!(
            admin.get("/api/v1/org-units").await.status,
            StatusCode::UNAUTHORIZED
        );

        // Operations.
        let h = app.anonymous(Method::GET, "/healthz").await;
        assert_eq!(
            (h.status, h.json()["database"].as_str()),
            (StatusCode::OK, Some("ok"))
        );
        // Metrics: for a scraper on the server itself (see hardening.rs).
        let mut req = axum::http::Request::get("/metrics")
            .body(axum::body::Body::empty())
            .unwrap();
        let local: std::net::SocketAddr = "127.0.0.1:9".parse().unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(local));
        let m = app.send(req).await;
        assert!(
            m.body.contains(
                "binhyen_http_requests_total{method=\"GET\",route=\"/api/v1/org-units/{id}\""
            ),
            "{}",
            m.body
        );
        assert!(m.body.contains("binhyen_db_pool_connections"));
        let page = app.anonymous(Method::GET, "/login").await;
        assert_eq!(page.headers["cache-control"], "no-store");
        assert!(page.body.contains("Đăng nhập"));
    }
}

#[tokio::test]
async fn openapi_document_is_served_to_users() {
    for app in App::all().await {
        let admin = app.login("admin").await;
        let r = admin.get("/api/v1/openapi.json").await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["openapi"], "3.1.0");
        assert!(r.json()["paths"]["/api/v1/org-units"]["get"].is_object());
        // The browsable page and its embedded files: no CDN, behind login.
        let page = admin.get("/api/docs").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body.contains("/api/docs/swagger-ui-bundle.js"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("https://"), "{}", page.body);
        for file in ["swagger-ui-bundle.js", "swagger-ui.css", "start.js"] {
            let r = admin.get(&format!("/api/docs/{file}")).await;
            assert_eq!(r.status, StatusCode::OK, "{file}");
        }
        // Swagger UI reads this server's document, and asks no validator.
        let start = admin.get("/api/docs/start.js").await;
        assert!(start.body.contains("\"/api/v1/openapi.json\""));
        assert!(start.body.contains("validatorUrl: null"));
        assert_eq!(
            admin.get("/api/docs/app.js").await.status,
            StatusCode::NOT_FOUND
        );
        let anonymous = app.anonymous(Method::GET, "/api/docs").await;
        assert_ne!(anonymous.status, StatusCode::OK);
    }
}
