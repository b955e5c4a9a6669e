-- The cells of each home, period and part in one row (issue 24). The
-- national rollup reads 21,000 cells of the provinces, and PostgreSQL
-- took 21 ms to find and pack them one by one (a heap tuple each); the
-- same figures as 270 rows of arrays take 3. The cells stay the truth:
-- a row is what `rollups` holds for its key, packed, whenever no delta of
-- that key waits in `rollup_deltas`. The folder packs the rows of the
-- keys it folds in its transaction; a write that changes cells itself (a
-- maximum) appends an empty delta for the key, so that readers use the
-- cells until the folder packs it again; a rebuild packs every row. A
-- pivot of many indicators reads the rows of keys without deltas and the
-- cells and deltas of the others, in one statement.
CREATE TABLE rollup_rows (
    unit_id       BIGINT NOT NULL,
    period        TEXT NOT NULL COLLATE "C",
    part          TEXT NOT NULL,
    indicator_ids BIGINT[] NOT NULL,
    n             BIGINT[] NOT NULL,
    total         DOUBLE PRECISION[] NOT NULL,
    top           DOUBLE PRECISION[] NOT NULL,
    ok_n          BIGINT[] NOT NULL,
    ok_total      DOUBLE PRECISION[] NOT NULL,
    ok_top        DOUBLE PRECISION[] NOT NULL,
    PRIMARY KEY (unit_id, period, part)
) WITH (fillfactor = 50);
-- Half of each page kept free: the folder rewrites a province's rows of
-- the open period every few hundred milliseconds in a surge, and a new
-- version on the same page is a HOT update (no new index entry, pruned by
-- the next reader) rather than one more dead row for vacuum to find.
INSERT INTO rollup_rows
SELECT unit_id, period, part,
       array_agg(indicator_id ORDER BY indicator_id), array_agg(n ORDER BY indicator_id),
       array_agg(total ORDER BY indicator_id), array_agg(top ORDER BY indicator_id),
       array_agg(ok_n ORDER BY indicator_id), array_agg(ok_total ORDER BY indicator_id),
       array_agg(ok_top ORDER BY indicator_id)
FROM rollups GROUP BY unit_id, period, part;
