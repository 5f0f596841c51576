//! The directory: importing the services data set, members editing their
//! organization's entry, moderators verifying it, and the facts the analyses read.

use crate::{
    Db, ImportOutcome, ImportProgress, StoreError,
    accounts::is_unique_violation,
    alliances::fetch_in,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, Tx, dispatch},
    organizations::bind_organization,
    outbox::{commit_and_announce, record_change},
    reference::{Import, imported_digest, record_import},
    rows::{take_sorted, try_grouped},
    services::write_service_terms,
    time::DbTime,
};
use acoge_analysis::facts::{
    Facts, MunicipalityFacts, OrganizationFacts, ServiceFacts, Territory as FactTerritory,
};
use acoge_domain::{
    Cvegeo, StateKey, Timestamp,
    directory::{DirectoryData, DirectoryEdit, DirectoryEntry, NameKey, Territory},
    fields::{FieldError, FieldProblem},
    geo::Coordinates,
    organization::OrganizationKind,
    practice::Sector,
    taxonomy::MigrationContext,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The name the services data set's digest is recorded under.
pub const SERVICES_DATASET: &str = "servicios";

/// Writes organization `id`'s sectors and territories in the caller's
/// transaction, keeping the ones there (`replace == false`) or replacing them.
async fn write_sectors_and_territories(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    sectors: &[Sector],
    territories: &[Territory],
    replace: bool,
) -> Result<(), StoreError> {
    let sets: [(&'static str, &'static str, Vec<&str>); 2] = [
        (
            "DELETE FROM organization_sectors WHERE organization_id = $1",
            "INSERT INTO organization_sectors (organization_id, sector) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            sectors.iter().map(|s| s.slug()).collect(),
        ),
        (
            "DELETE FROM organization_territories WHERE organization_id = $1",
            "INSERT INTO organization_territories (organization_id, territory) VALUES ($1, $2)
             ON CONFLICT DO NOTHING",
            territories.iter().map(Territory::key).collect(),
        ),
    ];
    dispatch!(tx: tx.into(), |conn| {
        for (delete, insert, values) in &sets {
            if replace {
                sqlx::query(*delete).bind(id).execute(&mut *conn).await?;
            }
            for value in values {
                sqlx::query(*insert)
                    .bind(id)
                    .bind(*value)
                    .execute(&mut *conn)
                    .await?;
            }
        }
    });
    Ok(())
}

/// A unique violation on an organization is a name taken in its place.
fn name_conflict(error: sqlx::Error) -> StoreError {
    if is_unique_violation(&error) {
        StoreError::Invalid(FieldError {
            field: "name",
            problem: FieldProblem::DuplicateName,
        })
    } else {
        StoreError::Database(error)
    }
}

/// Which stored organization of the same folded name a record is: the one in
/// the same place, else the only one whose place contains or is contained in
/// the record's (a national row and the same name seated in a state; a state
/// and one of its municipalities). Several such candidates are ambiguous: none.
fn same_organization(place: &str, candidates: &[(Uuid, String)]) -> Option<Uuid> {
    if let Some((id, _)) = candidates.iter().find(|(_, p)| p == place) {
        return Some(*id);
    }
    let compatible: Vec<Uuid> = candidates
        .iter()
        .filter(|(_, p)| p.starts_with(place) || place.starts_with(p.as_str()))
        .map(|(id, _)| *id)
        .collect();
    match compatible.as_slice() {
        [id] => Some(*id),
        _ => None,
    }
}

/// Organizations (id, name, kind, seat), their sectors and territories,
/// active services (id, organization, municipality) and their sectors,
/// municipalities (key, seat) and their contexts.
type FactRows = (
    Vec<(Uuid, String, String, Option<String>)>,
    Vec<(Uuid, String)>,
    Vec<(Uuid, String)>,
    Vec<(Uuid, Uuid, String)>,
    Vec<(Uuid, String)>,
    Vec<(String, Option<f64>, Option<f64>)>,
    Vec<(String, String)>,
);

#[derive(sqlx::FromRow)]
struct EntryRow {
    website: Option<String>,
    contact: Option<String>,
    founded: Option<i32>,
    verified_at: Option<DbTime>,
    verified_by: Option<Uuid>,
}

fn entry_of(row: EntryRow, sectors: Vec<Sector>, territories: Vec<Territory>) -> DirectoryEntry {
    DirectoryEntry {
        sectors,
        territories,
        website: row.website,
        contact: row.contact,
        founded: row.founded.and_then(|y| i16::try_from(y).ok()),
        verified_at: row.verified_at.map(|t| t.0),
        verified_by: row.verified_by,
    }
}

fn sector(table: &'static str, slug: &str) -> Result<Sector, StoreError> {
    Sector::parse(slug).map_err(|e| StoreError::corrupt(table, "sector", e))
}

fn territory(table: &'static str, key: &str) -> Result<Territory, StoreError> {
    Territory::parse(key).ok_or_else(|| StoreError::corrupt(table, "territory", key))
}

impl Db {
    /// Writes a directory data set in one transaction: all of it or none of it.
    ///
    /// Organizations are matched by folded name and place (municipality, else
    /// state, else none), so ids stay stable and running twice changes
    /// nothing. An organization already in the directory keeps its own
    /// record (the reference file or its members own it): the import adds
    /// sectors, territories, website and founding year it lacks, and services.
    /// Services are matched by organization, municipality and name.
    pub async fn import_directory(
        &self,
        data: &DirectoryData,
        digest: &str,
        progress: ImportProgress<'_>,
    ) -> Result<ImportOutcome, StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let current = imported_digest(&mut tx, SERVICES_DATASET).await?;
            if current.as_deref() == Some(digest) {
                return Ok(ImportOutcome::AlreadyCurrent);
            }
            for record in &data.records {
                let o = &record.organization;
                let key = NameKey::of(o);
                let candidates: Vec<(Uuid, String)> = sqlx::query_as(
                    "SELECT id, COALESCE(cvegeo, cve_ent, '') FROM organizations
                     WHERE name_folded = $1",
                )
                .bind(&key.name_folded)
                .fetch_all(&mut *tx)
                .await?;
                let existing = same_organization(&key.place, &candidates);
                let id = match existing {
                    Some(id) => {
                        sqlx::query(
                            "UPDATE organizations SET website = COALESCE(website, $2),
                                founded = COALESCE(founded, $3)
                             WHERE id = $1",
                        )
                        .bind(id)
                        .bind(&record.entry.website)
                        .bind(record.entry.founded.map(i32::from))
                        .execute(&mut *tx)
                        .await?;
                        id
                    }
                    None => {
                        bind_organization!(
                            sqlx::query(
                                "INSERT INTO organizations (id, name, name_folded, acronym, kind,
                                    scope, cve_ent, cvegeo, founding_organizer, description,
                                    verified, sources, created_at, updated_at, website, founded)
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                                    $13, $14, $15)",
                            ),
                            o,
                            now
                        )
                        .bind(&record.entry.website)
                        .bind(record.entry.founded.map(i32::from))
                        .execute(&mut *tx)
                        .await
                        .map_err(name_conflict)?;
                        o.id
                    }
                };
                write_sectors_and_territories(
                    &mut tx,
                    id,
                    &record.entry.sectors,
                    &record.entry.territories,
                    false,
                )
                .await?;
                record_change(&mut tx, "organization", id, now).await?;
                for s in &record.services {
                    // A service someone saved on the site keeps their edits:
                    // the upsert's WHERE skips it and answers no row.
                    let service_id: Option<Uuid> = sqlx::query_scalar(
                        "INSERT INTO services (id, organization_id, name, description,
                            eligibility, cost, hours, how_to_access, capacity, cvegeo, address,
                            lat, lon, status, status_note, last_verified, verified, sources,
                            created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                            $15, $16, $17, $18, $19, $19)
                         ON CONFLICT (organization_id, cvegeo, name) DO UPDATE SET
                            description = excluded.description,
                            eligibility = excluded.eligibility, cost = excluded.cost,
                            hours = excluded.hours, how_to_access = excluded.how_to_access,
                            capacity = excluded.capacity, address = excluded.address,
                            lat = excluded.lat, lon = excluded.lon, status = excluded.status,
                            status_note = excluded.status_note,
                            last_verified = excluded.last_verified,
                            verified = excluded.verified, sources = excluded.sources,
                            updated_at = excluded.updated_at
                         WHERE services.curated = false
                         RETURNING id",
                    )
                    .bind(s.id)
                    .bind(id)
                    .bind(&s.name)
                    .bind(&s.description)
                    .bind(&s.eligibility)
                    .bind(s.cost.slug())
                    .bind(&s.hours)
                    .bind(&s.how_to_access)
                    .bind(s.capacity.and_then(|c| i32::try_from(c).ok()))
                    .bind(s.location.cvegeo.as_str())
                    .bind(&s.location.address)
                    .bind(s.location.coordinates.map(|c| c.lat))
                    .bind(s.location.coordinates.map(|c| c.lon))
                    .bind(s.status.slug())
                    .bind(s.status.note())
                    .bind(s.last_verified.map(|d| d.to_string()))
                    .bind(s.provenance.verified)
                    .bind(s.provenance.joined_sources())
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(service_id) = service_id else {
                        continue;
                    };
                    write_service_terms(&mut tx, service_id, s).await?;
                    record_change(&mut tx, "service", service_id, now).await?;
                }
                progress(1 + record.services.len() as u64);
            }
            let counts = serde_json::json!({
                "organizations": data.records.len(),
                "services": data.service_count(),
            });
            let import = Import {
                dataset: SERVICES_DATASET,
                action: "directory.import",
                previous: current,
                digest,
            };
            record_import(&mut tx, import, counts, now).await?;
            commit_and_announce(tx).await?;
        });
        Ok(ImportOutcome::Imported(data.record_count()))
    }

    /// The states and municipalities the database knows, to check a data file against.
    pub async fn known_places(&self) -> Result<(HashSet<StateKey>, HashSet<Cvegeo>), StoreError> {
        let (states, municipalities): (Vec<String>, Vec<String>) = dispatch!(self, |pool| {
            (
                sqlx::query_scalar("SELECT cve_ent FROM states")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_scalar("SELECT cvegeo FROM municipalities")
                    .fetch_all(pool)
                    .await?,
            )
        });
        let states = states
            .iter()
            .map(|k| StateKey::parse(k).map_err(|e| StoreError::corrupt("states", "cve_ent", e)))
            .collect::<Result<_, _>>()?;
        let municipalities = municipalities
            .iter()
            .map(|k| {
                Cvegeo::parse(k).map_err(|e| StoreError::corrupt("municipalities", "cvegeo", e))
            })
            .collect::<Result<_, _>>()?;
        Ok((states, municipalities))
    }

    /// An organization's directory entry; `None` when there is no such organization.
    pub async fn directory_entry(&self, id: Uuid) -> Result<Option<DirectoryEntry>, StoreError> {
        let (row, sectors, territories): (Option<EntryRow>, Vec<String>, Vec<String>) =
            dispatch!(self, |pool| {
                (
                    sqlx::query_as(
                        "SELECT website, contact, founded, verified_at, verified_by
                         FROM organizations WHERE id = $1",
                    )
                    .bind(id)
                    .fetch_optional(pool)
                    .await?,
                    sqlx::query_scalar(
                        "SELECT sector FROM organization_sectors WHERE organization_id = $1
                         ORDER BY sector",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?,
                    sqlx::query_scalar(
                        "SELECT territory FROM organization_territories
                         WHERE organization_id = $1 ORDER BY territory",
                    )
                    .bind(id)
                    .fetch_all(pool)
                    .await?,
                )
            });
        let Some(row) = row else { return Ok(None) };
        let mut sectors = sectors
            .iter()
            .map(|s| sector("organization_sectors", s))
            .collect::<Result<Vec<_>, _>>()?;
        sectors.sort();
        let mut territories = territories
            .iter()
            .map(|t| territory("organization_territories", t))
            .collect::<Result<Vec<_>, _>>()?;
        territories.sort();
        Ok(Some(entry_of(row, sectors, territories)))
    }

    /// The directory entries of these organizations (missing ids are left
    /// out): three queries whatever the number of ids.
    pub async fn directory_entries(
        &self,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, DirectoryEntry>, StoreError> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: Uuid,
            #[sqlx(flatten)]
            entry: EntryRow,
        }
        let rows = fetch_in!(
            self,
            Row,
            "SELECT id, website, contact, founded, verified_at, verified_by
             FROM organizations WHERE id IN ({list})",
            ids
        );
        let sectors = fetch_in!(
            self,
            (Uuid, String),
            "SELECT organization_id, sector FROM organization_sectors
             WHERE organization_id IN ({list})",
            ids
        );
        let territories = fetch_in!(
            self,
            (Uuid, String),
            "SELECT organization_id, territory FROM organization_territories
             WHERE organization_id IN ({list})",
            ids
        );
        let mut sectors = try_grouped(sectors, |s| sector("organization_sectors", &s))?;
        let mut territories =
            try_grouped(territories, |t| territory("organization_territories", &t))?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let entry = entry_of(
                    row.entry,
                    take_sorted(&mut sectors, &row.id),
                    take_sorted(&mut territories, &row.id),
                );
                (row.id, entry)
            })
            .collect())
    }

    /// A member edits their organization's entry (who may is the caller's
    /// rule). Replaces sectors and territories; a moderator's verification
    /// stays, dated, so readers see when it was checked. `false` when there is
    /// no such organization.
    pub async fn update_organization_directory(
        &self,
        id: Uuid,
        edit: &DirectoryEdit,
        actor: Uuid,
    ) -> Result<bool, StoreError> {
        let Some(before) = self.directory_entry(id).await? else {
            return Ok(false);
        };
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE organizations SET website = $2, contact = $3, founded = $4,
                    updated_at = $5
                 WHERE id = $1",
            )
            .bind(id)
            .bind(&edit.website)
            .bind(&edit.contact)
            .bind(edit.founded.map(i32::from))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok(false);
            }
            write_sectors_and_territories(&mut tx, id, &edit.sectors, &edit.territories, true)
                .await?;
            record_change(&mut tx, "organization", id, now).await?;
            record_audit(
                &mut tx,
                &AuditRecord {
                    actor: Some(actor),
                    action: "organization.directory",
                    entity: "organization",
                    entity_id: id.to_string(),
                    before: serde_json::to_value(&before).ok(),
                    after: serde_json::to_value(edit).ok(),
                },
            )
            .await?;
            tx.commit().await?;
            crate::outbox::announce();
        });
        Ok(true)
    }

    /// A moderator vouches for an organization's entry today. `false` when
    /// there is no such organization.
    pub async fn verify_organization(&self, id: Uuid, moderator: Uuid) -> Result<bool, StoreError> {
        let now = Timestamp::now();
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let updated = sqlx::query(
                "UPDATE organizations SET verified_at = $2, verified_by = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(DbTime(now))
            .bind(moderator)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                return Ok(false);
            }
            record_change(&mut tx, "organization", id, DbTime(now)).await?;
            record_audit(
                &mut tx,
                &AuditRecord {
                    actor: Some(moderator),
                    action: "organization.verify",
                    entity: "organization",
                    entity_id: id.to_string(),
                    before: None,
                    after: Some(serde_json::json!({ "verified_at": now.to_string() })),
                },
            )
            .await?;
            tx.commit().await?;
            crate::outbox::announce();
        });
        Ok(true)
    }

    /// What the analyses read (`acoge_analysis::Facts`): every organization
    /// with its sectors and territories, active services, alliances declared
    /// and derived (members only, in list order), and every municipality with
    /// its seat and contexts. Whole tables: for the background analysis, not
    /// for a request.
    pub async fn analysis_facts(&self) -> Result<Facts, StoreError> {
        let (orgs, sectors, territories, services, service_sectors, municipalities, contexts): FactRows = dispatch!(self, |pool| {
            (
                sqlx::query_as("SELECT id, name, kind, cvegeo FROM organizations ORDER BY id")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_as("SELECT organization_id, sector FROM organization_sectors")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_as("SELECT organization_id, territory FROM organization_territories")
                    .fetch_all(pool)
                    .await?,
                sqlx::query_as(
                    "SELECT id, organization_id, cvegeo FROM services
                     WHERE status = 'activo' ORDER BY id",
                )
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT t.service_id, t.term FROM service_terms t
                     JOIN services s ON s.id = t.service_id
                     WHERE t.facet = 'sector' AND s.status = 'activo'",
                )
                .fetch_all(pool)
                .await?,
                sqlx::query_as(
                    "SELECT cvegeo, seat_lat, seat_lon FROM municipalities ORDER BY cvegeo",
                )
                .fetch_all(pool)
                .await?,
                sqlx::query_as("SELECT cvegeo, context FROM municipal_contexts")
                    .fetch_all(pool)
                    .await?,
            )
        });
        let mut org_sectors = try_grouped(sectors, |slug| sector("organization_sectors", &slug))?;
        let mut serves = try_grouped(territories, |key| {
            Ok(match territory("organization_territories", &key)? {
                Territory::Municipality(cvegeo) => FactTerritory::Municipality(cvegeo),
                Territory::State(state) => FactTerritory::State(state),
            })
        })?;
        let cvegeo = |table: &'static str, key: &str| {
            Cvegeo::parse(key).map_err(|e| StoreError::corrupt(table, "cvegeo", e))
        };
        let organizations = orgs
            .into_iter()
            .map(|(id, name, kind, seat)| {
                let sectors = take_sorted(&mut org_sectors, &id);
                let serves = take_sorted(&mut serves, &id);
                Ok(OrganizationFacts {
                    id,
                    name,
                    kind: OrganizationKind::parse(&kind)
                        .map_err(|e| StoreError::corrupt("organizations", "kind", e))?,
                    sectors,
                    seat: seat.map(|k| cvegeo("organizations", &k)).transpose()?,
                    serves,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut by_service = try_grouped(service_sectors, |slug| sector("service_terms", &slug))?;
        let services = services
            .into_iter()
            .map(|(id, organization, place)| {
                let sectors = take_sorted(&mut by_service, &id);
                Ok(ServiceFacts {
                    id,
                    organization,
                    sectors,
                    municipality: cvegeo("services", &place)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut by_place = try_grouped(contexts, |context| {
            MigrationContext::parse(&context)
                .map_err(|e| StoreError::corrupt("municipal_contexts", "context", e))
        })?;
        let municipalities = municipalities
            .into_iter()
            .map(|(key, lat, lon)| {
                let mut contexts = take_sorted(&mut by_place, &key);
                contexts.dedup();
                Ok(MunicipalityFacts {
                    cvegeo: cvegeo("municipalities", &key)?,
                    // Stored seats were checked on import; a bad one is left off the map.
                    seat: lat
                        .zip(lon)
                        .and_then(|(lat, lon)| Coordinates::in_mexico(lat, lon).ok()),
                    contexts,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let alliances = self.alliance_facts().await?;
        Ok(Facts {
            organizations,
            services,
            alliances,
            municipalities,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::same_organization;
    use uuid::Uuid;

    #[test]
    fn a_record_is_the_organization_of_the_same_name_in_a_compatible_place() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let stored = [(a, "09".to_owned()), (b, "02004".to_owned())];
        assert_eq!(same_organization("02004", &stored), Some(b));
        assert_eq!(same_organization("09010", &stored), Some(a));
        assert_eq!(same_organization("07", &stored), None);
        assert_eq!(same_organization("", &stored), None, "ambiguous");
        assert_eq!(same_organization("", &stored[..1]), Some(a));
    }
}
