//! Turning data into what people read: interface text in two languages
//! (Fluent), numbers and dates, sanitized Markdown, SVG maps and the alliance
//! network, search snippets, the frame every page shares, and the style sheet.
//! Pure functions of their input: nothing here reads the store, the request or
//! the clock, so any layer may use it.

pub mod assets;
pub mod chrome;
pub mod format;
pub mod hits;
pub mod i18n;
pub mod map;
pub mod markdown;
pub mod network_svg;
