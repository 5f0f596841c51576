//! Places: the states and municipalities of Mexico (INEGI) with their
//! figures, and the boundaries the maps are drawn from.

use crate::AppState;
use acoge_domain::{
    Cvegeo, StateKey,
    geo::Municipality,
    page::{Page, PageRequest},
};
use acoge_store::{
    ContextEntry, ContextScope, KeyFigures, MunicipalityFilter, StateOverview, StoreError,
};
use std::collections::HashMap;

/// Every state's boundary (GeoJSON geometry as text), by state key.
pub async fn state_boundaries(app: &AppState) -> Result<Vec<(StateKey, String)>, StoreError> {
    app.db.state_boundaries().await
}

/// Every state with its figures, computed once per data version.
pub async fn states(app: &AppState) -> Result<Vec<StateOverview>, StoreError> {
    app.read_models
        .states
        .current(&app.data_version, app.db.states())
        .await
}

/// Every state's key and name (for labels: no counts).
pub async fn state_names(app: &AppState) -> Result<Vec<(StateKey, String)>, StoreError> {
    app.db.state_names().await
}

/// The names of these municipalities, in one query.
pub async fn municipality_names(
    app: &AppState,
    keys: &[Cvegeo],
) -> Result<HashMap<Cvegeo, String>, StoreError> {
    app.db.municipality_names(keys).await
}

/// One state with its figures.
pub async fn state(app: &AppState, key: &StateKey) -> Result<Option<StateOverview>, StoreError> {
    app.db.state(key).await
}

/// A page of municipalities, filtered.
pub async fn municipalities(
    app: &AppState,
    filter: &MunicipalityFilter,
    page: PageRequest,
) -> Result<Page<Municipality>, StoreError> {
    app.db.municipalities(filter, page).await
}

/// One municipality.
pub async fn municipality(
    app: &AppState,
    cvegeo: &Cvegeo,
) -> Result<Option<Municipality>, StoreError> {
    app.db.municipality(cvegeo).await
}

/// Migration contexts of one municipality, or of every municipality of a state.
pub async fn municipal_contexts(
    app: &AppState,
    scope: ContextScope<'_>,
) -> Result<Vec<ContextEntry>, StoreError> {
    app.db.municipal_contexts(scope).await
}

/// The figures of the home page.
pub async fn key_figures(app: &AppState) -> Result<KeyFigures, StoreError> {
    app.db.key_figures().await
}
