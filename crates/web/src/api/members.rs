//! Accounts through the API: who the token belongs to, and invitations.

use super::{
    ApiError,
    body::json_body,
    error::{ApiResult, ErrorBody},
    openapi::WriteErrors,
};
use crate::{
    AppState,
    app::{accounts, members},
    http::auth::RequestAuth,
};
use axum::{
    Extension, Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The member the token belongs to. Other members' emails are never served.
#[derive(Serialize, ToSchema)]
pub struct MeJson {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    /// miembro, revisor, moderador or administrador.
    pub role: String,
    pub organization_id: Option<Uuid>,
}

/// Who this token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "members",
    security(("bearer" = [])),
    responses((status = 200, body = MeJson), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
) -> ApiResult<MeJson> {
    let id = auth
        .actor()
        .id()
        .ok_or_else(|| ApiError::not_found("no member"))?;
    let member = accounts::member(&app, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no member"))?;
    Ok(Json(MeJson {
        id: member.id,
        display_name: member.display_name,
        email: member.email,
        role: member.role.slug().to_owned(),
        organization_id: member.organization_id,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewInvitationJson {
    #[schema(format = Email, example = "persona@ejemplo.org")]
    pub email: String,
    /// miembro or revisor (moderators); also moderador or administrador (administrators).
    #[schema(
        example = "miembro",
        pattern = "^(miembro|revisor|moderador|administrador)$"
    )]
    pub role: String,
    pub organization_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationJson {
    pub id: Uuid,
    /// The one-time link; shown only in this answer.
    pub link: String,
    pub expires_at: String,
    /// Whether the link was also emailed to the invited person (SMTP configured).
    pub emailed: bool,
}

/// Invites a person (moderators and administrators).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "members",
    security(("bearer" = [])),
    request_body = NewInvitationJson,
    responses((status = 201, body = InvitationJson), WriteErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid; `field` names it")))]
pub async fn create_invitation(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<InvitationJson>), ApiError> {
    let input: NewInvitationJson = json_body(&body)?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let link = members::invite(
        &app,
        auth.actor(),
        host,
        &input.email,
        &input.role,
        input.organization_id.as_deref().unwrap_or(""),
    )
    .await
    // Forms call it "organization"; this body calls it "organization_id".
    .map_err(|e| ApiError::from(e).rename_field("organization", "organization_id"))?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationJson {
            id: link.id,
            link: link.url,
            expires_at: link.expires_at.to_string(),
            emailed: link.emailed,
        }),
    ))
}
