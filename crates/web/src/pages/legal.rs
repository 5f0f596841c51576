//! The legal framework as the reference data holds it.

use super::{Chrome, Ctx, PageResult, render};
use crate::AppState;
use acoge_domain::accounts::{Capability, authorize};
use acoge_domain::legal::{AsylumApplications, CovidMeasure, LegalInstrument, Provision, StateLaw};
use askama::Template;
use axum::extract::State;
use std::collections::HashMap;

/// An instrument with its key provisions.
pub struct InstrumentEntry {
    pub instrument: LegalInstrument,
    pub provisions: Vec<Provision>,
}

#[derive(Template)]
#[template(path = "legal.html")]
struct LegalPage {
    chrome: Chrome,
    instruments: Vec<InstrumentEntry>,
    state_laws: Vec<(StateLaw, String)>,
    covid: Vec<CovidMeasure>,
    asylum: Vec<AsylumApplications>,
    moderator: bool,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let db = &app.db;
    let mut provisions_by_instrument: HashMap<String, Vec<Provision>> = HashMap::new();
    for provision in db.provisions().await? {
        provisions_by_instrument
            .entry(provision.instrument_id.clone())
            .or_default()
            .push(provision);
    }
    let instruments = db
        .legal_instruments()
        .await?
        .into_iter()
        .map(|instrument| InstrumentEntry {
            provisions: provisions_by_instrument
                .remove(&instrument.id)
                .unwrap_or_default(),
            instrument,
        })
        .collect();
    let state_names: HashMap<String, String> = db
        .states()
        .await?
        .into_iter()
        .map(|s| (s.state.key.to_string(), s.state.name))
        .collect();
    let state_laws = db
        .state_laws(None)
        .await?
        .into_iter()
        .map(|law| {
            let name = state_names
                .get(law.state_key.as_str())
                .cloned()
                .unwrap_or_default();
            (law, name)
        })
        .collect();
    render(&LegalPage {
        chrome: ctx.chrome(ctx.tr.t("legal-title"), "legal"),
        instruments,
        state_laws,
        covid: db.covid_measures().await?,
        asylum: db.asylum_applications().await?,
        moderator: authorize(ctx.actor(), Capability::Moderate).is_ok(),
    })
}
