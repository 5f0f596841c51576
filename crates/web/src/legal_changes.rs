//! Moderators' changes to the legal framework, shared by pages and the API:
//! authorize (moderators only), validate with the domain's rules against the
//! current record, then store the change as a new version.

use crate::AppState;
use acoge_domain::{
    Timestamp,
    accounts::{Actor, Capability, Denied, authorize},
    fields::{FieldError, FieldProblem},
    legal_change::{
        ChangeInput, ChangeKind, InstrumentContent, InstrumentInput, ProvisionContent,
        ProvisionInput, validate_instrument_id,
    },
};
use acoge_store::{Change, StoreError};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum LegalChangeError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("no such instrument or provision")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for LegalChangeError {
    fn from(error: StoreError) -> Self {
        let problem = match &error {
            StoreError::Conflict { field: "id" } => Some(("id", FieldProblem::IdentifierTaken)),
            StoreError::Conflict { field: "article" } => {
                Some(("article", FieldProblem::ArticleTaken))
            }
            _ => None,
        };
        match problem {
            Some((field, problem)) => Self::Invalid(vec![FieldError { field, problem }]),
            None => Self::Store(error),
        }
    }
}

/// The moderator's member id.
fn moderator(actor: &Actor) -> Result<Uuid, Denied> {
    authorize(actor, Capability::Moderate)?;
    actor.id().ok_or(Denied::NotSignedIn)
}

fn note(change: &ChangeInput) -> Option<&str> {
    Some(change.note.trim()).filter(|n| !n.is_empty())
}

/// Adds an instrument; returns its id.
pub async fn create_instrument(
    app: &AppState,
    actor: &Actor,
    input: &InstrumentInput,
) -> Result<String, LegalChangeError> {
    let editor = moderator(actor)?;
    let id = validate_instrument_id(&input.id);
    let content = input.validate(Timestamp::today());
    let (id, content) = match (id, content) {
        (Ok(id), Ok(content)) => (id, content),
        (id, content) => {
            let mut errors: Vec<FieldError> = id.err().into_iter().collect();
            errors.extend(content.err().unwrap_or_default());
            return Err(LegalChangeError::Invalid(errors));
        }
    };
    app.db.create_instrument(&id, &content, editor).await?;
    Ok(id)
}

/// Corrects an instrument; returns its new version.
pub async fn edit_instrument(
    app: &AppState,
    actor: &Actor,
    id: &str,
    input: &InstrumentInput,
    change: &ChangeInput,
) -> Result<i32, LegalChangeError> {
    let editor = moderator(actor)?;
    let current = current_instrument(app, id).await?;
    let next = input.validate(Timestamp::today());
    let kind = next.as_ref().map_or(Ok(ChangeKind::Correction), |next| {
        change.check_instrument(&current, next)
    });
    let (next, kind) = both(next, kind)?;
    let change = Change {
        editor,
        kind,
        note: note(change),
    };
    app.db
        .update_instrument(id, &next, change)
        .await?
        .ok_or(LegalChangeError::NotFound)
}

/// Marks an instrument verified against its source; returns its new version.
pub async fn verify_instrument(
    app: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<i32, LegalChangeError> {
    let editor = moderator(actor)?;
    let mut next = current_instrument(app, id).await?;
    if next.verified {
        return Err(nothing_changed());
    }
    next.verified = true;
    let change = Change {
        editor,
        kind: ChangeKind::Verification,
        note: None,
    };
    app.db
        .update_instrument(id, &next, change)
        .await?
        .ok_or(LegalChangeError::NotFound)
}

/// Adds a provision to an instrument; returns its id.
pub async fn create_provision(
    app: &AppState,
    actor: &Actor,
    instrument_id: &str,
    input: &ProvisionInput,
) -> Result<Uuid, LegalChangeError> {
    let editor = moderator(actor)?;
    current_instrument(app, instrument_id).await?;
    let content = input
        .validate(Timestamp::today())
        .map_err(LegalChangeError::Invalid)?;
    Ok(app
        .db
        .create_provision(instrument_id, &content, editor)
        .await?)
}

/// Corrects or reforms a provision; returns its new version.
pub async fn edit_provision(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
    input: &ProvisionInput,
    change: &ChangeInput,
) -> Result<i32, LegalChangeError> {
    let editor = moderator(actor)?;
    let current = current_provision(app, id).await?;
    let next = input.validate(Timestamp::today());
    let kind = next.as_ref().map_or(Ok(ChangeKind::Correction), |next| {
        change.check_provision(&current, next)
    });
    let (next, kind) = both(next, kind)?;
    let change = Change {
        editor,
        kind,
        note: note(change),
    };
    app.db
        .update_provision(id, &next, change)
        .await?
        .ok_or(LegalChangeError::NotFound)
}

/// Marks a provision's summary verified against its source; returns its new version.
pub async fn verify_provision(
    app: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<i32, LegalChangeError> {
    let editor = moderator(actor)?;
    let mut next = current_provision(app, id).await?;
    if next.verified {
        return Err(nothing_changed());
    }
    next.verified = true;
    let change = Change {
        editor,
        kind: ChangeKind::Verification,
        note: None,
    };
    app.db
        .update_provision(id, &next, change)
        .await?
        .ok_or(LegalChangeError::NotFound)
}

async fn current_instrument(
    app: &AppState,
    id: &str,
) -> Result<InstrumentContent, LegalChangeError> {
    let instrument = app.db.legal_instrument(id).await?;
    instrument
        .as_ref()
        .map(InstrumentContent::of)
        .ok_or(LegalChangeError::NotFound)
}

async fn current_provision(app: &AppState, id: Uuid) -> Result<ProvisionContent, LegalChangeError> {
    let provision = app.db.provision(id).await?;
    provision
        .as_ref()
        .map(ProvisionContent::of)
        .ok_or(LegalChangeError::NotFound)
}

fn nothing_changed() -> LegalChangeError {
    LegalChangeError::Invalid(vec![FieldError {
        field: "verified",
        problem: FieldProblem::NothingChanged,
    }])
}

/// Both results, or every field error of either.
fn both<T>(
    content: Result<T, Vec<FieldError>>,
    kind: Result<ChangeKind, Vec<FieldError>>,
) -> Result<(T, ChangeKind), LegalChangeError> {
    match (content, kind) {
        (Ok(content), Ok(kind)) => Ok((content, kind)),
        (content, kind) => {
            let mut errors = content.err().unwrap_or_default();
            errors.extend(kind.err().unwrap_or_default());
            Err(LegalChangeError::Invalid(errors))
        }
    }
}
