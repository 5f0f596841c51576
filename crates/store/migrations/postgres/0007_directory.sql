-- PostgreSQL twin of the SQLite migration of the same version.
-- The directory (issue 6): what organizations do and where, their services
-- (HSDS: organization, service, location) and declared alliances. Alliances
-- that follow from published practices are derived when read, not stored.

-- Directory facts of an organization; `verified_at`/`verified_by` record a
-- moderator's check of the entry (distinct from the sources' `verified`).
ALTER TABLE organizations ADD COLUMN website TEXT;
ALTER TABLE organizations ADD COLUMN contact TEXT;
ALTER TABLE organizations ADD COLUMN founded INTEGER;
ALTER TABLE organizations ADD COLUMN verified_at TIMESTAMPTZ;
ALTER TABLE organizations ADD COLUMN verified_by UUID REFERENCES members (id) ON DELETE SET NULL;

-- A name is unique within its place (municipality, else state, else national),
-- accents and case ignored.
CREATE UNIQUE INDEX organizations_name_place
    ON organizations (name_folded, COALESCE(cvegeo, cve_ent, ''));

CREATE TABLE organization_sectors (
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    sector          TEXT NOT NULL,
    PRIMARY KEY (organization_id, sector)
);
CREATE INDEX organization_sectors_by_sector ON organization_sectors (sector);

-- A territory served: a CVEGEO (5 digits) or a whole state (2 digits).
CREATE TABLE organization_territories (
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    territory       TEXT NOT NULL CHECK (length(territory) IN (2, 5)),
    PRIMARY KEY (organization_id, territory)
);
CREATE INDEX organization_territories_by_place ON organization_territories (territory);

CREATE TABLE services (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    eligibility     TEXT NOT NULL,
    cost            TEXT NOT NULL CHECK (cost IN ('gratuito', 'con_costo', 'sin_dato')),
    hours           TEXT NOT NULL,
    how_to_access   TEXT NOT NULL,
    capacity        INTEGER CHECK (capacity >= 0),
    cvegeo          TEXT NOT NULL REFERENCES municipalities (cvegeo),
    address         TEXT,
    lat             DOUBLE PRECISION,
    lon             DOUBLE PRECISION,
    status          TEXT NOT NULL CHECK (status IN ('activo', 'cerrado')),
    status_note     TEXT,
    last_verified   TEXT,
    verified        BOOLEAN NOT NULL,
    sources         TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK ((lat IS NULL) = (lon IS NULL)),
    UNIQUE (organization_id, cvegeo, name)
);
CREATE INDEX services_by_place ON services (cvegeo);

-- Sectors, populations and languages of a service (facet: sector, population, language).
CREATE TABLE service_terms (
    service_id UUID NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    facet      TEXT NOT NULL CHECK (facet IN ('sector', 'population', 'language')),
    term       TEXT NOT NULL,
    PRIMARY KEY (service_id, facet, term)
);
CREATE INDEX service_terms_by_term ON service_terms (facet, term);

CREATE TABLE alliances (
    id          UUID PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('convenio', 'practica_conjunta', 'red_canalizacion')),
    started     TEXT,
    ended       TEXT,
    source      TEXT,
    declared_by UUID REFERENCES members (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE alliance_members (
    alliance_id     UUID NOT NULL REFERENCES alliances (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (alliance_id, organization_id)
);
CREATE INDEX alliance_members_by_org ON alliance_members (organization_id);

CREATE TABLE alliance_sectors (
    alliance_id UUID NOT NULL REFERENCES alliances (id) ON DELETE CASCADE,
    sector      TEXT NOT NULL,
    PRIMARY KEY (alliance_id, sector)
);

CREATE TABLE alliance_territories (
    alliance_id UUID NOT NULL REFERENCES alliances (id) ON DELETE CASCADE,
    territory   TEXT NOT NULL CHECK (length(territory) IN (2, 5)),
    PRIMARY KEY (alliance_id, territory)
);
