//! Searching everything public: the index is queried off the async threads.

use crate::AppState;
use acoge_search::SearchError;
use acoge_store::{SearchableMunicipality, StoreError};

/// Runs a search off the async threads (ranking is CPU work).
pub async fn run(
    app: &AppState,
    request: acoge_search::SearchRequest,
) -> Result<acoge_search::SearchResults, SearchError> {
    let index = app.search.clone();
    // Closed only when the state is dropped, so no request is left waiting.
    let _slot = app.search_slots.acquire().await;
    match tokio::task::spawn_blocking(move || index.search(&request)).await {
        Ok(result) => result,
        Err(join) => Err(SearchError::Interrupted(join.to_string())),
    }
}

/// The municipalities with these keys, with their state's name and contexts.
pub async fn searchable_municipalities(
    app: &AppState,
    keys: &[String],
) -> Result<Vec<SearchableMunicipality>, StoreError> {
    app.db.searchable_municipalities(keys).await
}
