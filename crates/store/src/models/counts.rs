//! The figures the models register offers to statistics
//! (`domain::statistics::computed`): for one entering unit and the days of
//! one period, the models active on the last day, those founded during it,
//! the replications among them, and the active exemplars.
//!
//! A model counts at its *home*: the unit of the entering unit's level at
//! or above the model's unit (a village's model counts at its commune). On
//! a day when that home no longer exists, it counts where the home's
//! default successor stands (`org_units::mapped_to`): a legacy commune's
//! models count at their 2025 commune from July 2025, and at the legacy
//! commune before. Stocks are given only by a unit that exists on the last
//! day; flows by the unit that existed on each founding day, so the month
//! that straddles 1 July 2025 is split between both hierarchies.
//! `docs/architecture.md` ("Figures the registers compute") says why.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::org_units::OrgUnit;
use domain::statistics::computed::{Computed, Measure};

use crate::error::Result;
use crate::Tx;

/// One model as the figures need it, on the period's last day.
#[derive(sqlx::FromRow)]
struct Counted {
    home: i64,
    founded_on: NaiveDate,
    replica: bool,
    /// Its status on the last day ('active' …), if it was founded by then.
    status: Option<String>,
    /// Whether its latest rating made on or before the last day was an exemplar.
    exemplar: Option<bool>,
}

/// The figures `wanted` for `unit` over the days `first..=last`; a stock
/// is missing when the unit does not exist on `last`.
pub(crate) async fn figures(
    tx: &mut Tx,
    unit: &OrgUnit,
    first: NaiveDate,
    last: NaiveDate,
    wanted: &[Computed],
) -> Result<HashMap<Computed, f64>> {
    // Candidates: models under every unit of the entering unit's level that
    // it covers as it is now (itself, and the legacy units it succeeds).
    let rows: Vec<Counted> = fetch!(
        tx,
        fetch_all,
        Counted,
        "SELECT a.id AS home, m.founded_on, m.replicated_from IS NOT NULL AS replica,
                (SELECT s.status FROM model_status_changes s
                  WHERE s.model_id = m.id AND s.on_date <= $2
                    AND (s.ends_on IS NULL OR s.ends_on > $2)) AS status,
                (SELECT r.exemplar FROM model_ratings r
                  WHERE r.model_id = m.id AND r.rated_on <= $2
                  ORDER BY r.rated_on DESC, r.year DESC LIMIT 1) AS exemplar
           FROM org_unit_reach h
           JOIN org_units a ON a.id = h.unit_id AND a.level = $3
           JOIN org_unit_tree t ON t.ancestor_id = a.id
           JOIN models m ON m.org_unit_id = t.unit_id
          WHERE h.ancestor_id = $1 AND m.founded_on <= $2",
        unit.id,
        last,
        unit.level.as_str()
    )?;
    let exists_on_last = unit.validity().contains(last);
    let (from, to) = (
        unit.valid_from.map_or(first, |f| f.max(first)),
        unit.valid_to.map_or(last, |t| t.min(last)),
    );
    let mut homes = crate::org_units::Homes::default();
    let mut out: HashMap<Computed, f64> = HashMap::new();
    for c in wanted {
        if c.measure() == Measure::Stock && exists_on_last {
            out.insert(*c, 0.0);
        }
        if c.measure() == Measure::Flow && from <= to {
            out.insert(*c, 0.0);
        }
    }
    for m in &rows {
        let active = m.status.as_deref() == Some("active");
        let new = m.founded_on >= from && m.founded_on <= to;
        // Where the model stands on the day that decides each figure.
        let stands_last =
            active && exists_on_last && homes.on(tx, m.home, last).await? == Some(unit.id);
        let stands_founded = new && homes.on(tx, m.home, m.founded_on).await? == Some(unit.id);
        for c in wanted {
            let counts = match c {
                Computed::ModelsActive => stands_last,
                Computed::ModelsExemplar => stands_last && m.exemplar == Some(true),
                Computed::ModelsNew => stands_founded,
                Computed::ModelsReplicated => stands_founded && m.replica,
                // the certification register's, not asked of this one
                _ => false,
            };
            if counts {
                *out.entry(*c).or_default() += 1.0;
            }
        }
    }
    Ok(out)
}

/// A place's models at a glance, for the home page: the active ones, those
/// founded this year (whatever became of them since), the active
/// exemplars and the active models not yet rated this year.
#[derive(Debug, Clone, Default, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Glance {
    pub active: i64,
    pub new_this_year: i64,
    pub exemplars: i64,
    pub unrated: i64,
}

/// [`Glance`] of the models at `under` or below it (across the 2025
/// mapping), within `scope`, for `year`.
pub async fn glance(
    db: &crate::Db,
    scope: crate::accounts::Scope,
    under: i64,
    year: i32,
) -> Result<Glance> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut args = vec![
        crate::Arg::I64(Some(under)),
        crate::Arg::Date(Some(first)),
        crate::Arg::I64(Some(i64::from(year))),
    ];
    let scope_sql = match scope.user_id() {
        None => String::new(),
        Some(user) => {
            args.push(crate::Arg::I64(Some(user)));
            format!("AND {}", super::user_scope_clause("$4"))
        }
    };
    let sql = format!(
        "SELECT COALESCE(SUM(CASE WHEN m.status = 'active' THEN 1 ELSE 0 END), 0) AS active,
                COALESCE(SUM(CASE WHEN m.founded_on >= $2 THEN 1 ELSE 0 END), 0) AS new_this_year,
                COALESCE(SUM(CASE WHEN m.status = 'active' AND m.last_exemplar THEN 1 ELSE 0 END), 0) AS exemplars,
                COALESCE(SUM(CASE WHEN m.status = 'active' AND COALESCE(m.last_rating_year, 0) <> $3
                                  THEN 1 ELSE 0 END), 0) AS unrated
         FROM models m
         WHERE m.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $1)
           {scope_sql}"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<Glance> = crate::fetch_all_dyn(&mut tx, &sql, args).await?;
    tx.rollback().await?;
    Ok(rows.into_iter().next().unwrap_or_default())
}

/// How many models were founded at `under` or below it in each of the
/// `years` years up to `last`, within `scope`: the trend the home page
/// draws (every year named, none left out for having no model).
pub async fn founded_by_year(
    db: &crate::Db,
    scope: crate::accounts::Scope,
    under: i64,
    last: i32,
    years: i32,
) -> Result<Vec<(i32, i64)>> {
    let first = last - years + 1;
    let from = NaiveDate::from_ymd_opt(first, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut args = vec![crate::Arg::I64(Some(under)), crate::Arg::Date(Some(from))];
    let scope_sql = match scope.user_id() {
        None => String::new(),
        Some(user) => {
            args.push(crate::Arg::I64(Some(user)));
            format!("AND {}", super::user_scope_clause("$3"))
        }
    };
    // The year as the first four characters of the day's text: the same
    // SQL on both databases.
    let sql = format!(
        "SELECT SUBSTR(CAST(m.founded_on AS TEXT), 1, 4) AS y, COUNT(*) AS n
         FROM models m
         WHERE m.founded_on >= $2
           AND m.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $1)
           {scope_sql}
         GROUP BY SUBSTR(CAST(m.founded_on AS TEXT), 1, 4)"
    );
    let mut tx = db.begin_read().await?;
    let rows: Vec<(String, i64)> = crate::fetch_all_dyn(&mut tx, &sql, args).await?;
    tx.rollback().await?;
    Ok((first..=last)
        .map(|y| {
            let n = rows
                .iter()
                .find(|(t, _)| t.parse::<i32>().ok() == Some(y))
                .map_or(0, |(_, n)| *n);
            (y, n)
        })
        .collect())
}
