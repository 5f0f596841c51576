//! What the search index reads from the store, and the benchmark's anchor.

use super::{imported, on_each_backend};
use acoge_store::{AnchorDocument, Backend, SearchableKind, StoreError};

#[tokio::test]
async fn the_outbox_is_read_in_order_and_records_come_back_by_id() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let head = db.outbox_head().await.unwrap();
        let first = db.outbox_after(0, 50).await.unwrap();
        assert_eq!(first.len(), 50, "{backend:?}");
        assert!(first.windows(2).all(|w| w[0].position < w[1].position));
        let rest = db
            .outbox_after(first[49].position, 1_000_000)
            .await
            .unwrap();
        assert_eq!(rest.last().unwrap().position, head);
        assert!(db.outbox_after(head, 10).await.unwrap().is_empty());
        let entities: std::collections::BTreeSet<&str> = first
            .iter()
            .chain(&rest)
            .map(|e| e.entity.as_str())
            .collect();
        for kind in [
            "municipality",
            "organization",
            "provision",
            "instrument",
            "event",
        ] {
            assert!(
                entities.contains(kind),
                "{backend:?}: {kind} changes are recorded"
            );
        }

        let municipalities = db
            .searchable_ids(SearchableKind::Municipality)
            .await
            .unwrap();
        assert!(municipalities.len() > 2400);
        let tapachula = db
            .searchable_municipalities(&["07089".to_owned(), "99999".to_owned()])
            .await
            .unwrap();
        assert_eq!(tapachula.len(), 1, "missing keys are simply absent");
        assert_eq!(tapachula[0].state_name, "Chiapas");
        assert!(!tapachula[0].contexts.is_empty());

        let organization_ids: Vec<uuid::Uuid> = db
            .searchable_ids(SearchableKind::Organization)
            .await
            .unwrap()
            .iter()
            .map(|id| id.parse().unwrap())
            .collect();
        // More ids than one IN list holds, to cross a chunk boundary.
        let mut asked = organization_ids.clone();
        asked.extend((0..600).map(|_| uuid::Uuid::now_v7()));
        let found = db.organizations_by_ids(&asked).await.unwrap();
        assert_eq!(found.len(), organization_ids.len(), "{backend:?}");
        assert!(db.practices_by_ids(&asked).await.unwrap().is_empty());
        assert!(
            db.searchable_ids(SearchableKind::Practice)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn the_full_text_anchor_stems_and_folds_accents_on_postgresql_only() {
    on_each_backend(|db, backend| async move {
        let documents = vec![
            AnchorDocument {
                key: "practice:1".into(),
                kind: "practice".into(),
                states: vec!["02".into()],
                title: "Albergues en Tijuana".into(),
                body: "Atención de niñez migrante y vacunación.".into(),
            },
            AnchorDocument {
                key: "practice:2".into(),
                kind: "practice".into(),
                states: vec!["07".into(), "02".into()],
                title: "Empleo".into(),
                body: "Ferias de empleo para personas refugiadas en Tijuana.".into(),
            },
        ];
        match backend {
            Backend::Sqlite => {
                assert!(matches!(
                    db.anchor_reset().await,
                    Err(StoreError::Unsupported(_))
                ));
            }
            Backend::Postgres => {
                db.anchor_reset().await.unwrap();
                db.anchor_insert(&documents).await.unwrap();
                db.anchor_finish().await.unwrap();
                let found = db.anchor_search("albergue vacunacion", true).await.unwrap();
                assert_eq!(found.keys, vec!["practice:1"]);
                assert_eq!(found.total, 1);
                let both = db.anchor_search("tijuana", true).await.unwrap();
                assert_eq!(both.total, 2);
                assert!(both.facets.contains(&("state".into(), "02".into(), 2)));
                assert!(db.anchor_size().await.unwrap() > 0);
                db.anchor_drop().await.unwrap();
            }
        }
    })
    .await;
}
