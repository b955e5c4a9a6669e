//! Deadlines of the open states and the cases past them: "lists of steps
//! overdue by level" (issue 18). The deadlines are data
//! (`certification_deadlines`); whether a case is overdue is decided in the
//! database, from its kind, state, year and `state_since`, so that lists
//! page and count it like any other filter.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::certification::{
    awaiting_level, Deadline, DeadlineBasis, DecidingLevel, Kind, KindRules, OverdueIf, State,
};
use serde::Serialize;

use super::{CaseQuery, CaseRow};
use crate::accounts::Scope;
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

#[derive(sqlx::FromRow)]
struct DeadlineRow {
    state: String,
    basis: String,
    days: i64,
}

async fn deadlines_tx(tx: &mut Tx) -> Result<Vec<Deadline>> {
    let rows: Vec<DeadlineRow> = fetch!(
        tx,
        fetch_all,
        DeadlineRow,
        "SELECT state, basis, days FROM certification_deadlines"
    )?;
    let mut all = rows
        .into_iter()
        .map(|r| {
            let bad = || StoreError::Data(format!("certification_deadlines: {}", r.state));
            Ok(Deadline {
                state: State::parse("state", &r.state).map_err(|_| bad())?,
                basis: DeadlineBasis::parse(&r.basis).ok_or_else(bad)?,
                days: r.days,
            })
        })
        .collect::<Result<Vec<Deadline>>>()?;
    all.sort_by_key(|d| State::OPEN.iter().position(|s| *s == d.state));
    Ok(all)
}

/// How long a case may wait in each open state, in the order of the cycle.
pub async fn deadlines(db: &Db) -> Result<Vec<Deadline>> {
    let mut tx = db.begin_read().await?;
    let d = deadlines_tx(&mut tx).await?;
    tx.rollback().await?;
    Ok(d)
}

/// The rules that say when a case is due: the kinds' years and deciding
/// levels and the deadlines of the open states, read once per request.
#[derive(Debug, Clone)]
pub struct Clock {
    kinds: Vec<KindRules>,
    deadlines: Vec<Deadline>,
}

impl Clock {
    pub(crate) async fn load_tx(tx: &mut Tx) -> Result<Clock> {
        Ok(Clock {
            kinds: super::criteria::kinds_tx(tx).await?,
            deadlines: deadlines_tx(tx).await?,
        })
    }

    fn rules(&self, kind: Kind) -> Option<&KindRules> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    fn deadline(&self, state: State) -> Option<&Deadline> {
        self.deadlines.iter().find(|d| d.state == state)
    }

    /// The last day for the step a case awaits; none for a closed case or
    /// a state without a deadline.
    pub fn due(&self, case: &CaseRow) -> Option<NaiveDate> {
        let (kind, state) = (case.kind().ok()?, case.state().ok()?);
        let d = self.deadline(state)?;
        Some(d.due(self.rules(kind)?, case.year, case.state_since))
    }

    /// The level that must take a case's next step.
    pub fn awaiting(&self, kind: Kind, state: State) -> Option<DecidingLevel> {
        awaiting_level(state, self.rules(kind)?)
    }

    /// A condition on `c` (certification_cases): the open cases awaiting
    /// `level` (any level when none), only those overdue on `overdue_on`
    /// when it is set. Kinds and states are our own constants; dates and
    /// years go as parameters.
    pub(crate) fn condition(
        &self,
        p: &mut Params,
        level: Option<DecidingLevel>,
        overdue_on: Option<NaiveDate>,
    ) -> String {
        let mut any = Vec::new();
        for rules in &self.kinds {
            for state in State::OPEN {
                if level.is_some_and(|l| awaiting_level(state, rules) != Some(l)) {
                    continue;
                }
                let which = format!(
                    "c.kind = '{}' AND c.state = '{}'",
                    rules.kind.as_str(),
                    state.as_str()
                );
                let Some(today) = overdue_on else {
                    any.push(format!("({which})"));
                    continue;
                };
                let Some(d) = self.deadline(state) else {
                    continue;
                };
                any.push(match d.overdue_if(rules, today) {
                    OverdueIf::SinceBefore(day) => {
                        format!(
                            "({which} AND c.state_since < {})",
                            p.push(Arg::Date(Some(day)))
                        )
                    }
                    OverdueIf::YearAtMost(y) => {
                        format!(
                            "({which} AND c.year <= {})",
                            p.push(Arg::I64(Some(i64::from(y))))
                        )
                    }
                });
            }
        }
        if any.is_empty() {
            "1 = 0".into()
        } else {
            format!("({})", any.join(" OR "))
        }
    }

    /// Sets each row's due day.
    pub fn fill(&self, rows: &mut [CaseRow]) {
        for r in rows {
            r.due_on = self.due(r);
        }
    }
}

/// How many cases are overdue for one step, by the level that must take it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = CertificationOverdue)]
pub struct OverdueCount {
    pub level: DecidingLevel,
    pub state: State,
    pub n: i64,
}

#[derive(sqlx::FromRow)]
struct Group {
    kind: String,
    state: String,
    n: i64,
}

/// The overdue cases the query's unit, view and scope reach on `today`, by
/// level and state (commune first, then in the order of the cycle).
pub async fn counts(
    db: &Db,
    scope: Scope,
    q: &CaseQuery,
    today: NaiveDate,
) -> Result<Vec<OverdueCount>> {
    let mut tx = db.begin_read().await?;
    let clock = Clock::load_tx(&mut tx).await?;
    let q = CaseQuery {
        overdue_on: Some(today),
        ..q.clone()
    };
    let mut p = Params::default();
    let w = super::filter(&q, scope, &clock, &mut p);
    let sql = format!(
        "SELECT c.kind, c.state, COUNT(*) AS n FROM certification_cases c
          WHERE {w} GROUP BY c.kind, c.state"
    );
    let groups: Vec<Group> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    let mut by: BTreeMap<(u8, usize), OverdueCount> = BTreeMap::new();
    for g in groups {
        let (Ok(kind), Ok(state)) = (
            Kind::parse("kind", &g.kind),
            State::parse("state", &g.state),
        ) else {
            continue;
        };
        let Some(level) = clock.awaiting(kind, state) else {
            continue;
        };
        let order = State::OPEN.iter().position(|s| *s == state).unwrap_or(0);
        let key = (u8::from(level == DecidingLevel::Province), order);
        by.entry(key)
            .or_insert(OverdueCount { level, state, n: 0 })
            .n += g.n;
    }
    Ok(by.into_values().collect())
}
