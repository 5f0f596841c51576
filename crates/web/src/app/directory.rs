//! Who does what where: organizations, their directory entries, services
//! and alliances, as pages and the API read and change them; and the analyses
//! of the directory (alliance network, sector coverage, partner suggestions),
//! which `jobs::analysis` computes in the background from the store's facts:
//! pages and the API read its last result and never wait for the next.

use crate::{AppState, app::error::AppError};
use acoge_analysis::Suggestion;
use acoge_domain::{
    Cvegeo,
    directory::DirectoryEntry,
    organization::Organization,
    page::{Page, PageRequest},
    practice::Sector,
};
use acoge_store::{
    AllianceRecord, NearbyService, OrganizationFilter, ServiceFilter, ServiceRecord, StoreError,
};
use std::{collections::HashMap, sync::Arc};
use uuid::Uuid;

pub use crate::jobs::analysis::Analysis;

/// How many partners a gap's suggestions list.
pub const SUGGESTIONS: usize = 5;

/// The last analysis of the directory, and whether it includes every change
/// committed so far (`current`). A request never waits for the next one.
pub struct Latest {
    pub analysis: Arc<Analysis>,
    /// False while a newer analysis is being computed: what is made of this
    /// one should not be kept by a cache under the newer data version.
    pub current: bool,
}

/// The last analysis, `None` while the first one after a start is computed.
pub async fn analysis(app: &AppState) -> Result<Option<Latest>, StoreError> {
    let Some(analysis) = app.analysis.latest() else {
        return Ok(None);
    };
    let head = app.db.outbox_head().await?;
    Ok(Some(Latest {
        current: analysis.position >= head,
        analysis,
    }))
}

/// The last analysis as it is, `None` while the first one is computed; for
/// parts of pages that cannot say whether they are current.
pub fn latest_analysis(app: &AppState) -> Option<Arc<Analysis>> {
    app.analysis.latest()
}

/// The last analysis, or `Unavailable` (503, worth retrying) while the first
/// one after a start is computed; for answers that have nothing without it.
pub fn require_analysis(app: &AppState) -> Result<Arc<Analysis>, AppError> {
    app.analysis.latest().ok_or(AppError::Unavailable)
}

/// Suggested partners for each gap of the municipality, in sector order.
pub fn gap_suggestions(
    analysis: &Analysis,
    municipality: &Cvegeo,
) -> Vec<(Sector, Vec<Suggestion>)> {
    analysis
        .coverage(municipality)
        .gaps
        .into_iter()
        .map(|sector| {
            let suggestions = analysis.suggestions(municipality, sector, SUGGESTIONS);
            (sector, suggestions)
        })
        .collect()
}

/// One page of the alliances, in the analysis's list order (declared ones,
/// then those derived from published practices), read from the store in one
/// batch; `total` counts them all.
pub async fn alliances_page(
    app: &AppState,
    analysis: &Analysis,
    page: PageRequest,
) -> Result<Page<AllianceRecord>, StoreError> {
    // The order is the analysis's, the records the store's as of now.
    app.read_models
        .alliances
        .current(
            (page, analysis.position),
            &app.data_version,
            load_alliances_page(app, analysis, page),
        )
        .await
}

async fn load_alliances_page(
    app: &AppState,
    analysis: &Analysis,
    page: PageRequest,
) -> Result<Page<AllianceRecord>, StoreError> {
    let listed = analysis.alliances();
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit()).unwrap_or(0);
    let (mut declared, mut derived) = (Vec::new(), Vec::new());
    for alliance in listed.iter().skip(skip).take(take) {
        if alliance.declared {
            declared.push(alliance.id);
        } else {
            derived.push(alliance.id);
        }
    }
    Ok(Page {
        total: listed.len() as u64,
        items: app.db.alliance_records(&declared, &derived).await?,
    })
}

/// One declared alliance, as stored now.
pub async fn declared_alliance(
    app: &AppState,
    id: Uuid,
) -> Result<Option<AllianceRecord>, StoreError> {
    Ok(app.db.alliance_records(&[id], &[]).await?.pop())
}

/// The alliances an organization is a member of (declared ones first), at
/// most `limit`, and how many there are: from the last analysis's index
/// (then one batch per table, whatever the organization's size), or from the
/// store before the first analysis.
pub async fn alliances_of_organization(
    app: &AppState,
    organization: Uuid,
    limit: usize,
) -> Result<(u64, Vec<AllianceRecord>), StoreError> {
    let Some(analysis) = app.analysis.latest() else {
        return app.db.alliances_of_organization(organization, limit).await;
    };
    let (mut declared, mut derived, mut total) = (Vec::new(), Vec::new(), 0_u64);
    for alliance in analysis.alliances_of(organization) {
        if total < limit as u64 {
            if alliance.declared {
                declared.push(alliance.id);
            } else {
                derived.push(alliance.id);
            }
        }
        total += 1;
    }
    Ok((total, app.db.alliance_records(&declared, &derived).await?))
}

/// A member declares an alliance their organization is part of (moderators
/// may declare any); returns its id.
pub async fn declare_alliance(
    app: &AppState,
    actor: &acoge_domain::accounts::Actor,
    input: &acoge_domain::alliance::AllianceInput,
) -> Result<uuid::Uuid, AppError> {
    use acoge_domain::accounts::{Capability, Denied, authorize};
    use acoge_domain::fields::{FieldError, FieldProblem};
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let alliance = input.validate().map_err(AppError::Invalid)?;
    unknown_places(app, &alliance.territory).await?;
    let mut errors = Vec::new();
    if !app
        .db
        .missing_organizations(&alliance.members)
        .await?
        .is_empty()
    {
        errors.push(FieldError {
            field: "members",
            problem: FieldProblem::UnknownOrganization,
        });
    }
    let moderates = authorize(actor, Capability::Moderate).is_ok();
    let own = member
        .organization_id
        .is_some_and(|org| alliance.members.contains(&org));
    if errors.is_empty() && !moderates && !own {
        // Members speak for their own organization's alliances only.
        return Err(Denied::Forbidden.into());
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(app.db.create_alliance(&alliance, Some(member.id)).await?)
}

/// A member edits their own organization's entry; moderators any.
pub async fn edit_entry(
    app: &AppState,
    actor: &acoge_domain::accounts::Actor,
    organization: uuid::Uuid,
    input: &acoge_domain::directory::DirectoryInput,
) -> Result<(), AppError> {
    use acoge_domain::accounts::{Capability, Denied, authorize};
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    if app.db.organization(organization).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let moderates = authorize(actor, Capability::Moderate).is_ok();
    if !moderates && member.organization_id != Some(organization) {
        return Err(Denied::Forbidden.into());
    }
    let edit = input.validate().map_err(AppError::Invalid)?;
    unknown_places(app, &edit.territories).await?;
    if app
        .db
        .update_organization_directory(organization, &edit, member.id)
        .await?
    {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A moderator confirms an organization's entry against its sources.
pub async fn verify_entry(
    app: &AppState,
    actor: &acoge_domain::accounts::Actor,
    organization: uuid::Uuid,
) -> Result<(), AppError> {
    use acoge_domain::accounts::{Capability, Denied, authorize};
    authorize(actor, Capability::Moderate)?;
    let moderator = actor.id().ok_or(Denied::NotSignedIn)?;
    if app.db.verify_organization(organization, moderator).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Refuses territories that name no municipality or state of Mexico.
async fn unknown_places(
    app: &AppState,
    territories: &[acoge_domain::directory::Territory],
) -> Result<(), AppError> {
    use acoge_domain::directory::Territory;
    use acoge_domain::fields::{FieldError, FieldProblem};
    let (states, municipalities) = app.db.known_places().await?;
    let mut errors = Vec::new();
    for territory in territories {
        let (known, field) = match territory {
            Territory::Municipality(m) => (municipalities.contains(m), "municipalities"),
            Territory::State(s) => (states.contains(s), "states"),
        };
        if !known && !errors.iter().any(|e: &FieldError| e.field == field) {
            errors.push(FieldError {
                field,
                problem: FieldProblem::UnknownMunicipality,
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// A member adds or changes a service of their own organization (moderators:
/// any). Only moderators mark a service verified. Returns its id.
pub async fn save_service(
    app: &AppState,
    actor: &acoge_domain::accounts::Actor,
    existing: Option<uuid::Uuid>,
    input: &acoge_domain::service::ServiceInput,
) -> Result<uuid::Uuid, AppError> {
    use acoge_domain::accounts::{Capability, Denied, authorize};
    use acoge_domain::fields::{FieldError, FieldProblem};
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let moderates = authorize(actor, Capability::Moderate).is_ok();
    let mut service = input.validate().map_err(AppError::Invalid)?;
    if !moderates {
        service.provenance.verified = false;
    }
    let speaks_for = |org: uuid::Uuid| moderates || member.organization_id == Some(org);
    if let Some(id) = existing {
        let current = service_by_id(app, id).await?.ok_or(AppError::NotFound)?;
        if !speaks_for(current.organization_id) {
            return Err(Denied::Forbidden.into());
        }
    }
    if !speaks_for(service.organization_id) {
        return Err(Denied::Forbidden.into());
    }
    match app.db.save_service(&service, existing, member.id).await {
        Ok(Some(id)) => Ok(id),
        Ok(None) => Err(AppError::NotFound),
        Err(StoreError::Conflict { field: "name" }) => Err(AppError::Invalid(vec![FieldError {
            field: "name",
            problem: FieldProblem::DuplicateName,
        }])),
        Err(e) => Err(e.into()),
    }
}

/// A service, closed ones included.
pub async fn service_by_id(
    app: &AppState,
    id: uuid::Uuid,
) -> Result<Option<acoge_domain::service::Service>, StoreError> {
    Ok(app.db.service(id).await?.map(|r| r.service))
}

/// A service with the names beside it, closed ones included.
pub async fn service_record(app: &AppState, id: Uuid) -> Result<Option<ServiceRecord>, StoreError> {
    app.db.service(id).await
}

/// An organization's directory entry; `None` when there is no such organization.
pub async fn directory_entry(
    app: &AppState,
    id: Uuid,
) -> Result<Option<DirectoryEntry>, StoreError> {
    app.db.directory_entry(id).await
}

/// A page of organizations, filtered.
pub async fn organizations(
    app: &AppState,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> Result<Page<Organization>, StoreError> {
    app.read_models
        .organizations
        .current(
            (filter.clone(), page),
            &app.data_version,
            app.db.organizations(filter, page),
        )
        .await
}

/// One organization.
pub async fn organization(app: &AppState, id: Uuid) -> Result<Option<Organization>, StoreError> {
    app.db.organization(id).await
}

/// Services by municipality, state and sector, ordered by organization then name.
pub async fn services(
    app: &AppState,
    filter: &ServiceFilter,
) -> Result<Vec<ServiceRecord>, StoreError> {
    app.db.services(filter).await
}

/// The names of the places an organization works in, by INEGI key.
pub async fn territory_names(
    app: &AppState,
    territories: &[acoge_domain::directory::Territory],
) -> Result<HashMap<String, String>, StoreError> {
    use acoge_domain::directory::Territory;
    let (mut municipalities, mut states) = (Vec::new(), Vec::new());
    for territory in territories {
        match territory {
            Territory::Municipality(cvegeo) => municipalities.push(cvegeo.to_string()),
            Territory::State(key) => states.push(key.to_string()),
        }
    }
    app.db.place_names(&municipalities, &states).await
}

/// One page of services, ordered by organization then name.
pub async fn services_page(
    app: &AppState,
    filter: &ServiceFilter,
    page: PageRequest,
) -> Result<Page<ServiceRecord>, StoreError> {
    app.read_models
        .services
        .current(
            (filter.clone(), page),
            &app.data_version,
            app.db.services_page(filter, page),
        )
        .await
}

/// Organizations by id, each with its directory entry (two or three
/// queries whatever the number of ids; unknown ids are left out).
pub async fn organizations_by_ids(
    app: &AppState,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (Organization, Option<DirectoryEntry>)>, StoreError> {
    let organizations = app.db.organizations_by_ids(ids).await?;
    let mut entries = app.db.directory_entries(ids).await?;
    Ok(organizations
        .into_iter()
        .map(|o| {
            let entry = entries.remove(&o.id);
            (o.id, (o, entry))
        })
        .collect())
}

/// Active services within `radius_km` of a municipality's seat, nearest
/// first (ties by organization and service name). Distances are
/// great-circle, computed here so both backends agree to the bit; a
/// service is placed at its own coordinates, else at its municipality's
/// seat. `None` when the municipality is unknown or has no seat coordinates.
pub async fn services_near(
    app: &AppState,
    cvegeo: &Cvegeo,
    radius_km: f64,
) -> Result<Option<Vec<NearbyService>>, StoreError> {
    app.db.services_near(cvegeo, radius_km).await
}

/// An organization with its directory entry, as the API shows it.
pub async fn organization_with_entry(
    app: &AppState,
    id: Uuid,
) -> Result<Option<(Organization, Option<DirectoryEntry>)>, StoreError> {
    let Some(organization) = app.db.organization(id).await? else {
        return Ok(None);
    };
    let entry = app.db.directory_entry(id).await?;
    Ok(Some((organization, entry)))
}

/// A page of organizations, each with its directory entry (one batch for
/// the page's entries).
pub async fn organizations_with_entries(
    app: &AppState,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> Result<Page<(Organization, Option<DirectoryEntry>)>, StoreError> {
    let found = organizations(app, filter, page).await?;
    let ids: Vec<Uuid> = found.items.iter().map(|o| o.id).collect();
    let mut entries = app.db.directory_entries(&ids).await?;
    let items = found
        .items
        .into_iter()
        .map(|organization| {
            let entry = entries.remove(&organization.id);
            (organization, entry)
        })
        .collect();
    Ok(Page {
        total: found.total,
        items,
    })
}
