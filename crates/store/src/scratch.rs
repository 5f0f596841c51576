//! Disposable databases for behavioural tests, on both backends: an SQLite
//! file in the temporary folder always, and a fresh PostgreSQL database when
//! `ACOGE_TEST_DATABASE_URL` names a server. Used by this crate's and the web
//! crate's test suites; never by the product.
//!
//! A database every test fills the same way (the reference data, say) is
//! filled once into a [`Template`] and copied for each test with
//! [`ScratchDatabase::from_template`]: a file copy on SQLite, `CREATE
//! DATABASE … TEMPLATE` on PostgreSQL.
//!
//! Everything made here is named `acoge_scratch_` and a UUIDv7 (files and
//! folders in the temporary folder, databases on the server); what a run
//! that ended early left behind is removed by a later run once it is an hour
//! old, its age read from the name.

use crate::{Backend, Db, StoreError};
use std::{
    future::Future,
    path::{Path, PathBuf},
    sync::Once,
};
use uuid::Uuid;

pub const TEST_DATABASE_URL: &str = "ACOGE_TEST_DATABASE_URL";

/// The backends to test: SQLite, plus PostgreSQL when the variable is set.
pub fn test_backends() -> Vec<Backend> {
    static NOTICE: Once = Once::new();
    match std::env::var(TEST_DATABASE_URL) {
        Ok(url) if !url.is_empty() => vec![Backend::Sqlite, Backend::Postgres],
        _ => {
            NOTICE.call_once(|| {
                // Written to the real stderr, past the test harness's capture.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {TEST_DATABASE_URL} is not set; storage tests run on SQLite only"
                );
            });
            vec![Backend::Sqlite]
        }
    }
}

/// A migrated, empty database that exists for one test.
pub struct ScratchDatabase {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { server_url: String, name: String },
}

impl ScratchDatabase {
    /// A new database, migrated and empty.
    pub async fn create(backend: Backend) -> Result<Self, StoreError> {
        let scratch = Self::new(backend, None).await?;
        scratch.db.migrate().await?;
        Ok(scratch)
    }

    /// A new database holding a copy of what `template` holds.
    pub async fn from_template(template: &Template) -> Result<Self, StoreError> {
        Self::new(template.backend, Some(&template.source)).await
    }

    /// Creates the database (a copy of `template` when given) and connects.
    async fn new(backend: Backend, template: Option<&Cleanup>) -> Result<Self, StoreError> {
        remove_stale_files();
        let name = fresh_name();
        let (url, cleanup) = match (backend, template) {
            (Backend::Sqlite, template) => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                if let Some(Cleanup::File(source)) = template {
                    std::fs::copy(source, &path).map_err(sqlx::Error::Io)?;
                }
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            (Backend::Postgres, template) => {
                let server_url = std::env::var(TEST_DATABASE_URL).map_err(|_| {
                    StoreError::MissingReference(format!("{TEST_DATABASE_URL} is not set"))
                })?;
                let copied = match template {
                    Some(Cleanup::Database { name, .. }) => format!(" TEMPLATE {name}"),
                    _ => String::new(),
                };
                let server = Db::connect(&server_url).await?;
                if let Db::Postgres(pool) = &server {
                    drop_stale_databases(pool).await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "CREATE DATABASE {name}{copied}"
                    )))
                    .execute(pool)
                    .await?;
                }
                server.close().await;
                let url = with_database(&server_url, &name);
                (url, Cleanup::Database { server_url, name })
            }
        };
        let db = Db::connect(&url).await?;
        Ok(Self { db, url, cleanup })
    }

    /// Closes the pool and removes the database.
    pub async fn remove(self) {
        self.db.close().await;
        self.cleanup.run().await;
    }

    /// Removes the database where nothing can be awaited (in a `Drop`):
    /// an SQLite file at once; a PostgreSQL database from a thread of its
    /// own, which this call waits for, with `FORCE`, since the pool is left
    /// open (whatever still uses it gets errors from then on).
    pub fn remove_blocking(self) {
        let cleanup = self.cleanup;
        match cleanup {
            Cleanup::File(_) => cleanup.remove_files(),
            Cleanup::Database { .. } => {
                // Without a runtime, the database is left for a later run.
                let _ = std::thread::spawn(move || {
                    if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        runtime.block_on(cleanup.run());
                    }
                })
                .join();
            }
        }
    }
}

/// A database filled once and copied for each test that needs its content
/// ([`ScratchDatabase::from_template`]). It lasts as long as the process
/// (kept in a `static`, it is never dropped), and a later run removes it once
/// it is an hour old, like any leftover.
pub struct Template {
    backend: Backend,
    source: Cleanup,
}

impl Template {
    /// Creates a migrated database, lets `fill` fill it, and keeps it as the
    /// template: on SQLite, a compacted copy of its file (`VACUUM INTO`); on
    /// PostgreSQL, the database itself, closed, since a template database
    /// must have no connections while it is copied.
    ///
    /// `fill` gets a clone of the pool; whatever it starts with that pool
    /// should be finished when it returns, since the pool is then closed.
    pub async fn build<F, Fut>(backend: Backend, fill: F) -> Result<Template, StoreError>
    where
        F: FnOnce(Db) -> Fut,
        Fut: Future<Output = ()>,
    {
        let scratch = ScratchDatabase::create(backend).await?;
        fill(scratch.db.clone()).await;
        let source = match &scratch.db {
            Db::Sqlite(pool) => {
                let path = std::env::temp_dir().join(format!("{}.db", fresh_name()));
                sqlx::query("VACUUM INTO $1")
                    .bind(path.display().to_string())
                    .execute(pool)
                    .await?;
                scratch.remove().await;
                Cleanup::File(path)
            }
            Db::Postgres(_) => {
                scratch.db.close().await;
                scratch.cleanup
            }
        };
        Ok(Template { backend, source })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Cleanup {
    async fn run(self) {
        match self {
            Cleanup::File(_) => self.remove_files(),
            Cleanup::Database { server_url, name } => {
                if let Ok(Db::Postgres(pool)) = Db::connect(&server_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            }
        }
    }

    /// Removes an SQLite database with its write-ahead log and shared memory.
    fn remove_files(&self) {
        if let Cleanup::File(path) = self {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

const PREFIX: &str = "acoge_scratch_";

/// `acoge_scratch_` and a new UUIDv7, whose timestamp tells leftovers' age.
fn fresh_name() -> String {
    format!("{PREFIX}{}", Uuid::now_v7().simple())
}

/// A new path in the temporary folder, under a scratch name ending in
/// `suffix`, for a file or folder a test keeps beside its database (a search
/// index, say). The test removes it; a later run does if it could not.
pub fn scratch_path(suffix: &str) -> PathBuf {
    std::env::temp_dir().join(format!("{}_{suffix}", fresh_name()))
}

/// Whether a scratch name (`acoge_scratch_<uuid>…`) was made more than an
/// hour ago; false for any other name.
fn stale(name: &str) -> bool {
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().saturating_sub(3600));
    let created = name
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.get(..32))
        .and_then(|id| Uuid::parse_str(id).ok())
        .and_then(|id| id.get_timestamp())
        .map(|ts| ts.to_unix().0);
    created.is_some_and(|secs| secs < hour_ago)
}

/// Removes, once per process, the scratch files and folders of the
/// temporary folder that are more than an hour old: test runs that ended
/// early (or a template, which lasts as long as its run) left them behind.
fn remove_stale_files() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            if !stale(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let path: &Path = &entry.path();
            let _ = match entry.file_type() {
                Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(path),
                _ => std::fs::remove_file(path),
            };
        }
    });
}

/// Drops scratch databases left behind by test runs that ended early (their
/// UUIDv7 names carry their creation time) more than an hour ago.
async fn drop_stale_databases(pool: &sqlx::PgPool) -> Result<(), StoreError> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'acoge_scratch_%'")
            .fetch_all(pool)
            .await?;
    for name in names {
        if stale(&name) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
