//! Tips at province size for `web/benches/tips.rs` (docs/benchmarks.md,
//! "Tips"): `n` tips to the communes of one province over a year, in every
//! state, each with a sealed copy for one recipient, in transactions of
//! multi-row inserts (not the audited API). Their sealed parts are random
//! bytes of a real tip's size: lists never open them.

// Generator code behind the `testing` feature, never in the server.
#![allow(clippy::indexing_slicing)]

use chrono::{Days, NaiveDate};
use domain::tips::{Category, Channel, State};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use super::insert_rows;
use crate::{Arg, Db, StoreError};

/// `n` tips to the current communes of `province`, received over the 365
/// days up to `today`, each sealed (in name) to `recipient`.
pub async fn generate_tips(
    db: &Db,
    province: i64,
    recipient: i64,
    n: usize,
    today: NaiveDate,
    seed: u64,
) -> Result<usize, StoreError> {
    let communes: Vec<i64> = fetch!(
        db,
        fetch_all,
        scalar i64,
        "SELECT id FROM org_units
          WHERE level = 'commune' AND valid_to IS NULL AND parent_id = $1 ORDER BY id",
        province
    )?;
    if communes.is_empty() {
        return Err(StoreError::Data("no commune to send tips to".into()));
    }
    let first: i64 = fetch!(db, fetch_one, scalar i64, "SELECT COALESCE(MAX(id), 0) FROM tips")?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tx = db.begin().await?;
    let (mut tips, mut copies) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let id = first + 1 + i as i64;
        let unit = communes[rng.gen_range(0..communes.len())];
        let received = today - Days::new(rng.gen_range(0..365));
        // Most tips of a year ago are settled; the last weeks' are open.
        let age = (today - received).num_days();
        let state = match (age, rng.gen_range(0..10)) {
            (0..=30, 0..=4) => State::New,
            (0..=60, 0..=6) => State::Verifying,
            (_, 0) => State::Forwarded,
            (_, 1..=3) => State::Closed,
            _ => State::Resolved,
        };
        let since = received + Days::new(rng.gen_range(0..=age.clamp(0, 20) as u64));
        let mut content = vec![0u8; 400 + rng.gen_range(0..800)];
        rng.fill_bytes(&mut content);
        let resolved = state == State::Resolved;
        tips.push(vec![
            Arg::I64(Some(id)),
            Arg::I64(Some(unit)),
            Arg::I64(Some(unit)),
            Arg::Text(Some(
                Category::ALL[rng.gen_range(0..Category::ALL.len())]
                    .as_str()
                    .into(),
            )),
            Arg::Text(Some(
                Channel::ALL[rng.gen_range(0..Channel::ALL.len())]
                    .as_str()
                    .into(),
            )),
            Arg::Text(Some(state.as_str().into())),
            Arg::Date(Some(received)),
            Arg::Date(Some(since)),
            Arg::Date(state.due_on(since)),
            Arg::Bytes(content),
            Arg::Bool(resolved && rng.gen_bool(0.5)),
            Arg::I64(Some(if resolved { rng.gen_range(0..2) } else { 0 })),
            Arg::I64(Some(if resolved { rng.gen_range(0..3) } else { 0 })),
        ]);
        let mut sealed = vec![0u8; 220];
        rng.fill_bytes(&mut sealed);
        copies.push(vec![
            Arg::I64(Some(id)),
            Arg::I64(Some(recipient)),
            Arg::Bytes(sealed),
        ]);
    }
    insert_rows(
        &mut tx,
        "INSERT INTO tips (id, unit_id, place_id, category, channel, state, received_on,
             state_since, due_on, content, valuable, cases_solved, arrests) VALUES ",
        13,
        tips,
    )
    .await?;
    insert_rows(
        &mut tx,
        "INSERT INTO tip_recipients (tip_id, user_id, sealed) VALUES ",
        3,
        copies,
    )
    .await?;
    if tx.is_postgres() {
        // Ids were given: the next tip filed takes the one after them.
        execute!(
            tx,
            "SELECT setval(pg_get_serial_sequence('tips', 'id'), (SELECT MAX(id) FROM tips))"
        )?;
    }
    tx.commit().await?;
    super::analyze_all(db).await?;
    Ok(n)
}
