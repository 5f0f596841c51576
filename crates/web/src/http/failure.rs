//! Why a request could not be answered as asked, for pages: a handler returns
//! `PageError`, which becomes a status plus a `PageFailure` extension; the
//! language middleware (`negotiation`), the one place that knows the reader's
//! language, renders it with `render_failure`. So `?` works in handlers and a
//! 404 is always in the reader's language. Every `AppError` kind becomes a
//! page here, in one place (`PageFailure::App`); handlers that can show the
//! problems beside a form's fields match `AppError::Invalid` themselves.

use super::{ctx::chrome, links::self_path, params::ParamError};
use crate::{
    app::{
        accounts::password::{Busy, PasswordWorkError},
        error::AppError,
    },
    render::{chrome::Chrome, i18n::Tr},
};
use acoge_domain::Lang;
use acoge_store::StoreError;
use askama::Template;
use axum::{
    http::{StatusCode, Uri, header},
    response::{Html, IntoResponse, Redirect, Response},
};

/// Why a page could not be shown; the language middleware renders it.
#[derive(Debug, Clone)]
pub enum PageFailure {
    /// What a use case (or a handler, in its terms) could not do.
    App(AppError),
    /// A query parameter is malformed (400, naming it).
    BadParameter(ParamError),
    TooLarge,
    TooManyLogins,
    /// A form came without a valid CSRF token: shown again with what was typed.
    CsrfRejected {
        action: String,
        token: String,
        fields: Vec<(String, String)>,
    },
}

impl PageFailure {
    pub fn status(&self) -> StatusCode {
        match self {
            // Pages send visitors to sign in, then back (`render_failure`).
            PageFailure::App(AppError::NotSignedIn) => StatusCode::SEE_OTHER,
            PageFailure::App(error) => error.status(),
            PageFailure::BadParameter(_) => StatusCode::BAD_REQUEST,
            PageFailure::CsrfRejected { .. } => StatusCode::FORBIDDEN,
            PageFailure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageFailure::TooManyLogins => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            PageFailure::App(error) => error.retry_after(),
            _ => None,
        }
    }

    /// The status with the failure attached, for the language middleware to render.
    pub fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(self);
        response
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
        AppError::NotFound.into()
    }

    pub fn forbidden() -> Self {
        AppError::Forbidden.into()
    }

    /// Logs `error` and shows the internal-failure page.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        AppError::internal(error).into()
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        Self::Failure(PageFailure::App(error))
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<PasswordWorkError> for PageError {
    fn from(error: PasswordWorkError) -> Self {
        AppError::from(error).into()
    }
}

impl From<Busy> for PageError {
    fn from(error: Busy) -> Self {
        AppError::from(error).into()
    }
}

impl From<ParamError> for PageError {
    fn from(error: ParamError) -> Self {
        Self::Failure(PageFailure::BadParameter(error))
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Failure(failure) => failure.into_response(),
            PageError::SignIn(path) => sign_in(&path),
        }
    }
}

/// To the sign-in page, then back to `path`.
fn sign_in(path: &str) -> Response {
    let target = serde_urlencoded::to_string([("siguiente", path)]).unwrap_or_default();
    Redirect::to(&format!("/entrar?{target}")).into_response()
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

/// The title and text of the page for `error`, in `tr`'s language.
fn app_failure_text(tr: Tr, error: &AppError) -> (String, String) {
    match error {
        AppError::Invalid(fields) => {
            let mut text = tr.t("error-invalid");
            for field in fields {
                text.push(' ');
                text.push_str(&tr.t(field.problem.message_key()));
            }
            (tr.t("error-invalid-title"), text)
        }
        AppError::NotFound => (tr.t("error-not-found-title"), tr.t("error-not-found")),
        AppError::NotSignedIn | AppError::Forbidden => {
            (tr.t("error-forbidden-title"), tr.t("error-forbidden"))
        }
        AppError::Refused(refusal) => {
            let title = match refusal.status() {
                StatusCode::FORBIDDEN => "error-forbidden-title",
                StatusCode::CONFLICT => "error-conflict-title",
                _ => "error-invalid-title",
            };
            (tr.t(title), refusal.text(tr))
        }
        AppError::RateLimited => (tr.t("error-too-many-title"), tr.t("error-too-many")),
        AppError::Busy => (tr.t("error-busy-title"), tr.t("error-busy")),
        AppError::Unavailable | AppError::SearchUnavailable => {
            (tr.t("error-unavailable-title"), tr.t("error-unavailable"))
        }
        AppError::Internal => (tr.t("error-internal-title"), tr.t("error-internal")),
    }
}

/// The error page in the request's language.
pub fn render_failure(lang: Lang, uri: &Uri, failure: &PageFailure) -> Response {
    let tr = Tr::new(lang);
    let (title, message) = match failure {
        PageFailure::App(AppError::NotSignedIn) => return sign_in(&self_path(uri.path())),
        PageFailure::App(error) => app_failure_text(tr, error),
        PageFailure::CsrfRejected {
            action,
            token,
            fields,
        } => {
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
        PageFailure::TooLarge => (tr.t("error-too-large-title"), tr.t("error-too-large")),
        PageFailure::TooManyLogins => (tr.t("error-too-many-title"), tr.t("error-too-many-logins")),
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
