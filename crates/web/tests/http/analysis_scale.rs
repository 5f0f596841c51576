//! The directory's analysis at a size CI affords: computed in the background
//! (requests never wait for it, so tests poll until a write shows), and the
//! pages and API lists made of it paginated and small whatever the size.

use super::common::{TestApp, spawn_app};
use acoge_domain::{
    Provenance,
    alliance::AllianceInput,
    organization::{Organization, OrganizationKind, Scope},
    practice::{PracticeContent, PracticeInput, PracticeStatus},
};
use acoge_store::{NewPractice, scratch::test_backends};
use serde_json::Value;
use std::{collections::BTreeMap, time::Duration};
use uuid::Uuid;

/// GETs `path` until `done` holds on its body, for at most a minute (the
/// analysis follows writes a few seconds behind); the last body.
pub(crate) async fn eventually(app: &TestApp, path: &str, done: impl Fn(&str) -> bool) -> String {
    let mut body = String::new();
    for _ in 0..600 {
        let answer = app.get(path, &[]).await;
        body = answer.body;
        if answer.status == 200 && done(&body) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never showed what was expected; last answer: {body}");
}

/// Waits for the first analysis after the app started.
pub(crate) async fn analysis_ready(app: &TestApp) {
    eventually(app, "/api/v1/network", |body| {
        body.contains("\"ready\":true")
    })
    .await;
}

/// Every edge of the network API, page by page.
pub(crate) async fn all_edges(app: &TestApp) -> Vec<Value> {
    let mut edges = Vec::new();
    for page in 1.. {
        let answer = app
            .get(&format!("/api/v1/network?per_page=100&page={page}"), &[])
            .await;
        if answer.status == 400 {
            break;
        }
        let json = answer.json();
        edges.extend(json["edges"].as_array().unwrap().iter().cloned());
    }
    edges
}

fn organization(index: usize) -> Organization {
    Organization {
        id: Uuid::now_v7(),
        name: format!("Colectivo de escala {index} (demo)"),
        acronym: None,
        kind: if index.is_multiple_of(3) {
            OrganizationKind::MunicipalGovernment
        } else {
            OrganizationKind::Shelter
        },
        scope: Scope::Local,
        state_key: acoge_domain::StateKey::parse("07").ok(),
        cvegeo: acoge_domain::Cvegeo::parse("07089").ok(),
        founding_organizer: false,
        description: "Organización ficticia de prueba.".to_owned(),
        provenance: Provenance {
            sources: vec![format!("https://demo.invalid/organizaciones/{index}")],
            verified: false,
        },
    }
}

fn practice(index: usize, lead: Uuid, partners: &[Uuid]) -> PracticeContent {
    PracticeInput {
        title: format!("Práctica de escala {index}"),
        summary: "Atención de salud para personas en tránsito.".to_owned(),
        sections: BTreeMap::from([("proceso".to_owned(), "Se abrió una ventanilla.".to_owned())]),
        municipalities: vec!["07089".to_owned()],
        lead_organization: lead.to_string(),
        partners: partners.iter().map(Uuid::to_string).collect(),
        rights: vec!["salud".to_owned()],
        start_date: "2021-03".to_owned(),
        ..PracticeInput::default()
    }
    .validate()
    .expect("a valid practice")
}

/// Adds `organizations` demo organizations and `practices` published
/// practices, each led by one of them with one or two partners (so each is
/// an alliance); the organizations' ids.
async fn grow(app: &TestApp, organizations: usize, practices: usize) -> Vec<Uuid> {
    let orgs: Vec<Organization> = (0..organizations).map(organization).collect();
    app.db
        .insert_demo_organizations(&orgs, |_| {})
        .await
        .unwrap();
    let ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
    let n = ids.len();
    let contents: Vec<PracticeContent> = (0..practices)
        .map(|i| {
            // A few hubs, and ties spread over the rest.
            let lead = ids[if i.is_multiple_of(4) { i % 7 } else { i % n }];
            let mut partners = vec![ids[(i * 13 + 1) % n]];
            if i.is_multiple_of(5) {
                partners.push(ids[(i * 31 + 2) % n]);
            }
            partners.retain(|p| *p != lead);
            if partners.is_empty() {
                partners.push(ids[(i + 1) % n]);
            }
            practice(i, lead, &partners)
        })
        .collect();
    let news: Vec<NewPractice> = contents
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
    app.db.insert_demo_practices(&news, |_| {}).await.unwrap();
    ids
}

async fn total(app: &TestApp, path: &str) -> u64 {
    app.get(path, &[]).await.json()["total"].as_u64().unwrap()
}

#[tokio::test]
async fn the_analysis_follows_writes_in_the_background_and_its_lists_come_in_pages() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        analysis_ready(&app).await;
        let before = total(&app, "/api/v1/alliances?per_page=1").await;

        // A few thousand records: the worker picks them up by itself.
        let orgs = grow(&app, 400, 1_500).await;
        let expected = before + 1_500;
        eventually(&app, "/api/v1/alliances?per_page=1", |body| {
            body.contains(&format!("\"total\":{expected},"))
        })
        .await;
        let network = app.get("/api/v1/network", &[]).await.json();
        assert_eq!(network["ready"], true, "{backend:?}");
        assert!(network["total"].as_u64().unwrap() >= 400, "{network}");
        assert_eq!(network["nodes"].as_array().unwrap().len(), 20);
        assert_eq!(network["edges"].as_array().unwrap().len(), 20);
        assert!(network["betweenness_exact"].is_boolean());

        // One more write: a declared alliance shows on the list's first page
        // (declared ones come first) and in the network.
        let input = AllianceInput {
            name: "Alianza tardía de escala".into(),
            members: vec![orgs[398].to_string(), orgs[399].to_string()],
            kind: "convenio".into(),
            ..AllianceInput::default()
        };
        let alliance = input.validate().unwrap();
        app.db.create_alliance(&alliance, None).await.unwrap();
        let list = eventually(&app, "/alianzas", |body| {
            body.contains("Alianza tardía de escala")
        })
        .await;
        assert!(list.contains("rel=\"next\""), "page 2 is offered");
        let (a, b) = (orgs[398].min(orgs[399]), orgs[398].max(orgs[399]));
        let edges = all_edges(&app).await;
        assert!(
            edges
                .iter()
                .any(|e| e["a"] == a.to_string() && e["b"] == b.to_string()),
            "the new tie is in the network"
        );
        assert_eq!(edges.len() as u64, {
            let n = app.get("/api/v1/network", &[]).await.json();
            n["total_edges"].as_u64().unwrap()
        });

        // Pages exist up to the last; past it, a clear page or a 400 naming `page`.
        let second = app.get("/alianzas?page=2", &[]).await;
        assert_eq!(second.status, 200);
        assert!(second.body.contains("rel=\"prev\"") && second.body.contains("Práctica de escala"));
        let red = app.get("/red?page=2", &[]).await;
        assert_eq!(red.status, 200);
        assert!(red.body.contains("rel=\"prev\"") && red.body.contains("/organizaciones/"));
        for path in [
            "/alianzas?page=999999",
            "/red?page=999999",
            "/alianzas?page=cero",
        ] {
            let page = app.get(path, &[]).await;
            assert_eq!(page.status, 400, "{path}");
            assert!(page.body.contains("page"), "{path} names the parameter");
        }
        for (query, parameter) in [
            ("/api/v1/alliances?page=999999", "page"),
            ("/api/v1/alliances?per_page=101", "per_page"),
            ("/api/v1/network?page=999999", "page"),
            ("/api/v1/network?per_page=0", "per_page"),
        ] {
            let answer = app.get(query, &[]).await;
            assert_eq!(answer.status, 400, "{query}");
            assert_eq!(answer.json()["error"]["parameter"], parameter, "{query}");
        }
        let page = app
            .get("/api/v1/alliances?page=2&per_page=100", &[])
            .await
            .json();
        assert_eq!(page["items"].as_array().unwrap().len(), 100);
        assert_eq!(page["page"], 2);

        // The picture shows the most connected part, and says so.
        let svg = app.get("/red.svg", &[]).await.body;
        assert_eq!(svg.matches("<circle").count(), 60);
        let red = app.get("/red", &[]).await.body;
        assert!(
            red.contains("las 60 organizaciones con más alianzas"),
            "{red}"
        );

        // A municipality's coverage names someone local, from the index.
        let coverage = app
            .get("/api/v1/municipalities/07089/coverage", &[])
            .await
            .json();
        assert_eq!(coverage["sectors"].as_array().unwrap().len(), 11);
        let organization = app.get(&format!("/organizaciones/{}", orgs[0]), &[]).await;
        assert_eq!(organization.status, 200);
        assert!(
            organization.body.contains("alianzas más"),
            "a hub's alliances are counted, not all listed"
        );
    }
}

#[tokio::test]
async fn pages_made_of_the_analysis_stay_under_14_kb_compressed() {
    let app = spawn_app(acoge_store::Backend::Sqlite).await;
    analysis_ready(&app).await;
    let before = total(&app, "/api/v1/alliances?per_page=1").await;
    grow(&app, 400, 1_500).await;
    let expected = before + 1_500;
    eventually(&app, "/api/v1/alliances?per_page=1", |body| {
        body.contains(&format!("\"total\":{expected},"))
    })
    .await;
    let css_path = {
        let home = app.get("/", &[]).await.body;
        let start = home.find("/static/acoge.").unwrap();
        let end = start + home[start..].find('"').unwrap();
        home[start..end].to_owned()
    };
    let css = app
        .get_bytes(&css_path, &[("accept-encoding", "gzip")])
        .await;
    for path in [
        "/alianzas",
        "/alianzas?page=3",
        "/red",
        "/red?page=2",
        "/red.svg",
        "/mapa",
        "/mapa.svg",
        "/municipios/07089/aliados-posibles",
    ] {
        for lang in ["es", "en"] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{separator}lang={lang}");
            let bytes = app.get_bytes(&url, &[("accept-encoding", "gzip")]).await;
            eprintln!("{url}: {} bytes compressed", bytes.len());
            if path.ends_with(".svg") {
                // Pictures are not pages; the map's state outlines alone
                // weigh about 16 KB, and what the analysis adds is bounded.
                assert!(
                    bytes.len() <= 20 * 1024,
                    "{url}: {} bytes compressed",
                    bytes.len()
                );
            } else {
                let total = bytes.len() + css.len();
                assert!(total <= 14 * 1024, "{url}: {total} bytes compressed");
            }
        }
    }
}
