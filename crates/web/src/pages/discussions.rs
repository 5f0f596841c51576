//! Discussion threads, contributions, flags, the moderation queue and the
//! syntheses (relatorías), as pages that work without JavaScript.

use super::{
    Chrome, Ctx, PageError, PageResult,
    form::{FormData, error_keys},
    render,
};
use crate::{
    AppState,
    app::error::{AppError, Refusal},
    app::{directory, discussions, events, legal_framework, practices},
    http::ids::{EventKey, Id},
    render::markdown::to_safe_html,
};
use acoge_domain::{
    accounts::{Actor, Capability},
    discussion::{
        Citation, CitedKind, Contribution, Discussion, DiscussionStatus, FlagReason, Synthesis,
        SynthesisContent, SynthesisInput, citations_in, may_read,
    },
    event::Event,
    fields::FieldError,
};
use acoge_store::QueuedContribution;
use askama::Template;
use axum::{
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A cited record as a link.
pub struct CitedLink {
    pub href: String,
    pub label: String,
}

/// Names the records a text cites, for the links under it. A practice
/// `actor` may not see (a draft of another organization…) is left out, as
/// its page would answer 404: its title must not leak through a citation.
/// Organizations and provisions have no hidden state.
async fn cited_links(
    app: &AppState,
    actor: &Actor,
    citations: &[Citation],
) -> Result<Vec<CitedLink>, PageError> {
    let mut links = Vec::new();
    for citation in citations {
        let id = citation.id;
        let link = match citation.kind {
            CitedKind::Practice => match practices::visible(app, actor, id).await {
                Ok(p) => Some(CitedLink {
                    href: format!("/practicas/{id}"),
                    label: p.content.title,
                }),
                Err(AppError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            CitedKind::Organization => directory::organization(app, id).await?.map(|o| CitedLink {
                href: format!("/organizaciones/{id}"),
                label: o.display_name(),
            }),
            CitedKind::Provision => legal_framework::provision(app, id)
                .await?
                .map(|p| CitedLink {
                    href: format!("/marco-legal/disposiciones/{id}"),
                    label: format!("{} {}", p.instrument_id, p.article),
                }),
            CitedKind::Contribution => Some(CitedLink {
                href: format!("#c-{id}"),
                label: format!("#c-{}", &id.simple().to_string()[24..]),
            }),
        };
        links.extend(link);
    }
    Ok(links)
}

#[derive(Template)]
#[template(path = "discussions.html")]
struct ListPage {
    chrome: Chrome,
    discussions: Vec<Discussion>,
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("discussions-title"), "events"),
        discussions: discussions::discussions(&app, None, false).await?,
    })
}

/// One contribution as the viewer may see it.
pub struct ContributionView {
    pub contribution: Contribution,
    /// Sanitized HTML of the body, when the viewer may read it.
    pub html: Option<String>,
    pub cited: Vec<CitedLink>,
    /// Replies follow their contribution, indented.
    pub is_reply: bool,
}

/// What the forms of the thread page carry back after an error.
#[derive(Default)]
pub struct Typed {
    pub body: String,
    pub parent_id: Option<Uuid>,
    pub errors: BTreeMap<&'static str, &'static str>,
    /// The status that refused the contribution, if that was the problem.
    pub refused: Option<DiscussionStatus>,
    /// Which contribution's flag form had the error.
    pub flag_for: Option<Uuid>,
    pub picker: Picker,
}

/// The citation picker's state in a form.
#[derive(Default)]
pub struct Picker {
    /// The search, as typed.
    pub query: String,
    /// What it found; `None` when nothing was asked.
    pub picks: Option<Vec<Pick>>,
    /// Where a chosen link can go, (field, label key); empty: the one text.
    pub sections: &'static [(&'static str, &'static str)],
    /// The section chosen last.
    pub into: String,
}

/// The synthesis form's sections, for its picker.
const SYNTHESIS_SECTIONS: &[(&str, &str)] = &[
    ("findings", "synthesis-findings"),
    ("agreements", "synthesis-agreements"),
    ("pending", "synthesis-pending"),
];

/// Whether the form was sent by the picker (a search or a chosen record)
/// rather than to publish.
fn picker_used(form: &FormData) -> bool {
    form.get("intent") == "find" || !form.get("cite").is_empty()
}

/// Appends, as Markdown links, the records `cite` names to `text` (those
/// `actor` may see).
async fn add_cited(
    app: &AppState,
    actor: &Actor,
    cite: &str,
    text: &mut String,
) -> Result<(), PageError> {
    for link in cited_links(app, actor, &citations_in(cite)).await? {
        if !text.is_empty() && !text.ends_with([' ', '\n']) {
            text.push(' ');
        }
        let label = link.label.replace(['[', ']'], "");
        text.push_str(&format!("[{label}]({})", link.href));
    }
    Ok(())
}

/// A record the citation picker offers: pressing its button adds a link to
/// it to the text being written.
pub struct Pick {
    /// Its address, what the text will contain.
    pub href: String,
    /// "practice-type", etc.: the label key of its kind.
    pub kind_key: &'static str,
    pub title: String,
}

/// How many records the picker offers at once.
const PICKS: usize = 8;

/// Practices, organizations and provisions matching `query`, for the picker.
async fn find_picks(app: &AppState, ctx: &Ctx, query: &str) -> Result<Vec<Pick>, PageError> {
    use acoge_store::SearchableKind;
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut request = acoge_search::SearchRequest::new(query, ctx.tr.lang);
    request.limit = PICKS * 3;
    let results = crate::app::search::run(app, request)
        .await
        .map_err(PageError::internal)?;
    Ok(results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let (prefix, kind_key) = match hit.kind {
                SearchableKind::Practice => ("/practicas/", "cite-kind-practice"),
                SearchableKind::Organization => ("/organizaciones/", "cite-kind-organization"),
                SearchableKind::Provision => ("/marco-legal/disposiciones/", "cite-kind-provision"),
                _ => return None,
            };
            Some(Pick {
                href: format!("{prefix}{}", hit.id),
                kind_key,
                title: hit.title,
            })
        })
        .take(PICKS)
        .collect())
}

#[derive(Template)]
#[template(path = "discussion.html")]
struct ThreadPage {
    chrome: Chrome,
    discussion: Discussion,
    event: Option<Event>,
    contributions: Vec<ContributionView>,
    synthesis: Option<Synthesis>,
    /// Whether the thread takes contributions.
    open: bool,
    signed_in: bool,
    moderator: bool,
    csrf: String,
    typed: Typed,
    statuses: &'static [DiscussionStatus],
    reasons: &'static [FlagReason],
}

#[derive(serde::Deserialize)]
pub struct ThreadQuery {
    responder: Option<String>,
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    Query(query): Query<ThreadQuery>,
) -> Result<Response, PageError> {
    let typed = Typed {
        parent_id: query
            .responder
            .as_deref()
            .and_then(|r| Uuid::parse_str(r).ok()),
        ..Typed::default()
    };
    thread_page(&app, &ctx, id, typed, StatusCode::OK).await
}

async fn thread_page(
    app: &AppState,
    ctx: &Ctx,
    id: Uuid,
    typed: Typed,
    status: StatusCode,
) -> Result<Response, PageError> {
    let discussion = discussions::discussion(app, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let event = match &discussion.event_slug {
        Some(slug) => events::event(app, slug).await?,
        None => None,
    };
    let mut top: Vec<ContributionView> = Vec::new();
    let mut replies: Vec<ContributionView> = Vec::new();
    for contribution in discussions::contributions(app, id).await? {
        let readable = may_read(ctx.actor(), &contribution);
        let view = ContributionView {
            html: readable.then(|| to_safe_html(&contribution.body)),
            cited: if readable {
                cited_links(app, ctx.actor(), &contribution.citations).await?
            } else {
                Vec::new()
            },
            is_reply: contribution.parent_id.is_some(),
            contribution,
        };
        if view.is_reply {
            replies.push(view);
        } else {
            top.push(view);
        }
    }
    // Oldest first, each contribution followed by its replies.
    let mut views = Vec::with_capacity(top.len() + replies.len());
    for view in top {
        let id = view.contribution.id;
        views.push(view);
        let (mine, rest): (Vec<_>, Vec<_>) = replies
            .into_iter()
            .partition(|r| r.contribution.parent_id == Some(id));
        views.extend(mine);
        replies = rest;
    }
    let synthesis = discussions::syntheses(app, &[id]).await?.into_iter().next();
    let moderator = discussions::thread_moderator(app, ctx.actor(), id)
        .await
        .is_ok();
    let page = render(&ThreadPage {
        chrome: ctx.chrome(ctx.tr.pick(&discussion.question).to_owned(), "events"),
        open: discussion.status == DiscussionStatus::Open,
        discussion,
        event,
        contributions: views,
        synthesis,
        signed_in: ctx.signed_in(),
        moderator,
        csrf: ctx.csrf(),
        typed,
        statuses: DiscussionStatus::ALL,
        reasons: FlagReason::ALL,
    })?;
    Ok((status, page).into_response())
}

pub async fn contribute(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let mut body = form.get("body").to_owned();
    let parent_id = Uuid::parse_str(form.get("parent_id")).ok();
    // The citation picker submits the same form: find records, or add the
    // one chosen to the text; nothing is published and nothing typed is lost.
    if picker_used(&form) {
        ctx.require(Capability::Contribute)?;
        add_cited(&app, ctx.actor(), form.get("cite"), &mut body).await?;
        let query = form.get("cite_query").to_owned();
        let picker = Picker {
            picks: Some(find_picks(&app, &ctx, &query).await?),
            query,
            ..Picker::default()
        };
        let typed = Typed {
            body,
            parent_id,
            picker,
            ..Typed::default()
        };
        return thread_page(&app, &ctx, id, typed, StatusCode::OK).await;
    }
    match discussions::contribute(&app, ctx.actor(), id, parent_id, &body).await {
        Ok(new) => Ok(Redirect::to(&format!("/discusiones/{id}#c-{new}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let typed = Typed {
                body,
                parent_id,
                errors: error_keys(&errors),
                ..Typed::default()
            };
            thread_page(&app, &ctx, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // The thread closed: say so and give the text back, so nothing is lost.
        Err(AppError::Refused(Refusal::DiscussionNotOpen(status))) => {
            let typed = Typed {
                body,
                parent_id,
                refused: Some(status),
                ..Typed::default()
            };
            thread_page(&app, &ctx, id, typed, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The thread a contribution belongs to, for redirects.
async fn thread_of(app: &AppState, contribution: Uuid) -> Result<Uuid, PageError> {
    discussions::contribution_discussion(app, contribution)
        .await?
        .ok_or_else(PageError::not_found)
}

pub async fn flag(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let thread = thread_of(&app, id).await?;
    match discussions::flag(&app, ctx.actor(), id, form.get("reason"), form.get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/discusiones/{thread}#c-{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let typed = Typed {
                errors: error_keys(&errors),
                flag_for: Some(id),
                ..Typed::default()
            };
            thread_page(&app, &ctx, thread, typed, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn set_status(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    match discussions::set_status(&app, ctx.actor(), id, form.get("status")).await {
        Ok(()) | Err(AppError::Invalid(_)) => {
            Ok(Redirect::to(&format!("/discusiones/{id}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    chrome: Chrome,
    queue: Vec<QueuedContribution>,
    csrf: String,
    errors: BTreeMap<&'static str, &'static str>,
    failed: Option<Uuid>,
}

async fn queue_page(
    app: &AppState,
    ctx: &Ctx,
    errors: &[FieldError],
    failed: Option<Uuid>,
    status: StatusCode,
) -> Result<Response, PageError> {
    // Site moderators see every flagged contribution; a working group's
    // moderators, those of their group's threads.
    let me = ctx.require(Capability::Contribute)?;
    let mut queue = discussions::moderation_queue(app).await?;
    if !ctx.may(Capability::Moderate) {
        let threads = discussions::threads_moderated_by(app, me.id).await?;
        if threads.is_empty() {
            return Err(PageError::forbidden());
        }
        queue.retain(|q| threads.contains(&q.contribution.discussion_id));
    }
    let page = render(&QueuePage {
        chrome: ctx.chrome(ctx.tr.t("moderation-title"), "account"),
        queue,
        csrf: ctx.csrf(),
        errors: error_keys(errors),
        failed,
    })?;
    Ok((status, page).into_response())
}

pub async fn queue(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    queue_page(&app, &ctx, &[], None, StatusCode::OK).await
}

pub async fn moderate(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let outcome = discussions::moderate(
        &app,
        ctx.actor(),
        id,
        form.get("decision"),
        form.get("reason"),
    )
    .await;
    match outcome {
        Ok(()) => Ok(Redirect::to("/moderacion").into_response()),
        Err(AppError::Invalid(errors)) => {
            queue_page(
                &app,
                &ctx,
                &errors,
                Some(id),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "synthesis_form.html")]
struct SynthesisForm {
    chrome: Chrome,
    discussion: Discussion,
    input: SynthesisInput,
    csrf: String,
    errors: BTreeMap<&'static str, &'static str>,
    picker: Picker,
}

async fn synthesis_form(
    app: &AppState,
    ctx: &Ctx,
    id: Uuid,
    input: Option<SynthesisInput>,
    errors: &[FieldError],
    picker: Picker,
    status: StatusCode,
) -> Result<Response, PageError> {
    ctx.require(Capability::Contribute)?;
    discussions::thread_moderator(app, ctx.actor(), id).await?;
    let discussion = discussions::discussion(app, id)
        .await?
        .ok_or_else(PageError::not_found)?;
    let input = match input {
        Some(input) => input,
        None => discussions::syntheses(app, &[id])
            .await?
            .into_iter()
            .next()
            .map(|s| SynthesisInput {
                findings: s.content.findings,
                agreements: s.content.agreements,
                pending: s.content.pending,
            })
            .unwrap_or_default(),
    };
    let page = render(&SynthesisForm {
        chrome: ctx.chrome(ctx.tr.t("synthesis-edit-title"), "events"),
        discussion,
        input,
        csrf: ctx.csrf(),
        errors: error_keys(errors),
        picker: Picker {
            sections: SYNTHESIS_SECTIONS,
            ..picker
        },
    })?;
    Ok((status, page).into_response())
}

/// The thread's visible contributions whose text has every word of
/// `query`, then the records the search index finds, for the synthesis
/// picker.
async fn synthesis_picks(
    app: &AppState,
    ctx: &Ctx,
    discussion: Uuid,
    query: &str,
) -> Result<Vec<Pick>, PageError> {
    let words: Vec<String> = acoge_domain::geo::fold_name(query)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut picks: Vec<Pick> = Vec::new();
    if !words.is_empty() {
        for c in discussions::contributions(app, discussion).await? {
            let folded = acoge_domain::geo::fold_name(&c.body);
            if c.visibility.slug() != "visible" || !words.iter().all(|w| folded.contains(w)) {
                continue;
            }
            let excerpt: String = c.body.chars().take(100).collect();
            let author = c.author_name.unwrap_or_default();
            picks.push(Pick {
                href: format!("#c-{}", c.id),
                kind_key: "cite-kind-contribution",
                title: format!("{author}: «{excerpt}»"),
            });
            if picks.len() == PICKS {
                break;
            }
        }
    }
    picks.extend(find_picks(app, ctx, query).await?);
    Ok(picks)
}

pub async fn edit_synthesis_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let picker = Picker::default();
    synthesis_form(&app, &ctx, id, None, &[], picker, StatusCode::OK).await
}

pub async fn save_synthesis(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let mut input = SynthesisInput {
        findings: form.get("findings").to_owned(),
        agreements: form.get("agreements").to_owned(),
        pending: form.get("pending").to_owned(),
    };
    if picker_used(&form) {
        ctx.require(Capability::Contribute)?;
        discussions::thread_moderator(&app, ctx.actor(), id).await?;
        let into = form.get("cite_into").to_owned();
        let section = match into.as_str() {
            "agreements" => &mut input.agreements,
            "pending" => &mut input.pending,
            _ => &mut input.findings,
        };
        add_cited(&app, ctx.actor(), form.get("cite"), section).await?;
        let query = form.get("cite_query").to_owned();
        let picker = Picker {
            picks: Some(synthesis_picks(&app, &ctx, id, &query).await?),
            query,
            into,
            ..Picker::default()
        };
        return synthesis_form(&app, &ctx, id, Some(input), &[], picker, StatusCode::OK).await;
    }
    match discussions::save_synthesis(&app, ctx.actor(), id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/discusiones/{id}#relatoria")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let picker = Picker::default();
            synthesis_form(&app, &ctx, id, Some(input), &errors, picker, status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One guiding question of an event with its synthesis, rendered.
pub struct QuestionSynthesis {
    pub discussion: Discussion,
    pub synthesis: Option<Synthesis>,
    /// (findings, agreements, pending) as sanitized HTML.
    pub html: Option<(String, String, String)>,
    pub cited: Vec<CitedLink>,
}

async fn event_syntheses(
    app: &AppState,
    actor: &Actor,
    event: &EventKey,
) -> Result<(Event, Vec<QuestionSynthesis>), PageError> {
    let event = events::event(app, event.as_str())
        .await?
        .ok_or_else(PageError::not_found)?;
    let discussions = discussions::discussions(app, Some(event.id), true).await?;
    let ids: Vec<Uuid> = discussions.iter().map(|d| d.id).collect();
    let mut syntheses = discussions::syntheses(app, &ids).await?;
    let mut out = Vec::new();
    for discussion in discussions {
        let synthesis = syntheses
            .iter()
            .position(|s| s.discussion_id == discussion.id)
            .map(|i| syntheses.swap_remove(i));
        let cited = match &synthesis {
            Some(s) => cited_links(app, actor, &s.citations).await?,
            None => Vec::new(),
        };
        out.push(QuestionSynthesis {
            html: synthesis.as_ref().map(|s| {
                let c: &SynthesisContent = &s.content;
                (
                    to_safe_html(&c.findings),
                    to_safe_html(&c.agreements),
                    to_safe_html(&c.pending),
                )
            }),
            discussion,
            synthesis,
            cited,
        });
    }
    Ok((event, out))
}

#[derive(Template)]
#[template(path = "synthesis.html")]
struct SynthesisPage {
    chrome: Chrome,
    event: Event,
    questions: Vec<QuestionSynthesis>,
}

pub async fn event_synthesis(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<EventKey>,
) -> PageResult {
    let (event, questions) = event_syntheses(&app, ctx.actor(), &event).await?;
    let title = format!(
        "{} · {}",
        ctx.tr.t("synthesis-title"),
        event.title.get(ctx.tr.lang)
    );
    render(&SynthesisPage {
        chrome: ctx.chrome(title, "events"),
        event,
        questions,
    })
}

/// The event's synthesis as Markdown: the text as written, with each
/// question as a heading.
pub async fn event_synthesis_markdown(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<EventKey>,
) -> Result<Response, PageError> {
    let (event, questions) = event_syntheses(&app, ctx.actor(), &event).await?;
    let tr = ctx.tr;
    let mut out = format!(
        "# {}: {}\n\n",
        tr.t("synthesis-title"),
        event.title.get(tr.lang)
    );
    for q in &questions {
        out.push_str(&format!("## {}\n\n", tr.pick(&q.discussion.question)));
        match &q.synthesis {
            Some(s) => {
                for (key, text) in [
                    ("synthesis-findings", &s.content.findings),
                    ("synthesis-agreements", &s.content.agreements),
                    ("synthesis-pending", &s.content.pending),
                ] {
                    out.push_str(&format!("### {}\n\n{}\n\n", tr.t(key), text.trim()));
                }
            }
            None => out.push_str(&format!("{}\n\n", tr.t("synthesis-none"))),
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"relatoria.md\"",
            ),
        ],
        out,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "synthesis_document.html")]
struct SynthesisDocument {
    tr: crate::render::i18n::Tr,
    title: String,
    questions: Vec<QuestionSynthesis>,
}

/// The event's synthesis as one standalone HTML file to keep or send: no
/// links to the site's style sheet, its own small print-friendly style.
pub async fn event_synthesis_html(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(event): Id<EventKey>,
) -> Result<Response, PageError> {
    let (event, questions) = event_syntheses(&app, ctx.actor(), &event).await?;
    let title = format!(
        "{}: {}",
        ctx.tr.t("synthesis-title"),
        event.title.get(ctx.tr.lang)
    );
    let document = render(&SynthesisDocument {
        tr: ctx.tr,
        title,
        questions,
    })?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"relatoria.html\"",
        )],
        document,
    )
        .into_response())
}
