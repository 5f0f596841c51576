//! `acoge serve`: bind, serve, and stop gracefully on Ctrl-C or SIGTERM.

use crate::cli::Failure;
use acoge_store::Db;
use acoge_web::{AppState, Options};
use std::net::SocketAddr;

pub async fn run(db: Db, addr: SocketAddr, options: Options) -> Result<(), Failure> {
    let state = AppState::new(db.clone(), options).await.map_err(|e| {
        if e.is_configuration() {
            Failure::Config(e.to_string())
        } else {
            Failure::Other(e.to_string())
        }
    })?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure::Other(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Other(e.to_string()))?;
    tracing::info!(%local, backend = ?db.backend(), "serving");
    eprintln!("acoge: serving on http://{local}");
    acoge_web::serve(listener, state, shutdown_signal())
        .await
        .map_err(|e| Failure::Other(format!("server error: {e}")))?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing requests in flight");
}
