//! The write-route tables: every route that changes something is declared
//! once, with the capability it needs, by `form_writes!` (pages) or
//! `guarded!` (API). Each macro builds the routes from its table and puts
//! every one behind its guard (`auth::guard`); the tables themselves
//! (`FORM_WRITES`, `API_WRITES`) sit beside the handlers they name and are
//! handed to `auth::authenticate` as `WriteRoutes`, which refuses any other
//! request that could write.

use acoge_domain::accounts::Capability;
use axum::http::Method;

/// Declares every form route that changes something, with the capability it
/// needs: `FORM_WRITES` (public, so the authorization test walks exactly
/// these) and `write_routes`, the POST routes, each behind the form guard.
macro_rules! form_writes {
    ($($path:literal => $capability:ident => $handler:path),+ $(,)?) => {
        pub const FORM_WRITES: &[(&str, acoge_domain::accounts::Capability)] =
            &[$(($path, acoge_domain::accounts::Capability::$capability)),+];

        /// The POST routes, each behind the form guard with its capability.
        pub fn write_routes(app: &AppState) -> Router<AppState> {
            Router::new()
                $(.route(
                    $path,
                    axum::routing::post($handler).route_layer(axum::middleware::from_fn_with_state(
                        $crate::http::auth::guard::Gate {
                            app: app.clone(),
                            capability: acoge_domain::accounts::Capability::$capability,
                        },
                        $crate::http::auth::guard::form,
                    )),
                ))+
        }
    };
}

/// Declares the API routes that need an identity, with the capability each
/// needs: `API_WRITES` (public, so the authorization test walks this table)
/// and `guarded_routes`, each behind the API guard.
macro_rules! guarded {
    ($($method:literal $path:literal => $capability:ident => $handler:path),+ $(,)?) => {
        pub const API_WRITES: &[(&str, &str, acoge_domain::accounts::Capability)] =
            &[$(($method, $path, acoge_domain::accounts::Capability::$capability)),+];

        fn guarded_routes(app: &AppState) -> OpenApiRouter<AppState> {
            OpenApiRouter::new()
                $(.merge(OpenApiRouter::new().routes(routes!($handler)).route_layer(
                    axum::middleware::from_fn_with_state(
                        $crate::http::auth::guard::Gate {
                            app: app.clone(),
                            capability: acoge_domain::accounts::Capability::$capability,
                        },
                        $crate::http::auth::guard::api,
                    ),
                )))+
        }
    };
}

pub(crate) use {form_writes, guarded};

/// Both tables, as `authenticate` needs them.
#[derive(Debug, Clone, Copy)]
pub struct WriteRoutes {
    /// Form routes (all POST): path and capability.
    pub forms: &'static [(&'static str, Capability)],
    /// API routes: method, path and capability.
    pub api: &'static [(&'static str, &'static str, Capability)],
}

impl WriteRoutes {
    /// Whether the route matched as `path` with `method` is in a table.
    pub fn guard(&self, method: &Method, path: &str) -> bool {
        self.forms.iter().any(|(p, _)| *p == path)
            || self
                .api
                .iter()
                .any(|(m, p, _)| *p == path && *m == method.as_str())
    }
}
