//! The legal framework as reference data: instruments, their provisions, the
//! states' own migrant laws, the COVID-19 measures that changed institutions'
//! roles, and COMAR's yearly asylum figures.

use crate::{
    Provenance, StateKey,
    dates::PartialDate,
    taxonomy::{GovernmentLevel, Right, vocabulary},
};
use serde::Serialize;
use uuid::Uuid;

vocabulary!(
    /// The level an instrument belongs to.
    InstrumentLevel, "instrument-level" {
        International = "internacional",
        Federal = "federal",
        State = "estatal",
        Municipal = "municipal",
    }
);

vocabulary!(
    /// Which authority took a COVID-19 measure.
    MeasureLevel, "measure-level" {
        National = "nacional",
        Federal = "federal",
        Local = "local",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LegalInstrument {
    /// Stable short id, e.g. "ley-migracion".
    pub id: String,
    pub level: InstrumentLevel,
    /// Where it applies, e.g. "MX".
    pub jurisdiction: String,
    pub name: String,
    pub published: Option<PartialDate>,
    pub notes: Option<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provision {
    pub id: Uuid,
    pub instrument_id: String,
    pub article: String,
    pub theme: String,
    pub rights: Vec<Right>,
    /// Levels of government this provision binds.
    pub binds: Vec<GovernmentLevel>,
    pub summary: String,
    /// A provision's source is its instrument's; this flag says whether the
    /// summary itself was checked.
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateLaw {
    pub id: Uuid,
    pub state_key: StateKey,
    pub name: String,
    pub published: Option<PartialDate>,
    pub notes: Option<String>,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CovidMeasure {
    pub id: Uuid,
    pub date: PartialDate,
    pub level: MeasureLevel,
    pub actor: String,
    pub measure: String,
    pub provenance: Provenance,
}

/// Asylum applications received by COMAR in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsylumApplications {
    pub year: i16,
    pub applications: u64,
    /// Where sources disagree, the alternative figures.
    pub notes: Option<String>,
    pub provenance: Provenance,
}
