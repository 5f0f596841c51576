//! Alliances (declared by members or derived from published practices), the
//! alliance network drawn and tabulated, and the map of who is where.

use super::{
    Chrome, Ctx, PageError, Pager,
    form::{Choices, FormData, PLACE_SEPARATORS, after_submit, error_keys, organization_choices},
    render,
};
use crate::{
    AppState,
    app::{
        directory::{self, Latest},
        places,
    },
    http::params::{ParamError, Params, existing_page},
    render::map,
    render::network_svg::{self, NodeLabel},
};
use acoge_analysis::{ActorGroup, actor_group, analyze_network};
use acoge_domain::{
    accounts::Capability,
    alliance::{AllianceInput, AllianceKind},
    fields::FieldError,
    organization::Organization,
    page::{Page, PageRequest},
    practice::Sector,
};
use acoge_store::AllianceRecord;
use askama::Template;
use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Alliances, and organizations in the network's table, per page.
const PER_PAGE: u32 = 50;
/// Bridges named on the network page (the API's edges say which are bridges).
const BRIDGES_SHOWN: usize = 20;
/// Municipalities marked on the directory map: those with most services.
const MARKERS: usize = 60;

/// An answer made of the directory's analysis, with what a cache may do
/// with it: nothing while the first analysis is computed (the page says
/// so). Afterwards the page cache keeps it only while its analysis is the
/// last one (`jobs::analysis::noting_reads`), and proxies revalidate.
pub(super) fn analysed(latest: Option<&Latest>, page: impl IntoResponse) -> Response {
    let mut response = page.into_response();
    if latest.is_none() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A page past the last is a bad `page`, named (there is always a first);
/// answers how many pages there are.
fn check_page(request: PageRequest, total: u64) -> Result<u64, ParamError> {
    existing_page(request, total)?;
    Ok(total.div_ceil(u64::from(request.per_page)).max(1))
}

#[derive(Template)]
#[template(path = "alliances.html")]
struct ListPage {
    chrome: Chrome,
    alliances: Vec<AllianceRecord>,
    signed_in: bool,
    /// The first analysis after a start is not ready yet.
    computing: bool,
    /// How many there are, and how many intersectoral.
    summary: String,
    pager: Pager,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let params = Params::parse(ctx.raw_query())?;
    let request = params.page(PER_PAGE)?;
    let latest = directory::analysis(&app).await?;
    let (page, intersectoral) = match &latest {
        Some(latest) => {
            check_page(request, latest.analysis.alliances().len() as u64)?;
            (
                directory::alliances_page(&app, &latest.analysis, request).await?,
                latest.analysis.intersectoral_count(),
            )
        }
        None => (
            Page {
                total: 0,
                items: Vec::new(),
            },
            0,
        ),
    };
    let pager = Pager::new("/alianzas", &[], request.page, page.page_count(request));
    let summary = ctx.tr.count_with(
        "alliances-count",
        page.total,
        &[("intersectoral", ctx.tr.number(intersectoral as u64).into())],
    );
    let html = render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("alliances-title"), "organizations"),
        alliances: page.items,
        signed_in: ctx.signed_in(),
        computing: latest.is_none(),
        summary,
        pager,
    })?;
    Ok(analysed(latest.as_ref(), html))
}

#[derive(Template)]
#[template(path = "alliance_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    input: AllianceInput,
    municipalities_text: String,
    states_text: String,
    organizations: Vec<Organization>,
    sectors: &'static [Sector],
    kinds: &'static [AllianceKind],
    errors: BTreeMap<&'static str, &'static str>,
}

impl Choices for FormPage {}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: AllianceInput,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    ctx.require(Capability::Contribute)?;
    let organizations = organization_choices(app, 500).await?;
    let page = render(&FormPage {
        chrome: ctx.chrome(ctx.tr.t("alliances-new"), "organizations"),
        csrf: ctx.csrf(),
        municipalities_text: input.municipalities.join(", "),
        states_text: input.states.join(", "),
        input,
        organizations,
        sectors: Sector::ALL,
        kinds: AllianceKind::ALL,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

pub async fn new_form(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    // A member's own organization is ticked to start with.
    let members = ctx
        .organization()
        .map(|id| vec![id.to_string()])
        .unwrap_or_default();
    let input = AllianceInput {
        members,
        kind: AllianceKind::ALL[0].slug().to_owned(),
        ..AllianceInput::default()
    };
    form_page(&app, &ctx, input, &[]).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let input = AllianceInput {
        name: form.get("name").to_owned(),
        members: form.get_all("members"),
        sectors: form.get_all("sectors"),
        municipalities: form.list("municipalities", PLACE_SEPARATORS),
        states: form.list("states", PLACE_SEPARATORS),
        kind: form.get("kind").to_owned(),
        started: form.get("started").to_owned(),
        ended: form.get("ended").to_owned(),
        source: form.get("source").to_owned(),
    };
    after_submit(
        directory::declare_alliance(&app, ctx.actor(), &input).await,
        |_| "/alianzas".to_owned(),
        async |errors| form_page(&app, &ctx, input, errors).await,
    )
    .await
}

/// One organization in the network's table.
pub struct NodeRow {
    pub id: Uuid,
    pub name: String,
    pub group: ActorGroup,
    pub degree: usize,
    /// Normalized betweenness, as a percentage with one decimal.
    pub betweenness: String,
    pub cut_vertex: bool,
}

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage {
    chrome: Chrome,
    computing: bool,
    rows: Vec<NodeRow>,
    /// How many organizations the picture shows, of how many allied.
    showing: String,
    bridges: Vec<(String, String)>,
    /// How many bridges are not named, when some are not.
    more_bridges: Option<String>,
    isolated: usize,
    /// That betweenness was estimated, and from how many sources.
    sampled: Option<String>,
    groups: &'static [ActorGroup],
    pager: Pager,
}

pub async fn network(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let params = Params::parse(ctx.raw_query())?;
    let request = params.page(PER_PAGE)?;
    let latest = directory::analysis(&app).await?;
    let mut page = NetworkPage {
        chrome: ctx.chrome(ctx.tr.t("network-title"), "organizations"),
        computing: latest.is_none(),
        rows: Vec::new(),
        showing: String::new(),
        bridges: Vec::new(),
        more_bridges: None,
        isolated: 0,
        sampled: None,
        groups: &[
            ActorGroup::Government,
            ActorGroup::CivilSociety,
            ActorGroup::International,
            ActorGroup::Academia,
            ActorGroup::PrivateSector,
        ],
        pager: Pager::new("/red", &[], 1, 1),
    };
    if let Some(latest) = &latest {
        let analysis = &latest.analysis;
        let allied = analysis.allied_count();
        let pages = check_page(request, allied as u64)?;
        let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
        page.rows = analysis
            .ranked(skip, request.per_page as usize)
            .map(|(node, organization)| NodeRow {
                id: node.id,
                name: organization.name.clone(),
                group: actor_group(organization.kind),
                degree: node.degree,
                betweenness: format!("{:.1}", node.betweenness_normalized * 100.0),
                cut_vertex: analysis.is_cut_vertex(node.id),
            })
            .collect();
        let name = |id: Uuid| {
            analysis
                .organization_name(id)
                .unwrap_or_default()
                .to_owned()
        };
        let bridges = &analysis.network.bridges;
        page.bridges = bridges
            .iter()
            .take(BRIDGES_SHOWN)
            .map(|e| (name(e.a), name(e.b)))
            .collect();
        let tr = ctx.tr;
        let more = bridges.len().saturating_sub(BRIDGES_SHOWN) as u64;
        page.more_bridges = (more > 0).then(|| tr.count("network-more-bridges", more));
        page.showing = tr.count_with(
            "network-showing",
            analysis.drawn.nodes.len(),
            &[("total", tr.number(allied as u64).into())],
        );
        page.isolated = analysis.network.nodes.len() - allied;
        page.sampled = analysis
            .network
            .sampled_sources
            .map(|sources| tr.with_text("network-sampled", "sources", &sources.to_string()));
        page.pager = Pager::new("/red", &[], request.page, pages);
    }
    Ok(analysed(latest.as_ref(), render(&page)?))
}

fn svg_response(latest: Option<&Latest>, svg: String) -> Response {
    analysed(
        latest,
        (
            [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
            svg,
        ),
    )
}

/// The most connected part of the network (see `jobs::analysis::DRAWN`).
pub async fn network_svg(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let latest = directory::analysis(&app).await?;
    let title = ctx.tr.t("network-title");
    let svg = match &latest {
        Some(latest) => {
            let analysis = &latest.analysis;
            let labels: HashMap<Uuid, NodeLabel> = analysis
                .drawn
                .nodes
                .iter()
                .filter_map(|node| {
                    let o = analysis.organization(node.id)?;
                    let short_name: String = o.name.chars().take(28).collect();
                    let group = actor_group(o.kind);
                    Some((o.id, NodeLabel { short_name, group }))
                })
                .collect();
            network_svg::svg(&title, &analysis.drawn, &analysis.placements, &labels)
        }
        None => network_svg::svg(&title, &analyze_network(&[], &[]), &[], &HashMap::new()),
    };
    Ok(svg_response(latest.as_ref(), svg))
}

/// One state of the directory map's table.
pub struct StateRow {
    pub key: String,
    pub name: String,
    pub organizations: usize,
    pub services: usize,
}

/// Organizations (by seat) and services per state, from the last analysis.
async fn state_rows(app: &AppState, latest: Option<&Latest>) -> Result<Vec<StateRow>, PageError> {
    let states = places::states(app).await?;
    let count = |map: Option<&BTreeMap<acoge_domain::StateKey, usize>>, key| {
        map.and_then(|m| m.get(key)).copied().unwrap_or(0)
    };
    let analysis = latest.map(|l| &l.analysis);
    Ok(states
        .iter()
        .map(|s| StateRow {
            key: s.state.key.to_string(),
            name: s.state.name.clone(),
            organizations: count(analysis.map(|a| a.organizations_by_state()), &s.state.key),
            services: count(analysis.map(|a| a.services_by_state()), &s.state.key),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "directory_map.html")]
struct MapPage {
    chrome: Chrome,
    computing: bool,
    rows: Vec<StateRow>,
    markers: usize,
}

pub async fn directory_map(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let latest = directory::analysis(&app).await?;
    let rows = state_rows(&app, latest.as_ref()).await?;
    let html = render(&MapPage {
        chrome: ctx.chrome(ctx.tr.t("directory-map-title"), "organizations"),
        computing: latest.is_none(),
        rows,
        markers: MARKERS,
    })?;
    Ok(analysed(latest.as_ref(), html))
}

/// Shades for organizations plus services per state, lightest for none.
fn shade(count: usize) -> &'static str {
    match count {
        0 => "#f0f2f4",
        1..=2 => "#d6e6f2",
        3..=9 => "#9cc3e6",
        10..=24 => "#5b9bd1",
        _ => "#1f5f8b",
    }
}

/// The states shaded by what they hold, and a circle at each of the
/// `MARKERS` municipalities with most services (one per place, not per
/// service: the picture stays the same size at any size of the directory).
pub async fn directory_map_svg(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let latest = directory::analysis(&app).await?;
    let rows = state_rows(&app, latest.as_ref()).await?;
    let boundaries = places::state_boundaries(&app).await?;
    let regions: Vec<map::Region> = rows
        .iter()
        .filter_map(|row| {
            let (_, geometry) = boundaries.iter().find(|(k, _)| k.as_str() == row.key)?;
            let geometry: serde_json::Value = serde_json::from_str(geometry).ok()?;
            Some(map::Region {
                path: map::path_data(&geometry),
                fill: shade(row.organizations + row.services),
                hatched: false,
                label: format!("{}: {} / {}", row.name, row.organizations, row.services),
            })
        })
        .collect();
    let markers: Vec<map::Marker> = latest
        .iter()
        .flat_map(|l| l.analysis.services_by_place().iter())
        .filter_map(|place| {
            let seat = place.seat?;
            Some(map::Marker {
                lon: seat.lon,
                lat: seat.lat,
                radius: 2.0 + (place.count as f64).sqrt() * 1.5,
                label: format!("{}: {}", place.cvegeo, place.count),
            })
        })
        .take(MARKERS)
        .collect();
    let svg = map::svg(&ctx.tr.t("directory-map-title"), &regions, &markers);
    Ok(svg_response(latest.as_ref(), svg))
}
