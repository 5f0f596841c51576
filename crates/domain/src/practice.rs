//! Good practices: the record (UN-Habitat's narrative sections, the Migration
//! Network Hub's criteria, and what neither links: legal basis, levels of
//! government, allied organizations), its validation, and the review workflow.

use crate::{
    Cvegeo,
    accounts::{Actor, Capability, Denied, authorize},
    dates::PartialDate,
    fields::{
        FieldError, FieldProblem, date, problem, require_any, terms, text, vocabulary_term_or,
        vocabulary_terms, web_addresses,
    },
    taxonomy::{GovernmentLevel, Right, vocabulary},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

vocabulary!(
    PracticeStatus, "practice-status" {
        Draft = "borrador",
        Submitted = "enviada",
        InReview = "en_revision",
        Published = "publicada",
        ChangesRequested = "cambios_solicitados",
        Rejected = "rechazada",
    }
);

vocabulary!(
    Sector, "sector" {
        Health = "salud",
        HousingShelter = "vivienda_albergue",
        Education = "educacion",
        Employment = "empleo",
        LegalAid = "asesoria_juridica",
        ChildProtection = "proteccion_infancia",
        GenderViolence = "violencia_genero",
        Food = "alimentacion",
        MentalHealth = "salud_mental",
        IntegrationCulture = "integracion_cultura",
        Others = "otros",
    }
);

vocabulary!(
    Population, "population" {
        InTransit = "transito",
        AsylumSeekers = "solicitantes_asilo",
        Refugees = "refugiados",
        Returnees = "retornados",
        InternallyDisplaced = "desplazados_internos",
        UnaccompaniedChildren = "nna_no_acompanados",
        Women = "mujeres",
        Lgbti = "lgbti",
        Indigenous = "indigenas",
    }
);

vocabulary!(
    ImplementationStatus, "implementation" {
        Ongoing = "en_curso",
        Completed = "concluida",
        Suspended = "suspendida",
        Unknown = "sin_dato",
    }
);

vocabulary!(
    /// UN-Habitat's best-practice narrative, in order.
    Section, "section" {
        SituationBefore = "situacion_previa",
        Priorities = "prioridades",
        ObjectivesStrategies = "objetivos_estrategias",
        Resources = "recursos",
        Process = "proceso",
        Results = "resultados",
        Sustainability = "sostenibilidad",
        Lessons = "lecciones",
        Transferability = "transferibilidad",
    }
);

vocabulary!(
    ReviewDecision, "decision" {
        Approve = "aprobar",
        RequestChanges = "pedir_cambios",
        Reject = "rechazar",
    }
);

vocabulary!(
    /// The published criteria reviewers check (Migration Network Hub, plus sourcing).
    Criterion, "criterion" {
        GcmObjective = "objetivo_pacto",
        GuidingPrinciples = "principios_rectores",
        AfterDecember2018 = "posterior_2018",
        MostlyCompleted = "concluida",
        InnovativeReplicable = "innovadora_replicable",
        Sourced = "fuentes",
    }
);

/// A summary is at most this many words (UN-Habitat template).
pub const SUMMARY_MAX_WORDS: usize = 250;
/// Reviews from other organizations needed to publish.
pub const DEFAULT_REQUIRED_APPROVALS: u32 = 2;

/// A partner: an organization of the directory, or one proposed by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Partner {
    Existing(Uuid),
    Proposed(String),
}

/// A practice as typed in a form or sent to the API: text everywhere, nothing checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PracticeInput {
    pub title: String,
    pub summary: String,
    pub sections: BTreeMap<String, String>,
    pub municipalities: Vec<String>,
    pub lead_organization: String,
    pub partners: Vec<String>,
    pub proposed_partners: Vec<String>,
    pub levels_of_government: Vec<String>,
    pub rights: Vec<String>,
    pub sectors: Vec<String>,
    pub populations: Vec<String>,
    pub gcm_objectives: Vec<String>,
    pub covid19: bool,
    pub covid19_how: String,
    pub legal_basis: Vec<String>,
    pub start_date: String,
    pub end_date: String,
    pub implementation_status: String,
    pub results: String,
    pub resources: String,
    pub evidence: Vec<String>,
    pub contact_organization: String,
}

/// A practice's content, every field valid on its own. References (that a
/// municipality, organization or provision exists) are checked against the
/// store by the caller, which adds its errors to the same list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeContent {
    pub title: String,
    pub summary: String,
    pub sections: BTreeMap<Section, String>,
    pub municipalities: Vec<Cvegeo>,
    pub lead_organization: Uuid,
    pub partners: Vec<Partner>,
    pub levels_of_government: Vec<GovernmentLevel>,
    pub rights: Vec<Right>,
    pub sectors: Vec<Sector>,
    pub populations: Vec<Population>,
    pub gcm_objectives: Vec<u8>,
    pub covid19: bool,
    pub covid19_how: String,
    pub legal_basis: Vec<Uuid>,
    pub start_date: Option<PartialDate>,
    pub end_date: Option<PartialDate>,
    pub implementation_status: ImplementationStatus,
    pub results: String,
    pub resources: String,
    pub evidence: Vec<String>,
    pub contact_organization: Option<Uuid>,
}

/// The first day a partial date may mean, and the last, for ordering checks.
pub(crate) fn bounds(date: &PartialDate) -> ((i16, u8, u8), (i16, u8, u8)) {
    let first = (date.year, date.month.unwrap_or(1), date.day.unwrap_or(1));
    let last = (date.year, date.month.unwrap_or(12), date.day.unwrap_or(31));
    (first, last)
}

impl PracticeInput {
    /// Checks every field and returns all problems at once, so a form can show
    /// each next to its field.
    pub fn validate(&self) -> Result<PracticeContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = text("title", &self.title, 200, true, &mut errors);
        let summary = text("summary", &self.summary, 4000, true, &mut errors);
        if summary.split_whitespace().count() > SUMMARY_MAX_WORDS {
            errors.push(problem("summary", FieldProblem::SummaryTooLong));
        }
        let mut sections = BTreeMap::new();
        for (key, body) in &self.sections {
            let body = body.trim();
            if body.is_empty() {
                continue;
            }
            match Section::parse(key) {
                Ok(section) if body.chars().count() <= 20_000 => {
                    sections.insert(section, body.to_owned());
                }
                Ok(_) => errors.push(problem("sections", FieldProblem::TooLong)),
                Err(_) => errors.push(problem("sections", FieldProblem::UnknownSection)),
            }
        }
        let municipalities = terms(
            "municipalities",
            &self.municipalities,
            |v| Cvegeo::parse(v).ok(),
            &mut errors,
        );
        require_any(
            "municipalities",
            &municipalities,
            FieldProblem::NoMunicipality,
            &mut errors,
        );
        let lead_organization = match Uuid::parse_str(self.lead_organization.trim()) {
            Ok(id) => Some(id),
            Err(_) if self.lead_organization.trim().is_empty() => {
                errors.push(problem("lead_organization", FieldProblem::Required));
                None
            }
            Err(_) => {
                errors.push(problem(
                    "lead_organization",
                    FieldProblem::UnknownOrganization,
                ));
                None
            }
        };
        let mut partners: Vec<Partner> = terms(
            "partners",
            &self.partners,
            |v| Uuid::parse_str(v).ok(),
            &mut errors,
        )
        .into_iter()
        .filter(|id| Some(*id) != lead_organization)
        .map(Partner::Existing)
        .collect();
        for name in self
            .proposed_partners
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
        {
            if name.chars().count() > 200 {
                errors.push(problem("proposed_partners", FieldProblem::TooLong));
            } else {
                partners.push(Partner::Proposed(name.to_owned()));
            }
        }
        let levels_of_government = vocabulary_terms(
            "levels_of_government",
            &self.levels_of_government,
            &mut errors,
        );
        let rights = vocabulary_terms("rights", &self.rights, &mut errors);
        let sectors = vocabulary_terms("sectors", &self.sectors, &mut errors);
        let populations = vocabulary_terms("populations", &self.populations, &mut errors);
        let gcm_objectives = terms(
            "gcm_objectives",
            &self.gcm_objectives,
            |v| v.parse::<u8>().ok().filter(|n| (1..=23).contains(n)),
            &mut errors,
        );
        let covid19_how = text("covid19_how", &self.covid19_how, 2000, false, &mut errors);
        if self.covid19 && covid19_how.is_empty() {
            errors.push(problem("covid19_how", FieldProblem::Covid19HowRequired));
        }
        let legal_basis = terms(
            "legal_basis",
            &self.legal_basis,
            |v| Uuid::parse_str(v).ok(),
            &mut errors,
        );
        let start_date = date("start_date", &self.start_date, &mut errors);
        let end_date = date("end_date", &self.end_date, &mut errors);
        if let (Some(start), Some(end)) = (&start_date, &end_date)
            && bounds(end).1 < bounds(start).0
        {
            errors.push(problem("end_date", FieldProblem::DatesOutOfOrder));
        }
        let implementation_status = vocabulary_term_or(
            "implementation_status",
            &self.implementation_status,
            ImplementationStatus::Unknown,
            &mut errors,
        );
        let results = text("results", &self.results, 20_000, false, &mut errors);
        let resources = text("resources", &self.resources, 20_000, false, &mut errors);
        let evidence = web_addresses("evidence", &self.evidence, &mut errors);
        let contact_organization = match self.contact_organization.trim() {
            "" => None,
            value => Uuid::parse_str(value).ok().or_else(|| {
                errors.push(problem(
                    "contact_organization",
                    FieldProblem::UnknownOrganization,
                ));
                None
            }),
        };
        match (errors.is_empty(), lead_organization) {
            (true, Some(lead_organization)) => Ok(PracticeContent {
                title,
                summary,
                sections,
                municipalities,
                lead_organization,
                partners,
                levels_of_government,
                rights,
                sectors,
                populations,
                gcm_objectives,
                covid19: self.covid19,
                covid19_how,
                legal_basis,
                start_date,
                end_date,
                implementation_status,
                results,
                resources,
                evidence,
                contact_organization,
            }),
            _ => Err(errors),
        }
    }
}

impl PracticeContent {
    /// The content back as input, to fill an edit form.
    pub fn to_input(&self) -> PracticeInput {
        let strings = |items: &[String]| items.to_vec();
        PracticeInput {
            title: self.title.clone(),
            summary: self.summary.clone(),
            sections: self
                .sections
                .iter()
                .map(|(k, v)| (k.slug().to_owned(), v.clone()))
                .collect(),
            municipalities: self.municipalities.iter().map(|c| c.to_string()).collect(),
            lead_organization: self.lead_organization.to_string(),
            partners: self
                .partners
                .iter()
                .filter_map(|p| match p {
                    Partner::Existing(id) => Some(id.to_string()),
                    Partner::Proposed(_) => None,
                })
                .collect(),
            proposed_partners: self
                .partners
                .iter()
                .filter_map(|p| match p {
                    Partner::Proposed(name) => Some(name.clone()),
                    Partner::Existing(_) => None,
                })
                .collect(),
            levels_of_government: self
                .levels_of_government
                .iter()
                .map(|t| t.slug().to_owned())
                .collect(),
            rights: self.rights.iter().map(|t| t.slug().to_owned()).collect(),
            sectors: self.sectors.iter().map(|t| t.slug().to_owned()).collect(),
            populations: self
                .populations
                .iter()
                .map(|t| t.slug().to_owned())
                .collect(),
            gcm_objectives: self.gcm_objectives.iter().map(|n| n.to_string()).collect(),
            covid19: self.covid19,
            covid19_how: self.covid19_how.clone(),
            legal_basis: self.legal_basis.iter().map(|id| id.to_string()).collect(),
            start_date: self.start_date.map(|d| d.to_string()).unwrap_or_default(),
            end_date: self.end_date.map(|d| d.to_string()).unwrap_or_default(),
            implementation_status: self.implementation_status.slug().to_owned(),
            results: self.results.clone(),
            resources: self.resources.clone(),
            evidence: strings(&self.evidence),
            contact_organization: self
                .contact_organization
                .map(|id| id.to_string())
                .unwrap_or_default(),
        }
    }
}

/// Who a practice belongs to and where it stands, for the workflow rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeState {
    pub status: PracticeStatus,
    pub created_by: Option<Uuid>,
    /// The organization that authored it (the author's organization at creation).
    pub author_organization: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The action does not apply in the practice's current state (HTTP 409).
    #[error("this action is not possible while the practice is {0}")]
    WrongState(PracticeStatus),
    /// Reviewers may not review their own organization's practices.
    #[error("reviewers may not review practices of their own organization")]
    OwnOrganization,
    #[error("you already reviewed this version of the practice")]
    AlreadyReviewed,
}

/// Whether `actor` belongs to the practice's authors (its creator, or a member
/// of its authoring organization).
pub fn is_author(actor: &Actor, state: &PracticeState) -> bool {
    actor.member().is_some_and(|m| {
        Some(m.id) == state.created_by
            || (m.organization_id.is_some() && m.organization_id == state.author_organization)
    })
}

fn is_admin(actor: &Actor) -> bool {
    authorize(actor, Capability::ManageMembers).is_ok()
}

/// Who may see a practice: everyone once published; its authors always;
/// reviewers while it awaits review; administrators always.
pub fn may_view(actor: &Actor, state: &PracticeState) -> bool {
    state.status == PracticeStatus::Published
        || is_author(actor, state)
        || is_admin(actor)
        || (matches!(
            state.status,
            PracticeStatus::Submitted | PracticeStatus::InReview
        ) && authorize(actor, Capability::Review).is_ok())
}

/// Authors edit drafts, practices sent back for changes, and published ones
/// (each edit of a published practice becomes a new version).
pub fn authorize_edit(actor: &Actor, state: &PracticeState) -> Result<(), WorkflowError> {
    authorize(actor, Capability::Contribute)?;
    if !(is_author(actor, state) || is_admin(actor)) {
        return Err(Denied::Forbidden.into());
    }
    match state.status {
        PracticeStatus::Draft | PracticeStatus::ChangesRequested | PracticeStatus::Published => {
            Ok(())
        }
        other => Err(WorkflowError::WrongState(other)),
    }
}

/// Authors send a draft (or a revised practice) for review.
pub fn authorize_submit(
    actor: &Actor,
    state: &PracticeState,
) -> Result<PracticeStatus, WorkflowError> {
    authorize(actor, Capability::Contribute)?;
    if !(is_author(actor, state) || is_admin(actor)) {
        return Err(Denied::Forbidden.into());
    }
    match state.status {
        PracticeStatus::Draft | PracticeStatus::ChangesRequested => Ok(PracticeStatus::Submitted),
        other => Err(WorkflowError::WrongState(other)),
    }
}

/// Reviewers of other organizations review submitted practices, once per round.
pub fn authorize_review(
    actor: &Actor,
    state: &PracticeState,
    already_reviewed_this_round: bool,
) -> Result<(), WorkflowError> {
    authorize(actor, Capability::Review)?;
    if is_author(actor, state) {
        return Err(WorkflowError::OwnOrganization);
    }
    if !matches!(
        state.status,
        PracticeStatus::Submitted | PracticeStatus::InReview
    ) {
        return Err(WorkflowError::WrongState(state.status));
    }
    if already_reviewed_this_round {
        return Err(WorkflowError::AlreadyReviewed);
    }
    Ok(())
}

/// The state after a review: published once enough approvals arrive in this
/// round; sent back or rejected at once when a reviewer says so.
pub fn after_review(
    decision: ReviewDecision,
    approvals_including_this: u32,
    required: u32,
) -> PracticeStatus {
    match decision {
        ReviewDecision::Reject => PracticeStatus::Rejected,
        ReviewDecision::RequestChanges => PracticeStatus::ChangesRequested,
        ReviewDecision::Approve if approvals_including_this >= required.max(1) => {
            PracticeStatus::Published
        }
        ReviewDecision::Approve => PracticeStatus::InReview,
    }
}

/// Counts the words of a text as the summary limit does.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{MemberIdentity, Role};

    fn input() -> PracticeInput {
        PracticeInput {
            title: "Integración local".into(),
            summary: "Reubicación de personas refugiadas.".into(),
            municipalities: vec!["05030".into()],
            lead_organization: Uuid::nil().to_string(),
            start_date: "2016".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_input_validates() {
        let content = input().validate().unwrap();
        assert_eq!(content.municipalities[0].as_str(), "05030");
        assert_eq!(content.implementation_status, ImplementationStatus::Unknown);
        assert_eq!(content.to_input().validate().unwrap(), content);
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = PracticeInput {
            title: String::new(),
            summary: "palabra ".repeat(251),
            municipalities: vec![],
            lead_organization: "no-es-un-id".into(),
            start_date: "2020-05".into(),
            end_date: "2019".into(),
            covid19: true,
            evidence: vec!["javascript:alert(1)".into()],
            sectors: vec!["astronomia".into()],
            ..Default::default()
        };
        let errors = bad.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| (e.field, e.problem)).collect();
        for expected in [
            ("title", FieldProblem::Required),
            ("summary", FieldProblem::SummaryTooLong),
            ("municipalities", FieldProblem::NoMunicipality),
            ("lead_organization", FieldProblem::UnknownOrganization),
            ("end_date", FieldProblem::DatesOutOfOrder),
            ("covid19_how", FieldProblem::Covid19HowRequired),
            ("evidence", FieldProblem::InvalidUrl),
            ("sectors", FieldProblem::UnknownTerm),
        ] {
            assert!(fields.contains(&expected), "{expected:?} in {fields:?}");
        }
    }

    #[test]
    fn partial_dates_compare_by_their_widest_meaning() {
        let same_year = PracticeInput {
            start_date: "2020-05-10".into(),
            end_date: "2020".into(),
            ..input()
        };
        assert!(
            same_year.validate().is_ok(),
            "2020 may end after 10 May 2020"
        );
    }

    fn member(role: Role, org: Option<Uuid>, id: u128) -> Actor {
        Actor::Member(MemberIdentity {
            id: Uuid::from_u128(id),
            role,
            organization_id: org,
            display_name: String::new(),
        })
    }

    #[test]
    fn the_workflow_follows_its_rules() {
        let org_a = Some(Uuid::from_u128(10));
        let org_b = Some(Uuid::from_u128(20));
        let draft = PracticeState {
            status: PracticeStatus::Draft,
            created_by: Some(Uuid::from_u128(1)),
            author_organization: org_a,
        };
        let author = member(Role::Member, org_a, 1);
        let colleague = member(Role::Member, org_a, 2);
        let stranger = member(Role::Member, org_b, 3);
        let reviewer_same_org = member(Role::Reviewer, org_a, 4);
        let reviewer = member(Role::Reviewer, org_b, 5);
        assert!(!may_view(&Actor::Anonymous, &draft));
        assert!(may_view(&colleague, &draft) && !may_view(&stranger, &draft));
        assert!(authorize_edit(&colleague, &draft).is_ok());
        assert_eq!(
            authorize_edit(&stranger, &draft),
            Err(WorkflowError::Denied(Denied::Forbidden))
        );
        assert_eq!(
            authorize_submit(&author, &draft),
            Ok(PracticeStatus::Submitted)
        );
        let submitted = PracticeState {
            status: PracticeStatus::Submitted,
            ..draft.clone()
        };
        assert!(may_view(&reviewer, &submitted));
        assert_eq!(
            authorize_review(&reviewer_same_org, &submitted, false),
            Err(WorkflowError::OwnOrganization)
        );
        assert_eq!(
            authorize_review(&reviewer, &submitted, true),
            Err(WorkflowError::AlreadyReviewed)
        );
        assert!(authorize_review(&reviewer, &submitted, false).is_ok());
        assert_eq!(
            authorize_review(&reviewer, &draft, false),
            Err(WorkflowError::WrongState(PracticeStatus::Draft))
        );
        assert_eq!(
            authorize_edit(&author, &submitted),
            Err(WorkflowError::WrongState(PracticeStatus::Submitted))
        );
        assert_eq!(
            after_review(ReviewDecision::Approve, 1, 2),
            PracticeStatus::InReview
        );
        assert_eq!(
            after_review(ReviewDecision::Approve, 2, 2),
            PracticeStatus::Published
        );
        assert_eq!(
            after_review(ReviewDecision::RequestChanges, 1, 2),
            PracticeStatus::ChangesRequested
        );
        assert_eq!(
            after_review(ReviewDecision::Reject, 5, 2),
            PracticeStatus::Rejected
        );
    }
}
