//! Server-rendered pages. Each works with JavaScript off, speaks the request's
//! language and shows every fact with its source and verification.

mod about;
mod account;
mod alliances;
mod audit;
mod community;
mod coverage;
mod discussions;
mod event_form;
mod event_registration;
mod events;
mod form;
mod geo;
mod harmonization;
mod home;
mod invitations;
mod legal;
mod legal_records;
mod members;
mod organizations;
mod practices;
mod responsibilities;
mod search;
mod services;

pub use form::FormData;
pub use harmonization::rows as harmonization_rows;

use crate::{
    AppState,
    assets::stylesheet_path,
    auth::{RequestAuth, csrf, guard},
    i18n::Tr,
    params::ParamError,
};
use acoge_domain::{
    Lang,
    accounts::{Actor, Capability, Denied, MemberIdentity, authorize},
};
use acoge_store::StoreError;
use askama::Template;
use axum::{
    Router,
    extract::FromRequestParts,
    http::{StatusCode, Uri, request::Parts},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/estados", get(geo::states))
        .route("/estados/{cve_ent}", get(geo::state))
        .route("/municipios", get(geo::municipalities))
        .route("/municipios/{cvegeo}", get(geo::municipality))
        .route(
            "/municipios/{cvegeo}/mandato",
            get(responsibilities::municipality_mandate),
        )
        .route("/organizaciones", get(organizations::list))
        .route("/organizaciones/{id}", get(organizations::show))
        .route("/organizaciones/{id}/editar", get(organizations::edit_form))
        .route("/servicios", get(services::list))
        .route("/servicios.csv", get(services::csv))
        .route(
            "/organizaciones/{id}/servicios/nuevo",
            get(services::new_form),
        )
        .route("/servicios/{id}/editar", get(services::edit_form))
        .route("/municipios/{cvegeo}/servicios", get(services::near))
        .route(
            "/municipios/{cvegeo}/aliados-posibles",
            get(coverage::suggestions),
        )
        .route(
            "/municipios/{cvegeo}/ubicacion.svg",
            get(coverage::locator_svg),
        )
        .route("/alianzas", get(alliances::list))
        .route("/alianzas/nueva", get(alliances::new_form))
        .route("/red", get(alliances::network))
        .route("/red.svg", get(alliances::network_svg))
        .route("/mapa", get(alliances::directory_map))
        .route("/mapa.svg", get(alliances::directory_map_svg))
        .route("/eventos", get(events::list))
        .route("/eventos/nuevo", get(event_form::new_form))
        .route("/eventos/{id}", get(events::show))
        .route("/eventos/{id}/relatoria", get(discussions::event_synthesis))
        .route(
            "/eventos/{id}/relatoria.md",
            get(discussions::event_synthesis_markdown),
        )
        .route(
            "/eventos/{id}/relatoria.html",
            get(discussions::event_synthesis_html),
        )
        .route("/discusiones", get(discussions::list))
        .route("/grupos", get(community::list))
        .route("/grupos/nuevo", get(community::new_form))
        .route("/grupos/{slug}", get(community::show))
        .route("/grupos/{slug}/calendario.ics", get(community::calendar))
        .route("/grupos/{slug}/editar", get(community::edit_form))
        .route("/marco-de-colaboracion", get(community::framework))
        .route(
            "/marco-de-colaboracion/editar",
            get(community::edit_framework_form),
        )
        .route("/discusiones/{id}", get(discussions::show))
        .route(
            "/discusiones/{id}/relatoria/editar",
            get(discussions::edit_synthesis_form),
        )
        .route("/moderacion", get(discussions::queue))
        .route("/eventos/{id}/editar", get(event_form::edit_form))
        .route("/eventos/{id}/calendario.ics", get(events::calendar))
        .route(
            "/eventos/{id}/asistencia",
            get(event_registration::attendance_form),
        )
        .route("/marco-legal", get(legal::show))
        .route(
            "/marco-legal/instrumentos/nuevo",
            get(legal_records::new_instrument_form),
        )
        .route(
            "/marco-legal/instrumentos/{id}",
            get(legal_records::show_instrument),
        )
        .route(
            "/marco-legal/instrumentos/{id}/editar",
            get(legal_records::edit_instrument_form),
        )
        .route(
            "/marco-legal/instrumentos/{id}/disposiciones/nueva",
            get(legal_records::new_provision_form),
        )
        .route(
            "/marco-legal/disposiciones/{id}",
            get(legal_records::show_provision),
        )
        .route(
            "/marco-legal/disposiciones/{id}/editar",
            get(legal_records::edit_provision_form),
        )
        .route("/acerca", get(about::show))
        .route("/entrar", get(account::login_form))
        .route("/recuperar", get(account::recover))
        .route("/cuenta", get(account::show))
        .route("/cuenta/datos", get(account::export))
        .route("/invitaciones", get(invitations::list))
        .route("/invitacion/{token}", get(invitations::accept_form))
        .route("/restablecer/{token}", get(members::reset_form))
        .route("/miembros", get(members::list))
        .route("/auditoria", get(audit::show))
        .route("/practicas", get(practices::list))
        .route("/practicas/nueva", get(practices::new_form))
        .route("/practicas/{id}", get(practices::show))
        .route("/practicas/{id}/editar", get(practices::edit_form))
        .route("/practicas/{id}/revisar", get(practices::review_form))
        .route("/practicas/{id}/historial", get(practices::history))
        .route("/mis-practicas", get(practices::mine))
        .route("/notificaciones", get(practices::notifications))
        .route("/criterios", get(practices::criteria))
        .route("/armonizacion", get(harmonization::show))
        .route("/responsabilidades", get(responsibilities::show))
        .route(
            "/responsabilidades/{right}/{level}",
            get(responsibilities::cell),
        )
        .route("/buscar", get(search::show))
        .route("/armonizacion/mapa.svg", get(harmonization::map_svg))
}

/// Declares every form route that changes something, with the capability it
/// needs. The table is public so the authorization test walks exactly these.
macro_rules! form_writes {
    ($($path:literal => $capability:ident => $handler:path),+ $(,)?) => {
        pub const FORM_WRITES: &[(&str, Capability)] = &[$(($path, Capability::$capability)),+];

        /// The POST routes, each behind the form guard with its capability.
        pub fn write_routes(app: &AppState) -> Router<AppState> {
            Router::new()
                $(.route(
                    $path,
                    post($handler).route_layer(axum::middleware::from_fn_with_state(
                        guard::Gate { app: app.clone(), capability: Capability::$capability },
                        guard::form,
                    )),
                ))+
        }
    };
}

form_writes! {
    "/entrar" => Anyone => account::login,
    "/recuperar" => Anyone => account::request_reset,
    "/salir" => OwnAccount => account::logout,
    "/salir/todas" => OwnAccount => account::logout_everywhere,
    "/cuenta/contrasena" => OwnAccount => account::change_password,
    "/cuenta/tokens" => OwnAccount => account::create_token,
    "/cuenta/resumen" => OwnAccount => account::set_digest,
    "/cuenta/tokens/{id}/revocar" => OwnAccount => account::revoke_token,
    "/cuenta/eliminar" => OwnAccount => account::delete,
    "/invitaciones" => InviteMembers => invitations::create,
    "/invitacion/{token}" => Anyone => invitations::accept,
    "/invitacion/{token}/renovar" => Anyone => invitations::request_renewal,
    "/restablecer/{token}" => Anyone => members::reset,
    "/miembros/{id}/rol" => ManageMembers => members::change_role,
    "/miembros/{id}/restablecer" => InviteMembers => members::issue_reset,
    "/miembros/{id}/sesiones/cerrar" => InviteMembers => members::end_sessions,
    "/invitaciones/{id}/revocar" => InviteMembers => invitations::revoke,
    "/practicas/nueva" => Contribute => practices::create,
    "/practicas/{id}/editar" => Contribute => practices::edit,
    "/practicas/{id}/enviar" => Contribute => practices::submit,
    "/practicas/{id}/respuesta" => Contribute => practices::reply,
    "/practicas/{id}/revisar" => Review => practices::review,
    "/notificaciones/leidas" => OwnAccount => practices::mark_notifications_read,
    "/eventos/nuevo" => Moderate => event_form::create,
    "/eventos/{id}/editar" => Moderate => event_form::edit,
    "/eventos/{id}/inscripcion" => OwnAccount => event_registration::register,
    "/eventos/{id}/inscripcion/cancelar" => OwnAccount => event_registration::cancel,
    "/eventos/{id}/asistencia" => Moderate => event_registration::record_attendance,
    "/marco-legal/instrumentos/nuevo" => Moderate => legal_records::create_instrument,
    "/marco-legal/instrumentos/{id}/editar" => Moderate => legal_records::edit_instrument,
    "/marco-legal/instrumentos/{id}/verificar" => Moderate => legal_records::verify_instrument,
    "/marco-legal/instrumentos/{id}/disposiciones/nueva" => Moderate => legal_records::create_provision,
    "/marco-legal/disposiciones/{id}/editar" => Moderate => legal_records::edit_provision,
    "/marco-legal/disposiciones/{id}/verificar" => Moderate => legal_records::verify_provision,
    "/discusiones/{id}/contribuciones" => Contribute => discussions::contribute,
    "/organizaciones/{id}/editar" => Contribute => organizations::edit,
    "/organizaciones/{id}/verificar" => Moderate => organizations::verify,
    "/alianzas/nueva" => Contribute => alliances::create,
    "/grupos/nuevo" => ManageMembers => community::create,
    "/grupos/{slug}/unirse" => Contribute => community::join,
    "/grupos/{slug}/moderacion" => ManageMembers => community::moderator,
    "/grupos/{slug}/editar" => ManageMembers => community::update,
    "/grupos/{slug}/salir" => Contribute => community::leave,
    "/marco-de-colaboracion/editar" => ManageMembers => community::publish_framework,
    "/marco-de-colaboracion/aceptar" => Contribute => community::accept,
    "/organizaciones/{id}/servicios/nuevo" => Contribute => services::create,
    "/servicios/{id}/editar" => Contribute => services::edit,
    // Site moderators and the moderators of the thread's working group:
    // `discussions::thread_moderator` decides past the guard.
    "/discusiones/{id}/estado" => Contribute => discussions::set_status,
    "/discusiones/{id}/relatoria/editar" => Contribute => discussions::save_synthesis,
    "/contribuciones/{id}/senalar" => Contribute => discussions::flag,
    "/contribuciones/{id}/moderar" => Contribute => discussions::moderate,
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
    /// The signed-in member's name, for the header.
    pub account: Option<String>,
    /// Whether this page is the member's own account page.
    pub account_current: bool,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Sections of the main navigation: (section, address, message key).
const SECTIONS: [(&str, &str, &str); 10] = [
    ("home", "/", "nav-home"),
    ("practices", "/practicas", "nav-practices"),
    ("states", "/estados", "nav-states"),
    ("municipalities", "/municipios", "nav-municipalities"),
    ("organizations", "/organizaciones", "nav-organizations"),
    ("events", "/eventos", "nav-events"),
    ("legal", "/marco-legal", "nav-legal"),
    (
        "responsibilities",
        "/responsabilidades",
        "nav-responsibilities",
    ),
    ("harmonization", "/armonizacion", "nav-harmonization"),
    ("about", "/acerca", "nav-about"),
];

/// The request's language, address and identity, for handlers.
pub struct Ctx {
    pub tr: Tr,
    uri: Uri,
    pub auth: RequestAuth,
    config: std::sync::Arc<crate::Config>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        Ok(Self {
            tr: Tr::new(lang),
            uri: parts.uri.clone(),
            auth: parts
                .extensions
                .get::<RequestAuth>()
                .cloned()
                .unwrap_or_else(RequestAuth::anonymous),
            config: state.config.clone(),
        })
    }
}

impl Ctx {
    pub fn chrome(&self, title: String, section: &'static str) -> Chrome {
        let mut chrome = chrome(self.tr, &self.uri, title, section);
        chrome.account = self.member().map(|m| m.display_name.clone());
        chrome
    }

    pub fn raw_query(&self) -> Option<&str> {
        self.uri.query()
    }

    pub fn actor(&self) -> &Actor {
        &self.auth.actor
    }

    pub fn member(&self) -> Option<&MemberIdentity> {
        self.auth.actor.member()
    }

    /// The hidden field value for this request's forms.
    pub fn csrf(&self) -> String {
        csrf::token(
            &self.config.csrf_key,
            &self.auth.csrf_nonce,
            self.auth.session_hash.as_deref(),
        )
    }

    /// For pages that only some may see: sends visitors to sign in first.
    pub fn require(&self, capability: Capability) -> Result<&MemberIdentity, PageError> {
        match authorize(&self.auth.actor, capability) {
            Ok(()) => self
                .member()
                .ok_or(PageError::Failure(PageFailure::Forbidden)),
            Err(Denied::NotSignedIn) => {
                Err(PageError::SignIn(crate::links::self_path(self.uri.path())))
            }
            Err(Denied::Forbidden) => Err(PageError::Failure(PageFailure::Forbidden)),
        }
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
        switch_href: format!("{}?{query}", crate::links::self_path(uri.path())),
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
        account: None,
        account_current: section == "account",
    }
}

/// Why a page could not be shown; the language middleware renders it.
#[derive(Debug, Clone)]
pub enum PageFailure {
    NotFound,
    BadParameter(ParamError),
    Forbidden,
    TooLarge,
    TooManyRequests,
    TooManyLogins,
    /// Every password slot is busy: try again in a few seconds (503).
    Busy,
    /// A form came without a valid CSRF token: shown again with what was typed.
    CsrfRejected {
        action: String,
        token: String,
        fields: Vec<(String, String)>,
    },
    Internal,
}

impl PageFailure {
    pub fn status(&self) -> StatusCode {
        match self {
            PageFailure::NotFound => StatusCode::NOT_FOUND,
            PageFailure::BadParameter(_) => StatusCode::BAD_REQUEST,
            PageFailure::Forbidden | PageFailure::CsrfRejected { .. } => StatusCode::FORBIDDEN,
            PageFailure::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            PageFailure::TooManyRequests | PageFailure::TooManyLogins => {
                StatusCode::TOO_MANY_REQUESTS
            }
            PageFailure::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            PageFailure::Busy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

/// A handler's error: a failure page, or a detour to sign in.
#[derive(Debug)]
pub enum PageError {
    Failure(PageFailure),
    /// Sign in first, then come back to this path.
    SignIn(String),
}

impl PageError {
    pub fn not_found() -> Self {
        Self::Failure(PageFailure::NotFound)
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal failure while handling a page");
        Self::Failure(PageFailure::Internal)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

impl From<crate::auth::password::PasswordWorkError> for PageError {
    fn from(error: crate::auth::password::PasswordWorkError) -> Self {
        match error {
            crate::auth::password::PasswordWorkError::Busy(_) => Self::Failure(PageFailure::Busy),
            other => Self::internal(other),
        }
    }
}

impl From<crate::auth::password::Busy> for PageError {
    fn from(_: crate::auth::password::Busy) -> Self {
        Self::Failure(PageFailure::Busy)
    }
}

impl From<ParamError> for PageError {
    fn from(error: ParamError) -> Self {
        Self::Failure(PageFailure::BadParameter(error))
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Failure(failure) => {
                let mut response = failure.status().into_response();
                let retry_after = match failure {
                    PageFailure::Busy => {
                        Some(crate::auth::password::PasswordSlots::RETRY_AFTER_SECS)
                    }
                    PageFailure::TooManyRequests => Some(60),
                    _ => None,
                };
                if let Some(seconds) = retry_after {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, seconds.into());
                }
                response.extensions_mut().insert(failure);
                response
            }
            PageError::SignIn(path) => {
                let target = serde_urlencoded::to_string([("siguiente", path)]).unwrap_or_default();
                Redirect::to(&format!("/entrar?{target}")).into_response()
            }
        }
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

#[derive(Template)]
#[template(path = "resubmit.html")]
struct ResubmitPage<'a> {
    chrome: Chrome,
    action: &'a str,
    token: &'a str,
    fields: &'a [(String, String)],
}

/// The error page in the request's language.
pub fn render_failure(lang: Lang, uri: &Uri, failure: &PageFailure) -> Response {
    let tr = Tr::new(lang);
    if let PageFailure::CsrfRejected {
        action,
        token,
        fields,
    } = failure
    {
        let page = ResubmitPage {
            chrome: chrome(tr, uri, tr.t("error-csrf-title"), ""),
            action,
            token,
            fields,
        };
        return match page.render() {
            Ok(html) => Html(html).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    }
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
        PageFailure::Forbidden => (tr.t("error-forbidden-title"), tr.t("error-forbidden")),
        PageFailure::TooLarge => (tr.t("error-too-large-title"), tr.t("error-too-large")),
        PageFailure::TooManyRequests => (tr.t("error-too-many-title"), tr.t("error-too-many")),
        PageFailure::TooManyLogins => (tr.t("error-too-many-title"), tr.t("error-too-many-logins")),
        PageFailure::Busy => (tr.t("error-busy-title"), tr.t("error-busy")),
        PageFailure::CsrfRejected { .. } | PageFailure::Internal => {
            (tr.t("error-internal-title"), tr.t("error-internal"))
        }
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
