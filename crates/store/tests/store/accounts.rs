use domain::accounts::LoginGate;
use store::accounts;
use store::testing::TestDb;

#[tokio::test]
async fn ten_failures_lock_an_account_and_a_success_clears_its_count() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let (user, addr) = ("user:abc", "addr:def");
        assert_eq!(
            accounts::login_gate(db, user, addr).await.unwrap(),
            LoginGate::Open
        );
        for i in 1..=9 {
            assert!(
                !accounts::record_login_failure(db, user, addr)
                    .await
                    .unwrap(),
                "{i}"
            );
        }
        assert!(matches!(
            accounts::login_gate(db, user, addr).await.unwrap(),
            LoginGate::Wait(_)
        ));
        assert!(
            accounts::record_login_failure(db, user, addr)
                .await
                .unwrap(),
            "the tenth locks"
        );
        match accounts::login_gate(db, user, "addr:other").await.unwrap() {
            LoginGate::Locked(s) => assert!(s > 14 * 60 && s <= 15 * 60, "{}: {s}", t.label),
            g => panic!("{}: {g:?}", t.label),
        }
        // Ten failures from one address only slow it down; never a lock.
        assert!(matches!(
            accounts::login_gate(db, "user:someone-else", addr)
                .await
                .unwrap(),
            LoginGate::Open | LoginGate::Wait(_)
        ));
        accounts::clear_login_failures(db, "user:x").await.unwrap();
        t.cleanup().await;
    }
}
