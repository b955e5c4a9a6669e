//! The movement's figures: programmes, events and the festival,
//! commendations, directives' tasks.

use domain::reviews::{ChartHint, Part, UnitValue};

use super::{by_unit, headline, row, summed, Ask};
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
    org_unit_id: i64,
    name: String,
    owners: i64,
    done: i64,
    done_late: i64,
    late: i64,
}

/// Task owners' standing, grouped by the owner unit (`given`: tasks the
/// unit gave; otherwise tasks given to the unit and those below it).
async fn task_counts(db: &Db, ask: &Ask, given: bool) -> Result<Vec<TaskCounts>> {
    let mut p = Params::default();
    // A national review's given tasks are the national directives'.
    let whose = match (given, ask.unit) {
        (true, Some(u)) => format!("d.org_unit_id = {}", p.push(Arg::I64(Some(u)))),
        (true, None) => "d.org_unit_id IS NULL".into(),
        (false, _) => ask.under("o.org_unit_id", &mut p),
    };
    let f = p.push(Arg::Date(Some(ask.period.first_day())));
    let e = p.push(Arg::Date(Some(ask.end())));
    let today = p.push(Arg::Date(Some(ask.today)));
    let focus = match ask.focus.directive_id {
        Some(id) => format!("AND d.id = {}", p.push(Arg::I64(Some(id)))),
        None => String::new(),
    };
    // Done late: reported after the day it was due (the report's day is
    // its timestamp's first ten characters on both databases).
    let sql = format!(
        "SELECT o.org_unit_id, u.name, COUNT(*) AS owners,
                CAST(COALESCE(SUM(CASE WHEN o.state = 'done' THEN 1 ELSE 0 END), 0) AS BIGINT) AS done,
                CAST(COALESCE(SUM(CASE WHEN o.state = 'done'
                     AND SUBSTR(CAST(o.reported_at AS TEXT), 1, 10) > CAST(o.due_on AS TEXT) THEN 1 ELSE 0 END), 0) AS BIGINT) AS done_late,
                CAST(COALESCE(SUM(CASE WHEN o.state <> 'done' AND o.due_on < {today} THEN 1 ELSE 0 END), 0) AS BIGINT) AS late
           FROM task_owners o
           JOIN directive_tasks t ON t.id = o.task_id
           JOIN directives d ON d.id = t.directive_id
           JOIN org_units u ON u.id = o.org_unit_id
          WHERE {whose} AND o.due_on >= {f} AND o.due_on <= {e} {focus}
          GROUP BY o.org_unit_id, u.name, u.sort_key
          ORDER BY u.sort_key"
    );
    let mut tx = db.begin_read().await?;
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

pub(super) async fn directives(db: &Db, ask: &Ask) -> Result<Part> {
    let given = task_counts(db, ask, true).await?;
    let received = task_counts(db, ask, false).await?;
    let sum =
        |rows: &[TaskCounts], f: fn(&TaskCounts) -> i64| rows.iter().map(f).sum::<i64>() as f64;
    let units: Vec<UnitValue> = by_unit(&given, |r| r.org_unit_id, |r| r.done);
    let headlines = vec![
        headline(
            "tasks_given",
            "Lượt nhiệm vụ đã giao cho đơn vị cấp dưới",
            sum(&given, |r| r.owners),
            by_unit(&given, |r| r.org_unit_id, |r| r.owners),
        ),
        headline(
            "tasks_done",
            "Lượt nhiệm vụ cấp dưới đã hoàn thành",
            sum(&given, |r| r.done),
            units,
        ),
        headline(
            "tasks_late",
            "Lượt nhiệm vụ quá hạn chưa hoàn thành",
            sum(&given, |r| r.late),
            by_unit(&given, |r| r.org_unit_id, |r| r.late),
        ),
        headline(
            "tasks_received_done",
            "Nhiệm vụ được giao đã hoàn thành",
            sum(&received, |r| r.done),
            vec![],
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let table = |rows: &[TaskCounts]| {
        rows.iter()
            .map(|r| {
                row(
                    r.name.clone(),
                    Some(r.org_unit_id),
                    vec![
                        r.owners as f64,
                        r.done as f64,
                        r.done_late as f64,
                        r.late as f64,
                    ],
                )
            })
            .collect()
    };
    Ok(Part {
        headlines,
        tables: vec![
            summed(
                "Nhiệm vụ đã giao cho đơn vị cấp dưới",
                &[
                    "Đơn vị",
                    "Nhiệm vụ",
                    "Hoàn thành",
                    "Hoàn thành chậm",
                    "Quá hạn",
                ],
                table(&given),
                None,
            ),
            summed(
                "Nhiệm vụ được giao (đơn vị và cấp dưới)",
                &[
                    "Đơn vị",
                    "Nhiệm vụ",
                    "Hoàn thành",
                    "Hoàn thành chậm",
                    "Quá hạn",
                ],
                table(&received),
                None,
            ),
        ],
        ..Default::default()
    })
}
