//! Registration for events. Every change locks the event's row first (a no-op
//! UPDATE: a row lock on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
//! serializes writers), so two members asking for the last place at once
//! cannot both get it, and a cancellation promotes from the waiting list in
//! the same transaction.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    notifications::{Subject, notify},
    outbox::{commit_and_announce, record_change},
    rows::scalar,
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    registration::{RegistrationStatus, RegistrationSummary, placement, promotions},
};
use uuid::Uuid;

const TABLE: &str = "event_registrations";

/// The outbox's name for a change to an event's registrations: the event
/// page shows their counts, so cached copies must follow; the search index
/// does not hold them.
const ENTITY: &str = "registration";

/// One member's registration, as moderators see it to mark attendance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Registrant {
    pub member_id: Uuid,
    pub display_name: String,
    pub status: RegistrationStatus,
    pub attended: bool,
}

fn status(slug: &str) -> Result<RegistrationStatus, StoreError> {
    RegistrationStatus::parse(slug).map_err(|e| StoreError::corrupt(TABLE, "status", e))
}

/// A capacity as stored (a positive integer or NULL).
pub(crate) fn capacity(stored: Option<i64>) -> Option<u32> {
    stored.and_then(|c| u32::try_from(c).ok())
}

/// Locks the event's row in the caller's transaction and answers its
/// capacity; `None` when there is no such event.
pub(crate) async fn lock_event(
    tx: impl Into<Tx<'_>>,
    event: Uuid,
) -> Result<Option<Option<u32>>, StoreError> {
    let locked: Option<Option<i64>> = dispatch!(tx: tx.into(), |conn| {
        sqlx::query_scalar("UPDATE events SET capacity = capacity WHERE id = $1 RETURNING capacity")
            .bind(event)
            .fetch_optional(conn)
            .await?
    });
    Ok(locked.map(capacity))
}

/// Moves the first of the waiting list into the places free, oldest request
/// first, and tells each of them ("promoted"); answers who moved. The
/// event's row must be locked.
pub(crate) async fn fill_from_waiting_list(
    tx: impl Into<Tx<'_>>,
    event: Uuid,
    capacity: Option<u32>,
    now: DbTime,
) -> Result<Vec<Uuid>, StoreError> {
    let mut tx = tx.into();
    let promoted = dispatch!(tx: tx.reborrow(), |conn| {
        let (registered, waiting): (i64, i64) = sqlx::query_as(
            "SELECT
                COALESCE(SUM(CASE WHEN status = 'registered' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), 0)
             FROM event_registrations WHERE event_id = $1",
        )
        .bind(event)
        .fetch_one(&mut *conn)
        .await?;
        let moving = promotions(
            capacity,
            u64::try_from(registered).unwrap_or(0),
            u64::try_from(waiting).unwrap_or(0),
        );
        let promoted: Vec<Uuid> = sqlx::query_scalar(
            "SELECT member_id FROM event_registrations
             WHERE event_id = $1 AND status = 'waitlisted'
             ORDER BY queued_at, member_id LIMIT $2",
        )
        .bind(event)
        .bind(i64::try_from(moving).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await?;
        for member in &promoted {
            sqlx::query(
                "UPDATE event_registrations SET status = 'registered', updated_at = $3
                 WHERE event_id = $1 AND member_id = $2",
            )
            .bind(event)
            .bind(member)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        promoted
    });
    notify(&mut tx, &promoted, "promoted", Subject::Event(event), now).await?;
    Ok(promoted)
}

impl Db {
    /// Asks for a place: registered while places remain, else the waiting
    /// list. Asking again changes nothing and answers the current status.
    /// `None` when there is no such event.
    pub async fn register_for_event(
        &self,
        event: Uuid,
        member: Uuid,
    ) -> Result<Option<RegistrationStatus>, StoreError> {
        let now = DbTime(Timestamp::now());
        let outcome: Option<String> = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let Some(capacity) = lock_event(&mut tx, event).await? else {
                return Ok(None);
            };
            let current: Option<String> = sqlx::query_scalar(
                "SELECT status FROM event_registrations WHERE event_id = $1 AND member_id = $2",
            )
            .bind(event)
            .bind(member)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(current) = current.filter(|s| s != RegistrationStatus::Cancelled.slug()) {
                Some(current)
            } else {
                let registered: i64 = scalar(
                    &mut tx,
                    "SELECT COUNT(*) FROM event_registrations
                     WHERE event_id = $1 AND status = 'registered'",
                    event,
                )
                .await?;
                // Those already waiting keep their turn: nobody new jumps
                // the queue, even if a place is free.
                let waiting: i64 = scalar(
                    &mut tx,
                    "SELECT COUNT(*) FROM event_registrations
                     WHERE event_id = $1 AND status = 'waitlisted'",
                    event,
                )
                .await?;
                let placed = if waiting > 0 {
                    RegistrationStatus::Waitlisted
                } else {
                    placement(capacity, u64::try_from(registered).unwrap_or(0))
                };
                // A member who cancelled and asks again goes to the end of
                // the queue: `queued_at` is reset.
                sqlx::query(
                    "INSERT INTO event_registrations
                        (event_id, member_id, status, created_at, queued_at, updated_at, attended)
                     VALUES ($1, $2, $3, $4, $4, $4, false)
                     ON CONFLICT (event_id, member_id) DO UPDATE
                     SET status = excluded.status, queued_at = excluded.queued_at,
                         updated_at = excluded.updated_at",
                )
                .bind(event)
                .bind(member)
                .bind(placed.slug())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                record_change(&mut tx, ENTITY, event, now).await?;
                commit_and_announce(tx).await?;
                Some(placed.slug().to_owned())
            }
        });
        outcome.as_deref().map(status).transpose()
    }

    /// Gives up a place or a turn; the first of the waiting list takes a
    /// freed place in the same transaction. Answers who moved up (empty when
    /// nobody did); `None` when the member had no active registration.
    pub async fn cancel_registration(
        &self,
        event: Uuid,
        member: Uuid,
    ) -> Result<Option<Vec<Uuid>>, StoreError> {
        let now = DbTime(Timestamp::now());
        Ok(dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let Some(capacity) = lock_event(&mut tx, event).await? else {
                return Ok(None);
            };
            let changed = sqlx::query(
                "UPDATE event_registrations SET status = 'cancelled', updated_at = $3
                 WHERE event_id = $1 AND member_id = $2 AND status <> 'cancelled'",
            )
            .bind(event)
            .bind(member)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                None
            } else {
                let promoted = fill_from_waiting_list(&mut tx, event, capacity, now).await?;
                record_change(&mut tx, ENTITY, event, now).await?;
                commit_and_announce(tx).await?;
                Some(promoted)
            }
        }))
    }

    /// Sets how many places an event has (`None`: no limit); a larger
    /// capacity promotes from the waiting list at once. Members already
    /// registered keep their places when it shrinks. Audited. Answers who
    /// moved up, or `None` when there is no such event.
    pub async fn set_event_capacity(
        &self,
        event: Uuid,
        new_capacity: Option<u32>,
        actor: Uuid,
    ) -> Result<Option<Vec<Uuid>>, StoreError> {
        let now = DbTime(Timestamp::now());
        Ok(dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let Some(before) = lock_event(&mut tx, event).await? else {
                return Ok(None);
            };
            sqlx::query("UPDATE events SET capacity = $2 WHERE id = $1")
                .bind(event)
                .bind(new_capacity.map(i64::from))
                .execute(&mut *tx)
                .await?;
            let promoted = fill_from_waiting_list(&mut tx, event, new_capacity, now).await?;
            AuditRecord::new(actor, "event.capacity", "event", event)
                .before(serde_json::json!({ "capacity": before }))
                .after(serde_json::json!({ "capacity": new_capacity }))
                .record(&mut tx)
                .await?;
            record_change(&mut tx, ENTITY, event, now).await?;
            commit_and_announce(tx).await?;
            Some(promoted)
        }))
    }

    /// Counts and, for a signed-in viewer, their own status and turn.
    pub async fn registration_summary(
        &self,
        event: Uuid,
        viewer: Option<Uuid>,
    ) -> Result<RegistrationSummary, StoreError> {
        type Counts = (Option<i64>, i64, i64);
        let ((stored_capacity, registered, waitlisted), mine): (Counts, Option<(String, i64)>) = dispatch!(
            self,
            |pool| {
                let counts: Counts = sqlx::query_as(
                    "SELECT e.capacity,
                        (SELECT COUNT(*) FROM event_registrations r
                         WHERE r.event_id = e.id AND r.status = 'registered'),
                        (SELECT COUNT(*) FROM event_registrations r
                         WHERE r.event_id = e.id AND r.status = 'waitlisted')
                     FROM events e WHERE e.id = $1",
                )
                .bind(event)
                .fetch_optional(pool)
                .await?
                .unwrap_or((None, 0, 0));
                let mine = match viewer {
                    None => None,
                    Some(member) => {
                        sqlx::query_as(
                            "SELECT r.status,
                                (SELECT COUNT(*) FROM event_registrations w
                                 WHERE w.event_id = r.event_id AND w.status = 'waitlisted'
                                   AND (w.queued_at < r.queued_at
                                        OR (w.queued_at = r.queued_at AND w.member_id <= r.member_id)))
                             FROM event_registrations r WHERE r.event_id = $1 AND r.member_id = $2",
                        )
                        .bind(event)
                        .bind(member)
                        .fetch_optional(pool)
                        .await?
                    }
                };
                (counts, mine)
            }
        );
        let mine = mine
            .map(|(s, position)| status(&s).map(|s| (s, position)))
            .transpose()?;
        Ok(RegistrationSummary {
            capacity: capacity(stored_capacity),
            registered: u64::try_from(registered).unwrap_or(0),
            waitlisted: u64::try_from(waitlisted).unwrap_or(0),
            mine: mine.map(|(s, _)| s),
            waiting_position: mine
                .filter(|(s, _)| *s == RegistrationStatus::Waitlisted)
                .and_then(|(_, p)| u64::try_from(p).ok()),
        })
    }

    /// Everyone who asked for a place and has not cancelled: registered
    /// first, then the waiting list in its order.
    pub async fn event_registrants(&self, event: Uuid) -> Result<Vec<Registrant>, StoreError> {
        let sql = "SELECT r.member_id, m.display_name, r.status, r.attended
             FROM event_registrations r JOIN members m ON m.id = r.member_id
             WHERE r.event_id = $1 AND r.status <> 'cancelled'
             ORDER BY CASE r.status WHEN 'registered' THEN 0 ELSE 1 END, r.queued_at, r.member_id";
        let rows: Vec<(Uuid, String, String, bool)> = self.rows_by(sql, event).await?;
        rows.into_iter()
            .map(|(member_id, display_name, s, attended)| {
                Ok(Registrant {
                    member_id,
                    display_name,
                    status: status(&s)?,
                    attended,
                })
            })
            .collect()
    }

    /// Records whether registered members came (moderators, after the
    /// event); audited. Members not registered are left as they are.
    /// Answers how many rows changed.
    pub async fn record_attendance(
        &self,
        event: Uuid,
        attended: &[Uuid],
        actor: Uuid,
    ) -> Result<u64, StoreError> {
        let now = DbTime(Timestamp::now());
        let after = serde_json::json!({ "attended": attended });
        Ok(dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            if lock_event(&mut tx, event).await?.is_none() {
                return Ok(0);
            }
            let registered: Vec<(Uuid, bool)> = sqlx::query_as(
                "SELECT member_id, attended FROM event_registrations
                 WHERE event_id = $1 AND status = 'registered'",
            )
            .bind(event)
            .fetch_all(&mut *tx)
            .await?;
            let mut changed = 0;
            for (member, was) in registered {
                let now_attended = attended.contains(&member);
                if now_attended != was {
                    sqlx::query(
                        "UPDATE event_registrations SET attended = $3, updated_at = $4
                         WHERE event_id = $1 AND member_id = $2",
                    )
                    .bind(event)
                    .bind(member)
                    .bind(now_attended)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    changed += 1;
                }
            }
            AuditRecord::new(actor, "event.attendance", "event", event)
                .after(after.clone())
                .record(&mut tx)
                .await?;
            record_change(&mut tx, ENTITY, event, now).await?;
            commit_and_announce(tx).await?;
            changed
        }))
    }
}
