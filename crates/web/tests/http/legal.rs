//! The legal framework through HTTP: instruments, provisions, and the
//! responsibilities matrix built from them.

use super::get;
use acoge_store::scratch::test_backends;
use serde_json::Value;

async fn api(backend: acoge_store::Backend, path: &str) -> Value {
    let answer = get(backend, path, &[]).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.json()
}

#[tokio::test]
async fn instruments_and_provisions_keep_their_sources_and_filter_by_right_and_level() {
    for backend in test_backends() {
        let all = api(backend, "/api/v1/legal-instruments").await;
        let total = all["total"].as_u64().unwrap();
        assert_eq!(total as usize, all["items"].as_array().unwrap().len());
        assert!(total >= 10, "{backend:?}: {total}");
        let federal = api(backend, "/api/v1/legal-instruments?level=federal").await;
        assert!(federal["total"].as_u64().unwrap() < total);
        assert!(
            federal["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["level"] == "federal" && i["sources"].as_array().is_some())
        );

        let cpeum = api(backend, "/api/v1/legal-instruments/cpeum").await;
        assert!(cpeum["name"].as_str().unwrap().contains("Constitución"));
        let articles: Vec<&str> = cpeum["provisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["article"].as_str().unwrap())
            .collect();
        assert!(
            articles.contains(&"1") && articles.contains(&"4"),
            "{articles:?}"
        );
        let missing = get(backend, "/api/v1/legal-instruments/no-such-law", &[]).await;
        assert_eq!(missing.status, 404);

        // Health binds the federation and the states by article 4; article 1
        // (every right) comes along, since it binds every level.
        let health = api(backend, "/api/v1/provisions?right=salud&level=municipal").await;
        for p in health["items"].as_array().unwrap() {
            let rights = p["rights"].as_array().unwrap();
            assert!(rights.contains(&"salud".into()) || rights.contains(&"todos".into()));
            assert!(p["binds"].as_array().unwrap().contains(&"municipal".into()));
            assert!(!p["sources"].as_array().unwrap().is_empty(), "{p}");
        }
        assert!(
            health["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["instrument"] == "cpeum" && p["article"] == "1")
        );
        for bad in ["right=wealth", "level=county"] {
            let answer = get(backend, &format!("/api/v1/provisions?{bad}"), &[]).await;
            assert_eq!(answer.status, 400, "{bad}");
            let parameter = bad.split('=').next().unwrap();
            assert_eq!(answer.json()["error"]["parameter"], parameter, "{bad}");
        }
    }
}

#[tokio::test]
async fn the_matrix_counts_what_the_provisions_say_and_each_cell_shows_them() {
    for backend in test_backends() {
        let matrix = api(backend, "/api/v1/responsibilities").await;
        let provisions = api(backend, "/api/v1/provisions").await;
        let items = provisions["items"].as_array().unwrap();
        // Every cell holds exactly the provisions naming its right and binding its level.
        for row in matrix["rights"].as_array().unwrap() {
            for cell in row["cells"].as_array().unwrap() {
                let expected = items
                    .iter()
                    .filter(|p| {
                        p["rights"].as_array().unwrap().contains(&row["right"])
                            && p["binds"].as_array().unwrap().contains(&cell["level"])
                    })
                    .count();
                assert_eq!(
                    cell["provisions"].as_array().unwrap().len(),
                    expected,
                    "{backend:?} {} {}",
                    row["right"],
                    cell["level"]
                );
            }
        }
        let levels = matrix["levels"].as_array().unwrap();
        assert_eq!(levels.len(), 3);
        for level in levels {
            let binding = items
                .iter()
                .filter(|p| p["binds"].as_array().unwrap().contains(&level["level"]))
                .count();
            assert_eq!(level["provisions"].as_u64().unwrap() as usize, binding);
        }
        let federal_covid = levels[0]["covid_measures"].as_array().unwrap();
        assert!(federal_covid.iter().any(|c| c["actor"] == "COMAR"));

        let page = get(backend, "/responsabilidades", &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""));
        assert!(
            page.body
                .contains("href=\"/responsabilidades/salud/federal\"")
        );
        let cell = get(backend, "/responsabilidades/salud/federal", &[])
            .await
            .body;
        assert!(
            cell.contains("/marco-legal#i-cpeum"),
            "the article links its instrument"
        );
        assert!(
            cell.contains("COMAR"),
            "federal COVID-19 measures are listed"
        );
        let english = get(backend, "/responsabilidades/salud/municipal?lang=en", &[])
            .await
            .body;
        assert!(english.contains("Provisions on every right"));
        for bad in [
            "/responsabilidades/riqueza/federal",
            "/responsabilidades/salud/condado",
        ] {
            assert_eq!(get(backend, bad, &[]).await.status, 404, "{bad}");
        }
    }
}

#[tokio::test]
async fn a_municipality_s_mandate_lists_each_level_with_its_articles_and_its_state_law() {
    for backend in test_backends() {
        let mandate = api(backend, "/api/v1/municipalities/07089/mandate").await;
        assert_eq!(mandate["name"], "Tapachula");
        assert_eq!(mandate["cve_ent"], "07");
        let levels = mandate["levels"].as_array().unwrap();
        let order: Vec<&str> = levels
            .iter()
            .map(|l| l["level"].as_str().unwrap())
            .collect();
        assert_eq!(order, ["municipal", "estatal", "federal"], "nearest first");
        for level in levels {
            for right in level["rights"].as_array().unwrap() {
                for p in right["provisions"].as_array().unwrap() {
                    assert!(p["binds"].as_array().unwrap().contains(&level["level"]));
                    assert!(p["rights"].as_array().unwrap().contains(&right["right"]));
                }
            }
        }
        let federal_rights = levels[2]["rights"].as_array().unwrap();
        assert!(federal_rights.iter().any(|r| r["right"] == "salud"));
        // Chiapas has a specific law on migrants in the reference data.
        let laws = mandate["state_laws"].as_array().unwrap();
        assert!(!laws.is_empty() && laws.iter().all(|l| l["sources"].is_array()));
        assert_eq!(
            get(backend, "/api/v1/municipalities/99999/mandate", &[])
                .await
                .status,
            404
        );

        let municipality = get(backend, "/municipios/07089", &[]).await.body;
        assert!(municipality.contains("href=\"/municipios/07089/mandato\""));
        let page = get(backend, "/municipios/07089/mandato", &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("El municipio de Tapachula"));
        assert!(page.body.contains("El estado de Chiapas"));
        assert!(
            page.body
                .contains("href=\"/responsabilidades/salud/federal\"")
        );
        let english = get(backend, "/municipios/07089/mandato?lang=en", &[]).await;
        assert!(english.body.contains("The federation"));
        assert_eq!(
            get(backend, "/municipios/99999/mandato", &[]).await.status,
            404
        );
    }
}
