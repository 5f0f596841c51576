//! What the search index reads: the records of each searchable kind, by id,
//! in the shape the index needs, a chunk at a time.

use crate::{
    Db, PracticeRecord, StoreError,
    db::dispatch,
    geo::{MUNICIPALITY_COLUMNS, MunicipalityRow},
    organizations::{COLUMNS as ORGANIZATION_COLUMNS, OrganizationRow},
    practices::{COLUMNS, PracticeRow},
    rows::{CHUNK, placeholders},
};
use acoge_domain::{geo::Municipality, organization::Organization, taxonomy::MigrationContext};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The kinds of record the index holds, named as the outbox names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchableKind {
    Practice,
    Organization,
    Provision,
    Instrument,
    Event,
    Municipality,
}

impl SearchableKind {
    pub const ALL: [SearchableKind; 6] = [
        SearchableKind::Practice,
        SearchableKind::Organization,
        SearchableKind::Provision,
        SearchableKind::Instrument,
        SearchableKind::Event,
        SearchableKind::Municipality,
    ];

    /// The outbox's `entity` value.
    pub fn entity(self) -> &'static str {
        match self {
            SearchableKind::Practice => "practice",
            SearchableKind::Organization => "organization",
            SearchableKind::Provision => "provision",
            SearchableKind::Instrument => "instrument",
            SearchableKind::Event => "event",
            SearchableKind::Municipality => "municipality",
        }
    }

    pub fn from_entity(entity: &str) -> Option<SearchableKind> {
        SearchableKind::ALL
            .into_iter()
            .find(|kind| kind.entity() == entity)
    }

    /// The query listing every id of this kind that belongs in a fresh
    /// index, and whether the ids are UUIDs (BLOBs on SQLite).
    fn ids_query(self) -> (&'static str, bool) {
        match self {
            SearchableKind::Practice => (
                "SELECT id FROM practices WHERE status = 'publicada' ORDER BY id",
                true,
            ),
            SearchableKind::Organization => ("SELECT id FROM organizations ORDER BY id", true),
            SearchableKind::Provision => ("SELECT id FROM provisions ORDER BY id", true),
            SearchableKind::Instrument => ("SELECT id FROM legal_instruments ORDER BY id", false),
            SearchableKind::Event => ("SELECT id FROM events ORDER BY id", true),
            SearchableKind::Municipality => {
                ("SELECT cvegeo FROM municipalities ORDER BY cvegeo", false)
            }
        }
    }
}

/// A municipality with what its search document says besides its name.
#[derive(Debug, Clone)]
pub struct SearchableMunicipality {
    pub municipality: Municipality,
    pub state_name: String,
    pub contexts: Vec<MigrationContext>,
}

impl Db {
    /// Every id of `kind` that a freshly built index should hold.
    pub async fn searchable_ids(&self, kind: SearchableKind) -> Result<Vec<String>, StoreError> {
        let (sql, uuids) = kind.ids_query();
        Ok(dispatch!(self, |pool| {
            if uuids {
                sqlx::query_scalar::<_, Uuid>(sql)
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .map(|id| id.to_string())
                    .collect()
            } else {
                sqlx::query_scalar(sql).fetch_all(pool).await?
            }
        }))
    }

    /// The practices with these ids, whatever their status (the caller
    /// decides what is public); missing ids are simply absent.
    pub async fn practices_by_ids(&self, ids: &[Uuid]) -> Result<Vec<PracticeRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM practices p WHERE p.id IN ({{list}})");
        let rows: Vec<PracticeRow> = self.fetch_in(&sql, ids).await?;
        rows.into_iter().map(PracticeRow::into_record).collect()
    }

    /// The organizations with these ids; missing ids are simply absent.
    pub async fn organizations_by_ids(
        &self,
        ids: &[Uuid],
    ) -> Result<Vec<Organization>, StoreError> {
        let sql =
            format!("SELECT {ORGANIZATION_COLUMNS} FROM organizations WHERE id IN ({{list}})");
        let rows: Vec<OrganizationRow> = self.fetch_in(&sql, ids).await?;
        rows.into_iter()
            .map(OrganizationRow::into_organization)
            .collect()
    }

    /// The municipalities with these keys, with their state's name and contexts.
    pub async fn searchable_municipalities(
        &self,
        keys: &[String],
    ) -> Result<Vec<SearchableMunicipality>, StoreError> {
        let state_names: BTreeMap<String, String> = dispatch!(self, |pool| {
            sqlx::query_as::<_, (String, String)>("SELECT cve_ent, name FROM states")
                .fetch_all(pool)
                .await?
                .into_iter()
                .collect()
        });
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(CHUNK) {
            let list = placeholders(chunk.len());
            let rows_sql = format!(
                "SELECT {MUNICIPALITY_COLUMNS} FROM municipalities WHERE cvegeo IN ({list})"
            );
            let contexts_sql =
                format!("SELECT cvegeo, context FROM municipal_contexts WHERE cvegeo IN ({list})");
            let (rows, contexts): (Vec<MunicipalityRow>, Vec<(String, String)>) =
                dispatch!(self, |pool| {
                    let mut rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql));
                    let mut contexts = sqlx::query_as(sqlx::AssertSqlSafe(contexts_sql));
                    for key in chunk {
                        rows = rows.bind(key);
                        contexts = contexts.bind(key);
                    }
                    (rows.fetch_all(pool).await?, contexts.fetch_all(pool).await?)
                });
            let mut by_key: BTreeMap<String, Vec<MigrationContext>> = BTreeMap::new();
            for (key, context) in contexts {
                let context = MigrationContext::parse(&context)
                    .map_err(|e| StoreError::corrupt("municipal_contexts", "context", e))?;
                by_key.entry(key).or_default().push(context);
            }
            for row in rows {
                let municipality = row.into_municipality()?;
                let key = municipality.cvegeo.as_str().to_owned();
                out.push(SearchableMunicipality {
                    state_name: state_names
                        .get(municipality.state_key.as_str())
                        .cloned()
                        .unwrap_or_default(),
                    contexts: by_key.remove(&key).unwrap_or_default(),
                    municipality,
                });
            }
        }
        Ok(out)
    }
}
