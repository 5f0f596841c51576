//! The optional daily digest: when an SMTP relay is configured, members who
//! asked for it (on their account page) get one email a day listing the
//! notifications they have not read and no digest carried yet. A task checks
//! every few minutes. Each digest is claimed in the store before it is sent
//! (instances sharing a database send it once) and its notifications are
//! marked after; a failed send gives the claim back for the next check.

use crate::{Config, render::i18n::Tr};
use acoge_domain::{Lang, Timestamp};
use acoge_store::{Db, DueDigest, NotificationRecord, StoreError};
use std::{sync::Arc, time::Duration};
use tokio::sync::watch;

/// How often a member gets a digest at most.
pub const PERIOD: Duration = Duration::from_secs(24 * 3600);

/// Starts the digest task; it ends when `stop`'s sender is dropped.
pub fn spawn(db: Db, config: Arc<Config>, check_every: Duration, mut stop: watch::Receiver<()>) {
    tokio::spawn(async move {
        loop {
            match send_due(&db, &config).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "daily digests sent"),
                Err(error) => tracing::warn!(%error, "daily digests: the store failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(check_every) => {}
                _ = stop.changed() => break,
            }
        }
    });
}

/// Sends every digest due now; answers how many went out.
async fn send_due(db: &Db, config: &Config) -> Result<usize, StoreError> {
    let Some(mailer) = &config.mailer else {
        return Ok(0);
    };
    let now = Timestamp::now();
    let base = mailer.link("");
    let mut sent = 0;
    for digest in db.due_digests(now, PERIOD).await? {
        if !db.claim_digest(digest.member, now, PERIOD).await? {
            continue;
        }
        let lang = Lang::from_tag(&digest.lang).unwrap_or_default();
        let (subject, body) = compose(Tr::new(lang), &digest, &base);
        match mailer.send(&digest.email, &subject, body).await {
            Ok(()) => {
                let carried: Vec<_> = digest.items.iter().map(|n| n.id).collect();
                db.digest_sent(digest.member, &carried, now).await?;
                sent += 1;
            }
            Err(error) => {
                tracing::warn!(%error, "a daily digest was not sent; trying again later");
                db.release_digest(digest.member).await?;
            }
        }
    }
    Ok(sent)
}

/// The subject and plain-text body of one member's digest.
pub fn compose(tr: Tr, digest: &DueDigest, base: &str) -> (String, String) {
    let subject = tr.count("digest-subject", digest.items.len());
    let mut body = tr.with_text("digest-greeting", "name", &digest.display_name);
    body.push_str("\n\n");
    body.push_str(&tr.count("digest-intro", digest.items.len()));
    body.push_str("\n\n");
    for item in &digest.items {
        body.push_str(&format!(
            "- {}{}\n  {base}{}\n",
            tr.label(format!("notification-{}", item.kind)),
            title(tr, item)
                .map(|t| format!(": {t}"))
                .unwrap_or_default(),
            path(item)
        ));
    }
    body.push('\n');
    body.push_str(&tr.with_text("digest-footer", "address", &format!("{base}/cuenta")));
    body.push('\n');
    (subject, body)
}

fn title(tr: Tr, item: &NotificationRecord) -> Option<String> {
    item.practice_title
        .clone()
        .or_else(|| {
            item.discussion_question
                .as_ref()
                .map(|q| tr.pick(q).to_owned())
        })
        .or_else(|| item.event_title.as_ref().map(|t| tr.pick(t).to_owned()))
}

fn path(item: &NotificationRecord) -> String {
    if let Some(id) = item.practice_id {
        format!("/practicas/{id}")
    } else if let Some(id) = item.discussion_id {
        format!("/discusiones/{id}")
    } else if let Some(id) = item.event_id {
        format!("/eventos/{id}")
    } else {
        "/notificaciones".to_owned()
    }
}
