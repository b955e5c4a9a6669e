use chrono::NaiveDate;
use domain::org_units::{
    Level, Merge, MergeInput, NewUnit, NewUnitInput, OrgUnit, Split, SplitInput, UnitPatch,
    UnitPatchInput, VillageInput,
};
use domain::page::Page;
use store::accounts::Scope;
use store::audit::{self, Author};
use store::org_units::{self as units, reference, ListQuery};
use store::testing::TestDb;
use store::Db;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn loaded() -> Vec<TestDb> {
    let dbs = TestDb::all().await.unwrap();
    for t in &dbs {
        let r = reference::load(&t.db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        assert!(!r.unchanged);
        eprintln!(
            "{}: loaded {} units, {} links in {} ms",
            t.label, r.units, r.links, r.millis
        );
    }
    dbs
}

async fn count(db: &Db, level: Level, as_of: &str) -> i64 {
    let q = ListQuery {
        level: Some(level),
        as_of: Some(date(as_of)),
        ..Default::default()
    };
    units::list(db, Scope::All, &q).await.unwrap().1
}

async fn one(db: &Db, level: Level, code: &str, on: &str) -> OrgUnit {
    units::resolve_code(db, level, code, date(on))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{code} on {on}"))
}

#[tokio::test]
async fn national_units_load_with_both_hierarchies_and_the_mapping() {
    for t in loaded().await {
        let db = &t.db;
        assert_eq!(
            count(db, Level::Province, "2025-06-30").await,
            63,
            "{}",
            t.label
        );
        assert_eq!(count(db, Level::Commune, "2025-06-30").await, 10_035);
        assert_eq!(count(db, Level::Province, "2026-01-01").await, 34);
        assert_eq!(count(db, Level::Commune, "2026-01-01").await, 3_321);
        assert_eq!(count(db, Level::District, "2026-01-01").await, 0);
        assert!(count(db, Level::District, "2020-01-01").await > 690);

        // Codes are reused: 00004 is Trúc Bạch before the reform, Ba Đình after.
        assert_eq!(
            one(db, Level::Commune, "00004", "2025-06-30").await.name,
            "Phường Trúc Bạch"
        );
        assert_eq!(
            one(db, Level::Commune, "00004", "2025-07-01").await.name,
            "Phường Ba Đình"
        );

        // Legacy Phường Vị Xuyên (Nam Định) became Phường Nam Định, Ninh Bình.
        let vi_xuyen = one(db, Level::Commune, "13636", "2025-01-01").await;
        assert_eq!(vi_xuyen.valid_to, Some(date("2025-06-30")));
        let succ = units::successors(db, vi_xuyen.id).await.unwrap();
        assert_eq!(succ.len(), 1);
        assert_eq!(succ[0].name, "Phường Nam Định");
        assert_eq!(succ[0].parent_name.as_deref(), Some("Tỉnh Ninh Bình"));
        assert_eq!(succ[0].date, date("2025-07-01"));
        let nam_dinh_ward = units::get(db, Scope::All, succ[0].id)
            .await
            .unwrap()
            .unwrap();
        let preds = units::predecessors(db, nam_dinh_ward.unit.id)
            .await
            .unwrap();
        assert!(preds.iter().any(|p| p.name == "Phường Vị Xuyên"));
        assert!(preds.len() > 1);
        let today = date("2026-11-29");
        let mapped = units::mapped_to(db, vi_xuyen.id, today)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(mapped.id, nam_dinh_ward.unit.id);

        // Provinces: Nam Định, Hà Nam and Ninh Bình became Ninh Bình (37).
        let ninh_binh = one(db, Level::Province, "37", "2026-01-01").await;
        let legacy_nd = one(db, Level::Province, "36", "2025-01-01").await;
        let preds: Vec<String> = units::predecessors(db, ninh_binh.id)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(preds.len(), 3, "{preds:?}");
        assert!(preds.contains(&"Tỉnh Nam Định".to_string()));
        assert_eq!(
            units::count_subtree(db, ninh_binh.id).await.unwrap(),
            1 + 129
        );
        let legacy_nd_tree = units::count_subtree(db, legacy_nd.id).await.unwrap();
        assert!(legacy_nd_tree > 150, "{legacy_nd_tree}");
        let reach = units::count_reach(db, ninh_binh.id).await.unwrap();
        assert!(reach > 130 + legacy_nd_tree, "{reach}");
        // A legacy district has no successor: it maps through its province.
        let district = units::get(db, Scope::All, vi_xuyen.parent_id.unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(district.unit.name, "Thành phố Nam Định");
        assert_eq!(
            units::mapped_to(db, district.unit.id, today)
                .await
                .unwrap()
                .unwrap()
                .id,
            ninh_binh.id
        );

        // The island districts without wards became special zones.
        let con_dao = units::list(
            db,
            Scope::All,
            &ListQuery {
                q: Some("côn đảo".into()),
                level: Some(Level::District),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0;
        let succ = units::successors(db, con_dao[0].unit.id).await.unwrap();
        assert_eq!(succ[0].name, "Đặc khu Côn Đảo");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn loading_again_changes_nothing_and_keeps_ids() {
    for t in loaded().await {
        let db = &t.db;
        let before = one(db, Level::Commune, "13636", "2025-01-01").await;
        let again = reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        assert!(again.unchanged);
        let mut data = reference::ReferenceData::embedded();
        data.units_legacy = data
            .units_legacy
            .replace("Phường Vị Xuyên", "Phường Vị Xuyên Mới");
        let newer = reference::load(db, &data, false).await.unwrap();
        assert!(!newer.unchanged);
        let after = one(db, Level::Commune, "13636", "2025-01-01").await;
        assert_eq!(after.id, before.id);
        assert_eq!(after.name, "Phường Vị Xuyên Mới");
        assert_eq!(count(db, Level::Commune, "2025-06-30").await, 10_035);
        assert_eq!(audit::verify(db).await.unwrap(), Ok(2));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn search_ignores_case_and_diacritics_and_ranks_exact_first() {
    for t in loaded().await {
        for q in ["nam dinh", "Nam Dinh", "NAM ĐỊNH", "  nam   định "] {
            let (items, total) = units::list(
                &t.db,
                Scope::All,
                &ListQuery {
                    q: Some(q.into()),
                    page: Page {
                        page: 1,
                        per_page: 10,
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let names: Vec<(&str, Option<NaiveDate>)> = items
                .iter()
                .map(|v| (v.unit.name.as_str(), v.unit.valid_to))
                .collect();
            assert!(total >= 3, "{q}: {names:?}");
            // Exact matches first, the current unit before the legacy ones.
            assert_eq!(names[0], ("Phường Nam Định", None), "{q}: {names:?}");
            assert!(
                names
                    .iter()
                    .take(4)
                    .any(|n| *n == ("Tỉnh Nam Định", Some(date("2025-06-30")))),
                "{q}: {names:?}"
            );
        }
        // A leading type word picks the kind.
        let (items, total) = units::list(
            &t.db,
            Scope::All,
            &ListQuery {
                q: Some("Tỉnh nam dinh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((items[0].unit.name.as_str(), total), ("Tỉnh Nam Định", 1));
        let (_, communes) = units::list(
            &t.db,
            Scope::All,
            &ListQuery {
                q: Some("xa".into()),
                as_of: Some(date("2026-01-01")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            communes < 100,
            "a type word alone does not match every Xã: {communes}"
        );
        let (none, total) = units::list(
            &t.db,
            Scope::All,
            &ListQuery {
                q: Some("100%_\\".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!((none.len(), total), (0, 0));
        t.cleanup().await;
    }
}

async fn add(db: &Db, level: &str, kind: &str, name: &str, parent: &OrgUnit) -> OrgUnit {
    let input = NewUnitInput {
        level: Some(level.into()),
        kind: Some(kind.into()),
        name: Some(name.into()),
        parent_id: Some(parent.id),
        valid_from: Some("2026-01-01".into()),
        lat: Some(20.43),
        lon: Some(106.17),
        address: Some("Số 1 đường Trần Hưng Đạo".into()),
    };
    let u = NewUnit::parse(&input, Some(parent)).unwrap();
    units::create(db, Author::System, &u).await.unwrap().unit
}

#[tokio::test]
async fn villages_and_sites_merge_and_split_keeping_history() {
    for t in loaded().await {
        let db = &t.db;
        let ward = units::list(
            db,
            Scope::All,
            &ListQuery {
                q: Some("Phường Nam Định".into()),
                as_of: Some(date("2026-01-01")),
                level: Some(Level::Commune),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0[0]
            .unit
            .clone();
        assert_eq!(ward.name, "Phường Nam Định");
        let a = add(db, "village", "to_dan_pho", "Tổ dân phố số 1", &ward).await;
        let b = add(db, "village", "to_dan_pho", "Tổ dân phố số 2", &ward).await;
        let school = add(db, "site", "school", "Trường THCS Trần Đăng Ninh", &a).await;
        assert_eq!(units::count_subtree(db, ward.id).await.unwrap(), 4);

        // Patch changes name and address, not the level.
        let patched = units::update(
            db,
            Author::System,
            &school,
            &UnitPatch::parse(
                &UnitPatchInput {
                    name: Some("Trường THCS Nguyễn Hiền".into()),
                    address: Some(String::new()),
                    ..Default::default()
                },
                &school,
            )
            .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(patched.unit.name, "Trường THCS Nguyễn Hiền");
        assert_eq!(patched.unit.address, None);

        let m = Merge::parse(
            &MergeInput {
                sources: Some(vec![a.id, b.id]),
                date: Some("2026-03-01".into()),
                name: Some("Tổ dân phố Đoàn Kết".into()),
                kind: Some("to_dan_pho".into()),
            },
            &units::get_many(db, Scope::All, &[a.id, b.id])
                .await
                .unwrap(),
            date("2026-11-29"),
        )
        .unwrap();
        let r = units::merge(db, Author::System, &m).await.unwrap();
        let merged = r.created[0].unit.clone();
        assert_eq!(r.moved_sites, vec![school.id]);

        let villages = |on: &'static str| {
            let q = ListQuery {
                parent: Some(ward.id),
                level: Some(Level::Village),
                as_of: Some(date(on)),
                ..Default::default()
            };
            async move {
                let (items, _) = units::list(db, Scope::All, &q).await.unwrap();
                items.into_iter().map(|v| v.unit.name).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            villages("2026-02-28").await,
            ["Tổ dân phố số 1", "Tổ dân phố số 2"]
        );
        assert_eq!(villages("2026-03-01").await, ["Tổ dân phố Đoàn Kết"]);
        let preds = units::predecessors(db, merged.id).await.unwrap();
        assert_eq!(preds.len(), 2);
        assert_eq!(units::successors(db, a.id).await.unwrap()[0].id, merged.id);
        assert_eq!(
            units::mapped_to(db, b.id, date("2026-06-01"))
                .await
                .unwrap()
                .unwrap()
                .id,
            merged.id
        );
        // The school now sits under the merged village; the old one covers history.
        let school_now = units::get(db, Scope::All, school.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(school_now.unit.parent_id, Some(merged.id));
        assert!(units::count_reach(db, merged.id).await.unwrap() >= 4);

        // Merging an ended village again is refused and changes nothing.
        let again = Merge::parse(
            &MergeInput {
                sources: Some(vec![a.id, merged.id]),
                date: Some("2026-05-01".into()),
                name: Some("X".into()),
                kind: None,
            },
            &units::get_many(db, Scope::All, &[a.id, merged.id])
                .await
                .unwrap(),
            date("2026-11-29"),
        );
        assert_eq!(again.unwrap_err().field, "sources");

        let s = Split::parse(
            &SplitInput {
                source: Some(merged.id),
                date: Some("2026-09-01".into()),
                parts: Some(vec![
                    VillageInput {
                        name: Some("Tổ dân phố Bắc".into()),
                        kind: Some("to_dan_pho".into()),
                    },
                    VillageInput {
                        name: Some("Tổ dân phố Nam".into()),
                        kind: Some("to_dan_pho".into()),
                    },
                ]),
                default_part: Some(1),
            },
            Some(
                &units::get(db, Scope::All, merged.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .unit,
            ),
            date("2026-11-29"),
        )
        .unwrap();
        let r = units::split(db, Author::System, &s).await.unwrap();
        assert_eq!(
            villages("2026-09-01").await,
            ["Tổ dân phố Bắc", "Tổ dân phố Nam"]
        );
        assert_eq!(villages("2026-08-31").await, ["Tổ dân phố Đoàn Kết"]);
        let south = &r.created[1].unit;
        assert_eq!(
            units::get(db, Scope::All, school.id)
                .await
                .unwrap()
                .unwrap()
                .unit
                .parent_id,
            Some(south.id)
        );
        // Through two changes, the first village maps to the default part.
        assert_eq!(
            units::mapped_to(db, a.id, date("2026-10-01"))
                .await
                .unwrap()
                .unwrap()
                .id,
            south.id
        );
        let succ = units::successors(db, merged.id).await.unwrap();
        assert_eq!(
            (succ[0].id, succ[0].is_default, succ[0].kind.as_str()),
            (south.id, true, "split")
        );

        // Search follows names, validity and parents as they change.
        let find = |q: &'static str, on: &'static str| async move {
            let query = ListQuery {
                q: Some(q.into()),
                as_of: Some(date(on)),
                ..Default::default()
            };
            let (items, _) = units::list(db, Scope::All, &query).await.unwrap();
            items
                .into_iter()
                .map(|v| (v.unit.name, v.unit.parent_id))
                .collect::<Vec<_>>()
        };
        let ours = |found: Vec<(String, Option<i64>)>, name: &str| {
            found
                .into_iter()
                .filter(|(n, _)| n == name)
                .map(|(_, p)| p)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ours(find("doan ket", "2026-08-31").await, "Tổ dân phố Đoàn Kết"),
            [Some(ward.id)]
        );
        assert!(ours(find("doan ket", "2026-09-01").await, "Tổ dân phố Đoàn Kết").is_empty());
        let school_name = "Trường THCS Nguyễn Hiền";
        assert_eq!(
            ours(find("nguyen hien", "2026-10-01").await, school_name),
            [Some(south.id)]
        );
        assert!(
            find("truong thcs tran dang ninh", "2026-10-01")
                .await
                .is_empty(),
            "the old name is gone"
        );

        // What every write kept up incrementally equals a full rebuild.
        let before = store::testing::derived_tables(db).await.unwrap();
        store::testing::rebuild_derived(db).await.unwrap();
        let after = store::testing::derived_tables(db).await.unwrap();
        assert_eq!(before.0, after.0, "{}: org_unit_tree", t.label);
        assert_eq!(before.1, after.1, "{}: org_unit_reach", t.label);
        assert_eq!(before.2, after.2, "{}: org_unit_words", t.label);

        // Every write is in the audit chain, and the chain holds.
        let verified = audit::verify(db).await.unwrap().unwrap();
        assert_eq!(verified, 1 + 3 + 1 + 1 + 1);
        assert_eq!(
            audit::history(db, "org_unit", &school.id.to_string())
                .await
                .unwrap()
                .len(),
            2
        );
        t.cleanup().await;
    }
}
