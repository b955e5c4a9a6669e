//! The one place statistics asks the registers for the figures they count
//! themselves (`domain::statistics::computed`). Each register answers for
//! its own figures; a capability that keeps a register adds its arm here
//! and nothing else in statistics changes.

use std::collections::HashMap;

use domain::org_units::OrgUnit;
use domain::statistics::computed::{Computed, Register};
use domain::statistics::{DataSet, Indicator, IndicatorId, Period};

use crate::error::Result;
use crate::Tx;

/// The current figures of the computed indicators among `indicators`, for
/// `unit` over the days of `period` in `set`'s calendar. An indicator is
/// missing where its register has no figure (a stock of a unit that does
/// not exist on the period's last day).
pub(crate) async fn figures(
    tx: &mut Tx,
    unit: &OrgUnit,
    set: &DataSet,
    period: Period,
    indicators: &[Indicator],
) -> Result<HashMap<IndicatorId, f64>> {
    let wanted: Vec<(IndicatorId, Computed)> = indicators
        .iter()
        .filter_map(|i| i.computed.map(|c| (i.id, c)))
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let (first, last) = (
        period.first_day(set.calendar),
        period.last_day(set.calendar),
    );
    let mut by_source: HashMap<Computed, f64> = HashMap::new();
    for register in [
        Register::Models,
        Register::Certification,
        Register::Forces,
        Register::Training,
        Register::Commendations,
        Register::Festivals,
        Register::Tips,
    ] {
        let asked: Vec<Computed> = wanted
            .iter()
            .map(|w| w.1)
            .filter(|c| c.register() == register)
            .collect();
        if asked.is_empty() {
            continue;
        }
        let found = match register {
            Register::Models => {
                crate::models::counts::figures(tx, unit, first, last, &asked).await?
            }
            Register::Certification => {
                crate::certification::summary::figures(tx, unit, last, &asked).await?
            }
            Register::Forces => crate::forces::summary::figures(tx, unit, last, &asked).await?,
            Register::Training => {
                crate::training::summary::figures(tx, unit, (first, last), &asked).await?
            }
            Register::Commendations => {
                crate::commendations::summary::figures(tx, unit, (first, last), &asked).await?
            }
            Register::Festivals => {
                crate::events::festivals::figures(tx, unit, (first, last), &asked).await?
            }
            Register::Tips => crate::tips::figures(tx, unit, (first, last), &asked).await?,
        };
        by_source.extend(found);
    }
    Ok(wanted
        .into_iter()
        .filter_map(|(id, c)| by_source.get(&c).map(|v| (id, *v)))
        .collect())
}
