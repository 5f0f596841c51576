//! The legal framework: its instruments and provisions, the responsibilities
//! they place on each level of government, and the state harmonization
//! tracker, as pages and the API read them; and moderators' changes to it
//! (authorize, moderators only; validate with the domain's rules against the
//! current record; store the change as a new version).

use crate::{
    AppState,
    app::{error::AppError, places, use_case::acting_member},
};
use acoge_domain::{
    Cvegeo, StateKey, Timestamp,
    accounts::{Actor, Capability},
    fields::{FieldError, FieldProblem},
    legal::{
        AsylumApplications, CovidMeasure, HarmonizationFinding, HarmonizationPrinciple,
        LegalInstrument, Provision, StateLaw, harmonization_score,
    },
    legal_change::{
        ChangeInput, ChangeKind, InstrumentContent, InstrumentInput, ProvisionContent,
        ProvisionInput, validate_instrument_id,
    },
    responsibilities::{self, LevelMandate, Matrix, in_force},
};
use acoge_store::{Change, LegalVersion, StoreError};
use std::sync::Arc;
use uuid::Uuid;

/// A store error of a change to the legal framework: a taken instrument id
/// or article is the sender's error, named by field; the rest as usual.
fn stored(error: StoreError) -> AppError {
    let problem = match &error {
        StoreError::Conflict { field: "id" } => Some(("id", FieldProblem::IdentifierTaken)),
        StoreError::Conflict { field: "article" } => Some(("article", FieldProblem::ArticleTaken)),
        _ => None,
    };
    match problem {
        Some((field, problem)) => AppError::field(FieldError { field, problem }),
        None => error.into(),
    }
}

fn note(change: &ChangeInput) -> Option<&str> {
    Some(change.note.trim()).filter(|n| !n.is_empty())
}

/// Adds an instrument; returns its id.
pub async fn create_instrument(
    app: &AppState,
    actor: &Actor,
    input: &InstrumentInput,
) -> Result<String, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let id = validate_instrument_id(&input.id);
    let content = input.validate(Timestamp::today());
    let (id, content) = match (id, content) {
        (Ok(id), Ok(content)) => (id, content),
        (id, content) => {
            let mut errors: Vec<FieldError> = id.err().into_iter().collect();
            errors.extend(content.err().unwrap_or_default());
            return Err(AppError::Invalid(errors));
        }
    };
    app.db
        .create_instrument(&id, &content, editor)
        .await
        .map_err(stored)?;
    Ok(id)
}

/// Corrects an instrument; returns its new version.
pub async fn edit_instrument(
    app: &AppState,
    actor: &Actor,
    id: &str,
    input: &InstrumentInput,
    change: &ChangeInput,
) -> Result<i32, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let current = current_instrument(app, id).await?;
    let next = input.validate(Timestamp::today());
    let check = |next: &_| change.check_instrument(&current, next);
    let (next, change) = edited(editor, next, check, change)?;
    new_version(app.db.update_instrument(id, &next, change).await)
}

/// Marks an instrument verified against its source; returns its new version.
pub async fn verify_instrument(app: &AppState, actor: &Actor, id: &str) -> Result<i32, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let mut next = current_instrument(app, id).await?;
    let change = verification(editor, &mut next.verified)?;
    new_version(app.db.update_instrument(id, &next, change).await)
}

/// Adds a provision to an instrument; returns its id.
pub async fn create_provision(
    app: &AppState,
    actor: &Actor,
    instrument_id: &str,
    input: &ProvisionInput,
) -> Result<Uuid, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    current_instrument(app, instrument_id).await?;
    let content = input
        .validate(Timestamp::today())
        .map_err(AppError::Invalid)?;
    app.db
        .create_provision(instrument_id, &content, editor)
        .await
        .map_err(stored)
}

/// Corrects or reforms a provision; returns its new version.
pub async fn edit_provision(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &ProvisionInput,
    change: &ChangeInput,
) -> Result<i32, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let current = current_provision(app, id).await?;
    let next = input.validate(Timestamp::today());
    let check = |next: &_| change.check_provision(&current, next);
    let (next, change) = edited(editor, next, check, change)?;
    new_version(app.db.update_provision(id, &next, change).await)
}

/// Marks a provision's summary verified against its source; returns its new version.
pub async fn verify_provision(app: &AppState, actor: &Actor, id: Uuid) -> Result<i32, AppError> {
    let editor = acting_member(actor, Capability::Moderate)?;
    let mut next = current_provision(app, id).await?;
    let change = verification(editor, &mut next.verified)?;
    new_version(app.db.update_provision(id, &next, change).await)
}

async fn current_instrument(app: &AppState, id: &str) -> Result<InstrumentContent, AppError> {
    let instrument = app.db.legal_instrument(id).await?;
    instrument
        .as_ref()
        .map(InstrumentContent::of)
        .ok_or(AppError::NotFound)
}

async fn current_provision(app: &AppState, id: Uuid) -> Result<ProvisionContent, AppError> {
    let provision = app.db.provision(id).await?;
    provision
        .as_ref()
        .map(ProvisionContent::of)
        .ok_or(AppError::NotFound)
}

/// The version an edit makes (`next`, the input validated), with its
/// change, whose kind `check` finds against the current version; every
/// problem of the input and of the change at once (an invalid input is
/// checked as a correction).
fn edited<'c, R>(
    editor: Uuid,
    next: Result<R, Vec<FieldError>>,
    check: impl FnOnce(&R) -> Result<ChangeKind, Vec<FieldError>>,
    change: &'c ChangeInput,
) -> Result<(R, Change<'c>), AppError> {
    let kind = next.as_ref().map_or(Ok(ChangeKind::Correction), check);
    let (next, kind) = both(next, kind)?;
    let note = note(change);
    Ok((next, Change { editor, kind, note }))
}

/// The change that marks a record verified (`flag`, set here); a record
/// already verified has nothing to change.
fn verification(editor: Uuid, flag: &mut bool) -> Result<Change<'static>, AppError> {
    if *flag {
        return Err(nothing_changed());
    }
    *flag = true;
    let kind = ChangeKind::Verification;
    Ok(Change {
        editor,
        kind,
        note: None,
    })
}

/// The version number the store gave a change; none: the record is gone.
fn new_version(saved: Result<Option<i32>, StoreError>) -> Result<i32, AppError> {
    saved.map_err(stored)?.ok_or(AppError::NotFound)
}

fn nothing_changed() -> AppError {
    AppError::Invalid(vec![FieldError {
        field: "verified",
        problem: FieldProblem::NothingChanged,
    }])
}

/// Both results, or every field error of either.
fn both<T>(
    content: Result<T, Vec<FieldError>>,
    kind: Result<ChangeKind, Vec<FieldError>>,
) -> Result<(T, ChangeKind), AppError> {
    match (content, kind) {
        (Ok(content), Ok(kind)) => Ok((content, kind)),
        (content, kind) => {
            let mut errors = content.err().unwrap_or_default();
            errors.extend(kind.err().unwrap_or_default());
            Err(AppError::Invalid(errors))
        }
    }
}

/// One state's row of the tracker.
pub struct StateRow {
    pub key: StateKey,
    pub name: String,
    pub has_law: bool,
    pub score: Option<f64>,
    /// How many principles have a finding: what the score stands on.
    pub evaluated: usize,
    /// One cell per principle: the weakest finding, if any (see `harmonization_score`).
    pub cells: Vec<Option<HarmonizationFinding>>,
    /// Every finding of the state, in the data's order.
    pub findings: Vec<HarmonizationFinding>,
}

impl StateRow {
    pub fn percent(&self) -> Option<u32> {
        self.score.map(|s| (s * 100.0).round() as u32)
    }

    /// Whether fewer than half of the principles were evaluated: a score
    /// then says little, and the map marks it.
    pub fn little_known(&self) -> bool {
        self.evaluated * 2 < self.cells.len()
    }
}

/// The harmonization tracker: the principles, and one row per state.
pub struct Harmonization {
    pub principles: Vec<HarmonizationPrinciple>,
    pub rows: Vec<StateRow>,
}

/// The tracker, computed once per data version (every state's findings
/// against every principle).
pub async fn harmonization(app: &AppState) -> Result<Arc<Harmonization>, StoreError> {
    let version = app.data_version.current().await;
    app.read_models
        .harmonization
        .get_or_load(version, load_harmonization(app))
        .await
}

async fn load_harmonization(app: &AppState) -> Result<Harmonization, StoreError> {
    let principles = app.db.harmonization_principles().await?;
    let findings = app.db.harmonization_findings(None).await?;
    let states = places::states(app).await?;
    let rows = states
        .into_iter()
        .map(|s| {
            let mine: Vec<&HarmonizationFinding> = findings
                .iter()
                .filter(|f| f.state_key == s.state.key)
                .collect();
            let cells: Vec<Option<HarmonizationFinding>> = principles
                .iter()
                .map(|p| {
                    mine.iter()
                        .filter(|f| f.principle_id == p.id)
                        .min_by(|a, b| a.value.points().total_cmp(&b.value.points()))
                        .map(|f| (*f).clone())
                })
                .collect();
            StateRow {
                score: harmonization_score(&mine),
                evaluated: cells.iter().filter(|c| c.is_some()).count(),
                has_law: s.state_laws > 0,
                key: s.state.key,
                name: s.state.name,
                cells,
                findings: mine.into_iter().cloned().collect(),
            }
        })
        .collect();
    Ok(Harmonization { principles, rows })
}

/// Every legal instrument.
pub async fn legal_instruments(app: &AppState) -> Result<Vec<LegalInstrument>, StoreError> {
    app.db.legal_instruments().await
}

/// One legal instrument, by its short id.
pub async fn legal_instrument(
    app: &AppState,
    id: &str,
) -> Result<Option<LegalInstrument>, StoreError> {
    app.db.legal_instrument(id).await
}

/// Provisions with their rights and levels, in instrument and article order.
pub async fn provisions(app: &AppState) -> Result<Vec<Provision>, StoreError> {
    app.read_models
        .provisions
        .current(&app.data_version, app.db.provisions())
        .await
}

/// One provision.
pub async fn provision(app: &AppState, id: Uuid) -> Result<Option<Provision>, StoreError> {
    app.db.provision(id).await
}

/// State laws on migrants, of one state or of all.
pub async fn state_laws(
    app: &AppState,
    state: Option<&StateKey>,
) -> Result<Vec<StateLaw>, StoreError> {
    app.db.state_laws(state).await
}

/// The COVID-19 measures.
pub async fn covid_measures(app: &AppState) -> Result<Vec<CovidMeasure>, StoreError> {
    app.db.covid_measures().await
}

/// An instrument's versions, oldest first; empty while it is as the
/// reference data gave it.
pub async fn instrument_versions(
    app: &AppState,
    id: &str,
) -> Result<Vec<LegalVersion<InstrumentContent>>, StoreError> {
    app.db.instrument_versions(id).await
}

/// A provision's versions, oldest first; empty while it is as the
/// reference data gave it.
pub async fn provision_versions(
    app: &AppState,
    id: Uuid,
) -> Result<Vec<LegalVersion<ProvisionContent>>, StoreError> {
    app.db.provision_versions(id).await
}

/// Asylum applications by year.
pub async fn asylum_applications(app: &AppState) -> Result<Vec<AsylumApplications>, StoreError> {
    app.db.asylum_applications().await
}

/// The principles state laws are measured against, in the data's order.
pub async fn harmonization_principles(
    app: &AppState,
) -> Result<Vec<HarmonizationPrinciple>, StoreError> {
    app.db.harmonization_principles().await
}

/// Findings for one state or all, in the data's order (older laws first).
pub async fn harmonization_findings(
    app: &AppState,
    state: Option<&StateKey>,
) -> Result<Vec<HarmonizationFinding>, StoreError> {
    app.db.harmonization_findings(state).await
}

/// What a municipality, its state and the federation must guarantee there:
/// the provisions in force in the municipality (national instruments
/// everywhere, a state's or municipality's only there), by level nearest
/// first, and the state's specific laws on migrants.
pub struct Mandate {
    /// Every instrument, to name the provisions' sources.
    pub instruments: Vec<LegalInstrument>,
    pub levels: Vec<LevelMandate>,
    pub state_laws: Vec<StateLaw>,
}

/// The mandate of the municipality `cvegeo` in the state `state`.
pub async fn mandate(
    app: &AppState,
    cvegeo: &Cvegeo,
    state: &StateKey,
) -> Result<Mandate, StoreError> {
    let instruments = app.db.legal_instruments().await?;
    let provisions = in_force(app.db.provisions().await?, &instruments, state, cvegeo);
    let levels = responsibilities::mandate(&Matrix::from_provisions(&provisions));
    let state_laws = app.db.state_laws(Some(state)).await?;
    Ok(Mandate {
        instruments,
        levels,
        state_laws,
    })
}
