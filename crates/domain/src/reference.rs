//! The reference data set Acoge ships with, as validated domain values.

use crate::{
    StateKey,
    event::EventRecord,
    geo::{MunicipalContext, Municipality, State},
    legal::{
        AsylumApplications, CovidMeasure, HarmonizationFinding, HarmonizationPrinciple,
        LegalInstrument, Provision, StateLaw,
    },
    organization::Organization,
};

/// Everything `acoge import reference` loads, checked for consistency as a whole.
/// Ids in it are fresh; the store keeps existing ids for records it already has
/// (matched by their natural keys), so importing twice changes nothing.
#[derive(Debug, Clone, Default)]
pub struct ReferenceData {
    pub states: Vec<State>,
    /// GeoJSON geometry (Polygon or MultiPolygon) of each state, as JSON text.
    pub boundaries: Vec<(StateKey, String)>,
    pub municipalities: Vec<Municipality>,
    pub contexts: Vec<MunicipalContext>,
    pub organizations: Vec<Organization>,
    pub instruments: Vec<LegalInstrument>,
    pub provisions: Vec<Provision>,
    pub state_laws: Vec<StateLaw>,
    pub covid_measures: Vec<CovidMeasure>,
    pub asylum_applications: Vec<AsylumApplications>,
    pub events: Vec<EventRecord>,
    pub principles: Vec<HarmonizationPrinciple>,
    pub findings: Vec<HarmonizationFinding>,
}

impl ReferenceData {
    /// Number of records, for progress reporting.
    pub fn record_count(&self) -> u64 {
        [
            self.states.len(),
            self.boundaries.len(),
            self.municipalities.len(),
            self.contexts.len(),
            self.organizations.len(),
            self.instruments.len(),
            self.provisions.len(),
            self.state_laws.len(),
            self.covid_measures.len(),
            self.asylum_applications.len(),
            self.events.len(),
            self.principles.len(),
            self.findings.len(),
        ]
        .iter()
        .map(|n| *n as u64)
        .sum()
    }
}
