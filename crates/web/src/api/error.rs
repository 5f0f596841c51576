//! API errors: a status and a JSON body naming what was wrong.

use crate::http::params::ParamError;
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
    /// The body field at fault, for `invalid_field`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
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
                    field: None,
                    message,
                },
            },
        }
    }

    pub fn not_found(message: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", None, message.to_owned())
    }

    pub fn status(status: StatusCode, code: &'static str, message: String) -> Self {
        Self::new(status, code, None, message)
    }

    /// 422 naming the first invalid field (all are listed in the message).
    pub fn fields(errors: &[acoge_domain::fields::FieldError]) -> Self {
        let message = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            None,
            message,
        );
        e.body.error.field = errors.first().map(|f| f.field.to_owned());
        e
    }

    /// A body that is not the JSON the operation takes.
    pub fn bad_body(error: serde_json::Error) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            None,
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
}

impl From<crate::app::members::MemberError> for ApiError {
    fn from(error: crate::app::members::MemberError) -> Self {
        use crate::app::members::MemberError;
        use acoge_domain::accounts::Denied;
        match error {
            MemberError::Field(f) => {
                let mut e = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    None,
                    f.to_string(),
                );
                // Forms call it "organization"; the API body calls it "organization_id".
                let field = if f.field == "organization" {
                    "organization_id"
                } else {
                    f.field
                };
                e.body.error.field = Some(field.to_owned());
                e
            }
            MemberError::Denied(Denied::NotSignedIn) => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                None,
                "sign in first".into(),
            ),
            MemberError::Denied(Denied::Forbidden) => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                None,
                "your role does not allow this".into(),
            ),
            MemberError::NotFound => Self::not_found("no such member or invitation"),
            MemberError::OwnAccount => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "own_account",
                None,
                error.to_string(),
            ),
            MemberError::NotPending => {
                Self::new(StatusCode::CONFLICT, "not_pending", None, error.to_string())
            }
            MemberError::Store(s) => s.into(),
            MemberError::Randomness(r) => {
                tracing::error!(error = %r, "no randomness");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    None,
                    "try again shortly".into(),
                )
            }
        }
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

impl From<acoge_search::SearchError> for ApiError {
    fn from(error: acoge_search::SearchError) -> Self {
        tracing::error!(%error, "search failed");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            None,
            "search is not available right now; try again shortly".into(),
        )
    }
}
