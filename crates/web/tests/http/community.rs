//! Working groups and the collaboration framework through HTTP.

use super::accounts::{Browser, account_in, db};
use super::get;
use acoge_domain::{accounts::Role, page::PageRequest};
use acoge_store::{Backend, OrganizationFilter};

#[tokio::test]
async fn organizations_join_groups_after_accepting_the_framework_whose_versions_stay() {
    let backend = Backend::Sqlite;
    let db = db(backend).await;
    // A Mexico City organization no other test of this binary uses.
    let filter = OrganizationFilter {
        state: Some(acoge_domain::StateKey::parse("09").unwrap()),
        ..OrganizationFilter::default()
    };
    let org = db
        .organizations(&filter, PageRequest::first(30))
        .await
        .unwrap()
        .items[8]
        .id;
    let admin = account_in(&db, Role::Administrator, None).await;
    let mut admin = Browser::signed_in(backend, &db, admin.id).await;
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
    let made = admin
        .post(
            "/grupos/nuevo",
            &[
                ("slug", "salud-prueba"),
                ("name_es", "Salud"),
                ("name_en", "Health"),
                ("description_es", "Acceso a la salud"),
                ("description_en", "Access to health"),
            ],
        )
        .await;
    assert_eq!(made.status, 303);

    let member = account_in(&db, Role::Member, Some(org)).await;
    let mut member = Browser::signed_in(backend, &db, member.id).await;
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

    let framework = get(backend, "/marco-de-colaboracion", &[]).await.body;
    assert!(
        framework.contains("Segunda versión") && framework.contains("<strong>versión</strong>")
    );
    let group = get(backend, "/api/v1/working-groups/salud-prueba", &[])
        .await
        .json();
    assert_eq!(group["organizations"][0]["id"], org.to_string());
    assert_eq!(
        get(backend, "/api/v1/working-groups/nada", &[])
            .await
            .status,
        404
    );

    // A moderator holds an event in the group: its members hear of it, the
    // group's page, calendar and API list it.
    let event = |group: &'static str| {
        [
            ("kind", "taller"),
            ("title", "Taller de salud comunitaria"),
            ("starts_at", "2031-09-01T10:00"),
            ("ends_at", "2031-09-01T12:00"),
            ("time_zone", "America/Tijuana"),
            (
                "guiding_questions",
                "¿Qué clínicas atienden sin documentos?",
            ),
            ("working_group", group),
        ]
    };
    admin.get("/eventos/nuevo").await;
    let unknown = admin.post("/eventos/nuevo", &event("nada")).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("id=\"working_group-error\""));
    assert!(
        unknown
            .body
            .contains("value=\"Taller de salud comunitaria\""),
        "kept"
    );
    let created = admin.post("/eventos/nuevo", &event("salud-prueba")).await;
    assert_eq!(created.status, 303, "{}", created.body);
    let page = admin.get(&created.location).await.body;
    assert!(
        page.contains("href=\"/grupos/salud-prueba\""),
        "the event names its group"
    );
    let told = member.get("/notificaciones").await.body;
    assert!(
        told.contains("Nuevo evento de su grupo de trabajo")
            && told.contains("Taller de salud comunitaria")
    );
    let group_page = get(backend, "/grupos/salud-prueba", &[]).await.body;
    assert!(group_page.contains("Taller de salud comunitaria"));
    assert!(group_page.contains("/grupos/salud-prueba/calendario.ics"));
    let calendar = get(backend, "/grupos/salud-prueba/calendario.ics", &[]).await;
    assert_eq!(calendar.status, 200);
    assert!(calendar.body.contains("NAME:Salud") && calendar.body.contains("TZID:America/Tijuana"));
    assert!(
        calendar
            .body
            .contains("DTSTART;TZID=America/Tijuana:20310901T100000")
    );
    let group = get(backend, "/api/v1/working-groups/salud-prueba", &[])
        .await
        .json();
    assert_eq!(group["events"][0]["working_group"], "salud-prueba");
    assert_eq!(group["calendar"], "/grupos/salud-prueba/calendario.ics");
    let upcoming = get(backend, "/api/v1/events?when=upcoming&per_page=100", &[])
        .await
        .json();
    assert!(
        upcoming["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["slug"] != "lav-2020-11-10"),
        "the founding webinar is past"
    );
    assert_eq!(
        get(backend, "/api/v1/events?when=later", &[]).await.json()["error"]["parameter"],
        "when"
    );
}
