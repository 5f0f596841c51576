-- PostgreSQL twin of the SQLite migration of the same version.
-- Good practices: the record, its facets, versions, reviews, replies, and
-- in-app notifications. `content` holds the whole validated record as JSON
-- (what pages and versions show); the facet tables repeat the filterable
-- parts of it, written from the same value in the same transaction.

CREATE TABLE practices (
    id                  UUID PRIMARY KEY,
    slug                TEXT UNIQUE,
    status              TEXT NOT NULL,
    title               TEXT NOT NULL,
    title_folded        TEXT NOT NULL,
    summary_folded      TEXT NOT NULL,
    content             TEXT NOT NULL,
    lead_organization   UUID NOT NULL REFERENCES organizations (id),
    author_organization UUID REFERENCES organizations (id),
    created_by          UUID REFERENCES members (id) ON DELETE SET NULL,
    covid19             BOOLEAN NOT NULL,
    start_year          INTEGER,
    review_round        INTEGER NOT NULL,
    version             INTEGER NOT NULL,
    is_example          BOOLEAN NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    published_at        TIMESTAMPTZ
);
CREATE INDEX practices_by_status ON practices (status, updated_at);

CREATE TABLE practice_municipalities (
    practice_id UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    cvegeo      TEXT NOT NULL REFERENCES municipalities (cvegeo),
    PRIMARY KEY (practice_id, cvegeo)
);
CREATE INDEX practice_municipalities_by_place ON practice_municipalities (cvegeo);

CREATE TABLE practice_organizations (
    practice_id     UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    role            TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'contact')),
    PRIMARY KEY (practice_id, organization_id, role)
);
CREATE INDEX practice_organizations_by_org ON practice_organizations (organization_id);

CREATE TABLE practice_terms (
    practice_id UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    facet       TEXT NOT NULL,
    term        TEXT NOT NULL,
    PRIMARY KEY (practice_id, facet, term)
);
CREATE INDEX practice_terms_by_term ON practice_terms (facet, term);

CREATE TABLE practice_provisions (
    practice_id  UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    provision_id UUID NOT NULL REFERENCES provisions (id),
    PRIMARY KEY (practice_id, provision_id)
);

CREATE TABLE practice_versions (
    practice_id UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    edited_by   UUID,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (practice_id, version)
);

CREATE TABLE practice_reviews (
    id           UUID PRIMARY KEY,
    practice_id  UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    round        INTEGER NOT NULL,
    reviewer_id  UUID REFERENCES members (id) ON DELETE SET NULL,
    reviewer_org UUID REFERENCES organizations (id),
    decision     TEXT NOT NULL,
    checklist    TEXT NOT NULL,
    comment      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX practice_reviews_by_practice ON practice_reviews (practice_id, round);

CREATE TABLE practice_replies (
    id          UUID PRIMARY KEY,
    practice_id UUID NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    author_id   UUID REFERENCES members (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE notifications (
    id          UUID PRIMARY KEY,
    member_id   UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    practice_id UUID REFERENCES practices (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    read_at     TIMESTAMPTZ
);
CREATE INDEX notifications_by_member ON notifications (member_id, created_at);
