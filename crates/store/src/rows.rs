//! Shared helpers for reading: queries by one key or by a list of keys,
//! written once for both backends (`Bindable` and `Decodable` name what they
//! need of the values bound and the rows read), and turning stored columns
//! back into domain values.

use crate::{
    Db, StoreError,
    db::{Tx, dispatch},
};
use acoge_domain::{
    Provenance,
    page::{Page, PageRequest},
};
use sqlx::{Encode, FromRow, Postgres, Sqlite, Type, postgres::PgRow, sqlite::SqliteRow};
use std::{collections::HashMap, hash::Hash};

pub(crate) fn provenance(
    table: &'static str,
    sources: &str,
    verified: bool,
) -> Result<Provenance, StoreError> {
    Provenance::parse(sources, verified).map_err(|e| StoreError::corrupt(table, "sources", e))
}

pub(crate) fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(crate) fn opt_count(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}

/// Groups `(key, value)` rows by key, each group in the rows' order.
pub(crate) fn grouped<K: Hash + Eq, T>(
    rows: impl IntoIterator<Item = (K, T)>,
) -> HashMap<K, Vec<T>> {
    let mut map: HashMap<K, Vec<T>> = HashMap::new();
    for (key, value) in rows {
        map.entry(key).or_default().push(value);
    }
    map
}

/// Groups `(key, value)` rows by key like `grouped`, decoding each value
/// with `decode`; the first that does not decode is the error.
pub(crate) fn try_grouped<K: Hash + Eq, R, T>(
    rows: impl IntoIterator<Item = (K, R)>,
    decode: impl Fn(R) -> Result<T, StoreError>,
) -> Result<HashMap<K, Vec<T>>, StoreError> {
    let mut map: HashMap<K, Vec<T>> = HashMap::new();
    for (key, value) in rows {
        map.entry(key).or_default().push(decode(value)?);
    }
    Ok(map)
}

/// The group of `key`, taken out of `groups` and sorted (empty if none).
pub(crate) fn take_sorted<K: Hash + Eq, T: Ord>(
    groups: &mut HashMap<K, Vec<T>>,
    key: &K,
) -> Vec<T> {
    let mut values = groups.remove(key).unwrap_or_default();
    values.sort();
    values
}

/// Escapes LIKE wildcards in user text, for `LIKE $n ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A value both backends bind: what a helper written once for both (with
/// `dispatch!`) needs of the values it binds.
pub(crate) trait Bindable:
    for<'q> Encode<'q, Sqlite> + Type<Sqlite> + for<'q> Encode<'q, Postgres> + Type<Postgres> + Send
{
}

impl<T> Bindable for T where
    T: for<'q> Encode<'q, Sqlite>
        + Type<Sqlite>
        + for<'q> Encode<'q, Postgres>
        + Type<Postgres>
        + Send
{
}

/// A row both backends decode.
pub(crate) trait Decodable:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<R> Decodable for R where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// How many keys one `IN (...)` list binds: well under SQLite's and
/// PostgreSQL's limits on parameters.
pub(crate) const CHUNK: usize = 500;

/// `$1, $2, ..., $n`.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value `sql` answers for `key` (its `$1`) whatever the data, such as
/// a count or an `EXISTS`, read in the caller's transaction.
pub(crate) async fn scalar<K: Bindable, T: Send + Unpin>(
    tx: impl Into<Tx<'_>>,
    sql: &'static str,
    key: K,
) -> Result<T, StoreError>
where
    (T,): Decodable,
{
    Ok(dispatch!(tx: tx.into(), |conn| {
        sqlx::query_scalar(sql).bind(key).fetch_one(conn).await?
    }))
}

/// The value of the one column `sql` selects by `key` (its `$1`), read in
/// the caller's transaction; `None` when no row matches.
pub(crate) async fn optional_scalar<K: Bindable, T: Send + Unpin>(
    tx: impl Into<Tx<'_>>,
    sql: &'static str,
    key: K,
) -> Result<Option<T>, StoreError>
where
    (T,): Decodable,
{
    Ok(dispatch!(tx: tx.into(), |conn| {
        sqlx::query_scalar(sql).bind(key).fetch_optional(conn).await?
    }))
}

impl Db {
    /// The rows `sql` selects for `keys`, its `IN ({list})` filled with one
    /// placeholder per key, a chunk of `CHUNK` keys per statement; the rows
    /// of each chunk in the order the database gives them.
    pub(crate) async fn fetch_in<R: Decodable, K: Bindable + Sync>(
        &self,
        sql: &str,
        keys: &[K],
    ) -> Result<Vec<R>, StoreError> {
        let mut out = Vec::new();
        for chunk in keys.chunks(CHUNK) {
            let sql = sql.replace("{list}", &placeholders(chunk.len()));
            let rows: Vec<R> = dispatch!(self, |pool| {
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for key in chunk {
                    query = query.bind(key);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// The one record `sql` selects by `key` (its `$1`), if any, turned into
    /// a domain value by `convert`: the lookups by id, slug or token.
    pub(crate) async fn record_by<K: Bindable, R: Decodable, T>(
        &self,
        sql: impl Into<String>,
        key: K,
        convert: impl FnOnce(R) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let row: Option<R> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.into()))
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        row.map(convert).transpose()
    }

    /// The rows `sql` selects by `key` (its `$1`).
    pub(crate) async fn rows_by<K: Bindable, R: Decodable>(
        &self,
        sql: impl Into<String>,
        key: K,
    ) -> Result<Vec<R>, StoreError> {
        Ok(dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.into()))
                .bind(key)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The values of the one column `sql` selects by `key` (its `$1`).
    pub(crate) async fn column_by<K: Bindable, T: Send + Unpin>(
        &self,
        sql: impl Into<String>,
        key: K,
    ) -> Result<Vec<T>, StoreError>
    where
        (T,): Decodable,
    {
        Ok(dispatch!(self, |pool| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql.into()))
                .bind(key)
                .fetch_all(pool)
                .await?
        }))
    }

    /// A page of a whole table: `count_sql` counts its rows, `rows_sql`
    /// selects one page (its `$1` and `$2` are LIMIT and OFFSET), `convert`
    /// turns each row into a domain value.
    pub(crate) async fn whole_table_page<R: Decodable, T>(
        &self,
        page: PageRequest,
        count_sql: &'static str,
        rows_sql: String,
        convert: impl Fn(R) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let (total, rows): (i64, Vec<R>) = dispatch!(self, |pool| {
            let total = sqlx::query_scalar(count_sql).fetch_one(pool).await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
                .bind(page.limit())
                .bind(page.offset())
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        page_of(total, rows, convert)
    }
}

/// A page of `total` records from the rows of one page, each turned into a
/// domain value by `convert`.
pub(crate) fn page_of<R, T>(
    total: i64,
    rows: Vec<R>,
    convert: impl FnMut(R) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    Ok(Page {
        total: count(total),
        items: rows.into_iter().map(convert).collect::<Result<_, _>>()?,
    })
}
