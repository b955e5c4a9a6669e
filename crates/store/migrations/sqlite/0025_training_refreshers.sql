-- When a passed trainee is due a refresher (the course's period after the
-- certificate), written with the result, so that the lists of refreshers
-- due read an index instead of every certificate. NULL: not passed, or a
-- course without refreshers.
ALTER TABLE enrolments ADD COLUMN refresher_due TEXT;
CREATE INDEX enrolments_refresher_due ON enrolments (refresher_due) WHERE refresher_due IS NOT NULL;
