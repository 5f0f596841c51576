//! The search benchmark's anchor: PostgreSQL full-text search (a Spanish
//! configuration with `unaccent`, a GIN index) over the same documents the
//! tantivy index holds. Benchmark-only, in its own schema, PostgreSQL only.

use crate::{Db, StoreError};

const SETUP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE SCHEMA IF NOT EXISTS acoge_bench",
    "DROP TABLE IF EXISTS acoge_bench.documents",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS acoge_bench.spanish_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION acoge_bench.spanish_unaccent (COPY = pg_catalog.spanish)",
    "ALTER TEXT SEARCH CONFIGURATION acoge_bench.spanish_unaccent
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem",
    "CREATE TABLE acoge_bench.documents (
        key TEXT PRIMARY KEY, kind TEXT NOT NULL, states TEXT[] NOT NULL, tsv TSVECTOR NOT NULL)",
];

/// One document as the anchor stores it: title weighted above the body.
#[derive(Debug, Clone)]
pub struct AnchorDocument {
    pub key: String,
    pub kind: String,
    pub states: Vec<String>,
    pub title: String,
    pub body: String,
}

/// What an anchor query returns: the top keys and the total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorResults {
    pub keys: Vec<String>,
    pub total: u64,
    /// (facet, value, count) for `type` and `state`, when asked for.
    pub facets: Vec<(String, String, i64)>,
}

impl Db {
    fn anchor_pool(&self) -> Result<&sqlx::PgPool, StoreError> {
        match self {
            Db::Postgres(pool) => Ok(pool),
            Db::Sqlite(_) => Err(StoreError::Unsupported(
                "the full-text search anchor needs PostgreSQL",
            )),
        }
    }

    /// Creates (or empties) the anchor's schema.
    pub async fn anchor_reset(&self) -> Result<(), StoreError> {
        let pool = self.anchor_pool()?;
        for statement in SETUP {
            sqlx::query(*statement).execute(pool).await?;
        }
        Ok(())
    }

    /// Adds documents, computing their text vectors in the database.
    pub async fn anchor_insert(&self, documents: &[AnchorDocument]) -> Result<(), StoreError> {
        let pool = self.anchor_pool()?;
        let column = |f: fn(&AnchorDocument) -> String| documents.iter().map(f).collect::<Vec<_>>();
        sqlx::query(
            "INSERT INTO acoge_bench.documents (key, kind, states, tsv)
             SELECT key, kind, string_to_array(states, ' '),
                    setweight(to_tsvector('acoge_bench.spanish_unaccent', title), 'A')
                    || setweight(to_tsvector('acoge_bench.spanish_unaccent', body), 'B')
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                  AS d(key, kind, states, title, body)",
        )
        .bind(column(|d| d.key.clone()))
        .bind(column(|d| d.kind.clone()))
        .bind(column(|d| d.states.join(" ")))
        .bind(column(|d| d.title.clone()))
        .bind(column(|d| d.body.clone()))
        .execute(pool)
        .await?;
        Ok(())
    }

    /// Builds the GIN index and the planner's statistics.
    pub async fn anchor_finish(&self) -> Result<(), StoreError> {
        let pool = self.anchor_pool()?;
        sqlx::query("CREATE INDEX documents_tsv ON acoge_bench.documents USING GIN (tsv)")
            .execute(pool)
            .await?;
        sqlx::query("ANALYZE acoge_bench.documents")
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Bytes of the anchor's table and index.
    pub async fn anchor_size(&self) -> Result<i64, StoreError> {
        let pool = self.anchor_pool()?;
        Ok(
            sqlx::query_scalar("SELECT pg_total_relation_size('acoge_bench.documents')")
                .fetch_one(pool)
                .await?,
        )
    }

    /// The ten best documents for `text` (websearch syntax: every word, quoted
    /// phrases), the total, and the type and state counts when `facets`.
    pub async fn anchor_search(
        &self,
        text: &str,
        facets: bool,
    ) -> Result<AnchorResults, StoreError> {
        let pool = self.anchor_pool()?;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT key, COUNT(*) OVER () FROM acoge_bench.documents,
                    websearch_to_tsquery('acoge_bench.spanish_unaccent', $1) q
             WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, key LIMIT 10",
        )
        .bind(text)
        .fetch_all(pool)
        .await?;
        let total = rows
            .first()
            .map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0));
        let facets = if facets {
            sqlx::query_as(
                "WITH m AS (SELECT kind, states FROM acoge_bench.documents,
                        websearch_to_tsquery('acoge_bench.spanish_unaccent', $1) q WHERE tsv @@ q)
                 SELECT 'type', kind, COUNT(*) FROM m GROUP BY kind
                 UNION ALL
                 SELECT 'state', s, COUNT(*) FROM m, unnest(m.states) s GROUP BY s",
            )
            .bind(text)
            .fetch_all(pool)
            .await?
        } else {
            Vec::new()
        };
        Ok(AnchorResults {
            keys: rows.into_iter().map(|(k, _)| k).collect(),
            total,
            facets,
        })
    }

    /// Removes the anchor's schema.
    pub async fn anchor_drop(&self) -> Result<(), StoreError> {
        let pool = self.anchor_pool()?;
        sqlx::query("DROP SCHEMA IF EXISTS acoge_bench CASCADE")
            .execute(pool)
            .await?;
        Ok(())
    }
}
