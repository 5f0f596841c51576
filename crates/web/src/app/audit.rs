//! The audit log: who changed what, and when, for administrators and for
//! each member's own data.

use crate::AppState;
use acoge_domain::page::{Page, PageRequest};
use acoge_store::{AuditEntry, AuditRecord, StoreError};
use uuid::Uuid;

/// Appends one entry on its own (for events that change nothing else, e.g. a log-in).
pub async fn audit(app: &AppState, record: AuditRecord<'_>) -> Result<(), StoreError> {
    app.db.audit(record).await
}

/// The log, newest first; `actor` narrows it to one member's actions.
pub async fn audit_log(
    app: &AppState,
    actor: Option<Uuid>,
    page: PageRequest,
) -> Result<Page<AuditEntry>, StoreError> {
    app.db.audit_log(actor, page).await
}
