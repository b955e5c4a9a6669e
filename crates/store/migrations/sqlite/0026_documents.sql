-- The register of documents: directives, decisions, joint resolutions,
-- plans … with their issuing bodies, files (and the files' text for
-- search) and links to what they govern. See docs/architecture.md,
-- "Documents".

-- org_unit_id: the issuing province or commune; NULL for national texts.
-- issuers: the issuing bodies one per line, as lists show them
-- (document_issuers holds them for the duplicate check and the filter).
-- replaced_by / replaced_from: the later document that replaces this one
-- and the day it does (its first day in force), so that the status is a
-- function of the dates alone.
-- search_number, search_head: the number's and the head's folded words
-- with a space on each side, for the rank of a search's matches
-- (store::documents::search); documents_fts below finds them.
CREATE TABLE documents (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    number         TEXT NOT NULL,
    number_key     TEXT NOT NULL,
    year           INTEGER NOT NULL,
    issued_on      TEXT NOT NULL,
    issuers        TEXT NOT NULL,
    signer         TEXT,
    subject        TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('national', 'province', 'commune')),
    org_unit_id    INTEGER REFERENCES org_units (id),
    in_force_from  TEXT NOT NULL,
    in_force_until TEXT,
    replaced_by    INTEGER REFERENCES documents (id),
    replaced_from  TEXT,
    summary        TEXT,
    files          INTEGER NOT NULL DEFAULT 0,
    search_number  TEXT NOT NULL DEFAULT '',
    search_head    TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((level = 'national') = (org_unit_id IS NULL)),
    CHECK (in_force_until IS NULL OR in_force_until >= in_force_from)
);
CREATE INDEX documents_issued ON documents (issued_on, id);
CREATE INDEX documents_unit ON documents (org_unit_id, issued_on);
CREATE INDEX documents_replaced_by ON documents (replaced_by);

-- One number per issuing body and year: a joint resolution's number is
-- taken for each of its bodies. A body is its name at its unit (unit_key:
-- the document's unit, 0 for national texts): seven communes are named
-- Xã Tân Tiến, and each numbers its own texts.
CREATE TABLE document_issuers (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    year        INTEGER NOT NULL,
    number_key  TEXT NOT NULL,
    unit_key    INTEGER NOT NULL,
    PRIMARY KEY (document_id, position)
) WITHOUT ROWID;
CREATE UNIQUE INDEX document_issuers_number
    ON document_issuers (name_key, unit_key, year, number_key);

-- text: the file's words as the index holds them (folded), where the
-- format allows (PDF with text, DOCX); NULL for scans.
CREATE TABLE document_files (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    text         TEXT,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX document_files_document ON document_files (document_id, id);

CREATE TABLE document_links (
    document_id INTEGER NOT NULL REFERENCES documents (id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('model_type', 'criterion', 'data_set',
                    'indicator', 'program')),
    target_id   INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (document_id, target_kind, target_id)
) WITHOUT ROWID;
CREATE INDEX document_links_target ON document_links (target_kind, target_id);

-- Full-text search (rowid = documents.id) over folded words: the number,
-- the head (kind, issuers, subject, signer, summary) and the files' text.
-- PostgreSQL keeps the same words in documents.search (a tsvector).
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    number, head, body,
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1 2 3'
);
