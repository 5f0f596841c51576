//! The directory in Open Referral's HSDS 3.0 format, for other directories
//! to read: organizations and services, paged the way the HSDS API pages.

use super::error::{ApiError, ApiResult};
use super::openapi::{Paging, PathErrors, QueryErrors};
use crate::{
    AppState,
    app::directory,
    http::ids::Id,
    http::params::{ParamError, Params, existing_page},
};
use acoge_domain::page::PageRequest;
use acoge_formats::hsds;
use acoge_store::{OrganizationFilter, ServiceFilter, ServiceRecord, StoreError};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde_json::Value;
use uuid::Uuid;

async fn organization(app: &AppState, id: Uuid) -> Result<Option<Value>, StoreError> {
    Ok(directory::organization_with_entry(app, id)
        .await?
        .map(|(org, entry)| hsds::organization(&org, entry.as_ref())))
}

/// Services as HSDS objects, with their organizations read in one batch
/// (the seats come with the services).
async fn services(app: &AppState, records: Vec<ServiceRecord>) -> Result<Vec<Value>, StoreError> {
    let mut ids: Vec<Uuid> = records.iter().map(|r| r.service.organization_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let organizations = directory::organizations_by_ids(app, &ids).await?;
    Ok(records
        .iter()
        .map(|record| {
            let org = organizations
                .get(&record.service.organization_id)
                .map_or(Value::Null, |(org, entry)| {
                    hsds::organization(org, entry.as_ref())
                });
            let place = hsds::Place {
                municipality_name: &record.municipality_name,
                seat: record.seat,
            };
            hsds::service(&record.service, org, &place)
        })
        .collect())
}

/// Services in HSDS 3.0 (each with its organization and location), closed
/// ones included with status `defunct`.
#[utoipa::path(get, path = "/api/v1/hsds/services", tag = "hsds",
    params(Paging),
    responses((status = 200, body = Object, description = "An HSDS page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents"), QueryErrors))]
pub async fn list_services(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Value> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let filter = ServiceFilter {
        include_closed: true,
        ..ServiceFilter::default()
    };
    let found = directory::services_page(&app, &filter, request).await?;
    existing_page(request, found.total).map_err(ParamError::from)?;
    let contents = services(&app, found.items).await?;
    Ok(Json(hsds::page(
        contents,
        found.total,
        request.page,
        request.per_page,
    )))
}

/// One service in HSDS 3.0.
#[utoipa::path(get, path = "/api/v1/hsds/services/{id}", tag = "hsds",
    params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, body = Object, description = "An HSDS service"), PathErrors))]
pub async fn get_service(State(app): State<AppState>, Id(id): Id<Uuid>) -> ApiResult<Value> {
    let missing = || ApiError::not_found("no service with that id");
    let record = directory::service_record(&app, id)
        .await?
        .ok_or_else(missing)?;
    let mut one = services(&app, vec![record]).await?;
    Ok(Json(one.pop().ok_or_else(missing)?))
}

/// Organizations in HSDS 3.0.
#[utoipa::path(get, path = "/api/v1/hsds/organizations", tag = "hsds",
    params(Paging),
    responses((status = 200, body = Object, description = "An HSDS page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents"), QueryErrors))]
pub async fn list_organizations(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Value> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let page = directory::organizations_with_entries(&app, &OrganizationFilter::default(), request)
        .await?;
    let contents = page
        .items
        .iter()
        .map(|(org, entry)| hsds::organization(org, entry.as_ref()))
        .collect();
    Ok(Json(hsds::page(
        contents,
        page.total,
        request.page,
        request.per_page,
    )))
}

/// One organization in HSDS 3.0.
#[utoipa::path(get, path = "/api/v1/hsds/organizations/{id}", tag = "hsds",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses((status = 200, body = Object, description = "An HSDS organization"), PathErrors))]
pub async fn get_organization(State(app): State<AppState>, Id(id): Id<Uuid>) -> ApiResult<Value> {
    let missing = || ApiError::not_found("no organization with that id");
    Ok(Json(organization(&app, id).await?.ok_or_else(missing)?))
}
