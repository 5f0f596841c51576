-- Reference data of Mexico, the founding event, the outbox.
-- PostgreSQL: the same tables and names as the SQLite migration of the same
-- version, with native types (boolean, timestamptz, uuid).

CREATE TABLE states (
    cve_ent      TEXT PRIMARY KEY CHECK (length(cve_ent) = 2),
    iso_code     TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    abbreviation TEXT NOT NULL,
    population   BIGINT,
    boundary     TEXT
);

CREATE TABLE municipalities (
    cvegeo      TEXT PRIMARY KEY CHECK (length(cvegeo) = 5),
    cve_ent     TEXT NOT NULL REFERENCES states (cve_ent),
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    seat_key    TEXT,
    seat_name   TEXT,
    population  BIGINT,
    dwellings   BIGINT,
    metro_area  TEXT,
    seat_lat    DOUBLE PRECISION,
    seat_lon    DOUBLE PRECISION
);
CREATE INDEX municipalities_by_state ON municipalities (cve_ent, name_folded);
CREATE INDEX municipalities_by_name ON municipalities (name_folded);

CREATE TABLE municipal_contexts (
    cvegeo   TEXT NOT NULL REFERENCES municipalities (cvegeo),
    context  TEXT NOT NULL,
    detail   TEXT NOT NULL,
    verified BOOLEAN NOT NULL,
    sources  TEXT NOT NULL,
    PRIMARY KEY (cvegeo, context)
);
CREATE INDEX municipal_contexts_by_context ON municipal_contexts (context);

CREATE TABLE organizations (
    id                 UUID PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    name_folded        TEXT NOT NULL,
    acronym            TEXT,
    kind               TEXT NOT NULL,
    scope              TEXT NOT NULL,
    cve_ent            TEXT REFERENCES states (cve_ent),
    cvegeo             TEXT REFERENCES municipalities (cvegeo),
    founding_organizer BOOLEAN NOT NULL,
    description        TEXT NOT NULL,
    verified           BOOLEAN NOT NULL,
    sources            TEXT NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX organizations_by_state ON organizations (cve_ent);
CREATE INDEX organizations_by_name ON organizations (name_folded);
CREATE INDEX organizations_by_municipality ON organizations (cvegeo);

CREATE TABLE legal_instruments (
    id           TEXT PRIMARY KEY,
    level        TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    name         TEXT NOT NULL,
    published    TEXT,
    notes        TEXT,
    verified     BOOLEAN NOT NULL,
    sources      TEXT NOT NULL
);

CREATE TABLE provisions (
    id            UUID PRIMARY KEY,
    instrument_id TEXT NOT NULL REFERENCES legal_instruments (id),
    article       TEXT NOT NULL,
    theme         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    verified      BOOLEAN NOT NULL,
    UNIQUE (instrument_id, article)
);

CREATE TABLE provision_rights (
    provision_id UUID NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
    right_slug   TEXT NOT NULL,
    PRIMARY KEY (provision_id, right_slug)
);

CREATE TABLE provision_levels (
    provision_id UUID NOT NULL REFERENCES provisions (id) ON DELETE CASCADE,
    level        TEXT NOT NULL,
    PRIMARY KEY (provision_id, level)
);

CREATE TABLE state_laws (
    id        UUID PRIMARY KEY,
    cve_ent   TEXT NOT NULL REFERENCES states (cve_ent),
    name      TEXT NOT NULL,
    published TEXT,
    notes     TEXT,
    verified  BOOLEAN NOT NULL,
    sources   TEXT NOT NULL,
    UNIQUE (cve_ent, name)
);

CREATE TABLE covid_measures (
    id       UUID PRIMARY KEY,
    date     TEXT NOT NULL,
    level    TEXT NOT NULL,
    actor    TEXT NOT NULL,
    measure  TEXT NOT NULL,
    verified BOOLEAN NOT NULL,
    sources  TEXT NOT NULL,
    UNIQUE (date, actor, measure)
);

CREATE TABLE asylum_applications (
    year         SMALLINT PRIMARY KEY,
    applications BIGINT NOT NULL,
    notes        TEXT,
    verified     BOOLEAN NOT NULL,
    sources      TEXT NOT NULL
);

CREATE TABLE events (
    id             UUID PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    title_es       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    description_es TEXT NOT NULL,
    description_en TEXT NOT NULL,
    starts_at      TIMESTAMPTZ NOT NULL,
    ends_at        TIMESTAMPTZ NOT NULL CHECK (ends_at > starts_at),
    time_zone      TEXT NOT NULL,
    verified       BOOLEAN NOT NULL,
    sources        TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_by_start ON events (starts_at);

CREATE TABLE event_organizers (
    event_id        UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (event_id, organization_id)
);

CREATE TABLE event_guiding_questions (
    event_id UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text_es  TEXT NOT NULL,
    text_en  TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
);

CREATE TABLE event_links (
    event_id UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    url      TEXT NOT NULL,
    label    TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
);

-- Which version of each imported data set is in the database.
CREATE TABLE reference_imports (
    dataset     TEXT PRIMARY KEY,
    digest      TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- Every change to a searchable record, written in the same transaction as the
-- change; search indexes follow it by position.
CREATE TABLE outbox (
    position    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    operation   TEXT NOT NULL CHECK (operation IN ('upsert', 'delete')),
    recorded_at TIMESTAMPTZ NOT NULL
);
