//! Reading and writing the few cookies Acoge sets. Served over HTTPS (a
//! `--public-url` starting with https://), the session and CSRF cookies carry
//! the `__Host-` prefix: browsers then accept them only when Secure, for the
//! whole site and from this very host, so a sibling subdomain cannot plant one.

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

/// The site's cookie settings, fixed at start.
#[derive(Debug, Clone, Copy)]
pub struct SiteCookies {
    secure: bool,
}

impl SiteCookies {
    pub fn new(secure: bool) -> Self {
        Self { secure }
    }

    pub fn session(&self) -> &'static str {
        if self.secure {
            "__Host-acoge_session"
        } else {
            "acoge_session"
        }
    }

    pub fn csrf(&self) -> &'static str {
        if self.secure {
            "__Host-acoge_csrf"
        } else {
            "acoge_csrf"
        }
    }

    /// A `Set-Cookie` value: HttpOnly and `Path=/` always, Secure over HTTPS.
    pub fn set(
        &self,
        name: &str,
        value: &str,
        max_age_secs: i64,
        same_site: SameSite,
    ) -> Option<HeaderValue> {
        let same_site = match same_site {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
        };
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}"
        ))
        .ok()
    }

    /// A `Set-Cookie` value that removes the cookie.
    pub fn clear(&self, name: &str) -> Option<HeaderValue> {
        self.set(name, "", 0, SameSite::Lax)
    }
}
