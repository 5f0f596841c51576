//! Who is asking: a session cookie on pages, a bearer token on the API. The
//! middleware here only identifies; what an identity may do is decided by
//! `acoge_domain::accounts::authorize`, called by the write guards.

pub mod csrf;
pub mod guard;
pub mod password;
pub mod secrets;
pub mod throttle;

use crate::{
    AppState,
    cookies::{self, SameSite},
};
use acoge_domain::accounts::Actor;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Sessions last 30 days; "log out everywhere" ends them sooner.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// The identity of one request, put in its extensions.
#[derive(Debug, Clone)]
pub struct RequestAuth {
    pub actor: Actor,
    /// Hash of the session secret, when a live session cookie came with the request.
    pub session_hash: Option<String>,
    /// The CSRF nonce from the cookie, or a fresh one to set.
    pub csrf_nonce: String,
    /// Whether the request carried the CSRF cookie (a fresh nonce never verifies).
    pub csrf_cookie_present: bool,
}

impl RequestAuth {
    pub fn anonymous() -> Self {
        Self {
            actor: Actor::Anonymous,
            session_hash: None,
            csrf_nonce: String::new(),
            csrf_cookie_present: false,
        }
    }
}

fn unauthorized_token() -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({"error": {
            "status": 401, "code": "invalid_token",
            "message": "the bearer token is not valid or was revoked"
        }})),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// Whether a request that may change something goes through a guarded route:
/// a POST route added without a rule in `FORM_WRITES` or `API_WRITES` is
/// refused, so nothing can write without an authorization check.
fn is_guarded_write(request: &Request) -> bool {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD {
        return true;
    }
    let Some(matched) = request.extensions().get::<MatchedPath>() else {
        // Unrouted: the fallback answers 404/405 without writing anything.
        return true;
    };
    let path = matched.as_str();
    crate::FORM_WRITES.iter().any(|(p, _)| *p == path)
        || crate::API_WRITES
            .iter()
            .any(|(m, p, _)| *p == path && *m == method.as_str())
}

pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if !is_guarded_write(&request) {
        tracing::error!(path = %crate::links::redacted_path(request.uri().path()), "write route without an authorization rule");
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let is_api = request.uri().path().starts_with("/api/");
    let db = &state.db;
    let mut auth = RequestAuth::anonymous();
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    if let Some(value) = bearer {
        let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
            return unauthorized_token();
        };
        match db.token_member(&secrets::hash_secret(token)).await {
            Ok(Some(member)) => auth.actor = Actor::Member(member.identity()),
            Ok(None) => return unauthorized_token(),
            Err(e) => {
                tracing::error!(error = %e, "token lookup failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    } else if !is_api
        && let Some(secret) = cookies::get(request.headers(), state.config.cookies.session())
    {
        let hash = secrets::hash_secret(secret);
        match db.session_member(&hash).await {
            Ok(Some(member)) => {
                auth.actor = Actor::Member(member.identity());
                auth.session_hash = Some(hash);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        }
    }
    let existing_nonce =
        cookies::get(request.headers(), state.config.cookies.csrf()).map(str::to_owned);
    auth.csrf_cookie_present = existing_nonce.is_some();
    auth.csrf_nonce = match existing_nonce {
        Some(nonce) => nonce,
        None => match secrets::new_secret() {
            Ok(nonce) => nonce,
            Err(e) => {
                tracing::error!(error = %e, "no randomness");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
    };
    let set_nonce = (!auth.csrf_cookie_present).then(|| auth.csrf_nonce.clone());
    request.extensions_mut().insert(auth);
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let Some(nonce) = set_nonce.filter(|_| is_html)
        && let Some(cookie) = state.config.cookies.set(
            state.config.cookies.csrf(),
            &nonce,
            SESSION_SECONDS,
            SameSite::Strict,
        )
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
