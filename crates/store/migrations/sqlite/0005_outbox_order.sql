-- SQLite needs no ordering trigger: write transactions begin IMMEDIATE, so
-- they are already serialized and outbox positions commit in order. Changes
-- are announced in process (see outbox.rs). This migration keeps the version
-- numbers of both backends equal.
CREATE INDEX outbox_entity ON outbox (entity, entity_id);
