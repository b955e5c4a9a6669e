-- The folded names of models alone, by id: the country-wide text search
-- (the list's `q` with no place) reads this narrow table newest first
-- instead of the wide `models` rows (a rare text in 300,000 names: 48 ms to
-- 27 ms), and stops at the count cap for a common one. Kept in step by
-- triggers; an import appends to it in id order.
CREATE TABLE model_names (
    id          INTEGER PRIMARY KEY REFERENCES models (id),
    name_folded TEXT NOT NULL
);
INSERT INTO model_names (id, name_folded) SELECT id, name_folded FROM models;

CREATE TRIGGER model_names_insert AFTER INSERT ON models BEGIN
    INSERT INTO model_names (id, name_folded) VALUES (new.id, new.name_folded);
END;
CREATE TRIGGER model_names_update AFTER UPDATE OF name_folded ON models BEGIN
    UPDATE model_names SET name_folded = new.name_folded WHERE id = new.id;
END;
CREATE TRIGGER model_names_delete BEFORE DELETE ON models BEGIN
    DELETE FROM model_names WHERE id = old.id;
END;
