-- Working groups, the collaboration framework (every version kept) and the
-- organizations that accepted it (the community's public member list).
CREATE TABLE working_groups (
    id             UUID PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name_es        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_es TEXT NOT NULL,
    description_en TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE working_group_moderators (
    group_id  UUID NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    member_id UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);

CREATE TABLE working_group_organizations (
    group_id        UUID NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    joined_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, organization_id)
);

CREATE TABLE framework_versions (
    version      INTEGER PRIMARY KEY,
    body_es      TEXT NOT NULL,
    body_en      TEXT NOT NULL,
    edited_by    UUID,
    published_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE framework_acceptances (
    organization_id UUID PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL REFERENCES framework_versions (version),
    accepted_by     UUID,
    accepted_at     TIMESTAMPTZ NOT NULL
);
