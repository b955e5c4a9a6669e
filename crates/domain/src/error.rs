//! Refusals as every client sees them: a stable reason (`name_empty`), the
//! values it names (`{max}`), and the message built from both in
//! Vietnamese or English. The reasons and their two texts are one table,
//! `reason.rs`; this module holds the types around it.

use std::fmt;

use chrono::NaiveDate;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

pub use crate::reason::{Reason, ReasonSpec};

/// The languages messages are written in: Vietnamese first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    Vi,
    En,
}

/// A coded value a message names: its code goes to machines (in `args`),
/// its label to people, in their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

impl Term {
    pub const fn new(code: &'static str, vi: &'static str, en: &'static str) -> Self {
        Self { code, vi, en }
    }

    pub fn label(self, lang: Language) -> &'static str {
        match lang {
            Language::Vi => self.vi,
            Language::En => self.en,
        }
    }
}

/// The terms of a list of coded values ("trạng thái phải là …").
pub fn terms<T: Copy>(values: &[T], term: impl Fn(T) -> Term) -> Vec<Term> {
    values.iter().map(|v| term(*v)).collect()
}

/// Coded values of request parameters that the web layer checks, here so
/// that their codes are known to the reason table's test.
pub mod codes {
    use super::Term;

    pub const JSON: Term = Term::new("json", "JSON", "JSON");
    pub const XLSX: Term = Term::new("xlsx", "XLSX", "XLSX");
    pub const CSV: Term = Term::new("csv", "CSV", "CSV");
    pub const ICS: Term = Term::new("ics", "iCalendar", "iCalendar");
    pub const AS_WAS: Term = Term::new("as_was", "như lúc đó", "as it was");
    pub const AS_NOW: Term = Term::new("as_now", "như hiện nay", "as it is now");

    /// The orders of the model list (`sort`).
    pub const MODEL_SORTS: [Term; 4] = [
        Term::new("newest", "mới thêm trước", "newest first"),
        Term::new("name", "tên", "name"),
        Term::new(
            "founded_on",
            "ngày thành lập, cũ trước",
            "founding date, oldest first",
        ),
        Term::new(
            "-founded_on",
            "ngày thành lập, mới trước",
            "founding date, newest first",
        ),
    ];

    /// The columns of the model matrix (`columns`).
    pub const MATRIX_COLUMNS: [Term; 2] = [
        Term::new("field", "lĩnh vực", "field of the movement"),
        Term::new("type", "loại mô hình", "model type"),
    ];

    pub const ALL: [Term; 5] = [JSON, XLSX, CSV, AS_WAS, AS_NOW];
}

/// Every coded value a message may name, for the reason table's test.
pub fn all_terms() -> Vec<Term> {
    use crate::models::{ActivityKind, Rating, Status};
    use crate::statistics::{Aggregation, Approval, ApprovalAction, Calendar, PeriodType};
    use crate::statistics::{Severity, ValueUnit};
    let mut out: Vec<Term> = codes::ALL.to_vec();
    out.extend(codes::MODEL_SORTS);
    out.extend(codes::MATRIX_COLUMNS);
    out.extend(crate::org_units::Level::ALL.map(|x| x.term()));
    out.extend(crate::accounts::Role::ALL.map(|x| x.term()));
    out.extend(crate::policy::Action::ALL.map(|x| x.term()));
    out.extend(Status::ALL.map(|x| x.term()));
    out.extend(Rating::ALL.map(|x| x.term()));
    out.extend(ActivityKind::ALL.map(|x| x.term()));
    out.extend(PeriodType::ALL.map(|x| x.term()));
    out.extend(Calendar::ALL.map(|x| x.term()));
    out.extend(ValueUnit::ALL.map(|x| x.term()));
    out.extend(Aggregation::ALL.map(|x| x.term()));
    out.extend(Severity::ALL.map(|x| x.term()));
    out.extend(ApprovalAction::ALL.map(|x| x.term()));
    out.extend(Approval::ALL.map(|x| x.term()));
    {
        use crate::forces::{AreaMark, EndReason, Force, Role as TeamRole, Rule, Schooling};
        out.extend(Force::ALL.iter().map(|x| x.term()));
        out.extend(TeamRole::ALL.iter().map(|x| x.term()));
        out.extend(EndReason::ALL.iter().map(|x| x.term()));
        out.extend(Schooling::ALL.iter().map(|x| x.term()));
        out.extend(AreaMark::ALL.iter().map(|x| x.term()));
        out.extend(Rule::ALL.iter().map(|x| x.term()));
    }
    out.extend(crate::training::Topic::ALL.iter().map(|x| x.term()));
    out.extend(crate::training::Audience::ALL.iter().map(|x| x.term()));
    out
}

/// A value named by a message. In `args` (JSON) a number is a number, a
/// date `YYYY-MM-DD`, a term its code and a list of terms a list of codes;
/// in a message, a date reads dd/mm/yyyy and a term its label.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Int(i64),
    Num(f64),
    /// Text shown as it is: a name, a code someone typed, a message an
    /// administrator wrote.
    Text(String),
    Date(NaiveDate),
    Term(Term),
    /// A choice among these: "a, b hoặc c" / "a, b or c".
    Terms(Vec<Term>),
    /// A refusal inside another ("giá trị thứ 2: …").
    Reason(Box<Reason>),
}

impl Arg {
    /// How the value reads inside a message in `lang`.
    pub fn show(&self, lang: Language) -> String {
        match self {
            Arg::Int(n) => n.to_string(),
            Arg::Num(x) => show_number(*x, lang),
            Arg::Text(s) => s.clone(),
            Arg::Date(d) => crate::time::show_date(*d),
            Arg::Term(t) => t.label(lang).to_string(),
            Arg::Terms(ts) => {
                // A label with a comma is quoted, so that the list stays readable.
                let labels: Vec<String> = ts
                    .iter()
                    .map(|t| match t.label(lang) {
                        l if l.contains(',') => format!("«{l}»"),
                        l => l.to_string(),
                    })
                    .collect();
                one_of(&labels, lang)
            }
            Arg::Reason(r) => r.text(lang),
        }
    }
}

/// At most two decimals, without trailing zeros; a decimal comma in
/// Vietnamese.
fn show_number(x: f64, lang: Language) -> String {
    let s = format!("{x:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    match lang {
        Language::Vi => s.replace('.', ","),
        Language::En => s,
    }
}

/// "a, b hoặc c" / "a, b or c".
fn one_of(labels: &[String], lang: Language) -> String {
    let or = match lang {
        Language::Vi => "hoặc",
        Language::En => "or",
    };
    match labels.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
        None => String::new(),
    }
}

macro_rules! arg_from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Arg {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

arg_from! {
    i64 => |n| Arg::Int(n),
    i32 => |n| Arg::Int(i64::from(n)),
    u32 => |n| Arg::Int(i64::from(n)),
    usize => |n| Arg::Int(i64::try_from(n).unwrap_or(i64::MAX)),
    u64 => |n| Arg::Int(i64::try_from(n).unwrap_or(i64::MAX)),
    f64 => |x| Arg::Num(x),
    String => |s| Arg::Text(s),
    &str => |s| Arg::Text(s.to_string()),
    NaiveDate => |d| Arg::Date(d),
    Term => |t| Arg::Term(t),
    Vec<Term> => |ts| Arg::Terms(ts),
    Box<Reason> => |r| Arg::Reason(r),
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Int(n) => s.serialize_i64(*n),
            Arg::Num(x) => s.serialize_f64(*x),
            Arg::Text(t) => s.serialize_str(t),
            Arg::Date(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            Arg::Term(t) => s.serialize_str(t.code),
            Arg::Terms(ts) => s.collect_seq(ts.iter().map(|t| t.code)),
            Arg::Reason(r) => r.serialize(s),
        }
    }
}

/// A reason serialises as `{"reason": code, "args": {…}}` (used for one
/// nested inside another's arguments).
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("reason", self.code())?;
        m.serialize_entry("args", &Args(self.args()))?;
        m.end()
    }
}

/// The arguments of a reason as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Args(pub Vec<(&'static str, Arg)>);

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl Reason {
    /// The message in `lang`: the reason's template with its arguments.
    pub fn text(&self, lang: Language) -> String {
        render(self.template(lang), &self.args(), lang)
    }

    /// The refusal of `field`'s value for this reason.
    pub fn at(self, field: &'static str) -> DomainError {
        DomainError::new(field, self)
    }
}

impl fmt::Display for Reason {
    /// The Vietnamese message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Language::Vi))
    }
}

/// Fills `{name}` placeholders; a name without an argument stays as it is
/// (the reason table's test makes sure there is none).
pub fn render(template: &str, args: &[(&'static str, Arg)], lang: Language) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let name = after.get(1..close).unwrap_or_default();
        match args.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => out.push_str(&v.show(lang)),
            None => out.push_str(after.get(..=close).unwrap_or_default()),
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// The names of a template's `{placeholders}`, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find('}') else { break };
        out.push(after.get(..close).unwrap_or_default());
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out
}

/// A rule was broken by the input. `field` names the offending input so
/// that the web layer can point at it; `reason` says why, for machines and
/// in both languages; `message` is its Vietnamese text, kept for the
/// callers that show only Vietnamese (the CLI, the XLSX error reports).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: &'static str,
    /// Boxed: a reason's values can be large, and errors travel in every
    /// `Result`.
    pub reason: Box<Reason>,
    pub message: String,
}

impl DomainError {
    pub fn new(field: &'static str, reason: Reason) -> Self {
        Self {
            field,
            message: reason.text(Language::Vi),
            reason: Box::new(reason),
        }
    }

    /// The stable, machine-readable reason (`name_empty`).
    pub fn code(&self) -> &'static str {
        self.reason.code()
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Language) -> String {
        self.reason.text(lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in_each_language() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let args = vec![
            ("n", Arg::Int(3)),
            ("x", Arg::Num(99.5)),
            ("on", Arg::Date(d)),
            (
                "one",
                Arg::Terms(vec![
                    Term::new("a", "Một", "One"),
                    Term::new("b", "Hai", "Two"),
                    Term::new("c", "Ba", "Three"),
                ]),
            ),
        ];
        let t = "{n} · {x} · {on} · {one} · {missing}";
        assert_eq!(
            render(t, &args, Language::Vi),
            "3 · 99,5 · 01/07/2025 · Một, Hai hoặc Ba · {missing}"
        );
        assert_eq!(
            render(t, &args, Language::En),
            "3 · 99.5 · 01/07/2025 · One, Two or Three · {missing}"
        );
        assert_eq!(placeholders(t), ["n", "x", "on", "one", "missing"]);
        assert_eq!(render("{unclosed", &args, Language::Vi), "{unclosed");
        let json = serde_json::to_value(Args(args)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"n": 3, "x": 99.5, "on": "2025-07-01", "one": ["a", "b", "c"]})
        );
    }
}
