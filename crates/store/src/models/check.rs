//! Checking the rows of an imported file against the database, in batches:
//! types by code, units by id or by code on the founding day, the scope,
//! exemplars, duplicates within the file, and what each row does: a new
//! model, a change to a stored one (named by its id, "Mã mô hình", or by
//! its type, unit and name), or nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::catalogue::{Catalogue, Owner};
use domain::file::{changes, Effect, FieldChange, UnitRef};
use domain::models::file::{header, header_of_field, CellError, Col, FileRow};
use domain::models::{
    founding_status, ExemplarRef, ModelId, ModelRefs, ModelType, NewModel, Status, StatusChange,
    StatusInput,
};
use domain::time::show_date;
use domain::Reason;

use super::{exemplar_ref, existing_identities, identity, ImportModel, ModelRow};
use crate::accounts::Scope;
use crate::catalogue::{self, Hidden};
use crate::error::Result;
use crate::org_units::UnitsByRef;
use crate::Db;

/// What a checked row does.
pub enum Planned {
    New(ImportModel),
    /// A stored model whose fields the row changes.
    Update {
        before: Box<ModelRow>,
        model: NewModel,
        changes: Vec<FieldChange>,
    },
    /// A stored model the row leaves as it is.
    Unchanged(ModelId),
}

/// A checked row: its number in the file and what it does.
pub struct PlannedRow {
    pub row: usize,
    pub planned: Planned,
}

impl PlannedRow {
    pub fn effect(&self) -> Effect {
        match &self.planned {
            Planned::New(_) => Effect::New,
            Planned::Update { changes, .. } => Effect::Changed(changes.clone()),
            Planned::Unchanged(_) => Effect::Unchanged,
        }
    }

    /// The record as people name it in a preview.
    pub fn record(&self) -> String {
        match &self.planned {
            Planned::New(m) => m.model.name.clone(),
            Planned::Update { before, .. } => format!("{} {}", header(Col::Id), before.id),
            Planned::Unchanged(id) => format!("{} {id}", header(Col::Id)),
        }
    }
}

/// A row read and parsed, before it is matched with what is stored.
struct Parsed<'a> {
    r: &'a FileRow,
    model: NewModel,
    /// The stored model it names: by id, or by identity.
    id: Option<ModelId>,
}

/// The rows' plan, or every problem found (never both).
pub async fn check(
    db: &Db,
    scope: Scope,
    rows: &[FileRow],
    today: NaiveDate,
) -> Result<std::result::Result<Vec<PlannedRow>, Vec<CellError>>> {
    let types: HashMap<String, ModelType> = super::types::list(db, true)
        .await?
        .into_iter()
        .map(|t| (t.code.clone(), t))
        .collect();
    let code_of: HashMap<i64, &str> = types.values().map(|t| (t.id, t.code.as_str())).collect();
    let units = UnitsByRef::load(db, scope, rows.iter().map(|r| &r.unit)).await?;
    let exemplars = exemplars(db, scope, rows).await?;
    let named: Vec<ModelId> = rows.iter().filter_map(|r| r.id).collect();
    let mut stored = super::rows_by_id(db, scope, &named).await?;
    let mut errors = Vec::new();
    let mut parsed = Vec::with_capacity(rows.len());
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
        if let Some(id) = r.id.filter(|id| !stored.contains_key(id)) {
            errors.push(CellError::new(
                r.row,
                header(Col::Id),
                format!("không có mô hình mã {id} trong phạm vi của bạn"),
            ));
            continue;
        }
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
            this: r.id,
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
        if let Some(first) = seen.insert(identity(&m), r.row) {
            errors.push(CellError::new(
                r.row,
                header(Col::Name),
                format!("trùng với dòng {first} (cùng loại, cùng tên, cùng đơn vị)"),
            ));
            continue;
        }
        parsed.push(Parsed {
            r,
            model: m,
            id: r.id,
        });
    }
    // Rows without an id name a stored model by its identity: one query
    // per 500 units, then the models they name.
    let mut unit_ids: Vec<i64> = parsed.iter().map(|p| p.model.org_unit_id).collect();
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let existing = existing_identities(db, &unit_ids).await?;
    let mut by_identity = Vec::new();
    for p in parsed.iter_mut() {
        let named = existing.get(&identity(&p.model)).copied();
        match p.id {
            None => {
                p.id = named;
                by_identity.extend(named);
            }
            // Renamed (or retyped) onto another stored model.
            Some(id) if named.is_some_and(|other| other != id) => errors.push(CellError::new(
                p.r.row,
                header(Col::Name),
                "đã có mô hình khác cùng loại, cùng tên tại đơn vị này",
            )),
            Some(_) => {}
        }
    }
    stored.extend(super::rows_by_id(db, scope, &by_identity).await?);
    let owners: HashMap<i64, Owner> = types.values().map(|t| (t.id, t.owner)).collect();
    let (provinces, hidden) = {
        let mut tx = db.begin_read().await?;
        let provinces = catalogue::provinces_of_units(&mut tx, &unit_ids).await?;
        let hidden = Hidden::load(&mut tx, Catalogue::ModelType).await?;
        tx.rollback().await?;
        (provinces, hidden)
    };
    let mut out = Vec::with_capacity(parsed.len());
    for p in parsed {
        let before = p.id.and_then(|id| stored.remove(&id));
        let (t, unit) = (p.model.type_id, p.model.org_unit_id);
        // A type is checked where it is new to the model: a model keeps a
        // type its province hid later.
        if before.as_ref().is_none_or(|b| b.type_id != t) {
            let here = provinces.get(&unit).map(Vec::as_slice).unwrap_or_default();
            let owner = owners.get(&t).copied().unwrap_or(Owner::National);
            if !hidden.applies(owner, t, here) {
                errors.push(CellError::new(
                    p.r.row,
                    header(Col::TypeCode),
                    Reason::TypeNotUsedHere.to_string(),
                ));
                continue;
            }
        }
        let planned = match before {
            Some(before) => match plan_update(p.r, before, p.model, &code_of) {
                Ok(planned) => planned,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            None => match later_status(p.r, &p.model, today) {
                Ok(later) => Planned::New(ImportModel {
                    model: p.model,
                    later,
                }),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
        };
        out.push(PlannedRow {
            row: p.r.row,
            planned,
        });
    }
    if errors.is_empty() {
        Ok(Ok(out))
    } else {
        errors.sort_by_key(|e| e.row);
        Ok(Err(errors))
    }
}

/// A new model's status from a later day, as the file states it.
fn later_status(
    r: &FileRow,
    m: &NewModel,
    today: NaiveDate,
) -> std::result::Result<Option<StatusChange>, CellError> {
    let Some((status, date)) = r.later else {
        return Ok(None);
    };
    let input = StatusInput {
        status: Some(status.as_str().into()),
        date: Some(date.to_string()),
        reason: Some("Nhập từ tệp".into()),
    };
    StatusChange::parse(&input, &founding_status(m.founded_on), today)
        .map(Some)
        .map_err(|e| CellError::new(r.row, header_of_field(e.field), e.message))
}

/// A row that names a stored model: what it changes. The model stays at
/// its unit, and its status changes on its page, where the reason is
/// written: a file that states another status is refused.
fn plan_update(
    r: &FileRow,
    before: ModelRow,
    model: NewModel,
    code_of: &HashMap<i64, &str>,
) -> std::result::Result<Planned, CellError> {
    if model.org_unit_id != before.org_unit_id {
        let column = match r.unit {
            UnitRef::Code { .. } => header(Col::UnitCode),
            UnitRef::Id(_) => header(Col::UnitId),
        };
        return Err(CellError::new(
            r.row,
            column,
            format!(
                "{} (mô hình {} ở {}): mô hình chuyển nơi là một mô hình mới",
                Reason::ModelUnitFixed,
                before.id,
                before.org_unit_name
            ),
        ));
    }
    let stored_status = Status::parse("status", &before.status).ok();
    let status_differs = r.status.is_some_and(|s| Some(s) != stored_status)
        || r.later.is_some_and(|(_, d)| d != before.status_since);
    if status_differs {
        return Err(CellError::new(
            r.row,
            header(Col::Status),
            "tệp không đổi trạng thái của mô hình đã có: đổi trạng thái trên trang của mô hình (kèm lý do)",
        ));
    }
    let changes = model_changes(&before, &model, code_of);
    Ok(if changes.is_empty() {
        Planned::Unchanged(before.id)
    } else {
        Planned::Update {
            before: Box::new(before),
            model,
            changes,
        }
    })
}

/// The fields a file changes on a stored model, as the file writes them.
fn model_changes(
    before: &ModelRow,
    after: &NewModel,
    code_of: &HashMap<i64, &str>,
) -> Vec<FieldChange> {
    let text = |s: &Option<String>| s.clone().unwrap_or_default();
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let day = |d: Option<NaiveDate>| d.map(show_date).unwrap_or_default();
    let code = |id: i64| code_of.get(&id).copied().unwrap_or_default().to_string();
    changes([
        (
            header(Col::TypeCode),
            code(before.type_id),
            code(after.type_id),
        ),
        (header(Col::Name), before.name.clone(), after.name.clone()),
        (
            header(Col::FoundedOn),
            show_date(before.founded_on),
            show_date(after.founded_on),
        ),
        (
            header(Col::DecisionNo),
            text(&before.decision_no),
            text(&after.decision.number),
        ),
        (
            header(Col::DecisionDate),
            day(before.decision_date),
            day(after.decision.date),
        ),
        (
            header(Col::DecisionIssuer),
            text(&before.decision_issuer),
            text(&after.decision.issuer),
        ),
        (
            header(Col::Members),
            num(before.members),
            num(after.members),
        ),
        (
            header(Col::Households),
            num(before.households),
            num(after.households),
        ),
        (
            header(Col::LeaderName),
            text(&before.leader_name),
            text(&after.leader_name),
        ),
        (
            header(Col::LeaderRole),
            text(&before.leader_role),
            text(&after.leader_role),
        ),
        (
            header(Col::Partners),
            text(&before.partners),
            text(&after.partners),
        ),
        (
            header(Col::Tags),
            before.tag_list().join("; "),
            after.tags.join("; "),
        ),
        (
            header(Col::ReplicatedFrom),
            num(before.replicated_from),
            num(after.replicated_from),
        ),
    ])
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
