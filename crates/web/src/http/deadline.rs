//! How long a request may take: past `request_timeout` the work is dropped
//! and the visitor is told 503 with `Retry-After`, a page in their language
//! (this layer runs inside `negotiation`) or the API's JSON error. A 408
//! would blame the client, which sent its request in time.

use super::{api_error::ApiError, failure::PageFailure};
use crate::{AppState, app::error::AppError};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Seconds a client is asked to wait before trying again.
pub const RETRY_AFTER_SECONDS: u32 = 5;

pub async fn limit(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(timeout) = app.config.request_timeout else {
        return next.run(request).await;
    };
    let is_api = request.uri().path().starts_with("/api/");
    let path = super::links::redacted_path(request.uri().path());
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, timeout_ms = timeout.as_millis() as u64, "request timed out");
            let mut response = if is_api {
                ApiError::from(AppError::Unavailable).into_response()
            } else {
                PageFailure::App(AppError::Unavailable).into_response()
            };
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
            response
        }
    }
}
