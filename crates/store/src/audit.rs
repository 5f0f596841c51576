//! The audit log: every change, who made it, when, the values before and after.
//! Writes happen inside the transaction of the change (`record_audit`); the
//! table refuses updates and deletes by trigger.

use crate::{
    Db, StoreError,
    db::{BeginWrite, Tx, dispatch},
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

/// A logged change, as moderators read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: Uuid,
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

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    recorded_at: DbTime,
    actor_id: Option<Uuid>,
    actor_name: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
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
        let (total, rows): (i64, Vec<AuditRow>) = dispatch!(self, |pool| {
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
        page_of(total, rows, |r| {
            Ok(AuditEntry {
                id: r.id,
                recorded_at: r.recorded_at.0,
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                before: r.before,
                after: r.after,
            })
        })
    }
}
