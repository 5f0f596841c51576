//! The anonymous page cache: what a visitor without a session sees is kept
//! compressed and served again until the data version moves; `X-Cache: hit`
//! says an answer came from it. Also the request deadline (503, never a
//! hang) and a search index built after the server listens.

use super::common::{
    Api, Browser, account_in, spawn_app, spawn_app_with, spawn_app_without_index, spawn_instance,
    token,
};
use acoge_domain::{accounts::Role, page::PageRequest};
use acoge_store::{Backend, Db, OrganizationFilter, scratch::test_backends};
use acoge_web::Options;
use serde_json::{Value, json};
use std::{
    io::Read,
    time::{Duration, Instant},
};

fn x_cache(headers: &reqwest::header::HeaderMap) -> &str {
    headers
        .get("x-cache")
        .map_or("", |v| v.to_str().unwrap_or(""))
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map_or("", |v| v.to_str().unwrap_or(""))
}

async fn organizations(db: &Db) -> Vec<uuid::Uuid> {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(10))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.id)
        .collect()
}

/// Publishes a practice through `app`'s API (one approval publishes; the
/// app must be started so): answers its id.
async fn publish_practice(base: &super::common::TestApp, title: &str) -> String {
    let db = &base.db;
    let orgs = organizations(db).await;
    let (_, author) = token(db, Role::Member, Some(orgs[0])).await;
    let (_, reviewer) = token(db, Role::Reviewer, Some(orgs[1])).await;
    let api = Api::new(base);
    let (status, created) = api
        .call(
            "POST",
            "/api/v1/practices",
            Some(&author),
            Some(json!({
                "title": title,
                "summary": "Un comedor abierto a personas en tránsito.",
                "municipalities": ["07089"],
                "lead_organization": orgs[0],
                "rights": ["salud"],
                "sectors": ["alimentacion"],
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = api
        .call(
            "POST",
            &format!("/api/v1/practices/{id}/submit"),
            Some(&author),
            None,
        )
        .await;
    assert!(status < 300);
    let (_, after) = api
        .call(
            "POST",
            &format!("/api/v1/practices/{id}/reviews"),
            Some(&reviewer),
            Some(json!({"decision": "aprobar"})),
        )
        .await;
    assert_eq!(after["status"], "publicada", "{after}");
    id
}

fn one_approval() -> Options {
    Options {
        required_approvals: 1,
        ..Options::default()
    }
}

#[tokio::test]
async fn a_second_anonymous_view_comes_from_the_cache_compressed_and_revalidates_with_its_etag() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let first = app.get("/organizaciones", &[]).await;
        assert_eq!(first.status, 200);
        assert_eq!(x_cache(&first.headers), "miss", "{backend:?}");
        assert!(
            first.headers.get("set-cookie").is_none(),
            "no cookie on a page without a form"
        );
        assert_eq!(
            header(&first.headers, "cache-control"),
            "public, max-age=0, must-revalidate"
        );
        let vary: Vec<&str> = first
            .headers
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        let vary = vary.join(", ").to_ascii_lowercase();
        for name in ["accept-encoding", "accept-language", "cookie"] {
            assert!(vary.contains(name), "Vary names {name}: {vary}");
        }
        let etag = header(&first.headers, "etag").to_owned();
        assert!(etag.starts_with("W/\""), "{etag}");

        let second = app.get("/organizaciones", &[]).await;
        assert_eq!(x_cache(&second.headers), "hit");
        assert_eq!(second.body, first.body);
        assert_eq!(header(&second.headers, "etag"), etag);
        assert!(
            header(&second.headers, "content-security-policy").contains("default-src"),
            "security headers are added to kept pages too"
        );

        let revalidated = app
            .get("/organizaciones", &[("if-none-match", &etag)])
            .await;
        assert_eq!(revalidated.status, 304);
        assert!(revalidated.body.is_empty());
        assert_eq!(header(&revalidated.headers, "etag"), etag);
        let other = app
            .get("/organizaciones", &[("if-none-match", "W/\"otro\"")])
            .await;
        assert_eq!(other.status, 200);

        // The kept bytes, in each encoding, are the page.
        let client = reqwest::Client::new();
        for encoding in ["br", "gzip"] {
            let response = client
                .get(app.url("/organizaciones"))
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            assert_eq!(header(response.headers(), "content-encoding"), encoding);
            assert_eq!(x_cache(response.headers()), "hit");
            let bytes = response.bytes().await.unwrap();
            let mut text = String::new();
            if encoding == "br" {
                brotli::Decompressor::new(&bytes[..], 4096)
                    .read_to_string(&mut text)
                    .unwrap();
            } else {
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_string(&mut text)
                    .unwrap();
            }
            assert_eq!(text, first.body, "{encoding}");
        }
        let head = client
            .head(app.url("/organizaciones"))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
        assert_eq!(x_cache(head.headers()), "hit");

        // The language is part of the key.
        let english = app
            .get("/organizaciones", &[("accept-language", "en")])
            .await;
        assert_eq!(x_cache(&english.headers), "miss");
        assert!(english.body.contains("lang=\"en\""));
        let english = app
            .get("/organizaciones", &[("accept-language", "en")])
            .await;
        assert_eq!(x_cache(&english.headers), "hit");
        assert!(english.body.contains("lang=\"en\""));
        // So is the query.
        let filtered = app.get("/organizaciones?state=07", &[]).await;
        assert_eq!(x_cache(&filtered.headers), "miss");
        // And the API's public lists are kept too.
        app.get("/api/v1/organizations", &[]).await;
        let listed = app.get("/api/v1/organizations", &[]).await;
        assert_eq!(x_cache(&listed.headers), "hit");
        assert!(listed.body.starts_with('{'));
    }
}

#[tokio::test]
async fn a_member_is_answered_only_from_pages_rendered_for_every_member_or_for_their_role() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let orgs = organizations(&app.db).await;
        let member = account_in(&app.db, Role::Member, Some(orgs[0])).await;
        let other = account_in(&app.db, Role::Member, Some(orgs[1])).await;
        let admin = account_in(&app.db, Role::Administrator, None).await;
        app.get("/", &[]).await;
        let visitor = app.get("/", &[]).await;
        assert_eq!(x_cache(&visitor.headers), "hit");

        // A page whose render reads no identity: kept once for all members,
        // with the members' header, apart from the visitors' page.
        let first = Browser::signed_in(&app, member.id).await.cookie_header();
        let second = Browser::signed_in(&app, other.id).await.cookie_header();
        let mine = app.get("/", &[("cookie", &first)]).await;
        assert_eq!(x_cache(&mine.headers), "miss", "{backend:?}");
        assert!(mine.body.contains("href=\"/cuenta\""));
        let theirs = app.get("/", &[("cookie", &second)]).await;
        assert_eq!(x_cache(&theirs.headers), "hit", "{backend:?}");
        assert_eq!(theirs.body, mine.body);
        assert_eq!(
            header(&theirs.headers, "cache-control"),
            "private, no-cache"
        );
        let after = app.get("/", &[]).await;
        assert_eq!(x_cache(&after.headers), "hit");
        assert!(!after.body.contains("href=\"/cuenta\""), "{backend:?}");

        // An unknown session is a visitor with a cookie: never from the cache.
        let stranger = app
            .get("/", &[("cookie", "acoge_session=una-sesion-cualquiera")])
            .await;
        assert_eq!(x_cache(&stranger.headers), "");
        assert_eq!(
            header(&stranger.headers, "cache-control"),
            "private, no-cache"
        );

        // A page that checked only the reader's role is kept for that role:
        // the administrator's link to a new instrument never reaches a member.
        let admin = Browser::signed_in(&app, admin.id).await.cookie_header();
        let mine = app.get("/marco-legal", &[("cookie", &first)]).await;
        assert_eq!(x_cache(&mine.headers), "miss", "{backend:?}");
        let theirs = app.get("/marco-legal", &[("cookie", &second)]).await;
        assert_eq!(x_cache(&theirs.headers), "hit", "{backend:?}");
        assert_eq!(theirs.body, mine.body);
        let new_instrument = "/marco-legal/instrumentos/nuevo";
        assert!(!mine.body.contains(new_instrument));
        let moderating = app.get("/marco-legal", &[("cookie", &admin)]).await;
        assert_eq!(x_cache(&moderating.headers), "miss", "{backend:?}");
        assert!(moderating.body.contains(new_instrument));
        let again = app.get("/marco-legal", &[("cookie", &second)]).await;
        assert!(!again.body.contains(new_instrument), "{backend:?}");

        // A page that reads who is asking is never kept for anyone: the
        // administrator's audit log does not reach a member.
        for _ in 0..2 {
            let log = app.get("/auditoria", &[("cookie", &admin)]).await;
            assert_eq!(log.status, 200);
            assert_eq!(x_cache(&log.headers), "");
        }
        let refused = app.get("/auditoria", &[("cookie", &first)]).await;
        assert_eq!(refused.status, 403, "{backend:?}");

        // The API has no header: a token holder is answered from the
        // visitors' entry once the token is accepted, and a caller's miss
        // keeps one for visitors.
        let (_, bearer) = token(&app.db, Role::Member, Some(orgs[0])).await;
        let bearer = format!("Bearer {bearer}");
        let signed_in = [("authorization", bearer.as_str())];
        app.get("/api/v1/organizations", &[]).await;
        let visitor = app.get("/api/v1/organizations", &[]).await;
        assert_eq!(x_cache(&visitor.headers), "hit");
        let caller = app.get("/api/v1/organizations", &signed_in).await;
        assert_eq!(caller.status, 200);
        assert_eq!(x_cache(&caller.headers), "hit", "{backend:?}");
        assert_eq!(
            header(&caller.headers, "cache-control"),
            "private, no-cache"
        );
        assert_eq!(caller.body, visitor.body);
        let refused = app
            .get(
                "/api/v1/organizations",
                &[("authorization", "Bearer not-a-token")],
            )
            .await;
        assert_eq!(
            refused.status, 401,
            "a kept answer never skips the token check"
        );
        let first = app.get("/api/v1/states", &signed_in).await;
        assert_eq!(x_cache(&first.headers), "miss");
        let visitor = app.get("/api/v1/states", &[]).await;
        assert_eq!(x_cache(&visitor.headers), "hit");
        assert_eq!(visitor.body, first.body);

        // A list that depends on who asks (a member also sees their own
        // drafts) is never shared, though visitors' copy is kept.
        app.get("/api/v1/practices", &[]).await;
        for _ in 0..2 {
            let own = app.get("/api/v1/practices", &signed_in).await;
            assert_eq!(own.status, 200);
            assert_eq!(x_cache(&own.headers), "");
        }
        let me = app.get("/api/v1/me", &signed_in).await;
        assert_eq!(me.status, 200);
        assert_eq!(x_cache(&me.headers), "");
    }
}

#[tokio::test]
async fn only_pages_with_a_form_set_the_csrf_cookie_and_they_are_not_kept() {
    let app = spawn_app(Backend::Sqlite).await;
    for path in ["/", "/organizaciones", "/acerca", "/buscar?q=albergue"] {
        let page = app.get(path, &[]).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.headers.get("set-cookie").is_none(), "{path}");
    }
    for path in ["/entrar"] {
        let page = app.get(path, &[]).await;
        let cookie = header(&page.headers, "set-cookie");
        assert!(cookie.starts_with("acoge_csrf="), "{path}: {cookie}");
        assert!(page.body.contains("name=\"csrf\""));
        let nonce = cookie.split(';').next().unwrap();
        let again = app.get(path, &[("cookie", nonce)]).await;
        assert_ne!(
            x_cache(&again.headers),
            "hit",
            "{path}: a form is tied to its cookie"
        );
        assert!(again.headers.get("set-cookie").is_none());
    }
    // The sign-in form still works for a visitor who came in from a kept page.
    let mut browser = Browser::new(&app);
    browser.get("/").await;
    browser.get("/entrar").await;
    let refused = browser
        .post(
            "/entrar",
            &[("email", "nadie@example.org"), ("password", "equivocada")],
        )
        .await;
    assert_ne!(refused.status, 403, "the CSRF token was accepted");
}

#[tokio::test]
async fn a_write_shows_on_the_next_anonymous_view() {
    for backend in test_backends() {
        let app = spawn_app_with(backend, one_approval()).await;
        for path in ["/practicas", "/api/v1/practices"] {
            app.get(path, &[]).await;
            assert_eq!(x_cache(&app.get(path, &[]).await.headers), "hit");
        }
        let title = "Comedor comunitario de la colonia Las Flores";
        let id = publish_practice(&app, title).await;
        let list = app.get("/practicas", &[]).await;
        assert_ne!(x_cache(&list.headers), "hit", "{backend:?}");
        assert!(
            list.body.contains(title),
            "{backend:?}: published, so listed"
        );
        let api = app.get("/api/v1/practices", &[]).await;
        assert!(api.body.contains(&id), "{backend:?}");
        assert_eq!(x_cache(&app.get("/practicas", &[]).await.headers), "hit");
    }
}

#[tokio::test]
async fn a_write_through_one_instance_shows_on_the_other_instances_kept_pages() {
    for backend in test_backends() {
        let first = spawn_app_with(backend, one_approval()).await;
        let (second, state) = spawn_instance(&first, one_approval()).await;
        second.get("/practicas", &[]).await;
        assert_eq!(x_cache(&second.get("/practicas", &[]).await.headers), "hit");

        let title = "Huertos comunitarios en Tapachula";
        publish_practice(&first, title).await;
        let head = first.db.outbox_head().await.unwrap();
        // The second instance's follower learns of the write from the
        // outbox (LISTEN on PostgreSQL; here, in one process, the local
        // signal may wake it first): its data version reaches the head
        // before any request asks it to read again.
        let started = Instant::now();
        while state.data_version.known() < head {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{backend:?}: the second instance never heard of the write"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let started = Instant::now();
        loop {
            let page = second.get("/practicas", &[]).await;
            if page.body.contains(title) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{backend:?}: never shown on the second instance"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn a_flood_of_distinct_query_strings_does_not_evict_a_page_read_often() {
    let options = Options {
        page_cache_bytes: 256 * 1024,
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(8)
        .build()
        .unwrap();
    let get = |path: String| {
        let request = client
            .get(app.url(&path))
            .header("accept-encoding", "br")
            .send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let hit = x_cache(response.headers()) == "hit";
            response.bytes().await.unwrap();
            hit
        }
    };
    // Fill the cache part way (its admission counts from then on), then
    // read the popular page often.
    for n in 0..100 {
        get(format!("/acerca?visita={n}")).await;
    }
    for _ in 0..30 {
        get("/".to_owned()).await;
    }
    assert!(get("/".to_owned()).await);
    for n in 0..2000 {
        get(format!("/acerca?uno={n}")).await;
    }
    assert!(
        get("/".to_owned()).await,
        "the page read often is still kept after 2,000 one-time addresses"
    );
}

#[tokio::test]
async fn a_request_over_the_deadline_is_answered_503_with_retry_after() {
    for backend in test_backends() {
        let options = Options {
            request_timeout: Some(Duration::ZERO),
            ..Options::default()
        };
        let app = spawn_app_with(backend, options).await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let page = client
            .get(app.url("/organizaciones"))
            .send()
            .await
            .expect("answered, not held");
        assert_eq!(page.status(), 503, "{backend:?}");
        assert_eq!(header(page.headers(), "retry-after"), "5");
        let body = page.text().await.unwrap();
        assert!(
            body.contains("<html lang=\"es\""),
            "a page in the reader's language"
        );
        let api = client
            .get(app.url("/api/v1/organizations"))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 503);
        assert_eq!(header(api.headers(), "retry-after"), "5");
        let error: Value = api.json().await.unwrap();
        assert_eq!(error["error"]["code"], "unavailable");
    }
}

#[tokio::test]
async fn search_answers_while_the_index_is_built_after_the_server_listens() {
    for backend in test_backends() {
        let (app, state) = spawn_app_without_index(backend, Options::default()).await;
        let health = app.get("/healthz", &[]).await;
        assert_eq!(health.status, 200, "up while the index builds");
        let building_before = state.search_status.building();
        let page = app.get("/buscar?q=tapachula", &[]).await;
        let api = app.get("/api/v1/search?q=tapachula", &[]).await;
        let building_after = state.search_status.building();
        assert_eq!(page.status, 200);
        assert_eq!(api.status, 200);
        let json = api.json();
        if building_before && building_after {
            assert!(page.body.contains("se está construyendo"), "{backend:?}");
            assert_eq!(json["index_complete"], false);
            assert!(
                json["notices"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("index_building"))
            );
        }
        tokio::time::timeout(Duration::from_secs(60), state.search_status.ready())
            .await
            .expect("the index is built");
        let found = app.get("/api/v1/search?q=tapachula", &[]).await.json();
        assert_eq!(found["index_complete"], true);
        assert!(found["total"].as_u64().unwrap() > 0, "{found}");
        let page = app.get("/buscar?q=tapachula", &[]).await;
        assert!(!page.body.contains("se está construyendo"));
        assert_eq!(app.get("/healthz", &[]).await.body, "ok\n");
    }
}

#[tokio::test]
async fn visitors_asking_for_a_page_being_rendered_wait_for_that_one_render() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let client = reqwest::Client::new();
        let mut visitors = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (client, url) = (client.clone(), app.url("/practicas"));
            visitors.spawn(async move {
                let response = client.get(url).send().await.unwrap();
                assert_eq!(response.status(), 200);
                x_cache(response.headers()).to_owned()
            });
        }
        let answers = visitors.join_all().await;
        let renders = answers.iter().filter(|a| *a == "miss").count();
        assert_eq!(renders, 1, "{backend:?}: {answers:?}");
    }
}

#[tokio::test]
async fn members_asking_for_a_page_being_rendered_wait_for_one_render_unless_it_reads_them() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let orgs = organizations(&app.db).await;
        let mut sessions = Vec::new();
        for org in &orgs[..2] {
            let member = account_in(&app.db, Role::Member, Some(*org)).await;
            sessions.push(Browser::signed_in(&app, member.id).await.cookie_header());
        }
        let client = reqwest::Client::new();
        let burst = |path: &'static str| {
            let mut members = tokio::task::JoinSet::new();
            for n in 0..16 {
                let request = client
                    .get(app.url(path))
                    .header("cookie", &sessions[n % sessions.len()]);
                members.spawn(async move {
                    let response = request.send().await.unwrap();
                    assert_eq!(response.status(), 200, "{path}");
                    x_cache(response.headers()).to_owned()
                });
            }
            members.join_all()
        };
        // The same page for every member: one renders, the others wait.
        let answers = burst("/organizaciones").await;
        let renders = answers.iter().filter(|a| *a == "miss").count();
        assert_eq!(renders, 1, "{backend:?}: {answers:?}");
        // A page that reads its member (their drafts) is never kept: each
        // is rendered, and all are answered.
        let answers = burst("/practicas").await;
        assert!(
            answers.iter().all(|a| a.is_empty()),
            "{backend:?}: {answers:?}"
        );
    }
}

#[tokio::test]
async fn members_share_a_page_with_a_form_each_with_their_own_token_and_their_organizations_view() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let orgs = organizations(&app.db).await;
        let admin = account_in(&app.db, Role::Administrator, None).await;
        let mut admin = Browser::signed_in(&app, admin.id).await;
        let made = admin.new_group("salud-cache").await;
        assert_eq!(made.status, 303, "{backend:?}");
        let path = "/grupos/salud-cache";
        let mut colleagues = Vec::new();
        for _ in 0..2 {
            let member = account_in(&app.db, Role::Member, Some(orgs[0])).await;
            let mut browser = Browser::signed_in(&app, member.id).await;
            // The first view sets the CSRF cookie: rendered for this member.
            let first = browser.get(path).await;
            assert_eq!(first.status, 200);
            assert!(
                first
                    .set_cookies
                    .iter()
                    .any(|c| c.starts_with("acoge_csrf="))
            );
            colleagues.push(browser);
        }
        let cookies: Vec<String> = colleagues.iter().map(Browser::cookie_header).collect();
        let mine = app.get(path, &[("cookie", &cookies[0])]).await;
        assert_eq!(x_cache(&mine.headers), "miss", "{backend:?}");
        let theirs = app.get(path, &[("cookie", &cookies[1])]).await;
        assert_eq!(x_cache(&theirs.headers), "hit", "{backend:?}");
        // Each page carries its reader's own token, and nothing else differs.
        let token_in = |body: &str| {
            let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
            body[start..start + body[start..].find('"').unwrap()].to_owned()
        };
        let (my_token, their_token) = (token_in(&mine.body), token_in(&theirs.body));
        assert_ne!(my_token, their_token);
        assert_eq!(
            mine.body.replace(&my_token, "T"),
            theirs.body.replace(&their_token, "T")
        );
        assert_ne!(
            header(&mine.headers, "etag"),
            header(&theirs.headers, "etag")
        );
        // Gzip joined around the token is the same page.
        let gzip = app
            .get_bytes(
                path,
                &[("cookie", &cookies[1]), ("accept-encoding", "gzip, br")],
            )
            .await;
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, theirs.body, "{backend:?}");
        // The kept page's form works for the member it was filled for: the
        // CSRF check passes (422: the framework comes first, not 403).
        let second = &mut colleagues[1];
        second.get(path).await;
        assert_eq!(second.csrf_token(), their_token);
        let joined = second.post("/grupos/salud-cache/unirse", &[]).await;
        assert_eq!(joined.status, 422, "{backend:?}");

        // A member of another organization is not handed the first
        // organization's view (its join button), nor is a member of the
        // first organization handed the other's.
        let stranger = account_in(&app.db, Role::Member, Some(orgs[1])).await;
        let mut stranger = Browser::signed_in(&app, stranger.id).await;
        stranger.get(path).await;
        let other = app
            .get(path, &[("cookie", &stranger.cookie_header())])
            .await;
        assert_eq!(x_cache(&other.headers), "miss", "{backend:?}");
        let again = app.get(path, &[("cookie", &cookies[0])]).await;
        assert_eq!(x_cache(&again.headers), "hit", "{backend:?}");
        assert_eq!(again.body, mine.body);

        // The organization's page shows its members the edit link, and
        // only them; no form, so it is kept whole for each organization.
        let org_page = format!("/organizaciones/{}", orgs[0]);
        let edit = format!("/organizaciones/{}/editar", orgs[0]);
        let own = app.get(&org_page, &[("cookie", &cookies[0])]).await;
        assert!(own.body.contains(&edit));
        let own_again = app.get(&org_page, &[("cookie", &cookies[1])]).await;
        assert_eq!(x_cache(&own_again.headers), "hit", "{backend:?}");
        let foreign = app
            .get(&org_page, &[("cookie", &stranger.cookie_header())])
            .await;
        assert!(!foreign.body.contains(&edit), "{backend:?}");
    }
}
