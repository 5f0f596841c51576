//! Server-rendered pages. Each works with JavaScript off, speaks the request's
//! language and shows every fact with its source and verification.

mod about;
mod events;
mod geo;
mod home;
mod legal;
mod organizations;

use crate::{AppState, assets::stylesheet_path, i18n::Tr, params::ParamError};
use acoge_domain::Lang;
use acoge_store::StoreError;
use askama::Template;
use axum::{
    Router,
    extract::FromRequestParts,
    http::{StatusCode, Uri, request::Parts},
    response::{Html, IntoResponse, Response},
    routing::get,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/estados", get(geo::states))
        .route("/estados/{cve_ent}", get(geo::state))
        .route("/municipios", get(geo::municipalities))
        .route("/municipios/{cvegeo}", get(geo::municipality))
        .route("/organizaciones", get(organizations::list))
        .route("/organizaciones/{id}", get(organizations::show))
        .route("/eventos", get(events::list))
        .route("/eventos/{id}", get(events::show))
        .route("/marco-legal", get(legal::show))
        .route("/acerca", get(about::show))
}

/// What the layout of every page needs.
pub struct Chrome {
    pub tr: Tr,
    pub title: String,
    /// The same page in the other language.
    pub switch_href: String,
    pub stylesheet: &'static str,
    /// The main navigation, with the current section marked.
    pub nav: Vec<NavItem>,
    /// The code of the other language, for the switch link's `lang`.
    pub other_lang: &'static str,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Sections of the main navigation: (section, address, message key).
const SECTIONS: [(&str, &str, &str); 7] = [
    ("home", "/", "nav-home"),
    ("states", "/estados", "nav-states"),
    ("municipalities", "/municipios", "nav-municipalities"),
    ("organizations", "/organizaciones", "nav-organizations"),
    ("events", "/eventos", "nav-events"),
    ("legal", "/marco-legal", "nav-legal"),
    ("about", "/acerca", "nav-about"),
];

/// The request's language and address, for handlers.
pub struct Ctx {
    pub tr: Tr,
    uri: Uri,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        Ok(Self {
            tr: Tr::new(lang),
            uri: parts.uri.clone(),
        })
    }
}

impl Ctx {
    pub fn chrome(&self, title: String, section: &'static str) -> Chrome {
        chrome(self.tr, &self.uri, title, section)
    }

    pub fn raw_query(&self) -> Option<&str> {
        self.uri.query()
    }
}

fn chrome(tr: Tr, uri: &Uri, title: String, section: &'static str) -> Chrome {
    let other = match tr.lang {
        Lang::Es => Lang::En,
        Lang::En => Lang::Es,
    };
    let mut pairs: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    pairs.retain(|(name, _)| name != "lang");
    pairs.push(("lang".to_owned(), other.code().to_owned()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Chrome {
        tr,
        title,
        switch_href: format!("{}?{query}", uri.path()),
        stylesheet: stylesheet_path(),
        nav: SECTIONS
            .iter()
            .map(|(name, href, key)| NavItem {
                href,
                label: tr.t(key),
                current: *name == section,
            })
            .collect(),
        other_lang: other.code(),
    }
}

/// Why a page could not be shown; the language middleware renders it.
#[derive(Debug, Clone)]
pub enum PageFailure {
    NotFound,
    BadParameter(ParamError),
    Internal,
}

/// A handler's error: turned into a status plus a `PageFailure` extension.
#[derive(Debug)]
pub struct PageError(PageFailure);

impl PageError {
    pub fn not_found() -> Self {
        Self(PageFailure::NotFound)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "store failure while rendering a page");
        Self(PageFailure::Internal)
    }
}

impl From<ParamError> for PageError {
    fn from(error: ParamError) -> Self {
        Self(PageFailure::BadParameter(error))
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        tracing::error!(%error, "template failure");
        Self(PageFailure::Internal)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match self.0 {
            PageFailure::NotFound => StatusCode::NOT_FOUND,
            PageFailure::BadParameter(_) => StatusCode::BAD_REQUEST,
            PageFailure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(self.0);
        response
    }
}

pub type PageResult = Result<Html<String>, PageError>;

pub fn render(template: &impl Template) -> PageResult {
    Ok(Html(template.render()?))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    message: String,
}

/// The error page in the request's language.
pub fn render_failure(lang: Lang, uri: &Uri, failure: &PageFailure) -> Response {
    let tr = Tr::new(lang);
    let (title, message) = match failure {
        PageFailure::NotFound => (tr.t("error-not-found-title"), tr.t("error-not-found")),
        PageFailure::BadParameter(e) => (
            tr.t("error-bad-request-title"),
            tr.with(
                "error-bad-parameter",
                &[
                    ("name", e.name.clone().into()),
                    ("reason", e.reason.clone().into()),
                ],
            ),
        ),
        PageFailure::Internal => (tr.t("error-internal-title"), tr.t("error-internal")),
    };
    let page = ErrorPage {
        chrome: chrome(tr, uri, title, ""),
        message,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Any address no route knows: a 404 page (or a JSON 404 under /api/).
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::ApiError::not_found("no such API route").into_response()
    } else {
        PageError::not_found().into_response()
    }
}

/// Previous/next links that keep the other filters.
pub struct Pager {
    pub page: u32,
    pub pages: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(path: &str, filters: &[(&str, String)], page: u32, pages: u64) -> Self {
        let link = |target: u32| {
            let mut pairs: Vec<(&str, String)> = filters
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .cloned()
                .collect();
            pairs.push(("page", target.to_string()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&pairs).unwrap_or_default()
            )
        };
        Self {
            page,
            pages,
            previous: (page > 1).then(|| link(page - 1)),
            next: (u64::from(page) < pages).then(|| link(page + 1)),
        }
    }
}
