//! Email through a real SMTP conversation with a small relay run by the test.

use super::common::{Browser, SITE, account, smtp_sink, spawn_app, spawn_app_with};
use acoge_domain::accounts::Role;
use acoge_store::Backend;

#[tokio::test]
async fn invitations_and_reset_links_are_emailed_when_a_relay_is_configured() {
    let (smtp_url, messages) = smtp_sink().await;
    let options = acoge_web::Options {
        smtp_url: Some(smtp_url),
        public_url: Some(SITE.to_owned()),
        ..acoge_web::Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let db = &app.db;
    let moderator = account(db, Role::Moderator).await;
    let mut browser = Browser::signed_in(&app, moderator.id).await;
    browser.get("/invitaciones").await;
    let created = browser
        .post(
            "/invitaciones",
            &[("email", "invitada@example.org"), ("role", "miembro")],
        )
        .await;
    assert_eq!(created.status, 201);
    assert!(created.body.contains("También se envió por correo"));
    let sent = messages.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("To: invitada@example.org")
            && sent[0].contains(&format!("{SITE}/invitacion/")),
        "{}",
        sent[0]
    );

    let member = account(db, Role::Member).await;
    let mut visitor = Browser::new(&app);
    let form = visitor.get("/recuperar").await;
    assert!(
        form.body.contains("name=\"email\""),
        "with a relay, the page offers the form"
    );
    let asked = visitor
        .post("/recuperar", &[("email", &member.email)])
        .await;
    let unknown = visitor
        .post("/recuperar", &[("email", "nadie@example.org")])
        .await;
    assert_eq!((asked.status, unknown.status), (200, 200));
    assert!(
        asked.body.contains("Si existe una cuenta"),
        "the same answer either way"
    );
    assert!(unknown.body.contains("Si existe una cuenta"));
    let sent = messages.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "only the existing account gets a message");
    assert!(
        sent[1].contains(&format!("To: {}", member.email)) && sent[1].contains("/restablecer/")
    );
}

#[tokio::test]
async fn without_a_relay_the_reset_page_explains_whom_to_ask() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut visitor = Browser::new(&app);
    let page = visitor.get("/recuperar").await;
    assert!(!page.body.contains("name=\"email\""));
    assert!(page.body.contains("persona moderadora"));
    visitor.get("/entrar").await;
    let post = visitor
        .post("/recuperar", &[("email", "x@example.org")])
        .await;
    assert_eq!(post.status, 404);
}

#[tokio::test]
async fn a_member_who_asks_gets_one_daily_digest_of_unread_notifications() {
    let (smtp_url, messages) = smtp_sink().await;
    let options = acoge_web::Options {
        smtp_url: Some(smtp_url),
        public_url: Some(SITE.to_owned()),
        digest_check_every: std::time::Duration::from_millis(50),
        ..acoge_web::Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let db = &app.db;
    let member = account(db, Role::Member).await;
    let other = account(db, Role::Member).await;
    let mut browser = Browser::signed_in(&app, member.id).await;
    let page = browser.get("/cuenta?lang=en").await;
    assert!(
        page.body.contains("Daily email digest"),
        "offered with a relay"
    );
    let saved = browser.post("/cuenta/resumen", &[("digest", "on")]).await;
    assert_eq!(saved.status, 303);
    assert_eq!(
        db.digest_lang(member.id).await.unwrap().as_deref(),
        Some("en")
    );

    // A place comes free on the founding webinar: a notification.
    let event = db.event("lav-2020-11-10").await.unwrap().unwrap().id;
    db.set_event_capacity(event, Some(1), other.id)
        .await
        .unwrap();
    db.register_for_event(event, other.id).await.unwrap();
    db.register_for_event(event, member.id).await.unwrap();
    db.cancel_registration(event, other.id).await.unwrap();

    let mut waited = 0;
    while messages.lock().unwrap().is_empty() && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    let sent = messages.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "one digest");
    // Quoted-printable soft line breaks, undone.
    let message = sent[0].replace("=\r\n", "");
    assert!(
        message.contains(&format!("To: {}", member.email)),
        "{message}"
    );
    assert!(
        message.contains("Subject: Acoge: one unread notification"),
        "{message}"
    );
    assert!(message.contains("A place came free"), "{message}");
    assert!(message.contains(&format!("/eventos/{event}")), "{message}");

    // Another notification the same day waits for tomorrow's digest.
    db.register_for_event(event, other.id).await.unwrap();
    db.cancel_registration(event, member.id).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(messages.lock().unwrap().len(), 1, "one a day");
    assert_eq!(
        db.due_digests(
            acoge_domain::Timestamp::now(),
            std::time::Duration::from_secs(86_400)
        )
        .await
        .unwrap()
        .len(),
        0
    );

    let off = browser.post("/cuenta/resumen", &[]).await;
    assert_eq!(off.status, 303);
    assert_eq!(db.digest_lang(member.id).await.unwrap(), None);
}
