-- Working groups, the collaboration framework (every version kept) and the
-- organizations that accepted it (the community's public member list).
CREATE TABLE working_groups (
    id             BLOB PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name_es        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_es TEXT NOT NULL,
    description_en TEXT NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE TABLE working_group_moderators (
    group_id  BLOB NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    member_id BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
) STRICT;

CREATE TABLE working_group_organizations (
    group_id        BLOB NOT NULL REFERENCES working_groups (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    joined_at       INTEGER NOT NULL,
    PRIMARY KEY (group_id, organization_id)
) STRICT;

CREATE TABLE framework_versions (
    version      INTEGER PRIMARY KEY,
    body_es      TEXT NOT NULL,
    body_en      TEXT NOT NULL,
    edited_by    BLOB,
    published_at INTEGER NOT NULL
) STRICT;

CREATE TABLE framework_acceptances (
    organization_id BLOB PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL REFERENCES framework_versions (version),
    accepted_by     BLOB,
    accepted_at     INTEGER NOT NULL
) STRICT;
