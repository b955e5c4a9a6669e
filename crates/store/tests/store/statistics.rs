use chrono::NaiveDate;
use domain::accounts::Role;
use domain::catalogue::Owner;
use domain::file::UnitRef;
use domain::org_units::{
    Level, Merge, MergeInput, NewUnit, NewUnitInput, OrgUnit, Split, SplitInput, VillageInput,
};
use domain::statistics::file::ValueRow;
use domain::statistics::{
    ApprovalAction, DataSetId, DataSetInput, IndicatorInput, NewDataSet, NewIndicator, Period,
    ShareInput, Shares,
};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use store::accounts::Scope;
use store::audit::{self, Author};
use store::org_units::{self as units, reference};
use store::statistics::rollups;
use store::statistics::values::{self, FormKey, ValueWrite, Who};
use store::statistics::{self, PivotQuery, View};
use store::testing::TestDb;
use store::Db;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn period(s: &str) -> Period {
    Period::parse("p", s).unwrap()
}

const TODAY: &str = "2026-11-29";
const ADMIN: Who = Who {
    author: Author::System,
    role: Role::Admin,
    scope: Scope::All,
};

async fn unit(db: &Db, level: Level, code: &str, on: &str) -> OrgUnit {
    units::resolve_code(db, level, code, date(on))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{code} on {on}"))
}

fn write(code: &str, unit: &OrgUnit, p: &str, v: Option<f64>) -> ValueWrite {
    ValueWrite {
        indicator: code.into(),
        org_unit: unit.id,
        period: period(p),
        value: v,
        comment: None,
    }
}

async fn pivot(
    db: &Db,
    codes: &[&str],
    org_unit: Option<i64>,
    level: Option<Level>,
    periods: &[&str],
    view: View,
    approved_only: bool,
) -> Vec<(String, Option<i64>, String, f64)> {
    let q = PivotQuery {
        indicators: codes.iter().map(|s| s.to_string()).collect(),
        org_unit,
        level,
        periods: periods.iter().map(|p| period(p)).collect(),
        view,
        approved_only,
    };
    statistics::pivot::query(db, Scope::All, &q)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.indicator, r.org_unit_id, r.period.to_string(), r.value))
        .collect()
}

/// One figure of the pivot (all entered figures), if any.
async fn figure(db: &Db, code: &str, unit: i64, p: &str, view: View) -> Option<f64> {
    let q = PivotQuery {
        indicators: vec![code.into()],
        org_unit: Some(unit),
        level: None,
        periods: vec![period(p)],
        view,
        approved_only: false,
    };
    statistics::pivot::query(db, Scope::All, &q)
        .await
        .unwrap()
        .rows
        .first()
        .map(|r| r.value)
}

fn sum_of(rows: &[(String, Option<i64>, String, f64)]) -> f64 {
    rows.iter().map(|r| r.3).sum()
}

/// Figures entered in 2022 for legacy Nam Định and Hà Nam communes show
/// under those provinces as it was and under Ninh Bình and its 2025
/// communes as it is now; the national totals agree in both views.
#[tokio::test]
async fn figures_across_the_2025_reform_in_both_views() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let today = date(TODAY);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        assert!(
            statistics::load_catalogue(db).await.unwrap() >= 30,
            "{}",
            t.label
        );
        assert_eq!(statistics::load_catalogue(db).await.unwrap(), 0);
        crate::tips_typed(db).await;

        let nam_dinh_legacy = unit(db, Level::Province, "36", "2022-01-01").await;
        let ha_nam_legacy = unit(db, Level::Province, "35", "2022-01-01").await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        let quang_trung = unit(db, Level::Commune, "13285", "2022-01-01").await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;

        let monthly = statistics::data_set_by_code(db, "bao_cao_thang")
            .await
            .unwrap()
            .unwrap();
        let key = FormKey {
            set: monthly.id,
            unit: vi_xuyen.id,
            period: period("2022-03"),
        };
        let r = values::write(
            db,
            ADMIN,
            &[
                write("tin_bao", &vi_xuyen, "2022-03", Some(5.0)),
                write("tin_bao", &vi_xuyen, "2022-04", Some(3.0)),
                write("tin_bao", &quang_trung, "2022-03", Some(7.0)),
                write("to_hoa_giai", &vi_xuyen, "2022-01", Some(4.0)),
                write("to_hoa_giai", &vi_xuyen, "2022-03", Some(6.0)),
                write("tin_bao", &phuong_nam_dinh, "2026-03", Some(4.0)),
            ],
            today,
        )
        .await
        .unwrap();
        assert_eq!(r.written, 6, "{}", t.label);

        // As it was: 2022 under the legacy provinces; Ninh Bình (2025) has none.
        let was = pivot(
            db,
            &["tin_bao"],
            None,
            Some(Level::Province),
            &["2022"],
            View::AsWas,
            false,
        )
        .await;
        assert!(
            was.contains(&(
                "tin_bao".into(),
                Some(nam_dinh_legacy.id),
                "2022".into(),
                8.0
            )),
            "{was:?}"
        );
        assert!(
            was.contains(&("tin_bao".into(), Some(ha_nam_legacy.id), "2022".into(), 7.0)),
            "{was:?}"
        );
        assert!(!was.iter().any(|r| r.1 == Some(ninh_binh.id)));
        // As it is now: all of it under Ninh Bình; the totals agree.
        let now = pivot(
            db,
            &["tin_bao"],
            None,
            Some(Level::Province),
            &["2022"],
            View::AsNow,
            false,
        )
        .await;
        assert_eq!(
            now,
            vec![("tin_bao".into(), Some(ninh_binh.id), "2022".into(), 15.0)]
        );
        assert_eq!(sum_of(&was), sum_of(&now));
        for view in [View::AsWas, View::AsNow] {
            let country = pivot(
                db,
                &["tin_bao"],
                None,
                None,
                &["2022", "2022-Q1", "2026"],
                view,
                false,
            )
            .await;
            assert_eq!(
                country
                    .iter()
                    .map(|r| (r.2.as_str(), r.3))
                    .collect::<Vec<_>>(),
                [("2022-Q1", 12.0), ("2022", 15.0), ("2026", 4.0)],
                "{} {view:?}",
                t.label
            );
        }
        // Ninh Bình's 2025 communes as it is now: each legacy commune under
        // its default successor (Quang Trung was split).
        let communes = pivot(
            db,
            &["tin_bao"],
            Some(ninh_binh.id),
            Some(Level::Commune),
            &["2022-03"],
            View::AsNow,
            false,
        )
        .await;
        assert_eq!(sum_of(&communes), 12.0);
        assert_eq!(communes.len(), 2, "{communes:?}");
        // A stock adds each unit's latest figure: Q1 is March's 6, not 10.
        let stock = pivot(
            db,
            &["to_hoa_giai"],
            Some(vi_xuyen.id),
            None,
            &["2022-Q1", "2022-01"],
            View::AsWas,
            false,
        )
        .await;
        assert_eq!(stock.iter().map(|r| r.3).collect::<Vec<_>>(), [4.0, 6.0]);

        // Nothing asked, nothing answered (no empty `IN ()` on PostgreSQL).
        assert!(pivot(db, &[], None, None, &["2022"], View::AsNow, true)
            .await
            .is_empty());
        assert!(pivot(
            db,
            &["tin_bao"],
            None,
            Some(Level::Province),
            &[],
            View::AsWas,
            false
        )
        .await
        .is_empty());
        // Approved figures only: none yet.
        assert!(
            pivot(db, &["tin_bao"], None, None, &["2022"], View::AsNow, true)
                .await
                .is_empty()
        );

        // A broken error rule blocks submission; a fixed one lets it through.
        values::write(
            db,
            ADMIN,
            &[write("tin_bao_co_gia_tri", &vi_xuyen, "2022-03", Some(9.0))],
            today,
        )
        .await
        .unwrap();
        let refused = values::act(db, ADMIN, key, ApprovalAction::Submit, None, today).await;
        assert!(refused.is_err(), "{}", t.label);
        values::write(
            db,
            ADMIN,
            &[write("tin_bao_co_gia_tri", &vi_xuyen, "2022-03", Some(2.0))],
            today,
        )
        .await
        .unwrap();
        let submitted = values::act(db, ADMIN, key, ApprovalAction::Submit, None, today)
            .await
            .unwrap();
        assert_eq!(submitted.state, "submitted");
        // Submitted figures are locked.
        let locked = values::write(
            db,
            ADMIN,
            &[write("tin_bao", &vi_xuyen, "2022-03", Some(50.0))],
            today,
        )
        .await;
        assert!(locked.is_err());
        let approved = values::act(db, ADMIN, key, ApprovalAction::Approve, None, today)
            .await
            .unwrap();
        assert!(approved.is_final);
        assert_eq!(
            pivot(
                db,
                &["tin_bao"],
                Some(ninh_binh.id),
                None,
                &["2022"],
                View::AsNow,
                true
            )
            .await,
            vec![("tin_bao".into(), Some(ninh_binh.id), "2022".into(), 5.0)]
        );
        // Un-approving needs a reason, and takes the figures out again.
        assert!(
            values::act(db, ADMIN, key, ApprovalAction::Unapprove, None, today)
                .await
                .is_err()
        );
        values::act(
            db,
            ADMIN,
            key,
            ApprovalAction::Unapprove,
            Some("Sai số liệu"),
            today,
        )
        .await
        .unwrap();
        assert!(
            pivot(db, &["tin_bao"], None, None, &["2022"], View::AsNow, true)
                .await
                .is_empty()
        );
        let history = values::approval_history(db, key).await.unwrap();
        assert_eq!(history.len(), 3);

        // Bad input changes nothing.
        let before = rollups::snapshot(db).await.unwrap();
        for bad in [
            vec![write("khong_co", &vi_xuyen, "2022-05", Some(1.0))],
            vec![write("tin_bao", &vi_xuyen, "2022-Q2", Some(1.0))],
            vec![write("tin_bao", &vi_xuyen, "2022-05", Some(-1.0))],
            vec![write("tin_bao", &vi_xuyen, "2022-05", Some(1.5))],
            vec![write("tin_bao", &vi_xuyen, "2026-01", Some(1.0))],
            vec![write("tin_bao", &phuong_nam_dinh, "2024-01", Some(1.0))],
            vec![write("tin_bao", &ninh_binh, "2024-01", Some(1.0))],
            vec![
                write("tin_bao", &vi_xuyen, "2022-05", Some(1.0)),
                write("tin_bao", &vi_xuyen, "2022-05", Some(2.0)),
            ],
            vec![write("tin_bao", &phuong_nam_dinh, "2027-01", Some(1.0))],
        ] {
            assert!(
                values::write(db, ADMIN, &bad, today).await.is_err(),
                "{} {bad:?}",
                t.label
            );
        }
        assert_eq!(rollups::snapshot(db).await.unwrap(), before);

        // Commune officers enter only in their scope and cannot approve.
        // The rebuilt rollups equal the incremental ones.
        rollups::rebuild(db).await.unwrap();
        assert_eq!(rollups::snapshot(db).await.unwrap(), before, "{}", t.label);
        assert!(audit::verify(db).await.unwrap().is_ok());
        t.cleanup().await;
    }
}

fn file_row(row: usize, unit: &str, p: &str, code: &str, v: f64) -> ValueRow {
    ValueRow {
        row,
        unit: UnitRef::Code {
            level: Level::Commune,
            code: unit.into(),
        },
        period: period(p),
        indicator: code.into(),
        value: v,
        comment: None,
    }
}

/// A file of figures names communes by code: the code means the unit that
/// carried it during the period. One bad row writes nothing and every
/// problem is reported with its row and column; a good file writes all.
#[tokio::test]
async fn figures_from_a_file_all_or_nothing() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let today = date(TODAY);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        crate::tips_typed(db).await;
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        let pivot_of = |u: i64, p: &'static str| async move {
            figure(db, "tin_bao", u, p, View::AsWas)
                .await
                .unwrap_or(0.0)
        };

        let bad = [
            file_row(2, "13636", "2022-03", "tin_bao", 5.0),
            file_row(3, "13636", "2022-03", "khong_co", 1.0),
            file_row(4, "99999", "2022-03", "tin_bao", 1.0),
            file_row(5, "13636", "2022-03", "tin_bao", 6.0),
            file_row(6, "13636", "2022-Q1", "tin_bao", 6.0),
            file_row(7, "13636", "2022-04", "tin_bao", -2.0),
        ];
        let errors = values::import(db, ADMIN, &bad, today, values::Mode::Write)
            .await
            .unwrap()
            .unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "Mã chỉ tiêu"),
                (4, "Mã đơn vị"),
                (5, "Mã chỉ tiêu"),
                (6, "Kỳ"),
                (7, "Giá trị")
            ],
            "{} {errors:?}",
            t.label
        );
        assert!(errors[1].message.contains("99999"), "{errors:?}");
        assert_eq!(pivot_of(vi_xuyen.id, "2022-03").await, 0.0, "{}", t.label);

        // The same code in two periods: the legacy commune before July
        // 2025, the 2025 ward after it.
        let good = [
            file_row(2, "13636", "2022-03", "tin_bao", 5.0),
            file_row(3, "13636", "2022-04", "tin_bao", 2.0),
            file_row(4, "13669", "2026-03", "tin_bao", 9.0),
        ];
        let checked = values::import(db, ADMIN, &good, today, values::Mode::CheckOnly)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(checked.written, 0);
        assert_eq!(pivot_of(vi_xuyen.id, "2022-03").await, 0.0, "{}", t.label);
        let r = values::import(db, ADMIN, &good, today, values::Mode::Write)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.written, 3, "{}", t.label);
        assert_eq!(pivot_of(vi_xuyen.id, "2022").await, 7.0, "{}", t.label);
        assert_eq!(
            pivot_of(phuong_nam_dinh.id, "2026-03").await,
            9.0,
            "{}",
            t.label
        );

        // A submitted form is locked for files too.
        let monthly = statistics::data_set_by_code(db, "bao_cao_thang")
            .await
            .unwrap()
            .unwrap();
        let key = FormKey {
            set: monthly.id,
            unit: vi_xuyen.id,
            period: period("2022-03"),
        };
        values::act(db, ADMIN, key, ApprovalAction::Submit, None, today)
            .await
            .unwrap();
        let errors = values::import(
            db,
            ADMIN,
            &[file_row(9, "13636", "2022-03", "tin_bao", 8.0)],
            today,
            values::Mode::Write,
        )
        .await
        .unwrap()
        .unwrap_err();
        assert_eq!((errors[0].row, errors[0].column.as_str()), (9, "Kỳ"));
        assert_eq!(pivot_of(vi_xuyen.id, "2022-03").await, 5.0, "{}", t.label);
        assert!(audit::verify(db).await.unwrap().is_ok());
        t.cleanup().await;
    }
}

async fn village(db: &Db, name: &str, ward: &OrgUnit) -> OrgUnit {
    let input = NewUnitInput {
        level: Some("village".into()),
        kind: Some("to_dan_pho".into()),
        name: Some(name.into()),
        parent_id: Some(ward.id),
        valid_from: Some("2026-01-01".into()),
        ..Default::default()
    };
    let u = NewUnit::parse(&input, Some(ward)).unwrap();
    units::create(db, Author::System, &u).await.unwrap().unit
}

/// Villages that enter figures merge, then the merged village splits: the
/// figures follow into the successors as it is now, stay where they were
/// as it was, and the cells kept through both equal a rebuild.
#[tokio::test]
async fn figures_follow_their_units_through_merges_and_splits() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let today = date(TODAY);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        for (code, agg) in [("v_sum", "sum"), ("v_max", "max")] {
            let i = NewIndicator::parse(&IndicatorInput {
                code: code.into(),
                name: code.into(),
                unit: "count".into(),
                aggregation: agg.into(),
                ..Default::default()
            })
            .unwrap();
            statistics::create_indicator(db, Author::System, Owner::National, &i, None)
                .await
                .unwrap();
        }
        statistics::create_data_set(
            db,
            Author::System,
            Owner::National,
            &NewDataSet::parse(&DataSetInput {
                code: "v_set".into(),
                name: "Số liệu tổ dân phố".into(),
                period_type: "month".into(),
                calendar: "months".into(),
                entry: "village".into(),
                approval_levels: vec!["commune".into()],
                indicators: vec!["v_sum".into(), "v_max".into()],
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
        let ward = unit(db, Level::Commune, "13669", TODAY).await;
        let a = village(db, "Tổ dân phố số 1", &ward).await;
        let b = village(db, "Tổ dân phố số 2", &ward).await;
        values::write(
            db,
            ADMIN,
            &[
                write("v_sum", &a, "2026-01", Some(3.0)),
                write("v_sum", &a, "2026-02", Some(4.0)),
                write("v_sum", &b, "2026-01", Some(5.0)),
                write("v_max", &a, "2026-01", Some(10.0)),
                write("v_max", &b, "2026-02", Some(7.0)),
            ],
            today,
        )
        .await
        .unwrap();
        let value = |code: &'static str, u: i64, view: View| figure(db, code, u, "2026-Q1", view);

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
            today,
        )
        .unwrap();
        let merged = units::merge(db, Author::System, &m).await.unwrap().created[0]
            .unit
            .clone();
        assert_eq!(
            value("v_sum", merged.id, View::AsNow).await,
            Some(12.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("v_max", merged.id, View::AsNow).await,
            Some(10.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("v_sum", merged.id, View::AsWas).await,
            None,
            "{}",
            t.label
        );
        assert_eq!(
            value("v_sum", ward.id, View::AsWas).await,
            Some(12.0),
            "{}",
            t.label
        );
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );

        let merged_view = units::get(db, Scope::All, merged.id)
            .await
            .unwrap()
            .unwrap();
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
            Some(&merged_view.unit),
            today,
        )
        .unwrap();
        let parts = units::split(db, Author::System, &s).await.unwrap().created;
        let (north, south) = (parts[0].unit.id, parts[1].unit.id);
        assert_eq!(
            value("v_sum", south, View::AsNow).await,
            Some(12.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("v_sum", north, View::AsNow).await,
            None,
            "{}",
            t.label
        );
        // An ended unit stands for nothing as it is now.
        assert_eq!(
            value("v_sum", merged.id, View::AsNow).await,
            None,
            "{}",
            t.label
        );
        assert_eq!(
            value("v_sum", ward.id, View::AsNow).await,
            Some(12.0),
            "{}",
            t.label
        );
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// A split legacy commune's sums divided among its successors by
/// configured shares as it is now; averages and maxima stay with the
/// default successor; as it was nothing moves; the cells equal a rebuild.
#[tokio::test]
async fn shares_divide_a_split_commune_as_it_is_now() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let today = date(TODAY);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        crate::tips_typed(db).await;
        let legacy = unit(db, Level::Commune, "13285", "2022-01-01").await;
        let kept_code = unit(db, Level::Commune, "13285", TODAY).await;
        let default = unit(db, Level::Commune, "13366", TODAY).await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        values::write(
            db,
            ADMIN,
            &[
                write("tin_bao", &legacy, "2022-03", Some(10.0)),
                write("dong_nguoi_tuan_tra", &legacy, "2022-H1", Some(40.0)),
            ],
            today,
        )
        .await
        .unwrap();
        let value =
            |code: &'static str, u: i64, p: &'static str, view: View| figure(db, code, u, p, view);
        let now = View::AsNow;
        assert_eq!(value("tin_bao", default.id, "2022", now).await, Some(10.0));
        assert_eq!(value("tin_bao", kept_code.id, "2022", now).await, None);

        let set = |items: Vec<(i64, f64)>| {
            let input: Vec<ShareInput> = items
                .into_iter()
                .map(|(to, share)| ShareInput { to, share })
                .collect();
            async move {
                statistics::shares::set(db, Author::System, legacy.id, |succ| {
                    Shares::parse(&input, succ)
                })
                .await
            }
        };
        assert!(set(vec![(default.id, 0.5), (kept_code.id, 0.4)])
            .await
            .is_err());
        assert_eq!(value("tin_bao", default.id, "2022", now).await, Some(10.0));
        let r = set(vec![(default.id, 0.75), (kept_code.id, 0.25)])
            .await
            .unwrap();
        assert_eq!(r.len(), 2, "{}", t.label);
        assert_eq!(
            value("tin_bao", default.id, "2022", now).await,
            Some(7.5),
            "{}",
            t.label
        );
        assert_eq!(
            value("tin_bao", kept_code.id, "2022-Q1", now).await,
            Some(2.5),
            "{}",
            t.label
        );
        assert_eq!(
            value("tin_bao", ninh_binh.id, "2022", now).await,
            Some(10.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("dong_nguoi_tuan_tra", default.id, "2022", now).await,
            Some(40.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("dong_nguoi_tuan_tra", kept_code.id, "2022", now).await,
            None
        );
        assert_eq!(
            value("tin_bao", legacy.id, "2022", View::AsWas).await,
            Some(10.0)
        );
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );

        // A figure written after the shares are set is divided too.
        values::write(
            db,
            ADMIN,
            &[write("tin_bao", &legacy, "2022-04", Some(4.0))],
            today,
        )
        .await
        .unwrap();
        assert_eq!(
            value("tin_bao", kept_code.id, "2022", now).await,
            Some(3.5),
            "{}",
            t.label
        );
        // All to the other successor: the default keeps only the maximum.
        set(vec![(kept_code.id, 1.0)]).await.unwrap();
        assert_eq!(
            value("tin_bao", default.id, "2022", now).await,
            None,
            "{}",
            t.label
        );
        assert_eq!(
            value("tin_bao", kept_code.id, "2022", now).await,
            Some(14.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("dong_nguoi_tuan_tra", default.id, "2022", now).await,
            Some(40.0),
            "{}",
            t.label
        );
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );
        // Cleared: the default successor takes all again.
        set(Vec::new()).await.unwrap();
        assert_eq!(
            value("tin_bao", default.id, "2022", now).await,
            Some(14.0),
            "{}",
            t.label
        );
        assert_eq!(
            value("tin_bao", kept_code.id, "2022", now).await,
            None,
            "{}",
            t.label
        );
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );
        assert!(audit::verify(db).await.unwrap().is_ok());
        t.cleanup().await;
    }
}

/// The data sets of the property test: code, period type, calendar, who
/// enters it, the approving level. Each collects one indicator of every
/// aggregation, coded `{set}_{aggregation}`.
const PROP_SETS: [(&str, &str, &str, &str, &str); 7] = [
    ("pc_m", "month", "months", "commune", "province"),
    ("pc_q", "quarter", "cut_off", "commune", "province"),
    ("pc_y", "year", "months", "commune", "province"),
    ("pv_m", "month", "months", "village", "commune"),
    ("pv_q", "quarter", "months", "village", "commune"),
    ("pv_y", "year", "cut_off", "village", "commune"),
    ("ps_m", "month", "months", "school", "commune"),
];
const AGGREGATIONS: [&str; 4] = ["sum", "average", "last", "max"];

/// One step of a sequence. Indices pick modulo the choices there are at
/// that point of the sequence, so that every sequence can be replayed and
/// shrunk.
#[derive(Debug, Clone)]
enum Op {
    /// A value (None deletes it) of one indicator of a data set the unit
    /// enters (`set` among its month, quarter and year sets), for one of
    /// the periods the unit existed in (`period`, oldest first).
    Write {
        unit: usize,
        set: usize,
        agg: usize,
        period: usize,
        value: Option<u8>,
    },
    /// A new value (None deletes it) for a figure the sequence holds now
    /// (`nth` in the order of unit, set, aggregation and period): edits
    /// and deletes, and maxima that fall.
    Rewrite { nth: usize, value: Option<u8> },
    /// An approval step on a form written earlier in the sequence; action
    /// 5 is submit, then approve.
    Act { form: usize, action: usize },
    /// Shares of a split unit: the legacy commune 13285 (target 0) or a
    /// village split earlier in the sequence. 0 clears them, 1 gives 3/4 to
    /// the default successor, 2 all to another, 3 half to the default and
    /// the rest evenly.
    Share { target: usize, choice: usize },
    /// Two open villages of one commune merge on the first of a month
    /// (moved past the day the later of them began).
    Merge { a: usize, b: usize, month: usize },
    /// An open village (those holding figures first) splits into `parts`
    /// on the first of a month.
    Split {
        village: usize,
        month: usize,
        parts: usize,
        default: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (
            0..64usize,
            0..3usize,
            0..4usize,
            // Early periods more often, so that figures meet in one cell
            // and edits meet the figures they change.
            prop_oneof![3 => 0..3usize, 1 => 0..24usize],
            proptest::option::weighted(0.85, 0..40u8),
        )
            .prop_map(|(unit, set, agg, period, value)| Op::Write { unit, set, agg, period, value }),
        3 => (0..64usize, proptest::option::weighted(0.7, 0..40u8))
            .prop_map(|(nth, value)| Op::Rewrite { nth, value }),
        3 => (0..64usize, prop_oneof![3 => Just(5usize), 1 => 0..5usize])
            .prop_map(|(form, action)| Op::Act { form, action }),
        1 => (0..4usize, 0..4usize).prop_map(|(target, choice)| Op::Share { target, choice }),
        2 => (0..16usize, 0..16usize, 0..16usize).prop_map(|(a, b, month)| Op::Merge { a, b, month }),
        2 => (prop_oneof![3 => 0..2usize, 1 => 0..16usize], 0..16usize, 2..4usize, 0..3usize)
            .prop_map(|(village, month, parts, default)| Op::Split { village, month, parts, default }),
    ]
}

/// What the database holds for the whole property test: the data sets
/// (in `PROP_SETS` order), each indicator's period type, and the six
/// communes (three legacy ones, then three 2025 ones) whose villages the
/// sequences create.
struct Fixture {
    sets: Vec<domain::statistics::DataSet>,
    period_type: std::collections::HashMap<i64, domain::statistics::PeriodType>,
    communes: Vec<OrgUnit>,
}

impl Fixture {
    async fn load(db: &Db) -> Fixture {
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let mut sets = Vec::new();
        let mut period_type = std::collections::HashMap::new();
        for (code, pt, calendar, entry, level) in PROP_SETS {
            let mut codes = Vec::new();
            for agg in AGGREGATIONS {
                let c = format!("{code}_{agg}");
                let i = NewIndicator::parse(&IndicatorInput {
                    code: c.clone(),
                    name: c.clone(),
                    unit: "count".into(),
                    aggregation: agg.into(),
                    ..Default::default()
                })
                .unwrap();
                let i = statistics::create_indicator(db, Author::System, Owner::National, &i, None)
                    .await
                    .unwrap();
                period_type.insert(
                    i.id,
                    domain::statistics::PeriodType::parse("t", pt).unwrap(),
                );
                codes.push(c);
            }
            let set = statistics::create_data_set(
                db,
                Author::System,
                Owner::National,
                &NewDataSet::parse(&DataSetInput {
                    code: code.into(),
                    name: format!("Bộ thử {code}"),
                    period_type: pt.into(),
                    calendar: calendar.into(),
                    entry: entry.into(),
                    approval_levels: vec![level.into()],
                    indicators: codes,
                    ..Default::default()
                })
                .unwrap(),
            )
            .await
            .unwrap();
            sets.push(set.set);
        }
        // Vị Xuyên went whole into Phường Nam Định; Quang Trung was split
        // between Phường Hà Nam (default) and the new Phường Phủ Lý; Lam Hạ
        // went whole into Phường Hà Nam.
        let mut communes = Vec::new();
        for code in ["13636", "13285", "13303"] {
            communes.push(unit(db, Level::Commune, code, "2024-01-01").await);
        }
        for code in ["13669", "13366", "13285"] {
            communes.push(unit(db, Level::Commune, code, TODAY).await);
        }
        Fixture {
            sets,
            period_type,
            communes,
        }
    }

    /// The data sets a unit enters, by index in `PROP_SETS`.
    fn sets_of(u: &OrgUnit) -> &'static [usize] {
        match u.level {
            Level::Commune => &[0, 1, 2],
            Level::Village => &[3, 4, 5],
            _ => &[6],
        }
    }

    /// The periods of data set `s` (November 2024 to the end of 2026)
    /// that have begun and that unit `u` existed in, oldest first.
    fn periods(&self, s: usize, u: &OrgUnit) -> Vec<Period> {
        let set = &self.sets[s];
        let raw: Vec<String> = match set.period_type.as_str() {
            "month" => (0..24)
                .map(|k| format!("{}-{:02}", 2024 + (10 + k) / 12, (10 + k) % 12 + 1))
                .collect(),
            "quarter" => (0..9)
                .map(|k| format!("{}-Q{}", 2024 + (3 + k) / 4, (3 + k) % 4 + 1))
                .collect(),
            _ => ["2024", "2025", "2026"].map(String::from).to_vec(),
        };
        raw.iter()
            .map(|p| period(p))
            .filter(|p| {
                let (first, last) = (p.first_day(set.calendar), p.last_day(set.calendar));
                first <= date(TODAY)
                    && u.valid_from.is_none_or(|f| f <= last)
                    && u.valid_to.is_none_or(|t| t >= first)
            })
            .collect()
    }
}

/// A unit of `level` and `kind` under `parent` from 1 July 2025.
async fn new_unit(db: &Db, level: &str, kind: &str, name: &str, parent: &OrgUnit) -> OrgUnit {
    let input = NewUnitInput {
        level: Some(level.into()),
        kind: Some(kind.into()),
        name: Some(name.into()),
        parent_id: Some(parent.id),
        valid_from: Some("2025-07-01".into()),
        ..Default::default()
    };
    let u = NewUnit::parse(&input, Some(parent)).unwrap();
    units::create(db, Author::System, &u).await.unwrap().unit
}

/// The first day of a month from August 2025 to November 2026 (index
/// `month`), moved to the first of a later month when a village that
/// would end the day before only began on it or after; None when no such
/// month is left.
fn reorganisation_day(month: usize, sources: &[&OrgUnit]) -> Option<NaiveDate> {
    let days: Vec<NaiveDate> = (7..23u32)
        .map(|m| NaiveDate::from_ymd_opt(2025 + (m / 12) as i32, m % 12 + 1, 1).unwrap())
        .collect();
    let begun = sources.iter().filter_map(|u| u.valid_from).max();
    let day = days[month % days.len()];
    match begun {
        Some(b) if day <= b => days.into_iter().find(|d| *d > b),
        _ => Some(day),
    }
}

/// How often the random sequences reached the states that make the
/// comparison worth something (summed over cases; the guards at the end).
#[derive(Debug, Default)]
struct Reached {
    approved_cells: usize,
    max_cells: usize,
    quarter_cells: usize,
    year_cells: usize,
    edits: usize,
    merges_with_figures: usize,
    splits_with_figures: usize,
    moved_sites_with_figures: usize,
    village_shares: usize,
}

/// Replays one sequence on a database emptied of figures, in villages of
/// its own, then compares the rollup cells and homes kept up write by
/// write with the ones rebuilt from the values.
async fn rollup_case(
    db: &Db,
    fx: &Fixture,
    label: &str,
    ops: &[Op],
    reached: &std::cell::RefCell<Reached>,
) -> Result<(), TestCaseError> {
    use std::collections::{BTreeMap, BTreeSet};
    let today = date(TODAY);
    store::testing::reset_statistics(db).await.unwrap();
    // Three villages of Phường Nam Định, two of Phường Hà Nam, and a
    // school in the first village of each.
    let mut case_units: Vec<OrgUnit> = fx.communes.clone();
    for (k, ward) in [3, 3, 3, 4, 4].into_iter().enumerate() {
        let parent = fx.communes[ward].clone();
        let v = new_unit(db, "village", "thon", &format!("Thôn {}", k + 1), &parent).await;
        case_units.push(v);
    }
    for village in [6, 9] {
        let v = case_units[village].clone();
        case_units.push(new_unit(db, "site", "school", "Trường Tiểu học", &v).await);
    }

    let actions = [
        ApprovalAction::Submit,
        ApprovalAction::Approve,
        ApprovalAction::Unapprove,
        ApprovalAction::Return,
        ApprovalAction::Withdraw,
    ];
    // (unit, set, aggregation, period) → value, as the accepted writes left it.
    let mut values: BTreeMap<(i64, usize, usize, Period), u8> = BTreeMap::new();
    let mut ever_written: BTreeSet<i64> = BTreeSet::new();
    let mut forms: Vec<FormKey> = Vec::new();
    let mut split_villages: Vec<i64> = Vec::new();
    let mut seen = Reached::default();
    for op in ops {
        match *op {
            Op::Write { .. } | Op::Rewrite { .. } => {
                let (u, s, agg, p, value) = match *op {
                    Op::Write {
                        unit,
                        set,
                        agg,
                        period,
                        value,
                    } => {
                        let u = &case_units[unit % case_units.len()];
                        let sets = Fixture::sets_of(u);
                        let s = sets[set % sets.len()];
                        let periods = fx.periods(s, u);
                        let Some(p) = periods.get(period % periods.len().max(1)).copied() else {
                            continue;
                        };
                        (u.id, s, agg, p, value)
                    }
                    Op::Rewrite { nth, value } => {
                        let Some(&(u, s, agg, p)) = values.keys().nth(nth % values.len().max(1))
                        else {
                            continue;
                        };
                        (u, s, agg, p, value)
                    }
                    _ => continue,
                };
                let w = ValueWrite {
                    indicator: format!("{}_{}", PROP_SETS[s].0, AGGREGATIONS[agg]),
                    org_unit: u,
                    period: p,
                    value: value.map(f64::from),
                    comment: None,
                };
                // Refusals (a submitted or approved form is locked) are part of the game.
                if values::write(db, ADMIN, &[w], today).await.is_ok() {
                    let key = (u, s, agg, p);
                    let before = match value {
                        Some(v) => values.insert(key, v),
                        None => values.remove(&key),
                    };
                    if before.is_some() {
                        seen.edits += 1;
                    }
                    ever_written.insert(u);
                    let form = FormKey {
                        set: fx.sets[s].id,
                        unit: u,
                        period: p,
                    };
                    if !forms.contains(&form) {
                        forms.push(form);
                    }
                }
            }
            Op::Act { form, action } => {
                let Some(key) = forms.get(form % forms.len().max(1)).copied() else {
                    continue;
                };
                let steps = match actions.get(action) {
                    Some(a) => vec![*a],
                    None => vec![ApprovalAction::Submit, ApprovalAction::Approve],
                };
                for step in steps {
                    let _ = values::act(db, ADMIN, key, step, Some("lý do"), today).await;
                }
            }
            Op::Share { target, choice } => {
                let targets: Vec<i64> = std::iter::once(fx.communes[1].id)
                    .chain(split_villages.iter().copied())
                    .collect();
                let t = targets[target % targets.len()];
                let succ = statistics::shares::of(db, t).await.unwrap();
                let (default, others) = (succ[0].id, &succ[1..]);
                let share = |to: i64, share: f64| ShareInput { to, share };
                let input = match choice {
                    0 => vec![],
                    1 => vec![share(default, 0.75), share(others[0].id, 0.25)],
                    2 => vec![share(others[0].id, 1.0)],
                    _ => std::iter::once(share(default, 0.5))
                        .chain(
                            others
                                .iter()
                                .map(|o| share(o.id, 0.5 / others.len() as f64)),
                        )
                        .collect(),
                };
                statistics::shares::set(db, Author::System, t, |s| Shares::parse(&input, s))
                    .await
                    .unwrap();
                if t != fx.communes[1].id && !input.is_empty() {
                    seen.village_shares += 1;
                }
            }
            Op::Merge { a, b, month } => {
                let open: Vec<&OrgUnit> = case_units
                    .iter()
                    .filter(|u| u.level == Level::Village && u.valid_to.is_none())
                    .collect();
                let Some(first) = open.get(a % open.len().max(1)).copied() else {
                    continue;
                };
                let mates: Vec<&OrgUnit> = open
                    .iter()
                    .filter(|u| u.parent_id == first.parent_id && u.id != first.id)
                    .copied()
                    .collect();
                let Some(second) = mates.get(b % mates.len().max(1)).copied() else {
                    continue;
                };
                let Some(day) = reorganisation_day(month, &[first, second]) else {
                    continue;
                };
                let sources = vec![first.id, second.id];
                let m = Merge::parse(
                    &MergeInput {
                        sources: Some(sources.clone()),
                        date: Some(day.to_string()),
                        name: Some("Thôn Hợp Nhất".into()),
                        kind: Some("thon".into()),
                    },
                    &units::get_many(db, Scope::All, &sources).await.unwrap(),
                    today,
                )
                .unwrap();
                let r = units::merge(db, Author::System, &m).await.unwrap();
                let had = values.keys().any(|k| sources.contains(&k.0));
                seen.merges_with_figures += usize::from(had);
                let moved_had = values.keys().any(|k| r.moved_sites.contains(&k.0));
                seen.moved_sites_with_figures += usize::from(moved_had);
                case_units.push(r.created[0].unit.clone());
            }
            Op::Split {
                village,
                month,
                parts,
                default,
            } => {
                // Villages that hold figures first: splitting them is the point.
                let mut open: Vec<&OrgUnit> = case_units
                    .iter()
                    .filter(|u| u.level == Level::Village && u.valid_to.is_none())
                    .collect();
                open.sort_by_key(|u| !values.keys().any(|k| k.0 == u.id));
                let Some(source) = open.get(village % open.len().max(1)).copied() else {
                    continue;
                };
                let Some(day) = reorganisation_day(month, &[source]) else {
                    continue;
                };
                let s = Split::parse(
                    &SplitInput {
                        source: Some(source.id),
                        date: Some(day.to_string()),
                        parts: Some(
                            (0..parts)
                                .map(|k| VillageInput {
                                    name: Some(format!("Thôn Tách {}", k + 1)),
                                    kind: Some("thon".into()),
                                })
                                .collect(),
                        ),
                        default_part: Some(default % parts),
                    },
                    Some(source),
                    today,
                )
                .unwrap();
                let r = units::split(db, Author::System, &s).await.unwrap();
                let had = values.keys().any(|k| k.0 == source.id);
                seen.splits_with_figures += usize::from(had);
                let moved_had = values.keys().any(|k| r.moved_sites.contains(&k.0));
                seen.moved_sites_with_figures += usize::from(moved_had);
                split_villages.push(source.id);
                case_units.extend(r.created.iter().map(|v| v.unit.clone()));
            }
        }
        if matches!(op, Op::Merge { .. } | Op::Split { .. }) {
            // Sources ended and sites moved: read them again.
            let ids: Vec<i64> = case_units.iter().map(|u| u.id).collect();
            let fresh = units::get_many(db, Scope::All, &ids).await.unwrap();
            prop_assert_eq!(fresh.len(), case_units.len());
            case_units = fresh;
        }
    }

    let incremental = rollups::snapshot(db).await.unwrap();
    let homes = store::testing::rollup_homes(db).await.unwrap();
    // PostgreSQL's packed rows follow the cells through every change.
    let stale = store::testing::stale_rollup_rows(db).await.unwrap();
    prop_assert_eq!(stale, 0, "{}: rows not their cells packed", label);
    rollups::rebuild(db).await.unwrap();
    let rebuilt = rollups::snapshot(db).await.unwrap();
    let stale = store::testing::stale_rollup_rows(db).await.unwrap();
    prop_assert_eq!(
        stale,
        0,
        "{}: rows not their cells packed after a rebuild",
        label
    );
    let rebuilt_homes = store::testing::rollup_homes(db).await.unwrap();

    // The cells.
    prop_assert_eq!(
        incremental.iter().map(|c| c.0).collect::<Vec<_>>(),
        rebuilt.iter().map(|c| c.0).collect::<Vec<_>>(),
        "{}: the cells kept differ from the rebuilt ones",
        label
    );
    for (a, b) in incremental.iter().zip(&rebuilt) {
        for (x, y) in [(a.1.all, b.1.all), (a.1.approved, b.1.approved)] {
            prop_assert_eq!(x.n, y.n, "{}: cell {:?}", label, a.0);
            prop_assert!(
                (x.total - y.total).abs() < 1e-9,
                "{}: cell {:?}: total {} kept, {} rebuilt",
                label,
                a.0,
                x.total,
                y.total
            );
            prop_assert_eq!(x.top, y.top, "{}: cell {:?}", label, a.0);
        }
    }

    // The homes. A rebuild homes exactly the units that hold figures; the
    // kept homes of those units must be the same. A unit whose figures
    // were all deleted keeps its homes (they are kept up all the same).
    let holding: BTreeSet<i64> = values.keys().map(|k| k.0).collect();
    let rebuilt_units: BTreeSet<i64> = rebuilt_homes.iter().map(|h| h.0).collect();
    prop_assert_eq!(&rebuilt_units, &holding, "{}: units with figures", label);
    let kept: Vec<&store::testing::HomeRow> =
        homes.iter().filter(|h| holding.contains(&h.0)).collect();
    let same = |a: &store::testing::HomeRow, b: &store::testing::HomeRow| {
        (a.0, a.1, &a.2, a.4) == (b.0, b.1, &b.2, b.4) && (a.3 - b.3).abs() < 1e-12
    };
    prop_assert!(
        kept.len() == rebuilt_homes.len()
            && kept.iter().zip(&rebuilt_homes).all(|(a, b)| same(a, b)),
        "{}: rollup_homes kept {:?}\nrebuilt {:?}",
        label,
        kept,
        rebuilt_homes
    );
    let stale: Vec<i64> = homes
        .iter()
        .map(|h| h.0)
        .filter(|u| !holding.contains(u) && !ever_written.contains(u))
        .collect();
    prop_assert!(
        stale.is_empty(),
        "{}: homes of units never written: {:?}",
        label,
        stale
    );

    let entered_in =
        |indicator: i64, pt: &str| fx.period_type.get(&indicator).map(|t| t.as_str()) == Some(pt);
    seen.approved_cells += incremental.iter().filter(|c| c.1.approved.n > 0).count();
    seen.max_cells += incremental.iter().filter(|c| c.1.all.top.is_some()).count();
    seen.quarter_cells += incremental
        .iter()
        .filter(|c| entered_in(c.0 .2, "quarter"))
        .count();
    seen.year_cells += incremental
        .iter()
        .filter(|c| entered_in(c.0 .2, "year"))
        .count();
    let mut r = reached.borrow_mut();
    r.approved_cells += seen.approved_cells;
    r.max_cells += seen.max_cells;
    r.quarter_cells += seen.quarter_cells;
    r.year_cells += seen.year_cells;
    r.edits += seen.edits;
    r.merges_with_figures += seen.merges_with_figures;
    r.splits_with_figures += seen.splits_with_figures;
    r.moved_sites_with_figures += seen.moved_sites_with_figures;
    r.village_shares += seen.village_shares;
    Ok(())
}

/// Sequences that run first, every time: hand-written ones that reach
/// every kind of step, and any sequence that once failed.
fn regressions() -> Vec<Vec<Op>> {
    let w = |unit, set, agg, period, value: Option<u8>| Op::Write {
        unit,
        set,
        agg,
        period,
        value,
    };
    // Units: 0-2 legacy communes, 3-5 2025 wards, 6-8 villages of ward 3,
    // 9-10 villages of ward 4, 11 and 12 the schools in villages 6 and 9,
    // then the villages each merge and split creates, in order.
    vec![vec![
        w(6, 0, 0, 1, Some(5)),
        w(6, 1, 3, 0, Some(9)),
        w(7, 2, 2, 0, Some(4)),
        w(11, 0, 3, 2, Some(7)),
        w(11, 0, 0, 2, Some(3)),
        w(3, 1, 1, 0, Some(3)),
        w(0, 2, 0, 1, Some(6)),
        w(1, 0, 0, 0, Some(8)),
        w(12, 0, 1, 0, Some(5)),
        Op::Act { form: 0, action: 5 },
        Op::Act { form: 3, action: 5 },
        // Villages 6 and 7 merge on 1 January 2026 into unit 13; the
        // school moves into it.
        Op::Merge {
            a: 0,
            b: 0,
            month: 5,
        },
        w(13, 0, 0, 0, Some(2)),
        w(13, 1, 3, 0, Some(11)),
        w(6, 0, 0, 1, None),
        w(11, 0, 0, 9, Some(2)),
        // Unit 13 splits on 1 May 2026 into 14-16, the second by default.
        Op::Split {
            village: 3,
            month: 9,
            parts: 3,
            default: 1,
        },
        Op::Share {
            target: 1,
            choice: 3,
        },
        w(14, 0, 3, 0, Some(1)),
        w(15, 2, 0, 0, Some(6)),
        // Parts 14 and 15 merge on 1 September 2026 into 17.
        Op::Merge {
            a: 3,
            b: 1,
            month: 13,
        },
        Op::Share {
            target: 1,
            choice: 1,
        },
        Op::Share {
            target: 0,
            choice: 2,
        },
        w(17, 0, 1, 0, Some(9)),
        w(1, 0, 0, 1, Some(4)),
        Op::Act { form: 2, action: 2 },
        Op::Act { form: 0, action: 2 },
        // Villages 9 and 10 merge on 1 October 2026; the second school moves.
        Op::Merge {
            a: 1,
            b: 0,
            month: 14,
        },
        w(12, 0, 3, 2, Some(30)),
        Op::Rewrite {
            nth: 3,
            value: None,
        },
    ]]
}

/// After any sequence of writes, edits, deletes, approval steps, merges and
/// splits of villages (with a school moving along), and changes of a split
/// unit's shares, over monthly, quarterly and yearly data sets of six
/// communes and their villages, the rollup cells and homes kept up write by
/// write equal the ones rebuilt from scratch.
///
/// ROLLUP_CASES sets the number of random cases (24 locally, 96 in CI);
/// ROLLUP_SEED replays the seed a failed run printed.
#[test]
fn incremental_rollups_equal_a_rebuild() {
    let name = "incremental_rollups_equal_a_rebuild";
    let seed = crate::seeds::seed(name, "ROLLUP_SEED");
    let cases = crate::seeds::cases("ROLLUP_CASES", 24, 96);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dbs = rt.block_on(TestDb::all()).unwrap();
    for t in dbs {
        let db = &t.db;
        let started = std::time::Instant::now();
        let fx = rt.block_on(Fixture::load(db));
        let ignored = std::cell::RefCell::new(Reached::default());
        for (k, ops) in regressions().iter().enumerate() {
            rt.block_on(rollup_case(db, &fx, t.label, ops, &ignored))
                .unwrap_or_else(|e| panic!("{}: regression {k}: {e}", t.label));
        }
        let reached = std::cell::RefCell::new(Reached::default());
        let mut runner = TestRunner::new(crate::seeds::config(seed, cases));
        runner
            .run(&proptest::collection::vec(op(), 1..48), |ops| {
                rt.block_on(rollup_case(db, &fx, t.label, &ops, &reached))
            })
            .unwrap_or_else(|e| panic!("{}: seed {seed}: {e}", t.label));
        // The random sequences did reach what the comparison is about, or
        // the test proves little.
        let r = reached.into_inner();
        eprintln!(
            "{name}: {}: {cases} cases in {:.1} s: {r:?}",
            t.label,
            started.elapsed().as_secs_f64()
        );
        assert!(r.approved_cells > 0, "{}: {r:?}", t.label);
        assert!(r.max_cells > 0, "{}: {r:?}", t.label);
        assert!(
            r.quarter_cells > 0 && r.year_cells > 0,
            "{}: {r:?}",
            t.label
        );
        assert!(r.edits > 0, "{}: {r:?}", t.label);
        assert!(r.merges_with_figures > 0, "{}: {r:?}", t.label);
        assert!(r.splits_with_figures > 0, "{}: {r:?}", t.label);
        assert!(r.moved_sites_with_figures > 0, "{}: {r:?}", t.label);
        assert!(r.village_shares > 0, "{}: {r:?}", t.label);
        rt.block_on(t.cleanup());
    }
}

/// The pivot reads figures back exactly (a whole number, a sum of tenths
/// that no short decimal writes, a third, a large amount, a negative one),
/// answers in order whatever the order asked (indicators as asked, units
/// in Vietnamese order, periods in time order), and answers a code asked
/// twice once. Figures cross the driver packed as text, so a lossy print
/// or a parse of the wrong part would show here.
/// A national monthly data set entered by communes and approved by the
/// province, with money indicators (negatives allowed) of the given
/// aggregations; its id.
async fn monthly_set(db: &Db, set: &str, indicators: &[(&str, &str)]) -> DataSetId {
    let mut codes = Vec::new();
    for (code, agg) in indicators {
        statistics::create_indicator(
            db,
            Author::System,
            Owner::National,
            &NewIndicator::parse(&IndicatorInput {
                code: (*code).into(),
                name: format!("Kinh phí {code}"),
                unit: "money".into(),
                aggregation: (*agg).into(),
                allow_negative: true,
                ..Default::default()
            })
            .unwrap(),
            None,
        )
        .await
        .unwrap();
        codes.push(code.to_string());
    }
    statistics::create_data_set(
        db,
        Author::System,
        Owner::National,
        &NewDataSet::parse(&DataSetInput {
            code: set.into(),
            name: format!("Bộ số liệu {set}"),
            period_type: "month".into(),
            calendar: "months".into(),
            entry: "commune".into(),
            approval_levels: vec!["province".into()],
            indicators: codes,
            ..Default::default()
        })
        .unwrap(),
    )
    .await
    .unwrap()
    .set
    .id
}

/// An indicator's aggregation is fixed while it has figures and free
/// again once they are all deleted (`indicators.has_values` remembers
/// that it had some; the figures, keyed by unit and period, are looked at
/// only then), and the analytics' first indicator is one with figures.
#[tokio::test]
async fn an_aggregation_is_fixed_while_figures_exist() {
    use store::StoreError;
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        monthly_set(db, "co_dinh", &[("dau", "sum"), ("sau", "sum")]).await;
        let a = unit(db, Level::Commune, "13669", TODAY).await;
        let id_of = async |code: &str| {
            let all = statistics::indicators(db, None).await.unwrap();
            all.into_iter().find(|i| i.code == code).unwrap().id
        };
        let (dau, sau) = (id_of("dau").await, id_of("sau").await);
        let as_max = |code: &str, agg: &str| {
            NewIndicator::parse(&IndicatorInput {
                code: code.into(),
                name: format!("Kinh phí {code}"),
                unit: "money".into(),
                aggregation: agg.into(),
                allow_negative: true,
                ..Default::default()
            })
            .unwrap()
        };
        assert_eq!(
            statistics::indicator_with_figures(db).await.unwrap(),
            None,
            "{l}"
        );
        values::write(
            db,
            ADMIN,
            &[write("sau", &a, "2026-03", Some(4.0))],
            date(TODAY),
        )
        .await
        .unwrap();
        assert_eq!(
            statistics::indicator_with_figures(db)
                .await
                .unwrap()
                .as_deref(),
            Some("sau"),
            "{l}"
        );
        // Never had figures: free; has them: fixed.
        statistics::update_indicator(db, Author::System, dau, &as_max("dau", "max"))
            .await
            .unwrap();
        let fixed =
            statistics::update_indicator(db, Author::System, sau, &as_max("sau", "max")).await;
        assert!(
            matches!(&fixed, Err(StoreError::Invalid(e)) if e.code() == "aggregation_fixed"),
            "{l}: {fixed:?}"
        );
        // Its last figure deleted: free again.
        values::write(db, ADMIN, &[write("sau", &a, "2026-03", None)], date(TODAY))
            .await
            .unwrap();
        statistics::update_indicator(db, Author::System, sau, &as_max("sau", "max"))
            .await
            .unwrap();
    }
}

/// A commune's own quarters, halves and years are not stored: the pivot
/// computes them from its months when asked, for every aggregation, all
/// figures or approved ones, the commune asked alone or in a breakdown,
/// and a month asked with the quarter and the year that hold it counts in
/// each. Its province's cells add the communes up as before.
#[tokio::test]
async fn own_quarters_and_years_come_from_the_months() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let kinds = [
            ("tong", "sum"),
            ("cuoi", "last"),
            ("tb", "average"),
            ("lon", "max"),
        ];
        let set = monthly_set(db, "rieng_thang", &kinds).await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let a = unit(db, Level::Commune, "13669", TODAY).await;
        let b = unit(db, Level::Commune, "13285", TODAY).await;
        let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"];
        let figures: [(&str, [f64; 5]); 4] = [
            ("tong", [1.0, 2.0, 3.0, 4.0, 5.0]),
            ("cuoi", [10.0, 20.0, 30.0, 40.0, 50.0]),
            ("tb", [2.0, 4.0, 6.0, 8.0, 10.0]),
            ("lon", [7.0, 3.0, 9.0, 1.0, 2.0]),
        ];
        let mut writes = Vec::new();
        for (code, values) in figures {
            for (m, v) in months.iter().zip(values) {
                writes.push(write(code, &a, m, Some(v)));
            }
        }
        writes.push(write("tong", &b, "2026-03", Some(100.0)));
        writes.push(write("cuoi", &b, "2026-03", Some(7.0)));
        values::write(db, ADMIN, &writes, date(TODAY))
            .await
            .unwrap();
        let key = FormKey {
            set,
            unit: a.id,
            period: period("2026-02"),
        };
        for action in [ApprovalAction::Submit, ApprovalAction::Approve] {
            values::act(db, ADMIN, key, action, None, date(TODAY))
                .await
                .unwrap();
        }

        let asked = ["2026-01", "2026-Q1", "2026-Q2", "2026-H1", "2026"];
        let codes: Vec<&str> = kinds.iter().map(|k| k.0).collect();
        let figure_of = |rows: &[(String, Option<i64>, String, f64)], code: &str, p: &str| {
            rows.iter().find(|r| r.0 == code && r.2 == p).map(|r| r.3)
        };
        // (indicator, period, all figures, approved only): only February approved.
        let expected = [
            ("tong", "2026-01", Some(1.0), None),
            ("tong", "2026-Q1", Some(6.0), Some(2.0)),
            ("tong", "2026-Q2", Some(9.0), None),
            ("tong", "2026-H1", Some(15.0), Some(2.0)),
            ("tong", "2026", Some(15.0), Some(2.0)),
            ("cuoi", "2026-Q1", Some(30.0), Some(20.0)),
            ("cuoi", "2026-Q2", Some(50.0), None),
            ("cuoi", "2026", Some(50.0), Some(20.0)),
            ("tb", "2026-Q1", Some(4.0), Some(4.0)),
            ("tb", "2026-Q2", Some(9.0), None),
            ("tb", "2026", Some(6.0), Some(4.0)),
            ("lon", "2026-Q1", Some(9.0), Some(3.0)),
            ("lon", "2026-Q2", Some(2.0), None),
            ("lon", "2026-H1", Some(9.0), Some(3.0)),
        ];
        for approved_only in [false, true] {
            for level in [None, Some(Level::Commune)] {
                let unit = if level.is_some() { ninh_binh.id } else { a.id };
                let rows = pivot(
                    db,
                    &codes,
                    Some(unit),
                    level,
                    &asked,
                    View::AsNow,
                    approved_only,
                )
                .await;
                let of_a: Vec<_> = rows.iter().filter(|r| r.1 == Some(a.id)).cloned().collect();
                for (code, p, all, ok) in expected {
                    let want = if approved_only { ok } else { all };
                    assert_eq!(
                        figure_of(&of_a, code, p),
                        want,
                        "{}: {code} {p}, approved only {approved_only}, level {level:?}",
                        t.label
                    );
                }
            }
        }
        // The province: the cells of both communes (B's March is the
        // latest of its quarter, as A's is of A's).
        let rows = pivot(
            db,
            &codes,
            Some(ninh_binh.id),
            None,
            &asked,
            View::AsNow,
            false,
        )
        .await;
        assert_eq!(figure_of(&rows, "tong", "2026"), Some(115.0), "{}", t.label);
        assert_eq!(
            figure_of(&rows, "cuoi", "2026-Q1"),
            Some(37.0),
            "{}",
            t.label
        );
        assert_eq!(figure_of(&rows, "lon", "2026"), Some(9.0), "{}", t.label);
        // Nothing but the province's cells and A's own months: no cell of
        // A's own was stored.
        let own_cells = rollups::snapshot(db)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| c.0 .0 == a.id || c.0 .0 == b.id)
            .count();
        assert_eq!(own_cells, 0, "{}", t.label);
        // Asked by a migration, the cells are built again as the
        // database is migrated, before any pivot reads them.
        let cells = rollups::snapshot(db).await.unwrap();
        store::testing::ask_for_a_rebuild(db).await.unwrap();
        db.migrate().await.unwrap();
        assert_eq!(rollups::snapshot(db).await.unwrap(), cells, "{}", t.label);
        db.migrate().await.unwrap();
        assert_eq!(
            rollups::rebuild_if_due(db).await.unwrap(),
            None,
            "{}: the rebuild took the request with it",
            t.label
        );
        t.cleanup().await;
    }
}

/// A pivot of many indicators reads PostgreSQL's packed rows of cells
/// (`rollup_rows`) where no delta waits, and the cells and deltas where
/// one does: its answer equals the same pivot asked ten indicators at a
/// time (which reads the cells one by one) before the folder runs, after
/// it, with approved figures, and after a maximum falls (a write that
/// changes its cell in place and leaves only an empty delta behind).
#[tokio::test]
async fn many_indicators_read_packed_rows_as_the_cells() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let aggs = ["sum", "last", "average", "max"];
        let codes: Vec<String> = (0..40).map(|k| format!("nhieu_{k:02}")).collect();
        let kinds: Vec<(&str, &str)> = codes
            .iter()
            .enumerate()
            .map(|(k, c)| (c.as_str(), aggs[k % aggs.len()]))
            .collect();
        let set = monthly_set(db, "nhieu_chi_tieu", &kinds).await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let a = unit(db, Level::Commune, "13669", TODAY).await;
        let b = unit(db, Level::Commune, "13285", TODAY).await;
        let mut writes = Vec::new();
        for (k, code) in codes.iter().enumerate() {
            for (m, month) in ["2026-01", "2026-02", "2026-03"].iter().enumerate() {
                let v = ((k * 7 + m * 3) % 11) as f64 + 0.5;
                writes.push(write(code, &a, month, Some(v)));
                writes.push(write(code, &b, month, Some(v * 2.0)));
            }
        }
        values::write(db, ADMIN, &writes, date(TODAY))
            .await
            .unwrap();
        let all: Vec<&str> = codes.iter().map(String::as_str).collect();
        let asked = ["2026-01", "2026-02", "2026-Q1", "2026"];
        let same = |when: &'static str| {
            let all = all.clone();
            async move {
                let mut answered = 0;
                for (org_unit, level) in [(Some(ninh_binh.id), None), (None, Some(Level::Province))]
                {
                    for view in [View::AsWas, View::AsNow] {
                        for approved_only in [false, true] {
                            let mut whole =
                                pivot(db, &all, org_unit, level, &asked, view, approved_only).await;
                            let mut by_ten = Vec::new();
                            for ten in all.chunks(10) {
                                by_ten.extend(
                                    pivot(db, ten, org_unit, level, &asked, view, approved_only)
                                        .await,
                                );
                            }
                            whole.sort_by(|x, y| x.partial_cmp(y).unwrap());
                            by_ten.sort_by(|x, y| x.partial_cmp(y).unwrap());
                            assert_eq!(
                                whole, by_ten,
                                "{}: {when}: {org_unit:?} {level:?} {view:?} approved only {approved_only}",
                                t.label
                            );
                            answered += whole.len();
                        }
                    }
                }
                assert!(
                    answered > 0,
                    "{}: {when}: an empty answer proves nothing",
                    t.label
                );
            }
        };
        same("deltas waiting").await;
        rollups::fold(db, rollups::Turn::Wait).await.unwrap();
        same("folded").await;
        let key = FormKey {
            set,
            unit: a.id,
            period: period("2026-02"),
        };
        for action in [ApprovalAction::Submit, ApprovalAction::Approve] {
            values::act(db, ADMIN, key, action, None, date(TODAY))
                .await
                .unwrap();
        }
        same("February approved").await;
        rollups::fold(db, rollups::Turn::Wait).await.unwrap();
        // B's maxima fall to nothing in March: their cells change in place.
        let fallen: Vec<ValueWrite> = kinds
            .iter()
            .filter(|k| k.1 == "max")
            .map(|k| write(k.0, &b, "2026-03", Some(0.0)))
            .collect();
        values::write(db, ADMIN, &fallen, date(TODAY))
            .await
            .unwrap();
        same("a maximum fell").await;
        rollups::fold(db, rollups::Turn::Wait).await.unwrap();
        same("folded again").await;
        assert_eq!(
            store::testing::stale_rollup_rows(db).await.unwrap(),
            0,
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn pivot_figures_are_exact_and_in_order() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        monthly_set(
            db,
            "kinh_phi_thang",
            &[("kinh_phi", "sum"), ("kinh_phi_lon", "max")],
        )
        .await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        let other = unit(db, Level::Commune, "13285", TODAY).await;
        let odd = [0.1 + 0.2, 1.0 / 3.0, 999_999_999_999_999.9, -2.5, 12.0];
        let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"];
        let mut writes = Vec::new();
        for (k, (m, v)) in months.iter().zip(odd).enumerate() {
            writes.push(write("kinh_phi", &nam_dinh, m, Some(v)));
            writes.push(write("kinh_phi_lon", &other, m, Some(k as f64 - v)));
        }
        values::write(db, ADMIN, &writes, date(TODAY))
            .await
            .unwrap();

        // Asked out of order, one code twice.
        let answer = statistics::pivot::query(
            db,
            Scope::All,
            &PivotQuery {
                indicators: vec![
                    "kinh_phi_lon".into(),
                    "kinh_phi".into(),
                    "kinh_phi_lon".into(),
                ],
                org_unit: Some(ninh_binh.id),
                level: Some(Level::Commune),
                periods: ["2026-05", "2026-01", "2026-03", "2026-02", "2026-04"]
                    .iter()
                    .map(|p| period(p))
                    .collect(),
                view: View::AsNow,
                approved_only: false,
            },
        )
        .await
        .unwrap();
        let codes_answered: Vec<&str> = answer.indicators.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes_answered, ["kinh_phi_lon", "kinh_phi"], "{}", t.label);
        let rows: Vec<(String, Option<i64>, String, f64)> = answer
            .rows
            .iter()
            .map(|r| {
                (
                    r.indicator.clone(),
                    r.org_unit_id,
                    r.period.to_string(),
                    r.value,
                )
            })
            .collect();
        // Each indicator's rows unit by unit in the answer's unit order
        // (here one unit each), then month by month.
        let place = |id: i64| answer.units.iter().position(|u| u.id == id).unwrap();
        let mut expected = Vec::new();
        for (code, u) in [("kinh_phi_lon", &other), ("kinh_phi", &nam_dinh)] {
            for (k, (m, v)) in months.iter().zip(odd).enumerate() {
                let v = if code == "kinh_phi" { v } else { k as f64 - v };
                expected.push((
                    place(u.id),
                    (code.to_string(), Some(u.id), m.to_string(), v),
                ));
            }
        }
        let expected: Vec<_> = expected.into_iter().map(|(_, r)| r).collect();
        assert_eq!(rows, expected, "{}", t.label);
        // Every bit: 0.30000000000000004 is not 0.3.
        let bits: Vec<u64> = rows.iter().map(|r| r.3.to_bits()).collect();
        let want: Vec<u64> = expected.iter().map(|r| r.3.to_bits()).collect();
        assert_eq!(bits, want, "{}", t.label);

        // The province's quarter comes from the cells: the sum and the
        // maximum of the commune's months, exactly.
        let quarter = pivot(
            db,
            &["kinh_phi", "kinh_phi_lon"],
            Some(ninh_binh.id),
            None,
            &["2026-Q1"],
            View::AsNow,
            false,
        )
        .await;
        // (The sum's last bit depends on the order of addition; the
        // maximum's does not.)
        let max_q1 = (0..3).map(|k| k as f64 - odd[k]).fold(f64::MIN, f64::max);
        let sum_q1 = odd[0] + odd[1] + odd[2];
        assert_eq!(quarter.len(), 2, "{}: {quarter:?}", t.label);
        assert_eq!(quarter[0].0, "kinh_phi");
        assert!(
            (quarter[0].3 - sum_q1).abs() <= 1e-9 * sum_q1,
            "{}: {quarter:?}",
            t.label
        );
        assert_eq!(
            quarter[1],
            (
                "kinh_phi_lon".to_string(),
                Some(ninh_binh.id),
                "2026-Q1".to_string(),
                max_q1
            ),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

/// Writers of a unit's first figures at once (the month-end surge: an
/// import of every commune while the communes save their own forms) all
/// succeed: each computes the unit's homes, and on PostgreSQL the second
/// to store them used to fail on their key ("dữ liệu trùng").
#[tokio::test]
async fn first_figures_of_a_unit_written_at_once_all_succeed() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        crate::tips_typed(db).await;
        let today = date(TODAY);
        // A ward of today in 2026, a legacy commune in 2024.
        let communes = [
            (unit(db, Level::Commune, "13669", TODAY).await, 2026),
            (unit(db, Level::Commune, "13636", "2022-01-01").await, 2024),
        ];
        for (round, (u, year)) in communes.iter().enumerate() {
            let writers: Vec<_> = (0..8)
                .map(|k| {
                    let (db, u, year) = (db.clone(), u.clone(), *year);
                    tokio::spawn(async move {
                        let month = format!("{year}-{:02}", 1 + k);
                        values::write(
                            &db,
                            ADMIN,
                            &[write("tin_bao", &u, &month, Some(1.0))],
                            today,
                        )
                        .await
                    })
                })
                .collect();
            for w in writers {
                let r = w.await.unwrap();
                assert!(r.is_ok(), "{}: round {round}: {:?}", t.label, r.err());
            }
        }
        t.cleanup().await;
    }
}

/// A save appends deltas and touches no rollup cell (PostgreSQL; SQLite
/// writes its cells in place): it completes while another transaction
/// holds every cell (the province's
/// and the country's cells were the rows every save of the nation
/// queued on). Many writers with two folders at once (as several servers
/// run them) lose nothing: the pivot counts every figure before the last
/// fold and after it, and the folded cells equal a rebuild.
#[tokio::test]
async fn saves_wait_for_no_cell_and_folds_lose_nothing() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use store::statistics::rollups::Turn;
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        let today = date(TODAY);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        crate::tips_typed(db).await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        let quang_trung = unit(db, Level::Commune, "13285", "2022-01-01").await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        let mut early = 0.0;
        if let store::Backend::Postgres(_) = db.backend() {
            let first = [write("tin_bao", &phuong_nam_dinh, "2026-10", Some(1.0))];
            values::write(db, ADMIN, &first, today).await.unwrap();
            rollups::fold(db, Turn::Wait).await.unwrap();
            let mut holder = db.begin().await.unwrap();
            if let store::Backend::Postgres(c) = holder.backend() {
                sqlx::query("LOCK TABLE rollups IN EXCLUSIVE MODE")
                    .execute(c)
                    .await
                    .unwrap();
            }
            let second = [write("tin_bao", &phuong_nam_dinh, "2026-11", Some(2.0))];
            tokio::time::timeout(
                Duration::from_secs(5),
                values::write(db, ADMIN, &second, today),
            )
            .await
            .expect("a save waited for the rollup cells")
            .unwrap();
            // Readers pass the lock too, and see the delta.
            assert_eq!(
                figure(db, "tin_bao", ninh_binh.id, "2026", View::AsNow).await,
                Some(3.0)
            );
            holder.rollback().await.unwrap();
            early = 3.0;
        }

        let stop = Arc::new(AtomicBool::new(false));
        let folders: Vec<_> = (0..2)
            .map(|_| {
                let (db, stop) = (db.clone(), stop.clone());
                tokio::spawn(async move {
                    let mut folded = 0;
                    while !stop.load(Ordering::Relaxed) {
                        folded += rollups::fold(&db, Turn::GiveWay).await.unwrap();
                        tokio::time::sleep(Duration::from_millis(3)).await;
                    }
                    folded
                })
            })
            .collect();
        let writers: Vec<_> = (0..8)
            .map(|k| {
                let db = db.clone();
                let units = [
                    (vi_xuyen.clone(), 2022),
                    (quang_trung.clone(), 2022),
                    (phuong_nam_dinh.clone(), 2026),
                ];
                tokio::spawn(async move {
                    for (u, year) in units {
                        let w = [write(
                            "tin_bao",
                            &u,
                            &format!("{year}-{:02}", k + 1),
                            Some((k + 1) as f64),
                        )];
                        values::write(&db, ADMIN, &w, date(TODAY)).await.unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        let mut folded = 0;
        for f in folders {
            folded += f.await.unwrap();
        }
        let by_province = |view| {
            pivot(
                db,
                &["tin_bao"],
                None,
                Some(Level::Province),
                &["2022", "2026"],
                view,
                false,
            )
        };
        let (was, now) = (
            by_province(View::AsWas).await,
            by_province(View::AsNow).await,
        );
        // 1 + … + 8 for each of three units.
        assert_eq!(sum_of(&was), 3.0 * 36.0 + early, "{}", t.label);
        assert_eq!(sum_of(&now), sum_of(&was), "{}", t.label);
        folded += rollups::fold(db, Turn::Wait).await.unwrap();
        // SQLite writes its cells in place (one writer: nothing to gain).
        assert_eq!(folded > 0, db.is_postgres(), "{}: folded {folded}", t.label);
        assert_eq!(rollups::waiting(db).await.unwrap(), 0, "{}", t.label);
        assert_eq!(by_province(View::AsWas).await, was, "{}", t.label);
        assert_eq!(by_province(View::AsNow).await, now, "{}", t.label);
        let incremental = rollups::snapshot(db).await.unwrap();
        rollups::rebuild(db).await.unwrap();
        assert_eq!(
            rollups::snapshot(db).await.unwrap(),
            incremental,
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}
