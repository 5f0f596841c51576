//! Acoge's search: a local tantivy index per instance, with Spanish and
//! English analyzers and the field's synonyms, kept fresh by following the
//! store's outbox.

pub mod analyzers;
mod any_of;
mod document;
mod error;
mod facet_counter;
mod follower;
mod index;
pub mod query;
pub mod relevance;
mod snippet;
mod source;
mod synonym_phrases;
pub mod synonyms;

pub use document::{FacetKind, SearchDocument, document_key};
pub use error::SearchError;
pub use follower::{Follower, POLL_INTERVAL, RebuildProgress};
pub use index::{
    Hit, IndexState, MAX_FACET_VALUES, SCHEMA_VERSION, SearchIndex, SearchRequest, SearchResults,
};
pub use query::Notice;
pub use snippet::Snippet;
pub use source::{Change, Labels, Source};
pub use synonyms::Synonyms;
