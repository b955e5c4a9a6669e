-- When a passed trainee is due a refresher (the course's period after the
-- certificate), written with the result, so that the lists of refreshers
-- due read an index instead of every certificate. NULL: not passed, or a
-- course without refreshers.
ALTER TABLE enrolments ADD COLUMN refresher_due DATE;
CREATE INDEX enrolments_refresher_due ON enrolments (refresher_due) WHERE refresher_due IS NOT NULL;
-- Results entered before this column: their due day from the course.
UPDATE enrolments e SET refresher_due = (e.certified_on + make_interval(months => co.refresher_months))::date
  FROM training_classes c JOIN courses co ON co.id = c.course_id
 WHERE c.id = e.class_id AND co.refresher_months IS NOT NULL AND e.passed AND e.certified_on IS NOT NULL;
