use domain::{DomainError, Reason};

/// The one error type of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input broke a rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The row asked for does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// The caller's role may not do this (the web layer checks first; the
    /// store refuses too).
    #[error("forbidden")]
    Forbidden,
    /// The write conflicts with what is stored (a code taken, a record
    /// changed meanwhile); nothing was written.
    #[error("conflict: {0}")]
    Conflict(Reason),
    /// The database could not be reached or answered with an error.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Reference data or a backup file could not be read.
    #[error("{0}")]
    Data(String),
}

impl StoreError {
    /// True when the database is unreachable or busy for now: the request
    /// may be tried again (the web layer answers 503). That covers a lost
    /// connection, a full pool, SQLite's busy and locked answers (another
    /// process holds the write lock past the timeout) and PostgreSQL's
    /// deadlock, serialization and lock-timeout errors.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_),
            ) => true,
            StoreError::Database(sqlx::Error::Database(e)) => {
                let code = e.code().unwrap_or_default();
                matches!(
                    code.as_ref(),
                    "40P01" | "40001" | "55P03" | "57P01" | "57P03"
                ) || code.parse::<u32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            }
            _ => false,
        }
    }

    /// True when a uniqueness constraint refused the write (answered 409).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
