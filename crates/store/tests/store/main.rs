//! Store tests, each run on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod accounts;
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
