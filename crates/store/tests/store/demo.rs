//! The demo corpus's bulk inserts: records read back through the ordinary
//! API, one outbox row each, and a taken name changes nothing.

use super::{imported, on_each_backend};
use acoge_domain::{
    Provenance,
    organization::{Organization, OrganizationKind, Scope},
    page::PageRequest,
    practice::{PracticeContent, PracticeInput, PracticeStatus},
};
use acoge_store::{
    DEMO_BATCH, NewPractice, OrganizationFilter, PracticeFilter, PracticeSort, StoreError,
    Visibility,
};
use std::collections::BTreeMap;
use uuid::Uuid;

fn organization(index: usize) -> Organization {
    Organization {
        id: Uuid::now_v7(),
        name: format!("Colectivo de prueba {index} (demo)"),
        acronym: index.is_multiple_of(2).then(|| format!("CP{index}")),
        kind: OrganizationKind::Shelter,
        scope: Scope::Local,
        state_key: acoge_domain::StateKey::parse("07").ok(),
        cvegeo: acoge_domain::Cvegeo::parse("07089").ok(),
        founding_organizer: false,
        description: "Organización ficticia de prueba.".to_owned(),
        provenance: Provenance {
            sources: vec![format!("https://demo.invalid/organizaciones/{index}")],
            verified: false,
        },
    }
}

fn practice(index: usize, lead: Uuid, partner: Uuid) -> PracticeContent {
    PracticeInput {
        title: format!("Práctica de prueba {index}"),
        summary: "Atención de salud para personas en tránsito.".to_owned(),
        sections: BTreeMap::from([("proceso".to_owned(), "Se abrió una ventanilla.".to_owned())]),
        municipalities: vec![
            if index.is_multiple_of(2) {
                "07089"
            } else {
                "02004"
            }
            .to_owned(),
        ],
        lead_organization: lead.to_string(),
        partners: vec![partner.to_string()],
        rights: vec!["salud".to_owned()],
        start_date: "2021-03".to_owned(),
        ..PracticeInput::default()
    }
    .validate()
    .expect("a valid practice")
}

#[tokio::test]
async fn a_demo_corpus_reads_back_with_one_outbox_row_per_record() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let before = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1))
            .await
            .unwrap()
            .total;
        let head = db.outbox_head().await.unwrap();

        let organizations: Vec<_> = (0..10).map(organization).collect();
        let mut written = Vec::new();
        db.insert_demo_organizations(&organizations, |n| written.push(n))
            .await
            .unwrap();
        assert_eq!(written.iter().sum::<u64>(), 10, "{backend:?}");
        for o in &organizations {
            assert_eq!(db.organization(o.id).await.unwrap().as_ref(), Some(o));
        }

        let contents: Vec<_> = (0..50)
            .map(|i| practice(i, organizations[i % 10].id, organizations[(i + 1) % 10].id))
            .collect();
        let news: Vec<_> = contents
            .iter()
            .enumerate()
            .map(|(i, content)| NewPractice {
                content,
                status: PracticeStatus::Published,
                slug: None,
                created_by: None,
                author_organization: Some(organizations[i % 10].id),
                is_example: false,
            })
            .collect();
        let mut written = 0;
        let ids = db
            .insert_demo_practices(&news, |n| written += n)
            .await
            .unwrap();
        assert_eq!((ids.len(), written), (50, 50));
        for (id, content) in ids.iter().zip(&contents) {
            let record = db.practice(*id).await.unwrap().unwrap();
            assert_eq!(&record.content, content);
            assert_eq!(
                (record.status, record.version),
                (PracticeStatus::Published, 1)
            );
            assert!(record.published_at.is_some());
            assert_eq!(db.practice_versions(*id).await.unwrap().len(), 1);
        }

        // The public list and its filters see them, facets included.
        let list = |filter: PracticeFilter| {
            let db = db.clone();
            async move {
                db.practices(
                    &filter,
                    Visibility::Public,
                    None,
                    PracticeSort::Recent,
                    PageRequest::first(100),
                )
                .await
                .unwrap()
                .total
            }
        };
        assert_eq!(list(PracticeFilter::default()).await, 50);
        let tapachula = PracticeFilter {
            municipality: acoge_domain::Cvegeo::parse("07089").ok(),
            ..PracticeFilter::default()
        };
        assert_eq!(list(tapachula).await, 25);
        let led_or_joined = PracticeFilter {
            organization: Some(organizations[3].id),
            ..PracticeFilter::default()
        };
        assert_eq!(list(led_or_joined).await, 10, "5 as lead, 5 as partner");
        let all = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1))
            .await
            .unwrap()
            .total;
        assert_eq!(all, before + 10);

        // One outbox row per record, each record once.
        let entries = db.outbox_after(head, 1000).await.unwrap();
        let mut seen: Vec<(String, String)> = entries
            .into_iter()
            .map(|e| (e.entity, e.entity_id))
            .collect();
        seen.sort();
        let mut expected: Vec<(String, String)> = organizations
            .iter()
            .map(|o| ("organization".to_owned(), o.id.to_string()))
            .chain(ids.iter().map(|id| ("practice".to_owned(), id.to_string())))
            .collect();
        expected.sort();
        assert_eq!(seen, expected, "{backend:?}");

        // A taken name is refused and its batch leaves nothing behind.
        let head = db.outbox_head().await.unwrap();
        let mut again = organization(99);
        again.name = organizations[0].name.clone();
        let fresh = organization(100);
        let refused = db
            .insert_demo_organizations(&[fresh.clone(), again], |_| {})
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { field: "name" })),
            "{refused:?}"
        );
        assert_eq!(db.organization(fresh.id).await.unwrap(), None);
        assert_eq!(
            db.organization(organizations[0].id).await.unwrap().as_ref(),
            Some(&organizations[0]),
            "the existing record is untouched"
        );
        assert_eq!(db.outbox_head().await.unwrap(), head);
    })
    .await;
}

#[tokio::test]
async fn demo_inserts_commit_in_batches() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let organizations: Vec<_> = (0..DEMO_BATCH + 3).map(organization).collect();
        let mut commits = Vec::new();
        db.insert_demo_organizations(&organizations, |n| commits.push(n))
            .await
            .unwrap();
        assert_eq!(commits, vec![DEMO_BATCH as u64, 3]);
        let empty: Vec<NewPractice<'_>> = Vec::new();
        assert!(
            db.insert_demo_practices(&empty, |_| panic!("nothing to commit"))
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
