//! Organizations of the field, each with its directory entry.

use super::{
    ApiError,
    error::ApiResult,
    openapi::{Paging, PathErrors, QueryErrors},
    schema::{OrganizationJson, OrganizationList},
};
use crate::{AppState, app::directory, http::ids::Id, http::params::Params};
use acoge_domain::{Cvegeo, StateKey, page::PageRequest, practice::Sector};
use acoge_store::OrganizationFilter;
use axum::{
    Json,
    extract::{RawQuery, State},
};
use uuid::Uuid;

/// Organizations of the directory, filtered by the state or municipality of
/// their seat, each with its directory entry (sectors, territories served,
/// website, contact, founding year, moderator's verification).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "directory",
    params(
        ("state" = Option<String>, Query, description = "INEGI state key of the seat"),
        ("municipality" = Option<String>, Query, description = "CVEGEO of the seat"),
        ("founding_organizer" = Option<bool>, Query, description = "true: only the eight organizers of the founding webinar"),
        ("sector" = Option<String>, Query, description = "Only organizations working in this sector (salud, vivienda_albergue, ...)", example = "salud"),
        Paging
    ),
    responses((status = 200, body = OrganizationList), QueryErrors))]
pub async fn list_organizations(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<OrganizationList> {
    let params = Params::parse(query.as_deref())?;
    let filter = OrganizationFilter {
        state: params.parse_with("state", StateKey::parse)?,
        municipality: params.parse_with("municipality", Cvegeo::parse)?,
        founding_organizer: params.parse_with("founding_organizer", |v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("must be true or false"),
        })?,
        sector: params.parse_with("sector", Sector::parse)?,
    };
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let page = directory::organizations_with_entries(&app, &filter, request).await?;
    let items = page
        .items
        .into_iter()
        .map(|(organization, entry)| OrganizationJson::new(organization, entry))
        .collect();
    Ok(Json(OrganizationList::new(page.total, request, items)))
}

/// One organization.
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "directory",
    params(("id" = Uuid, Path, description = "Organization id (UUID)")),
    responses((status = 200, body = OrganizationJson), PathErrors))]
pub async fn get_organization(
    State(app): State<AppState>,
    Id(id): Id<Uuid>,
) -> ApiResult<OrganizationJson> {
    let missing = || ApiError::not_found("no organization with that id");
    let (organization, entry) = directory::organization_with_entry(&app, id)
        .await?
        .ok_or_else(missing)?;
    Ok(Json(OrganizationJson::new(organization, entry)))
}
