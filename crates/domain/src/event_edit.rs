//! What moderators send to create or change an event (a form or the API, all
//! text) → `validate()` → `EventContent`, with every problem named by field.
//! Times come as the organizer's local date and time plus a zone (forms) or
//! as RFC 3339 instants (API); either way they are stored as instants.

use crate::{
    Timestamp,
    event::{AgendaItem, EventKind, EventLink, LinkKind, Schedule, ScheduleError},
    fields::{FieldError, FieldProblem, problem, text},
    lang::Bilingual,
    provenance::is_web_address,
};
use uuid::Uuid;

/// The zones a form offers: Mexico's, and UTC for events elsewhere.
pub const TIME_ZONES: &[&str] = &[
    "America/Mexico_City",
    "America/Cancun",
    "America/Merida",
    "America/Monterrey",
    "America/Matamoros",
    "America/Chihuahua",
    "America/Ciudad_Juarez",
    "America/Ojinaga",
    "America/Mazatlan",
    "America/Bahia_Banderas",
    "America/Hermosillo",
    "America/Tijuana",
    "UTC",
];

/// How a time was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeInput {
    /// "2026-12-01T10:00" in the event's zone (an HTML datetime-local field).
    Local(String),
    /// "2026-12-01T16:00:00Z" or with an offset.
    Instant(String),
}

impl TimeInput {
    /// The text as typed, to show it again in a form.
    pub fn as_text(&self) -> &str {
        match self {
            TimeInput::Local(t) | TimeInput::Instant(t) => t,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    pub kind: String,
    pub title: String,
    /// Optional; the Spanish title stands in when empty.
    pub title_en: String,
    pub description: String,
    pub description_en: String,
    pub starts_at: TimeInput,
    pub ends_at: TimeInput,
    pub time_zone: String,
    /// Empty: no limit.
    pub capacity: String,
    /// One item per line: "HH:MM Title — Speaker, Speaker".
    pub agenda: Vec<String>,
    /// (kind slug, url, label); an empty label becomes the url.
    pub links: Vec<(String, String, String)>,
    /// One per line, in order.
    pub guiding_questions: Vec<String>,
    /// Their English texts, by position; a missing or empty one is the
    /// Spanish text.
    pub guiding_questions_en: Vec<String>,
    /// Organization ids.
    pub organizers: Vec<String>,
    /// The slug of the working group that holds it; empty: none.
    pub working_group: String,
}

impl EventInput {
    /// A stored event as input, for a patch or a form to change: times as
    /// instants, lists one item per line.
    pub fn of(event: &crate::event::Event) -> Self {
        EventInput {
            kind: event.kind.slug().to_owned(),
            title: event.title.es.clone(),
            title_en: event.title.en.clone(),
            description: event.description.es.clone(),
            description_en: event.description.en.clone(),
            starts_at: TimeInput::Instant(event.schedule.starts_at.to_string()),
            ends_at: TimeInput::Instant(event.schedule.ends_at.to_string()),
            time_zone: event.schedule.time_zone.clone(),
            capacity: event.capacity.map(|c| c.to_string()).unwrap_or_default(),
            agenda: event.agenda.iter().map(AgendaItem::as_line).collect(),
            links: event
                .links
                .iter()
                .map(|l| (l.kind.slug().to_owned(), l.url.clone(), l.label.clone()))
                .collect(),
            guiding_questions: event
                .guiding_questions
                .iter()
                .map(|q| q.es.clone())
                .collect(),
            guiding_questions_en: event
                .guiding_questions
                .iter()
                .map(|q| q.en.clone())
                .collect(),
            organizers: event.organizers.iter().map(|o| o.id.to_string()).collect(),
            working_group: event
                .working_group
                .as_ref()
                .map(|g| g.slug.clone())
                .unwrap_or_default(),
        }
    }
}

/// A validated event, ready for the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventContent {
    pub kind: EventKind,
    pub title: Bilingual,
    pub description: Bilingual,
    pub schedule: Schedule,
    pub capacity: Option<u32>,
    pub agenda: Vec<AgendaItem>,
    pub links: Vec<EventLink>,
    pub guiding_questions: Vec<Bilingual>,
    pub organizers: Vec<Uuid>,
    /// A working group's slug; the store checks that it exists.
    pub working_group: Option<String>,
}

fn both(es: String, en: String) -> Bilingual {
    Bilingual {
        en: if en.is_empty() { es.clone() } else { en },
        es,
    }
}

fn instant(
    field: &'static str,
    input: &TimeInput,
    zone: Option<&jiff::tz::TimeZone>,
    errors: &mut Vec<FieldError>,
) -> Option<Timestamp> {
    let parsed = match input {
        TimeInput::Instant(text) => Timestamp::parse_rfc3339(text.trim()).ok(),
        TimeInput::Local(text) => {
            let civil = text.trim().parse::<jiff::civil::DateTime>().ok();
            // Without a valid zone the time cannot be placed; the zone's own
            // error says why, so nothing is added here.
            match (civil, zone) {
                (Some(civil), Some(zone)) => civil
                    .to_zoned(zone.clone())
                    .ok()
                    .map(|z| Timestamp::from_jiff(z.timestamp())),
                (Some(_), None) => return None,
                (None, _) => None,
            }
        }
    };
    if parsed.is_none() {
        let kind = if input.as_text().trim().is_empty() {
            FieldProblem::Required
        } else {
            FieldProblem::InvalidDateTime
        };
        errors.push(problem(field, kind));
    }
    parsed
}

/// "HH:MM Title — Speaker, Speaker" (an em dash, or " -- "); speakers optional.
pub fn parse_agenda_item(line: &str) -> Option<AgendaItem> {
    let (time, rest) = line.trim().split_once(char::is_whitespace)?;
    let time = time.parse::<jiff::civil::Time>().ok()?;
    let (title, speakers) = match rest.split_once('—').or_else(|| rest.split_once(" -- ")) {
        Some((title, speakers)) => (title, speakers),
        None => (rest, ""),
    };
    let title = title.trim();
    if title.is_empty() {
        return None;
    }
    Some(AgendaItem {
        time: format!("{:02}:{:02}", time.hour(), time.minute()),
        title: title.to_owned(),
        speakers: speakers
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Drops control characters other than line breaks and tabs: they mean
/// nothing in an event's texts, and PostgreSQL refuses NUL in TEXT.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

fn clean_all(texts: &[String]) -> Vec<String> {
    texts.iter().map(|t| clean(t)).collect()
}

impl EventInput {
    pub fn validate(&self) -> Result<EventContent, Vec<FieldError>> {
        let cleaned = EventInput {
            kind: clean(&self.kind),
            title: clean(&self.title),
            title_en: clean(&self.title_en),
            description: clean(&self.description),
            description_en: clean(&self.description_en),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            time_zone: clean(&self.time_zone),
            capacity: self.capacity.clone(),
            agenda: clean_all(&self.agenda),
            links: self
                .links
                .iter()
                .map(|(k, u, l)| (clean(k), clean(u), clean(l)))
                .collect(),
            guiding_questions: clean_all(&self.guiding_questions),
            guiding_questions_en: clean_all(&self.guiding_questions_en),
            organizers: self.organizers.clone(),
            working_group: clean(&self.working_group),
        };
        cleaned.checked()
    }

    fn checked(&self) -> Result<EventContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = EventKind::parse(self.kind.trim())
            .map_err(|_| errors.push(problem("kind", FieldProblem::UnknownTerm)))
            .ok();
        let title = text("title", &self.title, 300, true, &mut errors);
        let title_en = text("title_en", &self.title_en, 300, false, &mut errors);
        let description = text("description", &self.description, 5000, false, &mut errors);
        let description_en = text(
            "description_en",
            &self.description_en,
            5000,
            false,
            &mut errors,
        );
        let zone_name = self.time_zone.trim();
        let zone = jiff::tz::TimeZone::get(zone_name).ok();
        if zone.is_none() {
            errors.push(problem("time_zone", FieldProblem::UnknownTimeZone));
        }
        let starts = instant("starts_at", &self.starts_at, zone.as_ref(), &mut errors);
        let ends = instant("ends_at", &self.ends_at, zone.as_ref(), &mut errors);
        let schedule = match (starts, ends, zone) {
            (Some(s), Some(e), Some(_)) => match Schedule::new(s, e, zone_name) {
                Ok(schedule) => Some(schedule),
                Err(ScheduleError::EndsBeforeStart) => {
                    errors.push(problem("ends_at", FieldProblem::EndsBeforeStart));
                    None
                }
                Err(ScheduleError::UnknownTimeZone(_)) => {
                    errors.push(problem("time_zone", FieldProblem::UnknownTimeZone));
                    None
                }
            },
            _ => None,
        };
        let capacity = match self.capacity.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push(problem("capacity", FieldProblem::InvalidCapacity));
                    None
                }
            },
        };
        let mut agenda = Vec::new();
        for line in self.agenda.iter().filter(|l| !l.trim().is_empty()) {
            match parse_agenda_item(line) {
                Some(item) => agenda.push(item),
                None => {
                    errors.push(problem("agenda", FieldProblem::InvalidAgendaItem));
                    break;
                }
            }
        }
        let mut links = Vec::new();
        for (kind, url, label) in &self.links {
            let url = url.trim();
            if url.is_empty() {
                continue;
            }
            let Ok(kind) = LinkKind::parse(kind.trim()) else {
                errors.push(problem("links", FieldProblem::UnknownTerm));
                continue;
            };
            if !is_web_address(url) {
                errors.push(problem(field_of(kind), FieldProblem::InvalidUrl));
                continue;
            }
            let label = label.trim();
            links.push(EventLink {
                kind,
                url: url.to_owned(),
                label: if label.is_empty() { url } else { label }.to_owned(),
            });
        }
        // Blank lines are dropped from both lists alike, so positions pair up.
        let english: Vec<&str> = self
            .guiding_questions_en
            .iter()
            .map(|q| q.trim())
            .filter(|q| !q.is_empty())
            .collect();
        let guiding_questions = self
            .guiding_questions
            .iter()
            .map(|q| q.trim())
            .filter(|q| !q.is_empty())
            .enumerate()
            .map(|(n, q)| {
                both(
                    q.to_owned(),
                    english.get(n).copied().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let mut organizers = Vec::new();
        for id in self.organizers.iter().filter(|o| !o.trim().is_empty()) {
            match Uuid::parse_str(id.trim()) {
                Ok(id) if !organizers.contains(&id) => organizers.push(id),
                Ok(_) => {}
                Err(_) => errors.push(problem("organizers", FieldProblem::UnknownOrganization)),
            }
        }
        let working_group = match self.working_group.trim() {
            "" => None,
            slug => match crate::legal_change::validate_instrument_id(slug) {
                Ok(slug) => Some(slug),
                Err(_) => {
                    errors.push(problem("working_group", FieldProblem::UnknownWorkingGroup));
                    None
                }
            },
        };
        match (kind, schedule) {
            (Some(kind), Some(schedule)) if errors.is_empty() => Ok(EventContent {
                kind,
                title: both(title, title_en),
                description: both(description, description_en),
                schedule,
                capacity,
                agenda,
                links,
                guiding_questions,
                organizers,
                working_group,
            }),
            _ => Err(errors),
        }
    }
}

/// The form field a link of this kind is typed in.
pub fn field_of(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::LiveStream => "stream_url",
        LinkKind::Recording => "recording_url",
        LinkKind::Announcement => "links",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::failed_fields;

    fn input() -> EventInput {
        EventInput {
            kind: "taller".into(),
            title: "Taller de inclusión".into(),
            title_en: String::new(),
            description: "Para municipios".into(),
            description_en: String::new(),
            starts_at: TimeInput::Local("2030-03-10T10:00".into()),
            ends_at: TimeInput::Local("2030-03-10T12:30".into()),
            time_zone: "America/Tijuana".into(),
            capacity: "30".into(),
            agenda: vec![
                "10:00 Bienvenida — Ana Pérez, Luis Gómez".into(),
                "".into(),
                "11:00 Mesa de trabajo".into(),
            ],
            links: vec![(
                "transmision".into(),
                "https://example.org/en-vivo".into(),
                String::new(),
            )],
            guiding_questions: vec!["¿Quién hace qué?".into(), " ".into()],
            guiding_questions_en: vec!["Who does what?".into()],
            organizers: vec![],
            working_group: " salud ".into(),
        }
    }

    #[test]
    fn local_times_are_placed_in_the_organizers_zone() {
        let content = input().validate().unwrap();
        // 10 March 2030: Tijuana is on daylight time (UTC−7) from 10 March 02:00.
        assert_eq!(
            content.schedule.starts_at,
            Timestamp::parse_rfc3339("2030-03-10T17:00:00Z").unwrap()
        );
        assert_eq!(content.title.en, "Taller de inclusión");
        assert_eq!(content.capacity, Some(30));
        assert_eq!(content.agenda.len(), 2);
        assert_eq!(content.agenda[0].speakers, vec!["Ana Pérez", "Luis Gómez"]);
        assert_eq!(content.guiding_questions.len(), 1);
        assert_eq!(content.guiding_questions[0].en, "Who does what?");
        assert_eq!(content.links[0].label, "https://example.org/en-vivo");
        assert_eq!(content.working_group.as_deref(), Some("salud"));
    }

    #[test]
    fn an_event_that_ends_before_it_starts_is_an_error_on_ends_at() {
        let mut input = input();
        input.ends_at = TimeInput::Local("2030-03-10T09:00".into());
        let errors = input.validate().unwrap_err();
        assert_eq!(
            errors,
            vec![problem("ends_at", FieldProblem::EndsBeforeStart)]
        );
    }

    #[test]
    fn every_problem_is_named_by_field() {
        let mut input = input();
        input.kind = "fiesta".into();
        input.title = " ".into();
        input.time_zone = "Mars/Olympus".into();
        input.capacity = "0".into();
        input.agenda = vec!["mañana Bienvenida".into()];
        input.links = vec![("grabacion".into(), "ftp://x".into(), String::new())];
        input.working_group = "Salud y Vivienda".into();
        let fields = failed_fields(input.validate());
        assert_eq!(
            fields,
            vec![
                "kind",
                "title",
                "time_zone",
                "capacity",
                "agenda",
                "recording_url",
                "working_group"
            ]
        );
    }

    #[test]
    fn api_instants_keep_their_instant() {
        let mut input = input();
        input.starts_at = TimeInput::Instant("2030-03-10T10:00:00-06:00".into());
        input.ends_at = TimeInput::Instant("2030-03-10T17:00:00Z".into());
        input.time_zone = "America/Mexico_City".into();
        let content = input.validate().unwrap();
        assert_eq!(
            content.schedule.ends_at.as_micros() - content.schedule.starts_at.as_micros(),
            3_600_000_000
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut input = input();
        input.title = "Taller\u{0} de\u{7} inclusión".into();
        assert_eq!(input.validate().unwrap().title.es, "Taller de inclusión");
    }

    #[test]
    fn every_offered_zone_exists() {
        for zone in TIME_ZONES {
            assert!(jiff::tz::TimeZone::get(zone).is_ok(), "{zone}");
        }
    }
}
