//! The search index of this instance: opened (or built) at start, then kept
//! fresh by a follower task that stops when the app state is dropped.

use crate::render::i18n::Tr;
use acoge_domain::Lang;
use acoge_search::{Follower, Labels, SearchError, SearchIndex, Source, Synonyms};
use acoge_store::Db;
use std::{path::Path, sync::Arc};
use tokio::sync::watch;

/// Vocabulary labels from the Fluent files, for search documents.
pub struct FluentLabels;

impl Labels for FluentLabels {
    fn label(&self, message_key: &str, lang: Lang) -> String {
        Tr::new(lang).label(message_key)
    }
}

/// Opens the index in `dir` (in memory without one), brings it up to date
/// before the first request, and starts following the outbox.
pub async fn start(
    db: &Db,
    dir: Option<&Path>,
) -> Result<(Arc<SearchIndex>, watch::Sender<bool>), SearchError> {
    let synonyms = Synonyms::built_in()?;
    let index = Arc::new(match dir {
        Some(dir) => SearchIndex::open(dir, synonyms)?,
        None => SearchIndex::in_memory(synonyms)?,
    });
    let source = Source::new(db.clone(), Arc::new(FluentLabels)).await?;
    let mut follower = Follower::new(index.clone(), source).await?;
    if follower.needs_rebuild().await? {
        let started = std::time::Instant::now();
        let documents = follower.rebuild(&mut |_, _| {}).await?;
        tracing::info!(
            documents,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
    }
    follower.catch_up().await?;
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(follower.run(stopped));
    Ok((index, stop))
}
