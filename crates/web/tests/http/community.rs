//! Working groups and the collaboration framework through HTTP.

use super::common::{Browser, account_in, spawn_app};
use acoge_domain::{accounts::Role, page::PageRequest};
use acoge_store::{Backend, OrganizationFilter};

#[tokio::test]
async fn organizations_join_groups_after_accepting_the_framework_whose_versions_stay() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db;
    let org = db
        .organizations(&OrganizationFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items[0]
        .id;
    let admin = account_in(db, Role::Administrator, None).await;
    let mut admin = Browser::signed_in(&app, admin.id).await;
    admin.get("/grupos/nuevo").await;
    let bad = admin
        .post(
            "/grupos/nuevo",
            &[
                ("slug", "Salud"),
                ("name_es", "Salud"),
                ("description_es", "Acceso"),
                ("description_en", "Access"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"slug-error\"") && bad.body.contains("id=\"name_en-error\""));
    assert_eq!(admin.new_group("salud-prueba").await.status, 303);

    let member = account_in(db, Role::Member, Some(org)).await;
    let mut member = Browser::signed_in(&app, member.id).await;
    member.get("/grupos/salud-prueba").await;
    let early = member.post("/grupos/salud-prueba/unirse", &[]).await;
    assert_eq!(early.status, 422, "the framework comes first");
    assert!(early.body.contains("marco de colaboración"));
    assert_eq!(
        member
            .post("/marco-de-colaboracion/aceptar", &[])
            .await
            .status,
        409,
        "none published"
    );

    let empty = admin
        .post(
            "/marco-de-colaboracion/editar",
            &[("body_es", "Texto"), ("body_en", " ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"body_en-error\"") && empty.body.contains("Texto"));
    for (es, en) in [
        ("Primera **versión**", "First version"),
        ("Segunda versión", "Second version"),
    ] {
        let published = admin
            .post(
                "/marco-de-colaboracion/editar",
                &[("body_es", es), ("body_en", en)],
            )
            .await;
        assert_eq!(published.status, 303);
    }
    assert_eq!(
        member
            .post("/marco-de-colaboracion/aceptar", &[])
            .await
            .status,
        303
    );
    assert_eq!(
        member.post("/grupos/salud-prueba/unirse", &[]).await.status,
        303
    );

    let framework = app.get("/marco-de-colaboracion", &[]).await.body;
    assert!(
        framework.contains("Segunda versión") && framework.contains("<strong>versión</strong>")
    );
    let group = app
        .get("/api/v1/working-groups/salud-prueba", &[])
        .await
        .json();
    assert_eq!(group["organizations"][0]["id"], org.to_string());
    assert_eq!(
        app.get("/api/v1/working-groups/nada", &[]).await.status,
        404
    );
}
