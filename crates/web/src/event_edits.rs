//! Moderators create and change events, shared by pages and the API:
//! authorize (moderators only), validate with the domain's rules, store.

use crate::AppState;
use acoge_domain::{
    accounts::{Actor, Capability, Denied, authorize},
    event_edit::EventInput,
    fields::FieldError,
};
use acoge_store::StoreError;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum EventEditError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("no such event")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for EventEditError {
    fn from(error: StoreError) -> Self {
        match error {
            // An organizer missing from the directory is the sender's error.
            StoreError::Invalid(field) => Self::Invalid(vec![field]),
            other => Self::Store(other),
        }
    }
}

fn moderator(actor: &Actor) -> Result<Uuid, Denied> {
    authorize(actor, Capability::Moderate)?;
    actor.id().ok_or(Denied::NotSignedIn)
}

/// Adds an event; returns its id.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    input: &EventInput,
) -> Result<Uuid, EventEditError> {
    let editor = moderator(actor)?;
    let content = input.validate().map_err(EventEditError::Invalid)?;
    Ok(app.db.create_event(&content, editor).await?)
}

/// Replaces an event's content.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &EventInput,
) -> Result<(), EventEditError> {
    let editor = moderator(actor)?;
    let content = input.validate().map_err(EventEditError::Invalid)?;
    app.db
        .update_event(id, &content, editor)
        .await?
        .ok_or(EventEditError::NotFound)?;
    Ok(())
}
