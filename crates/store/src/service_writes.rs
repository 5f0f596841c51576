//! Members' and moderators' changes to services: one transaction per change
//! with its terms, an audit entry and an outbox row.

use crate::{
    Db, StoreError,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, dispatch},
    error::conflict_on,
    outbox::record_change,
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    fields::{FieldError, FieldProblem},
    service::Service,
};
use uuid::Uuid;

/// Replaces a service's sectors, populations and languages.
macro_rules! write_service_terms {
    ($tx:ident, $id:expr, $service:expr) => {{
        let service: &acoge_domain::service::Service = $service;
        sqlx::query("DELETE FROM service_terms WHERE service_id = $1")
            .bind($id)
            .execute(&mut *$tx)
            .await?;
        let terms = service
            .sectors
            .iter()
            .map(|t| ("sector", t.slug().to_owned()))
            .chain(
                service
                    .populations
                    .iter()
                    .map(|t| ("population", t.slug().to_owned())),
            )
            .chain(service.languages.iter().map(|t| ("language", t.clone())));
        for (facet, term) in terms {
            sqlx::query("INSERT INTO service_terms (service_id, facet, term) VALUES ($1, $2, $3)")
                .bind($id)
                .bind(facet)
                .bind(term)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}
pub(crate) use write_service_terms;

fn invalid(field: &'static str, problem: FieldProblem) -> StoreError {
    StoreError::Invalid(FieldError { field, problem })
}

impl Db {
    /// Adds a service (`existing` None) or replaces one, keeping its id.
    /// An unknown municipality or organization is `Invalid` naming the
    /// field; the same name twice for one organization in one municipality
    /// is `Conflict { field: "name" }`. Returns the service's id, or `None`
    /// when `existing` names no service.
    pub async fn save_service(
        &self,
        service: &Service,
        existing: Option<Uuid>,
        actor: Uuid,
    ) -> Result<Option<Uuid>, StoreError> {
        let now = DbTime(Timestamp::now());
        let id = existing.unwrap_or(service.id);
        let after = serde_json::to_value(service).ok();
        let saved = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let place: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM municipalities WHERE cvegeo = $1)",
            )
            .bind(service.location.cvegeo.as_str())
            .fetch_one(&mut *tx)
            .await?;
            if !place {
                return Err(invalid("cvegeo", FieldProblem::UnknownMunicipality));
            }
            let organization: bool =
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)")
                    .bind(service.organization_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if !organization {
                return Err(invalid(
                    "organization_id",
                    FieldProblem::UnknownOrganization,
                ));
            }
            let before: Option<String> = match existing {
                Some(existing) => {
                    let name: Option<String> =
                        sqlx::query_scalar("SELECT name FROM services WHERE id = $1")
                            .bind(existing)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if name.is_none() {
                        return Ok(None);
                    }
                    name
                }
                None => None,
            };
            sqlx::query(
                "INSERT INTO services (id, organization_id, name, description, eligibility, cost,
                    hours, how_to_access, capacity, cvegeo, address, lat, lon, status,
                    status_note, last_verified, verified, sources, created_at, updated_at,
                    curated)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                    $17, $18, $19, $19, true)
                 ON CONFLICT (id) DO UPDATE SET curated = true, organization_id = excluded.organization_id,
                    name = excluded.name, description = excluded.description,
                    eligibility = excluded.eligibility, cost = excluded.cost,
                    hours = excluded.hours, how_to_access = excluded.how_to_access,
                    capacity = excluded.capacity, cvegeo = excluded.cvegeo,
                    address = excluded.address, lat = excluded.lat, lon = excluded.lon,
                    status = excluded.status, status_note = excluded.status_note,
                    last_verified = excluded.last_verified, verified = excluded.verified,
                    sources = excluded.sources, updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(service.organization_id)
            .bind(&service.name)
            .bind(&service.description)
            .bind(&service.eligibility)
            .bind(service.cost.slug())
            .bind(&service.hours)
            .bind(&service.how_to_access)
            .bind(service.capacity.and_then(|c| i32::try_from(c).ok()))
            .bind(service.location.cvegeo.as_str())
            .bind(&service.location.address)
            .bind(service.location.coordinates.map(|c| c.lat))
            .bind(service.location.coordinates.map(|c| c.lon))
            .bind(service.status.slug())
            .bind(service.status.note())
            .bind(service.last_verified.map(|d| d.to_string()))
            .bind(service.provenance.verified)
            .bind(service.provenance.joined_sources())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(conflict_on("name"))?;
            write_service_terms!(tx, id, service);
            record_audit!(
                tx,
                AuditRecord {
                    actor: Some(actor),
                    action: if existing.is_some() {
                        "service.edit"
                    } else {
                        "service.create"
                    },
                    entity: "service",
                    entity_id: id.to_string(),
                    before: before.map(|name| serde_json::json!({ "name": name })),
                    after: after.clone(),
                }
            );
            record_change!(tx, "service", id, now);
            tx.commit().await?;
            crate::outbox::announce();
            Some(id)
        });
        Ok(saved)
    }
}
