//! Shared helpers for turning stored columns back into domain values.

use crate::{Db, StoreError, db::dispatch};
use acoge_domain::{
    Provenance,
    page::{Page, PageRequest},
};
use sqlx::{FromRow, postgres::PgRow, sqlite::SqliteRow};
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

impl Db {
    /// A page of a whole table: `count_sql` counts its rows, `rows_sql`
    /// selects one page (its `$1` and `$2` are LIMIT and OFFSET), `convert`
    /// turns each row into a domain value.
    pub(crate) async fn whole_table_page<R, T>(
        &self,
        page: PageRequest,
        count_sql: &'static str,
        rows_sql: String,
        convert: impl Fn(R) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError>
    where
        R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
    {
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
