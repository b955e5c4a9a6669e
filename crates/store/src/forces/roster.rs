//! The closed rosters of the forces before July 2024, imported from a
//! file (`domain::forces::roster_file`): all of it or nothing, with a
//! preview first. The rows that share a unit, a force and a first day are
//! one roster; a roster already on record is refused rather than entered
//! twice. Members are recorded as they served: Law 30's eligibility
//! conditions did not apply to these forces. A member is the person on
//! record with the same name and birth day at the same unit, else a new
//! record (these files carry no ID numbers).

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use domain::file::{CellError, Done, Effect, Imported, Mode, Preview, ReadRows, Written};
use domain::forces::roster_file::{header, Col, RosterRow};
use domain::forces::Force;
use domain::org_units::{Level, OrgUnit};
use domain::text::fold;

use super::{province_of, record};
use crate::accounts::Scope;
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::org_units::UnitsByRef;
use crate::{Db, Tx};

/// Why a roster's members ended with it: Law 30 replaced these forces.
const ENDED_BY_LAW_30: &str =
    "Kết thúc khi Luật Lực lượng tham gia bảo vệ ANTT ở cơ sở có hiệu lực";

/// One roster of a file: its unit and rows, in file order.
struct Roster<'a> {
    unit: OrgUnit,
    /// The first row, which names the roster's days and decision.
    first: &'a RosterRow,
    rows: Vec<&'a RosterRow>,
}

impl<'a> Roster<'a> {
    fn first(&self) -> &'a RosterRow {
        self.first
    }

    fn name(&self) -> String {
        let r = self.first();
        r.team_name
            .clone()
            .unwrap_or_else(|| r.force.team_name(&self.unit.name))
    }
}

/// Reads, checks and (unless `mode` asks only for a preview) writes the
/// rosters of a file, all or none.
pub async fn import_file(
    db: &Db,
    author: Author,
    scope: Scope,
    read: ReadRows<RosterRow>,
    mode: &Mode,
) -> Result<Imported<Done<Written>>> {
    let (rows, mut errors) = match read {
        Ok(r) => r,
        Err(errors) => return Ok(Imported::Refused(errors)),
    };
    let units = UnitsByRef::load(db, scope, rows.iter().map(|r| &r.unit)).await?;
    let mut rosters: BTreeMap<(i64, &'static str, NaiveDate), Roster> = BTreeMap::new();
    for r in &rows {
        match unit_of(&units, r) {
            Ok(unit) => rosters
                .entry((unit.id, r.force.as_str(), r.team_from))
                .or_insert_with(|| Roster {
                    unit: unit.clone(),
                    first: r,
                    rows: Vec::new(),
                })
                .rows
                .push(r),
            Err(e) => errors.push(e),
        }
    }
    let mut tx = db.begin().await?;
    for roster in rosters.values() {
        errors.extend(check(&mut tx, roster).await?);
    }
    if !errors.is_empty() {
        tx.rollback().await?;
        errors.sort_by_key(|e| e.row);
        return Ok(Imported::Refused(errors));
    }
    let mut effects: Vec<(usize, String)> = rosters
        .values()
        .flat_map(|ro| {
            let name = ro.name();
            ro.rows
                .iter()
                .map(move |r| (r.row, format!("{name} · {}", r.full_name)))
        })
        .collect();
    effects.sort();
    let preview = Preview::of(
        effects
            .into_iter()
            .map(|(row, rec)| (row, rec, &Effect::New)),
    );
    let preview = match mode.gate(preview) {
        Ok(p) => p,
        Err(answer) => {
            tx.rollback().await?;
            return Ok(Imported::All(answer));
        }
    };
    for roster in rosters.values() {
        write(&mut tx, author, roster).await?;
    }
    tx.commit().await?;
    Ok(Imported::All(Done::Written(Written::from(&preview))))
}

/// The unit a row names during its roster's days, of the level its force
/// sits at (a commune for the part-time police, else a village).
fn unit_of<'u>(
    units: &'u UnitsByRef,
    r: &RosterRow,
) -> std::result::Result<&'u OrgUnit, CellError> {
    let col = match r.unit {
        domain::file::UnitRef::Id(_) => Col::UnitId,
        domain::file::UnitRef::Code { .. } => Col::UnitCode,
    };
    let unit = units
        .find_during(&r.unit, r.team_from, r.team_to)
        .ok_or_else(|| {
            CellError::new(
                r.row,
                header(col),
                "không có đơn vị này trong thời gian của tổ, đội, trong phạm vi của bạn",
            )
        })?;
    let wanted = match r.force {
        Force::PartTimePolice => Level::Commune,
        _ => Level::Village,
    };
    if unit.level == wanted {
        Ok(unit)
    } else {
        let what = if wanted == Level::Commune {
            "công an xã bán chuyên trách thuộc một xã, phường"
        } else {
            "bảo vệ dân phố, dân phòng thuộc một thôn, tổ dân phố (ghi ID đơn vị của thôn)"
        };
        Err(CellError::new(
            r.row,
            header(col),
            format!("{}: {what}", unit.name),
        ))
    }
}

/// A roster's problems: rows that disagree on its last day, a person
/// listed twice, a roster already on record.
async fn check(tx: &mut Tx, roster: &Roster<'_>) -> Result<Vec<CellError>> {
    let first = roster.first();
    let mut errors = Vec::new();
    let mut seen: Vec<(String, NaiveDate, usize)> = Vec::new();
    for r in &roster.rows {
        if r.team_to != first.team_to {
            errors.push(CellError::new(
                r.row,
                header(Col::TeamTo),
                format!("khác ngày kết thúc của tổ, đội ở dòng {}", first.row),
            ));
        }
        let who = (fold(&r.full_name), r.birth_date);
        if let Some((_, _, row)) = seen.iter().find(|(n, b, _)| (n, *b) == (&who.0, who.1)) {
            errors.push(CellError::new(
                r.row,
                header(Col::FullName),
                format!("đã có ở dòng {row} của cùng tổ, đội"),
            ));
        } else {
            seen.push((who.0, who.1, r.row));
        }
    }
    let on_record: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM security_teams WHERE org_unit_id = $1 AND force = $2 AND established_on = $3",
        roster.unit.id,
        first.force.as_str(),
        first.team_from
    )?;
    if on_record.is_some() {
        errors.push(CellError::new(
            first.row,
            header(Col::TeamFrom),
            format!("{} thành lập ngày này đã có trong sổ", roster.name()),
        ));
    }
    Ok(errors)
}

/// Writes one roster and its members, audited as one import.
async fn write(tx: &mut Tx, author: Author, roster: &Roster<'_>) -> Result<()> {
    let first = roster.first();
    let province = province_of(tx, roster.unit.id)
        .await?
        .ok_or_else(|| StoreError::Data(format!("org unit {} has no province", roster.unit.id)))?;
    let now = Utc::now();
    let name = roster.name();
    let decision = first.decision.as_deref().unwrap_or("Danh sách lưu trữ");
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO security_teams (org_unit_id, province_id, force, name, established_on,
            decision_no, ended_on, end_reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        roster.unit.id,
        province,
        first.force.as_str(),
        &name,
        first.team_from,
        decision,
        first.team_to,
        ENDED_BY_LAW_30,
        now
    )?;
    let mut members = Vec::with_capacity(roster.rows.len());
    for r in &roster.rows {
        let person = person(tx, r, roster.unit.id).await?;
        members.push(serde_json::json!({
            "person_id": person, "role": r.role.as_str(), "start_on": r.start_on, "end_on": r.end_on,
        }));
        let reason = (r.end_on == first.team_to).then_some("team_dissolved");
        execute!(
            tx,
            "INSERT INTO team_members (team_id, person_id, role, start_on, end_on, end_reason,
                decision_no, no_sanction, eligibility, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, '[]', $8, $8)",
            id,
            person,
            r.role.as_str(),
            r.start_on,
            r.end_on,
            reason,
            decision,
            now
        )?;
    }
    let audited = serde_json::json!({
        "name": name,
        "org_unit_id": roster.unit.id,
        "force": first.force.as_str(),
        "established_on": first.team_from,
        "ended_on": first.team_to,
        "members": members,
    });
    record(
        tx,
        author,
        "import",
        "security_team",
        id,
        None::<&()>,
        &audited,
    )
    .await
}

/// The person a roster row names: on record at the unit under the same
/// name and birth day, or a new record.
async fn person(tx: &mut Tx, r: &RosterRow, unit: i64) -> Result<i64> {
    let folded = fold(&r.full_name);
    let found: Option<i64> = fetch!(
        tx,
        fetch_optional,
        scalar i64,
        "SELECT id FROM people WHERE name_folded = $1 AND birth_date = $2 AND home_unit_id = $3
          ORDER BY id LIMIT 1",
        &folded,
        r.birth_date,
        unit
    )?;
    if let Some(id) = found {
        return Ok(id);
    }
    let now = Utc::now();
    Ok(fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO people (full_name, name_folded, birth_date, home_unit_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        &r.full_name,
        &folded,
        r.birth_date,
        unit,
        now
    )?)
}
