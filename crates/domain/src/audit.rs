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
/// no two different records produce the same input: the hash of the
/// records chained by their writers, before the sequencer (migration
/// 0033). Their hashes stay as they were written.
pub fn chain_hash(prev_hash: &str, f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    fields(&mut h, Some(prev_hash), f);
    hex::encode(h.finalize())
}

/// SHA-256 over a record's own fields (length-prefixed, after a tag that
/// no field list of [`chain_hash`] starts with): what a writer stores with
/// the record, before it has a place in the chain.
pub fn content_hash(f: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    h.update(b"content:");
    fields(&mut h, None, f);
    hex::encode(h.finalize())
}

/// A record's link in the chain: SHA-256 over the previous record's hash
/// and this record's content hash. The sequencer computes it when it gives
/// the record its place; a changed, removed or reordered record breaks
/// every link after it.
pub fn link_hash(prev_hash: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"link:");
    for p in [prev_hash, content] {
        h.update(p.len().to_string().as_bytes());
        h.update(b":");
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

fn fields(h: &mut Sha256, prev_hash: Option<&str>, f: &AuditFields<'_>) {
    let user = f.user_id.map(|u| u.to_string());
    let parts: [Option<&str>; 7] = [
        Some(f.at),
        user.as_deref(),
        Some(f.action),
        Some(f.entity),
        Some(f.entity_id),
        f.before_json,
        f.after_json,
    ];
    for p in prev_hash.into_iter().map(Some).chain(parts) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> AuditFields<'static> {
        AuditFields {
            at: "2026-01-01T00:00:00Z",
            user_id: Some(1),
            action: "create",
            entity: "org_unit",
            entity_id: "7",
            before_json: None,
            after_json: Some("{}"),
            request_id: None,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let f = sample();
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

    /// The records written before the sequencer keep their hashes: the
    /// hash of a known record, computed apart, is what it was.
    #[test]
    fn the_hash_of_records_chained_by_their_writers_is_unchanged() {
        let f = sample();
        assert_eq!(
            chain_hash(GENESIS_HASH, &f),
            "3f31ec091f433e7bd63c87a38a3f2d416b0c413abf696aa50938a225b9d68d57"
        );
    }

    #[test]
    fn a_content_hash_and_its_link_change_with_any_field_or_neighbour() {
        let f = AuditFields {
            request_id: Some("ab12"),
            ..sample()
        };
        let c = content_hash(&f);
        assert_eq!(c, content_hash(&f.clone()));
        assert_ne!(c, chain_hash(GENESIS_HASH, &f));
        for other in [
            AuditFields {
                user_id: None,
                ..f.clone()
            },
            AuditFields {
                after_json: Some("{ }"),
                ..f.clone()
            },
            AuditFields {
                request_id: None,
                ..f.clone()
            },
            AuditFields {
                before_json: Some("-"),
                ..f.clone()
            },
        ] {
            assert_ne!(c, content_hash(&other));
        }
        let l = link_hash(GENESIS_HASH, &c);
        assert_ne!(l, link_hash(&l, &c));
        assert_ne!(
            l,
            link_hash(
                GENESIS_HASH,
                &content_hash(&AuditFields {
                    entity_id: "8",
                    ..f
                })
            )
        );
    }
}
