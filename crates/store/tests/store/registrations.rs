//! Registration for events: capacity, waiting list, promotion, attendance,
//! including members asking and cancelling at the same time.

use super::{imported, on_each_backend};
use acoge_domain::{
    accounts::{Email, Role},
    registration::RegistrationStatus::{Cancelled, Registered, Waitlisted},
};
use acoge_store::{Db, NewMember};
use uuid::Uuid;

async fn members(db: &Db, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..n {
        let address = format!("m{i}-{}@example.org", Uuid::now_v7().simple());
        let id = db
            .create_member(
                &NewMember {
                    email: &Email::parse("email", &address).unwrap(),
                    display_name: &format!("Miembro {i}"),
                    organization_id: None,
                    role: Role::Member,
                    password_hash: "x",
                },
                None,
            )
            .await
            .unwrap();
        ids.push(id);
    }
    ids
}

async fn founding_event(db: &Db) -> Uuid {
    imported(db).await;
    db.event("lav-2020-11-10").await.unwrap().unwrap().id
}

#[tokio::test]
async fn beyond_capacity_members_wait_and_a_cancellation_promotes_the_first() {
    on_each_backend(|db, _| async move {
        let event = founding_event(&db).await;
        let m = members(&db, 4).await;
        let moderator = m[3];
        assert_eq!(
            db.set_event_capacity(event, Some(2), moderator)
                .await
                .unwrap(),
            Some(vec![])
        );
        assert_eq!(
            db.register_for_event(event, m[0]).await.unwrap(),
            Some(Registered)
        );
        assert_eq!(
            db.register_for_event(event, m[1]).await.unwrap(),
            Some(Registered)
        );
        assert_eq!(
            db.register_for_event(event, m[2]).await.unwrap(),
            Some(Waitlisted)
        );
        assert_eq!(
            db.register_for_event(event, m[2]).await.unwrap(),
            Some(Waitlisted),
            "asking again changes nothing"
        );
        let summary = db.registration_summary(event, Some(m[2])).await.unwrap();
        assert_eq!(
            (summary.capacity, summary.registered, summary.waitlisted),
            (Some(2), 2, 1)
        );
        assert_eq!(
            (summary.mine, summary.waiting_position),
            (Some(Waitlisted), Some(1))
        );

        assert_eq!(
            db.cancel_registration(event, m[0]).await.unwrap(),
            Some(vec![m[2]]),
            "the first waiting takes the freed place"
        );
        assert_eq!(db.cancel_registration(event, m[0]).await.unwrap(), None);
        let summary = db.registration_summary(event, Some(m[0])).await.unwrap();
        assert_eq!((summary.registered, summary.waitlisted), (2, 0));
        assert_eq!(summary.mine, Some(Cancelled));

        // Coming back after cancelling: the end of the queue.
        assert_eq!(
            db.register_for_event(event, m[0]).await.unwrap(),
            Some(Waitlisted)
        );
        // A larger capacity lets the waiting list in.
        assert_eq!(
            db.set_event_capacity(event, Some(3), moderator)
                .await
                .unwrap(),
            Some(vec![m[0]])
        );
        let registrants = db.event_registrants(event).await.unwrap();
        assert_eq!(registrants.len(), 3);
        assert!(
            registrants
                .iter()
                .all(|r| r.status == Registered && !r.attended)
        );

        assert_eq!(
            db.record_attendance(event, &[m[1], m[3]], moderator)
                .await
                .unwrap(),
            1
        );
        let registrants = db.event_registrants(event).await.unwrap();
        let came: Vec<Uuid> = registrants
            .iter()
            .filter(|r| r.attended)
            .map(|r| r.member_id)
            .collect();
        assert_eq!(came, vec![m[1]], "only registered members are marked");

        let missing = Uuid::now_v7();
        assert_eq!(db.register_for_event(missing, m[0]).await.unwrap(), None);
        assert_eq!(
            db.set_event_capacity(missing, None, moderator)
                .await
                .unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn concurrent_requests_never_exceed_capacity() {
    on_each_backend(|db, _| async move {
        let event = founding_event(&db).await;
        let m = members(&db, 12).await;
        db.set_event_capacity(event, Some(5), m[0]).await.unwrap();
        let tasks: Vec<_> = m
            .iter()
            .map(|&member| {
                let db = db.clone();
                tokio::spawn(async move { db.register_for_event(event, member).await.unwrap() })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap().unwrap());
        }
        assert_eq!(outcomes.iter().filter(|s| **s == Registered).count(), 5);
        assert_eq!(outcomes.iter().filter(|s| **s == Waitlisted).count(), 7);

        // Four registered members cancel at once: four of the waiting move
        // up, never more, never fewer.
        let registered: Vec<Uuid> = db
            .event_registrants(event)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.status == Registered)
            .map(|r| r.member_id)
            .take(4)
            .collect();
        let tasks: Vec<_> = registered
            .iter()
            .map(|&member| {
                let db = db.clone();
                tokio::spawn(async move { db.cancel_registration(event, member).await.unwrap() })
            })
            .collect();
        let mut promoted = Vec::new();
        for task in tasks {
            promoted.extend(task.await.unwrap().unwrap());
        }
        assert_eq!(promoted.len(), 4);
        let summary = db.registration_summary(event, None).await.unwrap();
        assert_eq!((summary.registered, summary.waitlisted), (5, 3));
    })
    .await;
}

fn content(capacity: Option<u32>, organizer: Uuid) -> acoge_domain::event_edit::EventContent {
    in_group(capacity, organizer, "")
}

fn in_group(
    capacity: Option<u32>,
    organizer: Uuid,
    group: &str,
) -> acoge_domain::event_edit::EventContent {
    use acoge_domain::event_edit::{EventInput, TimeInput};
    EventInput {
        kind: "taller".into(),
        title: "Taller: inclusión local".into(),
        title_en: "Workshop: local inclusion".into(),
        description: "Para municipios".into(),
        description_en: String::new(),
        starts_at: TimeInput::Local("2031-05-06T10:00".into()),
        ends_at: TimeInput::Local("2031-05-06T13:00".into()),
        time_zone: "America/Tijuana".into(),
        capacity: capacity.map(|c| c.to_string()).unwrap_or_default(),
        agenda: vec!["10:00 Bienvenida — Ana Pérez, Luis Gómez".into()],
        links: vec![(
            "transmision".into(),
            "https://example.org/vivo".into(),
            "En vivo".into(),
        )],
        guiding_questions: vec!["¿Quién hace qué?".into()],
        guiding_questions_en: vec![],
        organizers: vec![organizer.to_string()],
        working_group: group.into(),
    }
    .validate()
    .unwrap()
}

#[tokio::test]
async fn moderators_create_and_edit_events_and_a_larger_capacity_promotes() {
    on_each_backend(|db, _| async move {
        let founding = founding_event(&db).await;
        let organizer = db
            .event(&founding.to_string())
            .await
            .unwrap()
            .unwrap()
            .organizers[0]
            .id;
        let m = members(&db, 3).await;
        let id = db
            .create_event(&content(Some(1), organizer), m[0])
            .await
            .unwrap();
        let event = db.event(&id.to_string()).await.unwrap().unwrap();
        assert!(
            event.slug.starts_with("2031-05-06-taller-inclusion-local-"),
            "{}",
            event.slug
        );
        assert_eq!(event.title.en, "Workshop: local inclusion");
        assert_eq!(event.capacity, Some(1));
        assert_eq!(event.agenda[0].speakers, vec!["Ana Pérez", "Luis Gómez"]);
        assert_eq!(event.organizers[0].id, organizer);
        assert_eq!(event.schedule.time_zone, "America/Tijuana");
        assert_eq!(
            db.event(&event.slug).await.unwrap().unwrap().id,
            id,
            "found by its slug too"
        );

        assert_eq!(
            db.register_for_event(id, m[1]).await.unwrap(),
            Some(Registered)
        );
        assert_eq!(
            db.register_for_event(id, m[2]).await.unwrap(),
            Some(Waitlisted)
        );
        let promoted = db
            .update_event(id, &content(Some(2), organizer), m[0])
            .await
            .unwrap();
        assert_eq!(promoted, Some(vec![m[2]]));
        assert_eq!(
            db.update_event(Uuid::now_v7(), &content(None, organizer), m[0])
                .await
                .unwrap(),
            None
        );

        let unknown = db.create_event(&content(None, Uuid::now_v7()), m[0]).await;
        assert!(
            matches!(unknown, Err(acoge_store::StoreError::Invalid(e)) if e.field == "organizers")
        );

        // A moderator's edit of a reference event survives a re-import.
        db.update_event(founding, &content(None, organizer), m[0])
            .await
            .unwrap();
        let files = acoge_formats::reference::ReferenceFiles::embedded();
        db.import_reference(&files.parse().unwrap(), "another digest", &|_| {})
            .await
            .unwrap();
        let kept = db.event("lav-2020-11-10").await.unwrap().unwrap();
        assert_eq!(kept.title.es, "Taller: inclusión local");
    })
    .await;
}

#[tokio::test]
async fn a_group_s_event_and_a_freed_place_notify_and_the_digest_carries_them_once() {
    use acoge_domain::{Timestamp, lang::Bilingual, working_group::GroupContent};
    use std::time::Duration;
    on_each_backend(|db, backend| async move {
        let founding = founding_event(&db).await;
        let organization = db.event(&founding.to_string()).await.unwrap().unwrap().organizers[0].id;
        let m = members(&db, 2).await;
        let (moderator, outsider) = (m[0], m[1]);
        let insider = db
            .create_member(
                &NewMember {
                    email: &Email::parse("email", "grupo@example.org").unwrap(),
                    display_name: "Integrante",
                    organization_id: Some(organization),
                    role: Role::Member,
                    password_hash: "x",
                },
                None,
            )
            .await
            .unwrap();
        let bilingual = |es: &str, en: &str| Bilingual { es: es.into(), en: en.into() };
        let group = db
            .create_working_group(
                &GroupContent {
                    slug: "vivienda".into(),
                    name: bilingual("Vivienda y albergue", "Housing and shelter"),
                    description: bilingual("Albergues", "Shelters"),
                },
                &[moderator],
                moderator,
            )
            .await
            .unwrap();
        assert!(db.set_group_membership(group, organization, true, moderator).await.unwrap());

        let unknown = db.create_event(&in_group(None, organization, "nadie"), moderator).await;
        assert!(
            matches!(unknown, Err(acoge_store::StoreError::Invalid(e)) if e.field == "working_group"),
            "{backend:?}"
        );
        let id = db
            .create_event(&in_group(Some(1), organization, "vivienda"), moderator)
            .await
            .unwrap();
        let event = db.event(&id.to_string()).await.unwrap().unwrap();
        assert_eq!(event.working_group.map(|g| g.name.en), Some("Housing and shelter".into()));
        let listed = db.events_of_group(group).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].working_group.as_deref(), Some("vivienda"));
        assert_eq!(
            db.open_event_discussions(id, Some(moderator)).await.unwrap(),
            0,
            "{backend:?}: its question's thread opened with the event"
        );
        let threads = db.discussions_of_group(group).await.unwrap();
        assert_eq!(threads.len(), 1, "{backend:?}: only its own events' threads");
        assert_eq!(threads[0].event_id, Some(id));

        let told = db.notifications(insider).await.unwrap();
        assert_eq!(told.len(), 1, "{backend:?}: the group's member hears of it");
        assert_eq!((told[0].kind.as_str(), told[0].event_id), ("group_event", Some(id)));
        assert_eq!(told[0].event_title.as_ref().map(|t| t.es.as_str()), Some("Taller: inclusión local"));
        assert!(db.notifications(moderator).await.unwrap().is_empty(), "not the one who made it");
        assert!(db.notifications(outsider).await.unwrap().is_empty(), "not outside the group");

        // Saving it again in the same group is no news.
        db.update_event(id, &in_group(Some(1), organization, "vivienda"), moderator)
            .await
            .unwrap();
        assert_eq!(db.notifications(insider).await.unwrap().len(), 1);

        assert_eq!(db.register_for_event(id, outsider).await.unwrap(), Some(Registered));
        assert_eq!(db.register_for_event(id, insider).await.unwrap(), Some(Waitlisted));
        assert_eq!(db.cancel_registration(id, outsider).await.unwrap(), Some(vec![insider]));
        let told = db.notifications(insider).await.unwrap();
        assert_eq!(told[0].kind, "promoted", "{backend:?}: newest first");

        let day = Duration::from_secs(24 * 3600);
        let now = Timestamp::now();
        assert!(db.due_digests(now, day).await.unwrap().is_empty(), "nobody asked for one");
        db.set_digest(insider, Some("en")).await.unwrap();
        assert_eq!(db.digest_lang(insider).await.unwrap().as_deref(), Some("en"));
        let due = db.due_digests(now, day).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].member, due[0].lang.as_str()), (insider, "en"));
        assert_eq!(
            due[0].items.iter().map(|n| n.kind.as_str()).collect::<Vec<_>>(),
            ["group_event", "promoted"],
            "oldest first"
        );
        let carried: Vec<Uuid> = due[0].items.iter().map(|n| n.id).collect();
        assert!(db.claim_digest(insider, now, day).await.unwrap());
        assert!(!db.claim_digest(insider, now, day).await.unwrap(), "{backend:?}: claimed once");
        db.release_digest(insider).await.unwrap();
        assert!(db.claim_digest(insider, now, day).await.unwrap(), "given back after a failed send");
        db.digest_sent(insider, &carried, now).await.unwrap();
        assert!(db.due_digests(now, day).await.unwrap().is_empty(), "carried once");

        // Something new waits for the next day's digest.
        assert_eq!(db.register_for_event(id, outsider).await.unwrap(), Some(Waitlisted));
        assert_eq!(db.cancel_registration(id, insider).await.unwrap(), Some(vec![outsider]));
        db.set_digest(outsider, Some("es")).await.unwrap();
        assert_eq!(db.due_digests(now, day).await.unwrap().len(), 1, "the outsider's first");
        db.register_for_event(id, insider).await.unwrap();
        db.cancel_registration(id, outsider).await.unwrap();
        assert!(
            db.due_digests(now, day).await.unwrap().iter().all(|d| d.member != insider),
            "{backend:?}: one digest a day"
        );
        let tomorrow = Timestamp::from_micros(now.as_micros() + 25 * 3600 * 1_000_000);
        let next = db.due_digests(tomorrow, day).await.unwrap();
        let mine = next.iter().find(|d| d.member == insider).unwrap();
        assert_eq!(mine.items.len(), 1);
        assert_eq!(mine.items[0].kind, "promoted");

        db.mark_notifications_read(insider).await.unwrap();
        db.set_digest(outsider, None).await.unwrap();
        assert!(db.due_digests(tomorrow, day).await.unwrap().is_empty(), "read or turned off");
    })
    .await;
}
