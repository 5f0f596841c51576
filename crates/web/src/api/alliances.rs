//! The directory's writes and alliances: declaring an alliance, editing an
//! organization's entry, a moderator verifying it. The rules live in
//! `crate::app::directory` (shared with the pages).

use super::{
    ApiError,
    body::json_body,
    directory::NamedRef,
    error::{ApiResult, ErrorBody},
    openapi::{PathErrors, WriteErrors},
    schema::{AllianceList, OrganizationJson, TerritoriesJson},
};
use crate::{
    AppState,
    app::{directory, error::AppError},
    http::auth::RequestAuth,
    http::ids::Id,
    http::params::{ParamError, Params, existing_page},
};
use acoge_domain::{
    alliance::AllianceInput,
    directory::{DirectoryInput, Territory},
    page::PageRequest,
};
use acoge_store::AllianceRecord;
use axum::{
    Extension, Json,
    extract::{RawQuery, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct AllianceJson {
    /// The alliance's id; for a derived alliance, the practice's id.
    pub id: Uuid,
    pub name: String,
    /// convenio, practica_conjunta or red_canalizacion.
    pub kind: String,
    /// At least two organizations.
    pub members: Vec<NamedRef>,
    /// Sector slugs it works in.
    pub sectors: Vec<String>,
    /// Where it works.
    pub territory: TerritoriesJson,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub started: Option<String>,
    pub ended: Option<String>,
    /// Where it is documented (an address; for a derived alliance the practice's page).
    pub source: Option<String>,
    /// Its members span at least two of government, civil society and international actors.
    pub intersectoral: bool,
    /// Declared by a member (true) or derived from a published practice (false).
    pub declared: bool,
    /// The published practice it comes from, for derived alliances.
    pub derived_from_practice: Option<Uuid>,
}

impl From<AllianceRecord> for AllianceJson {
    fn from(r: AllianceRecord) -> Self {
        let a = r.alliance;
        Self {
            id: a.id,
            name: a.name,
            kind: a.kind.slug().to_owned(),
            members: a
                .members
                .iter()
                .zip(r.member_names)
                .map(|(id, name)| NamedRef { id: *id, name })
                .collect(),
            sectors: a.sectors.iter().map(|s| s.slug().to_owned()).collect(),
            territory: TerritoriesJson::of(&a.territory),
            started: a.started.map(|d| d.to_string()),
            ended: a.ended.map(|d| d.to_string()),
            source: a.source,
            intersectoral: r.intersectoral,
            declared: a.derived_from_practice.is_none(),
            derived_from_practice: a.derived_from_practice,
        }
    }
}

/// Alliances: those members declared (oldest first), then those derived from
/// published practices (a lead and its partners in the directory). The list
/// is the directory's last analysis (computed in the background, a few
/// seconds behind the latest change); each alliance's details are read now.
#[utoipa::path(get, path = "/api/v1/alliances", tag = "directory",
    params(
        ("page" = Option<u32>, Query, description = "Page number, from 1, up to the last page (1 when there is none)", minimum = 1, maximum = 1000000),
        ("per_page" = Option<u32>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100)
    ),
    responses(
        (status = 200, body = AllianceList),
        (status = 400, body = ErrorBody, description = "A parameter is invalid, or `page` is past the last page; `parameter` names it"),
        (status = 503, body = ErrorBody, description = "The directory's analysis is being computed (the first seconds after a start); retry shortly")
    ))]
pub async fn list_alliances(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(query.as_deref())?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let Some(latest) = directory::analysis(&app).await? else {
        return Err(AppError::Unavailable.into());
    };
    check_page(request, latest.analysis.alliances().len() as u64)?;
    let page = directory::alliances_page(&app, &latest.analysis, request).await?;
    let items = page.items.into_iter().map(AllianceJson::from).collect();
    Ok(analysed(
        latest.current,
        Json(AllianceList::new(page.total, request, items)),
    ))
}

/// A page past the last is a 400 naming `page`.
pub(super) fn check_page(request: PageRequest, total: u64) -> Result<(), ParamError> {
    existing_page(request, total)?;
    Ok(())
}

/// An answer made of an analysis that is not the newest (one is being
/// computed) says so to caches: revalidate, do not keep.
pub(super) fn analysed(current: bool, answer: impl IntoResponse) -> Response {
    let mut response = answer.into_response();
    if !current {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// An alliance to declare. Every field is checked; all problems are reported
/// at once, the first one in `field`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllianceBody {
    pub name: String,
    /// Organization ids, at least two different ones; the caller's own
    /// organization among them unless the caller is a moderator.
    #[serde(default)]
    pub members: Vec<String>,
    /// Sector slugs.
    #[serde(default)]
    pub sectors: Vec<String>,
    /// CVEGEOs where it works.
    #[serde(default)]
    pub municipalities: Vec<String>,
    /// INEGI state keys where it works (the whole state).
    #[serde(default)]
    pub states: Vec<String>,
    /// convenio, practica_conjunta or red_canalizacion.
    pub kind: String,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub started: Option<String>,
    #[serde(default)]
    pub ended: Option<String>,
    /// An http or https address documenting it.
    #[serde(default)]
    pub source: Option<String>,
}

/// Declares an alliance between organizations (members for their own
/// organization's alliances; moderators for any).
#[utoipa::path(post, path = "/api/v1/alliances", tag = "directory", security(("bearer" = [])),
    request_body = AllianceBody,
    responses((status = 201, body = AllianceJson), WriteErrors,
        (status = 403, body = ErrorBody, description = "The caller's organization is not a member and the caller is not a moderator"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A field is invalid (fewer than two organizations, an unknown organization or place); `field` names it; nothing is stored")))]
pub async fn create_alliance(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<AllianceJson>), ApiError> {
    let body: AllianceBody = json_body(&body)?;
    let input = AllianceInput {
        name: body.name,
        members: body.members,
        sectors: body.sectors,
        municipalities: body.municipalities,
        states: body.states,
        kind: body.kind,
        started: body.started.unwrap_or_default(),
        ended: body.ended.unwrap_or_default(),
        source: body.source.unwrap_or_default(),
    };
    let id = directory::declare_alliance(&app, auth.actor(), &input).await?;
    let alliance = directory::declared_alliance(&app, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no such alliance"))?;
    Ok((StatusCode::CREATED, Json(alliance.into())))
}

/// A founding year, as a number or as text ("" clears it).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum FoundedValue {
    Year(i64),
    Text(String),
}

/// Changes to an organization's directory entry: the fields sent replace
/// the entry's, the others keep it. Send `[]` or `""` to clear one.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryBody {
    /// Sector slugs.
    #[serde(default)]
    pub sectors: Option<Vec<String>>,
    /// CVEGEOs it serves.
    #[serde(default)]
    pub municipalities: Option<Vec<String>>,
    /// INEGI state keys it serves as a whole.
    #[serde(default)]
    pub states: Option<Vec<String>>,
    /// An http or https address.
    #[serde(default)]
    pub website: Option<String>,
    /// The organization's own contact (office phone, general email); never a person's.
    #[serde(default)]
    pub contact: Option<String>,
    /// Four digits, not before 1500.
    #[serde(default)]
    pub founded: Option<FoundedValue>,
}

async fn organization_json(app: &AppState, id: Uuid) -> ApiResult<OrganizationJson> {
    let (organization, entry) = directory::organization_with_entry(app, id)
        .await?
        .ok_or_else(|| ApiError::not_found("no organization with that id"))?;
    Ok(Json(OrganizationJson::new(organization, entry)))
}

/// Edits an organization's directory entry (its members; moderators any).
/// A moderator's earlier verification stays, dated.
#[utoipa::path(patch, path = "/api/v1/organizations/{id}/directory", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Organization id (UUID)")),
    request_body = DirectoryBody,
    responses((status = 200, body = OrganizationJson), WriteErrors, PathErrors,
        (status = 403, body = ErrorBody, description = "The caller is not a member of the organization nor a moderator"),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "A field is invalid; `field` names it; nothing is stored")))]
pub async fn patch_directory(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<OrganizationJson> {
    let body: DirectoryBody = json_body(&body)?;
    // An unknown organization still goes through the rule, so who may not
    // edit learns nothing; the service answers 404 to those who may.
    let current = directory::directory_entry(&app, id)
        .await?
        .unwrap_or_default();
    let (mut municipalities, mut states) = (Vec::new(), Vec::new());
    for territory in &current.territories {
        match territory {
            Territory::Municipality(m) => municipalities.push(m.to_string()),
            Territory::State(s) => states.push(s.to_string()),
        }
    }
    let input = DirectoryInput {
        sectors: body.sectors.unwrap_or_else(|| {
            current
                .sectors
                .iter()
                .map(|s| s.slug().to_owned())
                .collect()
        }),
        municipalities: body.municipalities.unwrap_or(municipalities),
        states: body.states.unwrap_or(states),
        website: body.website.or(current.website).unwrap_or_default(),
        contact: body.contact.or(current.contact).unwrap_or_default(),
        founded: match body.founded {
            Some(FoundedValue::Year(year)) => year.to_string(),
            Some(FoundedValue::Text(text)) => text,
            None => current.founded.map(|y| y.to_string()).unwrap_or_default(),
        },
    };
    directory::edit_entry(&app, auth.actor(), id, &input).await?;
    organization_json(&app, id).await
}

/// A moderator confirms an organization's entry against its sources
/// (`verified_at` becomes now).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/verify", tag = "directory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Organization id (UUID)")),
    responses((status = 200, body = OrganizationJson), WriteErrors, PathErrors,
        (status = 409, body = ErrorBody)))]
pub async fn verify_organization(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
) -> ApiResult<OrganizationJson> {
    directory::verify_entry(&app, auth.actor(), id).await?;
    organization_json(&app, id).await
}
