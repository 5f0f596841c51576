//! Deletes what has run out (rate-limit counters whose window ended, expired
//! sessions) in small batches every few minutes, so those tables stay the
//! size of the live community whatever is thrown at the log-in form.

use acoge_domain::Timestamp;
use acoge_store::Db;
use std::time::Duration;
use tokio::sync::watch;

const EVERY: Duration = Duration::from_secs(600);
/// Rows per statement: short transactions that never hold writers back.
const BATCH: i64 = 1000;
/// Batches per round at most; what is left waits for the next round.
const MAX_BATCHES: usize = 100;

pub fn spawn(db: Db, mut stop: watch::Receiver<()>) {
    tokio::spawn(async move {
        loop {
            purge(&db).await;
            tokio::select! {
                () = tokio::time::sleep(EVERY) => {}
                // The sender is dropped with the last AppState.
                _ = stop.changed() => return,
            }
        }
    });
}

async fn purge(db: &Db) {
    let now = Timestamp::now();
    for _ in 0..MAX_BATCHES {
        match db.purge_expired(now, BATCH).await {
            Ok((counters, sessions)) if counters + sessions > 0 => {
                tracing::debug!(counters, sessions, "expired rows deleted");
            }
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(%error, "housekeeping failed; will try again");
                return;
            }
        }
    }
}
