-- Commendations and proposals of them. See docs/architecture.md,
-- "Commendations".

-- recipient_kind and recipient_id name a unit, a partner organisation, a
-- security team or a model (no foreign key: four tables); an individual
-- is a name and a role only (recipient_id NULL). recipient_name is the
-- name when it was given (a unit renamed or merged keeps its history).
-- org_unit_id: where it counts and who sees it (the unit itself, the
-- organisation's, team's or model's unit, the individual's). proposed_on:
-- the day it was proposed (NULL: recorded as decided).
CREATE TABLE commendations (
    id             INTEGER PRIMARY KEY,
    form           TEXT NOT NULL,
    level          TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'refused')),
    year           INTEGER NOT NULL,
    reason         TEXT NOT NULL,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('unit', 'organisation', 'team',
                       'model', 'person')),
    recipient_id   INTEGER,
    recipient_name TEXT NOT NULL,
    recipient_folded TEXT NOT NULL,
    person_role    TEXT,
    org_unit_id    INTEGER NOT NULL REFERENCES org_units (id),
    -- the 2025 province the unit lies in today (a national dashboard's rows)
    province_id    INTEGER NOT NULL REFERENCES org_units (id),
    document_id    INTEGER REFERENCES documents (id),
    decision       TEXT,
    decided_on     TEXT,
    refusal        TEXT,
    proposed_on    TEXT,
    created_by     INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK ((recipient_kind = 'person') = (recipient_id IS NULL)),
    CHECK ((state = 'approved') = (decided_on IS NOT NULL))
);
-- Covering the counts: a national summary reads this index alone.
CREATE INDEX commendations_year ON commendations (state, year, province_id, form, level,
    recipient_kind);
CREATE INDEX commendations_unit_year ON commendations (org_unit_id, state, year);
CREATE INDEX commendations_province ON commendations (province_id, state, year);
CREATE INDEX commendations_recipient ON commendations (recipient_kind, recipient_id);
