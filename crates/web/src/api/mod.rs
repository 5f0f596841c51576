//! The JSON API under `/api/v1/`. Field names are English snake_case; INEGI
//! keys stay strings; lists answer `{"total", "page", "per_page",
//! "max_per_page", "items"}`. The OpenAPI 3.1 document is generated from these
//! handlers by utoipa.

mod alliances;
mod body;
mod community;
mod directory;
mod discussions;
mod error;
mod event_edits;
mod events;
mod geo;
mod harmonization;
mod hsds;
mod legal;
mod legal_changes;
mod members;
mod network;
mod openapi;
mod organizations;
mod practices;
mod schema;
mod search;

pub use error::ApiError;

use crate::{AppState, http::writes::guarded};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};
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
        (name = "directory", description = "Organizations of the field, their services, alliances, the alliance network, and each municipality's sector coverage, gaps and suggested partners"),
        (name = "events", description = "Events of the community"),
        (name = "members", description = "Accounts (bearer token required)"),
        (name = "practices", description = "Good practices, their review and versions"),
        (name = "legal", description = "Legal framework and state harmonization"),
        (name = "search", description = "Search across everything public, in Spanish and English")
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

// The API routes that need an identity, with the capability each needs; the
// authorization test walks this table (`http::writes`).
guarded! {
    "GET" "/api/v1/me" => OwnAccount => members::me,
    "POST" "/api/v1/invitations" => InviteMembers => members::create_invitation,
    "POST" "/api/v1/practices" => Contribute => practices::create_practice,
    "PATCH" "/api/v1/practices/{id}" => Contribute => practices::patch_practice,
    "POST" "/api/v1/practices/{id}/submit" => Contribute => practices::submit_practice,
    "POST" "/api/v1/practices/{id}/reviews" => Review => practices::review_practice,
    "POST" "/api/v1/events" => Moderate => event_edits::create_event,
    "PATCH" "/api/v1/events/{id}" => Moderate => event_edits::patch_event,
    "POST" "/api/v1/legal-instruments" => Moderate => legal_changes::create_instrument,
    "PATCH" "/api/v1/legal-instruments/{id}" => Moderate => legal_changes::patch_instrument,
    "POST" "/api/v1/legal-instruments/{id}/verify" => Moderate => legal_changes::verify_instrument,
    "POST" "/api/v1/legal-instruments/{id}/provisions" => Moderate => legal_changes::create_provision,
    "PATCH" "/api/v1/provisions/{id}" => Moderate => legal_changes::patch_provision,
    "POST" "/api/v1/provisions/{id}/verify" => Moderate => legal_changes::verify_provision,
    "POST" "/api/v1/discussions/{id}/contributions" => Contribute => discussions::create_contribution,
    "POST" "/api/v1/alliances" => Contribute => alliances::create_alliance,
    "POST" "/api/v1/working-groups" => ManageMembers => community::create_group,
    "PATCH" "/api/v1/organizations/{id}/directory" => Contribute => alliances::patch_directory,
    "POST" "/api/v1/organizations/{id}/verify" => Moderate => alliances::verify_organization,
}

pub fn routes(app: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(guarded_routes(app))
        .routes(routes!(geo::list_states))
        .routes(routes!(geo::get_state))
        .routes(routes!(geo::list_municipalities))
        .routes(routes!(geo::get_municipality))
        .routes(routes!(organizations::list_organizations))
        .routes(routes!(organizations::get_organization))
        .routes(routes!(events::list_events))
        .routes(routes!(events::get_event))
        .routes(routes!(practices::list_practices))
        .routes(routes!(practices::get_practice))
        .routes(routes!(harmonization::harmonization))
        .routes(routes!(legal::list_instruments))
        .routes(routes!(legal::get_instrument))
        .routes(routes!(legal::list_provisions))
        .routes(routes!(legal_changes::get_provision))
        .routes(routes!(discussions::list_discussions))
        .routes(routes!(discussions::get_discussion))
        .routes(routes!(discussions::list_syntheses))
        .routes(routes!(community::list_groups))
        .routes(routes!(community::get_group))
        .routes(routes!(hsds::list_services))
        .routes(routes!(hsds::get_service))
        .routes(routes!(hsds::list_organizations))
        .routes(routes!(hsds::get_organization))
        .routes(routes!(legal_changes::instrument_versions))
        .routes(routes!(legal::responsibilities))
        .routes(routes!(legal::municipality_mandate))
        .routes(routes!(search::search))
        .routes(routes!(directory::list_services))
        .routes(routes!(directory::services_near))
        .routes(routes!(directory::coverage))
        .routes(routes!(directory::suggestions))
        .routes(routes!(network::network))
        .routes(routes!(alliances::list_alliances))
}
