//! Email through a real SMTP conversation with a small relay run by the test.

use super::accounts::{Browser, account};
use super::start_with;
use acoge_domain::accounts::Role;
use acoge_store::{Backend, Db};
use std::{
    io::{BufRead, BufReader, Write},
    net::TcpListener,
    sync::{Arc, Mutex},
};

/// The public address of the servers these tests start with a relay.
pub(crate) const SITE: &str = "http://acoge.example.org";

/// A minimal SMTP relay that accepts every message and keeps it.
pub(crate) fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let messages = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 sink ESMTP\r\n");
            let mut data: Option<String> = None;
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                let reply: &[u8] = if let Some(body) = data.as_mut() {
                    if line == ".\r\n" {
                        kept.lock().unwrap().push(std::mem::take(body));
                        data = None;
                        b"250 queued\r\n"
                    } else {
                        body.push_str(&line);
                        b""
                    }
                } else {
                    let command = line.to_ascii_uppercase();
                    if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if command.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = stream.write_all(b"221 bye\r\n");
                        break;
                    } else {
                        b"250 OK\r\n"
                    }
                };
                if !reply.is_empty() {
                    let _ = stream.write_all(reply);
                }
                line.clear();
            }
        }
    });
    (url, messages)
}

#[tokio::test]
async fn invitations_and_reset_links_are_emailed_when_a_relay_is_configured() {
    let (smtp_url, messages) = smtp_sink();
    let options = acoge_web::Options {
        smtp_url: Some(smtp_url),
        public_url: Some(SITE.to_owned()),
        ..acoge_web::Options::default()
    };
    let (addr, db_url) = start_with(Backend::Sqlite, options);
    let db = Db::connect(&db_url).await.unwrap();
    let moderator = account(&db, Role::Moderator).await;
    let mut browser = Browser::signed_in(Backend::Sqlite, &db, moderator.id).await;
    browser.base = format!("http://{addr}");
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

    let member = account(&db, Role::Member).await;
    let mut visitor = Browser::new(Backend::Sqlite);
    visitor.base = format!("http://{addr}");
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
    let mut visitor = Browser::new(Backend::Sqlite);
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
    let (smtp_url, messages) = smtp_sink();
    let options = acoge_web::Options {
        smtp_url: Some(smtp_url),
        public_url: Some(SITE.to_owned()),
        digest_check_every: std::time::Duration::from_millis(50),
        ..acoge_web::Options::default()
    };
    let (addr, db_url) = start_with(Backend::Sqlite, options);
    let db = Db::connect(&db_url).await.unwrap();
    let member = account(&db, Role::Member).await;
    let other = account(&db, Role::Member).await;
    let mut browser = Browser::signed_in(Backend::Sqlite, &db, member.id).await;
    browser.base = format!("http://{addr}");
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
