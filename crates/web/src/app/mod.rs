//! The use cases and read models of each capability, shared by pages and the
//! API: validate input with the domain's rules, authorize with
//! `acoge_domain::accounts`, then read or write the store (one transaction per
//! change). This is the only layer that calls the store or queries the search
//! index for a request; handlers only translate the outcome into HTML or JSON.
//! Every use case fails with one type, `error::AppError`, whose module doc says
//! which kind to return when. It may use `jobs::mail` (to send links) and
//! `render` (pure formatting).

pub mod accounts;
pub mod audit;
pub mod community;
pub mod directory;
pub mod discussions;
pub mod error;
pub mod events;
pub mod legal_framework;
pub mod members;
pub mod memo;
pub mod notifications;
pub mod places;
pub mod practices;
pub mod search;
pub mod use_case;

use crate::AppState;
use acoge_store::StoreError;

/// Whether the database answers (for `/healthz`).
pub async fn ping(app: &AppState) -> Result<(), StoreError> {
    app.db.ping().await
}
