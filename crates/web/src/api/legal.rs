//! Legal instruments, their provisions, and the responsibilities matrix
//! derived from them.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::openapi::{PathErrors, QueryErrors};
use super::schema::{InstrumentList, ProvisionList, Sources};
use crate::{
    AppState,
    app::{legal_framework, places},
    http::ids::{Id, Slug},
    http::params::Params,
};
use acoge_domain::{
    Cvegeo,
    legal::{CovidMeasure, InstrumentLevel, LegalInstrument, Provision},
    responsibilities::{Matrix, measure_applies},
    taxonomy::{GovernmentLevel, Right},
};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct InstrumentJson {
    /// Stable short id, e.g. `ley-migracion`.
    pub id: String,
    /// internacional, federal, estatal or municipal.
    pub level: String,
    /// Where it applies, e.g. MX.
    pub jurisdiction: String,
    pub name: String,
    /// Date of the version recorded: YYYY, YYYY-MM or YYYY-MM-DD.
    pub published: Option<String>,
    pub notes: Option<String>,
    #[serde(flatten)]
    pub provenance: Sources,
}

impl From<&LegalInstrument> for InstrumentJson {
    fn from(i: &LegalInstrument) -> Self {
        InstrumentJson {
            id: i.id.clone(),
            level: i.level.slug().to_owned(),
            jurisdiction: i.jurisdiction.clone(),
            name: i.name.clone(),
            published: i.published.map(|d| d.to_string()),
            notes: i.notes.clone(),
            provenance: (&i.provenance).into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ProvisionJson {
    pub id: String,
    pub instrument: String,
    pub article: String,
    pub theme: String,
    /// Slugs of the rights it names (`todos`: every right).
    pub rights: Vec<String>,
    /// Levels of government it binds: federal, estatal, municipal.
    pub binds: Vec<String>,
    /// A short summary, in Spanish.
    pub summary: String,
    /// Institutions the provision names as responsible, as a moderator
    /// recorded them; empty until someone has.
    pub institutions: Vec<String>,
    /// The date this text took effect (YYYY, YYYY-MM or YYYY-MM-DD), when recorded.
    pub in_force_from: Option<String>,
    /// False means "por verificar": the summary was not checked against the text.
    pub verified: bool,
    /// The provision's own source when it has one, otherwise its instrument's.
    pub sources: Vec<String>,
    /// 1 as loaded; each correction, reform or verification adds one.
    pub version: i32,
}

pub(super) fn provision_json(p: &Provision, instruments: &[LegalInstrument]) -> ProvisionJson {
    ProvisionJson {
        id: p.id.to_string(),
        instrument: p.instrument_id.clone(),
        article: p.article.clone(),
        theme: p.theme.clone(),
        rights: p.rights.iter().map(|r| r.slug().to_owned()).collect(),
        binds: p.binds.iter().map(|l| l.slug().to_owned()).collect(),
        summary: p.summary.clone(),
        institutions: p.institutions.clone(),
        in_force_from: p.in_force_from.map(|d| d.to_string()),
        verified: p.verified,
        sources: match &p.source {
            Some(source) => vec![source.clone()],
            None => instruments
                .iter()
                .find(|i| i.id == p.instrument_id)
                .map(|i| i.provenance.sources.clone())
                .unwrap_or_default(),
        },
        version: p.version,
    }
}

#[derive(Serialize, ToSchema)]
pub struct InstrumentDetail {
    #[serde(flatten)]
    pub instrument: InstrumentJson,
    pub provisions: Vec<ProvisionJson>,
}

/// Legal instruments (international, federal, state, municipal) with their sources.
#[utoipa::path(get, path = "/api/v1/legal-instruments", tag = "legal",
    params(("level" = Option<String>, Query, description = "internacional, federal, estatal or municipal")),
    responses((status = 200, body = InstrumentList), QueryErrors))]
pub async fn list_instruments(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<InstrumentList> {
    let params = Params::parse(query.as_deref())?;
    let level = params.parse_with("level", InstrumentLevel::parse)?;
    let instruments = legal_framework::legal_instruments(&app).await?;
    Ok(Json(
        instruments
            .iter()
            .filter(|i| level.is_none_or(|l| i.level == l))
            .map(InstrumentJson::from)
            .collect(),
    ))
}

/// One legal instrument with its provisions.
#[utoipa::path(get, path = "/api/v1/legal-instruments/{id}", tag = "legal",
    params(("id" = String, Path, description = "The instrument\'s short id", example = "ley-migracion", pattern = "^[a-z0-9][a-z0-9-]*[a-z0-9]$", min_length = 2, max_length = 60)),
    responses((status = 200, body = InstrumentDetail), PathErrors))]
pub async fn get_instrument(
    State(app): State<AppState>,
    Id(id): Id<Slug>,
) -> ApiResult<InstrumentDetail> {
    let instruments = legal_framework::legal_instruments(&app).await?;
    let instrument = instruments
        .iter()
        .find(|i| i.id == *id)
        .ok_or_else(|| ApiError::not_found("no legal instrument with that id"))?;
    let provisions = legal_framework::provisions(&app)
        .await?
        .iter()
        .filter(|p| p.instrument_id == *id)
        .map(|p| provision_json(p, &instruments))
        .collect();
    Ok(Json(InstrumentDetail {
        instrument: instrument.into(),
        provisions,
    }))
}

/// Provisions, by instrument, right or level of government bound.
#[utoipa::path(get, path = "/api/v1/provisions", tag = "legal",
    params(
        ("instrument" = Option<String>, Query, description = "An instrument's short id"),
        ("right" = Option<String>, Query, description = "A right's slug, e.g. salud; provisions on every right (todos) are included"),
        ("level" = Option<String>, Query, description = "federal, estatal or municipal")
    ),
    responses((status = 200, body = ProvisionList), QueryErrors))]
pub async fn list_provisions(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<ProvisionList> {
    let params = Params::parse(query.as_deref())?;
    let right = params.parse_with("right", Right::parse)?;
    let level = params.parse_with("level", GovernmentLevel::parse)?;
    let instrument = params.get("instrument");
    let instruments = legal_framework::legal_instruments(&app).await?;
    let provisions = legal_framework::provisions(&app).await?;
    Ok(Json(
        provisions
            .iter()
            .filter(|p| instrument.is_none_or(|i| p.instrument_id == i))
            .filter(|p| {
                right.is_none_or(|r| p.rights.contains(&r) || p.rights.contains(&Right::All))
            })
            .filter(|p| level.is_none_or(|l| p.binds.contains(&l)))
            .map(|p| provision_json(p, &instruments))
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CellJson {
    /// federal, estatal or municipal.
    pub level: String,
    pub provisions: Vec<ProvisionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct RightRowJson {
    /// The right's slug (`todos`: provisions on every right).
    pub right: String,
    pub cells: Vec<CellJson>,
}

#[derive(Serialize, ToSchema)]
pub struct CovidMeasureJson {
    pub date: String,
    /// nacional, federal or local.
    pub level: String,
    pub actor: String,
    pub measure: String,
    #[serde(flatten)]
    pub provenance: Sources,
}

impl From<&CovidMeasure> for CovidMeasureJson {
    fn from(c: &CovidMeasure) -> Self {
        CovidMeasureJson {
            date: c.date.to_string(),
            level: c.level.slug().to_owned(),
            actor: c.actor.clone(),
            measure: c.measure.clone(),
            provenance: (&c.provenance).into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LevelJson {
    /// federal, estatal or municipal.
    pub level: String,
    /// Distinct provisions binding this level, over all rights.
    pub provisions: u64,
    /// COVID-19 measures taken at this level (local ones count for both state and municipal).
    pub covid_measures: Vec<CovidMeasureJson>,
}

#[derive(Serialize, ToSchema)]
pub struct ResponsibilitiesJson {
    pub levels: Vec<LevelJson>,
    pub rights: Vec<RightRowJson>,
}

/// Rights × levels of government: the provisions that bind each level for each right.
#[utoipa::path(get, path = "/api/v1/responsibilities", tag = "legal",
    responses((status = 200, body = ResponsibilitiesJson), (status = 500, body = ErrorBody)))]
pub async fn responsibilities(State(app): State<AppState>) -> ApiResult<ResponsibilitiesJson> {
    let instruments = legal_framework::legal_instruments(&app).await?;
    let matrix = Matrix::from_provisions(&legal_framework::provisions(&app).await?);
    let covid = legal_framework::covid_measures(&app).await?;
    Ok(Json(ResponsibilitiesJson {
        levels: GovernmentLevel::ALL
            .iter()
            .map(|&level| LevelJson {
                level: level.slug().to_owned(),
                provisions: matrix.load(level) as u64,
                covid_measures: covid
                    .iter()
                    .filter(|c| measure_applies(c.level, level))
                    .map(CovidMeasureJson::from)
                    .collect(),
            })
            .collect(),
        rights: matrix
            .rights()
            .into_iter()
            .map(|right| RightRowJson {
                right: right.slug().to_owned(),
                cells: GovernmentLevel::ALL
                    .iter()
                    .map(|&level| CellJson {
                        level: level.slug().to_owned(),
                        provisions: matrix
                            .cell(right, level)
                            .iter()
                            .map(|p| provision_json(p, &instruments))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MandateRightJson {
    pub right: String,
    pub provisions: Vec<ProvisionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct MandateLevelJson {
    /// municipal, estatal or federal (nearest first).
    pub level: String,
    pub rights: Vec<MandateRightJson>,
}

#[derive(Serialize, ToSchema)]
pub struct StateLawJson {
    pub name: String,
    pub published: Option<String>,
    #[serde(flatten)]
    pub provenance: Sources,
}

#[derive(Serialize, ToSchema)]
pub struct MandateJson {
    pub cvegeo: String,
    pub name: String,
    pub cve_ent: String,
    pub levels: Vec<MandateLevelJson>,
    /// The state's specific laws on migrants; empty when none is recorded.
    pub state_laws: Vec<StateLawJson>,
}

/// What a municipality, its state and the federation must guarantee there, with the provisions that say so.
#[utoipa::path(get, path = "/api/v1/municipalities/{cvegeo}/mandate", tag = "legal",
    params(("cvegeo" = String, Path, description = "INEGI geostatistical key, five digits: the state's two, then the municipality's three", example = "07089", pattern = "^(0[1-9]|[12][0-9]|3[0-2])[0-9]{3}$")),
    responses((status = 200, body = MandateJson), PathErrors))]
pub async fn municipality_mandate(
    State(app): State<AppState>,
    Id(key): Id<Cvegeo>,
) -> ApiResult<MandateJson> {
    let missing = || ApiError::not_found("no municipality with that CVEGEO");
    let municipality = places::municipality(&app, &key)
        .await?
        .ok_or_else(missing)?;
    let legal_framework::Mandate {
        instruments,
        levels,
        state_laws,
    } = legal_framework::mandate(&app, &key, &municipality.state_key).await?;
    let levels = levels
        .into_iter()
        .map(|level| MandateLevelJson {
            level: level.level.slug().to_owned(),
            rights: level
                .rights
                .iter()
                .map(|(right, provisions)| MandateRightJson {
                    right: right.slug().to_owned(),
                    provisions: provisions
                        .iter()
                        .map(|p| provision_json(p, &instruments))
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let state_laws = state_laws
        .iter()
        .map(|law| StateLawJson {
            name: law.name.clone(),
            published: law.published.map(|d| d.to_string()),
            provenance: (&law.provenance).into(),
        })
        .collect();
    Ok(Json(MandateJson {
        cvegeo: key.as_str().to_owned(),
        cve_ent: municipality.state_key.as_str().to_owned(),
        name: municipality.name,
        levels,
        state_laws,
    }))
}
