//! Organizations of the field: governments, shelters, legal aid, networks,
//! international agencies.

use crate::{Cvegeo, Provenance, StateKey, taxonomy::vocabulary};
use serde::Serialize;
use uuid::Uuid;

vocabulary!(
    /// What kind of organization it is.
    OrganizationKind, "org-kind" {
        FederalGovernment = "gobierno_federal",
        StateGovernment = "gobierno_estatal",
        MunicipalGovernment = "gobierno_municipal",
        AutonomousBody = "organismo_autonomo",
        InternationalOrganization = "organismo_internacional",
        InternationalNgo = "ong_internacional",
        InternationalCooperation = "cooperacion_internacional",
        Foundation = "fundacion",
        CivilSocietyNetwork = "red_sociedad_civil",
        HumanRightsDefence = "defensa_derechos_humanos",
        LegalAid = "asesoria_juridica",
        Shelter = "albergue",
        Academia = "academia",
        PrivateSector = "sector_privado",
        FaithBased = "organizacion_religiosa",
    }
);

vocabulary!(
    /// How far an organization's work reaches.
    Scope, "scope" {
        Local = "local",
        National = "nacional",
        Regional = "regional",
        Global = "global",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: OrganizationKind,
    pub scope: Scope,
    /// State of its seat, when known.
    pub state_key: Option<StateKey>,
    /// Municipality of its seat, when known.
    pub cvegeo: Option<Cvegeo>,
    /// One of the eight organizers of the founding webinar of 10 November 2020.
    pub founding_organizer: bool,
    pub description: String,
    pub provenance: Provenance,
}

impl Organization {
    /// "Name (ACRONYM)" when there is an acronym.
    pub fn display_name(&self) -> String {
        match &self.acronym {
            Some(acronym) if !self.name.contains(acronym.as_str()) => {
                format!("{} ({acronym})", self.name)
            }
            _ => self.name.clone(),
        }
    }
}
