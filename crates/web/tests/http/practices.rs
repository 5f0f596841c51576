//! Practices: drafts, validation per field, visibility, review by other
//! organizations, versions with diffs, sanitized Markdown, facets.

use super::common::{Api, Browser, account_in, spawn_app, spawn_app_with, token};
use acoge_domain::{accounts::Role, page::PageRequest};
use acoge_store::{Backend, Db, OrganizationFilter, scratch::test_backends};
use serde_json::{Value, json};
use uuid::Uuid;

async fn organizations(db: &Db) -> Vec<Uuid> {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(100))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.id)
        .collect()
}

fn valid_body(lead: Uuid, partner: Uuid) -> Value {
    json!({
        "title": "Comedor comunitario en Tapachula",
        "summary": "Un comedor abierto a personas en tránsito.",
        "sections": {"proceso": "Se abrió **un comedor**. <script>alert(1)</script> [x](javascript:alert(1))"},
        "municipalities": ["07089"],
        "lead_organization": lead,
        "partners": [partner, {"name": "Colectivo vecinal"}],
        "levels_of_government": ["municipal"],
        "rights": ["salud"],
        "sectors": ["alimentacion"],
        "populations": ["transito"],
        "gcm_objectives": [15],
        "covid19": false,
        "start_date": "2021-03",
        "implementation_status": "en_curso",
        "evidence": ["https://example.org/informe"]
    })
}

#[tokio::test]
async fn invalid_practices_name_the_field_and_store_nothing() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let orgs = organizations(db).await;
        let (own, partner) = (orgs[0], orgs[1]);
        let (_, member) = token(db, Role::Member, Some(own)).await;
        let api = Api::new(&app);
        let cases = [
            ("municipalities", json!({"municipalities": []})),
            ("municipalities", json!({"municipalities": ["99999"]})),
            ("partners", json!({"partners": [Uuid::now_v7()]})),
            (
                "end_date",
                json!({"start_date": "2021-05", "end_date": "2020-01"}),
            ),
            ("summary", json!({"summary": "palabra ".repeat(251)})),
            (
                "lead_organization",
                json!({"lead_organization": Uuid::now_v7()}),
            ),
            ("covid19_how", json!({"covid19": true, "covid19_how": ""})),
        ];
        for (field, patch) in cases {
            let mut body = valid_body(own, partner);
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            let (status, answer) = api
                .call("POST", "/api/v1/practices", Some(&member), Some(body))
                .await;
            assert_eq!(status, 422, "{backend:?} {field}: {answer}");
            assert_eq!(answer["error"]["field"], field, "{answer}");
        }
        let (status, _) = api
            .call(
                "POST",
                "/api/v1/practices",
                Some(&member),
                Some(json!("not an object")),
            )
            .await;
        assert_eq!(status, 422);
        let list = api
            .call(
                "GET",
                "/api/v1/practices?status=borrador",
                Some(&member),
                None,
            )
            .await
            .1;
        assert_eq!(list["total"], 0, "nothing was stored");
    }
}

#[tokio::test]
async fn a_practice_goes_from_draft_to_published_through_two_reviews_of_other_organizations() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let orgs = organizations(db).await;
        let api = Api::new(&app);
        let (_, author) = token(db, Role::Member, Some(orgs[0])).await;
        let (_, outsider) = token(db, Role::Member, Some(orgs[2])).await;
        let (_, same_org_reviewer) = token(db, Role::Reviewer, Some(orgs[0])).await;
        let (_, reviewer_a) = token(db, Role::Reviewer, Some(orgs[3])).await;
        let (_, reviewer_b) = token(db, Role::Reviewer, Some(orgs[4])).await;

        let (status, created) = api
            .call(
                "POST",
                "/api/v1/practices",
                Some(&author),
                Some(valid_body(orgs[0], orgs[1])),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["status"], "borrador");
        assert_eq!(created["partners"][1]["name"], "Colectivo vecinal");
        assert!(created["partners"][1]["id"].is_null());
        let id = created["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/practices/{id}");

        assert_eq!(
            api.call("GET", &path, None, None).await.0,
            404,
            "drafts are invisible to visitors"
        );
        assert_eq!(api.call("GET", &path, Some(&outsider), None).await.0, 404);
        assert_eq!(
            api.call("PATCH", &path, Some(&outsider), Some(json!({"title": "x"})))
                .await
                .0,
            404
        );
        let review =
            json!({"decision": "aprobar", "checklist": {"objetivo_pacto": true}, "comment": ""});
        assert_eq!(
            api.call(
                "POST",
                &format!("{path}/reviews"),
                Some(&reviewer_a),
                Some(review.clone())
            )
            .await
            .0,
            404,
            "a draft is not offered for review"
        );

        let (status, patched) = api
            .call(
                "PATCH",
                &path,
                Some(&author),
                Some(json!({"title": "Comedor comunitario"})),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            (patched["title"].as_str(), patched["version"].as_i64()),
            (Some("Comedor comunitario"), Some(2))
        );
        assert_eq!(
            patched["municipalities"][0], "07089",
            "PATCH keeps what it was not sent"
        );

        let (status, submitted) = api
            .call("POST", &format!("{path}/submit"), Some(&author), None)
            .await;
        assert_eq!(
            (status, submitted["status"].as_str()),
            (200, Some("enviada"))
        );
        assert_eq!(
            api.call("POST", &format!("{path}/submit"), Some(&author), None)
                .await
                .0,
            409
        );
        assert_eq!(
            api.call("PATCH", &path, Some(&author), Some(json!({"title": "y"})))
                .await
                .0,
            409
        );

        let (status, answer) = api
            .call(
                "POST",
                &format!("{path}/reviews"),
                Some(&same_org_reviewer),
                Some(review.clone()),
            )
            .await;
        assert_eq!(status, 403, "{answer}");
        let no_comment = json!({"decision": "pedir_cambios", "comment": ""});
        let (status, answer) = api
            .call(
                "POST",
                &format!("{path}/reviews"),
                Some(&reviewer_a),
                Some(no_comment),
            )
            .await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (422, Some("comment"))
        );
        let (status, first) = api
            .call(
                "POST",
                &format!("{path}/reviews"),
                Some(&reviewer_a),
                Some(review.clone()),
            )
            .await;
        assert_eq!(
            (status, first["status"].as_str()),
            (201, Some("en_revision"))
        );
        assert_eq!(
            api.call(
                "POST",
                &format!("{path}/reviews"),
                Some(&reviewer_a),
                Some(review.clone())
            )
            .await
            .0,
            409,
            "one review per reviewer and round"
        );
        let (_, second) = api
            .call(
                "POST",
                &format!("{path}/reviews"),
                Some(&reviewer_b),
                Some(review.clone()),
            )
            .await;
        assert_eq!(second["status"], "publicada");

        let (status, public) = api.call("GET", &path, None, None).await;
        assert_eq!(status, 200, "published practices are public");
        assert!(public["published_at"].is_string());
        let listed = api
            .call(
                "GET",
                "/api/v1/practices?municipality=07089&sector=alimentacion&gcm_objective=15",
                None,
                None,
            )
            .await
            .1;
        assert!(
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == id.as_str())
        );
        let by_partner = api
            .call(
                "GET",
                &format!("/api/v1/practices?organization={}", orgs[1]),
                None,
                None,
            )
            .await
            .1;
        assert!(
            by_partner["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == id.as_str()),
            "partners find their practices"
        );
        let partner_page = reqwest::get(format!("{}/organizaciones/{}", api.base, orgs[1]))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            partner_page.contains(&format!("/practicas/{id}")),
            "the organization page links the practice"
        );

        // Editing a published practice makes a new version, shown as a diff.
        let (status, edited) = api
            .call(
                "PATCH",
                &path,
                Some(&author),
                Some(json!({"summary": "Un comedor abierto a personas migrantes en tránsito."})),
            )
            .await;
        assert_eq!(
            (
                status,
                edited["version"].as_i64(),
                edited["status"].as_str()
            ),
            (200, Some(3), Some("publicada"))
        );
        let history = reqwest::get(format!("{}/practicas/{id}/historial", api.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            history.contains("<ins>migrantes </ins>") || history.contains("<ins>migrantes</ins>"),
            "{history}"
        );

        let page = reqwest::get(format!("{}/practicas/{id}", api.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("<strong>un comedor</strong>"));
        assert!(
            !page.contains("<script>alert") && !page.contains("javascript:alert"),
            "Markdown is sanitized"
        );
        assert!(page.contains("Colectivo vecinal"));
        let audit = db.audit_log(None, PageRequest::first(100)).await.unwrap();
        assert!(
            audit
                .items
                .iter()
                .any(|e| e.action == "practice.review" && e.entity_id == id)
        );
    }
}

#[tokio::test]
async fn the_form_works_without_javascript_and_keeps_what_was_typed() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db;
    let orgs = organizations(db).await;
    let member = account_in(db, Role::Member, Some(orgs[0])).await;
    let mut browser = Browser::signed_in(&app, member.id).await;
    let form = browser.get("/practicas/nueva").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body
            .contains(&format!("value=\"{}\" selected", orgs[0])),
        "the member's organization leads by default"
    );
    let lead = orgs[0].to_string();
    let bad = browser
        .post(
            "/practicas/nueva",
            &[
                ("title", "Mi práctica"),
                ("summary", "Resumen"),
                ("municipalities", "99999"),
                ("lead_organization", &lead),
                ("sectors", "salud"),
                ("start_date", "2022"),
                ("end_date", "2021"),
                ("section_proceso", "Texto del proceso"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body.contains("id=\"municipalities-error\"")
            && bad.body.contains("id=\"end_date-error\"")
    );
    assert!(bad.body.contains("value=\"Mi práctica\"") && bad.body.contains("Texto del proceso"));
    assert!(
        bad.body.contains("value=\"salud\" checked"),
        "checked boxes stay checked"
    );
    let good = browser
        .post(
            "/practicas/nueva",
            &[
                ("title", "Mi práctica"),
                ("summary", "Resumen"),
                ("municipalities", "07089, 02004"),
                ("lead_organization", &lead),
            ],
        )
        .await;
    assert_eq!(good.status, 303);
    let page = browser.get(&good.location).await;
    assert!(page.body.contains("Mi práctica") && page.body.contains("Tijuana"));
    let mine = browser.get("/mis-practicas").await;
    assert!(mine.body.contains("Mi práctica"));
    let english = browser.get("/practicas/nueva?lang=en").await;
    assert!(english.body.contains("Lead organization"));
}

#[tokio::test]
async fn the_list_offers_facets_with_counts() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db;
    let orgs = organizations(db).await;
    let (_, author) = token(db, Role::Member, Some(orgs[0])).await;
    let api = Api::new(&app);
    let created = api
        .call(
            "POST",
            "/api/v1/practices",
            Some(&author),
            Some(valid_body(orgs[0], orgs[1])),
        )
        .await
        .1;
    let id = created["id"].as_str().unwrap();
    let (_, r1) = token(db, Role::Reviewer, Some(orgs[2])).await;
    let (_, r2) = token(db, Role::Reviewer, Some(orgs[3])).await;
    api.call(
        "POST",
        &format!("/api/v1/practices/{id}/submit"),
        Some(&author),
        None,
    )
    .await;
    let review = json!({"decision": "aprobar"});
    api.call(
        "POST",
        &format!("/api/v1/practices/{id}/reviews"),
        Some(&r1),
        Some(review.clone()),
    )
    .await;
    api.call(
        "POST",
        &format!("/api/v1/practices/{id}/reviews"),
        Some(&r2),
        Some(review),
    )
    .await;
    let page = reqwest::get(format!("{}/practicas", api.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Chiapas</a> ("), "state facet");
    assert!(page.contains("Alimentación</a> ("), "sector facet");
    let filtered = reqwest::get(format!(
        "{}/practicas?sector=alimentacion&estado=07",
        api.base
    ))
    .await
    .unwrap();
    assert_eq!(filtered.status().as_u16(), 200);
    let bad = reqwest::get(format!("{}/practicas?objetivo=99", api.base))
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

#[tokio::test]
async fn the_number_of_approvals_that_publish_is_configurable() {
    let options = acoge_web::Options {
        required_approvals: 1,
        ..acoge_web::Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let db = &app.db;
    let orgs = organizations(db).await;
    let (_, author) = token(db, Role::Member, Some(orgs[0])).await;
    let (_, reviewer) = token(db, Role::Reviewer, Some(orgs[1])).await;
    let api = Api::new(&app);
    let created = api
        .call(
            "POST",
            "/api/v1/practices",
            Some(&author),
            Some(valid_body(orgs[0], orgs[1])),
        )
        .await
        .1;
    let id = created["id"].as_str().unwrap();
    api.call(
        "POST",
        &format!("/api/v1/practices/{id}/submit"),
        Some(&author),
        None,
    )
    .await;
    let (_, after) = api
        .call(
            "POST",
            &format!("/api/v1/practices/{id}/reviews"),
            Some(&reviewer),
            Some(json!({"decision": "aprobar"})),
        )
        .await;
    assert_eq!(
        after["status"], "publicada",
        "one approval publishes when so configured"
    );
}
