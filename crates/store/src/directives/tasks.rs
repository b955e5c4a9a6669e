//! The owners of tasks: where each stands (the board's lines, a unit's own
//! list, the home page's reminders), the reports that move them and the
//! files they attach. An owner row is seen by the scopes that reach its
//! unit; a report is made for an owner the scope reaches (another
//! commune's task answers 404).

use chrono::{DateTime, NaiveDate, Utc};
use domain::directives::{Expects, NewReport, Standing, State};
use domain::page::Page;
use domain::Reason;
use serde::Serialize;

use super::{invalid, owner_cond, soon, standing_cond};
use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

/// One owner's share of a task, as the board and the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct OwnerRow {
    pub task_id: i64,
    pub directive_id: i64,
    pub directive_subject: String,
    pub directive_reference: Option<String>,
    /// The issuing unit (none: national).
    pub issuer_name: Option<String>,
    pub title: String,
    #[schema(value_type = domain::directives::Expects)]
    pub expects: String,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    /// The unit a legacy owner is part of since the 2025 reform.
    pub successor_name: Option<String>,
    pub due_on: NaiveDate,
    #[schema(value_type = State)]
    pub state: String,
    /// Why it is blocked.
    pub reason: Option<String>,
    /// What the registers counted at the last report (models,
    /// certifications, forms sent).
    pub count: Option<i64>,
    pub files: i64,
    pub reported_at: Option<DateTime<Utc>>,
    /// Where it stands today.
    #[sqlx(skip)]
    #[schema(value_type = Standing)]
    pub standing: Option<Standing>,
}

const SELECT_OWNER: &str = "SELECT o.task_id, t.directive_id, d.subject AS directive_subject,
        d.reference AS directive_reference, iu.name AS issuer_name, t.title, t.expects,
        o.org_unit_id, u.name AS org_unit_name,
        (SELECT su.name FROM org_unit_successors s JOIN org_units su ON su.id = s.to_id
          WHERE s.from_id = o.org_unit_id AND s.is_default) AS successor_name,
        o.due_on, o.state, o.reason, o.count, o.files, o.reported_at
   FROM task_owners o
   JOIN directive_tasks t ON t.id = o.task_id
   JOIN directives d ON d.id = t.directive_id
   LEFT JOIN org_units iu ON iu.id = d.org_unit_id
   JOIN org_units u ON u.id = o.org_unit_id";

fn with_standing(mut rows: Vec<OwnerRow>, today: NaiveDate) -> Result<Vec<OwnerRow>> {
    for r in &mut rows {
        let state = State::parse("state", &r.state)?;
        r.standing = Some(Standing::of(state, r.due_on, today));
    }
    Ok(rows)
}

/// The filters of a list of owners' tasks.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    /// The tasks of the user's own units (those of their scope and the
    /// legacy units these continue), not of the units below them.
    pub mine: bool,
    /// Owners at or below this unit.
    pub org_unit: Option<i64>,
    pub directive: Option<i64>,
    pub task: Option<i64>,
    pub state: Option<State>,
    /// Only what is not done.
    pub open: bool,
    pub standing: Option<Standing>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub page: Page,
}

/// The units user `n` answers for themselves: those of their scope and the
/// legacy units these continue since the 2025 reform.
fn own_units(n: &str) -> String {
    format!(
        "SELECT org_unit_id FROM user_scopes WHERE user_id = {n}
         UNION SELECT s.from_id FROM org_unit_successors s
                 JOIN user_scopes us ON us.org_unit_id = s.to_id WHERE us.user_id = {n}"
    )
}

fn list_where(scope: Scope, q: &TaskQuery, today: NaiveDate, p: &mut Params) -> String {
    let mut c = vec![owner_cond(scope, p)];
    if q.mine {
        match scope.user_id() {
            Some(user) => {
                let n = p.push(Arg::I64(Some(user)));
                c.push(format!("o.org_unit_id IN ({})", own_units(&n)));
            }
            // An unscoped account answers for no unit of its own.
            None => c.push("1 = 0".into()),
        }
    }
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "o.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(d) = q.directive {
        let n = p.push(Arg::I64(Some(d)));
        c.push(format!("t.directive_id = {n}"));
    }
    if let Some(t) = q.task {
        let n = p.push(Arg::I64(Some(t)));
        c.push(format!("o.task_id = {n}"));
    }
    if let Some(s) = q.state {
        let n = p.push(Arg::Text(Some(s.as_str().into())));
        c.push(format!("o.state = {n}"));
    }
    if q.open {
        c.push("o.state <> 'done'".into());
    }
    if let Some(s) = q.standing {
        let t = p.push(Arg::Date(Some(today)));
        let w = p.push(Arg::Date(Some(soon(today))));
        c.push(standing_cond(s, &t, &w));
    }
    if let Some(d) = q.due_from {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("o.due_on >= {n}"));
    }
    if let Some(d) = q.due_to {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("o.due_on <= {n}"));
    }
    c.join(" AND ")
}

/// A page of owners' tasks the scope sees: what is not done first, the
/// earliest due first, then by unit; and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    q: &TaskQuery,
    today: NaiveDate,
) -> Result<(Vec<OwnerRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(scope, q, today, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_OWNER} WHERE {cond}
          ORDER BY CASE WHEN o.state = 'done' THEN 1 ELSE 0 END, o.due_on, u.sort_key, o.task_id
          LIMIT {lim} OFFSET {off}"
    );
    let rows: Vec<OwnerRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM task_owners o JOIN directive_tasks t ON t.id = o.task_id WHERE {}",
        list_where(scope, q, today, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((with_standing(rows, today)?, total))
}

/// The user's own units' tasks that are late or due this week (the home
/// page's reminders), at most `limit`; and how many there are.
pub async fn reminders(
    db: &Db,
    scope: Scope,
    today: NaiveDate,
    limit: u32,
) -> Result<(Vec<OwnerRow>, i64)> {
    let q = TaskQuery {
        mine: true,
        open: true,
        due_to: Some(soon(today)),
        page: Page {
            page: 1,
            per_page: limit,
        },
        ..TaskQuery::default()
    };
    list(db, scope, &q, today).await
}

/// An owner row the scope reaches, inside a transaction.
async fn owner_tx(tx: &mut Tx, scope: Scope, task: i64, unit: i64) -> Result<OwnerRow> {
    let mut p = Params::default();
    let t = p.push(Arg::I64(Some(task)));
    let u = p.push(Arg::I64(Some(unit)));
    let sql = format!(
        "{SELECT_OWNER} WHERE o.task_id = {t} AND o.org_unit_id = {u} AND {}",
        owner_cond(scope, &mut p)
    );
    let rows: Vec<OwnerRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

/// The owner a report is for: the one named, or the only one of the task
/// the scope reaches (several: the report must name it; none: 404).
async fn reporting_owner(
    tx: &mut Tx,
    scope: Scope,
    task: i64,
    unit: Option<i64>,
) -> Result<OwnerRow> {
    if let Some(u) = unit {
        return owner_tx(tx, scope, task, u).await;
    }
    let mut p = Params::default();
    let t = p.push(Arg::I64(Some(task)));
    let sql = format!(
        "SELECT o.org_unit_id FROM task_owners o WHERE o.task_id = {t} AND {} LIMIT 2",
        owner_cond(scope, &mut p)
    );
    let units: Vec<i64> = fetch_dyn!(tx, fetch_all, scalar i64, &sql, p.args)?;
    match units.as_slice() {
        [one] => owner_tx(tx, scope, task, *one).await,
        [] => Err(StoreError::NotFound),
        _ => Err(invalid("org_unit_id", Reason::TaskOwnerRequired)),
    }
}

/// The owner a report or file would be for (`reporting_owner`), read
/// before a file is taken in: another unit's task answers 404 first.
pub async fn owner(db: &Db, scope: Scope, task: i64, unit: Option<i64>) -> Result<OwnerRow> {
    let mut tx = db.begin_read().await?;
    let r = reporting_owner(&mut tx, scope, task, unit).await;
    tx.rollback().await?;
    r
}

/// What the registers hold for the owner since the directive was issued:
/// models founded, units certified, forms of the data set sent up.
async fn register_count(
    tx: &mut Tx,
    task: i64,
    unit: i64,
    expects: Expects,
) -> Result<Option<i64>> {
    #[derive(sqlx::FromRow)]
    struct Task {
        issued_on: NaiveDate,
        data_set_id: Option<i64>,
    }
    let t: Task = fetch!(
        tx,
        fetch_one,
        Task,
        "SELECT d.issued_on, t.data_set_id FROM directive_tasks t
           JOIN directives d ON d.id = t.directive_id WHERE t.id = $1",
        task
    )?;
    let area = "IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = $1)";
    let since = t
        .issued_on
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
        .unwrap_or_default();
    let n: i64 = match expects {
        Expects::Text | Expects::File => return Ok(None),
        Expects::Models => fetch!(
            tx,
            fetch_one,
            scalar i64,
            &format!("SELECT COUNT(*) FROM models WHERE org_unit_id {area} AND founded_on >= $2"),
            unit,
            t.issued_on
        )?,
        Expects::Certifications => fetch!(
            tx,
            fetch_one,
            scalar i64,
            &format!(
                "SELECT COUNT(*) FROM certification_cases
                  WHERE state = 'certified' AND org_unit_id {area} AND decided_on >= $2"
            ),
            unit,
            t.issued_on
        )?,
        Expects::Figures => fetch!(
            tx,
            fetch_one,
            scalar i64,
            &format!(
                "SELECT COUNT(*) FROM data_approvals
                  WHERE data_set_id = $3 AND state IN ('submitted', 'approved')
                    AND org_unit_id {area} AND updated_at >= $2"
            ),
            unit,
            since,
            t.data_set_id
        )?,
    };
    Ok(Some(n))
}

/// A report as its owner's history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: i64,
    pub org_unit_id: i64,
    pub org_unit_name: String,
    #[schema(value_type = State)]
    pub state: String,
    pub text: Option<String>,
    pub reason: Option<String>,
    pub count: Option<i64>,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

const SELECT_REPORT: &str = "SELECT r.id, r.task_id, r.org_unit_id, u.name AS org_unit_name,
        r.state, r.text, r.reason, r.count, us.display_name AS author, r.created_at
   FROM task_reports r
   JOIN org_units u ON u.id = r.org_unit_id
   LEFT JOIN users us ON us.id = r.user_id";

/// An owner reports on its task (`unit`: which owner, when the scope
/// answers for several): its state moves, the registers' count is taken
/// for the kinds that count, the report joins the history; audited.
pub async fn report(
    db: &Db,
    author: Author,
    scope: Scope,
    task: i64,
    unit: Option<i64>,
    parse: impl FnOnce(Expects) -> std::result::Result<NewReport, domain::DomainError>,
) -> Result<ReportRow> {
    let mut tx = db.begin().await?;
    let before = reporting_owner(&mut tx, scope, task, unit).await?;
    let expects = Expects::parse("expects", &before.expects)?;
    let r = parse(expects)?;
    if r.state == State::Done && expects == Expects::File && before.files == 0 {
        return Err(invalid("file", Reason::TaskFileMissing));
    }
    let unit = before.org_unit_id;
    let count = register_count(&mut tx, task, unit, expects).await?;
    let now = Utc::now();
    execute!(
        tx,
        "UPDATE task_owners SET state = $3, reason = $4, count = $5, reported_at = $6
          WHERE task_id = $1 AND org_unit_id = $2",
        task,
        unit,
        r.state.as_str(),
        r.reason.as_deref(),
        count,
        now
    )?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO task_reports (task_id, org_unit_id, state, text, reason, count, user_id,
            created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        task,
        unit,
        r.state.as_str(),
        r.text.as_deref(),
        r.reason.as_deref(),
        count,
        author.user_id(),
        now
    )?;
    let row: ReportRow = fetch!(
        tx,
        fetch_one,
        ReportRow,
        &format!("{SELECT_REPORT} WHERE r.id = $1"),
        id
    )?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "report",
            entity: "task",
            entity_id: format!("{task}/{unit}"),
            before: Some(&before),
            after: Some(&row),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The reports on a task by the owners the scope reaches, latest first
/// (`unit`: one owner's); 404 when the scope reaches none of its owners.
pub async fn reports(
    db: &Db,
    scope: Scope,
    task: i64,
    unit: Option<i64>,
) -> Result<Vec<ReportRow>> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let t = p.push(Arg::I64(Some(task)));
    let mut cond = format!("o.task_id = {t} AND {}", owner_cond(scope, &mut p));
    if let Some(u) = unit {
        let n = p.push(Arg::I64(Some(u)));
        cond.push_str(&format!(" AND o.org_unit_id = {n}"));
    }
    let sql = format!("SELECT COUNT(*) FROM task_owners o WHERE {cond}");
    let seen = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, p.to_vec())?;
    if seen == 0 {
        return Err(StoreError::NotFound);
    }
    let sql = format!(
        "{SELECT_REPORT} JOIN task_owners o ON o.task_id = r.task_id AND o.org_unit_id = r.org_unit_id
          WHERE {cond} ORDER BY r.id DESC LIMIT 500"
    );
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// A file an owner attached to its task.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TaskFileRow {
    pub id: i64,
    pub task_id: i64,
    pub org_unit_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

/// Attaches a file to an owner's share of a task; audited.
pub async fn attach(
    db: &Db,
    author: Author,
    scope: Scope,
    task: i64,
    unit: Option<i64>,
    f: &crate::documents::files::NewFile<'_>,
) -> Result<TaskFileRow> {
    let mut tx = db.begin().await?;
    let owner = reporting_owner(&mut tx, scope, task, unit).await?;
    let now = Utc::now();
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO task_files (task_id, org_unit_id, name, content_type, size, sha256, content,
            user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        task,
        owner.org_unit_id,
        f.name,
        f.content_type,
        i64::try_from(f.content.len()).unwrap_or(i64::MAX),
        f.sha256,
        f.content,
        author.user_id(),
        now
    )?;
    execute!(
        tx,
        "UPDATE task_owners SET files = files + 1 WHERE task_id = $1 AND org_unit_id = $2",
        task,
        owner.org_unit_id
    )?;
    let row: TaskFileRow = fetch!(
        tx,
        fetch_one,
        TaskFileRow,
        "SELECT id, task_id, org_unit_id, name, content_type, size, created_at
           FROM task_files WHERE id = $1",
        id
    )?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "file",
            entity: "task",
            entity_id: format!("{task}/{}", owner.org_unit_id),
            before: None::<&()>,
            after: Some(&row),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The files on a task of the owners the scope reaches.
pub async fn files(db: &Db, scope: Scope, task: i64) -> Result<Vec<TaskFileRow>> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let t = p.push(Arg::I64(Some(task)));
    let cond = format!("o.task_id = {t} AND {}", owner_cond(scope, &mut p));
    let sql = format!("SELECT COUNT(*) FROM task_owners o WHERE {cond}");
    let seen = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, p.to_vec())?;
    if seen == 0 {
        return Err(StoreError::NotFound);
    }
    let sql = format!(
        "SELECT f.id, f.task_id, f.org_unit_id, f.name, f.content_type, f.size, f.created_at
           FROM task_files f
           JOIN task_owners o ON o.task_id = f.task_id AND o.org_unit_id = f.org_unit_id
          WHERE {cond} ORDER BY f.id"
    );
    let rows = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows)
}

/// A file's name, type and content, if the scope reaches its owner.
pub async fn content(
    db: &Db,
    scope: Scope,
    task: i64,
    file: i64,
) -> Result<Option<(String, String, Vec<u8>)>> {
    #[derive(sqlx::FromRow)]
    struct File {
        name: String,
        content_type: String,
        content: Vec<u8>,
    }
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let f = p.push(Arg::I64(Some(file)));
    let t = p.push(Arg::I64(Some(task)));
    let sql = format!(
        "SELECT f.name, f.content_type, f.content FROM task_files f
           JOIN task_owners o ON o.task_id = f.task_id AND o.org_unit_id = f.org_unit_id
          WHERE f.id = {f} AND f.task_id = {t} AND {}",
        owner_cond(scope, &mut p)
    );
    let rows: Vec<File> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tx.rollback().await?;
    Ok(rows
        .into_iter()
        .next()
        .map(|f| (f.name, f.content_type, f.content)))
}
