use domain::DomainError;

/// The one error type of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input broke a rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The row asked for does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference constraint refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
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
    /// True when the database itself is unreachable (the web layer answers 503).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
