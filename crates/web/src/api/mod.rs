//! The JSON API under `/api/v1/`. Field names are English snake_case; INEGI
//! keys stay strings; lists answer `{"total", "page", "per_page",
//! "max_per_page", "items"}`. The OpenAPI 3.1 document is generated from these
//! handlers by utoipa.

mod error;
mod events;
mod geo;
mod organizations;
mod schema;

pub use error::ApiError;

use crate::AppState;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Acoge API",
        description = "Open data of Acoge, the community of practice for the inclusion of migrant people in Mexican cities. Every fact carries its sources and a verified flag. Lists are paginated with `page` (from 1) and `per_page` (at most 100).",
        license(name = "AGPL-3.0-or-later"),
        version = "1"
    ),
    tags(
        (name = "places", description = "States and municipalities of Mexico (INEGI)"),
        (name = "directory", description = "Organizations of the field"),
        (name = "events", description = "Events of the community")
    )
)]
struct ApiDoc;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(geo::list_states))
        .routes(routes!(geo::get_state))
        .routes(routes!(geo::list_municipalities))
        .routes(routes!(geo::get_municipality))
        .routes(routes!(organizations::list_organizations))
        .routes(routes!(organizations::get_organization))
        .routes(routes!(events::list_events))
        .routes(routes!(events::get_event))
}
