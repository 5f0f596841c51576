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
pub(crate) async fn on_each_backend<F, Fut>(test: F)
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

pub(crate) async fn imported(db: &Db) {
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

mod accounts {
    use super::on_each_backend;
    use acoge_domain::{
        Timestamp,
        accounts::{Email, Role},
        page::PageRequest,
    };
    use acoge_store::{AuditRecord, CredentialsRevoked, Db, LinkProblem, NewMember, StoreError};
    use uuid::Uuid;

    /// Runs `n` copies of a task at once and collects their answers.
    async fn futures_join<T, Fut>(n: usize, task: impl Fn(usize) -> Fut) -> Vec<T>
    where
        T: Send + 'static,
        Fut: std::future::Future<Output = T> + Send + 'static,
    {
        let mut set = tokio::task::JoinSet::new();
        for i in 0..n {
            set.spawn(task(i));
        }
        set.join_all().await
    }

    fn email(text: &str) -> Email {
        Email::parse("email", text).unwrap()
    }

    async fn member(db: &Db, address: &str, role: Role) -> Uuid {
        db.create_member(
            &NewMember {
                email: &email(address),
                display_name: "Ana",
                organization_id: None,
                role,
                password_hash: "hash",
            },
            None,
        )
        .await
        .unwrap()
    }

    fn later(seconds: i64) -> Timestamp {
        Timestamp::from_micros(Timestamp::now().as_micros() + seconds * 1_000_000)
    }

    #[tokio::test]
    async fn members_are_unique_by_email_and_every_change_is_audited() {
        on_each_backend(|db, _| async move {
            let id = member(&db, "ana@example.org", Role::Member).await;
            let again = db
                .create_member(
                    &NewMember {
                        email: &email("ANA@example.org"),
                        display_name: "Otra",
                        organization_id: None,
                        role: Role::Member,
                        password_hash: "x",
                    },
                    None,
                )
                .await;
            assert!(matches!(
                again,
                Err(StoreError::Conflict { field: "email" })
            ));
            assert!(db.set_member_role(id, Role::Reviewer, id).await.unwrap());
            assert_eq!(db.member(id).await.unwrap().unwrap().role, Role::Reviewer);
            let log = db.audit_log(None, PageRequest::default()).await.unwrap();
            let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(actions, vec!["member.role", "member.create"]);
            assert_eq!(
                log.items[0].before.as_deref(),
                Some(r#"{"role":"miembro"}"#)
            );
            assert_eq!(log.items[0].after.as_deref(), Some(r#"{"role":"revisor"}"#));
            assert_eq!(log.items[0].actor_name.as_deref(), Some("Ana"));
        })
        .await;
    }

    #[tokio::test]
    async fn nobody_edits_the_audit_log() {
        on_each_backend(|db, backend| async move {
            db.audit(AuditRecord {
                actor: None,
                action: "test",
                entity: "test",
                entity_id: "1".into(),
                before: None,
                after: None,
            })
            .await
            .unwrap();
            let (update, delete) = match &db {
                Db::Sqlite(pool) => (
                    sqlx::query("UPDATE audit_log SET action = 'x'")
                        .execute(pool)
                        .await
                        .map(|_| ()),
                    sqlx::query("DELETE FROM audit_log")
                        .execute(pool)
                        .await
                        .map(|_| ()),
                ),
                Db::Postgres(pool) => (
                    sqlx::query("UPDATE audit_log SET action = 'x'")
                        .execute(pool)
                        .await
                        .map(|_| ()),
                    sqlx::query("DELETE FROM audit_log")
                        .execute(pool)
                        .await
                        .map(|_| ()),
                ),
            };
            assert!(
                update.unwrap_err().to_string().contains("append-only"),
                "{backend:?}"
            );
            assert!(
                delete.unwrap_err().to_string().contains("append-only"),
                "{backend:?}"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn sessions_live_until_they_end() {
        on_each_backend(|db, _| async move {
            let id = member(&db, "ana@example.org", Role::Member).await;
            db.create_session("s1", id, later(3600)).await.unwrap();
            db.create_session("s2", id, later(3600)).await.unwrap();
            db.create_session("old", id, later(-1)).await.unwrap();
            assert_eq!(db.session_member("s1").await.unwrap().unwrap().id, id);
            assert!(db.session_member("old").await.unwrap().is_none(), "expired");
            assert_eq!(db.session_count(id).await.unwrap(), 2);
            db.delete_session("s1").await.unwrap();
            assert!(db.session_member("s1").await.unwrap().is_none());
            assert_eq!(db.delete_sessions_of(id, id).await.unwrap(), 2);
            assert!(db.session_member("s2").await.unwrap().is_none());
            db.create_session("s3", id, later(3600)).await.unwrap();
            db.create_api_token(id, "script", "t-old").await.unwrap();
            db.create_password_reset("r-old", id, None, later(3600))
                .await
                .unwrap();
            let revoked = db.set_password(id, "new-hash", None).await.unwrap();
            assert_eq!(
                revoked,
                CredentialsRevoked {
                    sessions: 1,
                    api_tokens: 1,
                    reset_links: 1
                }
            );
            assert!(
                db.session_member("s3").await.unwrap().is_none(),
                "a new password ends sessions"
            );
            assert!(
                db.token_member("t-old").await.unwrap().is_none(),
                "and API tokens"
            );
            assert_eq!(
                db.password_reset_member("r-old").await.unwrap(),
                Err(LinkProblem::Revoked),
                "and outstanding reset links"
            );
            assert_eq!(
                db.member(id).await.unwrap().unwrap().password_hash,
                "new-hash"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn invitations_are_used_once_and_expire() {
        on_each_backend(|db, _| async move {
            let admin = member(&db, "admin@example.org", Role::Administrator).await;
            db.create_invitation(
                "live",
                &email("new@example.org"),
                Role::Reviewer,
                None,
                admin,
                later(3600),
            )
            .await
            .unwrap();
            db.create_invitation(
                "stale",
                &email("late@example.org"),
                Role::Member,
                None,
                admin,
                later(-1),
            )
            .await
            .unwrap();
            assert_eq!(
                db.accept_invitation("nope", "X", "h").await.unwrap(),
                Err(LinkProblem::Unknown)
            );
            assert_eq!(
                db.accept_invitation("stale", "X", "h").await.unwrap(),
                Err(LinkProblem::Expired)
            );
            assert!(db.request_invitation_renewal("stale").await.unwrap());
            let id = db
                .accept_invitation("live", "Nueva", "h")
                .await
                .unwrap()
                .unwrap();
            let created = db.member(id).await.unwrap().unwrap();
            assert_eq!(
                (created.email.as_str(), created.role),
                ("new@example.org", Role::Reviewer)
            );
            assert_eq!(
                db.accept_invitation("live", "Otra", "h").await.unwrap(),
                Err(LinkProblem::Used)
            );
            let withdrawn = db
                .create_invitation(
                    "withdrawn",
                    &email("other@example.org"),
                    Role::Member,
                    None,
                    admin,
                    later(3600),
                )
                .await
                .unwrap();
            assert!(db.revoke_invitation(withdrawn, admin).await.unwrap());
            assert!(
                !db.revoke_invitation(withdrawn, admin).await.unwrap(),
                "once"
            );
            assert_eq!(
                db.accept_invitation("withdrawn", "X", "h").await.unwrap(),
                Err(LinkProblem::Revoked)
            );
            let accepted = db.invitation_by_token("live").await.unwrap().unwrap();
            assert!(
                !db.revoke_invitation(accepted.id, admin).await.unwrap(),
                "an accepted invitation stays accepted"
            );
            let list = db.invitations(PageRequest::default()).await.unwrap();
            assert_eq!(list.total, 3);
            assert!(list.items.iter().any(|i| i.renewal_requested_at.is_some()));
        })
        .await;
    }

    #[tokio::test]
    async fn reset_links_work_once() {
        on_each_backend(|db, _| async move {
            let id = member(&db, "ana@example.org", Role::Member).await;
            db.create_password_reset("r1", id, None, later(3600))
                .await
                .unwrap();
            db.create_password_reset("r0", id, None, later(-1))
                .await
                .unwrap();
            assert_eq!(
                db.use_password_reset("r0", "h2").await.unwrap(),
                Err(LinkProblem::Expired)
            );
            db.create_password_reset("r2", id, None, later(3600))
                .await
                .unwrap();
            db.create_api_token(id, "script", "t-reset").await.unwrap();
            let (used_by, revoked) = db.use_password_reset("r1", "h2").await.unwrap().unwrap();
            assert_eq!(used_by, id);
            // r2, and the expired r0: every link not used is voided.
            assert_eq!((revoked.api_tokens, revoked.reset_links), (1, 2));
            assert_eq!(
                db.use_password_reset("r2", "h4").await.unwrap(),
                Err(LinkProblem::Revoked),
                "a reset revokes the other links"
            );
            assert_eq!(
                db.use_password_reset("r1", "h3").await.unwrap(),
                Err(LinkProblem::Used)
            );
            assert_eq!(db.member(id).await.unwrap().unwrap().password_hash, "h2");
        })
        .await;
    }

    #[tokio::test]
    async fn api_tokens_are_revocable_by_their_owner_only() {
        on_each_backend(|db, _| async move {
            let ana = member(&db, "ana@example.org", Role::Member).await;
            let eva = member(&db, "eva@example.org", Role::Member).await;
            let token = db.create_api_token(ana, "script", "t1").await.unwrap();
            assert_eq!(db.token_member("t1").await.unwrap().unwrap().id, ana);
            let first_use = db.api_tokens_of(ana).await.unwrap()[0].last_used_at;
            assert!(first_use.is_some(), "the first use is recorded");
            assert_eq!(db.token_member("t1").await.unwrap().unwrap().id, ana);
            assert_eq!(
                db.api_tokens_of(ana).await.unwrap()[0].last_used_at,
                first_use,
                "a use within the minute writes nothing"
            );
            assert!(
                !db.revoke_api_token(eva, token).await.unwrap(),
                "not eva's token"
            );
            assert!(db.revoke_api_token(ana, token).await.unwrap());
            assert!(db.token_member("t1").await.unwrap().is_none());
            let listed = db.api_tokens_of(ana).await.unwrap();
            assert!(listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some());
            db.delete_member(ana).await.unwrap();
            assert!(db.member(ana).await.unwrap().is_none());
            assert!(db.api_tokens_of(ana).await.unwrap().is_empty());
            let log = db
                .audit_log(Some(ana), PageRequest::default())
                .await
                .unwrap();
            assert_eq!(log.items[0].action, "member.delete");
            assert_eq!(
                log.items[0].actor_name, None,
                "a deleted account has no name left"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn rate_limits_count_in_a_shared_window() {
        on_each_backend(|db, _| async move {
            for expected in 1..=3 {
                assert_eq!(db.rate_hit("login", "ip:1", 60).await.unwrap(), expected);
            }
            assert_eq!(db.rate_count("login", "ip:1", 60).await.unwrap(), 3);
            assert_eq!(db.rate_count("login", "ip:2", 60).await.unwrap(), 0);
            assert_eq!(
                db.rate_hit("login", "ip:1", 0).await.unwrap(),
                1,
                "an elapsed window restarts"
            );
            db.rate_clear("login", "ip:1").await.unwrap();
            assert_eq!(db.rate_count("login", "ip:1", 60).await.unwrap(), 0);
            db.rate_hit("login", "ip:3", 60).await.unwrap();
            db.rate_release("login", "ip:3").await.unwrap();
            db.rate_release("login", "ip:3").await.unwrap();
            assert_eq!(db.rate_count("login", "ip:3", 60).await.unwrap(), 0);

            // Parallel hits each get their own count: none is lost or repeated.
            let hits = futures_join(30, |_| {
                let db = db.clone();
                async move { db.rate_hit("login", "raced", 900).await.unwrap() }
            })
            .await;
            let mut sorted = hits.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (1..=30).collect::<Vec<u64>>(), "{hits:?}");

            // Expired counters and sessions are deleted in bounded batches.
            let member = member(&db, "purge@example.org", Role::Member).await;
            db.create_session("gone", member, later(-10)).await.unwrap();
            db.create_session("kept", member, later(7200))
                .await
                .unwrap();
            // Past the end of this test's 900-second windows, before "kept" ends.
            let far = Timestamp::from_micros(Timestamp::now().as_micros() + 1_000_000_000);
            let mut purged = (0, 0);
            loop {
                let (counters, sessions) = db.purge_expired(far, 1).await.unwrap();
                if counters + sessions == 0 {
                    break;
                }
                assert!(counters <= 1 && sessions <= 1, "bounded batches");
                purged = (purged.0 + counters, purged.1 + sessions);
            }
            assert_eq!(purged, (2, 1), "\"raced\" and ip:3; the session \"gone\"");
            assert_eq!(db.rate_count("login", "raced", 900).await.unwrap(), 0);
            assert!(db.session_member("kept").await.unwrap().is_some());
            assert_eq!(db.session_count(member).await.unwrap(), 1);
            let a = db.shared_secret("csrf", "first").await.unwrap();
            let b = db.shared_secret("csrf", "second").await.unwrap();
            assert_eq!((a.as_str(), b.as_str()), ("first", "first"));
        })
        .await;
    }
}

mod practices {
    use super::{imported, on_each_backend};
    use acoge_domain::{
        Cvegeo,
        page::PageRequest,
        practice::{PracticeInput, PracticeStatus, ReviewDecision, Sector},
        taxonomy::Right,
    };
    use acoge_store::{
        Db, NewPractice, NewReview, OrganizationFilter, PracticeFilter, PracticeSort, Visibility,
    };
    use std::collections::BTreeMap;
    use uuid::Uuid;

    async fn org(db: &Db, index: usize) -> Uuid {
        db.organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap()
            .items[index]
            .id
    }

    fn input(lead: Uuid, title: &str, cvegeo: &str) -> PracticeInput {
        PracticeInput {
            title: title.into(),
            summary: "Un resumen breve.".into(),
            municipalities: vec![cvegeo.into()],
            lead_organization: lead.to_string(),
            rights: vec!["salud".into()],
            sectors: vec!["salud".into(), "alimentacion".into()],
            start_date: "2021-02".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn practices_filter_by_facets_and_respect_visibility() {
        on_each_backend(|db, backend| async move {
            imported(&db).await;
            let lead = org(&db, 0).await;
            let published = input(lead, "Vacunación en Tapachula", "07089")
                .validate()
                .unwrap();
            let mut draft = input(lead, "Albergue en Tijuana", "02004")
                .validate()
                .unwrap();
            draft.covid19 = true;
            draft.covid19_how = "Cuarentena".into();
            draft.rights = vec![Right::Housing];
            let author = Uuid::now_v7();
            let public_id = db
                .create_practice(&NewPractice {
                    content: &published,
                    status: PracticeStatus::Published,
                    slug: Some("vacunacion"),
                    created_by: None,
                    author_organization: None,
                    is_example: true,
                })
                .await
                .unwrap();
            db.create_practice(&NewPractice {
                content: &draft,
                status: PracticeStatus::Draft,
                slug: None,
                created_by: None,
                author_organization: Some(lead),
                is_example: false,
            })
            .await
            .unwrap();
            let all = PracticeFilter::default();
            let page = PageRequest::default();
            let public = db
                .practices(&all, Visibility::Public, None, PracticeSort::Recent, page)
                .await
                .unwrap();
            assert_eq!(public.total, 1, "{backend:?}: drafts are not public");
            assert_eq!(public.items[0].id, public_id);
            let own = db
                .practices(
                    &all,
                    Visibility::Public,
                    Some((author, Some(lead))),
                    PracticeSort::Title,
                    page,
                )
                .await
                .unwrap();
            assert_eq!(own.total, 2, "authors' organization sees its draft");
            assert_eq!(
                own.items[0].content.title, "Albergue en Tijuana",
                "sorted by title"
            );
            let everything = db
                .practices(&all, Visibility::All, None, PracticeSort::Recent, page)
                .await
                .unwrap();
            assert_eq!(everything.total, 2);

            let chiapas = PracticeFilter {
                state: Some(acoge_domain::StateKey::parse("07").unwrap()),
                ..Default::default()
            };
            assert_eq!(
                db.practices(&chiapas, Visibility::All, None, PracticeSort::Recent, page)
                    .await
                    .unwrap()
                    .total,
                1
            );
            let housing = PracticeFilter {
                right: Some(Right::Housing),
                ..Default::default()
            };
            assert_eq!(
                db.practices(&housing, Visibility::All, None, PracticeSort::Recent, page)
                    .await
                    .unwrap()
                    .total,
                1
            );
            let food = PracticeFilter {
                sector: Some(Sector::Food),
                covid19: Some(true),
                ..Default::default()
            };
            assert_eq!(
                db.practices(&food, Visibility::All, None, PracticeSort::Recent, page)
                    .await
                    .unwrap()
                    .total,
                1
            );
            let text = PracticeFilter {
                text: Some("VACUNACION".into()),
                ..Default::default()
            };
            assert_eq!(
                db.practices(&text, Visibility::All, None, PracticeSort::Recent, page)
                    .await
                    .unwrap()
                    .total,
                1
            );
            let year = PracticeFilter {
                year: Some(2021),
                municipality: Some(Cvegeo::parse("02004").unwrap()),
                ..Default::default()
            };
            assert_eq!(
                db.practices(&year, Visibility::All, None, PracticeSort::Recent, page)
                    .await
                    .unwrap()
                    .total,
                1
            );

            let facets = db
                .practice_facets(&all, Visibility::All, None)
                .await
                .unwrap();
            assert_eq!(
                facets.state,
                vec![("02".to_owned(), 1), ("07".to_owned(), 1)]
            );
            assert!(facets.terms["sector"].contains(&("alimentacion".to_owned(), 2)));
            assert_eq!(facets.year, vec![(2021, 2)]);
            assert!(
                db.practice_by_slug("vacunacion")
                    .await
                    .unwrap()
                    .unwrap()
                    .is_example
            );
        })
        .await;
    }

    #[tokio::test]
    async fn edits_make_versions_and_reviews_publish() {
        on_each_backend(|db, _| async move {
            imported(&db).await;
            let lead = org(&db, 0).await;
            let content = input(lead, "Primera", "07089").validate().unwrap();
            let id = db
                .create_practice(&NewPractice {
                    content: &content,
                    status: PracticeStatus::Draft,
                    slug: None,
                    created_by: None,
                    author_organization: Some(lead),
                    is_example: false,
                })
                .await
                .unwrap();
            let editor = Uuid::now_v7();
            let mut edited = content.clone();
            edited.title = "Segunda".into();
            assert_eq!(
                db.update_practice(id, &edited, Some(editor)).await.unwrap(),
                Some(2)
            );
            let versions = db.practice_versions(id).await.unwrap();
            assert_eq!(
                versions
                    .iter()
                    .map(|v| v.content.title.as_str())
                    .collect::<Vec<_>>(),
                vec!["Primera", "Segunda"]
            );
            assert!(
                db.update_practice(Uuid::now_v7(), &edited, Some(editor))
                    .await
                    .unwrap()
                    .is_none()
            );

            assert!(
                db.set_practice_status(
                    id,
                    PracticeStatus::Draft,
                    PracticeStatus::Submitted,
                    editor,
                    &[]
                )
                .await
                .unwrap()
            );
            assert!(
                !db.set_practice_status(
                    id,
                    PracticeStatus::Draft,
                    PracticeStatus::Submitted,
                    editor,
                    &[]
                )
                .await
                .unwrap(),
                "compare-and-set"
            );
            let checklist = BTreeMap::from([("objetivo_pacto".to_owned(), true)]);
            let review = |reviewer| NewReview {
                reviewer,
                reviewer_org: None,
                decision: ReviewDecision::Approve,
                checklist: &checklist,
                comment: "Bien documentada",
                required_approvals: 2,
            };
            let practice = db.practice(id).await.unwrap().unwrap();
            let reviewer = |n: &str| {
                let db = db.clone();
                let address = format!("{n}-{}@example.org", Uuid::now_v7().simple());
                async move {
                    db.create_member(
                        &acoge_store::NewMember {
                            email: &acoge_domain::accounts::Email::parse("e", &address).unwrap(),
                            display_name: "Revisora",
                            organization_id: None,
                            role: acoge_domain::accounts::Role::Reviewer,
                            password_hash: "x",
                        },
                        None,
                    )
                    .await
                    .unwrap()
                }
            };
            let first = reviewer("a").await;
            assert_eq!(
                db.add_review(&practice, &review(first), &[]).await.unwrap(),
                Some(PracticeStatus::InReview)
            );
            let practice = db.practice(id).await.unwrap().unwrap();
            assert!(db.reviewed_this_round(&practice, first).await.unwrap());
            let second = reviewer("b").await;
            assert_eq!(
                db.add_review(&practice, &review(second), &[])
                    .await
                    .unwrap(),
                Some(PracticeStatus::Published)
            );
            let published = db.practice(id).await.unwrap().unwrap();
            assert!(published.published_at.is_some());
            let reviews = db.reviews(id).await.unwrap();
            assert_eq!(reviews.len(), 2);
            assert!(reviews[0].checklist["objetivo_pacto"]);
            let third = reviewer("c").await;
            let stale = db.add_review(&practice, &review(third), &[]).await.unwrap();
            assert_eq!(
                stale, None,
                "a review against an outdated status is not recorded"
            );
        })
        .await;
    }
}
#[path = "store/alliance_batches.rs"]
mod alliance_batches;
#[path = "store/demo.rs"]
mod demo;

#[path = "store/directory.rs"]
mod directory;

#[path = "store/search.rs"]
mod search;

#[path = "store/legal_changes.rs"]
mod legal_changes;

#[path = "store/discussions.rs"]
mod discussions;

#[path = "store/registrations.rs"]
mod registrations;
#[path = "store/working_groups.rs"]
mod working_groups;

#[path = "store/races.rs"]
mod races;

#[path = "store/practice_lists.rs"]
mod practice_lists;
