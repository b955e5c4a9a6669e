-- A unit's own figures no longer fill its own cells (issue 24): the pivot
-- computes a commune's quarter, half and year from its months when asked,
-- and the cells hold only what the units under a home add to it (80 % of
-- the cells went). Cells built before hold the unit's own figures too, so
-- they must be built again: this row asks for it, and the server rebuilds
-- right after migrating (`rollups::rebuild_if_due`, minutes at national
-- size) and removes the row in the rebuild's transaction. A database with
-- no figures has no cells to build.
CREATE TABLE rollups_due (
    reason TEXT PRIMARY KEY
);
INSERT INTO rollups_due (reason)
SELECT 'own_figures_at_query_time' WHERE EXISTS (SELECT 1 FROM data_values);
