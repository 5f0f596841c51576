//! Moderators' changes to instruments and provisions, and their histories.

use super::{
    ApiError,
    body::{json_body, patch},
    error::{ApiResult, ErrorBody},
    legal::{InstrumentJson, ProvisionJson, provision_json},
    openapi::{BodilessWriteErrors, PathErrors, WriteErrors},
};
use crate::{
    AppState,
    app::legal_framework,
    http::auth::RequestAuth,
    http::ids::{Id, Slug},
};
use acoge_domain::{
    legal::{LegalInstrument, Provision},
    legal_change::{
        ChangeInput, InstrumentContent, InstrumentInput, ProvisionContent, ProvisionInput,
    },
};
use acoge_store::LegalVersion;
use axum::{Extension, Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An instrument to add. Every field is checked; all problems are reported
/// at once, the first one in `field`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInstrumentBody {
    /// Lower-case letters, digits and hyphens, 2 to 60; it never changes.
    pub id: String,
    /// internacional, federal, estatal or municipal.
    pub level: String,
    /// Where it applies, e.g. MX or MX-CHP.
    pub jurisdiction: String,
    pub name: String,
    /// YYYY, YYYY-MM or YYYY-MM-DD, not in the future.
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// At least one http or https address.
    pub sources: Vec<String>,
    #[serde(default)]
    pub verified: bool,
}

/// A correction of an instrument: the fields sent change, the others keep
/// their values; `note` says what was wrong and is required.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstrumentPatchBody {
    pub level: Option<String>,
    pub jurisdiction: Option<String>,
    pub name: Option<String>,
    pub published: Option<String>,
    pub notes: Option<String>,
    pub sources: Option<Vec<String>>,
    pub verified: Option<bool>,
    pub note: String,
}

/// A provision to add to an instrument.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProvisionBody {
    pub article: String,
    pub theme: String,
    /// Slugs of the rights it names, e.g. salud; at least one.
    pub rights: Vec<String>,
    /// federal, estatal, municipal; at least one.
    pub binds: Vec<String>,
    pub summary: String,
    /// Institutions the provision names as responsible.
    #[serde(default)]
    pub institutions: Vec<String>,
    /// The date this text took effect: YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub in_force_from: Option<String>,
    /// The provision's own source, when not its instrument's.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub verified: bool,
}

/// A correction or a reform of a provision: the fields sent change, the
/// others keep their values. A correction needs `note`; a reform needs an
/// `in_force_from` later than the current version's.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProvisionPatchBody {
    /// correccion or reforma.
    pub kind: String,
    #[serde(default)]
    pub note: Option<String>,
    pub article: Option<String>,
    pub theme: Option<String>,
    pub rights: Option<Vec<String>>,
    pub binds: Option<Vec<String>>,
    pub summary: Option<String>,
    pub institutions: Option<Vec<String>>,
    pub in_force_from: Option<String>,
    pub source: Option<String>,
    pub verified: Option<bool>,
}

/// Declares the JSON of one version in a history, for one kind of content.
macro_rules! version_type {
    ($name:ident, $content:ty) => {
        /// One version in a history, oldest first.
        #[derive(Serialize, ToSchema)]
        pub struct $name {
            pub version: i32,
            /// importacion (the reference data), alta, correccion, reforma or verificacion.
            pub kind: String,
            pub note: Option<String>,
            /// The moderator's name; null for the reference data.
            pub edited_by: Option<String>,
            /// RFC 3339; null for the reference data.
            pub recorded_at: Option<String>,
            pub content: $content,
        }

        impl<T: Into<$content>> From<LegalVersion<T>> for $name {
            fn from(v: LegalVersion<T>) -> Self {
                Self {
                    version: v.version,
                    kind: v.kind.slug().to_owned(),
                    note: v.note,
                    edited_by: v.edited_by_name,
                    recorded_at: v.recorded_at.map(|t| t.to_string()),
                    content: v.content.into(),
                }
            }
        }
    };
}

version_type!(ProvisionVersionJson, ProvisionContentJson);
version_type!(InstrumentVersionJson, InstrumentContentJson);

/// A provision's content in a version.
#[derive(Serialize, ToSchema)]
pub struct ProvisionContentJson {
    pub article: String,
    pub theme: String,
    pub rights: Vec<String>,
    pub binds: Vec<String>,
    pub summary: String,
    pub institutions: Vec<String>,
    pub in_force_from: Option<String>,
    pub source: Option<String>,
    pub verified: bool,
}

impl From<ProvisionContent> for ProvisionContentJson {
    fn from(c: ProvisionContent) -> Self {
        Self {
            rights: c.rights.iter().map(|r| r.slug().to_owned()).collect(),
            binds: c.binds.iter().map(|l| l.slug().to_owned()).collect(),
            in_force_from: c.in_force_from.map(|d| d.to_string()),
            article: c.article,
            theme: c.theme,
            summary: c.summary,
            institutions: c.institutions,
            source: c.source,
            verified: c.verified,
        }
    }
}

/// An instrument's content in a version.
#[derive(Serialize, ToSchema)]
pub struct InstrumentContentJson {
    pub level: String,
    pub jurisdiction: String,
    pub name: String,
    pub published: Option<String>,
    pub notes: Option<String>,
    pub sources: Vec<String>,
    pub verified: bool,
}

impl From<InstrumentContent> for InstrumentContentJson {
    fn from(c: InstrumentContent) -> Self {
        Self {
            level: c.level.slug().to_owned(),
            published: c.published.map(|d| d.to_string()),
            jurisdiction: c.jurisdiction,
            name: c.name,
            notes: c.notes,
            sources: c.sources,
            verified: c.verified,
        }
    }
}

/// A provision with every version of it, oldest first.
#[derive(Serialize, ToSchema)]
pub struct ProvisionDetail {
    #[serde(flatten)]
    pub provision: ProvisionJson,
    /// Empty while the provision is as the reference data gave it.
    pub versions: Vec<ProvisionVersionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct InstrumentVersions {
    pub id: String,
    /// Empty while the instrument is as the reference data gave it.
    pub versions: Vec<InstrumentVersionJson>,
}

fn no_such_record() -> ApiError {
    ApiError::not_found("no such instrument or provision")
}

async fn instrument(app: &AppState, id: &str) -> Result<LegalInstrument, ApiError> {
    legal_framework::legal_instrument(app, id)
        .await?
        .ok_or_else(no_such_record)
}

async fn provision(app: &AppState, id: Uuid) -> Result<Provision, ApiError> {
    legal_framework::provision(app, id)
        .await?
        .ok_or_else(no_such_record)
}

async fn provision_detail(app: &AppState, id: Uuid) -> Result<ProvisionDetail, ApiError> {
    let provision = provision(app, id).await?;
    let instruments = legal_framework::legal_instruments(app).await?;
    let versions = legal_framework::provision_versions(app, id).await?;
    Ok(ProvisionDetail {
        provision: provision_json(&provision, &instruments),
        versions: versions.into_iter().map(Into::into).collect(),
    })
}

async fn instrument_json(app: &AppState, id: &str) -> Result<InstrumentJson, ApiError> {
    Ok((&instrument(app, id).await?).into())
}

/// One provision with its history: corrections, reforms and verifications.
#[utoipa::path(get, path = "/api/v1/provisions/{id}", tag = "legal",
    params(("id" = Uuid, Path, description = "Provision id")),
    responses((status = 200, body = ProvisionDetail), PathErrors))]
pub async fn get_provision(
    State(app): State<AppState>,
    Id(id): Id<Uuid>,
) -> ApiResult<ProvisionDetail> {
    Ok(Json(provision_detail(&app, id).await?))
}

/// An instrument's history: additions, corrections and verifications.
#[utoipa::path(get, path = "/api/v1/legal-instruments/{id}/versions", tag = "legal",
    params(("id" = String, Path, description = "The instrument\'s short id", example = "ley-migracion", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    responses((status = 200, body = InstrumentVersions), PathErrors))]
pub async fn instrument_versions(
    State(app): State<AppState>,
    Id(id): Id<Slug>,
) -> ApiResult<InstrumentVersions> {
    let instrument = instrument_json(&app, &id).await?;
    let versions = legal_framework::instrument_versions(&app, &instrument.id).await?;
    Ok(Json(InstrumentVersions {
        id: instrument.id,
        versions: versions.into_iter().map(Into::into).collect(),
    }))
}

/// Adds a legal instrument (moderators).
#[utoipa::path(post, path = "/api/v1/legal-instruments", tag = "legal", security(("bearer" = [])),
    request_body = NewInstrumentBody,
    responses((status = 201, body = InstrumentJson), WriteErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid or the id is taken; `field` names it; nothing is stored")))]
pub async fn create_instrument(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<InstrumentJson>), ApiError> {
    let body: NewInstrumentBody = json_body(&body)?;
    let input = InstrumentInput {
        id: body.id,
        level: body.level,
        jurisdiction: body.jurisdiction,
        name: body.name,
        published: body.published.unwrap_or_default(),
        notes: body.notes.unwrap_or_default(),
        sources: body.sources,
        verified: body.verified,
    };
    let id = legal_framework::create_instrument(&app, auth.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(instrument_json(&app, &id).await?)))
}

/// Corrects a legal instrument (moderators); the old version stays readable.
#[utoipa::path(patch, path = "/api/v1/legal-instruments/{id}", tag = "legal", security(("bearer" = [])),
    params(("id" = String, Path, description = "The instrument\'s short id", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    request_body = InstrumentPatchBody,
    responses((status = 200, body = InstrumentJson), WriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid or nothing changed; `field` names it; nothing is stored")))]
pub async fn patch_instrument(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Slug>,
    body: axum::body::Bytes,
) -> ApiResult<InstrumentJson> {
    let current = instrument(&app, &id).await?;
    let body: InstrumentPatchBody = json_body(&body)?;
    let mut input = InstrumentContent::of(&current).to_input(&current.id);
    patch!(body => input; level, jurisdiction, name, published, notes, sources, verified);
    let change = ChangeInput {
        kind: String::new(),
        note: body.note,
    };
    legal_framework::edit_instrument(&app, auth.actor(), &id, &input, &change).await?;
    Ok(Json(instrument_json(&app, &id).await?))
}

/// Marks an instrument verified against its sources (moderators).
#[utoipa::path(post, path = "/api/v1/legal-instruments/{id}/verify", tag = "legal", security(("bearer" = [])),
    params(("id" = String, Path, description = "The instrument\'s short id", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    responses((status = 200, body = InstrumentJson), BodilessWriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "Already verified; `field` is `verified`")))]
pub async fn verify_instrument(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Slug>,
) -> ApiResult<InstrumentJson> {
    legal_framework::verify_instrument(&app, auth.actor(), &id).await?;
    Ok(Json(instrument_json(&app, &id).await?))
}

/// Adds a provision to an instrument (moderators).
#[utoipa::path(post, path = "/api/v1/legal-instruments/{id}/provisions", tag = "legal", security(("bearer" = [])),
    params(("id" = String, Path, description = "The instrument\'s short id", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    request_body = NewProvisionBody,
    responses((status = 201, body = ProvisionDetail), WriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid or the article is taken; `field` names it; nothing is stored")))]
pub async fn create_provision(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Slug>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ProvisionDetail>), ApiError> {
    let body: NewProvisionBody = json_body(&body)?;
    let input = ProvisionInput {
        article: body.article,
        theme: body.theme,
        rights: body.rights,
        binds: body.binds,
        summary: body.summary,
        institutions: body.institutions,
        in_force_from: body.in_force_from.unwrap_or_default(),
        source: body.source.unwrap_or_default(),
        verified: body.verified,
    };
    let new_id = legal_framework::create_provision(&app, auth.actor(), &id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(provision_detail(&app, new_id).await?),
    ))
}

/// Corrects or reforms a provision (moderators); old versions stay readable.
#[utoipa::path(patch, path = "/api/v1/provisions/{id}", tag = "legal", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Provision id")),
    request_body = ProvisionPatchBody,
    responses((status = 200, body = ProvisionDetail), WriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid or nothing changed; `field` names it; nothing is stored")))]
pub async fn patch_provision(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<ProvisionDetail> {
    let current = provision(&app, id).await?;
    let body: ProvisionPatchBody = json_body(&body)?;
    let mut input = ProvisionContent::of(&current).to_input();
    patch!(body => input;
        article, theme, summary, in_force_from, source, rights, institutions, binds, verified
    );
    let change = ChangeInput {
        kind: body.kind,
        note: body.note.unwrap_or_default(),
    };
    legal_framework::edit_provision(&app, auth.actor(), id, &input, &change).await?;
    Ok(Json(provision_detail(&app, id).await?))
}

/// Marks a provision's summary verified against its source (moderators).
#[utoipa::path(post, path = "/api/v1/provisions/{id}/verify", tag = "legal", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Provision id")),
    responses((status = 200, body = ProvisionDetail), BodilessWriteErrors, PathErrors,
        (status = 422, body = ErrorBody, description = "Already verified; `field` is `verified`")))]
pub async fn verify_provision(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
) -> ApiResult<ProvisionDetail> {
    legal_framework::verify_provision(&app, auth.actor(), id).await?;
    Ok(Json(provision_detail(&app, id).await?))
}
