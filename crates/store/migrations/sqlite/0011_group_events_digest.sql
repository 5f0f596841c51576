-- A working group's events; whether a moderator has edited an event (a
-- reference re-import then leaves it alone); notifications about events (a group's new event,
-- a place freed from the waiting list); the optional daily email digest: the
-- language a member chose it in (NULL: no digest), when one was last sent,
-- and which notifications a digest already carried.
ALTER TABLE events ADD COLUMN working_group_id BLOB REFERENCES working_groups (id) ON DELETE SET NULL;
CREATE INDEX events_by_group ON events (working_group_id, starts_at);
ALTER TABLE events ADD COLUMN curated INTEGER NOT NULL DEFAULT 0;

ALTER TABLE notifications ADD COLUMN event_id BLOB REFERENCES events (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD COLUMN emailed_at INTEGER;

ALTER TABLE members ADD COLUMN digest_lang TEXT;
ALTER TABLE members ADD COLUMN digest_sent_at INTEGER;
