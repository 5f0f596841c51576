//! Who does what where: organizations, their directory entries, services
//! and alliances, as pages and the API read and change them; and the analyses
//! of the directory (alliance network, sector coverage, partner suggestions),
//! computed from the store's facts and cached until the outbox moves, so pages
//! and the API share one result.

use crate::{AppState, app::error::AppError};
use acoge_analysis::{
    AllianceNetwork, Coverage, Facts, Placement, Suggestion, analyze_network, layout,
    sector_coverage, suggest_partners,
};
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
use std::sync::Arc;
use tokio::sync::Mutex;
use uuid::Uuid;

/// One computation of the analyses, valid while the outbox stays at `position`.
pub struct Analysis {
    pub position: i64,
    pub facts: Facts,
    /// Every organization, allied or not (metrics are over the whole directory).
    pub network: AllianceNetwork,
    /// The drawing: only organizations with at least one alliance.
    pub drawn: AllianceNetwork,
    pub placements: Vec<Placement>,
}

/// The last analysis, shared by every request of this instance.
#[derive(Default)]
pub struct AnalysisCache(Mutex<Option<Arc<Analysis>>>);

impl AnalysisCache {
    /// The analysis of the data as it is now. Reads the outbox position first,
    /// so a change landing meanwhile makes the next call compute again.
    pub async fn current(&self, app: &AppState) -> Result<Arc<Analysis>, StoreError> {
        let position = app.db.outbox_head().await?;
        let mut slot = self.0.lock().await;
        if let Some(cached) = slot.as_ref()
            && cached.position == position
        {
            return Ok(cached.clone());
        }
        let facts = app.db.analysis_facts().await?;
        let ids: Vec<_> = facts.organizations.iter().map(|o| o.id).collect();
        let network = analyze_network(&ids, &facts.alliances);
        let allied: Vec<_> = network
            .nodes
            .iter()
            .filter(|n| n.degree > 0)
            .map(|n| n.id)
            .collect();
        let drawn = analyze_network(&allied, &facts.alliances);
        // The frame is a constant with room to spare, so layout cannot refuse it.
        let placements = layout(&drawn, &crate::render::network_svg::FRAME).unwrap_or_default();
        let analysis = Arc::new(Analysis {
            position,
            facts,
            network,
            drawn,
            placements,
        });
        *slot = Some(analysis.clone());
        Ok(analysis)
    }
}

/// How many partners a gap's suggestions list.
pub const SUGGESTIONS: usize = 5;

impl Analysis {
    pub fn coverage(&self, municipality: &Cvegeo) -> Coverage {
        sector_coverage(municipality, &self.facts)
    }

    /// Suggested partners for each gap of the municipality, in sector order.
    pub fn suggestions(&self, municipality: &Cvegeo) -> Vec<(Sector, Vec<Suggestion>)> {
        self.coverage(municipality)
            .gaps
            .into_iter()
            .map(|sector| {
                let suggestions = suggest_partners(municipality, sector, &self.facts, SUGGESTIONS);
                (sector, suggestions)
            })
            .collect()
    }

    pub fn organization_name(&self, id: uuid::Uuid) -> Option<&str> {
        self.facts
            .organizations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.as_str())
    }
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
    let filter = acoge_store::ServiceFilter {
        include_closed: true,
        ..Default::default()
    };
    Ok(app
        .db
        .services(&filter)
        .await?
        .into_iter()
        .map(|r| r.service)
        .find(|s| s.id == id))
}

/// Every alliance: declared ones (oldest first), then those derived from
/// published practices whose lead and partners in the directory are two
/// or more (kind `practica_conjunta`, source the practice's page).
pub async fn alliances(app: &AppState) -> Result<Vec<AllianceRecord>, StoreError> {
    app.db.alliances().await
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
    app.db.organizations(filter, page).await
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

/// A page of organizations, each with its directory entry.
pub async fn organizations_with_entries(
    app: &AppState,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> Result<Page<(Organization, Option<DirectoryEntry>)>, StoreError> {
    let found = app.db.organizations(filter, page).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for organization in found.items {
        let entry = app.db.directory_entry(organization.id).await?;
        items.push((organization, entry));
    }
    Ok(Page {
        total: found.total,
        items,
    })
}
