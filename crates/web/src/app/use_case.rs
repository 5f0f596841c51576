//! What the use cases that change something share: who may act, and what a
//! store write that changed nothing means.

use crate::app::error::AppError;
use acoge_domain::accounts::{Actor, Capability, Denied, authorize};
use uuid::Uuid;

/// The member id of the actor, who must hold `capability`.
pub fn acting_member(actor: &Actor, capability: Capability) -> Result<Uuid, Denied> {
    authorize(actor, capability)?;
    actor.id().ok_or(Denied::NotSignedIn)
}

/// A store write that found nothing to change: the record is not there.
pub fn found(changed: bool) -> Result<(), AppError> {
    if changed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
