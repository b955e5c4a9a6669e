-- Shares of a split legacy unit among its successors, for the "as it is
-- now" view of sums and stocks: without them, the default successor takes
-- everything. Averages and maxima always follow the default successor.
CREATE TABLE unit_shares (
    from_id BIGINT NOT NULL REFERENCES org_units (id),
    to_id   BIGINT NOT NULL REFERENCES org_units (id),
    share   DOUBLE PRECISION NOT NULL CHECK (share > 0 AND share <= 1),
    PRIMARY KEY (from_id, to_id)
);

-- A home now says what part of the unit's sums it takes (`share`) and
-- whether averages and maxima count there (`whole`: on the default
-- successor's path). A home can be both a "was" and a "now" home with
-- different shares, so the part joins the key.
ALTER TABLE rollup_homes ADD COLUMN share DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE rollup_homes ADD COLUMN whole BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE rollup_homes DROP CONSTRAINT rollup_homes_pkey;
ALTER TABLE rollup_homes ADD PRIMARY KEY (unit_id, home_id, part);
