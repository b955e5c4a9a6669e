//! Reading and writing files people exchange: XLSX and CSV tables, SVG maps.
//!
//! - [`xlsx`] and [`csv`] export [`Sheet`]s.
//! - [`read_rows`] streams the rows of an uploaded XLSX or CSV file; an
//!   XLSX archive is first checked against bounds on its entries and sizes
//!   ([`MAX_INFLATED_BYTES`] and its siblings) and on what parsing its XML
//!   would hold ([`MAX_XML_EVENT_BYTES`] and its siblings), so that a ZIP
//!   bomb, a declared count of 10^17 strings or a 150 MiB text node is
//!   refused before the parser sees it.
//! - [`read_table`] reads an imported file of one kind (models, figures)
//!   into its rows and the problems of the others; [`error_report`] writes
//!   the refused rows back with what is wrong beside each.
//! - [`bubble_map`] draws values per place as an inline SVG.
//! - [`strip_metadata`] leaves a photo's Exif, XMP and text (its GPS
//!   position, camera, owner) out, its image as it was.
//! - [`certificates`] and [`training_certificates`] write certificates as a
//!   PDF with its fonts embedded.
//! - [`review_docx`] and [`review_pdf`] write a review ("báo cáo sơ kết,
//!   tổng kết") in the state's format (Nghị định 30/2020/NĐ-CP) as a DOCX
//!   for Word and LibreOffice and as a PDF with its fonts embedded.
//!
//! Nothing here touches the network or the database; the only IO is the
//! temporary file rust_xlsxwriter uses per worksheet in constant-memory mode.

mod archive;
mod chart;
mod csv_file;
mod images;
mod pdf;
mod read;
mod reviews;
mod svg;
mod table;
mod text;
mod xlsx;

pub use archive::{
    MAX_COMPRESSION_RATIO, MAX_DEFINITIONS, MAX_DEFINITIONS_BYTES, MAX_ENTRIES, MAX_INFLATED_BYTES,
    MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_BYTES, MAX_STYLES_BYTES, MAX_XML_DEPTH,
    MAX_XML_EVENT_BYTES, RATIO_FREE_BYTES,
};
pub use chart::{chart, label as chart_label, ChartKind, Series};
pub use csv_file::{csv, BOM};
pub use images::strip_metadata;
pub use pdf::{certificates, training_certificates, Certificate, TrainingCertificate};
pub use read::{error_report, read_rows, read_table, MAX_CELL_CHARS, MAX_ROWS};
pub use reviews::{
    place_and_date, review_docx, review_pdf, Block as ReviewBlock, Chart as ReviewChart,
    ReviewDocument, Signer as ReviewSigner, Table as ReviewTable,
};
pub use svg::{bubble_map, escape, MapPoint};
pub use table::{column_letter, Cell, Column, FilesError, Sheet, Source};
pub use text::{extract as extract_text, MAX_PDF_PAGES};
pub use xlsx::xlsx;
