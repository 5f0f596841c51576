//! The legal framework through HTTP: instruments, provisions, and the
//! responsibilities matrix built from them.

use super::common::{Api, Browser, TestApp, account_in, spawn_app, token};
use acoge_domain::accounts::Role;
use acoge_store::{Backend, scratch::test_backends};
use serde_json::{Value, json};

async fn api(app: &TestApp, path: &str) -> Value {
    let answer = app.get(path, &[]).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.json()
}

#[tokio::test]
async fn instruments_and_provisions_keep_their_sources_and_filter_by_right_and_level() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let all = api(&app, "/api/v1/legal-instruments").await;
        let total = all["total"].as_u64().unwrap();
        assert_eq!(total as usize, all["items"].as_array().unwrap().len());
        assert!(total >= 10, "{backend:?}: {total}");
        let federal = api(&app, "/api/v1/legal-instruments?level=federal").await;
        assert!(federal["total"].as_u64().unwrap() < total);
        assert!(
            federal["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i["level"] == "federal" && i["sources"].as_array().is_some())
        );

        let cpeum = api(&app, "/api/v1/legal-instruments/cpeum").await;
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
        let missing = app.get("/api/v1/legal-instruments/no-such-law", &[]).await;
        assert_eq!(missing.status, 404);

        // Health binds the federation and the states by article 4; article 1
        // (every right) comes along, since it binds every level.
        let health = api(&app, "/api/v1/provisions?right=salud&level=municipal").await;
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
            let answer = app.get(&format!("/api/v1/provisions?{bad}"), &[]).await;
            assert_eq!(answer.status, 400, "{bad}");
            let parameter = bad.split('=').next().unwrap();
            assert_eq!(answer.json()["error"]["parameter"], parameter, "{bad}");
        }
    }
}

#[tokio::test]
async fn the_matrix_counts_what_the_provisions_say_and_each_cell_shows_them() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let matrix = api(&app, "/api/v1/responsibilities").await;
        let provisions = api(&app, "/api/v1/provisions").await;
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

        let page = app.get("/responsabilidades", &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<svg") && page.body.contains("role=\"img\""));
        assert!(
            page.body
                .contains("href=\"/responsabilidades/salud/federal\"")
        );
        let cell = app.get("/responsabilidades/salud/federal", &[]).await.body;
        assert!(
            cell.contains("href=\"/marco-legal/instrumentos/cpeum\"")
                && cell.contains("href=\"/marco-legal/disposiciones/"),
            "the article links its instrument and its own page"
        );
        assert!(
            cell.contains("COMAR"),
            "federal COVID-19 measures are listed"
        );
        let english = app
            .get("/responsabilidades/salud/municipal?lang=en", &[])
            .await
            .body;
        assert!(english.contains("Provisions on every right"));
        for bad in [
            "/responsabilidades/riqueza/federal",
            "/responsabilidades/salud/condado",
        ] {
            assert_eq!(app.get(bad, &[]).await.status, 404, "{bad}");
        }
    }
}

#[tokio::test]
async fn a_municipality_s_mandate_lists_each_level_with_its_articles_and_its_state_law() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let mandate = api(&app, "/api/v1/municipalities/07089/mandate").await;
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
            app.get("/api/v1/municipalities/99999/mandate", &[])
                .await
                .status,
            400
        );

        let municipality = app.get("/municipios/07089", &[]).await.body;
        assert!(municipality.contains("href=\"/municipios/07089/mandato\""));
        let page = app.get("/municipios/07089/mandato", &[]).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("El municipio de Tapachula"));
        assert!(page.body.contains("El estado de Chiapas"));
        assert!(
            page.body
                .contains("href=\"/responsabilidades/salud/federal\"")
        );
        let english = app.get("/municipios/07089/mandato?lang=en", &[]).await;
        assert!(english.body.contains("The federation"));
        assert_eq!(app.get("/municipios/99999/mandato", &[]).await.status, 404);
    }
}

#[tokio::test]
async fn moderators_add_correct_reform_and_verify_through_the_api_and_bad_input_stores_nothing() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let (moderator_id, moderator) = token(db, Role::Moderator, None).await;
        let (_, member) = token(db, Role::Member, None).await;
        let id = "reglamento-prueba";
        let instrument = json!({
            "id": id, "level": "municipal", "jurisdiction": "MX-BC",
            "name": "Reglamento de prueba", "published": "2019-06",
            "sources": ["https://example.org/reglamento.pdf"]
        });

        let (status, _) = api
            .call(
                "POST",
                "/api/v1/legal-instruments",
                None,
                Some(instrument.clone()),
            )
            .await;
        assert_eq!(status, 401);
        let (status, _) = api
            .call(
                "POST",
                "/api/v1/legal-instruments",
                Some(&member),
                Some(instrument.clone()),
            )
            .await;
        assert_eq!(status, 403);

        // Every bad field is named; nothing is stored.
        let mut bad = instrument.clone();
        bad["published"] = json!("2031-01-01");
        bad["sources"] = json!([]);
        let (status, body) = api
            .call(
                "POST",
                "/api/v1/legal-instruments",
                Some(&moderator),
                Some(bad),
            )
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["field"], "published");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("sources")
        );
        let (status, _) = api
            .call(
                "GET",
                &format!("/api/v1/legal-instruments/{id}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, 404, "nothing stored");

        let (status, body) = api
            .call(
                "POST",
                "/api/v1/legal-instruments",
                Some(&moderator),
                Some(instrument.clone()),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["verified"], false);
        let (status, body) = api
            .call(
                "POST",
                "/api/v1/legal-instruments",
                Some(&moderator),
                Some(instrument),
            )
            .await;
        assert_eq!((status, body["error"]["field"].clone()), (422, json!("id")));

        let provisions = format!("/api/v1/legal-instruments/{id}/provisions");
        let provision = json!({
            "article": "12", "theme": "salud", "rights": ["salud"], "binds": ["municipal"],
            "summary": "Atención médica sin importar la situación migratoria",
            "in_force_from": "2019-06"
        });
        let (status, body) = api
            .call(
                "POST",
                "/api/v1/legal-instruments/no-such-law/provisions",
                Some(&moderator),
                Some(provision.clone()),
            )
            .await;
        assert_eq!(status, 404, "{body}");
        let mut bad = provision.clone();
        bad["rights"] = json!(["volar"]);
        let (status, body) = api
            .call("POST", &provisions, Some(&moderator), Some(bad))
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("rights"))
        );
        let (status, body) = api
            .call(
                "POST",
                &provisions,
                Some(&moderator),
                Some(provision.clone()),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["version"], 1);
        assert_eq!(
            body["sources"],
            json!(["https://example.org/reglamento.pdf"])
        );
        let path = format!("/api/v1/provisions/{}", body["id"].as_str().unwrap());
        let (status, body) = api
            .call("POST", &provisions, Some(&moderator), Some(provision))
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("article"))
        );

        // A correction needs a note; a reform a later date, not in the future.
        let attempts = [
            (
                json!({"kind": "correccion", "summary": "Otro texto"}),
                "note",
            ),
            (
                json!({"kind": "reforma", "summary": "Otro texto", "in_force_from": ""}),
                "in_force_from",
            ),
            (
                json!({"kind": "reforma", "summary": "Otro texto", "in_force_from": "2018"}),
                "in_force_from",
            ),
            (
                json!({"kind": "reforma", "summary": "Otro texto", "in_force_from": "2099"}),
                "in_force_from",
            ),
            (json!({"kind": "correccion", "note": "nada"}), "kind"),
            (
                json!({"kind": "alta", "note": "x", "summary": "Otro"}),
                "kind",
            ),
        ];
        for (patch, field) in attempts {
            let (status, body) = api
                .call("PATCH", &path, Some(&moderator), Some(patch.clone()))
                .await;
            assert_eq!(status, 422, "{patch}: {body}");
            assert_eq!(body["error"]["field"], field, "{patch}: {body}");
        }
        let (status, body) = api
            .call("PATCH", &path, Some(&moderator), Some(json!({"kind": "correccion", "theme": "salud y atención", "institutions": ["Dirección de Salud Municipal de prueba"], "note": "tema incompleto"})))
            .await;
        assert_eq!((status, body["version"].clone()), (200, json!(2)), "{body}");
        let (status, body) = api
            .call("PATCH", &path, Some(&moderator), Some(json!({"kind": "reforma", "summary": "Texto reformado", "in_force_from": "2023-02-01"})))
            .await;
        assert_eq!((status, body["version"].clone()), (200, json!(3)), "{body}");
        let (status, body) = api
            .call("POST", &format!("{path}/verify"), Some(&moderator), None)
            .await;
        assert_eq!(
            (status, body["verified"].clone()),
            (200, json!(true)),
            "{body}"
        );
        let (status, body) = api
            .call("POST", &format!("{path}/verify"), Some(&moderator), None)
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("verified"))
        );

        // Old versions stay readable, each with why it changed.
        let (_, detail) = api.call("GET", &path, None, None).await;
        let versions = detail["versions"].as_array().unwrap();
        let kinds: Vec<&str> = versions
            .iter()
            .map(|v| v["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["alta", "correccion", "reforma", "verificacion"]);
        assert_eq!(
            versions[0]["content"]["summary"],
            "Atención médica sin importar la situación migratoria"
        );
        assert_eq!(versions[1]["note"], "tema incompleto");
        assert_eq!(versions[2]["content"]["in_force_from"], "2023-02-01");
        assert_eq!(detail["summary"], "Texto reformado");

        // The matrix follows: the new provision binds municipalities on health.
        let cell = api_json(&api, "/api/v1/provisions?right=salud&level=municipal").await;
        assert!(
            cell["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["instrument"] == id)
        );
        let page = reqwest::get(app.url("/responsabilidades/salud/municipal"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Dirección de Salud Municipal de prueba"));

        // The instrument's correction needs a note; its history shows it.
        let instrument_path = format!("/api/v1/legal-instruments/{id}");
        let (status, body) = api
            .call(
                "PATCH",
                &instrument_path,
                Some(&moderator),
                Some(json!({"name": "Reglamento corregido", "note": ""})),
            )
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("note"))
        );
        let (status, body) = api
            .call(
                "PATCH",
                &instrument_path,
                Some(&moderator),
                Some(json!({"name": "Reglamento corregido", "note": "nombre oficial"})),
            )
            .await;
        assert_eq!(
            (status, body["name"].clone()),
            (200, json!("Reglamento corregido"))
        );
        let history = api_json(&api, &format!("{instrument_path}/versions")).await;
        assert_eq!(history["versions"].as_array().unwrap().len(), 2);
        assert_eq!(
            history["versions"][0]["content"]["name"],
            "Reglamento de prueba"
        );

        let log = db
            .audit_log(
                Some(moderator_id),
                acoge_domain::page::PageRequest::first(20),
            )
            .await
            .unwrap();
        let actions: Vec<&str> = log.items.iter().map(|e| e.action.as_str()).collect();
        for action in [
            "instrument.create",
            "provision.create",
            "provision.correct",
            "provision.reform",
            "provision.verify",
            "instrument.correct",
        ] {
            assert!(
                actions.contains(&action),
                "{backend:?}: {action} in {actions:?}"
            );
        }
    }
}

async fn api_json(api: &Api, path: &str) -> Value {
    let (status, body) = api.call("GET", path, None, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

#[tokio::test]
async fn the_moderators_forms_work_without_javascript_and_keep_what_was_typed() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db;
    let signed_in = async |member| Browser::signed_in(&app, member).await;
    let member = account_in(db, Role::Member, None).await;
    let mut visitor = signed_in(member.id).await;
    assert_eq!(
        visitor.get("/marco-legal/instrumentos/nuevo").await.status,
        403
    );
    let page = visitor.get("/marco-legal/instrumentos/cpeum").await;
    assert!(!page.body.contains("/editar"), "members see no edit links");
    let anonymous = Browser::new(&app)
        .get("/marco-legal/instrumentos/nuevo")
        .await;
    assert_eq!(anonymous.status, 303);

    let moderator = account_in(db, Role::Moderator, None).await;
    let mut browser = signed_in(moderator.id).await;
    let form = browser.get("/marco-legal/instrumentos/nuevo").await;
    assert_eq!(form.status, 200);
    let id = "ley-estatal-prueba";
    let bad = browser
        .post(
            "/marco-legal/instrumentos/nuevo",
            &[
                ("id", "Ley Estatal"),
                ("level", "estatal"),
                ("jurisdiction", "MX-CHP"),
                ("name", "Ley de Chiapas de prueba"),
                ("published", "2099"),
                ("sources", "no es una dirección"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    for field in ["id", "published", "sources"] {
        assert!(
            bad.body.contains(&format!("id=\"{field}-error\"")),
            "{field}"
        );
    }
    assert!(bad.body.contains("value=\"Ley de Chiapas de prueba\""));
    assert!(bad.body.contains("no es una dirección"));
    let good = browser
        .post(
            "/marco-legal/instrumentos/nuevo",
            &[
                ("id", id),
                ("level", "estatal"),
                ("jurisdiction", "MX-CHP"),
                ("name", "Ley de Chiapas de prueba"),
                ("published", "2020"),
                ("sources", "https://example.org/ley.pdf"),
            ],
        )
        .await;
    assert_eq!(good.status, 303);
    assert_eq!(good.location, format!("/marco-legal/instrumentos/{id}"));

    let new_provision = format!("/marco-legal/instrumentos/{id}/disposiciones/nueva");
    let created = browser
        .post(
            &new_provision,
            &[
                ("article", "5"),
                ("theme", "educación"),
                ("rights", "educacion"),
                ("binds", "estatal"),
                ("summary", "Inscripción escolar sin documentos"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let provision_page = created.location.clone();
    let edit = format!("{provision_page}/editar");
    let refused = browser
        .post(
            &edit,
            &[
                ("kind", "reforma"),
                ("article", "5"),
                ("theme", "educación"),
                ("rights", "educacion"),
                ("binds", "estatal"),
                ("summary", "Texto reformado que no se pierde"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"in_force_from-error\""));
    assert!(refused.body.contains("Texto reformado que no se pierde"));
    assert!(refused.body.contains("value=\"reforma\" checked"));
    let reformed = browser
        .post(
            &edit,
            &[
                ("kind", "reforma"),
                ("article", "5"),
                ("theme", "educación"),
                ("rights", "educacion"),
                ("binds", "estatal"),
                ("summary", "Texto reformado que no se pierde"),
                ("in_force_from", "2024-03"),
            ],
        )
        .await;
    assert_eq!(reformed.status, 303);
    let page = browser.get(&provision_page).await;
    assert!(page.body.contains("Texto reformado que no se pierde"));
    assert!(
        page.body.contains("Inscripción escolar sin documentos"),
        "the old text stays readable"
    );
    assert!(page.body.contains("Reforma") && page.body.contains("por verificar"));
    let verified = browser
        .post(&format!("{provision_page}/verificar"), &[])
        .await;
    assert_eq!(verified.status, 303);
    let page = browser.get(&format!("{provision_page}?lang=en")).await;
    assert!(page.body.contains("Verification") && page.body.contains("History"));
}
