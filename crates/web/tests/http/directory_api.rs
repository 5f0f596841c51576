//! The directory's JSON API over the shipped data (the reference files and
//! `servicios_migrantes.csv`): services, distances, coverage, suggestions,
//! alliances and the network, directory edits and verification.

use super::analysis_scale::{all_edges, analysis_ready, eventually};
use super::common::{Api, spawn_app, token};
use acoge_domain::accounts::Role;
use acoge_store::{Backend, scratch::test_backends};
use serde_json::{Value, json};
use uuid::Uuid;

fn ids(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn organizations_carry_their_directory_entry() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let api = Api::new(&app);
        let (status, list) = api
            .call(
                "GET",
                "/api/v1/organizations?municipality=02004&per_page=100",
                None,
                None,
            )
            .await;
        assert_eq!(status, 200, "{backend:?}");
        let scalabrini = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "Casa del Migrante en Tijuana (Centro Scalabrini)")
            .unwrap_or_else(|| panic!("{backend:?} {list}"));
        let sectors = scalabrini["sectors"].as_array().unwrap();
        assert!(
            sectors.contains(&json!("vivienda_albergue")),
            "{scalabrini}"
        );
        assert!(sectors.contains(&json!("salud_mental")), "{scalabrini}");
        assert_eq!(scalabrini["founded"], 1987);
        assert!(scalabrini["territories"]["municipalities"].is_array());
        assert!(scalabrini["territories"]["states"].is_array());
        assert!(scalabrini["verified_at"].is_null());
        let id = scalabrini["id"].as_str().unwrap();
        let (status, one) = api
            .call("GET", &format!("/api/v1/organizations/{id}"), None, None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(one["sectors"], scalabrini["sectors"]);
        assert_eq!(one["founded"], 1987);

        let (status, mental) = api
            .call(
                "GET",
                "/api/v1/organizations?sector=salud_mental&state=02&per_page=100",
                None,
                None,
            )
            .await;
        assert_eq!(status, 200);
        let items = mental["items"].as_array().unwrap();
        assert!(
            items.iter().any(|o| o["id"] == scalabrini["id"]),
            "{mental}"
        );
        assert!(
            items.iter().all(|o| o["sectors"]
                .as_array()
                .unwrap()
                .contains(&json!("salud_mental"))),
            "only that sector"
        );
        assert_eq!(mental["total"].as_u64().unwrap(), items.len() as u64);
        let (status, wrong) = api
            .call("GET", "/api/v1/organizations?sector=magia", None, None)
            .await;
        assert_eq!(
            (status, &wrong["error"]["parameter"]),
            (400, &json!("sector"))
        );
    }
}

#[tokio::test]
async fn services_filter_by_place_and_sector_and_bad_parameters_are_named() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let api = Api::new(&app);
        let (status, all) = api.call("GET", "/api/v1/services", None, None).await;
        assert_eq!(status, 200, "{backend:?} {all}");
        let total = all["total"].as_u64().unwrap();
        assert!(
            total > 100,
            "the shipped file has about 165 services: {total}"
        );
        assert_eq!(all["per_page"], 20);
        assert_eq!(all["items"].as_array().unwrap().len(), 20);
        let (_, housing) = api
            .call(
                "GET",
                "/api/v1/services?municipality=02004&sector=vivienda_albergue&per_page=100",
                None,
                None,
            )
            .await;
        let items = housing["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{housing}");
        for service in items {
            assert_eq!(service["location"]["cvegeo"], "02004");
            assert_eq!(service["location"]["municipality"], "Tijuana");
            assert!(
                service["sectors"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("vivienda_albergue"))
            );
            assert_eq!(service["status"], "activo");
            assert!(service["organization"]["name"].is_string());
            assert!(service["sources"].is_array() && service["verified"].is_boolean());
        }
        let (_, state) = api
            .call("GET", "/api/v1/services?state=02&per_page=100", None, None)
            .await;
        assert!(state["total"].as_u64().unwrap() >= housing["total"].as_u64().unwrap());
        for (query, parameter) in [
            ("sector=nope", "sector"),
            ("municipality=123", "municipality"),
            ("state=99", "state"),
            ("include_closed=maybe", "include_closed"),
            ("per_page=1000", "per_page"),
        ] {
            let (status, error) = api
                .call("GET", &format!("/api/v1/services?{query}"), None, None)
                .await;
            assert_eq!(status, 400, "{query}");
            assert_eq!(error["error"]["parameter"], parameter, "{query}");
        }
    }
}

#[tokio::test]
async fn services_near_tapachula_start_there_and_go_outwards() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let api = Api::new(&app);
        let (status, near) = api
            .call(
                "GET",
                "/api/v1/municipalities/07089/services?radius_km=300&per_page=100",
                None,
                None,
            )
            .await;
        assert_eq!(status, 200, "{backend:?} {near}");
        assert_eq!(near["municipality"]["name"], "Tapachula");
        assert_eq!(near["radius_km"], 300.0);
        let items = near["items"].as_array().unwrap();
        assert!(items.len() > 1, "{near}");
        assert_eq!(items[0]["distance_km"], 0.0);
        assert_eq!(items[0]["location"]["cvegeo"], "07089");
        let distances: Vec<f64> = items
            .iter()
            .map(|i| i["distance_km"].as_f64().unwrap())
            .collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
        assert!(distances.iter().all(|d| *d <= 300.0));
        assert!(
            distances.iter().any(|d| *d > 0.0),
            "something beyond Tapachula within 300 km: {distances:?}"
        );
        for (query, parameter) in [
            ("radius_km=0", "radius_km"),
            ("radius_km=501", "radius_km"),
            ("radius_km=lejos", "radius_km"),
            ("page=0", "page"),
        ] {
            let (status, error) = api
                .call(
                    "GET",
                    &format!("/api/v1/municipalities/07089/services?{query}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(status, 400, "{query}");
            assert_eq!(error["error"]["parameter"], parameter, "{query}");
        }
        // A key that is no CVEGEO is malformed (400 naming it); a CVEGEO
        // that names no municipality is unknown (404).
        for (key, expected) in [("99999", 400), ("07999", 404), ("tapachula", 400)] {
            let (status, _) = api
                .call(
                    "GET",
                    &format!("/api/v1/municipalities/{key}/services"),
                    None,
                    None,
                )
                .await;
            assert_eq!(status, expected, "{key}");
        }
    }
}

#[tokio::test]
async fn tijuana_has_local_shelter_and_gaps_get_suggestions_with_reasons() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        analysis_ready(&app).await;
        let api = Api::new(&app);
        let (status, coverage) = api
            .call("GET", "/api/v1/municipalities/02004/coverage", None, None)
            .await;
        assert_eq!(status, 200, "{backend:?} {coverage}");
        assert_eq!(coverage["municipality"]["name"], "Tijuana");
        let sectors = coverage["sectors"].as_array().unwrap();
        assert_eq!(sectors.len(), 11, "every sector");
        let housing = sectors
            .iter()
            .find(|s| s["sector"] == "vivienda_albergue")
            .unwrap();
        assert_eq!(housing["level"], "local");
        assert!(
            housing["organizations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["name"] == "Casa del Migrante en Tijuana (Centro Scalabrini)"),
            "{housing}"
        );
        let services = housing["services"].as_array().unwrap();
        assert!(!services.is_empty());
        assert!(
            services
                .iter()
                .all(|s| !s["name"].as_str().unwrap().is_empty())
        );
        for sector in sectors {
            let level = sector["level"].as_str().unwrap();
            assert!(["local", "state", "none"].contains(&level));
            let gap = coverage["gaps"]
                .as_array()
                .unwrap()
                .contains(&sector["sector"]);
            assert_eq!(gap, level == "none", "{sector}");
        }

        // Mérida (31050): Yucatán has few organizations in the directory.
        let (_, coverage) = api
            .call("GET", "/api/v1/municipalities/31050/coverage", None, None)
            .await;
        let gaps = coverage["gaps"].as_array().unwrap();
        assert!(!gaps.is_empty(), "{coverage}");
        let (status, suggestions) = api
            .call(
                "GET",
                "/api/v1/municipalities/31050/suggestions",
                None,
                None,
            )
            .await;
        assert_eq!(status, 200, "{suggestions}");
        let per_gap = suggestions["gaps"].as_array().unwrap();
        let sectors: Vec<&Value> = per_gap.iter().map(|g| &g["sector"]).collect();
        assert_eq!(
            sectors,
            gaps.iter().collect::<Vec<_>>(),
            "one entry per gap"
        );
        let suggested: Vec<&Value> = per_gap
            .iter()
            .flat_map(|g| g["suggestions"].as_array().unwrap())
            .collect();
        assert!(!suggested.is_empty(), "{suggestions}");
        for suggestion in suggested {
            assert!(suggestion["score"].as_f64().unwrap() > 0.0);
            assert!(suggestion["organization"]["name"].is_string());
            let reasons = suggestion["reasons"].as_array().unwrap();
            assert!(!reasons.is_empty(), "{suggestion}");
            for reason in reasons {
                match reason["kind"].as_str().unwrap() {
                    "active_in_sector_nearby" => {
                        assert_eq!(reason["municipality"].as_str().unwrap().len(), 5);
                        let d = reason["distance_km"].as_f64().unwrap();
                        assert!((0.0..500.0).contains(&d), "{reason}");
                    }
                    "active_in_sector_in_state" => assert_eq!(reason["state"], "31"),
                    "active_in_same_context" => {
                        assert!(reason["context"].is_string() && reason["municipality"].is_string())
                    }
                    "allied_with_local_partner" => {
                        assert!(reason["partner"]["id"].is_string())
                    }
                    other => panic!("unknown reason {other}"),
                }
            }
        }
        for route in ["coverage", "suggestions"] {
            let (status, _) = api
                .call(
                    "GET",
                    &format!("/api/v1/municipalities/99999/{route}"),
                    None,
                    None,
                )
                .await;
            assert_eq!(status, 400, "{route}: 99999 is no CVEGEO");
        }
    }
}

#[tokio::test]
async fn members_declare_their_own_alliances_and_the_network_shows_them() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let (_, list) = api
            .call(
                "GET",
                "/api/v1/organizations?state=07&per_page=100",
                None,
                None,
            )
            .await;
        let orgs = ids(&list["items"]);
        assert!(orgs.len() >= 3, "{list}");
        let (a, b, c) = (&orgs[0], &orgs[1], &orgs[2]);
        let (_, of_a) = token(db, Role::Member, Some(Uuid::parse_str(a).unwrap())).await;
        let (_, of_c) = token(db, Role::Member, Some(Uuid::parse_str(c).unwrap())).await;
        let body = |members: Vec<&str>, municipalities: Vec<&str>| {
            json!({
                "name": "Red de acogida del Soconusco",
                "members": members,
                "sectors": ["vivienda_albergue"],
                "municipalities": municipalities,
                "kind": "red_canalizacion",
                "started": "2023-05",
                "source": "https://example.org/red"
            })
        };

        let (status, error) = api
            .call(
                "POST",
                "/api/v1/alliances",
                Some(&of_a),
                Some(body(vec![a], vec!["07089"])),
            )
            .await;
        assert_eq!(status, 422, "{backend:?} {error}");
        assert_eq!(error["error"]["field"], "members");
        let unknown = Uuid::now_v7().to_string();
        let (status, error) = api
            .call(
                "POST",
                "/api/v1/alliances",
                Some(&of_a),
                Some(body(vec![a, &unknown], vec!["07089"])),
            )
            .await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["field"], "members");
        let (status, error) = api
            .call(
                "POST",
                "/api/v1/alliances",
                Some(&of_a),
                Some(body(vec![a, b], vec!["07999"])),
            )
            .await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["error"]["field"], "municipalities");
        let (status, error) = api
            .call(
                "POST",
                "/api/v1/alliances",
                Some(&of_c),
                Some(body(vec![a, b], vec!["07089"])),
            )
            .await;
        assert_eq!(status, 403, "a member of neither: {error}");
        let (status, _) = api
            .call(
                "POST",
                "/api/v1/alliances",
                None,
                Some(body(vec![a, b], vec!["07089"])),
            )
            .await;
        assert_eq!(status, 401);

        let (status, created) = api
            .call(
                "POST",
                "/api/v1/alliances",
                Some(&of_a),
                Some(body(vec![a, b], vec!["07089"])),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["kind"], "red_canalizacion");
        assert_eq!(created["declared"], true);
        assert!(created["derived_from_practice"].is_null());
        assert_eq!(created["territory"]["municipalities"], json!(["07089"]));
        assert_eq!(created["started"], "2023-05");
        let mut members = ids(&created["members"]);
        members.sort();
        let mut pair = vec![a.clone(), b.clone()];
        pair.sort();
        assert_eq!(members, pair);
        assert!(
            created["members"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| !m["name"].as_str().unwrap().is_empty())
        );
        assert!(created["intersectoral"].is_boolean());

        // The analysis follows the write in the background.
        let created_id = created["id"].as_str().unwrap().to_owned();
        eventually(&app, "/api/v1/alliances?per_page=100", |body| {
            body.contains(&created_id)
        })
        .await;

        let edges = all_edges(&app).await;
        let edge = edges
            .iter()
            .find(|e| e["a"] == pair[0].as_str() && e["b"] == pair[1].as_str())
            .unwrap_or_else(|| panic!("an edge {pair:?}: {edges:?}"));
        assert!(edge["alliances"].as_u64().unwrap() >= 1);
        assert!(edge["bridge"].is_boolean());
        let mut nodes = Vec::new();
        for page in 1.. {
            let (status, network) = api
                .call(
                    "GET",
                    &format!("/api/v1/network?per_page=100&page={page}"),
                    None,
                    None,
                )
                .await;
            if status == 400 {
                break;
            }
            nodes.extend(network["nodes"].as_array().unwrap().iter().cloned());
        }
        for id in &pair {
            let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
            assert!(node["degree"].as_u64().unwrap() >= 1);
            assert!(node["actor_group"].is_string() && node["name"].is_string());
            assert!(node["component"].is_u64() && node["component_size"].as_u64().unwrap() >= 2);
            assert!(node["cut_vertex"].is_boolean());
        }
        let (status, network) = api.call("GET", "/api/v1/network", None, None).await;
        assert_eq!(status, 200);
        assert!(network["isolated"].as_u64().unwrap() > 0);
        assert!(network["components"].as_u64().unwrap() >= 1);
    }
}

#[tokio::test]
async fn members_edit_their_entry_and_moderators_verify_it() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let (_, list) = api
            .call(
                "GET",
                "/api/v1/organizations?state=02&per_page=100",
                None,
                None,
            )
            .await;
        let orgs = ids(&list["items"]);
        let (a, b) = (&orgs[0], &orgs[1]);
        let (_, of_a) = token(db, Role::Member, Some(Uuid::parse_str(a).unwrap())).await;
        let (_, of_b) = token(db, Role::Member, Some(Uuid::parse_str(b).unwrap())).await;
        let (_, moderator) = token(db, Role::Moderator, None).await;
        let path = format!("/api/v1/organizations/{a}/directory");

        let (status, before) = api
            .call("GET", &format!("/api/v1/organizations/{a}"), None, None)
            .await;
        assert_eq!(status, 200);
        let (status, edited) = api
            .call(
                "PATCH",
                &path,
                Some(&of_a),
                Some(json!({"website": "https://example.org/acoge", "founded": 1999})),
            )
            .await;
        assert_eq!(status, 200, "{backend:?} {edited}");
        assert_eq!(edited["website"], "https://example.org/acoge");
        assert_eq!(edited["founded"], 1999);
        assert_eq!(edited["sectors"], before["sectors"], "fields not sent stay");

        let (status, error) = api
            .call(
                "PATCH",
                &path,
                Some(&of_a),
                Some(json!({"sectors": ["nope"]})),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(error["error"]["field"], "sectors");
        let (status, error) = api
            .call(
                "PATCH",
                &path,
                Some(&of_a),
                Some(json!({"municipalities": ["02999"]})),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(error["error"]["field"], "municipalities");
        let (status, _) = api
            .call("PATCH", &path, Some(&of_b), Some(json!({"website": ""})))
            .await;
        assert_eq!(status, 403, "a member of another organization");

        let verify = format!("/api/v1/organizations/{a}/verify");
        let (status, _) = api.call("POST", &verify, Some(&of_a), None).await;
        assert_eq!(status, 403);
        let (status, verified) = api.call("POST", &verify, Some(&moderator), None).await;
        assert_eq!(status, 200, "{verified}");
        assert!(verified["verified_at"].is_string());
        let missing = Uuid::now_v7();
        let (status, _) = api
            .call(
                "POST",
                &format!("/api/v1/organizations/{missing}/verify"),
                Some(&moderator),
                None,
            )
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_directory_operation_and_its_statuses() {
    let app = spawn_app(Backend::Sqlite).await;
    let api = Api::new(&app);
    let (status, doc) = api.call("GET", "/api/openapi.json", None, None).await;
    assert_eq!(status, 200);
    let statuses = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .unwrap_or_else(|| panic!("{method} {path} is documented"))
            .keys()
            .cloned()
            .collect()
    };
    for (path, expected) in [
        ("/api/v1/services", &["200", "400"][..]),
        (
            "/api/v1/municipalities/{cvegeo}/services",
            &["200", "400", "404"],
        ),
        ("/api/v1/municipalities/{cvegeo}/coverage", &["200", "404"]),
        (
            "/api/v1/municipalities/{cvegeo}/suggestions",
            &["200", "404"],
        ),
        ("/api/v1/network", &["200"]),
        ("/api/v1/alliances", &["200", "400"]),
    ] {
        let got = statuses(path, "get");
        for status in expected {
            assert!(
                got.contains(&(*status).to_owned()),
                "GET {path} documents {status}"
            );
        }
    }
    for (method, path) in [
        ("post", "/api/v1/alliances"),
        ("patch", "/api/v1/organizations/{id}/directory"),
        ("post", "/api/v1/organizations/{id}/verify"),
    ] {
        let got = statuses(path, method);
        for status in ["401", "403", "404", "409", "413", "429", "503"] {
            assert!(
                got.contains(&status.to_owned()),
                "{method} {path} documents {status}"
            );
        }
        assert!(doc["paths"][path][method]["security"].is_array(), "{path}");
    }
    for status in ["201", "422"] {
        assert!(statuses("/api/v1/alliances", "post").contains(&status.to_owned()));
    }
}
