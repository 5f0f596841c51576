//! Events of the community: the list (all, upcoming or past) and one event.

use super::{
    ApiError,
    error::ApiResult,
    openapi::{DeepPaging, PathErrors, QueryErrors},
    schema::{EventJson, EventList, EventSummaryJson, page_of},
};
use crate::{
    AppState,
    app::events,
    http::ids::{EventKey, Id},
    http::params::{ParamError, Params, existing_page},
};
use acoge_domain::page::PageRequest;
use axum::{
    Json,
    extract::{RawQuery, State},
};

/// Events: all, newest first; or only those not ended yet (`when=upcoming`,
/// soonest first); or only those ended (`when=past`, most recent first).
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(
        ("when" = Option<String>, Query, description = "upcoming or past; absent: every event", example = "upcoming"),
        DeepPaging
    ),
    responses((status = 200, body = EventList), QueryErrors))]
pub async fn list_events(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<EventList> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let when = params.parse_with("when", |v| match v {
        "upcoming" => Ok(true),
        "past" => Ok(false),
        _ => Err("upcoming or past"),
    })?;
    let now = acoge_domain::Timestamp::now();
    let page = match when {
        None => events::events(&app, request).await?,
        Some(true) => events::upcoming_events_page(&app, now, request).await?,
        Some(false) => events::past_events(&app, now, request).await?,
    };
    existing_page(request, page.total).map_err(ParamError::from)?;
    let (total, request, items) = page_of(page, request, EventSummaryJson::from);
    Ok(Json(EventList::new(total, request, items)))
}

/// One event by its id or its slug, with organizers, guiding questions and links.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = String, Path, description = "Event id (UUID) or slug", example = "lav-2020-11-10", pattern = "^[A-Za-z0-9_-]{1,100}$")),
    responses((status = 200, body = EventJson), PathErrors))]
pub async fn get_event(
    State(app): State<AppState>,
    Id(event): Id<EventKey>,
) -> ApiResult<EventJson> {
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("no event with that id or slug"))?;
    Ok(Json(event.into()))
}
