-- Whether an indicator has had figures (issue 24): set by every write of
-- figures, so that "may its aggregation still change?" needs no scan of
-- the figures when the answer is no; when it says yes the figures are
-- looked at (`statistics::has_values`). SQLite's 0037 also keys its
-- figures by unit and period first (a form's figures on one page: saves
-- ×1.4, imports ×1.5). PostgreSQL keeps the key (indicator, unit,
-- period): with the unit-first key its breakdown of 10 indicators by
-- commune read every indicator of each commune's months and went from
-- 30–40 to 149 ms at the median (docs/benchmarks.md), where its saves,
-- which append to the heap, gained little.
ALTER TABLE indicators ADD COLUMN has_values BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE indicators i SET has_values = TRUE
WHERE EXISTS (SELECT 1 FROM data_values d WHERE d.indicator_id = i.id);
