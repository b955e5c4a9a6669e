-- When a passed trainee is due a refresher (the course's period after the
-- certificate), written with the result, so that the lists of refreshers
-- due read an index instead of every certificate. NULL: not passed, or a
-- course without refreshers.
ALTER TABLE enrolments ADD COLUMN refresher_due TEXT;
CREATE INDEX enrolments_refresher_due ON enrolments (refresher_due) WHERE refresher_due IS NOT NULL;
-- Results entered before this column: their due day from the course (the
-- month's last day when the day does not exist in it, as chrono adds
-- months; SQLite alone would run into the next month).
UPDATE enrolments SET refresher_due = (
    SELECT min(date(enrolments.certified_on, '+' || co.refresher_months || ' months'),
               date(enrolments.certified_on, 'start of month',
                    '+' || (co.refresher_months + 1) || ' months', '-1 day'))
      FROM training_classes c JOIN courses co ON co.id = c.course_id
     WHERE c.id = enrolments.class_id AND co.refresher_months IS NOT NULL)
 WHERE passed AND certified_on IS NOT NULL;
