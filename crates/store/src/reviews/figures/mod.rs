//! The figures of a review, assembled from every capability's records for
//! one unit, one period and one view of the 2025 reform.
//!
//! Each capability is a [`Source`]: a key, a title and a function that
//! answers an [`Ask`] with a [`Part`] (headlines with the sub-units'
//! values, and tables). [`SOURCES`] lists them in the document's order; a
//! capability that lands later adds its own file and one line there.
//! [`assemble`] runs each source for the period and again, briefly
//! (headlines only), for the previous period of the same length.

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use domain::reviews::{
    ChartHint, FigureRow, FigureTable, Figures, Focus, Headline, Part, Period, UnitValue, View,
};

use crate::error::Result;
use crate::Db;

mod movement;
mod registers;
mod statistics;

/// What a source is asked.
#[derive(Debug, Clone)]
pub struct Ask {
    /// The unit reviewed (its area, in the view); none: the country.
    pub unit: Option<i64>,
    pub period: Period,
    pub view: View,
    pub focus: Focus,
    pub today: NaiveDate,
    /// Headlines only (the previous period's comparison): no tables.
    pub brief: bool,
}

impl Ask {
    pub(crate) fn areas_view(&self) -> crate::org_units::areas::View {
        match self.view {
            View::Was => crate::org_units::areas::View::Was,
            View::Now => crate::org_units::areas::View::Now,
        }
    }

    /// The day the sub-units stand on: the period's last day as it was,
    /// today as it is now.
    pub(crate) fn rows_day(&self) -> NaiveDate {
        match self.view {
            View::Was => self.period.last_day().min(self.today),
            View::Now => self.today,
        }
    }

    /// The period's last day, not after today (stocks are counted then).
    pub(crate) fn end(&self) -> NaiveDate {
        self.period.last_day().min(self.today)
    }

    pub(crate) fn years(&self) -> (i32, i32) {
        (self.period.from.year, self.period.to.year)
    }

    /// `col` names a unit at or under the reviewed unit (across the 2025
    /// mapping), as SQL with its parameter pushed onto `p`; every unit for
    /// a national review.
    pub(crate) fn under(&self, col: &str, p: &mut crate::Params) -> String {
        match self.unit {
            Some(u) => {
                let n = p.push(crate::Arg::I64(Some(u)));
                format!("{col} IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})")
            }
            None => "1 = 1".into(),
        }
    }
}

pub type Assembled<'a> = Pin<Box<dyn Future<Output = Result<Part>> + Send + 'a>>;

/// One capability's contribution.
pub struct Source {
    pub key: &'static str,
    pub title: &'static str,
    pub assemble: for<'a> fn(&'a Db, &'a Ask) -> Assembled<'a>,
}

/// Every source, in the document's order.
pub const SOURCES: &[Source] = &[
    Source {
        key: "models",
        title: "Xây dựng, nhân rộng mô hình",
        assemble: |db, ask| Box::pin(registers::models(db, ask)),
    },
    Source {
        key: "certification",
        title: "Công nhận đạt tiêu chuẩn \"An toàn về an ninh, trật tự\"",
        assemble: |db, ask| Box::pin(registers::certification(db, ask)),
    },
    Source {
        key: "forces",
        title: "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
        assemble: |db, ask| Box::pin(registers::forces(db, ask)),
    },
    Source {
        key: "training",
        title: "Tập huấn, bồi dưỡng",
        assemble: |db, ask| Box::pin(registers::training(db, ask)),
    },
    Source {
        key: "programs",
        title: "Chương trình, kế hoạch phối hợp",
        assemble: |db, ask| Box::pin(movement::programs(db, ask)),
    },
    Source {
        key: "events",
        title: "Sự kiện và Ngày hội toàn dân bảo vệ an ninh Tổ quốc",
        assemble: |db, ask| Box::pin(movement::events(db, ask)),
    },
    Source {
        key: "commendations",
        title: "Khen thưởng",
        assemble: |db, ask| Box::pin(movement::commendations(db, ask)),
    },
    Source {
        key: "directives",
        title: "Thực hiện nhiệm vụ được giao",
        assemble: |db, ask| Box::pin(movement::directives(db, ask)),
    },
    Source {
        key: "statistics",
        title: "Số liệu thống kê",
        assemble: |db, ask| Box::pin(statistics::statistics(db, ask)),
    },
];

/// Sources assembled at once. They read different tables, so a few
/// together use the cores (and SQLite's several readers) that one query
/// at a time leaves idle; not more, so that one review cannot take every
/// connection of the pool from the other users.
const AT_ONCE: usize = 3;

/// The figures of `ask` (the caller checked the unit may be read), each
/// headline beside its value over the previous period.
pub async fn assemble(db: &Db, ask: &Ask) -> Result<Figures> {
    let before = Ask {
        period: ask.period.previous(),
        brief: true,
        ..ask.clone()
    };
    let turns = tokio::sync::Semaphore::new(AT_ONCE);
    let parts = futures_util::future::try_join_all(
        SOURCES
            .iter()
            .map(|source| part(db, ask, &before, source, &turns)),
    )
    .await?;
    Ok(Figures {
        assembled_on: ask.today,
        period: ask.period.label(),
        previous_period: before.period.label(),
        parts,
    })
}

/// One source's part, its headlines beside their values `before`.
async fn part(
    db: &Db,
    ask: &Ask,
    before: &Ask,
    source: &Source,
    turns: &tokio::sync::Semaphore,
) -> Result<Part> {
    // Never closed (it is dropped after every part is done): no error to
    // expect; without a permit the part would merely not wait its turn.
    let _turn = turns.acquire().await.ok();
    let mut part = (source.assemble)(db, ask).await?;
    part.source = source.key.into();
    part.title = source.title.into();
    // The period before may precede the records (or the movement):
    // nothing to compare then, not an error.
    if before.period.from.year >= domain::reviews::FIRST_YEAR {
        let earlier = (source.assemble)(db, before).await?;
        for h in &mut part.headlines {
            h.previous = earlier
                .headlines
                .iter()
                .find(|e| e.code == h.code)
                .map(|e| e.value);
        }
    }
    Ok(part)
}

impl Ask {
    /// What review `detail` asks, on `today`.
    pub fn of(detail: &super::ReviewDetail, today: NaiveDate) -> Result<Ask> {
        let r = &detail.review;
        Ok(Ask {
            unit: r.org_unit_id,
            period: r.period()?,
            view: r.view(),
            focus: detail.focus.clone(),
            today,
            brief: false,
        })
    }
}

/// The figures a reader of the review sees: the frozen ones of an issued
/// review, assembled afresh for a draft.
pub async fn of_review(db: &Db, detail: &super::ReviewDetail, today: NaiveDate) -> Result<Figures> {
    if let Some(f) = super::frozen_figures(db, detail.review.id).await? {
        return Ok(f);
    }
    assemble(db, &Ask::of(detail, today)?).await
}

// ---- helpers the sources share -------------------------------------------

/// The sub-units the tables break down to, as the view places them.
pub(crate) async fn areas(db: &Db, ask: &Ask) -> Result<Vec<crate::org_units::areas::Area>> {
    let day = ask.rows_day();
    let scope = crate::accounts::Scope::All;
    Ok(
        crate::org_units::areas::areas_on(db, scope, ask.unit, day, ask.areas_view())
            .await?
            .1,
    )
}

pub(crate) fn headline(code: &str, label: &str, value: f64, by_unit: Vec<UnitValue>) -> Headline {
    Headline {
        code: code.into(),
        label: label.into(),
        value,
        previous: None,
        by_unit,
    }
}

pub(crate) fn row(label: impl Into<String>, unit: Option<i64>, values: Vec<f64>) -> FigureRow {
    FigureRow {
        label: label.into(),
        org_unit_id: unit,
        values: values.into_iter().map(Some).collect(),
    }
}

/// A table whose columns add up: its total row sums them.
pub(crate) fn summed(
    title: &str,
    columns: &[&str],
    rows: Vec<FigureRow>,
    chart: Option<ChartHint>,
) -> FigureTable {
    let width = columns.len().saturating_sub(1);
    let mut total = vec![0.0; width];
    for r in &rows {
        for (t, v) in total.iter_mut().zip(&r.values) {
            *t += v.unwrap_or(0.0);
        }
    }
    FigureTable {
        title: title.into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        total: (rows.len() > 1).then(|| row("Tổng cộng", None, total)),
        rows,
        chart,
    }
}

/// A table of stocks or of years: no total row.
pub(crate) fn plain(
    title: &str,
    columns: &[&str],
    rows: Vec<FigureRow>,
    chart: Option<ChartHint>,
) -> FigureTable {
    FigureTable {
        title: title.into(),
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
        total: None,
        chart,
    }
}

pub(crate) fn by_unit<T>(
    rows: &[T],
    id: impl Fn(&T) -> i64,
    v: impl Fn(&T) -> i64,
) -> Vec<UnitValue> {
    rows.iter()
        .map(|r| UnitValue {
            org_unit_id: id(r),
            value: v(r) as f64,
        })
        .collect()
}
