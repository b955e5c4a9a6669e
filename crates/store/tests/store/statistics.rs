use chrono::NaiveDate;
use domain::accounts::Role;
use domain::file::UnitRef;
use domain::org_units::{
    Level, Merge, MergeInput, NewUnit, NewUnitInput, OrgUnit, Split, SplitInput, VillageInput,
};
use domain::statistics::file::ValueRow;
use domain::statistics::{
    ApprovalAction, DataSetInput, IndicatorInput, NewDataSet, NewIndicator, Period, ShareInput,
    Shares,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
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
                write("so_to", &vi_xuyen, "2022-01", Some(4.0)),
                write("so_to", &vi_xuyen, "2022-03", Some(6.0)),
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
            &["so_to"],
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
            statistics::create_indicator(db, Author::System, &i)
                .await
                .unwrap();
        }
        statistics::create_data_set(
            db,
            Author::System,
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

#[derive(Debug, Clone)]
enum Op {
    Write {
        unit: usize,
        indicator: usize,
        month: usize,
        value: Option<u8>,
    },
    Act {
        unit: usize,
        month: usize,
        action: usize,
    },
    /// Shares of the split legacy commune (unit 1): 0 clears them, 1 gives
    /// 3/4 to the default successor, 2 all to another.
    Share { choice: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..4usize, 0..8usize, proptest::option::weighted(0.85, 0..40u8))
            .prop_map(|(unit, indicator, month, value)| Op::Write { unit, indicator, month, value }),
        // Approval steps aim at a few forms, so that submit, approve and
        // un-approve meet the same form within one sequence.
        2 => (0..3usize, 0..3usize, prop_oneof![3 => Just(5usize), 1 => 0..5usize]).prop_map(|(unit, month, action)| Op::Act { unit, month, action }),
        1 => (0..3usize).prop_map(|choice| Op::Share { choice }),
    ]
}

/// After any sequence of writes, edits, deletes, approval steps and changes
/// of a split commune's shares, the rollups kept up write by write equal
/// the ones rebuilt from scratch.
#[test]
fn incremental_rollups_equal_a_rebuild() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dbs = rt.block_on(TestDb::all()).unwrap();
    for t in dbs {
        let db = &t.db;
        let today = date(TODAY);
        let (set, units) = rt.block_on(async {
            reference::load(db, &reference::ReferenceData::embedded(), false)
                .await
                .unwrap();
            for (code, agg) in [
                ("p_sum", "sum"),
                ("p_avg", "average"),
                ("p_last", "last"),
                ("p_max", "max"),
            ] {
                let i = NewIndicator::parse(&IndicatorInput {
                    code: code.into(),
                    name: code.into(),
                    unit: "count".into(),
                    aggregation: agg.into(),
                    ..Default::default()
                })
                .unwrap();
                statistics::create_indicator(db, Author::System, &i)
                    .await
                    .unwrap();
            }
            let set = statistics::create_data_set(
                db,
                Author::System,
                &NewDataSet::parse(&DataSetInput {
                    code: "p_set".into(),
                    name: "Bộ thử".into(),
                    period_type: "month".into(),
                    calendar: "months".into(),
                    entry: "commune".into(),
                    approval_levels: vec!["province".into()],
                    indicators: ["p_sum", "p_avg", "p_last", "p_max"]
                        .map(String::from)
                        .to_vec(),
                    ..Default::default()
                })
                .unwrap(),
            )
            .await
            .unwrap();
            let units = vec![
                unit(db, Level::Commune, "13636", "2024-01-01").await,
                unit(db, Level::Commune, "13285", "2024-01-01").await,
                unit(db, Level::Commune, "13669", TODAY).await,
            ];
            (set.set, units)
        });
        let codes = ["p_sum", "p_avg", "p_last", "p_max"];
        // Legacy units report up to June 2025, the 2025 commune from July.
        let legacy = [
            "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
        ];
        let current = [
            "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
        ];
        let actions = [
            ApprovalAction::Submit,
            ApprovalAction::Approve,
            ApprovalAction::Unapprove,
            ApprovalAction::Return,
            ApprovalAction::Withdraw,
        ];
        let cases = std::env::var("ROLLUP_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(24);
        let approved_cells = std::sync::atomic::AtomicUsize::new(0);
        let max_cells = std::sync::atomic::AtomicUsize::new(0);
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&proptest::collection::vec(op(), 1..40), |ops| {
                rt.block_on(async {
                    store::testing::reset_statistics(db).await.unwrap();
                    for op in &ops {
                        let (u, m) = match op {
                            Op::Write { unit, month, .. } | Op::Act { unit, month, .. } => {
                                (*unit, *month)
                            }
                            Op::Share { choice } => {
                                let succ = statistics::shares::of(db, units[1].id).await.unwrap();
                                let (default, other) = (succ[0].id, succ[1].id);
                                let input = match choice {
                                    0 => vec![],
                                    1 => vec![
                                        ShareInput {
                                            to: default,
                                            share: 0.75,
                                        },
                                        ShareInput {
                                            to: other,
                                            share: 0.25,
                                        },
                                    ],
                                    _ => vec![ShareInput {
                                        to: other,
                                        share: 1.0,
                                    }],
                                };
                                statistics::shares::set(db, Author::System, units[1].id, |s| {
                                    Shares::parse(&input, s)
                                })
                                .await
                                .unwrap();
                                continue;
                            }
                        };
                        let months = if u == 2 { &current } else { &legacy };
                        let p = period(months[m]);
                        // Refusals (locked forms, impossible steps) are part of the game.
                        let _ = match op {
                            Op::Write {
                                indicator, value, ..
                            } => values::write(
                                db,
                                ADMIN,
                                &[ValueWrite {
                                    indicator: codes[*indicator].into(),
                                    org_unit: units[u].id,
                                    period: p,
                                    value: value.map(f64::from),
                                    comment: None,
                                }],
                                today,
                            )
                            .await
                            .map(|_| ()),
                            Op::Share { .. } => Ok(()),
                            Op::Act { action, .. } => {
                                // 5: submit, then approve.
                                let steps = match actions.get(*action) {
                                    Some(a) => vec![*a],
                                    None => vec![ApprovalAction::Submit, ApprovalAction::Approve],
                                };
                                let key = FormKey {
                                    set: set.id,
                                    unit: units[u].id,
                                    period: p,
                                };
                                for step in steps {
                                    let _ = values::act(db, ADMIN, key, step, Some("lý do"), today)
                                        .await;
                                }
                                Ok(())
                            }
                        };
                    }
                    let incremental = rollups::snapshot(db).await.unwrap();
                    let ordering = std::sync::atomic::Ordering::Relaxed;
                    approved_cells.fetch_add(
                        incremental.iter().filter(|c| c.1.approved.n > 0).count(),
                        ordering,
                    );
                    max_cells.fetch_add(
                        incremental.iter().filter(|c| c.1.all.top.is_some()).count(),
                        ordering,
                    );
                    rollups::rebuild(db).await.unwrap();
                    let rebuilt = rollups::snapshot(db).await.unwrap();
                    prop_assert_eq!(incremental.len(), rebuilt.len(), "{}: {:?}", t.label, ops);
                    for (a, b) in incremental.iter().zip(&rebuilt) {
                        prop_assert_eq!(a.0, b.0);
                        for (x, y) in [(a.1.all, b.1.all), (a.1.approved, b.1.approved)] {
                            prop_assert_eq!(x.n, y.n, "{:?} {:?}", a.0, ops);
                            prop_assert!(
                                (x.total - y.total).abs() < 1e-9,
                                "{:?} {} {}",
                                a.0,
                                x.total,
                                y.total
                            );
                            prop_assert_eq!(x.top, y.top, "{:?} {:?}", a.0, ops);
                        }
                    }
                    Ok(())
                })
            })
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        // The sequences did reach approvals and maxima, or the test proves little.
        assert!(approved_cells.into_inner() > 0, "{}", t.label);
        assert!(max_cells.into_inner() > 0, "{}", t.label);
        rt.block_on(t.cleanup());
    }
}
