//! Lists at any size: one paging rule for every list (a page past the end,
//! a page too deep, too many per page, an unknown sort), counts from what
//! the store keeps, and place pages that show a page and link to the rest.

use super::common::spawn_app;
use acoge_domain::{
    page::PageRequest,
    practice::{PracticeContent, PracticeInput, PracticeStatus},
};
use acoge_store::{Db, NewPractice, OrganizationFilter, scratch::test_backends};

/// `n` published practices in Tapachula (every third also in Tijuana); one
/// in ten is about a shelter.
async fn practices(db: &Db, n: usize) {
    let lead = db
        .organizations(&OrganizationFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items[0]
        .id;
    let contents: Vec<PracticeContent> = (0..n)
        .map(|i| {
            let mut municipalities = vec!["07089".to_owned()];
            if i.is_multiple_of(3) {
                municipalities.push("02004".to_owned());
            }
            PracticeInput {
                title: format!("Práctica de escala {i:03}"),
                summary: if i.is_multiple_of(10) {
                    "Un albergue para familias.".to_owned()
                } else {
                    "Atención cercana.".to_owned()
                },
                municipalities,
                lead_organization: lead.to_string(),
                rights: vec!["salud".to_owned()],
                sectors: vec!["salud".to_owned()],
                start_date: "2020-05".to_owned(),
                ..PracticeInput::default()
            }
            .validate()
            .unwrap()
        })
        .collect();
    let news: Vec<NewPractice<'_>> = contents
        .iter()
        .map(|content| NewPractice {
            content,
            status: PracticeStatus::Published,
            slug: None,
            created_by: None,
            author_organization: None,
            is_example: false,
        })
        .collect();
    db.insert_demo_practices(&news, |_| {}).await.unwrap();
}

#[tokio::test]
async fn every_list_refuses_pages_past_its_end_and_bad_paging_naming_the_parameter() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        practices(&app.db, 45).await;

        // The API: 400 naming the parameter.
        let last = app.get("/api/v1/practices?page=3", &[]).await;
        assert_eq!(last.status, 200, "{backend:?}");
        assert_eq!(last.json()["items"].as_array().unwrap().len(), 5);
        for (query, parameter) in [
            ("page=4", "page"),
            ("page=999999", "page"),
            ("per_page=101", "per_page"),
            ("sort=popular", "sort"),
        ] {
            let answer = app.get(&format!("/api/v1/practices?{query}"), &[]).await;
            assert_eq!(answer.status, 400, "{backend:?}: {query}");
            assert_eq!(
                answer.json()["error"]["parameter"],
                parameter,
                "{backend:?}: {query}"
            );
        }
        let past = app.get("/api/v1/practices?page=4", &[]).await.json();
        assert!(
            past["error"]["message"]
                .as_str()
                .unwrap()
                .contains("the last is 3"),
            "{past}"
        );
        for path in ["/api/v1/municipalities?page=125", "/api/v1/states?page=2"] {
            let answer = app.get(path, &[]).await;
            assert_eq!(answer.status, 400, "{backend:?}: {path}");
            assert_eq!(answer.json()["error"]["parameter"], "page");
        }
        assert_eq!(
            app.get("/api/v1/municipalities?page=124", &[]).await.status,
            200,
            "2,478 municipalities make 124 pages of 20"
        );

        // Pages: past the end is a page that links to the last one.
        let past = app.get("/practicas?page=4&sector=salud", &[]).await;
        assert_eq!(past.status, 404, "{backend:?}");
        assert!(past.body.contains("Esa página no existe"), "{}", past.body);
        assert!(
            past.body
                .contains(r#"href="/practicas?sector=salud&#38;page=3""#),
            "{}",
            past.body
        );
        let past = app.get("/municipios?page=60&lang=en", &[]).await;
        assert_eq!(past.status, 404);
        assert!(past.body.contains("That page does not exist"));
        assert!(past.body.contains(r#"href="/municipios?page=50""#));
        let empty = app.get("/practicas?q=ninguna+palabra+asi", &[]).await;
        assert_eq!(empty.status, 200, "page 1 of an empty list exists");
        // Too deep, too many, an unknown sort: 400 naming the parameter.
        for (query, parameter) in [
            ("page=999999", "page"),
            ("per_page=1000", "per_page"),
            ("orden=popular", "orden"),
        ] {
            let answer = app.get(&format!("/practicas?{query}"), &[]).await;
            assert_eq!(answer.status, 400, "{backend:?}: {query}");
            assert!(
                answer.body.contains(&format!("«{parameter}»")),
                "{query}: {}",
                answer.body
            );
        }
    }
}

#[tokio::test]
async fn lists_count_filter_and_search_words_from_what_the_store_keeps() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        practices(&app.db, 45).await;
        let list = app.get("/practicas", &[]).await;
        assert_eq!(list.status, 200);
        assert!(list.body.contains("45 resultados"), "{backend:?}");
        assert!(list.body.contains("Chiapas</a> (45)"), "{}", list.body);
        assert!(list.body.contains("Baja California</a> (15)"));
        let filtered = app.get("/practicas?estado=02", &[]).await;
        assert!(filtered.body.contains("15 resultados"));
        assert!(
            filtered.body.contains("Chiapas</a> (15)"),
            "{}",
            filtered.body
        );
        let words = app.get("/practicas?q=ALBERGUE", &[]).await;
        assert!(words.body.contains("5 resultados"), "{}", words.body);
        let prefix = app.get("/api/v1/practices?q=alberg+famil", &[]).await;
        assert_eq!(prefix.json()["total"], 5, "words match as prefixes");
        let home = app.get("/", &[]).await;
        let figures = app.db.key_figures().await.unwrap();
        assert_eq!(figures.published_practices, 45);
        assert!(home.body.contains("45"));
    }
}

#[tokio::test]
async fn place_pages_show_a_page_and_link_to_the_whole_list() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        practices(&app.db, 45).await;
        let municipality = app.get("/municipios/07089", &[]).await;
        assert_eq!(municipality.status, 200, "{backend:?}");
        let listed = municipality
            .body
            .matches(r#"<li><a href="/practicas/"#)
            .count();
        assert_eq!(listed, 20, "a page of practices, not all 45");
        assert!(
            municipality
                .body
                .contains(r#"href="/practicas?municipio=07089""#)
        );
        assert!(municipality.body.contains("Ver las 45 prácticas"));
        let state = app.get("/estados/02", &[]).await;
        assert_eq!(state.status, 200);
        assert_eq!(
            state.body.matches(r#"<li><a href="/practicas/"#).count(),
            15
        );
        assert!(state.body.contains(r#"href="/practicas?estado=02""#));
        assert!(state.body.matches(r#"href="/organizaciones/"#).count() <= 20);
    }
}
