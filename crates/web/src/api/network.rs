//! The alliance network as JSON, a page at a time: organizations with their
//! metrics and the ties between them, from the directory's last analysis
//! (computed in the background; see `jobs::analysis`).

use super::{
    alliances::{analysed, check_page},
    error::{ApiError, ErrorBody},
};
use crate::{AppState, app::directory, http::params::Params};
use acoge_analysis::actor_group;
use acoge_domain::page::PageRequest;
use axum::{
    Json,
    extract::{RawQuery, State},
    response::Response,
};
use serde::Serialize;
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
    /// Brandes' betweenness over the whole directory (estimated when
    /// `betweenness_exact` is false).
    pub betweenness: f64,
    /// Betweenness divided by the pairs of other organizations, in [0, 1].
    pub betweenness_normalized: f64,
    /// Number of its connected group, largest first (0 is the largest).
    pub component: usize,
    /// Organizations in that group.
    pub component_size: usize,
    /// Removing it would split its group (a broker).
    pub cut_vertex: bool,
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
pub struct NetworkJson {
    /// False only in the first seconds after a start, while the first
    /// analysis is computed: then every count is 0 and every list empty.
    pub ready: bool,
    /// Whether betweenness is exact; on large networks it is estimated from
    /// `sampled_sources` organizations (Brandes–Pich, fixed seed).
    pub betweenness_exact: bool,
    pub sampled_sources: Option<usize>,
    /// Organizations with at least one alliance (`nodes` over all pages).
    pub total: u64,
    /// Pairs of allied organizations (`edges` over all pages).
    pub total_edges: u64,
    /// Connected groups of allied organizations.
    pub components: usize,
    /// Organizations of the directory with no alliance (not listed as nodes).
    pub isolated: usize,
    pub page: u32,
    pub per_page: u32,
    /// The largest `per_page` accepted.
    pub max_per_page: u32,
    /// This page of the allied organizations, sorted by id.
    pub nodes: Vec<NodeJson>,
    /// This page of the ties, sorted by `(a, b)` with `a` < `b`. Nodes and
    /// edges are paged together: page n holds the nth `per_page` of each, and
    /// the pages run until both lists are through.
    pub edges: Vec<EdgeJson>,
}

/// The alliance network (declared alliances and those derived from
/// published practices): who is allied with whom, the brokers and the
/// groups, a page at a time. It is the directory's last analysis, computed in
/// the background a few seconds after a change; in the first seconds after a
/// start the answer says `ready: false` and holds nothing.
#[utoipa::path(get, path = "/api/v1/network", tag = "directory",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1, up to the last page of nodes or edges (1 when there is none)", minimum = 1, maximum = 1000000),
        ("per_page" = Option<u32>, Query, description = "Nodes and edges per page, 1 to 100 (default 20)", minimum = 1, maximum = 100)
    ),
    responses(
        (status = 200, body = NetworkJson),
        (status = 400, body = ErrorBody, description = "A parameter is invalid, or `page` is past the last page; `parameter` names it")
    ))]
pub async fn network(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let mut answer = NetworkJson {
        ready: false,
        betweenness_exact: true,
        sampled_sources: None,
        total: 0,
        total_edges: 0,
        components: 0,
        isolated: 0,
        page: request.page,
        per_page: request.per_page,
        max_per_page: PageRequest::MAX_PER_PAGE,
        nodes: Vec::new(),
        edges: Vec::new(),
    };
    let Some(latest) = directory::analysis(&app).await? else {
        check_page(request, 0)?;
        return Ok(analysed(false, Json(answer)));
    };
    let analysis = &latest.analysis;
    let network = &analysis.network;
    let allied = analysis.allied_count();
    check_page(request, allied.max(network.edges.len()) as u64)?;
    let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let take = request.per_page as usize;
    answer.nodes = network
        .nodes
        .iter()
        .filter(|node| node.degree > 0)
        .skip(skip)
        .take(take)
        .map(|node| {
            let organization = analysis.organization(node.id);
            NodeJson {
                id: node.id,
                name: organization.map(|o| o.name.clone()).unwrap_or_default(),
                actor_group: organization
                    .map(|o| actor_group(o.kind).slug())
                    .unwrap_or_default()
                    .to_owned(),
                degree: node.degree,
                betweenness: node.betweenness,
                betweenness_normalized: node.betweenness_normalized,
                component: node.component,
                component_size: network
                    .components
                    .get(node.component)
                    .map_or(0, |c| c.members.len()),
                cut_vertex: analysis.is_cut_vertex(node.id),
            }
        })
        .collect();
    answer.edges = network
        .edges
        .iter()
        .skip(skip)
        .take(take)
        .map(|e| EdgeJson {
            a: e.a,
            b: e.b,
            alliances: e.alliances,
            // Bridges are sorted like edges.
            bridge: network
                .bridges
                .binary_search_by(|b| (b.a, b.b).cmp(&(e.a, e.b)))
                .is_ok(),
        })
        .collect();
    answer.ready = true;
    answer.betweenness_exact = network.sampled_sources.is_none();
    answer.sampled_sources = network.sampled_sources;
    answer.total = allied as u64;
    answer.total_edges = network.edges.len() as u64;
    // Groups of allied organizations are the components of two or more.
    answer.components = network
        .components
        .iter()
        .take_while(|c| c.members.len() > 1)
        .count();
    answer.isolated = network.nodes.len() - allied;
    Ok(analysed(latest.current, Json(answer)))
}
