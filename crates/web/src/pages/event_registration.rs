//! Asking for a place at an event, giving it up, and the moderators' list to
//! mark who came. Places are counted by the store inside one transaction.

use super::{Chrome, Ctx, PageError, PageResult, form::FormData, render};
use crate::{
    AppState,
    app::events,
    http::ids::{EventKey, Id},
    render::i18n::Tr,
};
use acoge_domain::{
    Timestamp,
    accounts::Capability,
    event::Event,
    registration::{RegistrationStatus, RegistrationSummary},
};
use acoge_store::Registrant;
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use fluent_templates::fluent_bundle::FluentValue;
use uuid::Uuid;

/// What the event page says about registration, worded for the viewer.
pub struct RegistrationView {
    /// Places, registered and waiting.
    pub counts: String,
    /// The viewer's own status, if any.
    pub mine: Option<String>,
    /// The form the viewer can send: (action, button label).
    pub action: Option<(String, String)>,
    /// Whether the viewer may mark attendance.
    pub moderator: bool,
    /// A visitor is invited to sign in to register.
    pub sign_in: bool,
}

fn n(value: u64) -> FluentValue<'static> {
    FluentValue::from(value)
}

impl RegistrationView {
    pub fn new(ctx: &Ctx, event: &Event, summary: &RegistrationSummary) -> Self {
        let tr: Tr = ctx.tr;
        let counts = match summary.capacity {
            Some(capacity) => tr.with(
                "registration-counts",
                &[
                    ("capacity", n(capacity.into())),
                    ("registered", n(summary.registered)),
                    ("waiting", n(summary.waitlisted)),
                ],
            ),
            None => tr.with(
                "registration-counts-unlimited",
                &[("registered", n(summary.registered))],
            ),
        };
        let mine = summary.mine.and_then(|status| match status {
            RegistrationStatus::Registered => Some(tr.t("registration-mine-registered")),
            RegistrationStatus::Waitlisted => Some(tr.with(
                "registration-mine-waitlisted",
                &[("position", n(summary.waiting_position.unwrap_or(0)))],
            )),
            RegistrationStatus::Cancelled => None,
        });
        let open = Timestamp::now() < event.schedule.starts_at;
        let base = format!("/eventos/{}/inscripcion", event.id);
        let action = match (ctx.member(), summary.mine, open) {
            (None, _, _) | (_, _, false) => None,
            (
                Some(_),
                Some(RegistrationStatus::Registered | RegistrationStatus::Waitlisted),
                true,
            ) => Some((format!("{base}/cancelar"), tr.t("registration-cancel"))),
            (Some(_), _, true) => Some((base, tr.t("registration-register"))),
        };
        Self {
            counts,
            mine,
            action,
            moderator: ctx.may(Capability::Moderate),
            sign_in: open && ctx.member().is_none(),
        }
    }
}

fn back(event: Uuid) -> Response {
    Redirect::to(&format!("/eventos/{event}#inscripcion")).into_response()
}

/// Registration closes when the event starts.
async fn open_event(app: &AppState, id: Uuid) -> Result<Event, PageError> {
    let event = events::event(app, &id.to_string())
        .await?
        .ok_or_else(PageError::not_found)?;
    if Timestamp::now() >= event.schedule.starts_at {
        return Err(PageError::forbidden());
    }
    Ok(event)
}

pub async fn register(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let member = ctx.require(Capability::OwnAccount)?.id;
    let event = open_event(&app, id).await?;
    events::register_for_event(&app, event.id, member)
        .await?
        .ok_or_else(PageError::not_found)?;
    Ok(back(event.id))
}

pub async fn cancel(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let member = ctx.require(Capability::OwnAccount)?.id;
    let event = open_event(&app, id).await?;
    // Cancelling twice is harmless: the page shows the current status.
    events::cancel_registration(&app, event.id, member).await?;
    Ok(back(event.id))
}

#[derive(Template)]
#[template(path = "event_attendance.html")]
struct AttendancePage {
    chrome: Chrome,
    csrf: String,
    event: Event,
    registrants: Vec<Registrant>,
}

/// The moderators' list of those registered, with a box for who came.
pub async fn attendance_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<EventKey>,
) -> PageResult {
    ctx.require(Capability::Moderate)?;
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(PageError::not_found)?;
    let title = ctx
        .tr
        .with_text("attendance-title", "event", event.title.get(ctx.tr.lang));
    render(&AttendancePage {
        chrome: ctx.chrome(title, "events"),
        csrf: ctx.csrf(),
        registrants: events::event_registrants(&app, event.id).await?,
        event,
    })
}

pub async fn record_attendance(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let moderator = ctx.require(Capability::Moderate)?.id;
    let attended: Vec<Uuid> = form
        .get_all("attended")
        .iter()
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    events::record_attendance(&app, event, &attended, moderator).await?;
    Ok(Redirect::to(&format!("/eventos/{event}/asistencia")).into_response())
}
