//! Moderators create and change events through the API. Times are RFC 3339
//! instants plus the organizer's IANA zone, which the site uses to show the
//! original local time and to write the iCalendar file.

use super::{
    ApiError,
    body::{json_body, keep, patch},
    error::{ApiResult, ErrorBody},
    openapi::{PathErrors, WriteErrors},
    schema::EventJson,
};
use crate::{AppState, app::events, http::auth::RequestAuth, http::ids::Id};
use acoge_domain::{
    event::AgendaItem,
    event_edit::{EventInput, TimeInput},
};
use axum::{Extension, Json, extract::State, http::StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One agenda item; `time` is "HH:MM" in the event's zone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemBody {
    #[schema(example = "10:00")]
    pub time: String,
    pub title: String,
    #[serde(default)]
    pub speakers: Vec<String>,
}

/// A link of an event.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventLinkBody {
    /// transmision, grabacion or anuncio.
    pub kind: String,
    pub url: String,
    #[serde(default)]
    pub label: String,
}

/// An event to add. Every field is checked; all problems are reported at
/// once, the first one in `field` (an end before the start is `ends_at`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEventBody {
    /// webinario, taller, visita_campo or reunion.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub description_en: Option<String>,
    /// RFC 3339.
    #[schema(example = "2030-03-10T16:00:00Z")]
    pub starts_at: String,
    /// RFC 3339, after `starts_at`.
    #[schema(example = "2030-03-10T18:00:00Z")]
    pub ends_at: String,
    /// The organizer's IANA time zone.
    #[schema(example = "America/Mexico_City")]
    pub time_zone: String,
    /// Places; absent or null: no limit.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub agenda: Vec<AgendaItemBody>,
    #[serde(default)]
    pub links: Vec<EventLinkBody>,
    /// In Spanish, in order.
    #[serde(default)]
    pub guiding_questions: Vec<String>,
    /// Their English texts, by position (optional).
    #[serde(default)]
    pub guiding_questions_en: Vec<String>,
    /// Organization ids.
    #[serde(default)]
    pub organizers: Vec<String>,
    /// The slug of the working group that holds it.
    #[serde(default)]
    pub working_group: Option<String>,
}

/// A change to an event: the fields sent change, the others keep their
/// values. `capacity: null` removes the limit.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventPatchBody {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub description_en: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, minimum = 1)]
    pub capacity: Option<Option<u32>>,
    pub agenda: Option<Vec<AgendaItemBody>>,
    pub links: Option<Vec<EventLinkBody>>,
    pub guiding_questions: Option<Vec<String>>,
    pub guiding_questions_en: Option<Vec<String>>,
    pub organizers: Option<Vec<String>>,
    /// A working group's slug; null takes the event out of its group.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub working_group: Option<Option<String>>,
}

/// Tells `"capacity": null` (remove the limit) from an absent field (keep it).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn agenda_lines(items: Vec<AgendaItemBody>) -> Vec<String> {
    items
        .into_iter()
        .map(|a| {
            AgendaItem {
                time: a.time,
                title: a.title,
                speakers: a.speakers,
            }
            .as_line()
        })
        .collect()
}

/// A capacity as the form writes it: empty for no limit.
fn capacity_text(capacity: Option<u32>) -> String {
    capacity.map(|c| c.to_string()).unwrap_or_default()
}

fn links(items: Vec<EventLinkBody>) -> Vec<(String, String, String)> {
    items
        .into_iter()
        .map(|l| (l.kind, l.url, l.label))
        .collect()
}

async fn event_json(app: &AppState, id: Uuid) -> Result<EventJson, ApiError> {
    events::event(app, &id.to_string())
        .await?
        .map(Into::into)
        .ok_or_else(|| ApiError::not_found("no event with that id"))
}

/// Adds an event (moderators).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", security(("bearer" = [])),
    request_body = NewEventBody,
    responses((status = 201, body = EventJson), WriteErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid (an end before the start is `ends_at`); `field` names it; nothing is stored")))]
pub async fn create_event(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<EventJson>), ApiError> {
    let body: NewEventBody = json_body(&body)?;
    let input = EventInput {
        kind: body.kind,
        title: body.title,
        title_en: body.title_en.unwrap_or_default(),
        description: body.description.unwrap_or_default(),
        description_en: body.description_en.unwrap_or_default(),
        starts_at: TimeInput::Instant(body.starts_at),
        ends_at: TimeInput::Instant(body.ends_at),
        time_zone: body.time_zone,
        capacity: capacity_text(body.capacity),
        agenda: agenda_lines(body.agenda),
        links: links(body.links),
        guiding_questions: body.guiding_questions,
        guiding_questions_en: body.guiding_questions_en,
        organizers: body.organizers,
        working_group: body.working_group.unwrap_or_default(),
    };
    let id = events::create(&app, auth.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(event_json(&app, id).await?)))
}

/// Changes an event (moderators); a larger capacity lets the waiting list in.
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Event id (UUID)")),
    request_body = EventPatchBody,
    responses((status = 200, body = EventJson), WriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid; `field` names it; nothing is stored")))]
pub async fn patch_event(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<EventJson> {
    let not_found = || ApiError::not_found("no event with that id");
    let current = events::event(&app, &id.to_string())
        .await?
        .ok_or_else(not_found)?;
    let body: EventPatchBody = json_body(&body)?;
    let mut input = EventInput::of(&current);
    patch!(body => input; kind, title, title_en, description, description_en, time_zone);
    keep(body.starts_at.map(TimeInput::Instant), &mut input.starts_at);
    keep(body.ends_at.map(TimeInput::Instant), &mut input.ends_at);
    keep(body.capacity.map(capacity_text), &mut input.capacity);
    keep(body.agenda.map(agenda_lines), &mut input.agenda);
    keep(body.links.map(links), &mut input.links);
    if let Some(questions) = body.guiding_questions {
        // New Spanish texts make the old English ones stale unless resent.
        input.guiding_questions = questions;
        input.guiding_questions_en = Vec::new();
    }
    patch!(body => input; guiding_questions_en, organizers);
    keep(
        body.working_group.map(Option::unwrap_or_default),
        &mut input.working_group,
    );
    events::update(&app, auth.actor(), id, &input).await?;
    Ok(Json(event_json(&app, id).await?))
}
