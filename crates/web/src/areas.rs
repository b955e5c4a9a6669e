//! What the dashboards and lists of areas share over HTTP: the `view` of
//! the 2025 reform, an `org_unit` filter checked against the scope, and
//! the scope's own unit as the default area.

use store::org_units::areas::View;

use crate::actor::Actor;
use crate::error::ApiError;
use crate::forms::Fields;
use crate::AppState;
use domain::Reason;

/// `view` of the list and the dashboard.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) enum ViewParam {
    #[schema(rename = "as_now")]
    AsNow,
    #[schema(rename = "as_was")]
    AsWas,
}

/// The `view` a request names: as it is now unless it says otherwise.
pub(crate) fn view(f: &Fields) -> Result<View, ApiError> {
    match f.get("view") {
        None | Some("") => Ok(View::Now),
        Some(v) => View::parse(v).ok_or_else(|| {
            ApiError::invalid(
                "view",
                Reason::ViewUnknown {
                    allowed: vec![domain::error::codes::AS_NOW, domain::error::codes::AS_WAS],
                },
            )
        }),
    }
}

/// An `org_unit` filter outside the scope answers as if it did not exist.
pub(crate) async fn check_unit(
    state: &AppState,
    actor: &Actor,
    unit: Option<i64>,
) -> Result<(), ApiError> {
    if let Some(u) = unit {
        if !store::org_units::in_scope(&state.db, actor.scope(), u).await? {
            return Err(ApiError::not_found());
        }
    }
    Ok(())
}

/// The span of years a yearly dashboard asks for (`from_year`, `to_year`):
/// each within `bounds` (else 400 with `refused`), `to_year` this year by
/// default, `from_year` `default_span` years before it by default, and
/// taken within `max_span` years before `to_year` and never after it (a
/// span asked backwards is its last year) rather than refused.
pub(crate) fn year_span(
    f: &Fields,
    (min, max): (i32, i32),
    (default_span, max_span): (i32, i32),
    refused: Reason,
) -> Result<(i32, i32), ApiError> {
    use chrono::Datelike;
    let year = |key: &'static str, default: i32| -> Result<i32, ApiError> {
        let y = f.i64(key)?.unwrap_or(i64::from(default));
        i32::try_from(y)
            .ok()
            .filter(|y| (min..=max).contains(y))
            .ok_or_else(|| ApiError::invalid(key, refused.clone()))
    };
    let to_year = year("to_year", domain::time::today().year().clamp(min, max))?;
    let from_year = year("from_year", (to_year - default_span).max(min))?
        .clamp((to_year - max_span).max(min), to_year);
    Ok((from_year, to_year))
}

/// A user whose scope is one unit sees that unit's parts by default.
pub(crate) async fn only_scope_unit(
    state: &AppState,
    actor: &Actor,
) -> Result<Option<i64>, ApiError> {
    if actor.scope().user_id().is_none() {
        return Ok(None);
    }
    let units = store::accounts::scope_units(&state.db, actor.user.id).await?;
    Ok(match units.as_slice() {
        [one] => Some(one.id),
        _ => None,
    })
}

/// "Tỉnh Ninh Bình" → its police as a letterhead names it: "CÔNG AN TỈNH
/// NINH BÌNH".
pub(crate) fn police_of(unit_name: &str) -> String {
    format!("CÔNG AN {}", unit_name.to_uppercase())
}
