//! Alliances: two or more organizations working together. Members declare
//! them; others follow from published practices (the lead and its partners),
//! which the store derives when read rather than copying them.

use crate::{
    dates::PartialDate,
    directory::{Territory, territories, web_address},
    fields::{FieldError, FieldProblem},
    fields::{date, problem, terms, text, vocabulary_terms},
    practice::{Sector, bounds},
    taxonomy::vocabulary,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

vocabulary!(
    /// How the organizations of an alliance are bound to each other.
    AllianceKind, "alliance-kind" {
        FormalAgreement = "convenio",
        JointPractice = "practica_conjunta",
        ReferralNetwork = "red_canalizacion",
    }
);

/// An alliance needs at least this many organizations.
pub const MIN_MEMBERS: usize = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alliance {
    pub id: Uuid,
    pub name: String,
    /// Organization ids, sorted, at least two.
    pub members: Vec<Uuid>,
    pub sectors: Vec<Sector>,
    pub territory: Vec<Territory>,
    pub kind: AllianceKind,
    pub started: Option<PartialDate>,
    pub ended: Option<PartialDate>,
    /// Where the alliance is documented (an http(s) address, or for a
    /// derived alliance the practice's page path).
    pub source: Option<String>,
    /// The member who declared it; `None` for derived alliances.
    pub declared_by: Option<Uuid>,
    /// The published practice it comes from, for derived alliances.
    pub derived_from_practice: Option<Uuid>,
}

/// An alliance as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AllianceInput {
    pub name: String,
    pub members: Vec<String>,
    pub sectors: Vec<String>,
    pub municipalities: Vec<String>,
    pub states: Vec<String>,
    pub kind: String,
    pub started: String,
    pub ended: String,
    pub source: String,
}

impl AllianceInput {
    /// Checks every field and returns all problems at once. The alliance gets
    /// a fresh id and no declarer: the store records who declared it.
    pub fn validate(&self) -> Result<Alliance, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = text("name", &self.name, 200, true, &mut errors);
        let members = terms(
            "members",
            &self.members,
            |v| Uuid::parse_str(v).ok(),
            &mut errors,
        );
        // Counted after deduplication: the same organization twice is one member.
        if members.len() < MIN_MEMBERS && !errors.iter().any(|e| e.field == "members") {
            errors.push(problem("members", FieldProblem::TooFewMembers));
        }
        let sectors = vocabulary_terms("sectors", &self.sectors, &mut errors);
        let territory = territories(&self.municipalities, &self.states, &mut errors);
        let kind = match AllianceKind::parse(&self.kind) {
            Ok(kind) => Some(kind),
            Err(_) if self.kind.trim().is_empty() => {
                errors.push(problem("kind", FieldProblem::Required));
                None
            }
            Err(_) => {
                errors.push(problem("kind", FieldProblem::UnknownTerm));
                None
            }
        };
        let started = date("started", &self.started, &mut errors);
        let ended = date("ended", &self.ended, &mut errors);
        if let (Some(start), Some(end)) = (&started, &ended)
            && bounds(end).1 < bounds(start).0
        {
            errors.push(problem("ended", FieldProblem::DatesOutOfOrder));
        }
        let source = web_address("source", &self.source, &mut errors);
        match (errors.is_empty(), kind) {
            (true, Some(kind)) => Ok(Alliance {
                id: Uuid::now_v7(),
                name,
                members,
                sectors,
                territory,
                kind,
                started,
                ended,
                source,
                declared_by: None,
                derived_from_practice: None,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::field_problems;

    fn input(members: &[Uuid]) -> AllianceInput {
        AllianceInput {
            name: "Red de albergues del Soconusco".into(),
            members: members.iter().map(Uuid::to_string).collect(),
            sectors: vec!["vivienda_albergue".into(), "salud".into()],
            municipalities: vec!["07089".into()],
            states: vec!["07".into()],
            kind: "red_canalizacion".into(),
            started: "2019-03".into(),
            source: "https://ejemplo.org/red".into(),
            ..Default::default()
        }
    }

    fn problems(input: &AllianceInput) -> Vec<(&'static str, FieldProblem)> {
        field_problems(input.validate())
    }

    #[test]
    fn a_good_alliance_validates() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let alliance = input(&[b, a]).validate().unwrap();
        assert_eq!(alliance.members, vec![a, b], "sorted");
        assert_eq!(alliance.kind, AllianceKind::ReferralNetwork);
        assert_eq!(alliance.territory.len(), 2);
        assert_eq!(alliance.declared_by, None);
    }

    #[test]
    fn one_organization_is_not_an_alliance() {
        let a = Uuid::now_v7();
        for members in [vec![a], vec![a, a], vec![]] {
            assert_eq!(
                problems(&input(&members)),
                vec![("members", FieldProblem::TooFewMembers)]
            );
        }
        assert_eq!(
            FieldProblem::TooFewMembers.message_key(),
            "field-too-few-members"
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = AllianceInput {
            name: " ".into(),
            members: vec!["x".into()],
            kind: "amistad".into(),
            started: "2020".into(),
            ended: "2019".into(),
            source: "correo".into(),
            ..input(&[])
        };
        assert_eq!(
            problems(&bad),
            vec![
                ("name", FieldProblem::Required),
                ("members", FieldProblem::UnknownTerm),
                ("kind", FieldProblem::UnknownTerm),
                ("ended", FieldProblem::DatesOutOfOrder),
                ("source", FieldProblem::InvalidUrl),
            ]
        );
    }

    #[test]
    fn kinds_have_spanish_slugs() {
        assert_eq!(
            AllianceKind::ALL
                .iter()
                .map(|k| k.slug())
                .collect::<Vec<_>>(),
            vec!["convenio", "practica_conjunta", "red_canalizacion"]
        );
    }
}
