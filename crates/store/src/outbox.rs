//! The outbox: every change to a searchable record writes a row here in the
//! same transaction, so followers (the search index) never miss a change and
//! never see one that was rolled back.

/// Appends an outbox row inside the transaction `$tx` (either backend).
macro_rules! record_change {
    ($tx:ident, $entity:expr, $id:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO outbox (entity, entity_id, operation, recorded_at)
             VALUES ($1, $2, 'upsert', $3)",
        )
        .bind($entity)
        .bind($id.to_string())
        .bind($now)
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use record_change;

use crate::{Db, StoreError, db::dispatch};

impl Db {
    /// The position of the newest outbox row (0 when empty).
    pub async fn outbox_head(&self) -> Result<i64, StoreError> {
        let head = dispatch!(self, |pool| {
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(position) FROM outbox")
                .fetch_one(pool)
                .await?
        });
        Ok(head.unwrap_or(0))
    }
}
