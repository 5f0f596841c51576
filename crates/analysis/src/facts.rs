//! What the analyses read: plain owned records the caller (the store, a test)
//! fills in. They hold only the facts the analyses use, so a test can write a
//! whole community in a few lines.

use acoge_domain::{
    Cvegeo, StateKey, geo::Coordinates, organization::OrganizationKind, practice::Sector,
    taxonomy::MigrationContext,
};
use uuid::Uuid;

/// A place an organization declares it serves.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Territory {
    Municipality(Cvegeo),
    /// The whole state: counts as presence in the state, not in each of its
    /// municipalities (see `coverage`).
    State(StateKey),
}

#[derive(Debug, Clone)]
pub struct OrganizationFacts {
    pub id: Uuid,
    /// Used to break ties between equal scores, so rankings read alphabetically.
    pub name: String,
    pub kind: OrganizationKind,
    /// Sectors it works in, wherever it works.
    pub sectors: Vec<Sector>,
    /// Municipality of its seat, when known.
    pub seat: Option<Cvegeo>,
    pub serves: Vec<Territory>,
}

/// A service (HSDS sense): something an organization offers at one place.
#[derive(Debug, Clone)]
pub struct ServiceFacts {
    pub id: Uuid,
    pub organization: Uuid,
    pub sectors: Vec<Sector>,
    pub municipality: Cvegeo,
}

/// Two or more organizations working together (declared or derived from a practice).
#[derive(Debug, Clone)]
pub struct AllianceFacts {
    /// The alliance's id; for a derived one, its practice's.
    pub id: Uuid,
    pub members: Vec<Uuid>,
    /// Declared by members (stored), rather than derived from a published practice.
    pub declared: bool,
}

#[derive(Debug, Clone)]
pub struct MunicipalityFacts {
    pub cvegeo: Cvegeo,
    /// Seat (cabecera) coordinates; a few municipalities have none.
    pub seat: Option<Coordinates>,
    pub contexts: Vec<MigrationContext>,
}

/// Everything the analyses read, in one value. `alliances` are in the order
/// a list shows them (declared ones first).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub organizations: Vec<OrganizationFacts>,
    pub services: Vec<ServiceFacts>,
    pub alliances: Vec<AllianceFacts>,
    pub municipalities: Vec<MunicipalityFacts>,
}
