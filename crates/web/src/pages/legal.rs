//! The legal framework as the reference data holds it.

use super::{Chrome, Ctx, PageResult, render};
use crate::{
    AppState,
    app::{legal_framework, places},
};
use acoge_domain::accounts::Capability;
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
    let mut provisions_by_instrument: HashMap<String, Vec<Provision>> = HashMap::new();
    for provision in legal_framework::provisions(&app).await? {
        provisions_by_instrument
            .entry(provision.instrument_id.clone())
            .or_default()
            .push(provision);
    }
    let instruments = legal_framework::legal_instruments(&app)
        .await?
        .into_iter()
        .map(|instrument| InstrumentEntry {
            provisions: provisions_by_instrument
                .remove(&instrument.id)
                .unwrap_or_default(),
            instrument,
        })
        .collect();
    let state_names: HashMap<String, String> = places::states(&app)
        .await?
        .into_iter()
        .map(|s| (s.state.key.to_string(), s.state.name))
        .collect();
    let state_laws = legal_framework::state_laws(&app, None)
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
        covid: legal_framework::covid_measures(&app).await?,
        asylum: legal_framework::asylum_applications(&app).await?,
        moderator: ctx.may(Capability::Moderate),
    })
}
