//! Reading and writing files people exchange: XLSX and CSV tables, SVG maps.
//!
//! - [`xlsx`] and [`csv`] export [`Sheet`]s.
//! - [`read_rows`] streams the rows of an uploaded XLSX or CSV file.
//! - [`bubble_map`] draws values per place as an inline SVG.
//!
//! Nothing here touches the network or the database; the only IO is the
//! temporary file rust_xlsxwriter uses per worksheet in constant-memory mode.

mod chart;
mod csv_file;
mod read;
mod svg;
mod table;
mod xlsx;

pub use chart::{chart, label as chart_label, ChartKind, Series};
pub use csv_file::{csv, BOM};
pub use read::{read_rows, MAX_CELL_CHARS, MAX_ROWS};
pub use svg::{bubble_map, escape, MapPoint};
pub use table::{column_letter, Cell, Column, FilesError, Sheet, Source};
pub use xlsx::xlsx;
