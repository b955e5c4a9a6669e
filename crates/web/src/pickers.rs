//! Choosing a unit or a model by what people know of it: a name typed
//! with or without diacritics, a national code, or a suggestion picked
//! from the list the page offers as one types. Never an internal id.
//!
//! A suggestion is written [`unit_label`] (`Phường Nam Định, Tỉnh Ninh
//! Bình (13669)`; a village, which has no code: `Thôn Đông, Phường Nam
//! Định`) and read back by [`resolve_unit`], which also takes the code
//! alone or the name alone when only one unit in the scope carries it.
//! `static/app.js` writes the same labels from `/api/v1/org-units`.

use domain::text::fold;
use domain::Reason;
use store::org_units::{ListQuery, UnitView};

use crate::actor::Actor;
use crate::error::ApiError;
use crate::AppState;

/// The most units a name may match before the person is asked to say more.
const CANDIDATES: usize = 20;

/// How a unit is written in a picker. Only a unit that exists today shows
/// its code: codes were reused after the 2025 reform, so a legacy commune
/// is named with its district instead.
pub fn unit_label(u: &UnitView) -> String {
    let mut s = u.unit.name.clone();
    if let Some(p) = &u.parent_name {
        s.push_str(", ");
        s.push_str(p);
    }
    let current = u.unit.valid_to.is_none_or(|t| t >= domain::time::today());
    if let (Some(c), true) = (&u.unit.code, current) {
        s.push_str(&format!(" ({c})"));
    }
    s
}

/// What a typed text says of a unit.
#[derive(Debug, PartialEq)]
enum UnitText<'a> {
    /// A national code: `13669`, or a label's `(13669)`.
    Code(&'a str),
    /// A name, and the name of its parent when given after a comma.
    Name {
        name: &'a str,
        parent: Option<&'a str>,
    },
}

fn parse_unit_text(s: &str) -> Option<UnitText<'_>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let is_code = |c: &str| !c.is_empty() && c.len() <= 5 && c.bytes().all(|b| b.is_ascii_digit());
    if is_code(s) {
        return Some(UnitText::Code(s));
    }
    if let Some(code) = s
        .strip_suffix(')')
        .and_then(|r| r.rsplit_once('('))
        .map(|(_, c)| c.trim())
        .filter(|c| is_code(c))
    {
        return Some(UnitText::Code(code));
    }
    Some(match s.split_once(',') {
        Some((name, parent)) => UnitText::Name {
            name: name.trim(),
            parent: Some(parent.trim()).filter(|p| !p.is_empty()),
        },
        None => UnitText::Name {
            name: s,
            parent: None,
        },
    })
}

/// The unit `text` names within the actor's scope, or a refusal on
/// `field` that says why (none, or several: which ones).
pub async fn resolve_unit(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    text: &str,
) -> Result<i64, ApiError> {
    resolve_unit_in(state, actor.scope(), field, text).await
}

/// The same within `scope` (`Scope::All`: anywhere, for a target that may
/// lie outside the user's own, as where a tip is forwarded).
pub async fn resolve_unit_in(
    state: &AppState,
    scope: store::accounts::Scope,
    field: &'static str,
    text: &str,
) -> Result<i64, ApiError> {
    let not_found = || {
        ApiError::invalid(
            field,
            Reason::UnitTextUnknown {
                text: text.trim().chars().take(80).collect(),
            },
        )
    };
    let Some(parsed) = parse_unit_text(text) else {
        return Err(not_found());
    };
    let (name, parent) = match parsed {
        UnitText::Code(c) => return unit_by_code(state, scope, c).await?.ok_or_else(not_found),
        UnitText::Name { name, parent } => (name, parent.map(fold)),
    };
    let search = name;
    let name = fold(name);
    let q = ListQuery {
        q: Some(search.to_owned()),
        page: domain::page::Page {
            page: 1,
            per_page: 100,
        },
        ..ListQuery::default()
    };
    let (found, _) = store::org_units::list(&state.db, scope, &q).await?;
    let today = domain::time::today();
    let mut matches: Vec<&UnitView> = found
        .iter()
        .filter(|u| {
            (fold(&u.unit.name) == name || fold(&u.unit.short_name) == name)
                && parent
                    .as_ref()
                    .is_none_or(|p| u.parent_name.as_deref().map(fold).as_ref() == Some(p))
        })
        .collect();
    // A code or a name carried before and after the 2025 reform: today's.
    if matches.len() > 1 {
        let current: Vec<&UnitView> = matches
            .iter()
            .copied()
            .filter(|u| u.unit.valid_to.is_none_or(|t| t >= today))
            .collect();
        if !current.is_empty() {
            matches = current;
        }
    }
    match matches.as_slice() {
        [one] => Ok(one.unit.id),
        [] => Err(not_found()),
        several => Err(ApiError::invalid(
            field,
            Reason::UnitTextAmbiguous {
                text: text.trim().chars().take(80).collect(),
                candidates: several
                    .iter()
                    .take(CANDIDATES)
                    .map(|u| unit_label(u))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        )),
    }
}

/// The unit that carries a national code today (two digits: a province;
/// five: a commune), if the scope reaches it.
async fn unit_by_code(
    state: &AppState,
    scope: store::accounts::Scope,
    code: &str,
) -> Result<Option<i64>, ApiError> {
    use domain::org_units::Level;
    let level = if code.len() <= 2 {
        Level::Province
    } else {
        Level::Commune
    };
    let code = format!(
        "{code:0>width$}",
        width = if level == Level::Province { 2 } else { 5 }
    );
    let today = domain::time::today();
    let Some(unit) = store::org_units::resolve_code(&state.db, level, &code, today).await? else {
        return Ok(None);
    };
    let reached = store::org_units::in_scope(&state.db, scope, unit.id).await?;
    Ok(reached.then_some(unit.id))
}

/// Several units, one per line or separated by `;`.
pub async fn resolve_units(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    text: &str,
) -> Result<Vec<i64>, ApiError> {
    let mut out = Vec::new();
    for part in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let id = resolve_unit(state, actor, field, part).await?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Units as a box of several shows them: labels separated by `; `.
/// The label of a unit in the scope, for a form or a filter that carries
/// its id (none when absent or out of scope).
pub async fn unit_label_of(
    state: &AppState,
    actor: &Actor,
    unit: Option<i64>,
) -> Result<Option<String>, ApiError> {
    Ok(match unit {
        Some(u) => store::org_units::get(&state.db, actor.scope(), u)
            .await?
            .map(|v| unit_label(&v)),
        None => None,
    })
}

pub async fn unit_labels(state: &AppState, actor: &Actor, ids: &[i64]) -> Result<String, ApiError> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(v) = store::org_units::get(&state.db, actor.scope(), *id).await? {
            out.push(unit_label(&v));
        }
    }
    Ok(out.join("; "))
}

/// How a model is written in the replication picker: `Tên — Đơn vị`.
pub fn model_label(name: &str, unit: &str) -> String {
    format!("{name} — {unit}")
}

/// The exemplar model `text` names within the actor's scope (its name, and
/// its unit's after ` — ` when several share the name).
pub async fn resolve_model(
    state: &AppState,
    actor: &Actor,
    field: &'static str,
    text: &str,
) -> Result<i64, ApiError> {
    let text = text.trim();
    let (name, unit) = match text.rsplit_once(" — ") {
        Some((n, u)) => (n.trim(), Some(fold(u))),
        None => (text, None),
    };
    let q = store::models::ModelQuery {
        q: Some(name.chars().take(100).collect()),
        page: domain::page::Page {
            page: 1,
            per_page: 100,
        },
        ..Default::default()
    };
    let (found, _) = store::models::query::list(&state.db, actor.scope(), &q).await?;
    let want = fold(name);
    let matches: Vec<_> = found
        .iter()
        .filter(|m| fold(&m.name) == want)
        .filter(|m| unit.as_ref().is_none_or(|u| fold(&m.org_unit_name) == *u))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.id),
        [] => Err(ApiError::invalid(
            field,
            Reason::ModelTextUnknown {
                text: text.chars().take(80).collect(),
            },
        )),
        several => Err(ApiError::invalid(
            field,
            Reason::UnitTextAmbiguous {
                text: text.chars().take(80).collect(),
                candidates: several
                    .iter()
                    .take(CANDIDATES)
                    .map(|m| model_label(&m.name, &m.org_unit_name))
                    .collect::<Vec<_>>()
                    .join("; "),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_texts_are_read_as_people_write_them() {
        assert_eq!(parse_unit_text(" 13669 "), Some(UnitText::Code("13669")));
        assert_eq!(
            parse_unit_text("Phường Nam Định, Tỉnh Ninh Bình (13669)"),
            Some(UnitText::Code("13669"))
        );
        assert_eq!(
            parse_unit_text("Thôn Đông, Phường Nam Định"),
            Some(UnitText::Name {
                name: "Thôn Đông",
                parent: Some("Phường Nam Định")
            })
        );
        assert_eq!(
            parse_unit_text("phuong nam dinh"),
            Some(UnitText::Name {
                name: "phuong nam dinh",
                parent: None
            })
        );
        assert_eq!(parse_unit_text("   "), None);
        // Not a code: too long, or letters in the brackets.
        assert!(matches!(
            parse_unit_text("1234567"),
            Some(UnitText::Name { .. })
        ));
        assert!(matches!(
            parse_unit_text("Tổ 5 (cũ)"),
            Some(UnitText::Name { .. })
        ));
    }
}
