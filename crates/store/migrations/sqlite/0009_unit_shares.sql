-- Shares of a split legacy unit among its successors, for the "as it is
-- now" view of sums and stocks: without them, the default successor takes
-- everything. Averages and maxima always follow the default successor.
CREATE TABLE unit_shares (
    from_id INTEGER NOT NULL REFERENCES org_units (id),
    to_id   INTEGER NOT NULL REFERENCES org_units (id),
    share   REAL NOT NULL CHECK (share > 0 AND share <= 1),
    PRIMARY KEY (from_id, to_id)
) WITHOUT ROWID;

-- A home now says what part of the unit's sums it takes (`share`) and
-- whether averages and maxima count there (`whole`: on the default
-- successor's path). A home can be both a "was" and a "now" home with
-- different shares, so the part joins the key.
CREATE TABLE rollup_homes_next (
    unit_id INTEGER NOT NULL,
    home_id INTEGER NOT NULL,
    part    TEXT NOT NULL CHECK (part IN ('b', 'w', 'n')),
    share   REAL NOT NULL DEFAULT 1,
    whole   BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (unit_id, home_id, part)
) WITHOUT ROWID;
INSERT INTO rollup_homes_next (unit_id, home_id, part) SELECT unit_id, home_id, part FROM rollup_homes;
DROP TABLE rollup_homes;
ALTER TABLE rollup_homes_next RENAME TO rollup_homes;
CREATE INDEX rollup_homes_home ON rollup_homes (home_id, part);
