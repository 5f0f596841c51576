//! States and municipalities of Mexico (INEGI), with their figures and
//! migration contexts.

use super::{
    error::ApiResult,
    openapi::{DeepPaging, PathErrors, QueryErrors},
    schema::{MunicipalityJson, MunicipalityList, StateJson, StateList, page_of},
};
use crate::{
    AppState,
    app::places,
    http::ids::Id,
    http::params::{ParamError, Params, existing_page},
};
use acoge_domain::{Cvegeo, StateKey, page::PageRequest, taxonomy::MigrationContext};
use acoge_store::{ContextScope, MunicipalityFilter};
use axum::{
    Json,
    extract::{RawQuery, State},
};

use super::ApiError;

/// The 32 states with their figures.
#[utoipa::path(get, path = "/api/v1/states", tag = "places",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1; lists go 10,000 items deep at most (page × per_page), and a page past the last is a 400 naming `page`", minimum = 1, maximum = 10000),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 50)", minimum = 1, maximum = 100)
    ),
    responses((status = 200, body = StateList), QueryErrors))]
pub async fn list_states(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<StateList> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(50)?;
    let all = places::states(&app).await?;
    let total = all.len() as u64;
    existing_page(request, total).map_err(ParamError::from)?;
    let items = all
        .into_iter()
        .skip(usize::try_from(request.offset()).unwrap_or(usize::MAX))
        .take(request.per_page as usize)
        .map(StateJson::from)
        .collect();
    Ok(Json(StateList::new(total, request, items)))
}

/// One state by its INEGI key.
#[utoipa::path(get, path = "/api/v1/states/{cve_ent}", tag = "places",
    params(("cve_ent" = String, Path, description = "INEGI state key, two digits from 01 to 32", example = "07", pattern = "^(0[1-9]|[12][0-9]|3[0-2])$")),
    responses((status = 200, body = StateJson), PathErrors))]
pub async fn get_state(State(app): State<AppState>, Id(key): Id<StateKey>) -> ApiResult<StateJson> {
    let state = places::state(&app, &key)
        .await?
        .ok_or_else(|| ApiError::not_found("no state with that key"))?;
    Ok(Json(state.into()))
}

/// Municipalities, filtered by state, migration context or name.
#[utoipa::path(get, path = "/api/v1/municipalities", tag = "places",
    params(
        ("state" = Option<String>, Query, description = "INEGI state key, e.g. 07"),
        ("context" = Option<String>, Query, description = "Migration context: frontera_norte, frontera_sur, transito, punto_repatriacion_inm, oficina_comar, integracion_local_acnur, retorno_mpp"),
        ("q" = Option<String>, Query, description = "Part of the name; accents and case are ignored"),
        DeepPaging
    ),
    responses((status = 200, body = MunicipalityList), QueryErrors))]
pub async fn list_municipalities(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<MunicipalityList> {
    let params = Params::parse(query.as_deref())?;
    let filter = MunicipalityFilter {
        state: params.parse_with("state", StateKey::parse)?,
        context: params.parse_with("context", MigrationContext::parse)?,
        name: params.get("q").map(str::to_owned),
    };
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let page = places::municipalities(&app, &filter, request).await?;
    existing_page(request, page.total).map_err(ParamError::from)?;
    let (total, request, items) = page_of(page, request, MunicipalityJson::from);
    Ok(Json(MunicipalityList::new(total, request, items)))
}

/// One municipality by its CVEGEO, with its migration contexts.
#[utoipa::path(get, path = "/api/v1/municipalities/{cvegeo}", tag = "places",
    params(("cvegeo" = String, Path, description = "INEGI geostatistical key, five digits: the state's two, then the municipality's three", example = "07089", pattern = "^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$")),
    responses((status = 200, body = MunicipalityJson), PathErrors))]
pub async fn get_municipality(
    State(app): State<AppState>,
    Id(key): Id<Cvegeo>,
) -> ApiResult<MunicipalityJson> {
    let missing = || ApiError::not_found("no municipality with that CVEGEO");
    let municipality = places::municipality(&app, &key)
        .await?
        .ok_or_else(missing)?;
    let contexts = places::municipal_contexts(&app, ContextScope::Municipality(&key)).await?;
    let mut json = MunicipalityJson::from(municipality);
    json.migration_contexts = Some(contexts.into_iter().map(Into::into).collect());
    Ok(Json(json))
}
