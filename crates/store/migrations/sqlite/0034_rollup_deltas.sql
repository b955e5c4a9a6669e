-- Rollups without hot rows (issue 24): on PostgreSQL a write appends what
-- it adds to each rollup cell here and a folder
-- (`store::statistics::rollups::fold`) moves the deltas into the cells; a
-- pivot reads a cell and its deltas in one statement. SQLite's writers
-- take turns anyway and add to the cells directly (folding later only
-- doubled their writes); the table is here so that both databases have
-- one schema and the pivot one query.
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
