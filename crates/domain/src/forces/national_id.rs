//! The national ID number of a member or trainee, if entered at all: kept
//! sealed (XChaCha20-Poly1305 under the server's key), found again through
//! a keyed hash (so one person stays one record without the number being
//! readable in the database), and shown masked everywhere but to the
//! province's staff on the person's own page.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::error::DomainError;
use crate::reason::Reason;

/// A citizen ID (12 digits) or an older identity card (9 digits).
#[derive(Clone, PartialEq, Eq)]
pub struct NationalId(String);

impl NationalId {
    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        let digits: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if matches!(digits.len(), 9 | 12) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(DomainError::new(field, Reason::NationalIdInvalid))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last four digits, what lists show.
    pub fn last4(&self) -> String {
        self.0
            .chars()
            .skip(self.0.len().saturating_sub(4))
            .collect()
    }
}

/// Never printed whole by accident (logs, panics, debug output).
impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId(…{})", self.last4())
    }
}

/// How a masked number reads: dots for all but the last four digits.
pub fn masked(last4: &str) -> String {
    format!("••••••••{last4}")
}

/// The server's key for national ID numbers (32 bytes, from the data
/// directory or the configuration; servers sharing a database share it).
/// Two keys are derived from it: one seals, one indexes.
#[derive(Clone)]
pub struct IdKey {
    seal: [u8; 32],
    index: [u8; 32],
}

impl fmt::Debug for IdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IdKey(…)")
    }
}

const AAD: &[u8] = b"binhyen national id v1";

fn derive(master: &[u8; 32], purpose: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(master) {
        mac.update(purpose);
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

impl IdKey {
    pub fn from_bytes(master: &[u8; 32]) -> Self {
        Self {
            seal: derive(master, b"seal"),
            index: derive(master, b"index"),
        }
    }

    /// A key as its file holds it: 64 hex digits (surrounding space ignored).
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        let master: [u8; 32] = bytes.try_into().ok()?;
        Some(Self::from_bytes(&master))
    }

    /// A random key that lives as long as the process (tests, tools).
    pub fn random() -> Self {
        let mut master = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut master);
        Self::from_bytes(&master)
    }

    /// A new random key, as hex for its file.
    pub fn generate_hex() -> String {
        let mut master = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut master);
        hex::encode(master)
    }

    /// The number as stored: `v1:` and the hex of nonce and ciphertext.
    pub fn seal(&self, id: &NationalId) -> String {
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let mut nonce = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: id.0.as_bytes(),
            aad: AAD,
        };
        // Encryption fails only on a message longer than the cipher allows.
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        format!("v1:{}{}", hex::encode(nonce), hex::encode(ct))
    }

    /// The number, if `sealed` was sealed under this key and is whole.
    pub fn open(&self, sealed: &str) -> Option<NationalId> {
        let bytes = hex::decode(sealed.strip_prefix("v1:")?).ok()?;
        let (nonce, ct) = bytes.split_at_checked(24)?;
        let cipher = XChaCha20Poly1305::new(&self.seal.into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: AAD })
            .ok()?;
        NationalId::parse("national_id", std::str::from_utf8(&plain).ok()?).ok()
    }

    /// The keyed hash that finds a person by number.
    pub fn index(&self, id: &NationalId) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index) else {
            return String::new();
        };
        mac.update(id.0.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_number_opens_only_under_its_key_and_is_never_printed() {
        let key = IdKey::from_hex(&IdKey::generate_hex()).unwrap();
        let other = IdKey::from_hex(&IdKey::generate_hex()).unwrap();
        let id = NationalId::parse("national_id", "036 085 001 234").unwrap();
        let sealed = key.seal(&id);
        assert!(!sealed.contains("036085001234"));
        assert_ne!(key.seal(&id), sealed, "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), id);
        assert!(other.open(&sealed).is_none());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('0');
        assert!(key.open(&tampered).is_none() || tampered == sealed);
        assert_eq!(key.index(&id), key.index(&id));
        assert_ne!(key.index(&id), other.index(&id));
        assert_eq!(format!("{id:?}"), "NationalId(…1234)");
        assert_eq!(masked(&id.last4()), "••••••••1234");
    }

    #[test]
    fn only_nine_or_twelve_digits_are_numbers() {
        assert!(NationalId::parse("n", "123456789").is_ok());
        assert!(NationalId::parse("n", "12345678901").is_err());
        assert!(NationalId::parse("n", "03608500123a").is_err());
    }
}
