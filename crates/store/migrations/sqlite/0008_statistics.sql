-- Periodic statistics: the data sets that collect the movement's figures,
-- their indicators and validation rules, the values communes enter, the
-- approval of each data set × unit × period, and the rollups that keep
-- pivots fast. See docs/architecture.md ("Statistics and analytics").
CREATE TABLE data_sets (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    period_type     TEXT NOT NULL CHECK (period_type IN ('month', 'quarter', 'half', 'year')),
    calendar        TEXT NOT NULL CHECK (calendar IN ('months', 'cut_off')),
    -- who enters: 'commune', 'village' or a site kind ('school' …)
    entry           TEXT NOT NULL,
    deadline_days   INTEGER NOT NULL,
    -- approving levels, lowest first: 'province' or 'commune,province'
    approval_levels TEXT NOT NULL,
    description     TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE indicators (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL CHECK (unit IN ('count', 'percent', 'money')),
    aggregation    TEXT NOT NULL CHECK (aggregation IN ('sum', 'average', 'last', 'max')),
    allow_negative BOOLEAN NOT NULL,
    min_value      REAL,
    max_value      REAL,
    description    TEXT NOT NULL,
    -- the one data set that collects it, and its place on the form
    data_set_id    INTEGER REFERENCES data_sets (id),
    position       INTEGER NOT NULL,
    active         BOOLEAN NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX indicators_data_set ON indicators (data_set_id, position);

CREATE TABLE validation_rules (
    id          INTEGER PRIMARY KEY,
    data_set_id INTEGER NOT NULL REFERENCES data_sets (id),
    expression  TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    message     TEXT NOT NULL,
    active      BOOLEAN NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX validation_rules_data_set ON validation_rules (data_set_id);

-- One figure: an indicator for a unit and period ('2022-03', '2022-Q1' …,
-- of the data set's period type). A legacy unit's figures keep the legacy
-- unit. `approved`: the data set is approved at every level for this unit
-- and period (copied from data_approvals for the rollups).
CREATE TABLE data_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators (id),
    org_unit_id  INTEGER NOT NULL REFERENCES org_units (id),
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    comment      TEXT,
    approved     BOOLEAN NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   INTEGER,
    PRIMARY KEY (indicator_id, org_unit_id, period)
) WITHOUT ROWID;
CREATE INDEX data_values_unit ON data_values (org_unit_id, period);

-- Where a data set stands for one unit and period; no row is a draft.
CREATE TABLE data_approvals (
    data_set_id INTEGER NOT NULL REFERENCES data_sets (id),
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    period      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('draft', 'returned', 'submitted', 'approved')),
    -- levels of the chain that have approved
    levels      INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER,
    PRIMARY KEY (data_set_id, period, org_unit_id)
) WITHOUT ROWID;

-- Derived data (crate analytics; `binhyen analytics rebuild` recomputes
-- it from data_values, every write keeps it in step).
-- The units a unit's figures count under: its ancestors as the hierarchy
-- was ('w'), those of its 2025 successor as it is now ('n'), or both ('b').
CREATE TABLE rollup_homes (
    unit_id INTEGER NOT NULL,
    home_id INTEGER NOT NULL,
    part    TEXT NOT NULL CHECK (part IN ('b', 'w', 'n')),
    PRIMARY KEY (unit_id, home_id)
) WITHOUT ROWID;
CREATE INDEX rollup_homes_home ON rollup_homes (home_id, part);

-- One cell per home unit × period × indicator × part: the figures of
-- every unit counting under the home for the periods inside `period`,
-- except the home's own figure for `period` itself. n/total/top: all
-- figures; ok_*: approved figures only. `top` only for maxima.
CREATE TABLE rollups (
    unit_id      INTEGER NOT NULL,
    period       TEXT NOT NULL,
    indicator_id INTEGER NOT NULL,
    part         TEXT NOT NULL,
    n            INTEGER NOT NULL,
    total        REAL NOT NULL,
    top          REAL,
    ok_n         INTEGER NOT NULL,
    ok_total     REAL NOT NULL,
    ok_top       REAL,
    PRIMARY KEY (unit_id, period, indicator_id, part)
) WITHOUT ROWID;

-- A pivot someone named, to open again or show on the dashboard. Shared
-- pivots are seen by everyone whose scope reaches `org_unit_id`.
CREATE TABLE saved_pivots (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    owner_id    INTEGER NOT NULL REFERENCES users (id),
    org_unit_id INTEGER REFERENCES org_units (id),
    query       TEXT NOT NULL,
    shared      BOOLEAN NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX saved_pivots_owner ON saved_pivots (owner_id);
