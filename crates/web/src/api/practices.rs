//! The practices API.

use super::{
    ApiError,
    body::{json_body, patch},
    error::{ApiResult, ErrorBody},
    openapi::{BodilessWriteErrors, DeepPaging, PathErrors, WriteErrors},
};
use crate::{
    AppState,
    app::{error::AppError, legal_framework, practices},
    http::auth::RequestAuth,
    http::filters::{API_FILTERS, filter_from},
    http::ids::Id,
    http::params::{ParamError, Params, existing_page},
};
use acoge_domain::legal::Provision;
use acoge_domain::{
    page::PageRequest,
    practice::{Partner, PracticeInput, ReviewDecision},
};
use acoge_store::PracticeRecord;
use axum::{
    Extension, Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

/// An organization as a practice names it.
#[derive(Serialize, ToSchema)]
pub struct PartnerJson {
    /// Null for a partner proposed by name, not yet in the directory.
    pub id: Option<Uuid>,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProvisionRefJson {
    pub id: Uuid,
    pub instrument: String,
    pub article: String,
}

/// A practice. Narrative sections are Markdown.
#[derive(Serialize, ToSchema)]
pub struct PracticeJson {
    pub id: Uuid,
    /// borrador, enviada, en_revision, publicada, cambios_solicitados or rechazada.
    pub status: String,
    pub title: String,
    pub summary: String,
    /// UN-Habitat sections: situacion_previa, prioridades, objetivos_estrategias, recursos,
    /// proceso, resultados, sostenibilidad, lecciones, transferibilidad.
    pub sections: BTreeMap<String, String>,
    /// CVEGEO keys.
    pub municipalities: Vec<String>,
    pub lead_organization: PartnerJson,
    pub partners: Vec<PartnerJson>,
    pub levels_of_government: Vec<String>,
    pub rights: Vec<String>,
    pub sectors: Vec<String>,
    pub populations: Vec<String>,
    pub gcm_objectives: Vec<u8>,
    pub covid19: bool,
    pub covid19_how: String,
    pub legal_basis: Vec<ProvisionRefJson>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub implementation_status: String,
    pub results: String,
    pub resources: String,
    pub evidence: Vec<String>,
    pub contact_organization: Option<Uuid>,
    /// Example content written from the reference data, not submitted by a member.
    pub is_example: bool,
    pub version: i32,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PracticeList {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub max_per_page: u32,
    pub items: Vec<PracticeJson>,
}

/// The practices as the API shows them: every organization they name and
/// every provision resolved in one query each, not one per practice.
async fn to_json_all(
    app: &AppState,
    records: Vec<PracticeRecord>,
) -> Result<Vec<PracticeJson>, ApiError> {
    let provisions = legal_framework::provisions(app).await?;
    let ids: Vec<Uuid> = records
        .iter()
        .flat_map(|r| {
            let c = &r.content;
            std::iter::once(c.lead_organization).chain(c.partners.iter().filter_map(|p| match p {
                Partner::Existing(id) => Some(*id),
                Partner::Proposed(_) => None,
            }))
        })
        .collect();
    let names = practices::organization_names(app, &ids).await?;
    Ok(records
        .into_iter()
        .map(|record| to_json(&provisions, &names, record))
        .collect())
}

/// One practice as the API shows it.
async fn one_json(app: &AppState, record: PracticeRecord) -> Result<PracticeJson, ApiError> {
    to_json_all(app, vec![record])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("a practice turned into no JSON").into())
}

/// `provisions` is every legal provision, `names` the names of the
/// organizations the practice names.
fn to_json(
    provisions: &[Provision],
    names: &HashMap<Uuid, String>,
    record: PracticeRecord,
) -> PracticeJson {
    let name_of = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
    let c = record.content;
    let partners = c
        .partners
        .iter()
        .map(|partner| match partner {
            Partner::Existing(id) => PartnerJson {
                id: Some(*id),
                name: name_of(*id),
            },
            Partner::Proposed(name) => PartnerJson {
                id: None,
                name: name.clone(),
            },
        })
        .collect();
    let legal_basis = c
        .legal_basis
        .iter()
        .filter_map(|id| provisions.iter().find(|p| p.id == *id))
        .map(|p| ProvisionRefJson {
            id: p.id,
            instrument: p.instrument_id.clone(),
            article: p.article.clone(),
        })
        .collect();
    PracticeJson {
        id: record.id,
        status: record.status.slug().to_owned(),
        lead_organization: PartnerJson {
            id: Some(c.lead_organization),
            name: name_of(c.lead_organization),
        },
        title: c.title,
        summary: c.summary,
        sections: c
            .sections
            .into_iter()
            .map(|(k, v)| (k.slug().to_owned(), v))
            .collect(),
        municipalities: c.municipalities.iter().map(|m| m.to_string()).collect(),
        partners,
        levels_of_government: c
            .levels_of_government
            .iter()
            .map(|t| t.slug().to_owned())
            .collect(),
        rights: c.rights.iter().map(|t| t.slug().to_owned()).collect(),
        sectors: c.sectors.iter().map(|t| t.slug().to_owned()).collect(),
        populations: c.populations.iter().map(|t| t.slug().to_owned()).collect(),
        gcm_objectives: c.gcm_objectives,
        covid19: c.covid19,
        covid19_how: c.covid19_how,
        legal_basis,
        start_date: c.start_date.map(|d| d.to_string()),
        end_date: c.end_date.map(|d| d.to_string()),
        implementation_status: c.implementation_status.slug().to_owned(),
        results: c.results,
        resources: c.resources,
        evidence: c.evidence,
        contact_organization: c.contact_organization,
        is_example: record.is_example,
        version: record.version,
        created_at: record.created_at.to_string(),
        updated_at: record.updated_at.to_string(),
        published_at: record.published_at.map(|t| t.to_string()),
    }
}

/// Practices visible to the caller (published ones without a token).
#[utoipa::path(get, path = "/api/v1/practices", tag = "practices",
    params(
        ("q" = Option<String>, Query, description = "Words in the title or summary"),
        ("state" = Option<String>, Query, description = "INEGI state key"),
        ("municipality" = Option<String>, Query, description = "CVEGEO"),
        ("right" = Option<String>, Query, description = "Right slug, e.g. salud"),
        ("sector" = Option<String>, Query, description = "Sector slug"),
        ("population" = Option<String>, Query, description = "Population slug"),
        ("level" = Option<String>, Query, description = "federal, estatal or municipal"),
        ("gcm_objective" = Option<u8>, Query, description = "Global Compact objective, 1 to 23", minimum = 1, maximum = 23),
        ("covid19" = Option<bool>, Query, description = "Only practices that responded (or not) to COVID-19"),
        ("year" = Option<i32>, Query, description = "Start year", minimum = 1900, maximum = 2100),
        ("status" = Option<String>, Query, description = "Workflow status (only those the caller may see)"),
        ("organization" = Option<Uuid>, Query, description = "Only practices this organization leads, joins or is contact for"),
        ("sort" = Option<String>, Query, description = "recent (default), title or start"),
        DeepPaging
    ),
    responses((status = 200, body = PracticeList), (status = 400, body = ErrorBody, description = "A parameter is invalid (`parameter` names it): an unknown value, `sort` not one of recent, title or start, `per_page` over 100, or `page` too deep or past the last page")))]
pub async fn list_practices(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    RawQuery(query): RawQuery,
) -> ApiResult<PracticeList> {
    let params = Params::parse(query.as_deref())?;
    let (filter, sort) = filter_from(&params, &API_FILTERS)?;
    let request = params.page(PageRequest::DEFAULT_PER_PAGE)?;
    let query = practices::ListQuery::read_by(auth.actor(), &filter, sort, request);
    let page = practices::practices(&app, &query).await?;
    existing_page(request, page.total).map_err(ParamError::from)?;
    let items = to_json_all(&app, page.items).await?;
    Ok(Json(PracticeList {
        total: page.total,
        page: request.page,
        per_page: request.per_page,
        max_per_page: PageRequest::MAX_PER_PAGE,
        items,
    }))
}

/// One practice; an unpublished practice is a 404 to those who may not see it.
#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "practices",
    params(("id" = Uuid, Path, description = "Practice id")),
    responses((status = 200, body = PracticeJson), PathErrors))]
pub async fn get_practice(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
) -> ApiResult<PracticeJson> {
    let record = practices::visible(&app, auth.actor(), id).await?;
    Ok(Json(one_json(&app, record).await?))
}

/// A practice as sent to the API. Partners are organization ids, or
/// `{"name": "..."}` for one not yet in the directory.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PracticeBody {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub sections: Option<BTreeMap<String, String>>,
    pub municipalities: Option<Vec<String>>,
    pub lead_organization: Option<String>,
    #[schema(value_type = Option<Vec<Object>>)]
    pub partners: Option<Vec<Value>>,
    pub levels_of_government: Option<Vec<String>>,
    pub rights: Option<Vec<String>>,
    pub sectors: Option<Vec<String>>,
    pub populations: Option<Vec<String>>,
    pub gcm_objectives: Option<Vec<i64>>,
    pub covid19: Option<bool>,
    pub covid19_how: Option<String>,
    /// Provision ids.
    pub legal_basis: Option<Vec<String>>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub implementation_status: Option<String>,
    pub results: Option<String>,
    pub resources: Option<String>,
    pub evidence: Option<Vec<String>>,
    pub contact_organization: Option<String>,
}

impl PracticeBody {
    /// Applies the fields present onto `base` (all of them for a new practice).
    fn apply(self, mut base: PracticeInput) -> PracticeInput {
        patch!(self => base;
            title,
            summary,
            sections,
            municipalities,
            lead_organization,
            levels_of_government,
            rights,
            sectors,
            populations,
            covid19,
            covid19_how,
            legal_basis,
            start_date,
            end_date,
            implementation_status,
            results,
            resources,
            evidence,
            contact_organization
        );
        if let Some(objectives) = self.gcm_objectives {
            base.gcm_objectives = objectives.iter().map(i64::to_string).collect();
        }
        if let Some(partners) = self.partners {
            base.partners.clear();
            base.proposed_partners.clear();
            for partner in partners {
                match partner {
                    Value::String(id) => base.partners.push(id),
                    Value::Object(object) => base.proposed_partners.push(
                        object
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    ),
                    other => base.partners.push(other.to_string()),
                }
            }
        }
        base
    }
}

/// Creates a draft of the caller's organization.
#[utoipa::path(post, path = "/api/v1/practices", tag = "practices", security(("bearer" = [])),
    request_body = PracticeBody,
    responses((status = 201, body = PracticeJson), WriteErrors,
        (status = 422, body = ErrorBody, description = "A field is invalid; `field` names it; nothing is stored")))]
pub async fn create_practice(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<PracticeJson>), ApiError> {
    let input = json_body::<PracticeBody>(&body)?.apply(PracticeInput::default());
    let id = practices::create(&app, auth.actor(), &input).await?;
    let record = practices::visible(&app, auth.actor(), id).await?;
    Ok((StatusCode::CREATED, Json(one_json(&app, record).await?)))
}

/// Changes the fields sent; the others keep their values. Editing a published
/// practice makes a new version.
#[utoipa::path(patch, path = "/api/v1/practices/{id}", tag = "practices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Practice id")),
    request_body = PracticeBody,
    responses((status = 200, body = PracticeJson), WriteErrors, PathErrors,
        (status = 409, body = ErrorBody, description = "Not editable in its state"),
        (status = 422, body = ErrorBody)))]
pub async fn patch_practice(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<PracticeJson> {
    let current = practices::visible(&app, auth.actor(), id).await?;
    let input = json_body::<PracticeBody>(&body)?.apply(current.content.to_input());
    practices::edit(&app, auth.actor(), id, &input).await?;
    let record = practices::visible(&app, auth.actor(), id).await?;
    Ok(Json(one_json(&app, record).await?))
}

/// Sends a draft (or a practice sent back for changes) to review.
#[utoipa::path(post, path = "/api/v1/practices/{id}/submit", tag = "practices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Practice id")),
    responses((status = 200, body = PracticeJson), BodilessWriteErrors, PathErrors,
        (status = 409, body = ErrorBody)))]
pub async fn submit_practice(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
) -> ApiResult<PracticeJson> {
    practices::submit(&app, auth.actor(), id).await?;
    let record = practices::visible(&app, auth.actor(), id).await?;
    Ok(Json(one_json(&app, record).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewBody {
    /// aprobar, pedir_cambios or rechazar.
    pub decision: String,
    /// Criterion slug → met or not: objetivo_pacto, principios_rectores, posterior_2018,
    /// concluida, innovadora_replicable, fuentes.
    #[serde(default)]
    pub checklist: BTreeMap<String, bool>,
    /// Required unless approving.
    #[serde(default)]
    pub comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResultJson {
    /// The practice's status after this review.
    pub status: String,
}

/// Files a review (reviewers of other organizations). Two approvals publish.
#[utoipa::path(post, path = "/api/v1/practices/{id}/reviews", tag = "practices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Practice id")),
    request_body = ReviewBody,
    responses((status = 201, body = ReviewResultJson), WriteErrors, PathErrors,
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_practice(
    State(app): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Id(id): Id<Uuid>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ReviewResultJson>), ApiError> {
    let body: ReviewBody = json_body(&body)?;
    let decision = ReviewDecision::parse(&body.decision).ok();
    let checklist = body
        .checklist
        .into_iter()
        .filter(|(k, _)| acoge_domain::practice::Criterion::parse(k).is_ok())
        .collect();
    let status =
        practices::review(&app, auth.actor(), id, decision, &checklist, &body.comment).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReviewResultJson {
            status: status.slug().to_owned(),
        }),
    ))
}
