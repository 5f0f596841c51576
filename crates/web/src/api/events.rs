//! Events of the community: the list (all, upcoming or past) and one event.

use super::{
    ApiError,
    error::{ApiResult, ErrorBody},
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
        ("page" = Option<u32>, Query, description = "Page number, from 1; lists go 10,000 items deep at most (page × per_page), and a page past the last is a 400 naming `page`", minimum = 1, maximum = 10000),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100)
    ),
    responses(
        (status = 200, body = EventList),
        (status = 400, body = ErrorBody, description = "A parameter is invalid; `parameter` names it")
    ))]
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
    responses((status = 200, body = EventJson), (status = 400, body = ErrorBody, description = "A path parameter is malformed; `parameter` names it"), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(app): State<AppState>,
    Id(event): Id<EventKey>,
) -> ApiResult<EventJson> {
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(|| ApiError::not_found("no event with that id or slug"))?;
    Ok(Json(event.into()))
}
