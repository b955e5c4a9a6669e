//! Files kept between an import's preview and its confirmation (issue 25):
//! only their uploader reads them back, a user keeps the newest few per
//! register (two tabs, two files), and a written one is dropped.

use store::drafts;
use store::testing::TestDb;

use super::catalogue::staff;

#[tokio::test]
async fn drafts_are_their_uploaders_and_only_the_newest_few_are_kept() {
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        store::org_units::reference::load(
            db,
            &store::org_units::reference::ReferenceData::embedded(),
            false,
        )
        .await
        .unwrap();
        let province = store::org_units::resolve_code(
            db,
            domain::org_units::Level::Province,
            "37",
            chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        )
        .await
        .unwrap()
        .unwrap()
        .id;
        let (a, b) = (
            staff(db, "a", province).await,
            staff(db, "b", province).await,
        );
        let mut ids = Vec::new();
        for n in 0..=drafts::KEPT_PER_USER {
            let bytes = format!("tệp {n}");
            ids.push(
                drafts::keep(db, a, "models", "", bytes.as_bytes())
                    .await
                    .unwrap(),
            );
        }
        let other = drafts::keep(db, a, "data_values", "37", b"so lieu")
            .await
            .unwrap();
        let get = |id: &str, user: i64, register: &'static str| {
            let id = id.to_string();
            async move { drafts::get(db, &id, user, register).await.unwrap() }
        };
        assert_eq!(
            get(&ids[0], a, "models").await,
            None,
            "{l}: the oldest past the newest few"
        );
        for (n, id) in ids.iter().enumerate().skip(1) {
            let d = get(id, a, "models")
                .await
                .unwrap_or_else(|| panic!("{l}: draft {n}"));
            assert_eq!(d.bytes, format!("tệp {n}").into_bytes(), "{l}");
        }
        assert_eq!(get(&ids[1], b, "models").await, None, "{l}: another user's");
        assert_eq!(
            get(&ids[1], a, "data_values").await,
            None,
            "{l}: another register's"
        );
        let d = get(&other, a, "data_values").await.unwrap();
        assert_eq!(
            (d.bytes.as_slice(), d.options.as_str()),
            (&b"so lieu"[..], "37"),
            "{l}"
        );
        drafts::discard(db, &ids[1]).await.unwrap();
        assert_eq!(
            get(&ids[1], a, "models").await,
            None,
            "{l}: written, then dropped"
        );
    }
}
