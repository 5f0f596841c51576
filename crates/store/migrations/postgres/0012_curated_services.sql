-- A service a member or moderator has saved is curated: a later import of
-- the shipped services file updates the others and leaves it alone.
ALTER TABLE services ADD COLUMN curated BOOLEAN NOT NULL DEFAULT false;
