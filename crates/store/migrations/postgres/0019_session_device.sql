-- What a session was opened from, as its owner tells sessions apart:
-- a browser and a system ("Chrome · Android"), never the address or the
-- full user agent.
ALTER TABLE sessions ADD COLUMN device TEXT;
