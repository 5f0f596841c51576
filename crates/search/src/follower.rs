//! Keeps the local index in step with the database: reads the outbox after
//! the index's cursor, rebuilds the documents of what changed, and commits
//! them together with the new cursor. One follower per instance; every
//! instance of a PostgreSQL deployment has its own index and follower.

use crate::{
    SearchError, SearchIndex,
    index::{IndexState, SCHEMA_VERSION},
    source::Source,
};
use acoge_store::{ChangeWatch, OutboxEntry, SearchableKind};
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use tokio::sync::watch;

/// Outbox rows read per step.
const BATCH: u32 = 1000;
/// Records loaded and indexed per step of a rebuild.
const REBUILD_CHUNK: usize = 1000;
/// How often the follower looks at the outbox when no signal came.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The settings row naming this database (its id outlives restarts and
/// tells an index built from another database apart).
const DATABASE_ID_SETTING: &str = "search.database_id";

pub struct Follower {
    index: Arc<SearchIndex>,
    source: Source,
    database: String,
    /// The cursor of the last commit, published for health checks and tests.
    applied: watch::Sender<i64>,
    /// Whether a rebuild is under way (searches meanwhile see the index as
    /// it was before it began: empty for a new index).
    building: watch::Sender<bool>,
    /// The last outbox position read, when it is past the index's cursor
    /// because the rows after that held only entities the index does not
    /// hold (contributions, registrations, ...): those need no commit, and
    /// are not read again until the next one.
    skipped_to: i64,
}

/// How a rebuild is going: records done of the total.
pub type RebuildProgress<'a> = &'a mut (dyn FnMut(u64, u64) + Send);

impl Follower {
    pub async fn new(index: Arc<SearchIndex>, source: Source) -> Result<Follower, SearchError> {
        let database = source
            .db()
            .shared_secret(DATABASE_ID_SETTING, &uuid::Uuid::now_v7().to_string())
            .await?;
        let cursor = index.state().map_or(0, |s| s.cursor);
        Ok(Follower {
            index,
            source,
            database,
            applied: watch::channel(cursor).0,
            building: watch::channel(false).0,
            skipped_to: cursor,
        })
    }

    /// The outbox position the index has reached, as it changes.
    pub fn applied(&self) -> watch::Receiver<i64> {
        self.applied.subscribe()
    }

    /// Whether a rebuild is under way, as it changes.
    pub fn building(&self) -> watch::Receiver<bool> {
        self.building.subscribe()
    }

    /// Says a rebuild is coming before the task that runs it starts, so a
    /// search answered in between already says the index is being built.
    pub fn announce_rebuild(&self) {
        self.building.send_replace(true);
    }

    fn state(&self, cursor: i64) -> IndexState {
        IndexState {
            version: SCHEMA_VERSION,
            synonyms: self.index.synonyms_digest(),
            database: self.database.clone(),
            cursor,
        }
    }

    /// Whether the index must be rebuilt before it can follow: it is new,
    /// was built from another database, or is ahead of this database's
    /// outbox (the database was restored from an older backup).
    pub async fn needs_rebuild(&self) -> Result<bool, SearchError> {
        let Some(state) = self.index.state() else {
            return Ok(true);
        };
        let head = self.source.db().outbox_head().await?;
        Ok(state.database != self.database
            || state.version != SCHEMA_VERSION
            || state.synonyms != self.index.synonyms_digest()
            || state.cursor > head)
    }

    /// Rebuilds the whole index from the database. Changes committed while
    /// it runs are applied by the next `catch_up`, since the cursor saved is
    /// the outbox head read before the first record.
    pub async fn rebuild(&mut self, progress: RebuildProgress<'_>) -> Result<u64, SearchError> {
        // Stays true if the rebuild fails: the next step tries again.
        self.building.send_replace(true);
        let head = self.source.db().outbox_head().await?;
        self.source.refresh_places().await?;
        let mut ids = Vec::new();
        for kind in SearchableKind::ALL {
            for id in self.source.db().searchable_ids(kind).await? {
                ids.push((kind, id));
            }
        }
        let total = ids.len() as u64;
        progress(0, total);
        off_runtime(&self.index, SearchIndex::begin_rebuild).await?;
        let mut done = 0u64;
        for kind in SearchableKind::ALL {
            let of_kind: Vec<String> = ids
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| id.clone())
                .collect();
            for chunk in of_kind.chunks(REBUILD_CHUNK) {
                let documents: Vec<_> = self
                    .source
                    .changes(kind, chunk)
                    .await?
                    .into_iter()
                    .filter_map(|(_, _, document)| document)
                    .collect();
                off_runtime(&self.index, move |index| index.add(&documents)).await?;
                done += chunk.len() as u64;
                progress(done, total);
            }
        }
        let state = self.state(head);
        off_runtime(&self.index, move |index| index.finish(&state)).await?;
        self.skipped_to = head;
        self.applied.send_replace(head);
        self.building.send_replace(false);
        Ok(self.index.len())
    }

    /// Applies every outbox row after the index's cursor; returns how many.
    pub async fn catch_up(&mut self) -> Result<u64, SearchError> {
        let mut cursor = self
            .index
            .state()
            .map_or(0, |s| s.cursor)
            .max(self.skipped_to);
        let mut applied = 0u64;
        loop {
            let entries = self.source.db().outbox_after(cursor, BATCH).await?;
            let Some(last) = entries.last().map(|e| e.position) else {
                break;
            };
            self.apply(&entries, last).await?;
            applied += entries.len() as u64;
            cursor = last;
        }
        Ok(applied)
    }

    async fn apply(&mut self, entries: &[OutboxEntry], last: i64) -> Result<(), SearchError> {
        let mut by_kind: BTreeMap<SearchableKind, Vec<String>> = BTreeMap::new();
        for entry in entries {
            // Kinds the index does not hold (yet) are skipped, not errors.
            if let Some(kind) = SearchableKind::from_entity(&entry.entity) {
                let ids = by_kind.entry(kind).or_default();
                if !ids.contains(&entry.entity_id) {
                    ids.push(entry.entity_id.clone());
                }
            }
        }
        if by_kind.is_empty() {
            self.skipped_to = last;
            self.applied.send_replace(last);
            return Ok(());
        }
        if by_kind.contains_key(&SearchableKind::Municipality) {
            self.source.refresh_places().await?;
        }
        let mut changes = Vec::new();
        for (kind, ids) in by_kind {
            changes.extend(self.source.changes(kind, &ids).await?);
        }
        let state = self.state(last);
        off_runtime(&self.index, move |index| index.apply(&changes, &state)).await?;
        self.skipped_to = last;
        self.applied.send_replace(last);
        Ok(())
    }

    /// Rebuilds if needed, then follows the outbox until `shutdown` fires.
    /// Errors are logged and retried after the poll interval: a database
    /// that is briefly away must not stop the index for good.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut changes = ChangeWatch::default();
        loop {
            if *shutdown.borrow() {
                return;
            }
            changes.subscribe(self.source.db(), "search").await;
            if let Err(error) = self.step().await {
                tracing::error!(%error, "search index update failed; retrying");
            }
            tokio::select! {
                () = changes.wait(POLL_INTERVAL) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn step(&mut self) -> Result<(), SearchError> {
        if self.needs_rebuild().await? {
            let started = std::time::Instant::now();
            let documents = self.rebuild(&mut |_, _| {}).await?;
            tracing::info!(
                documents,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "search index rebuilt"
            );
        }
        self.catch_up().await?;
        Ok(())
    }
}

/// Runs a step of the index writer (adding, committing, merging: CPU work
/// and fsyncs) on the blocking pool: on one of the async threads, a small
/// server's requests would wait behind each commit.
async fn off_runtime<T, F>(index: &Arc<SearchIndex>, step: F) -> Result<T, SearchError>
where
    F: FnOnce(&SearchIndex) -> Result<T, SearchError> + Send + 'static,
    T: Send + 'static,
{
    let index = index.clone();
    tokio::task::spawn_blocking(move || step(&index))
        .await
        .map_err(|join| SearchError::Interrupted(join.to_string()))?
}
