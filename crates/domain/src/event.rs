//! Events of the community: webinars, workshops, meetings. Instants are stored
//! in UTC with the organizer's time zone, and shown in the viewer's.

use crate::{Provenance, Timestamp, lang::Bilingual, taxonomy::vocabulary};
use serde::Serialize;
use uuid::Uuid;

vocabulary!(
    EventKind, "event-kind" {
        Webinar = "webinario",
        Workshop = "taller",
        FieldVisit = "visita_campo",
        Meeting = "reunion",
    }
);

vocabulary!(
    LinkKind, "link-kind" {
        LiveStream = "transmision",
        Recording = "grabacion",
        Announcement = "anuncio",
    }
);

/// The zone in which events are shown when the viewer's is unknown.
pub const DEFAULT_VIEWER_ZONE: &str = "America/Mexico_City";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the event must end after it starts")]
    EndsBeforeStart,
    #[error("{0:?} is not a known time zone (use an IANA name such as America/Mexico_City)")]
    UnknownTimeZone(String),
}

/// When an event happens: a validated pair of instants and the organizer's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub time_zone: String,
}

impl Schedule {
    pub fn new(
        starts_at: Timestamp,
        ends_at: Timestamp,
        time_zone: &str,
    ) -> Result<Self, ScheduleError> {
        jiff::tz::TimeZone::get(time_zone)
            .map_err(|_| ScheduleError::UnknownTimeZone(time_zone.to_owned()))?;
        if ends_at <= starts_at {
            return Err(ScheduleError::EndsBeforeStart);
        }
        Ok(Self {
            starts_at,
            ends_at,
            time_zone: time_zone.to_owned(),
        })
    }

    pub fn organizer_zone(&self) -> jiff::tz::TimeZone {
        // Validated in `new`; the store only holds validated schedules.
        jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

/// One item of an event's agenda: its local time in the organizer's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgendaItem {
    /// "HH:MM" in the organizer's zone.
    pub time: String,
    pub title: String,
    pub speakers: Vec<String>,
}

impl AgendaItem {
    /// The line a form shows and `event_edit::parse_agenda_item` reads back.
    pub fn as_line(&self) -> String {
        if self.speakers.is_empty() {
            format!("{} {}", self.time, self.title)
        } else {
            format!(
                "{} {} — {}",
                self.time,
                self.title,
                self.speakers.join(", ")
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventLink {
    pub kind: LinkKind,
    pub url: String,
    pub label: String,
}

/// An organization as other records cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganizationRef {
    pub id: Uuid,
    pub name: String,
    pub acronym: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub id: Uuid,
    /// Stable readable key, e.g. "lav-2020-11-10".
    pub slug: String,
    pub kind: EventKind,
    pub title: Bilingual,
    pub description: Bilingual,
    pub schedule: Schedule,
    pub organizers: Vec<OrganizationRef>,
    /// In order; each in Spanish and English.
    pub guiding_questions: Vec<Bilingual>,
    pub links: Vec<EventLink>,
    pub agenda: Vec<AgendaItem>,
    /// Places; `None` is no limit.
    pub capacity: Option<u32>,
    /// The working group that holds it, if any.
    pub working_group: Option<GroupRef>,
    pub provenance: Provenance,
}

/// A working group as an event cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRef {
    pub slug: String,
    pub name: Bilingual,
}

/// An event as the reference files describe it: organizers by name.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub slug: String,
    pub kind: EventKind,
    pub title: Bilingual,
    pub description: Bilingual,
    pub schedule: Schedule,
    pub organizer_names: Vec<String>,
    pub guiding_questions: Vec<Bilingual>,
    pub links: Vec<EventLink>,
    pub provenance: Provenance,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_rejects_reversed_times_and_unknown_zones() {
        let a = Timestamp::parse_rfc3339("2020-11-10T18:00:00Z").unwrap();
        let b = Timestamp::parse_rfc3339("2020-11-10T21:00:00Z").unwrap();
        assert!(Schedule::new(a, b, "CET").is_ok());
        assert_eq!(
            Schedule::new(b, a, "CET"),
            Err(ScheduleError::EndsBeforeStart)
        );
        assert!(matches!(
            Schedule::new(a, b, "Mars/Olympus"),
            Err(ScheduleError::UnknownTimeZone(_))
        ));
    }

    #[test]
    fn founding_webinar_is_noon_in_mexico_city() {
        let start = Timestamp::parse_rfc3339("2020-11-10T18:00:00Z").unwrap();
        let zone = jiff::tz::TimeZone::get(DEFAULT_VIEWER_ZONE).unwrap();
        assert_eq!(start.in_zone(&zone).hour(), 12);
    }
}
