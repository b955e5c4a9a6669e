-- The grassroots security teams (Law 30/2023/QH15) and the forces before
-- them, their members, and what the rules about them need: areas where
-- primary schooling suffices, households per village and year, and each
-- province's team-size rules.

-- Units in border, mountain or minority areas (a commune marks its villages too).
CREATE TABLE unit_area_marks (
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    mark        TEXT NOT NULL CHECK (mark IN ('border', 'mountain', 'minority')),
    PRIMARY KEY (org_unit_id, mark)
);

CREATE TABLE unit_households (
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    year        INTEGER NOT NULL,
    households  INTEGER NOT NULL CHECK (households >= 0),
    PRIMARY KEY (org_unit_id, year)
);

CREATE TABLE team_size_rules (
    id                INTEGER PRIMARY KEY,
    province_id       INTEGER NOT NULL REFERENCES org_units (id),
    from_date         TEXT NOT NULL,
    min_members       INTEGER NOT NULL,
    max_members       INTEGER NOT NULL,
    small_households  INTEGER,
    small_max_members INTEGER,
    decision_ref      TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    UNIQUE (province_id, from_date),
    CHECK (min_members <= max_members)
);

-- A person is one record across teams and classes. The national ID
-- number, if entered, is sealed under the server's key; its keyed hash
-- finds the record again; its last four digits are what lists show.
-- home_unit_id is where the person last served (what scopes the record).
CREATE TABLE people (
    id                 INTEGER PRIMARY KEY,
    full_name          TEXT NOT NULL,
    name_folded        TEXT NOT NULL,
    birth_date         TEXT NOT NULL,
    phone              TEXT,
    schooling          TEXT,
    national_id_sealed TEXT,
    national_id_index  TEXT UNIQUE,
    national_id_last4  TEXT,
    home_unit_id       INTEGER NOT NULL REFERENCES org_units (id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX people_home ON people (home_unit_id);

-- province_id: the 2025 province of the team's unit, for the size rule
-- and the national count by province.
CREATE TABLE security_teams (
    id                   INTEGER PRIMARY KEY,
    org_unit_id          INTEGER NOT NULL REFERENCES org_units (id),
    province_id          INTEGER NOT NULL REFERENCES org_units (id),
    force                TEXT NOT NULL CHECK (force IN ('to_bao_ve_antt', 'bao_ve_dan_pho',
                             'cong_an_xa_ban_chuyen_trach', 'dan_phong')),
    name                 TEXT NOT NULL,
    established_on       TEXT NOT NULL,
    decision_no          TEXT NOT NULL,
    decision_on          TEXT,
    decision_signer      TEXT,
    second_team_decision TEXT,
    ended_on             TEXT,
    end_reason           TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (ended_on IS NULL OR ended_on >= established_on)
);
CREATE INDEX security_teams_unit ON security_teams (org_unit_id);
CREATE INDEX security_teams_province ON security_teams (province_id, force);

-- eligibility: the checks as they stood at recognition (JSON).
CREATE TABLE team_members (
    id                  INTEGER PRIMARY KEY,
    team_id             INTEGER NOT NULL REFERENCES security_teams (id),
    person_id           INTEGER NOT NULL REFERENCES people (id),
    role                TEXT NOT NULL CHECK (role IN ('to_truong', 'to_pho', 'to_vien')),
    start_on            TEXT NOT NULL,
    end_on              TEXT,
    end_reason          TEXT,
    end_note            TEXT,
    decision_no         TEXT NOT NULL,
    decision_on         TEXT,
    resident_since      TEXT,
    health_certified_on TEXT,
    no_sanction         BOOLEAN NOT NULL,
    age_decision        TEXT,
    override_reason     TEXT,
    eligibility         TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX team_members_team ON team_members (team_id, start_on);
CREATE INDEX team_members_person ON team_members (person_id);
-- One open membership per person, whatever the team.
CREATE UNIQUE INDEX team_members_one_open ON team_members (person_id) WHERE end_on IS NULL;
