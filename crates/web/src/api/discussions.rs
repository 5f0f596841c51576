//! Discussions, contributions and syntheses.

use super::{
    ApiError,
    body::json_body,
    error::{ApiResult, ErrorBody},
    openapi::{EventFilter, EventFilterErrors, PathErrors, WriteErrors},
    schema::{DiscussionList, SynthesisList},
};
use crate::{
    AppState,
    app::{discussions, events},
    http::auth::RequestAuth,
    http::ids::Id,
};
use acoge_domain::{
    accounts::Actor,
    discussion::{Citation, Contribution, Discussion, Synthesis, may_read},
};
use axum::{
    Extension, Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct QuestionJson {
    pub es: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct DiscussionJson {
    pub id: Uuid,
    /// The event's slug, when the thread is one of its guiding questions.
    pub event: Option<String>,
    /// 1-based position of the guiding question in its event.
    pub position: Option<i32>,
    pub question: QuestionJson,
    /// abierta, cerrada or archivada.
    pub status: String,
    /// Contributions everyone can see.
    pub contributions: u64,
    pub created_at: String,
}

impl From<Discussion> for DiscussionJson {
    fn from(d: Discussion) -> Self {
        Self {
            id: d.id,
            event: d.event_slug,
            position: d.position,
            question: QuestionJson {
                es: d.question.es,
                en: d.question.en,
            },
            status: d.status.slug().to_owned(),
            contributions: d.visible_contributions,
            created_at: d.created_at.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CitationJson {
    /// practica, organizacion, disposicion or contribucion.
    pub kind: String,
    pub id: Uuid,
}

fn citations(list: &[Citation]) -> Vec<CitationJson> {
    list.iter()
        .map(|c| CitationJson {
            kind: c.kind.slug().to_owned(),
            id: c.id,
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ContributionJson {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    /// The author's display name; null once the account is deleted.
    pub author: Option<String>,
    pub organization: Option<String>,
    /// Markdown; null when the caller may not read it (held or hidden).
    pub body: Option<String>,
    /// visible, retenida or oculta.
    pub visibility: String,
    pub citations: Vec<CitationJson>,
    pub created_at: String,
}

fn contribution_json(actor: &Actor, c: Contribution) -> ContributionJson {
    let readable = may_read(actor, &c);
    ContributionJson {
        id: c.id,
        parent_id: c.parent_id,
        author: c.author_name,
        organization: c.organization_name,
        body: readable.then_some(c.body),
        visibility: c.visibility.slug().to_owned(),
        citations: if readable {
            citations(&c.citations)
        } else {
            Vec::new()
        },
        created_at: c.created_at.to_string(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct DiscussionDetail {
    #[serde(flatten)]
    pub discussion: DiscussionJson,
    /// Oldest first; replies name their parent.
    pub items: Vec<ContributionJson>,
}

/// The event `?event=` names (id or slug), if any.
async fn event_param(app: &AppState, query: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    let params = crate::http::params::Params::parse(query)?;
    match params.get("event") {
        None => Ok(None),
        Some(key) => Ok(Some(
            events::event(app, key)
                .await?
                .ok_or_else(|| ApiError::not_found("no event with that id or slug"))?
                .id,
        )),
    }
}

/// Discussion threads (archived ones left out), newest event first; with
/// `event`, only that event's.
#[utoipa::path(get, path = "/api/v1/discussions", tag = "discussions",
    params(EventFilter),
    responses((status = 200, body = DiscussionList), EventFilterErrors))]
pub async fn list_discussions(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<DiscussionList> {
    let event = event_param(&app, query.as_deref()).await?;
    let threads = discussions::discussions(&app, event, false).await?;
    Ok(Json(threads.into_iter().map(Into::into).collect()))
}

async fn detail(app: &AppState, actor: &Actor, id: Uuid) -> Result<DiscussionDetail, ApiError> {
    let discussion = discussions::discussion(app, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such discussion or contribution"))?;
    let items = discussions::contributions(app, id)
        .await?
        .into_iter()
        .map(|c| contribution_json(actor, c))
        .collect();
    Ok(DiscussionDetail {
        discussion: discussion.into(),
        items,
    })
}

/// One thread with its contributions; held or hidden ones come without body.
#[utoipa::path(get, path = "/api/v1/discussions/{id}", tag = "discussions",
    params(("id" = Uuid, Path, description = "Discussion id")),
    responses((status = 200, body = DiscussionDetail), PathErrors))]
pub async fn get_discussion(
    State(app): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    Id(id): Id<Uuid>,
) -> ApiResult<DiscussionDetail> {
    let actor = auth
        .map(|Extension(a)| a.actor().clone())
        .unwrap_or(Actor::Anonymous);
    Ok(Json(detail(&app, &actor, id).await?))
}

/// A contribution, or a reply to one of the thread's contributions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionBody {
    /// Markdown, up to 10,000 characters. Addresses of practices,
    /// organizations, provisions (and `#c-<id>` of contributions) are cited.
    pub body: String,
    #[serde(default)]
    pub parent_id: Option<Uuid>,
}

/// Adds a contribution to an open thread (members).
#[utoipa::path(post, path = "/api/v1/discussions/{id}/contributions", tag = "discussions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Discussion id")),
    request_body = ContributionBody,
    responses((status = 201, body = ContributionJson), WriteErrors, PathErrors,
        (status = 409, body = ErrorBody, description = "The discussion is closed or archived"),
        (status = 422, body = ErrorBody, description = "A field is invalid; `field` names it; nothing is stored")))]
pub async fn create_contribution(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ContributionJson>), ApiError> {
    let body: ContributionBody = json_body(&body)?;
    let new = discussions::contribute(&app, auth.actor(), id, body.parent_id, &body.body).await?;
    let contribution = discussions::contributions(&app, id)
        .await?
        .into_iter()
        .find(|c| c.id == new)
        .ok_or_else(|| ApiError::not_found("no such discussion or contribution"))?;
    Ok((
        StatusCode::CREATED,
        Json(contribution_json(auth.actor(), contribution)),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SynthesisJson {
    pub discussion_id: Uuid,
    /// Markdown sections.
    pub findings: String,
    pub agreements: String,
    pub pending: String,
    pub citations: Vec<CitationJson>,
    pub author: Option<String>,
    pub updated_at: String,
}

impl From<Synthesis> for SynthesisJson {
    fn from(s: Synthesis) -> Self {
        Self {
            discussion_id: s.discussion_id,
            citations: citations(&s.citations),
            findings: s.content.findings,
            agreements: s.content.agreements,
            pending: s.content.pending,
            author: s.author_name,
            updated_at: s.updated_at.to_string(),
        }
    }
}

/// Published syntheses (relatorías), one per guiding question, newest
/// first; with `event`, only that event's.
#[utoipa::path(get, path = "/api/v1/syntheses", tag = "discussions",
    params(EventFilter),
    responses((status = 200, body = SynthesisList), EventFilterErrors))]
pub async fn list_syntheses(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<SynthesisList> {
    let syntheses = match event_param(&app, query.as_deref()).await? {
        None => discussions::all_syntheses(&app).await?,
        Some(event) => {
            let ids: Vec<Uuid> = discussions::discussions(&app, Some(event), true)
                .await?
                .iter()
                .map(|d| d.id)
                .collect();
            discussions::syntheses(&app, &ids).await?
        }
    };
    Ok(Json(syntheses.into_iter().map(Into::into).collect()))
}
