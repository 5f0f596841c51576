//! Working groups and the community's member organizations.

use super::{
    body::json_body,
    discussions::DiscussionJson,
    error::{ApiError, ApiResult, ErrorBody},
    openapi::{PathErrors, WriteErrors},
    schema::{EventSummaryJson, WorkingGroupList},
};
use crate::{
    AppState,
    app::community,
    http::auth::RequestAuth,
    http::ids::{Id, Slug},
};
use acoge_domain::working_group::{GroupInput, WorkingGroup};
use axum::{Extension, Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
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
    /// The address of the iCalendar file of all its events.
    #[schema(example = "/grupos/salud/calendario.ics")]
    pub calendar: String,
}

/// A working group with its events and the threads of their guiding questions.
#[derive(Serialize, ToSchema)]
pub struct WorkingGroupDetailJson {
    #[serde(flatten)]
    pub group: WorkingGroupJson,
    /// Newest first.
    pub events: Vec<EventSummaryJson>,
    pub discussions: Vec<DiscussionJson>,
}

impl From<WorkingGroup> for WorkingGroupJson {
    fn from(g: WorkingGroup) -> Self {
        Self {
            calendar: format!("/grupos/{}/calendario.ics", g.content.slug),
            slug: g.content.slug,
            name: super::discussions::QuestionJson {
                es: g.content.name.es,
                en: g.content.name.en,
            },
            description: super::discussions::QuestionJson {
                es: g.content.description.es,
                en: g.content.description.en,
            },
            moderators: g.moderators.into_iter().map(|(_, name)| name).collect(),
            organizations: g
                .organizations
                .into_iter()
                .map(|(id, name)| NamedJson { id, name })
                .collect(),
        }
    }
}

/// Working groups with their moderators and member organizations.
#[utoipa::path(get, path = "/api/v1/working-groups", tag = "community",
    responses((status = 200, body = WorkingGroupList)))]
pub async fn list_groups(State(app): State<AppState>) -> ApiResult<WorkingGroupList> {
    let groups = community::working_groups(&app).await?;
    Ok(Json(groups.into_iter().map(Into::into).collect()))
}

/// One working group, with its events and discussions.
#[utoipa::path(get, path = "/api/v1/working-groups/{slug}", tag = "community",
    params(("slug" = String, Path, description = "The group's identifier", example = "salud", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    responses((status = 200, body = WorkingGroupDetailJson), PathErrors))]
pub async fn get_group(
    State(app): State<AppState>,
    Id(slug): Id<Slug>,
) -> ApiResult<WorkingGroupDetailJson> {
    let community::GroupDetail {
        group,
        events,
        discussions,
    } = community::group_detail(&app, &slug)
        .await?
        .ok_or_else(|| ApiError::not_found("no working group with that identifier"))?;
    Ok(Json(WorkingGroupDetailJson {
        group: group.into(),
        events: events.into_iter().map(Into::into).collect(),
        discussions: discussions.into_iter().map(Into::into).collect(),
    }))
}

/// A new working group, every text in both languages.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroupBody {
    /// Lowercase letters, digits and hyphens, e.g. "salud" ("nuevo" is taken
    /// by the page that creates groups).
    #[schema(
        pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$",
        min_length = 2,
        max_length = 60,
        example = "salud"
    )]
    pub slug: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name_es: String,
    #[schema(min_length = 1, max_length = 120)]
    pub name_en: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub description_es: String,
    #[schema(min_length = 1, max_length = 4000)]
    pub description_en: String,
}

/// Creates a working group (administrators); its creator moderates it.
#[utoipa::path(post, path = "/api/v1/working-groups", tag = "community", security(("bearer" = [])),
    request_body = NewGroupBody,
    responses((status = 201, body = WorkingGroupJson), WriteErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid or the slug is taken; `field` names it; nothing is stored")))]
pub async fn create_group(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<WorkingGroupJson>), ApiError> {
    let body: NewGroupBody = json_body(&body)?;
    let input = GroupInput {
        slug: body.slug,
        name_es: body.name_es,
        name_en: body.name_en,
        description_es: body.description_es,
        description_en: body.description_en,
    };
    let slug = community::create_group(&app, auth.actor(), &input).await?;
    let group = community::working_group(&app, &slug)
        .await?
        .ok_or_else(|| ApiError::not_found("no working group with that identifier"))?;
    Ok((StatusCode::CREATED, Json(group.into())))
}
