//! The gate in front of every route that changes something: authorization by
//! the domain's rule, CSRF on forms, a size limit, and a per-member rate limit
//! shared by all instances (kept in the database).

use super::{RequestAuth, csrf};
use crate::{
    AppState,
    app::{accounts, error::AppError},
    http::{api_error::ApiError, failure::PageFailure},
};
use acoge_domain::accounts::Capability;
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Largest form or JSON body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;
/// Writes one member may make per minute, across all instances.
pub const WRITES_PER_MINUTE: u64 = 120;

/// What a guarded route needs.
#[derive(Clone)]
pub struct Gate {
    pub app: AppState,
    pub capability: Capability,
}

fn auth_of(request: &Request) -> RequestAuth {
    request
        .extensions()
        .get::<RequestAuth>()
        .cloned()
        .unwrap_or_else(RequestAuth::anonymous)
}

/// Fields never echoed back to a page.
fn is_secret_field(name: &str) -> bool {
    name == csrf::FIELD || name.contains("password") || name.contains("contrasena")
}

/// `RateLimited` when the member is over the per-minute write limit;
/// `Unavailable` when the limit cannot be read.
async fn write_limit(app: &AppState, auth: &RequestAuth) -> Result<(), AppError> {
    let Some(member) = auth.actor().id() else {
        return Ok(());
    };
    match accounts::writes_this_minute(app, member).await {
        Ok(hits) if hits > WRITES_PER_MINUTE => Err(AppError::RateLimited),
        Ok(_) => Ok(()),
        Err(e) => Err(AppError::unavailable(format!("rate limit: {e}"))),
    }
}

/// For HTML forms.
pub async fn form(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let auth = auth_of(&request);
    let path = request.uri().path().to_owned();
    // Visitors are sent to sign in and back (`failure::render_failure`).
    if let Err(denied) = auth.authorize(gate.capability) {
        return PageFailure::App(denied.into()).into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return PageFailure::TooLarge.into_response(),
    };
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let submitted = fields
        .iter()
        .find(|(n, _)| n == csrf::FIELD)
        .map(|(_, v)| v.as_str());
    let cookie_nonce = auth.csrf_cookie_present.then_some(auth.csrf_nonce.as_str());
    let key = &gate.app.config.csrf_key;
    if !csrf::verify(key, cookie_nonce, submitted, auth.session_hash.as_deref()) {
        let kept = fields
            .into_iter()
            .filter(|(n, _)| !is_secret_field(n))
            .collect();
        return PageFailure::CsrfRejected {
            action: path,
            token: csrf::token(key, &auth.csrf_nonce, auth.session_hash.as_deref()),
            fields: kept,
        }
        .into_response();
    }
    if let Err(error) = write_limit(&gate.app, &auth).await {
        return PageFailure::App(error).into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// For the JSON API (bearer tokens only; no cookies, so no CSRF).
pub async fn api(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let auth = auth_of(&request);
    if let Err(denied) = auth.authorize(gate.capability) {
        return ApiError::from(AppError::from(denied)).into_response();
    }
    if request.method() == axum::http::Method::GET {
        return next.run(request).await;
    }
    match write_limit(&gate.app, &auth).await {
        Ok(()) => next.run(request).await,
        Err(error) => ApiError::from(error).into_response(),
    }
}
