//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s steps, 6
//! digits) for the optional second factor, and single-use recovery codes.

use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECONDS: i64 = 30;
pub const RECOVERY_CODES: usize = 10;
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A new 160-bit secret, base32 encoded as authenticator apps expect.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    OsRng.fill_bytes(&mut b);
    base32(&b)
}

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buf, mut bits) = (0u32, 0u32);
    for b in bytes {
        buf = (buf << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            let i = ((buf >> bits) & 31) as usize;
            out.push(char::from(*ALPHABET.get(i).unwrap_or(&b'A')));
        }
    }
    if bits > 0 {
        let i = ((buf << (5 - bits)) & 31) as usize;
        out.push(char::from(*ALPHABET.get(i).unwrap_or(&b'A')));
    }
    out
}

fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let (mut buf, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The 6-digit code of `step` (RFC 4226 dynamic truncation).
fn code_at(key: &[u8], step: i64) -> Option<u32> {
    let mut mac = Hmac::<Sha1>::new_from_slice(key).ok()?;
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(*h.last()? & 0x0f);
    let bytes: [u8; 4] = h.get(offset..offset + 4)?.try_into().ok()?;
    Some((u32::from_be_bytes(bytes) & 0x7fff_ffff) % 1_000_000)
}

/// The step of a valid code for `secret` at `now` (one step of clock drift
/// either way), if it is later than `last_step`: a code works once.
pub fn verify(secret: &str, code: &str, now_unix: i64, last_step: Option<i64>) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let wanted: u32 = code.parse().ok()?;
    let key = base32_decode(secret)?;
    let now = now_unix.div_euclid(STEP_SECONDS);
    (now - 1..=now + 1)
        .filter(|s| last_step.is_none_or(|l| *s > l))
        .find(|s| code_at(&key, *s) == Some(wanted))
}

/// The code an authenticator app shows for `secret` at `now_unix`.
pub fn current_code(secret: &str, now_unix: i64) -> Option<String> {
    let key = base32_decode(secret)?;
    code_at(&key, now_unix.div_euclid(STEP_SECONDS)).map(|c| format!("{c:06}"))
}

/// The `otpauth://` address an authenticator app reads.
pub fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(username),
        enc(issuer)
    )
}

/// Ten single-use recovery codes like `K7QF-2M9X`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 5];
            OsRng.fill_bytes(&mut b);
            let s = base32(&b);
            format!("{}-{}", s.get(..4).unwrap_or(""), s.get(4..8).unwrap_or(""))
        })
        .collect()
}

/// A recovery code as typed, in the form it is hashed: upper case, no spaces.
pub fn normalize_recovery_code(s: &str) -> String {
    s.trim().replace(' ', "").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vectors() {
        let key = b"12345678901234567890";
        // RFC 6238 appendix B (SHA1), last six digits of the 8-digit values.
        for (t, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
        ] {
            assert_eq!(code_at(key, t / 30), Some(code), "{t}");
        }
        let secret = base32(key);
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&secret).unwrap(), key);
        assert_eq!(verify(&secret, "287082", 59, None), Some(1));
        assert_eq!(
            verify(&secret, "287 082", 59 + 30, None),
            Some(1),
            "one step of drift"
        );
        assert_eq!(verify(&secret, "287082", 59 + 90, None), None, "too old");
        assert_eq!(
            verify(&secret, "287082", 59, Some(1)),
            None,
            "a code works once"
        );
        assert_eq!(verify(&secret, "28708", 59, None), None);
        assert_eq!(verify("not base32!", "287082", 59, None), None);
    }

    #[test]
    fn secrets_codes_and_uri() {
        assert_eq!(new_secret().len(), 32);
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| c.len() == 9 && c.as_bytes()[4] == b'-'));
        assert_eq!(normalize_recovery_code(" k7qf-2m9x "), "K7QF-2M9X");
        let uri = otpauth_uri("Bình Yên", "can.bo", "ABC");
        assert!(
            uri.starts_with("otpauth://totp/B%C3%ACnh%20Y%C3%AAn:can.bo?secret=ABC"),
            "{uri}"
        );
    }
}
