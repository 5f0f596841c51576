//! The directory: importing the services data set, services by place and
//! distance, declared and derived alliances, members' edits and moderators'
//! verification, and the facts the analyses read.

use super::{imported, on_each_backend};
use acoge_domain::{
    Cvegeo, StateKey,
    accounts::{Email, Role},
    alliance::{AllianceInput, AllianceKind},
    directory::{DirectoryData, DirectoryInput, Territory},
    fields::FieldProblem,
    page::PageRequest,
    practice::{Partner, PracticeInput, PracticeStatus, Sector},
};
use acoge_formats::{
    reference::ReferenceFiles,
    services::{Places, SERVICES_FILE, embedded_services, parse_services},
};
use acoge_store::{
    Db, ImportOutcome, NewMember, NewPractice, OrganizationFilter, ServiceFilter, StoreError,
};
use uuid::Uuid;

fn services_data() -> DirectoryData {
    let reference = ReferenceFiles::embedded().parse().unwrap();
    parse_services(SERVICES_FILE, embedded_services(), &Places::of(&reference)).unwrap()
}

async fn with_services(db: &Db) {
    imported(db).await;
    let outcome = db
        .import_directory(&services_data(), "digest-1", &|_| {})
        .await
        .unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(n) if n > 200));
}

async fn organization_count(db: &Db) -> u64 {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .total
}

async fn org_named(db: &Db, name: &str) -> Uuid {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the directory"))
        .id
}

async fn member(db: &Db, role: Role) -> Uuid {
    let address = format!("m-{}@example.org", Uuid::now_v7().simple());
    db.create_member(
        &NewMember {
            email: &Email::parse("email", &address).unwrap(),
            display_name: "Moderadora",
            organization_id: None,
            role,
            password_hash: "x",
        },
        None,
    )
    .await
    .unwrap()
}

fn key(cvegeo: &str) -> Cvegeo {
    Cvegeo::parse(cvegeo).unwrap()
}

#[tokio::test]
async fn importing_the_services_twice_changes_nothing() {
    on_each_backend(|db, backend| async move {
        with_services(&db).await;
        // 60 rows, four of them organizations already in organizaciones.csv.
        assert_eq!(organization_count(&db).await, 81, "{backend:?}");
        let all = ServiceFilter {
            include_closed: true,
            ..Default::default()
        };
        let services = db.services(&all).await.unwrap();
        assert_eq!(services.len(), 165);
        let head = db.outbox_head().await.unwrap();
        let again = db
            .import_directory(&services_data(), "digest-1", &|_| {})
            .await
            .unwrap();
        assert_eq!(again, ImportOutcome::AlreadyCurrent);
        assert_eq!(db.outbox_head().await.unwrap(), head);

        // Another digest of the same rows upserts by natural key: same ids.
        db.import_directory(&services_data(), "digest-2", &|_| {})
            .await
            .unwrap();
        assert_eq!(organization_count(&db).await, 81);
        let after = db.services(&all).await.unwrap();
        let ids = |list: &[acoge_store::ServiceRecord]| {
            list.iter().map(|s| s.service.id).collect::<Vec<_>>()
        };
        assert_eq!(ids(&services), ids(&after));

        // A service saved on the site keeps its edits through a new import.
        let mut edited = after[0].service.clone();
        edited.description = "Horario ampliado según la organización".into();
        let editor = member(&db, Role::Moderator).await;
        db.save_service(&edited, Some(edited.id), editor)
            .await
            .unwrap();
        db.import_directory(&services_data(), "digest-3", &|_| {})
            .await
            .unwrap();
        let kept = db.services(&all).await.unwrap();
        let kept = kept.iter().find(|s| s.service.id == edited.id).unwrap();
        assert_eq!(
            kept.service.description, "Horario ampliado según la organización",
            "{backend:?}"
        );

        // A shared organization keeps its reference record and gains sectors.
        let tijuana = org_named(&db, "Casa del Migrante en Tijuana (Centro Scalabrini)").await;
        let entry = db.directory_entry(tijuana).await.unwrap().unwrap();
        assert!(entry.sectors.contains(&Sector::HousingShelter));
        assert_eq!(
            entry.territories,
            vec![Territory::Municipality(key("02004"))]
        );
        assert_eq!(entry.founded, Some(1987));
        // Mexico City rows serve their state and have no located service.
        let tochan = org_named(&db, "Casa Tochan").await;
        let entry = db.directory_entry(tochan).await.unwrap().unwrap();
        assert_eq!(
            entry.territories,
            vec![Territory::State(StateKey::parse("09").unwrap())]
        );
        assert!(after.iter().all(|s| s.service.organization_id != tochan));
        assert!(
            db.outbox_after(0, 100_000)
                .await
                .unwrap()
                .iter()
                .any(|e| e.entity == "service")
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_record_stores_nothing() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let mut data = services_data();
        let record = data
            .records
            .iter_mut()
            .rev()
            .find(|r| !r.services.is_empty())
            .unwrap();
        // A municipality INEGI never issued: the database refuses it.
        record.services[0].location.cvegeo = key("32999");
        assert!(db.import_directory(&data, "bad", &|_| {}).await.is_err());
        assert_eq!(organization_count(&db).await, 25);
        let all = ServiceFilter {
            include_closed: true,
            ..Default::default()
        };
        assert!(db.services(&all).await.unwrap().is_empty());
        assert_eq!(db.dataset_digest("servicios").await.unwrap(), None);

        // A name already taken by another organization is a named error.
        let mut data = services_data();
        let chiapas = data
            .records
            .iter()
            .rposition(|r| {
                r.organization
                    .state_key
                    .as_ref()
                    .is_some_and(|k| k.as_str() == "07")
            })
            .unwrap();
        // Same name as a Tijuana shelter, in Chiapas: not the same organization.
        data.records[chiapas].organization.name = data.records[1].organization.name.clone();
        let err = db
            .import_directory(&data, "bad", &|_| {})
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Invalid(ref e) if e.field == "name"
                && e.problem == FieldProblem::DuplicateName),
            "{err}"
        );
        assert_eq!(organization_count(&db).await, 25);
    })
    .await;
}

#[tokio::test]
async fn the_same_folded_name_in_one_municipality_is_refused() {
    on_each_backend(|db, _| async move {
        imported(&db).await;
        let insert = |name: &'static str, cvegeo: &'static str| {
            let db = db.clone();
            async move {
                let sql = "INSERT INTO organizations (id, name, name_folded, kind, scope, cve_ent,
                        cvegeo, founding_organizer, description, verified, sources, created_at,
                        updated_at)
                     SELECT $1, $2, $3, 'albergue', 'local', $4, $5, false, '', false, '',
                        created_at, created_at
                     FROM organizations LIMIT 1";
                let folded = acoge_domain::geo::fold_name(name.trim());
                let id = Uuid::now_v7();
                let state = &cvegeo[..2];
                match &db {
                    Db::Sqlite(pool) => sqlx::query(sql)
                        .bind(id)
                        .bind(name)
                        .bind(&folded)
                        .bind(state)
                        .bind(cvegeo)
                        .execute(pool)
                        .await
                        .map(|_| ()),
                    Db::Postgres(pool) => sqlx::query(sql)
                        .bind(id)
                        .bind(name)
                        .bind(&folded)
                        .bind(state)
                        .bind(cvegeo)
                        .execute(pool)
                        .await
                        .map(|_| ()),
                }
            }
        };
        insert("Casa Nueva", "07089").await.unwrap();
        insert("Casa Nueva ", "02004").await.unwrap();
        let err = insert("CASA NUEVA ", "07089").await.unwrap_err();
        assert!(
            matches!(err, sqlx::Error::Database(ref e) if e.is_unique_violation()),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn services_filter_by_place_and_sector_and_sort_by_distance() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let chiapas_legal = ServiceFilter {
            state: Some(StateKey::parse("07").unwrap()),
            sector: Some(Sector::LegalAid),
            ..Default::default()
        };
        let found = db.services(&chiapas_legal).await.unwrap();
        assert!(!found.is_empty());
        assert!(found.iter().all(|s| {
            s.service.location.cvegeo.as_str().starts_with("07")
                && s.service.sectors.contains(&Sector::LegalAid)
        }));
        let tapachula = ServiceFilter {
            municipality: Some(key("07089")),
            ..Default::default()
        };
        let local = db.services(&tapachula).await.unwrap();
        assert!(local.iter().all(|s| s.municipality_name == "Tapachula"));

        let near = db
            .services_near(&key("07089"), 300.0)
            .await
            .unwrap()
            .unwrap();
        assert!(near.len() > local.len(), "neighbours are included");
        assert!(
            near.windows(2)
                .all(|w| w[0].distance_km <= w[1].distance_km)
        );
        assert!(near.iter().all(|n| n.distance_km <= 300.0));
        assert_eq!(near[0].distance_km, 0.0, "Tapachula's own services first");
        assert!(
            near.iter()
                .any(|n| n.record.service.location.cvegeo.as_str() != "07089")
        );
        let north = ["02", "05", "08", "19", "26", "28"];
        assert!(
            near.iter()
                .all(|n| !north.contains(&&n.record.service.location.cvegeo.as_str()[..2])),
            "nothing from the north border within 300 km of Tapachula"
        );
        assert_eq!(
            db.services_near(&key("12083"), 300.0).await.unwrap(),
            None,
            "no seat coordinates"
        );
    })
    .await;
}

#[tokio::test]
async fn alliances_need_two_organizations_and_are_audited() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let shelter = org_named(&db, "Casa del Migrante en Tijuana (Centro Scalabrini)").await;
        let government = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(100))
            .await
            .unwrap()
            .items
            .iter()
            .find(|o| o.kind == acoge_domain::organization::OrganizationKind::MunicipalGovernment)
            .unwrap()
            .id;
        let input = |members: Vec<Uuid>| AllianceInput {
            name: "Red de Tijuana".into(),
            members: members.iter().map(Uuid::to_string).collect(),
            sectors: vec!["vivienda_albergue".into()],
            municipalities: vec!["02004".into()],
            kind: "red_canalizacion".into(),
            started: "2019".into(),
            ..Default::default()
        };
        assert!(input(vec![shelter]).validate().is_err());
        let mut lone = input(vec![shelter, government]).validate().unwrap();
        lone.members = vec![shelter];
        let member = member(&db, Role::Member).await;
        assert!(matches!(
            db.create_alliance(&lone, Some(member)).await,
            Err(StoreError::Invalid(ref e)) if e.problem == FieldProblem::TooFewMembers
        ));
        let mut stranger = lone.clone();
        stranger.members = vec![shelter, Uuid::now_v7()];
        assert!(matches!(
            db.create_alliance(&stranger, Some(member)).await,
            Err(StoreError::Invalid(ref e)) if e.problem == FieldProblem::UnknownOrganization
        ));
        assert!(db.alliances().await.unwrap().is_empty(), "nothing stored");

        let alliance = input(vec![shelter, government]).validate().unwrap();
        let id = db.create_alliance(&alliance, Some(member)).await.unwrap();
        let all = db.alliances().await.unwrap();
        assert_eq!(all.len(), 1);
        let stored = &all[0];
        assert_eq!(stored.alliance.id, id);
        assert_eq!(stored.alliance.declared_by, Some(member));
        assert_eq!(stored.alliance.kind, AllianceKind::ReferralNetwork);
        assert_eq!(stored.alliance.members.len(), 2);
        assert_eq!(
            stored.alliance.territory,
            vec![Territory::Municipality(key("02004"))]
        );
        assert!(stored.intersectoral, "a government and a shelter");
        let log = db.audit_log(None, PageRequest::default()).await.unwrap();
        assert_eq!(log.items[0].action, "alliance.create");
    })
    .await;
}

#[tokio::test]
async fn published_practices_make_alliances_of_lead_and_partners() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let lead = org_named(&db, "Casa del Migrante en Tijuana (Centro Scalabrini)").await;
        let partner = org_named(&db, "Al Otro Lado").await;
        let practice = |title: &str, partners: Vec<Uuid>| {
            let mut content = PracticeInput {
                title: title.into(),
                summary: "Resumen.".into(),
                municipalities: vec!["02004".into()],
                lead_organization: lead.to_string(),
                sectors: vec!["asesoria_juridica".into()],
                start_date: "2020-03".into(),
                ..Default::default()
            }
            .validate()
            .unwrap();
            content.partners = partners.into_iter().map(Partner::Existing).collect();
            content
                .partners
                .push(Partner::Proposed("Una red sin registro".into()));
            content
        };
        let joint = practice("Asesoría conjunta", vec![partner]);
        let alone = practice("Sola", vec![]);
        let draft = practice("Borrador", vec![partner]);
        let mut published = Vec::new();
        for (content, status) in [
            (&joint, PracticeStatus::Published),
            (&alone, PracticeStatus::Published),
            (&draft, PracticeStatus::Draft),
        ] {
            let id = db
                .create_practice(&NewPractice {
                    content,
                    status,
                    slug: None,
                    created_by: None,
                    author_organization: None,
                    is_example: false,
                })
                .await
                .unwrap();
            published.push(id);
        }
        let alliances = db.alliances().await.unwrap();
        assert_eq!(
            alliances.len(),
            1,
            "only the published practice with a partner"
        );
        let derived = &alliances[0].alliance;
        assert_eq!(derived.derived_from_practice, Some(published[0]));
        assert_eq!(derived.kind, AllianceKind::JointPractice);
        assert_eq!(derived.source, Some(format!("/practicas/{}", published[0])));
        let mut members = vec![lead, partner];
        members.sort();
        assert_eq!(derived.members, members);
        assert_eq!(derived.sectors, vec![Sector::LegalAid]);
        assert_eq!(derived.started.unwrap().to_string(), "2020-03");
        assert!(
            !alliances[0].intersectoral,
            "two civil-society organizations"
        );

        let facts = db.analysis_facts().await.unwrap();
        assert_eq!(facts.organizations.len(), 81);
        assert_eq!(facts.services.len(), 165);
        assert_eq!(facts.municipalities.len(), 2478);
        assert_eq!(facts.alliances.len(), 1);
        assert_eq!(facts.alliances[0].members, members);
        let tijuana = facts.organizations.iter().find(|o| o.id == lead).unwrap();
        assert!(tijuana.sectors.contains(&Sector::LegalAid));
    })
    .await;
}

#[tokio::test]
async fn members_edit_their_entry_and_moderators_verify_it() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let id = org_named(&db, "Al Otro Lado").await;
        let editor = member(&db, Role::Member).await;
        let edit = DirectoryInput {
            sectors: vec!["asesoria_juridica".into(), "salud_mental".into()],
            municipalities: vec!["02004".into()],
            states: vec!["02".into()],
            website: "https://alotrolado.org".into(),
            contact: "Oficina de Tijuana".into(),
            founded: "2012".into(),
        }
        .validate()
        .unwrap();
        assert!(
            db.update_organization_directory(id, &edit, editor)
                .await
                .unwrap()
        );
        assert!(
            !db.update_organization_directory(Uuid::now_v7(), &edit, editor)
                .await
                .unwrap()
        );
        let entry = db.directory_entry(id).await.unwrap().unwrap();
        assert_eq!(entry.sectors, vec![Sector::LegalAid, Sector::MentalHealth]);
        assert_eq!(entry.territories.len(), 2);
        assert_eq!(entry.contact.as_deref(), Some("Oficina de Tijuana"));
        assert_eq!(entry.verified_at, None);

        let moderator = member(&db, Role::Moderator).await;
        assert!(db.verify_organization(id, moderator).await.unwrap());
        let entry = db.directory_entry(id).await.unwrap().unwrap();
        assert!(entry.verified_at.is_some());
        assert_eq!(entry.verified_by, Some(moderator));
        let log = db.audit_log(None, PageRequest::default()).await.unwrap();
        let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions[0], "organization.verify");
        assert!(actions.contains(&"organization.directory"));
    })
    .await;
}

#[tokio::test]
async fn organization_filters_combine_and_count_what_they_list() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let everyone = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1_000))
            .await
            .unwrap();
        assert_eq!(
            everyone.total,
            everyone.items.len() as u64,
            "the kept count"
        );
        let chiapas = StateKey::parse("07").unwrap();
        let filters = [
            OrganizationFilter {
                state: Some(chiapas.clone()),
                ..Default::default()
            },
            OrganizationFilter {
                municipality: Some(key("07089")),
                ..Default::default()
            },
            OrganizationFilter {
                state: Some(chiapas.clone()),
                founding_organizer: Some(false),
                ..Default::default()
            },
            OrganizationFilter {
                state: Some(chiapas.clone()),
                sector: Some(Sector::LegalAid),
                ..Default::default()
            },
        ];
        for filter in filters {
            let listed = db
                .organizations(&filter, PageRequest::first(1_000))
                .await
                .unwrap();
            let expected: Vec<Uuid> = everyone
                .items
                .iter()
                .filter(|o| filter.state.is_none() || o.state_key == filter.state)
                .filter(|o| filter.municipality.is_none() || o.cvegeo == filter.municipality)
                .filter(|o| {
                    filter
                        .founding_organizer
                        .is_none_or(|f| o.founding_organizer == f)
                })
                .map(|o| o.id)
                .collect();
            assert!(!listed.items.is_empty(), "{filter:?} lists someone");
            assert_eq!(listed.total, listed.items.len() as u64, "{filter:?}");
            if filter.sector.is_none() {
                let ids: Vec<Uuid> = listed.items.iter().map(|o| o.id).collect();
                assert_eq!(ids, expected, "{filter:?}");
            } else {
                assert!(listed.items.iter().all(|o| expected.contains(&o.id)));
                assert!(listed.items.len() < expected.len(), "{filter:?} narrows");
            }
        }
        let in_chiapas = OrganizationFilter {
            state: Some(chiapas),
            ..Default::default()
        };
        let page = |request| db.organizations(&in_chiapas, request);
        let second = page(PageRequest {
            page: 2,
            per_page: 3,
        })
        .await
        .unwrap();
        let first_six = page(PageRequest::first(6)).await.unwrap();
        assert_eq!(
            second.items,
            first_six.items[3..6].to_vec(),
            "pages follow on"
        );
    })
    .await;
}

#[tokio::test]
async fn services_near_leave_out_by_box_only_what_is_beyond_the_radius() {
    on_each_backend(|db, _| async move {
        with_services(&db).await;
        let everywhere = db
            .services_near(&key("07089"), 5_000.0)
            .await
            .unwrap()
            .unwrap();
        assert!(
            everywhere.len() > 100,
            "a box wider than Mexico finds them all"
        );
        for radius in [50.0, 150.0, 300.0, 800.0] {
            let near = db
                .services_near(&key("07089"), radius)
                .await
                .unwrap()
                .unwrap();
            let expected: Vec<_> = everywhere
                .iter()
                .filter(|n| n.distance_km <= radius)
                .collect();
            assert_eq!(near.iter().collect::<Vec<_>>(), expected, "{radius} km");
        }
    })
    .await;
}
