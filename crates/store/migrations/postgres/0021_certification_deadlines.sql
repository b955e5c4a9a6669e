-- How long a certification case may wait in an open state for its next
-- step, as data: from the end of its assessment year or from the day it
-- entered the state, plus a number of days. Cases past it are listed as
-- overdue by the level that must act (the commune; the deciding level for
-- a reviewed case).
CREATE TABLE certification_deadlines (
    state  TEXT PRIMARY KEY CHECK (state IN ('registered', 'assessed', 'submitted',
               'returned', 'reviewed')),
    basis  TEXT NOT NULL CHECK (basis IN ('year_end', 'state_since')),
    days   BIGINT NOT NULL CHECK (days BETWEEN 0 AND 366),
    -- what is awaited, for people reading the table
    note   TEXT NOT NULL
);
INSERT INTO certification_deadlines VALUES
    ('registered', 'year_end', 0, 'the self-assessment, by the last day of the assessment year'),
    ('assessed', 'state_since', 10, 'sending the self-assessment to the commune police'),
    ('returned', 'state_since', 15, 'a new self-assessment after a return'),
    ('submitted', 'state_since', 15, 'the commune police''s review'),
    ('reviewed', 'state_since', 30, 'the decision of the competent level');
