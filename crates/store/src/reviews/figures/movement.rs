//! The movement's figures: programmes, events and the festival,
//! commendations, directives' tasks.

use domain::reviews::{ChartHint, Part, UnitValue};

use super::{areas, by_unit, headline, row, summed, Ask};
use crate::accounts::Scope;
use crate::error::Result;
use crate::{fetch_all_dyn, Arg, Db, Params};

/// Programmes reviewed at most (a province's and its communes' own).
const MAX_PROGRAMS: u32 = 200;

pub(super) async fn programs(db: &Db, ask: &Ask) -> Result<Part> {
    use crate::programs::progress::progress;
    use crate::programs::{list, ProgramQuery, Reader};
    let reader = Reader {
        scope: Scope::All,
        parties: None,
    };
    let ids: Vec<i64> = match ask.focus.program_id {
        Some(id) => vec![id],
        None => {
            let q = ProgramQuery {
                org_unit: ask.unit,
                page: domain::page::Page {
                    page: 1,
                    per_page: MAX_PROGRAMS,
                },
                ..Default::default()
            };
            list(db, &reader, &q)
                .await?
                .0
                .into_iter()
                .filter(|g| g.starts_on <= ask.end() && g.ends_on >= ask.period.first_day())
                // The country's review: the national programmes, not the
                // first of every province's.
                .filter(|g| ask.unit.is_some() || g.org_unit_id.is_none())
                .map(|g| g.id)
                .collect()
        }
    };
    let mut rows = Vec::new();
    let (mut reached, mut activities) = (0, 0);
    for id in &ids {
        let p = progress(db, &reader, *id).await?;
        reached += p.reached;
        activities += p.activities;
        rows.push(row(
            p.program.name.clone(),
            None,
            vec![
                p.targets.len() as f64,
                p.reached as f64,
                p.late as f64,
                p.activities as f64,
                p.participants as f64,
            ],
        ));
    }
    let headlines = vec![
        headline(
            "programs",
            "Chương trình, kế hoạch phối hợp triển khai trong kỳ",
            ids.len() as f64,
            vec![],
        ),
        headline(
            "program_targets_reached",
            "Chỉ tiêu phối hợp đã đạt",
            reached as f64,
            vec![],
        ),
        headline(
            "program_activities",
            "Hoạt động phối hợp đã báo cáo",
            activities as f64,
            vec![],
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    Ok(Part {
        headlines,
        tables: vec![summed(
            "Chương trình, kế hoạch phối hợp",
            &[
                "Chương trình",
                "Chỉ tiêu",
                "Đã đạt",
                "Chậm",
                "Hoạt động",
                "Lượt người tham gia",
            ],
            rows,
            None,
        )],
        ..Default::default()
    })
}

#[derive(sqlx::FromRow)]
struct EventYear {
    y: String,
    kind: String,
    n: i64,
    participants: i64,
}

pub(super) async fn events(db: &Db, ask: &Ask) -> Result<Part> {
    let mut p = Params::default();
    let under = ask.under("e.org_unit_id", &mut p);
    let f = p.push(Arg::Date(Some(ask.period.first_day())));
    let e = p.push(Arg::Date(Some(ask.end())));
    let sql = format!(
        "SELECT SUBSTR(CAST(e.starts_on AS TEXT), 1, 4) AS y, e.kind, COUNT(*) AS n,
                CAST(COALESCE(SUM(e.participants), 0) AS BIGINT) AS participants
           FROM events e
          WHERE {under}
            AND e.starts_on >= {f} AND e.starts_on <= {e}
          GROUP BY SUBSTR(CAST(e.starts_on AS TEXT), 1, 4), e.kind"
    );
    let mut tx = db.begin_read().await?;
    let groups: Vec<EventYear> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    let (first_year, last_year) = ask.years();
    let coverage = crate::events::festivals::coverage(
        db,
        Scope::All,
        ask.unit,
        (first_year, last_year),
        ask.areas_view(),
        ask.today,
    )
    .await?;
    let sites = |years: &[crate::events::festivals::CoverageCell]| {
        years.iter().map(|c| c.sites).sum::<i64>()
    };
    let headlines = vec![
        headline(
            "events",
            "Sự kiện, hội nghị, lễ ra mắt đã tổ chức",
            groups.iter().map(|g| g.n).sum::<i64>() as f64,
            vec![],
        ),
        headline(
            "event_participants",
            "Lượt người tham dự sự kiện",
            groups.iter().map(|g| g.participants).sum::<i64>() as f64,
            vec![],
        ),
        headline(
            "festival_sites",
            "Lượt thôn, tổ dân phố, cơ sở tổ chức Ngày hội",
            festival_sites(db, ask).await? as f64,
            by_unit(&coverage.rows, |r| r.org_unit_id, |r| sites(&r.years)),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let kinds: Vec<String> = {
        let mut k: Vec<String> = groups.iter().map(|g| g.kind.clone()).collect();
        k.sort();
        k.dedup();
        k
    };
    let label = |k: &str| {
        domain::events::Kind::parse("kind", k)
            .map_or_else(|_| k.to_owned(), |k| k.term().vi.to_owned())
    };
    let mut columns: Vec<String> = vec!["Năm".into()];
    columns.extend(kinds.iter().map(|k| label(k)));
    columns.push("Lượt người tham dự".into());
    let years = (first_year..=last_year)
        .map(|y| {
            let ys = y.to_string();
            let mut v: Vec<f64> = kinds
                .iter()
                .map(|k| {
                    groups
                        .iter()
                        .filter(|g| g.y == ys && &g.kind == k)
                        .map(|g| g.n)
                        .sum::<i64>() as f64
                })
                .collect();
            v.push(
                groups
                    .iter()
                    .filter(|g| g.y == ys)
                    .map(|g| g.participants)
                    .sum::<i64>() as f64,
            );
            row(ys, None, v)
        })
        .collect();
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let festival_years = coverage
        .totals
        .years
        .iter()
        .map(|c| {
            row(
                c.year.to_string(),
                None,
                vec![c.communes as f64, c.sites as f64, c.participants as f64],
            )
        })
        .collect();
    let festival_areas = coverage
        .rows
        .iter()
        .map(|r| {
            let s = |f: fn(&crate::events::festivals::CoverageCell) -> i64| {
                r.years.iter().map(f).sum::<i64>() as f64
            };
            row(
                r.name.clone(),
                Some(r.org_unit_id),
                vec![
                    r.communes_total as f64,
                    s(|c| c.communes),
                    s(|c| c.sites),
                    s(|c| c.participants),
                ],
            )
        })
        .collect();
    Ok(Part {
        headlines,
        tables: vec![
            summed(
                "Sự kiện theo năm và loại",
                &column_refs,
                years,
                Some(ChartHint::Bars),
            ),
            summed(
                "Ngày hội toàn dân bảo vệ an ninh Tổ quốc qua các năm",
                &[
                    "Năm",
                    "Xã, phường tổ chức",
                    "Thôn, tổ dân phố, cơ sở",
                    "Lượt người tham gia",
                ],
                festival_years,
                Some(ChartHint::Bars),
            ),
            summed(
                "Ngày hội theo đơn vị (cộng các năm)",
                &[
                    "Đơn vị",
                    "Số xã, phường",
                    "Lượt xã, phường tổ chức",
                    "Lượt điểm tổ chức",
                    "Lượt người tham gia",
                ],
                festival_areas,
                None,
            ),
        ],
        ..Default::default()
    })
}

/// The sites of every festival held under the unit in the period's
/// years: a commune's own festival is no row of its villages' coverage.
async fn festival_sites(db: &Db, ask: &Ask) -> Result<i64> {
    let (from, to) = ask.years();
    let mut p = Params::default();
    let under = ask.under("f.org_unit_id", &mut p);
    let from = p.push(Arg::I64(Some(i64::from(from))));
    let to = p.push(Arg::I64(Some(i64::from(to))));
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(f.sites), 0) AS BIGINT) FROM festivals f
          WHERE {under} AND f.year >= {from} AND f.year <= {to}"
    );
    let mut tx = db.begin_read().await?;
    let n: i64 = fetch_dyn!(tx, fetch_one, scalar i64, &sql, p.args)?;
    tx.rollback().await?;
    Ok(n)
}

pub(super) async fn commendations(db: &Db, ask: &Ask) -> Result<Part> {
    use crate::commendations::summary::{summary, CommendationSummaryQuery};
    let q = |from_year, to_year| CommendationSummaryQuery {
        org_unit: ask.unit,
        from_year,
        to_year,
        view: ask.areas_view(),
        today: ask.today,
    };
    let (first_year, last_year) = ask.years();
    let whole = summary(db, Scope::All, &q(first_year, last_year)).await?;
    let headlines = vec![
        headline(
            "khen_tap_the",
            "Lượt tập thể được khen thưởng",
            whole.totals.collective as f64,
            by_unit(&whole.rows, |r| r.org_unit_id, |r| r.cell.collective),
        ),
        headline(
            "khen_ca_nhan",
            "Lượt cá nhân được khen thưởng",
            whole.totals.individual as f64,
            by_unit(&whole.rows, |r| r.org_unit_id, |r| r.cell.individual),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let mut years = Vec::new();
    for y in first_year..=last_year {
        let s = summary(db, Scope::All, &q(y, y)).await?;
        years.push(row(
            y.to_string(),
            None,
            vec![s.totals.collective as f64, s.totals.individual as f64],
        ));
    }
    let forms = whole
        .totals
        .forms
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(code, n)| {
            let label = domain::commendations::Form::parse("form", code)
                .map_or_else(|_| code.clone(), |f| f.term().vi.to_owned());
            row(label, None, vec![*n as f64])
        })
        .collect();
    let areas = whole
        .rows
        .iter()
        .map(|r| {
            row(
                r.name.clone(),
                Some(r.org_unit_id),
                vec![r.cell.collective as f64, r.cell.individual as f64],
            )
        })
        .collect();
    Ok(Part {
        headlines,
        tables: vec![
            summed(
                "Khen thưởng qua các năm",
                &["Năm", "Tập thể", "Cá nhân"],
                years,
                Some(ChartHint::Bars),
            ),
            summed(
                "Khen thưởng theo hình thức",
                &["Hình thức", "Số lượt"],
                forms,
                None,
            ),
            summed(
                "Khen thưởng theo đơn vị",
                &["Đơn vị", "Tập thể", "Cá nhân"],
                areas,
                None,
            ),
        ],
        ..Default::default()
    })
}

#[derive(sqlx::FromRow)]
struct TaskCounts {
    /// 1: the row sums every owner line; 0: those under `area`.
    whole: i64,
    area: Option<i64>,
    /// 1: tasks the reviewed unit gave (the country's: the national
    /// directives'); 0: given to the unit and those below it by others.
    given: i64,
    owners: i64,
    done: i64,
    done_late: i64,
    late: i64,
}

/// The standing of the owners at and under the reviewed unit, the tasks
/// it gave apart from the others: in all, and under each of `areas`.
///
/// One pass over the owner lines: they are summed by owner unit first
/// (a few thousand rows for the country's two million lines), and only
/// those sums are placed under the areas.
async fn task_counts(db: &Db, ask: &Ask, areas: &[i64]) -> Result<Vec<TaskCounts>> {
    let mut p = Params::default();
    // A national review's given tasks are the national directives'.
    let given = match ask.unit {
        Some(u) => format!("d.org_unit_id = {}", p.push(Arg::I64(Some(u)))),
        None => "d.org_unit_id IS NULL".into(),
    };
    let f = p.push(Arg::Date(Some(ask.period.first_day())));
    let e = p.push(Arg::Date(Some(ask.end())));
    let today = p.push(Arg::Date(Some(ask.today)));
    let focus = match ask.focus.directive_id {
        Some(id) => format!("AND d.id = {}", p.push(Arg::I64(Some(id)))),
        None => String::new(),
    };
    let areas = p.list(areas.iter().map(|a| Arg::I64(Some(*a))));
    // A unit's owners are a range of their unit's index. The country's
    // are every line: read task by task, in the owners' key order (SQLite
    // keeps a CROSS JOIN's order; read through the unit index instead, each
    // line costs a lookup: 4.2 s against 1.9 s for two million).
    let (owners, under) = match ask.unit {
        Some(_) => (
            "task_owners o
               JOIN directive_tasks t ON t.id = o.task_id
               JOIN directives d ON d.id = t.directive_id",
            ask.under("o.org_unit_id", &mut p),
        ),
        None => (
            "directive_tasks t
               JOIN directives d ON d.id = t.directive_id
               CROSS JOIN task_owners o",
            "o.task_id = t.id".to_owned(),
        ),
    };
    let sums = "CAST(SUM(x.owners) AS BIGINT) AS owners, CAST(SUM(x.done) AS BIGINT) AS done,
                CAST(SUM(x.done_late) AS BIGINT) AS done_late, CAST(SUM(x.late) AS BIGINT) AS late";
    // Done late: reported after the day it was due (the report's day is
    // its timestamp's first ten characters on both databases).
    let sql = format!(
        "WITH x AS (
             SELECT o.org_unit_id, CASE WHEN {given} THEN 1 ELSE 0 END AS given,
                    COUNT(*) AS owners,
                    SUM(CASE WHEN o.state = 'done' THEN 1 ELSE 0 END) AS done,
                    SUM(CASE WHEN o.state = 'done'
                         AND SUBSTR(CAST(o.reported_at AS TEXT), 1, 10) > CAST(o.due_on AS TEXT)
                        THEN 1 ELSE 0 END) AS done_late,
                    SUM(CASE WHEN o.state <> 'done' AND o.due_on < {today} THEN 1 ELSE 0 END) AS late
               FROM {owners}
              WHERE {under} AND o.due_on >= {f} AND o.due_on <= {e} {focus}
              GROUP BY o.org_unit_id, CASE WHEN {given} THEN 1 ELSE 0 END)
         SELECT CAST(0 AS BIGINT) AS whole, h.ancestor_id AS area, CAST(x.given AS BIGINT) AS given, {sums}
           FROM x JOIN org_unit_reach h ON h.unit_id = x.org_unit_id AND h.ancestor_id IN ({areas})
          GROUP BY h.ancestor_id, x.given
         UNION ALL
         SELECT CAST(1 AS BIGINT), CAST(NULL AS BIGINT), CAST(x.given AS BIGINT), {sums}
           FROM x GROUP BY x.given"
    );
    let mut tx = db.begin_read().await?;
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

pub(super) async fn directives(db: &Db, ask: &Ask) -> Result<Part> {
    let areas = areas(db, ask).await?;
    let ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    let counts = task_counts(db, ask, &ids).await?;
    // `given`: the tasks the unit gave; otherwise every task at and under
    // it (those it gave included, as owners report them).
    let sum = |whole: i64, area: Option<i64>, given: bool, f: fn(&TaskCounts) -> i64| {
        counts
            .iter()
            .filter(|c| c.whole == whole && c.area == area && (!given || c.given == 1))
            .map(f)
            .sum::<i64>()
    };
    let all = |given: bool, f: fn(&TaskCounts) -> i64| sum(1, None, given, f);
    // The areas other than the unit itself (a commune with no parts is
    // its own only area).
    let parts: Vec<&crate::org_units::areas::Area> =
        areas.iter().filter(|a| Some(a.id) != ask.unit).collect();
    // Only what is at and under each part is checked against the parts'
    // own reviews: the tasks a commune gave are not those it was given.
    let units = |f: fn(&TaskCounts) -> i64| -> Vec<UnitValue> {
        parts
            .iter()
            .map(|a| UnitValue {
                org_unit_id: a.id,
                value: sum(0, Some(a.id), false, f) as f64,
            })
            .collect()
    };
    let headlines = vec![
        headline(
            "tasks_given",
            "Lượt nhiệm vụ đã giao cho đơn vị cấp dưới",
            all(true, |c| c.owners) as f64,
            vec![],
        ),
        headline(
            "tasks_done",
            "Lượt nhiệm vụ cấp dưới đã hoàn thành",
            all(true, |c| c.done) as f64,
            vec![],
        ),
        headline(
            "tasks_late",
            "Lượt nhiệm vụ quá hạn chưa hoàn thành",
            all(true, |c| c.late) as f64,
            vec![],
        ),
        headline(
            "tasks_received",
            "Lượt nhiệm vụ được giao (đơn vị và cấp dưới)",
            all(false, |c| c.owners) as f64,
            units(|c| c.owners),
        ),
        headline(
            "tasks_received_done",
            "Nhiệm vụ được giao đã hoàn thành",
            all(false, |c| c.done) as f64,
            units(|c| c.done),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let values = |whole: i64, area: Option<i64>, given: bool| {
        vec![
            sum(whole, area, given, |c| c.owners) as f64,
            sum(whole, area, given, |c| c.done) as f64,
            sum(whole, area, given, |c| c.done_late) as f64,
            sum(whole, area, given, |c| c.late) as f64,
        ]
    };
    // A row per area, and what no area holds (tasks given to the unit
    // itself), so that the table adds up to the unit's own figures; no
    // rows when there is nothing to count (a commune that gave no task
    // would print a hundred rows of zeros).
    let table = |given: bool| {
        if sum(1, None, given, |c| c.owners) == 0 {
            return Vec::new();
        }
        let mut rows: Vec<domain::reviews::FigureRow> = parts
            .iter()
            .map(|a| row(a.name.clone(), Some(a.id), values(0, Some(a.id), given)))
            .collect();
        let mut rest = values(1, None, given);
        for r in &rows {
            for (x, v) in rest.iter_mut().zip(&r.values) {
                *x -= v.unwrap_or(0.0);
            }
        }
        if rest.iter().any(|v| *v != 0.0) {
            rows.push(row(
                "Trực tiếp của đơn vị (không thuộc đơn vị cấp dưới)",
                None,
                rest,
            ));
        }
        rows
    };
    let columns = [
        "Đơn vị",
        "Nhiệm vụ",
        "Hoàn thành",
        "Hoàn thành chậm",
        "Quá hạn",
    ];
    Ok(Part {
        headlines,
        tables: vec![
            summed(
                "Nhiệm vụ đã giao cho đơn vị cấp dưới",
                &columns,
                table(true),
                None,
            ),
            summed(
                "Nhiệm vụ được giao (đơn vị và cấp dưới)",
                &columns,
                table(false),
                None,
            ),
        ],
        ..Default::default()
    })
}
