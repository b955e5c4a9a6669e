//! Rules of binhyen: types that parse rather than validate, state changes,
//! Vietnamese text folding and dates. No IO, no async, no SQL.

#[macro_use]
mod coded;
pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod certification;
pub mod commendations;
pub mod directives;
pub mod documents;
pub mod error;
pub mod events;
pub mod file;
pub mod forces;
pub mod models;
pub mod org_units;
pub mod page;
pub mod partners;
pub mod policy;
pub mod programs;
pub mod reason;
pub mod reviews;
pub mod schema;
pub mod statistics;
pub mod text;
pub mod time;
pub mod tips;
pub mod totp;
pub mod training;
pub mod vocabulary;

pub use error::{Arg, DomainError, Language, Term};
pub use reason::Reason;
