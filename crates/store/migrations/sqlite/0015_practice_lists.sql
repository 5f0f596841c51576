-- Lists of practices at any size: an index for every sort and filter, the
-- words of each practice for the text filter, and counts that every write
-- keeps up to date, so no list, facet or home-page figure counts a whole
-- table. `practices/listing.rs` says which query uses which index.

-- Each sort has an index that also holds what the conditions on the row
-- read (visibility, COVID-19, start year), so a list walked in sort order
-- never reads a table row; `practices_listing` holds the same by id, for
-- the few practices a selective filter finds, sorted after.
CREATE INDEX practices_recent ON practices
    (COALESCE(published_at, updated_at), id, status, covid19, start_year, created_by, author_organization);
CREATE INDEX practices_title ON practices
    (title_folded, id, status, covid19, start_year, created_by, author_organization);
CREATE INDEX practices_start ON practices
    (start_year DESC, id, status, covid19, created_by, author_organization);
CREATE INDEX practices_listing ON practices
    (id, status, COALESCE(published_at, updated_at), title_folded, start_year, covid19, created_by, author_organization);
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
    practices  INTEGER NOT NULL,
    PRIMARY KEY (facet, value, with_facet, with_value)
) STRICT, WITHOUT ROWID;

CREATE TEMP TABLE listing_keys AS
    SELECT id AS practice_id, 'total' AS facet, '' AS value FROM practices WHERE status = 'publicada'
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
CREATE INDEX temp.listing_keys_by_practice ON listing_keys (practice_id, facet, value);
INSERT INTO practice_counts (facet, value, with_facet, with_value, practices)
    SELECT a.facet, a.value, b.facet, b.value, COUNT(*)
    FROM listing_keys a JOIN listing_keys b ON b.practice_id = a.practice_id
    GROUP BY a.facet, a.value, b.facet, b.value;
DROP TABLE temp.listing_keys;

-- The words of each practice's title and summary (folded), for the text
-- filter: whole words and word prefixes. Contentless: the text stays in
-- `practices`; the triggers below keep it in step with every write, and
-- `practice_word_keys` gives each practice a stable integer (a VACUUM may
-- renumber the rowids of `practices`, which has none of its own).
CREATE TABLE practice_word_keys (
    n           INTEGER PRIMARY KEY,
    practice_id BLOB NOT NULL UNIQUE
) STRICT;
CREATE VIRTUAL TABLE practice_words USING fts5 (
    body, content = '', detail = 'none', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO practice_word_keys (practice_id) SELECT id FROM practices ORDER BY id;
INSERT INTO practice_words (rowid, body)
    SELECT k.n, p.title_folded || ' ' || p.summary_folded
    FROM practice_word_keys k JOIN practices p ON p.id = k.practice_id;

CREATE TRIGGER practice_words_insert AFTER INSERT ON practices BEGIN
    INSERT INTO practice_word_keys (practice_id) VALUES (new.id);
    INSERT INTO practice_words (rowid, body)
        SELECT n, new.title_folded || ' ' || new.summary_folded
        FROM practice_word_keys WHERE practice_id = new.id;
END;
CREATE TRIGGER practice_words_update AFTER UPDATE OF title_folded, summary_folded ON practices
WHEN old.title_folded IS NOT new.title_folded OR old.summary_folded IS NOT new.summary_folded BEGIN
    INSERT INTO practice_words (practice_words, rowid, body)
        SELECT 'delete', n, old.title_folded || ' ' || old.summary_folded
        FROM practice_word_keys WHERE practice_id = old.id;
    INSERT INTO practice_words (rowid, body)
        SELECT n, new.title_folded || ' ' || new.summary_folded
        FROM practice_word_keys WHERE practice_id = new.id;
END;
CREATE TRIGGER practice_words_delete AFTER DELETE ON practices BEGIN
    INSERT INTO practice_words (practice_words, rowid, body)
        SELECT 'delete', n, old.title_folded || ' ' || old.summary_folded
        FROM practice_word_keys WHERE practice_id = old.id;
    DELETE FROM practice_word_keys WHERE practice_id = old.id;
END;

-- Events by start (the lists' order, ties by id) and by end (past and
-- upcoming are counted on it).
DROP INDEX events_by_start;
CREATE INDEX events_by_start ON events (starts_at, id);
CREATE INDEX events_by_end ON events (ends_at);

-- Rows of the tables the home page counts that grow with the community,
-- kept by triggers in the writing transaction whichever code writes.
CREATE TABLE row_counts (
    name TEXT PRIMARY KEY,
    row_count INTEGER NOT NULL
) STRICT;
INSERT INTO row_counts (name, row_count) SELECT 'organizations', COUNT(*) FROM organizations;
INSERT INTO row_counts (name, row_count) SELECT 'events', COUNT(*) FROM events;
CREATE TRIGGER organizations_counted_insert AFTER INSERT ON organizations BEGIN
    UPDATE row_counts SET row_count = row_count + 1 WHERE name = 'organizations';
END;
CREATE TRIGGER organizations_counted_delete AFTER DELETE ON organizations BEGIN
    UPDATE row_counts SET row_count = row_count - 1 WHERE name = 'organizations';
END;
CREATE TRIGGER events_counted_insert AFTER INSERT ON events BEGIN
    UPDATE row_counts SET row_count = row_count + 1 WHERE name = 'events';
END;
CREATE TRIGGER events_counted_delete AFTER DELETE ON events BEGIN
    UPDATE row_counts SET row_count = row_count - 1 WHERE name = 'events';
END;
