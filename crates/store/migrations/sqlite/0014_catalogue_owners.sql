-- Who a catalogue entry belongs to: NULL is the national catalogue (kept
-- by administrators), a province's id is that province's own (kept by its
-- staff, seen by its units only). Every entry made before this migration
-- is national. See docs/architecture.md "Catalogues owned by a level".
ALTER TABLE model_types ADD COLUMN owner_id INTEGER REFERENCES org_units (id);
ALTER TABLE indicators ADD COLUMN owner_id INTEGER REFERENCES org_units (id);
ALTER TABLE data_sets ADD COLUMN owner_id INTEGER REFERENCES org_units (id);
ALTER TABLE validation_rules ADD COLUMN owner_id INTEGER REFERENCES org_units (id);
CREATE INDEX model_types_owner ON model_types (owner_id);

-- A national entry a province does not use: hidden from its pages and its
-- units' choices, never from the data already recorded with it.
CREATE TABLE catalogue_hidden (
    province_id INTEGER NOT NULL REFERENCES org_units (id),
    catalogue   TEXT NOT NULL CHECK (catalogue IN ('model_type', 'indicator', 'data_set', 'validation_rule')),
    entry_id    INTEGER NOT NULL,
    hidden_by   INTEGER REFERENCES users (id),
    hidden_at   TEXT NOT NULL,
    PRIMARY KEY (province_id, catalogue, entry_id)
);
