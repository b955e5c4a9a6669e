-- The administrative hierarchy over time. See docs/architecture.md.
CREATE TABLE org_units (
    id           INTEGER PRIMARY KEY,
    -- natural key of national reference units ('2025:commune:00004');
    -- NULL for units created by users
    ref_key      TEXT UNIQUE,
    level        TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune', 'village', 'site')),
    kind         TEXT NOT NULL,
    code         TEXT,
    name         TEXT NOT NULL,
    short_name   TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    short_folded TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    parent_id    INTEGER REFERENCES org_units (id),
    valid_from   TEXT,
    valid_to     TEXT,
    lat          REAL,
    lon          REAL,
    address      TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to)
);
CREATE INDEX org_units_parent ON org_units (parent_id, sort_key);
CREATE INDEX org_units_level_code ON org_units (level, code);
CREATE INDEX org_units_short_folded ON org_units (short_folded);

-- org_unit_words, org_unit_tree and org_unit_reach are derived from
-- org_units and org_unit_successors (rebuilt by the reference loader, kept
-- in step by every write; a test checks it). They carry no foreign keys:
-- units are never deleted, and the checks tripled PostgreSQL's load time.

-- Search: the folded short name from each word on ("nam dinh", "dinh" for
-- Phường Nam Định; the type word is matched against `kind` instead), with
-- copies of the unit's columns that searches filter and rank by. A query reads one range of this table, whatever the number
-- of matches, without visiting org_units.
CREATE TABLE org_unit_words (
    word       TEXT NOT NULL,
    unit_id    INTEGER NOT NULL,
    -- the word starts the short name (ranks first)
    is_start   BOOLEAN NOT NULL,
    level      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent_id  INTEGER,
    valid_from TEXT,
    valid_to   TEXT,
    sort_key   TEXT NOT NULL,
    PRIMARY KEY (word, unit_id)
) WITHOUT ROWID;
CREATE INDEX org_unit_words_unit ON org_unit_words (unit_id);

-- Closure of the hierarchy: every (ancestor, descendant) pair, self included
-- at depth 0. "Everything under X" is one indexed range on ancestor_id.
CREATE TABLE org_unit_tree (
    ancestor_id INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    depth       INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX org_unit_tree_unit ON org_unit_tree (unit_id, depth);

-- Closure over the hierarchy and the successions together: the units whose
-- records a unit covers "as it is now" (2025 Ninh Bình covers legacy Nam
-- Định and all that was under it). Used for scope and for mapped views.
CREATE TABLE org_unit_reach (
    ancestor_id INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    PRIMARY KEY (ancestor_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX org_unit_reach_unit ON org_unit_reach (unit_id);

CREATE TABLE org_unit_successors (
    from_id    INTEGER NOT NULL REFERENCES org_units (id),
    to_id      INTEGER NOT NULL REFERENCES org_units (id),
    on_date    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('whole', 'split')),
    is_default BOOLEAN NOT NULL,
    PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;
CREATE INDEX org_unit_successors_to ON org_unit_successors (to_id);

-- Which reference data file was loaded last (by content hash), so that a
-- second start does not read the files again.
CREATE TABLE reference_data (
    name      TEXT PRIMARY KEY,
    digest    TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
