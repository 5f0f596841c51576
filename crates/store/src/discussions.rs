//! Discussion threads, contributions, flags, moderation and syntheses.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    notifications::{Subject, notify},
    outbox::{announce, commit_and_announce, record_change},
    rows::{count, optional_scalar, scalar},
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    discussion::{
        Citation, CitedKind, Contribution, Decision, Discussion, DiscussionStatus, FlagReason,
        Synthesis, SynthesisContent, Visibility, visibility_after_flags,
    },
    lang::Bilingual,
};
use std::collections::HashMap;
use uuid::Uuid;

/// What became of a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contributed {
    Added(Uuid),
    /// The thread stopped taking contributions (perhaps a moment ago).
    NotOpen(DiscussionStatus),
    /// The reply's parent is not a contribution of this thread.
    NoSuchParent,
    NoSuchDiscussion,
}

/// A new contribution, its text already checked by the domain.
pub struct NewContribution<'a> {
    pub discussion_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub author_id: Uuid,
    pub organization_id: Option<Uuid>,
    pub body: &'a str,
    pub citations: &'a [Citation],
}

/// A contribution waiting for a moderator, with the thread it is in.
#[derive(Debug, Clone)]
pub struct QueuedContribution {
    pub contribution: Contribution,
    pub question: Bilingual,
    /// Reasons given by the members who flagged it.
    pub reasons: Vec<FlagReason>,
}

type DiscussionRow = (
    Uuid,
    Option<Uuid>,
    Option<String>,
    Option<i32>,
    String,
    String,
    String,
    DbTime,
    i64,
);

const DISCUSSION_SELECT: &str = "SELECT d.id, d.event_id, e.slug, d.position, d.question_es,
        d.question_en, d.status, d.created_at,
        (SELECT COUNT(*) FROM contributions c
         WHERE c.discussion_id = d.id AND c.visibility = 'visible')
     FROM discussions d LEFT JOIN events e ON e.id = d.event_id";

/// Threads with the moderators of their event's working group, one row
/// per pair: who moderates which thread besides the site's moderators.
const GROUP_MODERATION: &str = "FROM discussions d
     JOIN events e ON e.id = d.event_id
     JOIN working_group_moderators m ON m.group_id = e.working_group_id";

fn discussion(row: DiscussionRow) -> Result<Discussion, StoreError> {
    let (id, event_id, event_slug, position, es, en, status, created_at, visible) = row;
    Ok(Discussion {
        id,
        event_id,
        event_slug,
        position,
        question: Bilingual { es, en },
        status: DiscussionStatus::parse(&status)
            .map_err(|e| StoreError::corrupt("discussions", "status", e))?,
        created_at: created_at.0,
        visible_contributions: count(visible),
    })
}

type ContributionRow = (
    Uuid,
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    String,
    DbTime,
    String,
    Option<String>,
    i64,
);

const CONTRIBUTION_SELECT: &str = "SELECT c.id, c.discussion_id, c.parent_id, c.author_id,
        m.display_name, o.name, c.body, c.created_at, c.visibility, c.moderation_reason,
        (SELECT COUNT(*) FROM contribution_flags f
         WHERE f.contribution_id = c.id AND f.resolved_at IS NULL)
     FROM contributions c
     LEFT JOIN members m ON m.id = c.author_id
     LEFT JOIN organizations o ON o.id = c.organization_id";

fn contribution(
    row: ContributionRow,
    citations: &mut HashMap<Uuid, Vec<Citation>>,
) -> Result<Contribution, StoreError> {
    let (
        id,
        discussion_id,
        parent_id,
        author_id,
        author_name,
        organization_name,
        body,
        at,
        vis,
        reason,
        flags,
    ) = row;
    Ok(Contribution {
        id,
        discussion_id,
        parent_id,
        author_id,
        author_name,
        organization_name,
        body,
        created_at: at.0,
        visibility: Visibility::parse(&vis)
            .map_err(|e| StoreError::corrupt("contributions", "visibility", e))?,
        moderation_reason: reason,
        flags: count(flags),
        citations: citations.remove(&id).unwrap_or_default(),
    })
}

fn citations_by_owner(
    rows: Vec<(Uuid, String, Uuid)>,
) -> Result<HashMap<Uuid, Vec<Citation>>, StoreError> {
    let mut out: HashMap<Uuid, Vec<Citation>> = HashMap::new();
    for (owner, kind, id) in rows {
        let kind =
            CitedKind::parse(&kind).map_err(|e| StoreError::corrupt("citations", "kind", e))?;
        out.entry(owner).or_default().push(Citation { kind, id });
    }
    Ok(out)
}

/// Replaces what `owner` cites, in the caller's transaction.
async fn write_citations(
    tx: impl Into<Tx<'_>>,
    owner_kind: &str,
    owner: Uuid,
    citations: &[Citation],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query("DELETE FROM citations WHERE owner_kind = $1 AND owner_id = $2")
            .bind(owner_kind)
            .bind(owner)
            .execute(&mut *conn)
            .await?;
        for (position, citation) in citations.iter().enumerate() {
            sqlx::query(
                "INSERT INTO citations (owner_kind, owner_id, position, kind, target_id)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(owner_kind)
            .bind(owner)
            .bind(i32::try_from(position).unwrap_or(i32::MAX))
            .bind(citation.kind.slug())
            .bind(citation.id)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// Opens, in the caller's transaction, a thread for each guiding question of
/// the event that has none; answers how many were opened.
pub(crate) async fn open_threads(
    tx: impl Into<Tx<'_>>,
    event_id: Uuid,
    actor: Option<Uuid>,
    now: DbTime,
) -> Result<usize, StoreError> {
    let mut tx = tx.into();
    let questions: Vec<(i32, String, String)> = dispatch!(tx: tx.reborrow(), |conn| {
        sqlx::query_as(
            "SELECT q.position, q.text_es, q.text_en FROM event_guiding_questions q
             WHERE q.event_id = $1 AND NOT EXISTS (SELECT 1 FROM discussions d
                WHERE d.event_id = q.event_id AND d.position = q.position)
             ORDER BY q.position",
        )
        .bind(event_id)
        .fetch_all(conn)
        .await?
    });
    let mut opened: usize = 0;
    for (position, es, en) in &questions {
        let id = Uuid::now_v7();
        // A concurrent transaction may have opened it since the SELECT.
        let inserted = dispatch!(tx: tx.reborrow(), |conn| {
            sqlx::query(
                "INSERT INTO discussions (id, event_id, position, question_es, question_en,
                    status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (event_id, position) DO NOTHING",
            )
            .bind(id)
            .bind(event_id)
            .bind(position)
            .bind(es)
            .bind(en)
            .bind(DiscussionStatus::Open.slug())
            .bind(now)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if inserted == 0 {
            continue;
        }
        opened += 1;
        // Threads are public: the pages that list them follow the outbox.
        AuditRecord::new(actor, "discussion.open", "discussion", id)
            .after(serde_json::json!({"question": es, "event": event_id}))
            .record_with_change(&mut tx, now)
            .await?;
    }
    Ok(opened)
}

impl Db {
    /// Opens a thread for each guiding question of the event that has none;
    /// returns how many were opened.
    pub async fn open_event_discussions(
        &self,
        event_id: Uuid,
        actor: Option<Uuid>,
    ) -> Result<usize, StoreError> {
        let now = DbTime(Timestamp::now());
        let opened = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let opened = open_threads(&mut tx, event_id, actor, now).await?;
            tx.commit().await?;
            opened
        });
        if opened > 0 {
            announce();
        }
        Ok(opened)
    }

    /// Threads, newest event first, then in question order; archived ones
    /// only when asked for.
    pub async fn discussions(
        &self,
        event_id: Option<Uuid>,
        include_archived: bool,
    ) -> Result<Vec<Discussion>, StoreError> {
        let sql = format!(
            "{DISCUSSION_SELECT} WHERE ($1 IS NULL OR d.event_id = $1) AND ($2 OR d.status <> 'archivada')
             ORDER BY e.starts_at DESC, d.position, d.created_at"
        );
        let rows: Vec<DiscussionRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(event_id)
                .bind(include_archived)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(discussion).collect()
    }

    /// The moderators of the working group whose event a thread belongs to
    /// (none for a thread outside a group).
    pub async fn thread_group_moderators(&self, discussion: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let sql = format!("SELECT m.member_id {GROUP_MODERATION} WHERE d.id = $1");
        self.column_by(sql, discussion).await
    }

    /// The threads a member moderates as a working group's moderator.
    pub async fn threads_moderated_by(&self, member: Uuid) -> Result<Vec<Uuid>, StoreError> {
        let sql = format!("SELECT d.id {GROUP_MODERATION} WHERE m.member_id = $1");
        self.column_by(sql, member).await
    }

    /// The threads of a working group's events (archived ones left out),
    /// newest event first.
    pub async fn discussions_of_group(&self, group: Uuid) -> Result<Vec<Discussion>, StoreError> {
        let sql = format!(
            "{DISCUSSION_SELECT} WHERE e.working_group_id = $1 AND d.status <> 'archivada'
             ORDER BY e.starts_at DESC, d.position, d.created_at LIMIT 500"
        );
        let rows: Vec<DiscussionRow> = self.rows_by(sql, group).await?;
        rows.into_iter().map(discussion).collect()
    }

    pub async fn discussion(&self, id: Uuid) -> Result<Option<Discussion>, StoreError> {
        let sql = format!("{DISCUSSION_SELECT} WHERE d.id = $1");
        self.record_by::<_, DiscussionRow, _>(sql, id, discussion)
            .await
    }

    /// Every contribution of a thread, oldest first, whatever its visibility;
    /// callers show each only to whom `discussion::may_read` allows.
    pub async fn contributions(
        &self,
        discussion_id: Uuid,
    ) -> Result<Vec<Contribution>, StoreError> {
        let sql =
            format!("{CONTRIBUTION_SELECT} WHERE c.discussion_id = $1 ORDER BY c.created_at, c.id");
        let (rows, cited): (Vec<ContributionRow>, Vec<(Uuid, String, Uuid)>) =
            dispatch!(self, |pool| {
                let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(discussion_id)
                    .fetch_all(pool)
                    .await?;
                let cited = sqlx::query_as(
                    "SELECT x.owner_id, x.kind, x.target_id FROM citations x
                     JOIN contributions c ON c.id = x.owner_id
                     WHERE x.owner_kind = 'contribution' AND c.discussion_id = $1
                     ORDER BY x.owner_id, x.position",
                )
                .bind(discussion_id)
                .fetch_all(pool)
                .await?;
                (rows, cited)
            });
        let mut citations = citations_by_owner(cited)?;
        rows.into_iter()
            .map(|row| contribution(row, &mut citations))
            .collect()
    }

    /// Adds a contribution if the thread is still open, in one transaction:
    /// the author follows the thread, and its other followers are notified.
    pub async fn add_contribution(
        &self,
        new: &NewContribution<'_>,
    ) -> Result<Contributed, StoreError> {
        let now = DbTime(Timestamp::now());
        let id = Uuid::now_v7();
        let outcome = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let status: Option<String> = optional_scalar(
                &mut tx,
                "SELECT status FROM discussions WHERE id = $1",
                new.discussion_id,
            )
            .await?;
            let Some(status) = status else {
                return Ok(Contributed::NoSuchDiscussion);
            };
            let status = DiscussionStatus::parse(&status)
                .map_err(|e| StoreError::corrupt("discussions", "status", e))?;
            if status != DiscussionStatus::Open {
                return Ok(Contributed::NotOpen(status));
            }
            if let Some(parent) = new.parent_id {
                let sibling: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM contributions WHERE id = $1 AND discussion_id = $2)",
                )
                .bind(parent)
                .bind(new.discussion_id)
                .fetch_one(&mut *tx)
                .await?;
                if !sibling {
                    return Ok(Contributed::NoSuchParent);
                }
            }
            sqlx::query(
                "INSERT INTO contributions (id, discussion_id, parent_id, author_id,
                    organization_id, body, created_at, visibility)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(new.discussion_id)
            .bind(new.parent_id)
            .bind(new.author_id)
            .bind(new.organization_id)
            .bind(new.body)
            .bind(now)
            .bind(Visibility::Visible.slug())
            .execute(&mut *tx)
            .await?;
            write_citations(&mut tx, "contribution", id, new.citations).await?;
            let followers: Vec<Uuid> = sqlx::query_scalar(
                "SELECT member_id FROM discussion_followers
                 WHERE discussion_id = $1 AND member_id <> $2",
            )
            .bind(new.discussion_id)
            .bind(new.author_id)
            .fetch_all(&mut *tx)
            .await?;
            notify(
                &mut tx,
                &followers,
                "contribucion",
                Subject::Discussion(new.discussion_id),
                now,
            )
            .await?;
            sqlx::query(
                "INSERT INTO discussion_followers (discussion_id, member_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(new.discussion_id)
            .bind(new.author_id)
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(new.author_id, "contribution.create", "contribution", id)
                .after(serde_json::json!({"discussion": new.discussion_id, "body": new.body}))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            Contributed::Added(id)
        });
        Ok(outcome)
    }

    /// Records a member's flag (once per member) and holds the contribution
    /// when enough members flagged it. Returns its visibility after, or
    /// `None` when there is no such contribution.
    pub async fn flag_contribution(
        &self,
        id: Uuid,
        member: Uuid,
        reason: FlagReason,
        note: Option<&str>,
    ) -> Result<Option<Visibility>, StoreError> {
        let now = DbTime(Timestamp::now());
        let visibility = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let current: Option<String> = optional_scalar(
                &mut tx,
                "SELECT visibility FROM contributions WHERE id = $1",
                id,
            )
            .await?;
            let Some(current) = current else {
                return Ok(None);
            };
            let current = Visibility::parse(&current)
                .map_err(|e| StoreError::corrupt("contributions", "visibility", e))?;
            sqlx::query(
                "INSERT INTO contribution_flags (contribution_id, member_id, reason, note, created_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (contribution_id, member_id) DO UPDATE SET reason = excluded.reason,
                    note = excluded.note, created_at = excluded.created_at, resolved_at = NULL",
            )
            .bind(id)
            .bind(member)
            .bind(reason.slug())
            .bind(note)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let flags: i64 = scalar(
                &mut tx,
                "SELECT COUNT(*) FROM contribution_flags
                 WHERE contribution_id = $1 AND resolved_at IS NULL",
                id,
            )
            .await?;
            let after = visibility_after_flags(current, usize::try_from(flags).unwrap_or(0));
            if after != current {
                sqlx::query("UPDATE contributions SET visibility = $2 WHERE id = $1")
                    .bind(id)
                    .bind(after.slug())
                    .execute(&mut *tx)
                    .await?;
            }
            AuditRecord::new(member, "contribution.flag", "contribution", id)
                .before(serde_json::json!({"visibility": current.slug()}))
                .after(serde_json::json!({"visibility": after.slug(), "reason": reason.slug()}))
                .record(&mut tx)
                .await?;
            // A held contribution leaves the public thread.
            if after != current {
                record_change(&mut tx, "contribution", id, now).await?;
            }
            tx.commit().await?;
            if after != current {
                announce();
            }
            Some(after)
        });
        Ok(visibility)
    }

    /// A moderator's decision: settles the open flags and shows or hides the
    /// contribution. Returns false when there is no such contribution.
    pub async fn moderate_contribution(
        &self,
        id: Uuid,
        moderator: Uuid,
        decision: &Decision,
    ) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        let (visibility, reason) = match decision {
            Decision::Keep => (Visibility::Visible, None),
            Decision::Hide(reason) => (Visibility::Hidden, Some(reason.as_str())),
        };
        let found = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, Option<String>)> = sqlx::query_as(
                "SELECT visibility, moderation_reason FROM contributions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(before) = before else {
                return Ok(false);
            };
            sqlx::query(
                "UPDATE contributions SET visibility = $2, moderation_reason = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(visibility.slug())
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE contribution_flags SET resolved_at = $2
                 WHERE contribution_id = $1 AND resolved_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let action = if reason.is_some() {
                "contribution.hide"
            } else {
                "contribution.keep"
            };
            AuditRecord::new(moderator, action, "contribution", id)
                .before(serde_json::json!({"visibility": before.0, "reason": before.1}))
                .after(serde_json::json!({"visibility": visibility.slug(), "reason": reason}))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(found)
    }

    /// Contributions that are held or carry unsettled flags, oldest first.
    pub async fn moderation_queue(&self) -> Result<Vec<QueuedContribution>, StoreError> {
        let sql = format!(
            "{CONTRIBUTION_SELECT} WHERE c.visibility = 'retenida' OR EXISTS (SELECT 1 FROM
                contribution_flags f WHERE f.contribution_id = c.id AND f.resolved_at IS NULL)
             ORDER BY c.created_at"
        );
        type Reasons = Vec<(Uuid, String)>;
        type Questions = Vec<(Uuid, String, String)>;
        let (rows, reasons, questions): (Vec<ContributionRow>, Reasons, Questions) =
            dispatch!(self, |pool| {
                let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .fetch_all(pool)
                    .await?;
                let reasons = sqlx::query_as(
                "SELECT contribution_id, reason FROM contribution_flags WHERE resolved_at IS NULL
                 ORDER BY created_at",
            )
            .fetch_all(pool)
            .await?;
                let questions =
                    sqlx::query_as("SELECT id, question_es, question_en FROM discussions")
                        .fetch_all(pool)
                        .await?;
                (rows, reasons, questions)
            });
        let questions: HashMap<Uuid, Bilingual> = questions
            .into_iter()
            .map(|(id, es, en)| (id, Bilingual { es, en }))
            .collect();
        let mut citations = HashMap::new();
        rows.into_iter()
            .map(|row| {
                let contribution = contribution(row, &mut citations)?;
                let reasons = reasons
                    .iter()
                    .filter(|(c, _)| *c == contribution.id)
                    .map(|(_, r)| {
                        FlagReason::parse(r)
                            .map_err(|e| StoreError::corrupt("contribution_flags", "reason", e))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(QueuedContribution {
                    question: questions
                        .get(&contribution.discussion_id)
                        .cloned()
                        .unwrap_or_default(),
                    contribution,
                    reasons,
                })
            })
            .collect()
    }

    /// Opens, closes or archives a thread. Returns false when there is none.
    pub async fn set_discussion_status(
        &self,
        id: Uuid,
        status: DiscussionStatus,
        moderator: Uuid,
    ) -> Result<bool, StoreError> {
        let found = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let before: Option<String> =
                optional_scalar(&mut tx, "SELECT status FROM discussions WHERE id = $1", id)
                    .await?;
            let Some(before) = before else {
                return Ok(false);
            };
            sqlx::query("UPDATE discussions SET status = $2 WHERE id = $1")
                .bind(id)
                .bind(status.slug())
                .execute(&mut *tx)
                .await?;
            AuditRecord::new(moderator, "discussion.status", "discussion", id)
                .before(serde_json::json!({"status": before}))
                .after(serde_json::json!({"status": status.slug()}))
                .record_with_change(&mut tx, DbTime(Timestamp::now()))
                .await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(found)
    }

    /// Writes (or rewrites) the synthesis of a thread. Returns false when
    /// there is no such thread.
    pub async fn save_synthesis(
        &self,
        discussion_id: Uuid,
        content: &SynthesisContent,
        author: Uuid,
    ) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        let citations = content.citations();
        let found = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let exists: bool = scalar(
                &mut tx,
                "SELECT EXISTS (SELECT 1 FROM discussions WHERE id = $1)",
                discussion_id,
            )
            .await?;
            if !exists {
                return Ok(false);
            }
            let before: Option<(String, String, String)> = sqlx::query_as(
                "SELECT findings, agreements, pending FROM syntheses WHERE discussion_id = $1",
            )
            .bind(discussion_id)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO syntheses (discussion_id, findings, agreements, pending, author_id,
                    updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (discussion_id) DO UPDATE SET findings = excluded.findings,
                    agreements = excluded.agreements, pending = excluded.pending,
                    author_id = excluded.author_id, updated_at = excluded.updated_at",
            )
            .bind(discussion_id)
            .bind(&content.findings)
            .bind(&content.agreements)
            .bind(&content.pending)
            .bind(author)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            write_citations(&mut tx, "synthesis", discussion_id, &citations).await?;
            AuditRecord::new(author, "synthesis.save", "synthesis", discussion_id)
                .before(before.map(
                    |(f, a, p)| serde_json::json!({"findings": f, "agreements": a, "pending": p}),
                ))
                .after(serde_json::to_value(content).ok())
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(found)
    }

    /// The syntheses of these threads (those that have one), newest first.
    /// A page asks for a few threads: one query each.
    pub async fn syntheses(&self, discussion_ids: &[Uuid]) -> Result<Vec<Synthesis>, StoreError> {
        let mut found = Vec::with_capacity(discussion_ids.len());
        for id in discussion_ids {
            found.extend(self.synthesis_rows(Some(*id)).await?);
        }
        found.sort_by_key(|s| std::cmp::Reverse(s.updated_at));
        Ok(found)
    }

    /// Every published synthesis, newest first.
    pub async fn all_syntheses(&self) -> Result<Vec<Synthesis>, StoreError> {
        self.synthesis_rows(None).await
    }

    /// One thread's synthesis, or (`None`) all of them.
    async fn synthesis_rows(&self, discussion: Option<Uuid>) -> Result<Vec<Synthesis>, StoreError> {
        type Row = (Uuid, String, String, String, Option<String>, DbTime);
        let (rows, cited): (Vec<Row>, Vec<(Uuid, String, Uuid)>) = dispatch!(self, |pool| {
            let rows = sqlx::query_as(
                "SELECT s.discussion_id, s.findings, s.agreements, s.pending, m.display_name,
                    s.updated_at
                 FROM syntheses s LEFT JOIN members m ON m.id = s.author_id
                 WHERE ($1 IS NULL OR s.discussion_id = $1)
                 ORDER BY s.updated_at DESC",
            )
            .bind(discussion)
            .fetch_all(pool)
            .await?;
            let cited = sqlx::query_as(
                "SELECT owner_id, kind, target_id FROM citations
                 WHERE owner_kind = 'synthesis' AND ($1 IS NULL OR owner_id = $1)
                 ORDER BY owner_id, position",
            )
            .bind(discussion)
            .fetch_all(pool)
            .await?;
            (rows, cited)
        });
        let mut citations = citations_by_owner(cited)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, findings, agreements, pending, author_name, at)| Synthesis {
                    discussion_id: id,
                    content: SynthesisContent {
                        findings,
                        agreements,
                        pending,
                    },
                    author_name,
                    updated_at: at.0,
                    citations: citations.remove(&id).unwrap_or_default(),
                },
            )
            .collect())
    }

    /// The thread a contribution belongs to.
    pub async fn contribution_discussion(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        Ok(dispatch!(self, |pool| {
            sqlx::query_scalar("SELECT discussion_id FROM contributions WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Which of `ids` name no record of their kind (practices must be
    /// published to be cited).
    pub async fn missing_citations(
        &self,
        citations: &[Citation],
    ) -> Result<Vec<Citation>, StoreError> {
        let mut missing = Vec::new();
        for citation in citations {
            let sql = match citation.kind {
                CitedKind::Practice => {
                    "SELECT EXISTS (SELECT 1 FROM practices WHERE id = $1 AND status = 'publicada')"
                }
                CitedKind::Organization => {
                    "SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)"
                }
                CitedKind::Provision => "SELECT EXISTS (SELECT 1 FROM provisions WHERE id = $1)",
                CitedKind::Contribution => {
                    "SELECT EXISTS (SELECT 1 FROM contributions WHERE id = $1 AND visibility = 'visible')"
                }
            };
            let exists: bool = dispatch!(self, |pool| {
                sqlx::query_scalar(sql)
                    .bind(citation.id)
                    .fetch_one(pool)
                    .await?
            });
            if !exists {
                missing.push(citation.clone());
            }
        }
        Ok(missing)
    }
}
