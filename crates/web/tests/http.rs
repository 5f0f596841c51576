//! The web surface through real HTTP on a random port, on SQLite and (when
//! ACOGE_TEST_DATABASE_URL is set) PostgreSQL, with the reference data loaded
//! through the same importer `acoge serve` uses.

use acoge_domain::{
    Lang,
    event::{EventKind, LinkKind},
    legal::{InstrumentLevel, MeasureLevel},
    legal_change::ChangeKind,
    organization::{OrganizationKind, Scope},
    registration::RegistrationStatus,
    taxonomy::{GovernmentLevel, MigrationContext, Right},
};
use acoge_formats::reference::ReferenceFiles;
use acoge_store::{
    Backend,
    scratch::{ScratchDatabase, test_backends},
};
use acoge_web::{AppState, Options, i18n};
use serde_json::Value;
use std::{collections::HashMap, net::SocketAddr, sync::OnceLock};

#[path = "http/accounts.rs"]
mod accounts;
#[path = "http/community.rs"]
mod community;
#[path = "http/directory_api.rs"]
mod directory_api;
#[path = "http/directory_pages.rs"]
mod directory_pages;
#[path = "http/discussions.rs"]
mod discussions;
#[path = "http/events.rs"]
mod events;
#[path = "http/legal.rs"]
mod legal;
#[path = "http/mail.rs"]
mod mail;
#[path = "http/practices.rs"]
mod practices;
#[path = "http/races.rs"]
mod races;
#[path = "http/search.rs"]
mod search;
#[path = "http/security.rs"]
mod security;

/// One server per backend for the whole test binary, on its own runtime thread.
fn server(backend: Backend) -> SocketAddr {
    running(backend).0
}

/// The server's address and its database URL (each test runtime opens its own pool).
fn running(backend: Backend) -> (SocketAddr, String) {
    static SERVERS: OnceLock<HashMap<&'static str, (SocketAddr, String)>> = OnceLock::new();
    let servers = SERVERS.get_or_init(|| {
        test_backends()
            .into_iter()
            .map(|b| {
                let name = if b == Backend::Sqlite {
                    "sqlite"
                } else {
                    "postgres"
                };
                (name, start(b))
            })
            .collect()
    });
    let name = if backend == Backend::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    servers[name].clone()
}

fn start(backend: Backend) -> (SocketAddr, String) {
    start_with(backend, Options::default())
}

/// A server of its own, with these options (log-in delays shortened for tests).
fn start_with(backend: Backend, options: Options) -> (SocketAddr, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let scratch = ScratchDatabase::create(backend).await.unwrap();
            let files = ReferenceFiles::embedded();
            scratch
                .db
                .import_reference(&files.parse().unwrap(), &files.digest(), &|_| {})
                .await
                .unwrap();
            import_services(&scratch.db).await;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send((listener.local_addr().unwrap(), scratch.url.clone()))
                .unwrap();
            let options = Options {
                login_delay: std::time::Duration::from_millis(1),
                ..options
            };
            let state = AppState::new(scratch.db.clone(), options).await.unwrap();
            acoge_web::serve(listener, state, std::future::pending())
                .await
                .unwrap();
        });
    });
    rx.recv().unwrap()
}

/// The shipped services file, read and stored the way `acoge serve` does
/// (`acoge import services`): parsed against the places in the database, then
/// `import_directory`.
async fn import_services(db: &acoge_store::Db) {
    use acoge_formats::services;
    let text = services::embedded_services();
    let (states, municipalities) = db.known_places().await.unwrap();
    let data = services::parse_services(
        services::SERVICES_FILE,
        text,
        &services::Places {
            states,
            municipalities,
        },
    )
    .unwrap();
    db.import_directory(&data, &acoge_formats::reference::digest_of(text), &|_| {})
        .await
        .unwrap();
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn get(backend: Backend, path: &str, headers: &[(&str, &str)]) -> Answer {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(format!("http://{}{path}", server(backend)));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get_bytes(backend: Backend, path: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("http://{}{path}", server(backend)));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

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

async fn provision_page(backend: Backend) -> String {
    let provisions = get(backend, "/api/v1/provisions", &[]).await.json();
    let id = provisions["items"][0]["id"].as_str().unwrap().to_owned();
    format!("/marco-legal/disposiciones/{id}")
}

async fn thread_page(backend: Backend) -> String {
    let threads = get(backend, "/api/v1/discussions", &[]).await.json();
    let id = threads["items"][0]["id"].as_str().unwrap().to_owned();
    format!("/discusiones/{id}")
}

async fn all_pages(backend: Backend) -> Vec<String> {
    let organizations = get(backend, "/api/v1/organizations?per_page=1", &[])
        .await
        .json();
    let id = organizations["items"][0]["id"].as_str().unwrap().to_owned();
    PAGES
        .iter()
        .map(|p| (*p).to_owned())
        .chain([
            format!("/organizaciones/{id}"),
            provision_page(backend).await,
            thread_page(backend).await,
        ])
        .collect()
}

#[tokio::test]
async fn every_page_answers_in_spanish_by_default_and_in_english_on_request() {
    for backend in test_backends() {
        for path in all_pages(backend).await {
            let es = get(backend, &path, &[]).await;
            assert_eq!(es.status, 200, "{backend:?} {path}");
            assert_eq!(html_lang(&es.body), "es", "{path}");
            assert!(es.body.contains("<h1>"), "{path} has a heading");
            let separator = if path.contains('?') { '&' } else { '?' };
            let en = get(backend, &format!("{path}{separator}lang=en"), &[]).await;
            assert_eq!(en.status, 200, "{path}");
            assert_eq!(html_lang(&en.body), "en", "{path}");
            assert_ne!(es.body, en.body, "{path} is translated");
        }
    }
}

#[tokio::test]
async fn the_language_choice_is_remembered_and_accept_language_counts_on_a_first_visit() {
    let backend = Backend::Sqlite;
    let chosen = get(backend, "/?lang=en", &[]).await;
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
    let later = get(backend, "/estados", &[("cookie", "acoge_lang=en")]).await;
    assert_eq!(html_lang(&later.body), "en");
    let first_visit = get(backend, "/", &[("accept-language", "en-US,en;q=0.9")]).await;
    assert_eq!(html_lang(&first_visit.body), "en");
    let cookie_beats_header = get(
        backend,
        "/",
        &[("accept-language", "en"), ("cookie", "acoge_lang=es")],
    )
    .await;
    assert_eq!(html_lang(&cookie_beats_header.body), "es");
}

#[tokio::test]
async fn every_page_fits_in_14_kb_compressed_with_its_style_sheet_and_loads_nothing_foreign() {
    let backend = Backend::Sqlite;
    let css_path = {
        let home = get(backend, "/", &[]).await.body;
        let start = home.find("/static/acoge.").unwrap();
        let end = start + home[start..].find('"').unwrap();
        home[start..end].to_owned()
    };
    let css = get_bytes(backend, &css_path, &[("accept-encoding", "gzip")]).await;
    for path in all_pages(backend).await {
        for lang in ["es", "en"] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = format!("{path}{separator}lang={lang}");
            let html = get_bytes(backend, &url, &[("accept-encoding", "gzip")]).await;
            let total = html.len() + css.len();
            assert!(total <= 14 * 1024, "{url}: {total} bytes compressed");
            let text = get(backend, &url, &[]).await.body;
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
        for path in [
            "/municipios/99999",
            "/municipios/abc",
            "/estados/33",
            "/organizaciones/not-a-uuid",
            "/organizaciones/018f0000-0000-7000-8000-000000000000",
            "/eventos/no-such-event",
            "/no/such/page",
        ] {
            let es = get(backend, path, &[]).await;
            assert_eq!(es.status, 404, "{path}");
            assert!(es.body.contains("Página no encontrada"), "{path}");
            let en = get(backend, &format!("{path}?lang=en"), &[]).await;
            assert_eq!(en.status, 404, "{path}");
            assert!(
                en.body.contains("Page not found") && html_lang(&en.body) == "en",
                "{path}"
            );
        }
        for path in [
            "/api/v1/municipalities/99999",
            "/api/v1/states/00",
            "/api/v1/events/x",
            "/api/v1/nothing",
        ] {
            let answer = get(backend, path, &[]).await;
            assert_eq!(answer.status, 404, "{path}");
            assert_eq!(answer.json()["error"]["code"], "not_found", "{path}");
        }
    }
}

#[tokio::test]
async fn malformed_parameters_answer_400_naming_the_parameter() {
    let backend = Backend::Sqlite;
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
        let answer = get(backend, path, &[]).await;
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(answer.json()["error"]["parameter"], parameter, "{path}");
    }
    let page = get(backend, "/municipios?estado=99&lang=en", &[]).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("estado") && page.body.contains("Invalid request"));
}

#[tokio::test]
async fn tapachula_is_in_the_api_with_its_population_and_seat() {
    for backend in test_backends() {
        let answer = get(backend, "/api/v1/municipalities/07089", &[]).await;
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

        let no_population = get(backend, "/api/v1/municipalities/24059", &[])
            .await
            .json();
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
        let chiapas = get(backend, "/api/v1/municipalities?state=07&per_page=100", &[])
            .await
            .json();
        assert_eq!(chiapas["total"], 124);
        assert_eq!(chiapas["items"].as_array().unwrap().len(), 100);
        assert_eq!(chiapas["max_per_page"], 100);
        let second = get(
            backend,
            "/api/v1/municipalities?state=07&per_page=100&page=2",
            &[],
        )
        .await
        .json();
        assert_eq!(second["items"].as_array().unwrap().len(), 24);
        let border = get(backend, "/api/v1/municipalities?context=frontera_sur", &[])
            .await
            .json();
        assert!(
            border["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["cvegeo"] == "07089")
        );
        let states = get(backend, "/api/v1/states", &[]).await.json();
        assert_eq!(states["total"], 32);
        assert_eq!(states["items"][6]["cve_ent"], "07");
        let state = get(backend, "/api/v1/states/07", &[]).await.json();
        assert_eq!(state["iso_code"], "MX-CHP");
        let founders = get(
            backend,
            "/api/v1/organizations?founding_organizer=true",
            &[],
        )
        .await
        .json();
        assert_eq!(founders["total"], 8);
        let id = founders["items"][0]["id"].as_str().unwrap();
        let one = get(backend, &format!("/api/v1/organizations/{id}"), &[])
            .await
            .json();
        assert_eq!(one["id"], id);
        assert!(one["verified"].is_boolean() && one["sources"].is_array());
    }
}

#[tokio::test]
async fn the_founding_event_carries_its_questions_times_and_streams() {
    for backend in test_backends() {
        let list = get(backend, "/api/v1/events", &[]).await.json();
        assert_eq!(list["total"], 1);
        let id = list["items"][0]["id"].as_str().unwrap();
        let event = get(backend, &format!("/api/v1/events/{id}"), &[])
            .await
            .json();
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

        let page = get(backend, "/eventos/lav-2020-11-10", &[]).await.body;
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
        let page = get(backend, "/eventos/lav-2020-11-10", &[]).await.body;
        let event = get(backend, "/api/v1/events/lav-2020-11-10", &[])
            .await
            .json();
        let id = event["id"].as_str().unwrap();
        let link = format!("/eventos/{id}/calendario.ics");
        assert!(
            page.contains(&format!("href=\"{link}\"")),
            "linked from the page"
        );
        let ics = get(backend, &link, &[]).await;
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
        let missing = get(backend, "/eventos/no-such-event/calendario.ics", &[]).await;
        assert_eq!(missing.status, 404);
    }
}

#[tokio::test]
async fn facts_show_their_sources_and_unverified_ones_say_so() {
    let backend = Backend::Sqlite;
    let organizations = get(backend, "/api/v1/organizations?per_page=100", &[])
        .await
        .json();
    let unverified = organizations["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Red Re-Integración")
        .unwrap();
    assert_eq!(unverified["verified"], false);
    let page = get(
        backend,
        &format!("/organizaciones/{}", unverified["id"].as_str().unwrap()),
        &[],
    )
    .await
    .body;
    assert!(page.contains("por verificar"));
    let english = get(
        backend,
        &format!(
            "/organizaciones/{}?lang=en",
            unverified["id"].as_str().unwrap()
        ),
        &[],
    )
    .await;
    assert!(english.body.contains("unverified"));
    let tapachula = get(backend, "/municipios/07089", &[]).await.body;
    assert!(tapachula.contains("353,706"));
    assert!(tapachula.contains("Fuente: elsalvador.com"));
    let new_municipality = get(backend, "/municipios/24059", &[]).await.body;
    assert!(
        new_municipality.contains("sin dato"),
        "no population is 'sin dato', never 0"
    );
    assert!(new_municipality.contains("sin coordenadas"));
    let legal = get(backend, "/marco-legal", &[]).await.body;
    assert!(
        legal.contains("por verificar"),
        "COMAR figures are unverified"
    );
}

#[tokio::test]
async fn openapi_describes_every_api_route_and_health_answers() {
    let backend = Backend::Sqlite;
    let doc = get(backend, "/api/openapi.json", &[]).await.json();
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
        let answered = get(
            backend,
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
    assert_eq!(get(backend, "/healthz", &[]).await.status, 200);
}

#[tokio::test]
async fn responses_carry_security_headers() {
    let answer = get(Backend::Sqlite, "/", &[]).await;
    let csp = answer.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(answer.headers["x-content-type-options"], "nosniff");
    assert!(answer.headers.contains_key("referrer-policy"));
}

#[test]
fn both_languages_have_every_message_and_every_vocabulary_label() {
    let es = i18n::message_keys(Lang::Es);
    let en = i18n::message_keys(Lang::En);
    assert!(es.len() > 100);
    let missing_en: Vec<_> = es.iter().filter(|k| !en.contains(k)).collect();
    let missing_es: Vec<_> = en.iter().filter(|k| !es.contains(k)).collect();
    assert!(
        missing_en.is_empty() && missing_es.is_empty(),
        "{missing_en:?} {missing_es:?}"
    );
    let labels: Vec<String> = [
        MigrationContext::ALL
            .iter()
            .map(|t| t.message_key())
            .collect::<Vec<_>>(),
        GovernmentLevel::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        Right::ALL.iter().map(|t| t.message_key()).collect(),
        OrganizationKind::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        Scope::ALL.iter().map(|t| t.message_key()).collect(),
        InstrumentLevel::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        MeasureLevel::ALL.iter().map(|t| t.message_key()).collect(),
        EventKind::ALL.iter().map(|t| t.message_key()).collect(),
        LinkKind::ALL.iter().map(|t| t.message_key()).collect(),
        RegistrationStatus::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        ChangeKind::ALL.iter().map(|t| t.message_key()).collect(),
    ]
    .concat();
    for key in labels {
        assert!(
            i18n::has_message(Lang::Es, &key) && i18n::has_message(Lang::En, &key),
            "{key}"
        );
    }
}

#[test]
fn every_message_key_used_in_templates_and_code_exists() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let mut sources = String::new();
    for dir in ["templates", "src", "src/pages", "src/api"] {
        for entry in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                sources.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let keys = i18n::message_keys(Lang::Es);
    let mut missing = Vec::new();
    for pattern in [
        "tr.t(\"",
        "ctx.tr.t(\"",
        "tr.with(\"",
        "tr.with_text(\"",
        "tr.t(&\"",
        "\"error-",
        "\"nav-",
    ] {
        for piece in sources.split(pattern).skip(1) {
            let key: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let key = match pattern.strip_prefix('"') {
                Some(prefix) => format!("{prefix}{key}"),
                None => key,
            };
            if !key.is_empty() && !key.ends_with('-') && !keys.contains(&key) {
                missing.push(key);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message keys used but not defined: {missing:?}"
    );
}

#[tokio::test]
async fn the_harmonization_tracker_shows_every_state_with_sources_and_unknowns() {
    for backend in test_backends() {
        let page = get(backend, "/armonizacion", &[]).await;
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
        let map = get(backend, "/armonizacion/mapa.svg", &[]).await;
        assert_eq!(map.status, 200);
        assert_eq!(map.headers["content-type"], "image/svg+xml; charset=utf-8");
        assert!(
            map.body.starts_with("<svg") && map.body.matches("<path").count() == 32,
            "one shape per state"
        );
        assert!(
            map.body.len() < 120_000,
            "the map stays light: {} bytes",
            map.body.len()
        );
        let api = get(backend, "/api/v1/harmonization", &[]).await.json();
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
        let aguascalientes = states.iter().find(|s| s["cve_ent"] == "01").unwrap();
        assert!(
            aguascalientes["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["value"] == "contradice")
        );
        let state_page = get(backend, "/estados/01", &[]).await.body;
        assert!(state_page.contains("Contradice"));
    }
}
