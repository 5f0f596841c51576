//! `acoge reindex`: rebuilds this instance's search index from the database.

use crate::cli::Failure;
use acoge_search::{Follower, SearchError, SearchIndex, Source, Synonyms};
use acoge_store::Db;
use indicatif::{ProgressBar, ProgressStyle};
use std::{path::Path, sync::Arc, time::Instant};

impl From<SearchError> for Failure {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::Store(store) => store.into(),
            other => Failure::Other(other.to_string()),
        }
    }
}

pub async fn run(db: &Db, dir: &Path) -> Result<(), Failure> {
    let started = Instant::now();
    let index = Arc::new(SearchIndex::open(
        dir,
        Synonyms::built_in().map_err(SearchError::from)?,
    )?);
    let source = Source::new(db.clone(), Arc::new(acoge_web::FluentLabels)).await?;
    let mut follower = Follower::new(index.clone(), source).await?;
    let bar = ProgressBar::new(0).with_message("search index");
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} records ({elapsed}, {eta} left)")
    {
        bar.set_style(style);
    }
    let documents = follower
        .rebuild(&mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
    bar.finish_and_clear();
    follower.catch_up().await?;
    eprintln!(
        "acoge: search index rebuilt in {}: {documents} documents, {:.1} MB, in {:.1} s",
        dir.display(),
        index.size_on_disk() as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
