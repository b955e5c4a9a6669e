//! Reading request input: query strings and forms as string maps (so that a
//! bad value is reported with its field name), JSON bodies with our error.

use std::collections::BTreeMap;

use axum::body::Bytes;
use domain::Reason;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;

/// All values of a form or query string, repeated keys kept in order.
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(raw: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(raw)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every pair, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Fields built in code (a page's defaults).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    pub fn from_query(q: Option<&str>) -> Self {
        Self::parse(q.unwrap_or("").as_bytes())
    }

    /// The first non-empty value of `key`, trimmed.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// The first value of `key` exactly as sent (passwords).
    pub fn raw(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }

    /// A whole number, or a 400 naming the field.
    pub fn i64(&self, key: &'static str) -> Result<Option<i64>, ApiError> {
        self.get(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| ApiError::invalid(key, Reason::IntegerExpected))
            })
            .transpose()
    }

    /// A yes/no value (`true`, `1`, `yes`; `false`, `0`, `no`), or a 400.
    pub fn bool(&self, key: &'static str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some("true" | "1" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "no") => Ok(Some(false)),
            Some(_) => Err(ApiError::invalid(key, Reason::BooleanExpected)),
        }
    }

    /// A decimal number (`,` accepted as the decimal mark), or a 400.
    pub fn f64(&self, key: &'static str) -> Result<Option<f64>, ApiError> {
        self.get(key)
            .map(|v| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| ApiError::invalid(key, Reason::DecimalExpected))
            })
            .transpose()
    }

    pub fn query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            if k != "page" && !v.trim().is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// Parses a JSON body into `T`, answering malformed input with a 400.
pub fn json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        let msg = e.to_string();
        // serde names the field in "unknown field `x`" / "invalid type … at line"
        ApiError::invalid("body", Reason::JsonInvalid { detail: msg })
    })
}

/// A record's id from the path; anything else is "not found" (a bad id
/// names no record).
pub fn record_id(raw: &str) -> Result<i64, ApiError> {
    path_id(raw).map_err(|_| ApiError::not_found())
}

/// The path id, or a 400 naming `id`.
pub fn path_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|i| *i > 0)
        .ok_or_else(|| ApiError::invalid("id", Reason::IdInvalid))
}

/// What a form or filter sent, to show again: every field the form has
/// (its `names`), empty when not sent, so that its template can read each
/// one and a misspelt name fails in the tests instead of showing nothing.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Echo(BTreeMap<&'static str, Sent>);

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Sent {
    One(String),
    /// A field sent several times (checkboxes).
    All(Vec<String>),
}

impl Echo {
    pub fn of(fields: &Fields, names: &[&'static str]) -> Self {
        Echo(
            names
                .iter()
                .map(|n| (*n, Sent::One(fields.get(n).unwrap_or_default().to_owned())))
                .collect(),
        )
    }

    /// The fields of a stored record (a JSON object) to edit: numbers as
    /// written, empty for absent or null.
    pub fn of_json(record: &serde_json::Value, names: &[&'static str]) -> Self {
        let text = |v: Option<&serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        };
        Echo(
            names
                .iter()
                .map(|n| (*n, Sent::One(text(record.get(n)))))
                .collect(),
        )
    }

    /// Adds a field sent several times (every value, in order).
    pub fn with_all(mut self, fields: &Fields, name: &'static str) -> Self {
        self.0.insert(
            name,
            Sent::All(fields.all(name).map(str::to_owned).collect()),
        );
        self
    }

    /// The value sent for `name`, if the form has that field.
    pub fn get(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(Sent::One(s)) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_repeats_and_name_bad_values() {
        let f = Fields::parse(b"sources=1&sources=2&lat=20%2C5&n=x&empty=+");
        assert_eq!(f.all("sources").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(f.f64("lat").unwrap(), Some(20.5));
        assert_eq!(f.i64("n").unwrap_err().field, Some("n"));
        assert_eq!(f.get("empty"), None);
        let b = Fields::parse(b"a=true&b=0&c=null");
        assert_eq!(b.bool("a").unwrap(), Some(true));
        assert_eq!(b.bool("b").unwrap(), Some(false));
        assert_eq!(b.bool("c").unwrap_err().field, Some("c"));
        assert_eq!(b.bool("d").unwrap(), None);
        assert_eq!(path_id("0").unwrap_err().field, Some("id"));
        assert_eq!(path_id("12").unwrap(), 12);
    }
}
