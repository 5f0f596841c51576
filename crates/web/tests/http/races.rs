//! Requests sent at once: a unique rule holds (one wins, the others get the
//! answer a later request would get), never a 5xx.

use super::common::{Api, spawn_app_with, token};
use acoge_domain::{
    accounts::Role,
    page::PageRequest,
    practice::{PracticeInput, PracticeStatus, ReviewDecision},
};
use acoge_store::{NewPractice, OrganizationFilter, scratch::test_backends};
use serde_json::json;
use std::sync::Arc;
use tokio::{sync::Barrier, task::JoinSet};

const REQUESTS: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_reviewer_approving_many_times_at_once_counts_once() {
    for backend in test_backends() {
        // Three approvals publish, so the practice stays in review and every
        // duplicate approval would have counted (and could have published it).
        let options = acoge_web::Options {
            required_approvals: 3,
            ..acoge_web::Options::default()
        };
        let app = spawn_app_with(backend, options).await;
        let db = &app.db;
        let orgs: Vec<_> = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(5))
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|o| o.id)
            .collect();
        let (author, _) = token(db, Role::Member, Some(orgs[0])).await;
        let (_, reviewer_a) = token(db, Role::Reviewer, Some(orgs[3])).await;
        let (reviewer_b, reviewer_b_token) = token(db, Role::Reviewer, Some(orgs[4])).await;
        let content = PracticeInput {
            title: "Comedor comunitario en Tapachula".into(),
            summary: "Un comedor abierto a personas en tránsito.".into(),
            municipalities: vec!["07089".into()],
            lead_organization: orgs[0].to_string(),
            rights: vec!["salud".into()],
            sectors: vec!["alimentacion".into()],
            start_date: "2021-03".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let id = db
            .create_practice(&NewPractice {
                content: &content,
                status: PracticeStatus::Submitted,
                slug: None,
                created_by: Some(author),
                author_organization: Some(orgs[0]),
                is_example: false,
            })
            .await
            .unwrap();
        let path = format!("/api/v1/practices/{id}/reviews");
        let approval = json!({"decision": "aprobar", "checklist": {"objetivo_pacto": true}});
        let api = Arc::new(Api::new(&app));
        let (status, first) = api
            .call("POST", &path, Some(&reviewer_a), Some(approval.clone()))
            .await;
        assert_eq!(
            (status, first["status"].as_str()),
            (201, Some("en_revision")),
            "{backend:?}: {first}"
        );

        let barrier = Arc::new(Barrier::new(REQUESTS));
        let mut requests = JoinSet::new();
        for _ in 0..REQUESTS {
            let (api, path, approval, token, barrier) = (
                api.clone(),
                path.clone(),
                approval.clone(),
                reviewer_b_token.clone(),
                barrier.clone(),
            );
            requests.spawn(async move {
                barrier.wait().await;
                api.call("POST", &path, Some(&token), Some(approval)).await
            });
        }
        let answers = requests.join_all().await;
        assert!(
            answers.iter().all(|(status, _)| *status < 500),
            "{backend:?}: no 5xx: {answers:?}"
        );
        let accepted: Vec<_> = answers.iter().filter(|(s, _)| *s == 201).collect();
        assert_eq!(accepted.len(), 1, "{backend:?}: one accepted: {answers:?}");
        assert_eq!(accepted[0].1["status"], "en_revision", "{backend:?}");
        assert!(
            answers
                .iter()
                .filter(|(s, _)| *s != 201)
                .all(|(s, _)| *s == 409),
            "{backend:?}: the others get what a later second review gets: {answers:?}"
        );
        // A later one, for comparison.
        let (status, _) = api
            .call(
                "POST",
                &path,
                Some(&reviewer_b_token),
                Some(approval.clone()),
            )
            .await;
        assert_eq!(status, 409, "{backend:?}");

        let approvals_by_b = db
            .reviews(id)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.reviewer_id == Some(reviewer_b) && r.decision == ReviewDecision::Approve)
            .count();
        assert_eq!(approvals_by_b, 1, "{backend:?}");
        let practice = db.practice(id).await.unwrap().unwrap();
        assert_eq!(practice.status, PracticeStatus::InReview, "{backend:?}");
    }
}
