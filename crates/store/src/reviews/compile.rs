//! Compiling the lower units' reviews into a higher one: who was expected
//! to submit (the unit's parts, as its figures break down), who did (an
//! issued review answering it; the latest version counts), whether their
//! figures add up to the higher level's own for the same units, and their
//! narratives for reference.

use domain::reviews::{Figures, State};
use serde::Serialize;

use super::{read_tx, sections_tx, ReviewRow, SectionRow};
use crate::accounts::Scope;
use crate::error::Result;
use crate::org_units::areas::areas_on;
use crate::reviews::figures::Ask;
use crate::Db;

/// A unit expected to submit, and its review if it did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Submission {
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// Its latest review answering this one, issued or still a draft.
    pub review: Option<ReviewRow>,
    /// Issued: it counts in the compilation.
    pub submitted: bool,
    /// Its sections, when submitted.
    pub sections: Vec<SectionRow>,
}

/// One unit's figure against the higher level's for it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitFigureCheck {
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// The higher level's figure for this unit.
    pub own: Option<f64>,
    /// What the unit's issued review says.
    pub submitted: Option<f64>,
}

/// A headline summed over the submissions, against the higher level's.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FigureCheck {
    pub code: String,
    pub label: String,
    /// The higher level's figures for the submitting units, added.
    pub own: f64,
    /// The submissions' figures, added.
    pub submitted: f64,
    pub agrees: bool,
    pub units: Vec<UnitFigureCheck>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Compilation {
    pub expected: i64,
    pub submitted: i64,
    pub units: Vec<Submission>,
    pub checks: Vec<FigureCheck>,
}

/// The compilation of review `id` (which the scope reads), against its
/// own `figures`.
pub async fn compile(
    db: &Db,
    scope: Scope,
    id: i64,
    ask: &Ask,
    figures: &Figures,
) -> Result<Compilation> {
    let mut tx = db.begin_read().await?;
    let review = read_tx(&mut tx, scope, id).await?;
    tx.rollback().await?;
    let (_, areas, _) = areas_on(
        db,
        Scope::All,
        review.org_unit_id,
        ask.rows_day(),
        ask.areas_view(),
    )
    .await?;
    let (answers, _) = super::list(
        db,
        Scope::All,
        &super::ReviewQuery {
            answers: Some(id),
            page: domain::page::Page {
                page: 1,
                per_page: domain::page::MAX_PER_PAGE,
            },
            ..Default::default()
        },
    )
    .await?;
    let mut units = Vec::with_capacity(areas.len());
    let mut theirs: Vec<(i64, Figures)> = Vec::new();
    let mut tx = db.begin_read().await?;
    for a in areas.iter().filter(|a| Some(a.id) != review.org_unit_id) {
        // Newest first: the first answer of the unit is its latest version.
        let latest = answers
            .iter()
            .find(|r| r.org_unit_id == Some(a.id))
            .cloned();
        let submitted = latest.as_ref().is_some_and(|r| r.state() == State::Issued);
        let mut sections = Vec::new();
        if let (true, Some(r)) = (submitted, &latest) {
            sections = sections_tx(&mut tx, r.id).await?;
        }
        units.push(Submission {
            org_unit_id: a.id,
            org_unit_name: a.name.clone(),
            review: latest,
            submitted,
            sections,
        });
    }
    tx.rollback().await?;
    for u in units.iter().filter(|u| u.submitted) {
        if let Some(r) = &u.review {
            if let Some(f) = super::frozen_figures(db, r.id).await? {
                theirs.push((u.org_unit_id, f));
            }
        }
    }
    let checks = figures
        .parts
        .iter()
        .flat_map(|p| p.headlines.iter())
        .filter(|h| !h.by_unit.is_empty())
        .map(|h| {
            let per_unit: Vec<UnitFigureCheck> = theirs
                .iter()
                .map(|(unit, f)| UnitFigureCheck {
                    org_unit_id: *unit,
                    org_unit_name: units
                        .iter()
                        .find(|u| u.org_unit_id == *unit)
                        .map(|u| u.org_unit_name.clone())
                        .unwrap_or_default(),
                    own: h
                        .by_unit
                        .iter()
                        .find(|v| v.org_unit_id == *unit)
                        .map(|v| v.value),
                    submitted: f.headline(&h.code).map(|x| x.value),
                })
                .collect();
            // Folded from 0.0: an empty float sum is -0.0.
            let own = per_unit
                .iter()
                .filter_map(|u| u.own)
                .fold(0.0, |a, b| a + b);
            let submitted = per_unit
                .iter()
                .filter_map(|u| u.submitted)
                .fold(0.0, |a, b| a + b);
            FigureCheck {
                code: h.code.clone(),
                label: h.label.clone(),
                own,
                submitted,
                agrees: (own - submitted).abs() < 1e-9,
                units: per_unit,
            }
        })
        .collect();
    Ok(Compilation {
        expected: units.len() as i64,
        submitted: units.iter().filter(|u| u.submitted).count() as i64,
        units,
        checks,
    })
}
