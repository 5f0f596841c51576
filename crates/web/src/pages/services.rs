//! Services: the list with filters, and what a municipality has there and
//! near it, written for a basic phone on slow data.

use super::{
    Chrome, Ctx, PageError, PageResult, Pager,
    form::{Choices, after_submit, error_keys},
    geo::municipality_and_state,
    practices::past_last_page,
    render,
};
use crate::{
    AppState,
    app::{directory, places},
    http::ids::Id,
    http::params::{Params, existing_page},
};
use acoge_domain::Cvegeo;
use acoge_domain::{StateKey, practice::Sector};
use acoge_store::{NearbyService, ServiceFilter, ServiceRecord, StateOverview};
use askama::Template;
use axum::{
    extract::{RawQuery, State},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

/// How far "near" reaches from a municipality's seat.
pub const NEAR_KM: f64 = 150.0;

/// Services the page lists in the municipality, and nearby: the nearest
/// first; the rest are in the API's pages (the page stays small however
/// many there are).
const NEAR_SHOWN: usize = 30;

#[derive(Template)]
#[template(path = "services.html")]
struct ListPage {
    chrome: Chrome,
    total: u64,
    services: Vec<ServiceRecord>,
    pager: Pager,
    states: Vec<StateOverview>,
    sectors: &'static [Sector],
    selected_state: String,
    selected_sector: String,
}

/// Services on one page of the list.
const PER_PAGE: u32 = 25;

pub async fn list(
    State(app): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let params = Params::parse(query.as_deref())?;
    let state = params.parse_with("estado", StateKey::parse)?;
    let sector = params.parse_with("sector", Sector::parse)?;
    let page = params.page(PER_PAGE)?;
    let filter = ServiceFilter {
        state: state.clone(),
        sector,
        ..ServiceFilter::default()
    };
    let found = directory::services_page(&app, &filter, page).await?;
    let selected_state = state.map(|s| s.to_string()).unwrap_or_default();
    let selected_sector = sector.map(|s| s.slug().to_owned()).unwrap_or_default();
    let filters = [
        ("estado", selected_state.clone()),
        ("sector", selected_sector.clone()),
    ];
    if let Err(past) = existing_page(page, found.total) {
        return past_last_page(&ctx, "/servicios", &filters, past);
    }
    let pager = Pager::new("/servicios", &filters, page.page, found.page_count(page));
    Ok(render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("services-title"), "organizations"),
        total: found.total,
        services: found.items,
        states: places::states(&app).await?,
        sectors: Sector::ALL,
        selected_state,
        selected_sector,
        pager,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "services_near.html")]
struct NearPage {
    chrome: Chrome,
    cvegeo: String,
    name: String,
    here: Vec<NearbyService>,
    near: Vec<NearbyService>,
    /// How many there are in all, when more than the page shows.
    here_total: Option<String>,
    near_total: Option<String>,
    /// False when the municipality has no seat coordinates to measure from.
    measured: bool,
    near_km: String,
}

pub async fn near(State(app): State<AppState>, ctx: Ctx, Id(key): Id<Cvegeo>) -> PageResult {
    let (cvegeo, municipality, _) = municipality_and_state(&app, key).await?;
    let found = directory::services_near(&app, &cvegeo, NEAR_KM).await?;
    let measured = found.is_some();
    let (here, near): (Vec<_>, Vec<_>) = match found {
        Some(all) => all
            .into_iter()
            .partition(|s| s.record.service.location.cvegeo == cvegeo),
        // No coordinates: still list what is in the municipality itself.
        None => (
            directory::services(
                &app,
                &ServiceFilter {
                    municipality: Some(cvegeo.clone()),
                    ..ServiceFilter::default()
                },
            )
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
    let (here, here_total) = first_shown(&ctx, here);
    let (near, near_total) = first_shown(&ctx, near);
    render(&NearPage {
        chrome: ctx.chrome(title, "municipalities"),
        cvegeo: cvegeo.to_string(),
        name: municipality.name,
        here,
        near,
        here_total,
        near_total,
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
    let records = directory::services(&app, &filter).await?;
    let states: HashMap<String, String> = places::states(&app)
        .await?
        .into_iter()
        .map(|s| (s.state.key.to_string(), s.state.name))
        .collect();
    let mut ids: Vec<uuid::Uuid> = records.iter().map(|r| r.service.organization_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let kinds: HashMap<uuid::Uuid, &'static str> = directory::organizations_by_ids(&app, &ids)
        .await?
        .into_iter()
        .map(|(id, (organization, _))| (id, organization.kind.slug()))
        .collect();
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

#[derive(Template)]
#[template(path = "service_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    action: String,
    organization: (uuid::Uuid, String),
    input: acoge_domain::service::ServiceInput,
    languages_text: String,
    sources_text: String,
    sectors: &'static [Sector],
    populations: &'static [acoge_domain::practice::Population],
    costs: &'static [acoge_domain::service::ServiceCost],
    moderator: bool,
    errors: std::collections::BTreeMap<&'static str, &'static str>,
}

impl Choices for FormPage {}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    action: String,
    input: acoge_domain::service::ServiceInput,
    errors: &[acoge_domain::fields::FieldError],
) -> Result<axum::response::Response, super::PageError> {
    use acoge_domain::accounts::Capability;
    let member = ctx.require(Capability::Contribute)?;
    let moderator = ctx.may(Capability::Moderate);
    let org_id =
        uuid::Uuid::parse_str(&input.organization_id).map_err(|_| super::PageError::not_found())?;
    let organization = directory::organization(app, org_id)
        .await?
        .ok_or_else(super::PageError::not_found)?;
    if !moderator && member.organization_id != Some(org_id) {
        return Err(super::PageError::forbidden());
    }
    let title = ctx.tr.t(if action.ends_with("/nuevo") {
        "services-new"
    } else {
        "services-edit"
    });
    let page = render(&FormPage {
        chrome: ctx.chrome(title, "organizations"),
        csrf: ctx.csrf(),
        action,
        organization: (org_id, organization.display_name()),
        languages_text: input.languages.join(", "),
        sources_text: input.sources.join("\n"),
        input,
        sectors: Sector::ALL,
        populations: acoge_domain::practice::Population::ALL,
        costs: acoge_domain::service::ServiceCost::ALL,
        moderator,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

fn service_input(
    organization_id: String,
    form: &super::form::FormData,
) -> acoge_domain::service::ServiceInput {
    acoge_domain::service::ServiceInput {
        organization_id,
        name: form.get("name").to_owned(),
        description: form.get("description").to_owned(),
        sectors: form.get_all("sectors"),
        populations: form.get_all("populations"),
        eligibility: form.get("eligibility").to_owned(),
        languages: form.list("languages", &[',', ' ']),
        cost: form.get("cost").to_owned(),
        hours: form.get("hours").to_owned(),
        how_to_access: form.get("how_to_access").to_owned(),
        capacity: form.get("capacity").to_owned(),
        cvegeo: form.get("location").to_owned(),
        address: form.get("address").to_owned(),
        latitude: form.get("latitude").to_owned(),
        longitude: form.get("longitude").to_owned(),
        status: form.get("status").to_owned(),
        closure_note: form.get("closure_note").to_owned(),
        last_verified: form.get("last_verified").to_owned(),
        sources: form.get("sources").lines().map(str::to_owned).collect(),
        verified: form.checked("verified"),
    }
}

pub async fn new_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<axum::response::Response, super::PageError> {
    let input = acoge_domain::service::ServiceInput {
        organization_id: id.to_string(),
        ..Default::default()
    };
    let action = format!("/organizaciones/{id}/servicios/nuevo");
    form_page(&app, &ctx, action, input, &[]).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: super::form::FormData,
) -> Result<axum::response::Response, super::PageError> {
    save(
        &app,
        &ctx,
        None,
        service_input(id.to_string(), &form),
        format!("/organizaciones/{id}/servicios/nuevo"),
    )
    .await
}

async fn save(
    app: &AppState,
    ctx: &Ctx,
    existing: Option<uuid::Uuid>,
    input: acoge_domain::service::ServiceInput,
    action: String,
) -> Result<axum::response::Response, super::PageError> {
    let organization_page = format!("/organizaciones/{}", input.organization_id);
    after_submit(
        directory::save_service(app, ctx.actor(), existing, &input).await,
        |_| organization_page,
        async |errors| form_page(app, ctx, action, input, errors).await,
    )
    .await
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<axum::response::Response, super::PageError> {
    let service = crate::app::directory::service_by_id(&app, id)
        .await?
        .ok_or_else(super::PageError::not_found)?;
    let input = acoge_domain::service::ServiceInput {
        organization_id: service.organization_id.to_string(),
        name: service.name,
        description: service.description,
        sectors: service
            .sectors
            .iter()
            .map(|s| s.slug().to_owned())
            .collect(),
        populations: service
            .populations
            .iter()
            .map(|p| p.slug().to_owned())
            .collect(),
        eligibility: service.eligibility,
        languages: service.languages,
        cost: service.cost.slug().to_owned(),
        hours: service.hours,
        how_to_access: service.how_to_access,
        capacity: service.capacity.map(|c| c.to_string()).unwrap_or_default(),
        cvegeo: service.location.cvegeo.to_string(),
        address: service.location.address.unwrap_or_default(),
        latitude: service
            .location
            .coordinates
            .map(|c| c.lat.to_string())
            .unwrap_or_default(),
        longitude: service
            .location
            .coordinates
            .map(|c| c.lon.to_string())
            .unwrap_or_default(),
        status: service.status.slug().to_owned(),
        closure_note: service.status.note().unwrap_or_default().to_owned(),
        last_verified: service
            .last_verified
            .map(|d| d.to_string())
            .unwrap_or_default(),
        sources: service.provenance.sources,
        verified: service.provenance.verified,
    };
    let action = format!("/servicios/{id}/editar");
    form_page(&app, &ctx, action, input, &[]).await
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(service_id): Id<Uuid>,
    form: super::form::FormData,
) -> Result<axum::response::Response, super::PageError> {
    let current = crate::app::directory::service_by_id(&app, service_id)
        .await?
        .ok_or_else(super::PageError::not_found)?;
    let input = service_input(current.organization_id.to_string(), &form);
    save(
        &app,
        &ctx,
        Some(service_id),
        input,
        format!("/servicios/{service_id}/editar"),
    )
    .await
}

/// The first `NEAR_SHOWN` services, and "N of M shown" when there are more.
fn first_shown(
    ctx: &Ctx,
    mut services: Vec<NearbyService>,
) -> (Vec<NearbyService>, Option<String>) {
    let total = services.len();
    if total <= NEAR_SHOWN {
        return (services, None);
    }
    services.truncate(NEAR_SHOWN);
    let shown = ctx.tr.count_with(
        "services-shown",
        NEAR_SHOWN,
        &[("total", ctx.tr.number(total as u64).into())],
    );
    (services, Some(shown))
}
