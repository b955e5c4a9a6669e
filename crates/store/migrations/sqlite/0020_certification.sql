-- Certification "An toàn về an ninh, trật tự" (Thông tư 124/2021/TT-BCA):
-- for each unit and assessment year one case, judged by the criteria set
-- in force for that year, moved on only by dated, signed steps (nothing is
-- deleted; a later step undoes an earlier one).

-- The kinds of certified unit and their rules, as data: where the
-- assessment year starts, which level decides, and the rules across
-- capabilities (the share of a commune's residential areas certified the
-- year before, whether a model must be active, whether every staff member
-- must be briefed).
CREATE TABLE certification_kinds (
    kind                 TEXT PRIMARY KEY,
    position             INTEGER NOT NULL,
    -- the first day of the assessment year (month, day); the year is
    -- named by the year it ends in
    year_start_month     INTEGER NOT NULL CHECK (year_start_month BETWEEN 1 AND 12),
    year_start_day       INTEGER NOT NULL CHECK (year_start_day BETWEEN 1 AND 28),
    -- 'commune' or 'province': whose decision certifies
    deciding_level       TEXT NOT NULL CHECK (deciding_level IN ('commune', 'province')),
    -- commune: the share (percent) of its residential areas certified for
    -- the previous year; NULL: no such rule
    min_residential_share INTEGER,
    needs_active_model   BOOLEAN NOT NULL,
    needs_staff_briefed  BOOLEAN NOT NULL
);
INSERT INTO certification_kinds VALUES
    ('residential', 10, 11, 1, 'commune', NULL, FALSE, FALSE),
    ('commune', 20, 1, 1, 'province', 70, TRUE, FALSE),
    ('agency', 30, 1, 1, 'commune', NULL, TRUE, TRUE),
    ('enterprise', 40, 1, 1, 'commune', NULL, TRUE, TRUE),
    ('school', 50, 1, 1, 'commune', NULL, TRUE, FALSE),
    ('religious', 60, 1, 1, 'commune', NULL, FALSE, FALSE);

-- Kinds of unit outside the scheme (primary schools, kindergartens, small
-- and micro enterprises, armed-forces units): a unit marked with one is not
-- counted among the eligible and cannot register.
CREATE TABLE certification_exempt_categories (
    code     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL REFERENCES certification_kinds (kind),
    name     TEXT NOT NULL,
    source   TEXT NOT NULL
);
INSERT INTO certification_exempt_categories VALUES
    ('school_primary', 'school', 'Trường tiểu học', 'Thông tư 124/2021/TT-BCA'),
    ('school_kindergarten', 'school', 'Trường mầm non, nhà trẻ', 'Thông tư 124/2021/TT-BCA'),
    ('enterprise_small', 'enterprise', 'Doanh nghiệp nhỏ, siêu nhỏ', 'Thông tư 124/2021/TT-BCA'),
    ('agency_armed_forces', 'agency', 'Cơ quan, đơn vị lực lượng vũ trang', 'Thông tư 124/2021/TT-BCA');

-- A unit outside the scheme from a year on (until `to_year`, if it changes).
CREATE TABLE certification_exemptions (
    org_unit_id INTEGER PRIMARY KEY REFERENCES org_units (id),
    category    TEXT NOT NULL REFERENCES certification_exempt_categories (code),
    from_year   INTEGER NOT NULL,
    note        TEXT,
    user_id     INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL
);

-- A published criteria set: never edited; a later version supersedes it
-- from its year.
CREATE TABLE certification_criteria_sets (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL REFERENCES certification_kinds (kind),
    version      INTEGER NOT NULL,
    from_year    INTEGER NOT NULL,
    title        TEXT NOT NULL,
    source       TEXT NOT NULL,
    published_by INTEGER REFERENCES users (id),
    published_at TEXT NOT NULL,
    UNIQUE (kind, version),
    UNIQUE (kind, from_year)
);

CREATE TABLE certification_criteria (
    id        INTEGER PRIMARY KEY,
    set_id    INTEGER NOT NULL REFERENCES certification_criteria_sets (id),
    position  INTEGER NOT NULL,
    code      TEXT NOT NULL,
    text      TEXT NOT NULL,
    source    TEXT NOT NULL,
    required  BOOLEAN NOT NULL,
    -- the text still to be checked against the current law (DOMAIN.md)
    to_check  BOOLEAN NOT NULL,
    UNIQUE (set_id, code)
);

CREATE TABLE certification_cases (
    id                   INTEGER PRIMARY KEY,
    org_unit_id          INTEGER NOT NULL REFERENCES org_units (id),
    kind                 TEXT NOT NULL REFERENCES certification_kinds (kind),
    year                 INTEGER NOT NULL,
    set_id               INTEGER NOT NULL REFERENCES certification_criteria_sets (id),
    state                TEXT NOT NULL CHECK (state IN ('registered', 'assessed', 'submitted',
                             'returned', 'reviewed', 'certified', 'not_certified', 'revoked')),
    state_since          TEXT NOT NULL,
    registered_on        TEXT NOT NULL,
    party_resolution_on  TEXT,
    households_percent   REAL,
    staff_briefed_percent REAL,
    classification       TEXT CHECK (classification IN ('xuat_sac', 'kha', 'trung_binh', 'khong_dat')),
    decided_on           TEXT,
    decision_no          TEXT,
    -- the level whose decision certified: its unit and the running number
    certificate_issuer_id INTEGER REFERENCES org_units (id),
    certificate_no       TEXT,
    revoked_on           TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (org_unit_id, year)
);
CREATE INDEX certification_cases_year ON certification_cases (year, kind, state);
CREATE UNIQUE INDEX certification_cases_certificate ON certification_cases (certificate_issuer_id, year, certificate_no);

-- Every step, dated and signed; `detail` keeps what the step said (the
-- answers of an assessment, a reason, a decision number) as JSON.
CREATE TABLE certification_steps (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES certification_cases (id),
    action    TEXT NOT NULL,
    on_date   TEXT NOT NULL,
    note      TEXT,
    detail    TEXT NOT NULL,
    user_id   INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX certification_steps_case ON certification_steps (case_id, id);

-- The latest self-assessment, criterion by criterion.
CREATE TABLE certification_answers (
    case_id      INTEGER NOT NULL REFERENCES certification_cases (id),
    criterion_id INTEGER NOT NULL REFERENCES certification_criteria (id),
    met          BOOLEAN NOT NULL,
    explanation  TEXT,
    PRIMARY KEY (case_id, criterion_id)
);

-- Evidence files, kept in the database (outside any web root, backed up
-- with it), checked by content before they are stored.
CREATE TABLE certification_evidence (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES certification_cases (id),
    criterion_id INTEGER REFERENCES certification_criteria (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX certification_evidence_case ON certification_evidence (case_id, id);
