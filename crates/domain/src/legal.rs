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
    /// The institutions the provision names as responsible (INM, COMAR, a
    /// Procuraduría de Protección...), as a moderator recorded them; empty
    /// until someone has.
    pub institutions: Vec<String>,
    /// The date this text took effect, when recorded (a reform sets it).
    pub in_force_from: Option<PartialDate>,
    /// A source of its own; otherwise the provision's source is its
    /// instrument's.
    pub source: Option<String>,
    /// Whether the summary itself was checked against the source.
    pub verified: bool,
    /// Starts at 1; every correction, reform or verification adds one.
    pub version: i32,
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

vocabulary!(
    /// How a state law treats a principle of federal law.
    HarmonizationValue, "harmonization" {
        Present = "presente",
        Partial = "parcial",
        Absent = "ausente",
        Contradicted = "contradice",
    }
);

/// A principle of federal law that state laws are measured against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarmonizationPrinciple {
    /// Stable short id, e.g. "no_criminalizacion".
    pub id: String,
    pub text: crate::lang::Bilingual,
    /// The federal instrument and article behind it, when there is one.
    pub instrument_id: Option<String>,
    pub article: Option<String>,
    pub verified: bool,
}

/// What one state law says on one principle, with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HarmonizationFinding {
    pub id: Uuid,
    pub state_key: StateKey,
    pub law: String,
    pub principle_id: String,
    pub value: HarmonizationValue,
    /// The article where it was seen, when known.
    pub article: Option<String>,
    pub notes: Option<String>,
    pub provenance: Provenance,
}

impl HarmonizationValue {
    /// Points towards a state's score: present 1, partial ½, otherwise 0.
    pub fn points(self) -> f64 {
        match self {
            HarmonizationValue::Present => 1.0,
            HarmonizationValue::Partial => 0.5,
            HarmonizationValue::Absent | HarmonizationValue::Contradicted => 0.0,
        }
    }
}

/// A state's harmonization: points for each principle assessed over the
/// principles assessed. A principle with no finding is unknown, not absent, so
/// it is not counted. Where several laws of a state speak to the same principle
/// (an old and a new law), the weakest finding counts: an invalidation or a
/// restriction stands until a source shows otherwise.
pub fn harmonization_score(findings: &[&HarmonizationFinding]) -> Option<f64> {
    use std::collections::BTreeMap;
    let mut weakest: BTreeMap<&str, f64> = BTreeMap::new();
    for finding in findings {
        let points = finding.value.points();
        weakest
            .entry(finding.principle_id.as_str())
            .and_modify(|p| *p = p.min(points))
            .or_insert(points);
    }
    if weakest.is_empty() {
        return None;
    }
    Some(weakest.values().sum::<f64>() / weakest.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(principle: &str, value: HarmonizationValue) -> HarmonizationFinding {
        HarmonizationFinding {
            id: Uuid::nil(),
            state_key: StateKey::parse("02").unwrap(),
            law: String::new(),
            principle_id: principle.into(),
            value,
            article: None,
            notes: None,
            provenance: Provenance::default(),
        }
    }

    #[test]
    fn the_score_counts_only_assessed_principles_and_the_weakest_finding() {
        assert_eq!(
            harmonization_score(&[]),
            None,
            "no findings is unknown, not zero"
        );
        let a = finding("a", HarmonizationValue::Present);
        let b = finding("b", HarmonizationValue::Partial);
        assert_eq!(harmonization_score(&[&a, &b]), Some(0.75));
        let a_invalidated = finding("a", HarmonizationValue::Contradicted);
        assert_eq!(harmonization_score(&[&a, &b, &a_invalidated]), Some(0.25));
    }
}
