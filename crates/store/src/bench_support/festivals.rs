//! Festivals at national size for `web/benches/leadership.rs`
//! (docs/benchmarks.md, "Festivals"): `villages` villages over the current
//! communes, then a festival for every current commune in each of the ten
//! years up to today's (its villages holding it counted, not listed), in
//! transactions of multi-row inserts (not the audited API).

// Generator code behind the `testing` feature, never in the server: the
// indexes are of vectors it has just filled.
#![allow(clippy::indexing_slicing)]

use chrono::{Datelike, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{insert_rows, unit_row, UNIT_HEAD};
use crate::{Arg, Db, StoreError};

/// What was generated, for the bench's report.
#[derive(Debug, Default, Clone)]
pub struct FestivalsData {
    pub villages: usize,
    pub festivals: usize,
    pub first_year: i32,
    pub last_year: i32,
}

#[derive(sqlx::FromRow)]
struct Commune {
    id: i64,
    province_id: i64,
}

pub async fn generate_festivals(
    db: &Db,
    villages: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<FestivalsData, StoreError> {
    let communes: Vec<Commune> = fetch!(
        db,
        fetch_all,
        Commune,
        "SELECT id, parent_id AS province_id FROM org_units
          WHERE level = 'commune' AND valid_to IS NULL AND parent_id IS NOT NULL ORDER BY id"
    )?;
    if communes.is_empty() {
        return Err(StoreError::Data("no commune to hold a festival".into()));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let rows = (0..villages)
        .map(|i| {
            let c = &communes[i % communes.len()];
            unit_row(
                "village",
                "thon",
                &format!("Thôn Ngày hội {}", i + 1),
                c.id,
                now,
            )
        })
        .collect();
    insert_rows(&mut tx, UNIT_HEAD, 10, rows).await?;
    crate::org_units::reference::rebuild_closures(&mut tx).await?;
    let last_year = if domain::events::festival_day(today.year()).is_some_and(|d| d <= today) {
        today.year()
    } else {
        today.year() - 1
    };
    let first_year = last_year - 9;
    let per_commune = (villages / communes.len()).max(1);
    let mut rows = Vec::new();
    for year in first_year..=last_year {
        let day = domain::events::festival_day(year).unwrap_or(today);
        for c in &communes {
            let sites = rng.gen_range(1..=per_commune.min(8)) as i64;
            rows.push(vec![
                Arg::I64(Some(c.id)),
                Arg::I64(Some(c.province_id)),
                Arg::I64(Some(i64::from(year))),
                Arg::Date(Some(day)),
                Arg::I64(Some(sites)),
                Arg::I64(Some(rng.gen_range(100..2_000))),
                Arg::Ts(now),
                Arg::Ts(now),
            ]);
        }
    }
    let festivals = rows.len();
    insert_rows(
        &mut tx,
        "INSERT INTO festivals (org_unit_id, province_id, year, held_on, sites, participants,
            created_at, updated_at) VALUES ",
        8,
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(FestivalsData {
        villages,
        festivals,
        first_year,
        last_year,
    })
}
