//! Working groups, the collaboration framework and its acceptances.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    error::conflict_on,
    outbox::{commit_and_announce, record_change},
    rows::{grouped, scalar},
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    lang::Bilingual,
    working_group::{FrameworkVersion, GroupContent, WorkingGroup},
};
use uuid::Uuid;

type GroupRow = (Uuid, String, String, String, String, String);

/// Audits, inside the caller's transaction, `actor`'s change `action` to
/// working group `group`, with what it set (nothing is kept from before),
/// and writes its outbox row: group pages are public, so their cached copies
/// must follow.
async fn record_group_change(
    tx: impl Into<Tx<'_>>,
    actor: Uuid,
    action: &str,
    group: Uuid,
    after: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    AuditRecord::new(actor, action, "working_group", group)
        .after(after)
        .record_with_change(&mut tx, DbTime(Timestamp::now()))
        .await
}

impl Db {
    /// Adds a working group; a taken slug is `Conflict { field: "slug" }`.
    pub async fn create_working_group(
        &self,
        content: &GroupContent,
        moderators: &[Uuid],
        actor: Uuid,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO working_groups (id, slug, name_es, name_en, description_es,
                    description_en, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(&content.slug)
            .bind(&content.name.es)
            .bind(&content.name.en)
            .bind(&content.description.es)
            .bind(&content.description.en)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("slug"))?;
            for member in moderators {
                sqlx::query(
                    "INSERT INTO working_group_moderators (group_id, member_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(member)
                .execute(&mut *tx)
                .await?;
            }
            record_group_change(
                &mut tx,
                actor,
                "working_group.create",
                id,
                serde_json::to_value(content).ok(),
            )
            .await?;
            commit_and_announce(tx).await?;
        });
        Ok(id)
    }

    /// Every working group with its moderators and member organizations.
    pub async fn working_groups(&self) -> Result<Vec<WorkingGroup>, StoreError> {
        type Named = Vec<(Uuid, Uuid, String)>;
        let (groups, moderators, organizations): (Vec<GroupRow>, Named, Named) =
            dispatch!(self, |pool| {
                let groups = sqlx::query_as(
                    "SELECT id, slug, name_es, name_en, description_es, description_en
                     FROM working_groups ORDER BY name_es",
                )
                .fetch_all(pool)
                .await?;
                let moderators = sqlx::query_as(
                    "SELECT g.group_id, g.member_id, m.display_name FROM working_group_moderators g
                     JOIN members m ON m.id = g.member_id ORDER BY m.display_name",
                )
                .fetch_all(pool)
                .await?;
                let organizations = sqlx::query_as(
                    "SELECT g.group_id, g.organization_id, o.name
                     FROM working_group_organizations g
                     JOIN organizations o ON o.id = g.organization_id ORDER BY o.name",
                )
                .fetch_all(pool)
                .await?;
                (groups, moderators, organizations)
            });
        let mut moderators_of = grouped(
            moderators
                .into_iter()
                .map(|(group, member, name)| (group, (member, name))),
        );
        let mut organizations_of = grouped(
            organizations
                .into_iter()
                .map(|(group, id, name)| (group, (id, name))),
        );
        Ok(groups
            .into_iter()
            .map(
                |(id, slug, name_es, name_en, description_es, description_en)| WorkingGroup {
                    id,
                    content: GroupContent {
                        slug,
                        name: Bilingual {
                            es: name_es,
                            en: name_en,
                        },
                        description: Bilingual {
                            es: description_es,
                            en: description_en,
                        },
                    },
                    moderators: moderators_of.remove(&id).unwrap_or_default(),
                    organizations: organizations_of.remove(&id).unwrap_or_default(),
                },
            )
            .collect())
    }

    /// Rewrites a group's names and descriptions (its slug stays: addresses
    /// and calendars use it). Returns false when there is no such group.
    pub async fn update_working_group(
        &self,
        group: Uuid,
        content: &GroupContent,
        actor: Uuid,
    ) -> Result<bool, StoreError> {
        let after = serde_json::to_value(content).ok();
        let updated = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE working_groups SET name_es = $2, name_en = $3, description_es = $4,
                    description_en = $5 WHERE id = $1",
            )
            .bind(group)
            .bind(&content.name.es)
            .bind(&content.name.en)
            .bind(&content.description.es)
            .bind(&content.description.en)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            record_group_change(&mut tx, actor, "working_group.update", group, after.clone())
                .await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(updated)
    }

    /// One working group by its slug. Groups are few: this reads them all
    /// rather than keep a second query in step with `working_groups`.
    pub async fn working_group(&self, slug: &str) -> Result<Option<WorkingGroup>, StoreError> {
        Ok(self
            .working_groups()
            .await?
            .into_iter()
            .find(|g| g.content.slug == slug))
    }

    /// An organization joins (or, with `join` false, leaves) a group. Returns
    /// false when there is no such group.
    pub async fn set_group_membership(
        &self,
        group: Uuid,
        organization: Uuid,
        join: bool,
        actor: Uuid,
    ) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        let found = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let exists: bool = scalar(
                &mut tx,
                "SELECT EXISTS (SELECT 1 FROM working_groups WHERE id = $1)",
                group,
            )
            .await?;
            if !exists {
                return Ok(false);
            }
            if join {
                sqlx::query(
                    "INSERT INTO working_group_organizations (group_id, organization_id, joined_at)
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(group)
                .bind(organization)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "DELETE FROM working_group_organizations
                     WHERE group_id = $1 AND organization_id = $2",
                )
                .bind(group)
                .bind(organization)
                .execute(&mut *tx)
                .await?;
            }
            let action = if join {
                "working_group.join"
            } else {
                "working_group.leave"
            };
            let after = serde_json::json!({ "organization": organization });
            record_group_change(&mut tx, actor, action, group, Some(after)).await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(found)
    }

    /// Adds a moderator to a group (or, with `add` false, removes one).
    /// Returns false when there is no such group or member.
    pub async fn set_group_moderator(
        &self,
        group: Uuid,
        member: Uuid,
        add: bool,
        actor: Uuid,
    ) -> Result<bool, StoreError> {
        let found = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM working_groups WHERE id = $1)
                    AND EXISTS (SELECT 1 FROM members WHERE id = $2)",
            )
            .bind(group)
            .bind(member)
            .fetch_one(&mut *tx)
            .await?;
            if !exists {
                return Ok(false);
            }
            let sql = if add {
                "INSERT INTO working_group_moderators (group_id, member_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING"
            } else {
                "DELETE FROM working_group_moderators WHERE group_id = $1 AND member_id = $2"
            };
            sqlx::query(sql)
                .bind(group)
                .bind(member)
                .execute(&mut *tx)
                .await?;
            let action = if add {
                "working_group.moderator_add"
            } else {
                "working_group.moderator_remove"
            };
            let after = serde_json::json!({ "member": member });
            record_group_change(&mut tx, actor, action, group, Some(after)).await?;
            commit_and_announce(tx).await?;
            true
        });
        Ok(found)
    }

    /// Publishes a new version of the framework; returns its number.
    pub async fn publish_framework(
        &self,
        body: &Bilingual,
        editor: Uuid,
    ) -> Result<i32, StoreError> {
        let now = DbTime(Timestamp::now());
        let version = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let last: Option<i32> =
                sqlx::query_scalar("SELECT MAX(version) FROM framework_versions")
                    .fetch_one(&mut *tx)
                    .await?;
            let version = last.unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO framework_versions (version, body_es, body_en, edited_by, published_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(version)
            .bind(&body.es)
            .bind(&body.en)
            .bind(editor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(editor, "framework.publish", "framework", version)
                .after(serde_json::to_value(body).ok())
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
            version
        });
        Ok(version)
    }

    /// Every version of the framework, newest first.
    pub async fn framework_versions(&self) -> Result<Vec<FrameworkVersion>, StoreError> {
        type Row = (i32, String, String, Option<String>, DbTime);
        let rows: Vec<Row> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT f.version, f.body_es, f.body_en, m.display_name, f.published_at
                 FROM framework_versions f LEFT JOIN members m ON m.id = f.edited_by
                 ORDER BY f.version DESC",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(version, es, en, edited_by_name, at)| FrameworkVersion {
                version,
                body: Bilingual { es, en },
                edited_by_name,
                published_at: at.0,
            })
            .collect())
    }

    /// An organization accepts the current framework. Returns the version
    /// accepted, or `None` when none is published yet.
    pub async fn accept_framework(
        &self,
        organization: Uuid,
        member: Uuid,
    ) -> Result<Option<i32>, StoreError> {
        let now = DbTime(Timestamp::now());
        let accepted = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let current: Option<i32> =
                sqlx::query_scalar("SELECT MAX(version) FROM framework_versions")
                    .fetch_one(&mut *tx)
                    .await?;
            let Some(version) = current else {
                return Ok(None);
            };
            sqlx::query(
                "INSERT INTO framework_acceptances (organization_id, version, accepted_by, accepted_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (organization_id) DO UPDATE SET version = excluded.version,
                    accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at",
            )
            .bind(organization)
            .bind(version)
            .bind(member)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(member, "framework.accept", "organization", organization)
                .after(serde_json::json!({ "version": version }))
                .record(&mut tx)
                .await?;
            // The framework's page lists the organizations that accepted it.
            record_change(&mut tx, "framework_acceptance", organization, now).await?;
            commit_and_announce(tx).await?;
            Some(version)
        });
        Ok(accepted)
    }

    /// The member organizations of the community: (id, name, version accepted).
    pub async fn framework_members(&self) -> Result<Vec<(Uuid, String, i32)>, StoreError> {
        // CROSS JOIN keeps SQLite reading the acceptances (a few) and looking
        // each organization up, rather than walking every organization in
        // name order to find them (33 ms at 20,000 organizations).
        Ok(dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT o.id, o.name, a.version FROM framework_acceptances a
                 CROSS JOIN organizations o WHERE o.id = a.organization_id ORDER BY o.name",
            )
            .fetch_all(pool)
            .await?
        }))
    }
}
