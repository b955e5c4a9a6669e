-- Events of the movement, the 19 August festival of each commune and
-- year, and emulation pledges. See docs/architecture.md, "Events,
-- festivals and pledges".

-- org_unit_id: the organising unit (a province or a commune); others in
-- event_organisers. Participants are counts by group, never persons.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    place       TEXT,
    participants INTEGER NOT NULL,
    outcomes    TEXT,
    photos      INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX events_unit ON events (org_unit_id, starts_on);
CREATE INDEX events_day ON events (starts_on);

CREATE TABLE event_organisers (
    event_id    INTEGER NOT NULL REFERENCES events (id),
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (event_id, org_unit_id)
) WITHOUT ROWID;
CREATE INDEX event_organisers_unit ON event_organisers (org_unit_id);

CREATE TABLE event_partners (
    event_id        INTEGER NOT NULL REFERENCES events (id),
    organisation_id INTEGER NOT NULL REFERENCES partner_organisations (id),
    PRIMARY KEY (event_id, organisation_id)
) WITHOUT ROWID;

CREATE TABLE event_participants (
    event_id  INTEGER NOT NULL REFERENCES events (id),
    grp       TEXT NOT NULL,
    count     INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (event_id, grp)
) WITHOUT ROWID;

CREATE TABLE event_documents (
    event_id    INTEGER NOT NULL REFERENCES events (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    PRIMARY KEY (event_id, document_id)
) WITHOUT ROWID;

-- Photos as stored: re-written without their metadata (location, camera).
CREATE TABLE event_photos (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX event_photos_event ON event_photos (event_id, id);

-- One record per commune and year; province_id: the commune's 2025
-- province today (the national dashboard's rows). sites: how many
-- villages and sites held it (festival_sites lists them).
CREATE TABLE festivals (
    id                 INTEGER PRIMARY KEY,
    org_unit_id        INTEGER NOT NULL REFERENCES org_units (id),
    province_id        INTEGER NOT NULL REFERENCES org_units (id),
    year               INTEGER NOT NULL,
    held_on            TEXT NOT NULL,
    sites              INTEGER NOT NULL,
    participants       INTEGER,
    budget             INTEGER,
    activities         TEXT,
    commended_model_id INTEGER REFERENCES models (id),
    commended          TEXT,
    created_by         INTEGER REFERENCES users (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (org_unit_id, year)
);
CREATE INDEX festivals_year ON festivals (year, province_id);

CREATE TABLE festival_sites (
    festival_id INTEGER NOT NULL REFERENCES festivals (id),
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (festival_id, org_unit_id)
) WITHOUT ROWID;

-- org_unit_id: the area whose police follow the pledge.
CREATE TABLE pledges (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    event_id    INTEGER REFERENCES events (id),
    notes       TEXT,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX pledges_unit ON pledges (org_unit_id, starts_on);

-- A party: a unit (village, site, religious establishment as a site,
-- commune) or a partner organisation; its name as it was.
CREATE TABLE pledge_parties (
    id              INTEGER PRIMARY KEY,
    pledge_id       INTEGER NOT NULL REFERENCES pledges (id),
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('unit', 'organisation')),
    org_unit_id     INTEGER REFERENCES org_units (id),
    organisation_id INTEGER REFERENCES partner_organisations (id),
    name            TEXT NOT NULL,
    CHECK ((kind = 'unit') = (org_unit_id IS NOT NULL)),
    CHECK ((kind = 'organisation') = (organisation_id IS NOT NULL)),
    UNIQUE (pledge_id, position)
);

CREATE TABLE pledge_items (
    id        INTEGER PRIMARY KEY,
    party_id  INTEGER NOT NULL REFERENCES pledge_parties (id),
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    UNIQUE (party_id, position)
);

CREATE TABLE pledge_assessments (
    item_id     INTEGER NOT NULL REFERENCES pledge_items (id),
    year        INTEGER NOT NULL,
    kept        BOOLEAN NOT NULL,
    note        TEXT,
    assessed_by INTEGER REFERENCES users (id),
    assessed_at TEXT NOT NULL,
    PRIMARY KEY (item_id, year)
) WITHOUT ROWID;
