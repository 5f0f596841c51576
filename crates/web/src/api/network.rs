//! The alliance network as JSON: nodes with their metrics, edges with the
//! bridge flag, components and brokers, from the shared `AnalysisCache`.

use super::error::ApiResult;
use crate::AppState;
use acoge_analysis::actor_group;
use axum::{Json, extract::State};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct NodeJson {
    pub id: Uuid,
    pub name: String,
    /// government, civil_society, international, academia or private_sector.
    pub actor_group: String,
    /// Distinct partners.
    pub degree: usize,
    /// Brandes' betweenness over the whole directory.
    pub betweenness: f64,
    /// Betweenness divided by the pairs of other organizations, in [0, 1].
    pub betweenness_normalized: f64,
    /// Index into `components`.
    pub component: usize,
}

#[derive(Serialize, ToSchema)]
pub struct EdgeJson {
    pub a: Uuid,
    pub b: Uuid,
    /// Alliances the two share.
    pub alliances: usize,
    /// Removing it would split its component.
    pub bridge: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ComponentJson {
    /// Organization ids, sorted.
    pub members: Vec<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct NetworkJson {
    /// Organizations with at least one alliance, sorted by id.
    pub nodes: Vec<NodeJson>,
    /// Organizations of the directory with no alliance (not listed as nodes).
    pub isolated: usize,
    /// One per pair of allied organizations, `a` < `b`.
    pub edges: Vec<EdgeJson>,
    /// Connected groups of allied organizations, largest first.
    pub components: Vec<ComponentJson>,
    /// Organizations whose removal would split their component (brokers).
    pub cut_vertices: Vec<Uuid>,
}

/// The alliance network (declared alliances and those derived from
/// published practices): who is allied with whom, the brokers, and the groups.
#[utoipa::path(get, path = "/api/v1/network", tag = "directory",
    responses((status = 200, body = NetworkJson)))]
pub async fn network(State(app): State<AppState>) -> ApiResult<NetworkJson> {
    let analysis = app.analysis.current(&app).await?;
    let drawn = &analysis.drawn;
    let kinds: HashMap<Uuid, (&str, acoge_domain::organization::OrganizationKind)> = analysis
        .facts
        .organizations
        .iter()
        .map(|o| (o.id, (o.name.as_str(), o.kind)))
        .collect();
    let nodes = drawn
        .nodes
        .iter()
        .map(|node| {
            // Metrics over the whole directory, as the pages show them.
            let whole = analysis.network.node(node.id).unwrap_or(node);
            let (name, kind) = kinds.get(&node.id).copied().unzip();
            NodeJson {
                id: node.id,
                name: name.unwrap_or_default().to_owned(),
                actor_group: kind
                    .map(|k| actor_group(k).slug())
                    .unwrap_or_default()
                    .to_owned(),
                degree: whole.degree,
                betweenness: whole.betweenness,
                betweenness_normalized: whole.betweenness_normalized,
                component: node.component,
            }
        })
        .collect();
    let bridges: BTreeSet<(Uuid, Uuid)> = drawn.bridges.iter().map(|e| (e.a, e.b)).collect();
    Ok(Json(NetworkJson {
        nodes,
        isolated: analysis
            .network
            .nodes
            .len()
            .saturating_sub(drawn.nodes.len()),
        edges: drawn
            .edges
            .iter()
            .map(|e| EdgeJson {
                a: e.a,
                b: e.b,
                alliances: e.alliances,
                bridge: bridges.contains(&(e.a, e.b)),
            })
            .collect(),
        components: drawn
            .components
            .iter()
            .map(|c| ComponentJson {
                members: c.members.clone(),
            })
            .collect(),
        cut_vertices: drawn.cut_vertices.clone(),
    }))
}
