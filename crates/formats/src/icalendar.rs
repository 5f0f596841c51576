//! Events as an iCalendar object (RFC 5545): a VCALENDAR with one VTIMEZONE
//! for each organizer's zone the events use and one VEVENT per event whose
//! start and end carry that zone's TZID, so a calendar shows each event at
//! the right instant even when the zone's rules change later. One event's
//! page offers a file of one VEVENT; a working group's, of all its events.
//!
//! Written by hand rather than with the `icalendar` crate: that crate neither
//! builds VTIMEZONE components from a time-zone database nor knows jiff, and
//! what it would save (escaping and folding) is thirty lines.

use acoge_domain::{
    Lang, Timestamp,
    event::{DEFAULT_VIEWER_ZONE, Event, LinkKind},
};
use jiff::{SignedDuration, tz::Offset};
use std::fmt::Write as _;

/// The product that wrote the file (RFC 5545 §3.7.3).
pub const PRODID: &str = "-//Acoge//Comunidad de práctica//ES";

/// Where and when the file is written, which the events themselves do not know.
pub struct CalendarContext<'a> {
    /// The host that makes the UID globally unique, e.g. "acoge.example.org".
    pub host: &'a str,
    /// When the file is produced (DTSTAMP).
    pub stamp: Timestamp,
    /// The language of SUMMARY and DESCRIPTION.
    pub lang: Lang,
    /// "Guiding questions" in `lang`, the heading of that part of DESCRIPTION.
    pub questions_heading: &'a str,
}

/// One event and the absolute address of its page.
pub struct CalendarEntry<'a> {
    pub event: &'a Event,
    pub url: String,
}

/// The events as a complete `text/calendar` body: CRLF line ends, lines
/// folded at 75 octets. `name` (a group's name) becomes the calendar's NAME
/// (RFC 7986) when given.
pub fn calendar(
    entries: &[CalendarEntry<'_>],
    name: Option<&str>,
    cx: &CalendarContext<'_>,
) -> String {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:{}", escape(PRODID)),
        "CALSCALE:GREGORIAN".into(),
    ];
    if let Some(name) = name {
        lines.push(format!("NAME:{}", escape(name)));
    }
    // One VTIMEZONE per zone, covering every event in it: from the first
    // start to the last end.
    let mut spans: std::collections::BTreeMap<&str, (Timestamp, Timestamp)> = Default::default();
    for entry in entries {
        let s = &entry.event.schedule;
        spans
            .entry(s.time_zone.as_str())
            .and_modify(|(start, end)| {
                *start = (*start).min(s.starts_at);
                *end = (*end).max(s.ends_at);
            })
            .or_insert((s.starts_at, s.ends_at));
    }
    // RFC 5545 wants at least one component: a group with no events yet
    // still gets a valid file, with Mexico City's zone as of now.
    if spans.is_empty() {
        spans.insert(DEFAULT_VIEWER_ZONE, (cx.stamp, cx.stamp));
    }
    for (tzid, (start, end)) in &spans {
        let zone = jiff::tz::TimeZone::get(tzid).unwrap_or(jiff::tz::TimeZone::UTC);
        lines.extend(vtimezone(&zone, tzid, *start, *end));
    }
    for entry in entries {
        lines.extend(vevent(entry, cx));
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for line in &lines {
        out.push_str(&fold(line));
        out.push_str("\r\n");
    }
    out
}

/// One event's own file.
pub fn event_calendar(event: &Event, url: &str, cx: &CalendarContext<'_>) -> String {
    calendar(
        &[CalendarEntry {
            event,
            url: url.to_owned(),
        }],
        None,
        cx,
    )
}

fn vevent(entry: &CalendarEntry<'_>, cx: &CalendarContext<'_>) -> Vec<String> {
    let event = entry.event;
    let zone = event.schedule.organizer_zone();
    let tzid = event.schedule.time_zone.as_str();
    let mut lines = vec!["BEGIN:VEVENT".to_owned()];
    lines.push(format!("UID:{}@{}", event.id, cx.host));
    lines.push(format!("DTSTAMP:{}", utc(cx.stamp)));
    lines.push(format!(
        "DTSTART;TZID={tzid}:{}",
        local(event.schedule.starts_at, &zone)
    ));
    lines.push(format!(
        "DTEND;TZID={tzid}:{}",
        local(event.schedule.ends_at, &zone)
    ));
    lines.push(format!("SUMMARY:{}", escape(event.title.get(cx.lang))));
    lines.push(format!("DESCRIPTION:{}", escape(&description(event, cx))));
    lines.push(format!("URL:{}", entry.url));
    // An online event's place is its stream; a calendar offers it as a link.
    if let Some(stream) = event.links.iter().find(|l| l.kind == LinkKind::LiveStream) {
        lines.push(format!("LOCATION:{}", escape(&stream.url)));
    }
    lines.push("END:VEVENT".into());
    lines
}

/// The description, the numbered guiding questions and the links, as
/// paragraphs; an empty part leaves no blank lines behind.
fn description(event: &Event, cx: &CalendarContext<'_>) -> String {
    let mut paragraphs = vec![event.description.get(cx.lang).trim().to_owned()];
    if !event.guiding_questions.is_empty() {
        let mut questions = format!("{}:", cx.questions_heading);
        for (n, question) in event.guiding_questions.iter().enumerate() {
            let _ = write!(questions, "\n{}. {}", n + 1, question.get(cx.lang));
        }
        paragraphs.push(questions);
    }
    let links: Vec<String> = event
        .links
        .iter()
        .map(|link| format!("{}: {}", link.label, link.url))
        .collect();
    paragraphs.push(links.join("\n"));
    paragraphs.retain(|p| !p.is_empty());
    paragraphs.join("\n\n")
}

/// The VTIMEZONE lines for the offset periods that cover [start, end]: one
/// STANDARD or DAYLIGHT per period, starting at the transition that opened
/// it. A zone with no transitions before the event gets one STANDARD with its
/// fixed offset.
fn vtimezone(
    zone: &jiff::tz::TimeZone,
    tzid: &str,
    start: Timestamp,
    end: Timestamp,
) -> Vec<String> {
    let mut lines = vec!["BEGIN:VTIMEZONE".into(), format!("TZID:{tzid}")];
    let start = start.to_jiff();
    let end = end.to_jiff();
    // `preceding` is strictly before; a start exactly on a transition belongs
    // to the period that transition opens.
    let just_after = start
        .checked_add(SignedDuration::from_nanos(1))
        .unwrap_or(start);
    let mut opening = zone.preceding(just_after);
    match opening.next() {
        None => {
            let info = zone.to_offset_info(start);
            lines.extend(period(
                false,
                "19700101T000000".into(),
                info.offset(),
                info.offset(),
                info.abbreviation(),
            ));
        }
        Some(first) => {
            // The offset before each transition is the one the previous
            // transition set (or, before the first, the transition's own).
            let mut before = opening.next().map_or(first.offset(), |t| t.offset());
            let mut transitions = vec![first];
            transitions.extend(zone.following(start).take_while(|t| t.timestamp() <= end));
            for t in transitions {
                let onset = t.timestamp().to_zoned(jiff::tz::TimeZone::fixed(before));
                lines.extend(period(
                    t.dst().is_dst(),
                    civil(&onset.datetime()),
                    before,
                    t.offset(),
                    t.abbreviation(),
                ));
                before = t.offset();
            }
        }
    }
    lines.push("END:VTIMEZONE".into());
    lines
}

fn period(dst: bool, onset: String, from: Offset, to: Offset, name: &str) -> Vec<String> {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    let mut lines = vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{onset}"),
        format!("TZOFFSETFROM:{}", offset(from)),
        format!("TZOFFSETTO:{}", offset(to)),
    ];
    // Zones without a name of their own have numeric abbreviations ("-03").
    if !name.is_empty() {
        lines.push(format!("TZNAME:{}", escape(name)));
    }
    lines.push(format!("END:{kind}"));
    lines
}

/// "+0530", "-0600" (seconds, which no current zone uses, are dropped).
fn offset(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

fn civil(dt: &jiff::civil::DateTime) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn local(instant: Timestamp, zone: &jiff::tz::TimeZone) -> String {
    civil(&instant.in_zone(zone).datetime())
}

fn utc(instant: Timestamp) -> String {
    format!("{}Z", local(instant, &jiff::tz::TimeZone::UTC))
}

/// TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and
/// line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line so no physical line exceeds 75 octets (RFC 5545
/// §3.1), never splitting a UTF-8 sequence; continuation lines start with a
/// space, which counts towards their 75.
pub fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use acoge_domain::{
        Provenance,
        event::{EventKind, EventLink, Schedule},
        lang::Bilingual,
    };

    fn both(text: &str) -> Bilingual {
        Bilingual {
            es: text.to_owned(),
            en: text.to_owned(),
        }
    }

    fn event(start: &str, end: &str, zone: &str) -> Event {
        Event {
            id: uuid::Uuid::nil(),
            slug: "e".into(),
            kind: EventKind::Webinar,
            title: both("Ciudades, migración; inclusión"),
            description: both("Primera línea\nsegunda"),
            schedule: Schedule::new(
                Timestamp::parse_rfc3339(start).unwrap(),
                Timestamp::parse_rfc3339(end).unwrap(),
                zone,
            )
            .unwrap(),
            organizers: vec![],
            guiding_questions: vec![both("¿Qué hace cada nivel?"), both("¿Con quién aliarse?")],
            links: vec![EventLink {
                kind: LinkKind::LiveStream,
                url: "https://example.org/live".into(),
                label: "En vivo".into(),
            }],
            agenda: vec![],
            capacity: None,
            working_group: None,
            provenance: Provenance {
                sources: vec![],
                verified: false,
            },
        }
    }

    fn cx() -> CalendarContext<'static> {
        CalendarContext {
            host: "acoge.test",
            stamp: Timestamp::parse_rfc3339("2026-01-02T03:04:05Z").unwrap(),
            lang: Lang::Es,
            questions_heading: "Preguntas",
        }
    }

    fn single(event: &Event) -> String {
        event_calendar(event, "https://acoge.test/eventos/x", &cx())
    }

    #[test]
    fn a_group_calendar_has_one_vtimezone_per_zone_covering_its_events() {
        let summer = event(
            "2024-07-01T17:00:00Z",
            "2024-07-01T19:00:00Z",
            "America/Tijuana",
        );
        let mut winter = event(
            "2024-12-02T18:00:00Z",
            "2024-12-02T20:00:00Z",
            "America/Tijuana",
        );
        winter.id = uuid::Uuid::max();
        let city = event(
            "2020-11-10T18:00:00Z",
            "2020-11-10T21:00:00Z",
            "America/Mexico_City",
        );
        let entries: Vec<CalendarEntry<'_>> = [&summer, &winter, &city]
            .into_iter()
            .map(|event| CalendarEntry {
                event,
                url: format!("https://acoge.test/eventos/{}", event.id),
            })
            .collect();
        let ics = calendar(&entries, Some("Salud, vivienda"), &cx());
        assert!(ics.contains("NAME:Salud\\, vivienda\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
        assert_eq!(ics.matches("BEGIN:VTIMEZONE").count(), 2, "one per zone");
        let tijuana = ics
            .split("BEGIN:VTIMEZONE")
            .find(|z| z.contains("TZID:America/Tijuana"))
            .unwrap();
        // Daylight time from March and standard time from November 2024.
        assert!(tijuana.contains("DTSTART:20240310T020000"));
        assert!(tijuana.contains("DTSTART:20241103T020000"));
        assert!(ics.contains("UID:ffffffff-ffff-ffff-ffff-ffffffffffff@acoge.test"));
        assert!(ics.contains("DTSTART;TZID=America/Tijuana:20241202T100000"));

        let mut bare = event("2024-07-01T17:00:00Z", "2024-07-01T19:00:00Z", "UTC");
        bare.description = both("");
        bare.links.clear();
        let ics = single(&bare).replace("\r\n ", "");
        assert!(
            ics.contains("DESCRIPTION:Preguntas:\\n1. "),
            "no blank lines first: {ics}"
        );

        let empty = calendar(&[], None, &cx());
        assert_eq!(
            empty.matches("BEGIN:VTIMEZONE").count(),
            1,
            "one component at least"
        );
        assert!(!empty.contains("VEVENT"));
    }

    /// The content lines between BEGIN:name and END:name, unfolded.
    fn component(ics: &str, name: &str) -> Vec<String> {
        let unfolded = ics.replace("\r\n ", "");
        let begin = format!("BEGIN:{name}");
        let end = format!("END:{name}");
        unfolded
            .split("\r\n")
            .skip_while(|l| *l != begin)
            .take_while(|l| *l != end)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn escapes_text_specials() {
        assert_eq!(escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let line = format!("DESCRIPTION:{}", "ñ".repeat(100));
        let folded = fold(&line);
        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
    }

    #[test]
    fn every_line_ends_in_crlf_and_fits() {
        let ics = single(&event(
            "2020-11-10T18:00:00Z",
            "2020-11-10T21:00:00Z",
            "America/Mexico_City",
        ));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));
        let event = component(&ics, "VEVENT");
        assert_has(
            &event,
            &[
                "UID:00000000-0000-0000-0000-000000000000@acoge.test",
                "DTSTAMP:20260102T030405Z",
                "SUMMARY:Ciudades\\, migración\\; inclusión",
                "LOCATION:https://example.org/live",
            ],
        );
        let description = event
            .iter()
            .find(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        assert!(description.contains("Primera línea\\nsegunda\\n\\nPreguntas:\\n1. ¿Qué hace"));
    }

    #[test]
    fn mexico_city_2020_was_utc_minus_six_after_the_october_change() {
        let (ics, zone) = with_zone(
            "2020-11-10T18:00:00Z",
            "2020-11-10T21:00:00Z",
            "America/Mexico_City",
        );
        let event = component(&ics, "VEVENT");
        assert_has(
            &event,
            &[
                "DTSTART;TZID=America/Mexico_City:20201110T120000",
                "DTEND;TZID=America/Mexico_City:20201110T150000",
            ],
        );
        assert_eq!(
            zone,
            vec![
                "BEGIN:VTIMEZONE",
                "TZID:America/Mexico_City",
                "BEGIN:STANDARD",
                "DTSTART:20201025T020000",
                "TZOFFSETFROM:-0500",
                "TZOFFSETTO:-0600",
                "TZNAME:CST",
                "END:STANDARD",
            ]
        );
    }

    /// One event's calendar, and the lines of its VTIMEZONE.
    fn with_zone(start: &str, end: &str, zone: &str) -> (String, Vec<String>) {
        let ics = single(&event(start, end, zone));
        let lines = component(&ics, "VTIMEZONE");
        (ics, lines)
    }

    /// Asserts that `component` has each of `lines`.
    fn assert_has(component: &[String], lines: &[&str]) {
        for line in lines {
            assert!(
                component.iter().any(|l| l == line),
                "{line} in {component:?}"
            );
        }
    }

    #[test]
    fn tijuana_summer_event_is_daylight_time() {
        let (ics, zone) = with_zone(
            "2024-07-01T17:00:00Z",
            "2024-07-01T19:00:00Z",
            "America/Tijuana",
        );
        assert!(ics.contains("DTSTART;TZID=America/Tijuana:20240701T100000"));
        let daylight = [
            "BEGIN:DAYLIGHT",
            "DTSTART:20240310T020000",
            "TZOFFSETFROM:-0800",
            "TZOFFSETTO:-0700",
            "TZNAME:PDT",
        ];
        assert_has(&zone, &daylight);
    }

    #[test]
    fn an_event_across_a_transition_gets_both_periods() {
        // 2 November 2024: Tijuana goes back to PST at 09:00 UTC on 3 November.
        let (ics, zone) = with_zone(
            "2024-11-02T20:00:00Z",
            "2024-11-04T20:00:00Z",
            "America/Tijuana",
        );
        assert_has(
            &zone,
            &[
                "BEGIN:DAYLIGHT",
                "BEGIN:STANDARD",
                "DTSTART:20241103T020000",
            ],
        );
        assert!(ics.contains("DTEND;TZID=America/Tijuana:20241104T120000"));
    }

    #[test]
    fn a_zone_without_transitions_gets_one_fixed_standard() {
        let (_, zone) = with_zone("2024-07-01T17:00:00Z", "2024-07-01T19:00:00Z", "UTC");
        assert_has(
            &zone,
            &["BEGIN:STANDARD", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000"],
        );
        assert!(!zone.contains(&"BEGIN:DAYLIGHT".into()));
    }
}
