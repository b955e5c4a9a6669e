-- Indexes that answer the model list from indexes alone (national size:
-- 300,000 models; a province holds 15,000). Timings are SQLite's, for a
-- province's list.

-- A place's list reads every model of the place and tests the filters on
-- each: with the filtered columns and the founding day keyed by place, no
-- table row is read (status, field, rating or exemplar: 31 ms to 6-8 ms).
CREATE INDEX models_place ON models (org_unit_id, status, sector, type_id, last_rating, last_exemplar, founded_on);

-- "Had this status on a day", asked model by model: the change in force
-- is found and tested in the index (paused as of a day: 54 ms to 14 ms).
CREATE INDEX model_status_changes_in_force ON model_status_changes (model_id, on_date, ends_on, status);

-- "Rated so in a year": the year's models with that rating, read once
-- (30 ms to 13 ms); the year's exemplars from an index of them alone
-- (28 ms to 4 ms).
DROP INDEX model_ratings_year;
CREATE INDEX model_ratings_year ON model_ratings (year, rating, model_id);
CREATE INDEX model_ratings_exemplars ON model_ratings (year, model_id) WHERE exemplar;
