//! Search through HTTP: the API, the page, and what odd input gets.

use super::common::{TestApp, spawn_app};
use acoge_store::{Backend, scratch::test_backends};

async fn api(app: &TestApp, query: &str) -> serde_json::Value {
    let answer = app.get(&format!("/api/v1/search?{query}"), &[]).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    answer.json()
}

#[tokio::test]
async fn the_api_finds_places_and_institutions_with_facets_and_highlights() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let tapachula = api(&app, "q=tapachula").await;
        assert_eq!(tapachula["hits"][0]["type"], "municipality", "{backend:?}");
        assert_eq!(tapachula["hits"][0]["id"], "07089");
        assert_eq!(tapachula["hits"][0]["url"], "/municipios/07089");
        let kinds = tapachula["facets"]["type"].as_array().unwrap();
        let counted: u64 = kinds.iter().map(|k| k["count"].as_u64().unwrap()).sum();
        assert_eq!(counted, tapachula["total"].as_u64().unwrap());

        // Without accents, in English, by acronym: the same organization.
        let by_name = api(
            &app,
            "q=comision+mexicana+de+ayuda+a+refugiados&type=organization",
        )
        .await;
        let comar = by_name["hits"][0]["id"].clone();
        assert!(
            by_name["hits"][0]["title"]
                .as_str()
                .unwrap()
                .contains("COMAR")
        );
        assert_eq!(
            api(&app, "q=COMAR&type=organization").await["hits"][0]["id"],
            comar
        );
        assert_eq!(
            api(
                &app,
                "q=Mexican+Commission+for+Refugee+Assistance&type=organization"
            )
            .await["hits"][0]["id"],
            comar
        );

        // Filters narrow, and the snippet marks what matched (escaped HTML).
        let shelters = api(&app, "q=albergues&state=02&facets=false").await;
        assert!(shelters["facets"].as_object().unwrap().is_empty());
        for hit in shelters["hits"].as_array().unwrap() {
            let snippet = hit["snippet"].as_str().unwrap();
            assert!(!snippet.contains("<script"), "{snippet}");
        }
        let marked = api(&app, "q=albergue").await;
        assert!(
            marked["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["snippet"].as_str().unwrap().contains("<mark>")),
            "{marked}"
        );
    }
}

#[tokio::test]
async fn odd_input_gets_a_helpful_answer_never_a_500() {
    let app = spawn_app(Backend::Sqlite).await;
    let long = "migrantes%20".repeat(1000);
    let answer = api(&app, &format!("q={long}")).await;
    assert!(
        answer["notices"]
            .as_array()
            .unwrap()
            .contains(&"truncated".into())
    );
    let answer = api(&app, "q=%22integraci%C3%B3n+local").await;
    assert!(
        answer["notices"]
            .as_array()
            .unwrap()
            .contains(&"unbalanced_quote".into())
    );
    assert!(answer["total"].as_u64().unwrap() >= 1);
    let answer = api(&app, "q=de+la+los").await;
    assert_eq!(answer["total"], 0);
    assert!(
        answer["notices"]
            .as_array()
            .unwrap()
            .contains(&"only_common_words".into())
    );
    let answer = api(&app, "q=Tapachla").await;
    assert_eq!(
        answer["hits"][0]["id"], "07089",
        "one letter off still finds it"
    );
    assert!(
        answer["notices"]
            .as_array()
            .unwrap()
            .contains(&"approximate".into())
    );
    let answer = api(&app, "q=&type=event").await;
    assert_eq!(
        answer["total"], 1,
        "an empty query lists what the filters select"
    );
    let answer = api(&app, "q=migrantes&per_page=1000").await;
    assert_eq!(answer["per_page"], 100);
    assert!(
        answer["notices"]
            .as_array()
            .unwrap()
            .contains(&"per_page_capped".into())
    );

    for (query, parameter) in [
        ("type=law", "type"),
        ("state=99", "state"),
        ("municipality=7089", "municipality"),
        ("right=happiness", "right"),
        ("sector=x", "sector"),
        ("page=0", "page"),
        ("page=501&per_page=20", "page"),
        ("per_page=0", "per_page"),
        ("facets=maybe", "facets"),
        ("lang=fr", "lang"),
    ] {
        let answer = app
            .get(&format!("/api/v1/search?q=salud&{query}"), &[])
            .await;
        assert_eq!(answer.status, 400, "{query}");
        assert_eq!(answer.json()["error"]["parameter"], parameter, "{query}");
    }
}

#[tokio::test]
async fn the_page_searches_browses_and_keeps_what_was_typed() {
    let app = spawn_app(Backend::Sqlite).await;
    let home = app.get("/", &[]).await.body;
    assert!(
        home.contains("action=\"/buscar\""),
        "every page has the search box"
    );
    let browse = app.get("/buscar", &[]).await;
    assert_eq!(browse.status, 200);
    assert!(browse.body.contains("Explorar") && browse.body.contains("Práctica"));
    let page = app.get("/buscar?q=albergue+%3Cb%3E", &[]).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("value=\"albergue &#60;b&#62;\""),
        "the query stays in the box, escaped"
    );
    assert!(page.body.contains("<mark>"));
    let english = app.get("/buscar?q=shelter&lang=en", &[]).await.body;
    assert!(
        english.contains("Casa del Migrante"),
        "English finds Spanish content"
    );
    let filtered = app
        .get("/buscar?q=refugiados&tipo=organization", &[])
        .await
        .body;
    assert!(
        filtered.contains("aria-current=\"true\""),
        "the active filter is marked"
    );
    let bad = app.get("/buscar?q=x&estado=99", &[]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("estado"));
}
