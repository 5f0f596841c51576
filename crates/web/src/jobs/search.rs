//! The search index of this instance: opened at start and kept fresh by a
//! follower task that stops when the app state is dropped. An index that must
//! be (re)built is built by that task after the server listens (31 s at
//! 100,000 practices): meanwhile searches answer from the index as it was
//! (empty when new) and say so, and `/healthz` stays up.

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

/// How far the index has come, as the follower reports it.
#[derive(Clone)]
pub struct SearchStatus {
    applied: watch::Receiver<i64>,
    building: watch::Receiver<bool>,
}

impl SearchStatus {
    /// Whether the index is being (re)built, so results may be missing.
    pub fn building(&self) -> bool {
        *self.building.borrow()
    }

    /// What search answers were built from: the outbox position the index
    /// reached, and whether it is still being built. The page cache keys
    /// search pages by it (the index follows the outbox a moment behind).
    pub fn version(&self) -> (i64, bool) {
        (*self.applied.borrow(), self.building())
    }

    /// Returns once no build is under way (at once when none is).
    pub async fn ready(&self) {
        let mut building = self.building.clone();
        // An error means the follower is gone: nothing more will change.
        let _ = building.wait_for(|b| !*b).await;
    }
}

/// Opens the index in `dir` (in memory without one) and starts following
/// the outbox. With `wait`, an index that needs building is built before
/// this returns (tests, the in-memory index); otherwise the follower task
/// builds it.
pub async fn start(
    db: &Db,
    dir: Option<&Path>,
    wait: bool,
) -> Result<(Arc<SearchIndex>, SearchStatus, watch::Sender<bool>), SearchError> {
    let synonyms = Synonyms::built_in()?;
    let index = Arc::new(match dir {
        Some(dir) => SearchIndex::open(dir, synonyms)?,
        None => SearchIndex::in_memory(synonyms)?,
    });
    let source = Source::new(db.clone(), Arc::new(FluentLabels)).await?;
    let mut follower = Follower::new(index.clone(), source).await?;
    let status = SearchStatus {
        applied: follower.applied(),
        building: follower.building(),
    };
    if follower.needs_rebuild().await? {
        if wait {
            let started = std::time::Instant::now();
            let documents = follower.rebuild(&mut |_, _| {}).await?;
            tracing::info!(
                documents,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "search index built"
            );
        } else {
            tracing::info!("search index will be built in the background");
            follower.announce_rebuild();
        }
    }
    if wait {
        follower.catch_up().await?;
    }
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(follower.run(stopped));
    Ok((index, status, stop))
}
