-- Rollups without hot rows (issue 24). Every figure a commune saved used
-- to add itself, in the saver's transaction, to the cells of its province
-- and of the country: a handful of rows every save of the province (and
-- every save of the nation) updated and held until commit, so saves queued
-- behind each other and behind an import. Now a write appends what it
-- adds to each cell here (insert only: no row two writers share), and a
-- folder (`store::statistics::rollups::fold`, run by every server, one at
-- a time under an advisory lock) moves committed deltas into the cells a
-- few times a second. A pivot reads a cell and its deltas in one
-- statement, so it sees each change exactly once whether it was folded
-- or not. Maxima cannot be kept by difference and stay in the cells.
CREATE TABLE rollup_deltas (
    id           BIGSERIAL PRIMARY KEY,
    unit_id      BIGINT NOT NULL,
    period       TEXT NOT NULL COLLATE "C",
    indicator_id BIGINT NOT NULL,
    part         TEXT NOT NULL,
    n            BIGINT NOT NULL,
    total        DOUBLE PRECISION NOT NULL,
    ok_n         BIGINT NOT NULL,
    ok_total     DOUBLE PRECISION NOT NULL
);
-- The pivot reads a unit's deltas by unit and period.
CREATE INDEX rollup_deltas_unit ON rollup_deltas (unit_id, period);
-- A queue: rows come and go many times a second. Vacuum it by the number
-- of rows gone, not by a share of a table that is usually near empty.
ALTER TABLE rollup_deltas SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 20000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 20000
);
