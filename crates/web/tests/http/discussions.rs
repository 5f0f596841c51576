//! Discussions through HTTP: threads from the founding webinar's questions,
//! contributions with citations, flags, moderation, syntheses and exports.

use super::common::{Api, Browser, account_in, spawn_app, token};
use acoge_domain::{accounts::Role, discussion::DiscussionStatus};
use acoge_store::{Backend, scratch::test_backends};
use serde_json::json;
use uuid::Uuid;

/// The first of the founding webinar's four threads.
async fn thread(api: &Api) -> String {
    let (status, list) = api.call("GET", "/api/v1/discussions", None, None).await;
    assert_eq!(status, 200);
    let founding: Vec<&serde_json::Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["event"] == "lav-2020-11-10")
        .collect();
    assert_eq!(founding.len(), 4, "{list}");
    founding[0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn members_contribute_through_the_api_citing_records_and_closed_threads_refuse() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let thread = thread(&api).await;
        let path = format!("/api/v1/discussions/{thread}/contributions");
        let (_, member) = token(db, Role::Member, None).await;

        let (status, _) = api
            .call("POST", &path, None, Some(json!({"body": "Hola"})))
            .await;
        assert_eq!(status, 401);
        let (status, body) = api
            .call("POST", &path, Some(&member), Some(json!({"body": "  "})))
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("body"))
        );
        let ghost = format!("Ver /practicas/{}", Uuid::now_v7());
        let (status, body) = api
            .call("POST", &path, Some(&member), Some(json!({"body": ghost})))
            .await;
        assert_eq!(
            (status, body["error"]["field"].clone()),
            (422, json!("body")),
            "{body}"
        );

        let provision = db.provisions().await.unwrap()[0].id;
        let text = format!("El municipio debe actuar: /marco-legal/disposiciones/{provision}");
        let (status, created) = api
            .call("POST", &path, Some(&member), Some(json!({"body": text})))
            .await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["citations"][0]["kind"], "disposicion");
        let parent = created["id"].as_str().unwrap();
        let (status, reply) = api
            .call(
                "POST",
                &path,
                Some(&member),
                Some(json!({"body": "Y el estado también", "parent_id": parent})),
            )
            .await;
        assert_eq!((status, reply["parent_id"].as_str()), (201, Some(parent)));

        let (_, detail) = api
            .call("GET", &format!("/api/v1/discussions/{thread}"), None, None)
            .await;
        assert_eq!(detail["items"].as_array().unwrap().len(), 2);
        assert_eq!(detail["contributions"], 2);

        let moderator = account_in(db, Role::Moderator, None).await;
        let id = Uuid::parse_str(&thread).unwrap();
        db.set_discussion_status(id, DiscussionStatus::Closed, moderator.id)
            .await
            .unwrap();
        let (status, body) = api
            .call("POST", &path, Some(&member), Some(json!({"body": "tarde"})))
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (409, json!("discussion_not_open"))
        );
        let (_, detail) = api
            .call("GET", &format!("/api/v1/discussions/{thread}"), None, None)
            .await;
        assert_eq!(
            detail["items"].as_array().unwrap().len(),
            2,
            "nothing stored"
        );
    }
}

#[tokio::test]
async fn three_flags_hold_a_contribution_until_a_moderator_decides_with_a_reason() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let api = Api::new(&app);
    let thread = thread(&api).await;
    let author = account_in(db, Role::Member, None).await;
    let mut ana = Browser::signed_in(&app, author.id).await;
    let page = ana.get(&format!("/discusiones/{thread}")).await;
    assert_eq!(page.status, 200);
    let empty = ana
        .post(
            &format!("/discusiones/{thread}/contribuciones"),
            &[("body", " ")],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"body-error\""));
    let sent = ana
        .post(
            &format!("/discusiones/{thread}/contribuciones"),
            &[("body", "Texto **polémico** <script>x</script>")],
        )
        .await;
    assert_eq!(sent.status, 303);
    let contribution = sent.location.rsplit("#c-").next().unwrap().to_owned();
    let shown = ana.get(&format!("/discusiones/{thread}")).await;
    assert!(shown.body.contains("<strong>polémico</strong>") && !shown.body.contains("<script>x"));

    // A flag needs a reason; the form says so and nothing is stored.
    let flag_path = format!("/contribuciones/{contribution}/senalar");
    let mut flaggers = Vec::new();
    for _ in 0..3 {
        let member = account_in(db, Role::Member, None).await;
        let mut browser = Browser::signed_in(&app, member.id).await;
        browser.get(&format!("/discusiones/{thread}")).await;
        flaggers.push(browser);
    }
    let refused = flaggers[0].post(&flag_path, &[("reason", "")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("role=\"alert\""));
    for browser in &mut flaggers {
        let flagged = browser.post(&flag_path, &[("reason", "ofensiva")]).await;
        assert_eq!(flagged.status, 303);
    }
    let anonymous = Browser::new(&app)
        .get(&format!("/discusiones/{thread}"))
        .await;
    assert!(!anonymous.body.contains("polémico"), "held from the public");
    let own = ana.get(&format!("/discusiones/{thread}")).await;
    assert!(
        own.body.contains("polémico") && own.body.contains("Retenida"),
        "the author still sees it"
    );

    let moderator = account_in(db, Role::Moderator, None).await;
    let mut mod_browser = Browser::signed_in(&app, moderator.id).await;
    let queue = mod_browser.get("/moderacion").await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains("polémico") && queue.body.contains("Ofensiva"));
    let moderate = format!("/contribuciones/{contribution}/moderar");
    let no_reason = mod_browser
        .post(&moderate, &[("decision", "ocultar"), ("reason", "")])
        .await;
    assert_eq!(no_reason.status, 422);
    let hidden = mod_browser
        .post(
            &moderate,
            &[("decision", "ocultar"), ("reason", "Lenguaje ofensivo")],
        )
        .await;
    assert_eq!(hidden.status, 303);
    let own = ana.get(&format!("/discusiones/{thread}")).await;
    assert!(
        own.body.contains("Lenguaje ofensivo"),
        "the author sees why"
    );
    let queue = mod_browser.get("/moderacion").await;
    assert!(!queue.body.contains("polémico"));
    assert_eq!(ana.get("/moderacion").await.status, 403);
}

#[tokio::test]
async fn a_closed_thread_gives_the_text_back_and_syntheses_are_published_and_exported() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let api = Api::new(&app);
    let thread = thread(&api).await;
    let moderator = account_in(db, Role::Moderator, None).await;
    let mut browser = Browser::signed_in(&app, moderator.id).await;
    browser.get(&format!("/discusiones/{thread}")).await;
    let closed = browser
        .post(
            &format!("/discusiones/{thread}/estado"),
            &[("status", "cerrada")],
        )
        .await;
    assert_eq!(closed.status, 303);
    let refused = browser
        .post(
            &format!("/discusiones/{thread}/contribuciones"),
            &[("body", "Un texto largo que no se pierde")],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Un texto largo que no se pierde"));

    let form = browser
        .get(&format!("/discusiones/{thread}/relatoria/editar"))
        .await;
    assert_eq!(form.status, 200);
    let save = format!("/discusiones/{thread}/relatoria/editar");
    // The picker adds a cited record to the chosen section, keeping the rest.
    let found = browser
        .post(
            &save,
            &[
                ("findings", "Hallazgo escrito"),
                ("cite_query", "Cities Alliance"),
                ("intent", "find"),
            ],
        )
        .await;
    assert_eq!(found.status, 200);
    let start = found
        .body
        .find("name=\"cite\" value=\"/organizaciones/")
        .unwrap();
    let address: String = found.body[start + "name=\"cite\" value=\"".len()..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let cited = browser
        .post(
            &save,
            &[
                ("findings", "Hallazgo escrito"),
                ("cite", &address),
                ("cite_into", "agreements"),
            ],
        )
        .await;
    assert!(cited.body.contains("Hallazgo escrito"));
    assert!(
        cited
            .body
            .contains(&format!("[Cities Alliance]({address})</textarea>")),
        "{}",
        cited.body
    );
    let empty = browser
        .post(
            &save,
            &[
                ("findings", "Hallazgo uno"),
                ("agreements", ""),
                ("pending", " "),
            ],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("id=\"agreements-error\"")
            && empty.body.contains("id=\"pending-error\"")
    );
    assert!(empty.body.contains("Hallazgo uno"), "what was typed stays");
    let saved = browser
        .post(
            &save,
            &[
                ("findings", "Los municipios **coordinan** albergues"),
                ("agreements", "Reunión mensual"),
                ("pending", "Ninguno"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);

    let event_page = Browser::new(&app).get("/eventos/lav-2020-11-10").await;
    assert!(
        event_page
            .body
            .contains(&format!("href=\"/discusiones/{thread}\""))
            && event_page
                .body
                .contains(&format!("/eventos/lav-2020-11-10/relatoria#p-{thread}")),
        "the event page links each question's thread and its synthesis"
    );
    let page = Browser::new(&app)
        .get("/eventos/lav-2020-11-10/relatoria")
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<strong>coordinan</strong>") && page.body.contains("Reunión mensual")
    );
    let markdown = Browser::new(&app)
        .get("/eventos/lav-2020-11-10/relatoria.md")
        .await;
    assert!(
        markdown.body.starts_with("# Relatoría")
            && markdown.body.contains("### Acuerdos\n\nReunión mensual")
    );
    let html = Browser::new(&app)
        .get("/eventos/lav-2020-11-10/relatoria.html?lang=en")
        .await;
    assert!(html.body.starts_with("<!DOCTYPE html>") && html.body.contains("<h3>Agreements</h3>"));
    assert!(!html.body.contains("stylesheet"), "standalone");
    let (_, syntheses) = api.call("GET", "/api/v1/syntheses", None, None).await;
    assert_eq!(syntheses["items"][0]["agreements"], "Reunión mensual");
}

#[tokio::test]
async fn the_citation_picker_finds_records_and_adds_them_to_the_text_without_publishing() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let api = Api::new(&app);
    let thread = thread(&api).await;
    let member = account_in(db, Role::Member, None).await;
    let mut browser = Browser::signed_in(&app, member.id).await;
    let page = browser.get(&format!("/discusiones/{thread}")).await;
    assert!(
        page.body.contains("name=\"cite_query\""),
        "the picker is in the form"
    );
    let post = format!("/discusiones/{thread}/contribuciones");
    let found = browser
        .post(
            &post,
            &[
                ("body", "Propongo trabajar con"),
                ("cite_query", "Cities Alliance"),
                ("intent", "find"),
            ],
        )
        .await;
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains("Propongo trabajar con"),
        "the draft stays"
    );
    assert!(found.body.contains("value=\"Cities Alliance\""));
    let organization = db
        .organizations(
            &acoge_store::OrganizationFilter {
                founding_organizer: Some(true),
                ..Default::default()
            },
            acoge_domain::page::PageRequest::first(20),
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|o| o.name == "Cities Alliance")
        .unwrap()
        .id;
    let address = format!("/organizaciones/{organization}");
    assert!(
        found
            .body
            .contains(&format!("name=\"cite\" value=\"{address}\"")),
        "{}",
        found.body
    );
    let added = browser
        .post(
            &post,
            &[("body", "Propongo trabajar con"), ("cite", &address)],
        )
        .await;
    assert_eq!(added.status, 200);
    assert!(
        added.body.contains(&format!(
            "Propongo trabajar con [Cities Alliance]({address})"
        )),
        "{}",
        added.body
    );
    let nothing = browser
        .post(
            &post,
            &[
                ("body", "x"),
                ("cite_query", "zzzqqqxxy"),
                ("intent", "find"),
            ],
        )
        .await;
    assert!(nothing.body.contains("Nada coincide"));
    let (_, contributions) = api
        .call("GET", &format!("/api/v1/discussions/{thread}"), None, None)
        .await;
    assert!(
        !contributions.to_string().contains("Propongo trabajar con"),
        "nothing was published"
    );
}

#[tokio::test]
async fn a_working_group_s_moderators_moderate_its_threads_and_no_others() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let (admin, admin_token) = token(db, Role::Administrator, None).await;
        let created = api
            .call(
                "POST",
                "/api/v1/working-groups",
                Some(&admin_token),
                Some(
                    json!({"slug": "infancia", "name_es": "Infancia", "name_en": "Children",
                    "description_es": "Niñas y niños", "description_en": "Children"}),
                ),
            )
            .await;
        assert_eq!(created.0, 201);
        let (status, event) = api
            .call(
                "POST",
                "/api/v1/events",
                Some(&admin_token),
                Some(json!({"kind": "taller", "title": "Taller de infancia",
                    "starts_at": "2031-05-01T16:00:00Z", "ends_at": "2031-05-01T18:00:00Z",
                    "time_zone": "America/Mexico_City", "working_group": "infancia",
                    "guiding_questions": ["¿Qué protocolos hay?"]})),
            )
            .await;
        assert_eq!(status, 201, "{event}");
        let slug = event["slug"].as_str().unwrap();
        let (_, threads) = api
            .call(
                "GET",
                &format!("/api/v1/discussions?event={slug}"),
                None,
                None,
            )
            .await;
        let thread = threads["items"][0]["id"].as_str().unwrap().to_owned();
        let founding = {
            let (_, list) = api
                .call(
                    "GET",
                    "/api/v1/discussions?event=lav-2020-11-10",
                    None,
                    None,
                )
                .await;
            list["items"][0]["id"].as_str().unwrap().to_owned()
        };

        let lead = account_in(db, Role::Member, None).await;
        let group = db.working_group("infancia").await.unwrap().unwrap().id;
        assert!(
            db.set_group_moderator(group, lead.id, true, admin)
                .await
                .unwrap()
        );
        let mut browser = Browser::signed_in(&app, lead.id).await;
        let page = browser.get(&format!("/discusiones/{thread}")).await;
        assert!(
            page.body.contains("/estado"),
            "{backend:?}: the controls show"
        );
        assert_eq!(
            browser
                .get(&format!("/discusiones/{thread}/relatoria/editar"))
                .await
                .status,
            200
        );

        // A contribution in the group's thread, flagged, hidden by the lead.
        let (_, writer) = token(db, Role::Member, None).await;
        let (status, contribution) = api
            .call(
                "POST",
                &format!("/api/v1/discussions/{thread}/contributions"),
                Some(&writer),
                Some(json!({"body": "Un texto fuera de tema"})),
            )
            .await;
        assert_eq!(status, 201, "{contribution}");
        let id = contribution["id"].as_str().unwrap();
        let mut flagger = Browser::signed_in(&app, admin).await;
        flagger.get(&format!("/discusiones/{thread}")).await;
        let flagged = flagger
            .post(
                &format!("/contribuciones/{id}/senalar"),
                &[("reason", "fuera_de_tema")],
            )
            .await;
        assert_eq!(flagged.status, 303, "{}", flagged.body);
        let queue = browser.get("/moderacion").await;
        assert_eq!(
            queue.status, 200,
            "the lead has a queue of the group's threads"
        );
        assert!(queue.body.contains("Un texto fuera de tema"));
        let hidden = browser
            .post(
                &format!("/contribuciones/{id}/moderar"),
                &[("decision", "ocultar"), ("reason", "Fuera de tema")],
            )
            .await;
        assert_eq!(hidden.status, 303);

        let closed = browser
            .post(
                &format!("/discusiones/{thread}/estado"),
                &[("status", "cerrada")],
            )
            .await;
        assert_eq!(closed.status, 303);
        let synthesis = browser
            .post(
                &format!("/discusiones/{thread}/relatoria/editar"),
                &[
                    ("findings", "Hay dos protocolos"),
                    ("agreements", "Compartirlos"),
                    ("pending", "Ninguno"),
                ],
            )
            .await;
        assert_eq!(synthesis.status, 303);

        // Another thread is not theirs.
        let other = browser
            .post(
                &format!("/discusiones/{founding}/estado"),
                &[("status", "cerrada")],
            )
            .await;
        assert_eq!(other.status, 403, "{backend:?}");
        assert_eq!(
            browser
                .get(&format!("/discusiones/{founding}/relatoria/editar"))
                .await
                .status,
            403
        );
        let page = browser.get(&format!("/discusiones/{founding}")).await;
        assert!(!page.body.contains("/estado\""), "no controls there");
    }
}

#[tokio::test]
async fn reading_notifications_marks_nothing_until_the_member_posts_the_form() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        // The thread is open: a follower of it is told of a new contribution.
        let thread = Uuid::parse_str(&thread(&api).await).unwrap();
        let follower = account_in(db, Role::Member, None).await;
        let other = account_in(db, Role::Member, None).await;
        for (author, body) in [(follower.id, "Sigo este hilo"), (other.id, "Le respondo")] {
            let added = db
                .add_contribution(&acoge_store::NewContribution {
                    discussion_id: thread,
                    parent_id: None,
                    author_id: author,
                    organization_id: None,
                    body,
                    citations: &[],
                })
                .await
                .unwrap();
            assert!(matches!(added, acoge_store::Contributed::Added(_)));
        }
        let unread = db.unread_notifications(follower.id).await.unwrap();
        assert!(unread >= 1, "{backend:?}");

        let mut browser = Browser::signed_in(&app, follower.id).await;
        for _ in 0..2 {
            let page = browser.get("/notificaciones").await;
            assert_eq!(page.status, 200);
            assert!(page.body.contains("<strong>nueva</strong>"), "shown unread");
            assert!(page.body.contains("action=\"/notificaciones/leidas\""));
        }
        assert_eq!(
            db.unread_notifications(follower.id).await.unwrap(),
            unread,
            "{backend:?}: a GET (an image pointing here) marks nothing read"
        );

        // A cross-site form carries no token: refused, nothing marked.
        let mut forged = Browser::signed_in(&app, follower.id).await;
        let refused = forged.post("/notificaciones/leidas", &[]).await;
        assert_eq!(refused.status, 403);
        assert_eq!(db.unread_notifications(follower.id).await.unwrap(), unread);

        let marked = browser.post("/notificaciones/leidas", &[]).await;
        assert_eq!(
            (marked.status, marked.location.as_str()),
            (303, "/notificaciones")
        );
        assert_eq!(db.unread_notifications(follower.id).await.unwrap(), 0);
        let page = browser.get("/notificaciones?lang=en").await;
        assert!(
            page.body
                .contains(&format!("href=\"/discusiones/{thread}\""))
        );
        assert!(!page.body.contains("<strong>new</strong>"));
        assert!(
            !page.body.contains("Mark all as read"),
            "nothing left to mark"
        );
    }
}

#[tokio::test]
async fn a_draft_practice_cited_by_id_never_shows_its_title_to_other_organizations() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let thread = thread(&api).await;
        let orgs: Vec<Uuid> = db
            .organizations(
                &acoge_store::OrganizationFilter::default(),
                acoge_domain::page::PageRequest::first(30),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|o| o.id)
            .collect();
        let (own, partner, other) = (orgs[0], orgs[1], orgs[2]);
        let (author, author_token) = token(db, Role::Member, Some(own)).await;
        let title = format!("Borrador reservado {}", Uuid::now_v7().simple());
        let (status, created) = api
            .call(
                "POST",
                "/api/v1/practices",
                Some(&author_token),
                Some(json!({
                    "title": title,
                    "summary": "Un comedor abierto a personas en tránsito.",
                    "sections": {"proceso": "Se abrió un comedor."},
                    "municipalities": ["07089"],
                    "lead_organization": own,
                    "partners": [partner],
                    "levels_of_government": ["municipal"],
                    "rights": ["salud"],
                    "sectors": ["alimentacion"],
                    "populations": ["transito"],
                    "gcm_objectives": [15],
                    "covid19": false,
                    "start_date": "2021-03",
                    "implementation_status": "en_curso",
                    "evidence": ["https://example.org/informe"]
                })),
            )
            .await;
        assert_eq!(
            (status, created["status"].as_str()),
            (201, Some("borrador"))
        );
        let address = format!("/practicas/{}", created["id"].as_str().unwrap());
        let post = format!("/discusiones/{thread}/contribuciones");

        let outsider = account_in(db, Role::Member, Some(other)).await;
        let mut browser = Browser::signed_in(&app, outsider.id).await;
        browser.get(&format!("/discusiones/{thread}")).await;
        let picked = browser
            .post(&post, &[("body", "Véase"), ("cite", &address)])
            .await;
        assert_eq!(picked.status, 200);
        assert!(!picked.body.contains(&title), "{backend:?}: the picker");
        let posted = browser
            .post(&post, &[("body", &format!("Véase [x]({address})"))])
            .await;
        assert_eq!(posted.status, 422, "a draft cannot be cited");
        assert!(!posted.body.contains(&title));
        let thread_page = browser.get(&format!("/discusiones/{thread}")).await;
        assert!(!thread_page.body.contains(&title));
        // A visitor neither.
        let mut visitor = Browser::new(&app);
        assert!(
            !visitor
                .get(&format!("/discusiones/{thread}"))
                .await
                .body
                .contains(&title)
        );

        // Its own authors see it, as on its page.
        let mut own = Browser::signed_in(&app, author).await;
        own.get(&format!("/discusiones/{thread}")).await;
        let mine = own
            .post(&post, &[("body", "Véase"), ("cite", &address)])
            .await;
        assert_eq!(mine.status, 200);
        assert!(
            mine.body.contains(&format!("Véase [{title}]({address})")),
            "{backend:?}"
        );
    }
}
