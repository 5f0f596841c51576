//! The outbox: every change to something a visitor can see writes a row here
//! in the same transaction, so followers never miss a change and never see
//! one that was rolled back. Its newest position is the data version: the
//! search index follows the records it holds (and skips the other entities),
//! and each instance's page cache is keyed by it.
//!
//! Followers learn that something changed in two ways: an in-process signal
//! sent after a commit of this process, and on PostgreSQL a NOTIFY sent by a
//! trigger when any instance commits (migration 0005). Both only wake the
//! follower; the outbox itself is the truth, so a lost signal costs at most
//! one poll interval.

use crate::{
    Db, StoreError,
    db::{Tx, dispatch},
    time::DbTime,
};
use sqlx::postgres::PgListener;
use std::{sync::OnceLock, time::Duration};
use tokio::sync::watch;

/// Appends an outbox row (an upsert of `entity` `id`) inside the caller's
/// transaction.
pub(crate) async fn record_change(
    tx: impl Into<Tx<'_>>,
    entity: &str,
    id: impl std::fmt::Display,
    now: DbTime,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query(
            "INSERT INTO outbox (entity, entity_id, operation, recorded_at)
             VALUES ($1, $2, 'upsert', $3)",
        )
        .bind(entity)
        .bind(id.to_string())
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The PostgreSQL channel the outbox trigger notifies.
const CHANNEL: &str = "acoge_outbox";

/// One row of the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    pub position: i64,
    pub entity: String,
    pub entity_id: String,
}

/// Counts commits of this process that wrote to the outbox; followers watch it.
fn local_changes() -> &'static watch::Sender<u64> {
    static CHANGES: OnceLock<watch::Sender<u64>> = OnceLock::new();
    CHANGES.get_or_init(|| watch::channel(0).0)
}

/// Tells this process's followers that a transaction with outbox rows committed.
pub(crate) fn announce() {
    local_changes().send_modify(|count| *count = count.wrapping_add(1));
}

/// Commits a transaction that wrote outbox rows, then tells this process's
/// followers (`announce`): the one way such a transaction ends, so no
/// change waits for the next poll.
pub(crate) async fn commit_and_announce<DB: sqlx::Database>(
    tx: sqlx::Transaction<'_, DB>,
) -> Result<(), StoreError> {
    tx.commit().await?;
    announce();
    Ok(())
}

/// Why a follower woke up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// This process committed a change.
    Local,
    /// Another connection (possibly another instance) committed a change.
    Remote,
    /// Nothing was heard within the poll interval.
    Poll,
}

/// Waits for news of changes: in process always, and by LISTEN on PostgreSQL.
pub struct ChangeFeed {
    local: watch::Receiver<u64>,
    remote: Option<PgListener>,
}

impl ChangeFeed {
    /// Returns when a change may have been committed, or after `poll`.
    pub async fn wait(&mut self, poll: Duration) -> Wake {
        let local = self.local.changed();
        let remote = async {
            match self.remote.as_mut() {
                Some(listener) => match listener.recv().await {
                    Ok(_) => Wake::Remote,
                    Err(error) => {
                        // The listener reconnects on its next call; until
                        // then the poll interval keeps the index fresh.
                        tracing::warn!(%error, "outbox notifications interrupted");
                        tokio::time::sleep(poll).await;
                        Wake::Poll
                    }
                },
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            changed = local => match changed {
                Ok(()) => Wake::Local,
                // The sender is a static that never drops; wait out the poll anyway.
                Err(_) => { tokio::time::sleep(poll).await; Wake::Poll }
            },
            wake = remote => wake,
            () = tokio::time::sleep(poll) => Wake::Poll,
        }
    }
}

/// A follower's subscription to news of changes, kept across its loop: it
/// subscribes before each read of the outbox (a no-op once subscribed, so
/// a change committed in between still wakes the next `wait`), and polls
/// while it cannot subscribe.
#[derive(Default)]
pub struct ChangeWatch {
    feed: Option<ChangeFeed>,
}

impl ChangeWatch {
    /// Subscribes unless subscribed already. A failure is logged, naming
    /// the `follower`, and tried again at the next call.
    pub async fn subscribe(&mut self, db: &Db, follower: &str) {
        if self.feed.is_none() {
            match db.change_feed().await {
                Ok(feed) => self.feed = Some(feed),
                Err(error) => {
                    tracing::warn!(%error, "{follower}: no change notifications; polling")
                }
            }
        }
    }

    /// Returns when a change may have been committed, or after `poll`.
    pub async fn wait(&mut self, poll: Duration) {
        match self.feed.as_mut() {
            Some(feed) => {
                feed.wait(poll).await;
            }
            None => tokio::time::sleep(poll).await,
        }
    }
}

impl Db {
    /// How many transactions with outbox rows this process has committed (of
    /// any database). It moves before the writing call returns, so a cache
    /// keyed by it and the outbox head never serves what a write of this
    /// process has just changed, even before any follower woke up.
    pub fn local_commits(&self) -> u64 {
        *local_changes().borrow()
    }

    /// The position of the newest outbox row (0 when empty).
    pub async fn outbox_head(&self) -> Result<i64, StoreError> {
        let head = dispatch!(self, |pool| {
            sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(position) FROM outbox")
                .fetch_one(pool)
                .await?
        });
        Ok(head.unwrap_or(0))
    }

    /// Up to `limit` outbox rows after `position`, oldest first.
    pub async fn outbox_after(
        &self,
        position: i64,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        Ok(dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT position, entity, entity_id FROM outbox WHERE position > $1
                 ORDER BY position LIMIT $2",
            )
            .bind(position)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Subscribes to news of changes. Call before reading the outbox, so a
    /// change committed in between still wakes the next `wait`.
    pub async fn change_feed(&self) -> Result<ChangeFeed, StoreError> {
        let mut local = local_changes().subscribe();
        local.mark_unchanged();
        let remote = match self {
            Db::Sqlite(_) => None,
            Db::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(CHANNEL).await?;
                Some(listener)
            }
        };
        Ok(ChangeFeed { local, remote })
    }
}
