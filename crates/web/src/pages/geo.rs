//! States and municipalities.

use super::{Chrome, Ctx, PageError, PageResult, Pager, practices::past_last_page, render};
use crate::{
    AppState,
    app::{directory, legal_framework, places, practices},
    http::ids::Id,
    http::params::{Params, existing_page},
};
use acoge_domain::{
    Cvegeo, StateKey, geo::Municipality, legal::StateLaw, organization::Organization,
    page::PageRequest, taxonomy::MigrationContext,
};
use acoge_store::{
    ContextEntry, ContextScope, MunicipalityFilter, OrganizationFilter, StateOverview,
};
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};

/// Organizations and practices a place page lists; the rest are a link away.
const PLACE_LIST: u32 = 20;

/// A short list on a place page: its first items, how many there are in
/// all, and the address of the whole list.
pub struct Preview<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub href: String,
}

impl<T> Preview<T> {
    pub fn more(&self) -> bool {
        self.total > self.items.len() as u64
    }
}

/// The most recent published practices of a place (their count is kept).
async fn recent_practices(
    app: &AppState,
    filter: acoge_store::PracticeFilter,
    href: String,
) -> Result<Preview<(uuid::Uuid, String)>, PageError> {
    let recent = practices::ListQuery::recent_published(&filter, PageRequest::first(PLACE_LIST));
    let page = practices::practices(app, &recent).await?;
    Ok(Preview {
        items: page
            .items
            .into_iter()
            .map(|p| (p.id, p.content.title))
            .collect(),
        total: page.total,
        href,
    })
}

#[derive(Template)]
#[template(path = "states.html")]
struct StatesPage {
    chrome: Chrome,
    states: Vec<StateOverview>,
}

pub async fn states(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let states = places::states(&state).await?;
    render(&StatesPage {
        chrome: ctx.chrome(ctx.tr.t("states-title"), "states"),
        states,
    })
}

#[derive(Template)]
#[template(path = "state.html")]
struct StatePage {
    chrome: Chrome,
    overview: StateOverview,
    laws: Vec<StateLaw>,
    contexts: Vec<ContextEntry>,
    organizations: Preview<Organization>,
    practices: Preview<(uuid::Uuid, String)>,
    findings: Vec<(acoge_domain::legal::HarmonizationFinding, String)>,
}

pub async fn state(State(app): State<AppState>, ctx: Ctx, Id(key): Id<StateKey>) -> PageResult {
    let overview = places::state(&app, &key)
        .await?
        .ok_or_else(PageError::not_found)?;
    let filter = OrganizationFilter {
        state: Some(key.clone()),
        ..Default::default()
    };
    let principles = legal_framework::harmonization_principles(&app).await?;
    let findings = legal_framework::harmonization_findings(&app, Some(&key))
        .await?
        .into_iter()
        .map(|f| {
            let text = principles
                .iter()
                .find(|p| p.id == f.principle_id)
                .map(|p| ctx.tr.pick(&p.text).to_owned())
                .unwrap_or_default();
            (f, text)
        })
        .collect();
    let organizations =
        directory::organizations(&app, &filter, PageRequest::first(PLACE_LIST)).await?;
    let practice_filter = acoge_store::PracticeFilter {
        state: Some(key.clone()),
        ..Default::default()
    };
    render(&StatePage {
        chrome: ctx.chrome(overview.state.name.clone(), "states"),
        findings,
        laws: legal_framework::state_laws(&app, Some(&key)).await?,
        contexts: places::municipal_contexts(&app, ContextScope::State(&key)).await?,
        organizations: Preview {
            items: organizations.items,
            total: organizations.total,
            href: format!("/organizaciones?estado={key}"),
        },
        practices: recent_practices(&app, practice_filter, format!("/practicas?estado={key}"))
            .await?,
        overview,
    })
}

#[derive(Template)]
#[template(path = "municipalities.html")]
struct MunicipalitiesPage {
    chrome: Chrome,
    states: Vec<StateOverview>,
    contexts: &'static [MigrationContext],
    selected_state: String,
    selected_context: String,
    name: String,
    total: u64,
    items: Vec<Municipality>,
    pager: Pager,
}

pub async fn municipalities(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let params = Params::parse(ctx.raw_query())?;
    let filter = MunicipalityFilter {
        state: params.parse_with("estado", StateKey::parse)?,
        context: params.parse_with("contexto", MigrationContext::parse)?,
        name: params.get("q").map(str::to_owned),
    };
    let page = params.page(50)?;
    let result = places::municipalities(&app, &filter, page).await?;
    let selected_state = filter
        .state
        .as_ref()
        .map(|k| k.to_string())
        .unwrap_or_default();
    let selected_context = filter
        .context
        .map(|c| c.slug().to_owned())
        .unwrap_or_default();
    let name = filter.name.clone().unwrap_or_default();
    let filters = [
        ("estado", selected_state.clone()),
        ("contexto", selected_context.clone()),
        ("q", name.clone()),
    ];
    if let Err(past) = existing_page(page, result.total) {
        return past_last_page(&ctx, "/municipios", &filters, past);
    }
    let pager = Pager::new("/municipios", &filters, page.page, result.page_count(page));
    Ok(render(&MunicipalitiesPage {
        chrome: ctx.chrome(ctx.tr.t("municipalities-title"), "municipalities"),
        states: places::states(&app).await?,
        contexts: MigrationContext::ALL,
        selected_state,
        selected_context,
        name,
        total: result.total,
        items: result.items,
        pager,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "municipality.html")]
struct MunicipalityPage {
    chrome: Chrome,
    municipality: Municipality,
    state_name: String,
    contexts: Vec<ContextEntry>,
    organizations: Preview<Organization>,
    practices: Preview<(uuid::Uuid, String)>,
    coverage: Vec<super::coverage::SectorRow>,
}

/// The municipality an address names, with its state's name; an unknown key
/// is a 404 (a malformed one never gets here: `Id<Cvegeo>`).
pub(super) async fn municipality_and_state(
    app: &AppState,
    cvegeo: Cvegeo,
) -> Result<(Cvegeo, Municipality, String), PageError> {
    let municipality = places::municipality(app, &cvegeo)
        .await?
        .ok_or_else(PageError::not_found)?;
    // Names only: the state's counts are its own page's.
    let state_name = places::state_names(app)
        .await?
        .into_iter()
        .find(|(key, _)| *key == municipality.state_key)
        .map(|(_, name)| name)
        .unwrap_or_default();
    Ok((cvegeo, municipality, state_name))
}

pub async fn municipality(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(key): Id<Cvegeo>,
) -> PageResult {
    let (cvegeo, municipality, state_name) = municipality_and_state(&app, key).await?;
    let filter = OrganizationFilter {
        municipality: Some(cvegeo.clone()),
        ..Default::default()
    };
    let title = ctx.tr.with(
        "municipality-title",
        &[
            ("name", municipality.name.clone().into()),
            ("state", state_name.clone().into()),
        ],
    );
    let practice_filter = acoge_store::PracticeFilter {
        municipality: Some(cvegeo.clone()),
        ..Default::default()
    };
    let practices = recent_practices(
        &app,
        practice_filter,
        format!("/practicas?municipio={cvegeo}"),
    )
    .await?;
    let organizations =
        directory::organizations(&app, &filter, PageRequest::first(PLACE_LIST)).await?;
    render(&MunicipalityPage {
        chrome: ctx.chrome(title, "municipalities"),
        coverage: super::coverage::sector_rows(&app, &cvegeo).await?,
        practices,
        contexts: places::municipal_contexts(&app, ContextScope::Municipality(&cvegeo)).await?,
        organizations: Preview {
            items: organizations.items,
            total: organizations.total,
            // The directory lists by state; search narrows to the municipality.
            href: format!("/buscar?tipo=organization&municipio={cvegeo}"),
        },
        municipality,
        state_name,
    })
}
