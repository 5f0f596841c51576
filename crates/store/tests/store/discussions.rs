//! Discussions: threads from guiding questions, contributions, flags,
//! moderation and syntheses, on both backends.

use super::{imported, on_each_backend};
use acoge_domain::{
    accounts::{Email, Role},
    discussion::{
        Citation, CitedKind, Decision, DiscussionStatus, FlagReason, SynthesisContent, Visibility,
    },
};
use acoge_store::{Contributed, Db, NewContribution, NewMember};
use uuid::Uuid;

async fn member(db: &Db, role: Role) -> Uuid {
    let address = format!("m-{}@example.org", Uuid::now_v7().simple());
    db.create_member(
        &NewMember {
            email: &Email::parse("email", &address).unwrap(),
            display_name: "Persona",
            organization_id: None,
            role,
            password_hash: "hash",
        },
        None,
    )
    .await
    .unwrap()
}

fn new<'a>(
    discussion: Uuid,
    author: Uuid,
    body: &'a str,
    citations: &'a [Citation],
) -> NewContribution<'a> {
    NewContribution {
        discussion_id: discussion,
        parent_id: None,
        author_id: author,
        organization_id: None,
        body,
        citations,
    }
}

#[tokio::test]
async fn guiding_questions_become_threads_that_members_discuss_and_moderators_keep_civil() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let threads = db.discussions(None, false).await.unwrap();
        assert_eq!(
            threads.len(),
            4,
            "{backend:?}: the founding webinar's four questions"
        );
        assert!(threads.iter().all(|t| t.status == DiscussionStatus::Open));
        assert_eq!(
            threads.iter().map(|t| t.position).collect::<Vec<_>>(),
            [Some(1), Some(2), Some(3), Some(4)]
        );
        let event = threads[0].event_id.unwrap();
        assert_eq!(
            db.open_event_discussions(event, None).await.unwrap(),
            0,
            "none twice"
        );
        let thread = threads[0].id;

        let ana = member(&db, Role::Member).await;
        let beto = member(&db, Role::Member).await;
        let provision = db.provisions().await.unwrap()[0].id;
        let cites = [Citation {
            kind: CitedKind::Provision,
            id: provision,
        }];
        let Contributed::Added(first) = db
            .add_contribution(&new(thread, ana, "El artículo aplica", &cites))
            .await
            .unwrap()
        else {
            panic!("not added")
        };
        let mut reply = new(thread, beto, "De acuerdo", &[]);
        reply.parent_id = Some(first);
        assert!(matches!(
            db.add_contribution(&reply).await.unwrap(),
            Contributed::Added(_)
        ));
        let mut stray = new(thread, beto, "x", &[]);
        stray.parent_id = Some(Uuid::now_v7());
        assert_eq!(
            db.add_contribution(&stray).await.unwrap(),
            Contributed::NoSuchParent
        );

        let contributions = db.contributions(thread).await.unwrap();
        assert_eq!(contributions.len(), 2);
        assert_eq!(contributions[0].citations, cites);
        assert_eq!(contributions[1].parent_id, Some(first));
        let notified = db.notifications(ana).await.unwrap();
        assert_eq!(notified.len(), 1, "Ana follows the thread she wrote in");
        assert_eq!(notified[0].discussion_id, Some(thread));
        assert!(db.notifications(beto).await.unwrap().is_empty());
        assert_eq!(
            db.discussion(thread)
                .await
                .unwrap()
                .unwrap()
                .visible_contributions,
            2
        );

        // Two flags leave it visible; the third member's holds it.
        let reason = FlagReason::Offensive;
        for _ in 0..2 {
            let flagger = member(&db, Role::Member).await;
            let after = db
                .flag_contribution(first, flagger, reason, None)
                .await
                .unwrap();
            assert_eq!(after, Some(Visibility::Visible));
        }
        let third = member(&db, Role::Member).await;
        let after = db
            .flag_contribution(first, third, reason, Some("insulto"))
            .await;
        assert_eq!(after.unwrap(), Some(Visibility::Held));
        let queue = db.moderation_queue().await.unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].reasons.len(), 3);

        let moderator = member(&db, Role::Moderator).await;
        assert!(
            db.moderate_contribution(first, moderator, &Decision::Keep)
                .await
                .unwrap()
        );
        assert!(
            db.moderation_queue().await.unwrap().is_empty(),
            "flags settled"
        );
        let hide = Decision::Hide("Contiene datos personales".into());
        assert!(
            db.moderate_contribution(first, moderator, &hide)
                .await
                .unwrap()
        );
        let hidden = &db.contributions(thread).await.unwrap()[0];
        assert_eq!(hidden.visibility, Visibility::Hidden);
        assert_eq!(
            hidden.moderation_reason.as_deref(),
            Some("Contiene datos personales")
        );
        assert!(
            !db.moderate_contribution(Uuid::now_v7(), moderator, &hide)
                .await
                .unwrap()
        );

        // Closed threads take nothing more.
        assert!(
            db.set_discussion_status(thread, DiscussionStatus::Closed, moderator)
                .await
                .unwrap()
        );
        assert_eq!(
            db.add_contribution(&new(thread, ana, "tarde", &[]))
                .await
                .unwrap(),
            Contributed::NotOpen(DiscussionStatus::Closed)
        );
        assert_eq!(
            db.add_contribution(&new(Uuid::now_v7(), ana, "x", &[]))
                .await
                .unwrap(),
            Contributed::NoSuchDiscussion
        );

        // The synthesis keeps what it cites.
        let content = SynthesisContent {
            findings: format!("Ver /marco-legal/disposiciones/{provision}"),
            agreements: "Ninguno".into(),
            pending: "Revisar".into(),
        };
        assert!(
            db.save_synthesis(thread, &content, moderator)
                .await
                .unwrap()
        );
        let saved = db.syntheses(&[thread]).await.unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].citations, cites);
        assert_eq!(saved[0].content, content);
        assert!(
            db.syntheses(&[]).await.unwrap().is_empty(),
            "no threads, none"
        );
        let all = db.all_syntheses().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].citations, cites);
        let unknown = Citation {
            kind: CitedKind::Practice,
            id: Uuid::now_v7(),
        };
        let missing = db
            .missing_citations(&[cites[0].clone(), unknown.clone()])
            .await
            .unwrap();
        assert_eq!(missing, [unknown]);
        assert!(db.discussions(None, false).await.unwrap().len() == 4);
        db.set_discussion_status(thread, DiscussionStatus::Archived, moderator)
            .await
            .unwrap();
        assert_eq!(db.discussions(None, false).await.unwrap().len(), 3);
        assert_eq!(db.discussions(Some(event), true).await.unwrap().len(), 4);
    })
    .await;
}
