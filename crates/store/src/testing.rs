//! Fresh databases for tests: a SQLite file in a temporary folder, and —
//! when `BINHYEN_TEST_DATABASE_URL` names a PostgreSQL server — a database
//! of its own on that server, dropped afterwards.

use rand::Rng;

use crate::{Db, StoreError};

/// Every row of the tables derived from `org_units` and the successions,
/// sorted: `(tree, reach, words)`.
pub type Derived = (Vec<(i64, i64, i64)>, Vec<(i64, i64)>, Vec<Word>);

/// `(word, unit_id, is_start, level, parent_id, valid_to)`.
pub type Word = (
    String,
    i64,
    bool,
    String,
    Option<i64>,
    Option<chrono::NaiveDate>,
);

pub async fn derived_tables(db: &Db) -> Result<Derived, StoreError> {
    let tree = fetch!(
        db,
        fetch_all,
        (i64, i64, i64),
        "SELECT ancestor_id, unit_id, depth FROM org_unit_tree ORDER BY ancestor_id, unit_id"
    )?;
    let reach = fetch!(
        db,
        fetch_all,
        (i64, i64),
        "SELECT ancestor_id, unit_id FROM org_unit_reach ORDER BY ancestor_id, unit_id"
    )?;
    let words = fetch!(
        db,
        fetch_all,
        Word,
        "SELECT word, unit_id, is_start, level, parent_id, valid_to FROM org_unit_words ORDER BY word, unit_id"
    )?;
    Ok((tree, reach, words))
}

/// Rebuilds every derived table from scratch (the closures from the
/// hierarchy and successions, the search words of every user-made unit).
pub async fn rebuild_derived(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    let ids: Vec<i64> =
        fetch!(tx, fetch_all, scalar i64, "SELECT id FROM org_units WHERE ref_key IS NULL")?;
    for id in ids {
        crate::org_units::index_words(&mut tx, id).await?;
    }
    tx.commit().await
}

/// `(unit_id, home_id, part, share, whole)`: where each unit's figures count.
pub type HomeRow = (i64, i64, String, f64, bool);

/// Every row of `rollup_homes`, sorted: for tests that compare the homes
/// kept up write by write with the ones a rebuild computes.
pub async fn rollup_homes(db: &Db) -> Result<Vec<HomeRow>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        HomeRow,
        "SELECT unit_id, home_id, part, share, whole FROM rollup_homes ORDER BY unit_id, home_id, part"
    )?)
}

/// Every column of `org_unit_words`: `(word, unit_id, is_start, level,
/// kind, parent_id, valid_from, valid_to, sort_key)`.
pub type SearchWord = (
    String,
    i64,
    bool,
    String,
    String,
    Option<i64>,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    String,
);

/// Every row of `org_unit_words` with all its columns, in no particular
/// order (PostgreSQL and SQLite may sort text differently: sort in Rust).
pub async fn search_words(db: &Db) -> Result<Vec<SearchWord>, StoreError> {
    Ok(fetch!(
        db,
        fetch_all,
        SearchWord,
        "SELECT word, unit_id, is_start, level, kind, parent_id, valid_from, valid_to, sort_key FROM org_unit_words"
    )?)
}

/// `(id, level, kind, name, parent_id, valid_from, valid_to)` of a unit.
pub type UnitRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
);

/// The facts the derived tables are made from: every unit's own columns,
/// and every succession `(from_id, to_id, is_default)`, by id.
pub async fn org_unit_facts(db: &Db) -> Result<(Vec<UnitRow>, Vec<(i64, i64, bool)>), StoreError> {
    let units = fetch!(
        db,
        fetch_all,
        UnitRow,
        "SELECT id, level, kind, name, parent_id, valid_from, valid_to FROM org_units ORDER BY id"
    )?;
    let links = fetch!(
        db,
        fetch_all,
        (i64, i64, bool),
        "SELECT from_id, to_id, is_default FROM org_unit_successors ORDER BY from_id, to_id"
    )?;
    Ok((units, links))
}

/// Empties every statistics table that holds figures (values, approvals,
/// rollups), keeping the definitions: property tests reuse one database.
pub async fn reset_statistics(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    for table in [
        "data_values",
        "data_approvals",
        "rollups",
        "rollup_deltas",
        "rollup_homes",
        "unit_shares",
    ] {
        execute!(tx, &format!("DELETE FROM {table}"))?;
    }
    if tx.is_postgres() {
        execute!(tx, "DELETE FROM rollup_rows")?;
    }
    tx.commit().await
}

/// The rows of `rollup_rows` (PostgreSQL) that are not their cells packed,
/// and the keys with cells but no row, for keys with no delta waiting (the
/// others are read from their cells); none on SQLite, which has no rows.
pub async fn stale_rollup_rows(db: &Db) -> Result<i64, StoreError> {
    if !db.is_postgres() {
        return Ok(0);
    }
    let packed = format!(
        "{} GROUP BY unit_id, period, part",
        crate::statistics::rollups::PACKED
    );
    let sql = format!(
        "WITH packed AS ({packed}), stored AS (SELECT * FROM rollup_rows),
              differ AS ((SELECT * FROM stored EXCEPT SELECT * FROM packed)
                         UNION ALL (SELECT * FROM packed EXCEPT SELECT * FROM stored))
         SELECT COUNT(*) FROM differ x WHERE NOT EXISTS (
             SELECT 1 FROM rollup_deltas d
             WHERE d.unit_id = x.unit_id AND d.period = x.period AND d.part = x.part)"
    );
    Ok(fetch!(db, fetch_one, scalar i64, &sql)?)
}

/// What a migration that changes the cells' meaning leaves: cells no
/// longer right (here none) and a row asking for a rebuild.
pub async fn ask_for_a_rebuild(db: &Db) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    execute!(tx, "DELETE FROM rollups")?;
    execute!(tx, "INSERT INTO rollups_due (reason) VALUES ('test')")?;
    tx.commit().await
}

/// A migrated database that cleans up after itself.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: Option<String>,
}

pub const PG_ENV: &str = "BINHYEN_TEST_DATABASE_URL";
pub const REQUIRE_PG_ENV: &str = "BINHYEN_REQUIRE_POSTGRES";

impl TestDb {
    pub async fn sqlite() -> Result<Self, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Data(e.to_string()))?;
        let path = dir.path().join("test.db");
        let url = format!("sqlite://{}", path.display());
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Self {
            db,
            url,
            label: "sqlite",
            _dir: Some(dir),
            admin_url: None,
            name: None,
        })
    }

    /// `None` (with one line on stderr) when no PostgreSQL is configured,
    /// unless `BINHYEN_REQUIRE_POSTGRES=1`, which makes that a failure.
    pub async fn postgres() -> Result<Option<Self>, StoreError> {
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            if std::env::var(REQUIRE_PG_ENV).as_deref() == Ok("1") {
                return Err(StoreError::Data(format!(
                    "{REQUIRE_PG_ENV}=1 but {PG_ENV} is not set"
                )));
            }
            eprintln!("skipped on PostgreSQL: {PG_ENV} is not set");
            return Ok(None);
        };
        let name = format!("binhyen_t{:016x}", rand::thread_rng().gen::<u64>());
        let admin = Db::connect(&admin_url).await?;
        execute!(&admin, &format!("CREATE DATABASE {name}"))?;
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(&admin_url);
        let url = format!("{base}/{name}");
        let db = Db::connect(&url).await?;
        db.migrate().await?;
        Ok(Some(Self {
            db,
            url,
            label: "postgres",
            _dir: None,
            admin_url: Some(admin_url),
            name: Some(name),
        }))
    }

    /// Both backends that are available, SQLite first.
    pub async fn all() -> Result<Vec<Self>, StoreError> {
        let mut v = vec![Self::sqlite().await?];
        v.extend(Self::postgres().await?);
        Ok(v)
    }

    /// Closes the pool; the PostgreSQL database is dropped with `self`.
    pub async fn cleanup(self) {
        self.db.close().await;
    }
}

impl Drop for TestDb {
    /// Drops the PostgreSQL database even when the test panicked. Runs on a
    /// thread of its own because the test's runtime may be shutting down.
    fn drop(&mut self) {
        let (Some(admin_url), Some(name)) = (self.admin_url.take(), self.name.take()) else {
            return;
        };
        let db = self.db.clone();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                drop(db);
                if let Ok(admin) = Db::connect(&admin_url).await {
                    let _ = execute!(
                        &admin,
                        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                    );
                    admin.close().await;
                }
            });
        })
        .join();
    }
}
