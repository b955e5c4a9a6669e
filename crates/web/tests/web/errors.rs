//! Refusals are the same for every client: a stable `reason` and its
//! `args`, with the message in the request's language (`Accept-Language`
//! on the API, the `lang` cookie for people).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client, Res};

/// A JSON request as an API client sends it, with extra headers.
async fn api(
    c: &Client<'_>,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(header::HeaderName, &str)],
) -> Res {
    let mut req = c
        .request(method, uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &c.csrf);
    for (k, v) in headers {
        req = req.header(k, *v);
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    c.app.send(req.body(body).unwrap()).await
}

/// A form post as the browser sends it, with the session and other cookies.
async fn form(c: &Client<'_>, uri: &str, cookies: &str, fields: &[(&str, &str)]) -> Res {
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("csrf", &c.csrf);
    for (k, v) in fields {
        s.append_pair(k, v);
    }
    let cookie = format!("{}{cookies}", c.cookie);
    c.app
        .send(
            Request::post(uri)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT_LANGUAGE, "vi")
                .body(Body::from(s.finish()))
                .unwrap(),
        )
        .await
}

fn error(r: &Res) -> Value {
    r.json()["error"].clone()
}

#[tokio::test]
async fn the_same_refusal_reads_in_vietnamese_or_english_with_the_same_reason() {
    for app in App::all().await {
        let l = app.label();
        let c = app.login("tinh").await;
        let nameless =
            json!({"level": "village", "kind": "thon", "name": " ", "parent_id": app.ward});
        let vi = api(
            &c,
            Method::POST,
            "/api/v1/org-units",
            Some(nameless.clone()),
            &[],
        )
        .await;
        let en = api(
            &c,
            Method::POST,
            "/api/v1/org-units",
            Some(nameless.clone()),
            &[(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,vi;q=0.5")],
        )
        .await;
        for r in [&vi, &en] {
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
            let e = error(r);
            assert_eq!(e["code"], "invalid", "{l}");
            assert_eq!(e["reason"], "name_empty", "{l}");
            assert_eq!(e["field"], "name", "{l}");
            assert_eq!(e["args"], json!({}), "{l}");
        }
        assert_eq!(error(&vi)["message"], "tên không được để trống", "{l}");
        assert_eq!(error(&en)["message"], "the name must not be empty", "{l}");
        assert_eq!(vi.headers[header::CONTENT_LANGUAGE], "vi", "{l}");
        assert_eq!(en.headers[header::CONTENT_LANGUAGE], "en", "{l}");

        // The `lang` cookie, a person's choice, wins over the header.
        let cookie = format!("{}; lang=vi", c.cookie);
        let chosen = api(
            &c,
            Method::POST,
            "/api/v1/org-units",
            Some(nameless),
            &[(header::ACCEPT_LANGUAGE, "en"), (header::COOKIE, &cookie)],
        )
        .await;
        assert_eq!(error(&chosen)["reason"], "name_empty", "{l}");
        assert_eq!(error(&chosen)["message"], "tên không được để trống", "{l}");

        // A choice among coded values: labels in the message, codes in args.
        let unknown =
            json!({"level": "hamlet", "kind": "thon", "name": "Thôn Mới", "parent_id": app.ward});
        let vi = api(
            &c,
            Method::POST,
            "/api/v1/org-units",
            Some(unknown.clone()),
            &[],
        )
        .await;
        let en = api(
            &c,
            Method::POST,
            "/api/v1/org-units",
            Some(unknown),
            &[(header::ACCEPT_LANGUAGE, "en")],
        )
        .await;
        let codes = json!(["province", "district", "commune", "village", "site"]);
        for r in [&vi, &en] {
            assert_eq!(error(r)["reason"], "level_unknown", "{l}: {}", r.body);
            assert_eq!(error(r)["args"]["allowed"], codes, "{l}");
        }
        let vi_text = error(&vi)["message"].as_str().unwrap().to_string();
        assert!(
            vi_text.contains("«Thôn, tổ dân phố»") && !vi_text.contains("village"),
            "{l}: {vi_text}"
        );
        assert_eq!(
            error(&en)["message"],
            "unknown level: use province, district, commune, village or site",
            "{l}"
        );
    }
}

#[tokio::test]
async fn web_refusals_have_reasons_and_english_too() {
    for app in App::all().await {
        let l = app.label();
        let viewer = app.login("lanhdao").await;
        let en = [(header::ACCEPT_LANGUAGE, "en")];
        let body =
            json!({"level": "village", "kind": "thon", "name": "Thôn Mới", "parent_id": app.ward});

        // The role refusal names the action and the roles that may take it.
        let vi = api(
            &viewer,
            Method::POST,
            "/api/v1/org-units",
            Some(body.clone()),
            &[],
        )
        .await;
        let r = api(&viewer, Method::POST, "/api/v1/org-units", Some(body), &en).await;
        for r in [&vi, &r] {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {}", r.body);
            let e = error(r);
            assert_eq!(e["code"], "forbidden", "{l}");
            assert_eq!(e["reason"], "role_not_allowed", "{l}");
            assert_eq!(e["args"]["action"], "manage_org_units", "{l}");
            assert_eq!(
                e["args"]["roles"],
                json!(["admin", "province_staff", "commune_officer"]),
                "{l}"
            );
        }
        assert_eq!(
            error(&r)["message"],
            "your role may not manage villages and sites (only Administrator, Province staff or Commune officer)",
            "{l}"
        );
        assert!(
            error(&vi)["message"]
                .as_str()
                .unwrap()
                .starts_with("vai trò của bạn không được quản lý"),
            "{l}: {}",
            vi.body
        );

        // Unknown paths, bad parameters, formats: each its reason.
        let cases: [(&str, StatusCode, &str, &str); 3] = [
            (
                "/api/v1/nothing-here",
                StatusCode::NOT_FOUND,
                "not_found",
                "not found",
            ),
            (
                "/api/v1/org-units?page=0",
                StatusCode::BAD_REQUEST,
                "page_invalid",
                "the page must be a whole number from 1",
            ),
            (
                "/api/v1/models?format=pdf",
                StatusCode::BAD_REQUEST,
                "format_unknown",
                "the format must be JSON, XLSX or CSV",
            ),
        ];
        for (uri, status, reason, english) in cases {
            let vi = api(&viewer, Method::GET, uri, None, &[]).await;
            let r = api(&viewer, Method::GET, uri, None, &en).await;
            assert_eq!(r.status, status, "{l}: {uri}: {}", r.body);
            assert_eq!(error(&r)["reason"], reason, "{l}: {uri}");
            assert_eq!(error(&vi)["reason"], reason, "{l}: {uri}");
            assert_eq!(error(&r)["message"], english, "{l}: {uri}");
            assert_ne!(error(&vi)["message"], english, "{l}: {uri}");
        }
        let r = api(&viewer, Method::GET, "/api/v1/models?format=pdf", None, &[]).await;
        assert_eq!(
            error(&r)["message"],
            "định dạng phải là JSON, XLSX hoặc CSV",
            "{l}"
        );
        assert_eq!(error(&r)["args"]["allowed"], json!(["json", "xlsx", "csv"]));

        // The OpenAPI document describes the two fields.
        let doc = viewer.get("/api/v1/openapi.json").await.json();
        let body = &doc["components"]["schemas"]["ProblemBody"];
        for f in ["code", "reason", "message", "args"] {
            assert!(
                body["required"].as_array().unwrap().contains(&json!(f)),
                "{l}: {f}: {body}"
            );
        }
        assert_eq!(
            body["properties"]["reason"]["type"], "string",
            "{l}: {body}"
        );
        assert_eq!(body["properties"]["args"]["type"], "object", "{l}: {body}");

        // Before any login: the login refusal itself.
        let r = app
            .send(
                Request::post("/api/v1/auth/login")
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ACCEPT_LANGUAGE, "en")
                    .body(Body::from(
                        json!({"username": "tinh", "password": "sai-mat-khau-roi"}).to_string(),
                    ))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{l}: {}", r.body);
        assert_eq!(error(&r)["reason"], "login_failed", "{l}");
        assert_eq!(error(&r)["message"], "wrong username or password", "{l}");
    }
}

#[tokio::test]
async fn an_english_page_shows_the_english_refusal() {
    for app in App::all().await {
        let l = app.label();
        let c = app.login("tinh").await;
        let ward = app.ward.to_string();
        let fields = [
            ("level", "village"),
            ("kind", "thon"),
            ("name", ""),
            ("parent_id", ward.as_str()),
        ];
        let en = form(&c, "/org-units", "; lang=en", &fields).await;
        assert_eq!(en.status, StatusCode::BAD_REQUEST, "{l}: {}", en.body);
        assert!(
            en.body.contains("the name must not be empty"),
            "{l}: {}",
            en.body
        );
        assert!(!en.body.contains("tên không được để trống"), "{l}");

        // Without the cookie a page is Vietnamese, whatever the browser
        // asks for, like the rest of the page.
        let vi = form(&c, "/org-units", "", &fields).await;
        assert_eq!(vi.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(
            vi.body.contains("tên không được để trống"),
            "{l}: {}",
            vi.body
        );
        let en_browser = c
            .app
            .send(
                Request::get("/org-units?as_of=31-12-2024")
                    .header(header::COOKIE, &c.cookie)
                    .header(header::ACCEPT_LANGUAGE, "en")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(en_browser.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(
            en_browser.body.contains("ngày không hợp lệ"),
            "{l}: {}",
            en_browser.body
        );

        // The same bad filter on an English page.
        let en_list = c
            .app
            .send(
                Request::get("/org-units?as_of=31-12-2024")
                    .header(header::COOKIE, format!("{}; lang=en", c.cookie))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(en_list.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(
            en_list
                .body
                .contains("not a valid date: use YYYY-MM-DD (years 1900-2100)"),
            "{l}: {}",
            en_list.body
        );
    }
}
