//! Officers' tip keys through sign-in, a password change and a reset.

use axum::http::{Method, StatusCode};
use domain::accounts::NewPassword;
use domain::tips::seal::OfficerKey;
use serde_json::json;
use store::audit::Author;

use crate::harness::{App, PASSWORD};

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
