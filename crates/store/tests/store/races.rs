//! Concurrent identical writes to a unique key: exactly one wins, the others
//! get the typed `Conflict` naming the field (never a database error), on
//! both backends.

use super::{imported, on_each_backend};
use acoge_domain::{
    accounts::{Email, Role},
    lang::Bilingual,
    legal_change::{ChangeKind, InstrumentContent, ProvisionContent},
    page::PageRequest,
    practice::{PracticeInput, PracticeStatus, ReviewDecision},
    working_group::GroupContent,
};
use acoge_store::{
    Change, Db, NewMember, NewPractice, NewReview, OrganizationFilter, ServiceFilter, StoreError,
};
use std::{collections::BTreeMap, future::Future, sync::Arc};
use tokio::{sync::Barrier, task::JoinSet};
use uuid::Uuid;

const WRITERS: usize = 8;

/// Runs `WRITERS` writes at once (each waits at a barrier, so they start
/// together) and returns their results.
async fn race<T, F, Fut>(write: F) -> Vec<Result<T, StoreError>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(Barrier::new(WRITERS));
    let mut writers = JoinSet::new();
    for i in 0..WRITERS {
        let barrier = barrier.clone();
        let write = write(i);
        writers.spawn(async move {
            barrier.wait().await;
            write.await
        });
    }
    writers.join_all().await
}

/// Exactly one write succeeded; every other one is `Conflict { field }`.
fn one_winner<T: std::fmt::Debug>(results: Vec<Result<T, StoreError>>, field: &str) -> T {
    let mut won = Vec::new();
    for result in results {
        match result {
            Ok(value) => won.push(value),
            Err(StoreError::Conflict { field: f }) if f == field => {}
            Err(other) => panic!("expected Conflict {{ field: {field:?} }}, got {other:?}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one write wins: {won:?}");
    won.remove(0)
}

async fn member(db: &Db, role: Role) -> Uuid {
    let address = format!("m-{}@example.org", Uuid::now_v7().simple());
    db.create_member(
        &NewMember {
            email: &Email::parse("email", &address).unwrap(),
            display_name: "Persona",
            organization_id: None,
            role,
            password_hash: "x",
        },
        None,
    )
    .await
    .unwrap()
}

fn instrument() -> InstrumentContent {
    InstrumentContent {
        level: acoge_domain::legal::InstrumentLevel::Municipal,
        jurisdiction: "MX-BC-02004".into(),
        name: "Reglamento municipal de atención a personas migrantes".into(),
        published: None,
        notes: None,
        sources: vec!["https://www.tijuana.gob.mx/reglamentos".into()],
        verified: false,
    }
}

fn provision(article: &str) -> ProvisionContent {
    ProvisionContent {
        article: article.into(),
        theme: "salud".into(),
        rights: vec![acoge_domain::taxonomy::Right::Health],
        binds: vec![acoge_domain::taxonomy::GovernmentLevel::Municipal],
        summary: "Atención médica de primer nivel".into(),
        institutions: vec![],
        in_force_from: None,
        source: None,
        verified: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_many_working_groups_with_the_same_slug_is_created() {
    on_each_backend(|db, backend| async move {
        let admin = member(&db, Role::Administrator).await;
        let results = race(|i| {
            let db = db.clone();
            let content = GroupContent {
                slug: "salud".into(),
                name: Bilingual {
                    es: format!("Salud {i}"),
                    en: format!("Health {i}"),
                },
                description: Bilingual {
                    es: "Acceso a la salud".into(),
                    en: "Access to health".into(),
                },
            };
            async move { db.create_working_group(&content, &[admin], admin).await }
        })
        .await;
        let id = one_winner(results, "slug");
        let groups = db.working_groups().await.unwrap();
        assert_eq!(groups.len(), 1, "{backend:?}");
        assert_eq!(groups[0].id, id);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_many_instruments_with_the_same_id_is_created() {
    on_each_backend(|db, backend| async move {
        let editor = member(&db, Role::Moderator).await;
        let results = race(|_| {
            let db = db.clone();
            async move {
                db.create_instrument("reglamento-tijuana", &instrument(), editor)
                    .await
            }
        })
        .await;
        one_winner(results, "id");
        let versions = db.instrument_versions("reglamento-tijuana").await.unwrap();
        assert_eq!(versions.len(), 1, "{backend:?}: one creation recorded");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_many_provisions_with_the_same_article_is_created_or_renamed() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let editor = member(&db, Role::Moderator).await;
        db.create_instrument("reglamento-tijuana", &instrument(), editor)
            .await
            .unwrap();
        let results = race(|_| {
            let db = db.clone();
            async move {
                db.create_provision("reglamento-tijuana", &provision("12"), editor)
                    .await
            }
        })
        .await;
        one_winner(results, "article");

        // Eight other provisions all renamed to the same article at once.
        let mut ids = Vec::new();
        for i in 0..WRITERS {
            let article = format!("{}", 20 + i);
            let id = db
                .create_provision("reglamento-tijuana", &provision(&article), editor)
                .await
                .unwrap();
            ids.push(id);
        }
        let results = race(|i| {
            let db = db.clone();
            let id = ids[i];
            async move {
                let change = Change {
                    editor,
                    kind: ChangeKind::Correction,
                    note: None,
                };
                db.update_provision(id, &provision("99"), change).await
            }
        })
        .await;
        assert_eq!(one_winner(results, "article"), Some(2), "{backend:?}");
        let articles: Vec<String> = db
            .provisions()
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.instrument_id == "reglamento-tijuana")
            .map(|p| p.article)
            .collect();
        assert_eq!(articles.len(), WRITERS + 1);
        assert_eq!(articles.iter().filter(|a| *a == "99").count(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_of_many_services_with_the_same_name_in_one_place_is_saved() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let org = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1))
            .await
            .unwrap()
            .items[0]
            .id;
        let editor = member(&db, Role::Moderator).await;
        let service = acoge_domain::service::ServiceInput {
            organization_id: org.to_string(),
            name: "Consulta médica".into(),
            description: "Consulta general".into(),
            cvegeo: "02004".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let results = race(|_| {
            let db = db.clone();
            let mut service = service.clone();
            service.id = Uuid::now_v7();
            async move { db.save_service(&service, None, editor).await }
        })
        .await;
        one_winner(results, "name");
        let saved = db
            .services(&ServiceFilter {
                include_closed: true,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(saved.len(), 1, "{backend:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reviewer_counts_once_however_many_times_they_approve_at_once() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let lead = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1))
            .await
            .unwrap()
            .items[0]
            .id;
        let content = PracticeInput {
            title: "Vacunación en Tapachula".into(),
            summary: "Un resumen breve.".into(),
            municipalities: vec!["07089".into()],
            lead_organization: lead.to_string(),
            rights: vec!["salud".into()],
            sectors: vec!["salud".into()],
            start_date: "2021-02".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let id = db
            .create_practice(&NewPractice {
                content: &content,
                status: PracticeStatus::Submitted,
                slug: None,
                created_by: None,
                author_organization: Some(lead),
                is_example: false,
            })
            .await
            .unwrap();
        let checklist = Arc::new(BTreeMap::from([("objetivo_pacto".to_owned(), true)]));
        let first = member(&db, Role::Reviewer).await;
        // Enough approvals required that the status stays "in review".
        let approve = |reviewer: Uuid| {
            let db = db.clone();
            let checklist = checklist.clone();
            async move {
                let practice = db
                    .practice(id)
                    .await?
                    .ok_or_else(|| StoreError::MissingReference("the practice is gone".into()))?;
                let review = NewReview {
                    reviewer,
                    reviewer_org: None,
                    decision: ReviewDecision::Approve,
                    checklist: &checklist,
                    comment: "",
                    required_approvals: 5,
                };
                db.add_review(&practice, &review, &[]).await
            }
        };
        assert_eq!(
            approve(first).await.unwrap(),
            Some(PracticeStatus::InReview)
        );
        let second = member(&db, Role::Reviewer).await;
        let results = race(|_| approve(second)).await;
        assert_eq!(
            one_winner(results, "reviewer"),
            Some(PracticeStatus::InReview),
            "{backend:?}"
        );
        assert!(matches!(
            approve(second).await,
            Err(StoreError::Conflict { field: "reviewer" })
        ));
        let reviews = db.reviews(id).await.unwrap();
        assert_eq!(reviews.len(), 2, "{backend:?}: one review per reviewer");
        let by_second = reviews
            .iter()
            .filter(|r| r.reviewer_id == Some(second))
            .count();
        assert_eq!(by_second, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn threads_opened_at_once_are_opened_once() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let threads = db.discussions(None, true).await.unwrap();
        let event = threads[0].event_id.unwrap();
        let questions = threads.iter().filter(|t| t.event_id == Some(event)).count();
        assert!(questions > 0);
        match &db {
            Db::Sqlite(pool) => sqlx::query("DELETE FROM discussions WHERE event_id = $1")
                .bind(event)
                .execute(pool)
                .await
                .map(|_| ()),
            Db::Postgres(pool) => sqlx::query("DELETE FROM discussions WHERE event_id = $1")
                .bind(event)
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .unwrap();
        let results = race(|_| {
            let db = db.clone();
            async move { db.open_event_discussions(event, None).await }
        })
        .await;
        let opened: usize = results
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{backend:?}: {e:?}")))
            .sum();
        assert_eq!(opened, questions, "{backend:?}");
    })
    .await;
}
