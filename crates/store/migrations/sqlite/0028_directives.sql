-- Directives and plans a level issues to the units below it, their tasks,
-- the owner units of each task and what the owners report. See
-- docs/architecture.md, "Directives and tasks".

-- org_unit_id: the issuing unit (the province for its department, a
-- commune for its police; NULL: national, the Ministry's). document_id: the directive in the register when
-- it is there; reference: its number and symbol otherwise.
CREATE TABLE directives (
    id             INTEGER PRIMARY KEY,
    org_unit_id    INTEGER REFERENCES org_units (id),
    document_id    INTEGER REFERENCES documents (id),
    reference      TEXT,
    subject        TEXT NOT NULL,
    subject_folded TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    summary        TEXT,
    created_by     INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX directives_unit ON directives (org_unit_id, issued_on);

-- expects: what the owners send ('figures' names its data set).
CREATE TABLE directive_tasks (
    id           INTEGER PRIMARY KEY,
    directive_id INTEGER NOT NULL REFERENCES directives (id),
    position     INTEGER NOT NULL,
    title        TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    expects      TEXT NOT NULL CHECK (expects IN ('text', 'file', 'figures', 'models',
                     'certifications')),
    data_set_id  INTEGER REFERENCES data_sets (id),
    owners       INTEGER NOT NULL,
    CHECK ((expects = 'figures') = (data_set_id IS NOT NULL)),
    UNIQUE (directive_id, position)
);

-- Each owner unit of a task and where it stands, as it last reported.
-- A legacy unit stays the owner after the 2025 reform; its successor sees
-- it through org_unit_reach. due_on is the task's, copied so that a
-- unit's late tasks are one range of task_owners_unit.
CREATE TABLE task_owners (
    task_id     INTEGER NOT NULL REFERENCES directive_tasks (id),
    org_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    due_on      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('not_started', 'in_progress', 'done', 'blocked')),
    reason      TEXT,
    -- the count the registers gave at the last report ('models',
    -- 'certifications', 'figures': forms sent), NULL otherwise
    count       INTEGER,
    files       INTEGER NOT NULL DEFAULT 0,
    reported_at TEXT,
    PRIMARY KEY (task_id, org_unit_id)
) WITHOUT ROWID;
CREATE INDEX task_owners_unit ON task_owners (org_unit_id, state, due_on);

-- Every report, as sent: the owner's history.
CREATE TABLE task_reports (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL,
    org_unit_id INTEGER NOT NULL,
    state       TEXT NOT NULL,
    text        TEXT,
    reason      TEXT,
    count       INTEGER,
    user_id     INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    FOREIGN KEY (task_id, org_unit_id) REFERENCES task_owners (task_id, org_unit_id)
);
CREATE INDEX task_reports_owner ON task_reports (task_id, org_unit_id, id);

CREATE TABLE task_files (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL,
    org_unit_id  INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    content      BLOB NOT NULL,
    user_id      INTEGER REFERENCES users (id),
    created_at   TEXT NOT NULL,
    FOREIGN KEY (task_id, org_unit_id) REFERENCES task_owners (task_id, org_unit_id)
);
CREATE INDEX task_files_owner ON task_files (task_id, org_unit_id, id);
