//! Legal instruments, provisions, state laws, COVID-19 measures, COMAR figures.

use crate::{
    Db, StoreError,
    db::dispatch,
    rows::{count, provenance, take_sorted, try_grouped},
};
use acoge_domain::{
    StateKey,
    dates::PartialDate,
    legal::{
        AsylumApplications, CovidMeasure, InstrumentLevel, LegalInstrument, MeasureLevel,
        Provision, StateLaw,
    },
    taxonomy::{GovernmentLevel, Right},
};
use acoge_domain::{
    lang::Bilingual,
    legal::{HarmonizationFinding, HarmonizationPrinciple, HarmonizationValue},
};
use uuid::Uuid;

fn date(
    table: &'static str,
    column: &'static str,
    value: Option<String>,
) -> Result<Option<PartialDate>, StoreError> {
    value
        .map(|v| PartialDate::parse(&v))
        .transpose()
        .map_err(|e| StoreError::corrupt(table, column, e))
}

#[derive(sqlx::FromRow)]
struct InstrumentRow {
    id: String,
    level: String,
    jurisdiction: String,
    name: String,
    published: Option<String>,
    notes: Option<String>,
    verified: bool,
    sources: String,
}

#[derive(sqlx::FromRow)]
struct ProvisionRow {
    id: Uuid,
    instrument_id: String,
    article: String,
    theme: String,
    summary: String,
    verified: bool,
    in_force_from: Option<String>,
    source: Option<String>,
    version: i32,
    institutions: String,
}

#[derive(sqlx::FromRow)]
struct StateLawRow {
    id: Uuid,
    cve_ent: String,
    name: String,
    published: Option<String>,
    notes: Option<String>,
    verified: bool,
    sources: String,
}

#[derive(sqlx::FromRow)]
struct CovidRow {
    id: Uuid,
    date: String,
    level: String,
    actor: String,
    measure: String,
    verified: bool,
    sources: String,
}

#[derive(sqlx::FromRow)]
struct AsylumRow {
    year: i16,
    applications: i64,
    notes: Option<String>,
    verified: bool,
    sources: String,
}

impl Db {
    pub async fn legal_instruments(&self) -> Result<Vec<LegalInstrument>, StoreError> {
        self.instruments_where(None).await
    }

    pub async fn legal_instrument(&self, id: &str) -> Result<Option<LegalInstrument>, StoreError> {
        Ok(self.instruments_where(Some(id)).await?.into_iter().next())
    }

    async fn instruments_where(
        &self,
        id: Option<&str>,
    ) -> Result<Vec<LegalInstrument>, StoreError> {
        let rows: Vec<InstrumentRow> = self
            .rows_by(
                "SELECT id, level, jurisdiction, name, published, notes, verified, sources
                 FROM legal_instruments WHERE ($1 IS NULL OR id = $1)
                 ORDER BY level DESC, published, id",
                id.map(str::to_owned),
            )
            .await?;
        const TABLE: &str = "legal_instruments";
        rows.into_iter()
            .map(|r| {
                Ok(LegalInstrument {
                    level: InstrumentLevel::parse(&r.level)
                        .map_err(|e| StoreError::corrupt(TABLE, "level", e))?,
                    published: date(TABLE, "published", r.published)?,
                    provenance: provenance(TABLE, &r.sources, r.verified)?,
                    id: r.id,
                    jurisdiction: r.jurisdiction,
                    name: r.name,
                    notes: r.notes,
                })
            })
            .collect()
    }

    /// Provisions with their rights and levels, in instrument and article order.
    pub async fn provisions(&self) -> Result<Vec<Provision>, StoreError> {
        self.provisions_where(None).await
    }

    pub async fn provision(&self, id: Uuid) -> Result<Option<Provision>, StoreError> {
        Ok(self.provisions_where(Some(id)).await?.into_iter().next())
    }

    async fn provisions_where(&self, id: Option<Uuid>) -> Result<Vec<Provision>, StoreError> {
        /// (provision id, slug) pairs of a junction table.
        type Tags = Vec<(Uuid, String)>;
        let rows: Vec<ProvisionRow> = self
            .rows_by(
                "SELECT id, instrument_id, article, theme, summary, verified, in_force_from,
                    source, version, institutions
                 FROM provisions WHERE ($1 IS NULL OR id = $1) ORDER BY instrument_id, id",
                id,
            )
            .await?;
        let rights: Tags = self
            .rows_by(
                "SELECT provision_id, right_slug FROM provision_rights
                 WHERE ($1 IS NULL OR provision_id = $1)",
                id,
            )
            .await?;
        let levels: Tags = self
            .rows_by(
                "SELECT provision_id, level FROM provision_levels
                 WHERE ($1 IS NULL OR provision_id = $1)",
                id,
            )
            .await?;
        let mut rights_of = try_grouped(rights, |slug| {
            Right::parse(&slug)
                .map_err(|e| StoreError::corrupt("provision_rights", "right_slug", e))
        })?;
        let mut levels_of = try_grouped(levels, |slug| {
            GovernmentLevel::parse(&slug)
                .map_err(|e| StoreError::corrupt("provision_levels", "level", e))
        })?;
        rows.into_iter()
            .map(|r| {
                let rights = take_sorted(&mut rights_of, &r.id);
                let binds = take_sorted(&mut levels_of, &r.id);
                Ok(Provision {
                    id: r.id,
                    instrument_id: r.instrument_id,
                    article: r.article,
                    theme: r.theme,
                    rights,
                    binds,
                    summary: r.summary,
                    institutions: serde_json::from_str(&r.institutions)
                        .map_err(|e| StoreError::corrupt("provisions", "institutions", e))?,
                    in_force_from: date("provisions", "in_force_from", r.in_force_from)?,
                    source: r.source,
                    verified: r.verified,
                    version: r.version,
                })
            })
            .collect()
    }

    /// State laws on migrants, of one state or of all.
    pub async fn state_laws(&self, state: Option<&StateKey>) -> Result<Vec<StateLaw>, StoreError> {
        let rows: Vec<StateLawRow> = self
            .rows_by(
                "SELECT id, cve_ent, name, published, notes, verified, sources FROM state_laws
                 WHERE ($1 IS NULL OR cve_ent = $1) ORDER BY cve_ent, name",
                state.map(|key| key.as_str().to_owned()),
            )
            .await?;
        const TABLE: &str = "state_laws";
        rows.into_iter()
            .map(|r| {
                Ok(StateLaw {
                    id: r.id,
                    state_key: StateKey::parse(&r.cve_ent)
                        .map_err(|e| StoreError::corrupt(TABLE, "cve_ent", e))?,
                    name: r.name,
                    published: date(TABLE, "published", r.published)?,
                    notes: r.notes,
                    provenance: provenance(TABLE, &r.sources, r.verified)?,
                })
            })
            .collect()
    }

    pub async fn covid_measures(&self) -> Result<Vec<CovidMeasure>, StoreError> {
        let rows: Vec<CovidRow> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT id, date, level, actor, measure, verified, sources FROM covid_measures
                 ORDER BY date, actor",
            )
            .fetch_all(pool)
            .await?
        });
        const TABLE: &str = "covid_measures";
        rows.into_iter()
            .map(|r| {
                Ok(CovidMeasure {
                    id: r.id,
                    date: PartialDate::parse(&r.date)
                        .map_err(|e| StoreError::corrupt(TABLE, "date", e))?,
                    level: MeasureLevel::parse(&r.level)
                        .map_err(|e| StoreError::corrupt(TABLE, "level", e))?,
                    actor: r.actor,
                    measure: r.measure,
                    provenance: provenance(TABLE, &r.sources, r.verified)?,
                })
            })
            .collect()
    }

    pub async fn asylum_applications(&self) -> Result<Vec<AsylumApplications>, StoreError> {
        let rows: Vec<AsylumRow> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT year, applications, notes, verified, sources FROM asylum_applications
                 ORDER BY year",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(AsylumApplications {
                    year: r.year,
                    applications: count(r.applications),
                    notes: r.notes,
                    provenance: provenance("asylum_applications", &r.sources, r.verified)?,
                })
            })
            .collect()
    }
}

impl Db {
    /// The principles state laws are measured against, in the data's order.
    pub async fn harmonization_principles(
        &self,
    ) -> Result<Vec<HarmonizationPrinciple>, StoreError> {
        type Row = (String, String, String, Option<String>, Option<String>, bool);
        let rows: Vec<Row> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT id, text_es, text_en, instrument_id, article, verified
                 FROM harmonization_principles ORDER BY position",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, es, en, instrument_id, article, verified)| HarmonizationPrinciple {
                    id,
                    text: Bilingual { es, en },
                    instrument_id,
                    article,
                    verified,
                },
            )
            .collect())
    }

    /// Findings for one state or all, in the data's order (older laws first).
    pub async fn harmonization_findings(
        &self,
        state: Option<&StateKey>,
    ) -> Result<Vec<HarmonizationFinding>, StoreError> {
        type Row = (
            Uuid,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            bool,
            String,
        );
        let rows: Vec<Row> = self
            .rows_by(
                "SELECT id, cve_ent, law, principle_id, value, article, notes, verified, sources
                 FROM harmonization_findings WHERE ($1 IS NULL OR cve_ent = $1) ORDER BY position",
                state.map(|key| key.as_str().to_owned()),
            )
            .await?;
        const TABLE: &str = "harmonization_findings";
        rows.into_iter()
            .map(
                |(id, cve_ent, law, principle_id, value, article, notes, verified, sources)| {
                    Ok(HarmonizationFinding {
                        id,
                        state_key: StateKey::parse(&cve_ent)
                            .map_err(|e| StoreError::corrupt(TABLE, "cve_ent", e))?,
                        law,
                        principle_id,
                        value: HarmonizationValue::parse(&value)
                            .map_err(|e| StoreError::corrupt(TABLE, "value", e))?,
                        article,
                        notes,
                        provenance: provenance(TABLE, &sources, verified)?,
                    })
                },
            )
            .collect()
    }
}
