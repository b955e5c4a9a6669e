-- Indexes that answer the model list from indexes alone (national size:
-- 300,000 models; a province holds 15,000), as index-only scans once the
-- tables are vacuumed. The SQLite migration of the same number gives
-- timings.

-- A place's list reads every model of the place and tests the filters on
-- each: with the filtered columns and the founding day keyed by place, no
-- table row is read.
CREATE INDEX models_place ON models (org_unit_id, status, sector, type_id, last_rating, last_exemplar, founded_on) INCLUDE (id);

-- "Had this status on a day", asked model by model.
CREATE INDEX model_status_changes_in_force ON model_status_changes (model_id, on_date) INCLUDE (ends_on, status);

-- "Rated so in a year": the year's models with that rating, read once; the
-- year's exemplars from an index of them alone.
DROP INDEX model_ratings_year;
CREATE INDEX model_ratings_year ON model_ratings (year, rating, model_id);
CREATE INDEX model_ratings_exemplars ON model_ratings (year, model_id) WHERE exemplar;
