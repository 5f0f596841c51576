//! The alliance network: organizations are nodes, and every pair of members of
//! an alliance is an edge (an alliance of n members is a complete graph on
//! them). A pair that shares several alliances is one edge that counts them.
//!
//! Members that are not among the given organizations are left out of the
//! graph and listed in `unknown_members`, so one stale reference does not hide
//! the rest of an alliance; the caller decides whether to log it.
//!
//! Betweenness is exact (Brandes 2001) while that costs at most `EXACT_WORK`
//! steps of breadth-first search; on larger graphs it is estimated from
//! `SAMPLED_SOURCES` source organizations (Brandes & Pich 2007: the sum of
//! their dependencies, scaled by allied organizations ÷ sources), chosen by a
//! fixed-seed generator so the same graph gives the same estimate. A directory
//! of 20,000 organizations and 270,000 ties costs about a second instead of
//! an hour, and the organizations that broker the most keep their rank.

use crate::facts::AllianceFacts;
use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllianceNetwork {
    /// One per organization, sorted by id.
    pub nodes: Vec<NodeMetrics>,
    /// Sorted by `(a, b)`, with `a < b`.
    pub edges: Vec<Edge>,
    /// Largest first; equal sizes by smallest member id.
    pub components: Vec<Component>,
    /// Edges whose removal splits their component, sorted like `edges`.
    pub bridges: Vec<Edge>,
    /// Organizations whose removal splits their component (articulation
    /// points), sorted by id.
    pub cut_vertices: Vec<Uuid>,
    /// Alliance members that are not among the organizations, sorted, once each.
    pub unknown_members: Vec<Uuid>,
    /// `None` when betweenness is exact; otherwise how many source
    /// organizations it was estimated from.
    pub sampled_sources: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeMetrics {
    pub id: Uuid,
    /// Distinct partners.
    pub degree: usize,
    /// Brandes' betweenness: over all unordered pairs of other nodes, the
    /// share of their shortest paths that pass through this node.
    pub betweenness: f64,
    /// `betweenness` divided by the number of pairs of other nodes,
    /// (n−1)(n−2)/2, so it lies in [0, 1]; 0 when n ≤ 2.
    pub betweenness_normalized: f64,
    /// Index into `AllianceNetwork::components`.
    pub component: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub a: Uuid,
    pub b: Uuid,
    /// Alliances the two share.
    pub alliances: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Sorted by id.
    pub members: Vec<Uuid>,
}

/// Exact betweenness while searches × (nodes + 2 × edges) stays under this
/// (about a quarter of a second); beyond, it is estimated.
pub const EXACT_WORK: usize = 40_000_000;
/// Sources of the estimate: enough that the organizations brokering the most
/// come out on top (see the test against the exact values).
pub const SAMPLED_SOURCES: usize = 256;
/// Seed of the sources' choice: fixed, so equal graphs give equal estimates.
const SEED: u64 = 0x00AC_0CE5_EED5;

/// The graph on node indices; indices follow the sorted ids, so "smaller
/// index" and "smaller id" mean the same. Neighbours are kept in one array
/// (node v's are `targets[offsets[v]..offsets[v + 1]]`, sorted): two
/// allocations however large the graph, which keeps a recomputation from
/// fragmenting the heap.
struct Graph {
    offsets: Vec<usize>,
    targets: Vec<usize>,
}

impl AllianceNetwork {
    pub fn node(&self, id: Uuid) -> Option<&NodeMetrics> {
        self.nodes
            .binary_search_by_key(&id, |node| node.id)
            .ok()
            .map(|at| &self.nodes[at])
    }

    /// The part of the network among `keep`, to draw it: nodes keep their
    /// metrics over the whole network and edges, bridges and cut vertices are
    /// those among them; components (and each node's `component`) are those of
    /// the part, so a layout can place each on its own.
    pub fn induced(&self, keep: &[Uuid]) -> AllianceNetwork {
        let mut ids: Vec<Uuid> = keep
            .iter()
            .copied()
            .filter(|id| self.node(*id).is_some())
            .collect();
        ids.sort();
        ids.dedup();
        let kept = |id: &Uuid| ids.binary_search(id).ok();
        let edges: Vec<Edge> = self
            .edges
            .iter()
            .filter(|e| kept(&e.a).is_some() && kept(&e.b).is_some())
            .cloned()
            .collect();
        // Edges are sorted by (a, b), as the ids are: so are these pairs.
        let pairs: Vec<(usize, usize)> = edges
            .iter()
            .filter_map(|e| Some((kept(&e.a)?, kept(&e.b)?)))
            .collect();
        let graph = Graph::from_pairs(ids.len(), &pairs);
        let (components, rank, component_of) = ranked_components(&graph, &ids);
        let nodes = ids
            .iter()
            .enumerate()
            .filter_map(|(at, id)| {
                let whole = self.node(*id)?;
                Some(NodeMetrics {
                    component: rank[component_of[at]],
                    ..whole.clone()
                })
            })
            .collect();
        AllianceNetwork {
            nodes,
            bridges: self
                .bridges
                .iter()
                .filter(|e| kept(&e.a).is_some() && kept(&e.b).is_some())
                .cloned()
                .collect(),
            edges,
            components,
            cut_vertices: self
                .cut_vertices
                .iter()
                .copied()
                .filter(|id| kept(id).is_some())
                .collect(),
            unknown_members: Vec::new(),
            sampled_sources: self.sampled_sources,
        }
    }
}

/// Components of `graph` largest first (equal sizes by smallest member), the
/// rank of each component number, and each node's component number.
fn ranked_components(graph: &Graph, ids: &[Uuid]) -> (Vec<Component>, Vec<usize>, Vec<usize>) {
    let component_of = graph.components();
    let mut components: Vec<Component> = Vec::new();
    for (node, &component) in component_of.iter().enumerate() {
        if component == components.len() {
            components.push(Component {
                members: Vec::new(),
            });
        }
        components[component].members.push(ids[node]);
    }
    // Components were numbered by their smallest member, so a stable sort
    // by size keeps that order among equals.
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&c| std::cmp::Reverse(components[c].members.len()));
    let mut rank = vec![0; components.len()];
    for (position, &c) in order.iter().enumerate() {
        rank[c] = position;
    }
    let mut slots: Vec<Option<Component>> = components.into_iter().map(Some).collect();
    let components = order
        .iter()
        .filter_map(|&c| slots.get_mut(c).and_then(Option::take))
        .collect();
    (components, rank, component_of)
}

pub fn analyze_network(organizations: &[Uuid], alliances: &[AllianceFacts]) -> AllianceNetwork {
    let mut ids = organizations.to_vec();
    ids.sort();
    ids.dedup();

    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut unknown = BTreeSet::new();
    for alliance in alliances {
        let mut members = Vec::new();
        for id in &alliance.members {
            match ids.binary_search(id) {
                Ok(at) => members.push(at),
                Err(_) => {
                    unknown.insert(*id);
                }
            }
        }
        // A member named twice is one member, and no one allies with itself.
        members.sort();
        members.dedup();
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                pairs.push((a, b));
            }
        }
    }
    // Each distinct pair once, with the alliances it stands for.
    pairs.sort_unstable();
    let mut counts: Vec<usize> = Vec::new();
    let mut distinct: Vec<(usize, usize)> = Vec::new();
    for pair in pairs {
        match (distinct.last(), counts.last_mut()) {
            (Some(last), Some(count)) if *last == pair => *count += 1,
            _ => {
                distinct.push(pair);
                counts.push(1);
            }
        }
    }
    let graph = Graph::from_pairs(ids.len(), &distinct);

    let edge = |(a, b): (usize, usize)| Edge {
        a: ids[a],
        b: ids[b],
        alliances: distinct.binary_search(&(a, b)).map_or(0, |at| counts[at]),
    };

    let (components, rank, component_of) = ranked_components(&graph, &ids);

    let (betweenness, sampled_sources) = graph.betweenness(EXACT_WORK, SAMPLED_SOURCES);
    let n = ids.len() as f64;
    let pairs_of_others = (n - 1.0) * (n - 2.0) / 2.0;
    let nodes = ids
        .iter()
        .enumerate()
        .map(|(node, &id)| NodeMetrics {
            id,
            degree: graph.neighbours(node).len(),
            betweenness: betweenness[node],
            betweenness_normalized: if ids.len() > 2 {
                betweenness[node] / pairs_of_others
            } else {
                0.0
            },
            component: rank[component_of[node]],
        })
        .collect();

    let (bridges, cut) = graph.bridges_and_cut_vertices();
    AllianceNetwork {
        nodes,
        edges: distinct.iter().map(|&pair| edge(pair)).collect(),
        components,
        bridges: bridges.into_iter().map(edge).collect(),
        cut_vertices: cut
            .iter()
            .enumerate()
            .filter(|(_, is_cut)| **is_cut)
            .map(|(node, _)| ids[node])
            .collect(),
        unknown_members: unknown.into_iter().collect(),
        sampled_sources,
    }
}

impl Graph {
    /// The graph of `pairs` (each `(a, b)` with a < b, sorted, no repeats)
    /// on `n` nodes.
    fn from_pairs(n: usize, pairs: &[(usize, usize)]) -> Self {
        let mut offsets = vec![0; n + 1];
        for &(a, b) in pairs {
            offsets[a + 1] += 1;
            offsets[b + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut next = offsets.clone();
        let mut targets = vec![0; 2 * pairs.len()];
        // Pairs come sorted, so each node's neighbours come in order: first
        // the smaller ones (as `b`), then the larger (as `a`).
        for &(a, b) in pairs {
            targets[next[a]] = b;
            next[a] += 1;
            targets[next[b]] = a;
            next[b] += 1;
        }
        Self { offsets, targets }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn neighbours(&self, v: usize) -> &[usize] {
        &self.targets[self.offsets[v]..self.offsets[v + 1]]
    }

    /// Component number of each node, numbered in order of smallest node.
    fn components(&self) -> Vec<usize> {
        let mut component = vec![usize::MAX; self.len()];
        let mut next = 0;
        for root in 0..self.len() {
            if component[root] != usize::MAX {
                continue;
            }
            component[root] = next;
            let mut queue = VecDeque::from([root]);
            while let Some(v) = queue.pop_front() {
                for &w in self.neighbours(v) {
                    if component[w] == usize::MAX {
                        component[w] = next;
                        queue.push_back(w);
                    }
                }
            }
            next += 1;
        }
        component
    }

    /// Betweenness of every node, exact when that costs at most `budget`
    /// steps, else estimated from `sources` sources; with how many sources
    /// when estimated.
    fn betweenness(&self, budget: usize, sources: usize) -> (Vec<f64>, Option<usize>) {
        // An organization without partners is on no path and contributes
        // nothing as a source: only allied ones are searched from.
        let allied: Vec<usize> = (0..self.len())
            .filter(|&v| !self.neighbours(v).is_empty())
            .collect();
        let ends = self.targets.len();
        let work = allied.len().saturating_mul(self.len() + ends);
        if allied.len() <= sources || work <= budget {
            let mut centrality = self.dependencies(&allied);
            // Each unordered pair is reached from both ends.
            for value in &mut centrality {
                *value /= 2.0;
            }
            return (centrality, None);
        }
        let chosen = choose(&allied, sources, SEED);
        let mut centrality = self.dependencies(&chosen);
        // Each source stands for allied ÷ sources of them; halved as above.
        let scale = allied.len() as f64 / chosen.len() as f64 / 2.0;
        for value in &mut centrality {
            *value *= scale;
        }
        (centrality, Some(chosen.len()))
    }

    /// Brandes (2001), unweighted: for each node, the sum over `sources` of
    /// the source's dependency on it. A node's predecessors on shortest
    /// paths are its neighbours one step nearer the source, found again when
    /// needed rather than kept in a list per node.
    fn dependencies(&self, sources: &[usize]) -> Vec<f64> {
        let n = self.len();
        let mut centrality = vec![0.0; n];
        let mut order: Vec<usize> = Vec::with_capacity(n);
        let mut paths = vec![0.0_f64; n];
        let mut distance = vec![usize::MAX; n];
        let mut dependency = vec![0.0_f64; n];
        let mut queue = VecDeque::new();
        for &source in sources {
            // Only what the last search reached needs resetting.
            for &v in &order {
                paths[v] = 0.0;
                distance[v] = usize::MAX;
                dependency[v] = 0.0;
            }
            order.clear();
            paths[source] = 1.0;
            distance[source] = 0;
            queue.push_back(source);
            while let Some(v) = queue.pop_front() {
                order.push(v);
                for &w in self.neighbours(v) {
                    if distance[w] == usize::MAX {
                        distance[w] = distance[v] + 1;
                        queue.push_back(w);
                    }
                    if distance[w] == distance[v] + 1 {
                        paths[w] += paths[v];
                    }
                }
            }
            for &w in order.iter().rev() {
                for &v in self.neighbours(w) {
                    if distance[v] != usize::MAX && distance[v] + 1 == distance[w] {
                        dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w]);
                    }
                }
                if w != source {
                    centrality[w] += dependency[w];
                }
            }
        }
        centrality
    }

    /// Hopcroft–Tarjan low-link on an explicit stack (a long chain of
    /// alliances must not overflow the call stack). The graph has no
    /// parallel edges, so skipping the edge back to the parent is enough.
    fn bridges_and_cut_vertices(&self) -> (Vec<(usize, usize)>, Vec<bool>) {
        let n = self.len();
        let mut discovered = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut cut = vec![false; n];
        let mut bridges = Vec::new();
        let mut clock = 0;
        for root in 0..n {
            if discovered[root] != usize::MAX {
                continue;
            }
            discovered[root] = clock;
            low[root] = clock;
            clock += 1;
            let mut root_children = 0;
            // (node, its DFS parent, next neighbour to look at)
            let mut stack: Vec<(usize, Option<usize>, usize)> = vec![(root, None, 0)];
            while let Some(top) = stack.last_mut() {
                let (v, parent, next) = *top;
                if let Some(&w) = self.neighbours(v).get(next) {
                    top.2 += 1;
                    if Some(w) == parent {
                        continue;
                    }
                    if discovered[w] == usize::MAX {
                        discovered[w] = clock;
                        low[w] = clock;
                        clock += 1;
                        stack.push((w, Some(v), 0));
                    } else {
                        low[v] = low[v].min(discovered[w]);
                    }
                    continue;
                }
                stack.pop();
                let Some(p) = parent else { continue };
                low[p] = low[p].min(low[v]);
                if low[v] > discovered[p] {
                    bridges.push((p.min(v), p.max(v)));
                }
                if p == root {
                    root_children += 1;
                } else if low[v] >= discovered[p] {
                    cut[p] = true;
                }
            }
            // The root splits its component only if the search left it twice.
            if root_children >= 2 {
                cut[root] = true;
            }
        }
        bridges.sort();
        (bridges, cut)
    }
}

/// `count` distinct items of `from`, picked by a partial Fisher–Yates
/// shuffle driven by SplitMix64 from `seed`, in `from`'s order.
fn choose(from: &[usize], count: usize, seed: u64) -> Vec<usize> {
    let mut pool = from.to_vec();
    let mut state = seed;
    let count = count.min(pool.len());
    for i in 0..count {
        let remaining = (pool.len() - i) as u64;
        let j = i + (splitmix64(&mut state) % remaining) as usize;
        pool.swap(i, j);
    }
    pool.truncate(count);
    pool.sort_unstable();
    pool
}

/// Steele, Lea & Flood's SplitMix64: a tiny generator whose output is fixed
/// by its definition, so a seed means the same choice on every machine.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids whose order is their number, so tests can name nodes 1, 2, 3….
    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn ids(range: std::ops::RangeInclusive<u128>) -> Vec<Uuid> {
        range.map(id).collect()
    }

    fn alliance(n: u128, members: &[u128]) -> AllianceFacts {
        AllianceFacts {
            id: Uuid::from_u128(1000 + n),
            members: members.iter().copied().map(id).collect(),
            declared: true,
        }
    }

    fn pairs(alliances_of_two: &[(u128, u128)]) -> Vec<AllianceFacts> {
        alliances_of_two
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| alliance(i as u128, &[a, b]))
            .collect()
    }

    fn edge(a: u128, b: u128, alliances: usize) -> Edge {
        Edge {
            a: id(a),
            b: id(b),
            alliances,
        }
    }

    fn betweenness(network: &AllianceNetwork) -> Vec<f64> {
        network.nodes.iter().map(|n| n.betweenness).collect()
    }

    #[test]
    fn path_of_three_has_its_middle_as_broker_and_both_edges_as_bridges() {
        let network = analyze_network(&ids(1..=3), &pairs(&[(1, 2), (2, 3)]));
        // Only the pair (1, 3) has a node between them, and its one shortest path passes 2.
        assert_eq!(betweenness(&network), vec![0.0, 1.0, 0.0]);
        // One pair of others out of (3−1)(3−2)/2 = 1.
        assert_eq!(network.nodes[1].betweenness_normalized, 1.0);
        let degrees: Vec<usize> = network.nodes.iter().map(|n| n.degree).collect();
        assert_eq!(degrees, vec![1, 2, 1]);
        assert_eq!(network.bridges, vec![edge(1, 2, 1), edge(2, 3, 1)]);
        assert_eq!(network.cut_vertices, vec![id(2)]);
        assert_eq!(network.components.len(), 1);
    }

    #[test]
    fn two_triangles_joined_by_one_edge() {
        // Triangles 1-2-3 and 4-5-6, joined by 3-4.
        let network = analyze_network(
            &ids(1..=6),
            &pairs(&[(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]),
        );
        // 3 lies on the only shortest path of every pair {1 or 2} × {4, 5, 6}
        // (6 pairs), and 4 likewise for {1, 2, 3} × {5, 6} (6 pairs). 1, 2, 5
        // and 6 are the end of every shortest path through them.
        assert_eq!(betweenness(&network), vec![0.0, 0.0, 6.0, 6.0, 0.0, 0.0]);
        // 6 of the (6−1)(6−2)/2 = 10 pairs of others.
        assert_eq!(network.nodes[2].betweenness_normalized, 0.6);
        assert_eq!(network.bridges, vec![edge(3, 4, 1)]);
        assert_eq!(network.cut_vertices, vec![id(3), id(4)]);
        let degrees: Vec<usize> = network.nodes.iter().map(|n| n.degree).collect();
        assert_eq!(degrees, vec![2, 2, 3, 3, 2, 2]);
    }

    #[test]
    fn star_centre_brokers_every_pair_of_leaves() {
        // Centre 1, leaves 2..=5: C(4, 2) = 6 pairs of leaves, each via 1.
        let network = analyze_network(&ids(1..=5), &pairs(&[(1, 2), (1, 3), (1, 4), (1, 5)]));
        assert_eq!(betweenness(&network), vec![6.0, 0.0, 0.0, 0.0, 0.0]);
        // 6 of (5−1)(5−2)/2 = 6 pairs: the most central a node can be.
        assert_eq!(network.nodes[0].betweenness_normalized, 1.0);
        assert_eq!(network.nodes[0].degree, 4);
        assert_eq!(network.bridges.len(), 4);
        assert_eq!(network.cut_vertices, vec![id(1)]);
    }

    #[test]
    fn four_cycle_has_no_bridges_and_shares_brokerage() {
        // 1-2-3-4-1: opposite corners (1,3) and (2,4) each have two shortest
        // paths, so each node is on half of one pair's paths.
        let network = analyze_network(&ids(1..=4), &pairs(&[(1, 2), (2, 3), (3, 4), (4, 1)]));
        assert_eq!(betweenness(&network), vec![0.5, 0.5, 0.5, 0.5]);
        // 0.5 of (4−1)(4−2)/2 = 3 pairs.
        assert_eq!(network.nodes[0].betweenness_normalized, 0.5 / 3.0);
        assert!(network.bridges.is_empty());
        assert!(network.cut_vertices.is_empty());
    }

    #[test]
    fn a_three_member_alliance_is_a_triangle_and_repeated_pairs_count_alliances() {
        let network = analyze_network(
            &ids(1..=3),
            &[alliance(1, &[1, 2, 3]), alliance(2, &[2, 1])],
        );
        assert_eq!(
            network.edges,
            vec![edge(1, 2, 2), edge(1, 3, 1), edge(2, 3, 1)]
        );
        assert_eq!(betweenness(&network), vec![0.0, 0.0, 0.0]);
        assert!(network.bridges.is_empty());
        assert!(network.cut_vertices.is_empty());
    }

    #[test]
    fn isolated_nodes_self_loops_and_unknown_members() {
        // 4 allies only with itself (twice named), 9 is not an organization.
        let network = analyze_network(
            &ids(1..=4),
            &[
                alliance(1, &[1, 2]),
                alliance(2, &[4, 4]),
                alliance(3, &[3, 9]),
            ],
        );
        assert_eq!(network.edges, vec![edge(1, 2, 1)]);
        assert_eq!(network.unknown_members, vec![id(9)]);
        let components: Vec<Vec<Uuid>> = network
            .components
            .iter()
            .map(|c| c.members.clone())
            .collect();
        // The pair first, then the singletons by id.
        assert_eq!(
            components,
            vec![vec![id(1), id(2)], vec![id(3)], vec![id(4)]]
        );
        let component_of: Vec<usize> = network.nodes.iter().map(|n| n.component).collect();
        assert_eq!(component_of, vec![0, 0, 1, 2]);
        assert_eq!(network.node(id(4)).map(|n| n.degree), Some(0));
        assert_eq!(network.bridges, vec![edge(1, 2, 1)]);
        assert!(network.cut_vertices.is_empty());
    }

    #[test]
    fn components_sort_by_size_then_smallest_member() {
        // {5,6,7} is largest; {1,2} and {3,4} tie and go by smallest id.
        let network = analyze_network(&ids(1..=7), &pairs(&[(3, 4), (1, 2), (5, 6), (6, 7)]));
        let firsts: Vec<Uuid> = network.components.iter().map(|c| c.members[0]).collect();
        assert_eq!(firsts, vec![id(5), id(1), id(3)]);
        assert_eq!(network.node(id(7)).map(|n| n.component), Some(0));
        assert_eq!(network.node(id(4)).map(|n| n.component), Some(2));
    }

    #[test]
    fn cut_vertex_as_dfs_root_and_inside() {
        // Bow tie: triangles 1-2-3 and 1-4-5 share node 1 (the DFS root,
        // being the smallest id). No bridge: every edge is on a triangle.
        let network = analyze_network(
            &ids(1..=5),
            &[alliance(1, &[1, 2, 3]), alliance(2, &[1, 4, 5])],
        );
        assert_eq!(network.cut_vertices, vec![id(1)]);
        assert!(network.bridges.is_empty());
        // Each of the 2 × 2 pairs across the tie passes 1.
        assert_eq!(network.nodes[0].betweenness, 4.0);
        // Same shape with the shared node in the middle of the ids (3).
        let network = analyze_network(
            &ids(1..=5),
            &[alliance(1, &[1, 2, 3]), alliance(2, &[3, 4, 5])],
        );
        assert_eq!(network.cut_vertices, vec![id(3)]);
    }

    #[test]
    fn empty_graph_and_tiny_graphs() {
        let network = analyze_network(&[], &[]);
        assert!(network.nodes.is_empty() && network.edges.is_empty());
        assert!(network.components.is_empty());
        // Two nodes: no pair of others, so the normalized value is 0, not NaN.
        let network = analyze_network(&ids(1..=2), &pairs(&[(1, 2)]));
        assert_eq!(network.nodes[0].betweenness_normalized, 0.0);
        assert_eq!(network.cut_vertices, Vec::<Uuid>::new());
        assert_eq!(network.bridges, vec![edge(1, 2, 1)]);
    }

    #[test]
    fn a_long_chain_is_all_bridges_and_inner_cut_vertices() {
        let n = 3_000;
        let chain: Vec<(u128, u128)> = (1..n).map(|i| (i, i + 1)).collect();
        let network = analyze_network(&ids(1..=n), &pairs(&chain));
        assert_eq!(network.bridges.len() as u128, n - 1);
        assert_eq!(network.cut_vertices.len() as u128, n - 2);
    }

    /// A random graph of `n` nodes: a ring (so it is connected), `extra`
    /// chords, and ten hubs with sixty more each (brokers, as in a real
    /// directory), from a fixed seed.
    fn random_graph(n: usize, extra: usize, seed: u64) -> Graph {
        let mut state = seed;
        let mut pairs = BTreeSet::new();
        let add = |a: usize, b: usize, pairs: &mut BTreeSet<(usize, usize)>| {
            if a != b {
                pairs.insert((a.min(b), a.max(b)));
            }
        };
        for v in 0..n {
            add(v, (v + 1) % n, &mut pairs);
        }
        while pairs.len() < n + extra {
            let a = (splitmix64(&mut state) % n as u64) as usize;
            let b = (splitmix64(&mut state) % n as u64) as usize;
            add(a, b, &mut pairs);
        }
        for hub in 0..10 {
            for _ in 0..60 {
                let other = (splitmix64(&mut state) % n as u64) as usize;
                add(hub, other, &mut pairs);
            }
        }
        let pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
        Graph::from_pairs(n, &pairs)
    }

    #[test]
    fn sampled_betweenness_is_close_to_exact_on_a_mid_size_graph() {
        let graph = random_graph(1_500, 1_500, 7);
        let (exact, none) = graph.betweenness(usize::MAX, SAMPLED_SOURCES);
        assert_eq!(none, None);
        let (estimate, sources) = graph.betweenness(0, SAMPLED_SOURCES);
        assert_eq!(sources, Some(SAMPLED_SOURCES));
        // The same graph gives the same estimate, bit for bit.
        assert_eq!(graph.betweenness(0, SAMPLED_SOURCES).0, estimate);

        let top = |values: &[f64], k: usize| -> Vec<usize> {
            let mut order: Vec<usize> = (0..values.len()).collect();
            order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
            order.truncate(k);
            order
        };
        // The ten biggest brokers are found among the estimate's top twenty.
        let estimated_top = top(&estimate, 20);
        for node in top(&exact, 10) {
            assert!(estimated_top.contains(&node), "broker {node} lost");
        }
        // The ten biggest are each within 25 % of their exact value; over the
        // top hundred, where brokerage is spread thin, the mean error stays
        // under 40 %; and the total within 5 %.
        let relative = |node: usize| (estimate[node] - exact[node]).abs() / exact[node];
        for node in top(&exact, 10) {
            assert!(
                relative(node) < 0.25,
                "node {node}: {} vs {}",
                estimate[node],
                exact[node]
            );
        }
        let mean: f64 = top(&exact, 100).into_iter().map(relative).sum::<f64>() / 100.0;
        assert!(mean < 0.4, "mean error {mean}");
        let (sum_exact, sum_estimate): (f64, f64) = (exact.iter().sum(), estimate.iter().sum());
        assert!(((sum_estimate - sum_exact) / sum_exact).abs() < 0.05);
    }

    #[test]
    fn small_directories_keep_exact_betweenness_and_isolated_nodes_are_no_sources() {
        // A path of three with a thousand isolated organizations beside it.
        let network = analyze_network(&ids(1..=1_003), &pairs(&[(1, 2), (2, 3)]));
        assert_eq!(network.sampled_sources, None);
        assert_eq!(network.nodes[1].betweenness, 1.0);
    }

    #[test]
    fn the_choice_of_sources_is_fixed_and_distinct() {
        let from: Vec<usize> = (0..1_000).collect();
        let chosen = choose(&from, 256, SEED);
        assert_eq!(chosen, choose(&from, 256, SEED));
        let mut distinct = chosen.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), 256);
        assert_eq!(choose(&from[..10], 256, SEED).len(), 10);
    }

    #[test]
    fn the_induced_part_keeps_whole_metrics_and_its_own_components() {
        // Triangles 1-2-3 and 4-5-6 joined by 3-4; keep 1, 2, 5, 6.
        let network = analyze_network(
            &ids(1..=6),
            &pairs(&[(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]),
        );
        let part = network.induced(&[id(6), id(5), id(1), id(2), id(99)]);
        let kept: Vec<Uuid> = part.nodes.iter().map(|n| n.id).collect();
        assert_eq!(kept, vec![id(1), id(2), id(5), id(6)]);
        assert_eq!(part.edges, vec![edge(1, 2, 1), edge(5, 6, 1)]);
        assert_eq!(part.components.len(), 2);
        assert_eq!(part.nodes[0].degree, 2, "degree over the whole network");
        assert!(part.bridges.is_empty() && part.cut_vertices.is_empty());
        let bridged = network.induced(&[id(3), id(4)]);
        assert_eq!(bridged.bridges, vec![edge(3, 4, 1)]);
        assert_eq!(bridged.cut_vertices, vec![id(3), id(4)]);
        assert_eq!(bridged.nodes[0].betweenness, 6.0);
    }
}
