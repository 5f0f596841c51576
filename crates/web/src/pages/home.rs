//! The home page: key figures, the next events and the municipalities by
//! migration context.

use super::{Chrome, Ctx, PageResult, render};
use crate::{
    AppState,
    app::{events, places},
};
use acoge_domain::{page::PageRequest, taxonomy::MigrationContext};
use acoge_store::{ContextEntry, ContextScope, EventSummary, KeyFigures};
use askama::Template;
use axum::extract::State;
use std::collections::BTreeMap;

/// A migration context and the municipalities (CVEGEO, name) that have it.
pub struct ContextGroup {
    pub context: MigrationContext,
    pub places: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    figures: KeyFigures,
    events: Vec<EventSummary>,
    groups: Vec<ContextGroup>,
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let figures = places::key_figures(&state).await?;
    let events = events::events(&state, PageRequest::first(5)).await?.items;
    let groups = group_by_context(places::municipal_contexts(&state, ContextScope::All).await?);
    render(&Home {
        chrome: ctx.chrome(ctx.tr.t("home-title"), "home"),
        figures,
        events,
        groups,
    })
}

/// Entries arrive sorted by municipality name; grouping keeps that order.
pub fn group_by_context(entries: Vec<ContextEntry>) -> Vec<ContextGroup> {
    let mut by_context: BTreeMap<MigrationContext, Vec<(String, String)>> = BTreeMap::new();
    for entry in entries {
        by_context
            .entry(entry.context.context)
            .or_default()
            .push((entry.context.cvegeo.to_string(), entry.municipality_name));
    }
    by_context
        .into_iter()
        .map(|(context, places)| ContextGroup { context, places })
        .collect()
}
