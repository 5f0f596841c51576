//! The alliance network: organizations are nodes, and every pair of members of
//! an alliance is an edge (an alliance of n members is a complete graph on
//! them). A pair that shares several alliances is one edge that counts them.
//!
//! Members that are not among the given organizations are left out of the
//! graph and listed in `unknown_members`, so one stale reference does not hide
//! the rest of an alliance; the caller decides whether to log it.

use crate::facts::AllianceFacts;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
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

/// The graph on node indices; indices follow the sorted ids, so "smaller
/// index" and "smaller id" mean the same.
struct Graph {
    adjacency: Vec<Vec<usize>>,
}

impl AllianceNetwork {
    pub fn node(&self, id: Uuid) -> Option<&NodeMetrics> {
        self.nodes
            .binary_search_by_key(&id, |node| node.id)
            .ok()
            .map(|at| &self.nodes[at])
    }
}

pub fn analyze_network(organizations: &[Uuid], alliances: &[AllianceFacts]) -> AllianceNetwork {
    let mut ids = organizations.to_vec();
    ids.sort();
    ids.dedup();

    let mut pair_counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
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
                *pair_counts.entry((a, b)).or_default() += 1;
            }
        }
    }

    let mut adjacency = vec![Vec::new(); ids.len()];
    for &(a, b) in pair_counts.keys() {
        adjacency[a].push(b);
        adjacency[b].push(a);
    }
    for neighbours in &mut adjacency {
        neighbours.sort();
    }
    let graph = Graph { adjacency };

    let edge = |(a, b): (usize, usize)| Edge {
        a: ids[a],
        b: ids[b],
        alliances: pair_counts.get(&(a, b)).copied().unwrap_or(0),
    };

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
    let components: Vec<Component> = order.iter().map(|&c| components[c].clone()).collect();

    let betweenness = graph.betweenness();
    let n = ids.len() as f64;
    let pairs_of_others = (n - 1.0) * (n - 2.0) / 2.0;
    let nodes = ids
        .iter()
        .enumerate()
        .map(|(node, &id)| NodeMetrics {
            id,
            degree: graph.adjacency[node].len(),
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
        edges: pair_counts.keys().map(|&pair| edge(pair)).collect(),
        components,
        bridges: bridges.into_iter().map(edge).collect(),
        cut_vertices: cut
            .iter()
            .enumerate()
            .filter(|(_, is_cut)| **is_cut)
            .map(|(node, _)| ids[node])
            .collect(),
        unknown_members: unknown.into_iter().collect(),
    }
}

impl Graph {
    fn len(&self) -> usize {
        self.adjacency.len()
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
                for &w in &self.adjacency[v] {
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

    /// Brandes (2001), unweighted. Each unordered pair is reached from both
    /// ends, so the sums are halved.
    fn betweenness(&self) -> Vec<f64> {
        let n = self.len();
        let mut centrality = vec![0.0; n];
        let mut order = Vec::with_capacity(n);
        let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut paths = vec![0.0_f64; n];
        let mut distance = vec![usize::MAX; n];
        let mut dependency = vec![0.0_f64; n];
        let mut queue = VecDeque::new();
        for source in 0..n {
            order.clear();
            for list in &mut predecessors {
                list.clear();
            }
            paths.fill(0.0);
            distance.fill(usize::MAX);
            dependency.fill(0.0);
            paths[source] = 1.0;
            distance[source] = 0;
            queue.push_back(source);
            while let Some(v) = queue.pop_front() {
                order.push(v);
                for &w in &self.adjacency[v] {
                    if distance[w] == usize::MAX {
                        distance[w] = distance[v] + 1;
                        queue.push_back(w);
                    }
                    if distance[w] == distance[v] + 1 {
                        paths[w] += paths[v];
                        predecessors[w].push(v);
                    }
                }
            }
            while let Some(w) = order.pop() {
                for &v in &predecessors[w] {
                    dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w]);
                }
                if w != source {
                    centrality[w] += dependency[w];
                }
            }
        }
        for value in &mut centrality {
            *value /= 2.0;
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
                if let Some(&w) = self.adjacency[v].get(next) {
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
}
