//! A review's figures checked against the records they count.

use std::collections::HashMap;

use domain::directives::{DirectiveInput, NewDirective, TaskInput};
use domain::org_units::Level;
use domain::reviews::{Figures, Focus, Month, Part, Period, View};
use store::accounts::Scope;
use store::audit::Author;
use store::org_units::{self as units, reference};
use store::reviews::figures::{assemble, Ask};
use store::testing::TestDb;
use store::Db;

fn task(title: &str, due: &str, owners: Option<Vec<i64>>) -> TaskInput {
    TaskInput {
        title: Some(title.into()),
        due_on: Some(due.into()),
        expects: Some("text".into()),
        every_commune: Some(owners.is_none()),
        owners,
        ..Default::default()
    }
}

async fn directive(db: &Db, unit: Option<i64>, reference: &str, tasks: Vec<TaskInput>) {
    let input = DirectiveInput {
        org_unit_id: unit,
        reference: Some(reference.into()),
        subject: Some(format!("Kế hoạch {reference}")),
        issued_on: Some("2025-08-01".into()),
        tasks: Some(tasks),
        ..Default::default()
    };
    let d = NewDirective::parse(&input, domain::time::today()).unwrap();
    store::directives::create(db, Author::System, Scope::All, &d)
        .await
        .unwrap();
}

/// An owner line as stored.
struct Line {
    unit: i64,
    done: bool,
    /// The issuing unit; none: the Ministry.
    issuer: Option<i64>,
}

async fn owner_lines(db: &Db) -> Vec<Line> {
    let sql = "SELECT o.org_unit_id, CASE WHEN o.state = 'done' THEN 1 ELSE 0 END, d.org_unit_id
                 FROM task_owners o JOIN directive_tasks t ON t.id = o.task_id
                 JOIN directives d ON d.id = t.directive_id";
    let rows: Vec<(i64, i32, Option<i64>)> = match db.backend() {
        store::Backend::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        store::Backend::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    rows.into_iter()
        .map(|(unit, done, issuer)| Line {
            unit,
            done: done == 1,
            issuer,
        })
        .collect()
}

async fn parents(db: &Db) -> HashMap<i64, Option<i64>> {
    let sql = "SELECT id, parent_id FROM org_units";
    let rows: Vec<(i64, Option<i64>)> = match db.backend() {
        store::Backend::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        store::Backend::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    rows.into_iter().collect()
}

fn tasks(f: &Figures) -> &Part {
    f.parts.iter().find(|p| p.source == "directives").unwrap()
}

fn value(p: &Part, code: &str) -> f64 {
    p.headlines.iter().find(|h| h.code == code).unwrap().value
}

/// The tasks a national and a provincial review count: the owner lines
/// summed once by owner unit and placed under the parts, the tasks the
/// unit gave apart from those at and under it, each table adding up to
/// its headline, the lines at the unit itself in a row of their own.
#[tokio::test]
async fn a_reviews_task_figures_count_each_owner_line_once() {
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let today = domain::time::today();
        let province = units::resolve_code(db, Level::Province, "38", today)
            .await
            .unwrap()
            .unwrap();
        // The Ministry to every commune and to the province itself; the
        // province to its communes.
        directive(
            db,
            None,
            "1/KH-BCA",
            vec![task("Sơ kết", "2025-09-01", None)],
        )
        .await;
        directive(
            db,
            None,
            "2/KH-BCA",
            vec![task("Báo cáo", "2025-09-15", Some(vec![province.id]))],
        )
        .await;
        directive(
            db,
            Some(province.id),
            "3/KH-CAT",
            vec![task("Tổng kết", "2025-10-01", None)],
        )
        .await;
        store::bench_support::directives::spread_states(db)
            .await
            .unwrap();
        let lines = owner_lines(db).await;
        let parent = parents(db).await;
        let province_of = |u: i64| {
            let mut at = Some(u);
            while let Some(x) = at {
                if parent.get(&x).copied().flatten().is_none() {
                    return x;
                }
                at = parent.get(&x).copied().flatten();
            }
            u
        };
        let period = Period::new(
            Month::parse("from", "2025-07", true).unwrap(),
            Month::parse("to", "2025-12", false).unwrap(),
            today,
        )
        .unwrap();
        let ask = |unit| Ask {
            unit,
            period,
            view: View::Now,
            focus: Focus::default(),
            today,
            brief: false,
        };
        let count = |keep: &dyn Fn(&Line) -> bool| lines.iter().filter(|l| keep(l)).count() as f64;

        // The country: the Ministry's tasks given; every line received,
        // under its province.
        let national = assemble(db, &ask(None)).await.unwrap();
        let part = tasks(&national);
        assert_eq!(
            value(part, "tasks_given"),
            count(&|l| l.issuer.is_none()),
            "{}",
            t.label
        );
        assert_eq!(
            value(part, "tasks_received"),
            lines.len() as f64,
            "{}",
            t.label
        );
        assert_eq!(
            value(part, "tasks_received_done"),
            count(&|l| l.done),
            "{}",
            t.label
        );
        let received = part
            .headlines
            .iter()
            .find(|h| h.code == "tasks_received")
            .unwrap();
        assert_eq!(received.by_unit.len(), 34, "{}", t.label);
        for u in &received.by_unit {
            let want = count(&|l| province_of(l.unit) == u.org_unit_id);
            assert_eq!(u.value, want, "{} province {}", t.label, u.org_unit_id);
        }
        // A row per province, no row of the country's own.
        let want = [count(&|l| l.issuer.is_none()), lines.len() as f64];
        for (table, want) in part.tables.iter().zip(want) {
            assert_eq!(table.rows.len(), 34, "{}: {}", t.label, table.title);
            let total = table.total.as_ref().unwrap();
            assert_eq!(total.values[0], Some(want), "{}: {}", t.label, table.title);
        }

        // The province: its own directive given; what is at and under it
        // received, the line at the province itself in a row of its own.
        let mine = |l: &Line| province_of(l.unit) == province.id;
        let figures = assemble(db, &ask(Some(province.id))).await.unwrap();
        let part = tasks(&figures);
        let given = count(&|l| l.issuer == Some(province.id));
        assert!(given > 0.0);
        assert_eq!(value(part, "tasks_given"), given, "{}", t.label);
        assert_eq!(value(part, "tasks_received"), count(&mine), "{}", t.label);
        let received = part
            .headlines
            .iter()
            .find(|h| h.code == "tasks_received")
            .unwrap();
        for u in &received.by_unit {
            assert_eq!(
                u.value,
                count(&|l| l.unit == u.org_unit_id),
                "{} commune {}",
                t.label,
                u.org_unit_id
            );
        }
        let table = part
            .tables
            .iter()
            .find(|x| x.title.contains("được giao"))
            .unwrap();
        let own = table.rows.last().unwrap();
        assert_eq!(
            (own.org_unit_id, own.values[0]),
            (None, Some(1.0)),
            "{}",
            t.label
        );
        assert_eq!(
            table.total.as_ref().unwrap().values[0],
            Some(count(&mine)),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}

fn years_table<'a>(f: &'a Figures, source: &str) -> &'a domain::reviews::FigureTable {
    &f.parts.iter().find(|p| p.source == source).unwrap().tables[0]
}

/// The forces' and the certification's year-by-year tables agree with
/// what the registers' own summaries say for each year: the forces',
/// counted in one pass over the period, with the summaries of every force
/// standing on each year end over today's parts (the unit's whole, in
/// either view, as the models' years count it: a team of 2019 at a
/// village the view of 2019 places nowhere still stood); the
/// certification's with the year's summary in the review's view. For the
/// country and a province, in both views, over years before and after
/// Law 30 and the 2025 reform.
#[tokio::test]
async fn a_reviews_years_agree_with_the_registers_summaries() {
    use domain::forces::Force;
    use store::certification::summary::{summary as cert_summary, SummaryQuery};
    use store::forces::summary::{summary as forces_summary, ForcesQuery};
    use store::org_units::areas::View as AreasView;
    for t in TestDb::all().await.unwrap() {
        let db = &t.db;
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let today = domain::time::today();
        store::bench_support::generate_forces(db, 300, 0, today, 7)
            .await
            .unwrap();
        store::bench_support::age_forces(db).await.unwrap();
        store::certification::criteria::load_default(db)
            .await
            .unwrap();
        store::bench_support::generate_certification(db, 0, 40, 2021..=2025, 7)
            .await
            .unwrap();
        let (province, _) = store::bench_support::province_with_most_teams(db)
            .await
            .unwrap();
        let period = Period::new(
            Month::parse("from", "2016-01", true).unwrap(),
            Month::parse("to", "2025-12", false).unwrap(),
            today,
        )
        .unwrap();
        for unit in [None, Some(province)] {
            for view in [View::Was, View::Now] {
                let ask = Ask {
                    unit,
                    period,
                    view,
                    focus: Focus::default(),
                    today,
                    brief: false,
                };
                let areas_view = match view {
                    View::Was => AreasView::Was,
                    View::Now => AreasView::Now,
                };
                let figures = assemble(db, &ask).await.unwrap();
                let forces = years_table(&figures, "forces");
                let certification = years_table(&figures, "certification");
                let what = format!("{}: {unit:?} {view:?}", t.label);
                let mut teams_seen = 0.0;
                for (row, (year, _, last)) in forces.rows.iter().zip(period.years()) {
                    let day = last.min(today);
                    let mut want = [0.0; 3];
                    for force in Force::ALL.iter().filter(|f| f.existed_on(day)) {
                        // The unit's whole in either view (as the
                        // models' years): today's parts reach all of it.
                        let q = ForcesQuery {
                            org_unit: unit,
                            as_of: day,
                            view: AreasView::Now,
                            force: *force,
                            today,
                        };
                        let s = forces_summary(db, Scope::All, &q).await.unwrap();
                        want[0] += s.totals.teams as f64;
                        want[1] += s.totals.members as f64;
                        want[2] += s.totals.villages_without_team as f64;
                    }
                    let got: Vec<f64> = row.values.iter().map(|v| v.unwrap()).collect();
                    assert_eq!(got, want, "{what}: forces in {year}");
                    assert_eq!(row.label, year.to_string());
                    teams_seen += want[0];
                }
                assert!(teams_seen > 0.0, "{what}: no team counted");
                for (row, (year, _, _)) in certification.rows.iter().zip(period.years()) {
                    let q = SummaryQuery {
                        org_unit: unit,
                        year,
                        view: areas_view,
                        today,
                    };
                    let s = cert_summary(db, Scope::All, &q).await.unwrap();
                    let sum = |f: fn(&store::certification::summary::Cell) -> i64| {
                        s.totals.iter().map(f).sum::<i64>() as f64
                    };
                    let want = vec![
                        sum(|c| c.eligible),
                        sum(|c| c.registered),
                        sum(|c| c.certified),
                    ];
                    let got: Vec<f64> = row.values.iter().map(|v| v.unwrap()).collect();
                    assert_eq!(got, want, "{what}: certification in {year}");
                }
            }
        }
        t.cleanup().await;
    }
}
