//! Where to draw each organization of the alliance network, computed on the
//! server so the SVG needs no script. The same network gives the same
//! coordinates, bit for bit: nothing is random, and every loop runs in id
//! order.
//!
//! Each component is laid out on its own with Fruchterman–Reingold (ideal
//! edge length 1, nodes starting on a circle in id order, a fixed number of
//! steps whose largest move cools linearly), then the components are packed
//! in rows, largest first, and the whole drawing is scaled into the frame.
//! Packing rather than letting repulsion push components apart keeps
//! components from overlapping and isolated organizations in a tidy grid.

use crate::network::AllianceNetwork;
use serde::Serialize;
use std::f64::consts::TAU;
use uuid::Uuid;

/// Steps of the force simulation per component.
const ITERATIONS: usize = 200;
/// Ideal distance between neighbours, in layout units.
const IDEAL_EDGE: f64 = 1.0;
/// Space around each component when packing, in layout units.
const GAP: f64 = 1.0;

/// The drawing area: nodes are placed inside `margin` from every edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub margin: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error("a {width} × {height} frame with a margin of {margin} leaves no room to draw")]
    FrameTooSmall {
        width: f64,
        height: f64,
        margin: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Placement {
    pub id: Uuid,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

/// One placement per node of `network`, in the order of `network.nodes`.
pub fn layout(network: &AllianceNetwork, frame: &Frame) -> Result<Vec<Placement>, LayoutError> {
    let inner_width = frame.width - 2.0 * frame.margin;
    let inner_height = frame.height - 2.0 * frame.margin;
    // Written so that NaN also fails.
    if !(inner_width > 0.0 && inner_height > 0.0 && frame.margin >= 0.0) {
        return Err(LayoutError::FrameTooSmall {
            width: frame.width,
            height: frame.height,
            margin: frame.margin,
        });
    }
    if network.nodes.is_empty() {
        return Ok(Vec::new());
    }
    let index_of = |id: &Uuid| network.nodes.binary_search_by_key(id, |n| n.id).ok();

    // Each node's index within its component, and each component's edges
    // in those indices, found in one pass (many singletons must stay cheap).
    let mut members: Vec<Vec<usize>> = network
        .components
        .iter()
        .map(|c| c.members.iter().filter_map(index_of).collect())
        .collect();
    let mut local = vec![0; network.nodes.len()];
    for list in &members {
        for (position, &node) in list.iter().enumerate() {
            local[node] = position;
        }
    }
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); members.len()];
    for edge in &network.edges {
        if let (Some(a), Some(b)) = (index_of(&edge.a), index_of(&edge.b)) {
            let component = network.nodes[a].component;
            if let Some(list) = edges.get_mut(component) {
                list.push((local[a], local[b]));
            }
        }
    }

    // Lay out each component around its own origin.
    let drawings: Vec<(Vec<usize>, Vec<Point>)> = members
        .drain(..)
        .zip(&edges)
        .map(|(nodes, edges)| {
            let points = force_directed(nodes.len(), edges);
            (nodes, points)
        })
        .collect();

    // Pack the components' boxes in rows, aiming at the frame's proportions.
    let boxes: Vec<(Point, Point)> = drawings.iter().map(|(_, p)| bounds(p)).collect();
    let cell = |(low, high): &(Point, Point)| (high.x - low.x + GAP, high.y - low.y + GAP);
    let area: f64 = boxes.iter().map(|b| cell(b).0 * cell(b).1).sum();
    let widest = boxes.iter().map(|b| cell(b).0).fold(0.0, f64::max);
    let row_width = widest.max((area * inner_width / inner_height).sqrt());
    let mut offsets = Vec::with_capacity(boxes.len());
    let (mut x, mut y, mut row_height, mut total_width) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for b in &boxes {
        let (w, h) = cell(b);
        if x > 0.0 && x + w > row_width {
            y += row_height;
            x = 0.0;
            row_height = 0.0;
        }
        // Shift the component so its box starts half a gap into its cell.
        offsets.push(Point {
            x: x + GAP / 2.0 - b.0.x,
            y: y + GAP / 2.0 - b.0.y,
        });
        x += w;
        row_height = row_height.max(h);
        total_width = total_width.max(x);
    }
    let total_height = y + row_height;

    // Scale uniformly (so distances keep their meaning) and centre.
    let scale = (inner_width / total_width).min(inner_height / total_height);
    let left = frame.margin + (inner_width - total_width * scale) / 2.0;
    let top = frame.margin + (inner_height - total_height * scale) / 2.0;
    let mut placements: Vec<Placement> = network
        .nodes
        .iter()
        .map(|n| Placement {
            id: n.id,
            x: 0.0,
            y: 0.0,
        })
        .collect();
    for ((members, points), offset) in drawings.iter().zip(&offsets) {
        for (&node, point) in members.iter().zip(points) {
            placements[node].x = left + (point.x + offset.x) * scale;
            placements[node].y = top + (point.y + offset.y) * scale;
        }
    }
    Ok(placements)
}

/// Fruchterman & Reingold (1991) on `n` nodes joined by `edges` (local indices).
fn force_directed(n: usize, edges: &[(usize, usize)]) -> Vec<Point> {
    // Start on a circle whose circumference gives each node about one ideal
    // edge length of room.
    let radius = (n as f64 * IDEAL_EDGE / TAU).max(IDEAL_EDGE / 2.0);
    let mut points: Vec<Point> = (0..n)
        .map(|i| {
            let angle = TAU * i as f64 / n as f64;
            Point {
                x: radius * angle.cos(),
                y: radius * angle.sin(),
            }
        })
        .collect();
    if n < 2 {
        return points;
    }
    let k2 = IDEAL_EDGE * IDEAL_EDGE;
    // A settled component spans about √n edge lengths; start with moves of
    // a tenth of that, at least one edge length.
    let hottest = (n as f64).sqrt().max(10.0) / 10.0;
    let mut moves = vec![Point { x: 0.0, y: 0.0 }; n];
    for step in 0..ITERATIONS {
        let temperature = hottest * (1.0 - step as f64 / ITERATIONS as f64);
        moves.fill(Point { x: 0.0, y: 0.0 });
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy, d) = separation(points[i], points[j], i, j);
                let push = k2 / d;
                moves[i].x += dx / d * push;
                moves[i].y += dy / d * push;
                moves[j].x -= dx / d * push;
                moves[j].y -= dy / d * push;
            }
        }
        for &(i, j) in edges {
            let (dx, dy, d) = separation(points[i], points[j], i, j);
            let pull = d * d / IDEAL_EDGE;
            moves[i].x -= dx / d * pull;
            moves[i].y -= dy / d * pull;
            moves[j].x += dx / d * pull;
            moves[j].y += dy / d * pull;
        }
        for (point, m) in points.iter_mut().zip(&moves) {
            let length = (m.x * m.x + m.y * m.y).sqrt();
            if length > 0.0 {
                let step_length = length.min(temperature);
                point.x += m.x / length * step_length;
                point.y += m.y / length * step_length;
            }
        }
    }
    points
}

/// Vector from `b` to `a` and its length. Two nodes on the same point are
/// pushed apart along a direction fixed by their indices, never a random one.
fn separation(a: Point, b: Point, i: usize, j: usize) -> (f64, f64, f64) {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    let d = (dx * dx + dy * dy).sqrt();
    if d > 1e-9 {
        return (dx, dy, d);
    }
    let angle = (i * 31 + j) as f64;
    let (dx, dy) = (angle.cos() * 1e-3, angle.sin() * 1e-3);
    (dx, dy, (dx * dx + dy * dy).sqrt())
}

fn bounds(points: &[Point]) -> (Point, Point) {
    let mut low = Point {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut high = Point {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in points {
        low.x = low.x.min(p.x);
        low.y = low.y.min(p.y);
        high.x = high.x.max(p.x);
        high.y = high.y.max(p.y);
    }
    if points.is_empty() {
        let origin = Point { x: 0.0, y: 0.0 };
        return (origin, origin);
    }
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{facts::AllianceFacts, network::analyze_network};

    const FRAME: Frame = Frame {
        width: 800.0,
        height: 500.0,
        margin: 20.0,
    };

    fn network(nodes: u128, pairs: &[(u128, u128)]) -> AllianceNetwork {
        let ids: Vec<Uuid> = (1..=nodes).map(Uuid::from_u128).collect();
        let alliances: Vec<AllianceFacts> = pairs
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| AllianceFacts {
                id: Uuid::from_u128(1000 + i as u128),
                members: vec![Uuid::from_u128(a), Uuid::from_u128(b)],
                declared: true,
            })
            .collect();
        analyze_network(&ids, &alliances)
    }

    /// Two triangles, a path, a pair and three isolated organizations.
    fn mixed() -> AllianceNetwork {
        network(
            15,
            &[
                (1, 2),
                (2, 3),
                (1, 3),
                (4, 5),
                (5, 6),
                (4, 6),
                (3, 4),
                (7, 8),
                (8, 9),
                (9, 10),
                (11, 12),
            ],
        )
    }

    fn check_inside_and_apart(placements: &[Placement], frame: &Frame) {
        for p in placements {
            assert!(
                p.x >= frame.margin && p.x <= frame.width - frame.margin,
                "{p:?}"
            );
            assert!(
                p.y >= frame.margin && p.y <= frame.height - frame.margin,
                "{p:?}"
            );
        }
        for (i, a) in placements.iter().enumerate() {
            for b in &placements[i + 1..] {
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(d > 1.0, "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn same_network_same_coordinates_bit_for_bit() {
        let first = layout(&mixed(), &FRAME).unwrap();
        let second = layout(&mixed(), &FRAME).unwrap();
        let bits = |ps: &[Placement]| -> Vec<(u64, u64)> {
            ps.iter().map(|p| (p.x.to_bits(), p.y.to_bits())).collect()
        };
        assert_eq!(bits(&first), bits(&second));
        let ids: Vec<Uuid> = first.iter().map(|p| p.id).collect();
        let expected: Vec<Uuid> = (1..=15).map(Uuid::from_u128).collect();
        assert_eq!(ids, expected);
    }

    #[test]
    fn every_node_is_inside_the_frame_and_none_share_a_point() {
        check_inside_and_apart(&layout(&mixed(), &FRAME).unwrap(), &FRAME);
    }

    #[test]
    fn neighbours_sit_closer_than_strangers_and_components_do_not_overlap() {
        let placements = layout(&mixed(), &FRAME).unwrap();
        let at = |n: u128| placements[n as usize - 1];
        let distance =
            |a: u128, b: u128| ((at(a).x - at(b).x).powi(2) + (at(a).y - at(b).y).powi(2)).sqrt();
        // Within a triangle, closer than across the bridge's far ends.
        assert!(distance(1, 2) < distance(1, 6));
        // Boxes of the big component (1–6) and the path (7–10) are disjoint.
        let span = |range: std::ops::RangeInclusive<u128>| {
            let xs: Vec<f64> = range.clone().map(|n| at(n).x).collect();
            let ys: Vec<f64> = range.map(|n| at(n).y).collect();
            let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (min(&xs), max(&xs), min(&ys), max(&ys))
        };
        let (a, b) = (span(1..=6), span(7..=10));
        let apart = a.1 < b.0 || b.1 < a.0 || a.3 < b.2 || b.3 < a.2;
        assert!(apart, "{a:?} {b:?}");
    }

    #[test]
    fn one_node_sits_in_the_middle_and_empty_is_empty() {
        let placements = layout(&network(1, &[]), &FRAME).unwrap();
        assert_eq!(placements.len(), 1);
        assert_eq!((placements[0].x, placements[0].y), (400.0, 250.0));
        assert!(layout(&network(0, &[]), &FRAME).unwrap().is_empty());
    }

    #[test]
    fn a_frame_with_no_room_is_refused() {
        let frame = Frame {
            width: 30.0,
            height: 500.0,
            margin: 20.0,
        };
        assert!(matches!(
            layout(&mixed(), &frame),
            Err(LayoutError::FrameTooSmall { .. })
        ));
    }

    #[test]
    fn three_hundred_organizations_fit_apart() {
        // A ring of 200 with chords, plus 100 in pairs and alone.
        let mut pairs: Vec<(u128, u128)> = (1..200).map(|i| (i, i + 1)).collect();
        pairs.push((200, 1));
        pairs.extend((1..=200).step_by(7).map(|i| (i, (i + 50) % 200 + 1)));
        pairs.extend((201..=260).step_by(2).map(|i| (i, i + 1)));
        let network = network(300, &pairs);
        let frame = Frame {
            width: 1200.0,
            height: 900.0,
            margin: 10.0,
        };
        let placements = layout(&network, &frame).unwrap();
        assert_eq!(placements.len(), 300);
        check_inside_and_apart(&placements, &frame);
    }

    #[test]
    fn one_component_of_three_hundred_fits_apart() {
        // The worst case for the O(n²) step: every node repels every other.
        let mut pairs: Vec<(u128, u128)> = (1..300).map(|i| (i, i + 1)).collect();
        pairs.extend((1..=300).step_by(5).map(|i| (i, (i + 120) % 300 + 1)));
        let network = network(300, &pairs);
        assert_eq!(network.components.len(), 1);
        let frame = Frame {
            width: 1200.0,
            height: 900.0,
            margin: 10.0,
        };
        let started = std::time::Instant::now();
        let placements = layout(&network, &frame).unwrap();
        eprintln!("300 nodes laid out in {:?}", started.elapsed());
        check_inside_and_apart(&placements, &frame);
    }
}
