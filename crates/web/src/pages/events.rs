//! Events of the community.

use super::{
    Chrome, Ctx, PageError, PageResult, Pager, event_registration::RegistrationView, render,
};
use crate::{AppState, i18n::Tr, params::Params};
use acoge_domain::event::{DEFAULT_VIEWER_ZONE, Event, Schedule};
use acoge_store::EventSummary;
use askama::Template;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use fluent_templates::fluent_bundle::FluentValue;

/// When an event happens, as its page says it.
pub struct When {
    /// In Mexico City time.
    pub local: String,
    /// In the organizer's zone, when it differs.
    pub original: Option<String>,
}

impl When {
    pub fn new(tr: Tr, schedule: &Schedule) -> Self {
        let viewer =
            jiff::tz::TimeZone::get(DEFAULT_VIEWER_ZONE).unwrap_or(jiff::tz::TimeZone::UTC);
        let start = schedule.starts_at.in_zone(&viewer);
        let end = schedule.ends_at.in_zone(&viewer);
        let hm = |z: &jiff::Zoned| format!("{:02}:{:02}", z.hour(), z.minute());
        let date = tr.long_date(start.year().into(), start.month() as u8, start.day() as u8);
        let local = tr.with(
            "event-when-value",
            &[
                ("date", FluentValue::from(date)),
                ("start", FluentValue::from(hm(&start))),
                ("end", FluentValue::from(hm(&end))),
            ],
        );
        let original = (schedule.time_zone != DEFAULT_VIEWER_ZONE).then(|| {
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
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let params = Params::parse(ctx.raw_query())?;
    let page = params.page(20)?;
    let now = acoge_domain::Timestamp::now();
    let with_when = |items: Vec<EventSummary>| {
        items
            .into_iter()
            .map(|e| {
                let when = When::new(ctx.tr, &e.schedule);
                (e, when)
            })
            .collect::<Vec<_>>()
    };
    let upcoming = if page.page == 1 {
        with_when(app.db.upcoming_events(now).await?)
    } else {
        Vec::new()
    };
    let past = app.db.past_events(now, page).await?;
    let pager = Pager::new("/eventos", &[], page.page, past.page_count(page));
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("events-title"), "events"),
        upcoming,
        past: with_when(past.items),
        pager,
        moderator: acoge_domain::accounts::authorize(
            ctx.actor(),
            acoge_domain::accounts::Capability::Moderate,
        )
        .is_ok(),
    })
}

#[derive(Template)]
#[template(path = "event.html")]
struct ShowPage {
    chrome: Chrome,
    event: Event,
    when: When,
    registration: RegistrationView,
    csrf: String,
}

pub async fn show(State(app): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let event = app.db.event(&id).await?.ok_or_else(PageError::not_found)?;
    let summary = app
        .db
        .registration_summary(event.id, ctx.member().map(|m| m.id))
        .await?;
    render(&ShowPage {
        chrome: ctx.chrome(event.title.get(ctx.tr.lang).to_owned(), "events"),
        when: When::new(ctx.tr, &event.schedule),
        registration: RegistrationView::new(&ctx, &event, &summary),
        csrf: ctx.csrf(),
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
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = app.db.event(&id).await?.ok_or_else(PageError::not_found)?;
    let origin = origin(&app, &headers);
    let host = origin
        .split_once("://")
        .map_or(origin.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or("localhost")
        .to_owned();
    let url = format!("{origin}/eventos/{}", event.id);
    let heading = ctx.tr.t("event-questions");
    let body = acoge_formats::icalendar::event_calendar(
        &event,
        &acoge_formats::icalendar::CalendarContext {
            host: &host,
            url: &url,
            stamp: acoge_domain::Timestamp::now(),
            lang: ctx.tr.lang,
            questions_heading: &heading,
        },
    );
    // Slugs are plain already; filtering keeps the header valid whatever a
    // future slug holds.
    let name: String = event
        .slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let disposition = format!("inline; filename=\"{name}.ics\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
