-- Citizens' tips. See docs/architecture.md, "Tips", and docs/security.md,
-- "Tips: threat model". Everything a tip says is sealed (domain::tips::seal):
-- the columns named sealed_* and content hold ciphertext only. What is in
-- the clear is what the figures and deadlines need, to the day, never the
-- hour: no address, user agent or time of day of a sender is stored.

-- An officer's tip key: the age public key, and the secret key locked
-- under their password (salt, nonce, ciphertext). holder: a province
-- key-holder, to whom every tip of their scope is sealed and who grants
-- access to the others. replaced_on: the key was made anew (a password
-- reset loses the old one): its owner reads old tips once a holder grants.
CREATE TABLE tip_keys (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id),
    public_key  TEXT NOT NULL,
    locked_key  BLOB NOT NULL,
    holder      BOOLEAN NOT NULL DEFAULT FALSE,
    created_on  TEXT NOT NULL,
    replaced_on TEXT
);

-- The officer's secret key locked under a key derived from the session's
-- own secret (which only the browser holds): any server can open it for
-- the session's requests, a database copy cannot.
ALTER TABLE sessions ADD COLUMN tip_key BLOB;

-- unit_id: the receiving unit (a 2025 commune, or the province after a
-- forward). place_id: the place chosen (commune, village or a pre-2025
-- unit). receipt_hash: SHA-256 of the receipt code (NULL for a tip an
-- officer recorded). sender_key: the content key wrapped for the sender.
-- received_on, state_since, due_on: days.
CREATE TABLE tips (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES org_units (id),
    place_id      INTEGER NOT NULL REFERENCES org_units (id),
    category      TEXT NOT NULL CHECK (category IN ('ma_tuy', 'trom_cap', 'co_bac', 'bao_luc',
                      'tranh_chap', 'lua_dao', 'dang_ngo', 'khac')),
    channel       TEXT NOT NULL CHECK (channel IN ('web', 'dien_thoai', 'truc_tiep', 'vneid',
                      'thu_don')),
    state         TEXT NOT NULL CHECK (state IN ('new', 'verifying', 'forwarded', 'resolved',
                      'closed')),
    received_on   TEXT NOT NULL,
    state_since   TEXT NOT NULL,
    due_on        TEXT,
    receipt_hash  TEXT UNIQUE,
    sender_key    BLOB,
    content       BLOB NOT NULL,
    valuable      BOOLEAN NOT NULL DEFAULT FALSE,
    cases_solved  INTEGER NOT NULL DEFAULT 0,
    arrests       INTEGER NOT NULL DEFAULT 0,
    sender_unread BOOLEAN NOT NULL DEFAULT FALSE,
    staff_unread  BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX tips_unit ON tips (unit_id, state, id);
CREATE INDEX tips_due ON tips (due_on) WHERE due_on IS NOT NULL;
CREATE INDEX tips_received ON tips (received_on, unit_id);
-- A list by category counts and pages within the scope from the index.
CREATE INDEX tips_category ON tips (category, unit_id, id);

-- Each recipient's copy of the tip's keys, sealed to their public key.
CREATE TABLE tip_recipients (
    tip_id  INTEGER NOT NULL REFERENCES tips (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    sealed  BLOB NOT NULL,
    PRIMARY KEY (tip_id, user_id)
);
CREATE INDEX tip_recipients_user ON tip_recipients (user_id, tip_id);

-- The conversation: the sender's messages, replies to them and internal
-- notes (the latter under the notes key). seq orders them; day is all the
-- time kept. user_id: the officer who wrote (never the sender).
CREATE TABLE tip_messages (
    id      INTEGER PRIMARY KEY,
    tip_id  INTEGER NOT NULL REFERENCES tips (id),
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('sender', 'reply', 'note', 'event')),
    user_id INTEGER REFERENCES users (id),
    day     TEXT NOT NULL,
    content BLOB NOT NULL,
    UNIQUE (tip_id, seq)
);

-- Files, sealed whole (name and bytes); size is the sealed size. message_id:
-- the message they came with (NULL: with the report itself).
CREATE TABLE tip_files (
    id         INTEGER PRIMARY KEY,
    tip_id     INTEGER NOT NULL REFERENCES tips (id),
    message_id INTEGER REFERENCES tip_messages (id),
    sealed_name BLOB NOT NULL,
    content    BLOB NOT NULL,
    size       INTEGER NOT NULL
);
CREATE INDEX tip_files_tip ON tip_files (tip_id, id);
