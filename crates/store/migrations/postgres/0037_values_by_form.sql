-- A form's figures side by side (issue 24). Figures were keyed by
-- indicator first, so the 100 figures of one commune's month were 100
-- leaf pages of the key (and a full-page image each in the WAL after a
-- checkpoint), besides the unit index; keyed by unit and period first
-- they share one or two, and the unit index is the key itself. Readers
-- ask by unit and period (forms, pivots, rollups); the questions asked
-- by indicator alone are answered by `indicators.has_values` below and
-- the rebuild reads unit by unit. At national size (21 million figures)
-- the new key takes about half a minute to build: docs/operations.md.

-- Whether an indicator has had figures: set by every write of figures,
-- so that "may its aggregation still change?" needs no scan of the
-- figures when the answer is no; when it says yes the figures are looked
-- at, and it is cleared if none are left (`statistics::has_values`).
ALTER TABLE indicators ADD COLUMN has_values BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE indicators i SET has_values = TRUE
WHERE EXISTS (SELECT 1 FROM data_values d WHERE d.indicator_id = i.id);

ALTER TABLE data_values DROP CONSTRAINT data_values_pkey;
DROP INDEX data_values_unit;
ALTER TABLE data_values ADD PRIMARY KEY (org_unit_id, period, indicator_id);
