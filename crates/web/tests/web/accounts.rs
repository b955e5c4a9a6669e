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
