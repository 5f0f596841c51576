//! The data version of this instance: the outbox head it has seen, kept in
//! memory so a request reads it without a query. A small task follows the
//! outbox (woken by this process's commits, by LISTEN on PostgreSQL when any
//! instance commits, and every few seconds otherwise) and only ever moves the
//! version forward.
//!
//! A commit of this process must be visible at once, before its response is
//! sent, so a visitor sent back after a write sees it: the store counts this
//! process's commits (the count moves before the writing call returns), and
//! `current` reads the head again whenever that count moved since the last
//! read. The follower is then only needed for other instances' commits.

use acoge_store::{ChangeWatch, Db};
use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::watch;

/// How often the outbox is read when no notification came.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// The version, shared by the requests and the follower task.
pub struct DataVersion {
    db: Db,
    head: AtomicI64,
    /// The store's count of this process's commits when the head was last
    /// read after it.
    refreshed_at: AtomicU64,
}

impl DataVersion {
    /// The version now: the head as known, read again first when this
    /// process committed since it was last read (one indexed query).
    pub async fn current(&self) -> i64 {
        let local = self.db.local_commits();
        if local > self.refreshed_at.load(Ordering::Acquire) {
            // Read after `local` was taken: the head includes every commit
            // it counts. Requests racing here each read; all are right.
            self.refresh().await;
            self.refreshed_at.fetch_max(local, Ordering::AcqRel);
        }
        self.known()
    }

    /// The head as known, without reading anything (the follower's view).
    pub fn known(&self) -> i64 {
        self.head.load(Ordering::Acquire)
    }

    /// Moves the head forward to `head` (never back: a slow reader must not
    /// undo a newer one).
    fn advance(&self, head: i64) {
        self.head.fetch_max(head, Ordering::AcqRel);
    }

    /// Reads the outbox head now; for callers that must not wait for the
    /// follower (a write whose response must show it). Errors keep the
    /// version as it was: the follower retries.
    pub async fn refresh(&self) {
        match self.db.outbox_head().await {
            Ok(head) => self.advance(head),
            Err(error) => tracing::warn!(%error, "data version: outbox head unreadable"),
        }
    }
}

/// Reads the head once, then follows the outbox until `stopped` fires or its
/// sender is dropped.
pub async fn start(
    db: &Db,
    stopped: watch::Receiver<()>,
) -> Result<Arc<DataVersion>, acoge_store::StoreError> {
    let refreshed_at = db.local_commits();
    let version = Arc::new(DataVersion {
        db: db.clone(),
        head: AtomicI64::new(db.outbox_head().await?),
        refreshed_at: AtomicU64::new(refreshed_at),
    });
    tokio::spawn(follow(version.clone(), stopped));
    Ok(version)
}

async fn follow(version: Arc<DataVersion>, mut stopped: watch::Receiver<()>) {
    let mut changes = ChangeWatch::default();
    loop {
        // Subscribed before the head is read, so a commit in between still
        // wakes the next wait.
        changes.subscribe(&version.db, "data version").await;
        version.refresh().await;
        tokio::select! {
            () = changes.wait(POLL_INTERVAL) => {}
            _ = stopped.changed() => return,
        }
    }
}
