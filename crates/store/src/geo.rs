//! States and municipalities.

use crate::{
    Db, StoreError,
    db::dispatch,
    rows::{count, like_pattern, opt_count, page_of, provenance},
};
use acoge_domain::{
    Cvegeo, StateKey,
    geo::{Coordinates, MunicipalContext, Municipality, State, fold_name},
    page::{Page, PageRequest},
    taxonomy::MigrationContext,
};
use std::collections::HashMap;

/// A state with the counts its page and the list need.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StateOverview {
    pub state: State,
    pub municipalities: u64,
    pub municipalities_with_context: u64,
    pub organizations: u64,
    pub state_laws: u64,
}

#[derive(Debug, Clone, Default)]
pub struct MunicipalityFilter {
    pub state: Option<StateKey>,
    pub context: Option<MigrationContext>,
    /// Part of the name, matched without regard to accents or case.
    pub name: Option<String>,
}

/// The figures of the home page.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KeyFigures {
    pub states: u64,
    pub municipalities: u64,
    pub municipalities_with_context: u64,
    pub organizations: u64,
    pub states_with_migrant_law: u64,
    pub legal_instruments: u64,
    pub provisions: u64,
    pub events: u64,
    pub published_practices: u64,
}

#[derive(sqlx::FromRow)]
struct StateRow {
    cve_ent: String,
    iso_code: String,
    name: String,
    abbreviation: String,
    population: Option<i64>,
}

impl StateRow {
    fn into_state(self) -> Result<State, StoreError> {
        Ok(State {
            key: StateKey::parse(&self.cve_ent)
                .map_err(|e| StoreError::corrupt("states", "cve_ent", e))?,
            iso_code: self.iso_code,
            name: self.name,
            abbreviation: self.abbreviation,
            population: opt_count(self.population),
        })
    }
}

#[derive(sqlx::FromRow)]
struct StateOverviewRow {
    #[sqlx(flatten)]
    state: StateRow,
    municipalities: i64,
    with_context: i64,
    organizations: i64,
    state_laws: i64,
}

#[derive(sqlx::FromRow)]
pub(crate) struct MunicipalityRow {
    cvegeo: String,
    name: String,
    seat_key: Option<String>,
    seat_name: Option<String>,
    population: Option<i64>,
    dwellings: Option<i64>,
    metro_area: Option<String>,
    seat_lat: Option<f64>,
    seat_lon: Option<f64>,
}

impl MunicipalityRow {
    pub(crate) fn into_municipality(self) -> Result<Municipality, StoreError> {
        let cvegeo = Cvegeo::parse(&self.cvegeo)
            .map_err(|e| StoreError::corrupt("municipalities", "cvegeo", e))?;
        let seat = match (self.seat_lat, self.seat_lon) {
            (Some(lat), Some(lon)) => Some(
                Coordinates::in_mexico(lat, lon)
                    .map_err(|e| StoreError::corrupt("municipalities", "seat_lat", e))?,
            ),
            _ => None,
        };
        Ok(Municipality {
            state_key: cvegeo.state(),
            cvegeo,
            name: self.name,
            seat_key: self.seat_key,
            seat_name: self.seat_name,
            population: opt_count(self.population),
            dwellings: opt_count(self.dwellings),
            metro_area: self.metro_area,
            seat,
        })
    }
}

/// A migration context with the name of its municipality, for lists.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContextEntry {
    pub municipality_name: String,
    pub context: MunicipalContext,
}

#[derive(sqlx::FromRow)]
struct ContextRow {
    cvegeo: String,
    municipality_name: String,
    context: String,
    detail: String,
    verified: bool,
    sources: String,
}

impl ContextRow {
    fn into_entry(self) -> Result<ContextEntry, StoreError> {
        const TABLE: &str = "municipal_contexts";
        let context = MunicipalContext {
            cvegeo: Cvegeo::parse(&self.cvegeo)
                .map_err(|e| StoreError::corrupt(TABLE, "cvegeo", e))?,
            context: MigrationContext::parse(&self.context)
                .map_err(|e| StoreError::corrupt(TABLE, "context", e))?,
            detail: self.detail,
            provenance: provenance(TABLE, &self.sources, self.verified)?,
        };
        Ok(ContextEntry {
            municipality_name: self.municipality_name,
            context,
        })
    }
}

/// One state with its counts, each from its index.
const STATE_OVERVIEW: &str = "
    SELECT s.cve_ent, s.iso_code, s.name, s.abbreviation, s.population,
        (SELECT COUNT(*) FROM municipalities m WHERE m.cve_ent = s.cve_ent) AS municipalities,
        (SELECT COUNT(DISTINCT c.cvegeo) FROM municipal_contexts c
            JOIN municipalities m ON m.cvegeo = c.cvegeo WHERE m.cve_ent = s.cve_ent) AS with_context,
        (SELECT COUNT(*) FROM organizations o WHERE o.cve_ent = s.cve_ent) AS organizations,
        (SELECT COUNT(*) FROM state_laws l WHERE l.cve_ent = s.cve_ent) AS state_laws
    FROM states s WHERE s.cve_ent = $1";

/// Every state with its counts: one grouped pass per table rather than
/// one count per state and table (32 × 4 index probes).
const STATE_OVERVIEWS: &str = "
    SELECT s.cve_ent, s.iso_code, s.name, s.abbreviation, s.population,
        COALESCE(m.municipalities, 0) AS municipalities,
        COALESCE(m.with_context, 0) AS with_context,
        COALESCE(o.organizations, 0) AS organizations,
        COALESCE(l.state_laws, 0) AS state_laws
    FROM states s
    LEFT JOIN (SELECT m.cve_ent, COUNT(*) AS municipalities,
            COUNT(c.cvegeo) AS with_context
        FROM municipalities m
        LEFT JOIN (SELECT DISTINCT cvegeo FROM municipal_contexts) c ON c.cvegeo = m.cvegeo
        GROUP BY m.cve_ent) m ON m.cve_ent = s.cve_ent
    LEFT JOIN (SELECT cve_ent, COUNT(*) AS organizations FROM organizations
        WHERE cve_ent IS NOT NULL GROUP BY cve_ent) o ON o.cve_ent = s.cve_ent
    LEFT JOIN (SELECT cve_ent, COUNT(*) AS state_laws FROM state_laws
        GROUP BY cve_ent) l ON l.cve_ent = s.cve_ent
    ORDER BY s.cve_ent";

pub(crate) const MUNICIPALITY_COLUMNS: &str = "cvegeo, name, seat_key, seat_name, population, dwellings, \
     metro_area, seat_lat, seat_lon";

impl Db {
    pub async fn states(&self) -> Result<Vec<StateOverview>, StoreError> {
        let rows: Vec<StateOverviewRow> = dispatch!(self, |pool| {
            sqlx::query_as(STATE_OVERVIEWS).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(StateOverviewRow::into_overview)
            .collect()
    }

    pub async fn state(&self, key: &StateKey) -> Result<Option<StateOverview>, StoreError> {
        let row: Option<StateOverviewRow> = dispatch!(self, |pool| {
            sqlx::query_as(STATE_OVERVIEW)
                .bind(key.as_str())
                .fetch_optional(pool)
                .await?
        });
        row.map(StateOverviewRow::into_overview).transpose()
    }

    /// Every state's boundary as GeoJSON geometry text, for maps.
    pub async fn state_boundaries(&self) -> Result<Vec<(StateKey, String)>, StoreError> {
        let rows: Vec<(String, String)> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT cve_ent, boundary FROM states WHERE boundary IS NOT NULL ORDER BY cve_ent",
            )
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(key, geometry)| {
                StateKey::parse(&key)
                    .map(|k| (k, geometry))
                    .map_err(|e| StoreError::corrupt("states", "cve_ent", e))
            })
            .collect()
    }

    pub async fn municipalities(
        &self,
        filter: &MunicipalityFilter,
        page: PageRequest,
    ) -> Result<Page<Municipality>, StoreError> {
        const WHERE: &str = "WHERE ($1 IS NULL OR m.cve_ent = $1)
            AND ($2 IS NULL OR EXISTS (SELECT 1 FROM municipal_contexts c
                 WHERE c.cvegeo = m.cvegeo AND c.context = $2))
            AND ($3 IS NULL OR m.name_folded LIKE $3 ESCAPE '\\')";
        let state = filter.state.as_ref().map(|k| k.as_str().to_owned());
        let context = filter.context.map(|c| c.slug());
        let name = filter
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| like_pattern(&fold_name(n)));
        let (total, rows): (i64, Vec<MunicipalityRow>) = dispatch!(self, |pool| {
            let total = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM municipalities m {WHERE}"
            )))
            .bind(&state)
            .bind(context)
            .bind(&name)
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {MUNICIPALITY_COLUMNS} FROM municipalities m {WHERE}
                 ORDER BY m.cve_ent, m.name_folded, m.cvegeo LIMIT $4 OFFSET $5"
            )))
            .bind(&state)
            .bind(context)
            .bind(&name)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(pool)
            .await?;
            (total, rows)
        });
        page_of(total, rows, MunicipalityRow::into_municipality)
    }

    pub async fn municipality(&self, cvegeo: &Cvegeo) -> Result<Option<Municipality>, StoreError> {
        let row: Option<MunicipalityRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {MUNICIPALITY_COLUMNS} FROM municipalities WHERE cvegeo = $1"
            )))
            .bind(cvegeo.as_str())
            .fetch_optional(pool)
            .await?
        });
        row.map(MunicipalityRow::into_municipality).transpose()
    }

    /// Migration contexts of one municipality, or of every municipality of a state.
    pub async fn municipal_contexts(
        &self,
        scope: ContextScope<'_>,
    ) -> Result<Vec<ContextEntry>, StoreError> {
        let (cvegeo, state) = match scope {
            ContextScope::Municipality(c) => (Some(c.as_str()), None),
            ContextScope::State(s) => (None, Some(s.as_str())),
            ContextScope::All => (None, None),
        };
        let rows: Vec<ContextRow> = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT c.cvegeo, m.name AS municipality_name, c.context, c.detail, c.verified,
                    c.sources
                 FROM municipal_contexts c JOIN municipalities m ON m.cvegeo = c.cvegeo
                 WHERE ($1 IS NULL OR c.cvegeo = $1) AND ($2 IS NULL OR m.cve_ent = $2)
                 ORDER BY m.name_folded, c.cvegeo, c.context",
            )
            .bind(cvegeo)
            .bind(state)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter().map(ContextRow::into_entry).collect()
    }

    /// The home page's figures. What grows with the community comes from
    /// counts kept by every write (`row_counts`, `practice_counts`); the
    /// rest counts reference tables of a fixed size (2,478 municipalities
    /// at most), each on an index.
    pub async fn key_figures(&self) -> Result<KeyFigures, StoreError> {
        type Counts = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let row: Counts = dispatch!(self, |pool| {
            sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM states), (SELECT COUNT(*) FROM municipalities),
                    (SELECT COUNT(DISTINCT cvegeo) FROM municipal_contexts),
                    COALESCE((SELECT row_count FROM row_counts WHERE name = 'organizations'), 0),
                    (SELECT COUNT(DISTINCT cve_ent) FROM state_laws),
                    (SELECT COUNT(*) FROM legal_instruments), (SELECT COUNT(*) FROM provisions),
                    COALESCE((SELECT row_count FROM row_counts WHERE name = 'events'), 0),
                    COALESCE((SELECT practices FROM practice_counts
                        WHERE facet = 'total' AND value = '' AND with_facet = 'total' AND with_value = ''), 0)",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(KeyFigures {
            states: count(row.0),
            municipalities: count(row.1),
            municipalities_with_context: count(row.2),
            organizations: count(row.3),
            states_with_migrant_law: count(row.4),
            legal_instruments: count(row.5),
            provisions: count(row.6),
            events: count(row.7),
            published_practices: count(row.8),
        })
    }
}

impl Db {
    /// The names of `keys` (those that exist), in one query: for lists that
    /// show a few places per item.
    pub async fn municipality_names(
        &self,
        keys: &[Cvegeo],
    ) -> Result<HashMap<Cvegeo, String>, StoreError> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let mut unique: Vec<&str> = keys.iter().map(Cvegeo::as_str).collect();
        unique.sort_unstable();
        unique.dedup();
        let rows: Vec<(String, String)> = dispatch!(self, |pool| {
            let mut query = sqlx::QueryBuilder::new(
                "SELECT cvegeo, name FROM municipalities WHERE cvegeo IN (",
            );
            let mut list = query.separated(", ");
            for key in &unique {
                list.push_bind(*key);
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(key, name)| {
                Cvegeo::parse(&key)
                    .map(|k| (k, name))
                    .map_err(|e| StoreError::corrupt("municipalities", "cvegeo", e))
            })
            .collect()
    }

    /// Every state's key and name, in key order (no counts: for labels).
    pub async fn state_names(&self) -> Result<Vec<(StateKey, String)>, StoreError> {
        let rows: Vec<(String, String)> = dispatch!(self, |pool| {
            sqlx::query_as("SELECT cve_ent, name FROM states ORDER BY cve_ent")
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(key, name)| {
                StateKey::parse(&key)
                    .map(|k| (k, name))
                    .map_err(|e| StoreError::corrupt("states", "cve_ent", e))
            })
            .collect()
    }
}

/// Which municipalities' contexts to read.
#[derive(Debug, Clone, Copy)]
pub enum ContextScope<'a> {
    Municipality(&'a Cvegeo),
    State(&'a StateKey),
    All,
}

impl StateOverviewRow {
    fn into_overview(self) -> Result<StateOverview, StoreError> {
        Ok(StateOverview {
            state: self.state.into_state()?,
            municipalities: count(self.municipalities),
            municipalities_with_context: count(self.with_context),
            organizations: count(self.organizations),
            state_laws: count(self.state_laws),
        })
    }
}
