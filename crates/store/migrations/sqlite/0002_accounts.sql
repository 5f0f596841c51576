-- Members, sessions, invitations, password resets, API tokens, rate limits,
-- the audit log and server settings. Secrets (session ids, tokens, invitation
-- and reset links) are stored only as SHA-256 hashes; passwords as argon2id.

CREATE TABLE members (
    id                  BLOB PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    organization_id     BLOB REFERENCES organizations (id),
    role                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    member_id    BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_by_member ON sessions (member_id);

CREATE TABLE invitations (
    id                   BLOB PRIMARY KEY,
    token_hash           TEXT NOT NULL UNIQUE,
    email                TEXT NOT NULL,
    role                 TEXT NOT NULL,
    organization_id      BLOB REFERENCES organizations (id),
    invited_by           BLOB REFERENCES members (id) ON DELETE SET NULL,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    accepted_at          INTEGER,
    renewal_requested_at INTEGER
) STRICT;

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    member_id  BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    issued_by  BLOB REFERENCES members (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY,
    member_id    BLOB NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;
CREATE INDEX api_tokens_by_member ON api_tokens (member_id);

-- Fixed-window counters shared by every instance (failed log-ins, writes).
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
) STRICT;

-- Who changed what, when, with the values before and after (JSON). Append-only:
-- triggers refuse updates and deletes. actor_id has no foreign key so that
-- deleting an account never rewrites history.
CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY,
    recorded_at INTEGER NOT NULL,
    actor_id    BLOB,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log (recorded_at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
