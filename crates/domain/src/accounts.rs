//! Users, roles, passwords and session secrets.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{terms, Term};
use crate::{DomainError, Reason};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ProvinceStaff,
    CommuneOfficer,
    Partner,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::ProvinceStaff,
        Role::CommuneOfficer,
        Role::Partner,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProvinceStaff => "province_staff",
            Role::CommuneOfficer => "commune_officer",
            Role::Partner => "partner",
            Role::Viewer => "viewer",
        }
    }

    /// The role as messages name it (the UI's labels, `role.*`).
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Role::Admin => ("Quản trị hệ thống", "Administrator"),
            Role::ProvinceStaff => ("Cán bộ cấp tỉnh", "Province staff"),
            Role::CommuneOfficer => ("Công an xã/phường", "Commune officer"),
            Role::Partner => ("Cán bộ đơn vị phối hợp", "Partner officer"),
            Role::Viewer => ("Lãnh đạo (chỉ xem)", "Leader (read only)"),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::RoleUnknown {
                        allowed: terms(&Role::ALL, Role::term),
                    },
                )
            })
    }

    // What each role may do is `crate::policy`'s to say.

    /// Admins see everything; every other role sees only its scope.
    pub fn is_unscoped(self) -> bool {
        self == Role::Admin
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A few of the most used passwords that reach ten characters; a real
/// deployment refuses them whatever the length rule says.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "0123456789",
    "1111111111",
    "0987654321",
    "qwertyuiop",
    "password123",
    "password1234",
    "1q2w3e4r5t",
    "abcd123456",
    "matkhau123",
    "matkhau1234",
    "admin12345",
    "administrator",
    "iloveyou123",
    "qwerty1234",
    "123456789abc",
    "aaaaaaaaaa",
    "abc1234567",
];

/// A new password that meets the policy. Never logged, never stored.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let n = s.chars().count();
        if n < MIN_PASSWORD_CHARS {
            return Err(DomainError::new(
                "password",
                Reason::PasswordTooShort {
                    min: MIN_PASSWORD_CHARS,
                },
            ));
        }
        if n > MAX_PASSWORD_CHARS {
            return Err(DomainError::new(
                "password",
                Reason::PasswordTooLong {
                    max: MAX_PASSWORD_CHARS,
                },
            ));
        }
        let lower = s.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str()) {
            return Err(DomainError::new("password", Reason::PasswordCommon));
        }
        Ok(Self(s.to_string()))
    }

    /// Argon2id PHC string (parameters in docs/security.md).
    pub fn hash(&self) -> Result<String, DomainError> {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| DomainError::new("password", Reason::PasswordHashFailed))
    }
}

/// Argon2id, 19 MiB, 2 passes, 1 lane: OWASP's first recommended setting.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a password against a stored PHC string; false on any malformed hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_CHARS * 4 {
        return false;
    }
    PasswordHash::new(phc)
        .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash that verifies nothing, checked when the username is unknown so that
/// the answer takes as long as for a known one.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2qsBDuZhl1Wq4fTz7X8DrB6gS6Kn2ZmdQX0l2uH7YFw"
}

/// A 256-bit random secret, hex encoded (session ids, CSRF tokens).
pub fn new_secret() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// What the database keeps of a secret: its SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A username: 3 to 64 characters of lower-case ASCII letters, digits, `.`, `_`, `-`.
pub fn parse_username(s: &str) -> Result<String, DomainError> {
    let s = s.trim().to_lowercase();
    let ok = (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(s)
    } else {
        Err(DomainError::new("username", Reason::UsernameInvalid))
    }
}

/// The device a browser says it runs on, coarsely, for the sessions list
/// ("Chrome · Android"): a browser family and a system, nothing that tells
/// one person from another (no version, no model, never the address).
pub fn device_of(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("coc_coc", "Cốc Cốc"),
        ("zalo", "Zalo"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map_or("Trình duyệt khác", |(_, n)| n);
    let system = [
        ("android", "Android"),
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("windows", "Windows"),
        ("mac os", "macOS"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, n)| *n);
    match system {
        Some(s) => format!("{browser} · {s}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_are_told_apart_coarsely() {
        let android = "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(device_of(android), "Chrome · Android");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(device_of(edge), "Edge · Windows");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device_of(iphone), "Safari · iPhone");
        assert_eq!(device_of(""), "Trình duyệt khác");
    }

    #[test]
    fn password_policy() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("1234567890").is_err());
        assert!(NewPassword::parse("Password123").is_err());
        assert!(NewPassword::parse(&"x".repeat(257)).is_err());
        assert!(NewPassword::parse(&"đ".repeat(128)).is_ok());
        let p = NewPassword::parse("ngựa-vằn-ăn-cỏ").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(***)");
        let h = p.hash().unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("ngựa-vằn-ăn-cỏ", &h));
        assert!(!verify_password("ngua-van-an-co", &h));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", dummy_hash()));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_secret());
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), a);
    }

    #[test]
    fn usernames_and_roles_parse() {
        assert_eq!(parse_username(" CanBo.NB ").unwrap(), "canbo.nb");
        assert!(parse_username("ab").is_err());
        assert!(parse_username("cán bộ").is_err());
        assert_eq!(Role::parse("role", "viewer").unwrap(), Role::Viewer);
        assert_eq!(Role::parse("role", "root").unwrap_err().field, "role");
    }
}

/// What a login attempt may do, given the failures recorded for its
/// username and its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginGate {
    Open,
    /// Too soon after the last failures: retry after this many seconds.
    Wait(i64),
    /// The account is locked for this many more seconds.
    Locked(i64),
}

/// Failures before a growing delay applies, and before a lock.
pub const FREE_FAILURES: i64 = 3;
pub const LOCK_AFTER_FAILURES: i64 = 10;
pub const LOCK_SECONDS: i64 = 15 * 60;
const MAX_DELAY_SECONDS: i64 = 60;

/// The throttling rule for one key (a username or an address): after
/// `FREE_FAILURES` failures, each next attempt waits 1, 2, 4 … up to 60
/// seconds after the last failure; a lock, when set, holds until it ends.
pub fn login_gate(
    failures: i64,
    last_failure: Option<chrono::DateTime<chrono::Utc>>,
    locked_until: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> LoginGate {
    if let Some(until) = locked_until.filter(|u| *u > now) {
        return LoginGate::Locked((until - now).num_seconds().max(1));
    }
    let Some(last) = last_failure else {
        return LoginGate::Open;
    };
    if failures < FREE_FAILURES {
        return LoginGate::Open;
    }
    let exp = u32::try_from((failures - FREE_FAILURES).min(6)).unwrap_or(6);
    let delay = 2i64.pow(exp).min(MAX_DELAY_SECONDS);
    let ready = last + chrono::Duration::seconds(delay);
    if now < ready {
        LoginGate::Wait((ready - now).num_seconds().max(1))
    } else {
        LoginGate::Open
    }
}

/// An address is shared by an office: it gets this many times a name's
/// failures before it is slowed down, and it is never locked.
pub const ADDRESS_FAILURE_FACTOR: i64 = 5;

/// The gate of an address, from its failures.
pub fn address_gate(
    failures: i64,
    last_failure: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> LoginGate {
    login_gate(failures / ADDRESS_FAILURE_FACTOR, last_failure, None, now)
}

impl LoginGate {
    /// The stricter of two gates: a lock over a wait over open; the longer
    /// of two of a kind.
    pub fn stricter(self, other: LoginGate) -> LoginGate {
        use LoginGate::*;
        match (self, other) {
            (Locked(a), Locked(b)) => Locked(a.max(b)),
            (l @ Locked(_), _) | (_, l @ Locked(_)) => l,
            (Wait(a), Wait(b)) => Wait(a.max(b)),
            (w @ Wait(_), _) | (_, w @ Wait(_)) => w,
            _ => Open,
        }
    }
}

/// What an administrator may not do to their own account: give up the
/// admin role or disable it, which could leave nobody to manage users; or
/// reset its password, which would skip the current password that a change
/// of one's own asks for and lock the account until it is changed again.
pub fn check_own_account_change(
    new_role: Option<Role>,
    disable: Option<bool>,
    reset_password: bool,
) -> Result<(), DomainError> {
    if reset_password {
        return Err(DomainError::new("password", Reason::OwnPasswordReset));
    }
    if new_role.is_some_and(|r| r != Role::Admin) {
        return Err(DomainError::new("role", Reason::OwnAdminRole));
    }
    if disable == Some(true) {
        return Err(DomainError::new("disabled", Reason::OwnAccountDisable));
    }
    Ok(())
}

#[cfg(test)]
mod throttle_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn delays_grow_and_locks_hold() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        assert_eq!(login_gate(0, None, None, t0), LoginGate::Open);
        assert_eq!(login_gate(2, Some(t0), None, t0), LoginGate::Open);
        assert_eq!(login_gate(3, Some(t0), None, t0), LoginGate::Wait(1));
        assert_eq!(login_gate(5, Some(t0), None, t0), LoginGate::Wait(4));
        assert_eq!(
            login_gate(5, Some(t0), None, t0 + Duration::seconds(4)),
            LoginGate::Open
        );
        assert_eq!(login_gate(40, Some(t0), None, t0), LoginGate::Wait(60));
        let until = t0 + Duration::seconds(LOCK_SECONDS);
        assert_eq!(
            login_gate(10, Some(t0), Some(until), t0),
            LoginGate::Locked(LOCK_SECONDS)
        );
        assert_eq!(
            login_gate(10, Some(t0), Some(until), until + Duration::seconds(61)),
            LoginGate::Open
        );
        assert_eq!(address_gate(14, Some(t0), t0), LoginGate::Open);
        assert_eq!(address_gate(15, Some(t0), t0), LoginGate::Wait(1));
        assert_eq!(
            LoginGate::Wait(3).stricter(LoginGate::Locked(1)),
            LoginGate::Locked(1)
        );
        assert_eq!(
            LoginGate::Wait(3).stricter(LoginGate::Wait(9)),
            LoginGate::Wait(9)
        );
        assert_eq!(LoginGate::Open.stricter(LoginGate::Open), LoginGate::Open);
        assert!(check_own_account_change(Some(Role::Viewer), None, false).is_err());
        assert!(check_own_account_change(None, Some(true), false).is_err());
        assert!(check_own_account_change(None, None, true).is_err());
        assert!(check_own_account_change(Some(Role::Admin), Some(false), false).is_ok());
    }
}

/// The prefix of API tokens, so that leaked ones are easy to recognise.
pub const TOKEN_PREFIX: &str = "bh_";

/// A new API token: the prefix and 256 random bits.
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", new_secret())
}

/// A display name: 1 to 100 characters, no control characters.
pub fn parse_display_name(s: &str) -> Result<String, DomainError> {
    let s = crate::text::normalize(s);
    if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
        return Err(DomainError::new("display_name", Reason::DisplayNameInvalid));
    }
    Ok(s)
}

/// Units in one account's scope at most.
pub const MAX_SCOPES: usize = 200;

/// A role with its scope: every role but admin needs at least one unit.
pub fn check_role_scope(role: Role, scopes: &[i64]) -> Result<(), DomainError> {
    if role != Role::Admin && scopes.is_empty() {
        return Err(DomainError::new("scopes", Reason::ScopeRequired));
    }
    if scopes.len() > MAX_SCOPES {
        return Err(DomainError::new(
            "scopes",
            Reason::ScopeTooMany { max: MAX_SCOPES },
        ));
    }
    Ok(())
}
