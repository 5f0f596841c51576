//! API errors: a status and a JSON body naming what was wrong.

use crate::params::ParamError;
use acoge_store::StoreError;
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
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
    /// Machine-readable kind: `not_found`, `invalid_parameter`, `internal`.
    pub code: &'static str,
    /// The query parameter at fault, for `invalid_parameter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub message: String,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        parameter: Option<String>,
        message: String,
    ) -> Self {
        Self {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    status: status.as_u16(),
                    code,
                    parameter,
                    message,
                },
            },
        }
    }

    pub fn not_found(message: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", None, message.to_owned())
    }
}

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            Some(e.name.clone()),
            e.to_string(),
        )
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "store failure in the API");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            None,
            "the request could not be completed".to_owned(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub type ApiResult<T> = Result<axum::Json<T>, ApiError>;
