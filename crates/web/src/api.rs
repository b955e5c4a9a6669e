//! Shapes the API's answers share, typed so that the OpenAPI document
//! (`openapi.rs`) is derived from what the handlers send.
//!
//! The types below marked `allow(dead_code)` are never built: they
//! describe query parameters, which the handlers read from the raw query
//! string (`forms::Fields`, for messages that name the field).

use serde::Serialize;
use utoipa::ToSchema;

/// A whole list, or one page of it with the count of all matches.
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> List<T> {
    /// All of `items`.
    pub fn all(items: Vec<T>) -> Self {
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        List { items, total }
    }
}

/// Items without a count (short histories).
#[derive(Debug, Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Every refusal: a stable class and reason for programs, a message for
/// people in the request's language, the values the reason names, and the
/// input field at fault, if one is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    pub error: ProblemBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemBody {
    /// The class of refusal: `invalid`, `not_found`, `forbidden`,
    /// `conflict`, `unauthorized`, `busy`, `unavailable`, `timeout` …
    #[schema(example = "invalid")]
    pub code: &'static str,
    /// Why, precisely and stably (snake_case), e.g. `name_empty`,
    /// `status_unknown`, `role_not_allowed`, `not_found`: test this one,
    /// not the message.
    #[schema(example = "name_too_long")]
    pub reason: &'static str,
    /// The reason for people: Vietnamese, or English for a request with
    /// `Accept-Language: en` (the `lang` cookie, when sent, decides).
    #[schema(example = "tên dài quá 200 ký tự")]
    pub message: String,
    /// The values the reason names: numbers, texts, dates as
    /// `YYYY-MM-DD`, codes of coded values (a list of codes for a choice
    /// among them), a nested `{"reason", "args"}` for a refusal inside
    /// another.
    #[schema(value_type = Object, example = json!({"max": 200}))]
    pub args: domain::error::Args,
    pub field: Option<&'static str>,
}

/// The paging parameters every paged list reads (`domain::page::Page`).
/// Only described here: the handlers read them from the raw query string.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageParams {
    /// Page, from 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    page: Option<u32>,
    /// Rows per page (default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<u32>,
}

/// `format` of an audit search: the page as JSON, or every match as CSV.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum JsonOrCsv {
    Json,
    Csv,
}

/// `format` of a list: JSON, or the whole list as an XLSX or CSV file.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum FileFormat {
    Json,
    Xlsx,
    Csv,
}

/// `report=xlsx`: on refusal, answer with the XLSX error report.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ReportFormat {
    Xlsx,
}

/// The MIME type of an XLSX file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
