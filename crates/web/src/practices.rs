//! Practice operations shared by pages and the API: validate (the domain's
//! rules, then that every referenced municipality, organization and provision
//! exists), authorize (the domain's workflow rules), then store.

use crate::AppState;
use acoge_domain::{
    accounts::{Actor, Capability, Denied, authorize},
    fields::{FieldError, FieldProblem},
    practice::{
        Partner, PracticeContent, PracticeInput, PracticeState, PracticeStatus, ReviewDecision,
        WorkflowError, authorize_edit, authorize_review, authorize_submit, may_view,
    },
};
use acoge_store::{NewPractice, NewReview, PracticeRecord, StoreError, Visibility};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum PracticeError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error("no such practice")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Denied> for PracticeError {
    fn from(denied: Denied) -> Self {
        Self::Workflow(WorkflowError::Denied(denied))
    }
}

fn state_of(record: &PracticeRecord) -> PracticeState {
    PracticeState {
        status: record.status,
        created_by: record.created_by,
        author_organization: record.author_organization,
    }
}

/// What lists may show to `actor`.
pub fn visibility(actor: &Actor) -> (Visibility, Option<(Uuid, Option<Uuid>)>) {
    let viewer = actor.member().map(|m| (m.id, m.organization_id));
    let level = if authorize(actor, Capability::ManageMembers).is_ok() {
        Visibility::All
    } else if authorize(actor, Capability::Review).is_ok() {
        Visibility::Reviewer
    } else {
        Visibility::Public
    };
    (level, viewer)
}

/// The practice, if `actor` may see it (otherwise it does not exist for them).
pub async fn visible(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<PracticeRecord, PracticeError> {
    let record = app.db.practice(id).await?.ok_or(PracticeError::NotFound)?;
    if may_view(actor, &state_of(&record)) {
        Ok(record)
    } else {
        Err(PracticeError::NotFound)
    }
}

/// Domain validation plus existence of every reference; all errors at once.
pub async fn validate(
    app: &AppState,
    input: &PracticeInput,
) -> Result<PracticeContent, PracticeError> {
    let content = input.validate().map_err(PracticeError::Invalid)?;
    let mut errors = Vec::new();
    if !app
        .db
        .missing_municipalities(&content.municipalities)
        .await?
        .is_empty()
    {
        errors.push(FieldError {
            field: "municipalities",
            problem: FieldProblem::UnknownMunicipality,
        });
    }
    if app
        .db
        .organization(content.lead_organization)
        .await?
        .is_none()
    {
        errors.push(FieldError {
            field: "lead_organization",
            problem: FieldProblem::UnknownOrganization,
        });
    }
    let partners: Vec<Uuid> = content
        .partners
        .iter()
        .filter_map(|p| match p {
            Partner::Existing(id) => Some(*id),
            Partner::Proposed(_) => None,
        })
        .collect();
    if !app.db.missing_organizations(&partners).await?.is_empty() {
        errors.push(FieldError {
            field: "partners",
            problem: FieldProblem::UnknownOrganization,
        });
    }
    if let Some(contact) = content.contact_organization
        && app.db.organization(contact).await?.is_none()
    {
        errors.push(FieldError {
            field: "contact_organization",
            problem: FieldProblem::UnknownOrganization,
        });
    }
    if !app
        .db
        .missing_provisions(&content.legal_basis)
        .await?
        .is_empty()
    {
        errors.push(FieldError {
            field: "legal_basis",
            problem: FieldProblem::UnknownProvision,
        });
    }
    if errors.is_empty() {
        Ok(content)
    } else {
        Err(PracticeError::Invalid(errors))
    }
}

/// A member's new practice starts as a draft of their organization.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    input: &PracticeInput,
) -> Result<Uuid, PracticeError> {
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let content = validate(app, input).await?;
    Ok(app
        .db
        .create_practice(&NewPractice {
            content: &content,
            status: PracticeStatus::Draft,
            slug: None,
            created_by: Some(member.id),
            author_organization: member.organization_id,
            is_example: false,
        })
        .await?)
}

pub async fn edit(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &PracticeInput,
) -> Result<i32, PracticeError> {
    let record = visible(app, actor, id).await?;
    authorize_edit(actor, &state_of(&record))?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let content = validate(app, input).await?;
    app.db
        .update_practice(id, &content, Some(member.id))
        .await?
        .ok_or(PracticeError::NotFound)
}

pub async fn submit(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<PracticeStatus, PracticeError> {
    let record = visible(app, actor, id).await?;
    let next = authorize_submit(actor, &state_of(&record))?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let reviewers = app.db.reviewers_outside(record.author_organization).await?;
    if !app
        .db
        .set_practice_status(id, record.status, next, member.id, &reviewers)
        .await?
    {
        return Err(WorkflowError::WrongState(record.status).into());
    }
    Ok(next)
}

pub async fn review(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    decision: Option<ReviewDecision>,
    checklist: &BTreeMap<String, bool>,
    comment: &str,
) -> Result<PracticeStatus, PracticeError> {
    let record = visible(app, actor, id).await?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let already = app.db.reviewed_this_round(&record, member.id).await?;
    authorize_review(actor, &state_of(&record), already)?;
    let mut errors = Vec::new();
    let Some(decision) = decision else {
        return Err(PracticeError::Invalid(vec![FieldError {
            field: "decision",
            problem: FieldProblem::NoDecision,
        }]));
    };
    let comment = comment.trim();
    if decision != ReviewDecision::Approve && comment.is_empty() {
        errors.push(FieldError {
            field: "comment",
            problem: FieldProblem::Required,
        });
    }
    if comment.chars().count() > 10_000 {
        errors.push(FieldError {
            field: "comment",
            problem: FieldProblem::TooLong,
        });
    }
    if !errors.is_empty() {
        return Err(PracticeError::Invalid(errors));
    }
    let authors = app.db.practice_authors(&record).await?;
    let review = NewReview {
        reviewer: member.id,
        reviewer_org: member.organization_id,
        decision,
        checklist,
        comment,
        required_approvals: app.config.required_approvals,
    };
    match app.db.add_review(&record, &review, &authors).await {
        Ok(Some(status)) => Ok(status),
        Ok(None) => Err(WorkflowError::WrongState(record.status).into()),
        // Another request of the same reviewer recorded its review since the
        // check above: the same answer as a second review sent later.
        Err(StoreError::Conflict { field: "reviewer" }) => {
            Err(WorkflowError::AlreadyReviewed.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Authors answer the reviewers' comments.
pub async fn reply(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    body: &str,
) -> Result<(), PracticeError> {
    let record = visible(app, actor, id).await?;
    authorize(actor, Capability::Contribute)?;
    if !acoge_domain::practice::is_author(actor, &state_of(&record)) {
        return Err(Denied::Forbidden.into());
    }
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 10_000 {
        let problem = if body.is_empty() {
            FieldProblem::Required
        } else {
            FieldProblem::TooLong
        };
        return Err(PracticeError::Invalid(vec![FieldError {
            field: "reply",
            problem,
        }]));
    }
    let reviewers: Vec<Uuid> = app
        .db
        .reviews(id)
        .await?
        .into_iter()
        .filter_map(|r| r.reviewer_id)
        .collect();
    app.db.add_reply(id, member.id, body, &reviewers).await?;
    Ok(())
}

/// The query parameter names of the practice filters (the API speaks English,
/// the pages Spanish).
pub struct FilterNames {
    pub text: &'static str,
    pub state: &'static str,
    pub municipality: &'static str,
    pub right: &'static str,
    pub sector: &'static str,
    pub population: &'static str,
    pub level: &'static str,
    pub gcm_objective: &'static str,
    pub covid19: &'static str,
    pub year: &'static str,
    pub status: &'static str,
    pub organization: &'static str,
    pub sort: &'static str,
}

pub const API_FILTERS: FilterNames = FilterNames {
    text: "q",
    state: "state",
    municipality: "municipality",
    right: "right",
    sector: "sector",
    population: "population",
    level: "level",
    gcm_objective: "gcm_objective",
    covid19: "covid19",
    year: "year",
    status: "status",
    organization: "organization",
    sort: "sort",
};

pub const PAGE_FILTERS: FilterNames = FilterNames {
    text: "q",
    state: "estado",
    municipality: "municipio",
    right: "derecho",
    sector: "sector",
    population: "poblacion",
    level: "nivel",
    gcm_objective: "objetivo",
    covid19: "covid",
    year: "anio",
    status: "situacion",
    organization: "organizacion",
    sort: "orden",
};

/// Reads the practice filters from query parameters, naming the bad one.
pub fn filter_from(
    params: &crate::params::Params,
    names: &FilterNames,
) -> Result<(acoge_store::PracticeFilter, acoge_store::PracticeSort), crate::params::ParamError> {
    use acoge_domain::{
        Cvegeo, StateKey,
        practice::{Population, Sector},
        taxonomy::{GovernmentLevel, Right},
    };
    use acoge_store::{PracticeFilter, PracticeSort};
    let filter = PracticeFilter {
        text: params
            .get(names.text)
            .map(|t| t.chars().take(200).collect()),
        state: params.parse_with(names.state, StateKey::parse)?,
        municipality: params.parse_with(names.municipality, Cvegeo::parse)?,
        right: params.parse_with(names.right, Right::parse)?,
        sector: params.parse_with(names.sector, Sector::parse)?,
        population: params.parse_with(names.population, Population::parse)?,
        level: params.parse_with(names.level, GovernmentLevel::parse)?,
        gcm_objective: params.parse_with(names.gcm_objective, |v| match v.parse::<u8>() {
            Ok(n) if (1..=23).contains(&n) => Ok(n),
            _ => Err("must be a whole number from 1 to 23"),
        })?,
        covid19: params.parse_with(names.covid19, |v| match v {
            "true" | "si" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err("must be true or false"),
        })?,
        year: params.parse_with(names.year, |v| match v.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y),
            _ => Err("must be a year such as 2021"),
        })?,
        status: params.parse_with(names.status, PracticeStatus::parse)?,
        mine: None,
        organization: params.parse_with(names.organization, Uuid::parse_str)?,
    };
    let sort = params
        .parse_with(names.sort, |v| match v {
            "recent" | "recientes" => Ok(PracticeSort::Recent),
            "title" | "titulo" => Ok(PracticeSort::Title),
            "start" | "inicio" => Ok(PracticeSort::StartYear),
            _ => Err("must be recent, title or start"),
        })?
        .unwrap_or_default();
    Ok((filter, sort))
}
