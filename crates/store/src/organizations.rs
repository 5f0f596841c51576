//! The directory of organizations.

use crate::{
    Db, StoreError,
    db::{Tx, dispatch},
    rows::{page_of, provenance},
    sql::{Bind, Sql},
    time::DbTime,
};
use acoge_domain::{
    Cvegeo, StateKey,
    organization::{Organization, OrganizationKind, Scope},
    page::{Page, PageRequest},
};
use std::collections::HashMap;
use uuid::Uuid;

/// Binds an organization's columns to one of the directory's INSERTs,
/// numbered alike: `$1` id to `$12` sources, then `$13` the time of the
/// write. A macro: the query types differ per backend and per statement.
macro_rules! bind_organization {
    ($query:expr, $organization:expr, $now:expr) => {{
        let o: &acoge_domain::organization::Organization = $organization;
        $query
            .bind(o.id)
            .bind(&o.name)
            .bind(acoge_domain::geo::fold_name(&o.name))
            .bind(&o.acronym)
            .bind(o.kind.slug())
            .bind(o.scope.slug())
            .bind(o.state_key.as_ref().map(|k| k.as_str()))
            .bind(o.cvegeo.as_ref().map(|k| k.as_str()))
            .bind(o.founding_organizer)
            .bind(&o.description)
            .bind(o.provenance.verified)
            .bind(o.provenance.joined_sources())
            .bind($now)
    }};
}
pub(crate) use bind_organization;

/// Inserts an organization, or updates the one with the same name (names are
/// its natural key, so ids stay stable), in the caller's transaction; answers
/// the stored id. Shared by the reference import and the demo corpus.
pub(crate) async fn upsert_organization(
    tx: impl Into<Tx<'_>>,
    o: &Organization,
    now: DbTime,
) -> Result<Uuid, StoreError> {
    Ok(dispatch!(tx: tx.into(), |conn| {
        bind_organization!(
            sqlx::query_scalar(
                "INSERT INTO organizations (id, name, name_folded, acronym, kind, scope, cve_ent,
                    cvegeo, founding_organizer, description, verified, sources, created_at,
                    updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                 ON CONFLICT (name) DO UPDATE SET acronym = excluded.acronym,
                    kind = excluded.kind, scope = excluded.scope, cve_ent = excluded.cve_ent,
                    cvegeo = excluded.cvegeo, founding_organizer = excluded.founding_organizer,
                    description = excluded.description, verified = excluded.verified,
                    sources = excluded.sources, updated_at = excluded.updated_at
                 RETURNING id",
            ),
            o,
            now
        )
        .fetch_one(conn)
        .await?
    }))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OrganizationFilter {
    pub state: Option<StateKey>,
    pub municipality: Option<Cvegeo>,
    pub founding_organizer: Option<bool>,
    /// Only organizations whose directory entry names this sector.
    pub sector: Option<acoge_domain::practice::Sector>,
}

impl OrganizationFilter {
    /// Pushes the WHERE clause of the conditions set, each on its own index.
    fn push_conditions(&self, sql: &mut Sql) {
        if let Some(state) = &self.state {
            sql.and().push("cve_ent = ").text(state.as_str());
        }
        if let Some(municipality) = &self.municipality {
            sql.and().push("cvegeo = ").text(municipality.as_str());
        }
        if let Some(founding) = self.founding_organizer {
            sql.and()
                .push("founding_organizer = ")
                .bind(Bind::Bool(founding));
        }
        if let Some(sector) = self.sector {
            sql.and()
                .push("id IN (SELECT organization_id FROM organization_sectors WHERE sector = ")
                .text(sector.slug())
                .push(")");
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct OrganizationRow {
    id: Uuid,
    name: String,
    acronym: Option<String>,
    kind: String,
    scope: String,
    cve_ent: Option<String>,
    cvegeo: Option<String>,
    founding_organizer: bool,
    description: String,
    verified: bool,
    sources: String,
}

impl OrganizationRow {
    pub(crate) fn into_organization(self) -> Result<Organization, StoreError> {
        const TABLE: &str = "organizations";
        Ok(Organization {
            id: self.id,
            name: self.name,
            acronym: self.acronym,
            kind: OrganizationKind::parse(&self.kind)
                .map_err(|e| StoreError::corrupt(TABLE, "kind", e))?,
            scope: Scope::parse(&self.scope).map_err(|e| StoreError::corrupt(TABLE, "scope", e))?,
            state_key: self
                .cve_ent
                .map(|k| StateKey::parse(&k))
                .transpose()
                .map_err(|e| StoreError::corrupt(TABLE, "cve_ent", e))?,
            cvegeo: self
                .cvegeo
                .map(|k| Cvegeo::parse(&k))
                .transpose()
                .map_err(|e| StoreError::corrupt(TABLE, "cvegeo", e))?,
            founding_organizer: self.founding_organizer,
            description: self.description,
            provenance: provenance(TABLE, &self.sources, self.verified)?,
        })
    }
}

pub(crate) const COLUMNS: &str = "id, name, acronym, kind, scope, cve_ent, cvegeo, founding_organizer, \
     description, verified, sources";

impl Db {
    pub async fn organizations(
        &self,
        filter: &OrganizationFilter,
        page: PageRequest,
    ) -> Result<Page<Organization>, StoreError> {
        let mut count = Sql::default();
        count.push("SELECT COUNT(*) FROM organizations");
        filter.push_conditions(&mut count);
        let total: i64 = if count.has_conditions() {
            self.scalar_sql(&count).await?
        } else {
            // The whole directory: its count is kept by triggers.
            dispatch!(self, |pool| {
                sqlx::query_scalar(
                    "SELECT COALESCE((SELECT row_count FROM row_counts WHERE name = 'organizations'), 0)",
                )
                .fetch_one(pool)
                .await?
            })
        };
        let mut rows_sql = Sql::default();
        rows_sql.push(&format!("SELECT {COLUMNS} FROM organizations"));
        filter.push_conditions(&mut rows_sql);
        rows_sql
            .push(" ORDER BY name_folded, id LIMIT ")
            .bind(Bind::Int(page.limit()))
            .push(" OFFSET ")
            .bind(Bind::Int(page.offset()));
        let rows: Vec<OrganizationRow> = self.fetch_sql(&rows_sql).await?;
        page_of(total, rows, OrganizationRow::into_organization)
    }

    /// The names of these municipalities (CVEGEO) and states (INEGI key),
    /// by key, in two queries whatever their number; unknown keys are left
    /// out. For the territories an organization names.
    pub async fn place_names(
        &self,
        municipalities: &[String],
        states: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut names: HashMap<String, String> = crate::alliances::fetch_in!(
            self,
            (String, String),
            "SELECT cvegeo, name FROM municipalities WHERE cvegeo IN ({list})",
            municipalities
        )
        .into_iter()
        .collect();
        names.extend(crate::alliances::fetch_in!(
            self,
            (String, String),
            "SELECT cve_ent, name FROM states WHERE cve_ent IN ({list})",
            states
        ));
        Ok(names)
    }

    pub async fn organization(&self, id: Uuid) -> Result<Option<Organization>, StoreError> {
        let row: Option<OrganizationRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM organizations WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?
        });
        row.map(OrganizationRow::into_organization).transpose()
    }
}
