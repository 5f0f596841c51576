-- Good practices: the record, its facets, versions, reviews, replies, and
-- in-app notifications. `content` holds the whole validated record as JSON
-- (what pages and versions show); the facet tables repeat the filterable
-- parts of it, written from the same value in the same transaction.

CREATE TABLE practices (
    id                  BLOB PRIMARY KEY,
    slug                TEXT UNIQUE,
    status              TEXT NOT NULL,
    title               TEXT NOT NULL,
    title_folded        TEXT NOT NULL,
    summary_folded      TEXT NOT NULL,
    content             TEXT NOT NULL,
    lead_organization   BLOB NOT NULL REFERENCES organizations (id),
    author_organization BLOB REFERENCES organizations (id),
    created_by          BLOB REFERENCES members (id) ON DELETE SET NULL,
    covid19             INTEGER NOT NULL CHECK (covid19 IN (0, 1)),
    start_year          INTEGER,
    review_round        INTEGER NOT NULL,
    version             INTEGER NOT NULL,
    is_example          INTEGER NOT NULL CHECK (is_example IN (0, 1)),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    published_at        INTEGER
) STRICT;
CREATE INDEX practices_by_status ON practices (status, updated_at);

CREATE TABLE practice_municipalities (
    practice_id BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    cvegeo      TEXT NOT NULL REFERENCES municipalities (cvegeo),
    PRIMARY KEY (practice_id, cvegeo)
) STRICT;
CREATE INDEX practice_municipalities_by_place ON practice_municipalities (cvegeo);

CREATE TABLE practice_organizations (
    practice_id     BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    role            TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'contact')),
    PRIMARY KEY (practice_id, organization_id, role)
) STRICT;
CREATE INDEX practice_organizations_by_org ON practice_organizations (organization_id);

CREATE TABLE practice_terms (
    practice_id BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    facet       TEXT NOT NULL,
    term        TEXT NOT NULL,
    PRIMARY KEY (practice_id, facet, term)
) STRICT;
CREATE INDEX practice_terms_by_term ON practice_terms (facet, term);

CREATE TABLE practice_provisions (
    practice_id  BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    provision_id BLOB NOT NULL REFERENCES provisions (id),
    PRIMARY KEY (practice_id, provision_id)
) STRICT;

CREATE TABLE practice_versions (
    practice_id BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    edited_by   BLOB,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (practice_id, version)
) STRICT;

CREATE TABLE practice_reviews (
    id           BLOB PRIMARY KEY,
    practice_id  BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    round        INTEGER NOT NULL,
    reviewer_id  BLOB REFERENCES members (id) ON DELETE SET NULL,
    reviewer_org BLOB REFERENCES organizations (id),
    decision     TEXT NOT NULL,
    checklist    TEXT NOT NULL,
    comment      TEXT NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX practice_reviews_by_practice ON practice_reviews (practice_id, round);

CREATE TABLE practice_replies (
    id          BLOB PRIMARY KEY,
    practice_id BLOB NOT NULL REFERENCES practices (id) ON DELETE CASCADE,
    author_id   BLOB REFERENCES members (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE notifications (
    id          BLOB PRIMARY KEY,
    member_id   BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    practice_id BLOB REFERENCES practices (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
) STRICT;
CREATE INDEX notifications_by_member ON notifications (member_id, created_at);
