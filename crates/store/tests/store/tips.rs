//! Tips sealed to their recipients: who gets a copy of the keys, what a
//! forward and a new key do to the copies, what the sender sees, and that
//! the database holds none of what a tip says.

use domain::accounts::Role;
use domain::org_units::Level;
use domain::tips::receipt::Receipt;
use domain::tips::seal::{unwrap_for_sender, OfficerKey, Part, TipKeys};
use domain::tips::{Category, Channel, State};
use store::accounts::{self, NewUser, Scope};
use store::audit::Author;
use store::org_units::{self as units, reference};
use store::testing::TestDb;
use store::tips::{self, Kind, NewMessage, NewTip, Recipient, Step};
use store::{Db, StoreError};

async fn user(db: &Db, name: &str, role: Role, unit: i64) -> (i64, OfficerKey) {
    let id = accounts::create_user(
        db,
        Author::System,
        &NewUser {
            username: name.into(),
            display_name: name.into(),
            password_hash: "x".into(),
            role,
            scopes: vec![unit],
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let key = OfficerKey::generate();
    tips::put_key(
        db,
        id,
        key.public().as_str(),
        &key.lock("mật khẩu dài 123").unwrap(),
        domain::time::today(),
    )
    .await
    .unwrap();
    (id, key)
}

fn seal_all(keys: &TipKeys, to: &[Recipient]) -> Vec<(i64, Vec<u8>)> {
    to.iter()
        .map(|r| {
            let p = domain::tips::seal::PublicKey::parse(&r.public_key).unwrap();
            (r.user_id, keys.seal_to(&p).unwrap())
        })
        .collect()
}

async fn all_bytes(db: &Db) -> Vec<u8> {
    // Every column of every tip table, as the database returns it.
    let mut out = Vec::new();
    for sql in [
        "SELECT CAST(id AS TEXT) || category || state || COALESCE(receipt_hash, '') FROM tips",
        "SELECT public_key FROM tip_keys",
    ] {
        let rows: Vec<String> = match db.backend() {
            store::Backend::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            store::Backend::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        };
        rows.iter()
            .for_each(|r| out.extend_from_slice(r.as_bytes()));
    }
    for sql in [
        "SELECT content FROM tips",
        "SELECT sender_key FROM tips",
        "SELECT locked_key FROM tip_keys",
        "SELECT sealed FROM tip_recipients",
        "SELECT content FROM tip_messages",
        "SELECT content FROM tip_files",
        "SELECT sealed_name FROM tip_files",
    ] {
        let rows: Vec<Option<Vec<u8>>> = match db.backend() {
            store::Backend::Sqlite(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
            store::Backend::Postgres(p) => sqlx::query_scalar(sql).fetch_all(p).await.unwrap(),
        };
        rows.into_iter().flatten().for_each(|r| out.extend(r));
    }
    let audit: Vec<String> = match db.backend() {
        store::Backend::Sqlite(p) => {
            sqlx::query_scalar("SELECT COALESCE(after_json, '') FROM audit_log")
                .fetch_all(p)
                .await
                .unwrap()
        }
        store::Backend::Postgres(p) => {
            sqlx::query_scalar("SELECT COALESCE(after_json, '') FROM audit_log")
                .fetch_all(p)
                .await
                .unwrap()
        }
    };
    audit
        .iter()
        .for_each(|r| out.extend_from_slice(r.as_bytes()));
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_tip_is_read_by_its_recipients_alone_and_follows_a_forward() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let today = domain::time::today();
        let province = units::resolve_code(db, Level::Province, "37", today)
            .await
            .unwrap()
            .unwrap()
            .id;
        let communes: Vec<i64> = match db.backend() {
            store::Backend::Sqlite(p) => sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id = $1 AND valid_to IS NULL ORDER BY id LIMIT 2").bind(province).fetch_all(p).await.unwrap(),
            store::Backend::Postgres(p) => sqlx::query_scalar("SELECT id FROM org_units WHERE parent_id = $1 AND valid_to IS NULL ORDER BY id LIMIT 2").bind(province).fetch_all(p).await.unwrap(),
        };
        let (c1, c2) = (communes[0], communes[1]);
        let (a, a_key) = user(db, "xa.mot", Role::CommuneOfficer, c1).await;
        let (b, b_key) = user(db, "xa.hai", Role::CommuneOfficer, c2).await;
        let (h, h_key) = user(db, "tinh.giukhoa", Role::ProvinceStaff, province).await;
        let (s, _) = user(db, "tinh.canbo", Role::ProvinceStaff, province).await;
        user(db, "doan.xa", Role::Partner, c1).await;
        tips::set_holder(db, Author::System, h, true).await.unwrap();

        // The commune's officer and the holder; not the other commune's,
        // the staff who holds no key role, nor the partner.
        let to = tips::recipients(db, c1).await.unwrap();
        assert_eq!(
            to.iter().map(|r| r.user_id).collect::<Vec<_>>(),
            vec![a, h],
            "{}",
            t.label
        );

        let words = "Nhóm thanh niên tụ tập đánh bạc ở nhà văn hóa thôn Đông mỗi đêm";
        let photo = b"\xFF\xD8\xFF\xE0 photo bytes 7f3a9c";
        let keys = TipKeys::generate();
        let receipt = Receipt::generate();
        let sealed = seal_all(&keys, &to);
        let content = keys.seal(Part::Report, words.as_bytes()).unwrap();
        let file = (
            keys.seal(Part::FileName, b"anh-bai-bac.jpg").unwrap(),
            keys.seal(Part::File, photo).unwrap(),
        );
        let hash = receipt.lookup_hash();
        let sender_key = keys.wrap_for_sender(&receipt).unwrap();
        let id = tips::file(
            db,
            Author::Sender,
            &NewTip {
                unit_id: c1,
                place_id: c1,
                category: Category::Gambling,
                channel: Channel::Web,
                received_on: today,
                receipt_hash: Some(&hash),
                sender_key: Some(&sender_key),
                content: &content,
                sealed: &sealed,
                files: std::slice::from_ref(&file),
            },
        )
        .await
        .unwrap();

        // The officer opens it; the province's other staff sees it, sealed;
        // the other commune does not see it at all.
        let view = tips::get(db, Scope::User(a), a, id).await.unwrap();
        assert!(view.row.readable && view.row.staff_unread);
        let opened = TipKeys::open_sealed(view.sealed_keys.as_deref().unwrap(), &a_key).unwrap();
        assert_eq!(
            opened.open(Part::Report, &view.content).unwrap(),
            words.as_bytes()
        );
        assert_eq!(view.files.len(), 1);
        let (_, bytes) = tips::file_content(db, Scope::User(a), id, view.files[0].id)
            .await
            .unwrap();
        assert_eq!(opened.open(Part::File, &bytes).unwrap(), photo);
        let staff = tips::get(db, Scope::User(s), s, id).await.unwrap();
        assert!(staff.sealed_keys.is_none() && !staff.row.readable);
        assert!(matches!(
            tips::get(db, Scope::User(b), b, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            tips::file_content(db, Scope::User(b), id, view.files[0].id).await,
            Err(StoreError::NotFound)
        ));

        // A reply reaches the sender; a note does not.
        let reply = opened
            .seal(Part::Message, "Cảm ơn, chúng tôi đang xác minh".as_bytes())
            .unwrap();
        tips::add_message(
            db,
            Author::User(a),
            Scope::User(a),
            id,
            &NewMessage {
                kind: Kind::Reply,
                day: today,
                content: &reply,
                files: &[],
            },
        )
        .await
        .unwrap();
        let note = opened.seal(Part::Note, b"internal").unwrap();
        tips::add_message(
            db,
            Author::User(a),
            Scope::User(a),
            id,
            &NewMessage {
                kind: Kind::Note,
                day: today,
                content: &note,
                files: &[],
            },
        )
        .await
        .unwrap();
        let mine = tips::by_receipt(db, &hash).await.unwrap().unwrap();
        assert_eq!(
            mine.messages.iter().map(|m| m.kind).collect::<Vec<_>>(),
            vec![Kind::Reply]
        );
        assert!(
            mine.messages[0].author_name.is_none(),
            "the sender never learns who wrote"
        );
        let content_key = unwrap_for_sender(&mine.sender_key, &receipt).unwrap();
        assert_eq!(
            content_key.open(Part::Report, &mine.content).unwrap(),
            words.as_bytes()
        );
        assert!(tips::by_receipt(db, &Receipt::generate().lookup_hash())
            .await
            .unwrap()
            .is_none());

        // Verified, then forwarded to the other commune: sealed again to its
        // officer and the holder, out of the first commune's sight.
        let step = |action, next, forward_to| Step {
            action,
            next,
            today,
            event: None,
            forward_to,
            outcome: None,
        };
        let verified = tips::step(
            db,
            Author::User(a),
            Scope::User(a),
            id,
            State::New,
            &step(domain::tips::Action::Verify, State::Verifying, None),
        )
        .await
        .unwrap();
        assert_eq!(verified.state.0, State::Verifying);
        assert_eq!(verified.due_on, State::Verifying.due_on(today));
        // The same step again finds the tip moved on: a conflict.
        assert!(matches!(
            tips::step(
                db,
                Author::User(a),
                Scope::User(a),
                id,
                State::New,
                &step(domain::tips::Action::Verify, State::Verifying, None)
            )
            .await,
            Err(StoreError::Conflict(_))
        ));
        let to2 = tips::recipients(db, c2).await.unwrap();
        assert_eq!(
            to2.iter().map(|r| r.user_id).collect::<Vec<_>>(),
            vec![b, h]
        );
        let resealed = seal_all(&opened, &to2);
        tips::step(
            db,
            Author::User(a),
            Scope::User(a),
            id,
            State::Verifying,
            &step(
                domain::tips::Action::Forward,
                State::Forwarded,
                Some((c2, &resealed)),
            ),
        )
        .await
        .unwrap();
        assert!(matches!(
            tips::get(db, Scope::User(a), a, id).await,
            Err(StoreError::NotFound)
        ));
        let at_b = tips::get(db, Scope::User(b), b, id).await.unwrap();
        let opened_b = TipKeys::open_sealed(at_b.sealed_keys.as_deref().unwrap(), &b_key).unwrap();
        assert_eq!(
            opened_b.open(Part::Report, &at_b.content).unwrap(),
            words.as_bytes()
        );
        let at_h = tips::get(db, Scope::User(h), h, id).await.unwrap();
        assert!(TipKeys::open_sealed(at_h.sealed_keys.as_deref().unwrap(), &h_key).is_ok());

        // B's key made anew (a password reset): B's copies are gone, and a
        // holder's grant gives the open tip back.
        let b_new = OfficerKey::generate();
        let k = tips::put_key(
            db,
            b,
            b_new.public().as_str(),
            &b_new.lock("mật khẩu mới 456").unwrap(),
            today,
        )
        .await
        .unwrap();
        assert_eq!(k.replaced_on, Some(today));
        assert!(tips::get(db, Scope::User(b), b, id)
            .await
            .unwrap()
            .sealed_keys
            .is_none());
        let grantable = tips::grantable(db, h, b).await.unwrap();
        assert_eq!(grantable.iter().map(|g| g.0).collect::<Vec<_>>(), vec![id]);
        let holder_keys = TipKeys::open_sealed(&grantable[0].1, &h_key).unwrap();
        tips::grant(
            db,
            Author::User(h),
            id,
            b,
            &holder_keys.seal_to(&b_new.public()).unwrap(),
        )
        .await
        .unwrap();
        let again = tips::get(db, Scope::User(b), b, id).await.unwrap();
        assert!(TipKeys::open_sealed(again.sealed_keys.as_deref().unwrap(), &b_new).is_ok());
        assert!(tips::grantable(db, h, b).await.unwrap().is_empty());

        // Resolved with its outcome: the figures count it, in the commune
        // and in the province.
        tips::step(
            db,
            Author::User(b),
            Scope::User(b),
            id,
            State::Forwarded,
            &step(domain::tips::Action::Verify, State::Verifying, None),
        )
        .await
        .unwrap();
        let mut resolve = step(domain::tips::Action::Resolve, State::Resolved, None);
        resolve.outcome = Some((true, 1, 3));
        let done = tips::step(
            db,
            Author::User(b),
            Scope::User(b),
            id,
            State::Verifying,
            &resolve,
        )
        .await
        .unwrap();
        assert_eq!(done.due_on, None);
        for unit in [c2, province] {
            let c = tips::counts(db, unit, today, today).await.unwrap();
            assert_eq!(
                (c.received, c.valuable, c.cases_solved, c.arrests, c.vneid),
                (1, 1, 1, 3, 0),
                "{}",
                t.label
            );
        }
        assert_eq!(
            tips::counts(db, c1, today, today).await.unwrap().received,
            0
        );

        // Lists: the province sees it, an overdue filter does not (resolved).
        let (rows, total) = tips::list(
            db,
            Scope::User(s),
            s,
            &tips::Filter {
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        let (_, overdue) = tips::list(
            db,
            Scope::User(s),
            s,
            &tips::Filter {
                overdue_on: Some(today + chrono::Days::new(30)),
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(overdue, 0);
        let (_, none) = tips::list(
            db,
            Scope::User(a),
            a,
            &tips::Filter {
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(none, 0);

        // The sender's record keeps the day and no request; nothing of
        // what the tip says, its file or its receipt is in the database.
        let (at, request): (String, Option<String>) = match db.backend() {
            store::Backend::Sqlite(p) => sqlx::query_as(
                "SELECT at, request_id FROM audit_log WHERE entity = 'tip' AND action = 'create'",
            )
            .fetch_one(p)
            .await
            .unwrap(),
            store::Backend::Postgres(p) => sqlx::query_as(
                "SELECT at, request_id FROM audit_log WHERE entity = 'tip' AND action = 'create'",
            )
            .fetch_one(p)
            .await
            .unwrap(),
        };
        assert!(at.ends_with("T17:00:00.000000Z"), "{at}");
        assert_eq!(request, None);
        let dump = all_bytes(db).await;
        for secret in [
            &words.as_bytes()[..24],
            b"photo bytes 7f3a9c",
            b"anh-bai-bac",
            receipt.display().as_bytes(),
            receipt.display().replace('-', "").as_bytes(),
            "đang xác minh".as_bytes(),
        ] {
            assert!(
                !contains(&dump, secret),
                "{}: {:?}",
                t.label,
                String::from_utf8_lossy(secret)
            );
        }
        assert!(store::audit::verify(db).await.unwrap().is_ok());
        t.cleanup().await;
    }
}
