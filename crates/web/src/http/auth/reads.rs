//! How much of who is asking a request's handler looked at. An answer
//! rendered without looking is the same for every signed-in member; one
//! that looked only at the role (a capability check) is the same for every
//! member of that role; one that also looked at the member's organization,
//! for every member of that role there. The page cache keeps those for all
//! of them (`page_cache`). One that read the member's identity is never
//! shared. Every way to the identity (`RequestAuth`'s accessors) notes its read;
//! the header's "signed in or not" does not, being the same for every
//! member. A form's CSRF token is noted apart: the cache can put each
//! reader's own token into a page kept for many (`token_holes`).

use std::{cell::Cell, future::Future};

/// The most a render read of who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdentityRead {
    Nothing,
    /// The role only (what it may do).
    Role,
    /// The role and the member's organization ("your organization").
    Organization,
    /// The member: their id, session, or anything else of their own.
    Member,
}

/// What a render read of who was asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub identity: IdentityRead,
    /// Whether it wrote the reader's CSRF token into a form.
    pub form_token: bool,
}

tokio::task_local! {
    static READ: Cell<Reads>;
}

/// Notes a read (nothing outside `noting`: the authentication layer reads
/// the identity before any answer is rendered).
pub fn note(read: IdentityRead) {
    let _ = READ.try_with(|reads| {
        let mut now = reads.get();
        now.identity = now.identity.max(read);
        reads.set(now);
    });
}

/// Notes that a form carries the reader's CSRF token.
pub fn note_form_token() {
    let _ = READ.try_with(|reads| {
        let mut now = reads.get();
        now.form_token = true;
        reads.set(now);
    });
}

/// Runs `future` (a request's handler) and says what it read of who is
/// asking. Reads from tasks it spawns are not seen: handlers read the
/// identity in their own task.
pub async fn noting<F: Future>(future: F) -> (F::Output, Reads) {
    let nothing = Reads {
        identity: IdentityRead::Nothing,
        form_token: false,
    };
    READ.scope(Cell::new(nothing), async move {
        let output = future.await;
        (output, READ.with(Cell::get))
    })
    .await
}
