//! The style sheet, compiled into the binary and served with a content hash
//! in its address so browsers can keep it for a year.

use crate::AppState;
use axum::{
    Router,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use std::sync::OnceLock;

pub const STYLESHEET: &str = include_str!("../../static/acoge.css");

/// `/static/acoge.<hash>.css`, the address pages link to.
pub fn stylesheet_path() -> &'static str {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        // FNV-1a: a stable fingerprint, not a security measure.
        let hash = STYLESHEET.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        format!("/static/acoge.{:08x}.css", hash as u32)
    })
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{file}", get(stylesheet))
}

async fn stylesheet(axum::extract::Path(file): axum::extract::Path<String>) -> impl IntoResponse {
    if format!("/static/{file}") != stylesheet_path() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        STYLESHEET,
    )
        .into_response()
}
