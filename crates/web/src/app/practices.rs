//! Practices: the lists, facets, reviews and versions pages and the API read,
//! and the operations both share: validate (the domain's rules, then that
//! every referenced municipality, organization and provision exists),
//! authorize (the domain's workflow rules), then store.

use crate::{
    AppState,
    app::error::AppError,
    app::memo::{KeyedMemo, PracticeListKey},
};
use acoge_domain::page::{Page, PageRequest};
use acoge_domain::{
    accounts::{Actor, Capability, Denied, authorize},
    fields::{FieldError, FieldProblem},
    practice::{
        Partner, PracticeContent, PracticeInput, PracticeState, PracticeStatus, ReviewDecision,
        WorkflowError, authorize_edit, authorize_review, authorize_submit, may_view,
    },
};
use acoge_store::{
    Facets, NewPractice, NewReview, PracticeFilter, PracticeRecord, PracticeSort, ReplyRecord,
    ReviewRecord, StoreError, VersionRecord, Visibility,
};
use std::collections::BTreeMap;
use uuid::Uuid;

fn state_of(record: &PracticeRecord) -> PracticeState {
    PracticeState {
        status: record.status,
        created_by: record.created_by,
        author_organization: record.author_organization,
    }
}

/// What lists may show to `actor`.
fn visibility(actor: &Actor) -> (Visibility, Option<(Uuid, Option<Uuid>)>) {
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
pub async fn visible(app: &AppState, actor: &Actor, id: Uuid) -> Result<PracticeRecord, AppError> {
    let record = app.db.practice(id).await?.ok_or(AppError::NotFound)?;
    if may_view(actor, &state_of(&record)) {
        Ok(record)
    } else {
        Err(AppError::NotFound)
    }
}

/// Domain validation plus existence of every reference; all errors at once.
pub async fn validate(app: &AppState, input: &PracticeInput) -> Result<PracticeContent, AppError> {
    let content = input.validate().map_err(AppError::Invalid)?;
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
        Err(AppError::Invalid(errors))
    }
}

/// A member's new practice starts as a draft of their organization.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    input: &PracticeInput,
) -> Result<Uuid, AppError> {
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
) -> Result<i32, AppError> {
    let record = visible(app, actor, id).await?;
    authorize_edit(actor, &state_of(&record))?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let content = validate(app, input).await?;
    app.db
        .update_practice(id, &content, Some(member.id))
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn submit(app: &AppState, actor: &Actor, id: Uuid) -> Result<PracticeStatus, AppError> {
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
) -> Result<PracticeStatus, AppError> {
    let record = visible(app, actor, id).await?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let already = app.db.reviewed_this_round(&record, member.id).await?;
    authorize_review(actor, &state_of(&record), already)?;
    let mut errors = Vec::new();
    let Some(decision) = decision else {
        return Err(AppError::Invalid(vec![FieldError {
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
        return Err(AppError::Invalid(errors));
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
pub async fn reply(app: &AppState, actor: &Actor, id: Uuid, body: &str) -> Result<(), AppError> {
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
        return Err(AppError::Invalid(vec![FieldError {
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

/// A page of practices the viewer may see, filtered and sorted.
/// The names of these organizations (those in the directory), in one query.
pub async fn organization_names(
    app: &AppState,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    app.db.organization_names(ids).await
}

/// Which practices a list asks for, and who reads it.
pub struct ListQuery<'a> {
    pub filter: &'a PracticeFilter,
    pub sort: PracticeSort,
    pub page: PageRequest,
    pub visibility: Visibility,
    /// The reader (member, organization), for their own unpublished ones.
    pub viewer: Option<(Uuid, Option<Uuid>)>,
}

impl<'a> ListQuery<'a> {
    /// What `actor` may see of `filter` (`visibility`).
    pub fn read_by(
        actor: &Actor,
        filter: &'a PracticeFilter,
        sort: PracticeSort,
        page: PageRequest,
    ) -> Self {
        let (visibility, viewer) = visibility(actor);
        ListQuery {
            filter,
            sort,
            page,
            visibility,
            viewer,
        }
    }

    /// The published practices of `filter`, the newest first.
    pub fn recent_published(filter: &'a PracticeFilter, page: PageRequest) -> Self {
        ListQuery {
            filter,
            sort: PracticeSort::Recent,
            page,
            visibility: Visibility::Public,
            viewer: None,
        }
    }
}

/// A page of the list and its facet counts, reading their shared counts once.
pub async fn practices_with_facets(
    app: &AppState,
    query: &ListQuery<'_>,
) -> Result<(Page<PracticeRecord>, Facets), StoreError> {
    let shared = &app.read_models.practices_with_facets;
    shared_when_public(app, shared, query, |v, w| {
        app.db
            .practices_with_facets(query.filter, v, w, query.sort, query.page)
    })
    .await
}

pub async fn practices(
    app: &AppState,
    query: &ListQuery<'_>,
) -> Result<Page<PracticeRecord>, StoreError> {
    let shared = &app.read_models.practices;
    shared_when_public(app, shared, query, |v, w| {
        app.db.practices(query.filter, v, w, query.sort, query.page)
    })
    .await
}

/// A list read through the memo visitors share when this reader sees what
/// a visitor sees (`read` then gets the public visibility and no viewer),
/// and read for this reader alone otherwise.
async fn shared_when_public<T, F>(
    app: &AppState,
    shared: &KeyedMemo<PracticeListKey, T>,
    query: &ListQuery<'_>,
    read: impl Fn(Visibility, Option<(Uuid, Option<Uuid>)>) -> F,
) -> Result<T, StoreError>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = Result<T, StoreError>>,
{
    if reads_public_list(app, query.filter, query.visibility, query.viewer).await? {
        let key = (query.filter.clone(), query.sort, query.page);
        return shared
            .current(key, &app.data_version, read(Visibility::Public, None))
            .await;
    }
    read(query.visibility, query.viewer).await
}

/// Whether the reader sees exactly what a visitor sees (published practices
/// only: no visibility beyond the public one, no "mine" filter, nothing of
/// their own unpublished), so that visitors and members share one read.
async fn reads_public_list(
    app: &AppState,
    filter: &PracticeFilter,
    visibility: Visibility,
    viewer: Option<(Uuid, Option<Uuid>)>,
) -> Result<bool, StoreError> {
    if visibility != Visibility::Public || filter.mine.is_some() {
        return Ok(false);
    }
    match viewer {
        Some((member, organization)) => Ok(!app
            .db
            .has_unpublished_practices(member, organization)
            .await?),
        None => Ok(true),
    }
}

/// The reviews of a practice.
pub async fn reviews(app: &AppState, practice: Uuid) -> Result<Vec<ReviewRecord>, StoreError> {
    app.db.reviews(practice).await
}

/// The author's replies to the reviews of a practice.
pub async fn replies(app: &AppState, practice: Uuid) -> Result<Vec<ReplyRecord>, StoreError> {
    app.db.replies(practice).await
}

/// Every version, oldest first.
pub async fn practice_versions(
    app: &AppState,
    practice: Uuid,
) -> Result<Vec<VersionRecord>, StoreError> {
    app.db.practice_versions(practice).await
}

/// Whether `reviewer` already reviewed the practice in its current round.
pub async fn reviewed_this_round(
    app: &AppState,
    practice: &PracticeRecord,
    reviewer: Uuid,
) -> Result<bool, StoreError> {
    app.db.reviewed_this_round(practice, reviewer).await
}
