-- State harmonization: principles of federal law and what each state law says
-- on them, with the article and source. A principle with no finding for a
-- state is unknown, not absent.

CREATE TABLE harmonization_principles (
    id            TEXT PRIMARY KEY,
    text_es       TEXT NOT NULL,
    text_en       TEXT NOT NULL,
    instrument_id TEXT REFERENCES legal_instruments (id),
    article       TEXT,
    verified      INTEGER NOT NULL CHECK (verified IN (0, 1)),
    position      INTEGER NOT NULL
) STRICT;

CREATE TABLE harmonization_findings (
    id           BLOB PRIMARY KEY,
    cve_ent      TEXT NOT NULL REFERENCES states (cve_ent),
    law          TEXT NOT NULL,
    principle_id TEXT NOT NULL REFERENCES harmonization_principles (id),
    value        TEXT NOT NULL CHECK (value IN ('presente', 'parcial', 'ausente', 'contradice')),
    article      TEXT,
    notes        TEXT,
    verified     INTEGER NOT NULL CHECK (verified IN (0, 1)),
    sources      TEXT NOT NULL CHECK (sources <> ''),
    position     INTEGER NOT NULL,
    UNIQUE (cve_ent, law, principle_id)
) STRICT;
CREATE INDEX harmonization_findings_by_state ON harmonization_findings (cve_ent);
