//! Reading alliances and entries a page at a time: one batch per table
//! whatever the page's size, in the order asked, and the light facts the
//! background analysis reads (no practice content).

use super::{imported, on_each_backend};
use acoge_domain::{
    Provenance,
    alliance::AllianceInput,
    organization::{Organization, OrganizationKind, Scope},
    practice::{PracticeContent, PracticeInput, PracticeStatus},
};
use acoge_store::NewPractice;
use uuid::Uuid;

fn organization(index: usize) -> Organization {
    Organization {
        id: Uuid::now_v7(),
        name: format!("Colectivo por lotes {index} (demo)"),
        acronym: None,
        kind: OrganizationKind::Shelter,
        scope: Scope::Local,
        state_key: acoge_domain::StateKey::parse("07").ok(),
        cvegeo: acoge_domain::Cvegeo::parse("07089").ok(),
        founding_organizer: false,
        description: String::new(),
        provenance: Provenance {
            sources: vec!["https://demo.invalid/lotes".to_owned()],
            verified: false,
        },
    }
}

fn practice(title: &str, lead: Uuid, partners: &[Uuid]) -> PracticeContent {
    PracticeInput {
        title: title.to_owned(),
        summary: "Resumen.".to_owned(),
        municipalities: vec!["07089".to_owned()],
        lead_organization: lead.to_string(),
        partners: partners.iter().map(Uuid::to_string).collect(),
        start_date: "2022".to_owned(),
        ..PracticeInput::default()
    }
    .validate()
    .unwrap()
}

#[tokio::test]
async fn alliances_are_read_by_page_and_by_organization_in_list_order() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let orgs: Vec<Organization> = (0..4).map(organization).collect();
        db.insert_demo_organizations(&orgs, |_| {}).await.unwrap();
        let [a, b, c, d] = [orgs[0].id, orgs[1].id, orgs[2].id, orgs[3].id];
        let contents = [
            (practice("Juntas", a, &[b]), PracticeStatus::Published),
            (practice("Sola", c, &[]), PracticeStatus::Published),
            (practice("Borrador", a, &[c]), PracticeStatus::Draft),
            (practice("Tres", a, &[c, d]), PracticeStatus::Published),
        ];
        let news: Vec<NewPractice> = contents
            .iter()
            .map(|(content, status)| NewPractice {
                content,
                status: *status,
                slug: None,
                created_by: None,
                author_organization: None,
                is_example: false,
            })
            .collect();
        let practices = db.insert_demo_practices(&news, |_| {}).await.unwrap();
        let declared = AllianceInput {
            name: "Convenio por lotes".into(),
            members: vec![b.to_string(), d.to_string()],
            kind: "convenio".into(),
            ..AllianceInput::default()
        }
        .validate()
        .unwrap();
        let declared = db.create_alliance(&declared, None).await.unwrap();

        // What the analysis reads: declared first, then published practices
        // with two members or more, by id.
        let facts = db.analysis_facts().await.unwrap();
        let listed: Vec<(Uuid, bool)> =
            facts.alliances.iter().map(|a| (a.id, a.declared)).collect();
        assert_eq!(
            listed,
            vec![
                (declared, true),
                (practices[0], false),
                (practices[3], false)
            ],
            "{backend:?}"
        );
        let mut three = vec![a, c, d];
        three.sort();
        assert_eq!(facts.alliances[2].members, three);

        // A page: in the order asked, whatever is no alliance left out.
        let page = db
            .alliance_records(
                &[declared, Uuid::now_v7()],
                &[practices[3], practices[1], practices[0]],
            )
            .await
            .unwrap();
        let ids: Vec<Uuid> = page.iter().map(|r| r.alliance.id).collect();
        assert_eq!(ids, vec![declared, practices[3], practices[0]]);
        assert_eq!(page[1].alliance.name, "Tres");
        assert_eq!(page[1].member_names.len(), 3);
        assert_eq!(page[0].alliance.derived_from_practice, None);
        // The same records as the whole list.
        assert_eq!(db.alliances().await.unwrap(), {
            let mut all = page.clone();
            all.swap(1, 2);
            all
        });

        let (total, first) = db.alliances_of_organization(a, 1).await.unwrap();
        assert_eq!((total, first.len()), (2, 1));
        assert_eq!(first[0].alliance.id, practices[0]);
        let (total, all) = db.alliances_of_organization(d, 10).await.unwrap();
        assert_eq!(total, 2);
        assert_eq!(all[0].alliance.id, declared, "declared ones first");
        assert_eq!(
            db.alliances_of_organization(Uuid::now_v7(), 5)
                .await
                .unwrap()
                .0,
            0
        );

        // Directory entries of a page, in one batch.
        let entries = db.directory_entries(&[a, b, Uuid::now_v7()]).await.unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            Some(&entries[&a]),
            db.directory_entry(a).await.unwrap().as_ref()
        );
    })
    .await;
}
