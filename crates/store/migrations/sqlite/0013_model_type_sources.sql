-- Where a shipped model type comes from: 'bài viết' (the article the
-- catalogue follows), a named national text, or 'ví dụ' (an illustration);
-- NULL for a type users added. `binhyen import-catalogue` writes the real
-- source; until then the types loaded from the catalogue before this
-- column (those no user created) are marked as coming from it.
ALTER TABLE model_types ADD COLUMN source TEXT;
UPDATE model_types SET source = 'danh mục'
WHERE NOT EXISTS (
    SELECT 1 FROM audit_log a
    WHERE a.entity = 'model_type' AND a.action = 'create'
      AND a.entity_id = CAST(model_types.id AS TEXT)
);
