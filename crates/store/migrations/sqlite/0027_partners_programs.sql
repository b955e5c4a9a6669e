-- Partner organisations at each level, their contact roles and user
-- accounts; coordination programmes and joint plans with their parties,
-- measurable targets and activities. See docs/architecture.md,
-- "Partners and programmes".

-- org_unit_id: the province or commune it sits in (a commune's Youth
-- Union in that commune); NULL for a national body. Organisations follow
-- the 2025 reform as units do: a merged province's Women's Union ends and
-- the new province's continues it (ended_on, succeeded_by).
CREATE TABLE partner_organisations (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL,
    sort_key     TEXT NOT NULL,
    level        TEXT NOT NULL CHECK (level IN ('national', 'province', 'commune')),
    org_unit_id  INTEGER REFERENCES org_units (id),
    ended_on     TEXT,
    succeeded_by INTEGER REFERENCES partner_organisations (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK ((level = 'national') = (org_unit_id IS NULL))
);
CREATE UNIQUE INDEX partner_organisations_name
    ON partner_organisations (COALESCE(org_unit_id, 0), name_folded);
CREATE INDEX partner_organisations_unit ON partner_organisations (org_unit_id, sort_key);

-- Offices and roles to reach, never private persons' files.
CREATE TABLE partner_contacts (
    organisation_id INTEGER NOT NULL REFERENCES partner_organisations (id),
    position        INTEGER NOT NULL,
    role            TEXT NOT NULL,
    phone           TEXT,
    email           TEXT,
    PRIMARY KEY (organisation_id, position)
) WITHOUT ROWID;

-- A partner user works for one organisation and sees its programmes only.
ALTER TABLE users ADD COLUMN organisation_id INTEGER REFERENCES partner_organisations (id);

-- org_unit_id: the area (a province or a commune; NULL: national).
-- parent_id: the higher programme this one carries out.
CREATE TABLE programs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('national', 'province', 'commune')),
    org_unit_id INTEGER REFERENCES org_units (id),
    parent_id   INTEGER REFERENCES programs (id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    summary     TEXT,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK ((level = 'national') = (org_unit_id IS NULL)),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX programs_unit ON programs (org_unit_id, starts_on);
CREATE INDEX programs_parent ON programs (parent_id);

CREATE TABLE program_parties (
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    organisation_id INTEGER NOT NULL REFERENCES partner_organisations (id),
    PRIMARY KEY (program_id, organisation_id)
) WITHOUT ROWID;
CREATE INDEX program_parties_organisation ON program_parties (organisation_id, program_id);

-- source: where progress comes from: 'models' (founded under the
-- programme), 'certified' (units certified in the area), 'classes' and
-- 'trainees' (training in the area), 'indicator' (approved figures of
-- the area), 'manual' (entered: manual_value).
CREATE TABLE program_targets (
    id                 INTEGER PRIMARY KEY,
    program_id         INTEGER NOT NULL REFERENCES programs (id),
    position           INTEGER NOT NULL,
    name               TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('models', 'certified', 'classes',
                           'trainees', 'indicator', 'manual')),
    model_type_id      INTEGER REFERENCES model_types (id),
    certification_kind TEXT,
    indicator_id       INTEGER REFERENCES indicators (id),
    target_value       REAL NOT NULL CHECK (target_value > 0),
    due_on             TEXT NOT NULL,
    manual_value       REAL,
    manual_updated_at  TEXT,
    UNIQUE (program_id, position)
);

-- organisation_id: the party that held it (NULL: the police).
CREATE TABLE program_activities (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs (id),
    organisation_id INTEGER REFERENCES partner_organisations (id),
    held_on         TEXT NOT NULL,
    org_unit_id     INTEGER NOT NULL REFERENCES org_units (id),
    place           TEXT,
    kind            TEXT NOT NULL,
    participants    INTEGER,
    result          TEXT,
    files           INTEGER NOT NULL DEFAULT 0,
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX program_activities_program ON program_activities (program_id, held_on);

CREATE TABLE program_activity_files (
    id           INTEGER PRIMARY KEY,
    activity_id  INTEGER NOT NULL REFERENCES program_activities (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX program_activity_files_activity ON program_activity_files (activity_id, id);

-- The programme a model was founded under (its free-text partners stay
-- for the models that have none).
ALTER TABLE models ADD COLUMN program_id INTEGER REFERENCES programs (id);
CREATE INDEX models_program ON models (program_id);
