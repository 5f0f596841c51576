//! The store's behaviour, run on SQLite and, when ACOGE_TEST_DATABASE_URL is
//! set, on PostgreSQL too: the same assertions on both backends.

use acoge_domain::{Cvegeo, StateKey, page::PageRequest, taxonomy::MigrationContext};
use acoge_formats::reference::ReferenceFiles;
use acoge_store::{
    Backend, ContextScope, Db, ImportOutcome, MunicipalityFilter, OrganizationFilter, StoreError,
    scratch::{ScratchDatabase, test_backends},
};
use std::future::Future;

/// Runs `test` once per backend on a fresh, migrated database.
async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Db, Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in test_backends() {
        let scratch = ScratchDatabase::create(backend)
            .await
            .unwrap_or_else(|e| panic!("cannot create a {backend:?} database: {e}"));
        test(scratch.db.clone(), backend).await;
        scratch.remove().await;
    }
}

async fn imported(db: &Db) {
    let files = ReferenceFiles::embedded();
    let data = files.parse().unwrap();
    let outcome = db
        .import_reference(&data, &files.digest(), &|_| {})
        .await
        .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(n) if n > 2500));
}

fn key(cvegeo: &str) -> Cvegeo {
    Cvegeo::parse(cvegeo).unwrap()
}

#[test]
fn migrations_have_the_same_versions_on_both_backends() {
    let sqlite = Db::migration_versions(Backend::Sqlite);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, Db::migration_versions(Backend::Postgres));
    let names = |dir: &str| {
        let mut names: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[tokio::test]
async fn reference_data_is_imported_with_its_quirks_and_sources() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let figures = db.key_figures().await.unwrap();
        assert_eq!(
            (figures.states, figures.municipalities),
            (32, 2478),
            "{backend:?}"
        );
        assert_eq!(figures.organizations, 25);
        assert_eq!(figures.events, 1);
        assert_eq!(figures.legal_instruments, 16);
        assert_eq!(figures.provisions, 16);

        let tapachula = db.municipality(&key("07089")).await.unwrap().unwrap();
        assert_eq!(tapachula.name, "Tapachula");
        assert_eq!(tapachula.population, Some(353_706));
        let seat = tapachula.seat.unwrap();
        assert!(
            (seat.lat - 14.9).abs() < 0.1 && (seat.lon + 92.26).abs() < 0.1,
            "{seat:?}"
        );

        // Quirks: no seat coordinates, no population, no seat key.
        assert!(
            db.municipality(&key("12083"))
                .await
                .unwrap()
                .unwrap()
                .seat
                .is_none()
        );
        let no_population = db.municipality(&key("24059")).await.unwrap().unwrap();
        assert_eq!(
            no_population.population, None,
            "a missing figure is None, never 0"
        );
        let alcaldia = db.municipality(&key("09002")).await.unwrap().unwrap();
        assert_eq!(alcaldia.seat_key, None);

        let contexts = db
            .municipal_contexts(ContextScope::Municipality(&key("07089")))
            .await
            .unwrap();
        assert!(
            contexts
                .iter()
                .any(|c| c.context.context == MigrationContext::SouthernBorder)
        );
        assert!(contexts.iter().all(|c| c.municipality_name == "Tapachula"));
        assert!(
            contexts
                .iter()
                .all(|c| !c.context.provenance.sources.is_empty())
        );

        let all = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap();
        let unverified = all
            .items
            .iter()
            .find(|o| o.name == "Red Re-Integración")
            .unwrap();
        assert!(!unverified.provenance.verified);
        assert!(unverified.provenance.sources.is_empty());

        let laws = db
            .state_laws(Some(&StateKey::parse("09").unwrap()))
            .await
            .unwrap();
        assert_eq!(laws.len(), 1);
        assert_eq!(
            laws[0].published.unwrap().to_string(),
            "2011",
            "partial dates keep their precision"
        );
        assert_eq!(db.covid_measures().await.unwrap().len(), 7);
        let asylum = db.asylum_applications().await.unwrap();
        assert_eq!(asylum.len(), 11);
        assert!(
            asylum.iter().all(|a| !a.provenance.verified),
            "COMAR figures disagree: por verificar"
        );
        let provisions = db.provisions().await.unwrap();
        assert!(
            provisions
                .iter()
                .all(|p| !p.binds.is_empty() && !p.rights.is_empty())
        );
        assert!(
            db.outbox_head().await.unwrap() > 0,
            "searchable records reach the outbox"
        );
    })
    .await;
}

#[tokio::test]
async fn importing_the_same_data_twice_changes_nothing() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let before = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap();
        let head = db.outbox_head().await.unwrap();
        let files = ReferenceFiles::embedded();
        let again = db
            .import_reference(&files.parse().unwrap(), &files.digest(), &|_| {})
            .await
            .unwrap();
        assert_eq!(again, ImportOutcome::AlreadyCurrent);
        let after = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap();
        assert_eq!(before.items, after.items);
        assert_eq!(head, db.outbox_head().await.unwrap());

        // A changed data set updates in place and keeps the ids.
        let changed = files.clone().with_file(
            "organizaciones.csv",
            files
                .get("organizaciones.csv")
                .replace("Recibe quejas por discriminación", "Recibe quejas"),
        );
        let outcome = db
            .import_reference(&changed.parse().unwrap(), &changed.digest(), &|_| {})
            .await
            .unwrap();
        assert!(matches!(outcome, ImportOutcome::Imported(_)));
        let updated = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap();
        let ids = |page: &acoge_domain::page::Page<acoge_domain::organization::Organization>| {
            page.items.iter().map(|o| o.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&before), ids(&updated));
        assert!(
            updated
                .items
                .iter()
                .any(|o| o.description == "Recibe quejas")
        );
    })
    .await;
}

#[tokio::test]
async fn a_failing_import_leaves_nothing_behind() {
    on_each_backend(|db, _| async move {
        let files = ReferenceFiles::embedded();
        let mut data = files.parse().unwrap();
        data.events[0]
            .organizer_names
            .push("Organización que no existe".into());
        let err = db
            .import_reference(&data, &files.digest(), &|_| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::MissingReference(ref m) if m.contains("no existe")),
            "{err}"
        );
        let figures = db.key_figures().await.unwrap();
        assert_eq!(
            (
                figures.states,
                figures.municipalities,
                figures.organizations
            ),
            (0, 0, 0)
        );
        assert_eq!(db.reference_digest().await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn municipalities_filter_by_state_context_and_accentless_name() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let chiapas = MunicipalityFilter {
            state: Some(StateKey::parse("07").unwrap()),
            ..Default::default()
        };
        let first = db
            .municipalities(&chiapas, PageRequest::new(1, 50).unwrap())
            .await
            .unwrap();
        assert_eq!(first.total, 124);
        assert_eq!(first.items.len(), 50);
        let last = db
            .municipalities(&chiapas, PageRequest::new(3, 50).unwrap())
            .await
            .unwrap();
        assert_eq!(last.items.len(), 24);
        assert!(first.items.iter().all(|m| m.state_key.as_str() == "07"));

        let southern_border = MunicipalityFilter {
            context: Some(MigrationContext::SouthernBorder),
            ..Default::default()
        };
        let border = db
            .municipalities(&southern_border, PageRequest::default())
            .await
            .unwrap();
        assert!(border.items.iter().any(|m| m.cvegeo.as_str() == "07089"));

        let by_name = MunicipalityFilter {
            name: Some("JUAREZ".into()),
            ..Default::default()
        };
        let juarez = db
            .municipalities(&by_name, PageRequest::first(100))
            .await
            .unwrap();
        assert!(
            juarez.items.iter().any(|m| m.name == "Juárez"),
            "accents and case are ignored"
        );
        let wildcard = MunicipalityFilter {
            name: Some("%".into()),
            ..Default::default()
        };
        assert_eq!(
            db.municipalities(&wildcard, PageRequest::default())
                .await
                .unwrap()
                .total,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn the_founding_event_keeps_its_instants_to_the_microsecond() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let by_slug = db.event("lav-2020-11-10").await.unwrap().unwrap();
        let by_id = db.event(&by_slug.id.to_string()).await.unwrap().unwrap();
        assert_eq!(by_slug, by_id);
        assert_eq!(
            by_slug.schedule.starts_at.to_string(),
            "2020-11-10T18:00:00Z"
        );
        assert_eq!(by_slug.schedule.ends_at.to_string(), "2020-11-10T21:00:00Z");
        assert_eq!(by_slug.schedule.time_zone, "CET");
        assert_eq!(by_slug.organizers.len(), 8);
        assert_eq!(by_slug.guiding_questions.len(), 4);
        assert!(
            by_slug
                .guiding_questions
                .iter()
                .all(|q| !q.es.is_empty() && !q.en.is_empty())
        );
        assert_eq!(by_slug.links.len(), 4);
        assert_eq!(by_slug.id.get_version_num(), 7, "ids are UUIDv7");
        assert!(db.event("no-such-event").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn bad_database_urls_are_typed_errors() {
    assert!(matches!(
        Db::connect("mysql://x").await,
        Err(StoreError::InvalidUrl { .. })
    ));
    assert!(matches!(
        Db::connect("postgres://nobody:secret@127.0.0.1:1/x").await,
        Err(StoreError::Connect { ref url, .. }) if !url.contains("secret")
    ));
    assert!(matches!(
        Db::connect("sqlite:///no/such/folder/x.db").await,
        Err(StoreError::Connect { .. })
    ));
}
