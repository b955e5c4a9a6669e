-- A file uploaded on a page, kept between the preview of its import and
-- the user's confirmation: a page without JavaScript cannot send the file
-- twice. Only its uploader may confirm it; it is deleted once applied or
-- replaced, and a day after it was uploaded. The import it leads to is
-- audited; the draft itself is not a record of the movement.
CREATE TABLE import_drafts (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    register   TEXT NOT NULL,
    options    TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX import_drafts_user ON import_drafts (user_id, register);
