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
    render::{i18n::Tr, map},
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
/// near white without a state law (striped on top when little is known).
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
    /// Row positions, most known first (`by_what_is_known`).
    order: Vec<usize>,
}

impl TrackerPage {
    fn short(&self, value: &HarmonizationValue) -> String {
        format!("harmonization-short-{}", value.slug())
    }

    fn rows(&self) -> impl Iterator<Item = &StateRow> {
        self.order.iter().filter_map(|i| self.tracker.rows.get(*i))
    }

    /// "100 % · 1 de 10 evaluados".
    fn score(&self, row: &StateRow) -> String {
        score_text(&self.chrome.tr, row)
    }
}

fn score_text(tr: &Tr, row: &StateRow) -> String {
    let evaluated = tr.count_with(
        "harmonization-evaluated",
        row.evaluated,
        &[("total", tr.number(row.cells.len() as u64).into())],
    );
    match (row.has_law, row.percent()) {
        (false, _) => tr.t("harmonization-no-law"),
        (true, None) => tr.t("no-data"),
        (true, Some(p)) => format!("{p} % · {evaluated}"),
    }
}

/// States with more principles evaluated first, then by score, then by
/// name: a score over one principle does not lead the table.
fn by_what_is_known(rows: &[StateRow]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|a, b| {
        let (a, b) = (&rows[*a], &rows[*b]);
        b.evaluated
            .cmp(&a.evaluated)
            .then(b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)))
            .then_with(|| a.name.cmp(&b.name))
    });
    order
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let tracker = legal_framework::harmonization(&app).await?;
    render(&TrackerPage {
        chrome: ctx.chrome(ctx.tr.t("harmonization-title"), "harmonization"),
        order: by_what_is_known(&tracker.rows),
        tracker,
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
            Some(map::Region {
                path: map::path_data(&geometry),
                fill: fill(row),
                hatched: row.has_law && row.score.is_some() && row.little_known(),
                label: format!("{}: {}", row.name, score_text(&ctx.tr, row)),
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
