//! The search index of this instance: opened (or built) at start, then kept
//! fresh by a follower task that stops when the app state is dropped.

use crate::i18n::Tr;
use acoge_domain::Lang;
use acoge_search::{Follower, Labels, SearchError, SearchIndex, Source, Synonyms};
use acoge_store::Db;
use std::{path::Path, sync::Arc};
use tokio::sync::watch;

/// Vocabulary labels from the Fluent files, for search documents.
pub struct FluentLabels;

impl Labels for FluentLabels {
    fn label(&self, message_key: &str, lang: Lang) -> String {
        Tr::new(lang).label(message_key)
    }
}

/// Opens the index in `dir` (in memory without one), brings it up to date
/// before the first request, and starts following the outbox.
pub async fn start(
    db: &Db,
    dir: Option<&Path>,
) -> Result<(Arc<SearchIndex>, watch::Sender<bool>), SearchError> {
    let synonyms = Synonyms::built_in()?;
    let index = Arc::new(match dir {
        Some(dir) => SearchIndex::open(dir, synonyms)?,
        None => SearchIndex::in_memory(synonyms)?,
    });
    let source = Source::new(db.clone(), Arc::new(FluentLabels)).await?;
    let mut follower = Follower::new(index.clone(), source).await?;
    if follower.needs_rebuild().await? {
        let started = std::time::Instant::now();
        let documents = follower.rebuild(&mut |_, _| {}).await?;
        tracing::info!(
            documents,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
    }
    follower.catch_up().await?;
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(follower.run(stopped));
    Ok((index, stop))
}

/// Results deeper than this are not served: the index would have to rank
/// them all, and nobody reads that far. Narrowing the search is the answer.
pub const MAX_RESULT_DEPTH: usize = 10_000;

/// The names of the search parameters on pages (Spanish) and in the API.
pub struct ParamNames {
    pub kind: &'static str,
    pub state: &'static str,
    pub municipality: &'static str,
    pub right: &'static str,
    pub sector: &'static str,
}

pub const PAGE_PARAMS: ParamNames = ParamNames {
    kind: "tipo",
    state: "estado",
    municipality: "municipio",
    right: "derecho",
    sector: "sector",
};

pub const API_PARAMS: ParamNames = ParamNames {
    kind: "type",
    state: "state",
    municipality: "municipality",
    right: "right",
    sector: "sector",
};

/// Reads the text and filters of a search; paging is the caller's.
pub fn request_from(
    params: &crate::params::Params,
    names: &ParamNames,
    lang: Lang,
) -> Result<acoge_search::SearchRequest, crate::params::ParamError> {
    use acoge_domain::{Cvegeo, StateKey, practice::Sector, taxonomy::Right};
    use acoge_store::SearchableKind;
    let mut request = acoge_search::SearchRequest::new(params.get("q").unwrap_or(""), lang);
    request.kind = params.parse_with(names.kind, |v| {
        SearchableKind::from_entity(v).ok_or_else(|| {
            let kinds: Vec<&str> = SearchableKind::ALL.iter().map(|k| k.entity()).collect();
            format!("must be one of: {}", kinds.join(", "))
        })
    })?;
    request.state = params
        .parse_with(names.state, StateKey::parse)?
        .map(|k| k.as_str().to_owned());
    request.municipality = params
        .parse_with(names.municipality, Cvegeo::parse)?
        .map(|k| k.as_str().to_owned());
    request.right = params
        .parse_with(names.right, Right::parse)?
        .map(|r| r.slug().to_owned());
    request.sector = params
        .parse_with(names.sector, Sector::parse)?
        .map(|s| s.slug().to_owned());
    Ok(request)
}

/// Sets the page of `request`, refusing pages past `MAX_RESULT_DEPTH`.
pub fn set_page(
    request: &mut acoge_search::SearchRequest,
    page: u32,
    per_page: u32,
) -> Result<(), crate::params::ParamError> {
    let offset = (page.max(1) as usize - 1) * per_page as usize;
    if offset >= MAX_RESULT_DEPTH {
        return Err(crate::params::ParamError {
            name: "page".to_owned(),
            reason: format!(
                "only the first {MAX_RESULT_DEPTH} results can be paged through; add words or filters"
            ),
        });
    }
    request.offset = offset;
    request.limit = per_page as usize;
    Ok(())
}

/// Runs a search off the async threads (ranking is CPU work).
pub async fn run(
    index: &Arc<SearchIndex>,
    request: acoge_search::SearchRequest,
) -> Result<acoge_search::SearchResults, SearchError> {
    let index = index.clone();
    match tokio::task::spawn_blocking(move || index.search(&request)).await {
        Ok(result) => result,
        Err(join) => Err(SearchError::Interrupted(join.to_string())),
    }
}

/// The site address of a result.
pub fn hit_path(hit: &acoge_search::Hit) -> String {
    use acoge_store::SearchableKind;
    match hit.kind {
        SearchableKind::Practice => format!("/practicas/{}", hit.target),
        SearchableKind::Organization => format!("/organizaciones/{}", hit.target),
        SearchableKind::Provision | SearchableKind::Instrument => {
            format!("/marco-legal#i-{}", hit.target)
        }
        SearchableKind::Event => format!("/eventos/{}", hit.target),
        SearchableKind::Municipality => format!("/municipios/{}", hit.target),
    }
}

/// A snippet as HTML: its text escaped, its matches in `<mark>`.
pub fn snippet_html(snippet: &acoge_search::Snippet) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 32);
    let mut at = 0;
    for &(from, to) in &snippet.highlights {
        if from < at || to > snippet.text.len() {
            continue;
        }
        let (Some(before), Some(marked)) = (snippet.text.get(at..from), snippet.text.get(from..to))
        else {
            continue;
        };
        escape_into(&mut out, before);
        out.push_str("<mark>");
        escape_into(&mut out, marked);
        out.push_str("</mark>");
        at = to;
    }
    escape_into(&mut out, snippet.text.get(at..).unwrap_or_default());
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        let snippet = acoge_search::Snippet {
            text: "<b>albergue</b> & más".to_owned(),
            highlights: vec![(3, 11)],
        };
        assert_eq!(
            snippet_html(&snippet),
            "&lt;b&gt;<mark>albergue</mark>&lt;/b&gt; &amp; más"
        );
    }
}
