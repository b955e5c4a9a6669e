use chrono::NaiveDate;
use domain::models::{
    ModelInput, ModelRefs, ModelTypeInput, NewModel, NewModelType, NewRating, RatingInput, Status,
    StatusChange,
};
use domain::org_units::{Level, OrgUnit};
use domain::page::Page;
use store::accounts::Scope;
use store::audit::{self, Author};
use store::models::{self, types, ImportModel, MatrixColumns, MatrixQuery, ModelQuery};
use store::org_units::{self as units, reference};
use store::testing::TestDb;
use store::Db;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-11-29";

async fn unit(db: &Db, level: Level, code: &str, on: &str) -> OrgUnit {
    units::resolve_code(db, level, code, date(on))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{code} on {on}"))
}

async fn type_id(db: &Db, code: &str) -> i64 {
    types::list(db, true)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == code)
        .unwrap()
        .id
}

async fn new_model(db: &Db, type_code: &str, u: &OrgUnit, name: &str, founded: &str) -> NewModel {
    let tid = type_id(db, type_code).await;
    let t = types::get(db, tid).await.unwrap().unwrap();
    let input = ModelInput {
        type_id: Some(tid),
        org_unit_id: Some(u.id),
        name: Some(name.into()),
        founded_on: Some(founded.into()),
        ..Default::default()
    };
    let refs = ModelRefs {
        model_type: Some(&t),
        unit: Some(u),
        exemplar: None,
        this: None,
    };
    NewModel::parse(&input, &refs, date(TODAY)).unwrap()
}

async fn count(db: &Db, q: ModelQuery) -> i64 {
    models::query::list(db, Scope::All, &q).await.unwrap().1
}

async fn matrix_total(db: &Db, unit: i64, on: &str) -> (i64, Vec<(String, i64)>) {
    let m = models::query::matrix(
        db,
        Scope::All,
        &MatrixQuery {
            org_unit: Some(unit),
            date: date(on),
            columns: MatrixColumns::Sector,
        },
    )
    .await
    .unwrap();
    assert_eq!(m.total, m.rows.iter().map(|r| r.total).sum::<i64>());
    let nonzero = m
        .rows
        .iter()
        .filter(|r| r.total > 0)
        .map(|r| (r.name.clone(), r.total))
        .collect();
    (m.total, nonzero)
}

/// Models founded in 2022 under legacy Nam Định and Hà Nam communes are
/// found there "as it was" and under Ninh Bình's 2025 communes "as it is
/// now", counted once each, with their status on every day.
#[tokio::test]
async fn models_across_the_2025_reform_as_it_was_and_as_it_is() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let n = types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
            .await
            .unwrap();
        assert_eq!(n, 22, "{}", t.label);
        // A second start leaves the catalogue to its users.
        assert_eq!(
            types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
                .await
                .unwrap(),
            0
        );

        let nam_dinh_legacy = unit(db, Level::Province, "36", "2022-01-01").await;
        let ha_nam_legacy = unit(db, Level::Province, "35", "2022-01-01").await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        // Phường Quang Trung (Phủ Lý) was split: default successor Phường Hà Nam.
        let quang_trung = unit(db, Level::Commune, "13285", "2022-01-01").await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;

        let a = models::create(
            db,
            Author::System,
            Scope::All,
            &new_model(
                db,
                "to_tuan_tra_nhan_dan",
                &vi_xuyen,
                "Tổ tuần tra Vị Xuyên",
                "2022-03-01",
            )
            .await,
        )
        .await
        .unwrap();
        let b = models::create(
            db,
            Author::System,
            Scope::All,
            &new_model(
                db,
                "tu_quan_antt",
                &vi_xuyen,
                "Tự quản ANTT Vị Xuyên",
                "2021-05-01",
            )
            .await,
        )
        .await
        .unwrap();
        let c = models::create(
            db,
            Author::System,
            Scope::All,
            &new_model(
                db,
                "camera_an_ninh",
                &quang_trung,
                "Camera Quang Trung",
                "2022-01-10",
            )
            .await,
        )
        .await
        .unwrap();
        assert_eq!(c.org_unit_id, quang_trung.id);
        models::change_status(
            db,
            Author::System,
            Scope::All,
            b.id,
            &StatusChange {
                status: Status::Dissolved,
                on_date: date("2024-05-01"),
                reason: "Sáp nhập tổ".into(),
            },
        )
        .await
        .unwrap();
        // The same model twice is refused, and nothing is written.
        let dup = models::create(
            db,
            Author::System,
            Scope::All,
            &new_model(
                db,
                "to_tuan_tra_nhan_dan",
                &vi_xuyen,
                "TỔ TUẦN TRA VỊ XUYÊN",
                "2022-03-01",
            )
            .await,
        )
        .await;
        assert!(
            matches!(dup, Err(store::StoreError::Conflict(_))),
            "{}",
            t.label
        );

        let q = |unit: i64, as_of: Option<&str>, status: Option<Status>| ModelQuery {
            org_unit: Some(unit),
            as_of: as_of.map(date),
            status,
            ..Default::default()
        };
        // As it was, in 2022: two under Nam Định, one under Hà Nam.
        assert_eq!(
            count(db, q(nam_dinh_legacy.id, Some("2022-06-01"), None)).await,
            2
        );
        assert_eq!(
            count(db, q(ha_nam_legacy.id, Some("2022-06-01"), None)).await,
            1
        );
        assert_eq!(
            count(db, q(nam_dinh_legacy.id, Some("2021-06-01"), None)).await,
            1
        );
        // As it is now: all three under Ninh Bình, two still active.
        assert_eq!(count(db, q(ninh_binh.id, None, None)).await, 3);
        assert_eq!(
            count(db, q(ninh_binh.id, None, Some(Status::Active))).await,
            2
        );
        assert_eq!(
            count(
                db,
                q(ninh_binh.id, Some("2023-01-01"), Some(Status::Active))
            )
            .await,
            3
        );
        assert_eq!(count(db, q(phuong_nam_dinh.id, None, None)).await, 2);

        // The matrix: the same counts, each model in one row.
        let (total, rows) = matrix_total(db, nam_dinh_legacy.id, "2022-06-01").await;
        assert_eq!(total, 2);
        assert_eq!(rows, vec![("Thành phố Nam Định".to_string(), 2)]);
        let (now_2022, rows_2022) = matrix_total(db, ninh_binh.id, "2022-06-01").await;
        assert_eq!(now_2022, 3, "{}: {rows_2022:?}", t.label);
        assert!(rows_2022.contains(&("Phường Nam Định".to_string(), 2)));
        assert!(
            rows_2022.contains(&("Phường Hà Nam".to_string(), 1)),
            "{rows_2022:?}"
        );
        let (today_total, _) = matrix_total(db, ninh_binh.id, TODAY).await;
        assert_eq!(today_total, 2);

        // Ratings, exemplars and replication.
        let r = NewRating::parse(
            &RatingInput {
                year: Some(2023),
                rating: Some("good".into()),
                rated_on: Some("2023-12-15".into()),
                rater: Some("Công an tỉnh".into()),
                note: None,
                exemplar: Some(true),
            },
            a.founded_on,
            date(TODAY),
        )
        .unwrap();
        let a = models::rate(db, Author::System, Scope::All, a.id, &r)
            .await
            .unwrap();
        assert!(a.is_exemplar && a.last_exemplar);
        assert_eq!(a.last_rating.as_deref(), Some("good"));
        let ex = models::exemplar_ref(db, store::accounts::Scope::All, a.id)
            .await
            .unwrap()
            .unwrap();
        let tid = type_id(db, "to_tuan_tra_nhan_dan").await;
        let t_patrol = types::get(db, tid).await.unwrap().unwrap();
        let replica = NewModel::parse(
            &ModelInput {
                type_id: Some(tid),
                org_unit_id: Some(phuong_nam_dinh.id),
                name: Some("Tổ tuần tra tổ dân phố 5".into()),
                founded_on: Some("2025-09-01".into()),
                replicated_from: Some(a.id),
                ..Default::default()
            },
            &ModelRefs {
                model_type: Some(&t_patrol),
                unit: Some(&phuong_nam_dinh),
                exemplar: Some(&ex),
                this: None,
            },
            date(TODAY),
        )
        .unwrap();
        let d = models::create(db, Author::System, Scope::All, &replica)
            .await
            .unwrap();
        let (reps, hidden) = models::replicas(db, Scope::All, a.id).await.unwrap();
        assert_eq!((reps.len(), hidden), (1, 0));
        assert_eq!(reps[0].id, d.id);
        let exemplars = ModelQuery {
            exemplar: Some(true),
            ..Default::default()
        };
        assert_eq!(count(db, exemplars.clone()).await, 1);
        let in_2022 = ModelQuery {
            as_of: Some(date("2022-12-31")),
            ..exemplars
        };
        assert_eq!(count(db, in_2022).await, 0, "exemplar only from 2023");

        // Search without diacritics, paging and sorting.
        let found = models::query::list(
            db,
            Scope::All,
            &ModelQuery {
                q: Some("tuan tra".into()),
                sort: models::Sort::Name,
                page: Page {
                    page: 1,
                    per_page: 1,
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(found.1, 2);
        assert_eq!(found.0[0].name, "Tổ tuần tra tổ dân phố 5");
        // A LIKE wildcard typed by a user matches itself only.
        assert_eq!(
            count(
                db,
                ModelQuery {
                    q: Some("%".into()),
                    ..Default::default()
                }
            )
            .await,
            0
        );

        // Every write is in the audit log, with the model's history.
        let h = audit::history(db, "model", &b.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            vec!["status", "create"]
        );
        assert_eq!(
            audit::verify(db).await.unwrap(),
            Ok(audit::verify(db).await.unwrap().unwrap())
        );

        // An import is all or nothing: a duplicate inside the batch rolls back the rest.
        let before = count(db, ModelQuery::default()).await;
        let batch = vec![
            ImportModel {
                model: new_model(
                    db,
                    "camera_an_ninh",
                    &phuong_nam_dinh,
                    "Camera tổ 1",
                    "2025-08-01",
                )
                .await,
                later: None,
            },
            ImportModel {
                model: new_model(
                    db,
                    "to_tuan_tra_nhan_dan",
                    &vi_xuyen,
                    "Tổ tuần tra Vị Xuyên",
                    "2022-03-01",
                )
                .await,
                later: None,
            },
        ];
        assert!(models::import(db, Author::System, &batch, "x", |_| {})
            .await
            .is_err());
        assert_eq!(count(db, ModelQuery::default()).await, before);
        let ok = vec![ImportModel {
            model: new_model(
                db,
                "camera_an_ninh",
                &phuong_nam_dinh,
                "Camera tổ 1",
                "2025-08-01",
            )
            .await,
            later: Some(StatusChange {
                status: Status::Paused,
                on_date: date("2026-01-05"),
                reason: "Hỏng thiết bị".into(),
            }),
        }];
        let ids = models::import(db, Author::System, &ok, "x", |_| {})
            .await
            .unwrap();
        assert_eq!(ids.len(), ok.len(), "{}", t.label);
        let m = models::get(db, Scope::All, ids[0]).await.unwrap().unwrap();
        assert_eq!(
            (m.status.as_str(), m.status_since),
            ("paused", date("2026-01-05"))
        );
        assert_eq!(models::status_spans(db, m.id).await.unwrap().len(), 2);
        // Each imported model's history shows its import; the chain holds.
        let h = audit::history(db, "model", &m.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            h.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
            vec!["import"]
        );
        assert!(audit::verify(db).await.unwrap().is_ok(), "{}", t.label);

        // Rows are written in place order; the ids still come back in the
        // file's order, each with its own audit record.
        let mut three = Vec::new();
        for (unit, name, founded) in [
            (&vi_xuyen, "Camera ngã ba", "2022-03-02"),
            (&quang_trung, "Camera chợ", "2022-03-03"),
            (&phuong_nam_dinh, "Camera bến xe", "2025-09-01"),
        ] {
            let model = new_model(db, "camera_an_ninh", unit, name, founded).await;
            three.push(ImportModel { model, later: None });
        }
        three.sort_by_key(|r| std::cmp::Reverse(r.model.org_unit_id));
        let ids = models::import(db, Author::System, &three, "x", |_| {})
            .await
            .unwrap();
        assert_eq!(ids.len(), three.len(), "{}", t.label);
        for (id, row) in ids.iter().zip(&three) {
            let m = models::get(db, Scope::All, *id).await.unwrap().unwrap();
            assert_eq!(m.name, row.model.name, "{}", t.label);
            let h = audit::history(db, "model", &id.to_string()).await.unwrap();
            assert_eq!(h.len(), 1, "{}", t.label);
        }
        assert!(audit::verify(db).await.unwrap().is_ok(), "{}", t.label);
        t.cleanup().await;
    }
}

/// The ids of every match, in the list's order, as a file export reads them.
async fn export_ids(db: &Db, q: &ModelQuery) -> Vec<i64> {
    let rows = models::query::export(db, Scope::All, q).await.unwrap();
    rows.iter().map(|r| r.id).collect()
}

/// The ids of a list's page, in order.
async fn page_ids(db: &Db, q: &ModelQuery) -> (Vec<i64>, i64) {
    let (rows, total) = models::query::list(db, Scope::All, q).await.unwrap();
    (rows.iter().map(|r| r.id).collect(), total)
}

/// The national units, the catalogue and `n` generated models over 300
/// villages, with ten years of status changes and ratings.
async fn generated(db: &Db, n: usize, seed: u64) {
    reference::load(db, &reference::ReferenceData::embedded(), false)
        .await
        .unwrap();
    types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
        .await
        .unwrap();
    store::bench_support::generate_models(db, 300, n, seed, date(TODAY))
        .await
        .unwrap();
}

#[tokio::test]
async fn lists_count_up_to_the_cap_and_keep_their_order_past_it() {
    use store::models::query::{Sort, COUNT_CAP};
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        generated(db, 1_500, 7).await;
        let page = |page: u32| Page { page, per_page: 20 };
        // Every model, newest first: the count stops one past the cap.
        let all = ModelQuery {
            page: page(1),
            ..Default::default()
        };
        let (first, total) = page_ids(db, &all).await;
        assert_eq!(total, COUNT_CAP + 1, "{}", t.label);
        assert_eq!(first.len(), 20);
        assert!(
            first.windows(2).all(|w| w[0] > w[1]),
            "{}: {first:?}",
            t.label
        );
        // A page past the cap is the same slice of the full order.
        let every: Vec<i64> = models::query::export(db, Scope::All, &all)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(every.len(), 1_500);
        let q = ModelQuery {
            page: page(52),
            ..Default::default()
        };
        let (past, total) = page_ids(db, &q).await;
        assert_eq!(past, every[1_020..1_040], "{}", t.label);
        assert_eq!(total, 1_041, "{}", t.label);
        // A place with a field and a status, sorted by founding date either
        // way (on SQLite the place drives, and the field's sort index
        // serves the whole country): the page is the head of the export.
        let province = unit(db, Level::Province, "38", TODAY).await;
        for sort in [Sort::FoundedDesc, Sort::Founded, Sort::Name] {
            for org_unit in [Some(province.id), None] {
                let q = ModelQuery {
                    org_unit,
                    sector: Some(domain::models::Sector::from_static("residential")),
                    status: Some(Status::Active),
                    sort,
                    page: page(1),
                    ..Default::default()
                };
                let (ids, total) = page_ids(db, &q).await;
                let expected = export_ids(db, &q).await;
                assert!(!expected.is_empty(), "{} {sort:?} {org_unit:?}", t.label);
                assert_eq!(total, (expected.len() as i64).min(COUNT_CAP + 1));
                assert_eq!(
                    ids,
                    expected[..expected.len().min(20)],
                    "{} {sort:?} {org_unit:?}",
                    t.label
                );
            }
        }
        // A text searched across the country (on SQLite through
        // `model_names`, newest first): the page and the count agree with
        // the export, which reads the models' own names.
        for text in ["1", "12", "Tuần", "an ninh", "%", "không có"] {
            for sort in [Sort::Newest, Sort::Name] {
                let q = ModelQuery {
                    q: Some(text.into()),
                    sort,
                    page: page(2),
                    ..Default::default()
                };
                let (ids, total) = page_ids(db, &q).await;
                let expected = export_ids(db, &q).await;
                assert_eq!(total, (expected.len() as i64).min(COUNT_CAP + 1));
                let (from, to) = (20.min(expected.len()), 40.min(expected.len()));
                assert_eq!(ids, expected[from..to], "{} «{text}» {sort:?}", t.label);
            }
        }
        t.cleanup().await;
    }
}

/// Every "as of a day" filter (each status, each rating, exemplar or not)
/// picks exactly the models whose own history says so, computed here from
/// each model's status changes and ratings, on several days, across the
/// country and within a province. The SQL asks these in two ways (each
/// model's change in force; the year's ratings read once as a set); this
/// holds them to the models' own history.
/// The first `n` models active and founded before `before` take the
/// first one, two, three or four of `steps` in turn (the generator changes
/// a status at most once, for good).
async fn change_statuses(
    db: &Db,
    models: &[models::ModelRow],
    before: &str,
    n: usize,
    steps: &[(Status, &str)],
) {
    let old_active = models
        .iter()
        .filter(|m| m.founded_on < date(before) && m.status == "active");
    for (i, m) in old_active.take(n).enumerate() {
        for (status, on) in steps.iter().take(1 + i % steps.len()) {
            let c = StatusChange {
                status: *status,
                on_date: date(on),
                reason: "Kiểm tra".into(),
            };
            models::change_status(db, Author::System, Scope::All, m.id, &c)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn as_of_filters_agree_with_each_models_history() {
    use domain::models::Rating;
    use std::collections::BTreeSet;
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        generated(db, 600, 11).await;
        let ids =
            |rows: Vec<models::ModelRow>| -> BTreeSet<i64> { rows.iter().map(|r| r.id).collect() };
        let export =
            |q: ModelQuery| async move { models::query::export(db, Scope::All, &q).await.unwrap() };
        let everything = export(ModelQuery::default()).await;
        assert_eq!(everything.len(), 600);
        // The generator changes a status at most once, for good; some models
        // here are paused, started again, paused and dissolved, so that a
        // status in force ends before the days asked.
        let steps = [
            (Status::Paused, "2020-05-01"),
            (Status::Active, "2022-01-01"),
            (Status::Paused, "2023-06-01"),
            (Status::Dissolved, "2024-01-01"),
        ];
        change_statuses(db, &everything, "2019-01-01", 60, &steps).await;
        let province = unit(db, Level::Province, "38", TODAY).await;
        let in_province = ids(export(ModelQuery {
            org_unit: Some(province.id),
            ..Default::default()
        })
        .await);
        assert!(!in_province.is_empty() && in_province.len() < 600);
        let mut history = Vec::new();
        for m in &everything {
            let spans = models::status_spans(db, m.id).await.unwrap();
            let ratings = models::ratings(db, m.id).await.unwrap();
            history.push((m.id, m.founded_on, spans, ratings));
        }
        let mut seen = (0, 0, 0);
        for day in ["2018-03-01", "2022-06-01", "2024-01-01", TODAY].map(date) {
            let year = chrono::Datelike::year(&day);
            let founded = history.iter().filter(|h| h.1 <= day);
            let status_on = |spans: &[domain::models::StatusSpan]| {
                spans
                    .iter()
                    .rev()
                    .find(|s| s.on_date <= day)
                    .map(|s| s.status)
            };
            let rating_in =
                |ratings: &[models::RatingRow]| ratings.iter().find(|r| r.year == year).cloned();
            for place in [None, Some(province.id)] {
                let here = |id: &i64| place.is_none() || in_province.contains(id);
                let q = ModelQuery {
                    as_of: Some(day),
                    org_unit: place,
                    ..Default::default()
                };
                for s in Status::ALL {
                    let expected: BTreeSet<i64> = founded
                        .clone()
                        .filter(|h| here(&h.0) && status_on(&h.2) == Some(s))
                        .map(|h| h.0)
                        .collect();
                    if s == Status::Paused {
                        seen.0 += expected.len();
                    }
                    let got = ids(export(ModelQuery {
                        status: Some(s),
                        ..q.clone()
                    })
                    .await);
                    assert_eq!(got, expected, "{} {s:?} on {day} in {place:?}", t.label);
                }
                for r in Rating::ALL {
                    let expected: BTreeSet<i64> = founded
                        .clone()
                        .filter(|h| {
                            here(&h.0) && rating_in(&h.3).is_some_and(|x| x.rating == r.as_str())
                        })
                        .map(|h| h.0)
                        .collect();
                    seen.1 += expected.len();
                    let got = ids(export(ModelQuery {
                        rating: Some(r),
                        ..q.clone()
                    })
                    .await);
                    assert_eq!(got, expected, "{} {r:?} on {day} in {place:?}", t.label);
                }
                for e in [true, false] {
                    let expected: BTreeSet<i64> = founded
                        .clone()
                        .filter(|h| here(&h.0) && rating_in(&h.3).is_some_and(|x| x.exemplar) == e)
                        .map(|h| h.0)
                        .collect();
                    if e {
                        seen.2 += expected.len();
                    }
                    let got = ids(export(ModelQuery {
                        exemplar: Some(e),
                        ..q.clone()
                    })
                    .await);
                    assert_eq!(
                        got, expected,
                        "{} exemplar {e} on {day} in {place:?}",
                        t.label
                    );
                }
            }
        }
        // The generated history holds each case, so that the checks above
        // compared something.
        assert!(
            seen.0 > 0 && seen.1 > 0 && seen.2 > 0,
            "{}: {seen:?}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A catalogue of four shipped types, in the shipped file's columns.
fn catalogue(lines: &[&str]) -> String {
    let mut s = String::from(
        "code,name,short_name,sector,targets,description,legal_basis,lead_org,coordinating_orgs,source\n",
    );
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s
}

async fn audit_records(db: &Db) -> i64 {
    let q = store::audit::AuditQuery {
        page: Page::parse(Some("1"), Some("1")).unwrap(),
        ..Default::default()
    };
    audit::search(db, Scope::All, &q).await.unwrap().1
}

/// A later catalogue reaches an existing database (`binhyen
/// import-catalogue`): shipped types are corrected, added or retired; a
/// type a person changed here, or added under a code the catalogue now
/// uses, is left as it is; applying it again writes nothing.
#[tokio::test]
async fn a_newer_catalogue_reaches_an_existing_database() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let l = t.label;
        let today = date("2026-12-01");
        let first = catalogue(&[
            "ca_mot,Loại một,,residential,village,,,,,bài viết",
            "ca_hai,Loại hai,,residential,village,,,,,ví dụ",
            "ca_ba,Loại ba,,residential,village,,,,,ví dụ",
            "ca_bon,Loại bốn,,residential,village,,,,,ví dụ",
        ]);
        let done = types::apply_catalogue(db, &first, today).await.unwrap();
        assert_eq!((done.added, done.updated, done.retired), (4, 0, 0), "{l}");
        let hash = domain::accounts::NewPassword::parse("mat-khau-do-dai-du")
            .unwrap()
            .hash()
            .unwrap();
        let officer = store::accounts::create_user(
            db,
            Author::System,
            &store::accounts::NewUser {
                username: "canbo".into(),
                display_name: "Cán bộ".into(),
                password_hash: hash,
                role: domain::accounts::Role::Admin,
                scopes: vec![],
                must_change_password: false,
            },
        )
        .await
        .unwrap();
        // A person renames ca_bon, and adds ca_nam before the catalogue has it.
        let bon = types::get(db, type_id(db, "ca_bon").await)
            .await
            .unwrap()
            .unwrap();
        let input = ModelTypeInput {
            name: Some("Loại bốn (tỉnh sửa)".into()),
            ..Default::default()
        };
        let edited = NewModelType::parse(&input, Some(&bon), today).unwrap();
        types::update(db, Author::User(officer), bon.id, &edited)
            .await
            .unwrap();
        let own = ModelTypeInput {
            code: Some("ca_nam".into()),
            name: Some("Loại năm của tỉnh".into()),
            sector: Some("residential".into()),
            targets: Some(vec!["village".into()]),
            ..Default::default()
        };
        let own = NewModelType::parse(&own, None, today).unwrap();
        types::create(
            db,
            Author::User(officer),
            domain::catalogue::Owner::National,
            &own,
        )
        .await
        .unwrap();

        let second = catalogue(&[
            "ca_mot,Loại một (đã sửa),,residential,village;commune,,Thông tri 10,,,bài viết",
            "ca_hai,Loại hai,,residential,village,,,,,ví dụ",
            "ca_bon,Loại bốn mới,,residential,village,,,,,ví dụ",
            "ca_nam,Loại năm,,residential,village,,,,,bài viết",
            "ca_sau,Loại sáu,,residential,village,,,,,ví dụ",
        ]);
        let done = types::apply_catalogue(db, &second, today).await.unwrap();
        assert_eq!(
            (done.added, done.updated, done.retired, done.unchanged),
            (1, 1, 1, 1),
            "{l}: {done:?}"
        );
        assert_eq!(done.kept, vec!["ca_bon", "ca_nam"], "{l}");
        let get = |code: &'static str| async move {
            types::get(db, type_id(db, code).await)
                .await
                .unwrap()
                .unwrap()
        };
        let mot = get("ca_mot").await;
        assert_eq!(mot.name, "Loại một (đã sửa)", "{l}");
        assert_eq!(
            mot.target_names,
            vec!["Thôn, tổ dân phố", "Xã, phường"],
            "{l}"
        );
        assert_eq!(mot.legal_basis.as_deref(), Some("Thông tri 10"), "{l}");
        assert_eq!(
            get("ca_ba").await.retired_on,
            Some(today),
            "{l}: gone from the catalogue"
        );
        assert_eq!(
            get("ca_bon").await.name,
            "Loại bốn (tỉnh sửa)",
            "{l}: the person's change stays"
        );
        assert_eq!(
            get("ca_nam").await.source,
            None,
            "{l}: the province's own type stays its own"
        );
        assert_eq!(get("ca_sau").await.source.as_deref(), Some("ví dụ"), "{l}");

        let records = audit_records(db).await;
        let again = types::apply_catalogue(db, &second, today).await.unwrap();
        assert_eq!(
            (again.added, again.updated, again.retired, again.unchanged),
            (0, 0, 0, 3),
            "{l}: {again:?}"
        );
        assert_eq!(audit_records(db).await, records, "{l}: nothing recorded");

        // A line without its source is refused, and nothing is written.
        let bad = catalogue(&["ca_bay,Loại bảy,,residential,village,,,,,"]);
        assert!(
            types::apply_catalogue(db, &bad, today).await.is_err(),
            "{l}"
        );
        assert_eq!(audit_records(db).await, records, "{l}");
    }
}

/// The monthly report's model figures are counted from the register, for
/// a legacy commune before July 2025 and for its 2025 successor after, the
/// month that straddles 1 July split between them; submitted, they roll up
/// under legacy Nam Định as it was and under Ninh Bình as it is now.
#[tokio::test]
async fn the_register_counts_the_monthly_model_figures_across_the_2025_reform() {
    use domain::statistics::{ApprovalAction, Origin, Period};
    use store::statistics::values::{self, FormKey, ValueWrite, Who};
    use store::statistics::{self, PivotQuery, View};
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        let successor = units::mapped_to(db, vi_xuyen.id, date("2025-07-01"))
            .await
            .unwrap()
            .unwrap();
        let nam_dinh_legacy = unit(db, Level::Province, "36", "2022-01-01").await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let create = async |m: NewModel| {
            models::create(db, Author::System, Scope::All, &m)
                .await
                .unwrap()
        };
        let patrol = "to_tuan_tra_nhan_dan";
        let a = create(new_model(db, patrol, &vi_xuyen, "Tổ A", "2020-05-10").await).await;
        models::rate(
            db,
            Author::System,
            Scope::All,
            a.id,
            &NewRating {
                year: 2023,
                rating: domain::models::Rating::Good,
                rated_on: date("2024-01-10"),
                rater: "Công an tỉnh Nam Định".into(),
                note: None,
                exemplar: true,
            },
        )
        .await
        .unwrap();
        let mut replica = new_model(db, patrol, &vi_xuyen, "Tổ B", "2024-11-20").await;
        replica.replicated_from = Some(a.id);
        create(replica).await;
        let c = create(new_model(db, patrol, &vi_xuyen, "Tổ C", "2024-03-01").await).await;
        models::change_status(
            db,
            Author::System,
            Scope::All,
            c.id,
            &StatusChange {
                status: Status::Paused,
                on_date: date("2024-10-01"),
                reason: "Thiếu người".into(),
            },
        )
        .await
        .unwrap();
        create(new_model(db, patrol, &successor, "Tổ D", "2025-07-05").await).await;
        create(new_model(db, patrol, &vi_xuyen, "Tổ E", "2025-06-20").await).await;

        let set = statistics::data_set_by_code(db, "bao_cao_thang")
            .await
            .unwrap()
            .unwrap();
        let who = Who {
            author: Author::System,
            role: domain::accounts::Role::Admin,
            scope: Scope::All,
        };
        let figures = async |unit: &OrgUnit, p: &str| -> Vec<Option<f64>> {
            let key = FormKey {
                set: set.id,
                unit: unit.id,
                period: Period::parse("p", p).unwrap(),
            };
            let form = values::form(db, who, key, date(TODAY)).await.unwrap();
            ["so_mo_hinh", "mo_hinh_moi", "diem_nhan_rong", "dien_hinh"]
                .iter()
                .map(|code| {
                    let v = form.values.iter().find(|v| v.code == *code).unwrap();
                    assert_eq!(v.origin, Origin::Register, "{l} {code} {p}");
                    v.value
                })
                .collect()
        };
        // December 2024 (15/11 – 14/12): A and B active (C paused), B new
        // and a replication of the exemplar A.
        let some = |v: [f64; 4]| v.map(Some).to_vec();
        assert_eq!(
            figures(&vi_xuyen, "2024-12").await,
            some([2.0, 1.0, 1.0, 1.0]),
            "{l}"
        );
        // The successor did not exist yet: no figure at all.
        assert_eq!(figures(&successor, "2024-12").await, vec![None; 4], "{l}");
        // July 2025 (15/06 – 14/07): E was founded at the legacy commune,
        // D at its successor, which alone holds the stock on 14/07.
        assert_eq!(
            figures(&vi_xuyen, "2025-07").await,
            vec![None, Some(1.0), Some(0.0), None],
            "{l}"
        );
        assert_eq!(
            figures(&successor, "2025-07").await,
            some([4.0, 1.0, 0.0, 1.0]),
            "{l}"
        );
        assert_eq!(
            figures(&successor, "2025-12").await,
            some([4.0, 0.0, 0.0, 1.0]),
            "{l}"
        );

        // Typing a computed figure is refused.
        let typed = values::write(
            db,
            who,
            &[ValueWrite {
                indicator: "so_mo_hinh".into(),
                org_unit: vi_xuyen.id,
                period: Period::parse("p", "2024-12").unwrap(),
                value: Some(9.0),
                comment: None,
            }],
            date(TODAY),
        )
        .await;
        let err = format!("{typed:?}");
        assert!(err.contains("ValueComputed"), "{l}: {err}");

        // Submitted, the register's figures are stored and roll up.
        let key = FormKey {
            set: set.id,
            unit: vi_xuyen.id,
            period: Period::parse("p", "2024-12").unwrap(),
        };
        values::act(db, who, key, ApprovalAction::Submit, None, date(TODAY))
            .await
            .unwrap();
        let form = values::form(db, who, key, date(TODAY)).await.unwrap();
        let stored = form.values.iter().find(|v| v.code == "so_mo_hinh").unwrap();
        assert_eq!(
            (stored.value, stored.origin),
            (Some(2.0), Origin::Computed),
            "{l}"
        );
        for (province, view) in [
            (nam_dinh_legacy.id, View::AsWas),
            (ninh_binh.id, View::AsNow),
        ] {
            let q = PivotQuery {
                indicators: vec!["so_mo_hinh".into(), "mo_hinh_moi".into()],
                org_unit: Some(province),
                level: None,
                periods: vec![Period::parse("p", "2024-12").unwrap()],
                view,
                approved_only: false,
            };
            let rows = statistics::pivot::query(db, Scope::All, &q)
                .await
                .unwrap()
                .rows;
            let got: Vec<(String, f64)> =
                rows.into_iter().map(|r| (r.indicator, r.value)).collect();
            assert_eq!(
                got,
                vec![("so_mo_hinh".into(), 2.0), ("mo_hinh_moi".into(), 1.0)],
                "{l} {view:?}"
            );
        }
    }
}

/// A row of a models file as the export writes it for `m`.
fn file_row(n: usize, m: &models::ModelRow) -> domain::models::file::FileRow {
    domain::models::file::FileRow {
        row: n,
        id: Some(m.id),
        type_code: m.type_code.clone(),
        unit: domain::file::UnitRef::Id(m.org_unit_id),
        input: ModelInput {
            name: Some(m.name.clone()),
            founded_on: Some(m.founded_on.to_string()),
            members: m.members,
            tags: Some(m.tag_list()),
            ..Default::default()
        },
        status: Status::parse("status", &m.status).ok(),
        later: None,
    }
}

/// Issue 25: a file that names stored models updates what it changes,
/// leaves the rest alone (no audit record), adds its new rows, after a
/// preview that writes nothing; a confirmation whose preview no longer
/// holds writes nothing.
#[tokio::test]
async fn an_edited_export_updates_what_changed_after_a_preview() {
    use domain::file::{Done, Imported, Mode};
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
            .await
            .unwrap();
        let ward = unit(db, Level::Commune, "13669", TODAY).await;
        let mut stored = Vec::new();
        for name in ["Camera A", "Camera B", "Camera C"] {
            let m = new_model(db, "camera_an_ninh", &ward, name, "2025-08-01").await;
            stored.push(
                models::create(db, Author::System, Scope::All, &m)
                    .await
                    .unwrap(),
            );
        }
        let audits = |db: &Db| {
            let db = db.clone();
            async move {
                let mut n = 0;
                for m in &stored_ids(&db).await {
                    n += audit::history(&db, "model", &m.to_string())
                        .await
                        .unwrap()
                        .len();
                }
                n
            }
        };
        let before_audits = audits(db).await;
        // Edited: B's members and C's name; A as exported; a new row.
        let mut rows: Vec<_> = stored
            .iter()
            .enumerate()
            .map(|(i, m)| file_row(i + 2, m))
            .collect();
        rows[1].input.members = Some(15);
        rows[2].input.name = Some("Camera C mới".into());
        let mut new = file_row(5, &stored[0]);
        new.id = None;
        new.input.name = Some("Camera D".into());
        rows.push(new);
        let run = |mode: Mode, rows: Vec<domain::models::file::FileRow>| async move {
            models::import_file(
                db,
                Author::System,
                Scope::All,
                Ok((rows, Vec::new())),
                "f",
                &mode,
                |_| {},
            )
            .await
            .unwrap()
        };
        let Imported::All(Done::Previewed {
            preview,
            stale: false,
        }) = run(Mode::Preview, rows.clone()).await
        else {
            panic!("{l}: no preview")
        };
        assert_eq!(
            (preview.new, preview.changed, preview.unchanged),
            (1, 2, 1),
            "{l}"
        );
        let fields: Vec<(&str, &str, &str)> = preview
            .changes
            .iter()
            .flat_map(|c| {
                c.fields
                    .iter()
                    .map(|f| (f.column.as_str(), f.before.as_str(), f.after.as_str()))
            })
            .collect();
        assert_eq!(
            fields,
            [
                ("Số thành viên", "", "15"),
                ("Tên mô hình", "Camera C", "Camera C mới")
            ],
            "{l}"
        );
        assert_eq!(
            audits(db).await,
            before_audits,
            "{l}: a preview writes nothing"
        );

        // B changes meanwhile: the confirmation finds another file effect.
        let b = &stored[1];
        let mut changed = new_model(db, "camera_an_ninh", &ward, "Camera B", "2025-08-01").await;
        changed.leader_name = Some("Trần Văn B".into());
        models::update(db, Author::System, Scope::All, b.id, &changed)
            .await
            .unwrap();
        let Imported::All(Done::Previewed {
            preview: fresh,
            stale: true,
        }) = run(Mode::Confirm(preview.digest.clone()), rows.clone()).await
        else {
            panic!("{l}: a stale confirmation was written")
        };
        assert_eq!(fresh.changed, 2, "{l}");
        assert!(
            fresh.changes[0]
                .fields
                .iter()
                .any(|f| f.column == "Người phụ trách"),
            "{l}"
        );
        let after_update = audits(db).await;

        // Confirmed as it now stands: exactly the new row and the two
        // changes are written and audited.
        let Imported::All(Done::Written(w)) =
            run(Mode::Confirm(fresh.digest.clone()), rows.clone()).await
        else {
            panic!("{l}: not written")
        };
        assert_eq!(
            (
                w.written.new,
                w.written.changed,
                w.written.unchanged,
                w.created.len()
            ),
            (1, 2, 1, 1),
            "{l}"
        );
        let get = |id: i64| async move { models::get(db, Scope::All, id).await.unwrap().unwrap() };
        assert_eq!(get(b.id).await.members, Some(15), "{l}");
        assert_eq!(
            get(b.id).await.leader_name,
            None,
            "{l}: the file's value wins once confirmed"
        );
        assert_eq!(get(stored[2].id).await.name, "Camera C mới", "{l}");
        assert_eq!(
            audits(db).await,
            after_update + 3,
            "{l}: one record per written model"
        );
        let last = audit::history(db, "model", &b.id.to_string())
            .await
            .unwrap();
        assert!(last.iter().any(|e| e.action == "import"), "{l}");
        assert!(audit::verify(db).await.unwrap().is_ok(), "{l}");
        // The same file again changes nothing: the row without an id now
        // names Camera D by its type, unit and name.
        let Imported::All(Done::Written(w)) = run(Mode::Apply, rows.clone()).await else {
            panic!("{l}")
        };
        assert_eq!(
            (w.written.new, w.written.changed, w.written.unchanged),
            (0, 0, 4),
            "{l}"
        );
        assert_eq!(
            audits(db).await,
            after_update + 3,
            "{l}: unchanged rows write no record"
        );

        // A model's unit and status do not change through a file.
        let mut moved = file_row(2, &get(stored[0].id).await);
        moved.unit = domain::file::UnitRef::Id(unit(db, Level::Commune, "00004", TODAY).await.id);
        let mut paused = file_row(3, &get(stored[2].id).await);
        paused.status = Some(Status::Paused);
        paused.later = Some((Status::Paused, date("2026-01-01")));
        // Nor is a model renamed onto another one of its type and unit.
        let mut clash = file_row(4, &get(stored[1].id).await);
        clash.input.name = Some("Camera A".into());
        let Imported::Refused(errors) = run(Mode::Preview, vec![moved, paused, clash]).await else {
            panic!("{l}")
        };
        let cols: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            cols,
            ["ID đơn vị", "Trạng thái", "Tên mô hình"],
            "{l}: {errors:?}"
        );
    }
}

async fn stored_ids(db: &Db) -> Vec<i64> {
    models::query::export(db, Scope::All, &ModelQuery::default())
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

/// The models a review counts, checked against each model's own history:
/// the year-by-year table and the headlines of a national and a
/// provincial review over ten years, with models paused, started again
/// and dissolved, some founded as replicas, and ratings changing
/// exemplars (the figures count them in one pass over the histories).
#[tokio::test]
async fn a_reviews_model_figures_agree_with_each_models_history() {
    use domain::reviews::{Focus, Month, Period, View};
    use store::reviews::figures::{assemble, Ask};
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        generated(db, 600, 23).await;
        let everything = models::query::export(db, Scope::All, &ModelQuery::default())
            .await
            .unwrap();
        let steps = [
            (Status::Paused, "2018-05-01"),
            (Status::Active, "2019-01-01"),
            (Status::Paused, "2021-06-01"),
            (Status::Dissolved, "2023-12-31"),
        ];
        change_statuses(db, &everything, "2017-01-01", 80, &steps).await;
        // Every seventh model founded as a replica of the first.
        let replicas = "UPDATE models SET replicated_from = (SELECT MIN(id) FROM models)
                         WHERE id % 7 = 0 AND id <> (SELECT MIN(id) FROM models)";
        match db.backend() {
            store::Backend::Sqlite(p) => sqlx::query(replicas).execute(p).await.map(|_| ()),
            store::Backend::Postgres(p) => sqlx::query(replicas).execute(p).await.map(|_| ()),
        }
        .unwrap();
        let province = unit(db, Level::Province, "38", TODAY).await;
        let in_province: std::collections::BTreeSet<i64> = models::query::export(
            db,
            Scope::All,
            &ModelQuery {
                org_unit: Some(province.id),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
        let mut history = Vec::new();
        for m in models::query::export(db, Scope::All, &ModelQuery::default())
            .await
            .unwrap()
        {
            let spans = models::status_spans(db, m.id).await.unwrap();
            let ratings = models::ratings(db, m.id).await.unwrap();
            history.push((m, spans, ratings));
        }
        // [active, new, replicated, exemplars] from `first` to `end`.
        let expected = |place: Option<i64>, first: NaiveDate, end: NaiveDate| {
            let mut v = [0.0; 4];
            for (m, spans, ratings) in &history {
                if place.is_some() && !in_province.contains(&m.id) || m.founded_on > end {
                    continue;
                }
                let active = spans
                    .iter()
                    .rev()
                    .find(|s| s.on_date <= end)
                    .map(|s| s.status)
                    == Some(Status::Active);
                let rating = ratings
                    .iter()
                    .filter(|r| r.rated_on <= end)
                    .max_by_key(|r| (r.rated_on, r.year));
                let new = m.founded_on >= first;
                v[0] += f64::from(u8::from(active));
                v[1] += f64::from(u8::from(new));
                v[2] += f64::from(u8::from(new && m.replicated_from.is_some()));
                v[3] += f64::from(u8::from(active && rating.is_some_and(|r| r.exemplar)));
            }
            v
        };
        let today = date(TODAY);
        let period = Period::new(
            Month::parse("from", "2016-01", true).unwrap(),
            Month::parse("to", "2025-12", false).unwrap(),
            today,
        )
        .unwrap();
        let mut seen = [0.0; 4];
        for place in [None, Some(province.id)] {
            let ask = Ask {
                unit: place,
                period,
                view: View::Now,
                focus: Focus::default(),
                today,
                brief: false,
            };
            let figures = assemble(db, &ask).await.unwrap();
            let part = figures.parts.iter().find(|p| p.source == "models").unwrap();
            let whole = expected(place, period.first_day(), period.last_day());
            let codes = [
                "models_active",
                "models_new",
                "models_replicated",
                "models_exemplar",
            ];
            for (code, want) in codes.iter().zip(whole) {
                let h = part.headlines.iter().find(|h| h.code == *code).unwrap();
                assert_eq!(h.value, want, "{} {code} in {place:?}", t.label);
            }
            let years = &part.tables[0];
            assert_eq!(years.rows.len(), 10, "{}", t.label);
            for (r, (y, first, last)) in years.rows.iter().zip(period.years()) {
                assert_eq!(r.label, y.to_string());
                let want = expected(place, first, last);
                let got: Vec<f64> = r.values.iter().map(|v| v.unwrap_or(-1.0)).collect();
                assert_eq!(got, want.to_vec(), "{} {y} in {place:?}", t.label);
                for (s, w) in seen.iter_mut().zip(want) {
                    *s += w;
                }
            }
        }
        assert!(seen.iter().all(|s| *s > 0.0), "{}: {seen:?}", t.label);
        t.cleanup().await;
    }
}
