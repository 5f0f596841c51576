//! Sector coverage of one municipality: for each sector, is someone working
//! there, only elsewhere in the state, or nowhere near (a gap)?
//!
//! "Present" is defined once, in `presence`: seat or declared municipality
//! (in a declared sector), or a service located there. An organization that
//! declares a whole state counts at state level only, unless it is also
//! present in the municipality.

use crate::{
    facts::{Facts, ServiceFacts},
    presence::{Footprint, footprints},
};
use acoge_domain::{Cvegeo, practice::Sector};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageLevel {
    /// Someone works in the sector in the municipality itself.
    Local,
    /// No one in the municipality, but someone elsewhere in its state.
    State,
    /// A gap: no one in the state either.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectorCoverage {
    pub sector: Sector,
    pub level: CoverageLevel,
    /// At `Local`, the organizations present in the municipality; at
    /// `State`, those present elsewhere in the state. Sorted by id.
    pub organizations: Vec<Uuid>,
    /// The services behind the level, located in the municipality (`Local`)
    /// or elsewhere in the state (`State`). Sorted by id.
    pub services: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub municipality: Cvegeo,
    /// One per sector, in `Sector::ALL` order.
    pub sectors: Vec<SectorCoverage>,
    /// Sectors at level `None`, in `Sector::ALL` order.
    pub gaps: Vec<Sector>,
}

impl SectorCoverage {
    /// A gap: no one works in `sector` in the municipality nor in its state.
    pub(crate) fn gap(sector: Sector) -> Self {
        SectorCoverage {
            sector,
            level: CoverageLevel::None,
            organizations: Vec::new(),
            services: Vec::new(),
        }
    }
}

impl Coverage {
    /// The coverage of `municipality`, one entry per sector in
    /// `Sector::ALL` order, with the gaps that follow from them.
    pub(crate) fn of_sectors(municipality: &Cvegeo, sectors: Vec<SectorCoverage>) -> Self {
        let gaps = sectors
            .iter()
            .filter(|s| s.level == CoverageLevel::None)
            .map(|s| s.sector)
            .collect();
        Coverage {
            municipality: municipality.clone(),
            sectors,
            gaps,
        }
    }
}

pub fn sector_coverage(municipality: &Cvegeo, facts: &Facts) -> Coverage {
    let state = municipality.state();
    let sectors: Vec<SectorCoverage> = Sector::ALL
        .iter()
        .map(|&sector| {
            let footprints = footprints(&facts.organizations, &facts.services, Some(sector));
            let services_where = |here: &dyn Fn(&ServiceFacts) -> bool| -> Vec<Uuid> {
                let mut ids: Vec<Uuid> = facts
                    .services
                    .iter()
                    .filter(|s| s.sectors.contains(&sector) && here(s))
                    .map(|s| s.id)
                    .collect();
                ids.sort();
                ids.dedup();
                ids
            };
            // BTreeMap keys come sorted, so these lists are sorted by id.
            let organizations_where = |here: &dyn Fn(&Footprint) -> bool| -> Vec<Uuid> {
                footprints
                    .iter()
                    .filter(|(_, f)| here(f))
                    .map(|(id, _)| *id)
                    .collect()
            };
            let local = organizations_where(&|f| f.in_municipality(municipality));
            if !local.is_empty() {
                return SectorCoverage {
                    sector,
                    level: CoverageLevel::Local,
                    organizations: local,
                    services: services_where(&|s| &s.municipality == municipality),
                };
            }
            let in_state = organizations_where(&|f| f.in_state(&state));
            if !in_state.is_empty() {
                return SectorCoverage {
                    sector,
                    level: CoverageLevel::State,
                    organizations: in_state,
                    services: services_where(&|s| s.municipality.state() == state),
                };
            }
            SectorCoverage::gap(sector)
        })
        .collect();
    Coverage::of_sectors(municipality, sectors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{OrganizationFacts, Territory};
    use acoge_domain::{StateKey, organization::OrganizationKind};

    fn cvegeo(key: &str) -> Cvegeo {
        Cvegeo::parse(key).unwrap()
    }

    fn organization(
        n: u128,
        sectors: &[Sector],
        seat: &str,
        serves: Vec<Territory>,
    ) -> OrganizationFacts {
        OrganizationFacts {
            id: Uuid::from_u128(n),
            name: format!("Org {n}"),
            kind: OrganizationKind::Shelter,
            sectors: sectors.to_vec(),
            seat: Some(cvegeo(seat)),
            serves,
        }
    }

    fn service(n: u128, organization: u128, sectors: &[Sector], at: &str) -> ServiceFacts {
        ServiceFacts {
            id: Uuid::from_u128(n),
            organization: Uuid::from_u128(organization),
            sectors: sectors.to_vec(),
            municipality: cvegeo(at),
        }
    }

    fn level_of(coverage: &Coverage, sector: Sector) -> &SectorCoverage {
        &coverage.sectors[Sector::ALL.iter().position(|s| *s == sector).unwrap()]
    }

    /// Tapachula (07089) in Chiapas (07).
    fn chiapas() -> Facts {
        Facts {
            organizations: vec![
                // Seated in Tapachula: health is local.
                organization(1, &[Sector::Health], "07089", vec![]),
                // Seated in Tuxtla (07101), declares it serves Tapachula: legal aid is local.
                organization(
                    2,
                    &[Sector::LegalAid],
                    "07101",
                    vec![Territory::Municipality(cvegeo("07089"))],
                ),
                // Serves all of Chiapas from Mexico City: education at state level only.
                organization(
                    3,
                    &[Sector::Education],
                    "09015",
                    vec![Territory::State(StateKey::parse("07").unwrap())],
                ),
                // Seated elsewhere in Chiapas: housing at state level.
                organization(4, &[Sector::HousingShelter], "07101", vec![]),
                // Food only in Oaxaca: does not reach Chiapas.
                organization(5, &[Sector::Food], "20067", vec![]),
                // Declares no sector, but runs a mental-health service in Tapachula.
                organization(6, &[], "09015", vec![]),
            ],
            services: vec![
                service(60, 6, &[Sector::MentalHealth], "07089"),
                // Housing service of org 4 in Tuxtla, listed at state level.
                service(40, 4, &[Sector::HousingShelter], "07101"),
            ],
            ..Facts::default()
        }
    }

    #[test]
    fn each_sector_is_local_state_or_a_gap_with_who_is_behind_it() {
        let coverage = sector_coverage(&cvegeo("07089"), &chiapas());
        let expect = |sector, level, organizations: &[u128], services: &[u128]| {
            let got = level_of(&coverage, sector);
            assert_eq!(got.level, level, "{sector}");
            let organizations: Vec<Uuid> =
                organizations.iter().copied().map(Uuid::from_u128).collect();
            let services: Vec<Uuid> = services.iter().copied().map(Uuid::from_u128).collect();
            assert_eq!(got.organizations, organizations, "{sector}");
            assert_eq!(got.services, services, "{sector}");
        };
        expect(Sector::Health, CoverageLevel::Local, &[1], &[]);
        expect(Sector::LegalAid, CoverageLevel::Local, &[2], &[]);
        expect(Sector::MentalHealth, CoverageLevel::Local, &[6], &[60]);
        expect(Sector::Education, CoverageLevel::State, &[3], &[]);
        expect(Sector::HousingShelter, CoverageLevel::State, &[4], &[40]);
        expect(Sector::Food, CoverageLevel::None, &[], &[]);
        assert_eq!(coverage.sectors.len(), Sector::ALL.len());
        assert_eq!(
            coverage.gaps,
            vec![
                Sector::Employment,
                Sector::ChildProtection,
                Sector::GenderViolence,
                Sector::Food,
                Sector::IntegrationCulture,
                Sector::Others,
            ]
        );
    }

    #[test]
    fn a_whole_state_organization_present_in_the_municipality_is_local() {
        let mut facts = chiapas();
        // Org 3 also opens an education service in Tapachula.
        facts
            .services
            .push(service(30, 3, &[Sector::Education], "07089"));
        let coverage = sector_coverage(&cvegeo("07089"), &facts);
        let education = level_of(&coverage, Sector::Education);
        assert_eq!(education.level, CoverageLevel::Local);
        assert_eq!(education.services, vec![Uuid::from_u128(30)]);
    }

    #[test]
    fn an_empty_directory_is_all_gaps() {
        let coverage = sector_coverage(&cvegeo("07089"), &Facts::default());
        assert_eq!(coverage.gaps, Sector::ALL.to_vec());
    }
}
