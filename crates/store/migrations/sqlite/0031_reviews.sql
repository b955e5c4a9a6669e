-- Reviews (sơ kết, tổng kết). See docs/architecture.md, "Reviews".

-- org_unit_id: the unit reviewed and writing (NULL: a national review, the
-- Ministry's, written by administrators). period_from, period_to: months
-- as 'YYYY-MM'. answers_id: the higher
-- level's review this one is submitted to. supersedes_id: the issued
-- review this is a new version of (edition counts them). An issued review
-- has its number (unique per unit and year), its day, its signer and its
-- figures frozen as JSON (domain::reviews::Figures); nothing of it changes.
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    org_unit_id      INTEGER REFERENCES org_units (id),
    kind             TEXT NOT NULL CHECK (kind IN ('six_month', 'year', 'interim', 'final',
                         'thematic')),
    subject          TEXT NOT NULL,
    period_from      TEXT NOT NULL,
    period_to        TEXT NOT NULL,
    view             TEXT NOT NULL CHECK (view IN ('as_was', 'as_now')),
    state            TEXT NOT NULL CHECK (state IN ('draft', 'issued')),
    answers_id       INTEGER REFERENCES reviews (id),
    supersedes_id    INTEGER REFERENCES reviews (id),
    edition          INTEGER NOT NULL DEFAULT 1,
    number           TEXT,
    issue_year       INTEGER,
    place            TEXT,
    issued_on        TEXT,
    signer_authority TEXT,
    signer_title     TEXT,
    signer_name      TEXT,
    recipients       TEXT,
    figures          TEXT,
    created_by       INTEGER REFERENCES users (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((state = 'issued') = (number IS NOT NULL AND issued_on IS NOT NULL
        AND figures IS NOT NULL))
);
CREATE UNIQUE INDEX reviews_number ON reviews (org_unit_id, issue_year, number);
-- NULLs are distinct in the index above: the national reviews' numbers.
CREATE UNIQUE INDEX reviews_national_number ON reviews (issue_year, number)
    WHERE org_unit_id IS NULL;
CREATE INDEX reviews_unit ON reviews (org_unit_id, created_at);
CREATE INDEX reviews_answers ON reviews (answers_id);

-- What a review is about: model types, a programme, a directive, the data
-- sets it tabulates (no foreign key: four tables).
CREATE TABLE review_focus (
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    kind      TEXT NOT NULL CHECK (kind IN ('model_type', 'program', 'directive', 'data_set')),
    ref_id    INTEGER NOT NULL,
    PRIMARY KEY (review_id, kind, ref_id)
);

-- Every save of a narrative section is kept; the latest is the text.
CREATE TABLE review_sections (
    id        INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    section   TEXT NOT NULL CHECK (section IN ('situation', 'results', 'limitations', 'lessons',
                  'directions', 'proposals')),
    version   INTEGER NOT NULL,
    body      TEXT NOT NULL,
    saved_by  INTEGER REFERENCES users (id),
    saved_at  TEXT NOT NULL,
    UNIQUE (review_id, section, version)
);
