-- PostgreSQL twin of the SQLite migration of the same version.
-- Members, sessions, invitations, password resets, API tokens, rate limits,
-- the audit log and server settings. Secrets (session ids, tokens, invitation
-- and reset links) are stored only as SHA-256 hashes; passwords as argon2id.

CREATE TABLE members (
    id                  UUID PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    organization_id     UUID REFERENCES organizations (id),
    role                TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    member_id    UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_member ON sessions (member_id);

CREATE TABLE invitations (
    id                   UUID PRIMARY KEY,
    token_hash           TEXT NOT NULL UNIQUE,
    email                TEXT NOT NULL,
    role                 TEXT NOT NULL,
    organization_id      UUID REFERENCES organizations (id),
    invited_by           UUID REFERENCES members (id) ON DELETE SET NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    expires_at           TIMESTAMPTZ NOT NULL,
    accepted_at          TIMESTAMPTZ,
    renewal_requested_at TIMESTAMPTZ
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    member_id  UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    issued_by  UUID REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    member_id    UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_by_member ON api_tokens (member_id);

-- Fixed-window counters shared by every instance (failed log-ins, writes).
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    key          TEXT NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, key)
);

-- Who changed what, when, with the values before and after (JSON). Append-only:
-- triggers refuse updates and deletes. actor_id has no foreign key so that
-- deleting an account never rewrites history.
CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL,
    actor_id    UUID,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (recorded_at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
