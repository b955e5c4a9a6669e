//! A programme's activities, reported by any party within its scope: the
//! police (no organisation, or on behalf of a party), or a partner's
//! account for its own organisation only, on programmes it is party to.
//! Within the programme's period and area; audited; with files (photos,
//! minutes) kept like the register's.

use chrono::{DateTime, NaiveDate, Utc};
use domain::programs::NewActivity;
use domain::Reason;
use serde::Serialize;

use super::{invalid, read_tx, record, Reader};
use crate::audit::Author;
use crate::error::{Result, StoreError};
use crate::{Db, Tx};

/// Who reports: the police, or a partner's account for its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    Police,
    Partner(i64),
}

/// An activity as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub program_id: i64,
    /// The party that held it (none: the police).
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub held_on: NaiveDate,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    pub place: Option<String>,
    #[schema(value_type = domain::programs::ActivityKind)]
    pub kind: String,
    pub participants: Option<i64>,
    pub result: Option<String>,
    pub files: i32,
}

const SELECT_ACTIVITY: &str = "SELECT a.id, a.program_id, a.organisation_id,
        o.name AS organisation_name, a.held_on, a.org_unit_id, u.name AS org_unit_name, a.place,
        a.kind, a.participants, a.result, a.files
   FROM program_activities a
   JOIN org_units u ON u.id = a.org_unit_id
   LEFT JOIN partner_organisations o ON o.id = a.organisation_id";

/// A visible programme's activities, latest first (at most `limit`).
pub async fn list(db: &Db, reader: &Reader, program: i64, limit: i64) -> Result<Vec<ActivityRow>> {
    let mut tx = db.begin_read().await?;
    read_tx(&mut tx, reader, program).await?;
    let rows = fetch!(
        tx,
        fetch_all,
        ActivityRow,
        &format!(
            "{SELECT_ACTIVITY} WHERE a.program_id = $1 ORDER BY a.held_on DESC, a.id DESC LIMIT $2"
        ),
        program,
        limit
    )?;
    tx.rollback().await?;
    Ok(rows)
}

/// Records an activity of a programme.
pub async fn add(
    db: &Db,
    author: Author,
    reader: &Reader,
    reporter: Reporter,
    program: i64,
    a: &NewActivity,
) -> Result<ActivityRow> {
    let mut tx = db.begin().await?;
    let g = read_tx(&mut tx, reader, program).await?;
    if a.held_on < g.starts_on || a.held_on > g.ends_on {
        return Err(invalid(
            "held_on",
            Reason::ActivityOutsidePeriod {
                from: g.starts_on,
                to: g.ends_on,
            },
        ));
    }
    let unit = a
        .org_unit_id
        .or(g.org_unit_id)
        .ok_or_else(|| invalid("org_unit_id", Reason::ActivityOutsideArea))?;
    if let Some(area) = g.org_unit_id {
        let inside: Option<i32> = fetch!(
            tx,
            fetch_optional,
            scalar i32,
            "SELECT 1 FROM org_unit_reach WHERE ancestor_id = $1 AND unit_id = $2",
            area,
            unit
        )?;
        if inside.is_none() {
            return Err(invalid("org_unit_id", Reason::ActivityOutsideArea));
        }
    }
    // The place must be the reporter's to report on, as any write.
    crate::scope::unit(&mut tx, reader.scope, unit).await?;
    let organisation = party(&mut tx, reporter, program, a.organisation_id).await?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO program_activities (program_id, organisation_id, held_on, org_unit_id, place,
            kind, participants, result, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        program,
        organisation,
        a.held_on,
        unit,
        a.place.as_deref(),
        a.kind.as_str(),
        a.participants,
        a.result.as_deref(),
        author.user_id(),
        now
    )?;
    let row = activity_tx(&mut tx, program, id).await?;
    record(
        &mut tx,
        author,
        "activity",
        "program",
        program,
        None::<&()>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The organisation an activity is recorded for: a partner's own (it may
/// name no other), or for the police none or a party of the programme.
async fn party(
    tx: &mut Tx,
    reporter: Reporter,
    program: i64,
    named: Option<i64>,
) -> Result<Option<i64>> {
    let org = match (reporter, named) {
        (Reporter::Partner(own), None) => own,
        (Reporter::Partner(own), Some(n)) if n == own => own,
        (Reporter::Partner(_), Some(_)) => {
            return Err(invalid("organisation_id", Reason::ActivityPartyInvalid))
        }
        (Reporter::Police, None) => return Ok(None),
        (Reporter::Police, Some(n)) => n,
    };
    // A party, or continuing one (the 2025 successor of a legacy party).
    let lineage = crate::partners::lineage_tx(tx, org).await?;
    let parties: Vec<i64> = fetch!(
        tx,
        fetch_all,
        scalar i64,
        "SELECT organisation_id FROM program_parties WHERE program_id = $1",
        program
    )?;
    if lineage.iter().any(|o| parties.contains(o)) {
        Ok(Some(org))
    } else {
        Err(invalid("organisation_id", Reason::ActivityPartyInvalid))
    }
}

pub(crate) async fn activity_tx(tx: &mut Tx, program: i64, id: i64) -> Result<ActivityRow> {
    fetch!(
        tx,
        fetch_optional,
        ActivityRow,
        &format!("{SELECT_ACTIVITY} WHERE a.id = $1 AND a.program_id = $2"),
        id,
        program
    )?
    .ok_or(StoreError::NotFound)
}

/// A file of an activity as its page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ActivityFileRow {
    pub id: i64,
    pub activity_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

/// Attaches a file to an activity: by whoever may report it (a partner
/// to its own organisation's activities only).
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    db: &Db,
    author: Author,
    reader: &Reader,
    reporter: Reporter,
    program: i64,
    activity: i64,
    f: &crate::documents::files::NewFile<'_>,
) -> Result<ActivityFileRow> {
    let mut tx = db.begin().await?;
    read_tx(&mut tx, reader, program).await?;
    let a = activity_tx(&mut tx, program, activity).await?;
    crate::scope::unit(&mut tx, reader.scope, a.org_unit_id).await?;
    if let Reporter::Partner(own) = reporter {
        if a.organisation_id != Some(own) {
            return Err(StoreError::Forbidden);
        }
    }
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO program_activity_files (activity_id, name, content_type, size, sha256,
            content, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        activity,
        f.name,
        f.content_type,
        i64::try_from(f.content.len()).unwrap_or(i64::MAX),
        f.sha256,
        f.content,
        author.user_id(),
        Utc::now()
    )?;
    execute!(
        tx,
        "UPDATE program_activities SET files = files + 1, updated_at = $2 WHERE id = $1",
        activity,
        Utc::now()
    )?;
    let row: ActivityFileRow = fetch!(
        tx,
        fetch_one,
        ActivityFileRow,
        "SELECT id, activity_id, name, content_type, size, created_at
           FROM program_activity_files WHERE id = $1",
        id
    )?;
    record(
        &mut tx,
        author,
        "activity_file",
        "program",
        program,
        None::<&()>,
        &row,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// An activity's files.
pub async fn files(
    db: &Db,
    reader: &Reader,
    program: i64,
    activity: i64,
) -> Result<Vec<ActivityFileRow>> {
    let mut tx = db.begin_read().await?;
    read_tx(&mut tx, reader, program).await?;
    activity_tx(&mut tx, program, activity).await?;
    let rows = fetch!(
        tx,
        fetch_all,
        ActivityFileRow,
        "SELECT id, activity_id, name, content_type, size, created_at
           FROM program_activity_files WHERE activity_id = $1 ORDER BY id",
        activity
    )?;
    tx.rollback().await?;
    Ok(rows)
}

/// A file's name, type and content, if its programme is visible.
pub async fn content(
    db: &Db,
    reader: &Reader,
    program: i64,
    activity: i64,
    file: i64,
) -> Result<Option<(String, String, Vec<u8>)>> {
    let mut tx = db.begin_read().await?;
    match read_tx(&mut tx, reader, program).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    }
    #[derive(sqlx::FromRow)]
    struct File {
        name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let f: Option<File> = fetch!(
        tx,
        fetch_optional,
        File,
        "SELECT f.name, f.content_type, f.content FROM program_activity_files f
           JOIN program_activities a ON a.id = f.activity_id
          WHERE f.id = $1 AND f.activity_id = $2 AND a.program_id = $3",
        file,
        activity,
        program
    )?;
    tx.rollback().await?;
    Ok(f.map(|f| (f.name, f.content_type, f.content)))
}
