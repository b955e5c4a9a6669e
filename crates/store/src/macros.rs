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

/// A value bound to a query built at run time (multi-row inserts, lists
/// with optional filters).
#[derive(Clone)]
pub(crate) enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    F64(Option<f64>),
    Date(Option<chrono::NaiveDate>),
    Ts(chrono::DateTime<chrono::Utc>),
    Bool(bool),
    /// (Only the benchmarks' generators bind bytes at run time.)
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    Bytes(Vec<u8>),
}

/// Binds a run-time list of [`Arg`]s to a query of either backend.
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::Arg::I64(v) => q.bind(v),
                $crate::Arg::Text(v) => q.bind(v),
                $crate::Arg::F64(v) => q.bind(v),
                $crate::Arg::Date(v) => q.bind(v),
                $crate::Arg::Ts(v) => q.bind(v),
                $crate::Arg::Bool(v) => q.bind(v),
                $crate::Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

/// Like `fetch!`, for SQL whose parameters are only known at run time:
/// `fetch_dyn!(conn, method, Type, sql, args)` or `(…, scalar Type, …)`.
macro_rules! fetch_dyn {
    ($conn:expr, $method:ident, scalar $ty:ty, $sql:expr, $args:expr) => {
        match $conn.backend() {
            $crate::Backend::Sqlite(c) => {
                bind_args!(sqlx::query_scalar::<_, $ty>($sql), $args)
                    .$method(c)
                    .await
            }
            $crate::Backend::Postgres(c) => {
                bind_args!(sqlx::query_scalar::<_, $ty>($sql), $args)
                    .$method(c)
                    .await
            }
        }
    };
    ($conn:expr, $method:ident, $ty:ty, $sql:expr, $args:expr) => {
        match $conn.backend() {
            $crate::Backend::Sqlite(c) => {
                bind_args!(sqlx::query_as::<_, $ty>($sql), $args)
                    .$method(c)
                    .await
            }
            $crate::Backend::Postgres(c) => {
                bind_args!(sqlx::query_as::<_, $ty>($sql), $args)
                    .$method(c)
                    .await
            }
        }
    };
}

/// Runs a statement whose parameter list is only known at run time;
/// returns the rows affected.
pub(crate) async fn execute_dyn(
    tx: &mut crate::Tx,
    sql: &str,
    args: Vec<Arg>,
) -> Result<u64, sqlx::Error> {
    Ok(match tx.backend() {
        crate::Backend::Sqlite(c) => bind_args!(sqlx::query(sql), args)
            .execute(c)
            .await?
            .rows_affected(),
        crate::Backend::Postgres(c) => bind_args!(sqlx::query(sql), args)
            .execute(c)
            .await?
            .rows_affected(),
    })
}

/// Runs a multi-row statement whose parameter list is only known at run time.
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
    fetch_dyn!(tx, fetch_all, T, sql, args)
}

/// SQL built from the filters that are set, with `$n` numbered in order.
#[derive(Default)]
pub(crate) struct Params {
    pub args: Vec<Arg>,
}

impl Params {
    /// Adds a value; returns its placeholder.
    pub fn push(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// Adds several values; their placeholders joined for `IN (…)`.
    pub fn list(&mut self, items: impl IntoIterator<Item = Arg>) -> String {
        items
            .into_iter()
            .map(|a| self.push(a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The values for a query; a `Vec` of them (the list is cloned for the
    /// second query of a page and its count).
    pub fn to_vec(&self) -> Vec<Arg> {
        self.args.clone()
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
