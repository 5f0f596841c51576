//! The gate in front of every route that changes something: authorization by
//! the domain's rule, CSRF on forms, a size limit, and a per-member rate limit
//! shared by all instances (kept in the database).

use super::{RequestAuth, csrf};
use crate::{AppState, app::accounts, http::failure::PageFailure};
use acoge_domain::accounts::{Capability, Denied, authorize};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
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

fn failure(status: StatusCode, failure: PageFailure) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(failure);
    response
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

async fn over_write_limit(app: &AppState, auth: &RequestAuth) -> Result<bool, Response> {
    let Some(member) = auth.actor.id() else {
        return Ok(false);
    };
    match accounts::writes_this_minute(app, member).await {
        Ok(hits) => Ok(hits > WRITES_PER_MINUTE),
        Err(e) => {
            tracing::error!(error = %e, "rate limit unavailable");
            Err(failure(
                StatusCode::SERVICE_UNAVAILABLE,
                PageFailure::Internal,
            ))
        }
    }
}

/// For HTML forms.
pub async fn form(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let auth = auth_of(&request);
    let path = request.uri().path().to_owned();
    match authorize(&auth.actor, gate.capability) {
        Ok(()) => {}
        Err(Denied::NotSignedIn) => {
            let target =
                serde_urlencoded::to_string([("siguiente", path.as_str())]).unwrap_or_default();
            return Redirect::to(&format!("/entrar?{target}")).into_response();
        }
        Err(Denied::Forbidden) => return failure(StatusCode::FORBIDDEN, PageFailure::Forbidden),
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return failure(StatusCode::PAYLOAD_TOO_LARGE, PageFailure::TooLarge),
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
        return failure(
            StatusCode::FORBIDDEN,
            PageFailure::CsrfRejected {
                action: path,
                token: csrf::token(key, &auth.csrf_nonce, auth.session_hash.as_deref()),
                fields: kept,
            },
        );
    }
    match over_write_limit(&gate.app, &auth).await {
        Ok(true) => {
            return with_retry_after(failure(
                StatusCode::TOO_MANY_REQUESTS,
                PageFailure::TooManyRequests,
            ));
        }
        Ok(false) => {}
        Err(response) => return response,
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Tells clients when to try again after a 429.
fn with_retry_after(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    response
}

fn api_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({"error": {"status": status.as_u16(), "code": code, "message": message}});
    (status, axum::Json(body)).into_response()
}

/// For the JSON API (bearer tokens only; no cookies, so no CSRF).
pub async fn api(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let auth = auth_of(&request);
    match authorize(&auth.actor, gate.capability) {
        Ok(()) => {}
        Err(Denied::NotSignedIn) => {
            let mut response = api_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send an API token: Authorization: Bearer acoge_...",
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
        Err(Denied::Forbidden) => {
            return api_error(
                StatusCode::FORBIDDEN,
                "forbidden",
                "your role does not allow this",
            );
        }
    }
    if request.method() == axum::http::Method::GET {
        return next.run(request).await;
    }
    match over_write_limit(&gate.app, &auth).await {
        Ok(true) => api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many writes; wait a minute",
        ),
        Ok(false) => next.run(request).await,
        Err(_) => api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "try again shortly",
        ),
    }
}
