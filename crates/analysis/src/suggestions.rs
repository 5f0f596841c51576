//! Partners a municipality could ally with to close a gap in a sector,
//! ranked by evidence. Each piece of evidence is a `Reason` carrying its data;
//! the web layer words it (its `kind()` names the Fluent message).
//!
//! A candidate works in the sector somewhere (see `presence`) but not in the
//! municipality itself, and has at least one reason. Its score is the sum of:
//!
//! | reason | points |
//! |---|---|
//! | active in the sector at a municipality whose seat is `d` km away, `d` < 500 (nearest one) | 3 × (1 − d / 500) |
//! | active in the sector in the same state (a municipality of it, or the whole state) | 2 |
//! | active in the sector in a municipality sharing a migration context, per shared context | 2 |
//! | allied with an organization present in the municipality (any sector), per partner, at most 3 counted | 1 |
//!
//! Equal scores are ordered by name (accents and case folded), then by id.

use crate::{
    facts::{Facts, MunicipalityFacts},
    presence::footprints,
};
use acoge_domain::{
    Cvegeo, StateKey, geo::fold_name, organization::OrganizationKind, practice::Sector,
    taxonomy::MigrationContext,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Beyond this distance a municipality is not "nearby".
pub const NEARBY_RADIUS_KM: f64 = 500.0;
/// Points for working in the sector right next door; they fall linearly to 0
/// at `NEARBY_RADIUS_KM`.
pub const NEARBY_POINTS: f64 = 3.0;
pub const SAME_STATE_POINTS: f64 = 2.0;
pub const SHARED_CONTEXT_POINTS: f64 = 2.0;
pub const LOCAL_PARTNER_POINTS: f64 = 1.0;
/// Alliances add up to this many partners' worth of points: a very
/// networked organization should not outrank one that works nearby.
pub const LOCAL_PARTNERS_COUNTED: usize = 3;

/// Of the places where a candidate works, each with its distance to the
/// target, the nearest closer than `NEARBY_RADIUS_KM`. Strictly nearer wins,
/// so of equal distances the first place (the smaller key) stays.
pub(crate) fn nearest_nearby<P>(distances: impl Iterator<Item = (P, f64)>) -> Option<(P, f64)> {
    distances
        .filter(|(_, distance)| *distance < NEARBY_RADIUS_KM)
        .fold(None, |best, (place, d)| match best {
            Some((_, best_d)) if best_d <= d => best,
            _ => Some((place, d)),
        })
}

/// The points for working `distance_km` away: `NEARBY_POINTS` right next
/// door, falling linearly to 0 at `NEARBY_RADIUS_KM`.
pub(crate) fn nearby_points(distance_km: f64) -> f64 {
    NEARBY_POINTS * (1.0 - distance_km / NEARBY_RADIUS_KM)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The nearest municipality where it works in the sector.
    ActiveInSectorNearby {
        municipality: Cvegeo,
        distance_km: f64,
    },
    ActiveInSectorInState {
        state: StateKey,
    },
    /// It works in the sector in `municipality`, which shares `context` with
    /// the target (the municipality with the smallest key, if several).
    ActiveInSameContext {
        municipality: Cvegeo,
        context: MigrationContext,
    },
    /// Already allied with `partner`, which is present in the target.
    AlliedWithLocalPartner {
        partner: Uuid,
    },
}

impl Reason {
    /// Stable name of the variant (also its `kind` in JSON), for picking a
    /// translated message.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::ActiveInSectorNearby { .. } => "active_in_sector_nearby",
            Reason::ActiveInSectorInState { .. } => "active_in_sector_in_state",
            Reason::ActiveInSameContext { .. } => "active_in_same_context",
            Reason::AlliedWithLocalPartner { .. } => "allied_with_local_partner",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub organization: Uuid,
    pub name: String,
    pub kind: OrganizationKind,
    pub score: f64,
    /// In the order of the table above; partners by id.
    pub reasons: Vec<Reason>,
}

/// Up to `limit` organizations that could bring `sector` to `municipality`,
/// best first.
pub fn suggest_partners(
    municipality: &Cvegeo,
    sector: Sector,
    facts: &Facts,
    limit: usize,
) -> Vec<Suggestion> {
    let state = municipality.state();
    let places: BTreeMap<&Cvegeo, &MunicipalityFacts> = facts
        .municipalities
        .iter()
        .map(|m| (&m.cvegeo, m))
        .collect();
    let target = places.get(municipality);
    let target_seat = target.and_then(|m| m.seat);
    let target_contexts: BTreeSet<MigrationContext> = target
        .map(|m| m.contexts.iter().copied().collect())
        .unwrap_or_default();

    let in_sector = footprints(&facts.organizations, &facts.services, Some(sector));
    let present_here: BTreeSet<Uuid> = footprints(&facts.organizations, &facts.services, None)
        .into_iter()
        .filter(|(_, f)| f.in_municipality(municipality))
        .map(|(id, _)| id)
        .collect();

    // Who each organization is allied with among those present here, read
    // once rather than once per candidate.
    let mut local_allies: BTreeMap<Uuid, BTreeSet<Uuid>> = BTreeMap::new();
    for alliance in &facts.alliances {
        for partner in alliance.members.iter().filter(|m| present_here.contains(m)) {
            for member in alliance.members.iter().filter(|m| *m != partner) {
                local_allies.entry(*member).or_default().insert(*partner);
            }
        }
    }

    let mut seen = BTreeSet::new();
    let mut suggestions: Vec<Suggestion> = Vec::new();
    for organization in &facts.organizations {
        if !seen.insert(organization.id) {
            continue;
        }
        let Some(footprint) = in_sector.get(&organization.id) else {
            continue;
        };
        if footprint.is_empty() || footprint.in_municipality(municipality) {
            continue;
        }
        let mut reasons = Vec::new();
        let mut score = 0.0;

        if let Some(seat) = target_seat {
            let distances = footprint.municipalities.iter().filter_map(|m| {
                let distance = places.get(m)?.seat?.distance_km(&seat);
                Some((m, distance))
            });
            if let Some((m, distance_km)) = nearest_nearby(distances) {
                score += nearby_points(distance_km);
                reasons.push(Reason::ActiveInSectorNearby {
                    municipality: m.clone(),
                    distance_km,
                });
            }
        }

        if footprint.in_state(&state) {
            score += SAME_STATE_POINTS;
            reasons.push(Reason::ActiveInSectorInState {
                state: state.clone(),
            });
        }

        for context in &target_contexts {
            let shared = footprint.municipalities.iter().find(|m| {
                places
                    .get(m)
                    .is_some_and(|place| place.contexts.contains(context))
            });
            if let Some(m) = shared {
                score += SHARED_CONTEXT_POINTS;
                reasons.push(Reason::ActiveInSameContext {
                    municipality: m.clone(),
                    context: *context,
                });
            }
        }

        let partners = local_allies
            .get(&organization.id)
            .cloned()
            .unwrap_or_default();
        score += LOCAL_PARTNER_POINTS * partners.len().min(LOCAL_PARTNERS_COUNTED) as f64;
        reasons.extend(
            partners
                .into_iter()
                .map(|partner| Reason::AlliedWithLocalPartner { partner }),
        );

        if !reasons.is_empty() {
            suggestions.push(Suggestion {
                organization: organization.id,
                name: organization.name.clone(),
                kind: organization.kind,
                score,
                reasons,
            });
        }
    }
    suggestions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| fold_name(&a.name).cmp(&fold_name(&b.name)))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.organization.cmp(&b.organization))
    });
    suggestions.truncate(limit);
    suggestions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AllianceFacts, OrganizationFacts, ServiceFacts, Territory};
    use acoge_domain::geo::Coordinates;

    fn cvegeo(key: &str) -> Cvegeo {
        Cvegeo::parse(key).unwrap()
    }

    fn place(key: &str, lat: f64, lon: f64, contexts: &[MigrationContext]) -> MunicipalityFacts {
        MunicipalityFacts {
            cvegeo: cvegeo(key),
            seat: Some(Coordinates { lat, lon }),
            contexts: contexts.to_vec(),
        }
    }

    fn organization(n: u128, name: &str, sectors: &[Sector], seat: &str) -> OrganizationFacts {
        OrganizationFacts {
            id: Uuid::from_u128(n),
            name: name.into(),
            kind: OrganizationKind::Foundation,
            sectors: sectors.to_vec(),
            seat: Some(cvegeo(seat)),
            serves: Vec::new(),
        }
    }

    fn alliance(n: u128, members: &[u128]) -> AllianceFacts {
        AllianceFacts {
            id: Uuid::from_u128(1000 + n),
            members: members.iter().copied().map(Uuid::from_u128).collect(),
            declared: true,
        }
    }

    const TAPACHULA: (f64, f64) = (14.9, -92.26);
    const HUIXTLA: (f64, f64) = (15.14, -92.47);
    const TENOSIQUE: (f64, f64) = (17.47, -91.42);

    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        let a = Coordinates { lat: a.0, lon: a.1 };
        a.distance_km(&Coordinates { lat: b.0, lon: b.1 })
    }

    /// Health is missing in Tapachula (07089: southern border, COMAR office).
    fn community() -> Facts {
        use MigrationContext::*;
        Facts {
            municipalities: vec![
                place(
                    "07089",
                    TAPACHULA.0,
                    TAPACHULA.1,
                    &[SouthernBorder, ComarOffice],
                ),
                place("07035", HUIXTLA.0, HUIXTLA.1, &[]),
                place(
                    "27017",
                    TENOSIQUE.0,
                    TENOSIQUE.1,
                    &[SouthernBorder, TransitRoute],
                ),
                place("08037", 31.73, -106.48, &[NorthernBorder, ComarOffice]),
                place("20067", 17.06, -96.72, &[]),
            ],
            organizations: vec![
                organization(1, "Clínica Huixtla", &[Sector::Health], "07035"),
                organization(2, "Médicos de la Frontera", &[Sector::Health], "27017"),
                organization(3, "Salud Norte", &[Sector::Health], "08037"),
                organization(4, "Red Jurídica", &[Sector::LegalAid], "08037"),
                organization(5, "Hospital de Tapachula", &[Sector::Health], "07089"),
                organization(6, "Casa Amiga", &[Sector::Health], "08037"),
                organization(7, "Defensoría Tapachula", &[Sector::LegalAid], "07089"),
                organization(8, "Salud Oaxaca", &[Sector::Health], "20067"),
                organization(9, "ayuda norte", &[Sector::Health], "08037"),
            ],
            alliances: vec![
                alliance(1, &[6, 5]),
                alliance(2, &[6, 7, 4]),
                // Allied locally, but not in health anywhere.
                alliance(3, &[4, 7]),
            ],
            services: Vec::new(),
        }
    }

    #[test]
    fn candidates_rank_by_evidence_and_each_reason_is_recorded() {
        let facts = community();
        let suggestions = suggest_partners(&cvegeo("07089"), Sector::Health, &facts, 10);
        let order: Vec<&str> = suggestions.iter().map(|s| s.name.as_str()).collect();
        // Hospital de Tapachula is already there; Red Jurídica and
        // Defensoría are not in health; Salud Oaxaca is 500+ km away, shares
        // no context and no ally, so it has no reason to be suggested.
        // "ayuda norte" ties with Salud Norte and sorts first by folded name.
        assert_eq!(
            order,
            vec![
                "Clínica Huixtla",
                "Casa Amiga",
                "Médicos de la Frontera",
                "ayuda norte",
                "Salud Norte"
            ]
        );
        assert!(distance(TAPACHULA, (17.06, -96.72)) > NEARBY_RADIUS_KM);

        let huixtla = distance(TAPACHULA, HUIXTLA);
        assert!((30.0..40.0).contains(&huixtla), "{huixtla}");
        assert_eq!(
            suggestions[0].reasons,
            vec![
                Reason::ActiveInSectorNearby {
                    municipality: cvegeo("07035"),
                    distance_km: huixtla
                },
                Reason::ActiveInSectorInState {
                    state: StateKey::parse("07").unwrap()
                },
            ]
        );
        assert_eq!(suggestions[0].score, 3.0 * (1.0 - huixtla / 500.0) + 2.0);

        // Shares the COMAR office context through Juárez, and is allied with
        // the hospital (5) and the legal defender (7), both in Tapachula.
        assert_eq!(
            suggestions[1].reasons,
            vec![
                Reason::ActiveInSameContext {
                    municipality: cvegeo("08037"),
                    context: MigrationContext::ComarOffice
                },
                Reason::AlliedWithLocalPartner {
                    partner: Uuid::from_u128(5)
                },
                Reason::AlliedWithLocalPartner {
                    partner: Uuid::from_u128(7)
                },
            ]
        );
        assert_eq!(suggestions[1].score, 2.0 + 2.0);

        let tenosique = distance(TAPACHULA, TENOSIQUE);
        assert!((250.0..350.0).contains(&tenosique), "{tenosique}");
        assert_eq!(
            suggestions[2].reasons,
            vec![
                Reason::ActiveInSectorNearby {
                    municipality: cvegeo("27017"),
                    distance_km: tenosique
                },
                Reason::ActiveInSameContext {
                    municipality: cvegeo("27017"),
                    context: MigrationContext::SouthernBorder
                },
            ]
        );
        assert_eq!(suggestions[2].score, 3.0 * (1.0 - tenosique / 500.0) + 2.0);

        assert_eq!(suggestions[3].score, 2.0);
        assert_eq!(suggestions[4].score, 2.0);
        assert_eq!(suggestions[4].organization, Uuid::from_u128(3));
    }

    #[test]
    fn the_nearest_place_of_work_is_the_one_named() {
        let mut facts = community();
        // Salud Norte (3) opens health services in Tenosique and Huixtla.
        for (n, at) in [(31, "27017"), (32, "07035")] {
            facts.services.push(ServiceFacts {
                id: Uuid::from_u128(n),
                organization: Uuid::from_u128(3),
                sectors: vec![Sector::Health],
                municipality: cvegeo(at),
            });
        }
        let suggestions = suggest_partners(&cvegeo("07089"), Sector::Health, &facts, 10);
        let salud_norte = suggestions
            .iter()
            .find(|s| s.organization == Uuid::from_u128(3))
            .unwrap();
        assert_eq!(
            salud_norte.reasons[0],
            Reason::ActiveInSectorNearby {
                municipality: cvegeo("07035"),
                distance_km: distance(TAPACHULA, HUIXTLA)
            }
        );
        // Both shared contexts now: COMAR via Juárez, southern border via Tenosique.
        let contexts: Vec<MigrationContext> = salud_norte
            .reasons
            .iter()
            .filter_map(|r| match r {
                Reason::ActiveInSameContext { context, .. } => Some(*context),
                _ => None,
            })
            .collect();
        assert_eq!(
            contexts,
            vec![
                MigrationContext::SouthernBorder,
                MigrationContext::ComarOffice
            ]
        );
    }

    #[test]
    fn the_limit_keeps_the_best() {
        let suggestions = suggest_partners(&cvegeo("07089"), Sector::Health, &community(), 2);
        let ids: Vec<Uuid> = suggestions.iter().map(|s| s.organization).collect();
        assert_eq!(ids, vec![Uuid::from_u128(1), Uuid::from_u128(6)]);
    }

    #[test]
    fn a_service_makes_a_candidate_and_a_local_service_excludes_it() {
        let mut facts = community();
        // Red Jurídica opens a health service in Huixtla: now a candidate.
        facts.services.push(ServiceFacts {
            id: Uuid::from_u128(40),
            organization: Uuid::from_u128(4),
            sectors: vec![Sector::Health],
            municipality: cvegeo("07035"),
        });
        // Clínica Huixtla opens one in Tapachula: now present, not suggested.
        facts.services.push(ServiceFacts {
            id: Uuid::from_u128(10),
            organization: Uuid::from_u128(1),
            sectors: vec![Sector::Health],
            municipality: cvegeo("07089"),
        });
        let suggestions = suggest_partners(&cvegeo("07089"), Sector::Health, &facts, 10);
        assert!(
            !suggestions
                .iter()
                .any(|s| s.organization == Uuid::from_u128(1))
        );
        let red = suggestions
            .iter()
            .find(|s| s.organization == Uuid::from_u128(4))
            .unwrap();
        // Nearby (Huixtla), in Chiapas, and allied with the defender (7) in
        // Tapachula; Juárez does not count for context since its legal aid is
        // not health.
        let kinds: Vec<&str> = red.reasons.iter().map(Reason::kind).collect();
        assert_eq!(
            kinds,
            vec![
                "active_in_sector_nearby",
                "active_in_sector_in_state",
                "allied_with_local_partner"
            ]
        );
        assert_eq!(
            red.reasons[2],
            Reason::AlliedWithLocalPartner {
                partner: Uuid::from_u128(7)
            }
        );
        // Clínica Huixtla is now local, hence an ally that counts.
        assert!(
            suggestions
                .iter()
                .find(|s| s.organization == Uuid::from_u128(6))
                .is_some_and(|s| s.reasons.len() == 3)
        );
    }

    #[test]
    fn whole_state_service_counts_in_state_and_partners_are_capped() {
        let mut facts = community();
        let mut statewide = organization(20, "Estatal", &[Sector::Health], "09015");
        statewide.serves = vec![Territory::State(StateKey::parse("07").unwrap())];
        facts.organizations.push(statewide);
        for n in 30..34 {
            facts
                .organizations
                .push(organization(n, "Local", &[Sector::Food], "07089"));
        }
        facts.alliances.push(alliance(9, &[20, 30, 31, 32, 33]));
        let suggestions = suggest_partners(&cvegeo("07089"), Sector::Health, &facts, 10);
        let statewide = &suggestions[0];
        assert_eq!(statewide.organization, Uuid::from_u128(20));
        // 2 (state) + 3 (four local partners, three counted).
        assert_eq!(statewide.score, 5.0);
        assert_eq!(statewide.reasons.len(), 5);
        assert_eq!(statewide.reasons[0].kind(), "active_in_sector_in_state");
    }

    #[test]
    fn reasons_serialize_tagged_with_their_kind() {
        let reason = Reason::AlliedWithLocalPartner {
            partner: Uuid::from_u128(5),
        };
        assert_eq!(
            serde_json::to_string(&reason).unwrap(),
            r#"{"kind":"allied_with_local_partner","partner":"00000000-0000-0000-0000-000000000005"}"#
        );
        let reason = Reason::ActiveInSameContext {
            municipality: cvegeo("07089"),
            context: MigrationContext::ComarOffice,
        };
        assert_eq!(
            serde_json::to_string(&reason).unwrap(),
            r#"{"kind":"active_in_same_context","municipality":"07089","context":"oficina_comar"}"#
        );
        assert_eq!(reason.kind(), "active_in_same_context");
    }
}
