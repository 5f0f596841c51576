//! Services: the list with filters, and what a municipality has there and
//! near it, written for a basic phone on slow data.

use super::{Chrome, Ctx, PageResult, geo::municipality_and_state, render};
use crate::{AppState, params::Params};
use acoge_domain::{StateKey, practice::Sector};
use acoge_store::{NearbyService, ServiceFilter, ServiceRecord, StateOverview};
use askama::Template;
use axum::extract::{Path, RawQuery, State};

/// How far "near" reaches from a municipality's seat.
pub const NEAR_KM: f64 = 150.0;

#[derive(Template)]
#[template(path = "services.html")]
struct ListPage {
    chrome: Chrome,
    services: Vec<ServiceRecord>,
    states: Vec<StateOverview>,
    sectors: &'static [Sector],
    selected_state: String,
    selected_sector: String,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(query): RawQuery) -> PageResult {
    let params = Params::parse(query.as_deref())?;
    let state = params.parse_with("estado", StateKey::parse)?;
    let sector = params.parse_with("sector", Sector::parse)?;
    let filter = ServiceFilter {
        state: state.clone(),
        sector,
        ..ServiceFilter::default()
    };
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("services-title"), "organizations"),
        services: app.db.services(&filter).await?,
        states: app.db.states().await?,
        sectors: Sector::ALL,
        selected_state: state.map(|s| s.to_string()).unwrap_or_default(),
        selected_sector: sector.map(|s| s.slug().to_owned()).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "services_near.html")]
struct NearPage {
    chrome: Chrome,
    cvegeo: String,
    name: String,
    here: Vec<NearbyService>,
    near: Vec<NearbyService>,
    /// False when the municipality has no seat coordinates to measure from.
    measured: bool,
    near_km: String,
}

pub async fn near(State(app): State<AppState>, ctx: Ctx, Path(key): Path<String>) -> PageResult {
    let (cvegeo, municipality, _) = municipality_and_state(&app, &key).await?;
    let found = app.db.services_near(&cvegeo, NEAR_KM).await?;
    let measured = found.is_some();
    let (here, near): (Vec<_>, Vec<_>) = match found {
        Some(all) => all
            .into_iter()
            .partition(|s| s.record.service.location.cvegeo == cvegeo),
        // No coordinates: still list what is in the municipality itself.
        None => (
            app.db
                .services(&ServiceFilter {
                    municipality: Some(cvegeo.clone()),
                    ..ServiceFilter::default()
                })
                .await?
                .into_iter()
                .map(|record| NearbyService {
                    record,
                    distance_km: 0.0,
                })
                .collect(),
            Vec::new(),
        ),
    };
    let title = ctx
        .tr
        .with_text("services-near-title", "name", &municipality.name);
    render(&NearPage {
        chrome: ctx.chrome(title, "municipalities"),
        cvegeo: cvegeo.to_string(),
        name: municipality.name,
        here,
        near,
        measured,
        near_km: format!("{NEAR_KM:.0}"),
    })
}

/// Every service as a CSV table with HXL hashtags (one row per sector), for
/// spreadsheets and humanitarian tools; the same filters as the list.
pub async fn csv(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<axum::response::Response, super::PageError> {
    use axum::{http::header, response::IntoResponse};
    use std::collections::HashMap;
    let params = Params::parse(query.as_deref())?;
    let filter = ServiceFilter {
        state: params.parse_with("estado", StateKey::parse)?,
        sector: params.parse_with("sector", Sector::parse)?,
        include_closed: true,
        ..ServiceFilter::default()
    };
    let records = app.db.services(&filter).await?;
    let states: HashMap<String, String> = app
        .db
        .states()
        .await?
        .into_iter()
        .map(|s| (s.state.key.to_string(), s.state.name))
        .collect();
    let mut kinds: HashMap<uuid::Uuid, &'static str> = HashMap::new();
    for record in &records {
        let id = record.service.organization_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = kinds.entry(id) {
            let kind = app.db.organization(id).await?.map(|o| o.kind.slug());
            slot.insert(kind.unwrap_or(""));
        }
    }
    let rows: Vec<acoge_formats::hxl::ServiceRow<'_>> = records
        .iter()
        .map(|r| acoge_formats::hxl::ServiceRow {
            service: &r.service,
            organization_name: &r.organization_name,
            organization_kind: kinds.get(&r.service.organization_id).copied().unwrap_or(""),
            municipality_name: &r.municipality_name,
            state_name: states
                .get(r.service.location.cvegeo.state().as_str())
                .map_or("", String::as_str),
        })
        .collect();
    let body = acoge_formats::hxl::services_csv(&rows).map_err(super::PageError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"servicios-acoge.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
