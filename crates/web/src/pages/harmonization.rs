//! The state harmonization tracker: what each state's law says on the
//! principles of federal law, with article and source, a score over the
//! principles assessed, and a choropleth map.

use super::{Chrome, Ctx, PageResult, render};
use crate::{AppState, map};
use acoge_domain::{
    StateKey,
    legal::{
        HarmonizationFinding, HarmonizationPrinciple, HarmonizationValue, harmonization_score,
    },
};
use acoge_store::{StateOverview, StoreError};
use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};

/// One state's row of the tracker.
pub struct StateRow {
    pub key: StateKey,
    pub name: String,
    pub has_law: bool,
    pub score: Option<f64>,
    /// One cell per principle: the weakest finding, if any (see `harmonization_score`).
    pub cells: Vec<Option<HarmonizationFinding>>,
    /// Every finding of the state, in the data's order.
    pub findings: Vec<HarmonizationFinding>,
}

impl StateRow {
    /// Map colour: grey with a law but no findings, blues by score quartile,
    /// near white without a state law.
    pub fn fill(&self) -> &'static str {
        match (self.has_law, self.score) {
            (false, _) => "#f4f6f7",
            (true, None) => "#bfc5ca",
            (true, Some(s)) if s < 0.25 => "#c6dbef",
            (true, Some(s)) if s < 0.5 => "#6baed6",
            (true, Some(s)) if s < 0.75 => "#2171b5",
            (true, Some(_)) => "#08306b",
        }
    }

    pub fn percent(&self) -> Option<u32> {
        self.score.map(|s| (s * 100.0).round() as u32)
    }
}

/// The tracker's rows, one per state, from the store.
pub async fn rows(
    app: &AppState,
) -> Result<(Vec<HarmonizationPrinciple>, Vec<StateRow>), StoreError> {
    let principles = app.db.harmonization_principles().await?;
    let findings = app.db.harmonization_findings(None).await?;
    let states: Vec<StateOverview> = app.db.states().await?;
    let rows = states
        .into_iter()
        .map(|s| {
            let mine: Vec<&HarmonizationFinding> = findings
                .iter()
                .filter(|f| f.state_key == s.state.key)
                .collect();
            let cells = principles
                .iter()
                .map(|p| {
                    mine.iter()
                        .filter(|f| f.principle_id == p.id)
                        .min_by(|a, b| a.value.points().total_cmp(&b.value.points()))
                        .map(|f| (*f).clone())
                })
                .collect();
            StateRow {
                score: harmonization_score(&mine),
                has_law: s.state_laws > 0,
                key: s.state.key,
                name: s.state.name,
                cells,
                findings: mine.into_iter().cloned().collect(),
            }
        })
        .collect();
    Ok((principles, rows))
}

#[derive(Template)]
#[template(path = "harmonization.html")]
struct TrackerPage {
    chrome: Chrome,
    principles: Vec<HarmonizationPrinciple>,
    rows: Vec<StateRow>,
}

impl TrackerPage {
    fn short(&self, value: &HarmonizationValue) -> String {
        format!("harmonization-short-{}", value.slug())
    }
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let (principles, rows) = rows(&app).await?;
    render(&TrackerPage {
        chrome: ctx.chrome(ctx.tr.t("harmonization-title"), "harmonization"),
        principles,
        rows,
    })
}

/// The choropleth, as an SVG image of its own (the page carries the same numbers in its table).
pub async fn map_svg(State(app): State<AppState>, ctx: Ctx) -> Result<Response, super::PageError> {
    let (_, rows) = rows(&app).await?;
    let boundaries = app.db.state_boundaries().await?;
    let regions: Vec<map::Region> = rows
        .iter()
        .filter_map(|row| {
            let geometry = boundaries.iter().find(|(k, _)| *k == row.key)?;
            let geometry: serde_json::Value = serde_json::from_str(&geometry.1).ok()?;
            let detail = match (row.has_law, row.percent()) {
                (false, _) => ctx.tr.t("harmonization-no-law"),
                (true, None) => ctx.tr.t("no-data"),
                (true, Some(p)) => format!("{p} %"),
            };
            Some(map::Region {
                path: map::path_data(&geometry),
                fill: row.fill(),
                label: format!("{}: {detail}", row.name),
            })
        })
        .collect();
    let svg = map::svg(&ctx.tr.t("harmonization-map-title"), &regions, &[]);
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response())
}
