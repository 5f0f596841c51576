//! The API's error answers. They are built by `http::api_error`, shared with
//! the middleware in front of the API (authentication, the write guard, the
//! path extractors), from `AppError` (`app::error`, whose module doc lists
//! every `code` and when it is answered).

pub use crate::http::api_error::{ApiError, ApiResult, ErrorBody};
