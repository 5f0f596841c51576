//! Moderators' changes to instruments and provisions. Each change, in one
//! transaction: the record's new content, a version row keeping the content
//! and why it changed, an audit entry with before and after, and an outbox row
//! so the search index follows.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    error::conflict_on,
    links::{delete_each, link_each},
    outbox::commit_and_announce,
    rows::{Bindable, optional_scalar, scalar},
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    legal_change::{ChangeKind, InstrumentContent, ProvisionContent},
    taxonomy::{GovernmentLevel, Right},
};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// One version of an instrument or a provision, oldest first in a history.
#[derive(Debug, Clone, Serialize)]
pub struct LegalVersion<T> {
    pub version: i32,
    pub kind: ChangeKind,
    pub content: T,
    pub note: Option<String>,
    /// The moderator's display name; `None` for the reference data or a
    /// deleted account.
    pub edited_by_name: Option<String>,
    /// When the version was recorded; `None` for the reference data as it
    /// stood before the first change.
    pub recorded_at: Option<Timestamp>,
}

/// Who changes what, and why.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub editor: Uuid,
    pub kind: ChangeKind,
    pub note: Option<&'a str>,
}

fn json<T: Serialize>(content: &T) -> Result<String, StoreError> {
    serde_json::to_string(content).map_err(|e| StoreError::corrupt("legal_versions", "content", e))
}

type VersionRow = (
    i32,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<DbTime>,
);

fn versions<T: DeserializeOwned>(
    rows: Vec<VersionRow>,
) -> Result<Vec<LegalVersion<T>>, StoreError> {
    const TABLE: &str = "legal_versions";
    rows.into_iter()
        .map(|(version, kind, content, note, edited_by_name, at)| {
            Ok(LegalVersion {
                version,
                kind: ChangeKind::parse(&kind)
                    .map_err(|e| StoreError::corrupt(TABLE, "kind", e))?,
                content: serde_json::from_str(&content)
                    .map_err(|e| StoreError::corrupt(TABLE, "content", e))?,
                note,
                edited_by_name,
                // The baseline written before a first change has no real date.
                recorded_at: at
                    .map(|t| t.0)
                    .filter(|_| kind != ChangeKind::Import.slug()),
            })
        })
        .collect()
}

/// Binds an instrument's content (the columns `level` to `sources`) after
/// its id, as both its INSERT and its UPDATE number them (`$2` to `$8`). A
/// macro: the query types differ per backend and per statement.
macro_rules! bind_instrument_content {
    ($query:expr, $content:expr) => {{
        let content: &InstrumentContent = $content;
        $query
            .bind(content.level.slug())
            .bind(&content.jurisdiction)
            .bind(&content.name)
            .bind(content.published.map(|d| d.to_string()))
            .bind(&content.notes)
            .bind(content.verified)
            .bind(content.sources.join(" | "))
    }};
}

/// Binds a provision's content (the columns `article` to `source`) after
/// its keys, as both its INSERT and its UPDATE name them, in this order. A
/// macro: the query types differ per backend and per statement.
macro_rules! bind_provision_content {
    ($query:expr, $content:expr) => {{
        let content: &ProvisionContent = $content;
        $query
            .bind(&content.article)
            .bind(&content.theme)
            .bind(&content.summary)
            .bind(content.verified)
            .bind(content.in_force_from.map(|d| d.to_string()))
            .bind(&content.source)
    }};
}

/// One change to an instrument or a provision, as its history keeps it.
struct Revision<'a> {
    /// "instrument" or "provision".
    entity: &'static str,
    id: &'a str,
    /// The stored version and its content (JSON) before the change; `None`
    /// for a new record.
    before: Option<(i32, &'a str)>,
    /// The new version and its content (JSON).
    after: (i32, &'a str),
    change: Change<'a>,
    /// The audit entry's action, e.g. "instrument.create".
    action: &'static str,
}

impl<'a> Revision<'a> {
    /// The first version of a record an editor creates.
    fn created(entity: &'static str, id: &'a str, after: &'a str, change: Change<'a>) -> Self {
        let action = match entity {
            "instrument" => "instrument.create",
            _ => "provision.create",
        };
        Revision {
            entity,
            id,
            before: None,
            after: (1, after),
            change,
            action,
        }
    }

    /// The next version of a record stored at `version` with content `before`.
    fn edited(
        entity: &'static str,
        id: &'a str,
        version: i32,
        before: &'a str,
        after: &'a str,
        change: Change<'a>,
    ) -> Self {
        let action = audit_action(entity, change.kind);
        Revision {
            entity,
            id,
            before: Some((version, before)),
            after: (version + 1, after),
            change,
            action,
        }
    }
}

/// Everything a change writes besides the record itself, in the caller's
/// transaction: the version row (and, before a record's first change, the
/// reference data's content as its baseline version), the audit entry with
/// before and after, and the outbox row for the search index.
async fn record_revision(
    tx: impl Into<Tx<'_>>,
    revision: &Revision<'_>,
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    let Revision {
        entity,
        id,
        before,
        after: (version, content),
        change,
        action,
    } = *revision;
    dispatch!(tx: tx.reborrow(), |conn| {
        if let Some((baseline, baseline_content)) = before {
            let has_history: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM legal_versions WHERE entity = $1 AND entity_id = $2)",
            )
            .bind(entity)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
            if !has_history {
                sqlx::query(
                    "INSERT INTO legal_versions (entity, entity_id, version, kind, content, note,
                        edited_by, created_at) VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6)",
                )
                .bind(entity)
                .bind(id)
                .bind(baseline)
                .bind(ChangeKind::Import.slug())
                .bind(baseline_content)
                .bind(now)
                .execute(&mut *conn)
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO legal_versions (entity, entity_id, version, kind, content, note,
                edited_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(entity)
        .bind(id)
        .bind(version)
        .bind(change.kind.slug())
        .bind(content)
        .bind(change.note)
        .bind(change.editor)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    AuditRecord::new(change.editor, action, entity, id)
        .before(before.and_then(|(_, content)| serde_json::from_str(content).ok()))
        .after(serde_json::from_str(content).ok())
        .record_with_change(&mut tx, now)
        .await
}

/// The version an instrument or a provision (`entity`) is stored at, read
/// in the caller's transaction; `None` when there is no such record.
async fn stored_version(
    tx: impl Into<Tx<'_>>,
    entity: &str,
    id: impl Bindable,
) -> Result<Option<i32>, StoreError> {
    let sql = match entity {
        "instrument" => "SELECT version FROM legal_instruments WHERE id = $1",
        _ => "SELECT version FROM provisions WHERE id = $1",
    };
    optional_scalar(tx, sql, id).await
}

/// A provision's rights and levels, cleared before `write_provision_tags`
/// writes them again.
const CLEAR_TAGS: [&str; 2] = [
    "DELETE FROM provision_rights WHERE provision_id = $1",
    "DELETE FROM provision_levels WHERE provision_id = $1",
];

/// Replaces a provision's rights and the levels of government it binds, in
/// the caller's transaction. Shared with the reference import.
pub(crate) async fn write_provision_tags(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    rights: &[Right],
    binds: &[GovernmentLevel],
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    delete_each(&mut tx, &CLEAR_TAGS, id).await?;
    link_each(
        &mut tx,
        "INSERT INTO provision_rights (provision_id, right_slug) VALUES ($1, $2)",
        id,
        rights.iter().copied().map(Right::slug),
    )
    .await?;
    link_each(
        &mut tx,
        "INSERT INTO provision_levels (provision_id, level) VALUES ($1, $2)",
        id,
        binds.iter().copied().map(GovernmentLevel::slug),
    )
    .await
}

impl Db {
    /// Adds an instrument. A taken id is `Conflict { field: "id" }`.
    pub async fn create_instrument(
        &self,
        id: &str,
        content: &InstrumentContent,
        editor: Uuid,
    ) -> Result<(), StoreError> {
        let now = DbTime(Timestamp::now());
        let after = json(content)?;
        let change = Change {
            editor,
            kind: ChangeKind::Creation,
            note: None,
        };
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            bind_instrument_content!(
                sqlx::query(
                    "INSERT INTO legal_instruments (id, level, jurisdiction, name, published,
                        notes, verified, sources, version, curated)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, true)",
                )
                .bind(id),
                content
            )
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("id"))?;
            let revision = Revision::created("instrument", id, &after, change);
            record_revision(&mut tx, &revision, now).await?;
            commit_and_announce(tx).await?;
        });
        Ok(())
    }

    /// Changes an instrument (a correction or a verification). Returns the
    /// new version, or `None` when there is no such instrument.
    pub async fn update_instrument(
        &self,
        id: &str,
        content: &InstrumentContent,
        change: Change<'_>,
    ) -> Result<Option<i32>, StoreError> {
        let now = DbTime(Timestamp::now());
        let after = json(content)?;
        let current = self.legal_instrument(id).await?;
        let Some(current) = current else {
            return Ok(None);
        };
        let before = json(&InstrumentContent::of(&current))?;
        let version = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let Some(version) = stored_version(&mut tx, "instrument", id).await? else {
                return Ok(None);
            };
            bind_instrument_content!(
                sqlx::query(
                    "UPDATE legal_instruments SET level = $2, jurisdiction = $3, name = $4,
                        published = $5, notes = $6, verified = $7, sources = $8, version = $9,
                        curated = true
                     WHERE id = $1",
                )
                .bind(id),
                content
            )
            .bind(version + 1)
            .execute(&mut *tx)
            .await?;
            let revision = Revision::edited("instrument", id, version, &before, &after, change);
            record_revision(&mut tx, &revision, now).await?;
            commit_and_announce(tx).await?;
            version + 1
        });
        Ok(Some(version))
    }

    /// Adds a provision to an instrument. An article the instrument already
    /// has is `Conflict { field: "article" }`; a missing instrument is
    /// `MissingReference`.
    pub async fn create_provision(
        &self,
        instrument_id: &str,
        content: &ProvisionContent,
        editor: Uuid,
    ) -> Result<Uuid, StoreError> {
        let now = DbTime(Timestamp::now());
        let after = json(content)?;
        let institutions = json(&content.institutions)?;
        let id = Uuid::now_v7();
        let change = Change {
            editor,
            kind: ChangeKind::Creation,
            note: None,
        };
        let key = id.to_string();
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let exists: bool = scalar(
                &mut tx,
                "SELECT EXISTS (SELECT 1 FROM legal_instruments WHERE id = $1)",
                instrument_id,
            )
            .await?;
            if !exists {
                return Err(StoreError::MissingReference(format!(
                    "no legal instrument {instrument_id}"
                )));
            }
            bind_provision_content!(
                sqlx::query(
                    "INSERT INTO provisions (id, instrument_id, article, theme, summary, verified,
                        in_force_from, source, institutions, version, curated)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, true)",
                )
                .bind(id)
                .bind(instrument_id),
                content
            )
            .bind(&institutions)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("article"))?;
            write_provision_tags(&mut tx, id, &content.rights, &content.binds).await?;
            let revision = Revision::created("provision", &key, &after, change);
            record_revision(&mut tx, &revision, now).await?;
            commit_and_announce(tx).await?;
        });
        Ok(id)
    }

    /// Changes a provision (a correction, a reform or a verification).
    /// Returns the new version, or `None` when there is no such provision.
    pub async fn update_provision(
        &self,
        id: Uuid,
        content: &ProvisionContent,
        change: Change<'_>,
    ) -> Result<Option<i32>, StoreError> {
        let now = DbTime(Timestamp::now());
        let after = json(content)?;
        let institutions = json(&content.institutions)?;
        let Some(current) = self.provision(id).await? else {
            return Ok(None);
        };
        let before = json(&ProvisionContent::of(&current))?;
        let key = id.to_string();
        let version = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let Some(version) = stored_version(&mut tx, "provision", id).await? else {
                return Ok(None);
            };
            bind_provision_content!(
                sqlx::query(
                    "UPDATE provisions SET article = $2, theme = $3, summary = $4, verified = $5,
                        in_force_from = $6, source = $7, institutions = $8, version = $9,
                        curated = true
                     WHERE id = $1",
                )
                .bind(id),
                content
            )
            .bind(&institutions)
            .bind(version + 1)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("article"))?;
            write_provision_tags(&mut tx, id, &content.rights, &content.binds).await?;
            let revision = Revision::edited("provision", &key, version, &before, &after, change);
            record_revision(&mut tx, &revision, now).await?;
            commit_and_announce(tx).await?;
            version + 1
        });
        Ok(Some(version))
    }

    /// An instrument's versions, oldest first; empty while it is as the
    /// reference data gave it.
    pub async fn instrument_versions(
        &self,
        id: &str,
    ) -> Result<Vec<LegalVersion<InstrumentContent>>, StoreError> {
        versions(self.version_rows("instrument", id).await?)
    }

    /// A provision's versions, oldest first; empty while it is as the
    /// reference data gave it.
    pub async fn provision_versions(
        &self,
        id: Uuid,
    ) -> Result<Vec<LegalVersion<ProvisionContent>>, StoreError> {
        versions(self.version_rows("provision", &id.to_string()).await?)
    }

    async fn version_rows(&self, entity: &str, id: &str) -> Result<Vec<VersionRow>, StoreError> {
        Ok(dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT v.version, v.kind, v.content, v.note, m.display_name, v.created_at
                 FROM legal_versions v LEFT JOIN members m ON m.id = v.edited_by
                 WHERE v.entity = $1 AND v.entity_id = $2 ORDER BY v.version",
            )
            .bind(entity)
            .bind(id)
            .fetch_all(pool)
            .await?
        }))
    }
}

fn audit_action(entity: &str, kind: ChangeKind) -> &'static str {
    match (entity, kind) {
        ("instrument", ChangeKind::Verification) => "instrument.verify",
        ("instrument", _) => "instrument.correct",
        (_, ChangeKind::Verification) => "provision.verify",
        (_, ChangeKind::Reform) => "provision.reform",
        _ => "provision.correct",
    }
}
