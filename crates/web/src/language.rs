//! The language a request is answered in, for the messages of refusals.
//!
//! The `lang` cookie wins when it is there: it is the choice a person made
//! in the interface (`/lang`), and a browser's own `Accept-Language` (often
//! English on a Vietnamese officer's machine) must not override it, on
//! pages or on the API calls its pages make. Without the cookie, an API
//! request (`/api/…`) takes `Accept-Language` (`en` → English); pages stay
//! Vietnamese, as their interface does (`i18n::Lang`). Vietnamese when
//! nothing says otherwise.
//!
//! The middleware runs every request inside a task-local holding that
//! language, so `ApiError` writes its message in it without each handler
//! passing the language along.

use axum::extract::Request;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use crate::i18n::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered; Vietnamese outside one.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Runs the rest of the request in its language.
pub async fn scope(req: Request, next: Next) -> Response {
    let lang = of_request(req.headers(), req.uri().path());
    LANG.scope(lang, next.run(req)).await
}

/// The cookie, else `Accept-Language` on the API, else Vietnamese.
pub fn of_request(headers: &HeaderMap, path: &str) -> Lang {
    if let Some(lang) = crate::security::cookie(headers, "lang").and_then(|v| Lang::parse(&v)) {
        return lang;
    }
    if !path.starts_with("/api/") {
        return Lang::default();
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or_else(Lang::default, accepted)
}

/// The best of Vietnamese and English by an `Accept-Language` value:
/// the higher quality wins, the earlier on a tie; a language not named
/// (and not matched by `*`) or with `q=0` is not acceptable. Vietnamese
/// when neither is.
pub fn accepted(value: &str) -> Lang {
    let mut best: Option<(Lang, u32)> = None;
    let mut star: Option<u32> = None;
    let mut named = Vec::new();
    for item in value.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .next()
            .map_or(Some(1000), quality);
        let Some(q) = q else { continue };
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "vi" => Lang::Vi,
            "en" => Lang::En,
            "*" => {
                star = star.or(Some(q));
                continue;
            }
            _ => continue,
        };
        if named.contains(&lang) {
            continue;
        }
        named.push(lang);
        if q > 0 && best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    // `*` stands for the languages not named: Vietnamese first.
    if let Some(q) = star.filter(|q| *q > 0) {
        for lang in [Lang::Vi, Lang::En] {
            if !named.contains(&lang) && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
    }
    best.map_or_else(Lang::default, |(l, _)| l)
}

/// A quality value in thousandths (`0.8` → 800); `None` when malformed.
fn quality(s: &str) -> Option<u32> {
    let s = s.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    let q = whole * 1000 + frac;
    (q <= 1000).then_some(q)
}

impl From<Lang> for domain::Language {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Vi => domain::Language::Vi,
            Lang::En => domain::Language::En,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_quality() {
        for (header, want) in [
            ("en", Lang::En),
            ("en-US,en;q=0.9", Lang::En),
            ("EN-gb", Lang::En),
            ("vi", Lang::Vi),
            ("vi-VN,vi;q=0.9,en;q=0.8", Lang::Vi),
            ("en;q=0.5, vi;q=0.8", Lang::Vi),
            ("vi;q=0.5, en;q=0.8", Lang::En),
            ("fr, en;q=0.3", Lang::En),
            ("fr, de", Lang::Vi),
            ("en;q=0", Lang::Vi),
            ("en;q=0.000, *;q=0.1", Lang::Vi),
            ("*", Lang::Vi),
            ("fr, *;q=0.5, vi;q=0.1", Lang::En),
            ("en;q=2", Lang::Vi),
            ("en;q=abc, vi", Lang::Vi),
            ("", Lang::Vi),
            ("en, vi", Lang::En),
            ("vi, en", Lang::Vi),
        ] {
            assert_eq!(accepted(header), want, "{header}");
        }
    }

    #[test]
    fn the_cookie_wins_and_pages_ignore_the_header() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
        assert_eq!(of_request(&h, "/api/v1/models"), Lang::En);
        assert_eq!(of_request(&h, "/models"), Lang::Vi);
        h.insert(header::COOKIE, "lang=vi".parse().unwrap());
        assert_eq!(of_request(&h, "/api/v1/models"), Lang::Vi);
        h.insert(header::COOKIE, "lang=en".parse().unwrap());
        assert_eq!(of_request(&h, "/models"), Lang::En);
        assert_eq!(current(), Lang::Vi);
    }
}
