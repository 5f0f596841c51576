//! The security review's findings, each tried over HTTP as an attacker would:
//! actions across ranks, poisoned and open links, CSV formulas, credentials
//! that outlive a password, raced and spoofed log-in limits, transport
//! settings. Servers of their own where a test floods a limit.

use super::common::{
    Browser, PASSWORD, SITE, TestApp, account, in_seconds, smtp_sink, spawn_app, spawn_app_with,
};
use acoge_domain::accounts::{Email, MemberAction, Role};
use acoge_store::{Backend, scratch::test_backends};
use acoge_web::{Options, auth::secrets};

/// Seniority as the issue states it, written out independently of the code.
fn seniority(role: Role) -> usize {
    [
        Role::Member,
        Role::Reviewer,
        Role::Moderator,
        Role::Administrator,
    ]
    .iter()
    .position(|r| *r == role)
    .unwrap()
}

fn may(action: MemberAction, actor: Role, target: Role) -> bool {
    let role_allows = match action {
        MemberAction::ChangeRole => actor == Role::Administrator,
        _ => matches!(actor, Role::Moderator | Role::Administrator),
    };
    role_allows && seniority(actor) > seniority(target)
}

/// Options for a server whose log-ins wait for a password slot as long as a
/// loaded test machine needs (the 503 beyond the wait has a test of its own).
fn patient() -> Options {
    Options {
        password_wait: std::time::Duration::from_secs(120),
        ..Options::default()
    }
}

#[tokio::test]
async fn actions_on_another_member_need_an_actor_who_outranks_them() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let mut checked = 0;
        for &actor_role in Role::ALL {
            let actor = account(db, actor_role).await;
            let mut browser = Browser::signed_in(&app, actor.id).await;
            browser.get("/cuenta").await;
            for &target_role in Role::ALL {
                for action in MemberAction::ALL {
                    let allowed = may(action, actor_role, target_role);
                    let case =
                        format!("{backend:?} {action:?} by {actor_role:?} on {target_role:?}");
                    let target = account(db, target_role).await;
                    let (page, done) = match action {
                        MemberAction::IssueResetLink => {
                            let page = browser
                                .post(&format!("/miembros/{}/restablecer", target.id), &[])
                                .await;
                            let done = page.body.contains("/restablecer/");
                            (page, done)
                        }
                        MemberAction::ChangeRole => {
                            let new = if target_role == Role::Member {
                                Role::Reviewer
                            } else {
                                Role::Member
                            };
                            let page = browser
                                .post(
                                    &format!("/miembros/{}/rol", target.id),
                                    &[("role", new.slug())],
                                )
                                .await;
                            let now = db.member(target.id).await.unwrap().unwrap().role;
                            (page, now == new)
                        }
                        MemberAction::EndSessions => {
                            let secret = secrets::new_secret().unwrap();
                            db.create_session(
                                &secrets::hash_secret(&secret),
                                target.id,
                                in_seconds(60),
                            )
                            .await
                            .unwrap();
                            let page = browser
                                .post(&format!("/miembros/{}/sesiones/cerrar", target.id), &[])
                                .await;
                            (page, db.session_count(target.id).await.unwrap() == 0)
                        }
                        MemberAction::RevokeInvitation => {
                            let address = format!("{}@example.org", uuid::Uuid::now_v7().simple());
                            let invitation = db
                                .create_invitation(
                                    &secrets::hash_secret(&secrets::new_secret().unwrap()),
                                    &Email::parse("email", &address).unwrap(),
                                    target_role,
                                    None,
                                    actor.id,
                                    in_seconds(3600),
                                )
                                .await
                                .unwrap();
                            let page = browser
                                .post(&format!("/invitaciones/{invitation}/revocar"), &[])
                                .await;
                            let record = db.invitation(invitation).await.unwrap().unwrap();
                            (page, record.revoked_at.is_some())
                        }
                    };
                    assert_eq!(done, allowed, "{case}: {} {}", page.status, page.location);
                    if allowed {
                        assert!(
                            matches!(page.status, 200 | 201 | 303),
                            "{case}: {}",
                            page.status
                        );
                    } else {
                        assert_eq!(page.status, 403, "{case}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 4 * 4 * MemberAction::ALL.len());
    }
}

#[tokio::test]
async fn a_moderator_cannot_take_over_an_administrator() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let moderator = account(db, Role::Moderator).await;
        let admin = account(db, Role::Administrator).await;
        let mut browser = Browser::signed_in(&app, moderator.id).await;
        let list = browser.get("/miembros").await;
        assert!(
            !list
                .body
                .contains(&format!("/miembros/{}/restablecer", admin.id)),
            "{backend:?}: no button for an account the moderator does not outrank"
        );
        browser.get("/cuenta").await;
        let attempt = browser
            .post(&format!("/miembros/{}/restablecer", admin.id), &[])
            .await;
        assert_eq!(attempt.status, 403, "{backend:?}");
        assert!(!attempt.body.contains("/restablecer/"), "no link is shown");
        assert!(
            attempt.body.contains("rango superior"),
            "says why: {}",
            attempt.body
        );
        let own = browser
            .post(&format!("/miembros/{}/restablecer", moderator.id), &[])
            .await;
        assert_eq!(own.status, 422, "not on one's own account either");
        // Administrators may still get in: another administrator's link works.
        let other_admin = account(db, Role::Administrator).await;
        let mut admin_browser = Browser::signed_in(&app, other_admin.id).await;
        admin_browser.get("/cuenta").await;
        let refused = admin_browser
            .post(&format!("/miembros/{}/restablecer", admin.id), &[])
            .await;
        assert_eq!(refused.status, 403, "equal rank is refused too");
    }
}

#[tokio::test]
async fn a_relay_without_a_public_address_refuses_to_start() {
    let scratch = acoge_store::scratch::ScratchDatabase::create(Backend::Sqlite)
        .await
        .unwrap();
    let options = Options {
        smtp_url: Some("smtp://127.0.0.1:2525".to_owned()),
        ..Options::default()
    };
    let error = acoge_web::AppState::new(scratch.db.clone(), options)
        .await
        .err()
        .expect("refused");
    scratch.remove().await;
    assert!(error.is_configuration());
    assert!(error.to_string().contains("--public-url"), "{error}");
}

#[tokio::test]
async fn emailed_links_start_with_the_public_address_whatever_the_host_says() {
    for backend in test_backends() {
        forged_host_gets_the_public_address(backend).await;
    }
}

async fn forged_host_gets_the_public_address(backend: Backend) {
    let (smtp_url, messages) = smtp_sink().await;
    let options = Options {
        smtp_url: Some(smtp_url),
        public_url: Some(SITE.to_owned()),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options).await;
    let db = &app.db;
    let victim = account(db, Role::Member).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(app.url("/recuperar")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body = form.text().await.unwrap();
    let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = &body[start..start + body[start..].find('"').unwrap()];
    let asked = client
        .post(app.url("/recuperar"))
        .header("host", "evil.example")
        .header("cookie", &cookie)
        .form(&[("csrf", token), ("email", victim.email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let sent = messages.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let message = sent[0].replace("=\r\n", "");
    assert!(
        message.contains(&format!("{SITE}/restablecer/")),
        "{message}"
    );
    assert!(!message.contains("evil.example"), "{message}");
}

#[tokio::test]
async fn only_paths_on_this_site_follow_a_log_in() {
    for backend in test_backends() {
        paths_after_log_in(backend).await;
    }
}

async fn paths_after_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let db = &app.db;
    let ana = account(db, Role::Member).await;
    for (next, expected) in [
        ("/\t/evil.example", "/cuenta"),
        ("/%09/evil.example", "/cuenta"),
        ("/\\evil.example", "/cuenta"),
        ("/%5cevil.example", "/cuenta"),
        ("//evil.example", "/cuenta"),
        ("https://evil.example/", "/cuenta"),
        ("/\r\n/evil.example", "/cuenta"),
        ("/practicas?pagina=2", "/practicas?pagina=2"),
    ] {
        let mut browser = Browser::new(&app);
        browser.get("/entrar").await;
        let page = browser
            .post(
                "/entrar",
                &[
                    ("email", ana.email.as_str()),
                    ("password", PASSWORD),
                    ("siguiente", next),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{next:?}");
        assert_eq!(page.location, expected, "{next:?}");
    }
}

#[tokio::test]
async fn the_not_found_page_links_only_to_this_site() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let mut browser = Browser::new(&app);
        for path in [
            "//evil.example",
            "///evil.example/x",
            "//evil.example?lang=es",
        ] {
            let page = browser.get(path).await;
            assert_eq!(page.status, 404, "{path}");
            assert!(!page.body.contains("href=\"//"), "{path}: {}", page.body);
            assert!(
                page.body.contains("href=\"/evil.example"),
                "{path}: the switch stays on this site"
            );
        }
    }
}

/// Signs in through the form; answers the browser.
async fn signed_in_by_form(app: &TestApp, email: &str, password: &str) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/entrar").await;
    let page = browser
        .post("/entrar", &[("email", email), ("password", password)])
        .await;
    assert_eq!(page.status, 303, "signed in");
    browser
}

async fn api_status(base: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/me"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_new_password_revokes_api_tokens_and_pending_reset_links() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let base = app.base.clone();
        let ana = account(db, Role::Member).await;
        let token = secrets::new_api_token().unwrap();
        db.create_api_token(ana.id, "script", &secrets::hash_secret(&token))
            .await
            .unwrap();
        let pending = secrets::new_secret().unwrap();
        db.create_password_reset(
            &secrets::hash_secret(&pending),
            ana.id,
            None,
            in_seconds(3600),
        )
        .await
        .unwrap();
        assert_eq!(api_status(&base, &token).await, 200);

        let mut browser = signed_in_by_form(&app, &ana.email, PASSWORD).await;
        browser.get("/cuenta").await;
        let new_password = "otra frase bastante larga";
        let changed = browser
            .post(
                "/cuenta/contrasena",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", new_password),
                    ("password_confirmation", new_password),
                ],
            )
            .await;
        assert_eq!(changed.status, 303, "{backend:?}");
        let shown = browser.get(&changed.location).await;
        assert!(
            shown.body.contains("se revocaron sus tokens de API"),
            "the page says so"
        );
        assert_eq!(
            api_status(&base, &token).await,
            401,
            "{backend:?}: token revoked"
        );
        let mut holder = Browser::new(&app);
        let link = holder.get(&format!("/restablecer/{pending}")).await;
        assert_eq!(link.status, 410, "{backend:?}: the old link is void");
        assert!(link.body.contains("la contraseña de la cuenta cambió"));

        // A reset does the same to what was issued before it.
        let token = secrets::new_api_token().unwrap();
        db.create_api_token(ana.id, "again", &secrets::hash_secret(&token))
            .await
            .unwrap();
        let [first, second] = [0, 1].map(|_| secrets::new_secret().unwrap());
        for secret in [&first, &second] {
            db.create_password_reset(
                &secrets::hash_secret(secret),
                ana.id,
                None,
                in_seconds(3600),
            )
            .await
            .unwrap();
        }
        holder.get(&format!("/restablecer/{first}")).await;
        let reset = holder
            .post(
                &format!("/restablecer/{first}"),
                &[
                    ("password", "una tercera frase larga"),
                    ("password_confirmation", "una tercera frase larga"),
                ],
            )
            .await;
        assert_eq!(reset.status, 303);
        let notice = holder.get(&reset.location).await;
        assert!(notice.body.contains("se revocaron sus tokens de API"));
        assert_eq!(api_status(&base, &token).await, 401);
        assert_eq!(
            holder.get(&format!("/restablecer/{second}")).await.status,
            410
        );
    }
}

/// Posts the log-in form `attempts` times at once, from one browser (one CSRF
/// cookie), optionally claiming a client address; answers the statuses and
/// the Retry-After headers.
async fn parallel_logins(
    base: &str,
    attempts: Vec<(String, String, Option<String>)>,
) -> Vec<(u16, Option<String>)> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = client.get(format!("{base}/entrar")).send().await.unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let body = form.text().await.unwrap();
    let start = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    let token = body[start..start + body[start..].find('"').unwrap()].to_owned();
    let mut set = tokio::task::JoinSet::new();
    for (email, password, forwarded) in attempts {
        let client = client.clone();
        let (url, cookie, token) = (format!("{base}/entrar"), cookie.clone(), token.clone());
        set.spawn(async move {
            let mut request = client.post(url).header("cookie", cookie).form(&[
                ("csrf", token),
                ("email", email),
                ("password", password),
            ]);
            if let Some(address) = forwarded {
                request = request.header("x-forwarded-for", address);
            }
            let response = request.send().await.unwrap();
            let retry = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (response.status().as_u16(), retry)
        });
    }
    set.join_all().await
}

#[tokio::test]
async fn parallel_guesses_cannot_race_the_log_in_limit() {
    for backend in test_backends() {
        let app = spawn_app_with(backend, patient()).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let base = app.base.clone();
        let guesses = (0..30)
            .map(|i| (ana.email.clone(), format!("intento equivocado {i}"), None))
            .collect();
        let statuses = parallel_logins(&base, guesses).await;
        let evaluated = statuses.iter().filter(|(s, _)| *s == 422).count();
        let refused = statuses.iter().filter(|(s, _)| *s == 429).count();
        assert!(evaluated <= 10, "{backend:?}: {statuses:?}");
        assert_eq!(evaluated + refused, 30, "{backend:?}: {statuses:?}");
        // The limit is keyed by a hash of the address, never the text typed.
        let huge = format!("{}@example.org", "a".repeat(60_000));
        parallel_logins(&base, vec![(huge.clone(), "x".repeat(12), None)]).await;
        assert_eq!(
            db.rate_count("login", &format!("account:{huge}"), 900)
                .await
                .unwrap(),
            0
        );
        let key = acoge_web::auth::throttle::account_key(&huge.to_uppercase());
        assert_eq!(key.len(), "account:".len() + 64);
        assert_eq!(db.rate_count("login", &key, 900).await.unwrap(), 1);
    }
}

#[tokio::test]
async fn password_checks_beyond_the_slots_are_answered_503_with_retry_after() {
    let options = Options {
        password_slots: 1,
        password_wait: std::time::Duration::ZERO,
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let attempts = (0..24)
        .map(|i| {
            (
                format!("nadie{i}@example.org"),
                "una frase cualquiera".to_owned(),
                None,
            )
        })
        .collect();
    let statuses = parallel_logins(&app.base, attempts).await;
    assert!(
        statuses.iter().all(|(s, _)| matches!(s, 422 | 503)),
        "{statuses:?}"
    );
    let busy: Vec<_> = statuses.iter().filter(|(s, _)| *s == 503).collect();
    assert!(
        !busy.is_empty(),
        "one slot cannot take 24 at once: {statuses:?}"
    );
    assert!(
        busy.iter().all(|(_, retry)| retry.as_deref() == Some("5")),
        "{busy:?}"
    );
    // An attempt whose password was never checked tested no guess: only the
    // checked ones count against the address.
    let checked = statuses.iter().filter(|(s, _)| *s == 422).count() as u64;
    assert_eq!(
        app.db
            .rate_count("login", "address:127.0.0.1", 900)
            .await
            .unwrap(),
        checked,
        "{statuses:?}"
    );
}

/// Fails `n` log-ins of unknown accounts claiming to come from `forwarded`.
async fn failures_from(base: &str, n: usize, forwarded: &str) -> Vec<u16> {
    let attempts = (0..n)
        .map(|i| {
            (
                format!("{}-{i}@example.org", uuid::Uuid::now_v7().simple()),
                "una frase cualquiera".to_owned(),
                Some(forwarded.to_owned()),
            )
        })
        .collect();
    parallel_logins(base, attempts)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect()
}

#[tokio::test]
async fn only_a_trusted_proxy_may_name_the_client() {
    for backend in test_backends() {
        clients_behind_proxies(backend).await;
    }
}

async fn clients_behind_proxies(backend: Backend) {
    // Behind a trusted proxy, each client has its own bucket.
    let options = Options {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..patient()
    };
    let app = spawn_app_with(backend, options).await;
    let base = app.base.clone();
    let first = failures_from(&base, 50, "203.0.113.5").await;
    assert!(first.iter().all(|s| *s == 422), "{first:?}");
    assert_eq!(failures_from(&base, 1, "203.0.113.5").await, [429]);
    assert_eq!(
        failures_from(&base, 1, "198.51.100.6").await,
        [422],
        "another client behind the same proxy is not blocked"
    );

    // Without one, the header is ignored: rotating it does not escape the limit.
    let app = spawn_app_with(backend, patient()).await;
    let base = app.base.clone();
    for i in 0..50 {
        failures_from(&base, 1, &format!("203.0.113.{i}")).await;
    }
    assert_eq!(failures_from(&base, 1, "192.0.2.77").await, [429]);
}

#[tokio::test]
async fn over_https_cookies_are_host_bound_and_hsts_is_sent() {
    for backend in test_backends() {
        host_bound_cookies(backend).await;
    }
}

async fn host_bound_cookies(backend: Backend) {
    let options = Options {
        public_url: Some("https://acoge.example.org".to_owned()),
        ..Options::default()
    };
    let app = spawn_app_with(backend, options).await;
    let db = &app.db;
    let ana = account(db, Role::Member).await;
    let base = app.base.clone();
    let home = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(
        home.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let mut browser = Browser::new(&app);
    let form = browser.get("/entrar").await;
    let csrf = form
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-acoge_csrf="))
        .expect("a __Host- CSRF cookie");
    assert!(csrf.contains("Secure") && csrf.contains("Path=/") && !csrf.contains("Domain"));
    let signed = browser
        .post("/entrar", &[("email", &ana.email), ("password", PASSWORD)])
        .await;
    assert_eq!(signed.status, 303);
    assert!(
        signed
            .set_cookies
            .iter()
            .any(|c| c.starts_with("__Host-acoge_session=") && c.contains("Secure")),
        "{:?}",
        signed.set_cookies
    );
    assert_eq!(
        browser.get("/cuenta").await.status,
        200,
        "the session works"
    );
    let plain_app = spawn_app(backend).await;
    let plain = reqwest::get(plain_app.url("/")).await.unwrap();
    assert!(
        !plain.headers().contains_key("strict-transport-security"),
        "not over plain http"
    );
}
