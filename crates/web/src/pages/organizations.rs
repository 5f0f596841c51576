//! The directory of organizations.

use super::{Chrome, Ctx, PageError, PageResult, Pager, render};
use crate::{AppState, params::Params};
use acoge_domain::{StateKey, organization::Organization};
use acoge_store::{EventSummary, OrganizationFilter, StateOverview};
use askama::Template;
use axum::extract::{Path, State};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "organizations.html")]
struct ListPage {
    chrome: Chrome,
    states: Vec<StateOverview>,
    selected_state: String,
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
    };
    let page = params.page(50)?;
    let result = app.db.organizations(&filter, page).await?;
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
        states: app.db.states().await?,
        selected_state,
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
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let db = &app.db;
    let organization = db
        .organization(id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let seat = match &organization.cvegeo {
        Some(cvegeo) => db
            .municipality(cvegeo)
            .await?
            .map(|m| (m.cvegeo.to_string(), m.name)),
        None => None,
    };
    let state_name = match &organization.state_key {
        Some(key) => db.state(key).await?.map(|s| s.state.name),
        None => None,
    };
    let practice_filter = acoge_store::PracticeFilter {
        organization: Some(id),
        ..Default::default()
    };
    let practices = db
        .practices(
            &practice_filter,
            acoge_store::Visibility::Public,
            None,
            acoge_store::PracticeSort::Recent,
            acoge_domain::page::PageRequest::first(50),
        )
        .await?
        .items
        .into_iter()
        .map(|p| (p.id, p.content.title))
        .collect();
    render(&ShowPage {
        chrome: ctx.chrome(organization.display_name(), "organizations"),
        practices,
        events: db.events_organized_by(id).await?,
        organization,
        seat,
        state_name,
    })
}
