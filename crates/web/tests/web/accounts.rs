use axum::http::{Method, StatusCode};
use domain::accounts::NewPassword;
use serde_json::json;
use store::audit::Author;

use crate::harness::{App, PASSWORD};

#[tokio::test]
async fn a_reset_password_must_be_changed_and_the_change_ends_other_sessions() {
    for app in App::all().await {
        let l = app.label();
        let (user, _) = store::accounts::find_by_username(&app.t.db, "doitac")
            .await
            .unwrap()
            .unwrap();
        let temp = "mật-khẩu-tạm-thời-1";
        let hash = NewPassword::parse(temp).unwrap().hash().unwrap();
        store::accounts::set_password(&app.t.db, Author::System, user.id, &hash, true, None)
            .await
            .unwrap();

        let first = app.login_with("doitac", temp).await;
        let second = app.login_with("doitac", temp).await;
        let r = second.get("/api/v1/org-units").await;
        assert_eq!(
            (r.status, r.json()["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("password_change_required")),
            "{l}"
        );
        let page = second.get("/org-units").await;
        assert_eq!(
            (page.status, page.headers["location"].to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/account")
        );
        let account = second.get("/account").await;
        assert!(
            account.body.contains("vừa được đặt lại"),
            "{l}: {}",
            account.body
        );
        let sessions = second.get("/api/v1/auth/sessions").await.json();
        assert_eq!(sessions["total"], 2, "{l}: {sessions}");

        for (body, field) in [
            (
                json!({"current_password": "sai-roi-sai-roi", "new_password": PASSWORD}),
                "current_password",
            ),
            (
                json!({"current_password": temp, "new_password": "ngan"}),
                "new_password",
            ),
            (
                json!({"current_password": temp, "new_password": temp}),
                "new_password",
            ),
        ] {
            let r = second
                .write(Method::POST, "/api/v1/auth/password", body)
                .await;
            assert_eq!(
                (r.status, r.field()),
                (StatusCode::BAD_REQUEST, field.to_string()),
                "{l}"
            );
        }
        // An API token made with the old password: revoked by the change.
        let token = format!("bh_{}", domain::accounts::new_secret());
        let token_hash = domain::accounts::secret_hash(&token);
        let token_id = store::accounts::create_token(
            &app.t.db,
            Author::System,
            user.id,
            &token_hash,
            "cũ",
            None,
        )
        .await
        .unwrap();
        assert_eq!(
            app.bearer(&token, "/api/v1/auth/sessions").await,
            StatusCode::OK
        );
        let r = second
            .write(
                Method::POST,
                "/api/v1/auth/password",
                json!({"current_password": temp, "new_password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(
            r.json(),
            json!({"sessions_ended": 1, "tokens_revoked": [{"id": token_id, "name": "cũ"}]}),
            "{l}"
        );
        assert_eq!(
            app.bearer(&token, "/api/v1/auth/sessions").await,
            StatusCode::UNAUTHORIZED,
            "{l}: the token ended with the old password"
        );
        assert_eq!(second.get("/api/v1/org-units").await.status, StatusCode::OK);
        assert_eq!(
            first.get("/api/v1/org-units").await.status,
            StatusCode::UNAUTHORIZED,
            "the other session ended"
        );
        let sessions = second.get("/api/v1/auth/sessions").await.json();
        assert_eq!(
            (
                sessions["total"].as_i64(),
                sessions["items"][0]["current"].as_bool()
            ),
            (Some(1), Some(true))
        );

        // Ending another's session (or a made-up one) is a 404.
        let other = app.login("admin").await;
        let theirs = other.get("/api/v1/auth/sessions").await.json()["items"][0]["id"].clone();
        let r = second
            .write(
                Method::POST,
                "/api/v1/auth/sessions/end",
                json!({"id": theirs, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get("/api/v1/org-units").await.status, StatusCode::OK);
        // The form way: the page lists sessions and ends one.
        let third = app.login("doitac").await;
        let id = third.get("/api/v1/auth/sessions").await.json()["items"][1]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = third
            .form(
                "/account/sessions/end",
                &[("session", &id), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            second.get("/api/v1/org-units").await.status,
            StatusCode::UNAUTHORIZED,
            "{l}"
        );
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn administrators_manage_users_and_nobody_escalates() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let body = json!({"username": "canbo.moi", "display_name": "Cán bộ mới", "role": "commune_officer",
                          "scopes": [app.ward], "password": "mật-khẩu-ban-đầu-1"});
        let r = admin
            .write(Method::POST, "/api/v1/users", body.clone())
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let created = r.json();
        assert_eq!(
            (
                created["must_change_password"].as_bool(),
                created["scopes"][0]["name"].as_str()
            ),
            (Some(true), Some("Phường Nam Định"))
        );
        let id = created["id"].as_i64().unwrap();
        assert_eq!(
            admin
                .write(Method::POST, "/api/v1/users", body)
                .await
                .status,
            StatusCode::CONFLICT
        );
        for (bad, field) in [
            (
                json!({"username": "x", "role": "admin", "password": PASSWORD}),
                "username",
            ),
            (
                json!({"username": "khong.pham.vi", "role": "viewer", "password": PASSWORD}),
                "scopes",
            ),
            (
                json!({"username": "sai.pham.vi", "role": "viewer", "scopes": [999999999], "password": PASSWORD}),
                "scopes",
            ),
            (
                json!({"username": "yeu.mat.khau", "role": "admin", "password": "123"}),
                "password",
            ),
            (
                json!({"username": "vai.tro.la", "role": "root", "password": PASSWORD}),
                "role",
            ),
        ] {
            let r = admin.write(Method::POST, "/api/v1/users", bad).await;
            assert_eq!(
                (r.status, r.field()),
                (StatusCode::BAD_REQUEST, field.to_string()),
                "{l}: {}",
                r.body
            );
        }
        // An administrator cannot lock themselves out.
        let me = admin.get("/api/v1/users").await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "admin")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/users/{me}"),
                json!({"role": "viewer"}),
            )
            .await;
        assert_eq!(r.field(), "role");
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/users/{me}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(r.field(), "disabled");

        // Nobody else reaches user administration, not even to raise themselves.
        let officer = app.login("phuong").await;
        let own = store::accounts::find_by_username(&app.t.db, "phuong")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        for (m, uri, b) in [
            (Method::GET, "/api/v1/users".to_string(), json!(null)),
            (
                Method::PATCH,
                format!("/api/v1/users/{own}"),
                json!({"role": "admin"}),
            ),
            (
                Method::PATCH,
                format!("/api/v1/users/{own}"),
                json!({"scopes": [app.ninh_binh]}),
            ),
            (
                Method::POST,
                "/api/v1/users".to_string(),
                json!({"username": "toi.la.admin", "role": "admin", "password": PASSWORD}),
            ),
        ] {
            let r = officer.write(m.clone(), &uri, b).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l} {m} {uri}");
        }
        assert_eq!(officer.get("/users").await.status, StatusCode::FORBIDDEN);
        let still = store::accounts::find_by_username(&app.t.db, "phuong")
            .await
            .unwrap()
            .unwrap()
            .0;
        assert_eq!(still.role, domain::accounts::Role::CommuneOfficer);

        // Disable ends sessions; a reset forces a change at next login.
        let victim = app.login("lanhdao").await;
        let vid = store::accounts::find_by_username(&app.t.db, "lanhdao")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/users/{vid}"),
                json!({"disabled": true}),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["disabled"].as_bool()),
            (StatusCode::OK, Some(true)),
            "{l}: {}",
            r.body
        );
        assert_eq!(
            victim.get("/api/v1/org-units").await.status,
            StatusCode::UNAUTHORIZED
        );
        let r = admin
            .write(
                Method::PATCH,
                &format!("/api/v1/users/{vid}"),
                json!({"disabled": false, "password": "dat-lai-mat-khau-9"}),
            )
            .await;
        assert_eq!(r.json()["must_change_password"], true);
        let back = app.login_with("lanhdao", "dat-lai-mat-khau-9").await;
        assert_eq!(
            back.get("/api/v1/org-units").await.json()["error"]["code"],
            "password_change_required"
        );

        // The page way: list, create with an error, then edit.
        let page = admin.get("/users").await;
        assert!(
            page.body.contains("canbo.moi") && page.body.contains("chờ đổi mật khẩu"),
            "{l}"
        );
        let r = admin
            .form(
                "/users",
                &[
                    ("username", "canbo.hai"),
                    ("role", "viewer"),
                    ("scopes", "abc"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.body.contains("scopes") && r.body.contains("canbo.hai"),
            "what was typed stays"
        );
        let r = admin
            .form(
                "/users",
                &[
                    ("username", "canbo.hai"),
                    ("role", "viewer"),
                    // A scope is named as people know it: its name, even
                    // typed without diacritics.
                    ("scopes", "tinh ninh binh"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let ward = store::org_units::get(&app.t.db, store::accounts::Scope::All, app.ward)
            .await
            .unwrap()
            .unwrap();
        let code = ward.unit.code.clone().unwrap();
        let r = admin
            .form(
                &format!("/users/{id}"),
                &[
                    ("display_name", "Cán bộ đổi tên"),
                    ("role", "commune_officer"),
                    // Or by its national code.
                    ("scopes", &code),
                ],
            )
            .await;
        assert!(
            r.body.contains("Cán bộ đổi tên") && r.body.contains("Đã lưu"),
            "{l}"
        );
        // The form shows the scope by name and code, never by id.
        assert!(
            r.body.contains(&format!("{}, ", ward.unit.name))
                && r.body.contains(&format!("({code})")),
            "{l}: {}",
            r.body
        );
        assert!(!r.body.contains(&format!("value=\"{}\"", app.ward)), "{l}");
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}

async fn api_login(
    app: &App,
    username: &str,
    totp: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let r = app
        .send(
            axum::http::Request::post("/api/v1/auth/login")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    json!({"username": username, "password": PASSWORD, "totp": totp}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    (r.status, serde_json::from_str(&r.body).unwrap_or_default())
}

#[tokio::test]
async fn a_second_factor_is_set_up_used_once_per_code_and_required_of_admins() {
    for app in App::all().await {
        let l = app.label();
        let c = app.login("tinh").await;
        let start = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/start",
                json!({"password": PASSWORD}),
            )
            .await
            .json();
        let secret = start["secret"].as_str().unwrap().to_string();
        assert!(start["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/"));
        let now = || chrono::Utc::now().timestamp();
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/confirm",
                json!({"code": "abcdef"}),
            )
            .await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::BAD_REQUEST, "code".to_string()),
            "{l}"
        );
        let code = domain::totp::current_code(&secret, now()).unwrap();
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/confirm",
                json!({"code": code}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let codes = r.json()["recovery_codes"].clone();
        assert_eq!(codes.as_array().unwrap().len(), 10);

        // Logging in now needs a code; a wrong one is a failed login.
        assert_eq!(
            api_login(&app, "tinh", None).await.1["error"]["code"],
            "totp_required",
            "{l}"
        );
        assert_eq!(
            api_login(&app, "tinh", Some("12345x")).await.1["error"]["code"],
            "totp_invalid"
        );
        // The confirming code was used: it does not log in again.
        let used = code.clone();
        let (status, _) = api_login(&app, "tinh", Some(&used)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{l}: a code works once");
        // A recovery code works, once.
        let rc = codes[0].as_str().unwrap().to_lowercase();
        assert_eq!(
            api_login(&app, "tinh", Some(&rc)).await.0,
            StatusCode::OK,
            "{l}"
        );
        assert_eq!(
            api_login(&app, "tinh", Some(&rc)).await.0,
            StatusCode::UNAUTHORIZED
        );

        // Turning it off needs the password and a code.
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/disable",
                json!({"password": "sai-mat-khau-99", "code": codes[1]}),
            )
            .await;
        assert_eq!(
            (r.status, r.field()),
            (StatusCode::BAD_REQUEST, "password".to_string())
        );
        let r = c
            .write(
                Method::POST,
                "/api/v1/auth/totp/disable",
                json!({"password": PASSWORD, "code": codes[1]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
        assert_eq!(api_login(&app, "tinh", None).await.0, StatusCode::OK);

        // With --require-2fa-admin an administrator must set one up first.
        let config = web::WebConfig {
            require_2fa_admin: true,
            ..Default::default()
        };
        let strict = web::router(web::AppState::new(app.t.db.clone(), config).unwrap());
        let admin = app.login("admin").await;
        let send = |uri: &str| {
            let req = admin
                .request(Method::GET, uri)
                .body(axum::body::Body::empty())
                .unwrap();
            let router = strict.clone();
            async move { tower::ServiceExt::oneshot(router, req).await.unwrap() }
        };
        let r = send("/api/v1/org-units").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{l}");
        assert_eq!(send("/org-units").await.headers()["location"], "/account");
        assert_eq!(send("/account").await.status(), StatusCode::OK);
        // Both refusals are in the audit log, under the administrator.
        let q = store::audit::AuditQuery {
            entity: Some("route".into()),
            username: Some("admin".into()),
            page: domain::page::Page::parse(Some("1"), Some("100")).unwrap(),
            ..Default::default()
        };
        let (records, _) = store::audit::search(&app.t.db, store::accounts::Scope::All, &q)
            .await
            .unwrap();
        let refused: Vec<&str> = records
            .iter()
            .filter(|r| {
                r.action == "refused"
                    && r.after_json
                        .as_deref()
                        .is_some_and(|j| j.contains("two_factor_required"))
            })
            .map(|r| r.entity_id.as_str())
            .collect();
        assert!(
            refused.contains(&"GET /api/v1/org-units"),
            "{l}: {refused:?}"
        );
        assert!(refused.contains(&"GET /org-units"), "{l}: {refused:?}");
        // Other roles are not concerned.
        let viewer = app.login("lanhdao").await;
        let req = viewer
            .request(Method::GET, "/api/v1/org-units")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(
            tower::ServiceExt::oneshot(strict.clone(), req)
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}
