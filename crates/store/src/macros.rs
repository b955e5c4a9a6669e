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
                let sql = $crate::sqlite_params($sql);
                bind_args!(sqlx::query_scalar::<_, $ty>(&sql), $args)
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
                let sql = $crate::sqlite_params($sql);
                bind_args!(sqlx::query_as::<_, $ty>(&sql), $args)
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
        crate::Backend::Sqlite(c) => {
            let sql = sqlite_params(sql);
            bind_args!(sqlx::query(&sql), args)
                .execute(c)
                .await?
                .rows_affected()
        }
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

/// The SQL SQLite is given for a statement built at run time: `$1 … $n`,
/// each once and in order, become anonymous `?`. sqlx finds the value of
/// a numbered parameter by asking SQLite its name, a lookup that walks the
/// statement's list of names, so binding n of them costs n²/2 steps: a
/// 100-value form's multi-row upserts (256 parameters a statement) spent
/// 11% of its time there (`perf`, docs/benchmarks.md). Anonymous
/// parameters have no names to walk and bind in the same order. Anything
/// else (a number used twice or out of order, a `?` already there) is
/// left as it is, so the rewrite never changes which value goes where.
pub(crate) fn sqlite_params(sql: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let b = sql.as_bytes();
    let mut spots: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            // Literals, quoted names and comments hold no parameters.
            q @ (b'\'' | b'"') => i = skip_past(b, i + 1, &[q]),
            b'-' if b.get(i + 1) == Some(&b'-') => i = skip_past(b, i + 2, b"\n"),
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_past(b, i + 2, b"*/"),
            b'?' => return Cow::Borrowed(sql),
            // A `$` inside a name (SQLite allows `a$1`) is not a parameter.
            b'$' if i > 0
                && b.get(i - 1)
                    .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_') =>
            {
                return Cow::Borrowed(sql)
            }
            b'$' => {
                let end = (i + 1..b.len())
                    .find(|&j| b.get(j).is_some_and(|d| !d.is_ascii_digit()))
                    .unwrap_or(b.len());
                let n: Option<usize> = sql.get(i + 1..end).and_then(|d| d.parse().ok());
                if n != Some(spots.len() + 1) {
                    return Cow::Borrowed(sql);
                }
                spots.push((i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
    if spots.is_empty() {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut from = 0;
    for (start, end) in spots {
        out.push_str(&sql[from..start]);
        out.push('?');
        from = end;
    }
    out.push_str(&sql[from..]);
    Cow::Owned(out)
}

/// The index just past the first `end` at or after `from` (the text's
/// end when there is none). A doubled quote inside a literal is found as
/// its end and the next quote as a new literal's start: the same spans.
fn skip_past(b: &[u8], from: usize, end: &[u8]) -> usize {
    (from..b.len())
        .find(|&j| b.get(j..).is_some_and(|r| r.starts_with(end)))
        .map_or(b.len(), |j| j + end.len())
}

#[cfg(test)]
mod tests {
    use super::sqlite_params;

    #[test]
    fn numbered_in_order_become_anonymous() {
        assert_eq!(
            sqlite_params("INSERT INTO t VALUES ($1, $2), ($3, $4)"),
            "INSERT INTO t VALUES (?, ?), (?, ?)"
        );
        let many = super::placeholders(40, 8);
        assert_eq!(sqlite_params(&many).matches('?').count(), 320);
        assert!(!sqlite_params(&many).contains('$'));
    }

    #[test]
    fn anything_else_is_left_as_it_is() {
        for sql in [
            "SELECT 1",
            "SELECT * FROM t WHERE a = $1 OR b = $1",
            "SELECT * FROM t WHERE a = $2 AND b = $1",
            "SELECT * FROM t WHERE a = $1 AND b = ?",
            "SELECT * FROM t WHERE a = $1 AND b = $3",
            "SELECT $",
            "SELECT a$1 FROM t WHERE b = $1",
        ] {
            assert_eq!(sqlite_params(sql), sql, "{sql}");
        }
    }

    #[test]
    fn literals_names_and_comments_are_not_parameters() {
        assert_eq!(
            sqlite_params("SELECT '$9 it''s ?', \"$x\" -- $7 ?\n FROM t /* $3 ? */ WHERE a = $1"),
            "SELECT '$9 it''s ?', \"$x\" -- $7 ?\n FROM t /* $3 ? */ WHERE a = ?"
        );
    }
}
