-- The certification's assessment year (1 November – 31 October) is a
-- third reporting calendar, 'nov_oct'.
ALTER TABLE data_sets DROP CONSTRAINT data_sets_calendar_check;
ALTER TABLE data_sets ADD CONSTRAINT data_sets_calendar_check
    CHECK (calendar IN ('months', 'cut_off', 'nov_oct'));
