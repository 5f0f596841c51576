//! The directory in Open Referral's HSDS 3.0 format, for other directories
//! to read: organizations and services, paged the way the HSDS API pages.

use super::error::{ApiError, ApiResult, ErrorBody};
use crate::{
    AppState,
    app::{directory, places},
    http::ids::Id,
    http::params::Params,
};
use acoge_domain::{Cvegeo, page::PageRequest};
use acoge_formats::hsds;
use acoge_store::{OrganizationFilter, ServiceFilter, ServiceRecord, StoreError};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

async fn organization(app: &AppState, id: Uuid) -> Result<Option<Value>, StoreError> {
    Ok(directory::organization_with_entry(app, id)
        .await?
        .map(|(org, entry)| hsds::organization(&org, entry.as_ref())))
}

/// Services as HSDS objects; organizations and seats are read once each.
async fn services(app: &AppState, records: Vec<ServiceRecord>) -> Result<Vec<Value>, StoreError> {
    let mut organizations: HashMap<Uuid, Value> = HashMap::new();
    let mut seats: HashMap<Cvegeo, Option<acoge_domain::geo::Coordinates>> = HashMap::new();
    let mut out = Vec::with_capacity(records.len());
    for record in records {
        let service = &record.service;
        let org = match organizations.get(&service.organization_id) {
            Some(org) => org.clone(),
            None => {
                let org = organization(app, service.organization_id)
                    .await?
                    .unwrap_or(Value::Null);
                organizations.insert(service.organization_id, org.clone());
                org
            }
        };
        let cvegeo = &service.location.cvegeo;
        let seat = match seats.get(cvegeo) {
            Some(seat) => *seat,
            None => {
                let seat = places::municipality(app, cvegeo)
                    .await?
                    .and_then(|m| m.seat);
                seats.insert(cvegeo.clone(), seat);
                seat
            }
        };
        let place = hsds::Place {
            municipality_name: &record.municipality_name,
            seat,
        };
        out.push(hsds::service(service, org, &place));
    }
    Ok(out)
}

/// Services in HSDS 3.0 (each with its organization and location), closed
/// ones included with status `defunct`.
#[utoipa::path(get, path = "/api/v1/hsds/services", tag = "hsds",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1", minimum = 1, maximum = 1000000),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100)
    ),
    responses(
        (status = 200, body = Object, description = "An HSDS page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents"),
        (status = 400, body = ErrorBody, description = "A parameter is invalid; `parameter` names it")
    ))]
pub async fn list_services(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<Value> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let all = directory::services(
        &app,
        &ServiceFilter {
            include_closed: true,
            ..ServiceFilter::default()
        },
    )
    .await?;
    let total = all.len() as u64;
    let start = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let chosen: Vec<ServiceRecord> = all
        .into_iter()
        .skip(start)
        .take(request.per_page as usize)
        .collect();
    let contents = services(&app, chosen).await?;
    Ok(Json(hsds::page(
        contents,
        total,
        request.page,
        request.per_page,
    )))
}

/// One service in HSDS 3.0.
#[utoipa::path(get, path = "/api/v1/hsds/services/{id}", tag = "hsds",
    params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, body = Object, description = "An HSDS service"), (status = 400, body = ErrorBody, description = "A path parameter is malformed; `parameter` names it"), (status = 404, body = ErrorBody)))]
pub async fn get_service(State(app): State<AppState>, Id(id): Id<Uuid>) -> ApiResult<Value> {
    let missing = || ApiError::not_found("no service with that id");
    let record = directory::services(
        &app,
        &ServiceFilter {
            include_closed: true,
            ..ServiceFilter::default()
        },
    )
    .await?
    .into_iter()
    .find(|r| r.service.id == id)
    .ok_or_else(missing)?;
    let mut one = services(&app, vec![record]).await?;
    Ok(Json(one.pop().ok_or_else(missing)?))
}

/// Organizations in HSDS 3.0.
#[utoipa::path(get, path = "/api/v1/hsds/organizations", tag = "hsds",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1", minimum = 1, maximum = 1000000),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100)
    ),
    responses(
        (status = 200, body = Object, description = "An HSDS page: total_items, total_pages, page_number, size, first_page, last_page, empty, contents"),
        (status = 400, body = ErrorBody, description = "A parameter is invalid; `parameter` names it")
    ))]
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
    responses((status = 200, body = Object, description = "An HSDS organization"), (status = 400, body = ErrorBody, description = "A path parameter is malformed; `parameter` names it"), (status = 404, body = ErrorBody)))]
pub async fn get_organization(State(app): State<AppState>, Id(id): Id<Uuid>) -> ApiResult<Value> {
    let missing = || ApiError::not_found("no organization with that id");
    Ok(Json(organization(&app, id).await?.ok_or_else(missing)?))
}
