//! `acoge bench`: how well and how fast search works, measured on the
//! database at hand. `relevance` scores the ranking on the relevance set;
//! `search` times tantivy against PostgreSQL full-text search over the same
//! documents (run it on a corpus from `acoge demo-corpus`).

use crate::{cli::Failure, import};
use acoge_domain::Lang;
use acoge_search::{
    Follower, SearchIndex, SearchRequest, SearchResults, Source, Synonyms, document_key,
    relevance::{self, ResolvedJudgment, Scores},
};
use acoge_store::{AnchorDocument, Db, SearchableKind};
use indicatif::{ProgressBar, ProgressStyle};
use std::{
    collections::BTreeMap,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

fn bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total).with_message(message);
    if let Ok(style) =
        ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({elapsed}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// An index of the whole database, in `dir` or in memory.
async fn built_index(db: &Db, dir: Option<&Path>) -> Result<(Arc<SearchIndex>, Duration), Failure> {
    let synonyms = Synonyms::built_in().map_err(acoge_search::SearchError::from)?;
    let index = Arc::new(match dir {
        Some(dir) => SearchIndex::open(dir, synonyms)?,
        None => SearchIndex::in_memory(synonyms)?,
    });
    let source = Source::new(db.clone(), Arc::new(acoge_web::FluentLabels)).await?;
    let mut follower = Follower::new(index.clone(), source).await?;
    let progress = bar(0, "indexing");
    let started = Instant::now();
    follower
        .rebuild(&mut |done, total| {
            progress.set_length(total);
            progress.set_position(done);
        })
        .await?;
    let took = started.elapsed();
    progress.finish_and_clear();
    Ok((index, took))
}

fn ranked(results: &SearchResults) -> Vec<String> {
    results
        .hits
        .iter()
        .map(|h| document_key(h.kind, &h.id))
        .collect()
}

fn tantivy_request(text: &str, facets: bool) -> SearchRequest {
    let mut request = SearchRequest::new(text, Lang::Es);
    request.limit = relevance::DEPTH;
    request.facets = facets;
    request
}

async fn judgments(db: &Db) -> Result<Vec<ResolvedJudgment>, Failure> {
    let set = relevance::parse(relevance::BUILT_IN).map_err(|e| Failure::Other(e.to_string()))?;
    relevance::resolve(db, &set)
        .await
        .map_err(|e| Failure::Other(e.to_string()))
}

fn tantivy_scores(index: &SearchIndex, judgments: &[ResolvedJudgment]) -> Result<Scores, Failure> {
    Ok(relevance::score(judgments, |q| {
        Ok(ranked(&index.search(&tantivy_request(q, false))?))
    })?)
}

fn print_scores(label: &str, scores: &Scores) {
    println!(
        "{label} nDCG@10 {:.4} over {} queries",
        scores.overall, scores.queries
    );
    for (category, value) in &scores.by_category {
        println!("  {category:<12} {value:.4}");
    }
}

/// Scores the ranking on the relevance set, over the reference data and the
/// example practices (loaded first if missing). Fails under `min`.
pub async fn relevance(db: &Db, min: Option<f64>) -> Result<(), Failure> {
    import::reference(db, None, false).await?;
    import::examples(db, false).await?;
    let (index, _) = built_index(db, None).await?;
    let judgments = judgments(db).await?;
    let scores = tantivy_scores(&index, &judgments)?;
    print_scores("tantivy", &scores);
    let mut weakest = scores.by_query.clone();
    weakest.sort_by(|a, b| a.1.total_cmp(&b.1));
    println!("weakest queries:");
    for (query, value) in weakest.iter().take(12) {
        println!("  {value:.3}  {query}");
    }
    match min {
        Some(min) if scores.overall < min => Err(Failure::Other(format!(
            "nDCG@10 {:.4} is below the recorded {min:.4}",
            scores.overall
        ))),
        _ => Ok(()),
    }
}

/// Words people search for in this field, and places; queries are drawn from them.
const WORDS: &[&str] = &[
    "salud",
    "albergue",
    "empleo",
    "vivienda",
    "educación",
    "refugio",
    "asilo",
    "niñez",
    "mujeres",
    "regularización",
    "documentación",
    "CURP",
    "COMAR",
    "integración",
    "retorno",
    "frontera",
    "violencia",
    "alimentación",
    "asesoría",
    "jurídica",
    "migrantes",
    "programa",
    "municipal",
    "atención",
    "protección",
    "familias",
    "acompañamiento",
    "registro",
    "trabajo",
    "capacitación",
    "salud mental",
    "discriminación",
    "derechos",
    "niñas",
    "adolescentes",
    "solicitantes",
    "deportación",
    "comunidad",
    "red",
    "cooperación",
    "Tijuana",
    "Tapachula",
    "Juárez",
    "Saltillo",
    "Guadalajara",
    "Monterrey",
    "Mexicali",
    "Reynosa",
    "Tenosique",
    "Palenque",
    "Chiapas",
    "Coahuila",
    "shelter",
    "health",
    "asylum",
    "children",
    "employment",
    "legal aid",
    "housing",
    "women",
];
/// Queries per length (1 to 4 words).
const QUERIES_PER_LENGTH: usize = 100;
/// How many of the slowest queries the report names.
const SLOWEST_SHOWN: usize = 8;
/// Each query is timed this many times (after one warm-up pass).
const ROUNDS: usize = 3;

/// Deterministic queries of 1 to 4 words (a linear congruential walk).
fn queries() -> Vec<String> {
    let mut state: u64 = 0x5eed_acc0_9e00_2020;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut out = Vec::new();
    for words in 1..=4 {
        for _ in 0..QUERIES_PER_LENGTH {
            // Entries of one or two words, until the query has exactly `words`.
            let mut picked: Vec<&str> = Vec::new();
            let mut count = 0;
            while count < words {
                let entry = WORDS[next() % WORDS.len()];
                let entry_words = entry.split_whitespace().count();
                if !picked.contains(&entry) && count + entry_words <= words {
                    picked.push(entry);
                    count += entry_words;
                }
            }
            out.push(picked.join(" "));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, Default)]
struct Latency {
    p50: Duration,
    p99: Duration,
}

fn latency(mut samples: Vec<Duration>) -> Latency {
    samples.sort_unstable();
    let at = |q: f64| {
        let index = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len().max(1)) - 1;
        samples.get(index).copied().unwrap_or_default()
    };
    Latency {
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

/// Loads the anchor with the same documents the index holds.
async fn load_anchor(db: &Db) -> Result<Duration, Failure> {
    let source = Source::new(db.clone(), Arc::new(acoge_web::FluentLabels)).await?;
    db.anchor_reset().await?;
    let started = Instant::now();
    let mut ids = Vec::new();
    for kind in SearchableKind::ALL {
        ids.push((kind, db.searchable_ids(kind).await?));
    }
    let progress = bar(
        ids.iter().map(|(_, v)| v.len() as u64).sum(),
        "PostgreSQL full-text",
    );
    for (kind, of_kind) in ids {
        for chunk in of_kind.chunks(1000) {
            let documents: Vec<AnchorDocument> = source
                .changes(kind, chunk)
                .await?
                .into_iter()
                .filter_map(|(_, _, d)| d)
                .map(|d| AnchorDocument {
                    key: d.key(),
                    kind: d.kind.entity().to_owned(),
                    states: d
                        .facets
                        .iter()
                        .filter(|(k, _)| *k == acoge_search::FacetKind::State)
                        .map(|(_, v)| v.clone())
                        .collect(),
                    title: format!("{} {}", d.title_es, d.title_en),
                    body: [d.text_es, d.text_en, d.tags_es, d.tags_en].join("\n"),
                })
                .collect();
            db.anchor_insert(&documents).await?;
            progress.inc(chunk.len() as u64);
        }
    }
    db.anchor_finish().await?;
    progress.finish_and_clear();
    Ok(started.elapsed())
}

/// Times tantivy and the PostgreSQL anchor on the same queries and documents,
/// scores both on the relevance set, and writes a Markdown report.
pub async fn search(db: &Db, report: Option<&Path>) -> Result<(), Failure> {
    // The anchor needs PostgreSQL; on SQLite only tantivy is timed.
    let anchor = db.backend() == acoge_store::Backend::Postgres;
    import::reference(db, None, false).await?;
    import::examples(db, false).await?;
    let practices = db.searchable_ids(SearchableKind::Practice).await?.len();
    let organizations = db.searchable_ids(SearchableKind::Organization).await?.len();
    let dir = tempfile::tempdir().map_err(|e| Failure::Other(format!("temporary folder: {e}")))?;
    let (index, indexing) = built_index(db, Some(&dir.path().join("index"))).await?;
    let documents = index.len();
    let index_bytes = index.size_on_disk();
    let (anchor_loading, anchor_bytes) = if anchor {
        (load_anchor(db).await?, db.anchor_size().await?)
    } else {
        (Duration::ZERO, 0)
    };

    let queries = queries();
    let engines = if anchor { 2 } else { 1 };
    let timings = queries.len() * (ROUNDS + 1) * 2 * engines;
    let progress = bar(timings as u64, "timing queries");
    // Samples per (facets or not, words in the query).
    let mut tantivy: BTreeMap<(bool, usize), Vec<Duration>> = BTreeMap::new();
    let mut postgres: BTreeMap<(bool, usize), Vec<Duration>> = BTreeMap::new();
    // tantivy's slowest time for each query with facets, to name the slowest.
    let mut slowest: BTreeMap<&str, Duration> = BTreeMap::new();
    // Each engine is timed in its own pass, so neither runs while the other
    // holds the CPU caches (PostgreSQL's backend is another process).
    for round in 0..=ROUNDS {
        for facets in [false, true] {
            for query in &queries {
                let started = Instant::now();
                index.search(&tantivy_request(query, facets))?;
                let took = started.elapsed();
                if round > 0 {
                    let sample = (facets, query.split_whitespace().count());
                    tantivy.entry(sample).or_default().push(took);
                    if facets {
                        let worst = slowest.entry(query.as_str()).or_default();
                        *worst = (*worst).max(took);
                    }
                }
                progress.inc(1);
            }
        }
    }
    for round in (0..=ROUNDS).filter(|_| anchor) {
        for facets in [false, true] {
            for query in &queries {
                let started = Instant::now();
                db.anchor_search(query, facets).await?;
                if round > 0 {
                    let sample = (facets, query.split_whitespace().count());
                    postgres.entry(sample).or_default().push(started.elapsed());
                }
                progress.inc(1);
            }
        }
    }
    progress.finish_and_clear();
    let judgments = judgments(db).await?;
    let tantivy_quality = tantivy_scores(&index, &judgments)?;
    let mut anchor_rankings = std::collections::HashMap::new();
    for judgment in judgments.iter().filter(|_| anchor) {
        let keys = db.anchor_search(&judgment.query, false).await?.keys;
        anchor_rankings.insert(judgment.query.clone(), keys);
    }
    let anchor_quality = relevance::score(&judgments, |query| {
        Ok(anchor_rankings.get(query).cloned().unwrap_or_default())
    })?;
    if anchor {
        db.anchor_drop().await?;
    }

    let overall = |samples: &BTreeMap<(bool, usize), Vec<Duration>>, facets: bool| {
        latency(
            samples
                .iter()
                .filter(|((f, _), _)| *f == facets)
                .flat_map(|(_, v)| v.iter().copied())
                .collect(),
        )
    };
    let (t_plain, t_facets) = (overall(&tantivy, false), overall(&tantivy, true));
    let (p_plain, p_facets) = (overall(&postgres, false), overall(&postgres, true));
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
    let mut out = String::new();
    out.push_str(&format!(
        "Corpus: {practices} published practices, {organizations} organizations, {documents} documents in all \
         (with municipalities, legal provisions and instruments, events).\n\
         Queries: {} of 1 to 4 words ({QUERIES_PER_LENGTH} of each length), each timed {ROUNDS} times after a warm-up pass; \
         top 10 with the total count. tantivy is called in process; PostgreSQL over a pooled loopback connection.\n\n",
        queries.len()
    ));
    out.push_str("| | tantivy | PostgreSQL FTS | PostgreSQL ÷ tantivy |\n|---|---:|---:|---:|\n");
    for (row, tantivy, postgres) in [
        ("p50, no facets", t_plain.p50, p_plain.p50),
        ("p99, no facets", t_plain.p99, p_plain.p99),
        ("p50, with facets", t_facets.p50, p_facets.p50),
        ("p99, with facets", t_facets.p99, p_facets.p99),
    ] {
        out.push_str(&format!(
            "| {row} (ms) | {} | {} | {:.1}× |\n",
            ms(tantivy),
            ms(postgres),
            ratio(tantivy, postgres)
        ));
    }
    out.push_str(&format!(
        "| indexing (s) | {:.1} | {:.1} | |\n",
        indexing.as_secs_f64(),
        anchor_loading.as_secs_f64()
    ));
    out.push_str(&format!(
        "| size on disk (MB) | {:.1} | {:.1} | |\n",
        index_bytes as f64 / 1e6,
        anchor_bytes as f64 / 1e6
    ));
    out.push_str(&format!(
        "| nDCG@10, relevance set ({} queries) | {:.4} | {:.4} | |\n\n",
        tantivy_quality.queries, tantivy_quality.overall, anchor_quality.overall
    ));
    out.push_str(
        "By words in the query (ms, p50 / p99):\n\n| words | facets | tantivy | PostgreSQL FTS |\n|---:|---|---:|---:|\n",
    );
    for (&(facets, words), samples) in &tantivy {
        let t = latency(samples.clone());
        let p = latency(postgres.get(&(facets, words)).cloned().unwrap_or_default());
        out.push_str(&format!(
            "| {words} | {} | {} / {} | {} / {} |\n",
            if facets { "yes" } else { "no" },
            ms(t.p50),
            ms(t.p99),
            ms(p.p50),
            ms(p.p99)
        ));
    }
    out.push('\n');
    let mut slowest: Vec<(&str, Duration)> = slowest.into_iter().collect();
    slowest.sort_by_key(|(_, took)| std::cmp::Reverse(*took));
    out.push_str("Slowest queries for tantivy (with facets, slowest of the timed rounds):\n\n| query | ms |\n|---|---:|\n");
    for (query, took) in slowest.iter().take(SLOWEST_SHOWN) {
        out.push_str(&format!("| {query} | {} |\n", ms(*took)));
    }
    out.push('\n');
    out.push_str(
        "nDCG@10 by category:\n\n| category | tantivy | PostgreSQL FTS |\n|---|---:|---:|\n",
    );
    for (category, value) in &tantivy_quality.by_category {
        let anchor = anchor_quality
            .by_category
            .get(category)
            .copied()
            .unwrap_or_default();
        out.push_str(&format!("| {category} | {value:.4} | {anchor:.4} |\n"));
    }
    println!("{out}");
    if let Some(path) = report {
        std::fs::write(path, &out)
            .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}
