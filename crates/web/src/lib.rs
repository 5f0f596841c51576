//! Acoge's HTTP surface: server-rendered pages (askama, Fluent, no JavaScript
//! needed), the JSON API under `/api/v1/` with its OpenAPI document, health
//! and static assets.
//!
//! The modules are layers. A module may use its own layer and any layer
//! below it, never one above or beside it:
//!
//! ```text
//! pages   api        adapters: parse the request, call app, render HTML / serialize JSON
//!    \    /           (neither imports the other)
//!     http           middleware and extractors: identity, CSRF, write guard and the
//!      |             write-route tables, language, security headers, Ctx, parameters
//!     app            use cases and read models, one module per capability: the only
//!      |             code that calls the store or queries the search index for a request
//!     jobs           search follower, daily digest, housekeeping (they use the store
//!      |             themselves: no request, no actor), and email
//!    render          i18n, Markdown, maps, network SVG, page frame, style sheet
//! ```
//!
//! Below them all are the other crates (domain, store, search, analysis,
//! formats). This file is the composition root: it builds `AppState`, starts
//! the jobs and assembles the router, handing `http::auth::authenticate` the
//! write-route tables of `pages` and `api`; `AppState` and `Config` are the
//! only items of it the layers use. The test in `layering.rs` checks every
//! `crate::` and `super::` path in `src/`, and every use of the state's store
//! or index, against these rules.

mod api;
mod app;
mod http;
mod jobs;
mod pages;
mod render;

#[cfg(test)]
mod layering;

/// Credentials, as the command line and the tests use them.
pub mod auth {
    pub use crate::app::accounts::{password, secrets, throttle};
    pub use crate::app::members::create_reset_link;
}
pub use api::API_WRITES;
pub use http::client::{TrustedProxy, TrustedProxyError};
pub use jobs::{mail, search::FluentLabels};
pub use pages::FORM_WRITES;
pub use render::{format::group_thousands, i18n};

use acoge_search::{SearchError, SearchIndex};
use acoge_store::{Db, StoreError};
use axum::{Router, extract::DefaultBodyLimit, http::StatusCode, routing::get};
use std::{future::Future, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};
use tower_http::{
    compression::{CompressionLayer, CompressionLevel},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

/// What every handler can reach, behind one pointer: each layer and handler
/// takes its own clone, so a clone is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// The parts of `AppState`, reached through it.
pub struct AppParts {
    pub db: Db,
    pub config: Arc<Config>,
    pub search: Arc<SearchIndex>,
    /// The directory's analyses, recomputed in the background when the
    /// outbox moves (dropping the last clone stops the worker).
    pub analysis: Arc<jobs::analysis::AnalysisCache>,
    /// How far the search index has come (it may be building).
    pub search_status: jobs::search::SearchStatus,
    /// The outbox head this instance knows of (the page cache's key).
    pub data_version: Arc<jobs::data_version::DataVersion>,
    /// Anonymous pages kept compressed (none when sized 0).
    pub page_cache: Option<Arc<http::page_cache::PageCache>>,
    /// Read models shared by every request at one data version.
    pub read_models: Arc<app::memo::ReadModels>,
    /// Searches running at once, at most one per core: each holds its
    /// matches and facet counts in memory, so a burst waits its turn
    /// instead of growing the process.
    pub search_slots: Arc<tokio::sync::Semaphore>,
    /// Stops the search follower when the last clone of the state is dropped.
    _follower: Arc<tokio::sync::watch::Sender<bool>>,
    /// Stops the daily digest task likewise (none without a relay).
    _digest: Option<Arc<tokio::sync::watch::Sender<()>>>,
    /// Stops the housekeeping task likewise.
    _housekeeping: Arc<tokio::sync::watch::Sender<()>>,
    /// Stops the data-version follower likewise.
    _data_version: Arc<tokio::sync::watch::Sender<()>>,
}

/// Settings fixed at start.
#[derive(Debug)]
pub struct Config {
    /// The address people use, e.g. https://acoge.example.org. Every link in
    /// an email starts with it (never with a request's Host header); over
    /// https, cookies are Secure and `__Host-` and HSTS is sent.
    pub public_url: Option<String>,
    pub cookies: http::cookies::SiteCookies,
    /// Whether to send Strict-Transport-Security (public URL is https).
    pub hsts: bool,
    /// Peers that may set the client address with X-Forwarded-For.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Bounds the password hashes running at once.
    pub passwords: auth::password::PasswordSlots,
    /// Signs CSRF tokens; shared by every instance through the database.
    pub csrf_key: Vec<u8>,
    /// Unit of the delay added to log-ins after repeated failures.
    pub login_delay: Duration,
    /// Sends invitations and reset links when an SMTP relay is configured.
    pub mailer: Option<mail::Mailer>,
    /// Approvals from reviewers of other organizations that publish a practice.
    pub required_approvals: u32,
    /// How long a request may take before it is answered 503 (none: no limit).
    pub request_timeout: Option<Duration>,
}

/// How to start the application.
#[derive(Debug, Clone)]
pub struct Options {
    pub public_url: Option<String>,
    pub login_delay: Duration,
    /// `smtp://host:port` of a relay; None sends no email.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub required_approvals: u32,
    /// Where the search index lives; in memory when none (tests).
    pub search_dir: Option<PathBuf>,
    /// How often the daily digests due are looked for (with a relay only).
    pub digest_check_every: Duration,
    /// Reverse proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<TrustedProxy>,
    /// Password hashes that may run at once (each takes 19 MiB and a core).
    pub password_slots: usize,
    /// How long a log-in waits for a slot before it is answered 503.
    pub password_wait: Duration,
    /// Bytes of memory for anonymous pages (0: no page cache).
    pub page_cache_bytes: u64,
    /// How long a request may take before it is answered 503 (none: no limit).
    pub request_timeout: Option<Duration>,
    /// Build a missing or stale search index before `AppState::new`
    /// returns, rather than in the background after the server listens.
    /// An in-memory index (no `search_dir`) is always built first.
    pub wait_for_search_index: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            public_url: None,
            login_delay: Duration::from_secs(1),
            smtp_url: None,
            mail_from: "Acoge <no-reply@localhost>".to_owned(),
            required_approvals: acoge_domain::practice::DEFAULT_REQUIRED_APPROVALS,
            search_dir: None,
            digest_check_every: Duration::from_secs(300),
            trusted_proxies: Vec::new(),
            password_slots: std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2),
            password_wait: Duration::from_secs(3),
            page_cache_bytes: 64 * 1024 * 1024,
            request_timeout: Some(Duration::from_secs(30)),
            wait_for_search_index: false,
        }
    }
}

impl Options {
    /// The public URL without a trailing slash, if one was given.
    fn public_url(&self) -> Option<String> {
        self.public_url
            .as_deref()
            .map(|url| url.trim().trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty())
    }

    fn smtp_url(&self) -> Option<&str> {
        self.smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|url| !url.is_empty())
    }

    /// Settings that cannot work together, found before anything starts.
    pub fn check(&self) -> Result<(), StartError> {
        let public_url = self.public_url();
        if let Some(url) = &public_url
            && !acoge_domain::provenance::is_web_address(url)
        {
            return Err(StartError::PublicUrl(url.clone()));
        }
        if self.smtp_url().is_some() && public_url.is_none() {
            return Err(StartError::MailWithoutPublicUrl);
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("--public-url must start with http:// or https://, not {0:?}")]
    PublicUrl(String),
    /// Emailed links must not be built from a request's Host header, which
    /// anyone can forge.
    #[error(
        "--smtp-url needs --public-url: links in emails are built only from the public address"
    )]
    MailWithoutPublicUrl,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Randomness(#[from] auth::secrets::RandomnessError),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl StartError {
    /// Whether the settings are at fault (the command line's exit code 2).
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            StartError::PublicUrl(_) | StartError::MailWithoutPublicUrl | StartError::Mail(_)
        )
    }
}

impl AppState {
    pub async fn new(db: Db, options: Options) -> Result<Self, StartError> {
        options.check()?;
        let public_url = options.public_url();
        let mailer = match (options.smtp_url(), &public_url) {
            (Some(url), Some(public_url)) => {
                Some(mail::Mailer::new(url, &options.mail_from, public_url)?)
            }
            _ => None,
        };
        let key = db
            .shared_secret("csrf_key", &auth::secrets::new_secret()?)
            .await?;
        let (search, search_status, follower) = jobs::search::start(
            &db,
            options.search_dir.as_deref(),
            options.wait_for_search_index || options.search_dir.is_none(),
        )
        .await?;
        let (stop_data_version, data_version_stopped) = tokio::sync::watch::channel(());
        let data_version = jobs::data_version::start(&db, data_version_stopped).await?;
        let https = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let config = Arc::new(Config {
            cookies: http::cookies::SiteCookies::new(https),
            hsts: https,
            public_url,
            trusted_proxies: options.trusted_proxies,
            passwords: auth::password::PasswordSlots::new(
                options.password_slots,
                options.password_wait,
            ),
            csrf_key: key.into_bytes(),
            login_delay: options.login_delay,
            mailer,
            required_approvals: options.required_approvals.max(1),
            request_timeout: options.request_timeout,
        });
        let digest = config.mailer.is_some().then(|| {
            let (stop, stopped) = tokio::sync::watch::channel(());
            jobs::digest::spawn(
                db.clone(),
                config.clone(),
                options.digest_check_every,
                stopped,
            );
            Arc::new(stop)
        });
        let (stop_housekeeping, housekeeping_stopped) = tokio::sync::watch::channel(());
        jobs::housekeeping::spawn(db.clone(), housekeeping_stopped);
        let analysis = Arc::new(jobs::analysis::AnalysisCache::start(db.clone()));
        Ok(Self(Arc::new(AppParts {
            db,
            search,
            analysis,
            search_status,
            data_version,
            page_cache: http::page_cache::PageCache::new(options.page_cache_bytes).map(Arc::new),
            read_models: Arc::default(),
            search_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            _data_version: Arc::new(stop_data_version),
            _follower: Arc::new(follower),
            _digest: digest,
            _housekeeping: Arc::new(stop_housekeeping),
            config,
        })))
    }
}

/// The whole application: pages, API, health, assets, and the layers around them.
pub fn app(state: AppState) -> Router {
    let (api_routes, openapi) = api::routes(&state).split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    Router::new()
        .merge(pages::routes())
        .merge(pages::write_routes(&state))
        .merge(api_routes)
        .route(
            "/api/openapi.json",
            get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json,
                )
            }),
        )
        .route("/healthz", get(healthz))
        .merge(render::assets::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(http::auth::guard::BODY_LIMIT))
        // Inside identity: a member's read is answered only once they are
        // who they say, from a page the same for every member.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::page_cache::serve_members,
        ))
        .layer(axum::middleware::from_fn_with_state(
            http::auth::Authentication {
                app: state.clone(),
                writes: http::writes::WriteRoutes {
                    forms: pages::FORM_WRITES,
                    api: api::API_WRITES,
                },
            },
            http::auth::authenticate,
        ))
        // Inside the language (part of the key), outside identity: a
        // visitor's page is answered before any session or CSRF work.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::deadline::limit,
        ))
        .layer(axum::middleware::from_fn(
            http::negotiation::negotiate_language,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::client::identify,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::security::headers,
        ))
        // Answers the page cache does not keep (signed-in pages, the API for
        // a token) are compressed per request, so with what costs least per
        // byte saved: gzip at level 2, zlib-rs's fast deflate (a page of the
        // practices API 10 % larger than at level 4, whose "medium" deflate
        // took 45 % of that answer's time). Brotli, even at quality 5, took
        // a quarter of a signed-in list's time; kept pages carry brotli,
        // compressed once.
        .layer(
            CompressionLayer::new()
                .no_br()
                .quality(CompressionLevel::Precise(2)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span every request's logs belong to: method and path, with one-time
/// secrets (invitation and reset links) replaced and the query left out, so no
/// log level ever holds a usable link.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %http::links::redacted_path(request.uri().path()),
    )
}

/// Any address no route knows: a 404 page (or a JSON 404 under /api/).
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::ApiError::not_found("no such API route").into_response()
    } else {
        http::failure::PageError::not_found().into_response()
    }
}

/// 200 while the database answers, saying whether the search index is
/// still being built (search then answers from what it has: the instance
/// is up, degraded); 503 otherwise.
async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, &'static str) {
    let building = state.search_status.building();
    let computing = state.analysis.position().is_none();
    match app::ping(&state).await {
        Ok(()) if building && computing => (
            StatusCode::OK,
            "ok; degraded: search index building, directory analysis computing\n",
        ),
        Ok(()) if building => (StatusCode::OK, "ok; degraded: search index building\n"),
        Ok(()) if computing => (
            StatusCode::OK,
            "ok; degraded: directory analysis computing\n",
        ),
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY, the last small write of a streamed answer (the
    // end of a body compressed per request) waited for the client's delayed
    // acknowledgement: 40 ms added to signed-in pages and API answers.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set on a connection");
        }
    });
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
