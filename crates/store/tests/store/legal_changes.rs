//! Moderators' changes to the legal framework: versions, audit, and a
//! reference import that leaves curated records alone.

use super::{imported, on_each_backend};
use acoge_domain::{
    accounts::{Email, Role},
    dates::PartialDate,
    legal_change::{ChangeKind, InstrumentContent, ProvisionContent},
    page::PageRequest,
};
use acoge_formats::reference::ReferenceFiles;
use acoge_store::{Change, Db, ImportOutcome, NewMember, StoreError};
use uuid::Uuid;

async fn moderator(db: &Db) -> Uuid {
    db.create_member(
        &NewMember {
            email: &Email::parse("email", "moderadora@example.org").unwrap(),
            display_name: "Moderadora",
            organization_id: None,
            role: Role::Moderator,
            password_hash: "hash",
        },
        None,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_correction_keeps_the_imported_version_and_survives_a_new_import() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let editor = moderator(&db).await;
        let article_4 = db
            .provisions()
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.instrument_id == "cpeum" && p.article == "4")
            .unwrap();
        assert_eq!(article_4.version, 1);
        assert!(
            db.provision_versions(article_4.id)
                .await
                .unwrap()
                .is_empty()
        );

        let mut corrected = ProvisionContent::of(&article_4);
        corrected.summary = format!("{} (corregido)", article_4.summary);
        let change = Change {
            editor,
            kind: ChangeKind::Correction,
            note: Some("faltaba una palabra"),
        };
        let version = db.update_provision(article_4.id, &corrected, change).await;
        assert_eq!(version.unwrap(), Some(2), "{backend:?}");

        let versions = db.provision_versions(article_4.id).await.unwrap();
        let kinds: Vec<_> = versions.iter().map(|v| (v.version, v.kind)).collect();
        assert_eq!(
            kinds,
            [(1, ChangeKind::Import), (2, ChangeKind::Correction)]
        );
        assert_eq!(versions[0].content.summary, article_4.summary);
        assert_eq!(
            versions[0].recorded_at, None,
            "the import's date is unknown"
        );
        assert_eq!(versions[1].edited_by_name.as_deref(), Some("Moderadora"));
        assert_eq!(versions[1].note.as_deref(), Some("faltaba una palabra"));
        assert!(versions[1].recorded_at.is_some());

        let log = db
            .audit_log(Some(editor), PageRequest::first(10))
            .await
            .unwrap();
        let entry = &log.items[0];
        assert_eq!(
            (entry.action.as_str(), entry.entity_id.clone()),
            ("provision.correct", article_4.id.to_string())
        );
        assert!(
            entry
                .before
                .as_deref()
                .unwrap()
                .contains(&article_4.summary)
        );

        // A newer data set (another digest) leaves the curated provision alone
        // and still updates the others.
        let files = ReferenceFiles::embedded();
        let outcome = db
            .import_reference(&files.parse().unwrap(), "another digest", &|_| {})
            .await
            .unwrap();
        assert!(matches!(outcome, ImportOutcome::Imported(_)));
        let after = db.provision(article_4.id).await.unwrap().unwrap();
        assert_eq!(after.summary, corrected.summary);
        assert_eq!(after.version, 2);
    })
    .await;
}

#[tokio::test]
async fn instruments_and_provisions_added_by_moderators_refuse_taken_keys() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let editor = moderator(&db).await;
        let content = InstrumentContent {
            level: acoge_domain::legal::InstrumentLevel::Municipal,
            jurisdiction: "MX-BC-02004".into(),
            name: "Reglamento municipal de atención a personas migrantes".into(),
            published: Some(PartialDate::parse("2019-06").unwrap()),
            notes: None,
            sources: vec!["https://www.tijuana.gob.mx/reglamentos".into()],
            verified: false,
        };
        db.create_instrument("reglamento-tijuana", &content, editor)
            .await
            .unwrap();
        let taken = db.create_instrument("cpeum", &content, editor).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict { field: "id" })),
            "{backend:?}: {taken:?}"
        );

        let provision = ProvisionContent {
            article: "12".into(),
            theme: "salud".into(),
            rights: vec![acoge_domain::taxonomy::Right::Health],
            binds: vec![acoge_domain::taxonomy::GovernmentLevel::Municipal],
            summary: "Atención médica de primer nivel sin importar la situación migratoria".into(),
            institutions: vec!["Dirección Municipal de Salud".into()],
            in_force_from: None,
            source: None,
            verified: false,
        };
        let id = db
            .create_provision("reglamento-tijuana", &provision, editor)
            .await
            .unwrap();
        let again = db
            .create_provision("reglamento-tijuana", &provision, editor)
            .await;
        assert!(matches!(
            again,
            Err(StoreError::Conflict { field: "article" })
        ));
        let orphan = db.create_provision("no-such-law", &provision, editor).await;
        assert!(matches!(orphan, Err(StoreError::MissingReference(_))));

        let mut reformed = provision.clone();
        reformed.summary = "Texto reformado".into();
        reformed.in_force_from = Some(PartialDate::parse("2023-01-01").unwrap());
        let change = Change {
            editor,
            kind: ChangeKind::Reform,
            note: None,
        };
        assert_eq!(
            db.update_provision(id, &reformed, change).await.unwrap(),
            Some(2)
        );
        let stored = db.provision(id).await.unwrap().unwrap();
        assert_eq!(ProvisionContent::of(&stored), reformed);
        let versions = db.provision_versions(id).await.unwrap();
        assert_eq!(versions.len(), 2, "no baseline for a record born here");
        assert_eq!(versions[0].content, provision);
        assert_eq!(versions[1].kind, ChangeKind::Reform);
        assert_eq!(
            db.update_provision(Uuid::now_v7(), &reformed, change)
                .await
                .unwrap(),
            None
        );

        let mut verified = content.clone();
        verified.verified = true;
        let verification = Change {
            editor,
            kind: ChangeKind::Verification,
            note: None,
        };
        let version = db
            .update_instrument("reglamento-tijuana", &verified, verification)
            .await
            .unwrap();
        assert_eq!(version, Some(2));
        let instrument = db.legal_instrument("reglamento-tijuana").await.unwrap();
        assert!(instrument.unwrap().provenance.verified);
        let kinds: Vec<_> = db
            .instrument_versions("reglamento-tijuana")
            .await
            .unwrap()
            .iter()
            .map(|v| v.kind)
            .collect();
        assert_eq!(kinds, [ChangeKind::Creation, ChangeKind::Verification]);
    })
    .await;
}
