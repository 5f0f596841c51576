//! Working groups and the collaboration framework, as pages.

use super::{
    Chrome, Ctx, PageError,
    events::{When, calendar_file},
    form::{FormData, after_submit, error_keys},
    render,
};
use crate::{
    AppState,
    app::error::AppError,
    app::{community, events, members},
    http::ids::{Id, Slug},
    render::markdown::to_safe_html,
};
use acoge_domain::{
    Timestamp,
    accounts::Capability,
    discussion::Discussion,
    event::DEFAULT_VIEWER_ZONE,
    fields::FieldError,
    page::PageRequest,
    working_group::{FrameworkVersion, GroupInput, WorkingGroup},
};
use acoge_store::EventSummary;
use askama::Template;
use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{Html, IntoResponse, Redirect, Response},
};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "groups.html")]
struct ListPage {
    chrome: Chrome,
    groups: Vec<WorkingGroup>,
    admin: bool,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Html<String>, PageError> {
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("groups-title"), "events"),
        groups: community::working_groups(&app).await?,
        admin: ctx.may(Capability::ManageMembers),
    })
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    chrome: Chrome,
    group: WorkingGroup,
    /// Not ended yet, soonest first.
    upcoming: Vec<(EventSummary, When)>,
    /// Ended, most recent first.
    past: Vec<(EventSummary, When)>,
    discussions: Vec<Discussion>,
    /// Administrators manage the group's moderators.
    admin: bool,
    /// Members an administrator may add as moderators: (id, display name).
    candidates: Vec<(Uuid, String)>,
    /// The viewer's organization is in the group (None: no organization).
    member_of: Option<bool>,
    csrf: String,
    error: Option<&'static str>,
}

async fn group_page(
    app: &AppState,
    ctx: &Ctx,
    slug: &str,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let community::GroupDetail {
        group,
        events,
        discussions,
    } = community::group_detail(app, slug)
        .await?
        .ok_or_else(PageError::not_found)?;
    let member_of = ctx
        .organization()
        .map(|org| group.organizations.iter().any(|(id, _)| *id == org));
    let now = Timestamp::now();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for event in events {
        let when = When::new(ctx.tr, &event.schedule, DEFAULT_VIEWER_ZONE);
        if event.schedule.ends_at > now {
            upcoming.push((event, when));
        } else {
            past.push((event, when));
        }
    }
    upcoming.reverse();
    let admin = ctx.may(Capability::ManageMembers);
    let candidates = if admin {
        members::members(app, PageRequest::first(500))
            .await?
            .items
            .into_iter()
            .filter(|m| !group.moderators.iter().any(|(id, _)| *id == m.id))
            .map(|m| (m.id, m.display_name))
            .collect()
    } else {
        Vec::new()
    };
    let page = render(&GroupPage {
        admin,
        candidates,
        chrome: ctx.chrome(ctx.tr.pick(&group.content.name).to_owned(), "events"),
        group,
        upcoming,
        past,
        discussions,
        member_of,
        csrf: ctx.csrf(),
        error,
    })?;
    Ok((status, page).into_response())
}

/// All the group's events as one iCalendar file, soonest first.
pub async fn calendar(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(slug): Id<Slug>,
) -> Result<Response, PageError> {
    let group = find_group(&app, &slug).await?;
    let mut events = Vec::new();
    for summary in events::events_of_group(&app, group.id)
        .await?
        .into_iter()
        .rev()
    {
        if let Some(event) = events::event(&app, &summary.id.to_string()).await? {
            events.push(event);
        }
    }
    let name = ctx.tr.pick(&group.content.name).to_owned();
    Ok(calendar_file(
        &app,
        &ctx,
        &headers,
        &events,
        Some(&name),
        &group.content.slug,
    ))
}

async fn find_group(app: &AppState, slug: &str) -> Result<WorkingGroup, PageError> {
    community::working_group(app, slug)
        .await?
        .ok_or_else(PageError::not_found)
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
) -> Result<Response, PageError> {
    group_page(&app, &ctx, &slug, None, StatusCode::OK).await
}

async fn membership(
    app: AppState,
    ctx: Ctx,
    slug: String,
    join: bool,
) -> Result<Response, PageError> {
    match community::set_membership(&app, ctx.actor(), &slug, join).await {
        Ok(()) => Ok(Redirect::to(&format!("/grupos/{slug}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let key = errors.first().map(|e| e.problem.message_key());
            group_page(&app, &ctx, &slug, key, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// An administrator adds (`action=add`) or removes a moderator.
pub async fn moderator(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
    form: FormData,
) -> Result<Response, PageError> {
    let member = Uuid::parse_str(form.get("member")).map_err(|_| PageError::not_found())?;
    let add = form.get("action") == "add";
    community::set_moderator(&app, ctx.actor(), &slug, member, add).await?;
    Ok(Redirect::to(&format!("/grupos/{slug}")).into_response())
}

pub async fn join(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
) -> Result<Response, PageError> {
    membership(app, ctx, slug.into(), true).await
}

pub async fn leave(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
) -> Result<Response, PageError> {
    membership(app, ctx, slug.into(), false).await
}

#[derive(Template)]
#[template(path = "group_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    input: GroupInput,
    errors: BTreeMap<&'static str, &'static str>,
    /// Where the form posts; editing shows the slug without a field for it.
    action: String,
    editing: bool,
}

fn form_page(
    ctx: &Ctx,
    input: GroupInput,
    errors: &[FieldError],
    editing: bool,
) -> Result<Response, PageError> {
    ctx.require(Capability::ManageMembers)?;
    let (title, action) = if editing {
        (
            ctx.tr.t("groups-edit"),
            format!("/grupos/{}/editar", input.slug),
        )
    } else {
        (ctx.tr.t("groups-new"), "/grupos/nuevo".to_owned())
    };
    let page = render(&FormPage {
        chrome: ctx.chrome(title, "events"),
        csrf: ctx.csrf(),
        input,
        errors: error_keys(errors),
        action,
        editing,
    })?;
    Ok(page.into_response())
}

fn group_input(form: &FormData, slug: Option<&str>) -> GroupInput {
    GroupInput {
        slug: slug.map_or_else(|| form.get("slug").to_owned(), str::to_owned),
        name_es: form.get("name_es").to_owned(),
        name_en: form.get("name_en").to_owned(),
        description_es: form.get("description_es").to_owned(),
        description_en: form.get("description_en").to_owned(),
    }
}

pub async fn new_form(ctx: Ctx) -> Result<Response, PageError> {
    form_page(&ctx, GroupInput::default(), &[], false)
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
) -> Result<Response, PageError> {
    ctx.require(Capability::ManageMembers)?;
    let group = find_group(&app, &slug).await?;
    let input = GroupInput {
        slug: group.content.slug,
        name_es: group.content.name.es,
        name_en: group.content.name.en,
        description_es: group.content.description.es,
        description_en: group.content.description.en,
    };
    form_page(&ctx, input, &[], true)
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(slug): Id<Slug>,
    form: FormData,
) -> Result<Response, PageError> {
    let input = group_input(&form, Some(&slug));
    after_submit(
        community::update_group(&app, ctx.actor(), &slug, &input).await,
        |()| format!("/grupos/{slug}"),
        async |errors| form_page(&ctx, input, errors, true),
    )
    .await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let input = group_input(&form, None);
    after_submit(
        community::create_group(&app, ctx.actor(), &input).await,
        |slug| format!("/grupos/{slug}"),
        async |errors| form_page(&ctx, input, errors, false),
    )
    .await
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    chrome: Chrome,
    /// The current version rendered, and its record.
    current: Option<(String, FrameworkVersion)>,
    /// Earlier versions, rendered, newest first.
    older: Vec<(String, FrameworkVersion)>,
    members: Vec<(uuid::Uuid, String, i32)>,
    /// The viewer's organization's accepted version (None: not accepted or
    /// no organization); whether the viewer acts for an organization.
    accepted: Option<i32>,
    has_organization: bool,
    admin: bool,
    csrf: String,
    error: Option<&'static str>,
}

async fn framework_page(
    app: &AppState,
    ctx: &Ctx,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let mut versions = community::framework_versions(app).await?;
    let current = if versions.is_empty() {
        None
    } else {
        let latest = versions.remove(0);
        Some((to_safe_html(ctx.tr.pick(&latest.body)), latest))
    };
    let members = community::framework_members(app).await?;
    let organization = ctx.organization();
    let accepted = organization.and_then(|org| {
        members
            .iter()
            .find(|(id, _, _)| *id == org)
            .map(|(_, _, v)| *v)
    });
    let page = render(&FrameworkPage {
        chrome: ctx.chrome(ctx.tr.t("framework-title"), "events"),
        current,
        older: versions
            .into_iter()
            .map(|v| (to_safe_html(ctx.tr.pick(&v.body)), v))
            .collect(),
        members,
        accepted,
        has_organization: organization.is_some(),
        admin: ctx.may(Capability::ManageMembers),
        csrf: ctx.csrf(),
        error,
    })?;
    Ok((status, page).into_response())
}

pub async fn framework(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    framework_page(&app, &ctx, None, StatusCode::OK).await
}

pub async fn accept(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    match community::accept_framework(&app, ctx.actor()).await {
        Ok(_) => Ok(Redirect::to("/marco-de-colaboracion").into_response()),
        Err(AppError::Invalid(errors)) => {
            let key = errors.first().map(|e| e.problem.message_key());
            framework_page(&app, &ctx, key, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::NotFound) => {
            framework_page(&app, &ctx, Some("framework-none"), StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "framework_form.html")]
struct FrameworkForm {
    chrome: Chrome,
    csrf: String,
    body_es: String,
    body_en: String,
    errors: BTreeMap<&'static str, &'static str>,
}

fn framework_form(
    ctx: &Ctx,
    body_es: String,
    body_en: String,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    ctx.require(Capability::ManageMembers)?;
    let page = render(&FrameworkForm {
        chrome: ctx.chrome(ctx.tr.t("framework-edit"), "events"),
        csrf: ctx.csrf(),
        body_es,
        body_en,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

pub async fn edit_framework_form(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let latest = community::framework_versions(&app)
        .await?
        .into_iter()
        .next();
    let (es, en) = latest.map(|v| (v.body.es, v.body.en)).unwrap_or_default();
    framework_form(&ctx, es, en, &[])
}

pub async fn publish_framework(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let (es, en) = (
        form.get("body_es").to_owned(),
        form.get("body_en").to_owned(),
    );
    after_submit(
        community::publish_framework(&app, ctx.actor(), &es, &en).await,
        |_| "/marco-de-colaboracion".to_owned(),
        async |errors| framework_form(&ctx, es, en, errors),
    )
    .await
}
