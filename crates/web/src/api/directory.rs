//! The directory's reads: services (by place and sector, and near a
//! municipality), sector coverage and gaps, partner suggestions (the
//! alliance network is in `network`). The analyses come from
//! `AnalysisCache`, shared with the pages, so both show the same numbers.

use super::{
    ApiError,
    error::{ApiResult, ErrorBody},
    openapi::{Paging, PathErrors, QueryErrors},
    schema::{PointJson, ServiceList, Sources},
};
use crate::{
    AppState,
    app::{directory, places},
    http::ids::Id,
    http::params::{ParamError, Params, existing_page},
};
use acoge_analysis::{CoverageLevel, Reason};
use acoge_domain::{Cvegeo, StateKey, page::PageRequest, practice::Sector};
use acoge_store::{ServiceFilter, ServiceRecord};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// An organization or service by id and name.
#[derive(Serialize, ToSchema)]
pub struct NamedRef {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceLocationJson {
    /// CVEGEO of the municipality where it is offered.
    #[schema(example = "07089")]
    pub cvegeo: String,
    /// The municipality's name.
    pub municipality: String,
    /// An organizational address (never a person's).
    pub address: Option<String>,
    /// The service's own point (WGS84); null where the source gives none
    /// (distances then use the municipality's seat).
    pub coordinates: Option<PointJson>,
}

/// A service (HSDS sense): what an organization offers, for whom, and where.
#[derive(Serialize, ToSchema)]
pub struct ServiceJson {
    pub id: Uuid,
    pub organization: NamedRef,
    pub name: String,
    pub description: String,
    /// Sector slugs, e.g. alojamiento, asesoria_juridica.
    pub sectors: Vec<String>,
    /// Population slugs, e.g. transito, refugiadas.
    pub populations: Vec<String>,
    /// Who may use it, in words.
    pub eligibility: String,
    /// ISO 639 codes, e.g. es, ht.
    pub languages: Vec<String>,
    /// gratuito, con_costo or sin_dato.
    pub cost: String,
    pub hours: String,
    pub how_to_access: String,
    /// Places (e.g. beds) where the service has a fixed number.
    pub capacity: Option<u32>,
    pub location: ServiceLocationJson,
    /// activo or cerrado.
    pub status: String,
    /// For a closed service: when and why.
    pub closure_note: Option<String>,
    /// When someone last confirmed it runs as described (YYYY, YYYY-MM or YYYY-MM-DD).
    pub last_verified: Option<String>,
    #[serde(flatten)]
    pub provenance: Sources,
}

impl From<ServiceRecord> for ServiceJson {
    fn from(r: ServiceRecord) -> Self {
        let s = r.service;
        Self {
            id: s.id,
            organization: NamedRef {
                id: s.organization_id,
                name: r.organization_name,
            },
            provenance: (&s.provenance).into(),
            name: s.name,
            description: s.description,
            sectors: s.sectors.iter().map(|x| x.slug().to_owned()).collect(),
            populations: s.populations.iter().map(|x| x.slug().to_owned()).collect(),
            eligibility: s.eligibility,
            languages: s.languages,
            cost: s.cost.slug().to_owned(),
            hours: s.hours,
            how_to_access: s.how_to_access,
            capacity: s.capacity,
            location: ServiceLocationJson {
                cvegeo: s.location.cvegeo.to_string(),
                municipality: r.municipality_name,
                address: s.location.address,
                coordinates: s.location.coordinates.map(Into::into),
            },
            status: s.status.slug().to_owned(),
            closure_note: s.status.note().map(str::to_owned),
            last_verified: s.last_verified.map(|d| d.to_string()),
        }
    }
}

/// The items of one page of an in-memory list.
fn page_slice<T>(items: Vec<T>, request: PageRequest) -> Vec<T> {
    let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(request.limit()).unwrap_or(0);
    items.into_iter().skip(skip).take(take).collect()
}

/// Services of the directory, by the municipality or state where they are
/// offered and by sector; closed ones only when asked for. Ordered by
/// organization, then service name.
#[utoipa::path(get, path = "/api/v1/services", tag = "directory",
    params(
        ("municipality" = Option<String>, Query, description = "CVEGEO where the service is offered"),
        ("state" = Option<String>, Query, description = "INEGI state key where the service is offered"),
        ("sector" = Option<String>, Query, description = "Sector slug, e.g. alojamiento"),
        ("include_closed" = Option<bool>, Query, description = "true: closed services too, with their closure note"),
        Paging
    ),
    responses((status = 200, body = ServiceList), QueryErrors))]
pub async fn list_services(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<ServiceList> {
    let params = Params::parse(query.as_deref())?;
    let filter = ServiceFilter {
        municipality: params.parse_with("municipality", Cvegeo::parse)?,
        state: params.parse_with("state", StateKey::parse)?,
        sector: params.parse_with("sector", Sector::parse)?,
        organization: None,
        id: None,
        include_closed: params
            .parse_with("include_closed", |v| match v {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err("must be true or false"),
            })?
            .unwrap_or(false),
    };
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let found = directory::services_page(&app, &filter, request).await?;
    existing_page(request, found.total).map_err(ParamError::from)?;
    let items = found.items.into_iter().map(ServiceJson::from).collect();
    Ok(Json(ServiceList::new(found.total, request, items)))
}

/// Services within this radius by default.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// The largest radius accepted.
pub const MAX_RADIUS_KM: f64 = 500.0;

#[derive(Serialize, ToSchema)]
pub struct NearbyServiceJson {
    /// Great-circle distance from the municipality's seat to the service
    /// (its own point, else its municipality's seat).
    pub distance_km: f64,
    #[serde(flatten)]
    pub service: ServiceJson,
}

#[derive(Serialize, ToSchema)]
pub struct NearbyServiceList {
    pub municipality: NamedPlace,
    pub radius_km: f64,
    /// Services within the radius, over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub max_per_page: u32,
    /// Nearest first.
    pub items: Vec<NearbyServiceJson>,
}

/// A municipality by key and name.
#[derive(Serialize, ToSchema)]
pub struct NamedPlace {
    #[schema(example = "07089")]
    pub cvegeo: String,
    pub name: String,
}

/// The municipality named in the path, or 404.
async fn municipality_of(app: &AppState, key: Cvegeo) -> Result<(Cvegeo, NamedPlace), ApiError> {
    let missing = || ApiError::not_found("no municipality with that CVEGEO");
    let municipality = places::municipality(app, &key).await?.ok_or_else(missing)?;
    Ok((
        key.clone(),
        NamedPlace {
            cvegeo: key.to_string(),
            name: municipality.name,
        },
    ))
}

/// Active services in and around a municipality, nearest first, each with
/// its distance from the municipality's seat (services there are at 0 km
/// unless the source places them precisely).
#[utoipa::path(get, path = "/api/v1/municipalities/{cvegeo}/services", tag = "directory",
    params(
        ("cvegeo" = String, Path, description = "INEGI geostatistical key, five digits: the state's two, then the municipality's three", example = "07089", pattern = "^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$"),
        ("radius_km" = Option<f64>, Query, description = "Kilometres from the municipality's seat, more than 0 and at most 500 (default 50)", minimum = 0, maximum = 500),
        Paging
    ),
    responses(
        (status = 200, body = NearbyServiceList),
        (status = 400, body = ErrorBody, description = "A parameter (of the path or the query) is invalid; `parameter` names it"),
        (status = 404, body = ErrorBody, description = "No such municipality, or it has no seat coordinates to measure from")
    ))]
pub async fn services_near(
    State(app): State<AppState>,
    Id(cvegeo): Id<Cvegeo>,
    RawQuery(query): RawQuery,
) -> ApiResult<NearbyServiceList> {
    let params = Params::parse(query.as_deref())?;
    let radius_km = params
        .parse_with("radius_km", |v| match v.parse::<f64>() {
            Ok(r) if r > 0.0 && r <= MAX_RADIUS_KM => Ok(r),
            _ => Err(format!(
                "must be a number of kilometres above 0 and at most {MAX_RADIUS_KM}"
            )),
        })?
        .unwrap_or(DEFAULT_RADIUS_KM);
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let (key, municipality) = municipality_of(&app, cvegeo).await?;
    let near = directory::services_near(&app, &key, radius_km)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("the municipality has no seat coordinates to measure from")
        })?;
    let total = near.len() as u64;
    let items = page_slice(near, request)
        .into_iter()
        .map(|n| NearbyServiceJson {
            distance_km: n.distance_km,
            service: n.record.into(),
        })
        .collect();
    Ok(Json(NearbyServiceList {
        municipality,
        radius_km,
        total,
        page: request.page,
        per_page: request.per_page,
        max_per_page: PageRequest::MAX_PER_PAGE,
        items,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SectorCoverageJson {
    /// Sector slug.
    pub sector: String,
    /// local: someone works in the sector in the municipality; state: only
    /// elsewhere in its state; none: a gap.
    #[schema(example = "local")]
    pub level: String,
    /// Who is behind the level: present in the municipality (local) or
    /// elsewhere in the state (state).
    pub organizations: Vec<NamedRef>,
    /// Active services behind the level, in the same places.
    pub services: Vec<NamedRef>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageJson {
    pub municipality: NamedPlace,
    /// Every sector, in the vocabulary's order.
    pub sectors: Vec<SectorCoverageJson>,
    /// Sector slugs at level none.
    pub gaps: Vec<String>,
}

fn level_slug(level: CoverageLevel) -> &'static str {
    match level {
        CoverageLevel::Local => "local",
        CoverageLevel::State => "state",
        CoverageLevel::None => "none",
    }
}

/// Which sectors have someone working in the municipality, only elsewhere in
/// its state, or no one in the state (the gaps), and who is behind each.
#[utoipa::path(get, path = "/api/v1/municipalities/{cvegeo}/coverage", tag = "directory",
    params(("cvegeo" = String, Path, description = "INEGI geostatistical key, five digits: the state's two, then the municipality's three", example = "02004", pattern = "^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$")),
    responses((status = 200, body = CoverageJson), PathErrors,
        (status = 503, body = ErrorBody, description = "The directory's analysis is being computed (the first seconds after a start); retry shortly")))]
pub async fn coverage(
    State(app): State<AppState>,
    Id(cvegeo): Id<Cvegeo>,
) -> ApiResult<CoverageJson> {
    let (key, municipality) = municipality_of(&app, cvegeo).await?;
    let analysis = directory::require_analysis(&app)?;
    let coverage = analysis.coverage(&key);
    // Coverage names services in the municipality or elsewhere in its state.
    let service_names: HashMap<Uuid, String> = directory::services(
        &app,
        &ServiceFilter {
            state: Some(key.state()),
            ..ServiceFilter::default()
        },
    )
    .await?
    .into_iter()
    .map(|r| (r.service.id, r.service.name))
    .collect();
    let organization = |id: Uuid| NamedRef {
        id,
        name: analysis
            .organization_name(id)
            .unwrap_or_default()
            .to_owned(),
    };
    let sectors = coverage
        .sectors
        .into_iter()
        .map(|s| SectorCoverageJson {
            sector: s.sector.slug().to_owned(),
            level: level_slug(s.level).to_owned(),
            organizations: s.organizations.into_iter().map(organization).collect(),
            services: s
                .services
                .into_iter()
                .map(|id| NamedRef {
                    id,
                    name: service_names.get(&id).cloned().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(CoverageJson {
        municipality,
        sectors,
        gaps: coverage.gaps.iter().map(|s| s.slug().to_owned()).collect(),
    }))
}

/// One piece of evidence for a suggestion; `kind` says which, and the other
/// fields are its data.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReasonJson {
    /// It works in the sector at `municipality`, the nearest such place,
    /// `distance_km` from this municipality's seat (under 500 km).
    ActiveInSectorNearby {
        municipality: String,
        distance_km: f64,
    },
    /// It works in the sector in the same state.
    ActiveInSectorInState { state: String },
    /// It works in the sector in `municipality`, which shares the migration
    /// `context` (slug) with this one.
    ActiveInSameContext {
        municipality: String,
        context: String,
    },
    /// It is already allied with `partner`, present in this municipality.
    AlliedWithLocalPartner { partner: NamedRef },
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionJson {
    pub organization: NamedRef,
    /// Organization type slug.
    pub kind: String,
    /// Sum of the reasons' points (see the analysis's table); higher first.
    pub score: f64,
    pub reasons: Vec<ReasonJson>,
}

#[derive(Serialize, ToSchema)]
pub struct GapSuggestionsJson {
    /// The sector no one covers in the state.
    pub sector: String,
    /// Best first, at most five.
    pub suggestions: Vec<SuggestionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionsJson {
    pub municipality: NamedPlace,
    /// One per gap, in sector order.
    pub gaps: Vec<GapSuggestionsJson>,
}

/// For each gap of the municipality, organizations that could bring the
/// sector there, with the evidence: working in it nearby, in the same state,
/// in places with the same migration context, or allied with someone local.
#[utoipa::path(get, path = "/api/v1/municipalities/{cvegeo}/suggestions", tag = "directory",
    params(("cvegeo" = String, Path, description = "INEGI geostatistical key, five digits: the state's two, then the municipality's three", example = "07089", pattern = "^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$")),
    responses((status = 200, body = SuggestionsJson), PathErrors,
        (status = 503, body = ErrorBody, description = "The directory's analysis is being computed (the first seconds after a start); retry shortly")))]
pub async fn suggestions(
    State(app): State<AppState>,
    Id(cvegeo): Id<Cvegeo>,
) -> ApiResult<SuggestionsJson> {
    let (key, municipality) = municipality_of(&app, cvegeo).await?;
    let analysis = directory::require_analysis(&app)?;
    let named = |id: Uuid| NamedRef {
        id,
        name: analysis
            .organization_name(id)
            .unwrap_or_default()
            .to_owned(),
    };
    let gaps = directory::gap_suggestions(&analysis, &key)
        .into_iter()
        .map(|(sector, list)| GapSuggestionsJson {
            sector: sector.slug().to_owned(),
            suggestions: list
                .into_iter()
                .map(|s| SuggestionJson {
                    organization: NamedRef {
                        id: s.organization,
                        name: s.name,
                    },
                    kind: s.kind.slug().to_owned(),
                    score: s.score,
                    reasons: s
                        .reasons
                        .into_iter()
                        .map(|r| match r {
                            Reason::ActiveInSectorNearby {
                                municipality,
                                distance_km,
                            } => ReasonJson::ActiveInSectorNearby {
                                municipality: municipality.to_string(),
                                distance_km,
                            },
                            Reason::ActiveInSectorInState { state } => {
                                ReasonJson::ActiveInSectorInState {
                                    state: state.to_string(),
                                }
                            }
                            Reason::ActiveInSameContext {
                                municipality,
                                context,
                            } => ReasonJson::ActiveInSameContext {
                                municipality: municipality.to_string(),
                                context: context.slug().to_owned(),
                            },
                            Reason::AlliedWithLocalPartner { partner } => {
                                ReasonJson::AlliedWithLocalPartner {
                                    partner: named(partner),
                                }
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    Ok(Json(SuggestionsJson { municipality, gaps }))
}
