//! Services in the sense of the Human Services Data Specification (HSDS): what
//! an organization offers, for whom, and where. A service always has a place;
//! "service at location" is folded into `ServiceLocation` because each of our
//! services is offered at one place.

use crate::{
    Cvegeo,
    dates::PartialDate,
    fields::{FieldError, FieldProblem},
    fields::{date, problem, terms, text, vocabulary_term_or, vocabulary_terms, web_addresses},
    geo::Coordinates,
    practice::{Population, Sector},
    provenance::Provenance,
    taxonomy::vocabulary,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

vocabulary!(
    /// Whether people pay for a service.
    ServiceCost, "cost" {
        Free = "gratuito",
        Paid = "con_costo",
        Unknown = "sin_dato",
    }
);

/// Where a service is offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceLocation {
    pub cvegeo: Cvegeo,
    /// An organizational address (never a person's).
    pub address: Option<String>,
    pub coordinates: Option<Coordinates>,
}

/// Whether a service still runs; a closure keeps its note (when and why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "note", rename_all = "snake_case")]
pub enum ServiceStatus {
    Active,
    Closed(String),
}

impl ServiceStatus {
    /// The stored word: "activo" or "cerrado".
    pub fn slug(&self) -> &'static str {
        match self {
            ServiceStatus::Active => "activo",
            ServiceStatus::Closed(_) => "cerrado",
        }
    }

    pub fn note(&self) -> Option<&str> {
        match self {
            ServiceStatus::Active => None,
            ServiceStatus::Closed(note) => Some(note),
        }
    }

    /// Reads the stored form back.
    pub fn from_parts(slug: &str, note: Option<String>) -> Option<Self> {
        match slug {
            "activo" => Some(ServiceStatus::Active),
            "cerrado" => Some(ServiceStatus::Closed(note.unwrap_or_default())),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    pub sectors: Vec<Sector>,
    pub populations: Vec<Population>,
    /// Who may use it, in words (e.g. "mujeres con hijas e hijos").
    pub eligibility: String,
    /// Languages it is offered in, as lower-case ISO 639 codes ("es", "ht").
    pub languages: Vec<String>,
    pub cost: ServiceCost,
    pub hours: String,
    pub how_to_access: String,
    /// Places where the service has a fixed number (shelter beds).
    pub capacity: Option<u32>,
    pub location: ServiceLocation,
    pub status: ServiceStatus,
    /// When someone last confirmed the service runs as described.
    pub last_verified: Option<PartialDate>,
    pub provenance: Provenance,
}

/// A service as a form or the API sends it: text everywhere.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceInput {
    pub organization_id: String,
    pub name: String,
    pub description: String,
    pub sectors: Vec<String>,
    pub populations: Vec<String>,
    pub eligibility: String,
    pub languages: Vec<String>,
    pub cost: String,
    pub hours: String,
    pub how_to_access: String,
    pub capacity: String,
    pub cvegeo: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    /// "cerrado" closes the service; `closure_note` then says when and why.
    pub status: String,
    pub closure_note: String,
    pub last_verified: String,
    pub sources: Vec<String>,
    pub verified: bool,
}

/// ISO 639-1 or 639-3: two or three lower-case letters.
fn language(value: &str) -> Option<String> {
    let value = value.trim().to_lowercase();
    ((2..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_lowercase()))
        .then_some(value)
}

fn coordinates(
    latitude: &str,
    longitude: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Coordinates> {
    match (latitude.trim(), longitude.trim()) {
        ("", "") => None,
        (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
            (Ok(lat), Ok(lon)) => Coordinates::in_mexico(lat, lon)
                .map_err(|_| errors.push(problem("coordinates", FieldProblem::OutsideMexico)))
                .ok(),
            _ => {
                errors.push(problem("coordinates", FieldProblem::Required));
                None
            }
        },
    }
}

impl ServiceInput {
    /// Checks every field and returns all problems at once. The service gets
    /// a fresh id; the store keeps an existing one when it updates.
    pub fn validate(&self) -> Result<Service, Vec<FieldError>> {
        let mut errors = Vec::new();
        let organization_id = match Uuid::parse_str(self.organization_id.trim()) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(problem(
                    "organization_id",
                    FieldProblem::UnknownOrganization,
                ));
                None
            }
        };
        let name = text("name", &self.name, 200, true, &mut errors);
        let description = text("description", &self.description, 4000, false, &mut errors);
        let sectors = vocabulary_terms("sectors", &self.sectors, &mut errors);
        let populations = vocabulary_terms("populations", &self.populations, &mut errors);
        let eligibility = text("eligibility", &self.eligibility, 2000, false, &mut errors);
        let languages = terms("languages", &self.languages, language, &mut errors);
        let cost = vocabulary_term_or("cost", &self.cost, ServiceCost::Unknown, &mut errors);
        let hours = text("hours", &self.hours, 500, false, &mut errors);
        let how_to_access = text(
            "how_to_access",
            &self.how_to_access,
            2000,
            false,
            &mut errors,
        );
        let capacity = match self.capacity.trim() {
            "" => None,
            value => value
                .parse::<u32>()
                .map_err(|_| {
                    errors.push(problem("capacity", FieldProblem::UnknownTerm));
                })
                .ok(),
        };
        let cvegeo = match self.cvegeo.trim() {
            "" => {
                errors.push(problem("location", FieldProblem::NoLocation));
                None
            }
            value => Cvegeo::parse(value)
                .map_err(|_| errors.push(problem("location", FieldProblem::UnknownMunicipality)))
                .ok(),
        };
        let address = text("address", &self.address, 500, false, &mut errors);
        let coordinates = coordinates(&self.latitude, &self.longitude, &mut errors);
        let closure_note = text("closure_note", &self.closure_note, 2000, false, &mut errors);
        let status = match self.status.trim() {
            "" | "activo" => ServiceStatus::Active,
            "cerrado" if closure_note.is_empty() => {
                errors.push(problem("closure_note", FieldProblem::Required));
                ServiceStatus::Active
            }
            "cerrado" => ServiceStatus::Closed(closure_note),
            _ => {
                errors.push(problem("status", FieldProblem::UnknownTerm));
                ServiceStatus::Active
            }
        };
        let last_verified = date("last_verified", &self.last_verified, &mut errors);
        let sources = web_addresses("sources", &self.sources, &mut errors);
        match (errors.is_empty(), organization_id, cvegeo) {
            (true, Some(organization_id), Some(cvegeo)) => Ok(Service {
                id: Uuid::now_v7(),
                organization_id,
                name,
                description,
                sectors,
                populations,
                eligibility,
                languages,
                cost,
                hours,
                how_to_access,
                capacity,
                location: ServiceLocation {
                    cvegeo,
                    address: (!address.is_empty()).then_some(address),
                    coordinates,
                },
                status,
                last_verified,
                provenance: Provenance {
                    sources,
                    verified: self.verified,
                },
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::field_problems;

    fn input() -> ServiceInput {
        ServiceInput {
            organization_id: Uuid::nil().to_string(),
            name: "Alojamiento".into(),
            sectors: vec!["vivienda_albergue".into()],
            populations: vec!["transito".into(), "mujeres".into()],
            languages: vec!["es".into(), "HT".into()],
            cost: "gratuito".into(),
            capacity: "45".into(),
            cvegeo: "02004".into(),
            latitude: "32.53".into(),
            longitude: "-117.04".into(),
            last_verified: "2024-04".into(),
            sources: vec!["https://ejemplo.org".into()],
            verified: true,
            ..Default::default()
        }
    }

    fn problems(input: &ServiceInput) -> Vec<(&'static str, FieldProblem)> {
        field_problems(input.validate())
    }

    #[test]
    fn a_good_service_validates() {
        let service = input().validate().unwrap();
        assert_eq!(service.capacity, Some(45));
        assert_eq!(service.languages, vec!["es", "ht"]);
        assert_eq!(service.cost, ServiceCost::Free);
        assert_eq!(service.status, ServiceStatus::Active);
        assert_eq!(service.location.cvegeo.as_str(), "02004");
    }

    #[test]
    fn a_service_without_location_is_refused() {
        let no_place = ServiceInput {
            cvegeo: " ".into(),
            ..input()
        };
        assert_eq!(
            problems(&no_place),
            vec![("location", FieldProblem::NoLocation)]
        );
    }

    #[test]
    fn coordinates_outside_mexico_are_refused() {
        let madrid = ServiceInput {
            latitude: "40.4".into(),
            longitude: "-3.7".into(),
            ..input()
        };
        assert_eq!(
            problems(&madrid),
            vec![("coordinates", FieldProblem::OutsideMexico)]
        );
        assert_eq!(
            FieldProblem::OutsideMexico.message_key(),
            "field-outside-mexico"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = ServiceInput {
            organization_id: "x".into(),
            name: String::new(),
            sectors: vec!["magia".into()],
            cost: "barato".into(),
            capacity: "-3".into(),
            status: "cerrado".into(),
            last_verified: "ayer".into(),
            sources: vec!["javascript:x".into()],
            ..input()
        };
        assert_eq!(
            problems(&bad),
            vec![
                ("organization_id", FieldProblem::UnknownOrganization),
                ("name", FieldProblem::Required),
                ("sectors", FieldProblem::UnknownTerm),
                ("cost", FieldProblem::UnknownTerm),
                ("capacity", FieldProblem::UnknownTerm),
                ("closure_note", FieldProblem::Required),
                ("last_verified", FieldProblem::InvalidDate),
                ("sources", FieldProblem::InvalidUrl),
            ]
        );
    }

    #[test]
    fn a_closure_keeps_its_note() {
        let closed = ServiceInput {
            status: "cerrado".into(),
            closure_note: "Cerró en mayo de 2025 por recortes".into(),
            ..input()
        }
        .validate()
        .unwrap();
        assert_eq!(closed.status.slug(), "cerrado");
        assert_eq!(
            closed.status.note(),
            Some("Cerró en mayo de 2025 por recortes")
        );
        assert_eq!(
            ServiceStatus::from_parts("cerrado", Some("x".into())),
            Some(ServiceStatus::Closed("x".into()))
        );
    }
}
