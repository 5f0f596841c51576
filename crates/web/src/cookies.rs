//! Reading and writing the few cookies Acoge sets.

use axum::http::{HeaderMap, HeaderValue, header};

pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (n, value) = pair.trim().split_once('=')?;
            (n == name && !value.is_empty()).then_some(value)
        })
}

#[derive(Debug, Clone, Copy)]
pub enum SameSite {
    Lax,
    Strict,
}

/// A `Set-Cookie` value: HttpOnly always, Secure when served over HTTPS.
pub fn set(
    name: &str,
    value: &str,
    max_age_secs: i64,
    same_site: SameSite,
    secure: bool,
) -> Option<HeaderValue> {
    let same_site = match same_site {
        SameSite::Lax => "Lax",
        SameSite::Strict => "Strict",
    };
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}"
    ))
    .ok()
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str, secure: bool) -> Option<HeaderValue> {
    set(name, "", 0, SameSite::Lax, secure)
}
