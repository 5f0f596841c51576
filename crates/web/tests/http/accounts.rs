//! Accounts, sessions, CSRF, throttling, invitations, tokens and the rule
//! table: who may use which route that changes something.

use super::common::{Browser, PASSWORD, account, in_seconds, spawn_app};
use acoge_domain::accounts::{Email, Role};
use acoge_store::{Backend, NewMember, scratch::test_backends};
use acoge_web::auth::secrets;
use uuid::Uuid;

#[tokio::test]
async fn signing_in_and_out_with_sessions_kept_in_the_database() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let mut browser = Browser::new(&app);
        let form = browser.get("/entrar").await;
        assert_eq!(form.status, 200);
        assert!(
            form.set_cookies
                .iter()
                .any(|c| c.starts_with("acoge_csrf=") && c.contains("SameSite=Strict"))
        );

        let wrong = browser
            .post(
                "/entrar",
                &[("email", &ana.email), ("password", "equivocada, muy larga")],
            )
            .await;
        let unknown = browser
            .post(
                "/entrar",
                &[("email", "nadie@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!((wrong.status, unknown.status), (422, 422));
        assert!(
            wrong
                .body
                .contains("El correo o la contraseña no son correctos.")
        );
        assert!(
            unknown
                .body
                .contains("El correo o la contraseña no son correctos."),
            "same message either way"
        );
        assert!(
            wrong.body.contains(&format!("value=\"{}\"", ana.email)),
            "keeps what was typed"
        );

        let empty = browser
            .post("/entrar", &[("email", ""), ("password", "")])
            .await;
        assert!(
            empty.body.contains("id=\"email-error\"")
                && empty.body.contains("id=\"password-error\"")
        );

        let ok = browser
            .post(
                "/entrar",
                &[
                    ("email", &ana.email),
                    ("password", PASSWORD),
                    ("siguiente", "//evil.example"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303, "{backend:?}");
        assert_eq!(ok.location, "/cuenta", "only local paths follow a log-in");
        let cookie = ok
            .set_cookies
            .iter()
            .find(|c| c.starts_with("acoge_session="))
            .unwrap();
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && !cookie.contains("Secure")
        );

        let mine = browser.get("/cuenta").await;
        assert_eq!(mine.status, 200);
        assert!(mine.body.contains(&ana.email));
        let out = browser.post("/salir", &[]).await;
        assert_eq!(
            (out.status, out.location.as_str()),
            (303, "/entrar?aviso=salida")
        );
        let after = browser.get("/cuenta").await;
        assert_eq!(
            (after.status, after.location.as_str()),
            (303, "/entrar?siguiente=%2Fcuenta")
        );
    }
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let mut phone = Browser::signed_in(&app, ana.id).await;
        let mut laptop = Browser::signed_in(&app, ana.id).await;
        assert_eq!(laptop.get("/cuenta").await.status, 200);
        phone.get("/cuenta").await;
        let out = phone.post("/salir/todas", &[]).await;
        assert_eq!(out.status, 303);
        assert_eq!(
            laptop.get("/cuenta").await.status,
            303,
            "the other device is signed out too"
        );
        let log = db
            .audit_log(Some(ana.id), acoge_domain::page::PageRequest::default())
            .await
            .unwrap();
        assert!(log.items.iter().any(|e| e.action == "session.end_all"));
    }
}

#[tokio::test]
async fn a_form_without_a_valid_csrf_token_is_refused_and_keeps_what_was_typed() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let ana = account(db, Role::Member).await;
    let mut browser = Browser::new(&app);
    browser.get("/entrar").await;
    let missing = browser
        .post_raw("/entrar", &[("email", &ana.email), ("password", PASSWORD)])
        .await;
    assert_eq!(missing.status, 403);
    assert!(
        missing.body.contains(&ana.email),
        "the typed email is shown again"
    );
    assert!(
        !missing.body.contains(PASSWORD),
        "passwords are never echoed"
    );
    let forged = browser
        .post_raw(
            "/entrar",
            &[
                ("csrf", "abc.def"),
                ("email", &ana.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    // The page offers a fresh token that works.
    let again = browser
        .post("/entrar", &[("email", &ana.email), ("password", PASSWORD)])
        .await;
    assert_eq!(again.status, 303);

    // A token minted for one session does not work in another.
    let mut other = Browser::signed_in(&app, ana.id).await;
    other.get("/cuenta").await;
    let stolen_token = browser.csrf_token().to_owned();
    let cross = other
        .post_raw(
            "/cuenta/tokens",
            &[("csrf", &stolen_token), ("token_name", "x")],
        )
        .await;
    assert_eq!(cross.status, 403);
    assert!(cross.body.contains("value=\"x\"") || cross.body.contains(">x<"));
}

#[tokio::test]
async fn repeated_failed_logins_are_slowed_then_refused() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let mut browser = Browser::new(&app);
        browser.get("/entrar").await;
        for _ in 0..10 {
            let page = browser
                .post(
                    "/entrar",
                    &[("email", &ana.email), ("password", "no es la contraseña")],
                )
                .await;
            assert_eq!(page.status, 422);
        }
        let refused = browser
            .post("/entrar", &[("email", &ana.email), ("password", PASSWORD)])
            .await;
        assert_eq!(
            refused.status, 429,
            "{backend:?}: refused even with the right password"
        );
        assert!(refused.body.contains("demasiados intentos fallidos"));
        let english = browser.get("/entrar?lang=en").await;
        assert_eq!(english.status, 200);
        let refused_en = browser
            .post("/entrar", &[("email", &ana.email), ("password", PASSWORD)])
            .await;
        assert!(refused_en.body.contains("too many failed sign-in attempts"));
    }
}

#[tokio::test]
async fn an_invitation_becomes_an_account_once() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let moderator = account(db, Role::Moderator).await;
        let mut mod_browser = Browser::signed_in(&app, moderator.id).await;
        let list = mod_browser.get("/invitaciones").await;
        assert_eq!(list.status, 200);
        assert!(
            !list.body.contains("value=\"administrador\""),
            "moderators cannot grant administrator"
        );
        let address = format!("{}@example.org", Uuid::now_v7().simple());

        let too_high = mod_browser
            .post(
                "/invitaciones",
                &[("email", &address), ("role", "administrador")],
            )
            .await;
        assert_eq!(too_high.status, 422);
        assert!(too_high.body.contains("id=\"role-error\"") && too_high.body.contains(&address));
        let bad_email = mod_browser
            .post(
                "/invitaciones",
                &[("email", "no-es-correo"), ("role", "miembro")],
            )
            .await;
        assert_eq!(bad_email.status, 422);
        assert!(bad_email.body.contains("id=\"email-error\""));

        let created = mod_browser
            .post("/invitaciones", &[("email", &address), ("role", "revisor")])
            .await;
        assert_eq!(created.status, 201);
        let start = created.body.find("/invitacion/").unwrap();
        let link = &created.body[start..start + 12 + 64];

        let mut invitee = Browser::new(&app);
        let form = invitee.get(link).await;
        assert_eq!(form.status, 200);
        let short = invitee
            .post(
                link,
                &[
                    ("display_name", "Lucía"),
                    ("password", "corta"),
                    ("password_confirmation", "corta"),
                ],
            )
            .await;
        assert_eq!(short.status, 422);
        assert!(
            short.body.contains("id=\"password-error\"") && short.body.contains("value=\"Lucía\"")
        );
        let accepted = invitee
            .post(
                link,
                &[
                    ("display_name", "Lucía"),
                    ("password", PASSWORD),
                    ("password_confirmation", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            (accepted.status, accepted.location.as_str()),
            (303, "/entrar?aviso=bienvenida")
        );
        let used = invitee.get(link).await;
        assert_eq!(used.status, 410);
        let login = invitee
            .post("/entrar", &[("email", &address), ("password", PASSWORD)])
            .await;
        assert_eq!(login.status, 303);
        let created_member = db
            .member_by_email(&Email::parse("e", &address).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(created_member.role, Role::Reviewer);
    }
}

#[tokio::test]
async fn an_expired_invitation_says_so_and_offers_to_ask_for_a_new_one() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let admin = account(db, Role::Administrator).await;
    let secret = secrets::new_secret().unwrap();
    let address = format!("{}@example.org", Uuid::now_v7().simple());
    db.create_invitation(
        &secrets::hash_secret(&secret),
        &Email::parse("e", &address).unwrap(),
        Role::Member,
        None,
        admin.id,
        in_seconds(-60),
    )
    .await
    .unwrap();
    let mut invitee = Browser::new(&app);
    let page = invitee.get(&format!("/invitacion/{secret}")).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("Esta invitación venció"));
    let asked = invitee
        .post(&format!("/invitacion/{secret}/renovar"), &[])
        .await;
    assert_eq!(asked.status, 200);
    assert!(asked.body.contains("quien le invitó verá su solicitud"));
    let mut admin_browser = Browser::signed_in(&app, admin.id).await;
    let list = admin_browser.get("/invitaciones").await;
    assert!(list.body.contains("pidió una nueva"));
}

#[tokio::test]
async fn passwords_change_and_reset_links_work_once() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let mut browser = Browser::signed_in(&app, ana.id).await;
        let mut other_device = Browser::signed_in(&app, ana.id).await;
        browser.get("/cuenta").await;
        let wrong = browser
            .post(
                "/cuenta/contrasena",
                &[
                    ("current_password", "no"),
                    ("new_password", "otra frase muy larga"),
                    ("password_confirmation", "otra frase muy larga"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 422);
        assert!(wrong.body.contains("id=\"current_password-error\""));
        let changed = browser
            .post(
                "/cuenta/contrasena",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", "otra frase muy larga"),
                    ("password_confirmation", "otra frase muy larga"),
                ],
            )
            .await;
        assert_eq!(
            (changed.status, changed.location.as_str()),
            (303, "/cuenta?aviso=contrasena")
        );
        assert_eq!(
            browser.get("/cuenta").await.status,
            200,
            "this device gets a new session"
        );
        assert_eq!(
            other_device.get("/cuenta").await.status,
            303,
            "other sessions end"
        );

        let moderator = account(db, Role::Moderator).await;
        let mut mod_browser = Browser::signed_in(&app, moderator.id).await;
        let members = mod_browser.get("/miembros").await;
        assert!(members.body.contains(&ana.email), "moderators see emails");
        let issued = mod_browser
            .post(&format!("/miembros/{}/restablecer", ana.id), &[])
            .await;
        assert_eq!(issued.status, 201);
        let start = issued.body.find("/restablecer/").unwrap();
        let link = issued.body[start..start + 13 + 64].to_owned();
        let mut anonymous = Browser::new(&app);
        anonymous.get(&link).await;
        let reset = anonymous
            .post(
                &link,
                &[
                    ("password", "la tercera frase larga"),
                    ("password_confirmation", "la tercera frase larga"),
                ],
            )
            .await;
        assert_eq!(reset.status, 303);
        assert_eq!(
            anonymous.get(&link).await.status,
            410,
            "a reset link works once"
        );
        let login = anonymous
            .post(
                "/entrar",
                &[
                    ("email", &ana.email),
                    ("password", "la tercera frase larga"),
                ],
            )
            .await;
        assert_eq!(login.status, 303);
    }
}

#[tokio::test]
async fn members_download_their_data_and_delete_their_account() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let ana = account(db, Role::Member).await;
        let mut browser = Browser::signed_in(&app, ana.id).await;
        let data = browser.get("/cuenta/datos").await;
        assert_eq!(data.status, 200);
        let json: serde_json::Value = serde_json::from_str(&data.body).unwrap();
        assert_eq!(json["member"]["email"], ana.email.as_str());
        assert!(
            json["member"].get("password_hash").is_none(),
            "the hash is never exported"
        );
        browser.get("/cuenta").await;
        let unconfirmed = browser
            .post("/cuenta/eliminar", &[("delete_password", PASSWORD)])
            .await;
        assert_eq!(unconfirmed.status, 422);
        let deleted = browser
            .post(
                "/cuenta/eliminar",
                &[("delete_password", PASSWORD), ("confirm_delete", "1")],
            )
            .await;
        assert_eq!(deleted.status, 200);
        assert!(deleted.body.contains("Su cuenta fue eliminada"));
        assert!(db.member(ana.id).await.unwrap().is_none());
        let log = db
            .audit_log(Some(ana.id), acoge_domain::page::PageRequest::default())
            .await
            .unwrap();
        assert!(
            log.items.iter().any(|e| e.action == "member.delete"),
            "history stays"
        );
    }
}

#[tokio::test]
async fn the_audit_log_is_for_moderators() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let member = account(db, Role::Member).await;
    let moderator = account(db, Role::Moderator).await;
    assert_eq!(Browser::new(&app).get("/auditoria").await.status, 303);
    assert_eq!(
        Browser::signed_in(&app, member.id)
            .await
            .get("/auditoria")
            .await
            .status,
        403
    );
    let page = Browser::signed_in(&app, moderator.id)
        .await
        .get("/auditoria")
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("member.create"));
}

#[tokio::test]
async fn the_api_needs_a_token_with_the_right_role() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/invitations", app.base);
        let token_for = |role: Role| {
            let db = db.clone();
            async move {
                let member = account(&db, role).await;
                let token = secrets::new_api_token().unwrap();
                db.create_api_token(member.id, "test", &secrets::hash_secret(&token))
                    .await
                    .unwrap();
                (member, token)
            }
        };
        let body = serde_json::json!({"email": "nueva@example.org", "role": "miembro"}).to_string();
        let post = |token: Option<String>, body: String| {
            let mut request = client
                .post(&url)
                .header("content-type", "application/json")
                .body(body);
            if let Some(token) = token {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            request.send()
        };
        let none = post(None, body.clone()).await.unwrap();
        assert_eq!(none.status().as_u16(), 401);
        assert_eq!(none.headers()["www-authenticate"], "Bearer");
        let bogus = post(Some("acoge_nope".into()), body.clone()).await.unwrap();
        assert_eq!(bogus.status().as_u16(), 401);
        let (_, member_token) = token_for(Role::Member).await;
        assert_eq!(
            post(Some(member_token.clone()), body.clone())
                .await
                .unwrap()
                .status()
                .as_u16(),
            403
        );
        let (moderator, moderator_token) = token_for(Role::Moderator).await;
        let created = post(Some(moderator_token.clone()), body.clone())
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        let json: serde_json::Value = created.json().await.unwrap();
        assert!(json["link"].as_str().unwrap().contains("/invitacion/"));
        let bad = serde_json::json!({"email": "x", "role": "miembro"}).to_string();
        let rejected = post(Some(moderator_token.clone()), bad).await.unwrap();
        assert_eq!(rejected.status().as_u16(), 422);
        let json: serde_json::Value = rejected.json().await.unwrap();
        assert_eq!(json["error"]["field"], "email");
        let missing = post(Some(moderator_token.clone()), "{}".into())
            .await
            .unwrap();
        assert_eq!(missing.status().as_u16(), 422);
        let huge = format!("{{\"email\": \"{}\"}}", "a".repeat(70 * 1024));
        assert_eq!(
            post(Some(moderator_token.clone()), huge)
                .await
                .unwrap()
                .status()
                .as_u16(),
            413
        );

        let me = client
            .get(format!("{}/api/v1/me", app.base))
            .header("authorization", format!("Bearer {moderator_token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 200);
        let me: serde_json::Value = me.json().await.unwrap();
        assert_eq!(me["email"], moderator.email.as_str());
        assert_eq!(me["role"], "moderador");
    }
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let ana = account(db, Role::Member).await;
    let mut browser = Browser::signed_in(&app, ana.id).await;
    browser.get("/cuenta").await;
    let huge = "a".repeat(70 * 1024);
    let page = browser
        .post("/cuenta/tokens", &[("token_name", &huge)])
        .await;
    assert_eq!(page.status, 413);
}

/// What each role may do on each route that changes something. Written out
/// by hand, independently of the router's table: a new route with no line
/// here fails the test.
fn expected(route: &str, role: Option<Role>) -> Option<bool> {
    use Role::*;
    let signed_in = role.is_some();
    let moderates = matches!(role, Some(Moderator | Administrator));
    Some(match route {
        "POST /entrar"
        | "POST /recuperar"
        | "POST /invitacion/{token}"
        | "POST /invitacion/{token}/renovar"
        | "POST /restablecer/{token}" => true,
        "POST /salir"
        | "POST /salir/todas"
        | "POST /cuenta/contrasena"
        | "POST /cuenta/tokens"
        | "POST /cuenta/resumen"
        | "POST /cuenta/tokens/{id}/revocar"
        | "POST /cuenta/eliminar"
        | "POST /notificaciones/leidas"
        | "GET /api/v1/me" => signed_in,
        "POST /invitaciones"
        | "POST /miembros/{id}/restablecer"
        | "POST /miembros/{id}/sesiones/cerrar"
        | "POST /invitaciones/{id}/revocar"
        | "POST /api/v1/invitations" => moderates,
        "POST /marco-legal/instrumentos/nuevo"
        | "POST /marco-legal/instrumentos/{id}/editar"
        | "POST /marco-legal/instrumentos/{id}/verificar"
        | "POST /marco-legal/instrumentos/{id}/disposiciones/nueva"
        | "POST /marco-legal/disposiciones/{id}/editar"
        | "POST /marco-legal/disposiciones/{id}/verificar"
        | "POST /api/v1/legal-instruments"
        | "PATCH /api/v1/legal-instruments/{id}"
        | "POST /api/v1/legal-instruments/{id}/verify"
        | "POST /api/v1/legal-instruments/{id}/provisions"
        | "PATCH /api/v1/provisions/{id}"
        | "POST /api/v1/provisions/{id}/verify"
        | "POST /api/v1/organizations/{id}/verify"
        | "POST /eventos/{id}/asistencia"
        | "POST /eventos/nuevo"
        | "POST /eventos/{id}/editar"
        | "POST /api/v1/events"
        | "PATCH /api/v1/events/{id}" => moderates,
        "POST /organizaciones/{id}/verificar" => moderates,
        "POST /discusiones/{id}/contribuciones"
        // Past the guard for every member (a working group's moderators may
        // moderate its threads); the random id names no thread: a 404.
        | "POST /discusiones/{id}/estado"
        | "POST /discusiones/{id}/relatoria/editar"
        | "POST /contribuciones/{id}/moderar"
        | "POST /contribuciones/{id}/senalar"
        | "POST /organizaciones/{id}/editar"
        | "POST /alianzas/nueva"
        | "POST /organizaciones/{id}/servicios/nuevo"
        | "POST /servicios/{id}/editar"
        | "POST /api/v1/discussions/{id}/contributions"
        | "POST /api/v1/alliances"
        // The id names no organization: a 404 once past the guard.
        | "PATCH /api/v1/organizations/{id}/directory" => signed_in,
        "POST /miembros/{id}/rol"
        | "POST /grupos/nuevo"
        | "POST /api/v1/working-groups"
        | "POST /grupos/{slug}/moderacion"
        | "POST /grupos/{slug}/editar"
        | "POST /marco-de-colaboracion/editar" => role == Some(Administrator),
        "POST /grupos/{slug}/unirse"
        | "POST /grupos/{slug}/salir"
        | "POST /marco-de-colaboracion/aceptar" => signed_in,
        "POST /practicas/nueva"
        | "POST /practicas/{id}/editar"
        | "POST /practicas/{id}/enviar"
        | "POST /practicas/{id}/respuesta"
        | "POST /api/v1/practices"
        | "PATCH /api/v1/practices/{id}"
        | "POST /api/v1/practices/{id}/submit"
        | "POST /eventos/{id}/inscripcion"
        | "POST /eventos/{id}/inscripcion/cancelar" => signed_in,
        "POST /practicas/{id}/revisar" | "POST /api/v1/practices/{id}/reviews" => {
            matches!(role, Some(Reviewer | Administrator))
        }
        _ => return None,
    })
}

const ROLES: [Option<Role>; 5] = [
    None,
    Some(Role::Member),
    Some(Role::Reviewer),
    Some(Role::Moderator),
    Some(Role::Administrator),
];

fn fill(path: &str) -> String {
    path.replace("{id}", &Uuid::now_v7().to_string())
        .replace("{token}", &secrets::new_secret().unwrap())
}

#[tokio::test]
async fn every_route_that_changes_something_checks_every_role() {
    for backend in test_backends() {
        let app = spawn_app(backend).await;
        let db = &app.db;
        let mut checked = 0;
        for (path, _) in acoge_web::FORM_WRITES {
            let route = format!("POST {path}");
            for role in ROLES {
                let allowed = expected(&route, role)
                    .unwrap_or_else(|| panic!("no rule for {route} in this test"));
                let mut browser = match role {
                    None => Browser::new(&app),
                    Some(role) => {
                        let member = account(db, role).await;
                        Browser::signed_in(&app, member.id).await
                    }
                };
                browser.get("/entrar?lang=es").await;
                let page = browser.post(&fill(path), &[]).await;
                let refused_anonymous =
                    page.status == 303 && page.location.starts_with("/entrar?siguiente=");
                let refused_member =
                    page.status == 403 && page.body.contains("Su rol no permite hacer esto");
                let refused = refused_anonymous || refused_member;
                assert_eq!(
                    !refused, allowed,
                    "{backend:?} {route} as {role:?}: {} {}",
                    page.status, page.location
                );
                assert!(page.status != 500, "{route} as {role:?}");
                checked += 1;
            }
        }
        let client = reqwest::Client::new();
        for (method, path, _) in acoge_web::API_WRITES {
            let route = format!("{method} {path}");
            for role in ROLES {
                let allowed = expected(&route, role)
                    .unwrap_or_else(|| panic!("no rule for {route} in this test"));
                let url = format!("{}{}", app.base, fill(path));
                let mut request = match *method {
                    "GET" => client.get(&url),
                    "PATCH" => client.patch(&url).body("{}"),
                    _ => client.post(&url).body("{}"),
                };
                if let Some(role) = role {
                    let member = account(db, role).await;
                    let token = secrets::new_api_token().unwrap();
                    db.create_api_token(member.id, "t", &secrets::hash_secret(&token))
                        .await
                        .unwrap();
                    request = request.header("authorization", format!("Bearer {token}"));
                }
                let status = request.send().await.unwrap().status().as_u16();
                let refused = status == 401 || status == 403;
                assert_eq!(
                    !refused, allowed,
                    "{backend:?} {route} as {role:?}: {status}"
                );
                checked += 1;
            }
        }
        assert_eq!(
            checked,
            (acoge_web::FORM_WRITES.len() + acoge_web::API_WRITES.len()) * ROLES.len()
        );
    }
}

#[tokio::test]
async fn member_emails_never_reach_public_pages() {
    let backend = Backend::Sqlite;
    let app = spawn_app(backend).await;
    let db = &app.db;
    let organizations = reqwest::get(format!("{}/api/v1/organizations?per_page=1", app.base))
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let org_id = organizations["items"][0]["id"].as_str().unwrap().to_owned();
    let email = format!("{}@example.org", Uuid::now_v7().simple());
    db.create_member(
        &NewMember {
            email: &Email::parse("e", &email).unwrap(),
            display_name: "Visible Name",
            organization_id: Some(Uuid::parse_str(&org_id).unwrap()),
            role: Role::Member,
            password_hash: "x",
        },
        None,
    )
    .await
    .unwrap();
    for path in [
        format!("/organizaciones/{org_id}"),
        format!("/api/v1/organizations/{org_id}"),
        "/".into(),
    ] {
        let body = reqwest::get(format!("{}{path}", app.base))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains(&email), "{path}");
    }
}
