//! Web tests: the real router on a real database, SQLite and PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod accounts;
mod audit;
mod certification;
mod commendations;
mod directives;
mod documents;
mod errors;
mod events;
mod forces;
mod hardening;
mod harness;
mod home;
mod matrix;
mod models;
mod org_units;
mod programs;
mod reviews;
mod round_trips;
mod security;
mod statistics;
mod tips;
mod training;
mod vocabulary;
