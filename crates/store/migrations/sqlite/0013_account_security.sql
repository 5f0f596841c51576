-- Account security (issue 14). Invitations can be withdrawn and reset links
-- are revoked when the password changes, so both record when. Rate-limit rows
-- record when their window ends, so expired ones can be deleted by an index
-- scan; the counters are disposable, so the table is simply made anew.

ALTER TABLE invitations ADD COLUMN revoked_at INTEGER;
ALTER TABLE password_resets ADD COLUMN revoked_at INTEGER;
CREATE INDEX password_resets_by_member ON password_resets (member_id);

DROP TABLE rate_limits;
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    key          TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
) STRICT;
CREATE INDEX rate_limits_by_expiry ON rate_limits (expires_at);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
