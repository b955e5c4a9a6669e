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
        store::accounts::set_password(&app.t.db, Author::System, user.id, &hash, true)
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
        assert!(account.body.contains("vừa được đặt lại"), "{l}");
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
        let r = second
            .write(
                Method::POST,
                "/api/v1/auth/password",
                json!({"current_password": temp, "new_password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
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
                json!({"id": theirs}),
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
            .form("/account/sessions/end", &[("session", &id)])
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
                    ("scopes", &app.ninh_binh.to_string()),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = admin
            .form(
                &format!("/users/{id}"),
                &[
                    ("display_name", "Cán bộ đổi tên"),
                    ("role", "commune_officer"),
                    ("scopes", &app.ward.to_string()),
                ],
            )
            .await;
        assert!(
            r.body.contains("Cán bộ đổi tên") && r.body.contains("Đã lưu"),
            "{l}"
        );
        assert!(store::audit::verify(&app.t.db).await.unwrap().is_ok());
    }
}
