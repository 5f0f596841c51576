//! Where an organization works: the one definition coverage and suggestions
//! share.
//!
//! In a sector, an organization works in
//! - its seat municipality and each municipality it declares it serves, if it
//!   declares that sector;
//! - the municipality of each of its services in that sector, whatever
//!   sectors the organization itself declares (a service is evidence enough);
//! - each whole state it declares it serves, if it declares that sector. A
//!   whole state is not a presence in each of its municipalities: it says
//!   the organization can be reached from there, not that it is there.

use crate::facts::{OrganizationFacts, ServiceFacts, Territory};
use acoge_domain::{Cvegeo, StateKey, practice::Sector};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Footprint {
    pub municipalities: BTreeSet<Cvegeo>,
    pub whole_states: BTreeSet<StateKey>,
}

impl Footprint {
    pub fn in_municipality(&self, municipality: &Cvegeo) -> bool {
        self.municipalities.contains(municipality)
    }

    /// In a municipality of the state, or serving the whole state.
    pub fn in_state(&self, state: &StateKey) -> bool {
        self.whole_states.contains(state) || self.municipalities.iter().any(|m| &m.state() == state)
    }

    pub fn is_empty(&self) -> bool {
        self.municipalities.is_empty() && self.whole_states.is_empty()
    }
}

/// Each organization's footprint in `sector`, or in any sector when `None`.
/// Organizations known only as a service's owner get an entry too, so a
/// service is never lost because its organization is missing from the list.
pub(crate) fn footprints(
    organizations: &[OrganizationFacts],
    services: &[ServiceFacts],
    sector: Option<Sector>,
) -> BTreeMap<Uuid, Footprint> {
    let mut out: BTreeMap<Uuid, Footprint> = BTreeMap::new();
    for organization in organizations {
        let footprint = out.entry(organization.id).or_default();
        let declares = sector.is_none_or(|s| organization.sectors.contains(&s));
        if !declares {
            continue;
        }
        footprint.municipalities.extend(organization.seat.clone());
        for territory in &organization.serves {
            match territory {
                Territory::Municipality(m) => {
                    footprint.municipalities.insert(m.clone());
                }
                Territory::State(s) => {
                    footprint.whole_states.insert(s.clone());
                }
            }
        }
    }
    for service in services {
        if sector.is_none_or(|s| service.sectors.contains(&s)) {
            out.entry(service.organization)
                .or_default()
                .municipalities
                .insert(service.municipality.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_domain::organization::OrganizationKind;

    fn cvegeo(key: &str) -> Cvegeo {
        Cvegeo::parse(key).unwrap()
    }

    #[test]
    fn declared_places_count_only_in_declared_sectors_and_services_always() {
        let shelter = OrganizationFacts {
            id: Uuid::from_u128(1),
            name: "Albergue".into(),
            kind: OrganizationKind::Shelter,
            sectors: vec![Sector::HousingShelter],
            seat: Some(cvegeo("07089")),
            serves: vec![
                Territory::Municipality(cvegeo("07065")),
                Territory::State(StateKey::parse("27").unwrap()),
            ],
        };
        let clinic = ServiceFacts {
            id: Uuid::from_u128(10),
            organization: shelter.id,
            sectors: vec![Sector::Health],
            municipality: cvegeo("07101"),
        };
        let organizations = [shelter];
        let services = [clinic];

        let housing = footprints(&organizations, &services, Some(Sector::HousingShelter));
        let housing = &housing[&Uuid::from_u128(1)];
        assert_eq!(
            housing.municipalities,
            BTreeSet::from([cvegeo("07065"), cvegeo("07089")])
        );
        assert!(housing.in_state(&StateKey::parse("27").unwrap()));
        assert!(!housing.in_municipality(&cvegeo("27004")));

        let health = footprints(&organizations, &services, Some(Sector::Health));
        let health = &health[&Uuid::from_u128(1)];
        assert_eq!(health.municipalities, BTreeSet::from([cvegeo("07101")]));
        assert!(health.whole_states.is_empty());

        let any = footprints(&organizations, &services, None);
        assert_eq!(any[&Uuid::from_u128(1)].municipalities.len(), 3);

        let food = footprints(&organizations, &services, Some(Sector::Food));
        assert!(food[&Uuid::from_u128(1)].is_empty());
    }
}
