//! Shared helpers for turning stored columns back into domain values.

use crate::StoreError;
use acoge_domain::Provenance;

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

/// Escapes LIKE wildcards in user text, for `LIKE $n ESCAPE '\'`.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A page of a whole table: `$count_sql` counts its rows, `$rows_sql` selects
/// one page (its `$1` and `$2` are LIMIT and OFFSET), `$convert` turns each row
/// into a domain value.
macro_rules! whole_table_page {
    ($db:expr, $page:expr, $count_sql:expr, $rows_sql:expr, $convert:path) => {{
        let (total, rows): (i64, Vec<_>) = $crate::db::dispatch!($db, |pool| {
            let total = sqlx::query_scalar($count_sql).fetch_one(pool).await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe($rows_sql))
                .bind($page.limit())
                .bind($page.offset())
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        Ok(acoge_domain::page::Page {
            total: $crate::rows::count(total),
            items: rows.into_iter().map($convert).collect::<Result<_, _>>()?,
        })
    }};
}
pub(crate) use whole_table_page;
