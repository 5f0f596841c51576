//! Which language a request is answered in: `?lang=` (remembered in a
//! cookie), then the cookie, then Accept-Language, then Spanish. The same
//! middleware renders the error pages, because it knows the language.

use super::failure::{PageFailure, render_failure};
use acoge_domain::Lang;
use axum::{
    extract::Request,
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

const COOKIE: &str = "acoge_lang";

fn from_query(query: Option<&str>) -> Option<Lang> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query?)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "lang")
        .and_then(|(_, value)| Lang::from_tag(&value))
}

fn from_cookie(request: &Request) -> Option<Lang> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == COOKIE).then(|| Lang::from_tag(value)).flatten()
        })
}

fn from_accept_language(request: &Request) -> Option<Lang> {
    request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
}

pub async fn negotiate_language(mut request: Request, next: Next) -> Response {
    let asked = from_query(request.uri().query());
    let remembered = from_cookie(&request);
    let lang = asked
        .or(remembered)
        .or_else(|| from_accept_language(&request))
        .unwrap_or_default();
    let uri = request.uri().clone();
    request.extensions_mut().insert(lang);
    let mut response = next.run(request).await;
    if let Some(failure) = response.extensions_mut().remove::<PageFailure>() {
        let status = response.status();
        let mut rendered = render_failure(lang, &uri, &failure).into_response();
        *rendered.status_mut() = status;
        // Headers set with the failure (Retry-After, cookies) stay.
        for name in [
            header::RETRY_AFTER,
            header::SET_COOKIE,
            header::WWW_AUTHENTICATE,
        ] {
            for value in response.headers().get_all(&name) {
                rendered.headers_mut().append(name.clone(), value.clone());
            }
        }
        response = rendered;
    }
    let headers = response.headers_mut();
    if let Some(lang) = asked.filter(|l| Some(*l) != remembered) {
        let cookie = format!(
            "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    headers.append(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    response
}
