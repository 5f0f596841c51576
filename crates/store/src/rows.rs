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
