//! The example practices shipped with Acoge (`data/practicas_ejemplo.json`),
//! written from the reference data and citing its sources. Organizations and
//! provisions are named as the reference files name them; the importer
//! resolves them to ids.

use crate::FormatError;
use acoge_domain::practice::PracticeInput;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const FILE: &str = "practicas_ejemplo.json";
pub const EMBEDDED: &str = include_str!("../../../data/practicas_ejemplo.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalRef {
    pub instrument: String,
    pub article: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamplePractice {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub sections: BTreeMap<String, String>,
    pub municipalities: Vec<String>,
    pub lead_organization: String,
    pub partners: Vec<String>,
    pub levels_of_government: Vec<String>,
    pub rights: Vec<String>,
    pub sectors: Vec<String>,
    pub populations: Vec<String>,
    pub gcm_objectives: Vec<u8>,
    pub covid19: bool,
    pub covid19_how: String,
    pub legal_basis: Vec<LegalRef>,
    pub start_date: String,
    pub end_date: String,
    pub implementation_status: String,
    pub results: String,
    pub resources: String,
    pub evidence: Vec<String>,
    pub contact_organization: String,
}

impl ExamplePractice {
    /// The practice as input, with organizations and provisions already
    /// resolved to ids by `org` and `provision` (names that do not resolve are
    /// kept as given, so validation reports them).
    pub fn to_input(
        &self,
        org: impl Fn(&str) -> Option<String>,
        provision: impl Fn(&LegalRef) -> Option<String>,
    ) -> PracticeInput {
        let resolve = |name: &str| org(name).unwrap_or_else(|| name.to_owned());
        PracticeInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            sections: self.sections.clone(),
            municipalities: self.municipalities.clone(),
            lead_organization: resolve(&self.lead_organization),
            partners: self.partners.iter().map(|p| resolve(p)).collect(),
            proposed_partners: Vec::new(),
            levels_of_government: self.levels_of_government.clone(),
            rights: self.rights.clone(),
            sectors: self.sectors.clone(),
            populations: self.populations.clone(),
            gcm_objectives: self.gcm_objectives.iter().map(u8::to_string).collect(),
            covid19: self.covid19,
            covid19_how: self.covid19_how.clone(),
            legal_basis: self
                .legal_basis
                .iter()
                .map(|r| provision(r).unwrap_or_else(|| format!("{}:{}", r.instrument, r.article)))
                .collect(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            implementation_status: self.implementation_status.clone(),
            results: self.results.clone(),
            resources: self.resources.clone(),
            evidence: self.evidence.clone(),
            contact_organization: match self.contact_organization.trim() {
                "" => String::new(),
                name => resolve(name),
            },
        }
    }
}

pub fn parse(text: &str) -> Result<Vec<ExamplePractice>, FormatError> {
    let examples: Vec<ExamplePractice> = serde_json::from_str(text).map_err(|e| FormatError {
        file: FILE.to_owned(),
        line: e.line() as u64,
        column: None,
        message: e.to_string(),
    })?;
    let mut slugs = std::collections::HashSet::new();
    for (i, example) in examples.iter().enumerate() {
        if example.slug.is_empty() || !slugs.insert(example.slug.clone()) {
            return Err(FormatError {
                file: FILE.to_owned(),
                line: 0,
                column: Some(format!("[{i}].slug")),
                message: "must be present and unique".into(),
            });
        }
    }
    Ok(examples)
}
