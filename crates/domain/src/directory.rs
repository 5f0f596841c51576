//! The directory side of an organization: the sectors it works in, where it
//! works, how to reach it, and whether a moderator checked the entry. Kept
//! apart from `Organization` so the reference records and their constructors
//! stay as they are.
//!
//! Contact details are the organization's own (an office phone, a general
//! address). Acoge stores no personal data about migrants.

use crate::{
    Cvegeo, StateKey, Timestamp,
    fields::{FieldError, FieldProblem},
    fields::{problem, terms, text, vocabulary_terms},
    geo::fold_name,
    organization::Organization,
    practice::Sector,
    provenance::is_web_address,
    service::Service,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A place an organization serves or an alliance works in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Territory {
    Municipality(Cvegeo),
    /// The whole state, not each of its municipalities.
    State(StateKey),
}

impl Territory {
    /// The stored form: a five-digit CVEGEO or a two-digit state key.
    pub fn key(&self) -> &str {
        match self {
            Territory::Municipality(cvegeo) => cvegeo.as_str(),
            Territory::State(state) => state.as_str(),
        }
    }

    /// Reads the stored form back.
    pub fn parse(key: &str) -> Option<Self> {
        match key.len() {
            5 => Cvegeo::parse(key).ok().map(Territory::Municipality),
            2 => StateKey::parse(key).ok().map(Territory::State),
            _ => None,
        }
    }
}

/// Directory facts about one organization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub sectors: Vec<Sector>,
    pub territories: Vec<Territory>,
    pub website: Option<String>,
    /// The organization's own contact (office phone, general email).
    pub contact: Option<String>,
    /// Year it was founded (or began this work), when the source says.
    pub founded: Option<i16>,
    /// When a moderator last checked the entry, and who.
    pub verified_at: Option<Timestamp>,
    pub verified_by: Option<Uuid>,
}

/// What a member sends to edit their organization's directory entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DirectoryInput {
    pub sectors: Vec<String>,
    pub municipalities: Vec<String>,
    pub states: Vec<String>,
    pub website: String,
    pub contact: String,
    pub founded: String,
}

/// A validated edit: everything but the moderator's verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryEdit {
    pub sectors: Vec<Sector>,
    pub territories: Vec<Territory>,
    pub website: Option<String>,
    pub contact: Option<String>,
    pub founded: Option<i16>,
}

/// Parses municipalities and states into territories (sorted, deduplicated).
pub(crate) fn territories(
    municipalities: &[String],
    states: &[String],
    errors: &mut Vec<FieldError>,
) -> Vec<Territory> {
    let mut out: Vec<Territory> = terms(
        "municipalities",
        municipalities,
        |v| Cvegeo::parse(v).ok(),
        errors,
    )
    .into_iter()
    .map(Territory::Municipality)
    .collect();
    out.extend(
        terms("states", states, |v| StateKey::parse(v).ok(), errors)
            .into_iter()
            .map(Territory::State),
    );
    out.sort();
    out.dedup();
    out
}

/// An optional http(s) address.
pub(crate) fn web_address(
    field: &'static str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match value.trim() {
        "" => None,
        value if is_web_address(value) && value.chars().count() <= 500 => Some(value.to_owned()),
        _ => {
            errors.push(problem(field, FieldProblem::InvalidUrl));
            None
        }
    }
}

/// A founding year: four digits, not before 1500 (older ones are typos).
pub fn parse_founded(value: &str) -> Option<i16> {
    let value = value.trim();
    (value.len() == 4)
        .then(|| value.parse::<i16>().ok())
        .flatten()
        .filter(|year| *year >= 1500)
}

impl DirectoryInput {
    pub fn validate(&self) -> Result<DirectoryEdit, Vec<FieldError>> {
        let mut errors = Vec::new();
        let sectors = vocabulary_terms("sectors", &self.sectors, &mut errors);
        let territories = territories(&self.municipalities, &self.states, &mut errors);
        let website = web_address("website", &self.website, &mut errors);
        let contact = text("contact", &self.contact, 500, false, &mut errors);
        let founded = match self.founded.trim() {
            "" => None,
            value => parse_founded(value).or_else(|| {
                errors.push(problem("founded", FieldProblem::InvalidDate));
                None
            }),
        };
        if errors.is_empty() {
            Ok(DirectoryEdit {
                sectors,
                territories,
                website,
                contact: (!contact.is_empty()).then_some(contact),
                founded,
            })
        } else {
            Err(errors)
        }
    }
}

/// Two organizations may not share a name in the same place: the name folded
/// (accents and case ignored, spaces trimmed) and the municipality, else the
/// state, else nowhere (national). The store keeps the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey {
    pub name_folded: String,
    pub place: String,
}

impl NameKey {
    pub fn new(name: &str, cvegeo: Option<&Cvegeo>, state: Option<&StateKey>) -> Self {
        let place = match (cvegeo, state) {
            (Some(cvegeo), _) => cvegeo.as_str().to_owned(),
            (None, Some(state)) => state.as_str().to_owned(),
            (None, None) => String::new(),
        };
        Self {
            name_folded: fold_name(name.trim()),
            place,
        }
    }

    pub fn of(organization: &Organization) -> Self {
        Self::new(
            &organization.name,
            organization.cvegeo.as_ref(),
            organization.state_key.as_ref(),
        )
    }
}

/// Refuses a second organization with the same `NameKey`: the error names the
/// field, and the indexes of both entries let an importer point at lines.
pub fn check_unique_names<'a>(
    organizations: impl IntoIterator<Item = &'a Organization>,
) -> Result<(), (usize, usize, FieldError)> {
    let mut seen = std::collections::HashMap::new();
    for (index, organization) in organizations.into_iter().enumerate() {
        if let Some(first) = seen.insert(NameKey::of(organization), index) {
            return Err((first, index, problem("name", FieldProblem::DuplicateName)));
        }
    }
    Ok(())
}

/// One organization of an imported directory, with its services.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryRecord {
    pub organization: Organization,
    pub entry: DirectoryEntry,
    /// Each with `organization_id` equal to `organization.id`; the store
    /// replaces both with the stored organization's id.
    pub services: Vec<Service>,
    /// Why a listed service was not recorded as a located service (e.g. the
    /// source gives only the state), for the import report.
    pub notes: Vec<String>,
}

/// A directory data set, validated and cross-checked, ready to store.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DirectoryData {
    pub records: Vec<DirectoryRecord>,
}

impl DirectoryData {
    pub fn service_count(&self) -> usize {
        self.records.iter().map(|r| r.services.len()).sum()
    }

    pub fn record_count(&self) -> u64 {
        (self.records.len() + self.service_count()) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Provenance,
        organization::{OrganizationKind, Scope},
    };

    fn org(name: &str, cvegeo: Option<&str>) -> Organization {
        let cvegeo = cvegeo.map(|c| Cvegeo::parse(c).unwrap());
        Organization {
            id: Uuid::nil(),
            name: name.into(),
            acronym: None,
            kind: OrganizationKind::Shelter,
            scope: Scope::Local,
            state_key: cvegeo.as_ref().map(Cvegeo::state),
            cvegeo,
            founding_organizer: false,
            description: String::new(),
            provenance: Provenance::default(),
        }
    }

    #[test]
    fn a_name_repeats_only_in_another_place() {
        let ok = [
            org("Casa del Migrante", Some("02004")),
            org("Casa del Migrante", Some("07089")),
            org("Casa del Migrante", None),
        ];
        assert!(check_unique_names(&ok).is_ok());
        let twice = [
            org("Casa del Migrante", Some("02004")),
            org("Espacio", Some("02004")),
            org(" casa del MIGRANTE ", Some("02004")),
        ];
        let (first, second, error) = check_unique_names(&twice).unwrap_err();
        assert_eq!((first, second), (0, 2));
        assert_eq!(error.field, "name");
        assert_eq!(error.problem, FieldProblem::DuplicateName);
        assert_eq!(error.problem.message_key(), "field-duplicate-name");
    }

    #[test]
    fn directory_input_reports_every_problem() {
        let input = DirectoryInput {
            sectors: vec!["salud".into(), "magia".into()],
            municipalities: vec!["7089".into()],
            states: vec!["07".into()],
            website: "ftp://x".into(),
            contact: "x".repeat(501),
            founded: "87".into(),
        };
        let fields: Vec<_> = input
            .validate()
            .unwrap_err()
            .iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("sectors", FieldProblem::UnknownTerm),
                ("municipalities", FieldProblem::UnknownTerm),
                ("website", FieldProblem::InvalidUrl),
                ("contact", FieldProblem::TooLong),
                ("founded", FieldProblem::InvalidDate),
            ]
        );
        let good = DirectoryInput {
            sectors: vec!["salud".into()],
            municipalities: vec!["07089".into()],
            states: vec!["02".into()],
            website: "https://ejemplo.org".into(),
            contact: "Oficina: 962 000 0000".into(),
            founded: "1987".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(good.territories.len(), 2);
        assert_eq!(good.founded, Some(1987));
    }

    #[test]
    fn territories_round_trip_their_keys() {
        for key in ["07089", "09"] {
            assert_eq!(Territory::parse(key).unwrap().key(), key);
        }
        assert!(Territory::parse("7").is_none());
    }
}
