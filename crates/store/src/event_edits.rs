//! Moderators create and change events. One transaction per change: the
//! event's row, its organizers, questions, links and agenda rewritten from
//! the validated content, the capacity (a larger one promotes from the
//! waiting list), an audit entry with before and after, and an outbox row so
//! the search index follows.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    discussions::open_threads,
    links::delete_each,
    notifications::{Subject, notify},
    outbox::commit_and_announce,
    registrations::{fill_from_waiting_list, lock_event},
    rows::scalar,
    time::DbTime,
};
use acoge_domain::{
    Timestamp, event::EventLink, event_edit::EventContent, geo::fold_name, lang::Bilingual,
};
use uuid::Uuid;

fn json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::corrupt("events", "content", e))
}

/// A readable, unique key: the start date, the folded title, the id's tail.
fn slug(id: Uuid, content: &EventContent) -> String {
    let date = content
        .schedule
        .starts_at
        .in_zone(&content.schedule.organizer_zone());
    let mut words = String::new();
    for c in fold_name(&content.title.es).chars() {
        if c.is_ascii_alphanumeric() {
            words.push(c);
        } else if !words.ends_with('-') && !words.is_empty() {
            words.push('-');
        }
        if words.len() >= 40 {
            break;
        }
    }
    let simple = id.simple().to_string();
    format!(
        "{:04}-{:02}-{:02}-{}-{}",
        date.year(),
        date.month(),
        date.day(),
        words.trim_end_matches('-'),
        &simple[simple.len() - 6..]
    )
}

/// Binds an event's kind, titles, descriptions and schedule (the columns
/// `kind` to `time_zone`, in the order every statement writing an event
/// names them) after the binds already on `$query`. `$event` is an
/// `EventContent` or an imported `EventRecord`, which name these fields
/// alike. A macro: the query types differ per backend and per statement.
macro_rules! bind_event_content {
    ($query:expr, $event:expr) => {{
        let event = $event;
        $query
            .bind(event.kind.slug())
            .bind(&event.title.es)
            .bind(&event.title.en)
            .bind(&event.description.es)
            .bind(&event.description.en)
            .bind($crate::time::DbTime(event.schedule.starts_at))
            .bind($crate::time::DbTime(event.schedule.ends_at))
            .bind(&event.schedule.time_zone)
    }};
}
pub(crate) use bind_event_content;

/// An event's organizers and agenda, cleared before `write_parts` writes
/// them again.
const CLEAR_ORGANIZERS_AND_AGENDA: [&str; 2] = [
    "DELETE FROM event_organizers WHERE event_id = $1",
    "DELETE FROM event_agenda_items WHERE event_id = $1",
];

/// An event's guiding questions and links, cleared before
/// `replace_questions_and_links` writes them again.
const CLEAR_QUESTIONS_AND_LINKS: [&str; 2] = [
    "DELETE FROM event_guiding_questions WHERE event_id = $1",
    "DELETE FROM event_links WHERE event_id = $1",
];

/// Rewrites the event's parts from `content`, in the caller's transaction.
/// Organizers must exist (the caller checked; a foreign key refuses the rest).
async fn write_parts(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    content: &EventContent,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    delete_each(&mut tx, &CLEAR_ORGANIZERS_AND_AGENDA, id).await?;
    dispatch!(tx: tx.reborrow(), |conn| {
        for (position, organization) in content.organizers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO event_organizers (event_id, organization_id, position)
                 VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(organization)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .execute(&mut *conn)
            .await?;
        }
        for (position, item) in content.agenda.iter().enumerate() {
            sqlx::query(
                "INSERT INTO event_agenda_items (event_id, position, time, title, speakers)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(number(position))
            .bind(&item.time)
            .bind(&item.title)
            .bind(serde_json::Value::from(item.speakers.clone()).to_string())
            .execute(&mut *conn)
            .await?;
        }
    });
    replace_questions_and_links(&mut tx, id, &content.guiding_questions, &content.links).await
}

/// The number of the item at `position` of a list, counted from 1.
fn number(position: usize) -> i32 {
    i32::try_from(position + 1).unwrap_or(i32::MAX)
}

/// Replaces an event's guiding questions and links, numbered from 1, in the
/// caller's transaction. Shared with the reference import, whose events
/// carry the same parts.
pub(crate) async fn replace_questions_and_links(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    questions: &[Bilingual],
    links: &[EventLink],
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    delete_each(&mut tx, &CLEAR_QUESTIONS_AND_LINKS, id).await?;
    dispatch!(tx: tx.reborrow(), |conn| {
        for (position, q) in questions.iter().enumerate() {
            sqlx::query(
                "INSERT INTO event_guiding_questions (event_id, position, text_es, text_en)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(number(position))
            .bind(&q.es)
            .bind(&q.en)
            .execute(&mut *conn)
            .await?;
        }
        for (position, link) in links.iter().enumerate() {
            sqlx::query(
                "INSERT INTO event_links (event_id, position, kind, url, label)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(number(position))
            .bind(link.kind.slug())
            .bind(&link.url)
            .bind(&link.label)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Tells a working group's audience of a new event, in the caller's
/// transaction: the members of its organizations and its moderators, except
/// the one who made the change.
async fn notify_group(
    tx: impl Into<Tx<'_>>,
    group: Uuid,
    editor: Uuid,
    event: Uuid,
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    let members: Vec<Uuid> = dispatch!(tx: tx.reborrow(), |conn| {
        sqlx::query_scalar(
            "SELECT id FROM members WHERE organization_id IN
                (SELECT organization_id FROM working_group_organizations WHERE group_id = $1)
             UNION
             SELECT member_id FROM working_group_moderators WHERE group_id = $1",
        )
        .bind(group)
        .fetch_all(conn)
        .await?
    });
    let audience: Vec<Uuid> = members.into_iter().filter(|m| *m != editor).collect();
    notify(
        &mut tx,
        &audience,
        "group_event",
        Subject::Event(event),
        now,
    )
    .await
}

impl Db {
    /// Adds an event; answers its id. An organizer missing from the
    /// directory is `MissingReference`.
    pub async fn create_event(
        &self,
        content: &EventContent,
        editor: Uuid,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let now = DbTime(Timestamp::now());
        let after = json(content)?;
        self.check_organizers(&content.organizers).await?;
        let group = self.group_id(content.working_group.as_deref()).await?;
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            bind_event_content!(
                sqlx::query(
                    "INSERT INTO events (id, slug, kind, title_es, title_en, description_es,
                        description_en, starts_at, ends_at, time_zone, verified, sources,
                        created_at, updated_at, capacity, working_group_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, '', $11, $11, $12,
                        $13)",
                )
                .bind(id)
                .bind(slug(id, content)),
                content
            )
            .bind(now)
            .bind(content.capacity.map(i64::from))
            .bind(group)
            .execute(&mut *tx)
            .await?;
            write_parts(&mut tx, id, content).await?;
            open_threads(&mut tx, id, Some(editor), now).await?;
            if let Some(group) = group {
                notify_group(&mut tx, group, editor, id, now).await?;
            }
            AuditRecord::new(editor, "event.create", "event", id)
                .after(after.clone())
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
        });
        Ok(id)
    }

    /// Replaces an event's content. A larger capacity promotes from the
    /// waiting list in the same transaction; a smaller one keeps those
    /// registered. Answers who moved up, or `None` when there is no event.
    pub async fn update_event(
        &self,
        id: Uuid,
        content: &EventContent,
        editor: Uuid,
    ) -> Result<Option<Vec<Uuid>>, StoreError> {
        let now = DbTime(Timestamp::now());
        let Some(before) = self.event(&id.to_string()).await? else {
            return Ok(None);
        };
        let before = json(&before)?;
        let after = json(content)?;
        self.check_organizers(&content.organizers).await?;
        let group = self.group_id(content.working_group.as_deref()).await?;
        let promoted = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            if lock_event(&mut tx, id).await?.is_none() {
                return Ok(None);
            }
            let group_before: Option<Uuid> = scalar(
                &mut tx,
                "SELECT working_group_id FROM events WHERE id = $1",
                id,
            )
            .await?;
            bind_event_content!(
                sqlx::query(
                    "UPDATE events SET kind = $2, title_es = $3, title_en = $4,
                        description_es = $5, description_en = $6, starts_at = $7, ends_at = $8,
                        time_zone = $9, capacity = $10, updated_at = $11, working_group_id = $12,
                        curated = true
                     WHERE id = $1",
                )
                .bind(id),
                content
            )
            .bind(content.capacity.map(i64::from))
            .bind(now)
            .bind(group)
            .execute(&mut *tx)
            .await?;
            write_parts(&mut tx, id, content).await?;
            // A question added later gets its thread; earlier threads stay.
            open_threads(&mut tx, id, Some(editor), now).await?;
            // An event moved into a group is news to that group.
            if let Some(group) = group.filter(|g| group_before != Some(*g)) {
                notify_group(&mut tx, group, editor, id, now).await?;
            }
            let promoted = fill_from_waiting_list(&mut tx, id, content.capacity, now).await?;
            AuditRecord::new(editor, "event.update", "event", id)
                .before(before.clone())
                .after(after.clone())
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            promoted
        });
        Ok(Some(promoted))
    }

    /// The id of the working group an event names; an unknown slug is the
    /// sender's error on `working_group`.
    async fn group_id(&self, slug: Option<&str>) -> Result<Option<Uuid>, StoreError> {
        let Some(slug) = slug else { return Ok(None) };
        let id: Option<Uuid> = dispatch!(self, |pool| {
            sqlx::query_scalar("SELECT id FROM working_groups WHERE slug = $1")
                .bind(slug)
                .fetch_optional(pool)
                .await?
        });
        id.map(Some)
            .ok_or(StoreError::Invalid(acoge_domain::fields::FieldError {
                field: "working_group",
                problem: acoge_domain::fields::FieldProblem::UnknownWorkingGroup,
            }))
    }

    /// Every organizer must be in the directory: a clear error, not a
    /// foreign-key failure.
    async fn check_organizers(&self, organizers: &[Uuid]) -> Result<(), StoreError> {
        for id in organizers {
            let known: bool = dispatch!(self, |pool| {
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)")
                    .bind(id)
                    .fetch_one(pool)
                    .await?
            });
            if !known {
                return Err(StoreError::Invalid(acoge_domain::fields::FieldError {
                    field: "organizers",
                    problem: acoge_domain::fields::FieldProblem::UnknownOrganization,
                }));
            }
        }
        Ok(())
    }
}
