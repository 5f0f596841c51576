//! Services: reading them by place and sector, and near a municipality;
//! members' and moderators' changes, one transaction per change with its
//! terms, an audit entry and an outbox row.

use crate::{
    Db, StoreError,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, Tx, dispatch},
    error::conflict_on,
    outbox::record_change,
    rows::provenance,
    time::DbTime,
};
use acoge_domain::{
    Cvegeo, StateKey, Timestamp,
    dates::PartialDate,
    fields::{FieldError, FieldProblem},
    geo::Coordinates,
    page::{Page, PageRequest},
    practice::{Population, Sector},
    service::{Service, ServiceCost, ServiceLocation, ServiceStatus},
};
use std::collections::HashMap;
use uuid::Uuid;

const TABLE: &str = "services";

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ServiceFilter {
    pub municipality: Option<Cvegeo>,
    pub state: Option<StateKey>,
    pub sector: Option<Sector>,
    /// Closed services are left out unless asked for.
    pub include_closed: bool,
    /// Only this organization's services.
    pub organization: Option<Uuid>,
    /// Only this service.
    pub id: Option<Uuid>,
}

/// A service with the names a list shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecord {
    pub service: Service,
    pub organization_name: String,
    pub municipality_name: String,
    /// The seat of the service's municipality, where maps place a service
    /// without coordinates of its own.
    pub seat: Option<Coordinates>,
}

/// A service and how far it is from the place asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct NearbyService {
    pub record: ServiceRecord,
    pub distance_km: f64,
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    description: String,
    eligibility: String,
    cost: String,
    hours: String,
    how_to_access: String,
    capacity: Option<i32>,
    cvegeo: String,
    address: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
    status: String,
    status_note: Option<String>,
    last_verified: Option<String>,
    verified: bool,
    sources: String,
    organization_name: String,
    municipality_name: String,
    seat_lat: Option<f64>,
    seat_lon: Option<f64>,
}

const SELECT: &str = "SELECT s.id, s.organization_id, s.name, s.description, s.eligibility,
        s.cost, s.hours, s.how_to_access, s.capacity, s.cvegeo, s.address, s.lat, s.lon,
        s.status, s.status_note, s.last_verified, s.verified, s.sources,
        o.name AS organization_name, m.name AS municipality_name, m.seat_lat, m.seat_lon
     FROM services s
     JOIN organizations o ON o.id = s.organization_id
     JOIN municipalities m ON m.cvegeo = s.cvegeo";

const WHERE: &str = "WHERE ($1 IS NULL OR s.cvegeo = $1)
        AND ($2 IS NULL OR m.cve_ent = $2)
        AND ($3 IS NULL OR EXISTS (SELECT 1 FROM service_terms f WHERE f.service_id = s.id
            AND f.facet = 'sector' AND f.term = $3))
        AND ($4 OR s.status = 'activo')
        AND ($5 IS NULL OR s.organization_id = $5)
        AND ($6 IS NULL OR s.id = $6)";

/// The bounding box of a search around a point, after `WHERE` (its binds
/// follow the window's, `$7` and `$8`).
const WITHIN: &str = "AND ($9 IS NULL OR COALESCE(s.lat, m.seat_lat) BETWEEN $9 AND $10)
        AND ($11 IS NULL OR COALESCE(s.lon, m.seat_lon) BETWEEN $11 AND $12)";

/// Latitudes and longitudes a search around a point may find (south,
/// north, west, east): a box around the circle, so rows far away are left
/// out by the query rather than measured one by one.
#[derive(Debug, Clone, Copy)]
struct BoundingBox([f64; 4]);

impl BoundingBox {
    fn around(origin: &Coordinates, radius_km: f64) -> BoundingBox {
        const KM_PER_DEGREE: f64 = 111.0;
        let lat_span = radius_km / KM_PER_DEGREE;
        // Longitude degrees shrink toward the poles; Mexico lies between
        // 14° and 33° north, where the cosine stays above 0.8.
        let lon_span = radius_km / (KM_PER_DEGREE * origin.lat.to_radians().cos().max(0.1));
        // A margin: the great-circle distance decides afterwards.
        let margin = 1.01;
        BoundingBox([
            origin.lat - lat_span * margin,
            origin.lat + lat_span * margin,
            origin.lon - lon_span * margin,
            origin.lon + lon_span * margin,
        ])
    }
}

const ORDER: &str = "ORDER BY o.name_folded, s.name, s.id";

type Terms = HashMap<Uuid, Vec<(String, String)>>;

impl ServiceRow {
    /// Where to measure from: the service's own point, else its municipality's seat.
    fn point(&self) -> Option<Coordinates> {
        let (lat, lon) = self
            .lat
            .zip(self.lon)
            .or(self.seat_lat.zip(self.seat_lon))?;
        Some(Coordinates { lat, lon })
    }

    fn into_record(self, terms: &mut Terms) -> Result<ServiceRecord, StoreError> {
        let mut sectors = Vec::new();
        let mut populations = Vec::new();
        let mut languages = Vec::new();
        for (facet, term) in terms.remove(&self.id).unwrap_or_default() {
            match facet.as_str() {
                "sector" => sectors.push(
                    Sector::parse(&term).map_err(|e| StoreError::corrupt(TABLE, "sector", e))?,
                ),
                "population" => populations.push(
                    Population::parse(&term)
                        .map_err(|e| StoreError::corrupt(TABLE, "population", e))?,
                ),
                _ => languages.push(term),
            }
        }
        sectors.sort();
        populations.sort();
        languages.sort();
        Ok(ServiceRecord {
            service: Service {
                id: self.id,
                organization_id: self.organization_id,
                name: self.name,
                description: self.description,
                sectors,
                populations,
                eligibility: self.eligibility,
                languages,
                cost: ServiceCost::parse(&self.cost)
                    .map_err(|e| StoreError::corrupt(TABLE, "cost", e))?,
                hours: self.hours,
                how_to_access: self.how_to_access,
                capacity: self.capacity.and_then(|c| u32::try_from(c).ok()),
                location: ServiceLocation {
                    cvegeo: Cvegeo::parse(&self.cvegeo)
                        .map_err(|e| StoreError::corrupt(TABLE, "cvegeo", e))?,
                    address: self.address,
                    coordinates: self
                        .lat
                        .zip(self.lon)
                        .map(|(lat, lon)| Coordinates { lat, lon }),
                },
                status: ServiceStatus::from_parts(&self.status, self.status_note)
                    .ok_or_else(|| StoreError::corrupt(TABLE, "status", &self.status))?,
                last_verified: self
                    .last_verified
                    .as_deref()
                    .map(PartialDate::parse)
                    .transpose()
                    .map_err(|e| StoreError::corrupt(TABLE, "last_verified", e))?,
                provenance: provenance(TABLE, &self.sources, self.verified)?,
            },
            organization_name: self.organization_name,
            municipality_name: self.municipality_name,
            seat: self
                .seat_lat
                .zip(self.seat_lon)
                .map(|(lat, lon)| Coordinates { lat, lon }),
        })
    }
}

impl Db {
    /// Rows and their terms for `filter`, in name order: all of them, or
    /// one page (the terms of that page's services only).
    async fn service_rows(
        &self,
        filter: &ServiceFilter,
        page: Option<PageRequest>,
        within: Option<BoundingBox>,
    ) -> Result<(Vec<ServiceRow>, Terms), StoreError> {
        let [south, north, west, east] = within.map(|b| b.0.map(Some)).unwrap_or([None; 4]);
        let municipality = filter.municipality.as_ref().map(|k| k.as_str().to_owned());
        let state = filter.state.as_ref().map(|k| k.as_str().to_owned());
        let sector = filter.sector.map(|s| s.slug());
        let (limit, offset) = page.map_or((None, 0), |p| (Some(p.limit()), p.offset()));
        // The rows and their terms select the same services, so both
        // statements take the same binds ($1 to $12).
        macro_rules! bind_selection {
            ($query:expr) => {
                $query
                    .bind(&municipality)
                    .bind(&state)
                    .bind(sector)
                    .bind(filter.include_closed)
                    .bind(filter.organization)
                    .bind(filter.id)
                    .bind(limit)
                    .bind(offset)
                    .bind(south)
                    .bind(north)
                    .bind(west)
                    .bind(east)
            };
        }
        let window = if page.is_some() {
            "LIMIT $7 OFFSET $8"
        } else {
            ""
        };
        let (rows, term_rows): (Vec<ServiceRow>, Vec<(Uuid, String, String)>) =
            dispatch!(self, |pool| {
                let rows = bind_selection!(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{SELECT} {WHERE} {WITHIN} {ORDER} {window}"
                ))))
                .fetch_all(pool)
                .await?;
                let terms = bind_selection!(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT t.service_id, t.facet, t.term FROM service_terms t
                     WHERE t.service_id IN (SELECT s.id FROM services s
                        JOIN organizations o ON o.id = s.organization_id
                        JOIN municipalities m ON m.cvegeo = s.cvegeo
                        {WHERE} {WITHIN} {ORDER} {window})"
                ))))
                .fetch_all(pool)
                .await?;
                (rows, terms)
            });
        let mut terms: Terms = HashMap::new();
        for (id, facet, term) in term_rows {
            terms.entry(id).or_default().push((facet, term));
        }
        Ok((rows, terms))
    }

    /// Services by municipality, state, sector and organization, ordered by
    /// organization then name: every one (for exports).
    pub async fn services(&self, filter: &ServiceFilter) -> Result<Vec<ServiceRecord>, StoreError> {
        let (rows, mut terms) = self.service_rows(filter, None, None).await?;
        rows.into_iter()
            .map(|row| row.into_record(&mut terms))
            .collect()
    }

    /// One page of [`Db::services`], with the number of services in all.
    pub async fn services_page(
        &self,
        filter: &ServiceFilter,
        page: PageRequest,
    ) -> Result<Page<ServiceRecord>, StoreError> {
        let municipality = filter.municipality.as_ref().map(|k| k.as_str().to_owned());
        let state = filter.state.as_ref().map(|k| k.as_str().to_owned());
        let total: i64 = dispatch!(self, |pool| {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM services s
                 JOIN municipalities m ON m.cvegeo = s.cvegeo {WHERE}"
            )))
            .bind(&municipality)
            .bind(&state)
            .bind(filter.sector.map(|s| s.slug()))
            .bind(filter.include_closed)
            .bind(filter.organization)
            .bind(filter.id)
            .fetch_one(pool)
            .await?
        });
        let (rows, mut terms) = self.service_rows(filter, Some(page), None).await?;
        Ok(Page {
            total: u64::try_from(total).unwrap_or(0),
            items: rows
                .into_iter()
                .map(|row| row.into_record(&mut terms))
                .collect::<Result<_, _>>()?,
        })
    }

    /// One service, closed or not.
    pub async fn service(&self, id: Uuid) -> Result<Option<ServiceRecord>, StoreError> {
        let filter = ServiceFilter {
            id: Some(id),
            include_closed: true,
            ..ServiceFilter::default()
        };
        Ok(self.services(&filter).await?.pop())
    }

    /// Active services within `radius_km` of a municipality's seat, nearest
    /// first (ties by organization and service name). Distances are
    /// great-circle, computed here so both backends agree to the bit; a
    /// service is placed at its own coordinates, else at its municipality's
    /// seat. `None` when the municipality is unknown or has no seat coordinates.
    pub async fn services_near(
        &self,
        cvegeo: &Cvegeo,
        radius_km: f64,
    ) -> Result<Option<Vec<NearbyService>>, StoreError> {
        let seat: Option<(Option<f64>, Option<f64>)> = dispatch!(self, |pool| {
            sqlx::query_as("SELECT seat_lat, seat_lon FROM municipalities WHERE cvegeo = $1")
                .bind(cvegeo.as_str())
                .fetch_optional(pool)
                .await?
        });
        let Some((Some(lat), Some(lon))) = seat else {
            return Ok(None);
        };
        let origin = Coordinates { lat, lon };
        let (rows, mut terms) = self
            .service_rows(
                &ServiceFilter::default(),
                None,
                Some(BoundingBox::around(&origin, radius_km)),
            )
            .await?;
        let mut near = Vec::new();
        for row in rows {
            let Some(point) = row.point() else { continue };
            let distance_km = origin.distance_km(&point);
            if distance_km <= radius_km {
                near.push(NearbyService {
                    record: row.into_record(&mut terms)?,
                    distance_km,
                });
            }
        }
        // The rows came in name order and the sort is stable, so ties keep it.
        near.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km));
        Ok(Some(near))
    }
}

/// Replaces a service's sectors, populations and languages in the caller's
/// transaction.
pub(crate) async fn write_service_terms(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    service: &Service,
) -> Result<(), StoreError> {
    let terms: Vec<(&str, String)> = service
        .sectors
        .iter()
        .map(|t| ("sector", t.slug().to_owned()))
        .chain(
            service
                .populations
                .iter()
                .map(|t| ("population", t.slug().to_owned())),
        )
        .chain(service.languages.iter().map(|t| ("language", t.clone())))
        .collect();
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query("DELETE FROM service_terms WHERE service_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        for (facet, term) in &terms {
            sqlx::query("INSERT INTO service_terms (service_id, facet, term) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*facet)
                .bind(term)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

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
            write_service_terms(&mut tx, id, service).await?;
            record_audit(
                &mut tx,
                &AuditRecord {
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
                },
            )
            .await?;
            record_change(&mut tx, "service", id, now).await?;
            tx.commit().await?;
            crate::outbox::announce();
            Some(id)
        });
        Ok(saved)
    }
}
