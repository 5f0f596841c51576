//! Acoge's HTTP surface: server-rendered pages (askama, Fluent, no JavaScript
//! needed), the JSON API under `/api/v1/` with its OpenAPI document, health
//! and static assets. Handlers parse and validate input into domain types,
//! call the store (reads) or the domain rules (writes), and render.

mod api;
mod assets;
pub mod auth;
mod community;
mod cookies;
mod digest;
mod directory;
mod discussions;
mod event_edits;
mod format;
pub mod i18n;
mod legal_changes;
pub mod mail;
mod map;
mod markdown;
mod negotiation;
mod network_svg;
mod pages;
mod params;
mod practices;
mod search;
mod security;
mod services;

pub use api::API_WRITES;
pub use pages::FORM_WRITES;
pub use search::FluentLabels;

use acoge_search::{SearchError, SearchIndex};
use acoge_store::{Db, StoreError};
use axum::{Router, extract::DefaultBodyLimit, http::StatusCode, routing::get};
use std::{future::Future, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub search: Arc<SearchIndex>,
    /// The directory's analyses, recomputed when the outbox moves.
    pub analysis: Arc<directory::AnalysisCache>,
    /// Stops the search follower when the last clone of the state is dropped.
    _follower: Arc<tokio::sync::watch::Sender<bool>>,
    /// Stops the daily digest task likewise (none without a relay).
    _digest: Option<Arc<tokio::sync::watch::Sender<()>>>,
}

/// Settings fixed at start.
#[derive(Debug)]
pub struct Config {
    /// The address people use, e.g. https://acoge.example.org; links in
    /// invitations start with it, and cookies are Secure when it is https.
    pub public_url: Option<String>,
    pub secure_cookies: bool,
    /// Signs CSRF tokens; shared by every instance through the database.
    pub csrf_key: Vec<u8>,
    /// Unit of the delay added to log-ins after repeated failures.
    pub login_delay: Duration,
    /// Sends invitations and reset links when an SMTP relay is configured.
    pub mailer: Option<mail::Mailer>,
    /// Approvals from reviewers of other organizations that publish a practice.
    pub required_approvals: u32,
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
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("--public-url must start with http:// or https://, not {0:?}")]
    PublicUrl(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Randomness(#[from] auth::secrets::RandomnessError),
    #[error(transparent)]
    Mail(#[from] mail::MailError),
    #[error(transparent)]
    Search(#[from] SearchError),
}

impl AppState {
    pub async fn new(db: Db, options: Options) -> Result<Self, StartError> {
        let public_url = options
            .public_url
            .map(|url| url.trim_end_matches('/').to_owned())
            .filter(|url| !url.is_empty());
        if let Some(url) = &public_url
            && !acoge_domain::provenance::is_web_address(url)
        {
            return Err(StartError::PublicUrl(url.clone()));
        }
        let mailer = match &options.smtp_url {
            Some(url) if !url.trim().is_empty() => {
                Some(mail::Mailer::new(url.trim(), &options.mail_from)?)
            }
            _ => None,
        };
        let key = db
            .shared_secret("csrf_key", &auth::secrets::new_secret()?)
            .await?;
        let (search, follower) = search::start(&db, options.search_dir.as_deref()).await?;
        let config = Arc::new(Config {
            secure_cookies: public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
            public_url,
            csrf_key: key.into_bytes(),
            login_delay: options.login_delay,
            mailer,
            required_approvals: options.required_approvals.max(1),
        });
        let digest = config.mailer.is_some().then(|| {
            let (stop, stopped) = tokio::sync::watch::channel(());
            digest::spawn(
                db.clone(),
                config.clone(),
                options.digest_check_every,
                stopped,
            );
            Arc::new(stop)
        });
        Ok(Self {
            db,
            search,
            analysis: Arc::default(),
            _follower: Arc::new(follower),
            _digest: digest,
            config,
        })
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
        .merge(assets::routes())
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(auth::guard::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::middleware::from_fn(negotiation::negotiate_language))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> StatusCode {
    match state.db.ping().await {
        Ok(()) => StatusCode::OK,
        Err(e) => {
            tracing::warn!(error = %e, "health check: database does not answer");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
