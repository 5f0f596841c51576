//! In-app notifications (written by the changes they report: a review of a
//! practice, a contribution in a followed thread, a working group's new
//! event, a place freed from a waiting list) and the optional daily digest
//! that carries the unread ones by email.

use crate::{
    Db, StoreError,
    db::{BeginWrite, Tx, dispatch},
    rows::count,
    time::DbTime,
};
use acoge_domain::{Timestamp, lang::Bilingual};
use std::time::Duration;
use uuid::Uuid;

/// What a notification is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Subject {
    Practice(Uuid),
    Discussion(Uuid),
    Event(Uuid),
}

/// Notifies each of `members` of `kind` about `subject`, in the caller's
/// transaction.
pub(crate) async fn notify(
    tx: impl Into<Tx<'_>>,
    members: &[Uuid],
    kind: &str,
    subject: Subject,
    now: DbTime,
) -> Result<(), StoreError> {
    let (insert, about) = match subject {
        Subject::Practice(id) => (
            "INSERT INTO notifications (id, member_id, kind, practice_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            id,
        ),
        Subject::Discussion(id) => (
            "INSERT INTO notifications (id, member_id, kind, discussion_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            id,
        ),
        Subject::Event(id) => (
            "INSERT INTO notifications (id, member_id, kind, event_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            id,
        ),
    };
    dispatch!(tx: tx.into(), |conn| {
        for member in members {
            sqlx::query(insert)
                .bind(Uuid::now_v7())
                .bind(member)
                .bind(kind)
                .bind(about)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct NotificationRecord {
    pub id: Uuid,
    /// "review", "reply", a practice status, "contribution", "group_event",
    /// "promoted".
    pub kind: String,
    pub practice_id: Option<Uuid>,
    pub practice_title: Option<String>,
    /// For a new contribution in a followed thread.
    pub discussion_id: Option<Uuid>,
    pub discussion_question: Option<Bilingual>,
    /// For a group's new event or a place on an event.
    pub event_id: Option<Uuid>,
    pub event_title: Option<Bilingual>,
    pub created_at: Timestamp,
    pub read: bool,
}

/// A member's digest, due to be sent.
#[derive(Debug, Clone)]
pub struct DueDigest {
    pub member: Uuid,
    pub email: String,
    pub display_name: String,
    /// The language the member chose the digest in: "es" or "en".
    pub lang: String,
    /// Unread notifications no digest carried yet, oldest first.
    pub items: Vec<NotificationRecord>,
}

/// The columns `NotificationRow` reads, from `notifications n` joined to
/// what they point at.
const SELECT: &str = "SELECT n.id, n.kind, n.practice_id, p.title, n.discussion_id, \
     d.question_es, d.question_en, n.event_id, e.title_es, e.title_en, n.created_at, n.read_at \
     FROM notifications n \
     LEFT JOIN practices p ON p.id = n.practice_id \
     LEFT JOIN discussions d ON d.id = n.discussion_id \
     LEFT JOIN events e ON e.id = n.event_id";

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: Uuid,
    kind: String,
    practice_id: Option<Uuid>,
    title: Option<String>,
    discussion_id: Option<Uuid>,
    question_es: Option<String>,
    question_en: Option<String>,
    event_id: Option<Uuid>,
    title_es: Option<String>,
    title_en: Option<String>,
    created_at: DbTime,
    read_at: Option<DbTime>,
}

fn bilingual(es: Option<String>, en: Option<String>) -> Option<Bilingual> {
    es.zip(en).map(|(es, en)| Bilingual { es, en })
}

impl From<NotificationRow> for NotificationRecord {
    fn from(row: NotificationRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            practice_id: row.practice_id,
            practice_title: row.title,
            discussion_id: row.discussion_id,
            discussion_question: bilingual(row.question_es, row.question_en),
            event_id: row.event_id,
            event_title: bilingual(row.title_es, row.title_en),
            created_at: row.created_at.0,
            read: row.read_at.is_some(),
        }
    }
}

/// `now` less `every`: a digest sent by then is old enough for another.
fn cutoff(now: Timestamp, every: Duration) -> Timestamp {
    let every = jiff::SignedDuration::try_from(every).unwrap_or(jiff::SignedDuration::MAX);
    now.to_jiff()
        .checked_sub(every)
        .map_or(Timestamp::from_micros(i64::MIN / 2), Timestamp::from_jiff)
}

/// How many notifications one digest carries at most; the rest wait for the
/// next (the email links to the full list anyway).
const DIGEST_ITEMS: usize = 50;

impl Db {
    /// A member's latest notifications, newest first.
    pub async fn notifications(&self, member: Uuid) -> Result<Vec<NotificationRecord>, StoreError> {
        let rows: Vec<NotificationRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE n.member_id = $1 ORDER BY n.created_at DESC LIMIT 100"
            )))
            .bind(member)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(NotificationRecord::from).collect())
    }

    pub async fn unread_notifications(&self, member: Uuid) -> Result<u64, StoreError> {
        let n: i64 = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE member_id = $1 AND read_at IS NULL",
            )
            .bind(member)
            .fetch_one(pool)
            .await?
        });
        Ok(count(n))
    }

    pub async fn mark_notifications_read(&self, member: Uuid) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query(
                "UPDATE notifications SET read_at = $2 WHERE member_id = $1 AND read_at IS NULL",
            )
            .bind(member)
            .bind(DbTime(Timestamp::now()))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Turns the daily digest on in `lang` ("es" or "en"), or off with `None`.
    pub async fn set_digest(&self, member: Uuid, lang: Option<&str>) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query("UPDATE members SET digest_lang = $2 WHERE id = $1")
                .bind(member)
                .bind(lang)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// The language of the member's digest; `None` when it is off.
    pub async fn digest_lang(&self, member: Uuid) -> Result<Option<String>, StoreError> {
        let lang: Option<Option<String>> = dispatch!(self, |pool| {
            sqlx::query_scalar("SELECT digest_lang FROM members WHERE id = $1")
                .bind(member)
                .fetch_optional(pool)
                .await?
        });
        Ok(lang.flatten())
    }

    /// The digests due at `now`: members who chose one, whose last digest is
    /// at least `every` old, and who have unread notifications no digest
    /// carried yet.
    pub async fn due_digests(
        &self,
        now: Timestamp,
        every: Duration,
    ) -> Result<Vec<DueDigest>, StoreError> {
        let cutoff = cutoff(now, every);
        type Member = (Uuid, String, String, String);
        let members: Vec<Member> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT m.id, m.email, m.display_name, m.digest_lang FROM members m
                 WHERE m.digest_lang IS NOT NULL
                   AND (m.digest_sent_at IS NULL OR m.digest_sent_at <= $1)
                   AND EXISTS (SELECT 1 FROM notifications n WHERE n.member_id = m.id
                               AND n.read_at IS NULL AND n.emailed_at IS NULL)
                 ORDER BY m.id",
            )
            .bind(DbTime(cutoff))
            .fetch_all(pool)
            .await?
        });
        let mut due = Vec::with_capacity(members.len());
        for (member, email, display_name, lang) in members {
            let rows: Vec<NotificationRow> = dispatch!(self, |pool| {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT} WHERE n.member_id = $1 AND n.read_at IS NULL
                       AND n.emailed_at IS NULL
                     ORDER BY n.created_at LIMIT $2"
                )))
                .bind(member)
                .bind(i64::try_from(DIGEST_ITEMS).unwrap_or(i64::MAX))
                .fetch_all(pool)
                .await?
            });
            due.push(DueDigest {
                member,
                email,
                display_name,
                lang,
                items: rows.into_iter().map(NotificationRecord::from).collect(),
            });
        }
        Ok(due)
    }

    /// Takes the member's digest for sending at `now`, unless another
    /// instance already did within `every`: a compare-and-set on the time of
    /// the last digest, so instances sharing a database send it once.
    pub async fn claim_digest(
        &self,
        member: Uuid,
        now: Timestamp,
        every: Duration,
    ) -> Result<bool, StoreError> {
        let cutoff = cutoff(now, every);
        let claimed = dispatch!(self, |pool| {
            sqlx::query(
                "UPDATE members SET digest_sent_at = $2 WHERE id = $1
                   AND (digest_sent_at IS NULL OR digest_sent_at <= $3)",
            )
            .bind(member)
            .bind(DbTime(now))
            .bind(DbTime(cutoff))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(claimed == 1)
    }

    /// Gives a claimed digest back after a failed send, so the next check
    /// tries again.
    pub async fn release_digest(&self, member: Uuid) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query("UPDATE members SET digest_sent_at = NULL WHERE id = $1")
                .bind(member)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Records that a digest carrying `items` went out at `now`.
    pub async fn digest_sent(
        &self,
        member: Uuid,
        items: &[Uuid],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE members SET digest_sent_at = $2 WHERE id = $1")
                .bind(member)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
            for id in items {
                sqlx::query(
                    "UPDATE notifications SET emailed_at = $3 WHERE id = $1 AND member_id = $2",
                )
                .bind(id)
                .bind(member)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
