-- Discussions: one thread per guiding question of an event; contributions
-- with one level of replies; flags and moderators' decisions; the records a
-- text cites; followers; and one synthesis (relatoría) per question.
CREATE TABLE discussions (
    id          BLOB PRIMARY KEY,
    event_id    BLOB REFERENCES events (id) ON DELETE CASCADE,
    position    INTEGER,
    question_es TEXT NOT NULL,
    question_en TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (event_id, position)
) STRICT;

CREATE TABLE contributions (
    id                BLOB PRIMARY KEY,
    discussion_id     BLOB NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
    parent_id         BLOB REFERENCES contributions (id) ON DELETE CASCADE,
    author_id         BLOB REFERENCES members (id) ON DELETE SET NULL,
    organization_id   BLOB REFERENCES organizations (id),
    body              TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    visibility        TEXT NOT NULL,
    moderation_reason TEXT
) STRICT;
CREATE INDEX contributions_by_discussion ON contributions (discussion_id, created_at);

-- A flag stays until a moderator decides (resolved_at set).
CREATE TABLE contribution_flags (
    contribution_id BLOB NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    member_id       BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason          TEXT NOT NULL,
    note            TEXT,
    created_at      INTEGER NOT NULL,
    resolved_at     INTEGER,
    PRIMARY KEY (contribution_id, member_id)
) STRICT;

-- What a contribution or a synthesis cites (owner_kind: contribution, synthesis).
CREATE TABLE citations (
    owner_kind TEXT NOT NULL,
    owner_id   BLOB NOT NULL,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    target_id  BLOB NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, position)
) STRICT;

CREATE TABLE discussion_followers (
    discussion_id BLOB NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
    member_id     BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (discussion_id, member_id)
) STRICT;

CREATE TABLE syntheses (
    discussion_id BLOB PRIMARY KEY REFERENCES discussions (id) ON DELETE CASCADE,
    findings      TEXT NOT NULL,
    agreements    TEXT NOT NULL,
    pending       TEXT NOT NULL,
    author_id     BLOB REFERENCES members (id) ON DELETE SET NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

ALTER TABLE notifications ADD COLUMN discussion_id BLOB REFERENCES discussions (id) ON DELETE CASCADE;
