//! One instrument or one provision with its history, and the moderators'
//! forms to add, correct, reform and verify them.

use super::{
    Chrome, Ctx, PageError, PageResult,
    form::{Choices, FormData, after_submit, error_keys},
    render,
};
use crate::{
    AppState,
    app::error::AppError,
    app::legal_framework,
    http::ids::{Id, Slug},
};
use acoge_domain::{
    accounts::Capability,
    fields::FieldError,
    legal::{InstrumentLevel, LegalInstrument, Provision},
    legal_change::{
        ChangeInput, ChangeKind, InstrumentContent, InstrumentInput, ProvisionContent,
        ProvisionInput,
    },
    taxonomy::{GovernmentLevel, Right},
};
use acoge_store::LegalVersion;
use askama::Template;
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use std::collections::BTreeMap;
use uuid::Uuid;

fn may_moderate(ctx: &Ctx) -> bool {
    ctx.may(Capability::Moderate)
}

async fn instrument(app: &AppState, id: &str) -> Result<LegalInstrument, PageError> {
    legal_framework::legal_instrument(app, id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn provision(app: &AppState, id: Uuid) -> Result<Provision, PageError> {
    legal_framework::provision(app, id)
        .await?
        .ok_or_else(PageError::not_found)
}

#[derive(Template)]
#[template(path = "legal_instrument.html")]
struct InstrumentPage {
    chrome: Chrome,
    instrument: LegalInstrument,
    provisions: Vec<Provision>,
    versions: Vec<LegalVersion<InstrumentContent>>,
    moderator: bool,
    csrf: String,
}

pub async fn show_instrument(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
) -> PageResult {
    let instrument = instrument(&app, &id).await?;
    let provisions = legal_framework::provisions(&app)
        .await?
        .into_iter()
        .filter(|p| p.instrument_id == instrument.id)
        .collect();
    render(&InstrumentPage {
        chrome: ctx.chrome(instrument.name.clone(), "legal"),
        versions: legal_framework::instrument_versions(&app, &instrument.id).await?,
        instrument,
        provisions,
        moderator: may_moderate(&ctx),
        csrf: ctx.csrf(),
    })
}

#[derive(Template)]
#[template(path = "legal_provision.html")]
struct ProvisionPage {
    chrome: Chrome,
    provision: Provision,
    instrument: LegalInstrument,
    versions: Vec<LegalVersion<ProvisionContent>>,
    moderator: bool,
    csrf: String,
}

pub async fn show_provision(State(app): State<AppState>, ctx: Ctx, Id(id): Id<Uuid>) -> PageResult {
    let provision = provision(&app, id).await?;
    let instrument = instrument(&app, &provision.instrument_id).await?;
    let title = format!(
        "{} · {}",
        ctx.tr
            .with_text("legal-article", "article", &provision.article),
        instrument.name
    );
    render(&ProvisionPage {
        chrome: ctx.chrome(title, "legal"),
        versions: legal_framework::provision_versions(&app, provision.id).await?,
        provision,
        instrument,
        moderator: may_moderate(&ctx),
        csrf: ctx.csrf(),
    })
}

#[derive(Template)]
#[template(path = "legal_instrument_form.html")]
struct InstrumentForm {
    chrome: Chrome,
    csrf: String,
    action: String,
    /// False when editing: an id never changes.
    creating: bool,
    input: InstrumentInput,
    sources_text: String,
    change: ChangeInput,
    levels: &'static [InstrumentLevel],
    errors: BTreeMap<&'static str, &'static str>,
}

fn instrument_form(
    ctx: &Ctx,
    action: String,
    input: InstrumentInput,
    change: ChangeInput,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let creating = action.ends_with("/nuevo");
    let title = ctx.tr.t(if creating {
        "legal-new-instrument"
    } else {
        "legal-edit-instrument"
    });
    let page = render(&InstrumentForm {
        chrome: ctx.chrome(title, "legal"),
        csrf: ctx.csrf(),
        action,
        creating,
        sources_text: input.sources.join("\n"),
        input,
        change,
        levels: InstrumentLevel::ALL,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

fn instrument_input(form: &FormData) -> InstrumentInput {
    InstrumentInput {
        id: form.get("id").to_owned(),
        level: form.get("level").to_owned(),
        jurisdiction: form.get("jurisdiction").to_owned(),
        name: form.get("name").to_owned(),
        published: form.get("published").to_owned(),
        notes: form.get("notes").to_owned(),
        sources: form.get("sources").lines().map(str::to_owned).collect(),
        verified: form.checked("verified"),
    }
}

fn change_input(form: &FormData) -> ChangeInput {
    ChangeInput {
        kind: form.get("kind").to_owned(),
        note: form.get("note").to_owned(),
    }
}

pub async fn new_instrument_form(ctx: Ctx) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let input = InstrumentInput {
        level: InstrumentLevel::Federal.slug().to_owned(),
        jurisdiction: "MX".into(),
        ..InstrumentInput::default()
    };
    let action = "/marco-legal/instrumentos/nuevo".to_owned();
    instrument_form(&ctx, action, input, ChangeInput::default(), &[])
}

pub async fn create_instrument(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let input = instrument_input(&form);
    after_submit(
        legal_framework::create_instrument(&app, ctx.actor(), &input).await,
        |id| format!("/marco-legal/instrumentos/{id}"),
        async |errors| {
            let action = "/marco-legal/instrumentos/nuevo".to_owned();
            let change = ChangeInput::default();
            instrument_form(&ctx, action, input, change, errors)
        },
    )
    .await
}

pub async fn edit_instrument_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let current = instrument(&app, &id).await?;
    let input = InstrumentContent::of(&current).to_input(&current.id);
    let action = format!("/marco-legal/instrumentos/{}/editar", current.id);
    instrument_form(&ctx, action, input, ChangeInput::default(), &[])
}

pub async fn edit_instrument(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
    form: FormData,
) -> Result<Response, PageError> {
    let mut input = instrument_input(&form);
    input.id = id.to_string();
    let change = change_input(&form);
    after_submit(
        legal_framework::edit_instrument(&app, ctx.actor(), &id, &input, &change).await,
        |_| format!("/marco-legal/instrumentos/{id}"),
        async |errors| {
            let action = format!("/marco-legal/instrumentos/{id}/editar");
            instrument_form(&ctx, action, input, change, errors)
        },
    )
    .await
}

pub async fn verify_instrument(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
) -> Result<Response, PageError> {
    back_after_verifying(
        legal_framework::verify_instrument(&app, ctx.actor(), &id).await,
        format!("/marco-legal/instrumentos/{id}"),
    )
}

/// Back to the record's page once verified.
fn back_after_verifying<T>(
    verified: Result<T, AppError>,
    record_page: String,
) -> Result<Response, PageError> {
    match verified {
        // Already verified: nothing to do, the page shows it.
        Ok(_) | Err(AppError::Invalid(_)) => Ok(Redirect::to(&record_page).into_response()),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "legal_provision_form.html")]
struct ProvisionForm {
    chrome: Chrome,
    csrf: String,
    action: String,
    instrument: LegalInstrument,
    /// False when adding: a new provision has no change kind or note.
    editing: bool,
    input: ProvisionInput,
    institutions_text: String,
    change: ChangeInput,
    rights: &'static [Right],
    levels: &'static [GovernmentLevel],
    kinds: &'static [ChangeKind],
    errors: BTreeMap<&'static str, &'static str>,
}

impl Choices for ProvisionForm {}

struct ProvisionFormState {
    action: String,
    instrument: LegalInstrument,
    editing: bool,
    input: ProvisionInput,
    change: ChangeInput,
}

fn provision_form(
    ctx: &Ctx,
    state: ProvisionFormState,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let title = ctx.tr.t(if state.editing {
        "legal-edit-provision"
    } else {
        "legal-new-provision"
    });
    let page = render(&ProvisionForm {
        chrome: ctx.chrome(title, "legal"),
        csrf: ctx.csrf(),
        action: state.action,
        instrument: state.instrument,
        editing: state.editing,
        institutions_text: state.input.institutions.join("\n"),
        input: state.input,
        change: state.change,
        rights: Right::ALL,
        levels: GovernmentLevel::ALL,
        kinds: ChangeKind::EDITS,
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

fn provision_input(form: &FormData) -> ProvisionInput {
    ProvisionInput {
        article: form.get("article").to_owned(),
        theme: form.get("theme").to_owned(),
        rights: form.get_all("rights"),
        binds: form.get_all("binds"),
        summary: form.get("summary").to_owned(),
        institutions: form
            .get("institutions")
            .lines()
            .map(str::to_owned)
            .collect(),
        in_force_from: form.get("in_force_from").to_owned(),
        source: form.get("source").to_owned(),
        verified: form.checked("verified"),
    }
}

pub async fn new_provision_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let instrument = instrument(&app, &id).await?;
    let state = ProvisionFormState {
        action: format!(
            "/marco-legal/instrumentos/{}/disposiciones/nueva",
            instrument.id
        ),
        instrument,
        editing: false,
        input: ProvisionInput::default(),
        change: ChangeInput::default(),
    };
    provision_form(&ctx, state, &[])
}

pub async fn create_provision(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Slug>,
    form: FormData,
) -> Result<Response, PageError> {
    let input = provision_input(&form);
    after_submit(
        legal_framework::create_provision(&app, ctx.actor(), &id, &input).await,
        |new_id| format!("/marco-legal/disposiciones/{new_id}"),
        async |errors| {
            let state = ProvisionFormState {
                action: format!("/marco-legal/instrumentos/{id}/disposiciones/nueva"),
                instrument: instrument(&app, &id).await?,
                editing: false,
                input,
                change: ChangeInput::default(),
            };
            provision_form(&ctx, state, errors)
        },
    )
    .await
}

pub async fn edit_provision_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    ctx.require(Capability::Moderate)?;
    let current = provision(&app, id).await?;
    let state = ProvisionFormState {
        action: format!("/marco-legal/disposiciones/{}/editar", current.id),
        instrument: instrument(&app, &current.instrument_id).await?,
        editing: true,
        input: ProvisionContent::of(&current).to_input(),
        change: ChangeInput::default(),
    };
    provision_form(&ctx, state, &[])
}

pub async fn edit_provision(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let input = provision_input(&form);
    let change = change_input(&form);
    after_submit(
        legal_framework::edit_provision(&app, ctx.actor(), id, &input, &change).await,
        |_| format!("/marco-legal/disposiciones/{id}"),
        async |errors| {
            let current = provision(&app, id).await?;
            let state = ProvisionFormState {
                action: format!("/marco-legal/disposiciones/{id}/editar"),
                instrument: instrument(&app, &current.instrument_id).await?,
                editing: true,
                input,
                change,
            };
            provision_form(&ctx, state, errors)
        },
    )
    .await
}

pub async fn verify_provision(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    back_after_verifying(
        legal_framework::verify_provision(&app, ctx.actor(), id).await,
        format!("/marco-legal/disposiciones/{id}"),
    )
}
