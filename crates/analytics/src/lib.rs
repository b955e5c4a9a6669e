//! How figures add up across units and periods, and the arithmetic of the
//! rollups that keep pivots fast. No IO: `store::statistics` reads a unit's
//! entries, asks this crate what changed, and writes the rollup cells in the
//! same transaction as the values.
//!
//! A rollup cell holds, for one indicator, one unit A (a "home") and one
//! period P, what every unit whose figures count under A contributes over
//! the periods inside P — except A itself: the pivot computes A's own
//! contribution from A's figures when it is asked ([`contribution`] of the
//! months inside P), so a commune's quarters, halves and years, 80 % of
//! all cells, are not stored, written on each save nor rebuilt. Each unit's
//! contribution is computed from its own entries alone ([`contribution`]),
//! which makes every aggregation maintainable by difference: sums, counts
//! and "last value" add up across units; only a falling maximum has to be
//! recomputed ([`Agg::apply`]).

use domain::statistics::{Aggregation, Period, PeriodType};

/// One figure of one unit for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    pub period: Period,
    pub value: f64,
    /// Approved at the last level of the data set's chain.
    pub approved: bool,
}

/// The running aggregate of a cell: how many figures (for "last", how many
/// units), their total, and for maxima the largest.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Agg {
    pub n: i64,
    pub total: f64,
    pub top: Option<f64>,
}

impl Agg {
    /// One figure, as it counts for `agg`.
    pub fn one(value: f64, agg: Aggregation) -> Agg {
        Agg {
            n: 1,
            total: value,
            top: (agg == Aggregation::Max).then_some(value),
        }
    }

    /// Both together (two units, or a cell and the home's own figure).
    pub fn merge(self, other: Agg) -> Agg {
        Agg {
            n: self.n + other.n,
            total: self.total + other.total,
            top: match (self.top, other.top) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Replaces one unit's contribution `before` by `after` in this cell.
    /// Returns `true` when the cell's maximum was that unit's and fell: the
    /// caller recomputes it from the values.
    #[must_use]
    pub fn apply(&mut self, before: Agg, after: Agg) -> bool {
        self.n += after.n - before.n;
        self.total += after.total - before.total;
        if self.n == 0 {
            // Nothing left: no rounding residue stays behind.
            *self = Agg::default();
            return false;
        }
        match (self.top, before.top, after.top) {
            (None, _, new) => {
                self.top = new;
                false
            }
            (Some(cur), _, Some(new)) if new >= cur => {
                self.top = Some(new);
                false
            }
            (Some(cur), Some(old), new) => old >= cur && new.is_none_or(|n| n < old),
            (Some(_), None, _) => false,
        }
    }

    /// The figure this aggregate stands for.
    pub fn value(self, agg: Aggregation) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        match agg {
            Aggregation::Sum | Aggregation::Last => Some(self.total),
            Aggregation::Average => Some(self.total / self.n as f64),
            Aggregation::Max => self.top,
        }
    }
}

/// A cell's two variants: every figure entered, and approved figures only.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    pub all: Agg,
    pub approved: Agg,
}

impl Cell {
    /// What steps (a unit's contribution before and after, one per unit
    /// that changed) add to a cell's counts and totals: for a database that
    /// adds it to the stored cell without reading it. Maxima cannot be
    /// kept this way (see [`Agg::apply`]).
    pub fn added_by(steps: &[(Cell, Cell)]) -> Cell {
        let mut d = Cell::default();
        for (before, after) in steps {
            for (sum, b, a) in [
                (&mut d.all, before.all, after.all),
                (&mut d.approved, before.approved, after.approved),
            ] {
                sum.n += a.n - b.n;
                sum.total += a.total - b.total;
            }
        }
        d
    }

    pub fn get(&self, approved_only: bool) -> Agg {
        if approved_only {
            self.approved
        } else {
            self.all
        }
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty() && self.approved.is_empty()
    }

    pub fn merge(self, other: Cell) -> Cell {
        Cell {
            all: self.all.merge(other.all),
            approved: self.approved.merge(other.approved),
        }
    }
}

/// What one unit's `entries` contribute to the cell of period `within`.
pub fn contribution(agg: Aggregation, entries: &[Entry], within: Period) -> Cell {
    contribution_of(agg, entries.iter().filter(|e| within.contains(e.period)))
}

/// What some entries (all inside one period) contribute to its cell.
fn contribution_of<'a>(agg: Aggregation, inside: impl Iterator<Item = &'a Entry> + Clone) -> Cell {
    match agg {
        Aggregation::Last => {
            // The latest figure of the period: a stock counts once per unit.
            let latest = |approved_only: bool| {
                inside
                    .clone()
                    .filter(|e| e.approved || !approved_only)
                    .max_by_key(|e| e.period)
                    .map(|e| Agg::one(e.value, agg))
                    .unwrap_or_default()
            };
            Cell {
                all: latest(false),
                approved: latest(true),
            }
        }
        Aggregation::Sum | Aggregation::Average | Aggregation::Max => {
            inside.fold(Cell::default(), |mut c, e| {
                let one = Agg::one(e.value, agg);
                c.all = c.all.merge(one);
                if e.approved {
                    c.approved = c.approved.merge(one);
                }
                c
            })
        }
    }
}

/// How one unit's contribution to the cell of `period` changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    pub period: Period,
    pub before: Cell,
    pub after: Cell,
}

/// The cells a change of one unit's entries touches, from the entries
/// before and after and the periods written: each written period and every
/// coarser one containing it. The entries must be all of the unit's for
/// the years concerned when [`needs_whole_year`] says so; otherwise the
/// written periods' own suffice.
pub fn changes(
    agg: Aggregation,
    before: &[Entry],
    after: &[Entry],
    written: &[Period],
) -> Vec<Change> {
    let mut periods: Vec<Period> = written.iter().flat_map(|p| p.with_coarser()).collect();
    periods.sort();
    periods.dedup();
    periods
        .into_iter()
        .filter_map(|period| {
            let b = contribution(agg, before, period);
            let a = contribution(agg, after, period);
            (a != b).then_some(Change {
                period,
                before: b,
                after: a,
            })
        })
        .collect()
}

/// Whether [`changes`] must see a unit's other entries of the year. Only a
/// "last value" does: which figure is a quarter's last depends on the
/// other months. A sum, an average or a maximum changes a cell by the
/// written figure alone (a cell adds counts and totals by difference, and
/// a maximum falls only if the written figure held it, see [`Agg::apply`]),
/// so a write reads the written figures only (a year of other months cost
/// a 100-value form 3 ms of reading).
pub fn needs_whole_year(agg: Aggregation) -> bool {
    agg == Aggregation::Last
}

/// Whether a unit's figures reach the cells of `home`: every home but the
/// unit itself (its own contribution is computed when asked).
pub fn reaches_cell(unit: i64, home: i64) -> bool {
    home != unit
}

/// Every cell a unit's entries fill, for a rebuild from scratch: each
/// period its entries fall in, at every coarseness, in period order. One
/// pass per coarseness over the entries grouped by the period holding
/// them: asking [`contribution`] of each of a commune's 95 periods over 5
/// years read its 60 months 95 times (the rebuild's 21 million values, 2
/// billion checks).
pub fn all_contributions(agg: Aggregation, entries: &[Entry]) -> Vec<(Period, Cell)> {
    let mut out = Vec::new();
    let mut held: Vec<(Period, &Entry)> = Vec::with_capacity(entries.len());
    for kind in PeriodType::ALL {
        held.clear();
        held.extend(
            entries
                .iter()
                .filter_map(|e| Some((e.period.within(kind)?, e))),
        );
        held.sort_by_key(|(p, _)| *p);
        for group in held.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(period, _)) = group.first() else {
                continue;
            };
            let cell = contribution_of(agg, group.iter().map(|(_, e)| *e));
            if !cell.is_empty() {
                out.push((period, cell));
            }
        }
    }
    out.sort_by_key(|(p, _)| *p);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse("p", s).unwrap()
    }

    fn e(period: &str, value: f64, approved: bool) -> Entry {
        Entry {
            period: p(period),
            value,
            approved,
        }
    }

    /// A cell holding two units' contributions, after one of them changes
    /// from `before` to `after` (its whole year), the change computed from
    /// `seen_before`/`seen_after`: the cell and whether its maximum fell.
    fn cell_after(
        agg: Aggregation,
        other: &[Entry],
        (before, after): (&[Entry], &[Entry]),
        (seen_before, seen_after): (&[Entry], &[Entry]),
        written: Period,
        within: Period,
    ) -> (Agg, bool) {
        let mut cell = contribution(agg, other, within)
            .merge(contribution(agg, before, within))
            .all;
        let mut fell = false;
        for c in changes(agg, seen_before, seen_after, &[written]) {
            if c.period == within {
                fell |= cell.apply(c.before.all, c.after.all);
            }
        }
        // Checks that the whole year gives the true cell.
        let truth = contribution(agg, other, within)
            .merge(contribution(agg, after, within))
            .all;
        if !fell {
            assert_eq!(
                (cell.n, cell.total, cell.top),
                (truth.n, truth.total, truth.top)
            );
        }
        (cell, fell)
    }

    #[test]
    fn only_last_values_need_the_whole_year() {
        let other = [e("2022-02", 6.0, false)];
        let year = [e("2022-01", 5.0, false), e("2022-03", 9.0, false)];
        let q1 = p("2022-Q1");
        // (written month, its value before, after): a new figure, a change
        // up, a change down of the maximum, a deletion.
        let cases = [
            ("2022-02", None, Some(4.0)),
            ("2022-01", Some(5.0), Some(12.0)),
            ("2022-03", Some(9.0), Some(1.0)),
            ("2022-03", Some(9.0), None),
            ("2022-01", Some(5.0), None),
        ];
        for agg in [Aggregation::Sum, Aggregation::Average, Aggregation::Max] {
            assert!(!needs_whole_year(agg));
            for (month, old, new) in cases {
                let edit = |v: Option<f64>| -> Vec<Entry> {
                    let mut out: Vec<Entry> = year
                        .iter()
                        .filter(|x| x.period != p(month))
                        .copied()
                        .collect();
                    out.extend(v.map(|v| e(month, v, false)));
                    out
                };
                let only = |v: Option<f64>| -> Vec<Entry> {
                    v.map(|v| e(month, v, false)).into_iter().collect()
                };
                let (before, after) = (edit(old), edit(new));
                for within in [q1, p("2022-H1"), p("2022")] {
                    let whole = cell_after(
                        agg,
                        &other,
                        (&before, &after),
                        (&before, &after),
                        p(month),
                        within,
                    );
                    let written = cell_after(
                        agg,
                        &other,
                        (&before, &after),
                        (&only(old), &only(new)),
                        p(month),
                        within,
                    );
                    assert_eq!(
                        whole, written,
                        "{agg:?} {month} {old:?}→{new:?} in {within}"
                    );
                }
            }
        }
        // A last value does: changing January moves nothing when March is later.
        assert!(needs_whole_year(Aggregation::Last));
        let before = [e("2022-01", 5.0, false)];
        let after = [e("2022-01", 7.0, false)];
        let changed = changes(Aggregation::Last, &before, &after, &[p("2022-01")]);
        assert!(
            changed.iter().any(|c| c.period == q1),
            "seen alone, January looks like the quarter's last"
        );
    }

    /// The one-pass grouping gives what asking each period would.
    #[test]
    fn all_contributions_equal_each_period_asked() {
        let mut entries = Vec::new();
        for (k, m) in [
            "2021-12", "2022-01", "2022-02", "2022-05", "2022-07", "2022-12", "2023-03",
        ]
        .iter()
        .enumerate()
        {
            entries.push(e(m, (k * 7 % 5) as f64 + 0.5, k % 3 != 1));
        }
        entries.reverse();
        for agg in [
            Aggregation::Sum,
            Aggregation::Last,
            Aggregation::Average,
            Aggregation::Max,
        ] {
            let mut periods: Vec<Period> = entries
                .iter()
                .flat_map(|e| e.period.with_coarser())
                .collect();
            periods.sort();
            periods.dedup();
            let naive: Vec<(Period, Cell)> = periods
                .into_iter()
                .map(|p| (p, contribution(agg, &entries, p)))
                .filter(|(_, c)| !c.is_empty())
                .collect();
            assert_eq!(all_contributions(agg, &entries), naive, "{agg:?}");
        }
    }

    #[test]
    fn contributions_follow_the_aggregation() {
        let entries = [
            e("2022-01", 5.0, true),
            e("2022-02", 7.0, false),
            e("2022-04", 1.0, true),
        ];
        let q1 = p("2022-Q1");
        let sum = contribution(Aggregation::Sum, &entries, q1);
        assert_eq!((sum.all.n, sum.all.total), (2, 12.0));
        assert_eq!((sum.approved.n, sum.approved.total), (1, 5.0));
        let last = contribution(Aggregation::Last, &entries, q1);
        assert_eq!((last.all.n, last.all.total), (1, 7.0));
        assert_eq!((last.approved.n, last.approved.total), (1, 5.0));
        let year = contribution(Aggregation::Last, &entries, p("2022"));
        assert_eq!(year.all.total, 1.0);
        let max = contribution(Aggregation::Max, &entries, p("2022"));
        assert_eq!(max.all.top, Some(7.0));
        assert_eq!(max.approved.top, Some(5.0));
        assert_eq!(
            Agg {
                n: 2,
                total: 12.0,
                top: None
            }
            .value(Aggregation::Average),
            Some(6.0)
        );
        assert!(contribution(Aggregation::Sum, &entries, p("2023")).is_empty());
    }

    #[test]
    fn changes_touch_the_period_and_every_coarser_one() {
        let before = [e("2022-01", 5.0, false)];
        let after = [e("2022-01", 6.0, false)];
        let ch = changes(Aggregation::Sum, &before, &after, &[p("2022-01")]);
        let periods: Vec<String> = ch.iter().map(|c| c.period.to_string()).collect();
        assert_eq!(periods, ["2022-01", "2022-Q1", "2022-H1", "2022"]);
        // A "last" indicator: changing February does not change Q1 when March is later.
        let before = [e("2022-02", 5.0, false), e("2022-03", 9.0, false)];
        let after = [e("2022-02", 6.0, false), e("2022-03", 9.0, false)];
        let ch = changes(Aggregation::Last, &before, &after, &[p("2022-02")]);
        assert_eq!(ch.len(), 1);
        assert_eq!(ch[0].period, p("2022-02"));
    }

    #[test]
    fn applying_differences_and_falling_maxima() {
        let mut cell = Agg::default();
        let a = Agg::one(4.0, Aggregation::Max);
        let b = Agg::one(9.0, Aggregation::Max);
        assert!(!cell.apply(Agg::default(), a));
        assert!(!cell.apply(Agg::default(), b));
        assert_eq!((cell.n, cell.top), (2, Some(9.0)));
        // 9 falls to 3: the cell cannot know the next largest.
        assert!(cell.apply(b, Agg::one(3.0, Aggregation::Max)));
        // 4 rises to 5 below a maximum of 9: nothing to recompute.
        let mut cell = Agg {
            n: 2,
            total: 13.0,
            top: Some(9.0),
        };
        assert!(!cell.apply(a, Agg::one(5.0, Aggregation::Max)));
        assert_eq!(cell.top, Some(9.0));
        // Sums never recompute, and an emptied cell is exactly empty.
        let mut sum = Agg::default();
        let x = Agg::one(0.1, Aggregation::Sum);
        assert!(!sum.apply(Agg::default(), x));
        assert!(!sum.apply(x, Agg::default()));
        assert_eq!(sum, Agg::default());
        // A home's cell merged with its own contribution.
        let cell = Agg {
            n: 3,
            total: 9.0,
            top: None,
        };
        let own = contribution(Aggregation::Average, &[e("2022-01", 5.0, false)], p("2022"));
        assert_eq!(cell.merge(own.all).value(Aggregation::Average), Some(3.5));
        assert_eq!(Agg::default().value(Aggregation::Sum), None);
        assert!(reaches_cell(1, 2));
        assert!(!reaches_cell(1, 1));
    }
}
