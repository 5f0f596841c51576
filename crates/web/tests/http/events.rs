//! Events: moderators create and change them (form and API), members
//! register up to the capacity and then wait, cancelling promotes.

use super::common::{Api, Browser, TestApp, account, account_in, spawn_app, token};
use acoge_domain::accounts::Role;
use acoge_store::{Backend, scratch::test_backends};
use serde_json::json;

/// A browser signed in as `member`, or a visitor's.
async fn browser(app: &TestApp, member: Option<uuid::Uuid>) -> Browser {
    match member {
        Some(member) => Browser::signed_in(app, member).await,
        None => Browser::new(app),
    }
}

/// The form's fields for an event in the future, in Tijuana's zone.
fn fields<'a>(ends_at: &'a str, capacity: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "taller"),
        ("title", "Taller de acogida en Tijuana"),
        ("description", "Para equipos municipales"),
        ("starts_at", "2031-07-01T10:00"),
        ("ends_at", ends_at),
        ("time_zone", "America/Tijuana"),
        ("capacity", capacity),
        (
            "agenda",
            "10:00 Bienvenida — Ana Pérez\r\n11:00 Mesa de trabajo",
        ),
        ("stream_url", "https://example.org/vivo"),
        ("recording_url", ""),
        ("guiding_questions", "¿Quién recibe?\r\n¿Con quién aliarse?"),
    ]
}

#[tokio::test]
async fn a_moderator_creates_an_event_and_a_reversed_one_keeps_what_was_typed() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let moderator = account(db, Role::Moderator).await;
        let mut browser = browser(&app, Some(moderator.id)).await;
        assert_eq!(browser.get("/eventos/nuevo").await.status, 200);
        let refused = browser
            .post("/eventos/nuevo", &fields("2031-07-01T09:00", "2"))
            .await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("id=\"ends_at-error\""),
            "the error is on ends_at"
        );
        assert!(
            refused
                .body
                .contains("El evento debe terminar después de empezar.")
        );
        assert!(
            refused
                .body
                .contains("value=\"Taller de acogida en Tijuana\"")
        );
        assert!(
            refused.body.contains("value=\"2031-07-01T09:00\""),
            "what was typed"
        );
        assert!(refused.body.contains("10:00 Bienvenida — Ana Pérez"));

        let created = browser
            .post("/eventos/nuevo", &fields("2031-07-01T12:00", "2"))
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
        let page = browser.get(&created.location).await;
        assert_eq!(page.status, 200);
        // 10:00 in Tijuana (UTC−7 in July) is 11:00 in Mexico City (UTC−6).
        assert!(page.body.contains("de 11:00 a 13:00"), "viewer's zone");
        assert!(
            page.body.contains("(America/Tijuana): 10:00 a 12:00"),
            "original zone"
        );
        assert!(page.body.contains("10:00 Bienvenida — Ana Pérez"));
        assert!(
            page.body
                .contains("2 lugares: 0 inscritos, 0 en lista de espera.")
        );

        let id = created.location.trim_start_matches("/eventos/").to_owned();
        let edit = browser.get(&format!("/eventos/{id}/editar")).await;
        assert!(
            edit.body.contains("value=\"2031-07-01T10:00\""),
            "local time prefilled"
        );
        let list = browser.get("/eventos").await.body;
        let upcoming = list.find("Taller de acogida en Tijuana").unwrap();
        let past = list.find("<h2>Anteriores</h2>").unwrap();
        let founding = list
            .find("Una comunidad de práctica para la inclusión")
            .unwrap();
        assert!(
            upcoming < past && past < founding,
            "upcoming first, then past"
        );
        let audit = browser.get("/auditoria").await;
        assert!(audit.body.contains("event.create"));
    }
}

#[tokio::test]
async fn beyond_capacity_the_page_says_so_and_cancelling_promotes() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let (_, moderator) = token(db, Role::Moderator, None).await;
        let api = Api::new(&app);
        let (status, event) = api
            .call(
                "POST",
                "/api/v1/events",
                Some(&moderator),
                Some(json!({
                    "kind": "webinario",
                    "title": "Webinario con cupo",
                    "starts_at": "2031-08-01T16:00:00Z",
                    "ends_at": "2031-08-01T18:00:00Z",
                    "time_zone": "America/Mexico_City",
                    "capacity": 1
                })),
            )
            .await;
        assert_eq!(status, 201, "{event}");
        let path = format!("/eventos/{}", event["id"].as_str().unwrap());

        let ana = account(db, Role::Member).await;
        let mut first = browser(&app, Some(ana.id)).await;
        first.get(&path).await;
        let registered = first.post(&format!("{path}/inscripcion"), &[]).await;
        assert_eq!(registered.status, 303);
        let page = first.get(&path).await;
        assert!(page.body.contains("Usted tiene un lugar en este evento."));

        let luis = account(db, Role::Member).await;
        let mut second = browser(&app, Some(luis.id)).await;
        second.get(&path).await;
        second.post(&format!("{path}/inscripcion"), &[]).await;
        let page = second.get(&path).await;
        assert!(
            page.body
                .contains("No quedan lugares: usted está en la lista de espera, en el lugar 1.")
        );
        assert!(
            page.body
                .contains("1 lugares: 1 inscritos, 1 en lista de espera.")
        );

        first.get(&path).await;
        first
            .post(&format!("{path}/inscripcion/cancelar"), &[])
            .await;
        let page = second.get(&path).await;
        assert!(
            page.body.contains("Usted tiene un lugar en este evento."),
            "promoted"
        );

        let visitor = browser(&app, None).await.get(&path).await;
        assert!(visitor.body.contains("Entre a su cuenta para inscribirse"));

        let moderator = account(db, Role::Moderator).await;
        let mut desk = browser(&app, Some(moderator.id)).await;
        let sheet = desk.get(&format!("{path}/asistencia")).await;
        assert_eq!(sheet.status, 200);
        assert!(sheet.body.contains(&format!("value=\"{}\"", luis.id)));
        let luis_id = luis.id.to_string();
        let saved = desk
            .post(
                &format!("{path}/asistencia"),
                &[("attended", luis_id.as_str())],
            )
            .await;
        assert_eq!(saved.status, 303);
        let sheet = desk.get(&format!("{path}/asistencia")).await;
        assert!(
            sheet
                .body
                .contains(&format!("value=\"{}\" checked", luis.id))
        );
        let refused = second.get(&format!("{path}/asistencia")).await;
        assert_eq!(refused.status, 403, "members do not see the sheet");
    }
}

#[tokio::test]
async fn the_api_creates_and_patches_events_with_field_errors() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let (_, moderator) = token(db, Role::Moderator, None).await;
        let (_, member) = token(db, Role::Member, None).await;
        let api = Api::new(&app);
        let body = json!({
            "kind": "reunion",
            "title": "Reunión de red",
            "starts_at": "2031-09-01T18:00:00Z",
            "ends_at": "2031-09-01T17:00:00Z",
            "time_zone": "America/Cancun",
            "guiding_questions": ["¿Qué cambió?"],
            "agenda": [{"time": "13:00", "title": "Apertura", "speakers": ["Ana"]}]
        });
        let (status, error) = api
            .call(
                "POST",
                "/api/v1/events",
                Some(&moderator),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(error["error"]["field"], "ends_at");
        let (status, _) = api
            .call("POST", "/api/v1/events", Some(&member), Some(body.clone()))
            .await;
        assert_eq!(status, 403);

        let mut body = body;
        body["ends_at"] = json!("2031-09-01T20:00:00Z");
        let (status, event) = api
            .call("POST", "/api/v1/events", Some(&moderator), Some(body))
            .await;
        assert_eq!(status, 201, "{event}");
        assert_eq!(event["starts_at"], "2031-09-01T18:00:00Z");
        assert_eq!(event["time_zone"], "America/Cancun");
        assert_eq!(event["guiding_questions"][0]["es"], "¿Qué cambió?");
        assert_eq!(event["agenda"][0]["speakers"][0], "Ana");
        assert_eq!(event["capacity"], serde_json::Value::Null);

        let path = format!("/api/v1/events/{}", event["id"].as_str().unwrap());
        let (status, patched) = api
            .call(
                "PATCH",
                &path,
                Some(&moderator),
                Some(json!({"capacity": 30})),
            )
            .await;
        assert_eq!(status, 200, "{patched}");
        assert_eq!(patched["capacity"], 30);
        assert_eq!(patched["title"]["es"], "Reunión de red", "the rest is kept");
        let (status, patched) = api
            .call(
                "PATCH",
                &path,
                Some(&moderator),
                Some(json!({"capacity": null})),
            )
            .await;
        assert_eq!(
            (status, &patched["capacity"]),
            (200, &serde_json::Value::Null)
        );
        let (status, _) = api
            .call(
                "PATCH",
                "/api/v1/events/00000000-0000-0000-0000-000000000000",
                Some(&moderator),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 404);
    }
}

#[tokio::test]
async fn moderators_event_pages_fit_in_14_kb_compressed() {
    let app = spawn_app(Backend::Sqlite).await;
    let db = &app.db;
    let moderator = account(db, Role::Moderator).await;
    let secret = acoge_web::auth::secrets::new_secret().unwrap();
    let expires = acoge_domain::Timestamp::from_micros(
        acoge_domain::Timestamp::now().as_micros() + 3_600_000_000,
    );
    db.create_session(
        &acoge_web::auth::secrets::hash_secret(&secret),
        moderator.id,
        expires,
    )
    .await
    .unwrap();
    let base = app.base.clone();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let fetch = |path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        let cookie = format!("acoge_session={secret}");
        async move {
            let response = client
                .get(&url)
                .header("cookie", cookie)
                .header("accept-encoding", "gzip")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200, "{url}");
            response.bytes().await.unwrap().len()
        }
    };
    let home = reqwest::get(format!("{base}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = home.find("/static/acoge.").unwrap();
    let css_path = home[start..start + home[start..].find('"').unwrap()].to_owned();
    let css = fetch(css_path).await;
    let id = db.event("lav-2020-11-10").await.unwrap().unwrap().id;
    for path in [
        "/eventos/nuevo".to_owned(),
        format!("/eventos/{id}"),
        format!("/eventos/{id}/editar"),
        format!("/eventos/{id}/asistencia"),
    ] {
        for lang in ["es", "en"] {
            let html = fetch(format!("{path}?lang={lang}")).await;
            assert!(html + css <= 14 * 1024, "{path}: {} bytes", html + css);
        }
    }
}

#[tokio::test]
async fn editing_the_founding_webinar_keeps_what_the_form_does_not_show() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let moderator = account(db, Role::Moderator).await;
    let mut desk = browser(&app, Some(moderator.id)).await;
    let before = db.event("lav-2020-11-10").await.unwrap().unwrap();
    let form = desk.get(&format!("/eventos/{}/editar", before.id)).await;
    assert!(
        form.body.contains("<option selected>CET</option>"),
        "its zone is kept"
    );
    assert!(form.body.contains("value=\"2020-11-10T19:00\""));
    let stream = before
        .links
        .iter()
        .find(|l| l.kind == acoge_domain::event::LinkKind::LiveStream)
        .map(|l| l.url.clone())
        .unwrap_or_default();
    let es: Vec<String> = before
        .guiding_questions
        .iter()
        .map(|q| q.es.clone())
        .collect();
    let en: Vec<String> = before
        .guiding_questions
        .iter()
        .map(|q| q.en.clone())
        .collect();
    let (es, en) = (es.join("\r\n"), en.join("\r\n"));
    let organizers: Vec<String> = before.organizers.iter().map(|o| o.id.to_string()).collect();
    let mut fields = vec![
        ("kind", "webinario"),
        ("title", before.title.es.as_str()),
        ("title_en", before.title.en.as_str()),
        ("description", before.description.es.as_str()),
        ("description_en", before.description.en.as_str()),
        ("starts_at", "2020-11-10T19:00"),
        ("ends_at", "2020-11-10T22:00"),
        ("time_zone", "CET"),
        ("capacity", "100"),
        ("stream_url", stream.as_str()),
        ("guiding_questions", es.as_str()),
        ("guiding_questions_en", en.as_str()),
    ];
    fields.extend(organizers.iter().map(|o| ("organizers", o.as_str())));
    let saved = desk
        .post(&format!("/eventos/{}/editar", before.id), &fields)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let after = db.event("lav-2020-11-10").await.unwrap().unwrap();
    assert_eq!(after.schedule, before.schedule);
    assert_eq!(after.guiding_questions, before.guiding_questions);
    assert_eq!(after.organizers, before.organizers);
    assert_eq!(after.capacity, Some(100));
    let kinds = |e: &acoge_domain::event::Event| {
        let mut links: Vec<(String, String, String)> = e
            .links
            .iter()
            .map(|l| (l.kind.slug().to_owned(), l.url.clone(), l.label.clone()))
            .collect();
        links.sort();
        links
    };
    assert_eq!(kinds(&after), kinds(&before), "links and labels kept");
}

#[tokio::test]
async fn times_show_in_the_zone_the_viewer_asks_for_with_the_original_beside() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut visitor = Browser::new(&app);
    let page = visitor
        .get("/eventos/lav-2020-11-10?zona=America/Tijuana")
        .await;
    assert_eq!(page.status, 200);
    // 18:00 UTC on 10 November 2020: 10:00 in Tijuana (PST), 19:00 in CET.
    assert!(
        page.body
            .contains("de 10:00 a 13:00 (hora de America/Tijuana)")
    );
    assert!(page.body.contains("(CET): 19:00 a 22:00"));
    assert!(
        page.body
            .contains("<option selected>America/Tijuana</option>")
    );
    let list = visitor.get("/eventos?zona=America/Tijuana").await;
    assert!(
        list.body.contains("?zona=America%2FTijuana\""),
        "links keep the zone"
    );
    assert_eq!(visitor.get("/eventos?zona=Mars/Olympus").await.status, 400);
}

#[tokio::test]
async fn a_working_group_s_event_is_news_to_its_members_and_in_its_calendar() {
    use acoge_domain::{lang::Bilingual, page::PageRequest};
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let api = Api::new(&app);
        let (admin, admin_token) = token(db, Role::Administrator, None).await;
        let made = api
            .call(
                "POST",
                "/api/v1/working-groups",
                Some(&admin_token),
                Some(
                    json!({"slug": "salud", "name_es": "Salud", "name_en": "Health",
                    "description_es": "Acceso a la salud", "description_en": "Access to health"}),
                ),
            )
            .await;
        assert_eq!(made.0, 201, "{backend:?}: {}", made.1);
        assert_eq!(made.1["calendar"], "/grupos/salud/calendario.ics");
        let (status, cleaned) = api
            .call(
                "POST",
                "/api/v1/working-groups",
                Some(&admin_token),
                Some(
                    json!({"slug": "con-nul", "name_es": "Con\u{0}trol", "name_en": "Control",
                    "description_es": "x", "description_en": "x"}),
                ),
            )
            .await;
        assert_eq!(
            (status, &cleaned["name"]["es"]),
            (201, &json!("Control")),
            "{backend:?}"
        );
        let taken = api
            .call(
                "POST",
                "/api/v1/working-groups",
                Some(&admin_token),
                Some(
                    json!({"slug": "salud", "name_es": "Otra", "name_en": "Other",
                    "description_es": "x", "description_en": "x"}),
                ),
            )
            .await;
        assert_eq!((taken.0, &taken.1["error"]["field"]), (422, &json!("slug")));
        let (_, member_token) = token(db, Role::Member, None).await;
        assert_eq!(
            api.call(
                "POST",
                "/api/v1/working-groups",
                Some(&member_token),
                Some(json!({}))
            )
            .await
            .0,
            403
        );

        // An organization that accepted the framework joins the group.
        let org = db
            .organizations(&Default::default(), PageRequest::first(1))
            .await
            .unwrap()
            .items[0]
            .id;
        let framework = Bilingual {
            es: "Marco".into(),
            en: "Framework".into(),
        };
        db.publish_framework(&framework, admin).await.unwrap();
        db.accept_framework(org, admin).await.unwrap();
        let group = db.working_group("salud").await.unwrap().unwrap().id;
        assert!(
            db.set_group_membership(group, org, true, admin)
                .await
                .unwrap()
        );
        let insider = account_in(db, Role::Member, Some(org)).await;

        let mut moderator = browser(&app, Some(admin)).await;
        moderator.get("/eventos/nuevo").await;
        let mut form = fields("2031-07-01T12:00", "");
        form.push(("working_group", "nada"));
        let unknown = moderator.post("/eventos/nuevo", &form).await;
        assert_eq!(unknown.status, 422);
        assert!(unknown.body.contains("id=\"working_group-error\""));
        assert!(
            unknown
                .body
                .contains("value=\"Taller de acogida en Tijuana\""),
            "kept"
        );
        form.pop();
        form.push(("working_group", "salud"));
        let created = moderator.post("/eventos/nuevo", &form).await;
        assert_eq!(created.status, 303, "{}", created.body);
        let page = moderator.get(&created.location).await.body;
        assert!(
            page.contains("href=\"/grupos/salud\""),
            "the event names its group"
        );

        let mut member = browser(&app, Some(insider.id)).await;
        let told = member.get("/notificaciones").await.body;
        assert!(
            told.contains("Nuevo evento de su grupo de trabajo")
                && told.contains("Taller de acogida en Tijuana"),
            "{backend:?}"
        );
        let mut visitor = browser(&app, None).await;
        let group_page = visitor.get("/grupos/salud").await.body;
        assert!(group_page.contains("Taller de acogida en Tijuana"));
        assert!(group_page.contains("/grupos/salud/calendario.ics"));
        assert!(group_page.contains("¿Quién recibe?"), "its threads");
        let calendar = visitor.get("/grupos/salud/calendario.ics").await;
        assert_eq!(calendar.status, 200);
        assert!(
            calendar.body.contains("NAME:Salud") && calendar.body.contains("TZID:America/Tijuana")
        );
        assert!(
            calendar
                .body
                .contains("DTSTART;TZID=America/Tijuana:20310701T100000")
        );
        let (_, detail) = api
            .call("GET", "/api/v1/working-groups/salud", None, None)
            .await;
        assert_eq!(detail["events"][0]["working_group"], "salud");
        assert_eq!(detail["discussions"].as_array().unwrap().len(), 2);

        // Administrators edit the group's texts; its slug stays.
        let form = moderator.get("/grupos/salud/editar").await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("value=\"Health\""));
        let texts = |name_en: &'static str| {
            [
                ("name_es", "Salud y cuidados"),
                ("name_en", name_en),
                ("description_es", "Acceso a la salud"),
                ("description_en", "Access to health"),
            ]
        };
        let refused = moderator.post("/grupos/salud/editar", &texts(" ")).await;
        assert_eq!(refused.status, 422);
        assert!(
            refused.body.contains("id=\"name_en-error\"")
                && refused.body.contains("Salud y cuidados")
        );
        let saved = moderator
            .post("/grupos/salud/editar", &texts("Health and care"))
            .await;
        assert_eq!(
            (saved.status, saved.location.as_str()),
            (303, "/grupos/salud")
        );
        let (_, renamed) = api
            .call("GET", "/api/v1/working-groups/salud", None, None)
            .await;
        assert_eq!(renamed["name"]["en"], "Health and care");

        // Administrators name the group's moderators.
        let insider_name = db.member(insider.id).await.unwrap().unwrap().display_name;
        let admin_view = moderator.get("/grupos/salud").await.body;
        assert!(
            admin_view.contains(&format!("value=\"{}\"", insider.id)),
            "a candidate"
        );
        let added = moderator
            .post(
                "/grupos/salud/moderacion",
                &[("member", &insider.id.to_string()), ("action", "add")],
            )
            .await;
        assert_eq!(added.status, 303);
        let (_, detail) = api
            .call("GET", "/api/v1/working-groups/salud", None, None)
            .await;
        assert!(
            detail["moderators"]
                .as_array()
                .unwrap()
                .contains(&json!(insider_name))
        );
        let removed = moderator
            .post(
                "/grupos/salud/moderacion",
                &[("member", &insider.id.to_string()), ("action", "remove")],
            )
            .await;
        assert_eq!(removed.status, 303);
        let (_, detail) = api
            .call("GET", "/api/v1/working-groups/salud", None, None)
            .await;
        assert!(
            !detail["moderators"]
                .as_array()
                .unwrap()
                .contains(&json!(insider_name))
        );
        assert_eq!(
            member
                .post(
                    "/grupos/salud/moderacion",
                    &[("member", &insider.id.to_string()), ("action", "add")],
                )
                .await
                .status,
            403,
            "members do not"
        );

        let (_, upcoming) = api
            .call("GET", "/api/v1/events?when=upcoming", None, None)
            .await;
        assert_eq!(upcoming["total"], 1);
        assert_eq!(upcoming["items"][0]["working_group"], "salud");
        let (_, past) = api
            .call("GET", "/api/v1/events?when=past", None, None)
            .await;
        assert_eq!(past["items"][0]["slug"], "lav-2020-11-10");
        let id = created.location.trim_start_matches("/eventos/");
        let (_, threads) = api
            .call(
                "GET",
                &format!("/api/v1/discussions?event={id}"),
                None,
                None,
            )
            .await;
        assert_eq!(threads["total"], 2, "{backend:?}: {threads}");
        let (_, all) = api.call("GET", "/api/v1/discussions", None, None).await;
        assert_eq!(all["total"], 6, "and the founding webinar's four");
        let (_, none) = api
            .call("GET", &format!("/api/v1/syntheses?event={id}"), None, None)
            .await;
        assert_eq!(none["total"], 0);
        for path in [
            "/api/v1/discussions?event=nada",
            "/api/v1/syntheses?event=nada",
        ] {
            assert_eq!(api.call("GET", path, None, None).await.0, 404, "{path}");
        }
        let (status, wrong) = api
            .call("GET", "/api/v1/events?when=later", None, None)
            .await;
        assert_eq!(
            (status, &wrong["error"]["parameter"]),
            (400, &json!("when"))
        );
    }
}
