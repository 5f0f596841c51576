-- Discussions: one thread per guiding question of an event; contributions
-- with one level of replies; flags and moderators' decisions; the records a
-- text cites; followers; and one synthesis (relatoría) per question.
CREATE TABLE discussions (
    id          UUID PRIMARY KEY,
    event_id    UUID REFERENCES events (id) ON DELETE CASCADE,
    position    INTEGER,
    question_es TEXT NOT NULL,
    question_en TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (event_id, position)
);

CREATE TABLE contributions (
    id                UUID PRIMARY KEY,
    discussion_id     UUID NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
    parent_id         UUID REFERENCES contributions (id) ON DELETE CASCADE,
    author_id         UUID REFERENCES members (id) ON DELETE SET NULL,
    organization_id   UUID REFERENCES organizations (id),
    body              TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    visibility        TEXT NOT NULL,
    moderation_reason TEXT
);
CREATE INDEX contributions_by_discussion ON contributions (discussion_id, created_at);

-- A flag stays until a moderator decides (resolved_at set).
CREATE TABLE contribution_flags (
    contribution_id UUID NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    member_id       UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    note            TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    PRIMARY KEY (contribution_id, member_id)
);

-- What a contribution or a synthesis cites (owner_kind: contribution, synthesis).
CREATE TABLE citations (
    owner_kind TEXT NOT NULL,
    owner_id   UUID NOT NULL,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    target_id  UUID NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, position)
);

CREATE TABLE discussion_followers (
    discussion_id UUID NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
    member_id     UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (discussion_id, member_id)
);

CREATE TABLE syntheses (
    discussion_id UUID PRIMARY KEY REFERENCES discussions (id) ON DELETE CASCADE,
    findings      TEXT NOT NULL,
    agreements    TEXT NOT NULL,
    pending       TEXT NOT NULL,
    author_id     UUID REFERENCES members (id) ON DELETE SET NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

ALTER TABLE notifications ADD COLUMN discussion_id UUID REFERENCES discussions (id) ON DELETE CASCADE;
