//! The directory of organizations.

use super::{
    Chrome, Ctx, PageError, PageResult, Pager,
    form::{Choices, FormData, PLACE_SEPARATORS, after_submit, error_keys},
    render,
};
use crate::{
    AppState,
    app::{directory, events, places, practices},
    http::ids::Id,
    http::params::Params,
};
use acoge_domain::{
    StateKey,
    accounts::Capability,
    directory::{DirectoryEntry, DirectoryInput, Territory},
    fields::FieldError,
    organization::Organization,
    practice::Sector,
};
use acoge_store::{
    AllianceRecord, EventSummary, OrganizationFilter, ServiceFilter, ServiceRecord, StateOverview,
};
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Alliances an organization's page names (the others are counted).
const ALLIANCES_SHOWN: usize = 20;

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    chrome: Chrome,
    states: Vec<StateOverview>,
    selected_state: String,
    sectors: &'static [Sector],
    selected_sector: &'static str,
    founders_only: bool,
    total: u64,
    items: Vec<Organization>,
    pager: Pager,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let params = Params::parse(ctx.raw_query())?;
    let filter = OrganizationFilter {
        state: params.parse_with("estado", StateKey::parse)?,
        municipality: None,
        founding_organizer: params.parse_with("organizadoras", |v| match v {
            "1" | "si" | "true" => Ok(true),
            _ => Err("use 1 to show only the founding organizers"),
        })?,
        sector: params.parse_with("sector", Sector::parse)?,
    };
    let selected_sector = filter.sector.map(|s| s.slug()).unwrap_or_default();
    let page = params.page(50)?;
    let result = directory::organizations(&app, &filter, page).await?;
    let selected_state = filter
        .state
        .as_ref()
        .map(|k| k.to_string())
        .unwrap_or_default();
    let founders_only = filter.founding_organizer == Some(true);
    let pager = Pager::new(
        "/organizaciones",
        &[
            ("estado", selected_state.clone()),
            ("sector", selected_sector.to_owned()),
            (
                "organizadoras",
                if founders_only {
                    "1".into()
                } else {
                    String::new()
                },
            ),
        ],
        page.page,
        result.page_count(page),
    );
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("organizations-title"), "organizations"),
        states: places::states(&app).await?,
        selected_state,
        sectors: Sector::ALL,
        selected_sector,
        founders_only,
        total: result.total,
        items: result.items,
        pager,
    })
}

#[derive(Template)]
#[template(path = "organization.html")]
struct ShowPage {
    chrome: Chrome,
    organization: Organization,
    seat: Option<(String, String)>,
    state_name: Option<String>,
    events: Vec<EventSummary>,
    practices: Vec<(Uuid, String)>,
    entry: Option<DirectoryEntry>,
    /// Territories served: (address, name).
    territories: Vec<(String, String)>,
    services: Vec<ServiceRecord>,
    alliances: Vec<AllianceRecord>,
    /// Alliances not listed, when there are more than `ALLIANCES_SHOWN`.
    more_alliances: Option<String>,
    can_edit: bool,
    moderator: bool,
    csrf: String,
}

/// Where each territory's page is, and its name.
async fn territory_names(
    app: &AppState,
    territories: &[Territory],
) -> Result<Vec<(String, String)>, PageError> {
    let names = directory::territory_names(app, territories).await?;
    Ok(territories
        .iter()
        .map(|territory| {
            let (href, key) = match territory {
                Territory::Municipality(cvegeo) => {
                    (format!("/municipios/{cvegeo}"), cvegeo.to_string())
                }
                Territory::State(key) => (format!("/estados/{key}"), key.to_string()),
            };
            let name = names.get(&key).cloned().unwrap_or(key);
            (href, name)
        })
        .collect())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Id(id): Id<Uuid>) -> PageResult {
    let organization = directory::organization(&app, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let seat = match &organization.cvegeo {
        Some(cvegeo) => places::municipality(&app, cvegeo)
            .await?
            .map(|m| (m.cvegeo.to_string(), m.name)),
        None => None,
    };
    let state_name = match &organization.state_key {
        Some(key) => places::state(&app, key).await?.map(|s| s.state.name),
        None => None,
    };
    let practice_filter = acoge_store::PracticeFilter {
        organization: Some(id),
        ..Default::default()
    };
    let recent = practices::ListQuery::recent_published(
        &practice_filter,
        acoge_domain::page::PageRequest::first(50),
    );
    let practices = practices::practices(&app, &recent)
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.content.title))
        .collect();
    let entry = directory::directory_entry(&app, id).await?;
    let territories = match &entry {
        Some(entry) => territory_names(&app, &entry.territories).await?,
        None => Vec::new(),
    };
    let services = directory::services(
        &app,
        &ServiceFilter {
            include_closed: true,
            organization: Some(id),
            ..ServiceFilter::default()
        },
    )
    .await?;
    let (alliance_count, alliances) =
        directory::alliances_of_organization(&app, id, ALLIANCES_SHOWN).await?;
    let moderator = ctx.may(Capability::Moderate);
    let own = ctx.organization() == Some(id);
    let more = alliance_count.saturating_sub(alliances.len() as u64);
    let more_alliances = (more > 0).then(|| ctx.tr.count("organization-more-alliances", more));
    render(&ShowPage {
        entry,
        territories,
        services,
        alliances,
        more_alliances,
        can_edit: moderator || own,
        moderator,
        // The only form here is the moderators' verification.
        csrf: if moderator { ctx.csrf() } else { String::new() },
        chrome: ctx.chrome(organization.display_name(), "organizations"),
        practices,
        events: events::events_organized_by(&app, id).await?,
        organization,
        seat,
        state_name,
    })
}

#[derive(Template)]
#[template(path = "directory_form.html")]
struct EditPage {
    chrome: Chrome,
    csrf: String,
    id: Uuid,
    name: String,
    input: DirectoryInput,
    municipalities_text: String,
    states_text: String,
    sectors: &'static [Sector],
    errors: BTreeMap<&'static str, &'static str>,
}

impl Choices for EditPage {}

async fn edit_page(
    app: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: Option<DirectoryInput>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let member = ctx.require(Capability::Contribute)?;
    let moderator = ctx.may(Capability::Moderate);
    if !moderator && member.organization_id != Some(id) {
        return Err(PageError::forbidden());
    }
    let organization = directory::organization(app, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let input = match input {
        Some(input) => input,
        None => match directory::directory_entry(app, id).await? {
            Some(entry) => DirectoryInput {
                sectors: entry.sectors.iter().map(|s| s.slug().to_owned()).collect(),
                municipalities: entry
                    .territories
                    .iter()
                    .filter_map(|t| match t {
                        Territory::Municipality(m) => Some(m.to_string()),
                        Territory::State(_) => None,
                    })
                    .collect(),
                states: entry
                    .territories
                    .iter()
                    .filter_map(|t| match t {
                        Territory::State(s) => Some(s.to_string()),
                        Territory::Municipality(_) => None,
                    })
                    .collect(),
                website: entry.website.unwrap_or_default(),
                contact: entry.contact.unwrap_or_default(),
                founded: entry.founded.map(|y| y.to_string()).unwrap_or_default(),
            },
            None => DirectoryInput::default(),
        },
    };
    let page = render(&EditPage {
        chrome: ctx.chrome(ctx.tr.t("directory-edit"), "organizations"),
        csrf: ctx.csrf(),
        id,
        name: organization.display_name(),
        municipalities_text: input.municipalities.join(", "),
        states_text: input.states.join(", "),
        input,
        sectors: Sector::ALL,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    edit_page(&app, &ctx, id, None, &[]).await
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let input = DirectoryInput {
        sectors: form.get_all("sectors"),
        municipalities: form.list("municipalities", PLACE_SEPARATORS),
        states: form.list("states", PLACE_SEPARATORS),
        website: form.get("website").to_owned(),
        contact: form.get("contact").to_owned(),
        founded: form.get("founded").to_owned(),
    };
    after_submit(
        directory::edit_entry(&app, ctx.actor(), id, &input).await,
        |()| format!("/organizaciones/{id}"),
        async |errors| edit_page(&app, &ctx, id, Some(input), errors).await,
    )
    .await
}

pub async fn verify(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    directory::verify_entry(&app, ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/organizaciones/{id}")).into_response())
}
