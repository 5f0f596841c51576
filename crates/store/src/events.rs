//! Events, their organizers, guiding questions and links.

use crate::{
    Db, StoreError,
    db::dispatch,
    rows::{page_of, provenance},
    time::DbTime,
};
use acoge_domain::{
    event::{
        AgendaItem, Event, EventKind, EventLink, GroupRef, LinkKind, OrganizationRef, Schedule,
    },
    lang::Bilingual,
    page::{Page, PageRequest},
};
use uuid::Uuid;

/// An event as lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EventSummary {
    pub id: Uuid,
    pub slug: String,
    pub kind: EventKind,
    pub title: Bilingual,
    pub schedule: Schedule,
    /// The slug of the working group that holds it.
    pub working_group: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    slug: String,
    kind: String,
    title_es: String,
    title_en: String,
    description_es: String,
    description_en: String,
    starts_at: DbTime,
    ends_at: DbTime,
    time_zone: String,
    verified: bool,
    sources: String,
    capacity: Option<i64>,
    working_group: Option<String>,
}

const TABLE: &str = "events";

impl EventRow {
    fn summary(&self) -> Result<EventSummary, StoreError> {
        Ok(EventSummary {
            id: self.id,
            slug: self.slug.clone(),
            kind: EventKind::parse(&self.kind)
                .map_err(|e| StoreError::corrupt(TABLE, "kind", e))?,
            title: Bilingual {
                es: self.title_es.clone(),
                en: self.title_en.clone(),
            },
            schedule: Schedule::new(self.starts_at.0, self.ends_at.0, &self.time_zone)
                .map_err(|e| StoreError::corrupt(TABLE, "ends_at", e))?,
            working_group: self.working_group.clone(),
        })
    }
}

const COLUMNS: &str = "id, slug, kind, title_es, title_en, description_es, description_en, \
     starts_at, ends_at, time_zone, verified, sources, capacity, \
     (SELECT g.slug FROM working_groups g WHERE g.id = events.working_group_id) AS working_group";

impl Db {
    /// Events, newest first.
    pub async fn events(&self, page: PageRequest) -> Result<Page<EventSummary>, StoreError> {
        self.whole_table_page(
            page,
            // Kept by triggers (migration 0015), so the home page counts nothing.
            "SELECT COALESCE((SELECT row_count FROM row_counts WHERE name = 'events'), 0)",
            format!("SELECT {COLUMNS} FROM events ORDER BY starts_at DESC, id LIMIT $1 OFFSET $2"),
            |row: EventRow| row.summary(),
        )
        .await
    }

    /// Events that have not ended at `now`, soonest first. They are few (a
    /// community's calendar), so they are not paginated.
    pub async fn upcoming_events(
        &self,
        now: acoge_domain::Timestamp,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE ends_at > $1 ORDER BY starts_at, id LIMIT 200"
        );
        let rows: Vec<EventRow> = self.rows_by(sql, DbTime(now)).await?;
        rows.iter().map(EventRow::summary).collect()
    }

    /// Events that ended by `now`, most recent first.
    pub async fn past_events(
        &self,
        now: acoge_domain::Timestamp,
        page: PageRequest,
    ) -> Result<Page<EventSummary>, StoreError> {
        self.events_around(now, false, page).await
    }

    /// Events not ended at `now`, soonest first, a page at a time.
    pub async fn upcoming_events_page(
        &self,
        now: acoge_domain::Timestamp,
        page: PageRequest,
    ) -> Result<Page<EventSummary>, StoreError> {
        self.events_around(now, true, page).await
    }

    async fn events_around(
        &self,
        now: acoge_domain::Timestamp,
        upcoming: bool,
        page: PageRequest,
    ) -> Result<Page<EventSummary>, StoreError> {
        let (condition, order) = if upcoming {
            ("ends_at > $1", "starts_at, id")
        } else {
            ("ends_at <= $1", "starts_at DESC, id")
        };
        let (total, rows): (i64, Vec<EventRow>) = dispatch!(self, |pool| {
            let total = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) FROM events WHERE {condition}"
            )))
            .bind(DbTime(now))
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM events WHERE {condition}
                 ORDER BY {order} LIMIT $2 OFFSET $3"
            )))
            .bind(DbTime(now))
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(pool)
            .await?;
            (total, rows)
        });
        page_of(total, rows, |row| row.summary())
    }

    /// One event by its id or its slug, with everything its page shows.
    pub async fn event(&self, id_or_slug: &str) -> Result<Option<Event>, StoreError> {
        let id = Uuid::parse_str(id_or_slug).ok();
        type Parts = (
            Option<EventRow>,
            Vec<(Uuid, String, Option<String>)>,
            Vec<(String, String)>,
            Vec<(String, String, String)>,
            Vec<(String, String, String)>,
            Option<(String, String, String)>,
        );
        let (row, organizers, questions, links, agenda, group): Parts = dispatch!(self, |pool| {
            let row: Option<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM events WHERE id = $1 OR slug = $2"
            )))
            .bind(id)
            .bind(id_or_slug)
            .fetch_optional(pool)
            .await?;
            match &row {
                None => (None, Vec::new(), Vec::new(), Vec::new(), Vec::new(), None),
                Some(event) => {
                    let organizers = sqlx::query_as(
                        "SELECT o.id, o.name, o.acronym FROM event_organizers eo
                         JOIN organizations o ON o.id = eo.organization_id
                         WHERE eo.event_id = $1 ORDER BY eo.position",
                    )
                    .bind(event.id)
                    .fetch_all(pool)
                    .await?;
                    let questions = sqlx::query_as(
                        "SELECT text_es, text_en FROM event_guiding_questions
                         WHERE event_id = $1 ORDER BY position",
                    )
                    .bind(event.id)
                    .fetch_all(pool)
                    .await?;
                    let links = sqlx::query_as(
                        "SELECT kind, url, label FROM event_links WHERE event_id = $1 ORDER BY position",
                    )
                    .bind(event.id)
                    .fetch_all(pool)
                    .await?;
                    let agenda = sqlx::query_as(
                        "SELECT time, title, speakers FROM event_agenda_items
                         WHERE event_id = $1 ORDER BY position",
                    )
                    .bind(event.id)
                    .fetch_all(pool)
                    .await?;
                    let group = sqlx::query_as(
                        "SELECT g.slug, g.name_es, g.name_en FROM working_groups g
                         JOIN events e ON e.working_group_id = g.id WHERE e.id = $1",
                    )
                    .bind(event.id)
                    .fetch_optional(pool)
                    .await?;
                    (row, organizers, questions, links, agenda, group)
                }
            }
        });
        let Some(row) = row else { return Ok(None) };
        let summary = row.summary()?;
        Ok(Some(Event {
            id: summary.id,
            slug: summary.slug,
            kind: summary.kind,
            title: summary.title,
            description: Bilingual {
                es: row.description_es,
                en: row.description_en,
            },
            schedule: summary.schedule,
            organizers: organizers
                .into_iter()
                .map(|(id, name, acronym)| OrganizationRef { id, name, acronym })
                .collect(),
            guiding_questions: questions
                .into_iter()
                .map(|(es, en)| Bilingual { es, en })
                .collect(),
            links: links
                .into_iter()
                .map(|(kind, url, label)| {
                    Ok(EventLink {
                        kind: LinkKind::parse(&kind)
                            .map_err(|e| StoreError::corrupt("event_links", "kind", e))?,
                        url,
                        label,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            agenda: agenda
                .into_iter()
                .map(|(time, title, speakers)| {
                    Ok(AgendaItem {
                        time,
                        title,
                        speakers: serde_json::from_str(&speakers).map_err(|e| {
                            StoreError::corrupt("event_agenda_items", "speakers", e)
                        })?,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            capacity: crate::registrations::capacity(row.capacity),
            working_group: group.map(|(slug, es, en)| GroupRef {
                slug,
                name: Bilingual { es, en },
            }),
            provenance: provenance(TABLE, &row.sources, row.verified)?,
        }))
    }
}

impl Db {
    /// Events an organization organized, newest first.
    pub async fn events_organized_by(
        &self,
        organization: Uuid,
    ) -> Result<Vec<EventSummary>, StoreError> {
        let rows: Vec<EventRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM events WHERE id IN
                    (SELECT event_id FROM event_organizers WHERE organization_id = $1)
                 ORDER BY starts_at DESC"
            )))
            .bind(organization)
            .fetch_all(pool)
            .await?
        });
        rows.iter().map(EventRow::summary).collect()
    }

    /// A working group's events, newest first.
    pub async fn events_of_group(&self, group: Uuid) -> Result<Vec<EventSummary>, StoreError> {
        let rows: Vec<EventRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM events WHERE working_group_id = $1
                 ORDER BY starts_at DESC, id LIMIT 500"
            )))
            .bind(group)
            .fetch_all(pool)
            .await?
        });
        rows.iter().map(EventRow::summary).collect()
    }
}
