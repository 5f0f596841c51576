//! Acoge's HTTP surface: server-rendered pages (askama, Fluent, no JavaScript
//! needed), the JSON API under `/api/v1/` with its OpenAPI document, health
//! and static assets. Handlers parse and validate input into domain types,
//! call the store (reads) or the domain rules (writes), and render.

mod api;
mod assets;
mod format;
pub mod i18n;
mod negotiation;
mod pages;
mod params;
mod security;

use acoge_store::Db;
use axum::{Router, http::StatusCode, routing::get};
use std::{future::Future, time::Duration};
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
}

/// The whole application: pages, API, health, assets, and the layers around them.
pub fn app(state: AppState) -> Router {
    let (api_routes, openapi) = api::routes().split_for_parts();
    let openapi_json = openapi.to_pretty_json().unwrap_or_else(|_| "{}".to_owned());
    Router::new()
        .merge(pages::routes())
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

/// The OpenAPI document of the API, as served at `/api/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    api::routes().split_for_parts().1
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
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}
