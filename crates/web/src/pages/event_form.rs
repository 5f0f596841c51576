//! The moderators' form to create or change an event. A refused form comes
//! back (422) with what was typed and each problem beside its field.

use super::{
    Chrome, Ctx, PageError,
    form::{FormData, after_submit, error_keys, organization_choices},
    render,
};
use crate::{
    AppState,
    app::{community, events},
    http::ids::{EventKey, Id},
};
use acoge_domain::{
    accounts::Capability,
    event::{Event, EventKind, LinkKind},
    event_edit::{EventInput, TIME_ZONES, TimeInput},
    fields::FieldError,
};
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The form's fields as typed (or as stored, when editing).
#[derive(Debug, Default)]
pub struct Values {
    kind: String,
    title: String,
    title_en: String,
    description: String,
    description_en: String,
    starts_at: String,
    ends_at: String,
    time_zone: String,
    capacity: String,
    agenda: String,
    stream_url: String,
    recording_url: String,
    guiding_questions: String,
    guiding_questions_en: String,
    organizers: Vec<String>,
    working_group: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

impl Values {
    fn from_form(form: &FormData) -> Self {
        Self {
            kind: form.get("kind").to_owned(),
            title: form.get("title").to_owned(),
            title_en: form.get("title_en").to_owned(),
            description: form.get("description").to_owned(),
            description_en: form.get("description_en").to_owned(),
            starts_at: form.get("starts_at").to_owned(),
            ends_at: form.get("ends_at").to_owned(),
            time_zone: form.get("time_zone").to_owned(),
            capacity: form.get("capacity").to_owned(),
            agenda: form.get("agenda").to_owned(),
            stream_url: form.get("stream_url").to_owned(),
            recording_url: form.get("recording_url").to_owned(),
            guiding_questions: form.get("guiding_questions").to_owned(),
            guiding_questions_en: form.get("guiding_questions_en").to_owned(),
            organizers: form.get_all("organizers"),
            working_group: form.get("working_group").to_owned(),
        }
    }

    fn from_event(event: &Event) -> Self {
        let zone = event.schedule.organizer_zone();
        let local = |t: acoge_domain::Timestamp| {
            let z = t.in_zone(&zone);
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                z.year(),
                z.month(),
                z.day(),
                z.hour(),
                z.minute()
            )
        };
        let link = |kind: LinkKind| {
            event
                .links
                .iter()
                .find(|l| l.kind == kind)
                .map(|l| l.url.clone())
                .unwrap_or_default()
        };
        let input = EventInput::of(event);
        Self {
            kind: input.kind,
            title: input.title,
            title_en: input.title_en,
            description: input.description,
            description_en: input.description_en,
            starts_at: local(event.schedule.starts_at),
            ends_at: local(event.schedule.ends_at),
            time_zone: input.time_zone,
            capacity: input.capacity,
            agenda: input.agenda.join("\n"),
            stream_url: link(LinkKind::LiveStream),
            recording_url: link(LinkKind::Recording),
            guiding_questions: input.guiding_questions.join("\n"),
            guiding_questions_en: input.guiding_questions_en.join("\n"),
            organizers: input.organizers,
            working_group: input.working_group,
        }
    }

    /// The input, keeping what the form does not show of `current`: the
    /// form shows the first stream and the first recording; every other
    /// link stays, and a shown link whose address is unchanged keeps its
    /// label.
    fn input(&self, current: Option<&Event>) -> EventInput {
        let mut input = self.typed();
        let Some(current) = current else {
            return input;
        };
        let shown = |kind: LinkKind| current.links.iter().position(|l| l.kind == kind);
        let shown = [shown(LinkKind::LiveStream), shown(LinkKind::Recording)];
        for (link, position) in input.links.iter_mut().zip(shown) {
            if let Some(old) = position.and_then(|p| current.links.get(p))
                && old.url == link.1.trim()
            {
                link.2 = old.label.clone();
            }
        }
        input.links.extend(
            current
                .links
                .iter()
                .enumerate()
                .filter(|(n, _)| !shown.contains(&Some(*n)))
                .map(|(_, l)| (l.kind.slug().to_owned(), l.url.clone(), l.label.clone())),
        );
        input
    }

    fn typed(&self) -> EventInput {
        EventInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            title_en: self.title_en.clone(),
            description: self.description.clone(),
            description_en: self.description_en.clone(),
            starts_at: TimeInput::Local(self.starts_at.clone()),
            ends_at: TimeInput::Local(self.ends_at.clone()),
            time_zone: self.time_zone.clone(),
            capacity: self.capacity.clone(),
            agenda: lines(&self.agenda),
            links: vec![
                (
                    LinkKind::LiveStream.slug().to_owned(),
                    self.stream_url.clone(),
                    String::new(),
                ),
                (
                    LinkKind::Recording.slug().to_owned(),
                    self.recording_url.clone(),
                    String::new(),
                ),
            ],
            guiding_questions: lines(&self.guiding_questions),
            guiding_questions_en: lines(&self.guiding_questions_en),
            organizers: self.organizers.clone(),
            working_group: self.working_group.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    action: String,
    values: Values,
    kinds: &'static [EventKind],
    zones: &'static [&'static str],
    organizations: Vec<(Uuid, String)>,
    /// (slug, name in the reader's language).
    groups: Vec<(String, String)>,
    errors: BTreeMap<&'static str, &'static str>,
}

impl FormPage {
    /// An event kept in a zone the select does not offer (the founding
    /// webinar's CET) keeps it: the form shows it as an extra choice rather
    /// than silently moving the event to the first zone of the list.
    fn zone_listed(&self) -> bool {
        self.values.time_zone.is_empty() || self.zones.contains(&self.values.time_zone.as_str())
    }

    fn chosen(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.values.organizers.contains(&id)
    }
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    action: String,
    values: Values,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let title = ctx.tr.t(if action.ends_with("/nuevo") {
        "event-new"
    } else {
        "event-edit"
    });
    let organizations = organization_choices(app, 100)
        .await?
        .into_iter()
        .map(|o| (o.id, o.display_name()))
        .collect();
    let groups = community::working_groups(app)
        .await?
        .into_iter()
        .map(|g| {
            let name = ctx.tr.pick(&g.content.name).to_owned();
            (g.content.slug, name)
        })
        .collect();
    let page = render(&FormPage {
        chrome: ctx.chrome(title, "events"),
        csrf: ctx.csrf(),
        action,
        values,
        kinds: EventKind::ALL,
        zones: TIME_ZONES,
        organizations,
        groups,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

pub async fn new_form(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let values = Values {
        kind: EventKind::Webinar.slug().to_owned(),
        time_zone: acoge_domain::event::DEFAULT_VIEWER_ZONE.to_owned(),
        ..Values::default()
    };
    form_page(&app, &ctx, "/eventos/nuevo".into(), values, &[]).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let values = Values::from_form(&form);
    after_submit(
        events::create(&app, ctx.actor(), &values.input(None)).await,
        |id| format!("/eventos/{id}"),
        async |errors| form_page(&app, &ctx, "/eventos/nuevo".into(), values, errors).await,
    )
    .await
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<EventKey>,
) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let event = events::event(&app, event.as_str())
        .await?
        .ok_or_else(PageError::not_found)?;
    let action = format!("/eventos/{}/editar", event.id);
    form_page(&app, &ctx, action, Values::from_event(&event), &[]).await
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let values = Values::from_form(&form);
    let current = events::event(&app, &id.to_string()).await?;
    after_submit(
        events::update(&app, ctx.actor(), id, &values.input(current.as_ref())).await,
        |()| format!("/eventos/{id}"),
        async |errors| {
            let action = format!("/eventos/{id}/editar");
            form_page(&app, &ctx, action, values, errors).await
        },
    )
    .await
}
