//! The audit chain: each record's hash covers the previous hash and the
//! record's own content, so any edit or deletion shows on verification.

use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields that a record's hash covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before_json: Option<&'a str>,
    pub after_json: Option<&'a str>,
    /// Covered only when present, so records written before the column
    /// existed keep their hashes.
    pub request_id: Option<&'a str>,
}

/// SHA-256 over the previous hash and each field, length-prefixed so that
/// no two different records produce the same input.
pub fn chain_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let user = f.user_id.map(|u| u.to_string());
    let parts: [Option<&str>; 8] = [
        Some(prev_hash),
        Some(f.at),
        user.as_deref(),
        Some(f.action),
        Some(f.entity),
        Some(f.entity_id),
        f.before_json,
        f.after_json,
    ];
    for p in parts {
        match p {
            None => h.update(b"-"),
            Some(s) => {
                h.update(s.len().to_string().as_bytes());
                h.update(b":");
                h.update(s.as_bytes());
            }
        }
    }
    if let Some(r) = f.request_id {
        h.update(b"r");
        h.update(r.len().to_string().as_bytes());
        h.update(b":");
        h.update(r.as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_changes_the_hash() {
        let f = AuditFields {
            at: "2026-01-01T00:00:00Z",
            user_id: Some(1),
            action: "create",
            entity: "org_unit",
            entity_id: "7",
            before_json: None,
            after_json: Some("{}"),
            request_id: None,
        };
        let h = chain_hash(GENESIS_HASH, &f);
        assert_eq!(h, chain_hash(GENESIS_HASH, &f.clone()));
        assert_ne!(h, chain_hash(&h, &f));
        assert_ne!(
            h,
            chain_hash(
                GENESIS_HASH,
                &AuditFields {
                    user_id: None,
                    ..f.clone()
                }
            )
        );
        assert_ne!(
            h,
            chain_hash(
                GENESIS_HASH,
                &AuditFields {
                    entity_id: "8",
                    ..f.clone()
                }
            )
        );
        let with_request = AuditFields {
            request_id: Some("ab12"),
            ..f
        };
        assert_ne!(h, chain_hash(GENESIS_HASH, &with_request));
    }
}
