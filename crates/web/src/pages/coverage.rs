//! A municipality's sector coverage, its gaps and the partners that could
//! fill them, with the reasons in words; and the small map that locates it.

use super::{Chrome, Ctx, PageError, geo::municipality_and_state, render};
use crate::{
    AppState,
    app::{
        directory::{self, Analysis},
        places,
    },
    http::ids::Id,
    render::{i18n::Tr, map},
};
use acoge_analysis::{CoverageLevel, Reason};
use acoge_domain::{Cvegeo, practice::Sector};
use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use std::collections::HashMap;

/// One sector of the coverage table.
pub struct SectorRow {
    pub sector: Sector,
    /// local, state or none: picks the label and the CSS class.
    pub level: &'static str,
    pub organizations: Vec<(uuid::Uuid, String)>,
    pub services: usize,
}

fn level_slug(level: CoverageLevel) -> &'static str {
    match level {
        CoverageLevel::Local => "local",
        CoverageLevel::State => "state",
        CoverageLevel::None => "none",
    }
}

/// The coverage table of a municipality, for its page; empty while the
/// first analysis after a start is computed (a lookup in the last analysis
/// otherwise, never a computation).
pub async fn sector_rows(app: &AppState, cvegeo: &Cvegeo) -> Result<Vec<SectorRow>, PageError> {
    let Some(analysis) = directory::latest_analysis(app) else {
        return Ok(Vec::new());
    };
    let coverage = analysis.coverage(cvegeo);
    Ok(coverage
        .sectors
        .into_iter()
        .map(|s| SectorRow {
            sector: s.sector,
            level: level_slug(s.level),
            organizations: s
                .organizations
                .iter()
                .map(|id| {
                    let name = analysis.organization_name(*id).unwrap_or_default();
                    (*id, name.to_owned())
                })
                .collect(),
            services: s.services.len(),
        })
        .collect())
}

/// One suggested partner with its reasons in words.
pub struct SuggestionView {
    pub organization: uuid::Uuid,
    pub name: String,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "suggestions.html")]
struct SuggestionsPage {
    chrome: Chrome,
    cvegeo: String,
    name: String,
    gaps: Vec<(Sector, Vec<SuggestionView>)>,
    /// The first analysis after a start is not ready yet.
    computing: bool,
}

/// Names the places and partners a reason mentions.
async fn reason_text(
    app: &AppState,
    analysis: &Analysis,
    tr: Tr,
    reason: &Reason,
    names: &mut HashMap<String, String>,
) -> Result<String, PageError> {
    let mut place = async |key: &str| -> Result<String, PageError> {
        if let Some(name) = names.get(key) {
            return Ok(name.clone());
        }
        let name = match Cvegeo::parse(key) {
            Ok(cvegeo) => places::municipality(app, &cvegeo).await?.map(|m| m.name),
            Err(_) => match acoge_domain::StateKey::parse(key) {
                Ok(state) => places::state(app, &state).await?.map(|s| s.state.name),
                Err(_) => None,
            },
        }
        .unwrap_or_else(|| key.to_owned());
        names.insert(key.to_owned(), name.clone());
        Ok(name)
    };
    Ok(match reason {
        Reason::ActiveInSectorNearby {
            municipality,
            distance_km,
        } => tr.with(
            "suggestion-nearby",
            &[
                ("place", place(municipality.as_str()).await?.into()),
                ("km", format!("{distance_km:.0}").into()),
            ],
        ),
        Reason::ActiveInSectorInState { state } => {
            tr.with_text("suggestion-state", "place", &place(state.as_str()).await?)
        }
        Reason::ActiveInSameContext {
            municipality,
            context,
        } => tr.with(
            "suggestion-context",
            &[
                ("place", place(municipality.as_str()).await?.into()),
                ("context", tr.label(context.message_key()).into()),
            ],
        ),
        Reason::AlliedWithLocalPartner { partner } => {
            let name = analysis.organization_name(*partner).unwrap_or_default();
            tr.with_text("suggestion-ally", "partner", name)
        }
    })
}

pub async fn suggestions(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(key): Id<Cvegeo>,
) -> Result<Response, PageError> {
    let (cvegeo, municipality, _) = municipality_and_state(&app, key).await?;
    let latest = directory::analysis(&app).await?;
    let mut names = HashMap::new();
    let mut gaps = Vec::new();
    let found = latest
        .as_ref()
        .map(|l| directory::gap_suggestions(&l.analysis, &cvegeo))
        .unwrap_or_default();
    for (sector, suggestions) in found {
        let Some(latest) = &latest else { break };
        let mut views = Vec::new();
        for suggestion in suggestions {
            let mut reasons = Vec::new();
            for reason in &suggestion.reasons {
                reasons
                    .push(reason_text(&app, &latest.analysis, ctx.tr, reason, &mut names).await?);
            }
            views.push(SuggestionView {
                organization: suggestion.organization,
                name: suggestion.name,
                reasons,
            });
        }
        gaps.push((sector, views));
    }
    let title = ctx
        .tr
        .with_text("suggestions-title", "name", &municipality.name);
    let page = render(&SuggestionsPage {
        chrome: ctx.chrome(title, "municipalities"),
        cvegeo: cvegeo.to_string(),
        name: municipality.name,
        gaps,
        computing: latest.is_none(),
    })?;
    Ok(super::alliances::analysed(latest.as_ref(), page))
}

/// A small map of Mexico: the municipality's state shaded, a dot at its seat.
pub async fn locator_svg(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(key): Id<Cvegeo>,
) -> Result<Response, PageError> {
    let (cvegeo, municipality, state_name) = municipality_and_state(&app, key).await?;
    let state = cvegeo.state();
    let regions: Vec<map::Region> = places::state_boundaries(&app)
        .await?
        .iter()
        .filter_map(|(key, geometry)| {
            let geometry: serde_json::Value = serde_json::from_str(geometry).ok()?;
            let own = *key == state;
            Some(map::Region {
                path: map::path_data(&geometry),
                fill: if own { "#9cc3e6" } else { "#f0f2f4" },
                hatched: false,
                label: if own {
                    state_name.clone()
                } else {
                    String::new()
                },
            })
        })
        .collect();
    let markers: Vec<map::Marker> = municipality
        .seat
        .iter()
        .map(|seat| map::Marker {
            lon: seat.lon,
            lat: seat.lat,
            radius: 6.0,
            label: municipality.name.clone(),
        })
        .collect();
    let title = ctx
        .tr
        .with_text("municipality-locator", "name", &municipality.name);
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        map::svg(&title, &regions, &markers),
    )
        .into_response())
}
