//! Working groups and the community's member organizations.

use super::error::{ApiError, ApiResult, ErrorBody};
use crate::AppState;
use acoge_domain::working_group::WorkingGroup;
use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct NamedJson {
    pub id: Uuid,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct WorkingGroupJson {
    pub slug: String,
    pub name: super::discussions::QuestionJson,
    pub description: super::discussions::QuestionJson,
    /// Moderators' display names.
    pub moderators: Vec<String>,
    pub organizations: Vec<NamedJson>,
}

impl From<WorkingGroup> for WorkingGroupJson {
    fn from(g: WorkingGroup) -> Self {
        Self {
            slug: g.content.slug,
            name: super::discussions::QuestionJson {
                es: g.content.name.es,
                en: g.content.name.en,
            },
            description: super::discussions::QuestionJson {
                es: g.content.description.es,
                en: g.content.description.en,
            },
            moderators: g.moderators,
            organizations: g
                .organizations
                .into_iter()
                .map(|(id, name)| NamedJson { id, name })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WorkingGroupList {
    pub total: u64,
    pub items: Vec<WorkingGroupJson>,
}

/// Working groups with their moderators and member organizations.
#[utoipa::path(get, path = "/api/v1/working-groups", tag = "community",
    responses((status = 200, body = WorkingGroupList)))]
pub async fn list_groups(State(app): State<AppState>) -> ApiResult<WorkingGroupList> {
    let items: Vec<WorkingGroupJson> = app
        .db
        .working_groups()
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(WorkingGroupList {
        total: items.len() as u64,
        items,
    }))
}

/// One working group.
#[utoipa::path(get, path = "/api/v1/working-groups/{slug}", tag = "community",
    params(("slug" = String, Path, description = "The group's identifier")),
    responses((status = 200, body = WorkingGroupJson), (status = 404, body = ErrorBody)))]
pub async fn get_group(
    State(app): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<WorkingGroupJson> {
    app.db
        .working_groups()
        .await?
        .into_iter()
        .find(|g| g.content.slug == slug)
        .map(|g| Json(g.into()))
        .ok_or_else(|| ApiError::not_found("no working group with that identifier"))
}
