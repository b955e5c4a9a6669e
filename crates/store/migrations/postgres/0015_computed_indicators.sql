-- Figures the registers count themselves (docs/architecture.md "Figures
-- the registers compute"): an indicator names the register figure that
-- computes it ('models.active' …; NULL: typed by people), and a stored
-- value says whether the register computed it at submission or a person
-- typed it (figures typed before an indicator became computed are kept
-- and shown as typed).
ALTER TABLE indicators ADD COLUMN computed TEXT;
ALTER TABLE data_values ADD COLUMN computed BOOLEAN NOT NULL DEFAULT FALSE;
