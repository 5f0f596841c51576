//! Why a request could not be answered as asked, for pages: a handler returns
//! `PageError`, which becomes a status plus a `PageFailure` extension; the
//! language middleware (`negotiation`), the one place that knows the reader's
//! language, renders it with `render_failure`. So `?` works in handlers and a
//! 404 is always in the reader's language.

use super::{ctx::chrome, params::ParamError};
use crate::{
    app::accounts::password::{Busy, PasswordSlots, PasswordWorkError},
    render::{chrome::Chrome, i18n::Tr},
};
use acoge_domain::Lang;
use acoge_store::StoreError;
use askama::Template;
use axum::{
    http::{StatusCode, Uri},
    response::{Html, IntoResponse, Redirect, Response},
};

/// Why a page could not be shown; the language middleware renders it.
#[derive(Debug, Clone)]
pub enum PageFailure {
    NotFound,
    BadParameter(ParamError),
    Forbidden,
    TooLarge,
    TooManyRequests,
    TooManyLogins,
    /// Every password slot is busy: try again in a few seconds (503).
    Busy,
    /// A form came without a valid CSRF token: shown again with what was typed.
    CsrfRejected {
        action: String,
        token: String,
        fields: Vec<(String, String)>,
    },
    Internal,
}

impl PageFailure {
    pub fn status(&self) -> StatusCode {
        match self {
            PageFailure::NotFound => StatusCode::NOT_FOUND,
            PageFailure::BadParameter(_) => StatusCode::BAD_REQUEST,
            PageFailure::Forbidden | PageFailure::CsrfRejected { .. } => StatusCode::FORBIDDEN,
            PageFailure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageFailure::TooManyRequests | PageFailure::TooManyLogins => {
                StatusCode::TOO_MANY_REQUESTS
            }
            PageFailure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            PageFailure::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A handler's error: a failure page, or a detour to sign in.
#[derive(Debug)]
pub enum PageError {
    Failure(PageFailure),
    /// Sign in first, then come back to this path.
    SignIn(String),
}

impl PageError {
    pub fn not_found() -> Self {
        Self::Failure(PageFailure::NotFound)
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal failure while handling a page");
        Self::Failure(PageFailure::Internal)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

impl From<PasswordWorkError> for PageError {
    fn from(error: PasswordWorkError) -> Self {
        match error {
            PasswordWorkError::Busy(_) => Self::Failure(PageFailure::Busy),
            other => Self::internal(other),
        }
    }
}

impl From<Busy> for PageError {
    fn from(_: Busy) -> Self {
        Self::Failure(PageFailure::Busy)
    }
}

impl From<ParamError> for PageError {
    fn from(error: ParamError) -> Self {
        Self::Failure(PageFailure::BadParameter(error))
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Failure(failure) => {
                let mut response = failure.status().into_response();
                let retry_after = match failure {
                    PageFailure::Busy => Some(PasswordSlots::RETRY_AFTER_SECS),
                    PageFailure::TooManyRequests => Some(60),
                    _ => None,
                };
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, seconds.into());
                }
                response.extensions_mut().insert(failure);
                response
            }
            PageError::SignIn(path) => {
                let target = serde_urlencoded::to_string([("siguiente", path)]).unwrap_or_default();
                Redirect::to(&format!("/entrar?{target}")).into_response()
            }
        }
    }
}

pub type PageResult = Result<Html<String>, PageError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
}

#[derive(Template)]
#[template(path = "resubmit.html")]
struct ResubmitPage<'a> {
    chrome: Chrome,
    action: &'a str,
    token: &'a str,
    fields: &'a [(String, String)],
}

/// The error page in the request's language.
pub fn render_failure(lang: Lang, uri: &Uri, failure: &PageFailure) -> Response {
    let tr = Tr::new(lang);
    if let PageFailure::CsrfRejected {
        action,
        token,
        fields,
    } = failure
    {
        let page = ResubmitPage {
            chrome: chrome(tr, uri, tr.t("error-csrf-title"), ""),
            action,
            token,
            fields,
        };
        return match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    }
    let (title, message) = match failure {
        PageFailure::NotFound => (tr.t("error-not-found-title"), tr.t("error-not-found")),
        PageFailure::BadParameter(e) => (
            tr.t("error-bad-request-title"),
            tr.with(
                "error-bad-parameter",
                &[
                    ("name", e.name.clone().into()),
                    ("reason", e.reason.clone().into()),
                ],
            ),
        ),
        PageFailure::Forbidden => (tr.t("error-forbidden-title"), tr.t("error-forbidden")),
        PageFailure::TooLarge => (tr.t("error-too-large-title"), tr.t("error-too-large")),
        PageFailure::TooManyRequests => (tr.t("error-too-many-title"), tr.t("error-too-many")),
        PageFailure::TooManyLogins => (tr.t("error-too-many-title"), tr.t("error-too-many-logins")),
        PageFailure::Busy => (tr.t("error-busy-title"), tr.t("error-busy")),
        PageFailure::CsrfRejected { .. } | PageFailure::Internal => {
            (tr.t("error-internal-title"), tr.t("error-internal"))
        }
    };
    let page = ErrorPage {
        chrome: chrome(tr, uri, title, ""),
        message,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
