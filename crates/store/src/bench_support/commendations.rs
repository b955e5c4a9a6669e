//! Commendations at national size for `web/benches/leadership.rs`
//! (docs/benchmarks.md, "Commendations"): approved commendations of every
//! form at the levels that give it, to the communes of every 2025
//! province and to individuals there, over ten years, in transactions of
//! multi-row inserts (not the audited API).

// Generator code behind the `testing` feature, never in the server: the
// indexes are of vectors it has just filled.
#![allow(clippy::indexing_slicing)]

use chrono::{Datelike, NaiveDate, Utc};
use domain::commendations::Form;
use domain::text::fold;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::insert_rows;
use crate::{Arg, Db, StoreError};

/// What was generated, for the bench's report.
#[derive(Debug, Default, Clone)]
pub struct CommendationsData {
    pub commendations: usize,
    pub communes: usize,
    pub first_year: i32,
    pub last_year: i32,
}

#[derive(sqlx::FromRow)]
struct Commune {
    id: i64,
    name: String,
    province_id: i64,
}

/// `n` approved commendations over the ten years up to `today`'s, one in
/// five to an individual.
pub async fn generate_commendations(
    db: &Db,
    n: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<CommendationsData, StoreError> {
    let communes: Vec<Commune> = fetch!(
        db,
        fetch_all,
        Commune,
        "SELECT id, name, parent_id AS province_id FROM org_units
          WHERE level = 'commune' AND valid_to IS NULL AND parent_id IS NOT NULL ORDER BY id"
    )?;
    if communes.is_empty() {
        return Err(StoreError::Data("no commune to commend".into()));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let (last_year, first_year) = (today.year(), today.year() - 9);
    let now = Utc::now();
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let c = &communes[rng.gen_range(0..communes.len())];
        let form = Form::ALL[rng.gen_range(0..Form::ALL.len())];
        let levels = form.levels();
        let level = levels[rng.gen_range(0..levels.len())];
        let year = rng.gen_range(first_year..=last_year);
        let decided = NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), 15).unwrap_or(today);
        let person = i % 5 == 0;
        let (kind, recipient_id, name) = if person {
            ("person", None, format!("Cá nhân {i}"))
        } else {
            ("unit", Some(c.id), c.name.clone())
        };
        rows.push(vec![
            Arg::Text(Some(form.as_str().into())),
            Arg::Text(Some(level.as_str().into())),
            Arg::Text(Some("approved".into())),
            Arg::I64(Some(i64::from(year))),
            Arg::Text(Some("Thành tích trong phong trào".into())),
            Arg::Text(Some(kind.into())),
            Arg::I64(recipient_id),
            Arg::Text(Some(fold(&name))),
            Arg::Text(Some(name)),
            Arg::I64(Some(c.id)),
            Arg::I64(Some(c.province_id)),
            Arg::Date(Some(decided.min(today))),
            Arg::Ts(now),
            Arg::Ts(now),
        ]);
    }
    let mut tx = db.begin().await?;
    insert_rows(
        &mut tx,
        "INSERT INTO commendations (form, level, state, year, reason, recipient_kind, recipient_id,
            recipient_folded, recipient_name, org_unit_id, province_id, decided_on, created_at,
            updated_at) VALUES ",
        14,
        rows,
    )
    .await?;
    tx.commit().await?;
    Ok(CommendationsData {
        commendations: n,
        communes: communes.len(),
        first_year,
        last_year,
    })
}
