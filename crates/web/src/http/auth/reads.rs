//! Whether a request's handler looked at who is asking. An answer rendered
//! without looking is the same for every signed-in member, so the page
//! cache may keep it for all of them (`page_cache`); one that looked is
//! never shared. Every way to the identity (`RequestAuth`'s accessors)
//! notes the read; the header's "signed in or not" does not, since it is
//! the same for every member.

use std::{cell::Cell, future::Future};

tokio::task_local! {
    static IDENTITY_READ: Cell<bool>;
}

/// Notes that the identity was read (nothing outside `noting`: the
/// authentication layer reads it before any answer is rendered).
pub fn note() {
    let _ = IDENTITY_READ.try_with(|read| read.set(true));
}

/// Runs `future` (a request's handler) and says whether it read the
/// identity. Reads from tasks it spawns are not seen: handlers read the
/// identity in their own task.
pub async fn noting<F: Future>(future: F) -> (F::Output, bool) {
    IDENTITY_READ
        .scope(Cell::new(false), async move {
            let output = future.await;
            (output, IDENTITY_READ.with(Cell::get))
        })
        .await
}
