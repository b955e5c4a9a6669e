-- The audit chain without a lock every writer needs (issue 24). Until now
-- each transaction extended the chain itself, holding the one
-- `audit_head` row until it committed: every write of the country queued
-- behind the one before, a 100,000-row import behind nothing else for its
-- whole length. Now a writer stores each record with the hash of its own
-- content (`content_hash`) and no place in the chain (`seq` NULL); the
-- sequencer (`store::audit::chain`, run by every server, one at a time
-- under an advisory lock) gives the committed records their places in
-- the order it finds them and links each to the one before:
-- hash = SHA-256(prev_hash, content_hash). The records already chained
-- keep their places (seq = id) and their hashes, which cover the previous
-- hash and the fields directly (content_hash NULL).
ALTER TABLE audit_log ADD COLUMN content_hash TEXT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
UPDATE audit_log SET seq = id;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_chained
    CHECK (seq IS NULL OR (prev_hash IS NOT NULL AND hash IS NOT NULL));
ALTER TABLE audit_log ADD CONSTRAINT audit_log_hashed
    CHECK (seq IS NOT NULL OR content_hash IS NOT NULL);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
-- The records waiting for their place: few, read by the sequencer.
CREATE INDEX audit_log_unchained ON audit_log (id) WHERE seq IS NULL;

-- The head names the last place given and its hash; only the sequencer
-- writes it.
ALTER TABLE audit_head ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
UPDATE audit_head SET last_seq = COALESCE((SELECT MAX(id) FROM audit_log), 0);
