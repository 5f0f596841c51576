//! Disposable databases for behavioural tests, on both backends: an SQLite
//! file in the temporary folder always, and a fresh PostgreSQL database when
//! `ACOGE_TEST_DATABASE_URL` names a server. Used by this crate's and the web
//! crate's test suites; never by the product.

use crate::{Backend, Db, StoreError};
use std::sync::Once;
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
    pub async fn create(backend: Backend) -> Result<Self, StoreError> {
        let name = format!("acoge_scratch_{}", Uuid::now_v7().simple());
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            Backend::Postgres => {
                let server_url = std::env::var(TEST_DATABASE_URL).map_err(|_| {
                    StoreError::MissingReference(format!("{TEST_DATABASE_URL} is not set"))
                })?;
                let server = Db::connect(&server_url).await?;
                if let Db::Postgres(pool) = &server {
                    drop_stale_databases(pool).await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(pool)
                        .await?;
                }
                server.close().await;
                let url = with_database(&server_url, &name);
                (url, Cleanup::Database { server_url, name })
            }
        };
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Self { db, url, cleanup })
    }

    /// Closes the pool and removes the database.
    pub async fn remove(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
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
}

/// Drops scratch databases left behind by test runs that ended early (their
/// UUIDv7 names carry their creation time) more than an hour ago.
async fn drop_stale_databases(pool: &sqlx::PgPool) -> Result<(), StoreError> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'acoge_scratch_%'")
            .fetch_all(pool)
            .await?;
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().saturating_sub(3600));
    for name in names {
        let created = name
            .strip_prefix("acoge_scratch_")
            .and_then(|id| Uuid::parse_str(id).ok())
            .and_then(|id| id.get_timestamp())
            .map(|ts| ts.to_unix().0);
        if created.is_some_and(|secs| secs < hour_ago) {
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
