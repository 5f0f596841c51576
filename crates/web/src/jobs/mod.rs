//! Work done beside the requests rather than for one: the search follower
//! that keeps this instance's index fresh from the outbox (building it in the
//! background when it must), the data version the page cache is keyed by,
//! the daily digest,
//! the housekeeping of expired rows, and outgoing email. `AppState::new`
//! starts the tasks; each stops when the last clone of the state is dropped.
//! Jobs read and write the store themselves (no request, no actor: there is
//! no use case to go through) and may use `render`; `app` uses `mail` to send
//! invitations and reset links.

pub mod analysis;
pub mod data_version;
pub mod digest;
pub mod housekeeping;
pub mod mail;
pub mod search;
