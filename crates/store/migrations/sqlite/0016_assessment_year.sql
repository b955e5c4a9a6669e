-- The certification's assessment year (1 November – 31 October) is a
-- third reporting calendar, 'nov_oct'. SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt as SQLite's documentation
-- says (copy, drop, rename). Migrations run with foreign keys off
-- (`Db::migrate`), so indicators, rules and approvals keep referring to
-- `data_sets` by name, and `PRAGMA foreign_key_check` runs afterwards.
CREATE TABLE data_sets_next (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    period_type     TEXT NOT NULL CHECK (period_type IN ('month', 'quarter', 'half', 'year')),
    calendar        TEXT NOT NULL CHECK (calendar IN ('months', 'cut_off', 'nov_oct')),
    -- who enters: 'commune', 'village' or a site kind ('school' …)
    entry           TEXT NOT NULL,
    deadline_days   INTEGER NOT NULL,
    -- approving levels, lowest first: 'province' or 'commune,province'
    approval_levels TEXT NOT NULL,
    description     TEXT NOT NULL,
    active          BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    owner_id        INTEGER REFERENCES org_units (id)
);
INSERT INTO data_sets_next (id, code, name, period_type, calendar, entry, deadline_days,
        approval_levels, description, active, created_at, updated_at, owner_id)
    SELECT id, code, name, period_type, calendar, entry, deadline_days,
        approval_levels, description, active, created_at, updated_at, owner_id
    FROM data_sets;
DROP TABLE data_sets;
ALTER TABLE data_sets_next RENAME TO data_sets;
