//! How much of who is asking a request's handler looked at. An answer
//! rendered without looking is the same for every signed-in member; one
//! that looked only at the role (a capability check) is the same for every
//! member of that role; the page cache keeps those for all of them
//! (`page_cache`). One that read the member's identity is never shared.
//! Every way to the identity (`RequestAuth`'s accessors) notes its read;
//! the header's "signed in or not" does not, being the same for every
//! member.

use std::{cell::Cell, future::Future};

/// The most a render read of who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdentityRead {
    Nothing,
    /// The role only (what it may do).
    Role,
    /// The member: their id, organization, session or form token.
    Member,
}

tokio::task_local! {
    static READ: Cell<IdentityRead>;
}

/// Notes a read (nothing outside `noting`: the authentication layer reads
/// the identity before any answer is rendered).
pub fn note(read: IdentityRead) {
    let _ = READ.try_with(|most| most.set(most.get().max(read)));
}

/// Runs `future` (a request's handler) and says the most it read of who is
/// asking. Reads from tasks it spawns are not seen: handlers read the
/// identity in their own task.
pub async fn noting<F: Future>(future: F) -> (F::Output, IdentityRead) {
    READ.scope(Cell::new(IdentityRead::Nothing), async move {
        let output = future.await;
        (output, READ.with(Cell::get))
    })
    .await
}
