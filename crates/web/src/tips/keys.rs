//! An officer's tip key through the life of their password.
//!
//! - At sign-in with a password, the key is unlocked with it (or made, the
//!   first time, and when a password reset by an administrator left the
//!   old one locked under a password nobody knows), then locked for the
//!   session under its secret, which only the browser holds: every request
//!   of the session can open the officer's tips, a copy of the database
//!   cannot. A failure here never stops the sign-in; the session simply
//!   reads no tip.
//! - At a password change, the key is locked under the new password.
//!
//! Both cost an Argon2id each and run on the pool that checks passwords.

use domain::accounts::secret_hash;
use domain::tips::seal::OfficerKey;
use store::accounts::User;

use crate::AppState;

/// Opens (or makes) `user`'s key for the session whose secret is `secret`.
pub(crate) async fn open_at_login(state: &AppState, user: &User, password: &str, secret: &str) {
    // The roles that receive tips: commune officers, and the province's
    // staff (whom an administrator makes key-holders).
    if !domain::policy::allows(user.role, domain::policy::Action::HandleTips) {
        return;
    }
    if let Err(e) = open(state, user.id, password, secret).await {
        tracing::warn!(user = user.id, error = %e, "tip key not opened: this session reads no tip");
    }
}

async fn open(state: &AppState, user: i64, password: &str, secret: &str) -> Result<(), String> {
    let stored = store::tips::key(&state.db, user)
        .await
        .map_err(|e| e.to_string())?;
    let password = password.to_string();
    let (key, made) = state
        .password_checks
        .run(
            move || match stored.and_then(|k| OfficerKey::unlock(&k.locked_key, &password).ok()) {
                Some(key) => Ok((key, None)),
                None => {
                    let key = OfficerKey::generate();
                    key.lock(&password).map(|locked| (key, Some(locked)))
                }
            },
        )
        .await
        .map_err(|r| format!("{r:?}"))?
        .map_err(|e| e.to_string())?;
    if let Some(locked) = made {
        store::tips::put_key(
            &state.db,
            user,
            key.public().as_str(),
            &locked,
            domain::time::today(),
        )
        .await
        .map_err(|e| e.to_string())?;
    }
    let for_session = key.lock_for_session(secret).map_err(|e| e.to_string())?;
    store::tips::set_session_key(&state.db, &secret_hash(secret), &for_session)
        .await
        .map_err(|e| e.to_string())
}

/// Locks `user`'s key under their new password (the current one, just
/// checked, opens it). Nothing to do without a key.
pub(crate) async fn relock(state: &AppState, user: i64, current: &str, new: &str) {
    let Ok(Some(stored)) = store::tips::key(&state.db, user).await else {
        return;
    };
    let (current, new) = (current.to_string(), new.to_string());
    let locked = state
        .password_checks
        .run(move || {
            OfficerKey::unlock(&stored.locked_key, &current).and_then(|key| key.lock(&new))
        })
        .await;
    let result = match locked {
        Ok(Ok(locked)) => store::tips::relock_key(&state.db, user, &locked)
            .await
            .map_err(|e| e.to_string()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(r) => Err(format!("{r:?}")),
    };
    if let Err(e) = result {
        // The key stays locked under the old password: the next sign-in
        // makes a new one, and a holder grants the open tips again.
        tracing::warn!(user, error = %e, "tip key not locked under the new password");
    }
}
