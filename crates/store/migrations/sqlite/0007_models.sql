-- Movement models: the catalogue of types and the deployed models with
-- their dated status changes, yearly ratings and activity log.
CREATE TABLE model_types (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    short_name        TEXT NOT NULL,
    name_folded       TEXT NOT NULL,
    sort_key          TEXT NOT NULL,
    sector            TEXT NOT NULL,
    -- 'village,commune,school': the places the type is deployed at
    targets           TEXT NOT NULL,
    description       TEXT,
    legal_basis       TEXT,
    lead_org          TEXT,
    coordinating_orgs TEXT,
    retired_on        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE models (
    id               INTEGER PRIMARY KEY,
    type_id          INTEGER NOT NULL REFERENCES model_types (id),
    -- copied from the type, so that lists and the matrix filter without a join
    sector           TEXT NOT NULL,
    org_unit_id      INTEGER NOT NULL REFERENCES org_units (id),
    name             TEXT NOT NULL,
    name_folded      TEXT NOT NULL,
    sort_key         TEXT NOT NULL,
    founded_on       TEXT NOT NULL,
    decision_no      TEXT,
    decision_date    TEXT,
    decision_issuer  TEXT,
    -- the latest status change, copied from model_status_changes
    status           TEXT NOT NULL CHECK (status IN ('active', 'paused', 'dissolved')),
    status_since     TEXT NOT NULL,
    members          INTEGER,
    households       INTEGER,
    leader_name      TEXT,
    leader_role      TEXT,
    partners         TEXT,
    -- one emulation movement per line
    tags             TEXT NOT NULL DEFAULT '',
    replicated_from  INTEGER REFERENCES models (id),
    -- the latest yearly rating, copied from model_ratings
    last_rating      TEXT,
    last_rating_year INTEGER,
    last_exemplar    BOOLEAN NOT NULL DEFAULT FALSE,
    -- ever an exemplar: the models others may be replicated from
    is_exemplar      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by       INTEGER REFERENCES users (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
-- One model of a type per place and name: the duplicate check of imports.
CREATE UNIQUE INDEX models_identity ON models (org_unit_id, type_id, name_folded);
CREATE INDEX models_type ON models (type_id, id);
CREATE INDEX models_sector ON models (sector, id);
CREATE INDEX models_founded ON models (founded_on);
CREATE INDEX models_status ON models (status, id);
CREATE INDEX models_replicated ON models (replicated_from) WHERE replicated_from IS NOT NULL;

CREATE TABLE model_status_changes (
    id         INTEGER PRIMARY KEY,
    model_id   INTEGER NOT NULL REFERENCES models (id),
    on_date    TEXT NOT NULL,
    -- the day the next change starts (NULL for the latest): "the status on
    -- day D" is the one row with on_date <= D < ends_on
    ends_on    TEXT,
    status     TEXT NOT NULL CHECK (status IN ('active', 'paused', 'dissolved')),
    reason     TEXT,
    user_id    INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (model_id, on_date)
);

CREATE TABLE model_ratings (
    model_id   INTEGER NOT NULL REFERENCES models (id),
    year       INTEGER NOT NULL,
    rating     TEXT NOT NULL CHECK (rating IN ('good', 'fair', 'average', 'weak')),
    rated_on   TEXT NOT NULL,
    rater      TEXT NOT NULL,
    note       TEXT,
    exemplar   BOOLEAN NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (model_id, year)
);
CREATE INDEX model_ratings_year ON model_ratings (year, rating);

CREATE TABLE model_activities (
    id           INTEGER PRIMARY KEY,
    model_id     INTEGER NOT NULL REFERENCES models (id),
    on_date      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    description  TEXT NOT NULL,
    participants INTEGER,
    quantity     INTEGER,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX model_activities_model ON model_activities (model_id, on_date);
