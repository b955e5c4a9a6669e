//! The one place that says which units a user's scope reaches: the units
//! of their scope and everything below them, across the 2025 mapping
//! (`org_unit_reach`, which holds each unit's ancestors in both trees).
//! Every scoped query takes its clause from here; who may act at all is
//! `domain::policy`'s to say.

use domain::org_units::OrgUnit;

use crate::accounts::Scope;
use crate::error::{Result, StoreError};
use crate::{Arg, Tx};

/// The ids of the units user `n` (a placeholder such as `$3`) reaches, as
/// a subquery.
pub(crate) fn reached_units(n: &str) -> String {
    format!(
        "SELECT r.unit_id FROM org_unit_reach r
         JOIN user_scopes s ON s.org_unit_id = r.ancestor_id WHERE s.user_id = {n}"
    )
}

/// `col` names a unit that user `n` reaches. Written as `IN` a subquery
/// so that both planners read the scope's units once, as a semi-join.
pub(crate) fn unit_in_scope(col: &str, n: &str) -> String {
    format!("{col} IN ({})", reached_units(n))
}

/// `unit_in_scope` for a list read newest first with a limit: on
/// PostgreSQL the units are one array computed once (`= ANY(ARRAY(…))`),
/// so that its planner walks the list's index and tests each row against
/// it until the page is full, instead of joining every row of the table
/// to the scope and sorting them (a province's first page of 100,000 tips:
/// 61 ms as a semi-join).
pub(crate) fn unit_in_scope_indexed(pg: bool, col: &str, n: &str) -> String {
    if pg {
        format!("{col} = ANY(ARRAY({}))", reached_units(n))
    } else {
        unit_in_scope(col, n)
    }
}

/// The same, where `n` binds NULL for an unscoped user (administrators).
/// Lists with a user should prefer [`unit_in_scope`]: the `IS NULL OR`
/// keeps the planners from reading the scope as a semi-join.
pub(crate) fn unit_in_scope_or_unscoped(col: &str, n: &str) -> String {
    format!("({n} IS NULL OR {})", unit_in_scope(col, n))
}

/// Whether `user`'s scope reaches `unit`.
pub(crate) async fn reaches(tx: &mut Tx, user: i64, unit: i64) -> Result<bool> {
    let sql = format!("SELECT 1 WHERE {}", unit_in_scope("$2", "$1"));
    let hit: Option<i32> = fetch!(tx, fetch_optional, scalar i32, &sql, user, unit)?;
    Ok(hit.is_some())
}

/// The unit, if the scope reaches it; otherwise "not found" (as absent).
pub(crate) async fn unit(tx: &mut Tx, scope: Scope, id: i64) -> Result<OrgUnit> {
    if let Some(user) = scope.user_id() {
        if !reaches(tx, user, id).await? {
            return Err(StoreError::NotFound);
        }
    }
    crate::org_units::select_where_tx(tx, "u.id = $1", vec![Arg::I64(Some(id))])
        .await?
        .into_iter()
        .next()
        .map(|v| v.unit)
        .ok_or(StoreError::NotFound)
}

/// `col` names a unit whose records of the shared kinds (documents,
/// partner organisations, programmes, catalogue entries) user `n` sees:
/// one of their scope, one under it, or one above it (a commune reads its
/// province's directives and plans), across the 2025 mapping. NULL
/// (national) is everyone's. These records belong to provinces and
/// communes only, so the units above are looked up from those levels, not
/// from every village the scope reaches.
pub(crate) fn visible_unit(col: &str, n: &str) -> String {
    format!("({col} IS NULL OR {col} IN ({}))", visible_units(n))
}

/// `visible_unit` for a list that PostgreSQL reads through indexes (the
/// register's search): there the units are one array computed once
/// (`= ANY(ARRAY(…))`), which its planner intersects with the full-text
/// index instead of testing the match on every row it walks (a province's
/// broad search: 46–160 ms → 21–28 ms at 100,000 documents).
pub(crate) fn visible_unit_indexed(pg: bool, col: &str, n: &str) -> String {
    if pg {
        format!(
            "({col} IS NULL OR {col} = ANY(ARRAY({})))",
            visible_units(n)
        )
    } else {
        visible_unit(col, n)
    }
}

fn visible_units(n: &str) -> String {
    format!(
        "SELECT t.ancestor_id FROM org_unit_tree t
          WHERE t.unit_id IN (SELECT r.unit_id FROM org_unit_reach r
                                JOIN user_scopes s ON s.org_unit_id = r.ancestor_id
                                JOIN org_units ru ON ru.id = r.unit_id
                               WHERE s.user_id = {n}
                                 AND ru.level IN ('province', 'district', 'commune'))"
    )
}

/// Refuses a scope that may not write a record of the shared kinds at
/// `unit` (`None`: national): 403 for a national one (the unscoped
/// administrators keep those, as they keep the national catalogue), 404
/// for a unit the scope does not reach.
pub(crate) async fn may_write_at(tx: &mut Tx, scope: Scope, unit: Option<i64>) -> Result<()> {
    let Some(user) = scope.user_id() else {
        return Ok(());
    };
    match unit {
        None => Err(StoreError::Forbidden),
        Some(u) if reaches(tx, user, u).await? => Ok(()),
        Some(_) => Err(StoreError::NotFound),
    }
}
