//! `acoge import reference|services|examples`: parse everything, then write it
//! in one transaction.

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
    let bar = records_bar(data.record_count(), "reference data");
    let outcome = db.import_reference(&data, &digest, &|n| bar.inc(n)).await?;
    bar.finish_and_clear();
    db.refresh_planner_statistics().await?;
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

/// A progress bar over `total` records, labelled `message`; hidden
/// automatically when stderr is not a terminal.
fn records_bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} records ({elapsed})")
    {
        bar.set_style(style);
    }
    bar
}

/// Imports a services file (`servicios_migrantes.csv` format; the copy built
/// into the binary when `file` is `None`) unless this exact file is already
/// in. Rows are checked against the places in the database, so the reference
/// data comes first.
pub async fn services(db: &Db, file: Option<&Path>, verbose: bool) -> Result<(), Failure> {
    use acoge_formats::{FormatError, services};

    let (name, text) = match file {
        Some(path) => {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| FormatError::file(&name, e.to_string()))?;
            (name, text)
        }
        None => (
            services::SERVICES_FILE.to_owned(),
            services::embedded_services().to_owned(),
        ),
    };
    let digest = acoge_formats::reference::digest_of(&text);
    if db
        .dataset_digest(acoge_store::SERVICES_DATASET)
        .await?
        .as_deref()
        == Some(digest.as_str())
    {
        if verbose {
            eprintln!("acoge: services already up to date; nothing changed");
        }
        return Ok(());
    }
    let (states, municipalities) = db.known_places().await?;
    let data = services::parse_services(
        &name,
        &text,
        &services::Places {
            states,
            municipalities,
        },
    )?;
    for note in data.records.iter().flat_map(|r| &r.notes) {
        tracing::info!(file = %name, "{note}");
    }
    let bar = records_bar(data.record_count(), "services");
    let outcome = db.import_directory(&data, &digest, &|n| bar.inc(n)).await?;
    bar.finish_and_clear();
    db.refresh_planner_statistics().await?;
    match outcome {
        ImportOutcome::Imported(_) => {
            let unplaced = data.records.iter().filter(|r| !r.notes.is_empty()).count();
            tracing::info!(records = data.record_count(), "services imported");
            eprintln!(
                "acoge: imported {} organizations and {} services ({unplaced} organizations \
                 without a municipality keep their services as sectors)",
                data.records.len(),
                data.service_count()
            );
        }
        ImportOutcome::AlreadyCurrent => {
            eprintln!("acoge: services already up to date; nothing changed");
        }
    }
    Ok(())
}

/// Loads the example practices (published, marked as examples) unless this
/// exact file was already loaded. Everything is validated before anything is
/// written; errors name the entry and field.
pub async fn examples(db: &Db, verbose: bool) -> Result<(), Failure> {
    use acoge_domain::practice::PracticeStatus;
    use acoge_formats::{FormatError, examples};
    use acoge_store::NewPractice;
    use std::collections::HashMap;

    const DATASET: &str = "examples";
    let digest = acoge_formats::reference::digest_of(examples::EMBEDDED);
    if db.dataset_digest(DATASET).await?.as_deref() == Some(digest.as_str()) {
        if verbose {
            eprintln!("acoge: example practices already up to date; nothing changed");
        }
        return Ok(());
    }
    let entries = examples::parse(examples::EMBEDDED)?;
    // Looked up by name one by one: a community has far more organizations
    // than the examples name.
    let mut organizations: HashMap<String, String> = HashMap::new();
    let named = entries.iter().flat_map(|e| {
        std::iter::once(&e.lead_organization)
            .chain(&e.partners)
            .chain(std::iter::once(&e.contact_organization))
    });
    for name in named {
        if !organizations.contains_key(name)
            && let Some(id) = db.organization_id_by_name(name).await?
        {
            organizations.insert(name.clone(), id.to_string());
        }
    }
    let mut provisions = HashMap::new();
    for p in db.provisions().await? {
        provisions.insert(
            (p.instrument_id.clone(), p.article.clone()),
            p.id.to_string(),
        );
    }
    let invalid = |i: usize, field: &str, message: String| {
        Failure::Data(FormatError {
            file: examples::FILE.to_owned(),
            line: 0,
            column: Some(format!("[{i}].{field}")),
            message,
        })
    };
    let mut ready = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let input = entry.to_input(
            |name| organizations.get(name).cloned(),
            |r| {
                provisions
                    .get(&(r.instrument.clone(), r.article.clone()))
                    .cloned()
            },
        );
        let content = input.validate().map_err(|errors| {
            let first = &errors[0];
            invalid(i, first.field, first.problem.to_string())
        })?;
        if !db
            .missing_municipalities(&content.municipalities)
            .await?
            .is_empty()
        {
            return Err(invalid(
                i,
                "municipalities",
                "a CVEGEO is not in mx_municipios.csv".into(),
            ));
        }
        ready.push((entry.slug.as_str(), content));
    }
    let bar = ProgressBar::new(ready.len() as u64).with_message("example practices");
    for (slug, content) in &ready {
        match db.practice_by_slug(slug).await? {
            Some(existing) if existing.content == *content => {}
            Some(existing) => {
                // Keep history: a corrected example is a new version, by the system.
                db.update_practice(existing.id, content, None).await?;
            }
            None => {
                db.create_practice(&NewPractice {
                    content,
                    status: PracticeStatus::Published,
                    slug: Some(slug),
                    created_by: None,
                    author_organization: None,
                    is_example: true,
                })
                .await?;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    db.record_dataset_digest(DATASET, &digest).await?;
    eprintln!("acoge: {} example practices loaded", ready.len());
    Ok(())
}
