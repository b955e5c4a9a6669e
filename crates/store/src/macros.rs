//! Query macros: one SQL text, run on whichever backend a handle holds.

/// Runs one SQL text on either backend.
///
/// `fetch!(conn, method, Type, sql, args…)` decodes rows into `Type`
/// (`sqlx::FromRow`); `fetch!(conn, method, scalar Type, …)` reads one
/// column; `execute!(conn, sql, args…)` returns the rows affected.
/// `conn` is a `&Db` or a `&mut Tx`.
macro_rules! fetch {
    ($conn:expr, $method:ident, scalar $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $conn.backend() {
            $crate::db::Backend::Sqlite(c) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Backend::Postgres(c) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
        }
    };
    ($conn:expr, $method:ident, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $conn.backend() {
            $crate::db::Backend::Sqlite(c) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
            $crate::db::Backend::Postgres(c) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(c).await
            }
        }
    };
}

macro_rules! execute {
    ($conn:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $conn.backend() {
            $crate::db::Backend::Sqlite(c) => {
                sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
            $crate::db::Backend::Postgres(c) => {
                sqlx::query($sql)$(.bind($arg))*.execute(c).await.map(|r| r.rows_affected())
            }
        }
    };
}

/// A value bound to a query built at run time (multi-row inserts).
pub(crate) enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    F64(Option<f64>),
    Date(Option<chrono::NaiveDate>),
    Ts(chrono::DateTime<chrono::Utc>),
    Bool(bool),
}

/// Runs a query whose parameter list is only known at run time.
pub(crate) async fn fetch_all_dyn<T>(
    tx: &mut crate::Tx,
    sql: &str,
    args: Vec<Arg>,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    macro_rules! bind_all {
        ($q:expr) => {{
            let mut q = $q;
            for a in args {
                q = match a {
                    Arg::I64(v) => q.bind(v),
                    Arg::Text(v) => q.bind(v),
                    Arg::F64(v) => q.bind(v),
                    Arg::Date(v) => q.bind(v),
                    Arg::Ts(v) => q.bind(v),
                    Arg::Bool(v) => q.bind(v),
                };
            }
            q
        }};
    }
    match tx.backend() {
        crate::Backend::Sqlite(c) => bind_all!(sqlx::query_as::<_, T>(sql)).fetch_all(c).await,
        crate::Backend::Postgres(c) => bind_all!(sqlx::query_as::<_, T>(sql)).fetch_all(c).await,
    }
}

/// `($1, $2, …), ($n+1, …)`: placeholders for `rows` rows of `cols` values.
pub(crate) fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
