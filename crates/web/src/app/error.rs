//! Why a use case could not do what was asked: one error type, `AppError`,
//! for every capability. Pages and the API translate it once each: into a
//! failure page in the reader's language (`http::failure`) and into the API's
//! body `{"error": {"status", "code", "field"?, "parameter"?, "message"}}`
//! (`http::api_error`). A use case picks the kind; it never picks a status.
//!
//! Which kind to return:
//!
//! | kind | status | API code | when |
//! |---|---|---|---|
//! | `Invalid(fields)` | 422 | `invalid_field` | The input breaks a rule; each `FieldError` names its field and its problem (a Fluent key). Forms that can show the problems beside their fields match this kind and render the form again; elsewhere it is a page listing the problems. Also a reference that does not exist *inside* the input (an unknown organization in a list). |
//! | `NotFound` | 404 | `not_found` | The record the request names (in its path) does not exist, or the actor may not know it exists (a draft of another organization). |
//! | `NotSignedIn` | 401 | `unauthorized` | Only a member may do this and nobody is signed in. Pages send the visitor to sign in and back. |
//! | `Forbidden` | 403 | `forbidden` | Signed in, but the role (or the rank over another member) does not allow it. |
//! | `Refused(refusal)` | 403, 409 or 422 | the refusal's own | A specific rule said no and a client can act on which one: the `Refusal` carries its status, code and text (a Fluent key). Add a refusal only when a client needs to tell it apart; otherwise use the plain kinds. |
//! | `RateLimited` | 429 | `rate_limited` | Over the per-member write limit; `Retry-After: 60`. |
//! | `Busy` | 503 | `unavailable` | Every password slot stayed busy; `Retry-After` says when to try again. |
//! | `Unavailable` | 503 | `unavailable` | A dependency failed for a moment (no randomness, the database behind a rate limit); worth retrying. Logged where it is made. |
//! | `SearchUnavailable` | 503 | `search_unavailable` | The search index could not answer. Logged where it is made. |
//! | `Internal` | 500 | `internal` | Anything else (a store failure, a template that does not render): logged with its cause by `AppError::internal`, never shown. |
//!
//! The refusals (`Refusal`): `OwnOrganization` (403 `own_organization`:
//! reviewers do not review their own organization's practices), `OwnAccount`
//! (422 `own_account`: members act on their own account from /cuenta, not from
//! the member list), `WrongState` and `AlreadyReviewed` (409 `wrong_state`: a
//! practice's workflow does not allow it now), `NotPending` (409
//! `not_pending`: the invitation was already accepted or revoked),
//! `DiscussionNotOpen` (409 `discussion_not_open`: the thread is closed or
//! archived).
//!
//! The HTTP layer answers a few codes of its own, before any use case runs:
//! `invalid_parameter` (400: a query or path parameter is malformed;
//! `parameter` names it; on pages a malformed id in the path is a 404),
//! `invalid_body` (422: the body is not the JSON the operation takes; `field`
//! names a missing field when it can) and `invalid_token` (401: the bearer
//! token is unknown or revoked). `ErrorCode` lists every code the API
//! answers; the OpenAPI document lists the same, as the enum of
//! `ErrorDetail.code`. Codes never change meaning: clients may depend on them.

use crate::{
    app::accounts::{
        password::{Busy, PasswordSlots, PasswordWorkError},
        secrets::RandomnessError,
    },
    render::i18n::Tr,
};
use acoge_domain::{
    Lang,
    accounts::Denied,
    discussion::DiscussionStatus,
    fields::FieldError,
    practice::{PracticeStatus, WorkflowError},
};
use acoge_search::SearchError;
use acoge_store::StoreError;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a use case could not do what was asked; see the module's table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// 422: fields that break a rule, all of them, the first one named in the API.
    #[error("{}", fields_text(.0))]
    Invalid(Vec<FieldError>),
    /// 404: no such record, as far as the actor may know.
    #[error("no such record")]
    NotFound,
    /// 401: sign in first.
    #[error("sign in first; the API takes `Authorization: Bearer acoge_...`")]
    NotSignedIn,
    /// 403: the role does not allow it.
    #[error("your role does not allow this")]
    Forbidden,
    /// A specific rule said no; the refusal decides status, code and text.
    #[error("{0}")]
    Refused(Refusal),
    /// 429: too many writes this minute.
    #[error("too many writes; wait a minute")]
    RateLimited,
    /// 503: every password slot is busy.
    #[error("too many password checks at once; try again in a few seconds")]
    Busy,
    /// 503: try again shortly.
    #[error("try again shortly")]
    Unavailable,
    /// 503: the search index could not answer.
    #[error("search is not available right now; try again shortly")]
    SearchUnavailable,
    /// 500: logged where it was made, never shown.
    #[error("the request could not be completed")]
    Internal,
}

fn fields_text(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A specific rule that refused the request, when a client can act on which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 403 `own_organization`: reviewers do not review their own organization's practices.
    OwnOrganization,
    /// 422 `own_account`: members act on their own account from /cuenta.
    OwnAccount,
    /// 409 `wrong_state`: not possible while the practice has this status.
    WrongState(PracticeStatus),
    /// 409 `wrong_state`: the reviewer already reviewed this version.
    AlreadyReviewed,
    /// 409 `not_pending`: the invitation was already accepted or revoked.
    NotPending,
    /// 409 `discussion_not_open`: the thread takes no more contributions.
    DiscussionNotOpen(DiscussionStatus),
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::OwnOrganization => StatusCode::FORBIDDEN,
            Refusal::OwnAccount => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::WrongState(_)
            | Refusal::AlreadyReviewed
            | Refusal::NotPending
            | Refusal::DiscussionNotOpen(_) => StatusCode::CONFLICT,
        }
    }

    pub fn code(self) -> ErrorCode {
        match self {
            Refusal::OwnOrganization => ErrorCode::OwnOrganization,
            Refusal::OwnAccount => ErrorCode::OwnAccount,
            Refusal::WrongState(_) | Refusal::AlreadyReviewed => ErrorCode::WrongState,
            Refusal::NotPending => ErrorCode::NotPending,
            Refusal::DiscussionNotOpen(_) => ErrorCode::DiscussionNotOpen,
        }
    }

    /// The refusal in `tr`'s language (pages), or in English (the API).
    pub fn text(self, tr: Tr) -> String {
        match self {
            Refusal::OwnOrganization => tr.t("error-own-organization"),
            Refusal::OwnAccount => tr.t("members-own-role"),
            Refusal::WrongState(status) => tr.with_text(
                "error-wrong-state",
                "status",
                &tr.label(status.message_key()),
            ),
            Refusal::AlreadyReviewed => tr.t("error-already-reviewed"),
            Refusal::NotPending => tr.t("invitations-not-pending"),
            Refusal::DiscussionNotOpen(status) => tr.with_text(
                "error-discussion-not-open",
                "status",
                &tr.label(status.message_key()),
            ),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Tr::new(Lang::En)))
    }
}

/// Every `code` the API answers; each keeps its meaning for good.
/// `invalid_parameter` (400: a query or path parameter is malformed;
/// `parameter` names it), `unauthorized` (401: send `Authorization: Bearer
/// acoge_...`), `invalid_token` (401: the token is unknown or revoked),
/// `forbidden` (403: the role does not allow it), `own_organization` (403:
/// reviewers do not review their own organization's practices), `not_found`
/// (404), `wrong_state` (409: the practice's workflow does not allow it now),
/// `not_pending` (409: the invitation was already accepted or revoked),
/// `discussion_not_open` (409: the discussion is closed or archived),
/// `invalid_field` (422: a body field is invalid; `field` names the first),
/// `invalid_body` (422: the body is not the JSON the operation takes),
/// `own_account` (422: members act on their own account from their account
/// page), `rate_limited` (429: see `Retry-After`), `internal` (500: logged on
/// the server), `unavailable` (503: try again shortly; see `Retry-After` when
/// present), `search_unavailable` (503: the search index could not answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: a query or path parameter is malformed; `parameter` names it.
    InvalidParameter,
    /// 401: no identity; send `Authorization: Bearer acoge_...`.
    Unauthorized,
    /// 401: the bearer token is unknown or revoked.
    InvalidToken,
    /// 403: the role does not allow it.
    Forbidden,
    /// 403: reviewers do not review their own organization's practices.
    OwnOrganization,
    /// 404: no such record or route.
    NotFound,
    /// 409: the practice's workflow does not allow it now.
    WrongState,
    /// 409: the invitation was already accepted or revoked.
    NotPending,
    /// 409: the discussion is closed or archived.
    DiscussionNotOpen,
    /// 422: a body field is invalid; `field` names the first.
    InvalidField,
    /// 422: the body is not the JSON the operation takes.
    InvalidBody,
    /// 422: members act on their own account from /cuenta.
    OwnAccount,
    /// 429: too many writes; see `Retry-After`.
    RateLimited,
    /// 500: something failed on the server; it is logged.
    Internal,
    /// 503: try again shortly (see `Retry-After` when present).
    Unavailable,
    /// 503: the search index could not answer.
    SearchUnavailable,
}

#[cfg(test)]
impl ErrorCode {
    /// Every code, for the tests that check the documents.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::InvalidParameter,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidToken,
        ErrorCode::Forbidden,
        ErrorCode::OwnOrganization,
        ErrorCode::NotFound,
        ErrorCode::WrongState,
        ErrorCode::NotPending,
        ErrorCode::DiscussionNotOpen,
        ErrorCode::InvalidField,
        ErrorCode::InvalidBody,
        ErrorCode::OwnAccount,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
        ErrorCode::SearchUnavailable,
    ];
}

impl AppError {
    /// An internal failure: logs `error` (never shown to anyone) and hides it.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal failure");
        AppError::Internal
    }

    /// A failure worth retrying: logs `error` and answers 503.
    pub fn unavailable(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "a dependency is unavailable");
        AppError::Unavailable
    }

    /// One field that breaks a rule.
    pub fn field(error: FieldError) -> Self {
        AppError::Invalid(vec![error])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::NotSignedIn => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Refused(refusal) => refusal.status(),
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy | AppError::Unavailable | AppError::SearchUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(_) => ErrorCode::InvalidField,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::NotSignedIn => ErrorCode::Unauthorized,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::Refused(refusal) => refusal.code(),
            AppError::RateLimited => ErrorCode::RateLimited,
            AppError::Busy | AppError::Unavailable => ErrorCode::Unavailable,
            AppError::SearchUnavailable => ErrorCode::SearchUnavailable,
            AppError::Internal => ErrorCode::Internal,
        }
    }

    /// Seconds for the `Retry-After` header, when the client should come back.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited => Some(60),
            AppError::Busy => Some(PasswordSlots::RETRY_AFTER_SECS),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::field(error)
    }
}

impl From<Denied> for AppError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotSignedIn => AppError::NotSignedIn,
            Denied::Forbidden => AppError::Forbidden,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        AppError::Refused(refusal)
    }
}

impl From<WorkflowError> for AppError {
    fn from(error: WorkflowError) -> Self {
        match error {
            WorkflowError::Denied(denied) => denied.into(),
            WorkflowError::WrongState(status) => Refusal::WrongState(status).into(),
            WorkflowError::OwnOrganization => Refusal::OwnOrganization.into(),
            WorkflowError::AlreadyReviewed => Refusal::AlreadyReviewed.into(),
        }
    }
}

/// A value the store refuses to hold, named by field, is the sender's error;
/// any other store failure is internal. A capability that knows what a
/// uniqueness conflict means maps `StoreError::Conflict` itself first.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Invalid(field) => AppError::field(field),
            other => AppError::internal(other),
        }
    }
}

impl From<PasswordWorkError> for AppError {
    fn from(error: PasswordWorkError) -> Self {
        match error {
            PasswordWorkError::Busy(_) => AppError::Busy,
            other => AppError::internal(other),
        }
    }
}

impl From<Busy> for AppError {
    fn from(_: Busy) -> Self {
        AppError::Busy
    }
}

impl From<RandomnessError> for AppError {
    fn from(error: RandomnessError) -> Self {
        AppError::unavailable(error)
    }
}

impl From<SearchError> for AppError {
    fn from(error: SearchError) -> Self {
        tracing::error!(%error, "search failed");
        AppError::SearchUnavailable
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::internal(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code is in this module's doc and in the OpenAPI schema of
    /// `ErrorDetail.code`, and nothing else is.
    #[test]
    fn every_code_is_documented_here_and_in_the_openapi_schema() {
        let codes: Vec<String> = ErrorCode::ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let doc: String = include_str!("error.rs")
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .collect();
        for code in &codes {
            assert!(
                doc.contains(&format!("`{code}`")),
                "{code} is not in the doc"
            );
        }
        let schema = serde_json::to_value(<ErrorCode as utoipa::PartialSchema>::schema()).unwrap();
        let listed: Vec<String> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(listed, codes);
    }

    #[test]
    fn refusals_have_texts_in_both_languages() {
        let refusals = [
            Refusal::OwnOrganization,
            Refusal::OwnAccount,
            Refusal::WrongState(PracticeStatus::Published),
            Refusal::AlreadyReviewed,
            Refusal::NotPending,
            Refusal::DiscussionNotOpen(DiscussionStatus::Closed),
        ];
        for refusal in refusals {
            for lang in [Lang::Es, Lang::En] {
                let text = refusal.text(Tr::new(lang));
                assert!(!text.is_empty() && !text.starts_with("Unknown"), "{text}");
            }
            assert!(ErrorCode::ALL.contains(&refusal.code()));
        }
        assert!(
            Refusal::WrongState(PracticeStatus::Published)
                .to_string()
                .to_lowercase()
                .contains("published"),
            "{}",
            Refusal::WrongState(PracticeStatus::Published)
        );
    }
}
