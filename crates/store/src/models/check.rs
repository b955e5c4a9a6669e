//! Checking the rows of an imported file against the database, in batches:
//! types by code, units by id or by code on the founding day, the scope,
//! exemplars, and duplicates within the file and against stored models.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::catalogue::{Catalogue, Owner};
use domain::file::UnitRef;
use domain::models::file::{header, header_of_field, CellError, Col, FileRow};
use domain::models::{
    founding_status, ExemplarRef, ModelRefs, ModelType, NewModel, StatusChange, StatusInput,
};
use domain::Reason;

use super::{exemplar_ref, existing_identities, identity, ImportModel};
use crate::accounts::Scope;
use crate::catalogue::{self, Hidden};
use crate::error::Result;
use crate::org_units::UnitsByRef;
use crate::Db;

/// The rows ready to write, or every problem found (never both).
pub async fn check(
    db: &Db,
    scope: Scope,
    rows: &[FileRow],
    today: NaiveDate,
) -> Result<std::result::Result<Vec<ImportModel>, Vec<CellError>>> {
    let types: HashMap<String, ModelType> = super::types::list(db, true)
        .await?
        .into_iter()
        .map(|t| (t.code.clone(), t))
        .collect();
    let units = UnitsByRef::load(db, scope, rows.iter().map(|r| &r.unit)).await?;
    let exemplars = exemplars(db, scope, rows).await?;
    let mut errors = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut seen: HashMap<(i64, i64, String), usize> = HashMap::new();
    for r in rows {
        let Some(t) = types.get(&r.type_code) else {
            errors.push(CellError::new(
                r.row,
                header(Col::TypeCode),
                format!("không có loại mô hình mã \"{}\"", r.type_code),
            ));
            continue;
        };
        let founded = r
            .input
            .founded_on
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or(today);
        let unit = units.find(&r.unit, founded);
        let refs = ModelRefs {
            model_type: Some(t),
            unit,
            exemplar: r.input.replicated_from.and_then(|id| exemplars.get(&id)),
            this: None,
        };
        let m = match NewModel::parse(&r.input, &refs, today) {
            Ok(m) => m,
            Err(e) => {
                let column = match (&r.unit, e.field) {
                    (UnitRef::Code { .. }, "org_unit_id") => header(Col::UnitCode),
                    (_, f) => header_of_field(f),
                };
                errors.push(CellError::new(r.row, column, e.message));
                continue;
            }
        };
        let key = identity(&m);
        if let Some(first) = seen.insert(key, r.row) {
            errors.push(CellError::new(
                r.row,
                header(Col::Name),
                format!("trùng với dòng {first} (cùng loại, cùng tên, cùng đơn vị)"),
            ));
            continue;
        }
        let later = match r.later {
            None => None,
            Some((status, date)) => {
                let input = StatusInput {
                    status: Some(status.as_str().into()),
                    date: Some(date.to_string()),
                    reason: Some("Nhập từ tệp".into()),
                };
                match StatusChange::parse(&input, &founding_status(m.founded_on), today) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        errors.push(CellError::new(r.row, header_of_field(e.field), e.message));
                        continue;
                    }
                }
            }
        };
        out.push((r.row, ImportModel { model: m, later }));
    }
    // Against what is stored: one query per 500 units.
    let mut unit_ids: Vec<i64> = out.iter().map(|(_, m)| m.model.org_unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let existing = existing_identities(db, &unit_ids).await?;
    let owners: HashMap<i64, Owner> = types.values().map(|t| (t.id, t.owner)).collect();
    let (provinces, hidden) = {
        let mut tx = db.begin_read().await?;
        let provinces = catalogue::provinces_of_units(&mut tx, &unit_ids).await?;
        let hidden = Hidden::load(&mut tx, Catalogue::ModelType).await?;
        tx.rollback().await?;
        (provinces, hidden)
    };
    for (row, m) in &out {
        let (t, unit) = (m.model.type_id, m.model.org_unit_id);
        let here = provinces.get(&unit).map(Vec::as_slice).unwrap_or_default();
        let owner = owners.get(&t).copied().unwrap_or(Owner::National);
        if !hidden.applies(owner, t, here) {
            errors.push(CellError::new(
                *row,
                header(Col::TypeCode),
                Reason::TypeNotUsedHere.to_string(),
            ));
            continue;
        }
        if existing.contains(&identity(&m.model)) {
            errors.push(CellError::new(
                *row,
                header(Col::Name),
                "đã có mô hình cùng loại, cùng tên tại đơn vị này",
            ));
        }
    }
    if errors.is_empty() {
        Ok(Ok(out.into_iter().map(|(_, m)| m).collect()))
    } else {
        errors.sort_by_key(|e| e.row);
        Ok(Err(errors))
    }
}

async fn exemplars(db: &Db, scope: Scope, rows: &[FileRow]) -> Result<HashMap<i64, ExemplarRef>> {
    let mut ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.input.replicated_from)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut out = HashMap::new();
    for id in ids {
        if let Some(e) = exemplar_ref(db, scope, id).await? {
            out.insert(id, e);
        }
    }
    Ok(out)
}
