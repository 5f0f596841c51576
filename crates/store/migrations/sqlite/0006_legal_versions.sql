-- Moderators add, correct, reform and verify instruments and provisions.
-- Every change is a version in legal_versions; a record a moderator changed
-- is curated, and a later reference import leaves it alone.
ALTER TABLE legal_instruments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE legal_instruments ADD COLUMN curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1));
ALTER TABLE provisions ADD COLUMN in_force_from TEXT;
ALTER TABLE provisions ADD COLUMN source TEXT;
-- A JSON array of the institution names a moderator recorded.
ALTER TABLE provisions ADD COLUMN institutions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE provisions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE provisions ADD COLUMN curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1));

CREATE TABLE legal_versions (
    entity     TEXT NOT NULL CHECK (entity IN ('instrument', 'provision')),
    entity_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    content    TEXT NOT NULL,
    note       TEXT,
    edited_by  BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id, version)
) STRICT;
