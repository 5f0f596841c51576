//! The state harmonization tracker: the principles of federal law and what
//! each state's law says on them, with a score over the principles assessed.

use super::error::{ApiResult, ErrorBody};
use super::schema::{Sources, TextJson};
use crate::{AppState, app::legal_framework};
use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct PrincipleJson {
    pub id: String,
    pub text: TextJson,
    /// The federal instrument and article behind it, when there is one.
    pub instrument: Option<String>,
    pub article: Option<String>,
    pub verified: bool,
}

#[derive(Serialize, ToSchema)]
pub struct FindingJson {
    pub law: String,
    pub principle: String,
    /// presente, parcial, ausente or contradice.
    pub value: String,
    pub article: Option<String>,
    pub notes: Option<String>,
    #[serde(flatten)]
    pub provenance: Sources,
}

#[derive(Serialize, ToSchema)]
pub struct StateHarmonizationJson {
    pub cve_ent: String,
    pub name: String,
    /// Whether Acoge records a specific state law on migrants.
    pub has_state_law: bool,
    /// Points over the principles assessed (present 1, partial ½, otherwise 0); null with no findings.
    pub score: Option<f64>,
    /// How many principles have a finding: what `score` stands on.
    pub principles_evaluated: u64,
    /// How many principles there are.
    pub principles_total: u64,
    pub findings: Vec<FindingJson>,
}

#[derive(Serialize, ToSchema)]
pub struct HarmonizationJson {
    pub principles: Vec<PrincipleJson>,
    pub states: Vec<StateHarmonizationJson>,
}

/// Every state's law measured against the principles of federal law.
#[utoipa::path(get, path = "/api/v1/harmonization", tag = "legal",
    responses((status = 200, body = HarmonizationJson), (status = 500, body = ErrorBody)))]
pub async fn harmonization(State(app): State<AppState>) -> ApiResult<HarmonizationJson> {
    let tracker = legal_framework::harmonization(&app).await?;
    Ok(Json(HarmonizationJson {
        principles: tracker
            .principles
            .iter()
            .map(|p| PrincipleJson {
                id: p.id.clone(),
                text: TextJson {
                    es: p.text.es.clone(),
                    en: p.text.en.clone(),
                },
                instrument: p.instrument_id.clone(),
                article: p.article.clone(),
                verified: p.verified,
            })
            .collect(),
        states: tracker
            .rows
            .iter()
            .map(|row| StateHarmonizationJson {
                findings: row
                    .findings
                    .iter()
                    .map(|f| FindingJson {
                        law: f.law.clone(),
                        principle: f.principle_id.clone(),
                        value: f.value.slug().to_owned(),
                        article: f.article.clone(),
                        notes: f.notes.clone(),
                        provenance: (&f.provenance).into(),
                    })
                    .collect(),
                cve_ent: row.key.to_string(),
                name: row.name.clone(),
                has_state_law: row.has_law,
                score: row.score,
                principles_evaluated: row.evaluated as u64,
                principles_total: row.cells.len() as u64,
            })
            .collect(),
    }))
}
