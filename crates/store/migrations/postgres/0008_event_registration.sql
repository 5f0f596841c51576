-- Registration for events: a capacity per event (NULL: no limit) and one row
-- per member and event. Beyond capacity a member waits; the waiting list is
-- ordered by `queued_at`, the moment the member (last) asked for a place.
ALTER TABLE events ADD COLUMN capacity BIGINT CHECK (capacity IS NULL OR capacity > 0);

CREATE TABLE event_registrations (
    event_id   UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    member_id  UUID NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    status     TEXT NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled')),
    created_at TIMESTAMPTZ NOT NULL,
    queued_at  TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    attended   BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX event_registrations_queue ON event_registrations (event_id, status, queued_at);
CREATE INDEX event_registrations_by_member ON event_registrations (member_id);

-- Agenda items of events created or edited by moderators; the time is local
-- to the organizer's zone ("HH:MM"), speakers a JSON array of names.
CREATE TABLE event_agenda_items (
    event_id UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    time     TEXT NOT NULL,
    title    TEXT NOT NULL,
    speakers TEXT NOT NULL,
    PRIMARY KEY (event_id, position)
);
