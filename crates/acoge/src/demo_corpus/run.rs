//! The command: read the generator's inputs from the database, then write
//! organizations and practices with a progress bar, generating the next batch
//! of practices while the database writes the current one.

use super::{DemoError, DemoPractice, Generator, Inputs, KnownProvision, Place};
use crate::cli::Failure;
use acoge_domain::{
    page::{Page, PageRequest},
    practice::PracticeStatus,
};
use acoge_store::{
    ContextScope, DEMO_BATCH, Db, MunicipalityFilter, NewPractice, OrganizationFilter,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::{collections::HashMap, future::Future, time::Instant};

/// The most records of each kind one run writes.
pub const MAX_RECORDS: u32 = 1_000_000;

/// Checks the sizes asked for before anything connects.
pub fn check_sizes(practices: u32, organizations: u32) -> Result<(), Failure> {
    for (flag, value) in [
        ("--practices", practices),
        ("--organizations", organizations),
    ] {
        if value > MAX_RECORDS {
            return Err(Failure::Other(format!(
                "{flag} must be at most {MAX_RECORDS}, not {value}"
            )));
        }
    }
    if practices == 0 && organizations == 0 {
        return Err(Failure::Other(
            "nothing to write: --practices and --organizations are both 0".to_owned(),
        ));
    }
    if practices > 0 && organizations == 0 {
        return Err(Failure::Other(
            "--organizations must be at least 1 when --practices is not 0: \
             demo practices are led by demo organizations"
                .to_owned(),
        ));
    }
    Ok(())
}

fn demo_failure(error: DemoError) -> Failure {
    Failure::Other(error.to_string())
}

/// Writes a corpus of `practices` practices and `organizations` organizations
/// generated from `seed`, after loading the reference data if needed.
pub async fn run(db: &Db, practices: u32, organizations: u32, seed: u64) -> Result<(), Failure> {
    let started = Instant::now();
    // Practices stand in real municipalities: the reference data comes first.
    crate::import::reference(db, None, false).await?;
    let inputs = read_inputs(db).await?;
    let generator = Generator::new(seed, inputs, organizations).map_err(demo_failure)?;
    refuse_a_second_run(db, &generator, practices, seed).await?;

    // Hidden automatically when stderr is not a terminal.
    let bar = ProgressBar::new(u64::from(practices) + u64::from(organizations))
        .with_message("demo corpus");
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} records ({elapsed}, {eta} left)")
    {
        bar.set_style(style);
    }
    db.insert_demo_organizations(generator.organizations(), |n| bar.inc(n))
        .await?;

    // Generating is CPU work and writing mostly waiting: a blocking thread
    // generates the next batch while this task writes the current one.
    let (sender, mut batches) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut generator = generator;
        let mut start = 0;
        while start < practices {
            let end = start.saturating_add(DEMO_BATCH as u32).min(practices);
            let batch: Result<Vec<DemoPractice>, DemoError> =
                (start..end).map(|i| generator.practice(i)).collect();
            let failed = batch.is_err();
            // A closed channel means the writer stopped on an error of its own.
            if sender.blocking_send(batch).is_err() || failed {
                break;
            }
            start = end;
        }
    });
    while let Some(batch) = batches.recv().await {
        let batch = batch.map_err(demo_failure)?;
        let news: Vec<NewPractice<'_>> = batch
            .iter()
            .map(|p| NewPractice {
                content: &p.content,
                status: PracticeStatus::Published,
                slug: Some(&p.slug),
                created_by: None,
                author_organization: Some(p.content.lead_organization),
                is_example: false,
            })
            .collect();
        db.insert_demo_practices(&news, |n| bar.inc(n)).await?;
    }
    producer
        .await
        .map_err(|e| Failure::Other(format!("the demo generator stopped: {e}")))?;
    bar.finish_and_clear();
    db.refresh_planner_statistics().await?;
    eprintln!(
        "acoge: wrote {practices} practices and {organizations} organizations (seed {seed}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Names and slugs carry the seed, so a second run of the same seed would
/// collide with the first: say so plainly before writing anything.
async fn refuse_a_second_run(
    db: &Db,
    generator: &Generator,
    practices: u32,
    seed: u64,
) -> Result<(), Failure> {
    let organization_taken = match generator.organizations().first() {
        Some(o) => db.organization_id_by_name(&o.name).await?.is_some(),
        None => false,
    };
    let practice_taken = practices > 0 && db.practice_by_slug(&generator.slug(0)).await?.is_some();
    if organization_taken || practice_taken {
        return Err(Failure::Other(format!(
            "the database already holds the demo corpus of seed {seed}; \
             use another --seed or a fresh database"
        )));
    }
    Ok(())
}

/// Reads every page of a list (the store serves at most 100 per page).
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, Failure>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, acoge_store::StoreError>>,
{
    let mut items = Vec::new();
    for number in 1.. {
        let Some(request) = PageRequest::new(number, PageRequest::MAX_PER_PAGE) else {
            break;
        };
        let next = page(request).await?;
        let done = next.items.len() < PageRequest::MAX_PER_PAGE as usize;
        items.extend(next.items);
        if done || items.len() as u64 >= next.total {
            break;
        }
    }
    Ok(items)
}

async fn read_inputs(db: &Db) -> Result<Inputs, Failure> {
    let states: HashMap<String, String> = db
        .states()
        .await?
        .into_iter()
        .map(|s| (s.state.key.as_str().to_owned(), s.state.name))
        .collect();
    let mut contexts: HashMap<String, Vec<_>> = HashMap::new();
    for entry in db.municipal_contexts(ContextScope::All).await? {
        contexts
            .entry(entry.context.cvegeo.as_str().to_owned())
            .or_default()
            .push(entry.context.context);
    }
    let filter = MunicipalityFilter::default();
    let municipalities = all_pages(|page| db.municipalities(&filter, page)).await?;
    let places = municipalities
        .into_iter()
        .map(|m| Place {
            state_name: states
                .get(m.state_key.as_str())
                .cloned()
                .unwrap_or_default(),
            contexts: contexts.remove(m.cvegeo.as_str()).unwrap_or_default(),
            cvegeo: m.cvegeo,
            name: m.name,
            population: m.population,
        })
        .collect();
    let filter = OrganizationFilter::default();
    let organizations = all_pages(|page| db.organizations(&filter, page))
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let provisions = db
        .provisions()
        .await?
        .into_iter()
        .map(|p| KnownProvision {
            id: p.id,
            rights: p.rights,
        })
        .collect();
    Ok(Inputs {
        places,
        organizations,
        provisions,
    })
}
