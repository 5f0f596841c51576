//! A submitted form as name/value pairs. It never rejects a request: every
//! field is read by name, and validation errors are reported per field by the
//! handler, which re-renders the form with what was typed (`after_submit`,
//! `error_keys`).

use super::PageError;
use crate::{
    AppState,
    app::{directory, error::AppError},
};
use acoge_domain::{fields::FieldError, organization::Organization, page::PageRequest};
use acoge_store::OrganizationFilter;
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};

/// How keys are typed in a list field (municipalities, states): separated by
/// commas, spaces or new lines.
pub const PLACE_SEPARATORS: &[char] = &[',', ' ', '\n'];

#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .unwrap_or_default();
        Ok(Self(
            serde_urlencoded::from_bytes(&bytes).unwrap_or_default(),
        ))
    }
}

impl FormData {
    /// The field's value ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field (checkboxes), in order.
    pub fn get_all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        !self.get(name).is_empty()
    }

    /// The items of a field typed as a list, split at any of `separators`,
    /// trimmed, empty ones left out.
    pub fn list(&self, name: &str, separators: &[char]) -> Vec<String> {
        self.get(name)
            .split(separators)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// What a form's checkboxes ask of its page: whether `value` is among those
/// chosen. The templates call `self.has(list, value)` (the `enum_checks`
/// macro too), so a form page with checkboxes implements this.
pub trait Choices {
    fn has(&self, list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }
}

/// The problems of a sent form by field, as the Fluent keys of their
/// messages: what the form templates look up next to each field.
pub fn error_keys<C>(errors: &[FieldError]) -> C
where
    C: FromIterator<(&'static str, &'static str)>,
{
    errors
        .iter()
        .map(|e| (e.field, e.problem.message_key()))
        .collect()
}

/// The organizations a form offers to choose from: the first `most`, in
/// name order.
pub async fn organization_choices(
    app: &AppState,
    most: u32,
) -> Result<Vec<Organization>, PageError> {
    let filter = OrganizationFilter::default();
    Ok(
        directory::organizations(app, &filter, PageRequest::first(most))
            .await?
            .items,
    )
}

/// The answer to a sent form once its use case has run: on success, a
/// redirect to the address `next` makes of the result; when the input is
/// invalid, what `again` renders with the problems (the form again, with
/// what was typed), answered 422; any other error is the error page.
pub async fn after_submit<T>(
    result: Result<T, AppError>,
    next: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(&[FieldError]) -> Result<Response, PageError>,
) -> Result<Response, PageError> {
    match result {
        Ok(done) => Ok(Redirect::to(&next(done)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = again(&errors).await?;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}
