-- The search follower reads the outbox by position and remembers the last
-- one it applied. An identity column hands out positions when rows are
-- inserted, not when transactions commit, so without care a later position
-- can commit first and the follower would skip the earlier one for good.
-- A transaction-level advisory lock, taken before the row gets its position
-- and held until commit, makes outbox positions commit in order.
CREATE FUNCTION outbox_serialize() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(4100202011);
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_serialize BEFORE INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_serialize();

-- Wakes every instance's follower when the change commits (NOTIFY is
-- delivered on commit and coalesced within a transaction).
CREATE FUNCTION outbox_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('acoge_outbox', '');
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_announce AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_announce();

CREATE INDEX outbox_entity ON outbox (entity, entity_id);
