//! Reading the JSON body of a write. Handlers take the body as bytes and read
//! it here after their path checks, so an unknown record answers 404 before
//! a malformed body answers 400.

use super::ApiError;
use serde::de::DeserializeOwned;

/// The body as `T`; anything else (not JSON, an unknown or a missing field,
/// a wrong type) is a 400 naming what is wrong.
pub(super) fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(ApiError::bad_body)
}

/// One field of a patch: a value sent replaces the current one, an absent
/// field keeps it.
pub(super) fn keep<T>(sent: Option<T>, current: &mut T) {
    if let Some(value) = sent {
        *current = value;
    }
}

/// `keep` for each named field the patch body and the current input share
/// by name: `patch!(body => input; title, notes)`.
macro_rules! patch {
    ($body:expr => $current:expr; $($field:ident),+ $(,)?) => {
        $($crate::api::body::keep($body.$field, &mut $current.$field);)+
    };
}
pub(super) use patch;
