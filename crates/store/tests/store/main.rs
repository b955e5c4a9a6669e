//! Store tests, each run on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod accounts;
mod audit;
mod catalogue;
mod documents;
mod drafts;
mod models;
mod org_units;
mod org_units_model;
mod reviews;
mod seeds;
mod statistics;
mod tips;
mod vocabulary;

/// The tip indicators of the shipped catalogue made typed, as in a
/// province that imports the figures it typed before it received tips in
/// binhyen: the statistics tests type `tin_bao` and its kin.
pub async fn tips_typed(db: &store::Db) {
    store::statistics::set_register_sources(
        db,
        store::audit::Author::System,
        None,
        domain::statistics::computed::Register::Tips,
    )
    .await
    .unwrap();
}
