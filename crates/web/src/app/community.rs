//! The community's structure: working groups and the collaboration
//! framework organizations accept to join. Administrators create groups and
//! publish the framework; members act for their own organization. Also the
//! groups, one group with its events and threads, and the framework's versions
//! and members, as pages and the API read them.

use crate::{
    AppState,
    app::error::AppError,
    app::use_case::{acting_member, found},
};
use acoge_domain::{
    accounts::{Actor, Capability, Denied, authorize},
    discussion::Discussion,
    fields::{FieldError, FieldProblem},
    working_group::{FrameworkVersion, GroupInput, WorkingGroup, may_join, validate_framework},
};
use acoge_store::{EventSummary, StoreError};
use uuid::Uuid;

fn invalid(error: FieldError) -> AppError {
    AppError::Invalid(vec![error])
}

async fn group_by_slug(app: &AppState, slug: &str) -> Result<WorkingGroup, AppError> {
    app.db.working_group(slug).await?.ok_or(AppError::NotFound)
}

pub async fn create_group(
    app: &AppState,
    actor: &Actor,
    input: &GroupInput,
) -> Result<String, AppError> {
    let admin = acting_member(actor, Capability::ManageMembers)?;
    let content = input.validate().map_err(AppError::Invalid)?;
    match app.db.create_working_group(&content, &[admin], admin).await {
        Ok(_) => Ok(content.slug),
        Err(StoreError::Conflict { field: "slug" }) => Err(invalid(FieldError {
            field: "slug",
            problem: FieldProblem::IdentifierTaken,
        })),
        Err(e) => Err(e.into()),
    }
}

/// An administrator rewrites a group's names and descriptions; the slug in
/// `input` is ignored (it names the group in addresses and stays).
pub async fn update_group(
    app: &AppState,
    actor: &Actor,
    slug: &str,
    input: &GroupInput,
) -> Result<(), AppError> {
    let admin = acting_member(actor, Capability::ManageMembers)?;
    let group = group_by_slug(app, slug).await?;
    let input = GroupInput {
        slug: group.content.slug.clone(),
        ..input.clone()
    };
    let content = input.validate().map_err(AppError::Invalid)?;
    found(
        app.db
            .update_working_group(group.id, &content, admin)
            .await?,
    )
}

/// The member's organization joins or leaves a group; joining needs the
/// framework accepted.
pub async fn set_membership(
    app: &AppState,
    actor: &Actor,
    slug: &str,
    join: bool,
) -> Result<(), AppError> {
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let group = group_by_slug(app, slug).await?;
    let organization = member.organization_id.ok_or_else(|| {
        invalid(FieldError {
            field: "organization",
            problem: FieldProblem::UnknownOrganization,
        })
    })?;
    if join {
        let accepted = app
            .db
            .framework_members()
            .await?
            .into_iter()
            .find(|(id, _, _)| *id == organization)
            .map(|(_, _, version)| version);
        may_join(accepted).map_err(invalid)?;
    }
    found(
        app.db
            .set_group_membership(group.id, organization, join, member.id)
            .await?,
    )
}

/// An administrator adds a moderator to a group, or removes one.
pub async fn set_moderator(
    app: &AppState,
    actor: &Actor,
    slug: &str,
    member: Uuid,
    add: bool,
) -> Result<(), AppError> {
    let admin = acting_member(actor, Capability::ManageMembers)?;
    let group = group_by_slug(app, slug).await?;
    found(
        app.db
            .set_group_moderator(group.id, member, add, admin)
            .await?,
    )
}

pub async fn publish_framework(
    app: &AppState,
    actor: &Actor,
    es: &str,
    en: &str,
) -> Result<i32, AppError> {
    let admin = acting_member(actor, Capability::ManageMembers)?;
    let body = validate_framework(es, en).map_err(AppError::Invalid)?;
    Ok(app.db.publish_framework(&body, admin).await?)
}

/// The member's organization accepts the current framework.
pub async fn accept_framework(app: &AppState, actor: &Actor) -> Result<i32, AppError> {
    authorize(actor, Capability::Contribute)?;
    let member = actor.member().ok_or(Denied::NotSignedIn)?;
    let organization: Uuid = member.organization_id.ok_or_else(|| {
        invalid(FieldError {
            field: "organization",
            problem: FieldProblem::UnknownOrganization,
        })
    })?;
    app.db
        .accept_framework(organization, member.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every working group with its moderators and member organizations.
pub async fn working_groups(app: &AppState) -> Result<Vec<WorkingGroup>, StoreError> {
    app.db.working_groups().await
}

/// One working group by its slug. Groups are few: this reads them all
/// rather than keep a second query in step with `working_groups`.
pub async fn working_group(app: &AppState, slug: &str) -> Result<Option<WorkingGroup>, StoreError> {
    app.db.working_group(slug).await
}

/// Every version of the framework, newest first.
pub async fn framework_versions(app: &AppState) -> Result<Vec<FrameworkVersion>, StoreError> {
    app.db.framework_versions().await
}

/// The member organizations of the community: (id, name, version accepted).
pub async fn framework_members(app: &AppState) -> Result<Vec<(Uuid, String, i32)>, StoreError> {
    app.db.framework_members().await
}

/// A working group with its events and the threads of those events.
pub struct GroupDetail {
    pub group: WorkingGroup,
    /// Newest first.
    pub events: Vec<EventSummary>,
    /// Archived ones left out; newest event first.
    pub discussions: Vec<Discussion>,
}

/// The group `slug` with its events and discussions; `None` when there is
/// no such group.
pub async fn group_detail(app: &AppState, slug: &str) -> Result<Option<GroupDetail>, StoreError> {
    let Some(group) = app.db.working_group(slug).await? else {
        return Ok(None);
    };
    let events = app.db.events_of_group(group.id).await?;
    let discussions = app.db.discussions_of_group(group.id).await?;
    Ok(Some(GroupDetail {
        group,
        events,
        discussions,
    }))
}
