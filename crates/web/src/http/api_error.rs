//! The API's error answers: a status and the body
//! `{"error": {"status", "code", "field"?, "parameter"?, "message"}}`. Built
//! here once, for the API's handlers and for the middleware in front of them
//! (authentication, the write guard, the path extractors), so every JSON
//! error looks the same. Which `code` means what is documented with
//! `AppError` (`app::error`); `ErrorCode` lists them all, in this body's
//! OpenAPI schema too.

use super::params::ParamError;
use crate::app::error::{AppError, ErrorCode};
use acoge_search::SearchError;
use acoge_store::StoreError;
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
    /// `WWW-Authenticate`, on 401s.
    challenge: Option<&'static str>,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// HTTP status code.
    pub status: u16,
    /// Machine-readable kind; each keeps its meaning for good.
    pub code: ErrorCode,
    /// The query or path parameter at fault, for `invalid_parameter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The body field at fault, for `invalid_field` (the first of them) and
    /// `invalid_body` (a missing field, when known).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What went wrong, in English, for people.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: String) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    status: status.as_u16(),
                    code,
                    parameter: None,
                    field: None,
                    message,
                },
            },
            retry_after: None,
            challenge: None,
        }
    }

    /// 404 `not_found`, saying what was not found.
    pub fn not_found(message: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            message.to_owned(),
        )
    }

    /// 400 `invalid_parameter` naming the query or path parameter at fault.
    pub fn parameter(error: &ParamError) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidParameter,
            error.to_string(),
        );
        e.body.error.parameter = Some(error.name.clone());
        e
    }

    /// 422 `invalid_body`: a body that is not the JSON the operation takes.
    pub fn bad_body(error: serde_json::Error) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidBody,
            format!("the body is not valid JSON for this operation: {error}"),
        );
        let text = error.to_string();
        e.body.error.field = text
            .split('`')
            .nth(1)
            .filter(|_| text.starts_with("missing field"))
            .map(str::to_owned);
        e
    }

    /// 401 `invalid_token`: the bearer token is unknown, revoked or malformed.
    pub fn invalid_token() -> Self {
        let mut e = Self::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidToken,
            "the bearer token is not valid or was revoked".to_owned(),
        );
        e.challenge = Some("Bearer error=\"invalid_token\"");
        e
    }

    /// Renames the field named in the body (forms and the API may call one
    /// field differently, e.g. `organization` and `organization_id`).
    pub fn rename_field(mut self, from: &str, to: &str) -> Self {
        if self.body.error.field.as_deref() == Some(from) {
            self.body.error.field = Some(to.to_owned());
        }
        self
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let mut e = Self::new(error.status(), error.code(), error.to_string());
        e.retry_after = error.retry_after();
        match &error {
            AppError::Invalid(fields) => {
                e.body.error.field = fields.first().map(|f| f.field.to_owned());
            }
            AppError::NotSignedIn => e.challenge = Some("Bearer"),
            _ => {}
        }
        e
    }
}

impl From<ParamError> for ApiError {
    fn from(error: ParamError) -> Self {
        Self::parameter(&error)
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, seconds.into());
        }
        if let Some(challenge) = self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;
