-- Training: courses (topics with hours), classes run by a province or a
-- commune on session days, enrolments of people (the forces' `people`:
-- one record per person, so a member who moves keeps their history),
-- attendance per session and a result with a numbered certificate.

CREATE TABLE courses (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL,
    name_folded            TEXT NOT NULL UNIQUE,
    total_hours            INTEGER NOT NULL,
    refresher_months       INTEGER,
    pass_mark              REAL NOT NULL,
    min_attendance_percent INTEGER NOT NULL,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE course_topics (
    course_id INTEGER NOT NULL REFERENCES courses (id),
    topic     TEXT NOT NULL,
    hours     INTEGER NOT NULL CHECK (hours > 0),
    PRIMARY KEY (course_id, topic)
) WITHOUT ROWID;

-- province_id: the 2025 province of the organiser, for the summary.
CREATE TABLE training_classes (
    id                INTEGER PRIMARY KEY,
    course_id         INTEGER NOT NULL REFERENCES courses (id),
    organiser_unit_id INTEGER NOT NULL REFERENCES org_units (id),
    province_id       INTEGER NOT NULL REFERENCES org_units (id),
    name              TEXT NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('team_members', 'commune_police',
                          'agency_guards', 'partner_officers')),
    starts_on         TEXT NOT NULL,
    ends_on           TEXT NOT NULL,
    place             TEXT,
    trainers          TEXT,
    partners          TEXT,
    capacity          INTEGER NOT NULL CHECK (capacity > 0),
    sessions          INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX training_classes_organiser ON training_classes (organiser_unit_id, ends_on);
CREATE INDEX training_classes_province ON training_classes (province_id, ends_on);

CREATE TABLE class_sessions (
    class_id   INTEGER NOT NULL REFERENCES training_classes (id),
    session_on TEXT NOT NULL,
    PRIMARY KEY (class_id, session_on)
) WITHOUT ROWID;

-- attended: sessions present, kept by every attendance write.
CREATE TABLE enrolments (
    id             INTEGER PRIMARY KEY,
    class_id       INTEGER NOT NULL REFERENCES training_classes (id),
    person_id      INTEGER NOT NULL REFERENCES people (id),
    enrolled_on    TEXT NOT NULL,
    attended       INTEGER NOT NULL DEFAULT 0,
    score          REAL,
    passed         BOOLEAN,
    note           TEXT,
    certificate_no TEXT,
    certified_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (class_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments (person_id);

CREATE TABLE attendance (
    enrolment_id INTEGER NOT NULL REFERENCES enrolments (id),
    session_on   TEXT NOT NULL,
    present      BOOLEAN NOT NULL,
    PRIMARY KEY (enrolment_id, session_on)
) WITHOUT ROWID;
