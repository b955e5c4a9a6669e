-- The audit chain without a lock every writer needs (issue 24). Until now
-- each transaction extended the chain itself, holding the one
-- `audit_head` row until it committed: every write of the country queued
-- behind the one before, a 100,000-row import behind nothing else for its
-- whole length. Now a writer stores each record with the hash of its own
-- content (`content_hash`) and no place in the chain (`seq` NULL); the
-- sequencer (`store::audit::chain`, run by every server, one at a time)
-- gives the committed records their places in the order it finds them
-- and links each to the one before: hash = SHA-256(prev_hash,
-- content_hash). The records already chained keep their places (seq = id)
-- and their hashes, which cover the previous hash and the fields directly
-- (content_hash NULL). SQLite cannot drop NOT NULL from a column: the
-- table is copied into its new shape.
CREATE TABLE audit_log_new (
    id           INTEGER PRIMARY KEY,
    -- RFC 3339 text, exactly as covered by the hash
    at           TEXT NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT,
    content_hash TEXT,
    seq          INTEGER,
    prev_hash    TEXT,
    hash         TEXT,
    CHECK (seq IS NULL OR (prev_hash IS NOT NULL AND hash IS NOT NULL)),
    CHECK (seq IS NOT NULL OR content_hash IS NOT NULL)
);
INSERT INTO audit_log_new (id, at, user_id, action, entity, entity_id, before_json, after_json,
                           request_id, seq, prev_hash, hash)
    SELECT id, at, user_id, action, entity, entity_id, before_json, after_json,
           request_id, id, prev_hash, hash
      FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (seq);
-- The records waiting for their place: few, read by the sequencer.
CREATE INDEX audit_log_unchained ON audit_log (id) WHERE seq IS NULL;

-- The head names the last place given and its hash; only the sequencer
-- writes it.
ALTER TABLE audit_head ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
UPDATE audit_head SET last_seq = COALESCE((SELECT MAX(id) FROM audit_log), 0);
