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

/// Text made safe inside an HTML or SVG element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
