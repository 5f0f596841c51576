//! Server-rendered pages. Each works with JavaScript off, speaks the request's
//! language and shows every fact with its source and verification. Handlers
//! here are adapters: they read the request (`Ctx`, the path, the form), call
//! the use case or read model in `app`, and render a template.

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

pub use crate::{
    http::{
        ctx::Ctx,
        failure::{PageError, PageFailure, PageResult},
    },
    render::chrome::Chrome,
};
pub use form::FormData;

use crate::{AppState, http::writes::form_writes};
use askama::Template;
use axum::{Router, response::Html, routing::get};

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

// Every form route that changes something, with the capability it needs; the
// authorization test walks exactly these (`http::writes`).
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
    // `app::discussions::thread_moderator` decides past the guard.
    "/discusiones/{id}/estado" => Contribute => discussions::set_status,
    "/discusiones/{id}/relatoria/editar" => Contribute => discussions::save_synthesis,
    "/contribuciones/{id}/senalar" => Contribute => discussions::flag,
    "/contribuciones/{id}/moderar" => Contribute => discussions::moderate,
}

/// A template as a page.
pub fn render(template: &impl Template) -> PageResult {
    Ok(Html(template.render()?))
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
