//! Write steps for the tables that link a record to a list of values (an
//! alliance's members, a provision's rights, an event's organizers...),
//! taken in the caller's transaction: clearing a record's rows before they
//! are written again, and linking it to each value.

use crate::{
    StoreError,
    db::{Tx, dispatch},
    rows::Bindable,
};
use uuid::Uuid;

/// Runs each DELETE of `statements` with the record `id` as `$1`: clears
/// what a record's lists held before its content is written again.
pub(crate) async fn delete_each(
    tx: impl Into<Tx<'_>>,
    statements: &[&'static str],
    id: Uuid,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for &delete in statements {
            sqlx::query(delete).bind(id).execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Links the record `id` to each of `values` (an alliance's members, sectors
/// or territory; a provision's rights or levels): `sql` inserts one link,
/// with the record as `$1` and the value as `$2`.
pub(crate) async fn link_each<T: Bindable>(
    tx: impl Into<Tx<'_>>,
    sql: &'static str,
    id: Uuid,
    values: impl IntoIterator<Item = T>,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for value in values {
            sqlx::query(sql).bind(id).bind(value).execute(&mut *conn).await?;
        }
    });
    Ok(())
}
