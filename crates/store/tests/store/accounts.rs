use chrono::{Duration, Utc};
use domain::accounts::{LoginGate, FREE_FAILURES, LOCK_AFTER_FAILURES};
use store::accounts;
use store::testing::TestDb;

#[tokio::test]
async fn ten_failures_lock_an_account_and_a_success_clears_its_count() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let (user, addr) = ("user:abc", "addr:def");
        let t0 = Utc::now();
        // Failures a minute apart (longer than any wait): the tenth locks.
        for i in 0..LOCK_AFTER_FAILURES {
            let at = t0 + Duration::seconds(61 * i);
            let attempt = accounts::reserve_login_attempt(db, user, addr, at)
                .await
                .unwrap()
                .unwrap_or_else(|g| panic!("{}: attempt {i}: {g:?}", t.label));
            assert_eq!(attempt.locks, i == LOCK_AFTER_FAILURES - 1, "{i}");
        }
        let later = t0 + Duration::seconds(61 * LOCK_AFTER_FAILURES);
        match accounts::reserve_login_attempt(db, user, "addr:other", later)
            .await
            .unwrap()
        {
            Err(LoginGate::Locked(s)) => assert!(s > 13 * 60 && s <= 15 * 60, "{}: {s}", t.label),
            g => panic!("{}: {g:?}", t.label),
        }
        // Failures from one address only slow it down; never a lock.
        let other = accounts::reserve_login_attempt(db, "user:someone-else", addr, later)
            .await
            .unwrap();
        assert!(
            matches!(other, Ok(_) | Err(LoginGate::Wait(_))),
            "{other:?}"
        );
        // A success forgets the name's failures and its lock.
        accounts::settle_login_success(db, user, addr)
            .await
            .unwrap();
        assert!(
            accounts::reserve_login_attempt(db, user, "addr:third", later)
                .await
                .unwrap()
                .is_ok(),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// The defect: the gate was read before the password check and the failure
/// written after, so parallel guesses all passed the gate. Reserved in one
/// step, only the free attempts pass, whatever the concurrency.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_attempts_pass_the_gate_only_as_often_as_it_allows() {
    for t in TestDb::all().await.unwrap() {
        let now = Utc::now();
        let attempts = (0..40).map(|i| {
            let db = t.db.clone();
            async move {
                let addr = format!("addr:{i}");
                accounts::reserve_login_attempt(&db, "user:target", &addr, now).await
            }
        });
        let results = futures_join_all(attempts).await;
        let passed = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
        let waited = results
            .iter()
            .filter(|r| matches!(r, Ok(Err(LoginGate::Wait(_)))))
            .count();
        assert_eq!(passed as i64, FREE_FAILURES, "{}: {results:?}", t.label);
        assert_eq!(passed + waited, 40, "{}: {results:?}", t.label);
        t.cleanup().await;
    }
}

/// Runs the futures at once on the runtime and collects their outputs.
async fn futures_join_all<F>(fs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
