//! The alliance network as a standalone SVG image: positions come from the
//! analysis crate's deterministic layout, so the same data draws the same
//! picture. Presentation attributes only (the CSP forbids inline styles); the
//! page beside it carries the same numbers in a table.

use super::escape;
use acoge_analysis::{ActorGroup, AllianceNetwork, Frame, Placement};
use std::{collections::HashMap, fmt::Write};
use uuid::Uuid;

/// The drawing's size, in SVG units.
pub const FRAME: Frame = Frame {
    width: 640.0,
    height: 440.0,
    margin: 24.0,
};

/// What the picture needs to know of each organization.
pub struct NodeLabel {
    pub short_name: String,
    pub group: ActorGroup,
}

/// Colours per actor group, readable on white; the table beside the image
/// tells the groups apart without colour.
pub fn fill(group: ActorGroup) -> &'static str {
    match group {
        ActorGroup::Government => "#1f5f8b",
        ActorGroup::CivilSociety => "#b35c00",
        ActorGroup::International => "#2e7d32",
        ActorGroup::Academia => "#6a3d9a",
        ActorGroup::PrivateSector => "#57606a",
    }
}

/// Nodes with at least this many partners get a visible label; the others
/// keep theirs in a tooltip, so the picture stays legible.
const LABEL_FROM_DEGREE: usize = 3;

pub fn svg(
    title: &str,
    network: &AllianceNetwork,
    placements: &[Placement],
    labels: &HashMap<Uuid, NodeLabel>,
) -> String {
    let at: HashMap<Uuid, (f64, f64)> = placements.iter().map(|p| (p.id, (p.x, p.y))).collect();
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="t"><title id="t">{title}</title><g stroke="#8c959f">"##,
        w = FRAME.width,
        h = FRAME.height,
        title = escape(title),
    );
    let bridges: Vec<(Uuid, Uuid)> = network.bridges.iter().map(|e| (e.a, e.b)).collect();
    for edge in &network.edges {
        let (Some(a), Some(b)) = (at.get(&edge.a), at.get(&edge.b)) else {
            continue;
        };
        // A bridge is the only tie between two groups: drawn dashed and darker.
        let bridge = bridges.contains(&(edge.a, edge.b));
        let _ = write!(
            out,
            r#"<line x1="{:.0}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke-width="{}"{}/>"#,
            a.0,
            a.1,
            b.0,
            b.1,
            edge.alliances.min(4),
            if bridge {
                r##" stroke="#24292f" stroke-dasharray="4 3""##
            } else {
                ""
            }
        );
    }
    out.push_str(r##"</g><g stroke="#fff" stroke-width="1">"##);
    let mut texts = String::new();
    for node in &network.nodes {
        let (Some((x, y)), Some(label)) = (at.get(&node.id), labels.get(&node.id)) else {
            continue;
        };
        let radius = 4.0 + (node.degree as f64).sqrt() * 2.0;
        let _ = write!(
            out,
            r#"<circle cx="{x:.0}" cy="{y:.0}" r="{radius:.1}" fill="{}"><title>{}</title></circle>"#,
            fill(label.group),
            escape(&label.short_name)
        );
        if node.degree >= LABEL_FROM_DEGREE {
            let _ = write!(
                texts,
                r#"<text x="{x:.0}" y="{:.0}">{}</text>"#,
                y - radius - 3.0,
                escape(&label.short_name)
            );
        }
    }
    let _ = write!(
        out,
        r##"</g><g font-family="sans-serif" font-size="11" text-anchor="middle" fill="#24292f">{texts}</g></svg>"##
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_analysis::{AllianceFacts, analyze_network, layout};

    #[test]
    fn every_organization_and_tie_is_drawn_with_bridges_marked() {
        let ids: Vec<Uuid> = (1..=4).map(Uuid::from_u128).collect();
        let alliance = |members: &[usize]| AllianceFacts {
            id: Uuid::now_v7(),
            members: members.iter().map(|&i| ids[i]).collect(),
            declared: true,
        };
        // A triangle 0-1-2 and a pendant 3 hanging from 2: 2-3 is a bridge.
        let network = analyze_network(&ids, &[alliance(&[0, 1, 2]), alliance(&[2, 3])]);
        let placements = layout(&network, &FRAME).unwrap();
        let labels: HashMap<Uuid, NodeLabel> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let group = if i == 3 {
                    ActorGroup::International
                } else {
                    ActorGroup::Government
                };
                let short_name = format!("Org <{i}>");
                (*id, NodeLabel { short_name, group })
            })
            .collect();
        let picture = svg("Red", &network, &placements, &labels);
        assert_eq!(picture.matches("<circle").count(), 4);
        assert_eq!(picture.matches("<line").count(), 4);
        assert_eq!(picture.matches("stroke-dasharray").count(), 1);
        assert!(picture.contains("Org &lt;3&gt;") && !picture.contains("Org <3>"));
        assert!(picture.contains("#2e7d32"));
        // Only node 2 has three partners, so only it is labelled in the open.
        assert_eq!(picture.matches("<text").count(), 1);
    }
}
