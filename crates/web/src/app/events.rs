//! Events: the lists and one event, registrations and attendance, as pages
//! and the API read and write them; moderators create and change events
//! (authorize, moderators only; validate with the domain's rules; store).

use crate::{AppState, app::error::AppError, app::use_case::acting_member};
use acoge_domain::{
    Timestamp,
    accounts::{Actor, Capability},
    event::Event,
    event_edit::EventInput,
    page::{Page, PageRequest},
    registration::{RegistrationStatus, RegistrationSummary},
};
use acoge_store::{EventSummary, Registrant, StoreError};
use uuid::Uuid;

/// Adds an event; returns its id.
pub async fn create(app: &AppState, actor: &Actor, input: &EventInput) -> Result<Uuid, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let content = input.validate().map_err(AppError::Invalid)?;
    Ok(app.db.create_event(&content, editor).await?)
}

/// Replaces an event's content.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &EventInput,
) -> Result<(), AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let content = input.validate().map_err(AppError::Invalid)?;
    app.db
        .update_event(id, &content, editor)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(())
}

/// Events, newest first.
pub async fn events(app: &AppState, page: PageRequest) -> Result<Page<EventSummary>, StoreError> {
    app.db.events(page).await
}

/// Events that have not ended at `now`, soonest first. They are few (a
/// community's calendar), so they are not paginated.
pub async fn upcoming_events(
    app: &AppState,
    now: Timestamp,
) -> Result<Vec<EventSummary>, StoreError> {
    app.db.upcoming_events(now).await
}

/// Events that ended by `now`, most recent first.
pub async fn past_events(
    app: &AppState,
    now: Timestamp,
    page: PageRequest,
) -> Result<Page<EventSummary>, StoreError> {
    app.db.past_events(now, page).await
}

/// Events not ended at `now`, soonest first, a page at a time.
pub async fn upcoming_events_page(
    app: &AppState,
    now: Timestamp,
    page: PageRequest,
) -> Result<Page<EventSummary>, StoreError> {
    app.db.upcoming_events_page(now, page).await
}

/// One event by its id or its slug, with everything its page shows.
pub async fn event(app: &AppState, id_or_slug: &str) -> Result<Option<Event>, StoreError> {
    app.db.event(id_or_slug).await
}

/// A working group's events, newest first.
pub async fn events_of_group(app: &AppState, group: Uuid) -> Result<Vec<EventSummary>, StoreError> {
    app.db.events_of_group(group).await
}

/// Asks for a place: registered while places remain, else the waiting
/// list. Asking again changes nothing and answers the current status.
/// `None` when there is no such event.
pub async fn register_for_event(
    app: &AppState,
    event: Uuid,
    member: Uuid,
) -> Result<Option<RegistrationStatus>, StoreError> {
    app.db.register_for_event(event, member).await
}

/// Gives up a place or a turn; the first of the waiting list takes a
/// freed place in the same transaction. Answers who moved up (empty when
/// nobody did); `None` when the member had no active registration.
pub async fn cancel_registration(
    app: &AppState,
    event: Uuid,
    member: Uuid,
) -> Result<Option<Vec<Uuid>>, StoreError> {
    app.db.cancel_registration(event, member).await
}

/// Counts and, for a signed-in viewer, their own status and turn.
pub async fn registration_summary(
    app: &AppState,
    event: Uuid,
    viewer: Option<Uuid>,
) -> Result<RegistrationSummary, StoreError> {
    app.db.registration_summary(event, viewer).await
}

/// Everyone who asked for a place and has not cancelled: registered
/// first, then the waiting list in its order.
pub async fn event_registrants(app: &AppState, event: Uuid) -> Result<Vec<Registrant>, StoreError> {
    app.db.event_registrants(event).await
}

/// Records whether registered members came (moderators, after the
/// event); audited. Members not registered are left as they are.
/// Answers how many rows changed.
pub async fn record_attendance(
    app: &AppState,
    event: Uuid,
    attended: &[Uuid],
    actor: Uuid,
) -> Result<u64, StoreError> {
    app.db.record_attendance(event, attended, actor).await
}

/// Events an organization organized, newest first.
pub async fn events_organized_by(
    app: &AppState,
    organization: Uuid,
) -> Result<Vec<EventSummary>, StoreError> {
    app.db.events_organized_by(organization).await
}
