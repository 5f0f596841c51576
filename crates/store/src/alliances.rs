//! Alliances: declared ones are stored; those that follow from published
//! practices (the lead and its partners in the directory) are derived when
//! read, so they can never disagree with the practice.

use crate::{
    Db, StoreError,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, dispatch},
    outbox::record_change,
    rows::{grouped, take_sorted},
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    alliance::{Alliance, AllianceKind, MIN_MEMBERS},
    dates::PartialDate,
    directory::Territory,
    fields::{FieldError, FieldProblem},
    organization::OrganizationKind,
    practice::{PracticeContent, Sector},
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

const TABLE: &str = "alliances";

/// An alliance with its members' names and whether it crosses actor groups.
#[derive(Debug, Clone, PartialEq)]
pub struct AllianceRecord {
    pub alliance: Alliance,
    /// Member names, in the order of `alliance.members`.
    pub member_names: Vec<String>,
    /// Spans at least two of government, civil society and international actors.
    pub intersectoral: bool,
}

type Pairs = Vec<(Uuid, String)>;
/// Alliances, their members, sectors and territories; published practices
/// (id, content) and their lead and partners; organizations (id, name, kind).
type Rows = (
    Vec<AllianceRow>,
    Vec<(Uuid, Uuid)>,
    Pairs,
    Pairs,
    Pairs,
    Vec<(Uuid, Uuid)>,
    Vec<(Uuid, String, String)>,
);

#[derive(sqlx::FromRow)]
struct AllianceRow {
    id: Uuid,
    name: String,
    kind: String,
    started: Option<String>,
    ended: Option<String>,
    source: Option<String>,
    declared_by: Option<Uuid>,
}

fn date(column: &'static str, value: Option<String>) -> Result<Option<PartialDate>, StoreError> {
    value
        .as_deref()
        .map(PartialDate::parse)
        .transpose()
        .map_err(|e| StoreError::corrupt(TABLE, column, e))
}

impl Db {
    /// Stores a declared alliance. The store checks again what it must not
    /// hold: fewer than two members, or a member not in the directory
    /// (`StoreError::Invalid` naming `members`).
    pub async fn create_alliance(
        &self,
        alliance: &Alliance,
        declared_by: Option<Uuid>,
    ) -> Result<Uuid, StoreError> {
        let mut members = alliance.members.clone();
        members.sort();
        members.dedup();
        let invalid = |problem| {
            StoreError::Invalid(FieldError {
                field: "members",
                problem,
            })
        };
        if members.len() < MIN_MEMBERS {
            return Err(invalid(FieldProblem::TooFewMembers));
        }
        let id = Uuid::now_v7();
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            for member in &members {
                let exists: Option<i32> =
                    sqlx::query_scalar("SELECT 1 FROM organizations WHERE id = $1")
                        .bind(member)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_none() {
                    return Err(invalid(FieldProblem::UnknownOrganization));
                }
            }
            sqlx::query(
                "INSERT INTO alliances (id, name, kind, started, ended, source, declared_by,
                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(id)
            .bind(&alliance.name)
            .bind(alliance.kind.slug())
            .bind(alliance.started.map(|d| d.to_string()))
            .bind(alliance.ended.map(|d| d.to_string()))
            .bind(&alliance.source)
            .bind(declared_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for member in &members {
                sqlx::query(
                    "INSERT INTO alliance_members (alliance_id, organization_id) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(member)
                .execute(&mut *tx)
                .await?;
            }
            for sector in &alliance.sectors {
                sqlx::query(
                    "INSERT INTO alliance_sectors (alliance_id, sector) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(sector.slug())
                .execute(&mut *tx)
                .await?;
            }
            for place in &alliance.territory {
                sqlx::query(
                    "INSERT INTO alliance_territories (alliance_id, territory) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(place.key())
                .execute(&mut *tx)
                .await?;
            }
            record_change(&mut tx, "alliance", id, now).await?;
            record_audit(
                &mut tx,
                &AuditRecord {
                    actor: declared_by,
                    action: "alliance.create",
                    entity: "alliance",
                    entity_id: id.to_string(),
                    before: None,
                    after: serde_json::to_value(Alliance {
                        id,
                        members: members.clone(),
                        declared_by,
                        ..alliance.clone()
                    })
                    .ok(),
                },
            )
            .await?;
            tx.commit().await?;
            crate::outbox::announce();
        });
        Ok(id)
    }

    /// Every alliance: declared ones (oldest first), then those derived from
    /// published practices whose lead and partners in the directory are two
    /// or more (kind `practica_conjunta`, source the practice's page).
    pub async fn alliances(&self) -> Result<Vec<AllianceRecord>, StoreError> {
        let (rows, members, sectors, territories, practices, practice_rows, organizations): Rows =
            dispatch!(self, |pool| {
                (
                    sqlx::query_as(
                        "SELECT id, name, kind, started, ended, source, declared_by FROM alliances
                     ORDER BY id",
                    )
                    .fetch_all(pool)
                    .await?,
                    sqlx::query_as("SELECT alliance_id, organization_id FROM alliance_members")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as("SELECT alliance_id, sector FROM alliance_sectors")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as("SELECT alliance_id, territory FROM alliance_territories")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as(
                        "SELECT id, content FROM practices WHERE status = 'publicada' ORDER BY id",
                    )
                    .fetch_all(pool)
                    .await?,
                    sqlx::query_as(
                        "SELECT po.practice_id, po.organization_id FROM practice_organizations po
                     JOIN practices p ON p.id = po.practice_id
                     WHERE p.status = 'publicada' AND po.role IN ('lead', 'partner')",
                    )
                    .fetch_all(pool)
                    .await?,
                    sqlx::query_as("SELECT id, name, kind FROM organizations")
                        .fetch_all(pool)
                        .await?,
                )
            });
        let organizations: HashMap<Uuid, (String, String)> = organizations
            .into_iter()
            .map(|(id, name, kind)| (id, (name, kind)))
            .collect();
        let mut members = grouped(members);
        let mut sectors = grouped(sectors);
        let mut territories = grouped(territories);
        let mut alliances = Vec::new();
        for row in rows {
            let member_ids = take_sorted(&mut members, &row.id);
            let mut sector_list = sectors
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .map(|s| Sector::parse(s).map_err(|e| StoreError::corrupt(TABLE, "sector", e)))
                .collect::<Result<Vec<_>, _>>()?;
            sector_list.sort();
            let mut territory = territories
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .map(|t| {
                    Territory::parse(t).ok_or_else(|| StoreError::corrupt(TABLE, "territory", t))
                })
                .collect::<Result<Vec<_>, _>>()?;
            territory.sort();
            alliances.push(Alliance {
                id: row.id,
                name: row.name,
                members: member_ids,
                sectors: sector_list,
                territory,
                kind: AllianceKind::parse(&row.kind)
                    .map_err(|e| StoreError::corrupt(TABLE, "kind", e))?,
                started: date("started", row.started)?,
                ended: date("ended", row.ended)?,
                source: row.source,
                declared_by: row.declared_by,
                derived_from_practice: None,
            });
        }
        let mut practice_members: BTreeMap<Uuid, Vec<Uuid>> = BTreeMap::new();
        for (practice, organization) in practice_rows {
            practice_members
                .entry(practice)
                .or_default()
                .push(organization);
        }
        for (id, content) in practices {
            let mut member_ids = practice_members.remove(&id).unwrap_or_default();
            member_ids.sort();
            member_ids.dedup();
            if member_ids.len() < MIN_MEMBERS {
                continue;
            }
            let content: PracticeContent = serde_json::from_str(&content)
                .map_err(|e| StoreError::corrupt("practices", "content", e))?;
            alliances.push(Alliance {
                id,
                name: content.title,
                members: member_ids,
                sectors: content.sectors,
                territory: content
                    .municipalities
                    .into_iter()
                    .map(Territory::Municipality)
                    .collect(),
                kind: AllianceKind::JointPractice,
                started: content.start_date,
                ended: content.end_date,
                source: Some(format!("/practicas/{id}")),
                declared_by: None,
                derived_from_practice: Some(id),
            });
        }
        alliances
            .into_iter()
            .map(|alliance| {
                let mut kinds = Vec::new();
                let mut member_names = Vec::new();
                for member in &alliance.members {
                    let (name, kind) = organizations.get(member).ok_or_else(|| {
                        StoreError::corrupt("alliance_members", "organization_id", member)
                    })?;
                    member_names.push(name.clone());
                    kinds.push(
                        OrganizationKind::parse(kind)
                            .map_err(|e| StoreError::corrupt("organizations", "kind", e))?,
                    );
                }
                Ok(AllianceRecord {
                    intersectoral: acoge_analysis::intersectoral::is_intersectoral(kinds),
                    member_names,
                    alliance,
                })
            })
            .collect()
    }
}
