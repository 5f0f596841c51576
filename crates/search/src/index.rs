//! The tantivy index: its schema, how records go in, how queries come out.

use crate::{
    SearchError,
    analyzers::{self, Analysis, ENGLISH, SPANISH},
    any_of::AnyOf,
    document::{FacetKind, SearchDocument, document_key},
    facet_counter::{FacetCounter, FacetTables},
    query::{Clause, Notice, ParsedQuery, parse},
    snippet::{Matcher, Snippet, snippet},
    synonym_phrases::{self, AnalyzedPhrase, PhraseTable},
    synonyms::Synonyms,
};
use acoge_domain::lang::Lang;
use acoge_store::SearchableKind;
use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::{Arc, Mutex, MutexGuard},
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument, Term,
    collector::{Count, TopDocs},
    query::{
        AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery,
        Query, TermQuery,
    },
    schema::Facet,
    schema::{
        FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
        TextOptions, Value,
    },
};

/// Bump when the schema or the analyzers change: an index built by another
/// version is rebuilt from the database rather than read wrongly.
pub const SCHEMA_VERSION: u32 = 3;
/// Memory the writer may use before it flushes a segment.
const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;
/// Stored text longer than this is not kept for excerpts (it is still indexed).
const EXCERPT_SOURCE_BYTES: usize = 3000;
/// Words shorter than this are not matched approximately or as prefixes:
/// too many words are one letter away from a short one.
const MIN_FUZZY_CHARS: usize = 5;
const MIN_PREFIX_CHARS: usize = 3;
/// At most this many values of a facet are counted back.
pub const MAX_FACET_VALUES: usize = 40;

/// Where the index stands: the last outbox position it holds and the
/// database it was built from. Kept in tantivy's commit payload, so the
/// documents and the position are committed together.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexState {
    pub version: u32,
    /// Which synonym list the index was built with (its groups are indexed).
    #[serde(default)]
    pub synonyms: u32,
    pub database: String,
    pub cursor: i64,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    target: Field,
    verified: Field,
    title_es: Field,
    title_en: Field,
    body_es: Field,
    body_en: Field,
    excerpt_es: Field,
    excerpt_en: Field,
    facets: Field,
    /// The synonym groups whose multi-word terms the body holds.
    synonym_groups: Field,
    /// The facets again, stored as `kind/value`, to count a hit found
    /// without a counting pass.
    facet_values: Field,
}

fn schema() -> (Schema, Fields) {
    let text = |analyzer: &str, stored: bool| {
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let mut builder = Schema::builder();
    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        kind: builder.add_text_field("kind", STORED),
        target: builder.add_text_field("target", STORED),
        verified: builder.add_bool_field("verified", STORED),
        title_es: builder.add_text_field("title_es", text(SPANISH, true)),
        title_en: builder.add_text_field("title_en", text(ENGLISH, true)),
        body_es: builder.add_text_field("body_es", text(SPANISH, false)),
        body_en: builder.add_text_field("body_en", text(ENGLISH, false)),
        excerpt_es: builder.add_text_field("excerpt_es", STORED),
        excerpt_en: builder.add_text_field("excerpt_en", STORED),
        facets: builder.add_facet_field("facets", FacetOptions::default()),
        synonym_groups: builder.add_text_field("synonym_groups", STRING),
        facet_values: builder.add_text_field("facet_values", STORED),
    };
    (builder.build(), fields)
}

/// How much more a word in the title weighs than one in the text.
const TITLE_BOOST: Score = 2.0;

type Queries = Vec<Box<dyn Query>>;

/// The clauses of a query: each must match; the boosts only rank.
struct Clauses {
    required: Queries,
    boosts: Queries,
}

impl Clauses {
    fn with(&self, occur: Occur) -> Box<dyn Query> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = self
            .required
            .iter()
            .map(|q| (occur, q.box_clone()))
            .collect();
        if !self.boosts.is_empty() {
            let boosts = self.boosts.iter().map(|q| q.box_clone()).collect();
            parts.push((Occur::Should, Box::new(AnyOf::new(boosts))));
        }
        Box::new(BooleanQuery::new(parts))
    }

    /// Every clause must match.
    fn all(&self) -> Box<dyn Query> {
        self.with(Occur::Must)
    }

    /// At least one clause must match.
    fn any(&self) -> Box<dyn Query> {
        self.with(Occur::Should)
    }
}

/// One pass over the index: which page, and what to count besides it.
#[derive(Debug, Clone, Copy)]
struct Pass {
    offset: usize,
    limit: usize,
    facets: bool,
    /// Count every match (otherwise the total is the hits returned).
    count: bool,
}

/// What a search asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub text: String,
    pub kind: Option<SearchableKind>,
    pub state: Option<String>,
    pub municipality: Option<String>,
    pub right: Option<String>,
    pub sector: Option<String>,
    pub offset: usize,
    pub limit: usize,
    /// The reader's language: titles and excerpts in it where there are.
    pub lang: Lang,
    /// Whether to count facets (costs a pass over every match).
    pub facets: bool,
}

impl SearchRequest {
    pub fn new(text: &str, lang: Lang) -> SearchRequest {
        SearchRequest {
            text: text.to_owned(),
            kind: None,
            state: None,
            municipality: None,
            right: None,
            sector: None,
            offset: 0,
            limit: 10,
            lang,
            facets: true,
        }
    }

    fn filters(&self) -> Vec<(FacetKind, &str)> {
        [
            (FacetKind::Type, self.kind.map(SearchableKind::entity)),
            (FacetKind::State, self.state.as_deref()),
            (FacetKind::Municipality, self.municipality.as_deref()),
            (FacetKind::Right, self.right.as_deref()),
            (FacetKind::Sector, self.sector.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, value)| value.map(|v| (kind, v)))
        .collect()
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub kind: SearchableKind,
    pub id: String,
    pub target: String,
    pub title: String,
    pub snippet: Snippet,
    pub score: f32,
    pub verified: bool,
    /// Its facets besides its type.
    #[serde(skip)]
    pub facets: Vec<(FacetKind, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Counts per value of each facet, most frequent first.
    pub facets: BTreeMap<FacetKind, Vec<(String, u64)>>,
    pub notices: Vec<Notice>,
}

/// How closely words must match: as typed, or one letter apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strictness {
    Exact,
    Approximate,
}

/// The local search index. Reads are concurrent; one writer at a time.
pub struct SearchIndex {
    index: Index,
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    synonyms: Synonyms,
    synonym_phrases: PhraseTable,
    facet_tables: Arc<FacetTables>,
    /// Results by request and searcher generation: a popular query costs a
    /// pass over its matches once per commit, not once per visitor (as
    /// Elasticsearch's request cache). Entries of older generations are
    /// never asked for again and age out.
    results: moka::sync::Cache<(SearchRequest, u64), Arc<SearchResults>>,
}

/// Searches whose results are kept; each is a page of hits and its facets,
/// a few kilobytes.
const CACHED_RESULTS: u64 = 1_024;

fn register_analyzers(index: &Index) {
    index
        .tokenizers()
        .register(SPANISH, analyzers::analyzer(Lang::Es));
    index
        .tokenizers()
        .register(ENGLISH, analyzers::analyzer(Lang::En));
}

fn writer_error(error: tantivy::TantivyError) -> SearchError {
    match error {
        tantivy::TantivyError::LockFailure(..) => SearchError::InUse,
        other => SearchError::Index(other),
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it, or starting it over when it was
    /// built by another version (it is a cache of the database).
    pub fn open(dir: &Path, synonyms: Synonyms) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(dir.display().to_string(), e))?;
        let existing = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir).ok().filter(|index| {
                index.schema() == schema
                    && read_state(index).is_none_or(|state| {
                        state.version == SCHEMA_VERSION && state.synonyms == synonyms.digest()
                    })
            })
        } else {
            None
        };
        let index = match existing {
            Some(index) => index,
            None => {
                std::fs::remove_dir_all(dir)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| SearchError::Io(dir.display().to_string(), e))?;
                Index::create_in_dir(dir, schema)?
            }
        };
        SearchIndex::with_index(index, fields, synonyms)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory(synonyms: Synonyms) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        SearchIndex::with_index(Index::create_in_ram(schema), fields, synonyms)
    }

    fn with_index(
        index: Index,
        fields: Fields,
        synonyms: Synonyms,
    ) -> Result<SearchIndex, SearchError> {
        register_analyzers(&index);
        // One indexing thread: documents keep the order they were added in,
        // so equal scores rank the same way on every instance and every run.
        let writer = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .map_err(writer_error)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(writer),
            synonym_phrases: PhraseTable::new(&synonyms),
            synonyms,
            facet_tables: Arc::default(),
            results: moka::sync::Cache::new(CACHED_RESULTS),
        })
    }

    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        // A panic while holding the writer cannot leave it half-written in a
        // way tantivy does not recover from at the next commit.
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the last commit left the index (none for a new index).
    /// The fingerprint of the synonym list this index searches with.
    pub fn synonyms_digest(&self) -> u32 {
        self.synonyms.digest()
    }

    pub fn state(&self) -> Option<IndexState> {
        read_state(&self.index)
    }

    /// Documents visible to searches.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        self.reader
            .searcher()
            .space_usage()
            .map(|usage| usage.total().get_bytes())
            .unwrap_or(0)
    }

    fn to_tantivy(&self, document: &SearchDocument) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::new();
        doc.add_text(f.key, document.key());
        doc.add_text(f.kind, document.kind.entity());
        doc.add_text(f.target, &document.target);
        doc.add_bool(f.verified, document.verified);
        doc.add_text(f.title_es, &document.title_es);
        doc.add_text(f.title_en, &document.title_en);
        // Everything a word can match, in one field per language: a query
        // walks two posting lists per word instead of six. Titles are also
        // indexed alone, to rank title matches higher.
        for (field, parts) in [
            (
                f.body_es,
                [&document.title_es, &document.text_es, &document.tags_es],
            ),
            (
                f.body_en,
                [&document.title_en, &document.text_en, &document.tags_en],
            ),
        ] {
            for part in parts {
                doc.add_text(field, part);
            }
        }
        let mut groups = BTreeSet::new();
        for (lang, parts) in [
            (
                Lang::Es,
                [&document.title_es, &document.text_es, &document.tags_es],
            ),
            (
                Lang::En,
                [&document.title_en, &document.text_en, &document.tags_en],
            ),
        ] {
            for part in parts {
                self.synonym_phrases.groups_in(lang, part, &mut groups);
            }
        }
        for group in groups {
            doc.add_text(f.synonym_groups, group.to_string());
        }
        doc.add_text(f.excerpt_es, excerpt_source(&document.text_es));
        doc.add_text(f.excerpt_en, excerpt_source(&document.text_en));
        doc.add_facet(f.facets, facet(FacetKind::Type, document.kind.entity()));
        for (kind, value) in &document.facets {
            doc.add_facet(f.facets, facet(*kind, value));
            doc.add_text(f.facet_values, format!("{}/{value}", kind.segment()));
        }
        doc
    }

    /// Replaces the given records (a missing document removes the record) and
    /// commits them together with the new state.
    pub fn apply(
        &self,
        changes: &[(SearchableKind, String, Option<SearchDocument>)],
        state: &IndexState,
    ) -> Result<(), SearchError> {
        let mut writer = self.writer();
        for (kind, id, document) in changes {
            writer.delete_term(Term::from_field_text(
                self.fields.key,
                &document_key(*kind, id),
            ));
            if let Some(document) = document {
                writer.add_document(self.to_tantivy(document))?;
            }
        }
        self.commit(&mut writer, state)
    }

    /// Empties the index, to refill it with `add` and `finish`.
    pub fn begin_rebuild(&self) -> Result<(), SearchError> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Adds documents during a rebuild (visible after `finish`).
    pub fn add(&self, documents: &[SearchDocument]) -> Result<(), SearchError> {
        let writer = self.writer();
        for document in documents {
            writer.add_document(self.to_tantivy(document))?;
        }
        Ok(())
    }

    /// Commits a rebuild with the state it reached, then merges it into one
    /// segment: a query then walks one posting list per term, not one per
    /// segment (the follower's later small commits are merged in the
    /// background by tantivy's policy).
    pub fn finish(&self, state: &IndexState) -> Result<(), SearchError> {
        let mut writer = self.writer();
        self.commit(&mut writer, state)?;
        let segments = self.index.searchable_segment_ids()?;
        if segments.len() > 1 {
            writer.merge(&segments).wait()?;
            self.reader.reload()?;
        }
        Ok(())
    }

    fn commit(&self, writer: &mut IndexWriter, state: &IndexState) -> Result<(), SearchError> {
        let payload = serde_json::to_string(state).map_err(SearchError::State)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Runs a search. Never fails on what was typed: odd input gives notices.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let generation = self.reader.searcher().generation().generation_id();
        // Identical searches at once wait for the first one's results.
        let results = self
            .results
            .try_get_with((request.clone(), generation), || {
                self.search_uncached(request).map(Arc::new)
            })
            .map_err(SearchError::Shared)?;
        Ok(SearchResults::clone(&results))
    }

    fn search_uncached(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let parsed = parse(&request.text, &self.synonyms);
        let mut notices = parsed.notices.clone();
        let filters: Vec<(Occur, Box<dyn Query>)> = request
            .filters()
            .into_iter()
            .map(|(kind, value)| {
                let term = Term::from_facet(self.fields.facets, &facet(kind, value));
                let query: Box<dyn Query> = Box::new(ConstScoreQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                    0.0,
                ));
                (Occur::Must, query)
            })
            .collect();
        if request.text.trim().is_empty() {
            let mut all = filters;
            all.push((Occur::Must, Box::new(AllQuery)));
            let page = Pass {
                offset: request.offset,
                limit: request.limit,
                facets: request.facets,
                count: true,
            };
            return self.run(
                &BooleanQuery::new(all),
                request,
                page,
                &Matcher::default(),
                notices,
            );
        }
        let mut exact_matcher = Matcher::default();
        let exact = self.clauses(&parsed, Strictness::Exact, &mut exact_matcher);
        if exact.required.is_empty() {
            notices.push(Notice::OnlyCommonWords);
            return Ok(SearchResults {
                notices,
                ..SearchResults::default()
            });
        }
        let several = exact.required.len() > 1;
        let with_filters = |core: Box<dyn Query>| -> BooleanQuery {
            let mut parts = vec![(Occur::Must, core)];
            parts.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
            BooleanQuery::new(parts)
        };
        let page = Pass {
            offset: request.offset,
            limit: request.limit,
            facets: request.facets,
            count: true,
        };

        // Every word, as typed.
        let mut base_query = exact.all();
        let mut base = self.run(
            &with_filters(base_query.box_clone()),
            request,
            page,
            &exact_matcher,
            notices.clone(),
        )?;
        // Nothing as typed: every word, one letter apart.
        let mut approximate_matcher = Matcher::default();
        let approximate = self.clauses(&parsed, Strictness::Approximate, &mut approximate_matcher);
        if base.total == 0 && !approximate_matcher.fuzzy_es.is_empty() {
            let query = approximate.all();
            let mut step = notices.clone();
            step.push(Notice::Approximate);
            let found = self.run(
                &with_filters(query.box_clone()),
                request,
                page,
                &approximate_matcher,
                step,
            )?;
            if found.total > 0 {
                base = found;
                base_query = query;
            }
        }
        if !several || request.offset > 0 || base.total >= request.limit as u64 {
            return Ok(base);
        }
        // Less than a page has every word: the rest of the first page goes to
        // the best results with some of the words (ranked, not counted, so a
        // narrow query costs little more), which then count in the total and
        // the facets. A query with a page or more of full matches is never
        // diluted.
        let some_words: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, approximate.any()),
            (Occur::MustNot, base_query),
        ]));
        let room = request.limit.saturating_sub(base.hits.len());
        let rest_pass = Pass {
            offset: 0,
            limit: room,
            facets: false,
            count: false,
        };
        let rest = self.run(
            &with_filters(some_words),
            request,
            rest_pass,
            &approximate_matcher,
            Vec::new(),
        )?;
        if rest.hits.is_empty() {
            return Ok(base);
        }
        let mut combined = base;
        combined.notices.push(if combined.total == 0 {
            Notice::SomeWords
        } else {
            Notice::AlsoSomeWords
        });
        combined.total += rest.hits.len() as u64;
        if request.facets {
            for hit in &rest.hits {
                let kinds = std::iter::once((FacetKind::Type, hit.kind.entity().to_owned()));
                for (kind, value) in kinds.chain(hit.facets.iter().cloned()) {
                    let counts = combined.facets.entry(kind).or_default();
                    match counts.iter_mut().find(|(v, _)| *v == value) {
                        Some((_, existing)) => *existing += 1,
                        None => counts.push((value, 1)),
                    }
                }
            }
            for counts in combined.facets.values_mut() {
                counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                counts.truncate(MAX_FACET_VALUES);
            }
        }
        combined.hits.extend(rest.hits);
        Ok(combined)
    }

    fn run(
        &self,
        query: &dyn Query,
        request: &SearchRequest,
        pass: Pass,
        matcher: &Matcher,
        notices: Vec<Notice>,
    ) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(pass.limit.max(1))
            .and_offset(pass.offset)
            .order_by_score();
        let (top, total, facet_counts) = if pass.facets {
            let live: Vec<_> = searcher
                .segment_readers()
                .iter()
                .map(|segment| segment.segment_id())
                .collect();
            self.facet_tables.keep_only(&live);
            let counter = FacetCounter {
                field: "facets",
                tables: Arc::clone(&self.facet_tables),
            };
            let (top, total, counts) = searcher.search(query, &(top, Count, counter))?;
            (top, total, Some(counts))
        } else if pass.count {
            let (top, total) = searcher.search(query, &(top, Count))?;
            (top, total, None)
        } else {
            let top = searcher.search(query, &top)?;
            let total = top.len();
            (top, total, None)
        };
        let hits = top
            .into_iter()
            .take(pass.limit)
            .map(|(score, address)| self.hit(&searcher, address, score, request.lang, matcher))
            .collect::<Result<Vec<_>, _>>()?;
        let mut facets = BTreeMap::new();
        if let Some(mut counts) = facet_counts {
            for kind in FacetKind::ALL {
                let mut values: Vec<(String, u64)> = counts
                    .remove(&kind)
                    .map(|values| values.into_iter().collect())
                    .unwrap_or_default();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(MAX_FACET_VALUES);
                facets.insert(kind, values);
            }
        }
        Ok(SearchResults {
            total: total as u64,
            hits: hits.into_iter().flatten().collect(),
            facets,
            notices,
        })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: Score,
        lang: Lang,
        matcher: &Matcher,
    ) -> Result<Option<Hit>, SearchError> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let Some(kind) = SearchableKind::from_entity(&text(f.kind)) else {
            return Ok(None);
        };
        let key = text(f.key);
        let id = key
            .split_once(':')
            .map(|(_, id)| id.to_owned())
            .unwrap_or_default();
        let (first, second) = match lang {
            Lang::Es => ((f.title_es, f.excerpt_es), (f.title_en, f.excerpt_en)),
            Lang::En => ((f.title_en, f.excerpt_en), (f.title_es, f.excerpt_es)),
        };
        let pick = |a: Field, b: Field| {
            let value = text(a);
            if value.is_empty() { text(b) } else { value }
        };
        let title = pick(first.0, second.0);
        let excerpt = pick(first.1, second.1);
        Ok(Some(Hit {
            kind,
            id,
            target: text(f.target),
            title,
            snippet: snippet(matcher, &excerpt),
            score,
            verified: doc
                .get_first(f.verified)
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            facets: doc
                .get_all(f.facet_values)
                .filter_map(|v| v.as_str())
                .filter_map(|v| {
                    let (kind, value) = v.split_once('/')?;
                    let kind = FacetKind::from_segment(kind)?;
                    Some((kind, value.to_owned()))
                })
                .collect(),
        }))
    }

    /// The field a word of `lang` must match, and the title that ranks it higher.
    fn fields_of(&self, lang: Lang) -> (Field, Field) {
        let f = self.fields;
        match lang {
            Lang::Es => (f.body_es, f.title_es),
            Lang::En => (f.body_en, f.title_en),
        }
    }

    /// One query per clause; clauses of only common words drop out.
    fn clauses(
        &self,
        parsed: &ParsedQuery,
        strictness: Strictness,
        matcher: &mut Matcher,
    ) -> Clauses {
        let fuzzy = strictness != Strictness::Exact;
        let mut boosts = Vec::new();
        let required = parsed
            .clauses
            .iter()
            .filter_map(|clause| {
                let mut alternatives = Vec::new();
                match clause {
                    Clause::Word { text, prefix } => {
                        let mut found = (&mut alternatives, &mut boosts);
                        self.word(text, *prefix, fuzzy, matcher, &mut found);
                    }
                    Clause::Phrase(text) => {
                        let found = &mut (&mut alternatives, &mut boosts);
                        self.phrases(&[text.as_str()], None, matcher, found);
                    }
                    Clause::Synonym { text, group } => {
                        let terms: Vec<&str> = self
                            .synonyms
                            .group(*group)
                            .iter()
                            .map(String::as_str)
                            .collect();
                        let found = &mut (&mut alternatives, &mut boosts);
                        self.phrases(&terms, Some(*group), matcher, found);
                        // The words as typed rank above their synonyms.
                        for lang in [Lang::Es, Lang::En] {
                            let typed = synonym_phrases::analyze_phrase(lang, text);
                            if typed.len() > 1 {
                                boosts.push(phrase_query(self.fields_of(lang).0, &typed));
                            }
                        }
                    }
                }
                (!alternatives.is_empty())
                    .then(|| Box::new(AnyOf::new(alternatives)) as Box<dyn Query>)
            })
            .collect();
        Clauses { required, boosts }
    }

    fn word(
        &self,
        text: &str,
        prefix: bool,
        fuzzy: bool,
        matcher: &mut Matcher,
        (out, boosts): &mut (&mut Queries, &mut Queries),
    ) {
        let es = analyzers::analyze_terms(Analysis::Spanish, text);
        let en = analyzers::analyze_terms(Analysis::English, text);
        let folded = analyzers::analyze_terms(Analysis::Plain, text).concat();
        // A common word in either language is not searched, even as the
        // start of a longer one: "para" would otherwise match "paramédico".
        if es.is_empty() || en.is_empty() {
            return;
        }
        let typing = prefix && folded.chars().count() >= MIN_PREFIX_CHARS;
        let approximate = fuzzy && text.chars().count() >= MIN_FUZZY_CHARS;
        for (lang, terms) in [(Lang::Es, &es), (Lang::En, &en)] {
            for term in terms.iter() {
                match lang {
                    Lang::Es => matcher.es_terms.insert(term.clone()),
                    Lang::En => matcher.en_terms.insert(term.clone()),
                };
                let (body, title) = self.fields_of(lang);
                let t = Term::from_field_text(body, term);
                out.push(Box::new(TermQuery::new(
                    t.clone(),
                    IndexRecordOption::WithFreqs,
                )));
                if approximate {
                    out.push(boosted(Box::new(FuzzyTermQuery::new(t, 1, true)), 0.5));
                }
                let in_title = Term::from_field_text(title, term);
                if approximate {
                    boosts.push(boosted(
                        Box::new(FuzzyTermQuery::new(in_title.clone(), 1, true)),
                        TITLE_BOOST * 0.5,
                    ));
                }
                boosts.push(boosted(
                    Box::new(TermQuery::new(in_title, IndexRecordOption::WithFreqs)),
                    TITLE_BOOST,
                ));
                if approximate {
                    match lang {
                        Lang::Es => matcher.fuzzy_es.push(term.clone()),
                        Lang::En => matcher.fuzzy_en.push(term.clone()),
                    }
                }
            }
        }
        if typing {
            matcher.prefixes.push(folded.clone());
            for lang in [Lang::Es, Lang::En] {
                let t = Term::from_field_text(self.fields_of(lang).0, &folded);
                out.push(boosted(
                    Box::new(FuzzyTermQuery::new_prefix(t, 0, false)),
                    0.5,
                ));
            }
        }
    }

    /// Alternatives that match the same documents: each text as a phrase in
    /// each language, without repeats, and without a phrase that contains
    /// another alternative ("servicios de salud" adds nothing to "salud").
    ///
    /// A synonym group's multi-word terms were found when documents were
    /// indexed: one term query stands for all of them in the body.
    fn phrases(
        &self,
        texts: &[&str],
        group: Option<usize>,
        matcher: &mut Matcher,
        (out, boosts): &mut (&mut Queries, &mut Queries),
    ) {
        let indexed = group.filter(|g| self.synonym_phrases.has_phrases(*g));
        if let Some(group) = indexed {
            out.push(Box::new(TermQuery::new(
                Term::from_field_text(self.fields.synonym_groups, &group.to_string()),
                IndexRecordOption::WithFreqs,
            )));
        }
        for lang in [Lang::Es, Lang::En] {
            let mut analyzed: Vec<AnalyzedPhrase> = Vec::new();
            for text in texts {
                let phrase = self.analyze_phrase(text, lang, matcher);
                if !phrase.is_empty() && !analyzed.contains(&phrase) {
                    analyzed.push(phrase);
                }
            }
            let (body, title) = self.fields_of(lang);
            for phrase in &analyzed {
                let redundant = analyzed
                    .iter()
                    .any(|other| other != phrase && contains(phrase, other));
                if !redundant {
                    if indexed.is_none() || phrase.len() == 1 {
                        out.push(phrase_query(body, phrase));
                    }
                    boosts.push(boosted(phrase_query(title, phrase), TITLE_BOOST));
                }
            }
        }
    }

    /// The terms of `text` in `lang`, at positions relative to the first;
    /// its meaningful words are marked in excerpts.
    fn analyze_phrase(&self, text: &str, lang: Lang, matcher: &mut Matcher) -> AnalyzedPhrase {
        let tokens = analyzers::analyze(Analysis::of(lang), text);
        let Some(first) = tokens.first().map(|t| t.position) else {
            return Vec::new();
        };
        for token in &tokens {
            // A word common in the other language ("del" is not an English
            // stop word) would otherwise be marked all over the excerpt.
            let word = text.get(token.from..token.to).unwrap_or_default();
            if is_common_word(word) {
                continue;
            }
            match lang {
                Lang::Es => matcher.es_terms.insert(token.term.clone()),
                Lang::En => matcher.en_terms.insert(token.term.clone()),
            };
        }
        tokens
            .into_iter()
            .map(|t| (t.position - first, t.term))
            .collect()
    }
}

/// Whether every document with `phrase` also has `part`: `part`'s terms
/// appear in `phrase` at the same distances from each other.
fn contains(phrase: &AnalyzedPhrase, part: &AnalyzedPhrase) -> bool {
    let Some((part_first, _)) = part.first() else {
        return false;
    };
    phrase.iter().any(|(start, _)| {
        part.iter().all(|(offset, term)| {
            let at = start + offset - part_first;
            phrase.iter().any(|(p, t)| *p == at && t == term)
        })
    })
}

fn phrase_query(field: Field, phrase: &AnalyzedPhrase) -> Box<dyn Query> {
    if let [(_, only)] = phrase.as_slice() {
        Box::new(TermQuery::new(
            Term::from_field_text(field, only),
            IndexRecordOption::WithFreqs,
        ))
    } else {
        Box::new(PhraseQuery::new_with_offset(
            phrase
                .iter()
                .map(|(position, term)| (*position, Term::from_field_text(field, term)))
                .collect(),
        ))
    }
}

/// Whether either language's analyzer drops `word` as a stop word.
fn is_common_word(word: &str) -> bool {
    analyzers::analyze(Analysis::Spanish, word).is_empty()
        || analyzers::analyze(Analysis::English, word).is_empty()
}

fn boosted(query: Box<dyn Query>, boost: Score) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn facet(kind: FacetKind, value: &str) -> Facet {
    Facet::from_path([kind.segment(), value])
}

/// The beginning of a text, cut at a character boundary, that excerpts come from.
fn excerpt_source(text: &str) -> &str {
    if text.len() <= EXCERPT_SOURCE_BYTES {
        return text;
    }
    let mut end = EXCERPT_SOURCE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn read_state(index: &Index) -> Option<IndexState> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}
