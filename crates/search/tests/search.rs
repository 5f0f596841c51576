//! The index through its public API, fed from a real database: on SQLite
//! and, when ACOGE_TEST_DATABASE_URL is set, on PostgreSQL.

use acoge_domain::{
    Lang,
    page::PageRequest,
    practice::{PracticeInput, PracticeStatus},
};
use acoge_formats::reference::ReferenceFiles;
use acoge_search::{
    Follower, Labels, Notice, SearchIndex, SearchRequest, SearchResults, Source, Synonyms,
};
use acoge_store::{
    Backend, Db, NewPractice, OrganizationFilter, SearchableKind, Wake,
    scratch::{ScratchDatabase, test_backends},
};
use std::{sync::Arc, time::Duration};
use uuid::Uuid;

/// Labels as keys: enough to see that they reach the index.
struct KeyLabels;

impl Labels for KeyLabels {
    fn label(&self, message_key: &str, lang: Lang) -> String {
        match (message_key, lang) {
            ("taxonomy-right-salud", Lang::En) => "Health".into(),
            ("taxonomy-right-salud", Lang::Es) => "Salud".into(),
            _ => String::new(),
        }
    }
}

async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Db, Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in test_backends() {
        let scratch = ScratchDatabase::create(backend).await.unwrap();
        let files = ReferenceFiles::embedded();
        scratch
            .db
            .import_reference(&files.parse().unwrap(), &files.digest(), &|_| {})
            .await
            .unwrap();
        test(scratch.db.clone(), backend).await;
        scratch.remove().await;
    }
}

async fn follower(db: &Db, index: Arc<SearchIndex>) -> Follower {
    let source = Source::new(db.clone(), Arc::new(KeyLabels)).await.unwrap();
    Follower::new(index, source).await.unwrap()
}

fn memory_index() -> Arc<SearchIndex> {
    Arc::new(SearchIndex::in_memory(Synonyms::built_in().unwrap()).unwrap())
}

fn search(index: &SearchIndex, text: &str) -> SearchResults {
    index.search(&SearchRequest::new(text, Lang::Es)).unwrap()
}

fn ids(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.id.clone()).collect()
}

async fn lead(db: &Db) -> Uuid {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items[0]
        .id
}

async fn publish(db: &Db, title: &str, summary: &str) -> Uuid {
    let content = PracticeInput {
        title: title.into(),
        summary: summary.into(),
        municipalities: vec!["07089".into()],
        lead_organization: lead(db).await.to_string(),
        rights: vec!["salud".into()],
        sectors: vec!["salud".into()],
        ..Default::default()
    }
    .validate()
    .unwrap();
    db.create_practice(&NewPractice {
        content: &content,
        status: PracticeStatus::Published,
        slug: None,
        created_by: None,
        author_organization: None,
        is_example: false,
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_rebuilt_index_finds_places_institutions_and_legal_provisions() {
    each_backend(|db, backend| async move {
        let index = memory_index();
        let mut follower = follower(&db, index.clone()).await;
        assert!(follower.needs_rebuild().await.unwrap());
        let mut last = (0, 0);
        let documents = follower
            .rebuild(&mut |done, total| last = (done, total))
            .await
            .unwrap();
        assert!(documents > 2500, "{backend:?}: {documents}");
        assert_eq!(last.0, last.1, "progress reaches the total");
        assert!(!follower.needs_rebuild().await.unwrap());

        let tapachula = search(&index, "Tapachula");
        assert_eq!(tapachula.hits[0].id, "07089", "{backend:?}");
        assert_eq!(tapachula.hits[0].kind, SearchableKind::Municipality);
        let comar = search(&index, "comision mexicana de ayuda a refugiados");
        assert_eq!(
            comar.hits[0].kind,
            SearchableKind::Organization,
            "{backend:?}"
        );
        assert!(comar.hits[0].title.contains("COMAR"));
        // The acronym alone reaches the same organization through the synonyms.
        assert_eq!(search(&index, "COMAR").hits[0].id, comar.hits[0].id);
        let law = search(&index, "ley de migracion");
        assert!(
            law.hits.iter().any(|h| h.kind == SearchableKind::Provision),
            "{backend:?}"
        );
        // Facets count every match, by kind.
        let kinds = &law.facets[&acoge_search::FacetKind::Type];
        assert_eq!(kinds.iter().map(|(_, n)| n).sum::<u64>(), law.total);
    })
    .await;
}

#[tokio::test]
async fn the_follower_applies_changes_in_outbox_order_and_drops_what_is_no_longer_public() {
    each_backend(|db, backend| async move {
        let index = memory_index();
        let mut follower = follower(&db, index.clone()).await;
        follower.rebuild(&mut |_, _| {}).await.unwrap();
        let applied = follower.applied();

        let id = publish(
            &db,
            "Jornadas de vacunación en Tapachula",
            "Brigadas de salud en albergues.",
        )
        .await;
        assert!(
            search(&index, "vacunacion").hits.is_empty(),
            "not before the follower runs"
        );
        assert!(follower.catch_up().await.unwrap() >= 1);
        assert_eq!(*applied.borrow(), db.outbox_head().await.unwrap());
        let found = search(&index, "vacunacion tapachula");
        assert_eq!(found.hits[0].id, id.to_string(), "{backend:?}");
        // Less than a page has every word: what has some of them follows.
        assert!(found.notices.contains(&Notice::AlsoSomeWords), "{found:?}");
        // Words are marked in the excerpt as written, whatever their inflection.
        let snippet = &search(&index, "albergue tapachula").hits[0].snippet;
        assert!(
            snippet
                .highlights
                .iter()
                .any(|&(a, b)| &snippet.text[a..b] == "albergues"),
            "{snippet:?}"
        );
        // The English label of a right reaches the Spanish practice.
        let mut english = SearchRequest::new("health", Lang::En);
        english.kind = Some(SearchableKind::Practice);
        assert_eq!(ids(&index.search(&english).unwrap()), vec![id.to_string()]);

        let mut changed = db.practice(id).await.unwrap().unwrap().content;
        changed.title = "Jornadas de atención médica en Tapachula".into();
        db.update_practice(id, &changed, None).await.unwrap();
        follower.catch_up().await.unwrap();
        assert!(search(&index, "medica tapachula").total >= 1);
        assert!(
            !ids(&search(&index, "vacunacion")).contains(&id.to_string()),
            "{backend:?}: the old title is gone"
        );

        let actor = Uuid::now_v7();
        db.set_practice_status(
            id,
            PracticeStatus::Published,
            PracticeStatus::ChangesRequested,
            actor,
            &[],
        )
        .await
        .unwrap();
        follower.catch_up().await.unwrap();
        assert!(
            !ids(&search(&index, "medica tapachula")).contains(&id.to_string()),
            "{backend:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_commit_wakes_the_change_feed() {
    each_backend(|db, backend| async move {
        let mut feed = db.change_feed().await.unwrap();
        let writer = db.clone();
        let started = std::time::Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            publish(
                &writer,
                "Feria de empleo",
                "Empleo para personas refugiadas.",
            )
            .await;
        });
        let wake = feed.wait(Duration::from_secs(10)).await;
        assert_ne!(
            wake,
            Wake::Poll,
            "{backend:?}: woken by the commit, not by the poll"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

#[tokio::test]
async fn an_index_on_disk_keeps_its_cursor_and_is_rebuilt_for_another_database() {
    let dir = tempfile::tempdir().unwrap();
    each_backend(|db, backend| {
        let path = dir.path().join(format!("{backend:?}"));
        async move {
            {
                let index =
                    Arc::new(SearchIndex::open(&path, Synonyms::built_in().unwrap()).unwrap());
                let mut follower = follower(&db, index.clone()).await;
                follower.rebuild(&mut |_, _| {}).await.unwrap();
                assert_eq!(
                    index.state().unwrap().cursor,
                    db.outbox_head().await.unwrap()
                );
                // A second writer on the same folder is refused, clearly.
                let second = SearchIndex::open(&path, Synonyms::built_in().unwrap());
                assert!(
                    matches!(second, Err(acoge_search::SearchError::InUse)),
                    "{backend:?}"
                );
            }
            let index = Arc::new(SearchIndex::open(&path, Synonyms::built_in().unwrap()).unwrap());
            assert!(
                index.len() > 2500,
                "{backend:?}: the documents survive a restart"
            );
            let follower_again = follower(&db, index.clone()).await;
            assert!(!follower_again.needs_rebuild().await.unwrap());
            drop(follower_again);
            drop(index);
            // Another synonym list: its groups are in the index, so it starts over.
            let other_synonyms = Synonyms::parse("albergue | casa del migrante\n").unwrap();
            let index = Arc::new(SearchIndex::open(&path, other_synonyms).unwrap());
            assert_eq!(index.len(), 0, "{backend:?}");
            assert!(
                follower(&db, index.clone())
                    .await
                    .needs_rebuild()
                    .await
                    .unwrap()
            );
            drop(index);
            let index = Arc::new(SearchIndex::open(&path, Synonyms::built_in().unwrap()).unwrap());
            follower(&db, index.clone())
                .await
                .rebuild(&mut |_, _| {})
                .await
                .unwrap();
            // Another database (here: a new scratch one) does not trust this index.
            let other = ScratchDatabase::create(backend).await.unwrap();
            let stranger = follower(&other.db, index.clone()).await;
            assert!(stranger.needs_rebuild().await.unwrap());
            other.remove().await;
        }
    })
    .await;
}

#[tokio::test]
async fn odd_queries_get_answers_not_errors() {
    let index = memory_index();
    // Empty: everything, for browsing, with facet counts.
    let all = search(&index, "   ");
    assert_eq!(all.total, 0);
    let long = "albergue ".repeat(2000);
    let results = search(&index, &long);
    assert!(results.notices.contains(&Notice::Truncated));
    assert!(
        search(&index, "\"integración local")
            .notices
            .contains(&Notice::UnbalancedQuote)
    );
    assert!(
        search(&index, "de la los")
            .notices
            .contains(&Notice::OnlyCommonWords)
    );
    assert!(
        search(&index, "the of")
            .notices
            .contains(&Notice::OnlyCommonWords)
    );
    for odd in ["\"", "\"\"", "*", "a:b", "((", "ñ", "🙂", "-", "AND OR NOT"] {
        search(&index, odd);
    }
}
