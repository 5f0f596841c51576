-- PostgreSQL twin of the SQLite migration of the same version.
-- Lists of practices at any size: an index for every sort and filter, the
-- words of each practice for the text filter, and counts that every write
-- keeps up to date, so no list, facet or home-page figure counts a whole
-- table. `practices/listing.rs` says which query uses which index.

-- Each sort has an index that also holds what the conditions on the row
-- read (visibility, COVID-19, start year), so a list walked in sort order
-- can be answered from the index; `practices_listing` holds the same by
-- id, for the few practices a selective filter finds, sorted after.
CREATE INDEX practices_recent ON practices
    ((COALESCE(published_at, updated_at)), id, status, covid19, start_year, created_by, author_organization);
CREATE INDEX practices_title ON practices
    (title_folded, id, status, covid19, start_year, created_by, author_organization);
CREATE INDEX practices_start ON practices
    (start_year DESC NULLS LAST, id, status, covid19, created_by, author_organization);
CREATE INDEX practices_listing ON practices
    (id, status, (COALESCE(published_at, updated_at)), title_folded, start_year, covid19, created_by, author_organization);
DROP INDEX practices_by_status;
CREATE INDEX practices_by_status ON practices (status, id);
CREATE INDEX practices_by_creator ON practices (created_by, id);
CREATE INDEX practices_by_author_organization ON practices (author_organization, id);

-- The facet tables, searched by value, give the practice without a row read.
DROP INDEX practice_municipalities_by_place;
CREATE INDEX practice_municipalities_by_place ON practice_municipalities (cvegeo, practice_id);
DROP INDEX practice_terms_by_term;
CREATE INDEX practice_terms_by_term ON practice_terms (facet, term, practice_id);
DROP INDEX practice_organizations_by_org;
CREATE INDEX practice_organizations_by_org ON practice_organizations (organization_id, practice_id);

-- Published practices per pair of listing keys (`total`, a state, a term,
-- the COVID-19 flag, a start year), both orders stored: (total, total) is
-- how many are published, (total, k) the facet counts of the whole list,
-- (k, k') those of the list filtered by k. Written with every practice
-- write in its transaction (`ListingDelta`); its size depends
-- on the vocabularies, not on how many practices there are.
CREATE TABLE practice_counts (
    facet      TEXT NOT NULL,
    value      TEXT NOT NULL,
    with_facet TEXT NOT NULL,
    with_value TEXT NOT NULL,
    practices  BIGINT NOT NULL,
    PRIMARY KEY (facet, value, with_facet, with_value)
);

CREATE TEMP TABLE listing_keys ON COMMIT DROP AS
    SELECT id AS practice_id, 'total'::text AS facet, ''::text AS value FROM practices WHERE status = 'publicada'
    UNION ALL
    SELECT DISTINCT x.practice_id, 'state', substr(x.cvegeo, 1, 2) FROM practice_municipalities x
        JOIN practices p ON p.id = x.practice_id WHERE p.status = 'publicada'
    UNION ALL
    SELECT x.practice_id, x.facet, x.term FROM practice_terms x
        JOIN practices p ON p.id = x.practice_id WHERE p.status = 'publicada'
    UNION ALL
    SELECT id, 'covid19', CASE WHEN covid19 THEN 'true' ELSE 'false' END FROM practices
        WHERE status = 'publicada'
    UNION ALL
    SELECT id, 'year', CAST(start_year AS TEXT) FROM practices
        WHERE status = 'publicada' AND start_year IS NOT NULL;
CREATE INDEX listing_keys_by_practice ON listing_keys (practice_id, facet, value);
ANALYZE listing_keys;
INSERT INTO practice_counts (facet, value, with_facet, with_value, practices)
    SELECT a.facet, a.value, b.facet, b.value, COUNT(*)
    FROM listing_keys a JOIN listing_keys b ON b.practice_id = a.practice_id
    GROUP BY a.facet, a.value, b.facet, b.value;

-- The words of each practice's title and summary (folded), for the text
-- filter: whole words and word prefixes ('simple': no stemming, as SQLite's
-- `unicode61`).
CREATE INDEX practices_words ON practices
    USING gin (to_tsvector('simple', title_folded || ' ' || summary_folded));

-- Events by start (the lists' order, ties by id) and by end (past and
-- upcoming are counted on it).
DROP INDEX events_by_start;
CREATE INDEX events_by_start ON events (starts_at, id);
CREATE INDEX events_by_end ON events (ends_at);

-- Rows of the tables the home page counts that grow with the community,
-- kept by triggers in the writing transaction whichever code writes.
CREATE TABLE row_counts (
    name      TEXT PRIMARY KEY,
    row_count BIGINT NOT NULL
);
INSERT INTO row_counts (name, row_count) SELECT 'organizations', COUNT(*) FROM organizations;
INSERT INTO row_counts (name, row_count) SELECT 'events', COUNT(*) FROM events;
CREATE FUNCTION row_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE row_counts SET row_count = row_count + CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END
    WHERE name = TG_TABLE_NAME;
    RETURN NULL;
END
$$;
CREATE TRIGGER organizations_counted AFTER INSERT OR DELETE ON organizations
    FOR EACH ROW EXECUTE FUNCTION row_counts_follow();
CREATE TRIGGER events_counted AFTER INSERT OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION row_counts_follow();
