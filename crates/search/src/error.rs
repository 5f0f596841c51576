use acoge_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("the search index is in use by another acoge process; stop it first")]
    InUse,
    #[error("search index folder {0}: {1}")]
    Io(String, #[source] std::io::Error),
    #[error("search index state: {0}")]
    State(#[source] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("search interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Synonyms(#[from] crate::synonyms::SynonymError),
    /// The failure of an identical search this one waited for.
    #[error(transparent)]
    Shared(std::sync::Arc<SearchError>),
}
