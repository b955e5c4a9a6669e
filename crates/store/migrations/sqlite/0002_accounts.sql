-- Users, their scopes and their sessions. Sessions live in the database so
-- that any number of servers can share one PostgreSQL database.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'province_staff', 'commune_officer', 'partner', 'viewer')),
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE user_scopes (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (user_id, org_unit_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
    -- SHA-256 of the 256-bit random id in the cookie; the id itself is
    -- never stored
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Every write, chained by hash: each row's hash covers the previous row's
-- hash, so an edited or deleted row breaks the chain from there on.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    -- RFC 3339 text, exactly as covered by the hash
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

-- One row; locking it orders concurrent writers into one chain.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
