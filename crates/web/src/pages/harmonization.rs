//! The state harmonization tracker: what each state's law says on the
//! principles of federal law, with article and source, a score over the
//! principles assessed, and a choropleth map.

use super::{Chrome, Ctx, PageError, PageResult, render};
use crate::{
    AppState,
    app::{
        legal_framework::{self, Harmonization, StateRow},
        places,
    },
    render::map,
};
use acoge_domain::legal::HarmonizationValue;
use askama::Template;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// Map colour: grey with a law but no findings, blues by score quartile,
/// near white without a state law.
fn fill(row: &StateRow) -> &'static str {
    match (row.has_law, row.score) {
        (false, _) => "#f4f6f7",
        (true, None) => "#bfc5ca",
        (true, Some(s)) if s < 0.25 => "#c6dbef",
        (true, Some(s)) if s < 0.5 => "#6baed6",
        (true, Some(s)) if s < 0.75 => "#2171b5",
        (true, Some(_)) => "#08306b",
    }
}

#[derive(Template)]
#[template(path = "harmonization.html")]
struct TrackerPage {
    chrome: Chrome,
    tracker: Arc<Harmonization>,
}

impl TrackerPage {
    fn short(&self, value: &HarmonizationValue) -> String {
        format!("harmonization-short-{}", value.slug())
    }
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    render(&TrackerPage {
        chrome: ctx.chrome(ctx.tr.t("harmonization-title"), "harmonization"),
        tracker: legal_framework::harmonization(&app).await?,
    })
}

/// The choropleth, as an SVG image of its own (the page carries the same numbers in its table).
pub async fn map_svg(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let tracker = legal_framework::harmonization(&app).await?;
    let boundaries = places::state_boundaries(&app).await?;
    let regions: Vec<map::Region> = tracker
        .rows
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
                fill: fill(row),
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
