//! The registers' figures: models, certification, forces, training.

use chrono::NaiveDate;
use domain::forces::Force;
use domain::reviews::{ChartHint, Part};

use super::{areas, by_unit, headline, plain, row, summed, Ask};
use crate::accounts::Scope;
use crate::error::Result;
use crate::{fetch_all_dyn, Arg, Db, Params};

#[derive(sqlx::FromRow)]
struct ModelCounts {
    area: i64,
    span: i64,
    active: i64,
    new: i64,
    replicated: i64,
    exemplars: i64,
}

/// A stretch of time the models are counted over: founded and replicated
/// from `first` to `end`, active and exemplary on `end`.
#[derive(Debug, Clone, Copy)]
struct Window {
    first: NaiveDate,
    end: NaiveDate,
}

/// Models under each of `areas` (through `org_unit_reach`, so a legacy
/// unit's models count under its successor as it is now; none: every
/// model, as area 0), one row per area and window (its index in
/// `windows`, as `span`) that has any.
///
/// One pass over the models' histories serves every window: each active
/// spell (and each spell both active and rated exemplary) becomes a +1 on
/// its first day and a -1 on the day it ends, summed by day; the stock on a
/// window's end is the sum of the days up to it. Twenty year ends cost
/// about what one does (a query per year end looked up each model's
/// status and latest rating: 5.5 s for the country over twenty years).
async fn model_counts(
    db: &Db,
    ask: &Ask,
    areas: Option<&[i64]>,
    windows: &[Window],
) -> Result<Vec<ModelCounts>> {
    let Some(last) = windows.iter().map(|w| w.end).max() else {
        return Ok(Vec::new());
    };
    let mut p = Params::default();
    let values = windows
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let f = p.push(Arg::Date(Some(w.first)));
            let e = p.push(Arg::Date(Some(w.end)));
            format!("(CAST({k} AS BIGINT), {f}, {e})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let last = p.push(Arg::Date(Some(last)));
    // Where a model counts: under each area its unit reaches, or once.
    let (area, reach) = match areas {
        Some(areas) => {
            let list = p.list(areas.iter().map(|a| Arg::I64(Some(*a))));
            (
                "h.ancestor_id",
                format!("JOIN org_unit_reach h ON h.unit_id = m.org_unit_id AND h.ancestor_id IN ({list})"),
            )
        }
        None => ("CAST(0 AS BIGINT)", String::new()),
    };
    let types = if ask.focus.model_type_ids.is_empty() {
        String::new()
    } else {
        let t = p.list(ask.focus.model_type_ids.iter().map(|t| Arg::I64(Some(*t))));
        format!("AND m.type_id IN ({t})")
    };
    let later = |a: &str, b: &str| format!("CASE WHEN {a} > {b} THEN {a} ELSE {b} END");
    let active_from = later("s.on_date", "m.founded_on");
    let shining_from = later("r.r_from", &active_from);
    // A spell counts from its first day, or the founding if later. The
    // latest rating on or before a day is the one in force (the next one's
    // day ends it; on one day, the later year's wins, as the register
    // reads); only the models ever rated exemplary are windowed, and the
    // spells both active and exemplary are joined on the tables' indexes
    // (two materialized lists would be joined row by row).
    let sql = format!(
        "WITH w (k, f, e) AS (VALUES {values}),
         active AS (
             SELECT {area} AS area, {active_from} AS a_from, s.ends_on AS a_to
               FROM models m {reach}
               JOIN model_status_changes s ON s.model_id = m.id AND s.status = 'active'
              WHERE m.founded_on <= {last} {types}),
         rated AS (
             SELECT * FROM (
                 SELECT r.model_id, r.exemplar, r.rated_on AS r_from,
                        LEAD(r.rated_on) OVER (PARTITION BY r.model_id ORDER BY r.rated_on, r.year) AS r_to
                   FROM model_ratings r
                  WHERE r.model_id IN (SELECT model_id FROM model_ratings WHERE exemplar)) x
              WHERE x.exemplar),
         shining AS (
             SELECT {area} AS area, {shining_from} AS a_from,
                    CASE WHEN s.ends_on IS NULL THEN r.r_to
                         WHEN r.r_to IS NULL OR s.ends_on < r.r_to THEN s.ends_on
                         ELSE r.r_to END AS a_to
               FROM rated r JOIN models m ON m.id = r.model_id {reach}
               JOIN model_status_changes s ON s.model_id = m.id AND s.status = 'active'
              WHERE m.founded_on <= {last} {types}),
         steps AS (
             SELECT area, a_from AS d, 1 AS active, 0 AS exemplars FROM active
              WHERE a_to IS NULL OR a_to > a_from
             UNION ALL
             SELECT area, a_to, -1, 0 FROM active WHERE a_to > a_from
             UNION ALL
             SELECT area, a_from, 0, 1 FROM shining WHERE a_to IS NULL OR a_to > a_from
             UNION ALL
             SELECT area, a_to, 0, -1 FROM shining WHERE a_to > a_from),
         days AS (
             SELECT area, d, SUM(active) AS active, SUM(exemplars) AS exemplars
               FROM steps GROUP BY area, d),
         founded AS (
             SELECT {area} AS area, m.founded_on AS d, COUNT(*) AS new,
                    SUM(CASE WHEN m.replicated_from IS NULL THEN 0 ELSE 1 END) AS replicated
               FROM models m {reach}
              WHERE m.founded_on <= {last} {types}
              GROUP BY {area}, m.founded_on)
         SELECT y.area, y.k AS span,
                CAST(SUM(y.active) AS BIGINT) AS active,
                CAST(SUM(y.new) AS BIGINT) AS new,
                CAST(SUM(y.replicated) AS BIGINT) AS replicated,
                CAST(SUM(y.exemplars) AS BIGINT) AS exemplars
           FROM (SELECT x.area, w.k, x.active, 0 AS new, 0 AS replicated, x.exemplars
                   FROM w JOIN days x ON x.d <= w.e
                 UNION ALL
                 SELECT x.area, w.k, 0, x.new, x.replicated, 0
                   FROM w JOIN founded x ON x.d >= w.f AND x.d <= w.e) y
          GROUP BY y.area, y.k"
    );
    let mut tx = db.begin_read().await?;
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// A row's values in the tables' column order (none counted: zeros).
fn values(c: Option<&ModelCounts>) -> Vec<f64> {
    let v = |f: fn(&ModelCounts) -> i64| c.map_or(0.0, |c| f(c) as f64);
    vec![
        v(|c| c.active),
        v(|c| c.new),
        v(|c| c.replicated),
        v(|c| c.exemplars),
    ]
}

pub(super) async fn models(db: &Db, ask: &Ask) -> Result<Part> {
    let areas = areas(db, ask).await?;
    let ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    let period = Window {
        first: ask.period.first_day(),
        end: ask.end(),
    };
    let own: Option<Vec<i64>> = ask.unit.map(|u| vec![u]);
    // The unit's own total (its parts' and the models kept at the unit
    // itself, a commune's own or a legacy commune's it continues, which no
    // part holds) over the period, then over each of its years (window
    // k + 1 is year k).
    let mut windows = vec![period];
    if !ask.brief {
        windows.extend(
            ask.period
                .years()
                .into_iter()
                .map(|(_, first, last)| Window {
                    first,
                    end: last.min(ask.today),
                }),
        );
    }
    // The parts', the whole's and the types' counts read at once.
    let (counts, whole, by_type) = tokio::try_join!(
        model_counts(db, ask, Some(&ids), std::slice::from_ref(&period)),
        model_counts(db, ask, own.as_deref(), &windows),
        async {
            match ask.brief {
                true => Ok(Vec::new()),
                false => models_by_type(db, ask).await,
            }
        },
    )?;
    let get = |id: i64| counts.iter().find(|c| c.area == id);
    let in_window = |k: i64| whole.iter().find(|c| c.span == k);
    let total = |f: fn(&ModelCounts) -> i64| in_window(0).map_or(0, f) as f64;
    let headlines = vec![
        headline(
            "models_active",
            "Mô hình đang hoạt động cuối kỳ",
            total(|c| c.active),
            by_unit(&counts, |c| c.area, |c| c.active),
        ),
        headline(
            "models_new",
            "Mô hình xây dựng mới trong kỳ",
            total(|c| c.new),
            by_unit(&counts, |c| c.area, |c| c.new),
        ),
        headline(
            "models_replicated",
            "Mô hình nhân rộng trong kỳ",
            total(|c| c.replicated),
            by_unit(&counts, |c| c.area, |c| c.replicated),
        ),
        headline(
            "models_exemplar",
            "Mô hình điển hình cuối kỳ",
            total(|c| c.exemplars),
            by_unit(&counts, |c| c.area, |c| c.exemplars),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let years = ask
        .period
        .years()
        .into_iter()
        .zip(1..)
        .map(|((y, _, _), k)| row(y.to_string(), None, values(in_window(k))))
        .collect();
    let mut area_rows: Vec<domain::reviews::FigureRow> = areas
        .iter()
        .filter(|a| Some(a.id) != ask.unit)
        .map(|a| row(a.name.clone(), Some(a.id), values(get(a.id))))
        .collect();
    // What no part holds, so that the table adds up to the headlines.
    let rest = |f: fn(&ModelCounts) -> i64| {
        total(f)
            - counts
                .iter()
                .filter(|c| Some(c.area) != ask.unit)
                .map(f)
                .sum::<i64>() as f64
    };
    let own = [
        rest(|c| c.active),
        rest(|c| c.new),
        rest(|c| c.replicated),
        rest(|c| c.exemplars),
    ];
    if own.iter().any(|v| *v != 0.0) {
        area_rows.push(row(
            "Trực tiếp của đơn vị (không thuộc đơn vị cấp dưới)",
            None,
            own.to_vec(),
        ));
    }
    Ok(Part {
        headlines,
        tables: vec![
            plain(
                "Mô hình qua các năm",
                &[
                    "Năm",
                    "Đang hoạt động cuối năm",
                    "Xây dựng mới",
                    "Nhân rộng",
                    "Điển hình",
                ],
                years,
                Some(ChartHint::Lines),
            ),
            summed(
                "Mô hình theo đơn vị",
                &[
                    "Đơn vị",
                    "Đang hoạt động",
                    "Xây dựng mới",
                    "Nhân rộng",
                    "Điển hình",
                ],
                area_rows,
                Some(ChartHint::Bars),
            ),
            summed(
                "Mô hình đang hoạt động theo loại",
                &["Loại mô hình", "Đang hoạt động", "Xây dựng mới"],
                by_type,
                None,
            ),
        ],
        ..Default::default()
    })
}

#[derive(sqlx::FromRow)]
struct TypeCount {
    name: String,
    active: i64,
    new: i64,
}

async fn models_by_type(db: &Db, ask: &Ask) -> Result<Vec<domain::reviews::FigureRow>> {
    let mut p = Params::default();
    let under = ask.under("m.org_unit_id", &mut p);
    let e = p.push(Arg::Date(Some(ask.end())));
    let f = p.push(Arg::Date(Some(ask.period.first_day())));
    let types = if ask.focus.model_type_ids.is_empty() {
        String::new()
    } else {
        let t = p.list(ask.focus.model_type_ids.iter().map(|t| Arg::I64(Some(*t))));
        format!("AND m.type_id IN ({t})")
    };
    let sql = format!(
        "SELECT t.name,
                CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM model_status_changes s
                     WHERE s.model_id = m.id AND s.status = 'active' AND s.on_date <= {e}
                       AND (s.ends_on IS NULL OR s.ends_on > {e})) THEN 1 ELSE 0 END), 0) AS BIGINT) AS active,
                CAST(COALESCE(SUM(CASE WHEN m.founded_on >= {f} THEN 1 ELSE 0 END), 0) AS BIGINT) AS new
           FROM models m
           JOIN model_types t ON t.id = m.type_id
          WHERE {under} AND m.founded_on <= {e} {types}
          GROUP BY t.id, t.name, t.sort_key
          ORDER BY t.sort_key"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<TypeCount> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows
        .into_iter()
        .map(|t| row(t.name, None, vec![t.active as f64, t.new as f64]))
        .collect())
}

pub(super) async fn certification(db: &Db, ask: &Ask) -> Result<Part> {
    use crate::certification::summary::{summary_of_year as summary, SummaryQuery};
    let q = |year| SummaryQuery {
        org_unit: ask.unit,
        year,
        view: ask.areas_view(),
        today: ask.today,
    };
    let (first_year, last_year) = ask.years();
    let last = summary(db, Scope::All, &q(last_year)).await?;
    let sum = |cells: &[crate::certification::summary::Cell],
               f: fn(&crate::certification::summary::Cell) -> i64| {
        cells.iter().map(f).sum::<i64>()
    };
    let unit_rows = |f: fn(&crate::certification::summary::Cell) -> i64| {
        by_unit(&last.rows, |r| r.org_unit_id, move |r| sum(&r.cells, f))
    };
    let headlines = vec![
        headline(
            "cert_registered",
            "Đơn vị đăng ký xây dựng đạt chuẩn năm cuối kỳ",
            sum(&last.totals, |c| c.registered) as f64,
            unit_rows(|c| c.registered),
        ),
        headline(
            "cert_certified",
            "Đơn vị được công nhận đạt chuẩn năm cuối kỳ",
            sum(&last.totals, |c| c.certified) as f64,
            unit_rows(|c| c.certified),
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
        let s = if y == last_year {
            last.clone()
        } else {
            summary(db, Scope::All, &q(y)).await?
        };
        years.push(row(
            y.to_string(),
            None,
            vec![
                sum(&s.totals, |c| c.eligible) as f64,
                sum(&s.totals, |c| c.registered) as f64,
                sum(&s.totals, |c| c.certified) as f64,
            ],
        ));
    }
    let kinds = last
        .kinds
        .iter()
        .zip(&last.totals)
        .map(|(k, c)| {
            row(
                k.term().vi,
                None,
                vec![
                    c.registered as f64,
                    c.certified as f64,
                    c.xuat_sac as f64,
                    c.kha as f64,
                    c.trung_binh as f64,
                ],
            )
        })
        .collect();
    let areas = last
        .rows
        .iter()
        .map(|r| {
            row(
                r.name.clone(),
                Some(r.org_unit_id),
                vec![
                    sum(&r.cells, |c| c.eligible) as f64,
                    sum(&r.cells, |c| c.registered) as f64,
                    sum(&r.cells, |c| c.certified) as f64,
                ],
            )
        })
        .collect();
    Ok(Part {
        headlines,
        tables: vec![
            plain(
                "Công nhận an toàn về ANTT qua các năm",
                &["Năm", "Thuộc diện", "Đăng ký", "Được công nhận"],
                years,
                Some(ChartHint::Bars),
            ),
            summed(
                &format!("Kết quả công nhận năm {last_year} theo loại"),
                &[
                    "Loại",
                    "Đăng ký",
                    "Được công nhận",
                    "Xuất sắc",
                    "Khá",
                    "Trung bình",
                ],
                kinds,
                None,
            ),
            summed(
                &format!("Kết quả công nhận năm {last_year} theo đơn vị"),
                &["Đơn vị", "Thuộc diện", "Đăng ký", "Được công nhận"],
                areas,
                None,
            ),
        ],
        ..Default::default()
    })
}

/// Teams and members of every force standing on `day`, by area.
async fn forces_on(
    db: &Db,
    ask: &Ask,
    day: NaiveDate,
) -> Result<Vec<crate::forces::summary::ForcesSummary>> {
    use crate::forces::summary::{summary, ForcesQuery};
    let mut out = Vec::new();
    for force in Force::ALL.iter().filter(|f| f.existed_on(day)) {
        let q = ForcesQuery {
            org_unit: ask.unit,
            as_of: day,
            view: ask.areas_view(),
            force: *force,
            today: ask.today,
        };
        out.push(summary(db, Scope::All, &q).await?);
    }
    Ok(out)
}

/// The forces' stock on one day under the reviewed unit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Stock {
    teams: i64,
    members: i64,
    villages_without_team: i64,
}

/// Spells of teams or of members, grouped: how many of `force` stand
/// from `from_day` to `to_day` (open: none).
#[derive(sqlx::FromRow)]
struct Spells {
    force: String,
    from_day: NaiveDate,
    to_day: Option<NaiveDate>,
    n: i64,
}

impl Spells {
    fn on(&self, day: NaiveDate) -> i64 {
        let existed = Force::parse("force", &self.force).is_ok_and(|f| f.existed_on(day));
        let open = self.from_day <= day && self.to_day.is_none_or(|t| t >= day);
        if existed && open {
            self.n
        } else {
            0
        }
    }
}

/// The teams, members and villages without a team of every force
/// standing on each of `days` under the reviewed unit (the whole country
/// when none): the totals of the year-by-year table, from one grouped
/// pass over the teams and one over their members. As the models' years,
/// it is the unit's whole in either view: a team counts on every year end
/// it stood, wherever the view places its village that year (the
/// summary over today's parts gives the same totals). A summary per force and year end (areas, the
/// mapping across the 2025 reform, size rules) cost 2–5 s for a
/// twenty-year national review; the totals need none of it.
async fn forces_stocks(db: &Db, ask: &Ask, days: &[NaiveDate]) -> Result<Vec<Stock>> {
    let Some(last) = days.iter().max().copied() else {
        return Ok(Vec::new());
    };
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let under = ask.under("t.org_unit_id", &mut p);
    let l = p.push(Arg::Date(Some(last)));
    let teams: Vec<Spells> = fetch_all_dyn(
        &mut tx,
        &format!(
            "SELECT t.force, t.established_on AS from_day, t.ended_on AS to_day, COUNT(*) AS n
               FROM security_teams t
              WHERE {under} AND t.established_on <= {l}
              GROUP BY t.force, t.established_on, t.ended_on"
        ),
        p.args,
    )
    .await?;
    // A member counts while both they serve and their team stands.
    let mut p = Params::default();
    let under = ask.under("t.org_unit_id", &mut p);
    let l = p.push(Arg::Date(Some(last)));
    let members: Vec<Spells> = fetch_all_dyn(
        &mut tx,
        &format!(
            "SELECT force, from_day, to_day, COUNT(*) AS n
               FROM (SELECT t.force,
                            CASE WHEN m.start_on > t.established_on THEN m.start_on
                                 ELSE t.established_on END AS from_day,
                            CASE WHEN t.ended_on IS NULL THEN m.end_on
                                 WHEN m.end_on IS NULL OR m.end_on > t.ended_on THEN t.ended_on
                                 ELSE m.end_on END AS to_day
                       FROM security_teams t JOIN team_members m ON m.team_id = t.id
                      WHERE {under} AND t.established_on <= {l} AND m.start_on <= {l}) x
              GROUP BY force, from_day, to_day"
        ),
        p.args,
    )
    .await?;
    let mut out = Vec::with_capacity(days.len());
    for day in days {
        let villages_without_team = if Force::Law30.existed_on(*day) {
            villages_without_team(&mut tx, ask, *day).await?
        } else {
            0
        };
        out.push(Stock {
            teams: teams.iter().map(|s| s.on(*day)).sum(),
            members: members.iter().map(|s| s.on(*day)).sum(),
            villages_without_team,
        });
    }
    tx.rollback().await?;
    Ok(out)
}

/// Villages under the reviewed unit standing on `day` with no open team
/// of Law 30 (only that force has a team in every village).
async fn villages_without_team(tx: &mut crate::Tx, ask: &Ask, day: NaiveDate) -> Result<i64> {
    let mut p = Params::default();
    let under = ask.under("u.id", &mut p);
    let d = p.push(Arg::Date(Some(day)));
    let sql = format!(
        "SELECT COUNT(*) FROM org_units u
          WHERE {under} AND u.level = 'village'
            AND (u.valid_from IS NULL OR u.valid_from <= {d})
            AND (u.valid_to IS NULL OR u.valid_to >= {d})
            AND u.id NOT IN (SELECT t.org_unit_id FROM security_teams t
                              WHERE t.force = 'to_bao_ve_antt' AND t.established_on <= {d}
                                AND (t.ended_on IS NULL OR t.ended_on >= {d}))"
    );
    Ok(fetch_dyn!(tx, fetch_one, scalar i64, &sql, p.args)?)
}

pub(super) async fn forces(db: &Db, ask: &Ask) -> Result<Part> {
    let end = forces_on(db, ask, ask.end()).await?;
    let total = |f: fn(&crate::forces::summary::ForcesCell) -> i64| {
        end.iter().map(|s| f(&s.totals)).sum::<i64>() as f64
    };
    let units = |f: fn(&crate::forces::summary::ForcesCell) -> i64| {
        let mut v: Vec<domain::reviews::UnitValue> = Vec::new();
        for s in &end {
            for r in &s.rows {
                match v.iter_mut().find(|u| u.org_unit_id == r.org_unit_id) {
                    Some(u) => u.value += f(&r.cell) as f64,
                    None => v.push(domain::reviews::UnitValue {
                        org_unit_id: r.org_unit_id,
                        value: f(&r.cell) as f64,
                    }),
                }
            }
        }
        v
    };
    let headlines = vec![
        headline(
            "forces_teams",
            "Tổ, đội tham gia bảo vệ ANTT cuối kỳ",
            total(|c| c.teams),
            units(|c| c.teams),
        ),
        headline(
            "forces_members",
            "Thành viên cuối kỳ",
            total(|c| c.members),
            units(|c| c.members),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let ends: Vec<(i32, NaiveDate)> = ask
        .period
        .years()
        .into_iter()
        .map(|(y, _, last)| (y, last.min(ask.today)))
        .collect();
    let days: Vec<NaiveDate> = ends.iter().map(|(_, d)| *d).collect();
    let stocks = forces_stocks(db, ask, &days).await?;
    let years = ends
        .iter()
        .zip(stocks)
        .map(|((y, _), s)| {
            row(
                y.to_string(),
                None,
                vec![
                    s.teams as f64,
                    s.members as f64,
                    s.villages_without_team as f64,
                ],
            )
        })
        .collect();
    let mut areas = Vec::new();
    for s in &end {
        for r in &s.rows {
            let label = format!("{} ({})", r.name, s.force.term().vi);
            areas.push(row(
                label,
                Some(r.org_unit_id),
                vec![
                    r.cell.teams as f64,
                    r.cell.members as f64,
                    r.cell.villages_without_team as f64,
                ],
            ));
        }
    }
    Ok(Part {
        headlines,
        tables: vec![
            plain(
                "Lực lượng qua các năm (cuối mỗi năm)",
                &["Năm", "Số tổ", "Thành viên", "Thôn, tổ dân phố chưa có tổ"],
                years,
                Some(ChartHint::Lines),
            ),
            summed(
                "Lực lượng cuối kỳ theo đơn vị",
                &[
                    "Đơn vị",
                    "Số tổ",
                    "Thành viên",
                    "Thôn, tổ dân phố chưa có tổ",
                ],
                areas,
                None,
            ),
        ],
        ..Default::default()
    })
}

pub(super) async fn training(db: &Db, ask: &Ask) -> Result<Part> {
    use crate::training::summary::{summary, TrainingQuery};
    let q = |from, to| TrainingQuery {
        org_unit: ask.unit,
        from,
        to,
        view: ask.areas_view(),
        audience: None,
        course: None,
        today: ask.today,
    };
    let whole = summary(db, Scope::All, &q(ask.period.first_day(), ask.end())).await?;
    let headlines = vec![
        headline(
            "training_classes",
            "Lớp tập huấn trong kỳ",
            whole.totals.classes as f64,
            by_unit(&whole.rows, |r| r.org_unit_id, |r| r.cell.classes),
        ),
        headline(
            "training_trainees",
            "Lượt người được tập huấn",
            whole.totals.trainees as f64,
            by_unit(&whole.rows, |r| r.org_unit_id, |r| r.cell.trainees),
        ),
    ];
    if ask.brief {
        return Ok(Part {
            headlines,
            ..Default::default()
        });
    }
    let mut years = Vec::new();
    for (y, first, last) in ask.period.years() {
        let s = summary(db, Scope::All, &q(first, last.min(ask.today))).await?;
        years.push(row(
            y.to_string(),
            None,
            vec![
                s.totals.classes as f64,
                s.totals.trainees as f64,
                s.totals.passed as f64,
            ],
        ));
    }
    let areas = whole
        .rows
        .iter()
        .map(|r| {
            row(
                r.name.clone(),
                Some(r.org_unit_id),
                vec![
                    r.cell.classes as f64,
                    r.cell.trainees as f64,
                    r.cell.passed as f64,
                ],
            )
        })
        .collect();
    Ok(Part {
        headlines,
        tables: vec![
            summed(
                "Tập huấn qua các năm",
                &["Năm", "Lớp", "Lượt học viên", "Đạt yêu cầu"],
                years,
                Some(ChartHint::Bars),
            ),
            summed(
                "Tập huấn theo đơn vị",
                &["Đơn vị", "Lớp", "Lượt học viên", "Đạt yêu cầu"],
                areas,
                None,
            ),
        ],
        ..Default::default()
    })
}
