/// What can go wrong in the store, typed so callers can act on it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL cannot be understood.
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The database could not be reached or opened.
    #[error("cannot connect to the database at {url}: {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses as its domain type; the database was
    /// changed outside Acoge.
    #[error("corrupt value in {table}.{column}: {reason}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        reason: String,
    },
    /// A reference needed by a record is missing (e.g. an event organizer).
    #[error("{0}")]
    MissingReference(String),
    /// A unique value is taken (e.g. an email); `field` names it.
    #[error("{field} is already taken")]
    Conflict { field: &'static str },
    /// A value the store refuses to hold, named by field (e.g. an alliance
    /// of one organization, a name taken in its place).
    #[error("{0}")]
    Invalid(acoge_domain::fields::FieldError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The operation exists on the other backend only.
    #[error("{0}")]
    Unsupported(&'static str),
}

impl StoreError {
    pub(crate) fn corrupt(
        table: &'static str,
        column: &'static str,
        reason: impl ToString,
    ) -> Self {
        Self::Corrupt {
            table,
            column,
            reason: reason.to_string(),
        }
    }
}

/// Maps a unique violation of the statement to `Conflict { field }` (other
/// errors stay database errors). The write itself is the uniqueness check:
/// a `SELECT EXISTS` first would let two transactions both pass it. On
/// PostgreSQL the failed statement aborts the transaction, so the caller
/// returns at once (`?`), which drops and rolls it back.
pub(crate) fn conflict_on(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |error| {
        if crate::accounts::is_unique_violation(&error) {
            StoreError::Conflict { field }
        } else {
            StoreError::Database(error)
        }
    }
}
