//! The whole directory analysed once, then read by many: the alliance network
//! and the most connected part of it drawn, the alliances in list order,
//! counts per state for the map, and an index of who works where in which
//! sector, so that a municipality's coverage and its suggested partners cost
//! what lies near it rather than a pass over every organization.
//!
//! `coverage` and `suggestions` answer exactly what `sector_coverage` and
//! `suggest_partners` answer over the same facts (a test checks it on a
//! random directory); those two stay the readable definition.
//!
//! Services whose organization is not among the facts' organizations are
//! left out (the store's foreign key means there are none).

use crate::{
    coverage::{Coverage, CoverageLevel, SectorCoverage},
    facts::{Facts, Territory},
    layout::{Frame, Placement, layout},
    network::{AllianceNetwork, NodeMetrics, analyze_network},
    suggestions::{
        LOCAL_PARTNER_POINTS, LOCAL_PARTNERS_COUNTED, NEARBY_RADIUS_KM, Reason, SAME_STATE_POINTS,
        SHARED_CONTEXT_POINTS, Suggestion, nearby_points, nearest_nearby,
    },
};
use acoge_domain::{
    Cvegeo, StateKey,
    geo::{Coordinates, fold_name},
    organization::OrganizationKind,
    practice::Sector,
    taxonomy::MigrationContext,
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// An organization as the analyses name it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationEntry {
    pub id: Uuid,
    pub name: String,
    pub kind: OrganizationKind,
}

/// An alliance's place in the list: its id and where it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedAlliance {
    /// The alliance's id; for a derived one, its practice's.
    pub id: Uuid,
    pub declared: bool,
}

/// A municipality on the map: how many services it has, and its seat.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceCount {
    pub cvegeo: Cvegeo,
    pub seat: Option<Coordinates>,
    pub count: usize,
}

/// The analyses of one state of the directory.
pub struct DirectoryAnalysis {
    /// Sorted by id, as `network.nodes` are (same indices).
    organizations: Vec<OrganizationEntry>,
    /// Every organization, allied or not (metrics are over the whole directory).
    pub network: AllianceNetwork,
    /// Indices of `network.nodes` with at least one partner: most partners
    /// first, then by name, then by id.
    ranking: Vec<usize>,
    /// The most connected organizations (the first of `ranking`), to draw.
    pub drawn: AllianceNetwork,
    /// Where each node of `drawn` goes.
    pub placements: Vec<Placement>,
    alliances: Vec<ListedAlliance>,
    /// Per organization (same indices), its alliances as indices of `alliances`.
    alliances_of: Vec<Vec<u32>>,
    intersectoral: usize,
    organizations_by_state: BTreeMap<StateKey, usize>,
    services_by_state: BTreeMap<StateKey, usize>,
    /// Municipalities with services, most first (then by key).
    services_by_place: Vec<PlaceCount>,
    places: PlaceIndex,
}

/// Where one organization works in one sector (see `presence`), as indices
/// of `PlaceIndex::keys` (so in key order).
#[derive(Debug, Default)]
struct Footprint {
    municipalities: Vec<u32>,
    whole_states: Vec<StateKey>,
}

/// Who works where, by sector. Organizations are indices of
/// `DirectoryAnalysis::organizations`, services of `services`; every list is
/// sorted, so ids come out sorted.
#[derive(Default)]
struct PlaceIndex {
    /// Every municipality the facts know or mention, sorted.
    keys: Vec<Cvegeo>,
    seats: Vec<Option<Coordinates>>,
    contexts: Vec<Vec<MigrationContext>>,
    with_context: BTreeMap<MigrationContext, Vec<u32>>,
    /// Per sector (index in `Sector::ALL`): each organization's footprint,
    /// when not empty.
    footprints: Vec<HashMap<u32, Footprint>>,
    /// (sector, place) → organizations present there in the sector.
    present: HashMap<(u8, u32), Vec<u32>>,
    /// Per sector: state → organizations present in it (a municipality of
    /// it, or the whole state).
    in_state: Vec<BTreeMap<StateKey, Vec<u32>>>,
    /// Place → organizations present there in any sector.
    present_any: HashMap<u32, Vec<u32>>,
    services: Vec<Uuid>,
    services_at: HashMap<(u8, u32), Vec<u32>>,
    services_in_state: HashMap<(u8, StateKey), Vec<u32>>,
    /// Each organization's partners in the network.
    partners: Vec<Vec<u32>>,
    folded_names: Vec<String>,
}

fn sector_index(sector: Sector) -> u8 {
    Sector::ALL
        .iter()
        .position(|s| *s == sector)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl DirectoryAnalysis {
    /// Analyses `facts`, drawing the `drawn` most connected organizations in `frame`.
    pub fn build(facts: Facts, drawn: usize, frame: &Frame) -> Self {
        let Facts {
            mut organizations,
            services,
            alliances,
            municipalities,
        } = facts;
        organizations.sort_by_key(|o| o.id);
        organizations.dedup_by_key(|o| o.id);
        let ids: Vec<Uuid> = organizations.iter().map(|o| o.id).collect();
        let network = analyze_network(&ids, &alliances);

        let entries: Vec<OrganizationEntry> = organizations
            .iter()
            .map(|o| OrganizationEntry {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind,
            })
            .collect();
        let mut ranking: Vec<usize> = (0..network.nodes.len())
            .filter(|&i| network.nodes[i].degree > 0)
            .collect();
        ranking.sort_by(|&a, &b| {
            network.nodes[b]
                .degree
                .cmp(&network.nodes[a].degree)
                .then_with(|| entries[a].name.cmp(&entries[b].name))
                .then_with(|| entries[a].id.cmp(&entries[b].id))
        });
        let top: Vec<Uuid> = ranking
            .iter()
            .take(drawn)
            .map(|&i| network.nodes[i].id)
            .collect();
        let drawn = network.induced(&top);
        // A frame too small to draw in leaves the picture empty; the table
        // beside it still says everything.
        let placements = layout(&drawn, frame).unwrap_or_default();

        let kinds: Vec<OrganizationKind> = entries.iter().map(|e| e.kind).collect();
        let intersectoral = alliances
            .iter()
            .filter(|a| {
                crate::intersectoral::is_intersectoral(
                    a.members
                        .iter()
                        .filter_map(|m| ids.binary_search(m).ok().map(|i| kinds[i])),
                )
            })
            .count();
        let listed = alliances
            .iter()
            .map(|a| ListedAlliance {
                id: a.id,
                declared: a.declared,
            })
            .collect();
        let mut alliances_of: Vec<Vec<u32>> = vec![Vec::new(); ids.len()];
        for (k, alliance) in alliances.iter().enumerate() {
            for member in &alliance.members {
                if let Ok(o) = ids.binary_search(member) {
                    let list = &mut alliances_of[o];
                    // Members are listed once each, but a repeat costs nothing to skip.
                    if list.last() != Some(&to_u32(k)) {
                        list.push(to_u32(k));
                    }
                }
            }
        }
        drop(alliances);

        let mut organizations_by_state: BTreeMap<StateKey, usize> = BTreeMap::new();
        for o in &organizations {
            if let Some(seat) = &o.seat {
                *organizations_by_state.entry(seat.state()).or_default() += 1;
            }
        }
        let mut services_by_state: BTreeMap<StateKey, usize> = BTreeMap::new();
        let mut per_place: BTreeMap<&Cvegeo, usize> = BTreeMap::new();
        for s in &services {
            *services_by_state.entry(s.municipality.state()).or_default() += 1;
            *per_place.entry(&s.municipality).or_default() += 1;
        }
        let seat_of: BTreeMap<&Cvegeo, Option<Coordinates>> =
            municipalities.iter().map(|m| (&m.cvegeo, m.seat)).collect();
        let mut services_by_place: Vec<PlaceCount> = per_place
            .into_iter()
            .map(|(cvegeo, count)| PlaceCount {
                cvegeo: cvegeo.clone(),
                seat: seat_of.get(cvegeo).copied().flatten(),
                count,
            })
            .collect();
        services_by_place.sort_by(|a, b| b.count.cmp(&a.count).then(a.cvegeo.cmp(&b.cvegeo)));

        let places = PlaceIndex::build(&organizations, &services, &municipalities, &network);
        Self {
            organizations: entries,
            network,
            ranking,
            drawn,
            placements,
            alliances: listed,
            alliances_of,
            intersectoral,
            organizations_by_state,
            services_by_state,
            services_by_place,
            places,
        }
    }

    /// Every organization of the directory, sorted by id.
    pub fn organizations(&self) -> &[OrganizationEntry] {
        &self.organizations
    }

    pub fn organization(&self, id: Uuid) -> Option<&OrganizationEntry> {
        self.organizations
            .binary_search_by_key(&id, |o| o.id)
            .ok()
            .map(|i| &self.organizations[i])
    }

    pub fn organization_name(&self, id: Uuid) -> Option<&str> {
        self.organization(id).map(|o| o.name.as_str())
    }

    /// Organizations with at least one partner.
    pub fn allied_count(&self) -> usize {
        self.ranking.len()
    }

    /// Allied organizations, most partners first (then by name), from
    /// `offset`, at most `limit`: the node and its organization.
    pub fn ranked(
        &self,
        offset: usize,
        limit: usize,
    ) -> impl Iterator<Item = (&NodeMetrics, &OrganizationEntry)> {
        self.ranking
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&i| (&self.network.nodes[i], &self.organizations[i]))
    }

    /// Whether removing the organization would split its component.
    pub fn is_cut_vertex(&self, id: Uuid) -> bool {
        self.network.cut_vertices.binary_search(&id).is_ok()
    }

    /// Every alliance, declared ones first, in the order lists show them.
    pub fn alliances(&self) -> &[ListedAlliance] {
        &self.alliances
    }

    /// The alliances `organization` is a member of, in list order.
    pub fn alliances_of(&self, organization: Uuid) -> impl Iterator<Item = &ListedAlliance> {
        self.organizations
            .binary_search_by_key(&organization, |o| o.id)
            .ok()
            .and_then(|o| self.alliances_of.get(o))
            .into_iter()
            .flatten()
            .filter_map(|&k| self.alliances.get(k as usize))
    }

    /// Alliances whose members span at least two of government, civil
    /// society and international actors.
    pub fn intersectoral_count(&self) -> usize {
        self.intersectoral
    }

    /// Organizations by the state of their seat.
    pub fn organizations_by_state(&self) -> &BTreeMap<StateKey, usize> {
        &self.organizations_by_state
    }

    /// Active services by state.
    pub fn services_by_state(&self) -> &BTreeMap<StateKey, usize> {
        &self.services_by_state
    }

    /// Municipalities with active services, most first (then by key).
    pub fn services_by_place(&self) -> &[PlaceCount] {
        &self.services_by_place
    }

    /// The sector coverage of `municipality` (as `sector_coverage`).
    pub fn coverage(&self, municipality: &Cvegeo) -> Coverage {
        let index = &self.places;
        let place = index.position(municipality);
        let state = municipality.state();
        let ids = |list: &[u32]| -> Vec<Uuid> {
            list.iter()
                .filter_map(|&i| self.organizations.get(i as usize).map(|o| o.id))
                .collect()
        };
        let service_ids = |list: Option<&Vec<u32>>| -> Vec<Uuid> {
            list.map(|l| {
                l.iter()
                    .filter_map(|&i| index.services.get(i as usize).copied())
                    .collect()
            })
            .unwrap_or_default()
        };
        let sectors: Vec<SectorCoverage> = Sector::ALL
            .iter()
            .map(|&sector| {
                let s = sector_index(sector);
                let local = place.and_then(|p| index.present.get(&(s, p)));
                if let (Some(local), Some(p)) = (local, place) {
                    return SectorCoverage {
                        sector,
                        level: CoverageLevel::Local,
                        organizations: ids(local),
                        services: service_ids(index.services_at.get(&(s, p))),
                    };
                }
                match index.in_state.get(s as usize).and_then(|m| m.get(&state)) {
                    Some(in_state) => SectorCoverage {
                        sector,
                        level: CoverageLevel::State,
                        organizations: ids(in_state),
                        services: service_ids(index.services_in_state.get(&(s, state.clone()))),
                    },
                    None => SectorCoverage::gap(sector),
                }
            })
            .collect();
        Coverage::of_sectors(municipality, sectors)
    }

    /// Up to `limit` partners that could bring `sector` to `municipality`,
    /// best first (as `suggest_partners`). Only organizations near it, in
    /// its state, in a place of the same migration context or allied with
    /// someone there are looked at: no other can have a reason.
    pub fn suggestions(
        &self,
        municipality: &Cvegeo,
        sector: Sector,
        limit: usize,
    ) -> Vec<Suggestion> {
        let index = &self.places;
        let s = sector_index(sector);
        let Some(footprints) = index.footprints.get(s as usize) else {
            return Vec::new();
        };
        let state = municipality.state();
        let target = index.position(municipality);
        let target_seat = target.and_then(|t| index.seats[t as usize]);
        let target_contexts: &[MigrationContext] = target
            .map(|t| index.contexts[t as usize].as_slice())
            .unwrap_or_default();
        let present = |p: u32| index.present.get(&(s, p)).map(Vec::as_slice);

        let mut candidates: Vec<u32> = Vec::new();
        if let Some(seat) = target_seat {
            for (p, place_seat) in index.seats.iter().enumerate() {
                if place_seat.is_some_and(|at| at.distance_km(&seat) < NEARBY_RADIUS_KM) {
                    candidates.extend(present(to_u32(p)).unwrap_or_default());
                }
            }
        }
        if let Some(list) = index.in_state.get(s as usize).and_then(|m| m.get(&state)) {
            candidates.extend(list);
        }
        for context in target_contexts {
            for &p in index.with_context.get(context).into_iter().flatten() {
                candidates.extend(present(p).unwrap_or_default());
            }
        }
        let here: &[u32] = target
            .and_then(|t| index.present_any.get(&t))
            .map(Vec::as_slice)
            .unwrap_or_default();
        for &local in here {
            candidates.extend(
                index.partners[local as usize]
                    .iter()
                    .filter(|o| footprints.contains_key(o)),
            );
        }
        candidates.sort_unstable();
        candidates.dedup();

        let mut suggestions: Vec<(Suggestion, &str)> = Vec::new();
        for candidate in candidates {
            let Some(footprint) = footprints.get(&candidate) else {
                continue;
            };
            if target.is_some_and(|t| footprint.municipalities.binary_search(&t).is_ok()) {
                continue;
            }
            let mut reasons = Vec::new();
            let mut score = 0.0;
            if let Some(seat) = target_seat {
                let distances = footprint.municipalities.iter().filter_map(|&m| {
                    let distance = index.seats[m as usize]?.distance_km(&seat);
                    Some((m, distance))
                });
                if let Some((m, distance_km)) = nearest_nearby(distances) {
                    score += nearby_points(distance_km);
                    reasons.push(Reason::ActiveInSectorNearby {
                        municipality: index.keys[m as usize].clone(),
                        distance_km,
                    });
                }
            }
            let in_state = footprint.whole_states.contains(&state)
                || footprint
                    .municipalities
                    .iter()
                    .any(|&m| index.keys[m as usize].state() == state);
            if in_state {
                score += SAME_STATE_POINTS;
                reasons.push(Reason::ActiveInSectorInState {
                    state: state.clone(),
                });
            }
            for context in target_contexts {
                let shared = footprint
                    .municipalities
                    .iter()
                    .find(|&&m| index.contexts[m as usize].contains(context));
                if let Some(&m) = shared {
                    score += SHARED_CONTEXT_POINTS;
                    reasons.push(Reason::ActiveInSameContext {
                        municipality: index.keys[m as usize].clone(),
                        context: *context,
                    });
                }
            }
            let partners: Vec<u32> = index.partners[candidate as usize]
                .iter()
                .copied()
                .filter(|p| here.binary_search(p).is_ok())
                .collect();
            score += LOCAL_PARTNER_POINTS * partners.len().min(LOCAL_PARTNERS_COUNTED) as f64;
            reasons.extend(partners.into_iter().filter_map(|p| {
                self.organizations
                    .get(p as usize)
                    .map(|o| Reason::AlliedWithLocalPartner { partner: o.id })
            }));
            let Some(organization) = self.organizations.get(candidate as usize) else {
                continue;
            };
            if !reasons.is_empty() {
                suggestions.push((
                    Suggestion {
                        organization: organization.id,
                        name: organization.name.clone(),
                        kind: organization.kind,
                        score,
                        reasons,
                    },
                    index.folded_names[candidate as usize].as_str(),
                ));
            }
        }
        suggestions.sort_by(|(a, a_folded), (b, b_folded)| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a_folded.cmp(b_folded))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.organization.cmp(&b.organization))
        });
        suggestions.truncate(limit);
        suggestions.into_iter().map(|(s, _)| s).collect()
    }
}

impl PlaceIndex {
    fn position(&self, cvegeo: &Cvegeo) -> Option<u32> {
        self.keys.binary_search(cvegeo).ok().map(to_u32)
    }

    fn build(
        organizations: &[crate::facts::OrganizationFacts],
        services: &[crate::facts::ServiceFacts],
        municipalities: &[crate::facts::MunicipalityFacts],
        network: &AllianceNetwork,
    ) -> Self {
        let mut keys: Vec<Cvegeo> = municipalities.iter().map(|m| m.cvegeo.clone()).collect();
        for o in organizations {
            keys.extend(o.seat.iter().cloned());
            keys.extend(o.serves.iter().filter_map(|t| match t {
                Territory::Municipality(m) => Some(m.clone()),
                Territory::State(_) => None,
            }));
        }
        keys.extend(services.iter().map(|s| s.municipality.clone()));
        keys.sort();
        keys.dedup();
        let position = |cvegeo: &Cvegeo| keys.binary_search(cvegeo).ok().map(to_u32);

        let mut seats = vec![None; keys.len()];
        let mut contexts: Vec<Vec<MigrationContext>> = vec![Vec::new(); keys.len()];
        let mut with_context: BTreeMap<MigrationContext, Vec<u32>> = BTreeMap::new();
        for m in municipalities {
            let Some(p) = position(&m.cvegeo) else {
                continue;
            };
            let slot = p as usize;
            seats[slot] = m.seat;
            let mut list = m.contexts.clone();
            list.sort();
            list.dedup();
            for context in &list {
                with_context.entry(*context).or_default().push(p);
            }
            contexts[slot] = list;
        }
        for list in with_context.values_mut() {
            list.sort_unstable();
            list.dedup();
        }

        let org_of = |id: &Uuid| {
            organizations
                .binary_search_by_key(id, |o| o.id)
                .ok()
                .map(to_u32)
        };
        let sectors = Sector::ALL.len();
        let mut footprints: Vec<HashMap<u32, Footprint>> =
            (0..sectors).map(|_| HashMap::new()).collect();
        let mut anywhere: Vec<Vec<u32>> = vec![Vec::new(); organizations.len()];
        for (i, o) in organizations.iter().enumerate() {
            let mut places: Vec<u32> = Vec::new();
            let mut states: Vec<StateKey> = Vec::new();
            places.extend(o.seat.as_ref().and_then(position));
            for territory in &o.serves {
                match territory {
                    Territory::Municipality(m) => places.extend(position(m)),
                    Territory::State(s) => states.push(s.clone()),
                }
            }
            anywhere[i].extend(&places);
            for sector in &o.sectors {
                let footprint = footprints[sector_index(*sector) as usize]
                    .entry(to_u32(i))
                    .or_default();
                footprint.municipalities.extend(&places);
                footprint.whole_states.extend(states.iter().cloned());
            }
        }
        let mut service_ids: Vec<Uuid> = services.iter().map(|s| s.id).collect();
        service_ids.sort();
        service_ids.dedup();
        let mut services_at: HashMap<(u8, u32), Vec<u32>> = HashMap::new();
        let mut services_in_state: HashMap<(u8, StateKey), Vec<u32>> = HashMap::new();
        let mut ordered: Vec<&crate::facts::ServiceFacts> = services.iter().collect();
        ordered.sort_by_key(|s| s.id);
        for service in ordered {
            let (Some(o), Some(p)) = (
                org_of(&service.organization),
                position(&service.municipality),
            ) else {
                continue;
            };
            let Ok(at) = service_ids.binary_search(&service.id) else {
                continue;
            };
            let at = to_u32(at);
            anywhere[o as usize].push(p);
            let mut sectors_of = service.sectors.clone();
            sectors_of.sort();
            sectors_of.dedup();
            for sector in sectors_of {
                let s = sector_index(sector);
                footprints[s as usize]
                    .entry(o)
                    .or_default()
                    .municipalities
                    .push(p);
                let here = services_at.entry((s, p)).or_default();
                if here.last() != Some(&at) {
                    here.push(at);
                }
                let state = services_in_state
                    .entry((s, service.municipality.state()))
                    .or_default();
                if state.last() != Some(&at) {
                    state.push(at);
                }
            }
        }

        let mut present: HashMap<(u8, u32), Vec<u32>> = HashMap::new();
        let mut in_state: Vec<BTreeMap<StateKey, Vec<u32>>> = vec![BTreeMap::new(); sectors];
        for (s, map) in footprints.iter_mut().enumerate() {
            map.retain(|_, f| {
                f.municipalities.sort_unstable();
                f.municipalities.dedup();
                f.whole_states.sort();
                f.whole_states.dedup();
                !(f.municipalities.is_empty() && f.whole_states.is_empty())
            });
            let mut members: Vec<(&u32, &Footprint)> = map.iter().collect();
            members.sort_by_key(|(o, _)| **o);
            let s_u8 = u8::try_from(s).unwrap_or(u8::MAX);
            for (&o, footprint) in members {
                for &p in &footprint.municipalities {
                    present.entry((s_u8, p)).or_default().push(o);
                }
                let mut states: Vec<StateKey> = footprint
                    .municipalities
                    .iter()
                    .map(|&p| keys[p as usize].state())
                    .chain(footprint.whole_states.iter().cloned())
                    .collect();
                states.sort();
                states.dedup();
                for state in states {
                    in_state[s].entry(state).or_default().push(o);
                }
            }
        }
        let mut present_any: HashMap<u32, Vec<u32>> = HashMap::new();
        for (o, places) in anywhere.iter_mut().enumerate() {
            places.sort_unstable();
            places.dedup();
            for &p in places.iter() {
                present_any.entry(p).or_default().push(to_u32(o));
            }
        }

        // Node i of the network is organization i: both follow the sorted ids.
        let mut partners: Vec<Vec<u32>> = vec![Vec::new(); organizations.len()];
        for edge in &network.edges {
            if let (Some(a), Some(b)) = (org_of(&edge.a), org_of(&edge.b)) {
                partners[a as usize].push(b);
                partners[b as usize].push(a);
            }
        }
        for list in &mut partners {
            list.sort_unstable();
        }

        Self {
            keys,
            seats,
            contexts,
            with_context,
            footprints,
            present,
            in_state,
            present_any,
            services: service_ids,
            services_at,
            services_in_state,
            partners,
            folded_names: organizations.iter().map(|o| fold_name(&o.name)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        coverage::sector_coverage,
        facts::{AllianceFacts, MunicipalityFacts, OrganizationFacts, ServiceFacts},
        suggestions::suggest_partners,
    };

    const FRAME: Frame = Frame {
        width: 640.0,
        height: 440.0,
        margin: 24.0,
    };

    fn next(state: &mut u64) -> u64 {
        crate::network::splitmix64(state)
    }

    /// A random directory over the municipalities of three states (two
    /// neighbours and one far away), with sectors, territories, services and
    /// alliances drawn from a fixed seed.
    fn random_facts(seed: u64, organizations: usize) -> Facts {
        let mut state = seed;
        let mut pick = |n: usize| (next(&mut state) % n as u64) as usize;
        let contexts = MigrationContext::ALL;
        let mut municipalities = Vec::new();
        for (prefix, lat, lon) in [
            ("07", 15.5, -92.5),
            ("27", 17.8, -92.6),
            ("02", 32.0, -116.5),
        ] {
            for n in 1..=40 {
                let cvegeo = Cvegeo::parse(&format!("{prefix}{n:03}")).unwrap();
                let seat = (n % 9 != 0).then_some(Coordinates {
                    lat: lat + (n % 7) as f64 * 0.3,
                    lon: lon + (n % 5) as f64 * 0.4,
                });
                let mut list = Vec::new();
                if n % 4 == 0 {
                    list.push(contexts[n % contexts.len()]);
                }
                if n % 10 == 0 {
                    list.push(contexts[(n / 10) % contexts.len()]);
                }
                municipalities.push(MunicipalityFacts {
                    cvegeo,
                    seat,
                    contexts: list,
                });
            }
        }
        let place = |i: usize| municipalities[i % municipalities.len()].cvegeo.clone();
        let mut orgs = Vec::new();
        for i in 0..organizations {
            let sectors: Vec<Sector> = (0..pick(3))
                .map(|_| Sector::ALL[pick(Sector::ALL.len())])
                .collect();
            let mut serves = Vec::new();
            for _ in 0..pick(3) {
                if pick(4) == 0 {
                    serves.push(Territory::State(
                        StateKey::parse(["07", "27", "02"][pick(3)]).unwrap(),
                    ));
                } else {
                    serves.push(Territory::Municipality(place(pick(1000))));
                }
            }
            orgs.push(OrganizationFacts {
                id: Uuid::from_u128(1 + i as u128),
                // Names that tie once folded, to test the order.
                name: ["Casa", "casa", "Albergue", "Ñandú", "Red"][pick(5)].to_owned(),
                kind: OrganizationKind::ALL[pick(OrganizationKind::ALL.len())],
                sectors,
                seat: (pick(5) != 0).then(|| place(pick(1000))),
                serves,
            });
        }
        let services = (0..organizations / 2)
            .map(|i| ServiceFacts {
                id: Uuid::from_u128(100_000 + i as u128),
                organization: Uuid::from_u128(1 + pick(organizations) as u128),
                sectors: (0..pick(3))
                    .map(|_| Sector::ALL[pick(Sector::ALL.len())])
                    .collect(),
                municipality: place(pick(1000)),
            })
            .collect();
        let alliances = (0..organizations / 2)
            .map(|i| AllianceFacts {
                id: Uuid::from_u128(200_000 + i as u128),
                members: (0..2 + pick(3))
                    .map(|_| Uuid::from_u128(1 + pick(organizations) as u128))
                    .collect(),
                declared: i % 3 == 0,
            })
            .collect();
        Facts {
            organizations: orgs,
            services,
            alliances,
            municipalities,
        }
    }

    #[test]
    fn the_index_answers_what_the_definitions_answer() {
        for seed in [1, 2, 3] {
            let facts = random_facts(seed, 150);
            let analysis = DirectoryAnalysis::build(facts.clone(), 60, &FRAME);
            let mut targets: Vec<Cvegeo> = facts
                .municipalities
                .iter()
                .map(|m| m.cvegeo.clone())
                .collect();
            // A municipality no record knows.
            targets.push(Cvegeo::parse("09015").unwrap());
            let (mut levels, mut reasons) = (BTreeMap::new(), BTreeMap::new());
            for municipality in &targets {
                let coverage = analysis.coverage(municipality);
                assert_eq!(
                    coverage,
                    sector_coverage(municipality, &facts),
                    "{municipality}"
                );
                for sector in &coverage.sectors {
                    *levels.entry(format!("{:?}", sector.level)).or_insert(0) += 1;
                }
                for &sector in Sector::ALL {
                    let suggestions = analysis.suggestions(municipality, sector, 5);
                    assert_eq!(
                        suggestions,
                        suggest_partners(municipality, sector, &facts, 5),
                        "{municipality} {sector}"
                    );
                    for reason in suggestions.iter().flat_map(|s| &s.reasons) {
                        *reasons.entry(reason.kind()).or_insert(0) += 1;
                    }
                }
            }
            // The comparison means something: every level and reason occurs.
            assert_eq!(levels.len(), 3, "{levels:?}");
            assert_eq!(reasons.len(), 4, "{reasons:?}");
        }
    }

    #[test]
    fn the_most_connected_are_drawn_and_ranked_first() {
        let facts = random_facts(4, 300);
        let analysis = DirectoryAnalysis::build(facts.clone(), 20, &FRAME);
        assert_eq!(analysis.drawn.nodes.len(), 20);
        assert_eq!(analysis.placements.len(), 20);
        let ranked: Vec<usize> = analysis
            .ranked(0, usize::MAX)
            .map(|(n, _)| n.degree)
            .collect();
        assert_eq!(ranked.len(), analysis.allied_count());
        assert!(ranked.windows(2).all(|w| w[0] >= w[1]));
        let least_drawn = analysis.drawn.nodes.iter().map(|n| n.degree).min().unwrap();
        assert!(ranked[20..].iter().all(|&d| d <= least_drawn));
        assert_eq!(analysis.alliances().len(), facts.alliances.len());
        let member = facts.alliances[0].members[0];
        let expected: Vec<Uuid> = facts
            .alliances
            .iter()
            .filter(|a| a.members.contains(&member))
            .map(|a| a.id)
            .collect();
        let found: Vec<Uuid> = analysis.alliances_of(member).map(|a| a.id).collect();
        assert_eq!(found, expected);
        assert!(!expected.is_empty());
        assert!(analysis.alliances()[0].declared);
        let seated = facts
            .organizations
            .iter()
            .filter(|o| o.seat.is_some())
            .count();
        assert_eq!(
            analysis.organizations_by_state().values().sum::<usize>(),
            seated
        );
        assert_eq!(
            analysis
                .services_by_place()
                .iter()
                .map(|p| p.count)
                .sum::<usize>(),
            facts.services.len()
        );
    }
}
