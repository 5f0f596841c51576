//! Good practices: records, facets, versions, reviews, replies, notifications.
//! The list, its counts and facet counts are in `listing`.

mod listing;

use listing::FACET_CAP;
pub(crate) use listing::ListingDelta;

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    error::conflict_on,
    links::delete_each,
    notifications::{Subject, notify},
    outbox::commit_and_announce,
    time::DbTime,
};
use acoge_domain::{
    Cvegeo, StateKey, Timestamp,
    geo::fold_name,
    practice::{Partner, PracticeContent, PracticeStatus, ReviewDecision, after_review},
    practice::{Population, Sector},
    taxonomy::{GovernmentLevel, Right},
};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A stored practice.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PracticeRecord {
    pub id: Uuid,
    pub slug: Option<String>,
    pub status: PracticeStatus,
    pub content: PracticeContent,
    pub created_by: Option<Uuid>,
    pub author_organization: Option<Uuid>,
    pub version: i32,
    pub review_round: i32,
    pub is_example: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// How a new practice enters the store.
#[derive(Debug, Clone)]
pub struct NewPractice<'a> {
    pub content: &'a PracticeContent,
    pub status: PracticeStatus,
    pub slug: Option<&'a str>,
    pub created_by: Option<Uuid>,
    pub author_organization: Option<Uuid>,
    pub is_example: bool,
}

/// Which practices a reader may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Published only.
    Public,
    /// Published plus those awaiting review.
    Reviewer,
    /// Everything.
    All,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PracticeFilter {
    pub text: Option<String>,
    pub state: Option<StateKey>,
    pub municipality: Option<Cvegeo>,
    pub right: Option<Right>,
    pub sector: Option<Sector>,
    pub population: Option<Population>,
    pub level: Option<GovernmentLevel>,
    pub gcm_objective: Option<u8>,
    pub covid19: Option<bool>,
    pub year: Option<i32>,
    pub status: Option<PracticeStatus>,
    /// Only practices of this member or organization ("my practices").
    pub mine: Option<(Uuid, Option<Uuid>)>,
    /// Only practices an organization leads, joins as partner, or is contact for.
    pub organization: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PracticeSort {
    #[default]
    Recent,
    Title,
    StartYear,
}

/// Counts per value of each facet, over the filtered list.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Facets {
    pub state: Vec<(String, u64)>,
    pub terms: BTreeMap<String, Vec<(String, u64)>>,
    pub covid19: Vec<(bool, u64)>,
    pub year: Vec<(i32, u64)>,
    /// False when more than [`FACET_CAP`] practices match a filter whose
    /// counts are not kept: the values are those found with its most
    /// selective condition, and the numbers are upper bounds, not counts.
    pub exact: bool,
}

impl Facets {
    /// Filters without kept counts are counted when at most this many match.
    pub const CAP: u64 = FACET_CAP;
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReviewRecord {
    pub id: Uuid,
    pub round: i32,
    pub reviewer_id: Option<Uuid>,
    pub reviewer_name: Option<String>,
    pub reviewer_org: Option<Uuid>,
    pub decision: ReviewDecision,
    pub checklist: BTreeMap<String, bool>,
    pub comment: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplyRecord {
    pub id: Uuid,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct VersionRecord {
    pub version: i32,
    pub content: PracticeContent,
    pub edited_by_name: Option<String>,
    pub created_at: Timestamp,
}

/// A review to record.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    pub reviewer: Uuid,
    pub reviewer_org: Option<Uuid>,
    pub decision: ReviewDecision,
    pub checklist: &'a BTreeMap<String, bool>,
    pub comment: &'a str,
    pub required_approvals: u32,
}

#[derive(sqlx::FromRow)]
pub(crate) struct PracticeRow {
    id: Uuid,
    slug: Option<String>,
    status: String,
    content: String,
    created_by: Option<Uuid>,
    author_organization: Option<Uuid>,
    version: i32,
    review_round: i32,
    is_example: bool,
    created_at: DbTime,
    updated_at: DbTime,
    published_at: Option<DbTime>,
}

const TABLE: &str = "practices";
pub(crate) const COLUMNS: &str = "p.id, p.slug, p.status, p.content, p.created_by, p.author_organization, \
     p.version, p.review_round, p.is_example, p.created_at, p.updated_at, p.published_at";

impl PracticeRow {
    pub(crate) fn into_record(self) -> Result<PracticeRecord, StoreError> {
        Ok(PracticeRecord {
            id: self.id,
            slug: self.slug,
            status: PracticeStatus::parse(&self.status)
                .map_err(|e| StoreError::corrupt(TABLE, "status", e))?,
            content: serde_json::from_str(&self.content)
                .map_err(|e| StoreError::corrupt(TABLE, "content", e))?,
            created_by: self.created_by,
            author_organization: self.author_organization,
            version: self.version,
            review_round: self.review_round,
            is_example: self.is_example,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
            published_at: self.published_at.map(|t| t.0),
        })
    }
}

pub(crate) fn content_json(content: &PracticeContent) -> Result<String, StoreError> {
    serde_json::to_string(content).map_err(|e| StoreError::corrupt(TABLE, "content", e))
}

/// (facet, term) pairs of a content, for the facet table.
pub(crate) fn facet_terms(content: &PracticeContent) -> Vec<(&'static str, String)> {
    let mut terms = Vec::new();
    terms.extend(
        content
            .rights
            .iter()
            .map(|t| ("right", t.slug().to_owned())),
    );
    terms.extend(
        content
            .sectors
            .iter()
            .map(|t| ("sector", t.slug().to_owned())),
    );
    terms.extend(
        content
            .populations
            .iter()
            .map(|t| ("population", t.slug().to_owned())),
    );
    terms.extend(
        content
            .levels_of_government
            .iter()
            .map(|t| ("level", t.slug().to_owned())),
    );
    terms.extend(
        content
            .gcm_objectives
            .iter()
            .map(|n| ("gcm", n.to_string())),
    );
    terms
}

/// Organizations named by a content, with their role in it.
pub(crate) fn organization_roles(content: &PracticeContent) -> Vec<(Uuid, &'static str)> {
    let mut roles = vec![(content.lead_organization, "lead")];
    for partner in &content.partners {
        if let Partner::Existing(id) = partner {
            roles.push((*id, "partner"));
        }
    }
    if let Some(contact) = content.contact_organization {
        roles.push((contact, "contact"));
    }
    roles.sort();
    roles.dedup();
    roles
}

/// A practice's facet rows, cleared before `write_facets` writes them again.
const CLEAR_FACETS: [&str; 4] = [
    "DELETE FROM practice_municipalities WHERE practice_id = $1",
    "DELETE FROM practice_organizations WHERE practice_id = $1",
    "DELETE FROM practice_terms WHERE practice_id = $1",
    "DELETE FROM practice_provisions WHERE practice_id = $1",
];

/// Rewrites a practice's facet rows from its content, in the caller's
/// transaction.
async fn write_facets(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    content: &PracticeContent,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    delete_each(&mut tx, &CLEAR_FACETS, id).await?;
    insert_facets(&mut tx, id, content).await
}

/// Writes the facet rows of a practice that has none yet, in the caller's
/// transaction.
async fn insert_facets(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    content: &PracticeContent,
) -> Result<(), StoreError> {
    let roles = organization_roles(content);
    let terms = facet_terms(content);
    // One multi-row INSERT per table: a practice has a dozen facet rows,
    // and statements, not rows, are what cost (demo corpora write 100,000).
    dispatch!(tx: tx.into(), |conn| {
        if !content.municipalities.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO practice_municipalities (practice_id, cvegeo) ",
            );
            insert.push_values(&content.municipalities, |mut row, cvegeo| {
                row.push_bind(id).push_bind(cvegeo.as_str());
            });
            insert.build().execute(&mut *conn).await?;
        }
        let mut insert = sqlx::QueryBuilder::new(
            "INSERT INTO practice_organizations (practice_id, organization_id, role) ",
        );
        insert.push_values(&roles, |mut row, (organization, role)| {
            row.push_bind(id).push_bind(*organization).push_bind(*role);
        });
        insert.build().execute(&mut *conn).await?;
        if !terms.is_empty() {
            let mut insert =
                sqlx::QueryBuilder::new("INSERT INTO practice_terms (practice_id, facet, term) ");
            insert.push_values(&terms, |mut row, (facet, term)| {
                row.push_bind(id).push_bind(*facet).push_bind(term);
            });
            insert.build().execute(&mut *conn).await?;
        }
        if !content.legal_basis.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO practice_provisions (practice_id, provision_id) ",
            );
            insert.push_values(&content.legal_basis, |mut row, provision| {
                row.push_bind(id).push_bind(*provision);
            });
            insert.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Inserts a new practice (version 1): its row, facets and first version, in
/// the caller's transaction. Shared by `create_practice` and the demo corpus,
/// which add their own audit and outbox rows.
pub(crate) async fn insert_practice(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    new: &NewPractice<'_>,
    json: &str,
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    let published = (new.status == PracticeStatus::Published).then_some(now);
    dispatch!(tx: tx.reborrow(), |conn| {
        sqlx::query(
            "INSERT INTO practices (id, slug, status, title, title_folded, summary_folded, content,
                lead_organization, author_organization, created_by, covid19, start_year,
                review_round, version, is_example, created_at, updated_at, published_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, 1, $13, $14, $14, $15)",
        )
        .bind(id)
        .bind(new.slug)
        .bind(new.status.slug())
        .bind(&new.content.title)
        .bind(fold_name(&new.content.title))
        .bind(fold_name(&new.content.summary))
        .bind(json)
        .bind(new.content.lead_organization)
        .bind(new.author_organization)
        .bind(new.created_by)
        .bind(new.content.covid19)
        .bind(start_year(new.content))
        .bind(new.is_example)
        .bind(now)
        .bind(published)
        .execute(conn)
        .await?;
    });
    insert_facets(&mut tx, id, new.content).await?;
    write_version(&mut tx, id, 1, json, new.created_by, now).await
}

/// Keeps `json` as version `version` of the practice, in the caller's
/// transaction.
async fn write_version(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    version: i32,
    json: &str,
    editor: Option<Uuid>,
    now: DbTime,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query(
            "INSERT INTO practice_versions (practice_id, version, content, edited_by, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(version)
        .bind(json)
        .bind(editor)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

fn parse_content(json: &str) -> Result<PracticeContent, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::corrupt(TABLE, "content", e))
}

/// Keeps `practice_counts` when a practice moves from `from` to `to`: in or
/// out of the published list, with the content it has, in the caller's
/// transaction.
async fn count_status_change(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    from: PracticeStatus,
    to: PracticeStatus,
) -> Result<(), StoreError> {
    let sign = match (
        from == PracticeStatus::Published,
        to == PracticeStatus::Published,
    ) {
        (false, true) => 1,
        (true, false) => -1,
        _ => return Ok(()),
    };
    let mut tx = tx.into();
    let json: String = dispatch!(tx: tx.reborrow(), |conn| {
        sqlx::query_scalar("SELECT content FROM practices WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
    });
    let mut counts = ListingDelta::default();
    counts.add(&parse_content(&json)?, sign);
    counts.write(&mut tx).await
}

pub(crate) fn start_year(content: &PracticeContent) -> Option<i32> {
    content.start_date.map(|d| i32::from(d.year))
}

impl Db {
    /// Whether a member, or their organization, has practices only they may
    /// see yet (drafts, submissions, practices in review or sent back): a
    /// member without any sees the very lists a visitor sees.
    pub async fn has_unpublished_practices(
        &self,
        member: Uuid,
        organization: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT EXISTS (SELECT 1 FROM practices
                 WHERE created_by = $1 AND status <> 'publicada')
             OR EXISTS (SELECT 1 FROM practices
                 WHERE author_organization = $2 AND status <> 'publicada')";
        Ok(dispatch!(self, |pool| {
            sqlx::query_scalar(SQL)
                .bind(member)
                .bind(organization)
                .fetch_one(pool)
                .await?
        }))
    }

    /// Stores a new practice (version 1) and returns its id.
    pub async fn create_practice(&self, new: &NewPractice<'_>) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let now = DbTime(Timestamp::now());
        let json = content_json(new.content)?;
        let mut counts = ListingDelta::default();
        if new.status == PracticeStatus::Published {
            counts.add(new.content, 1);
        }
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            insert_practice(&mut tx, id, new, &json, now).await?;
            counts.write(&mut tx).await?;
            AuditRecord::new(new.created_by, "practice.create", "practice", id)
                .after(json!({ "status": new.status.slug(), "title": new.content.title }))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
        });
        Ok(id)
    }

    /// Replaces a practice's content, keeping the old one as a version.
    /// Returns the new version number, or None if there is no such practice.
    pub async fn update_practice(
        &self,
        id: Uuid,
        content: &PracticeContent,
        editor: Option<Uuid>,
    ) -> Result<Option<i32>, StoreError> {
        let now = DbTime(Timestamp::now());
        let json = content_json(content)?;
        let version = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, i32, String)> =
                sqlx::query_as("SELECT content, version, status FROM practices WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((before, version, status)) = before else {
                return Ok(None);
            };
            // A published practice's new content moves it between counts.
            let mut counts = ListingDelta::default();
            if status == PracticeStatus::Published.slug() {
                counts.add(&parse_content(&before)?, -1);
                counts.add(content, 1);
            }
            let version = version + 1;
            sqlx::query(
                "UPDATE practices SET title = $2, title_folded = $3, summary_folded = $4, content = $5,
                    lead_organization = $6, covid19 = $7, start_year = $8, version = $9, updated_at = $10
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&content.title)
            .bind(fold_name(&content.title))
            .bind(fold_name(&content.summary))
            .bind(&json)
            .bind(content.lead_organization)
            .bind(content.covid19)
            .bind(start_year(content))
            .bind(version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            write_facets(&mut tx, id, content).await?;
            counts.write(&mut tx).await?;
            write_version(&mut tx, id, version, &json, editor, now).await?;
            AuditRecord::new(editor, "practice.edit", "practice", id)
                .before(serde_json::from_str(&before).ok())
                .after(serde_json::from_str(&json).ok())
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            version
        });
        Ok(Some(version))
    }

    pub async fn practice(&self, id: Uuid) -> Result<Option<PracticeRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM practices p WHERE p.id = $1");
        self.record_by(sql, id, PracticeRow::into_record).await
    }

    pub async fn practice_by_slug(&self, slug: &str) -> Result<Option<PracticeRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM practices p WHERE p.slug = $1");
        self.record_by(sql, slug, PracticeRow::into_record).await
    }

    /// Moves a practice from `from` to `to` (compare-and-set), notifying `notify_members`.
    pub async fn set_practice_status(
        &self,
        id: Uuid,
        from: PracticeStatus,
        to: PracticeStatus,
        actor: Uuid,
        notify_members: &[Uuid],
    ) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        let moved = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // A new submission starts a new review round: earlier reviews no longer count.
            let new_round = i32::from(
                to == PracticeStatus::Submitted && from == PracticeStatus::ChangesRequested,
            );
            let moved = sqlx::query(
                "UPDATE practices SET status = $3, updated_at = $4, review_round = review_round + $5,
                    published_at = CASE WHEN $3 = 'publicada' THEN $4 ELSE published_at END
                 WHERE id = $1 AND status = $2",
            )
            .bind(id)
            .bind(from.slug())
            .bind(to.slug())
            .bind(now)
            .bind(new_round)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Ok(false);
            }
            count_status_change(&mut tx, id, from, to).await?;
            notify(
                &mut tx,
                notify_members,
                to.slug(),
                Subject::Practice(id),
                now,
            )
            .await?;
            AuditRecord::new(actor, "practice.status", "practice", id)
                .before(json!({ "status": from.slug() }))
                .after(json!({ "status": to.slug() }))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(moved)
    }

    /// Records a review and applies its consequence to the practice's status,
    /// atomically. Returns the new status, or `None` when the practice is gone
    /// or no longer in `practice.status`. A second review by the same
    /// reviewer in the same round is `Conflict { field: "reviewer" }` (a
    /// unique index, so two sent at once cannot both count).
    pub async fn add_review(
        &self,
        practice: &PracticeRecord,
        review: &NewReview<'_>,
        notify_members: &[Uuid],
    ) -> Result<Option<PracticeStatus>, StoreError> {
        let now = DbTime(Timestamp::now());
        let checklist = serde_json::to_string(review.checklist)
            .map_err(|e| StoreError::corrupt("practice_reviews", "checklist", e))?;
        let id = practice.id;
        let status = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            // A no-op UPDATE locks the practice's row on PostgreSQL (SQLite's
            // BEGIN IMMEDIATE already serializes writers), so concurrent
            // reviews count each other's approvals.
            let current: Option<(String, i32)> = sqlx::query_as(
                "UPDATE practices SET status = status WHERE id = $1 RETURNING status, review_round",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((current, round)) = current else {
                return Ok(None);
            };
            if current != practice.status.slug() {
                // Someone else moved it meanwhile; the caller re-checks and retries.
                return Ok(None);
            }
            sqlx::query(
                "INSERT INTO practice_reviews (id, practice_id, round, reviewer_id, reviewer_org, decision,
                    checklist, comment, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(Uuid::now_v7())
            .bind(id)
            .bind(round)
            .bind(review.reviewer)
            .bind(review.reviewer_org)
            .bind(review.decision.slug())
            .bind(&checklist)
            .bind(review.comment)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("reviewer"))?;
            let approvals: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM practice_reviews WHERE practice_id = $1 AND round = $2 AND decision = 'aprobar'",
            )
            .bind(id)
            .bind(round)
            .fetch_one(&mut *tx)
            .await?;
            let approvals = u32::try_from(approvals).unwrap_or(u32::MAX);
            let next = after_review(review.decision, approvals, review.required_approvals);
            sqlx::query(
                "UPDATE practices SET status = $2, updated_at = $3,
                    published_at = CASE WHEN $2 = 'publicada' THEN $3 ELSE published_at END
                 WHERE id = $1",
            )
            .bind(id)
            .bind(next.slug())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            count_status_change(&mut tx, id, practice.status, next).await?;
            notify(
                &mut tx,
                notify_members,
                "review",
                Subject::Practice(id),
                now,
            )
            .await?;
            AuditRecord::new(review.reviewer, "practice.review", "practice", id)
                .before(json!({ "status": current }))
                .after(json!({
                    "status": next.slug(),
                    "decision": review.decision.slug(),
                    "comment": review.comment,
                }))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            next
        });
        Ok(Some(status))
    }

    pub async fn reviews(&self, practice: Uuid) -> Result<Vec<ReviewRecord>, StoreError> {
        type Row = (
            Uuid,
            i32,
            Option<Uuid>,
            Option<String>,
            Option<Uuid>,
            String,
            String,
            String,
            DbTime,
        );
        let rows: Vec<Row> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT r.id, r.round, r.reviewer_id, m.display_name, r.reviewer_org, r.decision, r.checklist,
                    r.comment, r.created_at
                 FROM practice_reviews r LEFT JOIN members m ON m.id = r.reviewer_id
                 WHERE r.practice_id = $1 ORDER BY r.created_at",
            )
            .bind(practice)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(
                    id,
                    round,
                    reviewer_id,
                    reviewer_name,
                    reviewer_org,
                    decision,
                    checklist,
                    comment,
                    at,
                )| {
                    Ok(ReviewRecord {
                        id,
                        round,
                        reviewer_id,
                        reviewer_name,
                        reviewer_org,
                        decision: ReviewDecision::parse(&decision)
                            .map_err(|e| StoreError::corrupt("practice_reviews", "decision", e))?,
                        checklist: serde_json::from_str(&checklist)
                            .map_err(|e| StoreError::corrupt("practice_reviews", "checklist", e))?,
                        comment,
                        created_at: at.0,
                    })
                },
            )
            .collect()
    }

    pub async fn add_reply(
        &self,
        practice: Uuid,
        author: Uuid,
        body: &str,
        notify_members: &[Uuid],
    ) -> Result<(), StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO practice_replies (id, practice_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(practice)
            .bind(author)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(author, "practice.reply", "practice", practice)
                .after(json!({ "reply": body }))
                .record(&mut tx)
                .await?;
            notify(
                &mut tx,
                notify_members,
                "reply",
                Subject::Practice(practice),
                now,
            )
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn replies(&self, practice: Uuid) -> Result<Vec<ReplyRecord>, StoreError> {
        let rows: Vec<(Uuid, Option<String>, String, DbTime)> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT r.id, m.display_name, r.body, r.created_at FROM practice_replies r
                 LEFT JOIN members m ON m.id = r.author_id WHERE r.practice_id = $1 ORDER BY r.created_at",
            )
            .bind(practice)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, author_name, body, at)| ReplyRecord {
                id,
                author_name,
                body,
                created_at: at.0,
            })
            .collect())
    }

    /// Every version, oldest first.
    pub async fn practice_versions(
        &self,
        practice: Uuid,
    ) -> Result<Vec<VersionRecord>, StoreError> {
        let rows: Vec<(i32, String, Option<String>, DbTime)> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT v.version, v.content, m.display_name, v.created_at FROM practice_versions v
                 LEFT JOIN members m ON m.id = v.edited_by WHERE v.practice_id = $1 ORDER BY v.version",
            )
            .bind(practice)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(version, content, edited_by_name, at)| {
                Ok(VersionRecord {
                    version,
                    content: serde_json::from_str(&content)
                        .map_err(|e| StoreError::corrupt("practice_versions", "content", e))?,
                    edited_by_name,
                    created_at: at.0,
                })
            })
            .collect()
    }

    /// Members with the reviewer role (or administrators) outside `organization`.
    pub async fn reviewers_outside(
        &self,
        organization: Option<Uuid>,
    ) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<Uuid> = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "SELECT id FROM members WHERE role IN ('revisor', 'administrador')
                 AND ($1 IS NULL OR organization_id IS NULL OR organization_id <> $1)",
            )
            .bind(organization)
            .fetch_all(pool)
            .await?
        });
        Ok(ids)
    }

    /// The practice's authors to notify: its creator and its organization's members.
    pub async fn practice_authors(
        &self,
        practice: &PracticeRecord,
    ) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<Uuid> = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "SELECT id FROM members WHERE id = $1 OR ($2 IS NOT NULL AND organization_id = $2)",
            )
            .bind(practice.created_by)
            .bind(practice.author_organization)
            .fetch_all(pool)
            .await?
        });
        Ok(ids)
    }

    /// Whether `reviewer` already reviewed the practice in its current round.
    pub async fn reviewed_this_round(
        &self,
        practice: &PracticeRecord,
        reviewer: Uuid,
    ) -> Result<bool, StoreError> {
        let n: i64 = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM practice_reviews WHERE practice_id = $1 AND round = $2 AND reviewer_id = $3",
            )
            .bind(practice.id)
            .bind(practice.review_round)
            .bind(reviewer)
            .fetch_one(pool)
            .await?
        });
        Ok(n > 0)
    }

    /// Which of `ids` are not organizations of the directory.
    pub async fn missing_organizations(&self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let mut missing = Vec::new();
        for id in ids {
            if self.organization(*id).await?.is_none() {
                missing.push(*id);
            }
        }
        Ok(missing)
    }

    /// Which of `keys` are not municipalities.
    pub async fn missing_municipalities(&self, keys: &[Cvegeo]) -> Result<Vec<Cvegeo>, StoreError> {
        let mut missing = Vec::new();
        for key in keys {
            if self.municipality(key).await?.is_none() {
                missing.push(key.clone());
            }
        }
        Ok(missing)
    }

    /// Which of `ids` are not legal provisions.
    pub async fn missing_provisions(&self, ids: &[Uuid]) -> Result<Vec<Uuid>, StoreError> {
        let known: Vec<Uuid> = self.provisions().await?.into_iter().map(|p| p.id).collect();
        Ok(ids
            .iter()
            .filter(|id| !known.contains(id))
            .copied()
            .collect())
    }
}

impl Db {
    /// The names of these organizations (those in the directory), in one
    /// query: what a page of practices names.
    pub async fn organization_names(
        &self,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
        let mut unique = ids.to_vec();
        unique.sort_unstable();
        unique.dedup();
        if unique.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let rows: Vec<(Uuid, String)> = dispatch!(self, |pool| {
            let mut query =
                sqlx::QueryBuilder::new("SELECT id, name FROM organizations WHERE id IN (");
            let mut list = query.separated(", ");
            for id in &unique {
                list.push_bind(*id);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await?
        });
        Ok(rows.into_iter().collect())
    }

    /// An organization's id by its exact name (how data files refer to organizations).
    pub async fn organization_id_by_name(&self, name: &str) -> Result<Option<Uuid>, StoreError> {
        let id = dispatch!(self, |pool| {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM organizations WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        });
        Ok(id)
    }

    /// A provision's id by its instrument and article.
    pub async fn provision_id(
        &self,
        instrument: &str,
        article: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        let id = dispatch!(self, |pool| {
            sqlx::query_scalar::<_, Uuid>(
                "SELECT id FROM provisions WHERE instrument_id = $1 AND article = $2",
            )
            .bind(instrument)
            .bind(article)
            .fetch_optional(pool)
            .await?
        });
        Ok(id)
    }
}
