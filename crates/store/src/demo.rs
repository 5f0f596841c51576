//! Bulk loading of a generated demo corpus (`acoge demo-corpus`), for search
//! benchmarks and load tests. Records go in through the same SQL as the normal
//! paths (`upsert_organization`, `insert_practice`), each with its outbox
//! row, but thousands per transaction: one transaction per record would spend
//! most of its time committing.

use crate::{
    Db, StoreError,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, dispatch},
    organizations::upsert_organization,
    outbox::{commit_and_announce, record_change},
    practices::{ListingDelta, NewPractice, content_json, insert_practice},
    time::DbTime,
};
use acoge_domain::{Timestamp, organization::Organization};
use serde_json::json;
use uuid::Uuid;

/// Records written per transaction by the demo inserts.
pub const DEMO_BATCH: usize = 2_000;

/// The audit row of one batch: one per transaction, as the reference import
/// writes one per import, rather than one per generated record.
fn batch_audit<'a>(entity: &'a str, first: Uuid, last: Uuid, records: usize) -> AuditRecord<'a> {
    AuditRecord {
        actor: None,
        action: "demo.insert",
        entity,
        entity_id: first.to_string(),
        before: None,
        after: Some(json!({ "records": records, "first": first, "last": last })),
    }
}

impl Db {
    /// Inserts demo organizations, [`DEMO_BATCH`] per transaction, each with
    /// its outbox row; `progress` gets the number written after each commit.
    /// A name already in the directory fails with `Conflict { field: "name" }`
    /// and rolls back its batch, so a demo record never overwrites another
    /// organization (earlier batches stay committed).
    pub async fn insert_demo_organizations(
        &self,
        organizations: &[Organization],
        mut progress: impl FnMut(u64),
    ) -> Result<(), StoreError> {
        for batch in organizations.chunks(DEMO_BATCH) {
            let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
                continue;
            };
            let now = DbTime(Timestamp::now());
            dispatch!(self, |pool| {
                let mut tx = pool.begin_write().await?;
                for organization in batch {
                    let id = upsert_organization(&mut tx, organization, now).await?;
                    if id != organization.id {
                        // The name belonged to another record; dropping `tx` rolls back.
                        return Err(StoreError::Conflict { field: "name" });
                    }
                    record_change(&mut tx, "organization", id, now).await?;
                }
                record_audit(
                    &mut tx,
                    &batch_audit("organization", first.id, last.id, batch.len()),
                )
                .await?;
                commit_and_announce(tx).await?;
            });
            progress(batch.len() as u64);
        }
        Ok(())
    }

    /// Inserts demo practices (version 1 each), [`DEMO_BATCH`] per
    /// transaction, each with its outbox row; `progress` gets the number
    /// written after each commit. Returns their ids, in order.
    pub async fn insert_demo_practices(
        &self,
        practices: &[NewPractice<'_>],
        mut progress: impl FnMut(u64),
    ) -> Result<Vec<Uuid>, StoreError> {
        let mut ids = Vec::with_capacity(practices.len());
        for batch in practices.chunks(DEMO_BATCH) {
            // Serialized before the transaction opens, so it stays short.
            let rows = batch
                .iter()
                .map(|new| Ok((Uuid::now_v7(), new, content_json(new.content)?)))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                continue;
            };
            let (first, last) = (first.0, last.0);
            let now = DbTime(Timestamp::now());
            // The list's counts, once per batch rather than once per practice.
            let mut counts = ListingDelta::default();
            for new in batch {
                if new.status == acoge_domain::practice::PracticeStatus::Published {
                    counts.add(new.content, 1);
                }
            }
            dispatch!(self, |pool| {
                let mut tx = pool.begin_write().await?;
                for (id, new, json) in &rows {
                    insert_practice(&mut tx, *id, new, json, now).await?;
                    record_change(&mut tx, "practice", id, now).await?;
                }
                counts.write(&mut tx).await?;
                record_audit(&mut tx, &batch_audit("practice", first, last, rows.len())).await?;
                commit_and_announce(tx).await?;
            });
            ids.extend(rows.iter().map(|row| row.0));
            progress(batch.len() as u64);
        }
        Ok(ids)
    }
}
