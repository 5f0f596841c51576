//! Who is asking: a session cookie on pages, a bearer token on the API. The
//! middleware here only identifies; what an identity may do is decided by
//! `acoge_domain::accounts::authorize`, called by the write guards.

pub mod csrf;
pub mod guard;
pub mod reads;

use super::{
    api_error::ApiError,
    cookies::{self, SameSite},
    failure::PageFailure,
    links::redacted_path,
    writes::WriteRoutes,
};
use crate::{
    AppState,
    app::{
        accounts::{self, SESSION_SECONDS, secrets},
        error::AppError,
    },
};
use acoge_domain::accounts::{Actor, Capability, Denied, Role, authorize};
use axum::{
    extract::{MatchedPath, Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use reads::IdentityRead;
use uuid::Uuid;

/// The identity of one request, put in its extensions.
///
/// Its fields are read through the methods below, which note the read
/// (`reads`): the page cache shares only what was rendered without them.
#[derive(Debug, Clone)]
pub struct RequestAuth {
    actor: Actor,
    /// Hash of the session secret, when a live session cookie came with the request.
    session_hash: Option<String>,
    /// The CSRF nonce from the cookie, or a fresh one to set.
    csrf_nonce: String,
    /// Whether the request carried the CSRF cookie (a fresh nonce never verifies).
    csrf_cookie_present: bool,
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

    /// Who is asking.
    pub fn actor(&self) -> &Actor {
        reads::note(IdentityRead::Member);
        &self.actor
    }

    /// Whether the caller's role grants `capability` (noted as a read of
    /// the role only: the answer is the same for every member of it).
    pub fn authorize(&self, capability: Capability) -> Result<(), Denied> {
        reads::note(IdentityRead::Role);
        authorize(&self.actor, capability)
    }

    /// The signed-in member's role, for the page's header and the page
    /// cache's key: not noted as a read.
    pub fn signed_in_role(&self) -> Option<Role> {
        self.actor.member().map(|m| m.role)
    }

    /// The signed-in member's organization, noted as a read of the
    /// organization (with the role): the same answer for every member of
    /// that role there.
    pub fn organization(&self) -> Option<Uuid> {
        reads::note(IdentityRead::Organization);
        self.signed_in_organization()
    }

    /// The same, for the page cache's key: not noted as a read.
    pub fn signed_in_organization(&self) -> Option<Uuid> {
        self.actor.member().and_then(|m| m.organization_id)
    }

    /// The hash of the live session's secret, if the request came with one.
    pub fn session_hash(&self) -> Option<&str> {
        reads::note(IdentityRead::Member);
        self.session_hash.as_deref()
    }

    /// The hidden field value for this request's forms (tied to its
    /// cookie and session: the page cache keeps such a page only with a
    /// hole where each reader's own token goes).
    pub fn csrf_token(&self, key: &[u8]) -> String {
        reads::note_form_token();
        self.form_token_unnoted(key)
    }

    /// The same token, for the page cache to fill in: not noted as a read.
    pub fn form_token_unnoted(&self, key: &[u8]) -> String {
        csrf::token(key, &self.csrf_nonce, self.session_hash.as_deref())
    }

    /// Whether the request came with its CSRF cookie: without it, the
    /// answer's form sets one (`authenticate`), so it is rendered afresh.
    pub fn has_csrf_cookie(&self) -> bool {
        self.csrf_cookie_present
    }
}

fn unauthorized_token() -> Response {
    ApiError::invalid_token().into_response()
}

/// 503 when an identity cannot be checked for a moment: JSON under /api/, a
/// page elsewhere. `what` failed; it is logged.
fn unavailable(is_api: bool, what: impl std::fmt::Display) -> Response {
    let error = AppError::unavailable(what);
    if is_api {
        ApiError::from(error).into_response()
    } else {
        PageFailure::App(error).into_response()
    }
}

/// Whether a request that may change something goes through a guarded route:
/// a POST route added without a rule in `FORM_WRITES` or `API_WRITES` is
/// refused, so nothing can write without an authorization check.
fn is_guarded_write(request: &Request, writes: &WriteRoutes) -> bool {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD {
        return true;
    }
    let Some(matched) = request.extensions().get::<MatchedPath>() else {
        // Unrouted: the fallback answers 404/405 without writing anything.
        return true;
    };
    writes.guard(method, matched.as_str())
}

/// What `authenticate` needs: the state, and the write-route tables of the
/// pages and the API.
#[derive(Clone)]
pub struct Authentication {
    pub app: AppState,
    pub writes: WriteRoutes,
}

pub async fn authenticate(
    State(Authentication { app: state, writes }): State<Authentication>,
    mut request: Request,
    next: Next,
) -> Response {
    if !is_guarded_write(&request, &writes) {
        tracing::error!(path = %redacted_path(request.uri().path()), "write route without an authorization rule");
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let is_api = request.uri().path().starts_with("/api/");
    let mut auth = RequestAuth::anonymous();
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    if let Some(value) = bearer {
        let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
            return unauthorized_token();
        };
        match accounts::token_member(&state, token).await {
            Ok(Some(member)) => auth.actor = Actor::Member(member.identity()),
            Ok(None) => return unauthorized_token(),
            Err(e) => return unavailable(is_api, format!("token lookup: {e}")),
        }
    } else if !is_api
        && let Some(secret) = cookies::get(request.headers(), state.config.cookies.session())
    {
        let hash = secrets::hash_secret(secret);
        match accounts::session_member(&state, &hash).await {
            Ok(Some(member)) => {
                auth.actor = Actor::Member(member.identity());
                auth.session_hash = Some(hash);
            }
            Ok(None) => {}
            Err(e) => return unavailable(is_api, format!("session lookup: {e}")),
        }
    }
    let existing_nonce =
        cookies::get(request.headers(), state.config.cookies.csrf()).map(str::to_owned);
    auth.csrf_cookie_present = existing_nonce.is_some();
    auth.csrf_nonce = match existing_nonce {
        Some(nonce) => nonce,
        None => match secrets::new_secret() {
            Ok(nonce) => nonce,
            Err(e) => return unavailable(is_api, format!("no randomness: {e}")),
        },
    };
    let set_nonce = (!auth.csrf_cookie_present).then(|| auth.csrf_nonce.clone());
    request.extensions_mut().insert(auth);
    let response = next.run(request).await;
    let Some(nonce) = set_nonce else {
        return response;
    };
    let (carries_form, mut response) = carries_form(response).await;
    if carries_form
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

/// Whether an answer holds a form with a CSRF token (an HTML page with the
/// hidden field, or the page that asks to send a rejected form again), so
/// its cookie must be set. Other pages set none: a visitor's first view of
/// them stays anonymous and cacheable (`page_cache`).
async fn carries_form(response: Response) -> (bool, Response) {
    if response
        .extensions()
        .get::<PageFailure>()
        .is_some_and(|f| matches!(f, PageFailure::CsrfRejected { .. }))
    {
        return (true, response);
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return (false, response);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let form = memchr::memmem::find(&bytes, super::page_cache::CSRF_FIELD).is_some();
            (form, Response::from_parts(parts, bytes.into()))
        }
        Err(error) => {
            tracing::error!(%error, "a rendered page could not be read");
            (false, StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}
