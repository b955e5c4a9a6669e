-- Fields of the movement (a model type's "lĩnh vực") and kinds of place
-- (a site's kind, and what a model type may be deployed at besides villages
-- and communes) are data, not a release: the national entries below are
-- the administrators', and a province adds its own beside them (owner_id,
-- as for the catalogues of 0014). Codes are unique across owners, as
-- model type codes are, so that a stored code names one entry.
CREATE TABLE model_fields (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    owner_id   INTEGER REFERENCES org_units (id),
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX model_fields_owner ON model_fields (owner_id, position);
INSERT INTO model_fields (code, name, owner_id, position, created_at, updated_at) VALUES
    ('residential', 'Khu dân cư', NULL, 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('religious', 'Tôn giáo', NULL, 20, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('school', 'Trường học', NULL, 30, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('agency_enterprise', 'Cơ quan, doanh nghiệp', NULL, 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('veterans', 'Cựu chiến binh', NULL, 50, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('youth', 'Thanh niên', NULL, 60, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('women', 'Phụ nữ', NULL, 70, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('farmers', 'Nông dân', NULL, 80, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('workers', 'Công nhân, lao động', NULL, 90, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('reintegration', 'Tái hòa nhập cộng đồng', NULL, 100, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('drugs', 'Phòng, chống ma túy', NULL, 110, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('traffic', 'Trật tự an toàn giao thông', NULL, 120, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('fire_safety', 'Phòng cháy, chữa cháy', NULL, 130, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('cameras', 'Camera an ninh', NULL, 140, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('other', 'Khác', NULL, 150, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE place_kinds (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    owner_id   INTEGER REFERENCES org_units (id),
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX place_kinds_owner ON place_kinds (owner_id, position);
INSERT INTO place_kinds (code, name, owner_id, position, created_at, updated_at) VALUES
    ('agency', 'Cơ quan', NULL, 10, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('enterprise', 'Doanh nghiệp', NULL, 20, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('school', 'Trường học', NULL, 30, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('religious', 'Cơ sở tôn giáo', NULL, 40, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('market', 'Chợ', NULL, 50, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('industrial_cluster', 'Cụm công nghiệp', NULL, 60, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('other', 'Cơ sở khác', NULL, 70, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);
