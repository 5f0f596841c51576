//! The connection to one of the two backends.

use crate::StoreError;
use sqlx::{
    ConnectOptions, Postgres, Sqlite, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions},
    sqlite::{
        SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
        SqliteSynchronous,
    },
};
use std::{str::FromStr, time::Duration};

pub(crate) static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// A pool on one backend. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `$body` with `$pool` bound to the concrete pool of either backend, so
/// one SQL string (with `$1` placeholders, which both accept) serves both.
/// `dispatch!(tx: $tx, |$conn| $body)` does the same for a [`Tx`], binding
/// `$conn` to the concrete connection.
macro_rules! dispatch {
    (tx: $tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite($conn) => $body,
            $crate::db::Tx::Postgres($conn) => $body,
        }
    };
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use dispatch;

/// The connection of a transaction on either backend, for the write steps
/// several `Db` methods share (`audit::record_audit`, `outbox::record_change`,
/// ...). A caller passes `&mut tx` from its `dispatch!` arm; the step's SQL is
/// written once and compiled for both backends by `dispatch!(tx: ...)`, like
/// the methods' own.
///
/// Steps are not `async fn step<B: sqlx::Database>(tx: &mut Transaction<'_, B>)`:
/// such a function needs `for<'c> &'c mut B::Connection: Executor<'c, Database = B>`,
/// `B::Arguments: IntoArguments<B>` and a `for<'q> T: Encode<'q, B> + Type<B>`
/// for each type it binds (`Decode` for each it reads), and Rust does not
/// carry bounds on other types from a trait to its users (only bounds on
/// `Self` are implied), so a `trait Backend` cannot hold them: every step,
/// and every step calling it, would repeat them.
pub(crate) enum Tx<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Tx<'_> {
    /// The same connection, borrowed for one more step.
    pub(crate) fn reborrow(&mut self) -> Tx<'_> {
        match self {
            Tx::Sqlite(conn) => Tx::Sqlite(conn),
            Tx::Postgres(conn) => Tx::Postgres(conn),
        }
    }
}

impl<'c> From<&'c mut Transaction<'_, Sqlite>> for Tx<'c> {
    fn from(tx: &'c mut Transaction<'_, Sqlite>) -> Self {
        Tx::Sqlite(tx)
    }
}

impl<'c> From<&'c mut Transaction<'_, Postgres>> for Tx<'c> {
    fn from(tx: &'c mut Transaction<'_, Postgres>) -> Self {
        Tx::Postgres(tx)
    }
}

impl<'c> From<&'c mut Tx<'_>> for Tx<'c> {
    fn from(tx: &'c mut Tx<'_>) -> Self {
        tx.reborrow()
    }
}

/// Turns on SQLite's query planner stability guarantee for `connection`.
///
/// Without it, a statement whose plan may depend on a bound value (every
/// `LIMIT $n`, a `LIKE $n` pattern) is marked expired whenever that value is
/// bound again, so SQLite parses and plans it anew on every execution: a
/// sixth of a list page's time went there. With it, a prepared statement is
/// planned once and kept for the connection's life, as PostgreSQL's are.
async fn stable_query_plans(connection: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the open connection, held locked by `handle` for the
    // duration of the call; ENABLE_QPSG takes an int and an optional int
    // pointer for the old value, which may be null.
    let code = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        )
    };
    if code == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {code})").into(),
        ))
    }
}

impl Db {
    /// Connects to `sqlite://PATH` (created if missing) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let invalid = |reason: String| StoreError::InvalidUrl {
            url: redact(url),
            reason,
        };
        let connect_error = |source| StoreError::Connect {
            url: redact(url),
            source,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| invalid(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .after_connect(|connection, _| Box::pin(stable_query_plans(connection)))
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await
                .map_err(connect_error)?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| invalid(e.to_string()))?
                .application_name("acoge")
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await
                .map_err(connect_error)?;
            Ok(Db::Postgres(pool))
        } else {
            Err(invalid(
                "it must start with sqlite:// or postgres://".to_owned(),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// The migration versions each backend knows, in order (they must match).
    pub fn migration_versions(backend: Backend) -> Vec<i64> {
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.iter().map(|m| m.version).collect()
    }

    /// Answers while the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load. PostgreSQL
    /// plans from them: a table it has never analyzed looks small, and
    /// autovacuum may be off or not have run yet (measured at 100,000
    /// practices: a member's practice list page 100 took 418 ms before and
    /// 6 ms after). SQLite's
    /// queries are written for its planner without statistics (the long
    /// lists name their index), so there nothing is done: statistics would
    /// change plans that were measured without them.
    pub async fn refresh_planner_statistics(&self) -> Result<(), StoreError> {
        if let Db::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        dispatch!(self, |pool| pool.close().await)
    }
}

/// Hides a password in a URL before it reaches a message or a log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, so
/// it takes the write lock up front and waits (busy timeout) instead of
/// failing with SQLITE_BUSY when it upgrades from reading to writing while
/// another connection writes. PostgreSQL needs nothing special.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
