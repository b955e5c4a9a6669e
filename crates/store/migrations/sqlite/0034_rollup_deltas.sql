-- Rollups without hot rows (issue 24): a write appends what it adds to
-- each rollup cell here, and the folder (`store::statistics::rollups::fold`)
-- moves the deltas into the cells a few times a second; a pivot reads a
-- cell and its deltas in one statement. On SQLite writers take turns
-- anyway; the table is here so that both databases keep the rollups the
-- same way (see the PostgreSQL migration for why it exists).
CREATE TABLE rollup_deltas (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL,
    period       TEXT NOT NULL,
    indicator_id INTEGER NOT NULL,
    part         TEXT NOT NULL,
    n            INTEGER NOT NULL,
    total        REAL NOT NULL,
    ok_n         INTEGER NOT NULL,
    ok_total     REAL NOT NULL
);
CREATE INDEX rollup_deltas_unit ON rollup_deltas (unit_id, period);
