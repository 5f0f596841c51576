//! Events of the community.

use super::{
    Chrome, Ctx, PageError, PageResult, Pager, event_registration::RegistrationView, render,
};
use crate::{
    AppState,
    app::{discussions, events},
    http::ids::{EventKey, Id},
    http::params::{Params, existing_page},
    render::i18n::Tr,
};
use acoge_domain::{
    discussion::Discussion,
    event::{DEFAULT_VIEWER_ZONE, Event, Schedule},
    event_edit::TIME_ZONES,
};
use acoge_store::EventSummary;
use askama::Template;
use axum::{
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use fluent_templates::fluent_bundle::FluentValue;

/// When an event happens, as its page says it.
pub struct When {
    /// In the viewer's zone (Mexico City unless asked otherwise).
    pub local: String,
    /// In the organizer's zone, when it differs from the viewer's.
    pub original: Option<String>,
}

/// The zone the viewer asked for with `?zona=` (one of the form's zones),
/// else Mexico City.
pub fn viewer_zone(params: &Params) -> Result<&'static str, crate::http::params::ParamError> {
    Ok(params
        .parse_with("zona", |v| {
            TIME_ZONES
                .iter()
                .find(|z| **z == v)
                .copied()
                .ok_or_else(|| format!("one of {}", TIME_ZONES.join(", ")))
        })?
        .unwrap_or(DEFAULT_VIEWER_ZONE))
}

impl When {
    pub fn new(tr: Tr, schedule: &Schedule, viewer_name: &str) -> Self {
        let viewer = jiff::tz::TimeZone::get(viewer_name).unwrap_or(jiff::tz::TimeZone::UTC);
        let start = schedule.starts_at.in_zone(&viewer);
        let end = schedule.ends_at.in_zone(&viewer);
        let hm = |z: &jiff::Zoned| format!("{:02}:{:02}", z.hour(), z.minute());
        let date = tr.long_date(start.year().into(), start.month() as u8, start.day() as u8);
        let key = if viewer_name == DEFAULT_VIEWER_ZONE {
            "event-when-value"
        } else {
            "event-when-value-in"
        };
        let local = tr.with(
            key,
            &[
                ("date", FluentValue::from(date)),
                ("start", FluentValue::from(hm(&start))),
                ("end", FluentValue::from(hm(&end))),
                ("zone", FluentValue::from(viewer_name.to_owned())),
            ],
        );
        let original = (schedule.time_zone != viewer_name).then(|| {
            let zone = schedule.organizer_zone();
            let (s, e) = (
                schedule.starts_at.in_zone(&zone),
                schedule.ends_at.in_zone(&zone),
            );
            tr.with(
                "event-original-zone",
                &[
                    ("zone", FluentValue::from(schedule.time_zone.clone())),
                    ("start", FluentValue::from(hm(&s))),
                    ("end", FluentValue::from(hm(&e))),
                ],
            )
        });
        Self { local, original }
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage {
    chrome: Chrome,
    /// Not ended yet, soonest first (shown on the first page only).
    upcoming: Vec<(EventSummary, When)>,
    /// Ended, most recent first, paginated.
    past: Vec<(EventSummary, When)>,
    pager: Pager,
    moderator: bool,
    zones: &'static [&'static str],
    /// The viewer's zone, and the query that keeps it on links ("" by default).
    zone: &'static str,
    zone_query: String,
}

/// `?zona=…` for links, empty for the default zone.
fn zone_query(zone: &str) -> String {
    if zone == DEFAULT_VIEWER_ZONE {
        String::new()
    } else {
        format!(
            "?{}",
            serde_urlencoded::to_string([("zona", zone)]).unwrap_or_default()
        )
    }
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let params = Params::parse(ctx.raw_query())?;
    let page = params.page(20)?;
    let zone = viewer_zone(&params)?;
    let now = acoge_domain::Timestamp::now();
    let with_when = |items: Vec<EventSummary>| {
        items
            .into_iter()
            .map(|e| {
                let when = When::new(ctx.tr, &e.schedule, zone);
                (e, when)
            })
            .collect::<Vec<_>>()
    };
    let upcoming = if page.page == 1 {
        with_when(events::upcoming_events(&app, now).await?)
    } else {
        Vec::new()
    };
    let past = events::past_events(&app, now, page).await?;
    let kept = if zone == DEFAULT_VIEWER_ZONE {
        ""
    } else {
        zone
    };
    let filters = [("zona", kept.to_owned())];
    if let Err(past) = existing_page(page, past.total) {
        return super::practices::past_last_page(&ctx, "/eventos", &filters, past);
    }
    let pager = Pager::new("/eventos", &filters, page.page, past.page_count(page));
    Ok(render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("events-title"), "events"),
        upcoming,
        past: with_when(past.items),
        pager,
        moderator: acoge_domain::accounts::authorize(
            ctx.actor(),
            acoge_domain::accounts::Capability::Moderate,
        )
        .is_ok(),
        zones: TIME_ZONES,
        zone,
        zone_query: zone_query(zone),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "event.html")]
struct ShowPage {
    chrome: Chrome,
    event: Event,
    when: When,
    registration: RegistrationView,
    csrf: String,
    zones: &'static [&'static str],
    zone: &'static str,
    /// Each guiding question's thread (by position), if it has one, and
    /// whether its synthesis is published.
    threads: Vec<Option<(Discussion, bool)>>,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Id(event): Id<EventKey>) -> PageResult {
    let zone = viewer_zone(&Params::parse(ctx.raw_query())?)?;
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(PageError::not_found)?;
    let summary = events::registration_summary(&app, event.id, ctx.member().map(|m| m.id)).await?;
    let discussions = discussions::discussions(&app, Some(event.id), true).await?;
    let ids: Vec<_> = discussions.iter().map(|d| d.id).collect();
    let synthesized: Vec<_> = discussions::syntheses(&app, &ids)
        .await?
        .into_iter()
        .map(|s| s.discussion_id)
        .collect();
    let mut threads: Vec<Option<(Discussion, bool)>> = vec![None; event.guiding_questions.len()];
    for discussion in discussions {
        let slot = discussion
            .position
            .and_then(|p| usize::try_from(p).ok()?.checked_sub(1))
            .and_then(|index| threads.get_mut(index));
        if let Some(slot) = slot {
            let published = synthesized.contains(&discussion.id);
            *slot = Some((discussion, published));
        }
    }
    render(&ShowPage {
        threads,
        chrome: ctx.chrome(event.title.get(ctx.tr.lang).to_owned(), "events"),
        when: When::new(ctx.tr, &event.schedule, zone),
        registration: RegistrationView::new(&ctx, &event, &summary),
        csrf: ctx.csrf(),
        zones: TIME_ZONES,
        zone,
        event,
    })
}

/// The origin of absolute links in files read outside the site: the
/// configured public address, else the address the request was sent to.
fn origin(app: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &app.config.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The event as an iCalendar file (RFC 5545) for the visitor's calendar.
pub async fn calendar(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(event): Id<EventKey>,
) -> Result<Response, PageError> {
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(PageError::not_found)?;
    let file_name = event.slug.clone();
    Ok(calendar_file(
        &app,
        &ctx,
        &headers,
        std::slice::from_ref(&event),
        None,
        &file_name,
    ))
}

/// Events as an iCalendar file named `file_name`.ics; `name` is the
/// calendar's own name (a working group's).
pub fn calendar_file(
    app: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    events: &[Event],
    name: Option<&str>,
    file_name: &str,
) -> Response {
    use acoge_formats::icalendar::{CalendarContext, CalendarEntry, calendar};
    let origin = origin(app, headers);
    let host = origin
        .split_once("://")
        .map_or(origin.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
        .to_owned();
    let heading = ctx.tr.t("event-questions");
    let entries: Vec<CalendarEntry<'_>> = events
        .iter()
        .map(|event| CalendarEntry {
            event,
            url: format!("{origin}/eventos/{}", event.id),
        })
        .collect();
    let body = calendar(
        &entries,
        name,
        &CalendarContext {
            host: &host,
            stamp: acoge_domain::Timestamp::now(),
            lang: ctx.tr.lang,
            questions_heading: &heading,
        },
    );
    // Slugs are plain already; filtering keeps the header valid whatever a
    // future slug holds.
    let file_name: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let disposition = format!("inline; filename=\"{file_name}.ics\"");
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
