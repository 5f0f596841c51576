//! Alliances: declared ones are stored; those that follow from published
//! practices (the lead and its partners in the directory) are derived when
//! read, so they can never disagree with the practice.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, dispatch},
    links::link_each,
    outbox::commit_and_announce,
    rows::{grouped, optional_scalar, take_sorted},
    time::DbTime,
};
use acoge_analysis::facts::AllianceFacts;
use acoge_domain::{
    Cvegeo, Timestamp,
    alliance::{Alliance, AllianceKind, MIN_MEMBERS},
    dates::PartialDate,
    directory::Territory,
    fields::{FieldError, FieldProblem},
    organization::OrganizationKind,
    practice::{PracticeStatus, Sector},
};
use serde::Deserialize;
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

/// (owner id, value) rows.
type Pairs<T = String> = Vec<(Uuid, T)>;

/// What the records of some alliances are made of: declared alliances, their
/// members, sectors and territories; published practices (id, content) and
/// their lead and partners; the members' organizations (id, name, kind).
#[derive(Default)]
struct Rows {
    declared: Vec<AllianceRow>,
    members: Vec<(Uuid, Uuid)>,
    sectors: Pairs,
    territories: Pairs,
    practices: Pairs,
    practice_members: Vec<(Uuid, Uuid)>,
    organizations: Vec<(Uuid, String, String)>,
}

/// Lead and partners of published practices, the rows derived alliances are made of.
const PRACTICE_MEMBERS: &str = "SELECT po.practice_id, po.organization_id
     FROM practice_organizations po JOIN practices p ON p.id = po.practice_id
     WHERE p.status = 'publicada' AND po.role IN ('lead', 'partner')";

/// `Db::fetch_in` awaited, its error returned: the rows of type `$row` that
/// `$sql` selects for `$ids` (kept for the modules written with it).
macro_rules! fetch_in {
    ($db:expr, $row:ty, $sql:expr, $ids:expr) => {
        $db.fetch_in::<$row, _>(&$sql, &$ids).await?
    };
}
pub(crate) use fetch_in;

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

/// The links of a declared alliance, for `link_each`.
const LINK_MEMBER: &str =
    "INSERT INTO alliance_members (alliance_id, organization_id) VALUES ($1, $2)";
const LINK_SECTOR: &str = "INSERT INTO alliance_sectors (alliance_id, sector) VALUES ($1, $2)
     ON CONFLICT DO NOTHING";
const LINK_TERRITORY: &str =
    "INSERT INTO alliance_territories (alliance_id, territory) VALUES ($1, $2)
     ON CONFLICT DO NOTHING";

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
                    optional_scalar(&mut tx, "SELECT 1 FROM organizations WHERE id = $1", member)
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
            // Collected: a future holding the mapping closures would not be
            // `Send` for every lifetime, which the web handlers need.
            let sectors: Vec<&str> = alliance.sectors.iter().map(|s| s.slug()).collect();
            let territory: Vec<&str> = alliance.territory.iter().map(|t| t.key()).collect();
            link_each(&mut tx, LINK_MEMBER, id, &members).await?;
            link_each(&mut tx, LINK_SECTOR, id, sectors).await?;
            link_each(&mut tx, LINK_TERRITORY, id, territory).await?;
            AuditRecord::new(declared_by, "alliance.create", "alliance", id)
                .after(
                    serde_json::to_value(Alliance {
                        id,
                        members: members.clone(),
                        declared_by,
                        ..alliance.clone()
                    })
                    .ok(),
                )
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
        });
        Ok(id)
    }

    /// Every alliance: declared ones (oldest first), then those derived from
    /// published practices whose lead and partners in the directory are two
    /// or more (kind `practica_conjunta`, source the practice's page). Reads
    /// every published practice: lists use `alliance_records` on a page of
    /// ids, and the analyses `analysis_facts`.
    pub async fn alliances(&self) -> Result<Vec<AllianceRecord>, StoreError> {
        let mut rows: Rows = dispatch!(self, |pool| {
            Rows {
                declared: sqlx::query_as(
                    "SELECT id, name, kind, started, ended, source, declared_by FROM alliances
                     ORDER BY id",
                )
                .fetch_all(pool)
                .await?,
                members: sqlx::query_as(
                    "SELECT alliance_id, organization_id FROM alliance_members",
                )
                .fetch_all(pool)
                .await?,
                sectors: sqlx::query_as("SELECT alliance_id, sector FROM alliance_sectors")
                    .fetch_all(pool)
                    .await?,
                territories: sqlx::query_as(
                    "SELECT alliance_id, territory FROM alliance_territories",
                )
                .fetch_all(pool)
                .await?,
                practices: sqlx::query_as(
                    "SELECT id, content FROM practices WHERE status = 'publicada' ORDER BY id",
                )
                .fetch_all(pool)
                .await?,
                practice_members: sqlx::query_as(PRACTICE_MEMBERS).fetch_all(pool).await?,
                organizations: Vec::new(),
            }
        });
        rows.organizations = dispatch!(self, |pool| {
            sqlx::query_as("SELECT id, name, kind FROM organizations")
                .fetch_all(pool)
                .await?
        });
        assemble(rows)
    }

    /// The alliances with these ids, declared ones and those derived from
    /// the published practices `derived`, in that order (each list's order);
    /// an id that is not (or no longer) an alliance is left out. One query
    /// per table, whatever the number of ids.
    pub async fn alliance_records(
        &self,
        declared: &[Uuid],
        derived: &[Uuid],
    ) -> Result<Vec<AllianceRecord>, StoreError> {
        let declared_sql = "SELECT id, name, kind, started, ended, source, declared_by
             FROM alliances WHERE id IN ({list})";
        let members_sql = "SELECT alliance_id, organization_id FROM alliance_members
             WHERE alliance_id IN ({list})";
        let sectors_sql =
            "SELECT alliance_id, sector FROM alliance_sectors WHERE alliance_id IN ({list})";
        let territories_sql = "SELECT alliance_id, territory FROM alliance_territories
             WHERE alliance_id IN ({list})";
        // By id only, the status checked here: a filter on the status would
        // lead SQLite to scan every published practice.
        let practices_sql = "SELECT id, content, status FROM practices WHERE id IN ({list})";
        let practices: Vec<(Uuid, String, String)> = self.fetch_in(practices_sql, derived).await?;
        // Members of practices that are not published are never read.
        let practice_members_sql = "SELECT practice_id, organization_id FROM practice_organizations
             WHERE role IN ('lead', 'partner') AND practice_id IN ({list})";
        let mut rows = Rows {
            declared: self.fetch_in(declared_sql, declared).await?,
            members: self.fetch_in(members_sql, declared).await?,
            sectors: self.fetch_in(sectors_sql, declared).await?,
            territories: self.fetch_in(territories_sql, declared).await?,
            practices: practices
                .into_iter()
                .filter(|(_, _, status)| status == PracticeStatus::Published.slug())
                .map(|(id, content, _)| (id, content))
                .collect(),
            practice_members: self.fetch_in(practice_members_sql, derived).await?,
            organizations: Vec::new(),
        };
        let mut organizations: Vec<Uuid> = rows
            .members
            .iter()
            .chain(&rows.practice_members)
            .map(|(_, organization)| *organization)
            .collect();
        organizations.sort();
        organizations.dedup();
        let organizations_sql = "SELECT id, name, kind FROM organizations WHERE id IN ({list})";
        rows.organizations = self.fetch_in(organizations_sql, &organizations).await?;
        let position = |ids: &[Uuid], id: Uuid| ids.iter().position(|i| *i == id);
        rows.declared
            .sort_by_key(|r| position(declared, r.id).unwrap_or(usize::MAX));
        rows.practices
            .sort_by_key(|(id, _)| position(derived, *id).unwrap_or(usize::MAX));
        assemble(rows)
    }

    /// Every alliance as the analyses read it (id and members), declared
    /// ones first (oldest first), then derived ones by practice id: without
    /// reading the practices' content, so it stays light at any size.
    pub(crate) async fn alliance_facts(&self) -> Result<Vec<AllianceFacts>, StoreError> {
        let (ids, members, practice_members): (Vec<Uuid>, Pairs<Uuid>, Pairs<Uuid>) =
            dispatch!(self, |pool| {
                (
                    sqlx::query_scalar("SELECT id FROM alliances ORDER BY id")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as("SELECT alliance_id, organization_id FROM alliance_members")
                        .fetch_all(pool)
                        .await?,
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "{PRACTICE_MEMBERS} ORDER BY po.practice_id"
                    )))
                    .fetch_all(pool)
                    .await?,
                )
            });
        let mut members = grouped(members);
        let mut alliances: Vec<AllianceFacts> = ids
            .into_iter()
            .map(|id| AllianceFacts {
                members: take_sorted(&mut members, &id),
                id,
                declared: true,
            })
            .collect();
        let mut rows = practice_members.into_iter().peekable();
        while let Some((practice, first)) = rows.next() {
            let mut member_ids = vec![first];
            while let Some((_, organization)) = rows.next_if(|(p, _)| *p == practice) {
                member_ids.push(organization);
            }
            member_ids.sort();
            member_ids.dedup();
            if member_ids.len() >= MIN_MEMBERS {
                alliances.push(AllianceFacts {
                    id: practice,
                    members: member_ids,
                    declared: false,
                });
            }
        }
        Ok(alliances)
    }

    /// The alliances `organization` is a member of, declared ones (oldest
    /// first) then derived ones, at most `limit`; and how many there are.
    pub async fn alliances_of_organization(
        &self,
        organization: Uuid,
        limit: usize,
    ) -> Result<(u64, Vec<AllianceRecord>), StoreError> {
        let (declared, derived): (Vec<Uuid>, Vec<Uuid>) = dispatch!(self, |pool| {
            (
                sqlx::query_scalar(
                    "SELECT alliance_id FROM alliance_members WHERE organization_id = $1
                     ORDER BY alliance_id",
                )
                .bind(organization)
                .fetch_all(pool)
                .await?,
                // A practice is an alliance when its lead and partners are two
                // or more: someone besides this organization. Driven by the
                // organization's index, so a hub costs its own rows only.
                sqlx::query_scalar(
                    "SELECT DISTINCT mine.practice_id FROM practice_organizations mine
                     JOIN practices p ON p.id = mine.practice_id
                     WHERE mine.organization_id = $1 AND mine.role IN ('lead', 'partner')
                       AND p.status = 'publicada'
                       AND EXISTS (SELECT 1 FROM practice_organizations o
                                   WHERE o.practice_id = mine.practice_id
                                     AND o.role IN ('lead', 'partner')
                                     AND o.organization_id <> $1)
                     ORDER BY mine.practice_id",
                )
                .bind(organization)
                .fetch_all(pool)
                .await?,
            )
        });
        let total = (declared.len() + derived.len()) as u64;
        let declared: Vec<Uuid> = declared.into_iter().take(limit).collect();
        let derived: Vec<Uuid> = derived
            .into_iter()
            .take(limit.saturating_sub(declared.len()))
            .collect();
        Ok((total, self.alliance_records(&declared, &derived).await?))
    }
}

/// What a derived alliance takes from its practice's content: read without
/// building the narrative sections, which are most of a practice's bytes.
#[derive(Deserialize)]
struct JointPracticeFacts {
    title: String,
    sectors: Vec<Sector>,
    municipalities: Vec<Cvegeo>,
    start_date: Option<PartialDate>,
    end_date: Option<PartialDate>,
}

/// Turns rows into records: declared alliances in `rows.declared`'s order,
/// then derived ones in `rows.practices`' order.
fn assemble(rows: Rows) -> Result<Vec<AllianceRecord>, StoreError> {
    let organizations: HashMap<Uuid, (String, String)> = rows
        .organizations
        .into_iter()
        .map(|(id, name, kind)| (id, (name, kind)))
        .collect();
    let mut members = grouped(rows.members);
    let mut sectors = grouped(rows.sectors);
    let mut territories = grouped(rows.territories);
    let mut alliances = Vec::new();
    for row in rows.declared {
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
            .map(|t| Territory::parse(t).ok_or_else(|| StoreError::corrupt(TABLE, "territory", t)))
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
    for (practice, organization) in rows.practice_members {
        practice_members
            .entry(practice)
            .or_default()
            .push(organization);
    }
    for (id, content) in rows.practices {
        let mut member_ids = practice_members.remove(&id).unwrap_or_default();
        member_ids.sort();
        member_ids.dedup();
        if member_ids.len() < MIN_MEMBERS {
            continue;
        }
        let content: JointPracticeFacts = serde_json::from_str(&content)
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
