//! The receipt code a sender keeps to come back to their tip: 80 random
//! bits as 16 characters of Crockford's base 32 in four groups
//! (`7KQ2-M9XD-4TFB-0RHW`), easy to write down and to read out over the
//! phone: no I, L, O or U, and a misread 0/O or 1/I/L is taken for what it
//! must be. The server keeps only a hash of it to find the tip, and the
//! sender's copy of the tip's content key is wrapped under a key derived
//! from it: neither reveals the code, and 2^80 guesses are out of reach.

use std::fmt;

use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code (16 × 5 = 80 bits).
pub const CHARS: usize = 16;

/// A receipt code, canonical (upper case, no separators).
#[derive(Clone, PartialEq, Eq)]
pub struct Receipt(String);

/// Never printed by accident: logs and panics show no code.
impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receipt(…)")
    }
}

impl Receipt {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 10];
        OsRng.fill_bytes(&mut bytes);
        // 80 bits, five at a time.
        let mut acc: u128 = 0;
        for b in bytes {
            acc = (acc << 8) | u128::from(b);
        }
        let code = (0..CHARS)
            .rev()
            .map(|i| {
                let d = ((acc >> (5 * i)) & 31) as usize;
                char::from(ALPHABET.get(d).copied().unwrap_or(b'0'))
            })
            .collect();
        Self(code)
    }

    /// A code as typed: any case, spaces and dashes anywhere, O for 0 and
    /// I or L for 1. `None` for anything else (the caller answers it as it
    /// answers a code that matches no tip).
    pub fn parse(s: &str) -> Option<Self> {
        let mut code = String::with_capacity(CHARS);
        for c in s.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' | '.' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            if code.len() == CHARS {
                return None;
            }
            code.push(c);
        }
        (code.len() == CHARS).then_some(Self(code))
    }

    /// The code as shown: four groups of four.
    pub fn display(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|g| g.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// What the database keeps to find the tip: a hash under its own label.
    pub fn lookup_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"binhyen tip receipt v1\0");
        h.update(self.0.as_bytes());
        hex::encode(h.finalize())
    }

    /// The key the sender's copy of the content key is wrapped under.
    pub(super) fn wrapping_key(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        let _ = Hkdf::<Sha256>::new(Some(b"binhyen tip sender"), self.0.as_bytes())
            .expand(b"binhyen tip sender key v1", &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_characters_of_the_alphabet_and_differ() {
        let a = Receipt::generate();
        let b = Receipt::generate();
        assert_ne!(a, b);
        assert_eq!(a.0.len(), CHARS);
        assert!(a.0.bytes().all(|c| ALPHABET.contains(&c)));
        let shown = a.display();
        assert_eq!(shown.len(), 19);
        assert_eq!(Receipt::parse(&shown), Some(a.clone()));
        assert_eq!(Receipt::parse(&shown.to_lowercase()), Some(a));
    }

    #[test]
    fn misread_letters_are_forgiven_and_anything_else_refused() {
        let r = Receipt::parse("7KQ2 M9XD 4TFB 0RHW").unwrap();
        assert_eq!(Receipt::parse("7kq2-m9xd-4tfb-oRHW"), Some(r.clone()));
        assert_eq!(
            Receipt::parse("1111-1111-1111-1111"),
            Receipt::parse("ILil-1111-1111-1111")
        );
        for bad in [
            "",
            "7KQ2-M9XD-4TFB-0RH",
            "7KQ2-M9XD-4TFB-0RHWX",
            "7KQ2-M9XD-4TFB-0RHU",
            "7KQ2-M9XD-4TFB-0RH€",
        ] {
            assert_eq!(Receipt::parse(bad), None, "{bad}");
        }
        assert_ne!(
            r.lookup_hash(),
            Receipt::parse("7KQ2-M9XD-4TFB-0RHX").unwrap().lookup_hash()
        );
        assert!(!r.lookup_hash().contains("7KQ2"));
    }

    #[test]
    fn every_bit_is_used() {
        // Over many codes, every position takes many values (80 bits, not
        // fewer spread over 16 characters).
        let codes: Vec<Receipt> = (0..400).map(|_| Receipt::generate()).collect();
        for i in 0..CHARS {
            let seen: std::collections::HashSet<u8> =
                codes.iter().map(|c| c.0.as_bytes()[i]).collect();
            assert!(seen.len() > 20, "position {i}: {}", seen.len());
        }
    }
}
