//! The audit log: every change, who made it, when, the values before and after.
//! Writes happen inside the transaction of the change (`record_audit`); the
//! table refuses updates and deletes by trigger.

use crate::{
    Db, StoreError,
    db::{BeginWrite, Tx, dispatch},
    outbox::record_change,
    rows::page_of,
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    page::{Page, PageRequest},
};
use uuid::Uuid;

/// One change to write to the log.
#[derive(Debug, Clone)]
pub struct AuditRecord<'a> {
    pub actor: Option<Uuid>,
    /// What happened, e.g. "member.create", "session.revoke_all".
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> AuditRecord<'a> {
    /// An entry for `action` on one `entity`, by `actor` (`None` for the
    /// system), with no values yet: `before` and `after` add them.
    pub(crate) fn new(
        actor: impl Into<Option<Uuid>>,
        action: &'a str,
        entity: &'a str,
        entity_id: impl std::fmt::Display,
    ) -> Self {
        AuditRecord {
            actor: actor.into(),
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }

    /// The values before the change (a `None` keeps none).
    pub(crate) fn before(mut self, values: impl Into<Option<serde_json::Value>>) -> Self {
        self.before = values.into();
        self
    }

    /// The values after the change (a `None` keeps none).
    pub(crate) fn after(mut self, values: impl Into<Option<serde_json::Value>>) -> Self {
        self.after = values.into();
        self
    }

    /// Appends the entry inside the caller's transaction.
    pub(crate) async fn record(&self, tx: impl Into<Tx<'_>>) -> Result<(), StoreError> {
        record_audit(tx, self).await
    }

    /// Appends the entry and, for a change visitors see, the outbox row of
    /// the same entity and id, inside the caller's transaction: the two
    /// writes every such change makes, so neither is forgotten.
    pub(crate) async fn record_with_change(
        &self,
        tx: impl Into<Tx<'_>>,
        now: DbTime,
    ) -> Result<(), StoreError> {
        let mut tx = tx.into();
        record_audit(&mut tx, self).await?;
        record_change(&mut tx, self.entity, &self.entity_id, now).await
    }
}

/// Appends `record` to the log inside the caller's transaction.
pub(crate) async fn record_audit(
    tx: impl Into<Tx<'_>>,
    record: &AuditRecord<'_>,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query(
            "INSERT INTO audit_log (id, recorded_at, actor_id, action, entity, entity_id, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(Uuid::now_v7())
        .bind(DbTime(Timestamp::now()))
        .bind(record.actor)
        .bind(record.action)
        .bind(record.entity)
        .bind(&record.entity_id)
        .bind(record.before.as_ref().map(|v| v.to_string()))
        .bind(record.after.as_ref().map(|v| v.to_string()))
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// A logged change, as moderators read it (a row of `audit_log` joined
/// with the actor's name).
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: Uuid,
    #[sqlx(try_from = "DbTime")]
    pub recorded_at: Timestamp,
    pub actor_id: Option<Uuid>,
    /// The actor's display name; `None` for the system or a deleted account.
    pub actor_name: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Db {
    /// Appends one entry on its own (for events that change nothing else, e.g. a log-in).
    pub async fn audit(&self, record: AuditRecord<'_>) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            record_audit(&mut tx, &record).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The log, newest first; `actor` narrows it to one member's actions.
    pub async fn audit_log(
        &self,
        actor: Option<Uuid>,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>, StoreError> {
        let (total, rows): (i64, Vec<AuditEntry>) = dispatch!(self, |pool| {
            let total = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE ($1 IS NULL OR actor_id = $1)",
            )
            .bind(actor)
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query_as(
                "SELECT a.id, a.recorded_at, a.actor_id, m.display_name AS actor_name, a.action,
                    a.entity, a.entity_id, a.before, a.after
                 FROM audit_log a LEFT JOIN members m ON m.id = a.actor_id
                 WHERE ($1 IS NULL OR a.actor_id = $1)
                 ORDER BY a.recorded_at DESC, a.id DESC LIMIT $2 OFFSET $3",
            )
            .bind(actor)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(pool)
            .await?;
            (total, rows)
        });
        page_of(total, rows, Ok)
    }
}
