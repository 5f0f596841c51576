//! Alliances (declared by members or derived from published practices), the
//! alliance network drawn and tabulated, and the map of who is where.

use super::{Chrome, Ctx, PageError, form::FormData, render};
use crate::{
    AppState,
    app::error::AppError,
    app::{directory, places},
    render::map,
    render::network_svg::{self, NodeLabel},
};
use acoge_analysis::{ActorGroup, actor_group};
use acoge_domain::{
    accounts::Capability,
    alliance::{AllianceInput, AllianceKind},
    fields::FieldError,
    organization::Organization,
    page::PageRequest,
    practice::Sector,
};
use acoge_store::{AllianceRecord, OrganizationFilter};
use askama::Template;
use axum::{
    extract::State,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "alliances.html")]
struct ListPage {
    chrome: Chrome,
    alliances: Vec<AllianceRecord>,
    signed_in: bool,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("alliances-title"), "organizations"),
        alliances: directory::alliances(&app).await?,
        signed_in: ctx.member().is_some(),
    })
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

impl FormPage {
    fn has(&self, list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    input: AllianceInput,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, PageError> {
    ctx.require(Capability::Contribute)?;
    let organizations =
        directory::organizations(app, &OrganizationFilter::default(), PageRequest::first(500))
            .await?
            .items;
    let page = render(&FormPage {
        chrome: ctx.chrome(ctx.tr.t("alliances-new"), "organizations"),
        csrf: ctx.csrf(),
        municipalities_text: input.municipalities.join(", "),
        states_text: input.states.join(", "),
        input,
        organizations,
        sectors: Sector::ALL,
        kinds: AllianceKind::ALL,
        errors: errors
            .iter()
            .map(|e| (e.field, e.problem.message_key()))
            .collect(),
    })?;
    Ok((status, page).into_response())
}

pub async fn new_form(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    // A member's own organization is ticked to start with.
    let members = ctx
        .member()
        .and_then(|m| m.organization_id)
        .map(|id| vec![id.to_string()])
        .unwrap_or_default();
    let input = AllianceInput {
        members,
        kind: AllianceKind::ALL[0].slug().to_owned(),
        ..AllianceInput::default()
    };
    form_page(&app, &ctx, input, &[], StatusCode::OK).await
}

fn list_field(form: &FormData, name: &str) -> Vec<String> {
    form.get(name)
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
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
        municipalities: list_field(&form, "municipalities"),
        states: list_field(&form, "states"),
        kind: form.get("kind").to_owned(),
        started: form.get("started").to_owned(),
        ended: form.get("ended").to_owned(),
        source: form.get("source").to_owned(),
    };
    match directory::declare_alliance(&app, ctx.actor(), &input).await {
        Ok(_) => Ok(Redirect::to("/alianzas").into_response()),
        Err(AppError::Invalid(errors)) => {
            form_page(&app, &ctx, input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
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
    rows: Vec<NodeRow>,
    bridges: Vec<(String, String)>,
    isolated: usize,
    groups: &'static [ActorGroup],
}

pub async fn network(State(app): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let analysis = app.analysis.current(&app).await?;
    let kinds: HashMap<Uuid, _> = analysis
        .facts
        .organizations
        .iter()
        .map(|o| (o.id, o.kind))
        .collect();
    let name = |id: Uuid| {
        analysis
            .organization_name(id)
            .unwrap_or_default()
            .to_owned()
    };
    let mut rows: Vec<NodeRow> = analysis
        .network
        .nodes
        .iter()
        .filter(|n| n.degree > 0)
        .filter_map(|n| {
            Some(NodeRow {
                id: n.id,
                name: name(n.id),
                group: actor_group(*kinds.get(&n.id)?),
                degree: n.degree,
                betweenness: format!("{:.1}", n.betweenness_normalized * 100.0),
                cut_vertex: analysis.network.cut_vertices.contains(&n.id),
            })
        })
        .collect();
    rows.sort_by(|a, b| b.degree.cmp(&a.degree).then_with(|| a.name.cmp(&b.name)));
    let isolated = analysis.network.nodes.len() - rows.len();
    render(&NetworkPage {
        chrome: ctx.chrome(ctx.tr.t("network-title"), "organizations"),
        bridges: analysis
            .network
            .bridges
            .iter()
            .map(|e| (name(e.a), name(e.b)))
            .collect(),
        rows,
        isolated,
        groups: &[
            ActorGroup::Government,
            ActorGroup::CivilSociety,
            ActorGroup::International,
            ActorGroup::Academia,
            ActorGroup::PrivateSector,
        ],
    })
}

pub async fn network_svg(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let analysis = app.analysis.current(&app).await?;
    let labels: HashMap<Uuid, NodeLabel> = analysis
        .facts
        .organizations
        .iter()
        .map(|o| {
            let short_name: String = o.name.chars().take(28).collect();
            let group = actor_group(o.kind);
            (o.id, NodeLabel { short_name, group })
        })
        .collect();
    let svg = network_svg::svg(
        &ctx.tr.t("network-title"),
        &analysis.drawn,
        &analysis.placements,
        &labels,
    );
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        svg,
    )
        .into_response())
}

/// One state of the directory map's table.
pub struct StateRow {
    pub key: String,
    pub name: String,
    pub organizations: usize,
    pub services: usize,
}

async fn state_rows(app: &AppState) -> Result<(Vec<StateRow>, Vec<map::Marker>), PageError> {
    let analysis = app.analysis.current(app).await?;
    let states = places::states(app).await?;
    let mut organizations: HashMap<String, usize> = HashMap::new();
    for o in &analysis.facts.organizations {
        if let Some(seat) = &o.seat {
            *organizations.entry(seat.state().to_string()).or_default() += 1;
        }
    }
    let mut services: HashMap<String, usize> = HashMap::new();
    let mut per_municipality: HashMap<&str, usize> = HashMap::new();
    for s in &analysis.facts.services {
        *services
            .entry(s.municipality.state().to_string())
            .or_default() += 1;
        *per_municipality.entry(s.municipality.as_str()).or_default() += 1;
    }
    let rows = states
        .iter()
        .map(|s| StateRow {
            key: s.state.key.to_string(),
            name: s.state.name.clone(),
            organizations: organizations
                .get(s.state.key.as_str())
                .copied()
                .unwrap_or(0),
            services: services.get(s.state.key.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let markers = analysis
        .facts
        .municipalities
        .iter()
        .filter_map(|m| {
            let count = *per_municipality.get(m.cvegeo.as_str())?;
            let seat = m.seat?;
            Some(map::Marker {
                lon: seat.lon,
                lat: seat.lat,
                radius: 2.0 + (count as f64).sqrt() * 1.5,
                label: format!("{}: {count}", m.cvegeo),
            })
        })
        .collect();
    Ok((rows, markers))
}

#[derive(Template)]
#[template(path = "directory_map.html")]
struct MapPage {
    chrome: Chrome,
    rows: Vec<StateRow>,
}

pub async fn directory_map(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Html<String>, PageError> {
    let (rows, _) = state_rows(&app).await?;
    render(&MapPage {
        chrome: ctx.chrome(ctx.tr.t("directory-map-title"), "organizations"),
        rows,
    })
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

pub async fn directory_map_svg(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let (rows, markers) = state_rows(&app).await?;
    let boundaries = places::state_boundaries(&app).await?;
    let regions: Vec<map::Region> = rows
        .iter()
        .filter_map(|row| {
            let (_, geometry) = boundaries.iter().find(|(k, _)| k.as_str() == row.key)?;
            let geometry: serde_json::Value = serde_json::from_str(geometry).ok()?;
            Some(map::Region {
                path: map::path_data(&geometry),
                fill: shade(row.organizations + row.services),
                label: format!("{}: {} / {}", row.name, row.organizations, row.services),
            })
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        map::svg(&ctx.tr.t("directory-map-title"), &regions, &markers),
    )
        .into_response())
}
