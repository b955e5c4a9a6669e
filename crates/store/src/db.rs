//! The database handle. SQL is written once with `$1` placeholders, which
//! both SQLite and PostgreSQL accept; the macros below run it on whichever
//! backend the handle holds.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{
    Connection as _, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool,
    Transaction,
};

use crate::error::{Result, StoreError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock key of [`Db::setup_lock`] (apart from the keys of
/// sqlx's migrator and of the tallies and the audit sequencer).
const SETUP_LOCK: i64 = 0x4249_4E48_0300_0000;

/// See [`Db::setup_lock`]; [`SetupLock::release`] ends it.
pub struct SetupLock(Option<sqlx::pool::PoolConnection<sqlx::Postgres>>);

impl SetupLock {
    pub async fn release(self) -> Result<()> {
        if let Some(mut conn) = self.0 {
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(SETUP_LOCK)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

/// A connection pool on one of the two databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. Dropping it without [`Tx::commit`] rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// What a query runs on: a pool (reads) or a transaction's connection.
pub enum Backend<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// How long a SQLite statement waits for another connection's write lock.
const BUSY_SECS: u64 = 10;

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn pg_options(url: &str) -> Result<PgConnectOptions> {
    // The working set (units, closures) lives in memory: random reads cost
    // about what sequential ones do. With the default of 4 the planner
    // preferred scanning every unit to a few index probes for a search.
    Ok(PgConnectOptions::from_str(url)?
        .application_name("binhyen")
        // JIT compiling pays off for hour-long reports, not for pivots: it
        // added 20-50 ms to each national rollup.
        .options([("random_page_cost", "1.1"), ("jit", "off")]))
}

fn pg_pool() -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(16)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .idle_timeout(Duration::from_secs(300))
        // sqlx pings every connection it takes from the pool: one more
        // round trip per query, each needing a PostgreSQL backend to be
        // scheduled (a page runs about ten queries; scripts/load). A
        // connection in use within the last second is alive; one idle
        // longer is pinged, and replaced if dead (after a PostgreSQL
        // restart, say).
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > Duration::from_secs(1) {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

impl Db {
    pub fn backend(&self) -> Backend<&SqlitePool, &PgPool> {
        match self {
            Db::Sqlite(p) => Backend::Sqlite(p),
            Db::Postgres(p) => Backend::Postgres(p),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
    pub async fn connect(url: &str) -> Result<Self> {
        if is_postgres_url(url) {
            let pool = pg_pool().connect_with(pg_options(url)?).await?;
            Ok(Db::Postgres(pool))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Self::open_sqlite(Path::new(path)).await
        } else {
            Err(StoreError::Data(format!(
                "địa chỉ cơ sở dữ liệu không hợp lệ (cần sqlite://… hoặc postgres://…): {}",
                redact_url(url)
            )))
        }
    }

    /// A PostgreSQL read replica (`--read-database-url`): connected when
    /// first used, so that a replica away does not keep the server from
    /// starting (its reads go to the primary meanwhile).
    pub fn connect_replica(url: &str) -> Result<Self> {
        if !is_postgres_url(url) {
            return Err(StoreError::Data(format!(
                "bản sao chỉ đọc phải là PostgreSQL (postgres://…): {}",
                redact_url(url)
            )));
        }
        Ok(Db::Postgres(pg_pool().connect_lazy_with(pg_options(url)?)))
    }

    /// Opens (creating if needed) the SQLite file at `path`.
    ///
    /// WAL lets readers run beside the one writer; `synchronous = FULL`
    /// syncs the WAL at every commit, so an acknowledged write survives a
    /// power cut, not only a killed process (docs/operations.md).
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(BUSY_SECS))
            // Folded search columns are lower case already; a byte-wise
            // LIKE is faster and behaves as PostgreSQL's LIKE does.
            .pragma("case_sensitive_like", "ON")
            .pragma("temp_store", "memory")
            // SQLite's default page cache (2 MB) per connection: the file is
            // in the OS cache anyway, and 8 connections at 16 MB each kept
            // the idle server above 40 MB.
            .pragma("cache_size", "-2000")
            // A rebuild of the statistics rollups writes gigabytes through
            // the WAL; without a limit the file keeps that size, and the
            // next process to open the database reads all of it (a 2.7 s
            // first pivot after a 1.7 GB WAL).
            .pragma("journal_size_limit", "67108864")
            // Checkpoint every 4,000 pages (16 MB) rather than 1,000: a
            // form of figures rewrites the same hot rollup pages (its
            // province's and the country's cells), which a checkpoint
            // copies once however often they changed; at 1,000 pages one
            // save in eight paid a 6–7 ms checkpoint at commit.
            .pragma("wal_autocheckpoint", "4000")
            // Pages read through a memory map of the file (up to SQLite's
            // 2 GB cap) rather than one `pread` each into the 2 MB cache:
            // one province by commune reads 20,000 figures scattered over
            // a national file, and its reads alone took 84 ms (30 ms
            // mapped). The mapped pages are the OS's page cache, shared and
            // given back under pressure; they show in the process's RSS as
            // file pages (RssFile), not as memory it holds (RssAnon).
            .pragma("mmap_size", "2147418112");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            // A connection to a file in this process never goes stale: the
            // ping sqlx sends before each use was only two more thread
            // hand-offs per query (scripts/load).
            .test_before_acquire(false)
            // Connections are renewed every ten minutes, so that none keeps
            // the planner's statistics of long before (see below) for the
            // life of the server: after a large import the old ones planned
            // a province's team dashboard as a probe of every village of the
            // country (77 s; docs/benchmarks.md, "Forces and training").
            .max_lifetime(Duration::from_secs(600))
            // A connection reads the planner's statistics once, when it
            // opens, and never sees a later ANALYZE run by another one; and
            // the tables filled after the reference load (models, figures)
            // were never analyzed at all. This analyzes, on a sample
            // (SQLite's own limit), each table never analyzed or much
            // changed since, so that plans follow the real sizes. It costs
            // nothing when the statistics are current, 50 ms once for
            // 300,000 models. (The list and matrix queries are also written
            // to plan well with no statistics: see models::query.) Writing
            // the statistics can fail (a full disk): the connection still
            // serves reads, so that is only logged. Writing them needs the
            // write lock: while a long write holds it (a rebuild, an import)
            // the new connection skips them at once rather than waiting
            // for the busy timeout, which outlasted the pool's acquire
            // timeout and failed the reader that asked for the connection
            // (a 503 during a rebuild, found by the statistics bench).
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::query("PRAGMA busy_timeout = 0")
                        .execute(&mut *conn)
                        .await?;
                    let optimized = sqlx::query("PRAGMA optimize=0x10012")
                        .execute(&mut *conn)
                        .await;
                    let restore = format!("PRAGMA busy_timeout = {}", BUSY_SECS * 1000);
                    sqlx::query(&restore).execute(&mut *conn).await?;
                    if let Err(e) = optimized {
                        tracing::info!(error = %e, "planner statistics not refreshed on connect");
                    }
                    Ok(())
                })
            })
            // When a write fails with SQLITE_FULL (disk full), IOERR or
            // NOMEM, SQLite rolls the transaction back by itself; sqlx's own
            // ROLLBACK then fails, and it keeps counting the transaction as
            // open, so every later BEGIN on that connection failed ("attempted
            // to call begin_with at non-zero transaction depth") until the
            // server restarted: writes stayed refused after the disk had
            // room again (scripts/faults). The pool pinged the connection when
            // it came back, which ran any queued rollback first; one still
            // counted inside a transaction is closed, not reused.
            .before_acquire(|conn, _meta| {
                Box::pin(async move {
                    if conn.is_in_transaction() {
                        tracing::warn!("closing a database connection left inside a transaction");
                        return Ok(false);
                    }
                    Ok(true)
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Runs the embedded migrations of this backend, then the rollups'
    /// rebuild if a migration asked for one (`rollups_due`).
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                // Foreign keys off while migrating, as SQLite's way of
                // changing a table (create, copy, drop, rename) requires
                // (0016); checked before the connection goes back.
                let mut conn = p.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let ran = SQLITE_MIGRATIONS.run(&mut *conn).await;
                let broken: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await?;
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
                ran?;
                if let Some((table,)) = broken.first() {
                    return Err(StoreError::Data(format!(
                        "migration left rows of {table} without the row they refer to"
                    )));
                }
            }
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        // A migration may change what the rollup cells hold and ask for
        // them to be built again before anyone reads them.
        crate::statistics::rollups::rebuild_if_due(self).await?;
        Ok(())
    }

    /// Held while a server prepares the database at start (migrations,
    /// reference data, catalogues): on PostgreSQL a session advisory lock
    /// on a connection of its own, so that of several servers starting at
    /// once one prepares while the others wait, then find nothing left to
    /// do (two loading the units at once would collide on their keys). A
    /// server killed while holding it lets it go with its connection.
    /// SQLite: nothing to hold (one server per file).
    pub async fn setup_lock(&self) -> Result<SetupLock> {
        match self {
            Db::Sqlite(_) => Ok(SetupLock(None)),
            Db::Postgres(p) => {
                let mut conn = p.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(SETUP_LOCK)
                    .execute(&mut *conn)
                    .await?;
                Ok(SetupLock(Some(conn)))
            }
        }
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers wait for each other instead of
    /// failing when one upgrades a read lock.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// One text (or NULL) from a statement without parameters: for the
    /// few checks a server makes of the database itself (the replica's
    /// WAL positions).
    pub async fn scalar_text(&self, sql: &str) -> Result<Option<String>> {
        Ok(match self {
            Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await?,
        })
    }

    /// A transaction for reading several queries from one snapshot; on
    /// SQLite it takes no write lock (`BEGIN` is deferred). End it with
    /// [`Tx::rollback`].
    pub async fn begin_read(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Fresh planner statistics after a bulk load (and, on PostgreSQL, the
    /// visibility map that lets searches read only the index).
    pub async fn optimize(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => {
                sqlx::query("ANALYZE").execute(p).await?;
            }
            Db::Postgres(p) => {
                sqlx::query(
                    "VACUUM (ANALYZE) org_units, org_unit_words, org_unit_tree, org_unit_reach, org_unit_successors",
                )
                .execute(p)
                .await?;
            }
        }
        Ok(())
    }

    /// Fresh planner statistics after a bulk write (a rebuild, a large
    /// import), so that the next plans follow the tables' new sizes. On
    /// SQLite, `PRAGMA optimize` analyzes, on a sample, only the tables
    /// whose size moved far from what their statistics say (nothing when
    /// they are current); on PostgreSQL `ANALYZE` samples `tables` rather
    /// than wait for autovacuum. Best effort: a failure is only logged.
    pub async fn refresh_statistics(&self, tables: &[&str]) {
        let done = match self {
            Db::Sqlite(p) => sqlx::query("PRAGMA optimize=0x10012")
                .execute(p)
                .await
                .map(drop),
            Db::Postgres(p) if !tables.is_empty() => {
                sqlx::query(&format!("ANALYZE {}", tables.join(", ")))
                    .execute(p)
                    .await
                    .map(drop)
            }
            Db::Postgres(_) => Ok(()),
        };
        if let Err(e) = done {
            tracing::info!(error = %e, "planner statistics not refreshed after a bulk write");
        }
    }

    /// Answers whether the database can be reached (`/healthz`).
    pub async fn ping(&self) -> Result<()> {
        // BIGINT: PostgreSQL types a bare 1 as INT4, which does not decode as i64.
        let one: i64 = fetch!(self, fetch_one, scalar i64, "SELECT CAST(1 AS BIGINT)")?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Data("ping".into()))
        }
    }

    /// Connections in use and idle (`/metrics`).
    pub fn pool_stats(&self) -> (u32, usize) {
        match self {
            Db::Sqlite(p) => (p.size(), p.num_idle()),
            Db::Postgres(p) => (p.size(), p.num_idle()),
        }
    }

    /// Bytes SQLite holds in its own allocations (page caches, schemas,
    /// prepared statements) across the process; `None` on PostgreSQL.
    /// Bounded by the pool's size and `cache_size`, so the load test can
    /// tell SQLite filling its caches from memory the server leaks.
    pub fn sqlite_memory(&self) -> Option<i64> {
        match self {
            // SAFETY: a thread-safe read of SQLite's global allocation
            // counter; it takes no arguments and touches no connection.
            Db::Sqlite(_) => Some(unsafe { libsqlite3_sys::sqlite3_memory_used() }),
            Db::Postgres(_) => None,
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// A consistent copy of a live SQLite database (`VACUUM INTO`), taken
    /// while the server keeps running. PostgreSQL is backed up with pg_dump.
    pub async fn backup_sqlite(&self, target: &Path) -> Result<()> {
        let Db::Sqlite(pool) = self else {
            return Err(StoreError::Data(
                "PostgreSQL: dùng pg_dump --format=custom (xem docs/operations.md)".into(),
            ));
        };
        if target.exists() {
            return Err(StoreError::Data(format!(
                "tệp đích đã tồn tại: {}",
                target.display()
            )));
        }
        let target = target.to_string_lossy().to_string();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` on SQLite; PostgreSQL checks itself.
    pub async fn integrity_check(&self) -> Result<()> {
        if let Db::Sqlite(pool) = self {
            let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(pool)
                .await?;
            if rows != ["ok"] {
                return Err(StoreError::Data(format!(
                    "kiểm tra toàn vẹn thất bại: {}",
                    rows.join("; ")
                )));
            }
        }
        Ok(())
    }
}

impl StoreError {
    /// True when the database refused a write for lack of room: SQLite's
    /// `SQLITE_FULL` (13, the disk or the file system is full) and
    /// PostgreSQL's `disk_full` (53100). Nothing was written; the request
    /// may succeed once space is freed (the web layer answers 503 saying so,
    /// where it used to answer 500 "internal error").
    pub fn is_storage_full(&self) -> bool {
        matches!(self.database_code(), Some(Code::Sqlite(13)))
            || matches!(self.database_code(), Some(Code::Postgres(c)) if c == "53100")
    }

    /// True when the database cannot be written at all: SQLite's
    /// `SQLITE_READONLY` (8: the file or its folder became read-only) and
    /// PostgreSQL's `read_only_sql_transaction` (25006: a standby).
    pub fn is_read_only(&self) -> bool {
        matches!(self.database_code(), Some(Code::Sqlite(8)))
            || matches!(self.database_code(), Some(Code::Postgres(c)) if c == "25006")
    }

    /// SQLite's primary result code (the low byte of the extended one), or
    /// PostgreSQL's SQLSTATE.
    fn database_code(&self) -> Option<Code> {
        let StoreError::Database(sqlx::Error::Database(e)) = self else {
            return None;
        };
        let code = e.code()?;
        if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
            code.parse::<u32>().ok().map(|n| Code::Sqlite(n & 0xff))
        } else {
            Some(Code::Postgres(code.into_owned()))
        }
    }
}

enum Code {
    Sqlite(u32),
    Postgres(String),
}

impl Tx {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

    pub fn backend(&mut self) -> Backend<&mut SqliteConnection, &mut PgConnection> {
        match self {
            Tx::Sqlite(t) => Backend::Sqlite(&mut **t),
            Tx::Postgres(t) => Backend::Postgres(&mut **t),
        }
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Rows per multi-row statement of `cols` values: SQLite binds
    /// parameters in super-linear time (4,000 rows of 5 values inserted at
    /// 6,000 rows/s, 50 rows at a time many times faster), PostgreSQL takes
    /// up to 65,535.
    pub(crate) fn rows_per_statement(&self, cols: usize) -> usize {
        let params = if self.is_postgres() { 8_000 } else { 256 };
        (params / cols.max(1)).max(1)
    }

    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// The SQLite file for a data folder.
pub fn sqlite_path(data_dir: &Path) -> PathBuf {
    data_dir.join("binhyen.db")
}

/// A database URL without its password, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let (head, tail) = url.split_at(at);
            let creds = head.get(s + 3..).unwrap_or("");
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", head.get(..s + 3).unwrap_or(""), user, tail)
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_folders_stay_in_step() {
        let names = |dir: &str| {
            let mut v: Vec<String> =
                std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                    .collect();
            v.sort();
            v
        };
        let sqlite = names("migrations/sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names("migrations/postgres"));
    }

    #[test]
    fn urls_lose_their_password() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/binhyen"),
            "postgres://app:***@db:5432/binhyen"
        );
        assert_eq!(redact_url("sqlite:///x.db"), "sqlite:///x.db");
    }
}
