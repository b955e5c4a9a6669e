//! The keys that keep a tip readable by its recipients alone.
//!
//! - Each officer who may receive tips has an [`OfficerKey`], an age X25519
//!   identity. Its public half ([`PublicKey`]) is stored in the clear; the
//!   secret half only [`locked`](OfficerKey::lock) under a key derived from
//!   the officer's password (Argon2id) and, while they are signed in,
//!   under a key derived from their session secret, which only their
//!   browser holds ([`OfficerKey::lock_for_session`]).
//! - Each tip has its own [`TipKeys`]: a content key (the report, the
//!   messages both ways, the files) and a notes key (internal notes, the
//!   outcome's summary). Both are sealed with age to each recipient's
//!   public key; the content key alone is wrapped for the sender under a
//!   key derived from their receipt code. Forwarding seals the same keys
//!   to the new recipients and drops the old ones' copies: nothing is
//!   encrypted again.
//! - Content is XChaCha20-Poly1305 under those keys, with what it is (the
//!   report, a message, a file) as associated data.
//!
//! The server holds none of these secrets at rest: what the database and
//! the data folder keep is ciphertext, public keys and the receipt's hash
//! (docs/security.md, "Tips: threat model").

use std::fmt;
use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;

use super::receipt::Receipt;

/// Why a sealed value could not be opened or made. Never says more: a
/// wrong password, a key that is not a recipient and a damaged record all
/// read alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealError;

impl fmt::Display for SealError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the sealed value could not be opened")
    }
}

impl std::error::Error for SealError {}

const NONCE: usize = 24;
const SALT: usize = 16;

/// XChaCha20-Poly1305 under `key`: nonce ‖ ciphertext.
fn encrypt(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut nonce = [0u8; NONCE];
    OsRng.fill_bytes(&mut nonce);
    let ct = XChaCha20Poly1305::new(key.into())
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad })
        .map_err(|_| SealError)?;
    let mut out = Vec::with_capacity(NONCE + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn decrypt(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    let (nonce, ct) = sealed.split_at_checked(NONCE).ok_or(SealError)?;
    XChaCha20Poly1305::new(key.into())
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad })
        .map_err(|_| SealError)
}

fn hkdf(ikm: &[u8], info: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit: expand cannot fail.
    let _ = Hkdf::<Sha256>::new(None, ikm).expand(info, &mut out);
    out
}

/// Argon2id, 19 MiB, 2 passes: the password hash's own setting, with a
/// salt of its own (the password hash never unlocks a key).
fn password_key(password: &str, salt: &[u8]) -> Result<[u8; 32], SealError> {
    let params = Params::new(19 * 1024, 2, 1, Some(32)).map_err(|_| SealError)?;
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|_| SealError)?;
    Ok(out)
}

/// An officer's public key, `age1…`: what tips are sealed to.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(String);

impl PublicKey {
    pub fn parse(s: &str) -> Result<Self, SealError> {
        age::x25519::Recipient::from_str(s.trim()).map_err(|_| SealError)?;
        Ok(Self(s.trim().to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn recipient(&self) -> Result<age::x25519::Recipient, SealError> {
        age::x25519::Recipient::from_str(&self.0).map_err(|_| SealError)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.0)
    }
}

/// An officer's secret key. Not `Debug`-printable, never serialised but
/// locked.
#[derive(Clone)]
pub struct OfficerKey(age::x25519::Identity);

impl fmt::Debug for OfficerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OfficerKey(…)")
    }
}

const PASSWORD_AAD: &[u8] = b"binhyen officer key, password v1";
const SESSION_AAD: &[u8] = b"binhyen officer key, session v1";

impl OfficerKey {
    pub fn generate() -> Self {
        Self(age::x25519::Identity::generate())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.to_public().to_string())
    }

    fn secret(&self) -> Vec<u8> {
        self.0.to_string().expose_secret().as_bytes().to_vec()
    }

    fn from_secret(bytes: &[u8]) -> Result<Self, SealError> {
        let s = std::str::from_utf8(bytes).map_err(|_| SealError)?;
        age::x25519::Identity::from_str(s)
            .map(Self)
            .map_err(|_| SealError)
    }

    /// The key as stored: locked under the officer's password (salt ‖
    /// nonce ‖ ciphertext). Costs one Argon2id (tens of milliseconds).
    pub fn lock(&self, password: &str) -> Result<Vec<u8>, SealError> {
        let mut salt = [0u8; SALT];
        OsRng.fill_bytes(&mut salt);
        let key = password_key(password, &salt)?;
        let mut out = salt.to_vec();
        out.extend(encrypt(&key, PASSWORD_AAD, &self.secret())?);
        Ok(out)
    }

    pub fn unlock(locked: &[u8], password: &str) -> Result<Self, SealError> {
        let (salt, sealed) = locked.split_at_checked(SALT).ok_or(SealError)?;
        let key = password_key(password, salt)?;
        Self::from_secret(&decrypt(&key, PASSWORD_AAD, sealed)?)
    }

    /// The key locked for one session: under a key derived from the
    /// session's secret, which the database keeps only as a hash.
    pub fn lock_for_session(&self, session_secret: &str) -> Result<Vec<u8>, SealError> {
        encrypt(&session_key(session_secret), SESSION_AAD, &self.secret())
    }

    pub fn unlock_session(locked: &[u8], session_secret: &str) -> Result<Self, SealError> {
        Self::from_secret(&decrypt(&session_key(session_secret), SESSION_AAD, locked)?)
    }
}

fn session_key(session_secret: &str) -> [u8; 32] {
    hkdf(
        session_secret.as_bytes(),
        b"binhyen tip keys of a session v1",
    )
}

/// What sealed content is: its associated data, so that a report cannot
/// pass for a note or a file for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Report,
    Message,
    File,
    FileName,
    Note,
}

impl Part {
    fn aad(self) -> &'static [u8] {
        match self {
            Part::Report => b"binhyen tip report v1",
            Part::Message => b"binhyen tip message v1",
            Part::File => b"binhyen tip file v1",
            Part::FileName => b"binhyen tip file name v1",
            Part::Note => b"binhyen tip note v1",
        }
    }

    /// Internal parts are under the notes key, which the sender never has.
    fn internal(self) -> bool {
        matches!(self, Part::Note)
    }
}

/// The content key alone: what a sender's receipt opens.
#[derive(Clone)]
pub struct ContentKey([u8; 32]);

impl fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContentKey(…)")
    }
}

impl ContentKey {
    /// Seals the sender's side: the report, messages, files. An internal
    /// part is refused (it goes under the notes key).
    pub fn seal(&self, part: Part, plain: &[u8]) -> Result<Vec<u8>, SealError> {
        if part.internal() {
            return Err(SealError);
        }
        encrypt(&self.0, part.aad(), plain)
    }

    pub fn open(&self, part: Part, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if part.internal() {
            return Err(SealError);
        }
        decrypt(&self.0, part.aad(), sealed)
    }
}

/// A tip's two keys, as its recipients hold them.
#[derive(Clone)]
pub struct TipKeys {
    content: ContentKey,
    notes: [u8; 32],
}

impl fmt::Debug for TipKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TipKeys(…)")
    }
}

const SENDER_AAD: &[u8] = b"binhyen tip sender key v1";

impl TipKeys {
    pub fn generate() -> Self {
        let (mut content, mut notes) = ([0u8; 32], [0u8; 32]);
        OsRng.fill_bytes(&mut content);
        OsRng.fill_bytes(&mut notes);
        Self {
            content: ContentKey(content),
            notes,
        }
    }

    pub fn content(&self) -> &ContentKey {
        &self.content
    }

    /// Seals any part: the sender's under the content key, notes and the
    /// outcome under the notes key.
    pub fn seal(&self, part: Part, plain: &[u8]) -> Result<Vec<u8>, SealError> {
        if part.internal() {
            encrypt(&self.notes, part.aad(), plain)
        } else {
            self.content.seal(part, plain)
        }
    }

    pub fn open(&self, part: Part, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if part.internal() {
            decrypt(&self.notes, part.aad(), sealed)
        } else {
            self.content.open(part, sealed)
        }
    }

    /// Both keys sealed with age to one recipient (a binary age file of
    /// about 200 bytes).
    pub fn seal_to(&self, to: &PublicKey) -> Result<Vec<u8>, SealError> {
        let recipient = to.recipient()?;
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|_| SealError)?;
        let mut out = Vec::with_capacity(256);
        let mut writer = encryptor.wrap_output(&mut out).map_err(|_| SealError)?;
        writer.write_all(&self.content.0).map_err(|_| SealError)?;
        writer.write_all(&self.notes).map_err(|_| SealError)?;
        writer.finish().map_err(|_| SealError)?;
        Ok(out)
    }

    /// A copy for each recipient (an id and their public key as stored);
    /// a key that does not parse or seal is left out, and its id
    /// returned beside the copies, so the tip still reaches the others.
    pub fn seal_to_each<'a>(
        &self,
        recipients: impl IntoIterator<Item = (i64, &'a str)>,
    ) -> (Vec<(i64, Vec<u8>)>, Vec<i64>) {
        let (mut copies, mut skipped) = (Vec::new(), Vec::new());
        for (id, key) in recipients {
            match PublicKey::parse(key).and_then(|k| self.seal_to(&k)) {
                Ok(copy) => copies.push((id, copy)),
                Err(_) => skipped.push(id),
            }
        }
        (copies, skipped)
    }

    /// The keys a recipient's copy holds, with their secret key.
    pub fn open_sealed(sealed: &[u8], key: &OfficerKey) -> Result<Self, SealError> {
        let decryptor = age::Decryptor::new(sealed).map_err(|_| SealError)?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&key.0 as &dyn age::Identity))
            .map_err(|_| SealError)?;
        let mut both = Vec::with_capacity(64);
        reader.read_to_end(&mut both).map_err(|_| SealError)?;
        let (content, notes) = both.split_at_checked(32).ok_or(SealError)?;
        Ok(Self {
            content: ContentKey(content.try_into().map_err(|_| SealError)?),
            notes: notes.try_into().map_err(|_| SealError)?,
        })
    }

    /// The content key wrapped for the sender, under a key derived from
    /// their receipt code (80 random bits: no slow hash is needed).
    pub fn wrap_for_sender(&self, receipt: &Receipt) -> Result<Vec<u8>, SealError> {
        encrypt(&receipt.wrapping_key(), SENDER_AAD, &self.content.0)
    }
}

/// The content key a sender's receipt opens.
pub fn unwrap_for_sender(wrapped: &[u8], receipt: &Receipt) -> Result<ContentKey, SealError> {
    let key = decrypt(&receipt.wrapping_key(), SENDER_AAD, wrapped)?;
    Ok(ContentKey(key.try_into().map_err(|_| SealError)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tip_opens_for_its_recipients_only() {
        let (a, b, stranger) = (
            OfficerKey::generate(),
            OfficerKey::generate(),
            OfficerKey::generate(),
        );
        let keys = TipKeys::generate();
        let report = keys
            .seal(Part::Report, "Có người bán ma túy ở chợ".as_bytes())
            .unwrap();
        for officer in [&a, &b] {
            let sealed = keys.seal_to(&officer.public()).unwrap();
            let opened = TipKeys::open_sealed(&sealed, officer).unwrap();
            assert_eq!(
                opened.open(Part::Report, &report).unwrap(),
                "Có người bán ma túy ở chợ".as_bytes()
            );
            assert_eq!(
                TipKeys::open_sealed(&sealed, &stranger).err(),
                Some(SealError)
            );
        }
    }

    #[test]
    fn parts_do_not_pass_for_each_other_and_notes_stay_internal() {
        let keys = TipKeys::generate();
        let message = keys.seal(Part::Message, b"hello").unwrap();
        assert!(keys.open(Part::Report, &message).is_err());
        let note = keys.seal(Part::Note, b"internal").unwrap();
        assert_eq!(keys.open(Part::Note, &note).unwrap(), b"internal");
        // The sender's key opens no note, and seals none.
        assert!(keys.content().open(Part::Note, &note).is_err());
        assert!(keys.content().seal(Part::Note, b"x").is_err());
        let mut tampered = message.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert!(keys.open(Part::Message, &tampered).is_err());
    }

    #[test]
    fn an_officer_key_unlocks_with_its_password_or_its_session() {
        let key = OfficerKey::generate();
        let locked = key.lock("mật khẩu dài 1").unwrap();
        let again = OfficerKey::unlock(&locked, "mật khẩu dài 1").unwrap();
        assert_eq!(again.public(), key.public());
        assert!(OfficerKey::unlock(&locked, "mật khẩu dài 2").is_err());
        assert_ne!(locked, key.lock("mật khẩu dài 1").unwrap(), "salted");
        let session = key.lock_for_session("session-secret").unwrap();
        assert_eq!(
            OfficerKey::unlock_session(&session, "session-secret")
                .unwrap()
                .public(),
            key.public()
        );
        assert!(OfficerKey::unlock_session(&session, "other").is_err());
        // Nothing of the secret key shows in what is stored.
        let secret = key.secret();
        assert!(!locked
            .windows(16)
            .any(|w| secret.windows(16).any(|s| s == w)));
    }

    #[test]
    fn the_sender_opens_the_content_with_the_receipt_alone() {
        let keys = TipKeys::generate();
        let receipt = Receipt::generate();
        let wrapped = keys.wrap_for_sender(&receipt).unwrap();
        let reply = keys.seal(Part::Message, b"reply").unwrap();
        let content = unwrap_for_sender(&wrapped, &receipt).unwrap();
        assert_eq!(content.open(Part::Message, &reply).unwrap(), b"reply");
        assert!(unwrap_for_sender(&wrapped, &Receipt::generate()).is_err());
    }

    #[test]
    fn public_keys_parse_as_age_recipients() {
        let key = OfficerKey::generate();
        let p = PublicKey::parse(key.public().as_str()).unwrap();
        assert!(p.as_str().starts_with("age1"));
        assert!(PublicKey::parse("age1notakey").is_err());
    }
}
