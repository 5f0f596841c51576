//! `acoge import reference`: parse everything, then write it in one transaction.

use crate::cli::Failure;
use acoge_formats::reference::ReferenceFiles;
use acoge_store::{Db, ImportOutcome};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

/// Imports the reference data set unless the database already holds it.
/// `verbose` reports an up-to-date database too (the explicit command does).
pub async fn reference(db: &Db, from: Option<&Path>, verbose: bool) -> Result<(), Failure> {
    let files = match from {
        Some(dir) => ReferenceFiles::from_dir(dir)?,
        None => ReferenceFiles::embedded(),
    };
    let digest = files.digest();
    if db.reference_digest().await?.as_deref() == Some(digest.as_str()) {
        if verbose {
            eprintln!("acoge: reference data already up to date; nothing changed");
        }
        return Ok(());
    }
    let data = files.parse()?;
    // Hidden automatically when stderr is not a terminal.
    let bar = ProgressBar::new(data.record_count()).with_message("reference data");
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} records ({elapsed})")
    {
        bar.set_style(style);
    }
    let outcome = db.import_reference(&data, &digest, &|n| bar.inc(n)).await?;
    bar.finish_and_clear();
    match outcome {
        ImportOutcome::Imported(records) => {
            tracing::info!(records, "reference data imported");
            eprintln!("acoge: imported {records} reference records");
        }
        ImportOutcome::AlreadyCurrent => {
            eprintln!("acoge: reference data already up to date; nothing changed");
        }
    }
    Ok(())
}
