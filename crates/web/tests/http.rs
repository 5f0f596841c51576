//! The web surface through real HTTP, on SQLite and (when
//! ACOGE_TEST_DATABASE_URL is set) PostgreSQL: each test starts an
//! application of its own, over a database of its own holding the reference
//! data, loaded through the same importer `acoge serve` uses (see
//! `http/common.rs`). One test binary, one module per topic.

#[path = "http/common.rs"]
mod common;

#[path = "http/accounts.rs"]
mod accounts;
#[path = "http/analysis_scale.rs"]
mod analysis_scale;
#[path = "http/community.rs"]
mod community;
#[path = "http/directory_api.rs"]
mod directory_api;
#[path = "http/directory_pages.rs"]
mod directory_pages;
#[path = "http/discussions.rs"]
mod discussions;
#[path = "http/events.rs"]
mod events;
#[path = "http/i18n.rs"]
mod i18n;
#[path = "http/legal.rs"]
mod legal;
#[path = "http/lists_scale.rs"]
mod lists_scale;
#[path = "http/mail.rs"]
mod mail;
#[path = "http/page_cache.rs"]
mod page_cache;
#[path = "http/practices.rs"]
mod practices;
#[path = "http/races.rs"]
mod races;
#[path = "http/search.rs"]
mod search;
#[path = "http/security.rs"]
mod security;
#[path = "http/site.rs"]
mod site;
