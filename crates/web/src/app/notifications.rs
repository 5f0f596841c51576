//! A member's notifications (reviews, replies, discussions, events) and
//! their daily email digest.

use crate::AppState;
use acoge_store::{NotificationRecord, StoreError};
use uuid::Uuid;

/// A member's latest notifications, newest first.
pub async fn notifications(
    app: &AppState,
    member: Uuid,
) -> Result<Vec<NotificationRecord>, StoreError> {
    app.db.notifications(member).await
}

/// Marks every notification of `member` read.
pub async fn mark_notifications_read(app: &AppState, member: Uuid) -> Result<(), StoreError> {
    app.db.mark_notifications_read(member).await
}

/// Turns the daily digest on in `lang` ("es" or "en"), or off with `None`.
pub async fn set_digest(
    app: &AppState,
    member: Uuid,
    lang: Option<&str>,
) -> Result<(), StoreError> {
    app.db.set_digest(member, lang).await
}

/// The language of the member's digest; `None` when it is off.
pub async fn digest_lang(app: &AppState, member: Uuid) -> Result<Option<String>, StoreError> {
    app.db.digest_lang(member).await
}
