//! Actor groups, and whether an alliance crosses them.
//!
//! An alliance is intersectoral when its members span at least two of the
//! three groups the field speaks of: government, civil society and
//! international actors. Academia and the private sector are groups of their
//! own (so a breakdown can show them) but do not make an alliance
//! intersectoral: a university with a shelter is a research partnership,
//! not the government–society–international arrangement the term names.

use crate::facts::{AllianceFacts, OrganizationFacts};
use acoge_domain::organization::OrganizationKind;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorGroup {
    Government,
    CivilSociety,
    International,
    Academia,
    PrivateSector,
}

impl ActorGroup {
    /// Stable name (also the JSON value), for picking a translated label.
    pub fn slug(self) -> &'static str {
        match self {
            ActorGroup::Government => "government",
            ActorGroup::CivilSociety => "civil_society",
            ActorGroup::International => "international",
            ActorGroup::Academia => "academia",
            ActorGroup::PrivateSector => "private_sector",
        }
    }

    /// Whether the group counts towards an alliance being intersectoral.
    pub fn is_core(self) -> bool {
        matches!(
            self,
            ActorGroup::Government | ActorGroup::CivilSociety | ActorGroup::International
        )
    }
}

pub fn actor_group(kind: OrganizationKind) -> ActorGroup {
    use OrganizationKind::*;
    // Exhaustive on purpose: a new kind must be placed here before it compiles.
    match kind {
        FederalGovernment | StateGovernment | MunicipalGovernment | AutonomousBody => {
            ActorGroup::Government
        }
        InternationalOrganization | InternationalNgo | InternationalCooperation => {
            ActorGroup::International
        }
        Foundation | CivilSocietyNetwork | HumanRightsDefence | LegalAid | Shelter | FaithBased => {
            ActorGroup::CivilSociety
        }
        Academia => ActorGroup::Academia,
        PrivateSector => ActorGroup::PrivateSector,
    }
}

/// The groups present among `kinds`, in `ActorGroup` order.
pub fn actor_groups(kinds: impl IntoIterator<Item = OrganizationKind>) -> BTreeSet<ActorGroup> {
    kinds.into_iter().map(actor_group).collect()
}

/// At least two of government, civil society and international actors.
pub fn is_intersectoral(kinds: impl IntoIterator<Item = OrganizationKind>) -> bool {
    actor_groups(kinds)
        .into_iter()
        .filter(|g| g.is_core())
        .count()
        >= 2
}

/// The kinds of an alliance's members, looked up among `organizations`;
/// members not found there are skipped.
pub fn member_kinds(
    alliance: &AllianceFacts,
    organizations: &[OrganizationFacts],
) -> Vec<OrganizationKind> {
    alliance
        .members
        .iter()
        .filter_map(|id| organizations.iter().find(|o| o.id == *id))
        .map(|o| o.kind)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganizationKind::*;
    use uuid::Uuid;

    #[test]
    fn every_kind_has_a_group() {
        let government: Vec<_> = OrganizationKind::ALL
            .iter()
            .filter(|k| actor_group(**k) == ActorGroup::Government)
            .collect();
        assert_eq!(
            government,
            vec![
                &FederalGovernment,
                &StateGovernment,
                &MunicipalGovernment,
                &AutonomousBody
            ]
        );
        assert_eq!(actor_group(InternationalNgo), ActorGroup::International);
        assert_eq!(actor_group(FaithBased), ActorGroup::CivilSociety);
        assert_eq!(actor_group(Shelter), ActorGroup::CivilSociety);
        assert_eq!(actor_group(Academia), ActorGroup::Academia);
        assert_eq!(actor_group(PrivateSector), ActorGroup::PrivateSector);
    }

    #[test]
    fn intersectoral_needs_two_of_the_three_core_groups() {
        assert!(is_intersectoral([MunicipalGovernment, Shelter]));
        assert!(is_intersectoral([InternationalOrganization, LegalAid]));
        assert!(is_intersectoral([
            StateGovernment,
            InternationalCooperation
        ]));
        // Two governments are one group; two civil-society kinds too.
        assert!(!is_intersectoral([FederalGovernment, MunicipalGovernment]));
        assert!(!is_intersectoral([Shelter, HumanRightsDefence, FaithBased]));
        // Academia and business are groups, but not core ones.
        assert!(!is_intersectoral([Academia, PrivateSector, Shelter]));
        assert!(!is_intersectoral([]));
        assert_eq!(
            actor_groups([Academia, Shelter, Shelter]),
            BTreeSet::from([ActorGroup::CivilSociety, ActorGroup::Academia])
        );
    }

    #[test]
    fn an_alliance_is_judged_on_its_known_members() {
        let organization = |n, kind| OrganizationFacts {
            id: Uuid::from_u128(n),
            name: format!("Org {n}"),
            kind,
            sectors: Vec::new(),
            seat: None,
            serves: Vec::new(),
        };
        let organizations = [
            organization(1, MunicipalGovernment),
            organization(2, Shelter),
        ];
        let alliance = AllianceFacts {
            id: Uuid::from_u128(100),
            members: vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(9)],
            declared: true,
        };
        let kinds = member_kinds(&alliance, &organizations);
        assert_eq!(kinds, vec![MunicipalGovernment, Shelter]);
        assert!(is_intersectoral(kinds));
        assert_eq!(ActorGroup::CivilSociety.slug(), "civil_society");
    }
}
