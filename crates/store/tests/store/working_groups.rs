//! Working groups and the collaboration framework, on both backends.

use super::{imported, on_each_backend};
use acoge_domain::{
    accounts::{Email, Role},
    lang::Bilingual,
    page::PageRequest,
    working_group::GroupContent,
};
use acoge_store::{NewMember, OrganizationFilter, StoreError};

#[tokio::test]
async fn groups_gather_organizations_that_accepted_the_framework_and_versions_are_kept() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let admin = db
            .create_member(
                &NewMember {
                    email: &Email::parse("email", "admin@example.org").unwrap(),
                    display_name: "Admin",
                    organization_id: None,
                    role: Role::Administrator,
                    password_hash: "hash",
                },
                None,
            )
            .await
            .unwrap();
        let org = db
            .organizations(&OrganizationFilter::default(), PageRequest::first(1))
            .await
            .unwrap()
            .items[0]
            .id;
        let bilingual = |es: &str, en: &str| Bilingual {
            es: es.into(),
            en: en.into(),
        };
        assert_eq!(
            db.accept_framework(org, admin).await.unwrap(),
            None,
            "nothing published"
        );
        assert_eq!(
            db.publish_framework(&bilingual("Uno", "One"), admin)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            db.publish_framework(&bilingual("Dos", "Two"), admin)
                .await
                .unwrap(),
            2
        );
        assert_eq!(db.accept_framework(org, admin).await.unwrap(), Some(2));
        let versions = db.framework_versions().await.unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(versions[1].body.es, "Uno", "{backend:?}: old versions stay");
        assert_eq!(db.framework_members().await.unwrap().len(), 1);

        let health = GroupContent {
            slug: "salud".into(),
            name: bilingual("Salud", "Health"),
            description: bilingual("Acceso a la salud", "Access to health"),
        };
        let group = db
            .create_working_group(&health, &[admin], admin)
            .await
            .unwrap();
        let again = db.create_working_group(&health, &[], admin).await;
        assert!(matches!(again, Err(StoreError::Conflict { field: "slug" })));
        assert!(
            db.set_group_membership(group, org, true, admin)
                .await
                .unwrap()
        );
        let groups = db.working_groups().await.unwrap();
        assert_eq!(groups[0].moderators, [(admin, "Admin".to_owned())]);
        assert!(
            db.set_group_moderator(group, admin, false, admin)
                .await
                .unwrap()
        );
        assert!(db.working_groups().await.unwrap()[0].moderators.is_empty());
        assert!(
            db.set_group_moderator(group, admin, true, admin)
                .await
                .unwrap()
        );
        assert!(
            !db.set_group_moderator(group, uuid::Uuid::now_v7(), true, admin)
                .await
                .unwrap(),
            "{backend:?}: no such member"
        );
        assert_eq!(db.working_groups().await.unwrap()[0].moderators.len(), 1);
        assert_eq!(groups[0].organizations[0].0, org);
        assert!(
            db.set_group_membership(group, org, false, admin)
                .await
                .unwrap()
        );
        assert!(
            db.working_groups().await.unwrap()[0]
                .organizations
                .is_empty()
        );
        assert!(
            !db.set_group_membership(uuid::Uuid::now_v7(), org, true, admin)
                .await
                .unwrap()
        );
    })
    .await;
}
