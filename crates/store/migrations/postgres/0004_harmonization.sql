-- PostgreSQL twin of the SQLite migration of the same version.
-- State harmonization: principles of federal law and what each state law says
-- on them, with the article and source. A principle with no finding for a
-- state is unknown, not absent.

CREATE TABLE harmonization_principles (
    id            TEXT PRIMARY KEY,
    text_es       TEXT NOT NULL,
    text_en       TEXT NOT NULL,
    instrument_id TEXT REFERENCES legal_instruments (id),
    article       TEXT,
    verified      BOOLEAN NOT NULL,
    position      INTEGER NOT NULL
);

CREATE TABLE harmonization_findings (
    id           UUID PRIMARY KEY,
    cve_ent      TEXT NOT NULL REFERENCES states (cve_ent),
    law          TEXT NOT NULL,
    principle_id TEXT NOT NULL REFERENCES harmonization_principles (id),
    value        TEXT NOT NULL CHECK (value IN ('presente', 'parcial', 'ausente', 'contradice')),
    article      TEXT,
    notes        TEXT,
    verified     BOOLEAN NOT NULL,
    sources      TEXT NOT NULL CHECK (sources <> ''),
    position     INTEGER NOT NULL,
    UNIQUE (cve_ent, law, principle_id)
);
CREATE INDEX harmonization_findings_by_state ON harmonization_findings (cve_ent);
