//! The public site as a whole: every page in both languages, within its
//! weight and loading nothing foreign; answers to unknown keys and malformed
//! parameters; the public API's lists and records; the founding webinar and
//! its calendar file; the harmonization tracker; OpenAPI, health, headers.

use super::common::{TestApp, spawn_app};
use acoge_store::{Backend, scratch::test_backends};

fn html_lang(body: &str) -> &str {
    let start = body
        .find("<html lang=\"")
        .expect("an <html lang> attribute")
        + 12;
    &body[start..start + 2]
}

/// Every page of the site, by address (filled in with real ids at run time).
const PAGES: [&str; 30] = [
    "/",
    "/estados",
    "/estados/07",
    "/municipios",
    "/municipios?estado=07&contexto=frontera_sur",
    "/municipios/07089",
    "/organizaciones",
    "/eventos",
    "/eventos/lav-2020-11-10",
    "/marco-legal",
    "/acerca",
    "/armonizacion",
    "/responsabilidades",
    "/responsabilidades/salud/municipal",
    "/responsabilidades/todos/federal",
    "/municipios/07089/mandato",
    "/marco-legal/instrumentos/cpeum",
    "/marco-legal/instrumentos/ley-migracion",
    "/discusiones",
    "/grupos",
    "/marco-de-colaboracion",
    "/servicios",
    "/alianzas",
    "/red",
    "/mapa",
    "/municipios/07089/servicios",
    "/municipios/02004/aliados-posibles",
    "/eventos/lav-2020-11-10/relatoria",
    "/buscar",
    "/buscar?q=migrantes",
];

async fn provision_page(app: &TestApp) -> String {
    let provisions = app.get("/api/v1/provisions", &[]).await.json();
    let id = provisions["items"][0]["id"].as_str().unwrap().to_owned();
    format!("/marco-legal/disposiciones/{id}")
}

async fn thread_page(app: &TestApp) -> String {
    let threads = app.get("/api/v1/discussions", &[]).await.json();
    let id = threads["items"][0]["id"].as_str().unwrap().to_owned();
    format!("/discusiones/{id}")
}

async fn all_pages(app: &TestApp) -> Vec<String> {
    let organizations = app
        .get("/api/v1/organizations?per_page=1", &[])
        .await
        .json();
    let id = organizations["items"][0]["id"].as_str().unwrap().to_owned();
    PAGES
        .iter()
        .map(|p| (*p).to_owned())
        .chain([
            format!("/organizaciones/{id}"),
            provision_page(app).await,
            thread_page(app).await,
        ])
        .collect()
}

#[tokio::test]
async fn every_page_answers_in_spanish_by_default_and_in_english_on_request() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        for path in all_pages(&app).await {
            let es = app.get(&path, &[]).await;
            assert_eq!(es.status, 200, "{backend:?} {path}");
            assert_eq!(html_lang(&es.body), "es", "{path}");
            assert!(es.body.contains("<h1>"), "{path} has a heading");
            let separator = if path.contains('?') { '&' } else { '?' };
            let en = app.get(&format!("{path}{separator}lang=en"), &[]).await;
            assert_eq!(en.status, 200, "{path}");
            assert_eq!(html_lang(&en.body), "en", "{path}");
            assert_ne!(es.body, en.body, "{path} is translated");
        }
    }
}

#[tokio::test]
async fn the_language_choice_is_remembered_and_accept_language_counts_on_a_first_visit() {
    let app = spawn_app(Backend::Sqlite).await;
    let chosen = app.get("/?lang=en", &[]).await;
    let cookie = chosen
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("acoge_lang="))
        .unwrap();
    assert!(
        cookie.starts_with("acoge_lang=en") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let later = app.get("/estados", &[("cookie", "acoge_lang=en")]).await;
    assert_eq!(html_lang(&later.body), "en");
    let first_visit = app.get("/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert_eq!(html_lang(&first_visit.body), "en");
    let cookie_beats_header = app
        .get(
            "/",
            &[("accept-language", "en"), ("cookie", "acoge_lang=es")],
        )
        .await;
    assert_eq!(html_lang(&cookie_beats_header.body), "es");
}

#[tokio::test]
async fn every_page_fits_in_14_kb_compressed_with_its_style_sheet_and_loads_nothing_foreign() {
    let app = spawn_app(Backend::Sqlite).await;
    let css_path = {
        let home = app.get("/", &[]).await.body;
        let start = home.find("/static/acoge.").unwrap();
        let end = start + home[start..].find('"').unwrap();
        home[start..end].to_owned()
    };
    let css = app
        .get_bytes(&css_path, &[("accept-encoding", "gzip")])
        .await;
    for path in all_pages(&app).await {
        for lang in ["es", "en"] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{separator}lang={lang}");
            let html = app.get_bytes(&url, &[("accept-encoding", "gzip")]).await;
            let total = html.len() + css.len();
            assert!(total <= 14 * 1024, "{url}: {total} bytes compressed");
            let text = app.get(&url, &[]).await.body;
            for attribute in ["src=\"http", "src=\"//", "href=\"//"] {
                assert!(
                    !text.contains(attribute),
                    "{url} loads from another origin ({attribute})"
                );
            }
            for tag in text.split("<link").skip(1) {
                let tag = &tag[..tag.find('>').unwrap()];
                assert!(
                    !tag.contains("http"),
                    "{url}: <link{tag}> points to another origin"
                );
            }
            assert!(!text.contains("<script"), "{url} needs no script");
        }
    }
}

#[tokio::test]
async fn unknown_keys_answer_404_in_the_reader_s_language() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        for path in [
            "/municipios/99999",
            "/municipios/abc",
            "/estados/33",
            "/organizaciones/not-a-uuid",
            "/organizaciones/018f0000-0000-7000-8000-000000000000",
            "/eventos/no-such-event",
            "/no/such/page",
        ] {
            let es = app.get(path, &[]).await;
            assert_eq!(es.status, 404, "{path}");
            assert!(es.body.contains("Página no encontrada"), "{path}");
            let en = app.get(&format!("{path}?lang=en"), &[]).await;
            assert_eq!(en.status, 404, "{path}");
            assert!(
                en.body.contains("Page not found") && html_lang(&en.body) == "en",
                "{path}"
            );
        }
        for path in [
            "/api/v1/municipalities/07999",
            "/api/v1/events/x",
            "/api/v1/nothing",
        ] {
            let answer = app.get(path, &[]).await;
            assert_eq!(answer.status, 404, "{path}");
            assert_eq!(answer.json()["error"]["code"], "not_found", "{path}");
        }
        // A malformed key in the API's path is a 400 naming the parameter.
        for (path, parameter) in [
            ("/api/v1/municipalities/99999", "cvegeo"),
            ("/api/v1/states/00", "cve_ent"),
            ("/api/v1/organizations/not-a-uuid", "id"),
        ] {
            let answer = app.get(path, &[]).await;
            assert_eq!(answer.status, 400, "{path}");
            let error = &answer.json()["error"];
            assert_eq!(
                (&error["code"], &error["parameter"]),
                (
                    &serde_json::json!("invalid_parameter"),
                    &serde_json::json!(parameter)
                ),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn malformed_parameters_answer_400_naming_the_parameter() {
    let app = spawn_app(Backend::Sqlite).await;
    for (path, parameter) in [
        ("/api/v1/municipalities?page=abc", "page"),
        ("/api/v1/municipalities?page=0", "page"),
        ("/api/v1/municipalities?per_page=101", "per_page"),
        ("/api/v1/municipalities?state=99", "state"),
        ("/api/v1/municipalities?context=playa", "context"),
        ("/api/v1/organizations?municipality=7089", "municipality"),
        (
            "/api/v1/organizations?founding_organizer=maybe",
            "founding_organizer",
        ),
        ("/api/v1/events?per_page=-1", "per_page"),
    ] {
        let answer = app.get(path, &[]).await;
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(answer.json()["error"]["parameter"], parameter, "{path}");
    }
    let page = app.get("/municipios?estado=99&lang=en", &[]).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("estado") && page.body.contains("Invalid request"));
}

#[tokio::test]
async fn tapachula_is_in_the_api_with_its_population_and_seat() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let answer = app.get("/api/v1/municipalities/07089", &[]).await;
        assert_eq!(answer.status, 200);
        let m = answer.json();
        assert_eq!(m["name"], "Tapachula");
        assert_eq!(m["cvegeo"], "07089");
        assert_eq!(m["state"], "07");
        assert_eq!(m["population"], 353706);
        assert!((m["seat"]["lat"].as_f64().unwrap() - 14.911).abs() < 0.01);
        assert!((m["seat"]["lon"].as_f64().unwrap() + 92.264).abs() < 0.01);
        let contexts = m["migration_contexts"].as_array().unwrap();
        assert!(
            contexts
                .iter()
                .any(|c| c["context"] == "frontera_sur" && c["sources"][0].is_string())
        );

        let no_population = app.get("/api/v1/municipalities/24059", &[]).await.json();
        assert!(
            no_population["population"].is_null(),
            "missing figures are null, not 0"
        );
        assert!(no_population["seat"].is_null());
    }
}

#[tokio::test]
async fn lists_are_paginated_filtered_and_state_their_cap() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let chiapas = app
            .get("/api/v1/municipalities?state=07&per_page=100", &[])
            .await
            .json();
        assert_eq!(chiapas["total"], 124);
        assert_eq!(chiapas["items"].as_array().unwrap().len(), 100);
        assert_eq!(chiapas["max_per_page"], 100);
        let second = app
            .get("/api/v1/municipalities?state=07&per_page=100&page=2", &[])
            .await
            .json();
        assert_eq!(second["items"].as_array().unwrap().len(), 24);
        let border = app
            .get("/api/v1/municipalities?context=frontera_sur", &[])
            .await
            .json();
        assert!(
            border["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["cvegeo"] == "07089")
        );
        let states = app.get("/api/v1/states", &[]).await.json();
        assert_eq!(states["total"], 32);
        assert_eq!(states["items"][6]["cve_ent"], "07");
        let state = app.get("/api/v1/states/07", &[]).await.json();
        assert_eq!(state["iso_code"], "MX-CHP");
        let founders = app
            .get("/api/v1/organizations?founding_organizer=true", &[])
            .await
            .json();
        assert_eq!(founders["total"], 8);
        let id = founders["items"][0]["id"].as_str().unwrap();
        let one = app
            .get(&format!("/api/v1/organizations/{id}"), &[])
            .await
            .json();
        assert_eq!(one["id"], id);
        assert!(one["verified"].is_boolean() && one["sources"].is_array());
    }
}

#[tokio::test]
async fn the_founding_event_carries_its_questions_times_and_streams() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let list = app.get("/api/v1/events", &[]).await.json();
        assert_eq!(list["total"], 1);
        let id = list["items"][0]["id"].as_str().unwrap();
        let event = app.get(&format!("/api/v1/events/{id}"), &[]).await.json();
        assert_eq!(event["slug"], "lav-2020-11-10");
        assert_eq!(event["starts_at"], "2020-11-10T18:00:00Z");
        assert_eq!(event["ends_at"], "2020-11-10T21:00:00Z");
        assert_eq!(event["time_zone"], "CET");
        assert_eq!(event["organizers"].as_array().unwrap().len(), 8);
        let questions = event["guiding_questions"].as_array().unwrap();
        assert_eq!(questions.len(), 4);
        assert!(
            questions[0]["es"]
                .as_str()
                .unwrap()
                .starts_with("¿Cuáles son las responsabilidades")
        );
        assert!(!questions[3]["en"].as_str().unwrap().is_empty());
        assert_eq!(event["links"].as_array().unwrap().len(), 4);

        let page = app.get("/eventos/lav-2020-11-10", &[]).await.body;
        assert!(
            page.contains("10 de noviembre de 2020, de 12:00 a 15:00"),
            "Mexico City time"
        );
        assert!(
            page.contains("(CET): 19:00 a 22:00"),
            "the original zone beside it"
        );
        assert!(page.contains("https://www.facebook.com/FM4PasoLibre/"));
    }
}

#[tokio::test]
async fn the_founding_event_offers_an_icalendar_file_in_its_zone() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let page = app.get("/eventos/lav-2020-11-10", &[]).await.body;
        let event = app.get("/api/v1/events/lav-2020-11-10", &[]).await.json();
        let id = event["id"].as_str().unwrap();
        let link = format!("/eventos/{id}/calendario.ics");
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "linked from the page"
        );
        let ics = app.get(&link, &[]).await;
        assert_eq!(ics.status, 200);
        assert_eq!(ics.headers["content-type"], "text/calendar; charset=utf-8");
        assert!(ics.body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.body.contains(&format!("UID:{id}@127.0.0.1\r\n")));
        assert!(ics.body.contains("BEGIN:VTIMEZONE\r\nTZID:CET\r\n"));
        assert!(ics.body.contains("DTSTART;TZID=CET:20201110T190000\r\n"));
        assert!(ics.body.contains("DTEND;TZID=CET:20201110T220000\r\n"));
        let unfolded = ics.body.replace("\r\n ", "");
        assert!(unfolded.contains("4. "), "the four guiding questions");
        assert!(ics.body.split("\r\n").all(|line| line.len() <= 75));
        let missing = app.get("/eventos/no-such-event/calendario.ics", &[]).await;
        assert_eq!(missing.status, 404);
    }
}

#[tokio::test]
async fn facts_show_their_sources_and_unverified_ones_say_so() {
    let app = spawn_app(Backend::Sqlite).await;
    let organizations = app
        .get("/api/v1/organizations?per_page=100", &[])
        .await
        .json();
    let unverified = organizations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Red Re-Integración")
        .unwrap();
    assert_eq!(unverified["verified"], false);
    let page = app
        .get(
            &format!("/organizaciones/{}", unverified["id"].as_str().unwrap()),
            &[],
        )
        .await
        .body;
    assert!(page.contains("por verificar"));
    let english = app
        .get(
            &format!(
                "/organizaciones/{}?lang=en",
                unverified["id"].as_str().unwrap()
            ),
            &[],
        )
        .await;
    assert!(english.body.contains("unverified"));
    let tapachula = app.get("/municipios/07089", &[]).await.body;
    assert!(tapachula.contains("353,706"));
    assert!(tapachula.contains("Fuente: elsalvador.com"));
    let new_municipality = app.get("/municipios/24059", &[]).await.body;
    assert!(
        new_municipality.contains("sin dato"),
        "no population is 'sin dato', never 0"
    );
    assert!(new_municipality.contains("sin coordenadas"));
    let legal = app.get("/marco-legal", &[]).await.body;
    assert!(
        legal.contains("por verificar"),
        "COMAR figures are unverified"
    );
}

#[tokio::test]
async fn openapi_describes_every_api_route_and_health_answers() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = app.get("/api/openapi.json", &[]).await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/states",
        "/api/v1/states/{cve_ent}",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{cvegeo}",
        "/api/v1/organizations",
        "/api/v1/organizations/{id}",
        "/api/v1/events",
        "/api/v1/events/{id}",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
        let answered = app
            .get(
                &path
                    .replace("{cve_ent}", "07")
                    .replace("{cvegeo}", "07089")
                    .replace("{id}", "lav-2020-11-10"),
                &[],
            )
            .await;
        if !path.ends_with("organizations/{id}") {
            assert_eq!(answered.status, 200, "{path}");
        }
    }
    assert_eq!(app.get("/healthz", &[]).await.status, 200);
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let app = spawn_app(Backend::Sqlite).await;
    let answer = app.get("/", &[]).await;
    let csp = answer.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert!(answer.headers.contains_key("referrer-policy"));
}

#[tokio::test]
async fn the_harmonization_tracker_shows_every_state_with_sources_and_unknowns() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let page = app.get("/armonizacion", &[]).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("contradice"),
            "Supreme Court invalidations are shown"
        );
        assert!(
            page.body.contains("sin ley estatal"),
            "states with no law are shown as such, not as zero"
        );
        assert!(page.body.contains("/armonizacion/mapa.svg"));
        let map = app.get("/armonizacion/mapa.svg", &[]).await;
        assert_eq!(map.status, 200);
        assert_eq!(map.headers["content-type"], "image/svg+xml; charset=utf-8");
        assert!(
            map.body.starts_with("<svg") && map.body.matches("<path fill=\"#").count() == 32,
            "one shape per state"
        );
        // Every score says how much it stands on; the states scored on
        // fewer than half of the principles are striped on the map, and the
        // table starts with the states known best.
        let scores: Vec<&str> = page
            .body
            .split("<td class=\"n\">")
            .skip(1)
            .filter(|cell| cell.contains(" % · "))
            .collect();
        assert!(!scores.is_empty());
        assert!(
            scores.iter().all(|c| c.contains(" de 10 evaluados")),
            "{scores:?}"
        );
        assert!(map.body.contains("fill=\"url(#hatch)\""));
        assert!(map.body.contains("de 10 evaluados"));
        let evaluated_in = |cell: &str| -> u32 {
            let before = &cell[..cell.find(" de 10").unwrap()];
            before.rsplit(' ').next().unwrap().parse().unwrap()
        };
        let counts: Vec<u32> = scores.iter().map(|c| evaluated_in(c)).collect();
        assert!(
            counts.windows(2).all(|w| w[0] >= w[1]),
            "most known first: {counts:?}"
        );
        let english = app.get("/armonizacion?lang=en", &[]).await.body;
        assert!(english.contains(" of 10 assessed"));
        assert!(
            map.body.len() < 120_000,
            "the map stays light: {} bytes",
            map.body.len()
        );
        let api = app.get("/api/v1/harmonization", &[]).await.json();
        assert_eq!(api["principles"].as_array().unwrap().len(), 10);
        let states = api["states"].as_array().unwrap();
        assert_eq!(states.len(), 32);
        let findings: usize = states
            .iter()
            .map(|s| s["findings"].as_array().unwrap().len())
            .sum();
        assert_eq!(findings, 42);
        let without_law = states.iter().find(|s| s["has_state_law"] == false).unwrap();
        assert!(without_law["score"].is_null(), "unknown is not zero");
        let evaluated: u64 = states
            .iter()
            .map(|s| s["principles_evaluated"].as_u64().unwrap())
            .sum();
        assert!(evaluated > 0 && evaluated <= 42);
        assert!(states.iter().all(|s| s["principles_total"] == 10));
        let aguascalientes = states.iter().find(|s| s["cve_ent"] == "01").unwrap();
        assert!(
            aguascalientes["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["value"] == "contradice")
        );
        let state_page = app.get("/estados/01", &[]).await.body;
        assert!(state_page.contains("Contradice"));
    }
}
