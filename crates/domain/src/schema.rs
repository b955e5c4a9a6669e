//! JSON Schemas of the text forms the parsers take, for the API document
//! (`web::openapi` derives the rest from the types). The input types hold
//! raw `Option<String>`s so that a bad value gets a Vietnamese message
//! naming its field; these schemas say what the parsers accept, so that an
//! API client (and schemathesis) knows which values are valid.
//!
//! Each named schema below is a marker type for `#[schema(value_type =
//! …)]` on a field or a query parameter (`("as_of" = Option<Day>, Query)`),
//! and mirrors one parser: keep them together.

use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;

/// A date as [`crate::time::parse_date`] takes it: `YYYY-MM-DD`, years
/// 1900 to 2100, a real day of the month (29 February in any year: the
/// parser then refuses it in common years).
pub const DATE_PATTERN: &str = "^(19[0-9]{2}|20[0-9]{2}|2100)-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-9]))$";

/// What `char::is_whitespace` trims (as `str::trim` does), inside `[…]`.
pub const TRIMMED: &str =
    "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// A period as `statistics::Period::parse` takes it: `2022-03`, `2022-Q1`,
/// `2022-H1` or `2022`, years 1990–2100.
pub const PERIOD: &str = "(199[0-9]|20[0-9]{2}|2100)(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?";

/// The code of an entry of a catalogue kept as data
/// (`catalogue::Code::parse`, trimmed).
pub(crate) fn entry_code() -> Schema {
    string_matching(format!(
        "^[{TRIMMED}]*[a-z][a-z0-9_]{{0,{}}}[{TRIMMED}]*$",
        crate::catalogue::MAX_CODE_CHARS - 1
    ))
    .build()
    .into()
}

/// A catalogue code as `statistics::parse_code` takes it.
pub const CODE: &str = "[a-z][a-z0-9_]{0,63}";

/// Declares a marker type that stands for a text form in the document.
macro_rules! text_form {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                RefOr::T($schema)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

text_form!(
    /// A date, `YYYY-MM-DD` ([`DATE_PATTERN`]).
    Day => date()
);
text_form!(
    /// A date, or null or blank for none.
    OptionalDay => optional_date()
);
text_form!(
    /// An indicator or data set code.
    Code => code()
);
text_form!(
    /// Codes, comma-separated.
    CodeList => listed(CODE, 400)
);
text_form!(
    /// Periods, comma-separated.
    PeriodList => listed(PERIOD, 600)
);
text_form!(
    /// A month of a review's period, `YYYY-MM`, or a year `YYYY` (its
    /// first month as a start, its last as an end).
    Month => string_matching("^[0-9]{4}(-(0[1-9]|1[0-2]))?$".to_string()).build().into()
);
text_form!(
    /// A year a list filters by: 1900 to 2200.
    Year => year()
);
text_form!(
    /// A span of periods that moves with the calendar
    /// (`statistics::period::span`), or `custom` for the periods given.
    Span => span()
);
text_form!(
    /// A search text of a list: at most 100 characters.
    SearchText => filter_text(100)
);
text_form!(
    /// A filter of the audit log: at most 200 characters.
    AuditFilter => filter_text(200)
);
text_form!(
    /// A new user's name.
    Username => username()
);
text_form!(
    /// A new model type's code, or null (an edit keeps the code).
    TypeCode => or_null(type_code())
);
text_form!(
    /// A model's count of members or households: 0 to a million, or null.
    Count => optional_count()
);

fn typed(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(t)
}

fn nullable(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([t, Type::Null]))
}

fn string_matching(pattern: String) -> ObjectBuilder {
    typed(Type::String).pattern(Some(pattern))
}

fn date_object() -> ObjectBuilder {
    string_matching(DATE_PATTERN.to_string())
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

fn date() -> Schema {
    date_object().build().into()
}

/// An optional date: null, or blank (only spaces) for none.
fn optional_date() -> Schema {
    AnyOfBuilder::new()
        .item(date_object())
        .item(string_matching(format!("^[{TRIMMED}]*$")))
        .item(typed(Type::Null))
        .build()
        .into()
}

pub(crate) fn period() -> Schema {
    string_matching(format!("^{PERIOD}$")).build().into()
}

fn code() -> Schema {
    string_matching(format!("^{CODE}$")).build().into()
}

/// A code list: codes of the given form, comma-separated, at most 200.
fn listed(what: &str, max_length: usize) -> Schema {
    string_matching(format!("^({what})(,({what})){{0,199}}$"))
        .max_length(Some(max_length))
        .build()
        .into()
}

pub fn code_array() -> Schema {
    array_of(code())
}

/// A new catalogue entry's code as `models::TypeCode` takes it (trimmed).
fn type_code() -> Schema {
    string_matching(format!("^[{TRIMMED}]*[a-z0-9_]{{2,40}}[{TRIMMED}]*$"))
        .build()
        .into()
}

/// A username as `accounts::Username::parse` takes it (trimmed).
fn username() -> Schema {
    string_matching(format!("^[{TRIMMED}]*[A-Za-z0-9._-]{{3,64}}[{TRIMMED}]*$"))
        .description(Some(
            "Letters, digits, `.`, `_`, `-`; stored in lower case.",
        ))
        .build()
        .into()
}

/// A text filter of a query string: trimmed, then refused if it holds a
/// control character (`char::is_control`) or is longer than `max`.
fn filter_text(max: usize) -> Schema {
    string_matching(format!(
        "^[{TRIMMED}]*[^\\x00-\\x1f\\x7f-\\x9f]{{0,{max}}}[{TRIMMED}]*$"
    ))
    .description(Some(format!(
        "At most {max} characters and no control characters, once trimmed."
    )))
    .build()
    .into()
}

/// A year: 1900 to 2200.
fn year() -> Schema {
    typed(Type::Integer)
        .minimum(Some(1900))
        .maximum(Some(2200))
        .build()
        .into()
}

/// The spans [`crate::statistics::period::span`] knows, and `custom`.
fn span() -> Schema {
    let mut all: Vec<&str> = crate::statistics::period::SPANS.to_vec();
    all.push("custom");
    one_of(&all)
}

/// A count a model may hold: 0 to `models::MAX_COUNT`, or null.
fn optional_count() -> Schema {
    nullable(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(0))
        .maximum(Some(crate::models::MAX_COUNT))
        .build()
        .into()
}

/// One of `values`.
pub fn one_of(values: &[&str]) -> Schema {
    typed(Type::String)
        .enum_values(Some(values.iter().copied()))
        .build()
        .into()
}

/// One of `values`, or absent/null (`extra` adds accepted values such as
/// `""` for "the default").
pub fn one_of_or_null(values: &[&str], extra: &[&str]) -> Schema {
    let mut all: Vec<serde_json::Value> = values
        .iter()
        .chain(extra)
        .map(|v| serde_json::Value::from(*v))
        .collect();
    all.push(serde_json::Value::Null);
    nullable(Type::String).enum_values(Some(all)).build().into()
}

/// `schema`, or null.
pub fn or_null(schema: Schema) -> Schema {
    AnyOfBuilder::new()
        .item(schema)
        .item(typed(Type::Null))
        .build()
        .into()
}

pub fn array_of(items: Schema) -> Schema {
    ArrayBuilder::new().items(RefOr::T(items)).build().into()
}
