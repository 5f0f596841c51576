//! Importing the reference data set: one transaction, upserts by natural key,
//! and a digest so that importing the same set twice changes nothing.

use crate::{
    Db, StoreError,
    audit::{AuditRecord, record_audit},
    db::{BeginWrite, Tx, dispatch},
    event_edits::{bind_event_content, replace_questions_and_links},
    legal_changes::write_provision_tags,
    organizations::upsert_organization,
    outbox::{commit_and_announce, record_change},
    rows::optional_scalar,
    time::DbTime,
};
use acoge_domain::{
    StateKey, Timestamp,
    event::EventRecord,
    geo::{MunicipalContext, Municipality, State, fold_name},
    legal::{
        AsylumApplications, CovidMeasure, HarmonizationFinding, HarmonizationPrinciple,
        LegalInstrument, Provision, StateLaw,
    },
    organization::Organization,
    reference::ReferenceData,
};
use uuid::Uuid;

const DATASET: &str = "reference";

/// The digest recorded for a data set (`$1`), if it was imported.
const DIGEST_OF: &str = "SELECT digest FROM reference_imports WHERE dataset = $1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The database already holds this exact data set; nothing was written.
    AlreadyCurrent,
    /// The data set was written; the number of records.
    Imported(u64),
}

/// Called with the number of records just written, for progress bars.
pub type ImportProgress<'a> = &'a (dyn Fn(u64) + Sync);

fn opt_i64(value: Option<u64>) -> Option<i64> {
    value.and_then(|v| i64::try_from(v).ok())
}

impl Db {
    /// The digest of the reference data set last imported, if any.
    pub async fn reference_digest(&self) -> Result<Option<String>, StoreError> {
        self.dataset_digest(DATASET).await
    }

    /// The digest recorded for a named data set (e.g. "examples").
    pub async fn dataset_digest(&self, dataset: &str) -> Result<Option<String>, StoreError> {
        Ok(dispatch!(self, |pool| {
            sqlx::query_scalar(DIGEST_OF)
                .bind(dataset)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Records that a named data set with `digest` is fully imported.
    pub async fn record_dataset_digest(
        &self,
        dataset: &str,
        digest: &str,
    ) -> Result<(), StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            record_digest(&mut tx, dataset, digest, now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Writes the whole data set in one transaction: all of it or none of it.
    pub async fn import_reference(
        &self,
        data: &ReferenceData,
        digest: &str,
        progress: ImportProgress<'_>,
    ) -> Result<ImportOutcome, StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let current = imported_digest(&mut tx, DATASET).await?;
            if current.as_deref() == Some(digest) {
                return Ok(ImportOutcome::AlreadyCurrent);
            }
            write_states(&mut tx, &data.states).await?;
            progress(data.states.len() as u64);
            write_boundaries(&mut tx, &data.boundaries).await?;
            progress(data.boundaries.len() as u64);
            for chunk in data.municipalities.chunks(100) {
                write_municipalities(&mut tx, chunk, now).await?;
                progress(chunk.len() as u64);
            }
            write_contexts(&mut tx, &data.contexts).await?;
            progress(data.contexts.len() as u64);
            write_organizations(&mut tx, &data.organizations, now).await?;
            progress(data.organizations.len() as u64);
            write_instruments(&mut tx, &data.instruments, now).await?;
            progress(data.instruments.len() as u64);
            write_provisions(&mut tx, &data.provisions, now).await?;
            progress(data.provisions.len() as u64);
            write_state_laws(&mut tx, &data.state_laws).await?;
            progress(data.state_laws.len() as u64);
            write_covid_measures(&mut tx, &data.covid_measures).await?;
            progress(data.covid_measures.len() as u64);
            write_asylum_applications(&mut tx, &data.asylum_applications).await?;
            progress(data.asylum_applications.len() as u64);
            write_events(&mut tx, &data.events, now).await?;
            progress(data.events.len() as u64);
            open_question_threads(&mut tx, now).await?;
            write_harmonization(&mut tx, &data.principles, &data.findings).await?;
            progress((data.principles.len() + data.findings.len()) as u64);
            let counts = serde_json::json!({ "records": data.record_count() });
            let import = Import {
                dataset: DATASET,
                action: "reference.import",
                previous: current,
                digest,
            };
            record_import(&mut tx, import, counts, now).await?;
            commit_and_announce(tx).await?;
        });
        Ok(ImportOutcome::Imported(data.record_count()))
    }
}

/// The digest recorded for a data set, read in the caller's transaction.
pub(crate) async fn imported_digest(
    tx: impl Into<Tx<'_>>,
    dataset: &str,
) -> Result<Option<String>, StoreError> {
    optional_scalar(tx, DIGEST_OF, dataset).await
}

/// A data set's import, as its end records it.
pub(crate) struct Import<'a> {
    pub(crate) dataset: &'a str,
    /// The audit entry's action, e.g. "reference.import".
    pub(crate) action: &'a str,
    /// The digest recorded before, if the data set was imported already.
    pub(crate) previous: Option<String>,
    pub(crate) digest: &'a str,
}

/// Ends an import in the caller's transaction: records the data set's new
/// digest and audits the import, from the previous digest to the new one
/// followed by `counts` (an object saying what the import wrote).
pub(crate) async fn record_import(
    tx: impl Into<Tx<'_>>,
    import: Import<'_>,
    counts: serde_json::Value,
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    record_digest(&mut tx, import.dataset, import.digest, now).await?;
    let mut after = serde_json::Map::new();
    after.insert("digest".to_owned(), import.digest.into());
    if let serde_json::Value::Object(counts) = counts {
        after.extend(counts);
    }
    let audit = AuditRecord {
        actor: None,
        action: import.action,
        entity: "dataset",
        entity_id: import.dataset.to_owned(),
        before: import.previous.map(|d| serde_json::json!({ "digest": d })),
        after: Some(serde_json::Value::Object(after)),
    };
    record_audit(&mut tx, &audit).await
}

/// Records, in the caller's transaction, that a data set with `digest` is
/// imported.
async fn record_digest(
    tx: impl Into<Tx<'_>>,
    dataset: &str,
    digest: &str,
    now: DbTime,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query(
            "INSERT INTO reference_imports (dataset, digest, imported_at) VALUES ($1, $2, $3)
             ON CONFLICT (dataset) DO UPDATE SET digest = excluded.digest,
                imported_at = excluded.imported_at",
        )
        .bind(dataset)
        .bind(digest)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// mx_estados.csv: states, upserted by key.
async fn write_states(tx: impl Into<Tx<'_>>, states: &[State]) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for state in states {
            sqlx::query(
                "INSERT INTO states (cve_ent, iso_code, name, abbreviation, population)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (cve_ent) DO UPDATE SET iso_code = excluded.iso_code,
                    name = excluded.name, abbreviation = excluded.abbreviation,
                    population = excluded.population",
            )
            .bind(state.key.as_str())
            .bind(&state.iso_code)
            .bind(&state.name)
            .bind(&state.abbreviation)
            .bind(opt_i64(state.population))
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// mx_estados.geojson: each state's boundary.
async fn write_boundaries(
    tx: impl Into<Tx<'_>>,
    boundaries: &[(StateKey, String)],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for (key, geometry) in boundaries {
            sqlx::query("UPDATE states SET boundary = $2 WHERE cve_ent = $1")
                .bind(key.as_str())
                .bind(geometry)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// mx_municipios.csv: municipalities, upserted by CVEGEO, each with its
/// outbox row.
async fn write_municipalities(
    tx: impl Into<Tx<'_>>,
    municipalities: &[Municipality],
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    for m in municipalities {
        dispatch!(tx: tx.reborrow(), |conn| {
            sqlx::query(
                "INSERT INTO municipalities (cvegeo, cve_ent, name, name_folded, seat_key,
                    seat_name, population, dwellings, metro_area, seat_lat, seat_lon)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (cvegeo) DO UPDATE SET cve_ent = excluded.cve_ent,
                    name = excluded.name, name_folded = excluded.name_folded,
                    seat_key = excluded.seat_key, seat_name = excluded.seat_name,
                    population = excluded.population, dwellings = excluded.dwellings,
                    metro_area = excluded.metro_area, seat_lat = excluded.seat_lat,
                    seat_lon = excluded.seat_lon",
            )
            .bind(m.cvegeo.as_str())
            .bind(m.state_key.as_str())
            .bind(&m.name)
            .bind(fold_name(&m.name))
            .bind(&m.seat_key)
            .bind(&m.seat_name)
            .bind(opt_i64(m.population))
            .bind(opt_i64(m.dwellings))
            .bind(&m.metro_area)
            .bind(m.seat.map(|c| c.lat))
            .bind(m.seat.map(|c| c.lon))
            .execute(conn)
            .await?;
        });
        record_change(&mut tx, "municipality", m.cvegeo.as_str(), now).await?;
    }
    Ok(())
}

/// contexto_municipios.csv: pure reference data, so the set replaces what
/// was there.
async fn write_contexts(
    tx: impl Into<Tx<'_>>,
    contexts: &[MunicipalContext],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query("DELETE FROM municipal_contexts")
            .execute(&mut *conn)
            .await?;
        for c in contexts {
            sqlx::query(
                "INSERT INTO municipal_contexts (cvegeo, context, detail, verified, sources)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(c.cvegeo.as_str())
            .bind(c.context.slug())
            .bind(&c.detail)
            .bind(c.provenance.verified)
            .bind(c.provenance.joined_sources())
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// organizaciones.csv: organizations, upserted by name, each with its outbox
/// row.
async fn write_organizations(
    tx: impl Into<Tx<'_>>,
    organizations: &[Organization],
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    for o in organizations {
        let id = upsert_organization(&mut tx, o, now).await?;
        record_change(&mut tx, "organization", id, now).await?;
    }
    Ok(())
}

/// instrumentos_legales.csv: legal instruments, upserted by id unless a
/// moderator changed them (curated), each with its outbox row.
async fn write_instruments(
    tx: impl Into<Tx<'_>>,
    instruments: &[LegalInstrument],
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    for i in instruments {
        dispatch!(tx: tx.reborrow(), |conn| {
            sqlx::query(
                "INSERT INTO legal_instruments (id, level, jurisdiction, name, published, notes,
                    verified, sources)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET level = excluded.level,
                    jurisdiction = excluded.jurisdiction, name = excluded.name,
                    published = excluded.published, notes = excluded.notes,
                    verified = excluded.verified, sources = excluded.sources
                 WHERE legal_instruments.curated = false",
            )
            .bind(&i.id)
            .bind(i.level.slug())
            .bind(&i.jurisdiction)
            .bind(&i.name)
            .bind(i.published.map(|d| d.to_string()))
            .bind(&i.notes)
            .bind(i.provenance.verified)
            .bind(i.provenance.joined_sources())
            .execute(conn)
            .await?;
        });
        record_change(&mut tx, "instrument", &i.id, now).await?;
    }
    Ok(())
}

/// disposiciones.csv: provisions, upserted by (instrument, article), with
/// their rights and levels, each with its outbox row.
async fn write_provisions(
    tx: impl Into<Tx<'_>>,
    provisions: &[Provision],
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    for p in provisions {
        // A provision a moderator changed is curated: the data files no
        // longer speak for it, so the upsert returns no row.
        let id: Option<Uuid> = dispatch!(tx: tx.reborrow(), |conn| {
            sqlx::query_scalar(
                "INSERT INTO provisions (id, instrument_id, article, theme, summary, verified)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (instrument_id, article) DO UPDATE SET theme = excluded.theme,
                    summary = excluded.summary, verified = excluded.verified
                 WHERE provisions.curated = false
                 RETURNING id",
            )
            .bind(p.id)
            .bind(&p.instrument_id)
            .bind(&p.article)
            .bind(&p.theme)
            .bind(&p.summary)
            .bind(p.verified)
            .fetch_optional(conn)
            .await?
        });
        let Some(id) = id else { continue };
        write_provision_tags(&mut tx, id, &p.rights, &p.binds).await?;
        record_change(&mut tx, "provision", id, now).await?;
    }
    Ok(())
}

/// leyes_estatales_migrantes.csv: state laws, upserted by (state, name).
async fn write_state_laws(tx: impl Into<Tx<'_>>, laws: &[StateLaw]) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for law in laws {
            sqlx::query(
                "INSERT INTO state_laws (id, cve_ent, name, published, notes, verified, sources)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (cve_ent, name) DO UPDATE SET published = excluded.published,
                    notes = excluded.notes, verified = excluded.verified,
                    sources = excluded.sources",
            )
            .bind(law.id)
            .bind(law.state_key.as_str())
            .bind(&law.name)
            .bind(law.published.map(|d| d.to_string()))
            .bind(&law.notes)
            .bind(law.provenance.verified)
            .bind(law.provenance.joined_sources())
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// covid_medidas.csv: COVID-19 measures, upserted by (date, actor, measure).
async fn write_covid_measures(
    tx: impl Into<Tx<'_>>,
    measures: &[CovidMeasure],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for m in measures {
            sqlx::query(
                "INSERT INTO covid_measures (id, date, level, actor, measure, verified, sources)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (date, actor, measure) DO UPDATE SET level = excluded.level,
                    verified = excluded.verified, sources = excluded.sources",
            )
            .bind(m.id)
            .bind(m.date.to_string())
            .bind(m.level.slug())
            .bind(&m.actor)
            .bind(&m.measure)
            .bind(m.provenance.verified)
            .bind(m.provenance.joined_sources())
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// comar_solicitudes.csv: asylum applications, upserted by year.
async fn write_asylum_applications(
    tx: impl Into<Tx<'_>>,
    applications: &[AsylumApplications],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        for a in applications {
            sqlx::query(
                "INSERT INTO asylum_applications (year, applications, notes, verified, sources)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (year) DO UPDATE SET applications = excluded.applications,
                    notes = excluded.notes, verified = excluded.verified,
                    sources = excluded.sources",
            )
            .bind(a.year)
            .bind(opt_i64(Some(a.applications)))
            .bind(&a.notes)
            .bind(a.provenance.verified)
            .bind(a.provenance.joined_sources())
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// eventos.json: events, upserted by slug, with their organizers (by name,
/// from the directory), guiding questions and links, each with its outbox
/// row. An event a moderator has edited keeps their edits.
async fn write_events(
    tx: impl Into<Tx<'_>>,
    events: &[EventRecord],
    now: DbTime,
) -> Result<(), StoreError> {
    let mut tx = tx.into();
    for e in events {
        let id = dispatch!(tx: tx.reborrow(), |conn| {
            // An edited event is curated: the upsert's WHERE skips it and
            // answers no row.
            let id: Option<Uuid> = bind_event_content!(
                sqlx::query_scalar(
                    "INSERT INTO events (id, slug, kind, title_es, title_en, description_es,
                        description_en, starts_at, ends_at, time_zone, verified, sources,
                        created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                     ON CONFLICT (slug) DO UPDATE SET kind = excluded.kind,
                        title_es = excluded.title_es, title_en = excluded.title_en,
                        description_es = excluded.description_es,
                        description_en = excluded.description_en, starts_at = excluded.starts_at,
                        ends_at = excluded.ends_at, time_zone = excluded.time_zone,
                        verified = excluded.verified, sources = excluded.sources,
                        updated_at = excluded.updated_at
                     WHERE events.curated = false
                     RETURNING id",
                )
                .bind(Uuid::now_v7())
                .bind(&e.slug),
                e
            )
            .bind(e.provenance.verified)
            .bind(e.provenance.joined_sources())
            .bind(now)
            .fetch_optional(&mut *conn)
            .await?;
            let Some(id) = id else { continue };
            sqlx::query("DELETE FROM event_organizers WHERE event_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            for (position, name) in e.organizer_names.iter().enumerate() {
                let organization: Option<Uuid> =
                    sqlx::query_scalar("SELECT id FROM organizations WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&mut *conn)
                        .await?;
                let organization = organization.ok_or_else(|| {
                    StoreError::MissingReference(format!(
                        "event {} names organizer {name:?}, which is not in the directory",
                        e.slug
                    ))
                })?;
                sqlx::query(
                    "INSERT INTO event_organizers (event_id, organization_id, position)
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(organization)
                .bind(position as i32)
                .execute(&mut *conn)
                .await?;
            }
            id
        });
        replace_questions_and_links(&mut tx, id, &e.guiding_questions, &e.links).await?;
        record_change(&mut tx, "event", id, now).await?;
    }
    Ok(())
}

/// Each guiding question is a discussion thread from the start: opens the
/// threads the questions of every event lack.
async fn open_question_threads(tx: impl Into<Tx<'_>>, now: DbTime) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        let questions: Vec<(Uuid, i32, String, String)> = sqlx::query_as(
            "SELECT q.event_id, q.position, q.text_es, q.text_en FROM event_guiding_questions q
             WHERE NOT EXISTS (SELECT 1 FROM discussions d
                WHERE d.event_id = q.event_id AND d.position = q.position)
             ORDER BY q.event_id, q.position",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (event_id, position, es, en) in questions {
            sqlx::query(
                "INSERT INTO discussions (id, event_id, position, question_es, question_en,
                    status, created_at) VALUES ($1, $2, $3, $4, $5, 'abierta', $6)",
            )
            .bind(Uuid::now_v7())
            .bind(event_id)
            .bind(position)
            .bind(es)
            .bind(en)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}

/// principios_armonizacion.csv and armonizacion_estatal.csv: pure reference
/// data, so the set replaces what was there.
async fn write_harmonization(
    tx: impl Into<Tx<'_>>,
    principles: &[HarmonizationPrinciple],
    findings: &[HarmonizationFinding],
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query("DELETE FROM harmonization_findings")
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM harmonization_principles")
            .execute(&mut *conn)
            .await?;
        for (position, p) in principles.iter().enumerate() {
            sqlx::query(
                "INSERT INTO harmonization_principles (id, text_es, text_en, instrument_id, article,
                    verified, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&p.id)
            .bind(&p.text.es)
            .bind(&p.text.en)
            .bind(&p.instrument_id)
            .bind(&p.article)
            .bind(p.verified)
            .bind(position as i32)
            .execute(&mut *conn)
            .await?;
        }
        for (position, f) in findings.iter().enumerate() {
            sqlx::query(
                "INSERT INTO harmonization_findings (id, cve_ent, law, principle_id, value, article,
                    notes, verified, sources, position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(f.id)
            .bind(f.state_key.as_str())
            .bind(&f.law)
            .bind(&f.principle_id)
            .bind(f.value.slug())
            .bind(&f.article)
            .bind(&f.notes)
            .bind(f.provenance.verified)
            .bind(f.provenance.joined_sources())
            .bind(position as i32)
            .execute(&mut *conn)
            .await?;
        }
    });
    Ok(())
}
