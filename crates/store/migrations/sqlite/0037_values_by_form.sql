-- A form's figures side by side (issue 24). Figures were keyed by
-- indicator first, so the 100 figures of one commune's month landed on
-- 100 pages of a national file, each written again at every save (and
-- once more in the unit index); keyed by unit and period first they
-- share one or two pages, and a save writes a third as much. Readers
-- ask by unit and period (forms, pivots, rollups); the questions asked
-- by indicator alone are answered by `indicators.has_values` below and
-- the rebuild reads unit by unit. SQLite cannot change a primary key in
-- place: the table is rebuilt (copy, drop, rename; foreign keys are off
-- while migrating, `Db::migrate`). At national size (21 million figures)
-- this takes a few minutes: docs/operations.md.

-- Whether an indicator has had figures: set by every write of figures,
-- so that "may its aggregation still change?" needs no scan of the
-- figures when the answer is no; when it says yes the figures are looked
-- at, and it is cleared if none are left (`statistics::has_values`).
ALTER TABLE indicators ADD COLUMN has_values BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE indicators SET has_values = TRUE
WHERE id IN (SELECT DISTINCT indicator_id FROM data_values);

CREATE TABLE data_values_next (
    indicator_id INTEGER NOT NULL REFERENCES indicators (id),
    org_unit_id  INTEGER NOT NULL REFERENCES org_units (id),
    period       TEXT NOT NULL,
    value        REAL NOT NULL,
    comment      TEXT,
    approved     BOOLEAN NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   INTEGER,
    computed     BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (org_unit_id, period, indicator_id)
) WITHOUT ROWID;
-- In the new key's order (the unit index holds it): pages filled in turn.
INSERT INTO data_values_next (indicator_id, org_unit_id, period, value, comment,
        approved, updated_at, updated_by, computed)
    SELECT indicator_id, org_unit_id, period, value, comment,
        approved, updated_at, updated_by, computed
    FROM data_values INDEXED BY data_values_unit
    ORDER BY org_unit_id, period, indicator_id;
DROP TABLE data_values;
ALTER TABLE data_values_next RENAME TO data_values;
