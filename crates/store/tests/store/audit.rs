//! The audit chain: records written without a shared lock, chained after
//! their commit by the sequencer, and every change, removal or reordering
//! found by `verify`.

use std::time::{Duration, Instant};

use store::audit::{self, Author, Change};
use store::testing::TestDb;
use store::Db;

async fn event(db: &Db, n: usize) {
    audit::record_event(
        db,
        Author::System,
        "test",
        "thing",
        n.to_string(),
        Some(&serde_json::json!({ "n": n })),
    )
    .await
    .unwrap();
}

/// A statement on either database, for the tampering a test plays.
async fn exec(db: &Db, sql: &str) -> u64 {
    match db.backend() {
        store::Backend::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
        store::Backend::Postgres(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    match db.backend() {
        store::Backend::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        store::Backend::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// A copy of a fresh test database with `n` records, half chained.
async fn with_records(t: &TestDb, n: usize) {
    for i in 0..n / 2 {
        event(&t.db, i).await;
    }
    audit::chain(&t.db).await.unwrap();
    for i in n / 2..n {
        event(&t.db, i).await;
    }
}

#[tokio::test]
async fn records_wait_for_their_place_and_verify_before_and_after() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let before = audit::verify(db).await.unwrap().unwrap();
        with_records(&t, 10).await;
        // Five chained, five waiting: all ten verified.
        assert_eq!(
            audit::verify(db).await.unwrap(),
            Ok(before + 10),
            "{}",
            t.label
        );
        assert_eq!(
            scalar(db, "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL").await,
            5,
            "{}",
            t.label
        );
        assert_eq!(audit::chain(db).await.unwrap(), 5, "{}", t.label);
        assert_eq!(audit::chain(db).await.unwrap(), 0, "{}", t.label);
        assert_eq!(
            audit::verify(db).await.unwrap(),
            Ok(before + 10),
            "{}",
            t.label
        );
        // Places follow one another and the head names the last.
        assert_eq!(
            scalar(
                db,
                "SELECT MAX(seq) - MIN(seq) + 1 - COUNT(*) FROM audit_log"
            )
            .await,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            scalar(db, "SELECT last_seq FROM audit_head").await,
            scalar(db, "SELECT MAX(seq) FROM audit_log").await,
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// Each way of tampering, on a fresh copy: found, at the record touched
/// (or, for the newest record removed, at the one before it).
#[tokio::test]
async fn a_changed_removed_or_reordered_record_is_found() {
    let cases: [(&str, &str); 7] = [
        (
            "a chained record changed",
            "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE entity_id = '2'",
        ),
        (
            "a waiting record changed",
            "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE entity_id = '7'",
        ),
        (
            "a chained record removed",
            "DELETE FROM audit_log WHERE entity_id = '2'",
        ),
        (
            "the newest chained record removed",
            "DELETE FROM audit_log WHERE entity_id = '4'",
        ),
        (
            "two records swapped in the chain",
            "UPDATE audit_log SET seq = -seq WHERE entity = 'thing' AND entity_id IN ('1', '2')",
        ),
        (
            "a chained record passed off as one its writer chained",
            "UPDATE audit_log SET content_hash = NULL WHERE entity_id = '2'",
        ),
        (
            "the head moved back",
            "UPDATE audit_head SET last_seq = last_seq - 1",
        ),
    ];
    for (what, sql) in cases {
        for t in TestDb::all().await.unwrap() {
            let db = &t.db;
            with_records(&t, 10).await;
            assert!(audit::verify(db).await.unwrap().is_ok());
            assert!(exec(db, sql).await > 0, "{what}");
            if what.starts_with("two records swapped") {
                // Records 1 and 2 have places s and s + 1 (chained in one
                // batch), now negative: each takes the other's.
                exec(
                    db,
                    "UPDATE audit_log SET seq = CASE WHEN entity_id = '1' THEN 1 - seq ELSE -1 - seq END
                      WHERE seq < 0",
                )
                .await;
            }
            let found = audit::verify(db).await.unwrap();
            assert!(found.is_err(), "{}: {what} not found", t.label);
            t.cleanup().await;
        }
    }
}

/// On PostgreSQL a writer no longer waits for another's transaction: with
/// one transaction open after writing its record (as a long import holds
/// its own), another write commits at once, the sequencer chains it
/// without waiting either, and the open one takes its place after it
/// commits. The old chain made the second writer wait for the first's
/// commit.
#[tokio::test]
async fn a_writer_waits_for_no_other_transaction() {
    let Some(t) = TestDb::postgres().await.unwrap() else {
        return;
    };
    let db = &t.db;
    let mut long = db.begin().await.unwrap();
    audit::record(
        &mut long,
        Change::<(), serde_json::Value> {
            author: Author::System,
            action: "import",
            entity: "thing",
            entity_id: "long".into(),
            before: None,
            after: Some(&serde_json::json!({ "rows": 100_000 })),
        },
    )
    .await
    .unwrap();
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), async {
        event(db, 1).await;
        assert_eq!(audit::chain(db).await.unwrap(), 1);
    })
    .await
    .expect("a write and the sequencer waited for another transaction");
    assert!(started.elapsed() < Duration::from_secs(2));
    long.commit().await.unwrap();
    assert_eq!(audit::chain(db).await.unwrap(), 1);
    assert_eq!(audit::verify(db).await.unwrap(), Ok(2));
    // Chained in the order they committed, not of their ids.
    assert!(
        scalar(db, "SELECT seq FROM audit_log WHERE entity_id = 'long'").await
            > scalar(db, "SELECT seq FROM audit_log WHERE entity_id = '1'").await
    );
    t.cleanup().await;
}

/// Many writers and several sequencers at once (as several servers run
/// them): every record is chained exactly once, none lost, and the chain
/// verifies.
#[tokio::test]
async fn many_writers_and_sequencers_at_once_lose_nothing() {
    for t in TestDb::all().await.unwrap() {
        let db = t.db.clone();
        let before = audit::verify(&db).await.unwrap().unwrap();
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let db = db.clone();
                tokio::spawn(async move {
                    for i in 0..25 {
                        event(&db, w * 1000 + i).await;
                    }
                })
            })
            .collect();
        let sequencers: Vec<_> = (0..3)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut chained = 0;
                    for _ in 0..40 {
                        chained += audit::chain(&db).await.unwrap();
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    chained
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        let mut chained = 0;
        for s in sequencers {
            chained += s.await.unwrap();
        }
        chained += audit::chain(&db).await.unwrap();
        assert_eq!(chained, 200, "{}", t.label);
        assert_eq!(
            audit::verify(&db).await.unwrap(),
            Ok(before + 200),
            "{}",
            t.label
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL").await,
            0,
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}
