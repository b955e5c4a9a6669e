-- Derived data (no foreign keys, rebuilt when lost): the certification
-- figures each commune collects — its own case and its villages' and
-- sites' (a site with no commune above it counts under its province) — by
-- assessment year and kind, so that the national summary adds up a few
-- thousand rows instead of visiting every unit of the country. A year is
-- built the first time a national figure asks for it
-- (certification_tally_years) and from then on kept in step, inside the
-- same transaction, by every write that can change it: a registration, a
-- step, an exemption, a village or site created, changed, merged or split.
-- Reloading the reference units empties both tables.
CREATE TABLE certification_tally_years (
    year     INTEGER PRIMARY KEY,
    built_at TEXT NOT NULL
);

CREATE TABLE certification_tallies (
    year          INTEGER NOT NULL,
    home_id       INTEGER NOT NULL,
    kind          TEXT NOT NULL,
    eligible      INTEGER NOT NULL,
    registered    INTEGER NOT NULL,
    in_progress   INTEGER NOT NULL,
    certified     INTEGER NOT NULL,
    xuat_sac      INTEGER NOT NULL,
    kha           INTEGER NOT NULL,
    trung_binh    INTEGER NOT NULL,
    not_certified INTEGER NOT NULL,
    revoked       INTEGER NOT NULL,
    PRIMARY KEY (year, home_id, kind)
) WITHOUT ROWID;
