//! Read models that every request at one data version shares: computed by
//! the first request that needs them after a write, while the others that
//! arrive meanwhile wait for that one computation instead of repeating it.

use crate::jobs::data_version::DataVersion;
use acoge_domain::{
    organization::Organization,
    page::{Page, PageRequest},
};
use acoge_store::{
    AllianceRecord, Facets, OrganizationFilter, PracticeFilter, PracticeRecord, PracticeSort,
    ServiceFilter, ServiceRecord,
};
use std::{
    future::Future,
    hash::Hash,
    sync::{Arc, Mutex},
};
use tokio::sync::OnceCell;

/// The value of one data version, or the load of it under way.
type Slot<V> = (i64, Arc<OnceCell<Arc<V>>>);

/// One value, valid at one data version (the outbox head).
pub struct Memo<V> {
    slot: Mutex<Option<Slot<V>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }
}

impl<V> Memo<V> {
    /// The value at `version`, loaded by `load` once for it (`load` is
    /// polled only when no other request has the value or is loading it).
    /// A failed load is not kept: the next caller tries again.
    pub async fn get_or_load<E>(
        &self,
        version: i64,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        let cell = {
            // Poisoning only means another request panicked while swapping
            // two Arcs: the slot is still whole.
            let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
            match &*slot {
                Some((kept, cell)) if *kept == version => Some(Arc::clone(cell)),
                // A request that read an older version than the one kept
                // must not replace the newer value: it loads for itself.
                Some((kept, _)) if *kept > version => None,
                _ => {
                    let cell = Arc::new(OnceCell::new());
                    *slot = Some((version, Arc::clone(&cell)));
                    Some(cell)
                }
            }
        };
        let Some(cell) = cell else {
            return load.await.map(Arc::new);
        };
        cell.get_or_try_init(|| async { load.await.map(Arc::new) })
            .await
            .map(Arc::clone)
    }
}

impl<V: Clone> Memo<V> {
    /// A copy of the value at the data version now, loaded once for it.
    pub async fn current<E>(
        &self,
        version: &DataVersion,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E> {
        let kept = self.get_or_load(version.current().await, load).await?;
        Ok(V::clone(&kept))
    }
}

/// One memo per key (a filter and page, say), for at most `capacity` keys:
/// the keys read least often give way (moka's TinyLFU), so a flood of
/// one-time keys cannot push out the ones read all the time.
pub struct KeyedMemo<K, V> {
    memos: moka::sync::Cache<K, Arc<Memo<V>>>,
}

impl<K, V> KeyedMemo<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    pub fn new(capacity: u64) -> Self {
        Self {
            memos: moka::sync::Cache::new(capacity),
        }
    }

    /// The value of `key` at `version`, loaded by `load` once for both.
    async fn get_or_load<E>(
        &self,
        key: K,
        version: i64,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<Arc<V>, E> {
        let memo = self.memos.get_with(key, Arc::default);
        memo.get_or_load(version, load).await
    }

    /// A copy of the value of `key` at the data version now.
    pub async fn current<E>(
        &self,
        key: K,
        version: &DataVersion,
        load: impl Future<Output = Result<V, E>>,
    ) -> Result<V, E>
    where
        V: Clone,
    {
        let kept = self.get_or_load(key, version.current().await, load).await?;
        Ok(V::clone(&kept))
    }
}

/// Keys of the practice lists kept: filter, order and page.
pub type PracticeListKey = (PracticeFilter, PracticeSort, PageRequest);

/// The memos of the application, one per read model worth sharing: each is
/// read by many page types, by visitors and members alike, and costs a
/// pass over a large table or several queries.
pub struct ReadModels {
    /// Every state with its counts (the state list, and the state filter
    /// of the directory, practice and legal pages).
    pub states: Memo<Vec<acoge_store::StateOverview>>,
    /// The harmonization tracker (its page, map and API).
    pub harmonization: Memo<super::legal_framework::Harmonization>,
    /// Every legal provision with its rights and levels (the legal pages,
    /// the responsibilities matrix, each practice's legal basis).
    pub provisions: Memo<Vec<acoge_domain::legal::Provision>>,
    /// Pages of published practices (lists, place pages, the API).
    pub practices: KeyedMemo<PracticeListKey, Page<PracticeRecord>>,
    /// The same with their facet counts (the list page).
    pub practices_with_facets: KeyedMemo<PracticeListKey, (Page<PracticeRecord>, Facets)>,
    /// Pages of the directory's services.
    pub services: KeyedMemo<(ServiceFilter, PageRequest), Page<ServiceRecord>>,
    /// Pages of the directory's organizations.
    pub organizations: KeyedMemo<(OrganizationFilter, PageRequest), Page<Organization>>,
    /// Pages of the alliance list, by page and the analysis's position.
    pub alliances: KeyedMemo<(PageRequest, i64), Page<AllianceRecord>>,
}

/// Keys kept per kind of list: a list page holds up to 20 practices of a
/// few kilobytes each, so 128 of them stay within a few megabytes.
const LISTS_KEPT: u64 = 128;

impl Default for ReadModels {
    fn default() -> Self {
        Self {
            states: Memo::default(),
            harmonization: Memo::default(),
            provisions: Memo::default(),
            practices: KeyedMemo::new(LISTS_KEPT),
            practices_with_facets: KeyedMemo::new(LISTS_KEPT),
            services: KeyedMemo::new(LISTS_KEPT),
            organizations: KeyedMemo::new(LISTS_KEPT),
            alliances: KeyedMemo::new(LISTS_KEPT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn loads_once_per_version_and_retries_after_a_failure() {
        let memo: Memo<usize> = Memo::default();
        let loads = AtomicUsize::new(0);
        let load = || async { Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst) + 1) };
        assert_eq!(*memo.get_or_load(1, load()).await.unwrap(), 1);
        assert_eq!(*memo.get_or_load(1, load()).await.unwrap(), 1);
        assert_eq!(*memo.get_or_load(2, load()).await.unwrap(), 2);
        // An older reader loads for itself and leaves version 2 in place.
        assert_eq!(*memo.get_or_load(1, load()).await.unwrap(), 3);
        assert_eq!(*memo.get_or_load(2, load()).await.unwrap(), 2);
        let failed = memo.get_or_load(3, async { Err::<usize, _>("down") }).await;
        assert_eq!(failed.unwrap_err(), "down");
        assert_eq!(*memo.get_or_load(3, load()).await.unwrap(), 4);
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_load() {
        let memo: Arc<Memo<usize>> = Arc::default();
        let loads = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (memo, loads) = (Arc::clone(&memo), Arc::clone(&loads));
            tasks.push(tokio::spawn(async move {
                *memo
                    .get_or_load(7, async {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(loads.fetch_add(1, Ordering::SeqCst))
                    })
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), 0);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }
}
