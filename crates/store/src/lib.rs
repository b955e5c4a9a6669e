//! binhyen storage: one [`Db`] over SQLite or PostgreSQL with one SQL text
//! per query, migrations embedded in the binary, one module per capability.
//! Nothing outside this crate writes SQL.

#[macro_use]
mod macros;
mod db;
pub(crate) use macros::{execute_dyn, fetch_all_dyn, placeholders, sqlite_params, Arg, Params};
pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod certification;
pub mod commendations;
pub mod directives;
pub mod documents;
pub mod drafts;
pub mod error;
pub mod events;
pub mod forces;
pub mod models;
pub mod org_units;
pub mod partners;
pub mod programs;
mod reference_data;
pub mod reviews;
mod scope;
pub mod statistics;
pub mod tips;
pub mod training;
pub mod vocabulary;

pub use db::{redact_url, sqlite_path, Backend, Db, Tx};

#[cfg(feature = "testing")]
pub mod bench_support;
#[cfg(feature = "testing")]
pub mod testing;
pub use error::StoreError;
