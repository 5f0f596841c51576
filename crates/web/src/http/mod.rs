//! The HTTP plumbing pages and the API stand on: middleware (who is asking,
//! the client's address, the reader's language, security headers), the write
//! guard and CSRF, extractors and what they hand to handlers (`Ctx`, ids in
//! the path, query parameters and the shared filters), cookies, safe links,
//! and the two translations of `AppError`: the page failures the language
//! middleware renders, and the API's JSON error answers. It calls `app` (session and
//! token lookups, rate limits) and `render`, never a handler.

pub mod api_error;
pub mod auth;
pub mod client;
pub mod cookies;
pub mod ctx;
pub mod deadline;
pub mod failure;
pub mod filters;
pub mod ids;
pub mod links;
pub mod negotiation;
pub mod page_cache;
pub mod params;
pub mod security;
pub mod token_holes;
pub mod writes;
