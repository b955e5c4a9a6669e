-- SQLite's migration of this number adds `model_names`, a narrow copy of
-- the folded names that its country-wide text search reads instead of the
-- wide model rows. PostgreSQL scans the names in parallel (43 ms for a rare
-- text in 300,000 names) and has no such table; this file keeps the two
-- migration sequences in step.
SELECT 1;
