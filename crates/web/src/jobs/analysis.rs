//! The directory's analyses (alliance network, its drawing, coverage and
//! partner suggestions), computed beside the requests: a worker follows the
//! outbox, reads the facts, analyses them on the blocking pool and publishes
//! the result in one swap. Requests read the last result and never wait for
//! the next; before the first one exists (the first seconds after a start)
//! they get `None` and say the analysis is being computed.
//!
//! While writes keep coming, the worker recomputes at most once per
//! `MIN_INTERVAL`; the first change after a quiet spell is picked up at once.
//!
//! The analysis itself runs on one thread of its own, always the same: the
//! memory of one run is then reused by the next, where the blocking pool's
//! changing threads (each with its allocator arena) made the resident size
//! grow with every run.

use crate::render::network_svg::FRAME;
use acoge_analysis::{DirectoryAnalysis, Facts};
use acoge_store::{Db, StoreError};
use std::{
    sync::{Arc, PoisonError, RwLock},
    time::{Duration, Instant},
};
use tokio::sync::{oneshot, watch};

/// Organizations the network's picture shows: the most connected.
pub const DRAWN: usize = 60;
/// At most one computation per this while writes keep coming.
const MIN_INTERVAL: Duration = Duration::from_secs(2);
/// How often the outbox is looked at when no signal came (a lost signal,
/// another instance on SQLite).
const POLL: Duration = Duration::from_secs(10);
/// Wait after a failed computation before the next try.
const RETRY: Duration = Duration::from_secs(10);

/// One computation of the analyses and the outbox position it reflects.
pub struct Analysis {
    /// The outbox position read before the facts: the result includes every
    /// change up to it.
    pub position: i64,
    /// Shared with the next `Analysis` when the changes between them were
    /// none of its facts.
    pub directory: Arc<DirectoryAnalysis>,
}

impl std::ops::Deref for Analysis {
    type Target = DirectoryAnalysis;

    fn deref(&self) -> &DirectoryAnalysis {
        &self.directory
    }
}

type Slot = Arc<RwLock<Option<Arc<Analysis>>>>;

/// The last published analysis, shared by every request of this instance.
/// Dropping it (with the last clone of the app state) stops the worker.
pub struct AnalysisCache {
    latest: Slot,
    _stop: watch::Sender<()>,
}

impl AnalysisCache {
    /// Starts the worker on the current runtime; the first result follows
    /// in the background.
    pub fn start(db: Db) -> Self {
        let latest: Slot = Arc::default();
        let (stop, stopped) = watch::channel(());
        tokio::spawn(run(db, latest.clone(), stopped));
        Self {
            latest,
            _stop: stop,
        }
    }

    /// The last result, or `None` while the first is being computed. Never
    /// waits. Inside [`noting_reads`], notes the result's position.
    pub fn latest(&self) -> Option<Arc<Analysis>> {
        let latest = self.current();
        if let Some(analysis) = &latest {
            // Outside a noting scope there is nothing to note.
            let _ = READ_AT.try_with(|read| read.set(Some(analysis.position)));
        }
        latest
    }

    fn current(&self) -> Option<Arc<Analysis>> {
        self.latest
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The outbox position of the last result (None before the first), for
    /// whoever caches what is made of it.
    pub fn position(&self) -> Option<i64> {
        self.current().map(|a| a.position)
    }
}

tokio::task_local! {
    /// The position of the analysis the current request read, if it read one.
    static READ_AT: std::cell::Cell<Option<i64>>;
}

/// Runs `future` (a request) and says which analysis it read, if any: the
/// page cache keeps a page made from an analysis only while that analysis
/// is the last one, and every other page whatever the analysis does.
pub async fn noting_reads<F: Future>(future: F) -> (F::Output, Option<i64>) {
    READ_AT
        .scope(std::cell::Cell::new(None), async move {
            let output = future.await;
            (output, READ_AT.with(std::cell::Cell::get))
        })
        .await
}

async fn run(db: Db, latest: Slot, mut stopped: watch::Receiver<()>) {
    // Subscribe before the first read, so a change committed meanwhile still
    // wakes the loop.
    let mut feed = loop {
        match db.change_feed().await {
            Ok(feed) => break feed,
            Err(error) => {
                tracing::warn!(%error, "analysis: cannot follow the outbox yet");
                tokio::select! {
                    () = tokio::time::sleep(RETRY) => {}
                    _ = stopped.changed() => return,
                }
            }
        }
    };
    let analyst = Analyst::start();
    let mut last_start: Option<Instant> = None;
    loop {
        let published = latest
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let pause = match db.outbox_head().await {
            Ok(head) if published.as_ref().map(|a| a.position) != Some(head) => {
                if let Some(last) = unchanged_facts(&db, published, head).await {
                    // Nothing it reads changed: the same analysis, at `head`.
                    let moved = Arc::new(Analysis {
                        position: head,
                        directory: Arc::clone(&last.directory),
                    });
                    *latest.write().unwrap_or_else(PoisonError::into_inner) = Some(moved);
                    continue;
                }
                if let Some(wait) = last_start.and_then(|t| MIN_INTERVAL.checked_sub(t.elapsed())) {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        _ = stopped.changed() => return,
                    }
                }
                last_start = Some(Instant::now());
                match compute(&db, &analyst, head).await {
                    Ok(analysis) => {
                        tracing::info!(
                            position = head,
                            elapsed_ms = last_start.map_or(0, |t| t.elapsed().as_millis() as u64),
                            organizations = analysis.organizations().len(),
                            alliances = analysis.alliances().len(),
                            sampled_sources = analysis.network.sampled_sources,
                            "directory analysis published"
                        );
                        let replaced = latest
                            .write()
                            .unwrap_or_else(PoisonError::into_inner)
                            .replace(Arc::new(analysis));
                        // Freeing a whole analysis (every alliance and
                        // measure) is CPU work too: not on an async thread.
                        tokio::task::spawn_blocking(move || drop(replaced));
                        // Look at the outbox again at once: writes may have
                        // landed while this one was computed.
                        continue;
                    }
                    Err(error) => {
                        tracing::warn!(%error, "directory analysis failed; keeping the last one");
                        Some(RETRY)
                    }
                }
            }
            Ok(_) => None,
            Err(error) => {
                tracing::warn!(%error, "analysis: cannot read the outbox");
                Some(RETRY)
            }
        };
        tokio::select! {
            _ = feed.wait(POLL), if pause.is_none() => {}
            () = tokio::time::sleep(pause.unwrap_or(POLL)), if pause.is_some() => {}
            _ = stopped.changed() => return,
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum ComputeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the analysis task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("the analysis thread stopped")]
    Stopped,
}

type Job = (Facts, oneshot::Sender<DirectoryAnalysis>);

/// Has the kernel give this thread's core to the request threads first: an
/// analysis of 100,000 practices is seconds of CPU on one of two cores, and
/// at the same weight the first view after a write waited 40 to 90 ms for
/// its share.
fn yield_to_requests() {
    #[cfg(target_os = "linux")]
    {
        // Nice 10 of 19: runs when a core is free, never starved outright.
        const BACKGROUND_NICE: libc::c_int = 10;
        // SAFETY: setpriority takes plain integers and touches no memory;
        // on Linux, `0` with PRIO_PROCESS names the calling thread alone.
        let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, BACKGROUND_NICE) };
        if result != 0 {
            let error = std::io::Error::last_os_error();
            tracing::debug!(%error, "analysis: runs at the request threads' priority");
        }
    }
}

/// The thread analyses run on (the blocking pool if it could not start).
/// It ends when this is dropped.
struct Analyst(Option<std::sync::mpsc::Sender<Job>>);

impl Analyst {
    fn start() -> Self {
        let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
        let started = std::thread::Builder::new()
            .name("acoge-analysis".to_owned())
            .spawn(move || {
                yield_to_requests();
                for (facts, reply) in inbox {
                    // The worker may have stopped waiting; nothing to do then.
                    let _ = reply.send(DirectoryAnalysis::build(facts, DRAWN, &FRAME));
                }
            });
        match started {
            Ok(_) => Self(Some(jobs)),
            Err(error) => {
                tracing::warn!(%error, "analysis: no thread of its own; using the blocking pool");
                Self(None)
            }
        }
    }

    /// Analyses `facts` off the runtime that answers requests.
    async fn analyse(&self, facts: Facts) -> Result<DirectoryAnalysis, ComputeError> {
        let Some(jobs) = &self.0 else {
            let build = move || DirectoryAnalysis::build(facts, DRAWN, &FRAME);
            return Ok(tokio::task::spawn_blocking(build).await?);
        };
        let (reply, answer) = oneshot::channel();
        jobs.send((facts, reply))
            .map_err(|_| ComputeError::Stopped)?;
        answer.await.map_err(|_| ComputeError::Stopped)
    }
}

/// Entities whose changes touch none of the facts analysed (organizations,
/// their sectors and places, services, alliances, practices, municipalities):
/// a discussion's contribution or an event's registration need no new
/// analysis. Any other entity, one not listed included, does.
const NOT_ANALYSED: [&str; 13] = [
    "api_token",
    "contribution",
    "discussion",
    "event",
    "framework",
    "framework_acceptance",
    "instrument",
    "invitation",
    "member",
    "provision",
    "registration",
    "synthesis",
    "working_group",
];
/// Changes looked at before recomputing anyway.
const CHANGES_LOOKED_AT: u32 = 500;

/// The published analysis, if every change from its position to `head`
/// is of an entity it does not read.
async fn unchanged_facts(
    db: &Db,
    published: Option<Arc<Analysis>>,
    head: i64,
) -> Option<Arc<Analysis>> {
    let last = published?;
    if head - last.position > i64::from(CHANGES_LOOKED_AT) {
        return None;
    }
    let changes = db
        .outbox_after(last.position, CHANGES_LOOKED_AT)
        .await
        .ok()?;
    changes
        .iter()
        .all(|change| NOT_ANALYSED.contains(&change.entity.as_str()))
        .then_some(last)
}

/// Reads the facts and has the analyst analyse them.
async fn compute(db: &Db, analyst: &Analyst, position: i64) -> Result<Analysis, ComputeError> {
    // The facts are every alliance, organization and service: decoding that
    // many rows is CPU work, done on a blocking thread so that the async
    // threads keep answering requests.
    let (db, runtime) = (db.clone(), tokio::runtime::Handle::current());
    let facts =
        tokio::task::spawn_blocking(move || runtime.block_on(db.analysis_facts())).await??;
    let directory = analyst.analyse(facts).await?;
    Ok(Analysis {
        position,
        directory: Arc::new(directory),
    })
}
