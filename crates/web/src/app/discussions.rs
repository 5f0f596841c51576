//! Discussions: threads, their contributions, the moderation queue and the
//! syntheses, as pages and the API read them; and the operations both share:
//! authorize (the domain's capabilities), check with the domain's rules, make
//! sure every cited record exists, then store.

use crate::{
    AppState,
    app::error::{AppError, Refusal},
    app::use_case::{acting_member, found},
};
use acoge_domain::{
    accounts::{Actor, Capability, authorize, authorize_thread_moderation},
    discussion::{
        Citation, Contribution, ContributionError, Decision, Discussion, DiscussionStatus,
        FlagReason, Synthesis, SynthesisInput, Visibility, check_contribution, citations_in,
    },
    fields::{FieldError, FieldProblem},
};
use acoge_store::{Contributed, NewContribution, QueuedContribution, StoreError};
use uuid::Uuid;

fn invalid(field: &'static str, problem: FieldProblem) -> AppError {
    AppError::Invalid(vec![FieldError { field, problem }])
}

/// The actor's id if they may moderate the thread: a site moderator, or a
/// moderator of the working group it belongs to. A thread that does not
/// exist is `NotFound` first, whoever asks.
pub async fn thread_moderator(
    app: &AppState,
    actor: &Actor,
    discussion_id: Uuid,
) -> Result<Uuid, AppError> {
    authorize(actor, Capability::Contribute)?;
    if app.db.discussion(discussion_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let group_moderators = app.db.thread_group_moderators(discussion_id).await?;
    Ok(authorize_thread_moderation(actor, &group_moderators)?)
}

/// Every cited record must exist (a practice must be published).
async fn check_citations(
    app: &AppState,
    field: &'static str,
    citations: &[Citation],
) -> Result<(), AppError> {
    if app.db.missing_citations(citations).await?.is_empty() {
        Ok(())
    } else {
        Err(invalid(field, FieldProblem::UnknownCitation))
    }
}

/// Adds a member's contribution (or reply); returns its id.
pub async fn contribute(
    app: &AppState,
    actor: &Actor,
    discussion_id: Uuid,
    parent_id: Option<Uuid>,
    body: &str,
) -> Result<Uuid, AppError> {
    let author = acting_member(actor, Capability::Contribute)?;
    let discussion = app
        .db
        .discussion(discussion_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = check_contribution(discussion.status, body).map_err(|e| match e {
        ContributionError::NotOpen(status) => Refusal::DiscussionNotOpen(status).into(),
        ContributionError::Invalid(error) => AppError::Invalid(vec![error]),
    })?;
    let citations = citations_in(&body);
    check_citations(app, "body", &citations).await?;
    let organization_id = actor.member().and_then(|m| m.organization_id);
    let new = NewContribution {
        discussion_id,
        parent_id,
        author_id: author,
        organization_id,
        body: &body,
        citations: &citations,
    };
    match app.db.add_contribution(&new).await? {
        Contributed::Added(id) => Ok(id),
        Contributed::NotOpen(status) => Err(Refusal::DiscussionNotOpen(status).into()),
        Contributed::NoSuchParent => Err(invalid("parent_id", FieldProblem::UnknownTerm)),
        Contributed::NoSuchDiscussion => Err(AppError::NotFound),
    }
}

/// A member flags a contribution; returns its visibility after.
pub async fn flag(
    app: &AppState,
    actor: &Actor,
    contribution_id: Uuid,
    reason: &str,
    note: &str,
) -> Result<Visibility, AppError> {
    let flagger = acting_member(actor, Capability::Contribute)?;
    let reason = match FlagReason::parse(reason.trim()) {
        Ok(reason) => reason,
        Err(_) if reason.trim().is_empty() => {
            return Err(invalid("reason", FieldProblem::Required));
        }
        Err(_) => return Err(invalid("reason", FieldProblem::UnknownTerm)),
    };
    let note = note.trim();
    if note.chars().count() > 1000 {
        return Err(invalid("note", FieldProblem::TooLong));
    }
    let note = (!note.is_empty()).then_some(note);
    app.db
        .flag_contribution(contribution_id, flagger, reason, note)
        .await?
        .ok_or(AppError::NotFound)
}

/// A moderator keeps or hides a contribution.
pub async fn moderate(
    app: &AppState,
    actor: &Actor,
    contribution_id: Uuid,
    decision: &str,
    reason: &str,
) -> Result<(), AppError> {
    authorize(actor, Capability::Contribute)?;
    let thread = app
        .db
        .contribution_discussion(contribution_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let moderator = thread_moderator(app, actor, thread).await?;
    let decision =
        Decision::parse(decision.trim(), reason).map_err(|e| AppError::Invalid(vec![e]))?;
    found(
        app.db
            .moderate_contribution(contribution_id, moderator, &decision)
            .await?,
    )
}

/// A moderator opens, closes or archives a thread.
pub async fn set_status(
    app: &AppState,
    actor: &Actor,
    discussion_id: Uuid,
    status: &str,
) -> Result<(), AppError> {
    let moderator = thread_moderator(app, actor, discussion_id).await?;
    let status = DiscussionStatus::parse(status.trim())
        .map_err(|_| invalid("status", FieldProblem::UnknownTerm))?;
    found(
        app.db
            .set_discussion_status(discussion_id, status, moderator)
            .await?,
    )
}

/// A moderator writes a question's synthesis.
pub async fn save_synthesis(
    app: &AppState,
    actor: &Actor,
    discussion_id: Uuid,
    input: &SynthesisInput,
) -> Result<(), AppError> {
    let moderator = thread_moderator(app, actor, discussion_id).await?;
    let content = input.validate().map_err(AppError::Invalid)?;
    check_citations(app, "findings", &content.citations()).await?;
    found(
        app.db
            .save_synthesis(discussion_id, &content, moderator)
            .await?,
    )
}

/// Threads, newest event first, then in question order; archived ones
/// only when asked for.
pub async fn discussions(
    app: &AppState,
    event_id: Option<Uuid>,
    include_archived: bool,
) -> Result<Vec<Discussion>, StoreError> {
    app.db.discussions(event_id, include_archived).await
}

/// The threads a member moderates as a working group's moderator.
pub async fn threads_moderated_by(app: &AppState, member: Uuid) -> Result<Vec<Uuid>, StoreError> {
    app.db.threads_moderated_by(member).await
}

/// One thread.
pub async fn discussion(app: &AppState, id: Uuid) -> Result<Option<Discussion>, StoreError> {
    app.db.discussion(id).await
}

/// Every contribution of a thread, oldest first, whatever its visibility;
/// callers show each only to whom `discussion::may_read` allows.
pub async fn contributions(
    app: &AppState,
    discussion_id: Uuid,
) -> Result<Vec<Contribution>, StoreError> {
    app.db.contributions(discussion_id).await
}

/// Contributions that are held or carry unsettled flags, oldest first.
pub async fn moderation_queue(app: &AppState) -> Result<Vec<QueuedContribution>, StoreError> {
    app.db.moderation_queue().await
}

/// The syntheses of these threads (those that have one), newest first.
/// A page asks for a few threads: one query each.
pub async fn syntheses(
    app: &AppState,
    discussion_ids: &[Uuid],
) -> Result<Vec<Synthesis>, StoreError> {
    app.db.syntheses(discussion_ids).await
}

/// Every published synthesis, newest first.
pub async fn all_syntheses(app: &AppState) -> Result<Vec<Synthesis>, StoreError> {
    app.db.all_syntheses().await
}

/// The thread a contribution belongs to.
pub async fn contribution_discussion(app: &AppState, id: Uuid) -> Result<Option<Uuid>, StoreError> {
    app.db.contribution_discussion(id).await
}
